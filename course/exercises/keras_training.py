"""Lesson 05's ``keras_fit``, and the reference run every training exercise of the lesson is
compared with.

``keras_fit(X, Y, weights, optimizer, epochs, batch_size)`` starts the slide's 64-25-15-1
sigmoid network (``Sequential`` of three ``Dense`` layers, ``BinaryCrossentropy()``) from
``weights``, compiles it with the given Keras ``optimizer``, fits it for ``epochs`` in batches
of ``batch_size`` in a fixed order (``shuffle=False``) and returns ``history.history["loss"]``:
one entry per epoch, the mean of that epoch's batch losses (weighted by batch size), each
measured before its step.

A Keras optimizer is not plain data, so a case names it (``optimizer`` is ``"SGD"`` or
``"RMSprop"``, with ``alpha``, ``rho``, ``epsilon``) and the call, in the learner's process,
makes the Keras object. The expected answer is ``course.nn``'s float64 ``Sequential.fit``
with the same optimizer (``reference_fit``), so the evaluator never needs TensorFlow. Keras
computes in float32 (about 7 significant digits): over a few epochs its losses stay within
about 1e-7 of the float64 ones, hence ``rtol=1e-4, atol=1e-6``, loose enough for float32 and
still a thousand times tighter than any named mistake changes the losses.

>>> args = training_args(np.random.default_rng(0), m=3, epochs=2, batch_size=2)
>>> weights, losses = reference_fit(args)
>>> losses.shape, weights.shape
((2,), (2031,))
"""

from __future__ import annotations

import numpy as np

from course._kernel_call import keras_optimizer

from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array
from course.exercises.backpropagation import WEIGHT_NAMES, network, network_args
from course.losses import BinaryCrossentropy
from course.nn import SGD, RMSprop

LESSON = "05_keras_model_fit"
SIZES = (64, 25, 15, 1)      # the lesson's cost and backprop helpers are built for this network
KERAS_DEFAULTS = {"alpha": 0.001, "rho": 0.9, "epsilon": 1e-7}     # RMSprop() in compile


def training_args(rng, m, epochs, batch_size, optimizer="SGD", alpha=1.0, rho=0.9,
                  epsilon=1e-7) -> dict:
    """X (m, 64), Y (m, 1), W1..b3 by name, and the training settings, all plain."""
    return {**network_args(rng, m, SIZES), "optimizer": optimizer, "alpha": float(alpha),
            "rho": float(rho), "epsilon": float(epsilon), "epochs": int(epochs),
            "batch_size": int(batch_size)}


def numpy_optimizer(args, alpha=None):
    """The ``course.nn`` optimizer a case names (``alpha`` overrides its learning rate)."""
    rate = args["alpha"] if alpha is None else alpha
    if args["optimizer"] == "SGD":
        return SGD(learning_rate=rate)
    return RMSprop(learning_rate=rate, rho=args["rho"], epsilon=args["epsilon"])


def flat(weights) -> np.ndarray:
    """Every array of ``weights`` raveled and joined into one vector."""
    return np.concatenate([np.ravel(w) for w in weights])


def reference_fit(args, optimizer=None, batch_size=None) -> tuple:
    """(final weights as one flat vector, the loss of each epoch) from ``course.nn``'s fit.

    ``optimizer`` and ``batch_size`` default to the case's own settings.
    """
    model = network(args)
    model.compile(optimizer=optimizer or numpy_optimizer(args), loss=BinaryCrossentropy())
    history = model.fit(args["X"], args["Y"], epochs=args["epochs"],
                        batch_size=batch_size or args["batch_size"], shuffle=False)
    return flat(model.get_weights()), np.array(history.history["loss"])


# -- keras_fit -----------------------------------------------------------------------------------
def _keras_cases(rng, visible):
    # more than 32 images, so that fit's default batch size changes the steps
    if visible:
        return [Case(training_args(rng, 40, 3, 40, alpha=1.0),
                     "40 digit-like images, SGD(learning_rate=1), batch_size=40, 3 epochs"),
                Case(training_args(rng, 40, 2, 16, alpha=0.5),
                     "40 images, SGD(learning_rate=0.5), batch_size=16, 2 epochs"),
                Case(training_args(rng, 36, 2, 10, "RMSprop", alpha=0.01),
                     "36 images, RMSprop(learning_rate=0.01), batch_size=10, 2 epochs")]
    m = int(rng.integers(34, 60))      # batches of 33 to m - 1: neither 32 nor all the images
    return [Case(training_args(rng, m, int(rng.integers(2, 4)), int(rng.integers(33, m)),
                               alpha=float(rng.uniform(0.2, 2.0)))),
            Case(training_args(rng, int(rng.integers(33, 60)), 2, int(rng.integers(5, 20)),
                               alpha=float(rng.uniform(0.2, 2.0)))),
            Case(training_args(rng, int(rng.integers(33, 60)), 2, int(rng.integers(5, 20)),
                               "RMSprop", alpha=float(rng.uniform(0.002, 0.02))))]


def _keras_losses(args):
    return {"value": reference_fit(args)[1]}


def _optimizer_not_passed(args):
    return {"value": reference_fit(args, optimizer=RMSprop(**_rmsprop_defaults()))[1]}


def _rmsprop_defaults() -> dict:
    return {"learning_rate": KERAS_DEFAULTS["alpha"], "rho": KERAS_DEFAULTS["rho"],
            "epsilon": KERAS_DEFAULTS["epsilon"]}


def _default_batch_size(args):
    return {"value": reference_fit(args, batch_size=32)[1]}


def _one_batch_of_everything(args):
    return {"value": reference_fit(args, batch_size=len(args["X"]))[1]}


def _call_keras_fit(function, args):
    """The Keras optimizer the case names travels as a request the learner's process turns
    into the optimizer itself (``course._kernel_call.keras_optimizer``), then the call."""
    if args["optimizer"] == "SGD":
        optimizer = keras_optimizer("SGD", learning_rate=args["alpha"])
    else:
        optimizer = keras_optimizer("RMSprop", learning_rate=args["alpha"], rho=args["rho"],
                                    epsilon=args["epsilon"])
    return function(args["X"], args["Y"], [args[name] for name in WEIGHT_NAMES], optimizer,
                    args["epochs"], args["batch_size"])


def _plain_losses(result) -> dict:
    if hasattr(result, "history") and isinstance(getattr(result, "history"), dict):
        result = result.history                 # a History instead of its list: accept it
    if isinstance(result, dict) and "loss" in result:
        result = result["loss"]                 # history.history instead of its "loss" list
    return {"value": plain_array(result, "the list of losses").ravel()}


KERAS_FIT = Exercise(
    id="keras_fit", lesson=LESSON, points=2,
    signature="keras_fit(X, Y, weights, optimizer, epochs, batch_size)",
    make_cases=_keras_cases, to_plain=_plain_losses, expected=_keras_losses,
    call=_call_keras_fit, rtol=1e-4, atol=1e-6, depends_on=("build_model",),
    # No `reference`: the answer *is* a call to a method named fit (Keras'), and the static
    # check would take it for course.nn's Sequential.fit, which the lesson's helpers use.
    time_limit=60.0,            # a Keras model's first fit traces its graph: seconds
    mistakes=[
        Mistake("the optimizer never reaches compile", _optimizer_not_passed,
                "compile without an optimizer uses RMSprop(learning_rate=0.001); the "
                "function receives its optimizer as an argument, and compile has a keyword "
                "for it."),
        Mistake("fit's default batch size of 32", _default_batch_size,
                "fit takes batches of 32 unless it is told otherwise: which argument of "
                "keras_fit says how many images a step uses?"),
        Mistake("every epoch one batch of all images", _one_batch_of_everything,
                "your losses are those of one step per epoch; pass the batch size you were "
                "given, not len(X)."),
    ])

EXERCISES = [KERAS_FIT]
