"""Retries for transient failures only, and failure reporting (real flow, in-process).

Faults are injected into eventledger's own functions; Prefect, GX and DuckDB
run for real, so these tests see Prefect's actual retry behaviour.
"""

from __future__ import annotations

import errno
import json
import re

import pytest

from eventledger.cli import main
from tests.conftest import SAMPLE
from eventledger.transforms import document
from eventledger.warehouse import publish as wh

pytestmark = pytest.mark.e2e


def test_a_transient_publish_failure_is_retried_and_the_run_publishes(tmp_path, monkeypatch):
    calls = []
    real_publish = wh.publish

    def flaky_publish(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.EIO, "Input/output error (injected)")
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(wh, "publish", flaky_publish)
    assert main(["run", str(SAMPLE), "--warehouse", str(tmp_path / "wh")]) == 0
    assert len(calls) == 2
    assert (tmp_path / "wh" / "events.duckdb").exists()


def test_a_deterministic_failure_is_not_retried_and_is_reported_in_one_line(tmp_path, monkeypatch, capsys):
    root = tmp_path / "wh"
    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 0
    current = (root / "current").readlink()
    calls = []

    def broken_extract(*args, **kwargs):
        calls.append(1)
        raise ValueError("injected bad data")

    monkeypatch.setattr(document, "extract_batch", broken_extract)
    capsys.readouterr()
    assert main(["run", str(SAMPLE), "--warehouse", str(root), "--reextract"]) == 1
    assert len(calls) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2] == "eventledger: run failed: ValueError: injected bad data"
    details = err[-1].removeprefix("details: ")
    assert details.endswith(".json")
    record = json.loads(open(details).read())
    assert record["status"] == "failed" and "injected bad data" in record["traceback"]
    assert (root / "current").readlink() == current  # nothing published


def test_table_level_gates_fail_the_run_name_the_expectation_and_publish_nothing(tmp_path, monkeypatch, capsys):
    """Zero events from 60 real sentences, then a lost sentence: each fails the run with its expectation."""
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    (quiet / "weather.txt").write_text(
        "\n\n".join(f"The weather on day {n} was mild and the fields were green." for n in range(1, 61)),
        encoding="utf-8",
    )
    root = tmp_path / "wh"
    assert main(["run", str(quiet), "--warehouse", str(root)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2].startswith("eventledger: run failed: validation failed: ")
    assert "expect_column_values_to_be_between on pipeline_runs.n_events" in err[-2]
    docs = err[-1].split("(validation page: ")[1].rstrip(")")
    page = open(docs, encoding="utf-8").read()
    assert "pipeline_runs_suite" in page
    failed_rows = re.findall(r'<tr class="failed">(.*?)</tr>', page, re.S)  # the validation page marks it failed
    assert any("expect_column_values_to_be_between" in row and "n_events" in row and "\u2717 FAILED" in row
               for row in failed_rows)
    assert not (root / "current").exists()

    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 0
    before = (root / "current").readlink()
    real_combine = document.combine

    def lose_a_sentence(parts):
        tables = real_combine(parts)
        tables["sentences"] = tables["sentences"].slice(1)
        return tables

    monkeypatch.setattr(document, "combine", lose_a_sentence)
    capsys.readouterr()
    assert main(["run", str(SAMPLE), "--warehouse", str(root), "--reextract"]) == 1
    err = capsys.readouterr().err
    assert "expect_table_row_count_to_equal on sentences" in err
    assert (root / "current").readlink() == before


def test_only_transient_io_errors_are_retried():
    # last in the module and imported here: when Prefect is first imported outside a flow run under
    # pytest's capture, its console handler outlives the captured stream (a "Logging error" at exit)
    from prefect.states import Failed

    from eventledger.flows import pipeline as flow_module

    assert flow_module.retry_transient_io(None, None, Failed(data=OSError(errno.EIO, "I/O error")))
    assert flow_module.retry_transient_io(None, None, Failed(data=OSError(errno.ESTALE, "stale NFS handle")))
    assert not flow_module.retry_transient_io(None, None, Failed(data=PermissionError(errno.EACCES, "denied")))
    assert not flow_module.retry_transient_io(None, None, Failed(data=ValueError("bad data")))
    assert not flow_module.retry_transient_io(None, None, Failed(data=KeyError("missing code")))
    for io_task in (flow_module.ingest_task, flow_module.load_previous_task, flow_module.publish_task):
        assert io_task.retries == 2 and io_task.retry_condition_fn is flow_module.retry_transient_io
    for pure_task in (flow_module.segment_task, flow_module.extract_task, flow_module.validate_task):
        assert not pure_task.retries
