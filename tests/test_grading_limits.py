"""The grader's time limits, with their defaults: a function that never returns costs
seconds, not minutes, and correct but slow code keeps full marks.

Both submissions are lesson 01, whole, answered with the solution except for the answers
these tests replace (built with the corpus' own builders). No assertion here measures time
(``benchmarks/grade_speed.py`` does): the bound on the wall time follows from the limits
each report says applied.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from course import exercises
from course.grading.grader import grade_submission
from course.grading.limits import LATE_CELL_SECONDS, Limits

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import make_corpus  # noqa: E402  (the corpus' notebook builders)

DEFAULTS = Limits()
LESSON_01_POINTS = sum(e.points for e in exercises.for_lesson("01_logistic_regression_numpy"))
#: What the issue asks of the default limits, for a function that never returns.
HUNG_BUDGET_SECONDS = 60
#: Kernel start, the notebook's quick cells and the harness's quick cases, generously.
FAST_WORK_SECONDS = 10

# The slide's loop versions, one example (and one feature) at a time.
LOOP_COST = """\
m = X.shape[0]
total = 0.0
for i in range(m):
    z = np.dot(w, X[i]) + b
    f_x = sigmoid(z)
    total += -y[i] * np.log(f_x) - (1 - y[i]) * np.log(1 - f_x)
return float(total / m)"""
LOOP_GRADIENT = """\
m, n = X.shape
dj_dw = np.zeros(n)
dj_db = 0.0
for i in range(m):
    err = sigmoid(np.dot(w, X[i]) + b) - y[i]
    for j in range(n):
        dj_dw[j] += err * X[i, j]
    dj_db += err
return dj_dw / m, float(dj_db / m)"""


def lesson_01_with(folder: Path, name: str, **bodies: str) -> Path:
    """Lesson 01 answered with the solution, the answers in ``bodies`` replaced; its path."""
    notebook = make_corpus.filled(make_corpus.L01, {**make_corpus.solution_bodies(
        make_corpus.L01), **bodies})
    path = folder / name
    nbformat.write(nbformat.from_dict(notebook), path)
    return path


@pytest.fixture(scope="module")
def hung(tmp_path_factory) -> dict:
    """The report of a submission whose compute_gradient never returns, default limits."""
    path = lesson_01_with(tmp_path_factory.mktemp("hung"), "hung.ipynb",
                          compute_gradient="while True:\n    pass")
    return grade_submission(path, DEFAULTS)


def entries(report: dict) -> dict:
    return {entry["id"]: entry for entry in report["exercises"]}


def test_a_function_that_never_returns_scores_0_and_says_it_did_not_finish(hung):
    gradient = entries(hung)["compute_gradient"]
    assert (gradient["score"], gradient["status"]) == (0, "timeout")
    assert gradient["case_seconds"] == DEFAULTS.case_seconds
    assert (f"did not finish a test within its time limit of {DEFAULTS.case_seconds:g} s"
            in gradient["feedback"]), gradient["feedback"]
    # the solution's gradient_descent calls the student's compute_gradient: it hangs too
    assert entries(hung)["gradient_descent"]["status"] == "timeout"


def test_the_other_exercises_are_still_graded(hung):
    assert hung["error"] is None and hung["kernel_problem"] is None
    for exercise_id in ("sigmoid", "compute_cost"):
        entry = entries(hung)[exercise_id]
        assert (entry["status"], entry["score"]) == ("passed", entry["max_score"]), entry


def test_the_notebook_cells_stop_at_their_limits_and_the_report_says_which(hung):
    errors = "\n".join(hung["notebook_errors"])
    budget = f"time budget of {DEFAULTS.cells_seconds:g} s"
    assert f"stopped by the notebook's {budget} for all its cells (--cells-timeout)" in errors
    assert f"used up their {budget} (--cells-timeout)" in errors, errors
    assert hung["limits"] == json.loads(json.dumps(DEFAULTS.__dict__))


def test_the_limits_that_applied_bound_the_wall_time_under_a_minute(hung):
    """Every second spent waiting on the endless loop is one the report accounts for.

    The notebook's cells took at most their budget, plus ``LATE_CELL_SECONDS`` for each
    cell stopped after it was spent; each exercise waited for at most one case. The kernel
    answered every interrupt (no kernel problem), so no grace period was spent.
    """
    assert hung["kernel_problem"] is None
    late_cells = sum("after the notebook's time budget was spent" in line
                     for line in hung["notebook_errors"])
    timed_out = [e["case_seconds"] for e in hung["exercises"] if e["status"] == "timeout"]
    waited = (hung["limits"]["cells_seconds"] + late_cells * LATE_CELL_SECONDS + sum(timed_out))
    assert len(timed_out) == 2          # one case each for compute_gradient, gradient_descent
    assert waited + FAST_WORK_SECONDS <= HUNG_BUDGET_SECONDS, waited


def test_correct_but_slow_loop_versions_get_full_marks_with_the_default_limits(tmp_path):
    path = lesson_01_with(tmp_path, "loops.ipynb", compute_cost=LOOP_COST,
                          compute_gradient=LOOP_GRADIENT)
    report = grade_submission(path, DEFAULTS)
    assert report["score"] == report["max_score"] == LESSON_01_POINTS, report["exercises"]
    assert not any("stopped by" in line or "not run" in line
                   for line in report["notebook_errors"]), report["notebook_errors"]
