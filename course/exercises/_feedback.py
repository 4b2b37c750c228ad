"""Feedback text for graded results: errors, wrong parts, and the recognised mistakes.

For hidden cases (``reveal=False``) the text names what is wrong without giving away the
inputs: no values, and shapes only as "a 1-D result where a 0-D one was expected".
"""

from __future__ import annotations

import numpy as np


def summarise_failures(exercise, results, reveal: bool) -> list:
    """Lines of feedback for the failed results: errors, wrong parts, mistake hints.

    With ``reveal=False`` (hidden cases) no input and no expected value is printed.
    """
    failed = [r for r in results if not r.passed]
    lines = []
    errors = sorted({r.error for r in failed if r.error})
    for error in errors:
        count = sum(r.error == error for r in failed)
        lines.append(f"  - on {count} of {len(results)} tests your function gave an error: "
                     f"{error}")
    for part in exercise.parts:
        wrong = [r for r in failed if part in r.problems and r.error is None]
        if wrong:
            reasons = sorted({r.problems[part] if reveal else _hidden_reason(r, part)
                              for r in wrong})
            label = "the result" if exercise.parts == ("value",) else f"`{part}`"
            lines.append(f"  - {label} is wrong on {len(wrong)} of {len(results)} tests "
                         f"({'; '.join(reasons)}).")
    seen = []
    for r in failed:
        if r.mistake is not None and r.mistake not in seen:
            seen.append(r.mistake)
            lines.append(f"  Looks like {r.mistake.name}. Hint: {r.mistake.hint}")
    if failed and not seen and not errors:
        lines.append("  This does not look like any common mistake; compare your code with "
                     "the formula above, one step at a time.")
    return lines


def _hidden_reason(result, part) -> str:
    """A reason that does not give away the sizes of a hidden input."""
    reason = result.problems[part]
    if not reason.startswith("shape"):
        return reason
    expected, received = np.ndim(result.expected[part]), np.ndim(result.received[part])
    if expected == received:
        return "wrong shape"
    return f"a {received}-D result where a {expected}-D one was expected"
