"""A reproducible corpus of N documents written from the project's own templates.

Why not copies of the sample: a benchmark of 100,000 sentences needs
thousands of distinct documents (ids come from content, so copies would be
one document), and their sentences should look like what eventledger reads:
dated diplomatic and military events between states, leaders and
organisations, with some background sentences that hold no event. The same
seed gives the same files, byte for byte, on every machine.

    .venv/bin/python -m benchmarks.corpus --documents 500 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ACTORS = [
    "Russia", "Ukraine", "China", "Japan", "India", "Pakistan", "Iran", "Iraq", "Israel", "Egypt", "Jordan",
    "Syria", "Turkey", "Greece", "France", "Germany", "Poland", "Brazil", "Argentina", "Chile", "Peru", "Mexico",
    "Canada", "the United States", "the United Kingdom", "the European Union", "NATO", "the United Nations",
    "the Palestinian Authority", "Saudi Arabia", "Qatar", "Kenya", "Ethiopia", "Nigeria", "South Africa",
]
EVENTS = [
    "{a} signed a trade agreement with {b}",
    "{a} hosted talks with {b}",
    "the president of {a} met the foreign minister of {b}",
    "{a} condemned the actions of {b}",
    "{a} accused {b} of violating the ceasefire",
    "{a} recalled its ambassador from {b}",
    "{a} expelled two diplomats of {b}",
    "{a} imposed sanctions on {b}",
    "{a} sent humanitarian aid to {b}",
    "{a} promised economic assistance to {b}",
    "{a} threatened {b} with military action",
    "troops of {a} attacked positions held by {b}",
    "{a} opened an embassy in {b}",
    "{a} praised the mediation of {b}",
    "{a} rejected the proposal of {b}",
]
BACKGROUND = [
    "The talks were described by observers as difficult.",
    "Relations between the two countries have a long history.",
    "The agreement was the subject of debate in the press.",
    "Several analysts questioned the timing of the decision.",
    "The region has seen repeated tensions since the end of the war.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _date(rng: random.Random) -> str:
    year = rng.randint(1950, 2023)
    form = rng.random()
    if form < 0.4:
        return f"In {year}"
    if form < 0.75:
        return f"In {rng.choice(MONTHS)} {year}"
    return f"On {rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"


def document(rng: random.Random, sentences: int) -> str:
    """One document of about `sentences` sentences in paragraphs of three to six."""
    lines, paragraph = [], []
    for _ in range(sentences):
        if rng.random() < 0.2:
            paragraph.append(rng.choice(BACKGROUND))
        else:
            a, b = rng.sample(ACTORS, 2)
            event = rng.choice(EVENTS).format(a=a, b=b)
            paragraph.append(f"{_date(rng)}, {event}.")
        if len(paragraph) >= rng.randint(3, 6):
            lines.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, documents: int, sentences: int = 20, seed: int = 7, start: int = 0) -> list[Path]:
    """Write documents `start` .. `start + documents - 1` of the corpus of `seed` (each its own generator)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + documents):
        rng = random.Random(f"{seed}-{n}")
        path = folder / f"doc_{n:06d}.txt"
        path.write_text(f"Document {n}.\n\n" + document(rng, sentences), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--sentences", type=int, default=20, help="sentences per document (about)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_corpus(args.out, args.documents, args.sentences, args.seed)
    print(f"{args.documents} documents in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
