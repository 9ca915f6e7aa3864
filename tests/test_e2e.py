"""The real flow (Prefect, spaCy, GX, Parquet, DuckDB) on the bundled sample.

No mocks: Prefect runs with its temporary server, GX validates the frames,
and the warehouse is written to a temporary folder and read back with DuckDB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from eventledger.cli import main
from tests.conftest import REPO, SAMPLE, SEED_GOLD
from eventledger.transforms import schemas

pytestmark = pytest.mark.e2e

CONTRACT = {
    "documents": ["document_id", "name", "source_uri", "sha256", "n_sentences", "ingested_at", "run_id"],
    "sentences": ["sentence_id", "document_id", "ordinal", "text", "raw_text", "char_start", "char_end"],
    "citations": ["sentence_id", "marker"],
    "actors": ["actor_id", "name", "actor_type", "country_code", "aliases"],
    "events": [
        "event_id", "document_id", "sentence_id", "event_code", "event_root_code", "quad_class", "goldstein",
        "trigger", "source_actor_id", "target_actor_id", "date_start", "date_end", "date_precision", "date_text",
        "date_source",
    ],
    "pipeline_runs": ["run_id", "started_at", "finished_at", "status", "n_documents", "n_sentences", "n_events",
                      "validation_success"],
    "events_flat": [
        "event_id", "document_name", "sentence_ordinal", "sentence_text", "event_code", "event_root_code",
        "quad_class", "goldstein", "source_name", "source_country", "target_name", "target_country", "date_start",
        "date_end", "date_precision", "date_text",
    ],
}


def columns(con, table):
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def snapshot(root: Path) -> dict:
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        return {
            "counts": {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in schemas.TABLES},
            "event_ids": [r[0] for r in con.execute("SELECT event_id FROM events ORDER BY event_id").fetchall()],
            "sentence_ids": [r[0] for r in con.execute("SELECT sentence_id FROM sentences ORDER BY 1").fetchall()],
            "runs": con.execute("SELECT count(*) FROM pipeline_runs").fetchone()[0],
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("wh")
    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 0
    return root


def test_every_contract_table_and_column_is_published(warehouse):
    con = duckdb.connect(str(warehouse / "events.duckdb"), read_only=True)
    try:
        for table, wanted in CONTRACT.items():
            assert set(wanted) <= set(columns(con, table)), table
        for table in schemas.TABLES:
            files = list((warehouse / "parquet" / table).glob("*.parquet"))
            assert files, table
            assert set(CONTRACT[table]) <= set(pq.read_schema(files[0]).names)
    finally:
        con.close()


def test_row_counts_match_the_sample(warehouse):
    shot = snapshot(warehouse)
    text = (SAMPLE / "000_6e6f0627996f1d52.txt").read_text()
    assert shot["counts"]["documents"] == 1
    assert shot["counts"]["sentences"] == 19
    assert shot["counts"]["citations"] >= 10
    assert shot["counts"]["events"] >= 15
    assert shot["counts"]["actors"] >= 8
    con = duckdb.connect(str(warehouse / "events.duckdb"), read_only=True)
    try:
        starts = con.execute("SELECT char_start, char_end, raw_text FROM sentences").fetchall()
        assert all(text[a:b] == raw for a, b, raw in starts)
        assert con.execute("SELECT count(*) FROM events_flat").fetchone()[0] == shot["counts"]["events"]
        assert con.execute("SELECT status, validation_success FROM pipeline_runs").fetchall() == [("published", True)]
    finally:
        con.close()


def test_rerun_is_idempotent(warehouse):
    before = snapshot(warehouse)
    assert main(["run", str(SAMPLE), "--warehouse", str(warehouse)]) == 0
    after = snapshot(warehouse)
    assert after["counts"] == before["counts"]
    assert after["event_ids"] == before["event_ids"]
    assert after["sentence_ids"] == before["sentence_ids"]
    assert after["runs"] == before["runs"] + 1


@pytest.mark.skipif(not SEED_GOLD.exists(), reason="shared gold not beside the checkout")
def test_eval_returns_figures(warehouse, capsys):
    assert main(["eval", "--gold", str(SEED_GOLD), "--warehouse", str(warehouse), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    for key in ("event_p", "event_r", "event_f1", "dyad_f1", "date_acc", "actor_acc", "tp", "fp", "fn"):
        assert key in figures
    assert figures["tp"] + figures["fn"] > 0


def test_query_prints_a_table(warehouse, capsys):
    assert main(["query", "SELECT count(*) AS n FROM events_flat", "--warehouse", str(warehouse)]) == 0
    assert "(1 row)" in capsys.readouterr().out


def test_broken_table_fails_validation_and_publishes_nothing(warehouse, monkeypatch, capsys):
    """Duplicate every event row: the events suite must fail and the warehouse stay as it was."""
    from eventledger.transforms import document

    before = snapshot(warehouse)
    db_mtime = (warehouse / "events.duckdb").stat().st_mtime_ns
    original = document.combine

    def broken_combine(parts):
        tables = original(parts)
        import pyarrow as pa

        tables["events"] = pa.concat_tables([tables["events"], tables["events"]])
        return tables

    monkeypatch.setattr(document, "combine", broken_combine)
    # --reextract: an unchanged document is otherwise reused, not extracted (and combined) again
    assert main(["run", str(SAMPLE), "--warehouse", str(warehouse), "--reextract"]) == 1
    err = capsys.readouterr().err
    assert "expect_column_values_to_be_unique on events.event_id" in err
    assert (warehouse / "events.duckdb").stat().st_mtime_ns == db_mtime
    assert snapshot(warehouse)["event_ids"] == before["event_ids"]


def test_command_line_run_is_clean(tmp_path):
    """The user's path: the installed command, a fresh warehouse, no ERROR and no traceback."""
    exe = Path(sys.executable).parent / "eventledger"
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "INFO"}
    proc = subprocess.run(
        [str(exe), "run", "--warehouse", str(tmp_path / "wh")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "ERROR" not in output and "Traceback" not in output, output
    assert "events" in proc.stdout and "validation: passed" in proc.stdout
