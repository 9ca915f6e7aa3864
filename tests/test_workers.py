"""Extraction on a pool of worker processes gives exactly what extraction in the run's own process gives."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from eventledger.flows import workers
from tests.conftest import SAMPLE
from eventledger.transforms import document, ingest

pytestmark = pytest.mark.slow


def batches_of_sample(copies: int = 6, size: int = 2) -> list[list[document.SegmentedDocument]]:
    text = next(SAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    docs = [ingest.document_from_bytes(f"mem://{i}", f"doc{i}", f"Copy {i}.\n\n{text}".encode()) for i in range(copies)]
    segmented = [document.segment(d) for d in docs]
    return [segmented[i : i + size] for i in range(0, len(segmented), size)]


def test_two_workers_give_the_same_tables_in_the_same_order_as_one_process(nlp, knowledge):
    batches = batches_of_sample()
    today = dt.date(2026, 11, 30)
    alone = [part for batch in batches
             for part in document.extract_batch(batch, nlp, knowledge, run_id="r", today=today)]
    finished = []
    with workers.pool(2, None, []) as executor:
        pooled = workers.extract_batches(executor, batches, finished.append, actors_files=[], run_id="r",
                                         today=today, model=None)
    assert [p.document_id for p in pooled] == [p.document_id for p in alone]
    for a, b in zip(alone, pooled):
        for table in ("sentences", "citations", "events", "actors", "quarantine"):
            assert getattr(a, table).equals(getattr(b, table)), table
    assert sorted(map(id, finished)) == sorted(map(id, batches))  # every batch reported once
    assert multiprocessing.active_children() == []  # the pool's processes are gone


def test_a_failing_batch_fails_the_map_and_the_workers_still_end():
    with pytest.raises(Exception):  # noqa: B017 - whatever the worker raised
        with workers.pool(2, None, []) as executor:
            workers.extract_batches(executor, [["not a document"]], lambda batch: None, actors_files=[],
                                    run_id="r", today=dt.date(2026, 1, 1), model=None)
    assert multiprocessing.active_children() == []
