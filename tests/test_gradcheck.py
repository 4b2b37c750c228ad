"""course.gradcheck on known functions, and backprop in course.nn against finite differences."""

import numpy as np
import pytest

from course.gradcheck import numerical_gradient, relative_error
from course.losses import BinaryCrossentropy, MeanSquaredError
from course.nn import Dense, Input, Sequential
from course.data import load_digits01

# ----- numerical_gradient on functions whose gradient we know ------------------------------


def test_sum_of_squares_gradient_is_two_w():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    numerical = numerical_gradient(lambda p: np.sum(p[0] ** 2), [w])
    assert len(numerical) == 1 and numerical[0].shape == (2, 2)
    assert relative_error(numerical, [2 * w]) <= 1e-9


def test_gradient_of_a_function_of_two_arrays():
    """J(A, v) = sum(A @ v) + sin(v[0]): dJ/dA[i, j] = v[j], dJ/dv = A.sum(0) + (cos v0, 0)."""
    rng = np.random.default_rng(3)
    A, v = rng.normal(size=(3, 2)), rng.normal(size=2)
    numerical = numerical_gradient(lambda p: np.sum(p[0] @ p[1]) + np.sin(p[1][0]), [A, v])
    exact = [np.tile(v, (3, 1)), A.sum(axis=0) + np.array([np.cos(v[0]), 0.0])]
    assert relative_error(numerical, exact) <= 1e-9


def test_params_are_left_unchanged():
    w = np.array([1.0, 2.0])
    numerical_gradient(lambda p: float(np.sum(p[0] ** 3)), [w])
    assert np.array_equal(w, [1.0, 2.0])


def test_relative_error_formula_over_flattened_lists():
    a = [np.array([3.0]), np.array([[0.0]])]
    b = [np.array([0.0]), np.array([[4.0]])]
    assert relative_error(a, b) == pytest.approx(5.0 / 7.0, rel=1e-15)
    assert relative_error(a, a) == 0.0
    assert relative_error([np.zeros(3)], [np.zeros(3)]) == 0.0
    assert relative_error(np.array([1.0, 2.0]), np.array([-1.0, -2.0])) == pytest.approx(1.0)


def test_relative_error_detects_a_missing_factor():
    g = [np.array([0.3, -0.2, 0.1])]
    assert relative_error(g, [2 * g[0]]) == pytest.approx(1 / 3)


# ----- backprop in course.nn against numerical gradients, float64 ---------------------------

def training_data():
    """The bundled digits, 0 vs 1: X (288, 64) in [0, 1], y (288, 1)."""
    (X, y), _ = load_digits01()
    return X, y


def network(hidden: str, output: str, loss) -> Sequential:
    model = Sequential([Input(shape=(64,)), Dense(25, activation=hidden),
                        Dense(15, activation=hidden), Dense(1, activation=output)], seed=7)
    model.compile(loss=loss, optimizer="sgd")
    return model


def backprop_and_numerical(model):
    """Backprop's gradient on all 288 training digits, and the finite-difference one,
    both as flat lists [dW1, db1, dW2, db2, ...]."""
    X, y = training_data()
    weights = model.get_weights()

    def cost(params):
        model.set_weights(params)
        return model.evaluate(X, y)

    numerical = numerical_gradient(cost, weights)
    model.set_weights(weights)
    grads = model.backward(model.forward(X), y)
    return [g for pair in zip(grads["dW"], grads["db"]) for g in pair], numerical


@pytest.mark.parametrize("hidden, output, loss", [
    ("sigmoid", "sigmoid", BinaryCrossentropy()),
    ("sigmoid", "linear", MeanSquaredError()),
    ("relu", "sigmoid", BinaryCrossentropy()),
    ("relu", "linear", MeanSquaredError()),
    ("sigmoid", "linear", BinaryCrossentropy(from_logits=True)),
    ("sigmoid", "sigmoid", MeanSquaredError()),
], ids=["bce-sigmoid", "mse-linear", "bce-relu", "mse-relu", "bce-logits", "mse-sigmoid"])
def test_backprop_matches_finite_differences(hidden, output, loss):
    model = network(hidden, output, loss)
    backprop, numerical = backprop_and_numerical(model)
    assert [g.shape for g in backprop] == [w.shape for w in model.get_weights()]
    assert relative_error(backprop, numerical) <= 1e-7


def test_gradcheck_catches_a_wrong_gradient():
    """The check can fail: backprop without the 1/m factor is far from the numbers."""
    model = network("sigmoid", "sigmoid", BinaryCrossentropy())
    backprop, numerical = backprop_and_numerical(model)
    wrong = [len(training_data()[0]) * g for g in backprop]
    assert relative_error(wrong, numerical) > 0.9


# ----- bad input -------------------------------------------------------------------------

def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="`eps` must be greater than 0"):
        numerical_gradient(lambda p: 0.0, [np.zeros(2)], eps=0)
    with pytest.raises(TypeError, match="`f` must be a function"):
        numerical_gradient(3.0, [np.zeros(2)])
    with pytest.raises(ValueError, match=r"`params\[1\]` must contain only finite numbers"):
        numerical_gradient(lambda p: 0.0, [np.zeros(2), np.array([np.nan])])
    with pytest.raises(ValueError, match=r"`b\[0\]` must have shape a\[0\]\.shape = \(2,\)"):
        relative_error([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="`b` must hold as many arrays as `a` \\(2\\); got 1"):
        relative_error([np.zeros(2), np.zeros(1)], [np.zeros(2)])
