"""Which date belongs to which event, and what it says about the event.

A sentence can hold several dates and several events; the event's own date is
the one in its clause, and a date inside "before/after <something> on D"
dates the anchor, not the event. ANNOTATION.md: "encouraged X ... before the
Declaration on November 15, 1988" is dated 1988, not November 15. These
functions work on spaCy tokens and the mentions found by `transforms.dates`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from eventledger.transforms.dates import DateMention, DateWindow, month_window

_BEFORE = {"before", "prior", "until", "till", "ahead"}
_AFTER = {"after", "following", "since"}


@dataclass(frozen=True)
class SentenceDate:
    """A resolved mention located in the parsed sentence."""

    mention: DateMention
    window: DateWindow
    head: object  # spaCy Token governing the mention


def mention_head(doc, mention: DateMention):
    """The syntactic head of the tokens that the mention covers."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _is_ancestor(node, token) -> bool:
    return node == token or any(a == node for a in token.ancestors)


def _clause_marker(trigger) -> str | None:
    """'after' when the trigger's clause is introduced by "after ..." (or "before ...")."""
    for child in trigger.children:
        if child.dep_ in ("mark", "prep") and child.lower_ in _BEFORE | _AFTER and child.i < trigger.i:
            return child.lower_
    if trigger.dep_ == "pcomp" and trigger.head.lower_ in _BEFORE | _AFTER:
        return trigger.head.lower_
    return None


_TEMPORAL_MARKS = _BEFORE | _AFTER | {"when", "while", "as", "once"}


def _mark_of(verb) -> str | None:
    for child in verb.children:
        if child.dep_ == "mark" and child.lower_ in _TEMPORAL_MARKS:
            return child.lower_
    return None


def _anchor_word(head, trigger) -> str | None:
    """A "before/after" between the date and the trigger: a preposition on the path, or the
    conjunction of a clause on the path ("after Egypt closed the straits on 22 May, ...")."""
    current = head
    while current is not None and current != trigger and current.head != current:
        if current.lower_ in _BEFORE | _AFTER and current.pos_ in ("ADP", "SCONJ"):
            return current.lower_
        if current.pos_ in ("VERB", "AUX") and current != head:
            mark = _mark_of(current)
            if mark is not None:
                return mark if mark in _BEFORE | _AFTER else None
            if current.dep_ in ("prep", "pcomp") and current.head.lower_ in _BEFORE | _AFTER:
                return current.head.lower_
        current = current.head
    return None


def before(window: DateWindow) -> DateWindow:
    """The event happened shortly before the anchor: its month up to the anchor day."""
    if window.precision == "day":
        return DateWindow(window.start.replace(day=1), window.start, "range", window.source)
    return window


def after(window: DateWindow) -> DateWindow:
    """The event happened shortly after the anchor: the anchor day and the month after it."""
    if window.precision == "day":
        return DateWindow(window.start, window.start + dt.timedelta(days=30), "range", window.source)
    if window.precision == "month":
        return month_window(window.start.year, window.start.month)
    return window


def distance(a, b) -> int:
    """Tree distance between two tokens (edges through their lowest common ancestor)."""
    path_a = [a, *a.ancestors]
    path_b = [b, *b.ancestors]
    ids_b = {t.i: n for n, t in enumerate(path_b)}
    for n, t in enumerate(path_a):
        if t.i in ids_b:
            return n + ids_b[t.i]
    return len(path_a) + len(path_b)


def _governing_verb(token):
    current = token.head if token.head != token else None
    while current is not None:
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head == current:
            return current if current.pos_ in ("VERB", "AUX", "NOUN") else None
        current = current.head
    return None


_CLAUSE_DEPS = {"relcl", "acl", "ccomp", "csubj", "parataxis", "advcl"}


def _describes_trigger(node, trigger) -> bool:
    """A participle phrase on the event noun itself tells when that event happened:
    "two ceasefire agreements, signed in May 1994 and June 1995" dates the agreements."""
    return (node.dep_ == "acl" and node.head == trigger and trigger.pos_ == "NOUN"
            and node.tag_ in ("VBN", "VBG") and not any(c.dep_.startswith("nsubj") for c in node.children))


def _separate_clause_between(governor, trigger) -> bool:
    """Whether a clause of its own (relative, complement, adverbial) separates the date's verb from the trigger."""
    node = governor
    while node is not None and node != trigger and node.head != node:
        if _describes_trigger(node, trigger):
            return False
        if node.pos_ in ("VERB", "AUX") and node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
            return True  # "X did A in May, and the following month Y did B": B's date is not A's
        if node.pos_ in ("VERB", "AUX") and node.dep_ in _CLAUSE_DEPS:
            # a temporal clause ("after X did Y on D") anchors the event in time
            if not (node.dep_ == "advcl" and _mark_of(node) is not None):
                return True
        node = node.head
    return False


def _earlier_in_sentence(trigger, dates: list[SentenceDate]) -> list:
    """Fallback: the nearest date before the trigger, unless it sits in a relative clause.

    "When Turkey filled the dam in January 1990, it held back the river, and
    Syria protested": the parse hangs the date under another clause, but the
    narrative dates the whole sentence by it.
    """
    found = []
    for item in dates:
        if item.head is None or item.head.i >= trigger.i or item.mention.kind == "period":
            continue  # a named period dates only the clause it stands in
        if any(a.dep_ in ("relcl", "acl") for a in [item.head, *item.head.ancestors]):
            continue
        found.append((3, trigger.i - item.head.i, item))
    return found


def _in_relative_clause(trigger, governor) -> bool:
    """An event told in a relative clause ("Bolsonaro, who had criticised China, visited
    Beijing in 2019") has its own time: the main clause's date is not its date."""
    node = trigger
    while node.head != node and (governor is None or node != governor):
        if node.dep_ in ("relcl", "acl") and node.pos_ in ("VERB", "AUX"):
            return True
        node = node.head
    return False


def _after_coordination(trigger, head) -> bool:
    """Whether a coordinating "and"/"but" of the trigger's clause (or a semicolon) stands
    between the trigger and the date: the date then opens the next clause."""
    if head.i <= trigger.i:
        return False
    between = trigger.doc[trigger.i + 1: head.i]
    return any((t.dep_ == "cc" and t.head == trigger) or t.text == ";" for t in between)


def _fronted(head) -> bool:
    """A date that opens the sentence ("On April 28, 2011 after ..., X said") scopes the whole
    sentence, whatever clause the parser attached it to."""
    first = head.sent.start
    lead = [t for t in head.doc[first: head.i] if not t.is_punct]
    return len(lead) <= 2 and all(t.pos_ in ("ADP", "PROPN", "NUM", "DET") for t in lead)


def _preference(item: SentenceDate, trigger, inside_trigger: bool) -> float:
    """Tie-breaks within a rank: the event's own calendar date before a date it is anchored to,
    and any calendar date before a named period.

    "After militants raided the base on 2 January, the government let inspectors in in late
    March": the letting in is dated late March, not 2 January. "During the Gulf War in January
    1991, X did Y": January 1991, not the whole war.
    """
    penalty = 0.0
    if inside_trigger and _anchor_word(item.head, trigger) is not None:
        penalty += 0.25
    if item.mention.kind == "period":
        penalty += 0.5
    return penalty


def date_for_event(trigger, dates: list[SentenceDate]) -> tuple[DateWindow, str] | None:
    """The window and date text of the event whose trigger token is `trigger`."""
    if not dates:
        return None
    candidates = []
    for item in dates:
        if item.head is None:
            continue
        governor = None if _fronted(item.head) else _governing_verb(item.head)
        inside_trigger = _is_ancestor(trigger, item.head)
        # a date is eligible when it sits in the trigger's own clause or in a
        # clause that governs the trigger (a main-clause date covers its
        # subordinate events); a date inside another clause, even one nested
        # in the trigger's phrase ("X, which joined in 1958, criticised Y"), is not
        if inside_trigger:
            eligible = not _separate_clause_between(governor, trigger)
        else:
            eligible = (governor is None or _is_ancestor(governor, trigger)) and not _in_relative_clause(trigger, governor)
        if not eligible:
            continue
        rank = 0 if inside_trigger else 1
        if _after_coordination(trigger, item.head):
            rank = 2  # "recaptured X in May, and the following month ...": the next clause's date
        rank += _preference(item, trigger, inside_trigger)
        candidates.append((rank, distance(trigger, item.head), item))
    if not candidates:
        candidates = _earlier_in_sentence(trigger, dates)
    if not candidates:
        return None
    # equal rank and tree distance: the date nearer the trigger in the text ("nationalised X in
    # August, and on 19 October imposed an embargo", when the parser hangs both dates on the first verb)
    candidates.sort(key=lambda c: (c[0], c[1], abs(trigger.i - c[2].head.i)))
    item = candidates[0][2]
    window = item.window
    anchor = _anchor_word(item.head, trigger) if _is_ancestor(trigger, item.head) else None
    if anchor in _BEFORE:
        window = before(window)
    elif anchor in _AFTER:
        window = after(window)
    else:
        marker = _clause_marker(trigger)
        if marker in _AFTER and not _is_ancestor(trigger, item.head):
            window = before(window)  # "after X did Y, Z said on D": Y happened before D
        elif marker in _BEFORE and not _is_ancestor(trigger, item.head):
            window = after(window)
    return replace(window), item.mention.text
