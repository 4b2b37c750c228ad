"""Feedback text, worded once for every place a learner or instructor reads it.

``course.check`` (the learner's check cell), the grader's reports, the Gradescope output and
nbgrader's feedback all build their sentences here, so a hint or a score line reads the same
everywhere.

Whole-exercise sentences:

>>> score_line("sigmoid", 1.5, 2)
'sigmoid: 1.5 of 2 points.'
>>> score_line("sigmoid", 0, 2, "Not graded: the kernel died.")
'sigmoid: 0 of 2 points. Not graded: the kernel died.'
>>> all_passed("sigmoid", 4, "tests")
'sigmoid: all 4 tests passed.'

Reasons for a score of 0 that the grader decides before looking at any result:

>>> called_reference("`course.logistic.sigmoid`")[:38]
"Your function calls the course's refer"

For hidden cases (``reveal=False``) the per-case lines name what is wrong without giving
away the inputs: no values, and shapes only as "a 1-D result where a 0-D one was expected".
"""

from __future__ import annotations

import numpy as np


# -- whole-exercise sentences -------------------------------------------------------------------
def score_line(exercise_id: str, score: float, points: float, reason: str = "") -> str:
    """``"<exercise_id>: <score> of <points> points."``, then ``reason`` when one is given.

    Numbers print in their shortest form (``1.5``, ``0``, ``3``), whether given as int or float.
    """
    line = f"{exercise_id}: {float(score):g} of {float(points):g} points."
    return f"{line} {reason}" if reason else line


def all_passed(exercise_id: str, total: int, noun: str) -> str:
    """``"<exercise_id>: all <total> <noun> passed."`` (``noun``: "tests" or "checks")."""
    return f"{exercise_id}: all {total} {noun} passed."


def not_attempted(exercise_id: str) -> str:
    """The grader's sentence for an exercise whose function is still the stub."""
    return (f"{exercise_id}: not attempted (the function still raises "
            "NotImplementedError).")


def called_reference(where: str) -> str:
    """Why a function that hands the work to the course's own implementation earns 0.

    ``where`` names that implementation, e.g. ``"`course.logistic.sigmoid`"``.
    """
    return (f"Your function calls the course's reference implementation {where} (or the "
            "grader's answer key) instead of computing the result itself; write the "
            "computation yourself.")


def switched_off_watcher() -> str:
    """Why a function that removed the grader's call watcher earns 0."""
    return ("Your function switched off the grader's call watcher (sys.setprofile), so it "
            "could not be graded.")


def missing_function(exercise_id: str) -> str:
    """Why an exercise whose function does not exist in the notebook earns 0."""
    return (f"No function named `{exercise_id}` is defined in the notebook (did its cell run "
            "without errors?).")


# -- per-case lines --------------------------------------------------------------------------
def summarise_failures(exercise, results, reveal: bool) -> list:
    """Lines of feedback for the failed results: errors, wrong parts, mistake hints.

    With ``reveal=False`` (hidden cases) no input and no expected value is printed.
    """
    failed = [r for r in results if not r.passed]
    lines = []
    errors = sorted({r.error for r in failed if r.error})
    for error in errors:
        count = sum(r.error == error for r in failed)
        lines.append(f"  - on {count} of {len(results)} tests your function gave an error: "
                     f"{error}")
    for part in exercise.parts:
        wrong = [r for r in failed if part in r.problems and r.error is None]
        if wrong:
            reasons = sorted({r.problems[part] if reveal else _hidden_reason(r, part)
                              for r in wrong})
            label = "the result" if exercise.parts == ("value",) else f"`{part}`"
            lines.append(f"  - {label} is wrong on {len(wrong)} of {len(results)} tests "
                         f"({'; '.join(reasons)}).")
    seen = []
    for r in failed:
        if r.mistake is not None and r.mistake not in seen:
            seen.append(r.mistake)
            lines.append(f"  Looks like {r.mistake.name}. Hint: {r.mistake.hint}")
    if failed and not seen and not errors:
        lines.append("  This does not look like any common mistake; compare your code with "
                     "the formula above, one step at a time.")
    return lines


def _hidden_reason(result, part) -> str:
    """A reason that does not give away the sizes of a hidden input."""
    reason = result.problems[part]
    if not reason.startswith("shape"):
        return reason
    expected, received = np.ndim(result.expected[part]), np.ndim(result.received[part])
    if expected == received:
        return "wrong shape"
    return f"a {received}-D result where a {expected}-D one was expected"
