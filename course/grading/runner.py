"""Running one untrusted notebook in its own Jupyter kernel and collecting plain results.

:func:`run_submission` does, in order:

1. make a fresh temporary directory (the kernel's working directory) and copy the
   notebook there, so files the student's code writes land in a place nobody else reads;
2. start a ``python3`` kernel (whatever kernel the notebook asks for), limit its memory
   (:mod:`course.grading.limits`) and start a watchdog for memory and total time;
3. run the grader's preamble cell (:func:`course.grading.harness.preamble_source`), then
   every code cell of the notebook with a per-cell time limit, carrying on after errors;
4. for each exercise, write its hidden cases to a ``.npz`` under a fresh random name and run
   one harness cell that calls the student's function and writes the results under another
   fresh random name;
5. read the results back with ``allow_pickle=False`` and delete the directory.

Nothing from the notebook is parsed from its printed output: a student printing
"score: 26/26" changes nothing.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from course.grading import harness, limits, sandbox

#: Result files larger than this are refused (a student returning a 10-GB array).
MAX_RESULT_BYTES = 64 * 2**20
#: Output kept from a whole notebook run, in bytes of text (the rest is dropped).
MAX_OUTPUT_BYTES = 16 * 2**20
#: Seconds a kernel gets to answer after a time-limit interrupt before it is killed.
INTERRUPT_GRACE_SECONDS = 5
#: The ``ename`` nbclient reports for a cell stopped by the per-cell time limit.
TIMEOUT_ENAME = "CellTimeLimit"


@dataclass
class Limits:
    """Time and memory limits for one submission (seconds and MiB)."""

    cell_seconds: float = 60
    total_seconds: float = 600
    memory_mb: float = limits.DEFAULT_MEMORY_MB


@dataclass
class ExerciseRun:
    """What came back for one exercise: a status per case and the plain outputs.

    ``statuses`` is ``None`` when no result file was written (the kernel had died, or the
    harness was removed by the student's code); ``problem`` then says why.
    """

    statuses: list[dict] | None = None
    outputs: list[dict[str, np.ndarray]] = field(default_factory=list)
    problem: str | None = None


@dataclass
class NotebookRun:
    """Everything the trusted process learned from running a submission."""

    exercises: dict[str, ExerciseRun]
    kernel_problem: str | None = None        # why the kernel stopped before grading ended
    # True when the outcome could also have been caused by another submission running at the
    # same time as the same user (a killed kernel, deleted or rewritten result files).
    interference_possible: bool = False
    cell_errors: list[str] = field(default_factory=list)  # "cell 7: NameError: ..." lines
    seconds: float = 0.0
    sandbox: dict = field(default_factory=dict)   # Confinement.as_report() of the kernel


def kernel_environment() -> dict[str, str]:
    """The environment of a grading kernel: ours, quiet TensorFlow, headless matplotlib."""
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    env.pop("JPY_PARENT_PID", None)
    return env


def kernel_manager(workdir: Path, env: dict[str, str], run_limits: Limits,
                   confinement: sandbox.Confinement) -> KernelManager:
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
    """
    return confinement.kernel_manager(workdir, run_limits.memory_mb)


TAMPERED = ("the result files were tampered with: code running in the notebook changed them "
            "after the grader wrote them, so this exercise could not be graded")


def _read_results(stem: Path, n_cases: int, key: str) -> ExerciseRun:
    """Load the harness's signed JSON statuses and ``.npz`` outputs, trusting nothing in them.

    ``key`` is the secret the harness signed them with; a file without the right signature
    was written by someone else.
    """
    status_path, array_path = stem.with_suffix(".json"), stem.with_suffix(".npz")
    if not status_path.is_file():
        return ExerciseRun(problem=None)
    if status_path.stat().st_size > 2**20 or (array_path.is_file()
                                              and array_path.stat().st_size > MAX_RESULT_BYTES):
        return ExerciseRun(problem="your function returned far more data than expected")
    try:
        archive = array_path.read_bytes()
        try:  # the harness writes whole, valid files; anything else was written by another hand
            envelope = json.loads(status_path.read_text(encoding="utf-8"))
        except ValueError:
            return ExerciseRun(problem=TAMPERED)
        if not isinstance(envelope, dict) or "statuses" not in envelope:
            return ExerciseRun(problem=TAMPERED)
        statuses = envelope["statuses"]
        expected = harness.sign(key, archive, json.dumps(statuses))
        if not hmac.compare_digest(str(envelope.get("signature")), expected):
            return ExerciseRun(problem=TAMPERED)
        if not isinstance(statuses, list) or not all(isinstance(s, dict) for s in statuses):
            raise ValueError("statuses are not a list of objects")
        outputs: list[dict[str, np.ndarray]] = [{} for _ in range(n_cases)]
        with np.load(io.BytesIO(archive), allow_pickle=False) as stored:
            for key in stored.files:
                index, _, name = key.partition(":")
                value = stored[key]
                if value.dtype.kind not in "fU" or not index.isdigit() or int(index) >= n_cases:
                    raise ValueError(f"unexpected entry {key!r}")
                outputs[int(index)][name] = value
    except Exception as error:  # a damaged or forged file: grade as "no result"
        return ExerciseRun(problem=f"the results could not be read back ({type(error).__name__})")
    if len(statuses) == 1 and statuses[0].get("status") == "background":
        return ExerciseRun(problem="the notebook left background work running ("
                                   f"{statuses[0].get('message', '')}), which could tamper "
                                   "with grading; stop threads and processes you start")
    if len(statuses) == 1 and statuses[0].get("status") == "harness_error":
        return ExerciseRun(problem="the grader could not call your function "
                                   f"({statuses[0].get('message', '')})")
    return ExerciseRun(statuses=statuses, outputs=outputs)


class _BoundedClient(NotebookClient):
    """A NotebookClient that stops keeping outputs after ``MAX_OUTPUT_BYTES``.

    A cell printing in an endless loop would otherwise fill the grader's memory: output is
    never graded, so past the budget it is dropped (status messages are still handled).
    """

    output_bytes = 0

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] != "status":
            content = msg.get("content", {})
            text = content.get("text")
            self.output_bytes += len(text) if isinstance(text, str) else len(json.dumps(content))
            if self.output_bytes > MAX_OUTPUT_BYTES:
                return None
        return super().process_message(msg, cell, cell_index)


_QUIET_LOG = logging.getLogger("course.grading.kernel")
_QUIET_LOG.setLevel(logging.CRITICAL)  # nbclient's timeout warnings are reported per cell instead


class _Execution:
    """One kernel running one notebook, with the watchdog and the time-limit bookkeeping."""

    def __init__(self, notebook, workdir: Path, env: dict[str, str], run_limits: Limits,
                 confinement: sandbox.Confinement):
        self.notebook = notebook
        self.limits = run_limits
        self.last_reply: dict | None = None
        self.client = _BoundedClient(
            notebook, km=kernel_manager(workdir, env, run_limits, confinement), kernel_name="python3", timeout=int(run_limits.cell_seconds),
            allow_errors=True, interrupt_on_timeout=True, record_timing=False,
            error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "time limit", "traceback": []},
            startup_timeout=120, iopub_timeout=2, log=_QUIET_LOG, shutdown_kernel="immediate",
            resources={"metadata": {"path": str(workdir)}},
            on_cell_executed=self._remember_reply,
        )
        self.watchdog: limits.Watchdog | None = None

    def _remember_reply(self, cell, cell_index, execute_reply):
        self.last_reply = execute_reply

    def start(self) -> None:
        pid = self.client.km.provisioner.process.pid
        limits.limit_data_segment(pid, self.limits.memory_mb)
        self.watchdog = limits.Watchdog(pid, self.limits.memory_mb, self.limits.total_seconds)
        self.watchdog.start()

    def append_cell(self, source: str) -> int:
        """Add a grader cell at the end of the notebook copy; return its index."""
        self.notebook.cells.append(nbformat.v4.new_code_cell(source))
        return len(self.notebook.cells) - 1

    def execute(self, index: int, store_history: bool = True) -> str | None:
        """Run cell ``index``; return the error line if it failed, ``"timeout"`` on the time limit.

        Raises ``DeadKernelError`` when the kernel is gone.
        """
        cell = self.notebook.cells[index]
        self.last_reply = None
        try:
            self.client.execute_cell(cell, index, store_history=store_history)
        except CellTimeoutError:  # raised only if interrupting was impossible
            self.watchdog.kill("a cell ran past the time limit and could not be stopped")
            raise DeadKernelError("killed") from None
        content = (self.last_reply or {}).get("content", {})
        if content.get("status") != "error":
            return None
        if content.get("ename") == TIMEOUT_ENAME:
            self._check_still_responding()
            return "timeout"
        return f"{content.get('ename')}: {str(content.get('evalue'))[:200]}"

    def _check_still_responding(self) -> None:
        """After a time-limit interrupt, kill the kernel unless it answers a trivial cell soon."""
        probe = self.append_cell("pass")
        self.client.timeout = INTERRUPT_GRACE_SECONDS
        try:
            self.last_reply = None
            self.client.execute_cell(self.notebook.cells[probe], probe)
            content = (self.last_reply or {}).get("content", {})
            if content.get("ename") == TIMEOUT_ENAME:
                self.watchdog.kill(f"a cell ran longer than the limit of "
                                   f"{self.limits.cell_seconds:.0f} s and ignored the interrupt, "
                                   f"so the notebook was stopped")
                raise DeadKernelError("killed")
        finally:
            self.client.timeout = int(self.limits.cell_seconds)


def run_submission(notebook, plan: list[tuple[str, str, list[dict]]],
                   run_limits: Limits | None = None,
                   confinement: sandbox.Confinement | None = None) -> NotebookRun:
    """Run ``notebook`` in a fresh kernel and call each planned exercise on its hidden cases.

    Args:
        notebook: a validated nbformat notebook (it is copied, never modified).
        plan: ``(exercise_id, function_name, cases)`` per exercise, cases as plain dicts.
        run_limits: time and memory limits (defaults: :class:`Limits`).
        confinement: the kernel's sandbox (default: the strongest available; raises
            :class:`course.grading.sandbox.SandboxUnavailable` when there is none).
    """
    run_limits = run_limits or Limits()
    confinement = confinement or sandbox.confinement()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))  # a private copy
    nbformat.write(notebook, workdir / "submission.ipynb")
    student_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    result = NotebookRun(exercises={exercise_id: ExerciseRun() for exercise_id, _, _ in plan},
                         sandbox=confinement.as_report())
    grader_name = f"_course_grader_{secrets.token_hex(8)}"
    env = kernel_environment()
    execution = _Execution(notebook, workdir, env, run_limits, confinement)
    try:
        # cleanup_kc: the client did not make the manager, but it must still shut it down
        with execution.client.setup_kernel(env=env, cwd=str(workdir), cleanup_kc=True,
                                           stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL):
            execution.start()
            try:
                if execution.execute(execution.append_cell(harness.preamble_source(grader_name))):
                    raise RuntimeError("the grading preamble failed")
                for number, index in enumerate(student_cells, start=1):
                    error = execution.execute(index)
                    if error == "timeout":
                        result.cell_errors.append(f"code cell {number}: stopped after the time "
                                                  f"limit of {run_limits.cell_seconds:.0f} s")
                    elif error:
                        result.cell_errors.append(f"code cell {number}: {error}")
                if execution.client.output_bytes > MAX_OUTPUT_BYTES:
                    result.cell_errors.append(f"the notebook printed more than "
                                              f"{MAX_OUTPUT_BYTES // 2**20} MB; the rest of its "
                                              f"output was ignored")
                for exercise_id, function_name, cases in plan:
                    inputs = workdir / f"inputs-{secrets.token_hex(16)}.npz"
                    np.savez(inputs, **harness.encode_cases(cases))
                    stem = workdir / f"results-{secrets.token_hex(16)}"
                    key = secrets.token_hex(32)
                    error = execution.execute(execution.append_cell(harness.call_source(
                        grader_name, exercise_id, function_name, str(inputs), str(stem), key)),
                        store_history=False)
                    inputs.unlink(missing_ok=True)
                    run = _read_results(stem, len(cases), key)
                    if run.statuses is None and error != "timeout":
                        result.interference_possible = True
                    if run.statuses is None and run.problem is None:
                        run.problem = ("your function did not finish within the time limit"
                                       if error == "timeout" else
                                       "the grader's helper was removed or broken by the "
                                       "notebook's code, so no result came back")
                    result.exercises[exercise_id] = run
            except DeadKernelError:
                reason = execution.watchdog.reason if execution.watchdog else None
                result.kernel_problem = reason or ("the notebook's kernel stopped (the code "
                                                   "exited the process or crashed it)")
                result.interference_possible = reason is None
            finally:
                if execution.watchdog:
                    execution.watchdog.stop()
    except RuntimeError as error:  # the kernel would not start, or the preamble failed
        result.kernel_problem = f"the notebook could not be run ({error})"
    finally:
        if execution.watchdog and execution.watchdog.reason and not result.kernel_problem:
            result.kernel_problem = execution.watchdog.reason
        shutil.rmtree(workdir, ignore_errors=True)
        result.seconds = time.monotonic() - started
    for run in result.exercises.values():
        if run.statuses is None and run.problem is None:
            run.problem = result.kernel_problem or "the exercise was never reached"
    return result


if __name__ == "__main__":  # pragma: no cover - a quick manual check
    print(run_submission(nbformat.read(sys.argv[1], as_version=4), []))
