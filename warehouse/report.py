"""The run report: what the warehouse holds after a run, as one HTML page people open from the folder.

    DIR/report.html                the report of the run published last (replaced by one rename)
    DIR/reports/<run_id>.html      one per run, kept for as many runs as `keep_snapshots`

Why: the warehouse is SQL, and the first question after a run ("what is in
there now, and did it pass?") should not need any. The report shows the
events per month (or year) and QuadClass, the top dyads, the event places,
the latest events with their sentence and a link to their document, and the
run's validation per table, linking to its validation page
(`DIR/data_docs/<run_id>/index.html`, expectations/runner.py).

This module reads the lake (the `dyads` analyst view and its own SELECTs on the tables, through the
connection `warehouse/lake.py` gives) and writes the files; the markup is
`warehouse/report_html.py`'s, pure. A run writes its report after its commit
(`warehouse.publish.publish`), like the export: the report is a view of a
published run, and failing to write it never unpublishes the run (the
caller reports the error in one line). A run that publishes nothing writes
no report.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from eventledger.transforms import contract
from eventledger.warehouse import lake, runlog
from eventledger.warehouse import report_html as render
from eventledger.warehouse.export import TMP_SUFFIX, WarehousePaths

REPORT_NAME = "report.html"
REPORTS_DIR = "reports"
LATEST_DOCS = "latest"
TOP_DYADS = 10
TOP_PLACES = 20
LATEST_EVENTS = 20
#: The latest events first; ties by document, sentence and event id (a sentence id holds its ordinal).
LATEST_ORDER = ("date_start DESC NULLS LAST", "date_end DESC NULLS LAST", "document_id", "sentence_id", "event_id")


def latest_order(table: str = "") -> str:
    """`LATEST_ORDER` as an ORDER BY list, its columns prefixed with `table` ("e.")."""
    return ", ".join(table + key for key in LATEST_ORDER)


@dataclass(frozen=True)
class RunValidation:
    """What the run's validation found: rows like `validation_results` (table_name, success, ...), or why none."""

    outcomes: tuple[dict, ...] = ()
    skipped: str | None = None


def report_path(root: Path) -> Path:
    return Path(root) / REPORT_NAME


def reports_dir(root: Path) -> Path:
    return Path(root) / REPORTS_DIR


# -- reading the lake ---------------------------------------------------------------------------------


def _present(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns the lake's table has (an older lake may lack columns added to the contract since)."""
    return {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?", [table]).fetchall()}


def place_columns(present: set[str]) -> list[str]:
    """The contract's place columns of `events` (location_*, latitude, longitude) that the lake has."""
    declared = [c.name for c in contract.load()["events"].columns
                if c.name.startswith("location") or c.name in ("latitude", "longitude")]
    return [c for c in declared if c in present]


def _date(start: dt.date | None, end: dt.date | None, precision: str | None) -> str:
    """An event's date window as people write it: 2014-07-23, 2006-03, 1990, 1990s, 1990-01-01 – 2010-05-31."""
    if start is None:
        return "undated"
    if precision == "month":
        return start.strftime("%Y-%m")
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "decade":
        return f"{start.year:04d}s"
    if end is not None and end != start:
        return f"{start.isoformat()} \u2013 {end.isoformat()}"
    return start.isoformat()


def read_report_data(con: duckdb.DuckDBPyConnection, run_id: str, validation: RunValidation | None = None,
                     validation_href: str | None = None, generated_at: str | None = None) -> render.ReportData:
    """Everything the report shows, by a few aggregate SELECTs (bounded output)."""
    events = _present(con, "events")

    def col(name: str, alias: str = "e") -> str:
        return f"{alias}.{name}" if name in events else "NULL"

    (n_docs,), (n_sentences,), (n_events,), (n_actors,) = (
        con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("documents", "sentences", "events", "actors"))
    (n_dyads,) = con.execute("SELECT count(*) FROM dyads").fetchone()  # the analyst view (sql/analyst_views.sql)
    figures = {"documents": n_docs, "sentences": n_sentences, "events": n_events, "actors": n_actors,
               "dyads": n_dyads}

    timeline = render.timeline_bins(con.execute(
        "SELECT strftime(date_start, '%Y-%m'), strftime(coalesce(date_end, date_start), '%Y-%m'), quad_class, "
        "count(*) FROM events GROUP BY ALL").fetchall())

    dyads = [render.Dyad(s, t, n, g) for s, t, n, g in con.execute(
        "SELECT coalesce(source_name, source_actor_id), coalesce(target_name, target_actor_id), n_events, "
        f"mean_goldstein FROM dyads ORDER BY 3 DESC, 1, 2 LIMIT {TOP_DYADS}").fetchall()]

    places_cols = place_columns(events)
    places = []
    if places_cols:
        listed = ", ".join(places_cols)
        any_place = " OR ".join(f"{c} IS NOT NULL" for c in places_cols)
        places = con.execute(f"SELECT {listed}, count(*) AS n FROM events WHERE {any_place} "
                             f"GROUP BY ALL ORDER BY n DESC, {listed} LIMIT {TOP_PLACES}").fetchall()

    latest = [
        render.EventRow(_date(start, end, precision), code, label, quad, source, target, trigger, text, doc, uri)
        for start, end, precision, code, label, quad, source, target, trigger, text, doc, uri in con.execute(
            f"SELECT e.date_start, e.date_end, e.date_precision, e.event_code, {col('event_label')}, e.quad_class, "
            "src.name, tgt.name, e.trigger, s.text, d.name, d.source_uri "
            f"FROM (SELECT * FROM events ORDER BY {latest_order()} LIMIT {LATEST_EVENTS}) e "  # joins 20 rows, not all
            "LEFT JOIN documents d ON d.document_id = e.document_id "
            "LEFT JOIN sentences s ON s.sentence_id = e.sentence_id "
            "LEFT JOIN actors src ON src.actor_id = e.source_actor_id "
            "LEFT JOIN actors tgt ON tgt.actor_id = e.target_actor_id "
            f"ORDER BY {latest_order('e.')}").fetchall()
    ]

    validation = validation or RunValidation()
    return render.ReportData(
        run_id=run_id,
        generated_at=generated_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        figures=figures, timeline=timeline, dyads=dyads, place_columns=places_cols, places=places,
        latest=latest, validation=render.summarise_outcomes(validation.outcomes),
        validation_skipped=validation.skipped, validation_href=validation_href,
    )


# -- writing the files ---------------------------------------------------------------------------------


def _replace(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, then one rename."""
    tmp = path.with_name(f".{path.name}{TMP_SUFFIX}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _validation_href(paths: WarehousePaths, run_id: str) -> tuple[str | None, str | None]:
    """The run's validation page relative to DIR (or the latest one, for a run that validated nothing)."""
    for name in (run_id, LATEST_DOCS):
        if (paths.data_docs / name / "index.html").is_file():
            return f"{paths.data_docs.name}/{name}/index.html", name
    return None, None


def prune_reports(root: Path, keep: int, current: str | None) -> None:
    """Keep the reports of the newest `keep` runs (run ids sort by time), always `current`'s; drop leftovers."""
    folder = reports_dir(root)
    if not folder.is_dir():
        return
    for leftover in folder.glob(f".*.html{TMP_SUFFIX}"):  # `_replace`'s `.<run_id>.html.tmp`
        if runlog.is_run_id(leftover.name[1:-len(f".html{TMP_SUFFIX}")]):
            leftover.unlink(missing_ok=True)
    kept = sorted(p for p in folder.glob("*.html") if runlog.is_run_id(p.stem))  # ours only
    for old in kept[: max(0, len(kept) - max(keep, 1))]:
        if old.stem != current:
            old.unlink(missing_ok=True)


def write_report(root: Path, run_id: str, validation: RunValidation | None = None, keep: int = 3,
                 con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Write `DIR/reports/<run_id>.html` and `DIR/report.html` for the lake's current state; prune old reports.

    `con`: a connection to the lake, when the caller has one (a run has its
    writer's, after the commit); otherwise the lake is attached read-only.
    Returns the path of `DIR/report.html`.
    """
    root = Path(root)
    paths = WarehousePaths(root)
    href, _ = _validation_href(paths, run_id)
    own = con is None
    con = lake.open_lake(root) if own else con
    try:
        data = read_report_data(con, run_id, validation, href)
    finally:
        if own:
            con.close()
    folder = reports_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    _replace(folder / f"{run_id}.html", render.render_report(_relinked(data, "../")))
    _replace(report_path(root), render.render_report(data))
    prune_reports(root, keep, run_id)
    return report_path(root)


def _relinked(data: render.ReportData, prefix: str) -> render.ReportData:
    """The same data for a page one folder down (`DIR/reports/`): its relative links start with `../`."""
    if not data.validation_href:
        return data
    return render.ReportData(**{**data.__dict__, "validation_href": prefix + data.validation_href})


def outcomes_of(records: Sequence[dict]) -> tuple[dict, ...]:
    """`validation_results`-like rows, as `RunValidation.outcomes` wants them (a copy the report may keep)."""
    return tuple({"table_name": r.get("table_name"), "expectation": r.get("expectation"),
                  "success": bool(r.get("success"))} for r in records)
