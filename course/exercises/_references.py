"""What a graded function may not hand its work to: the course's own implementations.

The course ships a reference implementation of every exercise (``course.logistic.sigmoid``
and friends), because later lessons build on them. A graded function that hands its work to
one of them earns nothing for that exercise. The rule, per exercise:

    A graded function may not run any implementation in ``course`` that computes the
    exercise's answer: the exercise's own ``reference``, and every other implementation
    that gives the same answers (``course.activations.sigmoid`` as well as
    ``course.logistic.sigmoid``, the loop forms ``compute_cost_loop`` as well as
    ``compute_cost``, ``BinaryCrossentropy()(...)`` as well as ``binary_crossentropy``),
    directly or through anything that calls them (``Sequential.predict`` runs
    ``Sequential._forward``). While a lesson is graded this holds for every exercise of
    that lesson at once (its grading course tree stubs them all), and everything else in
    ``course`` stays allowed, so a later lesson may use what an earlier one taught:
    ``dense_forward`` may call the course's sigmoid, while ``gradient_descent`` calls the
    notebook's own ``compute_cost`` (graded with the course's learner-style version).

"Gives the same answers" is found, not listed: every function of ``course``'s mathematics
modules (every public module outside the teaching and instructor tools, walked with
:mod:`pkgutil`; private helpers such as ``course.activations._sigmoid`` included) and every
class of theirs that can be made without arguments and called is run on the exercise's
visible cases; those that pass them all compute the same thing.
Methods need an object to run on, so a method (``Sequential._backward``) counts through the
exercise's declared ``reference`` and, at run time, through everything that calls it.

Two users: the grader's static check (:mod:`course.grading.static_checks`) looks for these
objects in the submission's code, and the grading kernel's course tree
(:mod:`course.grading.course_tree`) has each of them replaced by a stub that only raises, so
a call fails however it is made.

>>> from course.exercises import get
>>> sorted(f"{f.__module__}.{f.__qualname__}" for f in forbidden_objects(get("sigmoid")))
['course.activations._sigmoid', 'course.activations.sigmoid', 'course.logistic.sigmoid']
>>> [f.__qualname__ for f in forbidden_objects(get("dense_forward"))]
['Dense.forward']
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import warnings

import numpy as np

import course

#: Packages and modules of ``course`` that are tools (teaching, grading, data, plots), not
#: implementations of anything an exercise asks for; everything else is walked.
TOOLS = frozenset({"authoring", "check", "cli", "data", "exercises", "grading",
                   "nbgrader_cells", "plots", "quiet", "widgets"})


def mathematics_modules(package=course) -> list:
    """The public modules of ``course`` outside ``TOOLS``, imported, in name order.

    Only these are imported (tools such as ``plots`` are never loaded by the walk).
    """
    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (package is course and info.name in TOOLS):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        modules += mathematics_modules(module) if info.ispkg else [module]
    return modules


def _defined_in(module, names) -> list:
    """The objects named ``names`` that ``module`` defines itself (not imports).

    Private helpers count too: ``course.activations._sigmoid`` is the sigmoid without its
    argument checks, and a hand-off to it is a hand-off all the same.
    """
    return [obj for name in names if not name.startswith("__")
            for obj in [vars(module)[name]] if getattr(obj, "__module__", None) == module.__name__]


def module_functions() -> list:
    """Every function defined at the top level of a mathematics module (private ones too)."""
    return [obj for module in mathematics_modules()
            for obj in _defined_in(module, list(vars(module))) if inspect.isfunction(obj)]


def module_classes() -> list:
    """Every class defined in a mathematics module (private ones too)."""
    return [obj for module in mathematics_modules()
            for obj in _defined_in(module, list(vars(module))) if inspect.isclass(obj)]


def _passes_visible_cases(exercise, function) -> bool:
    """Whether ``function`` gives the expected answer on every visible case of ``exercise``."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for case in exercise.visible_cases():
            try:
                if not exercise.evaluate(case, exercise.run_case(function, case)).passed:
                    return False
            except Exception:
                return False
    return True


def _callable_instance(cls):
    """``cls()`` when the class can be made without arguments and its objects are called."""
    if "__call__" not in vars(cls):
        return None
    try:
        return cls()
    except Exception:
        return None


#: What another process of the same program found, by exercise id (:func:`remember`).
_REMEMBERED: dict[str, tuple] = {}


def remember(found: dict[str, tuple]) -> None:
    """Answer :func:`forbidden_objects` from ``found`` (``{exercise id: its objects}``, as
    another process of the same program found them) instead of walking again.

    ``course grade`` walks once, in its own process, and hands the result to each worker
    process it starts: for lesson 05 the walk builds Keras optimizers, and a worker would
    import TensorFlow (seconds) only for that.
    """
    _REMEMBERED.update(found)


@functools.lru_cache(maxsize=None)
def forbidden_objects(exercise) -> tuple:
    """The course functions and methods that compute ``exercise``'s answer (see the module).

    The exercise's ``reference`` first, then the others found by running them on its visible
    cases (once per exercise; the answer is kept, or taken from :func:`remember`).
    """
    if exercise.id in _REMEMBERED:
        return _REMEMBERED[exercise.id]
    found = [exercise.reference] if exercise.reference is not None else []
    found += [f for f in module_functions() if _passes_visible_cases(exercise, f)]
    for cls in module_classes():
        instance = _callable_instance(cls)
        if instance is not None and _passes_visible_cases(exercise, instance):
            found.append(cls.__call__)
    return tuple(dict.fromkeys(found))          # in order, without repeats
