"""Run the declarative GX suites in `expectations/suites/` on in-memory tables.

Suites are JSON files that name GX 1.x expectation types and their arguments;
three placeholders keep them declarative while depending on the run:
`{"$columns": "<table>"}` (the contract's column list from
`transforms.schemas`), `{"$ref": "<table>.<column>"}` (the values of another
table's column: foreign keys) and `{"$param": "<name>"}` (a figure from the
run, such as the number of input sentences). Frames are validated before
anything is loaded: GX 1.24 cannot validate DuckDB tables through SQLAlchemy.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from transforms.schemas import TABLES

SUITES_DIR = Path(__file__).parent / "suites"


@dataclass(frozen=True)
class ExpectationOutcome:
    table: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None = None
    sample: tuple = ()
    observed: str | None = None

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        detail = ""
        if self.unexpected_count:
            detail = f": {self.unexpected_count} unexpected, e.g. {list(self.sample)[:3]}"
        elif self.observed is not None:
            detail = f": observed {self.observed}"
        return f"{self.expectation} on {where}{detail}"


@dataclass
class ValidationReport:
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        n_fail = len(self.failures)
        if not n_fail:
            return f"{len(self.outcomes)} expectations passed"
        lines = [f"{n_fail} of {len(self.outcomes)} expectations failed:"]
        lines += [f"  - {o.describe()}" for o in self.failures]
        return "\n".join(lines)


def load_suite(table: str, suites_dir: Path = SUITES_DIR) -> dict:
    with (suites_dir / f"{table}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _resolve(value, tables: dict[str, pd.DataFrame], params: dict):
    """Replace the placeholders of a suite file with this run's values."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "$columns":
            return [f.name for f in TABLES[arg]]
        if key == "$ref":
            table, column = arg.split(".", 1)
            return sorted({v for v in tables[table][column].tolist() if v is not None})
        if key == "$param":
            return params[arg]
    if isinstance(value, dict):
        return {k: _resolve(v, tables, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, tables, params) for v in value]
    return value


@lru_cache(maxsize=1)
def _context():
    """One ephemeral GX context per process, with analytics and progress bars off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins some of its module loggers to INFO (e.g. "created temporary
    # directory for docs site"); keep its warnings and errors, drop the chatter.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.analytics_enabled = False
    return context


def _batch(context, table: str, frame: pd.DataFrame):
    source_name = "eventledger_frames"
    try:
        source = context.data_sources.get(source_name)
    except (KeyError, ValueError, LookupError):
        source = context.data_sources.add_pandas(source_name)
    try:
        asset = source.get_asset(table)
    except (KeyError, ValueError, LookupError):
        asset = source.add_dataframe_asset(table)
    try:
        definition = asset.get_batch_definition("whole")
    except (KeyError, ValueError, LookupError):
        definition = asset.add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas with Python dates and None for nulls, as GX expects."""
    frame = table.to_pandas(date_as_object=True)
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


def validate_tables(tables: dict[str, pa.Table], params: dict | None = None, suites_dir: Path = SUITES_DIR) -> ValidationReport:
    """Validate every table that has a suite; the report lists each expectation's outcome."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    params = params or {}
    frames = {name: to_frame(table) for name, table in tables.items()}
    context = _context()
    report = ValidationReport()
    for name in TABLES:
        if name not in frames or not (suites_dir / f"{name}.json").exists():
            continue
        spec = load_suite(name, suites_dir)
        configs = [
            ExpectationConfiguration(type=item["type"], kwargs=_resolve(item["kwargs"], frames, params))
            for item in spec["expectations"]
        ]
        suite = gx.ExpectationSuite(name=f"{name}_suite", expectations=[c.to_domain_obj() for c in configs])
        result = _batch(context, name, frames[name]).validate(suite, result_format="SUMMARY")
        for item in result.results:
            config = item.expectation_config
            res = item.result or {}
            observed = res.get("observed_value")
            report.outcomes.append(
                ExpectationOutcome(
                    table=name,
                    expectation=config.type,
                    column=config.kwargs.get("column") or config.kwargs.get("column_A"),
                    success=bool(item.success),
                    unexpected_count=res.get("unexpected_count"),
                    sample=tuple(res.get("partial_unexpected_list") or ()),
                    observed=None if observed is None else str(observed),
                )
            )
    return report
