"""The classes of the registry: a case, a known mistake, an exercise, and what grading returns.

An ``Exercise`` is data plus small functions: how to make inputs (*cases*), how to call the
learner's function and turn its result into plain data, the expected answer (computed by the
reference implementation in ``course``), and the well-known mistakes, each with its hint.

The work is split between two processes on purpose:

1. ``Exercise.run_case(function, case)`` runs where the learner's code lives (their kernel).
   It calls the function on one case and returns *plain data*: a dict of NumPy arrays.
2. ``Exercise.evaluate`` and ``Exercise.grade`` run anywhere, typically in the grader's own
   trusted process. They read only plain data, so nothing the learner's code does can change
   the verdict.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course._validation import as_generator
from course.exercises import _feedback
from course.exercises._plain import compare


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


def call_positionally(function, args: dict):
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
        expected: ``expected(args) -> dict``, the right plain data, computed by ``reference``.
        mistakes: known mistakes, tried in order; the first that explains every wrong part wins.
        parts: the names of the parts, with ``weights`` (fractions of the points, summing to 1).
        call: ``call(function, args)`` calls the learner's function (default: positionally).
        rtol, atol: tolerances of ``compare``.
        time_limit: the seconds one case may take in ``course.check`` (default 5).
        reference: the ``course`` function or method this exercise asks the learner to write
            again, if there is one (see ``course.exercises._references`` for what else a
            graded function may not hand its work to).
        depends_on: ids of other exercises of the same lesson that the learner's function
            calls (``backprop`` calls ``dense_forward``); default none.
        answer_in_lesson: True when the answer (or the slide it copies) appears in the
            learner's notebook; default False.
    """

    VISIBLE_SEED = 2024

    def __init__(self, *, id, lesson, points, signature, make_cases, to_plain, expected,
                 mistakes=(), parts=("value",), weights=None, call=call_positionally,
                 rtol=1e-6, atol=1e-9, reference=None, time_limit=5.0, depends_on=(),
                 answer_in_lesson=False):
        self.id, self.lesson, self.points, self.signature = id, lesson, points, signature
        self.make_cases, self.to_plain, self.expected = make_cases, to_plain, expected
        self.mistakes = tuple(mistakes)
        self.parts = tuple(parts)
        self.weights = tuple(weights) if weights else tuple(1 / len(parts) for _ in parts)
        self.call, self.rtol, self.atol, self.reference = call, rtol, atol, reference
        self.time_limit = time_limit
        self.depends_on, self.answer_in_lesson = tuple(depends_on), bool(answer_in_lesson)

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
        """Call ``function`` on one case (a ``Case`` or its ``args`` dict); return plain data.

        The function gets deep copies of the arguments. Exceptions raised by ``function``
        propagate; a result that is not plain numbers raises ``ResultError`` with a message
        for the learner.
        """
        args = case.args if isinstance(case, Case) else case
        return self.to_plain(self.call(function, copy.deepcopy(args)))

    # -- anywhere (the grader's trusted process) ------------------------------------------------
    def evaluate(self, case, outcome) -> CaseResult:
        """Compare one outcome (plain data, or an error message string) to the expected answer."""
        if not isinstance(case, Case):
            case = Case(case)
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

    def _matches(self, expected, received) -> bool:
        return compare(expected, received, self.rtol, self.atol) is None

    def _recognise(self, args, expected, received, problems):
        """The first known mistake whose output explains every wrong part, or None."""
        for mistake in self.mistakes:
            try:
                produced = mistake.produce(args)
            except Exception:
                continue
            if produced is None:
                continue
            if all(part in produced and self._matches(produced[part], received.get(part))
                   and not self._matches(expected[part], produced[part]) for part in problems):
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
        parts = []
        for part, weight in zip(self.parts, self.weights):
            right = sum(part not in r.problems for r in results)
            maximum = self.points * weight
            message = "" if right == total else f"wrong on {total - right} of {total} tests"
            parts.append(PartScore(part, maximum * right / max(total, 1), maximum, message))
        score = round(sum(p.score for p in parts), 2)     # exact parts, one rounding
        return Grade(self.id, score, float(self.points), parts,
                     _feedback.grader_feedback(self, results, score))
