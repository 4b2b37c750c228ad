"""How long do the solution notebooks take? The budgets of the notebooks issue, measured.

    (a) each notebook in solutions/, executed top to bottom in a fresh python3 kernel with
        nbclient (as `course run-solutions` and nbval do). Budget: 60 s each.
    (b) nbval over all of solutions/ in one pytest process (no xdist), exactly as the test
        suite validates them. Budget: 4 minutes.

Baseline, measured in the same run: a one-cell notebook (``1 + 1``) through the same path,
i.e. the cost of starting a kernel. Each figure is printed in seconds, as a ratio to that
baseline and against its budget (PASS / MISS). Always exits 0: timings inform, they do not
gate.

Run:  python benchmarks/notebook_time.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
NOTEBOOK_BUDGET_S = 60.0
NBVAL_BUDGET_S = 240.0


def _kernel_env() -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("MPLBACKEND", None)  # let ipykernel choose its inline backend, as in Jupyter
    return env


def execute_seconds(notebook: nbformat.NotebookNode, folder: Path) -> float:
    """Wall time to execute ``notebook`` in a new kernel whose working directory is ``folder``
    (over Unix sockets, as ``course run-solutions`` does: no TCP port, no TCP warning)."""
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="course-bench-") as sockets:
        manager = KernelManager(kernel_name="python3", transport="ipc",
                                ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(notebook, km=manager, timeout=600,
                                resources={"metadata": {"path": str(folder)}})
        start = time.perf_counter()
        try:
            client.execute(env=_kernel_env())  # the kernel's environment; ours stays untouched
            return time.perf_counter() - start
        finally:      # nbclient leaves a kernel it did not create running: stop it here
            if manager.has_kernel:
                manager.shutdown_kernel()


def _verdict(seconds: float, budget: float) -> str:
    return "PASS" if seconds <= budget else "MISS"


def main() -> int:
    if not SOLUTIONS:
        print("no notebooks in solutions/")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        baseline = execute_seconds(trivial, Path(tmp))
    print(f"baseline (kernel start + one trivial cell): {baseline:.1f} s\n")

    print(f"(a) one notebook, budget {NOTEBOOK_BUDGET_S:.0f} s each")
    for path in SOLUTIONS:
        seconds = execute_seconds(nbformat.read(path, as_version=4), path.parent)
        print(f"    {path.name:40s} {seconds:6.1f} s  = {seconds / baseline:5.1f}x baseline"
              f"   {_verdict(seconds, NOTEBOOK_BUDGET_S)}")

    command = [sys.executable, "-m", "pytest", "solutions", "-q", "-p", "no:xdist",
               "-p", "no:cacheprovider"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=_kernel_env(), capture_output=True,
                            text=True)
    seconds = time.perf_counter() - start
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"\n(b) nbval over solutions/, one process, budget {NBVAL_BUDGET_S:.0f} s")
    print(f"    {seconds:6.1f} s  = {seconds / baseline:5.1f}x baseline   "
          f"{_verdict(seconds, NBVAL_BUDGET_S) if result.returncode == 0 else 'FAILED'}"
          f"   ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
