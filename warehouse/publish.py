"""Publish a run: one transaction of the lake, then the export, holding the writers' lock.

Layout of a warehouse folder `DIR`:

    DIR/lake.json                                 where the lake is (warehouse/lake.py); marks DIR as a warehouse
    DIR/lake/catalog.sqlite, DIR/lake/data/       the lake (default location): the system of record
    DIR/current, DIR/events.duckdb, DIR/parquet   the export for tools that cannot attach a lake (warehouse/export.py)
    DIR/runs/<run_id>.json                        one record per run, failed ones too
    DIR/checksums.json                            SHA-256 of each current lake file (warehouse/checksums.py)
    DIR/data_docs/<run_id>/index.html             the validation page of each run (expectations/runner.py)
    DIR/data_docs/latest/index.html               a copy of the newest one
    DIR/report.html, DIR/reports/<run_id>.html    the run report, written after the commit (warehouse/report.py)
    DIR/.lock                                     the writers' lock (warehouse/lock.py)

A run publishes by committing its changes to the lake (`lake.stage_run`,
then `lake.commit`): the rows of the documents it replaces are deleted and
its new rows inserted in one transaction, so it writes what changed, not the
whole warehouse. Before the commit readers see the previous snapshot, after
it the new one; a run killed at any moment before the commit changed nothing
a reader can see, and its data files are orphans that `recover` removes.
The commit and the run record that says "published" are written inside
`guard()` (the flow's signal guard), so an interrupted run is either not
published or published with a record that says so.

Existing warehouses from before the lake (a `DIR/current` snapshot and no
`DIR/lake.json`) are migrated by the first run that writes to them: the
current snapshot's tables go into a new lake in one commit, named after the
snapshot's run (`migrate`). Their snapshot folders become the export.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from eventledger.transforms.schemas import ALL_TABLES
from eventledger.warehouse import export as exports
from eventledger.warehouse import checksums, faults, lake, lock, runlog
from eventledger.warehouse import report as reports
from eventledger.warehouse.export import DB_NAME, TMP_SUFFIX, WarehousePaths, build_database, current_snapshot  # noqa: F401

DEFAULT_KEEP_SNAPSHOTS = 3


# -- which run is published --------------------------------------------------------------------


def published_run(root: Path) -> str | None:
    """The run the warehouse publishes now: the lake's newest run snapshot (the export's before the migration)."""
    root = Path(root)
    if lake.exists(root):
        return lake.published_run(root)
    return current_snapshot(WarehousePaths(root))


def is_current(root: Path, run_id: str) -> bool:
    """Whether this run has published: after its commit, a run is published whatever follows.

    Read from the run's record, not the lake: the commit and the record that
    says "published" are written together under the signal guard, and this
    is asked while a Ctrl-C is ending the run, when opening the lake (half a
    second the first time in a process) would only delay the exit.
    """
    record = runlog.read_record(Path(root), run_id)
    return bool(record) and record.get("status") == runlog.PUBLISHED


# -- is this folder a warehouse? ---------------------------------------------------------------


class ForeignFolder(RuntimeError):
    """The folder is not empty and holds nothing eventledger made: it is refused, and nothing in it is touched."""


class LakeDamaged(RuntimeError):
    """The folder's lake cannot be found where it should be; the message says how to repair it."""


def check_folder(root: Path) -> None:
    """Refuse a folder a run must not write to: a stranger's, or a warehouse whose lake is missing.

    eventledger deletes only what it made (temporary folders, orphaned data
    files): in a folder of someone else's, "leftovers" could be their files.
    A folder is a warehouse if it has `DIR/lake.json`, the pointer of the
    layout before the lake, or run records. A warehouse whose `lake.json` or
    SQLite catalog went missing is refused too: a run there would start an
    empty lake and publish less than was published.
    """
    root = Path(root)
    if not root.is_dir():
        return
    location = lake.read_location(root) if lake.exists(root) else None
    if location is not None:
        catalog = Path(location.catalog.split(":", 1)[1])
        if location.kind == "sqlite" and not catalog.is_file():
            raise LakeDamaged(f"the lake catalog {catalog} named by {root / lake.LAKE_FILE} is missing: restore it "
                              "from a backup (a run would start an empty warehouse); nothing was run")
        return
    default_catalog = root / lake.DEFAULT_CATALOG
    if default_catalog.is_file():
        raise LakeDamaged(f"{root / lake.LAKE_FILE} is missing but {default_catalog} holds a lake: restore it "
                          f"with the line {json.dumps(lake.LAKE_JSON_DEFAULT)} (a run would start an empty "
                          "warehouse); nothing was run")
    if current_snapshot(WarehousePaths(root)) is not None or runlog.read_records(root):
        return
    if any(p.name != lock.LOCK_NAME for p in root.iterdir()):  # the lock: taken before this check
        raise ForeignFolder(f"{root} is not empty and holds no eventledger warehouse (no {lake.LAKE_FILE}): "
                            "give a new or empty folder, so that nothing of yours is overwritten; nothing was run")


# -- what a run reads before it extracts --------------------------------------------------------


def published_documents(root: Path) -> pa.Table:
    """The published `documents` rows: all a run needs to decide what changed (not the other tables)."""
    root = Path(root)
    if not lake.exists(root):
        return exports.read_current(WarehousePaths(root), {"documents": ALL_TABLES["documents"]})["documents"]
    con = lake.open_lake(root)
    try:
        return lake.read_table(con, "documents")
    finally:
        con.close()


def reused_rows(root: Path, doc_ids: set[str]) -> tuple[dict[str, int], pa.Table]:
    """For documents a run found unchanged: their published sentence and event counts, and quarantine rows."""
    root = Path(root)
    if not doc_ids:
        return {"sentences": 0, "events": 0}, ALL_TABLES["quarantine"].empty_table()
    if not lake.exists(root):
        tables = exports.read_current(WarehousePaths(root))
        rows = {name: lake.filter_documents(tables[name], doc_ids) for name in ("sentences", "events", "quarantine")}
        return {"sentences": rows["sentences"].num_rows, "events": rows["events"].num_rows}, rows["quarantine"]
    con = lake.open_lake(root)
    try:
        counts = {name: lake.count_of_documents(con, name, doc_ids) for name in ("sentences", "events")}
        return counts, lake.rows_of_documents(con, "quarantine", doc_ids)
    finally:
        con.close()


# -- recovery -------------------------------------------------------------------------------------


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


def recover(paths: WarehousePaths, active_run: str | None = None, current: str | None = None,
            con: duckdb.DuckDBPyConnection | None = None, known: set[str] | frozenset = frozenset()) -> Recovery:
    """Clean what killed runs left behind. Call it holding the warehouse lock.

    Safe at any time: it never touches what a reader can reach (the lake's
    snapshots, the current export). `active_run` is the caller's own run,
    whose record is `running` because it is alive. The data files a killed
    run wrote into the lake before its commit are orphans: they go when a
    record says a run was killed, and in `maintain`. `current`: the
    published run, and `con` a writer's connection to the lake, when the
    caller has them (opening the lake costs a quarter of a second); `known`,
    the runs the lake has (their records are finished: not read again).
    """
    report = Recovery()
    report.removed.extend(exports.remove_leftovers(paths))
    if paths.runs.is_dir():
        for leftover in paths.runs.glob(f".*.json.*{TMP_SUFFIX}"):  # runlog.write_record's `.<run_id>.json.<pid>.tmp`
            leftover.unlink(missing_ok=True)
    if paths.data_docs.is_dir():
        for item in paths.data_docs.iterdir():
            if exports.is_staging(item.name):
                shutil.rmtree(item, ignore_errors=True)
                report.removed.append(str(item))
    running = [r for r in runlog.read_records(paths.root, known)
               if r.get("status") == runlog.RUNNING and r.get("run_id") != active_run]
    if running:
        current = current or published_run(paths.root)
        report.closed_runs = runlog.close_interrupted(paths.root, current, exclude={active_run}, skip=known)
    if report.closed_runs and lake.exists(paths.root):
        report.removed.extend(delete_orphans(paths.root, con))
    return report


def delete_orphans(root: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Remove data files in the lake's data path that no snapshot knows (a killed run's); hold the lock."""
    own = con is None
    con = lake.open_lake(root, read_only=False) if own else con
    try:
        rows = con.execute(f"CALL ducklake_delete_orphaned_files('{lake.alias_of(con)}', cleanup_all => true)").fetchall()
    finally:
        if own:
            con.close()
    return [str(r[0]) for r in rows]


# -- validation pages (DIR/data_docs: the name of the Data Docs they replaced) ---------------------------


def prune_data_docs(paths: WarehousePaths, keep: int, current: str | None = None) -> None:
    """Keep the validation pages of the newest `keep` runs, always the published run's (`current`).

    Only folders named after runs are weighed, so `latest/` and anything of the user's stay.
    """
    exports._prune_run_folders(paths.data_docs, keep, current or published_run(paths.root))


def data_docs_staging(paths: WarehousePaths, run_id: str) -> Path:
    """An empty folder where a run's validation page is written before `install_data_docs`."""
    staging = paths.data_docs / f"{run_id}{TMP_SUFFIX}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def install_data_docs(paths: WarehousePaths, run_id: str, keep: int = DEFAULT_KEEP_SNAPSHOTS) -> Path:
    """Move a run's validation page to `DIR/data_docs/<run_id>/` (one rename), copy it to `latest/`, prune.

    `DIR/data_docs/latest/index.html` is a stable address for the newest
    validation, failed runs' included (the page has no relative links, so
    a copy reads the same); it is replaced by one rename too.
    """
    final = paths.data_docs / run_id
    if final.exists():
        shutil.rmtree(final)
    os.replace(paths.data_docs / f"{run_id}{TMP_SUFFIX}", final)
    page = final / "index.html"
    if page.is_file():
        latest = paths.data_docs / reports.LATEST_DOCS
        latest.mkdir(exist_ok=True)
        tmp = latest / f"index.html{TMP_SUFFIX}"
        shutil.copyfile(page, tmp)
        os.replace(tmp, latest / "index.html")
    prune_data_docs(paths, keep)
    return final


# -- the lake's writer ---------------------------------------------------------------------------


def writer(root: Path, location: lake.Location | None = None) -> duckdb.DuckDBPyConnection:
    """A writer's connection to the warehouse's lake, created (and migrated) on first use; hold the lock."""
    root = Path(root)
    check_folder(root)
    if lake.exists(root):
        con = lake.open_lake(root, read_only=False)
    else:
        con = lake.create(root, location or lake.default_location())
    try:
        migrate(WarehousePaths(root), con)  # a no-op but for a pre-lake warehouse (or a migration killed midway)
    except BaseException:
        con.close()
        raise
    return con


def migrate(paths: WarehousePaths, con: duckdb.DuckDBPyConnection) -> str | None:
    """Load a pre-lake warehouse's current snapshot into its new lake in one commit; its run id, or None.

    Only a lake without any run snapshot is loaded, so a migration is done
    once, and one killed before its commit is done again by the next writer.
    """
    snapshot = current_snapshot(paths)
    if snapshot is None or lake.latest_run(con) is not None:
        return None
    tables = exports.read_current(paths)
    con.execute("BEGIN TRANSACTION")
    for name in ALL_TABLES:
        lake._insert(con, name, tables[name])
    con.execute(f"CALL {lake.alias_of(con)}.set_commit_message(?, ?, extra_info => ?)",
                [lake.AUTHOR, f"migrated from snapshot {snapshot}",
                 json.dumps({"run_id": snapshot, "migrated_from": f"snapshots/{snapshot}"})])
    con.execute("COMMIT")
    return snapshot


# -- publishing -----------------------------------------------------------------------------------


@dataclass
class Published:
    """What `publish` did: the run is published once `run_id` is committed, whatever the export did."""

    run_id: str
    replaced: set[str] = field(default_factory=set)
    export: Path | None = None
    export_error: str | None = None
    #: `DIR/report.html` once written; or why it was not (the run is published all the same).
    report: Path | None = None
    report_error: str | None = None


def publish(
    root: Path,
    run_id: str,
    tables: dict[str, pa.Table],
    run_record: dict,
    keep: int = DEFAULT_KEEP_SNAPSHOTS,
    wait: float = lock.DEFAULT_WAIT_SECONDS,
    guard: Callable[[], ContextManager] = contextlib.nullcontext,
    *,
    seen_ids: set[str] | None = None,
    relocations: dict[str, tuple[str, str]] | None = None,
    prune: bool = False,
    location: lake.Location | None = None,
    export: str = exports.EXPORT_EVERY_RUN,
    report: reports.RunValidation | None = None,
) -> Published:
    """Commit a run's changes to the lake (one transaction), record it, then write the export if asked.

    `tables` holds the run's new rows of the document tables: the documents
    it extracted and their sentences, events, ... Published documents with
    the same content id or the same path are replaced; those in `seen_ids`
    (found again unchanged) stay, moved to their new path per `relocations`;
    with `prune`, documents the run did not see go.

    Takes the warehouse lock (re-entrant: a no-op when the caller holds it).
    A failure of the export after the commit does not unpublish the run: it
    is returned in `export_error`, and the next run or `maintain` writes it.
    With `report` (the run's validation), the run report is written after
    the export (warehouse/report.py); its failure goes to `report_error`,
    and the run is published all the same.
    """
    paths = WarehousePaths(Path(root))
    paths.root.mkdir(parents=True, exist_ok=True)
    with lock.hold(paths.root, run_id=run_id, wait=wait):
        con = writer(paths.root, location)
        try:
            known = {r for (r,) in con.execute("SELECT run_id FROM pipeline_runs").fetchall()}
            latest = lake.latest_run(con)
            recover(paths, active_run=run_id, current=latest, con=con, known=known)
            result = Published(run_id)
            if latest == run_id:  # a retry after the commit: only the bookkeeping is left
                runlog.write_record(paths.root, run_record)
            else:
                records = [r for r in runlog.read_records(paths.root, known)
                           if r.get("run_id") != run_id] + [run_record]
                changes = lake.RunChanges(tables, set(seen_ids or ()), dict(relocations or {}), prune,
                                          runlog.run_tables(records))
                if not changes.replaces_everything:  # rows of published files stay: they must be what was published
                    checksums.verify(con, paths.root, doing="the run")
                staged = lake.stage_run(con, run_id, changes)
                result.replaced = staged.replaced
                faults.pause_point("switch")
                with guard():
                    lake.commit(con)  # the one step that publishes
                    runlog.write_record(paths.root, run_record)
                _record_checksums(con, paths.root, fresh=changes.replaces_everything)
            if export == exports.EXPORT_EVERY_RUN:
                try:
                    result.export = write_export(paths, con, run_id)
                except Exception as exc:  # noqa: BLE001 - the run is published; the export is written again later
                    result.export_error = f"{type(exc).__name__}: {exc}"
            if report is not None:
                try:
                    result.report = reports.write_report(paths.root, run_id, report, keep=keep, con=con)
                except Exception as exc:  # noqa: BLE001 - the run is published; the next run writes a report
                    result.report_error = f"{type(exc).__name__}: {exc}"
        finally:
            con.close()
        prune_data_docs(paths, keep, current=run_id)
        return result


def _record_checksums(con: duckdb.DuckDBPyConnection, root: Path, fresh: bool) -> None:
    """Checksums of the files just published; if that fails the run stays published, and the next check records them."""
    try:
        checksums.record(con, root, fresh=fresh)
    except Exception:  # noqa: BLE001 - a file without a checksum is recorded when first seen (warehouse/checksums.py)
        pass


def write_export(paths: WarehousePaths, con: duckdb.DuckDBPyConnection, run_id: str) -> Path:
    """The export of the lake's current snapshot, named after `run_id` (a no-op when it is current)."""
    final = paths.snapshots / run_id
    if current_snapshot(paths) == run_id and final.is_dir():
        return final
    return exports.export(paths, lake.read_tables(con), run_id)
