"""Error categories of issue 7, counted on small hand-made scored sets."""

from eventledger.diagnose import categorise
from eventledger.evaluate import GoldEvent, SystemEvent, score

S1 = "Gunmen attacked the village and abducted two farmers."
S2 = "The talks between the two sides collapsed."
S3 = "A sentence with no gold."
SENTENCES = {"doc": [S1, S2, S3]}


def gold(key, roots, source, target, gid):
    return GoldEvent("doc", gid, key, tuple(roots), tuple(source), tuple(target), False, None, False)


def counts(rows):
    return {(r.category, r.how.split(",")[0]): (r.count, r.of) for r in rows}


def test_categories_count_misses_wrong_actors_and_false_positives():
    g = [gold("attacked the village", ["18"], ["gunmen"], ["villagers"], "S01-E1"),
         gold("abducted two farmers", ["18"], ["gunmen"], ["farmers"], "S01-E2"),
         gold("talks between", ["04"], [None, "Chile"], ["Peru"], "S02-E1")]
    s = [SystemEvent("doc", S1, "18", "gunmen", None, None),
         SystemEvent("doc", S3, "01", "Chile", None, None)]
    rows = counts(categorise(g, score(g, s, SENTENCES), {"talk"}))
    assert rows[("3 several events", "missed")] == (1, 1)  # the second event of S1
    assert rows[("1 nominal events", "missed")] == (1, 1)  # "talks between"
    assert rows[("2 agentless events", "missed")] == (1, 1)
    assert rows[("5 targets", "matched events with no target where one is wanted")] == (1, 1)
    assert rows[("6 reporting", "false positives coded as statements (root 01)")] == (1, 1)
    assert rows[("7 states", "false positives on sentences with no gold event")] == (1, 1)


def test_a_name_cut_at_its_hyphen_is_counted():
    g = [gold("attacked the village", ["18"], ["Tehrik-i-Taliban Pakistan"], ["villagers"], "S01-E1")]
    s = [SystemEvent("doc", S1, "18", "Taliban", "villagers", None)]
    rows = counts(categorise(g, score(g, s, SENTENCES), set()))
    assert rows[("9 names cut", "actor slots filled with part of a hyphenated or bracketed name")][0] == 1
