"""Row-level quality rules: bad rows are quarantined with a reason, good rows go on."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from tests.test_warehouse import small_tables
from eventledger.transforms import document, ids, ingest, quality, schemas
from eventledger.transforms.cameo import load_cameo_codes
from eventledger.transforms.actors import Actor
from eventledger.transforms.extract import ExtractedEvent
from eventledger.transforms.segment import Sentence

TODAY = dt.date(2024, 6, 30)
CHILE = Actor("Chile", "state", "CHL")
PERU = Actor("Peru", "state", "PER")



def sentence(ordinal: int, text: str) -> Sentence:
    return Sentence(ordinal, text, text, 0, len(text))


def test_over_long_sentences_are_held_back_and_keep_their_ordinals():
    sentences = [sentence(1, "Chile met Peru."), sentence(2, "x " * 3000), sentence(3, "Peru left.")]
    kept, rows = quality.split_long_sentences("doc_a", sentences, limit=5000)
    assert [s.ordinal for s in kept] == [1, 3]
    assert len(rows) == 1
    row = rows[0]
    assert (row["table_name"], row["row_id"], row["rule"]) == ("sentences", "doc_a_s0002", "sentence_too_long")
    assert "6,000 characters is over the 5,000-character limit" in row["reason"]
    assert json.loads(row["payload"])["length"] == 6000


def test_unknown_cameo_code_is_quarantined_before_the_table_is_built():
    good = ExtractedEvent(1, "161", "recalled", 6, CHILE, PERU)
    bad = ExtractedEvent(1, "999", "zapped", 20, CHILE, None)
    kept, rows = quality.split_unknown_codes("doc_a", [good, bad], load_cameo_codes())
    assert kept == [good]
    assert rows[0]["rule"] == "unknown_cameo_code" and "'999'" in rows[0]["reason"]
    sent_id = ids.sentence_id("doc_a", 1)
    assert rows[0]["row_id"] == ids.event_id(sent_id, "999", 20, ids.actor_id("Chile", "state"), None)


def events_with(**changes) -> pa.Table:
    table = small_tables()["events"]
    for column, value in changes.items():
        field = table.schema.field(column)
        table = table.set_column(table.schema.get_field_index(column), field, pa.array([value], field.type))
    return table


def test_event_rules_dates_and_actors():
    actors = {"act_chile"}
    cases = {
        "good": ({}, []),
        "old": ({"date_start": dt.date(1750, 1, 1), "date_end": dt.date(1750, 12, 31)}, ["date_out_of_range"]),
        "future": ({"date_start": dt.date(2090, 1, 1), "date_end": dt.date(2090, 1, 1)}, ["date_out_of_range"]),
        "tomorrow": ({"date_start": TODAY + dt.timedelta(days=1), "date_end": TODAY + dt.timedelta(days=1)}, []),
        "orphan": ({"source_actor_id": "act_ghost", "target_actor_id": "act_nobody"}, ["unresolved_actor"]),
    }
    for name, (changes, rules) in cases.items():
        kept, rows = quality.quarantine_events(events_with(**changes), actors, quality.MIN_EVENT_DATE,
                                               quality.max_event_date(TODAY), codes=load_cameo_codes())
        assert [r["rule"] for r in rows] == rules, name
        assert kept.num_rows == (0 if rules else 1), name
    _, rows = quality.quarantine_events(events_with(source_actor_id="act_ghost", target_actor_id="act_nobody"), actors,
                                        codes=load_cameo_codes())
    assert "source actor act_ghost" in rows[0]["reason"] and "target actor act_nobody" in rows[0]["reason"]


def test_quarantine_table_is_stamped_and_unique():
    kept, rows = quality.split_long_sentences("doc_a", [sentence(2, "y" * 200)], limit=100)
    table = quality.quarantine_table(rows + rows, "run_1")
    assert table.schema == schemas.QUARANTINE
    assert table.num_rows == 1 and table["run_id"].to_pylist() == ["run_1"]
    assert quality.quarantined_sentences(table) == 1
    assert quality.summarise(table) == {"sentence_too_long": 1}


def test_extract_publishes_every_sentence_and_holds_back_bad_rows(nlp, knowledge):
    """A real document: the 1750 event and the over-long line are held back, every sentence is accounted for."""
    text = (
        "In 1750, Britain declared war on France.\n\n"
        "In 1985, Chile recalled its ambassador from Peru.\n\n"
        + " ".join(["word"] * 1500) + "\n"
    )
    doc = ingest.SourceDocument("/in/a.txt", "a", "ok", text=text, sha256=ingest.content_sha256(text))
    seg = document.segment(doc)
    parts = document.extract(seg, nlp, knowledge, run_id="run_1", today=TODAY, max_sentence_chars=5000)
    rules = sorted(zip(parts.quarantine["table_name"].to_pylist(), parts.quarantine["rule"].to_pylist()))
    assert ("sentences", "sentence_too_long") in rules
    assert ("events", "date_out_of_range") in rules
    published = parts.sentences["sentence_id"].to_pylist()
    held = set(parts.quarantine.filter(pa.compute.equal(parts.quarantine["table_name"], "sentences"))["row_id"].to_pylist())
    assert len(published) + len(held) == len(seg.sentences) == 3
    # the sentence of the quarantined event is still published
    assert ids.sentence_id(seg.document_id, 1) in published
    assert all(d is None or d.year >= 1800 for d in parts.events["date_start"].to_pylist())
    assert parts.events.num_rows >= 1  # the 1985 recall
