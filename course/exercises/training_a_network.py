"""Exercises of lesson 04: update_parameters, train_network and stopping_epoch.

The learner trains the slide's sigmoid network with lesson 3's pieces, imported from
``course.network`` (``cost``, ``backprop``):

- ``update_parameters(weights, gradients, alpha)`` returns a new list p - alpha * dp;
- ``train_network(X, Y, weights, alpha, epochs)`` is full-batch gradient descent and returns
  ``(final weights, J_history)``, where ``J_history[k]`` is the cost after k updates
  (``epochs + 1`` entries; Keras' ``history["loss"]`` is the same list without its last);
- ``stopping_epoch(validation_costs)`` returns the k of the lowest validation cost (the first
  one on a tie), the number of updates to keep.

Expected answers come from ``course.network`` (itself ``course.nn.Sequential``'s mathematics,
tested against finite differences and Keras); every mistake is a small function next to its
hint, and no hint gives the answer's code.

>>> [exercise.id for exercise in EXERCISES]
['update_parameters', 'train_network', 'stopping_epoch']
>>> args = _training_args(np.random.default_rng(0), m=3, alpha=0.5, epochs=2)
>>> plain = _expected_train(args)
>>> plain["J_history"].shape      # the cost before training, then after each update
(3,)
"""

from __future__ import annotations

import numpy as np

from course import network as reference
from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_sequence
from course.exercises.backpropagation import GRADIENT_NAMES, WEIGHT_NAMES, network_args

LESSON = "04_training_a_network"


def _weights(args) -> list:
    return [args[name] for name in WEIGHT_NAMES]


def _flat(weights) -> np.ndarray:
    return np.concatenate([np.ravel(w) for w in weights])


# -- update_parameters -----------------------------------------------------------------------------
def _update_args(rng, sizes, alpha):
    args = network_args(rng, 1, sizes)
    weights = {name: args[name] for name in WEIGHT_NAMES}
    gradients = {"d" + name: rng.normal(0.0, 0.1, value.shape) for name, value in weights.items()}
    return {**weights, **gradients, "alpha": float(alpha)}


def _update_cases(rng, visible):
    if visible:
        return [Case(_update_args(rng, (2, 3, 2, 1), 0.5), "a 2-3-2-1 network, α = 0.5"),
                Case(_update_args(rng, (64, 25, 15, 1), 2.0), "the 64-25-15-1 network, α = 2")]
    return [Case(_update_args(rng, (int(rng.integers(2, 10)), int(rng.integers(2, 8)),
                                    int(rng.integers(2, 6)), 1), float(rng.uniform(0.05, 3.0))))
            for _ in range(3)]


def _call_update(function, args):
    return function(_weights(args), [args[name] for name in GRADIENT_NAMES], args["alpha"])


def _plain_weights(result):
    items = plain_sequence(result, 6, "the list [W1, b1, W2, b2, W3, b3]")
    return {name: plain_array(item, name) for name, item in zip(WEIGHT_NAMES, items)}


def _update(args, sign=-1.0, alpha=None, keep=True):
    alpha = args["alpha"] if alpha is None else alpha
    return {name: (args[name] if keep else 0.0) + sign * alpha * args["d" + name]
            for name in WEIGHT_NAMES}


def _expected_update(args):
    new = reference.update_parameters(_weights(args), [args[n] for n in GRADIENT_NAMES],
                                      args["alpha"])
    return dict(zip(WEIGHT_NAMES, new))


UPDATE_PARAMETERS = Exercise(
    id="update_parameters", lesson=LESSON, points=2,
    signature="update_parameters(weights, gradients, alpha)", parts=WEIGHT_NAMES,
    make_cases=_update_cases, to_plain=_plain_weights, expected=_expected_update,
    call=_call_update, reference=reference.update_parameters,
    mistakes=[
        Mistake("a step uphill (+ instead of −)", lambda a: _update(a, sign=+1.0),
                "the gradient points uphill, where J grows; gradient descent steps the "
                "other way."),
        Mistake("the learning rate left out", lambda a: _update(a, alpha=1.0),
                "the step is the gradient scaled by α; without α every step has size 1."),
        Mistake("the step alone, without the old weights", lambda a: _update(a, keep=False),
                "each new parameter is the old one moved by a small step, not the step itself."),
    ])


# -- train_network ---------------------------------------------------------------------------------
def _training_args(rng, m, alpha, epochs, sizes=None):
    sizes = sizes or (int(rng.integers(2, 12)), int(rng.integers(2, 8)), int(rng.integers(2, 6)), 1)
    return {**network_args(rng, m, sizes), "alpha": float(alpha), "epochs": int(epochs)}


def _train_cases(rng, visible):
    if visible:
        return [Case(_training_args(rng, 6, 1.0, 3, (64, 25, 15, 1)),
                     "6 digit-like images, the 64-25-15-1 network, α = 1, 3 epochs"),
                Case(_training_args(rng, 10, 0.5, 5, (4, 3, 2, 1)),
                     "10 examples, a 4-3-2-1 network, α = 0.5, 5 epochs"),
                Case(_training_args(rng, 5, 1.0, 0, (3, 2, 2, 1)),
                     "0 epochs: nothing to do but measure the start")]
    return [Case(_training_args(rng, int(rng.integers(3, 40)), float(rng.uniform(0.2, 3.0)),
                                int(rng.integers(2, 7)))) for _ in range(2)] + [
        Case(_training_args(rng, 1, float(rng.uniform(0.2, 3.0)), 1)),     # one example, one step
        Case(_training_args(rng, int(rng.integers(3, 20)), 1.0, 0))]       # no update at all


def _plain(weights, J_history) -> dict:
    return {"J_history": np.asarray(J_history, dtype=np.float64),
            "weights": _flat(weights)}


def _expected_train(args):
    return _plain(*reference.train_network(args["X"], args["Y"], _weights(args), args["alpha"],
                                           args["epochs"]))


def _descend(args, record=("start", "after"), sign=-1.0, update=True):
    """Gradient descent written out, recording the costs ``record`` asks for: "start" (before
    any update), "before" (before each update), "after" (after each update)."""
    X, Y, alpha = args["X"], args["Y"], args["alpha"]
    weights = _weights(args)
    J_history = [reference.cost(X, Y, weights)] if "start" in record else []
    for _ in range(args["epochs"]):
        if "before" in record:
            J_history.append(reference.cost(X, Y, weights))
        gradients = reference.backprop(X, Y, weights)
        if update:
            weights = [p + sign * alpha * g for p, g in zip(weights, gradients)]
        if "after" in record:
            J_history.append(reference.cost(X, Y, weights))
    return _plain(weights, J_history)


def _call_train(function, args):
    return function(args["X"], args["Y"], _weights(args), args["alpha"], args["epochs"])


def _plain_training(result) -> dict:
    weights, J_history = plain_sequence(result, 2, "the pair (weights, J_history)")
    arrays = plain_sequence(weights, 6, "the list of weights [W1, b1, W2, b2, W3, b3]")
    return {"J_history": plain_array(J_history, "J_history").ravel(),
            "weights": _flat([plain_array(a, name) for a, name in zip(arrays, WEIGHT_NAMES)])}


TRAIN_NETWORK = Exercise(
    id="train_network", lesson=LESSON, points=4,
    signature="train_network(X, Y, weights, alpha, epochs)",
    parts=("J_history", "weights"), make_cases=_train_cases, to_plain=_plain_training,
    expected=_expected_train, call=_call_train, rtol=1e-6, atol=1e-10,
    reference=reference.train_network, depends_on=("update_parameters",),
    edge_case=lambda a: "0 epochs: no update, so no update mistake can show" if a["epochs"] == 0
    else "",
    mistakes=[
        Mistake("no cost of the untrained network", lambda a: _descend(a, record=("after",)),
                "entry k is the cost after k updates, so entry 0 is the cost before any "
                "update: epochs updates give epochs + 1 costs."),
        Mistake("Keras' history: the cost before each update, none after the last",
                lambda a: _descend(a, record=("before",)),
                "that is Keras' history['loss']; here the list also ends with the cost of "
                "the final weights, epochs + 1 entries in all."),
        Mistake("a step uphill (+ instead of −)", lambda a: _descend(a, sign=+1.0),
                "the cost should fall: step against the gradient."),
        Mistake("updates that never reach the weights", lambda a: _descend(a, update=False),
                "the cost never changes: the next epoch must use the weights the update "
                "returned (assigning to a loop variable changes nothing in the list)."),
    ])


# -- stopping_epoch --------------------------------------------------------------------------------
def _stopping_cases(rng, visible):
    if visible:
        return [Case({"validation_costs": np.array([0.69, 0.41, 0.22, 0.18, 0.19, 0.25])},
                     "the cost falls, then climbs"),
                Case({"validation_costs": np.array([0.7, 0.5, 0.3, 0.3, 0.4])},
                     "a tie: the same lowest cost twice"),
                Case({"validation_costs": np.array([0.5, 0.6, 0.8])},
                     "training only made it worse")]
    curves = []
    for _ in range(3):
        n = int(rng.integers(5, 40))
        t = np.arange(n)
        bottom = int(rng.integers(1, n - 1))
        curves.append(0.05 + 0.5 * np.exp(-t / 5) + 0.002 * (t - bottom) ** 2 / n
                      + rng.uniform(0, 1e-3, n))
    for c in curves:             # every curve has a tie, so "the last of the lowest" shows
        lowest = int(np.argmin(c))
        c[rng.choice([k for k in range(len(c)) if k != lowest])] = c[lowest]
    tie = np.array([0.6, 0.3, 0.2, 0.25, 0.2, 0.4])
    worse = np.array([0.5, 0.5, 0.8])     # training only made it worse, with a tie at the start
    return [Case({"validation_costs": c}) for c in curves] + [
        Case({"validation_costs": tie}), Case({"validation_costs": worse})]


def _plain_epoch(result):
    return {"value": plain_array(result, "the stopping epoch")}


def _stopping(args, pick=np.argmin, offset=0):
    costs = np.asarray(args["validation_costs"])
    return {"value": np.array(float(pick(costs) + offset))}


def _last_lowest(costs):
    return len(costs) - 1 - int(np.argmin(costs[::-1]))


STOPPING_EPOCH = Exercise(
    id="stopping_epoch", lesson=LESSON, points=1, signature="stopping_epoch(validation_costs)",
    make_cases=_stopping_cases, to_plain=_plain_epoch, expected=_stopping,
    mistakes=[
        Mistake("counting the epochs from 1", lambda a: _stopping(a, offset=1),
                "entry 0 is the untrained network (0 updates done), so entry k is after k "
                "updates: the position is already the number of epochs."),
        Mistake("the highest cost instead of the lowest", lambda a: _stopping(a, pick=np.argmax),
                "keep the epoch where the validation cost is lowest."),
        Mistake("the last of equal lowest costs", lambda a: _stopping(a, pick=_last_lowest),
                "on a tie, stop at the first: the same cost for fewer updates."),
        Mistake("the lowest cost itself instead of its epoch",
                lambda a: {"value": np.array(float(np.min(a["validation_costs"])))},
                "return where the lowest cost is (how many updates), not the cost."),
    ])

EXERCISES = [UPDATE_PARAMETERS, TRAIN_NETWORK, STOPPING_EPOCH]
