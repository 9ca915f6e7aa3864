"""`eventledger maintain` and `eventledger query --as-of`: on warehouses published with empty tables (fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventledger.cli import main
from tests.test_lock import hold_in_subprocess
from warehouse import publish
from warehouse.maintenance import NotAWarehouse, maintain


def publish_runs(root: Path, run_ids: list[str], keep: int = 10) -> None:
    for run_id in run_ids:
        record = {"run_id": run_id, "status": "published", "started_at": dt.datetime.now(dt.timezone.utc).isoformat()}
        publish.publish(root, run_id, {}, record, keep=keep)


def test_maintain_keeps_the_newest_snapshots_and_removes_the_leftovers_of_killed_runs(tmp_path):
    root = tmp_path / "wh"
    publish_runs(root, ["r1", "r2", "r3", "r4"])
    (root / "snapshots" / "r5.tmp").mkdir()  # a run killed while writing its snapshot
    report = maintain(root, keep=2)
    assert report.current == "r4"
    assert report.snapshots_kept == ["r3", "r4"] and report.snapshots_removed == ["r1", "r2"]
    assert report.leftovers == [str(root / "snapshots" / "r5.tmp")]
    assert sorted(p.name for p in (root / "snapshots").iterdir()) == ["r3", "r4"]
    assert "2 snapshot(s) kept; 2 past the retention removed; 1 leftover(s)" in report.describe()


def test_maintain_refuses_a_folder_without_a_warehouse_and_removes_nothing(tmp_path):
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "mine.tmp").mkdir()
    with pytest.raises(NotAWarehouse):
        maintain(tmp_path, keep=1)
    assert (tmp_path / "snapshots" / "mine.tmp").exists()


def test_maintain_waits_for_a_run_holding_the_warehouse_and_then_gives_up_with_75(tmp_path, capsys):
    root = tmp_path / "wh"
    publish_runs(root, ["r1"])
    holder = hold_in_subprocess(root)  # another process: the lock is re-entrant within one
    try:
        assert main(["maintain", "--warehouse", str(root), "--wait", "0"]) == 75
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert "maintain not started: warehouse" in capsys.readouterr().err


def test_the_maintain_command_says_what_it_did_in_one_line(tmp_path, capsys):
    root = tmp_path / "wh"
    publish_runs(root, ["r1", "r2"])
    assert main(["maintain", "--warehouse", str(root), "--keep-snapshots", "1"]) == 0
    out = capsys.readouterr().out
    assert out == f"maintain {root}: current snapshot r2; 1 snapshot(s) kept; 1 past the retention removed\n"
    assert main(["maintain", "--warehouse", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no published eventledger warehouse" in err


def test_query_as_of_reads_the_snapshot_of_an_earlier_run_while_it_is_kept(tmp_path, capsys):
    root = tmp_path / "wh"
    publish_runs(root, ["r1", "r2"])
    sql = "SELECT run_id FROM current_run"
    assert main(["query", sql, "--warehouse", str(root), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["run_id", "r2"]
    assert main(["query", sql, "--warehouse", str(root), "--format", "csv", "--as-of", "r1"]) == 0
    assert capsys.readouterr().out.splitlines() == ["run_id", "r1"]
    for missing in ("r0", "../r1", ".lock"):
        assert main(["query", sql, "--warehouse", str(root), "--as-of", missing]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"run {missing} has no snapshot" in err and "kept: r1, r2" in err


@pytest.mark.parametrize("sql, refused", [
    ("COPY (SELECT 1) TO '{root}/parquet/events/x.csv'", "Permission Error"),
    ("ATTACH '{root}/other.duckdb' AS other", "Permission Error"),
    ("INSTALL httpfs", "Permission Error"),
    ("SET threads = 1", "configuration has been locked"),
    ("SET enable_external_access = true", "configuration has been locked"),
    ("SELECT * FROM read_csv('{root}/runs/r1.json')", "Permission Error"),
    ("CREATE TABLE t AS SELECT 1", "read-only"),
])
def test_query_cannot_write_attach_install_or_change_settings(tmp_path, capsys, sql, refused):
    root = tmp_path / "wh"
    publish_runs(root, ["r1"])
    before = sorted(str(p) for p in root.rglob("*"))
    assert main(["query", sql.format(root=root), "--warehouse", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("eventledger: query failed: ") and refused in err and err.count("\n") == 1
    assert sorted(str(p) for p in root.rglob("*")) == before  # nothing written
