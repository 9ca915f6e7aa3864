"""Throughput of the pipeline on N slightly varied copies of the sample.

Identical copies would be one document (ids come from content), so every copy
is varied: its years are shifted and a numbered sentence is appended. Reports
sentences per second for the whole run (Prefect flow, validation, publish)
and for extraction alone, plus bare spaCy parsing of the same sentences as a
yardstick. Run it with:

    .venv/bin/python -m benchmarks.throughput --copies 200
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from eventledger.flows import runtime  # noqa: F401  (Prefect defaults before Prefect is imported)

SAMPLE = Path(__file__).resolve().parent.parent / "eventledger" / "sample" / "000_6e6f0627996f1d52.txt"


def varied_copies(text: str, copies: int, folder: Path) -> list[Path]:
    """Write `copies` variants of `text` (years shifted by 0..9, a unique last line)."""
    paths = []
    for n in range(copies):
        shift = n % 10
        body = re.sub(r"\b(19[3-9]\d|20[01]\d)\b", lambda m: str(int(m.group(1)) + shift), text)
        body += f"\nThe archive recorded this account as copy number {n + 1}.\n"
        path = folder / f"copy_{n:04d}.txt"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def bare_spacy(paths: list[Path], model: str | None = None) -> tuple[int, float]:
    from eventledger.transforms.nlp import load_pipeline
    from eventledger.transforms.segment import split_sentences

    nlp = load_pipeline(model)
    sentences = [s.text for p in paths for s in split_sentences(p.read_text(encoding="utf-8"))]
    start = time.perf_counter()
    for _ in nlp.pipe(sentences, batch_size=64):
        pass
    return len(sentences), time.perf_counter() - start


def extraction_only(paths: list[Path], model: str | None = None) -> tuple[int, float]:
    from eventledger.transforms import document, ingest
    from eventledger.transforms.knowledge import load_knowledge
    from eventledger.transforms.nlp import load_pipeline

    nlp, knowledge = load_pipeline(model), load_knowledge()
    docs = [document.segment(d) for d in ingest.read_documents(paths) if d.usable]
    start = time.perf_counter()
    for n in range(0, len(docs), 25):  # the flow's batch size
        document.extract_batch(docs[n : n + 25], nlp, knowledge)
    return sum(len(s.sentences) for s in docs), time.perf_counter() - start


def full_run(folder: Path, settings) -> tuple[int, float]:
    from eventledger.flows.pipeline import run_flow

    start = time.perf_counter()
    summary = run_flow([str(folder)], settings)
    elapsed = time.perf_counter() - start
    if not summary.published:
        raise SystemExit(f"benchmark run failed: {summary.message}")
    return summary.n_sentences, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--skip-full", action="store_true", help="only extraction and bare spaCy")
    args = parser.parse_args(argv)
    from eventledger.settings import SettingsError, load_settings

    with tempfile.TemporaryDirectory() as tmp:
        try:  # eventledger.toml and EVENTLEDGER_* apply, as to `eventledger run`
            settings = load_settings({"warehouse": Path(tmp) / "wh"})
        except SettingsError as exc:
            raise SystemExit(str(exc)) from None
        folder = Path(tmp) / "docs"
        folder.mkdir()
        paths = varied_copies(SAMPLE.read_text(encoding="utf-8"), args.copies, folder)
        result = {"copies": args.copies}
        n, secs = bare_spacy(paths, settings.spacy_model)
        result["bare_spacy_sentences_per_s"] = round(n / secs, 1)
        n, secs = extraction_only(paths, settings.spacy_model)
        result["sentences"] = n
        result["extract_sentences_per_s"] = round(n / secs, 1)
        if not args.skip_full:
            n, secs = full_run(folder, settings)
            result["full_run_seconds"] = round(secs, 1)
            result["full_run_sentences_per_s"] = round(n / secs, 1)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
