"""The analyst views (warehouse/sql/analyst_views.sql): their numbers on handmade rows, NULLs, an empty lake,
the export, and every example of the README's "Analyst views" section run as a user would paste it.

The numbers are checked on a plain DuckDB built from the contract's DDL and
the same view files the lake and the export run (`ddl.create_views`); the
rest on a real warehouse published by the real `publish` (a lake plus its
export), from the same handmade rows: no pipeline run is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventledger.cli import main
from tests.test_warehouse import NOW, publish_run
from eventledger.transforms import schemas
from eventledger.warehouse import ddl, lake, query

REPO = Path(__file__).resolve().parent.parent
ANALYST_VIEWS = ["events_by_month", "dyads", "actor_timeline", "actors_flat"]
DOC = "doc_v"
D = dt.date


def event(n, code, quad, goldstein, source, target, start=None, end=None, precision="day", **more):
    return {"event_id": f"evt_{n}", "document_id": DOC, "sentence_id": f"{DOC}_s{n:04d}", "event_code": code,
            "event_root_code": code[:2], "quad_class": quad, "goldstein": goldstein, "trigger": "t",
            "source_actor_id": source, "target_actor_id": target, "date_start": start,
            "date_end": end if end is not None else start,
            "date_precision": precision if start is not None else "none",
            "date_source": "explicit" if start is not None else "none", **more}


#: A (act_a, Russia) and B (act_b, Israel) in March and April 2020, one event dated by its year only, one undated,
#: one with no target, one with no source, one whose source is its target.
EVENTS = [
    event(1, "042", 1, 1.9, "act_a", "act_b", D(2020, 3, 5), location_name="Geneva", location_country="CHE",
          latitude=46.2, longitude=6.15),
    event(2, "190", 4, -10.0, "act_a", "act_b", D(2020, 3, 20)),
    event(3, "070", 2, 7.0, "act_a", "act_b", D(2020, 1, 1), D(2020, 12, 31), "year"),
    event(4, "112", 3, -2.0, "act_b", "act_a", D(2020, 4, 1), D(2020, 4, 30), "month"),
    event(5, "036", 1, 4.0, "act_a", None),
    event(6, "043", 1, 2.8, "act_a", "act_a", D(2020, 3, 7), location_name="Geneva", location_country="CHE",
          latitude=46.2, longitude=6.15),
    event(7, "051", 1, 3.4, None, "act_b", D(2020, 4, 10)),
]
ACTORS = [
    {"actor_id": "act_a", "name": "Russia", "actor_type": "state", "country_code": "RUS",
     "aliases": ["Russia", "Russian Federation", "the Kremlin"]},
    {"actor_id": "act_b", "name": "Israel", "actor_type": "state", "country_code": "ISR", "aliases": ["Israel"]},
]


def handmade_tables(actors=ACTORS, events=EVENTS) -> dict[str, pa.Table]:
    """The contract's document tables for one document whose sentence n holds event n."""
    n_sentences = max([int(e["sentence_id"][-4:]) for e in events], default=1)
    text = "Something happened."
    return {
        "documents": pa.Table.from_pylist([{
            "document_id": DOC, "name": "views", "source_uri": "/in/views.txt", "sha256": "1" * 64,
            "n_sentences": n_sentences, "ingested_at": NOW, "run_id": "r", "status": "ok", "encoding": "utf-8",
            "n_chars": 20 * n_sentences}], schema=schemas.DOCUMENTS),
        "sentences": pa.Table.from_pylist([{
            "sentence_id": f"{DOC}_s{n:04d}", "document_id": DOC, "ordinal": n, "text": text, "raw_text": text,
            "char_start": 20 * (n - 1), "char_end": 20 * (n - 1) + len(text)} for n in range(1, n_sentences + 1)],
            schema=schemas.SENTENCES),
        "citations": schemas.CITATIONS.empty_table(),
        "actors": pa.Table.from_pylist(actors, schema=schemas.ACTORS),
        "events": pa.Table.from_pylist(events, schema=schemas.EVENTS),
    }


def views_db(tables: dict[str, pa.Table] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the contract's tables, these rows and every view."""
    con = duckdb.connect()
    con.execute(ddl.create_tables())
    for name, table in (handmade_tables() if tables is None else tables).items():
        con.register("incoming", table)
        con.execute(f"INSERT INTO {name} SELECT * FROM incoming")
        con.unregister("incoming")
    con.execute(ddl.create_views())
    return con


def rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


@pytest.fixture(scope="module")
def db():
    con = views_db()
    yield con
    con.close()


def test_the_view_files_make_events_flat_then_the_analyst_views():
    assert ddl.view_names() == ["events_flat", *ANALYST_VIEWS]


def test_events_by_month_buckets_by_the_window_start_and_keeps_undated_events(db):
    got = {(r["month"], r["event_root_code"], r["quad_class"]): (r["n_events"], r["mean_goldstein"], r["n_within_month"])
           for r in rows(db, "SELECT * FROM events_by_month")}
    assert got.keys() == {(D(2020, 3, 1), "04", 1), (D(2020, 3, 1), "19", 4), (D(2020, 1, 1), "07", 2),
                          (D(2020, 4, 1), "11", 3), (D(2020, 4, 1), "05", 1), (None, "03", 1)}
    n, mean, within = got[(D(2020, 3, 1), "04", 1)]  # events 1 and 6: two meetings in March
    assert (n, within) == (2, 2) and mean == pytest.approx((1.9 + 2.8) / 2)
    assert got[(D(2020, 1, 1), "07", 2)] == (1, 7.0, 0)  # dated by its year: January, not within the month
    assert got[(D(2020, 4, 1), "11", 3)] == (1, -2.0, 1)  # a month-precision window lies within its month
    assert got[(None, "03", 1)] == (1, 4.0, 0)  # undated: a NULL month
    assert sum(v[0] for v in got.values()) == len(EVENTS)
    assert [d[1] for d in db.execute("SELECT * FROM events_by_month").description][0] == "DATE"


def test_dyads_count_directed_pairs_of_known_actors_with_net_cooperation(db):
    got = {(r["source_actor_id"], r["target_actor_id"]): r for r in rows(db, "SELECT * FROM dyads")}
    assert got.keys() == {("act_a", "act_b"), ("act_b", "act_a"), ("act_a", "act_a")}  # events 5 and 7: left out
    ab = got[("act_a", "act_b")]
    assert (ab["source_name"], ab["source_country"], ab["target_name"], ab["target_country"]) == (
        "Russia", "RUS", "Israel", "ISR")
    assert (ab["n_events"], ab["first_date"], ab["last_date"]) == (3, D(2020, 1, 1), D(2020, 3, 20))
    assert (ab["n_verbal_cooperation"], ab["n_material_cooperation"], ab["n_verbal_conflict"],
            ab["n_material_conflict"]) == (1, 1, 0, 1)
    assert ab["net_cooperation"] == 1  # (1 + 1) - (0 + 1)
    assert ab["mean_goldstein"] == pytest.approx((1.9 - 10.0 + 7.0) / 3)
    assert got[("act_b", "act_a")]["net_cooperation"] == -1
    assert got[("act_a", "act_a")]["net_cooperation"] == 1


def test_a_dyad_of_undated_events_has_null_dates():
    con = views_db(handmade_tables(events=[event(1, "036", 1, 4.0, "act_a", "act_b"),
                                           event(2, "173", 4, -5.0, "act_a", "act_b")]))
    try:
        assert rows(con, "SELECT n_events, first_date, last_date, net_cooperation FROM dyads") == [
            {"n_events": 2, "first_date": None, "last_date": None, "net_cooperation": 0}]
    finally:
        con.close()


def test_actor_timeline_counts_each_role_and_each_event_once(db):
    got = {(r["actor_id"], r["month"]): r for r in rows(db, "SELECT * FROM actor_timeline")}
    assert got.keys() == {("act_a", D(2020, 3, 1)), ("act_a", D(2020, 1, 1)), ("act_a", D(2020, 4, 1)),
                          ("act_a", None), ("act_b", D(2020, 3, 1)), ("act_b", D(2020, 1, 1)),
                          ("act_b", D(2020, 4, 1))}
    march = got[("act_a", D(2020, 3, 1))]  # events 1, 2 as source; 6 as source and target
    assert (march["name"], march["actor_type"]) == ("Russia", "state")
    assert (march["n_events"], march["n_as_source"], march["n_as_target"]) == (3, 3, 1)
    assert march["mean_goldstein"] == pytest.approx((1.9 - 10.0 + 2.8) / 3)  # event 6 once, not twice
    b_april = got[("act_b", D(2020, 4, 1))]  # event 4 as source, 7 (no source) as target
    assert (b_april["n_events"], b_april["n_as_source"], b_april["n_as_target"]) == (2, 1, 1)
    assert (got[("act_a", None)]["n_events"], got[("act_a", None)]["n_as_source"]) == (1, 1)  # undated event 5


def test_actors_flat_joins_the_aliases_into_one_string(db):
    con = views_db(handmade_tables(actors=[
        *ACTORS, {"actor_id": "act_eu", "name": "European Union", "actor_type": "igo", "country_code": None,
                  "aliases": ["EU"]},
        {"actor_id": "act_x", "name": "Nobody", "actor_type": "person", "country_code": None, "aliases": []}]))
    try:
        got = {r["actor_id"]: (r["aliases"], r["n_aliases"]) for r in rows(con, "SELECT * FROM actors_flat")}
        assert got == {"act_a": ("Russia; Russian Federation; the Kremlin", 3), "act_b": ("Israel", 1),
                       "act_eu": ("EU", 1), "act_x": ("", 0)}  # EU, not ['EU']
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'actors_flat'").fetchall())
        assert types["aliases"] == "VARCHAR"
    finally:
        con.close()


def test_events_flat_keeps_the_contract_columns(db):
    names = [d[0] for d in db.execute("SELECT * FROM events_flat LIMIT 0").description]
    spec = ["event_id", "document_name", "sentence_ordinal", "sentence_text", "event_code", "event_root_code",
            "quad_class", "goldstein", "source_name", "source_country", "target_name", "target_country",
            "date_start", "date_end", "date_precision", "date_text"]
    assert set(spec) <= set(names)
    assert db.execute("SELECT count(*) FROM events_flat").fetchone() == (len(EVENTS),)


def test_every_view_reads_an_empty_lake_through_query(tmp_path):
    con = lake.create(tmp_path, lake.default_location())
    con.close()
    counts = ", ".join(f"(SELECT count(*) FROM {name}) AS {name}" for name in ddl.view_names())
    columns, found = query.fetch(tmp_path, f"SELECT {counts}")  # one read-only attach, as `eventledger query`
    assert columns == ddl.view_names() and found == [(0,) * len(columns)]


# -- a real warehouse: the lake, the export and the README ------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("views") / "wh"
    publish_run(root, "20240101T000000Z-v", handmade_tables())
    return root


def same_rows(found: list[tuple], expected: list[tuple]) -> bool:
    """Equal rows, a float equal to 12 digits: DuckDB's parallel avg() adds in any order (last bit differs)."""
    return len(found) == len(expected) and all(
        len(a) == len(b) and all(x == pytest.approx(y, rel=1e-12) if isinstance(y, float) else x == y
                                 for x, y in zip(a, b))
        for a, b in zip(found, expected))


def test_the_lake_the_export_database_and_the_export_parquet_hold_the_same_view_rows(warehouse):
    exported = duckdb.connect(str(warehouse / "events.duckdb"), read_only=True)
    con = lake.open_lake(warehouse)
    try:
        for name in ddl.view_names():
            cursor = con.execute(f"SELECT * FROM {name} ORDER BY ALL")
            columns, in_lake = [d[0] for d in cursor.description], cursor.fetchall()
            assert in_lake, name
            cursor = exported.execute(f"SELECT * FROM {name} ORDER BY ALL")
            assert [d[0] for d in cursor.description] == columns, name
            assert same_rows(cursor.fetchall(), in_lake), name
            exported.register("from_parquet", pq.read_table(warehouse / "parquet" / name))
            from_files = exported.execute("SELECT * FROM from_parquet ORDER BY ALL").fetchall()
            exported.unregister("from_parquet")
            assert same_rows(from_files, in_lake), name
    finally:
        con.close()
        exported.close()
    manifest = json.loads((warehouse / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["views"]["dyads"] == {"rows": 3, "files": ["parquet/dyads/part-0.parquet"]}


def analyst_examples() -> list[str]:
    """The `eventledger query` commands of the README's "Analyst views" section, one string each."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^### Analyst views\n(.*?)(?=^##+ )", text, re.M | re.S)
    assert section, "README.md has no '### Analyst views' section"
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", section.group(1), re.M | re.S):
        commands += [c.strip() for c in re.split(r"\n(?=\S)", block) if "eventledger query" in c]
    return commands


def test_the_readme_shows_the_five_analyst_questions():
    examples = analyst_examples()
    assert len(examples) >= 5
    sql = " ".join(examples)
    for view in ("events_flat", *ANALYST_VIEWS):
        assert view in sql, view


@pytest.mark.parametrize("command", analyst_examples())
def test_each_readme_example_runs_as_pasted(command, warehouse, capsys):
    argv = shlex.split(command)
    argv = argv[: argv.index(">")] if ">" in argv else argv  # the shell's redirection, not an argument
    assert argv[0].endswith("eventledger") and argv[1] == "query", command
    args = argv[1:]
    args[args.index("--warehouse") + 1] = str(warehouse)
    assert main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out.strip().splitlines()
    if "--format" in args:  # csv: a header, then rows
        assert len(out) > 1, out
    else:  # every example finds something in the handmade warehouse
        assert re.fullmatch(r"\(([1-9]\d*) rows?\)", out[-1]), out
