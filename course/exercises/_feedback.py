"""Feedback text, worded once for every place a learner or instructor reads it.

``course.check`` (the learner's check cell), the grader's reports, the Gradescope output and
nbgrader's feedback all build their sentences here, so a hint or a score line reads the same
everywhere.

Whole-exercise sentences:

>>> score_line("sigmoid", 1.5, 2)
'sigmoid: 1.5 of 2 points.'
>>> score_line("sigmoid", 0, 2, "Not graded: the kernel died.")
'sigmoid: 0 of 2 points. Not graded: the kernel died.'
>>> all_passed("sigmoid", 4, "tests")
'sigmoid: all 4 tests passed.'

Reasons for a score of 0 that the grader decides before looking at any result:

>>> called_reference("`course.logistic.sigmoid`")[:38]
"Your function calls the course's refer"

Two views of the same per-case results:

* ``grader_feedback`` (hidden cases, for ``course grade``, Gradescope and nbgrader) names what
  is wrong without giving away the inputs: no values, and shapes only as "a 1-D result where a
  0-D one was expected";
* ``check_verdict`` (visible cases, for ``course.check``) shows each failing case with the
  expected and the received values.

Both end with the same lines for a recognised mistake ("Looks like ... Hint: ...").
"""

from __future__ import annotations

import numpy as np

from course.exercises._plain import describe

MAX_DETAILED_CASES = 2     # the check shows expected vs received for this many failing cases


# -- whole-exercise sentences -------------------------------------------------------------------
def score_line(exercise_id: str, score: float, points: float, reason: str = "") -> str:
    """``"<exercise_id>: <score> of <points> points."``, then ``reason`` when one is given.

    Numbers print in their shortest form (``1.5``, ``0``, ``3``), whether given as int or float.
    """
    line = f"{exercise_id}: {float(score):g} of {float(points):g} points."
    return f"{line} {reason}" if reason else line


def all_passed(exercise_id: str, total: int, noun: str) -> str:
    """``"<exercise_id>: all <total> <noun> passed."`` (``noun``: "tests", "checks",
    "hidden tests"), or ``"... the one <noun> passed."`` when there is only one.

    >>> all_passed("train", 3, "checks"), all_passed("fit", 1, "hidden tests")
    ('train: all 3 checks passed.', 'fit: the one hidden test passed.')
    """
    if total == 1:
        return f"{exercise_id}: the one {noun[:-1]} passed."
    return f"{exercise_id}: all {total} {noun} passed."


def not_attempted(exercise_id: str) -> str:
    """The grader's sentence for an exercise whose function is still the stub."""
    return (f"{exercise_id}: not attempted (the function still raises "
            "NotImplementedError).")


def called_reference(where: str) -> str:
    """Why a function that hands the work to the course's own implementation earns 0.

    ``where`` names that implementation, e.g. ``"`course.logistic.sigmoid`"``.
    """
    return (f"Your function calls the course's reference implementation {where} (or the "
            "grader's answer key) instead of computing the result itself; write the "
            "computation yourself.")


def reference_withheld(name: str) -> str:
    """The error a grading kernel raises when code calls a course implementation that the
    lesson's exercises forbid (``name``, e.g. ``"course.logistic.sigmoid"``)."""
    return (f"{name} is not available while this lesson is graded: it is the course's own "
            "implementation of an exercise, and a graded function must do that work itself.")


def fix_dependency_first(exercise_id: str, dependencies) -> str:
    """The note on an exercise graded with the course's versions of the earlier exercises
    it calls (``dependencies``), some of which lost points in this notebook."""
    names = " and ".join(dependencies)
    return (f"Note: {exercise_id} was graded with the course's own {names} in place of "
            f"yours, because yours lost points: fix {names} first.")


#: Why an exercise could not be graded, by the status (``course.grading.protocol.Status``
#: value) of the case that stopped it.
_NOT_GRADED = {
    "timeout": "your function did not finish a test within its time limit of {limit:g} s "
               "(course grade --case-timeout), so its other tests were not run",
    "background": "the notebook left background work running ({message}), which could "
                  "tamper with grading; stop threads and processes you start",
    "no_result": "no result came back from the notebook's kernel (code in the notebook "
                 "removed or broke the grader's cell)",
    "unreadable": "the result could not be read back: code in the notebook may have "
                  "tampered with it ({message})",
    "too_large": "your function returned far more data than expected",
}


def not_graded(status: str, limit: float, message: str) -> str:
    """Why an exercise was not graded, for the status of the case that stopped it.

    >>> not_graded("timeout", 5.0, "")[:46]
    'your function did not finish a test within its'
    """
    return _NOT_GRADED[status].format(limit=limit, message=message)


def unreadable_result(what: str) -> str:
    """A case's error when the values a function returned cannot be read as its answer."""
    return f"ResultError: the result could not be read ({what})"


def no_function_error(exercise_id: str) -> str:
    """A case's error when the notebook defines no function of the exercise's name."""
    return (f"NameError: no function named `{exercise_id}` is defined "
            f"(did its cell run without errors?)")


def missing_function(exercise_id: str) -> str:
    """Why an exercise whose function does not exist in the notebook earns 0."""
    return (f"No function named `{exercise_id}` is defined in the notebook (did its cell run "
            "without errors?).")


# -- a whole submission: why it was not graded, what stopped its kernel, limits that fired ------
#: Why a submission could not be graded at all (its report's ``error``, after "Not graded: ").
_SUBMISSION_PROBLEMS = {
    # reading the file (course/grading/submission.py)
    "empty": "the file is empty: nothing was submitted.",
    "not_json": "the file is not a Jupyter notebook (it is not valid JSON: {error} at byte "
                "{position}).",
    "not_a_notebook": "the file is JSON but not a Jupyter notebook (it has no 'cells' or no "
                      "'nbformat').",
    "damaged": "the notebook is damaged and cannot be opened ({detail}).",
    "too_much_code": "its code cells hold {characters:,} characters, more than the "
                     "{limit:,} the grader reads (limit: MAX_CODE_CHARS).",
    "symbolic_link": "the file is a symbolic link; submit the notebook itself.",
    "unreadable": "the file could not be read ({why}).",
    "not_regular": "it is not a regular file (a FIFO, a socket or a device); submit the "
                   "notebook file itself.",
    "too_large": "the file is {size_mb:.0f} MB, larger than the {limit_mb} MB a notebook may "
                 "have.",
    "grew_too_large": "the file is larger than the {limit_mb} MB a notebook may have.",
    "too_many_nodes": "its code has more than {limit:,} syntax elements, more than the grader "
                      "reads (limit: MAX_CODE_NODES)",
    "slow_to_read": "reading the notebook's code took longer than {seconds:g} s (limit: "
                    "MAX_CHECK_SECONDS)",
    "unknown_lesson": "could not tell which lesson this notebook belongs to: its metadata has "
                      "no known 'course.lesson' and no cell carries an exercise id. Submit the "
                      "lesson notebook you were given.",
    # met in the class folder (course/grading/class_folder.py), never opened
    "control_characters": "its name contains control characters ({shown}); rename it and "
                          "grade it again",
    "linked": "it is a symbolic link (to {target}), not a notebook: links are never followed, "
              "so nobody is graded on another's file",
    "folder": "it is a folder, not a notebook",
    "special_file": "it is not a regular file (a FIFO, a socket or a device)",
    "hard_link": "it is a hard link (the same file has {names} names, possibly outside the "
                 "class folder); copy the notebook instead",
    # Gradescope's upload (course/grading/gradescope.py)
    "no_notebook": "no Jupyter notebook (.ipynb) was submitted (received: {received}).",
    # the grading run (course/grading/cli.py, grader.py)
    "worker_killed": "a grading process was killed while it ran ({error})",
    "grader_failed": "the grader failed ({error})",
    "run_interrupted": "the grading run was interrupted",
    "stopped_the_grader": "its grading process was stopped twice while it ran this notebook, "
                          "the second time with nothing else running (a notebook that kills "
                          "its parent process does this).",
}


def submission_problem(problem: str, **values) -> str:
    """Why a submission could not be graded at all, worded for the student.

    >>> submission_problem("too_large", size_mb=60.2, limit_mb=50)
    'the file is 60 MB, larger than the 50 MB a notebook may have.'
    """
    return _SUBMISSION_PROBLEMS[problem].format(**values)


def not_graded_submission(why: str) -> str:
    """A submission's ``error``: ``"Not graded: <why>"``."""
    return f"Not graded: {why}"


#: What stopped a submission's kernel before grading ended (its report's ``kernel_problem``).
_KERNEL_PROBLEMS = {
    "memory": "the notebook used more than the memory limit of {memory_mb:.0f} MB, so it was "
              "stopped",
    "memory_with_files": "the notebook used more than the memory limit of {memory_mb:.0f} MB "
                         "(files in /tmp and shared memory count too), so it was stopped",
    "total_time": "the notebook ran longer than the total time limit of {seconds:.0f} s, so "
                  "it was stopped",
    "ignored_interrupt": "a cell ran longer than its time limit of {seconds:.3g} s and ignored "
                         "the interrupt, so the notebook was stopped",
    "unstoppable": "a cell ran past the time limit and could not be stopped",
    "stopped": "the notebook's kernel stopped (the code exited the process or crashed it)",
    "not_started": "the notebook could not be run ({error})",
}


def kernel_problem(problem: str, **values) -> str:
    """Why a submission's kernel stopped before its grading ended, for the report.

    >>> kernel_problem("total_time", seconds=600)
    'the notebook ran longer than the total time limit of 600 s, so it was stopped'
    """
    return _KERNEL_PROBLEMS[problem].format(**values)


#: How the report names the limit that stopped one of the notebook's own cells.
_CELL_LIMITS = {
    "late": "the limit of {seconds:g} s for a cell run after the notebook's time budget was "
            "spent",
    "budget": "the notebook's time budget of {seconds:g} s for all its cells (--cells-timeout)",
    "cell": "the time limit of {seconds:g} s per cell (--timeout)",
}


def cell_limit(limit: str, seconds: float) -> str:
    """The limit a notebook cell ran into (``"late"``, ``"budget"`` or ``"cell"``)."""
    return _CELL_LIMITS[limit].format(seconds=seconds)


def cells_not_run(numbers, budget: float) -> str:
    """The report's line for the notebook's cells skipped once their time budget was spent."""
    return (f"code cells {', '.join(numbers)} were not run: the notebook's cells had used up "
            f"their time budget of {budget:g} s (--cells-timeout); cells that define a "
            f"function or a class still ran")


#: A size limit on what the kernel sends the grader, when it fired (course/grading/
#: bounded_client.py); ``{limit}`` is in MB or characters.
_SIZE_LIMITS = {
    "output": "the notebook printed more than {limit} MB; the rest of its output was ignored "
              "(limit: MAX_OUTPUT_BYTES)",
    "message": "the notebook sent a message larger than {limit} MB; it was ignored (limit: "
               "MAX_MESSAGE_BYTES)",
    "socket": "the notebook sent a message larger than {limit} MB; the connection refused it "
              "unread (limit: MAX_SOCKET_MESSAGE_BYTES)",
    "error": "an error's name or message was longer than {limit} characters; it was cut "
             "(limit: MAX_ERROR_CHARS)",
}


def size_limit_fired(limit: str, value: int) -> str:
    """The report's line for a size limit on the kernel's messages that fired."""
    return _SIZE_LIMITS[limit].format(limit=value)


# -- lines both views share ----------------------------------------------------------------------
def _label(exercise, part: str) -> str:
    return "the result" if exercise.parts == ("value",) else f"`{part}`"


def mistake_lines(results) -> list:
    """One "Looks like <mistake>. Hint: <hint>" line per distinct recognised mistake.

    When nothing failed for a known reason and no case raised an error, one line invites
    the learner to compare their code with the formula instead.
    """
    failed = [r for r in results if not r.passed]
    mistakes = []
    for result in failed:
        if result.mistake is not None and result.mistake not in mistakes:
            mistakes.append(result.mistake)
    lines = [f"  Looks like {m.name}. Hint: {m.hint}" for m in mistakes]
    if failed and not mistakes and not any(r.error for r in failed):
        lines.append("  This does not look like any common mistake; compare your code with "
                     "the formula above, one step at a time.")
    return lines


# -- the grader's view: hidden cases -----------------------------------------------------------
def grader_feedback(exercise, results, score: float) -> str:
    """The feedback of ``Exercise.grade``: a score line, then what went wrong, never an input."""
    if results and all(r.passed for r in results):
        return all_passed(exercise.id, len(results), "tests")
    lines = [score_line(exercise.id, score, exercise.points)]
    failed = [r for r in results if not r.passed]
    for error in sorted({r.error for r in failed if r.error}):
        count = sum(r.error == error for r in failed)
        lines.append(f"  - on {count} of {len(results)} tests your function gave an error: "
                     f"{error}")
    for part in exercise.parts:
        wrong = [r for r in failed if part in r.problems and r.error is None]
        if wrong:
            reasons = "; ".join(sorted({_hidden_reason(r, part) for r in wrong}))
            lines.append(f"  - {_label(exercise, part)} is wrong on {len(wrong)} of "
                         f"{len(results)} tests ({reasons}).")
    return "\n".join(lines + mistake_lines(results))


def _hidden_reason(result, part) -> str:
    """A reason that does not give away the sizes of a hidden input."""
    reason = result.problems[part]
    if not reason.startswith("shape"):
        return reason
    expected, received = np.ndim(result.expected[part]), np.ndim(result.received[part])
    if expected == received:
        return "wrong shape"
    return f"a {received}-D result where a {expected}-D one was expected"


# -- the learner's view: visible cases ---------------------------------------------------------
def check_verdict(exercise, results, warnings=()) -> str:
    """What ``course.check`` prints: ✅ or ❌, the failing cases in detail, then the hints.

    ``warnings`` are NumPy's RuntimeWarnings the function raised on the way (noted under a
    ✅: right, but better without).
    """
    total, failed = len(results), [r for r in results if not r.passed]
    if not failed:
        lines = [f"✅ {all_passed(exercise.id, total, 'checks')}"]
        if warnings:
            lines.append(f"   Note: NumPy warned ({'; '.join(sorted(warnings))}). The results "
                         "are right, but a version that never warns is better: see the hint "
                         "above.")
        return "\n".join(lines)
    lines = [f"❌ {exercise.id}: {len(failed)} of {total} checks failed."]
    for result in failed[:MAX_DETAILED_CASES]:
        lines += _case_lines(exercise, result)
    if len(failed) > MAX_DETAILED_CASES:
        lines.append(f"  ... and {len(failed) - MAX_DETAILED_CASES} more failing case(s).")
    return "\n".join(lines + mistake_lines(results))


def _case_lines(exercise, result) -> list:
    """One failing visible case: its name, then the error or expected vs received per part."""
    lines = [f"  Case: {result.case.name}"]
    if result.error:
        return lines + [f"    your function gave an error: {result.error}"]
    for part, reason in result.problems.items():
        label = "result" if exercise.parts == ("value",) else part
        expected, received = result.expected[part], result.received.get(part)
        shown = "nothing" if received is None else describe(received)
        lines.append(f"    {label}: expected {describe(expected)}")
        lines.append(f"    {' ' * len(label)}  received {shown}  <- {reason}"
                     f"{_ratio(expected, received)}")
    return lines


def _ratio(expected, received) -> str:
    """' (your result is 6.00× the expected)' when both are single nonzero numbers."""
    if received is None or np.asarray(received).dtype.kind != "f":
        return ""
    e, r = np.asarray(expected, np.float64), np.asarray(received, np.float64)
    if e.size != 1 or r.size != 1 or not np.isfinite(r).all() or float(e.reshape(())) == 0:
        return ""
    ratio = float(r.reshape(())) / float(e.reshape(()))
    return f" (your result is {ratio:.2f}× the expected)" if abs(ratio - 1) > 1e-3 else ""


# -- what the check adds after its verdict -----------------------------------------------------
MAX_PRINTED = 10           # lines of the function's own printing shown after a verdict


def too_slow(seconds: float) -> str:
    """The error text of a case that ran out of time."""
    return f"your function did not finish within {seconds:g} s — an endless loop?"


def printed_lines(lines, total: int) -> list:
    """The function's printed output under a verdict: the first ``lines`` of ``total``."""
    header = (f"   Your function printed {total} line{'s' if total != 1 else ''} while it was "
              "checked" + (f"; the first {len(lines)}:" if total > len(lines) else ":"))
    shown = [f"   | {line}" for line in lines]
    more = [f"   ... ({total - len(lines)} more not shown)"] if total > len(lines) else []
    return [header] + shown + more
