"""Loss and cost: binary cross-entropy and mean squared error, with Keras 3's conventions.

The *loss* compares one prediction with its target; the *cost* J is the mean of the loss
over the examples. Both functions here return the cost, a single float, exactly what
``keras.losses.BinaryCrossentropy()(y_true, y_pred)`` and
``keras.losses.MeanSquaredError()(y_true, y_pred)`` return:

    binary cross-entropy   L(p, y) = -y log(p) - (1 - y) log(1 - p)      (the logistic loss)
    mean squared error     L(f, y) = (f - y)^2                           (no 1/2, as Keras)
    cost                   J = (1/N) sum of L over all N entries of y_true

Conventions copied from Keras:

* probabilities are clipped to [1e-7, 1 - 1e-7] before the logarithm, so a prediction of
  exactly 0 or 1 costs at most -log(1e-7) ~ 16.118 instead of infinity;
* ``from_logits=True`` means ``y_pred`` holds z, the value *before* the sigmoid; the loss is
  then computed in the stable form ``max(z, 0) - z*y + log(1 + exp(-|z|))`` (no clipping,
  no overflow), which equals the formula above with p = sigmoid(z).

This module computes in float64, like Keras with ``dtype="float64"``. Keras' default float32
agrees to about 1e-7 relative, except at the clip bounds: in float32, 1 - 1e-7 rounds to
1 - 1.19e-7, so for a prediction of exactly 1 with target 0 float32 Keras reports 15.942
where float64 gives -log(1e-7) = 16.118.

A difference worth knowing: the *function* ``keras.losses.binary_crossentropy(y_true,
y_pred)`` averages only over the last axis and returns one value per example (shape (m,) for
y of shape (m, 1)); the *class* ``keras.losses.BinaryCrossentropy()`` then also averages
over the batch. ``binary_crossentropy`` here is the class's number, the cost J.

Shapes: ``y_true`` and ``y_pred`` must have the same shape, typically (m, 1) for a network
or (m,) for logistic regression. Mixing (m,) with (m, 1) is refused, because NumPy would
silently broadcast it to an (m, m) table.

>>> round(binary_crossentropy([1, 0], [0.8, 0.4]), 6)       # (-log 0.8 - log 0.6) / 2
0.366985
>>> round(mean_squared_error([[1.0], [2.0]], [[1.5], [1.0]]), 6)   # (0.25 + 1) / 2
0.625
"""

from __future__ import annotations

import numpy as np

from course._validation import as_flag, as_float_array, check_binary, check_shape
from course.activations import _sigmoid  # trusts its input; no checks

EPSILON = 1e-7
"""Keras' ``backend.epsilon()``: probabilities are clipped to [EPSILON, 1 - EPSILON]."""


def _validated_pair(y_true, y_pred, *, binary: bool,
                    logits: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Both arguments as float64 arrays of the same, non-empty shape (checked at the door).

    With ``binary``, ``y_true`` must lie in [0, 1], and so must ``y_pred`` unless it holds
    ``logits`` (which may also be +-infinity: a sure prediction).
    """
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred", allow_infinity=logits)
    if y_true.size == 0:
        raise ValueError(f"`y_true` must hold at least one target; got shape {y_true.shape}.")
    reason = "(the same shape as y_true)"
    if {y_true.ndim, y_pred.ndim} == {1, 2}:
        reason += "; use y.reshape(-1, 1) to turn shape (m,) into (m, 1)"
    check_shape(y_pred, "y_pred", y_true.shape, "y_true.shape", reason)
    if binary:
        check_binary(y_true, "y_true")
        if not logits and (y_pred.min() < 0 or y_pred.max() > 1):
            raise ValueError(f"`y_pred` must hold probabilities between 0 and 1 (for values "
                             f"before the sigmoid pass from_logits=True); got values from "
                             f"{y_pred.min():g} to {y_pred.max():g}.")
    return y_true, y_pred


def _mean(values: np.ndarray) -> float:
    """The mean of the entries, also when their sum would overflow float64 (entries ~1e308).

    Trusts its input (float64, at least one entry).
    """
    with np.errstate(over="ignore"):
        mean = float(np.mean(values))
    if np.isinf(mean) and np.isfinite(values).all():      # the sum overflowed, not an entry
        mean = float(np.sum(values / values.size))
    return mean


def _bce_from_probabilities(y_true: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per-entry binary cross-entropy of probabilities clipped to [1e-7, 1 - 1e-7].

    Trusts its inputs (same shape, float64); returns an array of that shape.
    """
    p = np.clip(probabilities, EPSILON, 1.0 - EPSILON)
    return -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))


def _bce_from_logits(y_true: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Per-entry binary cross-entropy of logits z, stable form ``max(z,0) - z*y + log1p(e^-|z|)``.

    Equal to ``-y log(s) - (1-y) log(1-s)`` with ``s = sigmoid(z)``, but never overflows and
    never takes the log of 0. For z = +-infinity (a logit that overflowed) it gives the
    limit: 0 when the sure prediction is right, infinity when it is wrong. Trusts its
    inputs; returns an array of their shape.
    """
    with np.errstate(invalid="ignore"):                 # inf - inf, fixed just below
        loss = np.maximum(logits, 0.0) - logits * y_true + np.log1p(np.exp(-np.abs(logits)))
    if not np.isfinite(logits).all():
        wrong = np.where(logits > 0, 1.0 - y_true, y_true)   # weight of the growing term
        loss = np.where(np.isinf(logits), np.where(wrong == 0, 0.0, np.inf), loss)
    return loss


def binary_crossentropy(y_true, y_pred, from_logits: bool = False) -> float:
    """Binary cross-entropy cost: the mean logistic loss over all entries.

    J = -(1/N) sum[ y log(p) + (1 - y) log(1 - p) ],  p = clip(y_pred, 1e-7, 1 - 1e-7),
    or, with ``from_logits=True``, p = sigmoid(y_pred) computed stably (see the module).

    Args:
        y_true: targets in [0, 1] (usually labels 0/1), any shape such as (m, 1) or (m,).
        y_pred: probabilities (or logits if ``from_logits``), the same shape as ``y_true``.
        from_logits: whether ``y_pred`` holds values before the sigmoid. Default False.

    Returns:
        The cost as a Python float; equals ``keras.losses.BinaryCrossentropy(
        from_logits=from_logits)(y_true, y_pred)``.

    >>> round(binary_crossentropy([[1.0]], [[0.0]]), 4)   # clipped: -log(1e-7)
    16.1181
    >>> round(binary_crossentropy([1, 0], [0.0, 0.0], from_logits=True), 6)   # log 2
    0.693147
    >>> binary_crossentropy([1, 0], [[0.9], [0.2]])
    Traceback (most recent call last):
    ...
    ValueError: `y_pred` must have shape y_true.shape = (2,) (the same shape as y_true); \
use y.reshape(-1, 1) to turn shape (m,) into (m, 1); got shape (2, 1).
    """
    from_logits = as_flag(from_logits, "from_logits")
    y_true, y_pred = _validated_pair(y_true, y_pred, binary=True, logits=from_logits)
    if from_logits:
        return _mean(_bce_from_logits(y_true, y_pred))
    return _mean(_bce_from_probabilities(y_true, y_pred))


def mean_squared_error(y_true, y_pred) -> float:
    """Mean squared error cost: J = (1/N) sum (y_pred - y_true)^2 over all entries (no 1/2).

    Args:
        y_true: real targets, any shape such as (m, 1).
        y_pred: predictions, the same shape as ``y_true``.

    Returns:
        The cost as a Python float; equals ``keras.losses.MeanSquaredError()(y_true, y_pred)``.

    >>> mean_squared_error([3.0, 0.0], [1.0, 1.0])   # (4 + 1) / 2
    2.5
    """
    y_true, y_pred = _validated_pair(y_true, y_pred, binary=False)
    with np.errstate(over="ignore"):             # a squared error beyond 1.8e308 is inf
        return _mean((y_pred - y_true) ** 2)


class BinaryCrossentropy:
    """Binary cross-entropy as a callable object, like ``keras.losses.BinaryCrossentropy``.

    ``BinaryCrossentropy(from_logits=False)(y_true, y_pred)`` returns
    ``binary_crossentropy(y_true, y_pred, from_logits)``. Pass it to
    ``course.nn.Sequential.compile(loss=...)`` as you would pass Keras' class to Keras.

    >>> loss = BinaryCrossentropy()
    >>> loss
    BinaryCrossentropy(from_logits=False)
    >>> round(loss([[1.0], [0.0]], [[0.8], [0.4]]), 6)
    0.366985
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = as_flag(from_logits, "from_logits")

    def __call__(self, y_true, y_pred) -> float:
        return binary_crossentropy(y_true, y_pred, from_logits=self.from_logits)

    def __repr__(self) -> str:
        return f"BinaryCrossentropy(from_logits={self.from_logits})"

    def _per_entry(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """The loss of every entry (no mean, no validation); used by ``course.nn``."""
        if self.from_logits:
            return _bce_from_logits(y_true, y_pred)
        return _bce_from_probabilities(y_true, y_pred)

    def _gradient(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """dJ/dy_pred for the cost J (mean over N entries); no validation.

        From probabilities: (1/N) (-y/p + (1-y)/(1-p)) where p lies inside the clip range
        and 0 where clipping holds it fixed. From logits: (1/N) (sigmoid(z) - y).
        """
        n = y_true.size
        if self.from_logits:
            return (_sigmoid(y_pred) - y_true) / n
        inside = (y_pred >= EPSILON) & (y_pred <= 1.0 - EPSILON)
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return np.where(inside, (-y_true / p + (1.0 - y_true) / (1.0 - p)) / n, 0.0)


class MeanSquaredError:
    """Mean squared error as a callable object, like ``keras.losses.MeanSquaredError``.

    >>> MeanSquaredError()
    MeanSquaredError()
    >>> MeanSquaredError()([[1.0], [2.0]], [[1.5], [1.0]])
    0.625
    """

    name = "mean_squared_error"
    from_logits = False

    def __call__(self, y_true, y_pred) -> float:
        return mean_squared_error(y_true, y_pred)

    def __repr__(self) -> str:
        return "MeanSquaredError()"

    def _per_entry(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """The squared error of every entry (no mean, no validation)."""
        return (y_pred - y_true) ** 2

    def _gradient(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """dJ/dy_pred = (2/N) (y_pred - y_true) for J the mean over N entries."""
        return 2.0 * (y_pred - y_true) / y_true.size
