"""The 8×8 digits in a grid, with their labels and, if given, the model's predictions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course._validation import as_count, as_generator, as_text
from course.plots._base import MISTAKE_COLOR, _as_labels, _check_text, _images_and_labels


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
    X, labels = _images_and_labels(X, y, 64, "(one 8×8 image per row)")
    if X.min() < 0 or X.max() > 1:
        raise ValueError(f"`X` must hold pixel values between 0 and 1 (divide counts 0..16 "
                         f"by 16); got values from {X.min():g} to {X.max():g}.")
    predicted = None
    if predictions is not None:
        predicted = _as_labels(predictions, "predictions")
        if predicted.shape[0] != X.shape[0]:
            raise ValueError(f"`predictions` must have one entry per row of X ({X.shape[0]}); "
                             f"got {predicted.shape[0]}.")
    n = min(as_count(n, "n"), X.shape[0])
    rng = as_generator(seed)
    title = as_text(title, "title", optional=True)
    if title is not None:
        _check_text(title, "title")
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
