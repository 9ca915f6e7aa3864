"""Find input files and turn each into text, or into a clear reason why not.

A scheduled pipeline meets bad files: empty, binary, mis-encoded, missing,
unreadable. Each is reported by name and reason and the others go through;
nothing here raises for a bad file. Decoding accepts UTF-8 (with or without a
BOM), UTF-16 with a BOM, and legacy single-byte encodings detected by
charset-normalizer, because real document dumps mix all of these.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: File suffixes picked up when a folder is given.
TEXT_SUFFIXES = (".txt", ".text", ".md")

#: Signatures of common binary formats that are sometimes renamed to .txt.
_BINARY_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"PK\x03\x04",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x7fELF",
    b"\x1f\x8b",
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Status values of `documents.status` and of the run summary.
OK = "ok"
EMPTY = "empty"
BINARY = "binary"
UNDECODABLE = "undecodable"
UNREADABLE = "unreadable"
MISSING = "missing"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SourceDocument:
    """One input file after reading: text when usable, else a status and reason."""

    path: str
    name: str
    status: str
    text: str | None = None
    sha256: str | None = None
    encoding: str | None = None
    reason: str | None = None

    @property
    def usable(self) -> bool:
        return self.status == OK


def discover(paths: list[str | os.PathLike]) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of file paths.

    Folders are walked without following symlinks (a symlink loop cannot hang
    the run); a path that does not exist is kept so that reading reports it.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES):
                        found.append(Path(root) / name)
        else:
            found.append(path)
    seen: set[str] = set()
    unique = []
    for path in found:
        key = str(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def document_name(path: Path) -> str:
    """The file name without its extension: how gold files and users name a document."""
    return path.name.rsplit(".", 1)[0] if "." in path.name else path.name


def looks_binary(data: bytes) -> bool:
    """True for known binary signatures or a sample dominated by control bytes."""
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text is full of NULs by design
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > max(8, len(sample) // 10)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used; raise UnicodeError if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: only legacy files need it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnicodeError("no text encoding fits these bytes")
    return str(best), best.encoding


def normalise_text(text: str) -> str:
    """Unix newlines and no control characters: offsets index into this text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub(" ", text)


def content_sha256(text: str) -> str:
    """Hash of the normalised text, so one document in two encodings is one document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_document(path: Path) -> SourceDocument:
    """Read one file; every failure becomes a status and a human reason."""
    name = document_name(path)
    uri = str(path)
    if not path.exists() and not path.is_symlink():
        return SourceDocument(uri, name, MISSING, reason="no such file")
    try:
        if path.is_dir():
            return SourceDocument(uri, name, UNREADABLE, reason="is a folder, not a file")
        data = path.read_bytes()
    except OSError as exc:
        return SourceDocument(uri, name, UNREADABLE, reason=exc.strerror or str(exc))
    if looks_binary(data):
        return SourceDocument(uri, name, BINARY, reason="binary content, not text")
    try:
        text, encoding = decode(data)
    except UnicodeError as exc:
        return SourceDocument(uri, name, UNDECODABLE, reason=str(exc))
    text = normalise_text(text)
    if not text.strip():
        return SourceDocument(uri, name, EMPTY, encoding=encoding, reason="no text")
    return SourceDocument(uri, name, OK, text=text, sha256=content_sha256(text), encoding=encoding)


def read_documents(paths: list[Path]) -> list[SourceDocument]:
    """Read every path; a second file with the same content is marked a duplicate."""
    docs: list[SourceDocument] = []
    seen: dict[str, str] = {}
    for path in paths:
        doc = read_document(path)
        if doc.usable and doc.sha256 in seen:
            doc = SourceDocument(
                doc.path,
                doc.name,
                DUPLICATE,
                sha256=doc.sha256,
                encoding=doc.encoding,
                reason=f"same content as {seen[doc.sha256]}",
            )
        elif doc.usable:
            seen[doc.sha256] = doc.path
        docs.append(doc)
    return docs
