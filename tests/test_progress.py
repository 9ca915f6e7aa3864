"""Progress lines: a bar on a terminal, timed plain lines elsewhere, nothing when quiet; Prefect always told."""

from __future__ import annotations

import io

from eventledger.flows.progress import Reporter, bar, duration, extraction_status


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def reporter(verbosity="normal", terminal=False):
    clock, stream, prefect = Clock(), io.StringIO(), []
    return Reporter(verbosity, stream=stream, also=prefect.append, clock=clock, is_terminal=terminal), clock, stream, prefect


def test_durations_read_like_a_person_would_say_them():
    assert [duration(s) for s in (0, 42.4, 185, 7620)] == ["0s", "42s", "3m05s", "2h07m"]


def test_the_bar_fills_with_the_share_done():
    assert bar(0, 10, width=10) == "[..........]"
    assert bar(5, 10, width=10) == "[#####.....]"
    assert bar(12, 10, width=10) == "[##########]"
    assert bar(0, 0, width=4) == "[####]"  # nothing to do is all done


def test_the_status_has_documents_sentences_rate_and_time_left():
    assert extraction_status(0, 400, 0, 0.0) == "0/400 documents, 0 sentences"
    assert extraction_status(100, 400, 3412, 25.0) == "100/400 documents, 3,412 sentences, 4.0 docs/s, 1m15s left"
    assert extraction_status(400, 400, 9000, 100.0) == "400/400 documents, 9,000 sentences, 4.0 docs/s, 1m40s"


def test_away_from_a_terminal_lines_come_at_most_every_ten_seconds_and_always_at_the_end():
    report, clock, stream, prefect = reporter()
    extraction = report.extraction(100)
    for _ in range(10):  # a batch of 10 documents every 3 seconds
        clock.now += 3
        extraction.advance(10, 50)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "extract: 10/100 documents, 50 sentences, 3.3 docs/s, 27s left"
    assert lines[-1] == "extract: 100/100 documents, 500 sentences, 3.3 docs/s, 30s"
    assert len(lines) == 4  # at 3 s, 15 s, 27 s, and the last at 30 s
    assert prefect == lines  # the Prefect logs get the same lines
    assert "\r" not in stream.getvalue()


def test_on_a_terminal_one_bar_redraws_in_place_and_prefect_gets_timed_lines():
    report, clock, stream, prefect = reporter(terminal=True)
    extraction = report.extraction(3)
    for _ in range(3):
        clock.now += 1
        extraction.advance(1, 10)
    out = stream.getvalue()
    assert out.count("\r") == 3 and out.endswith("\n") and out.count("\n") == 1
    assert "extract [####################] 3/3 documents, 30 sentences" in out
    assert prefect == ["extract: 1/3 documents, 10 sentences, 1.0 docs/s, 2s left",
                       "extract: 3/3 documents, 30 sentences, 1.0 docs/s, 3s"]


def test_quiet_shows_nothing_but_prefect_still_gets_every_line():
    report, clock, stream, prefect = reporter("quiet", terminal=True)
    report.line("ingest: 2 file(s), 2 usable")
    extraction = report.extraction(2)
    clock.now += 1
    extraction.advance(2, 7)
    assert stream.getvalue() == ""
    assert prefect == ["ingest: 2 file(s), 2 usable", "extract: 2/2 documents, 7 sentences, 2.0 docs/s, 1s"]


def test_a_stream_that_is_not_a_terminal_is_recognised_as_such():
    assert Reporter(stream=io.StringIO()).is_terminal is False
