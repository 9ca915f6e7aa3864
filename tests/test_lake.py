"""The lake itself: migration from the snapshot layout, a warehouse folder that moves, readers in other processes.

Small tables from tests/test_warehouse.py; the real flow and real kills are in tests/test_faults.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from eventledger.settings import SettingsError, load_settings
from tests.conftest import REPO
from tests.test_warehouse import count, publish_run, record, small_tables
from transforms import schemas
from warehouse import export as exports
from warehouse import lake, maintenance, query, runlog
from warehouse import publish as wh


def old_layout_warehouse(root):
    """A warehouse as eventledger wrote it before the lake: snapshots, a pointer, run records."""
    tables = {**small_tables(), **runlog.run_tables([record("20230101T000000Z-old")])}
    runlog.write_record(root, record("20230101T000000Z-old"))
    exports.export(wh.WarehousePaths(root), tables, "20230101T000000Z-old")
    assert not lake.exists(root)


def test_a_warehouse_from_before_the_lake_is_migrated_by_the_first_run_and_nothing_is_lost(tmp_path):
    old_layout_warehouse(tmp_path)
    assert query.fetch(tmp_path, "SELECT count(*) FROM events")[1] == [(1,)]  # read through the old file meanwhile
    publish_run(tmp_path, "20240101T000000Z-new", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert lake.exists(tmp_path)
    assert count(tmp_path, "documents") == 2 and count(tmp_path, "pipeline_runs") == 2
    assert query.fetch(tmp_path, "SELECT count(*) FROM documents", as_of="20230101T000000Z-old")[1] == [(1,)]
    con = lake.open_lake(tmp_path)
    try:
        assert [s.run_id for s in lake.run_snapshots(con)] == ["20230101T000000Z-old", "20240101T000000Z-new"]
    finally:
        con.close()


def test_the_migration_runs_once_even_if_killed_before_lake_json_was_written(tmp_path):
    old_layout_warehouse(tmp_path)
    con = wh.writer(tmp_path)
    con.close()
    (tmp_path / lake.LAKE_FILE).unlink()  # as if killed after the migration's commit
    publish_run(tmp_path, "20240101T000000Z-new", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(tmp_path, "documents") == 2 and count(tmp_path, "events") == 2


def test_a_warehouse_folder_copied_elsewhere_reads_and_writes_its_own_files(tmp_path):
    first = tmp_path / "first"
    publish_run(first, "20240101T000000Z-a", small_tables())
    second = tmp_path / "second"
    shutil.copytree(first, second, symlinks=True)
    publish_run(second, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(second, "documents") == 2 and count(first, "documents") == 1
    assert not list((first / "lake" / "data").rglob("*.parquet")) == list((second / "lake" / "data").rglob("*.parquet"))
    shutil.rmtree(first)
    assert count(second, "events") == 2


def test_lake_json_names_a_relative_catalog_and_data_path_by_default(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    written = json.loads((tmp_path / lake.LAKE_FILE).read_text())
    assert written == {"format": "ducklake", "catalog": "sqlite:lake/catalog.sqlite", "data_path": "lake/data"}
    location = lake.read_location(tmp_path)
    assert location.catalog == f"sqlite:{tmp_path.absolute()}/lake/catalog.sqlite"


@pytest.mark.parametrize("value, problem", [
    ("mysql:db", "must start with sqlite: or postgres:"),
    ("postgres:dbname=x password=secret", "must not hold a password"),
])
def test_a_catalog_setting_that_cannot_be_used_is_refused(value, problem):
    with pytest.raises(SettingsError, match=problem):
        load_settings({"catalog": value}, {"catalog": "--catalog"}, environ={})


def test_every_contract_table_is_in_the_lake_with_the_contract_columns(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    for name, schema in schemas.ALL_TABLES.items():
        columns, _ = query.fetch(tmp_path, f"SELECT * FROM {name} LIMIT 0")
        assert columns == schema.names, name


READER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from warehouse import query
    con = query.connect(Path(sys.argv[1]))
    print(con.execute("SELECT count(*) FROM events").fetchone()[0], flush=True)
    sys.stdin.readline()  # the writer commits and maintain expires this reader's snapshot meanwhile
    print(con.execute("SELECT count(*) FROM events").fetchone()[0], flush=True)
    print(con.execute("SELECT count(*) FROM events_flat").fetchone()[0], flush=True)
""")


def test_a_reader_keeps_its_snapshot_through_a_commit_and_an_expiry(tmp_path):
    """A reader in another process: its transaction keeps reading the snapshot it started with."""
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    reader = subprocess.Popen([sys.executable, "-c", READER, str(tmp_path)], cwd=REPO, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"
        publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
        report = maintenance.maintain(tmp_path, keep=1)  # default grace: files stay for readers
        assert report.snapshots_removed == ["20240101T000000Z-a"]
        reader.stdin.write("\n")
        reader.stdin.flush()
        second, flat = reader.stdout.readline().strip(), reader.stdout.readline().strip()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0, reader.stderr.read()
    assert second in ("1", "2") and flat == second
    assert count(tmp_path, "events") == 2


def test_a_missing_extension_package_is_named_with_the_command_that_installs_it(monkeypatch):
    from warehouse import extensions

    monkeypatch.setitem(extensions.PACKAGES, "ducklake", "duckdb_extension_not_installed")
    with pytest.raises(extensions.ExtensionMissing, match="pip install 'duckdb-extension-not-installed==1.5.5'"):
        extensions.extension_file("ducklake")
