"""Turn HTML or Markdown that arrives in a .txt file into plain text.

Document dumps are often saved web pages or notes: tags, entities, link
syntax and emphasis marks would end up in sentence text, break sentence
splitting (a `[text](url)` looks like a citation marker) and hide actor names
from the parser. Markup is detected first and only then removed, so that
plain text, which is what most inputs are, passes through unchanged.
Structural breaks (paragraphs, list items, headings, table rows) become blank
lines, because a blank line is a sentence break for the segmenter.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HTML = "html"
MARKDOWN = "markdown"

_HTML_TAG = re.compile(
    r"</?(?:html|head|body|p|div|span|br|hr|a|b|i|u|em|strong|small|sup|sub|ul|ol|li|dl|dt|dd|"
    r"h[1-6]|table|thead|tbody|tr|td|th|script|style|meta|link|title|section|article|header|"
    r"footer|nav|main|aside|blockquote|pre|code|img|figure|figcaption|cite)\b[^<>]*>",
    re.IGNORECASE,
)
_HTML_START = re.compile(r"\A\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)

_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_LINK = re.compile(r"!?\[[^\]\n]+\]\([^)\s]+(?:[ \t]+\"[^\"\n]*\")?\)")
_MD_STRONG = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")
_MD_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)

#: Elements whose end (or start) is a paragraph break in the text.
_BLOCK_TAGS = frozenset(
    "p div br hr li dt dd h1 h2 h3 h4 h5 h6 table tr ul ol dl section article header footer nav main "
    "aside blockquote pre figure figcaption title".split()
)
#: Elements whose content is not prose.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})


def detect(text: str) -> str | None:
    """`"html"`, `"markdown"` or None for plain text.

    HTML needs a document start (`<!DOCTYPE html>`, `<html>`) or at least two
    known tags, so that a stray `<b>` or a "x < y" comparison is not markup.
    Markdown needs one unambiguous construct (an ATX heading, a link, strong
    emphasis, a code fence or a table rule); list bullets alone are plain text.
    """
    if _HTML_START.search(text[:2048]) or len(_HTML_TAG.findall(text, 0, 200_000)) >= 2:
        return HTML
    sample = text[:200_000]
    if any(p.search(sample) for p in (_MD_HEADING, _MD_LINK, _MD_STRONG, _MD_FENCE, _MD_TABLE_RULE)):
        return MARKDOWN
    return None


class _TextCollector(HTMLParser):
    """Collects character data, dropping scripts and styles, breaking at blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip_depth:
            self.parts.append(data)


def _tidy(text: str) -> str:
    """Single spaces inside lines, no trailing blanks, at most one empty line in a row."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"


def strip_html(text: str) -> str:
    """The visible text of an HTML document (entities decoded, blocks as paragraphs)."""
    parser = _TextCollector()
    parser.feed(text)
    parser.close()
    return _tidy("".join(parser.parts))


_MD_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^[ \t]*(?:```|~~~).*?^[ \t]*(?:```|~~~)[ \t]*$", re.MULTILINE | re.DOTALL), "\n"),  # code blocks
    (re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]+\S+.*$", re.MULTILINE), ""),  # reference definitions
    (re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE), "\n"),  # horizontal rules
    (re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$", re.MULTILINE), "\n"),  # setext heading underlines
    (_MD_TABLE_RULE, ""),
    (re.compile(r"^#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE), r"\n\1\n"),  # headings
    (re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(.*)$", re.MULTILINE), r"\n\1\n"),  # list items
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # images: alt text
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links: their text
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"\*\*([^*\n]+)\*\*|__([^_\n]+)__"), r"\1\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?![\s_])([^_\n]+?)(?<!\s)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
]


def _table_row(match: re.Match) -> str:
    cells = [c.strip() for c in match.group(1).strip().strip("|").split("|")]
    return "\n" + "; ".join(c for c in cells if c) + "\n"


_MD_TABLE_ROW = re.compile(r"^[ \t]*(\|.*\|)[ \t]*$", re.MULTILINE)


def strip_markdown(text: str) -> str:
    """Markdown to plain text: link text kept, URLs, marks and code blocks dropped."""
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    text = _MD_TABLE_ROW.sub(_table_row, text)
    return _tidy(text)


def to_plain_text(text: str) -> tuple[str, str | None]:
    """Plain text and a note naming the markup removed (None when there was none)."""
    kind = detect(text)
    if kind == HTML:
        plain = strip_html(text)
        if detect(plain) == MARKDOWN:
            plain = strip_markdown(plain)
        return plain, "HTML markup removed"
    if kind == MARKDOWN:
        return strip_markdown(text), "Markdown markup removed"
    return text, None
