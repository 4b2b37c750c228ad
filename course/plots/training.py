"""What happens during training: per-layer gradient norms, and validation curves of several runs.

Both x-axes count updates of gradient descent, starting at 0 = before training.
"""

from __future__ import annotations

import numpy as np

from course._validation import as_count, as_float_array, check_not_empty
from course.plots._base import (LINE_COLORS, LINE_STYLES, _check_text, _finish, _new_axes,
                                _title)

UPDATES_LABEL = "updates done (0 = before training)"


def _check_runs(runs, name: str, what: str) -> dict:
    if not isinstance(runs, dict):
        raise TypeError(f"`{name}` must be a non-empty dict of name -> {what}; "
                        f"got {type(runs).__name__}.")
    if not runs:
        raise ValueError(f"`{name}` must be a non-empty dict of name -> {what}; got an empty "
                         f"dict.")
    return runs


def plot_gradient_norms(runs, title=None, ax=None):
    """Draw ||dW[l]|| over training, one colour per layer and one line style per run.

    Args:
        runs: ``{"Glorot": norms, "zeros": norms}`` with norms of shape (updates + 1, L): row
            k holds the gradient norm of each layer at the weights after k updates. A norm of
            exactly 0 cannot be drawn on the log scale and is left out of its line.

    >>> fig = plot_gradient_norms({"a": [[1.0, 2.0], [0.5, 1.0]], "b": [[0.0, 1e-9], [1e-9, 1e-8]]})
    >>> len(fig.axes[0].lines), fig.axes[0].get_xlabel()
    (4, 'updates done (0 = before training)')
    """
    checked = {}
    for name, norms in _check_runs(runs, "runs", "(updates + 1, L) array").items():
        norms = as_float_array(norms, f"runs[{name!r}]", ndim=2, shape_hint="(updates + 1, L)")
        check_not_empty(norms, f"runs[{name!r}]", "norm")
        if np.any(norms < 0):
            raise ValueError(f"`runs[{name!r}]` must hold norms (>= 0); got a negative value.")
        checked[_check_text(str(name), f"runs[{name!r}]")] = norms
    fig, ax, made_here = _new_axes(ax, figsize=(8.0, 4.5))
    for style, (name, norms) in zip(LINE_STYLES * len(checked), checked.items()):
        for layer in range(norms.shape[1]):
            shown = np.where(norms[:, layer] > 0, norms[:, layer], np.nan)
            ax.plot(np.arange(norms.shape[0]), shown, color=LINE_COLORS[layer % len(LINE_COLORS)],
                    ls=style, lw=2, label=f"{name}: layer {layer + 1}")
    ax.set_yscale("log")
    ax.set(xlabel=UPDATES_LABEL, ylabel="gradient norm ||dW[l]||",
           title=_title(title, "Gradient norm of each layer during training"))
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="best", fontsize=8, ncol=len(checked))
    return _finish(fig, made_here)


def plot_validation_runs(curves, stops, updates_per_entry=1, title=None, ax=None):
    """Draw each run's validation cost over training and mark the update it stops at.

    Args:
        curves: ``{"seed 0": costs, ...}``, each (entries,): entry k is the validation cost
            after ``k * updates_per_entry`` updates.
        stops: ``{"seed 0": k, ...}``: the entry chosen for each run (same keys).
        updates_per_entry: updates between two entries (a positive int).

    >>> fig = plot_validation_runs({"seed 0": [0.7, 0.3, 0.4]}, {"seed 0": 1}, updates_per_entry=10)
    >>> fig.axes[0].lines[0].get_xdata().tolist()
    [0, 10, 20]
    """
    _check_runs(curves, "curves", "sequence of costs")
    if not isinstance(stops, dict):
        raise TypeError(f"`stops` must be a dict of name -> chosen entry; "
                        f"got {type(stops).__name__}.")
    if set(stops) != set(curves):
        raise ValueError("`stops` must be a dict with the keys of `curves`, one chosen entry "
                         "per run.")
    updates_per_entry = as_count(updates_per_entry, "updates_per_entry")
    fig, ax, made_here = _new_axes(ax, figsize=(8.0, 4.5))
    for i, (name, costs) in enumerate(curves.items()):
        costs = as_float_array(costs, f"curves[{name!r}]", ndim=1)
        check_not_empty(costs, f"curves[{name!r}]", "cost")
        stop = stops[name]
        stop = as_count(stop, f"stops[{name!r}]", minimum=0, maximum=costs.size - 1,
                        why="an entry of its curve")
        color = LINE_COLORS[i % len(LINE_COLORS)]
        x = np.arange(costs.size) * int(updates_per_entry)
        ax.plot(x, costs, color=color, lw=1.8, label=_check_text(str(name), "curves"))
        ax.plot([x[stop]], [costs[stop]], "o", color=color, ms=8, mec="black")
    ax.set_yscale("log")
    ax.set(xlabel=UPDATES_LABEL, ylabel="validation cost J",
           title=_title(title, "Validation cost; dots: where each run stops"))
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="best", fontsize=8)
    return _finish(fig, made_here)
