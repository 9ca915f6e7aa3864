"""Helpers for tests that start real processes: a free loopback port, process groups, a server's health.

Why one module: the serve, deploy, signal and error tests each start real
servers and runs in their own process groups, and must stop them and prove
nothing is left; written once here, they stop and check the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A loopback TCP port nobody listens on (free now; the caller binds it soon)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signal_group(pgid: int, sig: int) -> None:
    """Send `sig` to a process group, if any of it is left."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process and everything in its group: `sig`, then SIGKILL what has not stopped in `timeout` s."""
    for s in (sig, signal.SIGKILL):
        signal_group(proc.pid, s)
        try:
            proc.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def assert_group_gone(pgid: int, within: float) -> None:
    """No process of the group alive within `within` seconds (what is left is killed, then the test fails)."""
    deadline = time.monotonic() + within
    while group_members(pgid):
        if time.monotonic() > deadline:
            signal_group(pgid, signal.SIGKILL)  # do not leak them into the rest of the suite
            pytest.fail(f"processes of the group {pgid} were still alive {within:g} s after its leader ended")
        time.sleep(0.2)


def wait_for_health(server: subprocess.Popen, api_url: str, timeout: float, log: Path) -> None:
    """Wait until a Prefect server answers `/health`; fail with its log if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"prefect server did not answer in {timeout:g} s:\n{log.read_text()}")
        time.sleep(0.5)
