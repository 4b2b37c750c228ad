"""Optimizers: how the gradients of one step change the weights.

``SGD`` is the slide's gradient descent, one update per parameter array W:

    W = W - alpha * dJ/dW

``RMSprop`` is what Keras uses when ``compile`` is given no optimizer. It keeps, for every
parameter entry, a running average of the squared gradient (the "velocity" v, starting at
0) and divides the step by its square root, so that entries with large gradients take
smaller steps. Keras 3's exact update (``keras/src/optimizers/rmsprop.py``, momentum 0,
not centered):

    v = rho * v + (1 - rho) * g^2
    W = W - learning_rate * g / sqrt(v + epsilon)

Note that epsilon sits *inside* the square root in Keras 3.

>>> W = [np.array([1.0, 2.0])]
>>> SGD(learning_rate=0.1).apply(W, [np.array([10.0, -10.0])])
>>> W[0]
array([0., 3.])
>>> W = [np.array([1.0])]
>>> RMSprop(learning_rate=0.01).apply(W, [np.array([2.0])])   # v = 0.1*4 = 0.4
>>> round(float(W[0][0]), 6)                                  # 1 - 0.01*2/sqrt(0.4+1e-7)
0.968377
"""

from __future__ import annotations

import numpy as np

from course._validation import _describe, as_float_arrays, as_real_number


def _check_params(params) -> list[np.ndarray]:
    """A non-empty list of float NumPy arrays that can be updated in place."""
    if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)):
        hint = " (wrap one array in a list: [W])" if isinstance(params, np.ndarray) else ""
        raise TypeError(f"`params` must be a list of NumPy arrays [W1, b1, ...], updated in "
                        f"place; got {_describe(params)}{hint}.")
    if not params:
        raise ValueError("`params` must hold at least one array; got an empty "
                         f"{type(params).__name__}.")
    for i, param in enumerate(params):
        if not isinstance(param, np.ndarray) or not np.issubdtype(param.dtype, np.floating):
            raise TypeError(f"`params[{i}]` must be a NumPy array of floats, so that it can be "
                            f"updated in place (e.g. np.array(W, dtype=float)); "
                            f"got {_describe(param)}.")
        if not param.flags.writeable:
            raise ValueError(f"`params[{i}]` must be a writeable array (it is updated in "
                             f"place); got a read-only array of shape {param.shape}.")
    return list(params)


def _check_gradients(params, grads) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The parameters (see ``_check_params``) and one finite gradient per parameter, each of
    its parameter's shape (NumPy would otherwise broadcast a (n_out,) gradient over a
    (n_in, n_out) W without a word)."""
    params = _check_params(params)
    grads = as_float_arrays(grads, "grads", what="gradient")
    if len(grads) != len(params):
        raise ValueError(f"`grads` must hold one gradient per parameter ({len(params)}); "
                         f"got {len(grads)}.")
    for i, (param, grad) in enumerate(zip(params, grads)):
        if grad.shape != param.shape:
            raise ValueError(f"`grads[{i}]` must have the shape of its parameter "
                             f"{param.shape}; got shape {grad.shape}.")
    return params, grads


class SGD:
    """Plain (stochastic) gradient descent: ``W = W - learning_rate * dJ/dW``.

    Args:
        learning_rate: the step size alpha (> 0). Default 0.01, as in Keras.
    """

    name = "SGD"

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = as_real_number(learning_rate, "learning_rate", positive=True)

    def __repr__(self) -> str:
        return f"SGD(learning_rate={self.learning_rate!r})"

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place with its gradient in ``grads``.

        ``params`` is a list of float arrays (changed in place, as Keras changes its
        variables); ``grads`` a list of arrays of the same shapes.
        """
        self._apply(*_check_gradients(params, grads))

    def _apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """The update without checks (``Sequential.fit`` calls this at every step)."""
        for param, grad in zip(params, grads):
            param -= self.learning_rate * grad


class RMSprop:
    """RMSprop with Keras 3's defaults and update rule (see the module docstring).

    Args:
        learning_rate: step size (> 0). Default 0.001.
        rho: decay of the running average of squared gradients, in [0, 1). Default 0.9.
        epsilon: small constant added *inside* the square root (> 0). Default 1e-7.

    The velocities are created at the first ``apply`` with the parameters' shapes and zeros;
    ``reset()`` forgets them (``Sequential.compile`` calls it, like Keras' fresh optimizer).
    """

    name = "RMSprop"

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7):
        self.learning_rate = as_real_number(learning_rate, "learning_rate", positive=True)
        self.rho = as_real_number(rho, "rho", nonnegative=True)
        if self.rho >= 1:
            raise ValueError(f"`rho` must be in [0, 1); got {rho!r}.")
        self.epsilon = as_real_number(epsilon, "epsilon", positive=True)
        self.velocities: list[np.ndarray] | None = None

    def __repr__(self) -> str:
        return (f"RMSprop(learning_rate={self.learning_rate!r}, rho={self.rho!r}, "
                f"epsilon={self.epsilon!r})")

    def reset(self) -> None:
        """Forget the running averages (start again from v = 0)."""
        self.velocities = None

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place with its gradient in ``grads``.

        ``params`` is a list of float arrays (changed in place); ``grads`` a list of arrays
        of the same shapes. The running averages belong to these parameters: after
        ``apply`` on other shapes, ``reset()`` first.
        """
        params, grads = _check_gradients(params, grads)
        if self.velocities is not None:
            shapes = [v.shape for v in self.velocities]
            if shapes != [p.shape for p in params]:
                raise ValueError(f"`params` must have the shapes of the earlier steps "
                                 f"{shapes} (call reset() to start on new parameters); "
                                 f"got {[p.shape for p in params]}.")
        self._apply(params, grads)

    def _apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """The update without checks (``Sequential.fit`` calls this at every step)."""
        if self.velocities is None:
            self.velocities = [np.zeros_like(param) for param in params]
        for param, grad, velocity in zip(params, grads, self.velocities):
            velocity *= self.rho
            velocity += (1.0 - self.rho) * np.square(grad)
            param -= self.learning_rate * grad / np.sqrt(velocity + self.epsilon)


def get(optimizer) -> SGD | RMSprop:
    """An optimizer from a name (``"sgd"``, ``"rmsprop"``) or an optimizer object.

    >>> get("rmsprop")
    RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-07)
    >>> get("adam")
    Traceback (most recent call last):
    ...
    ValueError: `optimizer` must be "sgd", "rmsprop", SGD(...) or RMSprop(...); got 'adam'.
    """
    if isinstance(optimizer, (SGD, RMSprop)):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in ("sgd", "rmsprop"):
        return SGD() if optimizer.lower() == "sgd" else RMSprop()
    error = ValueError if isinstance(optimizer, str) else TypeError
    raise error('`optimizer` must be "sgd", "rmsprop", SGD(...) or RMSprop(...); '
                f"got {optimizer!r}.")
