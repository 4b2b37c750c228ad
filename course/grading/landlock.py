"""Landlock, capabilities and a socket filter: confining a process without namespaces.

Used by the exec wrapper (:mod:`course.grading.confine`) in the process that is about to
``exec`` a kernel, never by the grader itself. Every system call's result is checked; any
failure raises :class:`ConfinementError` and the wrapper exits without running the kernel
(fail closed).

Constants carry the names of ``<linux/landlock.h>``, ``<linux/prctl.h>``,
``<linux/seccomp.h>``, ``<linux/filter.h>``, ``<linux/audit.h>`` and
``<linux/capability.h>``, so each can be checked against the kernel's headers.

What each Landlock ABI version controls (``landlock_create_ruleset(NULL, 0,
LANDLOCK_CREATE_RULESET_VERSION)`` gives the version):

=====  ========================================================================
ABI    adds
=====  ========================================================================
1      file system rights: execute, read, write, list, remove, make (13 rights)
2      ``REFER``: linking or renaming a file into another folder
3      ``TRUNCATE``: before it, ``truncate()`` of any readable file is allowed
4      TCP ``bind``/``connect`` by port (not UDP, not MPTCP, not Unix sockets)
5      ``IOCTL_DEV``: ioctl on device files
6      scoping: abstract Unix sockets and signals stay inside the domain
=====  ========================================================================

What Landlock never controls, and the socket filter (:func:`socket_filter`) closes:
sockets of every family but ``AF_UNIX`` (UDP, MPTCP = ``IPPROTO_MPTCP`` 262, raw...), and
``io_uring``, which can open and connect sockets without those system calls.

What neither closes: ``connect()`` to a path-based Unix socket anywhere on the machine that
the user may reach (another kernel's channels, ``/run/docker.sock``...). A seccomp filter
cannot read the path, and the kernel needs ``connect()`` itself: ipykernel 7 connects to its
own shell socket (measured: with ``connect()`` refused, the kernel aborts at start). Hence
``course grade`` refuses ``--jobs`` above 1 under Landlock, and the report says so.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from pathlib import Path


class ConfinementError(OSError):
    """A confinement step failed; the process must not go on to run untrusted code."""


# -- <linux/landlock.h> -------------------------------------------------------------------------
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_ACCESS_FS_EXECUTE = 1 << 0
LANDLOCK_ACCESS_FS_WRITE_FILE = 1 << 1
LANDLOCK_ACCESS_FS_READ_FILE = 1 << 2
LANDLOCK_ACCESS_FS_READ_DIR = 1 << 3
LANDLOCK_ACCESS_FS_REMOVE_DIR = 1 << 4
LANDLOCK_ACCESS_FS_REMOVE_FILE = 1 << 5
LANDLOCK_ACCESS_FS_MAKE_CHAR = 1 << 6
LANDLOCK_ACCESS_FS_MAKE_DIR = 1 << 7
LANDLOCK_ACCESS_FS_MAKE_REG = 1 << 8
LANDLOCK_ACCESS_FS_MAKE_SOCK = 1 << 9
LANDLOCK_ACCESS_FS_MAKE_FIFO = 1 << 10
LANDLOCK_ACCESS_FS_MAKE_BLOCK = 1 << 11
LANDLOCK_ACCESS_FS_MAKE_SYM = 1 << 12
LANDLOCK_ACCESS_FS_REFER = 1 << 13          # ABI 2
LANDLOCK_ACCESS_FS_TRUNCATE = 1 << 14       # ABI 3
LANDLOCK_ACCESS_FS_IOCTL_DEV = 1 << 15      # ABI 5
LANDLOCK_ACCESS_NET_BIND_TCP = 1 << 0       # ABI 4
LANDLOCK_ACCESS_NET_CONNECT_TCP = 1 << 1    # ABI 4
LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0   # ABI 6
LANDLOCK_SCOPE_SIGNAL = 1 << 1                 # ABI 6

#: The file system rights each ABI version knows (all of them are handled: denied unless
#: a rule grants them).
HANDLED_ACCESS_FS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1,
                     5: (1 << 16) - 1}
#: Rights that make sense on a file (a rule on a file may carry only these).
FILE_ACCESS = (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE
               | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE
               | LANDLOCK_ACCESS_FS_IOCTL_DEV)
READ_ACCESS = (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE
               | LANDLOCK_ACCESS_FS_READ_DIR)

# Landlock's system calls have the same numbers on every architecture.
__NR_landlock_create_ruleset, __NR_landlock_add_rule, __NR_landlock_restrict_self = 444, 445, 446

# -- <linux/prctl.h>, <linux/capability.h> ------------------------------------------------------
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_SECCOMP = 22
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
CAP_SETPCAP = 8

# -- <linux/seccomp.h>, <linux/filter.h>, <linux/audit.h>, <sys/socket.h> ------------------------
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
BPF_LD, BPF_W, BPF_ABS, BPF_JMP, BPF_JEQ, BPF_JGE, BPF_K, BPF_RET, BPF_ALU, BPF_AND = (
    0x00, 0x00, 0x20, 0x05, 0x10, 0x30, 0x00, 0x06, 0x04, 0x50)
AF_UNIX = 1
AF_NETLINK = 16
NETLINK_ROUTE = 0
SOCK_STREAM = 1
SOCK_TYPE_MASK = 0xF                 # the type without SOCK_NONBLOCK / SOCK_CLOEXEC
EACCES = 13
__X32_SYSCALL_BIT = 0x40000000
# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
_SECCOMP_NR, _SECCOMP_ARCH, _SECCOMP_ARG0, _SECCOMP_ARG1, _SECCOMP_ARG2 = 0, 4, 16, 24, 32

#: Per architecture: (AUDIT_ARCH_*, capset, socket, connect, socketpair, io_uring_setup,
#: io_uring_enter, io_uring_register). Elsewhere the wrapper refuses to run (fail closed).
ARCHITECTURES = {
    "x86_64": (0xC000003E, 126, 41, 42, 53, 425, 426, 427),
    "aarch64": (0xC00000B7, 91, 198, 203, 199, 425, 426, 427),
}

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.restype = ctypes.c_int


def _checked(result: int, what: str) -> int:
    if result < 0:
        error = ctypes.get_errno()
        raise ConfinementError(error, f"{what} failed: {os.strerror(error)}")
    return result


def _prctl(option: int, arg2: int = 0, what: str = "prctl") -> int:
    return _checked(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(0),
                                ctypes.c_ulong(0), ctypes.c_ulong(0)), what)


def architecture() -> tuple[int, ...]:
    """This machine's row of :data:`ARCHITECTURES`; raises :class:`ConfinementError` elsewhere."""
    try:
        return ARCHITECTURES[platform.machine()]
    except KeyError:
        raise ConfinementError(0, f"no system call table for {platform.machine()}") from None


def abi_version() -> int:
    """The Landlock ABI version the running kernel offers (0: none)."""
    version = _libc.syscall(__NR_landlock_create_ruleset, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def handled_access_fs(abi: int) -> int:
    """Every file system right ABI ``abi`` knows."""
    return HANDLED_ACCESS_FS[min(abi, 5)]


def path_rules(read: list[str], full: list[str], files: dict[str, int], hidden: list[str],
               abi: int) -> list[tuple[str, int]]:
    """``(path, rights)`` pairs granting ``READ_ACCESS`` beneath ``read``, every right beneath
    ``full``, the given rights on ``files``, and nothing in or below ``hidden``.

    Landlock rules only add rights, so a hidden folder inside a readable one cannot be
    subtracted: the readable folder is granted entry by entry instead, and each folder on the
    way to a hidden one gets only ``READ_DIR`` (its names can be listed, its files not read).
    """
    handled = handled_access_fs(abi)
    hidden_paths = [Path(h) for h in hidden]
    rules: list[tuple[str, int]] = []

    def grant(path: Path, access: int) -> None:
        inside = [h for h in hidden_paths if h != path and h.is_relative_to(path)]
        if any(path == h or path.is_relative_to(h) for h in hidden_paths):
            return
        if not inside or not path.is_dir() or path.is_symlink():
            rules.append((str(path), access & handled))
            return
        rules.append((str(path), LANDLOCK_ACCESS_FS_READ_DIR & handled))
        for entry in sorted(path.iterdir()):
            grant(entry, access)

    for folder in read:
        grant(Path(folder), READ_ACCESS)
    for folder in full:
        grant(Path(folder), handled)
    rules += [(path, access & handled) for path, access in files.items()]
    return rules


def restrict_self(rules: list[tuple[str, int]], abi: int) -> None:
    """Create a ruleset with ``rules`` and enforce it on this process (needs no_new_privs).

    Handled (so denied unless granted): every file right of ``abi``; TCP bind and connect
    from ABI 4, with no port allowed; abstract Unix sockets and signals scoped from ABI 6.
    A path that does not exist is skipped; any other failure raises.
    """
    handled = handled_access_fs(abi)
    attr = _RulesetAttr(
        handled_access_fs=handled,
        handled_access_net=(LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
        if abi >= 4 else 0,
        scoped=(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _checked(_libc.syscall(__NR_landlock_create_ruleset, ctypes.byref(attr),
                                     ctypes.c_size_t(size), ctypes.c_uint32(0)),
                       "landlock_create_ruleset")
    try:
        for path, access in rules:
            try:
                descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                if not Path(path).is_dir():
                    access &= FILE_ACCESS
                rule = _PathBeneathAttr(allowed_access=access, parent_fd=descriptor)
                _checked(_libc.syscall(__NR_landlock_add_rule, ctypes.c_int(ruleset),
                                       ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                                       ctypes.byref(rule), ctypes.c_uint32(0)),
                         f"landlock_add_rule({path})")
            finally:
                os.close(descriptor)
        _checked(_libc.syscall(__NR_landlock_restrict_self, ctypes.c_int(ruleset),
                               ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)


# -- capabilities -------------------------------------------------------------------------------
class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def capability_masks() -> dict[str, int]:
    """``{"CapInh": ..., "CapPrm": ..., "CapEff": ..., "CapBnd": ..., "CapAmb": ...}`` of this
    process, from ``/proc/self/status``."""
    masks = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name.startswith("Cap"):
            masks[name] = int(value.strip(), 16)
    return masks


def drop_capabilities() -> None:
    """Give up every capability for good, then check that none is left.

    The bounding set can only be emptied with ``CAP_SETPCAP`` (a process without it holds
    nothing to drop, and no_new_privs keeps ``exec`` from granting any). Raises when any
    effective, permitted, inheritable or ambient capability remains.
    """
    if capability_masks().get("CapEff", 0) & (1 << CAP_SETPCAP):
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
        for capability in range(last + 1):
            _prctl(PR_CAPBSET_DROP, capability, f"PR_CAPBSET_DROP({capability})")
    _checked(_libc.prctl(PR_CAP_AMBIENT, ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL),
                         ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)),
             "PR_CAP_AMBIENT_CLEAR_ALL")
    header, data = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _checked(_libc.syscall(architecture()[1], ctypes.byref(header), ctypes.byref(data)),
             "capset")
    left = {name: mask for name, mask in capability_masks().items()
            if name != "CapBnd" and mask}
    if left:
        raise ConfinementError(0, f"capabilities still held after dropping them: {left}")


# -- the socket filter --------------------------------------------------------------------------
def _assemble(program: list[tuple]) -> bytes:
    """``struct sock_filter`` bytes from ``(code, k)``, ``(code, k, true_label, false_label)``
    and ``("label", name)`` entries (jump offsets are counted from the next instruction)."""
    labels, position = {}, 0
    for entry in program:
        if entry[0] == "label":
            labels[entry[1]] = position
        else:
            position += 1
    code, position = [], 0
    for entry in program:
        if entry[0] == "label":
            continue
        position += 1
        if len(entry) == 2:
            code.append(struct.pack("=HBBI", entry[0], 0, 0, entry[1]))
        else:
            true, false = (0 if target is None else labels[target] - position
                           for target in entry[2:])
            code.append(struct.pack("=HBBI", entry[0], true, false, entry[1]))
    return b"".join(code)


def socket_filter(machine: str | None = None) -> bytes:
    """A seccomp BPF program (``struct sock_filter`` array) for :func:`install_socket_filter`.

    It answers ``EACCES`` to: ``socket()`` of any family but ``AF_UNIX`` and
    ``AF_NETLINK``/``NETLINK_ROUTE`` (which libzmq reads interfaces with; changing them needs
    a capability), or of a Unix socket that is not ``SOCK_STREAM`` (so no TCP, UDP, MPTCP,
    raw sockets, nor Unix datagrams sent to a path); ``socketpair()`` of any family but
    ``AF_UNIX``; ``io_uring``; and any system call made through another architecture's table
    (i386 ``int 0x80``, x32 numbers). Everything else is allowed, ``connect()`` included.
    """
    arch, _, socket, _connect, socketpair, *uring = ARCHITECTURES[machine or platform.machine()]
    load, jeq = BPF_LD | BPF_W | BPF_ABS, BPF_JMP | BPF_JEQ | BPF_K
    program = [
        (load, _SECCOMP_ARCH), (jeq, arch, None, "deny"),
        (load, _SECCOMP_NR), (BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, "deny", None),
        *[(jeq, number, "deny", None) for number in uring],
        (jeq, socketpair, "pair", None),
        (jeq, socket, None, "allow"),
        (load, _SECCOMP_ARG0), (jeq, AF_NETLINK, "netlink", None),
        (jeq, AF_UNIX, None, "deny"),
        (load, _SECCOMP_ARG1), (BPF_ALU | BPF_AND | BPF_K, SOCK_TYPE_MASK),
        (jeq, SOCK_STREAM, "allow", "deny"),
        ("label", "netlink"), (load, _SECCOMP_ARG2), (jeq, NETLINK_ROUTE, "allow", "deny"),
        ("label", "pair"), (load, _SECCOMP_ARG0), (jeq, AF_UNIX, "allow", "deny"),
        ("label", "deny"), (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
        ("label", "allow"), (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    ]
    return _assemble(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install_socket_filter() -> None:
    """Install :func:`socket_filter` on this process and its future children (needs
    no_new_privs, or ``CAP_SYS_ADMIN``). It cannot be removed."""
    code = socket_filter()
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _checked(_libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER),
                         ctypes.byref(program), ctypes.c_ulong(0), ctypes.c_ulong(0)),
             "PR_SET_SECCOMP")


def set_no_new_privs() -> None:
    """``PR_SET_NO_NEW_PRIVS``: ``exec`` can never grant privileges again (Landlock and
    seccomp require it)."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1, "PR_SET_NO_NEW_PRIVS")


def set_parent_death_signal(signal_number: int) -> None:
    """Receive ``signal_number`` when the parent (the grader) dies; kept across ``exec``."""
    _prctl(PR_SET_PDEATHSIG, signal_number, "PR_SET_PDEATHSIG")


def become_subreaper() -> None:
    """Adopt this process's descendants' orphans (a double fork cannot escape the grader)."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1, "PR_SET_CHILD_SUBREAPER")
