"""One-line errors: every mistake a user can fix ends the command with one line saying what to do.

Each test calls the real command line (`main`, in-process) on a real mistake
and checks the exit status, that stderr is exactly one line (plus at most a
`details: <run record>` line where a run started), that the line names the
offending thing and says what to do, and that no traceback is printed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from eventledger.cli import main
from eventledger.settings import Settings, env_name


@pytest.fixture(autouse=True)
def clean_setup(tmp_path, monkeypatch):
    """An empty working folder and no EVENTLEDGER_* settings, so the developer's own cannot leak in."""
    for name in [*Settings.model_fields, "config", "debug"]:
        monkeypatch.delenv(env_name(name), raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def the_line(err: str) -> str:
    """The one line on stderr (and no traceback)."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("eventledger: "), err
    return lines[0]


def empty_warehouse(root: Path) -> Path:
    """A warehouse folder holding a database with nothing in it (enough for read-only SQL)."""
    root.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(root / "events.duckdb")).close()
    return root


# -- query ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", ["", "   ", "\n\t"])
def test_empty_sql_is_one_line_and_a_usage_error(tmp_path, capsys, sql):
    status, out, err = run_cli(capsys, "query", sql, "--warehouse", tmp_path / "nowhere")
    assert status == 2 and out == ""
    line = the_line(err)
    assert line == 'eventledger: the SQL is empty: give a query, e.g. eventledger query "SELECT count(*) FROM events"'


def test_sql_of_only_comments_is_one_line_and_a_usage_error(tmp_path, capsys):
    root = empty_warehouse(tmp_path / "wh")
    status, out, err = run_cli(capsys, "query", "-- nothing here", "--warehouse", root)
    assert status == 2 and out == ""
    assert the_line(err).startswith("eventledger: the SQL holds no statement: give a query, e.g. eventledger query ")


def test_a_query_on_a_warehouse_not_published_yet_says_to_run_first(tmp_path, capsys):
    root = tmp_path / "wh"
    status, out, err = run_cli(capsys, "query", "SELECT 1", "--warehouse", root)
    assert status == 1 and out == ""
    assert the_line(err) == (f"eventledger: nothing is published in {root} yet (no events.duckdb): "
                             f"run `eventledger run <files> --warehouse {root}` first")
