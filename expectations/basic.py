"""The basic expectations of every table, generated from the contract.

What a column's declaration in `transforms/contract.toml` already says is
checked without being written again in a suite: the table has exactly the
declared columns, a non-nullable column has no NULL, a primary key is unique
(one column or several), a column with allowed values holds only those, and a
column that references another table's column holds only values of it (the
runner's `{"$ref": "table.column"}` placeholder). The suites in
`expectations/suites/` keep only the business rules: ranges, patterns,
conditions between columns or on other columns, row counts.

Expectations are plain dicts in the suite file format (`type`, `kwargs`), so
the runner treats generated and hand-written ones alike.

Types are not among them: on the pandas frames GX validates, every value is a
Python object, so GX could only tell a string from a number (not an int32
from an int64, nor a date or a list at all). The runner compares each Arrow
table's column types with the contract instead (`column_type_mismatches`).
"""

from __future__ import annotations

import pyarrow as pa

from eventledger.transforms import contract, schemas


def basic_expectations(table: contract.Table) -> list[dict]:
    """The expectations the contract implies for `table`, in column order."""
    key = table.primary_key
    items = [_expect("expect_table_columns_to_match_set", column_set=table.column_names, exact_match=True)]
    for column in table.columns:
        if not column.nullable:
            items.append(_expect("expect_column_values_to_not_be_null", column=column.name))
        if key == [column.name]:
            items.append(_expect("expect_column_values_to_be_unique", column=column.name))
        if column.allowed_values is not None:
            items.append(
                _expect("expect_column_values_to_be_in_set", column=column.name, value_set=list(column.allowed_values))
            )
        if column.references is not None:
            items.append(
                _expect("expect_column_values_to_be_in_set", column=column.name, value_set={"$ref": column.references})
            )
    if len(key) > 1:
        items.append(_expect("expect_compound_columns_to_be_unique", column_list=key))
    return items


def column_type_mismatches(name: str, table: pa.Table) -> list[str]:
    """Columns of `table` whose Arrow type is not the contract's (missing and extra columns are GX's to report)."""
    expected = schemas.arrow_schema(name)
    found = {field.name: field.type for field in table.schema}
    return [
        f"{field.name}: {found[field.name]}, not {field.type}"
        for field in expected
        if field.name in found and not found[field.name].equals(field.type)
    ]


def _expect(type_: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs}
