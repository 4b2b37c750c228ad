"""The slide's sigmoid network as plain functions of a weight list: lesson 3's answers, for
lesson 4 to import.

``weights`` is Keras' list ``[W1, b1, W2, b2, ..., WL, bL]`` with W[l] of shape (n_in, n_out)
and b[l] of shape (n_out,); every layer is a sigmoid; X is (m, n) and Y is (m, 1). The cost is
the mean binary cross-entropy. The mathematics is ``course.nn.Sequential``'s (one copy of it):
each function builds a model holding ``weights`` and asks it.

- ``network_forward(X, weights)``          the output A[L], shape (m, 1)
- ``cost(X, Y, weights)``                  J, a float
- ``backprop(X, Y, weights)``              ``[dW1, db1, ...]``, each the shape of its parameter
- ``update_parameters(weights, gradients, alpha)``   a new list, p - alpha * dp for each p
- ``train_network(X, Y, weights, alpha, epochs)``    full-batch gradient descent; returns
  ``(weights, J_history)`` where ``J_history[k]`` is the cost after k updates, so ``epochs``
  updates give ``epochs + 1`` entries (``course.nn``'s and Keras' ``history["loss"]`` is the
  same list without its last entry)
- ``layer_gradient_norms(gradients)``      ||dW[l]|| per layer (Frobenius norm)

>>> W1, b1, W2, b2 = np.array([[0.5], [-0.5]]), np.array([0.0]), np.array([[1.0]]), np.zeros(1)
>>> X, Y = np.array([[1.0, 1.0], [2.0, 0.0]]), np.array([[1.0], [0.0]])
>>> network_forward(X, [W1, b1, W2, b2]).round(4)
array([[0.6225],
       [0.675 ]])
>>> _, J_history = train_network(X, Y, [W1, b1, W2, b2], alpha=0.5, epochs=2)
>>> len(J_history)        # the cost before training, then after each of the 2 updates
3
"""

from __future__ import annotations

import numpy as np

from course._validation import (_describe, as_count, as_float_array, as_real_number,
                                check_binary, check_not_empty, check_shape)
from course.layers import Dense, Input
from course.losses import BinaryCrossentropy
from course.nn import Sequential
from course.optimizers import SGD

__all__ = ["network_forward", "cost", "backprop", "update_parameters", "train_network",
           "layer_gradient_norms"]


def _check_weights(weights, name: str = "weights") -> list:
    """``weights`` as a list of float64 arrays [W1, b1, ...] whose shapes chain up: W[l] is
    (n_in, n_out) with n_in the n_out of the layer before, b[l] is (n_out,)."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"`{name}` must be a list [W1, b1, W2, b2, ...]; "
                        f"got {_describe(weights)}.")
    if len(weights) < 2 or len(weights) % 2:
        raise ValueError(f"`{name}` must be a list of pairs [W1, b1, W2, b2, ...]; "
                         f"got {len(weights)} arrays.")
    arrays = []
    for index, value in enumerate(weights):
        kind = (2, "(n_in, n_out)") if index % 2 == 0 else (1, "(n_out,)")
        arrays.append(as_float_array(value, f"{name}[{index}]", ndim=kind[0],
                                     shape_hint=kind[1]))
    n_in = arrays[0].shape[0]
    for index, (W, b) in enumerate(zip(arrays[0::2], arrays[1::2])):
        if W.shape[0] != n_in or b.shape != (W.shape[1],):
            raise ValueError(f"`{name}[{2 * index}]` and `{name}[{2 * index + 1}]` must have "
                             f"shapes ({n_in}, n_out) and (n_out,), to follow the layer "
                             f"before; got {W.shape} and {b.shape}.")
        n_in = W.shape[1]
    return arrays


def _model(weights) -> Sequential:
    """A compiled ``course.nn.Sequential`` of sigmoid layers holding ``weights`` (not copied)."""
    weights = _check_weights(weights)
    layers = []
    for W, b in zip(weights[0::2], weights[1::2]):
        layer = Dense(W.shape[1], activation="sigmoid")
        layer.W, layer.b = W, b               # the model only reads them
        layers.append(layer)
    model = Sequential(layers)
    model.input_size = weights[0].shape[0]
    model.compile(optimizer="sgd", loss=BinaryCrossentropy())
    return model


def _checked_X(model, X) -> np.ndarray:
    """X (m, n), checked once at the door."""
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, n)")
    check_not_empty(X, "X")
    check_shape(X, "X", (X.shape[0], model.input_size), "(m, n)",
                f"to match the {model.input_size} rows of weights[0]")
    return X


def _checked_data(model, X, Y) -> tuple:
    """X (m, n) and Y (m, 1) with targets in [0, 1], checked once at the door."""
    X = _checked_X(model, X)
    Y = as_float_array(Y, "Y", ndim=2, shape_hint="(m, 1)")
    check_shape(Y, "Y", (X.shape[0], model.layers[-1].units), "(m, 1)",
                "(one row per example of X)")
    check_binary(Y, "Y")
    return X, Y


def network_forward(X, weights) -> np.ndarray:
    """The network's output A[L] = g(... g(X @ W1 + b1) ... @ WL + bL), shape (m, 1)."""
    model = _model(weights)
    return model._forward(_checked_X(model, X))["a"][-1]


def _cost(model, X, Y) -> float:
    return float(model._loss(model._forward(X), Y))


def _gradients(model, X, Y) -> list:
    gradient = model._backward(model._forward(X), Y)
    return [g for pair in zip(gradient["dW"], gradient["db"]) for g in pair]


def cost(X, Y, weights) -> float:
    """J = (1/m) sum_i L(a_i, y_i), the mean binary cross-entropy of the network on (X, Y)."""
    model = _model(weights)
    return _cost(model, *_checked_data(model, X, Y))


def backprop(X, Y, weights) -> list:
    """``[dW1, db1, ..., dWL, dbL]``: the gradient of J, each the shape of its parameter.

    dZ[L] = (A[L] - Y) / m, then per layer dW = A_prev.T @ dZ, db = dZ summed over the
    rows, and dZ_prev = (dZ @ W.T) * A_prev * (1 - A_prev).
    """
    model = _model(weights)
    return _gradients(model, *_checked_data(model, X, Y))


def update_parameters(weights, gradients, alpha) -> list:
    """One step of gradient descent: a new list with p - alpha * dp for every parameter p.

    The arrays of ``weights`` are not changed.
    """
    weights = _check_weights(weights)
    gradients = _check_weights(gradients, "gradients")
    if len(gradients) != len(weights):
        raise ValueError(f"`gradients` must hold one array per parameter ({len(weights)}); "
                         f"got {len(gradients)}.")
    for index, (p, g) in enumerate(zip(weights, gradients)):
        check_shape(g, f"gradients[{index}]", p.shape,
                    "(n_in, n_out)" if index % 2 == 0 else "(n_out,)", f"like weights[{index}]")
    new = [p.copy() for p in weights]
    SGD(as_real_number(alpha, "alpha", positive=True))._apply(new, gradients)
    return new


def train_network(X, Y, weights, alpha, epochs) -> tuple:
    """Full-batch gradient descent from ``weights``: ``epochs`` updates on all of (X, Y).

    Returns ``(final weights, J_history)``; ``J_history[k]`` is the cost after k updates
    (entry 0 is the untrained network), ``epochs + 1`` floats in all.
    """
    model = _model(weights)
    alpha = as_real_number(alpha, "alpha", positive=True)
    epochs = as_count(epochs, "epochs", minimum=0)
    X, Y = _checked_data(model, X, Y)
    for layer in model.layers:                     # the model's own copies, updated in place
        layer.W, layer.b = layer.W.copy(), layer.b.copy()
    step = SGD(alpha)                              # p = p - alpha * dp, as update_parameters
    J_history = [_cost(model, X, Y)]
    for _ in range(epochs):
        step._apply(model.get_weights(copy=False), _gradients(model, X, Y))
        J_history.append(_cost(model, X, Y))
    return model.get_weights(), J_history


def layer_gradient_norms(gradients) -> np.ndarray:
    """||dW[l]|| (the square root of the sum of squares) for each layer l, shape (L,)."""
    gradients = _check_weights(gradients, "gradients")
    return np.array([np.sqrt(np.sum(dW ** 2)) for dW in gradients[0::2]])
