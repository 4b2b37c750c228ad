"""The class report in Markdown (CommonMark with GitHub's tables), figures beside it as PNG.

The figures are linked by relative path (``class_report_figures/<name>.png``), so the
Markdown file and its folder can be copied together into slides, a wiki or a repository.
"""

from __future__ import annotations

import re

from course.grading.class_report.content import Heading, Image, Paragraph, Plain, Table


def escape(text: str) -> str:
    """Text from a report, with what Markdown would read as markup escaped.

    An underscore inside a word (``compute_cost``) is not markup and stays as it is.

    >>> print(escape("a|b *c* _d_ compute_cost <script>"))
    a\\|b \\*c\\* \\_d\\_ compute_cost &lt;script&gt;
    """
    text = re.sub(r"([\\`*\[\]|~])", r"\\\1", str(text))
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    text = escape(text) if isinstance(text, Plain) else str(text).replace("|", "\\|")
    return " ".join(text.split())


def _text(text: str) -> str:
    return escape(text) if isinstance(text, Plain) else str(text)


def render(blocks: list, figures_folder: str) -> str:
    """The Markdown text; images point to ``figures_folder/<name>.png``."""
    lines = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + _text(block.text), ""]
        elif isinstance(block, Paragraph):
            lines += [_text(block.text), ""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_cell(c) for c in block.header) + " |")
            lines.append("|" + " --- |" * len(block.header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, Image):
            alt = " ".join(block.figure.alt.replace("[", "(").replace("]", ")").split())
            lines += [f"![{alt}]({figures_folder}/{block.figure.name}.png)", ""]
    return "\n".join(lines).rstrip() + "\n"
