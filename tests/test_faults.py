"""Fault injection with real processes and real files.

Each test starts the installed `eventledger run` command as a real
subprocess (Prefect's API in a thread of the run, spaCy, GX, DuckDB; no mocks), stops
it at a chosen point with the test-only pause hook (warehouse/faults.py),
and then kills it with SIGKILL, lets a second run collide with it, or reads
the warehouse beside it. Afterwards the last good warehouse must be intact
and readable, and the next run must succeed without manual cleanup.

Subprocess runs cost about 15-20 s each (imports, Prefect's API, the model),
so this module starts seven of them in all: four kills, two runs at once,
and the hostile-input corpus. Their Prefect home is shared by this module
and separate from the test process's own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from eventledger.cli import main
from tests.conftest import REPO, SAMPLE
from eventledger.transforms import schemas
from eventledger.warehouse import lock, query

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXE = Path(sys.executable).parent / "eventledger"
NEW_DOC = "In 1994, Israel signed a peace treaty with Jordan.\n\nIn 1995, Jordan expelled an Iraqi diplomat.\n"
START_TIMEOUT = 300


@pytest.fixture(scope="module")
def base_warehouse(tmp_path_factory):
    """A published warehouse (the sample), copied by each test before it is attacked."""
    root = tmp_path_factory.mktemp("base") / "wh"
    assert main(["run", str(SAMPLE), "--warehouse", str(root)]) == 0
    return root


@pytest.fixture
def warehouse(base_warehouse, tmp_path):
    root = tmp_path / "wh"
    shutil.copytree(base_warehouse, root, symlinks=True)
    return root


@pytest.fixture
def new_input(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(SAMPLE.glob("*.txt")), folder / "sample.txt")
    (folder / "treaty.txt").write_text(NEW_DOC, encoding="utf-8")
    return folder


def start(args: list, tmp_path: Path, prefect_home: Path, name: str = "run", **env) -> subprocess.Popen:
    """`eventledger run ...` as a real process in its own process group (so that nothing of it can outlive the test)."""
    out = open(tmp_path / f"{name}.out", "w")
    err = open(tmp_path / f"{name}.err", "w")
    environment = {**os.environ, "PREFECT_HOME": str(prefect_home), **{k: str(v) for k, v in env.items()}}
    proc = subprocess.Popen([str(EXE), "run", *map(str, args)], stdout=out, stderr=err, cwd=REPO,
                            env=environment, start_new_session=True)
    proc.outputs = (tmp_path / f"{name}.out", tmp_path / f"{name}.err")
    proc.warehouse = Path(args[args.index("--warehouse") + 1])
    return proc


def output(proc) -> str:
    return "".join(p.read_text() for p in proc.outputs)


def wait_for_pause(proc, marker: Path) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (status {proc.returncode}) before pausing:\n{output(proc)}")
        if time.monotonic() > deadline:
            kill(proc)
            pytest.fail("the run never reached its pause point")
        time.sleep(0.1)
    pid, point = marker.read_text().split()
    assert int(pid) == proc.pid
    return int(pid)


def kill(proc) -> None:
    """`kill -9` the run's process, then whatever it might have left running in its process group.

    The run itself dies first and alone, as with a plain `kill -9 PID`: its
    lock must be free at once, whatever its children do.
    """
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)
    with lock.hold(proc.warehouse, wait=0):  # no stale lock
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # our own session (tests/test_signals.py checks it is empty)
    except ProcessLookupError:
        pass


def state(root: Path) -> dict:
    """Everything a reader can see: every table in the lake, and in the export through DuckDB, Parquet and the pointer."""
    reader = query.connect(root)  # one read-only attach, as `eventledger query` makes, for every table
    try:
        lake_tables = {t: sorted(reader.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                       for t in schemas.DOCUMENT_TABLES}
        lake_run = reader.execute("SELECT run_id FROM current_run").fetchone()[0]
    finally:
        reader.close()
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        db = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in schemas.DOCUMENT_TABLES}
        latest = con.execute("SELECT run_id FROM current_run").fetchone()[0]
    finally:
        con.close()
    parquet = {t: pq.read_table(root / "parquet" / t).num_rows for t in schemas.ALL_TABLES}
    current = os.readlink(root / "current")
    assert latest == Path(current).name, "the database and the pointer disagree"
    assert {t: len(v) for t, v in db.items()} == {t: parquet[t] for t in db}, "DuckDB and Parquet disagree"
    return {"lake": lake_tables, "lake_run": lake_run, "db": db, "current": current}


def lake_files(root: Path) -> set[Path]:
    return set((root / "lake" / "data").rglob("*.parquet"))


def assert_next_run_recovers(root: Path, inputs: Path, killed_run: str | None, published: bool = False) -> None:
    """The next run publishes, the killed run's record is closed, and the export shows the new run again."""
    assert main(["run", str(inputs), "--warehouse", str(root)]) == 0
    seen = state(root)
    names = {r[1] for r in seen["db"]["documents"]}
    assert {"sample", "treaty"} <= names or {"000_6e6f0627996f1d52", "treaty"} <= names
    assert seen["db"] == seen["lake"] and seen["lake_run"] == Path(seen["current"]).name
    assert not list(root.glob(".*.tmp")) and not list((root / "snapshots").glob("*.tmp"))
    if killed_run:
        record = json.loads((root / "runs" / f"{killed_run}.json").read_text())
        expected = "published" if published else "failed"
        assert record["status"] == expected
        assert published or record["message"].startswith("interrupted")
        status = query.fetch(root, "SELECT status FROM pipeline_runs WHERE run_id = ?", [killed_run])[1]
        assert status == [(expected,)]


def running_run(root: Path) -> str | None:
    for file in (root / "runs").glob("*.json"):
        record = json.loads(file.read_text())
        if record["status"] == "running":
            return record["run_id"]
    return None


@pytest.mark.parametrize("point", ["extract", "parquet", "switch"])
def test_kill_9_leaves_the_last_good_warehouse_and_the_next_run_recovers(
    point, warehouse, new_input, tmp_path, prefect_home
):
    """extract: before the transaction; parquet: inside it, after the first insert; switch: just before the commit."""
    before, files_before = state(warehouse), lake_files(warehouse)
    marker = tmp_path / "paused"
    proc = start([new_input, "--warehouse", warehouse], tmp_path, prefect_home,
                 EVENTLEDGER_TEST_PAUSE_AT=point, EVENTLEDGER_TEST_PAUSE_FILE=marker)
    wait_for_pause(proc, marker)
    killed = running_run(warehouse)
    assert killed is not None
    kill(proc)
    assert state(warehouse) == before
    orphans = lake_files(warehouse) - files_before
    if point == "switch":  # the killed run's data files were written, but no snapshot knows them
        assert orphans
    assert_next_run_recovers(warehouse, new_input, killed)
    assert not orphans & lake_files(warehouse), "the killed run's data files were not removed"


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    for line in sys.stdin:
        print(con.execute("SELECT count(*) FROM events").fetchone()[0], flush=True)
""")


def test_a_second_run_is_refused_readers_keep_reading_and_a_kill_in_the_duckdb_load_is_harmless(
    warehouse, new_input, tmp_path, prefect_home
):
    before = state(warehouse)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse / "events.duckdb")], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def read() -> int:
        reader.stdin.write("\n")
        reader.stdin.flush()
        return int(reader.stdout.readline())

    try:
        n_events = read()  # the BI user's connection is open before the run starts
        marker = tmp_path / "paused"
        first = start([new_input, "--warehouse", warehouse], tmp_path, prefect_home, name="first",
                      EVENTLEDGER_TEST_PAUSE_AT="duckdb", EVENTLEDGER_TEST_PAUSE_FILE=marker)
        wait_for_pause(first, marker)
        run_id = lock.read_holder(warehouse)["run_id"]  # its record says published already: the commit came first
        assert json.loads((warehouse / "runs" / f"{run_id}.json").read_text())["status"] == "published"

        second = start([new_input, "--warehouse", warehouse, "--wait", "1"], tmp_path, prefect_home, name="second")
        assert second.wait(timeout=120) == 75
        err = second.outputs[1].read_text().strip().splitlines()
        assert err[0].startswith("eventledger: run not started: warehouse ") and "is busy" in err[0]
        assert f"run {run_id} (pid {first.pid}" in err[0] and "--wait SECONDS" in err[0]
        assert err[1].startswith("details: ")

        # the pause is in the export, after the lake's commit: the lake has the run, the export not yet
        assert read() == n_events  # the open connection is not disturbed by the run
        after = state(warehouse)  # and a new reader is not locked out
        assert (after["db"], after["current"]) == (before["db"], before["current"])
        assert after["lake_run"] == run_id and after["lake"] != before["lake"]
        kill(first)
        assert read() == n_events
        assert state(warehouse) == after
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert_next_run_recovers(warehouse, new_input, run_id, published=True)


def test_two_runs_started_at_once_both_publish_and_nothing_is_lost(warehouse, tmp_path, prefect_home):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "treaty.txt").write_text(NEW_DOC, encoding="utf-8")
    (two / "invasion.txt").write_text("In 1990, Iraq invaded Kuwait.\n", encoding="utf-8")
    runs = [start([folder, "--warehouse", warehouse, "--wait", "600"], tmp_path, prefect_home, name=folder.name)
            for folder in (one, two)]
    for proc in runs:
        assert proc.wait(timeout=900) == 0, output(proc)
    seen = state(warehouse)
    assert {"treaty", "invasion"} <= {r[1] for r in seen["db"]["documents"]}
    statuses = [r[0] for r in query.fetch(warehouse, "SELECT status FROM pipeline_runs ORDER BY started_at")[1]]
    assert statuses == ["published"] * 3
    assert seen["db"] == seen["lake"]


def hostile_corpus(folder: Path) -> dict[str, str]:
    """Writes the corpus; returns the expected status per file name (None: published as is)."""
    sample = next(SAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    files = {
        "good.txt": (sample.encode("utf-8"), "ok"),
        "good_again.txt": (sample.encode("utf-8"), "duplicate"),
        "bom_utf8.txt": ("\ufeffIn 1990, Iraq invaded Kuwait.\n".encode("utf-8"), "ok"),
        "bom_utf16.txt": ("In 1994, Israel signed a peace treaty with Jordan.\n".encode("utf-16"), "ok"),
        "cp1252.txt": ("In 1963, the \u201cprésident\u201d of France met the Chancellor in Paris.\n".encode("cp1252"),
                       "ok"),
        "empty.txt": (b"", "empty"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, "binary"),
        "long_line.txt": ((" ".join(["alpha", "beta", "gamma", "delta"] * 50_000)).encode()[:1_000_000], "ok"),
        "page.txt": (b"<!DOCTYPE html><html><body><h1>Chile and Peru</h1><p>In 1985, <b>Chile</b> recalled its "
                     b"ambassador from <a href='/peru'>Peru</a>.</p><p>In 1750, Britain declared war on France.</p>"
                     b"<p>In 2090, Chile invaded Peru.</p></body></html>", "cleaned"),
        "notes.txt": (b"# Talks\n\nIn 1992, **Russia** signed a treaty with [Ukraine](https://example.org).\n",
                      "cleaned"),
        "control.txt": (b"In 1979, China\x00 invaded\x07 Vietnam.\x1b\n", "cleaned"),
        "locked.txt": (b"In 1982, Argentina invaded the Falkland Islands.\n", "unreadable"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (folder / "locked.txt").chmod(0)
    with (folder / "huge.txt").open("wb") as handle:  # a real 100 MB file
        block = b"Chile and Peru talked again " * 4096 + b"\n"
        for _ in range(100_000_000 // len(block) + 1):
            handle.write(block)
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to(folder)
    expected = {name: status for name, (_, status) in files.items()}
    if os.geteuid() == 0:
        expected["locked.txt"] = "ok"  # root reads any file; the pipe below is unreadable for everyone
    expected.update({"huge.txt": "too_large", "pipe.txt": "unreadable", "loop.txt": "unreadable",
                     "sub/back": "skipped", "missing.txt": "missing"})
    return expected


def test_hostile_input_corpus_publishes_the_good_documents_and_lists_each_bad_one(tmp_path, prefect_home):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = hostile_corpus(corpus)
    wh = tmp_path / "wh"
    proc = start([corpus, corpus / "missing.txt", "--allow-missing", "--warehouse", wh], tmp_path, prefect_home,
                 PREFECT_LOGGING_LEVEL="INFO")
    assert proc.wait(timeout=900) == 0, output(proc)
    text = output(proc)
    assert "ERROR" not in text and "Traceback" not in text, text
    stdout = proc.outputs[0].read_text()
    for name, status in expected.items():
        if status not in ("ok",):
            line = next((ln for ln in stdout.splitlines() if f"{corpus / name}: {status} (" in ln), None)
            assert line is not None, f"{name} ({status}) not listed:\n{stdout}"

    con = duckdb.connect(str(wh / "events.duckdb"), read_only=True)
    try:
        files = {Path(p).relative_to(corpus).as_posix(): (s, r)
                 for p, s, r in con.execute("SELECT path, status, reason FROM input_files").fetchall()}
        docs = dict(con.execute("SELECT name, status FROM documents").fetchall())
        rules = dict(con.execute("SELECT rule, count(*) FROM quarantine GROUP BY rule").fetchall())
        held = con.execute("SELECT count(*) FROM quarantine WHERE table_name = 'sentences'").fetchone()[0]
        published = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        counted = con.execute("SELECT sum(n_sentences) FROM documents").fetchone()[0]
        texts = [r[0] for r in con.execute("SELECT text FROM sentences").fetchall()]
    finally:
        con.close()
    assert {name: s for name, (s, _) in files.items()} == expected
    assert all(reason for s, reason in files.values() if s not in ("ok", "cleaned"))
    for name, status in expected.items():
        if status in ("ok", "cleaned"):
            assert docs[name.removesuffix(".txt")] == status
    assert rules.get("sentence_too_long") == 1 and rules.get("date_out_of_range", 0) >= 1
    assert published + held == counted  # every input sentence is published or quarantined
    assert "In 1963, the “président” of France met the Chancellor in Paris." in texts
    assert "In 1992, Russia signed a treaty with Ukraine." in texts
    assert not any("<" in t or "**" in t or "\x00" in t for t in texts)
