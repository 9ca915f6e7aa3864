"""Publish validated tables: a complete new snapshot, switched in by one atomic rename.

Layout of a warehouse folder `DIR`:

    DIR/current -> snapshots/<id>                 THE pointer: replacing it publishes a run
    DIR/events.duckdb -> current/events.duckdb    the DuckDB database (a fixed symlink)
    DIR/parquet -> current/parquet                the Parquet tree (a fixed symlink)
    DIR/snapshots/<id>/                           complete snapshots: events.duckdb,
                                                  parquet/<table>/part-0.parquet, manifest.json;
                                                  the newest are kept up to a count
    DIR/snapshots/<id>.tmp/                       a snapshot being built (never read)
    DIR/runs/<run_id>.json                        one record per run, failed ones too
    DIR/data_docs/<run_id>/index.html             Great Expectations Data Docs per run
    DIR/.lock                                     the writers' lock (warehouse/lock.py)

Why one pointer: a run used to switch the Parquet symlink and then rename the
DuckDB file, two steps, so a reader (or a run killed in between) could see
the new Parquet beside the old database. Now the database and the Parquet
tree of a run live in the same snapshot folder, both user-facing paths go
through `DIR/current`, and publishing is a single `os.replace` of that
symlink: before it readers see the old run everywhere, after it the new run
everywhere. A reader that opens both paths resolves `current` at each open,
so a run switching between its two opens can still give it two runs; a
reader that needs several Parquet tables from one run resolves `DIR/current`
once (or reads `manifest.json`) and reads below that folder.

Readers are never locked out and never disturbed: a run builds its DuckDB
file in its own snapshot folder (no reader has it open), never opens the
current one, and old snapshots are removed only when they fall out of the
kept count; a reader holding an old file open keeps reading it (Linux keeps
an unlinked file alive for whoever has it open).

Killing a run at any moment leaves the last good warehouse readable and
complete: before the switch nothing user-visible changed; after it the new
snapshot is complete. The next run, holding the lock, cleans what a killed
run left (`recover`): temporary folders and links, a complete snapshot that
never became current, and a run record still marked `running`.

Publishing is incremental: the previous snapshot's rows are kept, except those
of the documents this run publishes again (same content id or same source
path), which are replaced, so a rerun never duplicates anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from transforms.schemas import DOCUMENT_TABLES, RUN_TABLES
from transforms.tables import merge_actor_rows
from warehouse import ddl, faults, lock, runlog

SQL_DIR = Path(__file__).parent / "sql"
DB_NAME = "events.duckdb"
MANIFEST = "manifest.json"
DEFAULT_KEEP_SNAPSHOTS = 3
TMP_SUFFIX = ".tmp"


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
    def current(self) -> Path:
        return self.root / "current"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def runs(self) -> Path:
        return self.root / runlog.RUNS_DIR

    @property
    def data_docs(self) -> Path:
        return self.root / "data_docs"


# -- reading the published snapshot --------------------------------------------------


def current_snapshot(paths: WarehousePaths) -> str | None:
    """The id of the published snapshot: where the `current` link points."""
    if paths.current.is_symlink():
        return Path(os.readlink(paths.current)).name
    return None


def is_current(root: Path, run_id: str) -> bool:
    """Whether the warehouse points at this run's snapshot: after its switch, a run is published whatever follows."""
    return current_snapshot(WarehousePaths(Path(root))) == run_id


def current_dir(paths: WarehousePaths) -> Path | None:
    """The published snapshot folder, resolved once (None before the first publish)."""
    snap = current_snapshot(paths)
    if snap is None:
        return None
    folder = paths.snapshots / snap
    return folder if folder.is_dir() else None


def _read_table(folder: Path, schema: pa.Schema) -> pa.Table:
    """All Parquet files of one table; columns added since the file was written read as NULL."""
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        return schema.empty_table()
    parts = []
    for file in files:
        table = pq.read_table(file)
        columns = [
            table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
            for f in schema
        ]
        parts.append(pa.Table.from_arrays(columns, schema=schema))
    return pa.concat_tables(parts)


def read_current(paths: WarehousePaths) -> dict[str, pa.Table]:
    """The published document tables of the current snapshot (empty tables where none)."""
    folder = current_dir(paths)
    parquet = folder / "parquet" if folder is not None else None
    return {
        name: _read_table(parquet / name, schema) if parquet is not None else schema.empty_table()
        for name, schema in DOCUMENT_TABLES.items()
    }


# -- merging a run into the previous snapshot ----------------------------------------


def _keep_rows(table: pa.Table, column: str, drop: set[str]) -> pa.Table:
    if not drop or table.num_rows == 0:
        return table
    mask = pc.invert(pc.is_in(table[column], value_set=pa.array(sorted(drop), pa.string())))
    return table.filter(pc.fill_null(mask, True))


def relocate_documents(documents: pa.Table, locations: dict[str, tuple[str, str]]) -> pa.Table:
    """Give kept documents their current (name, source_uri) when the same content moved to another path."""
    if not locations or documents.num_rows == 0:
        return documents
    rows = documents.to_pylist()
    changed = False
    for row in rows:
        where = locations.get(row["document_id"])
        if where and (row["name"], row["source_uri"]) != where:
            row["name"], row["source_uri"] = where
            changed = True
    return pa.Table.from_pylist(rows, schema=documents.schema) if changed else documents


def merge_with_previous(
    previous: dict[str, pa.Table],
    new: dict[str, pa.Table],
    prune: bool = False,
    seen_ids: set[str] | None = None,
) -> dict[str, pa.Table]:
    """The tables to publish: previous rows minus the replaced documents, plus the new rows.

    A previous document is replaced when this run publishes the same content
    id, or a new content at the same path (a changed file replaces exactly
    its own rows). `seen_ids` are previous documents this run found again
    unchanged and did not re-extract: they are kept as they are. With
    `prune`, documents this run did not see at all are dropped.
    """
    seen_ids = set(seen_ids or ())
    empty = {name: schema.empty_table() for name, schema in DOCUMENT_TABLES.items()}
    previous = {**empty, **previous}
    new = {**empty, **new}
    new_docs = new["documents"]
    new_ids = set(new_docs["document_id"].to_pylist())
    new_uris = set(new_docs["source_uri"].to_pylist())
    old_docs = previous["documents"]
    replaced = set()
    for doc_id, uri in zip(old_docs["document_id"].to_pylist(), old_docs["source_uri"].to_pylist()):
        if doc_id in seen_ids and doc_id not in new_ids:
            continue
        if doc_id in new_ids or uri in new_uris or prune:
            replaced.add(doc_id)
    old_sentences = _keep_rows(previous["sentences"], "document_id", replaced)
    kept_sentence_ids = set(old_sentences["sentence_id"].to_pylist())
    old_citations = previous["citations"].filter(
        pc.is_in(previous["citations"]["sentence_id"], value_set=pa.array(sorted(kept_sentence_ids), pa.string()))
    ) if previous["citations"].num_rows else previous["citations"]
    merged = {
        "documents": pa.concat_tables([_keep_rows(old_docs, "document_id", replaced), new_docs.cast(old_docs.schema)]),
        "sentences": pa.concat_tables([old_sentences, new["sentences"]]),
        "citations": pa.concat_tables([old_citations, new["citations"]]),
        "events": pa.concat_tables([_keep_rows(previous["events"], "document_id", replaced), new["events"]]),
        "quarantine": pa.concat_tables(
            [_keep_rows(previous["quarantine"], "document_id", replaced), new["quarantine"]]
        ),
    }
    merged["actors"] = _merge_actors(previous["actors"], new["actors"], merged["events"])
    return {name: merged[name].cast(DOCUMENT_TABLES[name]) for name in DOCUMENT_TABLES}


def _merge_actors(old: pa.Table, new: pa.Table, events: pa.Table) -> pa.Table:
    """Actors referenced by the published events, aliases merged across runs."""
    used = set(events["source_actor_id"].to_pylist()) | set(events["target_actor_id"].to_pylist())
    return merge_actor_rows(row for row in old.to_pylist() + new.to_pylist() if row["actor_id"] in used)


def runs_table(records: list[dict]) -> pa.Table:
    return runlog.runs_table(records)


# -- building a snapshot -------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush a finished snapshot to disk before it can become current (power loss, not just kill)."""
    for root, dirs, files in os.walk(folder):
        for name in files:
            _fsync(Path(root) / name)
        _fsync(Path(root))


def _write_parquet(folder: Path, tables: dict[str, pa.Table]) -> dict[str, dict]:
    written = {}
    for n, (name, table) in enumerate(tables.items()):
        target = folder / name
        target.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target / "part-0.parquet", compression="zstd")
        written[name] = {"rows": table.num_rows, "files": [f"parquet/{name}/part-0.parquet"]}
        if n == 0:
            faults.pause_point("parquet")
    return written


def build_database(db_path: Path, parquet_dir: Path, tables: list[str] | None = None, run_id: str | None = None) -> None:
    """A fresh DuckDB file from a Parquet tree: DDL, load and views in one transaction, then a checkpoint.

    The tables are created from the contract (warehouse/ddl.py), the views by `sql/views.sql`.
    With `run_id`, the view `current_run` names the run this database comes
    from (its `pipeline_runs` row), so a reader can tell which snapshot it has.
    """
    names = tables or [*DOCUMENT_TABLES, *RUN_TABLES]
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(ddl.create_tables())
        for n, name in enumerate(names):
            _load_table(con, name, parquet_dir / name)
            if n == 0:
                faults.pause_point("duckdb")
        con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
        if run_id is not None:
            con.execute(f"CREATE VIEW current_run AS SELECT * FROM pipeline_runs WHERE run_id = '{_sql_text(run_id)}'")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _load_table(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    """Insert the Parquet files of one table, read by Arrow and handed to DuckDB as a table, not as a path.

    DuckDB takes every file name it is given as a glob pattern, even in a
    list or as a prepared parameter: for a warehouse in "/srv/it's [a] wh",
    read_parquet(['/srv/it''s [a] wh/x.parquet']) reads "/srv/it's a wh/x.parquet"
    instead when that file exists, and no escaping names every path ("[" and
    "\\" together defeat it). Pasted into the SQL text, the quote also ended
    the string. Here Python lists and opens the files, so no name is a pattern.
    """
    for file in sorted(folder.glob("*.parquet")):  # pathlib: only "*.parquet" is a pattern, never `folder`
        con.register("incoming_parquet", pq.ParquetFile(file).read())  # this file, no dataset discovery
        try:
            con.execute(f"INSERT INTO {name} SELECT * FROM incoming_parquet")  # `name`: a contract table
        finally:
            con.unregister("incoming_parquet")


def _sql_text(value: str) -> str:
    """A value inside a SQL string literal (where DuckDB takes no parameter, e.g. a view): it's -> it''s."""
    return value.replace("'", "''")


def _replace_symlink(link: Path, target: str) -> None:
    """Point `link` at `target` with one rename (readers see the old or the new target)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.with_name(f".{link.name}{TMP_SUFFIX}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _ensure_links(paths: WarehousePaths) -> None:
    """The fixed user-facing links through `current` (made once, then never changed)."""
    _replace_symlink(paths.parquet, os.path.join("current", "parquet"))
    _replace_symlink(paths.database, os.path.join("current", DB_NAME))


@dataclass
class Recovery:
    """What `recover` cleaned up, for the run summary and the tests."""

    removed: list[str] = field(default_factory=list)
    closed_runs: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.removed or self.closed_runs)

    def describe(self) -> str:
        parts = []
        if self.closed_runs:
            parts.append(f"closed {len(self.closed_runs)} interrupted run record(s)")
        if self.removed:
            parts.append(f"removed {len(self.removed)} leftover(s) of an interrupted run")
        return "; ".join(parts)


def recover(paths: WarehousePaths, active_run: str | None = None) -> Recovery:
    """Clean what killed runs left behind. Call it holding the warehouse lock.

    Safe at any time: it never touches the current snapshot or anything a
    reader can reach through `DIR/current`. `active_run` is the caller's own
    run, whose record is `running` because it is alive.
    """
    report = Recovery()
    current = current_snapshot(paths)
    if paths.snapshots.is_dir():
        for item in sorted(paths.snapshots.iterdir()):
            if item.name.endswith(TMP_SUFFIX):
                shutil.rmtree(item, ignore_errors=True)
                report.removed.append(str(item))
    for leftover in list(paths.root.glob(f".*{TMP_SUFFIX}")) + list(paths.root.glob(f"{DB_NAME}.*{TMP_SUFFIX}*")):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
            report.removed.append(str(leftover))
    if paths.runs.is_dir():
        for leftover in paths.runs.glob(f".*{TMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
    if paths.data_docs.is_dir():
        for item in paths.data_docs.iterdir():
            if item.name.endswith(TMP_SUFFIX):
                shutil.rmtree(item, ignore_errors=True)
                report.removed.append(str(item))
    snapshots = {p.name for p in paths.snapshots.iterdir() if p.is_dir()} if paths.snapshots.is_dir() else set()
    report.closed_runs = runlog.close_interrupted(paths.root, current, exclude={active_run})
    # a complete snapshot that never became current: its run was killed at the switch (its record says
    # so; without a record, a snapshot newer than the current one cannot have been published)
    statuses = {r["run_id"]: r.get("status") for r in runlog.read_records(paths.root)}
    for name in sorted(snapshots):
        if name in (current, active_run):
            continue
        status = statuses.get(name)
        if (status is not None and status != runlog.PUBLISHED) or (status is None and name > (current or "")):
            shutil.rmtree(paths.snapshots / name, ignore_errors=True)
            report.removed.append(str(paths.snapshots / name))
    if current is not None and (paths.snapshots / current).is_dir():
        if not paths.current.is_symlink():  # killed between the pointer and the fixed links on migration
            _replace_symlink(paths.current, os.path.join("snapshots", current))
        _ensure_links(paths)
    return report


def _prune_run_folders(folder: Path, keep: int, current: str | None) -> None:
    """Keep the newest `keep` complete per-run folders (names sort by time), always `current`."""
    if not folder.is_dir():
        return
    complete = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(TMP_SUFFIX))
    for old in complete[: max(0, len(complete) - max(keep, 1))]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def prune_snapshots(paths: WarehousePaths, keep: int) -> None:
    """Keep the newest `keep` complete snapshots (always the current one)."""
    _prune_run_folders(paths.snapshots, keep, current_snapshot(paths))


def prune_data_docs(paths: WarehousePaths, keep: int) -> None:
    """Keep the Data Docs of the newest `keep` runs, and always those of the current snapshot."""
    _prune_run_folders(paths.data_docs, keep, current_snapshot(paths))


def data_docs_staging(paths: WarehousePaths, run_id: str) -> Path:
    """An empty folder where a run's Data Docs are rendered before `install_data_docs`."""
    staging = paths.data_docs / f"{run_id}{TMP_SUFFIX}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def install_data_docs(paths: WarehousePaths, run_id: str, keep: int = DEFAULT_KEEP_SNAPSHOTS) -> Path:
    """Move a run's rendered Data Docs to `DIR/data_docs/<run_id>/` (one rename), prune old ones."""
    final = paths.data_docs / run_id
    if final.exists():
        shutil.rmtree(final)
    os.replace(paths.data_docs / f"{run_id}{TMP_SUFFIX}", final)
    prune_data_docs(paths, keep)
    return final


def _manifest(run_id: str, written: dict[str, dict]) -> dict:
    return {
        "run_id": run_id,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "database": DB_NAME,
        "tables": written,
    }


def publish(
    root: Path,
    run_id: str,
    tables: dict[str, pa.Table],
    run_record: dict,
    keep: int = DEFAULT_KEEP_SNAPSHOTS,
    wait: float = lock.DEFAULT_WAIT_SECONDS,
    guard: Callable[[], ContextManager] = contextlib.nullcontext,
) -> Path:
    """Write a new snapshot and make it current in one rename. Returns the snapshot folder.

    Takes the warehouse lock (re-entrant: a no-op when the caller holds it).
    The switch and the run record written with it happen inside `guard()`:
    the flow passes one that keeps Ctrl-C and SIGTERM waiting
    (eventledger/signals.py), so that an interrupted run is either not
    published at all or published with a record that says so.
    """
    paths = WarehousePaths(Path(root))
    paths.root.mkdir(parents=True, exist_ok=True)
    with lock.hold(paths.root, run_id=run_id, wait=wait):
        paths.snapshots.mkdir(exist_ok=True)
        recover(paths, active_run=run_id)
        final = paths.snapshots / run_id
        if current_snapshot(paths) == run_id:  # a retry after the switch: only the bookkeeping is left
            runlog.write_record(paths.root, run_record)
            prune_snapshots(paths, keep)
            return final
        if final.exists():  # complete but never switched to (a retry after a failure at the switch)
            shutil.rmtree(final)
        staging = paths.snapshots / f"{run_id}{TMP_SUFFIX}"
        staging.mkdir()
        records = [r for r in runlog.read_records(paths.root) if r.get("run_id") != run_id] + [run_record]
        document_tables = {
            name: (tables[name] if name in tables else schema.empty_table()).cast(schema)
            for name, schema in DOCUMENT_TABLES.items()
        }
        written = _write_parquet(staging / "parquet", {**document_tables, **runlog.run_tables(records)})
        build_database(staging / DB_NAME, staging / "parquet", run_id=run_id)
        (staging / MANIFEST).write_text(json.dumps(_manifest(run_id, written), indent=2), encoding="utf-8")
        _fsync_tree(staging)
        os.replace(staging, final)
        _fsync(paths.snapshots)
        faults.pause_point("switch")
        with guard():
            # the one step that publishes: readers move from the old snapshot to the new one
            _replace_symlink(paths.current, os.path.join("snapshots", run_id))
            _ensure_links(paths)
            _fsync(paths.root)
            runlog.write_record(paths.root, run_record)
        prune_snapshots(paths, keep)
        return final
