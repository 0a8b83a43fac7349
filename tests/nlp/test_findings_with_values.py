"""A finding that is also a lab's name ("fever", "proteinuria") reads as the lab
when a bound in the lab's units follows it, and as the finding otherwise, in
criteria and patients alike. The criteria are quoted from the bundled corpus."""
from __future__ import annotations

import pytest

from matcher.eligibility import judge_criterion
from matcher.models import Criterion
from matcher.nlp import parse_criterion
from matcher.patient import read_patient, read_text


def reading(text: str, section: str) -> list[tuple]:
    return [(c.kind, c.concept, c.comparator, c.value, c.unit, bool(c.unexplained)) for c in parse_criterion(text, section)]


def verdict(text: str, section: str, patient_text: str) -> str:
    criterion = Criterion("c1", section, text, 0, len(text), parse_criterion(text, section))
    return judge_criterion(criterion, read_patient(patient_text), frozenset()).verdict


@pytest.mark.parametrize("text, section, expected", [
    ("Fever > 39 C at entry.", "exclusion", ("measurement", "body temperature", ">", 39.0, "°C", False)),
    ("Have a fever over 101 F within 72 hours of study entry.", "exclusion",
     ("measurement", "body temperature", ">", 38.3333, "°C", False)),
    ("No active infection (including those with current symptoms of bronchoconstriction), or fever greater than or "
     "equal to 38.2 degrees Celsius.", "exclusion", ("measurement", "body temperature", ">=", 38.2, "°C", False)),
    ("In addition, to the above exclusion criteria, the presence of proteinuria greater than 500 mg/24 hrs, "
     "proliferative retinipathy, or diabetic neuropathy", "exclusion",
     ("measurement", "urine protein", ">", 0.5, "g/24h", False)),
    # (read, but for one of the study's groups only: "Group B" is left a question)
    ("Group B: For patients with glomerulonephritis: proteinuria of greater than 1 gm per 24 hours.", "inclusion",
     ("measurement", "urine protein", ">", 1.0, "g/24h", True)),
])
def test_a_finding_with_a_bound_in_its_labs_units_is_that_bound(text, section, expected):
    assert expected in reading(text, section)


@pytest.mark.parametrize("text, section, concept", [
    ("Proteinuria less than or equal to 1+.", "inclusion", "proteinuria"),  # a dipstick grade, no unit
    ("Normal renal function (creatinine less than or equal to 1.5 mg/dL; less than or equal to 1+ proteinuria)",
     "inclusion", "proteinuria"),
    ("Have a fever lasting more than 2 weeks.", "exclusion", "fever"),  # a duration, not a temperature
    ("History of fever", "exclusion", "fever"),
    ("Diabetic with proteinuria", "inclusion", "proteinuria"),
])
def test_without_a_bound_in_its_labs_units_it_stays_the_finding(text, section, concept):
    found = reading(text, section)
    assert any(kind == "condition" and c == concept for kind, c, *_ in found)
    assert not any(kind == "measurement" and c in ("urine protein", "body temperature") for kind, c, *_ in found)


def test_a_grade_the_units_do_not_give_is_asked_never_failed():
    """ "less than or equal to 1+ proteinuria" was once read as urine protein <= 1 g/24h:
    a patient with 1.2 g/day (a dipstick of 1+ is possible) was failed."""
    assert verdict("Proteinuria less than or equal to 1+.", "inclusion",
                   "Lupus nephritis, proteinuria 1.2 g/24h") != "fail"


@pytest.mark.parametrize("patient, expected", [
    ("34 yo woman, fever of 39.6 C since yesterday", "fail"),
    ("34 yo woman, temperature 36.8 C", "pass"),
])
def test_a_temperature_bound_judges_the_patients_temperature(patient, expected):
    assert verdict("Fever > 39 C at entry.", "exclusion", patient) == expected


@pytest.mark.parametrize("text, facts", [
    ("She has proteinuria of 2.1 g/24h", {("condition", "proteinuria"), ("measurement", "urine protein", 2.1, "g/24h")}),
    ("45 yo man with fever of 39.2 C and cough", {("condition", "fever"), ("measurement", "body temperature", 39.2, "°C")}),
    ("proteinuria 2+ on dipstick", {("condition", "proteinuria")}),
    ("fever for 3 days", {("condition", "fever")}),
])
def test_a_patients_finding_keeps_its_value_in_the_labs_units(text, facts):
    found = {(f.kind, f.concept) if f.kind == "condition" else (f.kind, f.concept, f.value, f.unit)
             for f in read_text(text).facts if f.kind in ("condition", "measurement")}
    assert facts <= found
    assert not any(f[0] == "measurement" for f in found - facts)
