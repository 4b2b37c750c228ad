"""What crosses between the student's kernel and the trusted grader, and how.

This module alone knows the files' format; the harness (in the kernel), the runner and the
grader (trusted) only call it. Two kinds of file cross the boundary, both plain data:

* **cases**, written by the trusted process and read in the kernel: one ``.npz`` per
  exercise holding every hidden case (:func:`write_cases`, :meth:`KernelSide.read_cases`);
* **a result**, written in the kernel for one case and read by the trusted process:
  ``<stem>.npz`` with the result's parts as plain arrays (float64 numbers or text) and
  ``<stem>.json`` with the case's :class:`Status`, a few facts about the call and an
  HMAC-SHA256 signature of both under a key that only the grader's own cell carried
  (:meth:`KernelSide.write_result`, :func:`read_result`). The JSON is written last: its
  presence means the result is complete.

The trusted side reads with ``allow_pickle=False``, refuses files larger than
:data:`MAX_RESULT_BYTES` / :data:`MAX_STATUS_BYTES`, refuses anything not signed with the
run's key, and keeps only known statuses, text, booleans, numbers and float/text arrays.

>>> cases = [{"X": np.arange(6.0).reshape(2, 3), "b": -1.5, "n": 3, "g": "relu"}]
>>> back = decode_cases(encode_cases(cases))[0]
>>> list(back), back["b"], back["n"], back["g"]
(['X', 'b', 'n', 'g'], -1.5, 3, 'relu')
"""

from __future__ import annotations

import builtins
import enum
import hashlib
import hmac
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: A result's arrays larger than this are refused (a student returning a 10-GB array).
MAX_RESULT_BYTES = 64 * 2**20
#: A result's JSON larger than this is refused (it holds one short status).
MAX_STATUS_BYTES = 2**20
#: Messages longer than this are cut (a student's exception text can be anything).
MAX_MESSAGE_CHARS = 300
#: Entry of a cases file holding, per case, the argument names in order and their kinds.
SCHEMA_ENTRY = "__schema__"


class Status(str, enum.Enum):
    """What happened to one case. The first four can be scored; the others cannot."""

    OK = "ok"                            # the function returned plain data
    MISSING = "missing"                  # no function of that name in the notebook
    NOT_IMPLEMENTED = "not_implemented"  # the function is still the stub
    ERROR = "error"                      # it raised, or returned something not plain data
    TIMEOUT = "timeout"                  # it did not return within the per-case time limit
    BACKGROUND = "background"            # threads or processes of the notebook were running
    HARNESS_ERROR = "harness_error"      # the grader's helper could not call the function
    NO_RESULT = "no_result"              # no result file came back (removed, or never written)
    FORGED = "forged"                    # a result not signed with this run's key
    UNREADABLE = "unreadable"            # a damaged result, or one with pickled objects
    TOO_LARGE = "too_large"              # a result larger than the limits above

    @property
    def scorable(self) -> bool:
        """True when the exercise can compare this case's outcome with the answer."""
        return self in (Status.OK, Status.MISSING, Status.NOT_IMPLEMENTED, Status.ERROR)


@dataclass(frozen=True)
class Outcome:
    """One case's result as the trusted process read it back.

    ``outputs`` maps each part name to a float64 or text array (only with ``Status.OK``);
    ``message`` is the error text; ``seconds`` the call's duration as the kernel measured
    it; ``called_reference`` / ``tampered`` what the harness's call watcher saw.
    """

    status: Status
    message: str = ""
    seconds: float = 0.0
    called_reference: bool = False
    tampered: bool = False
    outputs: dict = field(default_factory=dict)


# -- cases: trusted process -> kernel ----------------------------------------------------------
_KINDS = {"bool": bool, "int": int, "float": float, "str": str}


def _kind(value) -> str:
    """The kind recorded for one argument (arrays stay arrays, scalars become Python types)."""
    for kind, types in (("bool", (bool, np.bool_)), ("int", (int, np.integer)),
                        ("float", (float, np.floating)), ("str", (str,))):
        if isinstance(value, types):
            return kind
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return "array"
    raise TypeError(f"a case argument must be an array of numbers, a number or text; "
                    f"got {type(value).__name__}")


def encode_cases(cases: list[dict]) -> dict[str, np.ndarray]:
    """Flatten cases (dicts of arrays, numbers, text) into arrays for ``numpy.savez``.

    The entry ``f"{index}:{name}"`` holds one argument; :data:`SCHEMA_ENTRY` the order of
    the arguments and their kinds, so that :func:`decode_cases` gives back exactly ``cases``.
    """
    arrays, schema = {}, []
    for index, case in enumerate(cases):
        schema.append([[name, _kind(value)] for name, value in case.items()])
        arrays.update({f"{index}:{name}": np.asarray(value) for name, value in case.items()})
    arrays[SCHEMA_ENTRY] = np.array(json.dumps(schema))
    return arrays


def decode_cases(arrays) -> list[dict]:
    """Rebuild the cases written by :func:`encode_cases` (scalars as Python types)."""
    schema = json.loads(str(arrays[SCHEMA_ENTRY]))
    return [{name: np.array(arrays[f"{index}:{name}"]) if kind == "array"
             else _KINDS[kind](arrays[f"{index}:{name}"][()])
             for name, kind in names}
            for index, names in enumerate(schema)]


def write_cases(path: Path, cases: list[dict]) -> None:
    """Write the hidden cases of one exercise to ``path`` (an ``.npz``)."""
    np.savez(path, **encode_cases(cases))


# -- results: kernel -> trusted process --------------------------------------------------------
def sign(key: str, archive: bytes, status_text: str, _new=hmac.new, _sha256=hashlib.sha256,
         _encode=str.encode) -> str:
    """HMAC-SHA256 of a result (its ``.npz`` bytes and its JSON status) under ``key``.

    The tools are bound when this module is imported (in the grader's preamble, before any
    student cell), so replacing ``hmac.new`` later changes nothing.

    >>> sign("k", b"npz", "{}") == sign("k", b"npz", "{}") != sign("k", b"npz", "[]")
    True
    """
    message = archive + b"\n" + _encode(status_text, "utf-8")
    return _new(_encode(key, "ascii"), message, _sha256).hexdigest()


class KernelSide:
    """The protocol as the harness uses it inside the student's kernel.

    Made in the grader's preamble, before any student cell runs: it keeps its own references
    to every function it needs, so a notebook that later replaces ``numpy.load``,
    ``numpy.savez``, ``builtins.open``, ``json.dumps`` or this module's ``sign`` does not
    change how cases are read or results written.
    """

    def __init__(self):
        self._load, self._savez, self._asarray = np.load, np.savez, np.asarray
        self._dumps, self._open, self._bytes_io = json.dumps, builtins.open, io.BytesIO
        self._decode, self._sign = decode_cases, sign

    def read_cases(self, path: str) -> list[dict]:
        """The cases the trusted process wrote to ``path``."""
        with self._load(path, allow_pickle=False) as stored:
            return self._decode({name: stored[name] for name in stored.files})

    def plain_outputs(self, result: dict) -> dict:
        """``result`` (part name -> value) as arrays; raises ``TypeError`` for anything that
        is not float64 numbers or text."""
        arrays = {}
        for name, value in result.items():
            array = self._asarray(value)
            if array.dtype.kind not in "fU":
                raise TypeError(f"result part {name!r} is not plain data")
            arrays[name] = array
        return arrays

    def write_result(self, stem: str, key: str, status: Status, outputs: dict | None = None,
                     **facts) -> None:
        """Write one case's result to ``stem.npz`` and ``stem.json``, signed with ``key``.

        ``facts`` are ``message``, ``seconds``, ``called_reference``, ``tampered``.
        """
        buffer = self._bytes_io()
        self._savez(buffer, **(outputs or {}))
        archive = buffer.getvalue()
        text = self._dumps({"status": status.value, **facts})
        with self._open(stem + ".npz", "wb") as handle:
            handle.write(archive)
        with self._open(stem + ".json", "w", encoding="utf-8") as handle:
            handle.write(self._dumps({"result": text, "signature": self._sign(key, archive,
                                                                              text)}))


def read_result(stem: Path, key: str) -> Outcome:
    """Read back one case's result, trusting nothing in it.

    A missing, oversized, unsigned or damaged result becomes an :class:`Outcome` whose
    status says so (``NO_RESULT``, ``TOO_LARGE``, ``FORGED``, ``UNREADABLE``).
    """
    status_path, array_path = stem.with_suffix(".json"), stem.with_suffix(".npz")
    if not status_path.is_file():
        return Outcome(Status.NO_RESULT)
    if status_path.stat().st_size > MAX_STATUS_BYTES or (
            array_path.is_file() and array_path.stat().st_size > MAX_RESULT_BYTES):
        return Outcome(Status.TOO_LARGE)
    try:
        envelope = json.loads(status_path.read_text(encoding="utf-8"))
        archive = array_path.read_bytes()
        text, signature = envelope["result"], envelope["signature"]
        if not hmac.compare_digest(str(signature), sign(key, archive, str(text))):
            return Outcome(Status.FORGED)
    except (OSError, ValueError, TypeError, KeyError):  # not what the harness writes
        return Outcome(Status.FORGED)
    try:
        return _outcome(json.loads(text), archive)
    except Exception:  # signed, yet not plain data: the student's own run is spoilt
        return Outcome(Status.UNREADABLE)


def _outcome(facts: dict, archive: bytes) -> Outcome:
    """Check the signed facts and arrays of one result field by field."""
    outputs = {}
    with np.load(io.BytesIO(archive), allow_pickle=False) as stored:
        for name in stored.files:
            value = stored[name]
            if value.dtype.kind not in "fU":
                raise ValueError(f"unexpected entry {name!r}")
            outputs[name] = value
    return Outcome(Status(facts["status"]), str(facts.get("message", ""))[:MAX_MESSAGE_CHARS],
                   float(facts.get("seconds", 0.0)), facts.get("called_reference") is True,
                   facts.get("tampered") is True, outputs)
