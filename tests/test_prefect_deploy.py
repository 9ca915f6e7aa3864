"""The shipped prefect.yaml, deployed with `prefect deploy` to a process work pool and run by a worker.

Real processes, no mocks: a Prefect server (`prefect server start`, its own
PREFECT_HOME), `prefect work-pool create`, `prefect deploy`, `prefect
deployment run` and `prefect worker start --run-once`, each the installed
command line in its own process group. The deployment is the shipped
prefect.yaml with only its two paths moved into the test's folder (the inbox
holds the bundled sample), deployed from the checkout as a user would.

The server runs without its scheduler: the deployment's cron schedule is
recorded (and checked) but creates no runs, so the worker takes exactly the
one run the test asked for, never a scheduled one with the shipped relative
paths, which would write into the checkout.

PYTHONPATH points every process at this checkout, so the worker's run imports
the flow under test (the entrypoint is a module path) wherever eventledger is
installed. Afterwards every process is stopped, by process group, and no
process carrying the test's PREFECT_HOME may be left.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import REPO, SAMPLE
from tests.processes import free_port, signal_group, wait_for_health

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PREFECT = Path(sys.executable).parent / "prefect"
SHIPPED = REPO / "prefect.yaml"
START_TIMEOUT = 120
COMMAND_TIMEOUT = 120
RUN_TIMEOUT = 300


def derived_config(inbox: Path, warehouse: Path) -> tuple[dict, dict]:
    """The shipped prefect.yaml with its inbox and warehouse moved to the test's folders, and its one deployment."""
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    config = copy.deepcopy(shipped)
    (deployment,) = config["deployments"]
    assert deployment["parameters"]["paths"] == ["./inbox"]
    assert deployment["parameters"]["settings"]["warehouse"] == "./data/warehouse"
    deployment["parameters"]["paths"] = [str(inbox)]
    deployment["parameters"]["settings"]["warehouse"] = str(warehouse)
    return config, deployment


class Processes:
    """The processes this test starts, each in its own process group, with its output in a file."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env, self.started = folder, env, []

    def start(self, name: str, args: list, cwd: Path = REPO) -> subprocess.Popen:
        out = open(self.folder / f"{name}.log", "w")
        proc = subprocess.Popen([str(PREFECT), *map(str, args)], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=cwd, env=self.env, start_new_session=True)
        out.close()
        proc.log = self.folder / f"{name}.log"
        self.started.append(proc)
        return proc

    def run(self, name: str, args: list, cwd: Path = REPO, timeout: float = COMMAND_TIMEOUT) -> str:
        """Run a command to its end; its output, or the test fails saying what it printed."""
        proc = self.start(name, args, cwd)
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"prefect {' '.join(map(str, args))} took more than {timeout} s:\n{proc.log.read_text()}")
        output = proc.log.read_text()
        assert status == 0, f"prefect {' '.join(map(str, args))} exited {status}:\n{output}"
        return output

    def stop_all(self) -> None:
        """SIGTERM each process group, then SIGKILL what is still there after 20 s."""
        for proc in self.started:
            signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.started:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def processes_with(marker: str) -> list[str]:
    """Living processes whose environment holds `marker` (the test's PREFECT_HOME): what the test left running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{entry.name}: {command}")
        except OSError:  # gone, or not ours to read
            continue
    return found


def read_back(api_url: str, flow_run_id: str):
    """The flow run and its deployment, through Prefect's own client."""
    from prefect.client.orchestration import get_client

    from eventledger.flows import runtime

    with runtime.api_url(api_url), get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        deployment = client.read_deployment(flow_run.deployment_id)
    return flow_run, deployment


def test_the_shipped_prefect_yaml_deploys_to_a_process_pool_and_a_worker_publishes(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "wh"
    inbox.mkdir()
    for sample in SAMPLE.glob("*.txt"):
        shutil.copy(sample, inbox / sample.name)
    config, deployment = derived_config(inbox, warehouse)
    prefect_file = tmp_path / "prefect.yaml"
    prefect_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    pool = deployment["work_pool"]["name"]
    flow_name = "eventledger-run"
    name = f"{flow_name}/{deployment['name']}"

    home = tmp_path / "prefect-home"
    home.mkdir()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false",
        "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    procs = Processes(tmp_path, env)
    started = time.monotonic()
    try:
        server = procs.start("server", ["server", "start", "--host", "127.0.0.1", "--port", port,
                                        "--no-ui", "--no-scheduler"], cwd=tmp_path)
        wait_for_health(server, api_url, START_TIMEOUT, server.log)

        procs.run("work-pool", ["work-pool", "create", pool, "--type", "process"], cwd=tmp_path)
        out = procs.run("deploy", ["--no-prompt", "deploy", "--all", "--prefect-file", prefect_file])
        assert f"Deployment '{name}' successfully created" in out, out

        out = procs.run("deployment-run", ["deployment", "run", name], cwd=tmp_path)
        flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", out).group(1)

        worker = procs.run("worker", ["worker", "start", "--pool", pool, "--run-once"], cwd=tmp_path,
                           timeout=RUN_TIMEOUT)
        flow_run, deployment_read = read_back(api_url, flow_run_id)
    finally:
        procs.stop_all()
        left = processes_with(str(home))
    took = time.monotonic() - started
    assert not left, f"processes left running: {left}"

    # what prefect deploy made of the shipped file
    assert deployment_read.entrypoint == deployment["entrypoint"]
    assert deployment_read.work_pool_name == pool
    assert deployment_read.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}]
    assert [s.schedule.cron for s in deployment_read.schedules] == [deployment["schedules"][0]["cron"]]
    assert deployment_read.enforce_parameter_schema is True
    assert set(deployment_read.tags) == set(deployment["tags"])

    # what the worker's run did
    state = flow_run.state
    assert state.type.value == "COMPLETED", f"{state.type.value}: {state.message}\n{worker}"
    assert state.message.startswith("published 1 document(s), 19 sentence(s), "), state.message
    assert "Traceback" not in worker, worker
    records = sorted((warehouse / "runs").glob("*.json"))
    assert [r.stem for r in records] == [flow_run.name], "the flow run is named after eventledger's run id"
    assert {"eventledger", "worker"} <= set(flow_run.tags)
    record = json.loads(records[0].read_text(encoding="utf-8"))
    assert record["status"] == "published"
    assert record["settings"]["warehouse"] == str(warehouse)
    assert record["settings_sources"]["warehouse"] == "deployment parameters"

    con = duckdb.connect(str(warehouse / "events.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    finally:
        con.close()
    print(f"server, pool, deploy, run and worker: {took:.1f} s")
