"""Exercises of lesson 03: dense_forward, network_forward and backprop.

Keras' layout throughout: a layer computes ``a_out = g(a_in @ W + b)`` with a_in (m, n_in),
W (n_in, n_out), b (n_out,). The network has three sigmoid layers (25, 15 and 1 units in the
lesson) and its cost is the mean binary cross-entropy J = (1/m) sum_i L(a3_i, y_i).

Backpropagation, with the sigmoid-and-cross-entropy shortcut dJ/dz3 = (a3 - Y) / m:

    dZ3 = (A3 - Y) / m                  dW3 = A2.T @ dZ3      db3 = dZ3.sum(axis=0)
    dZ2 = (dZ3 @ W3.T) * A2 * (1 - A2)  dW2 = A1.T @ dZ2      db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)  dW1 = X.T  @ dZ1      db1 = dZ1.sum(axis=0)

>>> [exercise.id for exercise in EXERCISES]
['dense_forward', 'network_forward', 'backprop']
>>> args = _network_args(np.random.default_rng(0), m=2, sizes=(3, 4, 2, 1))
>>> [g.shape for g in _backprop(args).values()]
[(3, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
"""

from __future__ import annotations

import numpy as np

from course.exercises import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_sequence
from course import activations
from course.layers import Dense
from course.nn import Sequential

LESSON = "03_backpropagation"
ACTIVATIONS = {name: activations.get(name).function for name in ("sigmoid", "relu", "linear")}
WEIGHT_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
GRADIENT_NAMES = tuple("d" + name for name in WEIGHT_NAMES)


# -- inputs -------------------------------------------------------------------------------------
def _layer(rng, n_in, n_out):
    return rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)), rng.normal(0.0, 0.5, n_out)


def _dense_args(rng, m, n_in, n_out, activation):
    W, b = _layer(rng, n_in, n_out)
    return {"a_in": rng.uniform(-2.0, 2.0, (m, n_in)), "W": W, "b": b, "activation": activation}


def _network_args(rng, m, sizes=(64, 25, 15, 1)):
    """X (m, n) in [0, 1] like the digits, Y (m, 1) labels, and weights W1..b3 by name."""
    args = {"X": rng.uniform(0.0, 1.0, (m, sizes[0])),
            "Y": (rng.random((m, 1)) < 0.5).astype(np.float64)}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        args[f"W{layer}"], args[f"b{layer}"] = _layer(rng, n_in, n_out)
    return args


def _dense_cases(rng, visible):
    if visible:
        return [
            Case({"a_in": np.array([[1.0, 2.0]]), "W": np.array([[1.0, -1.0, 0.0],
                                                                 [0.5, 0.5, 0.0]]),
                  "b": np.array([-2.0, 0.0, 1.0]), "activation": "linear"},
                 "one example, 2 -> 3 units, linear"),
            Case(_dense_args(rng, 4, 3, 2, "sigmoid"), "4 examples, 3 -> 2 units, sigmoid"),
            Case(_dense_args(rng, 5, 3, 3, "relu"), "5 examples, 3 -> 3 units, relu"),
            Case(_dense_args(rng, 6, 4, 1, "sigmoid"), "6 examples, 4 -> 1 unit, sigmoid"),
        ]
    return [Case(_dense_args(rng, int(rng.integers(2, 30)), int(rng.integers(2, 10)),
                             int(rng.integers(2, 10)), g)) for g in ("sigmoid", "relu",
                                                                     "linear")] + [
        Case(_dense_args(rng, 1, int(rng.integers(2, 6)), 4, "sigmoid")),   # a single example
        Case(_dense_args(rng, int(rng.integers(2, 9)), 1, 3, "sigmoid")),   # one feature
        Case(_dense_args(rng, int(rng.integers(2, 9)), 3, 1, "sigmoid")),   # one unit
        Case(_dense_args(rng, 4, 4, 4, "sigmoid"))]                         # square W


def _network_cases(rng, visible):
    if visible:
        return [Case(_network_args(rng, 3, (2, 3, 2, 1)), "3 examples, a 2-3-2-1 network"),
                Case(_network_args(rng, 5), "5 digit-like examples, the 64-25-15-1 network"),
                Case(_network_args(rng, 1, (4, 25, 15, 1)), "a single example, 4-25-15-1")]
    return [Case(_network_args(rng, int(rng.integers(5, 40)), (int(rng.integers(2, 65)), 25,
                                                               15, 1))) for _ in range(2)] + [
        Case(_network_args(rng, 1, (int(rng.integers(2, 10)), 25, 15, 1))),
        Case(_network_args(rng, int(rng.integers(2, 10)), (1, 25, 15, 1)))]


# -- the computations, with the knobs the mistakes turn ----------------------------------------
def _dense(args, bias=True, activation=None, transpose=False, squeeze=False):
    W = args["W"].T if transpose else args["W"]
    if transpose and W.shape != args["W"].shape:
        return None                         # a transposed W only fits when it is square
    if squeeze and W.shape[1] != 1:
        return None
    z = args["a_in"] @ W + (args["b"] if bias else 0.0)                  # (m, n_out)
    a = ACTIVATIONS[activation or args["activation"]](z)
    return {"value": a.reshape(-1) if squeeze else a}


def _layers(args):
    return [(args[f"W{i}"], args[f"b{i}"]) for i in (1, 2, 3)]


def _forward(args, bias=True, output="sigmoid", hidden="sigmoid"):
    """The activations [X, A1, A2, A3] of the three-layer network."""
    activations = [args["X"]]
    for i, (W, b) in enumerate(_layers(args), start=1):
        g = ACTIVATIONS[output if i == 3 else hidden]
        activations.append(g(activations[-1] @ W + (b if bias else 0.0)))  # (m, n_out)
    return activations


def _network_output(args, squeeze=False, **knobs):
    a3 = _forward(args, **knobs)[-1]                                     # (m, 1)
    return {"value": a3.reshape(-1) if squeeze else a3}


def _backprop(args, per_m=True, sign=1.0, derivative=True, keepdims=False, transpose=False,
              squared_error=False):
    A = _forward(args)
    m = args["X"].shape[0] if per_m else 1
    dZ = (A[3] - args["Y"]) / m                                          # (m, 1)
    if squared_error:
        dZ = dZ * A[3] * (1 - A[3])
    gradients = {}
    for layer in (3, 2, 1):
        W = args[f"W{layer}"]
        dW, db = sign * A[layer - 1].T @ dZ, sign * dZ.sum(axis=0)       # (n_in, n_out), (n_out,)
        gradients[f"dW{layer}"] = dW.T if transpose else dW
        gradients[f"db{layer}"] = db[None, :] if keepdims else db
        dA = dZ @ W.T                                                    # (m, n_in)
        dZ = dA * A[layer - 1] * (1 - A[layer - 1]) if derivative else dA
    return {name: gradients[name] for name in GRADIENT_NAMES}


# -- calling the learner's function and reading its result -------------------------------------
def _weights(args):
    return [args[name] for name in WEIGHT_NAMES]


def _call_network(function, args):
    return function(args["X"], _weights(args))


def _call_backprop(function, args):
    return function(args["X"], args["Y"], _weights(args))


def _plain_output(result):
    return {"value": plain_array(result, "the output")}


def _plain_gradients(result):
    items = plain_sequence(result, 6, "the list [dW1, db1, dW2, db2, dW3, db3]")
    return {name: plain_array(item, name) for name, item in zip(GRADIENT_NAMES, items)}


SQUEEZE_HINT = ("keep the output 2-D, shape (m, n_out), even with one unit; Keras does the "
                "same, and targets Y have shape (m, 1).")

EXERCISES = [
    Exercise(
        id="dense_forward", lesson=LESSON, points=2,
        signature="dense_forward(a_in, W, b, activation)",
        make_cases=_dense_cases, to_plain=_plain_output, expected=_dense,
        reference=Dense.forward,
        mistakes=[
            Mistake("a missing bias", lambda a: _dense(a, bias=False), "z = a_in @ W + b."),
            Mistake("no activation applied", lambda a: _dense(a, activation="linear"),
                    "apply g to z: 'sigmoid' is 1 / (1 + exp(-z)), 'relu' is np.maximum(z, 0), "
                    "'linear' leaves z unchanged."),
            Mistake("the sigmoid whatever the activation", lambda a: _dense(a,
                                                                             activation="sigmoid"),
                    "use the `activation` argument: 'relu' and 'linear' are not the sigmoid."),
            Mistake("a transposed W", lambda a: _dense(a, transpose=True),
                    "W has shape (n_in, n_out) as in Keras: z = a_in @ W, not a_in @ W.T."),
            Mistake("an output of shape (m,) instead of (m, 1)", lambda a: _dense(a, squeeze=True),
                    SQUEEZE_HINT),
        ]),
    Exercise(
        id="network_forward", lesson=LESSON, points=2, signature="network_forward(X, weights)",
        make_cases=_network_cases, to_plain=_plain_output, expected=_network_output,
        call=_call_network, reference=Sequential._forward,
        mistakes=[
            Mistake("missing biases", lambda a: _network_output(a, bias=False),
                    "every layer adds its bias: a = sigmoid(a_in @ W + b)."),
            Mistake("no sigmoid on the output layer", lambda a: _network_output(a,
                                                                                output="linear"),
                    "the last layer is a sigmoid too, so the output is a probability."),
            Mistake("hidden layers without the sigmoid",
                    lambda a: _network_output(a, hidden="linear"),
                    "apply the sigmoid in every layer, the hidden ones included."),
            Mistake("an output of shape (m,) instead of (m, 1)",
                    lambda a: _network_output(a, squeeze=True), SQUEEZE_HINT),
        ]),
    Exercise(
        id="backprop", lesson=LESSON, points=4, signature="backprop(X, Y, weights)",
        parts=GRADIENT_NAMES, make_cases=_network_cases, to_plain=_plain_gradients,
        expected=_backprop, call=_call_backprop, rtol=1e-6, atol=1e-10,
        reference=Sequential._backward,
        mistakes=[
            Mistake("the gradient without the 1/m factor", lambda a: _backprop(a, per_m=False),
                    "J is a mean over the m examples, so dZ3 = (A3 - Y) / m."),
            Mistake("the wrong sign", lambda a: _backprop(a, sign=-1.0),
                    "dZ3 = A3 - Y (prediction minus target), divided by m."),
            Mistake("a missing sigmoid derivative",
                    lambda a: _backprop(a, derivative=False),
                    "going back through a sigmoid layer multiplies by its derivative: "
                    "dZ = (dZ_next @ W_next.T) * A * (1 - A)."),
            Mistake("biases' gradients of shape (1, n) instead of (n,)",
                    lambda a: _backprop(a, keepdims=True),
                    "b has shape (n_out,), so db must too: dZ.sum(axis=0) without keepdims."),
            Mistake("transposed weight gradients", lambda a: _backprop(a, transpose=True),
                    "dW has the shape of W, (n_in, n_out): dW = A_prev.T @ dZ."),
            Mistake("the squared-error delta at the output",
                    lambda a: _backprop(a, squared_error=True),
                    "with a sigmoid output and binary cross-entropy, the sigmoid's derivative "
                    "cancels: dZ3 = (A3 - Y) / m, with no extra A3 * (1 - A3)."),
        ]),
]
