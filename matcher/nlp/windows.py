"""Time windows: "within 4 weeks prior to screening", "in the last 3 months".

Finds windows in the text and stores them as spans in
``doc.spans["windows"]``, each with ``span._.window`` =
``{"days": float, "anchor": str}``.  Rules (units, number words, lead and
relation words) are in ``resources/rules/time.json``.
"""
from __future__ import annotations

import re
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import resources
from .alternation import alternation
from .tokenizer import doc_text

if not Span.has_extension("window"):
    Span.set_extension("window", default=None)


def _alt(words) -> str:
    return alternation(words, space=r"\s+")


@cache
def _rules():
    data = resources.read_json("rules/time.json")
    units = {k.lower(): float(v) for k, v in data["units"].items()}
    numbers = {k.lower(): float(v) for k, v in data["number_words"].items()}
    # windows speak in days, weeks, months, years: single letters are too ambiguous here
    unit_alt = _alt([u for u in units if len(u) > 1 and u not in ("yo", "y.o")])
    num = rf"(?P<num>\d+(?:\.\d+)?|{_alt(numbers)})"
    unit = rf"(?P<unit>{unit_alt})\b"
    recent = rf"(?:{_alt(data['window_recent'])})"
    relation = _alt(data["window_relation"])
    anchor = rf"(?:\s+(?P<rel>{relation})\s+(?!age\b|life\b)(?P<anchor>(?:the\s+)?[A-Za-z][\w/-]*(?:\s+(?!or\b|and\b|but\b)[A-Za-z][\w/-]*){{0,5}}))?"
    lead = rf"(?:{_alt(data['window_lead'])})"
    # (a word comparator from a word's start; a sign right before its number: "≥ 2 weeks since radiation therapy")
    comparator = r"(?:\b(?:(?:less|fewer|more|greater)\s+than|at\s+least|up\s+to)|[<>≤≥]=?)"
    patterns = [
        # within (the last) 4 weeks (prior to screening)
        rf"\b{lead}\s+(?:the\s+)?(?:{recent}\s+)?{num}[\s-]+{unit}{anchor}",
        # in the last month / past year
        rf"\b{lead}\s+(?:the\s+)?{recent}\s+(?P<num1>)(?P<unit1>{unit_alt})\b{anchor}".replace("(?P<num1>)", ""),
        # (less than) 4 weeks prior to / before X
        rf"(?:{comparator}\s*)?\b{num}[\s-]+{unit}\s+(?P<rel2>prior\s+to|before|preceding|of)\s+(?!age\b|life\b)(?P<anchor2>(?:the\s+)?[A-Za-z][\w/-]*(?:\s+(?!or\b|and\b)[A-Za-z][\w/-]*){{0,5}})",
        # (less than) 2 weeks since major surgery: what follows "since" is the exposure itself
        rf"(?:{comparator}\s*)?\b{num}[\s-]+{unit}\s+(?:(?:must\s+)?(?:have|has)\s+)?(?:(?:elapsed|passed|gone\s+by)\s+)?since\b(?:\s+(?:the\s+)?(?:last|final|most\s+recent)\s+(?:dose|treatment|administration|course|cycle)(?:\s+of)?)?",
        # last/past 6 months
        rf"\b{recent}\s+{num}[\s-]+{unit}",
        # 2 weeks ago
        rf"\b{num}[\s-]+{unit}\s+(?:ago|earlier|back)\b",
    ]
    # what every pattern's match contains: a unit, searched once before trying six patterns,
    # at the positions where one could start (a first-letter test: four times faster)
    firsts = "".join(sorted({u[0].lower() for u in units if len(u) > 1 and u not in ("yo", "y.o")}))
    hint = re.compile(rf"(?=[{re.escape(firsts)}])(?:{unit_alt})\b", re.IGNORECASE)
    return units, numbers, [re.compile(p, re.IGNORECASE) for p in patterns], hint


def find_windows(text: str, *, hints: bool = True) -> list[tuple[int, int, float, str]]:
    """(start, end, days, anchor) for each time window in ``text``, left to right
    (``hints=False`` tries every pattern even when the text names no unit of time)."""
    units, numbers, patterns, hint = _rules()
    found: list[tuple[int, int, float, str]] = []
    if hints and not hint.search(text):
        return found
    for pattern in patterns:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            num = groups.get("num")
            if num is None:
                value = 1.0
            else:
                value = numbers.get(num.lower()) if not num[0].isdigit() else float(num)
                if value is None:
                    continue
            unit = (groups.get("unit") or groups.get("unit1") or "").lower()
            if unit not in units:
                continue
            anchor = groups.get("anchor") or groups.get("anchor2") or ""
            anchor = re.sub(r"\s+", " ", anchor).strip()
            anchor = re.sub(r"^the\s+", "", anchor, flags=re.I)
            if any(not (m.end() <= s or m.start() >= e) for s, e, *_ in found):
                continue
            start = _duration(text, m)
            found.append((m.start() if start is None else start, m.end(), round(value * units[unit], 2), anchor))
    return sorted(found)


# "for" right before a length of time: how long something lasted or was taken, not when
_FOR_BEFORE = re.compile(r"\bfor\s+(?:a\s+(?:total|period)\s+of\s+)?$", re.I)
_MORE_THAN = re.compile(r"(?:>(?!=)|(?:more|greater|longer)\s+than\b|over\b)", re.I)
_AT_LEAST = re.compile(r"(?:at\s+least\b|>=|≥|a\s+minimum\s+of\b)", re.I)
# what makes "for at least 4 weeks prior to entry" a time kept free of something (a washout), not a length of use
_WASHOUT = re.compile(r"\b(?:prohibited|(?:not|never|cannot)\b|\w+n't\b|no\b|without|off|free|discontinu\w*|stopp\w*|withheld|withdrawn|"
                      r"abstain\w*|abstinen\w*|refrain\w*|avoid\w*|wash\s*-?\s*out|interrupt\w*|held)\b", re.I)
_CLAUSE_END = re.compile(r"[.;:\n]|\b(?:unless|except|if|provided|when)\b", re.I)


def _duration(text: str, m: re.Match) -> int | None:
    """ "Zidovudine (AZT) for > 365 days prior to study entry", "Excluded for > 12 weeks prior to study entry:",
    "AZT for at least 6 weeks prior to enrollment", "stable for at least 4 weeks prior to screening": a length of
    use or of a state, not a window to fall within. Its window starts at the "for" (where that starts is
    returned), which is how a duration is told from a window when it is judged. A washout is a window:
    "off steroids for at least 4 weeks prior to entry", "received no steroids for > 2 weeks before entry", and
    the NIAID polarity subhead "Excluded for at least 4 weeks prior to study entry:" (where "for > 12 weeks"
    is how long the drug was taken)."""
    before = text[max(0, m.start() - 200) : m.start()]
    lead = _FOR_BEFORE.search(before)
    if not lead:
        return None
    head = m.group().lstrip()
    more = _MORE_THAN.match(head)
    if not more and not _AT_LEAST.match(head):
        return None
    clause = _CLAUSE_END.split(re.sub(r"\([^()]*\)", " ", before))[-1]
    if _WASHOUT.search(clause) or (not more and re.search(r"\bexclu\w*", clause, re.I)):
        return None
    return m.start() - len(before) + lead.start()


@Language.component("matcher_windows")
def windows_component(doc: Doc) -> Doc:
    spans = []
    for start, end, days, anchor in find_windows(doc_text(doc)):
        span = doc.char_span(start, end, label="WINDOW", alignment_mode="expand")
        if span is not None:
            span._.window = {"days": days, "anchor": anchor}
            spans.append(span)
    doc.spans["windows"] = spans
    return doc
