"""Tests of course.grading.static_checks: a hand-off to the course's implementations is seen
in the code, however it is spelled, and the learner's own code is not mistaken for one."""

import pytest

from course import exercises
from course.grading import static_checks

SIGMOID = exercises.forbidden_objects(exercises.get("sigmoid"))


@pytest.mark.parametrize("sources", [
    ["from course import logistic", "def sigmoid(z):\n    return logistic.sigmoid(z)"],
    ["import course.logistic as L\ndef sigmoid(z):\n    return L.sigmoid(z)"],
    ["import course\ndef sigmoid(z):\n    return course.logistic.sigmoid(z)"],
    ["from course.logistic import sigmoid as s",
     "%matplotlib inline\ndef sigmoid(z):\n    y = s(z)\n    return y"],
    ["def sigmoid(z):\n    from course.logistic import sigmoid\n    return sigmoid(z)"],
    ["from course.logistic import sigmoid"],                  # no definition at all
    ["def sigmoid(z, f=__import__('course').logistic.sigmoid):\n    return f(z)"],
    ["import importlib\ndef sigmoid(z):\n"
     "    return importlib.import_module('course.activations').sigmoid(z)"],
    # the hole of issue 12: the same computation in another module
    ["from course import activations\ndef sigmoid(z):\n    return activations.sigmoid(z)"],
    ["import course.activations\ndef sigmoid(z):\n    return course.activations.sigmoid(z)"],
    ["from course.logistic import _sigmoid\ndef sigmoid(z):\n    return _sigmoid(z)"],
    ["import course.activations as A", "helper = A.sigmoid",
     "def sigmoid(z):\n    return helper(z)"],
])
def test_a_hand_off_is_found_in_the_code(sources):
    assert static_checks.calls_reference(sources, "sigmoid", SIGMOID) in (
        "course.logistic.sigmoid", "course.activations.sigmoid", "course.activations._sigmoid")


@pytest.mark.parametrize("sources", [
    ["from course import logistic", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"],
    ["from course.logistic import sigmoid", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"],
    ["def sigmoid(z):\n    return 1 / (1 + np.exp(-z))", "print(logistic.sigmoid(0))"],
    ["from course.logistic import compute_cost\ndef sigmoid(z):\n    return compute_cost(z)"],
    ["def sigmoid(z:\n    broken"],                           # not Python: nothing to see
    ["import numpy\ndef sigmoid(z):\n    return numpy.exp(z) / (1 + numpy.exp(z))"],
])
def test_own_code_is_not_mistaken_for_a_hand_off(sources):
    assert static_checks.calls_reference(sources, "sigmoid", SIGMOID) is None


@pytest.mark.parametrize("exercise_id, sources, found", [
    # a method is found through its class, or through its name where the class is in use
    ("backprop", ["from course.nn import Sequential, Dense",
                  "net = Sequential([Dense(1)])",
                  "def backprop(X, Y, weights):\n    return net._backward(net.forward(X), Y)"],
     "course.nn.Sequential._backward"),
    ("backprop", ["import course.nn as nn\ndef backprop(X, Y, weights):\n"
                  "    return nn.Sequential._backward(None, {}, Y)"],
     "course.nn.Sequential._backward"),
    ("dense_forward", ["from course.nn import Dense\ndef dense_forward(a_in, W, b, activation):\n"
                       "    layer = Dense(W.shape[1], activation)\n"
                       "    layer.W, layer.b = W, b\n    return layer.forward(a_in)[1]"],
     "course.layers.Dense.forward"),
    ("binary_crossentropy", ["from course.losses import BinaryCrossentropy",
                             "def binary_crossentropy(y_true, y_pred):\n"
                             "    return BinaryCrossentropy()(y_true, y_pred)"],
     "course.losses.BinaryCrossentropy.__call__"),
    ("compute_cost", ["from course import logistic\ndef compute_cost(X, y, w, b):\n"
                      "    return logistic.compute_cost_loop(X, y, w, b)"],
     "course.logistic.compute_cost_loop"),
])
def test_every_kind_of_reference_is_found(exercise_id, sources, found):
    forbidden = exercises.forbidden_objects(exercises.get(exercise_id))
    assert static_checks.calls_reference(sources, exercise_id, forbidden) == found


@pytest.mark.parametrize("exercise_id, sources", [
    # later lessons may use what earlier ones taught
    ("dense_forward", ["from course.logistic import sigmoid\nfrom course.nn import Dense",
                       "def dense_forward(a_in, W, b, activation):\n"
                       "    return sigmoid(a_in @ W + b)"]),
    ("gradient_descent", ["from course.logistic import compute_cost, compute_gradient",
                          "def gradient_descent(X, y, w_in, b_in, alpha, num_iters):\n"
                          "    return compute_gradient(X, y, w_in, b_in)"]),
    # a method's name on the learner's own object, in a notebook that never uses the class
    ("dense_forward", ["def dense_forward(a_in, W, b, activation):\n"
                       "    return my_layer.forward(a_in)"]),
])
def test_what_an_exercise_may_use_is_not_flagged(exercise_id, sources):
    forbidden = exercises.forbidden_objects(exercises.get(exercise_id))
    assert static_checks.calls_reference(sources, exercise_id, forbidden) is None


def test_code_that_breaks_the_parser_is_read_as_nothing_not_a_crash():
    too_deep = "x = " + "+".join(["1"] * 200_000) + "\n"
    assert static_checks.calls_reference([too_deep, "def sigmoid(z):\n    return z\n"],
                                         "sigmoid", SIGMOID) is None


def test_the_notebooks_own_function_shadows_an_imported_one():
    sources = ["from course.logistic import sigmoid",
               "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
               "def compute_cost(X, y, w, b):\n    return sigmoid(X @ w + b).mean()"]
    assert static_checks.calls_reference(sources, "sigmoid", SIGMOID) is None


def test_a_helper_the_function_calls_is_read_too():
    sources = ["from course import activations",
               "def helper(z):\n    return activations.sigmoid(z)",
               "def sigmoid(z):\n    return helper(z)"]
    assert static_checks.calls_reference(sources, "sigmoid", SIGMOID) == \
        "course.activations.sigmoid"


# -- limits on what the static check reads ------------------------------------------------------
def test_code_with_too_many_syntax_nodes_is_refused_before_the_check_reads_it():
    from course.grading.static_checks import MAX_CODE_NODES, StaticCheckLimit, check_size
    small = ["def sigmoid(z):\n    return z\n"]
    check_size(small)
    with pytest.raises(StaticCheckLimit, match="MAX_CODE_NODES"):
        check_size(["x = [" + "a," * MAX_CODE_NODES + "]"])


def test_a_static_check_that_runs_out_of_time_stops_and_names_the_limit(monkeypatch):
    from course import logistic
    from course.grading import static_checks
    code = ["def sigmoid(z):\n    return [" + "a," * 20_000 + "]\n"]
    assert static_checks.calls_reference(code, "sigmoid", [logistic.sigmoid]) is None
    monkeypatch.setattr(static_checks, "MAX_CHECK_SECONDS", -1.0)   # already past
    with pytest.raises(static_checks.StaticCheckLimit, match="MAX_CHECK_SECONDS"):
        static_checks.calls_reference(code, "sigmoid", [logistic.sigmoid])
