"""Unit tests for the actor knowledge base (transforms/actor_kb.py + data/actors/*.csv).

The KB is loaded once per module: loading is the expensive part and the
object is read-only.
"""

from __future__ import annotations

import csv
from datetime import date

import pycountry
import pytest

from eventledger.transforms.actor_kb import DATA_DIR, ActorKB, KBEntry, load_actor_kb, normalize_surface


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return load_actor_kb()


def name(entry: KBEntry | None) -> str | None:
    return entry.name if entry else None


# --- lookup -----------------------------------------------------------------


@pytest.mark.parametrize(
    "surface, expected",
    [
        ("USSR", "Soviet Union"),
        ("U.S.S.R.", "Soviet Union"),
        ("the Russian Federation", "Russia"),
        ("PLO", "Palestine Liberation Organization"),
        ("U.N. Security Council", "United Nations Security Council"),
        ("UN Security Council", "United Nations Security Council"),
        ("Middle East Quartet", "Quartet on the Middle East"),
        ("Hizbullah", "Hezbollah"),
        ("Hezbollah", "Hezbollah"),
        ("Comintern", "Communist International"),
        ("ISIL", "Islamic State"),
        ("Daesh", "Islamic State"),
        ("Burma", "Myanmar"),
        ("Persia", "Iran"),
        ("Palestine", "State of Palestine"),
        ("GDR", "East Germany"),
        ("Tehran", "Iran"),
        ("Washington", "United States"),
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("Vladimir Putin", "Vladimir Putin"),
        ("Ban Ki-moon", "Ban Ki-moon"),
    ],
)
def test_lookup_aliases(kb: ActorKB, surface: str, expected: str) -> None:
    assert name(kb.lookup(surface)) == expected


def test_lookup_entry_fields(kb: ActorKB) -> None:
    plo = kb.lookup("PLO")
    assert plo == kb.get("Palestine Liberation Organization")
    assert plo.actor_type == "group" and plo.country_code == "PSE"
    assert kb.lookup("Hamas").country_code == "PSE"
    assert kb.lookup("Hezbollah").country_code == "LBN"
    ussr = kb.lookup("USSR")
    assert (ussr.actor_type, ussr.country_code) == ("state", "SUN")
    assert kb.lookup("Quartet").actor_type == "igo"
    assert kb.lookup("Gazprom").actor_type == "organization"
    assert kb.lookup("Medvedev") is None  # bare surnames are person_by_surname's job


@pytest.mark.parametrize(
    "surface",
    ["  the   Soviet\tUnion ", "Soviet Union's", "soviet union", "THE SOVIET UNION", "Soviet Union\u2019s"],
)
def test_lookup_normalisation(kb: ActorKB, surface: str) -> None:
    assert name(kb.lookup(surface)) == "Soviet Union"


def test_lookup_normalises_dashes_and_initials(kb: ActorKB) -> None:
    assert name(kb.lookup("Ban Ki\u2013moon")) == "Ban Ki-moon"
    assert name(kb.lookup("George H.W. Bush")) == "George H. W. Bush"
    assert normalize_surface("the  Kremlin\u2019s") == "Kremlin"


def test_short_acronyms_are_case_sensitive(kb: ActorKB) -> None:
    # Otherwise every "us", "who" and "is" in a sentence would become an actor.
    assert name(kb.lookup("US")) == "United States"
    assert name(kb.lookup("WHO")) == "World Health Organization"
    assert name(kb.lookup("IS")) == "Islamic State"
    for word in ("us", "who", "is", "let", "Us"):
        assert kb.lookup(word) is None
    assert name(kb.lookup("Nato")) == "NATO"  # press spelling listed explicitly


def test_ascii_folded_aliases(kb: ActorKB) -> None:
    erdogan = kb.lookup("Recep Tayyip Erdoğan")
    assert erdogan is not None and erdogan.country_code == "TUR"
    assert kb.lookup("Recep Tayyip Erdogan") == erdogan
    assert "Recep Tayyip Erdogan" in erdogan.aliases
    assert name(kb.lookup("Dag Hammarskjold")) == "Dag Hammarskjöld"
    assert name(kb.lookup("Slobodan Milosevic")) == "Slobodan Milošević"


def test_lookup_with_date_prefers_entity_existing_then(kb: ActorKB) -> None:
    assert name(kb.lookup("Moscow")) == "Russia"
    assert name(kb.lookup("Moscow", on=date(1975, 6, 1))) == "Soviet Union"
    assert name(kb.lookup("Moscow", on=date(2005, 6, 1))) == "Russia"
    assert name(kb.lookup("Palestine", on=date(1936, 4, 1))) == "Mandatory Palestine"
    assert name(kb.lookup("Belgrade", on=date(1999, 3, 24))) == "Serbia and Montenegro"
    assert name(kb.lookup("Federal Republic of Germany", on=date(1970, 1, 1))) == "West Germany"
    assert name(kb.lookup("Federal Republic of Germany", on=date(2015, 1, 1))) == "Germany"
    # a surface naming one entity only is returned whatever the date
    assert name(kb.lookup("USSR", on=date(2010, 1, 1))) == "Soviet Union"


@pytest.mark.parametrize("surface", ["", "   ", "Atlantis", "Ministry of Silly Walks", "Putinville"])
def test_unknown_returns_none(kb: ActorKB, surface: str) -> None:
    assert kb.lookup(surface) is None
    assert kb.adjective(surface) is None
    assert kb.role(surface) is None
    assert kb.person_by_surname(surface) is None


# --- adjectives --------------------------------------------------------------


def test_adjectives(kb: ActorKB) -> None:
    israel = kb.adjective("Israeli")
    assert israel is not None and (israel.name, israel.country_code) == ("Israel", "ISR")
    assert name(kb.adjective("Soviet")) == "Soviet Union"
    assert name(kb.adjective("Soviets")) == "Soviet Union"
    assert name(kb.adjective("Palestinians")) == "State of Palestine"
    assert name(kb.adjective("Russians")) == "Russia"
    assert name(kb.adjective("U.S.")) == "United States"
    assert name(kb.adjective("North Korean")) == "North Korea"
    assert kb.adjective("Korean") is None  # ambiguous on purpose
    assert name(kb.adjective("German")) == "Germany"
    assert name(kb.adjective("German", on=date(1970, 1, 1))) == "West Germany"


def test_adjective_coverage(kb: ActorKB) -> None:
    """Demonyms for the P5 and every Middle East / North Africa state, plus a
    broad set elsewhere, are in states.csv."""
    required = {
        "USA", "RUS", "CHN", "GBR", "FRA",
        "ISR", "PSE", "JOR", "LBN", "SYR", "IRQ", "IRN", "SAU", "KWT", "BHR", "QAT", "ARE", "OMN", "YEM",
        "TUR", "CYP", "EGY", "LBY", "TUN", "DZA", "MAR", "SDN",
        "DEU", "ITA", "ESP", "POL", "UKR", "NLD", "JPN", "IND", "PAK", "BRA", "NGA", "ZAF",
    }
    with (DATA_DIR / "states.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    with_adj = {r["country_code"] for r in rows if r["adjectives"].strip()}
    assert required <= with_adj
    assert sum(1 for r in rows if r["adjectives"].strip()) >= 120


# --- roles and office holders -----------------------------------------------------


@pytest.mark.parametrize(
    "surface, expected",
    [
        ("Minister of Foreign Affairs", "foreign minister"),
        ("Foreign Minister", "foreign minister"),
        ("Secretary of State", "foreign minister"),
        ("foreign secretary", "foreign minister"),
        ("PM", "prime minister"),
        ("Premier", "prime minister"),
        ("President", "president"),
        ("Emir", "king"),
        ("First Secretary", "general secretary"),
        ("Secretary-General", "secretary-general"),
    ],
)
def test_role(kb: ActorKB, surface: str, expected: str) -> None:
    assert kb.role(surface) == expected


@pytest.mark.parametrize(
    "role, cc, on, expected",
    [
        ("president", "RUS", date(2010, 1, 26), "Dmitry Medvedev"),
        ("foreign minister", "RUS", date(2012, 5, 1), "Sergey Lavrov"),
        ("prime minister", "ISR", date(2014, 7, 1), "Benjamin Netanyahu"),
        ("president", "USA", date(1962, 10, 20), "John F. Kennedy"),
        ("president", "RUS", date(2016, 3, 1), "Vladimir Putin"),
        ("prime minister", "RUS", date(2010, 1, 1), "Vladimir Putin"),
        ("general secretary", "SUN", date(1987, 12, 8), "Mikhail Gorbachev"),
        ("foreign minister", "SUN", date(1972, 5, 26), "Andrei Gromyko"),
        ("secretary of state", "USA", date(1979, 6, 18), "Cyrus Vance"),
        ("foreign minister", "USA", date(1979, 6, 18), "Cyrus Vance"),
        ("Minister of Foreign Affairs", "usa", date(2003, 2, 5), "Colin Powell"),
        ("chancellor", "DEU", date(1990, 10, 3), "Helmut Kohl"),
        ("supreme leader", "IRN", date(1999, 1, 1), "Ali Khamenei"),
        ("king", "JOR", date(1994, 10, 26), "Hussein of Jordan"),
        ("secretary-general", None, date(1999, 1, 1), "Kofi Annan"),
        ("president", "PSE", date(1996, 1, 20), "Yasser Arafat"),
        ("prime minister", "GBR", date(1982, 4, 2), "Margaret Thatcher"),
    ],
)
def test_office_holder(kb: ActorKB, role: str, cc: str | None, on: date, expected: str) -> None:
    assert name(kb.office_holder(role, cc, on)) == expected


def test_office_holder_handover_day_prefers_incoming(kb: ActorKB) -> None:
    assert name(kb.office_holder("president", "USA", date(1963, 11, 22))) == "Lyndon B. Johnson"
    assert name(kb.office_holder("president", "USA", date(2009, 1, 20))) == "Barack Obama"


def test_office_holder_without_date_only_if_unique(kb: ActorKB) -> None:
    assert kb.office_holder("president", "USA", None) is None
    assert name(kb.office_holder("paramount leader", "CHN", None)) == "Deng Xiaoping"


def test_office_holder_none_cases(kb: ActorKB) -> None:
    assert kb.office_holder("president", "RUS", date(1950, 1, 1)) is None  # office did not exist
    assert kb.office_holder("president", "XYZ", date(2000, 1, 1)) is None
    assert kb.office_holder("astronaut", "USA", date(2000, 1, 1)) is None


def test_person_entries_carry_country(kb: ActorKB) -> None:
    assert kb.lookup("Vladimir Putin").country_code == "RUS"
    assert kb.lookup("Mikhail Gorbachev").country_code == "SUN"
    assert kb.lookup("Kofi Annan").country_code is None
    assert kb.lookup("Mahmoud Abbas").actor_type == "person"


def test_person_by_surname(kb: ActorKB) -> None:
    assert name(kb.person_by_surname("Lavrov")) == "Sergey Lavrov"
    assert name(kb.person_by_surname("Erdogan")) == "Recep Tayyip Erdoğan"
    assert name(kb.person_by_surname("de Gaulle")) == "Charles de Gaulle"
    assert name(kb.person_by_surname("Xi")) == "Xi Jinping"  # family name first
    assert name(kb.person_by_surname("Ban")) == "Ban Ki-moon"
    # namesakes: ambiguous without a date, resolved by who was in office
    assert kb.person_by_surname("Bush") is None
    assert name(kb.person_by_surname("Bush", on=date(1991, 1, 17))) == "George H. W. Bush"
    assert name(kb.person_by_surname("Bush", on=date(2003, 3, 20))) == "George W. Bush"
    assert name(kb.person_by_surname("Assad", on=date(1985, 1, 1))) == "Hafez al-Assad"
    assert name(kb.person_by_surname("al-Assad", on=date(2012, 1, 1))) == "Bashar al-Assad"
    assert kb.person_by_surname("Bush", on=date(1995, 1, 1)) is None  # neither in office


# --- state organs ---------------------------------------------------------------


def test_state_organs(kb: ActorKB) -> None:
    assert kb.is_state_organ("Foreign Ministry")
    assert kb.is_state_organ("the Iranian foreign ministry")
    assert kb.is_state_organ("Ministry of Foreign Affairs of Egypt")
    assert kb.is_state_organ("armed forces")
    assert kb.is_state_organ("State Duma")
    assert not kb.is_state_organ("Hamas")
    assert not kb.is_state_organ("")
    assert ("embassy", "state") in {(p, t) for p, t, _ in kb.state_organs()}


# --- user extra files --------------------------------------------------------------


def test_extra_file_adds_and_overrides(tmp_path, kb: ActorKB) -> None:
    extra = tmp_path / "my_actors.csv"
    extra.write_text(
        "# local additions for a project on Baltic security\n"
        "name,actor_type,country_code,aliases\n"
        "Baltic Sea Watch,organization,EST,BSW Monitor|Baltic Watch\n"
        "Jana Example,person,LVA,J. Example\n"
        "Hamas,group,PSE,Harakat Hamas\n",
        encoding="utf-8",
    )
    later = tmp_path / "later.csv"
    later.write_text("name,actor_type,country_code,aliases\nBaltic Sea Watch,igo,,\n", encoding="utf-8")

    custom = load_actor_kb([extra, later])
    assert name(custom.lookup("Baltic Watch")) == "Baltic Sea Watch"
    assert custom.lookup("Baltic Watch").actor_type == "igo"  # later file wins
    assert custom.lookup("Baltic Watch").country_code is None
    assert custom.lookup("J. Example").actor_type == "person"
    hamas = custom.lookup("Harakat Hamas")
    assert name(hamas) == "Hamas" and "Islamic Resistance Movement" in hamas.aliases  # aliases merged
    # the cached default KB is untouched
    assert kb.lookup("Baltic Watch") is None
    assert load_actor_kb() is load_actor_kb()


def test_extra_file_rejects_bad_actor_type(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,actor_type,country_code,aliases\nSomething,planet,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="actor_type"):
        load_actor_kb([bad])


# --- data integrity ---------------------------------------------------------------


def test_country_codes_are_iso_or_historic(kb: ActorKB) -> None:
    valid = {c.alpha_3 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.historic_countries}
    valid.add("XKX")  # Kosovo: user-assigned code used by the EU and the IMF
    codes = {e.country_code for e in kb.entries()} | {t.country_code for t in kb.terms()}
    assert codes - {None} <= valid
    for historic in ("SUN", "YUG", "DDR", "CSK"):
        assert historic in codes


def test_no_alias_conflicts(kb: ActorKB) -> None:
    assert kb.alias_conflicts() == []


def test_office_terms_are_consistent(kb: ActorKB) -> None:
    with (DATA_DIR / "roles.csv").open(encoding="utf-8") as fh:
        known_roles = {r["role"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))}
    for t in kb.terms():
        assert t.person.actor_type == "person"
        assert t.end is None or t.end >= t.start, t
        assert kb.canonical_role(t.role) in known_roles, t.role
    # no person holds the same office twice at once (duplicate / overlapping rows)
    seen: dict[tuple[str, str, str | None], list] = {}
    for t in kb.terms():
        seen.setdefault((t.person.name, t.role, t.country_code), []).append(t)
    for terms in seen.values():
        for a, b in zip(terms, terms[1:]):
            assert a.end is not None and a.end <= b.start, (a, b)
