"""Field normalisation shared by every record format.

Both ClinicalTrials.gov formats say the same things with different
spellings ("Phase 1/Phase 2" vs ``["PHASE1", "PHASE2"]``, "Active, not
recruiting" vs ``ACTIVE_NOT_RECRUITING``).  We store the API v2 enum
spellings, which are documented and stable.
"""
from __future__ import annotations

import re

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")
_AGE_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}


def age_in_years(text: str | None) -> float | None:
    """Parse a ClinicalTrials.gov age ("18 Years", "6 Months", "N/A") into years."""
    if not text:
        return None
    match = _AGE.match(text)
    if not match:
        return None
    unit = match.group(2).lower().rstrip("s")
    factor = _AGE_UNIT_YEARS.get(unit)
    if factor is None:
        return None
    return round(float(match.group(1)) * factor, 4)


def enum(text: str | None) -> str:
    """'Active, not recruiting' -> 'ACTIVE_NOT_RECRUITING' (API v2 spelling)."""
    if not text:
        return ""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "_".join(w.upper() for w in words)


_STUDY_TYPES = {"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"}


def study_type(text: str | None) -> str:
    """'Observational [Patient Registry]' -> 'OBSERVATIONAL'."""
    value = enum(text)
    for known in _STUDY_TYPES:
        if value.startswith(known):
            return known
    return value


def phases(values: list[str]) -> list[str]:
    """Legacy "Phase 1/Phase 2" or v2 ["PHASE1", "PHASE2"] -> ["PHASE1", "PHASE2"]."""
    out: list[str] = []
    for value in values:
        for part in re.split(r"\s*/\s*", value or ""):
            key = enum(part).replace("PHASE_", "PHASE")
            if key in ("N_A", "NA", ""):
                key = "NA" if part else ""
            if key and key not in out:
                out.append(key)
    return out


def sex(text: str | None) -> str:
    value = (text or "").strip().lower()
    return value if value in ("female", "male") else "all"


def healthy_volunteers(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text.startswith("accepts") or text == "yes":
        return True
    if text == "no":
        return False
    return None


def clean_text(text: str | None) -> str:
    """Strip the legacy format's carriage returns and the block indentation."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # drop common indentation (legacy textblocks are indented by XML nesting)
    indents = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(l[cut:].rstrip() for l in lines).strip("\n")


_MONTHS = {m: n for n, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], 1)}


def iso_date(text: str | None) -> str:
    """A registry date as ISO: "June 24, 2005" → "2005-06-24", "January 2004" →
    "2004-01", "2023-02-03" kept; anything else → ""."""
    if not isinstance(text, str):
        return ""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
        return text
    m = re.fullmatch(r"([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})", text)
    if not m or m.group(1).lower() not in _MONTHS:
        return ""
    month = _MONTHS[m.group(1).lower()]
    return f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(2)):02d}" if m.group(2) else "")


def coordinate(value: object, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (limit 180), or None if not a finite number in range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if -limit <= number <= limit else None  # NaN fails both comparisons
