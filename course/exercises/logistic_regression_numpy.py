"""Exercises of lesson 01: sigmoid, compute_cost, compute_gradient, gradient_descent.

Shapes: X (m, n), y (m,), w (n,), b a float. Every expected answer comes from
``course.logistic``; every mistake is a small function next to its hint, computing what that
mistake gives (most of them from the reference too, with one thing changed).

Every hidden case can see every named mistake (tests/test_exercise_design.py): at least two
examples (so a missing 1/m shows), and in every sigmoid case a score beyond +-709, where
np.exp overflows.

>>> [exercise.id for exercise in EXERCISES]
['sigmoid', 'compute_cost', 'compute_gradient', 'gradient_descent']
"""

from __future__ import annotations

import numpy as np

from course import logistic, losses
from course.data import logistic_example
from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._contracts import INPUTS_UNCHANGED, no_warning
from course.exercises._plain import plain_array, plain_sequence, scaled, value_of

LESSON = "01_logistic_regression_numpy"


# -- inputs -------------------------------------------------------------------------------------
#: The largest |z| = |x w + b| of a hidden case. Beyond |z| of about 36.7 the sigmoid of a
#: float64 rounds to exactly 1, and the lesson's loss -y log f - (1-y) log(1-f) of a right
#: answer is NaN or infinite: a case must not punish the formula the lesson teaches.
MAX_Z = 25.0


def _data(rng, m, n, scale=1.0):
    """A random logistic-regression problem: X (m, n), y (m,), w (n,), b, with w and b
    scaled down where needed so that no example's |z| exceeds :data:`MAX_Z`."""
    X = rng.normal(0.0, 1.5, size=(m, n))
    y = (rng.random(m) < 0.5).astype(np.float64)
    w = rng.normal(0.0, scale, size=n)
    b = float(rng.normal(0.0, scale))
    largest = float(np.max(np.abs(X @ w + b)))
    shrink = MAX_Z / largest if largest > MAX_Z else 1.0
    return {"X": X, "y": y, "w": w * shrink, "b": b * shrink}


def _six_points(w, b):
    """The slide's six examples (``course.data.logistic_example``) with parameters w, b."""
    X, y = logistic_example()
    return {"X": X, "y": y, "w": np.asarray(w, np.float64), "b": b}


def _model_cases(rng, visible):
    """Cases for compute_cost and compute_gradient: the slide's data, random ones, edges."""
    if visible:
        return [
            Case(_six_points([1.0, 1.0], -3.0), "the six-point data set, w = [1, 1], b = -3"),
            Case(_six_points([1.0, 1.0], -4.0), "the six-point data set, w = [1, 1], b = -4"),
            Case(_data(rng, 8, 3), "8 random examples with 3 features"),
            Case(_data(rng, 1, 1), "a single example with one feature"),
        ]
    cases = [Case(_data(rng, int(rng.integers(5, 40)), int(rng.integers(2, 7))))
             for _ in range(3)]
    cases += [Case(_data(rng, 2, int(rng.integers(2, 5)))),     # the fewest: two examples
              Case(_data(rng, int(rng.integers(5, 20)), 1)),     # one feature
              Case(_data(rng, 10, 3, scale=2.5))]                # larger |z| (up to MAX_Z)
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
    return [Case({"z": float(rng.uniform(710.0, 1000.0))}),      # a scalar beyond e^709
            Case({"z": _with_extremes(rng, rng.normal(0.0, 4.0, size=int(rng.integers(3, 20))))}),
            Case({"z": _with_extremes(rng, rng.normal(0.0, 4.0, size=(int(rng.integers(2, 5)), 3)))}),
            Case({"z": np.array([-1000.0, 1000.0]) * rng.uniform(1.0, 1.5)})]


def _with_extremes(rng, z):
    """``z`` with its first two entries at -U(710, 1000) and +U(710, 1000)."""
    flat = z.reshape(-1)
    flat[:2] = (-rng.uniform(710.0, 1000.0), rng.uniform(710.0, 1000.0))
    return z


def _descent_case(data, alpha, iters, name=""):
    args = {"X": data["X"], "y": data["y"], "w_in": data["w"], "b_in": data["b"],
            "alpha": alpha, "num_iters": iters}
    return Case(args, name)


def _descent_cases(rng, visible):
    """Gradient descent runs: short, so a learner's loop is fast even in pure Python."""
    if visible:
        return [_descent_case(_six_points(np.zeros(2), 0.0), 0.1, 10,
                              "the six-point data set from w = 0, b = 0, alpha = 0.1, "
                              "10 iterations"),
                _descent_case(_data(rng, 12, 3), 0.5, 20,
                              "12 random examples, alpha = 0.5, 20 iterations"),
                _descent_case(_data(rng, 1, 1), 1.0, 3,
                              "a single example, alpha = 1, 3 iterations")]
    return [_descent_case(_data(rng, int(rng.integers(5, 30)), int(rng.integers(1, 5))),
                          float(rng.uniform(0.01, 1.0)), int(rng.integers(2, 25)))
            for _ in range(3)] + [
        _descent_case(_data(rng, 2, 2), float(rng.uniform(0.1, 1.0)), 5),
        _descent_case(_data(rng, 8, 1), float(rng.uniform(0.1, 1.0)), 1)]


# -- plain data ----------------------------------------------------------------------------------

def _gradient_parts(dj_dw, dj_db) -> dict:
    return {"dj_dw": np.asarray(dj_dw, np.float64), "dj_db": np.asarray(dj_db, np.float64)}


def _descent_parts(w, b, costs) -> dict:
    return {"w": np.asarray(w, np.float64), "b": np.array(float(b)),
            "J_history": np.asarray(costs, np.float64)}


def _plain_value(result):
    return {"value": plain_array(result, "the result")}


def _plain_gradient(result):
    dj_dw, dj_db = plain_sequence(result, 2, "the pair (dj_dw, dj_db)")
    return {"dj_dw": plain_array(dj_dw, "dj_dw"), "dj_db": plain_array(dj_db, "dj_db")}


def _plain_descent(result):
    w, b, costs = plain_sequence(result, 3, "the triple (w, b, J_history)")
    costs = plain_array(costs, "J_history")
    if costs.ndim == 2 and costs.shape[1] == 1:    # a list of one-element arrays
        costs = costs[:, 0]
    return {"w": plain_array(w, "w"), "b": plain_array(b, "b"), "J_history": costs}


# -- sigmoid --------------------------------------------------------------------------------------
def _sigmoid(args):
    return value_of(logistic.sigmoid(args["z"]))


def _sigmoid_of_minus_z(args):
    return value_of(logistic.sigmoid(-np.asarray(args["z"])))


def _sigmoid_that_overflows(args):
    """e^z / (1 + e^z) for every z: inf / inf = NaN once e^z overflows (warnings silenced)."""
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(args["z"], np.float64))
        return value_of(e / (1 + e))


def _sigmoid_without_one_plus(args):
    with np.errstate(all="ignore"):
        return value_of(1 / np.exp(-np.asarray(args["z"], np.float64)))


OVERFLOW_HINT = ("np.exp(1000) is infinity: never give np.exp a large positive number. The "
                 "lesson shows a second form of the sigmoid; which form is safe for which sign "
                 "of z?")

SIGMOID = Exercise(
    id="sigmoid", lesson=LESSON, points=2, signature="sigmoid(z)",
    make_cases=_sigmoid_cases, to_plain=_plain_value, expected=_sigmoid,
    reference=logistic.sigmoid,
    contracts=(INPUTS_UNCHANGED, no_warning("overflow", "an overflow in np.exp", OVERFLOW_HINT)),
    mistakes=[
        Mistake("the wrong sign in the exponent", _sigmoid_of_minus_z,
                "a large positive z should give a probability near 1; yours gives one near 0. "
                "Look at the sign inside np.exp."),
        Mistake("an overflow for large |z|", _sigmoid_that_overflows,
                "your formula gives inf / inf = NaN once np.exp overflows. " + OVERFLOW_HINT),
        Mistake("a missing `1 +` in the denominator", _sigmoid_without_one_plus,
                "your results leave (0, 1): a probability cannot. Compare your denominator "
                "with the formula."),
    ])


# -- compute_cost ----------------------------------------------------------------------------------
def _losses(args):
    """The slide's loss of every example, -y log f - (1-y) log(1-f) with f = sigmoid(Xw + b).

    Literally as the learner writes it (``logistic.logistic_loss`` of the probabilities), not
    from z as ``logistic.compute_cost`` does: for |z| above about 30 the two differ by more
    than the tolerance, and the learner is graded on the formula the lesson teaches.
    """
    probabilities = logistic.predict_proba(args["X"], args["w"], args["b"])     # (m,)
    return logistic.logistic_loss(probabilities, args["y"])                     # (m,)


def _cost(args):
    return value_of(np.mean(_losses(args)))


def _cost_without_one_over_m(args):
    return scaled(_cost(args), args["X"].shape[0])


def _cost_per_example(args):
    return value_of(_losses(args))


def _cost_with_wrong_sign(args):
    return scaled(_cost(args), -1)


def _cost_without_bias(args):
    return _cost({**args, "b": 0.0})


def _cost_over_2m(args):
    return scaled(_cost(args), 1 / 2)


def _squared_error_cost(args):
    probabilities = logistic.predict_proba(args["X"], args["w"], args["b"])
    return value_of(losses.mean_squared_error(args["y"], probabilities))


COMPUTE_COST = Exercise(
    id="compute_cost", lesson=LESSON, points=1, signature="compute_cost(X, y, w, b)",
    answer_in_lesson=True,
    make_cases=_model_cases, to_plain=_plain_value, expected=_cost,
    reference=logistic.compute_cost,
    mistakes=[
        Mistake("a missing 1/m", _cost_without_one_over_m,
                "your cost grows with the number of examples: J is their average loss, not "
                "their total."),
        Mistake("the loss instead of the cost", _cost_per_example,
                "you returned one loss per example, shape (m,). The cost is one number that "
                "summarises them."),
        Mistake("the wrong sign", _cost_with_wrong_sign,
                "your cost is negative. The log of a probability is negative, so which signs "
                "make each loss positive?"),
        Mistake("a missing bias b", _cost_without_bias,
                "your cost does not change when b does: is b part of your score z?"),
        Mistake("a factor 1/(2m)", _cost_over_2m,
                "your cost is exactly half the right one. The ½ belongs to another cost, "
                "not to the logistic one."),
        Mistake("the squared error instead of the logistic loss", _squared_error_cost,
                "this is squared error; the logistic loss takes logarithms of the "
                "probabilities (lesson section 4)."),
    ])


# -- compute_gradient ------------------------------------------------------------------------------
def _gradient(args):
    return _gradient_parts(*logistic.compute_gradient(args["X"], args["y"], args["w"], args["b"]))


def _errors(args):
    """f(x_i) - y_i for every example, shape (m,)."""
    return logistic.predict_proba(args["X"], args["w"], args["b"]) - args["y"]


def _gradient_without_one_over_m(args):
    return scaled(_gradient(args), args["X"].shape[0])


def _gradient_with_wrong_sign(args):
    return scaled(_gradient(args), -1)


def _gradient_without_bias(args):
    return _gradient({**args, "b": 0.0})


def _gradient_as_column(args):
    gradient = _gradient(args)
    return {**gradient, "dj_dw": gradient["dj_dw"][:, None]}                  # (n, 1)


def _gradient_summed_over_features(args):
    rows = (_errors(args)[:, None] * args["X"]).sum(axis=1) / args["X"].shape[0]   # (m,)
    return {**_gradient(args), "dj_dw": rows}


def _gradient_with_vector_db(args):
    return {**_gradient(args), "dj_db": _errors(args) / args["X"].shape[0]}       # (m,)


COMPUTE_GRADIENT = Exercise(
    id="compute_gradient", lesson=LESSON, points=3,
    signature="compute_gradient(X, y, w, b)", parts=("dj_dw", "dj_db"),
    make_cases=_model_cases, to_plain=_plain_gradient, expected=_gradient,
    reference=logistic.compute_gradient,
    mistakes=[
        Mistake("the gradient without the 1/m factor", _gradient_without_one_over_m,
                "both of your derivatives are m times too large: the cost is an average, and "
                "so is its gradient."),
        Mistake("the wrong sign", _gradient_with_wrong_sign,
                "both derivatives have the opposite sign: which comes first in the error, "
                "the prediction or the target?"),
        Mistake("a missing bias b", _gradient_without_bias,
                "your gradient does not change when b does: is b part of your score z?"),
        Mistake("dj_dw of shape (n, 1) instead of (n,)", _gradient_as_column,
                "dj_dw must have w's shape, (n,). Print the shape of each array on the way: "
                "where does a second axis of length 1 appear?"),
        Mistake("a sum over the wrong axis", _gradient_summed_over_features,
                "your dj_dw has one entry per example; it needs one per feature. Over which "
                "index does the formula sum?"),
        Mistake("dj_db without the sum", _gradient_with_vector_db,
                "dj_db is one number, but you returned one per example."),
    ])


# -- gradient_descent ------------------------------------------------------------------------------
def _descent(args):
    w, b, history = logistic.gradient_descent(**args)
    return _descent_parts(w, b, history["cost"])


def _descent_with(args, step):
    """Gradient descent whose update is ``step(X, y, w, b, alpha) -> (w, b)``: a wrong one.

    The costs are recorded as the reference does (before the first step and after every
    step), NaN once the weights are no longer finite.
    """
    X, y, alpha = args["X"], args["y"], args["alpha"]
    w, b = np.array(args["w_in"], np.float64), float(args["b_in"])
    costs = [logistic.compute_cost(X, y, w, b)]
    for _ in range(int(args["num_iters"])):
        w, b = step(X, y, w, b, alpha)
        costs.append(logistic.compute_cost(X, y, w, b) if np.all(np.isfinite(w)) else np.nan)
    return _descent_parts(w, b, costs)


def _ascent_step(X, y, w, b, alpha):
    dj_dw, dj_db = logistic.compute_gradient(X, y, w, b)
    return w + alpha * dj_dw, b + alpha * dj_db


def _sequential_step(X, y, w, b, alpha):
    w = w - alpha * logistic.compute_gradient(X, y, w, b)[0]
    return w, b - alpha * logistic.compute_gradient(X, y, w, b)[1]


def _w_only_step(X, y, w, b, alpha):
    return w - alpha * logistic.compute_gradient(X, y, w, b)[0], b


def _gradient_ascent(args):
    return _descent_with(args, _ascent_step)


def _history_without_first_cost(args):
    expected = _descent(args)
    return {**expected, "J_history": expected["J_history"][1:]}


def _history_without_last_cost(args):
    expected = _descent(args)
    return {**expected, "J_history": expected["J_history"][:-1]}


def _b_updated_after_w(args):
    return _descent_with(args, _sequential_step)


def _b_never_updated(args):
    return _descent_with(args, _w_only_step)


def _descent_without_learning_rate(args):
    return _descent({**args, "alpha": 1.0})


GRADIENT_DESCENT = Exercise(
    id="gradient_descent", lesson=LESSON, points=3,
    signature="gradient_descent(X, y, w_in, b_in, alpha, num_iters)",
    parts=("w", "b", "J_history"),
    make_cases=_descent_cases, to_plain=_plain_descent, expected=_descent,
    depends_on=("compute_cost", "compute_gradient"),
    reference=logistic.gradient_descent, rtol=1e-5, atol=1e-8,
    mistakes=[
        Mistake("gradient ascent (a + instead of a -)", _gradient_ascent,
                "your cost goes up. The gradient points uphill: which way must each step "
                "go? (If your compute_gradient has the wrong sign, fix that first.)"),
        Mistake("J_history without the starting cost", _history_without_first_cost,
                "entry k of J_history is the cost after k updates, so entry 0 is the cost "
                "before any update: num_iters + 1 numbers in all."),
        Mistake("J_history without the final cost", _history_without_last_cost,
                "entry k of J_history is the cost after k updates, up to k = num_iters: "
                "num_iters + 1 numbers in all."),
        Mistake("b's gradient taken after w was updated", _b_updated_after_w,
                "both derivatives must be taken at the same point, before either parameter "
                "moves (a simultaneous update)."),
        Mistake("b never updated", _b_never_updated,
                "your b comes back as b_in: the bias learns too."),
        Mistake("a missing learning rate", _descent_without_learning_rate,
                "your steps do not depend on alpha: what sets the size of a step?"),
    ])

EXERCISES = [SIGMOID, COMPUTE_COST, COMPUTE_GRADIENT, GRADIENT_DESCENT]
