"""What `eventledger run` checks before it takes the warehouse lock and starts Prefect.

Why: a run that could not succeed used to find out inside the flow, after
Prefect's server had started and spaCy had loaded (about a minute), in words
that did not always name the file. What can be known before the run is
checked here, in about a second, and reported as one line saying what to do
(eventledger/errors.py). Such a run never starts, so it leaves no run record:
there is nothing to record but the mistake, which is on the screen.

The actor files are checked by loading them with the very loader the flow
uses (transforms/knowledge.py), so the check cannot disagree with the run. It
caches the knowledge by file identity: extraction in the run's own process
gets the same object back; worker processes (flows/workers.py) load their
own copy once each.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from eventledger.errors import EXIT_FAILED, EXIT_USAGE, UserError

#: Missing input paths named in the message; the rest are counted.
SHOWN = 3


def check_run(paths: Sequence[Path | str], settings, allow_missing: bool = False) -> None:
    """Raise UserError if the run cannot succeed: cheap checks first, loading the actor files last."""
    check_inputs(paths, allow_missing)
    check_warehouse(settings.warehouse)
    check_model(settings.spacy_model)
    check_actor_files(settings)


def check_inputs(paths: Sequence[Path | str], allow_missing: bool = False) -> None:
    """Every input path named on the command line exists, unless the user allowed missing ones."""
    missing = [str(p) for p in paths if not os.path.exists(p)]
    if not missing or allow_missing:
        return
    shown = ", ".join(missing[:SHOWN]) + (f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else "")
    what = "input not found" if len(missing) == 1 else f"{len(missing)} inputs not found"
    fix = "fix the path" if len(missing) == 1 else "fix the paths"
    if len(missing) < len(paths):
        fix += ", or add --allow-missing to publish the other inputs"
    raise UserError(f"{what}: {shown}; nothing was run ({fix})", EXIT_FAILED)


def check_warehouse(root: Path) -> None:
    """The warehouse folder is new, empty or eventledger's, and its lake is where lake.json says."""
    from eventledger.warehouse.publish import ForeignFolder, LakeDamaged, check_folder

    try:
        check_folder(root)
    except ForeignFolder as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    except LakeDamaged as exc:
        raise UserError(str(exc), EXIT_FAILED) from None


def check_model(setting: str | None) -> None:
    """A spaCy model is installed (a model named in the settings was checked with them)."""
    from eventledger.transforms.nlp import ModelNotFound, choose_model

    try:
        choose_model(setting)
    except ModelNotFound as exc:
        raise UserError(str(exc), EXIT_USAGE) from None


def check_actor_files(settings) -> None:
    """The user's actor files load, with the loader (and the cache) the flow will use."""
    if not settings.actors:
        return
    from eventledger.transforms.actor_kb import ActorFileError
    from eventledger.transforms.knowledge import load_knowledge

    try:
        load_knowledge(settings.actors)
    except ActorFileError as exc:
        raise UserError(f"{exc}; fix the file, or leave it out of {settings.source('actors')}", EXIT_USAGE) from None
