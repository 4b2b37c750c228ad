"""One sweep over the whole public API: every mistake gets an error that names the argument.

The contract (``course/_validation.py``): a public function returns a correct result or
raises ``ValueError`` / ``TypeError`` (``RuntimeError`` for a call in the wrong order) whose
message names the argument in backticks, with its index where it is a list.

``TABLE`` maps every public callable (functions, classes, public methods) to rows: one or
more known-good calls, and bad calls of each kind (wrong type, string, None, complex,
ragged, NaN, infinity, empty, wrong shape, wrong length, bool where a number is meant,
huge). ``test_every_public_callable_is_in_the_table`` fails when a new public callable has
no rows, or a parameter has no bad row; the rows are generated from the kind of each
parameter, so adding one is a line or two.

Not covered here: ``course.check`` (its argument checks belong to the checks' own tests).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import inspect  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from course import (activations, data, gradcheck, layers, logistic, losses, network,  # noqa: E402
                    nn, optimizers, plots, widgets)

MODULES = [logistic, losses, nn, layers, optimizers, activations, gradcheck, data, plots,
           widgets, network]


# ---------------------------------------------------------------------------------------
# The public surface, derived from the modules
# ---------------------------------------------------------------------------------------

def _key(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}".removeprefix("course.")


def public_callables() -> dict[str, Callable]:
    """Every public function, class and public method of a class, by where it is defined.

    A class's ``__call__`` counts as a public method. A module's public names are its
    ``__all__``, or else every name without a leading underscore that the module defines
    itself (not what it imports).
    """
    found = {}
    for module in MODULES:
        names = getattr(module, "__all__", None)
        if names is None:
            names = [name for name in vars(module) if not name.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if not callable(obj) or not getattr(obj, "__module__", "").startswith("course"):
                continue
            if not hasattr(module, "__all__") and obj.__module__ != module.__name__:
                continue
            found[_key(obj)] = obj
            if inspect.isclass(obj):
                for klass in obj.__mro__:
                    if not klass.__module__.startswith("course"):
                        continue
                    for attr, member in vars(klass).items():
                        public = not attr.startswith("_") or attr == "__call__"
                        if public and inspect.isfunction(member):
                            found[_key(member)] = member
    return found


def parameters(obj) -> list[str]:
    """The parameters a caller can get wrong (not ``self``)."""
    signature = inspect.signature(obj)
    return [name for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------

@dataclass
class Bad:
    key: str
    param: str            # the parameter this row attacks
    label: str            # what kind of mistake
    call: Callable[[], object]
    error: type
    names: str            # the argument the message must name (index suffixes allowed)


@dataclass
class Good:
    key: str
    label: str
    call: Callable[[], object]
    check: Callable[[object], bool] | None = None


TABLE: dict[str, list] = {}
SPEC_CALLS: dict[str, tuple] = {}      # key -> (call, good kwargs factory), for hypothesis


def _override(call, good, param, value):
    kwargs = good()
    kwargs[param] = value
    return call(**kwargs)


def spec(key: str, call: Callable, good: Callable[[], dict], bads: dict, *,
         check=None, extra: tuple = ()) -> None:
    """Rows for one callable: ``call(**good())`` must work; each ``bads[param]`` entry
    ``(label, value, error)`` replaces that one argument and must raise ``error`` naming
    ``param``. ``extra`` holds further ``Bad``/``Good`` rows (relations between arguments)."""
    rows = TABLE.setdefault(key, [])
    SPEC_CALLS.setdefault(key, (call, good))
    rows.append(Good(key, "known-good", lambda: call(**good()), check))
    for param, cases in bads.items():
        for label, value, error in cases:
            rows.append(Bad(key, param, label,
                            lambda p=param, v=value: _override(call, good, p, v), error, param))
    for row in extra:
        row.key = key
        rows.append(row)


def bad(param, label, call, error, names=None) -> Bad:
    return Bad("", param, label, call, error, names or param)


def good(label, call, check=None) -> Good:
    return Good("", label, call, check)


# ----- bad values of each kind ------------------------------------------------------------

def _replace_first(value, new):
    array = np.array(value, dtype=float, copy=True)
    array.flat[0] = new
    return array


def not_arrays(good_value=None) -> list:
    """What is not an array of real numbers at all."""
    rows = [("None", None, TypeError), ("a string", "abc", TypeError),
            ("strings", ["a", "b"], TypeError), ("a dict", {"a": 1}, TypeError),
            ("ragged lists", [[1.0, 2.0], [3.0]], ValueError)]
    if good_value is not None:
        rows.append(("complex numbers", np.asarray(good_value) + 1j, TypeError))
    return rows


def arrays(good_value, *, empty=True, ndim=True, finite=True) -> list:
    """Every kind of bad array for an argument whose good value is ``good_value``."""
    rows = not_arrays(good_value)
    if finite:
        rows += [("NaN", _replace_first(good_value, np.nan), ValueError),
                 ("infinity", _replace_first(good_value, np.inf), ValueError)]
    if ndim:
        rows.append(("one dimension too many", np.asarray(good_value)[..., None], ValueError))
    if empty:
        rows.append(("empty", np.asarray(good_value)[:0], ValueError))
    return rows


def numbers(*, positive=False, nonnegative=False) -> list:
    rows = [("None", None, TypeError), ("a string", "0.1", TypeError),
            ("a bool", True, TypeError), ("a list", [0.1], TypeError),
            ("complex", 1j, TypeError), ("NaN", float("nan"), ValueError),
            ("infinity", float("inf"), ValueError), ("huge int overflowing", 10**400, ValueError)]
    if positive:
        rows += [("zero", 0, ValueError), ("negative", -0.5, ValueError)]
    if nonnegative:
        rows += [("negative", -0.5, ValueError)]
    return rows


def counts(*, minimum=1, maximum=None) -> list:
    rows = [("None", None, TypeError), ("a float", 2.5, TypeError),
            ("a string", "3", TypeError), ("a bool", True, TypeError),
            ("below the minimum", minimum - 1, ValueError)]
    if maximum is not None:
        rows.append(("huge", 10**12, ValueError))
    return rows


FLAGS = [("a string", "False", TypeError), ("an int", 0, TypeError), ("None", None, TypeError)]
SEEDS = [("a string", "0", TypeError), ("a float", 0.5, TypeError),
         ("negative", -1, ValueError), ("a bool", True, TypeError)]
TITLES = [("an int", 5, TypeError), ("a list", ["a"], TypeError),
          ("maths matplotlib cannot draw", "cost in $$", ValueError),
          ("an unknown TeX command", r"$\foo$", ValueError)]
AXES = [("an int", 5, TypeError), ("a string", "left", TypeError)]
TEXTS = [("an int", 5, TypeError), ("None", None, TypeError)]
FUNCTIONS = [("a number", 3.0, TypeError), ("None", None, TypeError)]


# ---------------------------------------------------------------------------------------
# Known-good data
# ---------------------------------------------------------------------------------------

X2, Y1 = data.logistic_example()          # (6, 2), (6,)
W2, B = np.array([1.0, 1.0]), -3.0
YCOL = Y1.reshape(-1, 1)                  # (6, 1)
DIGITS = np.random.default_rng(0).uniform(0.0, 1.0, size=(6, 64))
X1 = np.arange(6.0).reshape(6, 1)


def is_finite_float(result) -> bool:
    return isinstance(result, float) and np.isfinite(result)


def model(compiled=True, built=True):
    first = [nn.Input(shape=(2,))] if built else []
    network = nn.Sequential(first + [nn.Dense(3, activation="relu"),
                                     nn.Dense(1, activation="sigmoid")], seed=0)
    if compiled:
        network.compile(loss=losses.BinaryCrossentropy(), optimizer=optimizers.SGD(0.1))
    return network


def cache():
    return model().forward(X2)


def dense():
    layer = layers.Dense(2, activation="relu")
    layer.build(2, np.random.default_rng(0))
    return layer


# ----- logistic ---------------------------------------------------------------------------

def data_rows():
    """Bad X, y, w, b for the functions of (X, y, w, b)."""
    return {"X": arrays(X2), "y": arrays(Y1) + [("labels 2", _replace_first(Y1, 2.0), ValueError)],
            "w": arrays(W2, empty=False), "b": numbers()}


def relation_rows(function):
    return (
        bad("y", "one label fewer than rows of X", lambda: function(X2, Y1[:-1], W2, B),
            ValueError),
        bad("w", "w of the wrong length", lambda: function(X2, Y1, np.ones(3), B), ValueError),
        bad("y", "y as a column (m, 1)", lambda: function(X2, YCOL, W2, B), ValueError),
    )


for _function in (logistic.compute_cost, logistic.compute_cost_loop, logistic.compute_gradient,
                  logistic.compute_gradient_loop):
    spec(_key(_function), _function, lambda: {"X": X2, "y": Y1, "w": W2, "b": B}, data_rows(),
         extra=relation_rows(_function))

spec("logistic.compute_cost", logistic.compute_cost,
     lambda: {"X": X2, "y": Y1, "w": W2, "b": B}, {}, check=is_finite_float,
     extra=(good("z = +1e308, y = 1 costs 0",
                 lambda: logistic.compute_cost([[1.0]], [1.0], [1e308], 0.0), lambda r: r == 0.0),
            good("z = -1e308, y = 1 costs 1e308",
                 lambda: logistic.compute_cost([[1.0]], [1.0], [-1e308], 0.0),
                 lambda r: r == 1e308),
            good("z overflowing to +inf, y = 1 costs 0, not NaN",
                 lambda: logistic.compute_cost([[1.0]], [1.0], [1e308], 1e308),
                 lambda r: r == 0.0),
            good("two costs of 1e308 average to 1e308, not inf",
                 lambda: logistic.compute_cost([[1.0], [1.0]], [0.0, 0.0], [1e308], 0.0),
                 lambda r: r == 1e308),
            bad("X", "X @ w + b is inf - inf",
                lambda: logistic.compute_cost([[1e308, 1e308]], [1.0], [1e308, -1e308], 0.0),
                ValueError)))

spec("logistic.gradient_descent", logistic.gradient_descent,
     lambda: {"X": X2, "y": Y1, "w_in": W2, "b_in": B, "alpha": 0.1, "num_iters": 3},
     {"X": arrays(X2), "y": arrays(Y1), "w_in": arrays(W2, empty=False), "b_in": numbers(),
      "alpha": numbers(positive=True), "num_iters": counts(minimum=0, maximum=10**6)},
     extra=(bad("y", "one label fewer", lambda: logistic.gradient_descent(
                    X2, Y1[:-1], W2, B, 0.1, 3), ValueError),
            good("alpha and num_iters as ints, momentum-style", lambda: logistic.gradient_descent(
                    X2, Y1, W2, B, 1, np.int64(2))),))

spec("logistic.sigmoid", logistic.sigmoid, lambda: {"z": np.array([-1.0, 0.0, 1.0])},
     {"z": not_arrays([0.0]) + [("NaN", [0.0, np.nan], ValueError)]},
     extra=(good("infinities have limits", lambda: logistic.sigmoid([-np.inf, np.inf]),
                 lambda r: r.tolist() == [0.0, 1.0]),
            good("an empty array maps to an empty array", lambda: logistic.sigmoid([]),
                 lambda r: r.shape == (0,))))

spec("logistic.predict_proba", logistic.predict_proba, lambda: {"X": X2, "w": W2, "b": B},
     {"X": arrays(X2), "w": arrays(W2, empty=False), "b": numbers()},
     extra=(bad("w", "w of the wrong length",
                lambda: logistic.predict_proba(X2, np.ones(3), B), ValueError),))

spec("logistic.predict", logistic.predict, lambda: {"X": X2, "w": W2, "b": B, "threshold": 0.5},
     {"X": arrays(X2), "w": arrays(W2, empty=False), "b": numbers(),
      "threshold": numbers() + [("above 1", 1.5, ValueError)]})

spec("logistic.logistic_loss", logistic.logistic_loss,
     lambda: {"f": np.array([0.2, 0.9]), "y": np.array([0.0, 1.0])},
     {"f": arrays([0.2, 0.9], ndim=False) + [("above 1", [0.2, 1.5], ValueError)],
      "y": arrays([0.0, 1.0], ndim=False) + [("label -1", [0.0, -1.0], ValueError)]},
     extra=(bad("y", "y of another shape",
                lambda: logistic.logistic_loss([0.2, 0.9], [0.0, 1.0, 1.0]), ValueError),))


# ----- losses -----------------------------------------------------------------------------

def pair_rows(binary):
    y_true, y_pred = np.array([[1.0], [0.0]]), np.array([[0.8], [0.4]])
    rows = {"y_true": arrays(y_true, ndim=False), "y_pred": arrays(y_pred, ndim=False)}
    if binary:
        rows["y_true"].append(("label 2", [[2.0], [0.0]], ValueError))
        rows["y_pred"].append(("a logit without from_logits", [[3.0], [0.4]], ValueError))
    return rows


def pair_relations(function):
    return (bad("y_pred", "(m,) against (m, 1)",
                lambda: function([[1.0], [0.0]], [0.8, 0.4]), ValueError),)


spec("losses.binary_crossentropy", losses.binary_crossentropy,
     lambda: {"y_true": [[1.0], [0.0]], "y_pred": [[0.8], [0.4]], "from_logits": False},
     {**pair_rows(True), "from_logits": FLAGS}, check=is_finite_float,
     extra=pair_relations(losses.binary_crossentropy) + (
         good("logits of +-inf: sure and right costs 0",
              lambda: losses.binary_crossentropy([1.0, 0.0], [np.inf, -np.inf], from_logits=True),
              lambda r: r == 0.0),
         good("logits of +-1e308 give a finite cost",
              lambda: losses.binary_crossentropy([1.0, 0.0], [-1e308, 1e308], from_logits=True),
              lambda r: r == 1e308)))
spec("losses.mean_squared_error", losses.mean_squared_error,
     lambda: {"y_true": [[1.0], [0.0]], "y_pred": [[0.8], [0.4]]}, pair_rows(False),
     check=is_finite_float, extra=pair_relations(losses.mean_squared_error))
spec("losses.BinaryCrossentropy", losses.BinaryCrossentropy, lambda: {"from_logits": True},
     {"from_logits": FLAGS})
spec("losses.BinaryCrossentropy.__call__", lambda **kw: losses.BinaryCrossentropy()(**kw),
     lambda: {"y_true": [[1.0], [0.0]], "y_pred": [[0.8], [0.4]]}, pair_rows(True))
spec("losses.MeanSquaredError", losses.MeanSquaredError, dict, {})
spec("losses.MeanSquaredError.__call__", lambda **kw: losses.MeanSquaredError()(**kw),
     lambda: {"y_true": [[1.0], [0.0]], "y_pred": [[0.8], [0.4]]}, pair_rows(False))

# ----- activations ------------------------------------------------------------------------

Z = np.array([-2.0, 0.0, 3.0])
for _name in ("linear", "sigmoid", "relu"):
    _function = getattr(activations, _name)
    spec(f"activations.{_name}", _function, lambda: {"z": Z},
         {"z": not_arrays(Z) + [("NaN", _replace_first(Z, np.nan), ValueError)]},
         extra=(good("+-infinity", lambda f=_function: f(np.array([-np.inf, np.inf]))),))
    _derivative = getattr(activations, f"{_name}_derivative")
    spec(f"activations.{_name}_derivative", _derivative,
         lambda f=_function: {"z": Z, "a": f(Z)},
         {"z": not_arrays(Z) + [("NaN", _replace_first(Z, np.nan), ValueError)],
          "a": not_arrays(Z)[1:] + [("NaN", _replace_first(Z, np.nan), ValueError),
                                    ("another shape", np.zeros(2), ValueError)]},
         extra=(good("a left out", lambda d=_derivative: d(Z)),))

spec("activations.get", activations.get, lambda: {"activation": "relu"},
     {"activation": [("unknown", "tanh", ValueError), ("a number", 3, ValueError),
                     ("capitalised", "Sigmoid", ValueError)]})
spec("activations.Activation", activations.Activation,
     lambda: {"name": "cube", "function": lambda z: z ** 3, "derivative": lambda z, a: 3 * z ** 2},
     {"name": [("a number", 3, TypeError)], "function": FUNCTIONS, "derivative": FUNCTIONS})

# ----- layers -----------------------------------------------------------------------------

spec("layers.Input", layers.Input, lambda: {"shape": (3,)},
     {"shape": [("a string", "3", TypeError), ("two numbers", (2, 3), ValueError),
                ("zero", (0,), ValueError), ("a float", (2.5,), TypeError),
                ("huge", (10**12,), ValueError), ("None", None, TypeError)]})
spec("layers.Dense", layers.Dense, lambda: {"units": 2, "activation": "sigmoid"},
     {"units": counts(maximum=10**5), "activation": [("unknown", "tanh", ValueError),
                                                     ("a number", 1, ValueError)]})
spec("layers.Dense.build", lambda **kw: layers.Dense(2).build(**kw),
     lambda: {"n_in": 3, "rng": np.random.default_rng(0)},
     {"n_in": counts(maximum=10**5) + [("negative", -1, ValueError)], "rng": SEEDS},
     extra=(bad("n_in", "too many weights",
                lambda: layers.Dense(10**5).build(10**5, np.random.default_rng(0)), ValueError),))
spec("layers.Dense.forward", lambda **kw: dense().forward(**kw),
     lambda: {"a_in": X2}, {"a_in": arrays(X2)},
     extra=(bad("a_in", "one column too many", lambda: dense().forward(np.ones((2, 3))),
                ValueError),
            bad("build", "not built yet", lambda: layers.Dense(2).forward(X2), RuntimeError,
                "layer.build"),))

# ----- nn ---------------------------------------------------------------------------------

spec("nn.History", nn.History, lambda: {"losses": [0.7, 0.5], "params": {"epochs": 2}},
     {"losses": not_arrays([0.7]), "params": [("a list", [1], TypeError),
                                              ("None", None, TypeError)]},
     extra=(good("no epochs: a repr all the same", lambda: repr(nn.History([], {})),
                 lambda r: r == "History(epochs=0)"),))
spec("nn.Sequential", nn.Sequential,
     lambda: {"layers": [nn.Input((2,)), nn.Dense(1)], "seed": 0},
     {"layers": [("one layer, not a list", nn.Dense(1), TypeError),
                 ("a string", "Dense", TypeError),
                 ("empty", [], ValueError), ("only Input", [nn.Input((2,))], ValueError),
                 ("a number inside", [nn.Dense(1), 3], TypeError)],
      "seed": SEEDS},
     extra=(bad("layers", "too many weights for memory", lambda: nn.Sequential(
                [nn.Input((10**5,)), nn.Dense(10**5)]), ValueError, "n_in"),
            bad("layers", "Input twice: names index 1",
                lambda: nn.Sequential([nn.Input((3,)), nn.Input((3,)), nn.Dense(1)]),
                TypeError, "layers[1]"),))


spec("nn.Sequential.build", lambda **kw: model(built=False).build(**kw),
     lambda: {"input_shape": (None, 2)},
     {"input_shape": [("a string", "2", TypeError), ("three numbers", (None, 2, 3), ValueError),
                      ("zero features", (None, 0), ValueError),
                      ("a float", (None, 2.5), TypeError)]},
     extra=(bad("input_shape", "another width than built for",
                lambda: model().build((None, 5)), ValueError),
            good("the same width keeps the weights", lambda: _rebuild_keeps_weights(),
                 lambda r: r is True)))


def _rebuild_keeps_weights():
    network = model()
    before = network.get_weights()
    network.build((None, 2))
    return all(np.array_equal(a, b) for a, b in zip(before, network.get_weights()))


spec("nn.Sequential.compile", lambda **kw: model(compiled=False).compile(**kw),
     lambda: {"optimizer": "sgd", "loss": "mse"},
     {"optimizer": [("unknown", "adam", ValueError), ("a number", 0.1, TypeError),
                    ("None", None, TypeError)],
      "loss": [("unknown", "hinge", ValueError), ("None", None, ValueError),
               ("a class, not an object", losses.BinaryCrossentropy, ValueError)]})
spec("nn.Sequential.forward", lambda **kw: model().forward(**kw), lambda: {"X": X2},
     {"X": arrays(X2)},
     extra=(bad("X", "wrong width", lambda: model().forward(np.ones((2, 3))), ValueError),))
spec("nn.Sequential.predict", lambda **kw: model().predict(**kw),
     lambda: {"X": X2, "batch_size": 4, "verbose": 0},
     {"X": arrays(X2), "batch_size": counts()[1:], "verbose": [("a string", "loud", TypeError),
                                                          ("3", 3, ValueError)]})
spec("nn.Sequential.evaluate", lambda **kw: model().evaluate(**kw),
     lambda: {"X": X2, "y": YCOL, "batch_size": None, "verbose": "auto"},
     {"X": arrays(X2), "y": arrays(YCOL) + [("(m,) for one unit", Y1, ValueError)],
      "batch_size": counts()[1:], "verbose": [("None", None, TypeError)]},
     check=is_finite_float,
     extra=(bad("compile", "not compiled",
                lambda: model(compiled=False).evaluate(X2, YCOL), RuntimeError,
                "model.compile"),))
spec("nn.Sequential.fit", lambda **kw: model().fit(**kw),
     lambda: {"X": X2, "y": YCOL, "epochs": 2, "batch_size": 4, "shuffle": True, "verbose": 0,
              "seed": 1},
     {"X": arrays(X2), "y": arrays(YCOL) + [("one row fewer", YCOL[:-1], ValueError)],
      "epochs": counts(), "batch_size": counts(), "shuffle": FLAGS,
      "verbose": [("a string", "yes", TypeError), ("-1", -1, ValueError),
                  ("an array", np.array([1, 2]), TypeError)], "seed": SEEDS},
     extra=(bad("compile", "not compiled", lambda: model(compiled=False).fit(X2, YCOL),
                RuntimeError, "model.compile"),
            bad("X", "unbuilt model, empty X",
                lambda: _compiled_unbuilt().fit(np.zeros((0, 2)), np.zeros((0, 1))),
                ValueError)))


def _compiled_unbuilt():
    network = model(compiled=False, built=False)
    network.compile(loss="binary_crossentropy", optimizer="sgd")
    return network


spec("nn.Sequential.backward", lambda **kw: model().backward(**kw),
     lambda: {"cache": cache(), "y": YCOL},
     {"cache": [("None", None, TypeError), ("a list", [X2], TypeError),
                ("a dict without z", {"X": X2, "a": []}, TypeError),
                ("one layer missing", {**cache(), "z": cache()["z"][:1]}, ValueError),
                ("another batch's a", {**cache(), "a": [a[:2] for a in cache()["a"]]},
                 ValueError)],
      "y": arrays(YCOL)})
spec("nn.Sequential.get_weights", lambda **kw: model().get_weights(**kw),
     lambda: {"copy": False}, {"copy": FLAGS},
     extra=(bad("build", "unbuilt", lambda: model(built=False).get_weights(), RuntimeError,
                "model.build"),))
spec("nn.Sequential.set_weights", lambda **kw: model().set_weights(**kw),
     lambda: {"weights": model().get_weights()},
     {"weights": [("None", None, TypeError), ("one array", np.ones(3), TypeError),
                  ("too few", model().get_weights()[:2], ValueError),
                  ("NaN in W1", [_replace_first(model().get_weights()[0], np.nan)]
                   + model().get_weights()[1:], ValueError),
                  ("W1 transposed", [model().get_weights()[0].T] + model().get_weights()[1:],
                   ValueError),
                  ("a string inside", ["W"] + model().get_weights()[1:], TypeError)]})
for _row in TABLE["nn.Sequential.set_weights"]:
    if isinstance(_row, Bad) and _row.label in ("NaN in W1", "W1 transposed", "a string inside"):
        _row.names = "weights[0]"
spec("nn.Sequential.summary", lambda: model().summary(), dict, {})

# ----- optimizers -------------------------------------------------------------------------


def params():
    return [np.array([[1.0, 2.0]]), np.array([0.5])]


def grads():
    return [np.array([[0.1, -0.1]]), np.array([1.0])]


def optimizer_rows():
    return {
        "params": [("one array, not a list", np.ones(2), TypeError),
                   ("None", None, TypeError), ("empty", [], ValueError),
                   ("integer arrays", [np.array([[1, 2]]), np.array([0])], TypeError),
                   ("lists", [[[1.0, 2.0]], [0.5]], TypeError),
                   ("read-only", [np.ones((1, 2)), np.ones(1)], ValueError)],
        "grads": [("one array, not a list", np.ones(2), TypeError),
                  ("one gradient too few", grads()[:1], ValueError),
                  ("wrong shape", [np.ones(2), np.ones(1)], ValueError),
                  ("NaN", [np.array([[np.nan, 0.0]]), np.ones(1)], ValueError),
                  ("strings", ["g", "h"], TypeError)],
    }


def _read_only(rows):
    for label, value, _ in rows["params"]:
        if label == "read-only":
            for array in value:
                array.flags.writeable = False
    return rows


spec("optimizers.SGD", optimizers.SGD, lambda: {"learning_rate": 1},
     {"learning_rate": numbers(positive=True)})
spec("optimizers.SGD.apply", lambda **kw: optimizers.SGD(0.1).apply(**kw),
     lambda: {"params": params(), "grads": grads()}, _read_only(optimizer_rows()),
     extra=(good("updates in place", lambda: _applied(optimizers.SGD(1.0)),
                 lambda r: r.tolist() == [[0.9, 2.1]]),
            good("integer gradients are fine",
                 lambda: optimizers.SGD(1.0).apply(params(), [np.array([[1, 1]]),
                                                              np.array([1])])),))
spec("optimizers.RMSprop", optimizers.RMSprop,
     lambda: {"learning_rate": 0.01, "rho": 0, "epsilon": 1e-7},
     {"learning_rate": numbers(positive=True),
      "rho": numbers(nonnegative=True) + [("one", 1, ValueError)],
      "epsilon": numbers(positive=True)})
spec("optimizers.RMSprop.apply", lambda **kw: optimizers.RMSprop().apply(**kw),
     lambda: {"params": params(), "grads": grads()}, _read_only(optimizer_rows()),
     extra=(bad("params", "other shapes than the earlier steps", lambda: _rmsprop_new_shapes(),
                ValueError),))
spec("optimizers.RMSprop.reset", lambda: optimizers.RMSprop().reset(), dict, {})
spec("optimizers.get", optimizers.get, lambda: {"optimizer": "SGD"},
     {"optimizer": [("unknown", "adam", ValueError), ("a number", 1, TypeError),
                    ("None", None, TypeError)]})


def _applied(optimizer):
    values = params()
    optimizer.apply(values, grads())
    return values[0].round(12)


def _rmsprop_new_shapes():
    optimizer = optimizers.RMSprop()
    optimizer.apply(params(), grads())
    optimizer.apply([np.ones(3)], [np.ones(3)])


# ----- gradcheck --------------------------------------------------------------------------

def square_cost(p):
    return float(np.sum(p[0] ** 2))


spec("gradcheck.numerical_gradient", gradcheck.numerical_gradient,
     lambda: {"f": square_cost, "params": [np.array([1.0, -2.0])], "eps": 1e-6},
     {"f": FUNCTIONS + [("returning None", lambda p: None, TypeError),
                        ("returning an array", lambda p: p[0], TypeError),
                        ("returning a string", lambda p: "0.5", TypeError),
                        ("returning NaN", lambda p: float("nan"), ValueError)],
      "params": [("None", None, TypeError), ("empty list", [], ValueError),
                 ("NaN", [np.array([np.nan])], ValueError),
                 ("a string inside", ["w"], TypeError)],
      "eps": numbers(positive=True)},
     extra=(good("a 0-d array from f is a number",
                 lambda: gradcheck.numerical_gradient(lambda p: np.sum(p[0]), [np.ones(2)])),))
spec("gradcheck.relative_error", gradcheck.relative_error,
     lambda: {"a": [np.array([1.0, 2.0])], "b": [np.array([1.0, 2.5])]},
     {"a": [("None", None, TypeError), ("empty list", [], ValueError),
            ("NaN", [np.array([np.nan])], ValueError), ("a string", "a", TypeError),
            ("a dict", {"a": 1}, TypeError)],
      "b": [("None", None, TypeError), ("one array fewer", [], ValueError),
            ("another shape", [np.ones(3)], ValueError),
            ("infinity", [np.array([np.inf, 0.0])], ValueError)]},
     extra=(bad("a", "only empty arrays",
                lambda: gradcheck.relative_error([np.zeros(0)], [np.zeros(0)]), ValueError),
            good("1e308 against -1e308 is 1", lambda: gradcheck.relative_error([1e308], [-1e308]),
                 lambda r: r == 1.0),
            good("tiny numbers still compare",
                 lambda: gradcheck.relative_error([1e-200], [-1e-200]), lambda r: r == 1.0)))

# ----- data -------------------------------------------------------------------------------

spec("data.load_digits01", data.load_digits01, lambda: {"test_fraction": 0.25, "seed": 1},
     {"test_fraction": numbers() + [("one", 1, ValueError), ("tiny", 1e-6, ValueError)],
      "seed": SEEDS})
spec("data.logistic_example", data.logistic_example, dict, {})
spec("data.make_blobs", data.make_blobs, lambda: {"m": 10, "seed": 0},
     {"m": counts(minimum=2, maximum=10**7), "seed": SEEDS})
spec("data.make_regression", data.make_regression, lambda: {"m": 10, "seed": 0},
     {"m": counts(maximum=10**7), "seed": SEEDS})
DIGITS_0_TO_9 = [("None", None, TypeError), ("a string", "3", TypeError),
                 ("a float", 3.0, TypeError), ("a bool", True, TypeError),
                 ("10", 10, ValueError), ("-1", -1, ValueError)]
spec("data.load_digit_pair", data.load_digit_pair,
     lambda: {"negative": 4, "positive": 9, "test_fraction": 0.5, "seed": 0},
     {"negative": DIGITS_0_TO_9, "positive": DIGITS_0_TO_9,
      "test_fraction": numbers() + [("one", 1, ValueError), ("zero", 0, ValueError)],
      "seed": SEEDS},
     extra=(bad("positive", "the same digit twice",
                lambda: data.load_digit_pair(3, 3), ValueError),))
spec("data.make_moons", data.make_moons, lambda: {"m": 10, "noise": 0.1, "seed": 0},
     {"m": counts(minimum=2, maximum=10**7), "noise": numbers(nonnegative=True),
      "seed": SEEDS})
spec("data.make_circles", data.make_circles, lambda: {"m": 10, "noise": 0.1, "seed": 0},
     {"m": counts(minimum=2, maximum=10**7), "noise": numbers(nonnegative=True),
      "seed": SEEDS})
spec("data.make_xor", data.make_xor, lambda: {"m": 8, "seed": 0},
     {"m": counts(maximum=10**7), "seed": SEEDS})

# ----- plots ------------------------------------------------------------------------------

def labels():
    """Bad labels for a plot, which takes (m,) or (m, 1)."""
    return arrays(Y1, ndim=False) + [("a 3-D array", Y1[:, None, None], ValueError)]


def too_big(value):
    """Finite, but beyond what matplotlib can put on an axis (+-1e300 is the limit)."""
    return [("1e308, too big to draw", _replace_first(value, 1e308), ValueError)]


def drawn(figure) -> bool:
    """Render the figure: some matplotlib errors only appear when it is drawn."""
    figure.savefig(io.BytesIO(), format="png")
    return True


P = "plots."
spec(P + "classification.plot_sigmoid", plots.plot_sigmoid, lambda: {"ax": None}, {"ax": AXES},
     extra=(good("into an axes of my own", lambda: plots.plot_sigmoid(ax=plt.subplots()[1])),))
spec(P + "classification.plot_data", plots.plot_data,
     lambda: {"X": X2, "y": Y1, "title": "t", "ax": None},
     {"X": arrays(X2) + too_big(X2),
      "y": labels() + [("label 2", _replace_first(Y1, 2.0), ValueError),
                       ("label -1", _replace_first(Y1, -1.0), ValueError)],
      "title": TITLES, "ax": AXES},
     extra=(bad("X", "three columns", lambda: plots.plot_data(np.ones((6, 3)), Y1), ValueError),
            bad("y", "one label fewer", lambda: plots.plot_data(X2, Y1[:-1]), ValueError)))
spec(P + "classification.plot_decision_boundary", plots.plot_decision_boundary,
     lambda: {"X": X2, "y": Y1, "w": W2, "b": B, "title": None, "ax": None},
     {"X": arrays(X2) + too_big(X2), "y": labels(), "w": arrays(W2, empty=False) + [
         ("three weights", np.ones(3), ValueError)] + too_big(W2),
      "b": numbers() + [("1e308, too big to draw", 1e308, ValueError)], "title": TITLES,
      "ax": AXES}, check=drawn)
spec(P + "regions.plot_decision_regions", plots.plot_decision_regions,
     lambda: {"X": X2, "y": Y1, "predict_proba": lambda P: P[:, 0] / (1 + abs(P[:, 0])),
              "title": None, "ax": None, "resolution": 20},
     {"X": arrays(X2) + too_big(X2), "y": labels(), "predict_proba": FUNCTIONS,
      "title": TITLES, "ax": AXES, "resolution": counts(minimum=2, maximum=2000)},
     check=drawn,
     extra=(bad("predict_proba", "one probability too few",
                lambda: plots.plot_decision_regions(X2, Y1, lambda P: P[1:, 0], resolution=5),
                ValueError),))
spec(P + "cost_surfaces.cost_grids", plots.cost_grids,
     lambda: {"X": X1, "y": Y1, "ws": [0.0, 1.0], "bs": [0.0]},
     {"X": arrays(X1) + [("two columns", X2, ValueError)], "y": arrays(Y1),
      "ws": arrays([0.0, 1.0]) + [("too many", np.zeros(10**4), ValueError)],
      "bs": arrays([0.0])})
spec(P + "cost_surfaces.plot_cost_surfaces", plots.plot_cost_surfaces,
     lambda: {"X": X1, "y": Y1, "w_range": (-1, 1), "b_range": (-2.0, 2.0)},
     {"X": arrays(X1) + [("two columns", X2, ValueError)], "y": arrays(Y1),
      "w_range": [("one number", 3.0, TypeError), ("reversed", (1.0, -1.0), ValueError),
                  ("too wide to draw", (-1e308, 1e308), ValueError),
                  ("NaN", (np.nan, 1.0), ValueError), ("three numbers", (1, 2, 3), ValueError)],
      "b_range": [("a string", "ab", TypeError), ("equal ends", (0, 0), ValueError),
                  ("strings", ("a", "b"), TypeError)]})
spec(P + "curves.plot_cost_history", plots.plot_cost_history,
     lambda: {"costs": [0.7, 0.5, np.inf], "title": None, "log_y": True, "ax": None},
     {"costs": arrays([0.7, 0.5], finite=False), "title": TITLES, "log_y": FLAGS, "ax": AXES},
     check=drawn,
     extra=(good("a diverged run up to 1e308 leaves a gap",
                 lambda: plots.plot_cost_history([0.7, 1e200, 1e308, np.nan], log_y=True),
                 drawn),))
spec(P + "curves.plot_loss_curves", plots.plot_loss_curves,
     lambda: {"curves": {"a": [0.7, 0.5]}, "title": "t", "log_y": False, "ax": None,
              "xlabel": "updates done"},
     {"curves": [("a list", [[0.7, 0.5]], TypeError), ("empty", {}, ValueError),
                 ("an empty curve", {"a": []}, ValueError),
                 ("strings", {"a": ["x"]}, TypeError),
                 ("a name matplotlib cannot draw", {"$$": [0.7]}, ValueError)],
      "title": TITLES, "log_y": FLAGS, "ax": AXES, "xlabel": TITLES})
spec(P + "curves.plot_regression_fit", plots.plot_regression_fit,
     lambda: {"X": X1, "y": X1[:, 0], "y_pred": X1, "title": None, "ax": None},
     {"X": arrays(X1) + [("two columns", X2, ValueError)] + too_big(X1),
      "y": arrays(X1[:, 0], ndim=False) + [("one fewer", X1[:-1, 0], ValueError),
                                           ("a (m, 2) table", X2, ValueError)]
      + too_big(X1[:, 0]),
      "y_pred": arrays(X1, ndim=False) + [("one fewer", X1[:-1], ValueError)],
      "title": TITLES, "ax": AXES})
spec(P + "digits.plot_digits", plots.plot_digits,
     lambda: {"X": DIGITS, "y": Y1, "predictions": 1 - Y1, "n": 4, "seed": 0, "title": None},
     {"X": arrays(DIGITS) + [("raw counts 0..16", DIGITS * 16, ValueError),
                             ("63 pixels", DIGITS[:, :63], ValueError)],
      "y": labels(), "predictions": labels()[1:] + [("one fewer", Y1[:-1], ValueError)],
      "n": counts(), "seed": SEEDS, "title": TITLES})

spec(P + "training.plot_gradient_norms", plots.plot_gradient_norms,
     lambda: {"runs": {"a": [[0.1, 0.0], [0.05, 1e-9]]}, "title": None, "ax": None},
     {"runs": [("a list", [[0.1]], TypeError), ("empty", {}, ValueError),
               ("a 1-D run", {"a": [0.1, 0.2]}, ValueError),
               ("a negative norm", {"a": [[-1.0]]}, ValueError),
               ("NaN", {"a": [[np.nan]]}, ValueError),
               ("a name matplotlib cannot draw", {"$$": [[0.1]]}, ValueError)],
      "title": TITLES, "ax": AXES}, check=drawn)
spec(P + "training.plot_validation_runs", plots.plot_validation_runs,
     lambda: {"curves": {"a": [0.7, 0.3, 0.4]}, "stops": {"a": 1}, "updates_per_entry": 10,
              "title": None, "ax": None},
     {"curves": [("a list", [[0.7]], TypeError), ("empty", {}, ValueError),
                 ("NaN", {"a": [0.7, np.nan, 0.4]}, ValueError),
                 ("an empty curve", {"a": []}, ValueError)],
      "stops": [("a list", [1], TypeError), ("other keys", {"b": 1}, ValueError),
                ("beyond the curve", {"a": 3}, ValueError), ("a float", {"a": 1.5}, TypeError)],
      "updates_per_entry": counts(), "title": TITLES, "ax": AXES}, check=drawn)

# ----- network (lesson 3's answers as functions of a weight list) --------------------------

def small_weights():
    """A 2-3-1 sigmoid network's [W1, b1, W2, b2] for X2 (6, 2)."""
    return [np.full((2, 3), 0.1), np.zeros(3), np.full((3, 1), -0.2), np.zeros(1)]


def weight_rows(name="weights"):
    good_list = small_weights()
    return [("None", None, TypeError), ("a string", "W1", TypeError),
            ("one array, not a list", good_list[0], TypeError), ("a dict", {"W1": 1}, TypeError),
            ("an odd number of arrays", good_list[:3], ValueError),
            ("NaN", [_replace_first(good_list[0], np.nan)] + good_list[1:], ValueError),
            ("strings", ["a", "b"], TypeError),
            ("shapes that do not chain", [good_list[0], good_list[1], good_list[0],
                                          good_list[1]], ValueError),
            ("a 1-D W", [good_list[1]] + good_list[1:], ValueError)]


def data_and_target_rows():
    return {"X": arrays(X2) + [("three columns", np.ones((6, 3)), ValueError)],
            "Y": arrays(YCOL, ndim=False) + [("(m,) instead of (m, 1)", Y1, ValueError),
                                             ("label 2", _replace_first(YCOL, 2.0), ValueError),
                                             ("one row fewer", YCOL[:-1], ValueError)]}


N = "network."
spec(N + "network_forward", network.network_forward,
     lambda: {"X": X2, "weights": small_weights()},
     {"X": data_and_target_rows()["X"], "weights": weight_rows()},
     check=lambda r: r.shape == (6, 1))
spec(N + "cost", network.cost, lambda: {"X": X2, "Y": YCOL, "weights": small_weights()},
     {**data_and_target_rows(), "weights": weight_rows()}, check=is_finite_float)
spec(N + "backprop", network.backprop, lambda: {"X": X2, "Y": YCOL, "weights": small_weights()},
     {**data_and_target_rows(), "weights": weight_rows()},
     check=lambda r: [g.shape for g in r] == [p.shape for p in small_weights()])
spec(N + "update_parameters", network.update_parameters,
     lambda: {"weights": small_weights(), "gradients": small_weights(), "alpha": 0.5},
     {"weights": weight_rows(), "gradients": weight_rows() + [
         ("one pair fewer", small_weights()[:2], ValueError),
         ("transposed", [p.T for p in small_weights()], ValueError)],
      "alpha": numbers(positive=True)})
spec(N + "train_network", network.train_network,
     lambda: {"X": X2, "Y": YCOL, "weights": small_weights(), "alpha": 1.0, "epochs": 2},
     {**data_and_target_rows(), "weights": weight_rows(), "alpha": numbers(positive=True),
      "epochs": counts(minimum=0)},
     check=lambda r: len(r[1]) == 3,
     extra=(good("0 epochs only measure", lambda: network.train_network(
         X2, YCOL, small_weights(), 1, np.int64(0)), lambda r: len(r[1]) == 1),))
spec(N + "layer_gradient_norms", network.layer_gradient_norms,
     lambda: {"gradients": small_weights()}, {"gradients": weight_rows()},
     check=lambda r: r.shape == (2,))

# ----- widgets ----------------------------------------------------------------------------

W = "widgets."
SMALL = {"X": X2, "y": Y1}


def logistic_rows(alpha_name="alpha"):
    return {"X": arrays(X2) + [("three columns", np.ones((6, 3)), ValueError)] + too_big(X2),
            "y": arrays(Y1) + [("label 2", _replace_first(Y1, 2.0), ValueError),
                               ("one fewer", Y1[:-1], ValueError)],
            "num_iters": counts() + [("beyond the slider", 10**4, ValueError)]}


_explorer_bads = {**logistic_rows(), "alpha": numbers(positive=True) + [
    ("beyond the slider", 20.0, ValueError)], "w_in": arrays(W2, empty=False)[1:],
    "b_in": numbers()}
for _key_name, _call in (("logistic.logistic_regression_explorer",
                          widgets.logistic_regression_explorer),
                         ("logistic.LogisticRegressionExplorer",
                          widgets.LogisticRegressionExplorer)):
    spec(W + _key_name, _call,
         lambda: {**SMALL, "alpha": 1, "num_iters": 5, "w_in": None, "b_in": 0},
         _explorer_bads, check=lambda r: r.message is None and len(r.costs) == 6)

_comparison_bads = {**logistic_rows(), "alphas": [
    ("one number", 0.1, TypeError), ("a string", "0.1", TypeError),
    ("one rate", (0.1,), ValueError),
    ("beyond the slider", (0.1, 20), ValueError), ("zero", (0.1, 0), ValueError),
    ("a bool", (0.1, True), TypeError)]}
for _key_name, _call in (("logistic.compare_learning_rates", widgets.compare_learning_rates),
                         ("logistic.LearningRateComparison", widgets.LearningRateComparison)):
    spec(W + _key_name, _call, lambda: {**SMALL, "alphas": (0.01, 1), "num_iters": 5},
         _comparison_bads, check=lambda r: len(r.costs) == 2)
for _row in (TABLE[W + "logistic.compare_learning_rates"]
             + TABLE[W + "logistic.LearningRateComparison"]):
    if isinstance(_row, Bad) and _row.label in ("beyond the slider", "zero", "a bool") \
            and _row.param == "alphas":
        _row.names = "alphas[1]"

NET_DATA = ((DIGITS, YCOL), (DIGITS[:3], YCOL[:3]))
_network_bads = {
    "data": [("one pair", (DIGITS, YCOL), TypeError), ("a number", 3, TypeError),
             ("three pairs", (NET_DATA[0],) * 3, ValueError),
             ("a pair of three", ((DIGITS, YCOL, YCOL), NET_DATA[1]), ValueError),
             ("empty training set", ((DIGITS[:0], YCOL[:0]), (DIGITS, YCOL)), ValueError),
             ("(m,) targets", ((DIGITS, Y1), (DIGITS, YCOL)), ValueError),
             ("another width for testing", ((DIGITS, YCOL), (DIGITS[:, :10], YCOL)), ValueError),
             ("NaN pixels", ((_replace_first(DIGITS, np.nan), YCOL), (DIGITS, YCOL)), ValueError)],
    "alpha": numbers(positive=True) + [("beyond the slider", 100.0, ValueError)],
    "epochs": counts() + [("beyond the slider", 10**4, ValueError)],
    "seed": SEEDS}
for _key_name, _call in (("network.network_explorer", widgets.network_explorer),
                         ("network.NetworkExplorer", widgets.NetworkExplorer)):
    spec(W + _key_name, _call, lambda: {"data": NET_DATA, "alpha": 1, "epochs": 2, "seed": 0},
         _network_bads, check=lambda r: len(r.losses) == 2)
for _key_name in ("network.network_explorer", "network.NetworkExplorer"):
    for _row in TABLE[W + _key_name]:
        if isinstance(_row, Bad) and _row.param == "data" and _row.label not in (
                "a number", "one pair", "three pairs", "a pair of three"):
            _row.names = {"empty training set": "X_train", "(m,) targets": "y_train",
                          "another width for testing": "X_test",
                          "NaN pixels": "X_train"}[_row.label]

spec(W + "_base.divergence_message", widgets.divergence_message,
     lambda: {"costs": [0.7, np.nan], "what": "loss"},
     {"costs": arrays([0.7, 0.5], finite=False), "what": TEXTS},
     check=lambda r: r.startswith("α too large: the loss grew from 0.7 to infinity"))
spec(W + "_base._Explorer.update",
     lambda: widgets.logistic_regression_explorer(**SMALL, num_iters=2).update(), dict, {})


# ---------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------

ROWS = [row for rows in TABLE.values() for row in rows]
BAD_ROWS = [row for row in ROWS if isinstance(row, Bad)]
GOOD_ROWS = [row for row in ROWS if isinstance(row, Good)]


def _module(key: str) -> str:
    return key.split(".")[0]


def test_every_public_callable_is_in_the_table():
    public = public_callables()
    missing = sorted(set(public) - set(TABLE))
    stale = sorted(set(TABLE) - set(public))
    assert not missing, f"public callables without rows in TABLE: {missing}"
    assert not stale, f"rows for callables that are not public (any more): {stale}"


@pytest.mark.parametrize("key", sorted(public_callables()))
def test_every_parameter_has_bad_rows_and_every_callable_a_good_one(key):
    rows = TABLE.get(key, [])
    assert any(isinstance(row, Good) for row in rows), f"{key} has no known-good row"
    attacked = {row.param for row in rows if isinstance(row, Bad)}
    untested = [name for name in parameters(public_callables()[key]) if name not in attacked]
    assert not untested, f"{key}: no bad input for {untested}"


def _names(row: Bad) -> re.Pattern:
    """`name`, optionally with index suffixes or a call: `params[0]`, `model.compile(...)`."""
    return re.compile("`" + re.escape(row.names) + r"(\[.*?\]|\(.*?\))*`")


@pytest.mark.parametrize("row", BAD_ROWS, ids=[f"{r.key}:{r.param}:{r.label}" for r in BAD_ROWS])
def test_bad_input_raises_a_named_error(row):
    with pytest.raises(Exception) as caught:
        row.call()
    error = caught.value
    assert type(error) is row.error, f"{type(error).__name__}: {error}"
    assert _names(row).search(str(error)), f"the message does not name {row.names}: {error}"
    plt.close("all")


@pytest.mark.parametrize("row", GOOD_ROWS, ids=[f"{r.key}:{r.label}" for r in GOOD_ROWS])
def test_known_good_input_still_works(row):
    result = row.call()
    if row.check is not None:
        assert row.check(result), f"unexpected result {result!r}"
    plt.close("all")


def test_sweep_counts_per_module():
    """The sweep is as wide as it says (printed with -s for the record)."""
    per_module = {}
    for row in ROWS:
        per_module.setdefault(_module(row.key), [0, 0])[isinstance(row, Good)] += 1
    print("\nsweep rows per module (bad, good):", per_module)
    assert set(per_module) == {m.__name__.split(".")[1] for m in MODULES}
    assert all(bad_count >= 5 for bad_count, _ in per_module.values())


# ---------------------------------------------------------------------------------------
# Hypothesis: junk of every kind into every parameter
# ---------------------------------------------------------------------------------------

PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)    # no missing-glyph warnings
JUNK = st.one_of(st.none(), st.text(PRINTABLE, max_size=6), st.complex_numbers(allow_nan=False),
                 st.dictionaries(st.text(PRINTABLE, max_size=2), st.integers(), max_size=2),
                 st.lists(st.text(PRINTABLE, max_size=2), min_size=1, max_size=3),
                 st.builds(object), st.binary(max_size=4),
                 hnp.arrays(np.float64, st.integers(0, 3)), hnp.arrays(np.int64, (2, 2)))
PARAMETERS = sorted({(row.key, row.param) for row in BAD_ROWS
                     if row.param in parameters(public_callables().get(row.key, len))})


@pytest.mark.parametrize("key, param", PARAMETERS, ids=[f"{k}:{p}" for k, p in PARAMETERS])
@settings(max_examples=12, deadline=None, derandomize=True,   # the same junk on every run
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=JUNK)
def test_junk_in_any_parameter_is_refused_by_name_or_works(key, param, value):
    """To hunt wider, raise max_examples and drop derandomize for one local run."""
    call, good_kwargs = SPEC_CALLS[key]
    kwargs = good_kwargs()
    kwargs[param] = value
    try:
        call(**kwargs)
    except Exception as error:
        assert type(error) in (ValueError, TypeError), f"{type(error).__name__}: {error}"
        # An array of numbers may be fine on its own and clash with another argument (an
        # empty z against a given a): then that other argument may be the one named.
        name = r"\w+" if isinstance(value, np.ndarray) else re.escape(param)
        assert re.search("`" + name + r"(\[.*?\])*`", str(error)), \
            f"the message does not name {param}: {error}"
    finally:
        plt.close("all")


# ---------------------------------------------------------------------------------------
# Hypothesis: any finite numbers are drawn, or refused by name (never a matplotlib error)
# ---------------------------------------------------------------------------------------

POINTS = hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(2)),
                    elements=st.floats(allow_nan=False, allow_infinity=False, width=64))


def _drawn_or_named(make_figure, names):
    try:
        figure = make_figure()
    except ValueError as error:
        assert any(f"`{name}`" in str(error) for name in names), str(error)
        return
    try:
        assert drawn(figure)
    finally:
        plt.close("all")


@settings(max_examples=15, deadline=None)
@given(X=POINTS, w=hnp.arrays(np.float64, 2, elements=st.floats(-1e308, 1e308)),
       b=st.floats(-1e308, 1e308))
def test_any_finite_data_and_boundary_is_drawn_or_refused_by_name(X, w, b):
    labels = (np.arange(X.shape[0]) % 2).astype(float)
    _drawn_or_named(lambda: plots.plot_data(X, labels), ["X"])
    _drawn_or_named(lambda: plots.plot_decision_boundary(X, labels, w, b), ["X", "w", "b"])


@settings(max_examples=15, deadline=None)
@given(costs=hnp.arrays(np.float64, st.integers(1, 6),
                        elements=st.floats(allow_nan=True, allow_infinity=True)),
       log_y=st.booleans())
def test_any_cost_history_is_drawn(costs, log_y):
    _drawn_or_named(lambda: plots.plot_cost_history(costs, log_y=log_y), [])
    _drawn_or_named(lambda: plots.plot_loss_curves({"a": costs, "b": costs[::-1]},
                                                   log_y=log_y), [])


@settings(max_examples=15, deadline=None)
@given(X=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(1)),
                    elements=st.floats(-1e308, 1e308)),
       data_=st.data())
def test_any_finite_regression_fit_is_drawn_or_refused_by_name(X, data_):
    y = data_.draw(hnp.arrays(np.float64, (X.shape[0],), elements=st.floats(-1e308, 1e308)))
    _drawn_or_named(lambda: plots.plot_regression_fit(X, y, y[::-1]), ["X", "y", "y_pred"])


# ---------------------------------------------------------------------------------------
# Hypothesis: the mathematics never answers NaN
# ---------------------------------------------------------------------------------------

ANY_FLOAT = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=200, deadline=None)
@given(X=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 3)),
                    elements=ANY_FLOAT),
       data_=st.data())
def test_compute_cost_is_never_nan(X, data_):
    m, n = X.shape
    y = data_.draw(hnp.arrays(np.float64, (m,), elements=st.sampled_from([0.0, 1.0])))
    w = data_.draw(hnp.arrays(np.float64, (n,), elements=ANY_FLOAT))
    b = data_.draw(ANY_FLOAT)
    try:
        cost = logistic.compute_cost(X, y, w, b)
    except ValueError as error:                    # only inf - inf inside X @ w + b
        assert "`X` and `w`" in str(error)
        return
    assert cost >= 0.0 and not np.isnan(cost)


@settings(max_examples=200, deadline=None)
@given(a=hnp.arrays(np.float64, st.integers(1, 5), elements=ANY_FLOAT), data_=st.data())
def test_relative_error_lies_in_0_1_for_any_finite_gradients(a, data_):
    b = data_.draw(hnp.arrays(np.float64, a.shape, elements=ANY_FLOAT))
    error = gradcheck.relative_error([a], [b])
    assert 0.0 <= error <= 1.0 + 1e-12
    if np.any(a != 0):
        assert gradcheck.relative_error([a], [-a]) == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(z=hnp.arrays(np.float64, st.integers(1, 5),
                    elements=st.floats(allow_nan=False, allow_infinity=True)), data_=st.data())
def test_cross_entropy_from_logits_is_never_nan(z, data_):
    y = data_.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    cost = losses.binary_crossentropy(y, z, from_logits=True)
    assert cost >= 0.0 and not np.isnan(cost)
    assert np.all((activations.sigmoid(z) >= 0) & (activations.sigmoid(z) <= 1))
