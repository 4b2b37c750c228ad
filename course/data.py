"""Data sets for the lessons: real handwritten digits (0 vs 1) and small seeded synthetic sets.

Nothing here downloads anything. The digits ship inside the package
(``course/data/digits01.csv.gz``; where they come from and their licence are written next to
the file, in ``digits01.README.md``); the synthetic sets are drawn from a seeded random
generator, so the same seed always gives the same numbers.

- ``load_digits01``      360 real 8x8 images of the digits 0 and 1, split into train and test
- ``logistic_example``   the six-point set the logistic-regression slides use
- ``make_blobs``         two overlapping clouds of 2-D points, one per class
- ``make_regression``    points scattered around a straight line, for mean squared error

>>> X, y = logistic_example()
>>> X.shape, y.shape
((6, 2), (6,))
"""

from __future__ import annotations

import gzip
import io
from importlib import resources

import numpy as np

from course._validation import as_count, as_generator, as_real_number

__all__ = ["load_digits01", "logistic_example", "make_blobs", "make_regression"]

MAX_EXAMPLES = 10_000_000
"""The most points a synthetic set may have (10 million 2-D points take 160 MB)."""

DIGITS01_FILE = "digits01.csv.gz"
PIXEL_MAX = 16          # each pixel counts the "on" dots in a 4x4 block: 0 .. 16


def _read_digits01():
    """All 360 rows of the bundled file: pixels (360, 64) ints and digits (360,) ints."""
    raw = resources.files("course").joinpath("data", DIGITS01_FILE).read_bytes()
    text = gzip.decompress(raw).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, dtype=np.int64)
    return table[:, :64], table[:, 64]          # (360, 64), (360,)


def load_digits01(test_fraction=0.2, seed=0):
    """Handwritten 0s and 1s (UCI optical-recognition digits), split into train and test.

    Each example is an 8x8 greyscale image flattened row by row into 64 features and
    scaled from the stored counts 0..16 to [0, 1]. The label is 1 for the digit 1 and 0 for
    the digit 0. The 360 images (178 zeros, 182 ones) are split per class: a share
    ``test_fraction`` of the zeros and of the ones goes to the test set (rounded to the
    nearest whole image), so both sets keep the classes in the same proportion. Each set is
    then shuffled.

    Args:
        test_fraction: the share of the images kept for testing, strictly between 0 and 1;
            default 0.2 (72 test images, 288 training images).
        seed: int, None or ``numpy.random.Generator``; the same seed gives the same split.

    Returns:
        ``((X_train, y_train), (X_test, y_test))`` with X (m, 64) float64 in [0, 1] and
        y (m, 1) float64 holding 0.0 or 1.0 (Keras' layout for targets).

    >>> (X_train, y_train), (X_test, y_test) = load_digits01()
    >>> X_train.shape, y_train.shape, X_test.shape, y_test.shape
    ((288, 64), (288, 1), (72, 64), (72, 1))
    >>> float(X_train.min()), float(X_train.max())
    (0.0, 1.0)
    """
    test_fraction = as_real_number(test_fraction, "test_fraction")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"`test_fraction` must be strictly between 0 and 1; "
                         f"got {test_fraction}.")
    rng = as_generator(seed)
    pixels, digits = _read_digits01()

    train_rows, test_rows = [], []
    for digit in (0, 1):                                     # split each class alike
        rows = rng.permutation(np.flatnonzero(digits == digit))
        n_test = int(round(test_fraction * rows.size))
        if n_test == 0 or n_test == rows.size:
            raise ValueError(f"`test_fraction` = {test_fraction} leaves no images of the "
                             f"digit {digit} for {'testing' if n_test == 0 else 'training'}; "
                             f"use a value between 0.01 and 0.99.")
        test_rows.append(rows[:n_test])
        train_rows.append(rows[n_test:])
    train = rng.permutation(np.concatenate(train_rows))
    test = rng.permutation(np.concatenate(test_rows))

    X = pixels.astype(np.float64) / PIXEL_MAX                # (360, 64) in [0, 1]
    y = digits.astype(np.float64).reshape(-1, 1)             # (360, 1)
    return (X[train], y[train]), (X[test], y[test])


def logistic_example():
    """The six-point, two-feature set of the logistic-regression slides.

    Three examples of class 0 lie below the line x1 + x2 = 3, three of class 1 above it, so
    w = [1, 1], b = -3 separates them.

    Returns:
        ``(X, y)``: X (6, 2) and y (6,), float64.

    >>> X, y = logistic_example()
    >>> X[3], y[3]
    (array([3. , 0.5]), np.float64(1.0))
    """
    X = np.array([[0.5, 1.5], [1.0, 1.0], [1.5, 0.5], [3.0, 0.5], [2.0, 2.0], [1.0, 2.5]])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    return X, y


def make_blobs(m=100, seed=0):
    """Two overlapping clouds of 2-D points, one per class, for logistic regression.

    Class 0 is drawn around (1, 1), class 1 around (2.5, 2.5), both with standard deviation
    0.8 in each coordinate, so a straight line separates them well but not perfectly (about
    nine points in ten on the right side). ``m // 2`` points are of class 0 and the rest of
    class 1, in shuffled order.

    The scale is chosen for the learning-rate lessons: from w = 0, b = 0, gradient descent
    with alpha between 0.001 and 1 lowers the cost at every step (slowly for 0.001), while
    alpha = 10 overshoots: the cost jumps up to around 10 within the first steps and, for
    most seeds, keeps bouncing between two values instead of settling.

    Args:
        m: the number of points, an integer from 2 to ``MAX_EXAMPLES``; default 100.
        seed: int, None or ``numpy.random.Generator``.

    Returns:
        ``(X, y)``: X (m, 2) float64 and y (m,) float64 holding 0.0 or 1.0.

    >>> X, y = make_blobs(m=10, seed=0)
    >>> X.shape, y.shape, int(y.sum())
    ((10, 2), (10,), 5)
    """
    m = as_count(m, "m", minimum=2, maximum=MAX_EXAMPLES, why="to fit in memory")
    rng = as_generator(seed)
    m0 = m // 2
    X = np.vstack([rng.normal((1.0, 1.0), 0.8, size=(m0, 2)),        # class 0
                   rng.normal((2.5, 2.5), 0.8, size=(m - m0, 2))])   # class 1
    y = np.concatenate([np.zeros(m0), np.ones(m - m0)])
    order = rng.permutation(m)
    return X[order], y[order]


def make_regression(m=50, seed=0):
    """Points scattered around the line y = 2x + 1, for regression with mean squared error.

    x is drawn uniformly from [0, 2] and y = 2x + 1 plus Gaussian noise with standard
    deviation 0.3. The shapes are Keras' layout: one feature column, one target column.

    Args:
        m: the number of points, an integer from 1 to ``MAX_EXAMPLES``; default 50.
        seed: int, None or ``numpy.random.Generator``.

    Returns:
        ``(X, y)``: X (m, 1) and y (m, 1), float64.

    >>> X, y = make_regression(m=5, seed=0)
    >>> X.shape, y.shape
    ((5, 1), (5, 1))
    """
    m = as_count(m, "m", minimum=1, maximum=MAX_EXAMPLES, why="to fit in memory")
    rng = as_generator(seed)
    X = rng.uniform(0.0, 2.0, size=(m, 1))                  # (m, 1)
    y = 2.0 * X + 1.0 + rng.normal(0.0, 0.3, size=(m, 1))   # (m, 1)
    return X, y
