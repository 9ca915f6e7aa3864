"""The `eventledger` command line: run, serve, eval, query, runs, maintain, config.

Heavy imports (Prefect, spaCy, GX) happen inside the subcommand that needs
them, so `--help` and `query` answer at once. Every subcommand gets one
validated `Settings` (eventledger/settings.py), built before any work from
the config file, the environment and its flags; a bad setting ends the
command with one line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import shlex
import os
import signal
import sys
from pathlib import Path

from eventledger import __version__, signals

#: Exit status when another run holds the warehouse (EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
#: Exit status of a command line or a setting that cannot be used (as argparse's own errors).
EXIT_USAGE = 2
#: Settings that flags can set: setting -> (argparse dest, the flag as typed).
SETTING_FLAGS = {
    "warehouse": ("warehouse", "--warehouse"),
    "actors": ("actors", "--actors"),
    "lock_wait": ("wait", "--wait"),
    "keep_snapshots": ("keep_snapshots", "--keep-snapshots"),
    "verbosity": ("verbosity", "--quiet/--verbose"),
    "workers": ("workers", "--workers"),
    "runner": ("runner", "--runner"),
    "dask_address": ("dask_address", "--dask-address"),
    "export": ("export", "--export"),
    "inbox": ("inbox", "--inbox"),
    "schedule": ("cron", "--cron"),
    "maintenance_schedule": ("maintenance_cron", "--maintenance-cron"),
}
#: Files listed per group in the run summary; the rest are counted (all are in the run record).
LIST_LIMIT = 20

#: `query --format` choices: json is JSON Lines; json-array is the one array that json used to print.
QUERY_FORMATS = ("table", "csv", "json", "json-array")

EXAMPLE_SQL = (
    "SELECT date_start, event_code, source_name, target_name, trigger "
    "FROM events_flat ORDER BY date_start NULLS LAST LIMIT 10"
)


def _add_warehouse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        metavar="DIR",
        help="warehouse folder (default: the config file, $EVENTLEDGER_WAREHOUSE or ./data/warehouse)",
    )


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="settings file (default: $EVENTLEDGER_CONFIG, else ./eventledger.toml if it exists)",
    )


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const="quiet", default=None,
                       help="no progress and no summary: errors only, the exit status says the rest (setting verbosity)")
    group.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const="verbose",
                       help="Prefect's own log lines too, and the traceback of an unexpected error")


def _add_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export", default=None, metavar="run|maintain|never",
                        help="when DIR/events.duckdb and DIR/parquet/ are rewritten from the lake for tools that "
                             "cannot attach it: every run (costs as much as the warehouse), only by maintain, or "
                             "never (setting export; default: run)")


def _add_runner(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", default=None, metavar="N",
                        help="extraction processes, each with its own model (setting workers; default: the cores)")
    parser.add_argument("--runner", default=None, metavar="local|dask",
                        help="where extraction runs: this machine's worker processes, or a Dask cluster through "
                             "prefect-dask (setting runner; default: local)")
    parser.add_argument("--dask-address", default=None, metavar="ADDRESS",
                        help="with --runner dask: an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                             "(setting dask_address; default: a LocalCluster of --workers processes)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventledger",
        description="Turn narrative documents about international relations into an event warehouse "
        "(CAMEO events, canonical actors, date windows) in Parquet and DuckDB.",
        epilog="Examples:\n"
        "  eventledger run                               # the bundled sample into ./data/warehouse\n"
        "  eventledger run docs/ --warehouse /tmp/wh     # every .txt/.md file under docs/\n"
        "  eventledger eval --gold gold.jsonl --warehouse /tmp/wh --json\n"
        f"  eventledger query \"{EXAMPLE_SQL}\"",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"eventledger {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the pipeline flow and publish the warehouse",
        description="One run of the Prefect flow ingest -> segment -> extract -> validate -> publish. "
        "Exit status 0 means the run published; otherwise the previous warehouse is left untouched.",
        epilog="Example:\n  eventledger run ../shared/seeds --warehouse \"$(mktemp -d)\"",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: the bundled sample)")
    _add_warehouse(run)
    _add_config(run)
    run.add_argument(
        "--actors",
        action="append",
        type=Path,
        default=None,
        metavar="FILE",
        help="extra actor CSV (same columns as organizations.csv); repeatable; replaces $EVENTLEDGER_ACTORS "
        "(a path list) and the config file's list",
    )
    run.add_argument("--prune", action="store_true", help="drop published documents that are not among the inputs")
    run.add_argument("--allow-missing", action="store_true",
                     help="run even if some input paths do not exist (they are listed as missing in the summary); "
                          "without it such a run stops before it starts, with exit status 1")
    run.add_argument(
        "--reextract",
        action="store_true",
        help="extract every input document again, even those published unchanged by the same extractor",
    )
    run.add_argument(  # validated with the other settings, so that a bad value is reported like theirs
        "--wait",
        default=None,
        metavar="SECONDS",
        help="if another run holds the warehouse, wait this long for it, then give up with exit status 75 "
        "(setting lock_wait; default: $EVENTLEDGER_LOCK_WAIT or 5)",
    )
    run.add_argument(
        "--keep-snapshots",
        default=None,
        metavar="N",
        help="run snapshots of the lake that `maintain` keeps for --as-of "
        "(setting keep_snapshots; default: $EVENTLEDGER_KEEP_SNAPSHOTS or 3)",
    )
    _add_export(run)
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    _add_runner(run)
    _add_verbosity(run)

    serve = sub.add_parser(
        "serve",
        help="serve the pipeline as a Prefect deployment on a schedule, over an inbox folder",
        description="Creates (or updates) the Prefect deployment 'eventledger-run/NAME' and serves it: on each "
        "tick of the schedule a run reads the inbox folder and publishes what is new or changed. Needs a Prefect "
        "server (PREFECT_API_URL). Stopping serve (Ctrl-C, SIGTERM) pauses the schedule.",
        epilog="Examples:\n"
        "  prefect server start --host 127.0.0.1 --port 4200 &      # once, in another terminal\n"
        "  export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
        "  eventledger serve --inbox ./inbox --warehouse ./data/warehouse            # every 15 minutes\n"
        "  eventledger serve --cron '0 * * * *'                                      # hourly\n"
        "  prefect deployment run 'eventledger-run/inbox'                            # a run now",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_warehouse(serve)
    _add_config(serve)
    serve.add_argument("--inbox", type=Path, default=None, metavar="DIR",
                       help="the folder each scheduled run reads (setting inbox; default ./inbox)")
    serve.add_argument("--cron", default=None, metavar="EXPR",
                       help="cron schedule, 5 fields (setting schedule; default '*/15 * * * *')")
    serve.add_argument("--interval", type=float, default=None, metavar="SECONDS",
                       help="instead of --cron: a run every SECONDS (short schedules for trials and tests)")
    serve.add_argument("--maintenance-cron", default=None, metavar="EXPR",
                       help="cron schedule of eventledger maintain (setting maintenance_schedule; default '17 3 * * *')")
    serve.add_argument("--name", default="inbox", help="the deployment's name (default: inbox)")
    _add_runner(serve)
    _add_verbosity(serve)

    ev = sub.add_parser(
        "eval",
        help="score published events against a gold file",
        description="Scores the published events against a gold JSONL file by the rules of ANNOTATION.md.",
        epilog="Examples:\n  eventledger eval --gold ../shared/gold/seed.events.jsonl --warehouse /tmp/wh --json\n"
               "  eventledger eval --gold tests/dev_gold/tune/gold --warehouse /tmp/dev --errors\n"
               "  eventledger eval --dev            # both halves of the development set, in-process",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument("--gold", type=Path, metavar="PATH",
                    help="gold events: a JSON Lines file, or a folder of them (one per document)")
    ev.add_argument("--dev", nargs="?", const="tune,check", metavar="HALVES",
                    help="instead of a warehouse, extract the development set of this checkout in-process "
                         "and score each half (default: tune,check); needs no --gold")
    _add_warehouse(ev)
    _add_config(ev)
    ev.add_argument("--json", action="store_true", help="print one JSON object (with per-root figures)")
    _add_verbosity(ev)
    ev.add_argument("--errors", action="store_true", help="list every false positive, false negative and wrong attribute")
    ev.add_argument("--categories", action="store_true",
                    help="with --dev: count errors by kind (nominal events, agentless events, second events of a sentence, group actors, targets, dates, ...)")

    query = sub.add_parser(
        "query",
        help="run read-only SQL against the warehouse",
        description="Runs read-only SQL against DIR/events.duckdb and prints the result: the SQL as an argument, "
        "from a file (--file) or from standard input (SQL given as -). Table cells are printed whole unless "
        "--max-width cuts them.",
        epilog="Examples:\n"
        f"  eventledger query \"{EXAMPLE_SQL}\"\n"
        "  eventledger query --file report.sql --format csv > report.csv\n"
        "  echo 'SELECT count(*) FROM events' | eventledger query -\n"
        "  eventledger query \"SELECT * FROM pipeline_runs\" --format json | jq -r .status   # one object per line",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    query.add_argument("sql", nargs="?", default=None, metavar="SQL",
                       help="the query, or - to read it from standard input (tables: documents, sentences, "
                       "citations, actors, events, quarantine, pipeline_runs, input_files, validation_results; "
                       "view events_flat)")
    query.add_argument("--file", "-f", type=Path, default=None, metavar="PATH",
                       help="read the SQL from this file instead (- for standard input)")
    _add_warehouse(query)
    _add_config(query)
    query.add_argument("--format", choices=QUERY_FORMATS, default="table",
                       help="table (default), csv, json (JSON Lines: one object per row and line) "
                            "or json-array (one JSON array of objects)")
    query.add_argument("--max-width", type=_max_width, default=None, metavar="N",
                       help="with --format table: cut cells longer than N characters (default: cells are whole)")
    query.add_argument("--as-of", default=None, metavar="RUN_ID",
                       help="query the warehouse as a published run left it (its lake snapshot, while "
                            "keep_snapshots keeps it; `eventledger runs` lists run ids)")
    _add_verbosity(query)

    maintain = sub.add_parser(
        "maintain",
        help="compact the lake, expire snapshots past the retention, remove leftovers of killed runs",
        description="Holding the writers' lock: removes what killed runs left (and closes their records), "
        "rewrites data files with many deleted rows and merges small ones, expires the lake snapshots of all "
        "but the newest keep_snapshots runs, deletes data files no kept snapshot uses once they have been unused "
        "for a day, and writes the export when the export setting says so. eventledger serve runs this on its "
        "own schedule (setting maintenance_schedule).",
        epilog="Example:\n  eventledger maintain --warehouse /srv/wh --keep-snapshots 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_warehouse(maintain)
    _add_config(maintain)
    maintain.add_argument("--keep-snapshots", default=None, metavar="N",
                          help="run snapshots to keep for --as-of (setting keep_snapshots; default: 3)")
    _add_export(maintain)
    maintain.add_argument("--wait", default=None, metavar="SECONDS",
                          help="wait this long for a run holding the warehouse (setting lock_wait; default: 5)")
    _add_verbosity(maintain)

    config = sub.add_parser(
        "config",
        help="print the effective settings and where each came from",
        description="Prints every setting's effective value and its source: default, the config file, "
        "an EVENTLEDGER_* environment variable or a flag (precedence in that order, lowest first).",
        epilog="Example:\n  EVENTLEDGER_KEEP_SNAPSHOTS=5 eventledger config --config eventledger.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_config(config)
    _add_warehouse(config)
    config.add_argument("--json", action="store_true", help="print JSON: each setting's value and source")

    from eventledger.runs import DEFAULT_LIMIT, STATUSES  # imports nothing heavy

    runs = sub.add_parser(
        "runs",
        help="list recent runs: published, failed, busy, from the run records",
        description="Lists the most recent runs, newest first, from the run records in DIR/runs/: every run, "
        "including a failed one that is not in pipeline_runs yet (it gets there at the next publish). "
        "A run that found the warehouse busy (exit status 75) is shown as busy, not failed.",
        epilog="Examples:\n  eventledger runs --warehouse /tmp/wh\n"
               "  eventledger runs --status failed --limit 5\n"
               "  eventledger runs --json | jq -r 'select(.status != \"published\") | .message'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_warehouse(runs)
    _add_config(runs)
    runs.add_argument("--limit", type=_run_limit, default=DEFAULT_LIMIT, metavar="N",
                      help=f"show at most N runs, the newest (default: {DEFAULT_LIMIT}; 0 for all)")
    runs.add_argument("--status", choices=STATUSES, default=None,
                      help="only runs of this status (busy runs are not among the failed)")
    runs.add_argument("--json", action="store_true", help="print one JSON object per run and line (JSON Lines)")
    return parser


def _max_width(text: str) -> int:
    """`--max-width`: a whole number, 1 or more (argparse reports anything else as a usage error)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, got {text!r}")
    return int(text)


def _run_limit(text: str) -> int:
    """`--limit`: a whole number, 0 or more (argparse reports anything else as a usage error)."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, got {text!r}")
    return int(text)


def settings_from_args(args):
    """The validated settings of this command: its flags over the environment over the config file."""
    from eventledger.settings import load_settings

    flags = {name: getattr(args, dest, None) for name, (dest, _) in SETTING_FLAGS.items()}
    flag_names = {name: flag for name, (_, flag) in SETTING_FLAGS.items()}
    return load_settings(flags, flag_names, config=getattr(args, "config", None))


def cmd_run(args, settings) -> int:
    """Check the inputs, the model and the actor files (eventledger/preflight.py), take the warehouse
    lock (both fast, before Prefect starts), then run the flow holding it.

    A busy warehouse is found here, before Prefect starts: such a run gets a
    run record (exit status 75) but no flow run at all. (The flow's own
    Cancelled "Busy" state is for callers that start the flow directly.)
    """
    from eventledger.preflight import check_run
    from eventledger.resources import sample_dir
    from eventledger.warehouse import lock, runlog

    warehouse = settings.warehouse
    paths = [str(p) for p in args.paths] or [str(sample_dir())]  # in the package, so also found from a wheel
    check_run(args.paths, settings, allow_missing=args.allow_missing)  # a mistake costs a second, not a minute
    run_id = None
    try:
        with lock.hold(warehouse, wait=settings.lock_wait):
            # the id is taken holding the lock, so run ids sort in publish order
            run_id = runlog.new_run_id()
            lock.set_run_id(warehouse, run_id)
            from eventledger.flows.pipeline import flow_run_tags, run_flow  # heavy: Prefect, spaCy
            from eventledger.flows.server import prefect_api

            # the flow run is Completed, Failed or Cancelled in Prefect; the summary comes back either way
            with prefect_api():
                summary = run_flow(paths, settings, args.prune, run_id=run_id, reextract=args.reextract,
                                   run_tags=flow_run_tags("run", warehouse))
    except lock.WarehouseBusy as exc:
        # readers tell a busy run by its `reason`, not by its message
        record = _record_unstarted_run(settings, runlog.new_run_id(), runlog.FAILED, str(exc),
                                       reason=runlog.REASON_BUSY)
        print(f"eventledger: run not started: {exc}", file=sys.stderr)
        print(f"details: {record}", file=sys.stderr)
        return EXIT_BUSY
    except BaseException as exc:  # Ctrl-C or SIGTERM: the run closed its record; one line, 130 or 143
        from eventledger.flows.server import PrefectUnavailable

        if isinstance(exc, PrefectUnavailable):
            print(f"eventledger: run not started: {exc}", file=sys.stderr)
            return 1
        if signals.signal_of(exc) is None:
            raise
        from eventledger.warehouse.publish import is_current

        if run_id and is_current(warehouse, run_id):  # it came after the switch: the run is published
            print(f"eventledger: run {run_id} published; {signals.describe(exc)} came after its switch "
                  f"(details: {runlog.record_path(warehouse, run_id)})", file=sys.stderr)
            return 0
        where = ""
        if run_id:  # a run stopped before its flow began has no record yet: it gets one
            record = runlog.record_path(warehouse, run_id)
            if not record.exists():
                _record_unstarted_run(settings, run_id, runlog.INTERRUPTED,
                                      f"interrupted by {signals.describe(exc)}; nothing of this run was published")
            where = f" (details: {record})"
        print(f"eventledger: run {run_id or 'not started,'} interrupted by {signals.describe(exc)}; "
              f"nothing of it was published{where}", file=sys.stderr)
        return signals.exit_status(exc)
    if args.json:
        print(json.dumps({**summary.record(), "warehouse": str(warehouse)}, default=str, indent=2))
    elif settings.verbosity != "quiet":
        print(render_summary(summary, warehouse))
    if not summary.published:
        print(f"eventledger: run failed: {summary.message}", file=sys.stderr)
        docs = f" (validation page: {summary.data_docs})" if summary.data_docs else ""
        print(f"details: {summary.details}{docs}", file=sys.stderr)
        return 1
    return 0


def _record_unstarted_run(settings, run_id: str, status: str, message: str, **extra):
    """The record of a run that ended before its flow began (busy, or interrupted while starting)."""
    import datetime as dt

    from eventledger.warehouse import runlog

    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return runlog.write_record(settings.warehouse, {
        "run_id": run_id, "started_at": now, "finished_at": now, "status": status, "message": message,
        "pid": os.getpid(), "warehouse": str(settings.warehouse), "files": [], "validation": [],
        "settings": settings.values(), "settings_sources": settings.sources(), **extra,
    })


def cmd_serve(args, settings) -> int:
    """Serve the deployment until Ctrl-C or SIGTERM; refuse at once, in one line, without a Prefect server."""
    from eventledger.flows.server import START_SERVER_HINT, PrefectUnavailable, check_reachable, configured_api_url

    if args.interval is not None and args.interval <= 0:
        print(f"eventledger: --interval must be a positive number of seconds, got {args.interval:g}", file=sys.stderr)
        return EXIT_USAGE
    api_url = configured_api_url()
    if not api_url:
        print("eventledger: serve needs a Prefect server that keeps the schedule, and PREFECT_API_URL is not set; "
              f"start one with: {START_SERVER_HINT}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_reachable(api_url, own_server_hint=False)
    except PrefectUnavailable as exc:
        print(f"eventledger: {exc}", file=sys.stderr)
        return 1
    if not settings.inbox.is_dir():
        if settings.inbox.exists():
            print(f"eventledger: the inbox {settings.inbox} is not a folder", file=sys.stderr)
            return EXIT_USAGE
        settings.inbox.mkdir(parents=True)
        print(f"created the inbox folder {settings.inbox}", file=sys.stderr)

    from eventledger.flows.serving import Schedule, serve

    schedule = Schedule(cron=settings.schedule, interval=args.interval)
    say = (lambda line: None) if settings.verbosity == "quiet" else (lambda line: print(line, file=sys.stderr))
    try:
        terminated = serve(settings, args.name, schedule, announce=say)
    except BaseException as exc:  # Ctrl-C: the runner has stopped and paused the schedule
        if signals.signal_of(exc) is None:
            raise
        return _serve_stopped(signals.describe(exc), signals.exit_status(exc))
    if terminated:  # SIGTERM, handled by Prefect's runner
        return _serve_stopped("SIGTERM", signals.EXIT_STATUS[signal.SIGTERM])
    return 0


def _serve_stopped(by: str, status: int) -> int:
    print(f"eventledger: serve stopped by {by}; its schedule is paused until the next eventledger serve",
          file=sys.stderr)
    return status


def cmd_maintain(args, settings) -> int:
    """Tidy the warehouse now; busy is exit status 75, as for a run."""
    from eventledger.warehouse import lock
    from eventledger.warehouse.maintenance import maintain

    try:
        report = maintain(settings.warehouse, keep=settings.keep_snapshots, wait=settings.lock_wait,
                          export=settings.export)
    except lock.WarehouseBusy as exc:
        print(f"eventledger: maintain not started: {exc}", file=sys.stderr)
        return EXIT_BUSY
    if settings.verbosity != "quiet":
        print(f"maintain {settings.warehouse}: {report.describe()}")
    return 0


def _listing(title: str, items: list[str], details) -> list[str]:
    if not items:
        return []
    lines = [f"    {title}:"]
    lines += [f"      - {item}" for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(f"      … and {len(items) - LIST_LIMIT} more (all in {details})")
    return lines


def render_summary(summary, warehouse: Path) -> str:
    """A short, readable account of the run, however many files it read."""
    lines = [f"run {summary.run_id}: {summary.status}"]
    if summary.recovered:
        lines.append(f"  recovered : {summary.recovered}")
    files = summary.files
    skipped = [f for f in files if f.outcome == "skipped"]
    published = len(files) - len(skipped)
    lines.append(
        f"  files     : {len(files)} read: {published} document(s) "
        f"({summary.n_extracted} extracted, {summary.n_reused} unchanged), {len(skipped)} skipped"
    )
    lines += _listing("skipped", [f"{f.path}: {f.status} ({f.reason})" for f in skipped], summary.details)
    lines += _listing("with a note", [f"{f.path}: {f.status} ({f.note})" for f in files
                                      if f.outcome == "extracted" and f.note], summary.details)
    lines.append(f"  documents : {summary.n_documents}")
    lines.append(f"  sentences : {summary.n_sentences}")
    lines.append(f"  events    : {summary.n_events}")
    if summary.n_quarantined:
        rules = ", ".join(f"{rule} {n}" for rule, n in summary.quarantine_by_rule.items())
        lines.append(f"  quarantine: {summary.n_quarantined} row(s) held back ({rules})")
    if summary.validation is not None and summary.validation.skipped:
        lines.append(f"  validation: {summary.validation.summary()}")
    elif summary.validation is not None:
        verdict = "passed" if summary.validation.success else "FAILED"
        lines.append(f"  validation: {verdict} ({summary.validation.summary().splitlines()[0]})")
    if summary.data_docs:
        lines.append(f"  checks    : {summary.data_docs} (the validation page: every expectation, passed or failed)")
    if summary.published:
        lines.append(f"  warehouse : {warehouse / 'lake.json'} (the lake: attach it read-only, README \"Reading\")")
        if (warehouse / "report.html").is_file():
            lines.append(f"  report    : {warehouse / 'report.html'} (open it in a browser; it needs no network)")
        if (warehouse / "current").is_symlink():
            lines.append(f"  export    : {warehouse / 'events.duckdb'}")
            lines.append(f"              {warehouse / 'parquet'}/<table>/")
        lines.append("  try       : eventledger query "
                     f"\"{EXAMPLE_SQL}\" --warehouse {shlex.quote(str(warehouse))}")
    return "\n".join(lines)


def cmd_eval(args, settings) -> int:
    from eventledger.evaluate import SystemEvent, load_gold, require_gold_documents, score
    from eventledger.warehouse.query import fetch

    if args.dev:
        return _eval_dev(args, settings.spacy_model)
    if args.gold is None:
        print("eventledger: eval needs --gold PATH (or --dev for the development set)", file=sys.stderr)
        return 2
    warehouse = settings.warehouse
    gold = load_gold(args.gold)
    _, sentence_rows = fetch(
        warehouse,
        "SELECT d.name, s.text FROM sentences s JOIN documents d USING (document_id) ORDER BY d.name, s.ordinal",
    )
    sentences: dict[str, list[str]] = {}
    for name, text in sentence_rows:
        sentences.setdefault(name, []).append(text)
    require_gold_documents(gold, sentences, warehouse)
    _, event_rows = fetch(
        warehouse,
        "SELECT document_name, sentence_text, event_root_code, source_name, target_name, date_start, event_id, event_code "
        "FROM events_flat ORDER BY event_id",
    )
    system = [SystemEvent(*row) for row in event_rows]
    return _print_scores(score(gold, system, sentences), args)


def _eval_dev(args, model: str | None) -> int:
    from eventledger.devscore import DEV_SET, HALVES, score_dev_set

    halves = [h.strip() for h in args.dev.split(",") if h.strip()]
    unknown = [h for h in halves if h not in HALVES]
    if unknown or not (DEV_SET / "tune").is_dir():
        print(f"eventledger: --dev takes halves of {DEV_SET} ({', '.join(HALVES)}); "
              "it works in a checkout of the repository", file=sys.stderr)
        return 2
    results = score_dev_set(halves, categories=args.categories, model=model)
    if args.json:
        print(json.dumps({name: {**r["scores"].report(), "categories": [vars(c) for c in r["categories"]]}
                          for name, r in results.items()}, indent=2, default=str))
        return 0
    for name, result in results.items():
        print(f"{name}: " + " ".join(f"{k}={v}" for k, v in result["scores"].figures().items()))
        for row in result["categories"]:
            out_of = f" of {row.of}" if row.of is not None else ""
            print(f"  {row.category:<20} {row.count:>4}{out_of:<9} {row.how}")
        if args.errors and name != "check":  # the check half is closed: figures only
            for err in result["scores"].errors:
                print("  " + json.dumps(err, default=str, ensure_ascii=False))
    return 0


def _print_scores(result, args) -> int:
    report = result.report()
    if args.errors:
        report["errors"] = result.errors
        report["warnings"] = result.warnings
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        figures = result.figures()
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
        for root, c in report["per_root"].items():
            print(f"  root {root}: tp={c['tp']} fp={c['fp']} fn={c['fn']} f1={c['f1']}")
        if args.errors:
            for err in result.errors:
                print("  " + json.dumps(err, default=str, ensure_ascii=False))
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_query(args, settings) -> int:
    import duckdb

    from eventledger.warehouse.query import check_sql, fetch

    sql = query_text(args)
    check_sql(sql)
    try:
        columns, rows = fetch(settings.warehouse, sql, as_of=args.as_of)
    except duckdb.Error as exc:
        reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        print(f"eventledger: query failed: {reason}", file=sys.stderr)  # one line: DuckDB adds the SQL and a caret
        return 1
    print_rows(columns, rows, args.format, args.max_width)
    return 0


def query_text(args) -> str:
    """The SQL of `query`: the argument, a file (--file) or standard input (`-` as either).

    Exactly one source: both or neither is a usage mistake (exit 2), said in
    one line, as is a file that cannot be read. Long reports live in files,
    and scripts pipe SQL in; quoting a long query in a shell was the only way.
    """
    from eventledger.errors import UserError

    if args.sql is not None and args.file is not None:
        raise UserError("give the SQL once: as an argument or with --file, not both", EXIT_USAGE)
    if args.file is None and args.sql is None:
        raise UserError('give the SQL: eventledger query "SELECT ...", --file PATH, or - to read standard input',
                        EXIT_USAGE)
    source = str(args.file) if args.file is not None else args.sql
    if source == "-":
        return sys.stdin.read()
    if args.file is None:
        return args.sql
    try:
        return args.file.read_text(encoding="utf-8-sig")  # a BOM from a Windows editor is not SQL
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(f"cannot read the SQL file {args.file}: {why}", EXIT_USAGE) from None


def print_rows(columns: list[str], rows: list[tuple], fmt: str, max_width: int | None) -> None:
    """Write a query's result to standard output in the chosen format.

    json is JSON Lines (one object per row and line): it streams into `jq`
    and line tools, where one pretty-printed array had to be read whole.
    Values JSON cannot hold (dates, decimals) are written as text, as before.
    """
    if fmt == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False) + "\n")
    elif fmt == "json-array":
        print(json.dumps([dict(zip(columns, r)) for r in rows], default=str, indent=2))
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from eventledger.warehouse.query import format_table

        print(format_table(columns, rows, max_width=max_width))


def _shown_value(name: str, value) -> str:
    """A setting's value for the table: lists joined, the model `spacy_model` falls back to named."""
    if name == "spacy_model" and value is None:
        from eventledger.transforms.nlp import ModelNotFound, choose_model

        try:
            return f"(none: the installed default, {choose_model()})"
        except ModelNotFound:
            return "(none, and no default model is installed)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "(none)"
    return "(none)" if value is None else str(value)


def render_settings(settings) -> str:
    """The effective settings as an aligned table: setting, value, source."""
    rows = [("setting", "value", "source")]
    rows += [(name, _shown_value(name, value), settings.source(name)) for name, value in settings.values().items()]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.append(f"config file: {settings.config_file or '(none)'}")
    return "\n".join(lines)


def cmd_config(args, settings) -> int:
    if args.json:
        print(json.dumps({
            "config_file": settings.config_file,
            "settings": {name: {"value": value, "source": settings.source(name)}
                         for name, value in settings.values().items()},
        }, indent=2))
    else:
        print(render_settings(settings))
    return 0


def cmd_runs(args, settings) -> int:
    """List recent runs from the records; an empty list is not an error, a missing warehouse folder is."""
    from eventledger.runs import recent_runs, render_json_lines, render_table
    from eventledger.warehouse import runlog

    warehouse = settings.warehouse
    if not warehouse.is_dir():
        problem = "is not a folder" if warehouse.exists() else "does not exist"
        print(f"eventledger: warehouse {warehouse} {problem}", file=sys.stderr)
        return 1
    records = runlog.read_records(warehouse)
    if not records:
        print(f"no runs recorded in {warehouse}", file=sys.stderr)
        return 0
    matching = recent_runs(records, status=args.status, limit=None)
    if not matching:
        print(f"no {args.status} runs among the {len(records)} recorded in {warehouse}", file=sys.stderr)
        return 0
    shown = matching[:args.limit] if args.limit else matching
    print(render_json_lines(shown) if args.json else render_table(shown))
    if len(shown) < len(matching):  # on stderr, so that the output stays one row per run
        print(f"({len(matching) - len(shown)} older not shown; --limit 0 shows all)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    from eventledger.errors import as_user_error
    from eventledger.settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    handlers = {"run": cmd_run, "eval": cmd_eval, "query": cmd_query, "config": cmd_config, "runs": cmd_runs,
                "serve": cmd_serve, "maintain": cmd_maintain}
    signals.raise_on_sigterm()  # SIGTERM ends a command as cleanly as Ctrl-C does
    try:
        settings = settings_from_args(args)
    except SettingsError as exc:  # before any work: one line per bad value, no traceback
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    verbose = settings.verbosity == "verbose"
    from eventledger.flows import runtime  # before any command imports Prefect

    runtime.configure(verbose=verbose)
    try:
        return handlers[args.command](args, settings)
    except KeyboardInterrupt as exc:
        print(f"eventledger: interrupted by {signals.describe(exc)}", file=sys.stderr)
        return signals.exit_status(exc)
    except BrokenPipeError:
        # the reader went away (`eventledger query ... | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a readable one-line error; the traceback on request
        problem = as_user_error(exc)
        if problem is not None:  # the user can fix it: one line saying what to do (eventledger/errors.py)
            print(f"eventledger: {problem}", file=sys.stderr)
            return problem.status
        if verbose or os.environ.get("EVENTLEDGER_DEBUG"):
            raise
        print(f"eventledger: {type(exc).__name__}: {exc} (--verbose shows the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
