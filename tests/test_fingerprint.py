"""The extractor fingerprint changes exactly when extraction output could change."""

from __future__ import annotations

import shutil

from eventledger.transforms import fingerprint


def copy_transforms(tmp_path):
    root = tmp_path / "transforms"
    shutil.copytree(fingerprint.TRANSFORMS, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_fingerprint_is_stable_and_short():
    a = fingerprint.extractor_fingerprint()
    assert a == fingerprint.extractor_fingerprint()
    assert a.startswith("xf_") and len(a) == 19


def test_a_rule_or_data_change_changes_it(tmp_path):
    root = copy_transforms(tmp_path)
    before = fingerprint.extractor_fingerprint(root=root)
    csv = next((root / "data").rglob("*.csv"))
    csv.write_text(csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_data = fingerprint.extractor_fingerprint(root=root)
    (root / "extract.py").write_text("# changed\n", encoding="utf-8")
    after_code = fingerprint.extractor_fingerprint(root=root)
    assert len({before, after_data, after_code}) == 3


def test_actor_files_and_model_change_it(tmp_path):
    actors = tmp_path / "extra.csv"
    actors.write_text("name,type\n", encoding="utf-8")
    base = fingerprint.extractor_fingerprint()
    with_actors = fingerprint.extractor_fingerprint([actors])
    actors.write_text("name,type\nX,group\n", encoding="utf-8")
    assert len({base, with_actors, fingerprint.extractor_fingerprint([actors])}) == 3
    assert fingerprint.extractor_fingerprint(model="a_model") != fingerprint.extractor_fingerprint(model="b_model")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "meta.json").write_text('{"version": "1"}', encoding="utf-8")
    assert fingerprint.model_identity(str(model_dir)).startswith("folder:")


def test_every_python_file_of_subpackages_is_hashed(tmp_path):
    root = copy_transforms(tmp_path)
    sub = root / "rules"
    sub.mkdir()
    (sub / "__init__.py").write_text("", encoding="utf-8")
    (sub / "extra.py").write_text("X = 1\n", encoding="utf-8")
    before = fingerprint.extractor_fingerprint(root=root)
    assert sub / "extra.py" in fingerprint.extractor_files(root)
    (sub / "extra.py").write_text("X = 2\n", encoding="utf-8")
    assert fingerprint.extractor_fingerprint(root=root) != before


def test_project_modules_outside_the_package_are_followed_recursively(tmp_path):
    """transforms -> helpers.names -> helpers.tables (relative import): both helper files count."""
    root = copy_transforms(tmp_path)
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "__init__.py").write_text("", encoding="utf-8")
    (helpers / "names.py").write_text("from .tables import T\n", encoding="utf-8")
    (helpers / "tables.py").write_text("T = 1\n", encoding="utf-8")
    (tmp_path / "unused.py").write_text("U = 1\n", encoding="utf-8")
    (root / "uses_helpers.py").write_text("def f():\n    from helpers.names import T\n    return T\n", encoding="utf-8")
    files = fingerprint.extractor_files(root)
    assert {helpers / "__init__.py", helpers / "names.py", helpers / "tables.py"} <= set(files)
    assert tmp_path / "unused.py" not in files
    before = fingerprint.extractor_fingerprint(root=root)
    (helpers / "tables.py").write_text("T = 2\n", encoding="utf-8")
    assert fingerprint.extractor_fingerprint(root=root) != before


#: Run in a fresh interpreter: loads the knowledge and the model, extracts a small document
#: whose sentences reach the lazily loaded tables (places, named periods, dates), and prints
#: every project file that was imported or opened on the way, as JSON.
_PROBE = r'''
import json, sys
from pathlib import Path
repo = Path(sys.argv[1]).resolve()
opened = set()

def audit(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        opened.add(Path(args[0].decode() if isinstance(args[0], bytes) else args[0]).resolve())

sys.addaudithook(audit)
from eventledger.transforms import document, ingest
from eventledger.transforms.knowledge import load_knowledge
from eventledger.transforms.nlp import load_pipeline

docs = [document.segment(d) for d in ingest.read_documents([Path(sys.argv[2])]) if d.usable]
document.extract_batch(docs, load_pipeline(), load_knowledge())
loaded = {Path(m.__file__).resolve() for m in list(sys.modules.values()) if getattr(m, "__file__", None)}

def project(path):
    # an editable install's metadata (eventledger.egg-info) is read by importlib.metadata: the
    # package version, which the fingerprint holds already, not extraction knowledge
    metadata = any(part.endswith((".egg-info", ".dist-info")) for part in path.parts)
    return path.is_relative_to(repo) and not metadata \
        and not ({".venv", "site-packages", "__pycache__", "tests"} & set(path.parts))

print(json.dumps(sorted(str(p) for p in loaded | opened if project(p) and p.is_file())))
'''

_PROBE_TEXT = """NAIROBI, 3 March 2022 - Kenyan police fired tear gas at protesters in Mombasa.
On 5 March, Ethiopia and Kenya signed a trade agreement in Addis Ababa.
During the Second World War, Germany invaded Poland, and in the 12th century the two kingdoms fought.
Two days later, the Russian foreign minister met Sergey Lavrov in Moscow.
"""


def test_every_file_an_extraction_loads_is_in_the_fingerprint(tmp_path):
    """Fails when a module or data file that extraction really uses is left out of the hash."""
    import json
    import subprocess
    import sys

    repo = fingerprint.TRANSFORMS.parent
    doc = tmp_path / "probe.txt"
    doc.write_text(_PROBE_TEXT, encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", _PROBE, str(repo), str(doc)], cwd=repo,
                         capture_output=True, text=True, check=True)
    used = {p for p in json.loads(out.stdout.strip().splitlines()[-1])}
    hashed = {str(p.resolve()) for p in fingerprint.extractor_files()}
    assert any(p.endswith(".csv") for p in used) and any(p.endswith("extract.py") for p in used)
    assert sorted(used - hashed) == []
