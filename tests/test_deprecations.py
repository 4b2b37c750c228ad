"""A deprecated call made by the course's own code fails the test suite, in kernels too.

The rule lives in pyproject.toml (``filterwarnings``, for this process) and conftest.py
(``PYTHONWARNINGS``, for every kernel and subprocess the tests start). Libraries warn with
the caller's module (``stacklevel=2``), so a call made from a ``course`` module is
attributed to it; the allowlist only covers third-party modules' calls among themselves.
"""

from __future__ import annotations

import os
import types
import warnings

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

# A NumPy function deprecated since 2.0 (the declared minimum) that still exists in the
# NumPy installed here; when NumPy removes them all, name a newer deprecation here.
DEPRECATED_IN_NUMPY = {"row_stack": "np.row_stack(([1.0], [2.0]))",
                       "in1d": "np.in1d([1], [1])",
                       "trapz": "np.trapz([1.0, 2.0])"}


def deprecated_numpy_call() -> str:
    name = next((name for name in DEPRECATED_IN_NUMPY if hasattr(np, name)), None)
    assert name is not None, (f"NumPy {np.__version__} has none of {list(DEPRECATED_IN_NUMPY)}:"
                              " name a function it deprecates now")
    return DEPRECATED_IN_NUMPY[name]


COURSE_LIKE_SOURCE = """
import numpy as np

def uses_an_old_numpy_api():
    return {call}
"""


def course_module(name="course.nn"):
    """A module whose code runs under a course module's name, as course code does."""
    module = types.ModuleType(name)
    exec(COURSE_LIKE_SOURCE.format(call=deprecated_numpy_call()), module.__dict__)
    return module


def test_a_deprecated_numpy_call_from_course_code_is_an_error():
    with pytest.raises(DeprecationWarning, match="deprecated"):
        course_module().uses_an_old_numpy_api()


def test_without_the_rule_the_same_call_passes_silently():
    """Control: Python's own default hides a DeprecationWarning raised outside __main__."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        course_module().uses_an_old_numpy_api()


@pytest.mark.parametrize("category", [DeprecationWarning, FutureWarning])
def test_any_module_outside_the_allowlist_fails_on_both_kinds(category):
    for module in ("course.plots.curves", "tests.test_something", "ipywidgets.widgets"):
        with pytest.raises(category):
            warnings.warn_explicit("old API", category, "x.py", 1, module=module)


def test_the_allowlist_lets_third_party_calls_among_themselves_through():
    for module in ("jupyter_client.session", "tensorflow.python.framework.dtypes",
                   "matplotlib._fontconfig_pattern", "nbformat.json_compat"):
        warnings.warn_explicit("their own business", DeprecationWarning, "x.py", 1,
                               module=module)
    with pytest.raises(DeprecationWarning):   # but not matplotlib's public modules
        warnings.warn_explicit("old API", DeprecationWarning, "x.py", 1,
                               module="matplotlib.pyplot")


KERNEL_CELL = """
import types
module = types.ModuleType("course.nn")
exec({source!r}, module.__dict__)
module.uses_an_old_numpy_api()
print("no error")
"""


def run_in_kernel(environment: dict) -> list:
    source = COURSE_LIKE_SOURCE.format(call=deprecated_numpy_call())
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(KERNEL_CELL.format(source=source))]
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(environment)
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       allow_errors=True).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook.cells[0].outputs


@pytest.mark.slow
def test_in_a_kernel_a_deprecated_call_from_course_code_is_an_error():
    assert "error::DeprecationWarning:course.nn" in os.environ["PYTHONWARNINGS"].split(",")
    outputs = run_in_kernel(dict(os.environ))
    errors = [output for output in outputs if output["output_type"] == "error"]
    assert [error["ename"] for error in errors] == ["DeprecationWarning"], outputs


@pytest.mark.slow
def test_in_a_kernel_without_the_rule_the_call_passes():
    """Control: the same cell in a kernel started without conftest's PYTHONWARNINGS."""
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYTHONWARNINGS"}
    outputs = run_in_kernel(environment)
    assert [output.get("text") for output in outputs] == ["no error\n"], outputs
