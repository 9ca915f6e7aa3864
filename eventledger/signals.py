"""Ctrl-C and SIGTERM end a run the same clean way.

Why: a run stopped by Ctrl-C must close its record ("interrupted"), release
the warehouse lock, tell Prefect, and exit 130 within seconds; a run stopped
by SIGTERM (a scheduler's timeout, `systemctl stop`, `docker stop`) must do
exactly the same, with exit status 143. Python turns only SIGINT into an
exception (KeyboardInterrupt), so SIGTERM is turned into `Terminated`, a
subclass of it: every layer that cleans up after Ctrl-C (the flow, Prefect's
engine, the lock) then cleans up after SIGTERM too.

One step must not be cut in half by either: the publish switch (the
pointer's rename and the run record written with it). `held()` keeps both
signals waiting for that second and says afterwards whether one came, so
that a run that has published says so instead of claiming it was
interrupted. Everything before the switch stays interruptible at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

#: Exit status of a run ended by a signal: 128 + the signal's number, as shells report it.
EXIT_STATUS = {signal.SIGINT: 128 + signal.SIGINT, signal.SIGTERM: 128 + signal.SIGTERM}
_NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would raise KeyboardInterrupt."""


def signal_of(exc: BaseException) -> signal.Signals | None:
    """The signal behind an exception, or None if it is no interrupt.

    Three exceptions stand for one: KeyboardInterrupt (Ctrl-C), `Terminated`
    (SIGTERM, raised by `raise_on_sigterm`) and Prefect's TerminationSignal,
    which Prefect's engine raises for SIGTERM while a flow runs (it carries
    the signal's number as `.signal`; recognised by that, so that this module
    needs no Prefect).
    """
    if isinstance(exc, Terminated):
        return signal.SIGTERM
    if isinstance(exc, KeyboardInterrupt):
        return signal.SIGINT
    number = getattr(exc, "signal", None)
    if isinstance(number, int) and number in (signal.SIGINT, signal.SIGTERM) and not isinstance(exc, Exception):
        return signal.Signals(number)
    return None


def describe(exc: BaseException) -> str:
    """'Ctrl-C (SIGINT)' or 'SIGTERM', for one-line messages and run records."""
    return _NAMES[signal_of(exc) or signal.SIGINT]


def exit_status(exc: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return EXIT_STATUS[signal_of(exc) or signal.SIGINT]


def _raise_terminated(signum, frame) -> None:  # noqa: ARG001 - the signal module's handler signature
    raise Terminated()


def raise_on_sigterm() -> None:
    """Turn SIGTERM into `Terminated` in this process (call from the main thread, once, at start)."""
    signal.signal(signal.SIGTERM, _raise_terminated)


@dataclass
class Held:
    """What `held()` kept waiting: the interrupt that arrived during the block, if any."""

    interrupt: KeyboardInterrupt | None = None


@contextlib.contextmanager
def held(outcome: Held | None = None) -> Iterator[Held]:
    """Keep SIGINT and SIGTERM waiting while the block runs; report the one that came, do not raise it.

    The report is the yielded `Held`, or `outcome` if given (so that a caller
    can hand `functools.partial(held, outcome)` to code that only enters it).
    Outside the main thread (where handlers cannot be set) this does nothing.
    """
    outcome = Held() if outcome is None else outcome
    if threading.current_thread() is not threading.main_thread():
        yield outcome
        return

    def keep(signum, frame) -> None:  # noqa: ARG001
        if outcome.interrupt is None:
            outcome.interrupt = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    previous = {sig: signal.signal(sig, keep) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield outcome
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
