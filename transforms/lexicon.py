"""The event lexicon: verb patterns, nominal patterns and modality words.

Extraction knowledge lives in CSV files under `transforms/data/lexicon/` so
that analysts can read, review and extend it without touching code. This
module only parses those files into immutable lookups.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"

_PREPOSITIONS = frozenset(
    "on for of in with against to from at into toward towards about over upon by between among".split()
)


@dataclass(frozen=True)
class VerbPattern:
    """A head verb lemma plus words that must follow it inside its subtree."""

    words: tuple[str, ...]
    code: str
    negated: str | None
    role: str  # "dobj", "prep:<word>", "none"

    @property
    def lemma(self) -> str:
        return self.words[0]

    @property
    def target_preposition(self) -> str | None:
        """The preposition whose object is the target ("call on X", "vote in favour of X")."""
        if self.role.startswith("prep:"):
            return self.role.split(":", 1)[1]
        for word in reversed(self.words[1:]):
            if word in _PREPOSITIONS:
                return word  # "call on <X> withdraw": the last preposition of the pattern
        return None


@dataclass(frozen=True)
class NounPattern:
    """A nominal event ("talks between X and Y"): head noun lemma last."""

    words: tuple[str, ...]
    code: str
    symmetric: bool
    participants: tuple[tuple[str, str], ...]  # (preposition, role): role is source, target or pair

    @property
    def head(self) -> str:
        return self.words[-1]

    def role_of(self, preposition: str) -> str | None:
        """What the object of `preposition` is to this event: source, target, pair, or nothing."""
        return next((role for prep, role in self.participants or _DEFAULT_PARTICIPANTS if prep == preposition), None)


#: Roles of a preposition's object when a noun pattern names the preposition without one:
#: "between X and Y" is the pair, "the visit of X" and "an attack by X" the source, the rest the target.
_DEFAULT_ROLES = {"between": "pair", "of": "source", "by": "source"}
#: Participants of a noun pattern that lists none.
_DEFAULT_PARTICIPANTS = (("between", "pair"), ("with", "target"), ("of", "source"), ("by", "source"), ("to", "target"))


def _participant(spec: str) -> tuple[str, str]:
    """"of:target" -> ("of", "target"); "by" -> ("by", "source")."""
    prep, _, role = spec.partition(":")
    prep = prep.strip().lower()
    role = role.strip().lower() or _DEFAULT_ROLES.get(prep, "target")
    if role not in ("source", "target", "pair"):
        raise ValueError(f"noun pattern participant {spec!r}: the role must be source, target or pair")
    return prep, role


class WordClasses:
    """The closed vocabularies the extractor reasons with (transforms/data/lexicon/word_classes.csv),
    read as attributes: `words.aspectual`. An unknown class raises AttributeError, so a typo cannot
    silently empty a rule."""

    def __init__(self, classes: dict[str, frozenset[str]]) -> None:
        self._classes = dict(classes)

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            return self.__dict__["_classes"][name]
        except KeyError:
            raise AttributeError(f"no word class {name!r} in word_classes.csv") from None

    def __contains__(self, name: str) -> bool:
        return name in self._classes

    def __eq__(self, other) -> bool:
        return isinstance(other, WordClasses) and self._classes == other._classes

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, tuple(sorted(v))) for k, v in self._classes.items())))


def load_word_classes(path: Path) -> WordClasses:
    classes: dict[str, set[str]] = defaultdict(set)
    for row in _rows(path):
        classes[row["class"]].add(row["word"].lower())
    return WordClasses({name: frozenset(words) for name, words in classes.items()})


@dataclass(frozen=True)
class Recode:
    """A code that depends on who acts (recodes.csv): `condition` names a test in extract.py."""

    condition: str
    code_prefix: str
    new_code: str
    symmetric: bool | None


def load_recodes(path: Path) -> tuple[Recode, ...]:
    rows = []
    for row in _rows(path):
        symmetric = {"true": True, "false": False, "": None}[row.get("symmetric", "").lower()]
        rows.append(Recode(row["condition"], row["code_prefix"], row["new_code"], symmetric))
    return tuple(rows)


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[VerbPattern, ...]]
    nouns: dict[str, tuple[NounPattern, ...]]
    modality: dict[tuple[str, str], str]  # (lemma, POS) -> CAMEO 03x code
    intents: dict[str, str]  # root of an intended action -> intent code
    mass: tuple[tuple[str, str, int], ...] = ()  # (code prefix, mass code, victims threshold)
    recodes: tuple["Recode", ...] = ()
    words: WordClasses = WordClasses({})

    def intent_code(self, root: str) -> str | None:
        return self.intents.get(root)

    def mass_code(self, code: str, victims: int) -> str | None:
        """The mass-violence code for `code` hitting `victims` people, if the count makes it one."""
        for prefix, mass_code, threshold in sorted(self.mass, key=lambda r: -len(r[0])):
            if code.startswith(prefix):
                return mass_code if victims >= threshold else None
        return None

    def verb_patterns(self, lemma: str) -> tuple[VerbPattern, ...]:
        return self.verbs.get(lemma.lower(), ())

    def noun_patterns(self, lemma: str) -> tuple[NounPattern, ...]:
        return self.nouns.get(lemma.lower(), ())

    def modality_code(self, lemma: str, pos: str) -> str | None:
        return self.modality.get((lemma.lower(), pos))


def _rows(path: Path) -> list[dict[str, str]]:
    """CSV rows, skipping `#` comment lines and blank lines."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(lines)
    ]


def _words(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.lower().split())


def load_verbs(path: Path) -> dict[str, tuple[VerbPattern, ...]]:
    grouped: dict[str, list[VerbPattern]] = defaultdict(list)
    for row in _rows(path):
        words = _words(row["pattern"])
        if not words:
            continue
        pattern = VerbPattern(words, row["code"], row.get("negated") or None, row.get("role") or "dobj")
        grouped[words[0]].append(pattern)
    # longest (most specific) patterns first
    return {k: tuple(sorted(v, key=lambda p: -len(p.words))) for k, v in grouped.items()}


def load_nouns(path: Path) -> dict[str, tuple[NounPattern, ...]]:
    grouped: dict[str, list[NounPattern]] = defaultdict(list)
    for row in _rows(path):
        words = _words(row["pattern"])
        if not words:
            continue
        participants = tuple(_participant(p) for p in row.get("participants", "").replace(",", ";").split(";") if p.strip())
        symmetric = row.get("symmetric", "").lower() in ("true", "yes", "1")
        grouped[words[-1]].append(NounPattern(words, row["code"], symmetric, participants))
    return {k: tuple(sorted(v, key=lambda p: -len(p.words))) for k, v in grouped.items()}


def load_modality(path: Path) -> dict[tuple[str, str], str]:
    return {(row["lemma"].lower(), row["pos"].upper()): row["code"] for row in _rows(path) if row.get("lemma")}


@lru_cache(maxsize=2)
def load_lexicon(directory: str | None = None) -> Lexicon:
    """The lexicon from `directory` (default: the packaged one), parsed once per process."""
    base = Path(directory) if directory else LEXICON_DIR
    return Lexicon(
        verbs=load_verbs(base / "verb_patterns.csv"),
        nouns=load_nouns(base / "noun_patterns.csv"),
        modality=load_modality(base / "modality.csv"),
        intents={row["root"]: row["intent_code"] for row in _rows(base / "intent_by_root.csv")},
        mass=tuple((r["code_prefix"], r["mass_code"], int(r["threshold"])) for r in _rows(base / "mass_escalation.csv")),
        recodes=load_recodes(base / "recodes.csv"),
        words=load_word_classes(base / "word_classes.csv"),
    )

