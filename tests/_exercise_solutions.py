"""Learner-style answers to every exercise, right ones and known wrong ones (test helpers).

Written the way a learner would (plain NumPy, nothing imported from ``course``'s answers),
so the tests show the registry accepts honest solutions and recognises real mistakes.
"""

import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))     # never overflows


def compute_cost(X, y, w, b):
    f = sigmoid(X @ w + b)
    return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))


def compute_gradient(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return X.T @ err / m, np.sum(err) / m


def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
    w, b = w_in.copy(), b_in
    J_history = [compute_cost(X, y, w, b)]
    for _ in range(num_iters):
        dj_dw, dj_db = compute_gradient(X, y, w, b)
        w = w - alpha * dj_dw
        b = b - alpha * dj_db
        J_history.append(compute_cost(X, y, w, b))
    return w, b, J_history


def binary_crossentropy(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p))


def binary_crossentropy_from_logits(y_true, z):
    return np.mean(y_true * np.logaddexp(0, -z) + (1 - y_true) * np.logaddexp(0, z))


def mean_squared_error(y_true, y_pred):
    return np.mean((y_pred - y_true) ** 2)


def dense_forward(a_in, W, b, activation):
    z = a_in @ W + b
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "relu":
        return np.maximum(0, z)
    return z


def network_forward(X, weights):
    a = X
    for W, b in zip(weights[0::2], weights[1::2]):
        a = dense_forward(a, W, b, "sigmoid")
    return a


def dense_backward(dZ, A_prev, W):
    return A_prev.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def update_parameters(weights, gradients, alpha):
    return [p - alpha * g for p, g in zip(weights, gradients)]


def train_network(X, Y, weights, alpha, epochs):
    """Lesson 04's loop, with course.network's cost and backprop (lesson 3's answers)."""
    from course.network import backprop as course_backprop, cost
    J_history = [cost(X, Y, weights)]
    for _ in range(epochs):
        weights = update_parameters(weights, course_backprop(X, Y, weights), alpha)
        J_history.append(cost(X, Y, weights))
    return weights, J_history


def stopping_epoch(validation_costs):
    return int(np.argmin(validation_costs))


def backprop(X, Y, weights):
    W1, b1, W2, b2, W3, b3 = weights
    m = X.shape[0]
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    A3 = sigmoid(A2 @ W3 + b3)
    dZ3 = (A3 - Y) / m
    dZ2 = (dZ3 @ W3.T) * A2 * (1 - A2)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    return [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0), A2.T @ dZ3, dZ3.sum(axis=0)]


def build_model():
    from tensorflow.keras import Sequential
    from tensorflow.keras.layers import Dense
    from tensorflow.keras.losses import BinaryCrossentropy
    model = Sequential([Dense(units=25, activation="sigmoid"),
                        Dense(units=15, activation="sigmoid"),
                        Dense(units=1, activation="sigmoid")])
    model.compile(loss=BinaryCrossentropy())
    return model


def accuracy(probabilities, Y):
    return np.mean((probabilities >= 0.5) == Y)


def train(X, Y, weights, alpha, epochs):
    """The lesson's loop, with its cost and backprop written out here."""
    J_history = []
    for _ in range(epochs):
        p = network_forward(X, weights)
        J_history.append(np.mean(-Y * np.log(p) - (1 - Y) * np.log(1 - p)))
        weights = [w - alpha * g for w, g in zip(weights, backprop(X, Y, weights))]
    return weights, J_history


def keras_fit(X, Y, weights, optimizer, epochs, batch_size):
    model = build_model()
    model.compile(loss="binary_crossentropy", optimizer=optimizer)
    model.build((None, X.shape[1]))
    model.set_weights(weights)
    history = model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    return history.history["loss"]


def _cost(X, Y, weights):
    p = network_forward(X, weights)
    return np.mean(-Y * np.log(p) - (1 - Y) * np.log(1 - p))


def _batches(X, Y, weights, epochs, batch_size, update):
    """The mini-batch loop both trainers share; ``update(weights, gradients)`` -> weights."""
    J_history = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, len(X), batch_size):
            X_batch, Y_batch = X[start:start + batch_size], Y[start:start + batch_size]
            total += _cost(X_batch, Y_batch, weights) * len(X_batch)
            weights = update(weights, backprop(X_batch, Y_batch, weights))
        J_history.append(total / len(X))
    return weights, J_history


def train_minibatch(X, Y, weights, alpha, epochs, batch_size):
    return _batches(X, Y, weights, epochs, batch_size,
                    lambda w, g: [p - alpha * d for p, d in zip(w, g)])


def rmsprop_step(weights, gradients, s, alpha, rho, epsilon):
    s = [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]
    weights = [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)]
    return weights, s


def train_rmsprop(X, Y, weights, alpha, epochs, batch_size, rho, epsilon):
    state = {"s": [np.zeros_like(w) for w in weights]}

    def update(w, g):
        w, state["s"] = rmsprop_step(w, g, state["s"], alpha, rho, epsilon)
        return w
    return _batches(X, Y, weights, epochs, batch_size, update)


def build_regression_model():
    import keras
    from tensorflow.keras import Sequential
    from tensorflow.keras.layers import Dense
    from tensorflow.keras.losses import MeanSquaredError
    model = Sequential([Dense(units=1)])
    model.compile(loss=MeanSquaredError(), optimizer=keras.optimizers.SGD(learning_rate=0.3))
    return model


CORRECT = {name: globals()[name] for name in [
    "sigmoid", "compute_cost", "compute_gradient", "gradient_descent", "binary_crossentropy",
    "binary_crossentropy_from_logits", "mean_squared_error", "dense_forward", "network_forward",
    "dense_backward", "backprop", "update_parameters", "train_network", "stopping_epoch",
    "accuracy", "build_model", "keras_fit", "train_minibatch", "rmsprop_step", "train_rmsprop",
    "build_regression_model"]}
