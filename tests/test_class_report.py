"""The class report from made-up reports and check-cell outputs (no grading, no kernel).

tests/test_class_report_class.py grades a real class; here each piece is attacked on its own:
tolerant reading, the arithmetic of the summary, privacy (names, student text, hidden
inputs), escaping in both pages, the nbgrader reader and the command line.
"""

from __future__ import annotations

import contextlib
import io
import json
import time

import numpy as np
import pytest

from course import check, cli
from course import exercises as registry
from course.exercises import _feedback
from course.grading.class_report import (content, figures, mistakes, nbgrader, reading,
                                         summary, write_beside_gradebook, write_report)
from course.grading.class_report.records import Attempt, ExerciseResult, Submission
from course.nbgrader_cells import CheckFailed

L01 = "01_logistic_regression_numpy"
SECRET = "SECRET_7f3a"          # stands for a student's code, printout or a hidden input


def entry(exercise_id, score, status="failed", feedback="", **extra) -> dict:
    points = float(registry.get(exercise_id).points)
    return {"id": exercise_id, "score": score, "max_score": points, "status": status,
            "feedback": feedback or f"{exercise_id}: {score:g} of {points:g} points.",
            "case_seconds": 5.0, "parts": [], **extra}


def report(name, entries, **extra) -> dict:
    return {"submission": f"{name}.ipynb", "lesson": L01, "error": None,
            "score": sum(e["score"] for e in entries),
            "max_score": sum(e["max_score"] for e in entries), "exercises": entries,
            "notebook_errors": [], "kernel_problem": None, **extra}


def looks_like(exercise_id, name) -> str:
    return f"{exercise_id}: 0.5 of 3 points.\n  {mistakes.announcement(name)} Hint: ..."


def full(name, **changed) -> dict:
    """A lesson-01 report with full marks, except the entries in ``changed``."""
    entries = [changed.get(e.id) or entry(e.id, float(e.points), "passed")
               for e in registry.for_lesson(L01)]
    return report(name, entries)


# -- mistakes: the registry's names, worded as the graders word them ------------------------
def test_the_announcement_is_the_start_of_every_graders_mistake_line():
    class Failed:
        passed, error = False, None

    for exercise in registry.all_exercises():
        for mistake in exercise.mistakes:
            Failed.mistake = mistake
            line = _feedback.mistake_lines([Failed()])[0].strip()
            assert line.startswith(mistakes.announcement(mistake.name) + " "), line


def test_only_the_registrys_own_mistake_names_are_recognised():
    text = ("compute_cost: 0 of 3.\n  Looks like a missing\n     1/m. Hint: x\n"
            "  Looks like <b>my own mistake</b>. Hint: " + SECRET)
    assert mistakes.recognised("compute_cost", text) == ("a missing 1/m",)   # wrapped line
    assert mistakes.recognised("no_such_exercise", text) == ()


# -- reading course grade's reports ---------------------------------------------------------
def test_reports_are_read_tolerantly_and_other_files_are_skipped(tmp_path):
    newer = full("ada", compute_cost=entry("compute_cost", 0.5, feedback=looks_like(
        "compute_cost", "a missing 1/m")))
    newer.update(student="Ada Lovelace", graded_at="2026-12-01T10:00:00Z", new_key=[1, 2])
    older = {"submission": "bob/01_logistic_regression_numpy.ipynb", "lesson": L01,
             "score": "7", "exercises": [{"id": "sigmoid", "status": "timeout"}, "junk"]}
    (tmp_path / "ada.json").write_text(json.dumps(newer))
    (tmp_path / "bob.json").write_text(json.dumps(older))
    (tmp_path / "ada.results.json").write_text(json.dumps(newer))     # Gradescope's copy
    (tmp_path / "notes.json").write_text('{"not": "a report"}')
    (tmp_path / "broken.json").write_text("{")
    found, skipped = reading.read_reports(tmp_path)
    assert skipped == ["broken.json", "notes.json"]
    ada, bob = (reading.submission(r) for r in found)
    full_marks = sum(float(e.points) for e in registry.for_lesson(L01))
    assert (ada.student, ada.score, ada.max_score) == ("Ada Lovelace", full_marks - 0.5,
                                                       full_marks)
    assert ada.exercises[1].mistakes == ("a missing 1/m",)
    assert (bob.student, bob.score, bob.max_score) == ("bob", 7.0, 0.0)
    assert bob.exercises == (ExerciseResult("sigmoid", 0.0, 0.0, Attempt.TIMED_OUT),)
    assert bob.grader_problem == "a test hit the time limit"


def test_statuses_map_onto_attempts_with_the_protocols_values():
    statuses = {"passed": Attempt.PASSED, "failed": Attempt.FAILED,
                "reference": Attempt.FAILED, "not_attempted": Attempt.NOT_ATTEMPTED,
                "missing": Attempt.NOT_ATTEMPTED, "timeout": Attempt.TIMED_OUT,
                "error": Attempt.ERRORED, "something new": Attempt.FAILED}
    for status, attempt in statuses.items():
        assert reading.exercise_result({"id": "sigmoid", "status": status}).attempt is attempt


# -- the summary's arithmetic ----------------------------------------------------------------
def result(exercise_id, score, attempt=Attempt.FAILED, *names):
    return ExerciseResult(exercise_id, score, 3.0, attempt, tuple(names))


def test_points_lost_to_two_mistakes_at_once_are_shared_and_ties_keep_registry_order():
    both = Submission("a", L01, 0.0, 3.0, (result("compute_gradient", 0.0, Attempt.FAILED,
                                                 "the gradient without the 1/m factor",
                                                 "dj_dw of shape (n, 1) instead of (n,)"),))
    one = Submission("b", L01, 1.5, 3.0, (result("compute_gradient", 1.5, Attempt.FAILED,
                                                "dj_dw of shape (n, 1) instead of (n,)"),))
    right = Submission("c", L01, 3.0, 3.0, (result("compute_gradient", 3.0, Attempt.PASSED),))
    made = summary.summarise([both, one, right])
    gradient = made.lessons[0].exercises[0]
    assert [(m.name, m.students, m.points_lost) for m in gradient.mistakes] == [
        ("dj_dw of shape (n, 1) instead of (n,)", 2, 3.0),      # 1.5 (shared) + 1.5
        ("the gradient without the 1/m factor", 1, 1.5)]       # the other half of 3
    assert gradient.points_lost == 4.5 == sum(m.points_lost for m in gradient.mistakes)
    assert gradient.mistakes[0].share == pytest.approx(2 / 3)
    assert (gradient.mean, gradient.median) == (1.5, 1.5)


def test_students_are_listed_for_a_low_score_skipped_work_or_a_grader_problem():
    def one(name, score, attempts, problem=""):
        results = tuple(ExerciseResult(f"e{i}", score / len(attempts), 1.0, a)
                        for i, a in enumerate(attempts))
        return Submission(name, "L", score, float(len(attempts)), results, problem)

    class_ = [one("fine", 3, [Attempt.PASSED] * 3),
              one("low", 1, [Attempt.FAILED] * 3),
              one("skipped", 2, [Attempt.NOT_ATTEMPTED] * 2 + [Attempt.PASSED]),
              one("slow", 3, [Attempt.PASSED] * 3, "a test hit the time limit"),
              Submission("unreadable", None, 0.0, 0.0)]
    flagged = {f.student: f.reasons for f in summary.summarise(class_, 0.5).flagged}
    assert flagged == {
        "low": ("scored under 50% of the points",),
        "skipped": ("did not attempt 2 of 3 exercises",),
        "slow": ("possible grader problem: a test hit the time limit",),
        "unreadable": ("the file could not be read as a notebook of this course",)}
    assert summary.summarise(class_, 0.75).flagged[0].student == "low"


@pytest.mark.parametrize("bad", [0, -0.5, 1.5, "0.5", True, float("nan")])
def test_a_bad_threshold_is_refused_naming_the_argument(bad):
    with pytest.raises(ValueError, match="`threshold`"):
        summary.summarise([], bad)


# -- privacy -----------------------------------------------------------------------------------
def hostile_class() -> list[dict]:
    """Reports whose every free-text field holds ``SECRET`` (student code, output, inputs)."""
    leaky = entry("compute_cost", 0.5, feedback=looks_like("compute_cost", "a missing 1/m")
                  + f"\n  - on 1 of 6 tests your function gave an error: {SECRET}",
                  parts=[{"name": "value", "score": 0.5, "max_score": 3, "message": SECRET}])
    first = full("ada", compute_cost=leaky)
    first.update(student="<script>alert('x')</script>|ada", notebook_errors=[f"cell 3: {SECRET}"], kernel_problem=f"died: {SECRET}",
                 source=SECRET, hidden_inputs=[SECRET])
    second = full("bob", sigmoid=entry("sigmoid", 0, "error", f"sigmoid: 0. {SECRET}"))
    second["error"] = f"Not graded: {SECRET}"
    return [first, second, full("cy")]


def test_no_student_text_reaches_the_report_and_anonymous_drops_every_name(tmp_path):
    reports = hostile_class()
    assert SECRET in json.dumps(reports)                      # control: the attack is there
    submissions = [reading.submission(r) for r in reports]
    named = write_report(submissions, tmp_path / "named")
    anonymous = write_report(submissions, tmp_path / "anonymous", anonymous=True)
    for files in (named, anonymous):
        for path in (files.html, files.markdown, *files.figures):
            assert SECRET.encode() not in path.read_bytes(), path
    named_page = named.html.read_text(encoding="utf-8")
    assert "bob" in named_page and "&lt;script&gt;" in named_page     # listed, escaped
    for path in (anonymous.html, anonymous.markdown, *anonymous.figures):
        data = path.read_bytes()
        assert b"bob" not in data and b"alert" not in data, path


def test_both_pages_escape_names_and_keep_their_tables_whole(tmp_path):
    submissions = [reading.submission(r) for r in hostile_class()]
    files = write_report(submissions, tmp_path, threshold=1.0)
    page = files.html.read_text(encoding="utf-8")
    assert "<script" not in page and "alert(&#x27;x&#x27;)" in page
    markdown = files.markdown.read_text(encoding="utf-8")
    row = next(line for line in markdown.splitlines() if "alert" in line)
    assert row.count(" | ") == 3 and "&lt;script&gt;" in row and "\\|ada" in row


# -- pages and figures -------------------------------------------------------------------------
def test_every_figure_has_alt_text_and_the_html_embeds_exactly_the_png_files(tmp_path):
    class_ = [reading.submission(full("ada")), reading.submission(full(
        "bob", sigmoid=entry("sigmoid", 0.0, feedback=looks_like(
            "sigmoid", "the wrong sign in the exponent"))))]
    files = write_report(class_, tmp_path)
    page = files.html.read_text(encoding="utf-8")
    assert page.count("<img ") == len(files.figures) == 6
    for path in files.figures:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.name.removesuffix(".png") in page
    assert 'alt=""' not in page and page.count('alt="') == 6
    assert "Histogram of sigmoid scores: 1 full marks, 1 lost points; mean 1 of 2" in page


def test_the_palette_reads_in_grey():
    def lightness(colour):
        """CIE L* of an sRGB colour: how light it prints in grey (0 black, 100 white)."""
        channels = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        linear = np.where(channels <= 0.04045, channels / 12.92,
                          ((channels + 0.055) / 1.055) ** 2.4)
        luminance = float(linear @ [0.2126, 0.7152, 0.0722])
        return 116 * luminance ** (1 / 3) - 16 if luminance > 0.008856 else 903.3 * luminance

    styles = list(figures.OUTCOME_STYLES.values())
    levels = sorted(lightness(colour) for _, colour, _ in styles)
    assert min(np.diff(levels)) > 9, levels                 # distinct lightness
    assert len({hatch for _, _, hatch in styles}) == len(styles)   # and distinct hatching
    assert lightness("#0072B2") < lightness("#D55E00") < lightness("#0072B2") + 9  # control


def test_grading_is_never_stopped_by_the_class_report(tmp_path):
    said = []
    assert write_beside_gradebook([{"exercises": "not a list"}, None], tmp_path,
                                  said.append) is None
    assert said and said[0].startswith("Class report not written")


def test_file_names_of_figures_never_leave_the_folder(tmp_path):
    bad = full("ada")
    bad["lesson"] = "../../evil lesson"
    files = write_report([reading.submission(bad)], tmp_path)
    assert all(path.parent == tmp_path / "class_report_figures" for path in files.figures)
    assert content.file_stem("..", "a/b") == "_-a_b"


# -- nbgrader -----------------------------------------------------------------------------------
def check_cell(exercise_id, function, monkeypatch, **options) -> dict:
    """A check cell as nbgrader autograde leaves it, made by running the real check."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    printed, outputs = io.StringIO(), []
    with contextlib.redirect_stdout(printed):
        try:
            value = check.exercise(exercise_id, function, **options)
        except CheckFailed as error:
            value, failed = None, error
        else:
            failed = None
    if printed.getvalue():
        outputs.append({"output_type": "stream", "name": "stdout", "text": printed.getvalue()})
    if value is not None:
        outputs.append({"output_type": "execute_result", "data": {"text/plain": repr(value)},
                        "execution_count": 1, "metadata": {}})
    if failed is not None:
        outputs.append({"output_type": "error", "ename": "CheckFailed", "evalue": str(failed),
                        "traceback": failed._render_traceback_()})
    points = registry.get(exercise_id).points
    return {"cell_type": "code", "execution_count": 1, "source": "", "outputs": outputs,
            "metadata": {"nbgrader": {"grade": True, "solution": False, "locked": True,
                                      "grade_id": f"check_{exercise_id}", "points": points,
                                      "schema_version": 3}}}


def sigmoid_wrong_sign(z):
    """The wrong sign in the exponent on vectors only: the other checks pass (partial
    credit; the plain mistake now also overflows and fails every check)."""
    z = np.asarray(z, dtype=float)
    z = -z if z.ndim == 1 else z
    e = np.exp(-np.abs(z))                  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cost_without_1_over_m(X, y, w, b):
    """A missing 1/m on the lesson's six-point data set only: the other checks pass (partial
    credit; the plain mistake fails too many checks to earn any)."""
    f = 1 / (1 + np.exp(-(X @ w + b)))
    total = float(np.sum(-y * np.log(f) - (1 - y) * np.log(1 - f)))
    return total if len(y) == 6 else total / len(y)


def stub(*args):
    raise NotImplementedError()


def slow(*args):
    time.sleep(1)


def test_nbgrader_autograded_notebooks_give_the_same_records(tmp_path, monkeypatch):
    cells = [check_cell("sigmoid", sigmoid_wrong_sign, monkeypatch),
             check_cell("compute_cost", cost_without_1_over_m, monkeypatch),
             check_cell("compute_gradient", stub, monkeypatch),
             check_cell("gradient_descent", slow, monkeypatch, time_limit=0.2),
             {"cell_type": "code", "execution_count": 1, "source": f"# {SECRET}",
              "outputs": [{"output_type": "stream", "name": "stdout", "text": SECRET}],
              "metadata": {"nbgrader": {"grade": False, "solution": True,
                                        "grade_id": "sigmoid"}}}]
    notebook = {"cells": cells, "metadata": {"course": {"lesson": L01}}, "nbformat": 4,
                "nbformat_minor": 5}
    folder = tmp_path / "course" / "autograded" / "ada" / "ps"
    folder.mkdir(parents=True)
    (folder / f"{L01}.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "course" / "autograded" / "bob").mkdir()
    (tmp_path / "course" / "autograded" / "bob" / "broken.ipynb").write_text("{")
    ada, bob = nbgrader.read_autograded(tmp_path / "course")
    assert (ada.student, ada.lesson, bob.student, bob.lesson) == ("ada", L01, "bob", None)
    got = {r.exercise_id: (r.score, r.attempt, r.mistakes) for r in ada.exercises}
    sigmoid_score, cost_score = (float(cell["outputs"][-1]["data"]["text/plain"])
                                 for cell in cells[:2])       # partial credit, as returned
    assert got == {
        "sigmoid": (sigmoid_score, Attempt.FAILED, ("the wrong sign in the exponent",)),
        "compute_cost": (cost_score, Attempt.FAILED, ("a missing 1/m",)),
        "compute_gradient": (0.0, Attempt.NOT_ATTEMPTED, ()),
        "gradient_descent": (0.0, Attempt.TIMED_OUT, ())}
    assert 0 < sigmoid_score < registry.get("sigmoid").points
    assert 0 < cost_score < registry.get("compute_cost").points
    assert ada.grader_problem == "a test hit the time limit"

    out = tmp_path / "report"
    assert cli.main(["class-report", str(tmp_path / "course"), "--out", str(out)]) == 0
    markdown = (out / "class_report.md").read_text(encoding="utf-8")
    assert "| the wrong sign in the exponent | sigmoid | 1 | 100% |" in markdown
    assert SECRET not in markdown


def test_nbgrader_scores_as_nbgrader_does():
    error = [{"output_type": "error", "ename": "X", "evalue": "", "traceback": []}]
    stderr = [{"output_type": "stream", "name": "stderr", "text": "warning"}]
    partial = [{"output_type": "execute_result", "data": {"text/plain": "1.5"}}]
    assert [nbgrader.cell_score(o, 3.0) for o in (error, stderr, partial, [])] == \
        [0.0, 0.0, 1.5, 3.0]


# -- the command ---------------------------------------------------------------------------------
def test_the_command_refuses_bad_arguments_with_clear_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["class-report", str(tmp_path), "--threshold", "150%"])
    assert stop.value.code == 2 and "--threshold" in capsys.readouterr().err
    assert cli.main(["class-report", str(tmp_path / "missing")]) == 2
    assert "REPORTS_DIR" in capsys.readouterr().err
    assert cli.main(["class-report", str(tmp_path)]) == 2
    assert "no reports" in capsys.readouterr().err


def test_the_command_takes_a_percentage_and_writes_where_asked(tmp_path, capsys):
    (tmp_path / "ada.json").write_text(json.dumps(full("ada")))
    assert cli.main(["class-report", str(tmp_path), "--out", str(tmp_path / "o"),
                     "--threshold", "60%"]) == 0
    assert "under 60%" in (tmp_path / "o" / "class_report.md").read_text()
    assert "Class report of 1 submissions (course grade)" in capsys.readouterr().out
