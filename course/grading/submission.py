"""Reading a returned notebook safely and finding out which lesson it belongs to.

Everything here runs in the grader's own (trusted) process and never executes the
submission: we only parse JSON. A file that is empty, not JSON, or not a valid notebook
becomes a :class:`SubmissionError` with a message an instructor can forward to the student.

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
from pathlib import Path

import nbformat

#: Larger files are refused before parsing (a lesson notebook with outputs is ~1 MB).
MAX_NOTEBOOK_BYTES = 50 * 2**20


class SubmissionError(Exception):
    """The submission could not be graded at all; the message says why, for the student."""


def read_submission(path: str | Path) -> nbformat.NotebookNode:
    """Parse ``path`` as a version-4 notebook, or raise :class:`SubmissionError`.

    The notebook is validated against the nbformat schema; nothing in it is executed.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SubmissionError(f"the file could not be read ({error.strerror}).") from None
    if size == 0:
        raise SubmissionError("the file is empty: nothing was submitted.")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"the file is {size / 2**20:.0f} MB, larger than the "
                              f"{MAX_NOTEBOOK_BYTES // 2**20} MB a notebook may have.")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubmissionError(f"the file is not a Jupyter notebook (it is not valid JSON: "
                              f"{type(error).__name__} at byte {getattr(error, 'pos', '?')}).") from None
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise SubmissionError("the file is JSON but not a Jupyter notebook "
                              "(it has no 'cells' or no 'nbformat').")
    try:
        notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several types for a damaged notebook
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SubmissionError(f"the notebook is damaged and cannot be opened "
                              f"({first_line[:200]}).") from None
    return notebook


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
        raise SubmissionError("could not tell which lesson this notebook belongs to: its "
                              "metadata has no known 'course.lesson' and no cell carries an "
                              "exercise id. Submit the lesson notebook you were given.")
    return best
