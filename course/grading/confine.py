"""The exec wrapper: confine this process by a written policy, then become the kernel.

``python -m course.grading.confine --policy JSON -- COMMAND...`` runs, in order, every step
the policy names, and only then ``exec``\\ s ``COMMAND`` (bubblewrap, or the kernel itself);
if any step fails it prints why and exits with :data:`REFUSED` without running anything.
Nothing runs between ``fork`` and ``exec`` in the grader (no ``preexec_fn``): the wrapper is
a process of its own, and its policy is plain data that ``--explain`` prints.

The policy (:func:`policy`), a JSON object:

``parent``
    the grader's PID: the wrapper asks for ``SIGKILL`` when its parent dies, and refuses to
    start if the parent is already gone.
``cgroup_procs``
    ``cgroup.procs`` files to write its PID to (:mod:`course.grading.resources`), so the
    kernel and all it starts are counted and limited before any student code runs.
``rlimits``
    ``{"RLIMIT_DATA": bytes, "RLIMIT_FSIZE": bytes}``: a huge allocation fails at once with
    ``MemoryError``; a file cannot grow past the work folder's size.
``drop_capabilities``
    give up every capability (a grader run as root must lend none).
``landlock``
    ``{"abi": N, "rules": [[path, rights], ...]}`` (:mod:`course.grading.landlock`).
``socket_filter``
    the seccomp filter of :func:`course.grading.landlock.socket_filter`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys

#: The exit status when a step fails (the command never ran).
REFUSED = 111


def policy(*, parent: int, cgroup_procs=(), rlimits=None, drop_capabilities=False,
           landlock=None, socket_filter=False) -> dict:
    """A policy for :func:`confine` (see the module's doc for each key)."""
    return {"parent": int(parent), "cgroup_procs": list(cgroup_procs),
            "rlimits": dict(rlimits or {}), "drop_capabilities": bool(drop_capabilities),
            "landlock": landlock, "socket_filter": bool(socket_filter)}


def wrapper_argv(the_policy: dict, command: list[str]) -> list[str]:
    """The argv that runs ``command`` under ``the_policy``.

    ``-I``: the wrapper imports the grader's own ``course`` (from Python's installation),
    never one named by ``PYTHONPATH`` or found in the working folder: the kernel's
    environment points ``PYTHONPATH`` at a grading course tree, which has no ``grading``.
    """
    return [sys.executable, "-I", "-m", "course.grading.confine",
            "--policy", json.dumps(the_policy, separators=(",", ":")), "--", *command]


def explain(the_policy: dict) -> list[str]:
    """The policy as readable lines, one per step, in the order they are applied."""
    from course.grading import landlock
    lines = [f"die with the grader (PID {the_policy['parent']})"]
    lines += [f"join control group {path.rsplit('/', 1)[0]}"
              for path in the_policy["cgroup_procs"]]
    lines += [f"{name} = {value} bytes" for name, value in the_policy["rlimits"].items()]
    if the_policy["drop_capabilities"]:
        lines.append("drop every capability, no new privileges")
    if the_policy["landlock"]:
        names = {value: name[len("LANDLOCK_ACCESS_FS_"):] for name, value in
                 vars(landlock).items() if name.startswith("LANDLOCK_ACCESS_FS_")}
        lines.append(f"Landlock ABI {the_policy['landlock']['abi']}, everything else denied:")
        for path, access in the_policy["landlock"]["rules"]:
            rights = [names[bit] for bit in sorted(names) if access & bit]
            lines.append(f"  {path}: {', '.join(rights) or 'nothing'}")
    if the_policy["socket_filter"]:
        lines.append("seccomp: no sockets but Unix stream sockets (and netlink route); no io_uring")
    return lines


def confine(the_policy: dict) -> None:
    """Apply every step of ``the_policy`` to this process; raise ``OSError`` on any failure."""
    from course.grading import landlock
    landlock.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != the_policy["parent"]:
        raise OSError(0, "the grader that started this kernel is gone")
    for path in the_policy["cgroup_procs"]:
        with open(path, "w") as procs:
            procs.write(str(os.getpid()))
    for name, value in the_policy["rlimits"].items():
        resource.setrlimit(getattr(resource, name), (int(value), int(value)))
    if the_policy["drop_capabilities"]:
        landlock.drop_capabilities()
    if the_policy["drop_capabilities"] or the_policy["landlock"] or the_policy["socket_filter"]:
        landlock.set_no_new_privs()
    if the_policy["landlock"]:
        rules = [(path, int(access)) for path, access in the_policy["landlock"]["rules"]]
        landlock.restrict_self(rules, int(the_policy["landlock"]["abi"]))
    if the_policy["socket_filter"]:
        landlock.install_socket_filter()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grading.confine",
                                     description="Confine this process, then exec COMMAND.")
    parser.add_argument("--policy", required=True, help="the policy, as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="print the policy's steps and exit")
    parser.add_argument("command", nargs="*", help="the command to exec (after --)")
    args = parser.parse_args(argv)
    the_policy = json.loads(args.policy)
    if args.explain:
        print("\n".join(explain(the_policy)))
        return 0
    if not args.command:
        parser.error("no command given after --")
    try:
        confine(the_policy)
    except (OSError, ValueError, KeyError) as error:
        print(f"course.grading.confine: refusing to start {args.command[0]}: {error}",
              file=sys.stderr)
        return REFUSED
    sys.stdout.flush()
    try:
        os.execvp(args.command[0], args.command)
    except OSError as error:
        print(f"course.grading.confine: cannot run {args.command[0]}: {error}", file=sys.stderr)
    return REFUSED


if __name__ == "__main__":
    sys.exit(main())
