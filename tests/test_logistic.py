"""Tests for course.logistic: the course's numbers, loop == vectorized, finite differences,
numerical stability, gradient descent, and the checks at the door."""

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course.data import logistic_example, make_blobs
from course.logistic import (compute_cost, compute_cost_loop, compute_gradient,
                             compute_gradient_loop, gradient_descent, logistic_loss, predict,
                             predict_proba, sigmoid)


# ---------------------------------------------------------------------------------------
# Independent references: the formulas in 50-digit decimal arithmetic, and plain Python
# ---------------------------------------------------------------------------------------

def _decimal_cost_and_gradient(X, y, w, b):
    """J, dj_dw, dj_db straight from the formulas, with 50 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 50
        m, n = len(X), len(w)
        cost, dj_dw, dj_db = Decimal(0), [Decimal(0)] * n, Decimal(0)
        for x_i, y_i in zip(X, y):
            z = sum(Decimal(float(w_j)) * Decimal(float(x_j)) for w_j, x_j in zip(w, x_i))
            z += Decimal(float(b))
            f = 1 / (1 + (-z).exp())
            t = Decimal(float(y_i))
            cost += -t * f.ln() - (1 - t) * (1 - f).ln()
            dj_dw = [g + (f - t) * Decimal(float(x_j)) for g, x_j in zip(dj_dw, x_i)]
            dj_db += f - t
        return float(cost / m), [float(g / m) for g in dj_dw], float(dj_db / m)


def _python_gradient_descent(X, y, w, b, alpha, num_iters):
    """Gradient descent in plain Python floats and math.exp, one example at a time."""
    X, y, w = X.tolist(), y.tolist(), list(map(float, w))
    m, n = len(X), len(w)
    for _ in range(num_iters):
        dj_dw, dj_db = [0.0] * n, 0.0
        for x_i, y_i in zip(X, y):
            z = sum(w_j * x_j for w_j, x_j in zip(w, x_i)) + b
            err = 1.0 / (1.0 + math.exp(-z)) - y_i
            dj_dw = [g + err * x_j for g, x_j in zip(dj_dw, x_i)]
            dj_db += err
        w = [w_j - alpha * g / m for w_j, g in zip(w, dj_dw)]
        b = b - alpha * dj_db / m
    return w, b


# ---------------------------------------------------------------------------------------
# The numbers of the course material (logistic_example)
# ---------------------------------------------------------------------------------------

COURSE_COSTS = [  # (w, b, J(w, b)) as printed in the course's logistic-cost lab
    ([1.0, 1.0], -3.0, 0.36686678640551745),
    ([1.0, 1.0], -4.0, 0.5036808636748461),
]


@pytest.mark.parametrize("w, b, expected", COURSE_COSTS)
def test_course_cost_numbers_agree_with_the_mathematics(w, b, expected):
    X, y = logistic_example()
    exact, _, _ = _decimal_cost_and_gradient(X, y, w, b)
    # The printed numbers are the float64 sums of the course's loop; they agree with the
    # exact value to within one unit in the last place.
    assert expected == pytest.approx(exact, rel=3e-16, abs=0)
    # Both our functions land on the exact value to within 2 ulp (compute_cost works from
    # z, so its last bit can differ from the loop's).
    assert compute_cost(X, y, np.array(w), b) == pytest.approx(exact, rel=5e-16, abs=0)
    assert compute_cost_loop(X, y, np.array(w), b) == pytest.approx(expected, rel=5e-16, abs=0)


def test_course_cost_is_exact_for_the_slide_example():
    X, y = logistic_example()
    # The slide-style loop reproduces the course's printed number to the last digit.
    assert compute_cost_loop(X, y, np.array([1.0, 1.0]), -3.0) == 0.36686678640551745


def test_course_gradient_numbers():
    # The course's gradient lab prints these for w = [2, 3], b = 1 on the same six points.
    X, y = logistic_example()
    expected_dw = [0.498333393278696, 0.49883942983996693]
    expected_db = 0.49861806546328574
    _, exact_dw, exact_db = _decimal_cost_and_gradient(X, y, [2.0, 3.0], 1.0)
    np.testing.assert_allclose(expected_dw, exact_dw, rtol=1e-15, atol=0)
    assert expected_db == pytest.approx(exact_db, rel=1e-15, abs=0)

    dj_dw, dj_db = compute_gradient(X, y, np.array([2.0, 3.0]), 1.0)
    np.testing.assert_allclose(dj_dw, expected_dw, rtol=1e-15, atol=0)
    assert dj_db == pytest.approx(expected_db, rel=1e-15, abs=0)
    assert isinstance(dj_db, float) and dj_dw.shape == (2,) and dj_dw.dtype == np.float64

    loop_dw, loop_db = compute_gradient_loop(X, y, np.array([2.0, 3.0]), 1.0)
    np.testing.assert_allclose(loop_dw, expected_dw, rtol=1e-15, atol=0)
    assert loop_db == pytest.approx(expected_db, rel=1e-15, abs=0)


def test_course_gradient_at_the_separating_line():
    X, y = logistic_example()
    _, exact_dw, exact_db = _decimal_cost_and_gradient(X, y, [1.0, 1.0], -3.0)
    dj_dw, dj_db = compute_gradient(X, y, np.array([1.0, 1.0]), -3.0)
    np.testing.assert_allclose(dj_dw, exact_dw, rtol=1e-14)
    assert dj_db == pytest.approx(exact_db, rel=1e-13)


def test_course_gradient_descent_result():
    # The course's lab runs 10000 steps with alpha = 0.1 from w = 0, b = 0 and prints
    # "w:[5.28 5.08], b:-14.222409982019837".
    X, y = logistic_example()
    w, b, history = gradient_descent(X, y, np.zeros(2), 0.0, alpha=0.1, num_iters=10000)
    w_ref, b_ref = _python_gradient_descent(X, y, [0.0, 0.0], 0.0, 0.1, 10000)
    np.testing.assert_allclose(w, w_ref, rtol=1e-10)
    assert b == pytest.approx(b_ref, rel=1e-10)
    assert b_ref == pytest.approx(-14.222409982019837, rel=1e-10)
    np.testing.assert_array_equal(np.round(w, 2), [5.28, 5.08])
    assert b == pytest.approx(-14.222409982019837, rel=1e-10)
    assert history["cost"][-1] < 0.02


# ---------------------------------------------------------------------------------------
# Sigmoid
# ---------------------------------------------------------------------------------------

def test_sigmoid_values_and_types():
    assert sigmoid(0) == 0.5 and type(sigmoid(0)) is float
    assert type(sigmoid(np.float32(1.0))) is float
    assert type(sigmoid(np.array(2.0))) is float
    assert sigmoid(math.log(3.0)) == pytest.approx(0.75, rel=1e-15)
    z = np.linspace(-5, 5, 11).reshape(11, 1)
    out = sigmoid(z)
    assert isinstance(out, np.ndarray) and out.shape == (11, 1) and out.dtype == np.float64
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(sigmoid(-z), 1 - out, atol=1e-16)
    assert sigmoid([1, 2]).shape == (2,)


@pytest.mark.filterwarnings("error")
def test_sigmoid_is_stable_for_huge_z():
    z = np.array([-1e4, -1000.0, -745.0, -40.0, 40.0, 1000.0, 1e4])
    out = sigmoid(z)
    assert np.all((out >= 0) & (out <= 1)) and np.all(np.isfinite(out))
    assert out[0] == 0.0 and out[-1] == 1.0
    assert np.all(np.diff(out) >= 0)
    assert sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0
    assert sigmoid(-40.0) == pytest.approx(math.exp(-40.0), rel=1e-14)   # not rounded to 0
    assert sigmoid(np.array([-np.inf, np.inf])).tolist() == [0.0, 1.0]


# ---------------------------------------------------------------------------------------
# predict_proba, predict
# ---------------------------------------------------------------------------------------

def test_predict_proba_and_predict():
    X, y = logistic_example()
    w, b = np.array([1.0, 1.0]), -3.0
    f = predict_proba(X, w, b)
    np.testing.assert_allclose(f, 1 / (1 + np.exp(-(X @ w + b))), rtol=1e-15)
    labels = predict(X, w, b)
    assert labels.dtype.kind == "i" and labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert predict(X, w, b, threshold=0.7).tolist() == [0, 0, 0, 0, 1, 0]
    assert predict(X, w, b, threshold=0).tolist() == [1] * 6
    # z = 0 gives f = 0.5 exactly, which counts as class 1 at the default threshold
    assert predict(np.array([[0.0]]), np.array([1.0]), 0.0).tolist() == [1]


# ---------------------------------------------------------------------------------------
# Loss and cost
# ---------------------------------------------------------------------------------------

def test_logistic_loss_matches_the_formula():
    f = np.array([0.1, 0.5, 0.9, 0.3])
    y = np.array([0.0, 1.0, 1.0, 0.25])
    expected = -y * np.log(f) - (1 - y) * np.log(1 - f)
    np.testing.assert_allclose(logistic_loss(f, y), expected, rtol=1e-15)
    assert logistic_loss(0.5, 1) == pytest.approx(math.log(2), rel=1e-15)
    assert type(logistic_loss(0.5, 1)) is float


@pytest.mark.filterwarnings("error")
def test_logistic_loss_at_the_ends():
    loss = logistic_loss(np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0]))
    assert loss.tolist() == [0.0, 0.0, np.inf, np.inf]
    assert not np.signbit(loss[:2]).any()


def test_cost_is_the_mean_of_the_loss():
    X, y = make_blobs(m=30, seed=3)
    w, b = np.array([0.7, -0.2]), 0.4
    expected = logistic_loss(predict_proba(X, w, b), y).mean()
    assert compute_cost(X, y, w, b) == pytest.approx(expected, rel=1e-13)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("z", [40.0, 100.0, 800.0, 1e4])
def test_cost_is_finite_and_right_for_saturated_z(z):
    # y = 0 with f = sigmoid(z) == 1.0 exactly: the true loss is log(1 + e^z), about z.
    X = np.array([[1.0], [-1.0]])
    y = np.array([0.0, 1.0])            # both examples wrong with confidence z
    w = np.array([z])
    exact = z + math.log1p(math.exp(-z))
    assert compute_cost(X, y, w, 0.0) == pytest.approx(exact, rel=1e-15)
    # and right with confidence z: the loss is log(1 + e^-z), tiny but not 0 for z = 40
    assert compute_cost(X, 1 - y, w, 0.0) == pytest.approx(math.log1p(math.exp(-z)),
                                                            rel=1e-14, abs=1e-300)


def test_cost_accepts_probability_targets():
    X = np.array([[0.0]])
    assert compute_cost(X, np.array([0.3]), np.array([1.0]), 0.0) == pytest.approx(math.log(2))


# ---------------------------------------------------------------------------------------
# Loop versions equal the vectorized ones (property tests on random shapes)
# ---------------------------------------------------------------------------------------

@st.composite
def problems(draw):
    m = draw(st.integers(1, 12))
    n = draw(st.integers(1, 4))
    moderate = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
    X = draw(hnp.arrays(np.float64, (m, n), elements=moderate))
    y = draw(hnp.arrays(np.float64, (m,), elements=st.sampled_from([0.0, 1.0, 0.25])))
    w = draw(hnp.arrays(np.float64, (n,), elements=st.floats(-1, 1)))
    b = draw(moderate)
    return X, y, w, b


@settings(max_examples=60, deadline=None)
@given(problems())
def test_loop_cost_equals_vectorized(problem):
    X, y, w, b = problem
    assert compute_cost_loop(X, y, w, b) == pytest.approx(compute_cost(X, y, w, b),
                                                          rel=1e-10, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_loop_gradient_equals_vectorized(problem):
    X, y, w, b = problem
    dj_dw, dj_db = compute_gradient(X, y, w, b)
    loop_dw, loop_db = compute_gradient_loop(X, y, w, b)
    np.testing.assert_allclose(loop_dw, dj_dw, rtol=1e-10, atol=1e-13)
    assert loop_db == pytest.approx(dj_db, rel=1e-10, abs=1e-13)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_gradient_matches_central_differences(problem):
    X, y, w, b = problem
    eps = 1e-6
    numeric_dw = np.empty_like(w)
    for j in range(w.size):
        step = np.zeros_like(w)
        step[j] = eps
        numeric_dw[j] = (compute_cost(X, y, w + step, b)
                         - compute_cost(X, y, w - step, b)) / (2 * eps)
    numeric_db = (compute_cost(X, y, w, b + eps) - compute_cost(X, y, w, b - eps)) / (2 * eps)
    dj_dw, dj_db = compute_gradient(X, y, w, b)
    np.testing.assert_allclose(dj_dw, numeric_dw, rtol=1e-6, atol=1e-8)
    assert dj_db == pytest.approx(numeric_db, rel=1e-6, abs=1e-8)


# ---------------------------------------------------------------------------------------
# Gradient descent
# ---------------------------------------------------------------------------------------

def test_gradient_descent_history_and_no_mutation():
    X, y = logistic_example()
    w_in = np.array([0.5, -0.5])
    w, b, history = gradient_descent(X, y, w_in, 0.25, alpha=0.3, num_iters=25)
    assert w_in.tolist() == [0.5, -0.5]
    assert set(history) == {"cost", "w", "b"}
    assert history["cost"].shape == (26,)
    assert history["w"].shape == (26, 2) and history["b"].shape == (26,)
    assert history["w"][0].tolist() == [0.5, -0.5] and history["b"][0] == 0.25
    np.testing.assert_array_equal(history["w"][-1], w)
    assert history["b"][-1] == b and isinstance(b, float)
    for k in (0, 1, 10, 25):   # each recorded cost belongs to the recorded parameters
        assert history["cost"][k] == pytest.approx(
            compute_cost(X, y, history["w"][k], history["b"][k]), rel=1e-14)
    # one step by hand
    dj_dw, dj_db = compute_gradient(X, y, w_in, 0.25)
    np.testing.assert_allclose(history["w"][1], w_in - 0.3 * dj_dw, rtol=1e-15)
    assert history["b"][1] == pytest.approx(0.25 - 0.3 * dj_db, rel=1e-15)


def test_gradient_descent_with_no_steps_returns_the_start():
    X, y = logistic_example()
    w, b, history = gradient_descent(X, y, [1, 1], -3, alpha=1, num_iters=0)
    assert w.tolist() == [1.0, 1.0] and b == -3.0
    assert history["cost"].tolist() == [pytest.approx(0.36686678640551745, rel=1e-15)]


def test_gradient_descent_decreases_the_cost_on_the_example():
    X, y = logistic_example()
    _, _, history = gradient_descent(X, y, np.zeros(2), 0.0, alpha=0.1, num_iters=500)
    assert np.all(np.diff(history["cost"]) < 0)
    assert history["cost"][-1] < 0.5 * history["cost"][0]


@pytest.mark.parametrize("alpha", [1e-3, 1e-2, 1e-1, 1.0])
def test_blobs_train_smoothly_for_sensible_learning_rates(alpha):
    X, y = make_blobs()
    _, _, history = gradient_descent(X, y, np.zeros(2), 0.0, alpha, 1000)
    assert np.all(np.diff(history["cost"]) <= 1e-15)
    assert history["cost"][-1] < history["cost"][0]


@pytest.mark.filterwarnings("error")
def test_blobs_overshoot_for_alpha_10():
    # The widgets show alpha = 10 going wrong; the stable cost keeps that visible and finite.
    X, y = make_blobs()
    _, _, history = gradient_descent(X, y, np.zeros(2), 0.0, 10.0, 1000)
    cost = history["cost"]
    assert np.all(np.isfinite(cost))
    assert cost.max() > 5 * cost[0]                   # jumps far above the start
    assert np.sum(np.diff(cost[-100:]) > 0) > 20      # still bouncing at the end
    _, _, smooth = gradient_descent(X, y, np.zeros(2), 0.0, 1.0, 1000)
    assert cost[-1] > smooth["cost"][-1]


# ---------------------------------------------------------------------------------------
# Checks at the door
# ---------------------------------------------------------------------------------------

X6, Y6 = logistic_example()
W2 = np.array([1.0, 1.0])


@pytest.mark.parametrize("function", [compute_cost, compute_gradient, compute_cost_loop,
                                      compute_gradient_loop])
@pytest.mark.parametrize("args, error, message", [
    ((X6[:, 0], Y6, W2, 0.0), ValueError, "`X` must be a 2-D array of shape (m, n); got shape (6,)."),
    ((X6, Y6[:5], W2, 0.0), ValueError, "`y` must have shape (m,) = (6,) to match the 6 rows of X; got shape (5,)."),
    ((X6, Y6.reshape(6, 1), W2, 0.0), ValueError, "`y` must be a 1-D array of shape (m,); got shape (6, 1)."),
    ((X6, Y6 * 2, W2, 0.0), ValueError, "`y` must hold targets between 0 and 1; got values from 0 to 2."),
    ((X6, Y6, np.ones(3), 0.0), ValueError, "`w` must have shape (n,) = (2,) to match the 2 columns of X; got shape (3,)."),
    ((X6, Y6, W2.reshape(1, 2), 0.0), ValueError, "`w` must be a 1-D array of shape (n,); got shape (1, 2)."),
    ((X6, Y6, W2, np.array([1.0, 2.0])), TypeError, "`b` must be a real number; got an array of dtype float64 and shape (2,)."),
    ((X6, Y6, W2, "1"), TypeError, "`b` must be a real number; got str '1'."),
    ((np.where(X6 == 3.0, np.nan, X6), Y6, W2, 0.0), ValueError, "`X` must contain only finite numbers; got NaN at index (3, 0)."),
    ((X6, Y6, [1.0, np.inf], 0.0), ValueError, "`w` must contain only finite numbers; got infinity at index (1,)."),
    ((X6.astype(str), Y6, W2, 0.0), TypeError, "`X` must be an array of real numbers"),
])
def test_cost_and_gradient_refuse_bad_input(function, args, error, message):
    with pytest.raises(error) as caught:
        function(*args)
    assert message in str(caught.value)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"alpha": 0}, ValueError, "`alpha` must be greater than 0; got 0."),
    ({"alpha": -0.1}, ValueError, "`alpha` must be greater than 0; got -0.1."),
    ({"alpha": "0.1"}, TypeError, "`alpha` must be a real number; got str '0.1'."),
    ({"alpha": float("nan")}, ValueError, "`alpha` must be a finite number; got nan."),
    ({"num_iters": 10.0}, TypeError, "`num_iters` must be an integer; got float 10.0."),
    ({"num_iters": -1}, ValueError, "`num_iters` must be an integer of at least 0; got -1."),
    ({"num_iters": True}, TypeError, "`num_iters` must be an integer; got bool True."),
    ({"w_in": np.zeros(3)}, ValueError, "`w_in` must have shape (n,) = (2,) to match the 2 columns of X; got shape (3,)."),
    ({"b_in": None}, TypeError, "`b_in` must be a real number; got NoneType None."),
    ({"y": Y6 - 1}, ValueError, "`y` must hold targets between 0 and 1; got values from -1 to 0."),
])
def test_gradient_descent_refuses_bad_input(kwargs, error, message):
    arguments = {"X": X6, "y": Y6, "w_in": np.zeros(2), "b_in": 0.0, "alpha": 0.1,
                 "num_iters": 10}
    arguments.update(kwargs)
    with pytest.raises(error) as caught:
        gradient_descent(**arguments)
    assert message in str(caught.value)


@pytest.mark.parametrize("call, error, message", [
    (lambda: sigmoid(np.array([0.0, np.nan])), ValueError, "`z` must not contain NaN; got NaN at index (1,)."),
    (lambda: sigmoid("3"), TypeError, "`z` must be an array of real numbers; got str '3'."),
    (lambda: sigmoid(None), TypeError, "`z` must be an array of real numbers; got None."),
    (lambda: predict_proba(X6, np.ones(3), 0.0), ValueError, "`w` must have shape (n,) = (2,)"),
    (lambda: predict_proba(X6.ravel(), W2, 0.0), ValueError, "`X` must be a 2-D array of shape (m, n); got shape (12,)."),
    (lambda: predict(X6, W2, 0.0, threshold=1.5), ValueError, "`threshold` must be a probability between 0 and 1; got 1.5."),
    (lambda: predict(X6, W2, 0.0, threshold=None), TypeError, "`threshold` must be a real number; got NoneType None."),
    (lambda: predict(X6, W2, float("inf")), ValueError, "`b` must be a finite number; got inf."),
    (lambda: logistic_loss(np.array([0.5, 0.5]), np.array([1.0])), ValueError, "`y` must have shape f.shape = (2,) to match f; got shape (1,)."),
    (lambda: logistic_loss(np.array([1.5]), np.array([1.0])), ValueError, "`f` must hold probabilities between 0 and 1; got values from 1.5 to 1.5."),
    (lambda: logistic_loss(np.array([0.5]), np.array([-1.0])), ValueError, "`y` must hold targets between 0 and 1; got values from -1 to -1."),
    (lambda: logistic_loss(np.array([np.nan]), np.array([1.0])), ValueError, "`f` must contain only finite numbers; got NaN at index (0,)."),
])
def test_model_and_loss_refuse_bad_input(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)
