"""nbgrader's hidden tests score an exercise that calls other exercises (``depends_on``) as
``course grade`` does: with the course's learner-style versions of those exercises, so a
mistake in ``compute_cost`` costs points once, in ``compute_cost``'s own check."""

import inspect

from course import check, exercises
from course.exercises import _learner_answers

WRONG_COST = 12345.0


def notebook_namespace() -> dict:
    """A learner's notebook: a right gradient_descent that calls a wrong compute_cost."""
    namespace = {}
    exec("import numpy as np\nimport math\n" + "\n".join(
        inspect.getsource(getattr(_learner_answers, name))
        for name in ("sigmoid", "compute_gradient", "gradient_descent")), namespace)
    namespace["compute_cost"] = lambda X, y, w, b: WRONG_COST
    return namespace


def hidden_score(namespace, monkeypatch) -> float:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check.hidden_tests("gradient_descent")
    return check.exercise("gradient_descent", namespace["gradient_descent"])


def test_hidden_tests_use_the_courses_versions_of_the_dependencies(monkeypatch, capsys):
    namespace = notebook_namespace()
    assert hidden_score(namespace, monkeypatch) is None          # full points: no number
    assert "✅ gradient_descent: all" in capsys.readouterr().out
    assert namespace["compute_cost"](0, 0, 0, 0) == WRONG_COST    # the notebook's, restored


def test_control_without_the_substitution_the_hidden_tests_lose_points(monkeypatch):
    """What the substitution stops: the wrong compute_cost makes J_history wrong on every
    hidden case, and gradient_descent loses that part's points too."""
    monkeypatch.setattr(check, "_dependencies", lambda sources, namespace: {})
    score = hidden_score(notebook_namespace(), monkeypatch)
    assert score is not None and score < exercises.get("gradient_descent").points
