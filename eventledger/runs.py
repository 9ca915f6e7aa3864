"""`eventledger runs`: recent runs, read from the run records rather than from `pipeline_runs`.

Why the records: `pipeline_runs` is rebuilt only when a run publishes, so a
run that failed (which by contract leaves the warehouse untouched) is
missing from it until the next publish, exactly when someone wants to know
why it failed. Every run writes its record in `DIR/runs/` when it starts
and when it ends (warehouse/runlog.py), so the records are the complete list.

A run that found the warehouse held by another run (exit status 75) is
recorded as `failed`, yet nothing went wrong with it: it never started.
It is shown as `busy`, so that a list of failures is not padded with runs
that only need trying again. Records say so in `reason`; older records
carry only the lock's message, which is recognised too.

Records are written by several versions of the program, killed runs and
hands, so every field may be missing or odd: a row shows what it can and
never fails. An unknown status (a newer program's) is shown as it is.

Everything here is a pure function of the records; reading them and
printing is the command line's job (eventledger/cli.py). This module
imports nothing heavy (warehouse.runlog brings pyarrow), so that the
command line can build its `--help` from `STATUSES` at once; the few record
values it needs are spelled here, and a test holds them equal to runlog's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass

#: Values of the run record (warehouse/runlog.py: FAILED, REASON_BUSY).
FAILED, REASON_BUSY = "failed", "busy"
#: The status shown for a failed record of a run that never started because the warehouse was busy.
BUSY = "busy"
#: Statuses `--status` accepts: the recorded ones (interrupted: stopped by a signal; idle: a scheduled run
#: over an empty inbox) and busy.
STATUSES = ("published", "failed", BUSY, "interrupted", "idle", "running")
DEFAULT_LIMIT = 20
#: A longer message is cut in the table (the JSON output and the record keep all of it).
MESSAGE_WIDTH = 72
#: Shown for a value the record does not have.
UNKNOWN = "-"
#: The lock's busy message (warehouse.lock.WarehouseBusy), for records written before `reason`.
_BUSY_MESSAGE = re.compile(r"^warehouse .+ is busy: .+ holds .+; gave up after waiting ")


@dataclass(frozen=True)
class RunRow:
    """One run as `eventledger runs` shows it; None where the record does not say."""

    run_id: str
    started_at: str | None
    finished_at: str | None
    duration_seconds: float | None
    status: str
    record_status: str | None
    n_documents: int | None
    n_events: int | None
    message: str | None


def is_busy(record: dict) -> bool:
    """Whether this record is of a run that never started because another run held the warehouse."""
    if record.get("status") != FAILED:
        return False
    if record.get("reason") == REASON_BUSY:
        return True
    message = record.get("message")
    return isinstance(message, str) and bool(_BUSY_MESSAGE.match(message))


def shown_status(record: dict) -> str:
    """The status to show: `busy` for a busy run, else the recorded status as it is (`?` if none)."""
    if is_busy(record):
        return BUSY
    status = record.get("status")
    return str(status) if status else "?"


def _timestamp(value) -> dt.datetime | None:
    """A record's ISO time in UTC (one without a zone is taken as UTC); None if missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _duration_seconds(record: dict) -> float | None:
    """Seconds from start to finish; None while running, or if either end is missing or they disagree."""
    started, finished = _timestamp(record.get("started_at")), _timestamp(record.get("finished_at"))
    if started is None or finished is None or finished < started:
        return None
    return round((finished - started).total_seconds(), 3)


def _count(value) -> int | None:
    """A count from a record; None if missing or not a whole number (a bool is not a count)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _one_line(value) -> str | None:
    """A message on one line (a traceback-like message must not break the table); None if empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def run_row(record: dict) -> RunRow:
    """The row of one run record."""
    return RunRow(
        run_id=str(record.get("run_id") or "?"),
        started_at=record.get("started_at") if isinstance(record.get("started_at"), str) else None,
        finished_at=record.get("finished_at") if isinstance(record.get("finished_at"), str) else None,
        duration_seconds=_duration_seconds(record),
        status=shown_status(record),
        record_status=record.get("status"),
        n_documents=_count(record.get("n_documents")),
        n_events=_count(record.get("n_events")),
        message=_one_line(record.get("message")),
    )


def _newest_first_key(record: dict) -> tuple:
    """Start time as a moment (so that records in other zones compare right), then run id (which sorts by
    time too); a record without a readable start time counts as the oldest."""
    started = _timestamp(record.get("started_at"))
    earliest = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return (started is not None, started or earliest, str(record.get("run_id")))


def recent_runs(records: list[dict], status: str | None = None, limit: int | None = DEFAULT_LIMIT) -> list[RunRow]:
    """The rows of the newest runs, newest first, optionally of one shown status, at most `limit` (None: all).

    The status filter applies before the limit: `--status failed` lists the
    last failures, however many runs published since.
    """
    rows = [run_row(r) for r in sorted(records, key=_newest_first_key, reverse=True)]
    if status is not None:
        rows = [row for row in rows if row.status == status]
    return rows if limit is None else rows[:limit]


def format_duration(seconds: float | None) -> str:
    """Short and human: 0.4s, 25.3s, 4m05s, 2h03m."""
    if seconds is None:
        return UNKNOWN
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_started(started_at: str | None) -> str:
    """The start time in UTC to the second, as `2026-11-30 10:00:21` (the record keeps the precise value)."""
    moment = _timestamp(started_at)
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else UNKNOWN


def _cut(text: str | None, width: int) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def _cells(row: RunRow) -> tuple[str, ...]:
    return (row.run_id, format_started(row.started_at), format_duration(row.duration_seconds), row.status,
            _number(row.n_documents), _number(row.n_events), _cut(row.message, MESSAGE_WIDTH))


#: Column titles of the table, and which of them are numbers (aligned right).
_HEADER = ("run id", "started (UTC)", "took", "status", "docs", "events", "message")
_RIGHT_ALIGNED = {"took", "docs", "events"}


def render_table(rows: list[RunRow]) -> str:
    """An aligned table, one run per line, header first; numbers aligned right, the message last and unpadded."""
    lines = [_HEADER] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(_HEADER))]

    def aligned(cells: tuple[str, ...]) -> str:
        parts = [cell.rjust(w) if title in _RIGHT_ALIGNED else cell.ljust(w)
                 for cell, w, title in zip(cells, widths, _HEADER)]
        return "  ".join(parts).rstrip()

    return "\n".join(aligned(cells) for cells in lines)


def render_json_lines(rows: list[RunRow]) -> str:
    """One JSON object per run and per line (JSON Lines), for `jq` and scripts; the message is not cut."""
    return "\n".join(json.dumps(asdict(row), ensure_ascii=False) for row in rows)
