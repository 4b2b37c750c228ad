"""Exercises of lesson 04 about training itself: ``train`` (your gradient descent) and
``keras_gradient_descent`` (the ``fit`` call that reproduces it).

Both start the slide's 64-25-15-1 sigmoid network from given weights and run ``epochs`` steps
of full-batch gradient descent with learning rate ``alpha`` on (X, Y):

- ``train(X, Y, weights, alpha, epochs)`` is the learner's own loop, built on the lesson's
  ``cost`` and ``backprop`` helpers; it returns ``(final weights, J_history)``, the cost
  before each step;
- ``keras_gradient_descent(X, Y, weights, alpha, epochs)`` does the same with Keras'
  ``fit`` and returns ``history.history["loss"]``.

Expected answers come from ``course.nn`` (``Sequential.fit`` with ``SGD``, ``batch_size=m``,
``shuffle=False``): one step per epoch, the loss of each epoch measured before its step.
Keras computes in float32, hence the looser tolerance of the second exercise.

>>> args = _training_args(np.random.default_rng(0), m=3, alpha=0.5, epochs=2)
>>> plain = _expected_train(args)
>>> plain["J_history"].shape, plain["weights"].shape
((2,), (2031,))
"""

from __future__ import annotations

import numpy as np

from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_sequence
from course.exercises.backpropagation import WEIGHT_NAMES, network, network_args
from course.losses import BinaryCrossentropy
from course.nn import SGD, RMSprop, Sequential

LESSON = "05_keras_model_fit"
SIZES = (64, 25, 15, 1)      # the lesson's cost and backprop helpers are built for this network


def _training_args(rng, m, alpha, epochs):
    return {**network_args(rng, m, SIZES), "alpha": float(alpha), "epochs": int(epochs)}


def _train_cases(rng, visible):
    if visible:
        return [Case(_training_args(rng, 6, 1.0, 3), "6 digit-like images, α = 1, 3 epochs"),
                Case(_training_args(rng, 10, 0.5, 5), "10 images, α = 0.5, 5 epochs"),
                Case(_training_args(rng, 1, 2.0, 2), "a single image, α = 2, 2 epochs")]
    return [Case(_training_args(rng, int(rng.integers(3, 40)), float(rng.uniform(0.2, 3.0)),
                                int(rng.integers(2, 7)))) for _ in range(2)] + [
        Case(_training_args(rng, 1, float(rng.uniform(0.2, 3.0)), 1))]


def _keras_cases(rng, visible):
    # more than 32 images, so that forgetting batch_size=m changes the steps
    if visible:
        return [Case(_training_args(rng, 40, 1.0, 3), "40 digit-like images, α = 1, 3 epochs"),
                Case(_training_args(rng, 8, 0.5, 2), "8 images, α = 0.5, 2 epochs")]
    return [Case(_training_args(rng, int(rng.integers(33, 60)), float(rng.uniform(0.2, 3.0)),
                                int(rng.integers(2, 5))))]


# -- the reference: course.nn's fit with plain gradient descent ------------------------------------
def _fit(args, optimizer, batch_size=None) -> tuple:
    """(final weights as one flat vector, the loss of each epoch) from ``course.nn``."""
    model = network(args)
    model.compile(optimizer=optimizer, loss=BinaryCrossentropy())
    history = model.fit(args["X"], args["Y"], epochs=args["epochs"],
                        batch_size=batch_size or len(args["X"]), shuffle=False)
    return _flat(model.get_weights()), np.array(history.history["loss"])


def _flat(weights) -> np.ndarray:
    return np.concatenate([np.ravel(w) for w in weights])


def _plain(weights, J_history) -> dict:
    return {"J_history": np.asarray(J_history, dtype=np.float64),
            "weights": np.asarray(weights, dtype=np.float64)}


def _expected_train(args):
    return _plain(*_fit(args, SGD(learning_rate=args["alpha"])))


def _loss_history(args):
    return {"value": _fit(args, SGD(learning_rate=args["alpha"]))[1]}


# -- train: the learner's loop -------------------------------------------------------------------
def _descend(args, record_after=False, sign=-1.0, extra_record=False, update=True):
    """Full-batch gradient descent written out, with the knobs of the known mistakes."""
    model = network(args, loss=BinaryCrossentropy())
    X, Y, alpha = args["X"], args["Y"], args["alpha"]
    weights = [np.array(args[name]) for name in WEIGHT_NAMES]
    J_history = []
    for _ in range(args["epochs"]):
        model.set_weights(weights)
        if not record_after:
            J_history.append(model.evaluate(X, Y))
        grads = model.backward(model.forward(X), Y)
        gradients = [g for pair in zip(grads["dW"], grads["db"]) for g in pair]
        if update:
            weights = [p + sign * alpha * g for p, g in zip(weights, gradients)]
        if record_after:
            model.set_weights(weights)
            J_history.append(model.evaluate(X, Y))
    if extra_record:
        model.set_weights(weights)
        J_history.append(model.evaluate(X, Y))
    return _plain(_flat(weights), J_history)


def _recorded_after_the_step(args):
    return _descend(args, record_after=True)


def _one_cost_too_many(args):
    return _descend(args, extra_record=True)


def _gradient_ascent(args):
    return _descend(args, sign=+1.0)


def _weights_never_updated(args):
    return _descend(args, update=False)


def _call_train(function, args):
    return function(args["X"], args["Y"], [args[name] for name in WEIGHT_NAMES],
                    args["alpha"], args["epochs"])


def _plain_training(result) -> dict:
    weights, J_history = plain_sequence(result, 2, "the pair (weights, J_history)")
    arrays = plain_sequence(weights, 6, "the list of weights [W1, b1, W2, b2, W3, b3]")
    return {"J_history": plain_array(J_history, "J_history").ravel(),
            "weights": _flat([plain_array(a, name) for a, name in zip(arrays, WEIGHT_NAMES)])}


TRAIN = Exercise(
    id="train", lesson=LESSON, points=3, signature="train(X, Y, weights, alpha, epochs)",
    parts=("J_history", "weights"), make_cases=_train_cases, to_plain=_plain_training,
    expected=_expected_train, call=_call_train, rtol=1e-6, atol=1e-10,
    reference=Sequential.fit,
    mistakes=[
        Mistake("the cost recorded after the step", _recorded_after_the_step,
                "record cost(X, Y, weights) *before* the update in each epoch, as Keras' "
                "history does: J_history[0] is the cost of the starting weights."),
        Mistake("one cost too many", _one_cost_too_many,
                "J_history has one entry per epoch (the cost before that epoch's step); "
                "do not append the cost of the final weights as well."),
        Mistake("a step uphill (+ instead of −)", _gradient_ascent,
                "gradient descent moves against the gradient: p - alpha * g."),
        Mistake("updates that never reach the weights", _weights_never_updated,
                "assigning to the loop variable (`for p, g in ...: p = p - alpha * g`) does "
                "not change the list; build a new list: weights = [p - alpha * g for p, g "
                "in zip(weights, gradients)]."),
    ])


# -- keras_gradient_descent: the same with model.fit ---------------------------------------------
def _with_batches_of_32(args):
    return {"value": _fit(args, SGD(learning_rate=args["alpha"]), batch_size=32)[1]}


def _with_rmsprop(args):
    return {"value": _fit(args, RMSprop())[1]}


def _with_default_learning_rate(args):
    return {"value": _fit(args, SGD())[1]}


def _plain_losses(result) -> dict:
    if hasattr(result, "history") and isinstance(getattr(result, "history"), dict):
        result = result.history                 # a History instead of its list: accept it
    if isinstance(result, dict) and "loss" in result:
        result = result["loss"]                 # history.history instead of its "loss" list
    return {"value": plain_array(result, "the list of losses").ravel()}


KERAS_GRADIENT_DESCENT = Exercise(
    id="keras_gradient_descent", lesson=LESSON, points=3,
    signature="keras_gradient_descent(X, Y, weights, alpha, epochs)",
    make_cases=_keras_cases, to_plain=_plain_losses, expected=_loss_history, call=_call_train,
    rtol=1e-4, atol=1e-6,
    # No `reference`: the answer *is* a call to a method named fit (Keras'), and the static
    # check would take it for course.nn's Sequential.fit, which the lesson's helpers use.
    time_limit=60.0,            # a Keras model's first fit traces its graph: seconds
    mistakes=[
        Mistake("fit's default batch size of 32", _with_batches_of_32,
                "one step per epoch on all images: pass batch_size=len(X)."),
        Mistake("fit's default optimizer, RMSprop", _with_rmsprop,
                "compile with optimizer=keras.optimizers.SGD(learning_rate=alpha): plain "
                "gradient descent, p = p - alpha * g."),
        Mistake("SGD's default learning rate, 0.01", _with_default_learning_rate,
                "pass the learning rate: SGD(learning_rate=alpha)."),
    ])

EXERCISES = [TRAIN, KERAS_GRADIENT_DESCENT]
