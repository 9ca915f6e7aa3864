"""Reading inputs: every bad file becomes a status and a reason, never an exception."""

import os

import pytest

from eventledger.transforms import ingest


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_utf8_text_is_read_and_hashed(tmp_path):
    doc = ingest.read_document(write(tmp_path / "a.txt", "Iran and Iraq signed a truce.\n".encode()))
    assert doc.usable and doc.encoding == "utf-8" and len(doc.sha256) == 64
    assert doc.name == "a"


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("﻿Égypte and Israel met.".encode("utf-8"), "utf-8-sig"),
        ("Égypte and Israel met.".encode("utf-16"), "utf-16"),
    ],
)
def test_bom_encodings_are_decoded(tmp_path, data, encoding):
    doc = ingest.read_document(write(tmp_path / "b.txt", data))
    assert doc.usable, doc.reason
    assert doc.encoding == encoding
    assert doc.text.startswith("Égypte")


def test_latin1_is_decoded(tmp_path):
    text = "Le président français a rencontré le ministre à Genève, où les négociations continuèrent."
    doc = ingest.read_document(write(tmp_path / "c.txt", text.encode("latin-1")))
    assert doc.usable, doc.reason
    assert "président" in doc.text


def test_same_text_in_two_encodings_is_one_document(tmp_path):
    a = write(tmp_path / "a.txt", "Chile recalled its envoy.\n".encode("utf-8"))
    b = write(tmp_path / "b.txt", "Chile recalled its envoy.\r\n".encode("utf-16"))
    docs = ingest.read_documents([a, b])
    assert [d.status for d in docs] == ["ok", "duplicate"]
    assert "a.txt" in docs[1].reason


@pytest.mark.parametrize(
    "name, data, status",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        ("noise.txt", bytes(range(0, 32)) * 64, "binary"),
    ],
)
def test_bad_files_get_status(tmp_path, name, data, status):
    doc = ingest.read_document(write(tmp_path / name, data))
    assert doc.status == status
    assert doc.reason


def test_missing_path_is_reported(tmp_path):
    doc = ingest.read_document(tmp_path / "nope.txt")
    assert doc.status == "missing" and doc.reason == "no such file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_reported(tmp_path):
    path = write(tmp_path / "locked.txt", b"Text.")
    path.chmod(0)
    assert ingest.read_document(path).status == "unreadable"


def test_control_characters_are_replaced(tmp_path):
    doc = ingest.read_document(write(tmp_path / "ctl.txt", b"Peru\x00 and\x07 Chile met.\r\nThen they left."))
    assert doc.usable
    assert "\x00" not in doc.text and "\r" not in doc.text


def test_discover_walks_folders_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "b.txt", b"B.")
    write(tmp_path / "sub" / "a.md", b"A.")
    write(tmp_path / ".hidden.txt", b"H.")
    write(tmp_path / "image.png", b"x")
    found = ingest.discover([tmp_path])
    assert [p.name for p in found] == ["b.txt", "a.md"]


def test_discover_survives_a_symlink_loop(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path)
    write(tmp_path / "x.txt", b"X.")
    assert [p.name for p in ingest.discover([tmp_path])] == ["x.txt"]
