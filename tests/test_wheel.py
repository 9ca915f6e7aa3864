"""The built wheel holds what a run needs and nothing else, and works away from the checkout.

A checkout hides packaging mistakes: every file is there whatever
pyproject.toml says. So this builds the wheel from a copy of the sources,
reads its file list, installs it into a folder of its own (`pip install
--target`, no dependencies: they are this interpreter's) and imports it
from elsewhere, where only the wheel's files can be found; last, a real
`eventledger run` with no paths from there publishes the bundled sample.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

#: Not copied to the build folder, anywhere: the build's own leftovers and caches.
IGNORED_ANYWHERE = shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".pytest_cache")
#: Not copied from the top of the checkout: not packaged, or large (transforms/data is packaged: only the top).
IGNORED_AT_TOP = {".venv", ".venv-duckdb-compat", "build", "dist", "data", "tests", "docs", "inbox", ".eventledger"}
#: Run by the installed wheel's interpreter in a folder away from the checkout; prints what it found.
CHECK = r"""
import json, sys
import eventledger
from eventledger import flows, transforms, expectations, warehouse
from eventledger.resources import sample_dir
from eventledger.transforms.contract import load as load_contract
import eventledger.cli, eventledger.warehouse.query, eventledger.warehouse.publish, eventledger.flows.pipeline  # a run's
print(json.dumps({
    "files": {m.__name__: m.__file__ for m in (eventledger, flows, transforms, expectations, warehouse)},
    "sample": sorted(p.name for p in sample_dir().glob("*.txt")),
    "sample_dir": str(sample_dir()),
    "tables": sorted(load_contract()),
    "pytest_imported": "pytest" in sys.modules,
}))
"""


def _has_modern_setuptools() -> bool:
    """setuptools 77+ here lets the build run offline, without pip's isolated build environment."""
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return major >= 77


def build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a clean copy (setuptools reuses a stale build/ folder's files)."""
    source = tmp_path / "src"
    def ignored(folder: str, names: list[str]) -> set[str]:
        top = IGNORED_AT_TOP if Path(folder) == REPO else set()
        return IGNORED_ANYWHERE(folder, names) | (top & set(names))

    shutil.copytree(REPO, source, ignore=ignored, symlinks=True)
    out = tmp_path / "dist"
    # offline with setuptools 77+ here (the dev extra installs it); else pip fetches setuptools for the build
    isolation = ["--no-build-isolation", "--no-index"] if _has_modern_setuptools() else []
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *isolation,
                           "-w", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.glob("eventledger-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def installed_name(path: str) -> str:
    """Where a file of the checkout lands in the wheel: the four layers go under `eventledger/`."""
    return path if path.startswith("eventledger/") else f"eventledger/{path}"


def test_the_wheel_holds_the_runtime_packages_and_their_data_and_nothing_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names}
    info = next(t for t in tops if t.endswith(".dist-info"))
    assert tops == {"eventledger", info}  # nothing generic at the top of site-packages: no flows, no tests
    for folder in ("transforms/data", "expectations/suites", "warehouse/sql", "eventledger/sample"):
        shipped = {installed_name(p.relative_to(REPO).as_posix()) for p in (REPO / folder).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
        assert shipped and shipped <= names, f"{folder}: {sorted(shipped - names)[:5]} not in the wheel"
    assert "eventledger/transforms/contract.toml" in names
    for layer in ("flows", "transforms", "expectations", "warehouse"):
        assert f"eventledger/{layer}/__init__.py" in names
    assert f"{info}/licenses/LICENSE" in names


def test_the_wheel_metadata_has_no_test_tools_among_the_runtime_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert not [r for r in runtime if r.startswith(("pytest", "setuptools"))], runtime
    assert 'pytest>=8; extra == "dev"' in requires
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed into a folder of its own, without dependencies (they are this interpreter's)."""
    target = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--quiet",
                           "--target", str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return target


def run_installed(installed: Path, where: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Python in `where`, away from the checkout, importing the installed wheel first (before any editable
    install of the checkout, whose finder comes after the path)."""
    env = {**os.environ, "PYTHONPATH": str(installed), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-s", *args], cwd=where, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_installed_wheel_finds_its_sample_and_contract_away_from_the_checkout(installed, tmp_path):
    proc = run_installed(installed, tmp_path, "-c", CHECK)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    for name, file in found["files"].items():  # the wheel's copy, not the checkout's (nor an editable install's)
        assert Path(file).is_relative_to(installed), (name, file)
    assert Path(found["sample_dir"]) == installed / "eventledger" / "sample"
    assert found["sample"] == sorted(p.name for p in (REPO / "eventledger" / "sample").glob("*.txt"))
    assert {"events", "actors", "documents"} <= set(found["tables"])
    assert found["pytest_imported"] is False


def test_eventledger_run_from_the_wheel_publishes_the_bundled_sample(installed, tmp_path):
    """`eventledger run` with no paths, as `make run` does, but from the wheel (about 25 s: a real run)."""
    import duckdb

    proc = run_installed(installed, tmp_path, "-m", "eventledger.cli", "run", "--warehouse", "wh", "-q",
                         "--workers", "1", timeout=300)
    assert (proc.returncode, proc.stderr) == (0, "")
    with duckdb.connect(str(tmp_path / "wh" / "events.duckdb"), read_only=True) as con:
        (path,), = con.execute("SELECT path FROM input_files").fetchall()
        (events,), = con.execute("SELECT count(*) FROM events").fetchall()
    assert Path(path).is_relative_to(installed / "eventledger" / "sample")
    assert events > 0
