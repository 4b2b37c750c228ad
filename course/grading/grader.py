"""Grading one submission: from a file on disk to a report of plain JSON-ready data.

The steps, all in this (trusted) process except step 4:

1. read and validate the notebook (:mod:`course.grading.submission`);
2. find its lesson and that lesson's exercises in the registry (:mod:`course.exercises`);
3. draw fresh hidden cases for every exercise from an unpredictable seed, and time the
   course's own implementation on them to set each exercise's per-case time limit
   (:func:`course.grading.limits.case_limit`);
4. run the notebook and the student's functions in a separate, confined kernel
   (:mod:`course.grading.runner`) that imports a copy of ``course`` without the answer keys
   and with the lesson's forbidden implementations stubbed (:mod:`.course_tree`), grading
   the exercises in notebook order; an exercise that calls other exercises
   (``depends_on``) gets the course's learner-style versions of them in their place
   (:mod:`course.exercises._learner_answers`), so one mistake costs points once;
5. turn what each call returned into the case's plain outcome *here*
   (``Exercise.outcome``) and score each exercise with the registry's own
   ``Exercise.grade`` (the same hints the learner sees in ``course.check``), unless it
   cannot be: a case that did not finish or whose result cannot be read, a call into a
   forbidden course implementation, or no function at all each give 0 points with the
   reason. When a dependency lost points, the feedback says to fix it first.

A report never raises: whatever goes wrong becomes a message and a score of 0.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from pathlib import Path

import numpy as np

from course import exercises as registry
from course.exercises import _feedback, _learner_answers
from course.exercises._plain import ResultError
from course.grading import course_tree, static_checks
from course.grading.limits import Limits, case_limit
from course.grading.protocol import Status, Verdict
from course.grading.runner import ExerciseRun, PlannedExercise, run_submission
from course.grading.submission import SubmissionError, identify_lesson, read_submission

def _reference_path(exercise) -> tuple[str, str] | None:
    """``("course.logistic", "sigmoid")`` for the exercise's reference, if it has one.

    For a method the name is qualified: ``("course.nn", "Sequential._backward")``.
    """
    reference = getattr(exercise, "reference", None)
    module, name = getattr(reference, "__module__", None), getattr(reference, "__qualname__", None)
    return (module, name) if module and name else None


def _exercise_entry(exercise, score, feedback, status, parts=(), case_seconds=None) -> dict:
    return {"id": exercise.id, "score": float(score), "max_score": float(exercise.points),
            "status": Verdict(status).value, "feedback": feedback, "case_seconds": case_seconds,
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
        return _feedback.not_graded(stop.status.value, run.case_seconds, stop.message)
    if len(run.outcomes) < n_cases:
        return kernel_problem or "the exercise was never reached"
    return None


def _case_outcome(exercise, args: dict, outcome):
    """One case's outcome as ``Exercise.grade`` takes it: plain data, or an error message.

    The values the kernel sent back become plain data here, in the trusted process.
    """
    if outcome.status is Status.OK:
        try:
            return exercise.outcome(args, outcome.returned, outcome.arguments_after,
                                    outcome.warnings)
        except ResultError as error:
            return f"ResultError: {error}"
        except Exception as error:      # values no honest function returns
            return _feedback.unreadable_result(type(error).__name__)
    if outcome.status is Status.MISSING:
        return _feedback.no_function_error(exercise.id)
    return outcome.message or "an error"


def grade_exercise(exercise, cases: list, run: ExerciseRun, static_reference: bool,
                   kernel_problem: str | None = None) -> dict:
    """Score one exercise from the outcomes the kernel sent back (see :func:`grade_notebook`)."""
    if static_reference or any(o.status is Status.REFERENCE for o in run.outcomes):
        reference = _reference_path(exercise)
        where = f"`{reference[0]}.{reference[1]}`" if reference else "the course's solution"
        return _zero(exercise, _feedback.called_reference(where), Verdict.REFERENCE, run)
    reason = _not_graded_reason(run, len(cases), kernel_problem)
    if reason is not None:
        timed_out = any(o.status is Status.TIMEOUT for o in run.outcomes)
        return _zero(exercise, f"Not graded: {reason}.",
                     Verdict.TIMEOUT if timed_out else Verdict.ERROR, run)
    if all(o.status is Status.MISSING for o in run.outcomes):
        return _zero(exercise, _feedback.missing_function(exercise.id), Verdict.MISSING, run)
    grade = exercise.grade(cases, [_case_outcome(exercise, case, o)
                                   for case, o in zip(cases, run.outcomes)])
    if all(o.status is Status.NOT_IMPLEMENTED for o in run.outcomes):
        status = Verdict.NOT_ATTEMPTED
    else:
        status = Verdict.PASSED if grade.score >= grade.max_score else Verdict.FAILED
    return _exercise_entry(exercise, grade.score, grade.feedback, status, grade.parts,
                           run.case_seconds)


def _with_dependency_notes(exercises, entries: list[dict]) -> list[dict]:
    """Add "fix ... first" to the feedback of exercises graded with the course's versions
    of earlier exercises that lost points in this notebook."""
    lost = {entry["id"] for entry in entries if entry["score"] < entry["max_score"]}
    for exercise, entry in zip(exercises, entries):
        culprits = [d for d in exercise.depends_on if d in lost]
        if culprits and entry["status"] in (Verdict.PASSED, Verdict.FAILED):
            entry["feedback"] += "\n" + _feedback.fix_dependency_first(exercise.id, culprits)
    return entries


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


def lesson_of(path: str | Path) -> str | None:
    """The lesson of the notebook at ``path``, or ``None`` when it cannot be read or told
    (:func:`grade_submission` then reports why)."""
    try:
        return identify_lesson(read_submission(path), _lesson_index())
    except Exception:  # any failure: the grading itself reports why
        return None


def _static_reference(exercise, sources: list[str]) -> bool:
    """True when the notebook's code visibly uses one of the exercise's forbidden
    implementations (:func:`course.exercises.forbidden_objects`)."""
    return static_checks.calls_reference(
        sources, exercise.id, registry.forbidden_objects(exercise)) is not None


def grade_notebook(notebook, lesson: str, run_limits: Limits | None = None,
                   seed=None, confinement=None, tree: Path | None = None) -> dict:
    """Grade an already-read notebook of ``lesson``; return the report body.

    ``seed`` fixes the hidden cases (for tests); by default they come from a fresh,
    unpredictable seed each run. ``confinement``: the kernel's sandbox
    (:mod:`course.grading.sandbox`; default: the strongest available). ``tree``: the
    lesson's grading course tree (default: this process's, :func:`course_tree.for_lesson`).
    """
    run_limits = run_limits or Limits()
    rng = np.random.default_rng(secrets.randbits(128) if seed is None else seed)
    exercises = registry.for_lesson(lesson)
    cases = {exercise.id: exercise.grading_cases(rng) for exercise in exercises}
    plan = [PlannedExercise(e.id, [e.arguments(args) for args in cases[e.id]],
                            case_limit(run_limits, reference_seconds(e, cases[e.id]),
                                       e.time_limit),
                            e.build_inputs, _learner_answers.sources(e.depends_on))
            for e in exercises]                  # notebook order: dependencies come first
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    run = run_submission(notebook, plan, run_limits, confinement,
                         tree or course_tree.for_lesson(lesson))
    entries = _with_dependency_notes(exercises, [
        grade_exercise(e, cases[e.id], run.exercises[e.id], _static_reference(e, sources),
                       run.kernel_problem) for e in exercises])
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
    error = _feedback.not_graded_submission(why)
    exercises = registry.for_lesson(lesson) if lesson else []
    return {"submission": submission, "lesson": lesson, "score": 0.0,
            "max_score": float(sum(e.points for e in exercises)), "error": error,
            "exercises": [_zero(e, error, Verdict.ERROR) for e in exercises],
            "notebook_errors": [], "kernel_problem": None, "interference_possible": False,
            "seconds": 0.0}


def grade_submission(path: str | Path, run_limits: Limits | None = None, seed=None,
                     confinement=None, trees: dict | None = None) -> dict:
    """Grade the notebook file at ``path``; never raises.

    ``trees``: the grading course tree of each lesson (:func:`course_tree.trees`), made
    once per run by ``course grade``; by default this process lays out its own.

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
                  **grade_notebook(notebook, lesson, run_limits, seed, confinement,
                                   (trees or {}).get(lesson))}
    except SubmissionError as error:
        report = not_graded_report(name, str(error), lesson)
    except Exception as error:  # a bug of ours must not stop the class's grading
        report = not_graded_report(name, _feedback.submission_problem(
            "grader_failed", error=f"{type(error).__name__}: {error}") + ".", lesson)
    report["seconds"] = round(time.monotonic() - started, 2)
    return report
