"""Judge a trial's criteria against a patient, in plain language.

Every constraint gets a verdict from the patient's side — ``pass``,
``fail``, ``unknown`` or ``not_applicable`` — with a one-sentence reason that
quotes what was compared. A criterion combines its constraints; the trial
is ``ineligible`` if any criterion fails, ``eligible`` if every checkable
criterion passes (or does not apply), ``uncertain`` otherwise.

Absence of evidence (what we assume about what the patient never mentions):

- an exclusion about a condition, therapy, pregnancy or breastfeeding the
  patient does not mention is *not triggered* (pass), and the reason says
  so: "You did not mention epilepsy; we assume you do not have it";
- a required condition or therapy that is not mentioned is ``unknown``;
- a lab value or score that is not given is ``unknown`` on both sides
  (inclusion and exclusion), and becomes a question;
- administrative and judgement criteria (consent, investigator opinion) are
  not checkable: they are ``unknown`` but neither count against
  eligibility nor become questions; a patient who states consent passes
  the consent ones;
- a criterion we could not parse into any constraint is ``unknown`` (the
  trial can then be at best ``uncertain``), with no question.

Units are converted to the analyte's canonical unit before comparing; time
windows compare the days since the patient's last exposure with the window.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from .later_steps import later_step, past_event
from .models import Constraint, Criterion, Fact, Patient, Trial
from .permission import allows
from .topics import trial_topics
from .units import analyte_for, format_quantity
from .vocabulary import condition_ancestors, condition_covers, is_infection, pretty, therapy_covers
from .vocabulary import is_broader as _is_broader
from .wording import (
    COMPARATOR_WORDS,
    bound_words,
    days_words,
    display_name,
    miss_words,
    short,
    window_words,
)

PASS, FAIL, UNKNOWN, NA = "pass", "fail", "unknown", "not_applicable"
# qualifiers that make a criterion about the present, so a past condition does not trigger it
# qualifiers that make an exclusion about the past too ("History of stroke", "Prior MI")
PAST_QUALIFIERS = {"history", "prior", "previous", "past", "ever", "known"}
# a condition dated further back than this, and not said to go on, is not taken to be active now
DATED_PAST_DAYS = 365
INFECTION_PAST_DAYS = 28  # an infection dated further back, not said to go on, may be over: a question
# infections that stay until treated: a test of one a month or two ago still says it is there
_CHRONIC_INFECTIONS = ("hepatitis b", "hepatitis c", "hepatitis", "hiv infection", "tuberculosis", "syphilis")


def _acute_infection(concept: str) -> bool:
    return is_infection(concept) and not any(condition_covers(x, concept) for x in _CHRONIC_INFECTIONS)
PRESENT_ONLY = {"active", "current", "uncontrolled", "ongoing", "concurrent", "concomitant", "unstable", "symptomatic"}


@dataclass
class Verdict:
    verdict: str
    reason: str
    question: str | None = None
    checkable: bool = True
    assumed: bool = False  # a pass read from silence ("you did not mention X; we assume ...")


@dataclass
class CriterionJudgement:
    id: str
    section: str
    text: str
    verdict: str
    reason: str
    constraints: list[Constraint] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    checkable: bool = True
    assumed: bool = False  # passes only by assuming what the patient did not mention

    def to_dict(self) -> dict:
        return {
            "assumed": self.assumed,
            "id": self.id,
            "section": self.section,
            "text": self.text,
            "verdict": self.verdict,
            "reason": self.reason,
            "checkable": self.checkable,
            "constraints": [c.to_dict() for c in self.constraints],
        }


@dataclass
class Explanation:
    nct_id: str
    title: str
    eligibility: str
    criteria: list[CriterionJudgement]
    questions: list[str]
    patient: dict = field(default_factory=dict)  # what we understood (matcher.understood), set where it is shown

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, FAIL: 0, UNKNOWN: 0, NA: 0}
        for c in self.criteria:
            out[c.verdict] += 1
        return out

    def to_dict(self) -> dict:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "eligibility": self.eligibility,
            "criteria": [c.to_dict() for c in self.criteria],
            "questions": self.questions,
            "patient": self.patient,
        }


# -- wording -----------------------------------------------------------------------
# The upper limits of normal laboratories report, as fractions of the typical one an analyte lists
# (ALT 40 U/L: 32 to 50; creatinine 1.2 mg/dL: 0.96 to 1.5; INR 1.2: 0.96 to 1.5): a value against "x times
# the ULN" without the patient's own limit is judged only where every such limit gives the same answer.
ULN_SPREAD = (0.8, 1.25)


def _compare(value: float, c: Constraint, scale: float = 1.0) -> bool:
    lo = (c.value or 0) * scale
    comparator = c.comparator or "="
    if comparator == "between":
        return lo <= value <= (c.value_max if c.value_max is not None else lo) * scale
    if comparator == ">=":
        return value >= lo
    if comparator == ">":
        return value > lo
    if comparator == "<=":
        return value <= lo
    if comparator == "<":
        return value < lo
    return comparator == "=" and value == lo


# -- per constraint --------------------------------------------------------------
def judge_constraint(c: Constraint, patient: Patient) -> Verdict:
    if c.scope:
        belongs = in_scope(c.scope, patient)
        if belongs is False:
            return Verdict(NA, f"This applies to {c.applies_to}, not to you.", checkable=c.checkable)
        v = _judge(c, patient)
        if belongs is None and v.verdict == FAIL:
            return Verdict(UNKNOWN, f"{v.reason} This applies only to {c.applies_to}.",
                           f"Does this part of the trial apply to you: “{c.applies_to}”?")
        return v
    return _judge(c, patient)


def in_scope(scope: dict, patient: Patient) -> bool | None:
    """Whether the patient belongs to a criterion's sub-group; None when we cannot tell."""
    answers: list[bool | None] = []
    if scope.get("sex"):
        answers.append(None if patient.sex is None else patient.sex == scope["sex"])
    if scope.get("age_min") is not None or scope.get("age_max") is not None:
        if patient.age is None or patient.age_approx:
            answers.append(None)
        else:
            answers.append((scope.get("age_min") is None or patient.age >= scope["age_min"])
                           and (scope.get("age_max") is None or patient.age <= scope["age_max"]))
    if scope.get("conditions"):
        facts = [f for f in patient.facts if f.kind == "condition" and any(condition_covers(x, f.concept) for x in scope["conditions"])
                 and not f.family and not f.hypothetical]
        has = True if any(not f.negated for f in facts) else False if facts else None
        answers.append(None if has is None else has != bool(scope.get("without")))
    if scope.get("group"):
        answers.append(None)
    if any(a is False for a in answers):
        return False
    if any(a is None for a in answers):
        return None
    return True


def _judge(c: Constraint, patient: Patient) -> Verdict:
    if not c.checkable:
        return _not_checkable(c, patient)
    if c.applies_to and patient.sex == "male" and (
        "women" in c.applies_to or c.kind in ("pregnancy", "lactation", "childbearing_potential")
    ):
        return Verdict(NA, f"This applies to {c.applies_to}, not to you.")
    judge = _JUDGES.get(c.kind)
    if judge is None:
        return Verdict(UNKNOWN, f"We cannot check '{c.text}' automatically.", checkable=False)
    v = judge(c, patient)
    if v.verdict == FAIL and _duration(c) and any(not f.negated for f in _facts(patient, c.kind, c.concept)):
        # "Excluded: zidovudine for > 12 weeks prior to study entry": how long it was taken, which the
        # patient's words ("started on 2nd October", "since 2019") date at one end at best
        verb = "taken" if c.kind == "therapy" else "had"
        return Verdict(UNKNOWN, f"You mentioned {pretty(c.concept)}; this trial's limit is on how long you have {verb} "
                                f"it ({window_words(c)}), which we could not tell.",
                       f"For how long have you {verb} {pretty(c.concept)}? The trial's limit: {window_words(c)}.")
    return v


# a window that is a length of time ("for > 12 weeks prior to study entry"), as nlp.windows marks it
_DURATION = re.compile(r"^\s*for\s", re.I)


def _duration(c: Constraint) -> bool:
    return c.window is not None and bool(_DURATION.match(c.window.text))


def _not_checkable(c: Constraint, patient: Patient) -> Verdict:
    if c.kind == "contraception":
        if patient.sex == "male" and c.applies_to and "women" in c.applies_to:
            return Verdict(NA, f"This applies to {c.applies_to}, not to you.", checkable=False)
        if patient.contraception is False and patient.childbearing_potential is not False and c.polarity == "require":
            # a refusal said outright settles what screening would otherwise discuss
            return Verdict(FAIL, "You said you will not use contraception, which this trial requires"
                                 + (f" of {c.applies_to}." if c.applies_to else "."))
        return Verdict(UNKNOWN, "Agreeing to use contraception is discussed with the study team at screening.", checkable=False)
    if c.concept in ("informed consent", "willingness to comply", "follow-up visits") and patient.consents:
        return Verdict(PASS, "You said you will consent and follow the study plan.", checkable=False)
    if c.concept in ("informed consent", "willingness to comply", "follow-up visits") and patient.consents is False:
        # a refusal said outright settles what the study team would otherwise decide
        return Verdict(FAIL, "You said you will not take part, sign the consent or come to the study visits, "
                             "which this trial requires.")
    return Verdict(UNKNOWN, f"The study team decides this ({c.concept}); no patient detail can settle it.", checkable=False)


def _want(c: Constraint, holds: bool) -> str:
    """Verdict when the stated thing ``holds`` for the patient."""
    if c.polarity == "require":
        return PASS if holds else FAIL
    return FAIL if holds else PASS


def _age(c: Constraint, patient: Patient) -> Verdict:
    if patient.age is None:
        return Verdict(UNKNOWN, f"We don't know your age; the trial asks for age {bound_words(c).replace(' years', '')} years.",
                       "How old are you?")
    if patient.age_approx:
        low, high = patient.age - 5, patient.age + 4
        # the band's ends, and the criterion's own bounds within it: "born 2026" (0, give or take) against
        # "0.75 to 0.75 years" meets neither end of the band but may be the age asked for
        ends = {_compare(age, c) for age in (low, high, *(b for b in (c.value, c.value_max) if b is not None and low <= b <= high))}
        if len(ends) > 1:
            return Verdict(UNKNOWN, f"You gave your age as about {patient.age:g}; the trial asks for age {bound_words(c).replace(' years', '')} years.",
                           "How old are you exactly?")
    holds = _compare(patient.age, c)
    verdict = _want(c, holds)
    bound = bound_words(c)
    if verdict == PASS:
        return Verdict(PASS, f"You are {patient.age:g}, and the trial {'accepts' if c.polarity == 'require' else 'excludes'} ages {bound}.")
    passing = [a for a in patient.other_ages if _want(c, _compare(a, c)) == PASS]
    if passing:
        # "Age/Sex: 29/F ... Not breastfeeding (son is 4 y/o)": the age read may be someone else's
        return Verdict(UNKNOWN, f"We read your age as {patient.age:g}, but your text also gives {passing[0]:g}; the trial "
                                f"{'requires' if c.polarity == 'require' else 'excludes'} ages {bound}.", "How old are you?")
    return Verdict(FAIL, f"You are {patient.age:g}, but the trial {'requires' if c.polarity == 'require' else 'excludes'} ages {bound}.")


def _sex(c: Constraint, patient: Patient) -> Verdict:
    if c.concept == "any":
        return Verdict(PASS, "This criterion accepts both women and men.")
    if patient.sex is None:
        return Verdict(UNKNOWN, f"We don't know your sex; this criterion is for {c.concept} participants.", "Are you female or male?")
    if c.polarity == "forbid" and patient.sex != c.concept:
        return Verdict(NA, f"This is about {c.concept} participants, not you.")
    verdict = _want(c, patient.sex == c.concept)
    return Verdict(verdict, f"You are {patient.sex}; this criterion {'requires' if c.polarity == 'require' else 'excludes'} {c.concept} participants.")


def _flag(c: Constraint, value: bool | None, what: str, question: str) -> Verdict:
    """Pregnancy-like yes/no facts. Unmentioned: an exclusion is assumed not to apply."""
    if value is None:
        if c.polarity == "forbid":
            return Verdict(PASS, f"You did not mention being {what}; we assume you are not.", assumed=True)
        return Verdict(UNKNOWN, f"We don't know whether you are {what}.", question)
    if c.polarity == "forbid":
        if value:
            return Verdict(FAIL, f"You are {what}, which this trial excludes.")
        return Verdict(PASS, f"You are not {what}; this trial excludes {what} participants.")
    if value:
        return Verdict(PASS, f"You are {what}, as this trial requires.")
    return Verdict(FAIL, f"You are not {what}, but this trial requires it.")


def _pregnancy(c: Constraint, patient: Patient) -> Verdict:
    if patient.sex == "male":
        return Verdict(NA, "This is about pregnancy, which does not apply to you.")
    if c.concept == "planned pregnancy":
        return _flag(c, patient.planning_pregnancy, "planning a pregnancy", "Are you planning a pregnancy?")
    return _flag(c, patient.pregnant, "pregnant", "Are you pregnant?")


def _lactation(c: Constraint, patient: Patient) -> Verdict:
    if patient.sex == "male":
        return Verdict(NA, "This is about breastfeeding, which does not apply to you.")
    return _flag(c, patient.breastfeeding, "breastfeeding", "Are you breastfeeding?")


def _childbearing(c: Constraint, patient: Patient) -> Verdict:
    if patient.sex == "male":
        return Verdict(NA, "This concerns women who could become pregnant, which does not apply to you.")
    if patient.childbearing_potential is None:
        return Verdict(UNKNOWN, "We don't know whether you could become pregnant.", "Could you become pregnant (are you of childbearing potential)?")
    can = patient.childbearing_potential
    return Verdict(_want(c, can), ("You could become pregnant" if can else "You cannot become pregnant")
                   + (", which this trial excludes." if c.polarity == "forbid" and can else "."))


def _facts(patient: Patient, kind: str, concept: str) -> list[Fact]:
    covers = condition_covers if kind == "condition" else therapy_covers
    found = [f for f in patient.facts if f.kind == kind and covers(concept, f.concept)]
    if kind == "condition" and not found:
        found = _composite(patient, concept)
    return found


_COMPOSITE = re.compile(r"^(?:(?P<meta>metastatic)|(?P<marker>[a-z0-9-]+)-(?P<status>positive|negative))\s+(?P<base>.+)$")


def _composite(patient: Patient, concept: str) -> list[Fact]:
    """ "metastatic breast cancer" from breast cancer and metastases; "her2-positive breast cancer"
    from breast cancer and a HER2-positive result: the patient's facts, put together."""
    m = _COMPOSITE.match(concept)
    if not m:
        return []
    base = [f for f in patient.facts if f.kind == "condition" and f.asserted and condition_covers(m.group("base"), f.concept)]
    if not base:
        return []
    if m.group("meta"):
        holds = patient.metastatic
    else:
        from .nlp.oncology import NEGATIVE, POSITIVE

        results = [b for b in patient.biomarkers if b["name"].lower() == m.group("marker")]
        wanted = POSITIVE if m.group("status") == "positive" else NEGATIVE
        holds = None if not results else results[-1]["status"] in wanted
    if holds is None:
        return []
    f = base[0]
    return [Fact("condition", concept, negated=not holds, historical=f.historical, text=f.text)]


def _measurement(c: Constraint, patient: Patient) -> Verdict:
    analyte = analyte_for(c.concept)
    name = display_name(c.concept)
    question = (analyte.question if analyte and analyte.question else f"What was your most recent {name} result?")
    facts = [f for f in patient.facts if f.kind == "measurement" and f.concept == c.concept and not f.negated]
    if not facts:
        if c.polarity == "forbid":
            return Verdict(PASS, f"You did not give your {name}; we assume it is not {bound_words(c)}.", assumed=True)
        return Verdict(UNKNOWN, f"We don't know your {name}; it must be {bound_words(c)}.", question)
    fact = ([f for f in facts if not f.historical] or facts)[-1]  # the latest value, not a peak gone by
    fact_in_window = False
    if c.window is not None and c.window.days:
        # "creatinine > 2.5 within 8 weeks prior to leukapheresis": any value dated inside the window counts, a
        # peak as well as the latest ("Serial creatinine: 1.5 (10/09), 2.9 (29/10), 1.6 (22/11)")
        failing = [f for f in facts if f.relative_to is None and not c.relative_to
                   and (_compare(f.value, c) if c.polarity == "forbid" else not _compare(f.value, c))]
        inside = [f for f in failing if f.days_ago is not None and f.days_ago <= c.window.days]
        if inside:
            fact = inside[-1]
            fact_in_window = True
        elif fact not in failing and any(f.historical and f.days_ago is None for f in failing):
            # "creatinine peaked at 3.1 mg/dL on 11/02/2026 (now 1.1)", the date read either way: the peak may be inside
            peak = next(f for f in failing if f.historical and f.days_ago is None)
            return Verdict(UNKNOWN, f"Your {name} was {format_quantity(peak.value, peak.unit)} at some point; the trial "
                                    f"{'excludes a value' if c.polarity == 'forbid' else 'requires a value of'} {bound_words(c)} "
                                    f"{window_words(c)}, and we cannot tell when that was.",
                           f"When was your {name} {format_quantity(peak.value, peak.unit)}?")
    if c.relative_to:
        if fact.relative_to == c.relative_to:
            value, scale, shown = fact.value, 1.0, f"{fact.value:g} times the {'upper' if c.relative_to == 'ULN' else 'lower'} limit of normal"
        elif fact.relative_to is None and fact.uln and c.relative_to == "ULN":
            # "ALT 86 U/L (ULN 40)": the report's own limit
            value, scale, shown = fact.value, fact.uln, format_quantity(fact.value, fact.unit)
        elif fact.relative_to is None and analyte is not None and analyte.uln and c.relative_to == "ULN":
            value, scale, shown = fact.value, analyte.uln, format_quantity(fact.value, fact.unit)
            low, high = (_compare(value, c, analyte.uln * k) for k in ULN_SPREAD)
            if low != high:
                # "ALT 88 U/L (ref <50)" against "ALT below 2 times the upper limit of normal": laboratories' upper
                # limits differ, and this value meets the bound under some and not others
                return Verdict(UNKNOWN, f"Your {name}, {shown}, may or may not be {bound_words(c)}: that depends on your "
                                        f"laboratory's upper limit of normal (commonly {format_quantity(analyte.uln * ULN_SPREAD[0], analyte.canonical_unit)} "
                                        f"to {format_quantity(analyte.uln * ULN_SPREAD[1], analyte.canonical_unit)}).",
                               f"What upper limit of normal does your report give for {name}?")
        else:
            return Verdict(UNKNOWN, f"Your {name} was given, but we cannot compare it with the limit of normal.", question)
        holds = _compare(value, c, scale)
        typical = "" if scale == 1.0 else (
            f" (your report's upper limit of normal, {format_quantity(fact.uln, fact.unit)})" if fact.uln and scale == fact.uln else
            f" (under any common upper limit of normal, {format_quantity(analyte.uln * ULN_SPREAD[0], analyte.canonical_unit)}"
            f" to {format_quantity(analyte.uln * ULN_SPREAD[1], analyte.canonical_unit)})")
    else:
        if fact.relative_to:
            return Verdict(UNKNOWN, f"Your {name} was given relative to normal; the trial gives an absolute limit.", question)
        holds, shown, typical = _compare(fact.value, c), format_quantity(fact.value, fact.unit), ""
    if not holds and PAST_QUALIFIERS & set(c.qualifiers):
        # "a history of CD4 counts under 50" and a CD4 of 160 now: an earlier value may have been
        earlier = [f for f in facts[:-1] if f.relative_to is None and not c.relative_to and _compare(f.value, c)]
        if earlier:
            holds, shown = True, format_quantity(earlier[-1].value, earlier[-1].unit)
        else:
            return Verdict(UNKNOWN, f"Your {name}, {shown}, is not {bound_words(c)}; the criterion is about whether it "
                                    f"ever was{typical}.", f"Has your {name} ever been {bound_words(c)}?")
    if not holds and c.polarity == "require" and c.window is not None and c.window.days and not _duration(c):
        # "Documented evidence of CD4 count <= 50 cells/mm3 in the previous 24 months", a CD4 of 34 in June 2025 and 142
        # now: a value within the window meets the requirement; one that misses it does not refute another
        met = [f for f in facts if f is not fact and f.relative_to is None and not c.relative_to and _compare(f.value, c)]
        dated = [f for f in met if f.days_ago is not None and f.days_ago <= c.window.days]
        if dated and c.window.days >= LOOK_BACK_DAYS:
            holds, shown = True, format_quantity(dated[-1].value, dated[-1].unit) + f" {days_words(dated[-1].days_ago)}"
        elif met or c.window.days >= LOOK_BACK_DAYS:
            return Verdict(UNKNOWN, f"Your {name}, {shown}, is not {bound_words(c)}; the trial asks for a value "
                                    f"{bound_words(c)} {window_words(c)}, which an earlier result may have been.",
                           f"Was your {name} {bound_words(c)} at any time {window_words(c)}?")
    if (not holds if c.polarity == "require" else holds) and c.concept in _CLOTTING_TESTS and _anticoagulated(patient):
        # "PT/PTT/INR <= 1.5 x ULN" and "INR 2.4 on a stable warfarin dose": trials usually let a patient on an
        # anticoagulant through on its intended range ("In-range INR allowed if on therapeutic warfarin")
        return Verdict(UNKNOWN, f"Your {name}, {shown}, is outside this limit, but you take an anticoagulant, "
                                "which raises it; trials often allow that.",
                       f"Does the trial allow your {name} of {shown} while you take an anticoagulant?")
    fails = holds if c.polarity == "forbid" else not holds
    if fails and not fact_in_window and (fact.historical or (c.window is not None and c.window.days and fact.days_ago is not None
                                      and fact.days_ago > c.window.days)):
        # "In August 2026 ... creatinine peaked at 2.7" against "creatinine > 2.5 within 8 weeks": a value gone by,
        # or dated before the criterion's window, says nothing of the value the trial screens on
        when = f" {days_words(fact.days_ago)}" if fact.days_ago is not None else " earlier"
        return Verdict(UNKNOWN, f"Your {name} was {shown}{when}; the trial {'excludes a value' if c.polarity == 'forbid' else 'requires a value of'} "
                                f"{bound_words(c)}{' ' + window_words(c) if c.window else ''}, and we don't know your recent value.", question)
    if c.polarity == "require":
        if holds:
            return Verdict(PASS, f"Your {name}, {shown}, meets the required {bound_words(c)}{typical}.")
        return Verdict(FAIL, f"Your {name}, {shown}, is {miss_words(c)}{typical}.")
    if holds:
        return Verdict(FAIL, f"Your {name}, {shown}, is {bound_words(c)}, which this trial excludes{typical}.")
    return Verdict(PASS, f"Your {name}, {shown}, is not {bound_words(c)}, so this exclusion does not apply{typical}.")


# a window this long on a required value looks back over results ("in the previous 24 months"), not at the screening one
LOOK_BACK_DAYS = 180

# tests an anticoagulant moves on purpose
_CLOTTING_TESTS = frozenset({"inr", "prothrombin time", "aptt"})


def _anticoagulated(patient: Patient) -> bool:
    return any(f.kind == "therapy" and f.asserted and not f.historical and therapy_covers("anticoagulant", f.concept)
               for f in patient.facts)


def _is_test(f: Fact) -> bool:
    """A fact read from a test's result ("HCV RNA undetectable"), not from the illness named."""
    from .patient import TEST_NAME

    return bool(TEST_NAME.search(f.text))


def _describe_fact(f: Fact, concept: str) -> str:
    return pretty(f.concept) if f.concept == concept else f"{pretty(f.concept)} (a kind of {pretty(concept)})"


def _asked_whether(c: Constraint) -> str:
    return f"Do you have {pretty(c.concept)}?" if "history" not in c.qualifiers else f"Have you ever had {pretty(c.concept)}?"


def _unsettled(facts: list[Fact], c: Constraint, what: str, question: str) -> Verdict | None:
    """The question a patient's own mention leaves open when their words do not say whether they have
    it ("HIV: nee", "Tested for HIV, hep B and syphilis, every one of them negative"): neither a pass
    read from silence nor a fail (:mod:`matcher.doubt`). None when no such mention is among ``facts``."""
    f = next((f for f in facts if f.uncertain and not f.family and not f.negated), None)
    if f is None:
        return None
    return Verdict(UNKNOWN, f"You mentioned “{f.text}”, but we could not tell from what you wrote whether {what}.", question)


def _condition(c: Constraint, patient: Patient) -> Verdict:
    facts = _facts(patient, "condition", c.concept)
    excepted = [f for f in facts if any(condition_covers(x, f.concept) for x in c.exceptions)]
    facts = [f for f in facts if f not in excepted]
    own = [f for f in facts if not f.family and not f.hypothetical]
    positive = [f for f in own if not f.negated]
    present_only = bool(PRESENT_ONLY & set(c.qualifiers))
    if positive:
        current = [f for f in positive if not f.historical]
        if present_only and c.polarity == "forbid":
            # "had a stomach ulcer in 1998": dated long ago and not said to go on, it is not known to be active
            # ... and an infection dated over 4 weeks back ("admitted 10/18-10/26 for pneumonia"): treated, most likely
            current = [f for f in current if f.current or f.days_ago is None
                       or f.days_ago <= (INFECTION_PAST_DAYS if _acute_infection(f.concept) else DATED_PAST_DAYS)]
        if present_only and not current:
            f = positive[0]
            return Verdict(UNKNOWN,
                           f"You had {_describe_fact(f, c.concept)} in the past; the criterion is about {' '.join(q for q in c.qualifiers if q in PRESENT_ONLY)} {pretty(c.concept)}.",
                           f"Is your {pretty(f.concept)} {', '.join(q for q in c.qualifiers if q in PRESENT_ONLY)} now?")
        f = (current or positive)[0]
        if c.window:
            return _condition_window(c, positive)
        if "family history" in c.qualifiers:
            return _family(c, patient)
        if not current and _bare_exclusion(c):
            # "Smoking" and an ex-smoker who stopped in 1998: a bare exclusion may mean only the present
            return _past_in_bare_exclusion(c, f"{_describe_fact(f, c.concept)} in the past", f"a past {pretty(c.concept)}")
        denied = next((g for g in patient.facts if g.kind == "condition" and g.negated and not g.family
                       and condition_covers(g.concept, c.concept)), None)
        # "exam anxiety ... No psychiatric dx": a member named in passing, and a class holding it denied outright
        class_denied = denied is not None and denied.concept != f.concept and condition_covers(denied.concept, f.concept)
        if c.polarity == "forbid" and (present_only or class_denied) and denied is not None and f.concept != c.concept:
            # "Afebrile, no active infection" and AIDS in the problem list: the patient's words disagree
            # (a member named outright, "HIV positive" against "HIV infection", is not in doubt)
            return Verdict(UNKNOWN, f"You said you have no {pretty(denied.concept)}, but you mentioned "
                                    f"{_describe_fact(f, c.concept)}.", _asked_whether(c))
        if c.polarity == "forbid" and present_only and denied is not None and _is_test(denied) \
                and not any(_is_test(g) for g in positive):
            # "chronic HCV ... treated; HCV RNA undetectable since then (SVR)": a negative test of the
            # infection leaves open whether the illness named is active now (a positive test says it is)
            return Verdict(UNKNOWN, f"You mentioned {_describe_fact(f, c.concept)}, and a negative {denied.text} "
                                    f"result; the criterion is about {' '.join(q for q in c.qualifiers if q in PRESENT_ONLY)} "
                                    f"{pretty(c.concept)}.", f"Is your {pretty(f.concept)} {', '.join(q for q in c.qualifiers if q in PRESENT_ONLY)} now?")
        if c.polarity == "forbid" and c.exceptions:
            # "malignant tumour, except non-melanoma skin cancer" and a patient's "skin cancer": it may be the kind excepted
            sure = [g for g in (current or positive) if not any(condition_covers(g.concept, x) for x in c.exceptions)]
            if not sure:
                x = next(x for x in c.exceptions if condition_covers(f.concept, x))
                return Verdict(UNKNOWN, f"You have {_describe_fact(f, c.concept)}; this criterion makes an exception for "
                                        f"{pretty(x)}, and we cannot tell whether yours is one.",
                               f"Is your {pretty(f.concept)} {pretty(x)}?")
            f = sure[0]
        if c.polarity == "forbid":
            return Verdict(FAIL, f"You have {_describe_fact(f, c.concept)}, which this trial excludes.")
        return Verdict(PASS, f"You have {_describe_fact(f, c.concept)}, as this trial requires.")
    if "family history" in c.qualifiers:
        return _family(c, patient)
    if excepted and not any(f.negated for f in own):
        f = excepted[0]
        return Verdict(PASS if c.polarity == "forbid" else UNKNOWN,
                       f"You have {pretty(f.concept)}, which this criterion makes an exception for.")
    # (a requirement is denied by a denial of it or of a class holding it, not of one of its kinds: "I never had
    # AIDS" leaves HIV infection open)
    denials = [f for f in own if f.negated and (c.polarity == "forbid" or condition_covers(f.concept, c.concept))]
    if denials:
        f = denials[0]
        if c.polarity == "forbid":
            return Verdict(PASS, f"You said you do not have {pretty(f.concept)}.")
        return Verdict(FAIL, f"You said you do not have {pretty(f.concept)}, which this trial requires.")
    unsettled = _unsettled(facts, c, f"you have {pretty(c.concept)}", _asked_whether(c))
    if unsettled is not None:
        return unsettled
    broader = [f for f in patient.facts if f.kind == "condition" and f.asserted and _is_broader(f.concept, c.concept, "condition")]
    if broader and c.polarity == "require":
        return Verdict(UNKNOWN, f"You mentioned {pretty(broader[0].concept)}; we don't know whether it is {pretty(c.concept)}.", _asked_whether(c))
    if broader:
        return Verdict(PASS, f"You mentioned {pretty(broader[0].concept)} but not {pretty(c.concept)}; we assume you do not have {pretty(c.concept)}.", assumed=True)
    family = [f for f in facts if f.family]
    note = f" A relative's {pretty(c.concept)} does not count." if family else ""
    if c.polarity == "forbid":
        return Verdict(PASS, f"You did not mention {pretty(c.concept)}; we assume you do not have it.{note}", assumed=True)
    return Verdict(UNKNOWN, f"You did not mention {pretty(c.concept)}, which this trial requires.{note}", _asked_whether(c))


def _dosed_therapy(c: Constraint, patient: Patient) -> Verdict:
    """A therapy, above (or below) a daily dose when the criterion gives one ("prednisone > 5 mg per day")."""
    v = _therapy(c, patient)
    if not (c.comparator and c.unit == "mg/day") or v.verdict not in (PASS, FAIL) or v.assumed:
        return v
    facts = [f for f in _facts(patient, "therapy", c.concept) if f.asserted]
    if not facts or (v.verdict == PASS and c.polarity == "forbid"):
        return v
    bound = f"{COMPARATOR_WORDS.get(c.comparator, c.comparator)} {c.value:g} mg a day"
    dosed = [f for f in facts if f.value is not None and f.unit == "mg/day"]
    if not dosed:
        f = facts[0]
        return Verdict(UNKNOWN, f"You take {pretty(f.concept)}; this criterion is about doses {bound}.",
                       f"How many milligrams of {pretty(f.concept)} do you take a day?")
    f = dosed[-1]
    if _compare(f.value, c):
        return v
    return Verdict(_want(c, False), f"Your dose of {pretty(f.concept)}, {f.value:g} mg a day, is not {bound}"
                   + (", so this exclusion does not apply." if c.polarity == "forbid" else ", as this criterion requires."))


def _stage(c: Constraint, patient: Patient) -> Verdict:
    from .nlp.oncology import stage_matches

    allowed = c.concept.split("/")
    shown = " or ".join(allowed)
    if patient.stage is None:
        return Verdict(UNKNOWN, f"We don't know the stage of your cancer; this criterion is about stage {shown}.",
                       "What stage is your cancer?")
    holds = stage_matches(patient.stage, allowed)
    if holds is None:
        return Verdict(UNKNOWN, f"Your cancer is stage {patient.stage}; this criterion is about stage {shown}, and we cannot tell the sub-stage.",
                       "What exact stage is your cancer (for example IIIA or IIIB)?")
    verdict = _want(c, holds)
    if c.polarity == "require":
        return Verdict(verdict, f"Your cancer is stage {patient.stage}; this trial {'accepts' if holds else 'requires'} stage {shown}.")
    return Verdict(verdict, f"Your cancer is stage {patient.stage}; this trial excludes stage {shown}.")


def _biomarker(c: Constraint, patient: Patient) -> Verdict:
    from .nlp.oncology import NEGATIVE, POSITIVE

    wanted = c.qualifiers[0] if c.qualifiers else "positive"
    mine = [b for b in patient.biomarkers if b["name"] == c.concept or (c.concept == "BRCA" and b["name"] in ("BRCA1", "BRCA2"))]
    label = f"{c.concept} {wanted}"
    if not mine or mine[-1]["status"] == "equivocal":
        if c.polarity == "forbid":
            return Verdict(PASS, f"You did not mention being {label}; we assume you are not.", assumed=True)
        return Verdict(UNKNOWN, f"We don't know your {c.concept} status; this criterion is about {label} disease.",
                       f"What is your {c.concept} status?")
    have = mine[-1]
    if wanted in POSITIVE:
        holds = have["status"] in POSITIVE
    elif wanted in NEGATIVE:
        holds = have["status"] in NEGATIVE
    else:
        holds = have["status"] == wanted
    yours = f"{c.concept} {have['status']}" + (f" ({have['detail']})" if have.get("detail") else "")
    verdict = _want(c, holds)
    if c.polarity == "require":
        return Verdict(verdict, f"Your cancer is {yours}; this trial {'accepts' if holds else 'requires'} {label}.")
    return Verdict(verdict, f"Your cancer is {yours}; this trial excludes {label}.")


def _count(c: Constraint, patient: Patient) -> Verdict:
    bound = bound_words(c).replace(" None", "").strip()
    if patient.prior_lines is None:
        return Verdict(UNKNOWN, f"We don't know how many lines of treatment you have had; this criterion asks for {bound}.",
                       "How many lines (regimens) of treatment for your cancer have you had?")
    holds = _compare(patient.prior_lines, c)
    verdict = _want(c, holds)
    n = patient.prior_lines
    return Verdict(verdict, f"You have had {n} line{'s' if n != 1 else ''} of treatment; this trial "
                   + ("accepts" if verdict == PASS and c.polarity == "require" else "requires" if c.polarity == "require" else "excludes")
                   + f" {bound} prior lines.")


def _allergy(c: Constraint, patient: Patient) -> Verdict:
    """An allergy or intolerance to a therapy, judged against the allergies the patient
    states, never against having taken it."""
    mine = [f for f in patient.facts if f.kind == "allergy" and not f.family and not f.hypothetical]
    hit = [f for f in mine if not f.negated and (therapy_covers(c.concept, f.concept) or therapy_covers(f.concept, c.concept))]
    if hit:
        return Verdict(_want(c, True), f"You are allergic to {pretty(hit[0].concept)}; "
                       + ("this trial excludes people allergic to " if c.polarity == "forbid" else "this criterion is about an allergy to ")
                       + f"{pretty(c.concept)}.")
    if any(f.negated and (f.concept == "any" or therapy_covers(f.concept, c.concept)) for f in mine):
        return Verdict(_want(c, False), f"You said you have no allergy to {pretty(c.concept)}.")
    unclear = _unsettled([f for f in patient.facts if f.kind == "allergy"  # "Penicillin allergy: tidak"
                          and (therapy_covers(c.concept, f.concept) or therapy_covers(f.concept, c.concept))],
                         c, f"you are allergic to {pretty(c.concept)}", f"Are you allergic to {pretty(c.concept)}?")
    if unclear is not None:
        return unclear
    if c.polarity == "forbid":
        return Verdict(PASS, f"You did not mention an allergy to {pretty(c.concept)}; we assume you have none.", assumed=True)
    return Verdict(UNKNOWN, f"This criterion is about an allergy to {pretty(c.concept)}.",
                   f"Are you allergic to {pretty(c.concept)}?")


# a least time since ("at least 6 weeks prior", "more than 2 weeks since"); "at least" is met on its last day
_AT_LEAST = re.compile(r"^\s*(?:for\s+(?:a\s+(?:total|period)\s+of\s+)?)?(?:(?P<inclusive>at\s+least|no\s+less\s+than|a\s+minimum\s+of|≥|>=)|more\s+than|greater\s+than|over|>)", re.I)


def _at_least_before(c: Constraint) -> bool:
    """A requirement with a least time since ("thyroidectomy at least 6 weeks prior to enrollment"), not a
    window to fall within. (A washout, "at least 4 weeks since prior chemotherapy", is read as an exclusion
    within the window when the criterion is parsed.)"""
    return c.polarity == "require" and c.window is not None and bool(_AT_LEAST.match(c.window.text))


def _condition_window(c: Constraint, positive: list[Fact]) -> Verdict:
    """A condition within a window ("myocardial infarction within 3 months"): compared by date only."""
    dated = [f for f in positive if f.days_ago is not None]
    window = window_words(c)
    present = [f for f in positive if f.days_ago is None and not f.historical]
    if present and c.polarity == "require":
        # a condition the patient has now holds within any recent window ("viral load within 30 days")
        return Verdict(PASS, f"You have {_describe_fact(present[0], c.concept)}, as this trial requires.")
    if not dated:
        f = positive[0]
        return Verdict(UNKNOWN, f"You mentioned {_describe_fact(f, c.concept)} but not when; the criterion is about {pretty(c.concept)} {window}.",
                       f"When did you have {pretty(f.concept)}?")
    f = min(dated, key=lambda f: f.days_ago)
    when = days_words(f.days_ago)
    if _at_least_before(c):
        # "myocardial infarction at least 6 months before entry" required: long enough ago
        if f.days_ago >= c.window.days:
            return Verdict(PASS, f"You had {_describe_fact(f, c.concept)} {when}, {window}, as required.")
        return Verdict(FAIL, f"You had {_describe_fact(f, c.concept)} {when}; this trial requires it {window}, and that is too recent.")
    inside = f.days_ago <= c.window.days
    verdict = _want(c, inside)
    if inside:
        return Verdict(verdict, f"You had {_describe_fact(f, c.concept)} {when}, {window}"
                       + (" — which this trial excludes." if c.polarity == "forbid" else ", as required."))
    if c.polarity == "require" and not f.historical:
        # "HIV-1 positive since a test 2 years ago" and "... within 45 days": a diagnosis dated before the
        # window may still hold in it; only the date of the diagnosis is known
        return Verdict(UNKNOWN, f"You mentioned {_describe_fact(f, c.concept)} {when}; the criterion is about "
                                f"{pretty(c.concept)} {window}.", f"Do you still have {pretty(f.concept)}?")
    return Verdict(verdict, f"You had {_describe_fact(f, c.concept)} {when}, outside the window ({window}).")


def _family(c: Constraint, patient: Patient) -> Verdict:
    """A criterion about relatives ("first-degree relative with breast cancer"): the patient's own illness does not count."""
    relatives = [f for f in _facts(patient, "condition", c.concept) if f.family and not f.negated]
    if relatives:
        return Verdict(_want(c, True), f"A relative of yours has {pretty(relatives[0].concept)}, "
                       + ("which this trial excludes." if c.polarity == "forbid" else "as this trial requires."))
    if c.polarity == "forbid":
        return Verdict(PASS, f"You did not mention {pretty(c.concept)} in your family; we assume there is none.", assumed=True)
    return Verdict(UNKNOWN, f"This criterion is about {pretty(c.concept)} in your family.",
                   f"Does anyone in your family have {pretty(c.concept)}?")


_ANTICANCER_CLASSES = frozenset({"chemotherapy", "anticancer therapy", "systemic anticancer therapy", "alkylating agent",
                                  "cytotoxic chemotherapy", "antineoplastic therapy", "antimetabolite"})
_OTHER_USES = ("immunosuppressive therapy", "dmard")


def _dual_use(criterion: str, drug: str) -> bool:
    """A drug in a cancer-treatment class that the criterion names only as that class, and that is
    also an immunosuppressant or a DMARD (methotrexate, cyclophosphamide)."""
    return (criterion != drug and criterion in _ANTICANCER_CLASSES and therapy_covers(criterion, drug)
            and any(therapy_covers(other, drug) for other in _OTHER_USES))


def _has_cancer_now(patient: Patient) -> bool:
    return any(f.kind == "condition" and f.asserted and not f.historical and condition_covers("malignancy", f.concept)
               for f in patient.facts)


def _bare_exclusion(c: Constraint) -> bool:
    """An exclusion that says nothing of time ("Smoking", "Treatment with levodopa"): it may mean only
    the present. One with exceptions ("malignancy except cured > 5 years") counts past ones."""
    return c.polarity == "forbid" and not (PAST_QUALIFIERS & set(c.qualifiers)) and not c.exceptions


def _past_in_bare_exclusion(c: Constraint, had: str, what_counts: str) -> Verdict:
    return Verdict(UNKNOWN, f"You had {had}; this exclusion does not say whether {what_counts} counts.",
                   f"Does this exclusion apply to you: “{pretty(c.concept)}”?")


# procedures named only by their class: "No prior surgery" may mean for the disease studied, or any at all
_UNSPECIFIED_PROCEDURES = frozenset({"surgery"})


def _last_taken(f: Fact) -> float | None:
    """Days since a therapy was last taken: none for one still taken, whose date may be when it began
    ("on AZT since April 2026")."""
    return 0.0 if f.current else f.days_ago


def _therapy(c: Constraint, patient: Patient) -> Verdict:
    mentioned = _facts(patient, "therapy", c.concept)
    facts = [f for f in mentioned if not f.family and not f.hypothetical]
    excepted = [f for f in facts if any(therapy_covers(x, f.concept) for x in c.exceptions)]
    facts = [f for f in facts if f not in excepted]
    positive = [f for f in facts if not f.negated]
    window = window_words(c)
    dual = [f for f in positive if _dual_use(c.concept, f.concept)]
    if dual and len(dual) == len(positive) and not _has_cancer_now(patient):
        # "methotrexate 15 mg weekly" for rheumatoid arthritis, cyclophosphamide for lupus nephritis: drugs of
        # cancer chemotherapy also given for other diseases; whether the trial counts them is not known
        f = dual[0]
        return Verdict(UNKNOWN, f"You mentioned {pretty(f.concept)}, which is given as {pretty(c.concept)} for cancer and "
                                "also, often at lower doses, for other diseases; we cannot tell whether this trial counts "
                                "yours.", f"Was your {pretty(f.concept)} given as {pretty(c.concept)} for cancer?")
    positive = [f for f in positive if f not in dual] or positive
    named = {f.text.lower() for f in positive}
    # (or a class the named drug belongs to: "Treatment naive - no surgery, no chemo, no RT to date" and, further
    # on, "Concurrent cisplatin 40 mg/m2 weekly" in a plan)
    denied = next((f for f in facts if f.negated and f.text.lower() in named), None) or next(
        (d for d in patient.facts if d.kind == "therapy" and d.negated and not d.family
         and any(d.concept != f.concept and therapy_covers(d.concept, f.concept) for f in positive)
         # (not a class the patient also says they had: "VIP chemo x4 in 2025 ... until the chemo starts, no contact")
         and not any(g.kind == "therapy" and g.concept == d.concept and g.asserted for g in patient.facts)), None)
    if positive and denied is not None and not c.window \
            and all(f.days_ago is None and not f.current and not f.historical for f in positive):
        # "SCREENINGSLIJST — rituximab + MTX ... Rituximab / MabThera: nooit gehad": named without a time or a
        # use, and the same name denied outright; the patient's words disagree (a dated or current use stands
        # against a denial; "pleural drain in situ ... No Foley" denies another device of the concept)
        return Verdict(UNKNOWN, f"You said you never had {pretty(denied.concept)}, but your text also names "
                                f"{_describe_fact(positive[0], c.concept)}.",
                       f"Have you ever had {pretty(c.concept)}?")
    if positive:
        f = min(positive, key=lambda f: 1e9 if _last_taken(f) is None else _last_taken(f))
        what = _describe_fact(f, c.concept)
        if c.window:
            last = _last_taken(f)
            if last is None:
                return Verdict(UNKNOWN, f"You mentioned {what}, but not when; the trial {'requires' if c.polarity == 'require' else 'excludes'} it {window}.",
                               f"When did you last have {pretty(f.concept)}?")
            when = days_words(last)
            if past_event(c.window.text):
                # "Radiotherapy required within 56 days following segmental mastectomy": the time between two of the
                # patient's events, not the time since one of them
                return Verdict(UNKNOWN, f"You had {what} {when}; this trial {'requires' if c.polarity == 'require' else 'excludes'} "
                                        f"it {window}, counted from an earlier event of yours, which we could not set "
                                        "against it.",
                               f"How long after your {c.window.anchor} was your {pretty(f.concept)}?")
            if _at_least_before(c) and last > 0.5:
                # "thyroidectomy at least 6 weeks prior to enrollment": required, and long enough ago (a drug taken
                # now is use that goes on: "on a stable dose of methotrexate for at least 4 weeks prior to enrollment")
                if last >= c.window.days:
                    return Verdict(PASS, f"You had {what} {when}, {window}, as required.")
                return Verdict(FAIL, f"You had {what} {when}; this trial requires it {window}, and that is too recent.")
            # "At least 2 weeks since prior hormonal therapy": two weeks to the day is enough
            least = _AT_LEAST.match(c.window.text)
            inside = last < c.window.days if c.polarity == "forbid" and least and least.group("inclusive") else last <= c.window.days
            if inside and c.polarity == "forbid" and later_step(c.window.anchor):
                # "within 1 week prior to leukapheresis": counted back from a step still to come; a drug
                # taken now may be stopped in time, unless the patient says it will go on
                going_on = [g for g in positive if g.continues]
                if going_on:
                    return Verdict(FAIL, f"You will keep taking {_describe_fact(going_on[0], c.concept)} up to "
                                         f"{c.window.anchor}, which this trial excludes ({window}).")
                if last <= 0.5:
                    return Verdict(UNKNOWN, f"You are on {what}; this trial excludes it {window}, a step that comes "
                                            "after joining: it depends on when you stop it.",
                                   f"Could you stop {pretty(f.concept)} in time? The trial excludes it {window}.")
                return Verdict(UNKNOWN, f"You had {what} {when}; this trial excludes it {window}, a step that comes "
                                        "after joining: it depends on when that step is.",
                               f"When is your {c.window.anchor}? The trial excludes {pretty(f.concept)} {window}.")
            if inside:
                verdict = _want(c, True)
                tail = "which this trial excludes" if c.polarity == "forbid" else "as required"
                return Verdict(verdict, f"You had {what} {when}, {window} — {tail}." if last > 0.5 else f"You are {when} on {what}, {tail} ({window}).")
            verdict = _want(c, False)
            return Verdict(verdict, f"You had {what} {when}, outside the window ({window}).")
        if PRESENT_ONLY & set(c.qualifiers):
            if f.current or (f.days_ago is not None and f.days_ago <= 7):
                return Verdict(_want(c, True), f"You are currently on {what}, which this trial "
                               + ("excludes." if c.polarity == "forbid" else "requires."))
            if f.days_ago is not None and f.days_ago > 30 and (c.polarity == "forbid" or any(g.historical for g in positive)):
                # (a use that is required fails only when it is said to be over: "METHADONE: 85 mg daily, same dose
                # since 03/2024" is dated by when it began, "UDS past 12 months: ... except methadone" by a test)
                return Verdict(_want(c, False), f"You had {what} {days_words(f.days_ago)}; this criterion is about current use.")
            return Verdict(UNKNOWN, f"You mentioned {what}; this criterion is about current use.",
                           f"Are you currently taking {pretty(f.concept)}?")
        if "planned" in c.qualifiers:
            return Verdict(UNKNOWN, f"You mentioned {what}; this criterion is about a planned {pretty(c.concept)}.", f"Are you scheduled to have {pretty(c.concept)}?")
        if not f.current and (f.historical or (f.days_ago or 0) > 30) and _bare_exclusion(c):
            # "Treatment with levodopa" and a patient who stopped Sinemet in 2022, as for conditions
            return _past_in_bare_exclusion(c, f"{what} {days_words(f.days_ago) if f.days_ago else 'in the past'}", "past use")
        if not f.current and f.historical and c.polarity == "forbid" and not (PAST_QUALIFIERS & set(c.qualifiers)):
            # "Previous chest drain 2018, since removed" against "drainage tubes other than central venous
            # catheters": said to be over, whatever the exclusion's exceptions (a date alone is when a device went in)
            return _past_in_bare_exclusion(c, f"{what} {days_words(f.days_ago) if f.days_ago else 'in the past'}", "past use")
        if c.polarity == "forbid" and c.concept in _UNSPECIFIED_PROCEDURES and set(c.qualifiers) <= {"prior", "history"} \
                and f.concept != c.concept:
            # "Surgery: No prior surgery" (a cancer trial's prior-therapy list) and an appendectomy in 1990: which
            # operations the trial means (for the disease, or any) is not said
            return Verdict(UNKNOWN, f"You have had {what}; this criterion excludes prior {pretty(c.concept)} without "
                                    "saying for what, and we cannot tell whether it means yours.",
                           f"Does this apply to your {pretty(f.concept)}: “no prior {pretty(c.concept)}”?")
        verdict = _want(c, True)
        return Verdict(verdict, f"You have had {what}, which this trial {'excludes' if c.polarity == 'forbid' else 'requires'}.")
    if any(f.negated for f in facts):
        f = next(f for f in facts if f.negated)
        return Verdict(_want(c, False), f"You said you have not had {pretty(f.concept)}.")
    if "planned" in c.qualifiers:
        # "scheduled to have surgery during the trial" and "a total left knee replacement on January 20, 2027": a
        # treatment to come is what the criterion is about; whether it falls in the trial's time is a question
        ahead = [f for f in mentioned if f.hypothetical and not f.negated and not f.family
                 and not any(therapy_covers(x, f.concept) for x in c.exceptions)]
        if ahead:
            return Verdict(UNKNOWN, f"You mentioned {_describe_fact(ahead[0], c.concept)} to come; this trial "
                                    f"{'excludes' if c.polarity == 'forbid' else 'requires'} a planned {pretty(c.concept)}"
                                    f"{' ' + window if window else ''}.",
                           f"When is your {pretty(ahead[0].concept)} planned?")
    unsettled = _unsettled(mentioned, c, f"you have had {pretty(c.concept)}",
                           f"Have you had {pretty(c.concept)}?")
    if unsettled is not None:
        return unsettled
    broader = [f for f in patient.facts if f.kind == "therapy" and f.asserted and _is_broader(f.concept, c.concept, "therapy")]
    if broader:
        return Verdict(UNKNOWN, f"You mentioned {pretty(broader[0].concept)}; we don't know whether it included {pretty(c.concept)}.",
                       f"Have you had {pretty(c.concept)}{' ' + window if window else ''}?")
    graded = _graded_kind(c, patient)
    if graded is not None:
        return graded
    if c.polarity == "forbid":
        return Verdict(PASS, f"You did not mention {pretty(c.concept)}{' ' + window if window else ''}; we assume you have not had it.", assumed=True)
    return Verdict(UNKNOWN, f"You did not mention {pretty(c.concept)}, which this trial requires.", f"Have you had {pretty(c.concept)}?")


# a degree of a class, which a named member of the class may or may not be: a mastectomy is surgery,
# major or not as the study team judges
_GRADED = {"major surgery": "surgery", "minor surgery": "surgery"}


def _graded_kind(c: Constraint, patient: Patient) -> Verdict | None:
    """"Major surgery within 4 weeks" and "I had a mastectomy 2 weeks ago": an operation of the class the
    criterion grades, in its window (or undated), is a question; one outside the window passes."""
    parent = _GRADED.get(c.concept)
    if parent is None:
        return None
    named = [f for f in patient.facts if f.kind == "therapy" and f.asserted and f.concept != parent
             and therapy_covers(parent, f.concept)]
    dated = [(f, _last_taken(f)) for f in named]
    if c.window:
        dated = [(f, last) for f, last in dated if last is None or last <= c.window.days]  # (outside it: not the question)
    if not dated:
        return None
    f, last = dated[0]
    window = f" {c.window.text}" if c.window else ""
    return Verdict(UNKNOWN, f"You had {pretty(f.concept)}{' ' + days_words(last) if last is not None else ''}; "
                            f"the trial {'excludes' if c.polarity == 'forbid' else 'requires'} {pretty(c.concept)}{window}, "
                            f"and whether yours counts as {c.concept.split()[0]} is for the study team.",
                   f"Was your {pretty(f.concept)} {c.concept}{window}?")


# how each kind of checkable constraint is judged
_JUDGES = {
    "age": _age,
    "sex": _sex,
    "pregnancy": _pregnancy,
    "lactation": _lactation,
    "childbearing_potential": _childbearing,
    "measurement": _measurement,
    "condition": _condition,
    "therapy": _dosed_therapy,
    "allergy": _allergy,
    "stage": _stage,
    "biomarker": _biomarker,
    "count": _count,
}


# -- per criterion and trial -------------------------------------------------------
def _combine(section: str, constraints: list[Constraint], verdicts: list[Verdict], text: str = "") -> tuple[str, str]:
    """A criterion's verdict: exclusion — any fail fails; inclusion — required
    conditions/therapies listed together are alternatives, so are bounds joined
    by "or" ("creatinine <= 1.5 mg/dL or creatinine clearance >= 60 mL/min"),
    and the rest must all hold."""
    checkable = [(c, v) for c, v in zip(constraints, verdicts) if v.checkable]
    if not checkable:
        v = verdicts[0]
        return v.verdict, v.reason
    groups: list[list[tuple[Constraint, Verdict]]] = []
    alternatives = [(c, v) for c, v in checkable if section == "inclusion" and c.polarity == "require" and c.kind in ("condition", "therapy")]
    if len(alternatives) > 1:
        groups.append(alternatives)
    alternative = {id(c) for c, _ in alternatives} if len(alternatives) > 1 else set()
    rest = [cv for cv in checkable if id(cv[0]) not in alternative]
    groups += _or_bounds(rest, text) if section == "inclusion" and text else [[cv] for cv in rest]
    results = []
    for group in groups:
        vs = [v for _, v in group]
        if len(group) > 1:  # any alternative passing satisfies the group
            best = next((v for v in vs if v.verdict == PASS), None) or next((v for v in vs if v.verdict == UNKNOWN), None) or vs[0]
            results.append(best)
        else:
            results.append(vs[0])
    for wanted in (FAIL, UNKNOWN, PASS, NA):
        chosen = [v for v in results if v.verdict == wanted]
        if chosen:
            if wanted == PASS and len(chosen) > 1:
                # say what was actually compared first; assumptions after
                reasons = list(dict.fromkeys(v.reason for v in sorted(chosen, key=lambda v: v.assumed)))
                return PASS, " ".join(reasons[:2]) + (" …" if len(reasons) > 2 else "")
            if wanted == NA and any(v.verdict == PASS for v in results):
                continue
            return wanted, chosen[0].reason
    return UNKNOWN, results[0].reason


_OR_GAP = re.compile(r"\bor\b", re.I)
_AND_GAP = re.compile(r"[;]|\.\s|\band\b(?!\s*/\s*or)", re.I)


def _or_bounds(pairs: list[tuple[Constraint, Verdict]], text: str) -> list[list[tuple[Constraint, Verdict]]]:
    """Required bounds written one after the other with "or" between them, as one
    group of alternatives each; every other constraint a group of its own."""
    ordered = sorted(pairs, key=lambda cv: cv[0].start)
    groups: list[list[tuple[Constraint, Verdict]]] = []
    for cv in ordered:
        if groups:
            last = groups[-1][-1][0]
            # "ANC must be >= 1500/mm3 (or < 1500/mm3 if ...)": two bounds of one name share its start
            gap = text[last.end : cv[0].start] if cv[0].start >= last.end else text[last.end : cv[0].end]
            kinds = {last.kind, cv[0].kind}
            if ("measurement" in kinds and kinds <= {"measurement", "therapy", "condition"}
                    and last.polarity == cv[0].polarity == "require" and _OR_GAP.search(gap) and not _AND_GAP.search(gap)):
                groups[-1].append(cv)
                continue
        groups.append([cv])
    return groups


def _by_example(c: Constraint, constraints: list[Constraint], patient: Patient) -> Verdict | None:
    """A class failed through a member the criterion names itself: "Active cardiovascular disease, e.g.,
    uncontrolled hypertension, unstable angina" and a patient's hypertension. The named member, with what
    it says of it ("uncontrolled"), judges the patient's; the class alone does not. Returns the class's
    revised verdict, or None when the fail stands (another of the patient's conditions is in the class)."""
    named = [e for e in constraints if e is not c and e.kind == "condition" and e.polarity == c.polarity
             and e.concept != c.concept and condition_covers(c.concept, e.concept)]
    if not named:
        return None
    mine = [f for f in _facts(patient, "condition", c.concept) if f.asserted
            and not any(condition_covers(x, f.concept) for x in c.exceptions)]
    if not mine or not all(any(condition_covers(e.concept, f.concept) for e in named) for f in mine):
        return None
    f = mine[0]
    e = next(e for e in named if condition_covers(e.concept, f.concept))
    return Verdict(UNKNOWN, f"You have {_describe_fact(f, c.concept)}; this criterion names "
                            f"{' '.join(e.qualifiers + [pretty(e.concept)])} among its examples of {pretty(c.concept)}, "
                            "and that is what decides.")


def _another_age_limit(c: Constraint, constraints: list[Constraint], patient: Patient) -> Constraint | None:
    """Another age bound of the same criterion, on the same side, that the patient meets: one of two limits for
    two groups ("at least 18 ... in Thailand at least 12"); not the other end of a range ("≥ 18 and ≤ 65")."""
    def side(x: Constraint) -> str | None:
        return {">=": "low", ">": "low", "<=": "high", "<": "high"}.get(x.comparator or "")
    for other in constraints:
        if other is not c and other.kind == "age" and side(c) is not None and side(other) == side(c) \
                and other.value != c.value and judge_constraint(other, patient).verdict != FAIL:
            return other
    return None


# what a class says of its kind that its named examples share: "No uncontrolled or severe cardiovascular disease,
# including the following: ... arrhythmia or hypertension" (not what only dates it: "history", "prior")
_DATING_QUALIFIERS = frozenset({"history", "prior", "previous", "known", "past",
                                # (nor what a present illness is anyway: "Active cardiovascular disease, e.g., unstable angina")
                                "active", "current", "ongoing", "present", "concurrent"})


def _example_of_qualified(c: Constraint, constraints: list[Constraint], v: Verdict) -> Verdict | None:
    """A member failed that the criterion names after a class it qualifies ("No uncontrolled or severe
    cardiovascular disease, including the following: ... hypertension" and a patient's controlled
    hypertension): the member is meant as the class is, so without that said of the patient's, a question."""
    if set(c.qualifiers) - _DATING_QUALIFIERS:
        return None  # "..., including uncontrolled hypertension": the example says what of it counts
    heads = [h for h in constraints if h is not c and h.kind == "condition" and h.polarity == c.polarity
             and h.start < c.start and h.concept != c.concept and condition_covers(h.concept, c.concept)
             and set(h.qualifiers) - set(c.qualifiers) - _DATING_QUALIFIERS]
    if not heads:
        return None
    head = heads[0]
    said = " or ".join(q for q in head.qualifiers if q not in _DATING_QUALIFIERS)
    return Verdict(UNKNOWN, f"{v.reason} But this criterion names {pretty(c.concept)} as an example of {said} "
                            f"{pretty(head.concept)}, and we cannot tell whether yours is.",
                   f"Is your {pretty(c.concept)} {said}?")


# diseases that turn into another: a patient with both may have one that grew into the other
_GROWS_INTO = {
    "myelodysplastic syndrome": ("acute myeloid leukemia",),
    "myeloproliferative neoplasm": ("acute myeloid leukemia", "myelofibrosis"),
    "smoldering multiple myeloma": ("multiple myeloma",),
    "chronic lymphocytic leukemia": ("diffuse large b-cell lymphoma",),
    "follicular lymphoma": ("diffuse large b-cell lymphoma",),
}


# cancers named by their cells or as a class, without the organ: any organ's cancer may be one
_BY_CELL_TYPE = frozenset({"malignancy", "neoplasm", "carcinoma", "adenocarcinoma", "squamous cell carcinoma", "solid tumor",
                           "carcinoma in situ", "sarcoma"})


def _on_topic(c: Constraint, patient: Patient, topics: frozenset[str], text: str) -> Verdict | None:
    """A failed condition exclusion reconsidered against what the trial studies.

    A trial never excludes the very disease it studies, so when the patient's
    matching condition *is* the trial's subject, the exclusion must mean a
    particular form or cause of it ("iron overload not due to HH" in a
    hemochromatosis trial, "severe OA" in an osteoarthritis one) or, with
    "other", a second disease ("no other malignancy"). Returns the revised
    verdict, or None when the fail stands.
    """
    facts = [f for f in _facts(patient, "condition", c.concept) if f.asserted
             and not any(condition_covers(x, f.concept) for x in c.exceptions)]
    if not facts or not topics:
        return None

    def broad(t: str) -> bool:  # a studied class the exclusion names a part of ("neoplasm" for "malignancy")
        return t != c.concept and condition_covers(t, c.concept)

    def same(f: Fact) -> str | None:  # the studied disease the patient's condition is, the most specific first
        found = [t for t in sorted(topics) if condition_covers(t, f.concept) or condition_covers(f.concept, t)]
        return next((t for t in found if not broad(t)), found[0] if found else None)

    cancers = [t for t in sorted(topics) if condition_covers("malignancy", t)]
    # "kidney cancer that has spread to my lungs": a studied cancer's metastases are that cancer, not another one
    strict = {f.concept: same(f) or (cancers[0] if cancers and condition_covers("metastatic disease", f.concept) else None)
              for f in facts}
    if any(t and not broad(t) for t in strict.values()):
        # a trial of a named disease whose topics hold a broad class too ("lung cancer" and "neoplasm", from "Lung
        # Neoplasms"): another named disease that is only of the class (her breast cancer of 2019) is not the studied
        # one (a cancer named by its cells only, or metastases, may still be)
        strict = {k: (t if t and (not broad(t) or k in _BY_CELL_TYPE or condition_covers("metastatic disease", k)) else None)
                  for k, t in strict.items()}
    # "no other malignancy", "a second malignancy", "an additional cancer": one besides the studied one
    other = bool({"other", "another"} & set(c.qualifiers)) or bool(_SECOND.search(text[max(0, c.start - 40) : c.start]))
    # the studied diseases the exclusion's class holds: "no other malignancy" in a gastric cancer trial
    related = [t for t in sorted(topics) if t != c.concept and condition_covers(c.concept, t)]
    f = facts[0]
    if not all(strict.values()):
        if other and any(strict.values()):
            # the studied disease and a further one: the further one is the "other" one
            extra = next(x for x in facts if not strict[x.concept])
            studied = next(t for t in strict.values() if t)
            if extra.concept in _BY_CELL_TYPE and condition_covers("malignancy", studied):
                # "prostate biopsy: adenocarcinoma" in a prostate cancer trial: a cancer named by its cells only may be
                # the studied one itself
                return _which_one(extra, c, studied)
            now = [q for q in c.qualifiers if q in PRESENT_ONLY]
            if any(condition_covers(t, studied) for t in _GROWS_INTO.get(extra.concept, ())):
                # "AML secondary to MDS": the disease the studied one grew out of, not a second one
                return Verdict(UNKNOWN, f"You have {pretty(extra.concept)}, which can turn into the {pretty(studied)} this "
                                        f"trial studies; whether yours is another {pretty(c.concept)} or the origin of "
                                        f"your {pretty(studied)} is for the study team.",
                               f"Did your {pretty(studied)} arise from your {pretty(extra.concept)}?")
            if now and not extra.current and (extra.historical or (extra.days_ago or 0) > DATED_PAST_DAYS):
                return Verdict(UNKNOWN, f"You had {pretty(extra.concept)} in the past, besides the {pretty(studied)} this trial "
                                        f"studies; it excludes {' '.join(now)} {pretty(c.concept)}.",
                               f"Is your {pretty(extra.concept)} {', '.join(now)} now?")
            extras = [x for x in facts if not strict[x.concept]]
            if c.window and all(x.days_ago is not None and x.days_ago > c.window.days and not x.current for x in extras):
                # "No other malignancy within past 2 years": the studied one is recent, the other long before
                x = min(extras, key=lambda x: x.days_ago)
                return Verdict(PASS, f"You had {pretty(x.concept)} {days_words(x.days_ago)}, besides the {pretty(studied)} "
                                     f"this trial studies; it excludes other {pretty(c.concept)} {window_words(c)}.")
            return Verdict(FAIL, f"You have {pretty(extra.concept)} besides the {pretty(studied)} this trial studies, "
                                 f"and it excludes any other {pretty(c.concept)}.")
        if any(strict.values()) and not other:
            # "prior malignancies not disease-free for 5 years" in a breast cancer trial, and the patient has the
            # breast cancer studied and a thyroid cancer of 2015: the studied one cannot fail it; the other decides
            studied = next(t for t in strict.values() if t)
            rest = replace(patient, facts=[x for x in patient.facts if not (x.kind == "condition" and strict.get(x.concept))])
            v = judge_constraint(c, rest)
            if v.verdict == FAIL:
                return v
            return Verdict(UNKNOWN, f"This trial studies {pretty(studied)}, so this exclusion must mean another "
                                    f"{pretty(c.concept)} or a particular form of it; we cannot tell whether yours is one.",
                           f"Does this exclusion apply to you: “{short(text)}”?")
        if not (other and related) or any(strict.values()):
            return None
        return _which_one(f, c, related[0])  # "no other malignancy", and the patient has "adenocarcinoma"
    topic = strict[f.concept]
    if broad(topic):
        # the patient's condition is studied only as a broad class ("neoplasm"): with "other", it
        # may be the specific disease studied or a second one; without, a named form is excluded as written
        # (a trial of "tumors" and "no other malignancy": the studied class itself, when it names no narrower disease)
        return _which_one(f, c, related[0] if related else topic) if other else None
    if other:
        return Verdict(PASS, f"You have {pretty(f.concept)}, which this trial studies; it excludes other "
                             f"{pretty(c.concept)}, and we assume you have none.", assumed=True)
    return Verdict(UNKNOWN,
                   f"This trial studies {pretty(topic)}, so this exclusion must mean a particular form or cause of it; "
                   f"we cannot tell whether your {pretty(f.concept)} is one.",
                   f"Does this exclusion apply to you: “{short(text)}”?")



_SECOND = re.compile(r"\b(?:second|secondary|additional|other|another|further)\b[\W_]*(?:\w+[\W_]+)?$", re.I)


def _which_one(f: Fact, c: Constraint, studied: str) -> Verdict:
    """A condition the patient has that may be the studied disease or an excluded "other" one: ask."""
    return Verdict(UNKNOWN,
                   f"You have {pretty(f.concept)}; this trial excludes {pretty(c.concept)} other than the "
                   f"{pretty(studied)} it studies, and we cannot tell which yours is.",
                   f"Have you had any {pretty(c.concept)} other than {pretty(studied)}?")


def judge_criterion(criterion: Criterion, patient: Patient, topics: frozenset[str] = frozenset(),
                    required: Callable[[], frozenset[tuple[str, str]]] = frozenset,
                    taken: Callable[[], frozenset[str]] = frozenset,
                    allowing: Callable[[], tuple[Criterion, ...]] = tuple) -> CriterionJudgement:
    """Judge one criterion; ``topics`` are the conditions the trial studies (see :func:`trial_topics`),
    ``required()`` the (kind, concept) pairs its inclusion criteria require (see :func:`required_by`),
    ``taken()`` the treatments they name as taken (see :func:`taken_by`), both asked only when an
    exclusion fails, and ``allowing()`` the trial's items that allow a treatment (see :func:`allowing_items`),
    asked only when a treatment fails."""
    constraints = criterion.constraints
    if not constraints:
        return _unparsed(criterion, patient)
    verdicts = []
    for c in constraints:
        v = judge_constraint(c, patient)
        if v.verdict == FAIL:
            if c.kind == "condition" and c.polarity == "forbid":
                v = _on_topic(c, patient, topics, criterion.text) or v
            if v.verdict == FAIL and c.kind == "condition" and c.polarity == "forbid":
                v = _by_example(c, constraints, patient) or v
            if v.verdict == FAIL and c.kind == "condition" and c.polarity == "forbid":
                v = _example_of_qualified(c, constraints, v) or v
            if v.verdict == FAIL and c.kind == "age" and (other := _another_age_limit(c, constraints, patient)) is not None:
                # "Are at least 18 years old. Patients living in USA, ..., and Thailand can be at least 12 years old"
                v = Verdict(UNKNOWN, f"{v.reason} But this criterion gives another age limit for some patients "
                                     f"({other.text}), and we cannot tell whether it is yours.",
                            f"Does this apply to you: “{short(criterion.text)}”?")
            if v.verdict == FAIL and criterion.section == "exclusion" and c.polarity == "forbid" and (c.kind, c.concept) in required():
                # "Not pregnant" among the exclusions of a trial whose inclusions require a pregnancy:
                # the item excludes those without it; read as written it would contradict the trial
                v = Verdict(UNKNOWN, f"This exclusion rules out {pretty(c.concept)}, which the trial's inclusion criteria "
                                     "require, so it cannot mean what it says; ask the study team.",
                            f"Does this exclusion apply to you: “{short(criterion.text)}”?")
            if v.verdict == FAIL and criterion.section == "exclusion" and c.polarity == "require" \
                    and c.kind in ("condition", "pregnancy") and (c.kind, c.concept) not in required() \
                    and not (c.kind == "condition" and any(condition_covers(t, c.concept) or condition_covers(c.concept, t)
                                                            for t in topics)):
                # "HIV, Hepatitis B and Hepatitis C negative", "Negative pregnancy test" among a glioma trial's
                # exclusions: read as written, the item rules out everyone without the infection or the pregnancy,
                # which the trial neither studies nor requires; a requirement put in the wrong list (an HIV trial's
                # "HIV negative" exclusion still excludes)
                v = Verdict(UNKNOWN, f"This exclusion, read as written, rules out everyone who does not have "
                                     f"{pretty(c.concept)}, which this trial neither studies nor requires; it probably "
                                     "states a requirement in the wrong list, so ask the study team.",
                            f"Does this exclusion apply to you: “{short(criterion.text)}”?")
            if v.verdict == FAIL and criterion.section == "exclusion" and c.kind == "therapy" and c.polarity == "forbid" \
                    and c.window is None and (named := [t for t in taken() if t != c.concept and therapy_covers(c.concept, t)]):
                # "Excluded: Antiretroviral drugs" in a trial whose inclusions take in patients on zidovudine: the
                # class's other members (the patient's zidovudine alone does not exclude; another antiretroviral does;
                # not "anticancer therapy within 14 days" in a trial of patients treated with docetaxel: a time apart)
                v = judge_constraint(replace(c, exceptions=[*c.exceptions, *named]), patient)
            if v.verdict == FAIL and c.kind == "therapy" and c.polarity == "forbid" \
                    and (allowance := _allowed_elsewhere(criterion, c, patient, allowing())) is not None:
                # "No concurrent antineoplastic chemotherapy" beside "Prior hydroxyurea ... to lower blast counts allowed
                # if discontinued on day 1 of study therapy": the trial allows by name what the class would rule out
                drug, item = allowance
                v = Verdict(UNKNOWN, f"{v.reason} But another item of this trial allows {pretty(drug)}: “{short(item.text)}”; "
                                     "whether that applies to you is for the study team to say.",
                            f"Does this apply to your {pretty(drug)}: “{short(item.text)}”?")
            if v.verdict == FAIL and c.kind == "therapy" and c.polarity == "forbid" \
                    and (for_what := [x for x in c.exceptions if condition_ancestors(x)]):
                # "Prior chemotherapy other than for Kaposi's sarcoma": what a treatment was for is not known
                v = Verdict(UNKNOWN, f"{v.reason} Unless it was for {pretty(for_what[0])}, which this trial allows; "
                                     "we cannot tell what yours was for.",
                            f"Was your {pretty(c.concept)} for {pretty(for_what[0])}?")
            if v.verdict == FAIL and criterion.section == "exclusion" and _under_requirement(criterion.text, c.start):
                # "Patients must currently be on one of the following triple antiretroviral regimens: ZDV + 3TC + IDV"
                # under a record's exclusions: a requirement in the wrong list; what it excludes is not said
                v = Verdict(UNKNOWN, f"{v.reason} But this exclusion is written as a requirement (“must ...”), so we "
                                     "cannot tell what it excludes; ask the study team.",
                            f"Does this exclusion apply to you: “{short(criterion.text)}”?")
            if v.verdict == FAIL and criterion.section == "exclusion" and c.start >= _counted_from(criterion.text):
                # "BMI >= 35 with more than one of the following: ...": one item alone does not exclude
                v = Verdict(UNKNOWN, f"{v.reason} But this criterion excludes only together with a number of other "
                                     "items it lists, which we could not count.",
                            f"Does this apply to you: “{short(criterion.text)}”?")
            # a constraint fails the patient only when the criterion was read whole around it
            if v.verdict == FAIL and (c.unexplained is None or c.unexplained):
                v = _unread(criterion, c, v)
        # a requirement met only in part of what it says ("fever for more than one week") is not met yet
        if v.verdict == PASS and c.polarity == "require" and not v.assumed and c.unexplained and _narrowing(c.unexplained):
            v = _partly(criterion, c, v)
        verdicts.append(v)
    if len(verdicts) == 1 and not (verdicts[0].verdict == FAIL and criterion.section == "inclusion"
                                   and _alternatives_at(criterion.text) >= 0):
        # what _combine and _any_of make of one verdict, without their lists (but an item that fails among
        # alternatives whose other items were not read: "diagnosis of one the following: Aplastic anemia (40 years
        # of age and over)", where only the age was read)
        verdict, reason = verdicts[0].verdict, verdicts[0].reason
    elif criterion.section == "inclusion" and (at := _alternatives_at(criterion.text)) >= 0:
        head = [i for i, c in enumerate(constraints) if c.start < at]
        tail = [v for c, v in zip(constraints, verdicts) if c.start >= at]
        any_of = _any_of(criterion, tail) if tail else None
        if any_of is not None and any_of.question and not any(any_of is v for v in tail):
            verdicts.append(any_of)  # a question of its own, asked with the others
        if not head:
            verdict, reason = any_of.verdict, any_of.reason
        else:
            # "Hemoglobin < 13 g/dL with one of the following: ...": what comes before the list holds as well
            verdict, reason = _combine(criterion.section, [constraints[i] for i in head], [verdicts[i] for i in head],
                                       criterion.text)
            if any_of is not None:
                verdict, reason = _both((verdict, reason), (any_of.verdict, any_of.reason))
    else:
        verdict, reason = _combine(criterion.section, constraints, verdicts, criterion.text)
    # one pass (this runs for every criterion of every candidate trial of every search)
    questions, checkable, assumed = [], False, verdict == PASS
    for v in verdicts:
        if v.checkable:
            checkable = True
            if v.question and v.verdict == UNKNOWN:
                questions.append(v.question)
        if assumed and v.verdict == PASS and not v.assumed:
            assumed = False
    return CriterionJudgement(criterion.id, criterion.section, criterion.text, verdict, reason, constraints,
                              questions, checkable=checkable, assumed=assumed)


# "Measurable disease defined as one of the following: ...", "at least one of the following", "either"
_ALTERNATIVES = re.compile(r"\b(?:(?:at least|any|more than) (?:one|two|three|\d) of the following|any of the following|"
                           r"(?:one|two|\d) or more of the following|either|one (?:of )?the following|one of these)\b", re.I)
# an exclusion that counts its items, or joins an item to a list: "two or more of the following",
# "BMI >= 35 with more than one of the following", "diabetes and at least one of the following"
_COUNTED = re.compile(r"\b(?:(?:more than|over)\s+(?:one|two|three|\d)|at least\s+(?:two|three|four|[2-9])|"
                      r"(?:two|three|four|[2-9])\s+or\s+more|(?:two|three|four|[2-9]))\s+of\s+the\s+following|"
                      r"(?<!patients )(?<!subjects )(?<!participants )(?<!persons )(?<!people )(?<!those )(?<!individuals )"
                      r"\b(?:with|and|plus|combined with)\s+(?:at least\s+(?:one|1)|(?:one|1)\s+or\s+more)\s+of\s+the\s+following", re.I)


# "Patients must be on ...", "Subjects must have ..." (not "must not", nor "patients who must take warfarin": those
# it excludes)
_MUST = re.compile(r"(?<!\bwho )(?<!\bthat )(?<!\bwhich )\bmust\b(?!\s+(?:not|never|no)\b)(?!n['’]t)", re.I)


@lru_cache(maxsize=2**15)
def _required_span(text: str) -> tuple[int, int]:
    """What a requirement ("must ...") governs in an item: from the word to its sentence's end (empty if none)."""
    m = _MUST.search(text)
    if m is None:
        return 0, 0
    return m.end(), min([len(text)] + [i for i in (text.find(". ", m.end()), text.find(";", m.end())) if i >= 0])


def _under_requirement(text: str, at: int) -> bool:
    """Whether offset ``at`` of an item falls under its "must ..." (:func:`_required_span`)."""
    start, end = _required_span(text)
    return start <= at < end


@lru_cache(maxsize=2**15)
def _counted_from(text: str) -> int:
    """Where the item that counts what follows begins (its clause: "BMI >= 40; or BMI >= 35 with
    more than one of the following" counts from "or BMI >= 35"), or past the end."""
    m = _COUNTED.search(text)
    if m is None:
        return len(text) + 1
    return max(text.rfind(";", 0, m.start()), text.rfind(". ", 0, m.start())) + 1


@lru_cache(maxsize=2**15)
def _alternatives_at(text: str) -> int:
    """Where a criterion starts listing what any one of meets it, or -1: what comes before
    ("Hemoglobin < 13 g/dL with one of the following: ...") must hold as well, unless it is an
    alternative itself ("Age >= 75, or age 18 to 74 with at least one of the following: ..."),
    when the whole criterion is met by any one of its requirements. Remembered per text, as the
    same trials' criteria are judged for patient after patient."""
    m = _ALTERNATIVES.search(text)
    if m is None:
        return -1
    return 0 if re.search(r"\bor\b", text[: m.start()], re.I) else m.start()


def _both(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """Two parts of a criterion that must both hold: a fail fails it, then an unknown; passes pass."""
    for wanted in (FAIL, UNKNOWN, PASS):
        for verdict in (a, b):
            if verdict[0] == wanted:
                return verdict
    return a


def _any_of(criterion: Criterion, verdicts: list[Verdict]) -> Verdict:
    """What a criterion lists, met by any one item: it fails only when every item was read and
    every one fails ("Must have one of the following: over 55 years of age; ...; refusal of a
    myeloablative transplant" cannot fail on age alone)."""
    checkable = [v for v in verdicts if v.checkable]
    if not checkable:
        return verdicts[0]
    for wanted in (PASS, UNKNOWN):
        chosen = next((v for v in checkable if v.verdict == wanted), None)
        if chosen:
            return chosen
    if all(v.verdict == FAIL for v in checkable):
        if len(checkable) < len(verdicts) or criterion.unexplained is None or criterion.unexplained:
            return Verdict(UNKNOWN, f"{checkable[0].reason} But this criterion is met by any one of what it lists, "
                                    "and we could not check every item.",
                           f"Does this apply to you: “{short(criterion.text)}”?")
        return checkable[0]
    return Verdict(NA, checkable[0].reason)


def _narrowing(words: list[str]) -> bool:
    """Unread words that narrow a requirement: a number, or a narrowing stop word ("after", "only")."""
    narrowing = _narrowing_words()
    return any(w.lower() in narrowing or (not w.isalpha() and any(ch.isdigit() for ch in w)) for w in words)


@lru_cache(maxsize=1)
def _narrowing_words() -> frozenset[str]:
    from .nlp.coverage import coverage_rules  # here, not at the top: it loads spaCy

    return coverage_rules().narrowing


def _partly(criterion: Criterion, c: Constraint, v: Verdict) -> Verdict:
    return Verdict(UNKNOWN, f"{v.reason} But this criterion also says “{', '.join(dict.fromkeys(c.unexplained[:4]))}”, "
                   "which we could not check.", f"Does this apply to you: “{short(criterion.text)}”?")


def _unread(criterion: Criterion, c: Constraint, v: Verdict) -> Verdict:
    """A fail from a criterion we did not read whole: a question quoting it."""
    if c.unexplained is None:
        return Verdict(UNKNOWN, f"{v.reason} This trial was indexed by an older version of matcher, which did not record "
                       "whether this criterion was read whole; re-index it (matcher index --rebuild).",
                       f"Does this apply to you: “{short(criterion.text)}”?")
    words = ", ".join(f"“{w}”" for w in list(dict.fromkeys(c.unexplained))[:4])
    return Verdict(UNKNOWN,
                   f"{v.reason} But this criterion says more than we could check ({words}), so we cannot tell whether it excludes you.",
                   f"Does this apply to you: “{short(criterion.text)}”?")


@lru_cache(maxsize=1)
def _filler_stems() -> frozenset[str]:
    """Stems of words that say nothing of what an exclusion is about ("patients", "any", "history")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from .nlp.coverage import coverage_rules
    from .patient import content_words

    rules = coverage_rules()
    return content_words(" ".join(sorted(rules.filler | rules.headings | STOP_WORDS)))


@lru_cache(maxsize=200_000)
def _criterion_words(text: str) -> frozenset[str]:
    """The content words of a criterion's text (trial text only: patient text is never cached)."""
    from .patient import content_words

    return content_words(text)


def _unparsed(criterion: Criterion, patient: Patient) -> CriterionJudgement:
    """A criterion we could not read: an exclusion that shares no content word
    with anything the patient said is read as not triggered; otherwise unknown."""
    if criterion.section == "exclusion" and patient.words and not (_criterion_words(criterion.text) & patient.words) - _filler_stems():
        reason = "Nothing you told us relates to this exclusion; we assume it does not apply to you."
        return CriterionJudgement(criterion.id, criterion.section, criterion.text, PASS, reason, assumed=True)
    reason = "We could not check this criterion automatically; ask the study team."
    return CriterionJudgement(criterion.id, criterion.section, criterion.text, UNKNOWN, reason)


_GESTATION = re.compile(r"\b(?:preterm|pre-term|premature|prematurity|gestation\w*|neonat\w*|newborns?)\b", re.I)


def _structured_checks(trial: Trial) -> list[Criterion]:
    """The record's own age and sex limits, judged like criteria."""
    out = []
    lo, hi = trial.minimum_age, trial.maximum_age
    lo = None if lo is not None and lo <= 0 else lo  # "0 years" bounds nobody
    if lo is not None or hi is not None:
        if lo is not None and hi is not None:
            con = Constraint("age", "require", "age", "between", lo, hi, "years", unexplained=[])
            text = f"Age {lo:g} to {hi:g} years (from the trial record)"
        elif lo is not None:
            con = Constraint("age", "require", "age", ">=", lo, None, "years", unexplained=[])
            text = f"Age {lo:g} years or older (from the trial record)"
        else:
            con = Constraint("age", "require", "age", "<=", hi, None, "years", unexplained=[])
            text = f"Age {hi:g} years or younger (from the trial record)"
        if hi is not None and hi <= 2 and any(c.kind == "pregnancy" and c.polarity == "require"
                                              for crit in trial.criteria for c in crit.constraints):
            # a perinatal trial enrolling pregnant women, whose record gives the baby's ages ("1 year or younger")
            con.unexplained = ["the baby's age, for a trial of pregnant women"]
            text = text.replace("(from the trial record)", "(from the trial record, which enrols pregnant women: "
                                                            "likely the baby's age)")
        elif lo is not None and hi is not None and 20 / 52.18 <= lo and hi <= 45 / 52.18 \
                and any(_GESTATION.search(crit.text) for crit in trial.criteria):
            # a trial of preterm babies whose record gives ages of 22 to 32 weeks: weeks of gestation at birth,
            # not the babies' age ("postnatal age less than 30 days")
            con.unexplained = ["the weeks of gestation, for a trial of newborns"]
            text = text.replace("(from the trial record)", "(from the trial record, a trial of newborns: likely the "
                                                            "weeks of gestation at birth)")
        out.append(Criterion("record-age", "inclusion", text, 0, 0, [con]))
    if trial.sex in ("female", "male"):
        con = Constraint("sex", "require", trial.sex, unexplained=[])
        out.append(Criterion("record-sex", "inclusion", f"{trial.sex.capitalize()} participants only (from the trial record)", 0, 0, [con]))
    return out


def explain(trial: Trial, patient: Patient) -> Explanation:
    """Judge every criterion of ``trial`` for ``patient``."""
    return explanation_of(trial, list(Judging(trial, patient)))


class Judging:
    """The judgements :func:`explain` gives, one criterion at a time and in its order, and how many
    there will be (``len``): a caller that learns enough from the first ones need not judge the rest."""

    def __init__(self, trial: Trial, patient: Patient):
        self.trial, self.patient = trial, patient
        self.criteria = _structured_checks(trial) + list(trial.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    def __iter__(self) -> Iterator[CriterionJudgement]:
        trial, patient = self.trial, self.patient
        topics = trial_topics(trial) if any(f.kind == "condition" for f in patient.facts) else frozenset()
        required = cache(lambda: required_by(trial))  # read only when an exclusion fails
        taken = cache(lambda: taken_by(trial))
        allowing = cache(lambda: allowing_items(trial))
        groups = _groups_apart(trial)
        for criterion in self.criteria:
            judgement = judge_criterion(criterion, patient, topics, required, taken, allowing)
            yield _one_group(judgement, groups) if groups else judgement


def explanation_of(trial: Trial, judgements: list[CriterionJudgement]) -> Explanation:
    """The explanation of ``trial`` from all its judgements (those :class:`Judging` gives)."""
    return Explanation(trial.nct_id, trial.title, eligibility_of(judgements), judgements, questions_of(judgements))


def rules_out_eligible(judgement: CriterionJudgement) -> bool:
    """Whether this one judgement keeps its trial from being "eligible" whatever the others are
    (:func:`eligibility_of` is "eligible" when none does)."""
    return judgement.verdict == FAIL or (judgement.checkable and judgement.verdict not in (PASS, NA))


_NOW_ONLY = frozenset({"concurrent", "current", "ongoing", "active"})  # a treatment's time that sets no group apart


def _groups_apart(trial: Trial) -> frozenset[tuple[str, str]]:
    """What the trial's inclusion criteria both require and forbid ("Pregnant Females: ..." and "Nonpregnant
    Females: ..."; a treatment and its class): groups of the trial, each item describing one of them, not all of
    them at once."""
    wants: dict[tuple[str, str], set[str]] = {}
    required: set[str] = set()  # treatments, as ever had
    ruled_out: dict[str, set[str]] = {}  # ... and what each one ruled out excepts
    for crit in trial.criteria:
        if crit.section != "inclusion":
            continue
        for c in crit.constraints:
            if not c.checkable or c.scope or c.window is not None:
                continue
            if c.kind in ("pregnancy", "lactation", "sex"):
                wants.setdefault((c.kind, c.concept), set()).add(c.polarity)
            elif c.kind == "therapy" and not _NOW_ONLY & set(c.qualifiers):
                if c.polarity == "require":
                    required.add(c.concept)
                else:
                    ruled_out.setdefault(c.concept, set()).update(c.exceptions)
    groups = {key for key, polarities in wants.items() if polarities >= {"require", "forbid"}}
    # "CD4 150 - 350 AND prior AZT for no more than 12 months" beside "CD4 50 - 350 AND no prior antiretroviral therapy":
    # two groups, one treated and one not (not "No concurrent chemotherapy" beside "Prior chemotherapy": a time apart;
    # nor "No antiretrovirals other than AZT" beside "Prior AZT": one group)
    for forbidden, excepted in ruled_out.items():
        for wanted in required:
            if therapy_covers(forbidden, wanted) and not any(therapy_covers(x, wanted) for x in excepted):
                groups |= {("therapy", forbidden), ("therapy", wanted)}
    return frozenset(groups)


def _one_group(j: CriterionJudgement, groups: frozenset[tuple[str, str]]) -> CriterionJudgement:
    """A failed inclusion item about what tells the trial's groups apart: a question, not a fail."""
    if j.section != "inclusion" or j.verdict != FAIL or not any((c.kind, c.concept) in groups for c in j.constraints):
        return j
    return replace(j, verdict=UNKNOWN, reason=f"{j.reason} But this trial takes in groups that differ in this, and this "
                                               "item describes one of them.",
                   questions=[f"Which group of this trial are you in? This one: “{short(j.text)}”"])


def allowing_items(trial: Trial) -> tuple[Criterion, ...]:
    """The trial's items that allow what they name, as the parse reads them (:func:`matcher.permission.allows`:
    "Prior hydroxyurea ... allowed if discontinued on day 1"; :func:`_allowed_elsewhere` reads which drug)."""
    return tuple(crit for crit in trial.criteria if allows(crit.text))


def _allowed_elsewhere(criterion: Criterion, c: Constraint, patient: Patient,
                       allowing: tuple[Criterion, ...]) -> tuple[str, Criterion] | None:
    """(the patient's treatment, the item) when a treatment of the patient's that ``c`` rules out as one of its class
    is named by another item of the trial that allows it; not when ``c`` names the treatment itself ("No concurrent
    hydroxyurea" beside "Prior hydroxyurea allowed": the item says which time of it is ruled out)."""
    for f in patient.facts:
        if f.kind != "therapy" or not f.asserted or f.concept == c.concept or not therapy_covers(c.concept, f.concept):
            continue
        names = {f.concept.lower(), (f.text or "").lower()} - {""}
        for item in allowing:
            if item.id != criterion.id and any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", item.text, re.I)
                                               for name in names):
                return f.concept, item
    return None


def _inclusion_requirements(trial: Trial) -> Iterator[Constraint]:
    return (c for crit in trial.criteria if crit.section == "inclusion" for c in crit.constraints if c.polarity == "require")


def required_by(trial: Trial) -> frozenset[tuple[str, str]]:
    """The (kind, concept) pairs the trial's inclusion criteria require (not measurements)."""
    return frozenset((c.kind, c.concept) for c in _inclusion_requirements(trial) if c.kind != "measurement" and c.checkable
                     and c.unexplained == [])  # read whole: "Sum of the Anxiety/Depression items <= 14" requires no depression


def taken_by(trial: Trial) -> frozenset[str]:
    """The treatments the trial's inclusion criteria require patients to take or have had, read whole or
    not ("Patients with symptomatic HIV infection taking zidovudine (AZT) five or six times a day")."""
    return frozenset(c.concept for c in _inclusion_requirements(trial) if c.kind == "therapy")


def eligibility_of(judgements: Iterable[CriterionJudgement]) -> str:
    judgements = list(judgements)
    if any(j.verdict == FAIL for j in judgements):
        return "ineligible"
    if not any(rules_out_eligible(j) for j in judgements):
        return "eligible"
    return "uncertain"


def questions_of(judgements: Iterable[CriterionJudgement]) -> list[str]:
    seen: dict[str, None] = {}
    for j in judgements:
        for q in j.questions:
            seen.setdefault(q, None)
    return list(seen)
