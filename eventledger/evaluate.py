"""Score published events against a gold file, by the rules of ANNOTATION.md.

Pure functions over plain records, so the rules can be tested on small
hand-made cases: sentences are matched by `key`; inside a sentence system
and gold events are paired one-to-one, greedily, best-scoring pairs first;
optional gold events and extra actors of compound events are neither
rewarded nor penalised.

Loading the gold checks every line (JSON, fields, types, dates), so that a
bad line is one message naming the file and the line number, not a KeyError
from deep inside the scorer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from eventledger.errors import EXIT_USAGE, UserError


@dataclass(frozen=True)
class GoldEvent:
    doc: str
    id: str
    key: str
    roots: tuple[str, ...]
    source: tuple[str | None, ...]
    target: tuple[str | None, ...]
    symmetric: bool
    date: tuple[dt.date, dt.date] | None
    optional: bool


@dataclass(frozen=True)
class SystemEvent:
    doc: str
    sentence: str
    root: str
    source: str | None
    target: str | None
    date_start: dt.date | None
    event_id: str = ""
    code: str = ""


@dataclass
class PairScore:
    source_ok: bool
    target_ok: bool
    date_ok: bool | None  # None: gold has no date

    @property
    def correct(self) -> int:
        return int(self.source_ok) + int(self.target_ok) + int(bool(self.date_ok))


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dyad_tp: int = 0
    date_correct: int = 0
    date_total: int = 0
    actor_correct: int = 0
    actor_total: int = 0
    per_root: dict = field(default_factory=lambda: defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0}))
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def figures(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        dp = self.dyad_tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        dr = self.dyad_tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return {
            "event_p": round(p, 4),
            "event_r": round(r, 4),
            "event_f1": round(_f1(p, r), 4),
            "dyad_f1": round(_f1(dp, dr), 4),
            "date_acc": round(self.date_correct / self.date_total, 4) if self.date_total else None,
            "actor_acc": round(self.actor_correct / self.actor_total, 4) if self.actor_total else None,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }

    def report(self) -> dict:
        per_root = {}
        for root in sorted(self.per_root):
            c = self.per_root[root]
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
            per_root[root] = {**c, "f1": round(_f1(p, r), 4)}
        return {
            **self.figures(),
            "per_root": per_root,
            "attributes": {
                "source_target_correct": self.actor_correct,
                "actor_slots": self.actor_total,
                "dates_correct": self.date_correct,
                "dates_scored": self.date_total,
                "dyad_tp": self.dyad_tp,
            },
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _norm(name: str | None) -> str | None:
    return None if name is None else re.sub(r"\s+", " ", name).strip().casefold()


def _parse_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


#: Where the gold format is described, for messages.
GOLD_FORMAT = 'see "Gold file format" in ANNOTATION.md'


class GoldFileError(UserError, ValueError):
    """A gold file that cannot be used; one line naming the file, the line and what is wrong."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        where = f"gold {'folder' if path.is_dir() else 'file'} {path}" + (f" line {line}" if line else "")
        super().__init__(f"{where}: {problem}", EXIT_USAGE)


def load_gold(path: Path) -> list[GoldEvent]:
    """Gold events from a JSON Lines file, or from every `*.jsonl` in a folder (one file per document).

    Every line is checked (JSON, the fields and their types, the dates), so a
    bad one is reported by file and line number, not as a KeyError from the scorer.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise GoldFileError(path, "holds no .jsonl file: give a gold file or a folder of them")
    elif path.is_file():
        files = [path]
    else:
        raise GoldFileError(path, "no such file: give a gold JSON Lines file or a folder of them")
    events = [event for file in files for event in _gold_file(file)]
    if not events:
        raise GoldFileError(path, f"holds no gold events: nothing to score ({GOLD_FORMAT})")
    return events


def _gold_file(path: Path) -> list[GoldEvent]:
    lines = enumerate(_gold_text(path).split("\n"), start=1)
    return [_gold_event(_gold_json(line, path, n), path, n) for n, line in lines if line.strip()]


def _gold_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GoldFileError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8", line) from None


def _gold_json(line: str, path: Path, n: int) -> dict:
    try:
        raw = json.loads(line)
    except ValueError as exc:
        problem = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise GoldFileError(path, f"not JSON ({problem}): fix the line (one JSON object per line)", n) from None
    if not isinstance(raw, dict):
        raise GoldFileError(path, f"not a JSON object but {type(raw).__name__}: one event object per line", n)
    return raw


def _gold_event(raw: dict, path: Path, n: int) -> GoldEvent:
    def bad(problem: str) -> GoldFileError:
        return GoldFileError(path, f"{problem} ({GOLD_FORMAT})", n)

    missing = [name for name in ("doc", "key", "roots") if raw.get(name) is None]
    if missing:
        raise bad(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}")
    for name in ("doc", "key"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise bad(f"field {name!r} must be non-empty text")
    roots = raw["roots"]
    if not isinstance(roots, list) or not roots or not all(isinstance(r, str) and r for r in roots):
        raise bad('field \'roots\' must be a non-empty list of root codes, like ["04"]')
    for name in ("source", "target"):
        names = raw.get(name)
        if names is not None and not (isinstance(names, list) and all(v is None or isinstance(v, str) for v in names)):
            raise bad(f"field {name!r} must be a list of accepted names (null inside for \"no actor\")")
    return GoldEvent(
        doc=raw["doc"],
        id=str(raw.get("id") or f"line{n}"),
        key=raw["key"],
        roots=tuple(roots),
        source=tuple(raw.get("source") or ()),
        target=tuple(raw.get("target") or ()),
        symmetric=bool(raw.get("symmetric")),
        date=_gold_date(raw.get("date"), bad),
        optional=bool(raw.get("optional")),
    )


def _gold_date(date, bad) -> tuple[dt.date, dt.date] | None:
    if date is None:
        return None
    if not isinstance(date, dict) or "lo" not in date or "hi" not in date:
        raise bad('field \'date\' must be null or {"lo": "YYYY-MM-DD", "hi": "YYYY-MM-DD"}')
    try:
        lo, hi = _parse_date(date["lo"]), _parse_date(date["hi"])
    except (TypeError, ValueError):
        raise bad(f"date {date['lo']!r}..{date['hi']!r} is not two dates YYYY-MM-DD") from None
    if lo > hi:
        raise bad(f"date lo {lo} is after hi {hi}")
    return lo, hi


def require_gold_documents(gold: list[GoldEvent], published: Iterable[str], warehouse: Path) -> None:
    """Refuse to score a warehouse that holds none of the gold's documents: its zeros would mean nothing."""
    docs = sorted({g.doc for g in gold})
    if set(docs) & set(published):
        return
    shown = ", ".join(docs[:3]) + (", ..." if len(docs) > 3 else "")
    raise UserError(f"none of the {len(docs)} gold documents ({shown}) are in {warehouse}: "
                    f"run `eventledger run <their files> --warehouse {shlex.quote(str(warehouse))}` first")


def _accepts(accepted: tuple[str | None, ...], name: str | None) -> bool:
    if name is None or not name.strip():
        return None in accepted
    wanted = _norm(name)
    return any(a is not None and _norm(a) == wanted for a in accepted)


def score_pair(system: SystemEvent, gold: GoldEvent) -> PairScore:
    straight = (_accepts(gold.source, system.source), _accepts(gold.target, system.target))
    if gold.symmetric:
        swapped = (_accepts(gold.source, system.target), _accepts(gold.target, system.source))
        if sum(swapped) > sum(straight):
            straight = swapped
    date_ok = None
    if gold.date is not None:
        date_ok = system.date_start is not None and gold.date[0] <= system.date_start <= gold.date[1]
    return PairScore(straight[0], straight[1], date_ok)


def _greedy(systems: list[SystemEvent], golds: list[GoldEvent]) -> list[tuple[int, int, PairScore]]:
    """One-to-one pairs with a matching root, best-scoring first (stable on ties)."""
    candidates = []
    for i, s in enumerate(systems):
        for j, g in enumerate(golds):
            if s.root in g.roots:
                score = score_pair(s, g)
                candidates.append((-score.correct, j, i, score))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_s, used_g, pairs = set(), set(), []
    for _, j, i, score in candidates:
        if i in used_s or j in used_g:
            continue
        used_s.add(i)
        used_g.add(j)
        pairs.append((i, j, score))
    return pairs


def _compound(system: SystemEvent, gold: GoldEvent) -> bool:
    """An extra actor of a matched compound event ("Arafat and the PLO")."""
    if system.root not in gold.roots:
        return False
    straight = _accepts(gold.source, system.source) and _accepts(gold.target, system.target)
    swapped = gold.symmetric and _accepts(gold.source, system.target) and _accepts(gold.target, system.source)
    return straight or swapped


def score(gold: list[GoldEvent], system: list[SystemEvent], sentences: dict[str, list[str]]) -> Scores:
    """Score `system` events against `gold`; `sentences` maps document name to clean sentences."""
    scores = Scores()
    gold_by_sentence: dict[tuple[str, str], list[GoldEvent]] = defaultdict(list)
    for g in gold:
        hits = [s for s in sentences.get(g.doc, []) if g.key in s]
        if len(hits) != 1:
            scores.warnings.append(f"{g.id}: key {g.key!r} found in {len(hits)} sentence(s) of {g.doc}")
            if not g.optional:
                scores.fn += 1
                for root in g.roots[:1]:
                    scores.per_root[root]["fn"] += 1
                scores.errors.append({"kind": "fn", "gold": g.id, "reason": "key not found"})
            continue
        gold_by_sentence[(g.doc, hits[0])].append(g)
    docs = {g.doc for g in gold}
    system_by_sentence: dict[tuple[str, str], list[SystemEvent]] = defaultdict(list)
    for s in system:
        if s.doc in docs:
            system_by_sentence[(s.doc, s.sentence)].append(s)

    for key in sorted(set(gold_by_sentence) | set(system_by_sentence)):
        golds = gold_by_sentence.get(key, [])
        systems = system_by_sentence.get(key, [])
        required = [g for g in golds if not g.optional]
        optional = [g for g in golds if g.optional]
        pairs = _greedy(systems, required)
        matched_s = {i for i, _, _ in pairs}
        matched_g = {j for _, j, _ in pairs}
        for i, j, pair in pairs:
            s, g = systems[i], required[j]
            scores.tp += 1
            scores.per_root[g.roots[0]]["tp"] += 1
            scores.actor_total += 2
            scores.actor_correct += int(pair.source_ok) + int(pair.target_ok)
            if pair.source_ok and pair.target_ok:
                scores.dyad_tp += 1
            if pair.date_ok is not None:
                scores.date_total += 1
                scores.date_correct += int(pair.date_ok)
            if not (pair.source_ok and pair.target_ok and pair.date_ok is not False):
                scores.errors.append(_error("attr", s, g, pair))
        for i in range(len(systems)):
            if i in matched_s:
                continue
            s = systems[i]
            if any(s.root in g.roots for g in optional):
                continue  # matches an optional gold event: ignored, however many system events do
            if any(_compound(s, required[j]) for j in matched_g):
                continue
            scores.fp += 1
            scores.per_root[s.root]["fp"] += 1
            scores.errors.append({**_error("fp", s, None, None), "sentence_has_gold": bool(golds)})
        for j, g in enumerate(required):
            if j not in matched_g:
                scores.fn += 1
                scores.per_root[g.roots[0]]["fn"] += 1
                scores.errors.append(_error("fn", None, g, None))
    return scores


def _error(kind: str, s: SystemEvent | None, g: GoldEvent | None, pair: PairScore | None) -> dict:
    out: dict = {"kind": kind}
    if g is not None:
        out.update(doc=g.doc, gold=g.id, key=g.key, gold_roots=list(g.roots), gold_source=list(g.source), gold_target=list(g.target))
        if g.date:
            out["gold_date"] = [g.date[0].isoformat(), g.date[1].isoformat()]
    if s is not None:
        out.update(
            event_id=s.event_id,
            doc=s.doc,
            sentence=s.sentence[:120],
            code=s.code or s.root,
            source=s.source,
            target=s.target,
            date_start=s.date_start.isoformat() if s.date_start else None,
        )
    if pair is not None:
        out.update(source_ok=pair.source_ok, target_ok=pair.target_ok, date_ok=pair.date_ok)
    return out
