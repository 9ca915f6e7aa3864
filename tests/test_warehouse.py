"""Warehouse DDL and publishing, on small tables built here."""

import datetime as dt
import re

import duckdb
import pyarrow as pa

from transforms import schemas
from warehouse import ddl
from warehouse import publish as wh

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
    paths = wh.WarehousePaths(root)
    merged = wh.merge_with_previous(wh.read_current(paths), tables)
    return wh.publish(root, run_id, merged, record(run_id))


def count(root, table):
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


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


def test_old_snapshots_are_pruned(tmp_path):
    for n in range(5):
        publish_run(tmp_path, f"20240101T00000{n}Z-x", small_tables())
    assert len(list((tmp_path / "snapshots").iterdir())) == wh.DEFAULT_KEEP_SNAPSHOTS
    assert (tmp_path / "parquet").resolve().parent.name == "20240101T000004Z-x"
