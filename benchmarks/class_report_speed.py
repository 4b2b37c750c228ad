"""How fast the class report is made for a large class, and how large its page is.

Writes 500 made-up ``course grade`` reports (100 per lesson of the registry, drawn with a
fixed seed: full marks, partial credit with one of the exercise's named mistakes, not
attempted, timed out), then times, in this process:

* the baseline: reading the 500 reports alone (``reading.read_reports``);
* the class report: reading them, adding them up, drawing the figures and writing the HTML,
  the Markdown and the PNG files (what ``course class-report`` does after starting up);

and the whole ``course class-report`` command in a fresh process (Python and matplotlib
start-up included). Prints the times, the report's time as a ratio of the baseline, and the
page's size, also as a ratio of the reports' total size.

Targets (issue 17): 500 reports in under 5 s and a page under 2 MB.

Run: ``python benchmarks/class_report_speed.py [--reports 500]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from course import exercises as registry
from course.grading.class_report import mistakes, reading, write_report

TARGET_SECONDS, TARGET_BYTES = 5.0, 2 * 2**20


def made_up_entry(exercise, rng) -> dict:
    """One exercise's entry as ``course grade`` writes it, with a random outcome."""
    points = float(exercise.points)
    kind = rng.choice(["passed", "failed", "not_attempted", "timeout"], p=[.55, .3, .1, .05])
    score, feedback = (points, f"{exercise.id}: all 5 tests passed.") if kind == "passed" \
        else (0.0, f"{exercise.id}: 0 of {points:g} points.")
    if kind == "failed":
        score = float(rng.choice([0.0, points / 2]))
        feedback = f"{exercise.id}: {score:g} of {points:g} points."
        if exercise.mistakes and rng.random() < 0.8:
            mistake = exercise.mistakes[rng.integers(len(exercise.mistakes))]
            feedback += f"\n  {mistakes.announcement(mistake.name)} Hint: {mistake.hint}"
    return {"id": exercise.id, "score": score, "max_score": points, "status": str(kind),
            "feedback": feedback, "case_seconds": 5.0,
            "parts": [{"name": "value", "score": score, "max_score": points, "message": ""}]}


def write_class(folder: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` reports into ``folder``; return their total size in bytes."""
    rng = np.random.default_rng(seed)
    lessons = list(registry.LESSONS)
    total = 0
    for index in range(count):
        lesson = lessons[index % len(lessons)]
        entries = [made_up_entry(e, rng) for e in registry.for_lesson(lesson)]
        report = {"submission": f"student{index:04d}/{lesson}.ipynb", "lesson": lesson,
                  "error": None, "score": sum(e["score"] for e in entries),
                  "max_score": sum(e["max_score"] for e in entries), "exercises": entries,
                  "notebook_errors": [], "kernel_problem": None, "seconds": 9.5}
        text = json.dumps(report, indent=2)
        (folder / f"student{index:04d}-{lesson}.json").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def best_of(function, repeats: int) -> tuple[float, float]:
    """The fastest of ``repeats`` runs: (wall-clock seconds, CPU seconds of this process).

    On a shared machine the CPU time is the fairer figure: it leaves out the time spent
    waiting for other processes.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=500)
    count = parser.parse_args().reports
    with tempfile.TemporaryDirectory() as scratch:
        folder, out = Path(scratch) / "reports", Path(scratch) / "out"
        folder.mkdir()
        report_bytes = write_class(folder, count)
        write_report([], out)                  # warm up: imports matplotlib once
        baseline, baseline_cpu = best_of(lambda: reading.read_reports(folder), 5)

        def class_report():
            found, _ = reading.read_reports(folder)
            return write_report([reading.submission(r) for r in found], out)

        made, made_cpu = best_of(class_report, 3)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course.cli", "class-report", str(folder),
                        "--out", str(out)], check=True, capture_output=True)
        command = time.perf_counter() - started
        files = class_report()
        page = files.html.stat().st_size
    print(f"{count} reports ({report_bytes / 2**20:.2f} MB of JSON), "
          f"{len(registry.LESSONS)} lessons, {len(files.figures)} figures")
    print(f"reading the reports alone (baseline): {baseline:.3f} s ({baseline_cpu:.3f} s CPU)")
    print(f"class report, in process:             {made:.3f} s = {made / baseline:.1f} x "
          f"the baseline; {made_cpu:.3f} s CPU = {made_cpu / baseline_cpu:.1f} x  (target < "
          f"{TARGET_SECONDS:g} s: wall {'met' if made < TARGET_SECONDS else 'MISSED'}, CPU "
          f"{'met' if made_cpu < TARGET_SECONDS else 'MISSED'})")
    print(f"`course class-report` command:        {command:.3f} s = {command / baseline:.1f} x "
          f"the baseline (start-up included; "
          f"{'met' if command < TARGET_SECONDS else 'MISSED'})")
    print(f"HTML page: {page / 2**20:.2f} MB = {page / report_bytes:.2f} x the reports' size "
          f"(target < {TARGET_BYTES / 2**20:g} MB: {'met' if page < TARGET_BYTES else 'MISSED'})")


if __name__ == "__main__":
    main()
