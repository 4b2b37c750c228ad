"""The graded exercises: one registry shared by ``course.check`` and ``course.grading``.

An exercise is a function the learner writes (``sigmoid``, ``compute_cost``, ...). For each one
this package knows how to make inputs (*cases*), how to call the learner's function and turn
its result into plain data, what the right answer is, and which well-known mistakes produce
which wrong answers, each with a hint.

The work is split between two processes on purpose:

1. ``run_case(function, case)`` runs where the learner's code lives (their kernel). It calls
   the function on one case and returns *plain data*: a dict of NumPy arrays.
2. ``evaluate`` and ``grade`` run anywhere, typically in the grader's own trusted process.
   They read only plain data, so nothing the learner's code does can change the verdict.

The exercises of each lesson live in one module: ``logistic_regression_numpy`` (01),
``loss_and_cost`` (02), ``backpropagation`` (03) and ``keras_model_fit`` (04); ``_plain`` turns
results into plain data and compares them, ``_feedback`` words the grader's feedback.

>>> exercise = get("compute_cost")
>>> exercise.lesson, exercise.points, exercise.parts
('01_logistic_regression_numpy', 3, ('value',))
>>> case = exercise.visible_cases()[0]
>>> def forgot_one_over_m(X, y, w, b):
...     f = 1 / (1 + np.exp(-(X @ w + b)))
...     return np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f))
>>> result = exercise.evaluate(case, exercise.run_case(forgot_one_over_m, case))
>>> result.passed, result.mistake.name
(False, 'a missing 1/m')
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course._validation import as_generator
from course.exercises import _feedback
from course.exercises._plain import ResultError, compare, decode_args, encode_args

__all__ = ["Case", "Mistake", "Exercise", "CaseResult", "PartScore", "Grade", "ResultError",
           "get", "all_exercises", "for_lesson", "LESSONS", "forbidden_codes", "encode_args", "decode_args"]


@dataclass(frozen=True)
class Case:
    """One set of inputs: ``args`` in the order of the learner's parameters.

    ``args`` maps a name to a float64 array, a float, an int or a string, nothing else, so a
    case can be saved with ``numpy.savez`` and read back without pickle. ``name`` describes a
    visible case to the learner ("the six-point data set"); hidden cases have no name.
    """

    args: dict
    name: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``produce(args)`` returns the plain data that mistake gives.

    ``produce`` may return ``None`` when the mistake cannot show on these inputs (a transposed
    weight matrix cannot be told apart when it is square, for example).
    """

    name: str
    produce: Callable[[dict], dict | None]
    hint: str


@dataclass
class CaseResult:
    """The verdict on one case: which parts are right, and what went wrong otherwise."""

    case: Case
    expected: dict
    received: dict | None          # None when the function raised or returned non-numbers
    problems: dict                 # part name -> short reason ("different values", "shape ...")
    error: str | None = None       # "NotImplementedError: ...", "TypeError: ..." or None
    mistake: Mistake | None = None

    @property
    def passed(self) -> bool:
        """True when every part matched and nothing was raised."""
        return not self.problems and self.error is None

    @property
    def not_attempted(self) -> bool:
        """True when the learner's function is still the stub."""
        return self.error is not None and self.error.startswith("NotImplementedError")


@dataclass
class PartScore:
    """Points earned by one part (``dj_dw``, ``dj_db``, ...) over all graded cases."""

    name: str
    score: float
    max_score: float
    message: str = ""


@dataclass
class Grade:
    """The result of grading one exercise on a set of cases."""

    exercise_id: str
    score: float
    max_score: float
    parts: list = field(default_factory=list)
    feedback: str = ""
    attempted: bool = True


def _default_call(function, args: dict):
    """Call the learner's function with the case's arguments, in order, as positional args."""
    return function(*args.values())


class Exercise:
    """A graded exercise: cases, plain-data conversion, the expected answer and known mistakes.

    Args:
        id: the exercise id, also the name of the learner's function and nbgrader grade_id.
        lesson: the notebook stem, e.g. ``"01_logistic_regression_numpy"``.
        points: the exercise's points.
        signature: the learner's signature as text, e.g. ``"compute_cost(X, y, w, b)"``.
        make_cases: ``make_cases(rng, visible) -> list[Case]``; visible cases are few and
            named, hidden ones are random and include edge cases.
        to_plain: turns the learner's return value into a dict of arrays (one per part);
            raises ``ResultError`` for things that are not the numbers asked for.
        expected: ``expected(args) -> dict``, the right plain data, computed with NumPy only.
        mistakes: known mistakes, tried in order; the first that explains every wrong part wins.
        parts: the names of the parts, with ``weights`` (fractions of the points, summing to 1).
        call: ``call(function, args)`` calls the learner's function (default: positionally).
        rtol, atol: tolerances of ``compare``.
        reference: the ``course`` function this exercise mirrors, if there is one.
    """

    VISIBLE_SEED = 2024

    def __init__(self, *, id, lesson, points, signature, make_cases, to_plain, expected,
                 mistakes=(), parts=("value",), weights=None, call=_default_call,
                 rtol=1e-6, atol=1e-9, reference=None):
        self.id, self.lesson, self.points, self.signature = id, lesson, points, signature
        self.make_cases, self.to_plain, self.expected = make_cases, to_plain, expected
        self.mistakes = tuple(mistakes)
        self.parts = tuple(parts)
        self.weights = tuple(weights) if weights else tuple(1 / len(parts) for _ in parts)
        self.call, self.rtol, self.atol, self.reference = call, rtol, atol, reference

    @property
    def function_name(self) -> str:
        """The name of the function the learner defines: the exercise id."""
        return self.id

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, lesson={self.lesson!r}, points={self.points})"

    # -- cases --------------------------------------------------------------------------------
    def visible_cases(self) -> list:
        """The named cases ``course.check`` shows the learner (always the same)."""
        return self.make_cases(np.random.default_rng(self.VISIBLE_SEED), True)

    def grading_cases(self, rng=None) -> list:
        """Fresh hidden cases (random ones and edge cases) as plain ``args`` dicts."""
        return [case.args for case in self.make_cases(as_generator(rng, "rng"), False)]

    # -- in the learner's process ---------------------------------------------------------------
    def run_case(self, function, case) -> dict:
        """Call ``function`` on one case and return its result as plain data.

        ``case`` is a ``Case``, an ``args`` dict, or such a dict read back from ``.npz``.
        Exceptions raised by ``function`` propagate; a result that is not plain numbers
        raises ``ResultError`` with a message for the learner.
        """
        args = case.args if isinstance(case, Case) else decode_args(case)
        result = self.call(function, copy.deepcopy(args))
        return self.to_plain(result)

    # -- anywhere (the grader's trusted process) ------------------------------------------------
    def evaluate(self, case, outcome) -> CaseResult:
        """Compare one outcome (plain data, or an error message string) to the expected answer."""
        if not isinstance(case, Case):
            case = Case(decode_args(case))
        expected = self.expected(case.args)
        if isinstance(outcome, BaseException):
            outcome = f"{type(outcome).__name__}: {outcome}"
        if isinstance(outcome, str):
            problems = {part: "no result" for part in self.parts}
            return CaseResult(case, expected, None, problems, error=outcome)
        problems = {}
        for part in self.parts:
            reason = compare(expected[part], outcome.get(part), self.rtol, self.atol)
            if reason is not None:
                problems[part] = reason
        mistake = self._recognise(case.args, expected, outcome, problems) if problems else None
        return CaseResult(case, expected, dict(outcome), problems, mistake=mistake)

    def _recognise(self, args, expected, received, problems):
        """The first known mistake whose output explains every wrong part, or None."""
        for mistake in self.mistakes:
            try:
                produced = mistake.produce(args)
            except Exception:
                continue
            if produced is None:
                continue
            explains = all(part in produced
                           and compare(produced[part], received.get(part), self.rtol,
                                       self.atol) is None
                           and compare(expected[part], produced[part], self.rtol,
                                       self.atol) is not None
                           for part in problems)
            if explains:
                return mistake
        return None

    def grade(self, cases, outcomes) -> Grade:
        """Score a list of outcomes (plain data or error strings), one per case.

        Each part earns its share of the points in proportion to the cases it got right.
        Feedback names the wrong parts and the recognised mistake with its hint, but never
        the hidden inputs.
        """
        if len(cases) != len(outcomes):
            raise ValueError(f"grade needs one outcome per case; got {len(outcomes)} outcomes "
                             f"for {len(cases)} cases.")
        results = [self.evaluate(case, outcome) for case, outcome in zip(cases, outcomes)]
        total = len(results)
        if total and all(r.not_attempted for r in results):
            parts = [PartScore(p, 0.0, self.points * w, "not attempted")
                     for p, w in zip(self.parts, self.weights)]
            return Grade(self.id, 0.0, float(self.points), parts,
                         _feedback.not_attempted(self.id), attempted=False)
        parts, lines = [], []
        for part, weight in zip(self.parts, self.weights):
            right = sum(part not in r.problems for r in results)
            maximum = self.points * weight
            message = "" if right == total else f"wrong on {total - right} of {total} tests"
            parts.append(PartScore(part, maximum * right / max(total, 1), maximum, message))
        score = round(sum(p.score for p in parts), 2)     # exact parts, one rounding
        if total and all(r.passed for r in results):
            lines.append(_feedback.all_passed(self.id, total, "tests"))
        else:
            lines.append(_feedback.score_line(self.id, score, self.points))
            lines += _feedback.summarise_failures(self, results, reveal=False)
        return Grade(self.id, score, float(self.points), parts, "\n".join(lines))


# -- the registry -----------------------------------------------------------------------------
from course.exercises import backpropagation as _l03  # noqa: E402  (modules need the classes)
from course.exercises import keras_model_fit as _l04  # noqa: E402
from course.exercises import logistic_regression_numpy as _l01  # noqa: E402
from course.exercises import loss_and_cost as _l02  # noqa: E402

LESSONS = {module.LESSON: tuple(module.EXERCISES) for module in (_l01, _l02, _l03, _l04)}
_BY_ID = {exercise.id: exercise for exercises in LESSONS.values() for exercise in exercises}


def all_exercises() -> list:
    """Every exercise, in the order the lessons teach them."""
    return [exercise for exercises in LESSONS.values() for exercise in exercises]


def for_lesson(lesson: str) -> list:
    """The exercises of one lesson (its notebook stem), in notebook order."""
    if lesson not in LESSONS:
        raise KeyError(f"no lesson {lesson!r}; known lessons: {', '.join(LESSONS)}")
    return list(LESSONS[lesson])


def forbidden_codes(exercise: Exercise) -> frozenset:
    """Code objects a graded function for ``exercise`` must never run (the harness's watch list).

    The exercise's reference implementation, its expected-answer function and its
    known-mistake functions.
    """
    functions = [exercise.reference, exercise.expected]
    functions += [mistake.produce for mistake in exercise.mistakes]
    return frozenset(function.__code__ for function in functions
                     if hasattr(function, "__code__"))


def get(exercise_id: str) -> Exercise:
    """The exercise with this id (the learner's function name)."""
    if exercise_id not in _BY_ID:
        raise KeyError(f"no exercise {exercise_id!r}; known exercises: {', '.join(_BY_ID)}")
    return _BY_ID[exercise_id]

