"""Distances: great-circle kilometres between two points, and "50 mi" -> km."""
from __future__ import annotations

import math
import re

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "KM_PER_MILE", "MAX_DISTANCE_KM", "distance_km", "haversine_km", "parse_distance"]

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
MAX_DISTANCE_KM = 20_000.0  # about half the Earth's circumference: anything farther is no limit
KM_PER_MILE = 1.609344
_UNITS = {
    "km": 1.0, "kms": 1.0, "kilometer": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometres": 1.0,
    "mi": KM_PER_MILE, "mile": KM_PER_MILE, "miles": KM_PER_MILE,
}
_DISTANCE = re.compile(r"^\s*([-+\u2212]?)\s*(\d{1,3}(?:,\d{3})+|\d{1,7}(?:[.,]\d+)?|[.,]\d+)\s*([a-z]+)\.?\s*$",
                       re.IGNORECASE)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in km between ``(lat, lon)`` points ``a`` and ``b``."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """:func:`distance_km` from ``(lat0, lon0)`` to each point of the arrays ``lat``, ``lon`` at once."""
    lat, lon = np.radians(lat), np.radians(lon)
    lat0, lon0 = np.radians(lat0), np.radians(lon0)
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat) * np.cos(lat0) * np.sin((lon - lon0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def parse_distance(text: str) -> float:
    """Kilometres in ``text``: "50mi", "50 mi", "25 miles", "100km", "100 km", "2.5 km".

    Raises ValueError, with a message saying what is accepted, for anything
    else: no unit, an unknown unit, zero or a negative number, or more than
    20,000 km (TypeError when ``text`` is not a string).
    """
    if not isinstance(text, str):
        raise TypeError("distance must be text such as '50 mi' or '100 km'")
    m = _DISTANCE.match(text[:64])
    if not m or len(text) > 64:
        shown = text[:30] + ("..." if len(text) > 30 else "")
        raise ValueError(f"cannot read distance {shown!r}: write a number and a unit, e.g. '50 mi' or '100 km'")
    sign, number, unit = m.group(1), m.group(2), m.group(3).lower()
    if unit not in _UNITS:
        raise ValueError(f"unknown distance unit {m.group(3)!r}: use km or mi (miles)")
    number = number.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number) else number.replace(",", ".")
    km = float(number) * _UNITS[unit]
    if sign in ("-", "\u2212") or km <= 0:
        raise ValueError("distance must be more than zero")
    if km > MAX_DISTANCE_KM:
        raise ValueError(f"distance {text.strip()!r} is more than {MAX_DISTANCE_KM:,.0f} km, farther than any two places on Earth")
    return km
