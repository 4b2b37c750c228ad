"""Unit tests of course.grading's pieces: reading, lesson detection, static checks, harness,
result loading, limits, reports and the command line. The whole pipeline against hostile
submissions is tested in test_grading_corpus.py."""

from __future__ import annotations

import csv
import importlib.util
import inspect
import io
import json
import pickle
import py_compile
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course.cli import main as course_main
from course import _kernel_call, _wire
from course.exercises import _learner_answers
from course.grading import (cli, course_tree, limits, protocol, reports, runner, sandbox,
                            static_checks)
from course.grading.grader import grade_exercise
from course.grading.protocol import Outcome, Status, Verdict
from course.grading.submission import SubmissionError, identify_lesson, read_submission
from course.exercises import all_exercises, forbidden_objects, get

#: The learner of issue 19: gradient_descent right, compute_gradient with the wrong sign.
SIGN_ERROR_LEARNER = "\n".join([
    "import numpy as np",
    inspect.getsource(_learner_answers.compute_cost),
    "def compute_gradient(X, y, w, b):",
    "    err = 1 / (1 + np.exp(-(X @ w + b))) - y",
    "    return -(X.T @ err) / X.shape[0], -np.mean(err)",
    inspect.getsource(_learner_answers.gradient_descent)])
CORPUS = Path(__file__).parent / "corpus"
LESSONS = {"01_logistic_regression_numpy": ["sigmoid", "compute_cost"],
           "02_loss_and_cost": ["binary_crossentropy", "mean_squared_error"]}


def notebook_with(*sources, lesson=None, grade_ids=()):
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    for cell, grade_id in zip(cells, grade_ids):
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
    metadata = {"course": {"lesson": lesson}} if lesson else {}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


# -- reading submissions ------------------------------------------------------------------------
@pytest.mark.parametrize("content, phrase", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a Jupyter notebook"),
    (b"def sigmoid(z): pass", "not valid JSON"),
    (b'[1, 2, 3]', "JSON but not a Jupyter notebook"),
    (b'{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": 3}', "damaged"),
])
def test_unreadable_files_raise_a_submission_error_that_says_why(tmp_path, content, phrase):
    path = tmp_path / "ada.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=phrase):
        read_submission(path)


def test_a_valid_notebook_is_read(tmp_path):
    path = tmp_path / "ada.ipynb"
    nbformat.write(notebook_with("x = 1", lesson="02_loss_and_cost"), path)
    assert read_submission(path).cells[0].source == "x = 1"


def test_the_lesson_comes_from_metadata_not_the_file_name():
    notebook = notebook_with("x = 1", lesson="02_loss_and_cost", grade_ids=["sigmoid"])
    assert identify_lesson(notebook, LESSONS) == "02_loss_and_cost"


def test_without_metadata_the_lesson_comes_from_the_exercise_ids():
    notebook = notebook_with("a", "b", grade_ids=["mean_squared_error", "check_x"])
    assert identify_lesson(notebook, LESSONS) == "02_loss_and_cost"
    unknown = notebook_with("a", lesson="99_nothing", grade_ids=["binary_crossentropy"])
    assert identify_lesson(unknown, LESSONS) == "02_loss_and_cost"


def test_a_notebook_of_no_known_lesson_is_refused():
    with pytest.raises(SubmissionError, match="which lesson"):
        identify_lesson(notebook_with("x = 1"), LESSONS)


# -- the kernel side (run here on trusted test code) ------------------------------------------
def kernel_outcomes(tmp_path, namespace, exercise_id="sigmoid", cases=None, dependencies=None):
    """Call ``exercise_id`` of ``namespace`` on every case as a grading kernel does, through
    the request and result files; return (the ExerciseRun read back, the cases)."""
    exercise = get(exercise_id)
    cases = exercise.grading_cases(0) if cases is None else cases
    protocol.write_request(tmp_path / "in.json", [exercise.arguments(c) for c in cases],
                           exercise.build_inputs, dependencies)
    caller = _kernel_call.Caller(namespace)
    run = runner.ExerciseRun(case_seconds=5.0)
    for index in range(len(cases)):
        caller(exercise_id, str(tmp_path / "in.json"), index, str(tmp_path / f"r{index}.json"))
        run.outcomes.append(protocol.read_result(tmp_path / f"r{index}.json"))
    return run, cases


def test_cases_and_results_cross_as_plain_json_without_pickle(tmp_path):
    arguments = (np.arange(6.0).reshape(2, 3), -1.5, 3, "relu", True, [np.ones(2), (1, 2)])
    protocol.write_request(tmp_path / "in.json", [arguments])
    text = (tmp_path / "in.json").read_text()
    back = _wire.from_tree(json.loads(text)["cases"][0])
    assert back[1:5] == (-1.5, 3, "relu", True) and type(back[2]) is int
    np.testing.assert_array_equal(back[0], arguments[0])
    assert isinstance(back[5], list) and back[5][1] == (1, 2)


def test_the_kernel_side_reports_a_status_per_case(tmp_path):
    namespace = {}
    exec("import numpy as np\ndef sigmoid(z):\n    e = np.exp(-np.abs(z))   # never overflows\n"
         "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))", namespace)
    run, cases = kernel_outcomes(tmp_path, namespace)
    assert [o.status for o in run.outcomes] == [Status.OK] * len(cases)
    entry = grade_exercise(get("sigmoid"), cases, run, False)
    assert entry["status"] == Verdict.PASSED.value


@pytest.mark.parametrize("body, status, phrase", [
    ("raise NotImplementedError()", Status.NOT_IMPLEMENTED, "NotImplementedError"),
    ("raise ValueError('nope')", Status.ERROR, "ValueError: nope"),
    ("import sys\n    sys.exit(3)", Status.ERROR, "SystemExit: 3"),
    ("raise KeyboardInterrupt", Status.TIMEOUT, ""),
])
def test_the_kernel_side_turns_every_failure_into_a_status(tmp_path, body, status, phrase):
    namespace = {}
    exec(f"def sigmoid(z):\n    {body}\n", namespace)
    run, _ = kernel_outcomes(tmp_path, namespace)
    assert run.outcomes[0].status is status and phrase in run.outcomes[0].message


def test_the_kernel_side_reports_a_missing_function(tmp_path):
    run, cases = kernel_outcomes(tmp_path, {})
    assert [o.status for o in run.outcomes] == [Status.MISSING] * len(cases)
    assert grade_exercise(get("sigmoid"), cases, run, False)["status"] == "missing"


def test_a_value_that_is_not_numbers_is_judged_by_the_trusted_side(tmp_path):
    namespace = {"sigmoid": lambda z: {"not": "numbers"}}
    run, cases = kernel_outcomes(tmp_path, namespace)
    assert run.outcomes[0].status is Status.OK            # the kernel only reports it...
    entry = grade_exercise(get("sigmoid"), cases, run, False)
    assert entry["score"] == 0 and "should be a number" in entry["feedback"]   # ...we judge


@pytest.mark.parametrize("body", ["list(range(10**6))", "{i: i for i in range(10**6)}",
                                  "'x' * 10**8", "[np.ones(2**20)] * 100", "eval('[' * 10**5)"])
def test_huge_or_deep_results_are_cut_in_the_kernel_and_read_back_small(tmp_path, body):
    namespace = {}
    exec(f"import numpy as np\ndef sigmoid(z):\n    return {body}\n", namespace)
    run, cases = kernel_outcomes(tmp_path, namespace, cases=get("sigmoid").grading_cases(0)[:1])
    assert (tmp_path / "r0.json").stat().st_size < protocol.MAX_RESULT_BYTES
    assert run.outcomes[0].status in (Status.OK, Status.ERROR)      # ERROR: eval's own limit
    assert grade_exercise(get("sigmoid"), cases, run, False)["score"] == 0


def test_the_kernel_side_names_threads_the_notebook_left_running(tmp_path):
    stop = threading.Event()
    caller = _kernel_call.Caller({"sigmoid": lambda z: z})
    helper = threading.Thread(target=stop.wait, name="helper", daemon=True)
    helper.start()
    try:
        protocol.write_request(tmp_path / "in.json", [(0.0,)])
        caller("sigmoid", str(tmp_path / "in.json"), 0, str(tmp_path / "r.json"))
        outcome = protocol.read_result(tmp_path / "r.json")
    finally:
        stop.set()
        helper.join()
    assert outcome.status is Status.BACKGROUND and "helper" in outcome.message


def test_arguments_after_the_call_and_warnings_come_back(tmp_path):
    namespace = {}
    exec("import numpy as np, warnings\n"
         "def gradient_descent(X, y, w_in, b_in, alpha, num_iters):\n"
         "    w_in -= 1.0\n"
         "    warnings.warn('careful', RuntimeWarning)\n"
         "    return w_in, b_in, [0.0] * (num_iters + 1)\n", namespace)
    run, cases = kernel_outcomes(tmp_path, namespace, "gradient_descent")
    outcome = run.outcomes[0]
    np.testing.assert_allclose(outcome.arguments_after[2], cases[0]["w_in"] - 1.0)
    assert outcome.warnings == ["RuntimeWarning: careful"]
    plain = get("gradient_descent").outcome(cases[0], outcome.returned,
                                            outcome.arguments_after, outcome.warnings)
    local = get("gradient_descent").run_case(namespace["gradient_descent"], cases[0])
    assert set(plain) == set(local)                       # both paths give the same outcome
    for key in ("w", "b", "J_history"):
        np.testing.assert_array_equal(plain[key], local[key])
    assert plain["_warnings"] == local["_warnings"] == ["RuntimeWarning: careful"]
    np.testing.assert_array_equal(plain["_arguments_after"][2], local["_arguments_after"][2])


def test_dependencies_replace_the_notebooks_functions_for_that_call_only(tmp_path):
    namespace = {}
    exec(SIGN_ERROR_LEARNER, namespace)
    mine = namespace["compute_gradient"]
    sources = _learner_answers.sources(["compute_cost", "compute_gradient"])
    run, cases = kernel_outcomes(tmp_path, namespace, "gradient_descent", dependencies=sources)
    assert namespace["compute_gradient"] is mine           # restored after each call
    assert grade_exercise(get("gradient_descent"), cases, run, False)["score"] == 3
    without, _ = kernel_outcomes(tmp_path, namespace, "gradient_descent")   # the old way
    assert grade_exercise(get("gradient_descent"), cases, without, False)["score"] == 0


# -- reading results back: hostile files ----------------------------------------------------------
def write_result(path: Path, returned, status=Status.OK, **facts) -> None:
    """Write a result the way the kernel side does."""
    path.write_text(json.dumps({"status": status.value, "returned": _wire.to_tree(returned),
                                **facts}))


def test_results_are_rebuilt_as_plain_values_never_objects(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"status": "ok", "returned": {"object": {
        "type": "Evil", "attributes": {"__class__": 1, "value": 3, "described": 5}}}}))
    returned = protocol.read_result(path).returned
    assert isinstance(returned, _wire.Described) and type(returned).__name__ == "Evil"
    assert returned.value == 3 and returned.described is None and not callable(returned)


@pytest.mark.parametrize("returned_tree", [
    {"array": {"dtype": "|O", "shape": [1], "data": ""}},                  # pickled objects
    {"array": {"dtype": "<f8", "shape": [1000], "data": "AAAAAAAAAAA="}},  # shape != bytes
    {"array": {"dtype": "<f8", "shape": [-1], "data": ""}},
    {"eval": "__import__('os')"},                                          # unknown node
    {"list": [1], "tuple": [2]},
])
def test_results_that_are_not_plain_data_are_refused(tmp_path, returned_tree):
    (tmp_path / "r.json").write_text(json.dumps({"status": "ok", "returned": returned_tree}))
    assert protocol.read_result(tmp_path / "r.json").status is Status.UNREADABLE


@pytest.mark.parametrize("text", ['[{"status": "ok"}]', '{"status": "perfect"}',
                                  '{"status": "no_result"}', '{"status": "ok", "seconds": "x"}',
                                  "[" * 100_000, "not json"])
def test_a_result_the_kernel_side_does_not_write_is_refused(tmp_path, text):
    (tmp_path / "r.json").write_text(text)
    assert protocol.read_result(tmp_path / "r.json").status is Status.UNREADABLE


def test_oversized_results_are_refused_unread(tmp_path):
    write_result(tmp_path / "r.json", 1.0)
    with (tmp_path / "r.json").open("ab") as handle:
        handle.truncate(protocol.MAX_RESULT_BYTES + 1)
    assert protocol.read_result(tmp_path / "r.json").status is Status.TOO_LARGE


def test_links_fifos_and_devices_are_refused_without_blocking(tmp_path):
    import os
    (tmp_path / "link.json").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.json")               # nobody ever writes: a read would block
    for name in ("link.json", "fifo.json"):
        assert protocol.read_result(tmp_path / name).status is Status.UNREADABLE
    write_result(tmp_path / "real.json", 1.0)
    (tmp_path / "link2.json").symlink_to(tmp_path / "real.json")   # even to a good result
    assert protocol.read_result(tmp_path / "link2.json").status is Status.UNREADABLE
    assert protocol.read_result(tmp_path / "real.json").returned == 1.0


# -- scoring decisions of the grader ----------------------------------------------------------
def test_an_exercise_without_results_scores_0_with_the_reason():
    exercise = get("sigmoid")
    entry = grade_exercise(exercise, exercise.grading_cases(0), runner.ExerciseRun(), False,
                           kernel_problem="the kernel stopped")
    assert entry["score"] == 0 and "the kernel stopped" in entry["feedback"]


def right_outcome(exercise, case):
    """The outcome of a kernel whose function returned the right values for ``case`` (and
    left its arguments as they were sent)."""
    expected = exercise.expected(case)
    return Outcome(Status.OK, returned=expected["value"] if exercise.parts == ("value",)
                   else tuple(expected[p] for p in exercise.parts),
                   arguments_after=tuple(exercise.arguments(case)))


def test_a_reference_call_scores_0_even_with_right_answers():
    exercise = get("sigmoid")
    cases = exercise.grading_cases(0)
    run = runner.ExerciseRun([right_outcome(exercise, case) for case in cases], case_seconds=5.0)
    honest = grade_exercise(exercise, cases, run, False)
    assert honest["score"] == exercise.points and honest["status"] == "passed"
    flagged = grade_exercise(exercise, cases, run, True)
    assert flagged["score"] == 0 and "course.logistic.sigmoid" in flagged["feedback"]
    run.outcomes[-1] = Outcome(Status.REFERENCE, "ReferenceWithheld: ...")   # at run time
    caught = grade_exercise(exercise, cases, run, False)
    assert caught["score"] == 0 and caught["status"] == Verdict.REFERENCE.value


def test_a_case_that_did_not_finish_scores_the_exercise_0_and_names_the_limit():
    exercise = get("compute_gradient")
    cases = exercise.grading_cases(0)
    right = right_outcome(exercise, cases[0])
    run = runner.ExerciseRun([right, Outcome(Status.TIMEOUT)], case_seconds=7.5)
    entry = grade_exercise(exercise, cases, run, False)
    assert (entry["score"], entry["status"], entry["case_seconds"]) == (0, "timeout", 7.5)
    assert "did not finish a test within its time limit of 7.5 s" in entry["feedback"]


def test_the_per_case_limit_has_a_floor_and_grows_with_the_reference():
    quick, slow = limits.Limits(case_seconds=4), limits.Limits(case_seconds=0.5)
    assert limits.case_limit(quick, 0.001) == 4
    assert limits.case_limit(slow, 0.02) == pytest.approx(0.02 * limits.REFERENCE_FACTOR)


# -- limits ---------------------------------------------------------------------------------------
def test_watchdog_kills_a_process_that_uses_too_much_memory():
    child = subprocess.Popen([sys.executable, "-c",
                              "import time\nblocks = []\nwhile True:\n"
                              "    blocks.append(bytearray(50 * 2**20))\n    time.sleep(0.01)"])
    watchdog = limits.Watchdog(child.pid, memory_mb=300, total_seconds=60)
    watchdog.start()
    assert child.wait(timeout=60) != 0
    watchdog.join(5)
    assert "memory limit of 300 MB" in watchdog.reason


def test_watchdog_kills_a_process_that_runs_too_long():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    watchdog = limits.Watchdog(child.pid, memory_mb=4096, total_seconds=1)
    watchdog.start()
    child.wait(timeout=30)
    assert time.monotonic() - started < 30
    watchdog.join(5)
    assert "total time limit of 1 s" in watchdog.reason


def test_rlimit_data_turns_a_huge_allocation_into_memory_error():
    child = subprocess.Popen([sys.executable, "-c",
                              "import time, numpy as np\ntime.sleep(1)\n"
                              "try:\n    np.ones(2 * 10**8)\nexcept MemoryError:\n"
                              "    raise SystemExit(7)"])
    limits.limit_data_segment(child.pid, 512)
    assert child.wait(timeout=60) == 7


# -- reports ---------------------------------------------------------------------------------------
def sample_report(name="ada.ipynb", lesson="01_logistic_regression_numpy", error=None):
    exercises = [] if error else [
        {"id": "sigmoid", "score": 2.0, "max_score": 2.0, "status": "passed", "feedback": "ok"},
        {"id": "compute_cost", "score": 0.5, "max_score": 3.0, "status": "failed",
         "feedback": "compute_cost: 0.5 of 3 points."}]
    return {"submission": name, "lesson": None if error else lesson, "error": error,
            "score": sum(e["score"] for e in exercises), "max_score": 0.0 if error else 5.0,
            "exercises": exercises, "seconds": 1.0, "notebook_errors": ["code cell 3: X"],
            "kernel_problem": None}


def test_gradescope_results_for_an_unreadable_file_still_have_a_test():
    results = reports.gradescope_results(sample_report(error="Not graded: empty."))
    assert results["score"] == 0 and results["tests"][0]["output"] == "Not graded: empty."
    good = reports.gradescope_results(sample_report())
    assert [t["status"] for t in good["tests"]] == ["passed", "failed"]
    assert "code cell 3: X" in good["output"]


def test_summary_table_lists_every_submission():
    table = reports.summary_table([sample_report(), sample_report("eve.ipynb", error="empty")])
    assert "ada.ipynb" in table and "2.5/5" in table and "eve.ipynb" in table and "empty" in table


# -- the command line ------------------------------------------------------------------------------
def test_usage_errors_exit_with_2(tmp_path, capsys):
    assert course_main(["grade", str(tmp_path / "missing.ipynb"), "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "empty_folder").mkdir()
    assert course_main(["grade", str(tmp_path / "empty_folder"), "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as stopped:
        course_main(["grade", str(tmp_path), "--out", str(tmp_path), "--jobs", "0"])
    assert stopped.value.code == 2
    assert course_main(["gradescope-bundle", "99_no_such_lesson", "--out",
                        str(tmp_path / "a.zip")]) == 2


def test_an_unreadable_submission_is_graded_0_and_the_exit_status_is_0(tmp_path, capsys):
    (tmp_path / "empty.ipynb").write_text("")
    out = tmp_path / "out"
    assert course_main(["grade", str(tmp_path / "empty.ipynb"), "--out", str(out),
                        "--format", "gradescope"]) == 0
    report = json.loads((out / "empty.json").read_text())
    assert report["score"] == 0 and "empty" in report["error"]
    assert json.loads((out / "results.json").read_text())["score"] == 0
    assert "[1/1] empty.ipynb" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["grade", "gradescope-bundle"])
def test_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit):
        course_main([command, "--help"])
    assert "Example:" in capsys.readouterr().out


# -- the runner on small notebooks -----------------------------------------------------------------
def test_runner_keeps_going_after_errors_and_limits_output():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("raise ValueError('first cell fails')"),
        nbformat.v4.new_code_cell("for _ in range(40):\n    print('x' * 2**20)"),
        nbformat.v4.new_code_cell("import sys\nsys.exit(1)"),
        nbformat.v4.new_code_cell("import numpy as np\n"
                                  "def sigmoid(z):\n    return np.exp(-np.logaddexp(0.0, -np.asarray(z, float)))")])
    cases = get("sigmoid").grading_cases(0)
    run = runner.run_submission(notebook, [("sigmoid", cases, 5.0)],
                                runner.Limits(cell_seconds=60, total_seconds=300))
    assert run.kernel_problem is None
    assert run.cell_errors[0] == "code cell 1: ValueError: first cell fails"
    assert run.cell_errors[1].startswith("code cell 3: SystemExit")
    assert [o.status for o in run.exercises["sigmoid"].outcomes] == [Status.OK] * len(cases)
    assert "printed more than 16 MB" in run.cell_errors[-1]
    assert notebook.cells[1].outputs == []   # a private copy ran; the caller's is untouched


def test_runner_refuses_results_beside_a_thread_the_notebook_left_running():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import threading, time\n"
        "def sigmoid(z):\n    return 0.5\n"
        "threading.Thread(target=time.sleep, args=(60,), name='helper', daemon=True).start()")])
    run = runner.run_submission(notebook, [("sigmoid", get("sigmoid").grading_cases(0), 5.0)])
    assert [o.status for o in run.exercises["sigmoid"].outcomes] == [Status.BACKGROUND]
    assert "helper" in run.exercises["sigmoid"].outcomes[0].message
    assert run.interference_possible and run.cell_errors == []


#: A figure shown as the lessons show theirs, counting the times it is drawn.
SHOWS_A_FIGURE = ["%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                  "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\ndraws, draw = [], fig.draw\n"
                  "fig.draw = lambda renderer: (draws.append(1), draw(renderer))[1]\nplt.show()",
                  "raise RuntimeError(f'drawn {len(draws)} times')"]


@pytest.mark.parametrize("arguments, drawn", [(runner.KERNEL_ARGUMENTS, False), ([], True)],
                         ids=["grading", "control-default-kernel"])
def test_a_grading_kernel_draws_no_figure(monkeypatch, arguments, drawn):
    """Nobody sees a grading kernel's output, so the figures a notebook shows are never
    drawn there. The control: a kernel with Jupyter's default arguments draws it."""
    monkeypatch.setattr(runner, "KERNEL_ARGUMENTS", arguments)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in SHOWS_A_FIGURE])
    run = runner.run_submission(notebook, [], runner.Limits(cell_seconds=60, total_seconds=300))
    assert run.kernel_problem is None
    [report] = run.cell_errors
    times = re.fullmatch(r"code cell 2: RuntimeError: drawn (\d+) times", report)
    assert times and (int(times[1]) > 0) == drawn, report


# Lesson 3's exercises mirror course.nn: a learner who hands the work to it earns nothing.
USES_COURSE_NN = {
    "dense_forward": (
        "from course.layers import Dense\n"
        "def dense_forward(a_in, W, b, activation):\n"
        "    layer = Dense(W.shape[1], activation=activation)\n"
        "    layer.W, layer.b = W, b\n"
        "    return layer.forward(a_in)[1]\n"),
    "network_forward": (
        "from course import nn\n"
        "def network_forward(X, weights):\n"
        "    model = nn.Sequential([nn.Input(shape=(X.shape[1],))]\n"
        "                          + [nn.Dense(b.size, 'sigmoid') for b in weights[1::2]])\n"
        "    model.set_weights(weights)\n"
        "    return model.predict(X)\n"),
    "backprop": (
        "from course import nn\n"
        "def backprop(X, Y, weights):\n"
        "    model = nn.Sequential([nn.Input(shape=(X.shape[1],))]\n"
        "                          + [nn.Dense(b.size, 'sigmoid') for b in weights[1::2]])\n"
        "    model.set_weights(weights)\n"
        "    model.compile(loss='binary_crossentropy')\n"
        "    grads = model.backward(model.forward(X), Y)\n"
        "    return [g for pair in zip(grads['dW'], grads['db']) for g in pair]\n"),
}


def outcomes_in_the_course_tree(tmp_path, lesson, source, exercise_id):
    """Like :func:`kernel_outcomes`, in a Python process that imports ``course`` from the
    lesson's grading tree (as a grading kernel does); returns (ExerciseRun, cases)."""
    exercise = get(exercise_id)
    cases = exercise.grading_cases(0)
    protocol.write_request(tmp_path / "in.json", [exercise.arguments(c) for c in cases],
                           exercise.build_inputs)
    program = (f"import course\nassert course.__file__.startswith({str(tmp_path)!r}), "
               f"course.__file__\nfrom course import _kernel_call\nnamespace = {{}}\n"
               f"exec({source!r}, namespace)\ncaller = _kernel_call.Caller(namespace)\n"
               f"for i in range({len(cases)}):\n"
               f"    caller({exercise_id!r}, 'in.json', i, f'r{{i}}.json')\n")
    tree = course_tree.lay_out(lesson, parent=tmp_path)
    try:
        subprocess.run([sys.executable, "-c", program], cwd=tmp_path, check=True,
                       env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, timeout=120)
    finally:
        course_tree.remove(tree)
    run = runner.ExerciseRun([protocol.read_result(tmp_path / f"r{i}.json")
                              for i in range(len(cases))], case_seconds=5.0)
    return run, cases


@pytest.mark.parametrize("exercise_id", sorted(USES_COURSE_NN))
def test_lesson_3_answers_that_hand_the_work_to_course_nn_fail_in_the_tree(tmp_path,
                                                                           exercise_id):
    namespace = {}
    exec(USES_COURSE_NN[exercise_id], namespace)               # control: right answers here
    exercise = get(exercise_id)
    case = exercise.grading_cases(0)[0]
    assert exercise.evaluate(case, exercise.run_case(namespace[exercise_id], case)).passed
    run, cases = outcomes_in_the_course_tree(tmp_path, "03_backpropagation",
                                             USES_COURSE_NN[exercise_id], exercise_id)
    assert [o.status for o in run.outcomes] == [Status.REFERENCE] * len(cases)
    entry = grade_exercise(exercise, cases, run, static_reference=False)
    assert entry["score"] == 0 and entry["status"] == "reference"


def test_the_course_tree_has_no_answer_keys_and_its_checks_are_silent(tmp_path):
    tree = course_tree.lay_out("01_logistic_regression_numpy", parent=tmp_path)
    try:
        assert not (tree / "course" / "exercises").exists()
        assert not (tree / "course" / "grading").exists()
        program = ("from course import check, data, plots\n"
                   "import course.widgets\n"
                   "assert check.exercise('sigmoid', print) is None\n"
                   "from course import logistic\nimport numpy as np\n"
                   "from course import losses\n"
                   "assert losses.mean_squared_error(np.ones(2), np.zeros(2)) == 1\n"
                   "try:\n    logistic.sigmoid(0.0)\nexcept Exception as e:\n"
                   "    print(type(e).__name__, e)\n")
        done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, text=True,
                              capture_output=True, timeout=120, env={
                                  "PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin",
                                  "MPLBACKEND": "Agg"})
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ReferenceWithheld course.logistic.sigmoid is not "
                                      "available while this lesson is graded")
        assert (tree / "course" / "logistic.py").stat().st_mode & 0o222 == 0   # read-only
    finally:
        course_tree.remove(tree)


def imports_in_the_tree(tree: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Import three modules from ``tree`` as a grading kernel does (no byte-code written),
    with ``python -v``, which says where each module's code object came from."""
    program = ("from course import check, data, logistic\n"
               "assert check.exercise('sigmoid', print) is None\n"
               "try:\n    logistic.sigmoid(0.0)\nexcept Exception as e:\n"
               "    print(type(e).__name__)\n")
    return subprocess.run([sys.executable, "-v", "-c", program], cwd=cwd, text=True,
                          capture_output=True, timeout=120, env={
                              "PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin",
                              "PYTHONDONTWRITEBYTECODE": "1"})


def assert_imports_byte_code_of_the_tree(tree: Path, cwd: Path) -> None:
    """The three modules of :func:`imports_in_the_tree` come from the tree's byte-code, and
    the stubs act."""
    done = imports_in_the_tree(tree, cwd)
    assert done.returncode == 0 and done.stdout == "ReferenceWithheld\n", done.stderr[-3000:]
    for module in ("check", "data", "logistic"):
        compiled = importlib.util.cache_from_source(str(tree / "course" / f"{module}.py"))
        assert f"code object from '{compiled}'" in done.stderr, module


def test_a_kernel_loads_the_course_tree_from_byte_code_of_the_trees_own_sources(tmp_path):
    """A module copied unchanged (data) comes with the installed byte-code, and the rewritten
    ones (check, logistic) with byte-code of their stubs: the stubs still act. The control:
    without the tree's ``__pycache__`` every module is compiled from its source."""
    tree = course_tree.lay_out("01_logistic_regression_numpy", parent=tmp_path)
    cache = tree / "course" / "__pycache__"
    try:
        assert_imports_byte_code_of_the_tree(tree, tmp_path)
        shutil.rmtree(cache)
        control = imports_in_the_tree(tree, tmp_path)
        assert control.returncode == 0 and control.stdout == "ReferenceWithheld\n"
        for module in ("check", "data", "logistic"):
            assert f"code object from {tree / 'course' / module}.py\n" in control.stderr, module
    finally:
        course_tree.remove(tree)


def test_a_tree_has_current_byte_code_even_where_the_installed_package_has_none(
        tmp_path, monkeypatch):
    """An editable install used with ``PYTHONDONTWRITEBYTECODE`` has no byte-code, or stale
    byte-code for a source edited since: the tree compiles those modules itself, so no kernel
    compiles them again. The installed package here is a copy with no byte-code but one stale
    file (data's, whose source then changed)."""
    installed = shutil.copytree(sandbox.course_package(), tmp_path / "installed" / "course",
                                ignore=shutil.ignore_patterns("__pycache__"))
    data = installed / "data.py"
    stale = Path(py_compile.compile(str(data), doraise=True))
    data.write_text(data.read_text(encoding="utf-8") + "# edited since\n", encoding="utf-8")
    monkeypatch.setattr(sandbox, "course_package", lambda: installed)
    tree = course_tree.lay_out("01_logistic_regression_numpy", parent=tmp_path)
    try:
        sources = sorted((tree / "course").rglob("*.py"))
        assert sources and all(course_tree._is_current(
            Path(importlib.util.cache_from_source(str(s))), s) for s in sources)
        assert not course_tree._is_current(stale, data)          # the stale one: the control
        assert_imports_byte_code_of_the_tree(tree, tmp_path)
    finally:
        course_tree.remove(tree)


TRAINING_EXERCISES = ("keras_fit", "train_minibatch")


def forbidden_names() -> list[list[str]]:
    return [[f.__qualname__ for f in forbidden_objects(get(name))] for name in TRAINING_EXERCISES]


def forbidden_names_and_tensorflow() -> tuple[list, bool]:
    """In a worker process: the names of what it holds to be forbidden in lesson 05's
    training exercises, then whether it has imported TensorFlow."""
    return forbidden_names(), "tensorflow" in sys.modules


def test_a_grading_worker_takes_the_forbidden_objects_from_the_run_and_imports_no_tensorflow():
    """Finding what lesson 05's exercises forbid builds Keras optimizers (TensorFlow, seconds
    of import): ``course grade`` does it once and its workers start knowing the answer. The
    control: a worker started without it walks again, and imports TensorFlow to do so.
    What every exercise forbids crosses to a worker intact (functions travel by name)."""
    expected = forbidden_names()
    assert expected == [[], ["Sequential.fit"]]
    everything = {e.id: forbidden_objects(e) for e in all_exercises()}
    assert pickle.loads(pickle.dumps(everything)) == everything
    with cli.worker_pool(1, {"05_keras_model_fit": None}) as pool:   # only the lesson is read
        assert pool.submit(forbidden_names_and_tensorflow).result(timeout=120) == (expected, False)
    with cli.worker_pool(1, {}) as pool:                                        # the control
        assert pool.submit(forbidden_names_and_tensorflow).result(timeout=120) == (expected, True)


KILLS_ITS_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_notebook_that_kills_the_grading_process_harms_nobody_else(tmp_path, jobs):
    """The kernel's parent is a throwaway worker: killing it costs only the attacker.

    Run without a sandbox: inside one, the kernel cannot see its parent at all
    (tests/test_sandbox.py); this is the isolation left when no sandbox can be made.
    """
    correct = nbformat.read(CORPUS / "self_contained.ipynb", as_version=4)
    hostile = nbformat.read(CORPUS / "self_contained.ipynb", as_version=4)
    hostile.cells.insert(0, nbformat.v4.new_code_cell(KILLS_ITS_PARENT))
    paths = []
    for name, notebook in (("ada", correct), ("eve", hostile), ("bob", correct)):
        paths.append(tmp_path / f"{name}.ipynb")
        nbformat.write(notebook, paths[-1])
    out = tmp_path / "grades"
    reports_ = cli.grade_all(paths, out, runner.Limits(cell_seconds=60, total_seconds=300),
                             jobs=jobs, echo=lambda line: None, confinement=sandbox.NONE)
    by_name = {r["submission"]: r for r in reports_}
    for classmate in ("ada.ipynb", "bob.ipynb"):   # graded for real, exercise by exercise
        report = by_name[classmate]
        assert report["error"] is None and report["lesson"] == "01_logistic_regression_numpy"
        assert [e["status"] for e in report["exercises"]] != [] and report["score"] > 0
        assert {e["status"] for e in report["exercises"]} <= {"passed", "failed"}
    assert by_name["eve.ipynb"]["score"] == 0
    assert "grading process was stopped twice" in by_name["eve.ipynb"]["error"]
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["submission"] for row in rows] == ["ada.ipynb", "bob.ipynb", "eve.ipynb"]


# -- the sandbox's course_tree parameter (course/grading/sandbox.py) --------------------------------
def test_bubblewrap_mounts_the_course_tree_where_the_package_is_and_not_the_package(tmp_path):
    def binds(argv):
        return [(argv[i + 1], argv[i + 2]) for i, word in enumerate(argv) if word == "--ro-bind"]

    tree, package = tmp_path / "tree", str(sandbox.course_package())
    confined = binds(sandbox.bwrap_argv(["python"], tmp_path, course_tree=tree))
    assert (str(tree / "course"), package) in confined
    assert all(source != package for source, _ in confined)
    assert (package, package) in binds(sandbox.bwrap_argv(["python"], tmp_path))   # control


def test_landlock_grants_the_course_tree_and_not_the_package(tmp_path):
    """With a course tree the installed package is hidden (a prefix holding it is granted
    entry by entry) and the tree is readable; without one the package is readable (control)."""
    tree, package = tmp_path / "tree", sandbox.course_package()
    (tree / "course").mkdir(parents=True)
    abi = max(sandbox.landlock_abi(), 1)
    granted = [Path(path) for path, _ in sandbox.landlock_rules(tmp_path, (), abi, tree)]
    assert tree.resolve() in granted
    assert not any(path == package or path.is_relative_to(package) for path in granted)
    control = [Path(path) for path, _ in sandbox.landlock_rules(tmp_path, (), abi)]
    assert any(package == path or package.is_relative_to(path) for path in control)


def test_a_run_lays_out_course_trees_only_for_the_lessons_handed_in(tmp_path, monkeypatch):
    """Lesson 05's tree imports Keras (seconds): a class that handed in lesson 01, and a
    file that is no notebook, gets lesson 01's tree only."""
    import contextlib

    laid_out = []

    @contextlib.contextmanager
    def trees(lessons):
        laid_out.extend(lessons)
        yield {}

    def graded_in_pool(indices, paths, run_limits, jobs, on_report, confinement, made):
        for index in indices:
            on_report(index, cli._not_graded(paths[index], "not run in this test"))

    monkeypatch.setattr(course_tree, "trees", trees)
    monkeypatch.setattr(cli, "_graded_in_pool", graded_in_pool)
    for name in ("correct.ipynb", "mistake_sigmoid_sign.ipynb", "not_a_notebook.ipynb"):
        (tmp_path / name).write_bytes((CORPUS / name).read_bytes())
    cli.grade_all(sorted(tmp_path.glob("*.ipynb")), tmp_path / "out", limits.Limits(),
                  confinement=sandbox.NONE, echo=lambda line: None)
    assert laid_out == ["01_logistic_regression_numpy"]


#: Calls whose text argument a student reads (a submission's error, a kernel problem).
STUDENT_SENTENCE_SINKS = {"SubmissionError", "StaticCheckLimit", "kill", "_not_graded",
                          "not_graded_report"}


def test_every_sentence_a_student_reads_is_worded_in_feedback():
    """The grading modules hand a student-facing sentence only as a call into
    ``course/exercises/_feedback.py`` or a value passed along, never as a literal of their
    own (issue 15, item 6). The control: the rule catches a literal."""
    import ast

    def words(node) -> bool:      # a literal with a space in its own text: a sentence
        parts = node.values if isinstance(node, ast.JoinedStr) else [node]
        return any(isinstance(part, ast.Constant) and isinstance(part.value, str)
                   and " " in part.value for part in parts)

    def literals(source: str) -> list[str]:
        found = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in STUDENT_SENTENCE_SINKS and any(map(words, node.args)):
                    found.append(f"line {node.lineno}: {name}")
        return found

    assert literals('raise SubmissionError("the file is empty.")'), "the control"
    assert not literals('raise SubmissionError(f"{error}.")')      # a sentence passed along
    grading = Path(cli.__file__).parent
    offenders = {path.name: literals(path.read_text(encoding="utf-8"))
                 for path in sorted(grading.glob("*.py"))}
    assert not {name: lines for name, lines in offenders.items() if lines}


STARTUP_PROBE = """\
import sys
{imports}
from course.grading.submission import SubmissionError, read_submission
try:
    read_submission(sys.argv[1])
except SubmissionError as error:
    print("refused:", error)
print("imported:", sys.modules.get("rfc3987_syntax") is not None)
"""


def test_a_grading_process_skips_jsonschemas_slow_iri_checker_and_still_validates(tmp_path):
    """Every grading process starts 1.8 s sooner without rfc3987_syntax (see
    course/grading/__init__.py), and a notebook that breaks the schema is still refused.
    The control: nbformat imported first pulls the checker in, where it is installed."""
    import importlib.util

    damaged = json.loads((CORPUS / "correct.ipynb").read_text(encoding="utf-8"))
    damaged["cells"][0]["cell_type"] = "spreadsheet"
    path = tmp_path / "damaged.ipynb"
    path.write_text(json.dumps(damaged), encoding="utf-8")

    def probe(imports: str) -> str:
        return subprocess.run([sys.executable, "-c", STARTUP_PROBE.format(imports=imports),
                               str(path)], capture_output=True, text=True, check=True).stdout

    output = probe("")
    assert "refused: the notebook is damaged" in output
    assert "imported: False" in output
    if importlib.util.find_spec("rfc3987_syntax") is not None:
        assert "imported: True" in probe("import nbformat")
