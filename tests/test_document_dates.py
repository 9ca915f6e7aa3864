"""Event dates over whole documents: the running date follows the text, periods date their clause.

Sentences written for these tests; run through the real parser and extractor.
"""

import datetime as dt

import pytest

from eventledger.transforms.extract import extract_document
from eventledger.transforms.segment import split_sentences

D = dt.date


@pytest.fixture(scope="module")
def events_of(nlp, kb, lexicon):
    def run(text):
        events, _ = extract_document(split_sentences(text), nlp, kb, lexicon)
        return events
    return run


def dated(events, trigger_word):
    found = [e for e in events if trigger_word in e.trigger]
    assert found, f"no event with {trigger_word!r} in {[e.trigger for e in events]}"
    return found[0].date_start, found[0].date_end


def test_the_year_comes_from_a_sentence_that_has_no_event(events_of):
    events = events_of("Egypt attacked Libya in 1977. The border stayed closed until 1989, when trade resumed. "
                       "On 14 March, Libya protested to Egypt.")
    assert dated(events, "protested") == (D(1989, 3, 14), D(1989, 3, 14))


def test_a_dateline_gives_the_year_of_later_partial_dates(events_of):
    events = events_of("KAMPALA, 3 March 2022 - Heavy rain fell over the capital for a third day.\n\n"
                       "On 5 March, Ugandan troops attacked rebels near the border.")
    assert dated(events, "attacked") == (D(2022, 3, 5), D(2022, 3, 5))


def test_an_explicit_date_earlier_in_the_sentence_gives_the_year(events_of):
    events = events_of("Iran attacked Iraq in September 1980, and on 2 October Iraq attacked Iran.")
    dates = sorted(e.date_start for e in events if "attacked" in e.trigger)
    assert dates == [D(1980, 9, 1), D(1980, 10, 2)]


def test_relative_dates_count_from_the_running_date(events_of):
    events = events_of("On 10 June 2004 the two ministers met in Ankara. The weather was hot. "
                       "Two days later, Turkey accused Syria of harbouring militants.")
    assert dated(events, "accused") == (D(2004, 6, 12), D(2004, 6, 12))


@pytest.mark.parametrize(
    "text, trigger, window",
    [
        ("On the night of 7-8 May 2018, rebels attacked an army base.", "attacked", (D(2018, 5, 7), D(2018, 5, 8))),
        ("Late on 5 January 2020, gunmen attacked a police station.", "attacked", (D(2020, 1, 5), D(2020, 1, 5))),
        ("In mid-February 2022, Russia threatened Ukraine.", "threatened", (D(2022, 2, 11), D(2022, 2, 20))),
    ],
)
def test_news_style_dates(events_of, text, trigger, window):
    assert dated(events_of(text), trigger) == window


def test_a_named_period_dates_the_event_in_its_clause(events_of):
    events = events_of("During the Korean War, China sent troops to North Korea.")
    assert dated(events, "sent") == (D(1950, 6, 25), D(1953, 7, 27))


def test_a_war_that_is_the_event_itself_dates_nothing(events_of):
    events = events_of("The Gulf War began when Iraq invaded Kuwait.")
    assert dated(events, "invaded") == (None, None)


def test_a_period_does_not_date_a_later_clause_of_its_own(events_of):
    """'after the Six-Day War' dates the severing; the embassy's reopening has no date."""
    events = events_of("After the Six-Day War, Guinea cut diplomatic ties with Israel. Years later, Israel and "
                       "Guinea restored relations.")
    assert dated(events, "cut")[0] == D(1967, 6, 10)
    assert dated(events, "restored") == (None, None)


def test_a_calendar_date_beats_the_period_around_it(events_of):
    events = events_of("During the Gulf War in January 1991, Iraq attacked Israel with missiles.")
    assert dated(events, "attacked") == (D(1991, 1, 1), D(1991, 1, 31))


def test_a_century_dates_the_event_in_its_clause(events_of):
    """The window is kept as the text gives it; one before the warehouse's floor goes to quarantine
    (transforms/quality.py), like any other date out of range."""
    events = events_of("In the 12th century, Venice attacked Byzantium.")
    assert dated(events, "attacked") == (D(1100, 1, 1), D(1199, 12, 31))


def test_the_events_own_date_beats_the_date_of_its_anchoring_clause(events_of):
    events = events_of("After rebels raided the army post on 2 January 2016, Uganda expelled the Kenyan envoy "
                       "at a meeting of the council in late March.")
    assert dated(events, "expelled") == (D(2016, 3, 21), D(2016, 3, 31))


def test_a_participle_on_the_event_noun_dates_it(events_of):
    events = events_of("The mediators produced a ceasefire agreement between Sudan and Chad, signed in May 1994.")
    assert dated(events, "agreement") == (D(1994, 5, 1), D(1994, 5, 31))


def test_news_days_count_back_from_the_dateline(events_of):
    # 3 March 2022 was a Thursday
    events = events_of("NAIROBI, 3 March 2022 - Kenya condemned Somalia on Tuesday. "
                       "Yesterday, Kenyan police arrested two Somali traders. "
                       "On Thursday, Kenya recalled its ambassador from Somalia. "
                       "Last week, Ethiopia accused Kenya of supporting rebels.")
    assert dated(events, "condemned") == (D(2022, 3, 1), D(2022, 3, 1))
    assert dated(events, "arrested") == (D(2022, 3, 2), D(2022, 3, 2))
    assert dated(events, "recalled")[0] == D(2022, 3, 3)  # a weekday does not move the running date
    assert dated(events, "accused") == (D(2022, 2, 24), D(2022, 3, 2))


def test_a_weekday_after_a_month_names_no_day(events_of):
    events = events_of("In May 2004 Kenya condemned Somalia on Tuesday.")
    assert dated(events, "condemned") == (D(2004, 5, 1), D(2004, 5, 31))
