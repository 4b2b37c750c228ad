"""Which known mistakes a grader's feedback names, looked up in the exercise registry.

Every grader of the course words a recognised mistake the same way
(``course.exercises._feedback.mistake_lines``): ``"Looks like <name>. Hint: <hint>"``. The
class report looks for ``"Looks like <name>."`` of each mistake the registry knows for that
exercise, so it reads only names the course itself wrote, never the student's text. The hint
shown in the report is the registry's current one.

>>> names = recognised("compute_cost", "compute_cost: 0 of 1 points.\\n  Looks like a missing"
...                    " 1/m. Hint: your cost grows with the number of examples.")
>>> names
('a missing 1/m',)
>>> hint("compute_cost", names[0])[:30]
'your cost grows with the numbe'
"""

from __future__ import annotations

from course import exercises as registry


def announcement(name: str) -> str:
    """The words that introduce a recognised mistake in every grader's feedback."""
    return f"Looks like {name}."


def known(exercise_id: str) -> tuple:
    """The registry's known mistakes of the exercise, in order (none for an unknown id)."""
    try:
        return registry.get(exercise_id).mistakes
    except KeyError:           # an exercise this version of the course no longer has
        return ()


def recognised(exercise_id: str, feedback: str) -> tuple:
    """Names of the exercise's known mistakes that ``feedback`` announces, in registry order.

    Whitespace is normalised first, so a verdict that nbgrader wrapped over two lines is
    still read.
    """
    text = " ".join(str(feedback).split())
    return tuple(m.name for m in known(exercise_id) if announcement(m.name) in text)


def hint(exercise_id: str, name: str) -> str:
    """The registry's hint for the mistake ``name`` of the exercise (``""`` if unknown)."""
    return next((m.hint for m in known(exercise_id) if m.name == name), "")
