"""Explorers for the learning rate α and the number of iterations or epochs.

Move a slider and the model retrains at once: feel why α = 10 diverges, why α = 1e-4
crawls, and what more epochs buy. Each explorer takes the data (defaulting to the lesson's)
and returns an ipywidgets widget; put it as the last expression of a cell to show it.

The figure is a PNG inside a ``widgets.Image``, so the explorers need nothing beyond stock
JupyterLab and ipywidgets (no ``%matplotlib widget``), and a saved notebook keeps the first
picture. What the learner sees is also kept on the widget for tests and curious readers:
``costs`` (or ``losses``), ``message`` (``None`` when training went well) and
``readout_text``.

>>> explorer = logistic_regression_explorer(num_iters=10)
>>> explorer.iterations_slider.value = 20
>>> len(explorer.costs)   # the cost before the first step and after each of the 20
21
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
import warnings

import ipywidgets as widgets
import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure

from course import nn, plots
from course._validation import (as_count, as_float_array, as_generator, as_real_number,
                                check_binary)
from course.data import load_digits01, make_blobs
from course.logistic import gradient_descent, predict
from course.losses import BinaryCrossentropy

DPI = 80
ALPHA_RANGE = (1e-4, 10.0)          # the logistic-regression α slider, log scale
NETWORK_ALPHA_RANGE = (1e-3, 10.0)  # the network's α slider, log scale
MAX_ITERATIONS = 5000
MAX_EPOCHS = 500


# ---------------------------------------------------------------------------------------
# Pieces shared by the explorers
# ---------------------------------------------------------------------------------------

def divergence_message(costs, what: str = "cost") -> str | None:
    """Say, in words, whether a run of gradient descent went wrong; ``None`` if it went well.

    Gradient descent with a small enough α lowers the cost at every step. When α is too
    large the cost grows, or overflows to infinity / NaN.

    >>> divergence_message([0.69, 0.5, 0.4]) is None
    True
    >>> divergence_message([0.69, 2.5, 7.25])
    'α too large: the cost grew from 0.69 to 7.25'
    >>> divergence_message([0.69, 40.0, float("inf")])
    'α too large: the cost grew from 0.69 to infinity (it overflowed at step 2)'
    """
    costs = np.asarray(costs, dtype=np.float64)
    finite = np.isfinite(costs)
    if not finite.all():
        first_bad = int(np.argmin(finite))
        if first_bad == 0:
            return f"the starting {what} is not finite: choose another starting point"
        return (f"α too large: the {what} grew from {costs[0]:.3g} to infinity "
                f"(it overflowed at step {first_bad})")
    if costs[-1] > costs[0]:
        return f"α too large: the {what} grew from {costs[0]:.3g} to {costs[-1]:.3g}"
    return None


def _rises(costs) -> int:
    """How many steps raised the cost (beyond rounding): a sign that α is near its limit."""
    costs = np.asarray(costs, dtype=np.float64)
    return int(np.sum(np.diff(costs) > 1e-12 * np.maximum(1.0, np.abs(costs[:-1]))))


def _figure(width: float, height: float, columns: int = 1):
    """A matplotlib Figure that pyplot does not know about, so Jupyter never shows it."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    axes = [fig.add_subplot(1, columns, k + 1) for k in range(columns)]
    return fig, axes


def _png(fig) -> bytes:
    """Render a figure to PNG bytes (light compression: faster, a few kB larger)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _write_message(ax, message: str) -> None:
    """Put a warning in a box across the middle of an axes, where nobody can miss it."""
    lines = "\n".join(textwrap.fill(part, width=40) for part in message.split("\n"))
    ax.text(0.5, 0.5, lines, transform=ax.transAxes, ha="center", va="center",
            fontsize=11, color="#7a1f00",
            bbox={"boxstyle": "round", "facecolor": "#fde7dc", "edgecolor": "#D55E00"})


def _alpha_slider(alpha: float, bounds: tuple, description: str = "α") -> widgets.FloatLogSlider:
    """A logarithmic slider for α: each arrow key press multiplies α by 10^0.1 ≈ 1.26."""
    low, high = bounds
    if not low <= alpha <= high:
        raise ValueError(f"`alpha` must lie between {low:g} and {high:g}, the slider's range; "
                         f"got {alpha!r}.")
    slider = widgets.FloatLogSlider(value=alpha, base=10, min=np.log10(low), max=np.log10(high),
                                    step=0.1, description=description, readout_format=".3g",
                                    continuous_update=False,
                                    style={"description_width": "initial"})
    slider.add_class("course-alpha")
    return slider


def _count_slider(value: int, maximum: int, description: str) -> widgets.IntSlider:
    """An integer slider from 1 to ``maximum`` (0 iterations would train nothing)."""
    if value > maximum:
        raise ValueError(f"`{description}` must be at most {maximum}, the slider's range; "
                         f"got {value}.")
    slider = widgets.IntSlider(value=value, min=1, max=maximum, step=1, description=description,
                               continuous_update=False, style={"description_width": "initial"})
    slider.add_class(f"course-{description}")
    return slider


def _readout_html(lines: list[str], message: str | None) -> str:
    """The text under the figure; a warning, if any, comes first in bold."""
    body = "<br>".join(html.escape(line) for line in lines)
    if message:
        body = f"<b style='color:#a03000'>{html.escape(message)}</b><br>" + body
    return f"<div style='font-family:monospace'>{body}</div>"


class _Explorer(widgets.VBox):
    """Controls on top, the figure below them, a text readout at the bottom."""

    css_class = "course-explorer"  # CSS classes let a browser test find the parts

    def __init__(self, controls: list):
        self.image = widgets.Image(format="png")
        self.image.add_class("course-figure")
        self.readout = widgets.HTML()
        self.readout.add_class("course-readout")
        self.message: str | None = None
        self.readout_text = ""
        self.redraws = 0
        self._fig, self._axes = None, []
        super().__init__([widgets.HBox(controls), self.image, self.readout])
        self.add_class("course-explorer")
        self.add_class(self.css_class)
        for control in controls:
            control.observe(self._on_change, names="value")

    def _on_change(self, change) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus its current figure as a plain PNG.

        A trusted notebook in JupyterLab shows the live widget. A stored notebook opened
        untrusted (for example just after ``git clone``), GitHub or nbviewer cannot show
        widgets; they fall back to this PNG, so a reader sees the figure rather than a line
        of text.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None and self.image.value:
            bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle

    def _empty_axes(self, width: float, height: float, columns: int = 1):
        """The explorer's own figure, emptied for the next picture.

        Drawing again into the same axes, instead of a new figure each time, lets matplotlib
        keep its tick objects; that makes a redraw about a third faster.
        """
        if self._fig is None:
            self._fig, self._axes = _figure(width, height, columns)
        for ax in self._axes:
            for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images]:
                artist.remove()
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            ax.relim()
            ax.set_autoscale_on(True)
            ax.title.set(color="black", fontsize=rcParams["axes.titlesize"])
        return self._fig, self._axes

    def update(self) -> None:
        """Retrain with the current control values and redraw; never raises."""
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig, lines = self._train_and_draw()
        except Exception as error:  # show the problem in the widget, not as a traceback
            self.message = f"could not train or draw: {type(error).__name__}: {error}"
            fig, axes = _figure(6.0, 2.0)
            axes[0].set_axis_off()
            _write_message(axes[0], self.message)
            lines = []
        self.readout_text = "\n".join(([self.message] if self.message else []) + lines)
        self.readout.value = _readout_html(lines, self.message)
        self.image.value = _png(fig)
        self.redraws += 1


# ---------------------------------------------------------------------------------------
# Logistic regression: α and the number of iterations
# ---------------------------------------------------------------------------------------

class LogisticRegressionExplorer(_Explorer):
    """Gradient descent on 2-D data; shows the cost curve and the decision boundary."""

    css_class = "course-logistic-explorer"

    def __init__(self, X, y, w_in, b_in, alpha, num_iters):
        self.X, self.y, self.w_in, self.b_in = X, y, w_in, b_in
        self.alpha_slider = _alpha_slider(alpha, ALPHA_RANGE)
        self.iterations_slider = _count_slider(num_iters, MAX_ITERATIONS, "iterations")
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
        if np.all(np.isfinite(w)) and np.isfinite(b):
            plots.plot_decision_boundary(self.X, self.y, w, b, ax=data_ax,
                                         title=f"Boundary after {num_iters} iterations")
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
    X, y = _check_logistic_data(X, y)
    alpha = as_real_number(alpha, "alpha", positive=True)
    num_iters = as_count(num_iters, "num_iters", minimum=1)
    w_in = np.zeros(2) if w_in is None else as_float_array(w_in, "w_in", ndim=1)
    if w_in.shape != (2,):
        raise ValueError(f"`w_in` must have shape (2,) to match X; got shape {w_in.shape}.")
    b_in = as_real_number(b_in, "b_in")
    return LogisticRegressionExplorer(X, y, w_in, b_in, alpha, num_iters)


# ---------------------------------------------------------------------------------------
# Two or three learning rates on one plot
# ---------------------------------------------------------------------------------------

class LearningRateComparison(_Explorer):
    """Gradient descent from the same start with several α; all cost curves on one axis."""

    css_class = "course-rate-comparison"

    def __init__(self, X, y, alphas, num_iters):
        self.X, self.y = X, y
        self.alpha_sliders = [_alpha_slider(a, ALPHA_RANGE, f"α{k + 1}")
                              for k, a in enumerate(alphas)]
        self.iterations_slider = _count_slider(num_iters, MAX_ITERATIONS, "iterations")
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
                               f"learning rates, {num_iters} iterations")
        ax.set(xlabel="iteration", ylabel="cost J(w, b)")
        start = next(iter(self.costs.values()))[0]
        if max(finite_tops) > 3 * start:  # keep the well-behaved curves readable
            ax.set_ylim(0, 1.6 * start)
        for line, costs in zip(list(ax.lines), self.costs.values()):
            if divergence_message(costs):
                _draw_as_band(ax, line, costs)
        ax.legend(loc="lower left", framealpha=0.9)
        if self.message:
            _write_message(ax, "\n".join(messages))
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
    X, y = _check_logistic_data(X, y)
    alphas = tuple(alphas)
    if not 2 <= len(alphas) <= 3:
        raise ValueError(f"`alphas` must hold two or three learning rates; got {len(alphas)}.")
    alphas = [as_real_number(a, f"alphas[{k}]", positive=True) for k, a in enumerate(alphas)]
    num_iters = as_count(num_iters, "num_iters", minimum=1)
    return LearningRateComparison(X, y, alphas, num_iters)


# ---------------------------------------------------------------------------------------
# The 25-15-1 network on the digits: α and epochs
# ---------------------------------------------------------------------------------------

class NetworkExplorer(_Explorer):
    """Full-batch gradient descent on the 25-15-1 sigmoid network; loss curve and accuracy."""

    css_class = "course-network-explorer"

    def __init__(self, train, test, alpha, epochs, seed):
        (self.X_train, self.y_train), (self.X_test, self.y_test) = train, test
        self.seed = seed
        self.alpha_slider = _alpha_slider(alpha, NETWORK_ALPHA_RANGE)
        self.epochs_slider = _count_slider(epochs, MAX_EPOCHS, "epochs")
        super().__init__([self.alpha_slider, self.epochs_slider])
        self.update()

    def __repr__(self) -> str:
        return (f"NetworkExplorer(alpha={self.alpha_slider.value:.3g}, "
                f"epochs={self.epochs_slider.value})")

    def _accuracy(self, X, y) -> float:
        return float(np.mean((self.model.predict(X) >= 0.5) == (y >= 0.5)))

    def _train_and_draw(self):
        alpha, epochs = self.alpha_slider.value, self.epochs_slider.value
        self.model = nn.Sequential([nn.Input(shape=(self.X_train.shape[1],)),
                                    nn.Dense(25, activation="sigmoid"),
                                    nn.Dense(15, activation="sigmoid"),
                                    nn.Dense(1, activation="sigmoid")], seed=self.seed)
        self.model.compile(loss=BinaryCrossentropy(), optimizer=nn.SGD(learning_rate=alpha))
        m = self.X_train.shape[0]
        history = self.model.fit(self.X_train, self.y_train, epochs=epochs, batch_size=m,
                                 shuffle=False, verbose=0)
        self.losses = np.asarray(history.history["loss"], dtype=np.float64)
        self.train_loss = float(self.model.evaluate(self.X_train, self.y_train))
        self.train_accuracy = self._accuracy(self.X_train, self.y_train)
        self.test_accuracy = self._accuracy(self.X_test, self.y_test)
        self.message = divergence_message(np.append(self.losses, self.train_loss), what="loss")

        fig, (ax,) = self._empty_axes(7.0, 3.8)
        plots.plot_loss_curves({"training loss (BCE)": np.append(self.losses, self.train_loss)},
                               ax=ax, title=f"25-15-1 network, α = {alpha:.3g}, "
                                            f"{epochs} epochs")
        ax.text(0.98, 0.95, f"train accuracy {100 * self.train_accuracy:.1f} %\n"
                            f"test accuracy {100 * self.test_accuracy:.1f} %",
                transform=ax.transAxes, ha="right", va="top", fontsize=11,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "grey"})
        if self.message:
            _write_message(ax, self.message)
        fig.subplots_adjust(left=0.14, right=0.98, bottom=0.14, top=0.9)
        lines = [f"α = {alpha:.3g}, {epochs} epochs (full-batch gradient descent)",
                 f"training loss = {self.train_loss:.6g} (started at {self.losses[0]:.6g})",
                 f"train accuracy {100 * self.train_accuracy:.1f} %, "
                 f"test accuracy {100 * self.test_accuracy:.1f} %"]
        return fig, lines


def network_explorer(data=None, *, alpha=1.0, epochs=100, seed=0):
    """An α / epochs explorer for the 25-15-1 sigmoid network on the digits 0 and 1.

    Every change rebuilds the network from the same seeded weights and trains it with
    full-batch gradient descent (``course.nn``, SGD, binary cross-entropy), so moving the
    epochs slider shows the same run stopped earlier or later.

    Args:
        data: ((X_train, y_train), (X_test, y_test)) with X (m, n) and y (m, 1); defaults to
            ``course.data.load_digits01()``.
        alpha: the starting learning rate, between 1e-3 and 10 (log slider).
        epochs: the starting number of epochs, 1 to 500.
        seed: seeds the initial weights.

    Returns:
        the widget (a ``NetworkExplorer``); ``losses``, ``train_loss``, ``train_accuracy``,
        ``test_accuracy``, ``message`` and ``readout_text`` hold what the learner sees.

    >>> explorer = network_explorer(epochs=5)
    >>> len(explorer.losses), explorer.message is None
    (5, True)
    """
    if data is None:
        data = load_digits01()
    try:
        (X_train, y_train), (X_test, y_test) = data
    except (TypeError, ValueError):
        raise ValueError("`data` must be ((X_train, y_train), (X_test, y_test)); "
                         f"got {type(data).__name__}.") from None
    arrays = []
    for X_name, y_name, X, y in (("X_train", "y_train", X_train, y_train),
                                 ("X_test", "y_test", X_test, y_test)):
        X = as_float_array(X, X_name, ndim=2, shape_hint="(m, n)")
        y = as_float_array(y, y_name, ndim=2, shape_hint="(m, 1)")
        if y.shape != (X.shape[0], 1):
            raise ValueError(f"`{y_name}` must have shape (m, 1) = ({X.shape[0]}, 1) to match "
                             f"{X_name}; got shape {y.shape}.")
        check_binary(y, y_name)
        arrays.append((X, y))
    if arrays[0][0].shape[1] != arrays[1][0].shape[1]:
        raise ValueError(f"`X_test` must have the {arrays[0][0].shape[1]} columns of X_train; "
                         f"got {arrays[1][0].shape[1]}.")
    alpha = as_real_number(alpha, "alpha", positive=True)
    epochs = as_count(epochs, "epochs", minimum=1)
    as_generator(seed)  # checked here; the network takes the seed itself
    return NetworkExplorer(arrays[0], arrays[1], alpha, epochs, seed)

