"""The limits of one submission's run: time for its cells and its tests, memory, total time.

Time, from the finest to the coarsest (the runner enforces the first three with nbclient's
per-cell timeout, which interrupts the kernel; :class:`Watchdog` the last):

* **a test** (one hidden case of one exercise) may take the longer of ``case_seconds`` and
  :data:`REFERENCE_FACTOR` times what the course's own implementation takes on that
  exercise's cases (:func:`case_limit`). A function that never returns costs this once:
  the exercise's remaining tests are not run, and it scores 0;
* **a cell** of the student's notebook may take ``cell_seconds``;
* **all the student's cells** together may take ``cells_seconds``; after that, the remaining
  cells are skipped, except those that define a function or a class (they run for at most
  :data:`LATE_CELL_SECONDS` each), so that every exercise is still graded;
* **the whole submission** may take ``total_seconds``; past it the watchdog kills the kernel.

Memory, disk, tasks and CPU (``memory_mb``, ``disk_mb``, ``tasks``, ``cpus``) become a
:class:`course.grading.resources.ResourceLimits` (:meth:`Limits.resources`), which the
sandbox enforces per submission with a control group and a size-limited work folder where
the machine allows (:mod:`course.grading.resources`; the report lists what it could not).
The memory limit has three layers, each closing a gap of the others:

* the submission's memory control group counts everything the kernel and its processes
  touch, files in tmpfs, ``/dev/shm`` and ``memfd`` included, and kills inside the group
  past the limit;
* ``RLIMIT_DATA`` on the kernel process (set by the exec wrapper, inherited by its children)
  makes a huge allocation fail at once with ``MemoryError`` inside the student's cell.
  Unlike ``RLIMIT_AS`` it does not count address space that is only reserved, so
  TensorFlow, which reserves many gigabytes of virtual memory up front, still starts;
* a :class:`Watchdog` thread in the grader polls the resident memory (RSS) of the kernel and
  all its children and its total running time; when either passes its limit, or the control
  group's out-of-memory killer acted, it kills everything (:func:`kill_tree`, the one place
  that kills a submission's processes). This also catches kernels that ignore interrupts.

The kill shows up in the runner as a dead kernel; :attr:`Watchdog.reason` says why.

>>> case_limit(Limits(), reference_seconds=0.0002)     # the floor: the reference is quick
5.0
>>> case_limit(Limits(), reference_seconds=0.2)
20.0
>>> case_limit(Limits(), reference_seconds=0.01, exercise_seconds=60.0)   # a Keras exercise
60.0
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from dataclasses import dataclass

import psutil

from course.exercises import _feedback
from course.grading import resources

#: Default memory limit per submission in MiB (a TensorFlow kernel needs about 800 MiB).
DEFAULT_MEMORY_MB = 2048
#: A test may take this many times what the course's own implementation takes on it. The
#: slide's loop versions are 3 to 30 times slower than the vectorized reference.
REFERENCE_FACTOR = 100
#: Default size of a submission's work folder (and of its private /tmp and /dev/shm), MiB.
DEFAULT_DISK_MB = 1024
#: Default number of tasks (processes and threads) per submission: TensorFlow starts about
#: two threads per CPU, ipykernel about ten.
DEFAULT_TASKS = 512
#: Seconds a cell that defines a function or class gets once the cells' budget is spent.
LATE_CELL_SECONDS = 5


@dataclass
class Limits:
    """Time and memory limits for one submission, in seconds and MiB (see the module doc).

    The defaults grade a notebook whose graded function never returns in well under a
    minute, and leave correct but slow code (the loop versions, the lessons' training runs)
    several times the time it needs on a laptop.
    """

    cell_seconds: float = 30
    cells_seconds: float = 30
    case_seconds: float = 5
    total_seconds: float = 600
    memory_mb: float = DEFAULT_MEMORY_MB
    disk_mb: float = DEFAULT_DISK_MB
    tasks: int = DEFAULT_TASKS
    cpus: float | None = None     # a hard CPU quota per submission; None: an equal share

    def resources(self) -> resources.ResourceLimits:
        """The memory, disk, task and CPU limits in the units the sandbox writes."""
        return resources.ResourceLimits(
            memory_bytes=int(self.memory_mb * 2**20), disk_bytes=int(self.disk_mb * 2**20),
            tasks=int(self.tasks), cpus=self.cpus)


def case_limit(limits: Limits, reference_seconds: float, exercise_seconds: float = 0.0) -> float:
    """Seconds one test of an exercise may take: the largest of ``case_seconds``,
    :data:`REFERENCE_FACTOR` times ``reference_seconds`` (the reference's slowest case) and
    ``exercise_seconds``, the exercise's own limit (``Exercise.time_limit``: 60 s where a
    learner's answer trains a Keras model, whose first fit traces a graph)."""
    seconds = max(float(limits.case_seconds), REFERENCE_FACTOR * reference_seconds,
                  float(exercise_seconds))
    return round(seconds, 1)                  # reported to the student: "23.5 s", not 23.4835


def limit_data_segment(pid: int, memory_mb: int) -> None:
    """Set ``RLIMIT_DATA`` of process ``pid`` to ``memory_mb`` MiB (soft and hard)."""
    limit = int(memory_mb) * 2**20
    try:
        psutil.Process(pid).rlimit(resource.RLIMIT_DATA, (limit, limit))
    except (psutil.Error, OSError, ValueError):
        pass  # the watchdog still enforces the limit


def process_tree(pid: int) -> list[psutil.Process]:
    """The process ``pid`` and all its descendants that are still alive."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def resident_bytes(processes: list[psutil.Process]) -> int:
    """Total resident memory of ``processes`` in bytes (dead ones count as 0)."""
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def kill_tree(pid: int | None, group: resources.SubmissionGroup | None = None) -> None:
    """Kill every process of a submission: all of ``group`` (its control group, which
    ``setsid`` and double forks cannot leave), then process ``pid``, every descendant and, if
    ``pid`` leads one, its process group.

    Jupyter starts each kernel in a new session, so the kernel leads its own group; a group
    we share (``pid`` not its leader) is never signalled, or we would kill ourselves.
    """
    if group is None and pid is not None:
        group = resources.group_of(pid)
    if group is not None:
        resources.kill_group(group)
    if pid is None:
        return
    processes = process_tree(pid)
    try:
        if os.getpgid(pid) == pid != os.getpgid(0):
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass


class Watchdog(threading.Thread):
    """Kill the process tree of ``pid`` when it uses too much memory or time.

    Args:
        pid: the kernel's process id.
        memory_mb: limit on the summed RSS of the kernel and its children, in MiB.
        total_seconds: limit on the wall time since :meth:`start`.
        interval: seconds between two polls.

    After a kill, :attr:`reason` holds a sentence for the student's report.
    """

    def __init__(self, pid: int, memory_mb: float, total_seconds: float, interval: float = 0.1):
        super().__init__(daemon=True, name=f"watchdog-{pid}")
        self.pid = pid
        self.memory_bytes = int(memory_mb * 2**20)
        self.memory_mb = memory_mb
        self.total_seconds = total_seconds
        self.interval = interval
        self.reason: str | None = None
        self.group: resources.SubmissionGroup | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + self.total_seconds
        while not self._stop_event.wait(self.interval):
            self.group = self.group or resources.group_of(self.pid)
            if self.group is not None and self.group.memory_killed():
                self.kill(_feedback.kernel_problem("memory_with_files",
                                                   memory_mb=self.memory_mb))
                return
            processes = process_tree(self.pid)
            if not processes:
                return
            if resident_bytes(processes) > self.memory_bytes:
                self.kill(_feedback.kernel_problem("memory", memory_mb=self.memory_mb))
                return
            if time.monotonic() > deadline:
                self.kill(_feedback.kernel_problem("total_time", seconds=self.total_seconds))
                return

    def kill(self, reason: str) -> None:
        """Record ``reason`` and kill the kernel's process tree now."""
        if self.reason is None:
            self.reason = reason
        kill_tree(self.pid, self.group)

    def stop(self) -> None:
        """Stop watching (the kernel is being shut down normally)."""
        self._stop_event.set()
