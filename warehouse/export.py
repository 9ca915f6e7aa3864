"""The export: a plain DuckDB file and Parquet tree of the lake's current snapshot, for tools that cannot attach a lake.

The lake (warehouse/lake.py) is the system of record. Many BI tools bundle a
DuckDB without the DuckLake extension, or read only Parquet; for them the
warehouse keeps the contract's two paths (../shared/spec/WAREHOUSE.md):

    DIR/current -> snapshots/<run_id>             the pointer: replacing it switches the export
    DIR/events.duckdb -> current/events.duckdb    a DuckDB database (a fixed symlink)
    DIR/parquet -> current/parquet                the Parquet tree, one file per table (a fixed symlink)
    DIR/snapshots/<run_id>/                       complete exports: events.duckdb,
                                                  parquet/<table>/part-0.parquet, manifest.json
                                                  (and parquet/<view>/part-0.parquet: each view's rows)
    DIR/snapshots/<run_id>.tmp/                   an export being built (never read)

An export is a complete copy, so it costs as much as the warehouse: the
`export` setting says when it is written (every run, by `maintain` only, or
never; README "Storage"). It is built in its own folder and switched in by
one rename of `DIR/current`, so a reader of the export sees one run's
tables, never a mix, and a reader holding an old file keeps reading it (Linux
keeps an unlinked file alive for whoever has it open). The export is written
after the lake's commit: a run killed while exporting is published in the
lake, and the export still shows the previous run until the next run or
`maintain` writes it again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from eventledger.transforms.schemas import ALL_TABLES, DOCUMENT_TABLES, RUN_TABLES
from eventledger.warehouse import ddl, faults, runlog
from eventledger.warehouse.extensions import sql_text

DB_NAME = "events.duckdb"
MANIFEST = "manifest.json"
TMP_SUFFIX = ".tmp"
#: Exports kept: the current one and the one before, for readers that opened it just before a switch.
KEEP_EXPORTS = 2
#: When the export is written (the `export` setting).
EXPORT_EVERY_RUN, EXPORT_ON_MAINTAIN, EXPORT_NEVER = "run", "maintain", "never"
EXPORT_CHOICES = (EXPORT_EVERY_RUN, EXPORT_ON_MAINTAIN, EXPORT_NEVER)


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


def read_current(paths: WarehousePaths, tables: dict[str, pa.Schema] = ALL_TABLES) -> dict[str, pa.Table]:
    """The tables of the current export (empty tables where none): how a warehouse from before the lake is migrated."""
    folder = current_dir(paths)
    parquet = folder / "parquet" if folder is not None else None
    return {
        name: _read_table(parquet / name, schema) if parquet is not None else schema.empty_table()
        for name, schema in tables.items()
    }


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
    for name, table in tables.items():
        target = folder / name
        target.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target / "part-0.parquet", compression="zstd")
        written[name] = {"rows": table.num_rows, "files": [f"parquet/{name}/part-0.parquet"]}
    return written


def build_database(db_path: Path, parquet_dir: Path, tables: list[str] | None = None, run_id: str | None = None) -> None:
    """A fresh DuckDB file from a Parquet tree: DDL, load and views in one transaction, then a checkpoint.

    The tables are created from the contract (warehouse/ddl.py), the views by the files of
    `ddl.VIEW_FILES` (`events_flat` and the analyst views).
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
        con.execute(ddl.create_views())
        if run_id is not None:
            con.execute(f"CREATE VIEW current_run AS SELECT * FROM pipeline_runs WHERE run_id = '{sql_text(run_id)}'")
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


def _prune_run_folders(folder: Path, keep: int, current: str | None) -> None:
    """Keep the newest `keep` complete per-run folders (names sort by time), always `current`."""
    if not folder.is_dir():
        return
    complete = sorted(p for p in folder.iterdir() if p.is_dir() and runlog.is_run_id(p.name))  # ours only
    for old in complete[: max(0, len(complete) - max(keep, 1))]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def _write_views(db_path: Path, parquet_dir: Path) -> dict[str, dict]:
    """Each view of the finished database as Parquet, `parquet/<view>/part-0.parquet`, for tools that read only files.

    The rows come from the database just built, so they are the same run's;
    the views are small next to the tables but for `events_flat`, which
    repeats each event's sentence text.
    """
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return _write_parquet(parquet_dir, {name: con.execute(f"SELECT * FROM {name}").fetch_arrow_table()
                                            for name in ddl.view_names()})  # `name`: our own view
    finally:
        con.close()


def _manifest(run_id: str, written: dict[str, dict], views: dict[str, dict] | None = None) -> dict:
    return {
        "run_id": run_id,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "database": DB_NAME,
        "tables": written,
        "views": views or {},
    }




def export(paths: WarehousePaths, tables: dict[str, pa.Table], run_id: str) -> Path:
    """Write the export of run `run_id` (all tables) and switch `DIR/current` to it; prune old exports.

    Call it holding the warehouse lock. A no-op when that export is current already.
    """
    final = paths.snapshots / run_id
    if current_snapshot(paths) == run_id and final.is_dir():
        return final
    paths.snapshots.mkdir(parents=True, exist_ok=True)
    staging = paths.snapshots / f"{run_id}{TMP_SUFFIX}"
    if staging.exists():
        shutil.rmtree(staging)
    if final.exists():
        shutil.rmtree(final)
    staging.mkdir()
    full = {name: (tables[name] if name in tables else schema.empty_table()).cast(schema)
            for name, schema in ALL_TABLES.items()}
    written = _write_parquet(staging / "parquet", full)
    build_database(staging / DB_NAME, staging / "parquet", run_id=run_id)
    views = _write_views(staging / DB_NAME, staging / "parquet")
    (staging / MANIFEST).write_text(json.dumps(_manifest(run_id, written, views), indent=2), encoding="utf-8")
    _fsync_tree(staging)
    os.replace(staging, final)
    _fsync(paths.snapshots)
    _replace_symlink(paths.current, os.path.join("snapshots", run_id))
    _ensure_links(paths)
    _fsync(paths.root)
    _prune_run_folders(paths.snapshots, KEEP_EXPORTS, run_id)
    return final


def is_staging(name: str) -> bool:
    """A run's temporary folder (`<run_id>.tmp`): only those are cleaned up, never a user's `*.tmp`."""
    return name.endswith(TMP_SUFFIX) and runlog.is_run_id(name[: -len(TMP_SUFFIX)])


def remove_leftovers(paths: WarehousePaths) -> list[str]:
    """Remove what a killed export left: its temporary folder and links (never the current export)."""
    removed = []
    if paths.snapshots.is_dir():
        for item in sorted(paths.snapshots.iterdir()):
            if is_staging(item.name):
                shutil.rmtree(item, ignore_errors=True)
                removed.append(str(item))
    links = [paths.root / f".{link.name}{TMP_SUFFIX}" for link in (paths.current, paths.parquet, paths.database)]
    for leftover in links + list(paths.root.glob(f"{DB_NAME}.*{TMP_SUFFIX}*")):  # `_replace_symlink`'s
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed.append(str(leftover))
    current = current_snapshot(paths)
    for name in kept_exports(paths):  # complete, newer than the current one: killed before its switch
        if current is not None and name > current:
            shutil.rmtree(paths.snapshots / name, ignore_errors=True)
            removed.append(str(paths.snapshots / name))
    if current is not None and (paths.snapshots / current).is_dir():
        if not paths.current.is_symlink():
            _replace_symlink(paths.current, os.path.join("snapshots", current))
        _ensure_links(paths)
    return removed


def kept_exports(paths: WarehousePaths) -> list[str]:
    """The complete exports, oldest first (their names are run ids, which sort by time)."""
    if not paths.snapshots.is_dir():
        return []
    return sorted(p.name for p in paths.snapshots.iterdir() if p.is_dir() and runlog.is_run_id(p.name))
