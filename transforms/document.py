"""Per-document processing: segmentation and extraction into Arrow tables.

This is the unit of work that the flow distributes (one call per batch of
documents, so that a Dask cluster can spread batches later): plain data in,
plain tables out, with no orchestration concerns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from transforms import ids, schemas, tables
from transforms.actor_kb import ActorKB
from transforms.extract import extract_document
from transforms.ingest import SourceDocument
from transforms.lexicon import Lexicon
from transforms.segment import Sentence, split_sentences


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


def segment(doc: SourceDocument) -> SegmentedDocument:
    return SegmentedDocument(ids.document_id(doc.sha256), doc, tuple(split_sentences(doc.text)))


def extract_batch(segs: list[SegmentedDocument], nlp, kb: ActorKB, lexicon: Lexicon) -> list[DocumentTables]:
    """Extract several documents, parsing all their sentences in one spaCy batch."""
    texts = [s.text for seg in segs for s in seg.sentences]
    parsed = iter(nlp.pipe(texts, batch_size=256))
    return [extract(seg, nlp, kb, lexicon, [next(parsed) for _ in seg.sentences]) for seg in segs]


def extract(seg: SegmentedDocument, nlp, kb: ActorKB, lexicon: Lexicon, parsed=None) -> DocumentTables:
    sentences = list(seg.sentences)
    events, seen = extract_document(sentences, nlp, kb, lexicon, parsed)
    used = {e.source for e in events} | {e.target for e in events}
    aliases = {actor: forms for actor, forms in seen.aliases.items() if actor in used}
    return DocumentTables(
        document_id=seg.document_id,
        sentences=tables.sentences_table(seg.document_id, sentences),
        citations=tables.citations_table(seg.document_id, sentences),
        events=tables.events_table(seg.document_id, events),
        actors=tables.actors_table(aliases),
    )


def combine(parts: list[DocumentTables]) -> dict[str, pa.Table]:
    """Tables of all documents of a run (actors merged by id)."""
    actors = tables.concat([p.actors for p in parts], schemas.ACTORS)
    return {
        "sentences": tables.concat([p.sentences for p in parts], schemas.SENTENCES),
        "citations": tables.concat([p.citations for p in parts], schemas.CITATIONS),
        "events": tables.concat([p.events for p in parts], schemas.EVENTS),
        "actors": tables.merge_actor_rows(actors.to_pylist()),
    }
