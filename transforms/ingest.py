"""Find input files and turn each into text, or into a clear reason why not.

A scheduled pipeline meets bad files: empty, binary, mis-encoded, missing,
unreadable, huge, looping symlinks, saved web pages. Each is reported by name
and reason and the others go through; nothing here raises for a bad file.
Decoding accepts UTF-8 (with or without a BOM), UTF-16 and UTF-32 with a BOM,
and legacy single-byte encodings (Latin-1, cp1252, ...) detected by
charset-normalizer, because real document dumps mix all of these.

Memory is bounded per file: a file is stat'ed before it is opened, a file over
the size limit is never read (status `too_large`, with its size), and a file
under it is read with a bounded read, so a file that grows while being read,
or a device that never ends, cannot exhaust memory.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from eventledger.transforms import markup

#: File suffixes picked up when a folder is given.
TEXT_SUFFIXES = (".txt", ".text", ".md")

#: Largest file read as one document (bytes). Narrative documents are far
#: smaller; a bigger file is almost always a dump or a mistake, and spaCy
#: would need hours for it. The caller passes its own limit (the
#: max_document_bytes setting); this is the default.
DEFAULT_MAX_BYTES = 10_000_000

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

_BOM_UTF8 = b"\xef\xbb\xbf"
_BOM_UTF32 = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")

#: C0 and C1 control characters except tab and newline, plus stray BOMs and
#: other invisible format characters that break tokenisation.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe]")
_LINE_SEPARATORS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")

# Status values of `documents.status`, `input_files.status` and the run summary.
OK = "ok"
CLEANED = "cleaned"  # published; markup or control characters were removed (see the note)
EMPTY = "empty"
BINARY = "binary"
UNDECODABLE = "undecodable"
UNREADABLE = "unreadable"
MISSING = "missing"
DUPLICATE = "duplicate"
TOO_LARGE = "too_large"
SKIPPED = "skipped"  # deliberately not read (a symlinked folder inside a walked folder)

PUBLISHABLE = (OK, CLEANED)
STATUSES = (OK, CLEANED, EMPTY, BINARY, UNDECODABLE, UNREADABLE, MISSING, DUPLICATE, TOO_LARGE, SKIPPED)


@dataclass(frozen=True)
class SourceDocument:
    """One input file after reading: text when usable, else a status and reason.

    `reason` says why a file was not published; `note` says what was done to a
    published one (markup removed, control characters replaced).
    """

    path: str
    name: str
    status: str
    text: str | None = None
    sha256: str | None = None
    encoding: str | None = None
    reason: str | None = None
    note: str | None = None
    n_bytes: int | None = None

    @property
    def usable(self) -> bool:
        return self.status in PUBLISHABLE


def discover(paths: list[str | os.PathLike], report_links: bool = False) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of absolute paths.

    Paths are made absolute (not resolved) so that a document is matched to
    its earlier rows whatever folder the run starts from. Folders are walked
    without following symlinked folders, so a symlink loop cannot hang the
    run; with `report_links` such a symlink is listed so that reading reports
    it as skipped (the flow does this; a user should learn why files under it
    are missing). A path that does not exist is kept, for the same reason.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in dirs:
                    if report_links and not name.startswith(".") and os.path.islink(os.path.join(root, name)):
                        found.append(Path(root) / name)
                dirs[:] = [d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d))]
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


def shown_path(path: str | os.PathLike) -> str:
    """A path as text that encodes to UTF-8: bytes that are not UTF-8 are shown escaped.

    Linux file names are bytes; Python turns the undecodable ones into lone
    surrogates, which Arrow, JSON files and the terminal all refuse. Here
    the bytes b"/in/bad\\xff.txt" become the text "/in/bad\\xff.txt" (a real
    backslash, then "xff"); a valid name is returned as it is.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def looks_binary(data: bytes) -> bool:
    """True for known binary signatures or a sample dominated by control bytes."""
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:8192]
    if sample.startswith((*_BOM_UTF32, *_BOM_UTF16)):
        return False  # UTF-16 and UTF-32 text are full of NULs by design
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > max(8, len(sample) // 10)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text and name the encoding used; raise UnicodeError if none fits."""
    if data.startswith(_BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith(_BOM_UTF32):
        return data.decode("utf-32"), "utf-32"
    if data.startswith(_BOM_UTF16):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _detect_legacy(data)


#: Preferred among equally plausible legacy encodings: the inputs are
#: English-language narratives, so Western European code pages come first.
_WESTERN = ("cp1252", "iso8859_15", "latin_1")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def _detect_legacy(data: bytes) -> tuple[str, str]:
    """Detect a legacy encoding with charset-normalizer.

    On short texts the detector often ties cp1252 with cp1250 or cp1257 (same
    "chaos", same coherence) and lists cp1250 first, which turns "à Genève"
    into "ŕ Genčve"; among the tied best matches, a Western code page wins.
    Control bytes (NUL and friends) make the detector give up, so they are left
    out for detection only: single-byte encodings keep byte positions.
    """
    from charset_normalizer import from_bytes  # imported lazily: only legacy files need it

    results = from_bytes(data)
    if results.best() is None:
        results = from_bytes(data.translate(None, _CONTROL_BYTES))
    best = results.best()
    if best is None or best.encoding is None:
        raise UnicodeError("no text encoding fits these bytes")
    tied = [m for m in results if m.chaos <= best.chaos + 1e-9 and m.coherence >= best.coherence - 0.05]
    for preferred in _WESTERN:
        if any(preferred in m.could_be_from_charset for m in tied):
            try:
                return data.decode(preferred), preferred
            except UnicodeDecodeError:
                break
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError as exc:
        raise UnicodeError(f"bytes do not decode as the detected {best.encoding}: {exc.reason}") from exc


def normalise_text(text: str) -> str:
    """Unix newlines and no control characters: offsets index into this text."""
    return clean_text(text)[0]


def clean_text(text: str) -> tuple[str, int]:
    """Unix newlines, control characters replaced by spaces, and how many were replaced."""
    text = _LINE_SEPARATORS.sub("\n", text)
    text, replaced = _CONTROL_CHARS.subn(" ", text)
    return text, replaced


def content_sha256(text: str) -> str:
    """Hash of the normalised text, so one document in two encodings is one document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _kind(mode: int) -> str:
    for test, label in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return label
    return "not a regular file"


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read one file; every failure becomes a status and a human reason."""
    limit = max_bytes
    uri = shown_path(path)
    name = document_name(Path(uri))

    def bad(status: str, reason: str, **extra) -> SourceDocument:
        return SourceDocument(uri, name, status, reason=reason, **extra)

    if uri != str(path):  # e.g. a file saved as b"bad\xff.txt" by a Latin-1 system
        return bad(UNREADABLE, "file name not valid UTF-8, shown here with \\x escapes: rename the file to publish it")

    try:
        info = os.stat(path)  # follows symlinks: a loop or a dangling link fails here
    except FileNotFoundError:
        if os.path.islink(path):
            return bad(MISSING, f"broken symlink to {shown_path(os.readlink(path))}")
        return bad(MISSING, "no such file")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return bad(UNREADABLE, "symlink loop (too many levels of symbolic links)")
        return bad(UNREADABLE, exc.strerror or str(exc))
    if stat.S_ISDIR(info.st_mode):
        if os.path.islink(path):
            return bad(SKIPPED, "symlink to a folder inside a walked folder: not followed (it could loop)")
        return bad(UNREADABLE, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return bad(UNREADABLE, f"{_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        return bad(TOO_LARGE, f"{info.st_size:,} bytes, over the {limit:,}-byte limit "
                              "(setting max_document_bytes); not read", n_bytes=info.st_size)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return bad(UNREADABLE, exc.strerror or str(exc))
    if len(data) > limit:
        return bad(TOO_LARGE, f"grew past the {limit:,}-byte limit while being read; not read", n_bytes=len(data))
    return document_from_bytes(uri, name, data)


def document_from_bytes(uri: str, name: str, data: bytes) -> SourceDocument:
    """Decode, clean and hash the bytes of one file."""
    n_bytes = len(data)
    if not data.strip():
        return SourceDocument(uri, name, EMPTY, reason="no text" if data else "empty file (0 bytes)", n_bytes=n_bytes)
    if looks_binary(data):
        return SourceDocument(uri, name, BINARY, reason="binary content, not text", n_bytes=n_bytes)
    try:
        text, encoding = decode(data)
    except UnicodeError as exc:
        return SourceDocument(uri, name, UNDECODABLE, reason=str(exc), n_bytes=n_bytes)
    del data
    text, replaced = clean_text(text)
    text, markup_note = markup.to_plain_text(text)
    notes = [n for n in (markup_note, f"{replaced} control character(s) replaced by spaces" if replaced else None) if n]
    if not text.strip():
        return SourceDocument(uri, name, EMPTY, encoding=encoding, reason="no text" + (f" after cleaning ({notes[0]})" if notes else ""),
                              n_bytes=n_bytes)
    return SourceDocument(
        uri,
        name,
        CLEANED if notes else OK,
        text=text,
        sha256=content_sha256(text),
        encoding=encoding,
        note="; ".join(notes) or None,
        n_bytes=n_bytes,
    )


def read_documents(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> list[SourceDocument]:
    """Read every path; a second file with the same content is marked a duplicate."""
    docs: list[SourceDocument] = []
    seen: dict[str, str] = {}
    for path in paths:
        doc = read_document(path, max_bytes)
        if doc.usable and doc.sha256 in seen:
            doc = replace(doc, status=DUPLICATE, text=None, note=None, reason=f"same content as {seen[doc.sha256]}")
        elif doc.usable:
            seen[doc.sha256] = doc.path
        docs.append(doc)
    return docs
