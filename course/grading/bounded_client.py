"""The grader's own end of the kernel connection, with a size limit on everything it keeps.

Every message a kernel sends is hostile data that lands in the grader's memory: a notebook
can print forever, send widget messages carrying 100 MiB buffers (nbclient keeps widget
state and base64-encodes every buffer: 3.5 to 5.4 GB of grader), or raise an exception whose
class name is 20 MiB long (it reached the reports 240 MiB at a time). The grader needs none
of it: scores come from result files, never from output. So :class:`BoundedClient`:

* asks ZeroMQ to refuse any output (iopub) message part larger than
  :data:`MAX_SOCKET_MESSAGE_BYTES` before it is read into Python, and watches for that
  happening. ZeroMQ closes the connection, and (measured with libzmq 4.3) it does not come
  back: the kernel's later output and status messages are lost too, so each later cell
  waits ``iopub_timeout`` for a status that never comes. Only that submission pays, and
  its results, which are files, are still read. The shell channel,
  which carries the replies the grader waits for, has no such limit: a refused reply would
  leave the grader waiting on a channel with no peer (measured: it hangs). A reply is read
  whole, so its size is bounded only by the kernel's memory limit, and cut right after.
  (The refusal is looked for with a ZeroMQ monitor; in the widget-bomb test the grader stayed
  at ~120 MiB but the monitor reported no disconnect, so that report line is not verified.);
* keeps no widget state and drops every comm (widget) message (the lessons' widgets send
  a few kB; only one larger than :data:`MAX_MESSAGE_BYTES` is reported);
* drops any other message but printed text larger than :data:`MAX_MESSAGE_BYTES`, and all
  output once the run has sent :data:`MAX_OUTPUT_BYTES`;
* cuts the ``ename``, ``evalue`` and ``traceback`` of error outputs and execute replies to
  :data:`MAX_ERROR_CHARS` characters (and :data:`MAX_TRACEBACK_LINES` lines).

:meth:`BoundedClient.limits_fired` names each limit that fired, once, for the report.
"""

from __future__ import annotations

import json

import zmq
from nbclient import NotebookClient
from zmq.utils.monitor import recv_monitor_message

from course.exercises import _feedback

#: Output kept from a whole notebook run, in bytes of text (the rest is dropped).
MAX_OUTPUT_BYTES = 16 * 2**20
#: A kernel message (content and buffers) larger than this is dropped unread.
MAX_MESSAGE_BYTES = 4 * 2**20
#: ZeroMQ refuses a message part larger than this before Python sees it.
MAX_SOCKET_MESSAGE_BYTES = 64 * 2**20
#: Characters kept of an exception's name, its message and each traceback line.
MAX_ERROR_CHARS = 1000
#: Traceback lines kept of one error.
MAX_TRACEBACK_LINES = 50


def message_bytes(msg: dict) -> int:
    """The size of a kernel message as received: its content's text plus its buffers."""
    content = msg.get("content", {})
    text = content.get("text") if isinstance(content, dict) else None
    size = len(text) if isinstance(text, str) else len(json.dumps(content, default=str))
    return size + sum(len(memoryview(buffer)) for buffer in msg.get("buffers") or ())


def bound_error(content: dict) -> bool:
    """Cut ``ename``, ``evalue`` and ``traceback`` of an error's ``content`` in place; True
    when anything was cut."""
    cut = False
    for key in ("ename", "evalue"):
        value = content.get(key)
        if isinstance(value, str) and len(value) > MAX_ERROR_CHARS:
            content[key], cut = value[:MAX_ERROR_CHARS] + " [...]", True
    traceback = content.get("traceback")
    if isinstance(traceback, list):
        kept = [str(line)[:MAX_ERROR_CHARS] for line in traceback[:MAX_TRACEBACK_LINES]]
        cut |= kept != traceback
        content["traceback"] = kept
    return cut


#: Each limit's value as the report states it (MB, or characters).
_STATED = {"output": MAX_OUTPUT_BYTES // 2**20, "message": MAX_MESSAGE_BYTES // 2**20,
           "socket": MAX_SOCKET_MESSAGE_BYTES // 2**20, "error": MAX_ERROR_CHARS}


class BoundedClient(NotebookClient):
    """A NotebookClient whose memory does not grow with what the kernel sends (see the module
    docstring). Status messages are always handled, so cells still finish."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("store_widget_state", False)
        super().__init__(*args, **kwargs)
        self.output_bytes = 0
        self._fired: dict[str, bool] = {}   # limit -> already reported
        self._monitors: list = []
        if self.km is not None:
            make_client = self.km.client

            def bounded_client(**options):
                client = make_client(**options)
                client.context.setsockopt(zmq.MAXMSGSIZE, MAX_SOCKET_MESSAGE_BYTES)
                client.iopub_channel      # made (and connected) now, with the limit
                client.context.setsockopt(zmq.MAXMSGSIZE, -1)
                return client

            self.km.client = bounded_client

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        monitor = client.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self._monitors.append(zmq.Socket.shadow(monitor.underlying))
        return client

    def _fire(self, limit: str) -> None:
        self._fired.setdefault(limit, False)

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if kind == "status":
            return super().process_message(msg, cell, cell_index)
        size = message_bytes(msg)
        too_large = size > MAX_MESSAGE_BYTES and kind != "stream"  # printing: the budget below
        if too_large:
            self._fire("message")
        if kind.startswith("comm") or too_large:
            return None
        self.output_bytes += size
        if self.output_bytes > MAX_OUTPUT_BYTES:
            self._fire("output")
            return None
        if kind == "error" and bound_error(msg["content"]):
            self._fire("error")
        return super().process_message(msg, cell, cell_index)

    async def _async_poll_for_reply(self, *args, **kwargs):
        reply = await super()._async_poll_for_reply(*args, **kwargs)
        if isinstance(reply.get("content"), dict) and bound_error(reply["content"]):
            self._fire("error")
        return reply

    def _socket_refusals(self) -> bool:
        """True when a channel was disconnected since the last look (ZeroMQ does that, and
        only that, when a message part exceeds MAXMSGSIZE)."""
        refused = False
        for monitor in self._monitors:
            while True:
                try:
                    event = recv_monitor_message(monitor, zmq.NOBLOCK)
                except (zmq.Again, zmq.ZMQError):
                    break
                refused |= event["event"] == zmq.EVENT_DISCONNECTED
        return refused

    def limits_fired(self) -> list[str]:
        """A sentence for each limit that fired since the last call (each limit once)."""
        if self._socket_refusals():
            self._fire("socket")
        new = [limit for limit, told in self._fired.items() if not told]
        self._fired.update(dict.fromkeys(new, True))
        return [_feedback.size_limit_fired(limit, _STATED[limit]) for limit in new]
