"""The course under the real nbgrader: release, autograde, validate, feedback.

Two throwaway nbgrader courses, one per assignment (``ps``: lessons 01 and 02; ``later``:
03 to 05), are built in temporary folders from ``solutions/``, exactly as an instructor
would: ``nbgrader generate_assignment``, students' notebooks in ``submitted/``,
``nbgrader autograde``, ``nbgrader generate_feedback``. Each has its own gradebook, so the
two are autograded side by side. The scores are read from nbgrader's
own gradebook (``nbgrader.api.Gradebook``), and must be exactly the ones ``course grade``
gives (tests/corpus/expected.json for lesson 01, the registry's case design for lesson 02):
the two graders share the exercise registry and agree.

Most submissions are lessons 01 and 02 without the demos after their last exercise (quick
kernels); one student also hands in lessons 03, 04 and 05 answered right (NumPy backprop,
the training loop, then TensorFlow), another lessons 03 and 04 with common mistakes, and a
third lesson 05 with common mistakes (the corpus' notebooks, scored as
tests/corpus/expected.json says).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course import cli, exercises
from course.authoring import HIDDEN_BEGIN, HIDDEN_END, make_lesson

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import make_corpus as corpus  # noqa: E402  (the corpus' own notebook builders)

pytest.importorskip("nbgrader", reason="nbgrader is in the test extra: pip install -e .[test]")
from nbgrader.api import Gradebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LESSONS, CORPUS = ROOT / "solutions", ROOT / "lessons", ROOT / "tests" / "corpus"
L01, L02 = "01_logistic_regression_numpy", "02_loss_and_cost"
L03, L05 = "03_backpropagation", "05_keras_model_fit"
L04_TRAINING = "04_training_a_network"
LATER = (L03, L04_TRAINING, L05)
#: Lessons 03 to 05 answered right: the corpus' notebooks (the exercises, not the demos; the
#: full lessons run under nbval, and lesson 01's under nbgrader here).
LATER_CORRECT = {L03: "backprop_correct.ipynb", L04_TRAINING: "training_correct.ipynb",
                 L05: "keras_correct.ipynb"}
#: student -> {lesson: the corpus notebook handed in}, graded in assignment "later".
LATER_MISTAKES = {"mistakes_later": {L03: "backprop_common_mistakes.ipynb",
                                     L04_TRAINING: "training_common_mistakes.ipynb"}}
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
KERAS_MISTAKES = "keras_common_mistakes.ipynb"
POINTS = {e.id: float(e.points) for e in exercises.all_exercises()}


# -- submissions ---------------------------------------------------------------------------------
def fingerprint_code(names) -> str:
    """Python that turns the arguments into one number, the key of a hard-coded table."""
    return (f"key = round(sum(float(np.sum(np.asarray(a, dtype=float))) "
            f"for a in ({', '.join(names)},)), 9)")


def hard_coded_body(exercise) -> str:
    """An answer that looks up the visible cases' expected results and knows nothing else."""
    names = [name.strip() for name in exercise.signature.split("(", 1)[1].rstrip(")").split(",")]
    table = {}
    for case in exercise.visible_cases():
        key = round(sum(float(np.sum(np.asarray(a, dtype=float))) for a in case.args.values()), 9)
        expected = exercise.expected(case.args)
        table[key] = [np.asarray(expected[part]).tolist() for part in exercise.parts]
    first = next(iter(table.values()))
    lines = [fingerprint_code(names),
             f"parts = [np.array(p) for p in {table!r}.get(key, {first!r})]"]
    lines.append("return parts[0]" if len(exercise.parts) == 1 else "return tuple(parts)")
    return "\n".join(lines)


def lesson02(**bodies) -> dict:
    """Lesson 02 up to its last check: the solution's answers, some replaced by ``bodies``."""
    answers = {**corpus.solution_bodies(L02), **bodies}
    answers = {key: value for key, value in answers.items() if value is not None}
    return corpus.trimmed(corpus.filled(L02, answers), "check_mean_squared_error")


def hard_coded(stem: str, last_check: str) -> dict:
    bodies = {e.id: hard_coded_body(e) for e in exercises.for_lesson(stem)}
    return corpus.trimmed(corpus.filled(stem, bodies), last_check)


def corpus_notebook(name: str) -> dict:
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


BCE_SUM = "return float(np.sum(-y_true * np.log(np.clip(y_pred, 1e-7, 1 - 1e-7)) - (1 - y_true) " \
          "* np.log(1 - np.clip(y_pred, 1e-7, 1 - 1e-7))))"
BCE_NO_CLIP = "return float(np.mean(-y_true * np.log(y_pred) - (1 - y_true) * np.log(1 - y_pred)))"
MSE_HALF = "return float(np.mean((y_pred - y_true) ** 2) / 2)"
MSE_SUM = "return float(np.sum((y_pred - y_true) ** 2))"

LOGITS_CLIPPED = ("p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)\n"
                  "return float(np.mean(-y_true * np.log(p) - (1 - y_true) * np.log(1 - p)))")

# Lesson 02's hidden cases see every named mistake (tests/test_exercise_design.py): each of
# binary_crossentropy's 3 has m >= 3 and a prediction of exactly 0 for a label 1; each of
# binary_crossentropy_from_logits' 3 has logits beyond +-40; each of mean_squared_error's 3
# has m >= 2. So each of these mistakes scores 0 on its exercise, in both graders.
SCORES_02 = {
    "correct": {"binary_crossentropy": 1.0, "binary_crossentropy_from_logits": 4.0,
                "mean_squared_error": 1.0},
    "blank": {"binary_crossentropy": 0.0, "binary_crossentropy_from_logits": 0.0,
              "mean_squared_error": 0.0},
    "sum_and_half": {"binary_crossentropy": 0.0, "binary_crossentropy_from_logits": 4.0,
                     "mean_squared_error": 0.0},
    "no_clip_and_sum": {"binary_crossentropy": 0.0, "binary_crossentropy_from_logits": 0.0,
                        "mean_squared_error": 0.0},
    "hard_coded": {"binary_crossentropy": 0.0, "binary_crossentropy_from_logits": 0.0,
                   "mean_squared_error": 0.0},
}


def lesson02_submissions() -> dict:
    return {"correct": lesson02(), "blank": lesson02(binary_crossentropy=None,
                                                    binary_crossentropy_from_logits=None,
                                                    mean_squared_error=None),
            "sum_and_half": lesson02(binary_crossentropy=BCE_SUM, mean_squared_error=MSE_HALF),
            "no_clip_and_sum": lesson02(binary_crossentropy=BCE_NO_CLIP,
                                        binary_crossentropy_from_logits=LOGITS_CLIPPED,
                                        mean_squared_error=MSE_SUM),
            "hard_coded": hard_coded(L02, "check_mean_squared_error")}


# student -> (lesson 01: which corpus notebook each answer comes from, lesson 02 variant).
# Lesson 01's answers default to self_contained.ipynb (all right, the demos left out); a
# mistake's answer cell comes from the corpus notebook made for it, and so does its score.
STUDENTS = {
    "correct": ({"*": "correct.ipynb"}, "correct"),
    "blank": ({"*": "untouched.ipynb"}, "blank"),
    "mistakes_a": ({"sigmoid": "mistake_sigmoid_sign.ipynb",
                    "compute_cost": "mistake_cost_no_1_over_m.ipynb",
                    "compute_gradient": "mistake_gradient_dj_dw_column.ipynb",
                    "gradient_descent": "mistake_descent_history_no_start.ipynb"},
                   "sum_and_half"),
    "mistakes_b": ({"sigmoid": "mistake_sigmoid_overflow_nan.ipynb",
                    "compute_gradient": "mistake_gradient_no_1_over_m.ipynb"},
                   "no_clip_and_sum"),
    "hard_coded": (None, "hard_coded"),
    # only compute_gradient wrong: gradient_descent keeps its points under both graders
    "wrong_gradient_only": ({"*": "dependency_gradient_sign.ipynb"}, "correct"),
}


def answer_cells(notebook: dict) -> dict:
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell for cell in notebook["cells"]
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}


def lesson01(sources: dict | None) -> dict:
    """Lesson 01 answered as ``sources`` says (see STUDENTS)."""
    if sources is None:
        return hard_coded(L01, "check_gradient_descent")
    if "*" in sources:
        return corpus_notebook(sources["*"])
    notebook = corpus_notebook("self_contained.ipynb")
    cells = answer_cells(notebook)
    for exercise_id, name in sources.items():
        cells[exercise_id]["source"] = answer_cells(corpus_notebook(name))[exercise_id]["source"]
    return notebook


def expected_scores(student: str) -> dict:
    """{notebook stem: {check cell grade_id: points}} that both graders must give."""
    sources, variant = STUDENTS[student]
    first = {}
    for exercise in exercises.for_lesson(L01):
        if sources is None:
            first[exercise.id] = 0.0       # hidden tests on fresh inputs: no visible case
        else:
            name = sources.get("*", sources.get(exercise.id, "self_contained.ipynb"))
            first[exercise.id] = EXPECTED[name]["scores"][exercise.id]
    return {L01: {f"check_{k}": v for k, v in first.items()},
            L02: {f"check_{k}": v for k, v in SCORES_02[variant].items()}}


# -- the nbgrader course ---------------------------------------------------------------------------
def nbgrader_environment() -> dict[str, str]:
    """The environment of an ``nbgrader`` command: its database tool (alembic) on PATH."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)
    return env


#: ``python -m nbgrader``, in a Python that first imports ``course.grading``: like every
#: grading process it then goes without jsonschema's IRI checker, about 1.2 s of CPU at
#: each command's start (course/grading/__init__.py says why no notebook needs it; nbgrader
#: validates notebooks with nbformat's schema). docs/instructors.md's own nbgrader commands
#: run as printed, in tests/test_docs_commands.py.
NBGRADER = [sys.executable, "-c", "import runpy, course.grading; "
            "runpy.run_module('nbgrader', run_name='__main__', alter_sys=True)"]


def nbgrader(course: Path, *args, check=True) -> subprocess.CompletedProcess:
    """Run ``nbgrader`` in ``course``."""
    process = subprocess.run([*NBGRADER, *args], cwd=course,
                             env=nbgrader_environment(), capture_output=True, text=True,
                             timeout=900)
    if check:
        assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return process


def nbgrader_side_by_side(*runs: tuple) -> None:
    """Run ``nbgrader`` in several courses at once (``(course, *args)`` each); each must
    succeed. Courses have gradebooks of their own, so nothing is shared."""
    started = [subprocess.Popen([*NBGRADER, *args], cwd=course,
                                env=nbgrader_environment(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
               for course, *args in runs]
    for process in started:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output[-6000:]


def write(path: Path, notebook: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    corpus_nb = nbformat.from_dict(notebook)
    path.write_text(nbformat.writes(corpus_nb), encoding="utf-8")


#: The lessons of each assignment; each assignment is a course folder of its own, so the two
#: are autograded side by side.
ASSIGNMENTS = {"ps": (L01, L02), "later": LATER}


@pytest.fixture(scope="module")
def courses(tmp_path_factory) -> dict[str, Path]:
    """The graded courses, one per assignment: ``ps`` (01, 02) and ``later`` (03 on)."""
    roots = {}
    for assignment, stems in ASSIGNMENTS.items():
        root = roots[assignment] = tmp_path_factory.mktemp(f"nbgrader_{assignment}")
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            "c.CourseDirectory.course_id = 'train-a-neural-network'\n"
            "c.Execute.timeout = 300\n", encoding="utf-8")
        for stem in stems:
            target = root / "source" / assignment / f"{stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SOLUTIONS / f"{stem}.ipynb", target)
    nbgrader_side_by_side(*((root, "generate_assignment", assignment, "--force")
                            for assignment, root in roots.items()))

    second = lesson02_submissions()
    for student, (sources, variant) in STUDENTS.items():
        folder = roots["ps"] / "submitted" / student / "ps"
        write(folder / f"{L01}.ipynb", lesson01(sources))
        write(folder / f"{L02}.ipynb", second[variant])
    submitted_later = roots["later"] / "submitted"
    for stem, name in LATER_CORRECT.items():
        write(submitted_later / "correct" / "later" / f"{stem}.ipynb", corpus_notebook(name))
    # a second student: lesson 05 with one common mistake in each exercise (the corpus')
    write(submitted_later / "keras_mistakes" / "later" / f"{L05}.ipynb",
          corpus_notebook(KERAS_MISTAKES))
    for student, handed_in in LATER_MISTAKES.items():
        for stem, name in handed_in.items():
            write(submitted_later / student / "later" / f"{stem}.ipynb", corpus_notebook(name))

    nbgrader_side_by_side(*((root, "autograde", assignment)
                            for assignment, root in roots.items()))
    nbgrader(roots["ps"], "generate_feedback", "ps")
    return roots


@pytest.fixture(scope="module")
def course(courses) -> Path:
    """The course folder of assignment ``ps`` (lessons 01 and 02)."""
    return courses["ps"]


@pytest.fixture(scope="module")
def later(courses) -> Path:
    """The course folder of assignment ``later`` (lessons 03 to 05)."""
    return courses["later"]


def gradebook_scores(course: Path, assignment: str, student: str) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {notebook.name: {grade.name: grade.score for grade in notebook.grades}
                for notebook in submission.notebooks}


# -- the release -----------------------------------------------------------------------------------
# Why a release and a lesson differ, key by key; nothing else may differ.
NBGRADER_CELL_METADATA = {
    # generate_assignment records what it released, to detect edits at autograde time ...
    "checksum",
    # ... and each graded cell's type, to detect a code cell turned into Markdown.
    "cell_type",
}
NBGRADER_LOCKS = {
    # LockCells: answer and check cells cannot be deleted, check cells not edited, in the
    # classic notebook; JupyterLab shows them as ordinary cells. Lessons stay as authored.
    "deletable",
    "editable",
}
# The notebook's metadata: build-lessons drops the widget state with the outputs (it would
# describe widgets that are no longer there); nbgrader clears outputs but keeps it.
DROPPED_BY_BUILD_LESSONS = {"widgets"}


def without_nbgrader_additions(notebook: dict) -> dict:
    for cell in notebook["cells"]:
        metadata = cell.get("metadata", {})
        for key in NBGRADER_LOCKS:
            metadata.pop(key, None)
        for key in NBGRADER_CELL_METADATA:
            metadata.get("nbgrader", {}).pop(key, None)
    for key in DROPPED_BY_BUILD_LESSONS:
        notebook["metadata"].pop(key, None)
    return notebook


@pytest.mark.parametrize("stem", [L01, L02, *LATER])
def test_release_equals_the_lesson_apart_from_nbgrader_metadata(courses, stem):
    assignment = "ps" if stem in (L01, L02) else "later"
    release = json.loads((courses[assignment] / "release" / assignment /
                          f"{stem}.ipynb").read_text())
    lesson = json.loads((LESSONS / f"{stem}.ipynb").read_text())
    assert without_nbgrader_additions(release) == lesson
    text = json.dumps(release)
    assert "HIDDEN TESTS" not in text and "hidden_tests" not in text


def test_every_check_cell_of_the_solutions_has_hidden_tests():
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
            if grade_id.startswith("check_"):
                source = "".join(cell["source"])
                assert source.startswith(f'{HIDDEN_BEGIN}\ncheck.hidden_tests("{grade_id[6:]}")\n'
                                         f"{HIDDEN_END}\n"), (path.name, grade_id)


# -- autograde -------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_autograde_gives_exactly_the_scores_of_course_grade(course, student):
    got, expected = gradebook_scores(course, "ps", student), expected_scores(student)
    assert got.keys() == expected.keys()
    for stem in expected:
        assert got[stem] == pytest.approx(expected[stem]), (student, stem)


def test_every_lesson_answered_right_gets_full_marks(course, later):
    got = gradebook_scores(later, "later", "correct")
    expected = {stem: {f"check_{e.id}": POINTS[e.id] for e in exercises.for_lesson(stem)}
                for stem in LATER}
    assert got == expected
    assert sum(map(sum, (s.values() for s in gradebook_scores(course, "ps", "correct").values()))) \
        == sum(POINTS[e.id] for e in exercises.for_lesson(L01) + exercises.for_lesson(L02))


@pytest.mark.parametrize("student", sorted(LATER_MISTAKES))
def test_autograde_gives_the_corpus_scores_for_lessons_03_and_04(later, student):
    got = gradebook_scores(later, "later", student)      # lessons not handed in score 0
    expected = {stem: {f"check_{k}": v for k, v in EXPECTED[name]["scores"].items()}
                for stem, name in LATER_MISTAKES[student].items()}
    assert set(expected) <= set(got)
    for stem in expected:
        assert got[stem] == pytest.approx(expected[stem]), stem


def test_keras_mistakes_score_exactly_as_in_course_grade(later):
    got = gradebook_scores(later, "later", "keras_mistakes")[L05]
    assert got == pytest.approx({f"check_{exercise_id}": score for exercise_id, score
                                 in EXPECTED[KERAS_MISTAKES]["scores"].items()})
    assert 0 < sum(got.values()) < sum(POINTS[e.id] for e in exercises.for_lesson(L05))


def test_autograde_reruns_the_hidden_tests_and_keeps_their_feedback(course):
    notebook = json.loads((course / "autograded" / "mistakes_a" / "ps" /
                           f"{L01}.ipynb").read_text())
    cell = next(c for c in notebook["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == "check_compute_cost")
    assert HIDDEN_BEGIN in "".join(cell["source"])     # autograde put the hidden tests back
    # A missing 1/m shows on every hidden case (m >= 2), so the cell earns nothing: it raises
    # with the verdict, and nbgrader scores it 0.
    text = "".join("".join(o.get("text", "")) + o.get("evalue", "")
                   + "".join(o.get("traceback", []))
                   for o in cell["outputs"] if o["output_type"] in ("stream", "error"))
    assert "❌ Hidden tests (6 new random inputs)" in text and "Looks like a missing 1/m" in text
    assert not [o for o in cell["outputs"] if o["output_type"] == "execute_result"]


# -- validate and feedback -------------------------------------------------------------------------
def test_validate_fails_a_blank_notebook_with_the_checks_own_message(course, tmp_path):
    blank = tmp_path / f"{L01}.ipynb"
    shutil.copy(course / "release" / "ps" / f"{L01}.ipynb", blank)
    output = nbgrader(course, "validate", str(blank)).stdout
    assert "VALIDATION FAILED ON 4 CELL(S)" in output
    assert "passes all the tests" not in output
    for exercise in exercises.for_lesson(L01):
        assert f"⏳ Exercise `{exercise.id}` is not finished yet" in output
    assert "Traceback" not in output


def test_validate_shows_the_named_mistake_and_its_hint(course, tmp_path):
    mistake = tmp_path / f"{L01}.ipynb"
    shutil.copy(course / "submitted" / "mistakes_a" / "ps" / f"{L01}.ipynb", mistake)
    output = nbgrader(course, "validate", str(mistake)).stdout
    assert "VALIDATION FAILED ON 4 CELL(S)" in output
    assert "❌ compute_cost: 3 of 4 checks failed." in output
    assert "Looks like a missing 1/m. Hint: your cost grows with the number of examples" in output
    cut = [line for line in output.splitlines() if len(line) == 90 and line.endswith("...")]
    assert cut == []                                # validate cuts lines after 87 characters


def test_validate_passes_a_correct_notebook(course, tmp_path):
    right = tmp_path / f"{L02}.ipynb"
    shutil.copy(course / "submitted" / "correct" / "ps" / f"{L02}.ipynb", right)
    assert "Success! Your notebook passes all the tests." in nbgrader(
        course, "validate", str(right)).stdout


def test_feedback_carries_the_verdicts_and_hints_but_no_hidden_inputs(course):
    feedback = (course / "feedback" / "mistakes_b" / "ps" / f"{L01}.html").read_text()
    assert "Looks like an overflow for large |z|" in feedback
    assert "np.exp(1000) is infinity" in feedback
    assert "hidden tests" in feedback
    second = (course / "feedback" / "mistakes_a" / "ps" / f"{L02}.html").read_text()
    assert "Looks like the sum instead of the mean" in second
    blank = (course / "feedback" / "blank" / "ps" / f"{L01}.html").read_text()
    assert "is not finished yet" in blank


def test_a_lesson_built_by_nbgrader_and_by_course_agree_on_a_made_up_cell():
    """The hidden-test stripping of ``build-lessons`` is nbgrader's, line for line."""
    from nbgrader.preprocessors import ClearHiddenTests

    source = ("x = 1\n  ### BEGIN HIDDEN TESTS\nsecret = 2\n### END HIDDEN TESTS\n"
              "y = 3\n# BEGIN HIDDEN TESTS (any prefix)\nz = 4\n# END HIDDEN TESTS\n")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    ours = make_lesson(json.loads(nbformat.writes(notebook)))["cells"][0]["source"]
    theirs, _ = ClearHiddenTests().preprocess(notebook, {})
    assert ours == theirs.cells[0].source == "x = 1\ny = 3\n"


# -- the class report from nbgrader's autograded notebooks ----------------------------------------
def test_the_class_report_reads_autograded_notebooks_as_nbgrader_scores_them(courses, tmp_path):
    """Each check cell's score is the gradebook's, and the named mistakes are the corpus'."""
    from course.grading.class_report import nbgrader as autograded, summary

    submissions = [submission for root in courses.values()
                   for submission in autograded.read_autograded(root)]
    handed_in_later = len(LATER) + 1 + sum(map(len, LATER_MISTAKES.values()))  # correct, keras
    assert len(submissions) == 2 * len(STUDENTS) + handed_in_later
    for submission in submissions:
        assignment = "ps" if submission.lesson in (L01, L02) else "later"
        expected = gradebook_scores(courses[assignment], assignment,
                                    submission.student)[submission.lesson]
        got = {f"check_{r.exercise_id}": r.score for r in submission.exercises}
        assert got == pytest.approx(expected), (submission.student, submission.lesson)
    first = next(lesson for lesson in summary.summarise(submissions).lessons
                 if lesson.lesson == L01)
    named = {(m.exercise_id, m.name): m.students for e in first.exercises for m in e.mistakes}
    assert named == {("sigmoid", "the wrong sign in the exponent"): 1,      # mistakes_a
                     ("sigmoid", "an overflow for large |z|"): 1,           # mistakes_b
                     ("compute_cost", "a missing 1/m"): 1,
                     ("compute_gradient", "the gradient without the 1/m factor"): 1,
                     ("compute_gradient", "dj_dw of shape (n, 1) instead of (n,)"): 1,
                     ("compute_gradient", "the wrong sign"): 1,          # wrong_gradient_only
                     ("gradient_descent", "J_history without the starting cost"): 1}
    assert [e.not_attempted for e in first.exercises] == [1, 1, 1, 1]     # the blank one
    assert cli.main(["class-report", str(courses["ps"]), "--out", str(tmp_path)]) == 0
    compute_cost = (tmp_path / "class_report.md").read_text(encoding="utf-8").split(
        "### compute_cost (")[1].split("###")[0]
    assert "| 1 | a missing 1/m | 1 | 17% |" in compute_cost    # 1 of the 6 lesson-01 students
