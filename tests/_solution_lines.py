"""The lines of an exercise's answer, and whether a text gives one of them away (test helper).

Shared by tests/test_hints.py (no hint rung holds a line of the answer) and
tests/test_exercise_design.py (an exercise flagged ``answer_in_lesson=False`` has no line of
its answer anywhere in the learner's notebook).

A line is compared without its comment and without any whitespace, so `X.T @ err / m` and
`X.T@err/m` are the same line. Bookkeeping lines are *trivial* and may appear anywhere: a
conversion of an argument (`z = np.asarray(z, dtype=np.float64)`, `b = float(b_in)`), the
size `m = X.shape[0]`, a loop header `for _ in range(num_iters):`, unpacking a name
(`W1, b1 = weights`), an empty list, a running total set to zero (`total = 0.0`), a branch on
an argument's name (`if activation == "relu":`), returning names (`return w, b, J_history`,
`return [dW1, db1]`) and turning a 0-d array into a float.

A line that only calls another exercise the learner wrote (one named in the exercise's
``depends_on``, e.g. `weights = update_parameters(weights, gradients, alpha)` or
`model = build_model()`), with names as arguments, gives nothing away either: that function is
the learner's own answer to an earlier exercise, and the docstring says to call it. Pass the
names as ``calls_of``. An answer made of nothing but such calls (``network_forward`` chains
``dense_forward`` three times) keeps them: there, the chain is the answer.

>>> non_trivial_lines("model = build_model()\\nmodel.fit(X, Y)", calls_of=("build_model",))
['model.fit(X,Y)']
>>> non_trivial_lines('A1 = dense_forward(X, W1, b1, "relu")', calls_of=("dense_forward",))
['A1=dense_forward(X,W1,b1,"relu")']
>>> non_trivial_lines("model = build_model(units=3 * n)", calls_of=("build_model",))
['model=build_model(units=3*n)']

>>> non_trivial_lines('''
... z = np.asarray(z, dtype=np.float64)
... e = np.exp(-np.abs(z))      # in (0, 1]
... return float(g) if g.ndim == 0 else g''')
['e=np.exp(-np.abs(z))']
>>> gives_away("Try `e = np.exp( -np.abs(z) )`.", ['e=np.exp(-np.abs(z))'])
['e=np.exp(-np.abs(z))']
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from course.authoring import BEGIN, END

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LESSONS = ROOT / "solutions", ROOT / "lessons"

TRIVIAL = [re.compile(pattern) for pattern in (
    r"^return[\w,()\[\]]*$",                                          # return names
    r"^(el)?if\w+==(\"\w+\"|'\w+'):$",                              # a branch on a name
    r"^\w+=(np\.asarray|np\.array|float|int)\(\w+(,dtype=(np\.)?float(64)?)?\)$",
    r"^m=X\.shape\[0\]$", r"^m,n=X\.shape$",
    r"^for\w+inrange\(\w+\):$",                                    # a loop header
    r"^[\w,]+=\w+$", r"^\w+=\[\]$",                                 # unpacking, an empty list
    r"^\w+=0(\.0*)?$",                                              # a total set to zero
    r"^returnfloat\((\w+)\)if\1\.ndim==0else\1$",
)]
MIN_LENGTH = 8       # shorter lines ("w=w_in") say nothing


def normalise(line: str) -> str:
    """A line without its comment and without whitespace."""
    return re.sub(r"\s+", "", line.split("#", 1)[0])


def only_calls(text: str, functions) -> bool:
    """True when a normalised line is only ``[names =] f(names)`` for one of ``functions``
    (arguments are names or quoted words, maybe as ``keyword=...``; no expression)."""
    argument = r"(\w+=)?(\w+|\"\w+\"|'\w+')"
    return any(re.fullmatch(rf"([\w,]+=)?{re.escape(name)}\(({argument}(,{argument})*)?\)",
                            text) for name in functions)


def non_trivial_lines(code: str, calls_of=()) -> list:
    """The normalised lines of ``code`` that would give an answer away; ``calls_of`` names
    the other exercises the answer may call (see the module)."""
    lines = [text for text in map(normalise, code.splitlines())
             if len(text) >= MIN_LENGTH and not any(p.match(text) for p in TRIVIAL)]
    own = [text for text in lines if not only_calls(text, calls_of)]
    return own or lines          # an answer made only of such calls: the calls are the answer


def gives_away(text: str, lines) -> list:
    """The ``lines`` (normalised) that appear in ``text``."""
    flat = re.sub(r"\s+", "", text)
    return [line for line in lines if line in flat]


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def notebook_path(folder: Path, lesson: str) -> Path:
    return folder / f"{lesson}.ipynb"


def answer_cell_index(cells, exercise_id: str):
    """The index of the answer cell of ``exercise_id`` (nbgrader grade_id), or None."""
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == exercise_id and meta.get("solution"):
            return index
    return None


def solution_region(cells, exercise_id: str) -> str:
    """The code between the markers in the answer cell of ``exercise_id`` in ``solutions/``."""
    index = answer_cell_index(cells, exercise_id)
    if index is None:
        return ""
    text = source(cells[index])
    if BEGIN not in text:
        return ""
    return text.split(BEGIN, 1)[1].split(END, 1)[0]
