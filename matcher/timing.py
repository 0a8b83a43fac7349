"""When things happened to a patient, as written: "stopped 2 weeks ago", "last dose was
August 12", "in May 2026", "started letrozole in June 2023", "takes metformin twice a day".

``timing(doc, mention)`` gives (days ago, current) for a therapy or condition mention
from its clause (the mention owns the text up to its neighbours of the same kind);
``latest_timing`` lets a drug's last dated mention speak for all of them; ``days_since``
reads a form's ``last_taken``.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from typing import Any

from spacy.tokens import Doc, Span

from .errors import MatcherError
from .later_steps import later_step
from .models import Fact
from .vocabulary import therapy_covers
from .nlp.tokenizer import doc_text


class TimingError(MatcherError, ValueError):
    """A date or time ago that cannot be read; ``field`` names where it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


_RELATIVE_DAYS = {
    "today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "earlier today": 0, "tonight": 0, "yesterday": 1, "last night": 1, "last week": 7,
    "last month": 30, "last year": 365, "this week": 3, "this month": 15,
}
_RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)) + r")\b", re.I)
# a dose changed to another, which is then taken: "tapered to 5 mg", "weaned down to 7.5 mg", "increased to 400 mg"
DOSE_CHANGED = (r"(?:(?:was|is|has\s+been|had\s+been|been|being|now)\s+)?(?:tapered|weaned|reduced|decreased|increased|lowered|"
                r"cut|titrated|dropped|brought)\s+(?:down\s+|back\s+|up\s+)?to\s+(?:a\s+dose\s+of\s+|just\s+)?")
# a schedule right after the drug: "metformin 1000 mg twice a day", "prednisone daily"
_SCHEDULE_RE = re.compile(r"[\s,]*(?:\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?\s*(?:mg|mcg|µg|g|units?|iu|ml|puffs?|sprays?|tabs?|tablets?)?(?![\w/])\s*)?"
                          r"(?:(?:nasal\s+|eye\s+)?(?:spray|sprays|inhaler|puffs?|tablets?|tabs?|pills?|capsules?|drops|injections?|shots?)\s+)?"
                          r"(?:(?:po|orally|by mouth|iv|sc)\s+)?"
                          r"(?:daily|every day|each day|twice (?:a )?day|twice daily|once (?:a )?day|once daily|a day|per day|"
                          r"every (?:morning|night|evening)|at night|nightly|bid|tid|qd|qid|bd|tds|qds|od|nocte|mane|weekly|every (?:other )?week|"
                          r"(?:\d+|one|two|three|four|five|six) times (?:a|per|every|each) (?:day|week|month))\b", re.I)
# "Tegretol, which she has taken every day for years", "Antabuse ... and I take it every morning"
# "Tacrolimus continues", "prednisolone was tapered to 5 mg in October": use said to go on after the drug
# (a new dose is a dose taken; "tapered to zero/off" is not)
_ONGOING_AFTER = re.compile(r"[\s),]*(?:(?:which|that)\s+(?:she|he|i|they|you)\s+(?:has|have|'s|'ve|is|am|are)\s+(?:been\s+)?"
                            r"(?:taken|taking|using|on)\b|[^.;]{0,40}\b(?:i|she|he)\s+(?:take|takes)\s+it\s+(?:every|each|daily)"
                            r"|(?:\d[\d.,/]*\s*(?:mg|mcg|µg|g|units?|iu)?(?:\s+(?:daily|bid|od|bd|tds|weekly))?)?[\s,:–-]*(?:is\s+|being\s+)?"
                            r"(?:continues|continuing|continued|ongoing|unchanged|to\s+continue)\b"
                            r"(?!\s+(?:until|till|up\s+to|to\s+the|through|throughout|for|during))"
                            r"|" + DOSE_CHANGED + r"(?!0\b)\d)", re.I)
_SINCE_BEFORE = re.compile(r"\b(?:since|after|from)\s+(?:the\s+|his\s+|her\s+|my\s+|their\s+|starting\s+|stopping\s+|finishing\s+)?$", re.I)
# "zidovudine 300 mg bid since 04/2026", "AZT since April": a drug taken from then on (a therapy only:
# "seizure-free since 2015" is not a seizure going on)
_SINCE_AFTER = re.compile(r"[\s,(]*(?:(?:\d[\d.,/]*|mg|mcg|µg|g|ml|units?|iu|daily|bid|tid|qid|qd|weekly|po|iv|sc|once|twice|"
                          r"a|per|day|week|month|in|situ|place|placed|inserted|fitted|implanted)\s+){0,5}since\b", re.I)
_CURRENT_RE = re.compile(
    r"\b(currently|takes|take|taking|is on|are on|am on|i'm on|still on|been on|been taking|started me on|put me on|"
    r"remains? on|stays? on|staying on|"
    r"started (?:him|her) on|put (?:him|her) on|on (?:daily|weekly|monthly)|receiving|receives|every day|"
    r"maintained on|being treated|continues|continuing|ongoing|daily|twice daily|per day|started on|"
    r"needs|need|requires|require|depends on|dependent on|"
    r"current\s+(?:medications?|meds|medicines|treatments?|therapy|therapies|regimen)\s*:)(?!\w)",
    re.I,
)
_PLAIN_AGO = re.compile(r"\b(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*"
                        r"(day|week|month|year|d|wk|mo|yr)s?\.?\s+ago\b", re.I)  # "4 d ago", "3 wks ago", "2 mos ago"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4375, "year": 365.25, "d": 1, "wk": 7, "mo": 30.4375, "yr": 365.25}




_CLAUSE_ENDS = (". ", "; ", "\n", "? ", "! ")


def text_clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence-like clause of ``text`` around ``start``-``end``."""
    left = max(text.rfind(sep, 0, start) for sep in _CLAUSE_ENDS)
    right = min((i for i in (text.find(sep, end) for sep in _CLAUSE_ENDS) if i >= 0), default=len(text))
    if text.startswith("? ", right) and _YES_ANSWER.match(text, right + 2):
        # "Stomach ulcer ever? Yes, once, in 1998, healed": the answer's words are the question's
        right = min((i for i in (text.find(sep, right + 2) for sep in _CLAUSE_ENDS) if i >= 0), default=len(text))
    return left + 1 if left >= 0 else 0, right


def clause_of(doc: Doc, span: Span) -> tuple[int, int]:
    """Character bounds of the sentence-like clause around ``span``."""
    return text_clause(doc_text(doc), span.start_char, span.end_char)


_YES_ANSWER = re.compile(r"(?:yes|yep|yeah|sí|si|oui|ja|y)\b", re.I)


_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), 1)}
# "May 2026", "August 29, 2026", "6 November 2026" (the day first: group "day"), "2015"
# ("18-Nov-2026", "Nov-2026": a day, month and year joined by hyphens, as laboratory systems print them)
_DATE = re.compile(r"\b(?:(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-)(?=[a-z]))?(" + "|".join(_MONTHS)
                   + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?(?:\s+|-)(?:(\d{1,2}),?\s+)?)?((?:19|20)\d\d)\b", re.I)
_AGO_WINDOW = re.compile(r"\b(ago|last|prior|before|previous|past|since|within|earlier)\b", re.I)
# "she'll probably need a hip replacement", "may need insulin": a need to come, not a treatment now
_FUTURE_NEED = re.compile(r"\b(?:will|'ll|’ll|would|may|might|could|probably|likely|eventually)\s+(?:\w+\s+)?"
                          r"(?:need|needs|require|requires)\b", re.I)
# a time before something still to come is no time ago: "I would have to stop the cellcept at
# least a week before they collect the cells", "she will hold MMF 2 weeks before surgery"
_TO_COME = re.compile(r"\b(?:will|['’]ll|would|going\s+to|have\s+to|has\s+to|had\s+to|need\s+to|needs\s+to|must|should|"
                      r"plans?\s+to|planning\s+to|asked\s+to|told\s+to)\b", re.I)
# use that goes on into a later step of the study: "to be continued up to and including the day of
# leukapheresis", "keep taking it right up to the apheresis", "will NOT be held", "can't stop the
# CellCept even for a few days", "last doses planned day before apheresis"
_GOES_ON = re.compile(
    r"(?:\b(?:will|would|to|must|should|shall|can|could)\s+not|\b(?:cannot|can['’]t|won['’]t|wouldn['’]t|couldn['’]t))\s+be\s+"
    r"(?:held|stopped|paused|interrupted|discontinued|withheld)\b"
    r"|\b(?:can['’]t|cannot|can\s+not|unable\s+to|not\s+able\s+to|won['’]t|will\s+not|would\s+not|wouldn['’]t)\s+"
    r"(?:stop|hold|pause|come\s+off|go\s+off|interrupt)\b", re.I)
_GOES_ON_TO = re.compile(
    r"\b(?:keep|keeps|keeping|kept|continue[sd]?|continuing|stay|stays|staying|remain|remains)\b[^.;]{0,60}?"
    r"\b(?:up\s+to|until|till|through|throughout|into)\b(?P<to>[^.;]{0,50})"
    # "last dose the morning of apheresis": the step named at once, not a date ("on the evening of 11/30
    # (apheresis is scheduled 12/14)" ended on 11/30)
    r"|\blast\s+doses?\b[^.;]{0,30}?\b(?:the\s+)?(?:day|morning|evening|night)\s+(?:of|before)\s+"
    r"(?P<to2>(?:the\s+|his\s+|her\s+|their\s+|my\s+|your\s+)?[a-z][^.;(,]{0,45})", re.I)
_STARTED = re.compile(r"\b(?:started|began|begun|commenced|initiated)\b", re.I)
_STARTED_ON = re.compile(r"\b(?:was|were|been|got)\s+(?:started|initiated|commenced|put)\s+on\b", re.I)
_STILL = re.compile(r"\bstill\s+(?:taking|take|takes|on|using|uses|receiving|gets|getting)\b", re.I)
_ENDED = re.compile(r"\b(?:stopped|stopping|discontinued|completed|finished|last\s+(?:dose|injection|infusion|cycle)|failed|"
                    r"progressed|ended|quit|held|until|then|tapered\s+off|came\s+off|off)\b", re.I)
_STOP_WORDS_RE = re.compile(
    r"\b(stopped|discontinued|ago|previously|prior|progressed|progression|failed|relapsed|completed|finished|"
    r"refractory|after|last dose|was on|were on|had been|used to|had|took|received|underwent|got|"
    r"(?:tapered|weaned|came|went|taken)\s+off|ceased)\b", re.I)


# a day of a month without its year: "on November 22", "Nov 10", "22 November", "10 Nov" ("May" only written out
# month first: "10 may" is rarely a date)
_MONTH_WORD = r"(?:" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
_DAY_MONTH = re.compile(r"\b(" + _MONTH_WORD + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d)(?![:.]\d)"
                        r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?!may\b)(" + _MONTH_WORD + r")\b\.?(?!,?\s*(?:19|20)\d\d)", re.I)


def in_a_named_date(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a number) is the day or year of a date written with a month's
    name: "27 November", "November 27", "12 Nov 2026", "the 3rd of March"."""
    lo, hi = max(0, start - 16), min(len(text), end + 16)
    return any(m.start() <= start and end <= m.end() for pattern in (_DAY_MONTH, _DATE)
               for m in pattern.finditer(text, lo, hi) if pattern is _DAY_MONTH or m.group(2))


# a month named without its day or year, after a word that makes it a time: "in October", "since last March"
_BARE_MONTH = re.compile(r"\b(?:in|during|since|last|this|early|late|mid|by|from|until|till)[\s-]+(?:last\s+|this\s+)?("
                         + _MONTH_WORD + r")\b\.?(?!\s*,?\s*\d)", re.I)
# dates written in numbers: "2026-11-20", "2025.05.19", "22/11/2026", "11/22/2026", "06/2019"
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\b(?![-/.]\d)")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d\d)\b")
# a two-digit year, with slashes only ("MMF stopped 21/11/26", "03/12/26"): a UK or Irish practice's dates
_SHORT_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
# a range of years whose end is written short ("belimumab 2023-24", "MMF 2021-26"): over by its end
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*(\d\d)\b(?![-/.]\d)")
_MONTH_YEAR = re.compile(r"(?<![\d/.-])(\d{1,2})[-/.]((?:19|20)\d\d)\b(?![-/.]\d)")


def day_first(text: str) -> bool | None:
    """Whether a text writes its numeric dates day first ("22/11/2026"), month first ("11/22/2026"),
    or cannot tell (None): told by any date whose first or second number is past 12."""
    first = second = False
    for m in [*_NUMERIC_DATE.finditer(text), *_SHORT_DATE.finditer(text)]:
        a, b = int(m.group(1)), int(m.group(2))
        first, second = first or (a > 12 >= b), second or (b > 12 >= a)
    return None if first == second else first


def _numeric_dates(clause: str, today: dt.date, first: bool | None) -> list[tuple[int, int, dt.date | None]]:
    """(start, end, date) of the numeric dates in ``clause``; the date is None where it could be
    either day or month first and the text does not tell which."""
    out: list[tuple[int, int, dt.date | None]] = []
    for m in _ISO_DATE.finditer(clause):
        try:
            out.append((m.start(), m.end(), dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 15))))
        except ValueError:
            continue
    for m in [*_NUMERIC_DATE.finditer(clause), *_SHORT_DATE.finditer(clause)]:
        a, b, year = int(m.group(1)), int(m.group(2)), _full_year(m.group(3), today)
        readings = []
        for day, month in ((a, b), (b, a)):
            try:
                readings.append(dt.date(year, month, day))
            except ValueError:
                readings.append(None)
        dmy, mdy = readings
        if first is not None:
            when = dmy if first else mdy
        else:
            past = [d for d in (dmy, mdy) if d is not None and d <= today]
            when = past[0] if len(set(past)) == 1 else None  # "01/12/2026": the 1st of December or the 12th of January
        out.append((m.start(), m.end(), when))
    for m in _MONTH_YEAR.finditer(clause):
        if 1 <= int(m.group(1)) <= 12 and not any(s <= m.start() < e for s, e, _ in out):
            out.append((m.start(), m.end(), dt.date(int(m.group(2)), int(m.group(1)), 15)))
    for m in _YEAR_RANGE.finditer(clause):
        first_year, end = int(m.group(1)), int(m.group(2))
        if end > 12 and end > first_year % 100:  # ("2021-11" is November 2021)
            out.append((m.start(2), m.end(2), dt.date(first_year // 100 * 100 + end, 7, 1)))
    return out


def _full_year(year: str, today: dt.date) -> int:
    """A year written in two digits or four: "26" is 2026, "92" 1992 (a year to come is the last century's)."""
    if len(year) == 4:
        return int(year)
    full = today.year // 100 * 100 + int(year)
    return full if full <= today.year + 1 else full - 100


# a year in the name of a classification or a staging system ("EULAR/ACR 2019 criteria", "ISN/RPS 2003 class IV",
# "SLICC 2012", "FIGO 2018"), not a date
_BODIES = r"(?:EULAR|ACR|SLICC|ISN|RPS|FIGO|AJCC|WHO|ESC|KDIGO|NCCN|IMWG|iwCLL|ELN|Lugano)"
_NAMED_YEAR = re.compile(r"\b" + _BODIES + r"(?:\s*/\s*[A-Z]{2,6})?\s*(?:19|20)\d\d\b"
                         r"|\b(?:19|20)\d\d\s+(?=" + _BODIES + r"\b)")  # ("the 2019 EULAR/ACR classification criteria")


_UPCOMING = re.compile(r"\b(?:next|upcoming|planned|scheduled|booked|due)\b", re.I)


def _still_to_come(clause: str, m: re.Match) -> bool:
    """Whether a day and month without a year (``m``, later in this year than today) is said to be still to come:
    "booked for 14 December", "on 10 December the doctor will do", "next appointment 12 Dec"."""
    return bool(_TO_COME.search(clause, max(0, m.start() - 50), m.end() + 50) or _UPCOMING.search(clause, max(0, m.start() - 30), m.start()))


def _last_day_month(clause: str, today: dt.date) -> tuple[re.Match, dt.date] | None:
    """The last day and month without a year in ``clause`` ("on November 22"), as a date of this year."""
    days = [m for m in _DAY_MONTH.finditer(clause) if not (m.group(1) or "").startswith("may")]  # "you may 2x the dose"
    if not days:
        return None
    m = days[-1]
    name, day = (m.group(1), int(m.group(2))) if m.group(1) else (m.group(4), int(m.group(3)))
    month = next(v for k, v in _MONTHS.items() if k.startswith(name.lower()[:3]))
    try:
        return m, dt.date(today.year, month, day)
    except ValueError:
        return None


def upcoming_at(clause: str, today: dt.date) -> int | None:
    """Where the last day and month without a year in ``clause`` starts, when it is still to come (as in
    :func:`days_ago`); None otherwise."""
    found = _last_day_month(clause, today)
    return found[0].start() if found is not None and found[1] > today and _still_to_come(clause, found[0]) else None


def days_ago(clause: str, today: dt.date, first: bool | None = None) -> float | None:
    """Days since the last date written in ``clause`` ("on November 22", "(10/09/2026)", "in May 2026"),
    if past and readable; None otherwise. ``first``: whether numeric dates are written day first."""
    if "20" in clause or "19" in clause:
        clause = _NAMED_YEAR.sub(lambda m: " " * len(m.group()), clause)
    found = _last_day_month(clause, today)
    if found is not None:
        m, when = found
        if when > today:
            if _still_to_come(clause, m):
                return None  # "now on 10 December the doctor will do a new transplant": a date still to come, no time since
            when = when.replace(year=today.year - 1)
        return float((today - when).days)
    dated = _dated_year(clause, today, first)
    if dated is None:
        months = [m for m in _BARE_MONTH.finditer(clause) if m.group(1) != "may"]  # ("in may be": a verb)
        if months:
            # "Sinus infection in October": the last such month gone by, at its middle (this month: its first day)
            month = next(v for k, v in _MONTHS.items() if k.startswith(months[-1].group(1).lower()[:3]))
            year = today.year if month <= today.month else today.year - 1
            when = dt.date(year, month, 15 if (year, month) != (today.year, today.month) else 1)
            return float(max(0, (today - min(when, today)).days))
    return dated


def _dated_year(clause: str, today: dt.date, first: bool | None = None) -> float | None:
    """Days since the last date written in ``clause`` ("in May 2026", "August 29, 2026", "2015",
    "2026-11-20", "22/11/2026"), if past; None when the last one is a numeric date read either way."""
    numeric = _numeric_dates(clause, today, first)
    dates = [(s, when) for s, _, when in numeric]
    for m in _DATE.finditer(clause):
        if any(s <= m.start(4) < e for s, e, _ in numeric):
            continue  # the year of a date written in numbers
        name = (m.group(2) or "").lower()
        month = next((v for k, v in _MONTHS.items() if name and k.startswith(name[:3])), None)
        year = int(m.group(4))
        given = m.group(3) or (m.group("day") if month else None)
        day = int(given) if given else 15 if month else 1
        try:
            dates.append((m.start(), dt.date(year, month or 7, min(day, 28) if not given else day)))
        except ValueError:
            continue
    best = None
    for _, when in sorted(dates, key=lambda d: d[0]):
        if when is None:
            best = None  # the last date could be either: its time is not known
        elif when <= today:
            best = float((today - when).days)
    return best


def _mentions(doc: Doc, label: str) -> tuple[list[int], list[int]]:
    """The start and end offsets of a document's mentions of one kind, each sorted; found once per
    document (a text of 4,000 mentions had taken a minute asking again for each)."""
    key = f"_mentions_{label}"
    found = doc.user_data.get(key)
    if found is None:
        text = doc_text(doc)
        spans, before = [], None
        for e in doc.ents:
            if e.label_ != label:
                continue
            # "Major surgery (colectomy) 10 days ago": a mention restated in brackets is not a neighbour of its own
            if not (before is not None and re.fullmatch(r"\s*\(\s*", text[before : e.start_char]) and text[e.end_char : e.end_char + 3].lstrip().startswith(")")):
                spans.append((e.start_char, e.end_char))
            before = e.end_char
        found = doc.user_data[key] = (sorted(s for s, _ in spans), sorted(e for _, e in spans))
    return found


# ("+ RLL ", "and ", "with L "; or nothing between: "In 2011 I had a bleeding stomach ulcer", one illness named twice)
_JOINED = re.compile(r"\s*(?:(?:\+|&|and|with)\s+(?:[A-Za-z]{1,4}\s+)?)?", re.I)


_LAST_DOSE = r"last\s+(?:dose|treatment|infusion|cycle|injection)"  # a treatment's last time: "his last dose was August 12"
_LAST_DOSE_AT = re.compile(r"\b(?:" + _LAST_DOSE + r"|last\s+(?:given|taken))\s*(?:was\s+|on\s+|:\s*|=\s*|-\s*)?", re.I)


def timing(doc: Doc, ent: Span, today: dt.date | None = None) -> tuple[float | None, bool]:
    """(days ago, current) for a therapy or condition mention, from its clause."""
    today = today or dt.date.today()
    start, end = clause_of(doc, ent)
    clause_end = end
    # within a clause, each mention owns the text up to its neighbours of the same kind
    starts, ends = _mentions(doc, ent.label_)
    before = bisect_right(ends, ent.start_char)  # mentions ending before this one starts
    # ... but "Admitted 10/18-10/26/2026 for neutropenic fever + RLL pneumonia": a mention joined to the one
    # before it shares its time
    joined = before and _JOINED.fullmatch(doc_text(doc), ends[before - 1], ent.start_char)
    if before and ends[before - 1] > start and not joined:
        start = ends[before - 1]
        # "Azathioprine stopped 16/11/2026, prednisolone 5 mg daily": what ends the last item is its own
        comma = doc_text(doc).rfind(",", start, ent.start_char)
        if comma >= 0:
            start = comma + 1
    after = bisect_left(starts, ent.end_char)  # the first mention starting after this one ends
    followed = after < len(starts) and starts[after] < end  # another mention of the kind follows in the clause
    if after < len(starts):
        end = min(end, starts[after])
    # an aside in brackets speaks of the mention before it: "Plaquenil (still on it), methotrexate"
    closed = doc_text(doc).rfind(")", start, ent.start_char)
    if closed >= 0 and doc_text(doc).rfind("(", start, closed) >= 0:
        start = closed + 1
    # ... and a mention inside an aside is the aside's, not dated by what the bracket follows:
    # "my numbers from Nov 30: hemoglobin 10.6 (they talked about Procrit shots in October)"
    opened = doc_text(doc).rfind("(", start, ent.start_char)
    if opened >= 0 and doc_text(doc).find(")", opened, ent.start_char) < 0 and ent.start_char - opened > 12:
        start = opened + 1
    clause = doc_text(doc)[start:end]
    days = None
    # "4 weeks ago", "in the past month": a time since; "for 18 months" is a duration, not one
    # what follows the mention speaks of it first ("took terbinafine for 6 weeks, stopping 2 months ago"),
    # then what precedes it
    after, before = doc_text(doc)[ent.start_char : end], doc_text(doc)[start : ent.start_char]
    after_end = end
    if ent.label_ == "THERAPY" and _ONE_OFF.search(ent.text) and (own := _OWN_DATE.match(doc_text(doc), ent.end_char)) is not None:
        # a vaccine is given once: "the hepatitis B vaccine in 2023, ... I checked with the nurse last week" is of 2023
        after_end = own.end()
        after = doc_text(doc)[ent.start_char : after_end]
    soon = upcoming_at(after, today)
    if soon is not None and (not followed or soon - len(ent.text) < len(after) - soon):
        # "apheresis booked 14 Dec" after "last dose 15 Nov 2026 (": the mention's own date is still to come, and
        # a date before it is another item's (a date nearer the next mention is that one's: "a transplant in 2019 ...
        # so now on 10 December the doctor will do a new transplant")
        after = before = ""
    for part, lo, hi in ((after, ent.start_char, after_end), (before, start, ent.start_char)):
        for w in doc.spans.get("windows", []):
            if lo <= w.start_char < hi and _AGO_WINDOW.search(w.text) and not re.match(r"\s*(for|over)\b", w.text, re.I) \
                    and not _before_to_come(doc, w, start):
                days = w._.window["days"]
                break
        if days is None:
            ago = _PLAIN_AGO.search(part)
            if ago:
                days = days_since(ago.group(0), "text", today)
        rel = _RELATIVE_RE.search(part)
        if days is None and rel:
            days = float(_RELATIVE_DAYS[rel.group(1).lower()])
        if days is None:
            first = doc.user_data.get("day_first", ...)
            if first is ...:
                first = doc.user_data["day_first"] = day_first(doc_text(doc))
            # "carboplatin/5-FU (3 cycles, last dose 9/30/2026) - node still grew on CT 11/18/2026": the date
            # the text gives the last dose, not the last date of the clause
            last = _LAST_DOSE_AT.search(part) if ent.label_ == "THERAPY" else None
            days = days_ago(re.split(r"[,;)]", part[last.end() : last.end() + 30])[0], today, first) if last else None
            if days is None:
                own = _OWN_DATE.match(doc_text(doc), ent.end_char) if ent.label_ == "CONDITION" and part is after else None
                if own is not None:
                    # "breast cancer in 2019 (T1N0, lumpectomy, five years of tamoxifen finished in 2024)": the date
                    # after the name is the illness's; a later one in brackets is its treatment's
                    cut = own.end() - ent.start_char
                    part = part[:cut] + _ASIDE.sub(lambda m: " " * len(m.group(0)), part[cut:])
                days = days_ago(part, today, first)
        if days is not None:
            break
    # "takes X", "on X daily": the verb before the drug or the schedule just after it
    # "tingling in both big toes since the vincristine, unchanged": the drug is when something began, and what
    # is said after it is said of that
    anchor = _SINCE_BEFORE.search(doc_text(doc), start, ent.start_char) is not None
    # ("she takes a thyroid pill since the Keytruda messed up her thyroid": the verb before is the other drug's)
    current = bool((not anchor and _CURRENT_RE.search(doc_text(doc)[start : ent.start_char]))
                   or (not anchor and _SCHEDULE_RE.match(doc_text(doc)[ent.end_char : min(end, ent.end_char + 40)]))
                   or (not anchor and _ONGOING_AFTER.match(doc_text(doc)[ent.end_char : end]))
                   or (ent.label_ == "THERAPY" and _SINCE_AFTER.match(doc_text(doc)[ent.end_char : end]))) \
        and not _STOP_WORDS_RE.search(clause) and not _FUTURE_NEED.search(doc_text(doc)[start : ent.start_char])
    if current and days is not None and days > _ENDED_AFTER_DAYS and not _STILL_OR_ONGOING.search(clause) \
            and (course := _CLOSED_RANGE.search(doc_text(doc), ent.end_char, min(end, ent.end_char + 60))) is not None \
            and course.group("end").strip() != str(today.year):  # ("HCQ 2015-2026": to this year, perhaps to now)
        current = False  # "paclitaxel weekly 2026.06.03-2026.10.15", "MMF 2 g daily 2019-2022": a course that ended then
    if days is None:
        # "... stopped the Imfinzi; his last dose was August 12": the next clause dates it
        nxt = re.match(r"\s*[;.]\s*((?:his|her|my|their|the)?\s*" + _LAST_DOSE + r"[^.;]{0,60})", doc_text(doc)[end : end + 90], re.I)
        if nxt:
            days = days_ago(nxt.group(1), today) if _PLAIN_AGO.search(nxt.group(1)) is None else days_since(_PLAIN_AGO.search(nxt.group(1)).group(0), "text", today)
            if days is not None:
                current = False
    if days is not None and not current and _STARTED.search(clause) and not _ENDED.search(clause):
        # "prednisone that his doctor started three months ago": when it began, not a last dose. It goes on
        # when the text says so ("... and that he is still taking"); otherwise when it was last taken is not known
        days, current = (0.0, True) if _STILL.search(doc_text(doc), start, clause_end) else (None, False)
    if current and days is None:
        if _STARTED_ON.search(doc_text(doc), start, ent.start_char):
            return None, True  # "was started on haemodialysis": going on, from a time not given (a later end may say)
        days = 0.0
    return days, current



# a course given from one date to another ("weekly 2026.06.03-2026.10.15", "2019-2022", "June to October 2026"; not
# "2019-present"): over at its end, whatever schedule it was given on
_RANGE_DATE = (r"(?:(?:19|20)\d\d(?:[-/.]\d{1,2}){0,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d|"
               r"(?:\d{1,2}\s+)?" + _MONTH_WORD + r"\.?(?:\s+\d{1,2},?)?(?:\s+(?:19|20)\d\d)?)")
_CLOSED_RANGE = re.compile(r"(?<![\w./-])" + _RANGE_DATE + r"\s*(?:-|–|—|to|until|till|through)\s*(?P<end>" + _RANGE_DATE + r")(?![\w/-])", re.I)
_STILL_OR_ONGOING = re.compile(r"\b(?:still|ongoing|continu\w*|current\w*|to\s+date|present|now)\b", re.I)
_ENDED_AFTER_DAYS = 14  # a range that ended this long ago is a course over, not one going on


# a date right after an illness's or a vaccine's name: "breast cancer in 2019", "stroke (March 2021)", "DVT, 2018",
# "Flu shot 2026-10-15" (not a heading's year: "Vaccinations 2026: inactivated influenza 15.10.2026")
_OWN_DATE = re.compile(r"[ \t]*(?:[,:(–-][ \t]*)?(?:(?:in|on|of|dated)[ \t]+)?(?:(?:early|late|mid)[ \t-]+)?"
                       r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t]+)?"
                       r"(?:\d{1,2}[/.-])?(?:\d{1,2}[/.-])?(?:19|20)\d\d(?:[/.-]\d{1,2}){0,2}\b(?![ \t]*:)", re.I)
_ASIDE = re.compile(r"\([^()]*\)")
# treatments given once, whose date is the one written after the name
_ONE_OFF = re.compile(r"vaccin|jab\b|booster|shot\b", re.I)


def _before_to_come(doc: Doc, window: Span, start: int) -> bool:
    """A window counted back from a step still to come ("a week before they collect the cells",
    "2 weeks before leukapheresis" after "will hold"): not a time since."""
    if not re.search(r"\b(?:before|prior\s+to|ahead\s+of)\b", window.text, re.I):
        return False
    return later_step(window._.window.get("anchor", "")) or _TO_COME.search(doc_text(doc)[start : window.start_char]) is not None


def goes_on(doc: Doc, ent: Span) -> bool:
    """Whether therapy ``ent``'s clause says its use goes on into a later step of the study: it
    will not be held or stopped ("MMF and tacrolimus will NOT be held", "can't stop the CellCept or
    Lupkynis"), or is kept up to or through such a step ("keep taking it right up to the apheresis,
    plus plaquenil": not the plaquenil). A later step named as a treatment does not go on itself."""
    if later_step(ent.text):
        return False
    start, end = clause_of(doc, ent)
    # what the clause says of going on, found once per clause (a clause of hundreds of mentions asked again for each)
    found = doc.user_data.setdefault("_goes_on", {})
    if (start, end) not in found:
        clause = doc_text(doc)[start:end]
        found[start, end] = ([m.end() for m in _GOES_ON.finditer(clause)],
                             [m.start("to" if m.group("to") is not None else "to2") for m in _GOES_ON_TO.finditer(clause)
                              if later_step(m.group("to") or m.group("to2") or "")])
    held, kept = found[start, end]
    at = ent.start_char - start
    return any(at < e + 60 for e in held) or any(at < k for k in kept)


def latest_timing(facts: list[Fact]) -> None:
    """A therapy mentioned twice is as its last dated mention says: "started alectinib twice
    daily in 2021 ... alectinib was stopped 2 weeks ago" is not current; one said to go on
    into a later step of the study goes on in every mention."""
    last: dict[str, Fact] = {}
    for f in facts:
        if f.kind == "therapy" and f.asserted and f.days_ago is not None:
            last[f.concept] = f
    for f in facts:
        latest = last.get(f.concept)
        if f.kind == "therapy" and latest is not None and f is not latest and f.asserted:
            f.days_ago, f.current = latest.days_ago, latest.current
    # "was started on haemodialysis in August 2025 ... Dialysis was stopped on 18/09/2025": a later mention
    # under a broader name, ended at or after the start, ends it ("takes prednisone daily ... steroids
    # stopped in 2019" does not: a use dated today is not ended by an end dated before it)
    for i, f in enumerate(facts):
        if f.kind != "therapy" or not f.asserted or not f.current or f.continues or f.days_ago == 0.0:
            continue
        ended = next((g for g in facts[i + 1:] if g.kind == "therapy" and g.asserted and not g.current
                      and g.days_ago is not None and (f.days_ago is None or g.days_ago <= f.days_ago) and g.concept != f.concept
                      and therapy_covers(g.concept, f.concept)), None)
        if ended is not None:
            f.days_ago, f.current = ended.days_ago, False
    # "41 MBq via 22G cannula, ..., cannula removed": a device said to be out is out in each undated mention before
    for i, f in enumerate(facts):
        if f.kind == "therapy" and f.asserted and f.historical and not f.current and therapy_covers("implanted device", f.concept):
            for g in facts[:i]:
                if g.kind == "therapy" and g.concept == f.concept and g.asserted and not g.current and g.days_ago is None:
                    g.historical = True
    # "Tacrolimus 2 mg bid ... to continue until the day before leukapheresis" speaks for every mention
    going_on = {f.concept for f in facts if f.kind == "therapy" and f.asserted and f.continues}
    for f in facts:
        if f.kind == "therapy" and f.asserted and f.concept in going_on:
            f.continues = True





def ago_days(text: str, today: dt.date) -> float | None:
    """Days of the last "N days / weeks / months / years ago" written in ``text``, or None."""
    found = None
    for found in _PLAIN_AGO.finditer(text):
        pass
    return days_since(found.group(0), "text", today) if found else None


def days_since(value: Any, field: str, today: dt.date) -> float:
    """Days from ``value`` (a date, a number of days, "2 weeks ago") to ``today``;
    TimingError for anything else, a date in the future or a negative or absurd count."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 <= value <= 200 * 365.25:  # NaN fails too
            raise TimingError(field, "expected a number of days from 0 (today) up to a lifetime")
        return float(value)
    if not isinstance(value, str):
        raise TimingError(field, "expected a date (YYYY-MM-DD), a number of days, or text like '2 weeks ago'")
    try:
        days = float((today - dt.date.fromisoformat(value.strip())).days)
    except ValueError:
        pass
    else:
        if days < 0:
            raise TimingError(field, f"{value.strip()} is in the future; give the date it was last taken")
        return days
    lowered = value.strip().lower()
    if lowered in _RELATIVE_DAYS:
        return float(_RELATIVE_DAYS[lowered])
    m = _PLAIN_AGO.search(lowered)
    if m:
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
        n = float(m.group(1)) if m.group(1)[0].isdigit() else words[m.group(1)]
        return n * _UNIT_DAYS[m.group(2)]
    raise TimingError(field, f"cannot read {value!r} as a date or a time ago")
