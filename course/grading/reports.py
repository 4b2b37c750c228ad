"""Writing grading reports: one JSON per submission, a CSV gradebook, Gradescope's results.json.

A report is the dict made by :func:`course.grading.grader.grade_submission`. These functions
only format it; they never re-grade.

>>> report = {"submission": "ada.ipynb", "lesson": "L", "score": 1.5, "max_score": 2.0,
...           "error": None, "seconds": 3.0, "exercises": [
...     {"id": "sigmoid", "score": 1.5, "max_score": 2.0, "status": "failed",
...      "feedback": "sigmoid: 1.5 of 2 points."}]}
>>> result = gradescope_results(report)
>>> result["score"], result["tests"][0]["name"], result["tests"][0]["status"]
(1.5, 'sigmoid', 'failed')
>>> gradebook_columns([report])
['sigmoid']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from course.exercises import all_exercises

#: Gradescope's allowed values for ``visibility``.
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def write_json(report: dict, path: Path) -> None:
    """Write one submission's report as indented JSON."""
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def gradebook_columns(reports: list[dict]) -> list[str]:
    """Exercise ids in a stable order: registry order of the lessons met, then first seen."""
    order = [exercise.id for exercise in all_exercises()]
    seen = [entry["id"] for report in reports for entry in report.get("exercises", [])]
    known = [exercise_id for exercise_id in order if exercise_id in seen]
    return known + sorted(set(seen) - set(known))


def _points(value: float) -> str:
    """Points as short text: 3 -> '3', 1.5 -> '1.5'."""
    return f"{value:g}"


def write_gradebook(reports: list[dict], path: Path) -> None:
    """Write ``grades.csv``: one row per submission, one column per exercise, and the total.

    An exercise that the submission's lesson does not have is left empty; a submission that
    could not be read scores 0 everywhere and says why in the ``error`` column.
    """
    columns = gradebook_columns(reports)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "lesson", *columns, "total", "max_total", "error"])
        for report in reports:
            scores = {entry["id"]: _points(entry["score"]) for entry in report["exercises"]}
            writer.writerow([report["submission"], report.get("lesson") or "",
                             *(scores.get(column, "") for column in columns),
                             _points(report["score"]), _points(report["max_score"]),
                             report.get("error") or ""])


def gradescope_results(report: dict, visibility: str = "visible") -> dict:
    """The report in Gradescope's ``results.json`` format (one test per exercise)."""
    tests = [{"name": entry["id"], "score": entry["score"], "max_score": entry["max_score"],
              "status": "passed" if entry["status"] == "passed" else "failed",
              "output": entry["feedback"], "visibility": visibility}
             for entry in report["exercises"]]
    if not tests:  # the file could not be read and its lesson is unknown
        tests = [{"name": "submission", "score": 0.0, "max_score": report["max_score"],
                  "status": "failed", "output": report.get("error") or "", "visibility":
                  visibility}]
    lines = [f"Score: {_points(report['score'])} of {_points(report['max_score'])}."]
    if report.get("error"):
        lines.append(report["error"])
    if report.get("kernel_problem"):
        lines.append(f"Your notebook stopped early: {report['kernel_problem']}.")
    if report.get("notebook_errors"):
        lines.append("Cells that raised an error while your notebook ran:")
        lines += [f"  {line}" for line in report["notebook_errors"][:10]]
    sandbox = report.get("sandbox") or {}
    if sandbox:
        lines.append(f"Your notebook ran in a sandbox: {sandbox['kind']}.")
    return {"score": report["score"], "execution_time": round(report.get("seconds", 0.0), 2),
            "output": "\n".join(lines), "visibility": visibility,
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
    return (f"[{index:>{width}}/{total}] {report['submission']}  {report.get('lesson') or '?'}"
            f"  {score}  ({report.get('seconds', 0.0):.1f} s)")


def summary_table(reports: list[dict]) -> str:
    """A plain-text table of every submission's total and a one-line note."""
    rows = [("submission", "lesson", "score", "note")]
    for report in reports:
        note = report.get("error") or report.get("kernel_problem") or ""
        rows.append((report["submission"], report.get("lesson") or "-",
                     f"{_points(report['score'])}/{_points(report['max_score'])}",
                     note[:70]))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
             for row in rows]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(line.rstrip() for line in lines)
