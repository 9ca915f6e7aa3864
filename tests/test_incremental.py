"""Incremental, idempotent runs of the real flow (in-process: Prefect, spaCy, GX, DuckDB, no mocks).

Documents are identified by content: a rerun over unchanged inputs extracts
nothing and publishes identical rows; a changed document replaces exactly its
own rows; a removed one stays unless --prune; a changed extractor re-extracts.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from eventledger.cli import main
from eventledger.transforms import schemas

pytestmark = pytest.mark.e2e

A = "In 1985, Chile recalled its ambassador from Peru.\n\nIn 1986, Peru expelled the Chilean ambassador.\n"
B = "In 1990, Iraq invaded Kuwait.\n\nIn 1991, the United States attacked Iraq.\n"
B2 = "In 1990, Iraq invaded Kuwait.\n\nIn 1994, Iraq recognised Kuwait.\n"


def run(*args) -> int:
    return main(["run", *map(str, args)])


def rows(root, table, where="") -> list[tuple]:
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        return sorted(con.execute(f"SELECT * FROM {table} {where}").fetchall(), key=repr)
    finally:
        con.close()


def document_tables(root) -> dict[str, list[tuple]]:
    return {t: rows(root, t) for t in schemas.DOCUMENT_TABLES}


def last_run(root) -> dict:
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        cur = con.execute("SELECT * FROM pipeline_runs ORDER BY started_at DESC LIMIT 1")
        return dict(zip([d[0] for d in cur.description], cur.fetchone()))
    finally:
        con.close()


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(A, encoding="utf-8")
    (folder / "b.txt").write_text(B, encoding="utf-8")
    return folder


def doc_id(root, name) -> str:
    return rows(root, "documents", f"WHERE name = '{name}'")[0][0]


def test_rerun_over_unchanged_inputs_extracts_nothing_and_publishes_identical_rows(inputs, tmp_path):
    wh = tmp_path / "wh"
    assert run(inputs, "--warehouse", wh) == 0
    first = document_tables(wh)
    assert first["events"] and last_run(wh)["n_extracted"] == 2
    assert run(inputs, "--warehouse", wh) == 0
    assert document_tables(wh) == first
    run_row = last_run(wh)
    assert (run_row["n_extracted"], run_row["n_reused"], run_row["n_events"]) == (0, 2, len(first["events"]))
    outcomes = rows(wh, "input_files", f"WHERE run_id = '{run_row['run_id']}'")
    assert {r[4] for r in outcomes} == {"reused"}


def test_a_changed_document_replaces_exactly_its_own_rows(inputs, tmp_path):
    wh = tmp_path / "wh"
    assert run(inputs, "--warehouse", wh) == 0
    a_id, old_b = doc_id(wh, "a"), doc_id(wh, "b")
    a_rows = {t: rows(wh, t, f"WHERE document_id = '{a_id}'") for t in ("sentences", "events")}
    (inputs / "b.txt").write_text(B2, encoding="utf-8")
    assert run(inputs, "--warehouse", wh) == 0
    new_b = doc_id(wh, "b")
    assert new_b != old_b
    assert {t: rows(wh, t, f"WHERE document_id = '{a_id}'") for t in a_rows} == a_rows
    assert rows(wh, "sentences", f"WHERE document_id = '{old_b}'") == []
    assert rows(wh, "events", f"WHERE document_id = '{old_b}'") == []
    assert [r[0] for r in rows(wh, "documents")] == sorted([a_id, new_b])
    assert any("recognised" in r[3] for r in rows(wh, "sentences", f"WHERE document_id = '{new_b}'"))
    assert (last_run(wh)["n_extracted"], last_run(wh)["n_reused"]) == (1, 1)


def test_removed_documents_stay_unless_pruned_and_moved_ones_follow_their_path(inputs, tmp_path):
    wh = tmp_path / "wh"
    assert run(inputs, "--warehouse", wh) == 0
    (inputs / "b.txt").unlink()
    (inputs / "a.txt").rename(inputs / "c.txt")  # same content, new name: not extracted again
    assert run(inputs, "--warehouse", wh) == 0
    names = {r[1]: r[2] for r in rows(wh, "documents")}
    assert set(names) == {"b", "c"} and names["c"] == str(inputs / "c.txt")
    assert last_run(wh)["n_extracted"] == 0
    assert run(inputs, "--warehouse", wh, "--prune") == 0
    assert {r[1] for r in rows(wh, "documents")} == {"c"}
    assert all(r[1] == doc_id(wh, "c") for r in rows(wh, "events"))


def test_a_changed_extractor_extracts_again_and_records_its_fingerprint(inputs, tmp_path):
    wh = tmp_path / "wh"
    assert run(inputs, "--warehouse", wh) == 0
    before = {r[11] for r in rows(wh, "documents")}
    extra = tmp_path / "extra_actors.csv"
    extra.write_text("name,actor_type,country_code,aliases\nAndean Pact,igo,,Andean Group\n", encoding="utf-8")
    assert run(inputs, "--warehouse", wh, "--actors", extra) == 0
    after = {r[11] for r in rows(wh, "documents")}
    assert len(before) == len(after) == 1 and before != after
    assert last_run(wh)["n_extracted"] == 2 and last_run(wh)["extractor_fingerprint"] in after


def test_a_failed_run_says_why_in_one_line_and_is_recorded(tmp_path, capsys):
    wh = tmp_path / "wh"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    assert run(bad, "--warehouse", wh) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2] == "eventledger: run failed: no usable input documents"
    assert err[-1].startswith("details: ") and err[-1].endswith(".json")
    record = json.loads(open(err[-1].removeprefix("details: ")).read())
    assert record["status"] == "failed" and record["files"][0]["status"] == "empty"
    assert not (wh / "events.duckdb").exists()
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(A, encoding="utf-8")
    assert run(good, "--warehouse", wh) == 0
    statuses = [(r[3], r[8]) for r in sorted(rows(wh, "pipeline_runs"), key=lambda r: r[1])]
    assert statuses == [("failed", "no usable input documents"), ("published", None)]
    skipped = rows(wh, "input_files", "WHERE status = 'empty'")
    assert skipped and skipped[0][5] == "empty file (0 bytes)"
