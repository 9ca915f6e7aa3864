"""`eventledger serve`: the pipeline flow as a Prefect deployment on a schedule, over an inbox folder.

Why a deployment and not a loop of our own: the schedule, the history of
runs, retries of the API, pausing and the UI are Prefect's, and a team that
already runs Prefect sees eventledger's runs beside its other flows. This
module only says what is served:

- the flow is `flows.pipeline.pipeline`, the same flow `eventledger run`
  runs, by module path, so a scheduled run imports it wherever eventledger is
  installed (the runner starts each scheduled run as a fresh process);
- its parameters are the inbox folder and the settings of `serve` (their
  values and sources travel as JSON and are validated again by the run);
- each scheduled run is incremental by construction: a document published
  unchanged by the same extractor is not extracted again, so a run over an
  inbox where nothing changed costs the reading and hashing of its files;
- runs never prune: a file taken out of the inbox stays in the warehouse
  until someone runs `eventledger run --prune`, and an empty inbox is an
  idle run (Completed, named "Idle"), not a failure every quarter hour;
- a second deployment, `eventledger-maintain/<name>`, runs `eventledger
  maintain` on the `maintenance_schedule` (daily by default);
- stopping `serve` pauses both schedules (nothing runs while nobody serves it).

A schedule needs a Prefect server that outlives the command, so `serve`
refuses to start without `PREFECT_API_URL` (see eventledger/cli.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from eventledger.flows import runtime  # noqa: F401  (Prefect defaults before Prefect is imported)
from eventledger.flows.maintenance import maintenance
from eventledger.flows.pipeline import flow_run_tags, pipeline
from eventledger.settings import Settings

@dataclass(frozen=True)
class Schedule:
    """When scheduled runs start: a cron expression, or every `interval` seconds (short schedules, tests)."""

    cron: str | None = None
    interval: float | None = None

    def describe(self) -> str:
        return f"every {self.interval:g} s" if self.interval else f"cron '{self.cron}'"


def deployment_parameters(settings: Settings) -> dict:
    """What each scheduled run receives: the inbox as its one input path, and the settings as JSON."""
    return {
        "paths": [str(settings.inbox)],
        "settings": settings.values(),
        "settings_sources": settings.sources(),
        "idle_when_empty": True,
    }


async def _serve(settings: Settings, name: str, schedule: Schedule, announce) -> bool:
    from prefect.deployments.runner import EntrypointType
    from prefect.runner import Runner

    runner = Runner(name=f"eventledger-{name}", pause_on_shutdown=True)
    await runner.aadd_flow(
        pipeline,
        name=name,
        cron=None if schedule.interval else schedule.cron,
        interval=dt.timedelta(seconds=schedule.interval) if schedule.interval else None,
        parameters=deployment_parameters(settings),
        tags=list(flow_run_tags("serve", Path(settings.warehouse))),
        description=f"eventledger over the inbox {settings.inbox} into the warehouse {settings.warehouse}",
        enforce_parameter_schema=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    await runner.aadd_flow(
        maintenance,
        name=name,
        cron=settings.maintenance_schedule,
        parameters={"settings": settings.values(), "settings_sources": settings.sources()},
        tags=list(flow_run_tags("maintain", Path(settings.warehouse))),
        description=f"eventledger maintain of the warehouse {settings.warehouse}",
        enforce_parameter_schema=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    announce(f"serving deployment '{pipeline.name}/{name}': {schedule.describe()}, "
             f"inbox {settings.inbox} -> warehouse {settings.warehouse}")
    announce(f"serving deployment '{maintenance.name}/{name}': cron '{settings.maintenance_schedule}'")
    announce(f"run it now with: prefect deployment run '{pipeline.name}/{name}'; stop serving with Ctrl-C")
    await runner.start()
    return runner.stopping


def serve(settings: Settings, name: str, schedule: Schedule, announce=print) -> bool:
    """Create (or update) the deployment and serve its scheduled runs until stopped.

    Ctrl-C raises KeyboardInterrupt as usual. SIGTERM is Prefect's runner's
    to handle (it stops the runs in flight and pauses the schedule): then this
    returns True, so that the caller can say so and exit 143.
    """
    return asyncio.run(_serve(settings, name, schedule, announce))
