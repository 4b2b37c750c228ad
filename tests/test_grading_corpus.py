"""The grader against the corpus of submissions in tests/corpus/ (made by make_corpus.py).

One ``course grade`` run over the whole folder (two jobs at a time, the default limits) is
shared by every test (``corpus_grades`` in tests/conftest.py; the class report's tests read it
too). Each submission must get exactly the score expected.json gives it, every exercise
its expected points, and the feedback the phrase that explains them; the run must finish
with exit status 0 and write every report.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from course import exercises

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def graded(corpus_grades):
    """The corpus graded once (tests/conftest.py): (completed process, output folder)."""
    return corpus_grades


def report(out: Path, name: str) -> dict:
    return json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))


def test_the_run_finishes_with_status_0_and_a_line_per_submission(graded):
    process, _ = graded
    assert process.returncode == 0, process.stderr[-2000:]
    progress = [line for line in process.stdout.splitlines() if line.startswith("[")]
    first_pass = [line for line in progress if "regraded alone" not in line]
    assert len(first_pass) == len(EXPECTED)
    assert "submission" in process.stdout and "score" in process.stdout   # the summary table


def test_the_corpus_is_complete():
    notebooks = {path.name for path in CORPUS.glob("*.ipynb")}
    assert notebooks == set(EXPECTED)
    assert len(notebooks) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_submission_gets_exactly_its_expected_score(graded, name):
    _, out = graded
    expected, got = EXPECTED[name], report(out, name)
    scores = {entry["id"]: entry["score"] for entry in got["exercises"]}
    if expected["error"]:
        assert expected["error"] in got["error"]
        assert got["score"] == 0
    else:
        assert got["error"] is None
        assert scores == pytest.approx(expected["scores"])
    assert got["score"] == pytest.approx(expected["total"])
    feedback = {entry["id"]: entry["feedback"] for entry in got["exercises"]}
    for exercise_id, phrase in expected["phrases"].items():
        assert phrase in feedback[exercise_id], feedback[exercise_id]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_lost_point_is_explained(graded, name):
    _, out = graded
    for entry in report(out, name)["exercises"]:
        assert entry["feedback"].startswith(entry["id"] + ":")
        if entry["score"] < entry["max_score"]:
            assert len(entry["feedback"].splitlines()[0]) > len(entry["id"]) + 20 or \
                len(entry["feedback"].splitlines()) > 1, entry["feedback"]


def test_feedback_never_shows_hidden_inputs_or_expected_values(graded):
    _, out = graded
    for name in EXPECTED:
        for entry in report(out, name)["exercises"]:
            # hidden values would be printed at fixed precision, e.g. 0.731059
            assert not re.search(r"\d\.\d{4,}", entry["feedback"]), entry["feedback"]


def test_grades_csv_has_a_row_per_submission_and_a_stable_column_order(graded):
    _, out = graded
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:3] == ["student", "submission", "lesson"]
    graded_ids = {exercise_id for entry in EXPECTED.values() for exercise_id in entry["scores"]}
    in_course_order = [e.id for e in exercises.all_exercises() if e.id in graded_ids]
    assert in_course_order[:4] == ["sigmoid", "compute_cost", "compute_gradient",
                                   "gradient_descent"]
    assert header[3:-6] == in_course_order
    assert header[-6:] == ["total", "max_total", "error", "flags", "graded_at", "report"]
    assert [row["submission"] for row in rows] == sorted(EXPECTED)
    for row in rows:
        assert float(row["total"]) == pytest.approx(EXPECTED[row["submission"]]["total"])
    correct = next(row for row in rows if row["submission"] == "correct.ipynb")
    assert (correct["sigmoid"], correct["build_model"], correct["total"]) == ("2", "", "9")


def test_gradescope_results_follow_the_specification(graded):
    _, out = graded
    for name, expected in EXPECTED.items():
        results = json.loads((out / f"{Path(name).stem}.results.json").read_text())
        assert results["score"] == pytest.approx(expected["total"])
        assert isinstance(results["execution_time"], (int, float))
        assert results["visibility"] in VISIBILITIES
        assert results["tests"]
        for test in results["tests"]:
            assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
            assert test["visibility"] in VISIBILITIES
            assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0


def test_kernel_problems_are_reported_for_the_whole_notebook(graded):
    _, out = graded
    assert "memory limit" in report(out, "memory_hog.ipynb")["kernel_problem"]
    assert "ignored the interrupt" in \
        report(out, "infinite_loop_ignores_interrupt.ipynb")["kernel_problem"]
    assert "kernel stopped" in report(out, "os_exit.ipynb")["kernel_problem"]
    errors = report(out, "huge_allocation.ipynb")["notebook_errors"]
    assert any("MemoryError" in line for line in errors)


def test_outcomes_a_neighbour_could_have_caused_are_regraded_alone(graded):
    """With --jobs 2 a crashed kernel or a missing result might be another submission's doing."""
    process, out = graded
    for name in ("os_exit.ipynb", "segfault_in_function.ipynb",
                 "background_thread_rewrites_results.ipynb"):
        assert report(out, name).get("regraded_alone") is True
        assert f"regraded alone: {name}" in process.stdout
    for name in ("correct.ipynb", "memory_hog.ipynb", "infinite_loop.ipynb"):
        assert "regraded_alone" not in report(out, name)
