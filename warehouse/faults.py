"""A test-only pause point, so that fault-injection tests can kill a real run at a chosen step.

With `EVENTLEDGER_TEST_PAUSE_AT=<point>` and `EVENTLEDGER_TEST_PAUSE_FILE=<path>`
set, a run that reaches `pause_point("<point>")` writes its pid into `<path>`
and sleeps until that file is deleted (or 10 minutes pass). A test waits for
the file, then `kill -9`s the process exactly there, or deletes the file to
let the run go on. Without the variables the call is a dictionary lookup and
nothing else. Points, in run order:

    extract   inside the extraction task, before the first batch is parsed
    parquet   after the first table of the new snapshot is written, before the rest
    duckdb    inside the DuckDB load transaction, after the first table is inserted
    switch    the new snapshot is complete, the warehouse still points at the old one
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT = "EVENTLEDGER_TEST_PAUSE_AT"
PAUSE_FILE = "EVENTLEDGER_TEST_PAUSE_FILE"
POINTS = ("extract", "parquet", "duckdb", "switch")
_MAX_PAUSE_SECONDS = 600


def pause_point(point: str) -> None:
    """Pause here if a test asked for it (see the module docstring)."""
    if os.environ.get(PAUSE_AT) != point:
        return
    marker = Path(os.environ.get(PAUSE_FILE) or f"eventledger-paused-{os.getpid()}")
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
    os.replace(tmp, marker)  # the test never sees a half-written marker
    deadline = time.monotonic() + _MAX_PAUSE_SECONDS
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
