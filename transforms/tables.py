"""Assemble the published tables from documents, sentences and events.

Each function builds one table against its schema in `transforms.schemas`,
so that the shapes users query are decided in one place. Ids come from
`transforms.ids` and depend only on content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pyarrow as pa

from eventledger.transforms import ids, schemas
from eventledger.transforms.actors import Actor
from eventledger.transforms.cameo import CameoCode
from eventledger.transforms.extract import ExtractedEvent
from eventledger.transforms.ingest import SourceDocument
from eventledger.transforms.segment import Sentence


def documents_table(
    docs: Iterable[SourceDocument],
    n_sentences: dict[str, int],
    run_id: str,
    ingested_at: dt.datetime,
    extractor_fingerprint: str | None = None,
) -> pa.Table:
    """One row per usable document (duplicates and failures are reported, not published)."""
    rows = []
    for doc in docs:
        if not doc.usable:
            continue
        doc_id = ids.document_id(doc.sha256)
        rows.append(
            {
                "document_id": doc_id,
                "name": doc.name,
                "source_uri": doc.path,
                "sha256": doc.sha256,
                "n_sentences": n_sentences.get(doc_id, 0),
                "ingested_at": ingested_at,
                "run_id": run_id,
                "status": doc.status,
                "encoding": doc.encoding,
                "n_chars": len(doc.text or ""),
                "note": doc.note,
                "extractor_fingerprint": extractor_fingerprint,
            }
        )
    return schemas.table_from_rows(rows, schemas.DOCUMENTS)


def sentences_table(doc_id: str, sentences: list[Sentence]) -> pa.Table:
    rows = [
        {
            "sentence_id": ids.sentence_id(doc_id, s.ordinal),
            "document_id": doc_id,
            "ordinal": s.ordinal,
            "text": s.text,
            "raw_text": s.raw_text,
            "char_start": s.char_start,
            "char_end": s.char_end,
        }
        for s in sentences
    ]
    return schemas.table_from_rows(rows, schemas.SENTENCES)


def citations_table(doc_id: str, sentences: list[Sentence]) -> pa.Table:
    rows = [
        {"sentence_id": ids.sentence_id(doc_id, s.ordinal), "marker": marker, "position": n}
        for s in sentences
        for n, marker in enumerate(s.markers, start=1)
    ]
    return schemas.table_from_rows(rows, schemas.CITATIONS)


def actor_row(actor: Actor, aliases: Iterable[str]) -> dict:
    return {
        "actor_id": ids.actor_id(actor.name, actor.actor_type),
        "name": actor.name,
        "actor_type": actor.actor_type,
        "country_code": actor.country_code,
        "aliases": sorted(set(aliases)),
    }


def merge_actor_rows(rows: Iterable[dict]) -> pa.Table:
    """One row per actor id, sorted by id; aliases are the union of all surface forms seen."""
    merged: dict[str, dict] = {}
    for row in rows:
        if row["actor_id"] in merged:
            known = merged[row["actor_id"]]
            known["aliases"] = sorted(set(known["aliases"]) | set(row["aliases"]))
        else:
            merged[row["actor_id"]] = {**row, "aliases": sorted(set(row["aliases"]))}
    return schemas.table_from_rows([merged[k] for k in sorted(merged)], schemas.ACTORS)


def actors_table(aliases_by_actor: dict[Actor, set[str]]) -> pa.Table:
    return merge_actor_rows(actor_row(actor, aliases) for actor, aliases in aliases_by_actor.items())


def _actor_ref(actor: Actor | None) -> str | None:
    return ids.actor_id(actor.name, actor.actor_type) if actor is not None else None


def events_table(doc_id: str, events: list[ExtractedEvent], cameo: Mapping[str, CameoCode]) -> pa.Table:
    """Event rows with CAMEO reference data joined in (`cameo`: the code table); duplicate ids collapse to one row."""
    rows: dict[str, dict] = {}
    for event in events:
        info = cameo[event.code]
        sent_id = ids.sentence_id(doc_id, event.sentence_ordinal)
        source_id, target_id = _actor_ref(event.source), _actor_ref(event.target)
        event_id = ids.event_id(sent_id, event.code, event.trigger_start, source_id, target_id)
        rows.setdefault(
            event_id,
            {
                "event_id": event_id,
                "document_id": doc_id,
                "sentence_id": sent_id,
                "event_code": event.code,
                "event_root_code": info.root_code,
                "event_label": info.label,
                "quad_class": info.quad_class,
                "goldstein": info.goldstein,
                "plover_category": info.plover_category or None,
                "trigger": event.trigger,
                "source_actor_id": source_id,
                "target_actor_id": target_id,
                "date_start": event.date_start,
                "date_end": event.date_end,
                "date_precision": event.date_precision,
                "date_text": event.date_text,
                "date_source": event.date_source,
                "location_name": event.location.name if event.location else None,
                "location_country": event.location.country_code if event.location else None,
                "latitude": event.location.latitude if event.location else None,
                "longitude": event.location.longitude if event.location else None,
            },
        )
    return schemas.table_from_rows(list(rows.values()), schemas.EVENTS)


def concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """Concatenate per-document tables; an empty list is an empty table."""
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return schemas.empty_table(schema)
    return pa.concat_tables(tables).cast(schema)
