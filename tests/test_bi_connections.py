"""The ways in for BI tools and notebooks, as the README shows them: real DuckDB, real SQLAlchemy, no mocks.

Why: the lake is only useful to analysts if the tools they use can attach it
read-only. Superset connects through SQLAlchemy with duckdb-engine, notebooks
through DuckDB's Python API, and tools without the DuckLake extension read
the export. Each is tried here on a warehouse published by the real
`publish`, the way the README tells users to do it.
"""

from __future__ import annotations

import contextlib
import warnings

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.test_warehouse import publish_run, small_tables
from eventledger.warehouse import extensions, lake


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("bi") / "wh"
    publish_run(root, "20240101T000000Z-a", small_tables())
    publish_run(root, "20240101T000001Z-b", small_tables(doc_id="doc_b", uri="/in/b.txt"))
    return root


def attach_sql(root) -> str:
    catalog, data = root / "lake" / "catalog.sqlite", root / "lake" / "data"
    return (f"ATTACH 'ducklake:sqlite:{catalog}' AS wh "
            f"(READ_ONLY, DATA_PATH '{data}/', OVERRIDE_DATA_PATH TRUE)")


@contextlib.contextmanager
def bi_connection(root):
    """A SQLAlchemy connection through duckdb-engine, as Superset makes one, with the lake attached read-only."""
    sa = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine", reason="duckdb-engine is in the dev extra: make install")
    engine = sa.create_engine("duckdb:///:memory:", connect_args={"config": {
        "autoinstall_known_extensions": False, "autoload_known_extensions": False}})
    with engine.connect() as con:
        for name in ("ducklake", "sqlite_scanner"):
            con.exec_driver_sql(f"LOAD '{extensions.extension_file(name)}'")
        con.exec_driver_sql(attach_sql(root))
        con.exec_driver_sql("USE wh")
        yield con


def test_sqlalchemy_with_duckdb_engine_reflects_the_views_and_reads_events_flat(warehouse):
    sa = pytest.importorskip("sqlalchemy")
    with bi_connection(warehouse) as con:
        inspector = sa.inspect(con)
        assert {"events_flat", "current_run"} <= set(inspector.get_view_names())
        assert {"events", "documents", "actors"} <= set(inspector.get_table_names())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # actors.aliases is a list: SQLAlchemy has no type for it
            columns = [c["name"] for c in inspector.get_columns("events_flat")]
        assert columns[:4] == ["event_id", "document_name", "sentence_ordinal", "sentence_text"]
        rows = con.execute(sa.text("SELECT source_name, count(*) AS n FROM events_flat GROUP BY 1")).fetchall()
        assert rows == [("Chile", 2)]
        with pytest.raises(sa.exc.DBAPIError, match="read-only|read only"):
            con.exec_driver_sql("DELETE FROM events")


#: The analyst views (README "Analyst views") and the columns a BI tool reflects for them.
ANALYST_VIEW_COLUMNS = {
    "events_by_month": ["month", "event_root_code", "quad_class", "n_events", "mean_goldstein", "n_within_month"],
    "dyads": ["source_actor_id", "source_name", "source_country", "target_actor_id", "target_name",
              "target_country", "n_events", "first_date", "last_date", "n_verbal_cooperation",
              "n_material_cooperation", "n_verbal_conflict", "n_material_conflict", "net_cooperation",
              "mean_goldstein"],
    "actor_timeline": ["actor_id", "name", "actor_type", "country_code", "month", "n_events", "n_as_source",
                       "n_as_target", "mean_goldstein"],
    "actors_flat": ["actor_id", "name", "actor_type", "country_code", "aliases", "n_aliases"],
}


def test_sqlalchemy_reflects_the_analyst_views_with_known_types_and_actors_flat_without_the_list_warning(warehouse):
    sa = pytest.importorskip("sqlalchemy")
    with bi_connection(warehouse) as con:
        inspector = sa.inspect(con)
        assert set(ANALYST_VIEW_COLUMNS) <= set(inspector.get_view_names())
        for view, expected in ANALYST_VIEW_COLUMNS.items():
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an unknown type (a list) would warn: here it fails
                columns = inspector.get_columns(view)
            assert [c["name"] for c in columns] == expected, view
            assert not any(isinstance(c["type"], sa.types.NullType) for c in columns), view
        aliases = {c["name"]: c["type"] for c in inspector.get_columns("actors_flat")}["aliases"]
        assert isinstance(aliases, sa.types.String)
        with pytest.warns(sa.exc.SAWarning, match="list"):  # what actors_flat is for: the table's list
            inspector.get_columns("actors")
        assert con.execute(sa.text("SELECT name, aliases FROM actors_flat")).fetchall() == [("Chile", "Chile")]
        assert con.execute(sa.text("SELECT sum(n_events) FROM events_by_month")).scalar() == 2


def test_duckdb_python_attaches_read_only_and_gives_pandas(warehouse):
    con = lake.open_lake(warehouse)
    try:
        frame = con.execute("SELECT * FROM events_flat ORDER BY event_id").df()
        assert list(frame["event_id"]) == ["evt_doc_a", "evt_doc_b"]
        with pytest.raises(duckdb.Error, match="read-only|read only"):
            con.execute("INSERT INTO documents SELECT * FROM documents")
    finally:
        con.close()


def test_tools_without_the_extension_read_the_export(warehouse):
    con = duckdb.connect(str(warehouse / "events.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM events_flat").fetchone() == (2,)
        assert con.execute("SELECT run_id FROM current_run").fetchone() == ("20240101T000001Z-b",)
        assert con.execute("SELECT n_events FROM events_by_month").fetchall() == [(2,)]
    finally:
        con.close()
    assert pq.read_table(warehouse / "parquet" / "events").num_rows == 2
    assert pq.read_table(warehouse / "parquet" / "events_flat").num_rows == 2  # the views as files too
    assert pq.read_table(warehouse / "parquet" / "actors_flat").column("aliases").to_pylist() == ["Chile"]
