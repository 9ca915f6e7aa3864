"""Split a document into clean sentences and their citation markers.

Wikipedia-style text breaks the usual assumptions: line breaks are not
sentence breaks (several sentences share a line, one wraps over two), a
citation marker at the start of a line closes the *previous* sentence (often
with that sentence's closing quote in front of it: `"[23] The head of ...`),
and abbreviations such as "U.S.", "Mr." or "No. 67/19" end in a full stop
without ending anything. The rules live here, as small functions, because
off-the-shelf splitters get these wrong in ways that move events between
sentences. See ANNOTATION.md, "Input text conventions".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: `[17]`, `[citation needed]`, `[when?]`, `[a]`, `[note 3]`; `[sic]` is an
#: editorial note inside quotes and stays in the text.
MARKER = r"\[(?!sic\])[^\[\]\n]{1,40}\]"
_MARKER_RE = re.compile(MARKER, re.IGNORECASE)

_QUOTES = "\"“”"
_TERMINAL = r"(?:\.{3}|…|[.!?])"
_CLOSERS = r"[\"'”’»)]*"
#: A sentence end: terminal punctuation, closing quotes or brackets, markers,
#: then (across white space) a stray closing quote and markers that open the
#: next line but belong to this sentence.
_END_RE = re.compile(
    rf"{_TERMINAL}{_CLOSERS}(?:{MARKER})*(?:\s+[\"”]?(?:{MARKER})+)*(?=\s|$)",
    re.IGNORECASE,
)
#: Markers or a stray quote plus markers at the very start of a line.
_LEADING_MARKERS_RE = re.compile(rf"[\"”]?(?:{MARKER})+\s*", re.IGNORECASE)

#: Abbreviations that never end a sentence in this genre.
_NEVER_FINAL = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr gov sen rep amb st mt ft
    no nos vs v e.g i.e cf approx ca fig vol pp para art sec dept est
    jan feb mar apr jun jul aug sep sept oct nov dec rev fr hon pres""".split()
)
#: Abbreviations that may end a sentence; they do when a typical sentence opener follows.
_MAYBE_FINAL = frozenset("etc inc ltd co corp jr sr bros al".split())
_SENTENCE_OPENERS = frozenset(
    """the a an in on at after before during since when while this that these those it its
    he she they we i his her their there however also meanwhile later then by from
    following although despite as according under with for in to""".split()
)
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: clean text for humans and matching, raw text and offsets for provenance."""

    ordinal: int
    text: str
    raw_text: str
    char_start: int
    char_end: int
    markers: tuple[str, ...] = field(default=())


def _word_before(text: str, dot: int) -> str:
    """The token that ends at `dot` (the index of a full stop)."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "([\"“":
        start -= 1
    return text[start:dot]


def _next_word(text: str, pos: int) -> str:
    match = re.match(r"\s*[\"“'(]?([A-Za-z]+)", text[pos:])
    return match.group(1) if match else ""


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether the text after `pos` can begin a sentence (capital, digit, quote, marker)."""
    rest = text[pos:].lstrip()
    if not rest:
        return True
    return rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'([«"


def is_abbreviation_stop(text: str, dot: int) -> bool:
    """True when the full stop at `dot` belongs to an abbreviation, not a sentence end."""
    word = _word_before(text, dot)
    bare = word.strip("'’").lower()
    nxt = _next_word(text, dot + 1)
    if bare in _NEVER_FINAL:
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "John F. Kennedy"
    if bare in _MAYBE_FINAL or _DOTTED_ACRONYM.search(word):
        return nxt.lower() not in _SENTENCE_OPENERS
    return False


def _is_boundary(text: str, match: re.Match) -> bool:
    end = match.end()
    if not _starts_sentence(text, end):
        return False
    token = match.group(0)
    if token.startswith(".") and not token.startswith("..."):
        return not is_abbreviation_stop(text, match.start())
    return True


def _looks_like_heading(line: str) -> bool:
    """A short line with no closing punctuation (a section title) stands alone."""
    stripped = line.strip()
    if not stripped:
        return False
    if stripped.startswith("=") or stripped.startswith("#"):
        return True
    return len(stripped.split()) <= 6 and stripped[-1] not in ",;:-–(" and stripped[0].isupper()


def _hard_breaks(text: str) -> list[int]:
    """Offsets where a sentence must end whatever the punctuation: blank lines, headings."""
    breaks = []
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        end = pos + len(line)
        if i + 1 < len(lines):
            nxt = lines[i + 1]
            if not line.strip() or not nxt.strip() or _looks_like_heading(line) or _looks_like_heading(nxt):
                breaks.append(end)
        pos = end + 1
    return breaks


def raw_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the raw sentences, white space excluded."""
    cuts = {m.end() for m in _END_RE.finditer(text) if _is_boundary(text, m)}
    cuts.update(_hard_breaks(text))
    cuts.add(len(text))
    spans = []
    start = 0
    for cut in sorted(cuts):
        lo, hi = start, cut
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            spans.append((lo, hi))
        start = cut
    return _attach_leading_markers(text, spans)


def _attach_leading_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move markers that open a span (left there by a hard break) onto the previous span."""
    fixed: list[tuple[int, int]] = []
    for lo, hi in spans:
        match = _LEADING_MARKERS_RE.match(text, lo, hi)
        if match and fixed:
            marker_end = match.end()
            while marker_end > lo and text[marker_end - 1].isspace():
                marker_end -= 1
            fixed[-1] = (fixed[-1][0], marker_end)
            lo = match.end()
            if not text[lo:hi].strip():
                continue
        fixed.append((lo, hi))
    return fixed


def _quote_count(text: str) -> int:
    return sum(text.count(q) for q in _QUOTES)


def clean_sentence(raw: str) -> tuple[str, tuple[str, ...]]:
    """Clean text (no markers, single spaces, balanced quotes) and the markers removed."""
    markers = tuple(m.group(0)[1:-1].strip() for m in _MARKER_RE.finditer(raw))
    # A stray quote directly before a marker run that followed white space
    # is the closing quote of this sentence, moved to the next line by the
    # source; keep it only if this sentence needs it.
    stray = re.search(rf"(\s+)([\"”])(?:{MARKER})+\s*$", raw, re.IGNORECASE)
    body = raw
    if stray:
        without = raw[: stray.start(2)] + raw[stray.end(2):]
        if _quote_count(without) % 2 == 1:
            body = raw[: stray.start(1)] + stray.group(2) + raw[stray.start(1): stray.start(2)] + raw[stray.end(2):]
        else:
            body = without
    text = _MARKER_RE.sub("", body)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    if _quote_count(text) % 2 == 1:
        text += "”" if "“" in text and text.count("“") > text.count("”") else '"'
    return text, markers


def split_sentences(text: str) -> list[Sentence]:
    """The document's sentences in order, with 1-based ordinals and offsets into `text`."""
    sentences = []
    for lo, hi in raw_spans(text):
        raw = text[lo:hi]
        clean, markers = clean_sentence(raw)
        if not clean or not any(ch.isalnum() for ch in clean):
            continue
        sentences.append(Sentence(len(sentences) + 1, clean, raw, lo, hi, markers))
    return sentences
