"""Tests of course.nbgrader_cells: what a check cell hands nbgrader, in each mode.

tests/test_nbgrader.py runs the real nbgrader; these tests pin the rules it relies on.
"""

import numpy as np
import pytest

from course import check, exercises
from course.nbgrader_cells import (MODE_VARIABLE, CheckFailed, add_hidden_tests, conclude,
                                   hidden_tests, nbgrader_mode)

BCE_SUM = lambda y_true, y_pred: float(np.sum(                                  # noqa: E731
    -y_true * np.log(np.clip(y_pred, 1e-7, 1 - 1e-7))
    - (1 - y_true) * np.log(1 - np.clip(y_pred, 1e-7, 1 - 1e-7))))


def bce_sum_on_flat_vectors(y_true, y_pred):
    """The mean for a column of labels, the sum (the named mistake) for a flat vector."""
    return bce(y_true, y_pred) * (len(y_true) if np.ndim(y_true) == 1 else 1)


def hidden_count(exercise_id) -> int:
    """How many hidden tests the exercise draws (the same number for every seed)."""
    return len(exercises.get(exercise_id).grading_cases(0))


def bce(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return float(np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p)))


def visible_answers_only(exercise_id):
    """A function that knows the visible cases' answers and returns the first one otherwise."""
    exercise = exercises.get(exercise_id)
    table = {}
    for case in exercise.visible_cases():
        key = tuple(round(float(np.sum(a)), 9) for a in case.args.values())
        table[key] = float(exercise.expected(case.args)["value"])
    first = next(iter(table.values()))
    return lambda *args: table.get(tuple(round(float(np.sum(a)), 9) for a in args), first)


@pytest.fixture
def autograde(monkeypatch):
    monkeypatch.setenv(MODE_VARIABLE, "autograde")


@pytest.fixture
def validate(monkeypatch):
    monkeypatch.setenv(MODE_VARIABLE, "validate")


def test_the_mode_comes_from_nbgrader_execution(monkeypatch):
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    assert nbgrader_mode() is None
    for value, mode in (("validate", "validate"), ("autograde", "autograde"), ("", None),
                        ("something else", None)):
        monkeypatch.setenv(MODE_VARIABLE, value)
        assert nbgrader_mode() == mode


def test_in_class_a_check_prints_and_never_raises(capsys):
    assert conclude("❌ f: 4 of 4 checks failed.", 0.0, 2.0, mode=None) is None
    assert conclude("❌ f: 1 of 4 checks failed.", 1.5, 2.0, mode=None) is None
    assert capsys.readouterr().out.splitlines() == ["❌ f: 4 of 4 checks failed.",
                                                    "❌ f: 1 of 4 checks failed."]


def test_full_points_print_and_return_nothing_in_every_mode(capsys):
    for mode in (None, "validate", "autograde"):
        assert conclude("✅ f: all 4 checks passed.", 2.0, 2.0, mode=mode) is None
    assert capsys.readouterr().out.count("✅") == 3


def test_validate_raises_the_verdict_for_any_lost_point(capsys):
    for score in (0.0, 1.5):
        with pytest.raises(CheckFailed) as raised:
            conclude("❌ f: 1 of 4 checks failed.\n  Looks like x. Hint: y.", score, 2.0,
                     mode="validate")
        assert str(raised.value) == "❌ f: 1 of 4 checks failed.\n  Looks like x. Hint: y."
    assert capsys.readouterr().out == ""       # the message is the error, not printed twice


def test_autograde_returns_partial_points_as_a_plain_float_and_raises_on_zero(capsys):
    result = conclude("❌ f: 1 of 4 checks failed.", np.float64(1.499999), 2.0,
                      mode="autograde")
    assert type(result) is float and result == 1.5       # repr "1.5": nbgrader reads it
    assert capsys.readouterr().out == "❌ f: 1 of 4 checks failed.\n"
    with pytest.raises(CheckFailed):
        conclude("❌ f: 4 of 4 checks failed.", 0.0, 2.0, mode="autograde")


def test_the_error_shows_only_the_verdict_in_lines_validate_does_not_cut():
    hint = ("  Looks like a missing 1/m. Hint: J is the *mean* of the losses: divide the sum "
            "by m (or use np.mean), never the sum of the losses over the m examples.")
    error = CheckFailed("❌ compute_cost: 3 of 4 checks failed.\n" + hint)
    lines = error._render_traceback_()
    assert lines[0] == "❌ compute_cost: 3 of 4 checks failed."
    assert all(len(line) <= 80 for line in lines)
    assert all(line.startswith("    ") for line in lines[2:])      # continued, indented
    assert " ".join(line.strip() for line in lines[1:]) == hint.strip()


def test_check_exercise_under_autograde_scores_the_hidden_tests(autograde, capsys):
    points = exercises.get("binary_crossentropy").points
    hidden_tests("binary_crossentropy")
    # Wrong on flat vectors, right on columns: the hidden tests hold both, so only some of
    # them pass, and the check returns that share of the points, as course grade scores it.
    score = check.exercise("binary_crossentropy", bce_sum_on_flat_vectors)
    assert type(score) is float and 0 < score < points
    out = capsys.readouterr().out
    assert out.startswith("❌ binary_crossentropy: ") and "checks failed." in out
    assert (f"❌ Hidden tests ({hidden_count('binary_crossentropy')} new random inputs). "
            f"binary_crossentropy: {score:g} of {points:g} points.") in out


def test_a_hard_coded_answer_earns_nothing_from_the_hidden_tests(autograde, capsys):
    hard_coded = visible_answers_only("mean_squared_error")
    assert check.exercise("mean_squared_error", hard_coded) is None   # visible: all pass
    assert capsys.readouterr().out.startswith("✅ mean_squared_error: all 3 checks passed.")
    hidden_tests("mean_squared_error")
    with pytest.raises(CheckFailed) as raised:
        check.exercise("mean_squared_error", hard_coded)
    message = str(raised.value)
    assert message.startswith("✅ mean_squared_error: all 3 checks passed.\n❌ Hidden tests")
    assert f"0 of {exercises.get('mean_squared_error').points:g} points" in message


def test_hidden_tests_are_asked_for_once_and_need_a_started_exercise(autograde, capsys):
    hidden_tests("binary_crossentropy")
    assert check.exercise("binary_crossentropy", bce) is None
    assert (f"all {hidden_count('binary_crossentropy')} hidden tests passed"
            in capsys.readouterr().out)
    assert check.exercise("binary_crossentropy", bce) is None
    assert "hidden" not in capsys.readouterr().out     # the request was used up

    def binary_crossentropy(y_true, y_pred):
        raise NotImplementedError()
    hidden_tests("binary_crossentropy")
    with pytest.raises(CheckFailed, match="is not finished yet"):
        check.exercise("binary_crossentropy", binary_crossentropy)


def test_in_class_hidden_tests_use_a_fixed_seed_and_print_their_verdict(monkeypatch, capsys):
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    for _ in range(2):
        hidden_tests("binary_crossentropy")
        assert check.exercise("binary_crossentropy", BCE_SUM) is None
    first, second = capsys.readouterr().out.split("❌ binary_crossentropy: 4 of 4")[1:]
    assert first == second and (
        f"Hidden tests ({hidden_count('binary_crossentropy')} new random inputs)" in first)


def test_a_stopped_hidden_run_scores_zero_with_its_reason():
    exercise = exercises.get("sigmoid")
    hidden_tests("sigmoid")
    verdict, score, points = add_hidden_tests(
        exercise, lambda cases: (None, "❌ sigmoid: your function calls `course.x`."),
        "✅ sigmoid: all 5 checks passed.", 2.0, 2.0, seed=1)
    assert (score, points) == (0.0, 2.0)
    assert verdict.endswith("Hidden tests: ❌ sigmoid: your function calls `course.x`.")
    unchanged = add_hidden_tests(exercise, None, "✅ sigmoid: all 5 checks passed.", 2.0, 2.0)
    assert unchanged == ("✅ sigmoid: all 5 checks passed.", 2.0, 2.0)   # not asked for
