"""Blood pressure written as systolic/diastolic ("BP 142/91", "blood pressure less than 160/90",
">150/100 mm Hg"), read the same way from patients and criteria into the two analytes."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CMP_WORDS = (r"less than or equal to|greater than or equal to|less than|greater than|lower than|higher than|above|below|over|under|"
              r"at least|at most|no more than|not more than|no greater than|exceeding|in excess of|>/=|</=|=/>|[<>≤≥]=?")
_CMP = {"less than or equal to": "<=", "greater than or equal to": ">=", "less than": "<", "greater than": ">", "lower than": "<",
        "higher than": ">", "above": ">", "below": "<", "over": ">", "under": "<", "at least": ">=", "at most": "<=",
        "no more than": "<=", "not more than": "<=", "no greater than": "<=", "exceeding": ">", "in excess of": ">",
        ">/=": ">=", "</=": "<=", "=/>": ">=", "<": "<", ">": ">", "≤": "<=", "≥": ">=", "<=": "<=", ">=": ">="}
_PAIR = r"(?P<cmp>" + _CMP_WORDS + r")?\s*(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})(?!\d|\s*(?:mg|ml|kg|µ|u/|iu|cells|mm3|ul))"
_NAMED = re.compile(r"\b(?:blood\s+pressures?|B/?P|(?:ms)?SBP\s*/\s*(?:ms)?DBP|arterial pressure)\b[^0-9;.]{0,25}?" + _PAIR + r"(?:\s*mm\s*(?:of\s*)?/?\s*hg)?", re.I)
_PAIR_HINT = re.compile(r"\d\s*/\s*\d")
_UNIT = re.compile(_PAIR + r"\s*mm\s*(?:of\s*)?/?\s*hg\b", re.I)


@dataclass(frozen=True)
class Pressure:
    comparator: str | None
    systolic: float
    diastolic: float
    start: int
    end: int


def read_pressures(text: str) -> list[Pressure]:
    out: list[Pressure] = []
    if not _PAIR_HINT.search(text):  # every reading is systolic/diastolic
        return out
    for pattern in (_NAMED, _UNIT):
        for m in pattern.finditer(text):
            s, d = float(m.group("s")), float(m.group("d"))
            if not (60 <= s <= 300 and 30 <= d <= 200 and s > d):
                continue
            if any(p.start <= m.start("s") < p.end for p in out):
                continue
            cmp = _CMP.get((m.group("cmp") or "").lower())
            out.append(Pressure(cmp, s, d, m.start(), m.end()))
    return sorted(out, key=lambda p: p.start)
