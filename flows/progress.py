"""What a run tells the person (or the log file) watching it, and Prefect.

Why: a run over thousands of documents takes minutes to hours, and the only
sign of life used to be one line per 25 documents. Now:

- on a terminal, extraction draws one bar that redraws in place, with
  documents, sentences, the rate and the time left:

      extract [#########...........] 120/400 documents, 3,412 sentences, 4.1 docs/s, 1m08s left

- anywhere else (a log file, cron's mail, a CI log), the same facts come as
  plain lines, at most one every `PLAIN_INTERVAL_SECONDS` plus the last one,
  so that a log stays short however long the run;
- every line also goes to the Prefect logs of the flow run (see
  `flows.pipeline.log_to_prefect`), the bar's redraws excepted;
- the verbosity setting decides what reaches the terminal: `quiet` shows
  nothing here (errors and the final line are the command's), `normal` and
  `verbose` show the lines and the bar.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

#: Seconds between two plain progress lines (not on a terminal).
PLAIN_INTERVAL_SECONDS = 10.0
#: Seconds between two redraws of the bar (on a terminal).
BAR_INTERVAL_SECONDS = 0.2
BAR_WIDTH = 20
QUIET, NORMAL, VERBOSE = "quiet", "normal", "verbose"


def duration(seconds: float) -> str:
    """A short duration for people: 42s, 3m05s, 2h07m."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """`[#####...............]`: the share of `total` that is `done`."""
    filled = width if total <= 0 else min(width, width * done // total)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def extraction_status(done: int, total: int, sentences: int, elapsed: float) -> str:
    """`120/400 documents, 3,412 sentences, 4.1 docs/s, 1m08s left` (rate and time left once known)."""
    text = f"{done}/{total} documents, {sentences:,} sentences"
    if done and elapsed > 0:
        rate = done / elapsed
        text += f", {rate:.1f} docs/s"
        if done < total:
            text += f", {duration((total - done) / rate)} left"
        else:
            text += f", {duration(elapsed)}"
    return text


@dataclass
class Reporter:
    """Progress lines for one run: to `stream` as the verbosity says, and to `also` (Prefect's logs)."""

    verbosity: str = NORMAL
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    also: Callable[[str], None] = lambda message: None
    clock: Callable[[], float] = time.monotonic
    is_terminal: bool | None = None

    def __post_init__(self) -> None:
        if self.is_terminal is None:
            self.is_terminal = bool(getattr(self.stream, "isatty", lambda: False)())

    @property
    def shows(self) -> bool:
        return self.verbosity != QUIET

    def line(self, message: str) -> None:
        """One progress line: `ingest: 30 file(s), 30 usable`."""
        if self.shows:
            print(message, file=self.stream, flush=True)
        self.also(message)

    def extraction(self, total: int) -> ExtractionProgress:
        return ExtractionProgress(self, total, started=self.clock())


def _due(last: float | None, now: float, interval: float) -> bool:
    return last is None or now - last >= interval


@dataclass
class ExtractionProgress:
    """Documents and sentences extracted so far; a bar on a terminal, timed lines elsewhere."""

    reporter: Reporter
    total: int
    started: float
    done: int = 0
    sentences: int = 0
    _last_bar: float | None = None
    _last_line: float | None = None

    def advance_batch(self, batch) -> None:
        """Count a finished batch of segmented documents."""
        self.advance(len(batch), sum(len(doc.sentences) for doc in batch))

    def advance(self, documents: int, sentences: int) -> None:
        """Count a finished batch; redraw the bar or write a line if it is time (always after the last)."""
        self.done += documents
        self.sentences += sentences
        now = self.reporter.clock()
        last = self.done >= self.total
        status = extraction_status(self.done, self.total, self.sentences, now - self.started)
        drawing = self.reporter.is_terminal and self.reporter.shows
        if drawing and (last or _due(self._last_bar, now, BAR_INTERVAL_SECONDS)):
            print(f"\rextract {bar(self.done, self.total)} {status}\033[K", end="\n" if last else "",
                  file=self.reporter.stream, flush=True)
            self._last_bar = now
        if last or _due(self._last_line, now, PLAIN_INTERVAL_SECONDS):
            if self.reporter.shows and not drawing:
                print(f"extract: {status}", file=self.reporter.stream, flush=True)
            self.reporter.also(f"extract: {status}")
            self._last_line = now
