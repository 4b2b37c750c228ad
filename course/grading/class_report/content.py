"""The class report as a list of blocks (headings, paragraphs, tables, figures).

Both pages are rendered from this one list (:mod:`.html_page`, :mod:`.markdown_page`), so
the HTML and the Markdown always say the same thing. Text the course wrote (headings, hints)
may use Markdown's `code` and *emphasis*; text that came from the reports (student names,
lesson and exercise ids, mistake names) is wrapped in :class:`Plain`, which each renderer
escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.grading.class_report import figures as draw
from course.grading.class_report.records import Attempt
from course.grading.class_report.summary import ClassSummary, ExerciseSummary, LessonSummary


class Plain(str):
    """Text from a report: shown exactly as it is, never read as markup."""


@dataclass(frozen=True)
class Heading:
    """``# text`` (level 1) to ``### text`` (level 3)."""
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of text."""
    text: str


@dataclass(frozen=True)
class Table:
    """A table: ``header`` and each row are tuples of cell texts of the same length."""
    header: tuple
    rows: tuple


@dataclass(frozen=True)
class Image:
    """A figure, with its alt text (embedded in the HTML, a PNG file beside the Markdown)."""
    figure: draw.Figure


def file_stem(*parts: str) -> str:
    """A safe file stem from ids that came from reports: ``lesson-01_x-totals``."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", part)[:60] for part in parts)


def points(value: float) -> str:
    """Points as short text: 3.0 -> '3', 2.125 -> '2.12'."""
    return f"{round(value, 2):g}"


def _share(fraction: float) -> str:
    return f"{fraction:.0%}"


def reteach_blocks(summary: ClassSummary) -> list:
    blocks = [Heading(2, "Re-teach first"),
              Paragraph("What cost the class the most points in total (points lost, summed "
                        "over all students).")]
    if not summary.reteach_exercises:
        return blocks + [Paragraph("Nobody lost a point: nothing to re-teach.")]
    blocks.append(Table(
        ("rank", "exercise", "lesson", "points lost", "mean score", "not attempted",
         "timed out or error"),
        tuple((str(rank), Plain(e.exercise_id), Plain(e.lesson), points(e.points_lost),
               f"{points(e.mean)} of {points(e.max_score)}", str(e.not_attempted),
               str(e.timed_out_or_errored))
              for rank, e in enumerate(summary.reteach_exercises, 1))))
    if summary.reteach_mistakes:
        blocks.append(Table(
            ("rank", "named mistake", "exercise", "students", "share of class", "points lost",
             "hint"),
            tuple((str(rank), Plain(m.name), Plain(m.exercise_id), str(m.students),
                   _share(m.share), points(m.points_lost), m.hint)
                  for rank, m in enumerate(summary.reteach_mistakes, 1))))
    return blocks


def _counts_line(exercise: ExerciseSummary) -> str:
    students = len(exercise.scores)
    return (f"{students} students: mean {points(exercise.mean)}, median "
            f"{points(exercise.median)} of {points(exercise.max_score)} points; "
            f"{exercise.count(Attempt.PASSED)} full marks, {exercise.not_attempted} did not "
            f"attempt it, {exercise.timed_out_or_errored} timed out or could not be graded.")


def exercise_blocks(exercise: ExerciseSummary) -> list:
    title = f"{exercise.exercise_id} scores"
    blocks = [Heading(3, Plain(f"{exercise.exercise_id} ({points(exercise.max_score)} "
                               f"points)")),
              Paragraph(_counts_line(exercise)),
              Image(draw.score_histogram(file_stem("exercise", exercise.lesson,
                                                   exercise.exercise_id), title,
                                         exercise.scores, exercise.attempts,
                                         exercise.max_score))]
    if exercise.mistakes:
        blocks.append(Table(("rank", "named mistake", "students", "share of class", "hint"),
                            tuple((str(rank), Plain(m.name), str(m.students), _share(m.share),
                                   m.hint) for rank, m in enumerate(exercise.mistakes, 1))))
    unexplained = exercise.count(Attempt.FAILED) - exercise.with_named_mistake
    if unexplained > 0:
        blocks.append(Paragraph(f"{unexplained} student{'s' if unexplained != 1 else ''} lost "
                                "points without any named mistake (read a few of their "
                                "answers: there may be a mistake the course does not know "
                                "yet)."))
    return blocks


def lesson_blocks(lesson: LessonSummary) -> list:
    blocks = [Heading(2, Plain(f"Lesson {lesson.lesson}")),
              Paragraph(f"{lesson.students} submissions: mean {points(lesson.mean)}, median "
                        f"{points(lesson.median)} of {points(lesson.max_score)} points."),
              Image(draw.score_histogram(file_stem("lesson", lesson.lesson, "totals"),
                                         f"{lesson.lesson} totals", lesson.totals, None,
                                         lesson.max_score)),
              Table(("exercise", "points", "mean", "median", "not attempted",
                     "timed out or error", "named mistakes"),
                    tuple((Plain(e.exercise_id), points(e.max_score), points(e.mean),
                           points(e.median), str(e.not_attempted),
                           str(e.timed_out_or_errored), str(sum(m.students for m in e.mistakes)))
                          for e in lesson.exercises))]
    ranked = sorted((m for e in lesson.exercises for m in e.mistakes),
                    key=lambda m: -m.students)
    if ranked:
        blocks.append(Image(draw.mistakes_chart(
            file_stem("lesson", lesson.lesson, "mistakes"), f"named mistakes in {lesson.lesson}",
            [f"{m.exercise_id}: {m.name}" for m in ranked], [m.students for m in ranked],
            lesson.students)))
    for exercise in lesson.exercises:
        blocks += exercise_blocks(exercise)
    return blocks


def student_blocks(summary: ClassSummary, anonymous: bool) -> list:
    blocks = [Heading(2, "Students to look at"),
              Paragraph(f"Listed: a score under {summary.threshold:.0%} of the lesson's points, "
                        "most exercises not attempted, or a possible grader problem (a time "
                        "or memory limit, a kernel that stopped, a file that could not be "
                        "read): check those runs before blaming the student.")]
    if not summary.flagged:
        return blocks + [Paragraph("Nobody.")]
    if anonymous:
        return blocks + [Paragraph(f"{len(summary.flagged)} submissions would be listed; names "
                                   "are left out of this report (`--anonymous`).")]
    return blocks + [Table(("student", "lesson", "score", "why"),
                           tuple((Plain(f.student), Plain(f.lesson),
                                  f"{points(f.score)} of {points(f.max_score)}",
                                  "; ".join(f.reasons)) for f in summary.flagged))]


def report_blocks(summary: ClassSummary, anonymous: bool = False) -> list:
    """The whole report, top to bottom: re-teach list, lessons, exercises, students."""
    unreadable = (f" ({summary.unreadable} could not be read as notebooks)"
                  if summary.unreadable else "")
    blocks = [Heading(1, "Class report"),
              Paragraph(f"{summary.submissions} submissions{unreadable}, in "
                        f"{len(summary.lessons)} lesson{'s' if len(summary.lessons) != 1 else ''}"
                        ". Made from the grader's reports alone: no student code and no "
                        "hidden test inputs are in this report.")]
    blocks += reteach_blocks(summary)
    for lesson in summary.lessons:
        blocks += lesson_blocks(lesson)
    return blocks + student_blocks(summary, anonymous)


def figures_of(blocks: list) -> list:
    """The figures of a report, in page order."""
    return [block.figure for block in blocks if isinstance(block, Image)]
