"""The whole of the grader inside a grading kernel: call a function, write what it returned.

Nothing here decides a score, holds an answer or keeps a key, so nothing here needs
defending: a notebook may replace, hook or rewrite all of it, and gains only what it could
gain by writing a function that returns those values. The trusted grader
(:mod:`course.grading.runner`) writes a *request* (the positional arguments of every case of
one exercise, as :mod:`course._wire` text) and runs one small cell per case::

    _course_call("compute_cost", "/work/inputs-….json", 0, "/work/results-….json")

which looks the learner's function up by name in the notebook's namespace, calls it on the
case's arguments and writes one result file: a :class:`~course.grading.protocol.Status`
value, the error text, the seconds, what the function returned and the arguments as they
were after the call (both as :mod:`course._wire` trees) and the warnings it raised. A model
(Keras or ``course.nn``) is described, not run: its class, layers (kind, units, activation
name), weights, compiled loss and optimizer (:func:`describe_model`).

:func:`call_recorded` is the same call as ``Exercise.run_case`` makes in a learner's own
kernel (``course.check``), so both paths see the same values.

The request may carry the course's learner-style implementations of other exercises the
graded function calls (issue 19: each exercise graded on its own); they replace the
notebook's functions of those names for this call only.
"""

from __future__ import annotations

import copy
import json
import threading
import time
import warnings

import numpy as np

from course import _wire

#: Warnings kept per call, and characters kept of each (and of an error's text).
MAX_WARNINGS, MAX_WARNING_CHARS, MAX_MESSAGE_CHARS = 20, 200, 300
#: Threads whose class comes from these packages belong to Jupyter itself.
INFRASTRUCTURE_MODULES = ("zmq.", "ipykernel.", "IPython.", "jupyter_client.", "comm.",
                          "debugpy.", "tornado.")
#: Status values (the names of :class:`course.grading.protocol.Status`, which owns them).
OK, MISSING, NOT_IMPLEMENTED, ERROR, TIMEOUT, BACKGROUND, REFERENCE = (
    "ok", "missing", "not_implemented", "error", "timeout", "background", "reference")


class ReferenceWithheld(RuntimeError):
    """Raised by the course's implementations that a lesson's graded functions may not use:
    in a grading kernel they are stubs (see :mod:`course.grading.course_tree`)."""


# -- describing a model --------------------------------------------------------------------------
def _name(obj) -> str | None:
    """A short name for an activation, a loss function or an optimizer's class."""
    if obj is None:
        return None
    return str(getattr(obj, "__name__", None) or type(obj).__name__)[:80]


def _loss(loss):
    """A compiled loss as plain data: text, ``{"function": name}`` or ``{"class", "config"}``."""
    if loss is None or isinstance(loss, str):
        return loss
    if hasattr(loss, "get_config"):
        try:
            config = {k: v for k, v in dict(loss.get_config()).items()
                      if isinstance(v, (bool, int, float, str))}
        except Exception:
            config = {}
        return {"class": type(loss).__name__, "config": config}
    return {"function": _name(loss)}


def _optimizer(optimizer):
    if optimizer is None:
        return None
    try:
        rate = float(np.asarray(optimizer.learning_rate))
    except Exception:
        rate = None
    return {"class": type(optimizer).__name__, "learning_rate": rate}


def _is_keras(value) -> bool:
    return any((c.__module__ or "").startswith(("keras", "tensorflow", "tf_keras"))
               for c in type(value).__mro__) and hasattr(value, "get_weights")


def describe_model(value, build_inputs: int | None = None):
    """A Keras or ``course.nn`` model as plain data, or ``None`` for anything else.

    An unbuilt Keras model is built first for ``build_inputs`` input features (when given).
    Keys: ``framework`` ("keras" or "course"), ``class``, ``built``, ``layers`` (dicts of
    ``class``, ``units``, ``activation``), ``weights`` (arrays, Keras' order), ``compiled``,
    ``loss`` (:func:`_loss`) and ``optimizer`` (``class``, ``learning_rate``).
    """
    if (type(value).__module__ or "").startswith("course."):
        return {"framework": "course", "class": type(value).__name__} \
            if hasattr(value, "get_weights") else None
    if not _is_keras(value) or not hasattr(value, "layers"):
        return None
    if not getattr(value, "built", True) and build_inputs:
        value.build((None, int(build_inputs)))
    compiled = bool(getattr(value, "compiled", True))
    return {"framework": "keras", "class": type(value).__name__,
            "built": bool(getattr(value, "built", True)),
            "layers": [{"class": type(layer).__name__, "units": getattr(layer, "units", None),
                        "activation": _name(getattr(layer, "activation", None))}
                       for layer in value.layers],
            "weights": [np.asarray(w) for w in value.get_weights()],
            "compiled": compiled,
            "loss": _loss(getattr(value, "loss", None)) if compiled else None,
            "optimizer": _optimizer(getattr(value, "optimizer", None)) if compiled else None}


# -- one call -----------------------------------------------------------------------------------
#: A positional argument the kernel builds before the call, because it is an object no plain
#: data can carry: ``{KERAS_OPTIMIZER: "SGD", "learning_rate": 0.1}`` becomes
#: ``keras.optimizers.SGD(learning_rate=0.1)`` (also ``"RMSprop"`` with ``rho``, ``epsilon``).
KERAS_OPTIMIZER = "__keras_optimizer__"
_OPTIMIZER_SETTINGS = ("learning_rate", "rho", "epsilon")


def keras_optimizer(name: str, **settings) -> dict:
    """The plain request for a Keras optimizer that :func:`call_recorded` builds.

    >>> keras_optimizer("SGD", learning_rate=0.5)
    {'__keras_optimizer__': 'SGD', 'learning_rate': 0.5}
    """
    return {KERAS_OPTIMIZER: name, **{key: float(settings[key]) for key in _OPTIMIZER_SETTINGS
                                       if key in settings}}


def _built(argument):
    """The object an argument asks the kernel to build (see :data:`KERAS_OPTIMIZER`), or the
    argument itself."""
    if not (isinstance(argument, dict) and argument.get(KERAS_OPTIMIZER) in ("SGD", "RMSprop")):
        return argument
    from course.quiet import import_tensorflow
    import_tensorflow()
    import keras
    settings = {key: float(argument[key]) for key in _OPTIMIZER_SETTINGS if key in argument}
    return getattr(keras.optimizers, argument[KERAS_OPTIMIZER])(**settings)


def _warning_text(record) -> str:
    return f"{record.category.__name__}: {record.message}"[:MAX_WARNING_CHARS]


def call_recorded(function, arguments: tuple, build_inputs: int | None = None) -> dict:
    """Call ``function(*arguments)`` on deep copies; return its outcome as ``_wire`` trees.

    Keys: ``returned`` (the return value), ``arguments_after`` (the copies after the call),
    ``warnings`` (texts of the warnings it raised, at most :data:`MAX_WARNINGS`; they are
    raised again afterwards, for the caller's own handling). Whatever ``function`` raises
    propagates.
    """
    arguments = copy.deepcopy(tuple(arguments))
    called = tuple(_built(argument) for argument in arguments)
    caught = []
    try:
        # NumPy warns of overflow, division by zero and invalid values whatever the session
        # set (np.seterr), so every case is judged alike (an overflowing sigmoid is a mistake).
        with warnings.catch_warnings(record=True) as caught, \
                np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            returned = function(*called)

            def describe(value):
                return describe_model(value, build_inputs)

            tree = _wire.to_tree(returned, describe=describe)
    finally:
        for record in caught:      # a caller's own warning handling still sees them
            warnings.warn_explicit(record.message, record.category, record.filename,
                                   record.lineno)
    after = tuple(sent if made is not sent else made for sent, made in zip(arguments, called))
    return {"returned": tree, "arguments_after": _wire.to_tree(after),
            "warnings": [_warning_text(r) for r in caught[:MAX_WARNINGS]]}


# -- the grading cell ---------------------------------------------------------------------------
def _running_work() -> set:
    """Threads and child processes running now, except Jupyter's own threads."""
    work = {f"thread {thread.name!r}" for thread in threading.enumerate()
            if thread.is_alive() and thread is not threading.main_thread()
            and not (type(thread).__module__ or "").startswith(INFRASTRUCTURE_MODULES)}
    try:
        import psutil
        work |= {f"process {child.pid}" for child in psutil.Process().children(recursive=True)
                 if child.status() != psutil.STATUS_ZOMBIE}
    except Exception:
        pass
    return work


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_MESSAGE_CHARS]


def _dependencies(sources: dict, namespace: dict) -> dict:
    """Put the course's versions of ``sources`` (name -> code) into ``namespace``; return
    what they replaced (name -> previous value, or a missing marker)."""
    replaced = {}
    for name, source in sources.items():
        scope = {"__name__": f"course_dependency_{name}"}
        exec(compile(source, f"<the course's {name}>", "exec"), scope)
        replaced[name] = namespace.get(name, _MISSING)
        namespace[name] = scope[name]
    return replaced


_MISSING = object()


def _restore(replaced: dict, namespace: dict) -> None:
    for name, previous in replaced.items():
        if previous is _MISSING:
            namespace.pop(name, None)
        else:
            namespace[name] = previous


def outcome(namespace: dict, function_name: str, request: dict, index: int,
            baseline: set = frozenset()) -> dict:
    """The result of calling ``function_name`` on case ``index`` of ``request``."""
    function = namespace.get(function_name)
    if function is None or not callable(function):
        return {"status": MISSING}
    started = time.monotonic()
    status, message, recorded = OK, "", {}
    replaced = {}
    try:
        arguments = _wire.from_tree(request["cases"][index])
        replaced = _dependencies(request.get("dependencies") or {}, namespace)
        recorded = call_recorded(function, arguments, request.get("build_inputs"))
    except NotImplementedError as error:
        status, message = NOT_IMPLEMENTED, _describe_error(error)
    except KeyboardInterrupt:
        status = TIMEOUT
    except ReferenceWithheld as error:
        status, message = REFERENCE, _describe_error(error)
    except BaseException as error:        # SystemExit too: the student's code, not ours
        status, message = ERROR, _describe_error(error)
    finally:
        _restore(replaced, namespace)
    started_work = sorted(_running_work() - baseline)
    if started_work and status != TIMEOUT:
        status, message, recorded = BACKGROUND, ", ".join(started_work[:5]), {}
    return {"status": status, "message": message,
            "seconds": time.monotonic() - started, **recorded}


class Caller:
    """The callable a grading kernel's first cell makes: ``caller(name, request, index,
    result)`` writes one result file. It remembers the threads Jupyter itself runs, so
    that threads the notebook leaves running can be named (a hint for honest notebooks;
    the grader trusts nothing it reads)."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.baseline = _running_work()
        self.requests: dict[str, dict] = {}

    def __call__(self, function_name: str, request_path: str, index: int,
                 result_path: str) -> None:
        try:
            if request_path not in self.requests:
                with open(request_path, encoding="utf-8") as handle:
                    self.requests = {request_path: json.load(handle)}
            result = outcome(self.namespace, function_name, self.requests[request_path],
                             index, self.baseline)
            text = json.dumps(result)
        except BaseException as error:
            text = json.dumps({"status": ERROR, "message": _describe_error(error)})
        with open(result_path, "w", encoding="utf-8") as handle:
            handle.write(text)


def preamble_source(caller_name: str) -> str:
    """The first cell the grader runs in a fresh kernel, before any student cell."""
    return (f"from course._kernel_call import Caller as _course_caller\n"
            f"{caller_name} = _course_caller(get_ipython().user_ns)\n"
            f"del _course_caller\n")


def call_source(caller_name: str, function_name: str, request_path: str, index: int,
                result_path: str) -> str:
    """The cell that grades one case after all student cells have run."""
    return f"{caller_name}({function_name!r}, {request_path!r}, {index}, {result_path!r})\n"
