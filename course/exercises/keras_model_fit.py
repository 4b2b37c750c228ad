"""Exercise of lesson 04: build_model, the slide's Keras network, graded by what it does.

The learner's ``build_model()`` returns a compiled ``Sequential`` of Dense(25, 'sigmoid'),
Dense(15, 'sigmoid') and Dense(1, 'sigmoid') with ``loss=BinaryCrossentropy()``. Attributes
can be spelled many ways, so the model is judged by behaviour, in the learner's process:

1. build it for 64 inputs (the digits) and list its weight shapes (part "architecture");
2. copy in weights chosen by the evaluator and predict on inputs chosen by the evaluator
   (part "output": a relu or a missing sigmoid shows here);
3. describe the compiled loss, e.g. ``BinaryCrossentropy(from_logits=False)`` (part "loss").

The expected output is the same network computed by ``course.nn`` (NumPy), so the evaluator
never needs TensorFlow. Keras computes in float32, hence the looser tolerance.

>>> expected = EXERCISES[0].expected(_model_args(np.random.default_rng(0), m=2))
>>> str(expected["architecture"]), expected["output"].shape
('(64, 25) (25,) (25, 15) (15,) (15, 1) (1,)', (2, 1))
"""

from __future__ import annotations

import numpy as np

from course import nn
from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import ResultError, plain_array, text
from course.exercises.backpropagation import WEIGHT_NAMES, network_args, network_output

LESSON = "04_keras_model_fit"
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


EXERCISES = [
    Exercise(
        id="build_model", lesson=LESSON, points=3, signature="build_model()",
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
        ]),
]
