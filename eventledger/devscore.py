"""Score the development set in-process: extraction without Prefect, GX or a warehouse.

Why: rule work needs a figure in seconds, not a full pipeline run per change.
The events are produced by the same `transforms.document.extract_batch` that
the flow calls (row-level quarantine included), and scored by the same
`evaluate.score` as `eventledger eval`, so the figures equal those of a run
followed by `eval` on its warehouse.

The set has two halves (tests/dev_gold/README.md): `tune`, which rule writers
read, and `check`, which is only ever scored, to show whether a rule fits the
language or only the examples it was written for.
"""

from __future__ import annotations

from pathlib import Path

from eventledger.evaluate import SystemEvent, load_gold, score

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "dev_gold"
HALVES = ("tune", "check")


def system_events(folder: Path, nlp, knowledge) -> tuple[list[SystemEvent], dict[str, list[str]]]:
    """The events extracted from every `*.txt` in `folder`, and each document's clean sentences."""
    from eventledger.transforms import document, ingest

    docs = [document.segment(d) for d in ingest.read_documents(sorted(folder.glob("*.txt"))) if d.usable]
    events: list[SystemEvent] = []
    sentences: dict[str, list[str]] = {}
    for n in range(0, len(docs), 25):  # the flow's batch size
        batch = docs[n : n + 25]
        for seg, tables in zip(batch, document.extract_batch(batch, nlp, knowledge)):
            name = Path(seg.source.path).stem
            texts = {row["sentence_id"]: row["text"] for row in tables.sentences.to_pylist()}
            sentences[name] = list(texts.values())
            names = {row["actor_id"]: row["name"] for row in tables.actors.to_pylist()}
            for row in tables.events.to_pylist():
                events.append(SystemEvent(
                    name, texts[row["sentence_id"]], row["event_root_code"],
                    names.get(row["source_actor_id"]), names.get(row["target_actor_id"]),
                    row["date_start"], row["event_id"], row["event_code"],
                ))
    return events, sentences


def score_dev_set(halves=HALVES, root: Path = DEV_SET, actor_files=(), categories: bool = False,
                  model: str | None = None) -> dict[str, dict]:
    """Per half: its scores, and with `categories` its error counts by category (diagnose.py);
    the knowledge and the model are loaded once for all halves."""
    from eventledger.diagnose import categorise, noun_heads
    from eventledger.transforms.knowledge import load_knowledge
    from eventledger.transforms.nlp import load_pipeline

    nlp, knowledge = load_pipeline(model), load_knowledge(actor_files)
    results = {}
    for name in halves:
        gold = load_gold(root / name / "gold")
        system, sentences = system_events(root / name / "docs", nlp, knowledge)
        scores = score(gold, system, sentences)
        results[name] = {"scores": scores,
                         "categories": categorise(gold, scores, noun_heads(knowledge.lexicon)) if categories else []}
    return results
