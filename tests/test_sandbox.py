"""The grading sandbox under attack (course/grading/sandbox.py, tests/corpus/attacks.py).

A class of two honest classmates and four attack notebooks is graded with ``course grade
--jobs 2``, once per kind of sandbox, as the instructor would, with a fake home folder that
holds a secret file, a secret in the grader's environment and a TCP listener on 127.0.0.1.
Each test asserts an observable the attacks must not achieve. The attack notebooks raise
"ATTACK SUCCEEDED" for whatever gets through, and they do succeed without a sandbox (see
``test_the_attacks_succeed_without_a_sandbox``), so these tests can fail.

A kind of sandbox the machine cannot make is skipped on a developer's machine, but fails
where ``COURSE_REQUIRE_SANDBOX=1`` (``.ci/run`` sets it): CI must exercise both.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from course import cli
from course import exercises
from course.grading import sandbox
from course.grading.runner import Limits, run_submission

CORPUS = Path(__file__).parent / "corpus"
LESSON_01_POINTS = sum(e.points for e in exercises.for_lesson("01_logistic_regression_numpy"))
ATTACKS = sorted(p.name for p in CORPUS.glob("attack_*.ipynb"))
CLASSMATES = ("classmate_ada.ipynb", "classmate_bob.ipynb")
SECRET = "the-instructor-secret-4f1d"
ORPHAN_TAG = "course_attack_orphan"
LEFT_BEHIND = "course-attack-left-behind"


def require(mode: str) -> sandbox.Confinement:
    """The confinement of ``mode``, or skip (fail when the sandbox is required)."""
    try:
        return sandbox.confinement(mode)
    except sandbox.SandboxUnavailable as error:
        if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but no {mode} sandbox: {error}")
        pytest.skip(f"no {mode} sandbox on this machine: {error}")


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in sorted(paths)}


def files_in(folder: Path) -> list[Path]:
    """Every file under ``folder`` (the reports, and the class report's figures folder)."""
    return [p for p in folder.rglob("*") if p.is_file()]


def orphans() -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if ORPHAN_TAG in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def left_behind() -> list[str]:
    """Files the write attack tried to leave where the whole machine would see them."""
    return [str(p) for folder in ("/tmp", "/dev/shm", "/var/tmp")
            for p in Path(folder).glob(LEFT_BEHIND)]


class Listener:
    """A TCP server on 127.0.0.1 in the port range the network attack scans; counts clients."""

    def __init__(self):
        self.connections = 0
        for port in range(47900, 48000):
            self.server = socket.socket()
            try:
                self.server.bind(("127.0.0.1", port))
                break
            except OSError:
                self.server.close()
        else:
            raise RuntimeError("no free port in 47900-47999")
        self.server.listen()
        self.server.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            client.close()

    def close(self):
        self.stopped.set()
        self.thread.join()
        self.server.close()


def grade_class(root: Path, notebooks: list[str], extra: list[str], jobs: int = 2) -> dict:
    """Grade copies of ``notebooks`` plus two classmates; everything the tests look at.

    While grading runs, a watcher notes for each report the moment it appears whether a
    process started by a submission is still alive.
    """
    submissions, out, home = root / "submissions", root / "grades", root / "home"
    for folder in (submissions, home):
        folder.mkdir()
    for name in notebooks:
        shutil.copy(CORPUS / name, submissions / name)
    for name in CLASSMATES:
        shutil.copy(CORPUS / "self_contained.ipynb", submissions / name)
    (home / "instructor_secret.txt").write_text(SECRET)
    package = sorted(sandbox.course_package().rglob("*.py"))
    before = {"package": digest(package),
              "classmates": digest(submissions / name for name in CLASSMATES)}
    for stale in left_behind():
        Path(stale).unlink()
    listener = Listener()
    # The grader's own matplotlib cache goes elsewhere: any file in the home is the attack's.
    env = dict(os.environ, HOME=str(home), COURSE_INSTRUCTOR_SECRET=SECRET,
               TF_CPP_MIN_LOG_LEVEL="2", MPLCONFIGDIR=str(root / "grader-matplotlib"))
    alive_at_report = {}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "course.cli", "grade", str(submissions), "--out", str(out),
             "--jobs", str(jobs), "--timeout", "30", "--format", "gradescope", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        while process.poll() is None:
            for report in out.glob("*.json"):
                if report.name not in alive_at_report and not report.name.endswith(
                        ".results.json"):
                    alive_at_report[report.name] = [p.pid for p in orphans()]
            time.sleep(0.05)
        stdout, stderr = process.communicate()
    finally:
        listener.close()
    written = digest(files_in(out))
    time.sleep(2)   # anything left running would now change the reports
    return {"returncode": process.returncode, "stdout": stdout, "stderr": stderr, "out": out,
            "before": before, "package": package, "home": home, "submissions": submissions,
            "connections": listener.connections, "alive_at_report": alive_at_report,
            "orphans": orphans(), "left_behind": left_behind(), "written": written,
            "written_later": digest(files_in(out))}


@pytest.fixture(scope="module", params=["bubblewrap", "landlock"])
def attacked(request, tmp_path_factory):
    """The class graded with the attacks, in each kind of sandbox (two at a time, except under
    Landlock, which refuses it: see ``test_landlock_refuses_to_grade_side_by_side``)."""
    confinement = require(request.param)
    run = grade_class(tmp_path_factory.mktemp(request.param), ATTACKS,
                      ["--sandbox", request.param],
                      jobs=1 if confinement.side_by_side_problem else 2)
    yield request.param, run
    for process in run["orphans"]:
        process.kill()


def report(run: dict, name: str) -> dict:
    return json.loads((run["out"] / f"{Path(name).stem}.json").read_text(encoding="utf-8"))


def test_the_run_succeeds_and_says_which_sandbox_protected_it(attacked):
    mode, run = attacked
    assert run["returncode"] == 0, run["stderr"][-2000:]
    assert f"Sandbox: {mode}" in run["stdout"]
    for name in [*ATTACKS, *CLASSMATES]:
        assert report(run, name)["sandbox"]["kind"] == mode
        results = json.loads((run["out"] / f"{Path(name).stem}.results.json").read_text())
        assert results["extra_data"]["sandbox"]["kind"] == mode
        assert f"sandbox: {mode}" in results["output"]


#: What each kind of sandbox is known to let through, and the protection it reports missing.
#: Landlock cannot hide /proc: same-user processes' environments stay readable there.
KNOWN_GAPS = {"bubblewrap": {}, "landlock": {
    "attack_read_secrets.ipynb": ("read the environment of process", "private_process_view")}}


def successes(report: dict) -> list[str]:
    """What an attack notebook says got through ("ATTACK SUCCEEDED: a; b" -> [a, b])."""
    return [what for line in report["notebook_errors"] if "ATTACK SUCCEEDED: " in line
            for what in line.split("ATTACK SUCCEEDED: ", 1)[1].split("; ")]


@pytest.mark.parametrize("name", ATTACKS)
def test_every_attack_is_refused_and_the_attacker_keeps_its_own_marks(attacked, name):
    mode, run = attacked
    got = report(run, name)
    through = successes(got)
    if name in KNOWN_GAPS[mode]:
        what, missing = KNOWN_GAPS[mode][name]
        assert missing in got["sandbox"]["missing"]
        through = [success for success in through if not success.startswith(what)]
    assert through == []
    assert got["score"] == got["max_score"] == LESSON_01_POINTS


def test_classmates_keep_full_marks_and_their_notebooks_are_untouched(attacked):
    _, run = attacked
    for name in CLASSMATES:
        got = report(run, name)
        assert got["score"] == LESSON_01_POINTS and not got.get("regraded_alone"), got
    assert digest(run["submissions"] / name for name in CLASSMATES) == \
        run["before"]["classmates"]


def test_the_installed_package_is_byte_identical(attacked):
    _, run = attacked
    assert digest(run["package"]) == run["before"]["package"]
    assert sorted(sandbox.course_package().rglob("*.py")) == run["package"]


def test_no_file_appears_outside_the_submissions_folder(attacked):
    _, run = attacked
    assert run["left_behind"] == []
    # (the grader itself may make an empty ~/.ipython; no file may appear)
    assert [p.name for p in run["home"].rglob("*") if not p.is_dir()] == \
        ["instructor_secret.txt"]
    import sysconfig
    for folder in (sysconfig.get_paths()["purelib"], sys.prefix, sys.base_prefix):
        assert not Path(folder, "course_attack.pth").exists()
    for home in (Path.home(), Path("/root")):
        assert not (home / ".ipython/profile_default/startup/00-course-attack.py").exists()


def test_no_process_started_by_a_submission_outlives_its_report(attacked):
    _, run = attacked
    assert "attack_processes.json" in run["alive_at_report"]
    assert run["alive_at_report"]["attack_processes.json"] == []
    assert run["orphans"] == []


def test_reports_and_grades_do_not_change_after_the_run(attacked):
    _, run = attacked
    assert run["written_later"] == run["written"]
    assert str(run["out"] / "grades.csv") in run["written"]


def test_the_listener_on_127_0_0_1_receives_no_connection(attacked):
    _, run = attacked
    assert run["connections"] == 0


def network_attack_reaches(create_connection) -> list[str]:
    """What the network attack's cell counts as reached, run here with ``create_connection``
    in place of ``socket.create_connection``."""
    sys.path.insert(0, str(CORPUS))
    try:
        import attacks
    finally:
        sys.path.remove(str(CORPUS))
    cell = {}
    exec(attacks.HELPERS, cell)
    cell["socket"] = type("Socket", (), {"create_connection": staticmethod(create_connection)})
    try:
        exec(attacks.NETWORK, cell)
    except RuntimeError:
        pass
    return cell["_succeeded"]


def self_connected(address, timeout=None) -> socket.socket:
    """A TCP socket connected to itself, as Linux's connect() now and then makes one when it
    picks the very port it dials as the source port (a "simultaneous open")."""
    client = socket.socket()
    client.bind(("127.0.0.1", 0))
    client.connect(("127.0.0.1", client.getsockname()[1]))
    return client


def test_the_network_attack_counts_a_listener_but_not_a_socket_connected_to_itself():
    """A sandboxed kernel once "connected to 127.0.0.1:47946" in CI with nothing listening:
    its socket had connected to itself. The attack must not call that a way out, and must
    still count a real listener."""
    assert network_attack_reaches(self_connected) == []
    listener = Listener()
    try:
        port = listener.server.getsockname()[1]
        assert f"connected to 127.0.0.1:{port}" in network_attack_reaches(
            socket.create_connection)
    finally:
        listener.close()
    assert listener.connections >= 1


def test_the_attacks_succeed_without_a_sandbox(tmp_path):
    """The control: unconfined, the same notebooks read, connect and signal (so the tests
    above can fail). The file-writing attack is left out: it would damage this checkout."""
    unsafe = ["attack_network.ipynb", "attack_processes.ipynb", "attack_read_secrets.ipynb"]
    run = grade_class(tmp_path, unsafe, ["--no-sandbox"])
    try:
        assert run["returncode"] == 0, run["stderr"][-2000:]
        assert "Sandbox: none" in run["stdout"]
        errors = {name: " ".join(successes(report(run, name))) for name in unsafe}
        assert "connected to 127.0.0.1" in errors["attack_network.ipynb"]
        assert run["connections"] >= 1
        assert "could signal process" in errors["attack_processes.ipynb"]
        assert "read classmate_" in errors["attack_read_secrets.ipynb"]
        assert "read a file in the home" in errors["attack_read_secrets.ipynb"]
        assert "read the environment of process" in errors["attack_read_secrets.ipynb"]
        assert run["orphans"]
    finally:
        for process in run["orphans"]:
            process.kill()


def tiny_notebook(*sources: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


@pytest.mark.parametrize("mode", ["bubblewrap", "landlock"])
def test_the_kernel_has_the_memory_limit_and_no_capabilities(mode):
    """RLIMIT_DATA is set before the sandbox starts, so a large allocation fails at once;
    a grader run as root (CI, Gradescope) lends the kernel none of its capabilities."""
    confinement = require(mode)
    run = run_submission(tiny_notebook(
        "import re\nstatus = open('/proc/self/status').read()\n"
        "held = re.findall(r'Cap(Inh|Prm|Eff|Amb):\\s+([0-9a-f]+)', status)\n"
        "if any(int(mask, 16) for _, mask in held) or 'NoNewPrivs:\\t1' not in status:\n"
        "    raise RuntimeError(f'capabilities held or regainable: {held}')",
        "import numpy as np\nblock = np.empty(3 * 2**30, dtype=np.uint8)"),
        [], Limits(cell_seconds=30, memory_mb=1024), confinement)
    assert run.sandbox["kind"] == mode
    assert run.kernel_problem is None
    assert not [line for line in run.cell_errors if "capabilities" in line], run.cell_errors
    assert any("MemoryError" in line for line in run.cell_errors), run.cell_errors


def test_course_grade_refuses_to_run_without_a_sandbox(tmp_path, monkeypatch, capsys):
    """Where neither namespaces nor Landlock exist, nothing is graded unless --no-sandbox."""
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "simulated: no namespaces")
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 0)
    shutil.copy(CORPUS / "correct.ipynb", tmp_path / "ada.ipynb")
    status = cli.main(["grade", str(tmp_path / "ada.ipynb"), "--out", str(tmp_path / "out")])
    message = capsys.readouterr().err
    assert status == 2
    assert "simulated: no namespaces" in message and "Landlock is not available" in message
    assert "--no-sandbox" in message and "gradescope-bundle" in message
    assert not (tmp_path / "out").exists()


def test_the_landlock_fallback_names_what_it_does_not_protect():
    """Protections follow the ABI actually present: truncation is controlled from ABI 3,
    signals from ABI 6; the socket filter blocks the network at every ABI; the host's Unix
    sockets stay reachable at every ABI."""
    protections, missing = sandbox.landlock_protections(2)
    assert {"read_only_system", "private_files", "signals_contained"} <= set(missing)
    assert "no_network" in protections
    protections, missing = sandbox.landlock_protections(3)
    assert {"read_only_system", "private_files"} <= set(protections)
    assert "signals_contained" in missing
    protections, missing = sandbox.landlock_protections(7)
    assert {"no_network", "signals_contained", "private_files"} <= set(protections)
    assert set(missing) == {"private_process_view", "sockets_contained"}


def test_the_sandbox_can_be_chosen_by_environment_variable(monkeypatch):
    require("landlock")
    monkeypatch.setenv("COURSE_SANDBOX", "landlock")
    assert sandbox.confinement().kind == "landlock"
    monkeypatch.setenv("COURSE_SANDBOX", "chroot")
    with pytest.raises(ValueError, match="chroot"):
        sandbox.confinement()


def test_a_confined_kernel_gets_none_of_the_graders_environment():
    env = sandbox.kernel_environment({"PATH": "/usr/bin", "AWS_SECRET_ACCESS_KEY": "k",
                                      "HOME": "/home/teacher", "TF_CPP_MIN_LOG_LEVEL": "2"},
                                     Path("/tmp/w"), "/tmp", None)
    assert "AWS_SECRET_ACCESS_KEY" not in env and env["HOME"] == "/tmp/w"
    assert env["PATH"] == "/usr/bin" and env["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_the_gradescope_autograder_records_the_sandbox_it_used(tmp_path):
    from course.grading import gradescope
    expected = gradescope.container_confinement(tmp_path).kind
    if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
        assert expected != "none"
    (tmp_path / "submission").mkdir()
    shutil.copy(CORPUS / "self_contained.ipynb", tmp_path / "submission" / "ada.ipynb")
    assert gradescope.main(["--root", str(tmp_path), "--lesson",
                            "01_logistic_regression_numpy"]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == LESSON_01_POINTS
    assert results["extra_data"]["sandbox"]["kind"] == expected
    assert f"sandbox: {expected}" in results["output"]


def test_a_container_without_any_sandbox_is_graded_and_says_so(tmp_path, monkeypatch):
    """Gradescope gives each submission a container of its own: there, no sandbox is noted."""
    from course.grading import gradescope
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "simulated: no namespaces")
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 0)
    confinement = gradescope.container_confinement(tmp_path)
    assert confinement.kind == "none" and "simulated: no namespaces" in confinement.note
    assert set(confinement.missing) == set(sandbox.PROTECTIONS)


def test_hidden_folders_inside_readable_ones_are_covered_by_an_empty_folder(tmp_path):
    require("bubblewrap")
    inside = Path(sys.prefix).resolve() / "submissions"
    argv = sandbox.bwrap_argv(["true"], tmp_path, hidden=[str(inside), str(tmp_path / "out")])
    pairs = list(zip(argv, argv[1:]))
    assert ("--tmpfs", str(inside)) in pairs
    assert ("--tmpfs", str(tmp_path / "out")) not in pairs   # never mounted in the first place
    assert ("--cap-drop", "ALL") in pairs and "--unshare-net" in argv
    assert argv[argv.index("--") + 1:] == ["true"]


def test_a_course_checkout_under_tmp_stays_readable_inside_the_private_tmp(tmp_path, monkeypatch):
    """CI clones the course into a temporary folder: its package and virtualenv may lie under
    /tmp, which the sandbox replaces by an empty one. They must be bound on top of it."""
    require("bubblewrap")
    checkout = tmp_path / "clone" / "course"
    checkout.mkdir(parents=True)
    monkeypatch.setattr(sandbox, "course_package", lambda: checkout)
    argv = sandbox.bwrap_argv(["true"], tmp_path / "work")
    pairs = list(zip(argv, argv[1:]))
    assert ("--ro-bind", str(checkout)) in pairs
    assert argv.index("/tmp") < argv.index(str(checkout))      # --tmpfs /tmp, then the bind
    listing = subprocess.run(sandbox.bwrap_argv(["ls", str(checkout.parent)], tmp_path),
                             capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0 and listing.stdout.split() == ["course"], listing.stderr


# -- matplotlib's font list (course/grading/sandbox.py: matplotlib_font_list) -------------------
#: A cell that says whether the kernel's matplotlib cache held a font list before matplotlib
#: loaded, and whether loading it wrote the list again.
FONT_LIST_PROBE = """\
import os, pathlib
cache = pathlib.Path(os.environ["MPLCONFIGDIR"])
def lists():
    return {p.name: p.stat().st_mtime_ns for p in cache.glob("fontlist-*.json")}
before = lists() if cache.is_dir() else {}
from matplotlib import font_manager
font_manager.fontManager
raise RuntimeError(f"ready={sorted(before)} built={lists() != before}")
"""


@pytest.mark.parametrize("mode", ["bubblewrap", "landlock"])
def test_a_kernel_starts_with_the_graders_font_list_and_does_not_build_one(mode, monkeypatch):
    """Building matplotlib's font list took 0.1-0.5 s of CPU at every kernel's start: each kernel
    gets a copy of the grader's. The control: without the copy, the kernel builds its own."""
    from course.grading.grader import grade_notebook

    confinement = require(mode)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FONT_LIST_PROBE)])

    def probe() -> list[str]:
        return grade_notebook(notebook, "01_logistic_regression_numpy", Limits(), seed=0,
                              confinement=confinement)["notebook_errors"]

    name = sandbox.matplotlib_font_list().name
    assert probe() == [f"code cell 1: RuntimeError: ready=['{name}'] built=False"]
    monkeypatch.setattr(sandbox, "matplotlib_font_list", lambda: None)
    assert probe() == ["code cell 1: RuntimeError: ready=[] built=True"]


def test_a_font_list_naming_a_font_the_sandbox_hides_is_not_given(tmp_path):
    ours = {"ttflist": [{"fname": "fonts/ttf/DejaVuSans.ttf"}],
            "afmlist": [{"fname": "/usr/share/fonts/type1/a.afm"}]}
    assert sandbox.only_readable_fonts(ours)
    in_home = str(tmp_path / "home" / ".fonts" / "Secret.ttf")
    assert not sandbox.only_readable_fonts({**ours, "ttflist": [{"fname": in_home}]})


# -- the exec wrapper, the socket filter and Landlock (course/grading/confine.py, landlock.py) --
ATTACK_SOCKETS = r"""
import socket, sys
port, unix_path = int(sys.argv[1]), sys.argv[2]
reached = []
def attempt(name, family, kind, protocol, address):
    try:
        with socket.socket(family, kind, protocol) as s:
            s.settimeout(2)
            s.connect(address)
            if family == socket.AF_UNIX or s.getsockname() != s.getpeername():
                reached.append(name)       # not a TCP socket that connected to itself
    except OSError:
        pass
attempt("mptcp", socket.AF_INET, socket.SOCK_STREAM, 262, ("127.0.0.1", port))
attempt("tcp", socket.AF_INET, socket.SOCK_STREAM, 0, ("127.0.0.1", port))
try:                                   # a UDP socket (its connect() proves nothing)
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
    reached.append("udp socket")
except OSError:
    pass
attempt("unix", socket.AF_UNIX, socket.SOCK_STREAM, 0, unix_path)
print(",".join(reached))
"""


class UnixListener:
    """A path-based Unix socket outside the sandbox (like another kernel's channel)."""

    def __init__(self, folder: Path):
        self.path = str(folder / "kernel-1")
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(self.path)
        self.server.listen()

    def close(self):
        self.server.close()


def run_wrapped(policy: dict, code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    from course.grading import confine
    return subprocess.run(confine.wrapper_argv(policy, [sys.executable, "-c", code, *args]),
                          capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.fixture
def listeners(tmp_path):
    """An MPTCP listener on 127.0.0.1 (it accepts plain TCP too) and a Unix socket outside
    the sandbox: ``(port, socket path)``."""
    try:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    except OSError:
        pytest.fail("MPTCP is not enabled here (net.mptcp.enabled): the control cannot run")
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    unix = UnixListener(tmp_path)
    yield server.getsockname()[1], unix.path
    server.close()
    unix.close()


def landlock_policy(workdir: Path, **changes) -> dict:
    from course.grading.limits import Limits
    confinement = require("landlock")
    policy = sandbox.wrapper_policy(confinement, workdir, Limits(), None)
    policy.update(changes)
    return policy


def test_the_socket_filter_refuses_mptcp_udp_and_tcp_under_landlock(tmp_path, listeners):
    """Landlock's TCP rules do not cover MPTCP (protocol 262) nor UDP: the seccomp filter
    refuses every socket but Unix stream sockets. Control: the same policy without the
    filter reaches the MPTCP listener on 127.0.0.1."""
    port, unix_path = listeners
    work = tmp_path / "work"
    work.mkdir()
    control = run_wrapped(landlock_policy(work, socket_filter=False), ATTACK_SOCKETS,
                          str(port), unix_path, cwd=work)
    assert control.returncode == 0, control.stderr
    assert "mptcp" in control.stdout.split(",")
    attacked = run_wrapped(landlock_policy(work), ATTACK_SOCKETS, str(port), unix_path,
                           cwd=work)
    assert attacked.returncode == 0, attacked.stderr
    reached = attacked.stdout.strip().split(",")
    assert not {"mptcp", "tcp", "udp socket"} & set(reached)


def test_under_landlock_another_kernels_unix_socket_stays_reachable_so_jobs_are_refused(
        tmp_path, listeners, capsys):
    """What Landlock cannot close, measured, and the consequence: ``--jobs 2`` is refused and
    the report names the gap."""
    port, unix_path = listeners
    work = tmp_path / "work"
    work.mkdir()
    attacked = run_wrapped(landlock_policy(work), ATTACK_SOCKETS, str(port), unix_path, cwd=work)
    assert attacked.stdout.strip().split(",") == ["unix"], attacked.stderr
    confinement = sandbox.confinement("landlock")
    assert "sockets_contained" in confinement.missing
    shutil.copy(CORPUS / "correct.ipynb", tmp_path / "ada.ipynb")
    status = cli.main(["grade", str(tmp_path / "ada.ipynb"), "--out", str(tmp_path / "out"),
                       "--sandbox", "landlock", "--jobs", "2"])
    assert status == 2
    assert "--jobs 2 refused" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_under_bubblewrap_another_kernels_unix_socket_is_not_reachable(tmp_path, listeners):
    """The socket is not even mounted inside, and the network namespace is empty (a UDP
    socket can be made, with nothing to reach). Control: without a sandbox the same
    notebook reaches the Unix socket, and MPTCP and TCP on 127.0.0.1."""
    port, unix_path = listeners
    require("bubblewrap")
    for confinement, expected in ((sandbox.NONE, ["mptcp", "tcp", "udp socket", "unix"]),
                                  (sandbox.confinement("bubblewrap"), ["udp socket"])):
        cell = (f"import subprocess, sys\nout = subprocess.run([sys.executable, '-c', "
                f"{ATTACK_SOCKETS!r}, '{port}', '{unix_path}'], capture_output=True, "
                f"text=True).stdout.strip()\nraise RuntimeError('REACHED ' + out)")
        run = run_submission(tiny_notebook(cell), [], Limits(cell_seconds=30), confinement)
        line = next(line for line in run.cell_errors if "REACHED" in line)
        assert line.split("REACHED ", 1)[1].split(",") == expected, run.cell_errors


def test_the_wrapper_fails_closed_when_a_step_fails(tmp_path):
    """A Landlock rule the kernel cannot add (a bogus right), or a control group that cannot
    be joined, stops the wrapper before the command runs."""
    require("landlock")
    from course.grading import confine
    marker = tmp_path / "ran"
    touch = f"open({str(marker)!r}, 'w').close()"
    bad_rule = landlock_policy(tmp_path)
    bad_rule["landlock"]["rules"].append(["/usr", 1 << 40])
    bad_group = confine.policy(parent=os.getpid(), cgroup_procs=[str(tmp_path / "no/such")])
    for policy in (bad_rule, bad_group):
        result = run_wrapped(policy, touch, cwd=tmp_path)
        assert result.returncode == confine.REFUSED and "refusing" in result.stderr
        assert not marker.exists()
    assert run_wrapped(confine.policy(parent=os.getpid()), touch, cwd=tmp_path).returncode == 0
    assert marker.exists()                       # the control: the same command does run


def test_the_wrapper_policy_can_be_printed(tmp_path):
    require("landlock")
    from course.grading import confine
    shown = subprocess.run(confine.wrapper_argv(landlock_policy(tmp_path), ["true"])[:-2]
                           + ["--explain"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "drop every capability" in shown.stdout and "seccomp" in shown.stdout
    assert f"{tmp_path}: EXECUTE, WRITE_FILE" in shown.stdout


def test_landlock_hides_a_folder_inside_a_readable_one(tmp_path):
    """Landlock rules only add rights: a hidden folder inside a readable one is carved out by
    granting its siblings one by one. Control: without ``hidden``, the file is read."""
    require("landlock")
    readable = tmp_path / "readable"
    (readable / "submissions").mkdir(parents=True)
    (readable / "submissions" / "bob.ipynb").write_text(SECRET)
    (readable / "public.txt").write_text("public")
    work = tmp_path / "work"
    work.mkdir()
    read = ("import sys\nfor p in sys.argv[1:]:\n    try:\n        print(open(p).read())\n"
            "    except OSError:\n        print('denied')")
    files = [str(readable / "submissions" / "bob.ipynb"), str(readable / "public.txt")]
    for hidden, expected in (([], [SECRET, "public"]),
                             ([str(readable / "submissions")], ["denied", "public"])):
        policy = landlock_policy(work)
        policy["landlock"]["rules"] += sandbox.landlock.path_rules(
            [str(readable)], [], {}, hidden, policy["landlock"]["abi"])
        result = run_wrapped(policy, read, *files, cwd=work)
        assert result.stdout.split() == expected, result.stderr


# -- stale runs (course/grading/resources.py: clean_stale_runs) ----------------------------------
def start_grading(root: Path, name: str, mode: str) -> subprocess.Popen:
    """``course grade`` of one notebook that sleeps, in a session of its own, with its
    temporary folders in ``root/tmp``; returns once its kernel's work folder exists and its
    pool's semaphores are mapped (what a killed run leaves behind)."""
    (root / name).mkdir()
    notebook = nbformat.read(CORPUS / "correct.ipynb", as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    nbformat.write(notebook, root / name / "a.ipynb")
    env = dict(os.environ, TMPDIR=str(root / "tmp"), TF_CPP_MIN_LOG_LEVEL="2")
    before = set((root / "tmp").glob("course-grade-*.lock"))
    process = subprocess.Popen(
        [sys.executable, "-m", "course.cli", "grade", str(root / name / "a.ipynb"), "--out",
         str(root / f"{name}-out"), "--sandbox", mode, "--timeout", "200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    for _ in range(1200):
        new = set((root / "tmp").glob("course-grade-*.lock")) - before
        # a run's course trees hold locks too (course-grade-tree-*): wait for the work folder
        if (any(Path(str(lock)[:-len(".lock")], "kernel.json").exists() for lock in new)
                and semaphores_of_group(process.pid)):
            return process
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{name}: no work folder appeared")


def semaphores() -> set[str]:
    return {p.name for p in Path("/dev/shm").glob("sem.mp-*")}


def semaphores_of_group(group: int) -> set[str]:
    """The semaphores the processes of process group ``group`` map (by file: the process
    that made one maps it under glibc's temporary name). Not every new semaphore: other
    grading runs of the test session make theirs at the same time."""
    from course.grading import resources
    mapped = set()
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == group:
                maps = Path(f"/proc/{process.pid}/maps").read_text()
                mapped |= resources.files_mapped_in(maps, Path("/dev/shm"))
        except (OSError, psutil.Error):
            continue
    found = set()
    for path in Path("/dev/shm").glob("sem.mp-*"):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if (info.st_dev, info.st_ino) in mapped:
            found.add(path.name)
    return found


def test_a_starting_pools_semaphores_survive_another_runs_clean(tmp_path):
    """A pool maps its semaphores under glibc's temporary name, so no memory map names them
    (the control) until its worker opens them. Another run's clean at that moment must leave
    them, or the worker dies as it starts and a submission is not graded (found under
    ``--jobs 2`` in the test suite: the lone regrade's pool lost its semaphores)."""
    from course.grading import resources
    before = semaphores()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        mine = semaphores() - before
        assert mine, "the pool made no named semaphore"
        maps = Path("/proc/self/maps").read_text()
        assert not any(name in maps for name in mine), "the control: mapped by name"
        resources.clean_stale_runs(tmp_path)
        assert mine <= semaphores()
        assert pool.submit(abs, -1).result(timeout=120) == 1


@pytest.mark.parametrize("mode", ["bubblewrap", "landlock"])
def test_a_killed_runs_folders_and_semaphores_are_cleaned_at_the_next_start(tmp_path, mode):
    """A grader killed with SIGKILL leaves its work folder (with its tmpfs and control group)
    and its pool's semaphores: the control. The next start removes them, and leaves a live
    run's alone."""
    from course.grading import resources
    require(mode)
    (tmp_path / "tmp").mkdir()
    shm_before = semaphores()
    killed = start_grading(tmp_path, "killed", mode)
    killed_semaphores = semaphores_of_group(killed.pid)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    left = sorted(p for p in (tmp_path / "tmp").glob("course-grade-*") if p.is_dir())
    left_semaphores = killed_semaphores & semaphores()
    assert left and left_semaphores, "the control: a killed run leaves these behind"
    live = start_grading(tmp_path, "live", mode)       # the next start cleans
    try:
        assert not any(p.exists() for p in left)
        assert not any(Path(f"{p}.lock").exists() for p in left)
        assert not left_semaphores & semaphores()
        mounted = Path("/proc/self/mountinfo").read_text()
        assert not any(f" {p} " in mounted for p in left)
        live_folders = sorted(p for p in (tmp_path / "tmp").glob("course-grade-*")
                              if p.is_dir())
        live_semaphores = semaphores() - shm_before
        assert live_folders and live_semaphores
        assert resources.clean_stale_runs(tmp_path / "tmp") == []   # a live run is kept
        assert all(p.is_dir() for p in live_folders)
        assert any((p / "kernel.json").exists() for p in live_folders)   # the work folder
        assert live_semaphores <= semaphores()
    finally:
        os.killpg(live.pid, signal.SIGKILL)
        live.wait()
        for _ in range(100):       # the workers die a moment after the main process
            resources.clean_stale_runs(tmp_path / "tmp")
            if not list((tmp_path / "tmp").glob("course-grade-*")):
                break
            time.sleep(0.1)
        resources.clean_stale_runs(tmp_path / "tmp")
