"""Honest states in Prefect (issue 8, item 2): what Prefect records of a run, read back through its API.

Real Prefect, no mocks: the flow runs in-process against Prefect's temporary
local server, exactly as `eventledger run` does, and the test then reads the
flow run with Prefect's own client in the same process. That works because
the temporary server is one per process (`SubprocessASGIServer` is a
singleton, stopped at exit), so the client started after the flow returned
talks to the same server and database that recorded the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from eventledger.cli import main
from tests.conftest import SAMPLE
from tests.test_lock import hold_in_subprocess
from eventledger.transforms import document

pytestmark = pytest.mark.e2e

CHECKOUT = Path(__file__).resolve().parent.parent  # the checkout under test (cwd of a subprocess)


def run_id_of(out: str) -> str:
    match = re.search(r"^run (\S+): ", out, re.MULTILINE)
    assert match, out
    return match.group(1)


def flow_run_named(name: str):
    """The one flow run with this name, its logs and its artifacts, from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterName, LogFilter, LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs go to the API in the background: send what is queued
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
        assert len(runs) == 1, [r.name for r in runs]
        run = runs[0]
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    return run, [log.message for log in logs], artifacts


def summary_artifact(artifacts):
    found = [a for a in artifacts if a.type == "markdown"]
    assert len(found) == 1, artifacts
    return found[0]


def test_a_published_run_is_completed_named_tagged_logged_and_summarised(tmp_path, capsys):
    root = tmp_path / "wh"
    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 0
    run_id = run_id_of(capsys.readouterr().out)

    run, logs, artifacts = flow_run_named(run_id)
    assert run.state.type.value == "COMPLETED"
    assert run.state.message.startswith("published 1 document(s), 19 sentence(s), ")
    assert set(run.tags) == {"eventledger", "run", "warehouse:wh"}
    for line in ("ingest: 1 file(s), 1 usable", f"publish: run {run_id} committed to the lake (0 document(s) replaced)"):
        assert line in logs, logs
    assert any(line.startswith("extract: 1/1 documents, 19 sentences, ") for line in logs), logs

    artifact = summary_artifact(artifacts)
    assert artifact.key == "eventledger-wh"
    table = artifact.data
    for row in (f"| run id | {run_id} |", "| status | published |", "| documents | 1 |", "| sentences | 19 |",
                "| message | - |"):
        assert row in table, table
    assert "| validation | passed (" in table


def test_a_failed_run_is_failed_with_its_reason(tmp_path, monkeypatch, capsys):
    root = tmp_path / "store"
    assert main(["run", str(tmp_path / "missing.txt"), "--allow-missing", "--warehouse", str(root)]) == 1
    run_id = run_id_of(capsys.readouterr().out)
    run, logs, artifacts = flow_run_named(run_id)
    assert run.state.type.value == "FAILED"
    assert run.state.message == "no usable input documents"
    assert "ingest: 1 file(s), 0 usable" in logs
    table = summary_artifact(artifacts).data
    assert "| status | failed |" in table and "| message | no usable input documents |" in table

    def broken_extract(*args, **kwargs):
        raise ValueError("injected bad data")

    monkeypatch.setattr(document, "extract_batch", broken_extract)
    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 1
    captured = capsys.readouterr()
    assert "eventledger: run failed: ValueError: injected bad data" in captured.err
    run, _, artifacts = flow_run_named(run_id_of(captured.out))
    assert run.state.type.value == "FAILED"
    assert run.state.message == "ValueError: injected bad data"
    assert "| message | ValueError: injected bad data |" in summary_artifact(artifacts).data


def test_a_busy_warehouse_is_a_cancelled_busy_run_when_the_flow_is_started_directly(tmp_path):
    """The command line finds a busy warehouse before Prefect starts (no flow run, exit 75, see
    test_lock.py); a caller that starts the flow itself gets a Cancelled state named Busy."""
    from eventledger.settings import load_settings
    from eventledger.flows.pipeline import BUSY_STATE, run_flow

    root = tmp_path / "busy"
    root.mkdir()
    holder = hold_in_subprocess(root)
    try:
        settings = load_settings({"warehouse": root, "lock_wait": 0})
        summary = run_flow([str(SAMPLE)], settings)  # no run id given: the flow names its run itself
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert summary.status == "failed" and "is busy" in summary.message

    run, _, artifacts = flow_run_named(summary.run_id)
    assert run.state.type.value == "CANCELLED"
    assert run.state.name == BUSY_STATE
    assert run.state.message == summary.message
    assert f"| run id | {summary.run_id} |" in summary_artifact(artifacts).data


def test_the_terminal_of_a_failed_run_is_unchanged(tmp_path):
    """No Prefect ERROR line, no traceback: the progress line, the reason and the record, as before."""
    proc = subprocess.run(
        [sys.executable, "-m", "eventledger.cli", "run", str(tmp_path / "missing.txt"), "--allow-missing",
         "--warehouse", str(tmp_path / "wh")],
        capture_output=True, text=True, cwd=CHECKOUT, timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_LOGGING", "EVENTLEDGER_"))},
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[:2] == ["ingest: 1 file(s), 0 usable", "eventledger: run failed: no usable input documents"], lines
    assert len(lines) == 3 and lines[2].startswith("details: ") and lines[2].endswith(".json"), lines
    assert proc.stdout.startswith("run ") and ": failed\n" in proc.stdout
