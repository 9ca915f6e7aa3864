"""Named periods and centuries as date mentions, on phrases written for these tests."""

import datetime as dt

import pytest

from eventledger.transforms.dates import RunningDate, find_mentions
from eventledger.transforms.periods import century_window, find_periods, named_periods

D = dt.date


def period(text):
    found = find_periods(text)
    return [(p.lo, p.hi) for p in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("During the Second World War the two exiled governments met.", (D(1939, 9, 1), D(1945, 9, 2))),
        ("in World War II both states", (D(1939, 9, 1), D(1945, 9, 2))),
        ("during the First World War the port", (D(1914, 7, 28), D(1918, 11, 11))),
        ("During the Cold War, the two navies", (D(1947, 3, 12), D(1991, 12, 26))),
        ("during the Gulf War the embassy", (D(1990, 8, 2), D(1991, 2, 28))),
        ("in the Korean War", (D(1950, 6, 25), D(1953, 7, 27))),
        ("during the Vietnam War", (D(1955, 11, 1), D(1975, 4, 30))),
        ("during the Iran–Iraq war", (D(1980, 9, 22), D(1988, 8, 20))),
        ("during the Iran-Iraq War", (D(1980, 9, 22), D(1988, 8, 20))),
        ("in the Six-Day War", (D(1967, 6, 5), D(1967, 6, 10))),
        ("during the Yom Kippur War", (D(1973, 10, 6), D(1973, 10, 25))),
        ("during the Napoleonic Wars", (D(1803, 5, 18), D(1815, 11, 20))),
        ("in the interwar period", (D(1918, 11, 11), D(1939, 8, 31))),
        ("during the Thirty Years' War", (D(1618, 5, 23), D(1648, 10, 24))),
    ],
)
def test_named_periods_resolve_to_their_windows(text, expected):
    assert period(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("After the Six-Day War, the two states cut ties.", (D(1967, 6, 10), D(1967, 12, 31))),
        ("in the aftermath of the Six-Day War", (D(1967, 6, 10), D(1967, 12, 31))),
        ("at the end of the First World War", (D(1918, 1, 1), D(1918, 11, 11))),
        ("at the outbreak of the Korean War", (D(1950, 6, 25), D(1950, 12, 31))),
        ("on the eve of the Second World War", (D(1939, 1, 1), D(1939, 9, 1))),
    ],
)
def test_the_preposition_selects_part_of_the_period(text, expected):
    assert period(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The Gulf War began when Iraq invaded Kuwait.",  # the war is the event, not its date
        "Iraq's invasion of Kuwait started the Gulf War.",
        "The Korean War ended in stalemate.",
        "during the troubles of the last decade",  # a common noun, not the named period
        "in the Korean War-era barracks",
    ],
)
def test_a_period_without_a_temporal_preposition_is_no_date(text):
    assert find_periods(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("In the 12th century, the two kingdoms fought.", (D(1100, 1, 1), D(1199, 12, 31))),
        ("in the early 19th century", (D(1800, 1, 1), D(1833, 12, 31))),
        ("in the mid-19th century", (D(1834, 1, 1), D(1866, 12, 31))),
        ("in the late 18th century", (D(1767, 1, 1), D(1799, 12, 31))),
        ("during the second half of the nineteenth century", (D(1850, 1, 1), D(1899, 12, 31))),
        ("by the end of the 19th century", (D(1867, 1, 1), D(1899, 12, 31))),
        ("in the twenty-first century", (D(2000, 1, 1), D(2099, 12, 31))),
    ],
)
def test_centuries_are_a_rule(text, expected):
    assert period(text) == [expected]


@pytest.mark.parametrize("text", ["a 12th-century castle", "in the 5th century BC", "since the 19th century",
                                  "the 19th century saw new borders"])
def test_what_is_not_a_century_date(text):
    assert find_periods(text) == []


def test_century_window_bounds():
    assert century_window(1, None) == (D(1, 1, 1), D(99, 12, 31))
    assert century_window(30, None) is None


def test_periods_are_date_mentions_that_do_not_move_the_running_date():
    running = RunningDate()
    running.resolve_all(find_mentions("In 1950 the border closed."))
    (mention, window), = running.resolve_all(find_mentions("During the Korean War the ports stayed shut."))
    assert mention.kind == "period" and (window.start, window.precision) == (D(1950, 6, 25), "range")
    (_, june), = running.resolve_all(find_mentions("In June, the border reopened."))
    assert june.start == D(1950, 6, 1)  # the year of 1950, not of the war's first or last day


def test_a_period_alone_does_not_start_a_running_date():
    running = RunningDate()
    running.resolve_all(find_mentions("During the Cold War the two states traded little."))
    (_, window), = running.resolve_all(find_mentions("In June, the border reopened."))
    assert window is None and running.current is None


def test_a_year_inside_a_period_name_belongs_to_the_name():
    (mention,) = find_mentions("during the 1948 Arab-Israeli War the village emptied")
    assert mention.kind == "period" and mention.window.start == D(1948, 5, 15)


def test_every_row_of_the_table_is_well_formed():
    pattern, windows = named_periods()
    assert len(windows) >= 40 and all(lo <= hi for lo, hi in windows)
