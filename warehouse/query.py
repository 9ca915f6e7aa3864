"""Read-only access to a published warehouse, for `eventledger query` and `eval`.

Read-only in fact, not only in name: see `lock_down`.

Its two user errors (no warehouse published yet, SQL without a statement)
carry messages that say what to do; the command line prints them on one line.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import duckdb

from eventledger.warehouse import lake
from eventledger.warehouse.extensions import sql_text
from eventledger.warehouse.export import DB_NAME, WarehousePaths


#: What to type instead of empty SQL.
EXAMPLE = 'eventledger query "SELECT count(*) FROM events"'


class WarehouseMissing(RuntimeError):
    """No database has been published in that folder yet."""


class EmptyQuery(ValueError):
    """The SQL holds no statement (empty, blank or only comments): DuckDB would return no result at all."""

    def __init__(self, sql: str) -> None:
        what = "is empty" if not sql.strip() else "holds no statement"
        super().__init__(f"the SQL {what}: give a query, e.g. {EXAMPLE}")


def check_sql(sql: str) -> None:
    """Refuse blank SQL before the warehouse is even opened (a usage mistake, whatever the warehouse)."""
    if not sql.strip():
        raise EmptyQuery(sql)


class SnapshotNotKept(LookupError):
    """`--as-of` names a run whose snapshot is not (or no longer) in the warehouse."""


def snapshot_database(root: Path, run_id: str) -> Path:
    """The database of a pre-lake warehouse's snapshot of run `run_id` (time travel before the migration)."""
    paths = WarehousePaths(Path(root))
    folder = paths.snapshots / run_id
    if Path(run_id).name != run_id or run_id.startswith(".") or not (folder / DB_NAME).is_file():
        kept = sorted(p.name for p in paths.snapshots.iterdir() if (p / DB_NAME).is_file()) \
            if paths.snapshots.is_dir() else []
        raise SnapshotNotKept(_not_kept(root, run_id, kept))
    return folder / DB_NAME


def _not_kept(root: Path, run_id: str, kept: list[str]) -> str:
    listed = ", ".join(kept[-5:]) if kept else "none"
    return (f"run {run_id} has no snapshot in {root} (never published, or past the retention "
            f"of keep_snapshots); kept: {listed}")


def snapshot_version(con: duckdb.DuckDBPyConnection, root: Path, run_id: str) -> int:
    """The lake snapshot a published run committed, while the retention keeps it."""
    snapshots = lake.run_snapshots(con)
    for snapshot in snapshots:
        if snapshot.run_id == run_id:
            return snapshot.version
    raise SnapshotNotKept(_not_kept(root, run_id, [s.run_id for s in snapshots]))


def connect(root: Path, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection: queries cannot change the warehouse, and runs are not blocked.

    It reads the lake at its newest snapshot, or, with `as_of`, at the
    snapshot a published run made (time travel). A warehouse from before the
    lake, not yet migrated by a run, is read through its DuckDB file.
    """
    root = Path(root)
    location = lake.read_location(root)
    if location is not None:
        con = lake.attach(location, private=True)
        if as_of is not None:
            version = snapshot_version(con, root, as_of)
            con.close()
            con = lake.attach(location, snapshot_version=version, private=True)
        return lock_down(con, readable=[location.data_path])
    path = WarehousePaths(root).database
    if not path.exists():
        raise WarehouseMissing(f"nothing is published in {root} yet (no {lake.LAKE_FILE}): "
                               f"run `eventledger run <files> --warehouse {shlex.quote(str(root))}` first")
    if as_of is not None:
        path = snapshot_database(root, as_of)
    return lock_down(duckdb.connect(str(path), read_only=True))


def lock_down(con: duckdb.DuckDBPyConnection, readable: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Make a reader's connection unable to write anywhere, and keep it so.

    A read-only database still lets SQL write files (`COPY ... TO` any path,
    the published Parquet included), attach other databases read-write,
    install extensions and change settings. With external access off, DuckDB
    refuses every file system operation but reading the attached databases
    and the `readable` folders (the lake's data files), and locking the
    configuration stops a query from turning that back on. Writing into a
    readable folder is refused by `check_read_only` (only queries run).
    """
    if readable:
        folders = ", ".join("'" + sql_text(lake.folder(f)) + "'" for f in readable)
        con.execute(f"SET allowed_directories = [{folders}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


#: Statements `query` runs: queries, and EXPLAIN of them (SHOW, DESCRIBE, SUMMARIZE and PRAGMA read as SELECT).
READ_STATEMENTS = ("SELECT", "EXPLAIN")


class NotReadOnly(ValueError):
    """The SQL holds a statement that is not a query (COPY, INSERT, ATTACH, SET, ...)."""


def check_read_only(sql: str) -> None:
    """Refuse any statement that is not a query, before it runs (COPY ... TO could write the data folder)."""
    for statement in duckdb.extract_statements(sql):
        kind = str(statement.type).rsplit(".", 1)[-1]
        if kind not in READ_STATEMENTS:
            raise NotReadOnly(f"query runs only SELECT statements (and EXPLAIN), not {kind}: "
                              "the warehouse is read-only here; write results with --format csv > FILE")


def fetch(root: Path, sql: str, params: list | None = None, as_of: str | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a query (on the snapshot of run `as_of`, if given)."""
    con = connect(root, as_of)
    try:
        check_read_only(sql)
        cursor = con.execute(sql, params or [])
        if cursor is None:  # only comments or semicolons
            raise EmptyQuery(sql)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall()
    finally:
        con.close()


def format_table(columns: list[str], rows: list[tuple], max_width: int | None = None) -> str:
    """A plain-text table that reads well in a terminal and in a log: one row per line, columns aligned.

    Cells are whole by default: a query's answer is the data, and a cell cut
    at a fixed width hid the end of sentences and messages with no way to
    see them. `max_width` cuts longer cells (with "…") for a narrow screen.
    Line breaks inside a cell become spaces, so that a row stays one line.
    """
    body = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    out = [line, rule] + ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cell(value, max_width: int | None) -> str:
    """One value as table text: NULL for None, one line, cut to `max_width` characters if given."""
    text = "NULL" if value is None else str(value)
    text = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    if max_width is None or len(text) <= max_width:
        return text
    return text[: max_width - 1] + "…"
