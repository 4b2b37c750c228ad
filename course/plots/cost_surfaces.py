"""The cost J(w, b) of logistic regression as a surface: squared error against logistic loss."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course._validation import (_describe, as_float_array, as_real_number, check_binary,
                                check_not_empty)
from course.logistic import compute_cost, predict_proba
from course.plots._base import MAX_DRAWN, _check_drawable

MAX_GRID = 1000
"""At most this many values of w (and of b) in a grid: a million costs already take a while."""


def _check_one_feature_data(X, y):
    """X (m, 1) with m >= 1 and labels y (m,) in [0, 1]."""
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 1)")
    check_not_empty(X, "X")
    if X.shape[1] != 1:
        raise ValueError(f"`X` must have shape (m, 1), one feature; got shape {X.shape}.")
    _check_drawable(X, "X")
    y = as_float_array(y, "y", ndim=1, shape_hint="(m,)")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); got {y.shape[0]}.")
    check_binary(y, "y")
    return X, y


def _check_grid(values, name: str) -> np.ndarray:
    """The values of one grid axis: a 1-D array of 1 to MAX_GRID finite numbers."""
    values = as_float_array(values, name, ndim=1, shape_hint="(k,)")
    check_not_empty(values, name, "value")
    _check_drawable(values, name)
    if values.size > MAX_GRID:
        raise ValueError(f"`{name}` must hold at most {MAX_GRID} values; got {values.size}.")
    return values


def _check_range(window, name: str) -> tuple[float, float]:
    """A (low, high) window with low < high."""
    if not isinstance(window, (tuple, list, np.ndarray)) or len(window) != 2:
        raise (ValueError if isinstance(window, (tuple, list, np.ndarray)) else TypeError)(
            f"`{name}` must be a pair (low, high); got {_describe(window)}.")
    low = as_real_number(window[0], f"{name}[0]")
    high = as_real_number(window[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"`{name}` must have low < high; got ({low:g}, {high:g}).")
    if max(abs(low), abs(high)) > MAX_DRAWN:
        raise ValueError(f"`{name}` must lie between -{MAX_DRAWN:g} and {MAX_DRAWN:g} to be "
                         f"drawn; got ({low:g}, {high:g}).")
    return low, high


def cost_grids(X, y, ws, bs):
    """J(w, b) on the grid ``ws`` × ``bs`` with squared error and with the logistic loss.

    Returns (W, B, squared, logistic), four (len(bs), len(ws)) arrays, as ``meshgrid`` lays
    them out. X is (m, 1), y (m,) labels in [0, 1]; ``ws`` and ``bs`` are 1-D (1 to 1000
    values each).

    >>> _, _, squared, logistic = cost_grids(np.zeros((2, 1)), np.array([0.0, 1.0]), [0.0], [0.0])
    >>> float(squared[0, 0]), round(float(logistic[0, 0]), 6)   # f = 0.5 for both points
    (0.25, 0.693147)
    """
    X, y = _check_one_feature_data(X, y)
    W, B = np.meshgrid(_check_grid(ws, "ws"), _check_grid(bs, "bs"))
    squared = np.empty_like(W)
    logistic = np.empty_like(W)
    for i, j in np.ndindex(W.shape):
        w = np.array([W[i, j]])
        f = predict_proba(X, w, B[i, j])  # (m,)
        squared[i, j] = np.mean((f - y) ** 2)
        logistic[i, j] = compute_cost(X, y, w, B[i, j])
    return W, B, squared, logistic


def plot_cost_surfaces(X=None, y=None, w_range=(-8.0, 8.0), b_range=(-15.0, 15.0)):
    """Draw J(w, b) of logistic regression with squared error and with the logistic loss.

    Left: J = 1/m · Σ (f(x) - y)² with f(x) = g(w·x + b), wavy with flat plateaus — not
    convex, so gradient descent can stall. Right: J = 1/m · Σ logistic loss, one smooth bowl
    — convex. The data are one feature: by default x = 0..5 with y = 0, 0, 0, 1, 1, 1.

    Args:
        X: (m, 1) one feature. y: (m,) labels 0/1.
        w_range, b_range: the (low, high) window of the plot.

    >>> fig = plot_cost_surfaces()
    >>> [ax.get_title() for ax in fig.axes]
    ['Squared error: not convex', 'Logistic loss: convex']
    """
    if X is None and y is None:
        X, y = np.arange(6.0).reshape(6, 1), np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    X, y = _check_one_feature_data(X, y)
    w_range = _check_range(w_range, "w_range")
    b_range = _check_range(b_range, "b_range")

    W, B, squared, logistic = cost_grids(X, y, np.linspace(*w_range, 61),
                                         np.linspace(*b_range, 61))

    fig = plt.figure(figsize=(10.0, 4.4))
    panels = [(squared, "Squared error: not convex", "J (squared error)", "viridis"),
              (logistic, "Logistic loss: convex", "J (logistic loss)", "cividis")]
    for k, (J, title, zlabel, cmap) in enumerate(panels):
        ax = fig.add_subplot(1, 2, k + 1, projection="3d")
        ax.plot_surface(W, B, J, cmap=cmap, linewidth=0, antialiased=True, alpha=0.95)
        ax.set(xlabel="w", ylabel="b", title=title)
        ax.set_zlabel(zlabel)
        ax.view_init(elev=25, azim=-60)
    fig.tight_layout()
    plt.close(fig)
    return fig
