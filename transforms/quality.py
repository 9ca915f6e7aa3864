"""Row-level quality rules: bad rows go to quarantine, good rows go on.

One bad event must not stop a nightly run, and must not reach a chart either.
Rules here look at one row at a time; a row that breaks one is taken out of
its table and recorded in `quarantine` with the rule and a human reason, so
that every input sentence is accounted for (published, or quarantined with a
reason) and the rest of the run still publishes. Table-level problems
(duplicate keys, a missing sentence, no events at all) are not decided here:
they are Great Expectations expectations (expectations/suites/) that fail
the run.

Pure functions on plain rows and Arrow tables, so that they can be tested on
rows written for the test.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from eventledger.transforms import ids, schemas
from eventledger.transforms.cameo import CameoCode

if TYPE_CHECKING:  # type names only: importing the extractor here would make the GX runner heavy
    from eventledger.transforms.extract import ExtractedEvent
    from eventledger.transforms.segment import Sentence

UNKNOWN_CODE = "unknown_cameo_code"
UNRESOLVED_ACTOR = "unresolved_actor"
DATE_OUT_OF_RANGE = "date_out_of_range"
SENTENCE_TOO_LONG = "sentence_too_long"
RULES = (UNKNOWN_CODE, UNRESOLVED_ACTOR, DATE_OUT_OF_RANGE, SENTENCE_TOO_LONG)

#: Earliest event date accepted: modern international relations; an earlier
#: year in these texts is background history or a misread number.
MIN_EVENT_DATE = dt.date(1800, 1, 1)

#: Longest sentence sent to the parser (characters). Real sentences, even
#: long treaty clauses, stay under about 1,500; a longer "sentence" is a
#: table, a list or a dump without punctuation, and spaCy's cost (and its
#: 1,000,000-character limit) makes parsing it pointless. The caller passes
#: its own limit (the max_sentence_chars setting); this is the default.
DEFAULT_MAX_SENTENCE_CHARS = 5_000

_EXCERPT = 200


def max_event_date(today: dt.date | None = None) -> dt.date:
    """Latest event date accepted: tomorrow (time zones), nothing from the future."""
    return (today or dt.date.today()) + dt.timedelta(days=1)


def _payload(row: dict) -> str:
    """The row as compact JSON with long strings cut, so that quarantine stays small."""
    def short(value):
        if isinstance(value, str) and len(value) > 500:
            return value[:500] + "…"
        return value

    return json.dumps({k: short(v) for k, v in row.items()}, default=str, ensure_ascii=False, sort_keys=True)


def _row(table: str, row_id: str, document_id: str, sentence_id: str | None, rule: str, reason: str, payload: dict) -> dict:
    return {
        "table_name": table,
        "row_id": row_id,
        "document_id": document_id,
        "sentence_id": sentence_id,
        "rule": rule,
        "reason": reason,
        "payload": _payload(payload),
    }


def split_long_sentences(
    doc_id: str, sentences: Sequence[Sentence], limit: int = DEFAULT_MAX_SENTENCE_CHARS
) -> tuple[list[Sentence], list[dict]]:
    """Sentences short enough to parse, and quarantine rows for the others.

    A long one keeps its ordinal (and so the ids of the sentences after it);
    it is neither parsed nor published, and its quarantine row says why.
    """
    kept, rows = [], []
    for sentence in sentences:
        if len(sentence.text) <= limit:
            kept.append(sentence)
            continue
        sent_id = ids.sentence_id(doc_id, sentence.ordinal)
        rows.append(
            _row(
                "sentences", sent_id, doc_id, sent_id, SENTENCE_TOO_LONG,
                f"sentence of {len(sentence.text):,} characters is over the {limit:,}-character limit; not parsed",
                {"ordinal": sentence.ordinal, "char_start": sentence.char_start, "char_end": sentence.char_end,
                 "length": len(sentence.text), "excerpt": sentence.text[:_EXCERPT]},
            )
        )
    return kept, rows


def _actor_ref(actor) -> str | None:
    return ids.actor_id(actor.name, actor.actor_type) if actor is not None else None


def split_unknown_codes(
    doc_id: str, events: Iterable[ExtractedEvent], codes: Mapping[str, CameoCode]
) -> tuple[list[ExtractedEvent], list[dict]]:
    """Events whose CAMEO code is in the code table, and quarantine rows for the others.

    Checked before the events table is built: the table joins CAMEO reference
    data (root, QuadClass, Goldstein) that an unknown code does not have.
    """
    kept, rows = [], []
    for event in events:
        if event.code in codes:
            kept.append(event)
            continue
        sent_id = ids.sentence_id(doc_id, event.sentence_ordinal)
        source, target = _actor_ref(event.source), _actor_ref(event.target)
        event_id = ids.event_id(sent_id, event.code, event.trigger_start, source, target)
        rows.append(
            _row(
                "events", event_id, doc_id, sent_id, UNKNOWN_CODE,
                f"CAMEO code {event.code!r} is not in the CAMEO code table",
                {"event_code": event.code, "trigger": event.trigger, "source_actor_id": source,
                 "target_actor_id": target, "date_start": event.date_start, "date_end": event.date_end},
            )
        )
    return kept, rows


def event_problems(
    row: dict, actor_ids: set[str], min_date: dt.date, max_date: dt.date, codes: Mapping[str, CameoCode]
) -> list[tuple[str, str]]:
    """The (rule, reason) pairs that one event row breaks."""
    problems = []
    if row.get("event_code") not in codes:
        problems.append((UNKNOWN_CODE, f"CAMEO code {row.get('event_code')!r} is not in the CAMEO code table"))
    for role in ("source", "target"):
        actor = row.get(f"{role}_actor_id")
        if actor is not None and actor not in actor_ids:
            problems.append((UNRESOLVED_ACTOR, f"{role} actor {actor} has no row in actors"))
    for column in ("date_start", "date_end"):
        value = row.get(column)
        if value is not None and not (min_date <= value <= max_date):
            problems.append(
                (DATE_OUT_OF_RANGE, f"{column} {value.isoformat()} is outside {min_date.isoformat()}..{max_date.isoformat()}")
            )
    return problems


def quarantine_events(
    events: pa.Table, actor_ids: set[str], min_date: dt.date = MIN_EVENT_DATE, max_date: dt.date | None = None,
    *, codes: Mapping[str, CameoCode],
) -> tuple[pa.Table, list[dict]]:
    """The events that pass every row rule, and one quarantine row per broken rule."""
    max_date = max_date or max_event_date()
    if events.num_rows == 0:
        return events, []
    keep, rows = [], []
    for row in events.to_pylist():
        problems: dict[str, list[str]] = {}
        for rule, reason in event_problems(row, actor_ids, min_date, max_date, codes):
            problems.setdefault(rule, []).append(reason)
        keep.append(not problems)
        for rule, reasons in problems.items():
            rows.append(_row("events", row["event_id"], row["document_id"], row["sentence_id"], rule, "; ".join(reasons), row))
    if all(keep):
        return events, rows
    return events.filter(pa.array(keep, pa.bool_())), rows


def quarantine_table(rows: Iterable[dict], run_id: str) -> pa.Table:
    """Quarantine rows stamped with the run that found them, one per (table, row, rule)."""
    unique: dict[tuple, dict] = {}
    for row in rows:
        unique.setdefault((row["table_name"], row["row_id"], row["rule"]), {**row, "run_id": run_id})
    ordered = [unique[k] for k in sorted(unique)]
    return schemas.table_from_rows(ordered, schemas.QUARANTINE)


def quarantined_sentences(quarantine: pa.Table) -> int:
    """How many sentences are held back (they count as accounted for, not missing)."""
    if quarantine.num_rows == 0:
        return 0
    mask = pc.equal(quarantine["table_name"], "sentences")
    return len(set(quarantine.filter(mask)["row_id"].to_pylist()))


def summarise(quarantine: pa.Table) -> dict[str, int]:
    """Rows held back per rule, for the run summary."""
    counts: dict[str, int] = {}
    for rule in quarantine["rule"].to_pylist() if quarantine.num_rows else []:
        counts[rule] = counts.get(rule, 0) + 1
    return dict(sorted(counts.items()))
