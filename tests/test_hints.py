"""Every graded exercise has a hint ladder that never gives the answer away (shared rule).

The convention (docs/exercise_design.md): in ``solutions/``, one markdown cell right before
the exercise's answer cell, with metadata ``{"course": {"hints": "<exercise id>"}}``, holding
exactly three collapsed rungs in this order:

    <details><summary>Hint 1: the idea</summary> ... </details>
    <details><summary>Hint 2: the plan, with shapes</summary> ... </details>
    <details><summary>Hint 3: a sketch with blanks</summary> ... </details>

The sketch has ``___`` blanks, and no rung holds a non-trivial line of the answer (the code
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; see tests/_solution_lines.py). The
registry's hints, one per named mistake, must not hold one either. The same cell reaches the
learner's notebook in ``lessons/``.

The two "no line of the answer" rules do not apply to an exercise declared
``answer_in_lesson=True`` (e.g. ``build_model``, which copies the slide): its answer is shown
in the lesson by design, so a hint quoting it gives nothing away. Lines that only call another
exercise named in ``depends_on`` are not answer lines (tests/_solution_lines.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from course import exercises

sys.path.insert(0, str(Path(__file__).parent))
from _solution_lines import (LESSONS, SOLUTIONS, answer_cell_index, gives_away,  # noqa: E402
                             non_trivial_lines, notebook, notebook_path, solution_region, source)

RUNGS = ("Hint 1: the idea", "Hint 2: the plan, with shapes", "Hint 3: a sketch with blanks")
DETAILS = re.compile(r"<details><summary>(?P<title>[^<]*)</summary>(?P<body>.*?)</details>",
                     re.S)


def hidden_answers(lesson):
    """The lesson's exercises whose answer the lesson does not show (the rules below)."""
    return [e for e in exercises.for_lesson(lesson) if not e.answer_in_lesson]


def hints_cell(cells, exercise_id):
    """The cell right before the answer cell, if it is the exercise's hints cell."""
    index = answer_cell_index(cells, exercise_id)
    if index is None or index == 0:
        return None
    cell = cells[index - 1]
    if cell.get("metadata", {}).get("course", {}).get("hints") != exercise_id:
        return None
    return cell


def ladder_problems(cells, exercise) -> list:
    """What is wrong with one exercise's ladder in one notebook (empty when all is well)."""
    cell = hints_cell(cells, exercise.id)
    if cell is None:
        return [f"{exercise.id}: no hints cell right before its answer cell (markdown, "
                f'metadata {{"course": {{"hints": "{exercise.id}"}}}})']
    problems = []
    if cell["cell_type"] != "markdown":
        problems.append(f"{exercise.id}: the hints cell is not markdown")
    rungs = DETAILS.findall(source(cell))
    titles = tuple(title.strip() for title, _ in rungs)
    if titles != RUNGS:
        problems.append(f"{exercise.id}: rungs {titles}, expected exactly {RUNGS}")
    elif "___" not in rungs[2][1]:
        problems.append(f"{exercise.id}: the sketch (rung 3) has no ___ blank")
    return problems


def answer_lines(exercise):
    cells = notebook(notebook_path(SOLUTIONS, exercise.lesson))["cells"]
    return non_trivial_lines(solution_region(cells, exercise.id), calls_of=exercise.depends_on)


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_every_exercise_has_three_rungs_in_order_before_its_answer(lesson):
    cells = notebook(notebook_path(SOLUTIONS, lesson))["cells"]
    problems = [p for e in exercises.for_lesson(lesson) for p in ladder_problems(cells, e)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_the_learners_notebook_has_the_same_ladders(lesson):
    cells = notebook(notebook_path(LESSONS, lesson))["cells"]
    problems = [p for e in exercises.for_lesson(lesson) for p in ladder_problems(cells, e)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_no_rung_holds_a_line_of_the_answer(lesson):
    cells = notebook(notebook_path(SOLUTIONS, lesson))["cells"]
    problems = []
    for exercise in hidden_answers(lesson):
        cell = hints_cell(cells, exercise.id)
        lines = answer_lines(exercise)
        assert lines, f"{exercise.id}: no answer lines found in solutions/"
        if cell is None:
            problems.append(f"{exercise.id}: no hints cell")
            continue
        for title, body in DETAILS.findall(source(cell)):
            for line in gives_away(body, lines):
                problems.append(f"{exercise.id}, {title.strip()}: gives away `{line}`")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_no_mistake_hint_holds_a_line_of_the_answer(lesson):
    problems = []
    for exercise in hidden_answers(lesson):
        lines = answer_lines(exercise)
        for mistake in exercise.mistakes:
            problems += [f"{exercise.id}, hint for {mistake.name!r}: gives away `{line}`"
                         for line in gives_away(mistake.hint, lines)]
        for contract in exercise.contracts:
            problems += [f"{exercise.id}, hint for {contract.name!r}: gives away `{line}`"
                         for line in gives_away(contract.hint, lines)]
    assert not problems, "\n".join(problems)


def test_the_rule_catches_a_ladder_that_gives_the_answer_away():
    """Control: a sketch without blanks and a rung holding an answer line are both caught."""
    exercise = exercises.get("compute_gradient")
    lines = answer_lines(exercise)
    bad_rung = "<details><summary>Hint 2: the plan, with shapes</summary>\n" \
               "`dj_dw = X.T @ err / m`\n</details>"
    assert gives_away(bad_rung, lines) == ["dj_dw=X.T@err/m"]
    cells = [{"cell_type": "markdown", "metadata": {"course": {"hints": exercise.id}},
              "source": "<details><summary>Hint 1: the idea</summary>x</details>"
                        "<details><summary>Hint 2: the plan, with shapes</summary>y</details>"
                        "<details><summary>Hint 3: a sketch with blanks</summary>z</details>"},
             {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": exercise.id,
                                                            "solution": True}}, "source": ""}]
    assert ladder_problems(cells, exercise) == [
        "compute_gradient: the sketch (rung 3) has no ___ blank"]
    assert "no hints cell" in ladder_problems(cells[1:], exercise)[0]
