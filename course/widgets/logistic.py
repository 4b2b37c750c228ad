"""Explorers for logistic regression by gradient descent on 2-D data.

``logistic_regression_explorer`` retrains at every move of its α and iterations sliders and
shows the cost curve beside the decision boundary; ``compare_learning_rates`` runs two or
three learning rates from the same start and draws their cost curves on one axis.
"""

from __future__ import annotations

import numpy as np

from course import plots
from course._validation import (_describe, as_count, as_float_array, as_real_number,
                                check_binary, check_not_empty)
from course.data import make_blobs
from course.logistic import gradient_descent, predict
from course.plots._base import MAX_DRAWN, _check_drawable
from course.plots.curves import UPDATES_DONE
from course.widgets._base import (_alpha_slider, _count_slider, _Explorer, _rises,
                                  _write_message, divergence_message)

ALPHA_RANGE = (1e-4, 10.0)          # the logistic-regression α slider, log scale
MAX_ITERATIONS = 5000


# ---------------------------------------------------------------------------------------
# Logistic regression: α and the number of iterations
# ---------------------------------------------------------------------------------------

class LogisticRegressionExplorer(_Explorer):
    """Gradient descent on 2-D data; shows the cost curve and the decision boundary.

    Takes the arguments of ``logistic_regression_explorer`` (which see), positionally in
    the order X, y, w_in, b_in, alpha, num_iters.
    """

    css_class = "course-logistic-explorer"

    def __init__(self, X=None, y=None, w_in=None, b_in=0.0, alpha=0.1, num_iters=1000):
        X, y = _check_logistic_data(X, y)
        alpha = as_real_number(alpha, "alpha", positive=True)
        num_iters = as_count(num_iters, "num_iters", minimum=1)
        w_in = np.zeros(2) if w_in is None else as_float_array(w_in, "w_in", ndim=1)
        if w_in.shape != (2,):
            raise ValueError(f"`w_in` must have shape (2,) to match X; got shape {w_in.shape}.")
        b_in = as_real_number(b_in, "b_in")
        self.X, self.y, self.w_in, self.b_in = X, y, w_in, b_in
        self.alpha_slider = _alpha_slider(alpha, ALPHA_RANGE)
        self.iterations_slider = _count_slider(num_iters, MAX_ITERATIONS, "iterations",
                                               "num_iters")
        super().__init__([self.alpha_slider, self.iterations_slider])
        self.update()

    def __repr__(self) -> str:
        return (f"LogisticRegressionExplorer(alpha={self.alpha_slider.value:.3g}, "
                f"num_iters={self.iterations_slider.value})")

    def _train_and_draw(self):
        alpha, num_iters = self.alpha_slider.value, self.iterations_slider.value
        w, b, history = gradient_descent(self.X, self.y, self.w_in, self.b_in, alpha, num_iters)
        self.w, self.b, self.costs = w, b, history["cost"]
        self.message = divergence_message(self.costs)

        fig, (cost_ax, data_ax) = self._empty_axes(9.5, 3.6, columns=2)
        plots.plot_cost_history(self.costs, ax=cost_ax,
                                title=f"Cost J, α = {alpha:.3g}", log_y=False)
        if np.all(np.abs(w) <= MAX_DRAWN) and abs(b) <= MAX_DRAWN:   # finite, drawable
            plots.plot_decision_boundary(self.X, self.y, w, b, ax=data_ax,
                                         title=f"Boundary after {num_iters} updates")
        else:
            plots.plot_data(self.X, self.y, ax=data_ax, title="No boundary: w, b overflowed")
        if self.message:
            _write_message(cost_ax, self.message)
        else:
            rises = _rises(self.costs)
            if rises:
                cost_ax.set_title(f"Cost J, α = {alpha:.3g}: it rose on {rises} of "
                                  f"{num_iters} steps, α is at its limit",
                                  color="#a03000", fontsize=10)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9, wspace=0.3)

        accuracy = np.mean(predict(self.X, w, b) == self.y) if np.all(np.isfinite(w)) else np.nan
        w_text = ", ".join(f"{value:.4g}" for value in w)
        lines = [f"α = {alpha:.3g}, {num_iters} iterations",
                 f"w = [{w_text}], b = {b:.4g}",
                 f"cost J = {self.costs[-1]:.6g} (started at {self.costs[0]:.6g}), "
                 f"training accuracy {100 * accuracy:.1f} %"]
        return fig, lines


def _check_logistic_data(X, y):
    """Validate (or default) the 2-D logistic-regression data."""
    if X is None and y is None:
        X, y = make_blobs()
    X = as_float_array(X, "X", ndim=2, shape_hint="(m, 2)")
    check_not_empty(X, "X")
    _check_drawable(X, "X")
    if X.shape[1] != 2:
        raise ValueError(f"`X` must have shape (m, 2) so it can be drawn; got shape {X.shape}.")
    y = as_float_array(y, "y", ndim=1, shape_hint="(m,)")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); "
                         f"got {y.shape[0]}.")
    check_binary(y, "y")
    return X, y


def logistic_regression_explorer(X=None, y=None, *, alpha=0.1, num_iters=1000,
                                 w_in=None, b_in=0.0):
    """An α / iterations explorer for logistic regression by gradient descent.

    Shows the cost J after each step, the data with the current decision boundary, and the
    final w, b and cost as text. Gradient descent starts from ``w_in`` (default zeros) and
    ``b_in`` every time a control moves.

    Args:
        X: (m, 2) features, y: (m,) labels 0/1; both default to ``course.data.make_blobs()``.
        alpha: the starting learning rate, between 1e-4 and 10 (log slider).
        num_iters: the starting number of iterations, 1 to 5000.
        w_in: (2,) starting weights (default zeros); b_in: starting bias.

    Returns:
        the widget (a ``LogisticRegressionExplorer``); its ``alpha_slider`` and
        ``iterations_slider`` are the controls, ``costs``, ``w``, ``b``, ``message`` and
        ``readout_text`` what the learner sees.

    >>> explorer = logistic_regression_explorer(alpha=1.0, num_iters=100)
    >>> explorer.message is None, bool(explorer.costs[-1] < explorer.costs[0])
    (True, True)
    """
    return LogisticRegressionExplorer(X, y, w_in, b_in, alpha, num_iters)


# ---------------------------------------------------------------------------------------
# Two or three learning rates on one plot
# ---------------------------------------------------------------------------------------

class LearningRateComparison(_Explorer):
    """Gradient descent from the same start with several α; all cost curves on one axis.

    Takes the arguments of ``compare_learning_rates`` (which see).
    """

    css_class = "course-rate-comparison"

    def __init__(self, X=None, y=None, alphas=(0.001, 0.1, 10.0), num_iters=1000):
        X, y = _check_logistic_data(X, y)
        if isinstance(alphas, (str, bytes)) or not hasattr(alphas, "__iter__"):
            raise TypeError(f"`alphas` must be a tuple of two or three learning rates; "
                            f"got {_describe(alphas)}.")
        alphas = tuple(alphas)
        if not 2 <= len(alphas) <= 3:
            raise ValueError(f"`alphas` must hold two or three learning rates; "
                             f"got {len(alphas)}.")
        alphas = [as_real_number(a, f"alphas[{k}]", positive=True) for k, a in enumerate(alphas)]
        num_iters = as_count(num_iters, "num_iters", minimum=1)
        self.X, self.y = X, y
        self.alpha_sliders = [_alpha_slider(a, ALPHA_RANGE, f"α{k + 1}", f"alphas[{k}]")
                              for k, a in enumerate(alphas)]
        self.iterations_slider = _count_slider(num_iters, MAX_ITERATIONS, "iterations",
                                               "num_iters")
        super().__init__(self.alpha_sliders + [self.iterations_slider])
        self.update()

    def __repr__(self) -> str:
        alphas = ", ".join(f"{s.value:.3g}" for s in self.alpha_sliders)
        return f"LearningRateComparison(alphas=({alphas}), num_iters={self.iterations_slider.value})"

    def _train_and_draw(self):
        num_iters = self.iterations_slider.value
        w_in = np.zeros(self.X.shape[1])
        self.costs, messages, lines = {}, [], []
        for slider in self.alpha_sliders:
            label = f"α = {slider.value:.3g}"
            _, _, history = gradient_descent(self.X, self.y, w_in, 0.0, slider.value, num_iters)
            self.costs[label] = history["cost"]
            message = divergence_message(history["cost"])
            if message:
                messages.append(message.replace("α too large", f"{label} is too large"))
            lines.append(f"{label}: cost J after {num_iters} iterations = "
                         f"{history['cost'][-1]:.6g}")
        self.message = "; ".join(messages) or None

        fig, (ax,) = self._empty_axes(7.0, 3.8)
        finite_tops = [np.nanmax(np.where(np.isfinite(c), c, np.nan)) for c in self.costs.values()]
        plots.plot_loss_curves(self.costs, ax=ax, title=f"Cost J for {len(self.costs)} "
                               f"learning rates, {num_iters} updates")
        ax.set(xlabel=UPDATES_DONE, ylabel="cost J(w, b)")
        start = next(iter(self.costs.values()))[0]
        if max(finite_tops) > 3 * start:  # keep the well-behaved curves readable
            ax.set_ylim(0, 1.6 * start)
        for line, costs in zip(list(ax.lines), self.costs.values()):
            if divergence_message(costs):
                _draw_as_band(ax, line, costs)
        ax.legend(loc="lower left", framealpha=0.9)
        if self.message:
            _write_message(ax, "\n".join(messages), where=(0.73, 0.1))  # clear of the curves
        fig.subplots_adjust(left=0.14, right=0.98, bottom=0.14, top=0.9)
        return fig, lines


def _draw_as_band(ax, line, costs) -> None:
    """Redraw a cost curve that jumps up and down every step as the band it sweeps.

    Drawn step by step, a cost that alternates between two levels for 1000 iterations is a
    solid block of colour that hides every other curve. Its upper and lower envelopes (the
    larger and the smaller of each two neighbouring costs), with the band between them
    lightly shaded, show the same facts: where it jumps, and between which values.
    """
    costs = np.where(np.isfinite(costs), costs, np.nan)
    upper = np.fmax(costs[:-1], costs[1:])
    lower = np.fmin(costs[:-1], costs[1:])
    steps = np.arange(len(upper))
    line.set_data(steps, upper)
    line.set(linewidth=1.0, linestyle="-")
    line.set_label(f"{line.get_label()} (jumps within the band)")
    ax.plot(steps, lower, color=line.get_color(), linewidth=1.0)
    ax.fill_between(steps, lower, upper, color=line.get_color(), alpha=0.2, linewidth=0)


def compare_learning_rates(X=None, y=None, alphas=(0.001, 0.1, 10.0), num_iters=1000):
    """Run gradient descent with two or three learning rates and plot their costs together.

    Args:
        X: (m, 2) features, y: (m,) labels 0/1; both default to ``course.data.make_blobs()``.
        alphas: two or three learning rates between 1e-4 and 10, each on its own slider.
        num_iters: iterations for every run, 1 to 5000.

    Returns:
        the widget (a ``LearningRateComparison``); ``costs`` maps "α = …" to each cost curve.

    >>> comparison = compare_learning_rates(alphas=(0.01, 1.0), num_iters=50)
    >>> list(comparison.costs)
    ['α = 0.01', 'α = 1']
    """
    return LearningRateComparison(X, y, alphas, num_iters)
