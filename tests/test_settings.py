"""One settings object: precedence, validation messages, `eventledger config`, and no stray environment reads.

Real code throughout: settings are loaded from real TOML files in a temporary
folder and a monkeypatched environment, and the command line is called
in-process. Every test runs in an empty working folder with no EVENTLEDGER_*
variable set, so that neither the developer's ./eventledger.toml nor their
environment leaks in.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from eventledger import __version__
from eventledger.cli import main
from eventledger.settings import CONFIG_ENV, Settings, SettingsError, env_name, load_settings
from tests.conftest import REPO, SAMPLE
from eventledger.transforms.ingest import DEFAULT_MAX_BYTES
from eventledger.transforms.quality import DEFAULT_MAX_SENTENCE_CHARS

SETTINGS = list(Settings.model_fields)
FLAG_NAMES = {"lock_wait": "--wait", "keep_snapshots": "--keep-snapshots"}


@pytest.fixture(autouse=True)
def clean_setup(tmp_path, monkeypatch):
    """An empty working folder and no EVENTLEDGER_* settings in the environment."""
    for name in [*SETTINGS, "config"]:
        monkeypatch.delenv(env_name(name), raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def actor_csv(path: Path) -> Path:
    return write(path, "name,actor_type,country_code,aliases\nPopular Front,group,PSE,PF\n")


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return status, out, err


# -- defaults and precedence ---------------------------------------------------------------------


def test_defaults_when_nothing_is_set(clean_setup):
    settings = load_settings()
    assert settings.warehouse == clean_setup / "data" / "warehouse"
    assert settings.inbox == clean_setup / "inbox"
    assert settings.schedule == "*/15 * * * *"
    assert settings.spacy_model is None and settings.actors == []
    assert (settings.keep_snapshots, settings.lock_wait) == (3, 5.0)
    assert settings.max_document_bytes == DEFAULT_MAX_BYTES == 10_000_000
    assert settings.max_sentence_chars == DEFAULT_MAX_SENTENCE_CHARS == 5_000
    assert set(settings.sources().values()) == {"default"}
    assert settings.config_file is None


def test_file_beats_default_env_beats_file_flag_beats_env(tmp_path, monkeypatch):
    config = write(tmp_path / "conf" / "eventledger.toml",
                   'keep_snapshots = 4\nlock_wait = 1.5\nmax_sentence_chars = 700\nschedule = "0 * * * *"\n')
    monkeypatch.setenv("EVENTLEDGER_KEEP_SNAPSHOTS", "6")
    monkeypatch.setenv("EVENTLEDGER_LOCK_WAIT", "2")

    settings = load_settings({"keep_snapshots": "9"}, FLAG_NAMES, config=config)

    assert settings.max_document_bytes == DEFAULT_MAX_BYTES and settings.source("max_document_bytes") == "default"
    assert settings.schedule == "0 * * * *" and settings.source("schedule") == str(config)
    assert settings.max_sentence_chars == 700 and settings.source("max_sentence_chars") == str(config)
    assert settings.lock_wait == 2.0 and settings.source("lock_wait") == "EVENTLEDGER_LOCK_WAIT"
    assert settings.keep_snapshots == 9 and settings.source("keep_snapshots") == "--keep-snapshots"


def test_each_environment_variable_of_the_readme_still_works(tmp_path, monkeypatch):
    from eventledger.transforms.nlp import choose_model

    first, second = actor_csv(tmp_path / "a.csv"), actor_csv(tmp_path / "b.csv")
    model = choose_model()  # an installed one: a model that is not installed is a bad setting
    env = {
        "EVENTLEDGER_WAREHOUSE": str(tmp_path / "wh"),
        "EVENTLEDGER_ACTORS": os.pathsep.join([str(first), "", str(second)]),
        "EVENTLEDGER_LOCK_WAIT": "0.5",
        "EVENTLEDGER_KEEP_SNAPSHOTS": "7",
        "EVENTLEDGER_SPACY_MODEL": model,
        "EVENTLEDGER_MAX_DOCUMENT_BYTES": "2_000_000",
        "EVENTLEDGER_MAX_SENTENCE_CHARS": " 900 ",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.warehouse == tmp_path / "wh"
    assert settings.actors == [first, second]
    assert (settings.lock_wait, settings.keep_snapshots, settings.spacy_model) == (0.5, 7, model)
    assert (settings.max_document_bytes, settings.max_sentence_chars) == (2_000_000, 900)
    assert settings.sources() == {name: env_name(name) if env_name(name) in env else "default" for name in SETTINGS}


def test_a_blank_environment_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("EVENTLEDGER_KEEP_SNAPSHOTS", "  ")
    monkeypatch.setenv("EVENTLEDGER_SPACY_MODEL", "")
    settings = load_settings()
    assert settings.keep_snapshots == 3 and settings.source("keep_snapshots") == "default"
    assert settings.spacy_model is None


def test_actor_flags_replace_the_environment_list(tmp_path, monkeypatch):
    from_env, from_flag = actor_csv(tmp_path / "env.csv"), actor_csv(tmp_path / "flag.csv")
    monkeypatch.setenv("EVENTLEDGER_ACTORS", str(from_env))
    settings = load_settings({"actors": [from_flag]})
    assert settings.actors == [from_flag] and settings.source("actors") == "--actors"


def test_paths_in_the_file_are_relative_to_its_folder(tmp_path):
    folder = tmp_path / "conf"
    actor_csv(folder / "actors" / "mine.csv")
    config = write(folder / "settings.toml", 'warehouse = "wh"\ninbox = "/srv/inbox"\nactors = ["actors/mine.csv"]\n')
    settings = load_settings(config=config)
    assert settings.warehouse == folder / "wh"
    assert settings.inbox == Path("/srv/inbox")
    assert settings.actors == [folder / "actors" / "mine.csv"]


def test_the_config_file_is_found_by_flag_then_variable_then_working_folder(clean_setup, tmp_path, monkeypatch):
    local = write(clean_setup / "eventledger.toml", "keep_snapshots = 4\n")
    assert load_settings().keep_snapshots == 4 and load_settings().config_file == str(local)

    named = write(tmp_path / "named.toml", "keep_snapshots = 5\n")
    monkeypatch.setenv(CONFIG_ENV, str(named))
    assert load_settings().keep_snapshots == 5 and load_settings().source("keep_snapshots") == str(named)

    flagged = write(tmp_path / "flagged.toml", "keep_snapshots = 6\n")
    assert load_settings(config=flagged).keep_snapshots == 6


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_a_missing_config_file_named_explicitly_is_an_error(tmp_path, monkeypatch, capsys, how):
    missing = tmp_path / "nowhere.toml"
    argv = ["config"]
    if how == "flag":
        argv += ["--config", missing]
    else:
        monkeypatch.setenv(CONFIG_ENV, str(missing))
    status, out, err = run_cli(capsys, *argv)
    source = "--config" if how == "flag" else CONFIG_ENV
    assert status == 2 and out == ""
    assert err == f"eventledger: bad setting config = {missing} (from {source}): no such file\n"


# -- validation: one line naming the setting, the value and its source ---------------------------


BAD_VALUES = [
    # (where, setting, value as given, the rest of the line)
    ("flag", "keep_snapshots", "-2", "must be at least 1"),
    ("flag", "keep_snapshots", "abc", "must be a whole number"),
    ("flag", "lock_wait", "-1", "must be at least 0"),
    ("flag", "lock_wait", "soon", "must be a number"),
    ("env", "keep_snapshots", "abc", "must be a whole number"),
    ("env", "keep_snapshots", "0", "must be at least 1"),
    ("env", "lock_wait", "-0.5", "must be at least 0"),
    ("env", "max_document_bytes", "0", "must be greater than 0"),
    ("env", "max_document_bytes", "10MB", "must be a whole number"),
    ("env", "max_sentence_chars", "-5", "must be greater than 0"),
    ("env", "schedule", "every hour", "must be a cron expression of 5 fields"),
    ("env", "schedule", "*/15 * * * * *", "must be a cron expression of 5 fields"),
    ("env", "schedule", "*/15 * ! * *", "its day-of-month field '!' is not a cron field"),
    ("file", "keep_snapshots", "2.5", "must be a whole number"),
    ("file", "keep_snapshots", '"many"', "must be a whole number"),
    ("file", "lock_wait", "-3", "must be at least 0"),
    ("file", "max_sentence_chars", "0", "must be greater than 0"),
    ("file", "schedule", '"* * *"', "must be a cron expression of 5 fields"),
    ("file", "actors", '"one.csv"', "must be a list of paths"),
]


@pytest.mark.parametrize("where,setting,value,reason", BAD_VALUES)
def test_a_bad_value_is_one_line_naming_setting_value_and_source(tmp_path, monkeypatch, capsys,
                                                                 where, setting, value, reason):
    argv = ["run", "--warehouse", tmp_path / "wh"]
    if where == "flag":
        argv += [FLAG_NAMES[setting], value]
        source, shown = FLAG_NAMES[setting], value
    elif where == "env":
        monkeypatch.setenv(env_name(setting), value)
        source, shown = env_name(setting), value
    else:
        config = write(tmp_path / "eventledger.toml", f"{setting} = {value}\n")
        argv += ["--config", config]
        source, shown = str(config), value.strip('"')

    status, out, err = run_cli(capsys, *argv)

    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"eventledger: bad setting {setting} = {shown} (from {source}): {reason}"), err
    assert not (tmp_path / "wh").exists(), "a bad setting must stop the run before any work"


def test_an_actor_file_that_does_not_exist_or_is_a_folder(tmp_path, monkeypatch, capsys):
    good = actor_csv(tmp_path / "good.csv")
    monkeypatch.setenv("EVENTLEDGER_ACTORS", os.pathsep.join([str(good), str(tmp_path / "gone.csv"), str(tmp_path)]))
    status, _, err = run_cli(capsys, "config")
    assert status == 2
    assert err.splitlines() == [
        f"eventledger: bad setting actors = {tmp_path / 'gone.csv'} (from EVENTLEDGER_ACTORS): no such file",
        f"eventledger: bad setting actors = {tmp_path} (from EVENTLEDGER_ACTORS): is not a file",
    ]
    status, _, err = run_cli(capsys, "run", "--actors", tmp_path / "flag.csv", "--warehouse", tmp_path / "wh")
    assert status == 2
    assert err == f"eventledger: bad setting actors = {tmp_path / 'flag.csv'} (from --actors): no such file\n"


def test_each_bad_value_gets_its_own_line(monkeypatch, capsys):
    monkeypatch.setenv("EVENTLEDGER_KEEP_SNAPSHOTS", "0")
    monkeypatch.setenv("EVENTLEDGER_LOCK_WAIT", "later")
    status, _, err = run_cli(capsys, "query", "SELECT 1")
    assert status == 2
    assert err.splitlines() == [
        "eventledger: bad setting keep_snapshots = 0 (from EVENTLEDGER_KEEP_SNAPSHOTS): must be at least 1",
        "eventledger: bad setting lock_wait = later (from EVENTLEDGER_LOCK_WAIT): must be a number",
    ]


def test_an_unknown_key_in_the_file_names_the_key_and_the_file(tmp_path, capsys):
    config = write(tmp_path / "eventledger.toml", "keep_snapshots = 2\nkeep_snapshot = 4\n")
    status, out, err = run_cli(capsys, "config", "--config", config)
    assert status == 2 and out == ""
    assert err.startswith(f"eventledger: unknown setting 'keep_snapshot' in config file {config} (known: ")
    assert err.count("\n") == 1


def test_a_config_file_that_is_not_toml(tmp_path):
    config = write(tmp_path / "eventledger.toml", "keep_snapshots = = 2\n")
    with pytest.raises(SettingsError, match=f"cannot read config file {re.escape(str(config))}: "):
        load_settings(config=config)


# -- eventledger config, --version ---------------------------------------------------------------


def test_config_prints_an_aligned_table_of_values_and_sources(tmp_path, monkeypatch, capsys):
    config = write(tmp_path / "eventledger.toml", 'schedule = "0 6 * * 1-5"\nkeep_snapshots = 4\n')
    monkeypatch.setenv("EVENTLEDGER_LOCK_WAIT", "2")
    status, out, err = run_cli(capsys, "config", "--config", config, "--warehouse", tmp_path / "wh")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["setting", "value", "source"]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert list(rows) == SETTINGS
    assert rows["warehouse"].split() == ["warehouse", str(tmp_path / "wh"), "--warehouse"]
    assert rows["schedule"].split() == ["schedule", "0", "6", "*", "*", "1-5", str(config)]
    assert rows["keep_snapshots"].split() == ["keep_snapshots", "4", str(config)]
    assert rows["lock_wait"].split() == ["lock_wait", "2.0", "EVENTLEDGER_LOCK_WAIT"]
    assert rows["max_sentence_chars"].split() == ["max_sentence_chars", "5000", "default"]
    value_column = lines[0].index("value")
    source_column = lines[0].index("source")
    for line in lines[1:-1]:
        assert line[value_column - 2 : value_column] == "  " and line[value_column] != " "
        assert line[source_column - 2 : source_column] == "  " and line[source_column] != " "
    assert lines[-1] == f"config file: {config}"


def test_config_json_gives_value_and_source_of_every_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EVENTLEDGER_MAX_DOCUMENT_BYTES", "1000")
    status, out, _ = run_cli(capsys, "config", "--json")
    assert status == 0
    report = json.loads(out)
    assert report["config_file"] is None
    assert list(report["settings"]) == SETTINGS
    assert report["settings"]["max_document_bytes"] == {"value": 1000, "source": "EVENTLEDGER_MAX_DOCUMENT_BYTES"}
    assert report["settings"]["keep_snapshots"] == {"value": 3, "source": "default"}
    assert report["settings"]["actors"] == {"value": [], "source": "default"}


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"eventledger {__version__}"


# -- modules receive settings: no module below reads these variables any more --------------------

#: Files allowed to read the environment, and why: Prefect's own defaults, and the tests-only pause points.
ENVIRONMENT_READERS = {"flows/runtime.py", "warehouse/faults.py"}
READS_ENVIRONMENT = re.compile(r"os\.environ|os\.getenv|getenv\(|environ\.get")


@pytest.mark.parametrize("package", ["transforms", "warehouse", "flows"])
def test_no_module_reads_the_settings_from_the_environment(package):
    setting_variables = [env_name(name) for name in SETTINGS] + [CONFIG_ENV]
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        source = path.read_text(encoding="utf-8")
        if relative not in ENVIRONMENT_READERS:
            assert not READS_ENVIRONMENT.search(source), f"{relative} reads the environment; pass it a setting"
        else:
            assert not any(v in source for v in setting_variables), f"{relative} reads a setting's variable"


def test_the_pure_transforms_import_no_settings():
    for path in sorted((REPO / "transforms").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "eventledger.settings" not in source and "from eventledger import settings" not in source, path


# -- the run record keeps the effective settings and the model (one real run) --------------------


@pytest.mark.e2e
def test_the_run_record_keeps_the_effective_settings_and_the_model(tmp_path, monkeypatch, capsys):
    config = write(tmp_path / "eventledger.toml", "keep_snapshots = 2\nmax_sentence_chars = 4000\n")
    monkeypatch.setenv("EVENTLEDGER_LOCK_WAIT", "1")
    root = tmp_path / "wh"
    status, out, err = run_cli(capsys, "run", SAMPLE, "--warehouse", root, "--config", config, "--json")
    assert status == 0, err
    run_id = json.loads(out)["run_id"]
    record = json.loads((root / "runs" / f"{run_id}.json").read_text(encoding="utf-8"))
    assert record["settings"]["warehouse"] == str(root)
    assert record["settings"]["keep_snapshots"] == 2 and record["settings"]["max_sentence_chars"] == 4000
    assert record["settings"]["lock_wait"] == 1.0 and record["settings"]["actors"] == []
    assert record["settings_sources"]["keep_snapshots"] == str(config)
    assert record["settings_sources"]["lock_wait"] == "EVENTLEDGER_LOCK_WAIT"
    assert record["settings_sources"]["warehouse"] == "--warehouse"
    assert record["spacy_model"]["name"] and record["spacy_model"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", record["spacy_model"]["version"])


def test_the_readme_example_config_file_is_valid(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(# eventledger\.toml\n.*?)```", readme, re.S).group(1)
    settings = load_settings(config=write(tmp_path / "eventledger.toml", example))
    assert settings.warehouse == tmp_path / "data" / "warehouse"
    assert settings.source("keep_snapshots") == str(tmp_path / "eventledger.toml")
    assert settings.max_document_bytes == DEFAULT_MAX_BYTES
