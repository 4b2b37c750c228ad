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


def linear(z: np.ndarray) -> np.ndarray:
    """Identity: ``g(z) = z`` (a regression output)."""
    return z


def linear_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``g'(z) = 1`` for every entry."""
    return np.ones_like(z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    ``np.exp(-z)`` overflows for z below about -709, so for negative z the equal form
    ``exp(z) / (1 + exp(z))`` is used (top and bottom multiplied by ``exp(z)``); only
    ``exp(-|z|)``, a number in (0, 1], is ever computed. Results lie in [0, 1]. This is the
    one sigmoid of the package: ``course.logistic`` and ``course.losses`` use it too.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))                                   # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0, e) / (1.0 + e)              # 1/(1+e^-z) or e^z/(1+e^z)


def sigmoid_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``g'(z) = g(z) (1 - g(z))``, from the already computed ``a = g(z)``."""
    return a * (1.0 - a)


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``."""
    return np.maximum(z, 0.0)


def relu_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """1 where ``z > 0``, else 0; at ``z = 0`` the derivative is taken as 0, as Keras does."""
    return (z > 0).astype(np.float64)


@dataclass(frozen=True)
class Activation:
    """An activation by name: the function ``g(z)`` and its derivative ``g'(z)``.

    ``derivative(z, a)`` receives both ``z`` and ``a = g(z)`` so that each can use the
    cheaper one (the sigmoid's derivative reuses ``a``).
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]


ACTIVATIONS = {
    "linear": Activation("linear", linear, linear_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "relu": Activation("relu", relu, relu_derivative),
}


def get(name: str | None) -> Activation:
    """Look an activation up by name (``None`` means ``"linear"``).

    Raises:
        ValueError: the name is not one of "linear", "sigmoid", "relu".

    >>> get("tanh")
    Traceback (most recent call last):
    ...
    ValueError: `activation` must be None or one of 'linear', 'relu', 'sigmoid'; got 'tanh'.
    """
    if name is None:
        return ACTIVATIONS["linear"]
    if not isinstance(name, str) or name not in ACTIVATIONS:
        choices = ", ".join(repr(key) for key in sorted(ACTIVATIONS))
        raise ValueError(f"`activation` must be None or one of {choices}; got {name!r}.")
    return ACTIVATIONS[name]
