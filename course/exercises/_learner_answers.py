"""The course's learner-style answers: what a learner who got an exercise right would write.

Trusted only: like the rest of ``course/exercises/`` this module is never inside a grading
kernel's course tree (:mod:`course.grading.course_tree`). When an exercise that calls other
exercises is graded (its ``depends_on``), :func:`sources` gives the grader the code of these
functions, which the kernel puts in place of the notebook's own versions for that exercise's
calls only, so one mistake in ``compute_gradient`` does not cost ``gradient_descent`` its
points too. The grader only sends one after the exercise itself was graded, so the code can
never help a notebook with the exercise it answers.

Each function is self-contained (plain NumPy, imported inside it), so its source alone can
be run: ``exec(sources(["sigmoid"])["sigmoid"], scope)`` defines ``sigmoid`` in ``scope``.

>>> scope = {}
>>> exec(sources(["sigmoid"])["sigmoid"], scope)
>>> float(scope["sigmoid"](0.0))
0.5
"""

import inspect


def sigmoid(z):
    import numpy as np
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))     # never overflows


def compute_cost(X, y, w, b):
    import numpy as np
    f = 1 / (1 + np.exp(-(X @ w + b)))
    return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))


def compute_gradient(X, y, w, b):
    import numpy as np
    m = X.shape[0]
    err = 1 / (1 + np.exp(-(X @ w + b))) - y
    return X.T @ err / m, np.sum(err) / m


def binary_crossentropy(y_true, y_pred):
    import numpy as np
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p))


def binary_crossentropy_from_logits(y_true, z):
    import numpy as np
    return np.mean(y_true * np.logaddexp(0, -z) + (1 - y_true) * np.logaddexp(0, z))


def mean_squared_error(y_true, y_pred):
    import numpy as np
    return np.mean((y_pred - y_true) ** 2)


def dense_forward(a_in, W, b, activation):
    import numpy as np
    z = a_in @ W + b
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if activation == "relu":
        return np.maximum(0, z)
    if activation == "linear":
        return z
    raise ValueError(f"unknown activation {activation!r}")


def network_forward(X, weights):
    import numpy as np
    a = X
    for W, b in zip(weights[0::2], weights[1::2]):
        a = 1 / (1 + np.exp(-(a @ W + b)))
    return a


def dense_backward(dZ, A_prev, W):
    return A_prev.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def update_parameters(weights, gradients, alpha):
    return [p - alpha * g for p, g in zip(weights, gradients)]


def rmsprop_step(weights, gradients, s, alpha, rho, epsilon):
    import numpy as np
    s = [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]
    weights = [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)]
    return weights, s


def build_model():
    from tensorflow.keras import Sequential
    from tensorflow.keras.layers import Dense
    from tensorflow.keras.losses import BinaryCrossentropy
    model = Sequential([Dense(units=25, activation="sigmoid"),
                        Dense(units=15, activation="sigmoid"),
                        Dense(units=1, activation="sigmoid")])
    model.compile(loss=BinaryCrossentropy())
    return model


def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
    """The lesson's answer: it calls the ``compute_cost`` and ``compute_gradient`` of the
    scope it is defined in (a notebook's), so it is never sent as a dependency itself."""
    w, b = w_in.copy(), b_in
    J_history = [compute_cost(X, y, w, b)]
    for _ in range(num_iters):
        dj_dw, dj_db = compute_gradient(X, y, w, b)
        w = w - alpha * dj_dw
        b = b - alpha * dj_db
        J_history.append(compute_cost(X, y, w, b))
    return w, b, J_history


ANSWERS = {f.__name__: f for f in (sigmoid, compute_cost, compute_gradient, binary_crossentropy,
                                   binary_crossentropy_from_logits, mean_squared_error,
                                   dense_forward, network_forward, dense_backward,
                                   update_parameters, rmsprop_step, build_model)}


def sources(exercise_ids) -> dict[str, str]:
    """``{exercise id: source}`` of the learner-style answers of ``exercise_ids``.

    Raises ``KeyError`` naming an exercise without one (declare only these in ``depends_on``).
    """
    missing = [i for i in exercise_ids if i not in ANSWERS]
    if missing:
        raise KeyError(f"no learner-style answer for {', '.join(missing)}; add one to "
                       f"course.exercises._learner_answers")
    return {i: inspect.getsource(ANSWERS[i]) for i in exercise_ids}
