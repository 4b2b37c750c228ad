"""Root conftest: runs before collection of course/, solutions/ and tests/.

Four jobs, for every test run (``make test``, ``make check``, the nox sessions):

* the environment kernels inherit (quiet TensorFlow, no ``MPLBACKEND``);
* the ``course`` package's byte-code, written once, so that the hundreds of Python processes
  a run starts (kernels, graders, their workers) do not each compile it again where
  ``PYTHONDONTWRITEBYTECODE`` is set (an editable install has no byte-code of its own);
* deprecations raised by the course's own calls fail the run, in kernels too (the warning
  filters for this process are ``filterwarnings`` in pyproject.toml);
* the ``slow`` marker, set here in one place: ``make check`` (``-m "not slow"``) runs the
  rest, the unit tests and doctests of every module.
"""

import compileall
import os
from pathlib import Path

import pytest

# Before anything imports TensorFlow; kernels started by nbval inherit it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# No MPLBACKEND here: kernels inherit the environment, and ipykernel chooses its inline
# backend (which stores figures as PNG in the notebook) only when MPLBACKEND is unset.
os.environ.pop("MPLBACKEND", None)

import matplotlib  # noqa: E402  (after the environment is settled)

matplotlib.use("Agg")  # this process only: tests that draw need no screen

REPO = Path(__file__).resolve().parent


def pytest_configure(config):
    """Byte-code for the ``course`` package in use (up-to-date files are left as they are;
    where the package cannot be written, nothing happens and Python compiles as before)."""
    import course
    compileall.compile_dir(Path(course.__file__).parent, quiet=2)


# --- deprecations fail early, in kernels too ----------------------------------------------

def course_modules() -> list[str]:
    """Every module of the course package, by its dotted name."""
    names = []
    for path in sorted((REPO / "course").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def kernel_warning_filters() -> str:
    """``PYTHONWARNINGS`` for every Python process the tests start (nbval's kernels, the
    grader's kernels, subprocesses): a DeprecationWarning or FutureWarning attributed to a
    course module, that is raised by NumPy, Keras, matplotlib, ... on the course's own call,
    is an error there. ``-W``/``PYTHONWARNINGS`` match a module by its exact name (no
    patterns), hence one entry per module; warnings that third-party code raises on its own
    calls are attributed to that code and keep Python's defaults. A notebook cell's own
    deprecated call shows a warning in the cell's output, which nbval already fails on."""
    return ",".join(f"error::{category}:{module}" for module in course_modules()
                    for category in ("DeprecationWarning", "FutureWarning"))


os.environ["PYTHONWARNINGS"] = ",".join(
    part for part in (os.environ.get("PYTHONWARNINGS"), kernel_warning_filters()) if part)


# --- the slow marker -----------------------------------------------------------------------

# Whole files: notebooks in real kernels, the sandbox, nbgrader, the browser, the sweep.
SLOW_FILES = {
    "test_bad_input_sweep.py", "test_browser.py", "test_grading_bundle.py",
    "test_grading_corpus.py", "test_grading_limits.py", "test_jupyterlab_setup.py",
    "test_lessons.py", "test_nbgrader.py", "test_quiet.py", "test_sandbox.py",
    # graded in the sandbox: forgeries, the class of 44, the grader's memory bounds, the
    # instructor's term
    "test_forgery.py", "test_class_report_class.py", "test_grader_bounds.py",
    "test_instructors_term.py",
}
# Single tests (by function name) in files that are otherwise quick: each starts a kernel,
# a subprocess or a real grading, or trains Keras models for a long comparison.
SLOW_TESTS = {
    "test_authoring.py": {
        "test_run_solutions_executes_in_place_in_the_notebooks_folder",
        "test_run_solutions_leaves_a_failing_notebook_unchanged",
        "test_build_lessons_execute_runs_the_solutions_first",
    },
    "test_check.py": {
        "test_a_later_cell_names_the_unfinished_exercise_in_a_real_kernel",
        "test_the_cell_still_fails_so_run_all_stops",
        "test_in_a_real_kernel_a_loop_times_out_and_interrupt_kernel_stops_the_cell",
    },
    "test_docs_commands.py": {"test_the_commands_run_exactly_as_printed"},   # course grade...
    "test_feedback_files.py": {
        "test_course_grade_writes_both_files_per_submission",
        "test_feedback_of_a_real_grading_never_shows_hidden_inputs_or_expected_values",
    },
    "test_grading.py": {
        "test_watchdog_kills_a_process_that_uses_too_much_memory",
        "test_watchdog_kills_a_process_that_runs_too_long",
        "test_rlimit_data_turns_a_huge_allocation_into_memory_error",
        "test_an_unreadable_submission_is_graded_0_and_the_exit_status_is_0",
        "test_runner_keeps_going_after_errors_and_limits_output",
        "test_runner_refuses_results_beside_a_thread_the_notebook_left_running",
        "test_a_grading_kernel_draws_no_figure",
        "test_a_notebook_that_kills_the_grading_process_harms_nobody_else",
        "test_two_files_of_one_name_get_distinct_rows_in_the_gradebook",
        "test_a_grading_process_skips_jsonschemas_slow_iri_checker_and_still_validates",
        "test_a_grading_worker_takes_the_forbidden_objects_from_the_run_and_imports_no_tensorflow",
    },
}
# Single parametrizations (file::test[id]): the Keras exercises' checks fit models.
SLOW_IDS = {
    "test_check.py::test_right_answers_pass[build_model]",
    "test_check.py::test_right_answers_pass[keras_gradient_descent]",
}
# Tests that use one of these fixtures (file, fixture): the fixture is the slow part.
SLOW_FIXTURES = {("test_nn.py", "runs"), ("test_gradebook.py", "graded_class")}


def is_slow(item: pytest.Item) -> bool:
    if item.__class__.__name__ == "IPyNbCell":   # nbval: a notebook in a real kernel
        return True
    file = item.path.name
    name = getattr(item, "originalname", None) or item.name.split("[")[0]
    return (file in SLOW_FILES or name in SLOW_TESTS.get(file, ())
            or f"{file}::{item.name}" in SLOW_IDS
            or any((file, fixture) in SLOW_FIXTURES
                   for fixture in getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.__class__.__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.nbval)
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
