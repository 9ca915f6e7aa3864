"""Turn noun phrases of a parsed sentence into canonical actors.

Users complain most about actors left as raw strings or attributed to the
wrong party, so resolution is strict: a phrase becomes an actor only when the
knowledge base knows it, when the text names a person or organisation (a
named entity), or when it refers back to one already seen in the document
("Lavrov" after "Sergey Lavrov", "he", "the minister"), or when it is a group
noun ("villagers", "Kurdish rebels") or a state organ ("Nigerian police"; bare
"police" is the document's state when the document names only one). Places
("Gaza") and titles of documents ("the Charter") are not actors.

Resolution is an ordered tuple of small named strategies, RESOLUTION_STRATEGIES
in transforms/actor_strategies.py; each has its own tests in tests/test_actors.py.
This module holds what they share: the Actor, the document's memory of actors,
name reading, and the Resolver that asks the strategies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from eventledger.transforms.actor_kb import ActorKB, ActorVocabulary, KBEntry
from eventledger.transforms.lexicon import WordClasses
from eventledger.transforms.places import resolve_place

_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "himself", "herself"}
_THING_PRONOUNS = {"it", "its", "itself"}


@dataclass(frozen=True)
class Actor:
    """A canonical actor as published in the `actors` table."""

    name: str
    actor_type: str
    country_code: str | None


def singular(word: str) -> str:
    """A plural noun's singular, for nouns of people: 'fishermen' -> 'fisherman',
    'militias' -> 'militia', 'youths' -> 'youth' (the tagger's lemma is not always there:
    "Gunmen" at the start of a sentence is tagged as a proper noun)."""
    word = word.lower()
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_civilian_crowd(actor: "Actor", vocab: ActorVocabulary) -> bool:
    """Protesters, rioters, crowds, villagers: their violence is coded as rioting, not as an armed attack."""
    # group names end in the noun as written ("Iraqi protesters", "fishermen")
    last = actor.name.split()[-1].lower() if actor.name else ""
    people = " " not in actor.name and last in vocab.peoples  # "Georgians" protesting: a crowd of a people
    return actor.actor_type == "group" and (last in vocab.crowd_nouns or singular(last) in vocab.crowd_nouns or people)


def group_noun_of(head, vocab: ActorVocabulary) -> str | None:
    """The group_nouns.csv row that `head` names, if any: 'gunmen' -> 'gunman', 'unknown armed
    men' -> 'armed man'; 'men' alone is no group."""
    forms = {head.lemma_.lower(), singular(head.text)}
    modifiers = {t.lower_ for t in head.lefts if t.dep_ in ("amod", "compound")}
    for noun in vocab.group_nouns:
        *before, last = noun.split()
        if last in forms and all(word in modifiers for word in before):
            return noun
    return None


@lru_cache(maxsize=4)
def _states_by_code(kb: ActorKB) -> dict[str, KBEntry]:
    """ISO3 -> state entry, built once per knowledge base (current states win over historic ones)."""
    table: dict[str, KBEntry] = {}
    for entry in sorted(kb.entries(), key=lambda e: kb.validity(e.name)[1] is not None):
        if entry.actor_type == "state" and entry.country_code and entry.country_code not in table:
            table[entry.country_code] = entry
    return table


def from_entry(entry: KBEntry) -> Actor:
    return Actor(entry.name, entry.actor_type, entry.country_code)


@dataclass
class DocumentActors:
    """Actors seen so far in one document: for coreference and for `aliases`."""

    kb: ActorKB
    aliases: dict[Actor, set[str]] = field(default_factory=dict)
    recent: list[Actor] = field(default_factory=list)
    roles: dict[str, Actor] = field(default_factory=dict)  # "minister" -> last person with that title
    place_countries: list[str] = field(default_factory=list)  # ISO3 of places named so far ("in Maiduguri")
    sentence: object = None  # the parsed sentence being read, and how many have been
    sentences_read: int = 0
    noted_in: dict[Actor, int] = field(default_factory=dict)  # actor -> the sentence it was last named in
    acronyms: dict[str, Actor] = field(default_factory=dict)  # "JNIM" -> the name it was bracketed after

    def note_place(self, country_code: str | None) -> None:
        """A place the document names: its country is a candidate for 'the document's state'."""
        if country_code and country_code not in self.place_countries:
            self.place_countries.append(country_code)

    def countries(self) -> set[str]:
        """The countries the document has named so far: its states and the countries of its places."""
        return {a.country_code for a in self.recent if a.actor_type == "state" and a.country_code} | set(self.place_countries)

    def note(self, actor: Actor, surface: str | None) -> Actor:
        """Record a mention (for aliases and recency) and return the actor."""
        forms = self.aliases.setdefault(actor, set())
        if surface:
            forms.add(re.sub(r"\s+", " ", surface).strip())
        if actor in self.recent:
            self.recent.remove(actor)
        self.recent.append(actor)
        self.noted_in[actor] = self.sentences_read
        return actor

    def reading(self, doc) -> None:
        """Mark that `doc` (one parsed sentence) is being read: counts sentences for `within`."""
        if doc is not self.sentence:
            self.sentence = doc
            self.sentences_read += 1

    def last(self, actor_type: str | tuple[str, ...], skip=(), within: int | None = None) -> Actor | None:
        """The latest actor of a type; with `within`, only one named in the last `within` sentences."""
        types = (actor_type,) if isinstance(actor_type, str) else actor_type
        for actor in reversed(self.recent):
            if actor.actor_type in types and actor not in skip:
                if within is not None and self.sentences_read - self.noted_in.get(actor, 0) >= within:
                    return None
                return actor
        return None

    def person_by_surname(self, surname: str) -> Actor | None:
        """A person already named in the document, referred to by one of their names.

        Mostly the surname ("Lavrov"), but some naming traditions use the
        given name ("Abiy" for Abiy Ahmed, "Isaias" for Isaias Afwerki).
        """
        key = surname.casefold()
        for actor in reversed(self.recent):
            if actor.actor_type != "person":
                continue
            names = actor.name.casefold().split()
            if names and (names[-1] == key or names[0] == key):
                return actor
        for actor in reversed(self.recent):
            # a name in the middle ("Lula" for Luiz Inácio Lula da Silva), if only one person has it
            if actor.actor_type == "person" and len(key) > 2 and key in actor.name.casefold().split()[1:-1]:
                return actor
        return None


def _span_text(tokens) -> str:
    """The text of tokens as written: contiguous tokens keep their own spacing
    ("Lashkar-e-Taiba", not "Lashkar - e - Taiba")."""
    tokens = list(tokens)
    if not tokens:
        return ""
    if all(b.i == a.i + 1 for a, b in zip(tokens, tokens[1:])):
        return tokens[0].doc[tokens[0].i: tokens[-1].i + 1].text
    return " ".join(t.text for t in tokens)


def entity_of(token):
    """The named-entity span that contains `token`, if any."""
    if not token.ent_type_:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return next((part for part in split_coordinated(ent) if part.start <= token.i < part.end), None)
    return None


_MONTHS = frozenset("january february march april may june july august september october november december".split())


def split_coordinated(ent):
    """An entity the model stretched over a coordination ("Erdoğan and Mitsotakis" as one ORG)
    is one entity per conjunct: cut at a "and"/"or"/comma that joins two names of it; a month it
    swallowed at its start ("August Medvedev") is cut off."""
    from spacy.tokens import Span  # spaCy is the parser's library; only needed when cutting

    if ent.label_ not in ("DATE", "TIME") and len(ent) > 1 and ent[0].lower_ in _MONTHS:
        # "On 26 August Medvedev recognised ...": the month is not part of the name
        ent = Span(ent.doc, ent.start + 1, ent.end, label=ent.label_)
    cuts = [t.i for t in ent if t.dep_ == "cc" or (t.text == "," and t.i + 1 < ent.end and ent.doc[t.i + 1].dep_ == "conj")]
    if not cuts or not any(t.dep_ == "conj" for t in ent):
        return [ent]

    parts, start = [], ent.start
    for cut in cuts:
        if cut > start:
            parts.append(Span(ent.doc, start, cut, label=ent.label_))
        start = cut + 1
    if start < ent.end:
        parts.append(Span(ent.doc, start, ent.end, label=ent.label_))
    return parts


def strip_titles(text: str, title_words: frozenset[str]) -> str:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin' (titles and adjectives off the front)."""
    words = text.replace("’s", "").replace("'s", "").split()
    while len(words) > 1 and (words[0].lower() in title_words or words[0][0].islower()):
        words = words[1:]
    return " ".join(words)


def name_tokens(head):
    """The proper-name tokens ending at `head`: the contiguous compound/flat modifiers before it.

    "UN General Assembly Resolution" -> all four tokens, although the parser
    hangs "UN" and "General" on "Assembly" rather than on "Resolution".
    """
    doc = head.doc
    start = head.i
    while start - 1 >= head.sent.start:
        token = doc[start - 1]
        chain_ok = token.dep_ in ("compound", "flat") and token.ent_type_ not in ("DATE", "TIME")  # not "26 August"
        node = token
        while chain_ok and node.head != head:
            node = node.head
            chain_ok = node.dep_ in ("compound", "flat") and node.i < head.i
        if not chain_ok:
            break
        start -= 1
    return [doc[i] for i in range(start, head.i + 1)]


_OPENING = {"(", "[", "{", '"', "“", "‘"}
_CLOSING = {")", "]", "}", '"', "”", "’", ".", ",", ";", ":", "!", "?"}


def _glued(left, right) -> bool:
    """Two tokens written without a space between them, as parts of one word
    ("Lashkar-e-Taiba", "Hay'at"), not a bracket; a possessive only inside a name that is
    not a place's or a person's ("New People's Army", not "Iran's Revolutionary Guards")."""
    if left.whitespace_ != "" or left.text in _OPENING or right.text in _CLOSING:
        return False
    if right.tag_ == "POS" or right.lower_ in ("'s", "’s"):
        return left.pos_ == "PROPN" and left.ent_type_ not in ("GPE", "LOC", "NORP", "PERSON") and right.whitespace_ != ""
    return True


def _name_part(token) -> bool:
    return token.pos_ == "PROPN" or (token.text[:1].isupper() and token.pos_ in ("NOUN", "ADJ") and token.i > token.sent.start)


def _connector_inside(doc, i: int, step: int, connectors: frozenset[str]) -> bool:
    """A lower-case word inside a name ("for the Liberation of", "al", "wal"): followed, in
    the direction of the walk, by a name part within two tokens."""
    for k in (i + step, i + 2 * step):
        if 0 <= k < len(doc) and doc[k].sent == doc[i].sent:
            if _name_part(doc[k]):
                return True
            if doc[k].lower_ not in connectors:
                return False
    return False


def written_name(head, connectors: frozenset[str]):
    """The whole proper name around `head` as written, where the parser or the entity
    recogniser cut it: hyphenated parts ("Tehrik-i-Taliban Pakistan"), particles
    ("Jama'at Nusrat al-Islam wal-Muslimin") and "of"/"for" phrases ("Democratic Forces for
    the Liberation of Rwanda"). A bracket ends it; `connectors` are actor_words.csv's name_connector
    words. Returns a Span (maybe just the head)."""
    doc = head.doc
    start = end = head.i
    sent = head.sent
    while start - 1 >= sent.start:
        prev = doc[start - 1]
        possessive_in_name = prev.tag_ == "POS" and start - 2 >= sent.start and _glued(doc[start - 2], prev)
        if _glued(prev, doc[start]) or _name_part(prev) or possessive_in_name or (
                prev.lower_ in connectors and _connector_inside(doc, start - 1, -1, connectors)):
            start -= 1
        else:
            break
    while end + 1 < sent.end:
        nxt = doc[end + 1]
        if _glued(doc[end], nxt) or _name_part(nxt) or (
                nxt.lower_ in connectors and _connector_inside(doc, end + 1, 1, connectors)):
            end += 1
        else:
            break
    while start < end and (doc[start].lower_ in connectors or doc[start].is_punct):
        start += 1
    while end > start and (doc[end].lower_ in connectors or doc[end].is_punct):
        end -= 1
    return doc[start: end + 1]


def _states_named_by(token, kb: ActorKB, when: dt.date | None) -> list[Actor]:
    """States that a modifier names ("Russian", "Israeli and Egyptian", "Russia's")."""
    states = []
    for member in [token, *[c for c in token.children if c.dep_ == "conj"]]:
        entry = None
        before = [c for c in member.lefts if c.dep_ in ("amod", "compound") and c.i == member.i - 1]
        if before:  # "South Sudanese", "North Korean": the two words name another state than the last
            phrase = f"{before[0].text} {member.text}"
            entry = kb.adjective(phrase, on=when) or kb.lookup(phrase, on=when)
        entry = entry or kb.adjective(member.text, on=when) or kb.lookup(member.text, on=when)
        if entry is None and member.dep_ in ("compound", "poss"):
            entry = kb.lookup(_span_text(name_tokens(member)), on=when)
        if entry is not None and entry.actor_type == "state":
            states.append(from_entry(entry))
    return states


def states_from_modifiers(head, kb: ActorKB, when: dt.date | None = None) -> list[Actor]:
    """The states named by adjectives, compounds or possessives before `head`, or by "of <state>" after it."""
    for child in head.lefts:
        if child.dep_ in ("amod", "compound", "nmod", "poss") or child.pos_ in ("ADJ", "PROPN"):
            states = _states_named_by(child, kb, when)
            if states:
                return states
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    states = _states_named_by(obj, kb, when)
                    if states:
                        return states
    return []


def country_from_modifiers(head, kb: ActorKB, when: dt.date | None = None) -> Actor | None:
    states = states_from_modifiers(head, kb, when)
    return states[0] if states else None


def _title_role(head, kb: ActorKB) -> str | None:
    """The office named before a person's name or as the head noun ("President", "the prime minister").

    Tries every run of title words before the head, longest first, so that
    "Foreign Minister Ana Lima" gives "foreign minister", not "minister".
    """
    ent = entity_of(head)
    before = [t for t in name_tokens(head)[:-1] if ent is None or not (ent.start <= t.i < ent.end)]
    before += [t for t in head.lefts if t.dep_ == "amod" and t not in before]
    words = [t.text for t in sorted(before, key=lambda t: t.i) if t.pos_ in ("PROPN", "NOUN", "ADJ")]
    spans = []
    for size in range(min(4, len(words) + 1), 0, -1):
        for start in range(0, len(words) + 1 - size):
            spans.append(" ".join(words[start : start + size]))
            if start + size == len(words):
                spans.append(" ".join(words[start:] + [head.text]))
    for text in sorted(set(spans), key=lambda t: -len(t.split())) + [head.text]:
        role = kb.role(text)
        if role:
            return role
    return None


class Resolver:
    """Resolves tokens of parsed sentences to actors within one document."""

    def __init__(self, kb: ActorKB, words: WordClasses, seen: DocumentActors | None = None) -> None:
        self.kb = kb
        self.vocab = kb.vocab  # actor word lists (actor_words.csv, group_nouns.csv)
        self.words = words  # the lexicon's word classes (titles, partitives, place nouns, ...)
        self.seen = seen or DocumentActors(kb)
        self._written: tuple = (None, {})  # (sentence, {token index: its written name})
        self._entities: tuple = (None, {})  # (sentence, {token index: its entity span})
        self._sentence_countries: tuple = (None, set())  # (sentence, countries its places and states name)
        self._resolved: tuple = (None, {})  # (sentence, {(token index, date, avoid): actors})

    def entity(self, token):
        """`entity_of(token)` from a table built once per sentence (doc.ents builds new spans
        on every access, and strategies ask for entities many times)."""
        doc, table = self._entities
        if doc is not token.doc:
            doc = token.doc
            table = {i: part for ent in doc.ents for part in split_coordinated(ent) for i in range(part.start, part.end)}
            self._entities = (doc, table)
        return table.get(token.i) if token.ent_type_ else None

    def written_name(self, head):
        """`written_name(head)`, computed once per token of the current sentence: extraction
        resolves the same phrase many times."""
        doc, cache = self._written
        if doc is not head.doc:
            doc, cache = head.doc, {}
            self._written = (doc, cache)
        if head.i not in cache:
            cache[head.i] = written_name(head, self.vocab["name_connector"])
        return cache[head.i]

    # -- public -----------------------------------------------------------------
    def resolve(self, head, when: dt.date | None = None, avoid: tuple | list = ()) -> list[Actor]:
        """Actors named by the phrase headed by `head` (several for "X and Y").

        `avoid` lists actors a pronoun here cannot refer to (the clause's
        subject, for an object pronoun: "X telephoned Y urging him").
        """
        self.seen.reading(head.doc)
        doc, memo = self._resolved
        if doc is not head.doc:
            doc, memo = head.doc, {}
            self._resolved = (doc, memo)
        key = (head.i, when, tuple(avoid))
        if head.pos_ != "PROPN":
            return self._resolve_fresh(head, when, avoid)  # pronouns and descriptions depend on what came before
        if key in memo:
            # the same name again in this sentence (extraction asks many times): same answer,
            # and the actors are named again for recency
            return [self.seen.note(actor, None) for actor in memo[key]]
        memo[key] = actors = self._resolve_fresh(head, when, avoid)
        return list(actors)

    def _resolve_fresh(self, head, when, avoid) -> list[Actor]:
        actors: list[Actor] = []
        for member in [head, *self._conjuncts(head)]:
            for actor in self._resolve_one(member, when, tuple(avoid)):
                if actor.actor_type == "person":
                    role = _title_role(member, self.kb)
                    if role:
                        self.seen.roles[role] = actor
                if actor not in actors:
                    actors.append(actor)
        return actors

    # -- internals ----------------------------------------------------------------
    def _conjuncts(self, head):
        out = []
        for child in head.children:
            if child.dep_ == "conj":
                out.append(child)
                out.extend(self._conjuncts(child))
        return out

    def _lookup(self, text: str, when: dt.date | None = None) -> Actor | None:
        entry = self.kb.lookup(text, on=when)
        return from_entry(entry) if entry else None

    def _resolve_one(self, head, when: dt.date | None, avoid: tuple = ()) -> list[Actor]:
        """Actors of one conjunct; a list because "the two countries" names two."""
        from eventledger.transforms.actor_strategies import Mention, resolve_mention  # the strategies use this module

        return resolve_mention(head, Mention(self, when, tuple(avoid)))


    def _group(self, head, when) -> Actor:
        """A collective named by a common noun: the organisation it belongs to when the text
        names one ("Lashkar-e-Taiba gunmen", "a bomber from Hamas"), else the phrase itself
        with its modifiers ("Kurdish insurgents", "tribal fighters")."""
        modifiers = [t for t in head.lefts if t.dep_ not in ("det", "nummod", "predet") and t.lower_ not in self.words.quantity_word]
        if modifiers:
            first = modifiers[0].i
            while first > head.sent.start and _glued(head.doc[first - 1], head.doc[first]):
                first -= 1  # "Al-Shabaab militants": the parser hangs only "Shabaab" on the noun
            words = head.doc[first: head.i]
            for start in range(len(words)):
                text = words[start:].text
                # "Lashkar-e-Taiba gunmen"; "Houthi fighters", where the group is named in the plural
                entry = self.kb.lookup(text, on=when) or (self.kb.lookup(text + "s", on=when) if text[:1].isupper() else None)
                if entry is not None and entry.actor_type in ("group", "organization"):
                    return self.seen.note(from_entry(entry), _span_text(list(head.subtree)[:8]))
        for child in head.children:
            candidates = []
            if child.dep_ in ("compound", "poss") and child.pos_ == "PROPN":
                candidates.append(child)
            if child.dep_ == "prep" and child.lower_ in ("from", "of"):
                candidates.extend(c for c in child.children if c.dep_ == "pobj")
            for token in candidates:
                entry = self.kb.lookup(_span_text(name_tokens(token)), on=when)
                if entry is not None and entry.actor_type in ("group", "organization"):
                    return self.seen.note(from_entry(entry), _span_text(list(head.subtree)[:8]))
        states = states_from_modifiers(head, self.kb, when)
        modifiers = [self._modifier_as_written(t)
                     for t in head.lefts
                     if t.dep_ in ("amod", "compound") and t.lower_ not in self.words.quantity_word and t.pos_ != "NUM"]
        if not states:
            states = [from_entry(e) for e in (self.kb.adjective(w, on=when) for w in modifiers)
                      if e is not None and e.actor_type == "state"][:1]  # "South Korean students"
        country = states[0].country_code if states else self._country_of_place_after(head)
        name = " ".join([*modifiers[-2:], head.lower_])
        actor = Actor(name, "group", country)
        return self.seen.note(actor, _span_text([t for t in head.subtree if t.dep_ not in ("det", "relcl", "prep")][:6]))

    @staticmethod
    def _modifier_as_written(token) -> str:
        """A modifier of a group noun as it is written: a nationality keeps its case and its
        whole name ("South Korean" in "South Korean students"), a common word is lower-cased."""
        ent = entity_of(token)
        if ent is not None and ent.label_ in ("NORP", "GPE") and ent.end == token.i + 1:
            return ent.text
        return token.text if token.ent_type_ in ("NORP", "GPE") or token.pos_ == "PROPN" else token.lower_

    def _country_of_place_after(self, head) -> str | None:
        """'students in Lagos', 'residents of Kano': the country of the place the group is in."""
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("in", "of", "from"):
                continue
            for obj in prep.children:
                ent = entity_of(obj) if obj.dep_ == "pobj" else None
                if ent is not None and ent.label_ in ("GPE", "LOC"):
                    entry = self.kb.lookup(ent.text)
                    if entry is not None and entry.actor_type == "state":
                        return entry.country_code  # "in Nairobi", "in Kenya"
                    place = resolve_place(strip_titles(ent.text, self.words.title_word))
                    if place is not None and place.country_code:
                        return place.country_code
        return None


    def _issuer(self, head, when) -> Actor | None:
        """'UN General Assembly Resolution 67/19' -> the body that issued it (a name prefix in the KB)."""
        if head.lemma_.lower() not in self.words.issued_document:
            return None
        words = [t for t in name_tokens(head)][:-1]
        for start in range(len(words)):
            for end in range(len(words), start, -1):
                entry = self.kb.lookup(_span_text(words[start:end]), on=when)
                if entry is not None and entry.actor_type in ("igo", "organization"):
                    return self.seen.note(from_entry(entry), _span_text(words[start:end]))
        return None


    def _is_place_noun(self, head) -> bool:
        return head.lemma_.lower() in self.words.place_noun and head.dep_ != "nsubj"

    def _the_two(self, head) -> list[Actor]:
        """"the two countries", "both governments": the two states the narrative is about."""
        if head.lemma_.lower() not in self.words.pair_noun or head.tag_ not in ("NNS", "NNPS"):
            return []
        if not any(c.lower_ in ("two", "both") for c in head.lefts):
            return []
        wanted = "person" if head.lemma_.lower() in self.words.pair_person_noun else "state"
        found = [a for a in reversed(self.seen.recent) if a.actor_type == wanted]
        if len(found) < 2 and wanted == "person":
            # "the two foreign ministers" whose names the text never gave: their two states
            found = [a for a in reversed(self.seen.recent) if a.actor_type == "state"]
        return found[:2][::-1] if len(found) >= 2 else []

    def _state_organ(self, head, ent, when) -> list[Actor]:
        """'the Russian Foreign Ministry', 'the Foreign Ministries of Russia and the EU', 'Pakistan Army'."""
        phrase = _span_text(name_tokens(head))
        candidates = [phrase, head.lemma_, head.text]
        if ent is not None:
            candidates.append(ent.text)
        if not any(self.kb.is_state_organ(c) for c in candidates):
            return []
        states = states_from_modifiers(head, self.kb, when)
        if not states:
            states = self._states_of_people_modifying(head, when)
        if not states and ent is not None:
            words = ent.text.split()
            for n in range(1, len(words)):
                entry = self.kb.lookup(" ".join(words[:n]), on=when) or self.kb.adjective(" ".join(words[:n]), on=when)
                if entry is not None and entry.actor_type == "state" and self.kb.is_state_organ(" ".join(words[n:])):
                    states = [from_entry(entry)]
                    break
        if not states:
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ == "of":
                    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if obj is not None:
                        states = [a for a in self.resolve(obj, when) if a.actor_type in ("state", "igo")]
        return [self.seen.note(s, phrase) for s in states]

    def _states_of_people_modifying(self, head, when) -> list[Actor]:
        """'the Eisenhower administration', "Assad's government": the state of the person named."""
        for child in head.lefts:
            if child.dep_ in ("compound", "poss") and child.pos_ == "PROPN":
                person = self.seen.person_by_surname(child.text)
                entry = None if person else (self.kb.lookup(_span_text(name_tokens(child)), on=when)
                                             or self.kb.person_by_surname(child.text, when))
                person = person or (from_entry(entry) if entry else None)
                if person is not None and person.actor_type == "person" and person.country_code:
                    state = self._state_by_code(person.country_code, when)
                    if state is not None:
                        return [state]
        return []

    def _state_by_code(self, code: str, when) -> Actor | None:
        return self.state_with_code(code, when)

    def state_with_code(self, code: str, when=None) -> Actor | None:
        """The state actor for an ISO3 code (the KB's canonical name), noted as seen."""
        entry = _states_by_code(self.kb).get(code)
        return self.seen.note(from_entry(entry), None) if entry else None

    def _last_with_role(self, role: str) -> Actor | None:
        return self.seen.roles.get(role) or self.seen.last("person")

    def _last_with_title_word(self, word: str) -> Actor | None:
        """'the minister' -> the latest person introduced with a title containing that word."""
        for role, actor in reversed(list(self.seen.roles.items())):
            if word in role.split():
                return actor
        return None

    def _definite(self, head) -> bool:
        return any(child.lower_ == "the" for child in head.lefts)

    def _pronoun(self, head, avoid: tuple = ()) -> Actor | None:
        lower = head.lower_
        if lower in ("himself", "herself", "itself"):
            avoid = ()  # a reflexive refers to the subject
        if lower in _PERSON_PRONOUNS:
            return self.seen.last("person", skip=avoid)
        if lower in _THING_PRONOUNS:
            return self.seen.last(("state", "organization", "igo", "group"), skip=avoid)
        if lower == "them":
            # "police fired tear gas to disperse them": the crowd or group named in this sentence or
            # the one before; "they" as a subject is left alone (in a history of two states it is
            # usually both of them)
            return self.seen.last("group", skip=avoid, within=2)
        return None

    def _from_entity(self, ent, head, when: dt.date | None) -> Actor | None:
        text = ent.text
        if ent.label_ == "NORP":
            entry = self.kb.adjective(text) or self.kb.lookup(text)
            if entry is not None:
                return self.seen.note(from_entry(entry), text)
            if head.tag_ in ("NNPS", "NNS") or (head.text.endswith("s") and head.pos_ in ("PROPN", "NOUN")):
                # a people without a state of its own: "the Kurds", "the Hoa"
                return self.seen.note(Actor(re.sub(r"^the\s+", "", text, flags=re.I), "group", None), text)
            return None
        actor = self._lookup(text) or self._lookup(strip_titles(text, self.words.title_word))
        if actor is not None:
            return self.seen.note(actor, text)
        if ent.label_ == "PERSON":
            return self._person(ent, head, when)
        if len(ent) == 1 or (len(ent) == 2 and ent[0].lower_ == "the"):
            # the model often tags a bare surname as ORG or GPE ("Lavrov called on ...")
            known = self.seen.person_by_surname(head.text)
            entry = None if known else self.kb.person_by_surname(head.text, when)
            if known or entry:
                return self.seen.note(known or from_entry(entry), text)
        parent = self._parent_of_organ(head, when)
        if parent is not None:
            return self.seen.note(parent, text)
        place = resolve_place(strip_titles(text, self.words.title_word)) if len(ent) <= 2 else None
        if place is not None:
            self.seen.note_place(place.country_code)
            return None  # a town the model took for an organisation or a person ("near Badme")
        if ent.label_ == "ORG":
            whole = self.written_name(head)
            if whole.start <= ent.start and ent.end <= whole.end and len(whole) > len(ent) and any(
                    _glued(a, b) and not (ent.start <= a.i and b.i < ent.end) for a, b in zip(whole, whole[1:])):
                text = whole.text  # the recogniser cut a hyphenated name: "Tehrik" of "Tehrik-i-Jihad Sindh"
            name = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
            if self.words.document_word & {w.lower() for w in name.split()}:
                return None  # "the Treaty of Warsaw", "the Adana Agreement": documents, not actors
            country = country_from_modifiers(head, self.kb)
            return self.seen.note(Actor(name, "organization", country.country_code if country else None), text)
        return None  # GPE/LOC/FAC not known as a state: a place, not an actor


    def _parent_of_organ(self, head, when: dt.date | None) -> Actor | None:
        """'the Executive Committee of the X' -> X, when X is a known organisation or state."""
        if head.lemma_.lower() not in self.words.organ_head:
            return None
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is None:
                    continue
                entry = self.kb.lookup(_span_text(name_tokens(obj)), on=when)
                if entry is not None and entry.actor_type in ("igo", "organization", "group", "state"):
                    return from_entry(entry)
        return None

    def _person(self, ent, head, when: dt.date | None) -> Actor | None:
        name = strip_titles(ent.text, self.words.title_word)
        full = strip_titles(_span_text(name_tokens(head)), self.words.title_word)
        if len(full) > len(name) and full.endswith(name) and self._first_names(full[: -len(name)].split(), when):
            name = full  # the model left a first name out of the entity ("Luiz | Inácio Lula da Silva")
        if not name:
            return None
        if " " not in name:
            known = self.seen.person_by_surname(name)
            if known is not None:
                return self.seen.note(known, ent.text)
            entry = self.kb.person_by_surname(name, when) or self._office_holder_by_given_name(name, when)
            if entry is not None:
                return self.seen.note(from_entry(entry), ent.text)
        entry = self.kb.lookup(name)
        if entry is not None:
            return self.seen.note(from_entry(entry), ent.text)
        country = country_from_modifiers(head, self.kb) or self._country_of_apposed_title(head)
        return self.seen.note(Actor(name, "person", country.country_code if country else None), ent.text)

    def _first_names(self, words: list[str], when) -> bool:
        """Whether words before a person's entity are more of the name, not a date, a nationality, a
        title or a body ("April Li Hongzhang", "Russian Duma deputy Sergei Gavrilov" are not)."""
        return 0 < len(words) <= 2 and all(
            w[:1].isupper() and w.lower() not in _MONTHS and w.lower() not in self.words.title_word
            and self.kb.adjective(w, on=when) is None and self.kb.lookup(w, on=when) is None
            for w in words)

    def _office_holder_by_given_name(self, name: str, when: dt.date | None) -> KBEntry | None:
        """'Meles', 'Isaias': leaders known by their given name, when exactly one such
        holder was in office on that date."""
        if when is None:
            return None
        key = name.casefold()
        holders = {
            term.person.name: term.person
            for term in self.kb.terms()
            if term.person.name.casefold().split()[0] == key
            and term.start <= when and (term.end is None or when <= term.end)
        }
        return next(iter(holders.values())) if len(holders) == 1 else None

    def _country_of_apposed_title(self, head) -> Actor | None:
        """'The head of the Russian ... Committee, Ivan Petrov' -> Russia."""
        governor = head.head if head.dep_ == "appos" else None
        if governor is None:
            return None
        for token in governor.subtree:
            entry = self.kb.adjective(token.text)
            if entry is not None and entry.actor_type == "state":
                return from_entry(entry)
        return None
