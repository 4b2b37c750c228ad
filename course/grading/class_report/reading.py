"""Reading ``course grade``'s JSON reports into :class:`.records.Submission` records.

A reports folder holds one ``<name>.json`` per submission, next to ``grades.csv``, Gradescope's
``*.results.json`` files and perhaps files of other tools. Any JSON object with ``exercises``
and ``submission`` keys is a report; everything else is skipped and named, so a stray file
never stops the report. Keys are read tolerantly: a report written by an older or newer
``course grade`` (with or without ``student``, a timestamp, ...) is read the same way.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from course.grading.class_report import mistakes
from course.grading.class_report.records import FROM_STATUS, Attempt, ExerciseResult, Submission

#: A report larger than this is not one ``course grade`` wrote (they are a few kB).
MAX_REPORT_BYTES = 2**20


def student_name(report: dict) -> str:
    """The student: the report's ``student`` key, else taken from the submission's path.

    ``ada.ipynb`` -> ``ada``; ``ada/01_logistic_regression_numpy.ipynb`` (one folder per
    student) -> ``ada``.

    >>> student_name({"submission": "ada/01_logistic_regression_numpy.ipynb"})
    'ada'
    >>> student_name({"student": "Ada L.", "submission": "x.ipynb"})
    'Ada L.'
    """
    if isinstance(report.get("student"), str) and report["student"].strip():
        return report["student"].strip()
    path = PurePosixPath(str(report.get("submission") or "unknown").replace("\\", "/"))
    return path.parent.name if path.parent.name else path.stem


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and abs(number) != float("inf") else 0.0


def exercise_result(entry: dict) -> ExerciseResult:
    """One entry of a report's ``exercises`` list as an :class:`ExerciseResult`."""
    exercise_id = str(entry.get("id", "?"))
    attempt = FROM_STATUS.get(str(entry.get("status")), Attempt.FAILED)
    names = entry.get("mistakes")          # a grader that lists them; else read the feedback
    found = (tuple(str(n) for n in names) if isinstance(names, list)
             else mistakes.recognised(exercise_id, entry.get("feedback", "")))
    return ExerciseResult(exercise_id, _number(entry.get("score")),
                          _number(entry.get("max_score")), attempt, found)


def _grader_problem(report: dict, results: list) -> str:
    if report.get("error"):
        return "could not be graded"
    if report.get("kernel_problem"):
        return "kernel stopped or hit a limit"
    if any(r.attempt is Attempt.TIMED_OUT for r in results):
        return "a test hit the time limit"
    if any(r.attempt is Attempt.ERRORED for r in results):
        return "an exercise could not be graded"
    return ""


def submission(report: dict) -> Submission:
    """One report (the dict ``course grade`` writes) as a :class:`Submission`."""
    entries = report.get("exercises")
    results = [exercise_result(e) for e in entries if isinstance(e, dict)] \
        if isinstance(entries, list) else []
    lesson = report.get("lesson") if isinstance(report.get("lesson"), str) else None
    return Submission(student_name(report), lesson, _number(report.get("score")),
                      _number(report.get("max_score")), tuple(results),
                      _grader_problem(report, results))


def is_report(data) -> bool:
    """True for a dict shaped like one of ``course grade``'s per-submission reports."""
    return isinstance(data, dict) and isinstance(data.get("exercises"), list) \
        and "submission" in data


def read_reports(folder: Path) -> tuple[list[dict], list[str]]:
    """``(reports, skipped)``: every report in ``folder`` (sorted by file name), and the
    names of the ``.json`` files that are not reports."""
    found, skipped = [], []
    for path in sorted(Path(folder).glob("*.json")):
        if path.name.endswith(".results.json") or path.name == "results.json":
            continue                               # Gradescope's copies of the same reports
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                raise ValueError("too large")
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            skipped.append(path.name)
            continue
        (found.append(data) if is_report(data) else skipped.append(path.name))
    return found, skipped
