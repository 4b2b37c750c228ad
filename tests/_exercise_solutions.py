"""Learner-style answers to every exercise, right ones and known wrong ones (test helpers).

Written the way a learner would (plain NumPy; the NumPy ones are the course's own learner-style
answers, course.exercises._learner_answers, which the grader also uses for dependencies),
so the tests show the registry accepts honest solutions and recognises real mistakes.
"""

import numpy as np

from course.exercises._learner_answers import (  # noqa: F401  (the course's own, re-used)
    binary_crossentropy, compute_cost, compute_gradient, dense_forward, gradient_descent,
    mean_squared_error, network_forward, sigmoid)


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


def keras_gradient_descent(X, Y, weights, alpha, epochs):
    import keras
    model = build_model()
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=alpha))
    model.build((None, X.shape[1]))
    model.set_weights(weights)
    history = model.fit(X, Y, epochs=epochs, batch_size=len(X), shuffle=False, verbose=0)
    return history.history["loss"]


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
    "mean_squared_error", "dense_forward", "network_forward", "backprop", "accuracy",
    "build_model", "train", "keras_gradient_descent", "build_regression_model"]}
