"""Reading a returned notebook safely and finding out which lesson it belongs to.

Everything here runs in the grader's own (trusted) process and never executes the
submission: we only parse JSON. A file that is empty, not JSON, or not a valid notebook
becomes a :class:`SubmissionError` with a message an instructor can forward to the student.

The file itself is hostile too: it is opened without following a symbolic link and without
blocking (a FIFO or a device named ``*.ipynb`` is refused, never read), only a regular file
is read, and at most :data:`MAX_NOTEBOOK_BYTES` of it. A notebook whose code cells hold more
than :data:`MAX_CODE_CHARS` characters is refused before anything parses its code (a cell
of four million names costs the static check gigabytes).

The lesson comes from the notebook's metadata (``metadata.course.lesson``), not from the
file name, because students rename files. When the metadata was lost (for example the
student copied cells into a new notebook) we fall back to the exercise ids found in the
cells' nbgrader metadata.

>>> nb = nbformat.v4.new_notebook(metadata={"course": {"lesson": "01_logistic_regression_numpy"}})
>>> identify_lesson(nb, {"01_logistic_regression_numpy": ["sigmoid"]})
'01_logistic_regression_numpy'
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbformat

from course.exercises import _feedback
from course.grading import static_checks

#: Larger files are refused before parsing (a lesson notebook with outputs is ~1 MB).
MAX_NOTEBOOK_BYTES = 50 * 2**20
#: Larger code is refused before it is parsed (a lesson's solutions have under 17,000
#: characters; parsing 256 KiB of names takes ~200 MB and 2 s, 1 MiB ~730 MB and 8 s).
MAX_CODE_CHARS = 2**18
#: How a submission is opened: never through a link, never waiting on a FIFO or a device.
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class SubmissionError(Exception):
    """The submission could not be graded at all; the message says why, for the student."""


def read_submission(path: str | Path) -> nbformat.NotebookNode:
    """Parse ``path`` as a version-4 notebook, or raise :class:`SubmissionError`.

    The notebook is validated against the nbformat schema; nothing in it is executed.
    """
    raw = read_untrusted(path, MAX_NOTEBOOK_BYTES)
    if not raw:
        raise SubmissionError(_feedback.submission_problem("empty"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubmissionError(_feedback.submission_problem(
            "not_json", error=type(error).__name__, position=getattr(error, "pos", "?"))) from None
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise SubmissionError(_feedback.submission_problem("not_a_notebook"))
    try:
        notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several types for a damaged notebook
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SubmissionError(_feedback.submission_problem(
            "damaged", detail=first_line[:200])) from None
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    if sum(map(len, sources)) > MAX_CODE_CHARS:
        raise SubmissionError(_feedback.submission_problem(
            "too_much_code", characters=sum(map(len, sources)), limit=MAX_CODE_CHARS))
    try:
        static_checks.check_size(sources)
    except static_checks.StaticCheckLimit as error:
        raise SubmissionError(f"{error}.") from None
    return notebook


def read_untrusted(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, or :class:`SubmissionError` saying why not.

    Opened with :data:`OPEN_FLAGS`: a symbolic link, a FIFO, a socket or a device is refused
    without being followed, waited on or read; a file larger than ``max_bytes`` is refused
    (checked on the open file, and again while reading, should it grow).
    """
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if os.path.islink(path):
            raise SubmissionError(_feedback.submission_problem("symbolic_link")) from None
        raise SubmissionError(_feedback.submission_problem(
            "unreadable", why=error.strerror)) from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(_feedback.submission_problem("not_regular"))
        if info.st_size > max_bytes:
            raise SubmissionError(_feedback.submission_problem(
                "too_large", size_mb=info.st_size / 2**20, limit_mb=max_bytes // 2**20))
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise SubmissionError(_feedback.submission_problem(
            "grew_too_large", limit_mb=max_bytes // 2**20))
    return raw


def grade_ids(notebook) -> list[str]:
    """The nbgrader ``grade_id`` of every cell that has one, in notebook order."""
    ids = []
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if isinstance(grade_id, str):
            ids.append(grade_id)
    return ids


def identify_lesson(notebook, lessons: dict[str, list[str]]) -> str:
    """Return the lesson stem of ``notebook``, or raise :class:`SubmissionError`.

    Args:
        notebook: a parsed notebook.
        lessons: lesson stem -> the exercise ids graded in that lesson.

    The metadata ``course.lesson`` wins when it names a known lesson; otherwise the lesson
    whose exercise ids appear most often among the cells' nbgrader ``grade_id`` values.
    """
    course_metadata = notebook.get("metadata", {}).get("course", {})
    lesson = course_metadata.get("lesson") if isinstance(course_metadata, dict) else None
    if isinstance(lesson, str) and lesson in lessons:
        return lesson
    found = set(grade_ids(notebook))
    matches = {stem: len(found & set(ids)) for stem, ids in lessons.items()}
    best = max(matches, key=lambda stem: matches[stem], default=None)
    if best is None or matches[best] == 0:
        raise SubmissionError(_feedback.submission_problem("unknown_lesson"))
    return best
