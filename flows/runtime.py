"""Prefect settings for an offline, quiet, honest run.

Imported before Prefect itself. Only defaults are set (a user's own Prefect
settings win): no telemetry (the machine may have no internet, and a failed
telemetry call is logged at ERROR level), a generous start-up timeout for the
temporary server on slow machines, and Prefect's own log lines off the
console: eventledger prints its own account of every outcome (progress, the
summary, one line per failure or interrupt), and Prefect's "Crash detected!"
after a Ctrl-C would contradict the promise of one clean line. Every Prefect
log line still reaches the flow run's logs in the Prefect API and UI; the
`--verbose` flag (setting `verbosity`) shows them on the console too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "GX_ANALYTICS_ENABLED": "False",
    "TQDM_DISABLE": "1",
}


#: What `--verbose` changes: Prefect's INFO lines on the console.
VERBOSE = {"PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "NOTSET"}


def configure(verbose: bool = False) -> None:
    """Apply the defaults to this process's environment (before Prefect is imported).

    `verbose` overrides them (the command line asked for Prefect's lines);
    without it, a user's own Prefect settings win over the defaults.
    """
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ.update(VERBOSE)


configure()


@contextlib.contextmanager
def api_url(url: str) -> Iterator[None]:
    """Point this process's Prefect clients at `url` for the block (flows/server.py's in-process server).

    Set both in Prefect's settings context and in the environment, so that
    the threads Prefect starts for logs and events see it too.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
