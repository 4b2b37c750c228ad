"""Docstring contracts that grading enforces: rules a right-looking answer can still break.

A *contract* reads the reserved keys of one case's plain outcome (see ``Exercise.run_case``):

* ``"_arguments_after"``: the positional arguments as they were after the call, in the order
  sent; a function that changes its input in place (``w_in -= ...``) leaves a trace here;
* ``"_warnings"``: short texts of the warnings the call raised, such as
  ``"RuntimeWarning: overflow encountered in exp"``.

``contract.broken(args, outcome)`` returns a short reason when the rule is broken on that
case, else ``None``. A broken contract makes the case fail on every part, and the verdict
names the contract as the mistake, with its hint. Outcomes without the reserved keys (an
older grading kernel) break no contract.

>>> import numpy as np
>>> args = {"w_in": np.zeros(2), "alpha": 0.1}
>>> INPUTS_UNCHANGED.broken(args, {"_arguments_after": [np.ones(2), 0.1]})
'changed its argument `w_in` in place'
>>> INPUTS_UNCHANGED.broken(args, {"_arguments_after": [np.zeros(2), 0.1]}) is None
True

Only plain data is judged (numbers, text, arrays, lists and tuples of them); an object such as
a Keras optimizer comes back as a stand-in and is not judged:

>>> INPUTS_UNCHANGED.broken({"optimizer": object()}, {"_arguments_after": ["a stand-in"]})
>>> INPUTS_UNCHANGED.broken({"sizes": [2, 3]}, {"_arguments_after": [[2, 4]]})
'changed its argument `sizes` in place'
>>> OVERFLOW = no_warning("overflow", "an overflow", "keep np.exp's argument small.")
>>> OVERFLOW.broken({}, {"_warnings": ["RuntimeWarning: overflow encountered in exp"]})
'NumPy warned: RuntimeWarning: overflow encountered in exp'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

ARGUMENTS_AFTER, WARNINGS = "_arguments_after", "_warnings"
RESERVED = (ARGUMENTS_AFTER, WARNINGS)
MAX_WARNINGS = 20


@dataclass(frozen=True)
class Contract:
    """A rule from the exercise's docstring: ``broken(args, outcome) -> reason | None``."""

    name: str
    broken: Callable[[dict, dict], str | None]
    hint: str


_PLAIN_LEAVES = (type(None), bool, int, float, str, np.ndarray, np.generic)


def _same(before, after) -> bool:
    """True when an argument came back as it was sent (numbers compared exactly).

    Only plain data is judged: numbers, text, arrays, and lists or tuples of them. Any other
    object (a Keras optimizer, a model) comes back from a grading kernel as a stand-in that
    never equals it, so it is not judged: it counts as unchanged.
    """
    if not isinstance(before, _PLAIN_LEAVES + (list, tuple)):
        return True
    if isinstance(before, (list, tuple)):
        return isinstance(after, (list, tuple)) and len(before) == len(after) and all(
            _same(b, a) for b, a in zip(before, after))
    try:
        before, after = np.asarray(before), np.asarray(after)
        if before.dtype.kind in "biuf":
            return before.shape == after.shape and bool(
                np.array_equal(before, after.astype(before.dtype), equal_nan=True))
        return before.shape == after.shape and bool(np.all(before == after))
    except Exception:       # a structure that no longer compares: it was changed
        return False


def _changed_argument(args: dict, outcome: dict) -> str | None:
    after = outcome.get(ARGUMENTS_AFTER)
    if after is None:
        return None
    if len(after) != len(args):
        return "changed its arguments"
    for (name, before), value in zip(args.items(), after):
        if not _same(before, value):
            return f"changed its argument `{name}` in place"
    return None


INPUTS_UNCHANGED = Contract(
    "a change to its input in place", _changed_argument,
    "the caller's arrays must come back as they were. Work on a copy (np.array(w_in) makes "
    "one), and prefer `w = w - ...`, which makes a new array, to `w -= ...`, which writes "
    "into the array you were given.")


def no_warning(word: str, name: str, hint: str) -> Contract:
    """The contract "no warning whose text contains ``word``" (e.g. ``"overflow"``)."""
    def warned(args, outcome):
        texts = [str(text) for text in list(outcome.get(WARNINGS, ()))[:MAX_WARNINGS]]
        found = [text for text in texts if word in text]
        return f"NumPy warned: {found[0]}" if found else None
    return Contract(name, warned, hint)


def warning_texts(caught) -> list:
    """Short texts of caught warnings (``warnings.catch_warnings(record=True)``), at most 20."""
    texts = []
    for warning in caught:
        text = f"{warning.category.__name__}: {warning.message}"[:200]
        if text not in texts:
            texts.append(text)
    return texts[:MAX_WARNINGS]
