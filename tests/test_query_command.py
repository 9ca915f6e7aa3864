"""`eventledger query`: whole cells (--max-width to cut), SQL from a file or standard input, JSON Lines.

In-process on a warehouse published with empty tables (fast); the rows come
from SQL literals, so no run is needed.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from eventledger.cli import main
from eventledger.warehouse import publish
from eventledger.warehouse.query import format_table

LONG = "x" * 150 + " the end"
ROWS_SQL = "SELECT * FROM (VALUES (1, 'Kyiv', DATE '2022-02-24'), (2, 'Paris', NULL)) AS t(n, city, day) ORDER BY n"


@pytest.fixture
def root(tmp_path):
    """A published warehouse (empty tables): enough for read-only SQL."""
    root = tmp_path / "wh"
    record = {"run_id": "r1", "status": "published", "started_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    publish.publish(root, "r1", {}, record)
    return root


def query(capsys, *args, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(["query", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


# -- table cells ---------------------------------------------------------------------------------


def test_table_cells_are_whole_by_default(root, capsys):
    status, out, _ = query(capsys, f"SELECT '{LONG}' AS message", "--warehouse", root)
    assert status == 0
    assert out.splitlines() == ["message".ljust(len(LONG)).rstrip(), "-" * len(LONG), LONG, "(1 row)"]


def test_max_width_cuts_longer_cells_with_an_ellipsis(root, capsys):
    status, out, _ = query(capsys, f"SELECT '{LONG}' AS message, 'short' AS s", "--warehouse", root,
                           "--max-width", 20)
    assert status == 0
    row = out.splitlines()[2]
    assert row == "x" * 19 + "…  short"


@pytest.mark.parametrize("width", ["0", "-3", "wide"])
def test_max_width_must_be_a_whole_number_of_one_or_more(root, capsys, width):
    with pytest.raises(SystemExit) as exc:
        main(["query", "SELECT 1", "--warehouse", str(root), "--max-width", width])
    assert exc.value.code == 2
    assert "--max-width: must be a whole number, 1 or more" in capsys.readouterr().err


def test_a_line_break_in_a_cell_keeps_the_row_on_one_line():
    text = format_table(["a", "b"], [("one\ntwo", None), ("x\r\ny", 3)])
    assert text.splitlines()[2:] == ["one two  NULL", "x y      3", "(2 rows)"]


# -- where the SQL comes from ----------------------------------------------------------------


def test_sql_from_a_file(root, tmp_path, capsys):
    sql = tmp_path / "report.sql"
    sql.write_text("-- a report\nSELECT 40 + 2 AS answer;\n", encoding="utf-8-sig")  # BOM and all
    status, out, _ = query(capsys, "--file", sql, "--warehouse", root, "--format", "csv")
    assert status == 0
    assert out.splitlines() == ["answer", "42"]


def test_sql_from_standard_input(root, capsys, monkeypatch):
    status, out, _ = query(capsys, "-", "--warehouse", root, "--format", "csv",
                           stdin="SELECT 'piped' AS how\n", monkeypatch=monkeypatch)
    assert status == 0
    assert out.splitlines() == ["how", "piped"]


def test_file_dash_reads_standard_input_too(root, capsys, monkeypatch):
    status, out, _ = query(capsys, "--file", "-", "--warehouse", root, "--format", "csv",
                           stdin="SELECT 7 AS n", monkeypatch=monkeypatch)
    assert (status, out.splitlines()) == (0, ["n", "7"])


def test_blank_standard_input_is_the_empty_sql_usage_error(root, capsys, monkeypatch):
    status, out, err = query(capsys, "-", "--warehouse", root, stdin="  \n", monkeypatch=monkeypatch)
    assert (status, out) == (2, "")
    assert err.startswith("eventledger: the SQL is empty") and err.count("\n") == 1


@pytest.mark.parametrize("args, says", [
    (["SELECT 1", "--file", "q.sql"], "give the SQL once: as an argument or with --file, not both"),
    ([], "give the SQL: eventledger query \"SELECT ...\", --file PATH, or - to read standard input"),
    (["--file", "missing.sql"], "cannot read the SQL file missing.sql: No such file or directory"),
])
def test_sql_sources_that_cannot_be_used_are_one_line_and_a_usage_error(root, capsys, monkeypatch, tmp_path,
                                                                        args, says):
    monkeypatch.chdir(tmp_path)
    status, out, err = query(capsys, *args, "--warehouse", root)
    assert (status, out) == (2, "")
    assert err == f"eventledger: {says}\n"


def test_a_sql_file_that_is_not_text_is_a_usage_error(root, tmp_path, capsys):
    sql = tmp_path / "binary.sql"
    sql.write_bytes(b"\xff\xfe\x00SELECT")
    status, _, err = query(capsys, "--file", sql, "--warehouse", root)
    assert status == 2 and err.startswith(f"eventledger: cannot read the SQL file {sql}: ") and err.count("\n") == 1


# -- formats ---------------------------------------------------------------------------------


def test_json_is_one_object_per_row_and_line(root, capsys):
    status, out, _ = query(capsys, ROWS_SQL, "--warehouse", root, "--format", "json")
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"n": 1, "city": "Kyiv", "day": "2022-02-24"},
        {"n": 2, "city": "Paris", "day": None},
    ]


def test_json_of_no_rows_prints_nothing(root, capsys):
    status, out, _ = query(capsys, "SELECT 1 AS n WHERE false", "--warehouse", root, "--format", "json")
    assert (status, out) == (0, "")


def test_json_array_keeps_the_former_single_array(root, capsys):
    status, out, _ = query(capsys, ROWS_SQL, "--warehouse", root, "--format", "json-array")
    assert status == 0
    assert json.loads(out) == [{"n": 1, "city": "Kyiv", "day": "2022-02-24"}, {"n": 2, "city": "Paris", "day": None}]
    assert out.startswith("[\n  {")


def test_csv_is_unchanged(root, capsys):
    status, out, _ = query(capsys, ROWS_SQL, "--warehouse", root, "--format", "csv")
    assert status == 0
    assert out.splitlines() == ["n,city,day", "1,Kyiv,2022-02-24", "2,Paris,"]


def test_sql_from_a_file_is_still_read_only(root, tmp_path, capsys):
    """The SQL's source changes nothing of the lock-down (warehouse/query.py lock_down)."""
    target = tmp_path / "out.csv"
    sql = tmp_path / "copy.sql"
    sql.write_text(f"COPY (SELECT 1) TO '{target}'", encoding="utf-8")
    status, out, err = query(capsys, "--file", sql, "--warehouse", root)
    assert (status, out) == (2, "")
    assert err.startswith("eventledger: query runs only SELECT statements") and err.count("\n") == 1
    assert not target.exists()
