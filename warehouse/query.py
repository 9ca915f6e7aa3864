"""Read-only access to a published warehouse, for `eventledger query` and `eval`.

Its two user errors (no warehouse published yet, SQL without a statement)
carry messages that say what to do; the command line prints them on one line.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.publish import WarehousePaths


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


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: queries cannot change the warehouse, and runs are not blocked."""
    path = WarehousePaths(Path(root)).database
    if not path.exists():
        raise WarehouseMissing(f"nothing is published in {root} yet (no {path.name}): "
                               f"run `eventledger run <files> --warehouse {root}` first")
    return duckdb.connect(str(path), read_only=True)


def fetch(root: Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a query."""
    con = connect(root)
    try:
        cursor = con.execute(sql, params or [])
        if cursor is None:  # only comments or semicolons
            raise EmptyQuery(sql)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall()
    finally:
        con.close()


def format_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """A plain-text table that reads well in a terminal and in a log."""
    def cell(value) -> str:
        text = "NULL" if value is None else str(value)
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    rule = "  ".join("-" * w for w in widths)
    out = [line, rule] + ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in body]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
