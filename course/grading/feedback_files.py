"""Feedback a student can read: ``course grade ... --feedback DIR``, one Markdown and one HTML file
per submission, and the same text in Gradescope's ``results.json``.

Everything comes from the report of :func:`course.grading.grader.grade_submission`: the
score of each exercise, what passed, what failed with the named mistake and its hint, errors
of the notebook's cells, and the time limits that applied. A report never holds the hidden
inputs or the expected values (``Exercise.grade`` words its feedback without them), and
nothing here adds any.

One document, two renderings: :func:`document` lists blocks of Markdown (a heading, a
paragraph, a table, a list), :func:`markdown` writes them out and :func:`html` renders that
Markdown with ``mistune`` into one self-contained page (style inline, no script, no link).

Text the submission controls is escaped where it is quoted: its file name, its cells'
errors and the notebook's problems with :func:`quoted` (nothing in them is Markdown), the
exercises' feedback (the course's own wording, with Markdown such as `` `dj_db` `` and
``*mean*``, around the messages of the student's exceptions) with :func:`safe_markdown`,
which keeps code and emphasis but no HTML, link, image, table cell or heading.

>>> report = {"submission": "ada.ipynb", "lesson": "01_logistic_regression_numpy",
...           "score": 2.5, "max_score": 5.0, "error": None, "exercises": [
...     {"id": "sigmoid", "score": 2.0, "max_score": 2.0, "status": "passed",
...      "feedback": "sigmoid: all 4 tests passed."},
...     {"id": "compute_cost", "score": 0.5, "max_score": 3.0, "status": "failed",
...      "feedback": "compute_cost: 0.5 of 3 points.\\n  - the result is wrong on 5 of 6 tests"
...                  " (different values).\\n  Looks like a missing 1/m. Hint: J is the *mean*."}]}
>>> print(markdown(report))
# Feedback on ada.ipynb
<BLANKLINE>
Lesson 01_logistic_regression_numpy. **Score: 2.5 of 5 points.**
<BLANKLINE>
| Exercise | Points | Result |
| --- | --- | --- |
| sigmoid | 2 of 2 | ✅ passed |
| compute_cost | 0.5 of 3 | ❌ wrong answers |
<BLANKLINE>
## What to fix
<BLANKLINE>
### compute_cost: 0.5 of 3 points
<BLANKLINE>
- The result is wrong on 5 of 6 tests (different values).
- Looks like a missing 1/m. Hint: J is the *mean*.
<BLANKLINE>
## What passed
<BLANKLINE>
- sigmoid: all 4 tests passed.
<BLANKLINE>
>>> "<em>mean</em>" in html(report) and "*mean*" not in html(report)
True
"""

from __future__ import annotations

import html as _html
from pathlib import Path

from course.grading.safe_text import markdown_text, printable

_RESULT = {"passed": "✅ passed", "failed": "❌ wrong answers", "not_attempted": "⏳ not attempted",
           "timeout": "⏱ time limit", "missing": "❌ function not found",
           "reference": "❌ calls the course's solution", "error": "❌ not graded"}
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;"
          "line-height:1.45;color:#1b1b1b}table{border-collapse:collapse}"
          "th,td{border:1px solid #bbb;padding:.3em .7em;text-align:left}"
          "th{background:#f1f1f1}h3{margin-bottom:.3em}")


def _points(value) -> str:
    return f"{float(value):g}"


def _items(entry: dict) -> tuple[str, list]:
    """A heading ``"<id>: <score> of <points> points"`` and the feedback's lines as items.

    The feedback's first line repeats the score (``"compute_cost: 0.5 of 3 points."``) and
    may go on with a sentence (``"... Not graded: ..."``); that sentence becomes the first
    item, as does a first line that is a sentence of its own (``"sigmoid: not attempted
    (...)"``).
    """
    first, *rest = entry["feedback"].splitlines() or [""]
    heading = f"{entry['id']}: {_points(entry['score'])} of {_points(entry['max_score'])} points"
    sentence = first.removeprefix(heading + ".").removeprefix(f"{entry['id']}: ").strip()
    items = [sentence] if sentence else []
    items += [line.strip().removeprefix("- ") for line in rest if line.strip()]
    return quoted(heading), [safe_markdown(item[:1].upper() + item[1:]) for item in items]


def quoted(text) -> str:
    """Text the submission controls, as literal Markdown (:func:`safe_text.markdown_text`)."""
    return markdown_text(text)


def safe_markdown(text) -> str:
    """One line of feedback wording as Markdown that keeps `code` and *emphasis* and can do
    nothing else: no HTML, link, image, table cell, heading or list can start in it."""
    return markdown_text(text, keep_style=True)


def exercise_markdown(entry: dict) -> str:
    """One exercise's feedback as Markdown: its heading line, then its items as a list
    (Gradescope's per-test ``output``)."""
    heading, items = _items(entry)
    return "\n".join([f"**{heading}**", "", *(f"- {item}" for item in items)]) \
        if items else f"**{heading}**"


def document(report: dict) -> list:
    """The feedback as blocks: ``("h1" | "h2" | "h3" | "p", text)``, ``("ul", [items])``,
    ``("table", [header, *rows])``."""
    name = report.get("submission") or "your submission"
    blocks = [("h1", f"Feedback on {quoted(name)}")]
    lesson = f"Lesson {quoted(report['lesson'])}. " if report.get("lesson") else ""
    blocks.append(("p", f"{lesson}**Score: {_points(report['score'])} of "
                        f"{_points(report['max_score'])} points.**"))
    entries = report.get("exercises", [])
    if entries:
        blocks.append(("table", [("Exercise", "Points", "Result")] + [
            (quoted(e["id"]), f"{_points(e['score'])} of {_points(e['max_score'])}",
             _RESULT.get(e["status"], quoted(e["status"]))) for e in entries]))
    problems = []
    if report.get("error"):
        problems.append(quoted(report["error"]))
    if report.get("kernel_problem"):
        problems.append(f"Your notebook stopped early: {quoted(report['kernel_problem'])}.")
    # A submission that could not be graded at all says why once, under "Your notebook".
    lost = [] if report.get("error") else [e for e in entries if e["score"] < e["max_score"]]
    if lost:
        blocks.append(("h2", "What to fix"))
        for entry in lost:
            heading, items = _items(entry)
            blocks += [("h3", heading), ("ul", items)] if items else [("h3", heading)]
    passed = [e for e in entries if e["score"] >= e["max_score"]]
    if passed:
        blocks += [("h2", "What passed"), ("ul", [safe_markdown(e["feedback"]) for e in passed])]
    if problems or report.get("notebook_errors"):
        blocks.append(("h2", "Your notebook"))
        blocks += [("p", text) for text in problems]
        if report.get("notebook_errors"):
            blocks += [("p", "Cells that raised an error while your notebook ran:"),
                       ("ul", [quoted(line) for line in report["notebook_errors"][:10]])]
    blocks += _how_it_ran(report)
    return blocks


def _how_it_ran(report: dict) -> list:
    """Time limits (always, when known) and the sandbox, as a closing section."""
    notes = []
    limits = report.get("limits") or {}
    timed_out = [e["id"] for e in report.get("exercises", []) if e["status"] == "timeout"]
    if timed_out:
        notes.append(f"Stopped at the time limit: {', '.join(timed_out)}. A function that takes "
                     "much longer than the course's own solution is usually stuck in a loop.")
    seconds = sorted({e["case_seconds"] for e in report.get("exercises", [])
                      if e.get("case_seconds")})
    if seconds and limits:
        per_test = " to ".join(_points(s) for s in dict.fromkeys((seconds[0], seconds[-1])))
        notes.append(f"Time limits: each test of an exercise {per_test} s, each cell "
                     f"{_points(limits['cell_seconds'])} s, the whole notebook "
                     f"{_points(limits['total_seconds'])} s.")
    sandbox = report.get("sandbox") or {}
    if sandbox.get("kind") == "none":
        notes.append("Your notebook ran without a sandbox (sandbox: none).")
    elif sandbox.get("kind"):
        notes.append(f"Your notebook ran in a sandbox: {sandbox['kind']}.")
    return [("h2", "How your notebook was graded"), ("ul", notes)] if notes else []


def markdown(report: dict) -> str:
    """The feedback as Markdown (GitHub's flavour: tables, ``**bold**``)."""
    out = []
    for kind, content in document(report):
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {content}")
        elif kind == "p":
            out.append(content)
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in content))
        else:
            header, *rows = content
            lines = [_md_row(header), "| " + " | ".join("---" for _ in header) + " |"]
            out.append("\n".join(lines + [_md_row(row) for row in rows]))
    return "\n\n".join(out) + "\n"


def _md_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def html(report: dict) -> str:
    """The feedback as one self-contained HTML page: :func:`markdown` rendered by ``mistune``
    (raw HTML escaped, links and images shown as their text), style inline, no script."""
    import mistune

    render = mistune.create_markdown(renderer=_text_only_links()(escape=True),
                                     plugins=["table"])
    title = _html.escape(_plain_title(report))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>\n"
            + render(markdown(report)) + "</body></html>\n")


def _plain_title(report: dict) -> str:
    return f"Feedback on {printable(report.get('submission') or 'your submission')}"


def _text_only_links():
    """mistune's HTML renderer with links and images as their text (mistune is imported only
    when HTML is written: the Gradescope bundle needs only the Markdown)."""
    import mistune

    class TextOnlyLinks(mistune.HTMLRenderer):
        """Links and images become their text: feedback never sends a student anywhere."""

        def link(self, text, url, title=None):
            return text

        def image(self, text, url, title=None):
            return _html.escape(text)

    return TextOnlyLinks


def write_feedback(report: dict, folder: Path, name: str) -> tuple[Path, Path]:
    """Write ``<name>.md`` and ``<name>.html`` into ``folder``; return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / f"{name}.md", folder / f"{name}.html"
    paths[0].write_text(markdown(report), encoding="utf-8")
    paths[1].write_text(html(report), encoding="utf-8")
    return paths
