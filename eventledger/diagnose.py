"""Error counts by the categories of issue 7, so that a rule change shows where it helped.

Why: F1 says how much is wrong, not what. These counts sort the misses and
wrong attributes of a scored set into the kinds of failure that matter on
unseen text (nominal events, agentless events, second events of a sentence,
ordinary group actors, targets, reporting verbs, states, dates, names cut
apart). They are heuristics over the gold records and the scorer's error
list, stated per row, and print no sentence, so they may be reported for
the closed `check` half too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventledger.evaluate import GoldEvent, Scores


@dataclass(frozen=True)
class CategoryCount:
    category: str
    how: str  # what is counted, in words
    count: int
    of: int | None = None  # the number it is out of, where there is one


def _words(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z-]+", text)}


def _group_name(names: tuple[str | None, ...]) -> bool:
    """An ordinary group actor is named by a lowercase phrase ("villagers", "Kenyan students")."""
    return any(n is not None and n.split()[-1][:1].islower() for n in names)


def _cut_name(system: str | None, accepted: list) -> bool:
    """A system name that is only part of an accepted hyphenated, bracketed or apostrophed name
    ("Taliban" for "Tehrik-i-Taliban Pakistan", "Tahrir al" for "Hay'at Tahrir al-Sham")."""
    if not system:
        return False
    s = system.casefold()
    return any(a is not None and re.search(r"[-'’(]", a) and s != a.casefold() and s in a.casefold()
               for a in accepted)


def categorise(gold: list[GoldEvent], scores: Scores, noun_heads: set[str]) -> list[CategoryCount]:
    """Counts per category for one scored set; `noun_heads` are the lexicon's nominal event heads."""
    required = [g for g in gold if not g.optional]
    missed = {(e["doc"], e["gold"]) for e in scores.errors if e["kind"] == "fn" and "doc" in e}
    attrs = [e for e in scores.errors if e["kind"] == "attr"]
    fps = [e for e in scores.errors if e["kind"] == "fp"]

    def recall_row(name: str, how: str, events: list[GoldEvent]) -> CategoryCount:
        return CategoryCount(name, how, sum((g.doc, g.id) in missed for g in events), len(events))

    nominal = [g for g in required if _words(g.key) & noun_heads]
    agentless = [g for g in required if None in g.source]
    later = [g for g in required if not g.id.endswith("-E1")]
    groups = [g for g in required if _group_name(g.source) or _group_name(g.target)]
    matched = len(required) - sum((g.doc, g.id) in missed for g in required)
    dated = [e for e in attrs if e.get("date_ok") is False]
    rows = [
        recall_row("1 nominal events", "missed, of required events whose key holds an event noun", nominal),
        recall_row("2 agentless events", "missed, of required events whose source may be empty", agentless),
        recall_row("3 several events", "missed, of required events after the first of their sentence", later),
        recall_row("4 ordinary actors", "missed, of required events with a group actor", groups),
        CategoryCount("4 ordinary actors", "matched events with a wrong group actor",
                      sum(1 for e in attrs if (not e["source_ok"] and _group_name(tuple(e["gold_source"])))
                          or (not e["target_ok"] and _group_name(tuple(e["gold_target"])))), matched),
        CategoryCount("5 targets", "matched events with no target where one is wanted",
                      sum(1 for e in attrs if not e["target_ok"] and e.get("target") is None), matched),
        CategoryCount("5 targets", "matched events with a wrong target",
                      sum(1 for e in attrs if not e["target_ok"] and e.get("target") is not None), matched),
        CategoryCount("6 reporting", "false positives coded as statements (root 01)",
                      sum(1 for e in fps if str(e.get("code", "")).startswith("01")), len(fps)),
        CategoryCount("7 states", "false positives on sentences with no gold event",
                      sum(1 for e in fps if not e.get("sentence_has_gold")), len(fps)),
        CategoryCount("8 dates", "matched events with a wrong date", len(dated), scores.date_total),
        CategoryCount("9 names cut", "actor slots filled with part of a hyphenated or bracketed name",
                      sum(_cut_name(e.get("source"), e["gold_source"]) + _cut_name(e.get("target"), e["gold_target"])
                          for e in attrs), 2 * matched),
    ]
    return rows


def noun_heads(lexicon) -> set[str]:
    """Head nouns of the lexicon's nominal patterns, singular, lowercase."""
    return {head.rstrip("s") for head in lexicon.nouns}
