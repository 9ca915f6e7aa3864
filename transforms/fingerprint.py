"""The extractor fingerprint: which code, rules and model produced a document's rows.

Incremental runs skip extraction for a document whose content id is already
published, but only when the published rows came from the same extractor:
the same package version, the same Python code and knowledge files under
`transforms/`, the same extra actor files and the same spaCy model. Any
change to one of them changes the fingerprint, and every document is
extracted again, so a rule change never leaves stale rows behind. The
fingerprint is stored per document (`documents.extractor_fingerprint`) so
that BI users can see which rows came from which extractor.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
from collections.abc import Iterable
from pathlib import Path

TRANSFORMS = Path(__file__).resolve().parent


def extractor_files(root: Path = TRANSFORMS) -> list[Path]:
    """The code and knowledge files whose content decides extraction output.

    Every module of the package (subpackages too), every project module
    outside it that the package imports, directly or through another project
    module, every file under `data/`, and the table contract (`contract.toml`:
    the columns the rows are built with). A file left out here is a change
    that would leave stale rows behind (tests/test_fingerprint.py checks the
    list against what an extraction really loads and opens).
    """
    code = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    data = sorted(p for p in (root / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    tables = [p for p in [root / "contract.toml"] if p.is_file()]
    return code + imported_project_modules(code, root.parent) + data + tables


def _imported_names(path: Path) -> set[str]:
    """Absolute module names imported by a Python file (`import a.b`, `from a.b import c`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            if module:
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _absolute(node: ast.ImportFrom, path: Path) -> str | None:
    """The absolute name of a `from ... import` ("from .names import x" in a/b.py is a.names)."""
    if node.level == 0:
        return node.module
    package = path.parent
    for _ in range(node.level - 1):
        package = package.parent
    parts = []
    while (package / "__init__.py").is_file():
        parts.insert(0, package.name)
        package = package.parent
    if not parts:
        return None
    return ".".join(parts + ([node.module] if node.module else []))


#: The project's package, and its layers: subpackages whose folders sit beside each other, at the top of
#: a checkout (`transforms/`, beside `eventledger/`) or inside the installed package (pyproject.toml).
PACKAGE = "eventledger"
LAYERS = ("flows", "transforms", "expectations", "warehouse")


def _project_file(name: str, project: Path) -> list[Path]:
    """The files of `project` that importing module `name` executes (each package's __init__ too).

    `project` is the folder holding the layers: the checkout, or the
    installed `eventledger` package. Names of other packages give nothing.
    """
    parts = name.split(".")
    if parts[0] in LAYERS:  # a relative import's absolute name, as seen from a checkout
        parts = [PACKAGE, *parts]
    found: list[Path] = []
    if parts[0] == PACKAGE:
        package = project / PACKAGE if (project / PACKAGE / "__init__.py").is_file() else project
        found.append(package / "__init__.py")
        base, rest = (project if len(parts) > 1 and parts[1] in LAYERS else package), parts[1:]
    else:  # another top-level module of the project's folder
        base, rest = project, parts
    for n in range(1, len(rest) + 1):
        stem = base.joinpath(*rest[:n])
        found += [stem / "__init__.py", stem.with_suffix(".py")]
    return [f for f in found if f.is_file()]


def imported_project_modules(modules: list[Path], project: Path) -> list[Path]:
    """Project files outside the package that `modules` import, followed recursively.

    Found statically (the import statements), so that computing a fingerprint
    never imports anything: e.g. a `from eventledger.names import x` in
    transforms/actors.py adds eventledger/__init__.py and eventledger/names.py,
    and whatever project modules those import in turn.
    """
    inside = {p.resolve() for p in modules}
    seen: set[Path] = set()
    queue = list(modules)
    while queue:
        path = queue.pop()
        for name in sorted(_imported_names(path)):
            for found in _project_file(name, project):
                found = found.resolve()
                if found not in inside and found not in seen:
                    seen.add(found)
                    queue.append(found)
    return sorted(seen)


def package_version() -> str:
    try:
        return importlib.metadata.version("eventledger")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def model_identity(model: str | None) -> str:
    """Name and version of the spaCy pipeline, without loading it (loading costs seconds)."""
    if not model:
        return "none"
    folder = Path(model)
    meta = folder / "meta.json"
    if meta.is_file():
        return "folder:" + hashlib.sha256(meta.read_bytes()).hexdigest()[:16]
    try:
        return f"{model}=={importlib.metadata.version(model)}"
    except importlib.metadata.PackageNotFoundError:
        return model


def model_version(model: str | None) -> dict:
    """The spaCy pipeline's name and version for the run record, without loading it.

    An installed package gives its distribution version; a model folder the
    `name` and `version` of its meta.json. Unknown parts are None.
    """
    if not model:
        return {"name": None, "version": None}
    meta = Path(model) / "meta.json"
    if meta.is_file():
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        name = f"{info['lang']}_{info['name']}" if info.get("lang") and info.get("name") else None
        return {"name": name or model, "version": info.get("version"), "path": str(Path(model).resolve())}
    try:
        return {"name": model, "version": importlib.metadata.version(model)}
    except importlib.metadata.PackageNotFoundError:
        return {"name": model, "version": None}


def extractor_fingerprint(actors_files: Iterable[str | Path] = (), model: str | None = None,
                          root: Path = TRANSFORMS) -> str:
    """A short, stable hash of everything that decides a document's extracted rows."""
    digest = hashlib.sha256()

    def add(label: str, content: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\x00" + hashlib.sha256(content).digest())

    add("package", package_version().encode())
    add("model", model_identity(model).encode())
    for path in extractor_files(root):
        label = path.relative_to(root) if path.is_relative_to(root) else Path("..") / path.relative_to(root.parent)
        add(label.as_posix(), path.read_bytes())
    for n, path in enumerate(actors_files):
        add(f"actors[{n}]", Path(path).read_bytes())
    return "xf_" + digest.hexdigest()[:16]

