"""course.network, the network as functions of a weight list: against finite differences,
against TensorFlow's GradientTape (float64 and float32), and against course.nn's fit."""

import numpy as np
import pytest

from course import network
from course.data import load_digits01
from course.gradcheck import numerical_gradient, relative_error
from course.losses import BinaryCrossentropy
from course.nn import SGD, Dense, Input, Sequential
from course.quiet import import_tensorflow


def digits_weights(seed=0, sizes=(64, 25, 15, 1)):
    layers = [Dense(n, activation="sigmoid") for n in sizes[1:]]
    return Sequential([Input(shape=(sizes[0],))] + layers, seed=seed).get_weights()


@pytest.fixture(scope="module")
def digits():
    (X, Y), _ = load_digits01()
    return X[:40], Y[:40]


def test_backprop_matches_finite_differences(digits):
    X, Y = digits
    weights = digits_weights()
    numeric = numerical_gradient(lambda w: network.cost(X, Y, w), weights, eps=1e-5)
    for g, n in zip(network.backprop(X, Y, weights), numeric):
        assert g.shape == n.shape
        assert relative_error(g, n) < 1e-7


def test_a_wrong_gradient_fails_the_finite_difference_check(digits):
    """Control: the check can fail (backprop without the 1/m of the mean)."""
    X, Y = digits
    weights = digits_weights()
    numeric = numerical_gradient(lambda w: network.cost(X, Y, w), weights, eps=1e-5)
    wrong = [len(X) * g for g in network.backprop(X, Y, weights)]
    assert relative_error(wrong, numeric) > 0.9


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-5)])
def test_backprop_matches_gradient_tape(digits, dtype, tolerance):
    """The tolerances lesson 03 states for its GradientTape cell hold, array by array."""
    tf = import_tensorflow()
    X, Y = digits
    weights = digits_weights()
    variables = [tf.Variable(p, dtype=dtype) for p in weights]
    with tf.GradientTape() as tape:
        A = tf.constant(X, dtype=dtype)
        for W, b in zip(variables[0::2], variables[1::2]):
            A = tf.sigmoid(A @ W + b)
        Y_t = tf.constant(Y, dtype=dtype)
        J = tf.reduce_mean(-Y_t * tf.math.log(A) - (1 - Y_t) * tf.math.log(1 - A))
    taped = [g.numpy().astype(np.float64) for g in tape.gradient(J, variables)]
    errors = [relative_error(g, t) for g, t in zip(network.backprop(X, Y, weights), taped)]
    assert max(errors) < tolerance
    wrong = [relative_error(len(X) * g, t)
             for g, t in zip(network.backprop(X, Y, weights), taped)]
    assert min(wrong) > 0.9       # control: a gradient without its 1/m is far outside


def test_train_network_history_has_epochs_plus_one_entries_and_retraces_fit(digits):
    X, Y = digits
    weights = digits_weights()
    final, J_history = network.train_network(X, Y, weights, alpha=1.0, epochs=20)
    assert len(J_history) == 21
    assert J_history[0] == pytest.approx(network.cost(X, Y, weights), abs=1e-15)
    assert J_history[-1] == pytest.approx(network.cost(X, Y, final), abs=1e-15)
    model = Sequential([Input(shape=(64,)), Dense(25, activation="sigmoid"),
                        Dense(15, activation="sigmoid"), Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD(learning_rate=1.0))
    history = model.fit(X, Y, epochs=20, batch_size=len(X), shuffle=False)
    np.testing.assert_allclose(J_history[:-1], history.history["loss"], rtol=0, atol=1e-13)
    for a, b in zip(final, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


def test_train_network_leaves_its_inputs_alone_and_zero_epochs_only_measure(digits):
    X, Y = digits
    weights = digits_weights()
    before = [p.copy() for p in weights]
    final, J_history = network.train_network(X, Y, weights, alpha=1.0, epochs=0)
    assert len(J_history) == 1
    for p, q, r in zip(weights, before, final):
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(r, q)
    network.train_network(X, Y, weights, alpha=1.0, epochs=3)
    for p, q in zip(weights, before):
        np.testing.assert_array_equal(p, q)


def test_update_parameters_is_one_step_and_copies():
    weights = digits_weights(sizes=(3, 2, 2, 1))
    gradients = [np.ones_like(p) for p in weights]
    new = network.update_parameters(weights, gradients, 0.5)
    for p, q in zip(weights, new):
        np.testing.assert_array_equal(q, p - 0.5)
        assert q is not p


def test_forward_is_the_sigmoid_chain():
    weights = digits_weights(sizes=(3, 4, 2, 1))
    X = np.random.default_rng(0).uniform(size=(5, 3))
    A = X
    for W, b in zip(weights[0::2], weights[1::2]):
        A = 1 / (1 + np.exp(-(A @ W + b)))
    np.testing.assert_allclose(network.network_forward(X, weights), A, rtol=1e-14)


def test_layer_gradient_norms():
    gradients = [np.full((2, 2), 1.0), np.zeros(2), np.full((2, 1), 2.0), np.zeros(1)]
    np.testing.assert_allclose(network.layer_gradient_norms(gradients), [2.0, np.sqrt(8.0)])


@pytest.mark.parametrize("call, error, message", [
    (lambda w: network.network_forward(np.ones((2, 3)), w[0]), TypeError, "`weights` must be a list"),
    (lambda w: network.network_forward(np.ones((2, 3)), w[:3]), ValueError, "pairs"),
    (lambda w: network.network_forward(np.ones((2, 3)), [w[0], w[1], w[0], w[1]]), ValueError,
     "to follow the layer before"),
    (lambda w: network.network_forward(np.ones((2, 4)), w), ValueError, "X"),
    (lambda w: network.cost(np.ones((2, 3)), np.ones((3, 1)), w), ValueError, "`Y`"),
    (lambda w: network.cost(np.ones((2, 3)), np.full((2, 1), 2.0), w), ValueError, "`Y`"),
    (lambda w: network.update_parameters(w, w[:2], 0.1), ValueError, "one array per parameter"),
    (lambda w: network.update_parameters(w, digits_weights(sizes=(3, 4, 2, 1)), 0.1), ValueError,
     r"must have shape \(n_in, n_out\) = \(3, 2\) like weights\[0\]"),
    (lambda w: network.update_parameters(w, w, -1.0), ValueError, "`alpha`"),
    (lambda w: network.train_network(np.ones((2, 3)), np.ones((2, 1)), w, 1.0, -1), ValueError,
     "`epochs`"),
])
def test_bad_input_names_the_argument(call, error, message):
    weights = digits_weights(sizes=(3, 2, 2, 1))
    with pytest.raises(error, match=message):
        call(weights)
