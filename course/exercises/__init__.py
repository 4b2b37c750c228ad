"""The graded exercises: one registry shared by ``course.check`` and ``course.grading``.

An exercise is a function the learner writes (``sigmoid``, ``compute_cost``, ...). The
exercises of each lesson live in one module: ``logistic_regression_numpy`` (01),
``loss_and_cost`` (02), ``backpropagation`` (03), ``training_a_network`` (04) and
``keras_model_fit`` (05). The other
modules: ``_classes`` (Case, Mistake, Exercise and the grading results), ``_plain`` (results
as plain data, and comparing them), ``_feedback`` (every sentence a learner or instructor
reads), ``_references`` (the course implementations a graded function may not hand its work
to).

>>> import numpy as np
>>> exercise = get("compute_cost")
>>> exercise.lesson, exercise.points, exercise.parts
('01_logistic_regression_numpy', 1, ('value',))
>>> case = exercise.visible_cases()[0]
>>> def forgot_one_over_m(X, y, w, b):
...     f = 1 / (1 + np.exp(-(X @ w + b)))
...     return np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f))
>>> result = exercise.evaluate(case, exercise.run_case(forgot_one_over_m, case))
>>> result.passed, result.mistake.name
(False, 'a missing 1/m')
"""

from __future__ import annotations

from course.exercises import backpropagation, keras_model_fit, logistic_regression_numpy
from course.exercises import loss_and_cost
from course.exercises import training_a_network
from course.exercises._classes import Case, CaseResult, Exercise, Grade, Mistake, PartScore
from course.exercises._plain import ResultError
from course.exercises._references import forbidden_objects

__all__ = ["Case", "Mistake", "Exercise", "CaseResult", "PartScore", "Grade", "ResultError",
           "get", "all_exercises", "for_lesson", "LESSONS",
           "forbidden_objects"]

LESSONS = {module.LESSON: tuple(module.EXERCISES)
           for module in (logistic_regression_numpy, loss_and_cost, backpropagation,
                          training_a_network,
                          keras_model_fit)}
_BY_ID = {exercise.id: exercise for exercises in LESSONS.values() for exercise in exercises}


def all_exercises() -> list:
    """Every exercise, in the order the lessons teach them."""
    return [exercise for exercises in LESSONS.values() for exercise in exercises]


def for_lesson(lesson: str) -> list:
    """The exercises of one lesson (its notebook stem), in notebook order."""
    if lesson not in LESSONS:
        raise KeyError(f"no lesson {lesson!r}; known lessons: {', '.join(LESSONS)}")
    return list(LESSONS[lesson])


def get(exercise_id: str) -> Exercise:
    """The exercise with this id (the learner's function name)."""
    if exercise_id not in _BY_ID:
        raise KeyError(f"no exercise {exercise_id!r}; known exercises: {', '.join(_BY_ID)}")
    return _BY_ID[exercise_id]
