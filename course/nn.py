"""A neural network in NumPy with Keras' API: ``Sequential``, ``Dense``, ``compile``, ``fit``.

Swap ``from keras import Sequential`` for ``from course.nn import Sequential`` and the
lesson's code runs unchanged; from the same initial weights both trace the same loss curve.
What Keras hides is written out here: ``forward`` (the model f), ``backward`` (the chain
rule) and the update in ``fit``.

For layer l with activation g, weights W[l] of shape (n_in, n_out) and biases b[l] (n_out,):

    forward    z[l] = a[l-1] @ W[l] + b[l]        a[l] = g(z[l])          a[0] = X (m, n)
    backward   dz[L] = dJ/da[L] * g'(z[L])        (= (a[L] - y) / m for sigmoid + cross-entropy)
               dW[l] = a[l-1].T @ dz[l]           db[l] = sum of dz[l] over the m rows
               dz[l-1] = (dz[l] @ W[l].T) * g'(z[l-1])

``Input`` and ``Dense`` live in ``course.layers`` and are imported here, so that
``from course.nn import Sequential, Dense, Input`` works as with Keras.
``forward(X)`` returns the cache ``{"X": X, "z": [z1, z2, ...], "a": [a1, a2, ...]}`` (list
index 0 is layer 1) and ``backward(cache, y)`` returns ``{"dW": [dW1, ...], "db": [db1, ...]}``.

Like Keras, when the last layer is a sigmoid and the loss is binary cross-entropy, the loss
is computed from the logits z[L] (no clipping), so a saturated output still has a finite,
exact loss. Weights start Glorot-uniform, U(-r, r) with r = sqrt(6 / (n_in + n_out)), from
the model's seeded generator; biases start at 0.

>>> model = Sequential([Input(shape=(2,)), Dense(1, activation="sigmoid")], seed=0)
>>> model.set_weights([np.array([[1.0], [-1.0]]), np.array([0.0])])
>>> model.predict(np.array([[0.0, 0.0], [2.0, 0.0]])).round(4)
array([[0.5   ],
       [0.8808]])
>>> model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.1))
>>> round(model.evaluate(np.array([[0.0, 0.0]]), np.array([[1.0]])), 6)   # -log(0.5)
0.693147
"""

from __future__ import annotations

import numpy as np

from course._validation import (_describe, as_count, as_flag, as_float_array, as_generator,
                                check_binary, check_not_empty, check_shape)
from course.layers import Dense, Input
from course.losses import BinaryCrossentropy, MeanSquaredError
from course.losses import _bce_from_logits  # trusts its input
from course.losses import _mean  # a mean that survives entries near 1e308
from course.optimizers import SGD, RMSprop, get as get_optimizer

__all__ = ["Input", "Dense", "Sequential", "History", "SGD", "RMSprop"]

_LOSS_NAMES = {"binary_crossentropy": BinaryCrossentropy, "mse": MeanSquaredError,
               "mean_squared_error": MeanSquaredError}


def _check_verbose(verbose) -> int:
    """Keras' ``verbose``: 0 (silent), 1 or 2 (one line per epoch here), "auto" (= 1)."""
    message = f'`verbose` must be 0, 1, 2 or "auto"; got {_describe(verbose)}.'
    if isinstance(verbose, str) and verbose == "auto":
        return 1
    if not isinstance(verbose, (bool, np.bool_, int, np.integer)):
        raise TypeError(message)
    if not 0 <= verbose <= 2:
        raise ValueError(message)
    return int(verbose)


def _check_batch_size(batch_size) -> int | None:
    """``predict``/``evaluate`` compute in one batch; Keras' ``batch_size`` is checked, unused."""
    return None if batch_size is None else as_count(batch_size, "batch_size")


class History:
    """What ``fit`` returns: ``history["loss"]`` holds one float per epoch.

    Args:
        losses: one loss per epoch (a diverged run may hold inf or NaN).
        params: what the run was, e.g. ``{"epochs": 3, "steps": 1}``.

    >>> History([0.7, 0.5], {"epochs": 2, "steps": 1})
    History(epochs=2, final loss=0.500000)
    """

    def __init__(self, losses: list[float], params: dict):
        values = as_float_array(losses, "losses", ndim=1, shape_hint="(epochs,)",
                                allow_nonfinite=True)
        if not isinstance(params, dict):
            raise TypeError(f"`params` must be a dict; got {_describe(params)}.")
        self.history = {"loss": [float(value) for value in values]}
        self.epoch = list(range(len(values)))
        self.params = params

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(epochs=0)"
        return f"History(epochs={len(self.epoch)}, final loss={self.history['loss'][-1]:.6f})"


class Sequential:
    """A stack of Dense layers, trained with ``compile`` then ``fit`` as in Keras.

    Args:
        layers: a list of ``Dense`` layers, optionally starting with ``Input(shape=(n,))``
            (then the weights exist at once; otherwise at ``build`` or the first ``fit``).
        seed: int, None or ``numpy.random.Generator`` for the initial weights and shuffling.
    """

    def __init__(self, layers=None, seed=None):
        if layers is None:
            layers = []
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"`layers` must be a list of layers, e.g. [Input(shape=(n,)), "
                            f"Dense(1)]; got {_describe(layers)}.")
        self._rng = as_generator(seed)
        self.input_size: int | None = None
        self.loss = None
        self.optimizer = None
        first = 1 if layers and isinstance(layers[0], Input) else 0
        for position, layer in enumerate(layers[first:], start=first):
            if not isinstance(layer, Dense):
                raise TypeError(f"`layers[{position}]` must be a Dense layer (Input may only "
                                f"come first); got {layer!r}.")
        if len(layers) == first:
            raise ValueError("`layers` must contain at least one Dense layer; got none.")
        if first:
            self.input_size = layers[0].shape[0]
        self.layers = list(layers[first:])
        if self.input_size is not None:
            self._build(self.input_size)

    @property
    def built(self) -> bool:
        return self.layers[0].W is not None

    def build(self, input_shape) -> None:
        """Create every layer's weights for inputs of shape ``(None, n)`` or ``(n,)``.

        A model that already has weights keeps them (as in Keras); asking it for another
        number of inputs is an error: build a new model for that.
        """
        shape = (input_shape,) if isinstance(input_shape, (int, np.integer)) else input_shape
        if not isinstance(shape, (tuple, list)):
            raise TypeError(f"`input_shape` must be (None, n) or (n,); got {input_shape!r}.")
        if len(shape) not in (1, 2):
            raise ValueError(f"`input_shape` must be (None, n) or (n,); got {input_shape!r}.")
        n_in = as_count(shape[-1], "input_shape[-1]")
        if self.built:
            if n_in != self.input_size:
                raise ValueError(f"`input_shape` must be (None, {self.input_size}), the inputs "
                                 f"this model was built for; got {input_shape!r} (build a new "
                                 f"model for {n_in} inputs).")
            return
        self._build(n_in)

    def _build(self, n_in: int) -> None:
        self.input_size = n_in
        for layer in self.layers:
            layer.build(n_in, self._rng)
            n_in = layer.units

    def compile(self, optimizer="rmsprop", loss=None) -> None:
        """Choose the optimizer and the loss; the arguments come in Keras' order.

        Args:
            optimizer: "rmsprop" (the default, as in Keras), "sgd", ``SGD(...)`` or
                ``RMSprop(...)``.
            loss: ``BinaryCrossentropy()``, ``MeanSquaredError()`` (from ``course.losses``),
                "binary_crossentropy" or "mse".
        """
        if isinstance(loss, str) and loss in _LOSS_NAMES:
            loss = _LOSS_NAMES[loss]()
        if not isinstance(loss, (BinaryCrossentropy, MeanSquaredError)):
            raise ValueError('`loss` must be BinaryCrossentropy(), MeanSquaredError(), '
                             f'"binary_crossentropy" or "mse"; got {loss!r}.')
        self.loss = loss
        self.optimizer = get_optimizer(optimizer)
        if isinstance(self.optimizer, RMSprop):
            self.optimizer.reset()

    # ----- the mathematics: forward, loss, backward ---------------------------------------

    def _forward(self, X: np.ndarray) -> dict:
        cache = {"X": X, "z": [], "a": []}
        a = X
        for layer in self.layers:
            z, a = layer._forward(a)                       # (m, units) each
            cache["z"].append(z)
            cache["a"].append(a)
        return cache

    def _uses_logits(self) -> bool:
        """Keras' shortcut: sigmoid output + cross-entropy -> loss computed from z[L]."""
        return (isinstance(self.loss, BinaryCrossentropy)
                and self.layers[-1].activation.name == "sigmoid")

    def _loss(self, cache: dict, y: np.ndarray) -> float:
        if self._uses_logits():
            return _mean(_bce_from_logits(y, cache["z"][-1]))
        return _mean(self.loss._per_entry(y, cache["a"][-1]))

    def _backward(self, cache: dict, y: np.ndarray) -> dict:
        z, a, last = cache["z"], cache["a"], self.layers[-1]
        if self._uses_logits():
            dz = (a[-1] - y) / y.size                                      # (m, 1)
        else:
            dz = self.loss._gradient(y, a[-1]) * last.activation.derivative(z[-1], a[-1])
        dWs, dbs = [], []
        for index in reversed(range(len(self.layers))):              # last layer first
            a_in = cache["X"] if index == 0 else a[index - 1]              # (m, n_in)
            dWs.append(a_in.T @ dz)                                        # (n_in, units)
            dbs.append(dz.sum(axis=0))                                     # (units,)
            if index > 0:
                below = self.layers[index - 1].activation
                dz = (dz @ self.layers[index].W.T) * below.derivative(z[index - 1], a_in)
        return {"dW": dWs[::-1], "db": dbs[::-1]}

    # ----- public entry points: validate, then trust ---------------------------------------

    def _check_X(self, X) -> np.ndarray:
        X = as_float_array(X, "X", ndim=2, shape_hint="(m, n)")
        check_not_empty(X, "X")
        if not self.built:
            self.build((None, X.shape[1]))
        check_shape(X, "X", (X.shape[0], self.input_size), "(m, n_in)",
                    f"to match the model's {self.input_size} inputs")
        return X

    def _check_y(self, y, m: int) -> np.ndarray:
        y = as_float_array(y, "y")
        units = self.layers[-1].units
        hint = "; use y.reshape(-1, 1)" if (y.shape == (m,) and units == 1) else ""
        check_shape(y, "y", (m, units), "(m, units)",
                    f"(one row per example of X, one column per output unit{hint})")
        if isinstance(self.loss, BinaryCrossentropy):
            check_binary(y, "y")
        return y

    def _check_compiled(self, method: str) -> None:
        if self.loss is None:
            raise RuntimeError(f"Call `model.compile(loss=...)` before `model.{method}()`.")

    def forward(self, X) -> dict:
        """Run the network on X (m, n); returns the cache ``{"X": X, "z": [z1, ...],
        "a": [a1, ...]}`` with one (m, units) array per layer; ``a[-1]`` is the output."""
        return self._forward(self._check_X(X))

    def _check_cache(self, cache) -> dict:
        """A cache as ``forward`` returns it, for this model's layers and weights."""
        if not isinstance(cache, dict) or not {"X", "z", "a"} <= set(cache):
            raise TypeError('`cache` must be the dict model.forward(X) returns, with keys '
                            f'"X", "z" and "a"; got {_describe(cache)}.')
        X = self._check_X(cache["X"])
        for key in ("z", "a"):
            values = cache[key]
            if not isinstance(values, (list, tuple)) or len(values) != len(self.layers):
                raise ValueError(f'`cache["{key}"]` must hold one array per layer '
                                 f'({len(self.layers)}); got {_describe(values)}.')
            for index, (value, layer) in enumerate(zip(values, self.layers)):
                name = f'cache["{key}"][{index}]'
                array = as_float_array(value, name, allow_nonfinite=True)
                check_shape(array, name, (X.shape[0], layer.units), "(m, units)")
        return cache

    def backward(self, cache: dict, y) -> dict:
        """Backpropagation: ``{"dW": [dW1, ...], "db": [db1, ...]}``, the gradient of the cost
        J on the cached batch, each the shape of its W[l] or b[l]. ``y`` is (m, units)."""
        self._check_compiled("backward")
        cache = self._check_cache(cache)
        return self._backward(cache, self._check_y(y, cache["X"].shape[0]))

    def predict(self, X, batch_size=None, verbose=0) -> np.ndarray:
        """The network's output ``a[L]`` for X (m, n): shape (m, units of the last layer).

        ``batch_size`` and ``verbose`` are Keras' arguments: checked, but everything is
        computed in one batch, silently.
        """
        _check_batch_size(batch_size)
        _check_verbose(verbose)
        return self._forward(self._check_X(X))["a"][-1]

    def evaluate(self, X, y, batch_size=None, verbose=0) -> float:
        """The cost J on (X, y) with the current weights (as ``model.evaluate`` returns)."""
        self._check_compiled("evaluate")
        _check_batch_size(batch_size)
        _check_verbose(verbose)
        X = self._check_X(X)
        return self._loss(self._forward(X), self._check_y(y, X.shape[0]))

    def fit(self, X, y, epochs=1, batch_size=32, shuffle=True, verbose=0, seed=None) -> History:
        """Mini-batch gradient descent with the compiled optimizer.

        Each epoch visits the m examples in batches of ``batch_size`` (the last one may be
        smaller; ``batch_size >= m`` is full-batch gradient descent), in a fresh random
        order if ``shuffle``. For every batch: forward, loss, backward, update. As in Keras,
        ``history["loss"][e]`` is the mean of the batch losses of epoch e, weighted by batch
        size, each measured *before* its update. ``seed`` (default: the model's generator)
        controls the shuffling. ``verbose > 0`` prints one line per epoch.
        """
        self._check_compiled("fit")
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        epochs = as_count(epochs, "epochs")
        batch_size = as_count(batch_size, "batch_size")
        shuffle = as_flag(shuffle, "shuffle")
        verbose = _check_verbose(verbose)
        rng = self._rng if seed is None else as_generator(seed)
        params = self.get_weights(copy=False)
        m, losses = X.shape[0], []
        for epoch in range(epochs):
            order = rng.permutation(m) if shuffle else slice(None)
            X_epoch, y_epoch = X[order], y[order]
            total = 0.0
            for start in range(0, m, batch_size):
                X_batch = X_epoch[start:start + batch_size]      # (batch_size or fewer, n)
                y_batch = y_epoch[start:start + batch_size]
                cache = self._forward(X_batch)
                total += self._loss(cache, y_batch) * X_batch.shape[0]
                grads = self._backward(cache, y_batch)
                # [dW1, db1, dW2, db2, ...]: the order of get_weights
                self.optimizer._apply(params, [g for pair in zip(grads["dW"], grads["db"])
                                              for g in pair])
            losses.append(total / m)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - loss: {losses[-1]:.4f}")
        return History(losses, {"epochs": epochs, "steps": -(-m // batch_size)})

    # ----- weights in Keras' layout ---------------------------------------------------------

    def get_weights(self, copy: bool = True) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``, W (n_in, n_out), b (n_out,), as Keras orders them."""
        copy = as_flag(copy, "copy")
        if not self.built:
            raise RuntimeError("The model has no weights yet: start the layers with "
                               "`Input(shape=(n,))` or call `model.build((None, n))`.")
        pairs = [(layer.W, layer.b) for layer in self.layers]
        return [p.copy() if copy else p for pair in pairs for p in pair]

    def set_weights(self, weights) -> None:
        """Replace the weights with ``[W1, b1, W2, b2, ...]`` (copied, as float64)."""
        current = self.get_weights(copy=False)
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"`weights` must be a list of {len(current)} arrays "
                            f"[W1, b1, ...]; got {_describe(weights)}.")
        if len(weights) != len(current):
            raise ValueError(f"`weights` must be a list of {len(current)} arrays "
                             f"[W1, b1, ...]; got {len(weights)}.")
        new = []
        for index, (value, old) in enumerate(zip(weights, current)):
            name = f"weights[{index}]"
            array = as_float_array(value, name)
            kind = "(n_in, n_out)" if index % 2 == 0 else "(n_out,)"
            check_shape(array, name, old.shape, kind)
            new.append(array.copy())
        for layer, W, b in zip(self.layers, new[0::2], new[1::2]):
            layer.W, layer.b = W, b

    def summary(self) -> None:
        """Print each layer with its output shape and number of weights and biases."""
        if not self.built:
            print("Sequential (unbuilt): no weights until build((None, n)) or fit().")
            return
        print(f"{'Layer':<38}{'Output shape':<14}{'Params':>7}")
        for layer in self.layers:
            print(f"{layer!r:<38}{str((None, layer.units)):<14}{layer.W.size + layer.b.size:>7}")
        print(f"Total params: {sum(w.size for w in self.get_weights(copy=False))}")
