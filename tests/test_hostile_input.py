"""Hostile inputs at the reading stage: every bad file is a status and a reason.

Unit level and fast; the same corpus goes through the real `eventledger run`
in tests/test_faults.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO, SAMPLE
from eventledger.transforms import ingest, markup

CP1252 = "Le \u201cprésident\u201d français a rencontré le ministre à Genève \u2013 les négociations continuèrent."


def write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data, encoding",
    [
        (CP1252.encode("cp1252"), None),
        ("\ufeff" + CP1252, "utf-8-sig"),
        (CP1252.encode("utf-16"), "utf-16"),
        (CP1252.encode("utf-32"), "utf-32"),
        (b"\x00\x00\xfe\xff" + CP1252.encode("utf-32-be"), "utf-32"),
        (b"\xfe\xff" + CP1252.encode("utf-16-be"), "utf-16"),
    ],
)
def test_encodings_decode_to_the_same_document(tmp_path, data, encoding):
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    doc = ingest.read_document(write(tmp_path / "x.txt", raw))
    assert doc.status == "ok", doc.reason
    assert doc.text == CP1252
    if encoding:
        assert doc.encoding == encoding
    assert doc.sha256 == ingest.content_sha256(CP1252)


@pytest.mark.parametrize("data, text", [
    (b"Peru\x00 and\x07 Chile\x1b met.\x0c\nThen \xc2\x85they left.", "Peru  and  Chile  met. \nThen \nthey left."),
    (b"P\xe9rou\x00 and\x07 Chile\x1b met in Gen\xe8ve.\x0c", "Pérou  and  Chile  met in Genève. "),
])
def test_control_characters_and_nul_bytes_are_cleaned_with_a_note(tmp_path, data, text):
    doc = ingest.read_document(write(tmp_path / "ctl.txt", data))
    assert doc.status == "cleaned", doc.reason
    assert doc.text == text
    assert "4 control character(s)" in doc.note


def test_html_in_a_txt_file_becomes_plain_text(tmp_path):
    html = textwrap.dedent("""\
        <!DOCTYPE html><html><head><title>Relations</title><style>p {color: red}</style>
        <script>var x = "<b>no</b>";</script></head>
        <body><h1>Chile&ndash;Peru</h1><p>In 1975, <b>Chile</b> recalled its envoy from <a href="/peru">Peru</a>.<sup>[3]</sup></p>
        <ul><li>Peru protested</li><li>Bolivia &amp; Chile met</li></ul></body></html>
        """)
    doc = ingest.read_document(write(tmp_path / "page.txt", html.encode()))
    assert doc.status == "cleaned" and doc.note == "HTML markup removed"
    assert "<" not in doc.text and "color" not in doc.text and "var x" not in doc.text
    assert "In 1975, Chile recalled its envoy from Peru.[3]" in doc.text
    assert "Bolivia & Chile met" in doc.text and "Chile–Peru" in doc.text


def test_markdown_in_a_txt_file_becomes_plain_text(tmp_path):
    md = textwrap.dedent("""\
        # Chile and Peru

        In 1975, **Chile** recalled its envoy from [Peru](https://example.org/peru).[3]
        The *talks* resumed in `1976`.

        - Peru protested
        - Bolivia mediated

        ```
        code = "not prose"
        ```

        | year | event |
        |------|-------|
        | 1977 | truce |
        """)
    doc = ingest.read_document(write(tmp_path / "notes.txt", md.encode()))
    assert doc.status == "cleaned" and doc.note == "Markdown markup removed"
    for gone in ("**", "](", "https", "#", "`", "not prose", "|", "---"):
        assert gone not in doc.text, gone
    assert "In 1975, Chile recalled its envoy from Peru.[3]" in doc.text
    assert "The talks resumed in 1976." in doc.text
    assert "\nPeru protested\n" in doc.text and "1977; truce" in doc.text


def test_plain_documents_are_not_touched_by_markup_cleaning():
    """The bundled and development documents are plain text: cleaning must be a no-op."""
    files = list(SAMPLE.glob("*.txt")) + list((REPO / "tests" / "dev_gold" / "docs").glob("*.txt"))
    assert files
    for path in files:
        text = ingest.normalise_text(path.read_text(encoding="utf-8"))
        assert markup.detect(text) is None, path.name
        assert ingest.read_document(path).status == "ok"


@pytest.mark.parametrize("text", [
    "If x < y and y > z then nothing is markup.",
    "Peru [3] and Chile [citation needed] met in 1975.[4]",
    "Rates rose 5 * 3 times; the snake_case name stayed.",
    "- a dash at the start of a line\n- and another, still plain text.",
])
def test_plain_text_lookalikes_are_not_markup(text):
    assert markup.detect(text) is None


def test_empty_blank_and_binary_files(tmp_path):
    assert ingest.read_document(write(tmp_path / "e.txt", b"")).reason == "empty file (0 bytes)"
    assert ingest.read_document(write(tmp_path / "b.txt", b"\n \t\n")).status == "empty"
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)
    assert ingest.read_document(write(tmp_path / "p.txt", png)).status == "binary"
    assert ingest.read_document(write(tmp_path / "h.txt", b"<p></p><div>  </div>")).status == "empty"


def test_too_large_file_is_reported_with_its_size_and_not_read(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(2_000_001)  # sparse: no disk, no read
    doc = ingest.read_document(path, max_bytes=2_000_000)
    assert doc.status == "too_large" and doc.n_bytes == 2_000_001
    assert "2,000,001 bytes" in doc.reason and "2,000,000-byte limit" in doc.reason


def test_symlink_loops_folders_pipes_and_missing_paths(tmp_path):
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "folder.txt" / "inner.txt").write_bytes(b"Peru protested.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder loop
    write(tmp_path / "sub" / "good.txt", b"Chile recalled its envoy.")
    found = ingest.discover([tmp_path, tmp_path / "absent.txt"], report_links=True)
    found.append(tmp_path / "folder.txt")  # a folder given where a file is expected
    docs = {os.path.relpath(d.path, tmp_path): d for d in ingest.read_documents(found)}
    assert docs["loop.txt"].status == "unreadable" and "symlink loop" in docs["loop.txt"].reason
    assert docs["dangling.txt"].status == "missing" and "broken symlink" in docs["dangling.txt"].reason
    assert docs["pipe.txt"].status == "unreadable" and "named pipe" in docs["pipe.txt"].reason
    assert docs["folder.txt"].status == "unreadable" and "folder" in docs["folder.txt"].reason
    assert docs["folder.txt/inner.txt"].status == "ok"
    assert docs["sub/up"].status == "skipped" and "not followed" in docs["sub/up"].reason
    assert docs["absent.txt"].status == "missing"
    assert docs["sub/good.txt"].status == "ok"


def test_same_document_under_two_names_is_read_once(tmp_path):
    a = write(tmp_path / "a.txt", b"Chile recalled its envoy.\n")
    b = write(tmp_path / "b.txt", "\ufeffChile recalled its envoy.\r\n".encode("utf-8"))
    docs = ingest.read_documents([a, b])
    assert [d.status for d in docs] == ["ok", "duplicate"]
    assert docs[1].text is None and str(a) in docs[1].reason


def test_discover_returns_absolute_paths(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", b"A.")
    monkeypatch.chdir(tmp_path)
    assert ingest.discover(["a.txt"]) == [tmp_path / "a.txt"]


def test_reading_a_100_mb_file_keeps_memory_bounded(tmp_path):
    """A real 100 MB file and an 8 MB one at the limit, read in a fresh process: peak memory stays small."""
    big = tmp_path / "big.txt"
    line = b"word " * 200 + b"\n"
    with big.open("wb") as handle:
        for _ in range(100_000_000 // len(line) + 1):
            handle.write(line)
    at_limit = tmp_path / "at_limit.txt"
    at_limit.write_bytes(line * (8_000_000 // len(line)))
    script = textwrap.dedent(f"""
        import resource, sys
        from eventledger.transforms import ingest
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        docs = ingest.read_documents([ingest.Path({str(big)!r}), ingest.Path({str(at_limit)!r})], max_bytes=8_000_000)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(docs[0].status, docs[1].status, (after - before) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    big_status, limit_status, grown_mb = out.stdout.split()
    assert big_status == "too_large" and limit_status == "ok"
    assert int(grown_mb) < 80, f"reading grew the process by {grown_mb} MB"


def make_bad_name(folder, data: bytes = b"In 1985, Chile recalled its ambassador from Peru.\n") -> str:
    """A file named b"bad\\xff.txt" (not valid UTF-8, as a Latin-1 system writes it); its name as shown."""
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as handle:
        handle.write(data)
    return os.path.join(str(folder), "bad\\xff.txt")  # a real backslash: the escaped form


def test_a_file_name_that_is_not_utf8_is_a_status_shown_escaped(tmp_path):
    shown = make_bad_name(tmp_path)
    write(tmp_path / "good.txt", b"Chile recalled its envoy.\n")
    docs = ingest.read_documents(ingest.discover([tmp_path]))
    bad = next(d for d in docs if "UTF-8" in (d.reason or ""))
    assert bad.status == "unreadable" and bad.path == shown and bad.name == "bad\\xff" and "not valid UTF-8" in bad.reason
    assert bad.text is None and [d.status for d in docs if d is not bad] == ["ok"]
    bad.path.encode("utf-8")  # storable as text


def test_a_run_with_a_file_name_that_is_not_utf8_publishes_the_others(tmp_path, capsys):
    import duckdb

    from eventledger.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    shown = make_bad_name(folder)
    (folder / "good.txt").write_bytes(next(SAMPLE.glob("*.txt")).read_bytes())
    wh = tmp_path / "wh"
    assert main(["run", str(folder), "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert f"{shown}: unreadable (file name not valid UTF-8" in out
    con = duckdb.connect(str(wh / "events.duckdb"), read_only=True)
    try:
        files = dict(con.execute("SELECT path, status FROM input_files").fetchall())
        docs = [r[0] for r in con.execute("SELECT name FROM documents").fetchall()]
    finally:
        con.close()
    assert files == {shown: "unreadable", str(folder / "good.txt"): "ok"}
    assert docs == ["good"]


@pytest.mark.parametrize("run_id", ["../../etc/x", "r1", "20240101T000000Z-a/../b", ""])
def test_a_run_id_given_to_the_flow_must_be_one_eventledger_makes(tmp_path, run_id):
    """A Prefect deployment can pass `run_id`: it names files and folders, so it is checked before anything."""
    from eventledger.flows.pipeline import pipeline
    from eventledger.settings import load_settings

    settings = load_settings(flags={"warehouse": str(tmp_path / "wh")})
    with pytest.raises(ValueError, match="is not an eventledger run id"):
        pipeline.fn([str(tmp_path)], settings, run_id=run_id)
    assert not (tmp_path / "wh").exists()
