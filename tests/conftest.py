"""Shared test set-up: an isolated Prefect home and shared fixtures.

Prefect keeps its temporary server's database under PREFECT_HOME; tests use a
throw-away one so that they never touch (or depend on) the developer's own.
One per process: with pytest-xdist the workers inherit the controller's
environment, and two workers' in-process servers migrating one database at
the same moment failed ("duplicate column name"), now and then.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix=f"eventledger-prefect-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "eventledger" / "sample"  # package data (data/sample links to it)
SHARED = REPO.parent / "shared"
SEED_GOLD = SHARED / "gold" / "seed.events.jsonl"


#: The longest test files first, so that with two processes (`make test`: pytest-xdist, one file per
#: process, `--no-loadscope-reorder`) no process starts a long file while the other sits idle at the end.
#: Seconds measured with `--durations` on 2026-11-30; a file not listed runs after these, in name order.
#: Only the order of the files changes, never which tests run.
LONGEST_FIRST = (
    "test_faults.py", "test_signals.py", "test_serve.py", "test_incremental.py", "test_postgres_catalog.py",
    "test_prefect_deploy.py", "test_e2e.py", "test_failures.py", "test_cli_errors.py", "test_prefect_states.py",
    "test_dask_runner.py", "test_report.py", "test_warehouse.py", "test_settings.py", "test_lake.py",
    "test_wheel.py", "test_disk_full.py", "test_publish_atomic.py", "test_maintenance.py", "test_checksums.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the order inside a file stays


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory):
    """A Prefect home for the real `eventledger` processes a test module starts (apart from this process's)."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def nlp():
    from eventledger.transforms.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def kb():
    from eventledger.transforms.actor_kb import load_actor_kb

    return load_actor_kb()


@pytest.fixture(scope="session")
def lexicon():
    from eventledger.transforms.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def knowledge():
    from eventledger.transforms.knowledge import load_knowledge

    return load_knowledge()

