"""The class report's figures: score histograms and the ranked mistakes, as PNG bytes.

One palette for every figure (Okabe & Ito's colour-blind-safe colours), and each outcome also
has its own hatching and a different lightness, so a figure printed in grey still reads.
Figures are drawn with matplotlib's object API (no pyplot), so making a report never touches
the caller's figures or backend. Every figure comes with its alt text, which states the same
numbers in words.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from course.grading.class_report.records import Attempt

# Okabe & Ito (2008), four of their eight colours, chosen so that their lightness (CIE L*)
# differs in grey: blue 46 < reddish purple 61 < orange 71 < yellow 89
BLUE, PURPLE, ORANGE, YELLOW = "#0072B2", "#CC79A7", "#E69F00", "#F0E442"

#: How each kind of outcome is drawn: (legend label, colour, hatch), in stacking order.
OUTCOME_STYLES = {
    "full": ("full marks", BLUE, ""),
    "lost": ("lost points", ORANGE, "///"),
    "skipped": ("not attempted", YELLOW, "..."),
    "limits": ("timed out or error", PURPLE, "xx"),
}
_KIND = {Attempt.PASSED: "full", Attempt.FAILED: "lost", Attempt.NOT_ATTEMPTED: "skipped",
         Attempt.TIMED_OUT: "limits", Attempt.ERRORED: "limits"}
BINS = 10                   # histogram bars from 0 to the maximum score
SIZE, DPI = (5.6, 2.6), 100  # inches; a figure is about 560 x 260 pixels


@dataclass(frozen=True)
class Figure:
    """One figure: a file stem (never a student's name), PNG bytes and its alt text."""

    name: str
    png: bytes
    alt: str


def _new_axes(width: float = SIZE[0], height: float = SIZE[1], left: float = 0.8,
              right: float = 0.2):
    """A figure with one axes and fixed margins in inches (no "tight" layout: it draws the
    figure twice, and the report draws many figures)."""
    figure = MplFigure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((left / width, 0.62 / height, 1 - (left + right) / width,
                            1 - 1.0 / height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _points(value: float) -> str:
    return f"{value:.3g}"


def _edges(max_score: float) -> np.ndarray:
    return np.linspace(0.0, max(max_score, 1e-9), BINS + 1)


def score_histogram(name: str, title: str, scores, attempts, max_score: float) -> Figure:
    """A histogram of ``scores`` (0 to ``max_score``), each bar stacked by outcome.

    ``attempts`` (one :class:`Attempt` a score) decide the stack; ``None`` means the scores
    are lesson totals, drawn in one colour.
    """
    figure, axes = _new_axes(right=1.75 if attempts is not None else 0.2)
    edges = _edges(max_score)
    scores = np.clip(np.asarray(scores, dtype=float), 0, max_score)
    kinds = [_KIND[a] for a in attempts] if attempts is not None else ["full"] * len(scores)
    bottom = np.zeros(BINS)
    counts = {}
    for kind, (label, colour, hatch) in OUTCOME_STYLES.items():
        chosen = scores[[k == kind for k in kinds]] if len(scores) else scores
        heights, _ = np.histogram(chosen, bins=edges)
        counts[label] = int(heights.sum())
        if heights.any():
            axes.bar(edges[:-1], heights, width=np.diff(edges), bottom=bottom, align="edge",
                     color=colour, hatch=hatch, edgecolor="black", linewidth=0.6,
                     label=label if attempts is not None else None)
        bottom += heights
    axes.set_xlim(0, max_score)
    axes.set_xlabel(f"points (out of {_points(max_score)})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(title, fontsize=10)
    if attempts is not None:
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    mean = float(scores.mean()) if len(scores) else 0.0
    described = ", ".join(f"{n} {label}" for label, n in counts.items() if n) \
        if attempts is not None else f"{len(scores)} students"
    alt = (f"Histogram of {title}: {described}; mean {_points(mean)} of "
           f"{_points(max_score)} points.")
    return Figure(name, _png(figure), alt)


def mistakes_chart(name: str, title: str, labels: list, students: list, total: int) -> Figure:
    """Horizontal bars: how many of ``total`` students made each named mistake (most first)."""
    height = 1.1 + 0.3 * max(len(labels), 1)
    longest = max((len(label) for label in labels), default=10)
    figure, axes = _new_axes(8.0, height, left=min(0.3 + 0.056 * longest, 5.0), right=0.4)
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, students, color=ORANGE, hatch="///", edgecolor="black", linewidth=0.6)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlabel(f"students (of {total})")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlim(0, max([total, 1]))
    axes.set_title(title, fontsize=10)
    for y, n in zip(positions, students):
        axes.text(n, y, f" {n}", va="center", fontsize=8)
    listed = "; ".join(f"{label}: {n}" for label, n in zip(labels, students))
    alt = f"Bar chart of {title}, students of {total}: {listed or 'none'}."
    return Figure(name, _png(figure), alt)
