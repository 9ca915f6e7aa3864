"""CAMEO event code table: load it once, look codes up, validate them.

The table lives in ``data/cameo/cameo_codes.csv`` next to this module so that it
ships with the package and every stage (extractor, evaluation, warehouse load)
reads the same codes.  This module is deliberately plain Python (stdlib only)
so it can be imported from tests, CLI tools and flows alike.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "data" / "cameo" / "cameo_codes.csv"


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code.

    Frozen so that the cached table cannot be changed by a caller by accident.
    ``code`` and ``root_code`` stay strings because the leading zero matters
    ("010" make statement vs "10" demand).
    """

    code: str
    label: str
    root_code: str
    quad_class: int
    goldstein: float
    plover_category: str


def _data_lines(handle):
    """Skip the '#' comment block so csv sees only the header and rows."""
    for line in handle:
        if not line.startswith("#"):
            yield line


@lru_cache(maxsize=None)
def _load(path: Path) -> dict[str, CameoCode]:
    codes: dict[str, CameoCode] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(_data_lines(handle)):
            code = row["code"].strip()
            if code in codes:
                raise ValueError(f"duplicate CAMEO code {code!r} in {path}")
            codes[code] = CameoCode(
                code=code,
                label=row["label"].strip(),
                root_code=row["root_code"].strip(),
                quad_class=int(row["quad_class"]),
                goldstein=float(row["goldstein"]),
                plover_category=row["plover_category"].strip(),
            )
    return codes


def load_cameo_codes(path: str | Path | None = None) -> dict[str, CameoCode]:
    """Return the CAMEO table as ``{code: CameoCode}``.

    Cached per path: the table is read from disk once per process however
    many events are coded.  Treat the returned dict as read-only, since it is
    shared between callers.
    """
    resolved = Path(path) if path is not None else DEFAULT_PATH
    return _load(resolved.resolve())


def describe(code: str) -> CameoCode:
    """Return the entry for ``code``; raise KeyError naming the problem.

    The message spells out the usual mistake (a code stored as an integer loses
    its leading zero) so that bad data is easy to trace.
    """
    codes = load_cameo_codes()
    if isinstance(code, str) and code in codes:
        return codes[code]
    hint = ""
    if not isinstance(code, str):
        hint = " (codes are strings, e.g. '010', not 10)"
    elif "0" + code in codes:
        hint = f" (did you mean '0{code}'? a leading zero was probably lost)"
    raise KeyError(
        f"unknown CAMEO code {code!r}{hint}; valid codes are the 2-4 digit strings "
        f"in {DEFAULT_PATH.name}, roots '01' to '20'"
    )


def is_valid_code(code: object) -> bool:
    """True if ``code`` is a string present in the CAMEO table (no exceptions raised)."""
    return isinstance(code, str) and code in load_cameo_codes()
