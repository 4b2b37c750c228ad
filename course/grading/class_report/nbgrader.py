"""Reading nbgrader's autograded notebooks into :class:`.records.Submission` records.

nbgrader keeps a course's graded work as ``autograded/<student>/<assignment>/<lesson>.ipynb``.
In those notebooks every check cell (metadata ``nbgrader.grade_id == "check_<exercise>"``)
still holds the outputs autograde left: the verdict that ``course.check`` printed or raised
(:mod:`course.nbgrader_cells`), with the named mistakes of the visible and the hidden tests.
The score is read as nbgrader reads it (``nbgrader.utils.determine_grade``): an error output
or text on stderr is 0, else a number returned by the cell is partial credit, else full
points. Only check cells' outputs are read; answer cells (the student's code) never are.
"""

from __future__ import annotations

import json
from pathlib import Path

from course.grading.class_report import mistakes
from course.grading.class_report.records import Attempt, ExerciseResult, Submission

#: An autograded notebook larger than this is skipped (a plot-heavy one is a few MB).
MAX_NOTEBOOK_BYTES = 64 * 2**20
CHECK_PREFIX = "check_"
#: Errors that mean the cell, not the student's answer, ran out of time or of kernel.
_TIMEOUT_ERRORS = {"CellTimeoutError", "TimeoutError"}
_NOT_DEFINED_ERRORS = {"NameError"}          # the answer cell never defined the function


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _outputs_text(outputs: list) -> str:
    """What a check cell showed: its printed text and its error's message and lines."""
    pieces = []
    for output in outputs:
        if output.get("output_type") == "stream":
            pieces.append(_text(output.get("text")))
        elif output.get("output_type") == "error":
            pieces += [_text(output.get("evalue")), "\n".join(map(str, output.get("traceback")
                                                                  or []))]
    return "\n".join(pieces)


def cell_score(outputs: list, points: float) -> float:
    """The points nbgrader gives a grade cell with these outputs (see the module docstring)."""
    for output in outputs:
        if output.get("output_type") == "error" or output.get("name") == "stderr":
            return 0.0
    for output in outputs:
        if output.get("output_type") == "execute_result":
            try:
                return min(max(float(_text(output["data"]["text/plain"])), 0.0), points)
            except (KeyError, TypeError, ValueError):
                return points
    return points


def _attempt(cell: dict, text: str, score: float, points: float) -> Attempt:
    errors = {str(o.get("ename")) for o in cell.get("outputs", [])
              if o.get("output_type") == "error"}
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return Attempt.ERRORED                         # autograde never reached this cell
    if any(line.lstrip().startswith("⏳") for line in text.splitlines()) \
            or errors & _NOT_DEFINED_ERRORS:
        return Attempt.NOT_ATTEMPTED
    if errors & _TIMEOUT_ERRORS or "did not finish within" in text:
        return Attempt.TIMED_OUT                       # course.check's too_slow wording
    if errors - {"CheckFailed"}:
        return Attempt.ERRORED
    return Attempt.PASSED if score >= points else Attempt.FAILED


def check_results(notebook: dict) -> list[ExerciseResult]:
    """One :class:`ExerciseResult` per check cell of an autograded notebook, in order."""
    results = []
    for cell in notebook.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = str(meta.get("grade_id", ""))
        if cell.get("cell_type") != "code" or not meta.get("grade") \
                or not grade_id.startswith(CHECK_PREFIX):
            continue
        exercise_id, points = grade_id[len(CHECK_PREFIX):], float(meta.get("points") or 0)
        outputs = [o for o in cell.get("outputs") or [] if isinstance(o, dict)]
        text = _outputs_text(outputs)
        score = cell_score(outputs, points)
        attempt = _attempt(cell, text, score, points)
        found = mistakes.recognised(exercise_id, text) if attempt is Attempt.FAILED else ()
        results.append(ExerciseResult(exercise_id, score, points, attempt, found))
    return results


def _lesson(notebook: dict, path: Path) -> str:
    course = (notebook.get("metadata") or {}).get("course") or {}
    lesson = course.get("lesson") if isinstance(course, dict) else None
    return lesson if isinstance(lesson, str) and lesson else path.stem


def _problem(results: list) -> str:
    if any(r.attempt is Attempt.TIMED_OUT for r in results):
        return "a test hit the time limit"
    if any(r.attempt is Attempt.ERRORED for r in results):
        return "an exercise could not be graded"
    return ""


def autograded_submission(path: Path, student: str) -> Submission:
    """One autograded notebook as a :class:`Submission` (never raises)."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError("too large")
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(notebook, dict):
            raise ValueError("not a notebook")
    except (OSError, ValueError):
        return Submission(student, None, 0.0, 0.0, (), "could not be graded")
    results = check_results(notebook)
    return Submission(student, _lesson(notebook, path), round(sum(r.score for r in results), 2),
                      sum(r.max_score for r in results), tuple(results), _problem(results))


def autograded_folder(folder: Path) -> Path:
    """nbgrader's ``autograded/`` folder when given a course's root, else ``folder`` itself."""
    return folder / "autograded" if (folder / "autograded").is_dir() else folder


def read_autograded(folder: Path) -> list[Submission]:
    """Every autograded notebook under ``folder`` (a course root or its ``autograded/``).

    The student is the first folder under ``autograded/`` (nbgrader's student id), or the
    notebook's stem when notebooks lie directly in ``folder``.
    """
    root = autograded_folder(Path(folder))
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        relative = path.relative_to(root)
        if ".ipynb_checkpoints" in relative.parts or not path.is_file():
            continue
        student = relative.parts[0] if len(relative.parts) > 1 else path.stem
        found.append(autograded_submission(path, student))
    return found
