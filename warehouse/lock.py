"""One writer per warehouse folder: an advisory lock on `DIR/.lock`.

Two runs that publish into the same folder at once would each merge with the
same previous snapshot and the second switch would silently drop the first
run's documents. `fcntl.flock` on one lock file per warehouse folder
serialises them: the second run waits up to a timeout, then gives up with a
message that names the holder (pid, run id, start time, host), which the
holder writes into the lock file. The kernel releases the lock when the
holder exits for any reason, `kill -9` included, so a crashed run never
leaves a stale lock behind and nothing needs manual cleanup. The lock file
itself is never deleted (deleting a flock file opens a race).

Readers never take this lock: they read the published snapshot, which a run
never modifies (see warehouse/publish.py).

The lock is re-entrant within a process, so that the command line can take
it before the (slow) flow starts and the flow can take it again for callers
that start the flow directly (a Prefect deployment).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".lock"
DEFAULT_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.2

_held: dict[str, list] = {}  # real path of the lock file -> [fd, depth]
_guard = threading.Lock()


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock; the message names it."""

    def __init__(self, root: Path, holder: dict, waited: float) -> None:
        self.root = root
        self.holder = holder
        self.waited = waited
        super().__init__(self._message())

    def _message(self) -> str:
        h = self.holder
        who = (
            f"run {h.get('run_id') or '?'} (pid {h.get('pid', '?')} on {h.get('host', '?')}, "
            f"started at {h.get('started_at', '?')})"
            if h else "another process (no holder details yet)"
        )
        return (
            f"warehouse {self.root} is busy: {who} holds {self.root / LOCK_NAME}; "
            f"gave up after waiting {self.waited:g}s (use --wait SECONDS to wait longer)"
        )


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_NAME


def read_holder(root: Path) -> dict:
    """The holder details written into the lock file (empty if none or unreadable)."""
    try:
        text = lock_path(root).read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}


def _write_holder(fd: int, run_id: str | None) -> None:
    info = {
        "pid": os.getpid(),
        "run_id": run_id,
        "host": socket.gethostname(),
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    data = json.dumps(info).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def is_held_here(root: Path) -> bool:
    """Whether this process already holds the lock of `root`."""
    return os.path.realpath(lock_path(root)) in _held


@contextmanager
def hold(root: Path, run_id: str | None = None, wait: float = DEFAULT_WAIT_SECONDS):
    """Hold the warehouse lock for the block; raise WarehouseBusy after `wait` seconds."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    key = os.path.realpath(lock_path(root))
    with _guard:
        if key in _held:
            _held[key][1] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key][1] -= 1
        return

    fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    raise WarehouseBusy(root, read_holder(root), round(waited, 1)) from None
                time.sleep(min(_POLL_SECONDS, max(0.01, wait - waited)))
    except BaseException:
        os.close(fd)
        raise
    _write_holder(fd, run_id)
    with _guard:
        _held[key] = [fd, 1]
    try:
        yield
    finally:
        with _guard:
            _held.pop(key, None)
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # releases the lock


def set_run_id(root: Path, run_id: str) -> None:
    """Name the run in the holder details once it is known (the lock is held here)."""
    entry = _held.get(os.path.realpath(lock_path(root)))
    if entry is not None:
        _write_holder(entry[0], run_id)
