"""Grading one submission: from a file on disk to a report of plain JSON-ready data.

The steps, all in this (trusted) process except step 4:

1. read and validate the notebook (:mod:`course.grading.submission`);
2. find its lesson and that lesson's exercises in the registry (:mod:`course.exercises`);
3. draw fresh hidden cases for every exercise from an unpredictable seed, and time the
   course's own implementation on them to set each exercise's per-case time limit
   (:func:`course.grading.limits.case_limit`);
4. run the notebook and the student's functions in a separate kernel
   (:mod:`course.grading.runner`), getting an outcome per case back;
5. score each exercise with the registry's own ``Exercise.grade`` (the same hints the
   learner sees in ``course.check``), unless it cannot be: a case that did not finish or
   whose result cannot be trusted, a call into the course's reference implementation, a
   removed call watcher, or no function at all each give 0 points with the reason.

A report never raises: whatever goes wrong becomes a message and a score of 0.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from pathlib import Path

import numpy as np

from course import exercises as registry
from course.exercises import _feedback
from course.grading import static_checks
from course.grading.limits import Limits, case_limit
from course.grading.protocol import Status
from course.grading.runner import ExerciseRun, run_submission
from course.grading.submission import SubmissionError, identify_lesson, read_submission

#: Why an exercise could not be graded, by the status of the case that stopped it.
_NOT_GRADED = {
    Status.TIMEOUT: "your function did not finish a test within its time limit of {limit:g} s "
                    "(course grade --case-timeout), so its other tests were not run",
    Status.BACKGROUND: "the notebook left background work running ({message}), which could "
                       "tamper with grading; stop threads and processes you start",
    Status.HARNESS_ERROR: "the grader could not call your function ({message})",
    Status.NO_RESULT: "the grader's helper was removed or broken by the notebook's code, so no "
                      "result came back",
    Status.FORGED: "the result files were tampered with: code running in the notebook changed "
                   "them after the grader wrote them, so this exercise could not be graded",
    Status.UNREADABLE: "the results could not be read back (they were not plain numbers)",
    Status.TOO_LARGE: "your function returned far more data than expected",
}


def _reference_path(exercise) -> tuple[str, str] | None:
    """``("course.logistic", "sigmoid")`` for the exercise's reference, if it has one.

    For a method the name is qualified: ``("course.nn", "Sequential._backward")``.
    """
    reference = getattr(exercise, "reference", None)
    module, name = getattr(reference, "__module__", None), getattr(reference, "__qualname__", None)
    return (module, name) if module and name else None


def _exercise_entry(exercise, score, feedback, status, parts=(), case_seconds=None) -> dict:
    return {"id": exercise.id, "score": float(score), "max_score": float(exercise.points),
            "status": status, "feedback": feedback, "case_seconds": case_seconds,
            "parts": [{"name": p.name, "score": round(float(p.score), 4),
                       "max_score": round(float(p.max_score), 4), "message": p.message}
                      for p in parts]}


def _zero(exercise, reason: str, status: str, run: ExerciseRun | None = None) -> dict:
    """The entry of an exercise that earns 0 points for ``reason``."""
    return _exercise_entry(exercise, 0, _feedback.score_line(exercise.id, 0, exercise.points,
                                                             reason), status,
                           case_seconds=run.case_seconds if run else None)


def _not_graded_reason(run: ExerciseRun, n_cases: int, kernel_problem: str | None):
    """Why the exercise cannot be scored from ``run``, or ``None`` when it can."""
    stop = next((o for o in run.outcomes if not o.status.scorable), None)
    if stop is not None:
        return _NOT_GRADED[stop.status].format(limit=run.case_seconds, message=stop.message)
    if len(run.outcomes) < n_cases:
        return kernel_problem or "the exercise was never reached"
    return None


def _case_outcome(outcome, exercise_id: str):
    """One case's outcome as ``Exercise.grade`` takes it: plain data, or an error message."""
    if outcome.status is Status.OK:
        return outcome.outputs
    if outcome.status is Status.MISSING:
        return (f"NameError: no function named `{exercise_id}` is defined "
                f"(did its cell run without errors?)")
    return outcome.message or "an error"


def grade_exercise(exercise, cases: list, run: ExerciseRun, static_reference: bool,
                   kernel_problem: str | None = None) -> dict:
    """Score one exercise from the outcomes the kernel sent back (see :func:`grade_notebook`)."""
    reason = _not_graded_reason(run, len(cases), kernel_problem)
    if reason is not None:
        timed_out = any(o.status is Status.TIMEOUT for o in run.outcomes)
        return _zero(exercise, f"Not graded: {reason}.", "timeout" if timed_out else "error", run)
    if static_reference or any(o.called_reference for o in run.outcomes):
        reference = _reference_path(exercise)
        where = f"`{reference[0]}.{reference[1]}`" if reference else "the course's solution"
        return _zero(exercise, _feedback.called_reference(where), "reference", run)
    if any(o.tampered for o in run.outcomes):
        return _zero(exercise, _feedback.switched_off_watcher(), "error", run)
    if all(o.status is Status.MISSING for o in run.outcomes):
        return _zero(exercise, _feedback.missing_function(exercise.id), "missing", run)
    grade = exercise.grade(cases, [_case_outcome(o, exercise.id) for o in run.outcomes])
    status = "not_attempted" if not grade.attempted else (
        "passed" if grade.score >= grade.max_score else "failed")
    return _exercise_entry(exercise, grade.score, grade.feedback, status, grade.parts,
                           run.case_seconds)


def reference_seconds(exercise, cases: list) -> float:
    """Seconds the course's own implementation takes on the slowest of ``cases``."""
    slowest = 0.0
    for case in cases:
        started = time.perf_counter()
        exercise.expected(case)
        slowest = max(slowest, time.perf_counter() - started)
    return slowest


def _lesson_index() -> dict[str, list[str]]:
    return {lesson: [exercise.id for exercise in exercises]
            for lesson, exercises in registry.LESSONS.items()}


def _static_reference(exercise, sources: list[str]) -> bool:
    """True when the notebook's code visibly uses one of the exercise's forbidden
    implementations (:func:`course.exercises.forbidden_objects`)."""
    return static_checks.calls_reference(
        sources, exercise.id, registry.forbidden_objects(exercise)) is not None


def grade_notebook(notebook, lesson: str, run_limits: Limits | None = None,
                   seed=None, confinement=None) -> dict:
    """Grade an already-read notebook of ``lesson``; return the report body.

    ``seed`` fixes the hidden cases (for tests); by default they come from a fresh,
    unpredictable seed each run. ``confinement``: the kernel's sandbox
    (:mod:`course.grading.sandbox`; default: the strongest available).
    """
    run_limits = run_limits or Limits()
    rng = np.random.default_rng(secrets.randbits(128) if seed is None else seed)
    exercises = registry.for_lesson(lesson)
    cases = {exercise.id: exercise.grading_cases(rng) for exercise in exercises}
    plan = [(e.id, cases[e.id], case_limit(run_limits, reference_seconds(e, cases[e.id])))
            for e in exercises]
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    run = run_submission(notebook, plan, run_limits, confinement)
    entries = [grade_exercise(e, cases[e.id], run.exercises[e.id],
                              _static_reference(e, sources), run.kernel_problem)
               for e in exercises]
    return {"lesson": lesson, "exercises": entries,
            "score": round(sum(entry["score"] for entry in entries), 2),
            "max_score": float(sum(e.points for e in exercises)),
            "notebook_errors": run.cell_errors, "kernel_problem": run.kernel_problem,
            "interference_possible": run.interference_possible,
            "limits": dataclasses.asdict(run_limits), "sandbox": run.sandbox}


def not_graded_report(submission: str, why: str, lesson: str | None = None) -> dict:
    """The report of a submission that could not be graded at all: 0 points and ``why``.

    ``why`` is a sentence ("the file is empty."); with a known ``lesson`` every exercise
    gets an entry of 0 points that repeats it.
    """
    error = f"Not graded: {why}"
    exercises = registry.for_lesson(lesson) if lesson else []
    return {"submission": submission, "lesson": lesson, "score": 0.0,
            "max_score": float(sum(e.points for e in exercises)), "error": error,
            "exercises": [_zero(e, error, "error") for e in exercises],
            "notebook_errors": [], "kernel_problem": None, "interference_possible": False,
            "seconds": 0.0}


def grade_submission(path: str | Path, run_limits: Limits | None = None, seed=None,
                     confinement=None) -> dict:
    """Grade the notebook file at ``path``; never raises.

    Returns a JSON-ready dict: ``submission``, ``lesson``, ``score``, ``max_score``,
    ``exercises`` (id, score, max_score, status, feedback, case_seconds, parts), ``error``
    (why the file could not be graded at all, else ``None``), ``notebook_errors``,
    ``kernel_problem``, ``interference_possible`` (an outcome another submission running
    alongside could have caused; ``course grade --jobs`` then grades it again alone),
    ``limits`` (the time and memory limits that applied), ``sandbox`` (what confined the
    kernel: :meth:`course.grading.sandbox.Confinement.as_report`) and ``seconds``.
    """
    started, name, lesson = time.monotonic(), Path(path).name, None
    try:
        notebook = read_submission(path)
        lesson = identify_lesson(notebook, _lesson_index())
        report = {"submission": name, "error": None,
                  **grade_notebook(notebook, lesson, run_limits, seed, confinement)}
    except SubmissionError as error:
        report = not_graded_report(name, str(error), lesson)
    except Exception as error:  # a bug of ours must not stop the class's grading
        report = not_graded_report(name, f"the grader failed ({type(error).__name__}: "
                                         f"{error}).", lesson)
    report["seconds"] = round(time.monotonic() - started, 2)
    return report
