"""Data sets for the lessons: real handwritten digits and small seeded synthetic sets.

Nothing here downloads anything. The digits ship inside the package
(``course/data/digits01.csv.gz`` and ``digits.csv.gz``; where they come from and their
licence are written next to each file, in ``digits01.README.md`` and ``digits.README.md``);
the synthetic sets are drawn from a seeded random generator, so the same seed always gives
the same numbers.

- ``load_digits01``      360 real 8x8 images of the digits 0 and 1, split into train and test
- ``load_digit_pair``    any two of the ten digits (e.g. 3 vs 8), split into train and test
- ``logistic_example``   the six-point set the logistic-regression slides use
- ``make_blobs``         two overlapping clouds of 2-D points, one per class
- ``make_moons``         two interleaving half-moons: no straight line separates them
- ``make_circles``       a ring around a disc: no straight line separates them
- ``make_xor``           four quadrants, opposite ones alike: no straight line separates them
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

__all__ = ["load_digits01", "load_digit_pair", "logistic_example", "make_blobs", "make_moons",
           "make_circles", "make_xor", "make_regression"]

MAX_EXAMPLES = 10_000_000
"""The most points a synthetic set may have (10 million 2-D points take 160 MB)."""

DIGITS01_FILE = "digits01.csv.gz"
DIGITS_FILE = "digits.csv.gz"       # all ten digits, 1797 images
PIXEL_MAX = 16          # each pixel counts the "on" dots in a 4x4 block: 0 .. 16


def _read_digits(file_name=DIGITS01_FILE):
    """All rows of a bundled digits file: pixels (rows, 64) ints and digits (rows,) ints."""
    raw = resources.files("course").joinpath("data", file_name).read_bytes()
    text = gzip.decompress(raw).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, dtype=np.int64)
    return table[:, :64], table[:, 64]          # (rows, 64), (rows,)


def _read_digits01():
    """All 360 rows of ``digits01.csv.gz``: pixels (360, 64) ints and digits (360,) ints."""
    return _read_digits(DIGITS01_FILE)


def _split_per_class(digits, classes, test_fraction, rng):
    """Row indices ``(train, test)``: a share ``test_fraction`` of each class's rows goes to
    the test set (rounded to the nearest whole image), then each set is shuffled."""
    train_rows, test_rows = [], []
    for digit in classes:                                    # split each class alike
        rows = rng.permutation(np.flatnonzero(digits == digit))
        n_test = int(round(test_fraction * rows.size))
        if n_test == 0 or n_test == rows.size:
            raise ValueError(f"`test_fraction` = {test_fraction} leaves no images of the "
                             f"digit {digit} for {'testing' if n_test == 0 else 'training'}; "
                             f"use a value between 0.01 and 0.99.")
        test_rows.append(rows[:n_test])
        train_rows.append(rows[n_test:])
    return rng.permutation(np.concatenate(train_rows)), rng.permutation(np.concatenate(test_rows))


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
    train, test = _split_per_class(digits, (0, 1), test_fraction, rng)

    X = pixels.astype(np.float64) / PIXEL_MAX                # (360, 64) in [0, 1]
    y = digits.astype(np.float64).reshape(-1, 1)             # (360, 1)
    return (X[train], y[train]), (X[test], y[test])


def load_digit_pair(negative=3, positive=8, test_fraction=0.5, seed=0):
    """Two of the ten handwritten digits (UCI optical-recognition digits), split into train
    and test: label 0 for the digit ``negative`` and 1 for the digit ``positive``.

    The images are the 8x8 ones of ``load_digits01`` (64 features scaled to [0, 1]), read
    from the bundled ``digits.csv.gz``, which holds about 180 images of every digit. Each
    class is split alike, as in ``load_digits01``. The default pair, 3 against 8, is a hard
    one: an 8 is a 3 with its left side closed. The default test share is half the images,
    so that a test accuracy is measured on some 180 images rather than 70.

    Args:
        negative: the digit labelled 0, an integer from 0 to 9; default 3.
        positive: the digit labelled 1, an integer from 0 to 9 other than ``negative``;
            default 8.
        test_fraction: the share of the images kept for testing, strictly between 0 and 1;
            default 0.5.
        seed: int, None or ``numpy.random.Generator``; the same seed gives the same split.

    Returns:
        ``((X_train, y_train), (X_test, y_test))`` with X (m, 64) float64 in [0, 1] and
        y (m, 1) float64 holding 0.0 (``negative``) or 1.0 (``positive``).

    >>> (X_train, y_train), (X_test, y_test) = load_digit_pair(3, 8)
    >>> X_train.shape, X_test.shape, float(y_test.mean().round(2))
    ((178, 64), (179, 64), 0.49)
    """
    for value, name in ((negative, "negative"), (positive, "positive")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"`{name}` must be a digit, an integer from 0 to 9; "
                            f"got {type(value).__name__} {value!r}.")
        if not 0 <= value <= 9:
            raise ValueError(f"`{name}` must be a digit, an integer from 0 to 9; got {value!r}.")
    if negative == positive:
        raise ValueError(f"`negative` and `positive` must be two different digits; "
                         f"got {negative} for both.")
    test_fraction = as_real_number(test_fraction, "test_fraction")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"`test_fraction` must be strictly between 0 and 1; "
                         f"got {test_fraction}.")
    rng = as_generator(seed)
    pixels, digits = _read_digits(DIGITS_FILE)
    train, test = _split_per_class(digits, (negative, positive), test_fraction, rng)

    X = pixels.astype(np.float64) / PIXEL_MAX                     # (1797, 64) in [0, 1]
    y = (digits == positive).astype(np.float64).reshape(-1, 1)    # (1797, 1)
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


def _labelled_shuffle(rng, X0, X1):
    """Stack class 0 and class 1 points, label them 0.0 and 1.0, shuffle the rows."""
    X = np.vstack([X0, X1])
    y = np.concatenate([np.zeros(len(X0)), np.ones(len(X1))])
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_moons(m=200, noise=0.2, seed=0):
    """Two interleaving half-moons of 2-D points: a boundary that must bend.

    Class 0 lies on the upper arc (cos t, sin t), class 1 on the lower arc
    (1 - cos t, 0.5 - sin t), with t drawn uniformly from [0, pi]; each point then gets
    Gaussian noise of standard deviation ``noise`` in each coordinate. The tips of each moon
    reach into the other's hollow, so no straight line separates the classes: the best line
    gets about 85 points in 100 right, a small network nearly all of them.

    Args:
        m: the number of points, an integer up to ``MAX_EXAMPLES``; default 200.
        noise: the standard deviation of the noise, a number >= 0; default 0.2.
        seed: int, None or ``numpy.random.Generator``.

    Returns:
        ``(X, y)``: X (m, 2) float64 and y (m,) float64 holding 0.0 or 1.0, shuffled.

    >>> X, y = make_moons(m=10, seed=0)
    >>> X.shape, y.shape, int(y.sum())
    ((10, 2), (10,), 5)
    """
    m = as_count(m, "m", minimum=2, maximum=MAX_EXAMPLES, why="to fit in memory")
    noise = as_real_number(noise, "noise", nonnegative=True)
    rng = as_generator(seed)
    m0 = m // 2
    t0, t1 = rng.uniform(0.0, np.pi, size=m0), rng.uniform(0.0, np.pi, size=m - m0)
    X0 = np.column_stack([np.cos(t0), np.sin(t0)])                  # (m0, 2) upper arc
    X1 = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])      # (m - m0, 2) lower arc
    X0 = X0 + rng.normal(0.0, noise, size=X0.shape)
    X1 = X1 + rng.normal(0.0, noise, size=X1.shape)
    return _labelled_shuffle(rng, X0, X1)


def make_circles(m=200, noise=0.1, seed=0):
    """A disc of class 1 inside a ring of class 0: the boundary is a circle.

    Class 0 lies on the circle of radius 1, class 1 on the circle of radius 0.4, both around
    the origin at angles drawn uniformly; each point then gets Gaussian noise of standard
    deviation ``noise`` in each coordinate. Every straight line leaves part of the ring on
    the disc's side.

    Args:
        m: the number of points, an integer up to ``MAX_EXAMPLES``; default 200.
        noise: the standard deviation of the noise, a number >= 0; default 0.1.
        seed: int, None or ``numpy.random.Generator``.

    Returns:
        ``(X, y)``: X (m, 2) float64 and y (m,) float64 holding 0.0 or 1.0, shuffled.

    >>> X, y = make_circles(m=10, seed=0)
    >>> X.shape, y.shape, int(y.sum())
    ((10, 2), (10,), 5)
    """
    m = as_count(m, "m", minimum=2, maximum=MAX_EXAMPLES, why="to fit in memory")
    noise = as_real_number(noise, "noise", nonnegative=True)
    rng = as_generator(seed)
    m0 = m // 2
    points = []
    for radius, count in ((1.0, m0), (0.4, m - m0)):
        angle = rng.uniform(0.0, 2 * np.pi, size=count)
        circle = radius * np.column_stack([np.cos(angle), np.sin(angle)])     # (count, 2)
        points.append(circle + rng.normal(0.0, noise, size=circle.shape))
    return _labelled_shuffle(rng, *points)


def make_xor(m=200, seed=0):
    """Points in the square [-1, 1] x [-1, 1], labelled 1 where x1 and x2 have opposite signs.

    The "exclusive or" of two features: the lower-right and upper-left quadrants are class 1,
    the other two class 0. Any straight line puts at least one whole quadrant on the wrong
    side, so logistic regression cannot do much better than guessing. Points closer than
    0.1 to an axis are drawn again, which leaves a small gap between the quadrants.

    Args:
        m: the number of points, an integer up to ``MAX_EXAMPLES``; default 200.
        seed: int, None or ``numpy.random.Generator``.

    Returns:
        ``(X, y)``: X (m, 2) float64 and y (m,) float64 holding 0.0 or 1.0.

    >>> X, y = make_xor(m=4, seed=0)
    >>> X.shape, y.shape
    ((4, 2), (4,))
    """
    m = as_count(m, "m", minimum=1, maximum=MAX_EXAMPLES, why="to fit in memory")
    rng = as_generator(seed)
    magnitude = rng.uniform(0.1, 1.0, size=(m, 2))               # away from the axes
    sign = rng.choice([-1.0, 1.0], size=(m, 2))
    X = magnitude * sign                                          # (m, 2)
    y = (X[:, 0] * X[:, 1] < 0).astype(np.float64)                # (m,)
    return X, y


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
