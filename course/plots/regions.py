"""Decision regions in the plane: where any model, a line or a network, predicts 1."""

from __future__ import annotations

import numpy as np

from course._validation import as_count, as_float_array
from course.plots._base import CLASS_STYLE, _finish, _new_axes, _title
from course.plots.classification import _check_2d_data, _scatter_classes


def _grid_probabilities(predict_proba, x1, x2):
    """The model's probabilities on the grid x1 x x2, shape (len(x2), len(x1))."""
    grid = np.column_stack([g.ravel() for g in np.meshgrid(x1, x2)])       # (k, 2)
    probabilities = as_float_array(predict_proba(grid), "predict_proba(grid)")
    if probabilities.size != grid.shape[0]:
        raise ValueError(f"`predict_proba` must return one probability per row of its (k, 2) "
                         f"input, shape (k,) or (k, 1); for k = {grid.shape[0]} it returned "
                         f"shape {probabilities.shape}.")
    return probabilities.reshape(len(x2), len(x1))


def plot_decision_regions(X, y, predict_proba, title=None, ax=None, resolution=200):
    """Draw 2-D data by class and the boundary where a model's probability is 0.5.

    Unlike ``plot_decision_boundary``, which draws the straight line of logistic regression
    from w and b, this asks the model itself: it evaluates ``predict_proba`` on a grid of
    ``resolution`` x ``resolution`` points covering the data and draws the curve where the
    probability crosses 0.5. The lightly shaded side is where the model predicts 1. A straight
    boundary comes out straight; a network's boundary may bend.

    Args:
        X: (m, 2) features. y: (m,) or (m, 1) labels 0/1.
        predict_proba: a function from points (k, 2) to probabilities (k,) or (k, 1), e.g.
            ``model.predict`` of a network, or ``lambda P: predict_proba(P, w, b)``.
        title: the axes title (default "Decision regions").
        resolution: grid points per axis, an integer from 2 to 2000; default 200.

    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> fig = plot_decision_regions(X, [0, 0, 1, 1], lambda P: (P[:, 0] > P[:, 1]) * 1.0)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['y = 0', 'y = 1', 'decision boundary']
    """
    X, labels = _check_2d_data(X, y)
    if not callable(predict_proba):
        raise TypeError(f"`predict_proba` must be a function of the points (k, 2); "
                        f"got {type(predict_proba).__name__}.")
    title = _title(title, "Decision regions")
    resolution = as_count(resolution, "resolution", minimum=2, maximum=2000,
                          why="a finer grid draws no better and costs memory")
    fig, ax, made_here = _new_axes(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-9)
    (x1_lo, x2_lo), (x1_hi, x2_hi) = X.min(axis=0) - pad, X.max(axis=0) + pad
    x2_hi += 2 * pad[1]  # a free strip at the top for the legend, so it hides no point
    x1 = np.linspace(x1_lo, x1_hi, resolution)
    x2 = np.linspace(x2_lo, x2_hi, resolution)
    probabilities = _grid_probabilities(predict_proba, x1, x2)

    predicted_one = (probabilities >= 0.5).astype(float)
    ax.contourf(x1, x2, predicted_one, levels=[-0.5, 0.5, 1.5], alpha=0.12,
                colors=[CLASS_STYLE[0]["color"], CLASS_STYLE[1]["color"]])
    if 0.0 < predicted_one.mean() < 1.0:
        ax.contour(x1, x2, probabilities, levels=[0.5], colors="black", linewidths=1.5)
    _scatter_classes(ax, X, labels)
    ax.plot([], [], color="black", lw=1.5, label="decision boundary")   # legend entry
    ax.set(xlim=(x1_lo, x1_hi), ylim=(x2_lo, x2_hi), xlabel="$x_1$", ylabel="$x_2$",
           title=title)
    ax.legend(loc="upper center", ncol=3, framealpha=0.9, fontsize="small")
    return _finish(fig, made_here)
