"""The figures the lessons draw: sigmoid, decision boundary, cost and loss curves, digits.

Every function returns a matplotlib ``Figure``. Functions that draw one panel take
``ax=None``: give them an axes to draw into a figure of your own (they then return that
axes' figure and leave it open), or let them make a new figure.

A new figure is closed for pyplot before it is returned. In Jupyter this means a figure
appears exactly once, when it is the last expression of a cell (or when you
``display(fig)`` it), never a second time when the cell ends.

The two classes always look different in two ways, colour and marker shape, with the
Okabe-Ito colours that stay distinct for colour-blind readers: class 0 is a blue circle,
class 1 an orange-red triangle.

>>> fig = plot_sigmoid()
>>> fig.axes[0].get_xlabel()
'z'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from course._validation import as_count, as_float_array, as_generator, as_real_number
from course.logistic import compute_cost, predict_proba, sigmoid

# Okabe-Ito colours: distinct for the common kinds of colour blindness.
CLASS_STYLE = {
    0: {"color": "#0072B2", "marker": "o", "label": "y = 0"},
    1: {"color": "#D55E00", "marker": "^", "label": "y = 1"},
}
MISTAKE_COLOR = "#D55E00"
LINE_STYLES = ["-", "--", ":", "-."]
LINE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def _new_axes(ax, figsize=(6.0, 4.0)):
    """Return (figure, axes, made_here): ``ax`` itself, or a fresh figure with one axes."""
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _finish(fig, made_here: bool):
    """Tidy the layout of a figure we made and close it for pyplot (see module docstring)."""
    if made_here:
        fig.tight_layout()
        plt.close(fig)
    return fig


def _as_labels(values, name: str) -> np.ndarray:
    """Flatten (m,) or (m, 1) targets to (m,) ints 0/1; probabilities are cut at 0.5."""
    array = as_float_array(values, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"`{name}` must have shape (m,) or (m, 1); got shape {array.shape}.")
    return (array >= 0.5).astype(int)


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
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 2)")
    if X.shape[1] != 2:
        raise ValueError(f"`X` must have shape (m, 2) to be drawn in the plane; got shape {X.shape}.")
    labels = _as_labels(y, "y")
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); "
                         f"got {labels.shape[0]}.")
    return X, labels


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
    fig, ax, made_here = _new_axes(ax)
    _scatter_classes(ax, X, labels)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title if title is not None else "Data")
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
    b = as_real_number(b, "b")

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
           title=title if title is not None else "Decision boundary")
    ax.legend(loc="upper center", ncol=3, framealpha=0.9, fontsize="small")
    return _finish(fig, made_here)


def plot_cost_history(costs, title=None, log_y=False, ax=None):
    """Draw the cost J after each step of gradient descent (entry 0 is before any step).

    Non-finite costs (a diverged run) are left out of the line rather than breaking it.

    >>> fig = plot_cost_history([0.69, 0.5, 0.4, 0.35])
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].lines)
    ('iteration', 1)
    """
    costs = as_float_array(costs, "costs", ndim=1, shape_hint="(iterations + 1,)",
                           allow_nonfinite=True)
    fig, ax, made_here = _new_axes(ax)
    shown = np.where(np.isfinite(costs), costs, np.nan)
    ax.plot(np.arange(costs.shape[0]), shown, color=LINE_COLORS[0], lw=2)
    if log_y and np.nanmin(shown, initial=np.inf) > 0:
        ax.set_yscale("log")
    ax.set(xlabel="iteration", ylabel="cost J(w, b)",
           title=title if title is not None else "Cost during gradient descent")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # no "iteration 2.5"
    ax.grid(alpha=0.3)
    return _finish(fig, made_here)


def plot_loss_curves(curves, title=None, log_y=False, ax=None):
    """Draw several loss curves on one axis, e.g. ``{"NumPy": loss_a, "Keras": loss_b}``.

    Each curve gets its own colour *and* line style, so two curves that agree exactly are
    both still visible (the dashed one on top of the solid one).

    >>> fig = plot_loss_curves({"α = 0.1": [0.7, 0.5, 0.4], "α = 1": [0.7, 0.3, 0.2]})
    >>> len(fig.axes[0].lines), fig.axes[0].get_legend_handles_labels()[1]
    (2, ['α = 0.1', 'α = 1'])
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"`curves` must be a non-empty dict of name -> sequence of losses; "
                         f"got {type(curves).__name__}.")
    fig, ax, made_here = _new_axes(ax)
    for i, (name, values) in enumerate(curves.items()):
        values = as_float_array(values, f"curves[{name!r}]", ndim=1, allow_nonfinite=True)
        shown = np.where(np.isfinite(values), values, np.nan)
        ax.plot(np.arange(values.shape[0]), shown, color=LINE_COLORS[i % len(LINE_COLORS)],
                ls=LINE_STYLES[i % len(LINE_STYLES)], lw=2.5 if i == 0 else 1.8, label=str(name))
    if log_y:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="loss", title=title if title is not None else "Loss curves")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return _finish(fig, made_here)


def plot_digits(X, y, predictions=None, n=24, seed=0, title=None):
    """Draw ``n`` 8×8 digits with their labels (and predictions), chosen at random.

    With ``predictions`` (labels 0/1, or probabilities cut at 0.5), each panel reads
    "y=1 ŷ=1"; the misclassified digits are shown first (up to ``n``), each with a thick
    orange-red frame and a "✗", so they stand out without relying on colour alone.

    Args:
        X: (m, 64) pixel values in [0, 1]. y: (m,) or (m, 1) labels.
        predictions: None or (m,) / (m, 1). n: how many digits (at most m). seed: which ones.

    >>> X = np.zeros((4, 64)); y = np.array([0, 1, 0, 1])
    >>> fig = plot_digits(X, y, predictions=[0, 1, 1, 1], n=4)
    >>> sum(1 for ax in fig.axes if ax.images)
    4
    """
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 64)")
    if X.shape[1] != 64:
        raise ValueError(f"`X` must have shape (m, 64), one 8×8 image per row; got {X.shape}.")
    labels = _as_labels(y, "y")
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); "
                         f"got {labels.shape[0]}.")
    predicted = None
    if predictions is not None:
        predicted = _as_labels(predictions, "predictions")
        if predicted.shape[0] != X.shape[0]:
            raise ValueError(f"`predictions` must have one entry per row of X ({X.shape[0]}); "
                             f"got {predicted.shape[0]}.")
    n = min(as_count(n, "n"), X.shape[0])
    rng = as_generator(seed)
    misclassified = (np.flatnonzero(predicted != labels) if predicted is not None
                     else np.array([], dtype=int))
    # The mistakes come first (the interesting ones), then random others fill the grid.
    shown_wrong = rng.permutation(misclassified)[:n]
    others = np.setdiff1d(np.arange(X.shape[0]), shown_wrong)
    chosen = np.sort(np.concatenate([shown_wrong,
                                     rng.choice(others, size=n - len(shown_wrong), replace=False)]))

    columns = min(n, 8)
    rows = -(-n // columns)  # ceiling division
    fig, axes = plt.subplots(rows, columns, figsize=(1.2 * columns, 1.45 * rows + 0.5),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.remove()
    mistakes = 0
    for ax, i in zip(axes.flat, chosen):
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_xticks([])
        ax.set_yticks([])
        text = f"y={labels[i]}"
        if predicted is not None:
            wrong = predicted[i] != labels[i]
            mistakes += wrong
            text += f" ŷ={predicted[i]}" + (" ✗" if wrong else "")
            if wrong:
                for spine in ax.spines.values():
                    spine.set(color=MISTAKE_COLOR, linewidth=3)
            ax.set_title(text, fontsize=9, color=MISTAKE_COLOR if wrong else "black",
                         fontweight="bold" if wrong else "normal")
        else:
            ax.set_title(text, fontsize=9)
    if title is None:
        title = f"{n} of {X.shape[0]} digits"
        if predicted is not None:
            title += f": {len(misclassified)} misclassified in all, {mistakes} of them shown (framed)"
    fig.suptitle(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def cost_grids(X, y, ws, bs):
    """J(w, b) on the grid ``ws`` × ``bs`` with squared error and with the logistic loss.

    Returns (W, B, squared, logistic), four (len(bs), len(ws)) arrays, as ``meshgrid`` lays
    them out. X is (m, 1), y (m,).

    >>> _, _, squared, logistic = cost_grids(np.zeros((2, 1)), np.array([0.0, 1.0]), [0.0], [0.0])
    >>> float(squared[0, 0]), round(float(logistic[0, 0]), 6)   # f = 0.5 for both points
    (0.25, 0.693147)
    """
    W, B = np.meshgrid(np.asarray(ws, dtype=float), np.asarray(bs, dtype=float))
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
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 1)")
    if X.shape[1] != 1:
        raise ValueError(f"`X` must have shape (m, 1), one feature; got shape {X.shape}.")
    y = as_float_array(y, "y", ndim=1, shape_hint="(m,)")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); got {y.shape[0]}.")

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


def plot_regression_fit(X, y, y_pred, title=None, ax=None):
    """Draw a 1-D regression set and the model's predictions as a line through it.

    Args:
        X: (m, 1) inputs. y: (m,) or (m, 1) targets. y_pred: (m,) or (m, 1) predictions.

    >>> fig = plot_regression_fit([[0.0], [1.0], [2.0]], [0.1, 0.9, 2.1], [0.0, 1.0, 2.0])
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['data', 'model prediction']
    """
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 1)")
    if X.shape[1] != 1:
        raise ValueError(f"`X` must have shape (m, 1), one feature; got shape {X.shape}.")
    y = as_float_array(y, "y").reshape(-1)
    y_pred = as_float_array(y_pred, "y_pred").reshape(-1)
    for name, values in (("y", y), ("y_pred", y_pred)):
        if values.shape[0] != X.shape[0]:
            raise ValueError(f"`{name}` must have one value per row of X ({X.shape[0]}); "
                             f"got {values.shape[0]}.")
    fig, ax, made_here = _new_axes(ax)
    order = np.argsort(X[:, 0])
    ax.scatter(X[:, 0], y, color=LINE_COLORS[0], s=24, label="data")
    ax.plot(X[order, 0], y_pred[order], color=LINE_COLORS[1], lw=2, label="model prediction")
    ax.set(xlabel="x", ylabel="y", title=title if title is not None else "Regression fit")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return _finish(fig, made_here)
