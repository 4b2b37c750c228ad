"""Fair scores: docstring contracts are graded, and a test blind to a mistake earns nothing.

Trusted-side rules of ``Exercise.evaluate``/``grade`` (issue 19, items 2 and 3):

* a learner's function that changes its input in place, or makes NumPy warn of an overflow
  where the lesson forbids one, fails that case, and the verdict names it with a hint;
* a case on which a recognised mistake gives the right answer earns nothing (a missing 1/m
  on one example), so a 1/m mistake earns 0 for its exercise.

Each protection has a control showing that without it the attack would earn points.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from course import exercises
from course.exercises import Case
from course.exercises._contracts import RESERVED

sys.path.insert(0, str(Path(__file__).parent))
import _exercise_solutions as answers  # noqa: E402


def unobserved(outcome: dict) -> dict:
    """An outcome without the reserved keys, as an older grading kernel sent it (the
    controls: what grading would give without seeing arguments or warnings)."""
    return {key: value for key, value in outcome.items() if key not in RESERVED}


def graded(exercise_id, function, seed=0, observe=True, extra_cases=()):
    exercise = exercises.get(exercise_id)
    cases = exercise.grading_cases(np.random.default_rng(seed)) + list(extra_cases)
    outcomes = [exercise.run_case(function, case) for case in cases]
    if not observe:
        outcomes = [unobserved(outcome) for outcome in outcomes]
    return exercise.grade(cases, outcomes)


# -- 1/m mistakes earn nothing ------------------------------------------------------------------
def cost_without_one_over_m(X, y, w, b):
    f = answers.sigmoid(X @ w + b)
    return np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f))


def gradient_without_one_over_m(X, y, w, b):
    err = answers.sigmoid(X @ w + b) - y
    return X.T @ err, np.sum(err)


ONE_OVER_M = [
    ("compute_cost", cost_without_one_over_m, "a missing 1/m"),
    ("compute_gradient", gradient_without_one_over_m, "the gradient without the 1/m factor"),
    ("binary_crossentropy", lambda t, p: np.sum(-t * np.log(np.clip(p, 1e-7, 1 - 1e-7))
                                                - (1 - t) * np.log(1 - np.clip(p, 1e-7, 1 - 1e-7))),
     "the sum instead of the mean"),
    ("binary_crossentropy_from_logits",
     lambda t, z: np.sum(t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z)),
     "the sum instead of the mean"),
    ("mean_squared_error", lambda t, p: np.sum((t - p) ** 2), "the sum instead of the mean"),
]


@pytest.mark.parametrize("exercise_id, function, mistake", ONE_OVER_M,
                         ids=[row[0] for row in ONE_OVER_M])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_missing_one_over_m_earns_nothing(exercise_id, function, mistake, seed):
    grade = graded(exercise_id, function, seed)
    assert grade.score == 0.0, grade.feedback
    assert f"Looks like {mistake}." in grade.feedback


def single_example_case():
    rng = np.random.default_rng(5)
    return {"X": rng.normal(size=(1, 3)), "y": np.array([1.0]), "w": rng.normal(size=3),
            "b": 0.3}


def test_a_case_that_cannot_see_the_mistake_earns_nothing():
    """An added single-example case, where the sum equals the mean, earns nothing once the
    mistake is recognised on the other cases."""
    grade = graded("compute_cost", cost_without_one_over_m, extra_cases=[single_example_case()])
    assert grade.score == 0.0
    assert "wrong on 7 of 7 tests" in grade.parts[0].message


def test_a_case_that_cannot_see_the_mistake_control():
    """Control: judged alone, the single example passes; only the grade's rule removes it."""
    exercise = exercises.get("compute_cost")
    case = single_example_case()
    assert exercise.evaluate(case, exercise.run_case(cost_without_one_over_m, case)).passed
    right = graded("compute_cost", answers.compute_cost, extra_cases=[case])
    assert right.score == exercise.points       # a right answer keeps the case


# -- inputs unchanged ---------------------------------------------------------------------------
def descent_in_place(X, y, w_in, b_in, alpha, num_iters):
    w, b = w_in, float(b_in)                  # no copy
    costs = [answers.compute_cost(X, y, w, b)]
    for _ in range(num_iters):
        dj_dw, dj_db = answers.compute_gradient(X, y, w, b)
        w -= alpha * dj_dw                    # writes into w_in
        b -= alpha * dj_db
        costs.append(answers.compute_cost(X, y, w, b))
    return w, b, costs


def test_changing_w_in_is_a_named_mistake():
    grade = graded("gradient_descent", descent_in_place)
    assert grade.score == 0.0
    assert "Looks like a change to its input in place." in grade.feedback
    assert "changed its argument `w_in` in place" in grade.feedback


def test_changing_w_in_control_without_the_arguments_after_the_call():
    """Control: the same function, read without ``_arguments_after``, earns full marks."""
    assert graded("gradient_descent", descent_in_place, observe=False).score == 3.0


def test_a_right_answer_keeps_its_inputs():
    assert graded("gradient_descent", answers.gradient_descent).score == 3.0


# -- no overflow where the lesson forbids it -----------------------------------------------------
def slide_sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def test_an_overflowing_sigmoid_loses_points_with_the_overflow_hint():
    grade = graded("sigmoid", slide_sigmoid)
    assert 0 < grade.score < 2.0                # right values; the scalar case never overflows
    assert "Looks like an overflow in np.exp. Hint: np.exp(1000) is infinity" in grade.feedback


def test_an_overflowing_sigmoid_control_without_the_warnings():
    """Control: read without ``_warnings``, the slide's one-liner earns full marks."""
    with np.errstate(all="ignore"):
        assert graded("sigmoid", slide_sigmoid, observe=False).score == 2.0


def test_a_session_that_silences_numpy_still_sees_the_overflow():
    previous = np.seterr(all="ignore")
    try:
        assert graded("sigmoid", slide_sigmoid).score < 2.0
    finally:
        np.seterr(**previous)


def test_the_loss_from_the_logit_must_not_overflow():
    def textbook(t, z):
        return np.mean(t * np.log(1 + np.exp(-z)) + (1 - t) * np.log(1 + np.exp(z)))
    grade = graded("binary_crossentropy_from_logits", textbook)
    assert grade.score == 0.0
    assert "Looks like" in grade.feedback and "overflow" in grade.feedback


def test_outcomes_carry_the_arguments_and_the_warnings():
    exercise = exercises.get("sigmoid")
    case = Case({"z": np.array([-1000.0, 0.0])})
    outcome = exercise.run_case(slide_sigmoid, case)
    assert outcome["_warnings"] == ["RuntimeWarning: overflow encountered in exp"]
    assert np.array_equal(outcome["_arguments_after"][0], [-1000.0, 0.0])
    result = exercise.evaluate(case, outcome)
    assert set(result.received) == {"value"}          # reserved keys are never parts
