"""`eventledger maintain` and `eventledger query --as-of`: on warehouses published with empty tables (fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventledger.cli import main
from tests.test_lock import hold_in_subprocess
from eventledger.warehouse import publish
from eventledger.warehouse.maintenance import NotAWarehouse, maintain


def publish_runs(root: Path, run_ids: list[str], keep: int = 10) -> None:
    for run_id in run_ids:
        record = {"run_id": run_id, "status": "published", "started_at": dt.datetime.now(dt.timezone.utc).isoformat()}
        publish.publish(root, run_id, {}, record, keep=keep)


def test_maintain_keeps_the_newest_snapshots_and_removes_the_leftovers_of_killed_runs(tmp_path):
    root = tmp_path / "wh"
    r1, r2, r3, r4, r5 = (f"2024010{n}T000000Z-r{n}" for n in range(1, 6))  # run ids as runlog.new_run_id makes them
    publish_runs(root, [r1, r2, r3, r4])
    (root / "snapshots" / f"{r5}.tmp").mkdir()  # a run killed while writing its snapshot
    report = maintain(root, keep=2)
    assert report.current == r4
    assert report.snapshots_kept == [r3, r4] and report.snapshots_removed == [r1, r2]
    assert report.leftovers == [str(root / "snapshots" / f"{r5}.tmp")]
    assert sorted(p.name for p in (root / "snapshots").iterdir()) == [r3, r4]  # the export: current and one before
    assert "2 run snapshot(s) kept; 2 past the retention expired; 1 leftover(s)" in report.describe()


def test_maintain_compacts_small_files_and_deletes_unused_ones_after_the_grace(tmp_path):
    from tests.test_warehouse import record, small_tables

    root = tmp_path / "wh"
    for n in range(4):
        run_id = f"2024010{n}T000000Z-x"
        publish.publish(root, run_id, small_tables(doc_id=f"doc_{n}", uri=f"/in/{n}.txt"), record(run_id))
    events = root / "lake" / "data" / "main" / "events"
    assert len(list(events.glob("*.parquet"))) == 4  # one small file per run
    kept = maintain(root, keep=1)  # the files older snapshots used stay for a day (readers may still read them)
    assert kept.files_deleted == 0 and len(list(events.glob("*.parquet"))) == 5
    report = maintain(root, keep=1, grace_minutes=0)
    assert report.files_deleted >= 4 and len(list(events.glob("*.parquet"))) == 1
    assert main(["query", "SELECT count(*) FROM events", "--warehouse", str(root), "--format", "csv"]) == 0


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
    assert out == f"maintain {root}: current run r2; 1 run snapshot(s) kept; 1 past the retention expired\n"
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


WRITES = [
    ("COPY (SELECT 1) TO '{root}/parquet/events/x.csv'", "Permission Error"),
    ("COPY (SELECT 1) TO '{root}/lake/data/main/events/x.parquet'", None),  # the lake's data folder is readable
    ("ATTACH '{root}/other.duckdb' AS other", "Permission Error"),
    ("INSTALL httpfs", "Permission Error"),
    ("SET threads = 1", "configuration has been locked"),
    ("SET enable_external_access = true", "configuration has been locked"),
    ("CREATE TABLE t AS SELECT 1", "read-only"),
    ("DELETE FROM events", "read-only"),
    ("CALL ducklake_expire_snapshots('lake', versions => [1])", "read-only"),
]


@pytest.mark.parametrize("sql", [sql for sql, _ in WRITES])
def test_query_runs_only_queries(tmp_path, capsys, sql):
    root = tmp_path / "wh"
    publish_runs(root, ["r1"])
    before = files_of(root)
    assert main(["query", sql.format(root=root), "--warehouse", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eventledger: query runs only SELECT statements") and err.count("\n") == 1
    assert files_of(root) == before  # nothing written


def files_of(root: Path) -> list[str]:
    """Every file and folder, but SQLite's own WAL companions of the catalog, which any reader may create."""
    return sorted(str(p) for p in root.rglob("*") if not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("sql, refused", [(sql, refused) for sql, refused in WRITES if refused])
def test_the_query_connection_itself_cannot_write_attach_install_or_change_settings(tmp_path, sql, refused):
    """Behind the statement check, DuckDB refuses too: a read-only lake, external access off, settings locked."""
    from eventledger.warehouse import query

    root = tmp_path / "wh"
    publish_runs(root, ["r1"])
    con = query.connect(root)
    try:
        with pytest.raises(Exception, match=refused):
            con.execute(sql.format(root=root))
    finally:
        con.close()


def test_query_cannot_read_files_outside_the_lake(tmp_path, capsys):
    root = tmp_path / "wh"
    publish_runs(root, ["r1"])
    assert main(["query", f"SELECT * FROM read_csv('{root}/runs/r1.json')", "--warehouse", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("eventledger: query failed: ") and "Permission Error" in err and err.count("\n") == 1
