"""GX checkpoints: results stored as rows, the validation page rendered, table-level gates name the expectation."""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest

from eventledger.expectations.runner import validate_tables
from tests.test_validation import replace_column
from tests.test_warehouse import small_tables
from eventledger.transforms import quality, schemas
from eventledger.warehouse import runlog


def run_record(n_sentences=1, n_events=1, files=None):
    return {"run_id": "r1", "started_at": "2024-01-01T00:00:00+00:00", "status": "running",
            "n_documents": 1, "n_sentences": n_sentences, "n_events": n_events,
            "files": files if files is not None else
            [{"path": "/in/a.txt", "name": "a", "status": "ok", "outcome": "extracted", "document_id": "doc_a"}]}


def all_tables(**record):
    tables = small_tables()
    tables["quarantine"] = schemas.QUARANTINE.empty_table()
    rec = run_record(**record)
    tables["pipeline_runs"] = runlog.runs_table([rec])
    tables["input_files"] = runlog.input_files_table([rec])
    return tables


def failed(report):
    return {(o.table, o.expectation, o.column) for o in report.failures}


def test_every_table_is_checked_results_are_rows_and_the_validation_page_is_rendered(tmp_path):
    report = validate_tables(all_tables(), {"expected_sentences": 1}, data_docs_dir=tmp_path, run_name="r1")
    assert report.success, report.summary()
    assert {o.table for o in report.outcomes} == set(schemas.ALL_TABLES) - {"validation_results"}
    rows = runlog.validation_results_table([{"run_id": "r1", "validation": report.records()}])
    assert rows.schema == schemas.VALIDATION_RESULTS and rows.num_rows == len(report.outcomes)
    assert report.data_docs == tmp_path and [p.name for p in tmp_path.iterdir()] == ["index.html"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "events_suite" in index and "r1" in index
    # every expectation of every table is on the page, each with its pass mark; nothing comes from the network
    assert index.count('<span class="ok" title="passed">') == len(report.outcomes) + len(
        {o.table for o in report.outcomes}) + 1  # one per expectation, one per table, the verdict
    assert "regex: &quot;^[0-9a-f]{64}$&quot;" in index  # the arguments
    assert "http://" not in index and "https://" not in index and "<script" not in index


def test_a_failed_expectation_shows_as_failed_on_the_validation_page(tmp_path):
    tables = all_tables()
    tables["documents"] = pa.concat_tables([tables["documents"], tables["documents"]])
    report = validate_tables(tables, {"expected_sentences": 1}, data_docs_dir=tmp_path, run_name="r1")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr class="failed">(.*?)</tr>', index, re.S)
    assert row and "expect_column_values_to_be_unique" in row.group(1) and "document_id" in row.group(1)
    assert '<span class="fail" title="failed">\u2717 FAILED</span>' in row.group(1)
    assert "unexpected: 2 of 2" in row.group(1)
    assert index.count('<tr class="failed">') == len(report.failures) == 1


@pytest.mark.parametrize("n_sentences, ok", [(49, True), (50, False)])
def test_zero_events_fails_only_from_the_threshold(n_sentences, ok):
    tables = all_tables(n_sentences=n_sentences, n_events=0)
    tables["events"] = schemas.EVENTS.empty_table()
    report = validate_tables(tables, {"expected_sentences": 1})
    assert (("pipeline_runs", "expect_column_values_to_be_between", "n_events") not in failed(report)) is ok


def test_the_date_range_is_also_a_table_gate():
    tables = all_tables()
    tables["events"] = replace_column(tables["events"], "date_start", [dt.date(1750, 1, 1)])
    params = {"expected_sentences": 1, "max_event_date": quality.max_event_date(dt.date(2024, 1, 1))}
    assert ("events", "expect_column_values_to_be_between", "date_start") in failed(validate_tables(tables, params))


def test_quarantine_and_input_files_suites():
    tables = all_tables(files=[{"path": "/in/x.txt", "name": "x", "status": "empty", "outcome": "skipped"}])
    tables["quarantine"] = pa.Table.from_pylist(
        [{"table_name": "events", "row_id": "evt_1", "document_id": "doc_gone", "rule": "made_up", "reason": "r",
          "run_id": "r1"}], schema=schemas.QUARANTINE)
    found = failed(validate_tables(tables, {"expected_sentences": 1}))
    assert ("quarantine", "expect_column_values_to_be_in_set", "rule") in found
    assert ("quarantine", "expect_column_values_to_be_in_set", "document_id") in found
    assert ("input_files", "expect_column_values_to_not_be_null", "reason") in found


def test_duplicate_keys_name_the_expectation():
    tables = all_tables()
    tables["documents"] = pa.concat_tables([tables["documents"], tables["documents"]])
    report = validate_tables(tables, {"expected_sentences": 1})
    assert "expect_column_values_to_be_unique on documents.document_id" in report.summary()
