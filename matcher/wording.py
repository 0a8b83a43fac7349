"""How verdicts are worded for people: concept names as written, bounds, times.

The judge (matcher.eligibility) builds its reasons and questions from these;
nothing here decides a verdict.
"""
from __future__ import annotations

import re

from .models import Constraint
from .units import analyte_for, format_quantity
from .vocabulary import pretty  # noqa: F401  (re-exported for the judge)

COMPARATOR_WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below", "=": "equal to"}


def display_name(concept: str) -> str:
    """How a concept reads in a sentence: scores and abbreviations as written
    ("AST", "eGFR", "SELENA-SLEDAI"), other names in plain words."""
    if len(concept) <= 4 or "-" in concept or "/" in concept:
        analyte = analyte_for(concept)
        if analyte is not None:
            written = next((n for n in analyte.names if n != n.lower()), None)
            if written:
                return written
        if len(concept) <= 4 and concept.isalpha():
            return concept.upper()
    return concept


# "At least 4 weeks since", "less than 2 weeks have elapsed since": what the window excludes or
# requires is an exposure in the last 4 weeks
_SINCE = re.compile(r"(?:(?:less|fewer|more|greater)\s+than|at\s+least|up\s+to|over|[<>≤≥]=?)?\s*(?P<span>.+?)\s+"
                    r"(?:(?:must\s+)?(?:have|has)\s+)?(?:(?:elapsed|passed|gone\s+by)\s+)?since\b.*", re.IGNORECASE)


def window_words(c: Constraint) -> str:
    """A time window as a reason quotes it: as written, mid-sentence ("within 3 months prior to
    screening"), except that a "since" window says what it counts ("within the last 4 weeks")."""
    if not c.window:
        return ""
    text = c.window.text or f"within {c.window.days:g} days"
    since = _SINCE.fullmatch(text)
    if since:
        return f"within the last {since['span']}"
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def days_words(days: float) -> str:
    if days <= 0.5:
        return "currently"
    if days < 14:
        return f"{days:g} day{'s' if days != 1 else ''} ago"
    if days < 60:
        return f"{days / 7:.0f} weeks ago"
    if days < 730:
        return f"{days / 30.4375:.0f} months ago"
    return f"{days / 365.25:.0f} years ago"


def bound_words(c: Constraint) -> str:
    if c.relative_to:
        ref = "the upper limit of normal" if c.relative_to == "ULN" else "the lower limit of normal"
        times = "" if c.value == 1 else f"{c.value:g} times "
        return f"{COMPARATOR_WORDS.get(c.comparator, c.comparator or '')} {times}{ref}".strip()
    if c.comparator == "between":
        return f"between {format_quantity(c.value, c.unit)} and {format_quantity(c.value_max, c.unit)}"
    return f"{COMPARATOR_WORDS.get(c.comparator, c.comparator or '')} {format_quantity(c.value, c.unit)}"


def miss_words(c: Constraint) -> str:
    """How a value misses a required bound: "below the required 85 g/L"."""
    if c.relative_to:
        return f"not {bound_words(c)} as required"
    if c.comparator == "between":
        return f"outside the required range, {bound_words(c)}"
    bound = format_quantity(c.value, c.unit)
    if c.comparator in (">=", ">"):
        return f"below the required {bound}" if c.comparator == ">=" else f"not above the required {bound}"
    if c.comparator in ("<=", "<"):
        return f"above the allowed {bound}" if c.comparator == "<=" else f"not below the required {bound}"
    return f"not {bound} as required"


def short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
