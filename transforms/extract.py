"""Events from parsed sentences: CAMEO code, source, target, date.

The method is transparent on purpose (users must be able to see why a row
exists): a trigger from the lexicon (verb patterns, nominal patterns,
modality words), actors from the dependency parse (subject, object,
prepositional target, passive agent), dates from the event's own clause.
When the rules are unsure, no event is emitted: a missing row is visible in
evaluation, a wrong fallback code silently pollutes every chart.

Rules that decide whether a trigger is an event at all:
- content of an appeal, demand or refusal is not an event ("urged X to stop").
- a purpose infinitive is not an event ("met X to discuss").
- a participle modifying a noun is background, not an event ("commitments
  signed by X").
- negated triggers take the lexicon's `negated` code, or give no event.
- aspectual verbs pass their subject to the event ("began to reduce").
- modality turns the event into intent, root 03 ("ready to facilitate").
- a statement whose complement holds a codable event is reported through
  that event, not as a bare statement ("said Russia is ready to ...").

The named rules themselves (verb filters, recodes, the toll of an attack,
agentless violence, the other party of a two-state history) live in
transforms/event_rules.py; this module reads the sentence and asks them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from eventledger.transforms.actor_kb import ActorKB
from eventledger.transforms.actors import Actor, DocumentActors, Resolver, entity_of, from_entry
from eventledger.transforms.dates import RunningDate, find_mentions
from eventledger.transforms.event_dates import SentenceDate, date_for_event, mention_head
from eventledger.transforms.event_rules import (
    FORCE_ROOTS,
    VERB_FILTERS,
    acts_by_another,
    happening,
    is_against,
    is_agentless_violence,
    is_alleged_wrong,
    is_aspectual_head,
    issued_by,
    merge_casualties,
    other_party_as_target,
    recode,
    verb_code,
)
from eventledger.transforms.lexicon import Lexicon, NounPattern, VerbPattern, WordClasses
from eventledger.transforms.syntax import (
    agent_of,
    direct_object,
    in_content_clause,
    is_to_infinitive,
    proper_name,
    own_clause,
    prep_object,
    subject_of,
    within,
)
from eventledger.transforms.triggers import is_symmetric, match_noun, match_verb, victim_count
from eventledger.transforms.places import Place, location_of, resolve_place
from eventledger.transforms.segment import Sentence

_CONTENT_ROOTS = {"02", "10", "12", "13"}  # the xcomp of these is what is asked, demanded, refused, threatened
_TARGET_PREPS = ("to", "with", "against", "toward", "towards", "on", "for", "into", "from")


@dataclass(frozen=True)
class ExtractedEvent:
    """One event before ids are assigned; `trigger_start` is a char offset in the sentence."""

    sentence_ordinal: int
    code: str
    trigger: str
    trigger_start: int
    source: Actor | None
    target: Actor | None
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str = "none"
    date_text: str | None = None
    date_source: str = "none"
    location: Place | None = None


@dataclass
class _Candidate:
    token: object
    code: str
    words: list = field(default_factory=list)
    pattern: VerbPattern | NounPattern | None = None
    sources: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    symmetric: bool = False
    statement: bool = False
    happened: bool = False  # a nominal event the text says took place, with no actor named


# -- trigger matching -----------------------------------------------------------------


class SentenceExtractor:
    """Extracts the events of one parsed sentence; keeps the document's state."""

    def __init__(self, lexicon: Lexicon, resolver: Resolver) -> None:
        self.lexicon = lexicon
        self.words = lexicon.words
        self.resolver = resolver
        self.last_force: Actor | None = None  # who carried out the latest attack, fight or coercion

    # -- candidates ------------------------------------------------------------------
    def candidates(self, doc, when: dt.date | None) -> list[_Candidate]:
        found: list[_Candidate] = []
        entity_roots = {ent.root.i for ent in doc.ents
                        if ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")}
        for token in doc:
            if token.i in entity_roots:
                # every name is noted in reading order, event or not, so that "he",
                # "the two leaders" and surnames later on can refer back to it
                self.resolver.resolve(token, when)
            if token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass"):
                cand = self._noun_candidate(token, when)  # "Fighting between X and Y broke out": a gerund as a noun
            elif token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.tag_.startswith("VB")):
                cand = self._verb_candidate(token, when)
            elif token.pos_ in ("NOUN", "PROPN"):
                cand = self._noun_candidate(token, when)
            elif token.pos_ == "ADJ":
                cand = self._modal_adjective(token, when)
            else:
                cand = None
            if cand is not None:
                found.append(cand)
                if cand.code[:2] in FORCE_ROOTS and cand.sources:
                    self.last_force = cand.sources[0]  # for "repelled the assault" in a later clause
        return self._prune(found)

    def _verb_candidate(self, token, when) -> _Candidate | None:
        """A verb event: filters first, then intent, then a lexicon match with its actors and recodes."""
        if any(rule(token, self.words) for rule in VERB_FILTERS):
            return None
        match = match_verb(token, self.lexicon)
        intent = self._verb_intent(token, match, when)
        if intent is not None:
            return intent
        if is_aspectual_head(token, self.words):
            return None
        if match is None:
            return None
        pattern, words = match
        code = verb_code(token, pattern, self.lexicon)
        if code is None:
            return None
        cand = _Candidate(token, code, words, pattern, symmetric=is_symmetric(code))
        cand.statement = code[:2] == "01"
        self._verb_arguments(cand, when)
        recode(cand, self.lexicon, self.resolver.vocab)
        victims = victim_count(direct_object(token))
        if victims:
            cand.code = self.lexicon.mass_code(cand.code, victims) or cand.code
        return cand

    def _verb_intent(self, token, match, when) -> _Candidate | None:
        """Modality makes the event an intent, root 03: "agreed to withdraw", "expressed its readiness to mediate"."""
        modality = self.lexicon.modality_code(token.lemma_, "VERB")
        xcomp = next((c for c in token.children if c.dep_ == "xcomp"), None)
        if modality and xcomp is not None:
            return self._intent(token, xcomp, modality, when)
        if match is not None and match[0].code[:2] != "01":
            return None
        dobj = direct_object(token)
        if dobj is None:
            return None
        noun_modality = self.lexicon.modality_code(dobj.lemma_, "NOUN")
        complement = next((c for c in dobj.children if is_to_infinitive(c)), None)
        if noun_modality and complement is not None:
            return self._intent(token, complement, noun_modality, when)  # "reiterated his willingness to ..."
        return None

    def _intent(self, token, complement, code, when) -> _Candidate:
        intended = match_verb(complement, self.lexicon) if complement.pos_ in ("VERB", "AUX") else None
        if intended is not None:
            if token.lemma_.lower() in self.words.consenting and intended[0].code[:2] == "08":
                code = intended[0].code  # "agreed to stop firing": agreeing to yield is yielding (CAMEO 08)
            else:
                code = self.lexicon.intent_code(intended[0].code[:2]) or code
        cand = _Candidate(token, code, [token])
        subject, passive = subject_of(token)
        if subject is None and token.dep_ in ("acomp", "attr", "dobj"):
            subject, passive = subject_of(token.head)
        cand.sources = self.resolver.resolve(subject, when) if subject is not None else []
        cand.targets = self._actors_in(complement, when, exclude=cand.sources)
        joint = token.lemma_.lower() in self.words.consenting or (intended is not None and is_symmetric(intended[0].code))
        if not cand.targets and len(cand.sources) >= 2 and joint:
            # "Iran and Saudi Arabia agreed to restore relations", "the two ministers agreed to set up a
            # commission": one intent between the two
            cand.sources, cand.targets, cand.symmetric = cand.sources[:1], cand.sources[1:2], True
        return cand

    def _modal_adjective(self, token, when) -> _Candidate | None:
        code = self.lexicon.modality_code(token.lemma_, "ADJ")
        if not code:
            return None
        complement = next((c for c in token.children if c.dep_ == "xcomp"), None)
        if complement is None:
            return None
        return self._intent(token, complement, code, when)

    def _noun_candidate(self, token, when) -> _Candidate | None:
        modality = self.lexicon.modality_code(token.lemma_, "NOUN")
        if modality:
            complement = next((c for c in token.children if c.dep_ in ("acl", "xcomp", "relcl") and is_to_infinitive(c)), None)
            if complement is not None and token.dep_ != "dobj":
                return self._intent(token, complement, modality, when)
            return None
        if token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN"):
            return None  # "riot police", "war crimes", "attack helicopters": a kind of thing, not an event
        if token.dep_ == "pobj" and token.head.lower_ in self.words.background_prep:
            return None  # "amid Iranian threats", "despite the blockade": background to the clause's event
        sentence_initial = token.i == token.sent.start and token.text[1:].islower()
        if not (token.text.islower() or sentence_initial):
            return None  # part of a name ("the Algiers Agreement", "the Six-Day War"): a reference, not a mention
        match = match_noun(token, self.lexicon)
        if match is None:
            return None
        pattern, words = match
        governor = token.head
        verb_match = match_verb(governor, self.lexicon) if governor.pos_ in ("VERB", "AUX") else None
        announced = (verb_match is not None and verb_match[0].code[:2] == "01" and token.dep_ == "dobj"
                     and governor.lemma_.lower() in self.words.announcing)
        if verb_match is not None and token.dep_ in ("dobj", "nsubj", "nsubjpass") and not announced \
                and verb_match[0].code[:2] == pattern.code[:2]:
            return None  # the verb already codes it ("signed a deal", "held talks", "launched an attack")
        cand = _Candidate(token, pattern.code, words, pattern, symmetric=pattern.symmetric)
        participants = self._noun_participants(token, pattern, when)
        if announced:
            # "announced economic sanctions against X": the announced measure is the event,
            # taken by the one who announces it
            subject, _ = subject_of(governor)
            sources = self.resolver.resolve(subject, when) if subject is not None else []
            targets = participants[1] if participants else []
            if not targets:
                targets = self._target(governor, None, sources, when) or self._actors_in(token, when, exclude=sources, skip_self=True)[:1]
            participants = (sources, targets) if sources or targets else None
            cand.words = [governor, *words]
        if not participants:
            if happening(token, pattern.code, self.words):
                cand.happened = True  # "clashes broke out", "riots erupted": an event with no named actor
                return cand
            return None
        cand.sources, cand.targets = participants
        return cand

    # -- arguments -------------------------------------------------------------------
    def _verb_arguments(self, cand: _Candidate, when) -> None:
        verb = cand.token
        issuer = issued_by(verb, self.words)
        subject, passive = (issuer, False) if issuer is not None else subject_of(verb)
        pattern = cand.pattern
        if passive:
            agent = agent_of(verb)
            cand.sources = self.resolver.resolve(agent, when) if agent is not None else []
            cand.targets = self.resolver.resolve(subject, when) if subject is not None else []
            if agent is None and cand.code[:2] in ("16", "17"):
                # "the Libyan ambassador was expelled from Greece", "Christians were deported from
                # Anatolia": the state one is sent away from is the one that sends
                origin = prep_object(verb, "from")
                if origin is not None:
                    cand.sources = [a for a in self.resolver.resolve(origin, when) + self._place_as_state(origin, when)
                                    if a.actor_type == "state" and a not in cand.targets][:1]
            if agent is None and not cand.targets and subject is not None:
                # "The treaty between Egypt and Israel was signed": the parties of the subject
                between = self._between(subject, when)
                if between:
                    cand.sources, cand.targets = between
            return
        cand.sources = self.resolver.resolve(subject, when) if subject is not None else []
        if subject is not None and subject.lower_ in ("it", "they", "we"):
            # "France said that it would restore relations": the reporting body, not the last state named
            cand.sources = self._speaker_of(verb, when) or cand.sources
        if not cand.sources and subject is not None and subject.lemma_.lower() in self.words.weapon:
            cand.sources = self._wielder_of(subject, when)
        if cand.statement:
            cand.targets = self._statement_target(verb, cand.sources, when)
            return
        if cand.symmetric and len(cand.sources) >= 2 and direct_object(verb) is None:
            # "X and Y met in Z": the two subjects are the dyad; Z is a place
            cand.sources, cand.targets = cand.sources[:1], cand.sources[1:2]
            return
        cand.targets = self._target(verb, pattern, cand.sources, when)
        if not cand.targets and cand.code[:2] in ("02", "10", "13"):
            # "demanded that Poland agree to ...", "urged that Iran stop ...": the one asked
            complement = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            subject = subject_of(complement)[0] if complement is not None else None
            if subject is not None:
                cand.targets = [a for a in self.resolver.resolve(subject, when) if a not in cand.sources]
            if not cand.targets and complement is not None and cand.code[:2] == "13":
                # "warned that the council would act against Sudan": the one the threat is against
                cand.targets = self._actors_in(complement, when, exclude=cand.sources + (
                    self.resolver.resolve(subject, when) if subject is not None else []))[:1]
        if not cand.targets and cand.symmetric and len(cand.sources) >= 2:
            cand.sources, cand.targets = cand.sources[:1], cand.sources[1:2]

    def _place_as_state(self, head, when) -> list[Actor]:
        """The state a bombed, seized or occupied place belongs to ("struck the city of Mekelle")."""
        for token in [head, *[c for p in head.children if p.dep_ == "prep" and p.lower_ in ("of", "at")
                               for c in p.children if c.dep_ == "pobj"]]:
            if token.ent_type_ not in ("GPE", "LOC", "FAC") or token.pos_ != "PROPN":
                continue
            place = resolve_place(proper_name(token))
            if place is not None and place.country_code:
                state = self.resolver.state_with_code(place.country_code, when)
                if state is not None:
                    return [state]
        return []

    def _target(self, verb, pattern: VerbPattern, sources, when) -> list[Actor]:
        prep = pattern.target_preposition if pattern else None
        heads = []
        if prep:
            obj = prep_object(verb, prep)
            if obj is not None:
                heads.append(obj)
        dobj = direct_object(verb)
        if dobj is not None:
            heads.append(dobj)
        forceful = pattern is not None and pattern.code[:2] in FORCE_ROOTS
        for head in heads:
            found = [a for a in self.resolver.resolve(head, when, avoid=sources) if a not in sources]
            if found:
                return found
            if forceful:
                found = [a for a in self._place_as_state(head, when) + self._owner_of(head, when) if a not in sources]
                if found:
                    return found[:1]
            inner = self._actors_in(head, when, exclude=sources, skip_self=True)
            if inner:
                return inner[:1]
        if forceful:
            # "bombed the airport at Damascus", "shelled positions in Gaza"
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ in self.words.locative_prep:
                    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    found = [a for a in self._place_as_state(obj, when) if a not in sources] if obj is not None else []
                    if found:
                        return found
        found = self._event_anaphor(heads, sources, forceful)
        if found:
            return found
        for word in _TARGET_PREPS:
            obj = prep_object(verb, word) if word != prep else None
            if obj is not None and obj.head.head == verb:
                found = [a for a in self.resolver.resolve(obj, when, avoid=sources) if a not in sources]
                if not found:
                    found = self._actors_in(obj, when, exclude=sources, skip_self=True)[:1]
                if found:
                    return found
        return []

    def _event_anaphor(self, heads, sources, forceful: bool) -> list[Actor]:
        """ "Kenyan troops repelled the assault", "the army responded to the attack": a force act aimed
        at an earlier attack named by a bare event noun is aimed at whoever carried that attack out."""
        if not forceful or self.last_force is None or self.last_force in sources:
            return []
        for head in heads:
            bare = not any(c.dep_ in ("poss", "compound", "amod", "prep") for c in head.children)
            definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
            if bare and definite and self.lexicon.noun_patterns(head.lemma_):
                return [self.last_force]
        return []

    def _speaker_of(self, verb, when) -> list[Actor]:
        """ "Police said they had arrested 14 students": in a reported clause, "they" or "we" is
        the body that reports."""
        governor = verb.head
        if verb.dep_ != "ccomp" or governor is verb or governor.pos_ not in ("VERB", "AUX"):
            return []
        match = match_verb(governor, self.lexicon)
        if match is None or match[0].code[:2] != "01":
            return []
        speaker, _ = subject_of(governor)
        return self.resolver.resolve(speaker, when) if speaker is not None else []

    def _wielder_of(self, weapon, when) -> list[Actor]:
        """Who used a weapon or war machine that is a clause's subject: "Sudanese Armed Forces
        aircraft bombed ...", "a drone launched by the Houthis struck ..."."""
        for child in weapon.children:
            if child.dep_ == "acl":
                agent = agent_of(child)
                if agent is not None:
                    found = self.resolver.resolve(agent, when)
                    if found:
                        return found
        return self._owner_of(weapon, when)

    def _owner_of(self, head, when) -> list[Actor]:
        """Whose thing an attacked object is, from the name modifying it: "a Nigerian Army base",
        "Syrian army positions", "the Turkish embassy", "an Israeli patrol", "a police checkpoint"
        (the document's state)."""
        for child in head.lefts:
            organ = child.pos_ == "NOUN" and self.resolver.kb.state_organ_type(child.text) == "state"  # "police checkpoint"
            if child.dep_ in ("compound", "amod", "poss", "nmod") and (child.pos_ == "PROPN" or child.ent_type_ == "NORP" or organ):
                found = self.resolver.resolve(child, when)
                if found:
                    return found
        return []

    def _statement_target(self, verb, sources, when) -> list[Actor]:
        """Whom a statement is about: the first actor in its complement that is not the speaker."""
        complement = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
        exclude = list(sources)
        for actor in sources:
            if actor.country_code:
                exclude.extend(a for a in self.resolver.seen.recent if a.actor_type == "state" and a.country_code == actor.country_code)
        if complement is not None:
            found = self._actors_in(complement, when, exclude=exclude)
            if found:
                return found[:1]
        dobj = direct_object(verb)
        if dobj is not None:
            found = [a for a in self.resolver.resolve(dobj, when) if a not in exclude]
            if found:
                return found[:1]
            if dobj.pos_ == "PROPN" and dobj.lower_ not in ("it",):
                return [self.resolver.seen.note(Actor(dobj.text, "group", None), dobj.text)]
        return []

    def _actors_in(self, head, when, exclude=(), skip_self=False) -> list[Actor]:
        """Actors named inside the phrase of `head`, in text order (relative clauses excluded)."""
        found: list[Actor] = []
        seen_heads = set()
        for token in head.subtree:
            if skip_self and token == head:
                continue
            if any(a.dep_ == "relcl" or (a.dep_ == "conj" and a.pos_ == "VERB" and not own_clause(a))
                   for a in [token, *token.ancestors] if a != head and within(head, a)):
                continue
            if token.pos_ not in ("PROPN", "NOUN", "PRON", "ADJ"):
                continue
            if token.dep_ == "pobj" and token.head.lower_ in self.words.locative_prep and token.ent_type_ in ("GPE", "LOC", "FAC"):
                continue  # "talks in Tashkent between X and Y": a place, not a party
            if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.text[:1].isupper() \
                    and token.head.head.pos_ == "PROPN":
                continue  # "the Treaty of Warsaw": part of a name
            if token.dep_ in ("compound", "flat"):
                continue  # part of a longer name or a modifier ("the UN framework"): resolved through its head
            if token.i in seen_heads:
                continue
            seen_heads.add(token.i)
            ent = entity_of(token)
            if token.pos_ == "ADJ" and not (ent is not None and ent.label_ == "NORP"):
                continue
            place = token.head
            if token.pos_ == "ADJ" and place.lemma_.lower() in self.words.place_noun and place.dep_ == "pobj" \
                    and place.head.lower_ in self.words.locative_prep | {"along", "near"}:
                continue  # "near the Syrian border": where it happened, not a party ("into Japanese airspace" is)
            if token.pos_ == "PRON" and token.lower_ not in ("he", "him", "she", "her"):
                continue
            for actor in self.resolver.resolve(token, when):
                if actor not in exclude and actor not in found:
                    found.append(actor)
        return found

    def _forward_possessor(self, pronoun, when) -> list[Actor]:
        """ "After its victory over Russia, Japan ...": a possessive pronoun in a phrase before the
        clause's subject refers forward to that subject."""
        if pronoun.pos_ != "PRON" or pronoun.lower_ not in ("its", "his", "her", "their"):
            return []
        verb = pronoun.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
            verb = verb.head
        subject, _ = subject_of(verb)
        if subject is None or subject.i < pronoun.i:
            return []
        return self.resolver.resolve(subject, when)

    def _between(self, noun, when):
        """The two parties of "<noun> between X and Y", if the noun has them."""
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                actors = self.resolver.resolve(obj, when) if obj is not None else []
                if len(actors) >= 2:
                    return actors[:1], actors[1:2]
        return None

    def _noun_participants(self, noun, pattern: NounPattern, when):
        sources: list[Actor] = []
        targets: list[Actor] = []
        for child in noun.children:
            role = pattern.role_of(child.lower_) if child.dep_ == "prep" else None
            obj = next((c for c in child.children if c.dep_ == "pobj"), None) if role else None
            if obj is None:
                continue
            actors = self.resolver.resolve(obj, when)
            if role == "pair":
                sources.extend(actors[:1])
                targets.extend(actors[1:2])
            elif role == "source":
                sources.extend(actors)
            else:
                targets.extend(actors)
        for child in noun.lefts:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
                actors = self._forward_possessor(child, when) or self.resolver.resolve(child, when)
                if is_against(child):
                    entry = None if actors else self.resolver.kb.adjective(child.text, on=when)
                    actors = actors or ([self.resolver.seen.note(from_entry(entry), child.text)] if entry is not None else [])
                if actors and is_against(child):
                    targets.extend(a for a in actors if a not in targets)  # "anti-Japanese riots"
                    continue
                if actors and child not in (noun,):
                    if not sources:
                        sources.extend(actors)
                    elif not targets:
                        targets.extend(actors)
        if bool(sources) != bool(targets) and noun.dep_ in ("pobj", "dobj"):
            # "in a telephone conversation with X, Y said": the other party is the clause subject;
            # "negotiated under the mediation of X": the mediator's counterpart is the subject
            verb = noun.head
            while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
                verb = verb.head
            subject, _ = subject_of(verb)
            others = [a for a in self.resolver.resolve(subject, when) if a not in sources + targets] if subject is not None else []
            if not sources:
                sources = others
            elif others:
                targets = others
        if not sources and not targets and pattern.symmetric and noun.dep_ == "pobj":
            groups = [a for a in self._actors_in(noun.sent.root, when) if a.actor_type in ("group", "organization")]
            if len(groups) == 2:
                sources, targets = groups[:1], groups[1:]
        if not sources and not targets:
            return None
        return sources, targets

    # -- pruning ---------------------------------------------------------------------
    def _prune(self, found: list[_Candidate]) -> list[_Candidate]:
        """Drop content and purpose events and statements that report a codable event."""
        found = merge_casualties(found, self.words)
        by_token = {c.token.i: c for c in found}
        keep = []
        for cand in found:
            token = cand.token
            content_of = next((by_token[a.i] for a in token.ancestors if a.i in by_token), None)
            if content_of is not None and content_of is not cand and token.i > content_of.token.i:
                # what is asked, demanded, refused, threatened or intended is not itself an event
                if content_of.code[:2] in _CONTENT_ROOTS | {"03"} and in_content_clause(content_of.token, token):
                    continue
                if content_of.code[:2] == "11" and token.dep_ == "pcomp" and token.head.head == content_of.token:
                    continue  # "accused X of waging war", "criticised X for keeping ...": what is alleged
            if self._inside_content(cand, found):
                continue
            if acts_by_another(cand, found):
                continue
            if cand.statement:
                if any(o is not cand and isinstance(o.pattern, NounPattern) and o.token.head == token
                       and o.token.dep_ == "dobj" for o in found):
                    continue  # "announced sanctions": coded as the sanctions
                reported = [o for o in found if o is not cand and _reports(cand.token, o)]
                accused = [a for o in reported if is_alleged_wrong(o.code, cand.sources, o.sources, o.token)
                           for a in o.sources]
                if accused:
                    # "Chávez said that Bogotá had violated Venezuelan sovereignty": saying another party
                    # did wrong is an accusation, besides the reported act
                    cand.code, cand.statement, cand.targets = "112", False, accused[:1]
                elif reported:
                    continue  # "said Russia is ready to ...": coded through the reported event
                if token.dep_ in ("advcl", "xcomp", "conj") and token.tag_ == "VBG" and self._elaborates(cand, found):
                    continue  # "called on X, reiterating ...": elaborates the main event
            if not cand.sources and not cand.targets and not cand.happened \
                    and not is_agentless_violence(cand.token, cand.code, self.words):
                continue  # an event needs an identifiable actor (ANNOTATION.md, "What is an event")
            if cand.statement and not cand.sources:
                continue  # a statement needs its speaker: "the treaty described X as Y" is a text, not an act
            keep.append(cand)
        return keep

    def _elaborates(self, cand: _Candidate, found: list[_Candidate]) -> bool:
        """A participle statement whose nearest event ancestor has the same source."""
        own = {c.token.i: c for c in found}
        for ancestor in cand.token.ancestors:
            other = own.get(ancestor.i)
            if other is not None:
                return not cand.sources or set(cand.sources) <= set(other.sources)
        return False

    def _inside_content(self, cand: _Candidate, found: list[_Candidate]) -> bool:
        """Nominal events inside what an appeal asks for are not events ("called for a meeting")."""
        if not isinstance(cand.pattern, NounPattern):
            return False
        for other in found:
            if other is cand or other.code[:2] not in _CONTENT_ROOTS | {"03"}:
                continue
            if within(other.token, cand.token) and cand.token.i > other.token.i:
                return True
        return False


def _reports(statement, other: "_Candidate") -> bool:
    """Whether `other` is the event a statement reports: the head of its complement clause
    ("said [Russia is ready to ...]"), not something mentioned deep inside it."""
    if isinstance(other.pattern, NounPattern):
        return False
    for child in statement.children:
        if child.dep_ not in ("ccomp", "xcomp"):
            continue
        trigger = other.token
        if trigger == child or (trigger.head == child and trigger.dep_ in ("acomp", "xcomp", "attr")):
            return True
        if trigger.head == child and trigger.dep_ == "conj" and own_clause(trigger):
            return True
    return False


def _expand(cand: _Candidate, ordinal: int, dates: list[SentenceDate], words: WordClasses) -> list[ExtractedEvent]:
    """One event per (source, target) pair, dated by the trigger's own clause."""
    trigger_tokens = sorted(cand.words or [cand.token], key=lambda t: t.i)
    trigger = " ".join(t.text for t in trigger_tokens)
    dated = date_for_event(cand.token, dates)
    place = location_of(cand.token, words.locative_prep)
    sources = cand.sources[:3] or [None]
    targets = cand.targets[:3] or [None]
    events = []
    for source in sources:
        for target in targets:
            if source is not None and source == target:
                continue
            kwargs = {}
            if dated is not None:
                window, text = dated
                kwargs = dict(
                    date_start=window.start,
                    date_end=window.end,
                    date_precision=window.precision,
                    date_text=text,
                    date_source=window.source,
                )
            events.append(
                ExtractedEvent(ordinal, cand.code, trigger, cand.token.idx, source, target, location=place, **kwargs)
            )
    return events


def extract_document(
    sentences: list[Sentence], nlp, kb: ActorKB, lexicon: Lexicon, parsed=None
) -> tuple[list[ExtractedEvent], DocumentActors]:
    """All events of one document, in sentence order, and the actors it mentions.

    `parsed` takes the sentences already parsed (one spaCy Doc each), so that
    callers can parse many documents in one large batch, which is much faster.
    """
    resolver = Resolver(kb, lexicon.words)
    running = RunningDate()
    events: list[ExtractedEvent] = []
    extractor = SentenceExtractor(lexicon, resolver)
    docs = parsed if parsed is not None else nlp.pipe([s.text for s in sentences], batch_size=256)
    for sentence, doc in zip(sentences, docs):
        resolved = running.resolve_all(find_mentions(sentence.text))
        dates = [SentenceDate(m, w, mention_head(doc, m)) for m, w in resolved if w is not None]
        when = dates[0].window.start if dates else (running.current.start if running.current else None)
        for cand in extractor.candidates(doc, when):
            events.extend(_expand(cand, sentence.ordinal, dates, lexicon.words))
    return other_party_as_target(events), resolver.seen


#: Roots whose act is aimed at someone even when the sentence leaves them unsaid: in a history of
#: two countries' relations, "Seoul denounced the measures" or "Japan lifted its restrictions" is
#: aimed at the other country. Statements (01) and intents (03) are often aimed at no one.
