"""Sentence splitting on text written for these tests (not the seed)."""

from eventledger.transforms.segment import clean_sentence, is_abbreviation_stop, split_sentences


def texts(doc: str) -> list[str]:
    return [s.text for s in split_sentences(doc)]


def test_several_sentences_on_one_line():
    doc = "Egypt recalled its ambassador. Israel protested the move. Talks resumed in May."
    assert texts(doc) == [
        "Egypt recalled its ambassador.",
        "Israel protested the move.",
        "Talks resumed in May.",
    ]


def test_sentence_wrapped_over_two_lines_is_one_sentence():
    doc = "In 1979 the two governments signed a treaty that\nended three decades of war.\nIt held."
    assert texts(doc) == ["In 1979 the two governments signed a treaty that ended three decades of war.", "It held."]


def test_abbreviations_do_not_end_sentences():
    doc = (
        "The U.S. Secretary of State met Mr. Lee in Seoul. "
        "Resolution No. 242 was cited by Dr. Bunche. John F. Kennedy spoke later."
    )
    assert texts(doc) == [
        "The U.S. Secretary of State met Mr. Lee in Seoul.",
        "Resolution No. 242 was cited by Dr. Bunche.",
        "John F. Kennedy spoke later.",
    ]


def test_dotted_acronym_can_end_a_sentence_before_an_opener():
    doc = "Sanctions were imposed by the U.S. The next day Iran protested."
    assert texts(doc) == ["Sanctions were imposed by the U.S.", "The next day Iran protested."]


def test_marker_at_line_start_closes_previous_sentence():
    doc = "Cuba denounced the embargo.\n[12] Two years later, the embassy reopened."
    sentences = split_sentences(doc)
    assert [s.text for s in sentences] == ["Cuba denounced the embargo.", "Two years later, the embassy reopened."]
    assert sentences[0].markers == ("12",)
    assert sentences[1].markers == ()


def test_stray_quote_before_marker_closes_previous_quote():
    doc = 'The minister called the plan "a dangerous provocation.\n"[4] The council met again.'
    first, second = split_sentences(doc)
    assert first.text == 'The minister called the plan "a dangerous provocation."'
    assert first.markers == ("4",)
    assert second.text == "The council met again."


def test_citation_needed_and_when_markers_are_removed_and_kept():
    doc = "Turkey closed the border.[citation needed] Syria responded in kind.[when?]"
    first, second = split_sentences(doc)
    assert first.text == "Turkey closed the border."
    assert first.markers == ("citation needed",)
    assert second.markers == ("when?",)


def test_sic_inside_a_quote_stays_in_the_text():
    text, markers = clean_sentence('He said the talks "was [sic] over."[7]')
    assert text == 'He said the talks "was [sic] over."'
    assert markers == ("7",)


def test_unbalanced_quote_is_closed():
    text, _ = clean_sentence('The envoy urged both sides to "show restraint.')
    assert text.count('"') == 2


def test_offsets_point_into_the_original_text():
    doc = "First point here.\n[3] Second point there."
    for s in split_sentences(doc):
        assert doc[s.char_start:s.char_end] == s.raw_text


def test_question_inside_quote_mid_sentence_does_not_split():
    assert texts('"Why now?" the ambassador asked. Nobody answered.') == [
        '"Why now?" the ambassador asked.',
        "Nobody answered.",
    ]


def test_heading_line_stands_alone():
    assert texts("Cold War\nThe Soviet Union armed Syria.") == ["Cold War", "The Soviet Union armed Syria."]


def test_is_abbreviation_stop_for_initial():
    text = "Harry S. Truman"
    assert is_abbreviation_stop(text, text.index("."))
