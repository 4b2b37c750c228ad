"""Shared pytest set-up: quiet TensorFlow, and keep the grading corpus out of nbval."""

import os

# Before anything imports TensorFlow (kernels started by nbval inherit this too).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

# The corpus holds deliberately broken student notebooks for the grader's tests; they are
# inputs, not notebooks to validate.
collect_ignore_glob = ["corpus/*", "corpus/**/*"]
