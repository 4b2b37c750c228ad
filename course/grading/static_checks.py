"""Reading (never running) a submission's code to spot a function that calls the reference.

The course ships the reference implementation of every exercise (``course.logistic.sigmoid``
and friends) because later lessons build on it. A graded function that merely calls it
earns nothing, so we look, with :mod:`ast`, at the body of the student's last definition of
the function for a use of the reference: a name imported from its module
(``from course.logistic import sigmoid as s``), or an attribute path that ends in it
(``course.logistic.sigmoid``, ``logistic.sigmoid``, ``L.sigmoid`` after
``import course.logistic as L``). The harness also watches at run time
(:mod:`course.grading.harness`); this static check catches it even when the call is on a
path the hidden cases do not reach.

>>> code = "from course.logistic import sigmoid as s\\ndef sigmoid(z):\\n    return s(z)\\n"
>>> calls_reference([code], "sigmoid", "course.logistic", "sigmoid")
True
>>> calls_reference(["def sigmoid(z):\\n    return 1 / (1 + np.exp(-z))\\n"], "sigmoid",
...                 "course.logistic", "sigmoid")
False
"""

from __future__ import annotations

import ast

# IPython syntax that is not Python: lines starting with these are blanked before parsing.
_MAGIC_PREFIXES = ("%", "!", "?")


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


def _dotted(node) -> str | None:
    """``a.b.c`` for an attribute chain on a name, else ``None``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _aliases(trees, module: str, name: str) -> tuple[set[str], set[str]]:
    """Names bound to the reference itself, and names bound to its module, by imports."""
    package = module.rpartition(".")[0]
    function_names, module_names = set(), {module}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if node.module == module and alias.name == name:
                        function_names.add(bound)
                    elif node.module == package and f"{package}.{alias.name}" == module:
                        module_names.add(bound)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == module and alias.asname:
                        module_names.add(alias.asname)
    return function_names, module_names


def calls_reference(sources: list[str], function_name: str, module: str, name: str) -> bool:
    """Whether the last ``def function_name`` in ``sources`` uses ``module.name``.

    Args:
        sources: the code cells of the notebook, in order.
        function_name: the student's function (the exercise id).
        module, name: where the reference lives, e.g. ``"course.logistic"``, ``"sigmoid"``.

    Also true when ``function_name`` is not defined but imported from ``module``.
    """
    trees = [tree for tree in map(_parse, sources) if tree is not None]
    function_names, module_names = _aliases(trees, module, name)
    definition = None
    for tree in trees:
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.name == function_name:
                definition = node
    if definition is None:
        return function_name in function_names
    for node in ast.walk(definition):
        if isinstance(node, ast.Name) and node.id in function_names:
            return True
        if isinstance(node, ast.Attribute) and node.attr == name:
            owner = node.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if _dotted(owner) in module_names or owner_name == module.split(".")[-1]:
                return True
        if isinstance(node, ast.ImportFrom) and node.module == module and \
                any(alias.name == name for alias in node.names):
            return True
    return False
