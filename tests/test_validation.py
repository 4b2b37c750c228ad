"""Tests for course._validation: the one wording every public function uses at the door."""

from fractions import Fraction

import numpy as np
import pytest

from course._validation import (as_count, as_float_array, as_generator, as_real_number,
                                check_binary, check_shape)


def _message(error_type, call, *args, **kwargs):
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# ---------------------------------------------------------------------------------------
# as_float_array
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ([[1, 2], [3, 4]], [[1.0, 2.0], [3.0, 4.0]]),
    ([True, False], [1.0, 0.0]),
    (np.array([1, 2], dtype=np.int8), [1.0, 2.0]),
    (np.array([0.5], dtype=np.float32), [0.5]),
    (3, 3.0),
])
def test_as_float_array_accepts_real_numbers(value, expected):
    array = as_float_array(value, "X")
    assert array.dtype == np.float64
    assert array.tolist() == expected


def test_as_float_array_checks_the_number_of_dimensions():
    assert as_float_array([[1.0]], "X", ndim=2).shape == (1, 1)
    assert _message(ValueError, as_float_array, [1.0, 2.0], "X", ndim=2, shape_hint="(m, n)") \
        == "`X` must be a 2-D array of shape (m, n); got shape (2,)."
    assert _message(ValueError, as_float_array, 3.0, "w", ndim=1) \
        == "`w` must be a 1-D array; got shape ()."
    assert _message(ValueError, as_float_array, [1.0], "b", ndim=0) \
        == "`b` must be a scalar; got shape (1,)."
    assert _message(ValueError, as_float_array, np.zeros((1, 1, 1)), "T", ndim=4) \
        == "`T` must be a 4-D array; got shape (1, 1, 1)."


@pytest.mark.parametrize("value, kind, index", [
    ([1.0, float("nan")], "NaN", "(1,)"),
    ([[0.0, 1.0], [float("inf"), 2.0]], "infinity", "(1, 0)"),
    ([-float("inf")], "infinity", "(0,)"),
    (np.array([2.0, np.inf], dtype=np.float32), "infinity", "(1,)"),
])
def test_as_float_array_refuses_nan_and_infinity(value, kind, index):
    message = _message(ValueError, as_float_array, value, "y")
    assert message == f"`y` must contain only finite numbers; got {kind} at index {index}."


@pytest.mark.parametrize("value, expected", [
    ([10**30, 1], [1e30, 1.0]),                      # beyond int64: NumPy holds objects
    (np.array([1, 2], dtype=object), [1.0, 2.0]),
    ([Fraction(1, 4)], [0.25]),
])
def test_as_float_array_accepts_real_numbers_numpy_holds_as_objects(value, expected):
    assert as_float_array(value, "X").tolist() == expected


def test_as_float_array_refuses_numbers_beyond_float64_by_name():
    assert _message(ValueError, as_float_array, [10**400], "X").startswith(
        "`X` must hold numbers within float64's range (about 1.8e308); got list [")


def test_as_float_array_can_allow_nonfinite():
    array = as_float_array([np.inf, np.nan, 1.0], "logits", allow_nonfinite=True)
    assert np.isinf(array[0]) and np.isnan(array[1])


@pytest.mark.parametrize("value, message", [
    (None, "`X` must be an array of real numbers; got None."),
    (["a", "b"], "`X` must be an array of real numbers; got list ['a', 'b']."),
    ("12", "`X` must be an array of real numbers; got str '12'."),
    ({"a": 1}, "`X` must be an array of real numbers; got dict {'a': 1}."),
    (np.array([1, "2"], dtype=object),
     "`X` must be an array of real numbers; got an array of dtype object and shape (2,)."),
    ({"a": 1}.keys(), "`X` must be an array of real numbers; got dict_keys dict_keys(['a'])."),
    (np.array(["2020-01-01"], dtype="M8[D]"),
     "`X` must be an array of real numbers; got an array of dtype datetime64[D] and shape (1,)."),
    ([1 + 2j], "`X` must hold real numbers, not complex; got list [(1+2j)]."),
    # a long value is cut to 40 characters of its repr
    ([str(i) for i in range(100)],
     "`X` must be an array of real numbers; got list ['0', '1', '2', '3', '4', '5', '6', '...."),
])
def test_as_float_array_refuses_non_numbers_with_type_error(value, message):
    assert _message(TypeError, as_float_array, value, "X") == message


def test_as_float_array_refuses_ragged_lists():
    message = _message(ValueError, as_float_array, [[1, 2], [3]], "X")
    assert message.startswith("`X` must be a rectangular array of real numbers; "
                              "got list [[1, 2], [3]] (")


def test_as_float_array_does_not_copy_float64_input():
    # Documented behaviour callers rely on being aware of: they must not write into it.
    original = np.array([1.0, 2.0])
    assert as_float_array(original, "a") is original


# ---------------------------------------------------------------------------------------
# check_shape, check_binary
# ---------------------------------------------------------------------------------------

def test_check_shape():
    check_shape(np.zeros((3, 2)), "W", (3, 2), "(n_in, n_out)")
    assert _message(ValueError, check_shape, np.zeros((2, 3)), "W", (3, 2), "(n_in, n_out)",
                    "for layer 1") \
        == "`W` must have shape (n_in, n_out) = (3, 2) for layer 1; got shape (2, 3)."
    assert _message(ValueError, check_shape, np.zeros(4), "y", [5], "(m,)") \
        == "`y` must have shape (m,) = (5,); got shape (4,)."


def test_check_binary():
    check_binary(np.array([0.0, 1.0, 0.25]), "y")
    check_binary(np.array([]), "y")
    assert _message(ValueError, check_binary, np.array([0.0, 2.0]), "y") \
        == "`y` must hold targets between 0 and 1; got values from 0 to 2."
    assert _message(ValueError, check_binary, np.array([-0.5, 1.0]), "y_true") \
        == "`y_true` must hold targets between 0 and 1; got values from -0.5 to 1."
    assert _message(ValueError, check_binary, np.array([-1e-20]), "y") \
        == "`y` must hold targets between 0 and 1; got values from -1e-20 to -1e-20."


# ---------------------------------------------------------------------------------------
# as_real_number
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (1, 1.0), (0.1, 0.1), (np.float32(0.5), 0.5), (np.int64(3), 3.0), (np.array(2.5), 2.5),
    (Fraction(1, 4), 0.25), (-0.0, 0.0),
])
def test_as_real_number_accepts_any_real(value, expected):
    number = as_real_number(value, "alpha")
    assert type(number) is float and number == expected


@pytest.mark.parametrize("value, message", [
    ("0.1", "`alpha` must be a real number; got str '0.1'."),
    (None, "`alpha` must be a real number; got NoneType None."),
    (True, "`alpha` must be a real number; got bool True."),
    (1 + 0j, "`alpha` must be a real number; got complex (1+0j)."),
    (np.array([0.1]), "`alpha` must be a real number; got an array of dtype float64 and shape (1,)."),
    ([0.1], "`alpha` must be a real number; got list [0.1]."),
])
def test_as_real_number_type_errors(value, message):
    assert _message(TypeError, as_real_number, value, "alpha") == message


@pytest.mark.parametrize("value, kwargs, message", [
    (float("nan"), {}, "`alpha` must be a finite number; got nan."),
    (float("-inf"), {}, "`alpha` must be a finite number; got -inf."),
    (0, {"positive": True}, "`alpha` must be greater than 0; got 0."),
    (-0.5, {"positive": True}, "`alpha` must be greater than 0; got -0.5."),
    (-1, {"nonnegative": True}, "`alpha` must be 0 or greater; got -1."),
])
def test_as_real_number_value_errors(value, kwargs, message):
    assert _message(ValueError, as_real_number, value, "alpha", **kwargs) == message


def test_as_real_number_sign_options():
    assert as_real_number(0, "rho", nonnegative=True) == 0.0
    assert as_real_number(1e-12, "alpha", positive=True) == 1e-12
    assert as_real_number(-3, "shift") == -3.0


def test_as_real_number_huge_int_is_a_value_error():
    message = _message(ValueError, as_real_number, 10**400, "alpha")
    assert message.startswith("`alpha` must be a finite number")


# ---------------------------------------------------------------------------------------
# as_count
# ---------------------------------------------------------------------------------------

def test_as_count_accepts_ints():
    assert as_count(5, "epochs") == 5 and type(as_count(np.int64(5), "epochs")) is int
    assert as_count(0, "num_iters", minimum=0) == 0


@pytest.mark.parametrize("value, kwargs, error, message", [
    (0, {}, ValueError, "`epochs` must be an integer of at least 1; got 0."),
    (-1, {"minimum": 0}, ValueError, "`epochs` must be an integer of at least 0; got -1."),
    (np.int32(-2), {}, ValueError, "`epochs` must be an integer of at least 1; got -2."),
    (10.0, {}, TypeError, "`epochs` must be an integer; got float 10.0."),
    ("3", {}, TypeError, "`epochs` must be an integer; got str '3'."),
    (True, {}, TypeError, "`epochs` must be an integer; got bool True."),
    (None, {}, TypeError, "`epochs` must be an integer; got NoneType None."),
])
def test_as_count_refuses(value, kwargs, error, message):
    assert _message(error, as_count, value, "epochs", **kwargs) == message


# ---------------------------------------------------------------------------------------
# as_generator
# ---------------------------------------------------------------------------------------

def test_as_generator_turns_seeds_into_generators():
    generator = np.random.default_rng(1)
    assert as_generator(generator) is generator
    assert isinstance(as_generator(None), np.random.Generator)
    assert as_generator(7).random() == np.random.default_rng(7).random()
    assert as_generator(np.int64(7)).random() == np.random.default_rng(7).random()
    assert as_generator(0).random() == np.random.default_rng(0).random()


@pytest.mark.parametrize("seed, described", [
    (-1, "int -1"), (1.5, "float 1.5"), ("0", "str '0'"), (True, "bool True"),
])
def test_as_generator_refuses(seed, described):
    with pytest.raises((TypeError, ValueError)) as caught:
        as_generator(seed, "seed")
    assert str(caught.value) == ("`seed` must be a non-negative int, None or a "
                                 f"numpy.random.Generator; got {described}.")
    with pytest.raises(TypeError) as caught:
        as_generator(np.random.RandomState(0), "rng")
    assert str(caught.value).startswith("`rng` must be a non-negative int, None or a "
                                        "numpy.random.Generator; got RandomState")
