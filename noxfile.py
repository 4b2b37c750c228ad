"""The course on the oldest and on the newest versions it claims to support.

Two sessions, each in a fresh virtual environment made by ``uv``:

* ``lowest``: every direct dependency at the minimum ``pyproject.toml`` declares
  (``uv pip install --resolution lowest-direct``); their own dependencies at their newest.
* ``newest``: the newest release of everything (no pre-releases).

Each prints the versions it resolved, then runs the fast tests (unit tests and doctests of
every module: ``-m "not slow"``) and nbval on every notebook in ``solutions/``, in one run.

Run both with ``nox`` (``.ci/run`` does, after the main suite), one with ``nox -s lowest``.
``nox`` and ``uv`` come with the test extra: ``.venv/bin/nox``.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["lowest", "newest"]
nox.options.error_on_missing_interpreters = True

# The interpreter nox itself runs on (the project's .venv in make test and CI).
PYTHON = None
ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",   # before TensorFlow is imported, in kernels too
    "PYTHONHASHSEED": "0",
    # uv installs no byte-code: with PYTHONDONTWRITEBYTECODE (set on some machines) every
    # process would compile TensorFlow's and NumPy's modules again; empty, the first writes it.
    "PYTHONDONTWRITEBYTECODE": "",
}


def print_versions(session: nox.Session) -> None:
    """Every installed distribution, then the direct dependencies against their bounds."""
    session.run("uv", "pip", "freeze", "--python", session.virtualenv.location,
                silent=False, external=True)
    session.run("python", "tests/_dependencies.py", "--versions")


def run_tests(session: nox.Session) -> None:
    """Unit tests and doctests of every module, and nbval on every solution (``--dist
    loadscope`` keeps each notebook on one kernel)."""
    session.run("python", "-m", "pytest", "-m", "not slow or nbval", "-n", "2",
                "--dist", "loadscope", "-q", "tests", "course", "solutions", env=ENVIRONMENT)


@nox.session(python=PYTHON)
def lowest(session: nox.Session) -> None:
    """The declared minimum of every direct dependency."""
    session.install("--resolution", "lowest-direct", "-e", ".[test]")
    print_versions(session)
    run_tests(session)


@nox.session(python=PYTHON)
def newest(session: nox.Session) -> None:
    """The newest release of every dependency."""
    session.install("--resolution", "highest", "--upgrade", "--refresh", "-e", ".[test]")
    print_versions(session)
    run_tests(session)
