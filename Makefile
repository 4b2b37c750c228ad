# Two commands on a fresh machine with Python 3.11+:
#   make lab    set everything up and open the course (lessons/) in JupyterLab
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test setup lessons clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/jupyter lab lessons/

test: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest -n 2 --dist loadscope

lessons: $(STAMP)
	$(BIN)/course build-lessons

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
