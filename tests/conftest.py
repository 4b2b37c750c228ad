"""Test-only set-up: keep the grading corpus out of nbval's collection, and grade it once.

The corpus (tests/corpus) is graded by one ``course grade`` run that every test of the
corpus and of the class report reads (:func:`corpus_grades`), and the forgery tests too for
the sandbox it ran in. Under pytest-xdist, the modules that read it are scheduled on the
same worker (:data:`SHARED_SCOPES`), so the run happens once per test session, not once per
module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The corpus holds deliberately broken student notebooks for the grader's tests; they are
# inputs, not notebooks to validate.
collect_ignore_glob = ["corpus/*", "corpus/**/*"]

CORPUS = Path(__file__).parent / "corpus"

#: Test modules that read the same session fixture, each mapped to the one whose xdist
#: worker runs it too (with ``--dist loadscope`` each module would otherwise go to any
#: worker, and a session fixture is made once per worker).
SHARED_SCOPES = {"tests/test_class_report_class.py": "tests/test_grading_corpus.py",
                 "tests/test_forgery.py": "tests/test_grading_corpus.py"}


#: Seconds each of the longest scopes took in one run of the whole suite (``make test``), so
#: the longest start first and the short ones fill in at the end (otherwise a long module
#: can start last and run alone). Only their order matters; the rest follow, most tests first.
LONGEST_SCOPES = {
    "tests/test_grading_corpus.py": 170, "tests/test_nbgrader.py": 113,
    "tests/test_docs_commands.py": 109, "tests/test_grading_limits.py": 108,
    "tests/test_sandbox.py": 99, "tests/test_browser.py": 65, "tests/test_forgery.py": 65,
    "tests/test_lessons.py": 45, "solutions/05_keras_model_fit.ipynb": 41,
    "tests/test_nn.py": 39, "tests/test_grading.py": 35,
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope``, with the modules of :data:`SHARED_SCOPES` in one scope and the
    :data:`LONGEST_SCOPES` handed out first."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedScopeScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SHARED_SCOPES.get(scope, scope)

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "_longest_first", False):     # the queue is complete now
                self._longest_first = True
                longest = [scope for scope in self.workqueue if scope in LONGEST_SCOPES]
                for scope in sorted(longest, key=LONGEST_SCOPES.get):
                    self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return SharedScopeScheduling(config, log)


@pytest.fixture(scope="session")
def corpus_grades(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The whole corpus graded once, as an instructor would: ``course grade tests/corpus
    --jobs 2 --format gradescope`` with the default limits. (completed process, reports)."""
    out = tmp_path_factory.mktemp("corpus-grades")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    process = subprocess.run(
        [sys.executable, "-m", "course.cli", "grade", str(CORPUS), "--out", str(out),
         "--jobs", "2", "--format", "gradescope"],
        capture_output=True, text=True, env=env, timeout=900)
    return process, out
