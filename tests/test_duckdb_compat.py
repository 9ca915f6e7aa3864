"""The export read by an older DuckDB than the one that wrote it, as a BI tool that bundles its own would.

The export, `DIR/events.duckdb` and `DIR/parquet/`, is written by eventledger's
pinned DuckDB (1.5.5) for tools that cannot attach the lake. A BI tool ships a
DuckDB of its own, often an older one, so this test writes a small export with
the project's own code (a published run of tests/test_warehouse.py's small
tables) and reads it with the DuckDB of `requirements/duckdb-compat.txt`, in a
venv of its own (`.venv-duckdb-compat`, made by `make compat-env` when it is
missing; never .venv): every table and view, whole, and every Parquet file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import duckdb
import pytest

from tests.conftest import REPO
from tests.test_warehouse import publish_run, small_tables

pytestmark = pytest.mark.slow  # about 5 s; the first time, making the venv adds about 30 s

COMPAT_VENV = REPO / ".venv-duckdb-compat"
REQUIREMENTS = REPO / "requirements" / "duckdb-compat.txt"

#: Run by the compat venv's interpreter: every relation of the export, each read whole, and the Parquet files.
READER = textwrap.dedent(r"""
    import json, sys
    import duckdb
    database, parquet = sys.argv[1], json.loads(sys.argv[2])
    con = duckdb.connect(database, read_only=True)
    relations = con.execute("SELECT table_name, table_type FROM information_schema.tables "
                            "WHERE table_schema = 'main' ORDER BY table_name").fetchall()
    read = {}
    for name, kind in relations:
        # every column, cast to text inside DuckDB: no Python types needed (TIMESTAMPTZ wants pytz)
        rows, width = con.execute(f'SELECT count(*), sum(length(CAST(r AS VARCHAR))) FROM "{name}" AS r').fetchone()
        read[name] = {"type": kind, "rows": rows, "chars": width}
    files = {}
    for name, paths in parquet.items():
        files[name] = con.execute("SELECT count(*) FROM read_parquet(?)", [paths]).fetchone()[0]
    print(json.dumps({"version": duckdb.__version__, "relations": read, "parquet": files}))
""")


def pinned_version() -> str:
    match = re.search(r"^duckdb==(\S+)", REQUIREMENTS.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{REQUIREMENTS} pins no duckdb version"
    return match.group(1)


def ensure_compat_venv(venv=COMPAT_VENV):
    """The venv's interpreter, made with `make compat-env` if missing or older than its requirements; else a skip."""
    stamp = venv / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        if shutil.which("make") is None:
            pytest.skip(f"make is not installed: cannot create {venv.name} (make compat-env)")
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        proc = subprocess.run(["make", "-s", "compat-env", f"COMPAT_VENV={venv}", f"PYTHON={sys.base_prefix}/bin/python3"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])
            pytest.skip(f"could not create {venv.name} from {REQUIREMENTS.name} (make compat-env): {tail}")
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def compat_python():
    return ensure_compat_venv()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A small published warehouse (one run of one document), written with the pinned DuckDB."""
    root = tmp_path_factory.mktemp("compat") / "wh"
    publish_run(root, "20240101T000000Z-a", small_tables())
    return root


def expected(root) -> dict:
    """The same reads with the DuckDB that wrote the export."""
    con = duckdb.connect(str(root / "events.duckdb"), read_only=True)
    try:
        relations = con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                "WHERE table_schema = 'main' ORDER BY table_name").fetchall()
        return {name: {"type": kind, "rows": con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]}
                for name, kind in relations}
    finally:
        con.close()


def test_the_export_is_read_whole_by_the_older_duckdb_of_the_compat_venv(compat_python, warehouse):
    parquet = {d.name: [str(f) for f in sorted(d.glob("*.parquet"))] for d in sorted((warehouse / "parquet").iterdir())}
    proc = subprocess.run([str(compat_python), "-I", "-c", READER, str(warehouse / "events.duckdb"), json.dumps(parquet)],
                          cwd=warehouse, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["version"] == pinned_version() != duckdb.__version__  # really the other DuckDB
    relations = seen["relations"]
    assert {name: {"type": r["type"], "rows": r["rows"]} for name, r in relations.items()} == expected(warehouse)
    assert (relations["events"]["type"], relations["events"]["rows"]) == ("BASE TABLE", 1)
    assert (relations["events_flat"]["type"], relations["events_flat"]["rows"]) == ("VIEW", 1)
    assert all(r["rows"] == 0 or r["chars"] > 0 for r in relations.values())
    manifest = json.loads((warehouse / "current" / "manifest.json").read_text(encoding="utf-8"))
    written = {name: t["rows"] for part in ("tables", "views") for name, t in manifest.get(part, {}).items()}
    assert {name: seen["parquet"][name] for name in written} == written
    assert seen["parquet"]["events"] == 1


def test_the_compat_venv_is_not_the_project_venv(compat_python):
    proc = subprocess.run([str(compat_python), "-I", "-c", "import sys; print(sys.prefix)"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == str(COMPAT_VENV)
    assert sys.prefix != str(COMPAT_VENV)
