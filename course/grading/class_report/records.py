"""What the class report knows about one submission, whichever grader produced it.

``course grade``'s JSON reports (:mod:`.reading`) and nbgrader's autograded notebooks
(:mod:`.nbgrader`) are both turned into these records; everything after that (the summary,
the figures, the pages) reads only records. A record keeps numbers, statuses and the names
of recognised mistakes: never a student's code, error text or a hidden input.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from course.grading.protocol import Status


class Attempt(str, enum.Enum):
    """How one student's exercise ended, as the class report counts it.

    The values of the grader's per-exercise ``status`` map onto these (:data:`FROM_STATUS`);
    a timed-out case is ``Status.TIMEOUT`` and an exercise the grader could not score is
    ``Status.ERROR``, as in :class:`course.grading.protocol.Status`.
    """

    PASSED = "passed"                 # full points
    FAILED = "failed"                 # some or all points lost on a wrong answer
    NOT_ATTEMPTED = "not_attempted"   # the stub is still there, or no function of that name
    TIMED_OUT = Status.TIMEOUT.value  # a test did not finish within its time limit
    ERRORED = Status.ERROR.value      # not graded: the kernel died, a memory limit, tampering

    @property
    def grader_problem(self) -> bool:
        """True for the outcomes a teacher should look at before blaming the student."""
        return self in (Attempt.TIMED_OUT, Attempt.ERRORED)


#: The grader's per-exercise ``status`` (``course.grading.grader``) -> :class:`Attempt`.
FROM_STATUS = {
    "passed": Attempt.PASSED,
    "failed": Attempt.FAILED,
    "reference": Attempt.FAILED,      # handed the work to the course's own implementation
    "not_attempted": Attempt.NOT_ATTEMPTED,
    Status.NOT_IMPLEMENTED.value: Attempt.NOT_ATTEMPTED,
    Status.MISSING.value: Attempt.NOT_ATTEMPTED,
    Status.TIMEOUT.value: Attempt.TIMED_OUT,
    Status.ERROR.value: Attempt.ERRORED,
}


@dataclass(frozen=True)
class ExerciseResult:
    """One student's result on one exercise.

    ``mistakes`` are the names of the registry's known mistakes the grader recognised
    (``Mistake.name``, e.g. ``"a missing 1/m"``), in the registry's order.
    """

    exercise_id: str
    score: float
    max_score: float
    attempt: Attempt
    mistakes: tuple = ()

    @property
    def points_lost(self) -> float:
        return max(self.max_score - self.score, 0.0)


@dataclass(frozen=True)
class Submission:
    """One graded notebook: whose, which lesson, its total and its exercises.

    ``lesson`` is ``None`` when the file could not be read at all (then ``exercises`` is
    empty). ``grader_problem`` is a short, fixed phrase when the run itself hit a limit or
    failed ("kernel stopped or hit a limit", "could not be graded"), else ``""``.
    """

    student: str
    lesson: str | None
    score: float
    max_score: float
    exercises: tuple = field(default_factory=tuple)
    grader_problem: str = ""

    @property
    def fraction(self) -> float:
        """The score as a fraction of the lesson's points (0 when it has none)."""
        return self.score / self.max_score if self.max_score > 0 else 0.0
