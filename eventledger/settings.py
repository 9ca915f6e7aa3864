"""One validated settings object, built once per command from four sources.

Why: settings used to be read from the environment in six modules, each with
its own "parse an int with a fallback", so a bad value was silently ignored
and nobody could tell which value a run had used. Now the command line builds
a `Settings` once, before any work, from (lowest precedence first):

    defaults < eventledger.toml < EVENTLEDGER_* environment < command-line flags

validates it, and passes it (or plain values from it) down. A bad value is
one line naming the setting, the value and where it came from. Each setting
remembers its source, so `eventledger config` can show it and a run record
can store it.

The config file is `--config FILE`, else `$EVENTLEDGER_CONFIG`, else
`./eventledger.toml` if it exists. It is flat TOML whose keys are the setting
names; relative paths in it are relative to the file's folder. An unknown key
is an error (a typo must not be silently ignored).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from eventledger.transforms.ingest import DEFAULT_MAX_BYTES
from eventledger.transforms.nlp import model_problem
from eventledger.transforms.quality import DEFAULT_MAX_SENTENCE_CHARS
from eventledger.warehouse.lock import DEFAULT_WAIT_SECONDS
from eventledger.warehouse.publish import DEFAULT_KEEP_SNAPSHOTS

ENV_PREFIX = "EVENTLEDGER_"
CONFIG_ENV = "EVENTLEDGER_CONFIG"
DEFAULT_CONFIG_FILE = "eventledger.toml"
DEFAULT_SCHEDULE = "*/15 * * * *"
#: Once a day, at a quiet minute.
DEFAULT_MAINTENANCE_SCHEDULE = "17 3 * * *"
DEFAULT_SOURCE = "default"

#: Settings whose values are paths: made absolute, and read relative to the config file's folder.
PATH_SETTINGS = ("warehouse", "inbox", "actors")
#: One field of a cron expression: numbers, names (jan, mon), *, ranges, steps and lists.
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?]+([-/,][0-9A-Za-z*?]+)*$")
_CRON_FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")


class SettingsError(ValueError):
    """Settings that cannot be used; each line of the message is one problem, ready to print."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def _absolute(path: Path) -> Path:
    """Paths are stored absolute, so a run record says exactly which folder or file was used."""
    return path.expanduser().resolve()


def _existing_file(path: Path) -> Path:
    path = _absolute(path)
    if not path.exists():
        raise ValueError("no such file")
    if not path.is_file():
        raise ValueError("is not a file")
    return path


def _folder(path: Path) -> Path:
    """A folder, or a path where one can be created: neither it nor the nearest existing parent is a file."""
    path = _absolute(path)
    try:
        existing = next(p for p in (path, *path.parents) if p.exists())
    except OSError:  # cannot even look (permissions): let the command meet it where it can say more
        return path
    if existing == path and not path.is_dir():
        raise ValueError("is a file, not a folder: give a folder (a missing one is created)")
    if not existing.is_dir():
        raise ValueError(f"{existing} is a file, so no folder can be made there: give another folder")
    return path


def _spacy_model(name: str | None) -> str | None:
    """An installed spaCy pipeline or model folder, checked without loading it (None: the installed default)."""
    problem = None if name is None else model_problem(name)
    if problem:
        raise ValueError(problem)
    return name


def _cron(expression: str) -> str:
    fields = expression.split()
    if len(fields) != len(_CRON_FIELDS):
        raise ValueError(f"must be a cron expression of 5 fields ({' '.join(_CRON_FIELDS)}), got {len(fields)}")
    for name, value in zip(_CRON_FIELDS, fields):
        if not _CRON_FIELD.match(value):
            raise ValueError(f"its {name} field {value!r} is not a cron field")
    return " ".join(fields)


def _catalog(value: str | None) -> str | None:
    if value is not None and value.split(":", 1)[0] not in ("sqlite", "postgres"):
        raise ValueError("must start with sqlite: or postgres: (e.g. postgres:dbname=events host=db)")
    if value is not None and "password" in value.lower():
        raise ValueError("must not hold a password (it would be written to DIR/lake.json): "
                         "give it through PGPASSWORD or ~/.pgpass")
    return value


def _plain_number(value: Any) -> Any:
    """Accept "10_000_000" and surrounding blanks in numbers, as the environment variables always did."""
    return value.strip().replace("_", "") if isinstance(value, str) else value


def _optional_text(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


AbsolutePath = Annotated[Path, AfterValidator(_absolute)]
Folder = Annotated[Path, AfterValidator(_folder)]
ActorFile = Annotated[Path, AfterValidator(_existing_file)]
Whole = Annotated[int, BeforeValidator(_plain_number)]
Number = Annotated[float, BeforeValidator(_plain_number)]


class Settings(BaseModel):
    """The effective settings of one command; `source(name)` says where each value came from."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    warehouse: Folder = Field(Path("data/warehouse"), description="the warehouse folder")
    inbox: AbsolutePath = Field(Path("inbox"), description="the folder a scheduled run reads (eventledger serve)")
    schedule: Annotated[str, AfterValidator(_cron)] = Field(DEFAULT_SCHEDULE, description="cron schedule of serve")
    maintenance_schedule: Annotated[str, AfterValidator(_cron)] = Field(
        DEFAULT_MAINTENANCE_SCHEDULE, description="cron schedule of serve's maintenance (eventledger maintain)")
    spacy_model: Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_spacy_model)] = Field(
        None, description="spaCy pipeline: an installed package or a model folder (none: the installed default)")
    actors: list[ActorFile] = Field(default_factory=list, description="extra actor CSV files")
    keep_snapshots: Whole = Field(DEFAULT_KEEP_SNAPSHOTS, ge=1,
                                  description="run snapshots of the lake kept for --as-of (maintain expires older ones)")
    export: Literal["run", "maintain", "never"] = Field(
        "run", description="when DIR/events.duckdb and DIR/parquet/ are rewritten from the lake: every run, "
        "only by maintain, or never (README, Storage)")
    catalog: Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_catalog)] = Field(
        None, description="a new lake's catalog: sqlite:PATH or postgres:CONNINFO (none: DIR/lake/catalog.sqlite)")
    data_path: Annotated[str | None, BeforeValidator(_optional_text)] = Field(
        None, description="a new lake's data files: a folder or an object-storage URL (none: DIR/lake/data)")
    lock_wait: Number = Field(DEFAULT_WAIT_SECONDS, ge=0, description="seconds to wait for a busy warehouse")
    max_document_bytes: Whole = Field(DEFAULT_MAX_BYTES, gt=0, description="larger input files are not read")
    max_sentence_chars: Whole = Field(DEFAULT_MAX_SENTENCE_CHARS, gt=0,
                                      description="longer sentences are quarantined, not parsed")
    workers: Whole = Field(default_factory=lambda: os.cpu_count() or 1, ge=1,
                           description="extraction processes (1: extract in the run's own process)")
    runner: Literal["local", "dask"] = Field(
        "local", description="where extraction runs: local (the workers of this machine) or dask (a Dask cluster)")
    dask_address: Annotated[str | None, BeforeValidator(_optional_text)] = Field(
        None, description="with runner dask: an existing scheduler (tcp://host:8786); none: a LocalCluster of "
        "`workers` processes")
    verbosity: Literal["quiet", "normal", "verbose"] = Field(
        "normal", description="quiet: errors and results only; verbose: Prefect's own log lines and tracebacks too")

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    _config_file: str | None = PrivateAttr(default=None)

    def source(self, name: str) -> str:
        """`default`, the config file's path, an environment variable's name or a flag."""
        return self._sources.get(name, DEFAULT_SOURCE)

    def values(self) -> dict[str, Any]:
        """The settings as plain JSON values (for the run record and `eventledger config --json`)."""
        return self.model_dump(mode="json")

    def sources(self) -> dict[str, str]:
        return {name: self.source(name) for name in type(self).model_fields}

    @property
    def config_file(self) -> str | None:
        """The config file that was read, if any (even one that set nothing)."""
        return self._config_file


def restore(value: "Settings | Mapping[str, Any]", sources: Mapping[str, str] | None = None) -> Settings:
    """Settings as they arrive in a flow: the object itself, or its values again (a served run's parameters).

    A deployment's parameters travel through the Prefect API as JSON, so a
    scheduled run gets the values of `eventledger serve`'s settings and
    their sources, and validates them again where it runs.
    """
    if isinstance(value, Settings):
        return value
    try:
        settings = Settings.model_validate(dict(value))
    except ValidationError as exc:
        raise SettingsError(_problem_lines(exc, value, sources or {})) from None
    settings._sources.update(sources or {})
    return settings


def setting_names() -> list[str]:
    return list(Settings.model_fields)


def env_name(setting: str) -> str:
    """The environment variable of a setting (EVENTLEDGER_KEEP_SNAPSHOTS for keep_snapshots)."""
    return ENV_PREFIX + setting.upper()


# -- the sources -----------------------------------------------------------------------------


def config_file(explicit: Path | None, environ: Mapping[str, str]) -> tuple[Path | None, str]:
    """The config file to read and where its name came from; a file named explicitly must exist."""
    if explicit is not None:
        path, source = Path(explicit), "--config"
    elif environ.get(CONFIG_ENV, "").strip():
        path, source = Path(environ[CONFIG_ENV].strip()), CONFIG_ENV
    else:
        default = Path(DEFAULT_CONFIG_FILE)
        return (_absolute(default), DEFAULT_SOURCE) if default.is_file() else (None, DEFAULT_SOURCE)
    if not path.is_file():
        problem = "no such file" if not path.exists() else "not a file"
        raise SettingsError([f"eventledger: bad setting config = {path} (from {source}): {problem}"])
    return _absolute(path), source


def file_values(path: Path) -> dict[str, Any]:
    """The settings in a TOML file, as written (`relative_to_file` reads its relative paths)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError([f"eventledger: cannot read config file {path}: {exc}"]) from None
    known = set(setting_names())
    unknown = [key for key in data if key not in known]
    if unknown:
        raise SettingsError([f"eventledger: unknown setting {key!r} in config file {path} "
                             f"(known: {', '.join(setting_names())})" for key in unknown])
    return data


def relative_to_file(folder: Path, key: str, value: Any) -> Any:
    """A path in a config file means a path relative to the file's folder, wherever the command runs."""
    if key not in PATH_SETTINGS:
        return value
    if isinstance(value, str):
        return str(folder / Path(value).expanduser())
    if isinstance(value, list):
        return [str(folder / Path(v).expanduser()) if isinstance(v, str) else v for v in value]
    return value


def env_values(environ: Mapping[str, str]) -> dict[str, Any]:
    """The EVENTLEDGER_* variables that are set and not blank; EVENTLEDGER_ACTORS is a path list."""
    values: dict[str, Any] = {}
    for name in setting_names():
        raw = environ.get(env_name(name), "").strip()
        if not raw:
            continue
        values[name] = [p for p in raw.split(os.pathsep) if p] if name == "actors" else raw
    return values


# -- building and validating -----------------------------------------------------------------


def load_settings(
    flags: Mapping[str, Any] | None = None,
    flag_names: Mapping[str, str] | None = None,
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The validated settings: defaults < config file < environment < `flags` (those not None).

    `flag_names` maps a setting to the flag that set it, for messages
    (`keep_snapshots` -> `--keep-snapshots`). Raises SettingsError.
    """
    environ = os.environ if environ is None else environ
    flag_names = flag_names or {}
    path, _ = config_file(config, environ)
    given: dict[str, Any] = {}  # each setting's value as written, for messages
    raw: dict[str, Any] = {}  # ... and as validated (paths in the config file made relative to it)
    sources: dict[str, str] = {}
    if path is not None:
        for name, value in file_values(path).items():
            given[name], raw[name], sources[name] = value, relative_to_file(path.parent, name, value), str(path)
    for name, value in env_values(environ).items():
        given[name], raw[name], sources[name] = value, value, env_name(name)
    for name, value in (flags or {}).items():
        if value is not None:
            given[name], raw[name] = value, value
            sources[name] = flag_names.get(name, "--" + name.replace("_", "-"))
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise SettingsError(_problem_lines(exc, given, sources)) from None
    settings._sources.update(sources)
    settings._config_file = str(path) if path is not None else None
    return settings


_MESSAGES = {
    "greater_than_equal": "must be at least {ge:g}",
    "greater_than": "must be greater than {gt:g}",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "list_type": "must be a list of paths",
    "string_type": "must be text",
    "path_type": "must be a path",
    "extra_forbidden": "is not a setting",
    "literal_error": "must be one of {expected}",
}


def _reason(error: dict) -> str:
    """A short reason in words ("must be at least 1"), not pydantic's wording."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _MESSAGES.get(error["type"])
    return template.format(**ctx) if template else error["msg"][:1].lower() + error["msg"][1:]


def _shown(value: Any) -> str:
    if isinstance(value, str) and (not value or value != value.strip()):
        return repr(value)
    return str(value)


def _problem_lines(exc: ValidationError, raw: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
    """One line per bad value: the setting, the value as given, its source, and what is wrong."""
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0])
        value = raw.get(name)
        if len(error["loc"]) > 1 and isinstance(value, list) and isinstance(error["loc"][1], int):
            value = value[error["loc"][1]]
        source = sources.get(name, DEFAULT_SOURCE)
        lines.append(f"eventledger: bad setting {name} = {_shown(value)} (from {source}): {_reason(error)}")
    return lines
