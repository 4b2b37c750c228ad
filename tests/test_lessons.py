"""The notebooks as a whole: lessons/ is generated, lessons run, solutions' checks pass.

(a) lessons/ equals a fresh regeneration from solutions/ (``course build-lessons --check``);
(b) every lesson runs top to bottom and its only errors are the unfinished exercises'
    ``NotImplementedError`` (shown as "This cell needs exercise ..."), and every exercise's
    check cell ran and said "not finished yet";
(c) every check cell stored in solutions/ printed a pass verdict.

The tests run over solutions/*.ipynb; an empty solutions/ fails. The helpers that judge a
notebook are tested on small notebooks built here, so they are known to be able to fail.
"""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course import exercises
from course.authoring import lesson_texts, make_lesson, notebook_text

sys.path.insert(0, str(Path(__file__).parent))
import _notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, LESSONS = ROOT / "solutions", ROOT / "lessons"
SOLUTION_PATHS = sorted(SOLUTIONS.glob("*.ipynb"))
CELL_TIMEOUT = 300


def lesson_of(notebook) -> str:
    return notebook["metadata"]["course"]["lesson"]


def cells_by_grade_id(notebook) -> dict:
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell for cell in notebook["cells"]
            if "grade_id" in cell.get("metadata", {}).get("nbgrader", {})}


def stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o["output_type"] == "stream")


def convention_problems(notebook) -> list:
    """Answer and check cells missing or with metadata that disagrees with the registry."""
    problems, cells = [], cells_by_grade_id(notebook)
    for exercise in exercises.for_lesson(lesson_of(notebook)):
        answer, check = cells.get(exercise.id), cells.get(f"check_{exercise.id}")
        if answer is None or not answer["metadata"]["nbgrader"].get("solution"):
            problems.append(f"no answer cell with grade_id {exercise.id!r}")
        if check is None:
            problems.append(f"no check cell with grade_id 'check_{exercise.id}'")
            continue
        meta = check["metadata"]["nbgrader"]
        graded = meta.get("grade") and meta.get("locked")
        if not graded or meta.get("points") != exercise.points:
            problems.append(f"check_{exercise.id}: nbgrader metadata {meta} (points should "
                            f"be {exercise.points})")
        if f'check.exercise("{exercise.id}", {exercise.id})' not in "".join(check["source"]):
            problems.append(f"check_{exercise.id} does not call "
                            f'check.exercise("{exercise.id}", {exercise.id})')
    return problems


def unexpected_errors(notebook) -> list:
    """Error outputs other than "this cell needs exercise X" for one of the lesson's X."""
    ids = {e.id for e in exercises.for_lesson(lesson_of(notebook))}
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output["output_type"] != "error":
                continue
            text = "\n".join(output["traceback"])
            friendly = any(f"This cell needs exercise `{i}`" in text for i in ids)
            if output["ename"] != "NotImplementedError" or not friendly:
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
    return found


def verdicts(notebook) -> dict:
    """The first line each check cell printed, by exercise id."""
    cells = cells_by_grade_id(notebook)
    return {e.id: (stream_text(cells[f"check_{e.id}"]).splitlines() or [""])[0]
            for e in exercises.for_lesson(lesson_of(notebook)) if f"check_{e.id}" in cells}


def execute(notebook, folder):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            allow_errors=True, resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)
    return notebook


# -- the course's own notebooks --------------------------------------------------------------------
def test_solutions_are_the_four_lessons():
    assert sorted(p.stem for p in SOLUTION_PATHS) == sorted(exercises.LESSONS), \
        f"solutions/ must hold one notebook per lesson; found {[p.name for p in SOLUTION_PATHS]}"
    numbers = [int(lesson[:2]) for lesson in exercises.LESSONS]
    assert numbers == sorted(numbers), f"the registry's lessons out of order: {numbers}"


def test_lessons_folder_holds_exactly_the_generated_lessons():
    assert sorted(p.name for p in LESSONS.glob("*.ipynb")) == [p.name for p in SOLUTION_PATHS]


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_lesson_equals_a_fresh_regeneration(path):
    expected = lesson_texts(SOLUTIONS)[path.name]
    lesson = LESSONS / path.name
    assert lesson.exists(), f"{lesson} is missing: run `course build-lessons`"
    assert lesson.read_text(encoding="utf-8") == expected, \
        f"{lesson} is out of date: run `course build-lessons`"
    assert "BEGIN SOLUTION" not in expected


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_solution_follows_the_conventions(path):
    notebook = nbformat.read(str(path), as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert lesson_of(notebook) == path.stem
    assert convention_problems(notebook) == []


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_every_check_cell_in_solutions_passes(path):
    notebook = nbformat.read(str(path), as_version=4)
    found = verdicts(notebook)
    assert sorted(found) == sorted(e.id for e in exercises.for_lesson(path.stem))
    for exercise_id, first_line in found.items():
        assert first_line.startswith(f"✅ {exercise_id}: all "), (exercise_id, first_line)


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=lambda p: p.stem)
def test_lesson_runs_and_fails_only_on_unfinished_exercises(path):
    notebook = execute(nbformat.reads(lesson_texts(SOLUTIONS)[path.name], as_version=4),
                       LESSONS)
    assert unexpected_errors(notebook) == []
    for exercise_id, first_line in verdicts(notebook).items():
        assert first_line.startswith("⏳ ") and f"`{exercise_id}`" in first_line, first_line
    assert len(verdicts(notebook)) == len(exercises.for_lesson(path.stem))


# -- the judges themselves, on notebooks built here --------------------------------------------------
def test_judges_accept_a_good_lesson_and_catch_a_broken_one(tmp_path):
    solution = _notebooks.solution_notebook()
    (tmp_path / "l.ipynb").write_text(notebook_text(make_lesson(solution)))
    lesson = execute(nbformat.read(str(tmp_path / "l.ipynb"), as_version=4), tmp_path)
    errors = [o for c in lesson.cells for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert len(errors) == 2 and unexpected_errors(lesson) == []
    assert verdicts(lesson)["sigmoid"].startswith("⏳ Exercise `sigmoid` is not finished")

    broken = make_lesson(solution)
    broken["cells"].insert(2, nbformat.v4.new_code_cell("1 / 0"))
    broken["cells"].append(nbformat.v4.new_code_cell("raise NotImplementedError()"))
    broken = execute(nbformat.from_dict(broken), tmp_path)
    assert unexpected_errors(broken) == ["cell 2: ZeroDivisionError: division by zero",
                                         "cell 9: NotImplementedError: "]


def test_judges_catch_failing_checks_and_broken_conventions(tmp_path):
    solution = _notebooks.solution_notebook("02_loss_and_cost")
    assert "no answer cell with grade_id 'binary_crossentropy'" in convention_problems(solution)
    solution = _notebooks.solution_notebook()
    solution.cells[3].metadata["nbgrader"]["points"] = 5
    problems = convention_problems(solution)
    assert any("check_sigmoid: nbgrader metadata" in p for p in problems)
    assert "no check cell with grade_id 'check_gradient_descent'" in problems

    solution.cells[2].source = solution.cells[2].source.replace("-z", "z")
    executed = execute(solution, tmp_path)
    assert verdicts(executed)["sigmoid"].startswith("❌ sigmoid:")
    assert verdicts(executed)["compute_cost"].startswith("❌ compute_cost:")
