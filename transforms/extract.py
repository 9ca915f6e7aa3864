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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from transforms.actor_kb import ActorKB
from transforms.actors import Actor, DocumentActors, Resolver, entity_of, is_civilian_crowd
from transforms.dates import RunningDate, find_mentions
from transforms.event_dates import SentenceDate, date_for_event, mention_head
from transforms.lexicon import Lexicon, NounPattern, VerbPattern, word_class
from transforms.syntax import (
    agent_of,
    direct_object,
    in_content_clause,
    is_future,
    is_negated,
    is_to_infinitive,
    misparsed_main_verb,
    proper_name,
    own_clause,
    prep_object,
    subject_of,
    within,
)
from transforms.triggers import is_symmetric, match_noun, match_verb, victim_count
from transforms.places import Place, location_of, resolve_place
from transforms.segment import Sentence

_ASPECTUAL = word_class("aspectual")
_FAILURE = word_class("failure")
_CONTENT_ROOTS = {"02", "10", "12", "13"}  # the xcomp of these is what is asked, demanded, refused, threatened
_LOCATIVE_PREPS = word_class("locative_prep")
_FORCE_ROOTS = {"15", "17", "18", "19", "20"}
#: Verbs that put a measure into effect by saying so ("announced sanctions", "declared a ceasefire").
_ANNOUNCING = word_class("announcing")
#: Verbs of consent: consenting to a concession is the concession itself.
_CONSENTING = word_class("consenting")
_PLACE_NOUNS = word_class("place_noun")
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


# -- trigger matching -----------------------------------------------------------------


class SentenceExtractor:
    """Extracts the events of one parsed sentence; keeps the document's state."""

    def __init__(self, lexicon: Lexicon, resolver: Resolver) -> None:
        self.lexicon = lexicon
        self.resolver = resolver

    # -- candidates ------------------------------------------------------------------
    def candidates(self, doc, when: dt.date | None) -> list[_Candidate]:
        found: list[_Candidate] = []
        entity_roots = {ent.root.i for ent in doc.ents if ent.label_ in ("PERSON", "ORG", "GPE", "NORP")}
        for token in doc:
            if token.i in entity_roots:
                # every name is noted in reading order, event or not, so that "he",
                # "the two leaders" and surnames later on can refer back to it
                self.resolver.resolve(token, when)
            if token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.tag_.startswith("VB")):
                cand = self._verb_candidate(token, when)
            elif token.pos_ in ("NOUN", "PROPN"):
                cand = self._noun_candidate(token, when)
            elif token.pos_ == "ADJ":
                cand = self._modal_adjective(token, when)
            else:
                cand = None
            if cand is not None:
                found.append(cand)
        return self._prune(found)

    def _governor_candidate(self, token):
        return token.head if token.head != token else None

    def _verb_candidate(self, token, when) -> _Candidate | None:
        if token.dep_ in ("acl", "amod") and not misparsed_main_verb(token):
            return None  # "commitments signed by X": background, not an event
        if token.dep_ == "aux" or token.dep_ == "auxpass":
            return None
        governor = self._governor_candidate(token)
        is_infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        if governor is not None and governor.lemma_ in _FAILURE and token.dep_ == "xcomp":
            return None  # "failed to recognise": nothing happened
        modality = self.lexicon.modality_code(token.lemma_, "VERB")
        xcomp = next((c for c in token.children if c.dep_ == "xcomp"), None)
        if modality and xcomp is not None:
            return self._intent(token, xcomp, modality, when)
        if token.lemma_ in _ASPECTUAL and any(c.dep_ == "xcomp" for c in token.children):
            return None  # "began to reduce": the event is its complement
        match = match_verb(token, self.lexicon)
        if match is None or match[0].code[:2] == "01":
            # "expressed its readiness to mediate", "reiterated his willingness to ...": intent, root 03
            dobj = direct_object(token)
            if dobj is not None:
                noun_modality = self.lexicon.modality_code(dobj.lemma_, "NOUN")
                complement = next((c for c in dobj.children if is_to_infinitive(c)), None)
                if noun_modality and complement is not None:
                    return self._intent(token, complement, noun_modality, when)
        if match is None:
            return None
        pattern, words = match
        if is_infinitive and governor is not None and token.dep_ in ("advcl", "xcomp", "acl", "relcl"):
            predicate_nominal = token.dep_ in ("acl", "relcl") and governor.dep_ == "attr"  # "became the first X to visit"
            if governor.lemma_ not in _ASPECTUAL and not predicate_nominal:
                return None  # purpose or content clause of another verb
        code = pattern.code
        if is_negated(token):
            if not pattern.negated:
                return None
            code = pattern.negated
        if is_future(token) and code[:2] not in ("01", "03"):
            # "announced that the two countries would restore relations": an intent
            code = self.lexicon.intent_code(code[:2])
            if code is None:
                return None
        cand = _Candidate(token, code, words, pattern, symmetric=is_symmetric(code))
        cand.statement = code[:2] == "01"
        self._verb_arguments(cand, when)
        if code[:2] == "19" and cand.sources and all(a.actor_type == "group" for a in cand.sources):
            cand.code, cand.symmetric = "180", False  # an attack by an armed group is an assault, not military force
        victims = victim_count(direct_object(token))
        if victims:
            cand.code = self.lexicon.mass_code(cand.code, victims) or cand.code
        if cand.sources and all(is_civilian_crowd(a) for a in cand.sources):
            if code[:2] in ("18", "19"):
                cand.code, cand.symmetric = "145", False  # violence by a crowd is a riot (CAMEO 145)
            elif code == "114":
                cand.code = "141"  # a crowd's protest is a demonstration, not an official complaint
        return cand

    def _intent(self, token, complement, code, when) -> _Candidate:
        intended = match_verb(complement, self.lexicon) if complement.pos_ in ("VERB", "AUX") else None
        if intended is not None:
            if token.lemma_.lower() in _CONSENTING and intended[0].code[:2] == "08":
                code = intended[0].code  # "agreed to stop firing": agreeing to yield is yielding (CAMEO 08)
            else:
                code = self.lexicon.intent_code(intended[0].code[:2]) or code
        cand = _Candidate(token, code, [token])
        subject, passive = subject_of(token)
        if subject is None and token.dep_ in ("acomp", "attr", "dobj"):
            subject, passive = subject_of(token.head)
        cand.sources = self.resolver.resolve(subject, when) if subject is not None else []
        cand.targets = self._actors_in(complement, when, exclude=cand.sources)
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
                     and governor.lemma_.lower() in _ANNOUNCING)
        if verb_match is not None and token.dep_ in ("dobj", "nsubj", "nsubjpass") and not announced:
            return None  # the verb already codes it ("signed a deal")
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
            return None
        cand.sources, cand.targets = participants
        return cand

    # -- arguments -------------------------------------------------------------------
    def _verb_arguments(self, cand: _Candidate, when) -> None:
        verb = cand.token
        subject, passive = subject_of(verb)
        pattern = cand.pattern
        if passive:
            agent = agent_of(verb)
            cand.sources = self.resolver.resolve(agent, when) if agent is not None else []
            cand.targets = self.resolver.resolve(subject, when) if subject is not None else []
            if agent is None and not cand.targets and subject is not None:
                # "The treaty between Egypt and Israel was signed": the parties of the subject
                between = self._between(subject, when)
                if between:
                    cand.sources, cand.targets = between
            return
        cand.sources = self.resolver.resolve(subject, when) if subject is not None else []
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
        forceful = pattern is not None and pattern.code[:2] in _FORCE_ROOTS
        for head in heads:
            found = [a for a in self.resolver.resolve(head, when, avoid=sources) if a not in sources]
            if found:
                return found
            if forceful:
                found = [a for a in self._place_as_state(head, when) if a not in sources]
                if found:
                    return found
            inner = self._actors_in(head, when, exclude=sources, skip_self=True)
            if inner:
                return inner[:1]
        if forceful:
            # "bombed the airport at Damascus", "shelled positions in Gaza"
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ in _LOCATIVE_PREPS:
                    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    found = [a for a in self._place_as_state(obj, when) if a not in sources] if obj is not None else []
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
            if token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE_PREPS and token.ent_type_ in ("GPE", "LOC", "FAC"):
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
            if token.pos_ == "ADJ" and place.lemma_.lower() in _PLACE_NOUNS and place.dep_ == "pobj" \
                    and place.head.lower_ in _LOCATIVE_PREPS | {"along", "near"}:
                continue  # "near the Syrian border": where it happened, not a party ("into Japanese airspace" is)
            if token.pos_ == "PRON" and token.lower_ not in ("he", "him", "she", "her"):
                continue
            for actor in self.resolver.resolve(token, when):
                if actor not in exclude and actor not in found:
                    found.append(actor)
        return found

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
        preps = pattern.participants or ("between", "with", "of", "by", "to")
        for child in noun.children:
            if child.dep_ != "prep" or child.lower_ not in preps:
                continue
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is None:
                continue
            actors = self.resolver.resolve(obj, when)
            if child.lower_ == "between":
                sources.extend(actors[:1])
                targets.extend(actors[1:2])
            elif child.lower_ in ("of", "by"):
                sources.extend(actors)
            else:
                targets.extend(actors)
        for child in noun.lefts:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
                actors = self.resolver.resolve(child, when)
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
            if cand.statement:
                if any(o is not cand and isinstance(o.pattern, NounPattern) and o.token.head == token
                       and o.token.dep_ == "dobj" for o in found):
                    continue  # "announced sanctions": coded as the sanctions
                if any(o is not cand and _reports(cand.token, o) for o in found):
                    continue  # "said Russia is ready to ...": coded through the reported event
                if token.dep_ in ("advcl", "xcomp", "conj") and token.tag_ == "VBG" and self._elaborates(cand, found):
                    continue  # "called on X, reiterating ...": elaborates the main event
            if not cand.sources and not cand.targets:
                continue  # an event needs an identifiable actor (ANNOTATION.md, "What is an event")
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


def _expand(cand: _Candidate, ordinal: int, dates: list[SentenceDate]) -> list[ExtractedEvent]:
    """One event per (source, target) pair, dated by the trigger's own clause."""
    trigger_tokens = sorted(cand.words or [cand.token], key=lambda t: t.i)
    trigger = " ".join(t.text for t in trigger_tokens)
    dated = date_for_event(cand.token, dates)
    place = location_of(cand.token)
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
    resolver = Resolver(kb)
    running = RunningDate()
    events: list[ExtractedEvent] = []
    extractor = SentenceExtractor(lexicon, resolver)
    docs = parsed if parsed is not None else nlp.pipe([s.text for s in sentences], batch_size=256)
    for sentence, doc in zip(sentences, docs):
        resolved = running.resolve_all(find_mentions(sentence.text))
        dates = [SentenceDate(m, w, mention_head(doc, m)) for m, w in resolved if w is not None]
        when = dates[0].window.start if dates else (running.current.start if running.current else None)
        for cand in extractor.candidates(doc, when):
            events.extend(_expand(cand, sentence.ordinal, dates))
    return events, resolver.seen
