"""Tests of course.exercises: the registry, the cases, plain data, evaluation and mistakes."""

import ast
import io
import sys
from pathlib import Path

import numpy as np
import pytest

from course import exercises
from course.exercises import Case, ResultError

sys.path.insert(0, str(Path(__file__).parent))
import _exercise_solutions as answers  # noqa: E402

CONTRACT = {
    "01_logistic_regression_numpy": ["sigmoid", "compute_cost", "compute_gradient",
                                     "gradient_descent"],
    "02_loss_and_cost": ["binary_crossentropy", "binary_crossentropy_from_logits",
                         "mean_squared_error"],
    "03_backpropagation": ["dense_forward", "network_forward", "dense_backward", "backprop"],
    "04_training_a_network": ["update_parameters", "train_network", "stopping_epoch"],
    "05_keras_model_fit": ["accuracy", "build_model", "keras_fit", "train_minibatch",
                           "rmsprop_step", "train_rmsprop", "build_regression_model"],
}
KERAS_IDS = ("build_model", "keras_fit", "build_regression_model")
NUMPY_IDS = [i for ids in CONTRACT.values() for i in ids if i not in KERAS_IDS]


def npz_roundtrip(outcome: dict) -> dict:
    """An outcome as the grader reads it: run_case already sent its values through the wire
    encoding a grading kernel uses, so only a copy is left to make."""
    return dict(outcome)


def test_registry_matches_the_contract():
    assert {lesson: [e.id for e in exercises.for_lesson(lesson)] for lesson in CONTRACT} \
        == CONTRACT
    assert [e.id for e in exercises.all_exercises()] == sum(CONTRACT.values(), [])
    assert sum(e.points for e in exercises.all_exercises()) == 47
    for exercise in exercises.all_exercises():
        assert exercises.get(exercise.id) is exercise
        assert abs(sum(exercise.weights) - 1) < 1e-12
        assert exercise.signature.startswith(exercise.id + "(")
    with pytest.raises(KeyError, match="no exercise 'sigmoidd'"):
        exercises.get("sigmoidd")
    with pytest.raises(KeyError, match="no lesson"):
        exercises.for_lesson("05_nope")


#: How many seeds of hidden cases a right answer must pass, every one (a rare case that
#: punishes a right answer is a grading fault: see the next test).
SEEDS = 100


@pytest.mark.parametrize("exercise_id", NUMPY_IDS)
def test_correct_answers_pass_visible_and_hidden_cases(exercise_id):
    exercise, function = exercises.get(exercise_id), answers.CORRECT[exercise_id]
    for case in exercise.visible_cases():
        assert case.name, "visible cases are described to the learner"
        with np.errstate(over="ignore"):
            result = exercise.evaluate(case, exercise.run_case(function, case))
        assert result.passed, (case.name, result.problems)
    for seed in range(SEEDS):
        cases = exercise.grading_cases(seed)
        with np.errstate(over="ignore"):
            outcomes = [exercise.run_case(function, c) for c in cases]
        grade = exercise.grade(cases, [npz_roundtrip(o) for o in outcomes])
        assert grade.score == exercise.points, grade.feedback
        assert "all" in grade.feedback and "passed" in grade.feedback


def test_the_right_cost_gets_full_marks_on_the_hidden_cases_of_every_seed():
    """The lesson's formula, -y log f - (1-y) log(1-f), is NaN where the sigmoid rounds to
    exactly 1 (|z| above about 36.7). Seeds 198 and 535 once drew such a case, and a right
    compute_cost lost a sixth of its point; the hidden cases now keep |z| <= MAX_Z."""
    from course.exercises.logistic_regression_numpy import MAX_Z

    exercise, function = exercises.get("compute_cost"), answers.CORRECT["compute_cost"]
    for seed in range(600):
        cases = exercise.grading_cases(seed)
        assert max(np.max(np.abs(c["X"] @ c["w"] + c["b"])) for c in cases) <= MAX_Z + 1e-9
        if seed in (198, 535):      # the two that did
            outcomes = [exercise.run_case(function, exercises.Case(c)) for c in cases]
            grade = exercise.grade(cases, outcomes)
            assert grade.score == exercise.points, grade.feedback


def test_build_model_is_graded_by_behaviour():
    exercise = exercises.get("build_model")
    cases = exercise.visible_cases()
    good = [exercise.run_case(answers.build_model, c) for c in cases]
    assert all(exercise.evaluate(c, o).passed for c, o in zip(cases, good))

    def relu_model():
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        model = Sequential([Dense(25, activation="relu"), Dense(15, activation="relu"),
                            Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy")
        return model

    result = exercise.evaluate(cases[0], exercise.run_case(relu_model, cases[0]))
    assert set(result.problems) == {"output"}
    assert result.mistake.name == "relu in the hidden layers"

    def wide_mse_model():
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.losses import MeanSquaredError
        model = Sequential([Dense(30, activation="sigmoid"), Dense(1, activation="sigmoid")])
        model.compile(loss=MeanSquaredError())
        return model

    outcome = exercise.run_case(wide_mse_model, cases[0])
    grade = exercise.grade([cases[0].args], [outcome])
    assert grade.score == 0 and "architecture" in grade.feedback
    assert "MeanSquaredError instead of BinaryCrossentropy(from_logits=False)" in grade.feedback


def test_keras_fit_is_graded_against_course_nn_with_the_same_optimizer():
    exercise = exercises.get("keras_fit")
    case = exercise.visible_cases()[1]                     # 40 images, batches of 16
    assert exercise.evaluate(case, exercise.run_case(answers.keras_fit, case)).passed

    def default_batches(X, Y, weights, optimizer, epochs, batch_size):
        model = answers.build_model()
        model.compile(loss="binary_crossentropy", optimizer=optimizer)
        model.build((None, X.shape[1]))
        model.set_weights(weights)
        return model.fit(X, Y, epochs=epochs, shuffle=False, verbose=0).history["loss"]

    result = exercise.evaluate(case, exercise.run_case(default_batches, case))
    assert result.mistake.name == "fit's default batch size of 32"

    def default_optimizer(X, Y, weights, optimizer, epochs, batch_size):
        model = answers.build_model()
        model.build((None, X.shape[1]))
        model.set_weights(weights)
        return model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)

    result = exercise.evaluate(case, exercise.run_case(default_optimizer, case))
    assert result.mistake.name == "the optimizer never reaches compile"


def test_build_regression_model_is_graded_by_behaviour():
    exercise = exercises.get("build_regression_model")
    cases = exercise.visible_cases()
    assert all(exercise.evaluate(c, exercise.run_case(answers.build_regression_model, c)).passed
               for c in cases)

    def slide_defaults():
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.losses import MeanSquaredError
        model = Sequential([Dense(units=1, activation="sigmoid")])
        model.compile(loss=MeanSquaredError())
        return model

    outcome = exercise.run_case(slide_defaults, cases[0])
    grade = exercise.grade([cases[0].args], [outcome])
    assert grade.score == 1.0, grade.feedback          # architecture and loss right
    assert "RMSprop(learning_rate=0.001) instead of SGD(learning_rate=0.3)" in grade.feedback


def _minibatch_loop(X, Y, weights, alpha, epochs, batch_size, mean="weighted", stop=None,
                    update=None):
    """A learner's mini-batch loop, with the knobs of their mistakes (``update`` takes
    (weights, gradients) and returns new weights; plain gradient descent by default)."""
    update = update or (lambda w, g: [p - alpha * d for p, d in zip(w, g)])
    J_history = []
    for _ in range(epochs):
        costs, sizes = [], []
        for start in range(0, len(X) if stop is None else stop(len(X)), batch_size):
            X_b, Y_b = X[start:start + batch_size], Y[start:start + batch_size]
            p = answers.network_forward(X_b, weights)
            costs.append(np.mean(-Y_b * np.log(p) - (1 - Y_b) * np.log(1 - p)))
            sizes.append(len(X_b))
            weights = update(weights, answers.backprop(X_b, Y_b, weights))
        J_history.append(np.average(costs, weights=sizes) if mean == "weighted"
                         else np.mean(costs))
    return weights, J_history


@pytest.mark.parametrize("function, name", [
    (lambda *args: _minibatch_loop(*args, mean="plain"), "the plain mean of the batch costs"),
    (lambda *args: _minibatch_loop(*args, stop=lambda m: m - args[-1] + 1),
     "the last, smaller batch left out"),
    (lambda *args: _minibatch_loop(*args, update=lambda w, g: w), "weights that never change"),
])
def test_train_minibatch_mistakes_are_named(function, name):
    exercise = exercises.get("train_minibatch")
    for case in exercise.visible_cases():
        assert exercise.evaluate(case, exercise.run_case(answers.train_minibatch, case)).passed
        result = exercise.evaluate(case, exercise.run_case(function, case))
        assert not result.passed and result.mistake.name == name


def _step_per_array(weights, gradients, s, alpha, rho, epsilon):
    s = [rho * s_p + (1 - rho) * np.mean(g ** 2) for s_p, g in zip(s, gradients)]
    return [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)], s


def _step_epsilon_outside(weights, gradients, s, alpha, rho, epsilon):
    s = [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]
    return [p - alpha * g / (np.sqrt(s_p) + epsilon) for p, g, s_p in zip(weights, gradients, s)], s


def _step_old_s(weights, gradients, s, alpha, rho, epsilon):
    new_weights = [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)]
    return new_weights, [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]


@pytest.mark.parametrize("function, name", [
    (_step_per_array, "one running average per array, not per entry"),
    (_step_epsilon_outside, "epsilon outside the square root"),
    (_step_old_s, "the step divided by the old s"),
])
def test_rmsprop_step_mistakes_are_named_on_every_case(function, name):
    exercise = exercises.get("rmsprop_step")
    cases = exercise.visible_cases() + [exercises.Case(a) for a in exercise.grading_cases(5)]
    for case in cases:
        assert exercise.evaluate(case, exercise.run_case(answers.rmsprop_step, case)).passed
        result = exercise.evaluate(case, exercise.run_case(function, case))
        assert not result.passed and result.mistake.name == name


def test_train_rmsprop_mistakes_are_named():
    exercise = exercises.get("train_rmsprop")

    def s_reset_every_epoch(X, Y, weights, alpha, epochs, batch_size, rho, epsilon):
        J_history = []
        for _ in range(epochs):
            state = {"s": [np.zeros_like(w) for w in weights]}

            def update(w, g):
                w, state["s"] = answers.rmsprop_step(w, g, state["s"], alpha, rho, epsilon)
                return w
            weights, history = _minibatch_loop(X, Y, weights, alpha, 1, batch_size,
                                               update=update)
            J_history += history
        return weights, J_history

    def plain_steps(X, Y, weights, alpha, epochs, batch_size, rho, epsilon):
        return _minibatch_loop(X, Y, weights, alpha, epochs, batch_size)

    for case in exercise.visible_cases():
        assert exercise.evaluate(case, exercise.run_case(answers.train_rmsprop, case)).passed
        for function, name in ((s_reset_every_epoch, "s started again at 0 every epoch"),
                               (plain_steps, "plain gradient steps (no RMSprop)")):
            result = exercise.evaluate(case, exercise.run_case(function, case))
            assert not result.passed and result.mistake.name == name


@pytest.mark.parametrize("function, name", [
    (lambda p, Y: np.mean((p.ravel() >= 0.5) == Y),
     "predictions of shape (m,) compared with labels of shape (m, 1)"),
    (lambda p, Y: np.sum((p >= 0.5) == Y), "a count instead of a share"),
    (lambda p, Y: np.mean((p > 0.5) == Y), "> 0.5 instead of >= 0.5"),
])
def test_accuracy_mistakes_are_named(function, name):
    exercise = exercises.get("accuracy")
    case = exercise.visible_cases()[0]
    result = exercise.evaluate(case, exercise.run_case(function, case))
    assert not result.passed and result.mistake.name == name


def test_grading_cases_are_fresh_and_include_edge_cases():
    exercise = exercises.get("compute_gradient")
    first, second = exercise.grading_cases(10), exercise.grading_cases(11)
    assert not np.array_equal(first[0]["X"], second[0]["X"])
    shapes = [case["X"].shape for case in first]
    # the fewest examples is two, so that a missing 1/m shows (tests/test_exercise_design.py)
    assert any(m == 2 for m, _ in shapes) and any(n == 1 for _, n in shapes)
    large = exercises.get("sigmoid").grading_cases(3)
    assert any(np.max(np.abs(case["z"])) >= 1000 for case in large)
    for exercise in exercises.all_exercises():
        for case in exercise.grading_cases(0):
            assert all(isinstance(v, (np.ndarray, float, int, str)) for v in case.values())
            assert all(v.dtype == np.float64 for v in case.values()
                       if isinstance(v, np.ndarray))


@pytest.mark.parametrize("exercise", exercises.all_exercises(), ids=lambda e: e.id)
def test_every_mistake_is_recognised_from_its_own_output(exercise):
    """Each mistake shows on some case, and its output is recognised as that mistake."""
    cases = exercise.visible_cases() + [Case(a) for a in exercise.grading_cases(0)]
    for mistake in exercise.mistakes:
        recognised = 0
        for case in cases:
            produced = mistake.produce(case.args)
            if produced is None:
                continue
            result = exercise.evaluate(case, npz_roundtrip(produced))
            if not result.passed:
                # Two mistakes may coincide on a case (with one example, the root of the
                # squared error is the absolute error); then the earlier one is named.
                assert result.mistake is not None, (mistake.name, case.name)
                recognised += result.mistake.name == mistake.name
        assert recognised, f"{mistake.name} is never recognised on any case"


def forgot_one_over_m(X, y, w, b):
    err = answers.sigmoid(X @ w + b) - y
    return X.T @ err, np.mean(err)          # dj_db is right, dj_dw is not


def column_gradient(X, y, w, b):
    err = (answers.sigmoid(X @ w + b) - y).reshape(-1, 1)
    return X.T @ err / len(y), float(np.mean(err))


@pytest.mark.parametrize("exercise_id, function, mistake, lost", [
    # Every hidden case has m >= 2, so a missing 1/m shows on all of them: dj_dw earns nothing.
    ("compute_gradient", forgot_one_over_m, "the gradient without the 1/m factor", 1.5),
    ("compute_gradient", column_gradient, "dj_dw of shape (n, 1) instead of (n,)", 1.5),
    # every hidden sigmoid case has a score beyond 709, where e^z / (1 + e^z) is NaN
    ("sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)), "an overflow for large |z|", 2),
    ("compute_cost", lambda X, y, w, b: -y * np.log(answers.sigmoid(X @ w + b))
     - (1 - y) * np.log(1 - answers.sigmoid(X @ w + b)), "the loss instead of the cost", 1),
    # every hidden case has a prediction of exactly 0 where its label is 1
    ("binary_crossentropy", lambda t, p: np.mean(-t * np.log(p) - (1 - t) * np.log(1 - p)),
     "predictions that were not clipped", 1),
    ("mean_squared_error", lambda t, p: 0.5 * np.mean((t - p) ** 2), "a factor ½", 1),
])
def test_real_mistakes_lose_the_right_points(exercise_id, function, mistake, lost):
    exercise = exercises.get(exercise_id)
    for seed in (0, 1):
        cases = exercise.grading_cases(seed)
        with np.errstate(all="ignore"):
            outcomes = [exercise.run_case(function, c) for c in cases]
        grade = exercise.grade(cases, outcomes)
        assert grade.score == exercise.points - lost, grade.feedback
        assert f"Looks like {mistake}." in grade.feedback


def test_hidden_feedback_never_shows_inputs_or_expected_values():
    exercise = exercises.get("compute_cost")
    cases = exercise.grading_cases(4)
    outcomes = [{"value": np.array(1.2345678)} for _ in cases]
    feedback = exercise.grade(cases, outcomes).feedback
    assert "1.23" not in feedback
    for case in cases:
        assert f"{case['b']:.4f}" not in feedback and f"{case['X'][0, 0]:.4f}" not in feedback
    vectors = [{"value": np.zeros(case["X"].shape[0] + 1)} for case in cases]
    feedback = exercise.grade(cases, vectors).feedback
    assert "(a 1-D result where a 0-D one was expected)" in feedback
    assert "shape (" not in feedback


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


@pytest.mark.parametrize("returned, message", [
    (AlwaysEqual(), "should be made of real numbers"),
    ("0.5", "should be a number, but your function returned a str"),
    (None, "returned a NoneType"),
    ({"cost": 1.0}, "returned a dict"),
    ([[1.0], [1.0, 2.0]], "could not be read as numbers"),
])
def test_results_that_are_not_numbers_are_refused_clearly(returned, message):
    exercise = exercises.get("compute_cost")
    case = exercise.visible_cases()[0]
    with pytest.raises(ResultError, match=message):
        exercise.run_case(lambda X, y, w, b: returned, case)


def test_nan_wrong_shape_and_errors_are_reported_not_raised():
    exercise = exercises.get("compute_gradient")
    case = exercise.visible_cases()[0]
    n = case.args["X"].shape[1]
    nan = exercise.evaluate(case, {"dj_dw": np.full(n, np.nan), "dj_db": np.array(np.nan)})
    assert nan.problems == {"dj_dw": "contains NaN", "dj_db": "contains NaN"}
    shape = exercise.evaluate(case, {"dj_dw": np.zeros((1, 1, 1)), "dj_db": np.zeros(3)})
    assert shape.problems["dj_dw"] == f"shape (1, 1, 1) instead of ({n},)"
    missing = exercise.evaluate(case, {})
    assert missing.problems == {"dj_dw": "missing", "dj_db": "missing"}
    error = exercise.evaluate(case, ZeroDivisionError("division by zero"))
    assert error.error == "ZeroDivisionError: division by zero" and not error.passed
    with pytest.raises(ResultError, match=r"\(dj_dw, dj_db\) \(2 items\), but it returned 3"):
        exercise.run_case(lambda X, y, w, b: (1, 2, 3), case)


def test_not_attempted_scores_zero_with_a_clear_message():
    exercise = exercises.get("backprop")
    cases = exercise.grading_cases(0)
    grade = exercise.grade(cases, ["NotImplementedError: "] * len(cases))
    assert (grade.score, grade.attempted) == (0, False)
    assert "not attempted" in grade.feedback
    assert [p.name for p in grade.parts] == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    with pytest.raises(ValueError, match="one outcome per case; got 1 outcomes for 4 cases"):
        exercise.grade(cases, ["NotImplementedError: "])


def test_partial_credit_by_part():
    exercise = exercises.get("gradient_descent")
    cases = exercise.grading_cases(2)

    def no_first_cost(*args):
        w, b, history = answers.gradient_descent(*args)
        return w, b, history[1:]

    grade = exercise.grade(cases, [exercise.run_case(no_first_cost, c) for c in cases])
    assert grade.score == 2 and [p.score for p in grade.parts] == [1, 1, 0]
    assert "Looks like J_history without the starting cost." in grade.feedback


def test_the_learners_arguments_are_copies():
    exercise = exercises.get("gradient_descent")
    case = exercise.visible_cases()[0]
    before = case.args["w_in"].copy()

    def in_place(X, y, w_in, b_in, alpha, num_iters):
        w_in -= 1.0
        return answers.gradient_descent(X, y, w_in + 1.0, b_in, alpha, num_iters)

    result = exercise.evaluate(case, exercise.run_case(in_place, case))
    np.testing.assert_array_equal(case.args["w_in"], before)     # the case itself is intact
    assert not result.passed                 # the change is seen on the copy, and named
    assert result.mistake.name == "a change to its input in place"


# -- hand-offs to the course's own implementations (issue 12) -----------------------------------
NETWORK = ("from course.nn import Dense, Input, Sequential\n"
           "from course.losses import BinaryCrossentropy\n"
           "def _network(X, weights):\n"
           "    model = Sequential([Input((X.shape[1],))]\n"
           "                       + [Dense(W.shape[1], 'sigmoid') for W in weights[0::2]])\n"
           "    model.set_weights(list(weights))\n"
           "    return model\n")
#: Hand-offs written out: to each method the registry names as a reference, and to a function
#: whose result needs unpacking (the others get one generically).
WRITTEN_HAND_OFFS = {
    "course.logistic.gradient_descent":
        "from course import logistic\n"
        "def gradient_descent(X, y, w_in, b_in, alpha, num_iters):\n"
        "    w, b, history = logistic.gradient_descent(X, y, w_in, b_in, alpha, num_iters)\n"
        "    return w, b, history['cost']\n",
    "course.layers.Dense.forward": "from course.nn import Dense\n"
                     "def dense_forward(a_in, W, b, activation):\n"
                     "    layer = Dense(W.shape[1], activation)\n"
                     "    layer.W, layer.b = W, b\n"
                     "    return layer.forward(a_in)[1]\n",
    "course.nn.Sequential._forward": NETWORK + "def network_forward(X, weights):\n"
                                     "    return _network(X, weights).predict(X)\n",
    "course.nn.Sequential._backward": NETWORK + "def backprop(X, Y, weights):\n"
                                      "    model = _network(X, weights)\n"
                                      "    model.compile(loss=BinaryCrossentropy())\n"
                                      "    grads = model.backward(model.forward(X), Y)\n"
                                      "    return [g for pair in zip(grads['dW'], grads['db'])\n"
                                      "            for g in pair]\n",
    "train_minibatch:course.nn.Sequential.fit":
        NETWORK + "from course.nn import SGD\n"
        "def train_minibatch(X, Y, weights, alpha, epochs, batch_size):\n"
        "    model = _network(X, weights)\n"
        "    model.compile(loss=BinaryCrossentropy(), optimizer=SGD(learning_rate=alpha))\n"
        "    history = model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False)\n"
        "    return model.get_weights(), history.history['loss']\n",
    "train_rmsprop:course.nn.Sequential.fit":
        NETWORK + "from course.nn import RMSprop\n"
        "def train_rmsprop(X, Y, weights, alpha, epochs, batch_size, rho, epsilon):\n"
        "    model = _network(X, weights)\n"
        "    model.compile(loss=BinaryCrossentropy(),\n"
        "                  optimizer=RMSprop(learning_rate=alpha, rho=rho, epsilon=epsilon))\n"
        "    history = model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=False)\n"
        "    return model.get_weights(), history.history['loss']\n",
    "course.nn.Sequential.fit": NETWORK + "from course.nn import SGD\n"
                                "def train(X, Y, weights, alpha, epochs):\n"
                                "    model = _network(X, weights)\n"
                                "    model.compile(loss=BinaryCrossentropy(),\n"
                                "                  optimizer=SGD(learning_rate=alpha))\n"
                                "    history = model.fit(X, Y, epochs=epochs, batch_size=len(X),\n"
                                "                        shuffle=False)\n"
                                "    return model.get_weights(), history.history['loss']\n",
}


def hand_off_source(exercise, reference) -> str:
    """A learner's function that returns what ``reference`` computes, as notebook code."""
    module, qualname = reference.__module__, reference.__qualname__
    if f"{exercise.id}:{module}.{qualname}" in WRITTEN_HAND_OFFS:      # per exercise first
        return WRITTEN_HAND_OFFS[f"{exercise.id}:{module}.{qualname}"]
    if f"{module}.{qualname}" in WRITTEN_HAND_OFFS:
        return WRITTEN_HAND_OFFS[f"{module}.{qualname}"]
    owner, _, method = qualname.partition(".")
    if method == "__call__":
        return (f"from {module} import {owner}\n"
                f"def {exercise.id}(*args):\n    return {owner}()(*args)\n")
    assert not method, f"write a hand-off to {module}.{qualname} in WRITTEN_HAND_OFFS"
    options = ", from_logits=True" if exercise.id.endswith("_from_logits") else ""
    return (f"import {module}\ndef {exercise.id}(*args):\n"
            f"    return {module}.{qualname}(*args{options})\n")


def stubbed_in_the_course_tree(exercise, reference) -> bool:
    """Whether ``reference`` only raises ReferenceWithheld in the grading kernel's course
    tree of ``exercise``'s lesson (:mod:`course.grading.course_tree`)."""
    from course.grading import course_tree
    tree = course_tree.for_lesson(exercise.lesson)
    module = tree.joinpath(*reference.__module__.split(".")).with_suffix(".py")
    nodes, scope = ast.parse(module.read_text()).body, reference.__qualname__.split(".")
    for name in scope:
        node = next(n for n in nodes if getattr(n, "name", None) == name)
        nodes = node.body
    return "ReferenceWithheld" in ast.unparse(node) and len(node.body) == 2


def ran_forbidden_code(exercise, function, case) -> bool:
    """Whether ``function`` runs, on ``case``, a course implementation that is a stub in the
    grading course tree of ``exercise``'s lesson (watched here with a profile hook)."""
    from course.grading import course_tree
    codes = {f.__code__ for f in course_tree.forbidden_in_lesson(exercise.lesson)
             if hasattr(f, "__code__")}
    seen = []

    def profile(frame, event, argument):
        if event == "call" and frame.f_code in codes:
            seen.append(frame.f_code)

    sys.setprofile(profile)
    try:
        exercise.run_case(function, case)
    finally:
        sys.setprofile(None)
    return bool(seen)


HAND_OFFS = [(exercise, reference) for exercise in exercises.all_exercises()
             for reference in exercises.forbidden_objects(exercise)]


@pytest.mark.parametrize("exercise, reference", HAND_OFFS,
                         ids=[f"{e.id}-{r.__qualname__}" for e, r in HAND_OFFS])
def test_a_hand_off_to_any_course_implementation_is_caught(exercise, reference):
    """Caught twice: in the code (the static check) and at run time (in the grading kernel
    the implementation only raises; the hand-off is right without that, the control)."""
    from course.grading import static_checks
    source = hand_off_source(exercise, reference)
    namespace = {}
    exec(source, namespace)
    forbidden = exercises.forbidden_objects(exercise)
    assert static_checks.calls_reference([source], exercise.id, forbidden) is not None
    case = exercise.visible_cases()[0]
    with np.errstate(all="ignore"):
        assert exercise.evaluate(case, exercise.run_case(namespace[exercise.id], case)).passed
    assert stubbed_in_the_course_tree(exercise, reference)


def test_every_exercise_with_a_reference_forbids_it_and_the_known_holes_are_closed():
    for exercise in exercises.all_exercises():
        forbidden = exercises.forbidden_objects(exercise)
        assert (exercise.reference is None) == (not forbidden)
        assert exercise.reference is None or forbidden[0] is exercise.reference
    names = {e.id: {f"{f.__module__}.{f.__qualname__}" for f in exercises.forbidden_objects(e)}
             for e in exercises.all_exercises()}
    assert "course.activations.sigmoid" in names["sigmoid"]
    assert "course.losses.BinaryCrossentropy.__call__" in names["binary_crossentropy"]
    assert names["backprop"] == {"course.nn.Sequential._backward", "course.network.backprop"}


@pytest.mark.parametrize("exercise_id", NUMPY_IDS)
def test_honest_answers_never_run_forbidden_code(exercise_id):
    exercise = exercises.get(exercise_id)
    for case in exercise.visible_cases():
        with np.errstate(all="ignore"):
            assert not ran_forbidden_code(exercise, answers.CORRECT[exercise_id], case)


def test_later_lessons_may_use_what_earlier_ones_taught_but_not_a_sibling_answer():
    """The grading course tree stubs the implementations *the lesson's* exercises forbid:
    lesson 3's dense_forward may call the course's sigmoid (lesson 1's), but lesson 1's
    gradient_descent may not call the course's compute_cost (it calls the notebook's own,
    which the grader replaces by the course's learner-style version: ``depends_on``)."""
    from course import logistic
    dense = exercises.get("dense_forward")

    def dense_forward(a_in, W, b, activation):
        z = a_in @ W + b
        return {"sigmoid": logistic.sigmoid, "relu": lambda v: np.maximum(v, 0),
                "linear": lambda v: v}[activation](z)

    assert not any(ran_forbidden_code(dense, dense_forward, c) for c in dense.visible_cases())
    descent = exercises.get("gradient_descent")

    def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
        w, b, costs = w_in, b_in, [logistic.compute_cost(X, y, w_in, b_in)]
        for _ in range(num_iters):
            dj_dw, dj_db = logistic.compute_gradient(X, y, w, b)
            w, b = w - alpha * dj_dw, b - alpha * dj_db
            costs.append(logistic.compute_cost(X, y, w, b))
        return w, b, costs

    assert ran_forbidden_code(descent, gradient_descent, descent.visible_cases()[0])
    assert descent.depends_on == ("compute_cost", "compute_gradient")


def test_the_solution_notebooks_hand_nothing_off():
    import nbformat
    from course.grading import static_checks
    for path in sorted((Path(__file__).parents[1] / "solutions").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        for exercise in exercises.for_lesson(path.stem):
            assert static_checks.calls_reference(
                sources, exercise.id, exercises.forbidden_objects(exercise)) is None


def test_backprop_reference_matches_finite_differences():
    exercise = exercises.get("backprop")
    args = exercise.grading_cases(0)[-1]        # the one-feature case: small enough
    gradients = exercise.expected(args)

    def cost(a):
        p = answers.network_forward(a["X"], [a[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")])
        return np.mean(-a["Y"] * np.log(p) - (1 - a["Y"]) * np.log(1 - p))

    for name in ("W1", "b2", "W3", "b3"):
        numeric = np.zeros_like(args[name])
        for index in np.ndindex(args[name].shape):
            for sign in (1, -1):
                shifted = {k: v.copy() if isinstance(v, np.ndarray) else v
                           for k, v in args.items()}
                shifted[name][index] += sign * 1e-6
                numeric[index] += sign * cost(shifted) / 2e-6
        np.testing.assert_allclose(gradients["d" + name], numeric, rtol=1e-5, atol=1e-9)
