"""Ctrl-C, SIGTERM and `kill -9` of a real run: fast, one line, an honest record, no process left behind.

Each test starts the installed `eventledger run` command in its own process
group (its own session), stops it during extraction with the test-only
pause hook (warehouse/faults.py), lets it go on into real parsing, and then
signals it. The run must end within 5 s with exit status 130 (SIGINT) or
143 (SIGTERM) and one line, record itself as interrupted, free the lock and
publish nothing; whatever the way it ended, no process of its group may be
alive 10 s later (the Prefect API it used lives in a thread of its own
process: flows/server.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.processes import assert_group_gone, group_members
from eventledger.warehouse import lock

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXE = Path(sys.executable).parent / "eventledger"
START_TIMEOUT = 300
#: How long a run may take to end after Ctrl-C or SIGTERM (the issue's promise).
END_WITHIN = 5.0
#: How long after a run's end a process of its group may still be alive.
GONE_WITHIN = 10.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Sixty different documents (three batches): extraction takes long enough to be interrupted in the middle."""
    folder = tmp_path_factory.mktemp("corpus")
    text = next(SAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    for i in range(60):
        (folder / f"doc{i:02d}.txt").write_text(f"Report number {i}.\n\n{text}", encoding="utf-8")
    return folder


def start(inputs: Path, root: Path, tmp_path: Path, prefect_home: Path, pause: str | None = "extract",
          workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    if pause:
        env.update(EVENTLEDGER_TEST_PAUSE_AT=pause, EVENTLEDGER_TEST_PAUSE_FILE=str(tmp_path / "paused"))
    return subprocess.Popen([str(EXE), "run", str(inputs), "--warehouse", str(root), "--workers", str(workers)],
                            stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def wait_for_pause(proc: subprocess.Popen, tmp_path: Path) -> Path:
    marker = tmp_path / "paused"
    deadline = time.monotonic() + START_TIMEOUT
    while not marker.exists():
        assert proc.poll() is None, f"the run ended before its pause point: {proc.communicate()}"
        assert time.monotonic() < deadline, "the run never reached its pause point"
        time.sleep(0.1)
    return marker


def into_extraction(proc: subprocess.Popen, tmp_path: Path, workers: int = 1) -> None:
    """Wait for the pause inside the extraction task, then let the run go on into the parser (or its workers)."""
    wait_for_pause(proc, tmp_path).unlink()
    deadline = time.monotonic() + 60
    time.sleep(2.0)  # loading the model and parsing the first documents
    while workers > 1 and len(group_members(proc.pid)) < 1 + workers:  # the workers have started
        assert time.monotonic() < deadline, "the extraction workers never started"
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"


def record_of(root: Path) -> dict:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "runs").glob("*.json")]
    assert len(records) == 1, records
    return records[0]


@pytest.mark.parametrize("sig, status, name, workers", [(signal.SIGINT, 130, "Ctrl-C (SIGINT)", 1),
                                                        (signal.SIGTERM, 143, "SIGTERM", 1),
                                                        (signal.SIGTERM, 143, "SIGTERM", 2)])
def test_a_signal_during_extraction_ends_the_run_at_once_with_one_line_and_an_interrupted_record(
    corpus, tmp_path, prefect_home, sig, status, name, workers
):
    root = tmp_path / "wh"
    proc = start(corpus, root, tmp_path, prefect_home, workers=workers)
    into_extraction(proc, tmp_path, workers)
    signalled = time.monotonic()
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - signalled
    assert proc.returncode == status, (out, err)
    assert took <= END_WITHIN, f"the run took {took:.1f} s to end"

    ours = [line for line in err.splitlines() if line.startswith("eventledger:")]
    assert len(ours) == 1 and f"interrupted by {name}; nothing of it was published" in ours[0], err
    assert err.strip().splitlines()[-1] == ours[0]
    assert "Traceback" not in err and "ERROR" not in err and "Crash" not in err, err
    assert out == ""

    record = record_of(root)
    assert record["status"] == "interrupted"
    assert record["message"] == f"interrupted by {name}; nothing of this run was published"
    assert record["run_id"] in ours[0]
    assert not (root / "current").exists()  # nothing published
    with lock.hold(root, wait=0):  # the lock is free at once
        pass
    assert_group_gone(proc.pid, GONE_WITHIN)


@pytest.mark.parametrize("workers", [1, 2])
def test_after_kill_9_no_process_of_the_run_is_left(corpus, tmp_path, prefect_home, workers):
    """With workers, the kill lands while they parse: they must die with the run (flows/workers.py)."""
    root = tmp_path / "wh"
    proc = start(corpus, root, tmp_path, prefect_home, workers=workers)
    into_extraction(proc, tmp_path, workers)
    os.kill(proc.pid, signal.SIGKILL)  # the run alone, as `kill -9 PID` does
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert_group_gone(proc.pid, GONE_WITHIN)
    with lock.hold(root, wait=0):
        pass


def test_after_a_clean_run_no_process_of_it_is_left(tmp_path, prefect_home):
    proc = start(SAMPLE, tmp_path / "wh", tmp_path, prefect_home, pause=None)
    out, err = proc.communicate(timeout=START_TIMEOUT)
    assert proc.returncode == 0, err
    assert ": published" in out
    assert "ERROR" not in err and "Traceback" not in err
    assert_group_gone(proc.pid, GONE_WITHIN)


def test_ctrl_c_just_before_the_switch_publishes_nothing(tmp_path, prefect_home):
    """The new snapshot is complete, the pointer not yet moved: the run is interrupted, not published."""
    root = tmp_path / "wh"
    proc = start(SAMPLE, root, tmp_path, prefect_home, pause="switch")
    wait_for_pause(proc, tmp_path)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert record_of(root)["status"] == "interrupted"
    assert not (root / "current").exists()
    assert_group_gone(proc.pid, GONE_WITHIN)
