"""One contract for every table: the Arrow schemas, the DDL, the expectations and WAREHOUSE.md agree with it.

`transforms/contract.toml` declares each column once; these tests check each
derived form against the declaration itself (not against another derived
form), that the GX validation still runs every expectation the hand-written
suites had before the contract (tests/data/suites_before_contract.json), and
that the published contract in ../shared/spec/WAREHOUSE.md names what the
declaration says it names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventledger.expectations import runner
from eventledger.expectations.basic import basic_expectations
from tests.conftest import SHARED
from tests.test_checkpoints import all_tables
from tests.test_validation import replace_column
from eventledger.transforms import contract, schemas
from eventledger.warehouse import ddl

TABLES = contract.load()
WAREHOUSE_MD = SHARED / "spec" / "WAREHOUSE.md"
BEFORE = Path(__file__).parent / "data" / "suites_before_contract.json"

#: What DuckDB's DESCRIBE shows for each type of the vocabulary (written out here, not taken from warehouse/ddl.py).
DESCRIBED = {
    "string": "VARCHAR",
    "int8": "TINYINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "list<string>": "VARCHAR[]",
}


def columns(table: str):
    return [pytest.param(table, c, id=f"{table}.{c.name}") for c in TABLES[table].columns]


ALL_COLUMNS = [p for table in TABLES for p in columns(table)]


# -- the declaration ------------------------------------------------------------------


def test_the_contract_declares_exactly_the_published_tables():
    assert set(TABLES) == set(schemas.ALL_TABLES)


@pytest.mark.parametrize("table, column", ALL_COLUMNS)
def test_every_column_has_a_one_line_description(table, column):
    assert column.description.strip() and "\n" not in column.description
    assert TABLES[table].description.strip()


def test_every_type_of_the_vocabulary_has_an_arrow_and_a_duckdb_type():
    assert set(schemas.ARROW_TYPES) == set(contract.TYPES) == set(ddl.DUCKDB_TYPES) == set(DESCRIBED)


@pytest.mark.parametrize(
    "column, error",
    [
        ('{ name = "a", type = "int", nullable = false, description = "x" }', "unknown type"),
        ('{ name = "a", type = "string", nullable = true, primary_key = true, description = "x" }', "cannot be nullable"),
        ('{ name = "a", type = "string", nullable = false, references = "t.nope", description = "x" }', "references"),
        ('{ name = "a", type = "string", nullable = false, nulable = true, description = "x" }', "unknown key"),
        ('{ name = "a", type = "string", nullable = false }', "missing description"),
        ('{ name = "A b", type = "string", nullable = false, description = "x" }', "column name"),
        ('{ name = "a", type = "string", nullable = false, allowed_values = [], description = "x" }', "non-empty"),
        ('{ name = "a", type = "string", nullable = "no", description = "x" }', "true or false"),
    ],
)
def test_a_declaration_the_derivations_could_not_agree_on_is_refused(tmp_path, column, error):
    path = tmp_path / "contract.toml"
    path.write_text(f'[t]\ndescription = "A table."\ncolumns = [\n  {column},\n]\n', encoding="utf-8")
    with pytest.raises(contract.ContractError, match=error):
        contract.load(path)


# -- Arrow ----------------------------------------------------------------------------


@pytest.mark.parametrize("table, column", ALL_COLUMNS)
def test_arrow_schema_agrees_with_the_declaration(table, column):
    schema = schemas.ALL_TABLES[table]
    assert schema.names == TABLES[table].column_names
    field = schema.field(column.name)
    assert field.type.equals(schemas.ARROW_TYPES[column.type])
    assert field.nullable == column.nullable


# -- DuckDB ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database():
    con = duckdb.connect()
    con.execute(ddl.create_tables())
    yield con
    con.close()


@pytest.mark.parametrize("table", list(TABLES))
def test_ddl_agrees_with_the_declaration(database, table):
    described = database.execute(f"DESCRIBE {table}").fetchall()
    declared = TABLES[table]
    assert [row[0] for row in described] == declared.column_names
    for (name, type_, null, key, *_), column in zip(described, declared.columns):
        assert type_ == DESCRIBED[column.type], name
        assert null == ("YES" if column.nullable else "NO"), name
        assert (key == "PRI") == column.primary_key, name
    keys = database.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    assert [list(k[0]) for k in keys] == ([declared.primary_key] if declared.primary_key else [])


def test_ddl_creates_the_tables_in_declaration_order(database):
    assert re.findall(r"CREATE TABLE (\w+) \(", ddl.create_tables()) == list(TABLES)


@pytest.mark.parametrize("table", list(TABLES))
def test_parquet_written_from_the_arrow_schema_loads_into_the_ddl_table_unchanged(database, tmp_path, table):
    """Parquet and DuckDB agree on every column type, not just the name: what publish relies on."""
    path = tmp_path / f"{table}.parquet"
    pq.write_table(schemas.ALL_TABLES[table].empty_table(), path)
    from_parquet = database.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    in_table = database.execute(f"DESCRIBE {table}").fetchall()
    assert [(r[0], r[1]) for r in from_parquet] == [(r[0], r[1]) for r in in_table]


# -- expectations ---------------------------------------------------------------------


def _key(item: dict, table: str) -> str:
    """An expectation as comparable text; the old `$columns` placeholder stood for the table's columns."""
    kwargs = dict(item["kwargs"])
    if kwargs.get("column_set") == {"$columns": table}:
        kwargs["column_set"] = TABLES[table].column_names
    return json.dumps({"type": item["type"], "kwargs": kwargs}, sort_keys=True)


def _run(table: str) -> list[str]:
    return [_key(item, table) for item in runner.table_expectations(table)[0]]


@pytest.mark.parametrize("table, column", ALL_COLUMNS)
def test_expectations_agree_with_the_declaration(table, column):
    run = _run(table)
    declared = TABLES[table]
    assert _key({"type": "expect_table_columns_to_match_set",
                 "kwargs": {"column_set": declared.column_names, "exact_match": True}}, table) in run
    not_null = _key({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": column.name}}, table)
    assert (not_null in run) == (not column.nullable)
    unique = _key({"type": "expect_column_values_to_be_unique", "kwargs": {"column": column.name}}, table)
    assert (unique in run) == (declared.primary_key == [column.name])
    if column.allowed_values is not None:
        assert _key({"type": "expect_column_values_to_be_in_set",
                     "kwargs": {"column": column.name, "value_set": list(column.allowed_values)}}, table) in run
    if column.references is not None:
        assert _key({"type": "expect_column_values_to_be_in_set",
                     "kwargs": {"column": column.name, "value_set": {"$ref": column.references}}}, table) in run


@pytest.mark.parametrize("table", [t for t in TABLES if len(TABLES[t].primary_key) > 1])
def test_a_compound_key_is_expected_unique(table):
    item = {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": TABLES[table].primary_key}}
    assert _key(item, table) in _run(table)


def _before() -> dict[str, list[dict]]:
    return {table: items for table, items in json.loads(BEFORE.read_text(encoding="utf-8")).items()
            if not table.startswith("_")}


@pytest.mark.parametrize("table", sorted(_before()))
def test_every_expectation_of_the_suites_before_the_contract_is_still_run(table):
    """Validation checks as much as before or more: each old expectation is generated or hand-written now."""
    run = _run(table)
    missing = [item for item in _before()[table] if _key(item, table) not in run]
    assert not missing, missing
    assert len(run) >= len(_before()[table])


@pytest.mark.parametrize("path", sorted(runner.SUITES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_suites_hold_only_business_rules_on_declared_columns(path):
    suite = json.loads(path.read_text(encoding="utf-8"))
    table = path.stem
    assert suite["table"] == table and table in TABLES
    generated = {_key(item, table) for item in basic_expectations(TABLES[table])}
    assert suite["expectations"], "a suite without business rules is no file at all"
    for item in suite["expectations"]:
        assert _key(item, table) not in generated, f"generated from the contract: {item}"
        kwargs = item["kwargs"]
        named = [kwargs.get(k) for k in ("column", "column_A", "column_B")] + list(kwargs.get("column_list", []))
        for name in filter(None, named):
            assert name in TABLES[table].column_names, f"{table}.{name} is not declared"


def test_every_table_of_the_contract_is_validated_with_its_generated_expectations():
    report = runner.validate_tables(all_tables(), {"expected_sentences": 1})
    assert report.success, report.summary()
    for table in all_tables():
        outcomes = [o for o in report.outcomes if o.table == table]
        assert outcomes[0].expectation == runner.CONTRACT_TYPES
        assert len(outcomes) == 1 + len(runner.table_expectations(table)[0])


def test_a_null_in_a_non_nullable_column_a_wrong_type_and_a_value_outside_the_set_fail():
    tables = all_tables()
    tables["documents"] = replace_column(tables["documents"], "source_uri", [None])
    tables["input_files"] = replace_column(tables["input_files"], "outcome", ["lost"])
    events = tables["events"]
    index = events.schema.get_field_index("quad_class")
    tables["events"] = events.set_column(index, pa.field("quad_class", pa.int64(), nullable=False),
                                         pa.array([4], pa.int64()))
    report = runner.validate_tables(tables, {"expected_sentences": 1})
    failed = {(o.table, o.expectation, o.column) for o in report.failures}
    assert failed == {
        ("documents", "expect_column_values_to_not_be_null", "source_uri"),
        ("input_files", "expect_column_values_to_be_in_set", "outcome"),
        ("events", runner.CONTRACT_TYPES, None),
    }
    assert "quad_class: int64, not int8" in report.summary()


# -- WAREHOUSE.md ---------------------------------------------------------------------


def _documented_tables() -> dict[str, set[str]]:
    """The backquoted words of each table's paragraph in WAREHOUSE.md's Tables section."""
    text = WAREHOUSE_MD.read_text(encoding="utf-8")
    section = text.split("## Tables", 1)[1].split("\n## ", 1)[0]
    paragraphs = [" ".join(p.split()) for p in section.split("\n\n")]
    return {
        match.group(1): set(re.findall(r"`([^`]+)`", p))
        for p in paragraphs
        if (match := re.match(r"`(\w+)`:", p))
    }


def test_warehouse_md_names_every_table_and_column_the_contract_says_it_names():
    documented = _documented_tables()
    assert set(documented) == {name for name, table in TABLES.items() if table.spec}
    for name, words in documented.items():
        spec_columns = {c.name for c in TABLES[name].columns if c.spec}
        assert spec_columns <= words, f"{name}: not in WAREHOUSE.md: {sorted(spec_columns - words)}"
        # and a column WAREHOUSE.md names is marked as such: renaming it would break users
        named_columns = words & set(TABLES[name].column_names)
        assert named_columns <= spec_columns, f"{name}: in WAREHOUSE.md but not spec = true: {named_columns - spec_columns}"
