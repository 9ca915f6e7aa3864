"""The run report (warehouse/report.py, report_html.py) and the validation page that replaced GX's Data Docs.

Three layers: the pure renderer on handmade rows (escaping, empty warehouse,
one bar group per period, failures shown as failed); `publish` with small
tables (the report is written after the commit, and a failure to write it
leaves the run published); one real run of the sample (the files, no
network reference, pruning to keep_snapshots, the warning line) rendered in
Debian's headless Chromium (chart elements in the DOM, a screenshot that is
not blank).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.test_validation import replace_column
from tests.test_warehouse import record, small_tables
from eventledger.warehouse import publish as wh
from eventledger.warehouse import report as run_report
from eventledger.warehouse import report_html as render

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = "<script>alert('x')</script>"
#: An asset a page would fetch over the network: a stylesheet, script, image or font by URL.
NETWORK_ASSET = re.compile(r"""(<link\b[^>]*\bhref\s*=\s*["']?\s*(https?:)?//|<script\b[^>]*\bsrc\s*=\s*["']?\s*"""
                           r"""(https?:)?//|<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//"""
                           r"""|@import)""", re.I)


def assert_offline(page: str) -> None:
    """No network asset, no script at all, and the CSP that forbids any request."""
    assert not NETWORK_ASSET.search(page), NETWORK_ASSET.search(page).group(0)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower()
    assert "default-src 'none'" in page


def event(sentence="Chile recalled its envoy.", **changes) -> render.EventRow:
    values = dict(date="2024-01-05", event_code="161", event_label="Reduce or break diplomatic relations",
                  quad_class=4, source="Chile", target="Peru", trigger="recalled", sentence=sentence,
                  document_name="a", document_uri="/in/a.txt")
    return render.EventRow(**{**values, **changes})


# -- the pure renderer ------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere():
    data = render.ReportData(
        run_id="r1", generated_at="now",
        dyads=[render.Dyad(HOSTILE, "<b>Peru</b>", 3, -4.0)],
        place_columns=["location_name", "location_country"], places=[(HOSTILE, "PER", 2)],
        latest=[event(HOSTILE, trigger=HOSTILE, document_name='"><img src=x onerror=alert(1)>',
                      document_uri="javascript:alert(1)"),
                event(document_uri="/in/a b<.txt")],
        validation=render.summarise_outcomes([{"table_name": HOSTILE, "success": False}]),
    )
    page = render.render_report(data)
    assert HOSTILE not in page and "<b>Peru</b>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # shown as text, in the sentence too
    assert "javascript:" not in page  # a document link only for an absolute path
    assert 'href="file:///in/a%20b%3C.txt"' in page
    assert_offline(page)


def test_an_empty_warehouse_renders():
    page = render.render_report(render.ReportData(run_id="r0", generated_at="now"))
    assert "No events yet." in page and "No event has a date precise enough to draw." in page
    assert "No event has both a source and a target actor." in page
    assert '<svg class="timeline"' not in page
    assert_offline(page)


def test_the_timeline_has_one_bar_group_per_month_stacked_by_quad_class():
    rows = [("2024-01", "2024-01", 1, 3), ("2024-01", "2024-01", 4, 1), ("2024-03", "2024-03", 2, 2),
            (None, None, 3, 5),                 # undated
            ("2024-01", "2024-12", 1, 7)]       # dated only to the year: not put in January
    timeline = render.timeline_bins(rows)
    assert timeline.unit == "month" and timeline.unplaced == 12
    assert [label for label, _ in timeline.bins] == ["2024-01", "2024-02", "2024-03"]  # February: an empty group
    svg = render.timeline_svg(timeline)
    assert re.findall(r'data-period="([^"]+)"', svg) == ["2024-01", "2024-02", "2024-03"]
    groups = re.findall(r'<g class="bar-group"[^>]*>(.*?)</g>', svg)
    assert [g.count("<rect") for g in groups] == [2, 0, 1]
    assert 'class="q1"' in groups[0] and 'class="q4"' in groups[0] and 'class="q2"' in groups[2]
    assert "<title>2024-01: 3 verbal cooperation</title>" in svg
    page = render.render_report(render.ReportData(run_id="r", generated_at="now", timeline=timeline))
    for quad, (name, _) in render.QUAD_CLASSES.items():
        assert f"{quad} {name}" in page  # the legend
    assert "12 event(s) not drawn" in page


def test_a_long_span_is_drawn_by_year_then_decade():
    years = render.timeline_bins([("1930-05", "1930-05", 1, 1), ("2014-07", "2014-07", 3, 2),
                                  ("1990-01", "1990-12", 2, 1)])
    assert years.unit == "year" and len(years.bins) == 2014 - 1930 + 1 and years.unplaced == 0
    decades = render.timeline_bins([("1800-01", "1800-01", 1, 1), ("2020-01", "2020-01", 1, 1)])
    assert decades.unit == "decade" and decades.bins[0][0] == "1800s" and len(decades.bins) == 23


def test_the_dyads_chart_and_table():
    dyads = [render.Dyad("Russia", "Israel", 5, 3.5), render.Dyad("Fatah", "Hamas", 2, None)]
    section = render.dyads_section(dyads)
    assert section.count('<g class="dyad">') == 2 and section.count("<tr>") == 3  # header + 2
    assert "<td>Russia</td><td>Israel</td>" in section and "+3.5" in section


def test_dates_are_shown_to_their_precision():
    day, end = dt.date(1990, 1, 1), dt.date(2010, 5, 31)
    assert [run_report._date(day, day, p) for p in ("day", "month", "year", "decade")] == [
        "1990-01-01", "1990-01", "1990", "1990s"]
    assert run_report._date(day, end, "range") == "1990-01-01 \u2013 2010-05-31"
    assert run_report._date(None, None, "none") == "undated"


def test_validation_summary_per_table_or_skipped():
    outcomes = [{"table_name": "events", "success": True}, {"table_name": "events", "success": False},
                {"table_name": "documents", "success": True}]
    suites = render.summarise_outcomes(outcomes)
    assert suites == [render.SuiteSummary("events", 1, 1), render.SuiteSummary("documents", 1, 0)]
    section = render.validation_section(suites, None, "data_docs/r1/index.html")
    assert "2 passed, 1 failed" in section and render.FAIL_MARK in section
    assert 'href="data_docs/r1/index.html"' in section
    skipped = render.validation_section([], "nothing new to validate", None)
    assert "skipped: no new documents" in skipped


def test_the_validation_page_shows_every_expectation_and_marks_failures():
    outcomes = [
        {"table": "events", "expectation": "expect_column_values_to_be_unique", "column": "event_id",
         "success": False, "arguments": {"column": "event_id"}, "unexpected_count": 2, "element_count": 4,
         "unexpected_percent": 50.0, "sample": ["evt_1", HOSTILE]},
        {"table": "events", "expectation": "expect_column_values_to_be_in_set", "column": "document_id",
         "success": True, "arguments": {"column": "document_id", "value_set": [f"doc_{i}" for i in range(100)]},
         "unexpected_count": 0, "element_count": 4},
        {"table": "pipeline_runs", "expectation": "expect_table_row_count_to_equal", "column": None,
         "success": True, "arguments": {"value": 1}, "observed": "1"},
    ]
    page = render.validation_page("r1", outcomes, "now")
    rows = re.findall(r'<tr( class="failed")?><td><span id="e\d+"><span class="(ok|fail)"[^>]*>([^<]*)</span></span>'
                      r"</td><td>(.*?)</td>", page)
    assert [(bool(cls), status == "fail" and mark == f"{render.FAIL_MARK} FAILED", kind)
            for cls, status, mark, kind in rows] == [
        (True, True, "expect_column_values_to_be_unique"),
        (False, False, "expect_column_values_to_be_in_set"),
        (False, False, "expect_table_row_count_to_equal"),
    ]
    assert page.count(f"{render.OK_MARK} passed") >= 2
    assert "unexpected: 2 of 4 (50.00 %)" in page and "observed: 1" in page
    assert "\u2026 and 88 more" in page  # a foreign key's whole value set is not dumped
    assert "events_suite: 1 passed, 1 failed" in page and 'href="#e0"' in page
    assert HOSTILE not in page
    assert_offline(page)


# -- publish: the report after the commit -------------------------------------------------------


def test_publish_writes_the_report_after_the_commit_and_survives_its_failure(tmp_path, monkeypatch):
    tables = small_tables(text=f"Chile recalled its envoy. {HOSTILE}")
    for name, value in {"location_name": "Santiago", "location_country": "CHL", "latitude": -33.45,
                        "longitude": -70.6667}.items():
        tables["events"] = replace_column(tables["events"], name, [value])
    skipped = run_report.RunValidation(skipped="nothing new to validate: every document is unchanged")
    result = wh.publish(tmp_path, "20240101T000000Z-a", tables, record("20240101T000000Z-a"), keep=1,
                        report=skipped)
    assert result.report == tmp_path / "report.html" and result.report_error is None
    page = result.report.read_text(encoding="utf-8")
    assert "skipped: no new documents" in page and "recalled" in page and HOSTILE not in page
    assert "<td>Santiago</td><td>CHL</td><td>-33.45</td><td>-70.6667</td><td class=\"num\">1</td>" in page
    assert (tmp_path / "reports" / "20240101T000000Z-a.html").is_file()

    def broken(data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "render_report", broken)
    result = wh.publish(tmp_path, "20240102T000000Z-b", small_tables("doc_b", "/in/b.txt"),
                        record("20240102T000000Z-b"), keep=1, report=run_report.RunValidation())
    assert result.report is None and "No space left on device" in result.report_error
    assert wh.published_run(tmp_path) == "20240102T000000Z-b"  # published all the same
    assert (tmp_path / "report.html").is_file()  # the previous one stays until a report is written

    monkeypatch.undo()
    wh.publish(tmp_path, "20240103T000000Z-c", small_tables("doc_c", "/in/c.txt"), record("20240103T000000Z-c"),
               keep=1, report=run_report.RunValidation())
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["20240103T000000Z-c.html"]
    assert "20240103T000000Z-c" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_validation_pages_are_pruned_but_latest_stays(tmp_path):
    paths = wh.WarehousePaths(tmp_path)
    for n in range(4):
        run_id = f"2024010{n}T000000Z-x"
        wh.data_docs_staging(paths, run_id).joinpath("index.html").write_text(f"page {n}", encoding="utf-8")
        wh.install_data_docs(paths, run_id, keep=2)
    assert sorted(p.name for p in paths.data_docs.iterdir()) == [
        "20240102T000000Z-x", "20240103T000000Z-x", "latest"]
    assert (paths.data_docs / "latest" / "index.html").read_text(encoding="utf-8") == "page 3"


# -- one real run of the sample ------------------------------------------------------------------

NEW_DOCUMENT = """Talks in Geneva

On 4 March 2015, France signed a trade agreement with Germany in Geneva.
On 9 March 2015, Russia condemned Ukraine over the blockade.
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A warehouse after one real run of the sample, keeping one snapshot (so that a second run prunes)."""
    from eventledger.cli import main

    root = tmp_path_factory.mktemp("report-wh")
    assert main(["run", str(SAMPLE), "--warehouse", str(root), "--keep-snapshots", "1"]) == 0
    (run_id,) = [p.stem for p in (root / "reports").glob("*.html")]
    return root, run_id


@pytest.mark.e2e
def test_a_run_writes_its_report_and_validation_page_offline(published):
    root, run_id = published
    report, per_run = root / "report.html", root / "reports" / f"{run_id}.html"
    page, latest = root / "data_docs" / run_id / "index.html", root / "data_docs" / "latest" / "index.html"
    for path in (report, per_run, page, latest):
        assert_offline(path.read_text(encoding="utf-8"))
    text = report.read_text(encoding="utf-8")
    assert run_id in text and f'href="data_docs/{run_id}/index.html"' in text
    assert f'href="../data_docs/{run_id}/index.html"' in per_run.read_text(encoding="utf-8")
    assert text.count('<g class="bar-group"') > 0 and text.count('<g class="dyad">') > 0
    assert f'href="{(SAMPLE / "000_6e6f0627996f1d52.txt").as_uri()}"' in text  # the document link
    assert "Russia" in text and "events_suite" in text and "0 failed" in text
    validation = page.read_text(encoding="utf-8")
    assert latest.read_text(encoding="utf-8") == validation
    assert "expect_column_values_to_be_unique" in validation and render.FAIL_MARK not in validation
    assert validation.count(f"{render.OK_MARK} passed") > 100
    docs_bytes = sum(p.stat().st_size for p in (root / "data_docs").rglob("*") if p.is_file())
    assert docs_bytes < 500_000  # GX's Data Docs: 5.2 MB per run


def _chromium(args: list[str], tmp: Path, timeout: float = 120) -> str:
    """Run headless Chromium in a process group of its own; kill the whole group if it hangs."""
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={tmp / 'profile'}", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"Chromium did not finish in {timeout} s: killed")
    assert proc.returncode == 0, err[-2000:]
    return out


def decode_png(data: bytes) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of pixel bytes, bytes per pixel) of an 8-bit RGB(A) PNG: zlib, struct, the 5 filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


@pytest.mark.e2e
def test_the_report_renders_in_a_headless_browser(published, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: `make test-services` installs Debian's chromium as root")
    root, _ = published
    url = (root / "report.html").as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path)
    timeline = re.search(r'<svg class="timeline".*?</svg>', dom, re.S)
    assert timeline and timeline.group(0).count("<rect") > 0
    assert re.search(r'<svg class="dyads".*?</svg>', dom, re.S).group(0).count("<rect") > 0
    assert "<h2>Latest events</h2>" in dom

    shot = tmp_path / "report.png"
    _chromium([f"--screenshot={shot}", "--window-size=1280,2000", url], tmp_path)
    if os.environ.get("EVENTLEDGER_REPORT_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["EVENTLEDGER_REPORT_SCREENSHOT"])
    width, height, rows, bpp = decode_png(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    pixels = {row[i:i + 3] for row in rows for i in range(0, len(row), bpp)}
    assert len(pixels) > 100, "the screenshot is (nearly) blank"
    bar_colours = {bytes.fromhex(colour[1:]) for _, colour in render.QUAD_CLASSES.values()}
    near = {p for p in pixels if any(all(abs(p[k] - c[k]) <= 6 for k in range(3)) for c in bar_colours)}
    assert near, "no QuadClass bar was painted"


@pytest.mark.e2e
def test_a_second_run_prunes_to_keep_snapshots_and_a_failed_report_keeps_the_run(published, tmp_path, capsys,
                                                                                monkeypatch):
    from eventledger.cli import main

    root, first = published
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "geneva.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    assert main(["run", str(SAMPLE), str(inbox), "--warehouse", str(root), "--keep-snapshots", "1"]) == 0
    out = capsys.readouterr()
    (second,) = [p.stem for p in (root / "reports").glob("*.html")]
    assert second != first and f"report: {root / 'report.html'}" in out.out + out.err
    assert sorted(p.name for p in (root / "data_docs").iterdir()) == [second, "latest"]
    assert second in (root / "report.html").read_text(encoding="utf-8")
    assert (root / "data_docs" / "latest" / "index.html").read_text(encoding="utf-8") == \
        (root / "data_docs" / second / "index.html").read_text(encoding="utf-8")

    # a third run over the same files: nothing to validate; the report fails to be written, the run is published
    seen = []

    def broken(data):
        seen.append(data)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "render_report", broken)
    assert main(["run", str(SAMPLE), str(inbox), "--warehouse", str(root), "--keep-snapshots", "1"]) == 0
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if line.startswith("report: ")]
    assert len(lines) == 1 and "not written (OSError: [Errno 28] No space left on device)" in lines[0]
    assert seen and seen[0].validation_skipped and seen[0].validation_href.endswith("data_docs/latest/index.html")
    third = wh.published_run(root)
    assert third not in (first, second)
    assert [p.stem for p in (root / "reports").glob("*.html")] == [second]
