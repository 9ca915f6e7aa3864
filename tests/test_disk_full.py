"""A full disk fails a run in one line, leaves a record that says so, and the next run cleans up.

The disk is made full in-process by a monkeypatched lake insert that
writes the first table for real, then raises OSError(ENOSPC) as the kernel
would. A real limit (RLIMIT_FSIZE in a subprocess) was tried: it also stops
the SQLite database of Prefect's in-process server, so the run never starts.
"""

from __future__ import annotations

import errno
import json
import os

import pytest

from eventledger.cli import main
from eventledger.flows.pipeline import failure_message, is_transient, no_room
from tests.conftest import SAMPLE
from eventledger.warehouse import lake, publish


def test_no_room_errors_are_not_retried_and_are_named_disk_full():
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        assert not is_transient(OSError(code, os.strerror(code)))
    assert is_transient(OSError(errno.EIO, "Input/output error"))
    duckdb_says = RuntimeError('Could not write file "/wh/x.duckdb": No space left on device')
    assert no_room(duckdb_says) is duckdb_says
    wrapped = RuntimeError("publish failed")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device", "/wh/part-0.parquet")
    assert failure_message(wrapped).startswith("disk full: [Errno 28] No space left on device: '/wh/part-0.parquet'")
    assert failure_message(ValueError("x")) == "ValueError: x"


def test_a_full_disk_fails_the_run_in_one_line_and_the_next_run_cleans_up(tmp_path, monkeypatch, capfd):
    wh = tmp_path / "wh"
    calls = []

    real_insert = lake._insert

    def full_after_one_table(con, name, rows):
        calls.append(name)
        if len(calls) == 1:
            return real_insert(con, name, rows)  # a real data file, rolled back with the transaction
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(wh / "lake" / "data" / f"{name}.parquet"))

    monkeypatch.setattr(lake, "_insert", full_after_one_table)
    capfd.readouterr()
    assert main(["run", str(SAMPLE), "--warehouse", str(wh)]) == 1
    err = capfd.readouterr().err
    assert len(calls) == 2, "ENOSPC was retried"
    failed = [line for line in err.splitlines() if line.startswith("eventledger: ")]
    assert len(failed) == 1 and failed[0].startswith("eventledger: run failed: disk full: [Errno 28]"), err
    assert sum(line.startswith("details: ") for line in err.splitlines()) == 1, err
    assert "Traceback" not in err, err
    (record_file,) = (wh / "runs").glob("*.json")
    record = json.loads(record_file.read_text())
    assert record["status"] == "failed" and record["message"].startswith("disk full"), record["message"]
    assert not (wh / "current").exists() and publish.published_run(wh) is None
    assert not list((wh / "lake" / "data").rglob("*.parquet"))  # the transaction's files went with it

    monkeypatch.undo()
    assert main(["run", str(SAMPLE), "--warehouse", str(wh)]) == 0
    assert (wh / "current").is_symlink() and not list((wh / "snapshots").glob("*.tmp"))
    record = json.loads(record_file.read_text())
    assert record["status"] == "failed" and record["message"].startswith("disk full")  # its cause is kept


def test_when_the_run_record_cannot_be_written_either_the_one_line_still_prints(tmp_path, monkeypatch, capfd):
    from eventledger.warehouse import runlog

    real_write = runlog.write_record

    def record_only_while_running(root, record):
        if record["status"] != runlog.RUNNING:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(root, record)

    def full(con, name, rows):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(lake, "_insert", full)
    monkeypatch.setattr(runlog, "write_record", record_only_while_running)
    capfd.readouterr()
    assert main(["run", str(SAMPLE), "--warehouse", str(tmp_path / "wh")]) == 1
    err = capfd.readouterr().err
    failed = [line for line in err.splitlines() if line.startswith("eventledger: ")]
    assert len(failed) == 1 and failed[0].startswith("eventledger: run failed: disk full"), err
    assert "its run record could not be written: No space left on device" in failed[0]
    assert "Traceback" not in err and sum(line.startswith("details: ") for line in err.splitlines()) == 1, err
