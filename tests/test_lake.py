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
from eventledger.transforms import schemas
from eventledger.warehouse import export as exports
from eventledger.warehouse import lake, maintenance, query, runlog
from eventledger.warehouse import publish as wh


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


def test_a_migration_killed_before_its_commit_is_done_by_the_next_run_and_a_done_one_is_not_redone(tmp_path):
    old_layout_warehouse(tmp_path)
    con = lake.create(tmp_path, lake.default_location())  # killed after creating the lake, before migrating
    con.close()
    publish_run(tmp_path, "20240101T000000Z-new", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(tmp_path, "documents") == 2 and count(tmp_path, "events") == 2
    publish_run(tmp_path, "20240101T000001Z-more", small_tables(doc_id="doc_c", uri="/in/c.txt"))
    assert count(tmp_path, "documents") == 3 and count(tmp_path, "pipeline_runs") == 3


def test_a_warehouse_folder_copied_elsewhere_reads_and_writes_its_own_files(tmp_path):
    first = tmp_path / "first"
    publish_run(first, "20240101T000000Z-a", small_tables())
    second = tmp_path / "second"
    shutil.copytree(first, second, symlinks=True)
    first_files = set((first / "lake" / "data").rglob("*.parquet"))
    copied = {second / p.relative_to(first) for p in first_files}
    publish_run(second, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(second, "documents") == 2 and count(first, "documents") == 1
    assert set((first / "lake" / "data").rglob("*.parquet")) == first_files  # nothing written to the original
    assert copied < set((second / "lake" / "data").rglob("*.parquet"))  # the new files are the copy's own
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
    from eventledger.warehouse import query
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
    assert (second, flat) == ("2", "2")  # each query reads the snapshot of its start: the new run
    assert count(tmp_path, "events") == 2


def test_a_missing_extension_package_is_named_with_the_command_that_installs_it(monkeypatch):
    from eventledger.warehouse import extensions

    monkeypatch.setitem(extensions.PACKAGES, "ducklake", "duckdb_extension_not_installed")
    with pytest.raises(extensions.ExtensionMissing, match="pip install 'duckdb-extension-not-installed==1.5.5'"):
        extensions.extension_file("ducklake")


# -- folders a run must not write to (issue 10: deleted user files, silent loss through a damaged pointer) ----


def test_a_run_into_a_folder_of_someone_elses_is_refused_in_one_line_and_touches_nothing(tmp_path, capsys):
    from eventledger.cli import main

    mine = tmp_path / "mine"
    (mine / "snapshots" / "holiday.tmp").mkdir(parents=True)  # names eventledger would clean up in its own folder
    (mine / "data_docs").mkdir()
    (mine / "notes.txt").write_text("keep me")
    before = sorted(str(p) for p in mine.rglob("*"))
    assert main(["run", "--warehouse", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty and holds no eventledger warehouse" in err
    assert sorted(str(p) for p in mine.rglob("*")) == before


def test_a_missing_lake_json_is_refused_with_the_line_that_restores_it_and_nothing_is_lost(tmp_path, capsys):
    from eventledger.cli import main

    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    saved = (tmp_path / lake.LAKE_FILE).read_text()
    (tmp_path / lake.LAKE_FILE).unlink()
    (tmp_path / "current").unlink()  # the export's pointer gone too
    assert main(["run", "--warehouse", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lake.json is missing" in err and '"catalog": "sqlite:lake/catalog.sqlite"' in err
    with pytest.raises(wh.LakeDamaged):
        wh.publish(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"),
                   record("20240101T000001Z-b"))
    (tmp_path / lake.LAKE_FILE).write_text(saved)
    assert query.fetch(tmp_path, "SELECT count(*) FROM documents")[1] == [(1,)]


def test_a_missing_catalog_is_refused_instead_of_starting_an_empty_lake(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    (tmp_path / "lake" / "catalog.sqlite").rename(tmp_path / "catalog.bak")
    with pytest.raises(wh.LakeDamaged, match="catalog.sqlite named by .*lake.json is missing"):
        publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert not (tmp_path / "lake" / "catalog.sqlite").exists()


def test_an_export_that_fails_after_the_commit_leaves_the_run_published_with_exit_0(tmp_path, monkeypatch, capfd):
    """The lake's commit publishes; a full disk while writing the export is one line, and the next run writes it."""
    import errno
    import os

    from eventledger.cli import main
    from tests.conftest import SAMPLE

    def full(paths, tables, run_id):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(exports, "export", full)
    assert main(["run", str(SAMPLE), "--warehouse", str(tmp_path), "--workers", "1"]) == 0
    out, err = capfd.readouterr()
    assert "export: not written (OSError: [Errno 28] No space left on device)" in out + err
    assert "Traceback" not in out + err
    (record,) = runlog.read_records(tmp_path)
    assert record["status"] == "published" and not (tmp_path / "current").exists()
    assert query.fetch(tmp_path, "SELECT count(*) > 0 FROM events")[1] == [(True,)]
    monkeypatch.undo()
    assert main(["maintain", "--warehouse", str(tmp_path)]) == 0  # writes the export that is missing
    assert "export written" in capfd.readouterr().out
    assert os.readlink(tmp_path / "current") == os.path.join("snapshots", record["run_id"])


def test_a_lost_export_pointer_and_snapshot_lose_nothing_the_next_run_publishes_everything(tmp_path):
    """Issue 10, case 1, on the lake: the export is a copy; the lake keeps every published document."""
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    shutil.rmtree(tmp_path / "snapshots" / "20240101T000000Z-a")
    (tmp_path / "current").unlink()
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(tmp_path, "documents") == 2  # in the lake and in the rebuilt export


def test_files_of_the_users_inside_the_warehouse_are_never_pruned_as_old_runs(tmp_path):
    """Issue 10's foreign files, inside a warehouse: pruning takes only names eventledger gave (run ids)."""
    from eventledger.warehouse.report import RunValidation

    mine = {tmp_path / "reports" / "2020-summary.html": "notes", tmp_path / "reports" / "0.html": "notes",
            tmp_path / "data_docs" / "2019-audit" / "index.html": "notes",
            tmp_path / "data_docs" / "holiday.tmp" / "index.html": "notes",
            tmp_path / "snapshots" / "2018-backup" / "events.duckdb": "notes",
            tmp_path / "snapshots" / "holiday.tmp" / "a.txt": "notes",
            tmp_path / ".mine.tmp": "notes"}
    for n, doc in enumerate("abc"):
        run_id = f"20240101T00000{n}Z-{doc}"
        wh.publish(tmp_path, run_id, small_tables(doc_id=f"doc_{doc}", uri=f"/in/{doc}.txt"), record(run_id),
                   keep=1, report=RunValidation())
        (tmp_path / "data_docs" / run_id).mkdir(parents=True)  # its validation page, as the pipeline writes one
        (tmp_path / "data_docs" / run_id / "index.html").write_text("page")
        if n == 0:  # the user's files arrive after the first run made the folders
            for path, text in mine.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    maintenance.maintain(tmp_path, keep=1, grace_minutes=0)
    assert all(path.read_text() == "notes" for path in mine)
    assert sorted(p.name for p in (tmp_path / "data_docs").glob("2024*")) == ["20240101T000002Z-c"]  # ours: pruned
    assert sorted(p.name for p in (tmp_path / "reports").glob("2024*.html")) == ["20240101T000002Z-c.html"]
    exported = sorted(p.name for p in (tmp_path / "snapshots").iterdir() if p.name.startswith("2024"))
    assert exported == ["20240101T000001Z-b", "20240101T000002Z-c"][-exports.KEEP_EXPORTS:]  # pruned, ours only
