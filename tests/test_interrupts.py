"""eventledger/signals.py alone: which exceptions are interrupts, and `held()` keeping them waiting."""

from __future__ import annotations

import os
import signal
import time

import pytest

from eventledger import signals


def test_ctrl_c_sigterm_and_prefects_termination_signal_are_interrupts_and_nothing_else_is():
    from prefect.exceptions import TerminationSignal

    assert signals.signal_of(KeyboardInterrupt()) == signal.SIGINT
    assert signals.signal_of(signals.Terminated()) == signal.SIGTERM
    assert signals.signal_of(TerminationSignal(signal.SIGTERM)) == signal.SIGTERM
    assert signals.signal_of(ValueError("signal")) is None
    assert (signals.exit_status(KeyboardInterrupt()), signals.exit_status(signals.Terminated())) == (130, 143)
    assert signals.describe(TerminationSignal(signal.SIGTERM)) == "SIGTERM"


def test_sigterm_raises_terminated_once_asked_to():
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signals.raise_on_sigterm()
        with pytest.raises(signals.Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at once and raises
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("sig, kind", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, signals.Terminated)])
def test_held_keeps_a_signal_waiting_until_the_block_ends_and_says_it_came(sig, kind):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    finished = False
    with signals.held() as held:
        os.kill(os.getpid(), sig)
        os.kill(os.getpid(), sig)  # a second one changes nothing
        finished = True
    assert finished and type(held.interrupt) is kind
    assert {s: signal.getsignal(s) for s in before} == before  # the handlers are back as they were


def test_held_with_no_signal_reports_none():
    with signals.held() as held:
        pass
    assert held.interrupt is None


def test_an_interrupt_during_the_switch_waits_for_it_and_the_run_is_published(tmp_path):
    """The guard around the switch (warehouse.publish) holds a Ctrl-C that arrives inside it."""
    import contextlib
    import datetime as dt

    from eventledger.warehouse import publish

    outcome = signals.Held()

    @contextlib.contextmanager
    def guard_that_gets_ctrl_c():
        with signals.held(outcome):
            os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of the switch
            yield

    record = {"run_id": "r1", "status": "published", "started_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    publish.publish(tmp_path / "wh", "r1", {}, record, guard=guard_that_gets_ctrl_c)
    assert publish.is_current(tmp_path / "wh", "r1")
    assert type(outcome.interrupt) is KeyboardInterrupt
