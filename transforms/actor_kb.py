"""Actor knowledge base: canonical names, aliases, demonyms, titles and office holders.

The extractor finds surface strings such as "USSR", "the Russian Foreign
Ministry", "Israeli Prime Minister" or "Lavrov"; the warehouse and the gold
files want one canonical actor per real-world entity (English Wikipedia title
convention, ISO 3166-1 alpha-3 country codes, see ANNOTATION.md).  This module
bridges the two with curated data under ``transforms/data/actors/`` plus every
country known to ``pycountry``.

It is deliberately pure Python (stdlib + pycountry, no Prefect): it is loaded
once per process, unit-tested in isolation and can be reused by the eval code.

Design decisions worth knowing:

* Matching is exact after normalisation (case, whitespace, dashes, curly
  quotes, a leading "the", a trailing possessive, spaced initials); there is
  no fuzzy matching, because a wrong actor is worse than no actor.
* Short acronyms (at most four letters with two or more capitals: "US",
  "WHO", "IS", "PA", "LeT") match case-sensitively; otherwise "us", "who" and
  "is" would become actors.  Lower-case spellings that are really used
  ("Nato", "Opec") are listed as aliases of their own.
* Every alias also gets an ASCII-folded twin ("Erdogan" for "Erdoğan").
* One surface may name different entities in different periods ("Moscow":
  Russia, or the Soviet Union before 1992).  States carry a validity period,
  and ``lookup``/``adjective`` take an optional date to pick the one that
  existed then; without a date the highest-priority candidate wins.
* Priority: later sources beat earlier ones (pycountry < states.csv <
  organizations.csv < office_holders.csv < extra files); within a source a
  canonical name beats a curated alias, which beats a derived alias
  (pycountry names, ASCII folds).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pycountry

__all__ = [
    "ACTOR_COLUMNS",
    "ACTOR_TYPES",
    "ActorFileError",
    "ActorKB",
    "DATA_DIR",
    "KBEntry",
    "OfficeTerm",
    "ascii_fold",
    "load_actor_kb",
    "normalize_surface",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "actors"
ACTOR_TYPES = frozenset({"state", "person", "organization", "igo", "group"})
#: The columns of organizations.csv and of users' actor files, in order.
ACTOR_COLUMNS = ("name", "actor_type", "country_code", "aliases")
_COUNTRY_CODE = re.compile(r"[A-Z]{3}")

Date = datetime.date


@dataclass(frozen=True)
class KBEntry:
    name: str  # canonical (English Wikipedia title convention)
    actor_type: str  # 'state' | 'person' | 'organization' | 'igo' | 'group'
    country_code: str | None  # ISO 3166-1 alpha-3 (historic: SUN, YUG, DDR, CSK, ...)
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class OfficeTerm:
    person: KBEntry
    role: str  # normalised lowercase role as written in office_holders.csv
    country_code: str | None
    start: Date
    end: Date | None  # None: still in office


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bb": "'", "`": "'", "\u00b4": "'",
        "\u00a0": " ",
    }
)
# Letters that NFKD does not decompose into base letter + combining mark.
_FOLD_MAP = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
    }
)
_SPACED_INITIALS = re.compile(r"\b([A-Z])\.\s+(?=[A-Z]\.)")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"'s?$")
_PAREN = re.compile(r"\s*\([^)]*\)")


def normalize_surface(text: str) -> str:
    """Canonical spelling of a surface form, *case preserved*.

    Unifies Unicode composition, dashes, apostrophes and whitespace, joins
    spaced initials ("George H. W. Bush" -> "George H.W. Bush"), and drops a
    leading article and a trailing possessive ("the Kremlin's" -> "Kremlin").
    """
    s = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    s = " ".join(s.split())
    s = s.strip(" ,;:")
    s = _SPACED_INITIALS.sub(r"\1.", s)
    s = _LEADING_THE.sub("", s)
    s = _POSSESSIVE.sub("", s)
    s = s.rstrip()
    return s


def ascii_fold(text: str) -> str:
    """Strip diacritics: "Recep Tayyip Erdoğan" -> "Recep Tayyip Erdogan"."""
    s = text.translate(_FOLD_MAP)
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def _is_case_sensitive(alias: str) -> bool:
    """True for short acronyms that would collide with ordinary words if matched
    case-insensitively ("US"/"us", "WHO"/"who", "IS"/"is", "LeT"/"let")."""
    compact = re.sub(r"[.\s&-]", "", alias)
    return 2 <= len(compact) <= 4 and sum(c.isupper() for c in compact) >= 2


def _keys(surface: str) -> list[tuple[bool, str]]:
    """Index keys of a surface: (case_sensitive, key) pairs, original and ASCII-folded."""
    norm = normalize_surface(surface)
    if not norm:
        return []
    out: list[tuple[bool, str]] = []
    for form in dict.fromkeys((norm, ascii_fold(norm))):
        if _is_case_sensitive(form):
            out.append((True, form))
        else:
            out.append((False, form.casefold()))
    return out


def _ci_key(surface: str) -> str:
    return normalize_surface(surface).casefold()


# ---------------------------------------------------------------------------
# CSV helpers
# ---------------------------------------------------------------------------


class ActorFileError(ValueError):
    """An actor CSV file that cannot be used: the message names the file, the line where known, and what is wrong."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"actor file {path}" + (f" line {line}" if line else "") + f": {problem}")


def _csv_text(path: Path) -> str:
    """The file's text: UTF-8, with or without the BOM that spreadsheet programs write."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ActorFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ActorFileError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8", line) from None


def _read_csv(path: Path, columns: Sequence[str] = (),
              required: Sequence[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a data CSV as (line number, dict); '#' lines are comments.

    With `columns`, the header may name only those and must name every
    `required` one. A row with more values than the header has columns is an
    error (its extra values would be dropped without a word).
    """
    lines = io.StringIO(_csv_text(path), newline="")
    numbered = [(i, line) for i, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        return
    reader = csv.DictReader(line for _, line in numbered)
    header = [name.strip() for name in reader.fieldnames or ()]
    _check_header(path, numbered[0][0], header, columns, required)
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ActorFileError(path, f"not CSV ({exc})", numbered[reader.line_num - 1][0]) from None
        lineno = numbered[reader.line_num - 1][0]
        if None in row:
            raise ActorFileError(path, f"{len(header) + len(row[None])} values, but the header has "
                                       f"{len(header)} columns ({','.join(header)})", lineno)
        yield lineno, {k.strip(): (v or "").strip() for k, v in row.items()}


def _check_header(path: Path, line: int, header: list[str], columns: Sequence[str], required: Sequence[str]) -> None:
    if not columns:
        return
    expected = f"the first line must be the header {','.join(columns)}"
    missing = [name for name in required if name not in header]
    if missing:
        raise ActorFileError(path, f"the header has no column {', '.join(missing)}: {expected}", line)
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise ActorFileError(path, f"unknown column {', '.join(map(repr, unknown))}: {expected}", line)


def _split(field_value: str) -> list[str]:
    return [p.strip() for p in field_value.split("|") if p.strip()]


def _parse_date(value: str, *, end: bool, where: str) -> Date | None:
    """ISO date, also at month or year precision ("1996", "1974-11") for facts
    known only that precisely; a partial end date means the period's last day."""
    value = value.strip()
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return Date(*parts)
        if len(parts) == 2:
            y, m = parts
            if not end:
                return Date(y, m, 1)
            nxt = Date(y + (m == 12), m % 12 + 1, 1)
            return nxt - datetime.timedelta(days=1)
        if len(parts) == 1:
            return Date(parts[0], 12, 31) if end else Date(parts[0], 1, 1)
    except ValueError:
        pass
    raise ValueError(f"{where}: bad date {value!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")


def _code(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    return value or None


# ---------------------------------------------------------------------------
# Build-time records
# ---------------------------------------------------------------------------

# Alias kinds, strongest first within one source layer.
_NAME, _CURATED, _DERIVED = 2, 1, 0


@dataclass
class _Record:
    name: str
    actor_type: str
    country_code: str | None
    layer: int
    aliases: dict[str, tuple[int, int]] = field(default_factory=dict)  # alias -> (layer, kind)
    adjectives: dict[str, int] = field(default_factory=dict)  # adjective -> layer
    valid_from: Date | None = None
    valid_to: Date | None = None
    surname_override: list[str] | None = None

    def add_alias(self, alias: str, layer: int, kind: int) -> None:
        alias = alias.strip()
        if not alias:
            return
        old = self.aliases.get(alias)
        if old is None or (layer, kind) > old:
            self.aliases[alias] = (layer, kind)


_PARTICLES = {"al", "el", "de", "du", "da", "di", "von", "van", "der", "den", "le", "la", "ben"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ROMAN = re.compile(r"^[IVXLC]+$")
# Family name first in these countries' conventional English rendering.
_SURNAME_FIRST = {"CHN", "TWN", "PRK", "KOR", "HKG", "MAC"}


def _derive_surnames(name: str, country_code: str | None) -> list[str]:
    """Surnames a text would use for a person ("Lavrov", "al-Assad"/"Assad").

    Names of monarchs ("Hussein of Jordan", "Elizabeth II") and Arabic
    patronymic chains ("Mohammed bin Salman") have no usable surname; those
    get an explicit ``surname`` column in office_holders.csv when needed.
    """
    base = _PAREN.sub("", name.split(",")[0]).strip()
    tokens = base.split()
    if len(tokens) < 2 or " of " in f" {base} ":
        return []
    if any(t.lower() in {"bin", "ibn", "bint"} for t in tokens):
        return []
    if country_code in _SURNAME_FIRST:
        return [tokens[0]]
    while len(tokens) > 1 and tokens[-1].lower() in _SUFFIXES:
        tokens = tokens[:-1]
    if len(tokens) < 2 or _ROMAN.match(tokens[-1]):
        return []
    last = tokens[-1]
    out = [last]
    head, sep, rest = last.partition("-")
    if sep and head.lower() in {"al", "el"} and rest:
        out.append(rest)  # al-Assad -> Assad
    if len(tokens) >= 3 and tokens[-2].lower() in _PARTICLES:
        out.insert(0, f"{tokens[-2]} {last}")  # de Gaulle, Al Sudani
    return out


# ---------------------------------------------------------------------------
# The knowledge base
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cand:
    entry: KBEntry
    priority: tuple[int, int]
    valid_from: Date | None
    valid_to: Date | None

    def valid_on(self, on: Date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def _overlap(a: _Cand, b: _Cand) -> bool:
    lo = max(a.valid_from or Date.min, b.valid_from or Date.min)
    hi = min(a.valid_to or Date.max, b.valid_to or Date.max)
    return lo <= hi


@dataclass(frozen=True)
class ActorVocabulary:
    """The closed word lists of actor resolution, read with the KB (data/actors/actor_words.csv and
    group_nouns.csv): `words["name_connector"]`, the group nouns and the civilian ones among them."""

    words: dict[str, frozenset[str]] = field(default_factory=dict)
    group_nouns: frozenset[str] = frozenset()
    crowd_nouns: frozenset[str] = frozenset()
    peoples: frozenset[str] = frozenset()  # plural demonyms of states, lowercase ("georgians"): a crowd of a people

    def __getitem__(self, word_class: str) -> frozenset[str]:
        return self.words[word_class]  # KeyError for an unknown class: a typo cannot empty a rule

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.words)), self.group_nouns, self.crowd_nouns, self.peoples))


def load_actor_vocabulary(data_dir: Path) -> ActorVocabulary:
    words: dict[str, set[str]] = {}
    for _, row in _read_csv(data_dir / "actor_words.csv"):
        words.setdefault(row["class"].strip(), set()).add(row["word"].strip().lower())
    groups = [row for _, row in _read_csv(data_dir / "group_nouns.csv")]
    return ActorVocabulary(
        words={k: frozenset(v) for k, v in words.items()},
        group_nouns=frozenset(row["noun"].strip().lower() for row in groups),
        crowd_nouns=frozenset(row["noun"].strip().lower() for row in groups if (row.get("civilian") or "").strip() == "yes"),
    )


class ActorKB:
    """Read-only lookups over the loaded actor data; build with ``load_actor_kb``."""

    def __init__(
        self,
        records: Sequence[_Record],
        terms: Sequence[tuple[str, str, str | None, Date, Date | None]],
        roles: dict[str, str],
        state_organs: Sequence[tuple[str, str, str]],
        vocab: ActorVocabulary = ActorVocabulary(),
    ) -> None:
        self.vocab = vocab
        self._found: dict[tuple, KBEntry | None] = {}  # look-ups already answered: extraction repeats them
        self._entries: dict[str, KBEntry] = {}
        self._validity: dict[str, tuple[Date | None, Date | None]] = {}
        self._index: dict[tuple[bool, str], list[_Cand]] = {}
        self._adjectives: dict[tuple[bool, str], list[_Cand]] = {}
        self._surnames: dict[str, list[KBEntry]] = {}
        self._conflicts: list[tuple[str, tuple[str, ...]]] = []

        for rec in records:
            entry = KBEntry(
                name=rec.name,
                actor_type=rec.actor_type,
                country_code=rec.country_code,
                aliases=tuple(a for a in self._with_folds([rec.name, *rec.aliases]) if a != rec.name),
            )
            self._entries[rec.name] = entry
            self._validity[rec.name] = (rec.valid_from, rec.valid_to)
            forms = {rec.name: (rec.layer, _NAME), **{a: p for a, p in rec.aliases.items() if a != rec.name}}
            for form, prio in forms.items():
                for i, key in enumerate(_keys(form)):
                    # the ASCII-folded twin of an alias counts as derived
                    self._add(self._index, key, _Cand(entry, prio if i == 0 else (prio[0], _DERIVED), rec.valid_from, rec.valid_to))
            for adj, layer in rec.adjectives.items():
                for key in _keys(adj):
                    self._add(self._adjectives, key, _Cand(entry, (layer, _CURATED), rec.valid_from, rec.valid_to))

        self._terms: list[OfficeTerm] = []
        for person, role, cc, start, end in terms:
            self._terms.append(OfficeTerm(self._entries[person], role, cc, start, end))
        self._terms.sort(key=lambda t: (t.start, t.person.name))
        self._roles = dict(roles)
        # office_holder() sits on the extractor's hot path: index terms by
        # (canonical role, country) once instead of scanning per call.
        self._terms_by_person: dict[str, list[OfficeTerm]] = {}
        self._terms_by_office: dict[tuple[str, str | None], list[OfficeTerm]] = {}
        for t in self._terms:
            self._terms_by_person.setdefault(t.person.name, []).append(t)
            self._terms_by_office.setdefault((self.canonical_role(t.role), t.country_code), []).append(t)

        for rec in records:
            if rec.name not in self._terms_by_person:
                continue
            entry = self._entries[rec.name]
            surnames = rec.surname_override if rec.surname_override is not None else _derive_surnames(rec.name, rec.country_code)
            for s in surnames:
                for key in dict.fromkeys((_ci_key(s), _ci_key(ascii_fold(s)))):
                    bucket = self._surnames.setdefault(key, [])
                    if entry not in bucket:
                        bucket.append(entry)

        self._organs = [(_ci_key(p), t, n) for p, t, n in state_organs]
        self._organ_set = {p for p, _, _ in self._organs}
        self._organ_types = {p: t for p, t, _ in self._organs}

        for table in (self._index, self._adjectives):
            for key, cands in table.items():
                cands.sort(key=lambda c: c.priority, reverse=True)
                self._check_conflicts(key[1], cands)
        # a people named by its plural demonym ("Georgians", "Koreans") is a civilian crowd when it acts
        peoples = frozenset(word for (_, word), cands in self._adjectives.items()
                            if word.endswith("s") and any(c.entry.actor_type == "state" for c in cands))
        self.vocab = replace(vocab, peoples=peoples)

    # -- construction helpers ------------------------------------------------

    @staticmethod
    def _with_folds(aliases: Iterable[str]) -> list[str]:
        out: dict[str, None] = {}
        for a in aliases:
            out[a] = None
            out[ascii_fold(a)] = None
        return list(out)

    @staticmethod
    def _add(table: dict[tuple[bool, str], list[_Cand]], key: tuple[bool, str], cand: _Cand) -> None:
        bucket = table.setdefault(key, [])
        for i, old in enumerate(bucket):
            if old.entry.name == cand.entry.name:
                if cand.priority > old.priority:
                    bucket[i] = cand
                return
        bucket.append(cand)

    def _check_conflicts(self, key: str, cands: list[_Cand]) -> None:
        """Record surfaces claimed by two entries at equal strength in overlapping
        periods: for packaged data these are data bugs (tests keep the list empty)."""
        for i, a in enumerate(cands):
            for b in cands[i + 1 :]:
                if a.priority == b.priority and _overlap(a, b):
                    self._conflicts.append((key, (a.entry.name, b.entry.name)))

    @staticmethod
    def _pick(cands: list[_Cand] | None, on: Date | None) -> KBEntry | None:
        if not cands:
            return None
        if on is not None:
            for c in cands:
                if c.valid_on(on):
                    return c.entry
        return cands[0].entry

    def _find(self, table: dict[tuple[bool, str], list[_Cand]], surface: str, on: Date | None) -> KBEntry | None:
        if not surface or not surface.strip():
            return None
        key = (table is self._index, surface, on)
        try:
            return self._found[key]
        except KeyError:
            pass
        if len(self._found) > 200_000:
            self._found.clear()  # a bound, not an eviction policy: look-ups are cheap to redo
        found = self._found[key] = self._find_fresh(table, surface, on)
        return found

    def _find_fresh(self, table: dict[tuple[bool, str], list[_Cand]], surface: str, on: Date | None) -> KBEntry | None:
        for key in _keys(surface):
            found = self._pick(table.get(key), on)
            if found is not None:
                return found
            if key[0]:  # an all-caps surface may still be a normal name ("HAMAS")
                found = self._pick(table.get((False, key[1].casefold())), on)
                if found is not None:
                    return found
        return None

    # -- public API ------------------------------------------------------------

    def lookup(self, surface: str, on: Date | None = None) -> KBEntry | None:
        """Entry whose canonical name or alias equals ``surface`` after
        normalisation, or None.  ``on`` prefers the entity that existed on that
        date when a surface names several ("Moscow" in 1975 -> Soviet Union)."""
        return self._find(self._index, surface, on)

    def adjective(self, word: str, on: Date | None = None) -> KBEntry | None:
        """State for a demonym or adjective ("Israeli", "Soviet", "Palestinians")."""
        return self._find(self._adjectives, word, on)

    def role(self, surface: str) -> str | None:
        """Normalised role for a title ("Minister of Foreign Affairs" -> "foreign minister")."""
        if not surface:
            return None
        return self._roles.get(_ci_key(surface))

    def canonical_role(self, role: str) -> str:
        """Role used for comparisons: a known title maps through roles.csv (so
        "secretary of state" compares equal to "foreign minister"); anything
        else is just lower-cased."""
        key = _ci_key(role)
        return self._roles.get(key, key)

    def office_holder(self, role: str, country_code: str | None, on: Date | None) -> KBEntry | None:
        """Who held ``role`` for ``country_code`` (None: offices without a state,
        e.g. UN Secretary-General) on date ``on``.  On a handover day the
        incoming holder wins.  With ``on=None`` a holder is returned only if the
        role had a single holder in the data."""
        terms = self._terms_by_office.get((self.canonical_role(role), _code(country_code)), [])
        if on is None:
            people = {t.person.name: t.person for t in terms}
            return next(iter(people.values())) if len(people) == 1 else None
        active = [t for t in terms if t.start <= on and (t.end is None or on <= t.end)]
        if not active:
            return None
        return max(active, key=lambda t: t.start).person

    def person_by_surname(self, surname: str, on: Date | None = None) -> KBEntry | None:
        """The office holder known by this surname ("Lavrov"), or None when
        unknown or ambiguous.  With ``on``, several namesakes ("Bush",
        "Gandhi", "Assad") are narrowed to the one in office on that date."""
        if not surname or not surname.strip():
            return None
        cands: list[KBEntry] = []
        for key in dict.fromkeys((_ci_key(surname), _ci_key(ascii_fold(surname)))):
            for p in self._surnames.get(key, ()):
                if p not in cands:
                    cands.append(p)
        if len(cands) == 1:
            return cands[0]
        if not cands or on is None:
            return None
        active = [p for p in cands if any(t.start <= on and (t.end is None or on <= t.end) for t in self._terms_by_person[p.name])]
        return active[0] if len(active) == 1 else None

    def is_state_organ(self, head_phrase: str) -> bool:
        """True if the phrase is, or ends in, a state-organ head noun from
        state_organs.csv ("Foreign Ministry", "Russian armed forces"), or
        starts with one followed by "of" ("Ministry of Foreign Affairs of
        Russia").  Whether to code it as the state is the extractor's call."""
        p = _ci_key(head_phrase)
        if not p:
            return False
        if p in self._organ_set:
            return True
        # suffixes and "<organ> of ..." prefixes, looked up word by word
        # instead of scanning every pattern (this is on the hot path)
        words = p.split(" ")
        for n in range(1, len(words)):
            if " ".join(words[n:]) in self._organ_set:
                return True
            if words[n] == "of" and " ".join(words[:n]) in self._organ_set:
                return True
        return False

    def state_organ_type(self, head_phrase: str) -> str | None:
        """The actor_type of the state organ the phrase ends in ("state" for "security
        forces", "person" for "a diplomat"), the longest matching pattern deciding; None
        when the phrase is no state organ."""
        words = _ci_key(head_phrase).split(" ")
        types = self._organ_types
        for n in range(len(words)):
            found = types.get(" ".join(words[n:]))
            if found:
                return found
        return None

    def state_organs(self) -> list[tuple[str, str, str]]:
        """(pattern, actor_type, notes) rows of state_organs.csv, patterns lower-cased."""
        return list(self._organs)

    def entries(self) -> list[KBEntry]:
        return list(self._entries.values())

    def get(self, name: str) -> KBEntry | None:
        """Entry by exact canonical name."""
        return self._entries.get(name)

    def validity(self, name: str) -> tuple[Date | None, Date | None]:
        """(valid_from, valid_to) of an entry; (None, None) when unbounded or unknown."""
        return self._validity.get(name, (None, None))

    def terms(self, person: str | None = None) -> list[OfficeTerm]:
        """All office terms, or those of one person (canonical name), by start date."""
        if person is None:
            return list(self._terms)
        return list(self._terms_by_person.get(person, ()))

    def alias_conflicts(self) -> list[tuple[str, tuple[str, ...]]]:
        """Surfaces claimed equally strongly by two entries in overlapping periods."""
        return list(self._conflicts)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.records: dict[str, _Record] = {}
        self.by_code: dict[str, str] = {}  # current pycountry state code -> record name
        self.terms: list[tuple[str, str, str | None, Date, Date | None]] = []
        self.roles: dict[str, str] = {}
        self.organs: list[tuple[str, str, str]] = []

    def _rename(self, old: str, new: str) -> _Record:
        rec = self.records.pop(old)
        rec.add_alias(old, rec.layer, _DERIVED)
        rec.name = new
        rec.aliases.pop(new, None)
        self.records[new] = rec
        return rec

    def _upsert(self, name: str, actor_type: str, country_code: str | None, layer: int) -> _Record:
        rec = self.records.get(name)
        if rec is None:
            rec = self.records[name] = _Record(name, actor_type, country_code, layer)
        else:
            rec.actor_type, rec.country_code, rec.layer = actor_type, country_code, layer
        return rec

    def load_pycountry(self, layer: int) -> None:
        for c in pycountry.countries:
            name = getattr(c, "common_name", None) or c.name
            rec = self._upsert(name, "state", c.alpha_3, layer)
            for alias in (c.name, getattr(c, "official_name", None)):
                if alias and alias != name:
                    rec.add_alias(alias, layer, _DERIVED)
            self.by_code[c.alpha_3] = name

    def load_states(self, path: Path, layer: int) -> None:
        for lineno, row in _read_csv(path):
            where = f"{path.name}:{lineno}"
            name, code = row["name"], _code(row.get("country_code"))
            valid_from = _parse_date(row.get("valid_from", ""), end=False, where=where)
            valid_to = _parse_date(row.get("valid_to", ""), end=True, where=where)
            current = valid_to is None and code in self.by_code
            if current:  # curated override of the pycountry state with that code
                old = self.by_code[code]
                rec = self._rename(old, name) if old != name else self.records[name]
                rec.layer = layer
                self.by_code[code] = name
            else:  # historic or non-ISO state: an addition
                if name in self.records:
                    raise ValueError(f"{where}: duplicate state {name!r}")
                rec = self._upsert(name, "state", code, layer)
            rec.valid_from, rec.valid_to = valid_from, valid_to
            for alias in _split(row.get("aliases", "")):
                rec.add_alias(alias, layer, _CURATED)
            for adj in _split(row.get("adjectives", "")):
                rec.adjectives[adj] = layer

    def load_actors(self, path: Path, layer: int, allowed: frozenset[str]) -> None:
        """organizations.csv and users' extra files: later rows override by name."""
        for lineno, row in _read_csv(path, ACTOR_COLUMNS, required=("name", "actor_type")):
            name, actor_type = row.get("name", ""), row.get("actor_type", "").lower()
            code = _code(row.get("country_code"))
            if not name:
                raise ActorFileError(path, "the name is empty", lineno)
            if actor_type not in allowed:
                raise ActorFileError(path, f"actor_type {actor_type!r} is not one of "
                                           f"{', '.join(sorted(allowed))}", lineno)
            if code is not None and not _COUNTRY_CODE.fullmatch(code):
                raise ActorFileError(path, f"country_code {row['country_code']!r} is not an ISO 3166-1 alpha-3 code "
                                           "(like PSE) or empty", lineno)
            rec = self._upsert(name, actor_type, code, layer)
            for alias in _split(row.get("aliases", "")):
                rec.add_alias(alias, layer, _CURATED)

    def load_office_holders(self, path: Path, layer: int) -> None:
        latest: dict[str, Date] = {}
        for lineno, row in _read_csv(path):
            where = f"{path.name}:{lineno}"
            name, role = row["name"], row["role"]
            if role != role.lower() or not role:
                raise ValueError(f"{where}: role must be non-empty lowercase, got {role!r}")
            code = _code(row.get("country_code"))
            start = _parse_date(row["start"], end=False, where=where)
            end = _parse_date(row.get("end", ""), end=True, where=where)
            if start is None:
                raise ValueError(f"{where}: start date required")
            if end is not None and end < start:
                raise ValueError(f"{where}: end before start")
            rec = self.records.get(name)
            if rec is None:
                rec = self._upsert(name, "person", code, layer)
            elif rec.actor_type != "person":
                raise ValueError(f"{where}: {name!r} already loaded as {rec.actor_type}")
            if start >= latest.get(name, Date.min):  # a person's country: that of the latest office
                rec.country_code, latest[name] = code, start
            for alias in _split(row.get("aliases", "")):
                rec.add_alias(alias, layer, _CURATED)
            surname = row.get("surname", "")
            if surname:
                rec.surname_override = [] if surname == "-" else _split(surname)
            self.terms.append((name, role, code, start, end))

    def load_roles(self, path: Path) -> None:
        for lineno, row in _read_csv(path):
            surface, role = row["surface"], row["role"]
            if role != role.lower():
                raise ValueError(f"{path.name}:{lineno}: role must be lowercase, got {role!r}")
            self.roles[_ci_key(surface)] = role

    def load_state_organs(self, path: Path) -> None:
        for _, row in _read_csv(path):
            self.organs.append((row["pattern"], row.get("actor_type", "state"), row.get("notes", "")))

    def build(self, vocab: ActorVocabulary) -> ActorKB:
        return ActorKB(list(self.records.values()), self.terms, self.roles, self.organs, vocab)


def _build(data_dir: Path, extra_files: Iterable[Path]) -> ActorKB:
    b = _Builder()
    b.load_pycountry(layer=0)
    b.load_states(data_dir / "states.csv", layer=1)
    b.load_actors(data_dir / "organizations.csv", layer=2, allowed=frozenset({"igo", "group", "organization"}))
    b.load_office_holders(data_dir / "office_holders.csv", layer=3)
    b.load_roles(data_dir / "roles.csv")
    b.load_state_organs(data_dir / "state_organs.csv")
    for i, path in enumerate(extra_files):
        b.load_actors(Path(path), layer=4 + i, allowed=ACTOR_TYPES)
    return b.build(load_actor_vocabulary(data_dir))


@functools.lru_cache(maxsize=1)
def _default_kb() -> ActorKB:
    return _build(DATA_DIR, ())


def load_actor_kb(extra_files: Sequence[Path] = ()) -> ActorKB:
    """The packaged KB (built once per process and cached), or a fresh KB with
    users' extra CSV files (columns as organizations.csv; actor_type may also
    be 'person' or 'state') layered on top, later files overriding earlier
    ones by name: type and country are replaced, aliases are added."""
    if not extra_files:
        return _default_kb()
    return _build(DATA_DIR, [Path(p) for p in extra_files])
