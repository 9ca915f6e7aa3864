"""The extractor fingerprint: which code, rules and model produced a document's rows.

Incremental runs skip extraction for a document whose content id is already
published, but only when the published rows came from the same extractor:
the same package version, the same Python code and knowledge files under
`transforms/`, the same extra actor files and the same spaCy model. Any
change to one of them changes the fingerprint, and every document is
extracted again, so a rule change never leaves stale rows behind. The
fingerprint is stored per document (`documents.extractor_fingerprint`) so
that BI users can see which rows came from which extractor.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterable
from pathlib import Path

TRANSFORMS = Path(__file__).resolve().parent


def extractor_files(root: Path = TRANSFORMS) -> list[Path]:
    """The code and knowledge files whose content decides extraction output."""
    code = sorted(root.glob("*.py"))
    data = sorted(p for p in (root / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return code + data


def package_version() -> str:
    try:
        return importlib.metadata.version("eventledger")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def model_identity(model: str | None) -> str:
    """Name and version of the spaCy pipeline, without loading it (loading costs seconds)."""
    if not model:
        return "none"
    folder = Path(model)
    meta = folder / "meta.json"
    if meta.is_file():
        return "folder:" + hashlib.sha256(meta.read_bytes()).hexdigest()[:16]
    try:
        return f"{model}=={importlib.metadata.version(model)}"
    except importlib.metadata.PackageNotFoundError:
        return model


def extractor_fingerprint(actors_files: Iterable[str | Path] = (), model: str | None = None,
                          root: Path = TRANSFORMS) -> str:
    """A short, stable hash of everything that decides a document's extracted rows."""
    digest = hashlib.sha256()

    def add(label: str, content: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\x00" + hashlib.sha256(content).digest())

    add("package", package_version().encode())
    add("model", model_identity(model).encode())
    for path in extractor_files(root):
        add(path.relative_to(root).as_posix(), path.read_bytes())
    for n, path in enumerate(actors_files):
        add(f"actors[{n}]", Path(path).read_bytes())
    return "xf_" + digest.hexdigest()[:16]

