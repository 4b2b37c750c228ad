"""The checks that follow each exercise: run your function on a few inputs, explain the verdict.

Every check cell in the lessons is one line::

    check.exercise("compute_cost", compute_cost)

It runs your function on the exercise's visible inputs (always the same ones), compares each
result with the expected one, and prints a verdict: ``✅`` when all checks pass; otherwise
``❌`` with the case, the expected and the received values, and, when the wrong answer is one
of the well-known mistakes, what it looks like and a hint. A function that still raises
``NotImplementedError`` gets "not finished yet" instead of a traceback.

``setup_notebook()``, called in each notebook's first cell, makes a *later* cell that calls an
unfinished exercise say which exercise to finish instead of printing a wall of traceback.

>>> def compute_cost(X, y, w, b):
...     f = 1 / (1 + np.exp(-(X @ w + b)))
...     return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))
>>> exercise("compute_cost", compute_cost)
✅ compute_cost: all 4 checks passed.
>>> def sigmoid(z):
...     raise NotImplementedError()
>>> exercise("sigmoid", sigmoid)
⏳ Exercise `sigmoid` is not finished yet: write your code in its cell
(replace `raise NotImplementedError()`), run that cell, then run this check again.
"""

from __future__ import annotations

import warnings

import numpy as np

from course import exercises as _exercises
from course import nbgrader_cells
from course.nbgrader_cells import hidden_tests
from course.exercises._plain import ResultError, describe

__all__ = ["exercise", "hidden_tests", "report", "outcomes", "setup_notebook",
           "unfinished_exercise"]

_MAX_DETAILED_CASES = 2     # show expected vs received for this many failing cases


def exercise(exercise_id: str, function):
    """Check your function for the exercise ``exercise_id`` and print the verdict.

    Args:
        exercise_id: the exercise's name, e.g. ``"compute_cost"``.
        function: your function (pass the function itself, without calling it).

    Prints one verdict and returns ``None``; in your own session it never raises, whatever
    ``function`` does. Under nbgrader it raises or returns a score instead, so that nbgrader
    scores the cell (see ``course.nbgrader_cells``).
    """
    __tracebackhide__ = True                      # IPython: not part of the learner's story
    verdict, score, max_score = _assess(exercise_id, function)
    if callable(function) and not verdict.startswith("⏳"):
        verdict, score, max_score = nbgrader_cells.add_hidden_tests(
            _exercises.get(exercise_id), function, verdict, score, max_score)
    return nbgrader_cells.conclude(verdict, score, max_score)


def report(exercise_id: str, function) -> str:
    """The verdict ``exercise`` prints, as text (the first line starts with ✅, ❌ or ⏳)."""
    return _assess(exercise_id, function)[0]


def outcomes(spec, function, cases) -> list:
    """Run ``function`` on each case: plain data, or the error it gave as text.

    A stub's ``NotImplementedError`` becomes ``"NotImplementedError: ..."`` (not attempted).
    """
    results = []
    for case in cases:
        try:
            results.append(_outcome(spec, function, case, set()))
        except NotImplementedError as error:
            results.append(f"NotImplementedError: {error}")
    return results


def _outcome(spec, function, case, warned: set):
    """Plain data or an error message for one case; NumPy's RuntimeWarnings go to ``warned``.

    Lets ``NotImplementedError`` through, so the caller can tell which stub raised it.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome = spec.run_case(function, case)
        except NotImplementedError:
            raise
        except ResultError as error:
            outcome = f"wrong result type: {error}"
        except (Exception, SystemExit) as error:  # the learner's bug: report it
            outcome = f"{type(error).__name__}: {error}"
    warned |= {str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)}
    return outcome


def _assess(exercise_id: str, function) -> tuple:
    """``(verdict, score, max_score)`` of ``function`` on the visible cases."""
    try:
        spec = _exercises.get(exercise_id)
    except KeyError as error:
        return f"❌ {error.args[0]}", 0.0, 1.0
    if not callable(function):
        return (f"❌ {exercise_id}: pass your function itself, e.g. "
                f"check.exercise({exercise_id!r}, {exercise_id}); got a "
                f"{type(function).__name__}.", 0.0, float(spec.points))
    cases, results, warned = spec.visible_cases(), [], set()
    for case in cases:
        try:
            results.append(_outcome(spec, function, case, warned))
        except NotImplementedError as error:
            return _not_finished(exercise_id, error), 0.0, float(spec.points)
    evaluated = [spec.evaluate(case, outcome) for case, outcome in zip(cases, results)]
    grade = spec.grade(cases, results)
    return _verdict(spec, evaluated, warned), grade.score, grade.max_score


def _not_finished(exercise_id: str, error: BaseException) -> str:
    """The ⏳ message, naming the unfinished exercise the function depends on, if another."""
    needed = unfinished_exercise(error.__traceback__) or exercise_id
    if needed != exercise_id:
        return (f"⏳ `{exercise_id}` calls `{needed}`, which is not finished yet: finish "
                f"exercise `{needed}` first, run its cell, then run this check again.")
    return (f"⏳ Exercise `{exercise_id}` is not finished yet: write your code in its cell "
            "(replace `raise NotImplementedError()`), run that cell, then run this check again.")


def _verdict(spec, results, warned) -> str:
    total = len(results)
    failed = [r for r in results if not r.passed]
    if not failed:
        lines = [f"✅ {spec.id}: all {total} checks passed."]
        if warned:
            lines.append(f"   Note: NumPy warned ({'; '.join(sorted(warned))}). The results are "
                         "right, but a version that never warns is better: see the hint above.")
        return "\n".join(lines)
    lines = [f"❌ {spec.id}: {len(failed)} of {total} checks failed."]
    for result in failed[:_MAX_DETAILED_CASES]:
        lines.append(f"  Case: {result.case.name}")
        if result.error:
            lines.append(f"    your function gave an error: {result.error}")
            continue
        for part, reason in result.problems.items():
            label = "result" if spec.parts == ("value",) else part
            expected, received = result.expected[part], result.received.get(part)
            lines.append(f"    {label}: expected {describe(expected)}")
            shown = "nothing" if received is None else describe(received)
            lines.append(f"    {' ' * len(label)}  received {shown}  <- {reason}"
                         f"{_ratio(expected, received)}")
    if len(failed) > _MAX_DETAILED_CASES:
        lines.append(f"  ... and {len(failed) - _MAX_DETAILED_CASES} more failing case(s).")
    hints = []
    for result in failed:
        if result.mistake is not None and result.mistake not in hints:
            hints.append(result.mistake)
    for mistake in hints:
        lines.append(f"  Looks like {mistake.name}. Hint: {mistake.hint}")
    if not hints and not any(r.error for r in failed):
        lines.append("  Hint: compare your code with the formula above, one step at a time, "
                     "on the first case.")
    return "\n".join(lines)


def _ratio(expected, received) -> str:
    """', your result is 6.00× the expected' when both are single nonzero numbers."""
    if received is None or np.asarray(received).dtype.kind != "f":
        return ""
    e, r = np.asarray(expected, np.float64), np.asarray(received, np.float64)
    if e.size != 1 or r.size != 1 or not np.isfinite(r).all() or float(e.reshape(())) == 0:
        return ""
    ratio = float(r.reshape(())) / float(e.reshape(()))
    return f" (your result is {ratio:.2f}× the expected)" if abs(ratio - 1) > 1e-3 else ""


# -- friendly errors for later cells -------------------------------------------------------------
def unfinished_exercise(traceback) -> str | None:
    """The exercise whose stub raised, found in the innermost frame of ``traceback``.

    Returns the exercise id (e.g. ``"sigmoid"``) or ``None`` when the error came from
    elsewhere.
    """
    names = {spec.id for spec in _exercises.all_exercises()}
    innermost = None
    while traceback is not None:
        innermost, traceback = traceback, traceback.tb_next
    if innermost is None:
        return None
    name = innermost.tb_frame.f_code.co_name
    return name if name in names else None


def _explain_unfinished(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: one clear line for an unfinished exercise.

    The cell still ends in an error (so "Run All" stops here), but the error shows which
    exercise to finish instead of a traceback.
    """
    name = unfinished_exercise(tb)
    if name is None:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = [f"NotImplementedError: This cell needs exercise `{name}` — finish it above "
               "and run its cell first."]
    shell._showtraceback(etype, value, stb)
    return None


def setup_notebook() -> None:
    """Prepare a lesson's kernel; call it in the notebook's first code cell.

    Outside IPython (a plain Python script) it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the course
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NotImplementedError,), _explain_unfinished)
