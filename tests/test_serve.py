"""`eventledger serve` against a real Prefect server on loopback: scheduled runs, honest states, clean stop.

The integration test starts `prefect server start` on a free loopback port
with a temporary PREFECT_HOME, serves eventledger on a 5-second schedule
over a temporary inbox, and watches the scheduled runs through the Prefect
API: a run over an empty inbox is idle (Completed, named "Idle"); a run
over an inbox with nothing usable is Failed with the reason as its message;
after a document is dropped into the inbox, a run is Completed and the
warehouse holds the document. SIGTERM stops `serve` (exit 143) and
pauses the schedule. Every process started here is stopped by its process
group, and the test checks that none is left.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE
from tests.processes import free_port, group_members, stop_group, wait_for_health

EXE = Path(sys.executable).parent / "eventledger"
PREFECT = Path(sys.executable).parent / "prefect"
SERVER_START_TIMEOUT = 180
RUN_TIMEOUT = 240


def test_serve_without_a_prefect_server_is_one_line_with_the_command_that_starts_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    proc = subprocess.run([str(EXE), "serve", "--inbox", str(tmp_path / "in"), "--warehouse", str(tmp_path / "wh")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == "" and proc.stderr.count("\n") == 1
    assert "PREFECT_API_URL is not set" in proc.stderr and "prefect server start" in proc.stderr
    assert not (tmp_path / "in").exists() and not (tmp_path / "wh").exists()  # refused before any work


def test_serve_with_an_unreachable_prefect_server_is_one_line(tmp_path):
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api",
           "PREFECT_HOME": str(tmp_path / "prefect")}
    proc = subprocess.run([str(EXE), "serve", "--inbox", str(tmp_path / "in")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "does not answer" in proc.stderr and "prefect server start" in proc.stderr


@pytest.fixture
def prefect_server(tmp_path):
    """A real Prefect server on a free loopback port, its home in a temporary folder; stopped after the test."""
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1"}
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for_health(proc, url, SERVER_START_TIMEOUT, tmp_path / "server.log")
        yield url, env
    finally:
        stop_group(proc)
        log.close()
        time.sleep(1)
        assert not group_members(proc.pid), "the Prefect server outlived its test"


def flow_runs(api_url: str, deployment: str = "eventledger-run/inbox") -> list:
    """The deployment's flow runs that have ended, oldest first."""
    from prefect.client.orchestration import PrefectClient

    async def read():
        async with PrefectClient(api_url) as client:
            dep = await client.read_deployment_by_name(deployment)
            runs = await client.read_flow_runs(limit=200)
            return dep, [r for r in runs if r.deployment_id == dep.id and r.state and r.state.is_final()]

    dep, runs = asyncio.run(read())
    return dep, sorted(runs, key=lambda r: r.end_time or r.expected_start_time)


def maintenance_deployment(api_url: str):
    from prefect.client.orchestration import PrefectClient

    async def read():
        async with PrefectClient(api_url) as client:
            return await client.read_deployment_by_name("eventledger-maintain/inbox")

    return asyncio.run(read())


def wait_for_run(api_url: str, state_type: str, serve: subprocess.Popen, serve_log: Path, after: int = 0,
                 name: str | None = None):
    """The first ended flow run of the deployment (beyond the first `after`) in `state_type` (named `name`)."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        assert serve.poll() is None, serve_log.read_text()
        try:
            _, runs = flow_runs(api_url)
        except Exception:  # noqa: BLE001 - the deployment may not exist yet
            runs = []
        matching = [r for r in runs[after:] if r.state.type.value == state_type and name in (None, r.state.name)]
        if matching:
            return matching[0], len(runs)
        time.sleep(1)
    pytest.fail(f"no {state_type} flow run within {RUN_TIMEOUT} s:\n{serve_log.read_text()}")


@pytest.mark.slow
@pytest.mark.e2e
def test_serve_runs_on_its_schedule_reports_failed_and_completed_runs_and_stops_cleanly(tmp_path, prefect_server):
    api_url, server_env = prefect_server
    inbox, root = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()  # empty: the scheduled runs are idle
    env = {**server_env, "PREFECT_API_URL": api_url, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    serve_log = tmp_path / "serve.log"
    with open(serve_log, "w") as log:
        serve = subprocess.Popen([str(EXE), "serve", "--inbox", str(inbox), "--warehouse", str(root),
                                  "--interval", "5"], stdout=log, stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True)
    try:
        idle, seen = wait_for_run(api_url, "COMPLETED", serve, serve_log, name="Idle")
        assert idle.state.message == "nothing to do: no documents in the inbox"
        assert not (root / "current").exists()

        (inbox / "scan.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)  # nothing usable: the run fails
        failed, seen = wait_for_run(api_url, "FAILED", serve, serve_log, after=seen)
        assert failed.state.message == "no usable input documents"
        assert {"eventledger", "serve", "warehouse:wh"} <= set(failed.tags)
        assert failed.name.startswith("20")  # named after eventledger's run id, e.g. 20261130T101500Z-1a2b3c4d

        (inbox / "scan.txt").unlink()
        shutil.copy(next(SAMPLE.glob("*.txt")), inbox / "sample.txt")  # a document arrives
        completed, _ = wait_for_run(api_url, "COMPLETED", serve, serve_log, after=seen, name="Completed")
        assert completed.state.message.startswith("published 1 document(s), 19 sentence(s), ")
        con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
        try:
            assert con.execute("SELECT name FROM documents").fetchall() == [("sample",)]
            assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
        finally:
            con.close()

        maintenance = maintenance_deployment(api_url)  # served beside it, on its own schedule
        assert [s.schedule.cron for s in maintenance.schedules] == ["17 3 * * *"]
        assert maintenance.parameters["settings"]["warehouse"] == str(root)

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 143, serve_log.read_text()
        assert "serve stopped by SIGTERM" in serve_log.read_text()
        dep, _ = flow_runs(api_url)
        assert dep.paused  # stopping serve pauses the schedule
    finally:
        stop_group(serve)
    time.sleep(2)
    assert not group_members(serve.pid), "a process started by serve outlived it"
    text = serve_log.read_text()
    assert "Traceback" not in text, text
