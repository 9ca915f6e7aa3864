"""The GX suites pass on good tables and name what fails on broken ones."""

import datetime as dt

import pyarrow as pa
import pytest

from eventledger.expectations.runner import validate_tables
from tests.test_warehouse import small_tables


def params():
    return {"expected_sentences": 1}


def replace_column(table: pa.Table, name: str, values) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, table.schema.field(name), pa.array(values, table.schema.field(name).type))


def failures(tables):
    report = validate_tables(tables, params())
    return {(o.table, o.expectation, o.column) for o in report.failures}


def test_good_tables_pass():
    report = validate_tables(small_tables(), params())
    assert report.success, report.summary()
    assert len(report.outcomes) > 30


def test_duplicate_event_id_fails_on_events():
    tables = small_tables()
    tables["events"] = pa.concat_tables([tables["events"], tables["events"]])
    assert ("events", "expect_column_values_to_be_unique", "event_id") in failures(tables)


def test_dangling_actor_fails_foreign_key():
    tables = small_tables()
    tables["events"] = replace_column(tables["events"], "source_actor_id", ["act_nobody"])
    assert ("events", "expect_column_values_to_be_in_set", "source_actor_id") in failures(tables)


@pytest.mark.parametrize(
    "column, value, expectation",
    [
        ("event_root_code", "21", "expect_column_values_to_be_in_set"),
        ("quad_class", 5, "expect_column_values_to_be_in_set"),
        ("goldstein", 11.0, "expect_column_values_to_be_between"),
        ("date_precision", "week", "expect_column_values_to_be_in_set"),
    ],
)
def test_enumerations_and_ranges(column, value, expectation):
    tables = small_tables()
    tables["events"] = replace_column(tables["events"], column, [value])
    assert ("events", expectation, column) in failures(tables)


def test_date_start_after_date_end_fails():
    tables = small_tables()
    tables["events"] = replace_column(tables["events"], "date_start", [dt.date(2001, 2, 1)])
    tables["events"] = replace_column(tables["events"], "date_end", [dt.date(2001, 1, 1)])
    assert ("events", "expect_column_pair_values_a_to_be_greater_than_b", "date_end") in failures(tables)


def test_missing_sentence_fails():
    report = validate_tables(small_tables(), {"expected_sentences": 2})
    assert any(o.table == "sentences" and o.expectation == "expect_table_row_count_to_equal" for o in report.failures)
    assert "sentences" in report.summary()
