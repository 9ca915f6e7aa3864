"""`eventledger maintain`: compact the lake, expire old snapshots, remove what nobody needs; hold the lock.

Why a command of its own: a run writes only what changed, so the lake
collects small data files (one per table per run), delete files (one per
table a run replaced documents in) and snapshots (one per run). Reading
stays correct, but it gets slower and the disk fills. `maintain` puts that
right, and `serve` runs it on its own schedule (`maintenance_schedule`):

1. removes what killed runs left (`publish.recover`, data files no snapshot knows), after checking
   that every current file is what was published (warehouse/checksums.py: compaction would copy a
   damaged file's rows into a new file nobody could tell from a good one);
2. rewrites data files that carry many deleted rows, and merges small adjacent files;
3. expires the lake snapshots of all but the newest `keep_snapshots` runs
   (`query --as-of` reads those kept);
4. deletes the data files only expired snapshots used, once they have been
   unused for `grace_minutes`, so that a reader's query that began before
   the expiry finishes reading them (DuckLake schedules them for deletion);
5. writes the export when the `export` setting says so, or when a run's
   export failed, and keeps the validation pages of the newest runs.

A folder without a published warehouse is refused, so that pointing it at
the wrong folder removes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from eventledger.warehouse import export as exports
from eventledger.warehouse import checksums, lake, lock
from eventledger.warehouse.publish import WarehousePaths, prune_data_docs, published_run, recover, write_export, writer

#: How long files no snapshot uses any more stay on disk (for readers that started before the expiry).
#: A day: DuckLake 1.5.5 with a SQLite catalog compares `older_than` coarsely (a cutoff two hours back
#: still deleted files scheduled a second before), so a shorter grace would not be kept.
GRACE_MINUTES = 24 * 60


class NotAWarehouse(RuntimeError):
    """The folder holds no published warehouse; the message says what to do."""


@dataclass
class MaintenanceReport:
    """What `maintain` did, for one line of output and for the tests."""

    current: str
    leftovers: list[str] = field(default_factory=list)
    closed_runs: list[str] = field(default_factory=list)
    snapshots_removed: list[str] = field(default_factory=list)
    snapshots_kept: list[str] = field(default_factory=list)
    files_deleted: int = 0
    compacted: bool = False
    export: str | None = None

    def describe(self) -> str:
        parts = [f"current run {self.current}", f"{len(self.snapshots_kept)} run snapshot(s) kept"]
        if self.snapshots_removed:
            parts.append(f"{len(self.snapshots_removed)} past the retention expired")
        if self.files_deleted:
            parts.append(f"{self.files_deleted} unused data file(s) deleted")
        if self.leftovers:
            parts.append(f"{len(self.leftovers)} leftover(s) of killed runs removed")
        if self.closed_runs:
            parts.append(f"{len(self.closed_runs)} interrupted run record(s) closed")
        if self.export:
            parts.append(f"export written ({self.export})")
        return "; ".join(parts)


def _delete_unused_files(con, grace_minutes: float) -> int:
    """Delete the files DuckLake scheduled for deletion at least `grace_minutes` ago (0: all of them)."""
    if grace_minutes <= 0:
        return len(con.execute(f"CALL ducklake_cleanup_old_files('{lake.alias_of(con)}', cleanup_all => true)").fetchall())
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=grace_minutes)
    return len(con.execute(f"CALL ducklake_cleanup_old_files('{lake.alias_of(con)}', older_than => ?::TIMESTAMPTZ)",
                           [cutoff]).fetchall())


def maintain(root: Path, keep: int, wait: float = lock.DEFAULT_WAIT_SECONDS, export: str = exports.EXPORT_EVERY_RUN,
             grace_minutes: float = GRACE_MINUTES) -> MaintenanceReport:
    """Tidy the warehouse at `root` (see the module's docstring); raises lock.WarehouseBusy, NotAWarehouse."""
    paths = WarehousePaths(Path(root))
    if published_run(paths.root) is None:
        raise NotAWarehouse(f"{root} holds no published eventledger warehouse (no {lake.LAKE_FILE}): "
                            "nothing to maintain; check --warehouse")
    with lock.hold(paths.root, wait=wait):
        con = writer(paths.root)  # migrates a warehouse from before the lake
        try:
            recovery = recover(paths, current=lake.latest_run(con), con=con)
            report = MaintenanceReport(current=lake.latest_run(con) or "", leftovers=list(recovery.removed),
                                       closed_runs=list(recovery.closed_runs))
            checksums.verify(con, paths.root, doing="maintain")  # compaction would copy a damaged file's rows
            report.leftovers += [str(r[0]) for r in con.execute(
                f"CALL ducklake_delete_orphaned_files('{lake.alias_of(con)}', cleanup_all => true)").fetchall()]
            con.execute(f"CALL ducklake_rewrite_data_files('{lake.alias_of(con)}')")
            con.execute(f"CALL ducklake_merge_adjacent_files('{lake.alias_of(con)}')")
            report.compacted = True
            runs = lake.run_snapshots(con)
            keep = max(int(keep), 1)
            if len(runs) > keep:
                cutoff = runs[-keep].version
                old = [v for (v,) in con.execute(
                    f"SELECT snapshot_id FROM {lake.alias_of(con)}.snapshots() WHERE snapshot_id < ?", [cutoff]).fetchall()]
                if old:
                    con.execute(f"CALL ducklake_expire_snapshots('{lake.alias_of(con)}', versions => ?)", [old])
                report.snapshots_removed = [s.run_id for s in runs[:-keep]]
            report.files_deleted = _delete_unused_files(con, grace_minutes)
            report.snapshots_kept = [s.run_id for s in lake.run_snapshots(con)]
            checksums.record(con, paths.root)  # the compacted files
            stale = exports.current_snapshot(paths) != report.current
            if export == exports.EXPORT_ON_MAINTAIN or (export == exports.EXPORT_EVERY_RUN and stale):
                report.export = str(write_export(paths, con, report.current))
        finally:
            con.close()
        prune_data_docs(paths, keep, current=report.current)
    return report
