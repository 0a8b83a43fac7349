"""Geocoding: a place name, ZIP code or trial site -> a :class:`Place` or a point.

Ambiguous names are settled by the state or country given with them
("Columbus, Ohio" vs "Columbus, GA"), else by population ("Paris" is the one
in France). A name that is both a division and a city is the division unless
the city has a million people or more ("Ohio", "Washington", "Quebec" are
divisions; "New York", "Berlin" are cities); a name that is both a country
and a city is the country ("Mexico", "Singapore"); a US state named like a
country ("Georgia") is the state.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .countries import countries, country_info, country_isos, normalize_country
from .distance import distance_km
from .names import generic_words, name_key, site_noise
from .table import PlaceTable, Row, ZipRow, table, zip_row

__all__ = ["Match", "Place", "clear_site_cache", "geocode", "resolve", "resolve_hint", "site_point", "zip_place"]

# A city this populous is meant by its bare name even when a division or country has it too.
BIG_CITY = 1_000_000
# "Washington State", "Quebec Province": the division, never the city
DIVISION_WORDS = frozenset({"state", "province", "territory"})
# country codes people write in lower case too
LOWERCASE_CODES = frozenset({"usa", "uk", "uae"})
MAX_QUERY_CHARS = 200
_ZIP = re.compile(
    r"^(?:(?:zip|postal|post)\s*-?\s*(?:code)?|zipcode|postcode)?\s*(?:no\.?|number|is)?\s*[:#]?\s*"
    r"(\d{5})(?:[-\s]\d{4})?$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*[,;]\s*")
_US = "US"

Hint = frozenset  # of (ISO-2, admin1 code or "") pairs; "" means anywhere in the country
PlaceKind = Literal["zip", "city", "state", "country"]


@dataclass(frozen=True)
class Place:
    """A geocoded place.

    ``country`` is the registry's spelling ("United States", "Korea, Republic
    of"); ``admin1`` the state or province ("Ohio"), empty when unknown;
    ``kind`` one of ``"zip"``, ``"city"``, ``"state"``, ``"country"``. The
    point of a state or country is the population-weighted centre of its
    places, so compare a patient's state or country with a site's fields
    rather than measuring distances from it.
    """

    name: str
    lat: float
    lon: float
    country: str
    admin1: str = ""
    kind: PlaceKind = "city"

    @property
    def label(self) -> str:
        """For display: "Columbus, Ohio, United States"."""
        parts: list[str] = []
        for part in (self.name, self.admin1, self.country):
            if part and part not in parts:
                parts.append(part)
        return ", ".join(parts)

    @property
    def point(self) -> tuple[float, float]:
        return (self.lat, self.lon)


# ---------------------------------------------------------------- hints


def resolve_hint(text: str) -> Hint | None:
    """What a state/country qualifier allows: ``"OH"`` -> {("US", "OH")};
    ``"France"`` -> {("FR", "")}; ``"China"`` -> China, Hong Kong or Macao;
    ``"GA"`` -> Georgia (US) or Gabon. None when ``text`` names no division or
    country."""
    key = name_key(text)
    if not key or len(text) > 80:
        return None
    pairs: set[tuple[str, str]] = set(table().admin1_by_key.get(key, ()))
    country = normalize_country(text)
    if country is not None:
        pairs.update((iso, "") for iso in country_isos(country))
    return frozenset(pairs) if pairs else None


def _fits(row: Row, hints: Iterable[Hint]) -> bool:
    cc, a1 = row.country, row.admin1
    return all(any(c == cc and (not a or a == a1) for c, a in hint) for hint in hints)


def _best_row(t: PlaceTable, key: str, hints: Iterable[Hint] = ()) -> Row | None:
    hints = list(hints)
    for row in t.rows(key):
        if _fits(row, hints):
            return row
    return None


# ---------------------------------------------------------------- places


def _admin1_name(t: PlaceTable, cc: str, code: str) -> str:
    info = t.admin1_info.get((cc, code))
    return info[0] if info else ""


def _country_name(iso: str) -> str:
    info = countries().get(iso)
    return info.name if info else iso


def _city_place(t: PlaceTable, row: Row) -> Place:
    return Place(name=row.name, lat=row.lat, lon=row.lon, country=_country_name(row.country),
                 admin1=_admin1_name(t, row.country, row.admin1), kind="city")


def _state_place(t: PlaceTable, cc: str, code: str) -> Place | None:
    info = t.admin1_info.get((cc, code))
    if info is None:
        return None
    name, lat, lon = info
    return Place(name=name, lat=lat, lon=lon, country=_country_name(cc), admin1=name, kind="state")


def _country_place(t: PlaceTable, name: str) -> Place | None:
    info = country_info(name)
    point = t.country_point.get(info.iso) if info else None
    if point is None:
        return None
    return Place(name=name, lat=point[0], lon=point[1], country=name, kind="country")


def _zip_place(z: ZipRow) -> Place:
    t = table()
    admin1 = _admin1_name(t, z.country, z.admin1)
    return Place(name=f"{z.zip} ({z.city})", lat=z.lat, lon=z.lon, country=_country_name(z.country),
                 admin1=admin1, kind="zip")


def zip_place(code: str) -> Place | None:
    """The US ZIP code ``code`` ("44106", "44106-1234"), or None if unknown.

    From the zipcodes package's data (converted by ``scripts/build_places.py``);
    military APO/FPO codes have no position and give None."""
    m = re.fullmatch(r"\s*(\d{5})(?:[-\s]\d{4})?\s*", code) if isinstance(code, str) else None
    z = zip_row(m.group(1)) if m else None
    return _zip_place(z) if z else None


@dataclass(frozen=True)
class Match:
    """A :class:`Place` and how the query named it (free-text reading weighs these)."""

    place: Place
    qualified: bool = False  # a state or country was given with the city
    primary: bool = True  # the query is the place's own name, not an alternate one
    population: int = 0
    code: bool = False  # the query was a two- or three-letter code ("TX", "FRA")


def _is_code(text: str, key: str) -> bool:
    return len(key) <= 3 and " " not in key and key not in LOWERCASE_CODES


def _bare(t: PlaceTable, text: str) -> Match | None:
    """One name without qualifier: a division, a country or a city.

    Codes ("TX", "FR") count only in capitals, a US state's before a
    country's ("IN" is Indiana, "GA" Georgia)."""
    key = name_key(text)
    if not key:
        return None
    words = key.split()
    if len(words) > 1 and words[-1] in DIVISION_WORDS and " ".join(words[:-1]) in t.admin1_by_key:
        key = " ".join(words[:-1])  # "Washington State", "Quebec province"
        text = key
        city_ok = False
    else:
        city_ok = True
    code = _is_code(text, key)
    if code and not text.isupper():
        return None
    city = None if code or not city_ok else _best_row(t, key)
    primary = city is not None and name_key(city.name) == key
    divisions = t.admin1_by_key.get(key, [])
    # "New York" is the city: a million people, in the division of that name
    big_city = city is not None and city.population >= BIG_CITY and (
        primary or (city.country, city.admin1) in divisions)
    if divisions and not big_city:
        us = [d for d in divisions if d[0] == _US]
        if us or not code or len(divisions) == 1:
            place = _state_place(t, *(us or divisions)[0])
            if place is not None:
                return Match(place, code=code)
    country = normalize_country(text)
    if country is not None:  # "Mexico", "Singapore": the country, whatever its cities
        place = _country_place(t, country)
        if place is not None:
            return Match(place, code=code)
    if city is not None:
        return Match(_city_place(t, city), primary=primary, population=city.population)
    return None


def _hints(qualifiers: list[str]) -> list[Hint] | None:
    hints = []
    for q in qualifiers:
        key = name_key(q)
        if _is_code(q, key) and not q.isupper():
            return None
        hint = resolve_hint(q)
        if hint is None:
            return None
        hints.append(hint)
    return hints


def _qualified(t: PlaceTable, city: str, qualifiers: list[str]) -> Match | None:
    """A city with state/country qualifiers ("Columbus, Ohio"); a division with
    its country ("Ohio, USA"); a city one typo off within a state ("Clevland, OH")."""
    hints = _hints(qualifiers)
    if hints is None:
        return None
    key = name_key(city)
    country_level = all(all(not a for _, a in hint) for hint in hints)
    if country_level:
        for cc, code in t.admin1_by_key.get(key, []):
            if not _is_code(city, key) and all(any(c == cc for c, _ in hint) for hint in hints):
                place = _state_place(t, cc, code)
                if place is not None:
                    return Match(place, qualified=True)
    row = _best_row(t, key, hints)
    if row is None and not country_level:
        row = _typo_row(t, key, hints)
    if row is None:
        return None
    return Match(_city_place(t, row), qualified=True, primary=name_key(row.name) == key,
                 population=row.population)


def _segments(words: list[str]) -> list[str] | None:
    """``words`` cut into qualifiers ("Ohio USA" -> ["Ohio", "USA"]; "New South Wales"
    stays whole), longest first; None when some words qualify nothing."""
    if not words:
        return []
    for n in range(min(3, len(words)), 0, -1):
        head = " ".join(words[:n])
        if _hints([head]) is not None:
            rest = _segments(words[n:])
            if rest is not None:
                return [head, *rest]
    return None


def _split_trailing(t: PlaceTable, text: str) -> Match | None:
    """"Columbus OH", "Lyon France", "Columbus Ohio USA": qualifiers in the last words."""
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        if not t.has(name_key(head)) and not t.admin1_by_key.get(name_key(head)):
            continue
        qualifiers = _segments(words[cut:])
        if qualifiers:
            found = _qualified(t, head, qualifiers)
            if found is not None:
                return found
    return None


def resolve(query: str) -> Match | None:
    """Like :func:`geocode`, with how the query named the place."""
    if not isinstance(query, str):
        return None
    text = query.strip().strip(".!?")
    if not text or len(text) > MAX_QUERY_CHARS:
        return None
    m = _ZIP.match(text)
    if m:
        place = zip_place(m.group(1))
        return Match(place, qualified=True) if place else None
    t = table()
    parts = [p for p in _SPLIT.split(text) if p]
    if not parts:
        return None
    if len(parts) == 1:
        bare = _bare(t, parts[0])
        if bare is not None and (bare.place.kind != "city" or bare.primary):
            return bare
        return _split_trailing(t, parts[0]) or bare
    return _qualified(t, parts[0], parts[1:])


def geocode(query: str) -> Place | None:
    """The place ``query`` names, or None.

    Understands a US ZIP code ("44106", "ZIP 44106", "zip code: 44106-1234");
    a country ("France", "USA", "UK"); a state or province ("Texas", "ohio",
    "TX", "Ontario"); a city, alone ("Lyon": the most populous of that name)
    or qualified by state and/or country, with or without commas ("Columbus,
    Ohio", "Columbus OH", "Houston, TX", "Lyon, France", "Toronto, ON,
    Canada"). Case, accents and "St."/"Saint" do not matter, but two- and
    three-letter codes count only in capitals ("IN" is Indiana, "in" nothing).
    A city name one typo off is found only within a given state ("Clevland, OH").

    Postcodes outside the US (UK "SW1A 1AA", Canadian "M5V 2T6") give None:
    no installed package has their positions.
    """
    found = resolve(query)
    return found.place if found else None


# ---------------------------------------------------------------- trial sites

_site_cache: dict[tuple[str, str, str, str], tuple[float, float] | None] = {}
# A site's ZIP this close to its city's centre is taken as the site's position.
ZIP_AGREES_KM = 50.0
US_POSTAL = frozenset({"US", "PR", "VI", "GU", "AS", "MP", "FM", "PW", "MH"})
_SITE_ZIP = re.compile(r"^\s*(\d{5})(?:[-\s]?\d{4})?\s*$")
_SITE_CACHE_MAX = 500_000
_SPLITTERS = re.compile(r"\s*(?:[,/(;]|\s-\s)\s*")
_POSTAL_PREFIX = re.compile(r"^\s*[A-Z]{1,3}-\d{3,6}\s+")  # "DK-8200 Aarhus N"
MIN_TYPO_CHARS = 6


def clear_site_cache() -> None:
    """Forget memoized site coordinates (after the tables changed, in tests)."""
    _site_cache.clear()


def _site_variants(city: str) -> list[str]:
    """Keys to try for a site's city field, most literal first: the whole
    name; without CEDEX and postal codes ("Lyon Cedex 03", "DK-8200 Aarhus");
    each part of "Frankfurt/Main", "Seoul, Seocho-gu", "Halle (Saale)"; then
    shorter prefixes ("Berlin Mitte" -> "berlin"), never down to a generic
    word ("Sainte Clotilde" is not "Sainte")."""
    out: list[str] = []
    noise, generic = site_noise(), generic_words()

    def add(key: str) -> None:
        if key and key not in out:
            out.append(key)

    def clean(key: str) -> str:
        return " ".join(w for w in key.split() if w not in noise and not any(ch.isdigit() for ch in w))

    text = _POSTAL_PREFIX.sub("", city)
    full = name_key(text)
    add(name_key(city))
    add(full)
    cleaned = clean(full)
    add(cleaned)
    for part in _SPLITTERS.split(text):
        add(clean(name_key(part)))
    words = cleaned.split()
    for n in range(len(words) - 1, 0, -1):
        if words[n - 1] not in generic:
            add(" ".join(words[:n]))
    return out


_ALPHABET = "abcdefghijklmnopqrstuvwxyz "


def _edits1(key: str) -> set[str]:
    """Keys one typo away (a letter dropped, added, changed, or two swapped)."""
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    out.discard(key)
    return out


def _typo_row(t: PlaceTable, key: str, hints: list[Hint]) -> Row | None:
    """The place whose own name is one typo from ``key`` ("Tuscon" -> Tucson),
    fitting ``hints``; None when two names are ("Lichfield": Litchfield or
    Richfield?), for short keys, for names of divisions ("Minnesota" is no
    typo of Minneota) and for US postal places."""
    if len(key) < MIN_TYPO_CHARS or key in t.admin1_by_key:
        return None
    found: dict[str, Row] = {}
    for variant in _edits1(key):
        for row in t.rows(variant):
            if row.population > 0 and _fits(row, hints) and name_key(row.name) == variant:
                found.setdefault(variant, row)
    return next(iter(found.values())) if len(found) == 1 else None


def _site_scope(t: PlaceTable, state: str, country: str) -> tuple[frozenset[str], Hint | None] | None:
    """ISO codes the site's country covers and the divisions its state names;
    None when the country is unknown or neither is given."""
    isos: frozenset[str] = frozenset()
    if country:
        name = normalize_country(country)
        isos = country_isos(name) if name else frozenset()
        if not isos:
            return None
    state_hint: Hint | None = None
    if state:
        divisions = [(c, a) for c, a in t.admin1_by_key.get(name_key(state), []) if not isos or c in isos]
        if divisions:
            state_hint = frozenset(divisions)
    if not isos and state_hint is None:
        return None  # a city with neither country nor known state is too ambiguous
    return isos, state_hint


def _city_point(t: PlaceTable, city: str, isos: frozenset[str], state_hint: Hint | None) -> tuple[float, float] | None:
    hints: list[Hint] = [frozenset((iso, "") for iso in isos)] if isos else []
    tries = [hints + [state_hint]] if state_hint else []
    if not state_hint or _US not in isos:
        tries.append(hints)  # outside the US a division's name may be spelled unlike ours
    variants = _site_variants(city)
    if not variants:
        return None
    for hint_set in tries:
        for key in variants:
            row = _best_row(t, key, hint_set)
            if row is not None:
                return (row.lat, row.lon)
    if state_hint:
        # a typo, only where the search is narrow: within a state or province
        row = _typo_row(t, variants[0], tries[0])
        if row is not None:
            return (row.lat, row.lon)
    return None


def _zip_point(code: str, city: str, isos: frozenset[str], state_hint: Hint | None,
               city_point: tuple[float, float] | None) -> tuple[float, float] | None:
    """The site's own US ZIP code's position, when the ZIP agrees with the
    site's country and state and either names the site's city, lies within
    :data:`ZIP_AGREES_KM` of it, or the city is unknown. A ZIP that disagrees
    (a typo in the record: "Des Moines, Iowa 10309") is ignored."""
    m = _SITE_ZIP.match(code)
    z = zip_row(m.group(1)) if m else None
    if z is None or z.country not in isos:
        return None
    if state_hint is not None and not any(c == z.country and a == z.admin1 for c, a in state_hint):
        return None
    point = (z.lat, z.lon)
    if city_point is None or name_key(city) in z.keys or distance_km(point, city_point) <= ZIP_AGREES_KM:
        return point
    return None


def _site_lookup(city: str, state: str, country: str, zip_code: str) -> tuple[float, float] | None:
    t = table()
    scope = _site_scope(t, state, country)
    if scope is None:
        return None
    isos, state_hint = scope
    city_point = _city_point(t, city, isos, state_hint) if city else None
    if zip_code and isos & US_POSTAL:
        return _zip_point(zip_code, city, isos, state_hint, city_point) or city_point
    return city_point


def _valid_point(lat: Any, lon: Any) -> bool:
    try:
        return -90.0 <= float(lat) <= 90.0 and -180.0 <= float(lon) <= 180.0
    except (TypeError, ValueError):
        return False


def _field(location: Any, name: str) -> str:
    value = getattr(location, name, "")
    return value.strip() if isinstance(value, str) else ""


def site_point(location: Any) -> tuple[float, float] | None:
    """Coordinates of a trial site (a :class:`matcher.models.Location`).

    The site's own ``lat``/``lon`` when set. Else, for a US site (or one in
    Puerto Rico, Guam, ...) whose ZIP code agrees with its state and city, the
    ZIP's position; else its city, qualified by its state and country, at
    city level. Never a state's or country's centre (those can be hundreds of
    km off): None when neither the city nor a consistent ZIP is known.
    Answers are memoized per (city, state, country, ZIP).
    """
    lat, lon = getattr(location, "lat", None), getattr(location, "lon", None)
    if lat is not None and lon is not None and _valid_point(lat, lon):
        return (float(lat), float(lon))
    city, state, country, zip_code = (_field(location, f) for f in ("city", "state", "country", "zip"))
    if not (city or zip_code) or max(len(city), len(state), len(country), len(zip_code)) > MAX_QUERY_CHARS:
        return None
    key = (city, state, country, zip_code)
    try:
        return _site_cache[key]
    except KeyError:
        pass
    point = _site_lookup(city, state, country, zip_code)
    if len(_site_cache) >= _SITE_CACHE_MAX:
        _site_cache.clear()
    _site_cache[key] = point
    return point
