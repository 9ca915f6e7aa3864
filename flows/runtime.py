"""Prefect settings for an offline, quiet, honest run.

Imported before Prefect itself. Only defaults are set (a user's own Prefect
settings win): no telemetry (the machine may have no internet, and a failed
telemetry call is logged at ERROR level), a generous start-up timeout for the
temporary server on slow machines, and Prefect's own INFO chatter off the
console so that the run's summary is readable. Warnings and errors still show.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
    "GX_ANALYTICS_ENABLED": "False",
    "TQDM_DISABLE": "1",
}


def configure() -> None:
    """Apply the defaults to this process's environment (before Prefect is imported)."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


configure()
