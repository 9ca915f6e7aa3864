"""Date expressions in a sentence, resolved to inclusive day windows.

Event data is judged first by its dates, and general-purpose parsers get this
genre wrong: they read "[17]" as a day, cannot express "the early 1990s" or
"between 1948 and 1953", and take the article's date when a year is missing.
So the rules are owned here: every mention becomes a window `[start, end]`
with a precision, and partial or relative mentions ("on July 23", "two days
later") are resolved against the document's running date, which is the
nearest earlier explicit date (ANNOTATION.md, "Dates").

The running date follows the document text, not the extracted events: every
sentence's dates move it, whether or not the sentence holds an event, and a
date earlier in the same sentence counts too ("in March 1990 ..., and on 14
June ..."). What does not move it: a named period or a century (see
`transforms.periods`; "during the Cold War" says nothing about which year
"in June" is), a range over several years, and a look back ("the previous
November", "a few days earlier"), after which the narrative resumes where it
was.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from eventledger.transforms.periods import find_periods

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
#: "a few days earlier", "several weeks later": between one and six units (the dev gold dates
#: "a few days earlier" than 16 March as 10-15 March).
_FEW = (1, 6)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PARTS = {"early": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9)}
#: "early", "mid", "late", or a phrase meaning one of them ("at the end of December" is late December).
_PART = r"(?P<part>early|mid|middle|late|(?:at\s+|by\s+|towards?\s+|near\s+|in\s+)?the\s+(?:end|beginning|start|middle)\s+of)"


def _part_key(text: str) -> str:
    """'at the end of' -> 'late', 'the beginning of' -> 'early', 'the middle of' -> 'mid'."""
    words = text.lower().split()
    if len(words) == 1:
        return words[0]
    return {"end": "late", "beginning": "early", "start": "early", "middle": "mid"}[words[-2]]
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
    kind: str  # "explicit" (complete), "partial" (needs a year), "relative", "period" (named period, century)
    window: DateWindow | None = None
    # for partial and relative mentions: what to resolve
    month: int | None = None
    day: int | None = None
    offset: tuple[str, int] | None = None  # (unit, amount) relative to the running date
    last_month: int | None = None  # a partial range ("7-8 May", "between 29 June and 1 July"): its last day
    last_day: int | None = None
    spread: int = 0  # "a few days later": the window runs `spread` more units past the offset


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


def days_window(year: int, month: int, day: int, last_month: int, last_day: int) -> DateWindow | None:
    """From one day to a later one ("7-8 May 2018"; "29 December-2 January" crosses into the next year)."""
    first = _safe_day(year, month, day)
    last = _safe_day(year + (1 if last_month < month else 0), last_month, last_day)
    if first is None or last is None or last < first:
        return None
    return DateWindow(first, last, "range")


def season_window(season: str, year: int) -> DateWindow:
    first, last = _SEASONS[season]
    end_year = year + 1 if last < first else year
    return DateWindow(dt.date(year, first, 1), _month_end(end_year, last), "range")


def _month_number(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


# Patterns in priority order: earlier patterns claim their characters first.
_TO = r"\s*(?:[-–—]|\s(?:to|and|until|till)\s)\s*"
_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "on the night of 7-8 May 2018", "7 and 8 May 2018", "May 7-8, 2018": the days named
    ("dd_range_dmy", re.compile(rf"\b{_m(_DAY, 'd')}{_TO}{_m(_DAY, 'd2')}\s+{_m(_MONTH, 'mo')},?\s+{_m(_YEAR, 'y')}\b")),
    ("dd_range_mdy", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}{_TO}{_m(_DAY, 'd2')},?\s+{_m(_YEAR, 'y')}\b")),
    # "between 29 June and 1 July 2018", "from June 29 to July 1, 2018": the lo of one to the hi of the other
    (
        "dm_range_dmy",
        re.compile(rf"\b{_m(_DAY, 'd')}\s+{_m(_MONTH, 'mo')}{_TO}{_m(_DAY, 'd2')}\s+{_m(_MONTH, 'mo2')},?\s+{_m(_YEAR, 'y')}\b"),
    ),
    (
        "dm_range_mdy",
        re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}{_TO}{_m(_MONTH, 'mo2')}\s+{_m(_DAY, 'd2')},?\s+{_m(_YEAR, 'y')}\b"),
    ),
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
    ("part_decade", re.compile(rf"\b{_PART}[- ](?:the\s+)?(?P<dec>1[5-9]\d0|20\d0)s\b", re.I)),
    ("decade", re.compile(r"\b(?P<dec>1[5-9]\d0|20\d0)s\b")),
    ("season", re.compile(rf"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_m(_YEAR, 'y')}\b", re.I)),
    (
        "part_month",
        re.compile(rf"\b{_PART}[- ](?:in\s+)?{_m(_MONTH, 'mo')},?\s+{_m(_YEAR, 'y')}\b", re.I),
    ),
    ("part_year", re.compile(rf"\b{_PART}[- ](?:in\s+)?{_m(_YEAR, 'y')}\b", re.I)),
    ("month_year", re.compile(rf"\b{_m(_MONTH, 'mo')},?\s+(?:of\s+)?{_m(_YEAR, 'y')}\b")),
    ("dm_range_partial", re.compile(rf"\b{_m(_DAY, 'd')}\s+{_m(_MONTH, 'mo')}{_TO}{_m(_DAY, 'd2')}\s+{_m(_MONTH, 'mo2')}\b(?!\s*,?\s*\d)")),
    ("md_range_partial", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}{_TO}{_m(_MONTH, 'mo2')}\s+{_m(_DAY, 'd2')}\b(?!\s*,?\s*\d)")),
    ("dd_range_partial", re.compile(rf"\b{_m(_DAY, 'd')}{_TO}{_m(_DAY, 'd2')}\s+{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)")),
    ("ddm_range_partial", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}{_TO}{_m(_DAY, 'd2')}\b(?!\s*,?\s*\d)")),
    ("md", re.compile(rf"\b{_m(_MONTH, 'mo')}\s+{_m(_DAY, 'd')}\b(?!\s*,?\s*\d)")),
    ("dm", re.compile(rf"\b{_m(_DAY, 'd')}\s+(?:of\s+)?{_m(_MONTH, 'mo')}\b")),
    ("part_month_partial", re.compile(rf"\b{_PART}[- ](?:in\s+)?{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)", re.I)),
    (
        "month_partial",
        re.compile(
            rf"\b(?i:in|by|until|till|since|during|of|from|through|throughout)\s+{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)"
        ),
    ),
    ("year", re.compile(rf"(?<![\d/.,:-]){_m(_YEAR, 'y')}(?![\d/]|\.\d|-\d)")),
    (
        "relative_unit",
        re.compile(
            r"\b(?P<n>\d+|a\s+few|a\s+couple\s+of|few|several|some|a|an|one|two|three|four|five|six|seven|eight|"
            r"nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty)\s+"
            r"(?P<unit>day|week|month|year)s?\s+(?P<dir>later|after(?:wards)?|earlier|before|on)\b",
            re.I,
        ),
    ),
    (
        "relative_named",
        re.compile(
            r"\b(?:(?P<side>later|earlier)\s+(?:in\s+)?)?(?P<which>the\s+following|the\s+next|the\s+previous|the\s+preceding|"
            r"the\s+same|that|this|the\s+same\s+day\s+of\s+the)\s+(?P<unit>day|week|month|year)\b",
            re.I,
        ),
    ),
    # news reports count from their dateline: "on Tuesday", "last Friday" (the latest such day on or
    # before the running day), "yesterday", "last week", "last month"
    (
        "relative_weekday",
        re.compile(r"\b(?i:on|last|this\s+past|early|late|since|by)\s+(?:on\s+)?"
                   r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ),
    ("relative_deictic", re.compile(r"\b(?P<word>[Yy]esterday|[Ll]ast\s+(?:week|month|year))\b")),
    # "the previous November", "the following May": that month before or after the running date
    # ("that May" is left out: "said that May would resign" names a person)
    (
        "relative_month",
        re.compile(rf"\b(?P<which>(?i:the\s+(?:previous|preceding|following|next|same)))\s+{_m(_MONTH, 'mo')}\b(?!\s*,?\s*\d)"),
    ),
]

#: Patterns that cannot match without a month name: skipped, for speed, in a sentence that has none.
_NEEDS_MONTH = frozenset(
    kind for kind, pattern in _PATTERNS if "(?P<mo>" in pattern.pattern and kind not in ("iso",)
)
_ANY_MONTH = re.compile(_m(_MONTH, "any_month"))

#: Number before a month or after "No." that is not a day (e.g. "Resolution 67/19").
_NOT_A_YEAR_BEFORE = re.compile(r"(?:No\.?|Nos\.?|number|Resolution|resolution|Article|article|§)\s*$")


def _explicit(kind: str, m: re.Match) -> DateMention | None:
    g = m.groupdict()
    text = m.group(0)
    window: DateWindow | None
    if kind == "iso":
        window = day_window(int(g["y"]), int(g["mo"]), int(g["d"]))
    elif kind in ("dd_range_dmy", "dd_range_mdy", "dm_range_dmy", "dm_range_mdy"):
        month, last_month = _month_number(g["mo"]), _month_number(g.get("mo2") or g["mo"])
        year = int(g["y"]) - (1 if last_month < month else 0)  # the year written is the last day's
        window = days_window(year, month, int(g["d"]), last_month, int(g["d2"]))
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
        lo, hi = _PARTS[_part_key(g["part"])]
        window = range_window(decade + lo, decade + hi)
    elif kind == "decade":
        decade = int(g["dec"])
        window = DateWindow(dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), "decade")
    elif kind == "season":
        window = season_window(g["season"].lower(), int(g["y"]))
    elif kind == "part_year":
        year = int(g["y"])
        lo, hi = _YEAR_PARTS[_part_key(g["part"])]
        window = DateWindow(dt.date(year, lo, 1), _month_end(year, hi), "range")
    elif kind == "part_month":
        year, month = int(g["y"]), _month_number(g["mo"])
        window = _month_part(year, month, _part_key(g["part"]))
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
                           offset=("part", _part_key(part)) if part else None)
    day = int(g["d"])
    if not 1 <= day <= 31:
        return None
    month = _month_number(g["mo"])
    if g.get("d2"):
        last_day = int(g["d2"])
        last_month = _month_number(g["mo2"]) if g.get("mo2") else month
        if not 1 <= last_day <= 31 or (last_month == month and last_day <= day):
            return None
        return DateMention(m.start(), m.end(), m.group(0), "partial", month=month, day=day,
                           last_month=last_month, last_day=last_day)
    return DateMention(m.start(), m.end(), m.group(0), "partial", month=month, day=day)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: "yesterday", "last week", "last month", "last year": (unit, amount) back from the running date
_DEICTIC = {"yesterday": ("day", -1), "last week": ("last_week", -1), "last month": ("month", -1), "last year": ("year", -1)}


def _relative(kind: str, m: re.Match) -> DateMention | None:
    g = m.groupdict()
    if kind == "relative_weekday":
        return DateMention(m.start(), m.end(), m.group(0), "relative", offset=("weekday", _WEEKDAYS.index(g["wd"].lower())))
    if kind == "relative_deictic":
        return DateMention(m.start(), m.end(), m.group(0), "relative", offset=_DEICTIC[re.sub(r"\s+", " ", g["word"].lower())])
    if kind == "relative_month":
        which = g["which"].lower().split()[-1]
        direction = {"previous": -1, "preceding": -1, "following": 1, "next": 1}.get(which, 0)
        return DateMention(m.start(), m.end(), m.group(0), "relative", month=_month_number(g["mo"]),
                           offset=("named_month", direction))
    unit = g["unit"].lower()
    if kind == "relative_unit":
        raw = re.sub(r"\s+", " ", g["n"].lower())
        backwards = g["dir"].lower() in ("earlier", "before")
        if raw in ("a few", "few", "several", "some"):
            lo, hi = _FEW
            amount, spread = (-hi, hi - lo) if backwards else (lo, hi - lo)
            return DateMention(m.start(), m.end(), m.group(0), "relative", offset=(unit, amount), spread=spread)
        amount = 2 if raw == "a couple of" else int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if amount is None:
            return None
        if backwards:
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
    skip = _NEEDS_MONTH if _ANY_MONTH.search(text) is None else frozenset()
    for period in find_periods(text):
        # "during the Gulf War", "in the late 18th century": first, so that "1948" in
        # "in the 1948 Arab-Israeli War" is read as part of the name
        if _inside_brackets(text, period.start):
            continue
        found.append(DateMention(period.start, period.end, period.text, "period",
                                 DateWindow(period.lo, period.hi, "range")))
        taken.append((period.start, period.end))
    for kind, pattern in _PATTERNS:
        if kind in skip:
            continue
        for m in pattern.finditer(text):
            if any(m.start() < hi and lo < m.end() for lo, hi in taken):
                continue
            if _inside_brackets(text, m.start()):
                continue
            if kind == "year" and _NOT_A_YEAR_BEFORE.search(text[: m.start()]):
                continue
            if kind in ("md", "dm", "month_partial", "part_month_partial") or kind.endswith("_range_partial"):
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


def _named_month(running: DateWindow, month: int, direction: int) -> DateWindow:
    """'the previous November': the last November before the running month; 'the following
    May': the first May after it; 'the same May': the running year's."""
    year = running.start.year
    if direction < 0 and month >= running.start.month:
        year -= 1
    elif direction > 0 and month <= running.start.month:
        year += 1
    return month_window(year, month)


def _partial_window(mention: DateMention, year: int) -> DateWindow | None:
    if mention.last_day is not None:
        return days_window(year, mention.month, mention.day, mention.last_month, mention.last_day)
    if mention.day is None:
        return _month_part(year, mention.month, mention.offset[1]) if mention.offset else month_window(year, mention.month)
    return day_window(year, mention.month, mention.day)


def _relative_window(mention: DateMention, running: DateWindow) -> DateWindow | None:
    unit, amount = mention.offset
    if unit == "named_month":
        return _named_month(running, mention.month, amount)
    if unit in ("weekday", "last_week"):
        if running.precision != "day":
            return None  # "on Tuesday" after "in May 2004" names no day
        if unit == "last_week":
            return DateWindow(running.start - dt.timedelta(days=7), running.start - dt.timedelta(days=1), "range")
        back = (running.start.weekday() - amount) % 7  # the latest such weekday on or before the running day
        day = running.start - dt.timedelta(days=back)
        return DateWindow(day, day, "day")
    first = _shift(running, unit, amount)
    if first is None or not mention.spread:
        return first
    last = _shift(running, unit, amount + mention.spread)  # "a few days later": one to six days on
    return DateWindow(first.start, last.end, "range") if last is not None else None


def resolve(mention: DateMention, running: DateWindow | None) -> DateWindow | None:
    """The mention's window; partial and relative mentions need the running date."""
    if mention.kind in ("explicit", "period"):
        return mention.window
    if running is None:
        return None
    window = _partial_window(mention, running.start.year) if mention.kind == "partial" else _relative_window(mention, running)
    return replace(window, source="context") if window else None


def looks_back(mention: DateMention) -> bool:
    """A flashback ("the previous November", "a few days earlier"): resolved against the running
    date, but the narrative then resumes where it was."""
    return mention.kind == "relative" and mention.offset is not None and mention.offset[1] < 0


def moves_running_date(mention: DateMention, window: DateWindow, running: DateWindow | None) -> bool:
    """Whether a resolved mention becomes the document's running date.

    Anything within one year moves the narrative on ("mid-September 1998",
    "on 14 June", "two days later"); a decade or a multi-year range only
    starts it; a named period or a century never does ("during the Cold
    War, ... In June ..." says nothing about June's year), nor a look back.
    """
    if mention.kind == "period" or looks_back(mention):
        return False
    if mention.offset is not None and mention.offset[0] == "weekday":
        return False  # "on Tuesday ... on Wednesday" both count back from the dateline
    return window.start.year == window.end.year or running is None


class RunningDate:
    """The document's running date: the latest explicit or resolved date the text gave so far.

    Kept per document, advanced sentence by sentence, so that "on July 23" or
    "the following year" resolve against what the narrative last said.
    """

    def __init__(self) -> None:
        self.current: DateWindow | None = None

    def resolve_all(self, mentions: list[DateMention]) -> list[tuple[DateMention, DateWindow | None]]:
        """Resolve a sentence's mentions in order, advancing the running date.

        Called for every sentence of the document, with or without events, so
        that a date the text gives is the running date whether or not an event
        was extracted next to it ("NAIROBI, 3 March 2022 - ..." as a dateline).
        """
        resolved = []
        for mention in mentions:
            window = resolve(mention, self.current)
            resolved.append((mention, window))
            if window is not None and moves_running_date(mention, window, self.current):
                self.current = window
        return resolved
