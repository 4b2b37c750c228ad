"""Plain values as JSON text: what crosses between a grading kernel and the trusted grader.

Both directions use this one codec: the trusted side sends a case's positional arguments,
the kernel sends back what the learner's function returned (and the arguments after the
call). :func:`encode` turns a Python value into JSON text *generically*: ``None``, booleans,
numbers, text, NumPy arrays and scalars (numbers or text), lists, tuples and dicts of them,
and any other object as its type name, a few of its plain attributes, and an optional
description (a model's layers and weights, see :mod:`course._kernel_call`). :func:`decode`
rebuilds plain Python values from that text, trusting nothing in it: every node is checked,
arrays are rebuilt from raw bytes of an allowed dtype only (never pickle), and an object comes
back as a :class:`Described` stand-in that carries its type's name and nothing callable.

Limits (one :class:`Limits`, the same on both sides) bound the depth, the number of nodes,
each text's length and the bytes of all arrays; what is past them is encoded as a *cut*
node, so a huge result is refused by its size, never read whole.

>>> import numpy as np
>>> back = decode(encode((np.arange(3.0), {"b": -1.5, "n": 3}, "relu", None)))
>>> back[0], back[1], back[2:]
(array([0., 1., 2.]), {'b': -1.5, 'n': 3}, ('relu', None))
>>> type(decode(encode(object()))).__name__
'object'
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass

import numpy as np

#: Array dtypes that may cross: booleans, integers, reals, complex numbers and text.
ARRAY_KINDS = "biufcU"


@dataclass(frozen=True)
class Limits:
    """How much one encoded value may hold."""

    depth: int = 12                   # containers inside containers
    nodes: int = 200_000              # values in all
    text_chars: int = 10_000          # characters of one text
    array_bytes: int = 16 * 2**20     # bytes of all arrays together
    attributes: int = 20              # plain attributes kept of an unknown object


LIMITS = Limits()
#: Bytes of encoded text the trusted side reads at most (arrays travel as base64).
MAX_TEXT_BYTES = 2 * LIMITS.array_bytes + 4 * 2**20


class WireError(ValueError):
    """Encoded text that is not what :func:`encode` writes (damaged, forged or too large)."""


class Described:
    """An object that was not plain data, as it came across: its type's name, some attributes.

    ``type(x).__name__`` is the original type's name, so messages such as "your function
    returned a Sequential" read as before; ``described`` holds the kernel's description of
    it (a model's layers and weights), or ``None``; ``cut`` says why a value was dropped.
    """

    described = None
    cut = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} described by the grading kernel>"


_TYPES: dict[str, type] = {}


def _described_type(name: str) -> type:
    """One stand-in class per type name (names are cut to an identifier of 60 characters)."""
    name = "".join(c for c in str(name)[:60] if c.isalnum() or c == "_") or "object"
    if name not in _TYPES:
        _TYPES[name] = type(name, (Described,), {})
    return _TYPES[name]


# -- encoding (either side) ---------------------------------------------------------------------
class _Encoder:
    def __init__(self, limits: Limits, describe):
        self.limits, self.describe = limits, describe
        self.nodes, self.array_bytes = 0, 0

    def cut(self, why: str) -> dict:
        return {"cut": why}

    def node(self, value, depth: int):
        self.nodes += 1
        if self.nodes > self.limits.nodes:
            return self.cut("too many values")
        if value is None or isinstance(value, bool):
            return value
        if type(value) is int:
            return value if -2**63 <= value < 2**63 else float(value)
        if type(value) is float:
            return value
        if type(value) is str:
            return value if len(value) <= self.limits.text_chars else self.cut("text too long")
        if isinstance(value, (np.ndarray, np.generic)):
            return self.array(value)
        if depth >= self.limits.depth:
            return self.cut("nested too deeply")
        if type(value) in (list, tuple):
            return {type(value).__name__: self.items(value, depth)}
        if type(value) is dict:
            return {"dict": self.items(value.items(), depth, pairs=True)}
        return self.object(value, depth)

    def items(self, values, depth: int, pairs: bool = False) -> list:
        """The nodes of a container's items; past the node limit, one cut node ends it."""
        nodes = []
        for item in values:
            if self.nodes >= self.limits.nodes:
                cut = self.cut("too many values")
                nodes.append([cut, cut] if pairs else cut)
                break
            nodes.append([self.node(item[0], depth + 1), self.node(item[1], depth + 1)]
                         if pairs else self.node(item, depth + 1))
        return nodes

    def array(self, value):
        array = np.asarray(value)
        if array.dtype.kind not in ARRAY_KINDS or array.dtype.byteorder == ">":
            return {"object": {"type": type(value).__name__, "attributes": {}}}
        self.array_bytes += array.nbytes
        if self.array_bytes > self.limits.array_bytes:
            return self.cut("arrays too large")
        data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
        kind = "scalar" if isinstance(value, np.generic) else "array"
        return {kind: {"dtype": array.dtype.str, "shape": list(array.shape), "data": data}}

    def object(self, value, depth: int):
        """Anything else: a description if the describer knows it, an array if NumPy can
        read it as numbers, else its type name and its plain attributes."""
        described = self.describe(value) if self.describe else None
        if described is not None:
            return {"object": {"type": type(value).__name__,
                               "described": self.node(described, depth + 1), "attributes": {}}}
        try:
            array = np.asarray(value)
        except Exception:
            array = None
        if array is not None and array.dtype.kind in "biufc" and array.dtype.byteorder != ">":
            return self.array(array)
        attributes = {}
        try:
            names = [n for n in vars(value) if isinstance(n, str) and not n.startswith("_")]
        except TypeError:
            names = []
        for name in names[:self.limits.attributes]:
            item = vars(value)[name]
            if item is None or isinstance(item, (bool, int, float, str, list, tuple, dict,
                                                 np.ndarray, np.generic)):
                attributes[name] = self.node(item, depth + 1)
        return {"object": {"type": type(value).__name__, "attributes": attributes}}


def to_tree(value, limits: Limits = LIMITS, describe=None):
    """``value`` as a JSON-ready tree (see the module). ``describe(obj)`` may return plain
    data that stands for an object (a model's layers and weights), or ``None``."""
    return _Encoder(limits, describe).node(value, 0)


def encode(value, limits: Limits = LIMITS, describe=None) -> str:
    """``value`` as JSON text: :func:`to_tree`, dumped."""
    return json.dumps(to_tree(value, limits, describe))


# -- decoding (the trusted side) ----------------------------------------------------------------
class _Decoder:
    def __init__(self, limits: Limits):
        self.limits, self.nodes, self.array_bytes = limits, 0, 0

    def value(self, node, depth: int):
        self.nodes += 1
        # an encoder's cut nodes come on top of its limit: at most one per container
        if self.nodes > 2 * self.limits.nodes or depth > self.limits.depth + 2:
            raise WireError("too many or too deeply nested values")
        if node is None or isinstance(node, (bool, int)):
            return node
        if isinstance(node, float):
            return node
        if isinstance(node, str):
            if len(node) > self.limits.text_chars:
                raise WireError("text too long")
            return node
        if not isinstance(node, dict) or len(node) != 1:
            raise WireError(f"unexpected node {type(node).__name__}")
        (tag, body), = node.items()
        if tag in ("list", "tuple") and isinstance(body, list):
            items = [self.value(item, depth + 1) for item in body]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and isinstance(body, list):
            return self.mapping(body, depth)
        if tag in ("array", "scalar") and isinstance(body, dict):
            array = self.array(body)
            return array[()] if tag == "scalar" else array
        if tag == "object" and isinstance(body, dict):
            return self.object(body, depth)
        if tag == "cut" and isinstance(body, str):
            stand_in = _described_type("cut")()
            stand_in.cut = body[:100]
            return stand_in
        raise WireError(f"unknown node {tag!r}")

    def mapping(self, pairs: list, depth: int) -> dict:
        result = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a dict entry is not a pair")
            key = self.value(pair[0], depth + 1)
            try:
                hash(key)
            except TypeError:
                continue
            result[key] = self.value(pair[1], depth + 1)
        return result

    def array(self, body: dict) -> np.ndarray:
        try:
            dtype = np.dtype(str(body["dtype"]))
            shape = tuple(int(d) for d in body["shape"])
            raw = base64.b64decode(str(body["data"]), validate=True)
        except (KeyError, TypeError, ValueError) as error:
            raise WireError(f"damaged array ({error})") from None
        if dtype.kind not in ARRAY_KINDS or dtype.byteorder == ">" or dtype.hasobject \
                or any(d < 0 for d in shape) or len(shape) > 32:
            raise WireError(f"array of dtype {dtype} or shape {shape} refused")
        self.array_bytes += len(raw)
        if self.array_bytes > self.limits.array_bytes or \
                math.prod(shape) * dtype.itemsize != len(raw):
            raise WireError("array bytes do not match its shape, or are too many")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def object(self, body: dict, depth: int) -> Described:
        stand_in = _described_type(body.get("type", "object"))()
        if "described" in body:
            stand_in.described = self.value(body["described"], depth + 1)
        attributes = body.get("attributes", {})
        if not isinstance(attributes, dict):
            raise WireError("attributes are not a mapping")
        for name, node in list(attributes.items())[:self.limits.attributes]:
            if isinstance(name, str) and name.isidentifier() and not name.startswith("_") \
                    and name not in ("described", "cut"):
                setattr(stand_in, name, self.value(node, depth + 1))
        return stand_in


def decode(text: str | bytes, limits: Limits = LIMITS):
    """The plain value encoded in ``text``; raises :class:`WireError` for anything else."""
    if len(text) > MAX_TEXT_BYTES:
        raise WireError("the encoded value is too large")
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise WireError(f"not JSON ({type(error).__name__})") from None
    return from_tree(tree, limits)


def from_tree(tree, limits: Limits = LIMITS):
    """The plain value of a tree made by :func:`to_tree` (and parsed from JSON)."""
    try:
        return _Decoder(limits).value(tree, 0)
    except RecursionError:
        raise WireError("nested too deeply") from None
