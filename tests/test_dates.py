"""Date mentions and windows, on phrases written for these tests."""

import datetime as dt

import pytest

from eventledger.transforms.dates import RunningDate, find_mentions, resolve

D = dt.date


def window_of(text: str, running=None):
    mentions = find_mentions(text)
    assert mentions, f"no date found in {text!r}"
    w = resolve(mentions[0], running)
    return (w.start, w.end, w.precision) if w else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on March 3, 1999, the envoy", (D(1999, 3, 3), D(1999, 3, 3), "day")),
        ("on 3 March 1999 the envoy", (D(1999, 3, 3), D(1999, 3, 3), "day")),
        ("in October 1973", (D(1973, 10, 1), D(1973, 10, 31), "month")),
        ("in 1956", (D(1956, 1, 1), D(1956, 12, 31), "year")),
        ("in the 1980s", (D(1980, 1, 1), D(1989, 12, 31), "decade")),
        ("in the early 1960s", (D(1960, 1, 1), D(1963, 12, 31), "range")),
        ("by the mid-1970s", (D(1974, 1, 1), D(1976, 12, 31), "range")),
        ("in the late 1940s", (D(1947, 1, 1), D(1949, 12, 31), "range")),
        ("between 1948 and 1953", (D(1948, 1, 1), D(1953, 12, 31), "range")),
        ("from 1975 to 1990", (D(1975, 1, 1), D(1990, 12, 31), "range")),
        ("the 1967–70 war of attrition", (D(1967, 1, 1), D(1970, 12, 31), "range")),
        ("in the spring of 2003", (D(2003, 3, 1), D(2003, 5, 31), "range")),
        ("in winter 1995", (D(1995, 12, 1), D(1996, 2, 29), "range")),
        ("in late 2011", (D(2011, 9, 1), D(2011, 12, 31), "range")),
        ("on 2001-09-11", (D(2001, 9, 11), D(2001, 9, 11), "day")),
    ],
)
def test_explicit_windows(text, expected):
    assert window_of(text) == expected


def test_partial_date_takes_year_from_running_date():
    running = RunningDate()
    running.resolve_all(find_mentions("In 1994 the two sides met."))
    (mention, window), = running.resolve_all(find_mentions("On 13 September the accord was signed."))
    assert (window.start, window.precision, window.source) == (D(1994, 9, 13), "day", "context")


def test_partial_date_without_any_earlier_date_stays_unresolved():
    (mention, window), = RunningDate().resolve_all(find_mentions("On July 4 they met."))
    assert window is None


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("in 1988", "the following year", (D(1989, 1, 1), "year")),
        ("in 1988", "the previous year", (D(1987, 1, 1), "year")),
        ("on May 2, 2004", "two days later", (D(2004, 5, 4), "day")),
        ("on May 2, 2004", "a week later", (D(2004, 5, 9), "day")),
        ("in March 2004", "three months later", (D(2004, 6, 1), "month")),
        ("on May 2, 2004", "the next day", (D(2004, 5, 3), "day")),
        ("in 1990", "later that year", (D(1990, 1, 1), "year")),
    ],
)
def test_relative_dates_resolve_against_running_date(first, second, expected):
    running = RunningDate()
    running.resolve_all(find_mentions(first))
    (_, window), = running.resolve_all(find_mentions(second))
    assert (window.start, window.precision) == expected
    assert window.source == "context"


def test_citation_marker_is_never_a_day():
    assert find_mentions("The treaty [17] was signed.") == []
    assert all(m.text != "17" for m in find_mentions("In May [17] 1990 talks began."))


def test_resolution_numbers_are_not_years():
    assert find_mentions("Resolution 1701 passed.") == []
    assert find_mentions("Resolution No. 1973 was adopted.") == []


def test_running_date_ignores_broad_windows_when_a_precise_one_exists():
    running = RunningDate()
    running.resolve_all(find_mentions("On June 5, 1967 war broke out, ending the 1960s calm."))
    assert running.current.start == D(1967, 6, 5)


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("in 1960", "and in June the refineries", (D(1960, 6, 1), D(1960, 6, 30), "month")),
        # "at the end of December" is late December (days 21-31, tests/dev_gold/README.md), no longer the whole month
        ("on 3 November 1978", "at the end of December", (D(1978, 12, 21), D(1978, 12, 31), "range")),
        ("in 1983", "in late May", (D(1983, 5, 21), D(1983, 5, 31), "range")),
        ("on 1 September 1939", "sixteen days later", (D(1939, 9, 17), D(1939, 9, 17), "day")),
    ],
)
def test_month_without_year_and_longer_counts(first, second, expected):
    running = RunningDate()
    running.resolve_all(find_mentions(first))
    (_, window), = running.resolve_all(find_mentions(second))
    assert (window.start, window.end, window.precision) == expected


def test_part_of_month_with_year():
    assert window_of("in mid-September 1998") == (D(1998, 9, 11), D(1998, 9, 20), "range")


def test_may_the_verb_is_not_a_month():
    assert find_mentions("Egypt may join the talks.") == []


def test_a_range_within_one_year_moves_the_running_date():
    running = RunningDate()
    running.resolve_all(find_mentions("In January 1990 the dam was filled."))
    running.resolve_all(find_mentions("In mid-September 1998 the army massed troops."))
    (_, window), = running.resolve_all(find_mentions("On 1 October the president spoke."))
    assert window.start == D(1998, 10, 1)


def test_a_decade_does_not_move_an_existing_running_date():
    running = RunningDate()
    running.resolve_all(find_mentions("On 4 May 1994 the accord was signed."))
    running.resolve_all(find_mentions("Trade grew through the 1990s."))
    (_, window), = running.resolve_all(find_mentions("On 2 June the border opened."))
    assert window.start == D(1994, 6, 2)


def test_later_that_month_starts_after_the_running_day():
    running = RunningDate()
    running.resolve_all(find_mentions("On 12 November 2011 the league suspended Syria."))
    (_, window), = running.resolve_all(find_mentions("Later that month, Turkey imposed sanctions."))
    assert (window.start, window.end) == (D(2011, 11, 13), D(2011, 11, 30))


def test_days_later_than_a_month_shifts_the_month_window():
    running = RunningDate()
    running.resolve_all(find_mentions("In May 2004 the president visited Beijing."))
    (_, window), = running.resolve_all(find_mentions("Two days later, he signed an agreement."))
    assert (window.start, window.end, window.precision) == (D(2004, 5, 3), D(2004, 6, 2), "range")


def test_days_later_than_a_year_is_unresolved():
    running = RunningDate()
    running.resolve_all(find_mentions("In 1990 the talks began."))
    (_, window), = running.resolve_all(find_mentions("Two days later, they ended."))
    assert window is None


# -- the running date follows the document text ------------------------------------------


def resolve_in_order(*sentences):
    """Each sentence's resolved windows, the running date carried through all of them."""
    running = RunningDate()
    return [[w for _, w in running.resolve_all(find_mentions(s))] for s in sentences]


def test_a_sentence_without_events_still_gives_the_year():
    *_, (window,) = resolve_in_order(
        "The old treaty was signed in 1961.", "The river ran low all through 1974, as it had for years.",
        "On 14 March, the two ministers met.")
    assert window.start == D(1974, 3, 14)


def test_an_earlier_date_in_the_same_sentence_gives_the_year():
    (first, second), = resolve_in_order("The envoy arrived in March 1990, and on 14 June he left.")
    assert (first.precision, second.start, second.source) == ("month", D(1990, 6, 14), "context")


def test_a_dateline_is_an_explicit_date():
    first, (window,) = resolve_in_order("KAMPALA, 3 March 2022 - Police dispersed a crowd of traders.",
                                        "On 5 March, soldiers arrested two journalists.")
    assert first[0].start == D(2022, 3, 3) and window.start == D(2022, 3, 5)
    (dateline,), = resolve_in_order("LAGOS, March 3, 2022 (News) - Gunmen attacked a village.")
    assert dateline.start == D(2022, 3, 3)


def test_a_month_that_opens_the_sentence_is_found():
    *_, (window,) = resolve_in_order("The talks began in 1983.", "In June, the talks collapsed.")
    assert (window.start, window.end) == (D(1983, 6, 1), D(1983, 6, 30))


def test_relative_dates_count_from_the_running_date():
    *_, (window,) = resolve_in_order("On 2 May 2004 the talks opened.", "On 6 May they stalled.",
                                     "Two days later, the envoy left.")
    assert window.start == D(2004, 5, 8)


def test_a_look_back_does_not_move_the_running_date():
    """'the previous November' is resolved, but 'in March' still takes the year of February 2021."""
    (feb, november, march), = resolve_in_order(
        "In February 2021 the mission reported that troops had shelled the town the previous November, "
        "and in March the minister resigned.")
    assert feb.start == D(2021, 2, 1)
    assert (november.start, november.end) == (D(2020, 11, 1), D(2020, 11, 30))
    assert march.start == D(2021, 3, 1)


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("in February 2021", "the previous November", (D(2020, 11, 1), D(2020, 11, 30))),
        ("in February 2021", "the following May", (D(2021, 5, 1), D(2021, 5, 31))),
        ("in October 2021", "the next March", (D(2022, 3, 1), D(2022, 3, 31))),
        ("on 16 March 1988", "a few days earlier", (D(1988, 3, 10), D(1988, 3, 15))),
        ("on 16 March 1988", "several days later", (D(1988, 3, 17), D(1988, 3, 22))),
        ("on 16 March 1988", "a couple of days later", (D(1988, 3, 18), D(1988, 3, 18))),
    ],
)
def test_named_months_and_a_few_units(first, second, expected):
    running = RunningDate()
    running.resolve_all(find_mentions(first))
    (_, window), = running.resolve_all(find_mentions(second))
    assert (window.start, window.end) == expected


def test_that_may_is_not_a_month():
    assert [m.text for m in find_mentions("In 2019 he said that May would resign.")] == ["2019"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("On the night of 7-8 May 2018, rebels raided the camp.", (D(2018, 5, 7), D(2018, 5, 8), "range")),
        ("On May 7-8, 2018, rebels raided the camp.", (D(2018, 5, 7), D(2018, 5, 8), "range")),
        ("On 7 and 8 May 2018 the envoys met.", (D(2018, 5, 7), D(2018, 5, 8), "range")),
        ("between 29 June and 1 July 2018", (D(2018, 6, 29), D(2018, 7, 1), "range")),
        ("from 30 December to 2 January 1999", (D(1998, 12, 30), D(1999, 1, 2), "range")),
        ("Late on 5 January 2020, gunmen raided the station.", (D(2020, 1, 5), D(2020, 1, 5), "day")),
        ("In mid-February 2022, the army moved north.", (D(2022, 2, 11), D(2022, 2, 20), "range")),
        ("In early March 2022, the army moved north.", (D(2022, 3, 1), D(2022, 3, 10), "range")),
        ("In late February 2022, the army moved north.", (D(2022, 2, 21), D(2022, 2, 28), "range")),
        ("at the end of April 1975", (D(1975, 4, 21), D(1975, 4, 30), "range")),
        ("at the beginning of April 1975", (D(1975, 4, 1), D(1975, 4, 10), "range")),
        ("by the end of 1990", (D(1990, 9, 1), D(1990, 12, 31), "range")),
        ("at the end of the 1980s", (D(1987, 1, 1), D(1989, 12, 31), "range")),
    ],
)
def test_day_ranges_and_parts(text, expected):
    assert window_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("On 7-8 May, rebels raided the camp.", (D(2018, 5, 7), D(2018, 5, 8))),
        ("between 29 June and 1 July the envoys met", (D(2018, 6, 29), D(2018, 7, 1))),
        ("At the end of December, troops crossed the river.", (D(2018, 12, 21), D(2018, 12, 31))),
    ],
)
def test_partial_ranges_take_the_running_year(text, expected):
    running = RunningDate()
    running.resolve_all(find_mentions("In March 2018 the rebels regrouped."))
    (_, window), = running.resolve_all(find_mentions(text))
    assert (window.start, window.end) == expected
