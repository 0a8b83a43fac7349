"""Sub-groups a criterion is limited to: "For women of childbearing potential: ...",
"If male, ...", "Cohort 2 only: ...", "Patients with diabetes must have HbA1c < 8%",
"Lansky 50-100% (in patients under 12 years of age)", "Platelets > 100,000 (arm II)".

A scope is found by its construction (a lead-in before the item's requirements, or
a trailing phrase or parenthesis after them) and read into who it covers: a sex,
an age band, a condition, or a named part of the study (cohort, arm, part, group,
phase). Constraints the scope governs carry it; the judge applies them only to
patients who belong, and never fails a patient who may not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_WHO = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|children|adults?|adolescents?|infants?|women|men|females?|males?|those|boys|girls)"
_GROUP = r"(?:cohorts?|arms?|parts?|groups?|phases?|strat(?:um|a)|dose[\s-]escalation|expansion)"
_AGE_BOUND = (r"(?:(?:equal\s+to\s+or\s+)?(?:less|younger|older|greater|more)\s+than(?:\s+or\s+equal\s+to)?|under|over|up\s+to|"
              r"at\s+least|[<>≤≥]=?)\s*\d{1,2}(?:\s*(?:years?|yrs?))?(?:\s+old|\s+of\s+age)?")
_LEAD = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:"
    r"(?P<group>" + _GROUP + r"\s+[A-Z0-9][A-Za-z0-9.]*(?:\s*(?:and|or|,|/)\s*[A-Z0-9][A-Za-z0-9.]*)*(?:\s+only)?)\s*[:\-–]"
    r"|(?P<cond>(?:for|in|if)\s+(?:[\w-]+\s+){0,8}?[\w-]+)\s*[:,]"
    r"|(?P<agehead>ages?\s+(?:\d{1,2}\s*(?:-|–|to|through)\s*\d{1,2}|(?:over|under|above|below)\s+\d{1,2}|[<>≤≥]=?\s*\d{1,2})"
    r"\s*(?:years?|yrs?)?(?:\s+old)?)\s*:"
    r"|(?P<cbp>(?:women|females?|girls|patients?|subjects?|participants?)\s+(?:of\s+)?(?:child[\s-]?bearing|"
    r"reproductive)\s+(?:potential|age))\s*:"
    r"|(?P<who>" + _WHO + r"\s+(?:with|who\s+(?:have|are|had)|on|aged|over|under|older|younger)\s+[^:;,]{1,60}?)\s+(?:must|should|need\s+to|are\s+required\s+to|will\s+need\s+to|have\s+to)\b"
    r"|(?P<band>(?:" + _WHO + r"|toddlers?|neonates?|newborns?)(?:\s*/\s*[A-Za-z]+)?\s+(?:aged?|ages|between|from|over|under|older|younger|[<>≤≥])[^:;]{1,60}?)\s*:"
    # a row of a table of limits by age: "equal to or less than 5 years old: maximum serum creatinine 0.8;",
    # "older than 5 but equal to or less than 10: 1.0;", "6 to 12 years: ..."
    r"|(?P<agebound>(?:" + _AGE_BOUND + r"(?:\s*(?:,|but|and)\s*" + _AGE_BOUND + r")?|\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s*(?:years?|yrs?)"
    r"(?:\s+old|\s+of\s+age)?))\s*:"
    # "Men: Small testes, abnormal semen analysis ...", "Women: Amenorrhea ...": a heading naming one sex
    r"|(?P<sexhead>(?:men|women|males?|females?|boys|girls)(?:\s+only)?)\s*:"
    r")", re.I)
_TRAIL = re.compile(
    r"(?:\((?P<paren>(?:(?:for|in|if|only\s+for|only\s+in|unless|except\s+in|except\s+for)\s+[^()]{2,80}|" + _GROUP + r"\s+[A-Za-z0-9]+(?:\s+only)?|consider\s[^()]{2,80}"
    r"|(?:ages?\s+|patients?\s+|children\s+)?(?:over|under|older than|younger than|above|below|[<>≤≥]=?)\s*\d{1,2}(?:\s*(?:years?|yrs?))?(?:\s+of\s+age|\s+old)?(?:\s+and\s+(?:over|older|under|younger))?"
    r"|(?:ages?\s+)?\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s*(?:years?|yrs?)(?:\s+of\s+age|\s+old)?))\)"
    r"|\s(?P<tail>(?:for|in|if)\s+" + _WHO + r"\b[^;.()]{0,60}|if\s+(?:\d{1,2}|under|over|older|younger)[^;.()]{0,40})\s*\.?\s*$)", re.I)
_SEX = {"female": re.compile(r"\b(women|woman|females?|girls?|mothers?)\b", re.I), "male": re.compile(r"\b(men|man|males?|boys?)\b", re.I)}
_UNDER = re.compile(r"(?:under|younger than|less than|below|<|≤|<=|up to)\s*(?:age\s+)?(\d{1,2})|(\d{1,2})\s*(?:years?|yrs?)?(?:\s+of\s+age)?\s+(?:or|and)\s+(?:younger|under|less)", re.I)
_OVER = re.compile(r"(?:over|older than|greater than|above|>|≥|>=|at least)\s*(?:age\s+)?(\d{1,2})|(\d{1,2})\s*(?:years?|yrs?)?(?:\s+of\s+age)?\s+(?:or|and)\s+(?:older|over|above)", re.I)


_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|–|to|through)\s*(\d{1,2})\s*(?:years?|yrs?|y)\b"
                    r"|\bbetween\s+(?:the\s+ages?\s+of\s+)?(\d{1,2})\s+and\s+(\d{1,2})\b"
                    r"|\bage[sd]?\s+(\d{1,2})\s*(?:-|–|to|through)\s*(\d{1,2})\b(?!\s*(?:weeks?|days?)\b)(\s*months?\b)?", re.I)


@dataclass
class Scope:
    words: str
    start: int
    end: int
    target: str  # "after" (a lead-in) or "before" (a trailing phrase)
    sex: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    group: str | None = None
    condition_text: str = ""
    conditions: list[str] = field(default_factory=list)  # filled by the builder from entities in the span
    without: bool = False  # "patients without liver involvement"

    def to_dict(self) -> dict:
        out = {k: v for k, v in (("sex", self.sex), ("age_min", self.age_min), ("age_max", self.age_max),
                                  ("group", self.group), ("conditions", self.conditions), ("without", self.without)) if v}
        return out


def _read(words: str, start: int, end: int, target: str) -> Scope | None:
    scope = Scope(words.strip(), start, end, target)
    lowered = words.lower()
    if re.search(r"\b" + _GROUP + r"\b", lowered) and not re.search(r"\bage\s+groups?\b", lowered):
        scope.group = words.strip().rstrip(":-– ")
    if not re.search(r"childbearing|child-bearing|bearing children|able to conceive|becoming pregnant|partners?", lowered):
        sexes = [sex for sex, pattern in _SEX.items() if pattern.search(words)]
        if len(sexes) == 1:
            scope.sex = sexes[0]
    elif _SEX["female"].search(words):
        scope.sex = "female"
    under, over = (_age_bound(pattern, words) for pattern in (_UNDER, _OVER))
    band = _RANGE.search(words)
    if band and not (under or over):  # "aged 12 to 17 years", "12-17 yrs", "between 12 and 17"
        lo, hi = (float(x) for x in next(band.group(i, i + 1) for i in (1, 3, 5) if band.group(i)))
        if band.group(7):  # "aged 6 to 12 months"
            scope.age_min, scope.age_max = round(lo / 12, 3), round((hi + 0.999) / 12, 3)
        elif lo < hi:
            scope.age_min, scope.age_max = lo, hi + 0.999  # "to 17 years" takes in the whole seventeenth year

    def years(m: re.Match) -> float:
        value = float(m.group(1) or m.group(2))
        return round(value / 12, 3) if re.match(r"\s*months?", words[m.end():], re.I) else value
    if under:
        scope.age_max = years(under)
    if over:
        scope.age_min = years(over)
    if re.search(r"\b(with|who have|who had|whose|on)\b", lowered):
        scope.condition_text = words
        scope.without = bool(re.search(r"\bwithout\b", lowered))
    if re.search(r"\bwithout\b", lowered) and not scope.condition_text:
        scope.condition_text, scope.without = words, True
    if re.match(r"\s*(unless|except)\b", lowered):
        scope.condition_text, scope.without = words, True  # "(unless history of Gilbert's disease)": for those without it
    if not (scope.sex or scope.age_min is not None or scope.age_max is not None or scope.group or scope.condition_text) \
            and target == "after" and _PART_OR_WHO.search(lowered) and not re.match(r"\s*(?:all|each|every|any)\b", lowered):
        # "For participating in the bronchoscopy portion of the study: ...", "For control participants: ...":
        # a part of the study or a kind of participant we cannot place the patient in
        scope.group = words.strip().rstrip(":-– ")
    if not (scope.sex or scope.age_min is not None or scope.age_max is not None or scope.group or scope.condition_text):
        return None
    return scope


_PART_OR_WHO = re.compile(r"\b(?:portion|part|step|stage|sub-?stud(?:y|ies)|participants?|volunteers?|controls?|probands?|"
                          r"siblings?|donors?|recipients?)\b")


def _age_bound(pattern: re.Pattern, words: str) -> re.Match | None:
    """The first age bound of ``words``, not a duration: "off drugs for over 6 months" is no age."""
    for m in pattern.finditer(words):
        before = words[max(0, m.start() - 12) : m.start()].lower()
        after = words[m.end() :]
        if re.search(r"\b(?:for|since|within|in|after|last|past)\s*$", before) or (
                re.match(r"\s*(?:months?|weeks?|days?|hours?)\b", after, re.I) and not re.match(r"\s*\w+\s+(?:of\s+age|old)\b", after, re.I)):
            continue
        return m
    return None


_DISEASE_HEAD = re.compile(r"(?:^|(?<=[\s.;:]))(?P<head>(?-i:[A-Z])[\w'-]*(?:\s+[\w'-]+){0,5}?\s+(?:patients|subjects|participants))\s*:", re.I)


# "Performance status: Age 65-70 years: Karnofsky 80-100%": an age band heading what follows it, after a label
_AGE_BAND = r"(?:\d{1,2}\s*(?:-|–|to|through)\s*\d{1,2}|(?:over|under|above|below)\s+\d{1,2}|[<>≤≥]=?\s*\d{1,2})"
_AGE_HEAD = re.compile(r"(?:(?<=:)|(?<=[;.]))\s*(?P<head>(?:ages?\s+" + _AGE_BAND + r"\s*(?:years?|yrs?)?|" + _AGE_BAND
                       + r"\s*(?:years?|yrs?))(?:\s+old)?)\s*:", re.I)


def read_scopes(text: str) -> list[Scope]:
    """The sub-group scopes written in one criterion."""
    out = []
    m = _LEAD.match(text)
    if m:
        name = next(k for k in ("group", "cond", "agehead", "cbp", "who", "band", "agebound", "sexhead") if m.group(k))
        words = m.group(name)
        scope = _read(re.sub(r"^(?:for|in|if)\s+", "", words, flags=re.I), m.start(name), m.end(), "after")
        if scope:
            out.append(scope)
    # "Performance status: Small cell lung cancer patients: Karnofsky 80-100% Breast cancer patients: Karnofsky
    # 50-100%": several groups named by a disease, each heading what follows it
    heads = ":" in text  # (a disease's or an age band's heading ends in a colon)
    for h in _DISEASE_HEAD.finditer(text) if heads else ():
        if any(x.start <= h.start("head") < x.end for x in out):
            continue
        scope = _read(h.group("head"), h.start("head"), h.end(), "after")
        if scope is None:
            scope = Scope(h.group("head").strip(), h.start("head"), h.end(), "after")
            scope.condition_text = h.group("head")
        out.append(scope)
    for h in _AGE_HEAD.finditer(text) if heads else ():
        if not any(x.start <= h.start("head") < x.end for x in out) and (scope := _read(h.group("head"), h.start("head"), h.end(), "after")):
            out.append(scope)
    for t in _TRAIL.finditer(text):
        name = "paren" if t.group("paren") else "tail"
        words = t.group(name)
        words = words if re.match(r"\s*(unless|except)\b", words, re.I) else re.sub(r"^(?:only\s+)?(?:for|in|if|consider)\s+", "", words, flags=re.I)
        scope = _read(words, t.start(), t.end(), "before")
        if scope and not any(s.start <= t.start() < s.end for s in out):
            out.append(scope)
    return out
