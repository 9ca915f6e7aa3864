#!/usr/bin/env python3
"""Check the development gold set in this folder (plain Python, no dependencies).

    python3 tests/dev_gold/check_gold.py              # check both halves, print counts, exit 1 on errors
    python3 tests/dev_gold/check_gold.py tune         # one half only (a folder with docs/ and gold/)
    python3 tests/dev_gold/check_gold.py tune --dump  # also print every clean sentence with its events

The set has two halves, `tune/` and `check/`, each a folder with `docs/*.txt`
and `gold/<doc>.jsonl` (one gold file per document, so that several people can
add documents without editing one shared file). Minimums and root coverage are
checked over all halves named together.

What is checked (see ../../../shared/spec/ANNOTATION.md and README.md here):

* every line of every gold/*.jsonl is a JSON object with exactly the required
  keys and the right types (roots: 2-digit strings, code: 2-4 digits whose
  first two are the first root, ISO-like country codes, date windows with
  lo <= hi, ...);
* `doc` names a file in docs/, `id` is unique in its doc and its `Snn` part is
  the ordinal of the sentence that `key` picks;
* every `key` occurs in exactly one clean sentence of its document (clean =
  citation markers other than `[sic]` removed, quotes moved back to the
  sentence they close, white space collapsed);
* accepted actor names with diacritics also list an ASCII spelling;
* coverage: all twenty CAMEO roots appear as first-preferred root of at least
  three non-optional events; sentence and event counts meet the minimums.

The sentence splitter here is written independently of the project's
segmenter; when `transforms.segment` can be imported (run from the repo
root) the two are compared and differences are reported as warnings.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
HALVES = ("tune", "check")

REQUIRED = {
    "doc": str, "id": str, "key": str, "roots": list, "code": str,
    "source": list, "source_country": (str, type(None)),
    "target": list, "target_country": (str, type(None)),
    "symmetric": bool, "date": (dict, type(None)), "optional": bool,
}
ROOTS = [f"{i:02d}" for i in range(1, 21)]
MIN_DOCS = 20
MIN_SENTENCES, MIN_EVENTS, MIN_PER_ROOT = 400, 800, 3

# ---------------------------------------------------------------- sentences

#: Citation markers: [12], [citation needed], [when?], [a], [note 3] -- not [sic].
MARKER = re.compile(r"\[(?!sic\])[^\[\]\n]{1,40}\]", re.IGNORECASE)
#: A stray closing quote and/or markers at the very start of a line.
LEADING = re.compile(r'^\s*(["”]?)\s*((?:\[(?!sic\])[^\[\]\n]{1,40}\]\s*)+)', re.IGNORECASE)
#: Text that ends a sentence: terminal punctuation and closing quotes/brackets.
ENDS = re.compile(r"[.!?][\"'”’)]*$")
#: Candidate boundaries inside a line: terminal punctuation, closers, space, capital/digit/quote.
BOUNDARY = re.compile(r"([.!?][\"'”’)]*)\s+(?=[\"“‘(]?[A-Z0-9])")
ABBREVIATIONS = set(
    """mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep amb st mt no nos vs
    e.g i.e cf approx ca fig vol pp art sec dept jan feb mar apr jun jul aug sep sept
    oct nov dec rev fr hon pres""".split()
)


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "([\"“":
        start -= 1
    word = text[start:dot]
    if len(word) == 1 and word.isupper():
        return True  # an initial: "A. A. K. Niazi", "Dwight D. Eisenhower"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "U.S", "e.g"
    return word.lower() in ABBREVIATIONS


def _split_unit(unit: str) -> list[str]:
    out, start = [], 0
    for m in BOUNDARY.finditer(unit):
        if m.group(1).startswith(".") and _is_abbreviation(unit, m.start(1)):
            continue
        out.append(unit[start:m.end(1)])
        start = m.end()
    out.append(unit[start:])
    return [s.strip() for s in out if s.strip()]


def _quotes(text: str) -> int:
    return sum(text.count(q) for q in "\"“”")


def clean_sentences(text: str) -> list[str]:
    """The document's clean sentences, in order."""
    units: list[str] = []  # runs of text between sure sentence ends at line ends
    buf = ""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if buf:
                units.append(buf)
                buf = ""
            continue
        lead = LEADING.match(line)
        if lead:
            # markers opening a line close the previous sentence; a quote in
            # front of them is that sentence's closing quote
            if lead.group(1) and buf:
                buf = buf.rstrip() + lead.group(1)
            line = line[lead.end():].strip()
            if not line:
                continue
        line = MARKER.sub("", line)
        line = re.sub(r"\s+", " ", line).strip()
        line = re.sub(r"\s+([,.;:!?])", r"\1", line)
        if buf and not ENDS.search(buf):
            buf = buf + " " + line  # a sentence wrapped over two lines
        else:
            if buf:
                units.append(buf)
            buf = line
    if buf:
        units.append(buf)
    sentences = []
    for unit in units:
        for s in _split_unit(unit):
            if _quotes(s) % 2 == 1:
                s += '"'
            sentences.append(s)
    return sentences


def project_sentences(text: str) -> list[str] | None:
    """Clean sentences from the project's own segmenter, when it can be imported."""
    try:
        sys.path.insert(0, str(HERE.parent.parent))
        from eventledger.transforms.segment import split_sentences  # type: ignore
    except Exception:  # noqa: BLE001 - optional cross-check only
        return None
    return [s.text for s in split_sentences(text)]


# ---------------------------------------------------------------- helpers

def ascii_fold(name: str) -> str:
    table = str.maketrans({"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i", "ø": "o", "Ø": "O",
                           "ß": "ss", "–": "-", "—": "-", "’": "'", "ʻ": "'"})
    folded = unicodedata.normalize("NFKD", name.translate(table))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def parse_day(value: object) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_event(n: int, ev: object, docs: dict[str, list[str]], errors: list[str], warnings: list[str]):
    where = f"line {n}"
    if not isinstance(ev, dict):
        errors.append(f"{where}: not a JSON object")
        return None
    missing = set(REQUIRED) - set(ev)
    extra = set(ev) - set(REQUIRED)
    if missing or extra:
        errors.append(f"{where}: missing keys {sorted(missing)} / unexpected keys {sorted(extra)}")
        return None
    for k, typ in REQUIRED.items():
        if not isinstance(ev[k], typ):
            errors.append(f"{where}: {k} has type {type(ev[k]).__name__}")
            return None
    where = f"{ev['doc']} {ev['id']}"
    if ev["doc"] not in docs:
        errors.append(f"{where}: no document docs/{ev['doc']}.txt")
        return None
    roots = ev["roots"]
    if not roots or any(r not in ROOTS for r in roots) or len(set(roots)) != len(roots):
        errors.append(f"{where}: bad roots {roots}")
    if not re.fullmatch(r"\d{2,4}", ev["code"]) or (roots and ev["code"][:2] != roots[0]):
        errors.append(f"{where}: code {ev['code']} does not start with first root {roots[:1]}")
    for side in ("source", "target"):
        names = ev[side]
        if any(not (x is None or (isinstance(x, str) and x.strip())) for x in names):
            errors.append(f"{where}: {side} must hold non-empty strings or null")
            continue
        if len(set(names)) != len(names):
            errors.append(f"{where}: {side} lists a name twice")
        for name in (x for x in names if isinstance(x, str)):
            folded = ascii_fold(name)
            if folded != name and folded not in names:
                errors.append(f"{where}: {side} {name!r} has no ASCII variant {folded!r}")
        country = ev[f"{side}_country"]
        if country is not None and not re.fullmatch(r"[A-Z]{3}", country):
            errors.append(f"{where}: {side}_country {country!r} is not a 3-letter code")
    if ev["date"] is not None:
        d = ev["date"]
        lo, hi = parse_day(d.get("lo")), parse_day(d.get("hi"))
        if set(d) != {"lo", "hi"} or lo is None or hi is None:
            errors.append(f"{where}: date must be {{lo, hi}} with ISO days, got {d}")
        elif lo > hi:
            errors.append(f"{where}: date lo {lo} after hi {hi}")
    m = re.fullmatch(r"S(\d+)-E(\d+)", ev["id"])
    if not m:
        errors.append(f"{where}: id must look like S07-E2")
    key = ev["key"]
    hits = [i for i, s in enumerate(docs[ev["doc"]], 1) if key in s]
    if len(hits) != 1:
        errors.append(f"{where}: key {key!r} occurs in {len(hits)} clean sentences {hits}")
        return ev
    if key != key.strip():
        warnings.append(f"{where}: key has outer white space")
    if m and int(m.group(1)) != hits[0]:
        errors.append(f"{where}: id says sentence {m.group(1)} but key is in sentence {hits[0]}")
    ev["_sentence"] = hits[0]
    return ev


def main(argv: list[str]) -> int:
    dump = "--dump" in argv
    names = [a for a in argv if not a.startswith("--")] or list(HALVES)
    whole = set(names) == set(HALVES)
    errors: list[str] = []
    warnings: list[str] = []

    docs: dict[str, list[str]] = {}
    gold_files: list[Path] = []
    for name in names:
        half = Path(name) if Path(name).is_dir() else HERE / name
        paths = sorted((half / "docs").glob("*.txt"))
        for p in paths:
            if p.stem in docs:
                errors.append(f"{p.stem}: document appears in more than one half")
            docs[p.stem] = clean_sentences(p.read_text(encoding="utf-8"))
            theirs = project_sentences(p.read_text(encoding="utf-8"))
            if theirs is not None and theirs != docs[p.stem]:
                warnings.append(f"{p.stem}: project segmenter disagrees "
                                f"({len(theirs)} vs {len(docs[p.stem])} sentences; first difference: "
                                + next((f"{a!r} / {b!r}" for a, b in zip(theirs, docs[p.stem]) if a != b), "length")
                                + ")")
        gold_files.extend(sorted((half / "gold").glob("*.jsonl")))
    if whole and len(docs) < MIN_DOCS:
        errors.append(f"{len(docs)} documents (< {MIN_DOCS})")

    events = []
    seen_ids = set()
    for gold_file in gold_files:
        for n, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{gold_file.name} line {n}: invalid JSON ({exc})")
                continue
            ev = check_event(n, obj, docs, errors, warnings)
            if ev is None:
                continue
            if ev["doc"] != gold_file.stem:
                errors.append(f"{gold_file.name} line {n}: doc {ev['doc']!r} belongs in {ev['doc']}.jsonl")
            if (ev["doc"], ev["id"]) in seen_ids:
                errors.append(f"{ev['doc']} {ev['id']}: duplicate id")
            seen_ids.add((ev["doc"], ev["id"]))
            events.append(ev)

    by_sentence = defaultdict(list)
    for ev in events:
        if "_sentence" in ev:
            by_sentence[(ev["doc"], ev["_sentence"])].append(ev)
    for doc, sents in docs.items():
        if not any(d == doc for d, _ in by_sentence):
            errors.append(f"{doc}: no gold events")

    n_sent = sum(len(s) for s in docs.values())
    with_event = sum(1 for doc, sents in docs.items() for i in range(1, len(sents) + 1)
                     if any(not e["optional"] for e in by_sentence.get((doc, i), [])))
    only_optional = sum(1 for doc, sents in docs.items() for i in range(1, len(sents) + 1)
                        if by_sentence.get((doc, i)) and all(e["optional"] for e in by_sentence[(doc, i)]))
    non_opt = [e for e in events if not e["optional"]]
    first = Counter(e["roots"][0] for e in non_opt)
    first_all = Counter(e["roots"][0] for e in events)
    if whole:
        for r in ROOTS:
            if first[r] < MIN_PER_ROOT:
                errors.append(f"root {r}: {first[r]} non-optional events with it as first root (< {MIN_PER_ROOT})")
        if n_sent < MIN_SENTENCES:
            errors.append(f"{n_sent} sentences (< {MIN_SENTENCES})")
        if len(events) < MIN_EVENTS:
            errors.append(f"{len(events)} events (< {MIN_EVENTS})")

    if dump:
        for doc, sents in docs.items():
            print(f"== {doc}")
            for i, s in enumerate(sents, 1):
                print(f"  S{i:02d} {s}")
                for e in by_sentence.get((doc, i), []):
                    d = e["date"]
                    dt = f"{d['lo']}..{d['hi']}" if d else "-"
                    opt = " (optional)" if e["optional"] else ""
                    print(f"        {e['id']} {'/'.join(e['roots'])} {e['source'][:1]} -> {e['target'][:1]}"
                          f" {dt}{' sym' if e['symmetric'] else ''}{opt}")

    print(f"documents: {len(docs)}")
    for doc, sents in docs.items():
        n_ev = sum(1 for e in events if e["doc"] == doc)
        print(f"  {doc}: {len(sents)} sentences, {n_ev} events")
    print(f"sentences: {n_sent} ({with_event} with a non-optional event, {only_optional} with optional "
          f"events only, {n_sent - with_event - only_optional} with no event)")
    print(f"events: {len(events)} ({len(non_opt)} non-optional, {len(events) - len(non_opt)} optional; "
          f"{sum(1 for e in events if e['date'])} dated, {sum(1 for e in events if e['symmetric'])} symmetric)")
    print("first-preferred root, non-optional (all):")
    print("  " + "  ".join(f"{r}:{first[r]}({first_all[r]})" for r in ROOTS))
    for w in warnings:
        print(f"WARNING {w}")
    for e in errors:
        print(f"ERROR {e}")
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
