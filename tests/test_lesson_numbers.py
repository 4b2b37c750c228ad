"""Every number a lesson's prose quotes from a computation appears in its stored outputs.

An edit that changes a result (a new seed, a new learning rate, a fixed bug) must not leave the
prose behind. The rule, for every markdown cell of every notebook in ``solutions/``:

1. **What counts as quoted.** A number in the text (LaTeX maths included) that has a decimal
   point (``0.7039``, ``3.2``, ``5.3e-08``) or a percent sign or a times sign right after it
   (``99 %``, ``38×``): the forms results take. Integers without them (sizes, counts of
   epochs, "lesson 3") are the prose's own words.
2. **What is left out.** Code (fenced blocks and inline spans) is code, not a quoted result;
   headings and the numbers after "section", "exercise", "lesson", "hint" or "§" name parts
   of the course; a number joined to a letter or digit (``float32``, ``8×8``, ``W1``) is part
   of a name or a size; and a number that also appears in the notebook's code sources is a
   setting the prose restates (``α = 0.001``, the 0.5 threshold), not a result.
3. **What matches.** A quoted number matches an output number (stdout and text results of
   the code cells) when it equals that number rounded to the quoted precision: ``3.2``
   matches ``3.162``, ``5.3e-08`` matches ``5.3e-08``, ``100 %`` matches ``100.0``; a
   percentage also matches a printed share (``62 %`` matches ``0.6225``). Signs are ignored
   ("falls by 0.4").
4. **Exceptions** are listed in ``ALLOWED`` per notebook, each with its reason; keep it small.

The test of the test plants a mismatch (an output changed under the prose) and checks that it
is caught, and that the exclusions of rule 2 hold.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

#: notebook stem -> {number as written in the prose: why it need not be in the outputs}
ALLOWED = {
    "01_logistic_regression_numpy": {
        "1.8": "the largest float64, about 1.8e308: a property of the number format",
    },
    "02_loss_and_cost": {
        "0.69": "log 2, a constant of the formula",
        "9.4": "1 - sigma(30) = 9.4e-14 in the margin argument, worked by hand",
        "1.3": "the lowest point read off the plotted grid",
        "3.5": "the lowest point read off the plotted grid (b = -3.5)",
    },
    "05_keras_model_fit": {
        "0.75": "an example in the statement of exercise 5.1 (3 of 4 predictions right)",
    },
}

_NUMBER = r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
# a number not glued to a word, a digit or a decimal point on its left
_TOKEN = re.compile(rf"(?<![\w.]){_NUMBER}")
_QUOTED = re.compile(rf"(?<![\w.])(?P<number>{_NUMBER})(?P<after>\s?%|×(?!\s?\d))?(?![\w.]\w)")
_NAMING_WORD = re.compile(r"(?:section|exercise|lesson|hint|§|chapter|step)s?\s*$",
                          re.IGNORECASE)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _prose(markdown: str) -> str:
    """The markdown without fenced code blocks, inline code spans and heading lines."""
    markdown = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    markdown = re.sub(r"`[^`\n]*`", " ", markdown)
    markdown = re.sub(r"<[^>\n]*>", " ", markdown)              # HTML tags and their styles
    return "\n".join(line for line in markdown.split("\n") if not line.lstrip().startswith("#"))


def quoted_numbers(markdown: str) -> list:
    """The numbers of ``markdown`` that rule 1 counts and rule 2 does not leave out: pairs
    (the number as written, whether a percent sign follows it).

    >>> quoted_numbers("In section 5.4 the cost is 0.7039 (`rtol=1e-4`), 8×8 images, 38× faster")
    [('0.7039', False), ('38', False)]
    """
    prose, found = _prose(markdown), []
    for match in _QUOTED.finditer(prose):
        number, after = match.group("number"), match.group("after")
        is_decimal = "." in number or "e" in number.lower()
        if not (is_decimal or after):
            continue
        if _NAMING_WORD.search(prose[:match.start()][-12:]):
            continue
        found.append((number, bool(after) and "%" in after))
    return found


def _numbers(text: str) -> list:
    return [float(token) for token in _TOKEN.findall(text)]


def output_text(notebook: dict) -> str:
    """The text a reader sees under the code cells: stdout and plain-text results."""
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if output["output_type"] == "stream" and output.get("name") == "stdout":
                parts.append(_text(output["text"]))
            elif "data" in output and "text/plain" in output["data"]:
                parts.append(_text(output["data"]["text/plain"]))
    return "\n".join(parts)


def _precision(number: str) -> float:
    """Half a unit in the last written digit: 3.2 -> 0.05, 5.3e-08 -> 5e-10, 99 -> 0.5."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def matches(number: str, outputs: list, percent: bool = False) -> bool:
    """Whether ``number`` (as written) is some output number rounded to its precision
    (or, for a ``percent``, 100 times one)."""
    value, half_unit = abs(float(number)), _precision(number)
    scales = (1.0, 100.0) if percent else (1.0,)
    return any(abs(abs(o) * scale - value) <= half_unit * (1 + 1e-9)
               for o in outputs for scale in scales)


def unsupported_numbers(notebook: dict, allowed=()) -> list:
    """The quoted numbers of ``notebook``'s markdown that its outputs do not support."""
    code = "\n".join(_text(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    settings = set(_numbers(code))
    outputs = _numbers(output_text(notebook))
    missing = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for number, percent in quoted_numbers(_text(cell["source"])):
            if (number in allowed or float(number) in settings
                    or matches(number, outputs, percent)):
                continue
            missing.append(f"cell {index} ({cell.get('id', '?')}): {number}")
    return missing


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_every_number_the_prose_quotes_is_in_the_outputs(path):
    missing = unsupported_numbers(_load(path), ALLOWED.get(path.stem, {}))
    assert not missing, (f"{path.name}: numbers in the prose that no stored output shows "
                         f"(re-run the notebook and update the prose): {missing}")


def test_the_allowlist_names_real_notebooks_with_reasons():
    stems = {p.stem for p in SOLUTIONS}
    for stem, numbers in ALLOWED.items():
        assert stem in stems, stem
        assert all(float(number) >= 0 and reason.strip() for number, reason in numbers.items())


# -- the test of the test ------------------------------------------------------------------------
def _notebook(prose: str, code: str, printed: str) -> dict:
    return {"cells": [
        {"cell_type": "code", "source": code, "outputs": [
            {"output_type": "stream", "name": "stdout", "text": printed}]},
        {"cell_type": "markdown", "source": prose}]}


def test_a_planted_mismatch_in_a_real_lesson_is_caught():
    path = ROOT / "solutions" / "05_keras_model_fit.ipynb"
    notebook, allowed = _load(path), ALLOWED["05_keras_model_fit"]
    assert unsupported_numbers(notebook, allowed) == []              # the control
    planted = copy.deepcopy(notebook)
    for cell in planted["cells"]:       # the run changed: the first RMSprop step printed moves
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                output["text"] = _text(output["text"]).replace("3.162", "3.171")
    assert any(line.endswith(": 3.162") for line in unsupported_numbers(planted, allowed))


def test_the_rule_counts_results_and_leaves_out_names_code_and_settings():
    printed = "cost 0.70391\naccuracy: 97.2 %\nlargest difference 5.3e-08\nshare 0.6225\n"
    assert unsupported_numbers(_notebook(
        "The cost is 0.7039, about 0.70, accuracy 97.2 % and 97 %; differences of 5.3e-08; "
        "a 62 % chance.", "", printed)) == []
    assert unsupported_numbers(_notebook("A share of 62.", "", printed)) == []   # an integer
    assert unsupported_numbers(_notebook("The cost is 0.7040.", "", printed)) \
        == ["cell 1 (?): 0.7040"]
    assert unsupported_numbers(_notebook("It is 3 times faster, 38× in fact.", "", printed)) \
        == ["cell 1 (?): 38"]
    left_out = ("## 5.2 A heading 1.5\nSee section 5.4, exercise 2.1 and lesson 3. "
                "`alpha = 0.25` in code, 8×8 images, float32, α = 0.001 as set, "
                '<th style="width: 26%">Step</th>.')
    assert unsupported_numbers(_notebook(left_out, "alpha = 0.001", printed)) == []
    assert unsupported_numbers(_notebook("α = 0.001 as set.", "alpha = 0.01", printed)) \
        == ["cell 1 (?): 0.001"]
