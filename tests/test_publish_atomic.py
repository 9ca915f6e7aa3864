"""Publishing: one lake commit per run, an export behind one atomic pointer, recovery after a kill, readers never disturbed.

Small tables built here; the real flow and real kills are in tests/test_faults.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO
from tests.test_warehouse import count, publish_run, record, small_tables
from eventledger.transforms import schemas
from eventledger.warehouse import ddl, lock, runlog
from eventledger.warehouse import publish as wh


def ddl_tables() -> dict[str, list[str]]:
    text = ddl.create_tables()
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", text, re.S):
        tables[name] = [line.strip().split()[0] for line in body.splitlines()
                        if line.strip() and not line.strip().startswith(("PRIMARY KEY", "--"))]
    return tables


def test_ddl_matches_every_published_schema():
    ddl = ddl_tables()
    assert set(ddl) == set(schemas.ALL_TABLES)
    for name, schema in schemas.ALL_TABLES.items():
        assert ddl[name] == schema.names, name


def latest_published(root) -> str:
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        return con.execute("SELECT run_id, status FROM current_run").fetchone()
    finally:
        con.close()


def test_one_pointer_and_database_and_parquet_agree(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert os.readlink(tmp_path / "current") == os.path.join("snapshots", "20240101T000001Z-b")
    assert os.readlink(tmp_path / "events.duckdb") == os.path.join("current", "events.duckdb")
    assert os.readlink(tmp_path / "parquet") == os.path.join("current", "parquet")
    assert latest_published(tmp_path) == ("20240101T000001Z-b", "published")
    runs = pq.read_table(tmp_path / "parquet" / "pipeline_runs").to_pylist()
    assert max(r["run_id"] for r in runs) == "20240101T000001Z-b"
    manifest = json.loads((tmp_path / "current" / "manifest.json").read_text())
    assert manifest["run_id"] == "20240101T000001Z-b"
    assert manifest["tables"]["documents"]["rows"] == 2
    for table in schemas.ALL_TABLES:
        assert count(tmp_path, table) >= 0
    assert not list(tmp_path.glob(".*.tmp")) and not list((tmp_path / "snapshots").glob("*.tmp"))


def test_maintain_expires_run_snapshots_past_the_kept_count_and_as_of_reads_the_kept_ones(tmp_path):
    from eventledger.warehouse import maintenance, query

    for n in range(4):
        publish_run(tmp_path, f"20240101T00000{n}Z-x", small_tables(doc_id=f"doc_{n}", uri=f"/in/{n}.txt"))
    report = maintenance.maintain(tmp_path, keep=2, grace_minutes=0)
    assert report.snapshots_kept == ["20240101T000002Z-x", "20240101T000003Z-x"]
    assert report.snapshots_removed == ["20240101T000000Z-x", "20240101T000001Z-x"]
    assert query.fetch(tmp_path, "SELECT count(*) FROM documents", as_of="20240101T000002Z-x")[1] == [(3,)]
    assert query.fetch(tmp_path, "SELECT run_id FROM current_run", as_of="20240101T000002Z-x")[1] == [
        ("20240101T000002Z-x",)]
    with pytest.raises(query.SnapshotNotKept, match="20240101T000003Z-x"):
        query.fetch(tmp_path, "SELECT 1", as_of="20240101T000001Z-x")
    assert count(tmp_path, "pipeline_runs") == 4 and count(tmp_path, "documents") == 4


def kill_leftovers(root):
    """What runs killed at different points leave behind."""
    paths = wh.WarehousePaths(root)
    (paths.snapshots / "20240102T000000Z-killed.tmp" / "parquet").mkdir(parents=True)  # killed while writing
    os.symlink("snapshots/nowhere", root / ".current.tmp")  # killed while switching
    orphan = paths.snapshots / "20240102T000001Z-orphan"  # an export killed just before its switch
    shutil.copytree(paths.snapshots / wh.current_snapshot(paths), orphan)
    runlog.write_record(root, {**record("20240102T000001Z-orphan"), "status": "running", "finished_at": None})
    (paths.data_docs / "20240102T000001Z-orphan.tmp").mkdir(parents=True)
    data = root / "lake" / "data" / "main" / "events"  # a data file written before a commit that never came
    shutil.copy(next(data.glob("*.parquet")), data / "ducklake-killed-run.parquet")


def test_recovery_cleans_what_killed_runs_left(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    kill_leftovers(tmp_path)
    report = wh.recover(wh.WarehousePaths(tmp_path))
    assert report.closed_runs == ["20240102T000001Z-orphan"]
    assert len(report.removed) == 5
    assert not (tmp_path / "lake" / "data" / "main" / "events" / "ducklake-killed-run.parquet").exists()
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["20240101T000000Z-a"]
    assert not (tmp_path / ".current.tmp").is_symlink()
    closed = runlog.read_record(tmp_path, "20240102T000001Z-orphan")
    assert closed["status"] == "failed" and closed["message"].startswith("interrupted")
    assert count(tmp_path, "events") == 1
    publish_run(tmp_path, "20240103T000000Z-c", small_tables(doc_id="doc_c", uri="/in/c.txt"))
    con = duckdb.connect(str(tmp_path / "events.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT run_id, status FROM pipeline_runs ORDER BY run_id").fetchall()
    finally:
        con.close()
    assert rows == [("20240101T000000Z-a", "published"), ("20240102T000001Z-orphan", "failed"),
                    ("20240103T000000Z-c", "published")]


def test_a_run_killed_after_the_switch_is_closed_as_published(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    runlog.write_record(tmp_path, {**record("20240101T000000Z-a"), "status": "running"})  # record never closed
    report = wh.recover(wh.WarehousePaths(tmp_path))
    assert report.closed_runs == ["20240101T000000Z-a"]
    assert runlog.read_record(tmp_path, "20240101T000000Z-a")["status"] == "published"
    assert (tmp_path / "snapshots" / "20240101T000000Z-a").is_dir()


def test_a_retried_publish_after_the_switch_does_not_rebuild(tmp_path):
    final = publish_run(tmp_path, "20240101T000000Z-a", small_tables()).export
    before = (final / "events.duckdb").stat().st_mtime_ns
    wh.publish(tmp_path, "20240101T000000Z-a", small_tables(), record("20240101T000000Z-a"))
    assert (final / "events.duckdb").stat().st_mtime_ns == before
    assert count(tmp_path, "events") == 1 and count(tmp_path, "pipeline_runs") == 1


def test_columns_added_to_the_contract_since_the_lake_was_made_are_added_and_read_as_null(tmp_path):
    """A lake made before a column existed gets it at the next run: older rows read it as NULL."""
    from eventledger.warehouse import lake, query

    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    con = lake.open_lake(tmp_path, read_only=False)
    try:
        con.execute("ALTER TABLE documents DROP COLUMN note")  # as a lake made by an older eventledger
        con.execute("UPDATE documents SET extractor_fingerprint = NULL")
    finally:
        con.close()
    assert wh.published_documents(tmp_path)["note"].to_pylist() == [None]
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert query.fetch(tmp_path, "SELECT count(*) FROM documents WHERE note IS NULL")[1] == [(2,)]
    assert (tmp_path / "events.duckdb").is_symlink() and count(tmp_path, "documents") == 2


def test_a_reader_holding_the_old_database_keeps_reading_it(tmp_path):
    """A separate process (DuckDB allows one writer per file) keeps its connection across a publish and a prune."""
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    script = textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(tmp_path / 'events.duckdb')!r}, read_only=True)
        print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
        sys.stdin.readline()
        print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
    """)
    reader = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"
        publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
        publish_run(tmp_path, "20240101T000002Z-c", small_tables())  # the reader's export is pruned now
        assert not (tmp_path / "snapshots" / "20240101T000000Z-a").exists()
        assert count(tmp_path, "documents") == 2
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0


def test_publish_waits_for_the_lock(tmp_path):
    from tests.test_lock import hold_in_subprocess

    proc = hold_in_subprocess(tmp_path)
    try:
        with pytest.raises(lock.WarehouseBusy):
            wh.publish(tmp_path, "20240101T000000Z-a", small_tables(), record("20240101T000000Z-a"), wait=0.3)
        assert not (tmp_path / "current").exists()
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_recovery_keeps_older_snapshots_even_without_their_record(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables())
    (tmp_path / "runs" / "20240101T000000Z-a.json").unlink()  # e.g. cleaned up by hand
    wh.recover(wh.WarehousePaths(tmp_path))
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == ["20240101T000000Z-a", "20240101T000001Z-b"]
