"""Clinical classes written with numerals or letters, read as the scores they stand for:
"NYHA class III or IV" (3–4), "New York Heart Association class II-IV", "ASA I, II",
"ASA score above 3", "Child-Pugh class B or C" (score >= 7), "Glasgow Coma Score > 9"."""
from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
_NUM = r"(?:VI|IV|V|III|II|I|[1-6])"
_CMP = {"above": ">", "greater than": ">", "more than": ">", "over": ">", ">": ">", "≥": ">=", ">=": ">=", "at least": ">=",
        "below": "<", "less than": "<", "under": "<", "<": "<", "≤": "<=", "<=": "<=", "at most": "<=", "no more than": "<=",
        "no greater than": "<=", "of": None, "": None}
_CMP_RE = r"(?P<cmp>above|greater than|more than|over|at least|below|less than|under|at most|no more than|no greater than|[<>≤≥]=?)?\s*"
_SCALES = {
    "nyha class": r"(?:NYHA|New\s+York\s+Heart\s+Association)(?:\s*\(NYHA\))?(?:\s+functional)?(?:\s+class(?:es|ification)?)?",
    "asa physical status": r"(?:ASA|American\s+Society\s+of\s+Anesthesiologists?)(?:\s*\(ASA\))?(?:\s+physical\s+status)?(?:\s+(?:class(?:es)?|score|grade|PS|status))?",
}
_LIST = r"(?P<list>" + _NUM + r"(?:\s*(?:-|–|to|through|,|or|and|/|, or|, and)\s*(?:class\s+)?" + _NUM + r")*)"
_CHILD = re.compile(r"Child[\s-]*(?:Turcotte[\s-]*)?Pugh(?:\s*\(CTP\))?(?:\s+(?:class(?:es)?|score|grade|category))?\s*(?P<letters>[ABC](?:\s*(?:-|–|to|,|or|and|/)\s*[ABC])*)\b", re.I)
_CHILD_SCORE = {"A": (5, 6), "B": (7, 9), "C": (10, 15)}


@dataclass(frozen=True)
class ClassBound:
    concept: str
    comparator: str
    value: float
    value_max: float | None
    start: int
    end: int


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _ROMAN[token.upper()]


# each scale's pattern, and words a text cannot match it without (most criteria hold none of them)
_PATTERNS = {concept: re.compile(r"\b" + name + r"\s*(?:of\s+)?" + _CMP_RE + _LIST + r"(?![A-Za-z0-9])",
                                 re.I if concept == "nyha class" else 0) for concept, name in _SCALES.items()}
_NEEDS = {"nyha class": lambda text, low: "nyha" in low or "new" in low,
          "asa physical status": lambda text, low: "ASA" in text or "American" in text}


def read_classes(text: str) -> list[ClassBound]:
    out: list[ClassBound] = []
    low = text.lower()
    for concept, pattern in _PATTERNS.items():
        if not _NEEDS[concept](text, low):
            continue
        for m in pattern.finditer(text):
            values = [_value(t) for t in re.findall(_NUM, m.group("list"))]
            if not values or max(values) > (4 if concept == "nyha class" else 6):
                continue
            cmp = _CMP.get((m.group("cmp") or "").lower())
            joined = re.search(r"-|–|to|through", m.group("list"))
            if cmp and len(values) == 1:
                out.append(ClassBound(concept, cmp, float(values[0]), None, m.start(), m.end()))
            elif len(values) == 1:
                out.append(ClassBound(concept, "between", float(values[0]), float(values[0]), m.start(), m.end()))
            elif joined or values == list(range(min(values), max(values) + 1)):
                out.append(ClassBound(concept, "between", float(min(values)), float(max(values)), m.start(), m.end()))
    for m in _CHILD.finditer(text) if "child" in low else ():
        letters = sorted(set(re.findall(r"[ABC]", m.group("letters").upper())))
        lo, hi = _CHILD_SCORE[letters[0]][0], _CHILD_SCORE[letters[-1]][1]
        if lo == 5 and hi == 15:
            continue
        if hi == 15:
            out.append(ClassBound("child-pugh score", ">=", float(lo), None, m.start(), m.end()))
        elif lo == 5:
            out.append(ClassBound("child-pugh score", "<=", float(hi), None, m.start(), m.end()))
        else:
            out.append(ClassBound("child-pugh score", "between", float(lo), float(hi), m.start(), m.end()))
    return out
