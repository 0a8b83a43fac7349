"""Test results in a patient's text: "hemoglobin 7.9 g/dL", "Hb 10,9", "creat 68", "AST/ALT 30/25 U/L",
"Serial creatinine: 1.5 (10/09), 2.9 (29/10), 1.6 (22/11)".

Each LAB mention is paired with the number that gives its result (after the name, or just
before it), read in the unit written, in a table's unit column, or (without one) in the unit
the text writes in (SI or conventional), and kept in the analyte's canonical unit. What is not
a result is left: a normal range, a date, an item of a score's sum, a limit spoken of, a
threshold of a plan ("while ANC <0.5"). A run of results of one test is read to its latest.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

from spacy.tokens import Doc, Span

from .models import Fact
from .nlp.tokenizer import doc_text
from .timing import clause_of, day_first, days_ago, in_a_named_date
from .units import UnitError, analyte_for, far_count, measured_by, normalize_unit, to_canonical


_OTHER_SPECIMENS = ("urine", "urinary", "urinalysis", "csf", "cerebrospinal", "pleural", "peritoneal", "ascitic",
                    "synovial", "stool", "sputum", "bronchoalveolar", "dipstick")
# ... and the heading of a block of another specimen's results, reaching the counts given bare below it
# ("UA: RBC 0-2, WBC 0-2, no casts": a urinalysis labelled by its abbreviation, with its colon; not "UA 6.2", uric acid)
_SPECIMEN_BLOCK = re.compile(r"\b(?:" + "|".join(_OTHER_SPECIMENS) + r"|hpf|lpf|sediment|msu|microscopy)\b|(?-i:\bUA\s*:|\bU/A\b)", re.I)
_BLOOD_COUNTS = frozenset({"white blood cell count", "red blood cell count", "absolute neutrophil count", "lymphocyte count",
                           "platelet count"})


# tests counted in whole numbers, never written with three decimals: a point before three digits groups thousands
_WHOLE_COUNTS = frozenset({"copies/mL", "/µL"})
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}\.\d{3}(?![\d.,])")


def measurements(doc: Doc) -> list[Fact]:
    """The test results a patient's text gives: each lab named with its value, in the test's
    canonical unit; a run of results of one test read to its latest (the earlier ones kept as
    past), values of long ago, peaks and thresholds kept apart from the latest."""
    facts = []
    quantities = list(doc.spans.get("quantities", []))
    used: set[int] = set()
    # a finding that is also a lab's name ("proteinuria 3.5 g/day", "fever of 39.2 °C") gives
    # the lab's value too when one follows in the lab's units; the finding itself stays a condition
    labs = [e for e in doc.ents if e.label_ == "LAB" or (e.label_ == "CONDITION" and measured_by(e.text))]
    # another test named between a test's name and a number owns the number: "creatinine (eGFR 60)"
    named = [e for e in labs if e.label_ == "LAB"]
    paired = _slash_pairs(doc, labs, quantities)
    first = day_first(doc_text(doc)) if labs else None
    for i, lab in enumerate(labs):
        if i in paired:
            fact = _pair_fact(doc, lab, *paired[i])
            if fact is not None:
                facts.append(fact)
            continue
        nxt = labs[i + 1].start if i + 1 < len(labs) else len(doc)
        start, end = clause_of(doc, lab)
        # "scores me at 20 on the EULAR/ACR 2019 criteria (dsDNA 6, ...)": the value before "on the" name
        near = [q for q in quantities if q.end <= lab.start and id(q) not in used
                and _ON_THE.fullmatch(doc_text(doc), q.end_char, lab.start_char)][-1:]
        near = near or [q for q in quantities if lab.end <= q.start < nxt and q.start - lab.end <= 8
                        and q.start_char < end and id(q) not in used and not _not_a_value(doc_text(doc), q)
                        and not _counts_a_noun(doc_text(doc), lab, q)
                        and not any(lab.end <= e.start and e.end <= q.start and e.ent_id_ != lab.ent_id_ for e in named)
                        and not _CODE_BEFORE.search(doc_text(doc), max(lab.end_char, q.start_char - 12), q.start_char)
                        and not (q._.quantity["unit"] is None and _RESULT_GIVEN.match(doc_text(doc), lab.end_char, q.start_char))]
        if not near:
            # "a 12 pack-year history": the number written just before the name
            near = [q for q in quantities if q.end == lab.start and id(q) not in used and q._.quantity["comparator"] in (None, "=")
                    and not re.fullmatch(r"(?:19|20)\d\d", q.text)  # ("her EULAR/ACR 2019 classification score": a year)
                    # ("the clearance 68 bilirubin normal", a dictation without commas: the test's own result is a word)
                    and not _OWN_RESULT_AFTER.match(doc_text(doc), lab.end_char)]
        if not near:
            continue
        analyte = analyte_for(lab.ent_id_)
        if analyte is None:
            continue
        # "CrCl (Cockcroft-Gault, 62 kg) 26 mL/min": a number in a unit the test is not measured in
        # describes the test; its result is the next one
        if analyte.kind == "score" and len(near) > 1 and not _in_score_range(near[0]._.quantity["value"], analyte) \
                and _NAME_GAP.fullmatch(doc_text(doc), lab.end_char, near[0].start_char):
            near = near[1:]  # "Classification score EULAR/ACR 2019 = 5": the year right after the name is the criteria's
        q = next((q for q in near if _measurable(q, analyte)), near[0])
        summed = _SUMMED.match(doc_text(doc), q.end_char - q.text.endswith("+"))  # ("4 +" may be read as a grade)
        if summed:
            # "GLEASON 3+4=7": the total, not the first of its parts; "Gleason 4+3" without one is not read
            q = next((t for t in quantities if t.start_char == summed.end() and id(t) not in used), None)
            if q is None:
                continue
        data = q._.quantity
        # "leukocytes in urine of 20/mL" is not a blood count
        around = doc[max(0, lab.start - 3) : q.start].text.lower()
        if any(word in around for word in _OTHER_SPECIMENS) and "clearance" not in analyte.id:
            continue  # (a creatinine clearance is measured on a timed urine)
        if data["unit"] is None and analyte.id in _BLOOD_COUNTS and _SPECIMEN_BLOCK.search(
                doc_text(doc), max(0, doc_text(doc).rfind("\n\n", 0, q.start_char), doc_text(doc).rfind(". ", 0, q.start_char)),
                q.start_char):
            continue  # "PHASE-CONTRAST SEDIMENT (per HPF):\n RBC 0-2  WBC 0-2": a bare count under another specimen's heading
        if _in_reference(doc_text(doc), start, lab.start_char):
            continue  # "ALT 118 H (ref ALT 7-35, AST 13-35)": the normal range, not a result
        if _DATED_ON.search(doc_text(doc), max(0, q.start_char - 8), q.start_char) and _SHORT_DATE.match(doc_text(doc), q.start_char):
            continue  # "SELENA-SLEDAI on 12/01 = 18": the day it was scored, not the score
        if _in_a_sum(doc_text(doc), lab, q):
            continue  # "SELENA-SLEDAI = arthritis 4 + myositis 4 + low complement 2 = 10": an item of the sum, not the score
        if _LIMIT_AFTER.match(doc_text(doc), q.end_char):
            continue  # "AST/ALT rises must be read against the 2x ULN limit": a limit spoken of, not a result
        if data["comparator"] not in (None, "=", "between") and (
                _CONDITION_BEFORE.search(doc_text(doc), max(0, lab.start_char - 20), lab.start_char)
                or _CONDITION_BEFORE.search(doc_text(doc), max(0, q.start_char - 12), q.start_char)):
            continue  # "levofloxacin while ANC <0.5", "hold MMF if platelets < 50", "PLT to be checked, transfusion
            # if < 30": a threshold for a plan, not a result
        if lab.label_ != "LAB" and (data["unit"] is None or data["relative_to"]):
            continue  # "proteinuria 2+": a grade of the finding, not a value in the lab's units
        value = data["value"] if data["value_max"] is None else data["value_max"]
        dotted = _DOT_THOUSANDS.match(q.text) if analyte.canonical_unit in _WHOLE_COUNTS else None
        if dotted and value == float(dotted.group()):
            value *= 1000  # "viral load 1.900 copies/ml", "CD4 1.020/µl": a point grouping thousands, as in much of Europe
        if data["relative_to"]:
            facts.append(Fact("measurement", analyte.id, value=value, relative_to=data["relative_to"], text=doc[lab.start:q.end].text))
            used.add(id(q))
            continue
        run = _run_after(doc_text(doc), quantities, q, used, analyte)
        unit = data["unit"]
        if data.get("unit_text") in _FLAGS and analyte.canonical_unit not in ("L", "mL"):
            unit = None  # "WBC 1.9 L", "Hgb 10.8 L": a report's low/high flag, not litres
        if unit is None:
            # "Hb 8.1 -> 9.4 -> 10.2 g/dL": the unit written once, at the end of the run
            unit = next((later._.quantity["unit"] for later, _ in run[1:] if later._.quantity["unit"]), None)
        if unit is None and (bracketed := _BRACKETED_UNIT.match(doc_text(doc), q.end_char)) is not None \
                and bracketed.group(1) not in _FLAGS:  # ("WCC 2.6 (L)": a report's low flag)
            unit = normalize_unit(bracketed.group(1)) or None  # "Hb 6,4 (mmol/L)", "Hb 6,4 [mmol/l]": the unit in brackets
        if unit is None and analyte.kind != "score" and (bare := _BARE_AMOUNT.match(doc_text(doc), q.end_char)) is not None:
            if not bare.group("molar"):
                continue  # "creatinine 1.2 mg", "Hb 9 g": an amount whose volume is not written (per dL or per L?)
            unit = f"{bare.group('molar')}/L"  # "Hb 5,8 mmol", "kreatinine 88 µmol": SI concentrations are per litre
        if unit is None and analyte.kind != "score":
            column = _unit_column(doc_text(doc), q.end_char, value, analyte.id)
            if column is False:
                continue  # a table row whose unit column gives no unit of this test: its unit is not known
            unit = column
            if unit is None and analyte.molar_mass and analyte.canonical_unit == "mg/dL":
                system = _two_systems(doc, value, analyte)
                if system is False:
                    continue  # "bili 8": 8 mg/dL or 8 µmol/L, and the text does not say which system it writes in
                unit = system
        try:
            canonical, cu, unit = _convert(value, unit, analyte, far=not _THOUSANDS_MARK.search(q.text))
        except UnitError:
            continue  # no unit of this test, or implausible: a misread number or unit
        used.add(id(q))
        # "peak serum creatinine 2.6 mg/dL on 8 September during the AKI": a value gone by, not the latest
        peak = bool(_PEAK_BEFORE.search(doc_text(doc), max(0, lab.start_char - 25), lab.start_char)
                    or _PEAK_BETWEEN.search(doc_text(doc), lab.end_char, q.end_char))  # ("creatinine peaked at 2.7", "up to 240")
        # "'lupus hepatitis' flare 2024 (ALT 300!) settled": a value of a time long gone (the last date
        # written before it in its clause), not the latest
        own = max(start, labs[i - 1].end_char if i else 0, doc_text(doc).rfind(",", start, lab.start_char) + 1,
                  doc_text(doc).rfind(";", start, lab.start_char) + 1)  # (this test's own item)
        after = _RUN_END.match(doc_text(doc), q.end_char)  # ("ALT 300 in 2024, ...": the date after it)
        days = days_ago(_SINCE_DATE.sub(_blank, doc_text(doc)[own : after.end("when") if after and after.group("when") else q.end_char]),
                        dt.date.today(), first)
        if days is None:
            # "cyclophosphamide 2019, stopped after dose 2 for prolonged aplasia (ANC 0 for 3 weeks, ...)": a value
            # in an aside is of the time of what the aside is about
            opened = doc_text(doc).rfind("(", start, lab.start_char)
            if opened >= 0 and doc_text(doc).find(")", opened, lab.start_char) < 0 \
                    and not re.search(r"\bsince\b", doc_text(doc)[start:opened], re.I):
                # (not "refractory SLE since 2009 (EULAR/ACR score 8, ...)": what began then goes on)
                days = days_ago(doc_text(doc)[start:opened], dt.date.today(), first)
        peak = peak or (days is not None and days > _LONG_GONE_DAYS)
        values = [(canonical, doc[min(lab.start, q.start):max(lab.end, q.end)].text, run[0][1] if run else "")]
        values += _run_values(run, canonical, unit, analyte, used)
        ordered = _in_time_order(values, first)
        uln = _stated_uln(doc_text(doc), q.end_char, value, canonical) if len(values) == 1 and analyte.uln else None
        for n, (canonical, text, when) in enumerate(ordered):
            # each value of a run dated by its own date ("1.5 (10/09/2026), 2.9 (29/10/2026)"), the latest by the mention's
            dated = days_ago(when, dt.date.today(), first) if when and len(values) > 1 else None
            facts.append(Fact("measurement", analyte.id, value=float(f"{canonical:.6g}"), unit=cu,
                              historical=peak or n < len(values) - 1, negated=lab._.is_negated, text=text,
                              days_ago=dated if dated is not None else days if n == len(values) - 1 else None, uln=uln))
    return facts


# what may follow a value in a run of results of one test: when it was taken ("(10/09)", "on 22 Nov") ...
_RUN_WHEN = r"(?P<when>\s*\((?![^()\n]*:\s*\d)[^()\n]{1,30}\)|\s+(?:now|today|yesterday|this\s+(?:week|morning)|currently|latest|at\s+present|last\s+(?:week|month)|(?:\d+|a|one|two|three)\s+\w+\s+ago)|\s+(?:on|in|at|dated)\s+[^,;:()\n→]{1,40}?"
# ... before a step to the next value ("," ";" "→" "then" "to" "now" "repeat")
_RUN_STEP = re.compile(_RUN_WHEN + r"(?=\s*[,;→]|\s+(?:and\s+)?(?:then|now|later|to)\b))?"
                       r"(?:\s*[,;→]\s*(?:(?:and\s+)?(?:then|now|later|repeat(?:ed)?)\s+)?"
                       r"|\s+(?:and\s+)?(?:then|now|later|repeat(?:ed)?|to|down\s+to|up\s+to)\s+)", re.I)
_RUN_WORD = re.compile(r"→|\b(?:then|now|later|repeat(?:ed)?|to)\s+$", re.I)
# ... or before the end of the run
# (a value's date may be followed by what happened then: "peaked at 3.1 mg/dL on 11/02/2026 during a flare")
_RUN_END = re.compile(_RUN_WHEN + r"(?=\s*(?:[,;.→\n)]|$)|\s+(?:during|with|when|while|after|for|due|because)\b))?"
                      r"\s*(?:[,;.→\n)]|$|then\b|to\b|(?<=\S)(?=\s+(?:during|with|when|while|after|for|due|because)\b))", re.I)
# "refractory SLE since 2009 (EULAR/ACR score 8)": when what goes on began does not date a value after it
_SINCE_DATE = re.compile(r"\bsince\s+(?:(?:early|late|mid|the\s+end\s+of)\s+)?(?:[a-z]+\.?\s+)?(?:\d{1,2}[/.-])?(?:\d{1,2}[/.-])?(?:19|20)\d\d\b", re.I)


# an amount unit right after a value, without the volume it is in: a concentration written short, in
# molar units per litre by the SI convention ("Hb 5,8 mmol" in Dutch notes), in mass units not known
_BARE_AMOUNT = re.compile(r"[ \t]*(?:(?P<molar>(?-i:m|µ|μ|u|n|p)mol)|mg|mcg|µg|μg|ug|ng|g|meq|mEq)(?![\w/])(?![ \t]*(?:/|per\b|a\b|an\b))",
                          re.I)


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


_LATEST = re.compile(r"\b(?:latest|today|now|current|most\s+recent|this\s+week|yesterday)\b", re.I)


_ITEM_NAME_BEFORE = re.compile(r":\s*(?:[A-Za-z][A-Za-z-]+\s+){1,3}$")
_TOTAL_AFTER = re.compile(r"\b(?:total|sum)\b|=\s*\d", re.I)


def _in_a_sum(text: str, lab: Span, q: Span) -> bool:
    """Whether the value ``q`` of ``lab`` is an item of a score's sum ("arthritis 4 + myositis 4 + low
    complement 2 = 10", "Arthritis 6 + low C3 3 = 9", "rash 2+ alopecia"), not the test's result."""
    return bool(_ADDEND.match(text, q.end_char) or _AFTER_PLUS.search(text, max(0, lab.start_char - 30), lab.start_char)
                or (text[q.end_char - 1] == "+" and re.match(r"[ \t]*[a-z]", text[q.end_char:], re.I))
                # "SELENA-SLEDAI, 25/11/2026): arthritis 4, haematuria 4, low complement 2. Total: 10": an item's
                # points after its name, in a list that a total ends
                or (_ITEM_NAME_BEFORE.search(text, lab.end_char, q.start_char) is not None
                    and _TOTAL_AFTER.search(text, q.end_char, (text.find("\n", q.end_char) + 1 or len(text) + 1) - 1) is not None))


def _run_after(text: str, quantities: list[Span], q: Span, used: set[int], analyte) -> list[tuple[Span, str]]:
    """The results of one test written as a run from its first, ``q``: "creatinine 2.9 (10/09),
    1.6 (22/11)", "Hb 8.1 -> 9.4 -> 10.2 g/dL", "platelets 40, 62, 85 (latest)", "creatinine fell from
    2.3 to 1.1 mg/dL". Each with the text after it that says when it was taken; a number in another
    unit, followed by words ("3 times", "2 weeks ago") or given a comparator ends the run. Empty when
    ``q`` stands alone."""
    starts = {s.start_char: s for s in quantities}
    run: list[tuple[Span, str]] = []
    at, last = q.end_char, q
    while True:
        step = _RUN_STEP.match(text, at)
        if step is None or step.end() == at:
            break
        nxt = starts.get(step.end())
        data = nxt._.quantity if nxt is not None else None
        if (data is None or id(nxt) in used or data["relative_to"] or data["comparator"] not in (None, "=")
                or not _measurable(nxt, analyte)
                # after a bare comma, only a number that ends its item is one of the run ("40, 62, 85")
                or (not _RUN_WORD.search(step.group(0)) and not _RUN_END.match(text, nxt.end_char))
                or (data["unit"] is None and re.search(r"[a-z%]", nxt.text, re.I))):
            break
        run.append((last, step.group("when") or ""))
        at, last = nxt.end_char, nxt
    if run:
        after = _RUN_END.match(text, at)
        run.append((last, (after.group("when") or "") if after else ""))
    return run


def _run_values(run: list[tuple[Span, str]], first: float, unit: str | None, analyte, used: set[int]) -> list[tuple[float, str, str]]:
    """(canonical value, text, when) of a run's later results, in the unit of the first where they
    give none; the run ends at a value that is implausible for the test."""
    out: list[tuple[float, str, str]] = []
    before = first
    for q, when in run[1:]:
        data = q._.quantity
        value = data["value"] if data["value_max"] is None else data["value_max"]
        try:
            canonical, _, _ = _convert(value, data["unit"] or unit, analyte)
        except UnitError:
            break
        if data["unit"] is None and not 1 / 3 <= canonical / max(before, 1e-9) <= 3:
            break  # "FBC: Hb 10.9, 3.4, 132": numbers of other tests, not a run of one
        before = canonical
        used.add(id(q))
        out.append((canonical, q.text, when))
    return out


def _in_time_order(values: list[tuple[float, str, str]], first: bool | None) -> list[tuple[float, str, str]]:
    """A run of results oldest first: in the order written, unless each says when it was taken
    and the dates put them in another order, or one is marked the latest ("85 (latest)")."""
    if len(values) < 2:
        return values
    marked = [v for v in values if _LATEST.search(v[2])]
    if len(marked) == 1:
        return [v for v in values if v is not marked[0]] + marked
    today = dt.date.today()
    ages = [days_ago(when, today, first) if when else None for _, _, when in values]
    if all(a is not None for a in ages):
        return [v for _, v in sorted(zip(ages, values), key=lambda p: -p[0])]
    return values


_CELL = re.compile(r"\s*(?:\||\t|\s{2,})\s*")


def _unit_column(text: str, at: int, value: float, analyte: str) -> str | None | bool:
    """The unit a table row gives in a column of its own after a value at ``at``
    ("Haemoglobin | 7.4 | L | 8.6-11.2 | mmol/L | 11.9 g/dL"): the first cell that is
    a unit of ``analyte``; False when the row has unit cells but none of them is one
    (the value's unit is not known); None when the row is not a table's."""
    end = text.find("\n", at)
    rest = text[at : end if end >= 0 else len(text)]
    if "|" not in rest and "\t" not in rest and not re.search(r"\S\s{3,}\S", rest):
        return None
    units = False
    for cell in _CELL.split(rest):
        cell = cell.strip()
        if not cell or cell in _FLAGS or cell[0].isdigit():
            continue  # a flag, a number or a range ("8.6-11.2"); a unit may hold digits later ("mL/min/1.73m2")
        try:
            if normalize_unit(cell) is None:
                continue
        except UnitError:
            continue
        units = True
        try:
            to_canonical(value, cell, analyte)
        except UnitError:
            continue
        return cell
    return False if units else None


# a lab report's flags after a value, and the words that introduce a normal range
_FLAGS = {"L", "H", "LL", "HH"}


_REFERENCE_WORDS = r"ref(?:erence)?|normal|nl|range|uln|lln"  # what opens a normal range
_REFERENCE = re.compile(rf"\b(?:{_REFERENCE_WORDS})\b[\s:.]*(?:range\b[\s:]*)?(?:[A-Za-z0-9.]+\s+)?$", re.I)


# a unit written in brackets after a value: "Hb 6,4 (mmol/L)", "Hb 6,4 [mmol/l]"
_BRACKETED_UNIT = re.compile(r"[ \t]*[(\[][ \t]*([^()\[\]\s]{1,12})[ \t]*[)\]]")
# a time point's number: "on day 27", "D+14", "at week 4" (not "this week 9.1", "last week 190", "in past 8 wk 0.91")
_TIME_POINT = re.compile(r"(?:^|[^\w\s]\s*|\b(?!(?:this|last|past|next|per|a|an|each|every|the|one|that)\s)\w+\s+)"
                         r"(?:day|week|wk|cycle|visit)\s*\+?\s*$|\bD\s*\+\s*$", re.I)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b", re.I)  # "on the 14th"
_DATE_AROUND = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{4}")


_LONG_GONE_DAYS = 180  # a result dated further back than this is not the one a trial screens on


_CONDITION_BEFORE = re.compile(r"\b(?:while|if|when|whenever|until|unless|once|should)\s+(?:the\s+|her\s+|his\s+|my\s+)?$", re.I)


_ON_THE = re.compile(r"\s*(?:points?\s+)?on\s+(?:the\s+|her\s+|his\s+|my\s+|their\s+)?", re.I)


# a marker's code right before a number, after the test's name: the number is the marker's ("lymphocytes present
# (CD19+ 98 /µL)", "B cells, CD20 12/µL")
# (not a visit's label after "at" or "on": "SELENA-SLEDAI at V1 = 10", "ANC on C1D8: 0.9")
_CODE_BEFORE = re.compile(r"(?<![\w-])(?<!\bat\s)(?<!\bon\s)(?-i:[A-Z]{1,5}-?\d{1,3}[a-z]?\+?)[ \t]*[:=]?[ \t]*$")


# a plural noun right after a whole number that a clause separates from the test's name: what the number
# counts ("only white cells collected, 2 bags back"); not a unit or a multiplier of a count ("350 cells",
# "2 lakhs", "164 tys./µl"), nor a verb or a word that is no plural ("SLEDAI 4 does not", "12 this month")
_COUNTED_NOUN = re.compile(r"[ \t]+(?!(?:cells|copies|units|points|platelets|thousands|lakhs|lacs|millions|billions|mills|tys|"
                           r"times|this|his|its|was|has|does|is|plus|thus|yes|less|as|us|per|whereas|unless)\b)"
                           r"(?-i:[a-z]{2,}s)\b(?![./]\S)")
_CLAUSE_BETWEEN = re.compile(r"[,;]|\b[a-z]{3,}ed\b", re.I)


def _counts_a_noun(text: str, lab: Span, q: Span) -> bool:
    """"white cells collected, 2 bags back": the number counts the noun after it, not the test's result."""
    return q._.quantity.get("unit") is None and re.fullmatch(r"\d{1,3}", q.text) is not None \
        and _COUNTED_NOUN.match(text, q.end_char) is not None and _CLAUSE_BETWEEN.search(text, lab.end_char, q.start_char) is not None


def _not_a_value(text: str, q: Span) -> bool:
    """A number after a test's name that is not its result: part of a date ("SLEDAI on 02/18/2025
    was 10") or a duration naming the test ("Creatinine clearance (24-h urine) 81 mL/min")."""
    lo = max(0, q.start_char - 6)
    if any(m.start() <= q.start_char < m.end() for m in _DATE_AROUND.finditer(text, lo, q.end_char + 6)):
        return True
    if in_a_named_date(text, q.start_char, q.end_char) or _ORDINAL.search(text, q.start_char, q.end_char + 2) \
            or (re.fullmatch(r"\+?\d{1,3}", q.text) and _TIME_POINT.search(text, max(0, q.start_char - 20), q.start_char)):
        return True  # "CD4 on 27 November was 480", "Hb on day 14 was 9.1", "creatinine on the 14th was 1.1": when it was taken
    day_month = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", q.text)
    if day_month and 1 <= int(day_month.group(1)) <= 31 and 1 <= int(day_month.group(2)) <= 12 \
            and re.search(r"[(,]\s*$", text[max(0, q.start_char - 3) : q.start_char]):
        return True  # "creatinine clearance (24-h urine, 18/11): 71 mL/min": the day it was taken
    if re.fullmatch(r"(?:19|20)\d\d", q.text) and re.search(r"\b(?:in|since|from|during|of|by)\s+$", text[max(0, q.start_char - 8) : q.start_char], re.I):
        return True  # "ALT 300 in 2024": the year it was
    if re.search(r"\d\s*(?:h|hrs?)$", q.text, re.I) and (
            re.match(r"\s*(?:urine|collection)\b", text[q.end_char : q.end_char + 16], re.I)
            or (re.fullmatch(r"\d{1,2}\s*-?\s*(?:h|hrs?)", q.text, re.I) and re.match(r"\s*[:=]?\s*\d", text[q.end_char : q.end_char + 8]))):
        return True  # "CrCl (24h urine) 94 mL/min", "ClCr 24h 78 mL/min": the token "24h" holds the collection's hours
    return bool(re.match(r"-\s*(?:h|hr|hour)\b|\s*-?\s*(?:hours?|hrs?)\b|\s*h\s+(?:urine|collection)", text[q.end_char : q.end_char + 16], re.I)) and \
        q._.quantity.get("unit") is None


def _measurable(q: Span, analyte) -> bool:
    """Whether quantity ``q``'s unit (if it has one) measures ``analyte``."""
    unit = q._.quantity["unit"]
    if unit is None or q._.quantity["relative_to"] or analyte.kind == "score":
        return True
    if q._.quantity.get("unit_text") in _FLAGS and analyte.canonical_unit not in ("L", "mL"):
        return True  # "Hgb 10.1 L (12-16)": a report's low flag, not litres; the bracket is the normal range
    try:
        to_canonical(1.0, unit, analyte.id)
    except UnitError:
        return False
    return True


# acronyms between a score's name and a year that go on naming it ("classification score EULAR/ACR 2019",
# "lupus classification score (EULAR/ACR 2019) of 16")
_NAME_GAP = re.compile(r"[ \t]*[(\[]?[ \t]*(?:(?:[A-Z][A-Z0-9/-]+|criteria|classification)[ \t]+){0,3}")


# a report's reference right after a result, giving its upper limit: "(ULN 40)", "(ref <35)", "(H, ref 7-35)",
# "(v.n. < 35)", "(<33) H", "(3,4–20,5)", "[10-40]"; a bare number in brackets is not one ("(2019)")
_STATED_ULN = re.compile(r"[ \t]*(?:[A-Za-z↑*]{1,4}[ \t]*)?[(\[][ \t]*(?:(?:" + "|".join(sorted(_FLAGS, key=len, reverse=True)) + r"|high|low|↑|\*)[ \t]*[,;]?[ \t]*)?"
                         rf"(?:(?P<label>(?:{_REFERENCE_WORDS}|url|n|nr|rr|ri|norm|v\.?[ \t]*[nr])\.?(?:[ \t]*range)?)[ \t]*[:.=]?[ \t]*)?"
                         r"(?:(?P<low>\d+(?:[.,]\d+)?)[ \t]*[-–—][ \t]*|(?P<under>[<≤]=?|up[ \t]+to)[ \t]*)?"
                         r"(?P<high>\d+(?:[.,]\d+)?)(?![\d/])", re.I)


def _stated_uln(text: str, at: int, value: float, canonical: float) -> float | None:
    """The upper limit of normal a report gives in a bracket right after a result (in the result's
    canonical unit, scaled as its value was), or None."""
    m = _STATED_ULN.match(text, at)
    if m is None or not (m.group("label") or m.group("low") or m.group("under")):
        return None
    high = float(m.group("high").replace(",", "."))
    if m.group("low") is not None and float(m.group("low").replace(",", ".")) >= high:
        return None  # "(10-5)": not a range
    if high <= 0 or value <= 0 or not 0.05 <= value / high <= 50:
        return None  # not a limit of this result's scale
    return float(f"{high * canonical / value:.6g}")


def _in_score_range(value: float | None, analyte) -> bool:
    """Whether ``value`` can be a result of the score ``analyte``: a score has no unit to convert,
    and a value outside its own scale is none ("pack-years, quit 2022", "Child-Pugh B, varices banded 2025")."""
    return value is None or not analyte.range or analyte.range[0] <= value <= analyte.range[1]


def _in_reference(text: str, start: int, at: int) -> bool:
    """Whether a test named at ``at`` gives a normal range: just after "ref"/"normal", or in a
    bracket that opens with such a word."""
    if _REFERENCE.search(text[max(start, at - 20) : at]):
        return True
    opened = text.rfind("(", start, at)
    return opened >= 0 and ")" not in text[opened:at] and bool(
        re.match(r"\(\s*(?:ref(?:erence)?|normal|nl|range)\b", text[opened : opened + 16], re.I))


# units a bare number is tried in, in order, when it is implausible in the analyte's own:
# counts per µL ("ANC 1500"), then the US units people write without saying them ("Hgb 10.8")
_UNITLESS = ("/µL", "g/dL")


_SI_WRITTEN = re.compile(r"[µu]mol\s*/\s*l\b|\bg\s*/\s*l\b", re.I)


# (not haemoglobin's g/dL: written where chemistry is in µmol/L too, "Hb 8.7 g/dL ... creatinine 58")
_CONVENTIONAL_WRITTEN = re.compile(r"\bmg\s*/\s*dl\b", re.I)


def _two_systems(doc: Doc, value: float, analyte) -> str | None | bool:
    """The unit of a number written without one, for a test reported both in mg/dL and in SI units
    ("creat 68", "bili 8"): None (the conventional unit) when only that reading is plausible or the text
    writes conventional units, the SI unit when only it is plausible or the text writes SI units, and
    False when both readings are plausible and the text does not tell."""
    def plausible(unit: str | None) -> bool:
        try:
            canonical, _ = to_canonical(value, unit, analyte.id)
        except UnitError:
            return False
        # (the range's ends are rare extremes: a tenth of the upper limit of normal is low enough)
        return max(analyte.range[0], (analyte.uln or 0) / 10) <= canonical <= analyte.range[1] / 4
    si = _si_unit(analyte)
    if si is None or not plausible(si):
        return None
    text = doc_text(doc)
    written = doc.user_data.get("unit_systems")
    if written is None:
        written = doc.user_data["unit_systems"] = (bool(_SI_WRITTEN.search(text)), bool(_CONVENTIONAL_WRITTEN.search(text)))
    if not plausible(None):
        return None if written[1] else si  # (a text in mg/dL: an implausible number is not this test's)
    if written == (True, False):
        return si
    if written == (False, True):
        return None
    return False


@cache
def _si_unit(analyte) -> str | None:
    """The SI unit a test is reported in: the molar unit its typical value (its upper limit of normal,
    else the middle of its plausible range) is written with in one to a thousand (creatinine 106 µmol/L,
    glucose 7.8 mmol/L). Worked out once per test."""
    typical = analyte.uln or (max(analyte.range[0], 1e-3) * analyte.range[1]) ** 0.5
    for unit in ("µmol/L", "mmol/L"):
        try:
            one, _ = to_canonical(1.0, unit, analyte.id)
        except UnitError:
            continue
        if one > 0 and 1 <= typical / one <= 1000:
            return unit
    return None


# "WBC 148k": a count in thousands per µL, that is in 10^9/L as written, however far up the range
_THOUSANDS_MARK = re.compile(r"\d[ \t]*[kK]$")


def _convert(value: float, unit: str | None, analyte, far: bool = True) -> tuple[float, str | None, str | None]:
    """``value`` written in ``unit`` (None: not written) in the test's canonical unit, with the unit
    it was read in; UnitError when the unit does not measure the test or the value is implausible
    for it (a misread number or unit)."""
    if analyte.kind == "score" and unit in (None, "%", "points"):
        if not _in_score_range(value, analyte):
            raise UnitError(f"{value} is outside the range of {analyte.id}")
        return value, analyte.canonical_unit, unit
    canonical, cu = to_canonical(value, unit, analyte.id)
    if analyte.range and unit is None and (not (analyte.range[0] <= canonical <= analyte.range[1]) or (far and far_count(canonical, analyte))):
        unit = _unitless_unit(value, analyte)
        canonical, cu = to_canonical(value, unit, analyte.id)
    if analyte.range and not (analyte.range[0] / 10 <= canonical <= analyte.range[1] * 10):
        raise UnitError(f"{value} {unit or ''} is implausible for {analyte.id}")
    return canonical, cu, unit


def _unitless_unit(value: float, analyte) -> str:
    """The unit a number written without one is read in when it is implausible in the test's own."""
    for unit in _UNITLESS:
        try:
            canonical, _ = to_canonical(value, unit, analyte.id)
        except UnitError:
            continue
        if analyte.range[0] <= canonical <= analyte.range[1]:
            return unit
    raise UnitError(f"{value} without a unit is implausible for {analyte.id}")


_PAIR_VALUES = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")


def _slash_pairs(doc: Doc, labs: list[Span], quantities: list[Span]) -> dict[int, tuple[float | None, str | None]]:
    """Two tests written as a pair with their values as one: "AST/ALT 30/25 U/L" gives AST 30
    and ALT 25; "AST/ALT 30" gives neither (which one is 30?). Lab index -> (value, unit)."""
    out: dict[int, tuple[float | None, str | None]] = {}
    text = doc_text(doc)
    for i in range(len(labs) - 1):
        first, second = labs[i], labs[i + 1]
        if text[first.end_char : second.start_char].strip() != "/" or i in out:
            continue
        q = next((q for q in quantities if second.end <= q.start <= second.end + 2), None)
        m = _PAIR_VALUES.fullmatch(q.text.strip()) if q is not None else None
        unit_text = re.match(r"\s*([^\s,;()]+)", text[q.end_char :]) if q is not None else None
        unit = normalize_unit(unit_text.group(1)) if unit_text else None
        if m:
            out[i], out[i + 1] = (float(m.group(1)), unit), (float(m.group(2)), unit)
        elif q is not None:
            out[i], out[i + 1] = (None, None), (None, None)
    return out


def _pair_fact(doc: Doc, lab: Span, value: float | None, unit: str | None) -> Fact | None:
    analyte = analyte_for(lab.ent_id_)
    if value is None or analyte is None:
        return None
    try:
        canonical, cu = to_canonical(value, unit, analyte.id)
    except UnitError:
        return None
    if analyte.range and not (analyte.range[0] <= canonical <= analyte.range[1]):
        return None
    return Fact("measurement", analyte.id, value=float(f"{canonical:.6g}"), unit=cu, negated=lab._.is_negated, text=lab.text)


# "bilirubin normal, kidney clearance about 65": the test's result is given in words; a later number is another's
_OWN_RESULT_AFTER = re.compile(r"[ \t:=-]*(?:was[ \t]+|is[ \t]+|were[ \t]+)?(?:normal|fine|ok|okay|wnl|unremarkable|negative|"
                               r"high|low|raised|elevated|abnormal)\b", re.I)
_RESULT_GIVEN = re.compile(r"[\s:=-]*(?:was\s+|is\s+|were\s+)?(?:normal|fine|ok|okay|wnl|within\s+normal\s+limits|unremarkable|"
                           r"negative|neg|positive|pos|high|low|raised|elevated|abnormal)\b\s*[,;]", re.I)


# ("Hb fell to 7.9" and "rose to 2.7" may be today's value; a peak or a nadir is an extreme gone by)
# ("creatinine up to 240 in August", "rose to", "went as high as": how high it went, not where it is)
_PEAK_BETWEEN = re.compile(r"\b(?:peaked|peaking|maxed|spiked|nadir|bottomed|lowest|highest|up\s+to|rose\s+to|rising\s+to|"
                           r"climbed\s+to|as\s+high\s+as|as\s+low\s+as|dropped\s+to|fell\s+to)\b", re.I)
_PEAK_BEFORE = re.compile(r"\b(?:peak|peaked|maximum|max|highest|worst|nadir|lowest|previous|prior|baseline)\b[^.;,\n]{0,12}$", re.I)


_DATED_ON = re.compile(r"\b(?:on|dated|from|of)\s+$", re.I)


_SHORT_DATE = re.compile(r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}\.\d{1,2}\.(?:19|20)?\d{2})\b(?!\s*(?:mg|mmhg|mm|cells|copies|iu|u/))", re.I)


_AFTER_PLUS = re.compile(r"\+[ \t]*(?:[A-Za-z][\w/-]*[ \t]+){0,3}$")  # "Arthritis 6 + low C3 3 = 9": the last item of a sum


# a score written as the sum of its parts, to its total if given: "3+4=7", "4 + 3 = 7", "3+4"
_SUMMED = re.compile(r"[ \t]*\+[ \t]*\d+(?:[ \t]*\+[ \t]*\d+)*(?:[ \t]*=[ \t]*|(?![\d.]))")
_ADDEND = re.compile(r"[ \t]*\+[ \t]*(?:[a-z]|\d+[ \t]*\+)", re.I)


_LIMIT_AFTER = re.compile(r"\s*(?:ULN\s+|upper\s+limit\s+of\s+normal\s+)?(?:limit|threshold|cut[\s-]?off|criterion|requirement|"
                          r"rule|cap|ceiling|target)s?\b", re.I)
