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

from course._validation import as_float_array, as_real_number, check_shape

TINY = 1e-300


def _as_array_list(arrays, name: str) -> list[np.ndarray]:
    """A list/tuple of arrays (or one array) as a list of float64 arrays."""
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
        arrays = [arrays]
    return [as_float_array(a, f"{name}[{index}]") for index, a in enumerate(arrays)]


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
    params = [p.copy() for p in _as_array_list(params, "params")]
    eps = as_real_number(eps, "eps", positive=True)
    if not callable(f):
        raise TypeError(f"`f` must be a function of the parameter list; got {f!r}.")
    gradients = []
    for array in params:
        gradient = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + eps
            cost_plus = float(f(params))
            array[index] = original - eps
            cost_minus = float(f(params))
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
        A float in [0, 1]: 0 for identical gradients, 1 when b = -a.
    """
    a_list, b_list = _as_array_list(a, "a"), _as_array_list(b, "b")
    if len(a_list) != len(b_list):
        raise ValueError(f"`b` must hold as many arrays as `a` ({len(a_list)}); "
                         f"got {len(b_list)}.")
    for index, (x, y) in enumerate(zip(a_list, b_list)):
        check_shape(y, f"b[{index}]", x.shape, f"a[{index}].shape")
    flat_a = np.concatenate([x.ravel() for x in a_list])
    flat_b = np.concatenate([y.ravel() for y in b_list])
    scale = max(np.linalg.norm(flat_a) + np.linalg.norm(flat_b), TINY)
    return float(np.linalg.norm(flat_a - flat_b) / scale)
