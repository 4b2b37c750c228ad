"""What every explorer shares: the ``_Explorer`` base class, its sliders, PNG and messages.

An explorer is a ``VBox``: controls on top, the figure below them, a text readout at the
bottom. A subclass builds its controls and writes ``_train_and_draw``, which retrains with
the current control values and returns the figure and the readout lines;
``_Explorer.update`` calls it after every change, renders the figure to PNG and never raises.
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

from course._validation import as_float_array, as_text, check_not_empty

DPI = 80


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
    costs = as_float_array(costs, "costs", ndim=1, shape_hint="(steps + 1,)",
                           allow_nonfinite=True)
    check_not_empty(costs, "costs", "cost")
    what = as_text(what, "what")
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


def _write_message(ax, message: str, where: tuple = (0.5, 0.5)) -> None:
    """Put a warning in a box on an axes, where nobody can miss it.

    ``where`` is the centre of the box in axes coordinates (default: the middle).
    """
    lines = "\n".join(textwrap.fill(part, width=40) for part in message.split("\n"))
    ax.text(*where, lines, transform=ax.transAxes, ha="center", va="center",
            fontsize=11, color="#7a1f00",
            bbox={"boxstyle": "round", "facecolor": "#fde7dc", "edgecolor": "#D55E00"})


def _alpha_slider(alpha: float, bounds: tuple, description: str = "α",
                  name: str = "alpha") -> widgets.FloatLogSlider:
    """A logarithmic slider for α: each arrow key press multiplies α by 10^0.1 ≈ 1.26.

    ``name`` is the caller's argument, named if ``alpha`` lies outside ``bounds``.
    """
    low, high = bounds
    if not low <= alpha <= high:
        raise ValueError(f"`{name}` must lie between {low:g} and {high:g}, the slider's range; "
                         f"got {alpha!r}.")
    slider = widgets.FloatLogSlider(value=alpha, base=10, min=np.log10(low), max=np.log10(high),
                                    step=0.1, description=description, readout_format=".3g",
                                    continuous_update=False,
                                    style={"description_width": "initial"})
    slider.add_class("course-alpha")
    return slider


def _count_slider(value: int, maximum: int, description: str,
                  name: str) -> widgets.IntSlider:
    """An integer slider from 1 to ``maximum`` (0 iterations would train nothing).

    ``name`` is the caller's argument, named if ``value`` exceeds ``maximum``.
    """
    if value > maximum:
        raise ValueError(f"`{name}` must be at most {maximum}, the slider's range; "
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
