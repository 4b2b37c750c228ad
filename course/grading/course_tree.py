"""The ``course`` package a grading kernel imports: the course without its answers.

Nothing in a student's kernel can be kept from the student's code, so what must not be used
there is not put there. Once per ``course grade`` run and lesson, :func:`lay_out` copies the
installed package into a fresh, read-only folder, with three differences:

* no ``course/exercises/`` (the answer keys, the known mistakes, the learner-style answers)
  and no instructor tools (``grading``, ``cli``, ``authoring``, ``nbgrader_cells``);
* ``course/check.py`` is a stub whose every name is a function that does nothing, so a
  notebook's ``from course import check`` and its check cells still run, silently;
* every course implementation the lesson's exercises forbid
  (:func:`course.exercises.forbidden_objects`: ``course.logistic.sigmoid``,
  ``course.activations._sigmoid``, ``Sequential._forward``, ...) keeps its name and signature
  but its body only raises :class:`course._kernel_call.ReferenceWithheld`, whose message
  says why. A call into one fails from any thread, hook or trick, and the kernel reports it.

The tree holds byte-code (``__pycache__``) for every module: the installed package's, for
each module copied unchanged where it has current byte-code, and fresh byte-code for the
others (the rewritten ones, and any the installed package has none for): a kernel runs with
``PYTHONDONTWRITEBYTECODE`` in a read-only tree, and would otherwise compile every module it
imports again.

The sandbox (:mod:`course.grading.sandbox`, its ``course_tree`` parameter) then shows the
kernel this tree where the installed package would be, and not the installed package.
Everything else (data, plots, widgets, the rest of the mathematics) is the same code, so
the notebook's own cells run as they do for the learner.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import importlib.util
import os
import py_compile
import shutil
import stat
import tempfile
import time
from pathlib import Path

from course import exercises as registry
from course.exercises import _feedback
from course.grading import resources, sandbox

#: Start of a tree's folder name (under the temporary folder); a stale one left by a killed
#: run matches ``course-grade-*`` like the runner's work folders.
PREFIX = "course-grade-tree-"
#: Parts of the package a grading kernel never gets.
LEFT_OUT = ("exercises", "grading", "cli.py", "authoring.py", "nbgrader_cells.py",
            "__pycache__")

CHECK_STUB = '''"""course.check while a notebook is graded: checks do not run (the grader grades)."""


def _skipped(*args, **kwargs):
    return None


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _skipped
'''


def forbidden_in_lesson(lesson: str) -> list:
    """Every course function or method one of ``lesson``'s exercises may not hand work to.

    Finding them runs the course's own functions on the visible cases, Keras ones included;
    Keras writes ``keras.json`` into its home folder on first import, so that import is
    pointed at a throw-away folder, never at the instructor's ``~/.keras``.
    """
    found = []
    with _throwaway_keras_home():
        for exercise in registry.for_lesson(lesson):
            found += [f for f in registry.forbidden_objects(exercise) if f not in found]
    return found


@contextlib.contextmanager
def _throwaway_keras_home():
    """``KERAS_HOME`` set to a temporary folder (removed on leaving), unless already set."""
    if "KERAS_HOME" in os.environ:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="course-keras-home-") as folder:
        os.environ["KERAS_HOME"] = folder
        try:
            yield
        finally:
            del os.environ["KERAS_HOME"]


def _stub_body(name: str) -> list[ast.stmt]:
    message = _feedback.reference_withheld(name)
    return ast.parse("from course._kernel_call import ReferenceWithheld as _withheld\n"
                     f"raise _withheld({message!r})").body


class _Stubber(ast.NodeTransformer):
    """Replace the bodies of the functions named by ``qualnames`` (``"Dense.forward"``)."""

    def __init__(self, module: str, qualnames: set[str]):
        self.module, self.qualnames, self.scope, self.done = module, qualnames, [], set()

    def _visit_scope(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        qualname = ".".join(self.scope)
        self.scope.pop()
        if qualname in self.qualnames and not isinstance(node, ast.ClassDef):
            node.body = _stub_body(f"{self.module}.{qualname}")
            self.done.add(qualname)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_scope


def stubbed_source(source: str, module: str, qualnames: set[str]) -> str:
    """``source`` with the functions ``qualnames`` stubbed; raises if one is not found."""
    stubber = _Stubber(module, set(qualnames))
    tree = ast.fix_missing_locations(stubber.visit(ast.parse(source)))
    if stubber.done != set(qualnames):
        raise LookupError(f"{module}: could not find {sorted(set(qualnames) - stubber.done)}")
    return ast.unparse(tree) + "\n"


def _is_current(cached: Path, source: Path) -> bool:
    """Whether Python would run ``cached`` for ``source``: its header (magic number, flags 0,
    the source's modification time and size, PEP 552) matches ``source`` as it is now."""
    try:
        header = cached.read_bytes()[:16]
        status = source.stat()
    except OSError:
        return False
    return (len(header) == 16 and header[:4] == importlib.util.MAGIC_NUMBER
            and int.from_bytes(header[4:8], "little") == 0
            and int.from_bytes(header[8:12], "little") == int(status.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(header[12:16], "little") == status.st_size & 0xFFFFFFFF)


def _add_byte_code(package: Path, copy: Path, rewritten: set[Path]) -> None:
    """Byte-code for every module of ``copy`` (a copy of ``package``): the installed one
    where it is current, compiled here for the others (the modules in ``rewritten``, and
    those the installed package has no current byte-code for: an editable install run with
    ``PYTHONDONTWRITEBYTECODE`` has none).

    ``copytree`` keeps each source's modification time and size, which is what a cached
    file records, so an installed file current for its source is current for the copy."""
    for source in copy.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        installed_source = package / source.relative_to(copy)
        installed = Path(importlib.util.cache_from_source(str(installed_source)))
        if source not in rewritten and _is_current(installed, installed_source):
            cached.parent.mkdir(exist_ok=True)
            shutil.copy2(installed, cached)
        else:
            py_compile.compile(str(source), cfile=str(cached), doraise=True)


def _make_read_only(root: Path) -> None:
    """Files read-only for everyone (folders stay removable by their owner; inside the
    sandbox the whole tree is read-only anyway)."""
    for folder, _, files in os.walk(root):
        for name in files:
            os.chmod(Path(folder, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


#: The lock each live tree's maker holds (``{tree: descriptor}``): a tree whose maker was
#: killed is stale, and the next ``course grade`` removes it
#: (:func:`course.grading.resources.clean_stale_runs`; trees are ``course-grade-*`` too).
_LOCKS: dict[Path, int] = {}


def lay_out(lesson: str, parent: Path | None = None) -> Path:
    """A new read-only folder holding ``course`` for grading ``lesson`` (see the module).

    Returns the folder (the package is its ``course`` subfolder); the caller removes it with
    :func:`remove` (or leaves it to :func:`for_lesson`'s clean-up at exit).
    """
    package = sandbox.course_package()
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{lesson}-", dir=parent))
    _LOCKS[root] = resources.hold_lock(root)
    shutil.copytree(package, root / "course", ignore=shutil.ignore_patterns(*LEFT_OUT))
    rewritten = {root / "course" / "check.py"}
    (root / "course" / "check.py").write_text(CHECK_STUB, encoding="utf-8")
    by_module: dict[str, set[str]] = {}
    for obj in forbidden_in_lesson(lesson):
        by_module.setdefault(obj.__module__, set()).add(obj.__qualname__)
    for module, qualnames in by_module.items():
        path = root.joinpath(*module.split(".")).with_suffix(".py")
        if not path.is_file():            # a package's __init__
            path = root.joinpath(*module.split("."), "__init__.py")
        path.write_text(stubbed_source(path.read_text(encoding="utf-8"), module, qualnames),
                        encoding="utf-8")
        rewritten.add(path)
    _add_byte_code(package, root / "course", rewritten)
    _make_read_only(root)
    return root


def remove(root: Path) -> None:
    """Delete a tree made by :func:`lay_out`, and give back its lock."""
    shutil.rmtree(root, ignore_errors=True)
    descriptor = _LOCKS.pop(Path(root), None)
    if descriptor is not None:
        resources.lock_path(Path(root)).unlink(missing_ok=True)
        os.close(descriptor)


@contextlib.contextmanager
def trees(lessons):
    """``{lesson: tree}`` for ``lessons``, each laid out once, removed on leaving.

    ``course grade`` makes them once per run in its own process and hands them to its
    worker processes (which end without running ``atexit`` handlers).
    """
    made = {}
    try:
        for lesson in lessons:
            started = time.perf_counter()
            made[lesson] = lay_out(lesson)
            SECONDS_SPENT[0] += time.perf_counter() - started
        yield made
    finally:
        for root in made.values():
            remove(root)


_TREES: dict[str, Path] = {}
#: Seconds spent laying out trees in this process (``benchmarks/grade_speed.py`` prints it).
SECONDS_SPENT = [0.0]


def for_lesson(lesson: str) -> Path:
    """This process's tree for ``lesson``, laid out on first use and removed at exit
    (for a grader that runs in one process: tests, Gradescope's autograder)."""
    if lesson not in _TREES or not (_TREES[lesson] / "course").is_dir():
        started = time.perf_counter()
        _TREES[lesson] = lay_out(lesson)
        SECONDS_SPENT[0] += time.perf_counter() - started
    return _TREES[lesson]


@atexit.register
def _remove_all() -> None:
    for root in _TREES.values():
        remove(root)
    _TREES.clear()
