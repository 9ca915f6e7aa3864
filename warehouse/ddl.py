"""The DuckDB DDL of the warehouse tables, generated from the contract.

The tables used to be written out by hand in `sql/ddl.sql`, a copy of the
Arrow schemas that only a name-by-name test kept in step. Now each column is
declared once in `transforms/contract.toml` and this module writes its
CREATE TABLE statements: the types, NOT NULL for non-nullable columns and the
PRIMARY KEY (inline for one column, a table constraint for several), which
give the same table definitions as the hand-written file did. References
between tables stay Great Expectations checks, not FOREIGN KEY constraints,
as before. The views stay hand-written SQL, in the files of `VIEW_FILES`
(`sql/views.sql`: `events_flat`; `sql/analyst_views.sql`: the analyst views),
run in that order by `create_views` in the lake and in the export.

`python -m eventledger.warehouse.ddl` prints the statements.
"""

from __future__ import annotations

import re
from pathlib import Path

from eventledger.transforms import contract

SQL_DIR = Path(__file__).parent / "sql"
#: The files that create the views, in the order they run (a view may read one made before it).
VIEW_FILES: tuple[str, ...] = ("views.sql", "analyst_views.sql")

#: The DuckDB type of each type of the contract's vocabulary (`contract.TYPES`).
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "int8": "TINYINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "list<string>": "VARCHAR[]",
}


def column_definition(column: contract.Column, single_key: bool, width: int = 0, keys: bool = True) -> str:
    """`name TYPE [PRIMARY KEY | NOT NULL]`; a one-column key is declared inline (it implies NOT NULL)."""
    parts = [column.name.ljust(width), DUCKDB_TYPES[column.type]]
    if column.primary_key and single_key and keys:
        parts.append("PRIMARY KEY")
    elif not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def create_table(table: contract.Table, keys: bool = True) -> str:
    """One CREATE TABLE statement, columns in contract order, each with its description as a comment.

    `keys=False` leaves out the PRIMARY KEY (key columns stay NOT NULL), for
    DuckLake, which has no key constraints (warehouse/lake.py checks keys).
    """
    key = table.primary_key
    width = max(len(name) for name in table.column_names)
    lines = [column_definition(c, single_key=len(key) == 1, width=width, keys=keys) for c in table.columns]
    if len(key) > 1 and keys:
        lines.append(f"PRIMARY KEY ({', '.join(key)})")
    comments = [f"  -- {c.description}" for c in table.columns] + [""] * (len(lines) - len(table.columns))
    body = [
        f"    {line}{',' if n < len(lines) - 1 else ''}{comment}"
        for n, (line, comment) in enumerate(zip(lines, comments))
    ]
    return "\n".join([f"-- {table.description}", f"CREATE TABLE {table.name} (", *body, ");"])


def create_tables() -> str:
    """The DDL of every table of the contract, in declaration order."""
    return "\n\n".join(create_table(t) for t in contract.load().values()) + "\n"


def create_views() -> str:
    """The SQL of every view (`CREATE OR REPLACE VIEW` statements), the files of `VIEW_FILES` in order."""
    return "\n\n".join((SQL_DIR / name).read_text(encoding="utf-8") for name in VIEW_FILES)


def view_names() -> list[str]:
    """The views `create_views` makes, in the order it makes them."""
    return re.findall(r"^CREATE OR REPLACE VIEW (\w+)", create_views(), re.M | re.I)


if __name__ == "__main__":
    print(create_tables(), end="")
