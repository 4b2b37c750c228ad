"""What crosses between the student's kernel and the trusted grader, and how it is read.

Two kinds of file cross the boundary, both :mod:`course._wire` text (plain JSON, never
pickle):

* **a request**, written by the trusted process for one exercise
  (:func:`write_request`): the positional arguments of every hidden case, the number of
  input features to build an unbuilt model for, and the course's learner-style versions of
  the other exercises the graded function calls (only ones already graded);
* **a result**, written in the kernel for one case by :mod:`course._kernel_call`: its
  :class:`Status`, the error text, the seconds, and what the function returned, the
  arguments after the call and the warnings it raised.

Nothing in a result is believed because of where it came from: there is no key and no
signature (anything the kernel can sign, the student's code can sign too). A result is only
ever *the values a function returned*, and the trusted process alone turns them into a score.
It reads the file as hostile data (:func:`read_untrusted`): no symbolic links, no FIFOs or
devices (``O_NOFOLLOW | O_NONBLOCK``, a regular file by ``fstat``), at most
:data:`MAX_RESULT_BYTES`, then :func:`course._wire.decode` checks every node.
"""

from __future__ import annotations

import enum
import errno
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from course import _kernel_call, _wire

#: A result file larger than this is refused (a student returning a 10-GB array).
MAX_RESULT_BYTES = _wire.MAX_TEXT_BYTES
#: Messages longer than this are cut (a student's exception text can be anything).
MAX_MESSAGE_CHARS = _kernel_call.MAX_MESSAGE_CHARS


class Status(str, enum.Enum):
    """What happened to one case, from the kernel to the report. The first four can be
    scored; the others cannot."""

    OK = _kernel_call.OK                    # the function returned (values of any kind)
    MISSING = _kernel_call.MISSING          # no function of that name in the notebook
    NOT_IMPLEMENTED = _kernel_call.NOT_IMPLEMENTED  # the function is still the stub
    ERROR = _kernel_call.ERROR              # it raised
    TIMEOUT = _kernel_call.TIMEOUT          # it did not return within the per-case limit
    BACKGROUND = _kernel_call.BACKGROUND    # threads or processes of the notebook were running
    REFERENCE = _kernel_call.REFERENCE      # it called a course implementation the lesson forbids
    NO_RESULT = "no_result"                 # no result file came back (removed, never written)
    UNREADABLE = "unreadable"               # not a regular file, or not what the kernel writes
    TOO_LARGE = "too_large"                 # a result larger than MAX_RESULT_BYTES

    @property
    def scorable(self) -> bool:
        """True when the exercise can compare this case's outcome with the answer."""
        return self in (Status.OK, Status.MISSING, Status.NOT_IMPLEMENTED, Status.ERROR)


class Verdict(str, enum.Enum):
    """What happened to one exercise, as a report, the CSV and Gradescope carry it; decided
    from the cases' :class:`Status` values and the score, never from a message's words."""

    PASSED = "passed"                   # every part right on every case
    FAILED = "failed"                   # some points lost
    NOT_ATTEMPTED = "not_attempted"     # every case: Status.NOT_IMPLEMENTED
    MISSING = "missing"                 # every case: Status.MISSING
    REFERENCE = "reference"             # Status.REFERENCE, or the static check saw the call
    TIMEOUT = "timeout"                 # a case ran out of time
    ERROR = "error"                     # a case could not be scored, or no kernel ran


@dataclass(frozen=True)
class Outcome:
    """One case's result as the trusted process read it back.

    With ``Status.OK``: ``returned`` is the function's return value and ``arguments_after``
    the positional arguments after the call, both rebuilt by :func:`course._wire.decode`
    (plain values and :class:`course._wire.Described` stand-ins); ``warnings`` their texts.
    ``message`` is the error text; ``seconds`` the call's duration as the kernel said.
    """

    status: Status
    message: str = ""
    seconds: float = 0.0
    returned: object = None
    arguments_after: tuple = ()
    warnings: list = field(default_factory=list)


# -- requests: trusted process -> kernel --------------------------------------------------------
def request_text(cases: list[tuple], build_inputs: int | None = None,
                 dependencies: dict[str, str] | None = None) -> str:
    """The request of one exercise: each case's positional arguments (a tuple), the input
    width of a model to build, and ``dependencies`` (function name -> source)."""
    return json.dumps({"cases": [_wire.to_tree(tuple(arguments)) for arguments in cases],
                       "build_inputs": build_inputs, "dependencies": dependencies or {}})


def write_request(path: Path, cases: list[tuple], build_inputs: int | None = None,
                  dependencies: dict[str, str] | None = None) -> None:
    """Write :func:`request_text` to ``path``."""
    Path(path).write_text(request_text(cases, build_inputs, dependencies), encoding="utf-8")


# -- results: kernel -> trusted process ---------------------------------------------------------
class Unreadable(Exception):
    """A file the trusted side refuses to read; ``status`` says which kind of refusal."""

    def __init__(self, status: Status, why: str):
        super().__init__(why)
        self.status = status


def read_untrusted(path: Path, max_bytes: int = MAX_RESULT_BYTES) -> bytes:
    """The bytes of ``path``, read as hostile data: never through a symbolic link, never
    blocking on a FIFO or a device, a regular file of at most ``max_bytes`` only.

    Raises :class:`Unreadable` (``NO_RESULT``, ``UNREADABLE`` or ``TOO_LARGE``).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise Unreadable(Status.NO_RESULT, "no result file") from None
    except OSError as error:
        why = "a symbolic link" if error.errno == errno.ELOOP else os.strerror(error.errno)
        raise Unreadable(Status.UNREADABLE, why) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(Status.UNREADABLE, "not a regular file")
        if info.st_size > max_bytes:
            raise Unreadable(Status.TOO_LARGE, f"{info.st_size} bytes")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(descriptor, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:              # it grew while being read
            raise Unreadable(Status.TOO_LARGE, "grew past the limit")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def decode_result(text: bytes | str) -> Outcome:
    """Check a result's fields one by one; raises :class:`Unreadable` for anything else."""
    try:
        facts = json.loads(text)
        if not isinstance(facts, dict):
            raise ValueError("not a mapping")
        status = Status(facts.get("status"))
        if status not in Status.__members__.values() or not status.scorable and status not in (
                Status.TIMEOUT, Status.BACKGROUND, Status.REFERENCE):
            raise ValueError(f"status {status.value} cannot come from a kernel")
        message = str(facts.get("message", ""))[:MAX_MESSAGE_CHARS]
        seconds = float(facts.get("seconds", 0.0))
        if status is not Status.OK:
            return Outcome(status, message, seconds)
        warnings = facts.get("warnings", [])
        if not isinstance(warnings, list):
            raise ValueError("warnings are not a list")
        warnings = [str(w)[:_kernel_call.MAX_WARNING_CHARS]
                    for w in warnings[:_kernel_call.MAX_WARNINGS]]
        after = _wire.from_tree(facts.get("arguments_after", {"tuple": []}))
        return Outcome(status, message, seconds, _wire.from_tree(facts.get("returned")),
                       tuple(after) if isinstance(after, tuple) else (), warnings)
    except (ValueError, TypeError, RecursionError) as error:
        raise Unreadable(Status.UNREADABLE, f"{type(error).__name__}") from None


def read_result(path: Path) -> Outcome:
    """Read back one case's result, trusting nothing in it (see the module).

    A missing, oversized or damaged result becomes an :class:`Outcome` whose status says
    so (``NO_RESULT``, ``TOO_LARGE``, ``UNREADABLE``).
    """
    try:
        return decode_result(read_untrusted(path))
    except Unreadable as refused:
        return Outcome(refused.status, str(refused))
