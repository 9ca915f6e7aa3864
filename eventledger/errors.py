"""Errors the user can fix: one line saying what is wrong and what to do.

Why: the command line prints an unexpected exception as its type and message
plus a hint about EVENTLEDGER_DEBUG. That suits a bug, not a mistake in the
command (a gold file with a bad line, empty SQL, a warehouse not published
yet): those deserve one plain line, no type name, and an exit status that
says whose problem it is (2: fix the command or its files; 1: the command
was right but cannot be done now).

`UserError` is raised by the command line's own checks; `as_user_error`
also recognises a few exceptions of the lower layers (warehouse, transforms),
which know nothing of the command line and so do not import this module.
"""

from __future__ import annotations

import re

#: The command, a setting or a file it names must change (argparse's own status).
EXIT_USAGE = 2
#: The command cannot be done as things are (nothing published yet, inputs missing).
EXIT_FAILED = 1


class UserError(Exception):
    """A problem the user can fix; the message is one line saying what to do (without "eventledger: ")."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(re.sub(r"\s*[\r\n]+\s*", " ", message))  # one line, whatever the parts held
        self.status = status


def as_user_error(exc: BaseException) -> UserError | None:
    """The one-line form of an error the user can fix, or None for anything else (a bug)."""
    if isinstance(exc, UserError):
        return exc
    from eventledger.transforms.nlp import ModelNotFound
    from eventledger.warehouse.checksums import DataFileChanged
    from eventledger.warehouse.maintenance import NotAWarehouse
    from eventledger.warehouse.extensions import ExtensionMissing
    from eventledger.warehouse.publish import ForeignFolder, LakeDamaged
    from eventledger.warehouse.query import EmptyQuery, NotReadOnly, SnapshotNotKept, WarehouseMissing

    if isinstance(exc, (WarehouseMissing, SnapshotNotKept, NotAWarehouse, ExtensionMissing, LakeDamaged,
                        DataFileChanged)):
        return UserError(str(exc), EXIT_FAILED)
    if isinstance(exc, (EmptyQuery, NotReadOnly, ModelNotFound, ForeignFolder)):
        return UserError(str(exc), EXIT_USAGE)
    return None
