"""Grading one submission: from a file on disk to a report of plain JSON-ready data.

The steps, all in this (trusted) process except step 4:

1. read and validate the notebook (:mod:`course.grading.submission`);
2. find its lesson and that lesson's exercises in the registry (:mod:`course.exercises`);
3. draw fresh hidden cases for every exercise from an unpredictable seed;
4. run the notebook and the student's functions in a separate kernel
   (:mod:`course.grading.runner`), getting plain data back;
5. score each exercise with the registry's own ``Exercise.grade`` (the same hints the
   learner sees in ``course.check``), after two integrity checks: a function that calls
   the course's reference implementation, or that removed the grader's call watcher,
   gets 0 points.

A report never raises: whatever goes wrong becomes a message and a score of 0.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import numpy as np

from course import exercises as registry
from course.grading import static_checks
from course.grading.runner import ExerciseRun, Limits, run_submission
from course.grading.submission import SubmissionError, identify_lesson, read_submission

_STATUS_TEXT = {
    "timeout": "TimeoutError: your function did not finish within the time limit",
}


def _reference_path(exercise) -> tuple[str, str] | None:
    """``("course.logistic", "sigmoid")`` for the exercise's reference, if it has one.

    For a method the name is qualified: ``("course.nn", "Sequential._backward")``.
    """
    reference = getattr(exercise, "reference", None)
    module, name = getattr(reference, "__module__", None), getattr(reference, "__qualname__", None)
    return (module, name) if module and name else None


def _exercise_entry(exercise, score, feedback, status, parts=()) -> dict:
    return {"id": exercise.id, "score": float(score), "max_score": float(exercise.points),
            "status": status, "feedback": feedback,
            "parts": [{"name": p.name, "score": round(float(p.score), 4),
                       "max_score": round(float(p.max_score), 4), "message": p.message}
                      for p in parts]}


def _outcomes(run: ExerciseRun, n_cases: int, function_name: str) -> list:
    """One outcome per case for ``Exercise.grade``: plain data, or an error message."""
    outcomes = []
    for index in range(n_cases):
        status = run.statuses[index] if index < len(run.statuses) else {"status": "lost"}
        kind = status.get("status")
        if kind == "ok":
            outcomes.append(run.outputs[index])
        elif kind == "missing":
            outcomes.append(f"NameError: no function named `{function_name}` is defined "
                            f"(did its cell run without errors?)")
        elif kind in ("not_implemented", "error"):
            outcomes.append(str(status.get("message", "an error")))
        else:
            outcomes.append(_STATUS_TEXT.get(kind, "no result came back for this test"))
    return outcomes


def grade_exercise(exercise, cases: list, run: ExerciseRun, static_reference: bool) -> dict:
    """Score one exercise from what the kernel sent back (see :func:`grade_notebook`)."""
    points = exercise.points
    if run.statuses is None:
        return _exercise_entry(exercise, 0, f"{exercise.id}: 0 of {points} points. "
                                            f"Not graded: {run.problem}.", "error")
    reference = _reference_path(exercise)
    if static_reference or any(s.get("called_reference") for s in run.statuses):
        where = f"`{reference[0]}.{reference[1]}`" if reference else "the course's solution"
        return _exercise_entry(exercise, 0, (
            f"{exercise.id}: 0 of {points} points. Your function calls the course's reference "
            f"implementation {where} (or the grader's answer key) instead of computing the "
            f"result itself; write the computation yourself."), "reference")
    if any(s.get("tampered") for s in run.statuses):
        return _exercise_entry(exercise, 0, (
            f"{exercise.id}: 0 of {points} points. Your function switched off the grader's "
            f"call watcher (sys.setprofile), so it could not be graded."), "error")
    if all(s.get("status") == "missing" for s in run.statuses):
        return _exercise_entry(exercise, 0, (
            f"{exercise.id}: 0 of {points} points. No function named `{exercise.id}` is "
            f"defined in the notebook (did its cell run without errors?)."), "missing")
    grade = exercise.grade(cases, _outcomes(run, len(cases), exercise.id))
    status = "not_attempted" if not grade.attempted else (
        "passed" if grade.score >= grade.max_score else "failed")
    return _exercise_entry(exercise, grade.score, grade.feedback, status, grade.parts)


def _lesson_index() -> dict[str, list[str]]:
    return {lesson: [exercise.id for exercise in exercises]
            for lesson, exercises in registry.LESSONS.items()}


def grade_notebook(notebook, lesson: str, run_limits: Limits | None = None,
                   seed=None, confinement=None) -> dict:
    """Grade an already-read notebook of ``lesson``; return the report body.

    ``seed`` fixes the hidden cases (for tests); by default they come from a fresh,
    unpredictable seed each run. ``confinement``: the kernel's sandbox
    (:mod:`course.grading.sandbox`; default: the strongest available).
    """
    rng = np.random.default_rng(secrets.randbits(128) if seed is None else seed)
    exercises = registry.for_lesson(lesson)
    cases = {exercise.id: exercise.grading_cases(rng) for exercise in exercises}
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    static = {}
    for exercise in exercises:
        reference = _reference_path(exercise)
        static[exercise.id] = bool(reference) and static_checks.calls_reference(
            sources, exercise.id, *reference)
    run = run_submission(notebook, [(e.id, e.id, cases[e.id]) for e in exercises], run_limits,
                         confinement)
    entries = [grade_exercise(e, cases[e.id], run.exercises[e.id], static[e.id])
               for e in exercises]
    return {"lesson": lesson, "exercises": entries,
            "score": round(sum(entry["score"] for entry in entries), 2),
            "max_score": float(sum(e.points for e in exercises)),
            "notebook_errors": run.cell_errors, "kernel_problem": run.kernel_problem,
            "interference_possible": run.interference_possible, "sandbox": run.sandbox}


def grade_submission(path: str | Path, run_limits: Limits | None = None, seed=None,
                     confinement=None) -> dict:
    """Grade the notebook file at ``path``; never raises.

    Returns a JSON-ready dict: ``submission``, ``lesson``, ``score``, ``max_score``,
    ``exercises`` (id, score, max_score, status, feedback, parts), ``error`` (why the file
    could not be graded at all, else ``None``), ``notebook_errors``, ``kernel_problem``,
    ``interference_possible`` (an outcome another submission running alongside could have
    caused; ``course grade --jobs`` then grades it again alone), ``sandbox`` (what confined
    the kernel: :meth:`course.grading.sandbox.Confinement.as_report`) and ``seconds``.
    """
    started = time.monotonic()
    report = {"submission": Path(path).name, "lesson": None, "score": 0.0, "max_score": 0.0,
              "exercises": [], "error": None, "notebook_errors": [], "kernel_problem": None}
    try:
        notebook = read_submission(path)
        lesson = identify_lesson(notebook, _lesson_index())
        report["lesson"] = lesson
        report["max_score"] = float(sum(e.points for e in registry.for_lesson(lesson)))
        report.update(grade_notebook(notebook, lesson, run_limits, seed, confinement))
    except SubmissionError as error:
        report["error"] = f"Not graded: {error}"
    except Exception as error:  # a bug of ours must not stop the class's grading
        report["error"] = f"Not graded: the grader failed ({type(error).__name__}: {error})."
    if report["error"] and report["lesson"]:
        report["exercises"] = [_exercise_entry(e, 0, f"{e.id}: 0 of {e.points} points. "
                                               f"{report['error']}", "error")
                               for e in registry.for_lesson(report["lesson"])]
    report["seconds"] = round(time.monotonic() - started, 2)
    return report
