"""Matching event triggers against the lexicon, and what the trigger implies.

A verb matches the longest verb pattern whose extra words follow it in its
subtree; a noun matches a nominal pattern ending in it. Which codes are
symmetric, and how many people an object counts (for mass violence), are
decided here too.
"""

from __future__ import annotations

from eventledger.transforms.lexicon import Lexicon, NounPattern, VerbPattern

_SYMMETRIC_ROOTS = {"04", "06", "19"}


#: Codes whose act binds both parties whoever is named first: "Chile and Bolivia broke off relations"
#: is one event between the two (160-162: reducing or breaking relations, like 054 establishing them).
_SYMMETRIC_CODES = {"050", "054", "057", "0871", "0872", "081", "1911", "160", "161"}


def is_symmetric(code: str) -> bool:
    """Events that two parties do together (meet, cooperate, fight, sign): subjects "X and Y" are the dyad."""
    return code[:2] in _SYMMETRIC_ROOTS or code in _SYMMETRIC_CODES


def match_verb(token, lexicon: Lexicon) -> tuple[VerbPattern, list] | None:
    """The longest verb pattern whose extra words follow `token` inside its subtree.

    For a passive verb the object sits before it as its subject ("relations
    were normalised" matches "normalise relation"), so the subject's head
    counts as following the verb.
    """
    patterns = lexicon.verb_patterns(token.lemma_)
    if not patterns:
        return None
    following = [t for t in token.subtree if t.i > token.i and t.i <= token.i + 8]
    passive_subject = [c for c in token.children if c.dep_ == "nsubjpass"]
    if passive_subject:
        following = passive_subject + following
    for pattern in patterns:
        matched = [token]
        position = 0
        for word in pattern.words[1:]:
            hit = None
            for n in range(position, len(following)):
                candidate = following[n]
                if candidate.lemma_.lower() == word or candidate.lower_ == word:
                    hit = candidate
                    position = n + 1
                    break
            if hit is None:
                matched = None
                break
            matched.append(hit)
        if matched:
            return pattern, matched
    return None


def match_noun(token, lexicon: Lexicon) -> tuple[NounPattern, list] | None:
    """The longest nominal pattern ending at `token` (head noun last)."""
    # a gerund used as a noun has its verb's lemma ("Fighting" -> fight): try the word as written too
    for pattern in lexicon.noun_patterns(token.lemma_) or lexicon.noun_patterns(token.lower_):
        words = pattern.words
        start = token.i - len(words) + 1
        if start < 0:
            continue
        tokens = [token.doc[i] for i in range(start, token.i + 1)]
        if all(t.lemma_.lower() == w or t.lower_ == w for t, w in zip(tokens, words)):
            return pattern, tokens
    return None


_COUNT_WORDS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2_000_000,
                "hundred": 100, "thousand": 1000, "million": 1_000_000}


def victim_count(obj) -> int:
    """How many people an object phrase counts ("more than 70,000 Eritreans", "millions of citizens")."""
    if obj is None:
        return 0
    best = 0
    for token in [obj, *obj.children, *[g for c in obj.children for g in c.children]]:
        word = token.lower_.replace(",", "")
        if word.isdigit():
            best = max(best, int(word))
        elif word in _COUNT_WORDS:
            multiplier = next((int(c.lower_.replace(",", "")) for c in token.children if c.lower_.replace(",", "").isdigit()), 1)
            best = max(best, _COUNT_WORDS[word] * multiplier)
    return best
