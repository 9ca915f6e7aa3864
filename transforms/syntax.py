"""Reading the dependency parse: subjects, objects, clauses.

Small functions over spaCy tokens that the extractor asks "who is the
subject of this verb?", "what does this preposition govern?", "is this the
complement of that verb?". Several repair parses that the small English
model gets wrong in this genre (appositive subjects, a name left
unattached before a verb); each says which.
"""

from __future__ import annotations

def subject_of(verb):
    """(subject token, passive?) of a verb, inherited through xcomp, conj and relative clauses."""
    current = verb
    via_conj = False
    for _ in range(6):
        for child in current.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.tag_ == "WDT" or child.lower_ in ("which", "that", "who") and current.dep_ == "relcl":
                    return first_conjunct(current.head), False
                return child, False
            if child.dep_ == "nsubjpass":
                return child, True
        orphan = orphan_subject(current)
        if orphan is not None:
            return orphan, False
        if current.dep_ in ("acl", "relcl") and current.head.dep_ == "attr" and is_to_infinitive(current):
            # "X became the first Iranian president to visit Iraq": X visits
            current = current.head.head
            continue
        if current.dep_ in ("xcomp", "conj", "advcl") and current.head != current:
            if current.dep_ == "advcl" and current.tag_ != "VBG":
                return None, False
            via_conj = current.dep_ == "conj"
            current = current.head
            continue
        if current.dep_ == "pcomp" and current.tag_ == "VBG" and current.head.head != current.head:
            current = current.head.head  # "after defeating Spain, the United States ...": the main subject
            continue
        if via_conj and current.dep_ == "ccomp" and current.head != current:
            # "X stressed that there is ... and reiterated ...": the parser hung the
            # second verb on the subjectless complement; it belongs to the main clause
            current = current.head
            via_conj = False
            continue
        if current.dep_ == "relcl" or misparsed_main_verb(current):
            return current.head, False
        break
    return None, False


def orphan_subject(verb):
    """A name right before a subjectless verb that the parser left unattached as a subject.

    "..., and on 19 October Washington imposed an embargo": the small model
    often makes "Washington" an adverbial modifier of the first verb.
    """
    previous = verb.i - 1
    doc = verb.doc
    while previous >= verb.sent.start and doc[previous].pos_ in ("ADV", "AUX", "PART"):
        previous -= 1
    if previous < verb.sent.start:
        return None
    token = doc[previous]
    if token.pos_ != "PROPN" or token.ent_type_ not in ("GPE", "PERSON", "ORG", "NORP"):
        return None
    if token.dep_ in ("npadvmod", "dep", "nmod"):
        return token
    if token.dep_ == "pobj" and any(c.dep_ == "pobj" and c.ent_type_ == "DATE" and c != token for c in token.head.children):
        return token  # "on 19 October Washington imposed": parsed as a second object of "on"
    return None


def proper_name(token) -> str:
    """The full proper name a token ends ("Mekelle", "New Delhi")."""
    start = token.i
    while start > token.sent.start and token.doc[start - 1].dep_ == "compound" and token.doc[start - 1].pos_ == "PROPN":
        start -= 1
    return token.doc[start: token.i + 1].text


def first_conjunct(token):
    """'X and Y, who signed': the relative clause's antecedent is the whole coordination."""
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    return token


def misparsed_main_verb(token) -> bool:
    """A finite past-tense verb parsed as a noun modifier is the clause's main verb.

    The small English model often makes an appositive subject the root
    ("The head of X, Ivan Petrov, called for ...": "called" becomes an `acl`
    of "head"); a participle ("commitments signed by X") is tagged VBN, a
    finite verb VBD, which tells the two apart.
    """
    return token.dep_ == "acl" and token.tag_ == "VBD" and token.head.dep_ == "ROOT" and token.head.pos_ in ("NOUN", "PROPN")


def agent_of(verb):
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def direct_object(verb):
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "obj"):
            return child
    return None


def prep_object(head, preposition: str):
    """Object of `head`'s child preposition `preposition` (also "in favour of" chains).

    Prepositions after the head come first and time expressions are skipped,
    so "On 3 May, X called on Y" finds Y, not the date.
    """
    children = sorted(head.children, key=lambda c: (c.i < head.i, c.i))
    for child in children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ == preposition:
            for obj in child.children:
                if obj.dep_ in ("pobj", "pcomp") and obj.ent_type_ not in ("DATE", "TIME"):
                    return obj
    for child in head.children:
        if child.dep_ in ("prep", "dobj", "pobj"):
            found = prep_object(child, preposition)
            if found is not None:
                return found
    return None


def in_content_clause(governor, token) -> bool:
    """Whether `token` sits in the complement of `governor` (xcomp, ccomp, the object's to-clause)."""
    node = token
    while node.head != node and node.head != governor:
        node = node.head
    return node.head == governor and node.dep_ in ("xcomp", "ccomp", "advcl", "dobj", "acomp", "prep")


def is_future(verb) -> bool:
    """'will/would/shall' + verb: announced, not (yet) done."""
    return any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll") for c in verb.children)


def is_to_infinitive(verb) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def within(ancestor, token) -> bool:
    return token == ancestor or any(a == ancestor for a in token.ancestors)


def own_clause(verb) -> bool:
    """A coordinated verb with its own subject or "that" ("... and that Russia hoped ...")."""
    return any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in verb.children)


def is_negated(token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


# -- argument finding ----------------------------------------------------------------
