"""The class report as one self-contained HTML page: style inline, figures as base64 PNG.

No script, no external link, no font to fetch: the page opens the same offline, in a mail
attachment or on a projector, and prints in grey (the figures are hatched, the tables ruled).
"""

from __future__ import annotations

import base64
import html
import re

from course.grading.class_report.content import Heading, Image, Paragraph, Plain, Table

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60em;margin:2em auto;
padding:0 1em;line-height:1.45;color:#1b1b1b;background:#fff}
h1{font-size:1.7em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0 1em}
th,td{border:1px solid #999;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eee}td:nth-child(n){font-variant-numeric:tabular-nums}
img{display:block;max-width:100%;height:auto;margin:.5em 0}
code{background:#f3f3f3;padding:0 .2em}
@media print{body{max-width:none;margin:0}h2{break-before:auto}img,table{break-inside:avoid}}
"""


def inline(text: str) -> str:
    """Escaped HTML of ``text``; course-written text also gets `code` and *emphasis*.

    >>> inline("divide by *m* (or `np.mean`) <b>")
    'divide by <em>m</em> (or <code>np.mean</code>) &lt;b&gt;'
    >>> inline(Plain("*not* markup"))
    '*not* markup'
    """
    escaped = html.escape(str(text), quote=True)
    if isinstance(text, Plain):
        return escaped
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"<em>\1</em>", escaped)


def _image(figure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(figure.alt)}" '
            f'title="{html.escape(figure.name)}.png">')


def _table(table: Table) -> str:
    head = "".join(f"<th>{inline(cell)}</th>" for cell in table.header)
    rows = "".join("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in row) + "</tr>"
                   for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def render(blocks: list) -> str:
    """The page's full HTML text."""
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{inline(block.text)}</p>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Image):
            body.append(_image(block.figure))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Class report</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
