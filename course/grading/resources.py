"""Resources per submission: memory, disk, tasks and CPU share, and killing everything it ran.

A submission's kernel and every process it starts live in a *control group* of their own
(:class:`SubmissionGroup`), made before the kernel runs and joined by the exec wrapper
(:mod:`course.grading.confine`) before it executes anything else:

* **memory** (``memory.limit_in_bytes`` / ``memory.max``): the kernel's heap, and the
  pages of files it writes to a tmpfs (``/tmp``, ``/dev/shm``, the work folder) or a
  ``memfd``, all of which Linux charges to the group of the process that touched them.
  Past the limit the group's own processes are killed, never the host's;
* **tasks** (``pids.max``): processes and threads together;
* **CPU**: a group of its own in the ``cpu`` controller, so the scheduler shares the CPUs
  between *groups* with equal weight: 150 busy loops in one submission weigh as much as one
  classmate, and cannot starve it; with ``cpus`` set, also a hard quota
  (``cpu.cfs_quota_us`` / ``cpu.max``).

Both cgroup versions are supported: v2 (one unified hierarchy) where the grader's own
group can delegate controllers to a child, else v1 (one hierarchy per controller, as on
this development machine). Either needs write access to the grader's own group (root, or
a delegated systemd scope); without it the limits are missing and the report says so.

The **work folder** is a size-limited tmpfs mounted on it when the grader may mount (root
or ``CAP_SYS_ADMIN``), so a file written there can neither fill the host's disk nor, being
memory, escape the memory limit. Otherwise ``RLIMIT_FSIZE`` caps each file (not their total).

**Killing** (:func:`kill_group`) sends ``SIGKILL`` to every task of the group until it is
empty: processes that left the kernel's tree (``setsid``, double forks) cannot leave the
group.

**Stale runs** (:func:`clean_stale_runs`): each live run holds an ``flock`` on
``<work folder>.lock``; at the next start, work folders, control groups and mounts whose lock
is free (their grader is gone) are removed, as are ``/dev/shm/sem.mp-*`` semaphores no live
process maps.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: The prefix of every work folder and control group a grading run makes.
RUN_PREFIX = "course-grade-"
#: A work folder without a lock file (made by an older grader, or in the instant before its
#: lock is taken) is treated as stale only once it is this old and no process works in it.
UNLOCKED_GRACE_SECONDS = 60
#: v1 controllers used, and the v2 names of the same.
V1_CONTROLLERS = ("memory", "pids", "cpu")
_MS_NOSUID, _MS_NODEV = 2, 4
_MNT_DETACH = 2


@dataclass(frozen=True)
class ResourceLimits:
    """What one submission may use. ``None`` means "not limited".

    ``memory_bytes``: resident memory plus tmpfs and shared-memory pages; ``disk_bytes``:
    the work folder (and each private tmpfs); ``tasks``: processes plus threads; ``cpus``:
    CPUs' worth of time per wall second (``0.5``: half a CPU).
    """

    memory_bytes: int | None = None
    disk_bytes: int | None = None
    tasks: int | None = None
    cpus: float | None = None


# -- what this machine offers ------------------------------------------------------------------
def _mounts() -> list[tuple[str, str, str]]:
    """``(mount point, file system type, super options)`` of every mount we can see."""
    mounts = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return mounts
    for line in lines:
        fields = line.split()
        separator = fields.index("-")
        mounts.append((fields[4], fields[separator + 1], fields[separator + 3]))
    return mounts


def _own_groups() -> dict[str, str]:
    """``{controller or "": path}`` from ``/proc/self/cgroup`` ("" is the v2 hierarchy)."""
    groups = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return groups
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(","):
            groups[controller] = path
    return groups


@dataclass(frozen=True)
class CgroupSupport:
    """Where submission groups are made: ``version`` ``"v1"`` or ``"v2"``, and per controller
    (``memory``, ``pids``, ``cpu``) the folder new groups go in."""

    version: str
    parents: tuple[tuple[str, str], ...]

    @property
    def controllers(self) -> tuple[str, ...]:
        return tuple(controller for controller, _ in self.parents)


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def _v2_support(mounts, own) -> CgroupSupport | None:
    root = next((point for point, kind, _ in mounts if kind == "cgroup2"), None)
    if root is None or "" not in own:
        return None
    parent = Path(root) / own[""].lstrip("/")
    try:
        offered = (parent / "cgroup.controllers").read_text().split()
    except OSError:
        return None
    wanted = [c for c in V1_CONTROLLERS if c in offered]
    if not wanted or not _writable(parent):
        return None
    try:
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        missing = [c for c in wanted if c not in enabled]
        if missing:   # fails (EBUSY) where the grader's own group holds processes
            (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in missing))
    except OSError:
        return None
    return CgroupSupport("v2", tuple((c, str(parent)) for c in wanted))


def _v1_support(mounts, own) -> CgroupSupport | None:
    parents = []
    for controller in V1_CONTROLLERS:
        point = next((p for p, kind, options in mounts
                      if kind == "cgroup" and controller in options.split(",")), None)
        if point is None or controller not in own:
            continue
        parent = Path(point) / own[controller].lstrip("/")
        if _writable(parent):
            parents.append((controller, str(parent)))
    return CgroupSupport("v1", tuple(parents)) if parents else None


@functools.lru_cache(maxsize=None)
def cgroup_support() -> CgroupSupport | None:
    """The control groups this grader can make (v2 preferred), or ``None``."""
    mounts, own = _mounts(), _own_groups()
    return _v2_support(mounts, own) or _v1_support(mounts, own)


def can_mount() -> bool:
    """True when this process may mount a tmpfs (it holds ``CAP_SYS_ADMIN``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) & (1 << 21))
    except OSError:
        pass
    return False


# -- one submission's group ---------------------------------------------------------------------
def _write(path: Path, value) -> None:
    path.write_text(f"{value}\n")


class SubmissionGroup:
    """The control group(s) of one submission, named ``name`` under ``support``'s parents."""

    def __init__(self, support: CgroupSupport, name: str):
        self.support = support
        self.folders = [Path(parent) / name for _, parent in support.parents]

    @classmethod
    def create(cls, support: CgroupSupport, name: str, limits: ResourceLimits) -> SubmissionGroup:
        """Make the group and write ``limits`` into it (raises ``OSError`` on failure)."""
        group = cls(support, name)
        for (controller, _), folder in zip(support.parents, group.folders):
            folder.mkdir(exist_ok=True)
            try:
                group._limit(controller, folder, limits)
            except OSError:
                group.remove()
                raise
        return group

    def _limit(self, controller: str, folder: Path, limits: ResourceLimits) -> None:
        v2 = self.support.version == "v2"
        if controller == "memory" and limits.memory_bytes:
            _write(folder / ("memory.max" if v2 else "memory.limit_in_bytes"),
                   limits.memory_bytes)
            if v2 and (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", 0)
        elif controller == "pids" and limits.tasks:
            _write(folder / "pids.max", limits.tasks)
        elif controller == "cpu" and limits.cpus:
            period = 100_000
            quota = max(1000, int(limits.cpus * period))
            if v2:
                _write(folder / "cpu.max", f"{quota} {period}")
            else:
                _write(folder / "cpu.cfs_period_us", period)
                _write(folder / "cpu.cfs_quota_us", quota)

    @property
    def procs_files(self) -> list[str]:
        """The files the exec wrapper writes its own PID to, to join the group."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def pids(self) -> set[int]:
        """Every process in the group now."""
        found = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def memory_killed(self) -> bool:
        """True when the kernel's out-of-memory killer has acted inside the group."""
        for (controller, _), folder in zip(self.support.parents, self.folders):
            if controller != "memory":
                continue
            name = "memory.events" if self.support.version == "v2" else "memory.oom_control"
            try:
                for line in (folder / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and int(value) > 0:
                        return True
            except (OSError, ValueError):
                pass
        return False

    def remove(self) -> None:
        """Kill what is left in the group and remove it."""
        kill_group(self)
        for folder in self.folders:
            for _ in range(200):              # the last tasks take a moment to be reaped
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    kill_group(self)
                    time.sleep(0.01)


def kill_group(group: SubmissionGroup) -> None:
    """SIGKILL every task of ``group`` until none is left (new forks are caught by the next
    pass; with a task limit there are at most that many)."""
    for folder in group.folders:
        kill_file = folder / "cgroup.kill"          # cgroup v2, Linux 5.14+
        if kill_file.exists():
            try:
                _write(kill_file, 1)
            except OSError:
                pass
    for _ in range(100):
        pids = group.pids()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)


def group_of(pid: int) -> SubmissionGroup | None:
    """The submission group process ``pid`` belongs to, if it is in one."""
    support = cgroup_support()
    if support is None:
        return None
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name = line.rsplit("/", 1)[-1]
        if name.startswith(RUN_PREFIX):
            return SubmissionGroup(support, name)
    return None


# -- the work folder -----------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(folder: Path, size_bytes: int) -> None:
    """Mount a tmpfs of ``size_bytes`` on ``folder``, keeping the files already in it.

    Raises ``OSError`` when mounting is not allowed here.
    """
    kept = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    options = f"size={int(size_bytes)},mode=0700".encode()
    if _libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV,
                   options) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount tmpfs on {folder}: {os.strerror(error)}")
    for name, data in kept.items():
        (folder / name).write_bytes(data)


def unmount(folder: Path) -> None:
    """Detach a mount on ``folder`` (nothing if there is none)."""
    if _libc.umount2(str(folder).encode(), _MNT_DETACH) != 0:
        error = ctypes.get_errno()
        if error not in (errno.EINVAL, errno.ENOENT):
            raise OSError(error, f"umount {folder}: {os.strerror(error)}")


def lock_path(workdir: Path) -> Path:
    """The lock file a live run holds for ``workdir`` (next to it, out of the kernel's reach)."""
    return workdir.with_name(workdir.name + ".lock")


def hold_lock(workdir: Path) -> int:
    """Create and ``flock`` :func:`lock_path`; return the descriptor (close it to release)."""
    descriptor = os.open(lock_path(workdir),
                         os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


class Claim:
    """What one live run holds: its lock, its work folder's tmpfs, its control group."""

    def __init__(self, workdir: Path, lock: int, mounted: bool,
                 group: SubmissionGroup | None):
        self.workdir, self.lock, self.mounted, self.group = workdir, lock, mounted, group

    @classmethod
    def make(cls, workdir: Path, support: CgroupSupport | None, mount: bool,
             limits: ResourceLimits) -> Claim:
        """Lock ``workdir``, mount a tmpfs of ``limits.disk_bytes`` on it if ``mount``, and
        make its control group under ``support`` (named after the folder)."""
        lock = hold_lock(workdir)
        mounted = bool(mount and limits.disk_bytes)
        try:
            if mounted:
                mount_tmpfs(workdir, limits.disk_bytes)
            group = SubmissionGroup.create(support, workdir.name, limits) if support else None
        except OSError:
            if mounted:
                unmount(workdir)
            os.close(lock)
            raise
        return cls(workdir, lock, mounted, group)

    def release(self) -> None:
        """Kill what is left, remove the group, unmount the folder, drop the lock."""
        try:
            if self.group is not None:
                self.group.remove()
            if self.mounted:
                unmount(self.workdir)
        finally:
            lock_path(self.workdir).unlink(missing_ok=True)
            os.close(self.lock)


def _lock_is_free(lock: Path) -> bool:
    try:
        descriptor = os.open(lock, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)


def _working_in(folder: Path) -> bool:
    """True when some process has its current folder in ``folder``, or we cannot tell."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except FileNotFoundError:
            continue
        except PermissionError:
            return True
        except OSError:
            continue
        if cwd == str(folder) or cwd.startswith(f"{folder}/"):
            return True
    return False


def _run_is_stale(workdir: Path) -> bool:
    lock = lock_path(workdir)
    if lock.exists():
        return _lock_is_free(lock)
    try:
        age = time.time() - workdir.lstat().st_mtime
    except OSError:
        return False
    return age > UNLOCKED_GRACE_SECONDS and not _working_in(workdir)


def _mapped_semaphores(shm: Path) -> set[tuple[int, int]] | None:
    """``(device, inode)`` of every file in ``shm`` some live process maps (``None``: cannot
    tell).

    Files, not names: the process that creates a semaphore maps it under a temporary name
    (glibc's ``sem_open`` maps ``sem.XXXXXX``, links it to ``sem.mp-...``, then unlinks the
    temporary one), so its memory map shows ``/dev/shm/sem.XXXXXX (deleted)``, while a
    process that opened it later shows the final name. Both show the same inode.

    A process whose memory map we may not read (another user's, or one outside our
    namespaces) is skipped: a grading run of this user, which could hold the semaphores we
    consider, is always readable to us; if one of ours is not, nothing is removed.
    """
    mapped, uid = set(), os.geteuid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "maps").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        except PermissionError:
            if _visible_uid(entry) == uid and uid != 0:
                return None
            continue
        except OSError:
            return None
        mapped |= files_mapped_in(text, shm)
    return mapped


def files_mapped_in(maps: str, folder: Path) -> set[tuple[int, int]]:
    """``(device, inode)`` of each file in ``folder`` that a ``/proc/<pid>/maps`` text maps
    (the name may be one that no longer exists: the inode is what counts)."""
    found = set()
    for line in maps.splitlines():
        fields = line.split()        # address perms offset major:minor inode path
        if len(fields) >= 6 and fields[5].startswith(f"{folder}/"):
            major, minor = fields[3].split(":")
            found.add((os.makedev(int(major, 16), int(minor, 16)), int(fields[4])))
    return found


def _visible_uid(entry: Path) -> int | None:
    try:
        return entry.stat().st_uid
    except OSError:
        return None


def clean_stale_runs(temp_root: Path | None = None, shm: Path = Path("/dev/shm")) -> list[str]:
    """Remove what killed grading runs left behind; return the paths removed.

    A work folder ``course-grade-*`` in ``temp_root`` (default: the system's temporary
    folder) is stale when its lock file's ``flock`` is free (the grader that held it is
    gone), or, lacking a lock file, when it is older than :data:`UNLOCKED_GRACE_SECONDS`
    and no process works in it. Its control group's tasks are killed, the group removed,
    its tmpfs unmounted, the folder and lock deleted. Submission control groups left empty
    are removed once old. A ``sem.mp-*`` semaphore in ``shm`` owned by this user and mapped
    by no live process is deleted. A live run's files are never touched.
    """
    temp_root = Path(temp_root or tempfile.gettempdir())
    removed = []
    support = cgroup_support()
    for workdir in sorted(temp_root.glob(f"{RUN_PREFIX}*")):
        if workdir.name.endswith(".lock") or workdir.is_symlink() or not workdir.is_dir():
            continue
        if not _run_is_stale(workdir):
            continue
        if support is not None:
            SubmissionGroup(support, workdir.name).remove()
        try:
            unmount(workdir)
        except OSError:
            pass
        shutil.rmtree(workdir, ignore_errors=True)
        lock_path(workdir).unlink(missing_ok=True)
        removed.append(str(workdir))
    removed += _clean_empty_groups(support)
    for lock in temp_root.glob(f"{RUN_PREFIX}*.lock"):
        if not lock.with_name(lock.name[:-len(".lock")]).exists() and _lock_is_free(lock):
            lock.unlink(missing_ok=True)
            removed.append(str(lock))
    removed += _clean_semaphores(shm)
    return removed


def _clean_empty_groups(support: CgroupSupport | None) -> list[str]:
    """Remove submission control groups with no task that are older than
    :data:`UNLOCKED_GRACE_SECONDS` (a group is joined within moments of being made)."""
    removed = []
    for _, parent in support.parents if support else ():
        for folder in Path(parent).glob(f"{RUN_PREFIX}*"):
            try:
                old = time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_SECONDS
                if old and not (folder / "cgroup.procs").read_text().split():
                    folder.rmdir()
                    removed.append(str(folder))
            except OSError:
                continue
    return removed


def _clean_semaphores(shm: Path) -> list[str]:
    candidates = [p for p in shm.glob("sem.mp-*")
                  if p.is_file() and not p.is_symlink() and p.stat().st_uid == os.geteuid()]
    if not candidates:
        return []
    mapped = _mapped_semaphores(shm)
    if mapped is None:
        return []
    removed = []
    for path in candidates:
        try:
            status = path.lstat()
        except FileNotFoundError:
            continue
        if (status.st_dev, status.st_ino) not in mapped:
            path.unlink(missing_ok=True)
            removed.append(str(path))
    return removed
