"""The course's own JupyterLab, as ``make setup`` leaves it: nothing a learner should not see.

nbgrader comes with the test extra (instructors grade with it), and installing it adds an
"Nbgrader" menu, assignment and course lists to JupyterLab, and server pages that fail
without an nbgrader course. The Makefile switches all of them off, and locks them, for this
environment only (``--sys-prefix``); instructors use nbgrader's command line.
"""

import re
import subprocess
import sys

import pytest

pytest.importorskip("nbgrader", reason="nbgrader is not installed here: nothing to hide")

NBGRADER_PAGES = ("formgrader", "validate_assignment", "assignment_list", "course_list")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FIX = "run `make setup` (the Makefile switches nbgrader's JupyterLab parts off)"


def jupyter(*args) -> str:
    process = subprocess.run([sys.executable, "-m", "jupyter", *args], capture_output=True,
                             text=True, timeout=120)
    return ANSI.sub("", process.stdout + process.stderr)


def test_the_nbgrader_menus_are_off_and_locked():
    listing = jupyter("labextension", "list")
    line = next((line for line in listing.splitlines() if "@jupyter/nbgrader" in line), "")
    assert "disabled" in line and "locked" in line, f"{line.strip()!r}: {FIX}"


def test_the_nbgrader_server_pages_are_off():
    listing = jupyter("server", "extension", "list")
    for page in NBGRADER_PAGES:
        name = f"nbgrader.server_extensions.{page}"
        line = next((line for line in listing.splitlines()
                     if line.strip().startswith(name + " ")), "")
        assert line.strip().endswith("disabled"), f"{name}: {line.strip()!r}: {FIX}"
