"""Doses of a drug as written beside it, read the same way from patients and criteria.

"prednisone 10 mg daily", "on 60 mg a day of prednisone", "Prednisone > 5 mg per day",
"more than 10 mg daily prednisone or equivalent", "above 4 mg/day of dexamethasone".
A dose is kept in milligrams a day; without a frequency it has none (``mg_per_day``
is None), since "prednisone 10 mg" says nothing of how often.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CMP = {">": ">", "≥": ">=", ">=": ">=", "<": "<", "≤": "<=", "<=": "<=", "more than": ">", "more": ">", "greater than": ">",
        "above": ">", "over": ">", "exceeding": ">", "in excess of": ">", "at least": ">=", "less than": "<", "below": "<",
        "under": "<", "at most": "<=", "no more than": "<=", "not more than": "<=", "up to": "<=", "≤ ": "<="}
_PER = {"day": 1.0, "d": 1.0, "24h": 1.0, "24 h": 1.0, "24 hours": 1.0, "week": 1 / 7, "wk": 1 / 7}
# (written or spoken: "three times daily" reaches here as "3 times daily", matcher.spoken)
_FREQ = [(r"(?:twice|2 times) (?:a |per )?day|(?:twice|2 times) daily|\bbid\b|b\.i\.d\.?|every 12 hours|q12h", 2.0),
         (r"(?:three|3) times (?:a |per )?day|(?:three|3) times daily|\btid\b|t\.i\.d\.?|every 8 hours|q8h", 3.0),
         (r"(?:four|4) times (?:a |per )?day|(?:four|4) times daily|\bqid\b", 4.0),
         (r"every other day|alternate days", 0.5),
         (r"once (?:a |per )?week|weekly|every week", 1 / 7),
         (r"daily|a day|per day|each day|every day|\bqd\b|once (?:a |per )?day|every morning|every night|at night|nightly|/day", 1.0)]
_DOSE_HINT = re.compile(r"\d\s*(?:mg|milligram|mcg|µg|μg|ug|microgram|g)", re.I)
_DOSE = re.compile(
    r"(?P<cmp>no more than|not more than|more than|greater than|less than|at least|at most|in excess of|exceeding|up to|above|over|below|under|more|[≥≤<>]=?)?\s*"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>mg|milligrams?|mcg|µg|μg|ug|micrograms?|g|grams?)\b"
    r"(?:\s*(?:/|per|a|an|each)\s*(?P<per>day|d|24\s?h(?:ours)?|week|wk)\b)?"
    r"(?P<freq>(?:\s+(?:of\s+\w+\s+)?(?:(?:twice|2 times) (?:a |per )?day|(?:twice|2 times) daily|(?:three|3) times (?:a |per )?day|"
    r"(?:three|3) times daily|(?:four|4) times (?:a |per )?day|(?:four|4) times daily|"
    r"every other day|once (?:a |per )?(?:day|week)|daily|a day|per day|each day|every day|weekly|bid|tid|qid|qd|every morning|every night|at night|nightly)))?",
    re.I)
_SCALE = {"mg": 1.0, "milligram": 1.0, "milligrams": 1.0, "mcg": 0.001, "µg": 0.001, "μg": 0.001, "ug": 0.001,
          "microgram": 0.001, "micrograms": 0.001, "g": 1000.0, "gram": 1000.0, "grams": 1000.0}


@dataclass(frozen=True)
class Dose:
    comparator: str | None
    mg_per_day: float | None
    mg: float
    start: int
    end: int
    amount_end: int  # where the amount and its unit end ("7.5 mg" of "7.5 mg of prednisone every day")


def read_doses(text: str, *, assume_daily: bool = False) -> list[Dose]:
    """Every dose in ``text``; ``assume_daily`` reads a dose without a frequency as per day
    (criteria: "prednisone > 10 mg" is a daily dose)."""
    out = []
    if not _DOSE_HINT.search(text):  # a dose is a number and a unit of mass
        return out
    for m in _DOSE.finditer(text):
        scale = _SCALE.get(m.group("unit").lower())
        if scale is None:
            continue
        mg = float(m.group("value")) * scale
        per = m.group("per")
        freq = m.group("freq") or ""
        times = None
        if per:
            times = _PER.get(re.sub(r"\s+", " ", per.lower()), 1.0)
        elif freq:
            times = next((k for pattern, k in _FREQ if re.search(pattern, freq, re.I)), None)
        elif assume_daily:
            times = 1.0
        cmp = _CMP.get((m.group("cmp") or "").lower().strip())
        start = m.start("cmp") if m.group("cmp") else m.start("value")
        out.append(Dose(cmp, round(mg * times, 4) if times is not None else None, mg, start, m.end(), m.end("unit")))
    return out
