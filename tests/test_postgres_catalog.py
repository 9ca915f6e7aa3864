"""The lake with a real PostgreSQL catalog: `eventledger run`, `query` and `query --as-of` against it.

Why this exists: a lake's catalog can be PostgreSQL (`catalog =
"postgres:CONNINFO"`, for a warehouse that several machines write), but every
other test uses the default SQLite catalog, so nothing else would notice if
the PostgreSQL path broke: the ATTACH string warehouse/lake.py builds, the
postgres_scanner extension, DIR/lake.json, time travel. This module starts a
throw-away PostgreSQL server on 127.0.0.1 (trust authentication, no fsync),
runs the installed command into it as real subprocesses, and checks that
the catalog gives back what the run's summary says it published. Two runs
and a few queries: about 45 s.

PostgreSQL refuses to run as root. As root (CI), initdb and postgres run as
`nobody` through setpriv, with the one capability CAP_DAC_OVERRIDE so that
they can reach their folder inside pytest's root-only temporary folder.
Without the PostgreSQL binaries (Debian: apt-get install postgresql) the
module is skipped.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventledger.settings import env_name
from tests.conftest import SAMPLE
from tests.processes import assert_group_gone, free_port, stop_group

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXE = Path(sys.executable).parent / "eventledger"
PROGRAMS = ("initdb", "postgres", "pg_isready", "psql")
INSTALL = "install the Debian package postgresql (apt-get install postgresql)"
USER, DATABASE = "eventledger", "lake"
RUN_TIMEOUT = 600


def bindir() -> Path | None:
    """The folder with the PostgreSQL server programs: pg_config's, initdb's on the PATH, or the newest Debian one."""
    found = []
    if shutil.which("pg_config"):
        found.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
    if shutil.which("initdb"):
        found.append(str(Path(shutil.which("initdb")).resolve().parent))  # /usr/local/bin/initdb may be a link
    found += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True,
                    key=lambda d: [int(n) for n in Path(d).parent.name.split(".") if n.isdigit()])
    return next((Path(d) for d in found if d and all((Path(d) / p).is_file() for p in PROGRAMS)), None)


def unprivileged() -> list[str]:
    """The command prefix for initdb and postgres: none, or as root `nobody` (who can still reach tmp_path)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        no_server("it cannot run as root, and setpriv (util-linux) is missing to run it as nobody")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        no_server("it cannot run as root, and there is no user nobody to run it")
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
            "--inh-caps=+dac_override", "--ambient-caps=+dac_override"]


def no_server(why: str) -> None:
    pytest.skip(f"no PostgreSQL server: {' '.join(why.split())}; {INSTALL}")


def cluster_processes(data: Path) -> list[int]:
    """The live processes of the cluster: PostgreSQL's processes each have its data folder as working folder.

    (Not a process group: postgres puts each of its children in a session of its own.)
    """
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd") == str(data):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A PostgreSQL server on a free loopback port with an empty database; the catalog setting that names it."""
    bin_ = bindir()
    if bin_ is None:
        no_server(f"its programs ({', '.join(PROGRAMS)}) are not installed")
    folder = tmp_path_factory.mktemp("postgres")
    data, log, port, prefix = folder / "data", folder / "postgres.log", free_port(), unprivileged()
    init = subprocess.run([*prefix, bin_ / "initdb", "-D", data, "-U", USER, "--auth=trust",
                           "--no-sync", "-E", "UTF8", "--locale=C"], capture_output=True, text=True, cwd=folder)
    if init.returncode != 0:
        no_server(f"initdb failed ({init.stderr[-300:]})")
    with open(log, "w") as out:
        server = subprocess.Popen(
            [*prefix, bin_ / "postgres", "-D", data, "-p", str(port), "-c", "listen_addresses=127.0.0.1",
             "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off"], stdout=out, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True)
    client = {"args": ["-h", "127.0.0.1", "-p", str(port), "-U", USER], "bin": bin_}
    started = False
    try:
        deadline = time.monotonic() + 60
        while subprocess.run([bin_ / "pg_isready", *client["args"], "-t", "2"], capture_output=True).returncode:
            if server.poll() is not None or time.monotonic() > deadline:
                no_server(f"it did not start ({log.read_text()[-300:]})")
            time.sleep(0.2)
        started = True
        psql(client, f"CREATE DATABASE {DATABASE}", database="postgres")
        yield {**client, "catalog": f"postgres:dbname={DATABASE} host=127.0.0.1 port={port} user={USER}"}
    finally:
        stop_group(server, signal.SIGINT)  # fast shutdown: disconnect the clients, checkpoint, exit
        assert_group_gone(server.pid, within=10)
        deadline = time.monotonic() + 10
        while cluster_processes(data) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = cluster_processes(data)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"PostgreSQL processes {left} were still alive after the server stopped"
        assert not started or not (data / "postmaster.pid").exists(), "the server did not shut down cleanly"


def psql(client: dict, sql: str, database: str = DATABASE) -> list[str]:
    """The rows of a query through psql, one line each (fields separated by |)."""
    done = subprocess.run([client["bin"] / "psql", *client["args"], "-d", database, "-X", "-At", "-v",
                           "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def environment(prefect_home: Path, **settings: str) -> dict[str, str]:
    """The environment of a run: the given eventledger settings only (none inherited), and the module's Prefect home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTLEDGER_") and k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(prefect_home), **{env_name(k): v for k, v in settings.items()}}


def start(args: list, env: dict, cwd: Path) -> subprocess.Popen:
    """The installed `eventledger ...` as a real process in its own process group."""
    return subprocess.Popen([str(EXE), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=cwd, start_new_session=True)


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    """Its end, output and status; it must end in RUN_TIMEOUT s and leave no process of its group."""
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop_group(proc)
        pytest.fail(f"{proc.args} did not end in {RUN_TIMEOUT} s")
    assert_group_gone(proc.pid, within=10)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def eventledger(args: list, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return finish(start(args, env, cwd))


COUNTS = ("SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM sentences) AS sentences, "
          "(SELECT count(*) FROM events) AS events, (SELECT count(*) FROM quarantine) AS quarantine")


def query(sql: str, warehouse: Path, env: dict, cwd: Path, *options: str) -> list[dict]:
    """`eventledger query SQL --format json`: the rows (JSON Lines)."""
    done = eventledger(["query", sql, "--warehouse", warehouse, "--format", "json", *options], env, cwd)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def counts(warehouse: Path, env: dict, cwd: Path, *options: str) -> dict:
    (row,) = query(COUNTS, warehouse, env, cwd, *options)
    return row


@pytest.fixture(scope="module")
def first_run(postgres, prefect_home, tmp_path_factory):
    """The sample run into a PostgreSQL-catalog warehouse (its summary says what it published)."""
    tmp = tmp_path_factory.mktemp("runs")
    env = environment(prefect_home, catalog=postgres["catalog"], data_path=str(tmp / "data"))
    on_postgres = eventledger(["run", SAMPLE, "--warehouse", tmp / "wh", "--workers", "1", "--json"], env, tmp)
    assert on_postgres.returncode == 0, on_postgres.stdout + on_postgres.stderr
    return {"root": tmp / "wh", "env": env, "tmp": tmp, "data": tmp / "data",
            "summary": json.loads(on_postgres.stdout)}


def test_a_run_publishes_into_the_postgres_catalog(postgres, first_run):
    root, env, tmp = first_run["root"], first_run["env"], first_run["tmp"]
    assert first_run["summary"]["status"] == "published" and first_run["summary"]["n_extracted"] > 0
    location = json.loads((root / "lake.json").read_text(encoding="utf-8"))
    assert location["catalog"] == postgres["catalog"]
    assert location["data_path"] == str(first_run["data"])
    assert not (root / "lake" / "catalog.sqlite").exists()
    assert list(first_run["data"].rglob("*.parquet"))

    reader = environment(env["PREFECT_HOME"])  # readers find the catalog through lake.json alone
    on_postgres = counts(root, reader, tmp)
    summary = first_run["summary"]  # what the run extracted is what the catalog gives back
    assert on_postgres == {"documents": summary["n_documents"], "sentences": summary["n_sentences"],
                           "events": summary["n_events"], "quarantine": summary["n_quarantined"]}
    assert on_postgres["events"] > 0

    catalog = set(psql(postgres, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    assert {"ducklake_metadata", "ducklake_snapshot", "ducklake_table", "ducklake_data_file"} <= catalog
    tables = set(psql(postgres, "SELECT table_name FROM ducklake_table WHERE end_snapshot IS NULL"))
    assert {"documents", "sentences", "events", "pipeline_runs"} <= tables
    runs = psql(postgres, "SELECT commit_extra_info FROM ducklake_snapshot_changes WHERE commit_extra_info IS NOT NULL")
    assert first_run["summary"]["run_id"] in "\n".join(runs)


def test_a_second_run_reuses_everything_and_as_of_reads_the_first(first_run):
    root, env, tmp = first_run["root"], first_run["env"], first_run["tmp"]
    before = counts(root, env, tmp)
    again = eventledger(["run", SAMPLE, "--warehouse", root, "--workers", "1"], env, tmp)
    assert again.returncode == 0, again.stdout + again.stderr
    n = first_run["summary"]["n_documents"]
    assert f"(0 extracted, {n} unchanged)" in again.stdout, again.stdout
    assert counts(root, env, tmp) == before

    first_id, current = first_run["summary"]["run_id"], "SELECT run_id FROM current_run"
    assert query(current, root, env, tmp) != [{"run_id": first_id}]
    assert query(current, root, env, tmp, "--as-of", first_id) == [{"run_id": first_id}]
    assert counts(root, env, tmp, "--as-of", first_id) == before
