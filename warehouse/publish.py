"""Publish validated tables: Parquet snapshot plus DuckDB file, switched in one step.

Layout of a warehouse folder `DIR`:

    DIR/events.duckdb              the current database (a real file, replaced by rename)
    DIR/parquet -> snapshots/<id>/parquet    the current Parquet tree (a symlink, replaced by rename)
    DIR/snapshots/<id>/            complete snapshots, newest kept up to a count
    DIR/runs/<run_id>.json         one record per run, also the failed ones

A run builds its whole snapshot (Parquet and a DuckDB file) in a temporary
folder beside the current one and switches to it with `os.replace`, so a
reader sees either the old warehouse or the new one, never a mix, and a run
killed at any moment leaves the last good warehouse as it was. Readers that
hold the old DuckDB file open keep reading it: replacing a path does not
touch an open file.

Publishing is incremental: the previous snapshot's rows are kept, except those
of the documents this run publishes again (same content id or same source
path), which are replaced, so a rerun never duplicates anything.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from transforms.schemas import PIPELINE_RUNS, TABLES
from transforms.tables import merge_actor_rows

SQL_DIR = Path(__file__).parent / "sql"
DB_NAME = "events.duckdb"
DEFAULT_KEEP_SNAPSHOTS = 3


@dataclass(frozen=True)
class WarehousePaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DB_NAME

    @property
    def parquet(self) -> Path:
        return self.root / "parquet"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def table_dir(self, table: str) -> Path:
        return self.parquet / table


def read_current(paths: WarehousePaths) -> dict[str, pa.Table]:
    """The published tables of the current snapshot (empty tables where none)."""
    tables = {}
    for name, schema in TABLES.items():
        folder = paths.table_dir(name)
        files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if files:
            tables[name] = pa.concat_tables([pq.read_table(f, schema=schema) for f in files])
        else:
            tables[name] = schema.empty_table()
    return tables


def _keep_rows(table: pa.Table, column: str, drop: set[str]) -> pa.Table:
    if not drop or table.num_rows == 0:
        return table
    mask = pc.invert(pc.is_in(table[column], value_set=pa.array(sorted(drop), pa.string())))
    return table.filter(pc.fill_null(mask, True))


def merge_with_previous(previous: dict[str, pa.Table], new: dict[str, pa.Table], prune: bool = False) -> dict[str, pa.Table]:
    """The tables to publish: previous rows minus the replaced documents, plus the new rows.

    With `prune`, documents that this run did not see are dropped as well.
    """
    new_docs = new["documents"]
    new_ids = set(new_docs["document_id"].to_pylist())
    new_uris = set(new_docs["source_uri"].to_pylist())
    old_docs = previous["documents"]
    replaced = {
        doc_id
        for doc_id, uri in zip(old_docs["document_id"].to_pylist(), old_docs["source_uri"].to_pylist())
        if prune or doc_id in new_ids or uri in new_uris
    }
    old_sentences = _keep_rows(previous["sentences"], "document_id", replaced)
    kept_sentence_ids = set(old_sentences["sentence_id"].to_pylist())
    old_citations = previous["citations"].filter(
        pc.is_in(previous["citations"]["sentence_id"], value_set=pa.array(sorted(kept_sentence_ids), pa.string()))
    ) if previous["citations"].num_rows else previous["citations"]
    merged = {
        "documents": pa.concat_tables([_keep_rows(old_docs, "document_id", replaced), new_docs]),
        "sentences": pa.concat_tables([old_sentences, new["sentences"]]),
        "citations": pa.concat_tables([old_citations, new["citations"]]),
        "events": pa.concat_tables([_keep_rows(previous["events"], "document_id", replaced), new["events"]]),
    }
    merged["actors"] = _merge_actors(previous["actors"], new["actors"], merged["events"])
    return {name: merged[name].cast(TABLES[name]) for name in TABLES}


def _merge_actors(old: pa.Table, new: pa.Table, events: pa.Table) -> pa.Table:
    """Actors referenced by the published events, aliases merged across runs."""
    used = set(events["source_actor_id"].to_pylist()) | set(events["target_actor_id"].to_pylist())
    return merge_actor_rows(row for row in old.to_pylist() + new.to_pylist() if row["actor_id"] in used)


def read_run_records(paths: WarehousePaths) -> list[dict]:
    """Every run's record, oldest first (a corrupt record is skipped, not fatal)."""
    records = []
    if paths.runs.is_dir():
        for file in sorted(paths.runs.glob("*.json")):
            try:
                records.append(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    return sorted(records, key=lambda r: r.get("started_at", ""))


def write_run_record(paths: WarehousePaths, record: dict) -> None:
    """Record a run (atomically: write a temporary file, then rename)."""
    paths.runs.mkdir(parents=True, exist_ok=True)
    target = paths.runs / f"{record['run_id']}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, default=str, indent=2), encoding="utf-8")
    os.replace(tmp, target)


def runs_table(records: list[dict]) -> pa.Table:
    import datetime as dt

    def ts(value):
        return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else value

    rows = [
        {name: (ts(rec.get(name)) if name in ("started_at", "finished_at") else rec.get(name)) for name in PIPELINE_RUNS.names}
        for rec in records
    ]
    for row in rows:
        for count in ("n_documents", "n_sentences", "n_events"):
            row[count] = row[count] or 0
    return pa.Table.from_pylist(rows, schema=PIPELINE_RUNS)


def _write_parquet(folder: Path, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        target = folder / name
        target.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target / "part-0.parquet", compression="zstd")


def build_database(db_path: Path, parquet_dir: Path) -> None:
    """A fresh DuckDB file from a Parquet tree: DDL, load, views, checkpoint."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute((SQL_DIR / "ddl.sql").read_text(encoding="utf-8"))
        for name in [*TABLES, "pipeline_runs"]:
            files = str(parquet_dir / name / "*.parquet")
            con.execute(f"INSERT INTO {name} SELECT * FROM read_parquet('{files}')")
        con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _replace_symlink(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder from an older layout
    os.replace(tmp, link)


def cleanup_incomplete(paths: WarehousePaths) -> None:
    """Remove what a killed run left behind (temporary snapshots and files)."""
    if paths.snapshots.is_dir():
        for item in paths.snapshots.iterdir():
            if item.name.endswith(".tmp"):
                shutil.rmtree(item, ignore_errors=True)
    for leftover in paths.root.glob(".*.tmp"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
    for leftover in paths.root.glob(f"{DB_NAME}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def current_snapshot(paths: WarehousePaths) -> str | None:
    if paths.parquet.is_symlink():
        return Path(os.readlink(paths.parquet)).parent.name
    return None


def prune_snapshots(paths: WarehousePaths, keep: int) -> None:
    """Keep the newest `keep` complete snapshots (always the current one)."""
    if not paths.snapshots.is_dir():
        return
    current = current_snapshot(paths)
    complete = sorted(p for p in paths.snapshots.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    for old in complete[: max(0, len(complete) - max(keep, 1))]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def publish(root: Path, run_id: str, tables: dict[str, pa.Table], run_record: dict, keep: int = DEFAULT_KEEP_SNAPSHOTS) -> Path:
    """Write a new snapshot and make it current. Returns the snapshot folder."""
    paths = WarehousePaths(Path(root))
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.snapshots.mkdir(exist_ok=True)
    cleanup_incomplete(paths)
    staging = paths.snapshots / f"{run_id}.tmp"
    staging.mkdir()
    runs = read_run_records(paths)
    runs = [r for r in runs if r.get("run_id") != run_id] + [run_record]
    _write_parquet(staging / "parquet", {**tables, "pipeline_runs": runs_table(runs)})
    build_database(staging / DB_NAME, staging / "parquet")
    final = paths.snapshots / run_id
    os.replace(staging, final)
    # switch: the Parquet pointer, then the database file (both single renames)
    _replace_symlink(paths.parquet, os.path.join("snapshots", run_id, "parquet"))
    db_tmp = paths.root / f"{DB_NAME}.{run_id}.tmp"
    shutil.copyfile(final / DB_NAME, db_tmp)
    os.replace(db_tmp, paths.database)
    write_run_record(paths, run_record)
    prune_snapshots(paths, keep)
    return final
