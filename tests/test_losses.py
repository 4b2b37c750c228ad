"""course.losses agrees with keras.losses, by hand-checkable values and by property tests.

Keras is compared two ways:
* computing in float64 (``dtype="float64"`` on the Keras loss object): every input,
  saturated predictions included, agrees to 1e-6 (in practice ~1e-15);
* computing in its default float32: inputs that float32 represents exactly and that stay
  away from the clip bounds agree to 1e-6 relative. At the clip bounds float32 Keras differs
  by design, because 1 - 1e-7 rounds to 1 - 1.19e-7 in float32 (documented in the module).
"""

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from course.losses import (BinaryCrossentropy, MeanSquaredError, binary_crossentropy,
                           mean_squared_error)

SATURATED = [0.0, 1.0, 1e-12, 1 - 1e-12, 1e-7, 1 - 1e-7]
KERAS_SETTINGS = settings(max_examples=40, deadline=None)


def keras_bce(y_true, y_pred, from_logits=False, dtype="float64"):
    loss = keras.losses.BinaryCrossentropy(from_logits=from_logits, dtype=dtype)
    return float(loss(y_true, y_pred))


def keras_mse(y_true, y_pred, dtype="float64"):
    return float(keras.losses.MeanSquaredError(dtype=dtype)(y_true, y_pred))


@st.composite
def targets_and_predictions(draw, prediction_values):
    """(y_true, y_pred) of one shape (m, k) with 0/1 targets."""
    shape = draw(st.tuples(st.integers(1, 12), st.integers(1, 3)))
    y_true = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    y_pred = draw(hnp.arrays(np.float64, shape, elements=prediction_values))
    return y_true, y_pred


PROBABILITIES = st.one_of(st.floats(0.0, 1.0), st.sampled_from(SATURATED))
LOGITS = st.one_of(st.floats(-50.0, 50.0), st.sampled_from([-1e4, -30.0, 0.0, 30.0, 1e4]))
FLOAT32_SAFE = st.floats(0.0009765625, 0.9990234375, width=32)  # 2**-10 .. 1 - 2**-10


# ----- values checkable by hand -----------------------------------------------------------

def test_bce_matches_the_logistic_loss_formula():
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    assert binary_crossentropy([[1.0], [0.0]], [[0.8], [0.4]]) == pytest.approx(expected, 1e-15)


def test_bce_clips_probabilities_like_keras():
    assert binary_crossentropy([1.0], [0.0]) == pytest.approx(-math.log(1e-7), 1e-12)
    assert binary_crossentropy([0.0], [1.0]) == pytest.approx(-math.log(1e-7), 1e-9)
    assert math.isfinite(binary_crossentropy([1.0, 0.0], [0.0, 1.0]))


def test_bce_from_logits_is_stable_for_huge_logits():
    assert binary_crossentropy([0.0], [1e4], from_logits=True) == pytest.approx(1e4)
    assert binary_crossentropy([1.0], [1e4], from_logits=True) == 0.0
    assert binary_crossentropy([0.0], [30.0], from_logits=True) == pytest.approx(30.0, 1e-12)


def test_bce_from_logits_equals_bce_of_sigmoid():
    z = np.array([-3.0, -0.5, 0.0, 2.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    p = 1 / (1 + np.exp(-z))
    assert binary_crossentropy(y, z, from_logits=True) == pytest.approx(
        binary_crossentropy(y, p), rel=1e-12)


def test_mse_has_no_half():
    assert mean_squared_error([3.0, 0.0], [1.0, 1.0]) == 2.5


def test_classes_call_the_functions_and_print_like_keras():
    y, p = np.array([[1.0], [0.0]]), np.array([[0.7], [0.1]])
    assert BinaryCrossentropy()(y, p) == binary_crossentropy(y, p)
    assert BinaryCrossentropy(from_logits=True)(y, p) == binary_crossentropy(y, p, True)
    assert MeanSquaredError()(y, p) == mean_squared_error(y, p)
    assert repr(BinaryCrossentropy()) == "BinaryCrossentropy(from_logits=False)"
    assert repr(MeanSquaredError()) == "MeanSquaredError()"
    assert isinstance(BinaryCrossentropy()(y, p), float)


def test_keras_function_averages_only_the_last_axis():
    """The difference the docstring documents: keras' *function* keeps one value per row."""
    y, p = np.array([[1.0], [0.0]]), np.array([[0.8], [0.4]])
    per_row = np.asarray(keras.losses.binary_crossentropy(y, p))
    assert per_row.shape == (2,)
    assert float(np.mean(per_row)) == pytest.approx(binary_crossentropy(y, p), rel=1e-6)


# ----- property tests against keras -------------------------------------------------------

@KERAS_SETTINGS
@given(targets_and_predictions(PROBABILITIES))
def test_bce_equals_keras_float64(pair):
    y_true, y_pred = pair
    assert abs(binary_crossentropy(y_true, y_pred) - keras_bce(y_true, y_pred)) <= 1e-6


@KERAS_SETTINGS
@given(targets_and_predictions(LOGITS))
def test_bce_from_logits_equals_keras_float64(pair):
    y_true, z = pair
    ours = binary_crossentropy(y_true, z, from_logits=True)
    assert abs(ours - keras_bce(y_true, z, from_logits=True)) <= 1e-6


@KERAS_SETTINGS
@given(targets_and_predictions(st.floats(-1e3, 1e3)))
def test_mse_equals_keras_float64(pair):
    y_true, y_pred = pair
    y_true = y_true * 7.0 - 2.0  # real-valued targets
    ours = mean_squared_error(y_true, y_pred)
    assert abs(ours - keras_mse(y_true, y_pred)) <= 1e-6 * max(1.0, ours)


@KERAS_SETTINGS
@given(targets_and_predictions(FLOAT32_SAFE))
def test_bce_equals_default_float32_keras(pair):
    y_true, y_pred = pair
    ours = binary_crossentropy(y_true, y_pred)
    assert abs(ours - keras_bce(y_true, y_pred, dtype=None)) <= 1e-6 * max(1.0, ours)


@KERAS_SETTINGS
@given(targets_and_predictions(st.floats(-50.0, 50.0, width=32)))
def test_bce_from_logits_equals_default_float32_keras(pair):
    y_true, z = pair
    ours = binary_crossentropy(y_true, z, from_logits=True)
    theirs = keras_bce(y_true, z, from_logits=True, dtype=None)
    assert abs(ours - theirs) <= 1e-6 * max(1.0, ours)


# ----- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("function", [binary_crossentropy, mean_squared_error])
def test_shape_mismatch_names_y_pred_and_both_shapes(function):
    with pytest.raises(ValueError, match=r"`y_pred` must have shape .*\(3,\).*got shape \(2,\)"):
        function([1.0, 0.0, 1.0], [0.5, 0.5])


def test_column_versus_flat_vector_is_refused_with_a_hint():
    with pytest.raises(ValueError, match=r"y\.reshape\(-1, 1\)"):
        binary_crossentropy(np.zeros((4, 1)), np.full(4, 0.5))


def test_bce_targets_outside_zero_one_are_refused():
    with pytest.raises(ValueError, match="`y_true` must hold targets between 0 and 1"):
        binary_crossentropy([2.0, 0.0], [0.5, 0.5])


@pytest.mark.parametrize("argument, value", [("y_true", [np.nan, 1.0]),
                                             ("y_pred", [0.5, np.inf])])
def test_non_finite_values_are_refused(argument, value):
    args = {"y_true": [0.0, 1.0], "y_pred": [0.5, 0.5], argument: value}
    with pytest.raises(ValueError, match=f"`{argument}` must contain only finite numbers"):
        binary_crossentropy(**args)


def test_non_numeric_and_empty_inputs_are_refused():
    with pytest.raises(TypeError, match="`y_pred`"):
        mean_squared_error([1.0], ["a"])
    with pytest.raises(ValueError, match="`y_true` must hold at least one target"):
        mean_squared_error([], [])


def test_from_logits_must_be_a_bool():
    with pytest.raises(TypeError, match="`from_logits` must be True or False"):
        BinaryCrossentropy(from_logits="yes")
