# Two commands on a fresh machine with Python 3.11+:
#   make lab    set everything up and open the course (lessons/) in JupyterLab
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBGRADER_PAGES := formgrader validate_assignment assignment_list course_list

.PHONY: lab test setup lessons clean

$(STAMP): pyproject.toml config/jupyterlab-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# JupyterLab defaults for this environment only: no news or update pop-ups in class.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp config/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	# nbgrader (test extra, for instructors) adds menus and server pages to JupyterLab that a
	# learner must not see: off, and locked, in this environment. Instructors run its CLI.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader
	for page in $(NBGRADER_PAGES); do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$page; \
	done
	touch $(STAMP)

setup: $(STAMP)

# Serves the repository (solutions/ is one click away) and opens the browser on lessons/.
# Jupyter refuses to run as root unless told; containers often run as root.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/jupyter lab $(AS_ROOT) --LabApp.default_url=/lab/tree/lessons

test: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest -n 2 --dist loadscope

lessons: $(STAMP)
	$(BIN)/course build-lessons

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
