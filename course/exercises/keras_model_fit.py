"""Exercises of lesson 05, in notebook order: accuracy, build_model, keras_fit (in
``keras_training``), train_minibatch, rmsprop_step, train_rmsprop (in ``keras_loops``) and
build_regression_model.

``accuracy(probabilities, Y)`` is plain NumPy: the share of predictions (1 where the
probability is at least 0.5) that equal the labels. The two model factories are Keras code,
judged by behaviour, as follows for ``build_model``. ``build_model`` copies the slide (the
lesson shows its code), so it is worth one point; the points are on the loops.

The learner's ``build_model()`` returns a compiled ``Sequential`` of Dense(25, 'sigmoid'),
Dense(15, 'sigmoid') and Dense(1, 'sigmoid') with ``loss=BinaryCrossentropy()``. Attributes
can be spelled many ways, so the model is judged by behaviour, in the learner's process:

1. build it for 64 inputs (the digits) and list its weight shapes (part "architecture");
2. copy in weights chosen by the evaluator and predict on inputs chosen by the evaluator
   (part "output": a relu or a missing sigmoid shows here);
3. describe the compiled loss, e.g. ``BinaryCrossentropy(from_logits=False)`` (part "loss").

The expected output is the same network computed by ``course.nn`` (NumPy), so the evaluator
never needs TensorFlow. Keras computes in float32, hence the looser tolerance.

>>> expected = BUILD_MODEL.expected(_model_args(np.random.default_rng(0), m=2))
>>> str(expected["architecture"]), expected["output"].shape
('(64, 25) (25,) (25, 15) (15,) (15, 1) (1,)', (2, 1))
"""

from __future__ import annotations

import numpy as np

from course import nn
from course.exercises._classes import Case, Exercise, Mistake
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

    >>> describe_loss("binary_crossentropy"), describe_loss(None)
    ('BinaryCrossentropy(from_logits=False)', 'not compiled')
    """
    if loss is None:
        return "not compiled"
    if isinstance(loss, str):
        name = _LOSS_NAMES.get(loss, loss)
        return f"{name}(from_logits=False)" if name == "BinaryCrossentropy" else name
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    name = type(loss).__name__
    if name == "function" or not hasattr(loss, "get_config"):
        name = _LOSS_NAMES.get(getattr(loss, "__name__", ""), getattr(loss, "__name__", name))
    if name == "BinaryCrossentropy":
        return f"{name}(from_logits={bool(config.get('from_logits', False))})"
    return name


def _call_build_model(function, args) -> dict:
    """Runs in the learner's process: build, copy weights in, predict, describe the loss."""
    model = function()
    if isinstance(model, nn.Sequential):
        raise ResultError("build_model returned a course.nn.Sequential, the course's NumPy copy "
                          "of Keras; this exercise asks for the Keras model itself: build it "
                          "with Sequential and Dense from tensorflow.keras.")
    if not hasattr(model, "get_weights") or not hasattr(model, "set_weights"):
        return {"architecture": text(f"not a Keras model but a {type(model).__name__}"),
                "loss": text("not compiled")}
    X = np.asarray(args["X"], dtype=np.float32)
    if not model.built:
        model.build((None, X.shape[1]))
    shapes = [np.shape(w) for w in model.get_weights()]
    result = {"architecture": text(_shapes_text(shapes)),
              "loss": text(describe_loss(getattr(model, "loss", None)
                                         if getattr(model, "compiled", True) else None))}
    weights = [args[name] for name in WEIGHT_NAMES]
    if shapes == [np.shape(w) for w in weights]:
        model.set_weights([np.asarray(w, dtype=np.float32) for w in weights])
        result["output"] = np.asarray(model(X, training=False), dtype=np.float64)  # (m, 1)
    return result


def _plain_model(result) -> dict:
    plain = {"architecture": text(result["architecture"]), "loss": text(result["loss"])}
    if "output" in result:
        plain["output"] = plain_array(result["output"], "the model's output")
    return plain


BUILD_MODEL = Exercise(
    id="build_model", lesson=LESSON, points=1, signature="build_model()", answer_in_lesson=True,
    parts=("architecture", "output", "loss"), make_cases=_cases, to_plain=_plain_model,
    expected=_expected, call=_call_build_model, rtol=1e-4, atol=1e-5,
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
    return [Case(_accuracy_args(rng, int(rng.integers(5, 80)))),
            Case(_accuracy_args(rng, 1, exact_half=False)),
            Case(_accuracy_args(rng, int(rng.integers(5, 80))))]


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

    >>> describe_optimizer(None)
    'not compiled'
    """
    if optimizer is None:
        return "not compiled"
    try:
        rate = float(np.asarray(optimizer.learning_rate))
    except Exception:
        return type(optimizer).__name__
    return f"{type(optimizer).__name__}(learning_rate={rate:.6g})"


def _call_build_regression_model(function, args) -> dict:
    """Runs in the learner's process: build for one input, copy weights in, predict, describe."""
    model = function()
    if isinstance(model, nn.Sequential):
        raise ResultError("build_regression_model returned a course.nn.Sequential, the "
                          "course's NumPy copy of Keras; build it with Sequential and Dense "
                          "from tensorflow.keras.")
    if not hasattr(model, "get_weights") or not hasattr(model, "set_weights"):
        return {"architecture": text(f"not a Keras model but a {type(model).__name__}"),
                "loss": text("not compiled"), "optimizer": text("not compiled")}
    X = np.asarray(args["X"], dtype=np.float32)
    if not model.built:
        model.build((None, 1))
    shapes = [np.shape(w) for w in model.get_weights()]
    compiled = getattr(model, "compiled", True)
    result = {"architecture": text(_shapes_text(shapes)),
              "loss": text(describe_loss(getattr(model, "loss", None) if compiled else None)),
              "optimizer": text(describe_optimizer(getattr(model, "optimizer", None)
                                                   if compiled else None))}
    if shapes == [(1, 1), (1,)]:
        model.set_weights([np.asarray(args["W"], np.float32), np.asarray(args["b"], np.float32)])
        result["output"] = np.asarray(model(X, training=False), dtype=np.float64)  # (m, 1)
    return result


def _plain_regression_model(result) -> dict:
    plain = {key: text(result[key]) for key in ("architecture", "loss", "optimizer")}
    if "output" in result:
        plain["output"] = plain_array(result["output"], "the model's output")
    return plain


BUILD_REGRESSION_MODEL = Exercise(
    id="build_regression_model", lesson=LESSON, points=2, signature="build_regression_model()",
    parts=("architecture", "output", "loss", "optimizer"), make_cases=_regression_cases,
    to_plain=_plain_regression_model, expected=_regression_expected,
    call=_call_build_regression_model, rtol=1e-4, atol=1e-5, time_limit=60.0,
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
