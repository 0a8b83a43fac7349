"""Quantities with comparators and units: "≥ 85 g/L", "2.5 to 5 x10^9/L",
"below 2 times the upper limit of normal", "18 years or older", "0 or 1".

Each quantity becomes a span in ``doc.spans["quantities"]`` with
``span._.quantity`` = ``{"comparator", "value", "value_max", "unit",
"relative_to", "unit_text"}``.  ``unit`` is a normalized unit symbol (from
:mod:`matcher.units`) or a time unit ("years", "months", "weeks", "days");
conversion to an analyte's canonical unit happens when a quantity is tied
to an analyte.  Comparator words live in ``resources/rules/comparators.json``.
Numbers inside time windows are left to :mod:`.windows`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import resources
from ..units import INDIAN_GROUPED, normalize_unit
from .alternation import alternation
from .tokenizer import doc_text

if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)

# ("1,00,000": digits grouped the Indian way, as Indian sites write them)
NUMBER = r"(?:" + INDIAN_GROUPED + r"|\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
ULN = (
    r"(?:the\s+)?(?:institutional\s+|laboratory\s+|local\s+)?(?:upper\s+(?:limits?|levels?)\s+of\s+(?:the\s+)?(?:institutional\s+)?normal"
    r"(?:\s+range)?(?:\s+values?)?|upper\s+normal\s+limits?|ULN|upper\s+limit\s+normal|U\.L\.N\.?)"
    r"(?:\s*\(\s*ULN\s*\))?"
)
# After a multiple ("3 times normal", "2.5 x the institutional upper limit", "4x top normal",
# "2 times age/sex adjusted normal"), "normal" and its variants name the upper limit of normal.
ULN_AFTER_TIMES = (
    r"(?:the\s+)?(?:(?:institutional|institution's|laboratory|local|site|age[/\s-]*(?:and\s*)?(?:/\s*)?sex[\s-]*adjusted|"
    r"age[\s-]adjusted)\s+)*(?:upper\s+(?:(?:limits?|levels?|range|end)\s+of\s+)?(?:the\s+)?normal(?:\s+(?:range|values?|limits?))?"
    r"|top\s+(?:of\s+)?normal|upper\s+limits?(?!\s+of)|normal(?:\s+(?:range|values?|limits?))?)"
)
LLN = r"(?:the\s+)?(?:lower\s+limits?\s+of\s+(?:the\s+)?normal(?:\s+range)?|lower\s+normal\s+limits?|LLN)(?:\s*\(\s*LLN\s*\))?"
TIMES = r"(?:\s*(?:[x×*]|times|fold|-fold|times\s+the|x\s+the|×\s+the|folds?)\s*)"
TIME_UNITS = {"years": "years", "year": "years", "yrs": "years", "yr": "years", "y": "years",
              "months": "months", "month": "months", "mos": "months", "mo": "months",
              "weeks": "weeks", "week": "weeks", "wks": "weeks", "wk": "weeks",
              "days": "days", "day": "days"}


def _alt(words) -> str:
    return alternation(words, space=r"\s*")


COMPARATORS = {">=", ">", "<=", "<", "=", "better", "worse"}


@cache
def _comparators():
    name = "rules/comparators.json"
    data = resources.read_json(name)
    unknown = set(data) - {"_comment", "before", "after", "range_joiners"}
    if unknown:
        raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
    for part in ("before", "after"):
        if not isinstance(data.get(part), dict):
            raise ValueError(f"{name}: {part} must map comparators to lists of words")
        for op, words in data[part].items():
            if op not in COMPARATORS:
                raise ValueError(f"{name}: {part}: unknown comparator {op!r}; expected one of {sorted(COMPARATORS)}")
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise ValueError(f"{name}: {part}.{op} must be a list of non-empty strings")
    before = {w.lower(): op for op, words in data["before"].items() for w in words}
    after = {w.lower(): op for op, words in data["after"].items() for w in words}
    return before, after


# number words read as values ("six months to 18 years"); "a", "once" and the like are not
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "thirty": 30, "forty": 40,
                 "fifty": 50, "sixty": 60}
NUMBER = NUMBER + "|" + "|".join(rf"\b{w}\b" for w in sorted(_WORD_NUMBERS, key=len, reverse=True))


def _to_float(text: str) -> float:
    word = _WORD_NUMBERS.get(text.lower())
    return float(word) if word is not None else float(text.replace(",", ""))


@cache
def _number_words() -> dict[str, float]:
    return {k: float(v) for k, v in resources.read_json("rules/time.json")["number_words"].items()}


_SPACES = re.compile(r"\s+")


def _longest_space(text: str) -> int:
    return max(map(len, _SPACES.findall(text)), default=0)


def _anchored(pattern: re.Pattern, text: str, reach: int) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, for a pattern whose every match holds a number
    that starts at most ``reach`` characters after the match does: each search
    starts just before the next number instead of trying the pattern at every
    position between numbers (the comparator alternation of "single" took a
    seventh of parsing). The same matches: no match can start further back."""
    pos = 0
    while True:
        found = _NUMBER_HINT.search(text, pos)
        if found is None:
            return
        m = pattern.search(text, max(pos, found.start() - reach))
        if m is None:
            return
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


@cache
def _reach_of(name: str, space: int) -> int:
    """How far before its first number a match of pattern ``name`` can start in a
    text whose longest run of spaces is ``space`` characters long."""
    return max(letters + runs * space for letters, runs in _patterns()["reach"][name])


@cache
def _patterns():
    before, after = _comparators()
    words = [w for w in before if w not in ("of", "is", ":", "=", "min", "max", "minimum", "maximum")]
    symbol_or_word = _alt(words)
    cmp_before = rf"(?P<cmp>{symbol_or_word})(?:\s*(?:of|to|than))?\s*"
    unit = r"(?P<unit>\s*(?:[x×*]\s*10\s*(?:\^|\*\*?|e|E)?\s*\(?[-−]?[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+\)?\s*)?(?:cells\s*)?(?:[/A-Za-zµμ%][A-Za-z0-9µμ%/.²³³⁹^*]*(?:\s*/\s*(?:1\.73\s*m[2²]?|[A-Za-z0-9µμ.²³]+))*(?:\s*/\s*1\.73\s*m[2²]|\s+per\s+1\.73\s*m[2²])?)?)"
    num_words = _alt(_number_words())
    # how far a match can start before its first number, as (letters, runs of spaces) pairs:
    # a comparator (each space in it a \s*), a joining "than" and the spaces around it
    reach = {
        "single": sorted({(len(w.replace(" ", "")) + 4, w.count(" ") + 2) for w in words}),
        "range": [(len("between"), 1)],
    }
    return {
        "reach": reach,
        "uln": re.compile(
            rf"(?:{cmp_before})?(?:(?P<mult>{NUMBER}|{num_words}){TIMES}?)?(?P<ref>{ULN}|{LLN})",
            re.IGNORECASE,
        ),
        "uln_after_times": re.compile(
            rf"(?:{cmp_before})?(?P<mult>{NUMBER}|{num_words}){TIMES}(?P<ref>{ULN_AFTER_TIMES})\b",
            re.IGNORECASE,
        ),
        "range": re.compile(
            rf"(?:\bbetween\s+|\bfrom\s+)?(?P<lo>{NUMBER})\s*(?P<unit1>[A-Za-zµμ%][^\s\d]*)?\s*(?:-|–|—|~|\bto\b|\band\b)\s*(?P<hi>{NUMBER})\s*{unit}",
            re.IGNORECASE,
        ),
        "enum": re.compile(r"\b(?P<items>\d(?:\s*,\s*\d)*\s*,?\s*(?:or|and|-|to)\s*\d)\b(?!\s*[.,]?\d)"),
        "single": re.compile(rf"(?:{cmp_before})?(?P<num>{NUMBER}){unit}", re.IGNORECASE),
        # what every match of "uln" and of "uln_after_times" contains: searched first, as those
        # two try their long optional comparator at every position of the text
        "uln_hint": re.compile(rf"{ULN}|{LLN}", re.IGNORECASE),
        "times_hint": re.compile(rf"(?:{NUMBER}|{num_words}){TIMES}", re.IGNORECASE),
        "after": re.compile(rf"^\s*(?:of\s+age\s+|old\s+)?(?P<after>{_alt(after)})(?!\w)", re.IGNORECASE) if after else None,
    }


def _trim(candidate: str) -> str:
    """Drop trailing spaces, punctuation and unbalanced closing brackets."""
    while True:
        trimmed = candidate.rstrip(" \t\r\n.,;:")
        if trimmed.endswith(")") and trimmed.count(")") > trimmed.count("("):
            trimmed = trimmed[:-1]
        if trimmed == candidate:
            return trimmed
        candidate = trimmed


def parse_unit(text: str) -> tuple[str | None, str]:
    """The longest prefix of ``text`` that is a known unit: (normalized unit, matched text)."""
    text = text.strip()
    if not text:
        return None, ""
    lowered = text.lower().rstrip(".,;:)")
    first = re.split(r"[\s,;)]", lowered, maxsplit=1)[0]
    if first in TIME_UNITS:
        return TIME_UNITS[first], first
    if first in ("yo", "y/o", "y.o.", "y.o"):
        return "years", first
    parts = re.split(r"(\s+)", text)
    for k in range(min(len(parts), 7), 0, -1):
        candidate = _trim("".join(parts[:k]))
        if not candidate or re.search(r"[,;]|\s(or|and)\s", candidate):
            continue  # a unit never spans a list separator
        unit = normalize_unit(candidate)
        if unit:
            return unit, candidate
    # "mg/dL)": a unit glued to punctuation
    m = re.match(r"[^\s,;()\[\]]+", text)
    if m and m.group(0) != text:
        candidate = m.group(0).rstrip(".,;:")
        unit = normalize_unit(candidate)
        if unit:
            return unit, candidate
        # "7.2mmol/L*": a footnote mark after the unit
        if candidate.rstrip("*†‡") != candidate and normalize_unit(candidate.rstrip("*†‡")):
            return normalize_unit(candidate.rstrip("*†‡")), candidate
    return None, ""


def unit_after(text: str, pos: int) -> tuple[str | None, int]:
    """The unit written right after position ``pos`` (a number's end): (unit, end offset)."""
    window = text[pos : pos + 32]
    stripped = window.lstrip()
    unit, candidate = parse_unit(stripped)
    if unit is None:
        return None, pos
    if candidate.lower() == "in" and re.match(r"\s+\w", stripped[len(candidate):]):
        return None, pos  # "ALT 300 in 2024", "18 in the opinion of": a preposition, not inches ("5 ft 4 in." is)
    return unit, pos + (len(window) - len(stripped)) + len(candidate)


# What each pattern cannot match without (checked first: most criteria hold no
# number, and the full patterns took a quarter of parsing time): a limit of
# normal names "normal", ULN/LLN or an "upper limit"; a value or range has a
# digit or a number word.
_LIMIT_HINT = re.compile(r"normal|uln|u\.l\.n|lln|upper\s+limit", re.IGNORECASE)
# where a number can start (a digit, ".5", a number word): where a NUMBER match can.
# The words come after a cheap test of their first letters, so that the search
# does not try twenty words at every position (seven times faster).
_NUMBER_HINT = re.compile(
    r"\d|\.\d|\b(?=[" + "".join(sorted({w[0] for w in _WORD_NUMBERS})) + "])(?:"
    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b", re.IGNORECASE)


_AND = re.compile(r"\band\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:()\[\]\n]|\.\s")
_BETWEEN = re.compile(r"\bbetween\b", re.IGNORECASE)


def _between_before(text: str, pos: int) -> bool:
    """Whether "between" comes before ``pos`` in its clause."""
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)), default=0)
    return _BETWEEN.search(text, start, pos) is not None


_PRONOUN_ONE = re.compile(r"\b(?:low|lower|high|higher|normal|good|bad|big|bigger|small|smaller|new|newer|old|older|"
                          r"right|wrong|same|latest|recent|last|worst|best|different|similar|previous|first|next|"
                          r"other|another|that|this)\s+$", re.I)
# counts per microlitre are whole numbers: "3.800/mm³" is 3,800 written with a dot between thousands
_PER_MICROLITRE = {"/µL", "cells/µL"}
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def find_quantities(text: str, skip: list[tuple[int, int]] = (), *, hints: bool = True) -> list[dict[str, Any]]:
    """Every quantity in ``text`` as a dict with ``start``/``end`` character offsets
    (``hints=False`` runs every pattern even where a hint says it cannot match)."""
    before, after = _comparators()
    pats = _patterns()
    numbers = _number_words()
    taken: list[tuple[int, int]] = list(skip)
    out: list[dict[str, Any]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def trailing(end: int) -> tuple[str | None, int]:
        m = pats["after"].match(text[end:]) if pats["after"] else None
        if m:
            return after[" ".join(m.group("after").lower().split())], end + m.end()
        return None, end

    def cmp_of(match) -> str | None:
        raw = match.groupdict().get("cmp")
        if not raw:
            return None
        return before.get(" ".join(raw.lower().split())) or before.get(raw.lower().replace(" ", ""))

    limits = not hints or _LIMIT_HINT.search(text)
    numbers_here = not hints or _NUMBER_HINT.search(text)
    uln = pats["uln"].finditer(text) if limits and (not hints or pats["uln_hint"].search(text)) else ()
    after_times = (pats["uln_after_times"].finditer(text) if limits and (not hints or pats["times_hint"].search(text))
                   else ())
    for m in [*uln, *after_times]:
        if not free(m.start(), m.end()):
            continue
        mult = m.group("mult")
        if mult is None:
            value = 1.0
        elif mult[0].isdigit() or mult[0] == ".":
            value = _to_float(mult)
        else:
            value = numbers.get(mult.lower(), 1.0)
        ref = "LLN" if re.search(r"lower|LLN", m.group("ref"), re.I) else "ULN"
        comparator = cmp_of(m)
        comparator2, end = trailing(m.end())
        out.append(dict(start=m.start(), end=end, comparator=comparator or comparator2, value=value,
                        value_max=None, unit=None, relative_to=ref, unit_text=ref))
        taken.append((m.start(), end))

    space = _longest_space(text) if numbers_here and hints else 0

    def scan(name: str) -> Iterator[re.Match]:
        if not numbers_here:
            return iter(())
        if not hints:
            return pats[name].finditer(text)
        return _anchored(pats[name], text, _reach_of(name, space))

    for m in scan("range"):
        if not free(m.start(), m.end()):
            continue
        lo, hi = _to_float(m.group("lo")), _to_float(m.group("hi"))
        unit, unit_end = unit_after(text, m.end("hi"))
        unit_text = text[m.end("hi") : unit_end].strip()
        if unit is None and m.group("unit1"):
            unit, _ = parse_unit(m.group("unit1"))
        joiner = m.group(0)[m.end("lo") - m.start() : m.start("hi") - m.start()]
        dashed = re.search(r"-|–|to", joiner)
        # "2 and 3" without unit or 'between' is a list, not a range
        if lo > hi or (unit is None and not re.match(r"\s*(between|from)", m.group(0), re.I) and not dashed):
            continue
        # nor, with a unit, is "creatinine 1.2 mg/dL and 12 tablets" or "(bilirubin ≥ 2 mg/dL) and 2 or
        # more of the following": "and" joins a range only after "between" ("between the ages of 18 and 70")
        if _AND.search(joiner) and not dashed and not _between_before(text, m.start("lo")):
            continue
        end = unit_end
        out.append(dict(start=m.start(), end=max(end, m.end("hi")), comparator="between", value=lo, value_max=hi,
                        unit=unit, relative_to=None, unit_text=unit_text))
        taken.append((m.start(), max(end, m.end("hi"))))

    for m in scan("single"):
        num_start = m.start("num")
        if not free(num_start, m.end("num")):
            continue
        # a number glued to letters (CD19, HER2, T2DM) is a name, not a value
        if num_start > 0 and (text[num_start - 1].isalpha() or text[num_start - 1] in "-^*/_"):
            continue
        # "one" after an adjective or a demonstrative stands for a noun: "the last one", "that one", "my white
        # cells always low one" (Malaysian and Singaporean English), not the number 1
        if m.group("num").lower() == "one" and _PRONOUN_ONE.search(text, max(0, num_start - 12), num_start):
            continue
        unit, end = unit_after(text, m.end("num"))
        unit_text = text[m.end("num") : end].strip()
        value = _to_float(m.group("num"))
        if unit in _PER_MICROLITRE and _DOT_THOUSANDS.fullmatch(m.group("num")):
            value *= 1000  # "neutrophils 2.300/mm³", "ANC ≥ 1.500/mm3": a dot grouping thousands, as in much of Europe and Brazil
        comparator = cmp_of(m)
        start = m.start() if comparator else num_start
        comparator2, end2 = trailing(end)
        if comparator is None and comparator2:
            comparator, end = comparator2, end2
        if not free(start, end):
            start = num_start
        out.append(dict(start=start, end=end, comparator=comparator or "=", value=value, value_max=None,
                        unit=unit, relative_to=None, unit_text=unit_text))
        taken.append((start, end))

    # an enumeration of small scores ("ECOG 0, 1 or 2") is read as a range,
    # replacing the bare numbers found inside it
    groups: list[tuple[int, int]] | None = None
    for m in pats["enum"].finditer(text) if numbers_here else []:
        if groups is None:
            groups = [g.span() for g in _GROUP_NUMBER.finditer(text)]
        if any(a < m.end() and m.start() < b for a, b in groups):
            continue  # a group's numbers: "Groups 1-4"
        items = [int(x) for x in re.findall(r"\d", m.group("items"))]
        if len(items) >= 2 and all(x <= 5 for x in items):
            covered = [q for q in out if q["start"] >= m.start() and q["end"] <= m.end()]
            if not all(q["unit"] is None and q["comparator"] == "=" for q in covered):
                continue
            out = [q for q in out if q not in covered]
            # "NYHA class 1, 3 or 4": listed values with a gap are not the range between them; the range is
            # kept with the gap marked, so that a value in the gap is a question (coverage.unexplained_tokens)
            gapped = len(set(items)) < max(items) - min(items) + 1
            out.append(dict(start=m.start(), end=m.end(), comparator="between", value=float(min(items)),
                            value_max=float(max(items)), unit=None, relative_to=None, unit_text="", gapped=gapped))
    return sorted(out, key=lambda q: q["start"])


# a whole date is no quantity: "CD4: 19.11.2026 = 240 cells/µl", "24.09.2026: 5.600 copies/ml", "2026-11-19"
_DATE = re.compile(r"(?<![\d.,/-])(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2})(?![\d.,/-]?\d)")


# the words that name a study's groups ("Groups 1-4", "Cohort B", "Stratum 2", "Part 1"; see coverage._GROUP_LABEL)
GROUP_WORDS = r"(?:groups?|cohorts?|arms?|strat(?:um|a)|parts?)"
# ... and their numbers, which are no values: "Groups 1-4: Less than 1.5 times ULN"
_GROUP_NUMBER = re.compile(r"\b" + GROUP_WORDS + r"\s+\d+(?:\s*(?:-|–|to|and|or|,|&)\s*\d+)*\b(?!\s*%)", re.I)


@Language.component("matcher_quantities")
def quantities_component(doc: Doc) -> Doc:
    skip = [(s.start_char, s.end_char) for s in doc.spans.get("windows", [])]
    text = doc_text(doc)
    if any(ch in text for ch in "./-"):
        skip += [(m.start(), m.end()) for m in _DATE.finditer(text)]
    if any(ch in text for ch in "GgCcAaSsPp"):
        skip += [(m.start(), m.end()) for m in _GROUP_NUMBER.finditer(text)]
    spans = []
    for q in find_quantities(text, skip):
        span = doc.char_span(q.pop("start"), q.pop("end"), label="QUANTITY", alignment_mode="expand")
        if span is not None:
            span._.quantity = q
            spans.append(span)
    doc.spans["quantities"] = spans
    return doc
