"""Prefect settings for an offline, quiet, honest run.

Imported before Prefect itself. Only defaults are set (a user's own Prefect
settings win): no telemetry (the machine may have no internet, and a failed
telemetry call is logged at ERROR level), a generous start-up timeout for the
temporary server on slow machines, and Prefect's own INFO chatter off the
console so that the run's summary is readable. Warnings and errors still show.
"""

from __future__ import annotations

import logging
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


class _ShutdownNoise(logging.Filter):
    """Drops the event-flush records that Prefect's temporary server logs while it stops.

    They report that events could not be sent to a server that is going away
    on purpose; records of any other kind pass untouched.
    """

    NOISE = ("Error flushing events", "Failed to send telemetry")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(text in message for text in self.NOISE)


def quiet_shutdown_noise() -> None:
    shutdown_filter = _ShutdownNoise()
    for name in ("prefect", "prefect.events", "prefect.server", "prefect.server.services.telemetry", "prefect.events.clients"):
        logging.getLogger(name).addFilter(shutdown_filter)


configure()
