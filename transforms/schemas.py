"""Arrow schemas of every published table: the warehouse contract in code.

`../shared/spec/WAREHOUSE.md` names the tables and columns users rely on; these
schemas are its executable form. Transforms build tables against them,
validation checks frames against them, and publishing writes them to Parquet
and DuckDB, so a column cannot drift in one place only.
"""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

DOCUMENTS = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("sha256", pa.string(), nullable=False),
        pa.field("n_sentences", pa.int32(), nullable=False),
        pa.field("ingested_at", _TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("encoding", pa.string()),
        pa.field("n_chars", pa.int64(), nullable=False),
        # what cleaning did to the text (markup removed, control characters replaced)
        pa.field("note", pa.string()),
        # the extractor that produced this document's rows (see transforms/fingerprint.py);
        # NULL for rows published before fingerprints existed, which are re-extracted
        pa.field("extractor_fingerprint", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        pa.field("sentence_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("ordinal", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("raw_text", pa.string(), nullable=False),
        pa.field("char_start", pa.int64(), nullable=False),
        pa.field("char_end", pa.int64(), nullable=False),
    ]
)

CITATIONS = pa.schema(
    [
        pa.field("sentence_id", pa.string(), nullable=False),
        pa.field("marker", pa.string(), nullable=False),
        pa.field("position", pa.int32(), nullable=False),
    ]
)

ACTORS = pa.schema(
    [
        pa.field("actor_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("actor_type", pa.string(), nullable=False),
        pa.field("country_code", pa.string()),
        pa.field("aliases", pa.list_(pa.string()), nullable=False),
    ]
)

EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("sentence_id", pa.string(), nullable=False),
        pa.field("event_code", pa.string(), nullable=False),
        pa.field("event_root_code", pa.string(), nullable=False),
        pa.field("event_label", pa.string()),
        pa.field("quad_class", pa.int8(), nullable=False),
        pa.field("goldstein", pa.float64(), nullable=False),
        pa.field("plover_category", pa.string()),
        pa.field("trigger", pa.string(), nullable=False),
        pa.field("source_actor_id", pa.string()),
        pa.field("target_actor_id", pa.string()),
        pa.field("date_start", pa.date32()),
        pa.field("date_end", pa.date32()),
        pa.field("date_precision", pa.string(), nullable=False),
        pa.field("date_text", pa.string()),
        pa.field("date_source", pa.string(), nullable=False),
        pa.field("location_name", pa.string()),
        pa.field("location_country", pa.string()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
    ]
)

PIPELINE_RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("started_at", _TS, nullable=False),
        pa.field("finished_at", _TS),
        pa.field("status", pa.string(), nullable=False),
        pa.field("n_documents", pa.int64(), nullable=False),
        pa.field("n_sentences", pa.int64(), nullable=False),
        pa.field("n_events", pa.int64(), nullable=False),
        pa.field("validation_success", pa.bool_()),
        pa.field("message", pa.string()),
        pa.field("n_extracted", pa.int64(), nullable=False),
        pa.field("n_reused", pa.int64(), nullable=False),
        pa.field("n_files_skipped", pa.int64(), nullable=False),
        pa.field("n_quarantined", pa.int64(), nullable=False),
        pa.field("extractor_fingerprint", pa.string()),
    ]
)

#: Rows kept out of the published tables by a row-level rule (transforms/quality.py).
QUARANTINE = pa.schema(
    [
        pa.field("table_name", pa.string(), nullable=False),
        pa.field("row_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("sentence_id", pa.string()),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("payload", pa.string()),  # the row as JSON, for inspection
    ]
)

#: One row per input file per run: what happened to it and why.
INPUT_FILES = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
        pa.field("note", pa.string()),
        pa.field("document_id", pa.string()),
        pa.field("n_bytes", pa.int64()),
        pa.field("encoding", pa.string()),
    ]
)

#: One row per expectation per run (the GX checkpoint results, failed runs included).
VALIDATION_RESULTS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("table_name", pa.string(), nullable=False),
        pa.field("expectation", pa.string(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("unexpected_count", pa.int64()),
        pa.field("details", pa.string()),
    ]
)

#: The tables one run publishes, in load order (parents before children).
TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "sentences": SENTENCES,
    "citations": CITATIONS,
    "actors": ACTORS,
    "events": EVENTS,
}

#: Document-bound tables: rows belong to one document and are replaced with it.
DOCUMENT_TABLES: dict[str, pa.Schema] = {**TABLES, "quarantine": QUARANTINE}

#: Run-log tables: rebuilt at each publish from the run records in DIR/runs/.
RUN_TABLES: dict[str, pa.Schema] = {
    "pipeline_runs": PIPELINE_RUNS,
    "input_files": INPUT_FILES,
    "validation_results": VALIDATION_RESULTS,
}

#: Every published table, in load order.
ALL_TABLES: dict[str, pa.Schema] = {**DOCUMENT_TABLES, **RUN_TABLES}

def empty_table(schema: pa.Schema) -> pa.Table:
    """A zero-row table of `schema`, so that "no events" is still a valid table."""
    return schema.empty_table()


def table_from_rows(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Build a table from row dicts, failing loudly on a missing or mistyped column."""
    if not rows:
        return empty_table(schema)
    return pa.Table.from_pylist(rows, schema=schema)
