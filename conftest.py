"""Root conftest: runs before collection of course/, solutions/ and tests/."""

import os

# Before anything imports TensorFlow; kernels started by nbval inherit it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# No MPLBACKEND here: kernels inherit the environment, and ipykernel chooses its inline
# backend (which stores figures as PNG in the notebook) only when MPLBACKEND is unset.
os.environ.pop("MPLBACKEND", None)

import matplotlib  # noqa: E402  (after the environment is settled)

matplotlib.use("Agg")  # this process only: tests that draw need no screen
