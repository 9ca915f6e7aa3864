"""`eventledger runs`: recent runs from the run records, busy runs told apart, odd records shown as they are.

The pure functions are tested on hand-written records of every kind a
warehouse holds (published, failed, busy old and new, interrupted, running,
records missing fields); the command is called in-process on a temporary
warehouse whose records are written with `runlog.write_record`, as a run
writes them. No pipeline run is needed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from eventledger import runs
from eventledger.cli import main
from eventledger.settings import Settings, env_name
from tests.test_lock import hold_in_subprocess
from eventledger.warehouse import lock, runlog

BUSY_MESSAGE = str(lock.WarehouseBusy(
    Path("/tmp/wh"), {"run_id": "20260101T000000Z-aaaaaaaa", "pid": 7, "host": "vm",
                      "started_at": "2026-01-01T00:00:00+00:00"}, 5.0))


def record(run_id: str, started: str | None, seconds: float | None = 10.0, **fields) -> dict:
    """A run record as runs write them: started at `started` (UTC, to the second), finished `seconds` later."""
    rec = {"run_id": run_id}
    if started is not None:
        rec["started_at"] = f"2026-03-01T{started}+00:00"
        if seconds is not None:
            start = dt.datetime.fromisoformat(rec["started_at"])
            rec["finished_at"] = (start + dt.timedelta(seconds=seconds)).isoformat()
    return {**rec, **fields}


PUBLISHED = record("r1", "10:00:00", 25.4, status="published", n_documents=3, n_events=41, message=None)
FAILED = record("r2", "10:05:00", 3.2, status="failed", n_documents=0, n_events=0,
                message="validation failed:\n  events.event_code   not in CAMEO")
BUSY_NEW = record("r3", "10:06:00", 0, status="failed", reason="busy", message="warehouse /x is locked")
BUSY_OLD = record("r4", "10:07:00", 0, status="failed", message=BUSY_MESSAGE)
INTERRUPTED = record("r5", "10:08:00", 61, status="interrupted", message="interrupted by SIGTERM")
RUNNING = record("r6", "10:09:00", None, status="running")
ALL = [PUBLISHED, FAILED, BUSY_NEW, BUSY_OLD, INTERRUPTED, RUNNING]


# -- classification ----------------------------------------------------------------------------


def test_the_record_values_spelled_in_runs_are_runlogs():
    assert (runs.FAILED, runs.REASON_BUSY) == (runlog.FAILED, runlog.REASON_BUSY)
    assert {runlog.RUNNING, runlog.PUBLISHED, runlog.FAILED, runlog.INTERRUPTED, runlog.IDLE} <= set(runs.STATUSES)


def test_a_busy_run_is_told_by_its_reason_or_by_the_locks_message():
    assert runs.shown_status(BUSY_NEW) == "busy"  # the field wins, whatever the message says
    assert runs.shown_status(BUSY_OLD) == "busy"  # records written before the field


@pytest.mark.parametrize("holder", [{}, {"run_id": None, "pid": 1}])
def test_the_busy_message_is_recognised_for_every_holder_and_a_path_with_spaces(holder):
    message = str(lock.WarehouseBusy(Path("/tmp/my warehouse"), holder, 0.2))
    assert runs.shown_status({"status": "failed", "message": message}) == "busy"


def test_a_failure_that_mentions_busy_is_still_a_failure():
    for message in ["disk is busy", "warehouse /x is busy: retry", None, 42]:
        assert runs.shown_status({"status": "failed", "message": message}) == "failed"
    # only a failed record can be busy: a published one keeps its status
    assert runs.shown_status({"status": "published", "reason": "busy", "message": BUSY_MESSAGE}) == "published"


def test_other_statuses_are_shown_as_recorded_even_unknown_ones():
    assert [runs.shown_status(r) for r in (PUBLISHED, FAILED, INTERRUPTED, RUNNING)] == [
        "published", "failed", "interrupted", "running"]
    assert runs.shown_status({"status": "paused-by-a-newer-version"}) == "paused-by-a-newer-version"
    assert runs.shown_status({}) == "?"


# -- rows ----------------------------------------------------------------------------------------


def test_a_row_has_duration_counts_and_a_one_line_message():
    row = runs.run_row(FAILED)
    assert row.run_id == "r2" and row.status == "failed" and row.record_status == "failed"
    assert row.duration_seconds == 3.2
    assert (row.n_documents, row.n_events) == (0, 0)
    assert row.message == "validation failed: events.event_code not in CAMEO"


def test_a_busy_row_keeps_the_recorded_status_beside_the_shown_one():
    row = runs.run_row(BUSY_OLD)
    assert (row.status, row.record_status) == ("busy", "failed")
    assert row.message == BUSY_MESSAGE


def test_a_record_missing_fields_gives_a_row_of_unknowns_not_an_error():
    row = runs.run_row({"run_id": "bare"})
    assert row == runs.RunRow("bare", None, None, None, "?", None, None, None, None)


def test_odd_values_are_unknown_rather_than_wrong():
    row = runs.run_row({"run_id": "odd", "status": "published", "started_at": "yesterday",
                        "finished_at": "2026-03-01T10:00:00+00:00", "n_documents": "7", "n_events": True,
                        "message": "   "})
    assert row.duration_seconds is None and row.started_at == "yesterday"
    assert (row.n_documents, row.n_events, row.message) == (7, None, None)
    # finished before it started (a clock set back): no negative duration
    assert runs.run_row(record("back", "10:00:00", -5)).duration_seconds is None


def test_a_running_run_has_no_duration_yet():
    assert runs.run_row(RUNNING).duration_seconds is None


def test_times_with_other_zones_or_none_are_compared_in_utc():
    rec = {"run_id": "z", "started_at": "2026-03-01T12:00:00+02:00", "finished_at": "2026-03-01T10:00:30"}
    assert runs.run_row(rec).duration_seconds == 30.0
    assert runs.format_started(rec["started_at"]) == "2026-03-01 10:00:00"


# -- selection -----------------------------------------------------------------------------------


def test_newest_first_limited_and_filtered_before_the_limit():
    assert [r.run_id for r in runs.recent_runs(ALL)] == ["r6", "r5", "r4", "r3", "r2", "r1"]
    assert [r.run_id for r in runs.recent_runs(ALL, limit=2)] == ["r6", "r5"]
    assert [r.run_id for r in runs.recent_runs(ALL, status="busy", limit=1)] == ["r4"]
    assert [r.run_id for r in runs.recent_runs(ALL, status="failed")] == ["r2"]  # busy runs are not failures
    assert [r.run_id for r in runs.recent_runs(ALL, status="published", limit=None)] == ["r1"]
    assert runs.recent_runs(ALL, status="interrupted")[0].run_id == "r5"


def test_a_record_without_a_start_sorts_as_the_oldest_and_ties_go_by_run_id():
    records = [{"run_id": "nostart", "status": "failed"}, record("b", "10:00:00"), record("a", "10:00:00")]
    assert [r.run_id for r in runs.recent_runs(records)] == ["b", "a", "nostart"]


# -- rendering -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds, shown", [(None, "-"), (0, "0.0s"), (25.44, "25.4s"), (245, "4m05s"),
                                            (7380, "2h03m")])
def test_durations_read_at_a_glance(seconds, shown):
    assert runs.format_duration(seconds) == shown


def test_the_table_is_aligned_with_a_header_and_cuts_long_messages():
    long = record("r7", "10:10:00", 1, status="failed", message="x" * 200)
    lines = runs.render_table(runs.recent_runs([*ALL, long])).splitlines()
    assert lines[0].split() == ["run", "id", "started", "(UTC)", "took", "status", "docs", "events", "message"]
    assert len(lines) == 1 + 7
    status_column = lines[0].index("status")
    assert [line[status_column:].split()[0] for line in lines[1:]] == [
        "failed", "running", "interrupted", "busy", "busy", "failed", "published"]
    assert lines[1].endswith("x" * (runs.MESSAGE_WIDTH - 1) + "…")
    published = lines[-1]
    assert published.split() == ["r1", "2026-03-01", "10:00:00", "25.4s", "published", "3", "41"]
    running = lines[2]
    assert running.split()[3:] == ["-", "running", "-", "-"]
    # numbers are aligned right: the last digit of every count is in the same column
    events_end = lines[0].index("events") + len("events")
    assert {line[events_end - 1] for line in lines[1:]} <= set("0123456789-")


def test_json_lines_are_one_object_per_run_with_the_whole_message():
    out = runs.render_json_lines(runs.recent_runs(ALL))
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["run_id"] for o in objects] == ["r6", "r5", "r4", "r3", "r2", "r1"]
    assert objects[2] == {"run_id": "r4", "started_at": "2026-03-01T10:07:00+00:00",
                          "finished_at": "2026-03-01T10:07:00+00:00", "duration_seconds": 0.0,
                          "status": "busy", "record_status": "failed", "n_documents": None, "n_events": None,
                          "message": BUSY_MESSAGE}
    assert runs.render_json_lines([]) == ""


# -- the command, on a warehouse folder of hand-written records -----------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """`eventledger ...` in-process, in an empty folder with no EVENTLEDGER_* setting: (status, out, err)."""
    for name in [*Settings.model_fields, "config"]:
        monkeypatch.delenv(env_name(name), raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def run(*argv) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(list(map(str, argv)))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def warehouse(tmp_path) -> Path:
    """A warehouse folder holding the records of ALL, written as runs write them."""
    root = tmp_path / "wh"
    for rec in ALL:
        runlog.write_record(root, rec)
    return root


def test_runs_prints_a_table_newest_first(cli, warehouse):
    status, out, err = cli("runs", "--warehouse", warehouse)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("run id") and lines[0].endswith("message")
    assert [line.split()[0] for line in lines[1:]] == ["r6", "r5", "r4", "r3", "r2", "r1"]
    assert lines[3].split()[:6] == ["r4", "2026-03-01", "10:07:00", "0.0s", "busy", "-"]
    assert lines[5].split() == ["r2", "2026-03-01", "10:05:00", "3.2s", "failed", "0", "0", "validation",
                                "failed:", "events.event_code", "not", "in", "CAMEO"]


def test_runs_json_is_one_object_per_line(cli, warehouse):
    status, out, err = cli("runs", "--warehouse", warehouse, "--json")
    assert (status, err) == (0, "")
    objects = [json.loads(line) for line in out.splitlines()]
    assert [(o["run_id"], o["status"]) for o in objects] == [
        ("r6", "running"), ("r5", "interrupted"), ("r4", "busy"), ("r3", "busy"), ("r2", "failed"),
        ("r1", "published")]
    assert objects[-1]["n_events"] == 41 and objects[-1]["duration_seconds"] == 25.4


def test_runs_filters_then_limits_and_says_on_stderr_what_it_left_out(cli, warehouse):
    status, out, err = cli("runs", "--warehouse", warehouse, "--status", "busy", "--limit", "1", "--json")
    assert status == 0
    assert [json.loads(line)["run_id"] for line in out.splitlines()] == ["r4"]
    assert err == "(1 older not shown; --limit 0 shows all)\n"
    status, out, err = cli("runs", "--warehouse", warehouse, "--limit", "0", "--json")
    assert (status, len(out.splitlines()), err) == (0, 6, "")


def test_runs_reads_the_warehouse_setting_like_every_command(cli, warehouse, monkeypatch):
    monkeypatch.setenv(env_name("warehouse"), str(warehouse))
    status, out, _ = cli("runs", "--status", "published")
    assert status == 0 and out.splitlines()[1].split()[0] == "r1"


def test_runs_of_a_status_that_none_has_is_one_line_not_an_error(cli, warehouse):
    status, out, err = cli("runs", "--warehouse", warehouse, "--status", "published", "--json")
    assert (status, len(out.splitlines())) == (0, 1)
    runlog.write_record(warehouse, {**PUBLISHED, "status": "failed"})
    status, out, err = cli("runs", "--warehouse", warehouse, "--status", "published")
    assert (status, out) == (0, "")
    assert err == f"no published runs among the 6 recorded in {warehouse}\n"


def test_a_warehouse_without_records_is_one_line_on_stderr_and_no_error(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("runs", "--warehouse", empty) == (0, "", f"no runs recorded in {empty}\n")
    (empty / "runs").mkdir()
    (empty / "runs" / "half-written.json").write_text("{", encoding="utf-8")  # skipped, as by every reader
    assert cli("runs", "--warehouse", empty, "--json") == (0, "", f"no runs recorded in {empty}\n")


def test_a_missing_warehouse_or_a_file_is_one_line(cli, tmp_path):
    missing = tmp_path / "nowhere"
    assert cli("runs", "--warehouse", missing) == (1, "", f"eventledger: warehouse {missing} does not exist\n")
    assert not missing.exists()  # listing runs creates nothing
    a_file = tmp_path / "file"
    a_file.write_text("", encoding="utf-8")
    status, out, err = cli("runs", "--warehouse", a_file)  # refused by the settings, like every command
    assert (status, out) == (2, "") and err.startswith(f"eventledger: bad setting warehouse = {a_file} ")
    assert "is a file, not a folder" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["--limit", "-1"], ["--limit", "many"], ["--status", "crashed"]])
def test_a_bad_flag_is_a_usage_error(cli, warehouse, argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli("runs", "--warehouse", warehouse, *argv)
    assert info.value.code == 2
    assert "eventledger runs: error: argument" in capsys.readouterr().err


def test_a_busy_run_of_the_command_line_is_recorded_with_its_reason_and_listed_as_busy(cli, tmp_path):
    root = tmp_path / "busy"
    root.mkdir()
    holder = hold_in_subprocess(root)
    try:
        status, _, err = cli("run", "--warehouse", root, "--wait", "0")  # found before Prefect starts: quick
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert status == 75 and "is busy" in err
    (rec,) = runlog.read_records(root)
    assert (rec["status"], rec["reason"]) == ("failed", "busy")
    status, out, _ = cli("runs", "--warehouse", root, "--json")
    assert json.loads(out)["status"] == "busy"
