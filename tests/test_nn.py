"""course.nn: the Keras API in NumPy, proven equal to Keras on the 25-15-1 digits network.

Equivalence: from the same initial weights, on the bundled digits (288 training examples),
course.nn and keras.Sequential trace the same loss curve for 100 epochs of
  * full-batch SGD (learning rate 0.5),
  * mini-batch SGD (learning rate 0.1, batch_size=32, shuffle=False),
  * the default optimizer (compile with no optimizer = RMSprop, batch_size=32, shuffle=False).
Tolerances (maximum absolute difference):

                       loss per epoch    final weights    predict, evaluate
    Keras float64      1e-12 (2e-16)     1e-12 (1.3e-15)  1e-12 (2e-16)
    Keras float32      1e-6  (9e-8)      1e-5  (1.1e-6)   1e-6  (7e-8)

(in brackets: the largest difference measured over the three settings.)

Keras in float64 needs both ``keras.config.set_floatx("float64")`` and
``keras.config.set_dtype_policy("float64")``: layers take their dtype from the global dtype
policy, which is fixed from floatx when the first layer of the process is made, so floatx
alone is ignored once any layer exists (the layers then stay float32, the float64 loss casts
their output and loses the logits shortcut).
"""

import contextlib

import keras
import numpy as np
import pytest

from course.data import load_digits01
from course.losses import BinaryCrossentropy, MeanSquaredError
from course.nn import SGD, Dense, History, Input, RMSprop, Sequential

EPOCHS = 100
TOLERANCE = {"float64": 1e-12, "float32": 1e-6}
WEIGHT_TOLERANCE = {"float64": 1e-12, "float32": 1e-5}
SETTINGS = {  # name: (our optimizer, Keras optimizer or None for compile's default, batch size)
    "full-batch-sgd": (lambda: SGD(0.5), lambda: keras.optimizers.SGD(0.5), None),
    "mini-batch-sgd": (lambda: SGD(0.1), lambda: keras.optimizers.SGD(0.1), 32),
    "default-rmsprop": (lambda: "rmsprop", lambda: None, 32),
}


@contextlib.contextmanager
def keras_float(floatx: str):
    """Keras computing in ``floatx`` (layers, optimizer and loss), float32 again afterwards."""
    try:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(floatx)
        yield
    finally:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")


@pytest.fixture(scope="module")
def digits():
    (X, y), _ = load_digits01()
    return X, y


def digits_network(seed=0) -> Sequential:
    return Sequential([Input(shape=(64,)), Dense(25, activation="sigmoid"),
                       Dense(15, activation="sigmoid"), Dense(1, activation="sigmoid")], seed=seed)


def keras_twin(weights) -> keras.Sequential:
    """The same network in Keras, holding a copy of ``weights``."""
    model = keras.Sequential([keras.Input(shape=(64,)),
                              keras.layers.Dense(25, activation="sigmoid"),
                              keras.layers.Dense(15, activation="sigmoid"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    return model


@pytest.fixture(scope="module")
def runs(digits):
    """Train every setting in both libraries once, for both Keras float types."""
    X, y = digits
    results = {}
    for floatx in ("float64", "float32"):
        with keras_float(floatx):  # before building layers and the optimizer
            for name, (ours_opt, keras_opt, batch_size) in SETTINGS.items():
                batch_size = batch_size or len(X)
                ours = digits_network()
                theirs = keras_twin(ours.get_weights())
                ours.compile(loss=BinaryCrossentropy(), optimizer=ours_opt())
                optimizer = keras_opt()
                if optimizer is None:
                    theirs.compile(loss=keras.losses.BinaryCrossentropy())
                else:
                    theirs.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=optimizer)
                predicted_before = (ours.predict(X), theirs.predict(X, verbose=0))
                evaluated_before = (ours.evaluate(X, y), theirs.evaluate(X, y, verbose=0))
                ours_history = ours.fit(X, y, epochs=EPOCHS, batch_size=batch_size,
                                        shuffle=False)
                keras_history = theirs.fit(X, y, epochs=EPOCHS, batch_size=batch_size,
                                           shuffle=False, verbose=0)
                results[floatx, name] = {
                    "loss": (np.array(ours_history.history["loss"]),
                             np.array(keras_history.history["loss"])),
                    "weights": (ours.get_weights(), theirs.get_weights()),
                    "predict": predicted_before, "evaluate": evaluated_before,
                    "evaluate_after": (ours.evaluate(X, y), theirs.evaluate(X, y, verbose=0)),
                    "optimizer": type(theirs.optimizer).__name__,
                    "dtype": theirs.layers[0].kernel.dtype,
                }
    return results


CASES = [(floatx, name) for floatx in TOLERANCE for name in SETTINGS]


@pytest.mark.parametrize("floatx, name", CASES)
def test_loss_curve_equals_keras(runs, floatx, name):
    assert runs[floatx, name]["dtype"] == floatx
    ours, theirs = runs[floatx, name]["loss"]
    assert ours.shape == theirs.shape == (EPOCHS,)
    assert ours[-1] < 0.5 * ours[0]  # the network really trains
    assert np.max(np.abs(ours - theirs)) <= TOLERANCE[floatx]


@pytest.mark.parametrize("floatx, name", CASES)
def test_final_weights_equal_keras(runs, floatx, name):
    ours, theirs = runs[floatx, name]["weights"]
    assert [w.shape for w in ours] == [w.shape for w in theirs]
    assert max(np.max(np.abs(a - b)) for a, b in zip(ours, theirs)) <= WEIGHT_TOLERANCE[floatx]


@pytest.mark.parametrize("floatx, name", CASES)
def test_predict_and_evaluate_equal_keras(runs, floatx, name):
    run = runs[floatx, name]
    ours, theirs = run["predict"]
    assert ours.shape == theirs.shape == (288, 1)
    assert np.max(np.abs(ours - theirs)) <= TOLERANCE[floatx]
    for ours_loss, keras_loss in (run["evaluate"], run["evaluate_after"]):
        assert abs(ours_loss - keras_loss) <= TOLERANCE[floatx]


def test_keras_default_optimizer_is_rmsprop(runs):
    assert runs["float32", "default-rmsprop"]["optimizer"] == "RMSprop"
    assert repr(Sequential([Dense(1)]).optimizer) == "None"
    model = digits_network()
    model.compile(loss=BinaryCrossentropy())
    assert repr(model.optimizer) == "RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-07)"


@pytest.mark.parametrize("floatx", TOLERANCE)
def test_saturated_sigmoid_output_uses_logits_like_keras(floatx):
    """Logits 30 (target 0) and -40 (target 1): Keras reports (30 + 40) / 2, not the
    clipped ~16.1, because it computes the loss from the sigmoid layer's logits."""
    ours = Sequential([Input(shape=(1,)), Dense(1, activation="sigmoid")])
    ours.set_weights([np.array([[1.0]]), np.array([0.0])])
    ours.compile(loss="binary_crossentropy", optimizer=SGD(0.01))
    X, y = np.array([[30.0], [-40.0]]), np.array([[0.0], [1.0]])
    with keras_float(floatx):
        theirs = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, "sigmoid")])
        theirs.set_weights(ours.get_weights())
        theirs.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.SGD())
        keras_loss = theirs.evaluate(X, y, verbose=0)
        keras_history = theirs.fit(X, y, epochs=2, batch_size=2, verbose=0).history["loss"]
    assert ours.evaluate(X, y) == pytest.approx(35.0, rel=1e-12)
    assert abs(ours.evaluate(X, y) - keras_loss) <= TOLERANCE[floatx] * 35
    history = ours.fit(X, y, epochs=2, batch_size=2).history["loss"]
    assert np.max(np.abs(np.subtract(history, keras_history))) <= TOLERANCE[floatx] * 35


def test_regression_with_relu_and_mse_equals_keras_float64():
    """A second architecture: relu hidden layer, linear output, mean squared error."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3                 # (60, 1)
    ours = Sequential([Input(shape=(3,)), Dense(8, activation="relu"), Dense(1)], seed=3)
    ours.compile(loss=MeanSquaredError(), optimizer=SGD(0.05))
    with keras_float("float64"):
        theirs = keras.Sequential([keras.Input(shape=(3,)),
                                   keras.layers.Dense(8, activation="relu"),
                                   keras.layers.Dense(1)])
        theirs.set_weights(ours.get_weights())
        theirs.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.SGD(0.05))
        keras_losses = theirs.fit(X, y, epochs=30, batch_size=20, shuffle=False,
                                  verbose=0).history["loss"]
        keras_weights = theirs.get_weights()
    losses = ours.fit(X, y, epochs=30, batch_size=20, shuffle=False).history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert np.max(np.abs(np.subtract(losses, keras_losses))) <= 1e-12 * max(losses)
    assert max(np.max(np.abs(a - b)) for a, b in zip(ours.get_weights(), keras_weights)) <= 1e-12


# ----- behaviour without Keras ----------------------------------------------------------

def test_weights_exist_before_training_glorot_uniform_and_zero_biases():
    model = digits_network(seed=1)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(64, 25), (25,), (25, 15), (15,), (15, 1), (1,)]
    for W, (n_in, n_out) in zip(weights[0::2], [(64, 25), (25, 15), (15, 1)]):
        limit = np.sqrt(6 / (n_in + n_out))
        assert np.all(np.abs(W) <= limit) and np.max(np.abs(W)) > 0.8 * limit
    assert all(np.all(b == 0) for b in weights[1::2])
    same = digits_network(seed=1).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, same))
    assert not np.array_equal(weights[0], digits_network(seed=2).get_weights()[0])


def test_without_input_the_model_is_built_by_build_or_fit(digits):
    X, y = digits
    model = Sequential([Dense(3, activation="relu"), Dense(1, activation="sigmoid")], seed=0)
    assert not model.built
    with pytest.raises(RuntimeError, match="no weights yet"):
        model.get_weights()
    model.build((None, 64))
    assert model.get_weights()[0].shape == (64, 3)
    lazy = Sequential([Dense(2), Dense(1, activation="sigmoid")], seed=0)
    lazy.compile(loss="binary_crossentropy", optimizer="sgd")
    lazy.fit(X, y, epochs=1)
    assert lazy.built and lazy.get_weights()[0].shape == (64, 2)


def test_forward_cache_and_backward_shapes(digits):
    X, y = digits
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD())
    cache = model.forward(X)
    assert [z.shape for z in cache["z"]] == [(288, 25), (288, 15), (288, 1)]
    for z, a in zip(cache["z"], cache["a"]):
        assert np.allclose(a, 1 / (1 + np.exp(-z)), rtol=1e-15, atol=0)
    assert np.array_equal(cache["a"][-1], model.predict(X))
    grads = model.backward(cache, y)
    assert [g.shape for g in grads["dW"]] == [(64, 25), (25, 15), (15, 1)]
    assert [g.shape for g in grads["db"]] == [(25,), (15,), (1,)]
    output_delta = (cache["a"][-1] - y) / len(y)             # (a - y) / m
    assert np.allclose(grads["db"][-1], output_delta.sum(axis=0), rtol=1e-14, atol=0)
    assert np.allclose(grads["dW"][-1], cache["a"][1].T @ output_delta, rtol=1e-12, atol=0)


def test_history_is_the_batch_weighted_mean_of_losses_before_each_update(digits):
    X, y = digits[0][:70], digits[1][:70]           # batches of 32, 32, 6
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD(0.3))
    copy = digits_network()
    history = model.fit(X, y, epochs=2, batch_size=32, shuffle=False)
    assert isinstance(history, History) and history.epoch == [0, 1]
    copy.compile(loss=BinaryCrossentropy(), optimizer=SGD(0.3))
    for epoch in range(2):
        total = 0.0
        for start in (0, 32, 64):
            Xb, yb = X[start:start + 32], y[start:start + 32]
            total += copy.evaluate(Xb, yb) * len(Xb)           # before the update
            copy.fit(Xb, yb, epochs=1, batch_size=32, shuffle=False)
        assert history.history["loss"][epoch] == pytest.approx(total / 70, rel=1e-14)


def test_full_batch_first_epoch_loss_is_the_initial_cost(digits):
    X, y = digits
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD(0.5))
    initial = model.evaluate(X, y)
    assert model.fit(X, y, epochs=3, batch_size=1000).history["loss"][0] == initial


def test_shuffling_is_seeded(digits):
    X, y = digits
    curves = []
    for seed in (5, 5, 6):
        model = digits_network()
        model.compile(loss="binary_crossentropy", optimizer=SGD(0.1))
        curves.append(model.fit(X, y, epochs=3, batch_size=32, seed=seed).history["loss"])
    assert curves[0] == curves[1] and curves[0] != curves[2]


def test_regression_with_mse_and_relu(digits):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3                # (100, 1)
    model = Sequential([Input(shape=(3,)), Dense(8, activation="relu"), Dense(1)], seed=0)
    model.compile(loss=MeanSquaredError(), optimizer=RMSprop(learning_rate=0.01))
    losses = model.fit(X, y, epochs=200, batch_size=100).history["loss"]
    assert losses[-1] < 0.05 * losses[0]
    assert model.evaluate(X, y) == pytest.approx(np.mean((model.predict(X) - y) ** 2), 1e-14)


def test_set_weights_round_trip_and_summary(capsys):
    model = digits_network()
    new = [np.full_like(w, 0.01 * i) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), new))
    new[0][0, 0] = 99.0
    assert model.get_weights()[0][0, 0] != 99.0                   # copied, not shared
    model.summary()
    out = capsys.readouterr().out
    assert "Dense(units=25, activation='sigmoid')" in out and "Total params: 2031" in out


# ----- bad input -------------------------------------------------------------------------

@pytest.fixture
def compiled():
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD())
    return model


def test_flat_y_is_refused_with_the_shape_to_use(compiled, digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"`y` must have shape \(m, units\) = \(288, 1\).*"
                                         r"y\.reshape\(-1, 1\).*got shape \(288,\)"):
        compiled.fit(X, y.ravel())


def test_wrong_number_of_columns_in_X(compiled, digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"`X` must have shape \(m, n_in\) = \(288, 64\) to "
                                         r"match the model's 64 inputs; got shape \(288, 63\)"):
        compiled.fit(X[:, :63], y)
    with pytest.raises(ValueError, match=r"`X` must be a 2-D array of shape \(m, n\)"):
        compiled.predict(X[0])


def test_rows_of_X_and_y_must_match(compiled, digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"`y` must have shape \(m, units\) = \(288, 1\)"):
        compiled.evaluate(X, y[:10])


def test_fit_and_evaluate_before_compile(digits):
    X, y = digits
    with pytest.raises(RuntimeError, match=r"compile\(loss=...\)` before `model\.fit\(\)`"):
        digits_network().fit(X, y)
    with pytest.raises(RuntimeError, match=r"before `model\.evaluate\(\)`"):
        digits_network().evaluate(X, y)


def test_bad_settings_are_named(compiled, digits):
    X, y = digits
    with pytest.raises(ValueError, match="`epochs` must be an integer of at least 1; got 0"):
        compiled.fit(X, y, epochs=0)
    with pytest.raises(TypeError, match="`batch_size` must be an integer"):
        compiled.fit(X, y, batch_size=2.5)
    with pytest.raises(ValueError, match="`y` must hold targets between 0 and 1"):
        compiled.fit(X, 2 * y)
    with pytest.raises(ValueError, match="`X` must contain only finite numbers; got NaN"):
        compiled.predict(np.full((2, 64), np.nan))
    with pytest.raises(ValueError, match="`loss` must be BinaryCrossentropy()"):
        digits_network().compile(loss="hinge")
    with pytest.raises(ValueError, match="`optimizer` must be"):
        digits_network().compile(loss="mse", optimizer="adam")


def test_bad_layers_and_weights_are_named():
    with pytest.raises(TypeError, match=r"`layers\[1\]` must be a Dense layer"):
        Sequential([Dense(2), Input(shape=(3,))])
    with pytest.raises(ValueError, match="at least one Dense layer"):
        Sequential([])
    model = digits_network()
    with pytest.raises(ValueError, match=r"`weights` must be a list of 6 arrays"):
        model.set_weights(model.get_weights()[:4])
    bad = model.get_weights()
    bad[2] = bad[2].T
    with pytest.raises(ValueError, match=r"`weights\[2\]` must have shape \(n_in, n_out\) = "
                                         r"\(25, 15\); got shape \(15, 25\)"):
        model.set_weights(bad)


def test_verbose_prints_one_line_per_epoch(capsys, digits):
    X, y = digits
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer=SGD(0.5))
    history = model.fit(X, y, epochs=2, batch_size=len(X), verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Epoch {e + 1}/2 - loss: {history.history['loss'][e]:.4f}" for e in range(2)]
    assert repr(history) == f"History(epochs=2, final loss={history.history['loss'][1]:.6f})"
    model.fit(X, y, epochs=1, batch_size=len(X))
    assert capsys.readouterr().out == ""                   # verbose=0 (the default) is silent
