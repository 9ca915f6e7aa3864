"""Issue 10, case 5: a lake file changed behind eventledger's back stops the next run and `maintain` in one line.

Small tables from tests/test_warehouse.py, published through the real lake;
the damage is done the way another tool would do it: valid Parquet with
other content written over a data file, or bytes changed in place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.test_warehouse import count, publish_run, record, small_tables
from eventledger.warehouse import checksums, lake, query
from eventledger.warehouse import publish as wh


def current_keys(root) -> set[str]:
    """The current lake files, as checksums.json names them (relative to the data path)."""
    con = lake.open_lake(root)
    try:
        return {Path(p).relative_to(root / "lake" / "data").as_posix() for p in checksums.current_files(con)}
    finally:
        con.close()


def events_file(root) -> str:
    con = lake.open_lake(root)
    try:
        (path,) = [p for p in checksums.current_files(con) if "/events/" in p and "delete" not in p]
    finally:
        con.close()
    return path


def rewrite_with_other_content(path: str) -> None:
    """What another tool would do: valid Parquet, same columns, a value changed."""
    table = pq.read_table(path)
    column = table.schema.get_field_index("goldstein")
    pq.write_table(table.set_column(column, "goldstein", pa.array([10.0] * table.num_rows)), path)


def flip_a_byte(path: str) -> None:
    """Same size, other content: a disk's bit flip or an edit in place."""
    with open(path, "r+b") as handle:
        handle.seek(8)
        byte = handle.read(1)
        handle.seek(8)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_every_published_file_has_its_checksum_recorded_relative_to_the_data_path(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    recorded = checksums.read(tmp_path)
    assert set(recorded) == current_keys(tmp_path)
    path = events_file(tmp_path)
    key = Path(path).relative_to(tmp_path / "lake" / "data").as_posix()
    assert recorded[key] == {"sha256": checksums.sha256_of(path), "bytes": Path(path).stat().st_size}


@pytest.mark.parametrize("damage, problem", [
    (rewrite_with_other_content, "size"),
    (flip_a_byte, "content differs (sha256)"),
])
def test_a_run_after_a_data_file_changed_publishes_nothing_and_names_the_file(tmp_path, damage, problem):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    path = events_file(tmp_path)
    damage(path)
    damaged = open(path, "rb").read()
    with pytest.raises(checksums.DataFileChanged) as caught:
        publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    message = str(caught.value)
    assert "\n" not in message and path in message and problem in message
    assert "--reextract --prune" in message
    assert lake.published_run(tmp_path) == "20240101T000000Z-a"  # nothing of the second run was committed
    assert open(path, "rb").read() == damaged  # nor anything rewritten


def test_maintain_refuses_to_compact_a_changed_file_in_one_line(tmp_path, capsys):
    from eventledger.cli import main

    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    path = events_file_of_document(tmp_path, "doc_a")
    rewrite_with_other_content(path)
    files_before = sorted(p.name for p in (tmp_path / "lake" / "data").rglob("*.parquet"))
    assert main(["maintain", "--warehouse", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "changed since it was published" in err and "maintain stopped" in err
    assert sorted(p.name for p in (tmp_path / "lake" / "data").rglob("*.parquet")) == files_before  # not compacted


def events_file_of_document(root, doc_id: str) -> str:
    con = lake.open_lake(root)
    try:
        files = [p for p in checksums.current_files(con) if "/events/" in p]
    finally:
        con.close()
    (path,) = [p for p in files if doc_id in pq.read_table(p, columns=["document_id"])["document_id"].to_pylist()]
    return path


def test_a_run_that_replaces_every_document_repairs_the_damage_and_later_runs_check_again(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    rewrite_with_other_content(events_file(tmp_path))
    wh.publish(tmp_path, "20240101T000001Z-b", small_tables(), record("20240101T000001Z-b"), prune=True)
    assert query.fetch(tmp_path, "SELECT goldstein FROM events")[1] == [(-4.0,)]  # the damaged rows are gone
    publish_run(tmp_path, "20240101T000002Z-c", small_tables(doc_id="doc_b", uri="/in/b.txt"))  # verified: passes
    assert count(tmp_path, "events") == 2
    flip_a_byte(events_file_of_document(tmp_path, "doc_b"))
    with pytest.raises(checksums.DataFileChanged):
        publish_run(tmp_path, "20240101T000003Z-d", small_tables(doc_id="doc_c", uri="/in/c.txt"))


def test_files_without_a_recorded_checksum_are_recorded_when_first_seen(tmp_path):
    """A lake of an earlier version (or a run killed between its commit and the record) has none: no complaint."""
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    (tmp_path / checksums.CHECKSUMS_FILE).unlink()
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    written = json.loads((tmp_path / checksums.CHECKSUMS_FILE).read_text())
    assert written["algorithm"] == "sha256" and set(written["files"]) == current_keys(tmp_path)  # both runs' files


def test_maintain_records_the_files_it_compacted_and_forgets_the_ones_it_removed(tmp_path):
    from eventledger.warehouse import maintenance

    for n, doc in enumerate("abc"):
        publish_run(tmp_path, f"20240101T00000{n}Z-{doc}", small_tables(doc_id=f"doc_{doc}", uri=f"/in/{doc}.txt"))
    maintenance.maintain(tmp_path, keep=1, grace_minutes=0)
    con = lake.open_lake(tmp_path)
    try:
        assert checksums.check(con, tmp_path) == []
    finally:
        con.close()
    assert set(checksums.read(tmp_path)) == current_keys(tmp_path)
