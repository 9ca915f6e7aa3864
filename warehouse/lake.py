"""The warehouse's system of record: a DuckLake (a catalog database plus Parquet data files).

Why a table format (issue 9): a run used to rewrite the whole warehouse, so
each run cost as much as everything published so far. On DuckLake a run is
one transaction of the catalog that deletes the rows of the documents it
replaces and inserts its new rows; it writes only what changed, readers see
the previous snapshot until the commit and the new one after it, and every
commit is a snapshot that can be read again (`query --as-of RUN_ID`). The
comparison with Iceberg and the spike behind this choice: docs/storage.md.

Where the lake lives is written once, when it is created, in `DIR/lake.json`
(see `Location`): by default a SQLite catalog `DIR/lake/catalog.sqlite` and
data files under `DIR/lake/data/`; for many machines a PostgreSQL catalog and
a data path on object storage. Readers find the lake through that file,
which also marks `DIR` as a warehouse eventledger made.

DuckLake has no PRIMARY KEY or UNIQUE constraint: the tables here keep the
contract's NOT NULL, and a run checks its new keys against the rows already
published inside its transaction, before the commit (`stage_run`).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from eventledger.transforms import contract
from eventledger.transforms.schemas import ALL_TABLES, DOCUMENT_TABLES
from eventledger.transforms.tables import merge_actor_rows
from eventledger.warehouse import ddl, extensions, faults

LAKE_FILE = "lake.json"
DEFAULT_CATALOG = "lake/catalog.sqlite"
DEFAULT_DATA = "lake/data"
#: What DIR/lake.json holds for a lake in the default place.
LAKE_JSON_DEFAULT = {"format": "ducklake", "catalog": f"sqlite:{DEFAULT_CATALOG}", "data_path": DEFAULT_DATA}
ALIAS = "lake"
#: The author name DuckLake stores with every snapshot a run commits.
AUTHOR = "eventledger"
#: The newest published run of the snapshot being read (at `--as-of`, the run that made it).
CURRENT_RUN_VIEW = ("CREATE OR REPLACE VIEW current_run AS SELECT * FROM pipeline_runs "
                    "WHERE status = 'published' ORDER BY run_id DESC LIMIT 1")
#: Tables whose rows belong to a document (deleted with it when a run replaces or prunes it).
BY_DOCUMENT = ("sentences", "events", "quarantine", "documents")


class LakeMissing(RuntimeError):
    """The folder has no lake yet (nothing published, or a warehouse from before the lake)."""


class KeyCollision(RuntimeError):
    """A run's new rows carry keys that rows published by other documents already have."""


@dataclass(frozen=True)
class Location:
    """Where a lake's catalog and data are: `sqlite:PATH` or `postgres:CONNINFO`, and a data folder or URL.

    A SQLite path or data folder that is relative is relative to the
    warehouse folder, so a warehouse can be moved or copied as a whole.
    """

    catalog: str
    data_path: str

    @property
    def kind(self) -> str:
        return self.catalog.split(":", 1)[0]

    def resolved(self, root: Path) -> Location:
        """Relative local paths made absolute against the warehouse folder `root`."""
        kind, _, target = self.catalog.partition(":")
        if kind == "sqlite" and not os.path.isabs(target):
            target = str(Path(root).absolute() / target)
        data = self.data_path
        if "://" not in data and not os.path.isabs(data):
            data = str(Path(root).absolute() / data)
        return Location(f"{kind}:{target}", data)

    def extensions(self) -> tuple[str, ...]:
        return ("ducklake", "postgres_scanner" if self.kind == "postgres" else "sqlite_scanner")


def default_location(catalog: str | None = None, data_path: str | None = None) -> Location:
    """The location a new lake gets from the settings (`catalog`, `data_path`), or the defaults."""
    return Location(catalog or f"sqlite:{DEFAULT_CATALOG}", data_path or DEFAULT_DATA)


def read_location(root: Path) -> Location | None:
    """The lake `DIR/lake.json` names, resolved; None when the folder has none."""
    path = Path(root) / LAKE_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Location(data["catalog"], data["data_path"]).resolved(Path(root))


def write_location(root: Path, location: Location) -> None:
    """Record where the lake is (written once, when the lake is created; replaced by one rename)."""
    path = Path(root) / LAKE_FILE
    tmp = path.with_name(f".{LAKE_FILE}.tmp")
    tmp.write_text(json.dumps({"format": "ducklake", "catalog": location.catalog,
                               "data_path": location.data_path}, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def exists(root: Path) -> bool:
    return (Path(root) / LAKE_FILE).is_file()


# -- connecting ---------------------------------------------------------------------------


class LakeConnection:
    """A connection with a lake attached under its own name, which `close` detaches.

    Connections share this process's DuckDB instance (extensions.shared), so
    each attach needs a name of its own; `alias` is that name, and
    everything else is the DuckDB connection's.
    """

    def __init__(self, cursor: duckdb.DuckDBPyConnection, alias: str) -> None:
        self._cursor = cursor
        self.alias = alias

    def __getattr__(self, name: str):
        return getattr(self._cursor, name)

    def close(self) -> None:
        """Roll back what was not committed, detach the lake, close the cursor."""
        for statement in ("ROLLBACK", "USE memory", f"DETACH {self.alias}"):
            try:
                self._cursor.execute(statement)
            except duckdb.Error:  # no open transaction, or already detached
                pass
        self._cursor.close()


_ATTACHED = itertools.count(1)


def alias_of(con) -> str:
    """The name the lake is attached under on this connection."""
    return getattr(con, "alias", ALIAS)


def attach(location: Location, read_only: bool = True, snapshot_version: int | None = None,
           private: bool = False):
    """A connection with the lake attached and made the default database.

    Read-only unless asked: a reader never blocks a run (the catalog is read
    at a snapshot) and cannot write. A writer stores every row in Parquet
    (no inlining in the catalog), so the data files hold the whole table.
    `private`: an in-memory DuckDB of its own, the lake attached as `lake`
    (for `query`, which locks the instance's settings); otherwise a
    LakeConnection on the process's shared instance.
    """
    if private:
        con, alias = extensions.connect(location.extensions()), ALIAS
    else:
        con, alias = extensions.shared(location.extensions()), f"{ALIAS}_{next(_ATTACHED)}"
    try:
        # the data path from DIR/lake.json, not the one the catalog stored at creation: a warehouse
        # folder that was moved or copied reads and writes its own data files
        options = [f"DATA_PATH '{extensions.sql_text(folder(location.data_path))}'", "OVERRIDE_DATA_PATH TRUE"]
        options.append("READ_ONLY" if read_only else "DATA_INLINING_ROW_LIMIT 0")
        if snapshot_version is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
        con.execute(f"ATTACH 'ducklake:{extensions.sql_text(location.catalog)}' AS {alias} ({', '.join(options)})")
        con.execute(f"USE {alias}")
    except BaseException:
        con.close()
        raise
    return con if private else LakeConnection(con, alias)


def open_lake(root: Path, read_only: bool = True, snapshot_version: int | None = None) -> duckdb.DuckDBPyConnection:
    """Attach the lake of warehouse `root`; LakeMissing when it has none."""
    location = read_location(root)
    if location is None:
        raise LakeMissing(f"{root} has no lake ({LAKE_FILE})")
    return attach(location, read_only=read_only, snapshot_version=snapshot_version)


def create(root: Path, location: Location) -> duckdb.DuckDBPyConnection:
    """Create the lake (catalog, data folder, tables, views) and record it in `DIR/lake.json`; a writer's connection."""
    resolved = location.resolved(root)
    if resolved.kind == "sqlite":
        write_ahead_log(Path(resolved.catalog.split(":", 1)[1]))
    if "://" not in resolved.data_path:
        Path(resolved.data_path).mkdir(parents=True, exist_ok=True)
    con = attach(resolved, read_only=False)
    con.execute("BEGIN TRANSACTION")  # one catalog commit for every table and view, not one each
    ensure_schema(con)
    con.execute("COMMIT")
    write_location(root, location)
    return con


def write_ahead_log(catalog: Path) -> None:
    """Create the SQLite catalog in WAL mode, so that readers never block a run's commit.

    In SQLite's default journal mode a reader that attached the lake and ran
    a query keeps a shared lock between its queries, and the next commit
    fails with "database is locked" (tests/test_lake.py shows it). In WAL
    mode readers and the one writer do not block each other. The mode is
    stored in the file, so it is set once, here, before DuckLake makes its
    tables. (WAL needs the catalog on a local disk, not a network share.)
    """
    import sqlite3

    catalog.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(catalog)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def folder(path: str) -> str:
    """A folder path or URL as DuckDB wants a directory: with a trailing slash."""
    return path if path.endswith("/") else path + "/"


# -- schema ------------------------------------------------------------------------------


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every contract table, with columns added since the lake was made; the views. Idempotent."""
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main'",
        [alias_of(con)],
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    for table in contract.load().values():
        if table.name not in existing:
            con.execute(ddl.create_table(table, keys=False))
            continue
        for column in table.columns:
            if column.name not in existing[table.name]:  # added to the contract since: NULL for older rows
                con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {ddl.DUCKDB_TYPES[column.type]}")
    con.execute(ddl.create_views())  # events_flat and the analyst views (ddl.VIEW_FILES)
    con.execute(CURRENT_RUN_VIEW)


# -- reading --------------------------------------------------------------------------------


def read_table(con: duckdb.DuckDBPyConnection, name: str, where: str = "", params: list | None = None) -> pa.Table:
    """One table in the contract's Arrow schema (columns in contract order).

    Columns added to the contract since the lake was made read as NULL
    (a reader cannot add them; the next run does: `ensure_schema`).
    """
    schema = ALL_TABLES[name]
    present = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?", [name]).fetchall()}
    types = {c.name: ddl.DUCKDB_TYPES[c.type] for c in contract.load()[name].columns}
    columns = ", ".join(c if c in present else f"NULL::{types[c]} AS {c}" for c in schema.names)
    table = con.execute(f"SELECT {columns} FROM {name} {where}", params or []).fetch_arrow_table()
    return table.cast(schema)


def read_tables(con: duckdb.DuckDBPyConnection, names: Iterable[str] = ALL_TABLES) -> dict[str, pa.Table]:
    return {name: read_table(con, name) for name in names}


def rows_of_documents(con: duckdb.DuckDBPyConnection, name: str, doc_ids: set[str]) -> pa.Table:
    """The published rows of table `name` that belong to the documents `doc_ids`."""
    if not doc_ids:
        return ALL_TABLES[name].empty_table()
    con.register("wanted_documents", pa.table({"document_id": sorted(doc_ids)}))
    try:
        return read_table(con, name, "WHERE document_id IN (SELECT document_id FROM wanted_documents)")
    finally:
        con.unregister("wanted_documents")


def count_of_documents(con: duckdb.DuckDBPyConnection, name: str, doc_ids: set[str]) -> int:
    """How many published rows of table `name` belong to the documents `doc_ids`."""
    con.register("wanted_documents", pa.table({"document_id": sorted(doc_ids)}))
    try:
        (n,) = con.execute(f"SELECT count(*) FROM {name} WHERE document_id IN "
                           "(SELECT document_id FROM wanted_documents)").fetchone()
    finally:
        con.unregister("wanted_documents")
    return n


def filter_documents(table: pa.Table, doc_ids: set[str]) -> pa.Table:
    """The rows of an Arrow table that belong to the documents `doc_ids`."""
    if table.num_rows == 0 or not doc_ids:
        return table.slice(0, 0)
    return table.filter(pc.is_in(table["document_id"], value_set=pa.array(sorted(doc_ids), pa.string())))


@dataclass(frozen=True)
class Snapshot:
    """A lake snapshot that a run committed."""

    version: int
    run_id: str
    committed_at: object


def run_snapshots(con: duckdb.DuckDBPyConnection) -> list[Snapshot]:
    """The snapshots runs made, oldest first (others: schema changes, maintenance)."""
    found = []
    for version, at, info in con.execute(
        f"SELECT snapshot_id, snapshot_time, commit_extra_info FROM {alias_of(con)}.snapshots() ORDER BY snapshot_id"
    ).fetchall():
        run_id = _run_id_of(info)
        if run_id is not None:
            found.append(Snapshot(version, run_id, at))
    return found


def _run_id_of(extra_info: str | None) -> str | None:
    if not extra_info:
        return None
    try:
        value = json.loads(extra_info)
    except ValueError:
        return None
    return value.get("run_id") if isinstance(value, dict) else None


def latest_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run whose commit made the lake's newest run snapshot."""
    snapshots = run_snapshots(con)
    return snapshots[-1].run_id if snapshots else None


def published_run(root: Path) -> str | None:
    """The newest run committed to the lake of `root` (None without a lake)."""
    if not exists(root):
        return None
    con = open_lake(root)
    try:
        return latest_run(con)
    finally:
        con.close()


# -- writing a run ------------------------------------------------------------------------------


@dataclass
class RunChanges:
    """What one run changes: its new document rows and what it found again, moved, or no longer sees."""

    tables: dict[str, pa.Table]
    seen_ids: set[str] = field(default_factory=set)
    relocations: dict[str, tuple[str, str]] = field(default_factory=dict)
    prune: bool = False
    run_rows: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def replaces_everything(self) -> bool:
        """Pruning with nothing found unchanged: every published document goes, whatever the rows say."""
        return self.prune and not self.seen_ids


@dataclass
class Staged:
    """What `stage_run` did inside the open transaction (for the summary and the tests)."""

    replaced: set[str]
    inserted: dict[str, int]


def replaced_documents(published: list[tuple[str, str]], new_docs: pa.Table, seen_ids: set[str],
                       prune: bool) -> set[str]:
    """The published documents a run replaces: same content id, or new content at the same path.

    `published`: (document_id, source_uri) pairs. A document this run found
    again unchanged (`seen_ids`) stays as it is. With `prune`, documents the
    run did not see at all go too.
    """
    new_ids = set(new_docs["document_id"].to_pylist())
    new_uris = set(new_docs["source_uri"].to_pylist())
    replaced = set()
    for doc_id, uri in published:
        if doc_id in seen_ids and doc_id not in new_ids:
            continue
        if doc_id in new_ids or uri in new_uris or prune:
            replaced.add(doc_id)
    return replaced


def stage_run(con: duckdb.DuckDBPyConnection, run_id: str, changes: RunChanges) -> Staged:
    """Open the run's transaction and make every change in it, checked; the caller commits (`commit`).

    Order: delete the replaced documents' rows, move relocated documents,
    check that no new key is already taken, insert the new rows, merge the
    actors (aliases across runs; actors no event uses any more go), add the
    run tables' rows of runs the lake does not have yet, and name the
    snapshot after the run.
    """
    tables = {name: changes.tables.get(name, schema.empty_table()).cast(schema)
              for name, schema in DOCUMENT_TABLES.items()}
    con.execute("BEGIN TRANSACTION")
    ensure_schema(con)
    published = con.execute("SELECT document_id, source_uri, name FROM documents").fetchall()
    replaced = replaced_documents([(d, u) for d, u, _ in published], tables["documents"], changes.seen_ids,
                                  changes.prune)
    if replaced and changes.replaces_everything:
        _delete_all(con)  # decided by no row's content: what a run that repairs a damaged file needs
    elif replaced:
        _delete_documents(con, replaced)
    where_now = {d: (n, u) for d, u, n in published}
    moved = {d: where for d, where in changes.relocations.items()
             if d in where_now and d not in replaced and where_now[d] != tuple(where)}
    if moved:
        _move_documents(con, moved)
    inserted = {}
    for n, name in enumerate(("documents", "sentences", "citations", "events", "quarantine")):
        _check_new_keys(con, name, tables[name])
        inserted[name] = _insert(con, name, tables[name])
        if n == 0:
            faults.pause_point("parquet")
    inserted["actors"] = _merge_actors(con, tables["actors"], prune_unused=bool(replaced))
    for name, rows in _new_run_rows(con, changes.run_rows).items():
        inserted[name] = _insert(con, name, rows)
    con.execute(f"CALL {alias_of(con)}.set_commit_message(?, ?, extra_info => ?)",
                [AUTHOR, f"run {run_id}", json.dumps({"run_id": run_id})])
    return Staged(replaced, inserted)


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """The one step that publishes: readers move from the previous snapshot to this run's."""
    con.execute("COMMIT")


def _delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: set[str]) -> None:
    con.register("gone_documents", pa.table({"document_id": sorted(doc_ids)}))
    try:
        con.execute("DELETE FROM citations WHERE sentence_id IN (SELECT sentence_id FROM sentences "
                    "WHERE document_id IN (SELECT document_id FROM gone_documents))")
        for name in BY_DOCUMENT:
            con.execute(f"DELETE FROM {name} WHERE document_id IN (SELECT document_id FROM gone_documents)")
    finally:
        con.unregister("gone_documents")


def _delete_all(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("citations", *BY_DOCUMENT):
        con.execute(f"DELETE FROM {name}")


def _move_documents(con: duckdb.DuckDBPyConnection, moved: dict[str, tuple[str, str]]) -> None:
    """Give documents found unchanged at another path their new name and path, in one statement."""
    ids = sorted(moved)
    con.register("moved_documents", pa.table({"document_id": ids, "name": [moved[d][0] for d in ids],
                                              "source_uri": [moved[d][1] for d in ids]}))
    try:
        con.execute("UPDATE documents SET name = m.name, source_uri = m.source_uri FROM moved_documents m "
                    "WHERE documents.document_id = m.document_id")
    finally:
        con.unregister("moved_documents")


#: Tables whose keys are checked against every published row; the keys of the others contain the
#: document id (sentence ids) or are digests of such keys (event ids), so with the document's own rows
#: deleted first, a clash with another document is impossible unless it is inside the run's rows.
CHECKED_AGAINST_PUBLISHED = ("documents",)


def _check_new_keys(con: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> None:
    """Refuse new rows whose key is taken: by a published row (documents) or by another new row (all tables).

    DuckLake has no UNIQUE constraint. Scanning every published key of
    `events` costs half a second at 10 million events (benchmarks/README.md),
    so only `documents` is checked against the table (see CHECKED_AGAINST_PUBLISHED).
    """
    key = contract.load()[name].primary_key
    if rows.num_rows == 0 or not key:
        return
    con.register("incoming_keys", rows.select(list(key)))
    try:
        columns = ", ".join(key)
        (taken,) = con.execute(f"SELECT count(*) - count(DISTINCT ({columns})) FROM incoming_keys").fetchone()
        if not taken and name in CHECKED_AGAINST_PUBLISHED:
            on = " AND ".join(f"t.{k} = i.{k}" for k in key)
            (taken,) = con.execute(f"SELECT count(*) FROM {name} t JOIN incoming_keys i ON {on}").fetchone()
    finally:
        con.unregister("incoming_keys")
    if taken:
        raise KeyCollision(f"{taken} new {name} row(s) have a key ({', '.join(key)}) that another row already "
                           "has; nothing was published")


def _insert(con: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> int:
    """Insert Arrow rows (handed to DuckDB as a table, never as a path), columns by name."""
    if rows.num_rows == 0:
        return 0
    con.register("incoming_rows", rows)
    try:
        columns = ", ".join(rows.schema.names)
        con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")
    return rows.num_rows


def _merge_actors(con: duckdb.DuckDBPyConnection, new: pa.Table, prune_unused: bool) -> int:
    """Add the run's actors, their aliases merged with the published ones; drop actors no event uses."""
    if new.num_rows:
        ids = set(new["actor_id"].to_pylist())
        con.register("run_actors", pa.table({"actor_id": sorted(ids)}))
        try:
            old = read_table(con, "actors", "WHERE actor_id IN (SELECT actor_id FROM run_actors)")
            if old.num_rows:
                con.execute("DELETE FROM actors WHERE actor_id IN (SELECT actor_id FROM run_actors)")
        finally:
            con.unregister("run_actors")
        _insert(con, "actors", merge_actor_rows(old.to_pylist() + new.to_pylist()))
    if prune_unused:
        con.execute("DELETE FROM actors WHERE actor_id NOT IN ("
                    "SELECT source_actor_id FROM events WHERE source_actor_id IS NOT NULL UNION "
                    "SELECT target_actor_id FROM events WHERE target_actor_id IS NOT NULL)")
    return new.num_rows


def _new_run_rows(con: duckdb.DuckDBPyConnection, run_rows: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The run tables' rows of runs not in the lake yet (a record, once written by its run's end, never changes)."""
    runs = run_rows.get("pipeline_runs")
    if runs is None or runs.num_rows == 0:
        return {}
    known = {r for (r,) in con.execute("SELECT run_id FROM pipeline_runs").fetchall()}
    fresh = [r for r in runs["run_id"].to_pylist() if r not in known]
    if not fresh:
        return {}
    wanted = pa.array(fresh, pa.string())
    return {name: rows.filter(pc.is_in(rows["run_id"], value_set=wanted)).cast(ALL_TABLES[name])
            for name, rows in run_rows.items()}
