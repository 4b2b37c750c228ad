"""Tests of course.grading.class_folder and the safe reading in course.grading.submission:
one row per file, links and FIFOs refused with a reason, duplicates flagged, names stable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from course.grading import class_folder
from course.grading.class_folder import Roster, RosterError, find_submissions
from course.grading.submission import SubmissionError, read_submission, read_untrusted

CORPUS = Path(__file__).parent / "corpus"
LESSON = "01_logistic_regression_numpy"


def make_class(root: Path) -> Path:
    """ada and bob in folders with the lesson's name, eve renamed, at the top."""
    submissions = root / "submissions"
    for student in ("ada", "bob"):
        (submissions / student).mkdir(parents=True)
        shutil.copy(CORPUS / "correct.ipynb", submissions / student / f"{LESSON}.ipynb")
    shutil.copy(CORPUS / "untouched.ipynb", submissions / "eve_lesson1.ipynb")
    return submissions


def by_shown(found):
    return {submission.shown: submission for submission in found}


def test_folders_are_searched_for_notebooks_skipping_checkpoints(tmp_path):
    (tmp_path / "ada" / ".ipynb_checkpoints").mkdir(parents=True)
    for path in ("ada/lesson.ipynb", "ada/.ipynb_checkpoints/lesson.ipynb", "bob.ipynb",
                 "notes.txt"):
        (tmp_path / path).write_text("{}")
    found = find_submissions([str(tmp_path), str(tmp_path / "notes.txt")])
    assert [s.relative for s in found] == ["ada/lesson.ipynb", "bob.ipynb", "notes.txt"]


def test_students_come_from_the_folder_of_a_lesson_file_else_from_the_file_name(tmp_path):
    found = find_submissions([str(make_class(tmp_path))])
    assert [(s.shown, s.student, s.name) for s in found] == [
        (f"ada/{LESSON}.ipynb", "ada", f"ada-{LESSON}"),
        (f"bob/{LESSON}.ipynb", "bob", f"bob-{LESSON}"),
        ("eve_lesson1.ipynb", "eve_lesson1", "eve_lesson1")]


def test_report_names_do_not_change_with_who_else_is_in_the_batch(tmp_path):
    submissions = make_class(tmp_path)
    whole_class = {s.path.resolve(): s.name for s in find_submissions([str(submissions)])}
    for folder in ("ada", "bob"):
        alone = find_submissions([str(submissions / folder)])
        assert [s.name for s in alone] == [whole_class[alone[0].path.resolve()]]
    one_file = find_submissions([str(submissions / "eve_lesson1.ipynb")])
    assert one_file[0].name == "eve_lesson1"


def test_files_of_one_name_in_two_folders_get_distinct_names(tmp_path):
    for folder in ("a", "b", "a/x.ipynb.bak"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.ipynb").write_text("{}")
    names = [s.name for s in find_submissions([str(tmp_path)])]
    assert sorted(names) == ["a-x", "b-x", "x_ipynb_bak-x"]


def test_output_names_never_collide_with_each_other_or_the_run_files(tmp_path):
    for name in ("ada", "ada.results", "Ada", "results", "grades", "ada results"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    found = find_submissions([str(tmp_path)])
    files = [f"{s.name}{suffix}".casefold() for s in found for suffix in
             (".json", ".results.json", ".md", ".html")]
    files += ["results.json", "grades.csv", "canvas.csv", "moodle.csv"]
    assert len(files) == len(set(files)), sorted(files)
    assert all("." not in s.name for s in found)


def test_control_the_old_naming_let_a_file_overwrite_another_students_gradescope_results():
    """What the dot-free names stop: ``ada.results.ipynb`` named by its stem writes
    ``ada.results.json``, which is Ada's Gradescope file."""
    assert f"{Path('ada.results.ipynb').stem}.json" == f"{Path('ada.ipynb').stem}.results.json"


def test_a_symlink_to_a_classmate_or_the_solutions_is_refused_and_each_file_has_one_row(
        tmp_path):
    submissions = make_class(tmp_path)
    (tmp_path / "solutions").mkdir()
    shutil.copy(CORPUS / "correct.ipynb", tmp_path / "solutions" / f"{LESSON}.ipynb")
    (submissions / "alice").mkdir()
    (submissions / "alice" / f"{LESSON}.ipynb").symlink_to(f"../bob/{LESSON}.ipynb")
    (submissions / "mallory.ipynb").symlink_to(tmp_path / "solutions" / f"{LESSON}.ipynb")
    (submissions / "linked_folder").symlink_to(tmp_path / "solutions")
    found = by_shown(find_submissions([str(submissions)]))
    assert len(found) == 6
    assert "symbolic link (to ../bob/" in found[f"alice/{LESSON}.ipynb"].refused
    assert "symbolic link" in found["mallory.ipynb"].refused
    assert "symbolic link" in found["linked_folder"].refused
    assert found[f"bob/{LESSON}.ipynb"].refused is None
    assert {s.student for s in found.values()} >= {"alice", "bob", "mallory"}
    with pytest.raises(SubmissionError, match="symbolic link"):
        read_submission(submissions / "mallory.ipynb")   # the reader refuses it too


def test_control_following_the_link_grades_bobs_file_as_alices():
    """What refusing links stops: the old search resolved paths, so the link and Bob's file
    were one submission and only one row survived (here: the same resolved path)."""
    link_target = Path("submissions/bob/../bob/x.ipynb")
    assert link_target.resolve() == Path("submissions/bob/x.ipynb").resolve()


def test_fifos_hard_links_and_names_with_control_characters_are_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo.ipynb")
    shutil.copy(CORPUS / "correct.ipynb", tmp_path / "ada.ipynb")
    os.link(tmp_path / "ada.ipynb", tmp_path / "ada_again.ipynb")
    shutil.copy(CORPUS / "correct.ipynb", tmp_path / "eve\n[1] x  11 of 11.ipynb")
    found = by_shown(find_submissions([str(tmp_path)]))
    assert "not a regular file" in found["fifo.ipynb"].refused
    assert "hard link" in found["ada.ipynb"].refused
    assert "hard link" in found["ada_again.ipynb"].refused
    hostile = found["eve\\x0a[1] x  11 of 11.ipynb"]
    assert "control characters (\\x0a)" in hostile.refused and "\n" not in hostile.student
    with pytest.raises(SubmissionError, match="not a regular file"):
        read_untrusted(tmp_path / "fifo.ipynb", 2**20)   # returns at once: never blocks


def test_duplicates_are_flagged_never_merged(tmp_path):
    submissions = make_class(tmp_path)
    found = find_submissions([str(submissions)])
    assert [s.refused for s in found] == [None, None, None]
    ada, bob, eve = found
    assert ada.flags == (f"same content as bob/{LESSON}.ipynb",)
    assert bob.flags == (f"same content as ada/{LESSON}.ipynb",)
    assert eve.flags == ()


def test_oversized_code_is_refused_before_anything_parses_it(tmp_path):
    import nbformat
    notebook = nbformat.read(CORPUS / "correct.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("x = [" + "a," * 600_000 + "]"))
    nbformat.write(notebook, tmp_path / "big.ipynb")
    with pytest.raises(SubmissionError, match="MAX_CODE_CHARS"):
        read_submission(tmp_path / "big.ipynb")


def test_a_roster_maps_files_and_folders_to_student_ids(tmp_path):
    submissions = make_class(tmp_path)
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("\ufeffsubmission,student,email\nada,s001,ada@example.org\n"
                           "eve_lesson1.ipynb,s003,eve@example.org\n", encoding="utf-8")
    roster = Roster.read(roster_file)
    found = find_submissions([str(submissions)], roster)
    assert [(s.student, s.name, "not in the roster" in s.flags) for s in found] == [
        ("s001", f"s001-{LESSON}", False),
        ("bob", f"bob-{LESSON}", True),
        ("s003", "s003-eve_lesson1", False)]
    assert roster.details("s003")["email"] == "eve@example.org"


@pytest.mark.parametrize("text, phrase", [
    ("name,student\nada,s1\n", "missing: submission"),
    ("submission,student\nada,\n", "row 2: both"),
    ("submission,student\nada,s1\nada,s2\n", "row 3: `submission` 'ada' appears twice"),
])
def test_a_bad_roster_is_refused_naming_the_row(tmp_path, text, phrase):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(RosterError, match=phrase.replace("(", r"\(")):
        Roster.read(tmp_path / "roster.csv")


def test_student_of_uses_only_the_path():
    assert class_folder.student_of(Path(f"x/y/ada/{LESSON}.ipynb")) == "ada"
    assert class_folder.student_of(Path("x/y/ada/homework.ipynb")) == "homework"
