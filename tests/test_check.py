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
    assert text.endswith("Looks like a missing 1/m. Hint: your cost grows with the number of "
                         "examples: J is their average loss, not their total.")


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
    def compute_cost(X, y, w, b):
        np.exp(np.array([1000.0]))                  # an overflow that changes nothing
        f = answers.sigmoid(X @ w + b)
        return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))

    text = check.report("compute_cost", compute_cost)
    assert text.startswith("✅ compute_cost: all 4 checks passed.")
    assert "Note: NumPy warned (overflow encountered in exp)" in text


def test_an_overflowing_sigmoid_fails_with_the_overflow_hint():
    """The lesson asks for a sigmoid without overflow: the slide's one-liner, right in value,
    fails on the case with z = -1000, in the check and in grading."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))

    text = check.report("sigmoid", sigmoid)
    assert text.startswith("❌ sigmoid: 1 of 5 checks failed.")
    assert "NumPy warned: RuntimeWarning: overflow encountered in exp" in text
    assert "Looks like an overflow in np.exp. Hint: np.exp(1000) is infinity" in text


def test_a_changed_input_is_named_in_the_check():
    def gradient_descent(X, y, w_in, b_in, alpha, num_iters):
        w, b = w_in, float(b_in)                    # no copy: w -= ... changes w_in
        costs = [answers.compute_cost(X, y, w, b)]
        for _ in range(num_iters):
            dj_dw, dj_db = answers.compute_gradient(X, y, w, b)
            w -= alpha * dj_dw
            b -= alpha * dj_db
            costs.append(answers.compute_cost(X, y, w, b))
        return w, b, costs

    text = check.report("gradient_descent", gradient_descent)
    assert text.startswith("❌ gradient_descent: 3 of 3 checks failed.")
    assert "changed its argument `w_in` in place" in text
    assert "Looks like a change to its input in place." in text


def test_a_check_survives_numpy_set_to_raise():
    """The answer key computes under its own error state, and the learner's function is judged
    as in a fresh session: np.seterr(over="raise") changes neither verdict."""
    def sigmoid(z):
        z = np.asarray(z, dtype=float)
        return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                        np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))

    previous = np.seterr(over="raise")
    try:
        assert check.report("sigmoid", sigmoid).startswith("✅ sigmoid: all 5 checks passed.")
        naive = check.report("sigmoid", lambda z: 1 / (1 + np.exp(-np.asarray(z, float))))
        assert "Looks like an overflow in np.exp." in naive     # judged as in any session
        assert np.geterr()["over"] == "raise"       # the learner's setting is left alone
    finally:
        np.seterr(**previous)


def test_the_answer_key_keeps_its_own_error_state():
    """With the learner's np.seterr(all="raise"), the key computed plainly raises (the attack
    works: exp(-1000) underflows in the loss from the logit); through ``answer`` it does not."""
    from course import exercises
    exercise = exercises.get("binary_crossentropy_from_logits")
    args = exercise.visible_cases()[2].args                  # the saturated logits
    previous = np.seterr(all="raise")
    try:
        with pytest.raises(FloatingPointError):
            exercise.expected(args)                          # control: no protection
        assert np.isfinite(exercise.answer(args)["value"])
        text = check.report("binary_crossentropy_from_logits", answers.CORRECT[
            "binary_crossentropy_from_logits"])
        assert "FloatingPointError" not in text.split("\n")[0]
    finally:
        np.seterr(**previous)


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


# -- never hangs, never raises (issue 11) ---------------------------------------------------------
def endless(*args):
    while True:
        pass


def stubborn(*args):
    """Swallows the first interruption, then loops again."""
    try:
        while True:
            pass
    except BaseException:
        pass
    while True:
        pass


@pytest.mark.parametrize("function", [endless, stubborn])
def test_an_endless_loop_gets_a_verdict_within_the_time_limit(function):
    text = check.report("compute_cost", function, time_limit=0.3)
    assert text.startswith("❌ compute_cost: 4 of 4 checks failed.")
    assert "your function did not finish within 0.3 s — an endless loop?" in text


def sleeps(*args):
    import time
    time.sleep(100_000)                   # blocks in C: no bytecode runs until it returns


def asks(*args):
    return float(input("Which cost? "))


def test_a_blocking_sleep_gets_a_verdict_within_the_time_limit():
    """The test returns at all only because the limit woke the 100,000-second sleep."""
    text = check.report("compute_cost", sleeps, time_limit=0.2)
    assert text.startswith("❌ compute_cost: 4 of 4 checks failed.")
    assert "did not finish within 0.2 s" in text


def test_a_blocking_sleep_control_interrupt_main_only_sets_a_flag(monkeypatch):
    """Control: with ``_thread.interrupt_main`` (a flag checked between bytecodes) in place of
    a real signal, a 1-second sleep runs to its end although the limit is 0.05 s."""
    import _thread
    import time
    from course.exercises import _guard
    monkeypatch.setattr(_guard, "_interrupt_main_thread", _thread.interrupt_main)
    started = time.monotonic()
    outcome = _guard.guarded_call(lambda: time.sleep(1.0), time_limit=0.05)
    assert outcome.timed_out and time.monotonic() - started >= 1.0


def test_input_gets_a_verdict_not_a_hang():
    import builtins
    import sys
    before = builtins.input, sys.stdin
    text = check.report("compute_cost", asks)
    assert text.startswith("❌ compute_cost: 4 of 4 checks failed.")
    assert "EOFError: input() cannot be answered while a check runs" in text
    assert (builtins.input, sys.stdin) == before          # restored after the check


def test_captured_output_costs_time_linear_in_what_is_printed():
    """100,000 single-character writes without a newline keep the unfinished line bounded,
    so each write costs the same (benchmarks/check_output.py measures the time)."""
    from course.exercises._guard import MAX_LINE_LENGTH, Output
    output = Output()
    for _ in range(100_000):
        output.write("a")
        assert output.pending_chars <= MAX_LINE_LENGTH + 1
    output.flush()
    assert output.total == 1 and output.lines == ["a" * (MAX_LINE_LENGTH - 3) + "..."]
    many = Output()
    for _ in range(100_000):
        many.write("b\n")
    assert many.total == 100_000 and len(many.lines) == 10 and many.pending_chars == 0


class Custom(BaseException):
    pass


@pytest.mark.parametrize("error", [KeyboardInterrupt("mine"), GeneratorExit("gen"),
                                   SystemExit(2), Custom("odd"), MemoryError()])
def test_whatever_the_function_raises_becomes_part_of_the_verdict(error):
    def sigmoid(z):
        raise error

    text = check.report("sigmoid", sigmoid)
    assert text.startswith("❌ sigmoid: 5 of 5 checks failed.")
    assert f"your function gave an error: {type(error).__name__}" in text


def test_a_real_interrupt_still_stops_the_check():
    import os
    import signal
    import threading
    import time

    def slow_sigmoid(z):
        time.sleep(20)

    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        check.report("sigmoid", slow_sigmoid, time_limit=30)
    assert time.monotonic() - started < 10
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_interrupt_the_function_swallows_still_stops_the_check():
    import os
    import signal
    import threading
    import time

    def sigmoid(z):
        try:
            time.sleep(20)
        except KeyboardInterrupt:
            return z

    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        check.report("sigmoid", sigmoid, time_limit=30)


@pytest.mark.parametrize("arguments, message", [
    ((["compute_cost"], answers.compute_cost),
     '❌ check.exercise needs the exercise\'s name as text, e.g. '
     'check.exercise("compute_cost", compute_cost); got a list.'),
    (("compute_costs", answers.compute_cost), "❌ no exercise 'compute_costs'; known exercises:"),
    (("compute_cost", None), "❌ compute_cost: pass your function itself"),
    (("compute_cost", answers.compute_cost, -1),
     "❌ compute_cost: `time_limit` must be a number of seconds greater than 0; got -1."),
    (("compute_cost", answers.compute_cost, "5"),
     "❌ compute_cost: `time_limit` must be a number of seconds greater than 0; got '5'."),
])
def test_wrong_arguments_get_a_clear_message(arguments, message):
    assert check.report(*arguments).startswith(message)


def test_thousands_of_printed_lines_do_not_bury_the_verdict(capsys):
    def compute_cost(X, y, w, b):
        for i in range(5000):
            print("debugging", i)
        return answers.compute_cost(X, y, w, b)

    check.exercise("compute_cost", compute_cost)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✅ compute_cost: all 4 checks passed."
    assert lines[1] == ("   Your function printed 20000 lines while it was checked; "
                        "the first 10:")
    assert lines[2] == "   | debugging 0" and lines[-1] == "   ... (19990 more not shown)"
    assert len(lines) == 13


def test_a_course_nn_model_gets_a_clear_verdict():
    def build_model():
        from course.nn import Dense, Sequential
        from course.losses import BinaryCrossentropy
        model = Sequential([Dense(25, "sigmoid"), Dense(15, "sigmoid"), Dense(1, "sigmoid")])
        model.compile(loss=BinaryCrossentropy())
        return model

    text = check.report("build_model", build_model)
    assert text.startswith("❌ build_model: 2 of 2 checks failed.")
    assert "build_model returned a course.nn.Sequential, the course's NumPy copy of Keras" in text
    assert "not callable" not in text


@pytest.mark.parametrize("exercise_id, function, reference", [
    ("sigmoid", lambda z: __import__("course.activations").activations.sigmoid(z),
     "course.activations.sigmoid"),
    ("compute_cost", lambda X, y, w, b: __import__("course.logistic").logistic
     .compute_cost_loop(X, y, w, b), "course.logistic.compute_cost_loop"),
])
def test_a_hand_off_to_the_course_is_named(exercise_id, function, reference):
    assert check.report(exercise_id, function) == (
        f"❌ {exercise_id}: Your function calls the course's reference implementation "
        f"`{reference}` (or the grader's answer key) instead of computing the result itself; "
        "write the computation yourself.")


def test_in_a_real_kernel_a_loop_times_out_and_interrupt_kernel_stops_the_cell():
    import time
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    outputs = []
    try:
        reply = client.execute_interactive(
            "from course import check\n"
            "def sigmoid(z):\n    while True:\n        pass\n"
            "check.exercise('sigmoid', sigmoid, time_limit=0.5)", timeout=60,
            output_hook=lambda message: outputs.append(message))
        text = "".join(m["content"].get("text", "") for m in outputs)
        assert reply["content"]["status"] == "ok"
        assert "did not finish within 0.5 s — an endless loop?" in text
        outputs.clear()
        message_id = client.execute("import time\n"
                                    "check.exercise('sigmoid', lambda z: time.sleep(60), "
                                    "time_limit=120)")
        time.sleep(2)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == message_id
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)



def test_in_a_real_kernel_sleep_and_input_get_a_verdict():
    """In Jupyter, input() would wait for the front end (allow_stdin) and sleep blocks in C:
    both end in a verdict within the limit, and the kernel's input works again after."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    outputs = []
    code = ("import time\nfrom course import check\n"
            "check.exercise('sigmoid', lambda z: time.sleep(100_000), time_limit=0.5)\n"
            "check.exercise('sigmoid', lambda z: float(input('z? ')), time_limit=0.5)\n"
            "print(input.__module__)")
    try:
        reply = client.execute_interactive(code, timeout=60, allow_stdin=True,
                                           stdin_hook=lambda message: None,
                                           output_hook=outputs.append)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    text = "".join(m["content"].get("text", "") for m in outputs)
    assert reply["content"]["status"] == "ok", text
    assert "did not finish within 0.5 s" in text
    assert "EOFError: input() cannot be answered while a check runs" in text
    assert "course" not in text.splitlines()[-1]           # the kernel's own input is back
