"""Everything extraction knows about the world, loaded by one loader and passed down.

Why one object: the actor knowledge base (transforms/data/actors/ plus the
user's `--actors` files), the lexicon (verb and noun patterns, modality,
recodes, word classes) and the CAMEO table are data files. Loading them in
one place, once per process, and handing them to the functions that need
them keeps every module free of hidden file reads and import-time state: a
test can pass a small knowledge object of its own, and the extractor
fingerprint (transforms/fingerprint.py) hashes exactly these files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventledger.transforms.actor_kb import ActorKB, load_actor_kb
from eventledger.transforms.cameo import CameoCode, load_cameo_codes
from eventledger.transforms.lexicon import Lexicon, load_lexicon


@dataclass(frozen=True)
class Knowledge:
    kb: ActorKB
    lexicon: Lexicon
    cameo: Mapping[str, CameoCode]


def load_knowledge(actor_files: Sequence[str | Path] = ()) -> Knowledge:
    """The packaged knowledge plus the user's actor files, built once per process for the same
    files: the flow asks for it once per batch of documents, and building a KB with extra actor
    files takes seconds. A file that changed (size or modification time) is read again."""
    return _knowledge(tuple(_file_identity(Path(f)) for f in actor_files))


def _file_identity(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _knowledge(actor_files: tuple[tuple[str, int, int], ...]) -> Knowledge:
    return Knowledge(
        kb=load_actor_kb(tuple(Path(name) for name, _, _ in actor_files)),
        lexicon=load_lexicon(),
        cameo=load_cameo_codes(),
    )
