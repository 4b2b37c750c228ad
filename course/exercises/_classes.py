"""The classes of the registry: a case, a known mistake, an exercise, and what grading returns.

An ``Exercise`` is data plus small functions: how to make inputs (*cases*), how to call the
learner's function and turn its result into plain data, the expected answer (computed by the
reference implementation in ``course``), and the well-known mistakes, each with its hint.

The work is split between two processes on purpose, and both paths share one code:

1. Where the learner's code lives, only :func:`course._kernel_call.call_recorded` runs: it
   calls the function on the case's positional arguments (:meth:`Exercise.arguments`) and
   encodes what came back generically (:mod:`course._wire`: numbers, arrays, containers, a
   model as its layers and weights). It knows no exercise, answer or mistake. In a grading
   kernel that is all that runs; the values cross as a file.
2. :meth:`Exercise.outcome` (trusted) turns those values into the case's *plain outcome*: a
   dict of NumPy arrays, one per part, plus ``"_arguments_after"`` (the positional
   arguments after the call) and ``"_warnings"`` (the texts of the warnings it raised).
   ``Exercise.evaluate`` and ``Exercise.grade`` read only that.

``Exercise.run_case(function, case)`` (``course.check``, in a learner's own kernel) is 1 then
2 in one process, through the same encoding, so the check and the grader see the same outcome.
"""

from __future__ import annotations

import inspect
import json
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course import _kernel_call, _wire
from course._validation import as_generator
from course.exercises import _feedback
from course.exercises._contracts import ARGUMENTS_AFTER, INPUTS_UNCHANGED, RESERVED, WARNINGS
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


def _no_edge_case(args: dict) -> str:
    """The default ``Exercise.edge_case``: no hidden case is an edge case."""
    return ""


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


def call_without_arguments(function, args: dict):
    """Call a factory the learner writes (``build_model()``): the case is not its input."""
    return function()


#: Keys of a plain outcome that are facts about the call, never compared as parts.


class _Recorded(Exception):
    """How :meth:`Exercise.arguments` stops a ``call`` once it has called the function."""

    def __init__(self, arguments):
        super().__init__()
        self.arguments = arguments


def _recorder(*arguments):
    raise _Recorded(arguments)


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
        call: ``call(function, args)`` calls the learner's function (default: positionally);
            only its arguments count (:meth:`arguments`): it must call ``function`` once,
            with positional arguments, and do nothing else that matters.
        to_plain: may also take the case's ``args`` as a second parameter (a model
            exercise computes its output from the case's weights and the described model).
        build_inputs: the number of input features an unbuilt model the function returns
            is built for (model exercises).
        depends_on: other exercises of the lesson the learner's function calls; while this
            one is graded they are the course's learner-style versions (issue 19).
        rtol, atol: tolerances of ``compare``.
        time_limit: the seconds one case may take in ``course.check`` (default 5).
        reference: the ``course`` function or method this exercise asks the learner to write
            again, if there is one (see ``course.exercises._references`` for what else a
            graded function may not hand its work to).
        answer_in_lesson: True when the answer, or the slide it copies, appears in the
            learner's notebook (tests/test_exercise_design.py checks the flag); default False.
        contracts: the docstring rules graded on every case (``course.exercises._contracts``);
            default: the inputs come back unchanged.
        edge_case: ``edge_case(args)`` returns a short reason when a hidden case is a genuine
            edge case (0 epochs: no update at all) on which some named mistakes cannot differ
            from the right answer, else ``""``. Such cases are exempt from the design rule
            that every named mistake shows on every hidden case (tests/test_exercise_design.py);
            ``grade`` gives them no credit when a mistake recognised elsewhere coincides with
            the right answer there. Default: no edge cases.
    """

    VISIBLE_SEED = 2024

    def __init__(self, *, id, lesson, points, signature, make_cases, to_plain, expected,
                 mistakes=(), parts=("value",), weights=None, call=call_positionally,
                 rtol=1e-6, atol=1e-9, reference=None, time_limit=5.0, build_inputs=None,
                 depends_on=(), answer_in_lesson=False, contracts=(INPUTS_UNCHANGED,),
                 edge_case=_no_edge_case):
        self.id, self.lesson, self.points, self.signature = id, lesson, points, signature
        self.make_cases, self.to_plain, self.expected = make_cases, to_plain, expected
        self.mistakes = tuple(mistakes)
        self.parts = tuple(parts)
        self.weights = tuple(weights) if weights else tuple(1 / len(parts) for _ in parts)
        self.call, self.rtol, self.atol, self.reference = call, rtol, atol, reference
        self.time_limit = time_limit
        self.build_inputs, self.depends_on = build_inputs, tuple(depends_on)
        self.answer_in_lesson, self.contracts = bool(answer_in_lesson), tuple(contracts)
        self.edge_case = edge_case
        self._to_plain_takes_args = len(inspect.signature(to_plain).parameters) >= 2

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, lesson={self.lesson!r}, points={self.points})"

    # -- cases --------------------------------------------------------------------------------
    def visible_cases(self) -> list:
        """The named cases ``course.check`` shows the learner (always the same)."""
        return self.make_cases(np.random.default_rng(self.VISIBLE_SEED), True)

    def grading_cases(self, rng=None) -> list:
        """Fresh hidden cases (random ones and edge cases) as plain ``args`` dicts."""
        return [case.args for case in self.make_cases(as_generator(rng, "rng"), False)]

    # -- the call -------------------------------------------------------------------------------
    def arguments(self, args: dict) -> tuple:
        """The positional arguments ``call`` passes the learner's function for ``args``."""
        try:
            self.call(_recorder, args)
        except _Recorded as recorded:
            return recorded.arguments
        raise RuntimeError(f"{self.id}: its call never calls the function")

    def run_case(self, function, case) -> dict:
        """Call ``function`` on one case (a ``Case`` or its ``args`` dict); return its plain
        outcome (see the module), as a grading kernel and :meth:`outcome` would make it.

        The function gets deep copies of the arguments. Exceptions raised by ``function``
        propagate; a result that is not plain numbers raises ``ResultError`` with a message
        for the learner.
        """
        args = case.args if isinstance(case, Case) else case
        recorded = _kernel_call.call_recorded(function, self.arguments(args), self.build_inputs)
        crossed = json.loads(json.dumps(recorded))            # as through a result file
        return self.outcome(args, _wire.from_tree(crossed["returned"]),
                            _wire.from_tree(crossed["arguments_after"]), crossed["warnings"])

    # -- the trusted side ------------------------------------------------------------------------
    def outcome(self, args: dict, returned, arguments_after=(), warnings=()) -> dict:
        """The plain outcome of one case from the values a call gave back (see the module);
        raises ``ResultError`` when ``returned`` is not what the exercise asks for."""
        plain = (self.to_plain(returned, args) if self._to_plain_takes_args
                 else self.to_plain(returned))
        plain[ARGUMENTS_AFTER] = tuple(arguments_after)
        plain[WARNINGS] = list(warnings)[:_kernel_call.MAX_WARNINGS]
        return plain

    # -- anywhere (the grader's trusted process) ------------------------------------------------
    def evaluate(self, case, outcome) -> CaseResult:
        """Compare one outcome (plain data, or an error message string) to the expected answer.

        A known mistake that explains the wrong parts is named first; otherwise a broken
        docstring contract (``contracts``) fails every part of the case and is named instead.
        """
        if not isinstance(case, Case):
            case = Case(case)
        expected = self.answer(case.args)
        if isinstance(outcome, BaseException):
            outcome = f"{type(outcome).__name__}: {outcome}"
        if isinstance(outcome, str):
            problems = {part: "no result" for part in self.parts}
            return CaseResult(case, expected, None, problems, error=outcome)
        received = {key: value for key, value in outcome.items() if key not in RESERVED}
        problems = {}
        for part in self.parts:
            reason = compare(expected[part], received.get(part), self.rtol, self.atol)
            if reason is not None:
                problems[part] = reason
        mistake = self._recognise(case.args, expected, received, problems) if problems else None
        broken = self._broken_contract(case.args, outcome) if mistake is None else None
        if broken is not None:       # right values, or wrong in no known way: name the rule
            contract, reason = broken
            problems = {part: problems.get(part, reason) for part in self.parts}
            mistake = Mistake(contract.name, lambda args: None, contract.hint)
        return CaseResult(case, expected, received, problems, mistake=mistake)

    def answer(self, args) -> dict:
        """The expected plain data, computed under the key's own NumPy error state and warning
        filters, so that ``np.seterr(all="raise")`` in the learner's session cannot touch it."""
        with _own_numerics():
            return self.expected(args)

    def produce(self, mistake, args):
        """What ``mistake`` gives on ``args`` (``None`` when it cannot show or fails)."""
        try:
            with _own_numerics():
                return mistake.produce(args)
        except Exception:
            return None

    def _broken_contract(self, args, outcome):
        """``(contract, reason)`` for the first docstring rule the outcome breaks, or None."""
        sent = self._named_arguments(args)
        for contract in self.contracts:
            reason = contract.broken(sent, outcome)
            if reason is not None:
                return contract, reason
        return None

    def _named_arguments(self, args: dict) -> dict:
        """The positional arguments sent for ``args``, by the learner's parameter names (the
        order ``"_arguments_after"`` holds them in)."""
        names = [name.strip() for name in self.signature.split("(", 1)[1].rstrip(")").split(",")
                 if name.strip()]
        sent = self.arguments(args)
        names += [f"argument {index + 1}" for index in range(len(names), len(sent))]
        return dict(zip(names, sent))

    def _matches(self, expected, received) -> bool:
        return compare(expected, received, self.rtol, self.atol) is None

    def _recognise(self, args, expected, received, problems):
        """The first known mistake whose output explains every wrong part, or None."""
        for mistake in self.mistakes:
            produced = self.produce(mistake, args)
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
        the hidden inputs. No credit from tests that cannot see the mistake: when an answer is
        recognised as a named mistake on some case, every case on which that mistake gives
        the right answer too earns nothing (see ``_blind_cases_failed``).
        """
        if len(cases) != len(outcomes):
            raise ValueError(f"grade needs one outcome per case; got {len(outcomes)} outcomes "
                             f"for {len(cases)} cases.")
        results = self._blind_cases_failed(
            [self.evaluate(case, outcome) for case, outcome in zip(cases, outcomes)])
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

    def _blind_cases_failed(self, results) -> list:
        """``results`` where cases blind to a recognised mistake count as failed.

        A case passes "blindly" when a mistake recognised on another case produces the right
        answer on it as well (a missing 1/m on a single example): passing it proves nothing.
        """
        recognised = []
        for result in results:
            if result.mistake is not None and result.mistake in self.mistakes \
                    and result.mistake not in recognised:
                recognised.append(result.mistake)
        if not recognised:
            return results
        marked = []
        for result in results:
            blind = result.passed and next(
                (m for m in recognised if self._coincides(m, result.case.args, result.expected)),
                None)
            if blind:
                problems = {part: "passed only because this test cannot tell the mistake "
                                  "from the right answer" for part in self.parts}
                result = CaseResult(result.case, result.expected, result.received, problems,
                                    mistake=blind)
            marked.append(result)
        return marked

    def _coincides(self, mistake, args, expected) -> bool:
        """True when ``mistake`` gives the right answer on ``args`` (it cannot be seen there)."""
        produced = self.produce(mistake, args)
        return produced is not None and all(
            part in produced and self._matches(expected[part], produced[part])
            for part in self.parts)


class _own_numerics:
    """NumPy's error state and Python's warning filters of the answer key, whatever the
    learner set (``np.seterr(all="raise")``, ``warnings.simplefilter("error")``)."""

    def __enter__(self):
        self._errstate = np.errstate(all="ignore")
        self._warnings = warnings.catch_warnings()
        self._errstate.__enter__()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc_info):
        self._warnings.__exit__(*exc_info)
        self._errstate.__exit__(*exc_info)
        return False
