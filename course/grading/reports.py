"""Writing grading reports: one JSON per submission, Gradescope's results.json, the console.

A report is the dict made by :func:`course.grading.grader.grade_submission`. These functions
only format it; they never re-grade. The class gradebook is :mod:`course.grading.gradebook`.

A report carries text the student's code chose (error messages, names): :func:`bounded`
cuts every text and list to a fixed size before anything is written, so no report exceeds
about a megabyte (limits :data:`MAX_TEXT_CHARS`, :data:`MAX_LIST_ITEMS`), and the console
lines print names with :func:`course.grading.safe_text.printable`.

>>> report = {"submission": "ada.ipynb", "lesson": "L", "score": 1.5, "max_score": 2.0,
...           "error": None, "seconds": 3.0, "exercises": [
...     {"id": "sigmoid", "score": 1.5, "max_score": 2.0, "status": "failed",
...      "feedback": "sigmoid: 1.5 of 2 points."}]}
>>> result = gradescope_results(report)
>>> result["score"], result["tests"][0]["name"], result["tests"][0]["status"]
(1.5, 'sigmoid', 'failed')
>>> result["output_format"], result["tests"][0]["output_format"]
('md', 'md')
>>> len(bounded({"notebook_errors": ["x" * 10**7]})["notebook_errors"][0]) < 5000
True
"""

from __future__ import annotations

import json
from pathlib import Path

from course.grading import feedback_files
from course.grading.safe_text import printable

#: Gradescope's allowed values for ``visibility``.
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
#: Gradescope renders an output string as this format ("Output String Formatting" in its
#: autograder specification: text, html, simple_format, md, ansi).
OUTPUT_FORMAT = "md"
#: A report's texts are cut to this many characters (a feedback text is a few hundred).
MAX_TEXT_CHARS = 4000
#: A report's lists keep this many items (a notebook with 10,000 failing cells).
MAX_LIST_ITEMS = 200


def bounded(value, _key: str = ""):
    """``value`` (a report, or any part of one) with every text cut to
    :data:`MAX_TEXT_CHARS` and every list to :data:`MAX_LIST_ITEMS`, saying so where it cut.
    """
    if isinstance(value, str):
        if len(value) <= MAX_TEXT_CHARS:
            return value
        return value[:MAX_TEXT_CHARS] + f" [... {len(value) - MAX_TEXT_CHARS:,} more " \
                                         f"characters cut: MAX_TEXT_CHARS]"
    if isinstance(value, dict):
        return {bounded(str(key)): bounded(item, str(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        kept = [bounded(item) for item in value[:MAX_LIST_ITEMS]]
        if len(value) > MAX_LIST_ITEMS:
            kept.append(f"[... {len(value) - MAX_LIST_ITEMS:,} more cut: MAX_LIST_ITEMS]")
        return kept
    return value


def write_json(report: dict, path: Path) -> None:
    """Write one submission's report as indented JSON (bounded: :func:`bounded`)."""
    path.write_text(json.dumps(bounded(report), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def _points(value: float) -> str:
    """Points as short text: 3 -> '3', 1.5 -> '1.5'."""
    return f"{value:g}"


def gradescope_results(report: dict, visibility: str = "visible") -> dict:
    """The report in Gradescope's ``results.json`` format (one test per exercise).

    Its ``output`` is the student's feedback file (:mod:`course.grading.feedback_files`), in
    Markdown, and each test's ``output`` that exercise's feedback: the same text, every quoted
    part escaped (:func:`course.grading.safe_text.markdown_text`). Both declare
    ``output_format: "md"`` so Gradescope renders the Markdown.
    """
    report = bounded(report)
    tests = [{"name": entry["id"], "score": entry["score"], "max_score": entry["max_score"],
              "status": "passed" if entry["status"] == "passed" else "failed",
              "output": feedback_files.exercise_markdown(entry),
              "output_format": OUTPUT_FORMAT, "visibility": visibility}
             for entry in report["exercises"]]
    if not tests:  # the file could not be read and its lesson is unknown
        tests = [{"name": "submission", "score": 0.0, "max_score": report["max_score"],
                  "status": "failed", "output": feedback_files.quoted(report.get("error") or ""),
                  "output_format": OUTPUT_FORMAT, "visibility": visibility}]
    sandbox = report.get("sandbox") or {}
    return {"score": report["score"], "execution_time": round(report.get("seconds", 0.0), 2),
            "output": feedback_files.markdown(report), "output_format": OUTPUT_FORMAT,
            "test_output_format": OUTPUT_FORMAT, "visibility": visibility,
            "stdout_visibility": "hidden", "tests": tests, "extra_data": {"sandbox": sandbox}}


def write_gradescope(report: dict, path: Path) -> None:
    """Write Gradescope's ``results.json`` for one submission."""
    path.write_text(json.dumps(gradescope_results(report), indent=2, ensure_ascii=False),
                    encoding="utf-8")


def progress_line(index: int, total: int, report: dict) -> str:
    """``[ 3/30] ada.ipynb  01_logistic_regression_numpy  9.5/11  (12.1 s)``."""
    width = len(str(total))
    score = (f"{_points(report['score'])}/{_points(report['max_score'])}"
             if not report.get("error") else "not graded")
    return (f"[{index:>{width}}/{total}] {printable(report['submission'])}  "
            f"{printable(report.get('lesson') or '?')}  {score}  "
            f"({report.get('seconds', 0.0):.1f} s)")


def summary_table(reports: list[dict]) -> str:
    """A plain-text table of every submission's total and a one-line note."""
    rows = [("submission", "lesson", "score", "note")]
    for report in reports:
        note = report.get("error") or report.get("kernel_problem") or ""
        rows.append((printable(report["submission"]), printable(report.get("lesson") or "-"),
                     f"{_points(report['score'])}/{_points(report['max_score'])}",
                     printable(note[:70])))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
             for row in rows]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(line.rstrip() for line in lines)
