"""The checks that follow each exercise: run your function on a few inputs, explain the verdict.

Every check cell in the lessons is one line::

    check.exercise("compute_cost", compute_cost)

It runs your function on the exercise's visible inputs (always the same ones), compares each
result with the expected one, and prints a verdict: ``✅`` when all checks pass; otherwise
``❌`` with the case, the expected and the received values, and, when the wrong answer is one
of the well-known mistakes, what it looks like and a hint. A function that still raises
``NotImplementedError`` gets "not finished yet" instead of a traceback.

In your own session a check never hangs and never raises: each case runs under a time limit
(``time_limit`` seconds; by default the exercise's, 5 s for most), whatever your function
raises becomes part of the verdict, and what it prints is kept short, after the verdict. Only a
real interrupt (Ctrl-C, or "Interrupt kernel" in Jupyter) stops the cell; see
``course.exercises._guard`` for how the two are told apart. A function that hands its work to
the course's own implementation of the exercise (``course.logistic.sigmoid`` for ``sigmoid``)
is told so, as the grader would.

Under nbgrader (``NBGRADER_EXECUTION`` set) a check raises or returns a score instead, so that
nbgrader scores the cell as ``course grade`` would, and ``check.hidden_tests("compute_cost")``
(in ``solutions/`` only, between nbgrader's hidden-test markers) makes the next check grade on
fresh random inputs too: see ``course.nbgrader_cells``.

``setup_notebook()``, called in each notebook's first cell, makes a *later* cell that calls an
unfinished exercise say which exercise to finish instead of printing a wall of traceback.

>>> import numpy as np
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
>>> exercise(["sigmoid"], sigmoid)
❌ check.exercise needs the exercise's name as text, e.g.
check.exercise("sigmoid", sigmoid); got a list.
"""

from __future__ import annotations

import sys

from course import exercises as _exercises
from course import nbgrader_cells
from course._kernel_call import _dependencies, _restore  # what the grading kernel does
from course.exercises import _feedback, _learner_answers
from course.exercises._contracts import WARNINGS
from course.exercises._guard import guarded_call
from course.exercises._plain import ResultError
from course.nbgrader_cells import hidden_tests

__all__ = ["exercise", "hidden_tests", "report", "setup_notebook", "unfinished_exercise"]


def exercise(exercise_id: str, function, time_limit: float | None = None):
    """Check your function for the exercise ``exercise_id`` and print the verdict.

    Args:
        exercise_id: the exercise's name, e.g. ``"compute_cost"``.
        function: your function (pass the function itself, without calling it).
        time_limit: seconds each case may take before the check gives up on it; by
            default the exercise's own (``Exercise.time_limit``, 5 s for most).

    Prints one verdict and returns ``None``; it never raises, whatever ``function`` does,
    except ``KeyboardInterrupt`` when you interrupt it yourself. Under nbgrader it raises or
    returns a score instead, so that nbgrader scores the cell (``course.nbgrader_cells``).
    """
    __tracebackhide__ = True                      # IPython: not part of the learner's story
    verdict, score, max_score = _assess(exercise_id, function, time_limit)
    if score is not None and not verdict.startswith("⏳"):
        spec = _exercises.get(exercise_id)
        verdict, score, max_score = nbgrader_cells.add_hidden_tests(
            spec, lambda cases: _graded(spec, function, cases, time_limit),
            verdict, score, max_score)
    return nbgrader_cells.conclude(verdict, score or 0.0, max_score)


def _a_type(value) -> str:
    """``"a list"``, ``"an int"``: the type of ``value`` with its article."""
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _argument_problem(exercise_id, function, time_limit) -> str | None:
    """The ❌ line for arguments ``exercise`` cannot work with, else ``None``."""
    if not isinstance(exercise_id, str):
        return (f'❌ check.exercise needs the exercise\'s name as text, e.g. '
                f'check.exercise("{_example_id(function)}", {_example_id(function)}); got '
                f"{_a_type(exercise_id)}.")
    try:
        _exercises.get(exercise_id)
    except KeyError as error:
        return f"❌ {error.args[0]}"
    if not callable(function):
        return (f"❌ {exercise_id}: pass your function itself, e.g. "
                f"check.exercise({exercise_id!r}, {exercise_id}); got "
                f"{_a_type(function)}.")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(
            time_limit, (int, float)) or not 0 < time_limit < float("inf")):
        return (f"❌ {exercise_id}: `time_limit` must be a number of seconds greater than 0; "
                f"got {time_limit!r}.")
    return None


def _example_id(function) -> str:
    """The learner's function name when it is an exercise's, for the example in a message."""
    name = getattr(function, "__name__", "")
    return name if name in {spec.id for spec in _exercises.all_exercises()} else "compute_cost"


def report(exercise_id: str, function, time_limit: float | None = None) -> str:
    """The verdict ``exercise`` prints, as text (the first line starts with ✅, ❌ or ⏳)."""
    return _assess(exercise_id, function, time_limit)[0]


def _assess(exercise_id, function, time_limit) -> tuple:
    """``(verdict, score, max_score)`` on the visible cases; score ``None`` for bad arguments."""
    problem = _argument_problem(exercise_id, function, time_limit)
    if problem is not None:
        return problem, None, 1.0
    spec = _exercises.get(exercise_id)
    cases = spec.visible_cases()
    outcomes, warned, printed, stop = _run_cases(spec, function, cases, time_limit)
    if stop is not None:
        return _with_printed(stop, printed), 0.0, float(spec.points)
    results = [spec.evaluate(case, outcome) for case, outcome in zip(cases, outcomes)]
    grade = spec.grade(cases, outcomes)
    verdict = _with_printed(_feedback.check_verdict(spec, results, warned), printed)
    return verdict, grade.score, grade.max_score


def _graded(spec, function, cases, time_limit):
    """``(grade, stop)``: ``Exercise.grade`` of ``function`` on ``cases``, or why it stopped.

    As in ``course grade``, the exercises ``spec`` depends on (``depends_on``) are the
    course's learner-style versions in ``function``'s namespace while it runs, so a mistake
    in one of them costs points once (nbgrader's hidden tests score what ``course grade``
    scores)."""
    namespace = getattr(function, "__globals__", None)
    replaced = {}
    try:
        if isinstance(namespace, dict) and spec.depends_on:
            replaced = _dependencies(_learner_answers.sources(spec.depends_on), namespace)
        outcomes, _, printed, stop = _run_cases(spec, function, cases, time_limit)
    finally:
        _restore(replaced, namespace)
    return (None, _with_printed(stop, printed)) if stop else (spec.grade(cases, outcomes), None)


def _run_cases(spec, function, cases, time_limit) -> tuple:
    """Run ``function`` on each case, each under the time limit and the hand-off watch.

    Returns ``(outcomes, warned, printed, stop)``: plain data or error text per case, NumPy's
    RuntimeWarnings, what the function printed, and ``stop``, the ⏳/❌ verdict that ended
    the run early (a stub, or a hand-off to the course's own implementation), else ``None``.
    """
    time_limit = spec.time_limit if time_limit is None else time_limit
    watch = _HandOffWatch(spec)
    outcomes, warned, printed = [], set(), []
    for case in cases:
        with watch:
            outcome = guarded_call(lambda: spec.run_case(function, case),
                                   time_limit)
        warned |= _runtime_warnings(outcome.value)
        printed.append(outcome.output)
        if isinstance(outcome.error, NotImplementedError):
            return outcomes, warned, printed, _not_finished(spec.id, outcome.error)
        if watch.seen is not None:
            return outcomes, warned, printed, (
                f"❌ {spec.id}: " + _feedback.called_reference(f"`{watch.seen}`"))
        outcomes.append(_as_outcome(outcome, time_limit))
        if outcome.timed_out:   # an endless loop would cost the limit again on every case
            skipped = f"not run: an earlier case did not finish within {time_limit:g} s"
            outcomes += [skipped] * (len(cases) - len(outcomes))
            break
    return outcomes, warned, printed, None


def _runtime_warnings(value) -> set:
    """NumPy's RuntimeWarnings in a plain outcome (its ``"_warnings"``), without the prefix."""
    texts = value.get(WARNINGS, ()) if isinstance(value, dict) else ()
    prefix = "RuntimeWarning: "
    return {text[len(prefix):] for text in texts if text.startswith(prefix)}


def _as_outcome(outcome, time_limit):
    """Plain data for ``Exercise.evaluate``, or the text of what went wrong."""
    if outcome.timed_out:
        return _feedback.too_slow(time_limit)
    if isinstance(outcome.error, ResultError):
        return f"wrong result type: {outcome.error}"
    if outcome.error is not None:
        return f"{type(outcome.error).__name__}: {outcome.error}"
    return outcome.value


def _with_printed(verdict: str, outputs) -> str:
    """The verdict, then the first lines the function printed (if it printed anything)."""
    total = sum(output.total for output in outputs)
    if not total:
        return verdict
    lines = [line for output in outputs for line in output.lines][:_feedback.MAX_PRINTED]
    return "\n".join([verdict] + _feedback.printed_lines(lines, total))


class _HandOffWatch:
    """A profile hook, for the length of one case, that notices a call into the course's own
    implementation of the exercise (``course.exercises.forbidden_objects``)."""

    def __init__(self, spec):
        self.names = {function.__code__: f"{function.__module__}.{function.__qualname__}"
                      for function in _exercises.forbidden_objects(spec)}
        self.seen = None

    def _profile(self, frame, event, argument):
        if event == "call" and frame.f_code in self.names and self.seen is None:
            self.seen = self.names[frame.f_code]

    def __enter__(self):
        self._previous = sys.getprofile()
        sys.setprofile(self._profile if self.names else self._previous)
        return self

    def __exit__(self, *exc_info):
        sys.setprofile(self._previous)
        return False


def _not_finished(exercise_id: str, error: BaseException) -> str:
    """The ⏳ message, naming the unfinished exercise the function depends on, if another."""
    needed = unfinished_exercise(error.__traceback__) or exercise_id
    if needed != exercise_id:
        return (f"⏳ `{exercise_id}` calls `{needed}`, which is not finished yet: finish "
                f"exercise `{needed}` first, run its cell, then run this check again.")
    return (f"⏳ Exercise `{exercise_id}` is not finished yet: write your code in its cell "
            "(replace `raise NotImplementedError()`), run that cell, then run this check again.")


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
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NotImplementedError,), _explain_unfinished)
