"""course.quiet: TensorFlow loads and trains without writing to standard error.

One learner's session in a fresh Python (TensorFlow's start-up takes about 4 s of CPU, so
the three tests read the same run): import TensorFlow through course.quiet, train the slide's
kind of network, log a TensorFlow warning, then make a mistake of the learner's own.
"""

import os
import subprocess
import sys

import pytest

#: Written to standard error just before the learner's mistake: what comes before it is
#: TensorFlow's, what comes after it is the learner's error.
MISTAKE = "--- the learner's mistake ---\n"

SCRIPT = f"""
import sys
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
tf.get_logger().warning('5 out of the last 910 calls triggered retracing')
print(tf.get_logger().level)
sys.stdout.flush()
sys.stderr.write({MISTAKE!r})
raise ValueError('the learner must see this')
"""


@pytest.fixture(scope="module")
def session() -> tuple[subprocess.CompletedProcess, str, str]:
    """(the finished process, its standard error before the mistake, after it)."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=env, timeout=300)
    before, marker, after = result.stderr.partition(MISTAKE)
    assert marker, f"the script stopped before the learner's mistake:\n{result.stderr}"
    return result, before, after


def test_tensorflow_imported_quietly_trains_without_any_stderr(session):
    result, before, _ = session
    assert result.stdout.splitlines()[0] == "(1, 1)"
    assert before == ""


def test_python_errors_still_reach_stderr(session):
    """Only TensorFlow's chatter is hidden; the learner's own errors are not, and nothing of
    TensorFlow's follows them (not even on the way out)."""
    result, _, after = session
    assert result.returncode == 1
    assert after.startswith("Traceback (most recent call last):\n"), after
    assert after.splitlines()[-1] == "ValueError: the learner must see this", after


def test_tensorflow_python_warnings_are_not_printed_into_cells(session):
    result, _, _ = session
    assert "retracing" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[1] == "40"          # logging.ERROR
