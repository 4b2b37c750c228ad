"""Exercises of lesson 02: binary cross-entropy (from probabilities and from logits) and mean
squared error, as Keras defines them.

Each returns one number, the *cost*: the mean of the per-entry losses over every entry of
``y_true`` (shape (m,) or (m, 1); ``y_pred`` or ``z`` has the same shape). Expected answers
come from ``course.losses``; every mistake is a small function next to its hint.

Every hidden case can see every named mistake (tests/test_exercise_design.py): at least two
entries (so a sum differs from a mean), predictions of exactly 0 and 1 where clipping
matters, and logits beyond +-40 (one below -709, where ``np.exp(-z)`` overflows) where the
route through the probability breaks.

>>> [exercise.id for exercise in EXERCISES]
['binary_crossentropy', 'binary_crossentropy_from_logits', 'mean_squared_error']
"""

from __future__ import annotations

import numpy as np

from course import logistic, losses
from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._contracts import INPUTS_UNCHANGED, no_warning
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
    return [Case(_with_exact_predictions(_labels_and_probabilities(rng, shape)))
            for shape in ((int(rng.integers(5, 50)),), (int(rng.integers(5, 50)), 1), (3, 1))]


def _with_exact_predictions(args):
    """Predictions of exactly 0 and 1 in the first entries: one wrong (y = 1, p = 0), where
    clipping decides the loss, and one right (y = 0, p = 0), where 0 * log(0) is NaN."""
    y_true, y_pred = args["y_true"].reshape(-1), args["y_pred"].reshape(-1)
    y_true[:2], y_pred[:2] = (1.0, 0.0), (0.0, 0.0)
    return args


def _logit_cases(rng, visible):
    """Labels and logits z; hidden ones hold saturated logits beyond +-40 and below -709."""
    if visible:
        return [
            Case({"y_true": np.array([1.0, 0.0, 1.0, 0.0]), "z": np.array([2.0, -1.0, 0.5, -3.0])},
                 "four logits, shape (4,)"),
            Case({"y_true": np.array([[1.0], [0.0], [1.0]]), "z": np.array([[0.0], [4.0], [-2.0]])},
                 "a column, shape (3, 1)"),
            Case({"y_true": np.array([0.0, 1.0, 1.0, 0.0]),
                  "z": np.array([30.0, -30.0, 1000.0, -1000.0])},
                 "saturated logits z = [30, -30, 1000, -1000] with y = [0, 1, 1, 0]"),
            Case(_labels_and_logits(rng, (10, 1)), "10 random logits, shape (10, 1)"),
        ]
    return [Case(_with_saturated_logits(rng, _labels_and_logits(rng, shape)))
            for shape in ((int(rng.integers(5, 40)),), (int(rng.integers(5, 40)), 1), (4,))]


def _labels_and_logits(rng, shape):
    return {"y_true": (rng.random(shape) < 0.5).astype(np.float64),
            "z": rng.normal(0.0, 4.0, size=shape)}


def _with_saturated_logits(rng, args):
    """Four saturated entries: sure and wrong both ways (one below -709), sure and right."""
    y_true, z = args["y_true"].reshape(-1), args["z"].reshape(-1)
    y_true[:4] = (0.0, 1.0, 1.0, 0.0)
    z[:4] = (rng.uniform(40, 1000), -rng.uniform(710, 1000), rng.uniform(40, 1000),
             -rng.uniform(40, 1000))
    return args


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
            Case(_regression_targets(rng, (2, 1)))]                      # the fewest: two


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


def summed(cost):
    """The mistake "the sum instead of the mean" of ``cost``: every entry's loss added up."""
    def produce(args):
        return scaled(cost(args), np.size(args["y_true"]))
    return produce


def negated(cost):
    """The mistake "the wrong sign" of ``cost``."""
    def produce(args):
        return scaled(cost(args), -1)
    return produce


def _bce_not_averaged(args):
    return value_of(_bce_per_entry(args))


def _bce_in_log10(args):
    """log10 p = ln p / ln 10, so every loss, and the cost, shrinks by ln 10."""
    return scaled(_bce(args), 1 / np.log(10))


def _bce_with_arguments_swapped(args):
    return value_of(np.mean(losses._bce_from_probabilities(args["y_pred"], args["y_true"])))


CLIP_HINT = ("what is log(0)? A prediction of exactly 0 or 1 must not reach the logarithm: "
             "keep the predictions inside [1e-7, 1 - 1e-7] first, as Keras does.")
MEAN_HINT = ("the cost does not grow with the number of examples: it is their average, not "
             "their total.")
VECTOR_HINT = ("you returned one loss per entry; the cost is a single number that summarises "
               "them.")
SIGN_HINT = ("the log of a probability is negative, so each loss carries a minus sign to be "
             "positive; check where yours is.")

BINARY_CROSSENTROPY = Exercise(
    id="binary_crossentropy", lesson=LESSON, points=1, answer_in_lesson=True,
    signature="binary_crossentropy(y_true, y_pred)",
    make_cases=_bce_cases, to_plain=_plain_value, expected=_bce,
    reference=losses.binary_crossentropy,
    mistakes=[
        Mistake("predictions that were not clipped", _bce_unclipped, CLIP_HINT),
        Mistake("predictions that were not clipped", _bce_unclipped_without_nan, CLIP_HINT),
        Mistake("the sum instead of the mean", summed(_bce), MEAN_HINT),
        Mistake("the loss instead of the cost", _bce_not_averaged, VECTOR_HINT),
        Mistake("the wrong sign", negated(_bce), SIGN_HINT),
        Mistake("log10 instead of the natural log", _bce_in_log10,
                "every cost is smaller than Keras' by the same factor, about 2.3: which "
                "logarithm did you take?"),
        Mistake("y_true and y_pred swapped", _bce_with_arguments_swapped,
                "which of the two arguments are probabilities that may go into a logarithm, "
                "and which are the labels that weight the two terms?"),
    ])


# -- binary_crossentropy_from_logits ---------------------------------------------------------------
def _bce_logits(args):
    return value_of(losses.binary_crossentropy(args["y_true"], args["z"], from_logits=True))


def _bce_logits_per_entry(args):
    return losses._bce_from_logits(np.asarray(args["y_true"], np.float64),
                                   np.asarray(args["z"], np.float64))


def _log_of_sigmoid(args):
    """The probability first, then its logarithm, as NumPy computes it: inf or NaN once
    sigmoid(z) rounds to 0 or 1 (|z| beyond about 37), an overflow below z = -709."""
    y, z = args["y_true"], np.asarray(args["z"], np.float64)
    with np.errstate(all="ignore"):
        p = 1 / (1 + np.exp(-z))
        return value_of(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


def _clipped_probability(args):
    """Lesson 2's binary_crossentropy of sigmoid(z): frozen near 16.12 for |z| beyond 16."""
    return value_of(losses.binary_crossentropy(args["y_true"], logistic.sigmoid(args["z"])))


def _logits_not_averaged(args):
    return value_of(_bce_logits_per_entry(args))


def _logits_labels_flipped(args):
    return _bce_logits({**args, "y_true": 1 - np.asarray(args["y_true"], np.float64)})


def _softplus_without_absolute_value(args):
    """max(z, 0) - z y + log(1 + e^(-z)): right for z >= 0, off by -z below, inf below -709."""
    y, z = args["y_true"], np.asarray(args["z"], np.float64)
    with np.errstate(all="ignore"):
        return value_of(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-z))))


BINARY_CROSSENTROPY_FROM_LOGITS = Exercise(
    id="binary_crossentropy_from_logits", lesson=LESSON, points=4,
    signature="binary_crossentropy_from_logits(y_true, z)",
    make_cases=_logit_cases, to_plain=_plain_value, expected=_bce_logits,
    reference=losses.binary_crossentropy,
    contracts=(INPUTS_UNCHANGED, no_warning(
        "overflow", "an overflow in np.exp",
        "np.exp of a large positive number is infinity. Arrange the computation so that "
        "np.exp only ever sees numbers <= 0, or use a NumPy function made for log(1 + e^t).")),
    mistakes=[
        Mistake("the log of the sigmoid", _log_of_sigmoid,
                "once sigmoid(z) rounds to exactly 0 or 1, its logarithm is -inf. Do not form "
                "the probability at all: write log(sigmoid(z)) and log(1 - sigmoid(z)) in "
                "terms of z first (1 - sigmoid(z) = sigmoid(-z))."),
        Mistake("the clipped probability instead of the logit", _clipped_probability,
                "clipping freezes the loss of a sure, wrong logit near 16.12; the loss from "
                "the logit keeps growing with |z|. Work with z itself, not with sigmoid(z)."),
        Mistake("the sum instead of the mean", summed(_bce_logits), MEAN_HINT),
        Mistake("the loss instead of the cost", _logits_not_averaged, VECTOR_HINT),
        Mistake("the wrong sign", negated(_bce_logits),
                "a loss is never negative: -log of a probability is >= 0. Check the sign of "
                "each term."),
        Mistake("the labels the wrong way round", _logits_labels_flipped,
                "a large positive z means 'surely class 1', so for y = 1 it should cost "
                "almost nothing. Which term belongs to y = 1?"),
        Mistake("log(1 + e^(-z)) for every z", _softplus_without_absolute_value,
                "log(1 + e^t) is right on paper for every t, but for t = 1000 np.exp "
                "overflows. Split off the large part of t before exponentiating."),
    ])


# -- mean_squared_error ----------------------------------------------------------------------------
def _mse(args):
    return value_of(losses.mean_squared_error(args["y_true"], args["y_pred"]))


def _squared_errors(args):
    return losses.MeanSquaredError()._per_entry(args["y_true"], args["y_pred"])


def _mse_halved(args):
    return scaled(_mse(args), 1 / 2)


def _mse_not_averaged(args):
    return value_of(_squared_errors(args))


def _mse_root(args):
    return value_of(np.sqrt(np.mean(_squared_errors(args))))


def _mean_absolute_error(args):
    return value_of(np.mean(np.abs(args["y_pred"] - args["y_true"])))


MEAN_SQUARED_ERROR = Exercise(
    id="mean_squared_error", lesson=LESSON, points=1, answer_in_lesson=True,
    signature="mean_squared_error(y_true, y_pred)",
    make_cases=_mse_cases, to_plain=_plain_value, expected=_mse,
    reference=losses.mean_squared_error,
    mistakes=[
        Mistake("a factor ½", _mse_halved,
                "your cost is exactly half of Keras'. Some course notes add a factor to tidy "
                "the derivative; Keras' MeanSquaredError does not."),
        Mistake("the sum instead of the mean", summed(_mse), MEAN_HINT),
        Mistake("the loss instead of the cost", _mse_not_averaged, VECTOR_HINT),
        Mistake("the root of the mean squared error", _mse_root,
                "your number has the units of y, not of y squared: is there a step too many "
                "at the end?"),
        Mistake("the absolute error instead of the squared error", _mean_absolute_error,
                "big misses should weigh much more than small ones; how does your formula "
                "treat an error of 2 compared with an error of 1?"),
    ])

EXERCISES = [BINARY_CROSSENTROPY, BINARY_CROSSENTROPY_FROM_LOGITS, MEAN_SQUARED_ERROR]
