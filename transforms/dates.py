"""Date expressions in a sentence, resolved to inclusive day windows.

Event data is judged first by its dates, and general-purpose parsers get this
genre wrong: they read "[17]" as a day, cannot express "the early 1990s" or
"between 1948 and 1953", and take the article's date when a year is missing.
So the rules are owned here: every mention becomes a window `[start, end]`
with a precision, and partial or relative mentions ("on July 23", "two days
later") are resolved against the document's running date, which is the
nearest earlier explicit date (ANNOTATION.md, "Dates").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH = r"(?P<{0}>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>1[5-9]\d\d|20\d\d)"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30,
    "several": None, "few": None, "some": None,
}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PARTS = {"early": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9)}
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "middle": (5, 8), "late": (9, 12)}


def _m(fmt: str, name: str) -> str:
    return fmt.format(name)


@dataclass(frozen=True)
class DateWindow:
    """An inclusive window of days and how it was obtained."""

    start: dt.date
    end: dt.date
    precision: str  # day | month | year | decade | range
    source: str = "explicit"  # explicit | context


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a sentence, before or after resolution."""

    start: int
    end: int
    text: str
    kind: str  # "explicit" (complete), "partial" (needs a year), "relative"
    window: DateWindow | None = None
    # for partial and relative mentions: what to resolve
    month: int | None = None
    day: int | None = None
    offset: tuple[str, int] | None = None  # (unit, amount) relative to the running date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day_window(year: int, month: int, day: int) -> DateWindow | None:
    when = _safe_day(year, month, day)
    return DateWindow(when, when, "day") if when else None


def month_window(year: int, month: int) -> DateWindow:
    return DateWindow(dt.date(year, month, 1), _month_end(year, month), "month")


def year_window(year: int) -> DateWindow:
    return DateWindow(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def range_window(first_year: int, last_year: int) -> DateWindow:
    return DateWindow(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), "range")


def season_window(season: str, year: int) -> DateWindow:
    first, last = _SEASONS[season]
    end_year = year + 1 if last < first else year
    return DateWindow(dt.date(year, first, 1), _month_end(end_year, last), "range")


def _month_number(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


# Patterns in priority order: earlier patterns claim their characters first.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<y>1[5-9]\d\d|20\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')},?\s+{_m(_YEAR, 'y')}\b")),
    ("dmy", re.compile(rf"\b{_m(_DAY, 'd')}\s+{_m(_MONTH, 'mo')},?\s+{_m(_YEAR, 'y')}\b")),
    (
        "between_years",
        re.compile(
            rf"\b(?:between|from)\s+(?:the\s+years\s+)?{_m(_YEAR, 'y')}\s+(?:and|to|until|till)\s+{_m(_YEAR, 'y2')}\b",
            re.I,
        ),
    ),
    ("year_span", re.compile(rf"\b{_m(_YEAR, 'y')}\s*[–—-]\s*(?P<y2>\d{{2}}|\d{{4}})\b(?!-)")),
    ("part_decade", re.compile(r"\b(?P<part>early|mid|middle|late)[- ](?:the\s+)?(?P<dec>1[5-9]\d0|20\d0)s\b", re.I)),
    ("decade", re.compile(r"\b(?P<dec>1[5-9]\d0|20\d0)s\b")),
    ("season", re.compile(rf"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_m(_YEAR, 'y')}\b", re.I)),
    (
        "part_month",
        re.compile(rf"\b(?P<part>early|mid|middle|late)[- ](?:in\s+)?{_m(_MONTH, 'mo')},?\s+{_m(_YEAR, 'y')}\b", re.I),
    ),
    ("part_year", re.compile(rf"\b(?P<part>early|mid|middle|late)[- ](?:in\s+)?{_m(_YEAR, 'y')}\b", re.I)),
    ("month_year", re.compile(rf"\b{_m(_MONTH, 'mo')},?\s+(?:of\s+)?{_m(_YEAR, 'y')}\b")),
    ("md", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}\b(?!\s*,?\s*\d)")),
    ("dm", re.compile(rf"\b{_m(_DAY, 'd')}\s+(?:of\s+)?{_m(_MONTH, 'mo')}\b")),
    ("part_month_partial", re.compile(rf"\b(?P<part>early|mid|middle|late)[- ](?:in\s+)?{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)", re.I)),
    (
        "month_partial",
        re.compile(
            rf"\b(?:in|by|until|till|since|during|of|from|through|throughout)\s+{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)"
        ),
    ),
    ("year", re.compile(rf"(?<![\d/.,:-]){_m(_YEAR, 'y')}(?![\d/]|\.\d|-\d)")),
    (
        "relative_unit",
        re.compile(
            r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
            r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty)\s+"
            r"(?P<unit>day|week|month|year)s?\s+(?P<dir>later|after(?:wards)?|earlier|before|on)\b",
            re.I,
        ),
    ),
    (
        "relative_named",
        re.compile(
            r"\b(?:(?P<side>later|earlier)\s+(?:in\s+)?)?(?P<which>the\s+following|the\s+next|the\s+previous|the\s+preceding|"
            r"the\s+same|that|the\s+same\s+day\s+of\s+the)\s+(?P<unit>day|week|month|year)\b",
            re.I,
        ),
    ),
]

#: Number before a month or after "No." that is not a day (e.g. "Resolution 67/19").
_NOT_A_YEAR_BEFORE = re.compile(r"(?:No\.?|Nos\.?|number|Resolution|resolution|Article|article|§)\s*$")


def _explicit(kind: str, m: re.Match) -> DateMention | None:
    g = m.groupdict()
    text = m.group(0)
    window: DateWindow | None
    if kind == "iso":
        window = day_window(int(g["y"]), int(g["mo"]), int(g["d"]))
    elif kind in ("mdy", "dmy"):
        window = day_window(int(g["y"]), _month_number(g["mo"]), int(g["d"]))
    elif kind == "between_years":
        lo, hi = sorted((int(g["y"]), int(g["y2"])))
        window = range_window(lo, hi)
    elif kind == "year_span":
        first = int(g["y"])
        second = g["y2"]
        last = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if last <= first or last - first > 100:
            return None
        window = range_window(first, last)
    elif kind == "part_decade":
        decade = int(g["dec"])
        lo, hi = _PARTS[g["part"].lower()]
        window = range_window(decade + lo, decade + hi)
    elif kind == "decade":
        decade = int(g["dec"])
        window = DateWindow(dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), "decade")
    elif kind == "season":
        window = season_window(g["season"].lower(), int(g["y"]))
    elif kind == "part_year":
        year = int(g["y"])
        lo, hi = _YEAR_PARTS[g["part"].lower()]
        window = DateWindow(dt.date(year, lo, 1), _month_end(year, hi), "range")
    elif kind == "part_month":
        year, month = int(g["y"]), _month_number(g["mo"])
        window = _month_part(year, month, g["part"].lower())
    elif kind == "month_year":
        window = month_window(int(g["y"]), _month_number(g["mo"]))
    elif kind == "year":
        window = year_window(int(g["y"]))
    else:
        return None
    if window is None:
        return None
    return DateMention(m.start(), m.end(), text, "explicit", window)


_MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "middle": (11, 20), "late": (21, 31)}


def _month_part(year: int, month: int, part: str) -> DateWindow:
    """'early/mid/late March 1990': days 1-10, 11-20, 21-end."""
    first, last = _MONTH_PARTS[part]
    end = min(last, calendar.monthrange(year, month)[1])
    return DateWindow(dt.date(year, month, first), dt.date(year, month, end), "range")


def _partial(kind: str, m: re.Match) -> DateMention | None:
    g = m.groupdict()
    if kind in ("month_partial", "part_month_partial"):
        part = g.get("part")
        return DateMention(m.start(), m.end(), m.group(0), "partial", month=_month_number(g["mo"]),
                           offset=("part", part.lower()) if part else None)
    day = int(g["d"])
    if not 1 <= day <= 31:
        return None
    return DateMention(m.start(), m.end(), m.group(0), "partial", month=_month_number(g["mo"]), day=day)


def _relative(kind: str, m: re.Match) -> DateMention | None:
    g = m.groupdict()
    unit = g["unit"].lower()
    if kind == "relative_unit":
        raw = g["n"].lower()
        amount = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if amount is None:
            return None
        direction = g["dir"].lower()
        if direction in ("earlier", "before"):
            amount = -amount
    else:
        which = re.sub(r"\s+", " ", g["which"].lower())
        if which in ("the following", "the next"):
            amount = 1
        elif which in ("the previous", "the preceding"):
            amount = -1
        else:
            amount = 0
            side = (g.get("side") or "").lower()
            if side and unit in ("month", "year"):
                # "later that month": after the running day, to the end of the month
                return DateMention(m.start(), m.end(), m.group(0), "relative", offset=(f"rest_of_{unit}", 1 if side == "later" else -1))
    return DateMention(m.start(), m.end(), m.group(0), "relative", offset=(unit, amount))


def find_mentions(text: str) -> list[DateMention]:
    """All date mentions in `text`, left to right, without overlaps.

    Text is expected to be clean (citation markers removed), but numbers in
    brackets are skipped anyway so that "[17]" is never read as a day.
    """
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < hi and lo < m.end() for lo, hi in taken):
                continue
            if _inside_brackets(text, m.start()):
                continue
            if kind == "year" and _NOT_A_YEAR_BEFORE.search(text[: m.start()]):
                continue
            if kind in ("md", "dm", "month_partial", "part_month_partial"):
                mention = _partial(kind, m)
            elif kind.startswith("relative"):
                mention = _relative(kind, m)
            else:
                mention = _explicit(kind, m)
            if mention is not None:
                found.append(mention)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


def _inside_brackets(text: str, pos: int) -> bool:
    opened = text.rfind("[", 0, pos)
    return opened != -1 and text.find("]", opened) >= pos and text.rfind("]", 0, pos) < opened


def _rest_of(anchor: DateWindow, unit: str, direction: int) -> DateWindow:
    """'later that month' / 'earlier that year': the part of the unit after (or before) the anchor."""
    whole = month_window(anchor.start.year, anchor.start.month) if unit == "month" else year_window(anchor.start.year)
    if anchor.precision != "day":
        return whole
    if direction > 0:
        start = min(anchor.start + dt.timedelta(days=1), whole.end)
        return DateWindow(start, whole.end, "range")
    end = max(anchor.start - dt.timedelta(days=1), whole.start)
    return DateWindow(whole.start, end, "range")


def _shift(anchor: DateWindow, unit: str, amount: int) -> DateWindow | None:
    """Move a window by whole units, keeping the unit's precision."""
    if unit.startswith("rest_of_"):
        return _rest_of(anchor, unit.removeprefix("rest_of_"), amount)
    base = anchor.start
    if unit == "year":
        year = base.year + amount
        return year_window(year)
    if unit == "month":
        if anchor.precision not in ("day", "month"):
            return None
        index = base.year * 12 + base.month - 1 + amount
        return month_window(index // 12, index % 12 + 1)
    if unit in ("day", "week"):
        shift = dt.timedelta(days=amount * (7 if unit == "week" else 1))
        if anchor.precision != "day":
            if anchor.end - anchor.start > dt.timedelta(days=62):
                return None  # "two days later" than "in 1990" says nothing useful
            # "two days later" than "in May 2004": the month, moved by two days
            return DateWindow(anchor.start + shift, anchor.end + shift, "range")
        when = base + shift
        return DateWindow(when, when, "day")
    return None


def resolve(mention: DateMention, running: DateWindow | None) -> DateWindow | None:
    """The mention's window; partial and relative mentions need the running date."""
    if mention.kind == "explicit":
        return mention.window
    if running is None:
        return None
    if mention.kind == "partial":
        year = running.start.year
        if mention.day is None:
            window = _month_part(year, mention.month, mention.offset[1]) if mention.offset else month_window(year, mention.month)
        else:
            window = day_window(year, mention.month, mention.day)
        return replace(window, source="context") if window else None
    unit, amount = mention.offset
    shifted = _shift(running, unit, amount)
    return replace(shifted, source="context") if shifted else None


class RunningDate:
    """The document's running date: the latest explicit or resolved date so far.

    Kept per document, advanced sentence by sentence, so that "on July 23" or
    "the following year" resolve against what the narrative last said.
    """

    def __init__(self) -> None:
        self.current: DateWindow | None = None

    def resolve_all(self, mentions: list[DateMention]) -> list[tuple[DateMention, DateWindow | None]]:
        """Resolve a sentence's mentions in order, advancing the running date."""
        resolved = []
        for mention in mentions:
            window = resolve(mention, self.current)
            resolved.append((mention, window))
            if window is not None and (window.start.year == window.end.year or self.current is None):
                # anything within one year moves the narrative on ("mid-September 1998");
                # a decade or a multi-year range only starts it
                self.current = window
        return resolved
