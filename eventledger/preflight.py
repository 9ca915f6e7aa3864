"""What `eventledger run` checks before it takes the warehouse lock and starts Prefect.

Why: a run that could not succeed used to find out inside the flow, after
Prefect's server had started and spaCy had loaded (about a minute), in words
that did not always name the file. What can be known before the run is
checked here, in about a second, and reported as one line saying what to do
(eventledger/errors.py). Such a run never starts, so it leaves no run record:
there is nothing to record but the mistake, which is on the screen.

The actor files are checked by loading them with the very loader the flow
uses (transforms/knowledge.py). It caches the knowledge by file identity, so
the flow's extract task gets the same object back instead of reading the
files again, and the check cannot disagree with the run.
"""

from __future__ import annotations

from eventledger.errors import EXIT_USAGE, UserError


def check_run(settings) -> None:
    """Raise UserError if the run cannot succeed: cheap checks first, loading the actor files last."""
    check_model(settings.spacy_model)
    check_actor_files(settings)


def check_model(setting: str | None) -> None:
    """A spaCy model is installed (a model named in the settings was checked with them)."""
    from transforms.nlp import ModelNotFound, choose_model

    try:
        choose_model(setting)
    except ModelNotFound as exc:
        raise UserError(str(exc), EXIT_USAGE) from None


def check_actor_files(settings) -> None:
    """The user's actor files load, with the loader (and the cache) the flow will use."""
    if not settings.actors:
        return
    from transforms.actor_kb import ActorFileError
    from transforms.knowledge import load_knowledge

    try:
        load_knowledge(settings.actors)
    except ActorFileError as exc:
        raise UserError(f"{exc}; fix the file, or leave it out of {settings.source('actors')}", EXIT_USAGE) from None
