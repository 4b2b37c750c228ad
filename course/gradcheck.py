"""Gradient checking: compare backpropagation with finite differences.

The derivative of J with respect to one parameter entry theta is approximated by the
*central difference*

    dJ/dtheta ~ (J(theta + eps) - J(theta - eps)) / (2 eps)

whose error shrinks like eps^2 (a one-sided difference only like eps). Doing this for every
entry of every parameter array costs two evaluations of J per entry: far too slow to train
with, but an independent check that backpropagation has no bug.

Two gradients g (backprop) and n (numerical) are compared by their *relative error*

    relative_error(g, n) = ||g - n|| / max(||g|| + ||n||, tiny)

where every array of each list is flattened into one long vector, ||.|| is the Euclidean
norm and tiny = 1e-300 avoids 0/0 when both gradients are 0. It is scale-free: about 1e-7
or less means "the same up to rounding", 1e-2 means a bug. (Norms, not entry by entry: a
tiny gradient entry would otherwise be swamped by the finite difference's rounding noise.)

>>> f = lambda params: float(np.sum(params[0] ** 2))      # J(w) = sum of w_i^2, dJ/dw = 2w
>>> w = np.array([1.0, -2.0, 0.5])
>>> numerical_gradient(f, [w])[0].round(6)
array([ 2., -4.,  1.])
>>> relative_error([np.array([2.0, -4.0])], [np.array([2.0, -4.0])])
0.0
>>> relative_error([np.array([1.0])], [np.array([3.0])])   # |1 - 3| / (1 + 3)
0.5
>>> relative_error([np.array([3.0]), np.array([0.0])],    # ||(3,0)-(0,4)|| / (3 + 4)
...                [np.array([0.0]), np.array([4.0])])
0.7142857142857143
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

import numbers

from course._validation import (_describe, as_float_array, as_float_arrays, as_real_number,
                                check_shape)

TINY = 1e-300


def _as_array_list(arrays, name: str) -> list[np.ndarray]:
    """A list/tuple of arrays (or one array) as a non-empty list of float64 arrays."""
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
        return [as_float_array(arrays, f"{name}[0]")]
    return as_float_arrays(arrays, name)


def _cost_value(f, params: list[np.ndarray], where: str) -> float:
    """``f(params)`` as a finite float, or an error that says what ``f`` returned."""
    value = f(params)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`f` must return one real number, the cost J; got "
                        f"{_describe(value)} {where}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`f` must return a finite cost; got {value} {where}.")
    return value


def numerical_gradient(f: Callable[[list[np.ndarray]], float], params: Sequence,
                       eps: float = 1e-6) -> list[np.ndarray]:
    """Central-difference gradient of ``f`` with respect to every entry of ``params``.

    Args:
        f: a function taking the list of parameter arrays and returning a real number J.
        params: a list of arrays, e.g. ``[W1, b1, W2, b2]``; they are not modified (each
            entry is nudged on a private copy and put back).
        eps: the step, default 1e-6 (small enough for a small truncation error, large enough
            that J(theta + eps) - J(theta - eps) is not all rounding).

    Returns:
        A list of float64 arrays, one per parameter array, with the same shapes.
    """
    if not callable(f):
        raise TypeError(f"`f` must be a function of the parameter list; got {f!r}.")
    params = [p.copy() for p in _as_array_list(params, "params")]
    eps = as_real_number(eps, "eps", positive=True)
    gradients = []
    for number, array in enumerate(params):
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            where = f"for params[{number}][{', '.join(map(str, index))}] nudged by eps"
            original = array[index]
            array[index] = original + eps
            cost_plus = _cost_value(f, params, where)
            array[index] = original - eps
            cost_minus = _cost_value(f, params, where)
            array[index] = original
            gradient[index] = (cost_plus - cost_minus) / (2.0 * eps)
        gradients.append(gradient)
    return gradients


def relative_error(a, b) -> float:
    """Relative error ``||a - b|| / max(||a|| + ||b||, 1e-300)`` of the flattened lists.

    Args:
        a, b: arrays or lists of arrays with matching shapes (e.g. backprop's and
            ``numerical_gradient``'s ``[dW1, db1, ...]``); all entries are compared together.

    Returns:
        A float in [0, 1]: 0 for identical gradients, 1 when b = -a. Entries near
        float64's limit are fine: both lists are scaled by their largest entry first
        (the ratio does not change) when squaring them would overflow or underflow, so
        ``relative_error([1e308], [-1e308])`` is 1.
    """
    a_list, b_list = _as_array_list(a, "a"), _as_array_list(b, "b")
    if len(a_list) != len(b_list):
        raise ValueError(f"`b` must hold as many arrays as `a` ({len(a_list)}); "
                         f"got {len(b_list)}.")
    for index, (x, y) in enumerate(zip(a_list, b_list)):
        check_shape(y, f"b[{index}]", x.shape, f"a[{index}].shape")
    flat_a = np.concatenate([x.ravel() for x in a_list])
    flat_b = np.concatenate([y.ravel() for y in b_list])
    if flat_a.size == 0:
        raise ValueError("`a` must hold at least one number; got only empty arrays.")
    largest = max(np.abs(flat_a).max(), np.abs(flat_b).max())
    if largest > 1e150 or 0.0 < largest < 1e-150:    # squares would overflow or underflow
        flat_a, flat_b = flat_a / largest, flat_b / largest
    scale = max(np.linalg.norm(flat_a) + np.linalg.norm(flat_b), TINY)
    return float(np.linalg.norm(flat_a - flat_b) / scale)
