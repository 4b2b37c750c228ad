"""Layers of a network: ``Input`` (the shape of one example) and ``Dense``.

A dense layer with ``units`` neurons and activation g maps a batch a_in of shape (m, n_in)
to (m, units):

    z = a_in @ W + b        W (n_in, units), Keras' "kernel";  b (units,), Keras' "bias"
    a = g(z)

``build`` creates the weights: Glorot-uniform W ~ U(-r, r) with r = sqrt(6 / (n_in +
units)), as Keras' default ``glorot_uniform``, drawn from a seeded generator, and b = 0.

>>> layer = Dense(2, activation="relu")
>>> layer.build(3, np.random.default_rng(0))
>>> layer.W.shape, layer.b.tolist()
((3, 2), [0.0, 0.0])
>>> bool(np.all(np.abs(layer.W) <= np.sqrt(6 / (3 + 2))))
True
>>> layer.W, layer.b = np.ones((3, 2)), np.array([0.0, -10.0])
>>> z, a = layer.forward(np.array([[1.0, 2.0, 3.0]]))      # z = (6, 6 - 10)
>>> z, a
(array([[ 6., -4.]]), array([[6., 0.]]))
"""

from __future__ import annotations

import numpy as np

from course import activations
from course._validation import as_count, as_float_array, as_generator, check_not_empty

MAX_UNITS = 100_000
"""More neurons than this in one layer (or inputs to it) would not fit in memory."""
MAX_WEIGHTS = 100_000_000
"""The most weights one layer may have, n_in * units (800 MB in float64)."""


class Input:
    """The input's shape without the batch dimension, e.g. ``Input(shape=(64,))``."""

    def __init__(self, shape):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)):
            raise TypeError(f"`shape` must be a tuple (n,) of one feature count; got {shape!r}.")
        if len(shape) != 1:
            raise ValueError(f"`shape` must be a tuple (n,) of one feature count; got {shape!r}.")
        self.shape = (as_count(shape[0], "shape[0]", maximum=MAX_UNITS),)

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"


class Dense:
    """A fully connected layer: ``a = activation(a_in @ W + b)``.

    Args:
        units: number of neurons, n_out (>= 1).
        activation: None or "linear" (the identity), "sigmoid" or "relu".

    ``W`` (Keras' ``kernel``, shape (n_in, units)) and ``b`` (``bias``, (units,)) are None
    until the layer is built.
    """

    def __init__(self, units: int, activation: str | None = None):
        self.units = as_count(units, "units", maximum=MAX_UNITS)
        self.activation = activations.get(activation)
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Dense(units={self.units}, activation={self.activation.name!r})"

    def build(self, n_in: int, rng: np.random.Generator) -> None:
        """Glorot-uniform W of shape (n_in, units) and zero biases (new weights each call).

        ``n_in`` is the number of inputs (>= 1); ``rng`` a ``numpy.random.Generator`` (or a
        seed: an int or None).
        """
        n_in = as_count(n_in, "n_in", maximum=MAX_UNITS)
        if n_in * self.units > MAX_WEIGHTS:
            raise ValueError(f"`n_in` must be small enough for n_in * units weights to fit in "
                             f"memory (at most {MAX_WEIGHTS:,}); got {n_in} inputs for "
                             f"{self.units} units.")
        self._build(n_in, as_generator(rng, "rng"))

    def _build(self, n_in: int, rng: np.random.Generator) -> None:
        limit = np.sqrt(6.0 / (n_in + self.units))
        self.W = rng.uniform(-limit, limit, size=(n_in, self.units))
        self.b = np.zeros(self.units)

    def forward(self, a_in) -> tuple[np.ndarray, np.ndarray]:
        """``z = a_in @ W + b`` and ``a = g(z)`` for a_in (m, n_in); both (m, units)."""
        if self.W is None or self.b is None:
            raise RuntimeError("The layer has no weights yet: call `layer.build(n_in, rng)` "
                               "or set `layer.W` and `layer.b` first.")
        n_in = np.shape(self.W)[0]
        a_in = as_float_array(a_in, "a_in", ndim=2, shape_hint="(m, n_in)")
        check_not_empty(a_in, "a_in")
        if a_in.shape[1] != n_in:
            raise ValueError(f"`a_in` must have shape (m, n_in) with n_in = {n_in}, the rows "
                             f"of W; got shape {a_in.shape}.")
        return self._forward(a_in)

    def _forward(self, a_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The same without checks (the network's training loop calls this)."""
        z = a_in @ self.W + self.b                       # (m, units)
        return z, self.activation.function(z)
