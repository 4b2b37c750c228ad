"""Calling a learner's function in their own kernel, so that a check always ends in a verdict.

``guarded_call(call, time_limit)`` runs ``call()`` (a learner's function on one case) and
always comes back with an ``Outcome``, whatever the function does:

* **Endless loops and blocking calls.** A timer thread interrupts the main thread once
  ``time_limit`` seconds have passed (a real SIGINT sent to it with ``signal.pthread_kill``,
  which also wakes ``time.sleep`` and blocking reads) and again every
  ``RETRY`` seconds after that, in case the function catches the first interruption.
  Blocking C code (one huge NumPy product) is interrupted when it returns.
* **Every exception** the function raises is caught and reported: ``SystemExit``,
  ``GeneratorExit``, its own ``KeyboardInterrupt`` and any other ``BaseException``.
* **But a real Ctrl-C still stops the cell.** In Jupyter, "Interrupt kernel" and Ctrl-C
  reach the kernel as SIGINT, which Python turns into ``KeyboardInterrupt`` in the main
  thread. While the function runs, our own SIGINT handler stands in for Python's: a SIGINT
  after the deadline means "time is up"; any other SIGINT is the user, and is remembered
  before it is raised as ``KeyboardInterrupt``. A ``KeyboardInterrupt`` is therefore the
  user's only if our handler saw a SIGINT; one the function raises itself is just an error.
  After the call, the user's interrupt is raised again, even if the function swallowed it.
* **Reading input.** ``input()`` (and ``sys.stdin``) would wait for an answer that a check
  never gives; during the call ``input`` raises ``EOFError`` at once and ``sys.stdin`` is
  empty, so the verdict names the problem instead of hanging.
* **Printed output** (``print`` and anything else written to ``sys.stdout`` or
  ``sys.stderr``) goes to an ``Output`` that keeps the first lines and counts the rest, so
  a function that prints thousands of lines cannot bury the verdict.

Limits: outside the main thread (where no signal handler can be set) there is no time limit
and every ``KeyboardInterrupt`` is taken for the user's. A function that catches every
exception inside an endless loop cannot be stopped by any Python-level means; the kernel
must then be restarted.

>>> outcome = guarded_call(lambda: 42, time_limit=1.0)
>>> outcome.value, outcome.error, outcome.timed_out
(42, None, False)
>>> import sys
>>> guarded_call(lambda: sys.exit(3), time_limit=1.0).error
SystemExit(3)
>>> endless = lambda: all(True for _ in iter(int, 1))   # never returns
>>> guarded_call(endless, time_limit=0.2).timed_out
True
"""

from __future__ import annotations

import builtins
import contextlib
import io
import sys
import signal
import threading
import _thread
from dataclasses import dataclass, field

RETRY = 0.5                # seconds between interruptions once the time is up
MAX_LINES, MAX_LINE_LENGTH = 10, 200


class Output(io.TextIOBase):
    """A text stream that keeps the first ``MAX_LINES`` lines written to it and counts all.

    A full stream (``io.TextIOBase``), because a library imported inside the function may
    keep it as its log stream (absl does, when TensorFlow is first imported there).
    Each write costs time in proportion to its own length only: the unfinished last line is
    kept up to ``MAX_LINE_LENGTH + 1`` characters, so 100,000 prints without a newline do
    not copy an ever longer line (``pending_chars`` stays bounded).
    """

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.total = 0
        self._partial: list[str] = []      # the start of the unfinished line, in pieces
        self._partial_length = 0
        self._open_line = False            # something written since the last newline

    @property
    def pending_chars(self) -> int:
        """How many characters of the unfinished line are kept (at most MAX_LINE_LENGTH + 1)."""
        return self._partial_length

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        pieces = text.split("\n")
        for piece in pieces[:-1]:
            self._extend(piece)
            self._end_line()
        self._extend(pieces[-1])
        return len(text)

    def _extend(self, piece: str) -> None:
        if not piece:
            return
        self._open_line = True
        room = MAX_LINE_LENGTH + 1 - self._partial_length
        if room > 0 and len(self.lines) < MAX_LINES:
            kept = piece[:room]
            self._partial.append(kept)
            self._partial_length += len(kept)

    def _end_line(self) -> None:
        self.total += 1
        if len(self.lines) < MAX_LINES:
            line = "".join(self._partial)
            self.lines.append(line if len(line) <= MAX_LINE_LENGTH
                              else line[:MAX_LINE_LENGTH - 3] + "...")
        self._partial, self._partial_length, self._open_line = [], 0, False

    def flush(self) -> None:
        if self._open_line:
            self._end_line()


@dataclass
class Outcome:
    """What one guarded call came back with: a value, or an error, or running out of time."""

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False
    output: Output = field(default_factory=Output)


class _TimeUp(BaseException):
    """Raised inside the learner's function when its time is up (a BaseException, so that
    ``except Exception`` in their code does not swallow it)."""


class _Interrupts:
    """Our SIGINT handler for the length of one call: it tells "time is up" from the user."""

    def __init__(self):
        self.expired = self.by_user = self.finished = False

    def __call__(self, signum, frame):
        if self.finished:          # a late tick of the timer, after the call: nothing to do
            return
        if self.expired:
            raise _TimeUp()
        self.by_user = True
        raise KeyboardInterrupt


def _interrupt_main_thread() -> None:
    """A real SIGINT to the main thread, which also wakes a blocking call (``time.sleep``,
    a read): ``_thread.interrupt_main`` only sets a flag that Python checks between
    bytecodes. Where threads cannot be signalled (Windows), the flag is all there is."""
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
    else:
        _thread.interrupt_main()


@contextlib.contextmanager
def _time_limit(seconds: float, interrupts: _Interrupts):
    """Interrupt the main thread after ``seconds`` (and every ``RETRY`` seconds after)."""
    try:
        previous = signal.signal(signal.SIGINT, interrupts)
    except ValueError:             # not the main thread: no handler, hence no limit
        yield
        return
    done = threading.Event()

    def tick():
        if done.wait(seconds):
            return
        interrupts.expired = True
        while True:
            _interrupt_main_thread()
            if done.wait(RETRY):
                return

    timer = threading.Thread(target=tick, name="course.check time limit", daemon=True)
    timer.start()
    try:
        yield
    finally:
        interrupts.finished = True
        done.set()
        timer.join()
        signal.signal(signal.SIGINT, previous)


def _refuse_input(prompt=""):
    raise EOFError("input() cannot be answered while a check runs; a graded function must "
                   "not ask for input")


@contextlib.contextmanager
def _no_input():
    """``input`` raises ``EOFError`` and ``sys.stdin`` is empty, for the length of one call."""
    previous_input, previous_stdin = builtins.input, sys.stdin
    builtins.input, sys.stdin = _refuse_input, io.StringIO("")
    try:
        yield
    finally:
        builtins.input, sys.stdin = previous_input, previous_stdin


def guarded_call(call, time_limit: float) -> Outcome:
    """Run ``call()`` under a time limit with its output captured; see the module docstring.

    Raises ``KeyboardInterrupt`` only when the user interrupted (Ctrl-C, "Interrupt kernel").
    """
    outcome, interrupts = Outcome(), _Interrupts()
    can_tell = threading.current_thread() is threading.main_thread()
    try:
        with contextlib.redirect_stdout(outcome.output), \
                contextlib.redirect_stderr(outcome.output), _no_input(), \
                _time_limit(time_limit, interrupts):
            try:
                outcome.value = call()
            except KeyboardInterrupt as error:
                if interrupts.by_user or not can_tell:
                    raise
                outcome.error = error          # raised by the function itself
            except _TimeUp:
                raise
            except BaseException as error:     # SystemExit, GeneratorExit, any other
                outcome.error = error
    except _TimeUp:                              # also when it lands just after the call
        pass
    outcome.output.flush()
    outcome.timed_out = interrupts.expired
    if interrupts.by_user:                       # even if the function swallowed it
        raise KeyboardInterrupt
    return outcome
