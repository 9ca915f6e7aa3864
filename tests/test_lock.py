"""The warehouse lock: one writer at a time, a clear message naming the holder, no stale locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from tests.conftest import REPO
from eventledger.warehouse import lock


def hold_in_subprocess(root, run_id="holder-run"):
    """A real process holding the lock until its stdin closes or it is killed."""
    script = textwrap.dedent(f"""
        import sys
        from eventledger.warehouse import lock
        with lock.hold({str(root)!r}, run_id={run_id!r}, wait=0):
            print("held", flush=True)
            sys.stdin.readline()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_gets_a_message_naming_the_holder(tmp_path):
    proc = hold_in_subprocess(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(lock.WarehouseBusy) as info:
            with lock.hold(tmp_path, run_id="second", wait=0.6):
                pass
        assert time.monotonic() - started >= 0.5
        message = str(info.value)
        assert f"pid {proc.pid}" in message and "run holder-run" in message and "started at" in message
        assert "--wait" in message and str(tmp_path / ".lock") in message
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    with lock.hold(tmp_path, wait=0):  # released when the holder ends
        assert lock.read_holder(tmp_path)["pid"] == os.getpid()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    proc = hold_in_subprocess(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert lock.read_holder(tmp_path)["run_id"] == "holder-run"  # the details stay behind ...
    with lock.hold(tmp_path, run_id="next", wait=0):  # ... but the kernel released the lock
        assert lock.read_holder(tmp_path)["run_id"] == "next"


def test_a_waiting_writer_gets_the_lock_when_the_holder_finishes(tmp_path):
    proc = hold_in_subprocess(tmp_path)
    threading.Timer(0.5, proc.stdin.close).start()
    with lock.hold(tmp_path, run_id="waiter", wait=30):
        assert lock.read_holder(tmp_path)["run_id"] == "waiter"
    proc.wait(timeout=10)


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with lock.hold(tmp_path, run_id="outer", wait=0):
        assert lock.is_held_here(tmp_path)
        with lock.hold(tmp_path, wait=0):
            lock.set_run_id(tmp_path, "renamed")
        assert lock.is_held_here(tmp_path)
        assert lock.read_holder(tmp_path)["run_id"] == "renamed"
    assert not lock.is_held_here(tmp_path)
