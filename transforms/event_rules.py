"""Named rules of event extraction: what is no event, what code an event gets, and the rules
that look at several candidates or at the whole document.

Why a module of its own: transforms/extract.py reads a sentence and builds candidate events;
the rules here decide about them. Each rule is a small named function with its reason and an
example in its docstring, tested on sentences written for it (tests/test_extract_mechanisms.py),
and the word lists it reasons with come from the lexicon it is handed (word_classes.csv,
recodes.csv), so a rule is read, tested and changed alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from eventledger.transforms.actor_kb import ActorVocabulary
from eventledger.transforms.actors import is_civilian_crowd
from eventledger.transforms.lexicon import Lexicon, NounPattern, VerbPattern, WordClasses
from eventledger.transforms.syntax import agent_of, direct_object, is_future, is_negated, misparsed_main_verb, subject_of

if TYPE_CHECKING:
    from eventledger.transforms.extract import ExtractedEvent, _Candidate

#: Roots of force: fighting, assault, coercion, mass violence and force posture.
FORCE_ROOTS = {"15", "17", "18", "19", "20"}

# -- verbs that are not events ---------------------------------------------------------
# Each filter is one named reason why a verb token is not an event of its own; VERB_FILTERS
# lists them in the order they are tried.


def is_background_participle(token, words: WordClasses) -> bool:
    """ "commitments signed by X", "riot police": a verb form modifying a noun is background, not an event
    (but see `issued_by`: "a resolution demanding X" is the resolution's act)."""
    return token.dep_ in ("acl", "amod", "compound") and not misparsed_main_verb(token) \
        and issued_by(token, words) is None


def issued_by(token, words: WordClasses):
    """The subject that issued a document whose content a participle gives: in "the council adopted a
    resolution demanding that Sudan withdraw", the council demands. None for other participles."""
    if token.dep_ != "acl" or token.tag_ != "VBG" or token.head.lemma_.lower() not in words.issued_document:
        return None
    governor = token.head.head
    if token.head.dep_ not in ("dobj", "nsubjpass") or governor.pos_ not in ("VERB", "AUX"):
        return None
    subject, passive = subject_of(governor)
    return agent_of(governor) if passive else subject


def is_auxiliary(token, words: WordClasses) -> bool:
    """ "has signed": the auxiliary is part of the main verb's event."""
    return token.dep_ in ("aux", "auxpass")


def is_failed_complement(token, words: WordClasses) -> bool:
    """ "failed to recognise", "declined to sign": nothing happened."""
    return token.dep_ == "xcomp" and token.head is not token and token.head.lemma_ in words.failure


def is_aspectual_head(token, words: WordClasses) -> bool:
    """ "began to reduce": the event is the complement; the aspectual verb passes its subject on."""
    return token.lemma_ in words.aspectual and any(c.dep_ == "xcomp" for c in token.children)


def is_assessment(token, words: WordClasses) -> bool:
    """ "was considered an ally", "regarded Iran as a threat", "considers both regions occupied",
    "which Khartoum considers part of its territory": judging someone to be something is a state of
    affairs, not an act; the verb has a predicative complement (or a small clause) instead of an event
    object ("considered sanctions" stays an event)."""
    if token.lemma_ not in words.assessing:
        return False
    predicative = any(c.dep_ in ("oprd", "attr", "acomp") or (c.dep_ == "prep" and c.lower_ == "as")
                      or (c.dep_ == "xcomp" and c.lemma_ == "be")
                      or (c.dep_ == "ccomp" and not any(m.dep_ == "mark" for m in c.children))
                      for c in token.children)
    part_of = token.dep_ == "relcl" and any(c.dep_ == "dobj" and c.lemma_ == "part" for c in token.children)
    return predicative or part_of


def is_objectless(token, words: WordClasses) -> bool:
    """ "Karamanlis returned from exile": a verb that is an event only with an object ("returned the
    islands") or in the passive is no event without one."""
    if token.lemma_.lower() not in words.needs_object:
        return False
    return direct_object(token) is None and not any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


def is_explosion_without_weapon(token, words: WordClasses) -> bool:
    """ "tensions exploded", "the talks went on": an explosion verb is a bombing only when a weapon explodes."""
    if token.lemma_.lower() not in words.explosion:
        return False
    subject, _ = subject_of(token)
    return subject is None or subject.lemma_.lower() not in words.weapon


def is_natural_force(token, words: WordClasses) -> bool:
    """ "an earthquake struck both countries", "floods hit the region": no one acted."""
    subject, _ = subject_of(token)
    return subject is not None and subject.lemma_.lower() in words.natural_force


def is_possession_claim(token, words: WordClasses) -> bool:
    """ "both governments claim the islands": claiming a thing states a possession, not a statement
    ("claimed that ...", "claimed responsibility" are statements: a clause, or a longer pattern)."""
    if token.lemma_.lower() not in words.possession_verb:
        return False
    obj = direct_object(token)
    return obj is not None and obj.lemma_.lower() != "responsibility" and obj.lemma_.lower() not in words.casualty_noun \
        and not any(c.dep_ in ("ccomp", "xcomp") for c in token.children)


VERB_FILTERS = (is_background_participle, is_auxiliary, is_failed_complement, is_assessment,
                is_explosion_without_weapon, is_natural_force, is_possession_claim, is_objectless)


def verb_code(token, pattern: VerbPattern, lexicon: Lexicon) -> str | None:
    """The code a matched verb gets in its clause, or None when the clause makes it no event.

    - a purpose or content infinitive of another verb is not an event ("met X to discuss");
    - a negated verb takes the pattern's `negated` code, or is no event ("did not meet");
    - a future verb is an intent ("would restore relations": 03);
    - a warning of what will be done is a threat ("warned that it would retaliate": 13).
    """
    governor = token.head if token.head is not token else None
    is_infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    if is_infinitive and governor is not None and token.dep_ in ("advcl", "xcomp", "acl", "relcl"):
        predicate_nominal = token.dep_ in ("acl", "relcl") and governor.dep_ == "attr"  # "became the first X to visit"
        if governor.lemma_ not in lexicon.words.aspectual and not predicate_nominal:
            return None
    code = pattern.code
    if is_negated(token):
        if not pattern.negated:
            return None
        code = pattern.negated
    if code == "012" and any(c.dep_ == "ccomp" and is_future(c) for c in token.children):
        return "130"  # "warned that the council would act": a warning of what will be done is a threat
    if is_future(token) and code[:2] not in ("01", "03"):
        if announces_own_measure(token, lexicon):
            return code  # "Paris announced that it would halve the number of visas": the measure itself
        return lexicon.intent_code(code[:2])
    return code


def is_alleged_wrong(code: str, speakers, doers, token) -> bool:
    """Whether a reported act makes the report an accusation: a conflictual act (roots 11 to 20),
    done in the past by someone other than the speaker ("said that Bogotá had violated ...")."""
    return code[:2] >= "11" and bool(doers) and not set(doers) & set(speakers) and not is_future(token)


def announces_own_measure(token, lexicon: Lexicon) -> bool:
    """A future act of the speaker's own, in what a verb of announcing says: "X announced that it
    would cut aid" puts the measure into effect by saying so (as "announced sanctions" does)."""
    governor = token.head
    if token.dep_ != "ccomp" or governor is token or governor.lemma_.lower() not in lexicon.words.announcing:
        return False
    subject, _ = subject_of(token)
    return subject is not None and subject.lower_ in ("it", "they", "we")

# -- recodes: the code depends on who acts (transforms/data/lexicon/recodes.csv) ------------


def _armed_group_source(cand, vocab: ActorVocabulary, words: WordClasses) -> bool:
    return bool(cand.sources) and all(a.actor_type == "group" and not is_civilian_crowd(a, vocab) for a in cand.sources)


def _crowd_source(cand, vocab: ActorVocabulary, words: WordClasses) -> bool:
    return bool(cand.sources) and all(is_civilian_crowd(a, vocab) for a in cand.sources)


def _explosive_subject(cand, vocab: ActorVocabulary, words: WordClasses) -> bool:
    subject, _ = subject_of(cand.token) if cand.token.pos_ in ("VERB", "AUX") else (None, False)
    return subject is not None and subject.lemma_.lower() in words.explosive


RECODE_CONDITIONS = {"armed_group_source": _armed_group_source, "crowd_source": _crowd_source,
                     "explosive_subject": _explosive_subject}


def recode(cand, lexicon: Lexicon, vocab: ActorVocabulary) -> None:
    """Apply the first row of recodes.csv whose condition holds and whose prefix the code has
    (`vocab`: the actor word lists, which say which groups are civilian crowds)."""
    for row in lexicon.recodes:
        if cand.code.startswith(row.code_prefix) and RECODE_CONDITIONS[row.condition](cand, vocab, lexicon.words):
            cand.code = row.new_code
            if row.symmetric is not None:
                cand.symmetric = row.symmetric
            return


def acts_by_another(cand: _Candidate, found: list[_Candidate]) -> bool:
    """ "Cuba retaliated by expelling a diplomat", "the rebels responded by shelling the town": the verb
    says how the act relates to what came before; the act is the gerund after "by"."""
    for child in cand.token.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            if any(o.token.head == child and o.token.dep_ == "pcomp" for o in found if o is not cand):
                return True
    return False


def _force_head(cand: _Candidate, by_token: dict) -> _Candidate | None:
    """The force event that a casualty verb reports the toll of, if any.

    - a participle of the event: "gunmen attacked the base, killing four soldiers";
    - a verb sharing its subject with the event: "rebels shelled the town and killed two";
    - a verb whose subject is the nominal event: "an air strike on the market killed nine".
    """
    token = cand.token
    if token.dep_ in ("advcl", "conj") and token.head.i in by_token:
        head = by_token[token.head.i]
        if token.dep_ == "advcl" and token.tag_ != "VBG":
            return None
        if token.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            return None  # its own subject: its own event ("... and the army killed two")
        return head if head.code[:2] in FORCE_ROOTS else None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.i in by_token and isinstance(by_token[subject.i].pattern, NounPattern):
        head = by_token[subject.i]
        return head if head.code[:2] in FORCE_ROOTS else None
    return None


def merge_casualties(found: list[_Candidate], words: WordClasses) -> list[_Candidate]:
    """A casualty verb ("killing four soldiers") is the toll of the force event it belongs to, not an
    event of its own: it is dropped, and its victims become that event's target when it has none."""
    by_token = {c.token.i: c for c in found}
    keep = []
    for cand in found:
        head = _force_head(cand, by_token) if cand.token.lemma_.lower() in words.casualty else None
        if head is None or head is cand:
            keep.append(cand)
            continue
        if not head.targets:
            head.targets = [a for a in cand.targets if a not in head.sources]
        if not head.sources:
            head.sources = cand.sources
    return keep


def is_against(modifier) -> bool:
    """ "anti-Japanese", "anti-government": a modifier that names whom the event is against."""
    doc = modifier.doc
    return modifier.lower_.startswith("anti-") or (
        modifier.i >= 2 and doc[modifier.i - 1].text == "-" and doc[modifier.i - 2].lower_ == "anti")


def happening(noun, code: str, words: WordClasses) -> bool:
    """ "Clashes broke out in the capital", "riots erupted", "fighting spread": a nominal event that is
    the subject of a verb of occurrence took place, whoever its actors were."""
    return code[:2] in ("14", "18", "19", "20") and noun.dep_ == "nsubj" and noun.head.lemma_.lower() in words.occurrence


def is_agentless_violence(token, code: str, words: WordClasses) -> bool:
    """Violence the text reports without naming who did it is still an event (issue 7, ANNOTATION.md's
    "source may be empty"): "a bomb exploded at the market", "three people were killed in Kano".

    Only verbs of force qualify, used with a weapon as subject or in the passive: a nominal "the war" or
    "the attack" with no participant is a reference back, not a new event.
    """
    if code[:2] not in ("18", "19", "20") or token.pos_ != "VERB":
        return False
    subject, passive = subject_of(token)
    if passive:
        return True
    return subject is not None and subject.lemma_.lower() in words.weapon


_DIRECTED_ROOTS = frozenset(f"{r:02d}" for r in range(2, 21)) - {"03"}


def document_parties(events: list[ExtractedEvent]) -> tuple[str, str] | None:
    """The two states a document is about, when two states clearly dominate its events.

    Counted by country over every source and target (a president counts for their state); the
    two must hold most mentions and each at least three, and the second must beat the third.
    """
    counts: dict[str, int] = {}
    for event in events:
        for actor in (event.source, event.target):
            if actor is not None and actor.country_code and actor.actor_type in ("state", "person"):
                counts[actor.country_code] = counts.get(actor.country_code, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) < 2:
        return None
    (first, n1), (second, n2) = ranked[:2]
    third = ranked[2][1] if len(ranked) > 2 else 0
    if n2 < 3 or n2 <= third or n1 + n2 < 0.5 * sum(counts.values()):
        return None
    return first, second


def other_party_as_target(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """In a document about two states, a directed act by one of them that names no target is aimed
    at the other ("Athens complained of repeated violations" in a history of Greece and Turkey)."""
    parties = document_parties(events)
    if parties is None:
        return events
    states = {}
    for event in events:
        for actor in (event.source, event.target):
            if actor is not None and actor.actor_type == "state" and actor.country_code in parties:
                states.setdefault(actor.country_code, actor)
    if len(states) < 2:
        return events
    out = []
    for event in events:
        source_country = event.source.country_code if event.source is not None else None
        if event.target is None and source_country in parties and event.code[:2] in _DIRECTED_ROOTS:
            other = parties[1] if source_country == parties[0] else parties[0]
            event = replace(event, target=states[other])
        out.append(event)
    return out
