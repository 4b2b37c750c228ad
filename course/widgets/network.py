"""An explorer for the 25-15-1 sigmoid network on the digits 0 and 1: α and epochs."""

from __future__ import annotations

import numpy as np

from course import nn, plots
from course._validation import (_describe, as_count, as_float_array, as_generator, as_real_number,
                                check_binary, check_not_empty)
from course.data import load_digits01
from course.losses import BinaryCrossentropy
from course.widgets._base import (_alpha_slider, _count_slider, _Explorer, _write_message,
                                  divergence_message)

NETWORK_ALPHA_RANGE = (1e-3, 10.0)  # the network's α slider, log scale
MAX_EPOCHS = 5000  # α = 0.01 needs 2,000 to 2,500 epochs to get every test image right


class NetworkExplorer(_Explorer):
    """Full-batch gradient descent on the 25-15-1 sigmoid network; loss curve and accuracy.

    Takes the arguments of ``network_explorer`` (which see).
    """

    css_class = "course-network-explorer"

    def __init__(self, data=None, alpha=1.0, epochs=100, seed=0):
        train, test = _check_data(data)
        alpha = as_real_number(alpha, "alpha", positive=True)
        epochs = as_count(epochs, "epochs", minimum=1)
        # One int seed drawn once: every redraw then starts from the same initial weights,
        # even when the caller passed a Generator (which would move on at each use).
        rng = as_generator(seed)  # checks the argument
        seed = seed if isinstance(seed, (int, np.integer)) else int(rng.integers(2**32))
        (self.X_train, self.y_train), (self.X_test, self.y_test) = train, test
        self.seed = seed
        self.alpha_slider = _alpha_slider(alpha, NETWORK_ALPHA_RANGE)
        self.epochs_slider = _count_slider(epochs, MAX_EPOCHS, "epochs", "epochs")
        super().__init__([self.alpha_slider, self.epochs_slider])
        self.update()

    def __repr__(self) -> str:
        return (f"NetworkExplorer(alpha={self.alpha_slider.value:.3g}, "
                f"epochs={self.epochs_slider.value})")

    def _accuracy(self, X, y) -> float:
        return float(np.mean((self.model.predict(X) >= 0.5) == (y >= 0.5)))

    def _train_and_draw(self):
        alpha, epochs = self.alpha_slider.value, self.epochs_slider.value
        self.model = nn.Sequential([nn.Input(shape=(self.X_train.shape[1],)),
                                    nn.Dense(25, activation="sigmoid"),
                                    nn.Dense(15, activation="sigmoid"),
                                    nn.Dense(1, activation="sigmoid")], seed=self.seed)
        self.model.compile(loss=BinaryCrossentropy(), optimizer=nn.SGD(learning_rate=alpha))
        m = self.X_train.shape[0]
        history = self.model.fit(self.X_train, self.y_train, epochs=epochs, batch_size=m,
                                 shuffle=False, verbose=0)
        self.losses = np.asarray(history.history["loss"], dtype=np.float64)
        self.train_loss = float(self.model.evaluate(self.X_train, self.y_train))
        self.train_accuracy = self._accuracy(self.X_train, self.y_train)
        self.test_accuracy = self._accuracy(self.X_test, self.y_test)
        self.message = divergence_message(np.append(self.losses, self.train_loss), what="loss")

        fig, (ax,) = self._empty_axes(7.0, 3.8)
        plots.plot_loss_curves({"training loss (BCE)": np.append(self.losses, self.train_loss)},
                               ax=ax, title=f"25-15-1 network, α = {alpha:.3g}, "
                                            f"{epochs} epochs")
        ax.set_xlabel(plots.UPDATES_LABEL)
        ax.text(0.98, 0.95, f"train accuracy {100 * self.train_accuracy:.1f} %\n"
                            f"test accuracy {100 * self.test_accuracy:.1f} %",
                transform=ax.transAxes, ha="right", va="top", fontsize=11,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "grey"})
        if self.message:
            _write_message(ax, self.message)
        fig.subplots_adjust(left=0.14, right=0.98, bottom=0.14, top=0.9)
        lines = [f"α = {alpha:.3g}, {epochs} epochs (full-batch gradient descent)",
                 f"training loss = {self.train_loss:.6g} (started at {self.losses[0]:.6g})",
                 f"train accuracy {100 * self.train_accuracy:.1f} %, "
                 f"test accuracy {100 * self.test_accuracy:.1f} %"]
        return fig, lines


def network_explorer(data=None, *, alpha=1.0, epochs=100, seed=0):
    """An α / epochs explorer for the 25-15-1 sigmoid network on the digits 0 and 1.

    Every change rebuilds the network from the same seeded weights and trains it with
    full-batch gradient descent (``course.nn``, SGD, binary cross-entropy), so moving the
    epochs slider shows the same run stopped earlier or later.

    Args:
        data: ((X_train, y_train), (X_test, y_test)) with X (m, n) and y (m, 1); defaults to
            ``course.data.load_digits01()``.
        alpha: the starting learning rate, between 1e-3 and 10 (log slider).
        epochs: the starting number of epochs, 1 to 5000.
        seed: seeds the initial weights.

    Returns:
        the widget (a ``NetworkExplorer``); ``losses``, ``train_loss``, ``train_accuracy``,
        ``test_accuracy``, ``message`` and ``readout_text`` hold what the learner sees.

    >>> explorer = network_explorer(epochs=5)
    >>> len(explorer.losses), explorer.message is None    # Keras' history: one per epoch
    (5, True)
    """
    return NetworkExplorer(data, alpha, epochs, seed)


def _pair(value, name: str, what: str):
    """``value`` as a tuple or list of two items, or an error naming ``name``."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"`{name}` must be {what}; got {_describe(value)}.")
    if len(value) != 2:
        raise ValueError(f"`{name}` must be {what}; got {len(value)} items.")
    return value


def _check_data(data):
    """((X_train, y_train), (X_test, y_test)) checked, or the digits when ``data`` is None."""
    if data is None:
        data = load_digits01()
    train, test = _pair(data, "data", "((X_train, y_train), (X_test, y_test))")
    X_train, y_train = _pair(train, "data[0]", "a pair (X_train, y_train)")
    X_test, y_test = _pair(test, "data[1]", "a pair (X_test, y_test)")
    arrays = []
    for X_name, y_name, X, y in (("X_train", "y_train", X_train, y_train),
                                 ("X_test", "y_test", X_test, y_test)):
        X = as_float_array(X, X_name, ndim=2, shape_hint="(m, n)")
        check_not_empty(X, X_name)
        y = as_float_array(y, y_name, ndim=2, shape_hint="(m, 1)")
        if y.shape != (X.shape[0], 1):
            raise ValueError(f"`{y_name}` must have shape (m, 1) = ({X.shape[0]}, 1) to match "
                             f"{X_name}; got shape {y.shape}.")
        check_binary(y, y_name)
        arrays.append((X, y))
    if arrays[0][0].shape[1] != arrays[1][0].shape[1]:
        raise ValueError(f"`X_test` must have the {arrays[0][0].shape[1]} columns of X_train; "
                         f"got {arrays[1][0].shape[1]}.")
    return arrays[0], arrays[1]
