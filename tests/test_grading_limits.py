"""The grader's limits. Time, with its defaults: a function that never returns costs
seconds, not minutes, and correct but slow code keeps full marks. Resources per submission
(memory with tmpfs and memfd, disk, tasks, CPU share), each attacked in both sandboxes with a
control run that shows the attack working without the protection.

Both submissions are lesson 01, whole, answered with the solution except for the answers
these tests replace (built with the corpus' own builders). No assertion here measures time
(``benchmarks/grade_speed.py`` does): the bound on the wall time follows from the limits
each report says applied.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import exercises
from course.grading.cli import grade_all
from course.grading.grader import grade_submission
from course.grading.limits import LATE_CELL_SECONDS, Limits

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import make_corpus  # noqa: E402  (the corpus' notebook builders)
from course.grading.runner import run_submission  # noqa: E402
from test_sandbox import CORPUS, require  # noqa: E402  (skip, or fail in CI, without a sandbox)

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
    """The report of a submission whose compute_gradient never returns, default limits.

    Its loop waits instead of spinning: every limit tested here is one of wall time, and a
    spinning loop would only take a core from the rest of the test run for the ~35 s the
    limits allow it (tests/corpus/infinite_loop.ipynb is graded spinning)."""
    path = lesson_01_with(tmp_path_factory.mktemp("hung"), "hung.ipynb",
                          compute_gradient="import time\nwhile True:\n    time.sleep(0.01)")
    return grade_submission(path, DEFAULTS)


def entries(report: dict) -> dict:
    return {entry["id"]: entry for entry in report["exercises"]}


def test_a_function_that_never_returns_scores_0_and_says_it_did_not_finish(hung):
    gradient = entries(hung)["compute_gradient"]
    assert (gradient["score"], gradient["status"]) == (0, "timeout")
    assert gradient["case_seconds"] == DEFAULTS.case_seconds
    assert (f"did not finish a test within its time limit of {DEFAULTS.case_seconds:g} s"
            in gradient["feedback"]), gradient["feedback"]
    # gradient_descent (depends_on compute_gradient) is graded with the course's own
    # compute_gradient in place of the one that lost points: the hang costs points once
    descent = entries(hung)["gradient_descent"]
    assert (descent["status"], descent["score"]) == ("passed", descent["max_score"]), descent
    assert "in place of yours" in descent["feedback"]


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
    assert len(timed_out) == 1          # one case of compute_gradient (not of its caller)
    assert waited + FAST_WORK_SECONDS <= HUNG_BUDGET_SECONDS, waited


def test_correct_but_slow_loop_versions_get_full_marks_with_the_default_limits(tmp_path):
    path = lesson_01_with(tmp_path, "loops.ipynb", compute_cost=LOOP_COST,
                          compute_gradient=LOOP_GRADIENT)
    report = grade_submission(path, DEFAULTS)
    assert report["score"] == report["max_score"] == LESSON_01_POINTS, report["exercises"]
    assert not any("stopped by" in line or "not run" in line
                   for line in report["notebook_errors"]), report["notebook_errors"]


# -- resources per submission (course/grading/resources.py), in both sandboxes ------------------
#: Each cell tries to take far more than the submission's limits and reports how far it got
#: ("<what>: REACHED <n>", in MB or threads). The memfd cell comes last: past the memory
#: limit the kernel dies.
FILL_MB = 512
THREADS = 300
RESOURCE_LIMITS = dict(cell_seconds=60, cells_seconds=300, memory_mb=384, disk_mb=128, tasks=48)
FILL = """\
import os, tempfile
written, block = 0, b"x" * 2**20
path = os.path.join({folder}, "fill-{name}")
try:
    with open(path, "wb", buffering=0) as file:
        for _ in range({total}):
            file.write(block)
            written += 1
except OSError:
    pass
finally:
    if os.path.exists(path):
        os.remove(path)
raise RuntimeError(f"{name}: REACHED {{written}}")"""
THREAD_BOMB = f"""\
import threading
threading.stack_size(64 * 1024)      # small stacks: RLIMIT_DATA does not stop it first
release, started = threading.Event(), 0
try:
    for _ in range({THREADS}):
        threading.Thread(target=release.wait, daemon=True).start()
        started += 1
except RuntimeError:
    pass
release.set()
raise RuntimeError(f"threads: REACHED {{started}}")"""
MEMFD = f"""\
import os
written, block = 0, b"x" * 2**20
descriptor = os.memfd_create("fill")
try:
    for _ in range({FILL_MB}):
        os.write(descriptor, block)
        written += 1
except OSError:
    pass
raise RuntimeError(f"memfd: REACHED {{written}}")"""
RESOURCE_ATTACKS = [FILL.format(folder="tempfile.gettempdir()", name="tmpfs", total=FILL_MB),
                    FILL.format(folder='"/dev/shm"', name="shm", total=FILL_MB),
                    FILL.format(folder='"."', name="work", total=FILL_MB),
                    THREAD_BOMB, MEMFD]


def resource_attack(mode: str, protected: bool) -> tuple[dict[str, int], object]:
    """Grade the resource attacks in ``mode``; ``{what: amount reached}`` and the run.

    Unprotected (the control), the confinement has no control group and no tmpfs work
    folder, and the tmpfs size is far above what the cells write."""
    confinement = require(mode)
    limits = Limits(**RESOURCE_LIMITS)
    if not protected:
        confinement = dataclasses.replace(confinement, cgroups=None, mount_workdir=False)
        limits = Limits(**{**RESOURCE_LIMITS, "disk_mb": 8 * FILL_MB})
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in RESOURCE_ATTACKS])
    run = run_submission(notebook, [], limits, confinement)
    reached = {}
    for line in run.cell_errors:
        found = re.search(r"(\w+): REACHED (\d+)", line)
        if found:
            reached[found[1]] = int(found[2])
    return reached, run


@pytest.fixture(scope="module", params=["bubblewrap", "landlock"])
def resource_runs(request) -> tuple[str, dict]:
    """The resource attacks in each sandbox, protected and not (the control)."""
    return request.param, {protected: resource_attack(request.param, protected)
                           for protected in (True, False)}


def test_without_limits_the_resource_attacks_take_what_they_ask_for(resource_runs):
    """The control: no control group, no tmpfs work folder. Each fill gets its 512 MB of
    the host's memory or disk, and the thread bomb its 300 threads."""
    mode, runs = resource_runs
    reached, run = runs[False]
    assert reached["tmpfs"] == reached["work"] == reached["memfd"] == FILL_MB, run.cell_errors
    assert reached["threads"] == THREADS
    if mode == "bubblewrap":
        assert reached["shm"] == FILL_MB


def test_tmpfs_shm_and_work_folder_fills_stop_at_the_submissions_disk_limit(resource_runs):
    mode, runs = resource_runs
    reached, run = runs[True]
    assert "disk_limited" in run.sandbox["protections"]
    for what in ("tmpfs", "shm", "work"):
        assert reached[what] <= RESOURCE_LIMITS["disk_mb"], (what, run.cell_errors)


def test_a_thread_bomb_stops_at_the_submissions_task_limit(resource_runs):
    _, runs = resource_runs
    reached, run = runs[True]
    assert "tasks_limited" in run.sandbox["protections"]
    assert reached["threads"] < RESOURCE_LIMITS["tasks"], run.cell_errors


def test_a_memfd_fill_stops_at_the_submissions_memory_limit(resource_runs):
    """memfd pages are in no file system and not in the kernel's RSS: only the memory control
    group counts them. Past the limit the kernel is killed and the report says why."""
    _, runs = resource_runs
    reached, run = runs[True]
    assert "memory_limited" in run.sandbox["protections"]
    assert reached.get("memfd", 0) < RESOURCE_LIMITS["memory_mb"], run.cell_errors
    if "memfd" not in reached:
        assert "memory limit" in (run.kernel_problem or ""), run.kernel_problem


# -- one submission cannot change another's score: the CPU share -----------------------------------
#: 150 busy loops, each in a session of its own. The starver's kernel competes with its own
#: loops, so this cell outlives its limit and ignores the interrupt: the notebook is stopped
#: after the cell limit and the interrupt grace (26 s measured, the classmate was graded in
#: 5 s), and its loops with it. The sleeping cells after it only matter for a kernel that
#: stays responsive: they keep the loops running through the classmate's grading.
STARVER = """\
import subprocess, sys, time
for _ in range(150):
    subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
time.sleep(9)"""
STARVER_LIMITS = Limits(cell_seconds=10)


def starver_class(folder: Path) -> Path:
    """A CPU starver and a correct classmate, in ``folder/submissions``."""
    submissions = folder / "submissions"
    submissions.mkdir()
    starver = nbformat.read(CORPUS / "untouched.ipynb", as_version=4)
    starver.cells[:0] = [nbformat.v4.new_code_cell(STARVER)] + [
        nbformat.v4.new_code_cell("import time\ntime.sleep(9)") for _ in range(3)]
    nbformat.write(starver, submissions / "a_starver.ipynb")
    shutil.copy(CORPUS / "self_contained.ipynb", submissions / "b_classmate.ipynb")
    return submissions


def grade_beside_a_starver(folder: Path) -> list[dict]:
    """Grade a CPU starver and a correct classmate side by side (``--jobs 2``) under
    bubblewrap, with a control group per submission."""
    confinement = require("bubblewrap")
    submissions = starver_class(folder)
    return grade_all(sorted(submissions.glob("*.ipynb")), folder / "out", STARVER_LIMITS,
                     jobs=2, confinement=confinement, echo=lambda *args: None)


UNPROTECTED_RUN = """\
import dataclasses, json, sys
from pathlib import Path
from course.grading import sandbox
from course.grading.cli import grade_all
from course.grading.limits import Limits
folder = Path(sys.argv[1])
confinement = dataclasses.replace(sandbox.confinement("bubblewrap"), cgroups=None)
reports = grade_all(sorted((folder / "submissions").glob("*.ipynb")), folder / "out",
                    Limits(cell_seconds={cell_seconds}), jobs=2, confinement=confinement,
                    echo=lambda *args: None)
print(json.dumps(reports[1]))
"""


def test_a_cpu_starver_beside_a_classmate_starves_it_without_the_cpu_share(tmp_path):
    """The control: without a CPU group per submission the classmate's kernel cannot answer
    within its limits while 150 busy loops run beside it (measured: 0 of 11).

    The unprotected run is itself kept in one control group, the two submissions together,
    so its busy loops starve the classmate but not the rest of the machine (in a test run,
    the other tests)."""
    from course.grading import resources

    require("bubblewrap")
    starver_class(tmp_path)
    support = resources.cgroup_support()
    group = resources.SubmissionGroup.create(
        support, f"{resources.RUN_PREFIX}starver-control-{os.getpid()}",
        resources.ResourceLimits()) if support else None
    join = 'for f in $PROCS; do echo $$ > "$f"; done; exec "$0" "$@"'
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PROCS=" ".join(group.procs_files) if group else "")
    try:
        done = subprocess.run(
            ["sh", "-c", join, sys.executable, "-c",
             UNPROTECTED_RUN.format(cell_seconds=STARVER_LIMITS.cell_seconds), str(tmp_path)],
            capture_output=True, text=True, env=env, timeout=600)
    finally:
        if group:
            group.remove()
    assert done.returncode == 0, done.stderr[-3000:]
    classmate = json.loads(done.stdout.strip().splitlines()[-1])
    assert classmate["score"] < classmate["max_score"], classmate


def test_a_cpu_starver_leaves_a_classmate_graded_beside_it_at_full_marks(tmp_path):
    starver, classmate = grade_beside_a_starver(tmp_path)
    assert "cpu_shared" in classmate["sandbox"]["protections"]
    assert classmate["score"] == classmate["max_score"] == LESSON_01_POINTS, classmate
    assert not classmate.get("regraded_alone")
