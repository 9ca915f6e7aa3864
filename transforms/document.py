"""Per-document processing: segmentation and extraction into Arrow tables.

This is the unit of work that the flow distributes (one call per batch of
documents, so that a Dask cluster can spread batches later): plain data in,
plain tables out, with no orchestration concerns. Row-level quality rules
(transforms/quality.py) run here, per document, so that a bad row is held
back with its reason before any table of the run is assembled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa

from eventledger.transforms import ids, quality, schemas, tables
from eventledger.transforms.extract import extract_document
from eventledger.transforms.ingest import SourceDocument
from eventledger.transforms.knowledge import Knowledge
from eventledger.transforms.segment import Sentence, split_sentences


@dataclass(frozen=True)
class SegmentedDocument:
    document_id: str
    source: SourceDocument
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class DocumentTables:
    """The rows one document contributes to each table (documents excluded)."""

    document_id: str
    sentences: pa.Table
    citations: pa.Table
    events: pa.Table
    actors: pa.Table
    quarantine: pa.Table = field(default_factory=schemas.QUARANTINE.empty_table)


def segment(doc: SourceDocument) -> SegmentedDocument:
    return SegmentedDocument(ids.document_id(doc.sha256), doc, tuple(split_sentences(doc.text)))


def extract_batch(
    segs: list[SegmentedDocument],
    nlp,
    knowledge: Knowledge,
    *,
    run_id: str = "",
    today: dt.date | None = None,
    max_sentence_chars: int = quality.DEFAULT_MAX_SENTENCE_CHARS,
) -> list[DocumentTables]:
    """Extract several documents, parsing all their sentences in one spaCy batch.

    Over-long sentences are held back before the batch is parsed: one of them
    would cost more than all the others (or exceed spaCy's length limit).
    """
    split = [quality.split_long_sentences(seg.document_id, seg.sentences, max_sentence_chars) for seg in segs]
    texts = [s.text for sentences, _ in split for s in sentences]
    parsed = iter(nlp.pipe(texts, batch_size=256))
    return [
        _extract(seg, sentences, held_back, [next(parsed) for _ in sentences], nlp, knowledge, run_id, today)
        for seg, (sentences, held_back) in zip(segs, split)
    ]


def extract(
    seg: SegmentedDocument,
    nlp,
    knowledge: Knowledge,
    parsed=None,
    *,
    run_id: str = "",
    today: dt.date | None = None,
    max_sentence_chars: int = quality.DEFAULT_MAX_SENTENCE_CHARS,
) -> DocumentTables:
    """The document's rows; rows that break a row-level rule go to `quarantine` instead.

    `parsed`, when given, holds one spaCy doc per sentence of `seg`.
    """
    sentences, held_back = quality.split_long_sentences(seg.document_id, seg.sentences, max_sentence_chars)
    if parsed is not None:
        kept = {s.ordinal for s in sentences}
        parsed = [doc for s, doc in zip(seg.sentences, parsed) if s.ordinal in kept]
    return _extract(seg, sentences, held_back, parsed, nlp, knowledge, run_id, today)


def _extract(seg, sentences, held_back, parsed, nlp, knowledge: Knowledge, run_id, today) -> DocumentTables:
    events, seen = extract_document(sentences, nlp, knowledge.kb, knowledge.lexicon, parsed)
    events, unknown = quality.split_unknown_codes(seg.document_id, events, knowledge.cameo)
    used = {e.source for e in events} | {e.target for e in events}
    aliases = {actor: forms for actor, forms in seen.aliases.items() if actor in used}
    actors = tables.actors_table(aliases)
    event_rows, bad_events = quality.quarantine_events(
        tables.events_table(seg.document_id, events, knowledge.cameo),
        set(actors["actor_id"].to_pylist()),
        quality.MIN_EVENT_DATE,
        quality.max_event_date(today),
        codes=knowledge.cameo,
    )
    return DocumentTables(
        document_id=seg.document_id,
        sentences=tables.sentences_table(seg.document_id, sentences),
        citations=tables.citations_table(seg.document_id, sentences),
        events=event_rows,
        actors=actors,
        quarantine=quality.quarantine_table(held_back + unknown + bad_events, run_id),
    )


def combine(parts: list[DocumentTables]) -> dict[str, pa.Table]:
    """Tables of all documents of a run (actors merged by id)."""
    actors = tables.concat([p.actors for p in parts], schemas.ACTORS)
    return {
        "sentences": tables.concat([p.sentences for p in parts], schemas.SENTENCES),
        "citations": tables.concat([p.citations for p in parts], schemas.CITATIONS),
        "events": tables.concat([p.events for p in parts], schemas.EVENTS),
        "actors": tables.merge_actor_rows(actors.to_pylist()),
        "quarantine": tables.concat([p.quarantine for p in parts], schemas.QUARANTINE),
    }
