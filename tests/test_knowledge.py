"""Knowledge is loaded by one loader and passed in: importing the extractor reads no data file."""

from __future__ import annotations

import json
import subprocess
import sys

from eventledger.transforms import fingerprint

_PROBE = r'''
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and args and isinstance(args[0], str) else None)
import eventledger.transforms.document, eventledger.transforms.extract, eventledger.transforms.actors  # noqa
import eventledger.transforms.places, eventledger.transforms.dates  # noqa
print(json.dumps([p for p in opened if "/transforms/data/" in p]))
'''


def test_importing_the_extractor_reads_no_knowledge_file():
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=fingerprint.TRANSFORMS.parent,
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_one_loader_bundles_the_knowledge(knowledge):
    assert knowledge.kb.vocab.group_nouns and "name_connector" in knowledge.kb.vocab.words
    assert knowledge.lexicon.words.aspectual and knowledge.lexicon.recodes
    assert "190" in knowledge.cameo


def test_knowledge_with_actor_files_is_built_once_and_again_when_a_file_changes(tmp_path):
    from eventledger.transforms.knowledge import load_knowledge

    extra = tmp_path / "actors.csv"
    extra.write_text("name,actor_type,country_code,aliases\nZeta Front,group,,ZF\n", encoding="utf-8")
    first = load_knowledge([extra])
    assert load_knowledge([str(extra)]) is first
    extra.write_text("name,actor_type,country_code,aliases\nZeta Front,group,,ZF|Zeta\n", encoding="utf-8")
    changed = load_knowledge([extra])
    assert changed is not first and changed.kb.lookup("Zeta") is not None
