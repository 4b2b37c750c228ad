"""Classification in the plane: the sigmoid, 2-D data by class and the decision boundary."""

from __future__ import annotations

import numpy as np

from course._validation import as_float_array, as_real_number
from course.logistic import sigmoid
from course.plots._base import (CLASS_STYLE, LINE_COLORS, _check_drawable, _finish,
                                _images_and_labels, _new_axes, _title)


def plot_sigmoid(ax=None):
    """Draw the sigmoid g(z) = 1 / (1 + e^(-z)) for z in [-10, 10].

    The dashed lines mark g(0) = 0.5: the model predicts 1 exactly where z = w·x + b >= 0.

    >>> fig = plot_sigmoid()
    >>> fig.axes[0].get_ylabel()
    'g(z)'
    """
    fig, ax, made_here = _new_axes(ax)
    z = np.linspace(-10, 10, 401)
    ax.plot(z, sigmoid(z), color=LINE_COLORS[0], lw=2, label="g(z) = 1 / (1 + e^(-z))")
    ax.axhline(0.5, color="grey", ls="--", lw=1)
    ax.axvline(0.0, color="grey", ls="--", lw=1)
    ax.annotate("g(0) = 0.5", xy=(0, 0.5), xytext=(1.5, 0.35), color="dimgrey",
                arrowprops={"arrowstyle": "->", "color": "dimgrey"})
    ax.set(xlabel="z", ylabel="g(z)", title="The sigmoid squashes any z into (0, 1)",
           ylim=(-0.05, 1.05))
    ax.legend(loc="upper left")
    return _finish(fig, made_here)


def _check_2d_data(X, y):
    """Validate 2-D classification data: X (m, 2), labels (m,) ints 0/1."""
    return _images_and_labels(X, y, 2, "to be drawn in the plane")


def _scatter_classes(ax, X, labels):
    """Class 0 as blue circles, class 1 as orange-red triangles."""
    for label in (0, 1):
        style = CLASS_STYLE[label]
        points = X[labels == label]
        ax.scatter(points[:, 0], points[:, 1], c=style["color"], marker=style["marker"],
                   s=36, edgecolors="white", linewidths=0.5, label=style["label"])


def plot_data(X, y, title=None, ax=None):
    """Draw 2-D data, one marker shape and colour per class.

    Args:
        X: (m, 2) features. y: (m,) or (m, 1) labels 0/1.

    >>> fig = plot_data([[0.5, 1.5], [3.0, 0.5]], [0, 1])
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['y = 0', 'y = 1']
    """
    X, labels = _check_2d_data(X, y)
    title = _title(title, "Data")
    fig, ax, made_here = _new_axes(ax)
    _scatter_classes(ax, X, labels)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="best", framealpha=0.9)
    return _finish(fig, made_here)


def _half_plane(corners, w, b):
    """The part of a convex polygon (k, 2) where w·x + b >= 0, as a polygon (k', 2)."""
    z = corners @ w + b  # (k,)
    kept = []
    for i in range(len(corners)):
        j = (i + 1) % len(corners)
        if z[i] >= 0:
            kept.append(corners[i])
        if (z[i] >= 0) != (z[j] >= 0):  # the boundary crosses this edge
            t = z[i] / (z[i] - z[j])
            kept.append(corners[i] + t * (corners[j] - corners[i]))
    return np.array(kept)


def plot_decision_boundary(X, y, w, b, title=None, ax=None):
    """Draw 2-D data by class and the line where the model's probability is 0.5.

    The boundary is the set of points with w[0]·x1 + w[1]·x2 + b = 0; the lightly shaded
    side is where the model predicts 1.

    Args:
        X: (m, 2) features. y: (m,) or (m, 1) labels 0/1.
        w: (2,) weights. b: scalar bias.
        title: the axes title (default "Decision boundary").

    >>> X = [[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]]
    >>> fig = plot_decision_boundary(X, [0, 0, 0, 1, 1, 1], [1.0, 1.0], -3.0)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['y = 0', 'y = 1', 'decision boundary']
    """
    X, labels = _check_2d_data(X, y)
    w = as_float_array(w, "w", ndim=1, shape_hint="(2,)")
    if w.shape != (2,):
        raise ValueError(f"`w` must have shape (2,) to match the 2 columns of X; got {w.shape}.")
    _check_drawable(w, "w")
    b = as_real_number(b, "b")
    _check_drawable(np.array(b), "b")
    title = _title(title, "Decision boundary")

    fig, ax, made_here = _new_axes(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-9)
    (x1_lo, x2_lo), (x1_hi, x2_hi) = X.min(axis=0) - pad, X.max(axis=0) + pad
    x2_hi += 2 * pad[1]  # a free strip at the top for the legend, so it hides no point

    # Light shading of the two predicted regions: the plot's rectangle cut along the boundary.
    corners = np.array([[x1_lo, x2_lo], [x1_hi, x2_lo], [x1_hi, x2_hi], [x1_lo, x2_hi]])
    for label, sign in ((1, 1.0), (0, -1.0)):
        region = _half_plane(corners, sign * w, sign * b)
        if len(region):
            ax.fill(region[:, 0], region[:, 1], color=CLASS_STYLE[label]["color"], alpha=0.08,
                    linewidth=0)

    _scatter_classes(ax, X, labels)
    if w[1] != 0:  # solve w0·x1 + w1·x2 + b = 0 for x2
        x1 = np.array([x1_lo, x1_hi])
        ax.plot(x1, -(w[0] * x1 + b) / w[1], color="black", lw=1.5, label="decision boundary")
    elif w[0] != 0:  # a vertical line x1 = -b / w0
        ax.axvline(-b / w[0], color="black", lw=1.5, label="decision boundary")

    ax.set(xlim=(x1_lo, x1_hi), ylim=(x2_lo, x2_hi), xlabel="$x_1$", ylabel="$x_2$",
           title=title)
    ax.legend(loc="upper center", ncol=3, framealpha=0.9, fontsize="small")
    return _finish(fig, made_here)
