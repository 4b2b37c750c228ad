"""The ``course class-report`` subcommand: the class report of a folder of graded work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.grading.class_report import nbgrader, reading, write_report
from course.grading.class_report.summary import DEFAULT_THRESHOLD

EXAMPLE = """\
Examples:
  course class-report grades/                      (the folder `course grade --out` wrote)
  course class-report grades/ --out slides/ --anonymous --threshold 0.6
  course class-report ~/nbgrader-course/           (nbgrader: reads autograded/*/*/*.ipynb)

Writes class_report.html (one self-contained page), class_report.md and the figures as PNG
files in class_report_figures/. `course grade` writes the same report next to grades.csv.
"""


def threshold(text: str) -> float:
    """``--threshold``: a fraction (0.5) or a percentage (50%) of a lesson's points."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.5 or a percentage "
                                         f"such as 50%, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (or 0% and 100%), "
                                         f"got {text!r}")
    return value


def load(folder: Path) -> tuple[list, list[str], str]:
    """``(submissions, skipped files, source)`` from ``course grade`` reports, else nbgrader.

    ``source`` is ``"course grade"`` or ``"nbgrader"``.
    """
    found, skipped = reading.read_reports(folder)
    if found:
        return [reading.submission(r) for r in found], skipped, "course grade"
    return nbgrader.read_autograded(folder), skipped, "nbgrader"


def run(args) -> int:
    """Exit status 0 once the report is written, 2 when there is nothing to report on."""
    folder = Path(args.reports)
    if not folder.is_dir():
        print(f"course class-report: error: REPORTS_DIR {folder} is not a folder",
              file=sys.stderr)
        return 2
    submissions, skipped, source = load(folder)
    if not submissions:
        print(f"course class-report: error: no reports of `course grade` (*.json) and no "
              f"nbgrader autograded notebooks (*.ipynb) in {folder}", file=sys.stderr)
        return 2
    if skipped:
        print(f"Skipped {len(skipped)} file(s) that are not grading reports: "
              + ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else ""))
    files = write_report(submissions, Path(args.out or folder), args.anonymous, args.threshold)
    print(f"Class report of {len(submissions)} submissions ({source}): {files.html}, "
          f"{files.markdown} and {len(files.figures)} figures as PNG files")
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``course class-report`` to the ``course`` command."""
    parser = subparsers.add_parser(
        "class-report", help="one page on what the class got wrong, from graded reports",
        description="Read the reports `course grade` wrote (or nbgrader's autograded "
                    "notebooks) and write one page for the teacher: per lesson and exercise "
                    "the scores, who did not attempt or timed out, the named mistakes ranked "
                    "by how many students made them with their hints, what to re-teach first, "
                    "and the students to look at. Nothing is graded again.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", metavar="REPORTS_DIR",
                        help="the folder of `course grade --out`, or an nbgrader course (or "
                             "its autograded/ folder)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="where to write the report (default: REPORTS_DIR)")
    parser.add_argument("--anonymous", action="store_true",
                        help="leave out the table of students (no names anywhere)")
    parser.add_argument("--threshold", type=threshold, default=DEFAULT_THRESHOLD,
                        metavar="FRACTION", help=f"list students under this fraction of a "
                                                 f"lesson's points (default: "
                                                 f"{DEFAULT_THRESHOLD:g}, or e.g. 60%%)")
    parser.set_defaults(run=run)
    return parser
