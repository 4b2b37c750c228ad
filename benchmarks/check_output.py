"""What a check pays for a function that prints a lot: time per printed character.

``course.check`` captures what a learner's function prints (``course.exercises._guard.Output``).
Each write must cost time in proportion to its own length, so the time per print stays the
same whether the function prints 10,000 or 100,000 single characters. Printed: the seconds
for each size and the ratio of the time per print at 100,000 to that at 10,000 (target:
below 2; a stream that re-copied its unfinished line would give about 10), with and without
newlines.

Run: ``python benchmarks/check_output.py`` (a second or two).
"""

from __future__ import annotations

import time

from course.exercises._guard import guarded_call


def seconds_to_print(count: int, end: str) -> float:
    def chatty():
        for _ in range(count):
            print("a", end=end)
    started = time.perf_counter()
    outcome = guarded_call(chatty, time_limit=60.0)
    assert not outcome.timed_out and outcome.error is None
    return time.perf_counter() - started


def main() -> None:
    for end, label in (("", "no newline"), ("\n", "one line each")):
        small, large = seconds_to_print(10_000, end), seconds_to_print(100_000, end)
        ratio = (large / 100_000) / (small / 10_000)
        print(f"{label:14s} 10,000 prints {small:.3f} s, 100,000 prints {large:.3f} s; "
              f"time per print at 100,000 / at 10,000 = {ratio:.2f} (target < 2)")


if __name__ == "__main__":
    main()
