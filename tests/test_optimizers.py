"""course.optimizers: the update rules, step by step, against hand formulas and Keras."""

import keras
import numpy as np
import pytest

from course.optimizers import SGD, RMSprop, get

GRADIENTS = [np.array([[0.5, -2.0], [1e-4, 3.0]]), np.array([[-0.1, 0.2], [0.0, -1.0]]),
             np.array([[2.0, 2.0], [-5.0, 0.3]])]


def test_sgd_is_the_slides_update():
    W = np.array([1.0, 2.0])
    SGD(learning_rate=0.1).apply([W], [np.array([10.0, -10.0])])
    assert np.array_equal(W, [0.0, 3.0])
    assert SGD().learning_rate == 0.01


def test_rmsprop_by_hand_for_two_steps():
    W, optimizer = np.array([1.0]), RMSprop(learning_rate=0.01)
    optimizer.apply([W], [np.array([2.0])])
    v = 0.1 * 4.0
    expected = 1.0 - 0.01 * 2.0 / np.sqrt(v + 1e-7)
    assert W[0] == pytest.approx(expected, rel=1e-15)
    optimizer.apply([W], [np.array([-1.0])])
    v = 0.9 * v + 0.1 * 1.0
    assert W[0] == pytest.approx(expected + 0.01 / np.sqrt(v + 1e-7), rel=1e-15)


@pytest.fixture
def keras_float64():
    """Keras in float64: floatx *and* the dtype policy (see tests/test_nn.py)."""
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_floatx("float32")
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("ours, theirs", [
    (lambda: SGD(0.3), lambda: keras.optimizers.SGD(0.3)),
    (lambda: RMSprop(), lambda: keras.optimizers.RMSprop()),
    (lambda: RMSprop(0.05, rho=0.5, epsilon=1e-3),
     lambda: keras.optimizers.RMSprop(0.05, rho=0.5, epsilon=1e-3)),
], ids=["sgd", "rmsprop-default", "rmsprop-custom"])
def test_updates_equal_keras_float64(keras_float64, ours, theirs):
    W = np.array([[1.0, -1.0], [0.5, 2.0]])
    variable = keras.Variable(W.copy(), dtype="float64")
    our_optimizer, keras_optimizer = ours(), theirs()
    for gradient in GRADIENTS:
        our_optimizer.apply([W], [gradient])
        keras_optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    assert np.max(np.abs(W - np.asarray(variable))) <= 1e-15


def test_reset_forgets_the_velocities():
    optimizer = RMSprop()
    W = np.zeros(2)
    optimizer.apply([W], [np.ones(2)])
    assert optimizer.velocities is not None
    optimizer.reset()
    assert optimizer.velocities is None


def test_get_by_name_or_object():
    assert isinstance(get("sgd"), SGD) and isinstance(get("RMSprop"), RMSprop)
    optimizer = SGD(0.2)
    assert get(optimizer) is optimizer
    assert repr(optimizer) == "SGD(learning_rate=0.2)"


def test_integer_hyperparameters_are_accepted():
    assert RMSprop(learning_rate=1, rho=0).rho == 0.0


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(learning_rate=0), "`learning_rate` must be greater than 0"),
    (lambda: SGD(learning_rate="0.1"), "`learning_rate` must be a real number"),
    (lambda: RMSprop(rho=1.0), r"`rho` must be in \[0, 1\)"),
    (lambda: RMSprop(epsilon=-1e-7), "`epsilon` must be greater than 0"),
    (lambda: get("adam"), "`optimizer` must be"),
])
def test_bad_hyperparameters_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: RMSprop()])
def test_apply_refuses_gradients_that_do_not_match_the_parameters(make):
    params = [np.zeros((3, 2)), np.zeros(2)]
    with pytest.raises(ValueError, match=r"`grads\[0\]` must have the shape of its parameter "
                                         r"\(3, 2\); got shape \(2,\)"):
        make().apply(params, [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"`grads` must hold one gradient per parameter \(2\)"):
        make().apply(params, [np.ones((3, 2))])
