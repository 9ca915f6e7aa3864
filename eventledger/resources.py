"""Files shipped inside the `eventledger` package, found the same way in a checkout and in an installed wheel.

The bundled sample lives in `eventledger/sample/` (package data), not in
`data/sample/` at the top of the repository: a wheel holds only packages,
so a path computed from the checkout's layout pointed nowhere once
installed. `data/sample` stays in the checkout as a link to it, for old
habits and scripts.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from eventledger.errors import EXIT_FAILED, UserError

#: The package-data folder of the bundled sample documents.
SAMPLE_PACKAGE_DIR = "sample"


class SampleMissing(UserError):
    """The installed package has no readable sample folder (a broken or unusual install): one line, exit 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_FAILED)


def sample_dir() -> Path:
    """The folder of the bundled sample, as a real path (runs record it as the documents' source).

    `importlib.resources` finds the package wherever it was installed; a
    package installed as files (pip always does so) gives a real folder. A
    zipped package would give a path runs cannot walk, so it is refused in
    one line rather than extracted to a temporary folder, whose changing
    name would make every run re-extract the sample.
    """
    folder = resources.files("eventledger") / SAMPLE_PACKAGE_DIR
    if not isinstance(folder, Path) or not folder.is_dir():
        raise SampleMissing(f"the bundled sample is not a folder on disk ({folder}); "
                            "give the input paths to `eventledger run` explicitly")
    return folder
