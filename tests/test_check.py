"""Tests of course.check: the learner's verdicts, and friendly errors in a real kernel."""

import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course import check

sys.path.insert(0, str(Path(__file__).parent))
import _exercise_solutions as answers  # noqa: E402
import _notebooks  # noqa: E402


@pytest.mark.parametrize("exercise_id", sorted(answers.CORRECT))
def test_right_answers_pass(exercise_id, capsys):
    assert check.exercise(exercise_id, answers.CORRECT[exercise_id]) is None
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.startswith(f"✅ {exercise_id}: all ") and first_line.endswith(
        " checks passed.")


def test_a_missing_one_over_m_shows_expected_received_ratio_and_hint():
    def compute_cost(X, y, w, b):
        f = answers.sigmoid(X @ w + b)
        return np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f))

    text = check.report("compute_cost", compute_cost)
    lines = text.splitlines()
    assert lines[0] == "❌ compute_cost: 3 of 4 checks failed."
    assert lines[1] == "  Case: the six-point data set, w = [1, 1], b = -3"
    assert lines[2] == "    result: expected 0.366867"
    assert lines[3] == ("            received 2.201201  <- different values "
                        "(your result is 6.00× the expected)")
    assert "... and 1 more failing case(s)." in text
    assert text.endswith("Looks like a missing 1/m. Hint: J is the *mean* of the losses: "
                         "divide the sum by m (or use np.mean).")


def test_a_shape_mistake_is_named():
    def compute_gradient(X, y, w, b):
        err = (answers.sigmoid(X @ w + b) - y)[:, None]          # (m, 1)
        return X.T @ err / len(y), float(err.mean())

    text = check.report("compute_gradient", compute_gradient)
    assert "dj_dw: expected [" in text and "<- shape (2, 1) instead of (2,)" in text
    assert "Looks like dj_dw of shape (n, 1) instead of (n,)." in text
    assert "dj_db" not in text.split("Looks like")[0]


def test_sigmoid_overflow_is_explained():
    text = check.report("sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)))
    assert text.startswith("❌ sigmoid: 1 of 5 checks failed.")
    assert "Case: large |z|: [-1000, -30, 0, 30, 1000]" in text and "contains NaN" in text
    assert "Looks like an overflow for large |z|." in text


def test_a_warning_with_right_values_passes_with_a_note():
    text = check.report("sigmoid", answers.sigmoid)
    assert text.startswith("✅ sigmoid: all 5 checks passed.")
    assert "Note: NumPy warned (overflow encountered in exp)" in text


def test_unfinished_exercises_are_not_tracebacks():
    def sigmoid(z):
        raise NotImplementedError()

    assert check.report("sigmoid", sigmoid).startswith(
        "⏳ Exercise `sigmoid` is not finished yet")

    def compute_gradient(X, y, w, b):
        raise NotImplementedError()

    def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
        return compute_gradient(X, y, w_in, b_in)

    assert check.report("gradient_descent", gradient_descent).startswith(
        "⏳ `gradient_descent` calls `compute_gradient`, which is not finished yet")


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


@pytest.mark.parametrize("function, expected", [
    (lambda y_true, y_pred: AlwaysEqual(),
     "your function gave an error: wrong result type: `the cost` should be made of real "
     "numbers, but your function returned a AlwaysEqual"),
    (lambda y_true, y_pred: 1 / 0, "your function gave an error: ZeroDivisionError: "
                                   "division by zero"),
    (lambda y_true, y_pred: np.nan, "result: expected"),
])
def test_broken_results_never_crash(function, expected):
    text = check.report("mean_squared_error", function)
    assert text.startswith("❌ mean_squared_error: 3 of 3 checks failed.")
    assert expected in text


def test_wrong_calls_are_explained():
    assert check.report("sigmoidd", answers.sigmoid).startswith("❌ no exercise 'sigmoidd'")
    assert check.report("sigmoid", 0.5) == (
        "❌ sigmoid: pass your function itself, e.g. check.exercise('sigmoid', sigmoid); "
        "got a float.")


def test_setup_notebook_outside_ipython_does_nothing():
    assert check.setup_notebook() is None


def execute(notebook, allow_errors):
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            allow_errors=allow_errors)
    client.execute()
    return notebook


def test_a_later_cell_names_the_unfinished_exercise_in_a_real_kernel():
    notebook = _notebooks.solution_notebook()
    notebook.cells[2].source = ("def sigmoid(z):\n    # YOUR CODE HERE\n"
                                "    raise NotImplementedError()")
    notebook.cells.append(nbformat.v4.new_code_cell(
        "def other():\n    raise NotImplementedError('not an exercise')\nother()"))
    execute(notebook, allow_errors=True)
    outputs = {i: c.outputs for i, c in enumerate(notebook.cells) if c.cell_type == "code"}
    assert outputs[3][0]["text"].startswith("⏳ Exercise `sigmoid` is not finished yet")
    (error,) = outputs[4]
    assert error["output_type"] == "error" and error["ename"] == "NotImplementedError"
    assert error["traceback"] == ["NotImplementedError: This cell needs exercise `sigmoid` — "
                                  "finish it above and run its cell first."]
    # compute_cost is finished but calls the unfinished sigmoid: the message names sigmoid.
    assert outputs[6][0]["text"].startswith("⏳ `compute_cost` calls `sigmoid`")
    assert "needs exercise `sigmoid`" in outputs[7][0]["traceback"][0]
    other = outputs[8][0]
    assert other["evalue"] == "not an exercise" and len(other["traceback"]) > 1


def test_the_cell_still_fails_so_run_all_stops():
    notebook = _notebooks.solution_notebook()
    notebook.cells[2].source = "def sigmoid(z):\n    raise NotImplementedError()"
    with pytest.raises(CellExecutionError) as info:
        execute(notebook, allow_errors=False)
    assert "This cell needs exercise `sigmoid`" in str(info.value)


def test_a_function_that_exits_is_reported_not_raised():
    from course import check

    def sigmoid(z):
        raise SystemExit("bye")

    verdict = check.report("sigmoid", sigmoid)
    assert verdict.startswith("❌") and "SystemExit: bye" in verdict
