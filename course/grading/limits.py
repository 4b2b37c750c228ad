"""Resource limits for a submission's kernel: memory and total running time.

Two layers, because each alone has a gap:

* ``RLIMIT_DATA`` on the kernel process (and, by inheritance, its children) makes a huge
  allocation fail at once with ``MemoryError`` inside the student's cell. Unlike
  ``RLIMIT_AS`` it does not count address space that is only reserved, so TensorFlow, which
  reserves many gigabytes of virtual memory up front, still starts.
* A :class:`Watchdog` thread in the grader polls the resident memory (RSS) of the kernel and
  all its children and its total running time; when either passes its limit it kills the
  whole process tree. This also catches memory that ``RLIMIT_DATA`` does not see and kernels
  that ignore interrupts.

The kill shows up in the runner as a dead kernel; :attr:`Watchdog.reason` says why.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time

import psutil

#: Default memory limit per submission in MiB (a TensorFlow kernel needs about 800 MiB).
DEFAULT_MEMORY_MB = 2048


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


def kill_tree(pid: int) -> None:
    """Kill process ``pid``, every descendant and, if ``pid`` leads one, its process group.

    Jupyter starts each kernel in a new session, so the kernel leads its own group; a group
    we share (``pid`` not its leader) is never signalled, or we would kill ourselves.
    """
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
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + self.total_seconds
        while not self._stop_event.wait(self.interval):
            processes = process_tree(self.pid)
            if not processes:
                return
            used = resident_bytes(processes)
            self.peak_bytes = max(self.peak_bytes, used)
            if used > self.memory_bytes:
                self.kill(f"the notebook used more than the memory limit of "
                          f"{self.memory_mb:.0f} MB, so it was stopped")
                return
            if time.monotonic() > deadline:
                self.kill(f"the notebook ran longer than the total time limit of "
                          f"{self.total_seconds:.0f} s, so it was stopped")
                return

    def kill(self, reason: str) -> None:
        """Record ``reason`` and kill the kernel's process tree now."""
        if self.reason is None:
            self.reason = reason
        kill_tree(self.pid)

    def stop(self) -> None:
        """Stop watching (the kernel is being shut down normally)."""
        self._stop_event.set()
