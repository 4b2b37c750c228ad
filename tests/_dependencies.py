"""The project's direct dependencies as ``pyproject.toml`` declares them.

``python tests/_dependencies.py --versions`` prints each direct dependency with its declared
bounds and the version installed here (the nox sessions put it in their log).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@dataclass(frozen=True)
class Dependency:
    """One direct dependency: the group it is in ("base", or an extra), the parsed
    requirement, and the line of pyproject.toml that declares it (comments included)."""

    group: str
    requirement: Requirement
    line: str

    @property
    def name(self) -> str:
        return canonicalize_name(self.requirement.name)

    @property
    def lower_bound(self) -> str | None:
        """The version after ``>=`` (or ``==``), if any."""
        return next((spec.version for spec in self.requirement.specifier
                     if spec.operator in (">=", "==")), None)

    @property
    def upper_bounds(self) -> list[str]:
        """Every specifier that excludes newer releases (``<``, ``<=``, ``~=``, ``==``)."""
        return [str(spec) for spec in self.requirement.specifier
                if spec.operator in ("<", "<=", "~=", "==", "===")]


def project(text: str | None = None) -> dict:
    """The ``[project]`` table of pyproject.toml (or of ``text``)."""
    text = PYPROJECT.read_text() if text is None else text
    return tomllib.loads(text)["project"]


def direct_dependencies(text: str | None = None) -> list[Dependency]:
    """Every requirement of the base install and of each extra, except the project itself
    (an extra may name another: ``train-a-neural-network[grader]``)."""
    text = PYPROJECT.read_text() if text is None else text
    table = project(text)
    own_name = canonicalize_name(table["name"])
    groups = [("base", table.get("dependencies", []))]
    groups += sorted(table.get("optional-dependencies", {}).items())
    found = []
    for group, requirements in groups:
        for requirement in requirements:
            parsed = Requirement(requirement)
            if canonicalize_name(parsed.name) == own_name:
                continue
            line = next((line for line in text.splitlines()
                         if re.match(r'\s*"' + re.escape(requirement) + '"', line)), "")
            found.append(Dependency(group, parsed, line))
    return found


def installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def print_versions() -> None:
    rows = [("group", "dependency", "declared", "installed")]
    rows += [(dep.group, dep.name, str(dep.requirement.specifier) or "(none)",
              installed(dep.name) if dep.requirement.marker is None
              or dep.requirement.marker.evaluate() else "not for this platform")
             for dep in direct_dependencies()]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    print(f"Direct dependencies on Python {sys.version.split()[0]}:")
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    if sys.argv[1:] != ["--versions"]:
        sys.exit("usage: python tests/_dependencies.py --versions")
    print_versions()
