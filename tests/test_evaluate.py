"""The scoring rules of ANNOTATION.md, on small hand-made cases."""

import datetime as dt

from eventledger.evaluate import GoldEvent, SystemEvent, score

S1 = "Chile recalled its ambassador from Peru in May 2001."
S2 = "Peru and Bolivia signed a border accord."
SENTENCES = {"doc": [S1, S2, "A sentence with no gold events."]}


def gold(key, roots, source, target, date=None, symmetric=False, optional=False, gid="G"):
    return GoldEvent("doc", gid, key, tuple(roots), tuple(source), tuple(target), symmetric, date, optional)


def sys_event(sentence, root, source, target, date=None):
    return SystemEvent("doc", sentence, root, source, target, date)


MAY_2001 = (dt.date(2001, 5, 1), dt.date(2001, 5, 31))


def test_perfect_match():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"], MAY_2001)]
    s = [sys_event(S1, "16", "Chile", "peru ", dt.date(2001, 5, 1))]
    f = score(g, s, SENTENCES).figures()
    assert (f["tp"], f["fp"], f["fn"]) == (1, 0, 0)
    assert f["event_f1"] == 1.0 and f["dyad_f1"] == 1.0 and f["date_acc"] == 1.0 and f["actor_acc"] == 1.0


def test_wrong_root_is_fp_and_fn():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"])]
    s = [sys_event(S1, "11", "Chile", "Peru")]
    f = score(g, s, SENTENCES).figures()
    assert (f["tp"], f["fp"], f["fn"]) == (1 - 1, 1, 1)


def test_symmetric_allows_swap_and_null_accepts_empty():
    g = [
        gold("signed a border accord", ["05"], ["Peru"], ["Bolivia"], symmetric=True, gid="A"),
        gold("recalled its ambassador", ["16"], ["Chile"], ["Peru", None], gid="B"),
    ]
    s = [sys_event(S2, "05", "Bolivia", "Peru"), sys_event(S1, "16", "Chile", None)]
    f = score(g, s, SENTENCES).figures()
    assert f["dyad_f1"] == 1.0


def test_date_scored_on_start_only_and_only_where_gold_has_a_date():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"], MAY_2001, gid="A"),
         gold("signed a border accord", ["05"], ["Peru"], ["Bolivia"], None, gid="B")]
    s = [sys_event(S1, "16", "Chile", "Peru", dt.date(2001, 6, 1)), sys_event(S2, "05", "Peru", "Bolivia")]
    f = score(g, s, SENTENCES).figures()
    assert f["date_acc"] == 0.0  # one dated pair, wrong


def test_optional_gold_neither_rewards_nor_penalises():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"], gid="A"),
         gold("recalled its ambassador", ["04"], ["Chile"], ["Peru"], optional=True, gid="B")]
    with_optional = score(g, [sys_event(S1, "16", "Chile", "Peru"), sys_event(S1, "04", "Chile", "Peru")], SENTENCES)
    without = score(g, [sys_event(S1, "16", "Chile", "Peru")], SENTENCES)
    assert with_optional.figures() == without.figures()
    assert without.figures()["fn"] == 0


def test_compound_actor_extra_event_is_ignored():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru", "Peruvian government"])]
    s = [sys_event(S1, "16", "Chile", "Peru"), sys_event(S1, "16", "Chile", "Peruvian government")]
    f = score(g, s, SENTENCES).figures()
    assert (f["tp"], f["fp"]) == (1, 0)


def test_event_on_sentence_without_gold_is_fp_and_other_docs_ignored():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"])]
    s = [sys_event(S1, "16", "Chile", "Peru"), sys_event("A sentence with no gold events.", "01", None, None),
         SystemEvent("other-doc", "Anything.", "01", None, None, None)]
    f = score(g, s, SENTENCES).figures()
    assert (f["tp"], f["fp"]) == (1, 1)


def test_greedy_prefers_pair_with_more_correct_attributes():
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"], gid="A"),
         gold("recalled its ambassador", ["16"], ["Peru"], ["Chile"], gid="B")]
    s = [sys_event(S1, "16", "Peru", "Chile")]
    result = score(g, s, SENTENCES)
    assert result.figures()["dyad_f1"] > 0
    assert any(e["kind"] == "fn" and e["gold"] == "A" for e in result.errors)


def test_key_not_found_is_a_warning_and_fn():
    g = [gold("no such words", ["16"], ["Chile"], ["Peru"])]
    result = score(g, [], SENTENCES)
    assert result.figures()["fn"] == 1 and result.warnings


def test_every_system_event_matching_an_optional_gold_event_is_ignored():
    # ANNOTATION.md: a system event that matches an optional gold event is ignored; a second
    # (or third) one matching the same optional event is ignored too, not a false positive.
    g = [gold("recalled its ambassador", ["16"], ["Chile"], ["Peru"], gid="A"),
         gold("recalled its ambassador", ["04", "02"], ["Chile"], ["Peru"], optional=True, gid="B")]
    s = [sys_event(S1, "16", "Chile", "Peru"), sys_event(S1, "04", "Chile", "Peru"),
         sys_event(S1, "04", "Peru", "Chile"), sys_event(S1, "02", "Chile", None)]
    f = score(g, s, SENTENCES).figures()
    assert (f["tp"], f["fp"], f["fn"]) == (1, 0, 0)


def test_gold_folder_loads_every_file(tmp_path):
    from eventledger.evaluate import load_gold

    line = ('{"doc": "%s", "id": "S01-E1", "key": "k", "roots": ["04"], "code": "040", "source": ["A"], '
            '"source_country": null, "target": ["B"], "target_country": null, "symmetric": false, '
            '"date": null, "optional": false}\n')
    (tmp_path / "a.jsonl").write_text(line % "a", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(line % "b", encoding="utf-8")
    assert [g.doc for g in load_gold(tmp_path)] == ["a", "b"]
