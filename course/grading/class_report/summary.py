"""From the students' records to what the class report says: the numbers, nothing drawn.

For each lesson and each of its exercises: the scores (mean, median, all of them for the
histogram), how many students did not attempt it, how many timed out or could not be graded,
and the named mistakes ranked by how many students made them. At the top, what to re-teach
first: the exercises and the mistakes that cost the class the most points in total. At the
bottom, the students a teacher should look at, and why.

Points lost on an exercise are ``max_score - score``, summed over the students. A student
whose answer shows two named mistakes lost those points to both: each mistake is charged
half of them, so the mistakes' points add up to what the exercise lost to named mistakes.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from course import exercises as registry
from course.grading.class_report import mistakes
from course.grading.class_report.records import Attempt, Submission

RETEACH_EXERCISES = 3       # exercises in the "re-teach first" list
RETEACH_MISTAKES = 5        # named mistakes in the "re-teach first" list
DEFAULT_THRESHOLD = 0.5     # a student under this fraction of a lesson's points is listed


def _mean(values) -> float:
    return statistics.fmean(values) if values else 0.0


def _median(values) -> float:
    return statistics.median(values) if values else 0.0


@dataclass(frozen=True)
class MistakeCount:
    """One named mistake of one exercise across the class."""

    lesson: str
    exercise_id: str
    name: str
    hint: str
    students: int          # students whose answer showed it
    share: float           # students / students who handed in the lesson
    points_lost: float     # points those students lost on the exercise (shared, see above)


@dataclass(frozen=True)
class ExerciseSummary:
    """One exercise across the class; ``scores`` and ``attempts`` have one entry a student."""

    lesson: str
    exercise_id: str
    max_score: float
    scores: tuple
    attempts: tuple
    mistakes: tuple        # MistakeCount, most students first
    with_named_mistake: int  # students whose answer showed at least one named mistake

    @property
    def mean(self) -> float:
        return _mean(self.scores)

    @property
    def median(self) -> float:
        return _median(self.scores)

    def count(self, *attempts: Attempt) -> int:
        """How many students' attempts are among ``attempts``."""
        return sum(a in attempts for a in self.attempts)

    @property
    def not_attempted(self) -> int:
        return self.count(Attempt.NOT_ATTEMPTED)

    @property
    def timed_out_or_errored(self) -> int:
        return self.count(Attempt.TIMED_OUT, Attempt.ERRORED)

    @property
    def points_lost(self) -> float:
        return round(sum(max(self.max_score - s, 0.0) for s in self.scores), 2)


@dataclass(frozen=True)
class LessonSummary:
    """One lesson across the class: its students' totals and its exercises."""

    lesson: str
    max_score: float
    totals: tuple          # one total a submission of this lesson
    exercises: tuple       # ExerciseSummary, in the lesson's order

    @property
    def students(self) -> int:
        return len(self.totals)

    @property
    def mean(self) -> float:
        return _mean(self.totals)

    @property
    def median(self) -> float:
        return _median(self.totals)


@dataclass(frozen=True)
class StudentFlag:
    """A student the teacher should look at, with the reasons in plain words."""

    student: str
    lesson: str
    score: float
    max_score: float
    reasons: tuple


@dataclass(frozen=True)
class ClassSummary:
    """Everything the class report shows (see the module docstring)."""

    lessons: tuple
    reteach_exercises: tuple
    reteach_mistakes: tuple
    flagged: tuple
    submissions: int
    unreadable: int
    threshold: float


def _exercise_order(lesson: str, seen: list) -> list:
    """The registry's order of the lesson's exercises, then any others in the order seen."""
    order = [e.id for e in registry.LESSONS.get(lesson, ())]
    return [i for i in order if i in seen] + [i for i in dict.fromkeys(seen) if i not in order]


def _mistake_counts(lesson: str, exercise_id: str, results: list, students: int) -> tuple:
    counted, lost = Counter(), Counter()
    for result in results:
        for name in set(result.mistakes):
            counted[name] += 1
            lost[name] += result.points_lost / len(set(result.mistakes))
    order = list(dict.fromkeys([m.name for m in mistakes.known(exercise_id)] +
                               sorted(counted)))
    ranked = sorted(counted, key=lambda name: (-counted[name], order.index(name)))
    return tuple(MistakeCount(lesson, exercise_id, name, mistakes.hint(exercise_id, name),
                              counted[name], counted[name] / students, round(lost[name], 2))
                 for name in ranked)


def summarise_lesson(lesson: str, submissions: list) -> LessonSummary:
    """The :class:`LessonSummary` of the submissions of one lesson."""
    by_exercise: dict = {}
    for submission in submissions:
        for result in submission.exercises:
            by_exercise.setdefault(result.exercise_id, []).append(result)
    summaries = []
    for exercise_id in _exercise_order(lesson, list(by_exercise)):
        results = by_exercise[exercise_id]
        summaries.append(ExerciseSummary(
            lesson, exercise_id, max(r.max_score for r in results),
            tuple(r.score for r in results), tuple(r.attempt for r in results),
            _mistake_counts(lesson, exercise_id, results, len(submissions)),
            sum(bool(r.mistakes) for r in results)))
    return LessonSummary(lesson, max(s.max_score for s in submissions),
                         tuple(s.score for s in submissions), tuple(summaries))


def student_flags(submission: Submission, threshold: float) -> tuple:
    """Why a teacher should look at this submission (empty when there is no reason)."""
    if submission.lesson is None:
        return ("the file could not be read as a notebook of this course",)
    reasons = []
    if submission.fraction < threshold:
        reasons.append(f"scored under {threshold:.0%} of the points")
    skipped = sum(r.attempt is Attempt.NOT_ATTEMPTED for r in submission.exercises)
    if submission.exercises and skipped > len(submission.exercises) / 2:
        reasons.append(f"did not attempt {skipped} of {len(submission.exercises)} exercises")
    if submission.grader_problem:
        reasons.append(f"possible grader problem: {submission.grader_problem}")
    return tuple(reasons)


def _lesson_order(lessons: list) -> list:
    known_order = list(registry.LESSONS)
    return [x for x in known_order if x in lessons] + sorted(set(lessons) - set(known_order))


def summarise(submissions: list, threshold: float = DEFAULT_THRESHOLD) -> ClassSummary:
    """The :class:`ClassSummary` of ``submissions`` (:class:`Submission` records).

    ``threshold`` is a fraction of a lesson's points, 0 < threshold <= 1.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be a fraction of the points between 0 and 1 "
                         f"(e.g. 0.5); got {threshold!r}.")
    graded = [s for s in submissions if s.lesson is not None]
    lessons = tuple(summarise_lesson(lesson, [s for s in graded if s.lesson == lesson])
                    for lesson in _lesson_order([s.lesson for s in graded]))
    exercises = [e for lesson in lessons for e in lesson.exercises]
    worst = sorted((e for e in exercises if e.points_lost > 0),
                   key=lambda e: -e.points_lost)[:RETEACH_EXERCISES]
    named = sorted((m for e in exercises for m in e.mistakes if m.points_lost > 0),
                   key=lambda m: (-m.points_lost, -m.students))[:RETEACH_MISTAKES]
    flagged = tuple(StudentFlag(s.student, s.lesson or "?", s.score, s.max_score, reasons)
                    for s in sorted(submissions, key=lambda s: (s.student, s.lesson or ""))
                    if (reasons := student_flags(s, threshold)))
    return ClassSummary(lessons, tuple(worst), tuple(named), flagged, len(submissions),
                        len(submissions) - len(graded), float(threshold))
