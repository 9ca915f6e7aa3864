"""The eventledger flow: ingest -> segment -> extract -> quarantine -> validate -> publish.

Orchestration only: every task wraps a pure function from `transforms`,
`expectations` or `warehouse`. What the flow decides:

- one run at a time per warehouse: the whole run holds the warehouse lock
  (re-entrant, so the command line may already hold it);
- incremental work: a document whose content id is already published by the
  same extractor (transforms/fingerprint.py) is not extracted again, its
  published rows are kept as they are;
- retries only for transient I/O failures (reading inputs, reading the
  previous snapshot, publishing); deterministic steps (segmentation,
  extraction, validation) are never retried, because bad data fails the same
  way twice;
- every run leaves a record: `running` when it starts, `published` or
  `failed` with a one-line reason when it ends, whatever went wrong;
- Prefect is told the same story: the flow returns a Prefect state, not a
  bare summary. A published run is Completed, a failed one Failed and a run
  that found the warehouse busy Cancelled (named "Busy"), each with the
  one-line reason as its message and the summary as its data (for the
  failed ones inside a `RunNotPublished` exception, as Prefect requires;
  `run_flow` calls the flow with `return_state=True` and takes the summary
  back). The
  flow run is named after eventledger's run id, the progress lines go to its
  Prefect logs, and the summary is attached as a markdown artifact.

Extraction runs in batches of 25 documents: on the worker processes of this
machine (flows/workers.py; the `workers` setting), in the run's own process
for a single batch, or as task runs on a Dask cluster (flows/dask_runner.py;
`runner = "dask"`). The batches come back in order whichever way they ran.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import logging
import os
import re
import socket
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eventledger.flows import runtime  # noqa: F401  (sets Prefect defaults before Prefect is imported)
from eventledger.flows import workers as extraction_workers
from eventledger.flows.progress import Reporter

import pyarrow as pa
from prefect import flow, tags, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Cancelled, Completed, Failed, State

from eventledger import signals
from eventledger.settings import Settings
from eventledger.settings import restore as restore_settings
from eventledger.expectations.runner import ValidationReport, default_params, validate_tables
from eventledger.transforms import document, ids, ingest, quality, schemas, tables
from eventledger.transforms.fingerprint import extractor_fingerprint, model_version
from eventledger.transforms.nlp import ModelNotFound, choose_model
from eventledger.warehouse import faults, lake, lock, runlog
from eventledger.warehouse import publish as warehouse
from eventledger.warehouse import report as run_report

BATCH_SIZE = 25

EXTRACTED, REUSED, SKIPPED = "extracted", "reused", "skipped"


@dataclass
class FileOutcome:
    """What happened to one input file in this run (a row of `input_files`)."""

    path: str
    name: str
    status: str
    outcome: str
    reason: str | None = None
    note: str | None = None
    document_id: str | None = None
    n_bytes: int | None = None
    encoding: str | None = None


@dataclass
class RunSummary:
    """What a run did, for the command line, the run record and the tests."""

    run_id: str
    warehouse: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = runlog.RUNNING
    n_documents: int = 0
    n_sentences: int = 0
    n_events: int = 0
    n_extracted: int = 0
    n_reused: int = 0
    n_files_skipped: int = 0
    n_quarantined: int = 0
    quarantine_by_rule: dict[str, int] = field(default_factory=dict)
    validation: ValidationReport | None = None
    files: list[FileOutcome] = field(default_factory=list)
    message: str | None = None
    extractor_fingerprint: str | None = None
    data_docs: str | None = None
    recovered: str | None = None
    traceback: str | None = None
    settings: dict = field(default_factory=dict)
    settings_sources: dict = field(default_factory=dict)
    spacy_model: dict = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.status == runlog.PUBLISHED

    @property
    def details(self) -> Path:
        """The run record: where a failed run's details are."""
        return runlog.record_path(Path(self.warehouse), self.run_id)

    def record(self) -> dict:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status,
            "n_documents": self.n_documents,
            "n_sentences": self.n_sentences,
            "n_events": self.n_events,
            "validation_success": None if self.validation is None else self.validation.success,
            "message": self.message,
            "n_extracted": self.n_extracted,
            "n_reused": self.n_reused,
            "n_files_skipped": self.n_files_skipped,
            "n_quarantined": self.n_quarantined,
            "extractor_fingerprint": self.extractor_fingerprint,
            "quarantine_by_rule": self.quarantine_by_rule,
            "warehouse": self.warehouse,
            "data_docs": self.data_docs,
            "recovered": self.recovered,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "files": [asdict(f) for f in self.files],
            "validation": self.validation.records() if self.validation is not None else [],
            "traceback": self.traceback,
            "settings": self.settings,
            "settings_sources": self.settings_sources,
            "spacy_model": self.spacy_model,
        }


#: Name of the Cancelled state of a run that found the warehouse held by another run (exit status 75).
BUSY_STATE = "Busy"
#: Name of the Completed state of a scheduled run whose inbox held no files (nothing to do).
IDLE_STATE = "Idle"
#: The logger that carries progress lines to the flow run's Prefect logs (and nowhere else).
PROGRESS_LOGGER = "prefect.flow_runs.eventledger"


def reporter_for(settings: Settings) -> Reporter:
    """The run's progress reporter: the terminal as the verbosity setting says, and the flow run's Prefect logs."""
    return Reporter(settings.verbosity, also=lambda message: log_to_prefect(logging.INFO, message))


def _progress_logger() -> logging.Logger:
    """A child of Prefect's run logger that sends to the Prefect API only.

    Prefect's own run logger inherits the console level (WARNING here, see
    flows/runtime.py), so its INFO lines would be dropped before reaching the
    API, and lowering that level would print them on the terminal a second
    time. This logger has its own API handler and does not propagate: the
    terminal shows exactly what it showed before.
    """
    from prefect.logging.handlers import APILogHandler

    logger = logging.getLogger(PROGRESS_LOGGER)
    if not any(isinstance(h, APILogHandler) for h in logger.handlers):
        logger.addHandler(APILogHandler())
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_to_prefect(level: int, message: str) -> None:
    """Log through the current flow run's logger (its run metadata attached); outside a flow run, nothing."""
    from prefect.exceptions import MissingContextError
    from prefect.logging.loggers import PrefectLogAdapter, get_run_logger

    try:
        run_logger = get_run_logger()
    except MissingContextError:
        return
    try:
        PrefectLogAdapter(_progress_logger(), extra=dict(run_logger.extra or {})).log(level, message)
    except Exception:  # noqa: BLE001 - logging never fails a run
        pass


#: errnos that a retry cannot fix: the same call fails the same way.
_PERMANENT_ERRNOS = {
    errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EROFS,
    errno.ELOOP, errno.ENAMETOOLONG, errno.EINVAL, errno.EEXIST, errno.ENOTEMPTY,
}


#: errnos of a write that found no room: the disk or the quota is full, or a file hit its size limit
#: (RLIMIT_FSIZE, the file system's maximum). A retry writes the same bytes into the same lack of room.
NO_ROOM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
#: The same as DuckDB says it: its errors carry no errno, only the text, e.g.
#: 'Could not write file "/wh/snapshots/x.tmp/events.duckdb": No space left on device'.
_NO_ROOM_TEXTS = tuple(os.strerror(code) for code in sorted(NO_ROOM_ERRNOS))


def is_transient(exc: BaseException | None) -> bool:
    """An I/O error worth one more try (a busy or flaky disk, a network file system), not a bug or bad data."""
    return isinstance(exc, OSError) and exc.errno not in _PERMANENT_ERRNOS | NO_ROOM_ERRNOS


def no_room(exc: BaseException | None) -> BaseException | None:
    """The error in `exc` or its causes that says a write found no room (disk full), else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in NO_ROOM_ERRNOS:
            return exc
        if any(text in str(exc) for text in _NO_ROOM_TEXTS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def failure_message(exc: BaseException) -> str:
    """A failed run's one-line reason: "disk full: ..." when a write found no room, else the error as it is."""
    full = no_room(exc)
    if full is not None:
        return f"disk full: {full}; nothing was published (free some space and run again)"
    return f"{type(exc).__name__}: {exc}"


def retry_transient_io(task, task_run, state) -> bool:
    """Prefect `retry_condition_fn`: retry only transient I/O errors."""
    try:
        state.result()
    except BaseException as exc:  # the task's own exception, re-raised by `result()`
        return is_transient(exc)
    return False


_io_retries = dict(retries=2, retry_delay_seconds=1, retry_condition_fn=retry_transient_io, cache_policy=NO_CACHE)


@task(name="ingest", **_io_retries)
def ingest_task(paths: list[str], max_bytes: int) -> list[ingest.SourceDocument]:
    return ingest.read_documents(ingest.discover(paths, report_links=True), max_bytes)


@task(name="load-previous", **_io_retries)
def load_previous_task(root: str) -> pa.Table:
    """The published documents (ids, paths, extractor fingerprints): what decides what this run extracts."""
    return warehouse.published_documents(Path(root))


@task(name="reused-rows", **_io_retries)
def reused_rows_task(root: str, doc_ids: set[str]) -> tuple[dict[str, int], pa.Table]:
    return warehouse.reused_rows(Path(root), doc_ids)


@task(name="segment", cache_policy=NO_CACHE)
def segment_task(docs: list[ingest.SourceDocument]) -> list[document.SegmentedDocument]:
    return [document.segment(doc) for doc in docs]


@task(name="extract")
def extract_task(
    batch: list[document.SegmentedDocument], actors_files: list[str], run_id: str, today: dt.date,
    model: str | None = None, max_sentence_chars: int = quality.DEFAULT_MAX_SENTENCE_CHARS,
) -> list[document.DocumentTables]:
    from eventledger.transforms.knowledge import load_knowledge
    from eventledger.transforms.nlp import load_pipeline

    faults.pause_point("extract")
    return document.extract_batch(batch, load_pipeline(model), load_knowledge(actors_files), run_id=run_id,
                                  today=today, max_sentence_chars=max_sentence_chars)


@task(name="extract-on-workers", cache_policy=NO_CACHE)
def extract_on_workers_task(
    batches: list[list[document.SegmentedDocument]], workers: int, actors_files: list[str], run_id: str,
    today: dt.date, model: str | None, max_sentence_chars: int, done,
) -> list[document.DocumentTables]:
    """Every batch on a pool of `workers` processes (flows/workers.py); `done(batch)` after each."""
    faults.pause_point("extract")
    with extraction_workers.pool(workers, model, actors_files) as executor:
        return extraction_workers.extract_batches(
            executor, batches, done, actors_files=actors_files, run_id=run_id, today=today, model=model,
            max_sentence_chars=max_sentence_chars)


def extract_on_dask(batches: list[list[document.SegmentedDocument]], settings: Settings, actors_files: list[str],
                    run_id: str, today: dt.date, done) -> list[document.DocumentTables]:
    """Every batch as an `extract` task run on a Dask cluster (flows/dask_runner.py); the parts in batch order.

    Each Dask worker loads the model and the knowledge once (they are cached
    per process), as the local workers do.
    """
    from eventledger.flows.dask_runner import task_runner

    parts: list[document.DocumentTables] = []
    with task_runner(settings) as runner:
        futures = [runner.submit(extract_task, parameters={
            "batch": batch, "actors_files": actors_files, "run_id": run_id, "today": today,
            "model": settings.spacy_model, "max_sentence_chars": settings.max_sentence_chars,
        }) for batch in batches]
        for batch, future in zip(batches, futures):
            parts.extend(future.result())
            done(batch)
    return parts


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(run_tables: dict[str, pa.Table], params: dict, data_docs_dir: str, run_id: str) -> ValidationReport:
    return validate_tables(run_tables, params=params, data_docs_dir=Path(data_docs_dir), run_name=run_id)


@task(name="publish", **_io_retries)
def publish_task(root: str, run_id: str, new_tables: dict[str, pa.Table], record: dict, keep: int,
                 guard=contextlib.nullcontext, *, seen_ids: set[str], relocations: dict, prune: bool,
                 location: lake.Location, export: str,
                 validation: run_report.RunValidation | None = None) -> warehouse.Published:
    return warehouse.publish(Path(root), run_id, new_tables, record, keep=keep, guard=guard, seen_ids=seen_ids,
                             relocations=relocations, prune=prune, location=location, export=export,
                             report=validation)


def _fail(summary: RunSummary, message: str) -> RunSummary:
    """Record a run that publishes nothing; the last good warehouse stays as it was."""
    return _close(summary, runlog.FAILED, message)


def _close(summary: RunSummary, status: str, message: str) -> RunSummary:
    """Close the run's record with `status` and a one-line `message` (a run that publishes nothing)."""
    summary.status = status
    summary.message = " ".join(message.split())  # one line
    summary.finished_at = dt.datetime.now(dt.timezone.utc)
    try:
        runlog.write_record(Path(summary.warehouse), summary.record())
    except OSError as exc:  # a full disk may refuse the record too: the reason still reaches the command line
        summary.message += f" (its run record could not be written: {exc.strerror or exc})"
    return summary


def _flow_run_name() -> str:
    """The flow run's name: eventledger's run id when the caller gave one (the command line always does)."""
    from prefect.runtime import flow_run

    return flow_run.parameters.get("run_id") or "eventledger-run-starting"


@flow(name="eventledger-run", log_prints=False, validate_parameters=False, flow_run_name=_flow_run_name)
def pipeline(
    paths: list[str],
    settings: Settings,
    prune: bool = False,
    run_id: str | None = None,
    reextract: bool = False,
    settings_sources: dict[str, str] | None = None,
    idle_when_empty: bool = False,
) -> State:
    """One run over `paths` into the warehouse folder of `settings`; its Prefect state, carrying the summary.

    The settings arrive validated (eventledger/settings.py); the flow reads no
    environment and hands plain values to the transforms. `reextract`
    extracts every input document again, even one published unchanged by the
    same extractor (after a manual repair, or to test).

    The flow returns a state, so calling it without `return_state=True`
    raises on a failed run: use `run_flow`, which gives back the summary.

    A scheduled run (flows/serving.py) gets `settings` as plain values and
    their sources as `settings_sources`: parameters travel as JSON. It also
    sets `idle_when_empty`: an inbox with no files at all is then an idle run
    (Completed, named "Idle", nothing published) rather than a failure every
    quarter of an hour; files that cannot be used still fail the run.
    """
    if run_id is not None and not runlog.is_run_id(run_id):  # it names files and folders of the warehouse
        raise ValueError(f"run_id {run_id!r} is not an eventledger run id (such as {runlog.new_run_id()}): "
                         "leave it out, and the run makes its own")
    settings = restore_settings(settings, settings_sources)
    root = Path(settings.warehouse)
    busy = None
    try:
        with lock.hold(root, run_id=run_id, wait=settings.lock_wait):
            # started (and named) holding the lock, so run ids sort in publish order
            summary = _new_summary(run_id, settings)
            if run_id is None:
                _name_flow_run(summary.run_id)
            summary = _locked_run(summary, settings, list(paths), prune, reextract, reporter_for(settings),
                                  idle_when_empty)
    except lock.WarehouseBusy as exc:
        busy = exc
        summary = _new_summary(run_id, settings)
        if run_id is None:
            _name_flow_run(summary.run_id)
        summary = _fail(summary, str(exc))
    attach_summary(summary)
    if summary.published:
        return Completed(message=_completed_message(summary), data=summary)
    if summary.status == runlog.IDLE:
        return Completed(name=IDLE_STATE, message=summary.message, data=summary)
    if busy is not None:
        return Cancelled(name=BUSY_STATE, message=summary.message, data=RunNotPublished(summary))
    return Failed(message=summary.message, data=RunNotPublished(summary))


class RunNotPublished(Exception):
    """The data of a Failed or Cancelled flow run: the one-line reason, carrying the run's summary.

    Prefect requires the data of a failed state to be an exception (a worker's
    engine raises it); `run_flow` takes the summary back out of it.
    """

    def __init__(self, summary: RunSummary) -> None:
        super().__init__(summary.message)
        self.summary = summary


def run_flow(paths: list[str], settings: Settings, prune: bool = False, run_id: str | None = None,
             reextract: bool = False, run_tags: tuple[str, ...] = ()) -> RunSummary:
    """Run the flow and return its summary, whatever its state (a run that failed raises nothing).

    An exception the flow did not turn into a summary (a bug) is raised again,
    as it was before the flow returned states; an interruption propagates.
    """
    with tags(*run_tags):
        state = pipeline(list(paths), settings, prune, run_id=run_id, reextract=reextract, return_state=True)
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunNotPublished):
        return result.summary
    if isinstance(result, BaseException):
        raise result
    return result


def flow_run_tags(command: str, warehouse: Path) -> tuple[str, ...]:
    """Tags known when a run starts: eventledger, the command and the warehouse folder's name."""
    name = Path(warehouse).resolve().name or "root"
    return ("eventledger", command, f"warehouse:{name}")


def _name_flow_run(run_id: str) -> None:
    """Rename the current flow run after the run id chosen inside the flow (a caller that gave none)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if ctx is None or ctx.flow_run is None:
        return
    try:
        ctx.client.set_flow_run_name(flow_run_id=ctx.flow_run.id, name=run_id)
    except Exception as exc:  # noqa: BLE001 - a name is not worth a failed run
        log_to_prefect(logging.WARNING, f"could not name the flow run {run_id}: {type(exc).__name__}: {exc}")


def _completed_message(summary: RunSummary) -> str:
    return (f"published {summary.n_documents} document(s), {summary.n_sentences} sentence(s), "
            f"{summary.n_events} event(s)")


def _cell(value) -> str:
    """A markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|") if value not in (None, "") else "-"


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as a small markdown table (the flow run's artifact)."""
    validation = "-" if summary.validation is None else summary.validation.summary() if summary.validation.skipped \
        else (("passed" if summary.validation.success else "FAILED") + f" ({summary.validation.summary().splitlines()[0]})")
    rows = [
        ("run id", summary.run_id),
        ("status", summary.status),
        ("documents", summary.n_documents),
        ("sentences", summary.n_sentences),
        ("events", summary.n_events),
        ("validation", validation),
        ("message", summary.message),
    ]
    lines = [f"### eventledger run {_cell(summary.run_id)}", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in rows]
    lines += ["", f"Warehouse: `{summary.warehouse}`; run record: `{summary.details}`"]
    return "\n".join(lines)


def artifact_key(warehouse: str) -> str:
    """The artifact's key (one per warehouse folder): lowercase letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(warehouse).name.lower()).strip("-")
    return f"eventledger-{slug or 'warehouse'}"


def attach_summary(summary: RunSummary) -> None:
    """Attach the summary to the current flow run as a markdown artifact; a failure here never fails the run."""
    try:
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(markdown=summary_markdown(summary), key=artifact_key(summary.warehouse),
                                 description=f"eventledger run {summary.run_id}: {summary.status}")
    except Exception as exc:  # noqa: BLE001
        log_to_prefect(logging.WARNING, f"run summary artifact not created: {type(exc).__name__}: {exc}")


def _new_summary(run_id: str | None, settings: Settings) -> RunSummary:
    """A run's summary from its start, carrying the effective settings and the model into its record."""
    started = dt.datetime.now(dt.timezone.utc)
    return RunSummary(run_id or runlog.new_run_id(started), str(settings.warehouse), started,
                      settings=settings.values(), settings_sources=settings.sources(),
                      spacy_model=model_version(_model_name(settings.spacy_model)))


def _locked_run(summary: RunSummary, settings: Settings, paths: list[str], prune: bool,
                reextract: bool, report: Reporter, idle_when_empty: bool = False) -> RunSummary:
    """The run proper, holding the lock: whatever goes wrong ends in a failed record, never a half publish."""
    root = Path(settings.warehouse)
    lock.set_run_id(root, summary.run_id)
    try:
        warehouse.check_folder(root)  # before anything is cleaned up or written (a scheduled run has no preflight)
    except (warehouse.ForeignFolder, warehouse.LakeDamaged) as exc:  # not ours to write a record into
        summary.status, summary.message = runlog.FAILED, str(exc)
        summary.finished_at = dt.datetime.now(dt.timezone.utc)
        return summary
    try:
        recovery = warehouse.recover(warehouse.WarehousePaths(root), active_run=summary.run_id)
        if recovery:
            summary.recovered = recovery.describe()
            report.line(f"recover: {summary.recovered}")
        runlog.write_record(root, summary.record())
        return _run(summary, settings, paths, prune, reextract, report, idle_when_empty)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, with its traceback in the record
        summary.traceback = traceback.format_exc()
        return _fail(summary, failure_message(exc))
    except BaseException as exc:  # Ctrl-C or SIGTERM (eventledger/signals.py): close the record, then stop
        if signals.signal_of(exc) is not None and not warehouse.is_current(root, summary.run_id):
            summary.status = runlog.INTERRUPTED
            summary.message = f"interrupted by {signals.describe(exc)}; nothing of this run was published"
            summary.finished_at = dt.datetime.now(dt.timezone.utc)
            runlog.write_record(root, summary.record())
        raise


def _model_name(setting: str | None) -> str | None:
    try:
        return choose_model(setting)
    except ModelNotFound:
        return None


def _file_outcomes(docs: list[ingest.SourceDocument], reused: set[str], quarantine: pa.Table) -> list[FileOutcome]:
    held = {}
    for doc_id, rule in zip(quarantine["document_id"].to_pylist(), quarantine["rule"].to_pylist()):
        held.setdefault(doc_id, {}).setdefault(rule, 0)
        held[doc_id][rule] += 1
    outcomes = []
    for doc in docs:
        doc_id = ids.document_id(doc.sha256) if doc.sha256 else None
        if not doc.usable:
            outcome = SKIPPED
        else:
            outcome = REUSED if doc_id in reused else EXTRACTED
        notes = [doc.note] if doc.note else []
        if outcome == REUSED:
            notes.append("unchanged since it was published: extraction skipped")
        if doc.usable and doc_id in held:
            notes.append("quarantined: " + ", ".join(f"{n} {rule}" for rule, n in sorted(held[doc_id].items())))
        outcomes.append(FileOutcome(doc.path, doc.name, doc.status, outcome, doc.reason, "; ".join(notes) or None,
                                    doc_id, doc.n_bytes, doc.encoding))
    return outcomes


def _run(summary: RunSummary, settings: Settings, paths: list[str], prune: bool,
         reextract: bool, report: Reporter, idle_when_empty: bool = False) -> RunSummary:
    run_id, started = summary.run_id, summary.started_at
    today = started.date()
    root = Path(settings.warehouse)
    wpaths = warehouse.WarehousePaths(root)
    actors_files = [str(p) for p in settings.actors]
    keep = settings.keep_snapshots

    docs = ingest_task(paths, settings.max_document_bytes)
    usable = [d for d in docs if d.usable]
    summary.n_files_skipped = len(docs) - len(usable)
    summary.files = _file_outcomes(docs, set(), quarantine=schemas.QUARANTINE.empty_table())
    report.line(f"ingest: {len(docs)} file(s), {len(usable)} usable")
    if not docs and idle_when_empty:
        return _close(summary, runlog.IDLE, "nothing to do: no documents in the inbox")
    if not usable:
        return _fail(summary, "no usable input documents")

    previous = load_previous_task(str(root))
    fingerprint = extractor_fingerprint(actors_files, _model_name(settings.spacy_model))
    summary.extractor_fingerprint = fingerprint
    published = dict(zip(previous["document_id"].to_pylist(), previous["extractor_fingerprint"].to_pylist()))
    reused_docs = [] if reextract else [d for d in usable if published.get(ids.document_id(d.sha256)) == fingerprint]
    reused = {ids.document_id(d.sha256) for d in reused_docs}
    fresh = [d for d in usable if ids.document_id(d.sha256) not in reused]
    report.line(f"incremental: {len(fresh)} to extract, {len(reused)} unchanged (extraction skipped)")

    segmented = segment_task(fresh) if fresh else []
    parts: list[document.DocumentTables] = []
    extraction = report.extraction(len(segmented))
    batches = [segmented[start : start + BATCH_SIZE] for start in range(0, len(segmented), BATCH_SIZE)]
    if settings.runner == "dask" and batches:
        parts = extract_on_dask(batches, settings, actors_files, run_id, today, extraction.advance_batch)
    elif settings.workers > 1 and len(batches) > 1:  # a pool costs seconds: worth it from two batches on
        parts = extract_on_workers_task(batches, min(settings.workers, len(batches)), actors_files, run_id, today,
                                        settings.spacy_model, settings.max_sentence_chars, extraction.advance_batch)
    else:
        for batch in batches:
            parts.extend(extract_task(batch, actors_files, run_id, today, settings.spacy_model,
                                      settings.max_sentence_chars))
            extraction.advance_batch(batch)

    counts = {s.document_id: len(s.sentences) for s in segmented}
    new_tables = {
        "documents": tables.documents_table(fresh, counts, run_id, started, fingerprint),
        **document.combine(parts),
    }
    relocations = {ids.document_id(d.sha256): (d.name, d.path) for d in reused_docs}

    # the run's own rows are new ones plus the published rows of the documents it found unchanged
    reused_counts, reused_quarantine = reused_rows_task(str(root), reused)
    run_docs = reused | set(new_tables["documents"]["document_id"].to_pylist())
    run_quarantine = pa.concat_tables([new_tables["quarantine"], reused_quarantine.cast(new_tables["quarantine"].schema)])
    summary.n_documents = len(run_docs)
    summary.n_sentences = new_tables["sentences"].num_rows + reused_counts["sentences"]
    summary.n_events = new_tables["events"].num_rows + reused_counts["events"]
    summary.n_extracted, summary.n_reused = len(fresh), len(reused)
    summary.n_quarantined = run_quarantine.num_rows
    summary.quarantine_by_rule = quality.summarise(run_quarantine)
    summary.files = _file_outcomes(docs, reused, run_quarantine)
    if summary.n_quarantined:
        rules = ", ".join(f"{rule} {n}" for rule, n in summary.quarantine_by_rule.items())
        report.line(f"quarantine: {summary.n_quarantined} row(s) held back ({rules})")

    # every sentence of every new document is published or quarantined (the lake checks the rest: lake.stage_run)
    expected = sum(new_tables["documents"]["n_sentences"].to_pylist()) - quality.quarantined_sentences(
        new_tables["quarantine"])
    record = summary.record()
    checked = {**new_tables, "pipeline_runs": runlog.runs_table([record]),
               "input_files": runlog.input_files_table([record])}
    if fresh:
        docs_dir = warehouse.data_docs_staging(wpaths, run_id)
        summary.validation = validate_task(checked, {"expected_sentences": expected, **default_params(today)},
                                           str(docs_dir), run_id)
        summary.data_docs = str(warehouse.install_data_docs(wpaths, run_id, keep) / "index.html")
    else:  # no new rows: the published ones were validated by the runs that wrote them (GX costs ~8 s)
        summary.validation = ValidationReport(skipped="nothing new to validate: every document is unchanged")
    if not summary.validation.success:
        failures = summary.validation.failures
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        return _fail(summary, "validation failed: " + "; ".join(o.describe() for o in failures[:5]) + more)
    report.line(f"validate: {summary.validation.summary()}")

    summary.finished_at = dt.datetime.now(dt.timezone.utc)
    record = {**summary.record(), "status": runlog.PUBLISHED}  # written with the switch
    held = signals.Held()  # the commit is never cut in half: an interrupt during it waits for its end
    result = publish_task(str(root), run_id, new_tables, record, keep, guard=functools.partial(signals.held, held),
                          seen_ids=reused, relocations=relocations, prune=prune,
                          location=lake.default_location(settings.catalog, settings.data_path), export=settings.export,
                          validation=run_report.RunValidation(run_report.outcomes_of(summary.validation.records()),
                                                              summary.validation.skipped))
    summary.status = runlog.PUBLISHED
    report.line(f"publish: run {run_id} committed to the lake ({len(result.replaced)} document(s) replaced)")
    if result.export is not None:
        report.line(f"export: {wpaths.database} and {wpaths.parquet}/ show run {run_id}")
    if result.export_error is not None:
        report.line(f"export: not written ({result.export_error}); the run is published in the lake, "
                    "and the next run or `eventledger maintain` writes the export")
    if result.report is not None:
        report.line(f"report: {result.report} (and {run_report.reports_dir(root) / run_id}.html)")
    if result.report_error is not None:
        report.line(f"report: not written ({result.report_error}); the run is published, the next run writes it")
    if held.interrupt is not None:
        report.line(f"{signals.describe(held.interrupt)} came during the switch: the run finished publishing first")
    return summary
