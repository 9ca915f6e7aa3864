"""The README's promises name their tests: each named test must exist, so the table cannot drift from the suite."""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def promises_table() -> str:
    start = README.index("### Promises and the tests that check them")
    return README[start:README.index("\n### ", start + 1)]


def test_every_test_the_reliability_promises_name_exists():
    table = promises_table()
    named = re.findall(r"`(tests/test_\w+\.py)(?:::(\w+))?`", table)
    short = re.findall(r"`::(\w+)`", table)  # "the one beside it": a test of the file named just before
    assert len(named) >= 15 and short
    sources = {}
    for path, name in named:
        source = sources.setdefault(path, (REPO / path).read_text(encoding="utf-8"))
        assert not name or f"def {name}(" in source, f"{path}::{name} is named by the README but does not exist"
    everything = "".join(sources.values())
    for name in short:
        assert f"def {name}(" in everything, f"::{name} is named by the README but does not exist"
