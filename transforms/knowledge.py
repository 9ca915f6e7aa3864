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
from pathlib import Path

from transforms.actor_kb import ActorKB, load_actor_kb
from transforms.cameo import CameoCode, load_cameo_codes
from transforms.lexicon import Lexicon, load_lexicon


@dataclass(frozen=True)
class Knowledge:
    kb: ActorKB
    lexicon: Lexicon
    cameo: Mapping[str, CameoCode]


def load_knowledge(actor_files: Sequence[str | Path] = ()) -> Knowledge:
    """The packaged knowledge plus the user's actor files, each file read once per process."""
    return Knowledge(
        kb=load_actor_kb(tuple(Path(f) for f in actor_files)),
        lexicon=load_lexicon(),
        cameo=load_cameo_codes(),
    )
