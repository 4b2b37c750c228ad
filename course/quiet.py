"""Import TensorFlow without its C++ start-up chatter in the notebook.

TensorFlow 2.21 writes a few lines straight to the process's standard-error file
descriptor when it loads ("oneDNN custom operations are on", "Could not find cuda drivers",
"failed call to cuInit"). They come from C++ before Python's logging exists, so
``TF_CPP_MIN_LOG_LEVEL`` does not remove them all, and Jupyter shows them as a red stderr box
in the learner's cell. They say nothing a learner needs, and they would make stored outputs
depend on the machine. ``import_tensorflow`` loads TensorFlow, and looks for devices (the
moment the cuInit line is printed), with file descriptor 2 pointed at the null device, then
puts it back. Python-level errors are unaffected: they are raised as usual.

It also raises TensorFlow's own Python logger to ``ERROR``. At ``WARNING`` it prints advice
for library authors into the cell ("5 out of the last 910 calls ... triggered tf.function
retracing", when a lesson builds and fits many small models in a row), with a memory address
that changes on every run.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def _stderr_fd_silenced():
    """Point file descriptor 2 at the null device for the duration of the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_tensorflow():
    """Return the ``tensorflow`` module, imported quietly (see the module docstring).

    Later ``import tensorflow`` / ``from tensorflow.keras ...`` statements then reuse the
    loaded module and print nothing. Safe to call more than once.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is None:
        with _stderr_fd_silenced():
            import tensorflow

            tensorflow.config.list_physical_devices()  # device discovery prints here
    tensorflow.get_logger().setLevel("ERROR")          # no retracing advice in the cells
    return tensorflow
