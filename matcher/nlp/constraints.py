"""Assemble constraints from a criterion's entities, quantities, windows and context.

The component writes ``doc._.constraints``: a list of
:class:`~matcher.models.Constraint` whose polarity says what the patient must
(``require``) or must not (``forbid``) have, with the criterion's section
(``doc.user_data["section"]``, default inclusion) and its negations combined.

Decisions, in order:

- numbers inside entity names ("CD19", "EULAR/ACR 2019") are not values;
- a LAB entity takes the first free quantity after it in its clause (labs
  joined by "/", "and", "or" share it: "AST/ALT < 2 x ULN"), else the
  nearest before it; a following bare quantity in another unit is the same
  bound restated ("> 2.5 mg/dL or 221 µmol/L") and is consumed;
- a time quantity is an age only next to an age cue ("aged", "years old");
- in a clause about a contraindication, entities are objects of it, and the
  clause is one judgement constraint; in a clause with a commitment
  (contraception, willingness) mentions of the trial's own treatment are
  not constraints;
- EXCEPTION entities become ``exceptions`` of the constraint before them;
- a condition written as a heading ("Renal disease: ...") is a label, not a
  constraint, unless examples follow ("CNS disease: including ...");
- a clause with administrative or judgement cues and nothing checkable
  becomes one ``admin`` constraint with ``checkable=False``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..models import Constraint, TimeWindow
from ..permission import MAY_HAVE_HAD, PROHIBITED, REQUIRED, allows
from ..units import UnitError, analyte_for, far_count, measured_by, to_canonical
from ..vocabulary import condition_covers, therapy_covers
from .bloodpressure import read_pressures
from .classes import read_classes
from .context import CATEGORY_ATTR
from .coverage import DEFINITION, MODAL, NON_PREFIX, annotate
from .doses import read_doses
from .lexicon import lookup
from .oncology import read_biomarkers, read_counts, read_stage_bounds
from .scopes import read_scopes
from .tokenizer import doc_text, span_text, token_texts

if not Doc.has_extension("constraints"):
    Doc.set_extension("constraints", default=None)
if not Doc.has_extension("unexplained"):
    Doc.set_extension("unexplained", default=None)

QUALIFIER_WORDS = (
    "active", "severe", "uncontrolled", "serious", "recurrent", "chronic", "acute", "clinically significant",
    "significant", "untreated", "symptomatic", "progressive", "unstable", "refractory", "relapsed", "current",
    "concurrent", "concomitant", "ongoing", "prior", "previous", "known", "planned", "scheduled", "decompensated",
    "moderate", "mild", "advanced", "metastatic", "newly diagnosed",
    # "No other malignancy": other than the one the trial studies
    "other", "another", "additional", "second primary",
)
_QUALIFIER_RE = re.compile(r"\b(" + "|".join(re.escape(q) for q in sorted(QUALIFIER_WORDS, key=len, reverse=True)) + r")\b", re.I)
# a verb in the past or perfect before a name: the criterion counts past use or events
_PAST_VERB = re.compile(r"\b(?:received|had|taken|took|undergone|underwent|used|exposure\s+to|exposed\s+to|ever)\b", re.I)
_PAST_QUALIFIER_WORDS = {"prior", "previous", "history", "past", "current", "concurrent", "concomitant", "active", "ongoing"}
# ("emergency indications for surgery", "need for dialysis": a treatment to come, not one had)
_PLANNED_RE = re.compile(r"\b(plan(?:s|ned|ning)?|scheduled|intend(?:s|ed)?|expect(?:s|ed)?|indications?\s+for|need\s+for)\b", re.I)
_DISEASE_WORD = re.compile(r"\b(disease|diseases|lesions?|illness(?:es)?|dysfunction|disorders?|insufficiency|failure|impairment|involvement|abnormalit(?:y|ies)|conditions?)\b", re.I)
# "Patients over 18 years": a person word, then a bound in years, and no duration words
_PERSON_AGE = re.compile(
    r"^(?!.*\b(for|since|duration|history|diagnos\w*|ago|lasting|after|before|within|prior|during|follow|survival|expectancy)\b)"
    r".*\b(patients?|subjects?|participants?|adults?|individuals?|persons?|people|volunteers?|men|women|males?|females?|children|boys|girls)\b"
    r".*\b(over|under|above|below|older|younger|at least|≥|>|<|≤|between|from)\b.*\byears?\b",
    re.I,
)
_AGE_BETWEEN = re.compile(
    r"\bbetween\s+(?:the\s+)?ages?\s+(?:of\s+)?(\d{1,3})\s*(?:years?\s*)?(?:and|to|-|–)\s*(\d{1,3})(?:\s*years?)?"
    r"|^\s*(?:be|are|is|being|must\s+be)\s+(?:between\s+)?(\d{1,3})\s*(?:and|to|-|–)\s*(\d{1,3})\s+years?", re.I)
_AGE_CONTEXT = re.compile(r"\b(aged?|ages|years?\s+old|yrs?\s+old|years?\s+of\s+age|y/?o|old|older|younger)\b", re.I)
_COORD_TARGET = re.compile(
    r"\b(?:anti-?)?([A-Z][A-Z0-9]{1,9})\s*(?:,|/|or|and|and/or)\s*(?:anti-?)?([A-Z][A-Z0-9]{1,9})[\s-]+(targeted|directed|targeting)\s+(therap(?:y|ies)|treatments?|agents?|drugs?)"
)
DISTRIBUTIVE = {"current", "concurrent", "concomitant", "active", "prior", "previous", "known", "ongoing", "history", "planned"}
LOWER_IS_BETTER = {"ecog performance status", "who performance status", "nyha class"}
# between two items of one list: a connector, a bracket opening examples of the item before, or closing them
# (with items we do not know between: "No concurrent cimetidine, phenothiazines, phenytoin")
_LIST_GAP = re.compile(r"(?:\s*,\s*[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?(?=\s*,))*"
                       r"\s*[)\]]?\s*(?:(?:,|or|and|and/or|/)\s*(?:or\s+)?)?(?:[(\[]\s*)?"
                       r"(?:(?:e\.?\s?g\.?|i\.?\s?e\.?|such as|including|like|for example|for instance)\s*[,:]?\s*)?"
                       r"(?:(?:any\s+)?other\s+)?", re.I)  # ("No concurrent radiotherapy, chemotherapy, or other immunotherapy")
GENERIC_HEADS = {"infection", "disease", "disorder", "malignancy", "cancer", "tumor"}
_SUBCLAUSE = re.compile(r"\b(?:or|and)\s+(?:who|subjects|patients|participants|those|individuals|persons)\b", re.I)
JUDGEMENT_IDS = {"investigator judgement", "contraindication to study treatment"}
COMMITMENT_IDS = {"willingness to comply", "informed consent", "follow-up visits"}
SCORE_UNITS = {None, "%", "points"}


@dataclass
class _Clause:
    start: int  # token offsets
    end: int
    ents: list[Span] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    text: str | None = None  # its text, once asked for (spaCy joins the tokens again on every access)


def _clauses(doc: Doc) -> list[_Clause]:
    """Split at ';', sentence ends and line breaks."""
    out, start = [], 0
    texts = token_texts(doc)
    for i, text in enumerate(texts):
        boundary = text == ";" or "\n" in text or (
            text == "." and i + 1 < len(texts) and (texts[i + 1][:1].isupper() or texts[i + 1].isspace())
        )
        if boundary:
            if i > start:
                out.append(_Clause(start, i))
            start = i + 1
    if start < len(doc):
        out.append(_Clause(start, len(doc)))
    return out


# an old NIAID record's heading: "Prior Medication: Excluded: Antiviral medications." says the use came before the study,
# not how long before (the record's own item says "within 2 weeks of study entry"); the item's words say the rest
_PRIOR_HEADING = re.compile(r"^\s*prior\s+(?:medications?|treatments?|therapy|therapies)\s*:\s*(?:excluded|required)\s*:\s*", re.I)


def _qualifiers(doc: Doc, ent: Span, clause: _Clause) -> list[str]:
    previous = max([e.end for e in clause.ents if e.end <= ent.start] + [clause.start, ent.start - 8])
    left = _PRIOR_HEADING.sub("", span_text(doc, previous, ent.start))
    quals = [q.lower() for q in _QUALIFIER_RE.findall(left)]
    if re.search(r"\bcurrently\b|\b(?:are|is|am)\s+(?:\w+\s+)?(?:taking|receiving|using|on)\b|"
                 r"\bwho\s+(?:require|requires|need|needs)\b", left, re.I) \
            and "current" not in quals:
        quals.append("current")  # "currently receiving cytotoxic chemotherapy"
    elif _PAST_VERB.search(left) and not (_PAST_QUALIFIER_WORDS & set(quals)) \
            and not any(clause.start <= w.start < clause.end for w in doc.spans.get("windows", ())):
        quals.append("prior")  # "who have received cisplatin", "had a stroke": ever (a window bounds it otherwise)
    # a qualifier inside the matched name stays one unless the concept itself says it
    # ("severe asthma" is read as asthma: "severe" must not be dropped; "chronic kidney disease" keeps its name)
    concept = (ent.ent_id_ or "").lower()
    quals += [q.lower() for q in _QUALIFIER_RE.findall(ent.text)
              if q.lower() in ("active", "chronic", "acute") or q.lower() not in concept]
    if ent._.is_historical:
        quals.append("history")
    if ent._.is_family:
        quals.append("family history")
    if ent._.is_possible:
        quals.append("suspected")
    if _PLANNED_RE.search(span_text(doc, max(clause.start, ent.start - 6), ent.start)):
        quals.append("planned")
    return sorted(set(quals), key=quals.index)


def _constraint(kind: str, concept: str, span: Span, negated: bool = False, **kw) -> Constraint:
    return Constraint(
        kind=kind,
        polarity="forbid" if negated else "require",
        concept=concept,
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        **kw,
    )


# cell counts that criteria write per mL or per L mean per µL (every such bound in the
# bundled corpus: "platelet count >= 100,000/mL", "ANC less than 750/ml"); read as
# written they exclude everyone or no one
_MISWRITTEN_COUNT_UNITS = frozenset({"/mL", "/L"})


def _measurement(doc: Doc, labs: list[Span], q: Span) -> list[Constraint]:
    data = q._.quantity
    out = []
    for lab in labs:
        analyte = analyte_for(lab.ent_id_ or lab.text)
        if analyte is None:
            continue
        comparator, value, value_max = data["comparator"], data["value"], data["value_max"]
        unit = data["unit"]
        if comparator in ("better", "worse"):  # ECOG: lower is better; Karnofsky: higher
            lower_better = analyte.id in LOWER_IS_BETTER
            comparator = "<=" if (comparator == "better") == lower_better else ">="
        if comparator in (None, "="):
            continue  # a bare number in a criterion is not a bound
        if unit in _MISWRITTEN_COUNT_UNITS and analyte.canonical_unit in ("10^9/L", "/µL"):
            continue  # "leukocytes >= 12000/mL", "platelets > 100,000/ml": meant per µL; unread, so asked
        if data["relative_to"]:
            canonical_unit, lo, hi = None, value, value_max
        elif analyte.kind == "score" and unit in SCORE_UNITS:
            canonical_unit, lo, hi = analyte.canonical_unit, value, value_max
        else:
            try:
                lo, canonical_unit = to_canonical(value, unit, analyte.id)
                hi = to_canonical(value_max, unit, analyte.id)[0] if value_max is not None else None
            except UnitError:
                continue
            if analyte.range and unit is None and (not (analyte.range[0] <= lo <= analyte.range[1]) or far_count(lo, analyte)):
                # unitless cell counts are usually per µL ("ANC >= 1500", "absolute lymphocyte count > 500")
                try:
                    lo, canonical_unit = to_canonical(value, "/µL", analyte.id)
                    hi = to_canonical(value_max, "/µL", analyte.id)[0] if value_max is not None else None
                except UnitError:
                    continue
        if analyte.kind == "score" and analyte.range and not (analyte.range[0] <= lo <= analyte.range[1]):
            continue  # "performance status ... greater than 70" is Karnofsky, not ECOG
        if not data["relative_to"] and analyte.range and any(
                b is not None and not (analyte.range[0] <= b <= analyte.range[1]) for b in (lo, hi)):
            continue  # an implausible bound ("WBC 3,300-10,500 cells/L"): unread, so asked, never judged
        span = doc[min(lab.start, q.start) : max(lab.end, q.end)]
        # "No evidence of renal insufficiency and a creatinine <= 2.5": a distant "No" is another item's; the
        # tests sharing the bound share the first one's ("No patients with AST and ALT >= 5 x ULN")
        first = min(labs, key=lambda e: e.start)
        negated = (lab._.is_negated or first._.is_negated) and any(
            cue.label_ == "NEGATED" and 0 <= first.start - cue.end <= 2 for cue in doc.spans.get("cues", []))
        # "a history of CD4 counts under 50", "nadir CD4 < 200", "... at any time": a past value counts
        ever = lab._.is_historical or _EVER.search(span_text(doc, max(0, lab.start - 3), min(len(doc), q.end + 4))) is not None
        out.append(
            _constraint(
                "measurement", analyte.id, span, negated,
                comparator=comparator, value=_round(lo), value_max=_round(hi),
                unit=canonical_unit, relative_to=data["relative_to"], qualifiers=["history"] if ever else [],
            )
        )
    return out


_EVER = re.compile(r"\b(?:at\s+any\s+time|ever|nadir|lowest|highest|peak)\b", re.I)


def _round(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.6g}")


# An age bound set only for some ("If age is 40 to 45, ...", "for women aged 40 and over")
_CONDITIONAL_AGE = re.compile(
    r"(^\s*(if|when)\b|\bfor\s+(those|women|men|females|males|patients|subjects|participants|children|adults|persons|individuals)\b"
    r"(\s+\w+){0,2}\s*$)", re.I)
# "No patients less than 5 years old": the bound is what is excluded
_NO_PERSON = re.compile(r"^\s*(no|not)\s+(patients?|subjects?|participants?|persons?|individuals?|children|adults|people)\b", re.I)
_AGE_WORD = re.compile(r"\b(age[sd]?|old)\b", re.I)
_INVERSE = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _age(doc: Doc, q: Span, clause: _Clause) -> Constraint | None:
    data = q._.quantity
    if data["relative_to"]:
        return None
    text = doc_text(doc)[q.start_char : q.end_char]
    before = span_text(doc, clause.start, q.start)
    if not data["unit"]:
        # a bare number is an age only next to an age word ("aged >= 18", "Age: 18 and over"),
        # not "Twenty to thirty adults" or "less than 10th percentile for age"
        near = doc_text(doc)[max(doc[clause.start].idx, q.start_char - 40) : q.end_char + 20]
        if re.search(r"\d(st|nd|rd|th)\b", text, re.I) or not _AGE_WORD.search(near):
            return None
    unit = data["unit"] or "years"
    if unit not in ("years", "months", "weeks", "days"):
        return None
    if _CONDITIONAL_AGE.search(before):
        return None
    if re.search(r"\b(gestation\w*|post-?menstrual|corrected|bone|mental|developmental|reading)\s+(?:age\s+)?(?:of\s+)?\S*\s*$", before, re.I) \
            or re.match(r"\s*(?:of\s+)?(?:gestation|'s gestation|’ gestation)", doc_text(doc)[q.end_char : q.end_char + 20], re.I):
        return None  # "gestational age < 23 weeks", "24 weeks' gestation": not the patient's age
    factor = {"years": 1, "months": 1 / 12, "weeks": 7 / 365.25, "days": 1 / 365.25}[unit]
    comparator = data["comparator"]
    value, value_max = data["value"], data["value_max"]
    if comparator == "between" and value_max is not None:
        # "between 6 months and 17 years": the first number may carry its own unit
        first = doc_text(doc)[q.start_char : q.end_char]
        if re.match(r"(?:between\s+|from\s+)?\S+\s*months?", first, re.I):
            value = value / 12
            return _constraint("age", "age", q, comparator="between", value=_round(value),
                               value_max=_round(value_max * factor), unit="years")
    elif comparator in (None, "="):
        return None
    if _NO_PERSON.match(before):
        if comparator not in _INVERSE:
            return None
        comparator = _INVERSE[comparator]
    return _constraint("age", "age", q, comparator=comparator, value=_round(value * factor),
                       value_max=_round(value_max * factor) if value_max is not None else None, unit="years")


class ConstraintBuilder:
    def __call__(self, doc: Doc) -> Doc:
        doc._.constraints = build_constraints(doc)
        doc._.unexplained = annotate(doc, doc._.constraints)
        return doc


@dataclass
class _Reading:
    """What the per-kind builders share while reading one criterion."""

    doc: Doc
    ents: list[Span]
    windows: list[Span]
    quantities: list[Span]
    clauses: list[_Clause]
    used: set[int] = field(default_factory=set)  # ids of quantities a constraint took
    absolute: set[int] = field(default_factory=set)  # ids of constraints that forbid in any section
    constraints: list[Constraint] = field(default_factory=list)  # of the clauses read so far
    reproductive: bool = False  # the clause spoke of pregnancy, lactation or contraception

    def in_window(self, span: Span) -> bool:
        return any(w.start <= span.start and span.end <= w.end for w in self.windows)

    def has(self, clause: _Clause, label: str, ids: set[str] | None = None) -> bool:
        return any(e.label_ == label and (ids is None or e.ent_id_ in ids) for e in clause.ents if not self.in_window(e))

    def clause_quantities(self, clause: _Clause) -> list[Span]:
        return [q for q in self.quantities if clause.start <= q.start < clause.end]

    def clause_text(self, clause: _Clause) -> str:
        if clause.text is None:
            clause.text = span_text(self.doc, clause.start, clause.end)
        return clause.text

    @property
    def labels(self) -> set[str]:
        return {e.label_ for e in self.ents}


# "Surgery: See Endocrine therapy", "Disease Characteristics: See General Eligibility": a pointer to another item
_SEE_ELSEWHERE = re.compile(r"^\s*(?:[A-Za-z][\w /&-]{0,40}:\s*)?(?:see|refer\s+to)\s+(?:the\s+)?[\w /&-]{1,60}[.:]?\s*$", re.I)


def build_constraints(doc: Doc) -> list[Constraint]:
    """Read every clause with the per-kind builders in ``BUILDERS``, then give the
    criterion's scopes, orient by section and merge repeats."""
    if _SEE_ELSEWHERE.match(doc_text(doc)):
        return []  # what it points to is read where it is written
    ents = list(doc.ents)
    # numbers inside names ("CD19", "2019") are not quantities
    names = [e for e in ents if e.label_ in ("CONDITION", "THERAPY")]
    quantities = [q for q in doc.spans.get("quantities", []) if not any(e.start < q.end and q.start < e.end for e in names)]
    quantities = [q for q in quantities if not any(e.label_ == "LAB" and e.start <= q.start and q.end <= e.end for e in ents)]
    ents = _findings_with_values(doc, ents, quantities)
    clauses = _clauses(doc)
    for ent in ents:
        for c in clauses:
            if c.start <= ent.start < c.end:
                c.ents.append(ent)
    r = _Reading(doc, ents, list(doc.spans.get("windows", [])), quantities, clauses)
    permitted: list[str] = []
    for index, clause in enumerate(clauses):
        r.reproductive = False
        for builder in BUILDERS:
            if builder(r, clause, index):
                break  # the clause is a judgement for the study team: nothing more to read in it
        r.absolute.update(_permissions(r.clause_text(clause), clause.constraints, permitted,
                                       doc[clause.start].idx if clause.start < len(doc) else 0))
        _attach_windows(doc, clause, r.windows)
        r.constraints.extend(clause.constraints)
    constraints = _restated_class(doc, _not_required(doc, _either_status(doc, _apply_scopes(doc, r.constraints))))
    # "History of malignancy. Basal cell carcinoma ... are not excluded": what is allowed is an exception
    for c in constraints:
        if c.kind == "condition":
            c.exceptions += [x for x in permitted if x != c.concept and x not in c.exceptions]
    # "neurological disease, including epilepsy/seizure disorder (except simple febrile seizures)": what
    # is excepted from an example is excepted from the class it exemplifies
    for c in constraints:
        if c.kind == "condition" and c.exceptions:
            for head in constraints:
                if head is not c and head.kind == "condition" and head.polarity == c.polarity and head.start < c.start \
                        and head.concept != c.concept and condition_covers(head.concept, c.concept):
                    head.exceptions += [x for x in c.exceptions if x not in head.exceptions and x != head.concept]
    # "Hemoglobin must be >= 9 g/dL" under Exclusion is a requirement written in the list of exclusions
    stated = {id(c) for c in constraints if c.kind == "measurement" and MODAL.search(doc_text(doc)[c.start:c.end])}
    # ... as is "A negative urine pregnancy test will be required before each catheterization" (a test required)
    stated |= {id(c) for c in constraints if c.kind == "pregnancy" and _REQUIRED_TEST.match(doc_text(doc), c.end)
               and re.search(r"\btest", c.text, re.I)}
    constraints = orient(constraints, doc.user_data.get("section", "inclusion"), r.absolute, stated)
    _no_item(doc, clauses, constraints)
    constraints = _carved_out(doc, _people_with(doc, constraints))
    doc.spans["used_quantities"] = [q for q in quantities if id(q) in r.used]
    return _dedupe(doc, constraints)


# "psychiatric patients with depression or suicidal thoughts", "diabetic subjects with retinopathy": people
# of a class who have something; the class alone is not what is excluded
_PEOPLE_WITH = re.compile(r"\s*(?:patients|subjects|individuals|participants|people|persons|cases|those)\s+(?:with|having|who\s+have)\s+"
                          r"(?:[A-Za-z-]+\s+){0,2}", re.I)


def _people_with(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """A condition that names the kind of people an item is about, when what they must have follows
    ("psychiatric patients with depression"), is not the item's whole meaning: coverage.annotate gives
    it the words of what follows as unread, so it alone never fails a patient (a panic disorder is a
    question), while the condition that follows is read as usual (depression fails)."""
    text = doc_text(doc)
    conditions = sorted((c for c in constraints if c.kind == "condition"), key=lambda c: c.start)
    for head, after in zip(conditions, conditions[1:]):
        if head.polarity == after.polarity and (m := _PEOPLE_WITH.fullmatch(text, head.end, after.start)):
            end = _item_end(text, after.end)
            doc.user_data.setdefault("people_with", []).append((head.start, head.end, _with_end(text, m), text[m.start() : end].strip()))
    return constraints


def _item_end(text: str, at: int) -> int:
    found = re.search(r"[;\n]|\.(?:\s|$)", text[at:])
    return at + found.start() if found else len(text)


def _with_end(text: str, m: re.Match) -> int:
    """Where "... patients with" ends in a match of ``_PEOPLE_WITH`` (the modifiers after it stay the next item's)."""
    found = re.search(r"\b(?:with|having|who\s+have)\b", text[m.start() : m.end()], re.I)
    return m.start() + found.end() if found else m.end()


# "HIV positive or HIV negative", "ER-positive or -negative", "with or without brain metastases",
# "documented presence/absence of H. pylori infection": either status
_EITHER_STATUS = re.compile(r"\b(?:positive|pos|\+)\s*(?:or|/|and/or)\s*(?:[\w-]+[\s-]+)?(?:negative|neg|-)(?![\w])"
                            r"|\b(?:negative|neg|-)\s*(?:or|/|and/or)\s*(?:[\w-]+[\s-]+)?(?:positive|pos|\+)(?![\w])"
                            r"|(?P<after>\bwith\s*(?:or|/)\s*without\b|\b(?:presence\s*(?:or|/|and/or)\s*absence|"
                            r"absence\s*(?:or|/|and/or)\s*presence)(?:\s+of)?\b)", re.I)


def _either_status(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """A condition or marker allowed either way selects nobody: "HIV positive or HIV negative" is
    no requirement of HIV, so neither reading of it is kept (a requirement alone failed the negative)."""
    text = doc_text(doc)
    spans = [(m.start(), m.end(), m.group("after") is not None) for m in _EITHER_STATUS.finditer(text)]
    if not spans:
        return constraints

    named = [c for c in constraints if c.kind in ("condition", "biomarker")]
    dropped: set[int] = set()
    for start, end, after in spans:
        if after:  # "with or without brain metastases": the name just after
            nxt = [c for c in named if 0 <= c.start - end <= 20 and not re.search(r"[,;.()]", text[end : c.start])]
            dropped.update(id(c) for c in nxt[:1])
        else:  # "HIV positive or HIV negative": the names within, and the one just before
            dropped.update(id(c) for c in named if start <= c.end and c.start < end)
            before = [c for c in named if c.end <= start and start - c.end <= 20 and not re.search(r"[,;.()]", text[c.end : start])]
            if before:
                dropped.add(id(max(before, key=lambda c: c.end)))
    return [c for c in constraints if id(c) not in dropped]


def _restated_class(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """ "human immunodeficiency virus (HIV) infection": the class word after a named illness and its
    abbreviation in brackets restates it; it is not a second, broader constraint ("any infection").
    So does the class a named drug is taken as ("aspirin as an antiplatelet drug")."""
    text = doc_text(doc)
    named = [c for c in constraints if c.kind == "condition"]
    restated = {id(c) for c in named for d in named
                if d is not c and d.end <= c.start and re.fullmatch(r"\s*\([^()]{1,20}\)\s*", text[d.end : c.start])
                and c.concept != d.concept and condition_covers(c.concept, d.concept)}
    # "acetylsalicylic acid (> 75 mg) as an antiplatelet drug": the role a named drug is taken in, not a second drug
    drugs = [c for c in constraints if c.kind == "therapy"]
    restated |= {id(c) for c in drugs for d in drugs
                 if d is not c and d.end <= c.start and _AS_ROLE.fullmatch(text[d.end : c.start])
                 and c.concept != d.concept and therapy_covers(c.concept, d.concept)}
    # "vaccination with any pneumococcal vaccine", "chemotherapy with a platinum agent": the class a drug is
    # given in, named before it, is that drug; not every drug of the class
    for c in drugs:
        for d in drugs:
            if d is not c and d.end <= c.start and _WITH_KIND.fullmatch(text[d.end : c.start]) \
                    and c.concept != d.concept and therapy_covers(d.concept, c.concept):
                restated.add(id(d))  # ("No previous vaccination with ...": what is said of the class is said of the drug)
                c.qualifiers.extend(q for q in d.qualifiers if q not in c.qualifiers)
                c.start = min(c.start, d.start)
    # "No prior chemotherapy following prior cladribine": a drug of the class named as the time the class is
    # counted from is not itself excluded (nor required); what came after it is the question
    for c in drugs:
        for d in drugs:
            if d is not c and c.end <= d.start and _AFTER_ANCHOR.fullmatch(text[c.end : d.start]) \
                    and c.concept != d.concept and therapy_covers(c.concept, d.concept):
                restated.add(id(d))
                if d.concept not in c.exceptions:
                    c.exceptions.append(d.concept)
    return [c for c in constraints if id(c) not in restated] if restated else constraints


_AFTER_ANCHOR = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)?(?:following|after|since|subsequent\s+to)\s+"
                           r"(?:(?:the|a|an|any|prior|previous|initial|first)\s+){0,2}", re.I)
_WITH_KIND = re.compile(r"\s*(?:with|using)\s+(?:(?:any|an?|the|one|prior|previous)\s+)?", re.I)
_AS_ROLE = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)?,?\s*(?:as|used\s+as|given\s+as|taken\s+as)\s+(?:an?|the|part\s+of\s+(?:an?|the))?\s*", re.I)


_EXCEPT_WORD = re.compile(r"\b(?:except|excepting|other\s+than|with\s+the\s+exception\s+of|apart\s+from)\b", re.I)
# "Recovered from any prior endocrine therapy", "recovered from all toxic effects of prior chemotherapy":
# a condition for those who had it, not a requirement to have had it
_RECOVERED_FROM = re.compile(r"\brecover(?:ed|y)\s+from\b|\bresolution\s+of\b[^.;]{0,40}?\b(?:toxicit|side\s+effects|adverse)", re.I)
_SENTENCE_END = re.compile(r"[.;]\s|$")


def _not_required(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """Therapies named after "recovered from" are dropped; so is a stage named in an exception ("No
    prior malignancy ... except ... adequately treated stage I or II cancer"), which is the excepted
    cancer's, not the one the trial studies."""
    text = doc_text(doc)

    def after(pattern: re.Pattern, reach: int) -> list[tuple[int, int]]:
        return [(m.end(), min(_SENTENCE_END.search(text, m.end()).start(), m.end() + reach)) for m in pattern.finditer(text)]

    def inside(c: Constraint, spans: list[tuple[int, int]]) -> bool:
        return any(a <= c.start < b for a, b in spans)

    if any(c.kind == "stage" for c in constraints):
        excepted = after(_EXCEPT_WORD, len(text))
        constraints = [c for c in constraints if not (c.kind == "stage" and inside(c, excepted))]
    recovered = after(_RECOVERED_FROM, 100)
    return [c for c in constraints if not (c.kind == "therapy" and inside(c, recovered))] if recovered else constraints


def _carved_out(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """"Any non-AZT antiretroviral drug": AZT is an exception of the class named next, not a constraint."""
    text, kept = doc_text(doc), []
    for c in constraints:
        nxt = next((x for x in constraints if x is not c and x.kind == c.kind and 0 <= x.start - c.end <= 3), None)
        if nxt is not None and NON_PREFIX.search(text, max(0, c.start - 5), c.start):
            if c.concept not in nxt.exceptions:
                nxt.exceptions.append(c.concept)
            continue
        kept.append(c)
    return kept


def _findings_with_values(doc: Doc, ents: list[Span], quantities: list[Span]) -> list[Span]:
    """A finding that is also a lab's name ("proteinuria", "fever"), followed
    within a few words by a bound in that lab's units ("proteinuria greater
    than 3.5 g/day", "fever > 38.5 °C"), is read as the lab, so the bound is
    kept. Without a unit ("1+ proteinuria"), a bound in other units ("fever
    for more than 2 weeks") or no bound, it stays the finding."""
    out = []
    for i, ent in enumerate(ents):
        analyte = measured_by(ent.text) if ent.label_ == "CONDITION" else None
        if analyte is not None:
            end = ents[i + 1].start if i + 1 < len(ents) else len(doc)
            after = [q for q in quantities if ent.end <= q.start < end and q.start - ent.end <= 4]
            if after and _bound_in_units(after[0]._.quantity, analyte):
                lab = Span(doc, ent.start, ent.end, label="LAB", span_id=analyte.id)
                for attr in CATEGORY_ATTR.values():
                    setattr(lab._, attr, getattr(ent._, attr))
                ent = lab
        out.append(ent)
    if any(a is not b for a, b in zip(out, ents)):
        doc.ents = out  # what the criterion's words are read as, for coverage too
    return out


def _bound_in_units(quantity: dict, analyte) -> bool:
    if quantity["comparator"] in (None, "=") or quantity["unit"] is None or quantity["relative_to"]:
        return False
    try:
        to_canonical(quantity["value"], quantity["unit"], analyte.id)
    except UnitError:
        return False
    return True


def _measurements(r: _Reading, clause: _Clause, index: int) -> None:
    """Labs and scores with their bounds; a lab named without one is the finding ("Fever")."""
    doc, out, cq, used = r.doc, clause.constraints, r.clause_quantities(clause), r.used
    labs = [e for e in clause.ents if e.label_ == "LAB"]
    i = 0
    while i < len(labs):
        group = [labs[i]]
        while i + 1 < len(labs):
            between = re.sub(r"[()\[\]]", "", doc[group[-1].end : labs[i + 1].start].text).strip().lower()
            if between in ("", "/", ",", "and", "or", "and/or", "&", "or/and"):
                group.append(labs[i + 1])
                i += 1
            else:
                break
        nxt = labs[i + 1].start if i + 1 < len(labs) else clause.end
        after = [q for q in cq if q.start >= group[-1].end and q.start < nxt and id(q) not in used]
        before = [q for q in cq if q.end <= group[0].start and id(q) not in used and group[0].start - q.end <= 8]
        chosen = after[0] if after else (before[-1] if before else None)
        if chosen is None:
            # "Fever" with no bound: the finding, not a measurement
            for lab in group:
                found = lookup(lab.text)
                if found and found[0] == "CONDITION" and not r.in_window(lab):
                    out.append(_constraint("condition", found[1], lab, lab._.is_negated, qualifiers=_qualifiers(doc, lab, clause)))
        else:
            made = _measurement(doc, group, chosen)
            if made:
                used.add(id(chosen))
                out.extend(made)
                # "> 2.5 mg/dL or 221 µmol/L": the same bound in another unit
                rest = [q for q in cq if q.start >= chosen.end and q.start < nxt and id(q) not in used]
                if rest and rest[0]._.quantity["comparator"] in ("=", None) and rest[0]._.quantity["unit"]:
                    gap = doc[chosen.end : rest[0].start].text.strip(" ()").lower()
                    if gap in ("or", "(", "", ",", "/", "or equivalent"):
                        used.add(id(rest[0]))
                        rest = rest[1:]
                # "WBC <= 3.5 or >= 20": a second bound on the same labs
                if rest and rest[0]._.quantity["comparator"] not in ("=", None):
                    gap = doc[chosen.end : rest[0].start].text.strip(" ()").lower()
                    if gap in ("or", "and", ",", "but", ", but", "and/or"):
                        second = _measurement(doc, group, rest[0])
                        if second:
                            used.add(id(rest[0]))
                            out.extend(second)
        i += 1


def _ages(r: _Reading, clause: _Clause, index: int) -> None:
    doc, out, cq = r.doc, clause.constraints, r.clause_quantities(clause)
    clause_text = r.clause_text(clause)
    if cq and (r.has(clause, "AGE") or _AGE_CONTEXT.search(clause_text) or _PERSON_AGE.search(clause_text)):
        for q in cq:
            if id(q) in r.used or r.in_window(q):
                continue
            made = _age(doc, q, clause)
            if made:
                r.used.add(id(q))
                out.append(made)
    if not any(c.kind == "age" for c in out):
        # "between the ages of 18 and 60", "Be between 2 and 18 years, inclusive"
        m = _AGE_BETWEEN.search(clause_text)
        if m:
            lo_, hi_ = float(m.group(1) or m.group(3)), float(m.group(2) or m.group(4))
            if lo_ < hi_ <= 120:
                base = doc[clause.start].idx
                span = doc.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
                if span is not None:
                    out.append(_constraint("age", "age", span, comparator="between", value=lo_, value_max=hi_, unit="years"))
                    r.used.update(id(q) for q in cq if span.start <= q.start < span.end)


def _judgement(r: _Reading, clause: _Clause, index: int) -> bool:
    """A clause with the investigator's judgement is one not-checkable constraint; True ends its reading."""
    if not r.has(clause, "ADMIN", JUDGEMENT_IDS):
        return False
    admin_ent = next(e for e in clause.ents if e.label_ == "ADMIN" and e.ent_id_ in JUDGEMENT_IDS)
    clause.constraints.append(_constraint("admin", admin_ent.ent_id_, r.doc[clause.start : clause.end], admin_ent._.is_negated,
                                          checkable=False))
    return True


_DURING = re.compile(r"\b(?:during|throughout|over|in\s+the\s+course\s+of)\s+(?:this|the|her|their|current|a|any)?\s*$", re.I)


def _reproduction(r: _Reading, clause: _Clause, index: int) -> None:
    """Pregnancy, lactation, childbearing potential, contraception."""
    out = clause.constraints
    applies = "women of childbearing potential" if "CHILDBEARING" in r.labels else None
    for ent in clause.ents:
        if r.in_window(ent) or ent._.is_exception:
            continue
        if ent.label_ == "PREGNANCY" and _DURING.search(doc_text(r.doc), max(0, ent.start_char - 25), ent.start_char):
            continue  # "Antivirals and other systemic medications during this pregnancy": when, not who
        if ent.label_ == "PREGNANCY":
            out.append(_constraint("pregnancy", ent.ent_id_, ent, ent._.is_negated, applies_to=applies))
            r.reproductive = True
        elif ent.label_ == "LACTATION":
            out.append(_constraint("lactation", "lactation", ent, ent._.is_negated, applies_to=applies))
            r.reproductive = True
        elif ent.label_ == "CONTRACEPTION":
            out.append(_constraint("contraception", "contraception", ent, ent._.is_negated,
                                   applies_to=applies or "participants able to conceive", checkable=False))
            r.reproductive = True
    for ent in clause.ents:
        if ent.label_ == "CHILDBEARING" and (ent._.is_negated or not reproductive_terms(r.labels)):
            out.append(_constraint("childbearing_potential", "childbearing potential", ent, ent._.is_negated))
            break


def _conditions_and_therapies(r: _Reading, clause: _Clause, index: int) -> None:
    doc, out = r.doc, clause.constraints
    commitment = r.has(clause, "ADMIN", COMMITMENT_IDS)
    clause_text = r.clause_text(clause)
    heading = _heading_end(doc)
    last: Constraint | None = None
    carried: list[str] = []
    bracket: list[str] = []  # what the item before "(" says of every example it lists
    indication_end = -1  # where the last disease a treatment is for ends
    named_with: dict[int, int] = {}  # a treatment's first token -> that of the class named right before it
    for ent in clause.ents:
        if r.in_window(ent):
            continue
        if ent.label_ not in ("CONDITION", "THERAPY", "ORGAN"):
            continue
        if ent.label_ == "CONDITION" and _modifies_another(doc, ent):
            continue  # "lupus cerebritis" is not lupus: an unknown disease we should not guess
        if ent.label_ == "THERAPY" and (head := _therapy_narrowed(doc, ent)) is not None:
            # "antiretroviral protease inhibitor": the class says what the treatment after it is, it is no
            # alternative of its own; "antiretroviral vaccine therapy": a vaccine of one kind, not any vaccine
            if therapy_covers(ent.ent_id_, head.ent_id_):
                named_with[head.start] = ent.start  # the constraint spans both names, and what comes before them
            else:
                doc.user_data.setdefault("narrowed_by", []).append((head.start_char, head.end_char, ent.text))
            continue
        named = doc[named_with[ent.start] : ent.end] if ent.start in named_with else ent
        if ent.label_ == "CONDITION" and (_is_indication(doc, ent, clause) or (
                indication_end >= 0 and all(t.lower_ in _LIST_JOIN for t in doc[indication_end : ent.start]))):
            # "chemotherapy for NSCLC": the disease treated, not a constraint; so are the diseases listed with
            # it ("antacids for gastritis, gastroesophageal reflux disease, or gastric or duodenal ulcers")
            indication_end = ent.end
            continue
        if ent.label_ == "THERAPY" and _TIMED_BY.search(span_text(doc, max(clause.start, ent.start - 4), ent.start)) \
                and (any(q.end <= ent.start for q in r.clause_quantities(clause))
                     or any(e.label_ in ("CONDITION", "LAB") and e.end <= ent.start for e in clause.ents)):
            # "Haemoglobin >= 9 g/dL (prior to transfusions)", "No active infection at time of transplant": when
            # a value is taken or a finding holds, not a treatment asked for
            continue
        if ent.label_ == "THERAPY" and _CAUSED_BY.search(span_text(doc, max(clause.start, ent.start - 5), ent.start)) \
                and any(e.label_ == "CONDITION" and e.end <= ent.start <= e.end + 10 for e in clause.ents) \
                and not _REACTION.search(clause_text):
            # "No neuropathy of grade III or greater from prior chemotherapy": the cause of the finding, not a treatment
            # ruled out (its words stay unread, so the finding alone fails nobody: a neuropathy of another cause is not it);
            # not a reaction's drug ("hypersensitivity reaction attributed to amphotericin B" is an allergy to it)
            continue
        if ent.label_ == "THERAPY" and _CIRCUMSTANCE.search(span_text(doc, max(clause.start, ent.start - 4), ent.start)) \
                and (any(q.end <= ent.start for q in r.clause_quantities(clause))
                     or any(e.label_ in ("CONDITION", "LAB") and e.end <= ent.start for e in clause.ents)):
            # "systolic blood pressure > 150 mmHg on antihypertensive medications", "HbA1c > 9% despite insulin":
            # the state a finding is in, not a treatment ruled out (its words stay unread)
            continue
        if ent._.is_exception:
            target = last or (r.constraints[-1] if r.constraints else None)
            if target is not None and ent.ent_id_ not in target.exceptions:
                target.exceptions.append(ent.ent_id_)
            continue
        if commitment and ent.label_ == "THERAPY":
            continue
        if heading is not None and ent.end == heading and not _examples_follow(doc, heading):
            continue
        if ent.ent_id_ in GENERIC_HEADS and _names_another(doc, ent, clause):
            # "active infection of hepatitis B virus" is about (active) hepatitis B
            carried = _qualifiers(doc, ent, clause)
            continue
        if ent.label_ == "ORGAN":
            if not _DISEASE_WORD.search(re.sub(r"\bfailures?\s+(?:to|of\s+(?:the\s+)?(?:patient|subject)s?\s+to)\b", " ", clause_text, flags=re.I)):
                continue  # "Failure to provide a blood sample" is not blood disease
            kind = "condition"
        else:
            kind = "condition" if ent.label_ == "CONDITION" else "therapy"
        quals = carried + [q for q in _qualifiers(doc, named, clause) if q not in carried]
        carried = []
        gap = doc_text(doc)[last.end : ent.start_char] if last is not None else ""
        if ")" in gap or "]" in gap:
            bracket = []
        if last is not None and re.match(r"\s*[(\[]", gap):
            bracket = [q for q in last.qualifiers if q in DISTRIBUTIVE]
        quals += [q for q in bracket if q not in quals]
        if last is not None and gap.strip() and _LIST_GAP.fullmatch(gap):
            # "Concurrent cytotoxic chemotherapy or radiation": the qualifier is said once for the list,
            # and for the examples of an item ("concurrent hormonal therapy (eg, tamoxifen, HRT), or radiation")
            quals += [q for q in last.qualifiers if q in DISTRIBUTIVE and q not in quals]
        if "other" not in quals and re.search(r"\bother\s+(?:\w+\s+){0,2}$", doc_text(doc)[max(doc[clause.start].idx, ent.start_char - 30) : ent.start_char], re.I):
            quals.append("other")
        last = _constraint(kind, ent.ent_id_, named, ent._.is_negated, qualifiers=quals)
        if kind == "therapy" and "other" in quals:
            # "ALK TKI within 5 days, or other systemic therapy within 14 days": other than those named
            last.exceptions += [c.concept for c in out if c.kind == "therapy" and c.concept != last.concept]
        out.append(last)


def _sex(r: _Reading, clause: _Clause, index: int) -> None:
    """Sex, only where the first clause is about who may join ("Female patients", "Men and women"),
    not where it names a group ("Men on testosterone replacement")."""
    doc, out, ents = r.doc, clause.constraints, r.ents
    sexes = {e.label_ for e in ents if e.label_ in ("FEMALE", "MALE")}
    named = any(c.kind in ("condition", "therapy", "measurement") for c in out)
    if index != 0 or r.reproductive or "CHILDBEARING" in r.labels or named:
        return
    if sexes == {"FEMALE", "MALE"} or re.search(r"\bboth\s+(sexes|genders)\b", r.clause_text(clause), re.I):
        first = next((e for e in ents if e.label_ in sexes), None)
        out.append(_constraint("sex", "any", first or doc[clause.start : clause.end]))
    elif len(sexes) == 1:
        ent = next((e for e in clause.ents if e.label_ in sexes), None)
        if ent is not None and (ent.start - clause.start <= 3 or re.search(
                r"\b(only|patients|subjects|participants|volunteers)\b", doc[ent.end : ent.end + 2].text, re.I)):
            out.append(_constraint("sex", ent.label_.lower(), ent, ent._.is_negated))


def _relations(r: _Reading, clause: _Clause, index: int) -> None:
    """Readings that relate constraints already made: allergens, permitted alternatives,
    cancer details, doses, blood pressure, classes as scores."""
    for builder in (_allergens, _permitted_alternatives, _cancer_details, _doses, _pressures, _class_scores):
        builder(r.doc, clause, clause.constraints)


def _elided(r: _Reading, clause: _Clause, index: int) -> None:
    """ "hepatitis B or C", "alcohol or substance abuse", "prior CD19 or BCMA-targeted therapy"."""
    doc, out = r.doc, clause.constraints
    for extra, span, base in _ellipses(doc, clause):
        if not any(c.concept == extra for c in out):
            out.append(_constraint(base.kind, extra, span, base.polarity == "forbid", qualifiers=list(base.qualifiers)))
    for m in _COORD_TARGET.finditer(r.clause_text(clause)):
        base = doc[clause.start].idx
        span = doc.char_span(base + m.start(), base + m.end(), alignment_mode="expand")
        for target in (m.group(1), m.group(2)):
            concept = f"{target.lower()}-targeted therapy"
            if span is not None and not any(c.concept == concept for c in out):
                negated = any(e._.is_negated for e in clause.ents if e.start >= span.start and e.end <= span.end)
                out.append(_constraint("therapy", concept, span, negated, qualifiers=_qualifiers(doc, span, clause)))


def _administrative(r: _Reading, clause: _Clause, index: int) -> None:
    """A clause with administrative cues and nothing checkable: one not-checkable constraint per cue."""
    out = clause.constraints
    if out or not r.has(clause, "ADMIN"):
        return
    for concept in dict.fromkeys(e.ent_id_ for e in clause.ents if e.label_ == "ADMIN" and not r.in_window(e)):
        negated = any(e._.is_negated for e in clause.ents if e.ent_id_ == concept)
        out.append(_constraint("admin", concept, r.doc[clause.start : clause.end], negated, checkable=False))


# the per-kind builders, in the order they read a clause
BUILDERS = (_measurements, _ages, _judgement, _reproduction, _conditions_and_therapies, _sex, _relations,
            _elided, _administrative)


ALLERGY_CUE = re.compile(
    r"\b(allerg(?:y|ies|ic)|hypersensitiv(?:ity|ities|e)|intoleran(?:ce|ces|t)|sensitivity|anaphyla\w*|"
    r"(?:(?:severe|serious|life-threatening|allergic|adverse)\s+)+reactions?)\s+(?:reactions?\s+)?(?:to|of|with|against|towards?)\b"
    r"|\b(?:can ?not|cannot|unable to|inability to|not able to|could not|can't)\s+(?:use|take|tolerate|receive|be treated with|be given)\b", re.I)
INCAPACITY = re.compile(r"\b(?:can ?not|cannot|unable to|inability to|not able to|could not|can't)\b", re.I)
ALLERGY_IDS = {"allergy", "drug allergy"}


def _allergens(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """ "Hypersensitivity to pembrolizumab or its excipients": an allergy to each therapy
    named after the cue, not an exposure to it; the cue itself is no condition."""
    if not any(c.kind in ("therapy", "allergy") for c in out):
        return  # nothing a cue could bear on
    text = doc_text(doc)
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    cues = list(ALLERGY_CUE.finditer(text, lo, hi))
    if not cues:
        return
    first = cues[0].end()
    for i, c in enumerate(out):
        if c.kind == "therapy" and c.start >= first:
            # "Can not use heparin" says the patient cannot take it: the negation is the cue's, not a denial
            # (any such cue before the drug: "Are allergic to or are unable to take RTV or SQV")
            incapacity = any(INCAPACITY.match(m.group(0)) for m in cues if m.end() <= c.start)
            polarity = "require" if incapacity else c.polarity
            out[i] = Constraint("allergy", polarity, c.concept, qualifiers=c.qualifiers, exceptions=c.exceptions,
                                text=c.text, start=c.start, end=c.end)
    if any(c.kind == "allergy" for c in out):
        # ("History of type I hypersensitivity, exfoliative rash, ... or other life-threatening reaction to any of
        # the study drugs": the hypersensitivity listed before the cue is to the same drugs)
        out[:] = [c for c in out if not (c.kind == "condition" and c.concept in ALLERGY_IDS
                                         and (c.start < first or any(m.start() <= c.start < m.end() for m in cues)))]
        _relation(doc, [(m.start(), m.end()) for m in cues])


def _negated_at(doc: Doc, clause: _Clause, start: int, reach: int = 8) -> bool:
    """A negation cue before character ``start`` in the clause, close enough to reach it."""
    lo = doc[clause.start].idx
    # a sign ("ER-, PR-") is a result of the name it is written against, never a negation of what follows
    return any(cue.label_ == "NEGATED" and cue.text[:1].isalnum() and lo <= cue.start_char and cue.end_char <= start
               and len(doc_text(doc)[cue.end_char:start].split()) <= reach and "(" not in doc_text(doc)[cue.end_char:start]
               for cue in doc.spans.get("cues", []))


def _cancer_details(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """Stage, biomarker and prior-line counts (matcher.nlp.oncology) as constraints of their own."""
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    text = doc_text(doc)[lo:hi]

    def made(kind: str, concept: str, start: int, end: int, **kw) -> Constraint:
        return Constraint(kind, "forbid" if _negated_at(doc, clause, lo + start) else "require", concept,
                          text=text[start:end], start=lo + start, end=lo + end, **kw)

    for count in read_counts(text):
        out.append(made("count", "prior lines of therapy", count.start, count.end, comparator=count.comparator,
                        value=float(count.value), value_max=float(count.value_max) if count.value_max is not None else None))
        # "2 prior lines of systemic therapy": the therapy is what is counted, not a requirement of its own
        counted = [c for c in out if c.kind == "therapy" and lo + count.start <= c.start
                   and (c.start < lo + count.end or re.fullmatch(r"\s*(?:of|with)\s+(?:[\w-]+\s+){0,2}", doc_text(doc)[lo + count.end : c.start]))]
        out[:] = [c for c in out if c not in counted]
        if counted:
            out[-1].end = max(c.end for c in counted)
            out[-1].text = doc_text(doc)[out[-1].start : out[-1].end]
    for stages, start, end in read_stage_bounds(text):
        out.append(made("stage", "/".join(stages), start, end))
    # "M0" rules out distant metastases, "M1" is them: written alone or in a TNM group
    for m in re.finditer(r"(?<![A-Za-z0-9])[cp]?M([01])(?![A-Za-z0-9])|(?<=N[0-3x])[cp]?M([01])(?![A-Za-z0-9])", text):
        metastatic = (m.group(1) or m.group(2)) == "1"
        if not any(c.kind == "condition" and c.concept == "metastatic disease" for c in out):
            c = made("condition", "metastatic disease", m.start(), m.end())
            c.polarity = "require" if metastatic else "forbid"
            out.append(c)
    for marker in read_biomarkers(text):
        if marker.status == "equivocal":
            continue
        out.append(made("biomarker", marker.name, marker.start, marker.end, qualifiers=[marker.status]))


def _pressures(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """ "Blood pressure less than 160/90", "> 150/100 mm Hg": a bound on systolic and on diastolic pressure."""
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    for p in read_pressures(doc_text(doc)[lo:hi]):
        if p.comparator is None:
            continue
        # a bound is crossed when either pressure crosses it: "> 150/100" is one or the other
        negated = _negated_at(doc, clause, lo + p.start, reach=4)
        for concept, value in (("systolic blood pressure", p.systolic), ("diastolic blood pressure", p.diastolic)):
            out.append(Constraint("measurement", "forbid" if negated else "require", concept, comparator=p.comparator,
                                  value=value, unit="mmHg", text=doc_text(doc)[lo + p.start : lo + p.end],
                                  start=lo + p.start, end=lo + p.end))
        out[:] = [c for c in out if not (c.kind == "measurement" and c.concept in ("systolic blood pressure", "diastolic blood pressure")
                                         and c.start < lo + p.start and c.end > lo + p.start)]
        _relation(doc, [(lo + p.start, lo + p.end)])


def _class_scores(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """ "NYHA class III or IV heart disease", "ASA I, II", "Child-Pugh class B or C": the class as a score;
    the disease it grades is the score's subject, not a constraint of its own."""
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    for b in read_classes(doc_text(doc)[lo:hi]):
        start, end = lo + b.start, lo + b.end
        negated = _negated_at(doc, clause, start, reach=4)
        out[:] = [c for c in out if not (c.kind == "measurement" and c.concept == b.concept and start <= c.start < end + 5)]
        graded = [c for c in out if c.kind == "condition" and (0 <= c.start - end <= 3 or (
            0 <= start - c.end <= 4 and doc_text(doc)[c.end:start].strip() in ("", "(")))]
        if negated or doc.user_data.get("section") == "exclusion":
            # "No class III-IV heart disease" rules out the severe forms only, not the disease
            out[:] = [c for c in out if c not in graded]
        out.append(Constraint("measurement", "forbid" if negated else "require", b.concept,
                              comparator=b.comparator, value=b.value, value_max=b.value_max, unit="points",
                              text=doc_text(doc)[start:end], start=start, end=end))
        _relation(doc, [(start, end)] + [(c.start, c.end) for c in graded])


def _apply_scopes(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """Give each constraint the sub-group it is limited to ("For females: ...", "(arm II)");
    what names the sub-group ("in patients under 12 years", "for patients with diabetes") is
    not a requirement of its own."""
    scopes = read_scopes(doc_text(doc))
    heads = sorted(s.start for s in scopes if s.target == "after")
    for scope in scopes:
        inside = [c for c in constraints if scope.start <= c.start < scope.end]
        scope.conditions = list(dict.fromkeys([c.concept for c in inside if c.kind == "condition"] + [
            e.ent_id_ for e in doc.ents if e.label_ == "CONDITION" and scope.start <= e.start_char < scope.end]))
        if scope.condition_text and not scope.conditions and not (scope.sex or scope.group or scope.age_min or scope.age_max):
            continue  # "for patients with creatinine above normal": a group we cannot read
        constraints = [c for c in constraints if c not in inside]
        if scope.target == "after":  # up to the next group's heading ("SCLC patients: ... Breast cancer patients: ...")
            until = next((h for h in heads if h > scope.start), len(doc_text(doc)) + 1)
            targets = [c for c in constraints if scope.end <= c.start < until]
        else:
            item = max([0] + [m.end() for m in re.finditer(r";|\.\s", doc_text(doc)[: scope.start])])
            targets = [c for c in constraints if item <= c.start < scope.start]
        for c in targets:
            if c.applies_to is None or c.kind in ("pregnancy", "lactation", "contraception"):
                c.applies_to = scope.words if c.applies_to is None else c.applies_to
                c.scope = scope.to_dict()
        _relation(doc, [(scope.start, scope.end)])
    return constraints


def _doses(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """A dose bound beside a therapy ("prednisone > 5 mg per day", "> 10 mg daily prednisone"):
    the therapy is forbidden or required only above (or below) that dose."""
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    for d in read_doses(doc_text(doc)[lo:hi], assume_daily=True):
        if not d.comparator:
            continue
        start, end = lo + d.start, lo + d.end

        def gap(c: Constraint) -> int:
            if 0 <= start - c.end <= 15:  # "Prednisone > 5 mg per day"
                return start - c.end
            if 0 <= c.start - end <= 20 and re.fullmatch(r"[\s(]*(?:of\s+)?(?:oral\s+)?", doc_text(doc)[end : c.start]):
                return c.start - end  # "above 4 mg/day of dexamethasone", "> 10 mg daily prednisone"
            return 10_000
        therapies = [c for c in out if c.kind == "therapy" and not c.comparator and gap(c) < 10_000]
        if therapies:
            c = min(therapies, key=gap)
            c.comparator, c.value, c.unit = d.comparator, d.mg_per_day, "mg/day"
            _relation(doc, [(start, end)])
            # "Systemic corticosteroids (> 10 mg daily prednisone or equivalent)": the class takes the dose
            for x in out:
                if x.kind == "therapy" and not x.comparator and x.end <= c.start and therapy_covers(x.concept, c.concept) \
                        and re.fullmatch(r"[\s\w]{0,20}\((?:[^()]*)", doc_text(doc)[x.end : c.start]):
                    x.comparator, x.value, x.unit = c.comparator, c.value, c.unit


def _relation(doc: Doc, ranges: list[tuple[int, int]]) -> None:
    """Record words read as a relation between constraints (coverage counts them as read)."""
    spans = list(doc.spans.get("relations", []))
    for start, end in ranges:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["relations"] = spans


_WITH_OR_WITHOUT = re.compile(r"\bwith\s+or\s+without\b|\bwhether\s+or\s+not\b|\bregardless\s+of\b", re.I)


def _permitted_alternatives(doc: Doc, clause: _Clause, out: list[Constraint]) -> None:
    """ "with or without an anti-PD-(L)1 antibody": what follows is allowed either way, not a constraint."""
    lo, hi = doc[clause.start].idx, doc[clause.end - 1].idx + len(doc[clause.end - 1])
    for m in _WITH_OR_WITHOUT.finditer(doc_text(doc), lo, hi):
        stop = re.compile(r"[;.]|,\s+(?!or\b|and\b)").search(doc_text(doc), m.end(), hi)
        end = stop.start() if stop else hi
        out[:] = [c for c in out if not (c.kind in ("therapy", "condition") and m.end() <= c.start < end)]
        _relation(doc, [(m.start(), end)])


# an item that opens with a negation rules out what it names, whatever the cue's scope
# ("No patients who received blood transfusion within a month"); under an exclusion
# heading too, where "No SLE" restates the exclusion (old NCI style)
_NO_ITEM = re.compile(r"^\s*(?:[A-Za-z /&-]{2,40}:\s*)?(?:(?:the\s+)?(?:patients?|subjects?|participants?|volunteers?|"
                      r"women|females?|men|males?|she|he|they)\s+(?=(?:must|should|may|will|can|are|is|do|does)\s*n)|"
                      r"(?=non-?(?:pregnant|lactating|nursing|breast-?feeding)))?"
                      r"(?:no|not|none|never|without|absence of|free of|must not|should not|cannot|can not|may not|will not|"
                      r"are not|is not|do not|does not|non-?(?=pregnant|lactating|nursing|breast-?feeding))\b"
                      r"(?!\s+(?:more|less|greater|fewer|longer|later|sooner|higher|lower)\s+than)", re.I)


def _no_item(doc: Doc, clauses: list[_Clause], constraints: list[Constraint]) -> None:
    if not clauses or not _NO_ITEM.match(doc_text(doc)):
        return
    first = clauses[0]
    end = doc[first.end - 1].idx + len(doc[first.end - 1])
    for c in constraints:
        if c.kind in ("condition", "therapy", "allergy", "biomarker", "pregnancy", "lactation") and c.start < end:
            c.polarity = "forbid"
        elif c.kind == "measurement" and c.start < end and not re.search(r"\band\b", doc_text(doc)[: c.start], re.I):
            # "No patients with an ECOG greater than 2": the bound is ruled out; but in "No evidence of
            # renal insufficiency and a creatinine <= 2.5 mg/dL" the "No" ends before the bound
            c.polarity = "forbid"
            if _in_parentheses(doc_text(doc), c.start) and any(x.kind == "condition" and x.start < c.start for x in constraints):
                # "No coagulopathy (platelets < 80,000)" defines what is ruled out, but "No coagulopathy
                # (defined as PT <= 1.5 x ULN or platelets >= 100,000)" defines its absence: asked, not judged
                c.qualifiers.append(DEFINITION)


def _in_parentheses(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a parenthesis (or after "i.e."/"defined as" in the same item)."""
    before = text[:pos]
    return before.rfind("(") > before.rfind(")") or bool(re.search(r"\b(?:i\.\s?e\.|defined as|as defined by)[^;]*$", before, re.I))


def reproductive_terms(labels: set[str]) -> bool:
    return any(label in labels for label in ("PREGNANCY", "LACTATION", "CONTRACEPTION"))


def _names_another(doc: Doc, ent: Span, clause: _Clause) -> bool:
    """True for "infection of/with X" and "X or Y infection" phrasing, where X is itself a condition."""
    following = doc[ent.end : min(ent.end + 2, clause.end)]
    if following and following[0].lower_ in ("of", "with", "by", "due"):
        return any(e.label_ == "CONDITION" and ent.end < e.start <= ent.end + 3 for e in clause.ents)
    for e in clause.ents:
        if e.label_ == "CONDITION" and e.end <= ent.start and ent.start - e.end <= 2:
            gap = doc[e.end : ent.start]
            if all(t.lower_ in ("or", "and", "/", "-") or (len(t.text) == 1 and t.is_alpha) for t in gap):
                return True  # "hepatitis B infection", "hepatitis B or C infection"
    return False


_DISEASE_SUFFIXES = ("itis", "osis", "opathy", "oma", "emia", "aemia", "algia", "plasia", "ectomy")


def _therapy_narrowed(doc: Doc, ent: Span) -> Span | None:
    """The treatment a treatment's name says the kind of, written right after it with nothing
    between ("antiretroviral protease inhibitor", "anthracycline chemotherapy", "the NNRTI
    nevirapine"); not a list whose commas were lost ("Valproic acid Erythromycin Phenytoin
    Verapamil": names in capitals, one after another)."""
    if ent.end >= len(doc) or not doc[ent.end - 1].whitespace_ or doc[ent.end].ent_iob_ != "B":
        return None
    head = next((e for e in doc.ents if e.start == ent.end), None)
    if head is None or head.label_ != "THERAPY" or (ent.text[:1].isupper() and head.text[:1].isupper()):
        return None
    return head


def _modifies_another(doc: Doc, ent: Span) -> bool:
    """The entity is an adjective of a disease the lexicon does not know ("lupus cerebritis")."""
    if ent.end >= len(doc):
        return False
    nxt = doc[ent.end]
    return nxt.is_alpha and not nxt.ent_type_ and nxt.lower_.endswith(_DISEASE_SUFFIXES)


_WOMEN_PERMITTED = re.compile(r"\b(?:allowed|permitted|(?:are|is|will\s+(?:also\s+)?be|may\s+be|can\s+be)\s+(?:eligible|included|enrolled)|"
                              r"may\s+(?:be\s+)?(?:enrolled|included|participate|enroll)|(?:are|is)\s+not\s+excluded)\b", re.I)
_MUST_PART = re.compile(r"(?:,\s*|\s)(?:and|but)\s+(?:must|should|are\s+required|is\s+required)\b", re.I)


def _permissions(clause_text: str, out: list[Constraint], permitted: list[str], offset: int = 0) -> set[int]:
    """ "Prior radiotherapy allowed" permits, it does not require: such therapies and
    conditions are dropped, the conditions added to ``permitted``. "Excluded:
    zidovudine" or "... not allowed" forbids in any section: the ids of those
    constraints are returned. ``offset`` is where the clause starts in its criterion."""
    kinds = ("therapy", "condition")
    if PROHIBITED.search(clause_text):
        # ("Pregnant women will not be allowed" among inclusions forbids pregnancy, as it forbids a drug)
        return {id(c) for c in out if c.kind in kinds + ("pregnancy", "lactation")}
    may = MAY_HAVE_HAD.search(clause_text)
    must = _MUST_PART.search(clause_text, may.end()) if may else None
    if must is not None and not re.search(r"\b(?:required|must)\b", clause_text[: may.start()], re.I):
        # "may have had no more than 6 months of hormonal therapy ..., and must have been off all hormones
        # for at least 12 months": what the first part names is permitted, the second part still holds
        # (a heading before it, "Previous Hormonal Therapy or Other Treatments: Patients may have had ...", names
        # the topic the permission is about)
        head = clause_text.rfind(":", 0, may.start())
        lo, hi = offset + (0 if head >= 0 else may.start()), offset + must.start()
        allowed = [c for c in out if c.kind in kinds and lo <= c.start < hi]
        permitted += [c.concept for c in allowed if c.kind == "condition" and c.concept not in permitted]
        out[:] = [c for c in out if c not in allowed]
        return set()
    if allows(clause_text) and not _NO_ITEM.match(clause_text):
        permitted += [c.concept for c in out if c.kind == "condition" and c.concept not in permitted]
        out[:] = [c for c in out if c.kind not in kinds]  # but "No patients with X will be included" forbids X
    if _WOMEN_PERMITTED.search(clause_text) and not REQUIRED.search(clause_text) \
            and not _NO_ITEM.match(clause_text) and not re.match(r"\W*(?:\w+:\s*)?(?:no|not|none)\b", clause_text, re.I):
        # "Pregnant or nursing women allowed", "Pregnant women may be enrolled": permits both, requires neither
        # (not "Men and nonpregnant women ... were included", which still forbids a pregnancy)
        out[:] = [c for c in out if not (c.kind in ("pregnancy", "lactation") and c.polarity == "require")]
    return set()




# a pregnancy test's requirement right after it: "... pregnancy test will be required", "... pregnancy test is mandatory"
_REQUIRED_TEST = re.compile(r"[^.;:]{0,30}?\b(?:(?:will|shall|must)\s+be\s+|is\s+|are\s+)?(?:required|mandatory|needed|obligatory)\b", re.I)


def orient(constraints: list[Constraint], section: str, absolute: set[int] = frozenset(),
           stated: set[int] = frozenset()) -> list[Constraint]:
    """Exclusion criteria forbid what they state (and require what they negate);
    constraints in ``absolute`` ("Excluded: X") forbid in any section, and those
    in ``stated`` (a bound with "must") mean what they say in any section."""
    for c in constraints:
        if id(c) in absolute:
            c.polarity = "forbid"
        elif section == "exclusion" and id(c) not in stated:
            c.polarity = "require" if c.polarity == "forbid" else "forbid"
    return constraints


_TREATMENT_WORD = re.compile(r"^(therap(y|ies)|treatments?|surgery|surgeries|resection|regimens?|interventions?)$", re.I)


_TREATMENT_NOUN = re.compile(r"^(?:chemotherapy|medications?|medicines?|drugs?|therap(?:y|ies)|treatments?|regimens?|"
                             r"vaccines?|vaccination)$", re.I)


# what may stand between a treatment's "for" and the disease it treats ("therapy for any malignancy",
# "chemotherapy for the currently diagnosed breast cancer")
_INDICATION_GAP = frozenset({"for", "of", "against", "the", "a", "an", "their", "his", "her", "this", "its", "any", "other",
                             "another", "prior", "previous", "earlier", "current", "currently", "diagnosed", "known",
                             # "chemotherapy for this or any other malignancy", "for the same or another cancer"
                             "or", "and", "same",
                             # "kinase inhibitor for recurrent or metastatic disease": the disease's course and extent
                             "recurrent", "relapsed", "refractory", "advanced", "progressive", "persistent", "locally",
                             "metastatic", "early", "late", "newly", "stage", "unresectable", "inoperable"})


_FOR_DISEASE = re.compile(
    r"\b(?:medications?|medicines?|drugs?|agents?|therap(?:y|ies)|treatments?)\s+(?:that|which)?\s*(?:acts?|are\s+active|is\s+active|"
    r"works?|(?:are|is)\s+used|used|given|prescribed)\s+(?:against|for|to\s+treat|to\s+prevent)(?:\s+(?:the|any))?\s*$", re.I)


_CIRCUMSTANCE = re.compile(r"(?:\bon|\bdespite|\bwhile\s+(?:on|taking|receiving)|\bin\s+spite\s+of|\bregardless\s+of)\s*"
                           r"(?:(?:the|an?|their|his|her|maximal|maximum|optimal|adequate|stable|standard)\s+)*$", re.I)
_TIMED_BY = re.compile(r"(?:\bprior\s+to|\bbefore|\bafter|\bfollowing|\bpre-?|\bat\s+(?:the\s+)?time\s+of|\bby\s+the\s+time\s+of|"
                       r"\buntil|\bat)\s*(?:the\s+|any\s+|a\s+|their\s+|his\s+|her\s+)?$", re.I)


# what a finding was caused by: "neuropathy of grade III or greater from prior chemotherapy", "pneumonitis due to
# radiation", "toxicity related to prior therapy" (the treatment says which finding, it is not ruled out itself)
_CAUSED_BY = re.compile(r"(?:\bfrom|\bdue\s+to|\bcaused\s+by|(?<!chemically\s)(?<!structurally\s)\brelated\s+to|"
                        r"\bsecondary\s+to|\binduced\s+by|\battribut(?:ed|able)\s+to|\bas\s+a\s+(?:result|consequence)\s+of|\bresulting\s+from)"
                        r"(?:\s+(?:the|an?|any|their|his|her|prior|previous|earlier|recent|past))*\s*$", re.I)


_REACTION = re.compile(r"allerg|hypersensitiv|anaphyla|intoleran|\breactions?\b", re.I)


_LIST_JOIN = frozenset({",", "or", "and", "and/or", "/", "either"})


def _is_indication(doc: Doc, ent: Span, clause: _Clause) -> bool:
    """The disease a treatment is for ("chemotherapy for NSCLC", "prior therapy for the brain tumor",
    "anthracycline or taxane therapy for any malignancy")."""
    gap = [t for t in doc[max(clause.start, ent.start - 6) : ent.start]]
    for i, t in enumerate(gap):
        if _TREATMENT_WORD.match(t.text) and i + 1 < len(gap) and gap[i + 1].lower_ in ("for", "of", "against") and all(
                x.lower_ in _INDICATION_GAP for x in gap[i + 1 :]):
            return True
    for e in clause.ents:
        if e.label_ == "THERAPY" and e.end <= ent.start and ent.start - e.end <= 6:
            gap = [t.lower_ for t in doc[e.end : ent.start]]
            if gap and gap[0] in ("for", "of", "against") and all(t in _INDICATION_GAP for t in gap):
                return True
    # "medications that act against MAC", "drugs used to treat HIV": the disease is what they are for
    before = span_text(doc, max(clause.start, ent.start - 8), ent.start)
    if _FOR_DISEASE.search(before):
        return True
    # the disease naming a treatment: "cancer chemotherapy", "HIV medications", "asthma medication"
    following = doc[ent.end : min(ent.end + 2, clause.end)]
    if any(e.label_ == "THERAPY" and e.start == ent.end for e in clause.ents):
        return True
    return bool(following) and bool(_TREATMENT_NOUN.match(following[0].text))


def _ellipses(doc: Doc, clause: _Clause):
    """Concepts written with a shared word left out: (concept, span, model constraint)."""
    from .lexicon import lookup

    made = {c.concept: c for c in clause.constraints}
    ents = [e for e in clause.ents if e.ent_id_ in made and e.label_ in ("CONDITION", "THERAPY")]
    for e in ents:
        base = made[e.ent_id_]
        words = e.text.split()
        # right: "hepatitis B or C" -> "hepatitis C"
        tail = doc[e.end : min(e.end + 2, clause.end)]
        if len(tail) == 2 and tail[0].lower_ in ("or", "and", "/") and len(words) > 1 and not tail[1].ent_type_:
            found = lookup(" ".join(words[:-1] + [tail[1].text]))
            if found and found[0] == e.label_:
                yield found[1], doc[e.start : tail.end], base
        # left: "alcohol or substance abuse" -> "alcohol abuse"
        head = doc[max(clause.start, e.start - 2) : e.start]
        if len(head) == 2 and head[1].lower_ in ("or", "and", "/") and len(words) > 1 and not head[0].ent_type_ and head[0].is_alpha:
            found = lookup(" ".join([head[0].text] + words[1:]))
            if found and found[0] == e.label_:
                yield found[1], doc[head.start : e.end], base


# what may stand between two names of one thing said as alternatives or restated in brackets
_RESTATING_GAP = re.compile(r"\s*(?:,|/|\(|\[|(?:,\s*)?(?:or|and/or))?\s*")


def _dedupe(doc: Doc, constraints: list[Constraint]) -> list[Constraint]:
    """One constraint per (kind, polarity, concept, bound) in a criterion: "CVA [stroke]" is said twice. A repeat
    right after the same reading, as an alternative or in brackets ("metallic foreign body or metal fragments",
    "lactating (breastfeeding)"), is read by the one kept: its span is noted in ``doc.user_data["restated"]``
    for :func:`matcher.nlp.coverage.unexplained_tokens` (not a repeat further on: "no active bleeding or a
    condition with a high risk of bleeding")."""
    seen: dict[tuple, Constraint] = {}
    last_end: dict[tuple, int] = {}
    for c in constraints:
        key = (c.kind, c.polarity, c.concept, c.comparator, c.value, c.value_max, c.relative_to, c.checkable)
        if key in seen:
            if last_end[key] <= c.start and _RESTATING_GAP.fullmatch(doc_text(doc), last_end[key], c.start):
                doc.user_data.setdefault("restated", []).append((c.start, c.end))
            last_end[key] = max(last_end[key], c.end)
            first = seen[key]
            first.qualifiers += [q for q in c.qualifiers if q not in first.qualifiers]
            first.exceptions += [x for x in c.exceptions if x not in first.exceptions]
            first.window = first.window or c.window
            continue
        seen[key] = c
        last_end[key] = c.end
    return list(seen.values())


def _heading_end(doc: Doc) -> int | None:
    """Token index just after a leading "Label:" heading, if the criterion has one."""
    for i, text in enumerate(token_texts(doc)[:6]):
        if text == ":":
            return i
    return None


def _examples_follow(doc: Doc, colon: int) -> bool:
    return bool(re.match(r"\s*:?\s*(including|includes|such as|e\.g\.|for example|i\.e\.)", doc[colon:].text, re.I))


def _attach_windows(doc: Doc, clause: _Clause, windows: list[Span]) -> None:
    """Give each window to the constraints before it in its clause (else the first after)."""
    mine = [w for w in windows if clause.start <= w.start < clause.end]
    if not mine:
        return
    targets = [c for c in clause.constraints if c.kind in ("condition", "therapy", "measurement", "pregnancy")]
    previous_end = doc[clause.start].idx
    text = doc_text(doc)
    for w in mine:
        window = TimeWindow(days=w._.window["days"], text=w.text, anchor=w._.window["anchor"])
        # "A, or subjects who plan B within 1 year": the window is B's only
        for m in _SUBCLAUSE.finditer(text, previous_end, w.start_char):
            previous_end = max(previous_end, m.end())
        before = [c for c in targets if previous_end <= c.start < w.start_char and c.window is None]
        # a window after ", or" belongs to what follows it, not to what came before
        if before:
            for c in before:
                c.window = window
            # "No chemotherapy within 4 weeks prior to entry (e.g., cisplatin)": examples after the window
            after = [c for c in targets if c.start >= w.end_char and c.window is None]
            if after and _EXAMPLE_OPENING.match(text[w.end_char : after[0].start]):
                for c in after[:1] + _examples_of(after, text):
                    c.window = window
        else:
            after = [c for c in targets if c.start >= w.end_char and c.window is None]
            # "Excluded within 30 days of study entry: antiretroviral agents including zidovudine": a lead-in's window is all of theirs
            # and so is it of a list ("At least 4 weeks since prior chemotherapy, radiotherapy, or surgery", "since
            # dexamethasone or other corticosteroids")
            for c in (after if re.match(r"\s*:", text[w.end_char :]) else _listed(after, text) + _examples_of(after, text)):
                c.window = window
        previous_end = w.end_char
        if re.match(r"(at\s+least|more\s+than|greater\s+than|over|[≥>])", w.text, re.I) \
                and not _NO_MORE_THAN.search(text, max(0, w.start_char - 8), w.start_char) and (
                re.search(r"\bsince\b", w.text, re.I) or _STOPPED_BEFORE.search(text, max(0, w.start_char - 60), w.start_char)):
            # "At least 4 weeks since prior chemotherapy", "Prior chemotherapy must have been stopped at least 4 weeks
            # prior to enrollment": a washout, none within the window; the "no" of "since prior and no concurrent
            # chemotherapy" says the same of the present, it does not undo it
            for c in targets:
                if c.window is window:
                    c.polarity = "forbid"


_STOPPED_BEFORE = re.compile(r"\b(?:stopped|discontinued|completed|ended|finished|ceased|withdrawn|washed\s+out|off|"
                             r"last\s+(?:dose|administration|treatment))\b[^.;]{0,20}$", re.I)
_EXAMPLE_OPENING = re.compile(r"\s*[,(\[]?\s*(?:e\.?\s?g\.?|i\.?\s?e\.?|such as|including|like|for example|for instance|especially)"
                              r"\s*[,:]?\s*$", re.I)
_EXAMPLE_JOIN = re.compile(r"\s*(?:,|or|and|and/or|/)\s*(?:or\s+|and\s+)?$", re.I)


_LISTED_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or|and/or)\s+)?|(?:and|or|and/or|/)\s+)(?:any\s+)?(?:other\s+)?(?:prior\s+|previous\s+)?$", re.I)


# "No more than 8 weeks since prior surgery": an upper bound, the surgery must be recent; no washout
_NO_MORE_THAN = re.compile(r"\b(?:no|not)\s+$", re.I)


def _listed(after: list[Constraint], text: str) -> list[Constraint]:
    """The first of ``after`` and the items listed with it ("chemotherapy, radiotherapy, or surgery"), a name in
    brackets after an item included ("rituximab (Rituxan) or ocrelizumab", "filgrastim (G-CSF) or GM-CSF")."""
    out = after[:1]
    for prev, c in zip(after, after[1:]):
        gap = text[prev.end : c.start]
        if c.kind != out[0].kind:
            break
        if _GLOSS_OPENS.fullmatch(gap):
            out.append(c)  # the bracket names again, or more narrowly, what the item before it names
            continue
        if not _LISTED_GAP.fullmatch(_GLOSS_CLOSES.sub("", gap, count=1)):
            break
        out.append(c)
    return out


_GLOSS_OPENS = re.compile(r"\s*[(\[]\s*")
# (the bracket closing after a gloss, or an aside in brackets: "chemotherapy (6 weeks for nitrosoureas) or radiotherapy")
_GLOSS_CLOSES = re.compile(r"^\s*(?:\([^()]*\)|\[[^\[\]]*\]|[)\]])")


def _examples_of(after: list[Constraint], text: str) -> list[Constraint]:
    """The examples that follow the first of ``after``: "At least 4 weeks since prior endocrine
    therapy (including steroids)" times the steroids as it times the endocrine therapy."""
    out: list[Constraint] = []
    for prev, c in zip(after, after[1:]):
        gap = text[prev.end : c.start]
        if not (_EXAMPLE_OPENING.match(gap) or (out and _EXAMPLE_JOIN.match(gap))):
            break
        out.append(c)
    return out


@Language.factory("matcher_constraints")
def make_constraints(nlp: Language, name: str) -> ConstraintBuilder:
    return ConstraintBuilder()
