"""What every plot shares: the class colours and markers, and making and finishing a figure.

``_new_axes`` and ``_finish`` give the one-panel plots their ``ax=None`` behaviour (see
``course.plots``); ``_as_labels`` turns targets or predictions into 0/1 labels to draw.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.mathtext import MathTextParser

from course._validation import (_describe, as_flag, as_float_array, as_text, check_binary,
                                check_not_empty)

# Okabe-Ito colours: distinct for the common kinds of colour blindness.
CLASS_STYLE = {
    0: {"color": "#0072B2", "marker": "o", "label": "y = 0"},
    1: {"color": "#D55E00", "marker": "^", "label": "y = 1"},
}
MISTAKE_COLOR = "#D55E00"
MAX_DRAWN = 1e300
"""Coordinates beyond +-1e300 are refused: matplotlib's ticks and limits overflow near 1e308."""
MAX_CURVE = 1e100
"""A cost or loss beyond 1e100 is a diverged run; a curve leaves it out, as it does infinity."""
LINE_STYLES = ["-", "--", ":", "-."]
LINE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def _new_axes(ax, figsize=(6.0, 4.0)):
    """Return (figure, axes, made_here): ``ax`` itself, or a fresh figure with one axes."""
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be None or a matplotlib Axes (e.g. from "
                        f"plt.subplots()); got {_describe(ax)}.")
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _finish(fig, made_here: bool):
    """Tidy the layout of a figure we made and close it for pyplot (see ``course.plots``)."""
    if made_here:
        fig.tight_layout()
        plt.close(fig)
    return fig


def _check_drawable(array: np.ndarray, name: str) -> np.ndarray:
    """Raise ``ValueError`` unless every finite entry lies within +-MAX_DRAWN; return it."""
    too_big = np.abs(array) > MAX_DRAWN
    if too_big.any():
        index = tuple(int(i) for i in np.argwhere(too_big)[0])
        raise ValueError(f"`{name}` must hold values between -{MAX_DRAWN:g} and {MAX_DRAWN:g} "
                         f"to be drawn; got {array[index]:g} at index {index}.")
    return array


def _drawn_values(values: np.ndarray) -> np.ndarray:
    """A curve's values as drawn: NaN (a gap in the line) where a diverged run went beyond
    +-MAX_CURVE or to infinity or NaN."""
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(values) <= MAX_CURVE, values, np.nan)


_MATH = MathTextParser("path")


def _check_text(text: str, name: str) -> str:
    """Raise ``ValueError`` if matplotlib would fail to draw ``text``: between two ``$`` it
    reads TeX-like maths (``"$x_1$"``), and bad maths only fails when the figure is drawn."""
    if cbook.is_math_text(text):
        try:
            _MATH.parse(text)
        except ValueError as error:
            problem = str(error).strip().splitlines()[-1]
            raise ValueError(f"`{name}` must be text matplotlib can draw; got {text!r}, whose "
                             f"maths between $ signs fails ({problem}). Write \\$ for a "
                             f"dollar sign.") from None
    return text


def _title(title, default: str) -> str:
    """The axes title: ``title`` (a string) or, when None, ``default``."""
    title = as_text(title, "title", optional=True)
    return default if title is None else _check_text(title, "title")


def _log_y(log_y) -> bool:
    """The ``log_y`` flag (a string such as "False" would otherwise count as True)."""
    return as_flag(log_y, "log_y")


def _as_labels(values, name: str) -> np.ndarray:
    """Flatten (m,) or (m, 1) targets to (m,) ints 0/1; probabilities are cut at 0.5.

    Values outside [0, 1] (a label 2 or -1) are refused rather than drawn as a class.
    """
    array = as_float_array(values, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"`{name}` must have shape (m,) or (m, 1); got shape {array.shape}.")
    check_binary(array, name)
    return (array >= 0.5).astype(int)


def _images_and_labels(X, y, n_features: int, what: str):
    """Validate X (m, n_features) and its labels y (m,) or (m, 1); return X and (m,) labels.

    ``what`` says why that many columns, e.g. "to be drawn in the plane".
    """
    X = as_float_array(X, "X", ndim=2, shape_hint=f"(m, {n_features})")
    check_not_empty(X, "X")
    _check_drawable(X, "X")
    if X.shape[1] != n_features:
        raise ValueError(f"`X` must have shape (m, {n_features}) {what}; got shape {X.shape}.")
    labels = _as_labels(y, "y")
    if labels.shape[0] != X.shape[0]:
        raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}); "
                         f"got {labels.shape[0]}.")
    return X, labels
