"""Reading (never running) a submission's code to spot a function that hands its work off.

The course ships the reference implementation of every exercise (``course.logistic.sigmoid``
and friends) because later lessons build on them; ``course.exercises.forbidden_objects(exercise)``
lists, per exercise, the implementations a graded function may not use (the rule is written
in ``course.exercises._references``). This module looks, with :mod:`ast`, at the body of the
student's last definition of the function for a use of any of them:

* a name or an attribute path that *resolves* to one, whatever the spelling:
  ``from course.logistic import sigmoid as s`` then ``s(z)``; ``course.activations.sigmoid``;
  ``L.sigmoid`` after ``import course.logistic as L``; ``helper`` after ``helper =
  course.losses.binary_crossentropy`` in another cell. Names are resolved by importing the
  ``course`` modules the notebook imports, here in the trusted process, and following the
  attributes, so a re-export (``course.nn.Dense`` is ``course.layers.Dense``) is the same
  object;
* for a method (``Sequential._backward``): its class used in the function, or the method's
  name used as an attribute (``model._backward``) in a notebook that uses the class.

"In the function" includes the notebook's other functions that it calls (a helper that
builds a ``course.nn.Sequential``). What no reading sees, such as a public method reaching the
forbidden one (``model.predict`` on a model built in another cell runs
``Sequential._forward``), the grading kernel's course tree catches.

At run time the grading kernel's course tree has every forbidden implementation stubbed
(:mod:`course.grading.course_tree`); this static check catches a hand-off even on a path the
hidden cases do not reach, while the stubs catch what no reading can (``importlib``,
``getattr`` with built strings, threads).

The code is hostile, and reading it costs the grader memory and time in proportion to its
size (one cell of four million names took 5.7 GB and six minutes). So a notebook is read
only when :func:`check_size` passes (at most :data:`MAX_CODE_NODES` syntax-tree nodes, on
top of :data:`course.grading.submission.MAX_CODE_CHARS` characters; a lesson's solutions
have under 4,000 nodes), and every walk over the tree stops with :class:`StaticCheckLimit`
after :data:`MAX_CHECK_SECONDS`.

>>> from course import logistic
>>> code = "from course.logistic import sigmoid as s\\ndef sigmoid(z):\\n    return s(z)\\n"
>>> calls_reference([code], "sigmoid", [logistic.sigmoid])
'course.logistic.sigmoid'
>>> print(calls_reference(["def sigmoid(z):\\n    return 1 / (1 + np.exp(-z))\\n"], "sigmoid",
...                       [logistic.sigmoid]))
None
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import time
from collections import deque

from course.exercises import _feedback

#: Syntax-tree nodes a notebook's code may have (the largest lesson's solutions: ~4,000).
MAX_CODE_NODES = 50_000
#: Seconds one static check may take before it gives up (about 1 s at MAX_CODE_NODES).
MAX_CHECK_SECONDS = 20.0

# IPython syntax that is not Python: lines starting with these are blanked before parsing.
_MAGIC_PREFIXES = ("%", "!", "?")
_PACKAGE = "course"


def _parse(source: str):
    """Parse a cell's code, ignoring IPython magics; ``None`` if it cannot be parsed.

    Besides invalid Python, hostile code can make the parser itself fail (a sum of 200,000
    terms exhausts its recursion), so every failure means "nothing to read here".
    """
    lines = ["" if line.lstrip().startswith(_MAGIC_PREFIXES) else line
             for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class StaticCheckLimit(ValueError):
    """The code is too large or too slow to read; the message names the limit."""


def _walk(node, deadline: float):
    """``ast.walk(node)``, raising :class:`StaticCheckLimit` once ``deadline`` (a
    ``time.monotonic()`` value) has passed."""
    todo, count = deque([node]), 0
    while todo:
        node = todo.popleft()
        count += 1
        if count % 4096 == 0 and time.monotonic() > deadline:
            raise StaticCheckLimit(_feedback.submission_problem("slow_to_read",
                                                                seconds=MAX_CHECK_SECONDS))
        todo.extend(ast.iter_child_nodes(node))
        yield node


def check_size(sources: list[str]) -> None:
    """Raise :class:`StaticCheckLimit` when the code cells ``sources`` hold more than
    :data:`MAX_CODE_NODES` syntax-tree nodes (counting stops there)."""
    count = 0
    for tree in map(_parse, sources):
        for _ in ast.walk(tree) if tree is not None else ():
            count += 1
            if count > MAX_CODE_NODES:
                raise StaticCheckLimit(_feedback.submission_problem("too_many_nodes",
                                                                    limit=MAX_CODE_NODES))


def _course_module(name: str):
    """The module ``name`` if it is part of ``course`` and imports cleanly, else ``None``."""
    if name != _PACKAGE and not name.startswith(_PACKAGE + "."):
        return None
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def _attribute(owner, name: str):
    """``owner.name`` for a course module or class (a submodule is imported); else ``None``."""
    value = inspect.getattr_static(owner, name, None) if inspect.isclass(owner) else \
        vars(owner).get(name) if inspect.ismodule(owner) else None
    if value is None and inspect.ismodule(owner):
        value = _course_module(f"{owner.__name__}.{name}")
    return value


_IMPORT_CALLS = ("__import__", "import_module")


def _resolve(node, bindings: dict):
    """The course object an expression stands for, or ``None`` if it is not one we know.

    Understands names, attribute chains, and ``__import__("course...")`` /
    ``importlib.import_module("course...")`` with a constant name.
    """
    if isinstance(node, ast.Name):
        return bindings.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, bindings)
        return None if owner is None else _attribute(owner, node.attr)
    if isinstance(node, ast.Call) and len(node.args) == 1 and \
            isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name == "__import__":
            return _course_module(node.args[0].value.split(".")[0]) \
                if _course_module(node.args[0].value) else None
        if name == "import_module":
            return _course_module(node.args[0].value)
    return None


def _bindings(trees, deadline: float) -> dict:
    """Names bound, anywhere in the notebook, to ``course`` objects: by imports, and by plain
    assignments of a resolvable dotted name (``s = course.logistic.sigmoid``)."""
    bindings = {}
    for tree in trees:
        for node in _walk(tree, deadline):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module = _course_module(alias.name)
                    if module is not None and alias.asname:
                        bindings[alias.asname] = module
                    elif module is not None:
                        bindings[alias.name.split(".")[0]] = _course_module(_PACKAGE)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                module = _course_module(node.module)
                for alias in node.names if module is not None else ():
                    value = _attribute(module, alias.name)
                    if value is not None:
                        bindings[alias.asname or alias.name] = value
    for tree in trees:               # after the imports, whatever the order of the cells
        for node in _walk(tree, deadline):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                value = _resolve(node.value, bindings)
                if value is not None:
                    bindings[node.targets[0].id] = value
    return bindings


def _used_objects(node, bindings, deadline: float) -> list:
    """Every course object a name or attribute chain inside ``node`` resolves to."""
    used = [_resolve(child, bindings) for child in _walk(node, deadline)
            if isinstance(child, (ast.Name, ast.Attribute, ast.Call))]
    return [value for value in used if value is not None]


def _attribute_names(node, deadline: float) -> set:
    return {child.attr for child in _walk(node, deadline) if isinstance(child, ast.Attribute)}


def _owner(method):
    """The class that defines ``method`` (a function whose qualname is ``Class.name``)."""
    module = sys.modules.get(method.__module__)
    return vars(module).get(method.__qualname__.split(".")[0]) if module else None


def _reached(definitions: dict, name: str, deadline: float) -> list:
    """The definition of ``name`` and of every notebook function it calls, transitively."""
    reached, todo = {}, [name]
    while todo:
        current = todo.pop()
        if current in reached or current not in definitions:
            continue
        reached[current] = definitions[current]
        todo += [node.id for node in _walk(definitions[current], deadline)
                 if isinstance(node, ast.Name)]
    return list(reached.values())


def _name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def calls_reference(sources: list[str], function_name: str, forbidden) -> str | None:
    """Which forbidden implementation the last ``def function_name`` in ``sources`` uses,
    itself or through the notebook's other functions that it calls.

    Args:
        sources: the code cells of the notebook, in order.
        function_name: the student's function (the exercise id).
        forbidden: functions and methods it may not use (``forbidden_objects(exercise)``).

    Returns:
        The first one found, as ``"module.qualname"`` (``"course.nn.Sequential._backward"``),
        or ``None``. Also found when ``function_name`` is not defined but bound to one.
    """
    deadline = time.monotonic() + MAX_CHECK_SECONDS
    trees = [tree for tree in map(_parse, sources) if tree is not None]
    bindings = _bindings(trees, deadline)
    definitions = {}                       # the last definition of each notebook function
    for tree in trees:
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                definitions[node.name] = node
    if function_name not in definitions:
        bound = bindings.get(function_name)
        return next((_name(f) for f in forbidden if bound is f), None)
    for name in definitions:                # the notebook's own functions shadow imports...
        bindings.pop(name, None)
    body = ast.Module(body=_reached(definitions, function_name, deadline), type_ignores=[])
    bindings.update(_bindings([body], deadline))  # ...except imports inside the functions read
    used = _used_objects(body, bindings, deadline)
    in_notebook = list(bindings.values())
    in_notebook += [value for tree in trees for value in _used_objects(tree, bindings, deadline)]
    attributes = _attribute_names(body, deadline)
    for function in forbidden:
        if any(value is function for value in used):
            return _name(function)
        owner = _owner(function) if "." in function.__qualname__ else None
        if owner is None:
            continue
        if any(value is owner for value in used) or (
                function.__name__ in attributes and any(value is owner for value in in_notebook)):
            return _name(function)
    return None
