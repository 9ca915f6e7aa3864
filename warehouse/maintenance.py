"""`eventledger maintain`: tidy a warehouse between runs, holding the writers' lock.

Why a command of its own: a run already tidies before it publishes (it
removes what killed runs left, closes their records, and keeps the newest
`keep_snapshots` snapshots), but a warehouse that nobody writes to for a while
keeps its leftovers, and a retention setting lowered by hand takes effect
only at the next run. `maintain` does the same tidying at once, and `serve`
runs it on its own schedule (`maintenance_schedule`).

What it removes is what eventledger made and no reader can reach through
`DIR/current`: temporary folders of killed runs, complete snapshots that
never became current, snapshots and Data Docs past the retention; the
current snapshot always stays. A folder without a published warehouse is
refused, so that pointing it at the wrong folder removes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warehouse import lock
from warehouse.publish import (
    TMP_SUFFIX,
    WarehousePaths,
    current_snapshot,
    prune_data_docs,
    prune_snapshots,
    recover,
)


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

    def describe(self) -> str:
        parts = [f"current snapshot {self.current}", f"{len(self.snapshots_kept)} snapshot(s) kept"]
        if self.snapshots_removed:
            parts.append(f"{len(self.snapshots_removed)} past the retention removed")
        if self.leftovers:
            parts.append(f"{len(self.leftovers)} leftover(s) of killed runs removed")
        if self.closed_runs:
            parts.append(f"{len(self.closed_runs)} interrupted run record(s) closed")
        return "; ".join(parts)


def kept_snapshots(paths: WarehousePaths) -> list[str]:
    """The complete snapshots, oldest first (their names are run ids, which sort by time)."""
    if not paths.snapshots.is_dir():
        return []
    return sorted(p.name for p in paths.snapshots.iterdir() if p.is_dir() and not p.name.endswith(TMP_SUFFIX))


def maintain(root: Path, keep: int, wait: float = lock.DEFAULT_WAIT_SECONDS) -> MaintenanceReport:
    """Remove leftovers and what is past the retention of `keep` snapshots; raises lock.WarehouseBusy."""
    paths = WarehousePaths(Path(root))
    current = current_snapshot(paths)
    if current is None:
        raise NotAWarehouse(f"{root} holds no published eventledger warehouse (no DIR/current): "
                            "nothing to maintain; check --warehouse")
    with lock.hold(paths.root, wait=wait):
        recovery = recover(paths)
        before = kept_snapshots(paths)
        prune_snapshots(paths, keep)
        prune_data_docs(paths, keep)
        after = kept_snapshots(paths)
    return MaintenanceReport(
        current=current_snapshot(paths) or current,
        leftovers=list(recovery.removed),
        closed_runs=list(recovery.closed_runs),
        snapshots_removed=[name for name in before if name not in after],
        snapshots_kept=after,
    )
