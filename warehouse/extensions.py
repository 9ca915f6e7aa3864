"""DuckDB with the DuckLake extensions loaded from the installed packages, never from the internet.

Why not `INSTALL ducklake`: that downloads from DuckDB's extension server,
which a scheduled run on a closed network cannot reach, and which would give
whatever version the server has that day. The extensions are pip packages
pinned with DuckDB itself in pyproject.toml (`duckdb-extension-ducklake`,
`duckdb-extension-sqlite-scanner`, `duckdb-extension-postgres-scanner`, all
of DuckDB's own version), so the lock file fixes them and they install
offline. DuckDB checks each file's signature when it loads it.

Autoinstall and autoload are off on every connection made here: an
extension that is not loaded explicitly is an error, not a download.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

#: The extensions a lake needs, by the package that carries each: the format, and its two catalog databases.
PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}


class ExtensionMissing(RuntimeError):
    """An extension package is not installed, or not for this DuckDB version."""


def extension_file(name: str) -> Path:
    """The installed `<name>.duckdb_extension` built for the running DuckDB version."""
    package = PACKAGES[name]
    spec = importlib.util.find_spec(package)
    version = duckdb.__version__
    if spec is None or spec.origin is None:
        raise ExtensionMissing(f"the DuckDB extension {name} is not installed: pip install "
                               f"'{package.replace('_', '-')}=={version}' (make install does it)")
    path = Path(spec.origin).parent / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissing(f"the installed {package.replace('_', '-')} is not for DuckDB {version}: "
                               f"install the same version as duckdb (make install does it)")
    return path


def connect(extensions: tuple[str, ...] = ("ducklake", "sqlite_scanner"), database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with `extensions` loaded from their packages, and no other way to get one."""
    con = duckdb.connect(database, config={"autoinstall_known_extensions": False,
                                           "autoload_known_extensions": False})
    try:
        for name in extensions:
            con.execute(f"LOAD '{sql_text(str(extension_file(name)))}'")
    except BaseException:
        con.close()
        raise
    return con


_SHARED: duckdb.DuckDBPyConnection | None = None
_SHARED_LOADED: set[str] = set()


def shared(extensions: tuple[str, ...]) -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) to this process's one DuckDB instance for eventledger's own use.

    Why one instance: DuckDB checks an extension's signature each time it is
    loaded into an instance, about 0.25 s each, and a run opened the lake
    three or four times. Loaded once here, every later connection is cheap.
    Never for `query`: its connection locks settings that hold for the whole
    instance (warehouse/query.py makes its own).
    """
    global _SHARED
    if _SHARED is None:
        _SHARED = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                     "autoload_known_extensions": False})
    for name in extensions:
        if name not in _SHARED_LOADED:
            _SHARED.execute(f"LOAD '{sql_text(str(extension_file(name)))}'")
            _SHARED_LOADED.add(name)
    return _SHARED.cursor()


def sql_text(value: str) -> str:
    """A value inside a SQL string literal, where DuckDB takes no parameter (LOAD, ATTACH, a view): it's -> it''s."""
    return value.replace("'", "''")
