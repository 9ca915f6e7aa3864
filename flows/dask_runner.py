"""Extraction past one machine: Prefect's Dask task runner (prefect-dask), made from the settings.

Why Dask: a cluster of machines that each parse a share of the batches is
the next step after the worker processes of one machine (flows/workers.py),
and prefect-dask runs Prefect task runs on it unchanged: each batch is an
`extract` task run, visible in Prefect like the others. With no address, a
`LocalCluster` of `workers` processes on this machine (one thread each:
extraction holds the GIL) stands in for a cluster, which is how the tests
run it; with `dask_address`, the run's batches go to an existing scheduler,
whose workers must have eventledger and its model installed and reach the
same Prefect API.
"""

from __future__ import annotations

from eventledger.settings import Settings


def task_runner(settings: Settings):
    """A DaskTaskRunner for the settings: the scheduler at `dask_address`, or a LocalCluster of `workers`."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:  # installed with eventledger; a trimmed environment may lack it
        raise RuntimeError("the dask runner needs prefect-dask: pip install prefect-dask") from exc

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": settings.workers, "threads_per_worker": 1, "processes": True,
        "host": "127.0.0.1", "dashboard_address": ":0",  # loopback only; its dashboard on a free port
    })
