"""Deterministic identifiers.

Every id is derived from content, never from run time or a counter shared
across runs, so that the same input publishes the same ids on every rerun and
on every machine (idempotent loads, stable joins for BI users).
"""

from __future__ import annotations

import hashlib


def digest(*parts: object, length: int = 16) -> str:
    """Hex digest of the parts, joined unambiguously (unit separator)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def document_id(sha256_hex: str) -> str:
    """A document is its content: the same text under two names is one document."""
    return f"doc_{sha256_hex[:16]}"


def sentence_id(doc_id: str, ordinal: int) -> str:
    """Readable and stable: the document id plus the sentence's 1-based position."""
    return f"{doc_id}_s{ordinal:04d}"


def actor_id(name: str, actor_type: str) -> str:
    """One id per canonical actor, shared across documents and runs."""
    return f"act_{digest(name.casefold(), actor_type, length=12)}"


def event_id(sent_id: str, code: str, trigger_start: int, source: str | None, target: str | None) -> str:
    """Stable per (sentence, code, trigger position, dyad)."""
    return f"evt_{digest(sent_id, code, trigger_start, source, target)}"
