"""The extractor fingerprint changes exactly when extraction output could change."""

from __future__ import annotations

import shutil

from transforms import fingerprint


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
