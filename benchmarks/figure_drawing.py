"""What does not drawing figures save a grading kernel? CPU seconds per graded notebook.

Run from the repository root, on an otherwise idle Linux machine::

    .venv/bin/python benchmarks/figure_drawing.py               # 4 rounds, the notebooks below
    .venv/bin/python benchmarks/figure_drawing.py --rounds 6 correct.ipynb

Each round grades every notebook twice in this process, in the sandbox ``course grade``
uses: once with the grading kernel's arguments (``course.grading.runner.KERNEL_ARGUMENTS``:
no image format, so a shown figure is never drawn) and once with Jupyter's default kernel
arguments (the baseline, which draws every figure as PNG), alternating which goes first. It
reports, per notebook, the median CPU seconds each way and their ratio (not drawn / drawn).

The CPU is the whole machine's busy time (``/proc/stat``), because a sandboxed kernel is not
a child this process can account for; anything else running adds to both sides.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from course.grading import runner  # noqa: E402
from course.grading.grader import grade_submission  # noqa: E402
from course.grading.limits import Limits  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
#: Lesson 01 (plots in its cells), lesson 02, lesson 04 up to its last check, lesson 05.
NOTEBOOKS = ["self_contained.ipynb", "lesson02_correct.ipynb", "training_correct.ipynb",
             "keras_correct.ipynb"]


def busy_cpu_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``: not idle, not
    waiting for input or output)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks) - idle - iowait) / os.sysconf("SC_CLK_TCK")


def graded_cpu_seconds(path: Path, kernel_arguments: list[str]) -> float:
    """Busy CPU seconds of grading ``path`` with ``kernel_arguments`` (default limits)."""
    runner.KERNEL_ARGUMENTS = kernel_arguments
    before = busy_cpu_seconds()
    grade_submission(path, Limits())
    return busy_cpu_seconds() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=NOTEBOOKS,
                        help="corpus notebooks (tests/corpus) to grade")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    arguments = {"not drawn": list(runner.KERNEL_ARGUMENTS), "drawn": []}
    seconds = {(name, way): [] for name in args.notebooks for way in arguments}
    for round_ in range(args.rounds):
        order = list(arguments) if round_ % 2 == 0 else list(reversed(arguments))
        for name in args.notebooks:
            for way in order:
                seconds[name, way].append(graded_cpu_seconds(CORPUS / name, arguments[way]))
    print(f"{'notebook':28s} {'drawn':>8s} {'not drawn':>10s} {'ratio':>6s}   "
          f"(median CPU seconds of {args.rounds} gradings)")
    for name in args.notebooks:
        drawn = statistics.median(seconds[name, "drawn"])
        not_drawn = statistics.median(seconds[name, "not drawn"])
        print(f"{name:28s} {drawn:8.2f} {not_drawn:10.2f} {not_drawn / drawn:6.2f}")


if __name__ == "__main__":
    main()
