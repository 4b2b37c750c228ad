"""The class report of a synthetic class of 44 students, graded for real.

To keep it fast, the students' reports are copies: each *distinct* notebook's JSON report,
from the ``course grade`` run over the whole corpus that tests/test_grading_corpus.py checks
too (``corpus_grades`` in tests/conftest.py), is copied under the names of every student who
"handed it in". The class (lesson 01, 9 points: sigmoid 2, compute_cost 1, compute_gradient 3,
gradient_descent 3):

=====================================  ========  =====  =====================================
corpus notebook                        students  total  what it shows
=====================================  ========  =====  =====================================
correct.ipynb                          12        9      full marks
untouched.ipynb                        4         0      nothing attempted
mistake_cost_no_1_over_m.ipynb         8         8      compute_cost: "a missing 1/m" (-1)
mistake_sigmoid_sign.ipynb             6         7      sigmoid: wrong sign (-2)
mistake_gradient_no_1_over_m.ipynb     5         6      compute_gradient: no 1/m (-3)
mistake_sigmoid_overflow_nan.ipynb     3         7      sigmoid: overflow (-2)
mistake_gradient_dj_dw_column.ipynb    2         7.5    compute_gradient: (n, 1) (-1.5)
mistake_descent_history_no_start.ipynb 1         8      gradient_descent: no start (-1)
infinite_loop.ipynb                    2         6      gradient_descent times out (-3)
memory_hog.ipynb                       1         0      the memory limit stops the kernel
=====================================  ========  =====  =====================================

Every number asserted below follows from that table (worked out in the comments). Half the
copies carry a ``student`` key (as newer reports do), half are named by their file only.
The page is also opened in headless Chromium: no console error, alt text on every image.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
L01 = "01_logistic_regression_numpy"
CLASS = {"correct": 12, "untouched": 4, "mistake_cost_no_1_over_m": 8,
         "mistake_sigmoid_sign": 6, "mistake_gradient_no_1_over_m": 5,
         "mistake_sigmoid_overflow_nan": 3, "mistake_gradient_dj_dw_column": 2,
         "mistake_descent_history_no_start": 1, "infinite_loop": 2, "memory_hog": 1}
STUDENTS = sum(CLASS.values())          # 44


def course(*args, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, "-m", "course.cli", *args], capture_output=True,
                          text=True, env=env, timeout=900, **kwargs)


@pytest.fixture(scope="module")
def graded(corpus_grades):
    """The corpus graded once by ``course grade`` (tests/conftest.py): (process, folder)."""
    return corpus_grades


def test_each_distinct_notebook_got_its_corpus_score(graded):
    """The premise of every count below: the grading itself went as tests/corpus expects."""
    _, out = graded
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    for stem in CLASS:
        report = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        scores = {e["id"]: e["score"] for e in report["exercises"]}
        assert scores == pytest.approx(expected[f"{stem}.ipynb"]["scores"]), (stem, report)
    assert "memory limit" in json.loads((out / "memory_hog.json").read_text())["kernel_problem"]


def names_of(stem: str) -> list[str]:
    """The made-up students who handed in ``stem``: ``<stem>-01``, ... (sorted = class order)."""
    return [f"{stem}-{number:02d}" for number in range(1, CLASS[stem] + 1)]


@pytest.fixture(scope="module")
def class_report(graded, tmp_path_factory):
    """The 44 students' reports (copies), and the class report made from them."""
    _, out = graded
    folder = tmp_path_factory.mktemp("class_reports")
    for stem in CLASS:
        report = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        for index, name in enumerate(names_of(stem)):
            copy = dict(report, submission=f"{name}.ipynb", report_name=name)
            copy.pop("student", None)          # course grade writes one: the graded file's
            if index % 2:
                copy["student"] = name
            (folder / f"{name}.json").write_text(json.dumps(copy), encoding="utf-8")
    process = course("class-report", str(folder), "--out", str(folder / "report"))
    assert process.returncode == 0, process.stderr
    return folder / "report"


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """The rows of the first Markdown table whose header starts with ``header_start``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_course_grade_writes_the_class_report_beside_grades_csv(graded):
    """Beside grades.csv of the corpus run (every lesson): the page, its Markdown, and two
    figures per lesson and one per exercise handed in."""
    process, out = graded
    assert (out / "grades.csv").is_file()
    page = (out / "class_report.html").read_text(encoding="utf-8")
    assert "Re-teach first" in page and "a missing 1/m" in page
    assert (out / "class_report.md").is_file()
    reports = [json.loads((out / f"{Path(name).stem}.json").read_text(encoding="utf-8"))
               for name in json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))]
    lessons = {report["lesson"] for report in reports} - {None}
    assert L01 in lessons and len(lessons) == 5
    expected = {f"exercise-{report['lesson']}-{entry['id']}.png"
                for report in reports for entry in report["exercises"]}
    expected |= {f"lesson-{lesson}-{kind}.png" for lesson in lessons
                 for kind in ("mistakes", "totals")}
    assert {p.name for p in (out / "class_report_figures").glob("*.png")} == expected
    assert "Class report: " in process.stdout


def test_the_reteach_list_ranks_exercises_and_mistakes_by_points_lost(class_report):
    markdown = (class_report / "class_report.md").read_text(encoding="utf-8")
    # points lost per exercise = blank 4 x points + mistakes + time outs + memory_hog:
    #   compute_gradient 4*3 + 5*3 + 2*1.5 + 3     = 33   (mean (132 - 33) / 44 = 2.25)
    #   sigmoid          4*2 + 6*2 + 3*2 + 2       = 28   (mean (88 - 28) / 44 = 1.36)
    #   gradient_descent 4*3 + 1*1 + 2*3 + 3       = 22   (mean (132 - 22) / 44 = 2.5)
    #   compute_cost     4*1 + 8*1 + 1             = 13   (fourth: not listed)
    assert table_rows(markdown, "| rank | exercise |") == [
        ["1", "compute_gradient", L01, "33", "2.25 of 3", "4", "1"],
        ["2", "sigmoid", L01, "28", "1.36 of 2", "4", "1"],
        ["3", "gradient_descent", L01, "22", "2.5 of 3", "4", "3"]]
    # named mistakes by points lost: 5*3 = 15, 6*2 = 12, 8*1 = 8, 3*2 = 6, 2*1.5 = 3
    rows = table_rows(markdown, "| rank | named mistake | exercise |")
    assert [row[:6] for row in rows] == [
        ["1", "the gradient without the 1/m factor", "compute_gradient", "5", "11%", "15"],
        ["2", "the wrong sign in the exponent", "sigmoid", "6", "14%", "12"],
        ["3", "a missing 1/m", "compute_cost", "8", "18%", "8"],
        ["4", "an overflow for large \\|z\\|", "sigmoid", "3", "7%", "6"],
        ["5", "dj_dw of shape (n, 1) instead of (n,)", "compute_gradient", "2", "5%", "3"]]
    assert rows[0][6].startswith("both of your derivatives are m times too large")  # registry


def test_every_exercise_has_its_counts_and_its_mistakes_ranked_by_students(class_report):
    markdown = (class_report / "class_report.md").read_text(encoding="utf-8")
    # totals: 12*9 + 8*8 + 6*7 + 5*6 + 3*7 + 2*7.5 + 8 + 2*6 = 300, / 44 = 6.82;
    # sorted, the 22nd and 23rd totals are both 7.5 (5 zeros, 7 sixes, 9 sevens, then 7.5s)
    assert f"{STUDENTS} submissions: mean 6.82, median 7.5 of 9 points." in markdown
    assert table_rows(markdown, "| exercise | points |") == [
        # mean = (full marks + partial) / 44; not attempted: the 4 blanks; timed out or
        # error: memory_hog everywhere, plus infinite_loop's 2 on gradient_descent
        ["sigmoid", "2", "1.36", "2", "4", "1", "9"],
        ["compute_cost", "1", "0.7", "1", "4", "1", "8"],
        ["compute_gradient", "3", "2.25", "3", "4", "1", "7"],
        ["gradient_descent", "3", "2.5", "3", "4", "3", "1"]]
    sigmoid = markdown.split("### sigmoid (2 points)")[1].split("###")[0]
    assert f"{STUDENTS} students: mean 1.36, median 2 of 2 points; 30 full marks, 4 did not " \
           "attempt it, 1 timed out or could not be graded." in sigmoid
    assert [row[:4] for row in table_rows(sigmoid, "| rank | named mistake |")] == [
        ["1", "the wrong sign in the exponent", "6", "14%"],
        ["2", "an overflow for large \\|z\\|", "3", "7%"]]
    descent = markdown.split("### gradient_descent (3 points)")[1]
    assert "3 timed out or could not be graded" in descent
    assert [row[:4] for row in table_rows(descent, "| rank | named mistake |")] == [
        ["1", "J_history without the starting cost", "1", "2%"]]


def test_the_students_to_look_at_are_exactly_the_blank_slow_and_stopped_ones(class_report):
    markdown = (class_report / "class_report.md").read_text(encoding="utf-8")
    rows = table_rows(markdown, "| student | lesson |")
    expected = (
        [[name, L01, "6 of 9", "possible grader problem: a test hit the time limit"]
         for name in names_of("infinite_loop")]
        + [[name, L01, "0 of 9", "scored under 50% of the points; possible grader problem: "
                                  "kernel stopped or hit a limit"]
           for name in names_of("memory_hog")]
        + [[name, L01, "0 of 9", "scored under 50% of the points; did not attempt 4 of 4 "
                                  "exercises"] for name in names_of("untouched")])
    assert rows == [[cell.replace("\\_", "_") for cell in row] for row in expected]


def test_anonymous_leaves_out_every_name(class_report, tmp_path):
    folder = class_report.parent
    process = course("class-report", str(folder), "--out", str(tmp_path), "--anonymous")
    assert process.returncode == 0, process.stderr
    for path in [tmp_path / "class_report.html", tmp_path / "class_report.md",
                 *(tmp_path / "class_report_figures").iterdir()]:
        text = path.read_bytes().decode("latin-1")
        for stem in CLASS:
            assert not any(name in text for name in names_of(stem)), path
    assert "7 submissions would be listed" in (tmp_path / "class_report.md").read_text()
    # control: without --anonymous the names are there
    assert names_of("untouched")[0] in (class_report / "class_report.md").read_text()


def test_the_markdown_renders_on_its_own_with_every_figure_beside_it(class_report):
    from markdown_it import MarkdownIt

    text = (class_report / "class_report.md").read_text(encoding="utf-8")
    page = MarkdownIt("commonmark").enable("table").render(text)
    images = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page)
    assert len(images) == 6
    for source, alt in images:
        assert (class_report / source).is_file() and len(alt) > 40
    assert page.count("<table>") == 2 + 1 + 4 + 1   # re-teach x2, lesson, exercises, students
    assert "<script" not in page


@pytest.mark.browser
def test_the_page_opens_in_chromium_without_errors_and_every_image_has_alt_text(
        class_report, tmp_path):
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    page_path = class_report / "class_report.html"
    assert page_path.stat().st_size < 2 * 2**20
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            problems = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda r: problems.append(f"request {r.url}")
                    if not r.url.startswith(("file:", "data:")) else None)
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth > 0])")
            shots = Path(os.environ.get("CLASS_REPORT_SCREENSHOTS", tmp_path))
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "class_report_top.png"))
            page.screenshot(path=str(shots / "class_report_full.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert len(images) == 6
    assert all(alt.strip() and loaded for alt, loaded in images), images
