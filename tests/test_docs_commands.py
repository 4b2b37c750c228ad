"""Every command the instructors' docs print runs, exactly as printed, and does what they say.

Each ```` ```bash ```` block of ``docs/*.md`` is a list of commands an instructor types. The
test lays out a temporary folder as the docs describe it (a copy of the repository, with the
course's environment active, as after ``make setup`` and ``source .venv/bin/activate``), then
runs the blocks of one page in order, each with ``bash -euo pipefail`` from the repository
root, so a command that fails, a path that does not exist or an exit status other than 0 fails
the test with the block and its output.

Where a page tells the instructor to bring something (returned notebooks in
``submissions/``), the block is preceded by a comment naming it::

    <!-- docs-test: submissions -->

and the test puts it there first (:data:`PROVIDED`). A block without a comment needs nothing
but the repository.

After the commands ran, :data:`EXPECTED_FILES` lists what each page promised to leave behind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CORPUS = ROOT / "tests" / "corpus"
LESSON = "01_logistic_regression_numpy"

#: A fenced bash block, with the optional ``docs-test`` comment right before it.
BLOCK = re.compile(r"(?:<!--\s*docs-test:\s*(?P<needs>[\w-]+)\s*-->\s*\n)?"
                   r"^```bash\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def _submissions(root: Path) -> None:
    """A class's returned notebooks, one folder per student, as docs/instructors.md §3 says."""
    for student, corpus_name in (("ada", "self_contained.ipynb"),
                                 ("grace", "mistake_cost_no_1_over_m.ipynb"),
                                 ("alan", "untouched.ipynb")):
        folder = root / "submissions" / student
        folder.mkdir(parents=True)
        shutil.copy(CORPUS / corpus_name, folder / f"{LESSON}.ipynb")


def _csv_example(page: str, header: str):
    """A setup that writes the ```` ```csv ```` example of ``docs/<page>`` whose first line is
    ``header`` into the file the page names for it: the page's own example is what runs."""
    def write(root: Path, name: str) -> None:
        text = (root / "docs" / page).read_text(encoding="utf-8")
        examples = re.findall(r"^```csv\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
        example = next(body for body in examples if body.startswith(header + "\n"))
        (root / name).write_text(example, encoding="utf-8")
    return write


_roster = _csv_example("gradebook.md", "submission,student,name,email")
_overrides = _csv_example("gradebook.md", "student,exercise,points,reason")


#: The block of docs/instructors.md §7 that builds and autogrades an nbgrader course folder.
NBGRADER_BLOCK_START = "mkdir -p nbgrader-course"
#: A copy of the folder that block made in this session, as the block left it, for the pages
#: that need one (nbgrader takes about 20 s to make it).
_made: dict[str, Path] = {}


def _nbgrader_course(root: Path) -> None:
    """The nbgrader course folder docs/instructors.md §7 builds, autograded: a copy of the
    one its own block made when the test of that page ran (they run first), else made here
    by running that block."""
    if "nbgrader-course" in _made:
        shutil.copytree(_made["nbgrader-course"], root / "nbgrader-course", symlinks=True)
        return
    body = next(body for _, body in blocks(root / "docs" / "instructors.md")
                if body.startswith(NBGRADER_BLOCK_START))
    subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=root,
                   env=environment(root / ".venv"), capture_output=True, check=True,
                   timeout=1200, stdin=subprocess.DEVNULL)


#: What a ``<!-- docs-test: NAME -->`` comment asks the test to lay out before the block.
PROVIDED = {"submissions": _submissions,
            "roster": lambda root: _roster(root, "roster.csv"),
            "overrides": lambda root: _overrides(root, "overrides.csv"),
            "nbgrader-course": _nbgrader_course}

#: Files each page's commands must have written (relative to the repository root).
EXPECTED_FILES = {
    "instructors.md": ["grades/grades.csv", "autograder.zip", "gradescope-trial/results/results.json",
                       "nbgrader-course/grades.csv", "nbgrader-course/release/lesson01/"
                       f"{LESSON}.ipynb"],
    "gradebook.md": ["grades/grades.csv", f"grades/ada-{LESSON}.json",
                     f"feedback/ada-{LESSON}.md", f"feedback/ada-{LESSON}.html",
                     "grades/canvas.csv", "grades/moodle.csv"],
    "class-report.md": ["grades/class_report.html", "grades/class_report.md",
                        "grades/class_report_figures", "slides/class_report.html",
                        "nbgrader-course/class_report.html"],
}


def blocks(page: Path) -> list[tuple[str | None, str]]:
    """The page's bash blocks in order: (what it needs laid out, its text)."""
    return [(m["needs"], m["body"]) for m in BLOCK.finditer(page.read_text(encoding="utf-8"))]


def repository_copy(target: Path) -> Path:
    """The repository's tracked files, and its ``.venv`` (a link to this test's environment)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    return target


def environment(venv: Path) -> dict[str, str]:
    """The shell after ``source .venv/bin/activate`` (and without this test's own settings)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST", "COV_")) and key != "MPLBACKEND"}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def test_every_docs_page_with_commands_is_checked():
    pages = {page.name for page in DOCS.glob("*.md") if blocks(page)}
    assert pages <= set(EXPECTED_FILES) | set(UNCHECKED), (
        f"add {sorted(pages - set(EXPECTED_FILES))} to EXPECTED_FILES")


#: Pages whose commands cannot run here, each with the reason.
UNCHECKED: dict[str, str] = {
    "hosting.md": "installs the package from a placeholder GitHub URL (OWNER/REPO@TAG) into "
                  "a JupyterHub user image, with network access; Binder and Colab are web "
                  "services (the binder files themselves are checked by tests/test_packaging.py)",
}


def test_every_comment_names_something_the_test_provides():
    for page in DOCS.glob("*.md"):
        for needs, _ in blocks(page):
            assert needs is None or needs in PROVIDED, f"{page.name}: unknown docs-test {needs}"


def require_a_sandbox() -> None:
    """``course grade`` refuses to run without a sandbox: skip where the machine has none
    (fail where ``COURSE_REQUIRE_SANDBOX=1``, as in CI)."""
    from course.grading import sandbox

    try:
        sandbox.confinement()
    except sandbox.SandboxUnavailable as error:
        if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but no sandbox: {error}")
        pytest.skip(f"no sandbox on this machine, and the docs grade in one: {error}")


#: instructors.md first: the nbgrader course folder its commands make serves the others.
PAGES = sorted(EXPECTED_FILES, key=lambda page: (page != "instructors.md", page))


@pytest.mark.parametrize("page", PAGES)
def test_the_commands_run_exactly_as_printed(page, tmp_path):
    require_a_sandbox()
    root = repository_copy(tmp_path / "course")
    env = environment(root / ".venv")
    page_blocks = blocks(DOCS / page)
    assert page_blocks, f"{page} has no bash block"
    before = {entry.name for entry in root.iterdir()}
    for needs, body in page_blocks:
        if needs:
            PROVIDED[needs](root)
        process = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=root, env=env,
                                 capture_output=True, text=True, timeout=1200,
                                 stdin=subprocess.DEVNULL)
        assert process.returncode == 0, (f"{page}: this block failed "
                                         f"(exit {process.returncode}):\n{body}\n"
                                         f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}")
        if body.startswith(NBGRADER_BLOCK_START):   # as it is now, before later blocks
            _made["nbgrader-course"] = shutil.copytree(
                root / "nbgrader-course", tmp_path / "made" / "nbgrader-course", symlinks=True)
    missing = [name for name in EXPECTED_FILES[page] if not (root / name).exists()]
    assert not missing, f"{page}: the commands did not write {missing}"
    created = sorted({entry.name for entry in root.iterdir()} - before)
    assert created, f"{page}: the commands created nothing"
    not_ignored = [name for name in created if not ignored_by_git(name)]
    assert not not_ignored, f".gitignore does not cover what {page} creates: {not_ignored}"


def ignored_by_git(name: str) -> bool:
    """True when the repository's .gitignore covers a file or folder ``name`` at its root."""
    return any(subprocess.run(["git", "check-ignore", "-q", "--no-index", path],
                              cwd=ROOT).returncode == 0 for path in (name, name + "/"))
