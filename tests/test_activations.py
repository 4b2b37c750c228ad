"""course.activations: values, derivatives (against finite differences) and Keras."""

import warnings

import keras
import numpy as np
import pytest

from course import activations

Z = np.array([-30.0, -2.5, -0.1, 0.3, 1.0, 4.0, 30.0])


@pytest.mark.parametrize("name", ["linear", "sigmoid", "relu"])
def test_values_equal_keras(name):
    theirs = np.asarray(keras.activations.get(name)(keras.ops.convert_to_tensor(Z)))
    assert np.allclose(activations.get(name).function(Z), theirs, rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("name", ["linear", "sigmoid", "relu"])
def test_derivative_matches_central_differences(name):
    activation = activations.get(name)
    eps = 1e-6
    numerical = (activation.function(Z + eps) - activation.function(Z - eps)) / (2 * eps)
    exact = activation.derivative(Z, activation.function(Z))
    assert np.allclose(exact, numerical, rtol=1e-7, atol=1e-9)


def test_hand_values():
    assert activations.sigmoid(np.array(0.0)) == 0.5
    assert np.array_equal(activations.relu(np.array([-2.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    assert np.array_equal(activations.relu_derivative(np.array([-1.0, 0.0, 1.0]), None),
                          [0.0, 0.0, 1.0])
    assert activations.get(None) is activations.get("linear")


def test_sigmoid_is_stable_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = activations.sigmoid(np.array([-1e4, -745.0, 0.0, 745.0, 1e4]))
    assert np.all((result >= 0) & (result <= 1))
    assert result[0] == 0.0 and result[-1] == 1.0


@pytest.mark.parametrize("bad", ["tanh", "Sigmoid", 3])
def test_unknown_activation_is_named(bad):
    with pytest.raises(ValueError, match=r"`activation` must be None or one of 'linear', "
                                         r"'relu', 'sigmoid'; got"):
        activations.get(bad)


def test_sigmoid_computes_in_float64_from_lists_and_float32():
    from course.activations import sigmoid

    assert sigmoid([0.0, 2.0]).dtype == np.float64
    assert sigmoid(np.array([1.0], dtype=np.float32)).dtype == np.float64


@pytest.mark.parametrize("name", ["sigmoid", "relu", "linear"])
def test_every_activation_returns_a_new_array(name):
    """Changing the result never changes the input (``linear`` used to return z itself)."""
    z = np.array([-1.0, 0.5, 2.0])
    a = getattr(activations, name)(z)
    a[:] = 42.0
    assert np.array_equal(z, [-1.0, 0.5, 2.0]) and not np.shares_memory(a, z)
