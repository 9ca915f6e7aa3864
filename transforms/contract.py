"""The warehouse contract: every published table's columns, read from `contract.toml`.

Columns used to be declared four times (Arrow schemas, DDL, GX suites, run
record code) and only their names were compared. Now `contract.toml` declares
each column once, with its type, nullability, key, allowed values, foreign key
and description, and the other forms are derived from it: the Arrow schemas
(`transforms/schemas.py`), the DuckDB DDL (`warehouse/ddl.py`) and the basic
expectations (`expectations/basic.py`). This module only reads the file and
refuses a declaration the derivations could not agree on (an unknown type, a
nullable key, a dangling reference), so a mistake fails at the first use, not
in the middle of a publish.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

CONTRACT_FILE = Path(__file__).with_name("contract.toml")

#: The type vocabulary of the contract; each derivation maps every one of them.
TYPES = ("string", "int8", "int32", "int64", "float64", "bool", "date", "timestamp", "list<string>")

#: Table and column names are used unquoted in SQL and as Parquet names.
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TABLE_KEYS = {"description", "spec", "columns"}
_COLUMN_KEYS = {"name", "type", "nullable", "description", "primary_key", "allowed_values", "references", "spec"}


class ContractError(ValueError):
    """The declaration is inconsistent; the message names the table and column."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    description: str
    primary_key: bool = False
    allowed_values: tuple | None = None
    references: str | None = None  # "table.column"
    spec: bool = False  # named in ../shared/spec/WAREHOUSE.md


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    spec: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def primary_key(self) -> list[str]:
        """The key columns in table order ([] for a table without a key)."""
        return [c.name for c in self.columns if c.primary_key]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


@functools.cache
def load(path: Path = CONTRACT_FILE) -> Mapping[str, Table]:
    """Every table of the contract, in declaration order (read once per path, read-only)."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    tables = {name: _table(name, spec) for name, spec in raw.items()}
    _check_references(tables)
    return MappingProxyType(tables)


def table(name: str) -> Table:
    """One table of the contract."""
    return load()[name]


def _table(name: str, raw) -> Table:
    if not isinstance(raw, dict):
        raise ContractError(f"{name}: expected a table")
    if not _NAME.fullmatch(name):
        raise ContractError(f"{name}: a table name is lowercase letters, digits and underscores")
    _no_unknown_keys(name, raw, _TABLE_KEYS)
    _one_line(name, raw.get("description"))
    columns = tuple(_column(name, item) for item in raw.get("columns") or ())
    if not columns:
        raise ContractError(f"{name}: no columns")
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ContractError(f"{name}: a column is declared twice")
    return Table(name, raw["description"], columns, spec=bool(raw.get("spec", False)))


def _column(table_name: str, raw) -> Column:
    if not isinstance(raw, dict):
        raise ContractError(f"{table_name}: a column is an inline table {{ name = ..., type = ..., ... }}")
    where = f"{table_name}.{raw.get('name')}"
    _no_unknown_keys(where, raw, _COLUMN_KEYS)
    for key in ("name", "type", "nullable", "description"):
        if key not in raw or raw[key] in ("", None):
            raise ContractError(f"{where}: missing {key}")
    _one_line(where, raw["description"])
    if not _NAME.fullmatch(str(raw["name"])):
        raise ContractError(f"{where}: a column name is lowercase letters, digits and underscores")
    if not all(isinstance(raw.get(key, False), bool) for key in ("nullable", "primary_key", "spec")):
        raise ContractError(f"{where}: nullable, primary_key and spec are true or false")
    if raw["type"] not in TYPES:
        raise ContractError(f"{where}: unknown type {raw['type']!r} (one of {', '.join(TYPES)})")
    if raw.get("primary_key") and raw["nullable"]:
        raise ContractError(f"{where}: a primary key column cannot be nullable")
    allowed = raw.get("allowed_values")
    if allowed is not None and not (isinstance(allowed, list) and allowed):
        raise ContractError(f"{where}: allowed_values must be a non-empty list")
    return Column(
        name=raw["name"],
        type=raw["type"],
        nullable=bool(raw["nullable"]),
        description=raw["description"],
        primary_key=bool(raw.get("primary_key", False)),
        allowed_values=tuple(allowed) if allowed is not None else None,
        references=raw.get("references"),
        spec=bool(raw.get("spec", False)),
    )


def _one_line(where: str, description) -> None:
    if not isinstance(description, str) or not description.strip() or "\n" in description:
        raise ContractError(f"{where}: the description must be one line of text")


def _no_unknown_keys(where: str, raw: dict, known: set[str]) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ContractError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _check_references(tables: dict[str, Table]) -> None:
    for table_ in tables.values():
        for column in table_.columns:
            if column.references is None:
                continue
            target_table, _, target_column = column.references.partition(".")
            where = f"{table_.name}.{column.name}"
            if target_table not in tables or target_column not in tables[target_table].column_names:
                raise ContractError(f"{where}: references unknown column {column.references!r}")
            if tables[target_table].column(target_column).type != column.type:
                raise ContractError(f"{where}: type differs from the referenced {column.references}")
