"""Extraction on every core: worker processes that load the model and the knowledge once each.

Why processes: extraction is spaCy parsing plus pure-Python rules, and both
hold the GIL, so threads would take turns on one core while the others idle.
A pool of `workers` processes (the `workers` setting; default: the machine's
cores) takes the batches of documents in turn; results come back in batch
order, so the published tables do not depend on the number of workers.

What a pool costs and how it ends:

- each worker starts fresh (the "spawn" method: forking a process that
  already runs Prefect's threads and the in-process API is unsafe) and loads
  the model and the knowledge once, a few seconds in parallel; so a run with
  a single batch extracts in-process, without a pool;
- a worker never outlives its run: it asks the kernel to kill it when its
  parent dies (Linux `PR_SET_PDEATHSIG`), so even `kill -9` of the run leaves
  nothing behind, and a run that stops (failure, Ctrl-C, SIGTERM) terminates
  its workers before it returns;
- a worker ignores Ctrl-C: a terminal sends it to the whole process group,
  and the run, not each worker, decides what an interrupt means.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import datetime as dt
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator

from eventledger.transforms import document, quality

#: prctl(2) option: the signal a process gets when its parent thread dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the parent dies (elsewhere: nothing, the pipe's EOF ends it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _start_worker(model: str | None, actors_files: list[str]) -> None:
    """Each worker, once: tie its life to the run's, ignore Ctrl-C, load the model and the knowledge."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from eventledger.transforms.knowledge import load_knowledge
    from eventledger.transforms.nlp import load_pipeline

    load_pipeline(model)
    load_knowledge(actors_files)


def extract_in_worker(
    batch: list[document.SegmentedDocument], actors_files: list[str], run_id: str, today: dt.date,
    model: str | None, max_sentence_chars: int = quality.DEFAULT_MAX_SENTENCE_CHARS,
) -> list[document.DocumentTables]:
    """One batch, in a worker (the model and knowledge are cached there by `_start_worker`)."""
    from eventledger.transforms.knowledge import load_knowledge
    from eventledger.transforms.nlp import load_pipeline

    return document.extract_batch(batch, load_pipeline(model), load_knowledge(actors_files), run_id=run_id,
                                  today=today, max_sentence_chars=max_sentence_chars)


@contextlib.contextmanager
def pool(workers: int, model: str | None, actors_files: list[str]) -> Iterator[concurrent.futures.Executor]:
    """A pool of `workers` extraction processes for the block; every one of them is gone when it ends."""
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker, initargs=(model, list(actors_files)),
    )
    try:
        yield executor
    finally:
        _end(executor)


def _end(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop every worker now (an interrupted run must not wait for their batches), then reap them all."""
    processes = list((executor._processes or {}).values())  # noqa: SLF001 - to end them for sure
    for process in processes:
        if process.is_alive():
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)  # the pool's own thread reaps what it started
    for process in processes + list((executor._processes or {}).values()):  # noqa: SLF001
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def extract_batches(
    executor: concurrent.futures.Executor, batches: list[list[document.SegmentedDocument]],
    done: Callable[[list[document.SegmentedDocument]], None], **arguments,
) -> list[document.DocumentTables]:
    """Every batch on the pool; the parts in batch order; `done(batch)` as each batch finishes."""
    futures = {executor.submit(extract_in_worker, batch, **arguments): i for i, batch in enumerate(batches)}
    results: dict[int, list[document.DocumentTables]] = {}
    for future in concurrent.futures.as_completed(futures):
        index = futures[future]
        results[index] = future.result()
        done(batches[index])
    return [part for i in range(len(batches)) for part in results[i]]
