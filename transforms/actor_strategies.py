"""Actor resolution strategies: the ordered rules that turn a noun phrase into actors.

A phrase is resolved by the first strategy, in RESOLUTION_STRATEGIES order, that
has an answer (transforms/actors.py's Resolver asks). Each strategy is a small
function with its own tests in tests/test_actors.py, so a rule can be read,
tested and reordered alone, as spaCy's registered components are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from eventledger.transforms.actor_kb import ActorKB, ActorVocabulary
from eventledger.transforms.actors import (
    Actor,
    DocumentActors,
    Resolver,
    _PERSON_PRONOUNS,
    _THING_PRONOUNS,
    _name_part,
    _span_text,
    _states_named_by,
    _title_role,
    country_from_modifiers,
    entity_of,
    from_entry,
    group_noun_of,
    name_tokens,
    singular,
    states_from_modifiers,
    strip_titles,
    written_name,
)
from eventledger.transforms.places import resolve_place

_NOT_ACTOR_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


# -- resolution strategies -------------------------------------------------------
#
# A phrase is resolved by the first strategy, in RESOLUTION_STRATEGIES order, that
# has an answer. Each is a small function `(head, mention) -> list[Actor] | None`:
#   None          no opinion, the next strategy is tried;
#   []            decided: the phrase names no actor (nothing later is tried);
#   [actor, ...]  the actors the phrase names.
# The order is the design: a pronoun before a name, a known name before a guess
# from the parse, a title before a bare surname, a group noun before "any noun with
# a state adjective". Add a rule as a new function at the place where it belongs.


@dataclass
class Mention:
    """What a strategy knows besides the head token: the resolver (the knowledge base
    and the actors the document has named so far), the date of the event, and the
    actors a pronoun here cannot refer to."""

    resolver: "Resolver"
    when: dt.date | None = None
    avoid: tuple = ()

    @property
    def kb(self) -> ActorKB:
        return self.resolver.kb

    @property
    def seen(self) -> DocumentActors:
        return self.resolver.seen

    def entity(self, token):
        """`entity_of(token)`, from the resolver's table for the sentence."""
        return self.resolver.entity(token)


def resolve_mention(head, mention: Mention) -> list[Actor]:
    """The answer of the first strategy that has one; no strategy, no actor."""
    for strategy in RESOLUTION_STRATEGIES:
        found = strategy(head, mention)
        if found is not None:
            return found
    return []


def counted_group(head, m: Mention) -> list[Actor] | None:
    """'a group of youths', 'dozens of protesters', 'hundreds of students and teachers': the
    actor is what is counted, not the quantity (tried before the number check, since the
    model tags 'Dozens' as a cardinal)."""
    if head.lemma_.lower() not in m.resolver.vocab["counted_group"] and singular(head.text) not in m.resolver.vocab["counted_group"]:
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            counted = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if counted is not None:
                people = _people(counted, m)
                return people or m.resolver.resolve(counted, m.when, m.avoid) or None
    return None


def _people(head, m: Mention) -> list[Actor]:
    """'thousands of Georgians', 'hundreds of Koreans': a counted crowd of a people is that crowd
    (a civilian group of the state's country), not the state."""
    entry = m.kb.adjective(head.text, on=m.when)
    if entry is None or entry.actor_type != "state" or head.tag_ not in ("NNS", "NNPS") or not head.text[:1].isupper():
        return []
    return [m.seen.note(Actor(head.text, "group", entry.country_code), head.text)]


def not_an_actor_entity(head, m: Mention) -> list[Actor] | None:
    """A date, a number or an amount is never an actor: "in May" is a month, not Theresa May."""
    return [] if head.ent_type_ in _NOT_ACTOR_LABELS else None


def pronoun(head, m: Mention) -> list[Actor] | None:
    """'he', 'its': the latest person, or state/organisation, that the clause allows."""
    if head.pos_ == "PRON" or head.lower_ in _PERSON_PRONOUNS | _THING_PRONOUNS:
        actor = m.resolver._pronoun(head, m.avoid)
        return [actor] if actor else []
    return None


def _bracketed_after(span):
    """The single token in brackets right after `span` ("... Rwanda (FDLR)"), if any."""
    doc = span.doc
    k = span.end
    if k + 2 < len(doc) + 0 and doc[k].text == "(" and doc[k + 2].text == ")" and doc[k + 1].text[:1].isupper():
        return doc[k + 1]
    return None


def _name_before_bracket(head, connectors: frozenset[str]):
    """'JNIM' in "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)": the written name before its bracket."""
    doc = head.doc
    if head.i < 2 or head.i + 1 >= len(doc) or doc[head.i - 1].text != "(" or doc[head.i + 1].text != ")":
        return None
    before = doc[head.i - 2]
    if not _name_part(before):
        return None  # "the United Nations mission (MONUSCO)": the bracket names more than the words before it
    span = written_name(before, connectors)  # rare: only before a bracket
    return span if len(span) else None


def _trim_to_acronym(span, acronym: str, connectors: frozenset[str]):
    """'Hamas and the Popular Front for the Liberation of Palestine (PFLP)': a name before a
    bracket runs back only as far as its acronym allows (one capitalised word per letter)."""
    capitals = [t for t in span if t.text[:1].isupper()]
    ands = [t for t in span if t.lower_ == "and"]
    if ands and len(capitals) > len(acronym):
        span = span.doc[ands[-1].i + 1: span.end]
        while len(span) > 1 and span[0].lower_ in connectors:
            span = span.doc[span.start + 1: span.end]
    return span


def bracketed_acronym(head, m: Mention) -> list[Actor] | None:
    """'Jama'at Nusrat al-Islam wal-Muslimin (JNIM)', 'the Democratic Forces for the Liberation
    of Rwanda (FDLR)': one actor, the full written name (or the KB's, when it knows the name or
    the acronym); the bracketed acronym becomes its alias for the rest of the document."""
    doc = head.doc
    if head.pos_ != "PROPN" or "(" not in doc.text or not any(t.text == "(" for t in doc[max(head.i - 1, 0): head.i + 12]):
        return None  # no bracket near (cheap tests first: this runs for every proper noun)
    connectors = m.resolver.vocab["name_connector"]
    name = _name_before_bracket(head, connectors)
    acronym = head if name is not None else None
    if name is None:
        name = m.resolver.written_name(head)
        acronym = _bracketed_after(name)
    if acronym is None or not acronym.text.isupper() or len(acronym.text) < 2 or not _name_part(name[-1]):
        return None
    name = _trim_to_acronym(name, acronym.text, connectors)
    text = re.sub(r"^the\s+", "", name.text, flags=re.I)
    entry = m.kb.lookup(text, on=m.when) or m.kb.lookup(acronym.text, on=m.when)
    if entry is not None and entry.actor_type in ("state", "person"):
        entry = None if m.kb.lookup(text, on=m.when) is None else entry
    if entry is not None:
        actor = from_entry(entry)
    else:  # an organisation the KB does not know: its full written name, its country if the name has one
        states = [e for e in (m.kb.adjective(t.text, on=m.when) or m.kb.lookup(t.text, on=m.when) for t in name if _name_part(t))
                  if e is not None and e.actor_type == "state"]
        actor = Actor(text, "organization", states[0].country_code if states else None)
    m.seen.acronyms[acronym.text] = actor
    m.seen.note(actor, acronym.text)
    return [m.seen.note(actor, text)]


def document_acronym(head, m: Mention) -> list[Actor] | None:
    """'JNIM' after "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)": the document's own alias."""
    actor = m.seen.acronyms.get(head.text)
    return [m.seen.note(actor, head.text)] if actor is not None else None


def apposed_name(head, m: Mention) -> list[Actor] | None:
    """The name in apposition is the actor: 'The spokesman of X, Ivan Petrov, said' -> the
    person; 'the militant group Ansar Dine', 'the rebel group M12' -> the group, by its full
    written name when the knowledge base does not know it."""
    for child in head.children:
        if child.dep_ != "appos":
            continue
        ent = m.entity(child)
        titled = head.lemma_.lower() in m.resolver.words.title_word and child.pos_ == "PROPN"
        if ent is not None and ent.label_ == "PERSON":
            return resolve_mention(child, Mention(m.resolver, m.when, m.avoid))
        if titled:
            # "the envoy Thabo Mbeki": a title's apposed name is a person, whatever label the
            # entity recogniser gave it (it may take a person's name for a place)
            found = resolve_mention(child, Mention(m.resolver, m.when, m.avoid))
            if found:
                return found
            name = _span_text(name_tokens(child))
            entry = m.kb.lookup(name, on=m.when)
            return [m.seen.note(from_entry(entry) if entry is not None else Actor(name, "person", None), name)]
        if child.pos_ == "PROPN" and head.pos_ == "NOUN" and _names_a_group(head, m.resolver.vocab):
            found = resolve_mention(child, Mention(m.resolver, m.when, m.avoid))
            if found and any(a.actor_type != "organization" or m.kb.get(a.name) for a in found):
                return found  # known to the KB, or not an organisation unknown to it
            name = ent.text if ent is not None else _span_text(name_tokens(child))
            name = re.sub(r"^the\s+", "", name, flags=re.I)
            return [m.seen.note(Actor(name, "group", None), name)]
    return None


def _names_a_group(head, vocab: ActorVocabulary) -> bool:
    """'group', 'movement', 'militants', 'rebels': a noun that an apposed name can name."""
    return head.lemma_.lower() in vocab["named_group_head"] or group_noun_of(head, vocab) is not None


def the_two_parties(head, m: Mention) -> list[Actor] | None:
    """'the two countries', 'both leaders': the last two states (people) of the narrative."""
    return m.resolver._the_two(head) or None


def known_name(head, m: Mention) -> list[Actor] | None:
    """A name the knowledge base knows: the entity as tagged, without its titles, or the
    proper-name tokens ending at the head ('UN General Assembly')."""
    ent = m.entity(head)
    text = _span_text(name_tokens(head))
    whole = None
    if head.pos_ == "PROPN":  # "Tehrik-i-Taliban Pakistan", not "Pakistan"
        span = m.resolver.written_name(head)
        if ent is None or (span.start <= ent.start and ent.end <= span.end):  # "the People's Republic of China" stays
            whole = span.text if span.text not in (text, ent.text if ent is not None else None) else None
    for surface in (whole, ent.text if ent is not None else None, strip_titles(ent.text, m.resolver.words.title_word) if ent is not None else None, text):
        if surface:
            actor = m.resolver._lookup(surface, m.when)
            if actor is not None:
                return [m.seen.note(actor, surface)]
    return None


def whole_single_name(head, m: Mention) -> list[Actor] | None:
    """A one-word proper name the KB knows ('Hamas'); the last word alone only when it is the
    whole name ('the National Congress' is not 'Congress')."""
    ent = m.entity(head)
    if head.pos_ == "PROPN" and len(name_tokens(head)) == 1 and (ent is None or len(ent) == 1):
        actor = m.resolver._lookup(head.text, m.when)
        if actor is not None:
            return [m.seen.note(actor, head.text)]
    return None


def issuer_of_document(head, m: Mention) -> list[Actor] | None:
    """'UN General Assembly Resolution 67/19' -> the body that issued it."""
    issuer = m.resolver._issuer(head, m.when)
    return [issuer] if issuer is not None else None


def document_title(head, m: Mention) -> list[Actor] | None:
    """A title of a document or an episode is never an actor: 'the Treaty of Friendship and
    Cooperation', 'the Charter', 'the Tashkent Declaration', 'the Soviet-Afghan Treaty'
    (a capitalised head from the document_word class; the body that issued a resolution is
    found before, by issuer_of_document)."""
    document_words = m.resolver.words.document_word
    if head.text[:1].isupper() and head.lemma_.lower() in document_words | {w + "s" for w in document_words}:
        return []
    return None


def demonym_as_noun(head, m: Mention) -> list[Actor] | None:
    """'the Palestinians', 'Israelis': a capitalised demonym used as a noun is its state."""
    entry = m.kb.adjective(head.text, on=m.when)
    if entry is not None and head.pos_ in ("PROPN", "NOUN") and head.text[0].isupper():
        return [m.seen.note(from_entry(entry), head.text)]
    return None


def state_organ(head, m: Mention) -> list[Actor] | None:
    """'the Russian Foreign Ministry', 'Pakistan Army': an organ coded as its state."""
    return m.resolver._state_organ(head, m.entity(head), m.when) or None


def forces_of_a_group(head, m: Mention) -> list[Actor] | None:
    """'Houthi forces', 'Wagner troops', 'RSF soldiers': forces named after an armed group or a
    company are that group, not a state's organ."""
    if m.kb.state_organ_type(head.text) != "state":
        return None
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "nmod") and child.pos_ == "PROPN":
            name = _span_text(name_tokens(child))
            entry = m.kb.lookup(name, on=m.when) or m.kb.lookup(name + "s", on=m.when)
            if entry is not None and entry.actor_type in ("group", "organization"):
                return [m.seen.note(from_entry(entry), _span_text([child, head]))]
    return None


def organ_of_the_documents_state(head, m: Mention) -> list[Actor] | None:
    """'police', 'soldiers', 'the military', 'government troops', 'security forces' with no
    state named before or after them: the state the document is about, when the document so
    far (and this sentence) names exactly one country, by a state or by a place ("In Maiduguri,
    Borno state, police arrested ..." -> Nigeria). Not for forces the text marks as someone
    else's ("foreign troops", "rebel forces", "Wagner forces", "their soldiers")."""
    if head.pos_ not in ("NOUN", "PROPN") or m.kb.state_organ_type(head.text) != "state" or m.entity(head) is not None:
        return None
    if m.kb.state_organ_type(_span_text(name_tokens(head))) != "state":
        return None
    if any(_marks_another_force(child, m.resolver.vocab) for child in head.children):
        return None
    countries = m.seen.countries() | _countries_named_in_sentence(head, m)
    if len(countries) != 1:
        return None
    state = m.resolver.state_with_code(next(iter(countries)), m.when)
    return [state] if state is not None else None


def _marks_another_force(child, vocab: ActorVocabulary) -> bool:
    """A modifier that makes a force someone else's than the document's state: a name
    ("Wagner forces"), a possessive ("their soldiers"), a non-state collective ("rebel
    forces") or a word of actor_words.csv's foreign_force class ("coalition troops")."""
    if child.dep_ == "poss" or (child.dep_ in ("compound", "nmod", "amod") and (child.pos_ == "PROPN" or child.ent_type_)):
        return True
    if child.dep_ in ("compound", "amod", "nmod"):
        return child.lower_ in vocab["foreign_force"] or group_noun_of(child, vocab) is not None
    return child.dep_ == "prep" and child.lower_ in ("of", "from")  # "soldiers of the rebel army"


def _countries_named_in_sentence(head, m: Mention) -> set[str]:
    """Countries of the states and places the sentence names (a place may come after the
    event: "Police arrested twelve men in Kano"); worked out once per sentence."""
    doc, found = m.resolver._sentence_countries
    if doc is not head.doc:
        found = _countries_of_entities(head.doc, m)
        m.resolver._sentence_countries = (head.doc, found)
    return found


def _countries_of_entities(doc, m: Mention) -> set[str]:
    found = set()
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC"):
            continue
        entry = m.kb.lookup(ent.text, on=m.when)
        if entry is not None:
            if entry.actor_type == "state" and entry.country_code:
                found.add(entry.country_code)
            continue
        place = resolve_place(strip_titles(ent.text, m.resolver.words.title_word))
        if place is not None and place.country_code:
            found.add(place.country_code)
    return found


def title_without_name(head, m: Mention) -> list[Actor] | None:
    """'the Russian President' -> the holder of that office on the date; 'the Shah', 'the
    Pope': titles held in one country only; 'the prime minister' -> the last one named.

    (An unknown holder of a national office, 'the Iranian ambassador', falls through to
    its state, later.)"""
    ent = m.entity(head)
    role = _title_role(head, m.kb)
    if not role or (ent is not None and ent.label_ == "PERSON"):
        return None
    resolver = m.resolver
    state = country_from_modifiers(head, m.kb, m.when)
    definite = resolver._definite(head)
    entry = m.kb.office_holder(role, state.country_code if state else None, m.when) if (state or definite) else None
    if entry is not None:
        return [m.seen.note(from_entry(entry), _span_text([t for t in head.subtree if t.dep_ != "det"]))]
    if definite and head.pos_ == "NOUN" and state is None:
        actor = resolver._last_with_role(role)
        if actor is not None:
            return [actor]
    return None


def generic_title(head, m: Mention) -> list[Actor] | None:
    """'the minister', 'the general' with nothing after it: the latest person introduced with
    a title containing that word, or nobody."""
    if head.lemma_.lower() in m.resolver.words.generic_title and m.resolver._definite(head) and head.pos_ == "NOUN" and not list(head.rights):
        if not states_from_modifiers(head, m.kb, m.when):
            actor = m.resolver._last_with_title_word(head.lemma_.lower())
            return [actor] if actor else []
    return None


def named_entity(head, m: Mention) -> list[Actor] | None:
    """A person, organisation or people the model tagged, known to the KB or not."""
    ent = m.entity(head)
    if ent is not None and ent.label_ in _ENTITY_LABELS:
        actor = m.resolver._from_entity(ent, head, m.when)
        if actor is not None:
            return [actor]
    return None


def untagged_person_name(head, m: Mention) -> list[Actor] | None:
    """'Relations grew tense after Hugo Chávez took office': a two- or three-word proper name that
    the entity recogniser took for a work of art or a product, or missed, and that acts or is
    acted on, is a person. Not a title of a document ('the Camp David Accords') or of an office."""
    ent = m.entity(head)
    if head.pos_ != "PROPN" or (ent is not None and ent.label_ not in ("WORK_OF_ART", "PRODUCT", "EVENT", "LAW")):
        return None
    if head.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj"):
        return None
    tokens = name_tokens(head)
    words = m.resolver.words
    if not 2 <= len(tokens) <= 3 or any(t.pos_ != "PROPN" or not t.text[:1].isupper() or not t.text.isalpha() for t in tokens):
        return None
    if any(t.lower_ in words.document_word | words.title_word for t in tokens) or any(c.lower_ == "the" for c in head.lefts):
        return None
    if any(m.kb.lookup(t.text, on=m.when) is not None or m.kb.adjective(t.text, on=m.when) is not None for t in tokens):
        return None  # "Soviet Union", "Israeli Knesset": a known name or nationality is not a person's
    name = _span_text(tokens)
    return [m.seen.note(Actor(name, "person", None), name)]


def untagged_acronym(head, m: Mention) -> list[Actor] | None:
    """'RENAMO rejected the proposal': an acronym the entity recogniser missed is an organisation
    (the KB's, when it knows the acronym)."""
    if head.pos_ != "PROPN" or m.entity(head) is not None or not head.text.isupper() or not head.text.isalpha() \
            or len(head.text) < 3 or head.dep_ in ("compound", "flat"):
        return None
    entry = m.kb.lookup(head.text, on=m.when)
    return [m.seen.note(from_entry(entry) if entry is not None else Actor(head.text, "organization", None), head.text)]


def bare_surname(head, m: Mention) -> list[Actor] | None:
    """'Lavrov' after 'Sergey Lavrov', or a surname the KB knows; sometimes mis-tagged as a
    common noun at the start of a sentence."""
    ent = m.entity(head)
    if head.pos_ in ("PROPN", "NOUN") and (ent is None or len(ent) == 1) and head.text[:1].isupper() and head.dep_ not in ("compound",):
        known = m.seen.person_by_surname(head.text)
        entry = None if known else m.kb.person_by_surname(head.text, m.when)
        if known or entry:
            return [m.seen.note(known or from_entry(entry), head.text)]
    return None


def partitive_body(head, m: Mention) -> list[Actor] | None:
    """'members of Egyptian Islamic Jihad', 'representatives of the PLO': the body they belong to."""
    if head.lemma_.lower() not in m.resolver.words.partitive:
        return None
    body = next((c for p in head.children if p.dep_ == "prep" and p.lower_ in ("of", "from")
                 for c in p.children if c.dep_ == "pobj"), None)
    if body is not None:
        found = m.resolver.resolve(body, m.when)
        if found:
            return found
    return None


def group_noun(head, m: Mention) -> list[Actor] | None:
    """A generic collective: 'militants', 'Kurdish rebels', 'Iraqi protesters', 'villagers',
    'unknown armed men'; also when tagged as a name at the start of a sentence ('Gunmen
    attacked ...') but not inside a named entity ('the Jihadists Brigade')."""
    if head.pos_ == "NOUN" or (head.pos_ == "PROPN" and m.entity(head) is None):
        if group_noun_of(head, m.resolver.vocab) is not None:
            return _members_body(head, m) or [m.resolver._group(head, m.when)]
    return None


def _members_body(head, m: Mention) -> list[Actor]:
    """'fighters of the Rapid Support Forces', 'militants of Tehrik-i-Taliban Pakistan': members
    of a named body are that body."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ == "PROPN":
                found = resolve_mention(obj, Mention(m.resolver, m.when, m.avoid))
                if found and all(a.actor_type in ("group", "organization", "state") for a in found):
                    return found
    return []


def noun_with_state_adjective(head, m: Mention) -> list[Actor] | None:
    """A common noun with a state adjective: 'Syrian air defences', 'Indian troops', 'a Russian
    Su-24'. For names only a nationality adjective counts, not a place in the name ('the
    Algiers Agreement' is not Algeria's)."""
    ent = m.entity(head)
    if not (head.pos_ == "NOUN" or (head.pos_ == "PROPN" and (ent is None or ent.label_ in ("PRODUCT", "ORG", "NORP")))):
        return None
    if head.pos_ == "NOUN":
        states = states_from_modifiers(head, m.kb, m.when)
    else:
        states = [s for child in head.lefts
                  if child.dep_ == "amod" or (child.dep_ == "compound" and child.ent_type_ == "NORP")
                  for s in _states_named_by(child, m.kb, m.when)]
    if states and not m.resolver._is_place_noun(head):
        return [m.seen.note(s, _span_text(list(head.subtree))) for s in states]
    return None


RESOLUTION_STRATEGIES = (
    counted_group,
    not_an_actor_entity,
    pronoun,
    bracketed_acronym,
    document_acronym,
    apposed_name,
    the_two_parties,
    known_name,
    whole_single_name,
    issuer_of_document,
    document_title,
    demonym_as_noun,
    state_organ,
    forces_of_a_group,
    organ_of_the_documents_state,
    title_without_name,
    generic_title,
    named_entity,
    untagged_person_name,
    untagged_acronym,
    bare_surname,
    partitive_body,
    group_noun,
    noun_with_state_adjective,
)
