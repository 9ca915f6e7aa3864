"""Folder names that break SQL text or glob patterns: a quote, brackets, a star.

DuckDB reads every file name it is given as a glob pattern, and a path pasted
into SQL text ends the string at its first quote. A warehouse named
"it's [a] warehouse" could never publish; these tests publish one, read it
back through `eventledger query`, and check a lookalike folder next to it
("it's a warehouse", which "[a]" matches as a pattern) is never read instead.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from eventledger.cli import main
from tests.conftest import SAMPLE
from eventledger.warehouse import runlog
from eventledger.warehouse.publish import build_database

AWKWARD = "it's [a] *warehouse"


def write_part(folder, table: pa.Table) -> None:
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-0.parquet")


def runs(*run_ids: str) -> pa.Table:
    return runlog.runs_table([{"run_id": r, "started_at": "2024-01-01T00:00:00+00:00", "status": "published"}
                              for r in run_ids])


def test_build_database_reads_its_own_files_not_a_lookalike_that_matches_as_a_pattern(tmp_path):
    own, lookalike = tmp_path / "it's [a] *tree", tmp_path / "it's a Xtree"  # "[a]" and "*" match the lookalike
    write_part(own / "parquet" / "pipeline_runs", runs("it's"))
    write_part(lookalike / "parquet" / "pipeline_runs", runs("other", "other2"))
    build_database(own / "events.duckdb", own / "parquet", tables=["pipeline_runs"], run_id="it's")
    con = duckdb.connect(str(own / "events.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT run_id FROM pipeline_runs").fetchall() == [("it's",)]
        assert con.execute("SELECT run_id FROM current_run").fetchall() == [("it's",)]
    finally:
        con.close()


def test_a_warehouse_and_an_input_folder_with_quotes_and_brackets_publish_and_answer_queries(tmp_path, capsys):
    inputs = tmp_path / "in's [b] put"
    inputs.mkdir()
    for file in SAMPLE.glob("*.txt"):
        shutil.copy(file, inputs / file.name)
    wh = tmp_path / AWKWARD
    assert main(["run", str(inputs), "--warehouse", str(wh)]) == 0
    assert main(["run", str(inputs), "--warehouse", str(wh)]) == 0  # the incremental path reads the snapshot back
    capsys.readouterr()
    sql = "SELECT d.source_uri, count(*) AS n FROM events e JOIN documents d USING (document_id) GROUP BY 1"
    assert main(["query", sql, "--warehouse", str(wh), "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]  # JSON Lines, a row a line
    assert len(rows) == len(list(SAMPLE.glob("*.txt"))) and rows[0]["n"] > 0
    assert all(r["source_uri"].startswith(str(inputs) + "/") for r in rows)
    assert main(["query", "SELECT count(*) AS runs FROM pipeline_runs WHERE status = 'published'",
                 "--warehouse", str(wh), "--format", "json"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [{"runs": 2}]
