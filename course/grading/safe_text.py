"""Untrusted text made harmless for each place the grader writes it.

A submission controls its file and folder names, and its code controls the text of every
error it raises. None of that may change what an instructor or a student reads elsewhere:

* :func:`printable`: control and bidirectional-formatting characters shown as escapes, so a
  name with a newline cannot start a fake line in the console summary or a report
  (``"ada\\nscore: 11/11"`` prints as ``ada\\x0ascore: 11/11``);
* :func:`csv_cell`: a spreadsheet cell that is never a formula (OWASP's advice for CSV
  injection: a cell starting with ``= + - @``, a tab or a carriage return gets a leading
  ``'``; every cell is also quoted by the writer, see :data:`CSV_QUOTING`);
* :func:`markdown_text`: text quoted in Markdown that stays text (no HTML, no links, no
  code or ``*`` emphasis, no headings; ``_`` is left alone: it cannot open emphasis inside
  a word such as ``compute_cost``), for the feedback files and Gradescope's ``output``;
* :func:`file_stem`: a name safe as a file name on every system (letters, digits, ``_``,
  ``-``), used for report names.

>>> printable("ada\\n<!-- score: 11/11 -->")
'ada\\\\x0a<!-- score: 11/11 -->'
>>> csv_cell('=HYPERLINK("http://x","ok")')
'\\'=HYPERLINK("http://x","ok")'
>>> markdown_text("[click](javascript:alert(1)) *mean*")
'\\\\[click\\\\](javascript:alert(1)) \\\\*mean\\\\*'
>>> file_stem("ada.results")
'ada_results'
"""

from __future__ import annotations

import csv
import re
import unicodedata

#: Every cell of the grader's CSV files is quoted (OWASP: "wrap each cell in double quotes").
CSV_QUOTING = csv.QUOTE_ALL
#: First characters that make a spreadsheet read a cell as a formula (OWASP, ASVS 1.2.10).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
#: Characters Markdown (CommonMark/GitHub) or HTML could read as syntax.
_MARKDOWN_INLINE = re.compile(r"([\\`*\[\]<>#|!~&])")
#: The same without code and emphasis, for wording that uses them (`dj_db`, *mean*).
_MARKDOWN_INLINE_KEEPING_STYLE = re.compile(r"([\\\[\]<>#|!&])")
#: A line start that Markdown reads as a list, a quote or a heading underline.
_MARKDOWN_BLOCK = re.compile(r"^(\d*)([-+=>.)])")


def unsafe_characters(text: str) -> list[str]:
    """The control and formatting characters in ``text`` (Unicode categories Cc and Cf):
    newlines, escapes, NUL, and the bidirectional overrides that make a name read backwards."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf")]


def printable(text) -> str:
    """``text`` with every control or formatting character written as a ``\\xNN`` or
    ``\\uNNNN`` escape, so it prints on one line and reads in its stored order."""
    out = []
    for character in str(text):
        if unicodedata.category(character) in ("Cc", "Cf"):
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(character)
    return "".join(out)


def csv_cell(value) -> str | float | int:
    """A value as a spreadsheet cell that cannot run: numbers unchanged, text printable and,
    when it starts like a formula, prefixed with ``'``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else printable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def markdown_text(text, keep_style: bool = False) -> str:
    """``text`` as literal Markdown: on one line, printable, every syntax character escaped.

    CommonMark lets any ASCII punctuation be escaped with a backslash, so the rendered
    text reads exactly as ``text``; no tag, link, image, emphasis, table cell or heading
    can start (the inline characters are escaped everywhere, a list or quote marker at the
    start). With ``keep_style``, backticks and ``*`` stay Markdown (code and emphasis), for
    the course's own wording around quoted messages.
    """
    flat = " ".join(printable(text).split())
    inline = _MARKDOWN_INLINE_KEEPING_STYLE if keep_style else _MARKDOWN_INLINE
    return _MARKDOWN_BLOCK.sub(r"\1\\\2", inline.sub(r"\\\1", flat))


def file_stem(text: str, empty: str = "submission") -> str:
    """``text`` reduced to ``[A-Za-z0-9_-]`` (other characters become ``_``), at most 80 long.

    No dot can remain, so ``<stem>.json`` and ``<stem>.results.json`` of two different stems
    never share a name.
    """
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", unicodedata.normalize("NFKD", text))[:80]
    return stem.strip("_-") or empty
