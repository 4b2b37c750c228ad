"""Exercises of lesson 05, in notebook order: accuracy, build_model, keras_fit (in
``keras_training``), train_minibatch, rmsprop_step, train_rmsprop (in ``keras_loops``) and
build_regression_model.

``accuracy(probabilities, Y)`` is plain NumPy: the share of predictions (1 where the
probability is at least 0.5) that equal the labels. The two model factories are Keras code,
judged by behaviour, as follows for ``build_model``. ``build_model`` copies the slide (the
lesson shows its code), so it is worth one point; the points are on the loops.

The learner's ``build_model()`` returns a compiled ``Sequential`` of Dense(25, 'sigmoid'),
Dense(15, 'sigmoid') and Dense(1, 'sigmoid') with ``loss=BinaryCrossentropy()``. Attributes
can be spelled many ways, so the model is judged by what it is, never run by the grader: the
kernel (:func:`course._kernel_call.describe_model`) builds it for 64 inputs and describes
its layers (kind, units, activation name), weights and compiled loss; the trusted side then

1. lists its weight shapes (part "architecture");
2. computes, in float64 with ``course.activations``, what its layers give with weights and
   inputs chosen by the evaluator (part "output": a relu or a missing sigmoid shows here);
3. names the compiled loss, e.g. ``BinaryCrossentropy(from_logits=False)`` (part "loss").

The expected output is the same network computed by ``course.nn`` (NumPy), so the evaluator
never needs TensorFlow; the tolerance stays loose enough for a float32 Keras model.

>>> expected = BUILD_MODEL.expected(_model_args(np.random.default_rng(0), m=2))
>>> str(expected["architecture"]), expected["output"].shape
('(64, 25) (25,) (25, 15) (15,) (15, 1) (1,)', (2, 1))
"""

from __future__ import annotations

import numpy as np

from course import activations
from course._wire import Described
from course.exercises._classes import Case, Exercise, Mistake, call_without_arguments
from course.exercises._plain import ResultError, plain_array, text
from course.exercises.backpropagation import WEIGHT_NAMES, network_args, network_output
from course.exercises.keras_loops import RMSPROP_STEP, TRAIN_MINIBATCH, TRAIN_RMSPROP
from course.exercises.keras_training import KERAS_FIT, LESSON

N_INPUTS = 64
BCE = "BinaryCrossentropy(from_logits=False)"
_LOSS_NAMES = {"binary_crossentropy": "BinaryCrossentropy",
               "mean_squared_error": "MeanSquaredError", "mse": "MeanSquaredError"}


def _model_args(rng, m):
    args = network_args(rng, m, (N_INPUTS, 25, 15, 1))
    del args["Y"]
    args["X"] = rng.uniform(0.0, 1.0, (m, N_INPUTS))
    return args


def _cases(rng, visible):
    if visible:
        return [Case(_model_args(rng, 4), "4 digit-like examples, weights copied in"),
                Case(_model_args(rng, 1), "a single example")]
    return [Case(_model_args(rng, int(rng.integers(5, 40)))), Case(_model_args(rng, 1))]


def _shapes_text(shapes) -> str:
    return " ".join(str(tuple(int(d) for d in shape)) for shape in shapes)


def _expected(args):
    shapes = [np.shape(args[name]) for name in WEIGHT_NAMES]
    return {"architecture": text(_shapes_text(shapes)),
            "output": network_output(args),                                  # (m, 1)
            "loss": text(BCE)}


def _relu_hidden_layers(args):
    return {**_expected(args), "output": network_output(args, hidden="relu")}


def _linear_output_layer(args):
    return {**_expected(args), "output": network_output(args, output="linear")}


def _no_activations(args):
    return {**_expected(args), "output": network_output(args, "linear", "linear")}


def _compiled_with(loss: str):
    """The mistake of a model compiled with ``loss`` (described as ``describe_loss`` does)."""
    def produce(args):
        return {**_expected(args), "loss": text(loss)}
    return produce


def describe_loss(loss) -> str:
    """Name a compiled Keras loss the same way whichever form was passed to ``compile``.

    ``loss`` is as a grading kernel describes it (:func:`course._kernel_call.describe_model`):
    text, ``{"function": name}``, ``{"class": name, "config": {...}}`` or ``None``.

    >>> describe_loss("binary_crossentropy"), describe_loss(None)
    ('BinaryCrossentropy(from_logits=False)', 'not compiled')
    >>> describe_loss({"class": "BinaryCrossentropy", "config": {"from_logits": True}})
    'BinaryCrossentropy(from_logits=True)'
    """
    if loss is None:
        return "not compiled"
    if isinstance(loss, str):
        name = _LOSS_NAMES.get(loss, loss)
        return f"{name}(from_logits=False)" if name == "BinaryCrossentropy" else name
    if not isinstance(loss, dict):
        return type(loss).__name__
    if "function" in loss:
        return _LOSS_NAMES.get(str(loss["function"]), str(loss["function"]))
    name, config = str(loss.get("class")), loss.get("config")
    if name == "BinaryCrossentropy":
        from_logits = isinstance(config, dict) and config.get("from_logits") is True
        return f"{name}(from_logits={from_logits})"
    return name


#: Activations a described model's output is computed with (by name, as Keras names them).
_ACTIVATIONS = {"sigmoid": activations.sigmoid, "relu": activations.relu,
                "linear": activations.linear}
#: Layers that leave a batch of feature rows as it is when predicting.
_PASS_THROUGH = ("InputLayer", "Dropout", "Flatten", "Activation")


def keras_model(result, exercise_id: str):
    """The description of the Keras model the learner's function returned, or ``None``.

    Raises ``ResultError`` for a ``course.nn.Sequential`` (the course's NumPy copy of Keras).
    """
    described = result.described if isinstance(result, Described) else None
    if isinstance(described, dict) and described.get("framework") == "course":
        raise ResultError(f"{exercise_id} returned a course.nn.Sequential, the course's NumPy "
                          "copy of Keras; this exercise asks for the Keras model itself: build "
                          "it with Sequential and Dense from tensorflow.keras.")
    if not isinstance(described, dict) or described.get("framework") != "keras":
        return None
    return described


def model_output(layers, weights, X):
    """The output of a described model's layers with ``weights`` ([W1, b1, ...]) on ``X``,
    computed in float64 with ``course.activations``; ``None`` for a layer or activation
    this cannot compute."""
    a, pairs = np.asarray(X, dtype=np.float64), iter(zip(weights[0::2], weights[1::2]))
    for layer in layers:
        kind, activation = layer.get("class"), layer.get("activation")
        if kind == "Dense":
            W, b = next(pairs, (None, None))
            if W is None:
                return None
            a = a @ W + b
        elif kind not in _PASS_THROUGH:
            return None
        if activation is not None:
            if activation not in _ACTIVATIONS:
                return None
            a = _ACTIVATIONS[activation](a)
    return a


def _plain_model_parts(result, exercise_id: str, weights, X, with_optimizer: bool) -> dict:
    """The parts of a model exercise: architecture, loss (optimizer) and output."""
    model = keras_model(result, exercise_id)
    if model is None:
        plain = {"architecture": text(f"not a Keras model but a {type(result).__name__}"),
                 "loss": text("not compiled")}
        if with_optimizer:
            plain["optimizer"] = text("not compiled")
        return plain
    shapes = [np.shape(w) for w in model.get("weights", [])]
    plain = {"architecture": text(_shapes_text(shapes)),
             "loss": text(describe_loss(model.get("loss")))}
    if with_optimizer:
        plain["optimizer"] = text(describe_optimizer(model.get("optimizer")))
    if shapes == [np.shape(w) for w in weights]:
        output = model_output(model.get("layers", []), weights, X)
        if output is not None:
            plain["output"] = plain_array(output, "the model's output")          # (m, 1)
    return plain


def _plain_model(result, args) -> dict:
    """Trusted: build_model's parts from the model the kernel described (see the module)."""
    return _plain_model_parts(result, "build_model", [args[name] for name in WEIGHT_NAMES],
                              args["X"], with_optimizer=False)


BUILD_MODEL = Exercise(
    id="build_model", lesson=LESSON, points=1, signature="build_model()", answer_in_lesson=True,
    parts=("architecture", "output", "loss"), make_cases=_cases, to_plain=_plain_model,
    expected=_expected, call=call_without_arguments, build_inputs=N_INPUTS, rtol=1e-4,
    atol=1e-5,
    time_limit=60.0,            # the first Keras model of a session can take seconds
    mistakes=[
        Mistake("relu in the hidden layers", _relu_hidden_layers,
                "the slide's network uses activation='sigmoid' in all three Dense layers."),
        Mistake("no sigmoid on the output layer", _linear_output_layer,
                "the last layer is Dense(units=1, activation='sigmoid'), so the model "
                "outputs a probability."),
        Mistake("no activations at all", _no_activations,
                "pass activation='sigmoid' to every Dense layer (the default is linear)."),
        Mistake("the mean squared error as the loss", _compiled_with("MeanSquaredError"),
                "for 0/1 labels compile with loss=BinaryCrossentropy()."),
        Mistake("from_logits=True", _compiled_with("BinaryCrossentropy(from_logits=True)"),
                "the output layer already applies the sigmoid, so keep the default "
                "BinaryCrossentropy() (from_logits=False)."),
        Mistake("a model that was not compiled", _compiled_with("not compiled"),
                "call model.compile(loss=BinaryCrossentropy()) before returning the model."),
    ])


# -- accuracy ----------------------------------------------------------------------------------------
def _accuracy_args(rng, m, exact_half=True):
    probabilities = rng.uniform(0.0, 1.0, (m, 1))
    if exact_half:
        probabilities[0, 0] = 0.5                     # exactly on the threshold: predict 1
    Y = (rng.random((m, 1)) < 0.5).astype(np.float64)
    Y[0, 0] = 1.0
    return {"probabilities": probabilities, "Y": Y}


def _accuracy_cases(rng, visible):
    if visible:
        return [Case({"probabilities": np.array([[0.9], [0.2], [0.5], [0.7], [0.4]]),
                      "Y": np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])},
                     "5 images, one probability exactly 0.5, shape (5, 1)"),
                Case(_accuracy_args(rng, 12), "12 random probabilities, shape (12, 1)")]
    return [Case(_accuracy_args_every_mistake_shows(rng, m))
            for m in (int(rng.integers(5, 80)), 3, int(rng.integers(5, 80)))]


def _accuracy_args_every_mistake_shows(rng, m, tries=100):
    """Random accuracy arguments on which every named mistake gives a wrong answer (labels
    drawn again while, say, the accuracy is exactly 0.5 and the error rate equals it)."""
    for _ in range(tries):
        args = _accuracy_args(rng, m)
        right = _accuracy(args)["value"]
        if not any(np.isclose(mistake.produce(args)["value"], right)
                   for mistake in ACCURACY.mistakes):
            return args
    raise RuntimeError(f"no accuracy case of {m} images shows every mistake")


def _predictions(args):
    return (args["probabilities"] >= 0.5).astype(np.float64)       # (m, 1)


def _accuracy(args):
    return {"value": np.array(np.mean(_predictions(args) == args["Y"]))}


def _accuracy_row_against_column(args):
    """(m,) predictions == (m, 1) labels broadcasts to an (m, m) table of every pair."""
    return {"value": np.array(np.mean(_predictions(args).ravel() == args["Y"]))}


def _accuracy_count(args):
    return {"value": np.array(float(np.sum(_predictions(args) == args["Y"])))}


def _accuracy_percent(args):
    return {"value": 100 * _accuracy(args)["value"]}


def _accuracy_strict_threshold(args):
    predictions = (args["probabilities"] > 0.5).astype(np.float64)
    return {"value": np.array(np.mean(predictions == args["Y"]))}


def _error_rate(args):
    return {"value": 1 - _accuracy(args)["value"]}


def _plain_accuracy(result):
    return {"value": plain_array(result, "the accuracy")}


ACCURACY = Exercise(
    id="accuracy", lesson=LESSON, points=2, signature="accuracy(probabilities, Y)",
    make_cases=_accuracy_cases, to_plain=_plain_accuracy, expected=_accuracy,
    mistakes=[
        Mistake("predictions of shape (m,) compared with labels of shape (m, 1)",
                _accuracy_row_against_column,
                "comparing an (m,) array with an (m, 1) array broadcasts to an (m, m) table of "
                "every pair; keep both arrays (m, 1)."),
        Mistake("a count instead of a share", _accuracy_count,
                "the answer is a share of the images, not how many there are."),
        Mistake("a percentage instead of a share", _accuracy_percent,
                "return a number between 0 and 1; the lesson multiplies by 100 to print it."),
        Mistake("> 0.5 instead of >= 0.5", _accuracy_strict_threshold,
                "predict 1 when the probability is *at least* 0.5: exactly 0.5 counts as a 1."),
        Mistake("the error rate instead of the accuracy", _error_rate,
                "count the predictions that *equal* the labels."),
    ])


# -- build_regression_model ----------------------------------------------------------------------
REGRESSION_LOSS = "MeanSquaredError"
REGRESSION_OPTIMIZER = "SGD(learning_rate=0.3)"


def _regression_args(rng, m):
    return {"X": rng.uniform(0.0, 2.0, (m, 1)), "W": rng.normal(0.0, 1.0, (1, 1)),
            "b": rng.normal(0.0, 1.0, (1,))}


def _regression_cases(rng, visible):
    if visible:
        return [Case(_regression_args(rng, 5), "5 numbers x, weights copied in"),
                Case(_regression_args(rng, 1), "a single x")]
    return [Case(_regression_args(rng, int(rng.integers(2, 40)))), Case(_regression_args(rng, 1))]


def _regression_expected(args, activation="linear", loss=REGRESSION_LOSS,
                         optimizer=REGRESSION_OPTIMIZER):
    z = args["X"] @ args["W"] + args["b"]                                    # (m, 1)
    output = z if activation == "linear" else 1 / (1 + np.exp(-z))
    return {"architecture": text("(1, 1) (1,)"), "output": output, "loss": text(loss),
            "optimizer": text(optimizer)}


def _regression_with_sigmoid(args):
    return _regression_expected(args, activation="sigmoid")


def _regression_with(loss=REGRESSION_LOSS, optimizer=REGRESSION_OPTIMIZER):
    def produce(args):
        return _regression_expected(args, loss=loss, optimizer=optimizer)
    return produce


def describe_optimizer(optimizer) -> str:
    """Name a compiled Keras optimizer with its learning rate, e.g. ``SGD(learning_rate=0.3)``.

    ``optimizer`` as a grading kernel describes it: ``{"class", "learning_rate"}`` or ``None``.

    >>> describe_optimizer(None), describe_optimizer({"class": "SGD", "learning_rate": 0.3})
    ('not compiled', 'SGD(learning_rate=0.3)')
    """
    if not isinstance(optimizer, dict):
        return "not compiled"
    rate = optimizer.get("learning_rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        return str(optimizer.get("class"))
    return f"{optimizer.get('class')}(learning_rate={float(rate):.6g})"


def _plain_regression_model(result, args) -> dict:
    """Trusted: build_regression_model's parts from the described model."""
    return _plain_model_parts(result, "build_regression_model", [args["W"], args["b"]],
                              args["X"], with_optimizer=True)


BUILD_REGRESSION_MODEL = Exercise(
    id="build_regression_model", lesson=LESSON, points=2, signature="build_regression_model()",
    parts=("architecture", "output", "loss", "optimizer"), make_cases=_regression_cases,
    to_plain=_plain_regression_model, expected=_regression_expected,
    call=call_without_arguments, build_inputs=1, rtol=1e-4, atol=1e-5, time_limit=60.0,
    mistakes=[
        Mistake("a sigmoid on the output", _regression_with_sigmoid,
                "a regression output can be any number: Dense(units=1) with the default "
                "linear activation."),
        Mistake("binary cross-entropy as the loss",
                _regression_with(loss="BinaryCrossentropy(from_logits=False)"),
                "for numbers, compile with loss=MeanSquaredError()."),
        Mistake("no optimizer: RMSprop with learning rate 0.001",
                _regression_with(optimizer="RMSprop(learning_rate=0.001)"),
                "compile has a keyword for the optimizer as well as for the loss."),
        Mistake("SGD's default learning rate, 0.01",
                _regression_with(optimizer="SGD(learning_rate=0.01)"),
                "SGD needs the learning rate the exercise gives."),
    ])

EXERCISES = [ACCURACY, BUILD_MODEL, KERAS_FIT, TRAIN_MINIBATCH, RMSPROP_STEP, TRAIN_RMSPROP,
             BUILD_REGRESSION_MODEL]
