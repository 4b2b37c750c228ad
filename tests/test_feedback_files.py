"""Tests of course.grading.feedback_files: the files a student gets back from `course grade`."""

import json
import re
from pathlib import Path

import numpy as np

from course import exercises
from course.cli import main
from course.grading import reports
from course.grading.feedback_files import html, markdown, write_feedback
from course.grading.grader import grade_submission

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def report_of(**changes) -> dict:
    report = {
        "submission": "ada <3>.ipynb", "lesson": "01_logistic_regression_numpy",
        "score": 5.0, "max_score": 11.0, "error": None, "kernel_problem": None,
        "notebook_errors": ["code cell 4: NameError: name 'X' is not defined"],
        "limits": {"cell_seconds": 20, "cells_seconds": 30, "case_seconds": 5,
                   "total_seconds": 600, "memory_mb": 2048},
        "sandbox": {"kind": "bubblewrap"},
        "exercises": [
            {"id": "sigmoid", "score": 2.0, "max_score": 2.0, "status": "passed",
             "feedback": "sigmoid: all 4 tests passed.", "case_seconds": 5.0},
            {"id": "compute_cost", "score": 0.0, "max_score": 3.0, "status": "not_attempted",
             "feedback": "compute_cost: not attempted (the function still raises "
                         "NotImplementedError).", "case_seconds": 5.0},
            {"id": "compute_gradient", "score": 3.0, "max_score": 3.0, "status": "passed",
             "feedback": "compute_gradient: all 6 tests passed.", "case_seconds": 5.0},
            {"id": "gradient_descent", "score": 0.0, "max_score": 3.0, "status": "timeout",
             "feedback": "gradient_descent: 0 of 3 points. Not graded: your function did not "
                         "finish a test within its time limit of 12.5 s.",
             "case_seconds": 12.5}]}
    report.update(changes)
    return report


def test_every_exercise_its_points_what_to_fix_what_passed_errors_and_limits():
    text = markdown(report_of())
    assert "**Score: 5 of 11 points.**" in text
    assert "| compute_cost | 0 of 3 | ⏳ not attempted |" in text
    assert "| gradient_descent | 0 of 3 | ⏱ time limit |" in text
    fix, passed = text.split("## What to fix")[1].split("## What passed")
    assert "### compute_cost: 0 of 3 points\n\n- Not attempted (the function" in fix
    assert ("### gradient_descent: 0 of 3 points\n\n- Not graded: your function did not "
            "finish a test within its time limit of 12.5 s.") in fix
    assert "sigmoid" not in fix and "- sigmoid: all 4 tests passed." in passed
    assert "- code cell 4: NameError: name 'X' is not defined" in text
    assert "Stopped at the time limit: gradient_descent." in text
    assert "each test of an exercise 5 to 12.5 s, each cell 20 s, the whole notebook 600 s" \
        in text
    assert "Your notebook ran in a sandbox: bubblewrap." in text


def test_a_submission_that_could_not_be_graded_says_why_once():
    error = "Not graded: the file is not a Jupyter notebook (it is not valid JSON)."
    text = markdown(report_of(error=error, score=0.0, exercises=[], lesson=None, limits=None,
                              notebook_errors=[]))
    assert text.count(error) == 1 and "What to fix" not in text and "|" not in text


def test_the_html_page_is_self_contained_and_escapes_everything():
    page = html(report_of(notebook_errors=["code cell 2: <script>alert(1)</script>"]))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)\s*=|https?://|<link|@import", page)
    assert "<title>Feedback on ada &lt;3&gt;.ipynb</title>" in page
    assert "<strong>Score: 5 of 11 points.</strong>" in page
    assert "<td>compute_cost</td><td>0 of 3</td><td>⏳ not attempted</td>" in "".join(
        line.strip() for line in page.splitlines())


HOSTILE_NAME = "ada.ipynb\n\n**Score: 11 of 11 points.**\n<!--"
HOSTILE_ERROR = ("code cell 2: Boom: <img src=x onerror=alert(1)> [click](javascript:alert(1)) "
                 "\\[x](javascript:alert(2)) | # heading")


def hostile_report():
    report = report_of(submission=HOSTILE_NAME, notebook_errors=[HOSTILE_ERROR])
    report["exercises"][1] = {**report["exercises"][1], "status": "failed", "feedback":
                              "compute_cost: 0 of 3 points.\n  - your function raised "
                              "ValueError: <script>x</script> [a](javascript:alert(3))"}
    return report


def test_quoted_names_and_errors_cannot_inject_a_score_html_or_a_link():
    text = markdown(hostile_report())
    assert text.splitlines()[0].startswith("# Feedback on ada.ipynb\\\\x0a\\\\x0a\\*\\*Score")
    assert not re.search(r"(?<!\\)[<\[]", text), "an unescaped < or [ starts HTML or a link"
    page = html(hostile_report())
    assert page.count("<strong>Score") == 1 and "<!--" not in page
    assert "<img" not in page and "<script" not in page
    tags = set(re.findall(r"<[^>]*>", page))
    assert {tag for tag in tags if "=" in tag} == {'<html lang="en">', '<meta charset="utf-8">'}
    assert not any(tag.startswith(("<a", "<img", "<script")) for tag in tags)


def test_control_run_without_escaping_the_same_name_injects_a_score():
    """What the escaping stops: the name pasted into Markdown as it is starts a score line
    and an HTML comment that hides the real score."""
    raw = f"# Feedback on {HOSTILE_NAME}\n\n**Score: 0 of 11 points.**\n"
    assert "\n**Score: 11 of 11 points.**" in raw and "<!--" in raw


def test_the_html_renders_the_markdown_of_the_feedback():
    report = report_of()
    report["exercises"][1]["feedback"] = ("compute_cost: 0 of 3 points.\n  - `dj_db` is wrong "
                                          "on 5 of 6 tests. Hint: J is the *mean* of the losses.")
    page = html(report)
    assert "<code>dj_db</code>" in page and "<em>mean</em>" in page
    body = re.sub(r"<[^>]+>", "", page.split("<body>")[1])
    assert "`" not in body and "*" not in body, "raw Markdown left in the HTML"


def test_gradescope_carries_the_same_text_and_declares_markdown():
    report = report_of()
    results = reports.gradescope_results(report)
    assert results["output"] == markdown(report)
    assert results["output_format"] == results["test_output_format"] == "md"
    assert all(t["output_format"] == "md" for t in results["tests"])
    assert results["tests"][3]["output"].startswith("**gradient_descent: 0 of 3 points**")
    hostile = reports.gradescope_results(hostile_report())
    assert "<script>" not in json.dumps(hostile) and "\\<script\\>" in \
        hostile["tests"][1]["output"]


def test_course_grade_writes_both_files_per_submission(tmp_path):
    status = main(["grade", str(CORPUS / "corrupt.ipynb"), str(CORPUS / "empty.ipynb"),
                   "--out", str(tmp_path / "out"), "--feedback", str(tmp_path / "feedback")])
    assert status == 0
    names = sorted(p.name for p in (tmp_path / "feedback").iterdir())
    assert names == ["corrupt.html", "corrupt.md", "empty.html", "empty.md"]
    assert "not a Jupyter notebook" in (tmp_path / "feedback" / "corrupt.md").read_text()


def hidden_numbers(lesson: str, seed: int) -> set:
    """Every hidden input and expected value of the lesson's grading with ``seed``, as text."""
    rng = np.random.default_rng(seed)
    texts = set()
    for exercise in exercises.for_lesson(lesson):
        for args in exercise.grading_cases(rng):
            values = [np.asarray(v, dtype=float).ravel() for v in args.values()
                      if not isinstance(v, str)]
            values += [np.asarray(v, dtype=float).ravel()
                       for v in exercise.expected(args).values()
                       if np.asarray(v).dtype.kind in "fiu"]
            for value in np.concatenate(values):
                if abs(value - round(value)) > 1e-3:          # integers appear as counts
                    texts |= {f"{value:.4f}", f"{value:.3f}", repr(float(value))}
    return texts


def test_feedback_of_a_real_grading_never_shows_hidden_inputs_or_expected_values(tmp_path):
    seed = 20240611
    report = grade_submission(CORPUS / "mistake_cost_no_1_over_m.ipynb", seed=seed)
    assert report["score"] == EXPECTED["mistake_cost_no_1_over_m.ipynb"]["total"] and "Looks like a missing 1/m" in markdown(report)
    md, page = write_feedback(report, tmp_path, "student")
    text = md.read_text() + page.read_text()
    leaked = sorted(number for number in hidden_numbers(report["lesson"], seed)
                    if number in text)
    assert leaked == []
