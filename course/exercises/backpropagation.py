"""Exercises of lesson 03: dense_forward, network_forward, dense_backward and backprop.

Keras' layout throughout: a layer computes ``a_out = g(a_in @ W + b)`` with a_in (m, n_in),
W (n_in, n_out), b (n_out,). The network has three sigmoid layers (25, 15 and 1 units in the
lesson) and its cost is the mean binary cross-entropy J = (1/m) sum_i L(a3_i, y_i). Expected
answers come from ``course.layers.Dense`` and ``course.nn.Sequential`` holding the case's
weights; every mistake is a small function next to its hint.

One layer's backward step (``dense_backward``), given dZ = dJ/dZ of shape (m, n_out):

    dW = A_prev.T @ dZ   (n_in, n_out)     db = dZ.sum(axis=0)   (n_out,)
    dA_prev = dZ @ W.T   (m, n_in)

Backpropagation, with the sigmoid-and-cross-entropy shortcut dJ/dz3 = (a3 - Y) / m:

    dZ3 = (A3 - Y) / m                  dW3 = A2.T @ dZ3      db3 = dZ3.sum(axis=0)
    dZ2 = (dZ3 @ W3.T) * A2 * (1 - A2)  dW2 = A1.T @ dZ2      db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)  dW1 = X.T  @ dZ1      db1 = dZ1.sum(axis=0)

>>> [exercise.id for exercise in EXERCISES]
['dense_forward', 'network_forward', 'dense_backward', 'backprop']
>>> args = network_args(np.random.default_rng(0), m=2, sizes=(3, 4, 2, 1))
>>> [g.shape for g in _backprop(args).values()]
[(3, 4), (4,), (4, 2), (2,), (2, 1), (1,)]
"""

from __future__ import annotations

import numpy as np

from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_sequence, scaled
from course.layers import Dense, Input
from course.losses import BinaryCrossentropy, MeanSquaredError
from course.nn import Sequential

LESSON = "03_backpropagation"
WEIGHT_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
GRADIENT_NAMES = tuple("d" + name for name in WEIGHT_NAMES)


# -- inputs -------------------------------------------------------------------------------------
def _random_weights(rng, n_in, n_out):
    return rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)), rng.normal(0.0, 0.5, n_out)


def _dense_args(rng, m, n_in, n_out, activation):
    W, b = _random_weights(rng, n_in, n_out)
    return {"a_in": rng.uniform(-2.0, 2.0, (m, n_in)), "W": W, "b": b, "activation": activation}


def network_args(rng, m, sizes=(64, 25, 15, 1)):
    """X (m, n) in [0, 1] like the digits, Y (m, 1) labels, and weights W1..b3 by name."""
    args = {"X": rng.uniform(0.0, 1.0, (m, sizes[0])),
            "Y": (rng.random((m, 1)) < 0.5).astype(np.float64)}
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        args[f"W{layer}"], args[f"b{layer}"] = _random_weights(rng, n_in, n_out)
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
        return [Case(network_args(rng, 3, (2, 3, 2, 1)), "3 examples, a 2-3-2-1 network"),
                Case(network_args(rng, 5), "5 digit-like examples, the 64-25-15-1 network"),
                Case(network_args(rng, 1, (4, 25, 15, 1)), "a single example, 4-25-15-1")]
    return [Case(network_args(rng, int(rng.integers(5, 40)), (int(rng.integers(2, 65)), 25,
                                                               15, 1))) for _ in range(2)] + [
        Case(network_args(rng, 1, (int(rng.integers(2, 10)), 25, 15, 1))),
        Case(network_args(rng, int(rng.integers(2, 10)), (1, 25, 15, 1)))]


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


# -- the course's network with the case's weights -----------------------------------------------
def _layer(W, b, activation) -> Dense:
    """A ``course.layers.Dense`` holding the given W (n_in, n_out) and b (n_out,)."""
    layer = Dense(W.shape[1], activation)
    layer.W, layer.b = W, b
    return layer


def network(args, hidden="sigmoid", output="sigmoid", loss=None) -> Sequential:
    """The three-layer ``course.nn.Sequential`` with the weights W1..b3 of ``args``.

    ``loss`` (a ``course.losses`` object) compiles it, for ``backward``.
    """
    layers = [Dense(args[f"W{i}"].shape[1], hidden if i < 3 else output) for i in (1, 2, 3)]
    model = Sequential([Input((args["W1"].shape[0],))] + layers)
    model.set_weights([args[name] for name in WEIGHT_NAMES])
    if loss is not None:
        model.compile(optimizer="sgd", loss=loss)
    return model


# -- dense_forward ---------------------------------------------------------------------------------
def _dense(args):
    return {"value": _layer(args["W"], args["b"], args["activation"]).forward(args["a_in"])[1]}


def _dense_without_bias(args):
    return _dense({**args, "b": np.zeros_like(args["b"])})


def _dense_without_activation(args):
    """z itself: only shows when the activation is not 'linear'."""
    return None if args["activation"] == "linear" else _dense({**args, "activation": "linear"})


def _dense_always_sigmoid(args):
    """The sigmoid: only shows when the activation is not the sigmoid."""
    return None if args["activation"] == "sigmoid" else _dense({**args, "activation": "sigmoid"})


def single_example(args) -> str:
    """``Exercise.edge_case`` of the gradient exercises: with one example, 1/m is 1, so a
    missing (or extra) 1/m cannot show; the case stays for its shapes."""
    rows = args["dZ"].shape[0] if "dZ" in args else args["X"].shape[0]
    return "a single example: 1/m = 1" if rows == 1 else ""


def _dense_with_W_transposed(args):
    """a_in @ W.T: only fits (and only shows) when W is square."""
    W = args["W"]
    return _dense({**args, "W": W.T}) if W.shape[0] == W.shape[1] else None


def _dense_squeezed(args):
    """An (m,) output where (m, 1) is expected: only possible with one unit."""
    return {"value": _dense(args)["value"].reshape(-1)} if args["W"].shape[1] == 1 else None


SQUEEZE_HINT = ("keep the output 2-D, shape (m, n_out), even with one unit; Keras does the "
                "same, and targets Y have shape (m, 1).")

DENSE_FORWARD = Exercise(
    id="dense_forward", lesson=LESSON, points=2,
    signature="dense_forward(a_in, W, b, activation)",
    make_cases=_dense_cases, to_plain=_plain_output, expected=_dense,
    reference=Dense.forward,
    mistakes=[
        Mistake("a missing bias", _dense_without_bias,
                "each unit adds its own bias to its weighted sum before the activation."),
        Mistake("no activation applied", _dense_without_activation,
                "apply the activation g to z; 'linear' is the only one that leaves z "
                "unchanged."),
        Mistake("the sigmoid whatever the activation", _dense_always_sigmoid,
                "use the `activation` argument: 'relu' and 'linear' are not the sigmoid."),
        Mistake("a transposed W", _dense_with_W_transposed,
                "W has shape (n_in, n_out) as in Keras, so a_in (m, n_in) multiplies it as it "
                "is, without a transpose."),
        Mistake("an output of shape (m,) instead of (m, 1)", _dense_squeezed, SQUEEZE_HINT),
    ])


# -- network_forward -------------------------------------------------------------------------------
def network_output(args, hidden="sigmoid", output="sigmoid") -> np.ndarray:
    """The output A3 (m, 1) of the network with these activations."""
    return network(args, hidden, output).predict(args["X"])


def _network_forward(args):
    return {"value": network_output(args)}


def _network_without_biases(args):
    zero_biases = {f"b{i}": np.zeros_like(args[f"b{i}"]) for i in (1, 2, 3)}
    return _network_forward({**args, **zero_biases})


def _network_with_linear_output(args):
    return {"value": network_output(args, output="linear")}


def _network_with_linear_hidden_layers(args):
    return {"value": network_output(args, hidden="linear")}


def _network_squeezed(args):
    return {"value": network_output(args).reshape(-1)}


NETWORK_FORWARD = Exercise(
    id="network_forward", lesson=LESSON, points=1, signature="network_forward(X, weights)",
    depends_on=("dense_forward",),
    make_cases=_network_cases, to_plain=_plain_output, expected=_network_forward,
    call=_call_network, reference=Sequential._forward,
    mistakes=[
        Mistake("missing biases", _network_without_biases,
                "every layer adds its bias: a = sigmoid(a_in @ W + b)."),
        Mistake("no sigmoid on the output layer", _network_with_linear_output,
                "the last layer is a sigmoid too, so the output is a probability."),
        Mistake("hidden layers without the sigmoid", _network_with_linear_hidden_layers,
                "apply the sigmoid in every layer, the hidden ones included."),
        Mistake("an output of shape (m,) instead of (m, 1)", _network_squeezed, SQUEEZE_HINT),
    ])


# -- dense_backward --------------------------------------------------------------------------------
def _backward_args(rng, m, n_in, n_out):
    return {"dZ": rng.normal(0.0, 0.1, (m, n_out)), "A_prev": rng.uniform(0.0, 1.0, (m, n_in)),
            "W": rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out))}


def _backward_cases(rng, visible):
    if visible:
        return [Case({"dZ": np.array([[0.1, -0.2]]), "A_prev": np.array([[1.0, 2.0, 3.0]]),
                      "W": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])},
                     "one example, 3 -> 2 units"),
                Case(_backward_args(rng, 4, 3, 2), "4 examples, 3 -> 2 units"),
                Case(_backward_args(rng, 5, 15, 1), "5 examples, the output layer 15 -> 1")]
    return [Case(_backward_args(rng, int(rng.integers(2, 30)), int(rng.integers(2, 10)),
                                int(rng.integers(2, 10)))) for _ in range(2)] + [
        Case(_backward_args(rng, 1, int(rng.integers(2, 6)), 3)),     # a single example
        Case(_backward_args(rng, int(rng.integers(2, 9)), 4, 4))]     # square W


def _dense_backward(args, transpose_dW=False, db_axis=0, W_transposed=False, extra_m=1):
    """dW = A_prev.T @ dZ, db = column sums of dZ, dA_prev = dZ @ W.T (and the mistakes)."""
    dZ, A_prev, W = args["dZ"], args["A_prev"], args["W"]
    dW = (dZ.T @ A_prev if transpose_dW else A_prev.T @ dZ) / extra_m
    if W_transposed and W.shape[0] != W.shape[1]:
        return None
    return {"dW": dW, "db": dZ.sum(axis=db_axis) / extra_m,
            "dA_prev": dZ @ (W if W_transposed else W.T)}


def _call_backward(function, args):
    return function(args["dZ"], args["A_prev"], args["W"])


def _plain_backward(result):
    items = plain_sequence(result, 3, "the tuple (dW, db, dA_prev)")
    return {name: plain_array(item, name) for name, item in zip(("dW", "db", "dA_prev"), items)}


DENSE_BACKWARD = Exercise(
    id="dense_backward", lesson=LESSON, points=3, signature="dense_backward(dZ, A_prev, W)",
    parts=("dW", "db", "dA_prev"), make_cases=_backward_cases, to_plain=_plain_backward,
    expected=_dense_backward, call=_call_backward, edge_case=single_example,
    mistakes=[
        Mistake("a transposed dW, (n_out, n_in)", lambda a: _dense_backward(a, transpose_dW=True),
                "dW must have the shape of W, (n_in, n_out): which of A_prev and dZ has n_in "
                "columns, and which side of the product must it stand on?"),
        Mistake("db summed over the units instead of the examples",
                lambda a: _dense_backward(a, db_axis=1),
                "db has one entry per unit, (n_out,): every example adds to it, so add along "
                "the axis that counts the examples."),
        Mistake("an extra 1/m", lambda a: _dense_backward(a, extra_m=a["dZ"].shape[0]),
                "dZ already holds the 1/m of the mean (it came from dZ3 = (A3 - Y) / m): do "
                "not divide again in each layer."),
        Mistake("W not transposed in dA_prev", lambda a: _dense_backward(a, W_transposed=True),
                "dA_prev has the shape of A_prev, (m, n_in), and dZ is (m, n_out): which "
                "(n_out, n_in) matrix turns one into the other?"),
    ])


# -- backprop --------------------------------------------------------------------------------------
def _gradients(model, cache, Y) -> dict:
    """``model.backward`` as the exercise's parts: dW1, db1, ..., db3."""
    gradient = model.backward(cache, Y)
    values = [value for pair in zip(gradient["dW"], gradient["db"]) for value in pair]
    return dict(zip(GRADIENT_NAMES, values))


def _backprop(args):
    model = network(args, loss=BinaryCrossentropy())
    return _gradients(model, model.forward(args["X"]), args["Y"])


def _backprop_without_one_over_m(args):
    return scaled(_backprop(args), args["X"].shape[0])


def _backprop_with_wrong_sign(args):
    return scaled(_backprop(args), -1)


def _backprop_without_sigmoid_derivative(args):
    """The sigmoid network's activations, sent back through hidden layers whose derivative
    is 1 (linear): dZ = dZ_next @ W_next.T, with no A * (1 - A)."""
    forward = network(args).forward(args["X"])
    backward = network(args, hidden="linear", loss=BinaryCrossentropy())
    return _gradients(backward, forward, args["Y"])


def _backprop_with_2d_db(args):
    return {name: value[None, :] if name.startswith("db") else value
            for name, value in _backprop(args).items()}


def _backprop_with_dW_transposed(args):
    return {name: value.T if name.startswith("dW") else value
            for name, value in _backprop(args).items()}


def _backprop_with_squared_error_delta(args):
    """dZ3 = (A3 - Y) / m * A3 * (1 - A3): the mean squared error's delta without its 2."""
    model = network(args, loss=MeanSquaredError())
    return scaled(_gradients(model, model.forward(args["X"]), args["Y"]), 1 / 2)


BACKPROP = Exercise(
    id="backprop", lesson=LESSON, points=4, signature="backprop(X, Y, weights)",
    parts=GRADIENT_NAMES, make_cases=_network_cases, to_plain=_plain_gradients,
    expected=_backprop, call=_call_backprop, rtol=1e-6, atol=1e-10,
    reference=Sequential._backward, depends_on=("dense_forward", "dense_backward"),
    edge_case=single_example,
    mistakes=[
        Mistake("the gradient without the 1/m factor", _backprop_without_one_over_m,
                "J is a mean over the m examples, so every gradient carries a factor 1/m; "
                "put it in once, where the output layer's error starts."),
        Mistake("the wrong sign", _backprop_with_wrong_sign,
                "dZ3 = A3 - Y (prediction minus target), divided by m."),
        Mistake("a missing sigmoid derivative", _backprop_without_sigmoid_derivative,
                "going back through a sigmoid layer multiplies by the sigmoid's slope, "
                "which section 2's table writes with the layer's own activations A."),
        Mistake("biases' gradients of shape (1, n) instead of (n,)", _backprop_with_2d_db,
                "b has shape (n_out,), so db must too: add over the examples without "
                "keeping that axis."),
        Mistake("transposed weight gradients", _backprop_with_dW_transposed,
                "dW has the shape of W, (n_in, n_out); check the order of the product."),
        Mistake("the squared-error delta at the output", _backprop_with_squared_error_delta,
                "with a sigmoid output and binary cross-entropy, the sigmoid's derivative "
                "cancels (section 2: dL/dz = a - y), so no extra sigmoid slope at the "
                "output."),
    ])

EXERCISES = [DENSE_FORWARD, NETWORK_FORWARD, DENSE_BACKWARD, BACKPROP]
