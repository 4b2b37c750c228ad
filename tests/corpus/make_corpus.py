"""Regenerate the grader's corpus of student submissions, and the scores each must get.

Run from the repository root after changing the solutions or the exercise registry::

    .venv/bin/python tests/corpus/make_corpus.py

Every notebook starts from a *lesson* made from ``solutions/`` exactly as
``course build-lessons`` makes it (``course.authoring.make_lesson``); the script then fills in
the answer cells the way a student would and sometimes adds a cell. ``expected.json`` holds,
per file, the expected total, the expected score of every exercise and a phrase that must
appear in the feedback. tests/test_grading_corpus.py grades the whole folder and checks them.

Most submissions are lesson 01 (quick kernels); four are lesson 02 (up to its last exercise,
before TensorFlow is imported); two each are lessons 03 and 04 (NumPy backpropagation and the
training loop), four are the Keras lesson (TensorFlow). Mistake
submissions start from *self-contained* answers (each function computes everything itself),
so one wrong function costs only its own points.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from course import exercises  # noqa: E402
from course.authoring import BEGIN, CODE_STUB, END, make_lesson  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attacks import ATTACKS, FORGE_HELPERS, FORGE_THREAD_BODIES, FORGERIES, HELPERS  # noqa: E402

HERE = Path(__file__).resolve().parent
L01, L02, L05 = "01_logistic_regression_numpy", "02_loss_and_cost", "05_keras_model_fit"
POINTS = {e.id: float(e.points) for e in exercises.all_exercises()}
L01_IDS = [e.id for e in exercises.for_lesson(L01)]
L02_IDS = [e.id for e in exercises.for_lesson(L02)]
L03, L04_TRAINING = "03_backpropagation", "04_training_a_network"
L03_IDS = [e.id for e in exercises.for_lesson(L03)]
L04_TRAINING_IDS = [e.id for e in exercises.for_lesson(L04_TRAINING)]
L05_IDS = [e.id for e in exercises.for_lesson(L05)]

# -- answers a student could write (bodies, indented by 4) -------------------------------------
SELF_CONTAINED = {
    "sigmoid": """\
z = np.asarray(z, dtype=np.float64)
g = np.exp(-np.logaddexp(0.0, -z))       # 1 / (1 + e^-z) without overflow
return float(g) if g.ndim == 0 else g""",
    "compute_cost": """\
f = 1 / (1 + np.exp(-(X @ w + b)))
return float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))""",
    "compute_gradient": """\
err = 1 / (1 + np.exp(-(X @ w + b))) - y
return X.T @ err / X.shape[0], float(np.mean(err))""",
    "gradient_descent": """\
def cost(w, b):
    f = 1 / (1 + np.exp(-(X @ w + b)))
    return float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))
w, b = np.array(w_in, dtype=np.float64), float(b_in)
J_history = [cost(w, b)]
for _ in range(num_iters):
    err = 1 / (1 + np.exp(-(X @ w + b))) - y
    w, b = w - alpha * X.T @ err / X.shape[0], b - alpha * float(np.mean(err))
    J_history.append(cost(w, b))
return w, b, J_history""",
}

#: What the feedback of each forgery says (the rest say "not attempted": the blank stubs).
FORGERY_PHRASES = {
    "forge_thread_hand_off.ipynb": {exercise_id: "reference implementation"
                                    for exercise_id in ("sigmoid", "compute_cost",
                                                        "compute_gradient", "gradient_descent")},
}

# -- reading and writing notebooks -------------------------------------------------------------


def solution(stem: str) -> dict:
    return json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text(encoding="utf-8"))


def solution_bodies(stem: str) -> dict:
    """The instructor's answers (the lines between the markers), dedented by 4."""
    bodies = {}
    for cell in solution(stem)["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if BEGIN in source:
            inner = source.split(BEGIN, 1)[1].split(END, 1)[0].split("\n")[1:-1]
            bodies[grade_id] = "\n".join(line[4:] for line in inner)
    return bodies


def lesson(stem: str) -> dict:
    """The lesson notebook as ``course build-lessons`` writes it (sources as one string)."""
    notebook = make_lesson(solution(stem), stem)
    for cell in notebook["cells"]:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return notebook


def code_cells(notebook: dict) -> list:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def answer(notebook: dict, exercise_id: str, body: str) -> dict:
    """Replace the stub in the answer cell of ``exercise_id`` by ``body`` (4-space indent)."""
    stub = "\n".join("    " + line for line in CODE_STUB)
    for cell in code_cells(notebook):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == exercise_id:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            assert stub in source, exercise_id
            indented = "\n".join(("    " + line) if line else line for line in body.split("\n"))
            cell["source"] = source.replace(stub, indented)
            return notebook
    raise KeyError(exercise_id)


def add_cell(notebook: dict, source: str, position: int | None = None) -> dict:
    """Insert a code cell (at the end by default)."""
    cell = nbformat.v4.new_code_cell(source)
    cells = notebook["cells"]
    cell["id"] = f"added-by-student-{len(cells)}"
    cells.insert(len(cells) if position is None else position, dict(cell))
    return notebook


def trimmed(notebook: dict, last_grade_id: str) -> dict:
    """Drop the cells after the check cell ``last_grade_id`` (the lesson's demos and widgets).

    Keeps the corpus quick to grade: a student who stopped after the last exercise.
    """
    cells = notebook["cells"]
    ids = [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in cells]
    notebook["cells"] = cells[: ids.index(last_grade_id) + 1]
    return notebook


def exercises_only(notebook: dict, also_keep=()) -> dict:
    """Keep the set-up cell, the exercises' answer and check cells, and the cells that contain
    one of ``also_keep`` (helpers the exercises call); drop the demos in between.

    Keeps a TensorFlow lesson quick to grade: a student who skipped the demonstrations.
    """
    cells = notebook["cells"]
    first_code = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code")

    def kept(index, cell):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        return (index == first_code or "nbgrader" in cell.get("metadata", {})
                or any(marker in source for marker in also_keep))
    notebook["cells"] = [cell for i, cell in enumerate(cells) if kept(i, cell)]
    return notebook


def filled(stem: str, bodies: dict) -> dict:
    notebook = lesson(stem)
    for exercise_id, body in bodies.items():
        answer(notebook, exercise_id, body)
    return notebook


def self_contained(**changes) -> dict:
    """Lesson 01 answered with SELF_CONTAINED, some bodies replaced by ``changes``, trimmed."""
    return trimmed(filled(L01, {**SELF_CONTAINED, **changes}), "check_gradient_descent")


def write(name: str, notebook: dict) -> None:
    node = nbformat.from_dict(notebook)
    nbformat.validate(node)
    (HERE / name).write_text(nbformat.writes(node) + "\n", encoding="utf-8")


# -- expectations that follow from the registry's case design --------------------------------
def share_of_cases(exercise_id: str, passes) -> float:
    """Fraction of hidden cases on which ``passes(args)`` holds (edge cases are fixed)."""
    cases = exercises.get(exercise_id).grading_cases(np.random.default_rng(0))
    return sum(bool(passes(args)) for args in cases) / len(cases)


def scores(lesson_ids: list, **overrides) -> dict:
    return {exercise_id: overrides.get(exercise_id, POINTS[exercise_id])
            for exercise_id in lesson_ids}


def zeros(lesson_ids: list) -> dict:
    return {exercise_id: 0.0 for exercise_id in lesson_ids}


def main() -> None:
    for old in HERE.glob("*.ipynb"):
        old.unlink()
    expected = {}

    def add(name, notebook, exercise_scores, phrases=(), error=None):
        if notebook is not None:
            write(name, notebook)
        expected[name] = {"scores": exercise_scores,
                          "total": round(sum(exercise_scores.values()), 2),
                          "phrases": dict(phrases), "error": error}

    correct01 = solution_bodies(L01)
    add("correct.ipynb", filled(L01, correct01), scores(L01_IDS))
    add("self_contained.ipynb", self_contained(), scores(L01_IDS))
    add("untouched.ipynb", lesson(L01), zeros(L01_IDS),
        {exercise_id: "not attempted" for exercise_id in L01_IDS})

    # The lesson found from the cells' grade_ids when the metadata is gone; the file name lies.
    renamed = filled(L01, correct01)
    renamed["metadata"].pop("course")
    add("02_loss_and_cost_renamed.ipynb", renamed, scores(L01_IDS))

    # -- one common mistake each ---------------------------------------------------------------
    add("mistake_sigmoid_sign.ipynb", self_contained(sigmoid="return 1 / (1 + np.exp(z))"),
        scores(L01_IDS, sigmoid=0.0), {"sigmoid": "the wrong sign in the exponent"})
    # Every hidden sigmoid case holds a score beyond 709 (NaN here), and every hidden case of
    # the cost and the gradient has m >= 2 (a missing 1/m shows): each mistake scores 0.
    overflow_share = share_of_cases("sigmoid", lambda a: np.max(np.abs(a["z"])) < 700)
    add("mistake_sigmoid_overflow_nan.ipynb",
        self_contained(sigmoid="return np.exp(z) / (1 + np.exp(z))"),
        scores(L01_IDS, sigmoid=round(2 * overflow_share, 2)),
        {"sigmoid": "an overflow for large |z|"})
    single = share_of_cases("compute_cost", lambda a: a["X"].shape[0] == 1)  # 1/m = 1 there
    add("mistake_cost_no_1_over_m.ipynb", self_contained(compute_cost="""\
f = 1 / (1 + np.exp(-(X @ w + b)))
return float(np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f)))"""),
        scores(L01_IDS, compute_cost=round(POINTS["compute_cost"] * single, 2)),
        {"compute_cost": "missing 1/m"})
    add("mistake_gradient_no_1_over_m.ipynb", self_contained(compute_gradient="""\
err = 1 / (1 + np.exp(-(X @ w + b))) - y
return X.T @ err, float(np.sum(err))"""),
        scores(L01_IDS, compute_gradient=round(POINTS["compute_gradient"] * single, 2)),
        {"compute_gradient": "the gradient without the 1/m factor"})
    add("mistake_gradient_dj_dw_column.ipynb", self_contained(compute_gradient="""\
err = (1 / (1 + np.exp(-(X @ w + b))) - y).reshape(-1, 1)
return X.T @ err / X.shape[0], float(np.mean(err))"""),
        scores(L01_IDS, compute_gradient=1.5),
        {"compute_gradient": "dj_dw of shape (n, 1) instead of (n,)"})
    add("mistake_descent_history_no_start.ipynb", self_contained(
        gradient_descent=SELF_CONTAINED["gradient_descent"].replace(
            "J_history = [cost(w, b)]", "J_history = []")),
        scores(L01_IDS, gradient_descent=2.0),
        {"gradient_descent": "J_history without the starting cost"})
    # Issue 19: a wrong sign in compute_gradient costs compute_gradient's points only;
    # gradient_descent (the solution's, which calls it) is graded with the course's version.
    sign_error = correct01["compute_gradient"].replace("return dj_dw, dj_db",
                                                       "return -dj_dw, -dj_db")
    assert sign_error != correct01["compute_gradient"]
    add("dependency_gradient_sign.ipynb",
        trimmed(filled(L01, {**correct01, "compute_gradient": sign_error}),
                "check_gradient_descent"),
        scores(L01_IDS, compute_gradient=0.0),
        {"compute_gradient": "the wrong sign",
         "gradient_descent": "fix compute_gradient first"})
    add("wrong_type_string.ipynb", self_contained(compute_cost="""\
f = 1 / (1 + np.exp(-(X @ w + b)))
return f"{np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)):.6f}\""""),
        scores(L01_IDS, compute_cost=0.0), {"compute_cost": "returned a str"})

    # -- lesson 02: the loss from the logit (every hidden case holds logits beyond +-40) -------
    def lesson02(**changes):
        bodies = {**solution_bodies(L02), **changes}
        return trimmed(filled(L02, bodies), "check_mean_squared_error")
    add("lesson02_correct.ipynb", lesson02(), scores(L02_IDS))
    add("lesson02_logits_through_clipped_probability.ipynb", lesson02(
        binary_crossentropy_from_logits="""\
p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)
return float(np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p)))"""),
        scores(L02_IDS, binary_crossentropy_from_logits=0.0),
        {"binary_crossentropy_from_logits": "the clipped probability instead of the logit"})
    add("lesson02_logits_log_of_sigmoid.ipynb", lesson02(
        binary_crossentropy_from_logits="""\
p = 1 / (1 + np.exp(-z))
return float(np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p)))"""),
        scores(L02_IDS, binary_crossentropy_from_logits=0.0),
        {"binary_crossentropy_from_logits": "the log of the sigmoid"})
    add("lesson02_sums_instead_of_means.ipynb", lesson02(
        binary_crossentropy_from_logits="""\
return float(np.sum(y_true * np.logaddexp(0, -z) + (1 - y_true) * np.logaddexp(0, z)))""",
        mean_squared_error="return float(np.sum((y_pred - y_true) ** 2))"),
        scores(L02_IDS, binary_crossentropy_from_logits=0.0, mean_squared_error=0.0),
        {"binary_crossentropy_from_logits": "the sum instead of the mean",
         "mean_squared_error": "the sum instead of the mean"})

    # -- broken notebooks -----------------------------------------------------------------------
    add("syntax_error.ipynb", self_contained(compute_cost="return float(np.mean(X @ w + b)"),
        scores(L01_IDS, compute_cost=0.0), {"compute_cost": "No function named"})
    broken_import = self_contained()
    first = code_cells(broken_import)[0]
    first["source"] = "import course_helpers_from_last_year   # does not exist\n" + first["source"]
    add("exception_at_import.ipynb", broken_import, zeros(L01_IDS),
        {"sigmoid": "NameError: name 'np' is not defined"})
    looping = self_contained(gradient_descent="while True:\n    pass")
    add("infinite_loop.ipynb", looping, scores(L01_IDS, gradient_descent=0.0),
        {"gradient_descent": "time limit"})
    stubborn = self_contained()
    add_cell(stubborn, "import time\nwhile True:\n    try:\n        time.sleep(1)\n"
                       "    except BaseException:\n        pass   # swallows the interrupt")
    add("infinite_loop_ignores_interrupt.ipynb", stubborn, zeros(L01_IDS),
        {"sigmoid": "ignored the interrupt"})
    big = self_contained()
    add_cell(big, "too_big = np.ones((200_000, 200_000))   # 320 GB", position=None)
    add("huge_allocation.ipynb", big, scores(L01_IDS))
    hog = self_contained()
    add_cell(hog, "import mmap\nhog = mmap.mmap(-1, 8 << 30)\n"
                  "for i in range(0, 8 << 30, 4096):\n    hog[i] = 1")
    add("memory_hog.ipynb", hog, zeros(L01_IDS), {"sigmoid": "memory limit"})
    exiting = self_contained(compute_cost="import sys\nsys.exit(0)")
    add_cell(exiting, "import sys\nsys.exit('done early')")
    add("sys_exit.ipynb", exiting, scores(L01_IDS, compute_cost=0.0),
        {"compute_cost": "SystemExit"})
    os_exit = self_contained()
    add_cell(os_exit, "import os\nos._exit(0)")
    add("os_exit.ipynb", os_exit, zeros(L01_IDS), {"sigmoid": "kernel stopped"})
    # Crashes only on a hidden case (8 examples, 1 feature), so its check cell passes first.
    add("segfault_in_function.ipynb", self_contained(gradient_descent=(
        "if X.shape == (8, 1):\n    import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
        + SELF_CONTAINED["gradient_descent"])),
        scores(L01_IDS, gradient_descent=0.0), {"gradient_descent": "kernel stopped"})

    # -- attempts to fool the grader ------------------------------------------------------------
    patched = self_contained(sigmoid="return 1 / (1 + np.exp(z))")
    add_cell(patched, """\
import builtins, math
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_almost_equal = lambda *args, **kwargs: None
math.isclose = lambda *args, **kwargs: True
builtins.abs = lambda x: 0
builtins.sum = lambda *args, **kwargs: 0
builtins.round = lambda *args, **kwargs: 0""")
    add("monkeypatch_numpy_builtins.ipynb", patched, scores(L01_IDS, sigmoid=0.0),
        {"sigmoid": "the wrong sign in the exponent"})
    add("always_equal.ipynb", self_contained(sigmoid="""\
class Anything(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__
class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __array__(self, dtype=None, copy=None):
        return np.array(Anything(0.5), dtype=object)
return AlwaysEqual()"""), scores(L01_IDS, sigmoid=0.0), {"sigmoid": "sigmoid: 0 of 2"})
    faker = lesson(L01)
    add_cell(faker, """\
print("sigmoid: all 4 tests passed.\\nScore: 11 of 11")
import json, pathlib
for name in ("results.json", "results-0000.json", "grades.csv"):
    pathlib.Path(name).write_text(json.dumps([{"status": "ok"}] * 10))""")
    add("fake_output_and_files.ipynb", faker, zeros(L01_IDS),
        {exercise_id: "not attempted" for exercise_id in L01_IDS})
    racer = self_contained()
    add_cell(racer, """\
import json, pathlib, threading, time
def overwrite_results():   # races the grader: rewrite each result file as soon as it appears
    while True:
        for path in pathlib.Path('.').glob('results-*.json'):
            path.write_text(json.dumps([{"status": "ok"}] * 6))
        time.sleep(0.001)
threading.Thread(target=overwrite_results, name="helper", daemon=True).start()""")
    add("background_thread_rewrites_results.ipynb", racer, zeros(L01_IDS),
        {exercise_id: "tamper" for exercise_id in L01_IDS})
    shadow = self_contained(sigmoid="return 1 / (1 + np.exp(z))")
    add_cell(shadow, "%%writefile numpy.py\n"
                     "allclose = isclose = array_equal = lambda *args, **kwargs: True\n",
             position=1)
    add_cell(shadow, "import importlib, sys\nsys.modules.pop('numpy', None)\n"
                     "import numpy\nprint(numpy.allclose(1, 2))")
    add("numpy_py_in_cwd.ipynb", shadow, scores(L01_IDS, sigmoid=0.0),
        {"sigmoid": "the wrong sign in the exponent"})
    add("calls_reference.ipynb", self_contained(
        sigmoid="return logistic.sigmoid(z)",
        compute_cost="import importlib\nmodule = importlib.import_module('course.' + "
                     "'logis' + 'tic')\nreturn getattr(module, 'compute_' + 'cost')(X, y, w, b)",
        compute_gradient="from course.logistic import compute_gradient as cg\n"
                         "return cg(X, y, w, b)"),
        scores(L01_IDS, sigmoid=0.0, compute_cost=0.0, compute_gradient=0.0),
        {"sigmoid": "reference implementation", "compute_cost": "reference implementation",
         "compute_gradient": "reference implementation"})

    # -- attacks on the sandbox (tests/corpus/attacks.py): each fails, so full marks -----------
    for name, attack in ATTACKS.items():
        notebook = self_contained()
        add_cell(notebook, HELPERS.strip())
        add_cell(notebook, attack.strip())
        add(name, notebook, scores(L01_IDS))

    # -- forging a score from a blank notebook (tests/corpus/attacks.py): each scores 0 -------
    for name, forgery in FORGERIES.items():
        bodies = FORGE_THREAD_BODIES if name == "forge_thread_hand_off.ipynb" else {}
        notebook = trimmed(filled(L01, bodies), "check_gradient_descent")
        add_cell(notebook, FORGE_HELPERS.strip())
        add_cell(notebook, forgery.strip())
        add(name, notebook, zeros(L01_IDS), FORGERY_PHRASES.get(name, {}))

    # -- files that are not notebooks -----------------------------------------------------------
    text = nbformat.writes(nbformat.from_dict(filled(L01, correct01)))
    (HERE / "corrupt.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")
    add("corrupt.ipynb", None, {}, error="not a Jupyter notebook")
    (HERE / "not_a_notebook.ipynb").write_text("def sigmoid(z):\n    return 0.5\n",
                                               encoding="utf-8")
    add("not_a_notebook.ipynb", None, {}, error="not a Jupyter notebook")
    (HERE / "json_not_a_notebook.ipynb").write_text('{"cells": "none", "nbformat": 4}\n',
                                                    encoding="utf-8")
    add("json_not_a_notebook.ipynb", None, {}, error="damaged")
    (HERE / "empty.ipynb").write_text("", encoding="utf-8")
    add("empty.ipynb", None, {}, error="empty")

    # -- lessons 03 and 04 (backpropagation, the training loop): the exercises only ------------
    correct03 = solution_bodies(L03)
    add("backprop_correct.ipynb", exercises_only(filled(L03, correct03)), scores(L03_IDS))
    # Each wrong answer is self-contained, so that it costs only its own points.
    add("backprop_common_mistakes.ipynb", exercises_only(filled(L03, {
        **correct03,
        "network_forward": correct03["network_forward"].replace(
            'a3 = dense_forward(a2, W3, b3, "sigmoid")', 'a3 = dense_forward(a2, W3, b3, "linear")'),
        "dense_backward": correct03["dense_backward"].replace("A_prev.T @ dZ", "dZ.T @ A_prev"),
        "backprop": """\
W1, b1, W2, b2, W3, b3 = weights
sig = lambda z: 1 / (1 + np.exp(-z))
A1 = sig(X @ W1 + b1)
A2 = sig(A1 @ W2 + b2)
A3 = sig(A2 @ W3 + b3)
dZ3 = A3 - Y                                  # the 1/m forgotten
dZ2 = (dZ3 @ W3.T) * A2 * (1 - A2)
dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
return [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0), A2.T @ dZ3, dZ3.sum(axis=0)]"""})),
        # backprop 0: a single-example case passes only blindly (1/m = 1 there), and a
        # blind pass of a mistake recognised elsewhere earns nothing (Exercise.grade)
        scores(L03_IDS, network_forward=0.0, dense_backward=2.0, backprop=0.0),
        {"network_forward": "no sigmoid on the output layer",
         "dense_backward": "a transposed dW, (n_out, n_in)",
         "backprop": "the gradient without the 1/m factor"})
    correct04t = solution_bodies(L04_TRAINING)
    add("training_correct.ipynb", exercises_only(filled(L04_TRAINING, correct04t)),
        scores(L04_TRAINING_IDS))
    add("training_common_mistakes.ipynb", exercises_only(filled(L04_TRAINING, {
        "update_parameters": "return [p + alpha * dp for p, dp in zip(weights, gradients)]",
        "train_network": """\
J_history = []
for _ in range(epochs):
    J_history.append(cost(X, Y, weights))     # Keras' history: none after the last update
    weights = [p - alpha * g for p, g in zip(weights, backprop(X, Y, weights))]
return weights, J_history""",
        "stopping_epoch": "return int(np.argmin(validation_costs)) + 1"})),
        scores(L04_TRAINING_IDS, update_parameters=0.0, train_network=2.0, stopping_epoch=0.0),
        {"update_parameters": "a step uphill",
         "train_network": "Keras' history",
         "stopping_epoch": "counting the epochs from 1"})

    # -- lesson 05 (TensorFlow) -----------------------------------------------------------------
    # The lesson's own helpers for the loops (its cost and backprop) stay; the demos go.
    helpers = ("def backprop(X, Y, weights):",)
    correct05 = solution_bodies(L05)
    add("keras_correct.ipynb", exercises_only(filled(L05, correct05), helpers), scores(L05_IDS))
    add("keras_untouched.ipynb", exercises_only(lesson(L05), helpers), zeros(L05_IDS),
        {exercise_id: "not attempted" for exercise_id in L05_IDS})
    relu = correct05["build_model"].replace("Dense(units=25, activation='sigmoid')",
                                            "Dense(units=25, activation='relu')").replace(
        "Dense(units=15, activation='sigmoid')", "Dense(units=15, activation='relu')")
    assert relu != correct05["build_model"]
    add("keras_mistake_relu.ipynb", trimmed(filled(L05, {"build_model": relu}),
                                            "check_build_model"),
        {**zeros(L05_IDS), "build_model": round(2 / 3, 2)},
        {"build_model": "relu in the hidden layers"})

    # One common mistake in each of the other exercises of lesson 05, each function
    # self-contained (keras_fit builds its own model, train_rmsprop does its own RMSprop
    # update), so that one mistake costs only its own exercise's points.
    broadcast = "return float(np.mean((probabilities >= 0.5).ravel() == Y))"
    default_batches = correct05["keras_fit"].replace("model = build_model()\n", """\
model = Sequential([Dense(units=25, activation='sigmoid'), Dense(units=15, activation='sigmoid'),
                    Dense(units=1, activation='sigmoid')])
""").replace("batch_size=batch_size, ", "")
    plain_mean = correct05["train_minibatch"].replace(
        "total = 0.0", "costs = []").replace(
        "total += cost(X_batch, Y_batch, weights) * len(X_batch)",
        "costs.append(cost(X_batch, Y_batch, weights))").replace(
        "J_history.append(total / len(X))", "J_history.append(np.mean(costs))")
    epsilon_outside = correct05["rmsprop_step"].replace(
        "np.sqrt(s_p + epsilon)", "(np.sqrt(s_p) + epsilon)")
    s_every_epoch = correct05["train_rmsprop"].replace(
        "s = [np.zeros_like(np.asarray(p, dtype=np.float64)) for p in weights]\n", "").replace(
        "for epoch in range(epochs):\n",
        "for epoch in range(epochs):\n    s = [np.zeros_like(np.asarray(p, dtype=np.float64)) "
        "for p in weights]\n").replace(
        "weights, s = rmsprop_step(weights, gradients, s, alpha, rho, epsilon)", """\
s = [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]
        weights = [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)]""")
    no_optimizer = correct05["build_regression_model"].replace(
        ", optimizer=keras.optimizers.SGD(learning_rate=0.3)", "")
    mistaken = {"accuracy": broadcast, "keras_fit": default_batches, "train_minibatch": plain_mean,
                "rmsprop_step": epsilon_outside, "train_rmsprop": s_every_epoch,
                "build_regression_model": no_optimizer}
    assert all(body != correct05[key] for key, body in mistaken.items()), "a mistake not planted"
    single_image = share_of_cases("accuracy", lambda a: a["Y"].shape[0] == 1)  # (1,) == (1, 1)
    add("keras_common_mistakes.ipynb", exercises_only(filled(L05, {**correct05, **mistaken}),
                                                      helpers),
        scores(L05_IDS, accuracy=round(2 * single_image, 2), keras_fit=0.0, train_minibatch=1.5,
               rmsprop_step=1.5, train_rmsprop=0.0, build_regression_model=1.5),
        {"accuracy": "predictions of shape (m,) compared with labels of shape (m, 1)",
         "keras_fit": "fit's default batch size of 32",
         "train_minibatch": "the plain mean of the batch costs",
         "rmsprop_step": "epsilon outside the square root",
         "train_rmsprop": "s started again at 0 every epoch",
         "build_regression_model": "no optimizer: RMSprop with learning rate 0.001"})

    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
    print(f"wrote {len(expected)} submissions to {HERE}")


if __name__ == "__main__":
    main()
