"""What a check cell tells nbgrader: the score it can read, with the verdict as the message.

nbgrader scores a grade cell from the outputs the cell left behind
(``nbgrader.utils.determine_grade``), not from what it printed:

- an ``error`` output, or any text on stderr: 0 points;
- otherwise, the first ``execute_result`` (the value of the cell's last line), read as a
  number between 0 and the cell's points: that many points (partial credit);
- otherwise: all the cell's points.

``nbgrader validate`` lists the cells that would lose points and shows, for each, the
error's traceback; for partial credit it only says "Partial credit; passed some but not
all of the tests". nbgrader tells the kernel it is grading through the environment variable
``NBGRADER_EXECUTION`` (``"validate"`` or ``"autograde"``).

So a check cell does three different things, and the same verdict text goes with each:

=====================  ===============  ==============================================
situation              full points      fewer points
=====================  ===============  ==============================================
the learner's session  print            print (a check never raises in class)
nbgrader validate      print            raise ``CheckFailed(verdict)``: the student
                                        reads the check's own message
nbgrader autograde     print            0 points: raise ``CheckFailed(verdict)``;
                                        partial: print, and return the points
=====================  ===============  ==============================================

With hidden tests (:func:`hidden_tests`, the line between nbgrader's ``### BEGIN HIDDEN
TESTS`` / ``### END HIDDEN TESTS`` markers in ``solutions/``), the check's score is the score
on fresh random inputs from the exercise registry (:func:`add_hidden_tests`), as in
``course grade``, so an answer hard-coded for the visible cases earns nothing.

>>> conclude("✅ sigmoid: all 5 checks passed.", 2.0, 2.0, mode=None)
✅ sigmoid: all 5 checks passed.
>>> conclude("❌ sigmoid: 1 of 5 checks failed.", 1.5, 2.0, mode="autograde")
❌ sigmoid: 1 of 5 checks failed.
1.5
>>> conclude("❌ sigmoid: 5 of 5 checks failed.", 0.0, 2.0, mode="autograde")
Traceback (most recent call last):
...
course.nbgrader_cells.CheckFailed: ❌ sigmoid: 5 of 5 checks failed.
"""

from __future__ import annotations

import os
import secrets
import textwrap

import numpy as np

from course.exercises import _feedback

__all__ = ["MODE_VARIABLE", "CheckFailed", "nbgrader_mode", "conclude", "hidden_tests",
           "add_hidden_tests"]

MODE_VARIABLE = "NBGRADER_EXECUTION"
_MODES = ("validate", "autograde")
#: The seed of the hidden cases outside nbgrader (a teacher running solutions/), so the stored
#: outputs are the same on every run; under nbgrader every run draws new ones.
CLASSROOM_SEED = 20240601
_WIDTH = 80
_requested: set = set()       # exercises whose next check adds the hidden tests


class CheckFailed(Exception):
    """Raised under nbgrader by a check cell that must lose points; the message is the verdict."""

    def _render_traceback_(self) -> list:
        """IPython shows only the verdict, no traceback; nbgrader stores these lines.

        ``nbgrader validate`` cuts every line after 86 characters (4 of them its indent), so
        long lines are wrapped at ``_WIDTH``, continuing at their own indentation.
        """
        lines = []
        for line in str(self).splitlines():
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            lines += textwrap.wrap(line, _WIDTH, subsequent_indent=indent,
                                   drop_whitespace=True) or [""]
        return lines


def nbgrader_mode() -> str | None:
    """``"validate"`` or ``"autograde"`` when nbgrader runs this kernel, else ``None``."""
    mode = os.environ.get(MODE_VARIABLE)
    return mode if mode in _MODES else None


def conclude(verdict: str, score: float, max_score: float, mode: str | None = "environment"):
    """Finish a check cell: print the verdict, return a partial score, or raise.

    Args:
        verdict: the text the learner reads (first line starting with ✅, ❌ or ⏳).
        score, max_score: the points earned and the points the cell is worth.
        mode: ``"validate"``, ``"autograde"`` or ``None``; by default read from
            ``NBGRADER_EXECUTION``.

    Returns ``None`` (full points, or the learner's own session), or, under autograde, the
    partial score as a float, which becomes the cell's result for nbgrader to read.
    Raises ``CheckFailed(verdict)`` under validate when points are lost, and under
    autograde when none are earned.
    """
    __tracebackhide__ = True                      # IPython: not part of the learner's story
    mode = nbgrader_mode() if mode == "environment" else mode
    if mode is None or score >= max_score:
        print(verdict)
        return None
    if mode == "validate" or score <= 0:
        raise CheckFailed(verdict)
    print(verdict)
    return round(float(score), 2)


def hidden_tests(exercise_id: str) -> None:
    """Ask the next ``check.exercise(exercise_id, ...)`` to grade on hidden tests as well.

    In ``solutions/`` this line sits between nbgrader's hidden-test markers, just above the
    check, so only nbgrader's autograde (and a teacher running the solutions) runs it::

        ### BEGIN HIDDEN TESTS
        check.hidden_tests("sigmoid")
        ### END HIDDEN TESTS
        check.exercise("sigmoid", sigmoid)
    """
    _requested.add(exercise_id)


def add_hidden_tests(exercise, grade_on, verdict: str, score: float, max_score: float,
                     seed=None) -> tuple:
    """``(verdict, score, max_score)`` of a check, with the hidden tests if they were asked for.

    Asked for (:func:`hidden_tests`), ``grade_on(cases)`` runs the learner's function on fresh
    random inputs from the exercise registry and returns ``(Grade, None)``, or ``(None,
    verdict)`` when the run stopped early (a stub, or a hand-off to the course's own
    implementation). The hidden tests' score is then the check's score, exactly as
    ``course grade`` scores it, so an answer hard-coded for the visible cases earns nothing;
    their verdict follows the visible one and names what is wrong and the known mistake with
    its hint, never an input or an expected value. Under nbgrader the inputs come from an
    unpredictable seed on every run; elsewhere from ``CLASSROOM_SEED`` (or ``seed``), so a
    solution notebook's stored output never changes. Not asked for: returned unchanged.
    """
    if exercise.id not in _requested:
        return verdict, score, max_score
    _requested.discard(exercise.id)
    if seed is None:
        seed = secrets.randbits(64) if nbgrader_mode() else CLASSROOM_SEED
    cases = exercise.grading_cases(np.random.default_rng(seed))
    grade, stopped = grade_on(cases)
    if grade is None:
        return f"{verdict}\nHidden tests: {stopped}", 0.0, float(exercise.points)
    if grade.score >= grade.max_score:
        hidden = "✅ " + _feedback.all_passed(exercise.id, len(cases), "hidden tests")
    else:
        hidden = f"❌ Hidden tests ({len(cases)} new random inputs). {grade.feedback}"
    return f"{verdict}\n{hidden}", grade.score, grade.max_score
