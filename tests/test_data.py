"""Tests for course.data: the bundled digits (checksum, balance, split) and the synthetic sets."""

import gzip
import hashlib
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from course.data import (load_digit_pair, load_digits01, logistic_example, make_blobs,
                         make_circles, make_moons, make_regression, make_xor)

DIGITS01_SHA256 = "2a43f0e1dc7d15748d832ebacb4a1a116ba10e448a1addba65659969488b8ae6"


def _bundled(name):
    return resources.files("course").joinpath("data", name)


# ---------------------------------------------------------------------------------------
# The bundled file
# ---------------------------------------------------------------------------------------

def test_digits_file_checksum():
    assert hashlib.sha256(_bundled("digits01.csv.gz").read_bytes()).hexdigest() == \
        DIGITS01_SHA256


def test_digits_file_contents():
    lines = gzip.decompress(_bundled("digits01.csv.gz").read_bytes()).decode("ascii").splitlines()
    header, rows = lines[0].split(","), [list(map(int, line.split(","))) for line in lines[1:]]
    assert len(header) == 65 and header[0] == "pixel_0_0" and header[-1] == "digit"
    table = np.array(rows)
    assert table.shape == (360, 65)
    assert table[:, :64].min() == 0 and table[:, :64].max() == 16
    assert np.bincount(table[:, 64]).tolist() == [178, 182]


def test_provenance_and_licence_sit_next_to_the_file():
    readme = _bundled("digits01.README.md").read_text(encoding="utf-8")
    licence = _bundled("digits01.LICENSE.txt").read_text(encoding="utf-8")
    assert "Optical Recognition of Handwritten Digits" in readme
    assert "Alpaydin" in readme and "CC BY 4.0" in readme
    assert DIGITS01_SHA256 in readme
    assert "Attribution 4.0 International" in licence and "Alpaydin" in licence


# ---------------------------------------------------------------------------------------
# load_digits01
# ---------------------------------------------------------------------------------------

def test_digits_shapes_ranges_and_balance():
    (X_train, y_train), (X_test, y_test) = load_digits01()
    assert X_train.shape == (288, 64) and y_train.shape == (288, 1)
    assert X_test.shape == (72, 64) and y_test.shape == (72, 1)
    for array in (X_train, y_train, X_test, y_test):
        assert array.dtype == np.float64
    assert X_train.min() == 0.0 and X_train.max() == 1.0 and X_test.min() >= 0.0
    assert X_test.max() <= 1.0
    assert set(np.unique(np.vstack([y_train, y_test]))) == {0.0, 1.0}
    # stratified: 36 of the 178 zeros and 36 of the 182 ones are held out
    assert int((y_test == 0).sum()) == 36 and int((y_test == 1).sum()) == 36
    assert int((y_train == 0).sum()) == 142 and int((y_train == 1).sum()) == 146
    # pixels are counts 0..16 divided by 16
    np.testing.assert_array_equal(X_train * 16, np.round(X_train * 16))


def test_digits_split_is_a_partition_of_all_images():
    (X_train, y_train), (X_test, y_test) = load_digits01(test_fraction=0.5, seed=4)
    everything = np.hstack([np.vstack([X_train, X_test]), np.vstack([y_train, y_test])])
    lines = gzip.decompress(_bundled("digits01.csv.gz").read_bytes()).decode().splitlines()[1:]
    table = np.array([list(map(int, line.split(","))) for line in lines], dtype=float)
    table[:, :64] /= 16
    def rows(a):
        return sorted(map(tuple, a))
    assert rows(everything) == rows(table)


def test_digits_labels_match_the_images():
    # A zero has an empty middle and ink around it; a one has ink down the middle.
    (X, y), _ = load_digits01()
    centre = X.reshape(-1, 8, 8)[:, 2:6, 3:5].mean(axis=(1, 2))
    assert centre[y[:, 0] == 1].mean() > 2 * centre[y[:, 0] == 0].mean()


def test_digits_seeded_determinism_and_different_seeds():
    first = load_digits01(seed=7)
    again = load_digits01(seed=7)
    other = load_digits01(seed=8)
    for a, b in zip([*first[0], *first[1]], [*again[0], *again[1]]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], other[0][0])
    generator_split = load_digits01(seed=np.random.default_rng(7))
    np.testing.assert_array_equal(generator_split[0][0], first[0][0])


@pytest.mark.parametrize("fraction, n_test", [(0.1, 18 + 18), (0.25, 44 + 46), (0.5, 89 + 91)])
def test_digits_test_fraction(fraction, n_test):
    (X_train, _), (X_test, _) = load_digits01(test_fraction=fraction)
    assert X_test.shape[0] == n_test and X_train.shape[0] == 360 - n_test


@pytest.mark.parametrize("kwargs, error, message", [
    ({"test_fraction": 0}, ValueError, "`test_fraction` must be strictly between 0 and 1; got 0.0."),
    ({"test_fraction": 1.0}, ValueError, "`test_fraction` must be strictly between 0 and 1; got 1.0."),
    ({"test_fraction": -0.2}, ValueError, "`test_fraction` must be strictly between 0 and 1; got -0.2."),
    ({"test_fraction": "0.2"}, TypeError, "`test_fraction` must be a real number; got str '0.2'."),
    ({"test_fraction": 0.001}, ValueError, "leaves no images of the digit 0 for testing"),
    ({"test_fraction": 0.999}, ValueError, "leaves no images of the digit 0 for training"),
    ({"seed": -1}, (TypeError, ValueError), "`seed` must be a non-negative int, None or a numpy.random.Generator; got int -1."),
    ({"seed": 1.5}, TypeError, "`seed` must be a non-negative int, None or a numpy.random.Generator"),
])
def test_digits_refuse_bad_arguments(kwargs, error, message):
    with pytest.raises(error) as caught:
        load_digits01(**kwargs)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------
# logistic_example
# ---------------------------------------------------------------------------------------

def test_logistic_example_is_the_six_point_set():
    X, y = logistic_example()
    assert X.tolist() == [[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]]
    assert y.tolist() == [0, 0, 0, 1, 1, 1]
    assert X.dtype == np.float64 and y.dtype == np.float64
    # fresh arrays on every call: changing one does not change the next
    X[0, 0] = 99.0
    assert logistic_example()[0][0, 0] == 0.5


# ---------------------------------------------------------------------------------------
# make_blobs, make_regression
# ---------------------------------------------------------------------------------------

def test_make_blobs_shapes_balance_and_overlap():
    X, y = make_blobs()
    assert X.shape == (100, 2) and y.shape == (100,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0} and int(y.sum()) == 50
    assert make_blobs(m=7)[1].sum() == 4
    # classes sit around (1, 1) and (2.5, 2.5)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [1.0, 1.0], atol=0.3)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.5, 2.5], atol=0.3)
    # overlapping: the line x1 + x2 = 3.5 between the centres gets most, not all, right
    accuracy = np.mean((X.sum(axis=1) > 3.5) == (y == 1))
    assert 0.75 < accuracy < 1.0
    # shuffled: the labels are not sorted
    assert not np.all(np.diff(y) >= 0)


def test_make_regression_is_a_noisy_line():
    X, y = make_regression()
    assert X.shape == (50, 1) and y.shape == (50, 1) and X.dtype == y.dtype == np.float64
    assert X.min() >= 0.0 and X.max() <= 2.0
    A = np.hstack([X, np.ones_like(X)])
    slope, intercept = np.linalg.lstsq(A, y[:, 0], rcond=None)[0]
    assert slope == pytest.approx(2.0, abs=0.3) and intercept == pytest.approx(1.0, abs=0.3)
    residual = y[:, 0] - A @ [slope, intercept]
    assert 0.15 < residual.std() < 0.5


@pytest.mark.parametrize("make", [make_blobs, make_regression])
def test_synthetic_sets_are_seeded(make):
    a, b, c = make(m=20, seed=3), make(m=20, seed=3), make(m=20, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    np.testing.assert_array_equal(make(m=20, seed=np.random.default_rng(3))[0], a[0])


@pytest.mark.parametrize("make, kwargs, error, message", [
    (make_blobs, {"m": 1}, ValueError, "`m` must be an integer of at least 2; got 1."),
    (make_blobs, {"m": 10.0}, TypeError, "`m` must be an integer; got float 10.0."),
    (make_blobs, {"seed": "0"}, TypeError, "`seed` must be a non-negative int, None or a numpy.random.Generator; got str '0'."),
    (make_regression, {"m": 0}, ValueError, "`m` must be an integer of at least 1; got 0."),
    (make_regression, {"m": None}, TypeError, "`m` must be an integer; got NoneType None."),
    (make_regression, {"seed": -3}, (TypeError, ValueError), "`seed` must be a non-negative int"),
])
def test_synthetic_sets_refuse_bad_arguments(make, kwargs, error, message):
    with pytest.raises(error) as caught:
        make(**kwargs)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------------------

def test_data_and_logistic_import_neither_sklearn_nor_teaching_tools():
    code = (
        "import sys\n"
        "import course.data, course.logistic\n"
        "course.data.load_digits01(); course.data.make_blobs(); course.data.make_regression()\n"
        "bad = [name for name in sys.modules if name.split('.')[0] in "
        "('sklearn', 'tensorflow', 'keras', 'matplotlib', 'ipywidgets')\n"
        "       or name in ('course.plots', 'course.widgets', 'course.check',"
        " 'course.exercises', 'course.grading', 'course.authoring', 'course.cli')]\n"
        "print(sorted(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------
# All ten digits, and any pair of them
# ---------------------------------------------------------------------------------------

DIGITS_SHA256 = "0f622aac121cc3fc5d83397199887f8019d6db33381d033e73e300a2ce17c1ed"


def test_all_digits_file_checksum_provenance_and_licence():
    assert hashlib.sha256(_bundled("digits.csv.gz").read_bytes()).hexdigest() == DIGITS_SHA256
    readme = _bundled("digits.README.md").read_text(encoding="utf-8")
    assert DIGITS_SHA256 in readme and "CC BY 4.0" in readme and "10.24432/C50P49" in readme
    assert "Attribution 4.0 International" in _bundled("digits.LICENSE.txt").read_text("utf-8")


def test_all_digits_file_holds_digits01_as_its_zeros_and_ones():
    def table(name):
        text = gzip.decompress(_bundled(name).read_bytes()).decode("ascii")
        return np.loadtxt(text.splitlines()[1:], delimiter=",", dtype=np.int64)
    every, zeros_and_ones = table("digits.csv.gz"), table("digits01.csv.gz")
    assert every.shape == (1797, 65)
    assert np.bincount(every[:, 64]).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.array_equal(every[np.isin(every[:, 64], [0, 1])], zeros_and_ones)


def test_digit_pair_labels_split_and_seed():
    (X_train, y_train), (X_test, y_test) = load_digit_pair(3, 8, test_fraction=0.5, seed=0)
    assert X_train.shape[0] + X_test.shape[0] == 183 + 174
    assert X_test.shape[0] == round(0.5 * 183) + round(0.5 * 174)
    assert set(np.unique(y_train)) == {0.0, 1.0} and y_train.shape[1] == 1
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    again = load_digit_pair(3, 8, test_fraction=0.5, seed=0)
    assert np.array_equal(again[0][0], X_train) and np.array_equal(again[1][1], y_test)
    (X_swap, y_swap), _ = load_digit_pair(8, 3, seed=0)
    assert y_swap.mean() != y_train.mean() or not np.array_equal(X_swap, X_train)


def test_digit_pair_0_1_matches_the_images_of_digits01():
    (X_pair, y_pair), (X_pair_test, _) = load_digit_pair(0, 1, test_fraction=0.2, seed=0)
    (X01, y01), (X01_test, _) = load_digits01(test_fraction=0.2, seed=0)
    assert np.array_equal(X_pair, X01) and np.array_equal(y_pair, y01)
    assert np.array_equal(X_pair_test, X01_test)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"negative": 3, "positive": 3}, ValueError, "two different digits"),
    ({"negative": 10}, ValueError, "`negative` must be a digit"),
    ({"positive": 2.0}, TypeError, "`positive` must be a digit"),
    ({"test_fraction": 1.0}, ValueError, "`test_fraction`"),
])
def test_digit_pair_refuses_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_digit_pair(**kwargs)


# ---------------------------------------------------------------------------------------
# Sets no straight line separates
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor])
def test_curved_sets_shapes_balance_and_seed(make):
    X, y = make(m=101, seed=3)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0.0, 1.0}
    X_again, y_again = make(m=101, seed=3)
    assert np.array_equal(X, X_again) and np.array_equal(y, y_again)
    assert not np.array_equal(make(m=101, seed=4)[0], X)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor])
def test_no_straight_line_separates_the_curved_sets(make):
    from course.logistic import gradient_descent, predict
    X, y = make(m=200, seed=0)
    w, b, _ = gradient_descent(X, y, np.zeros(2), 0.0, alpha=1.0, num_iters=2000)
    assert np.mean(predict(X, w, b) == y) < 0.9


def test_moons_and_circles_without_noise_lie_on_their_curves():
    X, y = make_circles(m=50, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.4)
    X, y = make_moons(m=50, noise=0.0, seed=0)
    assert np.allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    assert np.allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)


def test_xor_labels_are_opposite_signs():
    X, y = make_xor(m=100, seed=0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(float))
    assert np.abs(X).min() >= 0.1


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_curved_sets_refuse_negative_noise(make):
    with pytest.raises(ValueError, match="`noise`"):
        make(noise=-0.1)
