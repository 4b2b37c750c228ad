"""Checks at the door: one wording for every argument of every public function.

The contract every public function of ``course`` keeps (a test sweeps the whole API for it,
``tests/test_bad_input_sweep.py``):

* It either returns a correct result or raises ``TypeError`` (the argument is the wrong
  kind of thing: a string, None, a list where an array of numbers is meant) or
  ``ValueError`` (the right kind, a wrong value: a shape, a sign, a range, NaN). Never a
  raw NumPy or Python error from deep inside, never a silent NaN or a silently ignored
  argument.
* The message names the argument as the caller wrote it, with its index where the
  argument is a list (```layers[1]```, ```params[0]```), says what was expected and echoes
  what was given: "`X` must be a 2-D array of shape (m, n); got shape (3,)."
* Empty data (m = 0 examples) is an error: a mean over nothing has no value.
* NaN and infinity in the inputs are an error where no sensible answer exists. Where the
  mathematics has an answer, it is returned: the logistic cost for a huge logit z, the
  sigmoid of +-infinity, ``relative_error([1e308], [-1e308]) = 1``. A result whose true
  value lies beyond float64's range (about 1.8e308) is ``inf``, as in NumPy.
* Any real number is accepted where a float is meant (``momentum=0``, ``np.float32(0.1)``);
  ``True``/``False`` are accepted only where a flag is meant, and a flag accepts nothing
  else (``from_logits="False"`` is refused, not read as True).
* A call in the wrong order (``fit`` before ``compile``) is a ``RuntimeError`` that says
  what to call first.
* Helpers that trust their inputs (the hot loops of training) start with an underscore and
  are not part of the public surface.

Public functions validate their inputs once, here, and the code behind them then trusts
what it receives (scikit-learn's habit). Every message names the argument, says what was
expected and echoes what was received, so a learner can fix the call without reading our
source.

>>> as_float_array([[1, 2], [3, 4]], "X", ndim=2).dtype
dtype('float64')
>>> as_float_array([1.0, float("nan")], "y")
Traceback (most recent call last):
...
ValueError: `y` must contain only finite numbers; got NaN at index (1,).
>>> as_flag("False", "from_logits")
Traceback (most recent call last):
...
TypeError: `from_logits` must be True or False; got str 'False'.
"""

from __future__ import annotations

import numbers

import numpy as np

_SHAPE_WORDS = {0: "a scalar", 1: "a 1-D array", 2: "a 2-D array"}


def _describe(value) -> str:
    """A short, safe description of what the caller passed."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, np.generic):  # show np.float64(2.0) as the plain 2.0
        return f"{type(value).__name__} {value.item()!r}"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _object_array_as_float(value, name: str) -> np.ndarray:
    """An array NumPy could only hold as objects, as float64 if every entry is a real number."""
    array = np.asarray(value, dtype=object)
    if not all(isinstance(item, numbers.Real) for item in array.flat):
        raise TypeError(f"`{name}` must be an array of real numbers; got {_describe(value)}.")
    try:
        return array.astype(np.float64)
    except OverflowError:
        raise ValueError(f"`{name}` must hold numbers within float64's range (about "
                         f"1.8e308); got {_describe(value)}.") from None


def as_float_array(value, name: str, *, ndim: int | None = None,
                   shape_hint: str | None = None, allow_nonfinite: bool = False,
                   allow_infinity: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 array, or raise an error that names ``name``.

    The result may be the caller's own array (no copy when it is already float64), so
    callers must not write into it.

    Args:
        value: anything array-like holding real numbers (bools and ints are accepted).
        name: the argument's name as the caller wrote it, e.g. ``"X"``.
        ndim: the required number of dimensions, or ``None`` for any.
        shape_hint: how to describe the expected shape, e.g. ``"(m, n)"``.
        allow_nonfinite: accept NaN and infinity (for example the costs of a diverged run).
        allow_infinity: accept +-infinity but not NaN (for example a logit z, whose sigmoid
            is 0 or 1).

    Raises:
        TypeError: ``value`` is not made of real numbers (strings, objects, complex, None).
        ValueError: wrong number of dimensions, or NaN / infinity present.
    """
    if value is None:
        raise TypeError(f"`{name}` must be an array of real numbers; got None.")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged lists and the like
        raise ValueError(f"`{name}` must be a rectangular array of real numbers; "
                         f"got {_describe(value)} ({error}).") from None
    if array.dtype == object:  # Python ints beyond int64, Fractions, ... or not numbers at all
        array = _object_array_as_float(value, name)
    if not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):
        raise TypeError(f"`{name}` must be an array of real numbers; got {_describe(value)}.")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"`{name}` must hold real numbers, not complex; got {_describe(value)}.")
    if ndim is not None and array.ndim != ndim:
        what = _SHAPE_WORDS.get(ndim, f"a {ndim}-D array")
        hint = f" of shape {shape_hint}" if shape_hint else ""
        raise ValueError(f"`{name}` must be {what}{hint}; got shape {array.shape}.")
    array = array.astype(np.float64, copy=False)
    if allow_infinity and not allow_nonfinite:
        bad = np.isnan(array)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"`{name}` must not contain NaN; got NaN at index {index}.")
    elif not allow_nonfinite:
        bad = ~np.isfinite(array)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            kind = "NaN" if np.isnan(array[index]) else "infinity"
            raise ValueError(f"`{name}` must contain only finite numbers; "
                             f"got {kind} at index {index}.")
    return array


def check_not_empty(array: np.ndarray, name: str, what: str = "example") -> None:
    """Raise ``ValueError`` when ``array`` has no rows (m = 0) or no entries at all.

    ``what`` names one row, e.g. "example" or "number".
    """
    if array.size == 0 or (array.ndim >= 1 and array.shape[0] == 0):
        raise ValueError(f"`{name}` must hold at least one {what}; got an empty array of "
                         f"shape {array.shape}.")


def as_float_arrays(values, name: str, *, what: str = "array") -> list[np.ndarray]:
    """A non-empty list or tuple of arrays as a list of float64 arrays.

    Each item is checked by ``as_float_array`` under the name ``name[i]``; a bare array is
    refused, with a hint to wrap it in a list.
    """
    if isinstance(values, np.ndarray):
        raise TypeError(f"`{name}` must be a list of arrays, e.g. [W1, b1]; got "
                        f"{_describe(values)} (wrap one array in a list: [W]).")
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"`{name}` must be a list of arrays, e.g. [W1, b1]; "
                        f"got {_describe(values)}.")
    if not values:
        raise ValueError(f"`{name}` must hold at least one {what}; got an empty "
                         f"{type(values).__name__}.")
    return [as_float_array(value, f"{name}[{index}]") for index, value in enumerate(values)]


def check_shape(array: np.ndarray, name: str, expected: tuple, shape_hint: str,
                reason: str = "") -> None:
    """Raise ``ValueError`` unless ``array.shape == expected``.

    ``shape_hint`` spells the shape symbolically ("(n,)"); ``reason`` says why, e.g.
    "to match the 3 columns of X".
    """
    if array.shape != tuple(expected):
        because = f" {reason}" if reason else ""
        raise ValueError(f"`{name}` must have shape {shape_hint} = {tuple(expected)}{because}; "
                         f"got shape {array.shape}.")


def check_binary(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry of ``array`` lies in [0, 1].

    Targets of a classifier are labels 0 and 1 (or probabilities, as Keras allows).
    """
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"`{name}` must hold targets between 0 and 1; "
                         f"got values from {array.min():g} to {array.max():g}.")


def as_real_number(value, name: str, *, positive: bool = False,
                   nonnegative: bool = False) -> float:
    """Return ``value`` as a Python float; any real number is accepted (ints too).

    Raises ``TypeError`` for non-numbers and ``ValueError`` for NaN, infinity or a sign
    that ``positive`` / ``nonnegative`` forbids.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number; got {_describe(value)}.")
    try:
        number = float(value)
    except OverflowError:
        number = float("inf") if value > 0 else float("-inf")
    if not np.isfinite(number):
        raise ValueError(f"`{name}` must be a finite number; got {number}.")
    if positive and number <= 0:
        raise ValueError(f"`{name}` must be greater than 0; got {number:g}.")
    if nonnegative and number < 0:
        raise ValueError(f"`{name}` must be 0 or greater; got {number:g}.")
    return number


def as_count(value, name: str, *, minimum: int = 1, maximum: int | None = None,
             why: str = "") -> int:
    """Return ``value`` as an int from ``minimum`` to ``maximum`` (epochs, iterations, units).

    ``why`` explains the maximum, e.g. "the slider's range".
    """
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{name}` must be an integer; got {_describe(value)}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer of at least {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        because = f", {why}" if why else ""
        raise ValueError(f"`{name}` must be at most {maximum}{because}; got {value}.")
    return value


def as_flag(value, name: str) -> bool:
    """Return ``value`` as a bool; only True and False (NumPy's too) are accepted.

    A string such as "False" is truthy in Python, so reading it as a flag would silently do
    the opposite of what the caller meant.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"`{name}` must be True or False; got {_describe(value)}.")


def as_text(value, name: str, *, optional: bool = False) -> str | None:
    """Return ``value`` if it is a string (or None when ``optional``), else raise TypeError."""
    if isinstance(value, str) or (optional and value is None):
        return value
    expected = "a string or None" if optional else "a string"
    raise TypeError(f"`{name}` must be {expected}; got {_describe(value)}.")


def as_generator(seed, name: str = "seed") -> np.random.Generator:
    """Turn ``seed`` (an int, ``None`` or a Generator) into a ``numpy.random.Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    is_int = isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
    if seed is None or (is_int and seed >= 0):
        return np.random.default_rng(seed)
    error = ValueError if is_int else TypeError  # a negative int is the right type
    raise error(f"`{name}` must be a non-negative int, None or a numpy.random.Generator; "
                    f"got {_describe(seed)}.")
