"""course.layers: Input and Dense (shapes, Glorot-uniform initialisation, forward)."""

import numpy as np
import pytest

from course.layers import Dense, Input


def test_dense_is_unbuilt_until_build():
    layer = Dense(4, activation="sigmoid")
    assert layer.W is None and layer.b is None
    assert repr(layer) == "Dense(units=4, activation='sigmoid')"
    assert repr(Dense(1)) == "Dense(units=1, activation='linear')"


def test_glorot_uniform_statistics_and_zero_bias():
    """U(-r, r) has mean 0 and variance r^2 / 3 = 2 / (n_in + n_out)."""
    layer = Dense(300)
    layer.build(500, np.random.default_rng(0))
    limit = np.sqrt(6 / 800)
    assert layer.W.shape == (500, 300) and np.all(np.abs(layer.W) <= limit)
    assert abs(layer.W.mean()) < 0.01 * limit
    assert layer.W.var() == pytest.approx(2 / 800, rel=0.01)
    assert np.array_equal(layer.b, np.zeros(300))


def test_build_is_seeded():
    first, second = Dense(3), Dense(3)
    first.build(2, np.random.default_rng(9))
    second.build(2, np.random.default_rng(9))
    assert np.array_equal(first.W, second.W)


@pytest.mark.parametrize("activation, expected", [
    ("linear", [[6.0, -4.0]]), ("relu", [[6.0, 0.0]]),
    ("sigmoid", [[1 / (1 + np.exp(-6.0)), 1 / (1 + np.exp(4.0))]]),
])
def test_forward_by_hand(activation, expected):
    layer = Dense(2, activation=activation)
    layer.W, layer.b = np.ones((3, 2)), np.array([0.0, -10.0])
    z, a = layer.forward(np.array([[1.0, 2.0, 3.0]]))
    assert np.array_equal(z, [[6.0, -4.0]])
    assert np.allclose(a, expected, rtol=1e-15, atol=0)


def test_input_shape():
    assert Input(shape=(64,)).shape == (64,)
    assert Input(shape=5).shape == (5,)


@pytest.mark.parametrize("make, error, message", [
    (lambda: Dense(3, activation="tanh"), ValueError, "`activation` must be None or one of"),
    (lambda: Dense(0), ValueError, "`units` must be an integer of at least 1; got 0"),
    (lambda: Dense(2.5), TypeError, "`units` must be an integer"),
    (lambda: Input(shape=(8, 8)), ValueError, r"`shape` must be a tuple \(n,\)"),
    (lambda: Input(shape=(0,)), ValueError, r"`shape\[0\]` must be an integer of at least 1"),
])
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()
