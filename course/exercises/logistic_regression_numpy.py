"""Exercises of lesson 01: sigmoid, compute_cost, compute_gradient, gradient_descent.

Shapes: X (m, n), y (m,), w (n,), b a float. Every expected answer comes from
``course.logistic``; every mistake is the reference computation with one thing changed.

>>> [exercise.id for exercise in EXERCISES]
['sigmoid', 'compute_cost', 'compute_gradient', 'gradient_descent']
"""

from __future__ import annotations

import numpy as np

from course import logistic
from course.exercises import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_number, plain_sequence

LESSON = "01_logistic_regression_numpy"

SIX_POINTS_X = np.array([[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]])
SIX_POINTS_Y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


# -- inputs -------------------------------------------------------------------------------------
def _data(rng, m, n, scale=1.0):
    """A random logistic-regression problem: X (m, n), y (m,), w (n,), b."""
    X = rng.normal(0.0, 1.5, size=(m, n))
    y = (rng.random(m) < 0.5).astype(np.float64)
    w = rng.normal(0.0, scale, size=n)
    return {"X": X, "y": y, "w": w, "b": float(rng.normal(0.0, scale))}


def _model_cases(rng, visible):
    """Cases for compute_cost and compute_gradient: the slide's data, random ones, edges."""
    if visible:
        return [
            Case({"X": SIX_POINTS_X, "y": SIX_POINTS_Y, "w": np.array([1.0, 1.0]), "b": -3.0},
                 "the six-point data set, w = [1, 1], b = -3"),
            Case({"X": SIX_POINTS_X, "y": SIX_POINTS_Y, "w": np.array([1.0, 1.0]), "b": -4.0},
                 "the six-point data set, w = [1, 1], b = -4"),
            Case(_data(rng, 8, 3), "8 random examples with 3 features"),
            Case(_data(rng, 1, 1), "a single example with one feature"),
        ]
    cases = [Case(_data(rng, int(rng.integers(5, 40)), int(rng.integers(2, 7))))
             for _ in range(3)]
    cases += [Case(_data(rng, 1, int(rng.integers(2, 5)))),     # a single example
              Case(_data(rng, int(rng.integers(5, 20)), 1)),     # one feature
              Case(_data(rng, 10, 3, scale=2.5))]                # larger |z| (up to ~25)
    return cases


def _sigmoid_cases(rng, visible):
    """Scalars, vectors, matrices, and |z| = 1000 where a naive formula overflows."""
    if visible:
        return [
            Case({"z": 0.0}, "z = 0 (a scalar)"),
            Case({"z": np.array([-1.0, 0.0, 1.0])}, "z = [-1, 0, 1]"),
            Case({"z": np.arange(-3.0, 3.0).reshape(2, 3)}, "a (2, 3) matrix"),
            Case({"z": np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])},
                 "large |z|: [-1000, -30, 0, 30, 1000]"),
            Case({"z": rng.normal(0.0, 3.0, size=7)}, "7 random values"),
        ]
    return [Case({"z": float(rng.normal(0.0, 3.0))}),
            Case({"z": rng.normal(0.0, 4.0, size=int(rng.integers(3, 20)))}),
            Case({"z": rng.normal(0.0, 4.0, size=(int(rng.integers(2, 5)), 3))}),
            Case({"z": np.array([-1000.0, 1000.0]) * rng.uniform(1.0, 1.5)})]


def _descent_cases(rng, visible):
    """Gradient descent runs: short, so a learner's loop is fast even in pure Python."""
    def case(data, alpha, iters, name=""):
        args = {"X": data["X"], "y": data["y"], "w_in": data["w"], "b_in": data["b"],
                "alpha": alpha, "num_iters": iters}
        return Case(args, name)
    if visible:
        six = {"X": SIX_POINTS_X, "y": SIX_POINTS_Y, "w": np.zeros(2), "b": 0.0}
        return [case(six, 0.1, 10, "the six-point data set from w = 0, b = 0, alpha = 0.1, "
                                   "10 iterations"),
                case(_data(rng, 12, 3), 0.5, 20, "12 random examples, alpha = 0.5, 20 iterations"),
                case(_data(rng, 1, 1), 1.0, 3, "a single example, alpha = 1, 3 iterations")]
    return [case(_data(rng, int(rng.integers(5, 30)), int(rng.integers(1, 5))),
                 float(rng.uniform(0.01, 1.0)), int(rng.integers(2, 25))) for _ in range(3)] + [
        case(_data(rng, 1, 2), float(rng.uniform(0.1, 1.0)), 5),
        case(_data(rng, 8, 1), float(rng.uniform(0.1, 1.0)), 1)]


# -- the computations, with the knobs the mistakes turn ----------------------------------------
def _sigmoid_value(args, sign=1.0):
    return {"value": np.asarray(logistic.sigmoid(sign * np.asarray(args["z"])), np.float64)}


def _naive(formula):
    """A sigmoid written without care for overflow (NumPy's warnings silenced)."""
    def produce(args):
        with np.errstate(all="ignore"):
            return {"value": np.asarray(formula(np.asarray(args["z"], np.float64)))}
    return produce


def _cost(args, scale=None, sign=1.0, bias=True, vector=False, squared=False):
    X, y, w = args["X"], args["y"], args["w"]
    b = args["b"] if bias else 0.0
    f = logistic.sigmoid(X @ w + b)                     # (m,)
    with np.errstate(all="ignore"):
        loss = (f - y) ** 2 if squared else logistic.logistic_loss(f, y)
    if vector:
        return {"value": sign * loss}
    total = loss.sum() / (X.shape[0] if scale is None else scale(X.shape[0]))
    return {"value": np.array(sign * total)}


def _gradient(args, per_m=True, sign=1.0, bias=True, shape=None):
    X, y, w = args["X"], args["y"], args["w"]
    m = X.shape[0] if per_m else 1
    error = sign * (logistic.sigmoid(X @ w + (args["b"] if bias else 0.0)) - y)   # (m,)
    dj_dw = X.T @ error / m                                                        # (n,)
    if shape == "column":
        dj_dw = dj_dw[:, None]                                                     # (n, 1)
    elif shape == "rows":
        dj_dw = (error[:, None] * X).sum(axis=1) / m                               # (m,)
    dj_db = error / m if shape == "db vector" else np.array(error.sum() / m)
    return {"dj_dw": dj_dw, "dj_db": dj_db}


def _descent(args, sign=1.0, history="both", sequential=False, update_b=True, alpha=None):
    X, y, w, b = args["X"], args["y"], np.array(args["w_in"], np.float64), float(args["b_in"])
    alpha = args["alpha"] if alpha is None else alpha
    costs = [logistic.compute_cost(X, y, w, b)]
    for _ in range(int(args["num_iters"])):
        dj_dw, dj_db = logistic.compute_gradient(X, y, w, b)
        w = w - sign * alpha * dj_dw
        if sequential:
            dj_db = logistic.compute_gradient(X, y, w, b)[1]
        if update_b:
            b = b - sign * alpha * dj_db
        costs.append(logistic.compute_cost(X, y, w, b) if np.all(np.isfinite(w)) else np.nan)
    costs = {"both": costs, "no first": costs[1:], "no last": costs[:-1]}[history]
    return {"w": w, "b": np.array(b), "J_history": np.array(costs, np.float64)}


# -- turning results into plain data ------------------------------------------------------------
def _plain_value(result):
    return {"value": plain_number(result, "the result")}


def _plain_gradient(result):
    dj_dw, dj_db = plain_sequence(result, 2, "the pair (dj_dw, dj_db)")
    return {"dj_dw": plain_array(dj_dw, "dj_dw"), "dj_db": plain_number(dj_db, "dj_db")}


def _plain_descent(result):
    w, b, costs = plain_sequence(result, 3, "the triple (w, b, J_history)")
    costs = plain_array(costs, "J_history")
    if costs.ndim == 2 and costs.shape[1] == 1:    # a list of one-element arrays
        costs = costs[:, 0]
    return {"w": plain_array(w, "w"), "b": plain_number(b, "b"), "J_history": costs}


SIGN_HINT = ("the sigmoid is 1 / (1 + np.exp(-z)), with a minus sign in the exponent, so "
             "sigmoid(2) is about 0.88, not 0.12.")
ONE_OVER_M = ("J is the *mean* of the losses: divide the sum by m (or use np.mean).")

EXERCISES = [
    Exercise(
        id="sigmoid", lesson=LESSON, points=2, signature="sigmoid(z)",
        make_cases=_sigmoid_cases, to_plain=_plain_value, expected=_sigmoid_value,
        reference=logistic.sigmoid,
        mistakes=[
            Mistake("the wrong sign in the exponent", lambda a: _sigmoid_value(a, -1.0),
                    SIGN_HINT),
            Mistake("an overflow for large |z|",
                    _naive(lambda z: np.exp(z) / (1 + np.exp(z))),
                    "np.exp(1000) is infinity and inf / inf is NaN. Never give np.exp a large "
                    "positive number: with e = np.exp(-np.abs(z)), the sigmoid is 1 / (1 + e) "
                    "where z >= 0 and e / (1 + e) where z < 0."),
            Mistake("a missing `1 +` in the denominator", _naive(lambda z: 1 / np.exp(-z)),
                    "the denominator is 1 + np.exp(-z), so that the result stays in (0, 1)."),
        ]),
    Exercise(
        id="compute_cost", lesson=LESSON, points=3, signature="compute_cost(X, y, w, b)",
        make_cases=_model_cases, to_plain=_plain_value, expected=_cost,
        reference=logistic.compute_cost,
        mistakes=[
            Mistake("a missing 1/m", lambda a: _cost(a, scale=lambda m: 1), ONE_OVER_M),
            Mistake("the loss instead of the cost", lambda a: _cost(a, vector=True),
                    "you returned one loss per example, shape (m,). The cost is a single "
                    "number, the mean of those losses: np.mean(loss)."),
            Mistake("the wrong sign", lambda a: _cost(a, sign=-1.0),
                    "the loss is -y*log(f) - (1-y)*log(1-f); with the minus signs the cost "
                    "is positive, because log of a probability is negative."),
            Mistake("a missing bias b", lambda a: _cost(a, bias=False),
                    "the model is f = sigmoid(X @ w + b): don't forget to add b."),
            Mistake("a factor 1/(2m)", lambda a: _cost(a, scale=lambda m: 2 * m),
                    "the ½ belongs to the squared-error cost of linear regression; the "
                    "logistic cost is (1/m) * sum of the losses."),
            Mistake("the squared error instead of the logistic loss",
                    lambda a: _cost(a, squared=True),
                    "use the logistic loss -y*log(f) - (1-y)*log(1-f), not (f - y)**2."),
        ]),
    Exercise(
        id="compute_gradient", lesson=LESSON, points=3,
        signature="compute_gradient(X, y, w, b)", parts=("dj_dw", "dj_db"),
        make_cases=_model_cases, to_plain=_plain_gradient, expected=_gradient,
        reference=logistic.compute_gradient,
        mistakes=[
            Mistake("the gradient without the 1/m factor", lambda a: _gradient(a, per_m=False),
                    "both derivatives are means over the m examples: divide the sums by m."),
            Mistake("the wrong sign", lambda a: _gradient(a, sign=-1.0),
                    "the error is f(x) - y (prediction minus target), not y - f(x)."),
            Mistake("a missing bias b", lambda a: _gradient(a, bias=False),
                    "compute f with the bias: f = sigmoid(X @ w + b)."),
            Mistake("dj_dw of shape (n, 1) instead of (n,)",
                    lambda a: _gradient(a, shape="column"),
                    "w has shape (n,), so dj_dw must too: use X.T @ err with err of shape "
                    "(m,), not (m, 1)."),
            Mistake("a sum over the wrong axis",
                    lambda a: _gradient(a, shape="rows"),
                    "dj_dw[j] sums over the examples i (axis 0, the rows of X), giving one "
                    "number per feature: shape (n,)."),
            Mistake("dj_db without the sum", lambda a: _gradient(a, shape="db vector"),
                    "dj_db is one number: the mean of the errors f(x_i) - y_i."),
        ]),
    Exercise(
        id="gradient_descent", lesson=LESSON, points=3,
        signature="gradient_descent(X, y, w_in, b_in, alpha, num_iters)",
        parts=("w", "b", "J_history"),
        make_cases=_descent_cases, to_plain=_plain_descent, expected=_descent,
        reference=logistic.gradient_descent, rtol=1e-5, atol=1e-8,
        mistakes=[
            Mistake("gradient ascent (a + instead of a -)", lambda a: _descent(a, sign=-1.0),
                    "step *against* the gradient: w = w - alpha * dj_dw, b = b - alpha * dj_db."),
            Mistake("J_history without the starting cost",
                    lambda a: _descent(a, history="no first"),
                    "J_history starts with the cost at (w_in, b_in), then one cost after each "
                    "update: num_iters + 1 numbers."),
            Mistake("J_history without the final cost",
                    lambda a: _descent(a, history="no last"),
                    "append the cost after every update too, the last one included: "
                    "num_iters + 1 numbers."),
            Mistake("b's gradient taken after w was updated",
                    lambda a: _descent(a, sequential=True),
                    "compute dj_dw and dj_db once, at the current (w, b), and only then update "
                    "both."),
            Mistake("b never updated", lambda a: _descent(a, update_b=False),
                    "update the bias too: b = b - alpha * dj_db."),
            Mistake("a missing learning rate", lambda a: _descent(a, alpha=1.0),
                    "multiply the gradient by alpha before subtracting it."),
        ]),
]
