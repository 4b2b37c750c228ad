# Two commands on a fresh machine with Python 3.11+:
#   make lab     set up the learner's install and open the course (lessons/) in JupyterLab
#   make test    set up everything (learner + grader + test tools) and run the whole test suite
# and, while editing:
#   make check   the fast tests (unit tests and doctests of every module), about a minute
#   make versions  the test sessions on the lowest and the newest supported versions (nox)
PYTHON ?= python3

# The learner's install: the course package and what a learner needs, nothing else.
LAB_VENV  := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed
# Everything: the learner's install plus the [grader] and [test] extras.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBGRADER_PAGES := formgrader validate_assignment assignment_list course_list
# Python writes byte-code (__pycache__) even where the machine sets PYTHONDONTWRITEBYTECODE:
# the suite starts hundreds of Python processes (kernels, graders, nbgrader), and without it
# each compiles every course module it imports again.
PYTEST := TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

.PHONY: lab test check versions setup lessons clean

# `pip install -e .` also installs share/jupyter/lab/settings/overrides.json (no news pop-up).
$(LAB_STAMP): pyproject.toml config/lab-settings/overrides.json
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LAB_VENV)/bin/python -m pip install --quiet -e .
	touch $(LAB_STAMP)

$(STAMP): pyproject.toml config/lab-settings/overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# nbgrader (grader extra) adds menus and server pages to JupyterLab that do not belong in
	# the course's own JupyterLab: off, and locked, in this environment too. Instructors use
	# nbgrader's command line.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader
	for page in $(NBGRADER_PAGES); do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$page; \
	done
	touch $(STAMP)

setup: $(STAMP)

# Serves the repository (solutions/ is one click away) and opens the browser on lessons/.
# Jupyter refuses to run as root unless told; containers often run as root.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(LAB_STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(LAB_VENV)/bin/jupyter lab $(AS_ROOT) --LabApp.default_url=/lab/tree/lessons

# Three workers on two cores: much of the suite waits (time limits running out, sleeping
# kernels, a browser), and the third worker runs while another waits (measured: 456 s
# of pytest, 96% of both cores busy, against 516 s and 86% with two workers).
test: $(STAMP)
	$(PYTEST) -n 3 --dist loadscope

check: $(STAMP)
	$(PYTEST) -m "not slow" -n 2 --dist loadscope -q tests course

versions: $(STAMP)
	$(BIN)/nox

lessons: $(STAMP)
	$(BIN)/course build-lessons

clean:
	rm -rf $(VENV) $(LAB_VENV) .nox .pytest_cache .hypothesis
