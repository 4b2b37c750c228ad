"""Activation functions of a dense layer, each with the derivative backpropagation needs.

A dense layer computes ``z = a_in @ W + b`` and then ``a = g(z)``, one activation ``g`` applied
entry by entry. Backpropagation needs ``g'(z)``: by the chain rule ``dJ/dz = dJ/da * g'(z)``.

==========  ============================  ======================================
name        g(z)                          g'(z)
==========  ============================  ======================================
"linear"    z                             1
"sigmoid"   1 / (1 + exp(-z))             g(z) * (1 - g(z))
"relu"      max(0, z)                     1 where z > 0, else 0 (0 at z = 0, as Keras)
==========  ============================  ======================================

``None`` means "linear", as in ``keras.layers.Dense(units, activation=None)``.

>>> sigmoid(np.array([0.0, 2.0]))
array([0.5       , 0.88079708])
>>> relu(np.array([-1.0, 0.0, 3.0]))
array([0., 0., 3.])
>>> get("sigmoid").name, get(None).name
('sigmoid', 'linear')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from course._validation import as_float_array, check_shape


# ----- the mathematics: trusts its input (float64 arrays), used inside the network -------

def _linear(z: np.ndarray) -> np.ndarray:
    """Identity: ``g(z) = z`` (a regression output)."""
    return z


def _linear_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``g'(z) = 1`` for every entry."""
    return np.ones_like(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    ``np.exp(-z)`` overflows for z below about -709, so for negative z the equal form
    ``exp(z) / (1 + exp(z))`` is used (top and bottom multiplied by ``exp(z)``); only
    ``exp(-|z|)``, a number in (0, 1], is ever computed. Results lie in [0, 1]. This is the
    one sigmoid of the package: ``course.logistic`` and ``course.losses`` use it too.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))                                   # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0, e) / (1.0 + e)              # 1/(1+e^-z) or e^z/(1+e^z)


def _sigmoid_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``g'(z) = g(z) (1 - g(z))``, from the already computed ``a = g(z)``."""
    return a * (1.0 - a)


def _relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``."""
    return np.maximum(z, 0.0)


def _relu_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """1 where ``z > 0``, else 0; at ``z = 0`` the derivative is taken as 0, as Keras does."""
    return (z > 0).astype(np.float64)


# ----- public entry points: validate, then compute ----------------------------------------

def _check_z(z) -> np.ndarray:
    """z as a float64 array of any shape; +-infinity is fine (g has a limit), NaN is not."""
    return as_float_array(z, "z", allow_infinity=True)


def _check_z_and_a(z, a, function) -> tuple[np.ndarray, np.ndarray]:
    """z as above and a = g(z): given (checked to match z's shape) or computed."""
    z = _check_z(z)
    if a is None:
        return z, function(z)
    a = as_float_array(a, "a", allow_infinity=True)
    check_shape(a, "a", z.shape, "z.shape", "(a = g(z), entry by entry)")
    return z, a


def linear(z) -> np.ndarray:
    """Identity: ``g(z) = z`` (a regression output); a float64 array of z's shape."""
    return _linear(_check_z(z)).copy()   # a new array, like every other activation


def linear_derivative(z, a=None) -> np.ndarray:
    """``g'(z) = 1`` for every entry of z (``a`` is not needed)."""
    z, _ = _check_z_and_a(z, a, _linear)
    return _linear_derivative(z, None)


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    ``np.exp(-z)`` overflows for z below about -709, so for negative z the equal form
    ``exp(z) / (1 + exp(z))`` is used (top and bottom multiplied by ``exp(z)``); only
    ``exp(-|z|)``, a number in (0, 1], is ever computed. Results lie in [0, 1], also for
    z = +-infinity. This is the one sigmoid of the package: ``course.logistic`` and
    ``course.losses`` use it too.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return _sigmoid(_check_z(z))


def sigmoid_derivative(z, a=None) -> np.ndarray:
    """``g'(z) = g(z) (1 - g(z))``, from ``a = g(z)`` if given (else it is computed)."""
    z, a = _check_z_and_a(z, a, _sigmoid)
    return _sigmoid_derivative(z, a)


def relu(z) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``."""
    return _relu(_check_z(z))


def relu_derivative(z, a=None) -> np.ndarray:
    """1 where ``z > 0``, else 0; at ``z = 0`` the derivative is taken as 0, as Keras does."""
    z, _ = _check_z_and_a(z, a, _relu)
    return _relu_derivative(z, None)


@dataclass(frozen=True)
class Activation:
    """An activation by name: the function ``g(z)`` and its derivative ``g'(z)``.

    ``derivative(z, a)`` receives both ``z`` and ``a = g(z)`` so that each can use the
    cheaper one (the sigmoid's derivative reuses ``a``). Both trust their inputs (float64
    arrays): they run inside the network's training loop, after the door checks.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"`name` must be a string; got {self.name!r}.")
        for field in ("function", "derivative"):
            if not callable(getattr(self, field)):
                raise TypeError(f"`{field}` must be a function of z; "
                                f"got {getattr(self, field)!r}.")


ACTIVATIONS = {
    "linear": Activation("linear", _linear, _linear_derivative),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_derivative),
    "relu": Activation("relu", _relu, _relu_derivative),
}


def get(activation: str | None) -> Activation:
    """Look an activation up by name (``None`` means ``"linear"``).

    Raises:
        ValueError: the name is not one of "linear", "sigmoid", "relu".

    >>> get("tanh")
    Traceback (most recent call last):
    ...
    ValueError: `activation` must be None or one of 'linear', 'relu', 'sigmoid'; got 'tanh'.
    """
    if activation is None:
        return ACTIVATIONS["linear"]
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        choices = ", ".join(repr(key) for key in sorted(ACTIVATIONS))
        raise ValueError(f"`activation` must be None or one of {choices}; got {activation!r}.")
    return ACTIVATIONS[activation]
