"""Warehouse DDL and publishing, on small tables built here."""

import datetime as dt
import re

import duckdb
import pyarrow as pa
import pytest

from eventledger.transforms import schemas
from eventledger.warehouse import ddl, lake, query
from eventledger.warehouse import export as exports
from eventledger.warehouse import publish as wh

NOW = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def ddl_columns() -> dict[str, list[str]]:
    text = ddl.create_tables()
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", text, re.S):
        cols = []
        for line in body.splitlines():
            line = line.strip()
            if line and not line.startswith(("PRIMARY KEY", "--")):
                cols.append(line.split()[0])
        tables[name] = cols
    return tables


def test_ddl_matches_arrow_schemas():
    ddl = ddl_columns()
    for name, schema in {**schemas.TABLES, "pipeline_runs": schemas.PIPELINE_RUNS}.items():
        assert ddl[name] == schema.names, name


def small_tables(doc_id="doc_a", uri="/in/a.txt", text="Chile recalled its envoy."):
    sent_id = f"{doc_id}_s0001"
    return {
        "documents": pa.Table.from_pylist([{
            "document_id": doc_id, "name": "a", "source_uri": uri, "sha256": "0" * 64, "n_sentences": 1,
            "ingested_at": NOW, "run_id": "r", "status": "ok", "encoding": "utf-8", "n_chars": len(text)}],
            schema=schemas.DOCUMENTS),
        "sentences": pa.Table.from_pylist([{
            "sentence_id": sent_id, "document_id": doc_id, "ordinal": 1, "text": text, "raw_text": text,
            "char_start": 0, "char_end": len(text)}], schema=schemas.SENTENCES),
        "citations": schemas.CITATIONS.empty_table(),
        "actors": pa.Table.from_pylist([{
            "actor_id": "act_chile", "name": "Chile", "actor_type": "state", "country_code": "CHL",
            "aliases": ["Chile"]}], schema=schemas.ACTORS),
        "events": pa.Table.from_pylist([{
            "event_id": f"evt_{doc_id}", "document_id": doc_id, "sentence_id": sent_id, "event_code": "161",
            "event_root_code": "16", "quad_class": 4, "goldstein": -4.0, "trigger": "recalled",
            "source_actor_id": "act_chile", "date_precision": "none", "date_source": "none"}],
            schema=schemas.EVENTS),
    }


def record(run_id):
    return {"run_id": run_id, "started_at": NOW.isoformat(), "finished_at": NOW.isoformat(), "status": "published",
            "n_documents": 1, "n_sentences": 1, "n_events": 1, "validation_success": True, "message": None}


def publish_run(root, run_id, tables):
    return wh.publish(root, run_id, tables, record(run_id))


def count(root, table):
    """Rows of `table` in the export's DuckDB file, checked equal to the lake's."""
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        exported = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()
    reader = lake.open_lake(root)  # read-only, on the process's DuckDB instance (query.fetch's costs 0.25 s a call)
    try:
        (in_lake,) = reader.execute(f"SELECT count(*) FROM {table}").fetchone()
    finally:
        reader.close()
    assert exported == in_lake, f"{table}: the export and the lake disagree"
    return in_lake


def test_publish_writes_parquet_and_duckdb_and_view(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    for table in schemas.TABLES:
        assert list((tmp_path / "parquet" / table).glob("*.parquet")), table
    assert count(tmp_path, "events_flat") == 1
    assert count(tmp_path, "pipeline_runs") == 1


def test_rerun_replaces_same_document_without_duplicates(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables())
    assert count(tmp_path, "events") == 1 and count(tmp_path, "documents") == 1
    assert count(tmp_path, "pipeline_runs") == 2


def test_changed_document_at_same_path_replaces_its_rows(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", text="Chile recalled its envoy again."))
    assert count(tmp_path, "documents") == 1
    assert count(tmp_path, "events") == 1


def test_other_documents_are_kept(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    assert count(tmp_path, "documents") == 2 and count(tmp_path, "events") == 2


def test_old_exports_are_pruned_and_the_lake_keeps_every_run_snapshot_until_maintain(tmp_path):
    for n in range(5):
        publish_run(tmp_path, f"20240101T00000{n}Z-x", small_tables())
    assert len(list((tmp_path / "snapshots").iterdir())) == exports.KEEP_EXPORTS
    assert (tmp_path / "parquet").resolve().parent.name == "20240101T000004Z-x"
    con = lake.open_lake(tmp_path)
    try:
        assert [s.run_id for s in lake.run_snapshots(con)] == [f"20240101T00000{n}Z-x" for n in range(5)]
    finally:
        con.close()


def test_a_run_writes_only_what_changed(tmp_path):
    """A second document adds its own data files; the first document's files are not rewritten."""
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    data = tmp_path / "lake" / "data" / "main" / "events"
    first = set(data.glob("*.parquet"))
    publish_run(tmp_path, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    second = set(data.glob("*.parquet"))
    assert first < second and len(second - first) == 1
    assert count(tmp_path, "events") == 2


def test_a_new_key_that_another_row_already_has_is_refused_and_nothing_is_published(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    twice = small_tables(doc_id="doc_b", uri="/in/b.txt")
    twice["events"] = pa.concat_tables([twice["events"], twice["events"]])  # the same event id twice in one run
    with pytest.raises(lake.KeyCollision, match="events"):
        publish_run(tmp_path, "20240101T000001Z-b", twice)
    taken = small_tables(doc_id="doc_b", uri="/in/b.txt")
    taken["documents"] = taken["documents"].set_column(0, "document_id", pa.array(["doc_a"]))
    con = lake.open_lake(tmp_path, read_only=False)  # doc_a's rows are published; a new doc_a not replacing them
    try:
        con.execute("BEGIN TRANSACTION")
        with pytest.raises(lake.KeyCollision, match="documents"):
            lake._check_new_keys(con, "documents", taken["documents"])
    finally:
        con.close()
    assert count(tmp_path, "documents") == 1 and wh.published_run(tmp_path) == "20240101T000000Z-a"


def test_prune_drops_documents_the_run_did_not_see_and_their_unused_actors(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    other = small_tables(doc_id="doc_b", uri="/in/b.txt")
    other["actors"] = other["actors"].set_column(0, "actor_id", pa.array(["act_chile2"]))
    other["events"] = other["events"].set_column(other["events"].schema.get_field_index("source_actor_id"),
                                                 "source_actor_id", pa.array(["act_chile2"]))
    wh.publish(tmp_path, "20240101T000001Z-b", other, record("20240101T000001Z-b"), prune=True)
    assert count(tmp_path, "documents") == 1 and count(tmp_path, "events") == 1
    assert query.fetch(tmp_path, "SELECT actor_id FROM actors")[1] == [("act_chile2",)]


def test_aliases_of_an_actor_merge_across_runs(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    other = small_tables(doc_id="doc_b", uri="/in/b.txt")
    other["actors"] = other["actors"].set_column(4, "aliases", pa.array([["Chilean government"]]))
    publish_run(tmp_path, "20240101T000001Z-b", other)
    assert query.fetch(tmp_path, "SELECT aliases FROM actors")[1] == [(["Chile", "Chilean government"],)]


def test_a_document_found_unchanged_at_another_path_moves_without_rewriting_its_rows(tmp_path):
    publish_run(tmp_path, "20240101T000000Z-a", small_tables())
    data = tmp_path / "lake" / "data" / "main"
    events_before = set((data / "events").glob("*.parquet"))
    wh.publish(tmp_path, "20240101T000001Z-b", {}, record("20240101T000001Z-b"), seen_ids={"doc_a"},
               relocations={"doc_a": ("a2", "/elsewhere/a2.txt")})
    assert query.fetch(tmp_path, "SELECT name, source_uri FROM documents")[1] == [("a2", "/elsewhere/a2.txt")]
    assert set((data / "events").glob("*.parquet")) == events_before and count(tmp_path, "events") == 1
    documents_before = set((data / "documents").glob("*"))
    wh.publish(tmp_path, "20240101T000002Z-c", {}, record("20240101T000002Z-c"), seen_ids={"doc_a"},
               relocations={"doc_a": ("a2", "/elsewhere/a2.txt")})  # found again where it is: nothing to move
    assert set((data / "documents").glob("*")) == documents_before
