"""Storage-only benchmark of the DuckLake warehouse: no spaCy, no Prefect, no validation.

It builds a warehouse of N synthetic events (documents, sentences, citations,
events, actors, quarantine rows; schema-valid, deterministic from `--seed`,
50 events and 25 sentences per document) through `warehouse.publish.publish`
in chunks, then measures what a run costs the storage layer at that size:

1. `build`: the chunked publishes, then one `maintain` (compaction) so that
   the measured runs meet a tidy warehouse, as `serve` keeps it;
2. `new_docs`: a run that adds 10 new documents; `changed_docs`: a run that
   re-publishes 10 documents with new content at the same paths;
3. `no_change`: a run that finds every document unchanged (no new rows, every
   document seen and "relocated" to its own path, as flows/pipeline.py calls
   publish), killed after `--no-change-timeout`; `no_change_without_relocations`
   (the same with no relocation) and `no_change_relocating_sample` (with
   `--relocation-sample` relocations), from which `no_change_estimate`
   extrapolates the full run; `new_docs_after_full_runs`: `new_docs` again,
   once the no-change runs have left their run records behind;
4. `query`: a grouped aggregate over `events_flat` through `warehouse.query.fetch`
   (and the same aggregate on `events` alone, for comparison);
5. `reader`: two reader processes whose one long query each runs through a
   publish (commit included) in another process and a `maintain(keep=1,
   grace_minutes=0)` that expires their snapshot and deletes its files;
   `stream` reads `events` throughout its query, `late` only at its end.
   If a query fails, the same again with the default grace.

Every measured run happens in a child process of its own, so that its peak
RSS (VmHWM) is that run's, not the build's. A run's storage work is what the
pipeline asks of the warehouse for it: `published_documents` (what is
published), `reused_rows` (counts of the documents found unchanged) and
`publish(..., export="never")`; each child also reports a profile of
publish (seconds per storage function, per SQL statement; the product's
functions are wrapped for the run, not changed).

    .venv/bin/python -m benchmarks.storage --events 100000
    .venv/bin/python -m benchmarks.storage --events 10000000 --no-change-timeout 300 --json /tmp/storage-10m.json

`--keep DIR` builds into DIR/wh and leaves it; `--keep DIR --reuse` measures an
existing benchmark warehouse again without rebuilding it; `--only STEPS`
measures some steps only. Progress goes to stderr, the figures (JSON) to stdout.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import warnings
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from eventledger.transforms import ids, schemas
from eventledger.transforms.cameo import DEFAULT_PATH as CAMEO_CSV
from eventledger.warehouse import lake, runlog
from eventledger.warehouse import maintenance as wmaint
from eventledger.warehouse import publish as wh
from eventledger.warehouse import query as wquery

REPO = Path(__file__).resolve().parent.parent
EVENTS_PER_DOC = 50
SENTENCES_PER_DOC = 25  # two events per sentence
N_ACTORS = 3000
FINGERPRINT = "benchmark-extractor-1"
MARKER = "benchmark.json"
BASE_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc
AGGREGATE_SQL = ("SELECT event_root_code, quad_class, count(*) AS n, avg(goldstein) AS mean_goldstein "
                 "FROM events_flat GROUP BY event_root_code, quad_class ORDER BY event_root_code, quad_class")
STEPS = ("new_docs", "changed_docs", "no_change_without_relocations", "no_change_relocating_sample", "no_change",
         "new_docs_after_full_runs", "query", "reader")
TARGETS = {"run_storage_s": 5.0, "run_peak_rss_mb": 500.0, "query_s": 2.0, "ratio_to_100k": 2.0}


# -- deterministic synthetic rows ----------------------------------------------------------------
#
# Every value is a function of (seed, lane, row index) through splitmix64, so
# a row is the same whatever the chunk it is generated in, and ids are unique
# (splitmix64 is a bijection of 64-bit integers).

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _hash(seed: int, lane: int, index: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each index, different per seed and lane, a bijection of the index."""
    offset = np.uint64((seed * 1_000_003 + lane * 7_919) % (1 << 64))
    with np.errstate(over="ignore"):
        return _mix(_mix(index.astype(np.uint64) + offset))


def _hex_strings(prefix: str, *hashes: np.ndarray) -> pa.Array:
    """prefix + 16 lowercase hex digits per hash given (built as one Arrow buffer, no Python loop)."""
    n = len(hashes[0])
    pre = prefix.encode()
    width = len(pre) + 16 * len(hashes)
    buf = np.empty((n, width), dtype=np.uint8)
    buf[:, : len(pre)] = np.frombuffer(pre, dtype=np.uint8)
    for k, h in enumerate(hashes):
        b = h.astype(">u8").view(np.uint8).reshape(n, 8)
        at = len(pre) + 16 * k
        buf[:, at : at + 16 : 2] = _HEX[b >> 4]
        buf[:, at + 1 : at + 16 : 2] = _HEX[b & 15]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes())).cast(pa.string())


def _take(values: list | pa.Array, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    array = values if isinstance(values, pa.Array) else pa.array(values)
    return array.take(pa.array(index.astype(np.int64), mask=mask))


class Corpus:
    """The synthetic corpus of one seed: document `i` (0, 1, ...) and its rows, by index."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        rnd = random.Random(seed)
        words = ("the minister government talks border troops envoy agreement ceasefire sanctions "
                 "delegation parliament president army rebels treaty aid summit protest police "
                 "embassy capital province election council statement negotiations officials "
                 "security forces visit crisis trade leaders opposition declaration warned").split()
        self.phrases = pa.array([" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 8)))
                                 for _ in range(4096)])
        codes = [row for row in csv.DictReader(line for line in CAMEO_CSV.open(encoding="utf-8")
                                                if not line.startswith("#"))]
        self.codes = codes
        self.code = pa.array([c["code"] for c in codes])
        self.root = pa.array([c["root_code"] for c in codes])
        self.label = pa.array([c["label"] or None for c in codes])
        self.quad = pa.array([int(c["quad_class"]) for c in codes], pa.int8())
        self.goldstein = pa.array([float(c["goldstein"]) for c in codes], pa.float64())
        self.plover = pa.array([c["plover_category"] or None for c in codes])
        self.triggers = pa.array(["met", "said", "accused", "signed", "recalled", "attacked", "urged",
                                  "praised", "warned", "visited", "rejected", "promised", "arrested",
                                  "negotiated", "condemned", "agreed"])
        places = [("Geneva", "CHE", 46.2, 6.15), ("Cairo", "EGY", 30.04, 31.24), ("Lima", "PER", -12.05, -77.04),
                  ("Kyiv", "UKR", 50.45, 30.52), ("Nairobi", "KEN", -1.29, 36.82), ("Hanoi", "VNM", 21.03, 105.85),
                  ("Ottawa", "CAN", 45.42, -75.7), ("Canberra", "AUS", -35.28, 149.13), ("Oslo", "NOR", 59.91, 10.75),
                  ("Dakar", "SEN", 14.72, -17.47), ("Quito", "ECU", -0.18, -78.47), ("Riga", "LVA", 56.95, 24.11)]
        self.place_name = pa.array([p[0] for p in places])
        self.place_country = pa.array([p[1] for p in places])
        self.place_lat = pa.array([p[2] for p in places], pa.float64())
        self.place_lon = pa.array([p[3] for p in places], pa.float64())
        self.actors = self._actors()

    def _actors(self) -> pa.Table:
        countries = ["CHE", "EGY", "PER", "UKR", "KEN", "VNM", "CAN", "AUS", "NOR", "SEN", "ECU", "LVA",
                     "FRA", "DEU", "USA", "CHN", "IND", "BRA", "ZAF", "JPN", "MEX", "TUR", "IRN", "NGA"]
        types = ["state", "person", "organization", "igo", "group"]
        rows = []
        for k in range(N_ACTORS):
            kind = types[k % len(types)]
            name = f"{kind.title()} {k:05d}"
            country = countries[k % len(countries)] if kind in ("state", "person", "organization") else None
            rows.append({"actor_id": ids.actor_id(name, kind), "name": name, "actor_type": kind,
                         "country_code": country, "aliases": sorted({name, name.upper()})})
        return pa.Table.from_pylist(rows, schema=schemas.ACTORS)

    # documents -------------------------------------------------------------------------------

    def document_hashes(self, docs: np.ndarray, version: int = 0) -> list[np.ndarray]:
        """The four 64-bit parts of each document's sha256 (a new `version` is new content)."""
        base = docs.astype(np.uint64) + np.uint64(version) * np.uint64(1 << 40)
        return [_hash(self.seed, lane, base) for lane in (1, 2, 3, 4)]

    def tables(self, first: int, count: int, run_id: str, at: dt.datetime, version: int = 0) -> dict[str, pa.Table]:
        """The rows of documents first .. first+count-1 as one run publishes them (version>0: edited content)."""
        docs = np.arange(first, first + count, dtype=np.int64)
        parts = self.document_hashes(docs, version)
        sha = _hex_strings("", *parts)
        doc_id = _hex_strings("doc_", parts[0])
        content = docs.astype(np.uint64) + np.uint64(version) * np.uint64(1 << 40)

        # sentences: 25 per document
        n_sent = count * SENTENCES_PER_DOC
        s_doc = np.repeat(np.arange(count), SENTENCES_PER_DOC)
        ordinal = np.tile(np.arange(1, SENTENCES_PER_DOC + 1, dtype=np.int32), count)
        s_key = content[s_doc] * np.uint64(SENTENCES_PER_DOC) + ordinal.astype(np.uint64)
        h = [_hash(self.seed, lane, s_key) for lane in (10, 11, 12, 13)]
        s_doc_id = doc_id.take(pa.array(s_doc))
        ord_text = pc.utf8_lpad(pa.array(ordinal).cast(pa.string()), 4, "0")
        sentence_id = pc.binary_join_element_wise(s_doc_id, ord_text, "_s")
        body = pc.binary_join_element_wise(*[_take(self.phrases, (x % np.uint64(4096)).astype(np.int64)) for x in h[:3]], " ")
        text = pc.binary_join_element_wise(body, pa.scalar("."), "")
        cited = (h[3] % np.uint64(20)) == 0
        marker = pa.array((h[3] % np.uint64(90) + np.uint64(1)).astype(np.int64)).cast(pa.string())
        raw_text = pc.if_else(pa.array(cited), pc.binary_join_element_wise(
            text, pa.scalar(" ["), marker, pa.scalar("]"), ""), text)  # "... rebels. [17]"
        length = pc.utf8_length(raw_text).to_numpy().astype(np.int64).reshape(count, SENTENCES_PER_DOC)
        end = np.cumsum(length + 1, axis=1) - 1
        start = end - length
        n_chars = end[:, -1]
        sentences = pa.table({
            "sentence_id": sentence_id, "document_id": s_doc_id, "ordinal": pa.array(ordinal),
            "text": text, "raw_text": raw_text, "char_start": pa.array(start.ravel()),
            "char_end": pa.array(end.ravel()),
        }).cast(schemas.SENTENCES)
        cited_rows = np.flatnonzero(cited)
        citations = pa.table({
            "sentence_id": sentence_id.take(pa.array(cited_rows)),
            "marker": marker.take(pa.array(cited_rows)),
            "position": pa.array(np.ones(len(cited_rows), dtype=np.int32)),
        }).cast(schemas.CITATIONS)

        # events: 2 per sentence
        n_evt = count * EVENTS_PER_DOC
        e_sent = np.repeat(np.arange(n_sent), EVENTS_PER_DOC // SENTENCES_PER_DOC)
        e_key = content[e_sent // SENTENCES_PER_DOC] * np.uint64(EVENTS_PER_DOC) + np.uint64(1) + \
            np.tile(np.arange(EVENTS_PER_DOC, dtype=np.uint64), count)
        g = [_hash(self.seed, lane, e_key) for lane in range(20, 30)]
        code = (g[1] % np.uint64(len(self.codes))).astype(np.int64)
        src_null = (g[2] % np.uint64(10)) == 0
        tgt_null = (g[3] % np.uint64(5)) == 0
        src = (g[2] // np.uint64(10) % np.uint64(N_ACTORS)).astype(np.int64)
        tgt = (g[3] // np.uint64(5) % np.uint64(N_ACTORS)).astype(np.int64)
        precision_kind = (g[4] % np.uint64(10)).astype(np.int64)  # 0-3 day, 4-5 month, 6-7 year, 8-9 none
        precisions = np.array(["day"] * 4 + ["month"] * 2 + ["year"] * 2 + ["none"] * 2)[precision_kind]
        undated = precisions == "none"
        day = (g[5] % np.uint64(25_000)).astype(np.int64) - 7_300  # 1950 .. 2038
        span = np.select([precisions == "month", precisions == "year"], [29, 364], 0)
        sources = np.where(undated, "none", np.where((g[6] % np.uint64(4)) == 0, "context", "explicit"))
        date_start = pa.array(day.astype(np.int32), pa.date32(), mask=undated)
        placed = (g[7] % np.uint64(5)) < 2
        place = (g[7] % np.uint64(len(self.place_name))).astype(np.int64)
        events = pa.table({
            "event_id": _hex_strings("evt_", g[0]),
            "document_id": doc_id.take(pa.array(e_sent // SENTENCES_PER_DOC)),
            "sentence_id": sentence_id.take(pa.array(e_sent)),
            "event_code": self.code.take(pa.array(code)),
            "event_root_code": self.root.take(pa.array(code)),
            "event_label": self.label.take(pa.array(code)),
            "quad_class": self.quad.take(pa.array(code)),
            "goldstein": self.goldstein.take(pa.array(code)),
            "plover_category": self.plover.take(pa.array(code)),
            "trigger": self.triggers.take(pa.array((g[8] % np.uint64(len(self.triggers))).astype(np.int64))),
            "source_actor_id": _take(self.actors["actor_id"].combine_chunks(), src, src_null),
            "target_actor_id": _take(self.actors["actor_id"].combine_chunks(), tgt, tgt_null),
            "date_start": date_start,
            "date_end": pa.array((day + span).astype(np.int32), pa.date32(), mask=undated),
            "date_precision": pa.array(precisions),
            "date_text": pc.strftime(date_start, "%d %B %Y"),
            "date_source": pa.array(sources),
            "location_name": _take(self.place_name, place, ~placed),
            "location_country": _take(self.place_country, place, ~placed),
            "latitude": _take(self.place_lat, place, ~placed),
            "longitude": _take(self.place_lon, place, ~placed),
        }).cast(schemas.EVENTS)

        used = np.unique(np.concatenate([src[~src_null], tgt[~tgt_null]]))
        actors = self.actors.take(pa.array(used))

        cleaned = (parts[1] % np.uint64(20)) == 0
        names = [f"doc_{i:09d}" for i in docs.tolist()]
        documents = pa.table({
            "document_id": doc_id, "name": names, "source_uri": [self.source_uri(i) for i in docs.tolist()],
            "sha256": sha, "n_sentences": pa.array(np.full(count, SENTENCES_PER_DOC, dtype=np.int32)),
            "ingested_at": pa.array([at] * count, pa.timestamp("us", tz="UTC")), "run_id": [run_id] * count,
            "status": pa.array(np.where(cleaned, "cleaned", "ok")), "encoding": ["utf-8"] * count,
            "n_chars": pa.array(n_chars), "note": pa.array(np.where(cleaned, "markup removed", None).tolist(), pa.string()),
            "extractor_fingerprint": [FINGERPRINT] * count,
        }).cast(schemas.DOCUMENTS)

        held = np.flatnonzero((parts[2] % np.uint64(25)) == 0)  # one document in 25 has a quarantined event
        quarantine = pa.table({
            "table_name": ["events"] * len(held),
            "row_id": _hex_strings("evt_", _hash(self.seed, 40, content[held])),
            "document_id": doc_id.take(pa.array(held)),
            "sentence_id": sentence_id.take(pa.array(held * SENTENCES_PER_DOC)),
            "rule": ["unknown_cameo_code"] * len(held),
            "reason": ["event code 999 is not a CAMEO code"] * len(held),
            "run_id": [run_id] * len(held),
            "payload": ['{"event_code": "999"}'] * len(held),
        }).cast(schemas.QUARANTINE)
        return {"documents": documents, "sentences": sentences, "citations": citations, "actors": actors,
                "events": events, "quarantine": quarantine}

    @staticmethod
    def source_uri(i: int) -> str:
        return f"/corpus/{i // 1000:06d}/doc_{i:09d}.txt"


def run_id_for(n: int) -> str:
    """Sortable, deterministic run ids (the n-th run of the benchmark)."""
    return f"{BASE_TIME + dt.timedelta(minutes=n):%Y%m%dT%H%M%S}Z-bench{n:04d}"


def run_record(run_id: str, tables: dict[str, pa.Table], files: list[dict], n_reused: int = 0,
               reused_counts: dict[str, int] | None = None) -> dict:
    """A published run's record, as the pipeline writes it (one `files` entry per input file)."""
    now = dt.datetime.now(UTC).isoformat()
    counts = reused_counts or {"sentences": 0, "events": 0}
    docs = tables.get("documents")
    n_new = docs.num_rows if docs is not None else 0
    return {"run_id": run_id, "started_at": now, "finished_at": now, "status": runlog.PUBLISHED,
            "n_documents": n_new + n_reused,
            "n_sentences": (tables["sentences"].num_rows if "sentences" in tables else 0) + counts["sentences"],
            "n_events": (tables["events"].num_rows if "events" in tables else 0) + counts["events"],
            "validation_success": True, "message": None, "n_extracted": n_new, "n_reused": n_reused,
            "n_files_skipped": 0, "n_quarantined": tables["quarantine"].num_rows if "quarantine" in tables else 0,
            "extractor_fingerprint": FINGERPRINT, "files": files, "validation": []}


def file_entries(documents: pa.Table, outcome: str) -> list[dict]:
    return [{"path": uri, "name": name, "status": "ok", "outcome": outcome, "reason": None, "note": None,
             "document_id": doc_id, "n_bytes": 4000, "encoding": "utf-8"}
            for doc_id, name, uri in zip(documents["document_id"].to_pylist(), documents["name"].to_pylist(),
                                         documents["source_uri"].to_pylist())]


# -- state of a benchmark warehouse ---------------------------------------------------------------


def read_marker(root: Path) -> dict:
    """The benchmark's own state, beside the warehouse folder `root` (publish refuses foreign files in it)."""
    return json.loads((root.parent / MARKER).read_text(encoding="utf-8"))


def write_marker(root: Path, state: dict) -> None:
    (root.parent / MARKER).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def next_run(root: Path) -> str:
    state = read_marker(root)
    state["runs"] += 1
    write_marker(root, state)
    return run_id_for(state["runs"])


def take_documents(root: Path, count: int) -> int:
    """Reserve `count` new document indices; the first."""
    state = read_marker(root)
    first = state["next_doc"]
    state["next_doc"] += count
    write_marker(root, state)
    return first


# -- memory and profile -----------------------------------------------------------------------------


def proc_status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class Profile:
    """Seconds per storage function and per SQL statement of one publish (wrapped, product code unchanged)."""

    FUNCTIONS = {
        wh: ("recover", "writer", "prune_data_docs"),
        lake: ("open_lake", "latest_run", "stage_run", "ensure_schema", "replaced_documents", "_delete_documents",
               "_check_new_keys", "_insert", "_merge_actors", "_new_run_rows", "commit"),
        runlog: ("read_records", "run_tables", "write_record", "close_interrupted"),
    }

    def __init__(self) -> None:
        self.functions: dict[str, list[float]] = {}
        self.sql: dict[str, list[float]] = {}
        self._saved = []

    def __enter__(self) -> Profile:
        for module, names in self.FUNCTIONS.items():
            for name in names:
                original = getattr(module, name)
                self._saved.append((module, name, original))
                setattr(module, name, self._timed(name, original))
        return self

    def __exit__(self, *exc) -> None:
        for module, name, original in reversed(self._saved):
            setattr(module, name, original)

    def _timed(self, name: str, function):
        profile = self

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                result = function(*args, **kwargs)
            finally:
                profile.functions.setdefault(name, []).append(time.perf_counter() - start)
            if name in ("writer", "open_lake") and isinstance(result, duckdb.DuckDBPyConnection):
                return TimedConnection(result, profile.sql)
            return result

        return wrapper

    def report(self) -> dict:
        def summary(d):
            return {k: {"calls": len(v), "seconds": round(sum(v), 4)}
                    for k, v in sorted(d.items(), key=lambda kv: -sum(kv[1]))}
        return {"functions": summary(self.functions), "sql": dict(list(summary(self.sql).items())[:15])}


class TimedConnection:
    """A DuckDB connection that times each statement (execute plus its fetch) by its first words."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: dict) -> None:
        self._con, self._log, self._label = con, log, None

    @staticmethod
    def _name(sql: str) -> str:
        return " ".join(sql.split())[:90]

    def _add(self, label: str, seconds: float) -> None:
        self._log.setdefault(label, []).append(seconds)

    def execute(self, sql, params=None):
        start = time.perf_counter()
        self._con.execute(sql, params) if params is not None else self._con.execute(sql)
        self._label = self._name(sql)
        self._add(self._label, time.perf_counter() - start)
        return self

    def _fetch(self, method, *args):
        start = time.perf_counter()
        try:
            return getattr(self._con, method)(*args)
        finally:
            if self._label:
                self._log[self._label][-1] += time.perf_counter() - start

    def fetchall(self):
        return self._fetch("fetchall")

    def fetchone(self):
        return self._fetch("fetchone")

    def fetch_arrow_table(self):
        return self._fetch("fetch_arrow_table")

    def __getattr__(self, name):
        return getattr(self._con, name)


# -- the measured runs (each in a child process) -------------------------------------------------


def child_main(args) -> dict:
    """One measured run, in this process; its figures as a dict."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # fetch_arrow_table, called by the product
    root = Path(args.root)
    if args.child == "query":
        return child_query(root, args.repeat)
    if args.child == "reader":
        return child_reader(root, args.reader_seconds, args.reader_shape, args.events)
    if args.child == "writer":
        return child_writer(root, args.grace_minutes, args.go_file)
    corpus = Corpus(read_marker(root)["seed"])
    run_id = next_run(root)
    load = os.getloadavg()[0]
    rss_before = proc_status_kb("VmRSS")
    steps: dict[str, float] = {}
    result: dict = {"run_id": run_id}
    with Profile() as profile:
        start = time.perf_counter()
        previous = wh.published_documents(root)  # what the pipeline reads first (load_previous_task)
        steps["published_documents"] = time.perf_counter() - start
        seen: set[str] = set()
        relocations: dict[str, tuple[str, str]] = {}
        at = dt.datetime.now(UTC)
        if args.child == "new-docs":
            tables = corpus.tables(take_documents(root, args.docs), args.docs, run_id, at)
            files = file_entries(tables["documents"], "extracted")
        elif args.child == "changed-docs":  # new content at the paths of published documents
            state = read_marker(root)
            state["version"] = state.get("version", 0) + 1
            write_marker(root, state)
            first = (state["version"] * 7919) % max(state["built_docs"] - args.docs, 1)
            tables = corpus.tables(first, args.docs, run_id, at, version=state["version"])
            files = file_entries(tables["documents"], "extracted")
        else:  # no-change: every published document found again, unchanged, at its own path
            tables = {}
            seen = set(previous["document_id"].to_pylist())
            # the pipeline passes a relocation for every reused document (flows/pipeline.py, `relocations`);
            # no-change-sample passes the first `--docs` of them, no-change-bare none
            limit = {"no-change": None, "no-change-sample": args.docs, "no-change-bare": 0}[args.child]
            relocations = dict(list({d: (n, u) for d, n, u in zip(previous["document_id"].to_pylist(),
                                                                  previous["name"].to_pylist(),
                                                                  previous["source_uri"].to_pylist())}
                                    .items())[:limit])
            files = file_entries(previous, "reused")
        generate = time.perf_counter() - start - steps["published_documents"]
        t = time.perf_counter()
        reused_counts, _ = wh.reused_rows(root, seen)
        steps["reused_rows"] = time.perf_counter() - t
        record = run_record(run_id, tables, files, n_reused=len(seen), reused_counts=reused_counts)
        rss_inputs = proc_status_kb("VmRSS")  # the run's rows and record, as the pipeline would hold them
        t = time.perf_counter()
        published = wh.publish(root, run_id, tables, record, seen_ids=seen, relocations=relocations,
                               export="never")
        steps["publish"] = time.perf_counter() - t
    result.update({
        "storage_s": round(sum(steps.values()), 3),
        "steps_s": {k: round(v, 3) for k, v in steps.items()},
        "generate_rows_s": round(generate, 3),
        "replaced_documents": len(published.replaced),
        "relocations": len(relocations),
        "load_1m_at_start": round(load, 2),
        "new_rows": {k: v.num_rows for k, v in tables.items()},
        "peak_rss_mb": round(proc_status_kb("VmHWM") / 1024, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_before_publish_mb": round(rss_inputs / 1024, 1),
        "profile": profile.report(),
    })
    return result


def child_query(root: Path, repeat: int) -> dict:
    """The aggregate over events_flat, each time through `fetch` (a new read-only attach), and the same on `events`."""
    load = os.getloadavg()[0]
    out: dict = {"sql": AGGREGATE_SQL, "load_1m_at_start": round(load, 2)}
    for key, sql in (("seconds", AGGREGATE_SQL), ("events_table_seconds", AGGREGATE_SQL.replace("events_flat", "events"))):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            _, rows = wquery.fetch(root, sql)
            times.append(round(time.perf_counter() - start, 3))
        out[key] = times
        if key == "seconds":
            out.update(groups=len(rows), events=sum(r[2] for r in rows),
                       peak_rss_mb=round(proc_status_kb("VmHWM") / 1024, 1))
    return out


#: Two shapes of a reader's long query. `stream`: the scan of `events` goes on for the whole query
#: (each row is paired with `k` numbers), so its files are opened one after another as it goes.
#: `late`: a join whose build side is computed first (a sum over `k` numbers, no file read), then
#: `events` is scanned: its files are opened only at the end, as a big join's probe side would be.
#: Both count the rows of `events` they saw, to compare with the count at their snapshot.
READER_SQL = {
    "stream": ("SELECT count(*) FILTER (WHERE r.range = 0) AS rows_seen, "
               "sum(e.goldstein) FILTER (WHERE (hash(e.event_id) + r.range) % 7 = 0) AS total "
               "FROM events e, range({k}) r"),
    "late": ("SELECT count(*) AS rows_seen, sum(e.goldstein) AS total FROM events e JOIN "
             "(SELECT (sum(hash(range)) % 4)::TINYINT * 0 AS z FROM range({k})) b ON e.quad_class * 0 = b.z"),
}


def child_reader(root: Path, seconds: float, shape: str, events: int) -> dict:
    """A reader's one long query; prints 'started' when it begins, then its outcome as JSON."""
    con = wquery.connect(root)
    files = sorted({f for row in con.execute(f"SELECT data_file, delete_file FROM ducklake_list_files("
                                             f"'{lake.ALIAS}', 'events')").fetchall() for f in row if f})
    # calibrated on generated rows of the same shape, without reading the lake's files (a read
    # would leave them in DuckDB's caches): `stream` per pair of (row, number), `late` per number
    if shape == "stream":
        sample, k0 = min(max(events, 1), 500_000), 4
        rows = f"(SELECT 'evt_' || md5(range::VARCHAR)[:16] AS event_id, 1.0::DOUBLE AS goldstein FROM range({sample}))"
        probe_sql = READER_SQL["stream"].replace("events e", f"{rows} e").format(k=k0)
        per = sample * k0
    else:
        probe_sql = READER_SQL["late"].replace("events e", "(SELECT 1::TINYINT AS quad_class, 1.0 AS goldstein) e"
                                               ).format(k=20_000_000)
        per = 20_000_000
    start = time.perf_counter()
    con.execute(probe_sql).fetchall()
    one = max(time.perf_counter() - start, 1e-3)
    k = max(1, int(seconds / one * per / (max(events, 1) if shape == "stream" else 1)))
    sql = READER_SQL[shape].format(k=k)
    print(json.dumps({"started": True, "files": files, "k": k, "probe_s": round(one, 3)}), flush=True)
    result = {"shape": shape, "k": k, "probe_s": round(one, 3), "files": len(files), "sql": sql}
    start = time.perf_counter()
    result["started_at"] = time.time()
    try:
        result["rows_seen"] = con.execute(sql).fetchone()[0]
        result["ok"] = True
    except Exception as exc:  # noqa: BLE001 - the outcome is the measurement
        result["ok"] = False
        result["error"] = f"{type(exc).__name__}: {exc}"[:600]
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["finished_at"] = time.time()
    con.close()
    return result


def run_child(root: Path, kind: str, timeout: float | None = None, **options) -> dict:
    """Run one measurement in a child process (its own session, killed whole on timeout); its figures."""
    command = [sys.executable, "-m", "benchmarks.storage", "--child", kind, "--root", str(root)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)  # our own child's session only
        child.communicate()
        return {"timed_out": True, "timeout_s": timeout, "storage_s": None, "peak_rss_mb": None}
    if child.returncode != 0:
        raise SystemExit(f"child {kind} failed ({child.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["child_wall_s"] = round(time.perf_counter() - start, 2)
    # RUSAGE_CHILDREN is the largest of all children waited for so far: an upper bound, for cross-checking
    result["children_max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return result


# -- the parent: build, then each measurement -----------------------------------------------------


def build(root: Path, events: int, seed: int, chunk_events: int, log) -> dict:
    corpus = Corpus(seed)
    n_docs = max(1, events // EVENTS_PER_DOC)
    per_chunk = max(1, chunk_events // EVENTS_PER_DOC)
    write_marker(root, {"seed": seed, "events": events, "built_docs": n_docs, "next_doc": n_docs, "runs": 0})
    start = time.perf_counter()
    gen = pub = 0.0
    for first in range(0, n_docs, per_chunk):
        count = min(per_chunk, n_docs - first)
        run_id = next_run(root)
        t = time.perf_counter()
        tables = corpus.tables(first, count, run_id, dt.datetime.now(UTC))
        record = run_record(run_id, tables, file_entries(tables["documents"], "extracted"))
        gen += time.perf_counter() - t
        t = time.perf_counter()
        wh.publish(root, run_id, tables, record, export="never")
        pub += time.perf_counter() - t
        del tables
        log(f"build: {first + count}/{n_docs} documents, {time.perf_counter() - start:.0f}s "
            f"(rss {proc_status_kb('VmRSS') // 1024} MB)")
    built = time.perf_counter() - start
    t = time.perf_counter()
    report = wmaint.maintain(root, keep=1, export="never", grace_minutes=0)
    compact = time.perf_counter() - t
    return {"seconds": round(built, 1), "generate_s": round(gen, 1), "publish_s": round(pub, 1),
            "chunks": -(-n_docs // per_chunk), "maintain_s": round(compact, 1),
            "maintain_files_deleted": report.files_deleted, "peak_rss_mb": round(proc_status_kb("VmHWM") / 1024, 1)}


def warehouse_facts(root: Path) -> dict:
    con = lake.open_lake(root)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "sentences", "citations", "events", "actors", "quarantine", "input_files")}
        files = {t: con.execute(f"SELECT count(*) FROM ducklake_list_files('{lake.alias_of(con)}', '{t}')").fetchone()[0]
                 for t in ("documents", "sentences", "events")}
    finally:
        con.close()
    location = lake.read_location(root)
    data = Path(location.data_path)
    return {"rows": counts, "data_files": files, "data_mb": round(dir_size(data) / 2**20, 1),
            "catalog_mb": round(Path(location.catalog.split(":", 1)[1]).stat().st_size / 2**20, 1),
            "runs_dir_mb": round(dir_size(root / runlog.RUNS_DIR) / 2**20, 1)}


def child_writer(root: Path, grace_minutes: float, go_file: str) -> dict:
    """While a reader's query runs: publish a run (10 edited, 10 new documents), then maintain(keep=1).

    Then, once the parent says the reader has finished (`go_file` exists), attach the lake once more
    from this same process: a lock a failed commit left behind shows there.
    """
    corpus = Corpus(read_marker(root)["seed"])
    run_id = next_run(root)
    state = read_marker(root)
    state["version"] = state.get("version", 0) + 1
    write_marker(root, state)
    at = dt.datetime.now(UTC)
    edited = corpus.tables((state["version"] * 7919) % max(state["built_docs"] - 10, 1), 10, run_id, at,
                           version=state["version"])
    new = corpus.tables(take_documents(root, 10), 10, run_id, at)
    tables = {name: pa.concat_tables([edited[name], new[name]]) for name in edited}
    used = pa.concat_arrays([edited["actors"]["actor_id"].combine_chunks(), new["actors"]["actor_id"].combine_chunks()])
    tables["actors"] = corpus.actors.filter(pc.is_in(corpus.actors["actor_id"], value_set=used))
    record = run_record(run_id, tables, file_entries(tables["documents"], "extracted"))
    out: dict = {"publish_error": None, "maintain_error": None, "replaced_documents": None}
    t = time.perf_counter()
    try:
        out["replaced_documents"] = len(wh.publish(root, run_id, tables, record, export="never").replaced)
    except Exception as exc:  # noqa: BLE001 - a failed publish is a finding
        out["publish_error"] = f"{type(exc).__name__}: {exc}"[:400]
    out["publish_s"] = round(time.perf_counter() - t, 2)
    out["committed_at"] = time.time()
    t = time.perf_counter()
    try:
        report = wmaint.maintain(root, keep=1, export="never", grace_minutes=grace_minutes)
        out.update(maintain_files_deleted=report.files_deleted, snapshots_expired=len(report.snapshots_removed))
    except Exception as exc:  # noqa: BLE001
        out["maintain_error"] = f"{type(exc).__name__}: {exc}"[:400]
    out["maintain_s"] = round(time.perf_counter() - t, 2)
    out["maintained_at"] = time.time()
    print(json.dumps({"done": True}), flush=True)
    deadline = time.time() + 3600
    while not Path(go_file).exists() and time.time() < deadline:
        time.sleep(0.2)
    t = time.perf_counter()
    try:
        lake.open_lake(root).close()
        out["attach_after_reader_ended"] = "ok"
    except Exception as exc:  # noqa: BLE001
        out["attach_after_reader_ended"] = f"{type(exc).__name__}: {exc}"[:300]
    out["attach_after_reader_ended_s"] = round(time.perf_counter() - t, 2)
    return out


def reader_through_publish(root: Path, grace_minutes: float, seconds: float, log) -> dict:
    """Two readers' long queries (both shapes) while another process publishes a run and runs maintain."""
    def start(kind: str, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "benchmarks.storage", "--child", kind, "--root", str(root),
                                 *extra], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)

    def last_json(process: subprocess.Popen, timeout: float) -> dict:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)  # our own child's session only
            out, err = process.communicate()
        lines = [line for line in out.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else {"ok": False, "error": err[-1500:]}

    events = warehouse_facts(root)["rows"]["events"]
    readers = {shape: start("reader", "--reader-seconds", str(seconds), "--reader-shape", shape,
                            "--events", str(events)) for shape in READER_SQL}
    files = {}
    for shape, process in readers.items():
        first = json.loads(process.stdout.readline() or "{}")
        if not first.get("started"):
            for p in readers.values():
                os.killpg(p.pid, 9)
            raise SystemExit(f"reader did not start: {process.stderr.read()[-2000:]}")
        files[shape] = first["files"]
    time.sleep(1.0)  # the queries are under way
    go = Path(tempfile.mkdtemp(prefix="storage-go-")) / "go"
    writer = start("writer", "--grace-minutes", str(grace_minutes), "--go-file", str(go))
    writer.stdout.readline()  # {"done": true}: publish and maintain are over
    gone = {shape: [f for f in fs if not Path(f).exists()] for shape, fs in files.items()}
    held = {shape: open_files(readers[shape].pid, fs) for shape, fs in files.items()}
    results = {shape: last_json(process, max(600, 4 * seconds)) for shape, process in readers.items()}
    go.touch()
    written = last_json(writer, 600)
    shutil.rmtree(go.parent, ignore_errors=True)
    mode = journal_mode(root)
    out = {"grace_minutes": grace_minutes, "catalog_journal_mode": mode,
           "publish_ok": written.get("publish_error") is None and "publish_s" in written,
           "publish_error": written.get("publish_error"), "publish_s": written.get("publish_s"),
           "replaced_documents": written.get("replaced_documents"),
           "maintain_ok": written.get("maintain_error") is None and "maintain_s" in written,
           "maintain_error": written.get("maintain_error"), "maintain_s": written.get("maintain_s"),
           "maintain_files_deleted": written.get("maintain_files_deleted"),
           "snapshots_expired": written.get("snapshots_expired"),
           "writer_attach_after_readers_ended": written.get("attach_after_reader_ended"),
           "writer_attach_after_readers_ended_s": written.get("attach_after_reader_ended_s"), "readers": {}}
    for shape, result in results.items():
        spanned = result.get("finished_at", 0) > written.get("maintained_at", 1e18) and \
            result.get("started_at", 1e18) < written.get("committed_at", 0)
        out["readers"][shape] = {
            "query_ok": result.get("ok"), "query_error": result.get("error"), "query_s": result.get("seconds"),
            "query_spanned_publish_and_maintain": spanned,
            "rows_seen": result.get("rows_seen"), "rows_at_snapshot": events,
            "rows_match": result.get("rows_seen") == events if result.get("ok") else None,
            "event_files": len(files[shape]),
            "event_files_deleted_during_query": len(gone[shape]),
            "deleted": [Path(f).name for f in gone[shape]],
            "event_files_open_after_maintain": len(held[shape]),
            "event_files_deleted_but_open": len(set(held[shape]) & set(gone[shape]))}
    out["query_ok"] = all(r["query_ok"] for r in out["readers"].values())
    out["rows_match"] = all(r["rows_match"] is not False for r in out["readers"].values())
    out["query_spanned_publish_and_maintain"] = all(
        r["query_spanned_publish_and_maintain"] for r in out["readers"].values())
    log(f"readers (grace {grace_minutes} min, catalog journal {mode}): publish {written.get('publish_s')}s "
        f"error={written.get('publish_error')}; maintain {written.get('maintain_s')}s "
        f"error={written.get('maintain_error')}, {written.get('maintain_files_deleted')} files deleted; "
        f"attach after: {written.get('attach_after_reader_ended')}")
    for shape, r in out["readers"].items():
        log(f"  reader {shape}: ok={r['query_ok']} rows {r['rows_seen']}/{r['rows_at_snapshot']} "
            f"{r['query_s']}s spanned={r['query_spanned_publish_and_maintain']} "
            f"files deleted {r['event_files_deleted_during_query']}/{r['event_files']} "
            f"(open {r['event_files_deleted_but_open']}) {r['query_error'] or ''}")
    return out


def open_files(pid: int, wanted: list[str]) -> list[str]:
    """Which of `wanted` the process `pid` holds open now (a deleted file shows as 'PATH (deleted)')."""
    found = []
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd).removesuffix(" (deleted)")
            except OSError:
                continue
            if target in wanted:
                found.append(target)
    except OSError:
        pass
    return sorted(set(found))


def catalog_path(root: Path) -> Path | None:
    location = lake.read_location(root)
    return Path(location.catalog.split(":", 1)[1]) if location and location.kind == "sqlite" else None


def journal_mode(root: Path, mode: str | None = None) -> str:
    """The SQLite catalog's journal mode; set it first if `mode` is given (the WAL experiment)."""
    import sqlite3

    path = catalog_path(root)
    if path is None:
        return "n/a"
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA journal_mode{'=' + mode if mode else ''}").fetchone()[0]
    finally:
        con.close()


def reader_scenarios(root: Path, seconds: float, log) -> list[dict]:
    """Grace 0 (again with a query 3x longer if the first ended before maintain did), then the default
    grace if the reader's query failed."""
    readers = [reader_through_publish(root, 0, seconds, log)]
    if readers[-1]["query_ok"] and not readers[-1]["query_spanned_publish_and_maintain"]:
        readers.append(reader_through_publish(root, 0, 3 * seconds, log))
    if not (readers[-1]["query_ok"] and readers[-1]["rows_match"]):
        readers.append(reader_through_publish(root, wmaint.GRACE_MINUTES, seconds, log))
    return readers


def summarise(runs: list[dict]) -> dict:
    done = [r for r in runs if not r.get("timed_out")]
    storage = [r["storage_s"] for r in done]
    return {"storage_s_median": round(statistics.median(storage), 3) if storage else None,
            "storage_s": [r["storage_s"] for r in runs],
            "peak_rss_mb_max": max(r["peak_rss_mb"] for r in done) if done else None,
            "timed_out": [r["timeout_s"] for r in runs if r.get("timed_out")], "runs": runs}


def extrapolate_no_change(figures: dict) -> dict:
    """The no-change run as the pipeline makes it, estimated from the bare run plus the cost of one relocation."""
    sample = figures["no_change_relocating_sample"]["runs"][0]
    bare = figures["no_change_without_relocations"]
    sql = sample["profile"]["sql"]
    updates = next((v for k, v in sql.items() if k.startswith("UPDATE documents")), None)
    docs = figures["warehouse"]["rows"]["documents"]
    if not updates or not bare["storage_s_median"]:
        return {"note": "no per-document UPDATE in the sampled run: relocations cost no statement each, "
                        "nothing to extrapolate (no_change is measured in full)"}
    per = updates["seconds"] / updates["calls"]
    return {"seconds_per_relocation": round(per, 4), "relocations": docs,
            "estimated_storage_s": round(bare["storage_s_median"] + per * docs, 1)}


def machine() -> dict:
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), 0)
    return {"cpu_count": os.cpu_count(), "affinity_cpus": len(os.sched_getaffinity(0)),
            "ram_gib": round(mem / 2**20, 1), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pyarrow": pa.__version__, "platform": platform.platform(),
            "date": dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "code": code_version(),
            "load_1m_at_start": round(os.getloadavg()[0], 2)}


def code_version() -> str:
    """The commit measured, and whether the product's code differs from it (the figures belong to the code)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "warehouse", "transforms", "flows", "eventledger")
    return head + (" + uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="events in the built warehouse")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-events", type=int, default=2_000_000, help="events per publish while building")
    parser.add_argument("--keep", metavar="DIR", help="build into DIR and keep it (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the warehouse already in DIR")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs of each kind")
    parser.add_argument("--reader-seconds", type=float, default=0, help="length of the reader's query (0: automatic)")
    parser.add_argument("--only", help=f"comma-separated steps to measure after the build (default all: {','.join(STEPS)})")
    parser.add_argument("--relocation-sample", type=int, default=2000,
                        help="relocations in the sampled no-change run (for the estimate of the full one)")
    parser.add_argument("--no-change-timeout", type=float, default=1800,
                        help="seconds after which the full no-change run is killed and reported as not finished")
    parser.add_argument("--slow", type=float, default=60, help="a run slower than this is not repeated")
    parser.add_argument("--no-wal-experiment", dest="wal_experiment", action="store_false",
                        help="skip the reader experiment on a catalog switched to WAL")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--docs", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--grace-minutes", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--go-file", help=argparse.SUPPRESS)
    parser.add_argument("--reader-shape", choices=sorted(READER_SQL), default="stream", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_main(args)))
        return 0

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    tmp = None
    if args.keep:  # DIR/benchmark.json (the benchmark's state) and DIR/wh (the warehouse)
        base = Path(args.keep).absolute()
        root = base / "wh"
        if args.reuse:
            if not (base / MARKER).is_file():
                raise SystemExit(f"{base} holds no benchmark warehouse (no {MARKER})")
        elif base.exists() and any(base.iterdir()):
            raise SystemExit(f"{base} is not empty: use --reuse to measure it again, or another folder")
    else:
        tmp = tempfile.mkdtemp(prefix="eventledger-storage-")
        root = Path(tmp) / "wh"
    try:
        figures: dict = {"machine": machine(), "events_requested": args.events, "seed": args.seed,
                         "targets": TARGETS}
        if args.reuse:
            figures["build"] = {"reused": True}
            figures["events_requested"] = read_marker(root)["events"]
        else:
            root.mkdir(parents=True, exist_ok=True)
            log(f"building {args.events:,} events in {root}")
            figures["build"] = build(root, args.events, args.seed, args.chunk_events, log)
            log(f"build: {figures['build']}")
        figures["warehouse"] = warehouse_facts(root)
        log(f"warehouse: {figures['warehouse']}")
        steps = set(args.only.split(",")) if args.only else set(STEPS)
        for kind, key, repeat, docs in (
            ("new-docs", "new_docs", args.repeat, 10),
            ("changed-docs", "changed_docs", max(1, args.repeat - 1), 10),
            ("no-change-bare", "no_change_without_relocations", max(1, args.repeat - 1), 0),
            ("no-change-sample", "no_change_relocating_sample", 1, args.relocation_sample),
            ("no-change", "no_change", args.repeat, 0),
            # the same run as new_docs, now that the no-change runs left records listing every document
            ("new-docs", "new_docs_after_full_runs", 1, 10),
        ):
            if key not in steps:
                continue
            runs = []
            for n in range(repeat):
                timeout = args.no_change_timeout if kind == "no-change" else None
                runs.append(run_child(root, kind, timeout=timeout, docs=docs))
                if runs[-1].get("timed_out"):
                    log(f"{kind}: did not finish in {timeout}s (killed)")
                    break
                log(f"{kind}: storage {runs[-1]['storage_s']}s {runs[-1]['steps_s']}, "
                    f"peak rss {runs[-1]['peak_rss_mb']} MB")
                if runs[-1]["storage_s"] > args.slow:
                    break  # one slow run says it: no repeats
            figures[key] = summarise(runs)
        if {"no_change_relocating_sample", "no_change_without_relocations"} <= figures.keys():
            figures["no_change_estimate"] = extrapolate_no_change(figures)
            log(f"no-change estimate: {figures['no_change_estimate']}")
        if "query" in steps:
            figures["query"] = run_child(root, "query", repeat=args.repeat)
            log(f"query: {figures['query']['seconds']} s (on events alone {figures['query']['events_table_seconds']} s), "
                f"peak rss {figures['query']['peak_rss_mb']} MB")
        if "reader" in steps:
            if args.reader_seconds:
                seconds = args.reader_seconds
            else:  # long enough to outlast a publish and a maintain at this size
                run_s = figures.get("new_docs", {}).get("storage_s_median") or 5
                seconds = max(30.0, 4 * run_s + 30)
            figures["reader"] = reader_scenarios(root, seconds, log)
            if args.wal_experiment and journal_mode(root) != "wal":
                log("WAL experiment: the benchmark switches its own catalog to journal_mode=WAL")
                journal_mode(root, "wal")
                try:
                    figures["reader_wal_experiment"] = reader_scenarios(root, seconds, log)
                finally:
                    journal_mode(root, "delete")
        figures["warehouse_after"] = warehouse_facts(root)
        figures["verdict"] = verdict(figures)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(figures, indent=2, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


def verdict(f: dict) -> dict:
    """Each target of the issue met or not (the 2x comparison with 100k is made in the README)."""
    out = {}
    for key in ("new_docs", "no_change"):
        if key not in f:
            continue
        median, rss = f[key]["storage_s_median"], f[key]["peak_rss_mb_max"]
        out[f"{key}_storage_le_5s"] = median is not None and median <= TARGETS["run_storage_s"]
        out[f"{key}_rss_lt_500mb"] = rss is not None and rss < TARGETS["run_peak_rss_mb"]
    if "query" in f:
        out["query_lt_2s"] = min(f["query"]["seconds"]) < TARGETS["query_s"]
    if "reader" in f:
        for label, grace in (("grace_0", 0), ("default_grace", wmaint.GRACE_MINUTES)):
            runs = [r for r in f["reader"] if r["grace_minutes"] == grace]
            if runs:
                out[f"reader_query_ok_{label}"] = bool(runs[-1]["query_ok"])
                out[f"reader_rows_right_{label}"] = bool(runs[-1]["rows_match"])
                out[f"publish_and_maintain_ok_during_reader_{label}"] = bool(runs[-1]["publish_ok"] and
                                                                             runs[-1]["maintain_ok"])
                out[f"reader_query_spanned_publish_and_maintain_{label}"] = bool(
                    runs[-1]["query_spanned_publish_and_maintain"])
    if "reader_wal_experiment" in f:
        out["wal_experiment_reader_query_ok_grace_0"] = bool(f["reader_wal_experiment"][-1]["query_ok"])
    return out


if __name__ == "__main__":
    sys.exit(main())
