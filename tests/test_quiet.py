"""course.quiet: TensorFlow loads and trains without writing to standard error."""

import os
import subprocess
import sys

SCRIPT = """
from course.quiet import import_tensorflow
tf = import_tensorflow()
assert import_tensorflow() is tf          # a second call reuses the module
import numpy as np
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.losses import BinaryCrossentropy
model = Sequential([Dense(units=3, activation='sigmoid'), Dense(units=1, activation='sigmoid')])
model.compile(loss=BinaryCrossentropy())
model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)
print(model.predict(np.ones((1, 2)), verbose=0).shape)
"""


def _run(script: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300)


def test_tensorflow_imported_quietly_trains_without_any_stderr():
    result = _run(SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 1)"
    assert result.stderr == ""


def test_python_errors_still_reach_stderr():
    """Only TensorFlow's start-up chatter is hidden; the learner's own errors are not."""
    result = _run("from course.quiet import import_tensorflow\nimport_tensorflow()\n"
                  "raise ValueError('the learner must see this')")
    assert result.returncode == 1
    assert "ValueError: the learner must see this" in result.stderr


def test_tensorflow_python_warnings_are_not_printed_into_cells():
    result = _run("from course.quiet import import_tensorflow\ntf = import_tensorflow()\n"
                  "tf.get_logger().warning('5 out of the last 910 calls triggered retracing')\n"
                  "print(tf.get_logger().level)\n")
    assert "retracing" not in result.stdout + result.stderr
    assert result.stdout.strip() == "40"          # logging.ERROR
