"""Unit tests of course.grading's pieces: reading, lesson detection, static checks, harness,
result loading, limits, reports and the command line. The whole pipeline against hostile
submissions is tested in test_grading_corpus.py."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course.cli import main as course_main
from course.grading import (cli, harness, limits, protocol, reports, runner, sandbox,
                            static_checks)
from course.grading.grader import grade_exercise
from course.grading.protocol import Outcome, Status
from course.grading.submission import SubmissionError, identify_lesson, read_submission
from course.exercises import get

KEY = "0123456789abcdef" * 4
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


# -- the harness (run here on trusted test code) --------------------------------------------------
def test_cases_survive_the_npz_round_trip_without_pickle(tmp_path):
    cases = [{"X": np.arange(6.0).reshape(2, 3), "b": -1.5, "n": 3, "g": "relu", "ok": True}]
    protocol.write_cases(tmp_path / "c.npz", cases)
    back = protocol.KernelSide().read_cases(str(tmp_path / "c.npz"))[0]
    assert list(back) == ["X", "b", "n", "g", "ok"]
    assert back["b"] == -1.5 and back["n"] == 3 and back["g"] == "relu" and back["ok"] is True
    assert type(back["b"]) is float and type(back["n"]) is int
    np.testing.assert_array_equal(back["X"], cases[0]["X"])


def test_a_case_argument_that_is_not_plain_data_is_refused():
    with pytest.raises(TypeError, match="got list"):
        protocol.encode_cases([{"weights": [np.ones(2)]}])


def grade_cases(tmp_path, grade, exercise_id, n_cases, name="out"):
    """Call the harness ``grade`` on every case of ``in.npz``; the outcomes read back."""
    outcomes = []
    for index in range(n_cases):
        stem = tmp_path / f"{name}-{index}"
        grade(exercise_id, str(tmp_path / "in.npz"), index, str(stem), KEY)
        outcomes.append(protocol.read_result(stem, KEY))
    return outcomes


def run_harness(tmp_path, namespace, exercise_id="sigmoid", cases=None):
    cases = cases if cases is not None else get(exercise_id).grading_cases(0)
    protocol.write_cases(tmp_path / "in.npz", cases)
    outcomes = grade_cases(tmp_path, harness.Harness(namespace), exercise_id, len(cases))
    return runner.ExerciseRun(outcomes, case_seconds=5.0), cases


def test_harness_reports_a_status_per_case(tmp_path):
    namespace = {"sigmoid": lambda z: np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))}
    run, cases = run_harness(tmp_path, namespace)
    assert [o.status for o in run.outcomes] == [Status.OK] * len(cases)
    assert set(run.outcomes[0].outputs) == {"value"}
    assert not any(o.called_reference for o in run.outcomes)


@pytest.mark.parametrize("body, status, phrase", [
    ("raise NotImplementedError()", Status.NOT_IMPLEMENTED, "NotImplementedError"),
    ("raise SystemExit(3)", Status.ERROR, "SystemExit: 3"),
    ("return 'a string'", Status.ERROR, "returned a str"),
    ("raise KeyboardInterrupt", Status.TIMEOUT, ""),
])
def test_harness_turns_every_failure_into_text(tmp_path, body, status, phrase):
    namespace = {}
    exec(f"def sigmoid(z):\n    {body}\n", namespace)
    run, _ = run_harness(tmp_path, namespace)
    assert {o.status for o in run.outcomes} == {status}
    assert phrase in run.outcomes[0].message


def test_harness_notices_a_call_into_the_reference_however_it_is_reached(tmp_path):
    namespace = {}
    exec("import importlib\n"
         "def sigmoid(z):\n"
         "    module = importlib.import_module('course.' + 'logistic')\n"
         "    return getattr(module, 'sig' + 'moid')(z)\n", namespace)
    run, _ = run_harness(tmp_path, namespace)
    assert all(o.called_reference for o in run.outcomes)


def test_harness_notices_a_function_that_removes_its_watcher(tmp_path):
    namespace = {}
    exec("import sys\ndef sigmoid(z):\n    sys.setprofile(None)\n    return z\n", namespace)
    run, _ = run_harness(tmp_path, namespace)
    assert all(o.tampered for o in run.outcomes)


def test_harness_notices_a_patched_registry_that_computes_the_answer(tmp_path, monkeypatch):
    exercise = get("sigmoid")
    cases = exercise.grading_cases(0)
    protocol.write_cases(tmp_path / "in.npz", cases)
    grade = harness.Harness({"sigmoid": lambda z: 0.0})
    # "student" code, run after the preamble: answer with the answer key instead of the function
    monkeypatch.setattr(exercise, "call", lambda function, args: exercise.expected(args)["value"])
    flagged = grade_cases(tmp_path, grade, "sigmoid", len(cases), "a")
    assert all(o.called_reference and o.tampered for o in flagged)
    # patching the class's run_case is useless: the harness captured the original
    monkeypatch.undo()
    monkeypatch.setattr(type(exercise), "run_case", lambda *args: 1 / 0)
    assert {o.status for o in grade_cases(tmp_path, grade, "sigmoid", len(cases), "b")} \
        == {Status.OK}


def test_harness_reports_a_missing_function(tmp_path):
    run, cases = run_harness(tmp_path, {})
    assert [o.status for o in run.outcomes] == [Status.MISSING] * len(cases)


def test_harness_refuses_to_grade_beside_a_thread_the_notebook_left_running(tmp_path):
    stop = threading.Event()
    grade = harness.Harness({"sigmoid": lambda z: z})
    worker = threading.Thread(target=stop.wait, name="student-helper")
    worker.start()
    try:
        protocol.write_cases(tmp_path / "in.npz", get("sigmoid").grading_cases(0))
        outcome = grade_cases(tmp_path, grade, "sigmoid", 1)[0]
    finally:
        stop.set()
        worker.join()
    assert outcome.status is Status.BACKGROUND and "student-helper" in outcome.message


def test_harness_uses_the_numpy_it_captured_before_student_code(tmp_path, monkeypatch):
    namespace = {"sigmoid": lambda z: np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))}
    cases = get("sigmoid").grading_cases(0)
    protocol.write_cases(tmp_path / "in.npz", cases)
    grade = harness.Harness(namespace)
    monkeypatch.setattr(np, "savez", lambda *args, **kwargs: None)       # "student" code
    monkeypatch.setattr(np, "load", lambda *args, **kwargs: 1 / 0)
    grade("sigmoid", str(tmp_path / "in.npz"), 0, str(tmp_path / "out"), KEY)
    monkeypatch.undo()
    assert protocol.read_result(tmp_path / "out", KEY).status is Status.OK


# -- reading results back: forged files are refused -----------------------------------------------
def write_result(stem: Path, outputs: dict, status=Status.OK, key: str = KEY, **facts) -> None:
    """Write a result the way the harness does, signed with ``key``."""
    protocol.KernelSide().write_result(str(stem), key, status, outputs, **facts)


def test_results_with_pickled_objects_are_refused(tmp_path):
    write_result(tmp_path / "r", {"value": np.array([object()], dtype=object)})
    assert protocol.read_result(tmp_path / "r", KEY).status is Status.UNREADABLE


@pytest.mark.parametrize("outputs, facts", [
    ({"value": np.zeros(1, dtype=np.int64)}, {}),                 # not float64 or text
    ({"value": np.zeros(1)}, {"seconds": "soon"}),                # a fact of the wrong type
])
def test_results_that_are_not_plain_data_are_refused(tmp_path, outputs, facts):
    write_result(tmp_path / "r", outputs, **facts)
    assert protocol.read_result(tmp_path / "r", KEY).status is Status.UNREADABLE


def test_a_status_the_protocol_does_not_know_is_refused(tmp_path):
    write_result(tmp_path / "r", {"value": np.zeros(1)})
    envelope = json.loads((tmp_path / "r.json").read_text())
    text = envelope["result"].replace('"ok"', '"perfect"')
    archive = (tmp_path / "r.npz").read_bytes()
    (tmp_path / "r.json").write_text(json.dumps({"result": text, "signature":
                                                 protocol.sign(KEY, archive, text)}))
    assert protocol.read_result(tmp_path / "r", KEY).status is Status.UNREADABLE


def test_results_not_signed_with_this_runs_key_are_refused(tmp_path):
    write_result(tmp_path / "good", {"value": np.ones(1)})
    assert protocol.read_result(tmp_path / "good", KEY).outputs["value"] == 1.0
    write_result(tmp_path / "forged", {"value": np.ones(1)}, key="guess")
    assert protocol.read_result(tmp_path / "forged", KEY).status is Status.FORGED
    # rewriting the arrays of a genuine result breaks its signature too
    write_result(tmp_path / "later", {"value": np.ones(1)})
    np.savez(tmp_path / "later.npz", value=np.zeros(1))
    assert protocol.read_result(tmp_path / "later", KEY).status is Status.FORGED
    (tmp_path / "later.json").write_text("[{\"status\": \"ok\"}]")   # the corpus' racer
    assert protocol.read_result(tmp_path / "later", KEY).status is Status.FORGED


def test_oversized_results_are_refused_unread(tmp_path):
    write_result(tmp_path / "r", {"value": np.ones(1)})
    with (tmp_path / "r.npz").open("ab") as handle:
        handle.truncate(protocol.MAX_RESULT_BYTES + 1)
    assert protocol.read_result(tmp_path / "r", KEY).status is Status.TOO_LARGE


def test_no_result_file_means_no_result(tmp_path):
    assert protocol.read_result(tmp_path / "nothing", KEY).status is Status.NO_RESULT


# -- scoring decisions of the grader ----------------------------------------------------------
def test_an_exercise_without_results_scores_0_with_the_reason():
    exercise = get("sigmoid")
    entry = grade_exercise(exercise, exercise.grading_cases(0), runner.ExerciseRun(), False,
                           kernel_problem="the kernel stopped")
    assert entry["score"] == 0 and "the kernel stopped" in entry["feedback"]


def test_a_reference_call_scores_0_even_with_right_answers():
    exercise = get("sigmoid")
    cases = exercise.grading_cases(0)
    run = runner.ExerciseRun([Outcome(Status.OK, outputs=exercise.expected(case))
                              for case in cases], case_seconds=5.0)
    honest = grade_exercise(exercise, cases, run, False)
    assert honest["score"] == exercise.points and honest["status"] == "passed"
    flagged = grade_exercise(exercise, cases, run, True)
    assert flagged["score"] == 0 and "course.logistic.sigmoid" in flagged["feedback"]


def test_a_case_that_did_not_finish_scores_the_exercise_0_and_names_the_limit():
    exercise = get("compute_gradient")
    cases = exercise.grading_cases(0)
    right = Outcome(Status.OK, outputs=exercise.expected(cases[0]))
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


@pytest.mark.parametrize("exercise_id", sorted(USES_COURSE_NN))
def test_harness_notices_lesson_3_answers_that_hand_the_work_to_course_nn(tmp_path,
                                                                          exercise_id):
    namespace = {}
    exec(USES_COURSE_NN[exercise_id], namespace)
    run, cases = run_harness(tmp_path, namespace, exercise_id)
    assert [o.status for o in run.outcomes] == [Status.OK] * len(cases)   # right answers...
    assert all(o.called_reference for o in run.outcomes)                 # ...but not earned
    entry = grade_exercise(get(exercise_id), cases, run, static_reference=False)
    assert entry["score"] == 0 and entry["status"] == "reference"
    assert "course.nn.Sequential" in entry["feedback"] or "course.layers.Dense" in entry["feedback"]


KILLS_ITS_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_notebook_that_kills_the_grading_process_harms_nobody_else(tmp_path, jobs):
    """The kernel's parent is a throwaway worker: killing it costs only the attacker.

    Run without a sandbox: inside one, the kernel cannot see its parent at all
    (tests/test_sandbox.py); this is the isolation left when no sandbox can be made.
    """
    correct = nbformat.read(CORPUS / "correct.ipynb", as_version=4)
    hostile = nbformat.read(CORPUS / "correct.ipynb", as_version=4)
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
    assert "stopped the grading process" in by_name["eve.ipynb"]["error"]
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["submission"] for row in rows] == ["ada.ipynb", "bob.ipynb", "eve.ipynb"]
