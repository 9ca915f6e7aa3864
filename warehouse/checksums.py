"""Checksums of the lake's files, so that damage done behind eventledger's back stops a run instead of spreading.

Why: a run writes only what changed. Every other row stays in the data
files that earlier runs wrote, and `maintain` copies those rows into new
files when it compacts. A file that something else changed would be read
as published truth. Examples: a tool that wrote Parquet into the wrong
folder, `COPY ... TO` from another DuckDB, a backup restored over it, a
disk that flipped bits. Its content would be copied into every export. After
one compaction it would sit in a new file that nobody could tell from a good
one.

So the SHA-256 of every data file and delete file of the lake's current
snapshot is recorded when it is published, in `DIR/checksums.json`. A run
checks them before it changes the lake (`publish`), and `maintain` before it
compacts. A mismatch stops with one line naming the file (`DataFileChanged`).
The way out is a restore of the file, or a run that replaces every document
(`--reextract --prune` over all inputs): that reuses no row of the damaged
file and deletes them all, so it is allowed through.

A file with no recorded checksum is recorded the first time it is seen,
without complaint. That happens for the lake of a version before this one,
or for a run killed between its commit and the record. Only a local data
path is checked: object storage keeps checksums of its own (ETags), and
reading every object on each run would cost more than the run.

Cost: each check reads every current file once: 0.4 s for a lake of a
million events (17 files, 91 MB, benchmarks/storage.py), then about a second
per GB (SHA-256 on two threads); a file whose size already differs is not read.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from eventledger.warehouse import lake

CHECKSUMS_FILE = "checksums.json"
ALGORITHM = "sha256"


class DataFileChanged(RuntimeError):
    """A lake file differs from what was published; the message names it and says how to repair."""


@dataclass(frozen=True)
class Changed:
    """One lake file whose content is not what was published."""

    path: str
    problem: str  # "missing", "size 6035 -> 6040 bytes" or "content differs (sha256)"


def local_data_path(root: Path) -> Path | None:
    """The lake's data folder when it is on this machine's file system, else None (not checked)."""
    location = lake.read_location(Path(root))
    if location is None or "://" in location.data_path:
        return None
    return Path(location.data_path)


def current_files(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every data file and delete file the lake's current snapshot reads, with its size in bytes."""
    alias = lake.alias_of(con)
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'",
        [alias]).fetchall()]
    if not tables:
        return {}
    listing = " UNION ALL ".join(  # one statement for all the tables
        "SELECT data_file, data_file_size_bytes, delete_file, delete_file_size_bytes FROM ducklake_list_files(?, ?)"
        for _ in tables)
    files: dict[str, int] = {}
    for data, data_size, delete, delete_size in con.execute(
            listing, [value for table in tables for value in (alias, table)]).fetchall():
        files[data] = int(data_size)
        if delete:
            files[delete] = int(delete_size)
    return files


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, ALGORITHM).hexdigest()


def _key(path: str, data_path: Path) -> str:
    """Paths relative to the data folder, so that a warehouse folder copied elsewhere keeps its checksums."""
    try:
        return Path(path).relative_to(data_path).as_posix()
    except ValueError:
        return path


def read(root: Path) -> dict[str, dict]:
    """The recorded checksums: {file relative to the data path: {"sha256": ..., "bytes": ...}}."""
    path = Path(root) / CHECKSUMS_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("files", {})


def _write(root: Path, files: dict[str, dict]) -> None:
    final = Path(root) / CHECKSUMS_FILE
    temporary = final.with_name(f".{CHECKSUMS_FILE}.tmp")
    temporary.write_text(json.dumps({"algorithm": ALGORITHM, "files": files}, indent=0, sort_keys=True),
                         encoding="utf-8")
    os.replace(temporary, final)


def _hash_all(paths: list[Path]) -> list[str]:
    """SHA-256 of each file, two at a time (hashlib lets go of the GIL while it reads and hashes)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(sha256_of, paths))


def check(con: duckdb.DuckDBPyConnection, root: Path) -> list[Changed]:
    """The current lake files that differ from their recorded checksum (files without one are not judged)."""
    data_path = local_data_path(root)
    if data_path is None:
        return []
    recorded = read(root)
    changed: list[Changed] = []
    to_hash: list[tuple[str, Path]] = []
    for path in current_files(con):
        seen = recorded.get(_key(path, data_path))
        if seen is None:
            continue
        if not os.path.isfile(path):
            changed.append(Changed(path, "missing"))
        elif (actual := os.path.getsize(path)) != seen["bytes"]:
            changed.append(Changed(path, f"size {seen['bytes']} -> {actual} bytes"))
        else:
            to_hash.append((path, seen[ALGORITHM]))
    digests = _hash_all([Path(p) for p, _ in to_hash])
    changed += [Changed(p, f"content differs ({ALGORITHM})") for (p, want), got in zip(to_hash, digests) if got != want]
    return sorted(changed, key=lambda c: c.path)


def verify(con: duckdb.DuckDBPyConnection, root: Path, doing: str) -> None:
    """Raise DataFileChanged, in one line, if a current lake file is not what was published."""
    changed = check(con, root)
    if not changed:
        return
    first = changed[0]
    more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
    raise DataFileChanged(
        f"lake file {first.path} changed since it was published ({first.problem}){more}: {doing} stopped, "
        "nothing was changed; restore the file from a backup, or replace every document with "
        "`eventledger run --reextract --prune` over all the inputs")


def record(con: duckdb.DuckDBPyConnection, root: Path, fresh: bool = False) -> int:
    """Record the checksum of every current lake file not recorded yet, forget files no longer current.

    `fresh`: hash every current file again, accepting what is there (after a
    run that replaced every document, so that no row of a damaged file is
    read any more). Returns how many files were hashed.
    """
    data_path = local_data_path(root)
    if data_path is None:
        return 0
    recorded = {} if fresh else read(root)
    current = current_files(con)
    kept = {_key(p, data_path): recorded[_key(p, data_path)] for p in current if _key(p, data_path) in recorded}
    new = [p for p in current if _key(p, data_path) not in kept and os.path.isfile(p)]
    for path, digest in zip(new, _hash_all([Path(p) for p in new])):
        kept[_key(path, data_path)] = {ALGORITHM: digest, "bytes": current[path]}
    _write(root, kept)
    return len(new)
