"""The grader as Gradescope runs it: ``python -m course.grading.gradescope --lesson L``.

Gradescope copies the student's files to ``/autograder/submission`` and reads the result from
``/autograder/results/results.json``. The root folder can be changed with ``--root`` (the
bundle's ``run_autograder`` passes ``$AUTOGRADER_ROOT``) so the whole flow can be tested
locally. A ``results.json`` is written whatever happens, so students always see feedback.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from course.exercises import _feedback
from course.grading import reports, sandbox
from course.grading.class_folder import Submission, find_submissions
from course.grading.cli import add_limit_arguments, limits_from
from course.grading.safe_text import printable
from course.grading.submission import SubmissionError, read_submission


def choose_notebook(folder: Path, lesson: str) -> Submission | None:
    """The submitted notebook of ``lesson`` in ``folder``: by metadata, else the first one
    that is a regular file, else the first refused one (a link: its report says why)."""
    found = find_submissions([str(folder)]) if folder.is_dir() else []
    files = [submission for submission in found if submission.refused is None]
    for submission in files:
        try:
            if read_submission(submission.path).metadata.get("course", {}).get(
                    "lesson") == lesson:
                return submission
        except SubmissionError:
            continue
    return (files or found or [None])[0]


def no_notebook_report(lesson: str, folder: Path) -> dict:
    """The report for a submission without any ``.ipynb`` file."""
    from course.grading.grader import not_graded_report
    received = sorted(printable(p.name) for p in folder.rglob("*") if p.is_file())
    files = ", ".join(received[:20]) or "nothing"
    return not_graded_report("", _feedback.submission_problem("no_notebook", received=files),
                             lesson)


def container_confinement(root: Path) -> sandbox.Confinement:
    """The strongest sandbox this container allows, else none.

    Gradescope grades each submission in a fresh container of its own, so with no sandbox
    (a container that forbids namespaces and Landlock) the kernel can still only damage its
    own submission; the report then says so (``sandbox.kind == "none"``).
    """
    try:
        return sandbox.confinement(hidden=[root / "submission", root / "results"])
    except sandbox.SandboxUnavailable as error:
        return sandbox.Confinement("none", (), tuple(sandbox.PROTECTIONS),
                                   note=f"the container allows no sandbox: {error}")


def main(argv: list[str] | None = None) -> int:
    """Grade the submission under ``--root`` and write ``results/results.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    parser.add_argument("--lesson", required=True)
    add_limit_arguments(parser)
    args = parser.parse_args(argv)
    root = Path(args.root)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    notebook = choose_notebook(root / "submission", args.lesson)
    if notebook is None:
        report = no_notebook_report(args.lesson, root / "submission")
    elif notebook.refused:
        from course.grading.grader import not_graded_report
        report = not_graded_report(notebook.shown, f"{notebook.refused}.", args.lesson)
    else:
        from course.grading.grader import grade_submission
        confinement = container_confinement(root)
        print(confinement.describe())
        report = grade_submission(notebook.path, limits_from(args), confinement=confinement)
        report["submission"] = notebook.shown
        if report.get("lesson") not in (None, args.lesson):
            report["error"] = (f"Note: this notebook is lesson {report['lesson']}, but this "
                               f"assignment is {args.lesson}.")
    reports.write_gradescope(report, results / "results.json")
    print(reports.progress_line(1, 1, report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
