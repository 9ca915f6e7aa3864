"""The maintenance flow that `eventledger serve` runs on its own schedule (warehouse/maintenance.py).

A flow, not a call inside the pipeline's flow, so that Prefect shows its
runs (and their states) apart from the runs that publish: Completed with
what it did as the message, Cancelled "Busy" when a run held the warehouse
(the next tick tries again), Completed "Idle" before anything is published.
"""

from __future__ import annotations

from eventledger.flows import runtime  # noqa: F401  (Prefect defaults before Prefect is imported)

from prefect import flow
from prefect.states import Cancelled, Completed, State

from eventledger.settings import Settings
from eventledger.settings import restore as restore_settings
from eventledger.warehouse import lock
from eventledger.warehouse.maintenance import NotAWarehouse, maintain

BUSY_STATE, IDLE_STATE = "Busy", "Idle"


@flow(name="eventledger-maintain", log_prints=False, validate_parameters=False)
def maintenance(settings: Settings, settings_sources: dict[str, str] | None = None) -> State:
    """Tidy the warehouse of `settings` (a scheduled run gets the values and sources as JSON)."""
    settings = restore_settings(settings, settings_sources)
    try:
        report = maintain(settings.warehouse, keep=settings.keep_snapshots, wait=settings.lock_wait,
                          export=settings.export)
    except lock.WarehouseBusy as exc:
        return Cancelled(name=BUSY_STATE, message=str(exc))
    except NotAWarehouse as exc:
        return Completed(name=IDLE_STATE, message=str(exc))
    return Completed(message=report.describe())
