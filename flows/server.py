"""The Prefect API a run talks to: the user's server, or one inside this process.

Why: a Prefect flow run needs an API. With no `PREFECT_API_URL`, Prefect
starts a temporary server as a child process (uvicorn), which cost every run
10 to 20 s before its first line, printed errors when Ctrl-C reached it
first, and outlived a run killed with SIGTERM or `kill -9` (one leaked
190 MB server per killed run).

So when no server is configured, eventledger serves Prefect's API from a
thread of its own process, on a free loopback port, for the length of the
command: it starts in about 3 s, it dies with the process however the process
ends (even `kill -9`), and Ctrl-C reaches only the run. Its database is
Prefect's usual one under `PREFECT_HOME`, so the runs can be browsed later
with `prefect server start`.

When `PREFECT_API_URL` is set, that server is used as it is, after a quick
health check, so that an unreachable server is one line at once rather than
a minute of retries.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from eventledger.flows import runtime  # noqa: F401  (Prefect defaults before Prefect is imported)

#: How long a configured server has to answer its health check.
HEALTH_TIMEOUT_SECONDS = 5.0
#: How long the in-process server may take to start (a slow machine's first run creates its database).
START_TIMEOUT_SECONDS = 120.0
#: The one command that starts a local Prefect server, for messages.
START_SERVER_HINT = ("prefect server start --host 127.0.0.1 --port 4200 "
                     "(then: export PREFECT_API_URL=http://127.0.0.1:4200/api)")


class PrefectUnavailable(RuntimeError):
    """The configured Prefect server does not answer; the message is one line saying what to do."""


def configured_api_url() -> str | None:
    """Prefect's own `PREFECT_API_URL` setting (its profile or environment), or None."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def check_reachable(api_url: str, timeout: float = HEALTH_TIMEOUT_SECONDS, own_server_hint: bool = True) -> None:
    """Raise PrefectUnavailable unless `api_url/health` answers 200 within `timeout` seconds.

    `own_server_hint` adds that unsetting PREFECT_API_URL also works (true of `run`, not of `serve`).
    """
    import httpx

    try:
        response = httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout)
    except httpx.HTTPError as exc:
        raise PrefectUnavailable(
            f"the Prefect server at PREFECT_API_URL={api_url} does not answer ({type(exc).__name__}); "
            f"start it with: {START_SERVER_HINT}"
            + (", or unset PREFECT_API_URL to let eventledger run its own" if own_server_hint else "")
        ) from None
    if response.status_code != 200:
        raise PrefectUnavailable(
            f"the Prefect server at PREFECT_API_URL={api_url} answered {response.status_code} to its health "
            "check; is it a Prefect API URL (ending in /api)?"
        )


def _free_loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def drain_prefect_workers(timeout: float = 10.0) -> None:
    """Send the logs and events Prefect still holds, while the server is there to take them.

    Prefect sends them from background workers and flushes those when the
    process exits; by then the in-process server is gone, and each worker
    would retry for a minute and print connection errors.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # noqa: BLE001 - what could not be sent is lost; the run's outcome is not
            pass


@contextlib.contextmanager
def in_process_server() -> Iterator[str]:
    """Serve Prefect's API from a daemon thread of this process; yield its API URL; stop it on exit.

    The thread is a daemon, so a process that ends in any way ends it too;
    uvicorn installs no signal handlers outside the main thread, so Ctrl-C
    and SIGTERM reach the run, not the server.
    """
    import uvicorn
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)
    sock = _free_loopback_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="prefect-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise PrefectUnavailable("the in-process Prefect server did not start; "
                                     "run again with --verbose to see why")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    finally:
        drain_prefect_workers()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API for this command: the configured server if any (checked), else an in-process one.

    Inside the block, Prefect's clients use the yielded URL (set both in
    Prefect's settings context and in this process's environment, so that
    threads Prefect starts see it too).
    """
    configured = configured_api_url()
    if configured:
        check_reachable(configured)
        yield configured
        return
    with in_process_server() as url, runtime.api_url(url):
        yield url
