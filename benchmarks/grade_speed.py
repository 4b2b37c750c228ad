"""How much does safe grading cost? Grading time vs plain execution, and a class's wall time.

Run from the repository root::

    .venv/bin/python benchmarks/grade_speed.py            # defaults below
    .venv/bin/python benchmarks/grade_speed.py --repeats 5 --class-size 30 --jobs 2

It reports

1. the median time to execute a submission with plain nbclient (one kernel, every cell,
   nothing else) and the median time to grade the same file with ``course.grading``
   (validation, hidden cases, the same execution plus the harness cells, evaluation), once
   in the sandbox ``course grade`` uses by default and once without a sandbox, and the
   ratios: sandboxed / unsandboxed (target at most 1.15) and sandboxed / plain (target at
   most 1.3);
2. the wall time of grading, in that sandbox and with the default limits, lesson 01
   answered with the solution except for a ``compute_gradient`` that never returns (target
   at most 60 s), and the score each exercise got;
3. the wall time of ``course grade`` over ``--class-size`` submissions with ``--jobs``
   workers (copies of a few corpus notebooks, so the mix has right and wrong answers);
4. the cost of laying out the grading course tree (``course/grading/course_tree.py``), which
   every grading process does once per lesson: the first time (which also finds the
   lesson's forbidden implementations, work the static check shares) and again.

Numbers depend on the machine and its load; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from course.grading import course_tree, sandbox  # noqa: E402
from course.grading.cli import grade_all  # noqa: E402
from course.grading.grader import grade_submission  # noqa: E402
from course.grading.runner import Limits, kernel_environment  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402  (the corpus' notebook builders)

CLASS_MIX = ["correct.ipynb", "mistake_sigmoid_sign.ipynb", "mistake_cost_no_1_over_m.ipynb",
             "untouched.ipynb", "self_contained.ipynb"]


def plain_execution_seconds(path: Path) -> float:
    """Seconds to run every cell of ``path`` once with nbclient, errors allowed."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as workdir:
        client = NotebookClient(notebook, kernel_name="python3", timeout=600,
                                allow_errors=True, resources={"metadata": {"path": workdir}})
        started = time.perf_counter()
        client.execute(env=kernel_environment(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def grading_seconds(path: Path, confinement: sandbox.Confinement) -> float:
    """Seconds for ``grade_submission`` on ``path`` in ``confinement`` (fails loudly if it
    could not grade)."""
    started = time.perf_counter()
    report = grade_submission(path, Limits(cell_seconds=600, cells_seconds=1800,
                                           total_seconds=1800), confinement=confinement)
    elapsed = time.perf_counter() - started
    if report["error"] or report["kernel_problem"]:
        raise RuntimeError(f"{path.name} was not graded: "
                           f"{report['error'] or report['kernel_problem']}")
    return elapsed


def hung_function_seconds(confinement: sandbox.Confinement) -> tuple[float, dict]:
    """Wall time and report of grading, with the default limits, lesson 01 answered with the
    solution except for a ``compute_gradient`` that never returns."""
    bodies = {**make_corpus.solution_bodies(make_corpus.L01),
              "compute_gradient": "while True:\n    pass"}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "hung.ipynb"
        nbformat.write(nbformat.from_dict(make_corpus.filled(make_corpus.L01, bodies)), path)
        started = time.perf_counter()
        report = grade_submission(path, Limits(), confinement=confinement)
        return time.perf_counter() - started, report


def class_wall_seconds(size: int, jobs: int) -> float:
    """Wall time of grading ``size`` submissions, ``jobs`` at a time, into a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "submissions"
        folder.mkdir()
        for index in range(size):
            shutil.copy(CORPUS / CLASS_MIX[index % len(CLASS_MIX)],
                        folder / f"student_{index:03d}.ipynb")
        paths = sorted(folder.glob("*.ipynb"))
        started = time.perf_counter()
        grade_all(paths, Path(scratch) / "out", Limits(cell_seconds=600, cells_seconds=1800,
                                                       total_seconds=1800),
                  jobs=jobs, echo=lambda line: None)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, default=CORPUS / "correct.ipynb")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    confined = sandbox.confinement()
    plain_execution_seconds(args.notebook)            # warm the disk cache and imports
    plain, graded, unconfined = [], [], []
    for _ in range(args.repeats):                     # interleaved, so load drifts hit all
        plain.append(plain_execution_seconds(args.notebook))
        graded.append(grading_seconds(args.notebook, confined))
        unconfined.append(grading_seconds(args.notebook, sandbox.NONE))
    medians = [statistics.median(times) for times in (plain, graded, unconfined)]
    print(f"notebook: {args.notebook.name} ({args.repeats} runs each, median)")
    for label, median, times in zip(
            ("plain nbclient execution:", f"grading, sandbox {confined.kind}:",
             "grading, no sandbox:"), medians, (plain, graded, unconfined)):
        print(f"  {label:<30} {median:6.2f} s   runs: " + ", ".join(f"{t:.2f}" for t in times))
    print(f"  ratio sandboxed / unsandboxed: {medians[1] / medians[2]:6.2f}   (target <= 1.15)")
    print(f"  ratio sandboxed / plain:       {medians[1] / medians[0]:6.2f}   (target <= 1.3)")
    first = course_tree.SECONDS_SPENT[0]
    again = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        course_tree.remove(course_tree.lay_out(make_corpus.L01))
        again.append(time.perf_counter() - started)
    print(f"course tree of lesson 01, once per run and lesson: first {first:.2f} s "
          f"(forbidden implementations found), again {statistics.median(again):.2f} s "
          f"(median of {args.repeats})")
    hung, report = hung_function_seconds(confined)
    scores = ", ".join(f"{e['id']} {e['score']:g} ({e['status']})" for e in report["exercises"])
    print(f"compute_gradient never returns, default limits: {hung:6.1f} s wall "
          f"(target <= 60): {scores}")
    wall = class_wall_seconds(args.class_size, args.jobs)
    print(f"{args.class_size} submissions with --jobs {args.jobs}: {wall:6.1f} s wall "
          f"({wall / args.class_size:.2f} s per submission)")


if __name__ == "__main__":
    main()
