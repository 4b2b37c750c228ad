"""Running one untrusted notebook in its own Jupyter kernel and collecting plain results.

:func:`run_submission` does, in order:

1. make a fresh temporary directory (the kernel's working directory) and copy the
   notebook there, so files the student's code writes land in a place nobody else reads;
2. start a kernel (:func:`kernel_manager`, with :data:`KERNEL_ARGUMENTS`: no figure is
   drawn), limit its memory and start the watchdog for memory and total time
   (:mod:`course.grading.limits`);
3. run the grader's preamble cell (:func:`course._kernel_call.preamble_source`), then
   the notebook's code cells within their time limits, carrying on after errors
   (:func:`_run_student_cells`);
4. for each exercise, in the plan's order, write its request (the cases' positional
   arguments, and the course's versions of the exercises it calls) and run one grading
   cell per case, each within the exercise's per-case limit; after a case that timed out
   or whose result cannot be read, the exercise's remaining cases are not run
   (:func:`_run_exercise`);
5. read each result back (:func:`course.grading.protocol.read_result`) and delete the
   directory.

Nothing from the notebook is parsed from its printed output: a student printing
"score: 26/26" changes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course import _kernel_call
from course.exercises import _feedback
from course.grading import protocol, sandbox
from course.grading.bounded_client import BoundedClient as _BoundedClient
from course.grading.limits import LATE_CELL_SECONDS, Limits, Watchdog, limit_data_segment
from course.grading.protocol import Outcome, Status

#: Seconds a kernel gets to answer after a time-limit interrupt before it is killed (an
#: interrupt lands only when a long TensorFlow operation returns to Python).
INTERRUPT_GRACE_SECONDS = 10
#: The ``ename`` nbclient reports for a cell stopped by its time limit.
TIMEOUT_ENAME = "CellTimeLimit"
#: Arguments of every grading kernel. Nobody sees a grading kernel's output (scores come
#: from result files), so matplotlib's inline backend draws no figure there: with no image
#: format, showing a figure sends only its one-line text. A notebook may turn drawing back
#: on; it only spends its own time limits.
KERNEL_ARGUMENTS = ["--InlineBackend.figure_formats=set()"]

__all__ = ["Limits", "ExerciseRun", "NotebookRun", "kernel_environment", "kernel_manager",
           "run_submission"]


@dataclass
class ExerciseRun:
    """What came back for one exercise: an outcome per case run, in order.

    ``outcomes`` is shorter than the exercise's cases when the run stopped early: after a
    case whose status is not scorable (a timeout, a result that cannot be trusted), or
    because the kernel stopped. ``case_seconds`` is the time limit each case had.
    """

    outcomes: list[Outcome] = field(default_factory=list)
    case_seconds: float = 0.0


@dataclass
class NotebookRun:
    """Everything the trusted process learned from running a submission."""

    exercises: dict[str, ExerciseRun]
    kernel_problem: str | None = None        # why the kernel stopped before grading ended
    # True when the outcome could also have been caused by another submission running at the
    # same time as the same user (a killed kernel, deleted or rewritten result files).
    interference_possible: bool = False
    cell_errors: list[str] = field(default_factory=list)  # "code cell 7: NameError: ..." lines
    seconds: float = 0.0
    sandbox: dict = field(default_factory=dict)   # Confinement.as_report() of the kernel


def kernel_environment() -> dict[str, str]:
    """The environment of a grading kernel: ours, quiet TensorFlow, headless matplotlib."""
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    env.pop("JPY_PARENT_PID", None)
    return env


def kernel_manager(workdir: Path, env: dict[str, str], run_limits: Limits,
                   confinement: sandbox.Confinement,
                   course_tree: Path | None = None) -> KernelManager:
    """Make the manager of the kernel that runs one submission (not started yet).

    This is the one place that decides *how* the kernel process is made; everything else in
    the runner only talks to the kernel through the manager. The runner starts it with
    ``start_kernel(env=env, cwd=workdir)`` (through nbclient), shuts it down when grading
    ends, and gives the watchdog the process ``manager.provisioner.process``.

    Args:
        workdir: the submission's private working folder (the kernel's current directory).
        env: the kernel's environment (:func:`kernel_environment`).
        run_limits: the submission's limits.
        confinement: how the operating system confines the kernel
            (:func:`course.grading.sandbox.confinement`); the sandbox filters ``env`` too.
        course_tree: the ``course`` the kernel imports (:mod:`course.grading.course_tree`).
    """
    return confinement.kernel_manager(workdir, run_limits, course_tree)


class TimeLimit(Exception):
    """A cell ran past its time limit and was interrupted (the kernel still answers)."""


_QUIET_LOG = logging.getLogger("course.grading.kernel")
_QUIET_LOG.setLevel(logging.CRITICAL)  # nbclient's timeout warnings are reported per cell instead


class _Kernel:
    """One kernel running one notebook copy: cells under a time limit, and the watchdog."""

    def __init__(self, notebook, workdir: Path, env: dict[str, str], run_limits: Limits,
                 confinement: sandbox.Confinement, course_tree: Path | None = None):
        self.notebook = notebook
        self.limits = run_limits
        self.seconds = run_limits.cell_seconds   # the limit of the cell being run
        self.last_reply: dict | None = None
        self.client = _BoundedClient(
            notebook, km=kernel_manager(workdir, env, run_limits, confinement, course_tree),
            timeout_func=lambda cell: self.seconds, allow_errors=True,
            interrupt_on_timeout=True, record_timing=False,
            error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "time limit", "traceback": []},
            startup_timeout=120, iopub_timeout=2, log=_QUIET_LOG, shutdown_kernel="immediate",
            extra_arguments=list(KERNEL_ARGUMENTS),
            resources={"metadata": {"path": str(workdir)}}, on_cell_executed=self._remember)
        self.watchdog: Watchdog | None = None

    def _remember(self, cell, cell_index, execute_reply):
        self.last_reply = execute_reply

    def start_watching(self) -> None:
        """Limit the started kernel's memory and start the watchdog."""
        pid = self.client.km.provisioner.process.pid
        limit_data_segment(pid, self.limits.memory_mb)
        self.watchdog = Watchdog(pid, self.limits.memory_mb, self.limits.total_seconds)
        self.watchdog.start()

    def append_cell(self, source: str) -> int:
        """Add a grader cell at the end of the notebook copy; return its index."""
        self.notebook.cells.append(nbformat.v4.new_code_cell(source))
        return len(self.notebook.cells) - 1

    def execute(self, index: int, seconds: float, store_history: bool = True) -> str | None:
        """Run cell ``index`` for at most ``seconds``; return its error line, if it failed.

        Raises :class:`TimeLimit` when the limit stopped it, ``DeadKernelError`` when the
        kernel is gone (or had to be killed because it ignored the interrupt).
        """
        reply = self._execute(index, seconds, store_history)
        if reply.get("status") != "error":
            return None
        if reply.get("ename") == TIMEOUT_ENAME:
            self._check_still_responding(seconds)
            raise TimeLimit(seconds)
        return f"{reply.get('ename')}: {str(reply.get('evalue'))[:200]}"

    def _execute(self, index: int, seconds: float, store_history: bool = True) -> dict:
        """The content of the execute reply of cell ``index``, run for at most ``seconds``."""
        self.seconds, self.last_reply = seconds, None
        try:
            self.client.execute_cell(self.notebook.cells[index], index,
                                     store_history=store_history)
        except CellTimeoutError:  # raised only if interrupting was impossible
            self.watchdog.kill(_feedback.kernel_problem("unstoppable"))
            raise DeadKernelError("killed") from None
        return (self.last_reply or {}).get("content", {})

    def _check_still_responding(self, seconds: float) -> None:
        """After a time-limit interrupt, kill the kernel unless it answers a trivial cell soon.

        The trivial cell also waits for the interrupted cell to finish (a grading cell writes
        its result then).
        """
        reply = self._execute(self.append_cell("pass"), INTERRUPT_GRACE_SECONDS)
        if reply.get("ename") == TIMEOUT_ENAME:
            self.watchdog.kill(_feedback.kernel_problem("ignored_interrupt", seconds=seconds))
            raise DeadKernelError("killed")

    def stop_watching(self) -> None:
        """Stop the watchdog (the kernel is being shut down normally)."""
        if self.watchdog:
            self.watchdog.stop()

    def problem(self) -> str | None:
        """Why the watchdog stopped the kernel, if it did."""
        return self.watchdog.reason if self.watchdog else None


# -- the student's cells ----------------------------------------------------------------------
#: A line that defines a function or a class at the top level of a cell.
_DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s", re.MULTILINE)


def _cell_limit(run_limits: Limits, budget_left: float) -> tuple[float, str]:
    """The time limit of the next student cell, and how the report names it."""
    if budget_left <= 0:
        return LATE_CELL_SECONDS, _feedback.cell_limit("late", LATE_CELL_SECONDS)
    if budget_left < run_limits.cell_seconds:
        return budget_left, _feedback.cell_limit("budget", run_limits.cells_seconds)
    return run_limits.cell_seconds, _feedback.cell_limit("cell", run_limits.cell_seconds)


def _run_student_cells(kernel: _Kernel, code_cells: list[int], run_limits: Limits,
                       lines: list[str]) -> None:
    """Run the notebook's ``code_cells`` (indices) within their time limits.

    Once the cells together have used ``cells_seconds``, the remaining ones are skipped,
    except those that define a function or a class (a graded function, or a helper it
    calls), which get ``LATE_CELL_SECONDS`` each. ``lines`` receives the report's lines as
    they happen (the kernel may die half-way).
    """
    skipped = []
    budget_ends = time.monotonic() + run_limits.cells_seconds
    for number, index in enumerate(code_cells, start=1):
        budget_left = budget_ends - time.monotonic()
        if budget_left <= 0 and not _DEFINITION.search(kernel.notebook.cells[index].source):
            skipped.append(str(number))
            continue
        seconds, named = _cell_limit(run_limits, budget_left)
        try:
            error = kernel.execute(index, seconds)
        except TimeLimit:
            error = f"stopped by {named}"
        if error:
            lines.append(f"code cell {number}: {error}")
    if skipped:
        lines.append(_feedback.cells_not_run(skipped, run_limits.cells_seconds))
    lines += kernel.client.limits_fired()   # output, message and error sizes


# -- the exercises ------------------------------------------------------------------------------
@dataclass
class PlannedExercise:
    """One exercise to run: its function's name, its cases and what the kernel needs.

    ``cases``: each case's positional arguments (a tuple; an ``args`` dict stands for its
    values in order); ``build_inputs``: the input width an unbuilt model it returns is built
    for; ``dependencies``: the course's learner-style source of other exercises it calls
    (name -> source), put in their place for its calls only.
    """

    exercise_id: str
    cases: list
    case_seconds: float
    build_inputs: int | None = None
    dependencies: dict = field(default_factory=dict)

    def arguments(self) -> list[tuple]:
        return [tuple(case.values()) if isinstance(case, dict) else tuple(case)
                for case in self.cases]


def _run_case(kernel: _Kernel, workdir: Path, caller: str, exercise_id: str,
              request: Path, index: int, seconds: float) -> Outcome:
    """Call the student's function on case ``index`` in one grading cell; read the result."""
    result = workdir / f"results-{secrets.token_hex(16)}.json"
    source = _kernel_call.call_source(caller, exercise_id, str(request), index, str(result))
    try:
        kernel.execute(kernel.append_cell(source), seconds, store_history=False)
    except TimeLimit:
        return Outcome(Status.TIMEOUT, seconds=seconds)
    return protocol.read_result(result)


def _run_exercise(kernel: _Kernel, workdir: Path, caller: str,
                  planned: PlannedExercise) -> ExerciseRun:
    """Run an exercise's cases one by one, stopping after one that cannot be scored."""
    run = ExerciseRun(case_seconds=planned.case_seconds)
    request = workdir / f"inputs-{secrets.token_hex(16)}.json"
    protocol.write_request(request, planned.arguments(), planned.build_inputs,
                           planned.dependencies)
    try:
        for index in range(len(planned.cases)):
            run.outcomes.append(_run_case(kernel, workdir, caller, planned.exercise_id,
                                          request, index, planned.case_seconds))
            if not run.outcomes[-1].status.scorable:
                break
    finally:
        request.unlink(missing_ok=True)
    return run


def _could_be_a_neighbour(run: ExerciseRun) -> bool:
    """True when a missing or untrustworthy result may be another submission's doing (not a
    time limit, nor a call into a stubbed course implementation: the notebook's own)."""
    return any(not o.status.scorable and o.status not in (Status.TIMEOUT, Status.REFERENCE)
               for o in run.outcomes)


# -- one submission -----------------------------------------------------------------------------
def _grade_in_kernel(kernel: _Kernel, workdir: Path, plan, run_limits: Limits,
                     result: NotebookRun) -> None:
    """Steps 3 and 4 in a started kernel; fills ``result`` as it goes."""
    caller = f"_course_call_{secrets.token_hex(8)}"
    code_cells = [i for i, cell in enumerate(kernel.notebook.cells) if cell.cell_type == "code"]
    if kernel.execute(kernel.append_cell(_kernel_call.preamble_source(caller)),
                      run_limits.cell_seconds):
        raise RuntimeError("the grading preamble failed")
    _run_student_cells(kernel, code_cells, run_limits, result.cell_errors)
    for planned in plan:
        run = _run_exercise(kernel, workdir, caller, planned)
        result.exercises[planned.exercise_id] = run
        result.interference_possible |= _could_be_a_neighbour(run)
    result.cell_errors += kernel.client.limits_fired()


def run_submission(notebook, plan: list, run_limits: Limits | None = None,
                   confinement: sandbox.Confinement | None = None,
                   course_tree: Path | None = None) -> NotebookRun:
    """Run ``notebook`` in a fresh kernel and call each planned exercise on its hidden cases.

    Args:
        notebook: a validated nbformat notebook (it is copied, never modified).
        plan: a :class:`PlannedExercise` (or ``(exercise_id, cases, case_seconds)``) per
            exercise, in the order to grade them: the student's function of that name is
            called on each case, for at most ``case_seconds``.
        run_limits: time and memory limits (defaults: :class:`Limits`).
        confinement: the kernel's sandbox (default: the strongest available; raises
            :class:`course.grading.sandbox.SandboxUnavailable` when there is none).
        course_tree: the copy of ``course`` the kernel imports instead of the installed one
            (:mod:`course.grading.course_tree`: no answer keys, forbidden functions stubbed);
            ``None`` imports the installed package (only for tests of the runner itself).

    An exercise the run never reached has no outcomes; ``kernel_problem`` then says why.
    """
    run_limits = run_limits or Limits()
    confinement = confinement or sandbox.confinement()
    plan = [p if isinstance(p, PlannedExercise) else PlannedExercise(*p) for p in plan]
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))  # a private copy
    nbformat.write(notebook, workdir / "submission.ipynb")
    result = NotebookRun(exercises={p.exercise_id: ExerciseRun() for p in plan},
                         sandbox=confinement.as_report())
    env = kernel_environment()
    kernel = _Kernel(notebook, workdir, env, run_limits, confinement, course_tree)
    try:
        # cleanup_kc: the client did not make the manager, but it must still shut it down
        with kernel.client.setup_kernel(env=env, cwd=str(workdir), cleanup_kc=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            kernel.start_watching()
            try:
                _grade_in_kernel(kernel, workdir, plan, run_limits, result)
            except DeadKernelError:
                result.kernel_problem = kernel.problem() or _feedback.kernel_problem("stopped")
                result.interference_possible |= kernel.problem() is None
            finally:
                kernel.stop_watching()
    except RuntimeError as error:  # the kernel would not start, or the preamble failed
        result.kernel_problem = _feedback.kernel_problem("not_started", error=error)
    finally:
        result.kernel_problem = result.kernel_problem or kernel.problem()
        shutil.rmtree(workdir, ignore_errors=True)
        result.seconds = time.monotonic() - started
    return result


if __name__ == "__main__":  # pragma: no cover - a quick manual check
    print(run_submission(nbformat.read(sys.argv[1], as_version=4), []))
