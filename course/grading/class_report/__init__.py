"""The class report: after grading, what the class got wrong and what to re-teach first.

The recipe, one module a step:

1. read the graders' results into records: ``course grade``'s JSON reports
   (:mod:`.reading`) or nbgrader's autograded notebooks (:mod:`.nbgrader`), both as
   :class:`.records.Submission`; the named mistakes come from the exercise registry
   (:mod:`.mistakes`);
2. add them up per lesson, exercise and named mistake, and pick the students to look at
   (:mod:`.summary`);
3. lay the report out as blocks, drawing its figures (:mod:`.content`, :mod:`.figures`);
4. write one self-contained HTML page, the same in Markdown, and the figures as PNG files
   (:mod:`.html_page`, :mod:`.markdown_page`; :func:`write_report`).

Nothing is graded again, and nothing the student wrote (code, printed text, error messages)
or any hidden input reaches the report: records hold numbers, statuses and mistake names only.
``course class-report`` (:mod:`.cli`) runs the recipe on a folder; ``course grade`` runs it on
the reports it has just written (:func:`write_beside_gradebook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.grading.class_report import reading
from course.grading.class_report.summary import DEFAULT_THRESHOLD, summarise

HTML_NAME, MARKDOWN_NAME, FIGURES_FOLDER = "class_report.html", "class_report.md", \
    "class_report_figures"

__all__ = ["ReportFiles", "write_report", "write_beside_gradebook", "HTML_NAME",
           "MARKDOWN_NAME", "FIGURES_FOLDER"]


@dataclass(frozen=True)
class ReportFiles:
    """Where a class report was written."""

    html: Path
    markdown: Path
    figures: tuple


def write_report(submissions: list, out: Path, anonymous: bool = False,
                 threshold: float = DEFAULT_THRESHOLD) -> ReportFiles:
    """Write the class report of ``submissions`` (:class:`.records.Submission`) into ``out``.

    Writes ``class_report.html`` (self-contained), ``class_report.md`` and
    ``class_report_figures/<name>.png``; the figures folder is emptied of old PNGs first, so
    it holds exactly this report's figures.
    """
    # matplotlib is imported only here, so `course grade`'s workers never load it
    from course.grading.class_report import content, html_page, markdown_page

    blocks = content.report_blocks(summarise(submissions, threshold), anonymous)
    out = Path(out)
    folder = out / FIGURES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    paths = []
    for figure in content.figures_of(blocks):
        path = folder / f"{figure.name}.png"
        path.write_bytes(figure.png)
        paths.append(path)
    html_path, markdown_path = out / HTML_NAME, out / MARKDOWN_NAME
    html_path.write_text(html_page.render(blocks), encoding="utf-8")
    markdown_path.write_text(markdown_page.render(blocks, FIGURES_FOLDER), encoding="utf-8")
    return ReportFiles(html_path, markdown_path, tuple(paths))


def write_beside_gradebook(reports: list, out: Path, echo=print) -> ReportFiles | None:
    """``course grade``'s hook: the class report of the run's ``reports`` into ``out``.

    Never raises: grading is done and ``grades.csv`` written whatever happens here; a
    failure is one line for the instructor (``course class-report`` can be run again later).
    """
    try:
        files = write_report([reading.submission(r) for r in reports], out)
    except Exception as error:  # the report is a bonus; the grades are already safe
        echo(f"Class report not written ({type(error).__name__}: {error}); run "
             f"`course class-report {out}` to try again.")
        return None
    echo(f"Class report: {files.html} (and {files.markdown.name}, figures in "
         f"{FIGURES_FOLDER}/)")
    return files
