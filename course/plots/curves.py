"""Lines over training: the cost after each step, loss curves side by side, a regression fit."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from course._validation import as_float_array, as_text, check_not_empty
from course.plots._base import (LINE_COLORS, LINE_STYLES, _check_drawable, _check_text,
                                _drawn_values, _finish, _log_y, _new_axes, _title)


#: The x-axis of a cost history: entry k is the cost after k updates (0 = before training).
UPDATES_DONE = "updates done (0 = before training)"


def plot_cost_history(costs, title=None, log_y=False, ax=None):
    """Draw the cost J after each step of gradient descent (entry 0 is before any step).

    Non-finite costs, and costs beyond 1e100 (a diverged run), are left out of the line
    rather than breaking it.

    >>> fig = plot_cost_history([0.69, 0.5, 0.4, 0.35])
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].lines)
    ('updates done (0 = before training)', 1)
    """
    costs = as_float_array(costs, "costs", ndim=1, shape_hint="(iterations + 1,)",
                           allow_nonfinite=True)
    check_not_empty(costs, "costs", "cost")
    title = _title(title, "Cost during gradient descent")
    log_y = _log_y(log_y)
    fig, ax, made_here = _new_axes(ax)
    shown = _drawn_values(costs)
    ax.plot(np.arange(costs.shape[0]), shown, color=LINE_COLORS[0], lw=2)
    if log_y and np.nanmin(shown, initial=np.inf) > 0:
        ax.set_yscale("log")
    ax.set(xlabel=UPDATES_DONE, ylabel="cost J(w, b)", title=title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # no "iteration 2.5"
    ax.grid(alpha=0.3)
    return _finish(fig, made_here)


def plot_loss_curves(curves, title=None, log_y=False, ax=None, xlabel=None):
    """Draw several loss curves on one axis, e.g. ``{"NumPy": loss_a, "Keras": loss_b}``.

    Entry k of each curve is drawn at x = k; ``xlabel`` says what k counts (default
    ``"epoch"``), e.g. ``"updates done"`` for a history whose entry k is the cost after k
    updates.

    Each curve gets its own colour *and* line style, so two curves that agree exactly are
    both still visible (the dashed one on top of the solid one). As in
    ``plot_cost_history``, non-finite values and values beyond 1e100 are left out.

    >>> fig = plot_loss_curves({"α = 0.1": [0.7, 0.5, 0.4], "α = 1": [0.7, 0.3, 0.2]})
    >>> len(fig.axes[0].lines), fig.axes[0].get_legend_handles_labels()[1]
    (2, ['α = 0.1', 'α = 1'])
    """
    if not isinstance(curves, dict):
        raise TypeError(f"`curves` must be a non-empty dict of name -> sequence of losses; "
                        f"got {type(curves).__name__}.")
    if not curves:
        raise ValueError("`curves` must be a non-empty dict of name -> sequence of losses; "
                         "got an empty dict.")
    checked = {}
    for name, values in curves.items():
        values = as_float_array(values, f"curves[{name!r}]", ndim=1, allow_nonfinite=True)
        check_not_empty(values, f"curves[{name!r}]", "loss")
        _check_text(str(name), f"curves[{name!r}]")      # the name is the legend's label
        checked[name] = values
    title = _title(title, "Loss curves")
    xlabel = "epoch" if xlabel is None else _check_text(as_text(xlabel, "xlabel"), "xlabel")
    log_y = _log_y(log_y)
    fig, ax, made_here = _new_axes(ax)
    for i, (name, values) in enumerate(checked.items()):
        shown = _drawn_values(values)
        ax.plot(np.arange(values.shape[0]), shown, color=LINE_COLORS[i % len(LINE_COLORS)],
                ls=LINE_STYLES[i % len(LINE_STYLES)], lw=2.5 if i == 0 else 1.8, label=str(name))
    if log_y:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel="loss", title=title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return _finish(fig, made_here)


def plot_regression_fit(X, y, y_pred, title=None, ax=None):
    """Draw a 1-D regression set and the model's predictions as a line through it.

    Args:
        X: (m, 1) inputs. y: (m,) or (m, 1) targets. y_pred: (m,) or (m, 1) predictions.

    >>> fig = plot_regression_fit([[0.0], [1.0], [2.0]], [0.1, 0.9, 2.1], [0.0, 1.0, 2.0])
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['data', 'model prediction']
    """
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 1)")
    check_not_empty(X, "X")
    if X.shape[1] != 1:
        raise ValueError(f"`X` must have shape (m, 1), one feature; got shape {X.shape}.")
    _check_drawable(X, "X")
    columns = {}
    for name, values in (("y", y), ("y_pred", y_pred)):
        values = as_float_array(values, name)
        if values.ndim not in (1, 2) or (values.ndim == 2 and values.shape[1] != 1):
            raise ValueError(f"`{name}` must have shape (m,) or (m, 1); "
                             f"got shape {values.shape}.")
        if values.shape[0] != X.shape[0]:
            raise ValueError(f"`{name}` must have one value per row of X ({X.shape[0]}); "
                             f"got {values.shape[0]}.")
        columns[name] = _check_drawable(values, name).reshape(-1)
    y, y_pred = columns["y"], columns["y_pred"]
    title = _title(title, "Regression fit")
    fig, ax, made_here = _new_axes(ax)
    order = np.argsort(X[:, 0])
    ax.scatter(X[:, 0], y, color=LINE_COLORS[0], s=24, label="data")
    ax.plot(X[order, 0], y_pred[order], color=LINE_COLORS[1], lw=2, label="model prediction")
    ax.set(xlabel="x", ylabel="y", title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return _finish(fig, made_here)
