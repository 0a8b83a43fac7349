"""Offline geocoding (matcher/geo over resources/geo).

Negatives for free-text reading come from real clinical text: all 380
sentences of tests/data/patient_sentences.jsonl and the 50 TREC 2022 dev
topics; none of them says where the patient lives.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.geo import (
    ATTRIBUTION,
    Place,
    distance_km,
    geocode,
    known_countries,
    normalize_country,
    parse_distance,
    place_in_text,
    site_point,
)
from matcher.geo.names import name_key, rules_digest
from matcher.models import Location

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
TREC_TOPICS = SHARED / "bench" / "dev" / "trec2022" / "topics.jsonl"

COLUMBUS = (39.96, -83.00)
CLEVELAND = (41.50, -81.69)


def near(point: tuple[float, float], where: tuple[float, float], km: float = 30.0) -> bool:
    return distance_km(point, where) <= km


# --------------------------------------------------------------------------
# Countries


@pytest.mark.parametrize("text, expected", [
    ("USA", "United States"), ("usa", "United States"), ("US", "United States"), ("U.S.", "United States"),
    ("U.S.A.", "United States"), ("United States of America", "United States"), ("america", "United States"),
    ("united states", "United States"), ("FR", "France"), ("fra", "France"), ("France", "France"),
    ("UK", "United Kingdom"), ("Great Britain", "United Kingdom"), ("England", "United Kingdom"),
    ("Scotland", "United Kingdom"), ("GBR", "United Kingdom"),
    ("South Korea", "Korea, Republic of"), ("Korea, Republic of", "Korea, Republic of"), ("KR", "Korea, Republic of"),
    ("Russia", "Russian Federation"), ("Russian Federation", "Russian Federation"),
    ("Iran", "Iran, Islamic Republic of"), ("Taiwan", "Taiwan"), ("Czech Republic", "Czechia"),
    ("Czechia", "Czechia"), ("Holland", "Netherlands"), ("The Netherlands", "Netherlands"),
    ("Côte D'Ivoire", "Côte D'Ivoire"), ("Ivory Coast", "Côte D'Ivoire"), ("Cote d'Ivoire", "Côte D'Ivoire"),
    ("Deutschland", "Germany"), ("Türkiye", "Turkey"), ("Viet Nam", "Vietnam"), ("Puerto Rico", "Puerto Rico"),
    ("North Macedonia", "Macedonia, The Former Yugoslav Republic of"), ("Former Yugoslavia", "Former Yugoslavia"),
    ("  germany  ", "Germany"),
])
def test_normalize_country(text, expected):
    assert normalize_country(text) == expected


@pytest.mark.parametrize("text", ["", "Narnia", "XX", "Ohio", "the", "123", "a" * 500, "Columbus"])
def test_normalize_country_unknown(text):
    assert normalize_country(text) is None


def test_registry_spellings_of_the_bundled_corpus_are_known():
    corpus_countries = [
        "United States", "Canada", "France", "United Kingdom", "Germany", "Korea, Republic of", "Russian Federation",
        "Iran, Islamic Republic of", "Taiwan", "Czechia", "Czech Republic", "Netherlands", "Côte D'Ivoire",
        "Macedonia, The Former Yugoslav Republic of", "Former Yugoslavia", "Hong Kong", "Puerto Rico", "Tanzania",
        "Bosnia and Herzegovina", "United Arab Emirates", "Vietnam", "Venezuela",
    ]
    known = set(known_countries())
    for name in corpus_countries:
        assert normalize_country(name) in known, name
    assert "Korea, Republic of" in known and "South Korea" not in known
    assert known_countries() == sorted(known)


# --------------------------------------------------------------------------
# geocode


@pytest.mark.parametrize("query, name, admin1, country, kind", [
    ("Columbus, Ohio", "Columbus", "Ohio", "United States", "city"),
    ("Columbus OH", "Columbus", "Ohio", "United States", "city"),
    ("Columbus, GA", "Columbus", "Georgia", "United States", "city"),
    ("columbus ohio usa", "Columbus", "Ohio", "United States", "city"),
    ("Houston, TX", "Houston", "Texas", "United States", "city"),
    ("Lyon", "Lyon", "", "France", "city"),
    ("Lyon, France", "Lyon", "", "France", "city"),
    ("texas", "Texas", "Texas", "United States", "state"),
    ("Ohio", "Ohio", "Ohio", "United States", "state"),
    ("TX", "Texas", "Texas", "United States", "state"),
    ("Ohio, USA", "Ohio", "Ohio", "United States", "state"),
    ("Washington State", "Washington", "Washington", "United States", "state"),
    ("Ontario", "Ontario", "Ontario", "Canada", "state"),
    ("France", "France", "", "France", "country"),
    ("UK", "United Kingdom", "", "United Kingdom", "country"),
    ("Paris", "Paris", "", "France", "city"),
    ("Paris, TX", "Paris", "Texas", "United States", "city"),
    ("Portland, ME", "Portland", "Maine", "United States", "city"),
    ("London, Ontario", "London", "Ontario", "Canada", "city"),
    ("Toronto, ON, Canada", "Toronto", "Ontario", "Canada", "city"),
    ("St. Louis", "St. Louis", "Missouri", "United States", "city"),
    ("Saint Louis, MO", "St. Louis", "Missouri", "United States", "city"),
    ("München", "Munich", "Bayern", "Germany", "city"),
    ("Cologne", "Köln", "Nordrhein-Westfalen", "Germany", "city"),
    ("Sao Paulo", "São Paulo", "", "Brazil", "city"),
    ("Seoul, South Korea", "Seoul", "", "Korea, Republic of", "city"),
    ("Moscow, Idaho", "Moscow", "Idaho", "United States", "city"),
    ("Washington, D.C.", "Washington", "District of Columbia", "United States", "city"),
    ("New York", "New York City", "New York", "United States", "city"),
    ("Clevland, OH", "Cleveland", "Ohio", "United States", "city"),  # one typo, within a state
])
def test_geocode(query, name, admin1, country, kind):
    place = geocode(query)
    assert place is not None, query
    assert (place.name, place.admin1, place.country, place.kind) == (name, admin1, country, kind)


def test_geocode_prefers_the_given_state_then_population():
    assert near(geocode("Columbus, Ohio").point, COLUMBUS)
    assert near(geocode("Columbus").point, COLUMBUS)  # the most populous Columbus
    assert geocode("Columbus, GA").lat < 33
    assert geocode("Portland").admin1 == "Oregon"
    assert geocode("Paris").country == "France"


@pytest.mark.parametrize("query", ["44106", "ZIP 44106", "zip code: 44106", "44106-1234", "Zipcode 44106"])
def test_geocode_zip(query):
    place = geocode(query)
    assert place is not None and place.kind == "zip"
    assert place.admin1 == "Ohio" and place.country == "United States"
    assert near(place.point, CLEVELAND, 15)
    assert "Cleveland" in place.label


@pytest.mark.parametrize("query", [
    "00000", "99999", "SW1A 1AA", "postcode SW1A 1AA", "M5V 2T6", "Narnia", "", "   ", "in", "ca", "the",
    "Smallville, Ohio", "Columbus, Narnia", "1234",
])
def test_geocode_unknown(query):
    assert geocode(query) is None


def test_place_label():
    assert geocode("Columbus, Ohio").label == "Columbus, Ohio, United States"
    assert geocode("Lyon").label == "Lyon, France"
    assert geocode("France").label == "France"
    assert Place("X", 1.0, 2.0, "Y").label == "X, Y"


# --------------------------------------------------------------------------
# place_in_text

POSITIVES = [
    ("lives in texas", "Texas", "state"),
    ("in Columbus, Ohio", "Columbus", "city"),
    ("Houston, TX", "Houston", "city"),
    ("near Lyon", "Lyon", "city"),
    ("ZIP 44106", "44106 (Cleveland)", "zip"),
    ("I live outside Boston", "Boston", "city"),
    ("from Toronto, Canada", "Toronto", "city"),
    ("based in Paris, France", "Paris", "city"),
    ("I live in Columbus, Ohio.", "Columbus", "city"),
    ("My zip code is 44106.", "44106 (Cleveland)", "zip"),
    ("zipcode: 10001", "10001 (New York)", "zip"),
    ("Patient lives in the suburbs of Chicago and works as a teacher.", "Chicago", "city"),
    ("I'm in Seattle", "Seattle", "city"),
    ("I am from Dayton, OH", "Dayton", "city"),
    ("resident of Cleveland Heights, Ohio", "Cleveland Heights", "city"),
    ("She resides in Portland, Maine", "Portland", "city"),
    ("We live near Ann Arbor, Michigan", "Ann Arbor", "city"),
    ("located in Munich, Germany", "Munich", "city"),
    ("He is from Mexico.", "Mexico", "country"),
    ("living in rural Georgia", "Georgia", "state"),
    ("I live in St. Louis with my husband.", "St. Louis", "city"),
    ("moved to Denver last year", "Denver", "city"),
    ("a 45-year-old woman from São Paulo, Brazil", "São Paulo", "city"),
    ("I'm based out of Atlanta", "Atlanta", "city"),
    ("We live in Washington, D.C.", "Washington", "city"),
    ("lives in new york city", "New York City", "city"),
    ("I'm from the UK", "United Kingdom", "country"),
    ("Hometown: Austin, TX", "Austin", "city"),
    ("lives just outside of Philadelphia", "Philadelphia", "city"),
    ("55 yo M in Phoenix, AZ with NSCLC", "Phoenix", "city"),
    ("Lives in Ontario, Canada", "Ontario", "state"),
    ("I live in Columbus Ohio area", "Columbus", "city"),
    ("LIVES IN OHIO", "Ohio", "state"),
    ("A 60-year-old man with lung cancer who lives in Lyon, France.", "Lyon", "city"),
    ("I live in Zürich", "Zürich", "city"),
]


@pytest.mark.parametrize("text, name, kind", POSITIVES)
def test_place_in_text(text, name, kind):
    place = place_in_text(text)
    assert place is not None, text
    assert (place.name, place.kind) == (name, kind)


NEGATIVES = [
    "in remission", "in March 2019", "in the past", "in his liver", "near-normal", "from the hospital",
    "diagnosed in 2019", "in Stage IV", "history of Addison", "Ms. Lyon", "Mobile phone", "Seen by Dr. Houston",
    "in New York Heart Association class III", "He was diagnosed in Boston in 2010",
    "she has been in remission since May", "lives in fear of recurrence", "I'm in pain", "Glasgow Coma Scale of 12",
    "in Addison's disease", "referred from Dr. Paris", "He was born in Lyon", "John Smith, MD", "Hodgkin, Stage IV",
    "I'm in stage IV", "in vitro", "lives in a nursing home", "lives with his wife", "in Mobile home",
    "Abnormalities in PT or PTT", "in the GENOA study", "enrolled in the Ohio State University cohort",
    "in the Rochester Family Heart Study", "postcode SW1A 1AA", "Mr. Jackson was admitted from the ED",
    "in Hodgkin lymphoma", "in May", "Dr. Cleveland, MD", "seen in clinic in August",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_place_in_text_negatives(text):
    assert place_in_text(text) is None


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_place_in_clinical_patient_sentences():
    sentences = _jsonl(DATA / "patient_sentences.jsonl")
    assert len(sentences) == 380
    found = {s["id"]: place_in_text(s["text"]) for s in sentences}
    assert {k: v.label for k, v in found.items() if v is not None} == {}


@pytest.mark.skipif(not TREC_TOPICS.exists(), reason="shared TREC 2022 topics not present")
def test_no_place_in_trec_topics():
    topics = _jsonl(TREC_TOPICS)
    assert len(topics) == 50
    found = {t["_id"]: place_in_text(t["text"]) for t in topics}
    assert {k: v.label for k, v in found.items() if v is not None} == {}


def test_place_in_text_prefers_zip_then_residence_cue():
    text = "Seen in Boston. I live in Columbus, Ohio, zip 43210."
    assert place_in_text(text).kind == "zip"
    assert place_in_text("I was in Paris last year but I live in Lyon").name == "Lyon"


def test_place_in_text_prints_nothing(capsys, caplog):
    place_in_text("I live in Columbus, Ohio, ZIP 43210, and have stage IV lung cancer")
    out = capsys.readouterr()
    assert out.out == "" and out.err == "" and caplog.records == []


# --------------------------------------------------------------------------
# site_point


def test_site_point_uses_own_coordinates():
    assert site_point(Location(city="Nowhere", lat=10.5, lon=-20.25)) == (10.5, -20.25)


@pytest.mark.parametrize("city, state, country, where", [
    ("Columbus", "Ohio", "United States", COLUMBUS),
    ("Cleveland", "Ohio", "United States", CLEVELAND),
    ("Columbus", "Georgia", "United States", (32.46, -84.99)),
    ("Saint Louis", "Missouri", "United States", (38.63, -90.20)),
    ("St. Louis Park", "Minnesota", "United States", (44.95, -93.35)),
    ("Shawnee Mission", "Kansas", "United States", (39.0, -94.65)),  # a US postal place name
    ("Tuscon", "Arizona", "United States", (32.22, -110.93)),  # typo, within the state
    ("Lyon Cedex 03", "", "France", (45.75, 4.85)),
    ("Paris Cedex 13", "", "France", (48.85, 2.35)),
    ("Besançon", "", "France", (47.24, 6.02)),
    ("Muenchen", "", "Germany", (48.14, 11.58)),
    ("Seoul", "", "Korea, Republic of", (37.57, 126.98)),
    ("Moscow", "", "Russian Federation", (55.75, 37.62)),
    ("Hong Kong", "", "China", (22.28, 114.16)),
    ("Toronto", "Ontario", "Canada", (43.70, -79.42)),
    ("London", "Ontario", "Canada", (42.98, -81.23)),
    ("Praha 2", "", "Czechia", (50.08, 14.42)),
    ("Prague", "", "Czech Republic", (50.08, 14.42)),
    ("Frankfurt/Main", "", "Germany", (50.11, 8.68)),
    ("DK-8200 Aarhus N", "", "Denmark", (56.16, 10.21)),
    ("Travis Air Force Base", "California", "United States", (38.27, -121.94)),
    ("San Juan", "", "Puerto Rico", (18.47, -66.11)),
])
def test_site_point(city, state, country, where):
    point = site_point(Location(city=city, state=state, country=country))
    assert point is not None, (city, state, country)
    assert near(point, where, 30), (city, point)


@pytest.mark.parametrize("city, state, country", [
    ("", "Ohio", "United States"),  # no city: never the state's centre
    ("Hokkaido", "", "Japan"),  # a region, not a city
    ("Smallvillexyz", "Kansas", "United States"),
    ("Columbus", "", "Narnia"),
    ("Columbus", "", ""),
    ("Atlantisxyz", "", "France"),
    ("Sainte Qwertyville", "", "France"),  # never shortened to a generic word
])
def test_site_point_unknown(city, state, country):
    assert site_point(Location(city=city, state=state, country=country)) is None


@pytest.mark.parametrize("city, state, zip_code, where", [
    ("Voorhees", "New Jersey", "08043", (39.85, -74.96)),  # GeoNames' Voorhees is another, 80 km off
    ("Bryn Mawr", "Pennsylvania", "19010", (40.02, -75.31)),
    ("Togus", "Maine", "04330", (44.33, -69.77)),  # unknown city, ZIP in the state
    ("Des Moines", "Iowa", "10309", (41.59, -93.62)),  # a ZIP of New York: ignored
    ("Springfield", "Illinois", "62526", (39.80, -89.64)),  # a ZIP 60 km off, of another city: ignored
    ("Lichfield", "Minnesota", "55355", (45.13, -94.53)),  # typo of Litchfield or Richfield? the ZIP says
])
def test_site_point_uses_a_consistent_zip(city, state, zip_code, where):
    point = site_point(Location(city=city, state=state, country="United States", zip=zip_code))
    assert point is not None and near(point, where, 15), point


def test_site_point_memoizes():
    loc = Location(city="Columbus", state="Ohio", country="United States")
    first = site_point(loc)
    for _ in range(20_000):
        assert site_point(loc) == first


# --------------------------------------------------------------------------
# Distances


def test_haversine():
    assert distance_km(COLUMBUS, COLUMBUS) == 0
    assert 190 < distance_km(COLUMBUS, CLEVELAND) < 215
    assert distance_km(COLUMBUS, CLEVELAND) == pytest.approx(distance_km(CLEVELAND, COLUMBUS))
    assert 20_000 < distance_km((0, 0), (0, 180)) < 20_040


def test_columbus_to_cleveland_by_geocode():
    assert 190 < distance_km(geocode("Columbus, Ohio").point, geocode("Cleveland, OH").point) < 215


@pytest.mark.parametrize("text, km", [
    ("50mi", 80.4672), ("50 mi", 80.4672), ("100km", 100.0), ("100 km", 100.0), ("25 miles", 40.2336),
    ("1 mile", 1.609344), ("2.5 km", 2.5), ("2,5 km", 2.5), ("1,000 km", 1000.0), (" 10 KM ", 10.0),
    ("20000 km", 20000.0),
])
def test_parse_distance(text, km):
    assert parse_distance(text) == pytest.approx(km)


@pytest.mark.parametrize("text, message", [
    ("", "cannot read"), ("fifty miles", "cannot read"), ("50", "cannot read"), ("km", "cannot read"),
    ("50 parsecs", "unknown distance unit"), ("0 km", "more than zero"), ("-5 mi", "more than zero"),
    ("20001 km", "farther than"), ("99999 miles", "farther than"), ("5" * 200 + " km", "cannot read"),
])
def test_parse_distance_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_distance(text)


def test_parse_distance_needs_text():
    with pytest.raises(TypeError, match="text"):
        parse_distance(None)


# --------------------------------------------------------------------------
# Robustness: garbage, hostile, huge and non-ASCII input never raises


HOSTILE = [
    "", " ", "\x00", "\x00" * 1000, "\ud800", "🙂🙂🙂", "東京", "Zürich", "Ψ" * 10_000, "in " * 50_000,
    "lives in " * 20_000, "Columbus, " * 10_000, "a" * 1_000_000, "ZIP " * 10_000, "ZIP 1234567890",
    "in A, B, C, D, E, F, G, H, I, J, K", "(((((((((", ".*+?[", "\\", "St. " * 1000, "'; DROP TABLE places; --",
    "\u202eoihO ,submuloC", "ＣＯＬＵＭＢＵＳ， ＯＨＩＯ",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input(text):
    geocode(text)
    place_in_text(text)
    normalize_country(text)
    site_point(Location(city=text, state=text, country=text))
    with pytest.raises(ValueError):
        parse_distance(text)


@pytest.mark.parametrize("value", [None, 42, 3.5, b"Ohio", ["Ohio"], {"city": "Ohio"}])
def test_non_text_input(value):
    assert geocode(value) is None
    assert place_in_text(value) is None
    assert normalize_country(value) is None
    assert site_point(value) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_never_raises(text):
    geocode(text)
    place_in_text(text)
    normalize_country(text)
    site_point(Location(city=text, country="United States"))
    try:
        km = parse_distance(text)
    except ValueError:
        pass
    else:
        assert 0 < km <= 20_000


# --------------------------------------------------------------------------
# Data and resources


def test_attribution():
    assert "GeoNames" in ATTRIBUTION and "CC BY 4.0" in ATTRIBUTION


def test_place_table_is_current():
    """The shipped table was built with the current name rules (else run scripts/build_places.py)."""
    path = files("matcher.resources").joinpath("geo", "places.tsv.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        header = fh.readline()
    assert f"rules={rules_digest()}" in header


def test_name_key():
    assert name_key("St. Louis") == name_key("Saint Louis") == "saint louis"
    assert name_key("Besançon") == "besancon"
    assert name_key("Winston-Salem") == "winston salem"
    assert name_key("U.S.A.") == "usa"
    assert name_key("MT") == "mt"  # an abbreviation only before a word


def test_tables_load_lazily():
    code = ("import matcher.geo, matcher.geo.table as t; assert not t.is_loaded(); "
            "matcher.geo.geocode('Ohio'); assert t.is_loaded()")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def _shipped_rows(keys: set[str]) -> dict[str, list[tuple]]:
    """What ``places.tsv.gz`` itself says for ``keys``: read straight from the text, section by section."""
    path = files("matcher.resources").joinpath("geo", "places.tsv.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    n_rows = int(lines[1].split("\t")[1])
    rows = lines[2 : 2 + n_rows]
    at = 2 + n_rows
    n_keys = int(lines[at].split("\t")[1])
    single = dict(zip(lines[at + 1 : at + 1 + n_keys], map(int, lines[at + 1 + n_keys : at + 1 + 2 * n_keys])))
    at += 1 + 2 * n_keys
    multi = {}
    for line in lines[at + 1 : at + 1 + int(lines[at].split("\t")[1])]:
        key, found = line.split("\t")
        multi[key] = [int(n) for n in found.split(",")]
    out = {}
    for key in keys:
        numbers = [single[key]] if key in single else multi.get(key, [])
        out[key] = [tuple(rows[n].split("\t")) for n in numbers]
    return out


def _as_text(row) -> tuple:
    return (row.name, row.country, row.admin1, f"{row.lat:.5f}", f"{row.lon:.5f}", str(row.population))


def test_the_place_database_says_what_the_shipped_table_says(tmp_path, monkeypatch):
    """Places are looked up in an SQLite copy of places.tsv.gz made once in the cache
    directory; each name gives the same places in the same order (most populous first)."""
    from matcher.geo import table as t

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    fresh = t._load()
    (db_file,) = tmp_path.glob("places-*.sqlite")
    keys = {"boston", "columbus", "springfield", "paris", "saint louis", "munchen", "koln", "sao paulo",
            "winston salem", "no such place at all", "london", "portland"}
    expected = _shipped_rows(keys)
    assert sum(map(len, expected.values())) > 30  # names of several places each
    for key in sorted(keys):
        assert [_as_text(r) for r in fresh.rows(key)] == expected[key], key
        assert fresh.has(key) == bool(expected[key])
    again = t._load()  # a second process opens the copy instead of reading the text
    assert [_as_text(r) for r in again.rows("springfield")] == expected["springfield"]
    assert list(tmp_path.glob("places-*.sqlite")) == [db_file]
    zip_line = again.zip_line("02115")
    assert zip_line is not None and zip_line.split("\t")[5] == "Boston"
    assert again.zip_line("00000") is None


def test_a_broken_or_unwritable_place_cache_only_costs_time(tmp_path, monkeypatch):
    from matcher.geo import table as t

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    t._load()
    (db_file,) = tmp_path.glob("places-*.sqlite")
    db_file.write_bytes(b"not a database" * 100)  # damaged by hand, or another program's file

    def forbidden(self, missing_ok=False):
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(Path, "unlink", forbidden)  # another user's cache directory: not ours to clean
        assert t._load().rows("boston")[0].admin1 == "MA"
    table = t._load()
    assert table.rows("boston")[0].admin1 == "MA"
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("MATCHER_CACHE", str(blocked))  # nowhere to write: built in memory
    table = t._load()
    assert table.rows("boston")[0].admin1 == "MA"
    assert t.zip_row("43210") is not None

    def homeless():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(t, "cache_dir", homeless)
    assert t._load().rows("columbus")[0].admin1 == "OH"
