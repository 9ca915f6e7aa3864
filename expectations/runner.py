"""Validate tables as GX checkpoints: the contract's basic expectations plus the suites' business rules.

Each table gets the expectations its columns' declarations imply
(`expectations/basic.py`, from `transforms/contract.toml`: exact columns, not
null, unique keys, allowed values, foreign keys) followed by its suite in
`expectations/suites/`, if it has one: JSON files that name GX 1.x
expectation types and their arguments, for the business rules. Two
placeholders keep them declarative while depending on the run:
`{"$ref": "<table>.<column>"}` (the values of another table's column: foreign
keys) and `{"$param": "<name>"}` (a figure from the run, such as the number of
input sentences, or a date bound). Before GX runs, each table's Arrow column
types are compared with the contract (an outcome named `contract_column_types`,
kept and shown with the others), since GX sees only the pandas objects.
Frames are validated before anything is loaded: GX 1.24 cannot validate
DuckDB tables through SQLAlchemy.

Each table runs as a GX Checkpoint (one validation definition, the table's
suite). The results come back as a ValidationReport whose rows become the
`validation_results` table, and, when a folder is given, its validation page
`index.html` is written there: every expectation of every suite with its
arguments, a pass/fail mark and what GX observed (warehouse/report_html.py).
Not GX's Data Docs: they load their CSS and scripts from CDNs, so they were
unusable offline, and cost about 5 MB and seconds per run. A fresh ephemeral
context per call keeps one run's results from mixing with another's in a
long-lived process; creating one costs about 10 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from eventledger.expectations.basic import basic_expectations, column_type_mismatches
from eventledger.transforms import contract
from eventledger.transforms.quality import MIN_EVENT_DATE, max_event_date
from eventledger.transforms.schemas import ALL_TABLES

SUITES_DIR = Path(__file__).parent / "suites"
PAGE_NAME = "index.html"
#: The outcome of the runner's own check of Arrow column types against the contract (not a GX expectation).
CONTRACT_TYPES = "contract_column_types"
_DETAIL_SAMPLE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    table: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None = None
    sample: tuple = ()
    observed: str | None = None
    exception: str | None = None
    #: The expectation's arguments as GX ran it (placeholders resolved), for the validation page only.
    arguments: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    element_count: int | None = None
    unexpected_percent: float | None = None

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        detail = ""
        if self.exception:
            detail = f": raised {self.exception}"
        elif self.unexpected_count:
            detail = f": {self.unexpected_count} unexpected, e.g. {list(self.sample)[:3]}"
        elif self.observed is not None:
            detail = f": observed {self.observed}"
        return f"{self.expectation} on {where}{detail}"

    def page_row(self) -> dict:
        """What the validation page shows of this outcome (warehouse/report_html.validation_page)."""
        return {"table": self.table, "expectation": self.expectation, "column": self.column,
                "success": self.success, "arguments": self.arguments, "observed": self.observed,
                "unexpected_count": self.unexpected_count, "unexpected_percent": self.unexpected_percent,
                "element_count": self.element_count, "sample": list(self.sample), "exception": self.exception}

    def record(self) -> dict:
        """One row of `validation_results` (without the run id)."""
        details = {"sample": list(self.sample)[:_DETAIL_SAMPLE], "observed": self.observed}
        if self.exception:
            details["exception"] = self.exception
        return {
            "table_name": self.table,
            "expectation": self.expectation,
            "column_name": self.column,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "details": json.dumps(details, default=str, ensure_ascii=False),
        }


@dataclass
class ValidationReport:
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    #: The folder of this validation's page (`index.html`), when one was written.
    data_docs: Path | None = None
    #: Why nothing was validated (a run with no new rows), or None.
    skipped: str | None = None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        if self.skipped:
            return f"skipped ({self.skipped})"
        n_fail = len(self.failures)
        if not n_fail:
            return f"{len(self.outcomes)} expectations passed"
        lines = [f"{n_fail} of {len(self.outcomes)} expectations failed:"]
        lines += [f"  - {o.describe()}" for o in self.failures]
        return "\n".join(lines)

    def records(self) -> list[dict]:
        return [o.record() for o in self.outcomes]


def default_params(today: dt.date | None = None) -> dict:
    """Parameters every run supplies: the accepted event date range."""
    return {"min_event_date": MIN_EVENT_DATE, "max_event_date": max_event_date(today)}


def load_suite(table: str, suites_dir: Path = SUITES_DIR) -> dict:
    with (suites_dir / f"{table}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def table_expectations(table: str, suites_dir: Path = SUITES_DIR) -> tuple[list[dict], str]:
    """A table's expectations (the contract's basic ones, then its suite's) and its description.

    The description is the contract's, followed by the suite's own, which
    explains its rules where they need it.
    """
    declared = contract.load().get(table)
    items = basic_expectations(declared) if declared is not None else []
    notes = [declared.description] if declared is not None else []
    if (suites_dir / f"{table}.json").exists():
        spec = load_suite(table, suites_dir)
        items = items + list(spec["expectations"])
        notes.append(spec.get("description") or "")
    return items, " ".join(note for note in notes if note)


def _type_outcome(name: str, table: pa.Table) -> ExpectationOutcome:
    mismatches = column_type_mismatches(name, table)
    return ExpectationOutcome(
        table=name, expectation=CONTRACT_TYPES, column=None, success=not mismatches,
        unexpected_count=len(mismatches), sample=tuple(mismatches),
        arguments={"checked": "Arrow type of every column against transforms/contract.toml"},
        element_count=table.num_columns,
    )


def _resolve(value, tables: dict[str, pd.DataFrame], params: dict):
    """Replace the placeholders of a suite file with this run's values."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
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


def _quiet_gx_loggers() -> None:
    # GX pins some of its module loggers to INFO (e.g. "created temporary
    # directory for docs site"); keep its warnings and errors, drop the chatter.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


def _context():
    """A fresh ephemeral GX context: analytics and progress bars off, no Data Docs site."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx_loggers()
    context = gx.get_context(mode="ephemeral")
    _quiet_gx_loggers()
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.analytics_enabled = False
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)  # the default site would render into /tmp
    return context


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas with Python dates and None for nulls, as GX expects."""
    frame = table.to_pandas(date_as_object=True)
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


def _checkpoint(context, name: str, suite):
    """A checkpoint validating the dataframe passed at run time against `suite`."""
    import great_expectations as gx

    source = context.data_sources.add_pandas(f"{name}_frames")
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    return context.checkpoints.add(
        gx.Checkpoint(name=f"eventledger_{name}", validation_definitions=[definition], actions=[],
                      result_format="SUMMARY")
    )


def _outcomes(table: str, result) -> list[ExpectationOutcome]:
    outcomes = []
    for validation in result.run_results.values():
        for item in validation.results:
            config = item.expectation_config
            res = item.result or {}
            observed = res.get("observed_value")
            info = item.exception_info or {}
            raised = info.get("raised_exception") if isinstance(info, dict) else False
            percent = res.get("unexpected_percent")
            outcomes.append(
                ExpectationOutcome(
                    table=table,
                    expectation=config.type,
                    column=config.kwargs.get("column") or config.kwargs.get("column_A")
                    or (",".join(config.kwargs["column_list"]) if config.kwargs.get("column_list") else None),
                    success=bool(item.success),
                    unexpected_count=res.get("unexpected_count"),
                    sample=tuple(res.get("partial_unexpected_list") or ()),
                    observed=None if observed is None else str(observed),
                    exception=(info.get("exception_message") or "exception") if raised else None,
                    arguments={k: v for k, v in dict(config.kwargs).items() if k != "batch_id"},
                    element_count=res.get("element_count"),
                    unexpected_percent=None if percent is None else float(percent),
                )
            )
    return outcomes


def validate_tables(
    tables: dict[str, pa.Table],
    params: dict | None = None,
    suites_dir: Path = SUITES_DIR,
    data_docs_dir: Path | None = None,
    run_name: str | None = None,
) -> ValidationReport:
    """Run one checkpoint per table of the contract (or with a suite); the report lists each expectation's outcome.

    With `data_docs_dir`, this validation's page is written there as `index.html` (`write_page`).
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    params = {**default_params(), **(params or {})}
    frames = {name: to_frame(table) for name, table in tables.items()}
    context = _context()
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.timezone.utc))
    report = ValidationReport()
    order = [*ALL_TABLES, *sorted(set(frames) - set(ALL_TABLES))]
    for name in order:
        if name not in frames:
            continue
        items, description = table_expectations(name, suites_dir)
        if not items:
            continue
        if name in contract.load():
            report.outcomes.append(_type_outcome(name, tables[name]))
        configs = [
            ExpectationConfiguration(type=item["type"], kwargs=_resolve(item["kwargs"], frames, params))
            for item in items
        ]
        suite = gx.ExpectationSuite(
            name=f"{name}_suite", expectations=[c.to_domain_obj() for c in configs],
            meta={"description": description},
        )
        result = _checkpoint(context, name, suite).run(batch_parameters={"dataframe": frames[name]}, run_id=run_id)
        report.outcomes.extend(_outcomes(name, result))
    if data_docs_dir is not None:
        report.data_docs = write_page(report, Path(data_docs_dir), run_name)
    return report


def write_page(report: ValidationReport, folder: Path, run_name: str | None = None) -> Path:
    """The validation page of `report`: `folder/index.html`, self-contained (no network); returns `folder`."""
    from eventledger.warehouse import report_html

    folder.mkdir(parents=True, exist_ok=True)
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    html = report_html.validation_page(run_name or "", [o.page_row() for o in report.outcomes], generated)
    (folder / PAGE_NAME).write_text(html, encoding="utf-8")
    return folder
