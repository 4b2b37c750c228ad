"""Rules every lesson's exercises follow (shared; docs/exercise_design.md explains them).

* At least 18 graded exercises in the registry, and at least 70 % of all points on exercises
  whose answer appears nowhere in the learner's notebook (``answer_in_lesson=False``).
* The flag is checked against the learner's notebook: an exercise that says its answer is not
  in the lesson has no non-trivial line of its answer (tests/_solution_lines.py) in any cell
  of ``lessons/<lesson>.ipynb``.
* At least two named mistakes per exercise.
* No credit from tests that cannot see the mistake. The rule chosen is both halves: hidden
  cases are designed so that every named mistake gives a wrong answer on every one of them
  (checked below over fresh cases), and ``Exercise.grade`` gives nothing for a case on which
  a mistake recognised elsewhere would give the right answer (tests/test_contracts.py).

A line of an answer that only calls another exercise named in ``depends_on`` (the learner's
own function, e.g. ``model = build_model()``) is not an answer line (tests/_solution_lines.py).
A line the lesson shows on purpose in another setting, where the exercise is about something
else, is listed in ``SHOWN_BY_DESIGN`` with its reason (and must still be shown, so the list
cannot go stale); any other shown line breaks the flag.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from course import exercises

sys.path.insert(0, str(Path(__file__).parent))
from _solution_lines import (LESSONS, SOLUTIONS, gives_away, non_trivial_lines,  # noqa: E402
                             notebook, notebook_path, solution_region, source)

MIN_EXERCISES, MIN_SHARE_NOT_IN_LESSON = 18, 0.70
MIN_MISTAKES = 2
SEEDS = (0, 1, 2)
#: exercise id -> {normalised answer line: why the lesson shows it although the answer is not}
SHOWN_BY_DESIGN = {
    "backprop": {"dZ1=dA1*A1*(1-A1)": "the worked 2-2-1 check after dense_backward shows one "
                 "step through a sigmoid layer; the exercise is the whole three-layer chain"},
    "train_minibatch": {"weights=[p-alpha*gforp,ginzip(weights,gradients)]": "the given "
                        "full-batch `train` recalls lesson 04's update step; the exercise is "
                        "the loop over batches and the weighted epoch loss"},
}


def test_at_least_18_graded_exercises():
    count = len(exercises.all_exercises())
    assert count >= MIN_EXERCISES, f"{count} graded exercises; the course needs {MIN_EXERCISES}"


def test_most_points_are_on_answers_the_lesson_does_not_show():
    every = exercises.all_exercises()
    total = sum(e.points for e in every)
    hidden = sum(e.points for e in every if not e.answer_in_lesson)
    shown = sorted(e.id for e in every if e.answer_in_lesson)
    assert hidden >= MIN_SHARE_NOT_IN_LESSON * total, (
        f"{hidden} of {total} points on answers not in the lesson; shown: {shown}")


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_the_answer_in_lesson_flag_matches_the_learners_notebook(lesson):
    solution_cells = notebook(notebook_path(SOLUTIONS, lesson))["cells"]
    learner_text = "\n".join(source(c) for c in notebook(notebook_path(LESSONS, lesson))["cells"])
    problems = []
    for exercise in exercises.for_lesson(lesson):
        lines = non_trivial_lines(solution_region(solution_cells, exercise.id),
                                  calls_of=exercise.depends_on)
        assert lines, f"{exercise.id}: no answer found in solutions/{lesson}.ipynb"
        by_design = SHOWN_BY_DESIGN.get(exercise.id, {})
        stale = [line for line in by_design if line not in gives_away(learner_text, lines)]
        assert not stale, f"{exercise.id}: SHOWN_BY_DESIGN lists lines no longer shown: {stale}"
        shown = [line for line in gives_away(learner_text, lines) if line not in by_design]
        if shown and not exercise.answer_in_lesson:
            problems.append(f"{exercise.id} says answer_in_lesson=False, but lessons/"
                            f"{lesson}.ipynb shows {shown}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_every_exercise_names_at_least_two_mistakes(lesson):
    few = {e.id: len(e.mistakes) for e in exercises.for_lesson(lesson)
           if len({m.name for m in e.mistakes}) < MIN_MISTAKES}
    assert not few, f"exercises with fewer than {MIN_MISTAKES} named mistakes: {few}"


def blind_spots(exercise, seeds=SEEDS) -> list:
    """(seed, case index, mistake name) where a named mistake gives the right answer, on the
    hidden cases that are not declared edge cases (``Exercise.edge_case``)."""
    spots = []
    for seed in seeds:
        for index, args in enumerate(exercise.grading_cases(np.random.default_rng(seed))):
            if exercise.edge_case(args):
                continue
            expected = exercise.answer(args)
            spots += [(seed, index, mistake.name) for mistake in exercise.mistakes
                      if exercise._coincides(mistake, args, expected)]
    return spots


@pytest.mark.parametrize("lesson", exercises.LESSONS)
def test_every_hidden_case_sees_every_named_mistake(lesson):
    """A mistake that applies (``produce`` is not None) differs from the right answer on
    every hidden case: a missing 1/m needs m >= 2, a missing clip needs a 0 or a 1, ..."""
    problems = {e.id: blind_spots(e) for e in exercises.for_lesson(lesson)}
    problems = {key: value[:5] for key, value in problems.items() if value}
    assert not problems, f"(seed, case, mistake) where the mistake is right: {problems}"


def test_a_case_blind_to_a_mistake_is_found():
    """Control: a single example cannot tell a missing 1/m from the right cost."""
    exercise = exercises.get("compute_cost")
    rng = np.random.default_rng(0)
    args = {"X": rng.normal(size=(1, 3)), "y": np.array([1.0]), "w": rng.normal(size=3),
            "b": 0.5}
    mistake = next(m for m in exercise.mistakes if m.name == "a missing 1/m")
    assert exercise._coincides(mistake, args, exercise.answer(args))
