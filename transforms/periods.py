"""Named periods and centuries as date mentions: "during the Korean War", "in the late 18th century".

A history of relations dates many events by the period they fell in rather
than by a calendar date. Such a mention names a window of years (wars,
revolutions and eras from a data table, `data/dates/named_periods.csv`;
centuries by rule), and it dates only what its preposition attaches it to:
"during the Gulf War, X did Y" dates Y, while "the Gulf War began when Iraq
invaded Kuwait" has no date at all, because there the war is the event
itself. So a period is a date mention only after a temporal preposition
("during", "in", "after", "before", "at the end of", ...), and the
preposition decides which part of the period the event fell in.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PERIODS_FILE = Path(__file__).parent / "data" / "dates" / "named_periods.csv"

#: Temporal prepositions that introduce a period, longest first, and which part of the
#: period they select: the whole of it, its start or end, or the time just after or before it.
_SIDES: list[tuple[str, str]] = [
    ("in the aftermath of", "after"), ("in the wake of", "after"), ("after the end of", "after"),
    ("since the end of", "after"), ("following the end of", "after"), ("after", "after"), ("since", "after"),
    ("following", "after"),
    ("at the end of", "end"), ("by the end of", "end"), ("towards the end of", "end"), ("toward the end of", "end"),
    ("near the end of", "end"), ("in the last days of", "end"), ("in the final days of", "end"),
    ("at the start of", "start"), ("at the beginning of", "start"), ("at the outbreak of", "start"),
    ("at the outset of", "start"), ("early in", "start"),
    ("in the run-up to", "before"), ("in the lead-up to", "before"), ("on the eve of", "before"),
    ("before the outbreak of", "before"), ("before", "before"), ("prior to", "before"), ("ahead of", "before"),
    ("in the course of", "during"), ("at the time of", "during"), ("at the height of", "during"),
    ("during", "during"), ("throughout", "during"), ("amid", "during"), ("in", "during"), ("by", "during"),
]
_SIDE_OF = {phrase: side for phrase, side in _SIDES}
_PREPOSITION = "(?P<prep>" + "|".join(
    r"\s+".join(re.escape(w) for w in phrase.split()) for phrase, _ in _SIDES
) + ")"

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21,
}
#: Parts of a century, as the decade parts of the annotation guide scaled up (early = first third).
_CENTURY_PARTS = {"early": (0, 33), "mid": (34, 66), "middle": (34, 66), "late": (67, 99),
                  "first half": (0, 49), "second half": (50, 99), "latter half": (50, 99)}
# "in the 12th century", "by the early 19th century", "in the mid-20th century",
# "during the second half of the eighteenth century"; never "a 12th-century castle" or "the 5th century BC"
_CENTURY = re.compile(
    rf"\b{_PREPOSITION}\s+the\s+(?:(?P<half>first|second|latter)\s+half\s+of\s+the\s+)?"
    rf"(?:(?P<part>early|mid|middle|late)[- ])?"
    rf"(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<word>{'|'.join(sorted(_ORDINALS, key=len, reverse=True))}))"
    r"\s+century\b(?![- ](?:BC|BCE|B\.C\.))(?!\s+(?:BC|BCE|B\.C\.))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PeriodMatch:
    """A period mention: where it is, and the window its preposition selects."""

    start: int
    end: int
    text: str
    lo: dt.date
    hi: dt.date


def _name_pattern(name: str) -> str:
    """A name from the table as a regex: a capital first letter stays a capital ("the Troubles",
    never "the troubles"), every other letter matches in any case; spaces match white space,
    hyphens any dash, apostrophes are optional."""
    out = []
    for n, ch in enumerate(name):
        if n == 0 and ch.isupper():
            out.append(ch)
        elif ch == " ":
            out.append(r"\s+")
        elif ch == "-":
            out.append(r"[-–—\s]")
        elif ch in "'’":
            out.append("['’]?")
        elif ch.isalpha():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=1)
def _period_rows() -> tuple[dict[str, str], ...]:
    """The rows of the table, read once for both the pattern and the key words."""
    with PERIODS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    return tuple(csv.DictReader(lines))


@lru_cache(maxsize=1)
def named_periods() -> tuple[re.Pattern, tuple[tuple[dt.date, dt.date], ...]]:
    """The table as one pattern (group `p<n>` for row n) and the rows' windows."""
    windows, groups = [], []
    for n, row in enumerate(_period_rows()):
        names = sorted((x.strip() for x in row["names"].split("|") if x.strip()), key=len, reverse=True)
        groups.append(f"(?P<p{n}>" + "|".join(_name_pattern(x) for x in names) + ")")
        windows.append((dt.date.fromisoformat(row["lo"].strip()), dt.date.fromisoformat(row["hi"].strip())))
    pattern = re.compile(
        rf"\b(?i:{_PREPOSITION})\s+(?:[Tt]he\s+)?(?:" + "|".join(groups) + r")(?![\w-])"
    )
    return pattern, tuple(windows)


def _year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


def _year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def select(lo: dt.date, hi: dt.date, side: str) -> tuple[dt.date, dt.date]:
    """The part of a period `[lo, hi]` that a preposition selects.

    "during the Korean War": the whole war; "after the Six-Day War": from its
    last day to the end of that year (the seed gold dates "in the aftermath
    of the Six-Day War" by 1967); "before ...": from the start of the year it
    began to its first day; "at the end of"/"at the start of": the last or
    first year of it, within the period.
    """
    if side == "after":
        return hi, _year_end(hi)
    if side == "before":
        return _year_start(lo), lo
    if side == "end":
        return max(lo, _year_start(hi)), hi
    if side == "start":
        return lo, min(hi, _year_end(lo))
    return lo, hi


def _side(prep: str) -> str:
    return _SIDE_OF[re.sub(r"\s+", " ", prep.lower())]


@lru_cache(maxsize=1)
def _key_words() -> frozenset[str]:
    """The longest word of every name in the table, lowercased: a sentence without any of them
    names no period, and is not searched (the full pattern is slow on every sentence)."""
    keys = set()
    for row in _period_rows():
        for name in row["names"].split("|"):
            words = re.findall(r"[a-z0-9]+", name.lower())
            if words:
                keys.add(max(words, key=len))
    return frozenset(keys)


def find_named_periods(text: str) -> list[PeriodMatch]:
    """Named periods introduced by a temporal preposition ("during the Cold War")."""
    if _key_words().isdisjoint(re.findall(r"[a-z0-9]+", text.lower())):
        return []
    pattern, windows = named_periods()
    found = []
    for m in pattern.finditer(text):
        row = next(int(k[1:]) for k, v in m.groupdict().items() if k[0] == "p" and k[1:].isdigit() and v is not None)
        lo, hi = select(*windows[row], _side(m.group("prep")))
        found.append(PeriodMatch(m.start(), m.end(), m.group(0), lo, hi))
    return found


def century_window(number: int, part: str | None) -> tuple[dt.date, dt.date] | None:
    """Years (n-1)00 to (n-1)99 of the n-th century, or the part of it ("early": the first third)."""
    if not 1 <= number <= 21:
        return None
    first = (number - 1) * 100
    lo, hi = _CENTURY_PARTS.get(part, (0, 99)) if part else (0, 99)
    return dt.date(max(1, first + lo), 1, 1), dt.date(max(1, first + hi), 12, 31)


def find_centuries(text: str) -> list[PeriodMatch]:
    """Centuries introduced by a temporal preposition ("in the late 18th century")."""
    found = []
    if "entur" not in text:
        return found
    for m in _CENTURY.finditer(text):
        number = int(m.group("n")) if m.group("n") else _ORDINALS[m.group("word").lower()]
        half = m.group("half")
        part = f"{half.lower()} half" if half else (m.group("part") or "").lower() or None
        side = _side(m.group("prep"))
        if side in ("end", "start") and part is None:
            part = "late" if side == "end" else "early"  # "by the end of the 19th century"
        elif side in ("after", "before"):
            continue  # "since the 19th century": how long a state lasted, not when something happened
        window = century_window(number, part)
        if window is not None:
            found.append(PeriodMatch(m.start(), m.end(), m.group(0), *window))
    return found


def find_periods(text: str) -> list[PeriodMatch]:
    """Named periods and centuries in `text`, left to right, without overlaps."""
    found: list[PeriodMatch] = []
    for match in find_named_periods(text) + find_centuries(text):
        if not any(match.start < other.end and other.start < match.end for other in found):
            found.append(match)
    return sorted(found, key=lambda p: p.start)

