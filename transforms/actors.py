"""Turn noun phrases of a parsed sentence into canonical actors.

Users complain most about actors left as raw strings or attributed to the
wrong party, so resolution is strict: a phrase becomes an actor only when the
knowledge base knows it, when the text names a person or organisation (a
named entity), or when it refers back to one already seen in the document
("Lavrov" after "Sergey Lavrov", "he", "the minister"). Anything else (common
nouns such as "militants", places such as "Gaza") is not an actor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from transforms.actor_kb import ActorKB, KBEntry

_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "himself", "herself"}
_THING_PRONOUNS = {"it", "its", "itself"}
_TITLE_WORDS = frozenset(
    """president prime minister foreign secretary chairman chairwoman head leader king queen emir
    chancellor general premier spokesman spokeswoman spokesperson ambassador envoy deputy
    vice acting former late mr mrs ms dr sheikh sultan crown prince ayatollah senator commander
    secretary-general director chief speaker""".split()
)
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_LOCATION_ONLY = {"LOC", "FAC"}


@dataclass(frozen=True)
class Actor:
    """A canonical actor as published in the `actors` table."""

    name: str
    actor_type: str
    country_code: str | None


def from_entry(entry: KBEntry) -> Actor:
    return Actor(entry.name, entry.actor_type, entry.country_code)


@dataclass
class DocumentActors:
    """Actors seen so far in one document: for coreference and for `aliases`."""

    kb: ActorKB
    aliases: dict[Actor, set[str]] = field(default_factory=dict)
    recent: list[Actor] = field(default_factory=list)
    roles: dict[str, Actor] = field(default_factory=dict)  # "minister" -> last person with that title

    def note(self, actor: Actor, surface: str | None) -> Actor:
        """Record a mention (for aliases and recency) and return the actor."""
        forms = self.aliases.setdefault(actor, set())
        if surface:
            forms.add(re.sub(r"\s+", " ", surface).strip())
        if actor in self.recent:
            self.recent.remove(actor)
        self.recent.append(actor)
        return actor

    def last(self, actor_type: str | tuple[str, ...]) -> Actor | None:
        types = (actor_type,) if isinstance(actor_type, str) else actor_type
        for actor in reversed(self.recent):
            if actor.actor_type in types:
                return actor
        return None

    def person_by_surname(self, surname: str) -> Actor | None:
        key = surname.casefold()
        for actor in reversed(self.recent):
            if actor.actor_type == "person" and actor.name.split()[-1].casefold() == key:
                return actor
        return None


def _span_text(tokens) -> str:
    return " ".join(t.text for t in tokens)


def entity_of(token):
    """The named-entity span that contains `token`, if any."""
    if not token.ent_type_:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def strip_titles(text: str) -> str:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin' (titles and adjectives off the front)."""
    words = text.replace("’s", "").replace("'s", "").split()
    while len(words) > 1 and (words[0].lower() in _TITLE_WORDS or words[0][0].islower()):
        words = words[1:]
    return " ".join(words)


def name_tokens(head):
    """The proper-name tokens ending at `head`: its compound/flat modifiers plus itself."""
    tokens = [head]
    for child in reversed(list(head.lefts)):
        if child.dep_ in ("compound", "flat", "nmod") and child.i == tokens[0].i - 1:
            tokens.insert(0, child)
        else:
            break
    return tokens


def country_from_modifiers(head, kb: ActorKB) -> Actor | None:
    """The state named by an adjective or compound before `head` ("Russian", "Israeli")."""
    for child in head.lefts:
        if child.dep_ in ("amod", "compound", "nmod", "poss") or child.pos_ in ("ADJ", "PROPN"):
            entry = kb.adjective(child.text) or kb.lookup(child.text)
            if entry is not None and entry.actor_type == "state":
                return from_entry(entry)
    # "of Russia" after the head
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    entry = kb.lookup(_span_text(name_tokens(obj))) or kb.lookup(obj.text)
                    if entry is not None and entry.actor_type == "state":
                        return from_entry(entry)
    return None


def _title_role(head, kb: ActorKB) -> str | None:
    """The office named before a person's name or as the head noun ("President", "Foreign Minister")."""
    words = [t.text for t in head.lefts if t.dep_ in ("compound", "amod") and t.pos_ in ("PROPN", "NOUN")]
    candidates = [" ".join(words[i:]) for i in range(len(words))] + words
    for text in candidates + [head.text]:
        role = kb.role(text)
        if role:
            return role
    return None


class Resolver:
    """Resolves tokens of parsed sentences to actors within one document."""

    def __init__(self, kb: ActorKB, seen: DocumentActors | None = None) -> None:
        self.kb = kb
        self.seen = seen or DocumentActors(kb)

    # -- public -----------------------------------------------------------------
    def resolve(self, head, when: dt.date | None = None) -> list[Actor]:
        """Actors named by the phrase headed by `head` (several for "X and Y")."""
        actors: list[Actor] = []
        for member in [head, *self._conjuncts(head)]:
            actor = self._resolve_one(member, when)
            if actor is not None and actor not in actors:
                actors.append(actor)
        return actors

    def resolve_first(self, head, when: dt.date | None = None) -> Actor | None:
        found = self.resolve(head, when)
        return found[0] if found else None

    # -- internals ----------------------------------------------------------------
    def _conjuncts(self, head):
        out = []
        for child in head.children:
            if child.dep_ == "conj":
                out.append(child)
                out.extend(self._conjuncts(child))
        return out

    def _lookup(self, text: str) -> Actor | None:
        entry = self.kb.lookup(text)
        return from_entry(entry) if entry else None

    def _resolve_one(self, head, when: dt.date | None) -> Actor | None:
        lower = head.lower_
        if head.pos_ == "PRON" or lower in _PERSON_PRONOUNS | _THING_PRONOUNS:
            return self._pronoun(head)
        ent = entity_of(head)
        # appositive name: "The spokesman of X, Ivan Petrov, said" -> the person
        for child in head.children:
            if child.dep_ == "appos" and entity_of(child) is not None and entity_of(child).label_ == "PERSON":
                return self._resolve_one(child, when)
        if ent is not None and ent.label_ in _ENTITY_LABELS:
            actor = self._from_entity(ent, head, when)
            if actor is not None:
                return actor
        text = _span_text(name_tokens(head))
        actor = self._lookup(text) or (self._lookup(head.text) if head.pos_ == "PROPN" else None)
        if actor is not None:
            return self.seen.note(actor, text)
        # demonym as a noun: "the Palestinians", "Israelis"
        entry = self.kb.adjective(head.text)
        if entry is not None and head.pos_ in ("PROPN", "NOUN") and head.text[0].isupper():
            return self.seen.note(from_entry(entry), head.text)
        # state organ: "the Russian Foreign Ministry", "the Foreign Ministries of Russia and the EU"
        phrase = _span_text(name_tokens(head))
        if self.kb.is_state_organ(phrase) or self.kb.is_state_organ(head.lemma_) or self.kb.is_state_organ(head.text):
            state = country_from_modifiers(head, self.kb)
            if state is not None:
                return self.seen.note(state, phrase)
        # a title without a name: "the Russian President" -> the office holder on that date
        role = _title_role(head, self.kb)
        if role:
            state = country_from_modifiers(head, self.kb)
            if state is not None:
                entry = self.kb.office_holder(role, state.country_code, when)
                if entry is not None:
                    return self.seen.note(from_entry(entry), phrase)
            if head.lower_ in ("minister", "president", "chancellor", "premier", "secretary"):
                return self.seen.last("person") if self._definite(head) else None
        return None

    def _definite(self, head) -> bool:
        return any(child.lower_ == "the" for child in head.lefts)

    def _pronoun(self, head) -> Actor | None:
        lower = head.lower_
        if lower in _PERSON_PRONOUNS:
            return self.seen.last("person")
        if lower in _THING_PRONOUNS:
            return self.seen.last(("state", "organization", "igo", "group"))
        return None

    def _from_entity(self, ent, head, when: dt.date | None) -> Actor | None:
        text = ent.text
        if ent.label_ == "NORP":
            entry = self.kb.adjective(text) or self.kb.lookup(text)
            return self.seen.note(from_entry(entry), text) if entry else None
        actor = self._lookup(text) or self._lookup(strip_titles(text))
        if actor is not None:
            return self.seen.note(actor, text)
        if ent.label_ == "PERSON":
            return self._person(ent, head, when)
        if ent.label_ == "ORG":
            name = re.sub(r"^(?:the)\s+", "", text, flags=re.I)
            country = country_from_modifiers(head, self.kb)
            return self.seen.note(Actor(name, "organization", country.country_code if country else None), text)
        return None  # GPE/LOC/FAC not known as a state: a place, not an actor

    def _person(self, ent, head, when: dt.date | None) -> Actor | None:
        name = strip_titles(ent.text)
        if not name:
            return None
        if " " not in name:
            known = self.seen.person_by_surname(name)
            if known is not None:
                return self.seen.note(known, ent.text)
            entry = self.kb.person_by_surname(name, when)
            if entry is not None:
                return self.seen.note(from_entry(entry), ent.text)
        entry = self.kb.lookup(name)
        if entry is not None:
            return self.seen.note(from_entry(entry), ent.text)
        country = country_from_modifiers(head, self.kb) or self._country_of_apposed_title(head)
        return self.seen.note(Actor(name, "person", country.country_code if country else None), ent.text)

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
