"""Pure HTML rendering of the run report and the validation page: data in, one HTML string out.

Why a module of its own, with no I/O: the pages must be testable on
handmade rows (tests/test_report.py), and the reading of the lake and the
writing of files (warehouse/report.py, expectations/runner.py) must not be
mixed with markup.

Why our own small SVG code instead of a charting library or Great
Expectations' Data Docs: the pages are opened from a folder on a machine
that may have no network at all. Every byte of a page is in the page: inline
CSS, inline SVG, no script, no font, no image, no CDN; a Content Security
Policy in each page (`default-src 'none'`) makes the browser refuse any
request a page would make anyway. The only links are to other local files
(the validation page, the documents as `file:` URIs).

Why everything goes through `esc`: document text, actor names, file names and
the values GX reports are all input we do not control (README "Hostile
input"); a sentence saying `<script>` must show as text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

#: CAMEO QuadClass: label and colour (cooperation green, conflict red; verbal light, material dark).
QUAD_CLASSES = {
    1: ("verbal cooperation", "#91cf60"),
    2: ("material cooperation", "#1a9850"),
    3: ("verbal conflict", "#fc8d59"),
    4: ("material conflict", "#d73027"),
}
#: At most this many bars in the timeline: past it, months become years, then decades.
MAX_BINS = 120
#: Longest piece of hostile text shown in a cell (a sentence can be 5,000 characters).
MAX_TEXT = 600
#: How many items of a long argument (a foreign key's value set) the validation page lists.
MAX_LIST_ITEMS = 12
OK_MARK, FAIL_MARK = "\u2713", "\u2717"
DASH = "\u2013"

#: No request of any kind: styles inline only, images only as data: URIs (there are none).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0; background: #f6f7f9; color: #1d2330; }
header { background: #1d2330; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9cfdb; }
header a { color: #9cc7ff; }
main { max-width: 1200px; margin: 0 auto; padding: 8px 32px 40px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 14px 18px; margin: 18px 0; }
h2 { font-size: 17px; margin: 0 0 10px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; list-style: none; }
.figures li { background: #eef1f6; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.figures b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e6e9ef; }
th { background: #f0f2f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #5b6475; font-size: 13px; }
.empty { color: #5b6475; font-style: italic; }
.ok { color: #1a7f37; font-weight: 600; white-space: nowrap; }
.fail { color: #c62828; font-weight: 700; white-space: nowrap; }
tr.failed td { background: #fdecec; }
.sentence { max-width: 560px; }
.args { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre-wrap;
        word-break: break-word; }
svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #333; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; margin: 6px 0 0; padding: 0; list-style: none; }
.legend span { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
"""


def esc(value) -> str:
    """Any value as text safe in HTML content and in quoted attributes (None: empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def clip(text, limit: int = MAX_TEXT) -> str:
    """Long text cut to `limit` characters with an ellipsis, so that one bad row cannot swell the page."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def page(title: str, header: str, body: str) -> str:
    """A whole self-contained page: UTF-8, the CSP that forbids any request, inline CSS."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>{header}</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
          row_classes: Sequence[str] | None = None) -> str:
    """An HTML table of cells that are already HTML (callers escape); `numeric`: right-aligned columns."""
    numeric = set(numeric)
    num = ' class="num"'
    head = "".join(f"<th{num if i in numeric else ''}>{esc(h)}</th>" for i, h in enumerate(headers))
    lines = []
    for n, row in enumerate(rows):
        cls = f" class=\"{row_classes[n]}\"" if row_classes and row_classes[n] else ""
        cells = "".join(f"<td{num if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        lines.append(f"<tr{cls}>{cells}</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines) + "\n</tbody>\n</table>"


def status_mark(success: bool) -> str:
    """✓ passed / ✗ FAILED: a mark plus a word, so that the status survives without colour."""
    if success:
        return f"<span class=\"ok\" title=\"passed\">{OK_MARK} passed</span>"
    return f"<span class=\"fail\" title=\"failed\">{FAIL_MARK} FAILED</span>"


# -- the timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """Events per period and QuadClass, ready to draw; `unit` is month, year or decade."""

    unit: str
    bins: list[tuple[str, dict[int, int]]]
    unplaced: int = 0


def _month_index(month: str) -> int:
    year, mon = month.split("-")[:2]
    return int(year) * 12 + int(mon) - 1


def _label(index: int, unit: str) -> str:
    if unit == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if unit == "year":
        return f"{index:04d}"
    return f"{index * 10:04d}s"


def timeline_bins(rows: Iterable[tuple[str | None, str | None, int, int]], max_bins: int = MAX_BINS) -> Timeline:
    """Fold (start month, end month, quad class, count) rows into consecutive bins.

    Why not always months: historical text spans decades (the sample, 1930 to
    2014), and a thousand one-pixel bars show nothing. The unit is the finest
    of month, year and decade whose span holds at most `max_bins` bars, and
    an event is drawn only if its date window lies inside one bar (a date
    known only to the year is not put in January); the others are counted
    as `unplaced` and named under the chart. Months are 'YYYY-MM' strings.
    Empty periods between the first and the last get a bar group of their
    own (of height 0), so that the x axis is time.
    """
    rows = [(s, e, int(q), int(n)) for s, e, q, n in rows]
    total = sum(n for *_, n in rows)
    divisors = {"month": 1, "year": 12, "decade": 120}
    for unit in ("month", "year", "decade"):
        size = divisors[unit]
        counts: dict[int, dict[int, int]] = {}
        for start, end, quad, n in rows:
            if not start:
                continue
            first, last = _month_index(start) // size, _month_index(end or start) // size
            if first == last:
                counts.setdefault(first, {}).setdefault(quad, 0)
                counts[first][quad] += n
        if not counts:
            if unit == "decade":
                return Timeline("month", [], total)
            continue
        lo, hi = min(counts), max(counts)
        if hi - lo + 1 <= max_bins or unit == "decade":
            placed = sum(sum(c.values()) for c in counts.values())
            bins = [(_label(i, unit), counts.get(i, {})) for i in range(lo, hi + 1)][-max_bins:]
            return Timeline(unit, bins, total - placed)
    return Timeline("month", [], total)  # not reached


def _nice_step(top: int, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5 × 10^k) giving about `ticks` ticks up to `top`."""
    raw = max(1, top) / ticks
    power = 10 ** max(0, math.floor(math.log10(raw)))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, factor * power)
    return 10 * power


def timeline_svg(timeline: Timeline, width: int = 1100, height: int = 320) -> str:
    """Stacked bars of events per period, one colour per QuadClass, with axes, ticks and labels.

    Each period is one `<g class="bar-group">` (so a test or a reader can
    count periods), each QuadClass of it one `<rect>` with a `<title>`
    tooltip (period, class, count).
    """
    if not timeline.bins:
        return "<p class=\"empty\">No event has a date precise enough to draw.</p>"
    left, right, top, bottom = 52, 12, 14, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(timeline.bins)
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.8)
    peak = max((sum(c.values()) for _, c in timeline.bins), default=0)
    step = _nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    parts = [f"<svg class=\"timeline\" role=\"img\" aria-label=\"Events per {esc(timeline.unit)} and QuadClass\" "
             f"viewBox=\"0 0 {width} {height}\" width=\"{width}\" "
             f"height=\"{height}\">"]
    for tick in range(0, y_max + 1, step):
        ty = y(tick)
        parts.append(f"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{ty:.1f}\" y2=\"{ty:.1f}\" "
                     "stroke=\"#e3e6ec\"/>")
        parts.append(f"<text x=\"{left - 6}\" y=\"{ty + 4:.1f}\" text-anchor=\"end\">{tick}</text>")
    label_every = max(1, math.ceil(n / 24))
    for i, (label, counts) in enumerate(timeline.bins):
        x = left + i * slot + (slot - bar_w) / 2
        base = 0
        rects = []
        for quad, (name, colour) in QUAD_CLASSES.items():
            count = counts.get(quad, 0)
            if not count:
                continue
            y_top, y_bottom = y(base + count), y(base)
            rects.append(f"<rect class=\"q{quad}\" x=\"{x:.1f}\" y=\"{y_top:.1f}\" width=\"{bar_w:.1f}\" "
                         f"height=\"{y_bottom - y_top:.1f}\" fill=\"{colour}\">"
                         f"<title>{esc(label)}: {count} {esc(name)}</title></rect>")
            base += count
        parts.append(f"<g class=\"bar-group\" data-period=\"{esc(label)}\">{''.join(rects)}</g>")
        if i % label_every == 0:
            lx, ly = left + i * slot + slot / 2, top + plot_h + 12
            parts.append(f"<text x=\"{lx:.1f}\" y=\"{ly:.1f}\" text-anchor=\"end\" "
                         f"transform=\"rotate(-45 {lx:.1f} {ly:.1f})\">{esc(label)}</text>")
    parts.append(f"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{top + plot_h}\" y2=\"{top + plot_h}\" "
                 "stroke=\"#555\"/>")
    parts.append(f"<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{top + plot_h}\" stroke=\"#555\"/>")
    parts.append(f"<text x=\"14\" y=\"{top + plot_h / 2:.1f}\" text-anchor=\"middle\" "
                 f"transform=\"rotate(-90 14 {top + plot_h / 2:.1f})\">events</text>")
    parts.append(f"<text x=\"{left + plot_w / 2:.1f}\" y=\"{height - 4}\" text-anchor=\"middle\">"
                 f"{esc(timeline.unit)} of the event</text>")
    parts.append("</svg>")
    return "".join(parts)


def legend() -> str:
    """The QuadClass colours, as HTML under the chart (readable, selectable, no SVG text layout)."""
    items = "".join(f"<li><span style=\"background:{colour}\"></span>{quad} {esc(name)}</li>"
                    for quad, (name, colour) in QUAD_CLASSES.items())
    return f"<ul class=\"legend\">{items}</ul>"


def timeline_section(timeline: Timeline) -> str:
    """The chart, its legend and what it leaves out."""
    note = (f"One bar per {timeline.unit} (months unless the events span more than {MAX_BINS} of them), "
            "stacked by CAMEO QuadClass.")
    if timeline.unplaced:
        note += (f" {timeline.unplaced} event(s) not drawn: undated, or dated only to a longer period "
                 f"than one {timeline.unit}.")
    return (f"<section id=\"timeline\"><h2>Events per {esc(timeline.unit)} and QuadClass</h2>"
            f"{timeline_svg(timeline)}{legend()}<p class=\"note\">{esc(note)}</p></section>")


# -- dyads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dyad:
    source: str
    target: str
    events: int
    goldstein: float | None = None


def dyads_svg(dyads: Sequence[Dyad], width: int = 1100, bar_h: int = 22) -> str:
    """Horizontal bars, one per source–target pair, longest first; names clipped, full ones in the tooltip."""
    if not dyads:
        return ""
    label_w, right = 360, 50
    height = bar_h * len(dyads) + 10
    peak = max(d.events for d in dyads) or 1
    parts = [f"<svg class=\"dyads\" role=\"img\" aria-label=\"Top dyads\" "
             f"viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">"]
    for i, d in enumerate(dyads):
        y = 5 + i * bar_h
        w = max(1.0, (width - label_w - right) * d.events / peak)
        name = f"{d.source} \u2192 {d.target}"
        parts.append(f"<g class=\"dyad\"><text x=\"{label_w - 8}\" y=\"{y + bar_h * 0.68:.1f}\" "
                     f"text-anchor=\"end\">{esc(clip(name, 56))}</text>"
                     f"<rect x=\"{label_w}\" y=\"{y + 3}\" width=\"{w:.1f}\" height=\"{bar_h - 6}\" fill=\"#4a78c2\">"
                     f"<title>{esc(name)}: {d.events}</title></rect>"
                     f"<text x=\"{label_w + w + 6:.1f}\" y=\"{y + bar_h * 0.68:.1f}\">{d.events}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def dyads_section(dyads: Sequence[Dyad]) -> str:
    """The top source–target pairs as bars and as a table (with the mean Goldstein score)."""
    if not dyads:
        return ("<section id=\"dyads\"><h2>Top dyads</h2><p class=\"empty\">No event has both a source and a "
                "target actor.</p></section>")
    rows = [(str(i), esc(d.source), esc(d.target), str(d.events),
             "" if d.goldstein is None else f"{d.goldstein:+.1f}") for i, d in enumerate(dyads, 1)]
    return ("<section id=\"dyads\"><h2>Top dyads (source \u2192 target)</h2>" + dyads_svg(dyads)
            + table(["#", "source", "target", "events", "mean Goldstein"], rows, numeric=(0, 3, 4)) + "</section>")


# -- places, latest events, validation ---------------------------------------------------------------


def places_section(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """Where events happen, by whatever place columns the contract has, with their event counts."""
    if not columns:
        return ""
    if not rows:
        return ("<section id=\"places\"><h2>Event places</h2><p class=\"empty\">No event has a place "
                f"({esc(', '.join(columns))} are empty).</p></section>")
    body = [[esc(_cell(v)) for v in row] for row in rows]
    return ("<section id=\"places\"><h2>Event places</h2>"
            + table([*columns, "events"], body, numeric=(len(columns),)) + "</section>")


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return clip(value)


def document_href(source_uri: str | None) -> str | None:
    """A `file:` link to a document, only for an absolute local path (never a hostile `javascript:`)."""
    if not source_uri or not source_uri.startswith("/"):
        return None
    return PurePosixPath(source_uri).as_uri()


@dataclass(frozen=True)
class EventRow:
    """One event of the latest-events table."""

    date: str
    event_code: str
    event_label: str | None
    quad_class: int | None
    source: str | None
    target: str | None
    trigger: str | None
    sentence: str | None
    document_name: str | None
    document_uri: str | None


def latest_section(events: Sequence[EventRow]) -> str:
    """The most recent events with the sentence they come from and a link to their document."""
    if not events:
        return "<section id=\"latest\"><h2>Latest events</h2><p class=\"empty\">No events yet.</p></section>"
    rows = []
    for e in events:
        code = esc(e.event_code) + (f" <span class=\"note\">{esc(e.event_label)}</span>" if e.event_label else "")
        colour = QUAD_CLASSES.get(e.quad_class or 0, ("", "#999"))[1]
        dyad = f"{esc(e.source or DASH)} \u2192 {esc(e.target or DASH)}"
        href = document_href(e.document_uri)
        doc = esc(e.document_name or "")
        if href:
            doc = f"<a href=\"{esc(href)}\">{doc or esc(href)}</a>"
        rows.append((esc(e.date), f"<span style=\"color:{colour}\">\u25a0</span> {code}", dyad,
                     esc(clip(e.trigger, 80)), f"<div class=\"sentence\">{esc(clip(e.sentence))}</div>", doc))
    return ("<section id=\"latest\"><h2>Latest events</h2>"
            + table(["date", "event", "source \u2192 target", "trigger", "sentence", "document"], rows)
            + "</section>")


@dataclass(frozen=True)
class SuiteSummary:
    table: str
    passed: int
    failed: int


def summarise_outcomes(outcomes: Iterable[dict]) -> list[SuiteSummary]:
    """Passed and failed expectations per table, in the order the tables were validated."""
    counts: dict[str, list[int]] = {}
    for o in outcomes:
        pair = counts.setdefault(o.get("table") or o.get("table_name") or "?", [0, 0])
        pair[0 if o.get("success") else 1] += 1
    return [SuiteSummary(name, p, f) for name, (p, f) in counts.items()]


def validation_section(suites: Sequence[SuiteSummary], skipped: str | None, page_href: str | None) -> str:
    """Per table: expectations passed and failed, linking to the validation page; or why nothing was validated."""
    link = f" <a href=\"{esc(page_href)}\">validation page</a>" if page_href else ""
    if skipped is not None:  # then the link, if any, is to the last run that validated something
        last = f" <a href=\"{esc(page_href)}\">last validation page</a>" if page_href else ""
        return (f"<section id=\"validation\"><h2>Validation</h2><p>skipped: no new documents "
                f"<span class=\"note\">({esc(skipped)})</span>.{last}</p></section>")
    if not suites:
        return f"<section id=\"validation\"><h2>Validation</h2><p class=\"empty\">No results.</p>{link}</section>"
    rows = [(esc(s.table), esc(f"{s.table}_suite"), str(s.passed), str(s.failed), status_mark(not s.failed))
            for s in suites]
    total_p, total_f = sum(s.passed for s in suites), sum(s.failed for s in suites)
    return (f"<section id=\"validation\"><h2>Validation</h2><p>{total_p} passed, {total_f} failed.{link}</p>"
            + table(["table", "suite", "passed", "failed", "status"], rows, numeric=(2, 3)) + "</section>")


# -- the whole report -------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything the report shows, read from the lake by warehouse/report.py."""

    run_id: str
    generated_at: str
    figures: dict[str, int] = field(default_factory=dict)
    timeline: Timeline = field(default_factory=lambda: Timeline("month", []))
    dyads: list[Dyad] = field(default_factory=list)
    place_columns: list[str] = field(default_factory=list)
    places: list[tuple] = field(default_factory=list)
    latest: list[EventRow] = field(default_factory=list)
    validation: list[SuiteSummary] = field(default_factory=list)
    validation_skipped: str | None = None
    validation_href: str | None = None


def render_report(data: ReportData) -> str:
    """The run report: figures, timeline, dyads, places, latest events, validation; one self-contained page."""
    figures = "".join(f"<li><b>{value:,}</b>{esc(name)}</li>" for name, value in data.figures.items())
    header = (f"<h1>eventledger run report</h1><p>Run <b>{esc(data.run_id)}</b> \u00b7 the warehouse as this run "
              f"published it \u00b7 generated {esc(data.generated_at)}</p>")
    body = "\n".join([
        f"<section id=\"figures\"><h2>The warehouse</h2><ul class=\"figures\">{figures}</ul></section>",
        timeline_section(data.timeline),
        dyads_section(data.dyads),
        places_section(data.place_columns, data.places),
        latest_section(data.latest),
        validation_section(data.validation, data.validation_skipped, data.validation_href),
    ])
    return page(f"eventledger report {data.run_id}", header, body)


# -- the validation page (replaces Great Expectations' Data Docs) ---------------------------------------


def format_argument(value) -> str:
    """An expectation's argument for people: long lists cut (a foreign key's set holds every id)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        shown = ", ".join(json.dumps(v, default=str, ensure_ascii=False) for v in items[:MAX_LIST_ITEMS])
        more = f", \u2026 and {len(items) - MAX_LIST_ITEMS:,} more" if len(items) > MAX_LIST_ITEMS else ""
        return f"[{shown}{more}]"
    if isinstance(value, (dict, int, float, bool)) or value is None:
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def format_arguments(arguments: dict | None) -> str:
    """One `name: value` line per argument (as text; the caller escapes)."""
    return "\n".join(f"{k}: {clip(format_argument(v), 400)}" for k, v in (arguments or {}).items())


def observed_cell(o: dict) -> str:
    """What GX saw: the observed value, unexpected count and share, a sample, or the exception."""
    parts = []
    if o.get("exception"):
        parts.append(f"raised: {clip(o['exception'], 300)}")
    if o.get("observed") is not None:
        parts.append(f"observed: {clip(o['observed'], 300)}")
    if o.get("unexpected_count") is not None:
        share = o.get("unexpected_percent")
        of = f" of {o['element_count']:,}" if o.get("element_count") is not None else ""
        pct = f" ({share:.2f} %)" if isinstance(share, (int, float)) else ""
        parts.append(f"unexpected: {o['unexpected_count']:,}{of}{pct}")
    if o.get("sample"):
        parts.append(f"e.g. {clip(format_argument(list(o['sample'])[:5]), 300)}")
    return "<br>".join(esc(p) for p in parts)


def validation_page(run_id: str, outcomes: Sequence[dict], generated_at: str) -> str:
    """Every expectation of every table's suite, with its arguments, status mark and what GX observed.

    `outcomes`: dicts with `table`, `expectation`, `column`, `success`,
    `arguments`, `observed`, `unexpected_count`, `unexpected_percent`,
    `element_count`, `sample`, `exception` (expectations/runner.py makes
    them). Failures are listed first, linked to their row.
    """
    suites = summarise_outcomes(outcomes)
    n_failed = sum(s.failed for s in suites)
    verdict = status_mark(n_failed == 0) if outcomes else "<span class=\"note\">nothing validated</span>"
    header = (f"<h1>eventledger validation</h1><p>Run <b>{esc(run_id)}</b> \u00b7 {len(outcomes)} expectations, "
              f"{n_failed} failed \u00b7 {verdict} \u00b7 generated {esc(generated_at)}</p>")
    sections = []
    failures = [(i, o) for i, o in enumerate(outcomes) if not o.get("success")]
    if failures:
        items = "".join(f"<li><a href=\"#e{i}\">{esc(o.get('expectation'))} on {esc(o.get('table'))}"
                        f"{'.' + esc(o.get('column')) if o.get('column') else ''}</a></li>" for i, o in failures)
        sections.append(f"<section id=\"failures\"><h2 class=\"fail\">{FAIL_MARK} {len(failures)} failed "
                        f"expectation(s)</h2><ul>{items}</ul></section>")
    rows_of: dict[str, list[tuple[int, dict]]] = {}
    for i, o in enumerate(outcomes):
        rows_of.setdefault(o.get("table") or "?", []).append((i, o))
    summary = table(["table", "suite", "passed", "failed", "status"],
                    [(f"<a href=\"#t-{esc(s.table)}\">{esc(s.table)}</a>", esc(f"{s.table}_suite"), str(s.passed),
                      str(s.failed), status_mark(not s.failed)) for s in suites], numeric=(2, 3))
    sections.append(f"<section id=\"summary\"><h2>Tables</h2>{summary}</section>")
    for s in suites:
        rows, classes = [], []
        for i, o in rows_of[s.table]:
            rows.append((f"<span id=\"e{i}\">{status_mark(bool(o.get('success')))}</span>",
                         esc(o.get("expectation")), esc(o.get("column") or ""),
                         f"<div class=\"args\">{esc(format_arguments(o.get('arguments')))}</div>", observed_cell(o)))
            classes.append("" if o.get("success") else "failed")
        sections.append(
            f"<section id=\"t-{esc(s.table)}\"><h2>{esc(s.table)} <span class=\"note\">{esc(s.table)}_suite: "
            f"{s.passed} passed, {s.failed} failed</span></h2>"
            + table(["status", "expectation", "column", "arguments", "observed"], rows, row_classes=classes)
            + "</section>")
    if not outcomes:
        sections.append("<section><p class=\"empty\">No expectation was run.</p></section>")
    return page(f"eventledger validation {run_id}", header, "\n".join(sections))
