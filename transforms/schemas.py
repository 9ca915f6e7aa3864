"""Arrow schemas of every published table, derived from the warehouse contract.

`transforms/contract.toml` declares each column once (name, type, nullability,
key, allowed values, description); this module is its Arrow form, under the
names the rest of the code imports. Transforms build tables against these
schemas, validation checks frames against them, and publishing writes them to
Parquet and DuckDB, so a column cannot drift in one place only. To add or
change a column, edit `contract.toml`, not this module.
"""

from __future__ import annotations

import pyarrow as pa

from eventledger.transforms import contract

#: The Arrow type of each type of the contract's vocabulary (`contract.TYPES`).
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int8": pa.int8(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of one table of the contract: its columns in order, with type and nullability."""
    return pa.schema(
        [pa.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable) for c in contract.table(table).columns]
    )


DOCUMENTS = arrow_schema("documents")
SENTENCES = arrow_schema("sentences")
CITATIONS = arrow_schema("citations")
ACTORS = arrow_schema("actors")
EVENTS = arrow_schema("events")
PIPELINE_RUNS = arrow_schema("pipeline_runs")
#: Rows kept out of the published tables by a row-level rule (transforms/quality.py).
QUARANTINE = arrow_schema("quarantine")
#: One row per input file per run: what happened to it and why.
INPUT_FILES = arrow_schema("input_files")
#: One row per expectation per run (the GX checkpoint results, failed runs included).
VALIDATION_RESULTS = arrow_schema("validation_results")

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
