"""The grader's own process stays small whatever a notebook sends it (issue 15, item 2).

Each bomb is lesson 01's correct notebook plus one hostile cell, graded by
``grade_submission`` in a fresh Python process whose peak resident memory and report size
are measured. The peak is ``VmHWM`` in ``/proc/self/status``: the grader alone, not the
kernel. (Not ``ru_maxrss``: Linux carries it over from the parent that forked the process,
here a pytest worker that may hold a gigabyte after the Keras tests.) The controls run the
same hostile cells in a plain nbclient client, to show each attack breaks the limit
without the bounds.

The bombs are sized to break the limits unbounded and no larger: a single message of
100 MiB or more (a 20 MiB exception name is one) also stalls the kernel for the cell's time
limit (ZeroMQ drops it after the kernel has sent it), which costs a minute and proves
nothing more.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import exercises

CORPUS = Path(__file__).parent / "corpus"
#: The full marks of corpus/self_contained.ipynb (lesson 01, every answer right).
FULL_MARKS = sum(e.points for e in exercises.for_lesson("01_logistic_regression_numpy"))
MiB = 2**20
GRADER_RSS_LIMIT = 1024 * MiB
REPORT_LIMIT = 5 * MiB

WIDGET_BOMB = """\
from comm import create_comm
_comm = create_comm(target_name="jupyter.widget",
                    data={{"state": {{"_model_module": "x", "_model_module_version": "1",
                                      "_model_name": "X"}}, "buffer_paths": [["b"]]}})
for _ in range({count}):
    _comm.send(data={{"method": "update", "state": {{}}, "buffer_paths": [["b"]]}},
               buffers=[bytes({size})])
"""
NAME_BOMB = """\
for _ in range(3):
    try:
        raise type("E" * {mib} * 2**20, (Exception,), {{}})("x" * {mib} * 2**20)
    except Exception as error:
        _last = error
raise _last
"""
BOMBS = {
    "widget_buffers": WIDGET_BOMB.format(count=32, size=40 * MiB),     # 1.25 GiB in all
    "exception_name": NAME_BOMB.format(mib=6),
    "four_million_names": "x = [" + "a," * 4_000_000 + "]",
}

MEASURE = """\
import json, sys
from course.grading import reports, sandbox
from course.grading.grader import grade_submission
from course.grading.limits import Limits
report = grade_submission(sys.argv[1], Limits(memory_mb=3072), confinement=sandbox.NONE)
reports.write_json(report, __import__("pathlib").Path(sys.argv[2]))
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"rss": peak * 1024,
                  "score": report["score"], "errors": report["notebook_errors"],
                  "error": report["error"]}))
"""


def bomb_notebook(tmp_path: Path, name: str, source: str) -> Path:
    notebook = nbformat.read(CORPUS / "self_contained.ipynb", as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell(source))
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def grade_measured(path: Path, report: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(report)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_the_grader_stays_under_1_gib_and_its_report_under_5_mib(tmp_path, bomb):
    path = bomb_notebook(tmp_path, bomb, BOMBS[bomb])
    measured = grade_measured(path, tmp_path / "report.json")
    assert measured["rss"] < GRADER_RSS_LIMIT, f"{measured['rss'] / MiB:.0f} MiB"
    assert (tmp_path / "report.json").stat().st_size < REPORT_LIMIT
    said = " ".join(measured["errors"]) + (measured["error"] or "")
    limit = {"widget_buffers": "MAX_MESSAGE_BYTES", "exception_name": "MAX_ERROR_CHARS",
             "four_million_names": "MAX_CODE_CHARS"}
    assert limit[bomb] in said, said[:2000]
    if bomb != "four_million_names":     # a bomb beside correct answers costs no points
        assert measured["score"] == FULL_MARKS


CONTROL = """\
import json, sys
import nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=300, allow_errors=True).execute()
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"rss": peak * 1024, "outputs": len(json.dumps(notebook.cells[0].outputs))}))
"""


@pytest.mark.parametrize("bomb", ["widget_buffers", "exception_name"])
def test_control_an_unbounded_client_breaks_the_limit(tmp_path, bomb):
    """Without the bounds, the widget bomb takes nbclient over 1 GiB, and the exception
    bomb's error alone is larger than a whole report may be."""
    cells = [nbformat.v4.new_code_cell(BOMBS[bomb])]
    path = tmp_path / "control.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    done = subprocess.run([sys.executable, "-c", CONTROL, str(path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if bomb == "widget_buffers":
        assert measured["rss"] > GRADER_RSS_LIMIT, f"{measured['rss'] / MiB:.0f} MiB"
    else:
        assert measured["outputs"] > REPORT_LIMIT, f"{measured['outputs'] / MiB:.1f} MiB"


def test_the_output_channel_refuses_a_message_over_64_mib_unread():
    """The grader's output channel (the kernel's iopub, here fed by a socket of our own)
    never hands a message part over ``MAX_SOCKET_MESSAGE_BYTES`` to Python; the control, a
    channel made without the bound, gets it whole.

    ZeroMQ closes the refusing connection and (measured here, libzmq 4.3) it does not come
    back: the channel stays silent. A kernel that sends such a message loses its own output
    and status messages; the grader still reads its results, which are files, and waits at
    most ``iopub_timeout`` per cell for a status that no longer comes."""
    import zmq
    from jupyter_client.manager import KernelManager

    from course.grading.bounded_client import MAX_SOCKET_MESSAGE_BYTES, BoundedClient

    manager = KernelManager()              # never started: only its ports are used
    manager.write_connection_file()
    plain = manager.client()               # the control, made as nbclient would
    bounded = BoundedClient(nbformat.v4.new_notebook(), km=manager).km.client()
    publisher = zmq.Context.instance().socket(zmq.PUB)
    publisher.bind(f"tcp://{manager.ip}:{manager.iopub_port}")
    channels = {"bounded": bounded.iopub_channel.socket, "plain": plain.iopub_channel.socket}
    received: dict[str, list[int]] = {"bounded": [], "plain": []}

    def receive(seconds: float) -> None:
        for name, socket in channels.items():
            while socket.poll(int(seconds * 1000)):
                received[name].append(max(map(len, socket.recv_multipart())))

    try:
        for _ in range(500):             # until both are subscribed
            publisher.send_multipart([b"ready"])
            receive(0.01)
            if all(received.values()):
                break
        assert all(received.values()), "the control: both channels are connected"
        huge = bytes(MAX_SOCKET_MESSAGE_BYTES + MiB)
        publisher.send_multipart([b"huge", huge])
        receive(3)
        assert len(huge) in received["plain"]
        assert max(received["bounded"]) == len(b"ready")       # the huge part never arrived
    finally:
        publisher.close(linger=0)
        for client in (bounded, plain):
            client.stop_channels()
        manager.cleanup_connection_file()
