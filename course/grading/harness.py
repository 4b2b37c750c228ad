"""The small piece of the grader that runs *inside* the student's kernel.

Nothing here decides a score. A :class:`Harness` calls the student's function on one hidden
case that the trusted grader wrote to disk and writes back what it returned, as plain data
(:mod:`course.grading.protocol` owns both files' format). The trusted process does all the
comparing, and it alone keeps time: when a case runs past its limit it interrupts the kernel,
and the harness turns the interrupt into a result like any other.

How it defends itself, given that the student's code shares this process:

* The grader makes the harness in a cell it runs *before* any student cell. Every tool the
  harness needs is captured then, in one list in :meth:`Harness.__init__`, each with the
  tampering it defeats: a notebook that later replaces ``numpy.load``, ``builtins.open``,
  ``sys.setprofile`` or ``Exercise.run_case`` changes nothing here.
* Result files get fresh random names chosen by the grader after the student's cells ran,
  and are signed with a key that only appears in the grader's own cell (run without
  history), so neither a file written earlier nor one rewritten later passes for a result.
* While the registry converts a case's result, a profile hook watches for calls into the
  exercise's answer key (the course's reference implementation, the expected-answer
  function, the known-mistake functions). Such a call is reported and the trusted process
  gives the exercise 0 points. Removing the hook, or bypassing the call to the student's
  function, is reported too.
* Threads or processes that the notebook started and left running could overwrite a result
  file after the harness wrote it, so when any is alive (before or after the call) the case
  is reported as not gradable. The lessons themselves start none.
* Every exception, including ``SystemExit`` and ``KeyboardInterrupt`` (the grader's
  time-limit interrupt), is caught and reported as text.

A student who deliberately digs into a harness object (for example with ``gc``) could still
interfere with their *own* run; they can never see the hidden expected values, and no other
submission shares the process.
"""

from __future__ import annotations

import sys
import threading
import time

import psutil

from course.grading.protocol import MAX_MESSAGE_CHARS, KernelSide, Status

#: Threads whose class comes from these packages belong to Jupyter itself (pyzmq starts a
#: garbage-collector thread when a widget sends a large image, for example).
INFRASTRUCTURE_MODULES = ("zmq.", "ipykernel.", "IPython.", "jupyter_client.", "comm.",
                          "debugpy.", "tornado.")


class BackgroundWork(Exception):
    """Threads or processes the notebook started are still running."""


class Harness:
    """Grade one case at a time: ``harness(exercise_id, inputs_path, index, stem, key)``.

    Args:
        user_namespace: the kernel's global namespace, where the student's functions live.
        registry: the exercise registry module (default ``course.exercises``).
    """

    def __init__(self, user_namespace: dict, registry=None):
        if registry is None:
            from course import exercises as registry
        # Every tool the harness uses, captured now, before any student cell. Each comment
        # names what a notebook could do later that the capture makes useless.
        self._namespace = user_namespace       # (only read: where the student's functions are)
        self._protocol = KernelSide()          # replace numpy.load/savez, open, json or hmac
        self._exercises = {e.id: e for e in registry.all_exercises()}  # edit the registry
        self._run_case = registry.Exercise.run_case   # patch run_case to return the answer
        self._forbidden = {e.id: registry.forbidden_codes(e)    # shrink the watch list of
                           for e in self._exercises.values()}   # answer-key functions
        self._getprofile = sys.getprofile      # fake getprofile to hide a swapped hook
        self._setprofile = sys.setprofile      # disable setprofile so no hook is ever set
        self._set_thread_profile = threading.setprofile  # the same, in threads it starts
        self._threads = threading.enumerate    # fake enumerate to hide a background thread
        self._process = psutil.Process()       # patch psutil to hide a background process
        self._zombie, self._psutil_error = psutil.STATUS_ZOMBIE, psutil.Error  # (the same)
        self._clock = time.monotonic           # fake the clock to shrink reported seconds
        self._callable = callable              # rebind builtins.callable to fake a function
        self._type, self._round = type, round  # rebind builtins to break the harness's text
        self._any_error = BaseException        # rebind builtins' exception classes so that
        self._stub_error = NotImplementedError  # an error escapes the harness and no result
        self._interrupt = KeyboardInterrupt    # (the time-limit interrupt) is written
        self._baseline = self._running_work()  # (Jupyter's own threads, not the notebook's)

    # -- the call ---------------------------------------------------------------------------------
    def __call__(self, exercise_id: str, inputs_path: str, index: int, stem: str,
                 key: str) -> None:
        """Call the student's ``exercise_id`` on case ``index`` of ``inputs_path``; write the
        result to ``stem.npz`` / ``stem.json``, signed with ``key``."""
        try:
            status, outputs, facts = self._grade_case(exercise_id, inputs_path, index)
        except BackgroundWork as error:
            status, outputs, facts = Status.BACKGROUND, None, {"message": error.args[0]}
        except self._any_error as error:
            status, outputs, facts = Status.HARNESS_ERROR, None, {"message": self._describe(error)}
        self._protocol.write_result(stem, key, status, outputs, **facts)

    def _grade_case(self, exercise_id: str, inputs_path: str, index: int):
        """``(status, outputs, facts)`` for one case, refusing to run beside background work."""
        exercise, codes = self._exercises[exercise_id], self._forbidden[exercise_id]
        case = self._protocol.read_cases(inputs_path)[index]
        self._refuse_background_work()
        function = self._namespace.get(exercise_id)
        if function is None or not self._callable(function):
            return Status.MISSING, None, {}
        started = self._clock()
        status, outputs, facts = self._call_watched(exercise, function, case, codes)
        facts["seconds"] = self._round(self._clock() - started, 4)
        self._refuse_background_work()
        return status, outputs, facts

    def _call_watched(self, exercise, function, case: dict, codes):
        """``run_case`` under a profile hook that notices any call into the answer key."""
        seen = {"reference": False, "called": False}

        def profiler(frame, event, argument):
            if event == "call" and frame.f_code in codes:
                seen["reference"] = True

        def student_function(*args, **kwargs):
            seen["called"] = True
            return function(*args, **kwargs)

        previous = self._getprofile()
        self._setprofile(profiler)
        self._set_thread_profile(profiler)      # threads the student's code starts
        outputs, message = None, ""
        try:
            outputs = self._protocol.plain_outputs(self._run_case(exercise, student_function,
                                                                  case))
            status = Status.OK
        except self._stub_error as error:
            status, message = Status.NOT_IMPLEMENTED, self._describe(error)
        except self._interrupt:
            status = Status.TIMEOUT
        except self._any_error as error:     # SystemExit too: the student's code, not ours
            status, message = Status.ERROR, self._describe(error)
        finally:
            tampered = self._getprofile() is not profiler
            self._setprofile(previous)
            self._set_thread_profile(None)
        bypassed = status is Status.OK and seen["called"] is not True
        return status, outputs, {"message": message, "called_reference": seen["reference"] is True,
                                 "tampered": tampered or bypassed}

    # -- helpers ----------------------------------------------------------------------------------
    def _describe(self, error) -> str:
        text = f"{self._type(error).__name__}: {error}"
        return text[:MAX_MESSAGE_CHARS]

    def _running_work(self) -> set:
        """Threads and child processes running now, except Jupyter's own threads."""
        work = {f"thread {thread.name!r} ({thread.ident})" for thread in self._threads()
                if thread.is_alive()
                and not self._type(thread).__module__.startswith(INFRASTRUCTURE_MODULES)}
        try:
            work |= {f"process {child.pid}" for child in self._process.children(recursive=True)
                     if child.is_running() and child.status() != self._zombie}
        except self._psutil_error:
            pass
        return work

    def _refuse_background_work(self) -> None:
        """Raise :class:`BackgroundWork` naming what the notebook started and left running."""
        started = sorted(self._running_work() - self._baseline)
        if started:
            raise BackgroundWork(", ".join(started[:5]))


def preamble_source(harness_name: str) -> str:
    """The code of the first cell the grader runs in a fresh kernel, before any student cell."""
    return (f"from course.grading.harness import Harness as _course_harness\n"
            f"{harness_name} = _course_harness(get_ipython().user_ns)\n"
            f"del _course_harness\n")


def call_source(harness_name: str, exercise_id: str, inputs_path: str, index: int,
                stem: str, key: str) -> str:
    """The code of the cell that grades one case after all student cells have run."""
    return f"{harness_name}({exercise_id!r}, {inputs_path!r}, {index}, {stem!r}, {key!r})\n"
