"""Exercises of lesson 02: binary_crossentropy and mean_squared_error, as Keras defines them.

Both return one number, the *cost*: the mean of the per-entry losses over every entry of
``y_true`` (shape (m,) or (m, 1); ``y_pred`` has the same shape). Expected answers come from
``course.losses``; every mistake is a small function next to its hint.

>>> [exercise.id for exercise in EXERCISES]
['binary_crossentropy', 'mean_squared_error']
"""

from __future__ import annotations

import numpy as np

from course import logistic, losses
from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array, scaled, value_of

LESSON = "02_loss_and_cost"


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


# -- plain data ----------------------------------------------------------------------------------

def _plain_value(result):
    return {"value": plain_array(result, "the cost")}


# -- binary_crossentropy ---------------------------------------------------------------------------
def _bce(args):
    return value_of(losses.binary_crossentropy(args["y_true"], args["y_pred"]))


def _bce_per_entry(args):
    """Keras' clipped loss of every entry (``losses._bce_from_probabilities``)."""
    return losses._bce_from_probabilities(args["y_true"], args["y_pred"])


def _bce_unclipped(args):
    """The formula without clipping, as NumPy computes it: 0 * log(0) is NaN."""
    y, p = args["y_true"], args["y_pred"]
    with np.errstate(all="ignore"):
        return value_of(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


def _bce_unclipped_without_nan(args):
    """Without clipping, but 0 * log(0) taken as 0 (``logistic.logistic_loss``): log(0) is -inf."""
    return value_of(np.mean(logistic.logistic_loss(args["y_pred"], args["y_true"])))


def _bce_summed(args):
    return scaled(_bce(args), np.size(args["y_true"]))


def _bce_not_averaged(args):
    return value_of(_bce_per_entry(args))


def _bce_with_wrong_sign(args):
    return scaled(_bce(args), -1)


def _bce_in_log10(args):
    """log10 p = ln p / ln 10, so every loss, and the cost, shrinks by ln 10."""
    return scaled(_bce(args), 1 / np.log(10))


def _bce_with_arguments_swapped(args):
    return value_of(np.mean(losses._bce_from_probabilities(args["y_pred"], args["y_true"])))


CLIP_HINT = ("a prediction of exactly 0 or 1 makes log(0) = -inf. Clip the predictions "
             "first, as Keras does: p = np.clip(y_pred, 1e-7, 1 - 1e-7).")
MEAN_HINT = "the cost is the *mean* of the losses over all entries: use np.mean, not np.sum."
VECTOR_HINT = ("you returned one loss per entry. The cost is a single number: their mean "
               "(np.mean(loss)).")

BINARY_CROSSENTROPY = Exercise(
    id="binary_crossentropy", lesson=LESSON, points=2,
    signature="binary_crossentropy(y_true, y_pred)",
    make_cases=_bce_cases, to_plain=_plain_value, expected=_bce,
    reference=losses.binary_crossentropy,
    mistakes=[
        Mistake("predictions that were not clipped", _bce_unclipped, CLIP_HINT),
        Mistake("predictions that were not clipped", _bce_unclipped_without_nan, CLIP_HINT),
        Mistake("the sum instead of the mean", _bce_summed, MEAN_HINT),
        Mistake("the loss instead of the cost", _bce_not_averaged, VECTOR_HINT),
        Mistake("the wrong sign", _bce_with_wrong_sign,
                "L = -y*log(p) - (1-y)*log(1-p): the minus signs make the cost positive."),
        Mistake("log10 instead of the natural log", _bce_in_log10,
                "use np.log (the natural logarithm), not np.log10."),
        Mistake("y_true and y_pred swapped", _bce_with_arguments_swapped,
                "the logarithms apply to the predictions y_pred; the labels y_true weight "
                "them."),
    ])


# -- mean_squared_error ----------------------------------------------------------------------------
def _mse(args):
    return value_of(losses.mean_squared_error(args["y_true"], args["y_pred"]))


def _squared_errors(args):
    return losses.MeanSquaredError()._per_entry(args["y_true"], args["y_pred"])


def _mse_halved(args):
    return scaled(_mse(args), 1 / 2)


def _mse_summed(args):
    return scaled(_mse(args), np.size(args["y_true"]))


def _mse_not_averaged(args):
    return value_of(_squared_errors(args))


def _mse_root(args):
    return value_of(np.sqrt(np.mean(_squared_errors(args))))


def _mean_absolute_error(args):
    return value_of(np.mean(np.abs(args["y_pred"] - args["y_true"])))


MEAN_SQUARED_ERROR = Exercise(
    id="mean_squared_error", lesson=LESSON, points=2,
    signature="mean_squared_error(y_true, y_pred)",
    make_cases=_mse_cases, to_plain=_plain_value, expected=_mse,
    reference=losses.mean_squared_error,
    mistakes=[
        Mistake("a factor ½", _mse_halved,
                "Keras' MeanSquaredError has no ½ (that is a convention of some course notes "
                "to simplify the derivative): J = mean((y_pred - y_true)**2)."),
        Mistake("the sum instead of the mean", _mse_summed, MEAN_HINT),
        Mistake("the loss instead of the cost", _mse_not_averaged, VECTOR_HINT),
        Mistake("the root of the mean squared error", _mse_root,
                "no square root: the mean squared error is the mean of the squares."),
        Mistake("the absolute error instead of the squared error", _mean_absolute_error,
                "square the differences: (y_pred - y_true)**2."),
    ])

EXERCISES = [BINARY_CROSSENTROPY, MEAN_SQUARED_ERROR]
