"""Plain data: what crosses from the learner's process to the evaluator, and how it is compared.

A learner's function can return anything: a float, an array of the wrong shape, a string, an
object whose ``__eq__`` always says yes. Before anything is compared, the result becomes
*plain data*, a ``dict`` of NumPy arrays (float64 numbers, or unicode text such as a loss's
class name). Plain data survives ``numpy.savez`` / ``numpy.load(allow_pickle=False)``, and
comparing it never calls the learner's code.

>>> plain_array(0.25, "cost")
array(0.25)
>>> plain_array("0.25", "cost")
Traceback (most recent call last):
...
course.exercises._plain.ResultError: `cost` should be a number, but your function returned a str.
>>> compare(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
>>> compare(np.array([1.0, 2.0]), np.array([[1.0, 2.0]]))
'shape (1, 2) instead of (2,)'
>>> describe(np.array([[0.5, 1.0], [2.0, 3.0]]), digits=2)
'[[0.50, 1.00], [2.00, 3.00]] (shape (2, 2))'
"""

from __future__ import annotations

import numpy as np


class ResultError(ValueError):
    """The learner's function returned something that is not the numbers we asked for."""


def _type_name(value) -> str:
    return type(value).__name__


def plain_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array (any shape), or raise ``ResultError`` naming ``name``.

    A number becomes a 0-d array; ``compare`` decides whether the shape is right. Accepts
    Python numbers, NumPy scalars and arrays, lists of numbers and tensors that
    NumPy understands. Refuses text, ``None``, objects and ragged lists.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise ResultError(f"`{name}` should be a number, but your function returned "
                          f"a {_type_name(value)}.")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists, objects whose __array__ fails, ...
        raise ResultError(f"`{name}` could not be read as numbers: your function returned "
                          f"a {_type_name(value)} ({type(error).__name__}).") from None
    if array.dtype.kind not in "biuf":
        raise ResultError(f"`{name}` should be made of real numbers, but your function returned "
                          f"a {_type_name(value)} (NumPy sees dtype {array.dtype}).")
    return np.array(array, dtype=np.float64)  # a copy the learner's code no longer touches


def plain_sequence(value, length: int, what: str) -> list:
    """Return ``value`` as a list of ``length`` items, or raise ``ResultError``."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise ResultError(f"your function should return {what}, but it returned "
                          f"a {_type_name(value)}.")
    try:
        items = list(value)
    except Exception:
        raise ResultError(f"your function should return {what}, but it returned "
                          f"a {_type_name(value)} that cannot be unpacked.") from None
    if len(items) != length:
        raise ResultError(f"your function should return {what} ({length} items), but it "
                          f"returned {len(items)} item{'s' if len(items) != 1 else ''}.")
    return items


def text(value: str) -> np.ndarray:
    """Plain text as a 0-d unicode array (stored by ``numpy.savez`` without pickle)."""
    return np.array(str(value))


def compare(expected: np.ndarray, received, rtol: float = 1e-6, atol: float = 1e-9):
    """Return ``None`` when ``received`` matches ``expected``, else a short reason.

    Numbers match when ``|received - expected| <= atol + rtol * |expected|`` element-wise,
    shapes are equal (a size-1 result may stand for a scalar), and the result has no NaN.
    Text matches when it is the same text.
    """
    if received is None:
        return "missing"
    received = np.asarray(received)
    if expected.dtype.kind == "U" or received.dtype.kind == "U":
        if expected.dtype.kind == received.dtype.kind and str(expected) == str(received):
            return None
        return f"{received} instead of {expected}"
    if expected.shape != received.shape:
        if expected.ndim == 0 and received.size == 1:
            received = received.reshape(())
        else:
            return f"shape {received.shape} instead of {expected.shape}"
    if np.isnan(received).any() and not np.isnan(expected).any():
        return "contains NaN"
    if np.isinf(received).any() and not np.isinf(expected).any():
        return "contains infinity"
    with np.errstate(all="ignore"):
        close = np.abs(received - expected) <= atol + rtol * np.abs(expected)
    close &= np.isfinite(expected)                       # an infinite tolerance matches nothing
    close |= received == expected                        # equal infinities
    close |= np.isnan(received) & np.isnan(expected)     # NaN where NaN is what we expect
    if close.all():
        return None
    return "different values"


def value_of(result) -> dict:
    """A trusted result with one part, ``"value"``, as float64 (an expected answer's form)."""
    return {"value": np.asarray(result, np.float64)}


def scaled(plain: dict, factor: float) -> dict:
    """Every part of ``plain`` times ``factor``: what a missing 1/m or a wrong sign gives.

    >>> scaled({"dj_dw": np.array([1.0, -2.0]), "dj_db": np.array(0.5)}, -1)
    {'dj_dw': array([-1.,  2.]), 'dj_db': array(-0.5)}
    """
    return {part: np.asarray(factor * value) for part, value in plain.items()}


def describe(value: np.ndarray, digits: int = 6) -> str:
    """A compact, fixed-precision text of plain data (long arrays are shortened)."""
    value = np.asarray(value)
    if value.dtype.kind == "U":
        return str(value)
    if value.ndim == 0:
        return f"{float(value):.{digits}f}"
    with np.printoptions(precision=digits, suppress=True, threshold=8, edgeitems=3,
                         floatmode="fixed"):
        body = np.array2string(value, separator=", ", max_line_width=10_000)
    return f"{' '.join(body.split())} (shape {value.shape})"      # on one line
