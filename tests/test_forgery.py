"""Forging a score from a blank notebook, the five ways of issue 15 (tests/corpus/attacks.py).

Each forgery hooks the grading kernel (the grader's callable in ``globals()``, an IPython input
transformer, a ``post_run_cell`` event, an audit hook, a ``_thread`` hand-off) and slips in
the values the course's own implementation computes. In both sandboxes each scores 0: the
kernel imports the lesson's grading course tree (course/grading/course_tree.py), where those
implementations only raise, and nothing the kernel writes is more than "values a function
returned". The control grades the same notebook in the same sandbox against the installed
package (no course tree): the forgery then scores full marks, so the hook really ran and
the course tree is what stops it.

The old design (a harness object and an HMAC key inside the kernel, a profile-hook watcher;
``git show 5ef5fc9:course/grading/harness.py``) lost to the same five hooks with 11/11:
they read its key from the grader's cell or replaced its method (issue 15).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course import exercises
from course.grading import course_tree, sandbox
from course.grading.grader import grade_notebook
from course.grading.limits import Limits

CORPUS = Path(__file__).parent / "corpus"
FORGERIES = sorted(p.name for p in CORPUS.glob("forge_*.ipynb"))
LESSON = "01_logistic_regression_numpy"
LIMITS = Limits(cell_seconds=60, total_seconds=300)
FULL_MARKS = sum(e.points for e in exercises.all_exercises() if e.lesson == LESSON)


@pytest.fixture(scope="module", params=["bubblewrap", "landlock"])
def confinement(request):
    from test_sandbox import require
    return require(request.param)


def grade(name: str, confinement) -> dict:
    notebook = nbformat.read(CORPUS / name, as_version=4)
    return grade_notebook(notebook, LESSON, LIMITS, seed=0, confinement=confinement)


def test_there_are_five_forgeries_and_the_corpus_expects_0_for_each():
    expected = json.loads((CORPUS / "expected.json").read_text())
    assert len(FORGERIES) == 5
    assert all(expected[name]["total"] == 0 for name in FORGERIES)


def forgery_report(name: str, confinement, corpus_grades) -> dict:
    """The report of ``name`` graded in ``confinement``: the one of the corpus run (every
    corpus notebook graded once, in the machine's default sandbox: tests/conftest.py) where
    that is the same kind of sandbox, else a grading of its own here."""
    _, out = corpus_grades
    report = json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
    return report if report["sandbox"]["kind"] == confinement.kind else grade(name, confinement)


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forgery_scores_0(confinement, name, corpus_grades):
    report = forgery_report(name, confinement, corpus_grades)
    assert report["sandbox"]["kind"] == confinement.kind
    assert not report["kernel_problem"], report["kernel_problem"]     # the notebook ran
    assert report["score"] == 0, [e["feedback"] for e in report["exercises"]]


@pytest.mark.parametrize("name", FORGERIES)
def test_control_the_forgery_wins_against_the_installed_package(confinement, name,
                                                               monkeypatch):
    monkeypatch.setattr(course_tree, "for_lesson", lambda lesson: None)
    report = grade(name, confinement)
    assert report["score"] == report["max_score"] == FULL_MARKS > 0, \
        [e["feedback"] for e in report["exercises"]]


#: A cell that reports whether the real package's answers could be read from the kernel.
PROBE = """\
import pathlib
real = pathlib.Path({package!r})
read = []
for path in (real / 'exercises' / '__init__.py', real / 'exercises' / '_learner_answers.py',
             real / 'logistic.py'):
    try:
        text = path.read_text()
    except OSError:
        continue
    if 'ReferenceWithheld' not in text:          # not the stubbed copy of the course tree
        read.append(path.name)
raise RuntimeError('READ ' + ' '.join(read) if read else 'REFUSED')
"""


def probe_lines(confinement) -> list[str]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        PROBE.format(package=str(sandbox.course_package())))])
    return grade_notebook(notebook, LESSON, LIMITS, seed=0,
                          confinement=confinement)["notebook_errors"]


def test_the_kernel_cannot_read_the_answer_keys_or_the_real_package(confinement,
                                                                   monkeypatch):
    assert probe_lines(confinement) == ["code cell 1: RuntimeError: REFUSED"]
    monkeypatch.setattr(course_tree, "for_lesson", lambda lesson: None)     # control
    assert probe_lines(confinement) == [
        "code cell 1: RuntimeError: READ __init__.py _learner_answers.py logistic.py"]
