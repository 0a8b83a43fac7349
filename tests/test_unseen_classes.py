"""Ways of writing found by blind vignettes (patients and trials the code had not
seen) that turned people away wrongly. Each class is tested on several phrasings;
where a class reads something as asserted, a control shows what still is."""
from __future__ import annotations

import datetime as dt

import pytest

from matcher.demographics import read_age
from matcher.eligibility import judge_criterion
from matcher.models import Criterion
from matcher.nlp import parse_criterion
from matcher.patient import read_text


def verdict(criterion: str, section: str, patient_text: str) -> str:
    c = Criterion("c1", section, criterion, 0, len(criterion), parse_criterion(criterion, section))
    return judge_criterion(c, read_text(patient_text), frozenset()).verdict


def facts(text: str, concept: str):
    return [f for f in read_text(text).facts if f.concept == concept]


# -- a drug taken "since" a date is taken now ------------------------------------------------------
@pytest.mark.parametrize("text, concept", [
    ("On zidovudine since 04/2026.", "zidovudine"),
    ("AZT 300 mg bid since April 2026", "zidovudine"),
    ("Plaquenil 200 mg daily since 2019, no other medicines.", "hydroxychloroquine"),
])
def test_a_drug_taken_since_a_date_goes_on(text, concept):
    (f,) = facts(text, concept)
    assert f.current and not f.negated


@pytest.mark.parametrize("text, concept", [
    ("methotrexate, off since 2020", "methotrexate"),
    ("I got dexamethasone with the chemo but nothing since September.", "chemotherapy"),
])
def test_since_after_a_stop_is_not_current(text, concept):
    (f,) = facts(text, concept)
    assert not f.current


@pytest.mark.parametrize("text", [
    "No chemo, steroids or radiation since then.",
    "No chemotherapy, steroids or radiation since 2020.",
])
def test_a_denied_list_joined_by_or_goes_on_past_since(text):
    found = [f for f in read_text(text).facts if f.kind == "therapy"]
    assert len(found) == 3 and all(f.negated for f in found)


def test_a_comma_item_with_its_own_date_still_ends_the_denied_list():
    (f,) = facts("No active infection, NSTEMI 4 weeks ago", "non-st-elevation myocardial infarction")
    assert not f.negated


@pytest.mark.parametrize("patient", [
    "I'm 33 and HIV positive. I've been on AZT every day since April 2026.",
    "HIV since 2022. Zidovudine 300 mg bid since 03/2026.",
])
def test_a_drug_begun_before_a_window_and_still_taken_is_within_it(patient):
    # NCT00002269 inc: the drug is required within the window; a current drug is taken within any window
    assert verdict("Zidovudine (AZT) therapy for 6 months prior to study entry.", "inclusion", patient) == "pass"
    assert verdict("Zidovudine within 6 months prior to study entry.", "exclusion", patient) == "fail"


def test_a_drug_stopped_before_a_window_is_outside_it():
    patient = "HIV since 2022. Took zidovudine from 2022 until I stopped it in March 2025."
    assert verdict("Zidovudine within 6 months prior to study entry.", "exclusion", patient) == "pass"


# -- "presence or absence of X" requires neither -------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Documented presence/absence of H. pylori infection",  # NCT00003151 inc
    "Presence or absence of metastatic disease must be documented by chest x-ray and/or lung CT scan",  # NCT00003912
    "Patients with the presence or absence of underlying diagnosis of tuberous sclerosis complex are eligible",
])
def test_presence_or_absence_of_an_illness_selects_nobody(text):
    named = [c for c in parse_criterion(text, "inclusion") if c.kind == "condition"]
    assert not [c for c in named if "metasta" in c.concept or "pylori" in c.concept or "sclerosis" in c.concept]


@pytest.mark.parametrize("text, concept", [
    ("Absence of H. pylori infection", "helicobacter pylori infection"),
    ("Presence of H. pylori infection", "helicobacter pylori infection"),
])
def test_presence_or_absence_alone_still_reads(text, concept):
    assert [c.concept for c in parse_criterion(text, "inclusion")] == [concept]


# -- a decimal value is not an age ----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "creat 3.1 in june 2026 when he flared then 2.2 in oct now 1.9 on 11 28",
    "platelets now 150,000",
    "potassium is now 5.1",
])
def test_a_value_is_not_an_age(text):
    assert read_age(text) == (None, False)


@pytest.mark.parametrize("text, age", [("she is now 45", 45.0), ("Age: 45, female", 45.0), ("I am 45.", 45.0)])
def test_ages_still_read(text, age):
    assert read_age(text)[0] == age


# -- serologies written in lower case -----------------------------------------------------------------
@pytest.mark.parametrize("text, concepts", [
    ("hiv hbv hcv rpr all neg quantiferon neg afebrile", ["hiv infection", "hepatitis b", "hepatitis c", "syphilis"]),
    ("hbsag neg, vdrl nonreactive", ["hepatitis b", "syphilis"]),
    ("syphilis TP-PA non-reactive", ["syphilis"]),
])
def test_lower_case_serologies_are_read_and_denied(text, concepts):
    found = {f.concept: f for f in read_text(text).facts}
    for concept in concepts:
        assert found[concept].negated


@pytest.mark.parametrize("text", ["rpr reactive 1:16", "TP-PA reactive"])
def test_a_reactive_lower_case_serology_asserts(text):
    (f,) = facts(text, "syphilis")
    assert not f.negated


# -- a credential after someone's name ------------------------------------------------------------------
@pytest.mark.parametrize("text, concept", [
    ("Caller: J. Mensah, CRC | Participant: L.T., F, DOB 1988-04-02 (38)", "colorectal cancer"),
    ("Note by Jane Ortiz, RN, MS\nSLE since 2015.", "multiple sclerosis"),
    ("Dr. A. Patel, MS, reviewed the chart.", "multiple sclerosis"),
])
def test_a_credential_after_a_name_is_not_an_illness(text, concept):
    assert not facts(text, concept)


def test_an_abbreviation_after_the_patients_name_is_kept():
    assert facts("Patient: Jane Ortiz, MS since 2010", "multiple sclerosis")


# -- "PCP": the primary care physician in a patient's records ---------------------------------------------
@pytest.mark.parametrize("text", [
    "2016 | PCP | RPR weakly reactive 1:2; confirmatory TP-PA non-reactive",
    "My PCP referred me to rheumatology.",
    "Labs per PCP: creatinine 0.8.",
    "PCP note 11/02: BP 128/80.",
])
def test_pcp_as_a_physician_is_not_pneumocystis(text):
    assert not facts(text, "pneumocystis pneumonia")


@pytest.mark.parametrize("text", ["History of PCP pneumonia in 2015, on Bactrim prophylaxis.", "HIV with prior PCP and thrush.",
                                  "AIDS dx 14 months ago with PCP, treated.", "Pneumocystis pneumonia (PCP) in 2019."])
def test_pcp_as_an_infection_is_kept(text):
    assert facts(text, "pneumocystis pneumonia")


# -- "No prior surgery" without saying for what ------------------------------------------------------------
@pytest.mark.parametrize("criterion", [
    "Surgery: No prior surgery",  # NCT00006118 inc, a PDQ prior-therapy subhead
    "No prior surgery",
    "No history of surgery",
])
@pytest.mark.parametrize("patient", [
    "62 year old woman with newly diagnosed pancreatic cancer. Appendectomy in 1990.",
    "Newly diagnosed rectal cancer; his only operation was a cholecystectomy in 2015.",
])
def test_an_unspecified_prior_surgery_is_a_question_for_an_unrelated_operation(criterion, patient):
    assert verdict(criterion, "inclusion", patient) == "unknown"


def test_surgery_said_outright_still_fails_no_prior_surgery():
    assert verdict("Surgery: No prior surgery", "inclusion", "I had surgery last week for the tumour.") == "fail"
