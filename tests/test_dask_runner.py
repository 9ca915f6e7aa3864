"""`--runner dask`: the flow's extraction on a 2-worker Dask LocalCluster publishes exactly what one process does."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE

pytest.importorskip("prefect_dask", reason="the dask runner needs prefect-dask (make install installs it)")
pytestmark = [pytest.mark.slow, pytest.mark.e2e]

#: Columns that name the run or its time, different by construction between two runs.
RUN_COLUMNS = {"run_id", "ingested_at", "started_at", "finished_at"}
TABLES = ("documents", "sentences", "citations", "actors", "events", "quarantine")


def corpus(folder: Path, copies: int = 30) -> Path:
    folder.mkdir()
    text = next(SAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    for i in range(copies):  # two batches of the flow
        (folder / f"doc{i:02d}.txt").write_text(f"Dispatch {i}.\n\n{text}", encoding="utf-8")
    return folder


def published(root: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        rows = {}
        for table in TABLES:
            columns = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()
                       if c not in RUN_COLUMNS]
            rows[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
        return rows
    finally:
        con.close()


def run(inputs: Path, root: Path, **settings) -> None:
    from eventledger.settings import load_settings
    from eventledger.flows.pipeline import run_flow
    from eventledger.flows.server import prefect_api

    with prefect_api():  # a URL in the environment, which the Dask workers inherit
        summary = run_flow([str(inputs)], load_settings({"warehouse": root, **settings}))
    assert summary.published, summary.message


def test_a_dask_local_cluster_of_two_workers_publishes_the_rows_of_one_process(tmp_path):
    inputs = corpus(tmp_path / "in")
    run(inputs, tmp_path / "one", runner="local", workers=1)
    run(inputs, tmp_path / "dask", runner="dask", workers=2)
    alone, on_dask = published(tmp_path / "one"), published(tmp_path / "dask")
    assert len(alone["documents"]) == 30 and len(alone["events"]) > 0
    for table in TABLES:
        assert on_dask[table] == alone[table], table
