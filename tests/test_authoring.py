"""Tests of course.authoring: lessons from solutions, --check, run-solutions, the CLI."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import authoring
from course.authoring import AuthoringError, build_lessons, make_lesson, stub_source

sys.path.insert(0, str(Path(__file__).parent))
import _notebooks  # noqa: E402


def parser():
    root = argparse.ArgumentParser(prog="course")
    authoring.add_parser(root.add_subparsers(dest="command"))
    return root


def run_cli(*argv):
    args = parser().parse_args([str(a) for a in argv])
    return args.run(args)


def test_stub_keeps_indentation_docstring_and_the_rest():
    source = ("def outer():\n    '''Doc.'''\n    x = 1\n    ### BEGIN SOLUTION\n    y = 2\n"
              "    ### END SOLUTION\n    return x\n\n### BEGIN SOLUTION\nz = 3\n"
              "### END SOLUTION\nprint(z)\n")
    assert stub_source(source) == (
        "def outer():\n    '''Doc.'''\n    x = 1\n    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n    return x\n\n# YOUR CODE HERE\n"
        "raise NotImplementedError()\nprint(z)\n")
    assert stub_source("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", "markdown") \
        == "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", r"cell 3 \(grade_id sigmoid\): `### BEGIN SOLUTION` on line 1 "
                                  r"has no matching `### END SOLUTION`"),
    ("x = 1\n### END SOLUTION", "`### END SOLUTION` on line 2 has no `### BEGIN SOLUTION`"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
     "on line 2 is inside the region opened on line 1"),
])
def test_broken_markers_are_refused_with_cell_and_line(source, message):
    notebook = _notebooks.solution_notebook()
    notebook.cells.insert(3, _notebooks.answer_cell(source, "sigmoid"))
    with pytest.raises(AuthoringError, match=message):
        make_lesson(notebook, "sol.ipynb")


def test_lesson_clears_outputs_and_widget_state_but_keeps_metadata():
    notebook = _notebooks.solution_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    code = notebook.cells[4]
    code.outputs = [nbformat.v4.new_output("stream", text="0.500\n")]
    code.execution_count = 7
    code.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    code.metadata["tags"] = ["nbval-ignore-output"]
    original = json.dumps(notebook, sort_keys=True)

    lesson = make_lesson(notebook)
    assert json.dumps(notebook, sort_keys=True) == original, "the solution is not modified"
    assert "widgets" not in lesson["metadata"]
    assert lesson["metadata"]["kernelspec"]["name"] == "python3"
    assert lesson["metadata"]["course"] == {"lesson": "01_logistic_regression_numpy"}
    assert lesson["cells"][4]["outputs"] == [] and lesson["cells"][4]["execution_count"] is None
    assert lesson["cells"][4]["metadata"] == {"tags": ["nbval-ignore-output"]}
    assert lesson["cells"][2]["metadata"] == notebook.cells[2].metadata
    assert lesson["cells"][2]["source"] == (
        'def sigmoid(z):\n    """Return 1 / (1 + exp(-z)), element-wise."""\n'
        "    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert [c["id"] for c in lesson["cells"]] == [c["id"] for c in notebook.cells]


def test_build_is_deterministic_valid_and_checkable(tmp_path, capsys):
    solutions, lessons = tmp_path / "solutions", tmp_path / "lessons"
    _notebooks.write(_notebooks.solution_notebook(), solutions / "01_a.ipynb")
    _notebooks.write(_notebooks.solution_notebook("02_loss_and_cost"), solutions / "02_b.ipynb")

    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons) == 0
    first = {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")}
    assert sorted(first) == ["01_a.ipynb", "02_b.ipynb"]
    assert build_lessons(solutions, lessons) == []          # nothing changes on a re-run
    assert {p.name: p.read_bytes() for p in lessons.glob("*.ipynb")} == first
    text = first["01_a.ipynb"].decode()
    assert text.endswith("}\n") and "\n \"cells\": [" in text
    lesson = nbformat.reads(text, as_version=4)
    nbformat.validate(lesson)
    assert nbformat.writes(lesson) + "\n" == text             # exactly what nbformat writes

    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons,
                   "--check") == 0
    (lessons / "01_a.ipynb").write_text(text.replace("YOUR CODE HERE", "my answer"))
    (lessons / "99_stale.ipynb").write_text("{}")
    capsys.readouterr()
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons,
                   "--check") == 1
    err = capsys.readouterr().err
    assert "2 lesson(s) differ" in err and "01_a.ipynb" in err and "99_stale.ipynb" in err
    assert "02_b.ipynb" not in err
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons) == 0
    assert not (lessons / "99_stale.ipynb").exists()
    assert (lessons / "01_a.ipynb").read_bytes() == first["01_a.ipynb"]


def test_cli_refuses_broken_solutions_and_empty_folders(tmp_path, capsys):
    notebook = _notebooks.solution_notebook()
    notebook.cells[2].source = notebook.cells[2].source.replace("### END SOLUTION", "")
    solutions = tmp_path / "solutions"
    _notebooks.write(notebook, solutions / "01_a.ipynb")
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", tmp_path / "l") == 2
    err = capsys.readouterr().err
    assert "01_a.ipynb, cell 2 (grade_id sigmoid)" in err and "no matching" in err
    assert not (tmp_path / "l").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("build-lessons", "--solutions", empty, "--lessons", tmp_path / "l") == 2
    assert "no solution notebooks" in capsys.readouterr().err


def test_help_has_examples():
    for command in ("build-lessons", "run-solutions"):
        sub = parser()._subparsers._group_actions[0].choices[command]
        assert "Example" in sub.format_help()


def test_run_solutions_executes_in_place_in_the_notebooks_folder(tmp_path):
    notebook = _notebooks.solution_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import os, ipywidgets\nprint(os.path.basename(os.getcwd()), "
        "os.environ['TF_CPP_MIN_LOG_LEVEL'])\nipywidgets.IntSlider(value=3)"))
    path = _notebooks.write(notebook, tmp_path / "where" / "01_a.ipynb")
    assert run_cli("run-solutions", path) == 0
    executed = nbformat.read(str(path), as_version=4)
    streams = ["".join(o.get("text", "") for o in c.outputs) for c in executed.cells
               if c.cell_type == "code"]
    assert streams[2].startswith("✅ sigmoid: all 5 checks passed.")
    assert streams[3] == "0.500\n" and streams[6] == "0.366867\n"
    assert streams[5].startswith("✅ compute_cost: all 4 checks passed.")
    assert streams[-1] == "where 2\n"
    assert "application/vnd.jupyter.widget-state+json" in executed.metadata["widgets"]
    assert all("execution" not in c.metadata for c in executed.cells)
    assert path.read_text().endswith("}\n")


def test_run_solutions_again_after_a_markdown_edit_changes_only_that_line(tmp_path):
    """Widget ids are stable, so a one-line edit gives a one-line diff; the command runs the
    kernel over IPC, so ipykernel's "running over TCP without encryption" never prints; and
    it shuts the kernel down itself (nbclient leaves a kernel it was handed running, which then
    printed "Parent appears to have exited" when the command ended)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell("Slide the value."),
                      nbformat.v4.new_code_cell("import ipywidgets\n"
                                                "ipywidgets.interactive(lambda v: v, v=(0, 9))")]
    path = _notebooks.write(notebook, tmp_path / "01_a.ipynb")
    command = [sys.executable, "-m", "course.cli", "run-solutions", str(path)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = path.read_text().splitlines()
    edited = nbformat.read(str(path), as_version=4)
    edited.cells[0].source = "Slide the value, then watch the output."
    _notebooks.write(edited, path)
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    after = path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1, changed[:5]
    assert "watch the output" in changed[0][1]
    for run in (first, second):
        assert "without encryption" not in run.stdout + run.stderr
        assert "Parent appears to have exited" not in run.stdout + run.stderr


def test_run_solutions_leaves_a_failing_notebook_unchanged(tmp_path, capsys):
    notebook = _notebooks.solution_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    path = _notebooks.write(notebook, tmp_path / "01_a.ipynb")
    before = path.read_bytes()
    assert run_cli("run-solutions", path) == 1
    assert "broken on purpose" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_the_course_command_has_both_subcommands(tmp_path, capsys):
    from course.cli import main
    solutions = tmp_path / "solutions"
    _notebooks.write(_notebooks.solution_notebook(), solutions / "01_a.ipynb")
    assert main(["build-lessons", "--solutions", str(solutions), "--lessons",
                 str(tmp_path / "lessons"), "--check"]) == 1
    assert main(["build-lessons", "--solutions", str(solutions), "--lessons",
                 str(tmp_path / "lessons")]) == 0
    assert "Wrote 1 changed lesson(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["run-solutions", "--help"])
    assert "course run-solutions solutions/02_loss_and_cost.ipynb" in capsys.readouterr().out


def test_build_lessons_execute_runs_the_solutions_first(tmp_path):
    solutions, lessons = tmp_path / "solutions", tmp_path / "lessons"
    path = _notebooks.write(_notebooks.solution_notebook(), solutions / "01_a.ipynb")
    assert run_cli("build-lessons", "--execute", "--solutions", solutions,
                   "--lessons", lessons) == 0
    executed = nbformat.read(str(path), as_version=4)
    assert executed.cells[3].outputs[0]["text"].startswith("✅ sigmoid")
    lesson = nbformat.read(str(lessons / "01_a.ipynb"), as_version=4)
    assert all(c.get("outputs", []) == [] for c in lesson.cells)


# -- nbgrader's hidden tests ---------------------------------------------------------------------
HIDDEN = '### BEGIN HIDDEN TESTS\ncheck.hidden_tests("sigmoid")\n### END HIDDEN TESTS\n'


@pytest.mark.parametrize("source, message", [
    ("### BEGIN HIDDEN TESTS\nx = 1\n", "line 1 has no matching"),
    ("x = 1\n### END HIDDEN TESTS\n", "line 2 has no"),
    ("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n",
     "line 2 is inside the region opened on line 1"),
])
def test_broken_hidden_test_markers_are_refused(source, message):
    with pytest.raises(AuthoringError, match=message):
        authoring.strip_hidden_tests(source, "cell 3")


def test_hidden_tests_leave_the_lesson_and_only_grade_cells_may_have_them():
    solution = authoring.add_hidden_tests(json.loads(nbformat.writes(
        _notebooks.solution_notebook())))
    checks = [c for c in solution["cells"] if "check.exercise" in "".join(c["source"])]
    assert checks and all("".join(c["source"]).startswith("### BEGIN HIDDEN TESTS\n"
                                                          "check.hidden_tests(")
                          for c in checks)
    lesson = make_lesson(solution)
    assert "HIDDEN" not in json.dumps(lesson) and "hidden_tests" not in json.dumps(lesson)
    without = make_lesson(json.loads(nbformat.writes(_notebooks.solution_notebook())))
    assert authoring.notebook_text(lesson) == authoring.notebook_text(without)

    solution["cells"][0]["source"] = HIDDEN + "x = 1"          # not a grade cell
    with pytest.raises(AuthoringError, match="cell 0: hidden tests belong in a grade cell"):
        make_lesson(solution)


def test_adding_hidden_tests_is_idempotent_and_rewrites_only_what_lacks_them(tmp_path, capsys):
    solutions, lessons = tmp_path / "solutions", tmp_path / "lessons"
    solutions.mkdir()
    (solutions / "01.ipynb").write_text(nbformat.writes(_notebooks.solution_notebook()))
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons,
                   "--add-hidden-tests") == 0
    once = (solutions / "01.ipynb").read_text()
    assert once.count("BEGIN HIDDEN TESTS") == 2
    assert "Added hidden tests to 1 solution(s): 01.ipynb" in capsys.readouterr().out
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons,
                   "--add-hidden-tests") == 0
    assert (solutions / "01.ipynb").read_text() == once
    assert "Added hidden tests to 0 solution(s)." in capsys.readouterr().out
    assert run_cli("build-lessons", "--solutions", solutions, "--lessons", lessons,
                   "--check") == 0
