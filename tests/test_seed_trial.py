"""NCT05858684, our first customer's trial: every one of its 30 criteria.

Each criterion's constraints are spelled out with canonical values. A row is
(kind, polarity, concept, comparator, value, value_max, unit, relative_to);
windows, exceptions, applies_to and checkable are asserted where they matter.
"""
from __future__ import annotations

import json

import pytest
from conftest import SEED

from matcher.criteria import split_criteria
from matcher.nlp import parse_criteria

R, F = "require", "forbid"


def _row(c):
    return (c.kind, c.polarity, c.concept, c.comparator, c.value, c.value_max, c.unit, c.relative_to)


def cond(polarity, concept):
    return ("condition", polarity, concept, None, None, None, None, None)


def ther(polarity, concept):
    return ("therapy", polarity, concept, None, None, None, None, None)


def meas(concept, comparator, value, unit, relative_to=None, polarity=R):
    return ("measurement", polarity, concept, comparator, value, None, unit, relative_to)


def admin(concept, polarity=R):
    return ("admin", polarity, concept, None, None, None, None, None)


EXPECTED = {
    "inc-1": [("age", R, "age", "between", 18, 70, "years", None)],
    "inc-2": [meas("eular/acr 2019 sle classification score", ">=", 10, "points")],
    "inc-3": [meas("selena-sledai", ">=", 8, "points")],
    "inc-4": [cond(R, "cd19-positive b cells")],
    "inc-5": [meas("hemoglobin", ">=", 85, "g/L")],
    "inc-6": [meas("white blood cell count", ">=", 2.5, "10^9/L")],
    "inc-7": [meas("absolute neutrophil count", ">=", 1, "10^9/L")],
    "inc-8": [meas("platelet count", ">=", 50, "10^9/L")],
    "inc-9": [
        meas("ast", "<", 2, None, "ULN"),
        meas("alt", "<", 2, None, "ULN"),
        meas("creatinine clearance", ">=", 30, "mL/min"),
        meas("total bilirubin", "<=", 2.0, "mg/dL"),
        meas("left ventricular ejection fraction", ">=", 50, "%"),
    ],
    "inc-10": [admin("contraindication to study treatment", F)],  # "no other contraindications"
    "inc-11": [
        ("pregnancy", F, "pregnancy", None, None, None, None, None),
        ("contraception", R, "contraception", None, None, None, None, None),
    ],
    "inc-12": [admin("willingness to comply"), admin("follow-up visits")],
    "inc-13": [admin("informed consent")],
    "exc-1": [
        meas("creatinine", ">", 2.5, "mg/dL", polarity=F),
        cond(F, "lupus nephritis"),
        ther(F, "hemodialysis"),
    ],
    "exc-2": [
        cond(F, c)
        for c in (
            "cns disease", "epilepsy", "psychosis", "encephalopathy", "stroke", "encephalitis",
            "cns vasculitis", "psychiatric disorder", "depression", "suicidal ideation",
        )
    ],
    "exc-3": [
        cond(F, c) for c in ("heart disease", "liver disease", "kidney disease", "hematologic disease", "endocrine disease")
    ],
    "exc-4": [cond(F, "immunodeficiency"), cond(F, "infection"), cond(F, "peptic ulcer")],
    "exc-5": [ther(F, "immunosuppressive therapy")],
    "exc-6": [cond(F, "hiv infection"), cond(F, "hepatitis b"), cond(F, "hepatitis c"), cond(F, "syphilis")],
    "exc-7": [cond(F, "infection")],
    "exc-8": [ther(F, "live vaccine")],
    "exc-9": [cond(F, "allergy")],
    "exc-10": [admin("contraindication to study treatment", F)],
    "exc-11": [ther(F, "major surgery"), ther(F, "surgery")],
    "exc-12": [ther(F, "indwelling cannula"), ther(F, "drainage tube")],
    "exc-13": [
        ("pregnancy", F, "pregnancy", None, None, None, None, None),
        ("lactation", F, "lactation", None, None, None, None, None),
        ("pregnancy", F, "planned pregnancy", None, None, None, None, None),
    ],
    "exc-14": [ther(F, "bcma-targeted therapy"), ther(F, "cd19-targeted therapy")],
    "exc-15": [ther(F, "investigational treatment")],
    "exc-16": [cond(F, "malignancy")],
    "exc-17": [admin("investigator judgement", F)],
}


@pytest.fixture(scope="module")
def criteria():
    text = json.loads(SEED.read_text())["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    items = split_criteria(text)
    parse_criteria(items)
    return {c.id: c for c in items}


def test_thirty_criteria(criteria):
    assert len(criteria) == 30 == len(EXPECTED)


@pytest.mark.parametrize("cid", list(EXPECTED))
def test_constraints(criteria, cid):
    assert sorted(map(_row, criteria[cid].constraints), key=str) == sorted(EXPECTED[cid], key=str)


def _by_concept(criteria, cid):
    return {c.concept: c for c in criteria[cid].constraints}


def test_administrative_criteria_are_not_checkable(criteria):
    for cid in ("inc-10", "inc-12", "inc-13", "exc-10", "exc-17"):
        assert all(not c.checkable for c in criteria[cid].constraints), cid
    # contraception is a commitment made at consent, not a patient fact
    assert not _by_concept(criteria, "inc-11")["contraception"].checkable
    # everything else is checkable
    for cid, crit in criteria.items():
        if cid not in ("inc-10", "inc-11", "inc-12", "inc-13", "exc-10", "exc-17"):
            assert all(c.checkable for c in crit.constraints), cid


@pytest.mark.parametrize(
    "cid, concept, days, anchor",
    [
        ("exc-1", "lupus nephritis", 56, "leukapheresis"),
        ("exc-1", "creatinine", 56, "leukapheresis"),
        ("exc-5", "immunosuppressive therapy", 7, "leukapheresis"),
        ("exc-8", "live vaccine", 28, "screening"),
        ("exc-11", "major surgery", 14, "signing the informed consent form"),
        ("exc-13", "planned pregnancy", 365.25, "treatment"),
        ("exc-15", "investigational treatment", 91.31, "enrollment"),
    ],
)
def test_time_windows(criteria, cid, concept, days, anchor):
    window = _by_concept(criteria, cid)[concept].window
    assert window is not None
    assert window.days == pytest.approx(days, abs=0.1)
    assert window.anchor == anchor


def test_windows_stay_with_their_own_clause(criteria):
    # "Pregnant or lactating women, or subjects who plan to have children within 1 year"
    assert _by_concept(criteria, "exc-13")["pregnancy"].window is None
    assert _by_concept(criteria, "exc-13")["lactation"].window is None
    # "..., or subjects who need hemodialysis" has no window
    assert _by_concept(criteria, "exc-1")["hemodialysis"].window is None


def test_exceptions_are_kept(criteria):
    malignancy = _by_concept(criteria, "exc-16")["malignancy"]
    assert malignancy.exceptions == [
        "non-melanoma skin cancer", "cervical carcinoma in situ", "bladder cancer", "breast cancer"
    ]
    assert _by_concept(criteria, "exc-12")["drainage tube"].exceptions == ["central venous catheter"]


def test_pregnancy_test_applies_to_women_of_childbearing_potential(criteria):
    assert _by_concept(criteria, "inc-11")["pregnancy"].applies_to == "women of childbearing potential"


def test_qualifiers(criteria):
    assert "severe" in _by_concept(criteria, "exc-1")["lupus nephritis"].qualifiers
    assert {"uncontrolled", "active"} <= set(_by_concept(criteria, "exc-4")["infection"].qualifiers)
    assert "active" in _by_concept(criteria, "exc-6")["hepatitis b"].qualifiers
    assert "prior" in _by_concept(criteria, "exc-14")["cd19-targeted therapy"].qualifiers
    assert "planned" in _by_concept(criteria, "exc-11")["surgery"].qualifiers


def test_spans_point_into_the_criterion(criteria):
    for crit in criteria.values():
        for c in crit.constraints:
            assert crit.text[c.start : c.end] == c.text
