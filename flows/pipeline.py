"""The eventledger flow: ingest -> segment -> extract -> validate -> publish.

Orchestration only: every task wraps a pure function from `transforms`,
`expectations` or `warehouse`. Retries are for transient failures (file
reads); deterministic steps are not retried, because bad data fails the same
way twice. Extraction runs in batches of documents so that a parallel task
runner (Dask, through prefect-dask) can spread them later.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from flows import runtime  # noqa: F401  (sets Prefect defaults before Prefect is imported)

import pyarrow as pa
from prefect import flow, task

from expectations.runner import ValidationReport, validate_tables
from transforms import document, ingest, tables
from transforms.actor_kb import load_actor_kb
from transforms.lexicon import load_lexicon
from transforms.nlp import load_pipeline
from warehouse import publish as warehouse

BATCH_SIZE = 25


@dataclass
class RunSummary:
    """What a run did, for the command line, the run record and the tests."""

    run_id: str
    warehouse: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = "running"
    n_documents: int = 0
    n_sentences: int = 0
    n_events: int = 0
    validation: ValidationReport | None = None
    files: list[tuple[str, str, str | None]] = field(default_factory=list)  # (path, status, reason)
    message: str | None = None

    @property
    def published(self) -> bool:
        return self.status == "published"

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
        }


def new_run_id(now: dt.datetime) -> str:
    """Sortable by time (snapshots are kept newest-last), unique across machines."""
    return f"{now:%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:8]}"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@task(name="ingest", retries=2, retry_delay_seconds=1)
def ingest_task(paths: list[str]) -> list[ingest.SourceDocument]:
    return ingest.read_documents(ingest.discover(paths))


@task(name="segment")
def segment_task(docs: list[ingest.SourceDocument]) -> list[document.SegmentedDocument]:
    return [document.segment(doc) for doc in docs if doc.usable]


@task(name="extract")
def extract_task(batch: list[document.SegmentedDocument], actors_files: list[str]) -> list[document.DocumentTables]:
    nlp = load_pipeline()
    kb = load_actor_kb(tuple(Path(f) for f in actors_files))
    lexicon = load_lexicon()
    return document.extract_batch(batch, nlp, kb, lexicon)


@task(name="validate")
def validate_task(run_tables: dict[str, pa.Table], expected_sentences: int) -> ValidationReport:
    return validate_tables(run_tables, params={"expected_sentences": expected_sentences})


@task(name="publish")
def publish_task(root: str, run_id: str, run_tables: dict[str, pa.Table], record: dict, prune: bool) -> str:
    paths = warehouse.WarehousePaths(Path(root))
    merged = warehouse.merge_with_previous(warehouse.read_current(paths), run_tables, prune=prune)
    return str(warehouse.publish(Path(root), run_id, merged, record))


def _fail(summary: RunSummary, message: str) -> RunSummary:
    """Record a run that publishes nothing; the last good warehouse stays as it was."""
    summary.status = "failed"
    summary.message = message
    summary.finished_at = dt.datetime.now(dt.timezone.utc)
    warehouse.write_run_record(warehouse.WarehousePaths(Path(summary.warehouse)), summary.record())
    return summary


@flow(name="eventledger-run", log_prints=False, validate_parameters=False)
def pipeline(paths: list[str], warehouse_dir: str, actors_files: list[str] | None = None, prune: bool = False) -> RunSummary:
    """One run over `paths` into the warehouse folder `warehouse_dir`."""
    started = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(new_run_id(started), str(warehouse_dir), started)

    docs = ingest_task(paths)
    summary.files = [(d.path, d.status, d.reason) for d in docs]
    usable = [d for d in docs if d.usable]
    progress(f"ingest: {len(docs)} file(s), {len(usable)} usable")
    if not usable:
        return _fail(summary, "no usable input documents")

    segmented = segment_task(usable)
    n_sentences = sum(len(s.sentences) for s in segmented)
    progress(f"segment: {n_sentences} sentence(s)")

    parts: list[document.DocumentTables] = []
    for start in range(0, len(segmented), BATCH_SIZE):
        batch = segmented[start : start + BATCH_SIZE]
        parts.extend(extract_task(batch, list(actors_files or [])))
        progress(f"extract: {min(start + BATCH_SIZE, len(segmented))}/{len(segmented)} document(s)")

    counts = {s.document_id: len(s.sentences) for s in segmented}
    run_tables = {
        "documents": tables.documents_table(usable, counts, summary.run_id, started),
        **document.combine(parts),
    }
    summary.n_documents = run_tables["documents"].num_rows
    summary.n_sentences = run_tables["sentences"].num_rows
    summary.n_events = run_tables["events"].num_rows

    summary.validation = validate_task(run_tables, n_sentences)
    if not summary.validation.success:
        failures = summary.validation.failures
        return _fail(summary, "validation failed: " + "; ".join(o.describe() for o in failures[:5]))
    progress(f"validate: {summary.validation.summary()}")

    summary.status = "published"
    summary.finished_at = dt.datetime.now(dt.timezone.utc)
    publish_task(str(warehouse_dir), summary.run_id, run_tables, summary.record(), prune)
    progress(f"publish: snapshot {summary.run_id}")
    return summary
