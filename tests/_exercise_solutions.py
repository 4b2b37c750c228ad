"""Learner-style answers to every exercise, right ones and known wrong ones (test helpers).

Written the way a learner would (plain NumPy; the NumPy ones are the course's own learner-style
answers, course.exercises._learner_answers, which the grader also uses for dependencies),
so the tests show the registry accepts honest solutions and recognises real mistakes.
"""

import numpy as np

from course.exercises._learner_answers import (  # noqa: F401  (the course's own, re-used)
    binary_crossentropy, binary_crossentropy_from_logits, build_model, compute_cost,
    compute_gradient, dense_backward, dense_forward, gradient_descent, mean_squared_error,
    network_forward, rmsprop_step, sigmoid, update_parameters)


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


def accuracy(probabilities, Y):
    return np.mean((probabilities >= 0.5) == Y)


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
