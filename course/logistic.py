"""Logistic regression in NumPy: the model, its loss and cost, the gradient, gradient descent.

The model for one example x (a row of X, n features) is

    z = w . x + b                 a real number, the "logit"
    f(x) = sigmoid(z) = 1 / (1 + e^(-z))     a probability that y = 1

The loss of one prediction f against its label y (0 or 1) is the logistic loss

    L(f, y) = -y * log(f) - (1 - y) * log(1 - f)

and the cost is its mean over the m examples, J(w, b) = (1/m) * sum_i L(f(x_i), y_i).
Gradient descent repeats w = w - alpha * dj_dw and b = b - alpha * dj_db.

Shapes: X (m, n), y (m,), w (n,), b a scalar. Everything computes in float64.

>>> X, y = np.array([[0.0], [2.0]]), np.array([0.0, 1.0])
>>> predict(X, np.array([1.0]), -1.0)
array([0, 1])
"""

from __future__ import annotations

import numpy as np

from course._validation import (as_count, as_float_array, as_real_number, check_binary,
                                check_not_empty, check_shape)
from course.activations import _sigmoid  # trusts its input; no checks
from course.losses import _bce_from_logits  # the loss from z, overflow-free; trusts its input
from course.losses import _mean  # a mean that survives entries near 1e308

MAX_ITERATIONS = 1_000_000
"""``gradient_descent`` keeps every step's w in its history: more would not fit in memory."""

__all__ = [
    "sigmoid", "predict_proba", "predict", "logistic_loss", "compute_cost",
    "compute_gradient", "gradient_descent", "compute_cost_loop", "compute_gradient_loop",
]


# ---------------------------------------------------------------------------------------
# Checks at the door (one wording for every function of this module)
# ---------------------------------------------------------------------------------------

def _check_X(X):
    """X as (m, n) with at least one example."""
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, n)")
    check_not_empty(X, "X")
    return X


def _check_data(X, y):
    """X as (m, n) and y as (m,) with targets in [0, 1]."""
    X = _check_X(X)
    y = as_float_array(y, "y", ndim=1, shape_hint="(m,)")
    check_shape(y, "y", (X.shape[0],), "(m,)", f"to match the {X.shape[0]} rows of X")
    check_binary(y, "y")
    return X, y


def _check_parameters(X, w, b, w_name="w", b_name="b"):
    """w as (n,) matching the columns of X, b as a Python float (named as the caller did)."""
    w = as_float_array(w, w_name, ndim=1, shape_hint="(n,)")
    check_shape(w, w_name, (X.shape[1],), "(n,)", f"to match the {X.shape[1]} columns of X")
    b = as_real_number(b, b_name)
    return w, b


def _logits(X, w, b):
    """z = X @ w + b (m,) for checked inputs; an overflow to +-infinity is kept (the sigmoid
    and the loss have limits there), but inf - inf = NaN has no answer and is refused.

    The refusal looks at the terms x_ij * w_j and b themselves, not only at the sum: a BLAS
    that accumulates with fused multiply-adds turns inf + (-1e308 * 1e308) into inf, not NaN,
    so ``X @ w`` alone would hide an inf - inf on some machines."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
        terms = X * w                           # (m, n)  x_ij * w_j
    reaches_plus = np.isposinf(terms).any(axis=1) | (b == np.inf)      # (m,)
    reaches_minus = np.isneginf(terms).any(axis=1) | (b == -np.inf)    # (m,)
    undefined = np.isnan(z) | (reaches_plus & reaches_minus)          # (m,)
    if undefined.any():
        row = int(np.flatnonzero(undefined)[0])
        raise ValueError(f"`X` and `w` must be small enough to combine: X @ w + b "
                         f"overflows float64 in row {row} of X (inf - inf); rescale X or w.")
    return z


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------

def sigmoid(z):
    """The logistic function, sigmoid(z) = 1 / (1 + e^(-z)), squashing any z into [0, 1].

    Computed without overflow: ``np.exp(-z)`` for z = -1000 would overflow to infinity
    (with a warning), so for negative z we use the equal form e^z / (1 + e^z). The result
    stays within [0, 1] for any z, infinities included.

    Args:
        z: a number or an array of any shape (NaN is refused).

    Returns:
        A Python float for a scalar ``z``; otherwise a float64 array of the shape of ``z``.

    >>> sigmoid(0)
    0.5
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    >>> round(sigmoid(np.log(3)), 12)    # 1 / (1 + 1/3)
    0.75
    """
    array = as_float_array(z, "z", allow_infinity=True)
    result = _sigmoid(array)
    return float(result) if result.ndim == 0 else result


def predict_proba(X, w, b):
    """The model's probability that y = 1 for every example: f = sigmoid(X @ w + b).

    Args:
        X: (m, n) examples, one per row.
        w: (n,) weights.
        b: the bias, a real number.

    Returns:
        (m,) probabilities in [0, 1].

    >>> predict_proba(np.array([[0.0], [1.0]]), np.array([2.0]), -2.0)
    array([0.11920292, 0.5       ])
    """
    X = _check_X(X)
    w, b = _check_parameters(X, w, b)
    return _sigmoid(_logits(X, w, b))   # (m,)


def predict(X, w, b, threshold=0.5):
    """Predicted labels: 1 where f(x) >= ``threshold``, else 0.

    With the default threshold 0.5 this is the same as z = w . x + b >= 0, which is why the
    decision boundary of logistic regression is the straight line (plane) w . x + b = 0.

    Args:
        X: (m, n) examples; w: (n,) weights; b: the bias.
        threshold: a probability in [0, 1]; default 0.5.

    Returns:
        (m,) integer array of 0s and 1s.

    >>> predict(np.array([[1.0, 1.0], [3.0, 0.5]]), np.array([1.0, 1.0]), -3.0)
    array([0, 1])
    """
    X = _check_X(X)
    w, b = _check_parameters(X, w, b)
    threshold = as_real_number(threshold, "threshold")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"`threshold` must be a probability between 0 and 1; "
                         f"got {threshold}.")
    return (_sigmoid(_logits(X, w, b)) >= threshold).astype(int)


# ---------------------------------------------------------------------------------------
# Loss and cost
# ---------------------------------------------------------------------------------------

def _y_log(y, p):
    """y * log(p), taking 0 * log(0) as 0 (its limit), so a sure right answer costs 0."""
    with np.errstate(divide="ignore"):                     # log(0) = -inf is intended
        return np.where(y == 0, 0.0, y * np.log(np.where(y == 0, 1.0, p)))


def logistic_loss(f, y):
    """The logistic loss of each prediction: L(f, y) = -y * log(f) - (1 - y) * log(1 - f).

    ``f`` are probabilities, as the slide writes it. The loss is 0 for a sure right answer
    (f = y) and grows without bound as a wrong answer becomes sure: a prediction f = 0
    for a label y = 1 gives ``inf``. (``compute_cost`` works from z instead, and so stays
    finite; see there.)

    Args:
        f: (m,) predicted probabilities in [0, 1] (a scalar also works).
        y: (m,) targets in [0, 1], the same shape as ``f``.

    Returns:
        (m,) losses, one per example (a Python float for scalars).

    >>> logistic_loss(np.array([0.5, 0.5]), np.array([0.0, 1.0]))    # log 2 each
    array([0.69314718, 0.69314718])
    >>> logistic_loss(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    array([0., 0.])
    """
    f = as_float_array(f, "f")
    if f.ndim > 0:
        check_not_empty(f, "f", "prediction")
    y = as_float_array(y, "y")
    check_shape(y, "y", f.shape, "f.shape", "to match f")
    if f.size and (f.min() < 0 or f.max() > 1):
        raise ValueError(f"`f` must hold probabilities between 0 and 1; "
                         f"got values from {f.min():g} to {f.max():g}.")
    check_binary(y, "y")
    loss = -_y_log(y, f) - _y_log(1.0 - y, 1.0 - f) + 0.0   # + 0.0 turns -0.0 into 0.0
    return float(loss) if loss.ndim == 0 else loss


def compute_cost(X, y, w, b):
    """The cost J(w, b) = (1/m) * sum_i L(f(x_i), y_i): the mean logistic loss.

    Mathematically this is ``logistic_loss(predict_proba(X, w, b), y).mean()``. But for a
    large logit, say z = 40, sigmoid(z) rounds to exactly 1.0 in float64, and log(1 - f)
    becomes log(0) = -inf although the true loss for y = 0 is about 40. So the loss is
    computed from z directly, in the equal form

        L = y * log(1 + e^(-z)) + (1 - y) * log(1 + e^z)
          = max(z, 0) - z * y + log(1 + e^(-|z|)),

    the second line being what Keras computes (``course.losses`` does the same); it
    never overflows.
    The result is finite and accurate for any z (only a cost beyond float64's largest
    number, about 1.8e308, is ``inf``). (On ordinary inputs it can differ from the literal
    formula in the last binary digit, about 1e-16 relative.)

    Args:
        X: (m, n) examples; y: (m,) targets in [0, 1]; w: (n,) weights; b: the bias.

    Returns:
        The cost, a Python float.

    >>> X, y = np.array([[0.0], [0.0]]), np.array([0.0, 1.0])
    >>> round(compute_cost(X, y, np.array([1.0]), 0.0), 12)   # f = 0.5: log 2 each
    0.69314718056
    >>> compute_cost(np.array([[1.0]]), np.array([0.0]), np.array([1000.0]), 0.0)
    1000.0
    """
    X, y = _check_data(X, y)
    w, b = _check_parameters(X, w, b)
    z = _logits(X, w, b)                        # (m,)
    return _mean(_bce_from_logits(y, z))


# ---------------------------------------------------------------------------------------
# Gradient and gradient descent
# ---------------------------------------------------------------------------------------

def _gradient(X, y, w, b):
    """dJ/dw and dJ/db (internal: trusts its inputs)."""
    error = _sigmoid(X @ w + b) - y       # (m,)  f(x_i) - y_i
    dj_dw = X.T @ error / X.shape[0]            # (n,)
    dj_db = float(np.mean(error))
    return dj_dw, dj_db


def compute_gradient(X, y, w, b):
    """The gradient of the cost J(w, b), in the order the update rule uses it.

        dj_dw[j] = (1/m) * sum_i (f(x_i) - y_i) * x_i[j]
        dj_db    = (1/m) * sum_i (f(x_i) - y_i)

    (The same formulas as for linear regression, only f is now the sigmoid.)

    Args:
        X: (m, n) examples; y: (m,) targets in [0, 1]; w: (n,) weights; b: the bias.

    Returns:
        ``(dj_dw, dj_db)``: an (n,) array and a Python float.

    >>> X, y = np.array([[1.0], [3.0]]), np.array([0.0, 1.0])
    >>> compute_gradient(X, y, np.array([0.0]), 0.0)   # f = 0.5: errors 0.5 and -0.5
    (array([-0.5]), 0.0)
    """
    X, y = _check_data(X, y)
    w, b = _check_parameters(X, w, b)
    _logits(X, w, b)                            # refuses an overflow to NaN
    with np.errstate(over="ignore"):            # a logit beyond 1.8e308 is +-inf: fine
        return _gradient(X, y, w, b)


def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
    """Run ``num_iters`` steps of batch gradient descent from (w_in, b_in).

    Each step computes the gradient at the current parameters, then updates both at once:

        w = w - alpha * dj_dw
        b = b - alpha * dj_db

    ``w_in`` is not modified.

    Args:
        X: (m, n) examples; y: (m,) targets in [0, 1].
        w_in: (n,) initial weights; b_in: initial bias.
        alpha: the learning rate, a number greater than 0.
        num_iters: the number of steps, an integer from 0 to 1,000,000.

    Returns:
        ``(w, b, history)``: the final (n,) weights, the final bias (a float), and a dict
        with ``"cost"`` (num_iters + 1,) the cost before the first step and after every
        step, ``"w"`` (num_iters + 1, n) and ``"b"`` (num_iters + 1,) the parameters at
        those same moments (row 0 is the start), enough to plot the path.

    >>> X, y = np.array([[1.0], [3.0]]), np.array([0.0, 1.0])
    >>> w, b, history = gradient_descent(X, y, np.array([0.0]), 0.0, alpha=1.0, num_iters=1)
    >>> w, b                                  # one step against the gradient above
    (array([0.5]), 0.0)
    >>> history["cost"].shape, history["w"].shape
    ((2,), (2, 1))
    """
    X, y = _check_data(X, y)
    w, b = _check_parameters(X, w_in, b_in, "w_in", "b_in")
    alpha = as_real_number(alpha, "alpha", positive=True)
    num_iters = as_count(num_iters, "num_iters", minimum=0, maximum=MAX_ITERATIONS,
                         why="so that the history fits in memory")
    _logits(X, w, b)                            # refuses an overflow to NaN at the start

    w = w.copy()                                # never change the caller's w_in
    costs = np.empty(num_iters + 1)
    ws = np.empty((num_iters + 1, X.shape[1]))  # (num_iters + 1, n)
    bs = np.empty(num_iters + 1)
    costs[0], ws[0], bs[0] = _mean(_bce_from_logits(y, X @ w + b)), w, b
    for i in range(1, num_iters + 1):
        dj_dw, dj_db = _gradient(X, y, w, b)
        w = w - alpha * dj_dw
        b = b - alpha * dj_db
        costs[i], ws[i], bs[i] = _mean(_bce_from_logits(y, X @ w + b)), w, b
    return w, float(b), {"cost": costs, "w": ws, "b": bs}


# ---------------------------------------------------------------------------------------
# The same, one example at a time, as the slide writes it (for teaching)
# ---------------------------------------------------------------------------------------

def compute_cost_loop(X, y, w, b):
    """``compute_cost`` written with a loop over the examples, exactly as on the slide.

    For each example: z = np.dot(w, x) + b, f_x = sigmoid(z), then the loss
    -y * log(f_x) - (1 - y) * log(1 - f_x); the cost is the mean. Same arguments and
    result as ``compute_cost`` -- except that this follows the formula literally: once the
    sigmoid saturates (f_x rounds to exactly 1 from about z > 37, and to exactly 0 only
    below about z = -745) NumPy warns about log(0) and the cost becomes ``inf`` or
    ``nan``. ``compute_cost`` does not.

    >>> X, y = np.array([[0.0], [0.0]]), np.array([0.0, 1.0])
    >>> round(compute_cost_loop(X, y, np.array([1.0]), 0.0), 12)
    0.69314718056
    """
    X, y = _check_data(X, y)
    w, b = _check_parameters(X, w, b)
    m = X.shape[0]
    total = 0.0
    for i in range(m):
        z = np.dot(w, X[i]) + b
        f_x = _sigmoid(z)
        loss = -y[i] * np.log(f_x) - (1 - y[i]) * np.log(1 - f_x)
        total += loss
    return float(total / m)


def compute_gradient_loop(X, y, w, b):
    """``compute_gradient`` written with loops over examples i and features j.

    For each example: err = sigmoid(np.dot(w, x) + b) - y, then for each feature j
    dj_dw[j] += err * x[j], and dj_db += err; finally both are divided by m. Same
    arguments and result as ``compute_gradient``.

    >>> X, y = np.array([[1.0], [3.0]]), np.array([0.0, 1.0])
    >>> compute_gradient_loop(X, y, np.array([0.0]), 0.0)
    (array([-0.5]), 0.0)
    """
    X, y = _check_data(X, y)
    w, b = _check_parameters(X, w, b)
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    for i in range(m):
        z = np.dot(w, X[i]) + b
        err = _sigmoid(z) - y[i]                # f_x - y
        for j in range(n):
            dj_dw[j] += err * X[i, j]
        dj_db += err
    return dj_dw / m, float(dj_db / m)
