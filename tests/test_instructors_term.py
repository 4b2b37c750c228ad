"""The first week of an instructor's term (issue 19), as one class graded with ``course grade``.

Five students hand in lesson 01, each in a folder of their own:

* **ada** answers everything right;
* **bea** hands the lesson in untouched;
* **cy** is right everywhere except the sign of ``compute_gradient``'s gradient: her
  ``gradient_descent`` (which calls it) is the solution's, so it earns full marks, with a note
  to fix ``compute_gradient`` first, and the sign costs points once;
* **dev** forgets the 1/m in ``compute_cost`` and in ``compute_gradient``: a recognised
  mistake earns nothing for its exercise, even on a test (m = 1) where it cannot show;
* **eli** writes a ``gradient_descent`` that changes ``w_in`` in place, which its docstring
  forbids: a named mistake with a hint, not full marks.

Then the instructor regrades one student into the same ``--out``: the gradebook keeps every
row, with a ``student`` column, and the HTML feedback shows rendered Markdown, never raw.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import make_corpus as corpus  # noqa: E402  (the corpus' own notebook builders)

LESSON = corpus.L01
POINTS = {exercise_id: corpus.POINTS[exercise_id] for exercise_id in corpus.L01_IDS}
#: The self-contained gradient_descent, but stepping ``w_in`` itself (``w -= ...``).
IN_PLACE = corpus.SELF_CONTAINED["gradient_descent"].replace(
    "w, b = np.array(w_in, dtype=np.float64), float(b_in)", "w, b = w_in, float(b_in)").replace(
    "    w, b = w - alpha * X.T @ err / X.shape[0], b - alpha * float(np.mean(err))",
    "    w -= alpha * X.T @ err / X.shape[0]\n    b = b - alpha * float(np.mean(err))")


def students() -> dict[str, dict]:
    """The five notebooks, by student."""
    no_one_over_m = corpus.self_contained(
        compute_cost=corpus.SELF_CONTAINED["compute_cost"].replace("np.mean(", "np.sum("),
        compute_gradient="""\
err = 1 / (1 + np.exp(-(X @ w + b))) - y
return X.T @ err, float(np.sum(err))""")
    return {
        "ada": corpus.self_contained(),
        "bea": corpus.lesson(LESSON),
        "cy": json.loads((corpus.HERE / "dependency_gradient_sign.ipynb").read_text()),
        "dev": no_one_over_m,
        "eli": corpus.self_contained(gradient_descent=IN_PLACE),
    }


def grade(folder: Path, out: Path, feedback: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    process = subprocess.run(
        [sys.executable, "-m", "course.cli", "grade", str(folder), "--out", str(out),
         "--feedback", str(feedback), "--jobs", "2"], env=env, capture_output=True, text=True,
        timeout=900)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return process


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The class graded once, then ``cy`` regraded alone into the same ``--out``."""
    root = tmp_path_factory.mktemp("term")
    for student, notebook in students().items():
        corpus_path = root / "submissions" / student / f"{LESSON}.ipynb"
        corpus_path.parent.mkdir(parents=True)
        corpus_path.write_text(json.dumps(notebook), encoding="utf-8")
    out, feedback = root / "grades", root / "feedback"
    grade(root / "submissions", out, feedback)
    first = rows(out)
    grade(root / "submissions" / "cy", out, feedback)
    return root, first, rows(out)


def rows(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def report(root: Path, student: str) -> dict:
    return json.loads((root / "grades" / f"{student}-{LESSON}.json").read_text())


def scores(root: Path, student: str) -> dict:
    return {e["id"]: e["score"] for e in report(root, student)["exercises"]}


def feedback_of(root: Path, student: str, exercise_id: str) -> str:
    return next(e["feedback"] for e in report(root, student)["exercises"]
                if e["id"] == exercise_id)


def test_the_right_answers_get_every_point_and_the_blank_lesson_none(term):
    root, _, _ = term
    assert scores(root, "ada") == POINTS
    assert scores(root, "bea") == {exercise_id: 0 for exercise_id in POINTS}


def test_a_right_gradient_descent_keeps_its_points_when_compute_gradient_is_wrong(term):
    root, _, _ = term
    got = scores(root, "cy")
    assert got["gradient_descent"] == POINTS["gradient_descent"]
    assert got["compute_gradient"] == 0
    assert "fix compute_gradient first" in feedback_of(root, "cy", "gradient_descent")


def test_a_recognised_missing_one_over_m_earns_nothing_for_its_exercise(term):
    root, _, _ = term
    got = scores(root, "dev")
    assert got["compute_cost"] == 0 and got["compute_gradient"] == 0
    assert "1/m" in feedback_of(root, "dev", "compute_cost")
    assert got["sigmoid"] == POINTS["sigmoid"]


def test_changing_w_in_in_place_is_a_named_mistake(term):
    root, _, _ = term
    assert IN_PLACE != corpus.SELF_CONTAINED["gradient_descent"]     # the mistake was planted
    got = scores(root, "eli")
    assert got["gradient_descent"] < POINTS["gradient_descent"]
    assert "in place" in feedback_of(root, "eli", "gradient_descent")


def test_the_gradebook_has_a_student_column_and_keeps_every_row_after_a_regrade(term):
    _, first, after = term
    assert sorted(first) == sorted(after) == ["ada", "bea", "cy", "dev", "eli"]
    assert after["cy"]["graded_at"] >= first["cy"]["graded_at"]
    for student in ("ada", "bea", "dev", "eli"):
        assert after[student] == first[student]


def test_the_html_feedback_shows_no_raw_markdown(term):
    root, _, _ = term
    page = (root / "feedback" / f"dev-{LESSON}.html").read_text(encoding="utf-8")
    text = page.split("<body", 1)[1]
    assert "<code>" in text or "<em>" in text or "<strong>" in text
    assert "`" not in text and "**" not in text
