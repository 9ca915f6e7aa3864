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


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory):
    """A Prefect home for the real `eventledger` processes a test module starts (apart from this process's)."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def nlp():
    from transforms.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def kb():
    from transforms.actor_kb import load_actor_kb

    return load_actor_kb()


@pytest.fixture(scope="session")
def lexicon():
    from transforms.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def knowledge():
    from transforms.knowledge import load_knowledge

    return load_knowledge()

