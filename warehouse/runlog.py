"""Run records: one JSON file per run in `DIR/runs/`, and the run-log tables built from them.

Every run writes its record when it starts (`status = 'running'`, under the
warehouse lock) and rewrites it when it ends (`published` or `failed`, with a
one-line `message`, the per-file outcomes and the validation results). A
record is written to a temporary file and renamed, so it is never half
written. The record is the "details" the command line points to when a run
fails.

The run-log tables (`pipeline_runs`, `input_files`, `validation_results`)
are rebuilt from all records at each publish, so a failed run, which by
contract leaves the published warehouse untouched, shows up in them from the
next published run on; until then its record is in `DIR/runs/`.

A run killed with `kill -9` cannot rewrite its record; the next run (holding
the lock, so the old one is certainly gone) finds it still `running` and
closes it: `published` if its snapshot became current, else `failed` with
the reason "interrupted".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import uuid
from pathlib import Path

import pyarrow as pa

from eventledger.transforms.schemas import INPUT_FILES, PIPELINE_RUNS, VALIDATION_RESULTS

RUNS_DIR = "runs"
RUNNING, PUBLISHED, FAILED = "running", "published", "failed"
#: A run stopped by Ctrl-C or SIGTERM: it closed its record and published nothing.
INTERRUPTED = "interrupted"
#: A scheduled run that found its inbox empty: nothing to do, nothing published, nothing wrong.
IDLE = "idle"
_COUNTS = ("n_documents", "n_sentences", "n_events", "n_extracted", "n_reused", "n_files_skipped", "n_quarantined")
#: `reason` of a `failed` record whose run never started because another run held the lock (exit
#: status 75), so that readers need not recognise the lock's message. Records written before this
#: field have only the message (see eventledger/runs.py).
REASON_BUSY = "busy"


#: What `new_run_id` makes: a UTC time, then a random suffix. Pruning deletes only names of this form,
#: so that a file of the user's in `DIR/reports/`, `DIR/data_docs/` or `DIR/snapshots/` is never taken for
#: an old run's.
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9A-Za-z]+")


def is_run_id(name: str) -> bool:
    return RUN_ID.fullmatch(name) is not None


def new_run_id(now: dt.datetime | None = None) -> str:
    """Sortable by time (snapshots are kept newest-last), unique across machines."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def runs_dir(root: Path) -> Path:
    return Path(root) / RUNS_DIR


def record_path(root: Path, run_id: str) -> Path:
    return runs_dir(root) / f"{run_id}.json"


def write_record(root: Path, record: dict) -> Path:
    """Write a run record atomically (temporary file, flush, rename)."""
    folder = runs_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    target = record_path(root, record["run_id"])
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(record, handle, default=str, indent=2, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    return target


def read_record(root: Path, run_id: str) -> dict | None:
    try:
        return json.loads(record_path(root, run_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_records(root: Path, skip: set[str] | frozenset = frozenset()) -> list[dict]:
    """Every run's record, oldest first (a corrupt or half-written record is skipped, not fatal).

    `skip`: run ids whose records are not read (those the lake has already:
    a warehouse that runs every few minutes collects thousands of records).
    """
    records = []
    folder = runs_dir(root)
    if folder.is_dir():
        for file in sorted(folder.glob("*.json")):
            if file.stem in skip:
                continue
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(record, dict) and record.get("run_id"):
                records.append(record)
    return sorted(records, key=lambda r: (r.get("started_at") or "", r["run_id"]))


def close_interrupted(root: Path, current_snapshot: str | None, exclude: set | None = None,
                      skip: set[str] | frozenset = frozenset()) -> list[str]:
    """Close the records of runs that ended without finishing; return their ids.

    Only call this holding the warehouse lock: then no other run is alive, so
    any record still `running` belongs to a run that was killed or crashed.
    """
    closed = []
    for record in read_records(root, skip):
        run_id = record["run_id"]
        if record.get("status") != RUNNING or run_id in (exclude or set()):
            continue
        if run_id == current_snapshot:
            record["status"] = PUBLISHED
            record["message"] = "published; the run ended before it could close its record"
        else:
            record["status"] = FAILED
            record["message"] = (
                "interrupted: the run ended without finishing (killed or crashed); nothing of it was published"
            )
        record["finished_at"] = record.get("finished_at") or dt.datetime.now(dt.timezone.utc).isoformat()
        write_record(root, record)
        closed.append(run_id)
    return closed


def _ts(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else value


def runs_table(records: list[dict]) -> pa.Table:
    """`pipeline_runs`: one row per run record."""
    rows = []
    for rec in records:
        row = {name: rec.get(name) for name in PIPELINE_RUNS.names}
        row["started_at"], row["finished_at"] = _ts(rec.get("started_at")), _ts(rec.get("finished_at"))
        for count in _COUNTS:
            row[count] = int(row.get(count) or 0)
        row["status"] = row.get("status") or FAILED
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=PIPELINE_RUNS)


def input_files_table(records: list[dict]) -> pa.Table:
    """`input_files`: one row per file per run, from the records' `files` lists."""
    rows = []
    for rec in records:
        seen = set()
        for item in rec.get("files") or []:
            if not isinstance(item, dict) or item.get("path") in seen:
                continue
            seen.add(item.get("path"))
            row = {name: item.get(name) for name in INPUT_FILES.names}
            row["run_id"] = rec["run_id"]
            row["name"] = row["name"] or Path(str(item.get("path"))).name
            row["outcome"] = row["outcome"] or "skipped"
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=INPUT_FILES)


def validation_results_table(records: list[dict]) -> pa.Table:
    """`validation_results`: one row per expectation per run, from the records' `validation` lists."""
    rows = []
    for rec in records:
        for item in rec.get("validation") or []:
            row = {name: item.get(name) for name in VALIDATION_RESULTS.names}
            row["run_id"] = rec["run_id"]
            row["success"] = bool(row.get("success"))
            rows.append(row)
    return pa.Table.from_pylist(rows, schema=VALIDATION_RESULTS)


def run_tables(records: list[dict]) -> dict[str, pa.Table]:
    return {
        "pipeline_runs": runs_table(records),
        "input_files": input_files_table(records),
        "validation_results": validation_results_table(records),
    }
