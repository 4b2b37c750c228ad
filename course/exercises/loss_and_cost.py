"""Exercises of lesson 02: binary_crossentropy and mean_squared_error, as Keras defines them.

Both return one number, the *cost*: the mean of the per-entry losses over every entry of
``y_true`` (shape (m,) or (m, 1); ``y_pred`` has the same shape). Expected answers come from
``course.losses``.

>>> [exercise.id for exercise in EXERCISES]
['binary_crossentropy', 'mean_squared_error']
"""

from __future__ import annotations

import numpy as np

from course import losses
from course.exercises import Case, Exercise, Mistake
from course.exercises._plain import plain_number

LESSON = "02_loss_and_cost"
EPSILON = losses.EPSILON      # Keras clips probabilities to [EPSILON, 1 - EPSILON]


# -- inputs -------------------------------------------------------------------------------------
def _labels_and_probabilities(rng, shape):
    y_true = (rng.random(shape) < 0.5).astype(np.float64)
    y_pred = rng.uniform(0.02, 0.98, size=shape)
    return {"y_true": y_true, "y_pred": y_pred}


def _bce_cases(rng, visible):
    if visible:
        return [
            Case({"y_true": np.array([1.0, 0.0, 1.0, 0.0]),
                  "y_pred": np.array([0.9, 0.1, 0.8, 0.3])}, "four predictions, shape (4,)"),
            Case({"y_true": np.array([[1.0], [0.0], [1.0]]),
                  "y_pred": np.array([[0.6], [0.4], [0.99]])}, "a column, shape (3, 1)"),
            Case({"y_true": np.array([1.0, 0.0, 1.0, 0.0]),
                  "y_pred": np.array([1.0, 0.0, 0.0, 1.0])},
                 "predictions of exactly 0 and 1 (clip them to [1e-7, 1 - 1e-7])"),
            Case(_labels_and_probabilities(rng, (10, 1)), "10 random predictions, shape (10, 1)"),
        ]
    m = int(rng.integers(5, 50))
    saturated = _labels_and_probabilities(rng, (m,))
    saturated["y_pred"][: m // 2] = np.round(saturated["y_pred"][: m // 2])   # exact 0s and 1s
    return [Case(_labels_and_probabilities(rng, (int(rng.integers(5, 50)),))),
            Case(_labels_and_probabilities(rng, (int(rng.integers(5, 50)), 1))),
            Case(_labels_and_probabilities(rng, (1, 1))),                          # one example
            Case(saturated)]


def _regression_targets(rng, shape):
    y_true = rng.normal(0.0, 3.0, size=shape)
    return {"y_true": y_true, "y_pred": y_true + rng.normal(0.0, 1.0, size=shape)}


def _mse_cases(rng, visible):
    if visible:
        return [
            Case({"y_true": np.array([3.0, 0.0]), "y_pred": np.array([1.0, 1.0])},
                 "y_true = [3, 0], y_pred = [1, 1]"),
            Case({"y_true": np.array([[1.0], [2.0], [3.0]]),
                  "y_pred": np.array([[1.5], [2.0], [2.0]])}, "a column, shape (3, 1)"),
            Case(_regression_targets(rng, (8, 1)), "8 random targets, shape (8, 1)"),
        ]
    return [Case(_regression_targets(rng, (int(rng.integers(5, 60)),))),
            Case(_regression_targets(rng, (int(rng.integers(5, 60)), 1))),
            Case(_regression_targets(rng, (1, 1)))]


# -- the computations, with the knobs the mistakes turn ----------------------------------------
def _bce(args, clip=True, reduce=np.mean, sign=1.0, log=np.log, swap=False):
    y, p = args["y_true"], args["y_pred"]
    if swap:
        y, p = p, y
    if clip:
        p = np.clip(p, EPSILON, 1 - EPSILON)
    with np.errstate(all="ignore"):
        loss = sign * (-y * log(p) - (1 - y) * log(1 - p))
    return {"value": np.asarray(reduce(loss), np.float64)}


def _bce_expected(args):
    return {"value": np.array(losses.binary_crossentropy(args["y_true"], args["y_pred"]))}


def _mse(args, factor=1.0, reduce=np.mean, root=False, absolute=False):
    error = args["y_pred"] - args["y_true"]
    loss = np.abs(error) if absolute else factor * error ** 2
    value = np.asarray(reduce(loss), np.float64)
    return {"value": np.sqrt(value) if root else value}


def _mse_expected(args):
    return {"value": np.array(losses.mean_squared_error(args["y_true"], args["y_pred"]))}


def _unclipped_infinite(args):
    """The unclipped cost when the code turns 0 * log(0) into 0 but log(0) stays -inf."""
    value = _bce(args, clip=False)["value"]
    return {"value": np.array(np.inf)} if np.isnan(value) else {"value": value}


def _plain_value(result):
    return {"value": plain_number(result, "the cost")}


def _identity(x):
    return x


CLIP_HINT = ("a prediction of exactly 0 or 1 makes log(0) = -inf. Clip the predictions "
             "first, as Keras does: p = np.clip(y_pred, 1e-7, 1 - 1e-7).")
MEAN_HINT = "the cost is the *mean* of the losses over all entries: use np.mean, not np.sum."
VECTOR_HINT = ("you returned one loss per entry. The cost is a single number: their mean "
               "(np.mean(loss)).")

EXERCISES = [
    Exercise(
        id="binary_crossentropy", lesson=LESSON, points=2,
        signature="binary_crossentropy(y_true, y_pred)",
        make_cases=_bce_cases, to_plain=_plain_value, expected=_bce_expected,
        reference=losses.binary_crossentropy,
        mistakes=[
            Mistake("predictions that were not clipped", lambda a: _bce(a, clip=False),
                    CLIP_HINT),
            Mistake("predictions that were not clipped", _unclipped_infinite, CLIP_HINT),
            Mistake("the sum instead of the mean", lambda a: _bce(a, reduce=np.sum), MEAN_HINT),
            Mistake("the loss instead of the cost", lambda a: _bce(a, reduce=_identity),
                    VECTOR_HINT),
            Mistake("the wrong sign", lambda a: _bce(a, sign=-1.0),
                    "L = -y*log(p) - (1-y)*log(1-p): the minus signs make the cost positive."),
            Mistake("log10 instead of the natural log", lambda a: _bce(a, log=np.log10),
                    "use np.log (the natural logarithm), not np.log10."),
            Mistake("y_true and y_pred swapped", lambda a: _bce(a, swap=True),
                    "the logarithms apply to the predictions y_pred; the labels y_true weight "
                    "them."),
        ]),
    Exercise(
        id="mean_squared_error", lesson=LESSON, points=2,
        signature="mean_squared_error(y_true, y_pred)",
        make_cases=_mse_cases, to_plain=_plain_value, expected=_mse_expected,
        reference=losses.mean_squared_error,
        mistakes=[
            Mistake("a factor ½", lambda a: _mse(a, factor=0.5),
                    "Keras' MeanSquaredError has no ½ (that is a convention of some course "
                    "notes to simplify the derivative): J = mean((y_pred - y_true)**2)."),
            Mistake("the sum instead of the mean", lambda a: _mse(a, reduce=np.sum), MEAN_HINT),
            Mistake("the loss instead of the cost", lambda a: _mse(a, reduce=_identity),
                    VECTOR_HINT),
            Mistake("the root of the mean squared error", lambda a: _mse(a, root=True),
                    "no square root: the mean squared error is the mean of the squares."),
            Mistake("the absolute error instead of the squared error",
                    lambda a: _mse(a, absolute=True),
                    "square the differences: (y_pred - y_true)**2."),
        ]),
]
