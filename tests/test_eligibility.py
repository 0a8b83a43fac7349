"""Judging NCT05858684 for patient vignettes: every bound, every exclusion."""
from __future__ import annotations

import pytest
from conftest import SEED

from matcher.criteria import split_criteria
from matcher.eligibility import explain
from matcher.models import Trial
from matcher.nlp import parse_criteria
from matcher.patient import read_form, read_patient
from matcher.sources import load_records

BASE = (
    "A 34-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12, "
    "EULAR/ACR 2019 classification score 20. "
)
NORMAL_LABS = (
    "Hemoglobin 120 g/L, WBC 5.2 x10^9/L, neutrophils 3.1 x10^9/L, platelets 210 x10^9/L, AST 30 U/L, "
    "ALT 25 U/L, creatinine clearance 95 mL/min, bilirubin 0.6 mg/dL, ejection fraction 60%, creatinine 0.8 mg/dL. "
)


@pytest.fixture(scope="module")
def trial() -> Trial:
    (trial,) = [t for t in load_records([SEED]) if isinstance(t, Trial)]
    trial.criteria = split_criteria(trial.eligibility_text)
    parse_criteria(trial.criteria)
    return trial


def judge(trial, text=None, form=None):
    result = explain(trial, read_patient(text, form))
    return result, {c.id: c for c in result.criteria}


def test_well_matched_patient_has_no_failures(trial):
    result, by_id = judge(trial, BASE + NORMAL_LABS)
    assert result.eligibility == "uncertain"  # CD19+ B cells and study-team criteria stay open
    assert all(c.verdict != "fail" for c in result.criteria)
    for cid in ("inc-1", "inc-3", "inc-5", "inc-6", "inc-7", "inc-8", "inc-9", "exc-1", "exc-2", "exc-8"):
        assert by_id[cid].verdict == "pass", (cid, by_id[cid].reason)


@pytest.mark.parametrize(
    "cid, low, high",
    [
        # each inclusion bound, below and above, in units other than the trial's
        ("inc-5", "Hemoglobin 7.9 g/dL.", "Hemoglobin 9.1 g/dL."),  # trial: g/L
        ("inc-6", "WBC 2,100/µL.", "WBC 4,000/mm3."),  # trial: ×10^9/L
        ("inc-7", "Absolute neutrophil count 800/mm3.", "ANC 1,500 cells/uL."),
        ("inc-8", "Platelets 45,000/µL.", "Platelet count 120 K/uL."),
        ("inc-9", "Creatinine clearance 25 mL/min.", "Creatinine clearance 60 mL/min."),
        ("inc-9", "Total bilirubin 51 μmol/L.", "Total bilirubin 17 μmol/L."),  # trial: mg/dL
        ("inc-9", "Ejection fraction 40%.", "LVEF 55%."),
        ("inc-9", "AST 120 U/L.", "AST 35 U/L."),  # < 2 x ULN
        ("inc-3", "SELENA-SLEDAI 4.", "SELENA-SLEDAI 10."),
    ],
)
def test_inclusion_bounds_both_ways(trial, cid, low, high):
    # the normal labs first: the later, stated value is the one that counts
    _, fails = judge(trial, BASE + NORMAL_LABS + low)
    _, passes = judge(trial, BASE + NORMAL_LABS + high)
    assert fails[cid].verdict == "fail", fails[cid].reason
    assert passes[cid].verdict == "pass", passes[cid].reason


@pytest.mark.parametrize("cid", ["inc-1", "record-age"])
def test_age_bounds_both_ways(trial, cid):
    for age, verdict in [(17, "fail"), (18, "pass"), (70, "pass"), (71, "fail")]:
        _, by_id = judge(trial, f"A {age}-year-old woman with SLE.")
        assert by_id[cid].verdict == verdict, (age, by_id[cid].reason)


def test_reason_quotes_the_comparison(trial):
    _, by_id = judge(trial, BASE + "Hemoglobin 79 g/L.")
    assert by_id["inc-5"].reason == "Your hemoglobin, 79 g/L, is below the required 85 g/L."
    _, by_id = judge(trial, BASE + "Hemoglobin 7.9 g/dL.")
    assert "79 g/L" in by_id["inc-5"].reason


def test_creatinine_exclusion_in_micromoles(trial):
    _, high = judge(trial, BASE + "Serum creatinine 265 μmol/L.")
    _, low = judge(trial, BASE + "Serum creatinine 150 μmol/L.")
    assert high["exc-1"].verdict == "fail"
    assert "2.998 mg/dL" in high["exc-1"].reason  # 265 μmol/L of creatinine, converted
    assert low["exc-1"].verdict == "pass"


@pytest.mark.parametrize(
    "cid, text",
    [
        ("exc-6", "She is HIV positive on antiretroviral therapy."),
        ("exc-6", "She has chronic hepatitis B."),
        ("exc-13", "She is currently pregnant, 12 weeks."),
        ("exc-13", "She is breastfeeding her 3-month-old."),
        ("exc-14", "She previously received CD19-targeted CAR-T therapy."),
        ("exc-2", "She has epilepsy treated with levetiracetam."),
        ("exc-1", "She needs hemodialysis three times a week."),
        ("exc-8", "She received the MMR vaccine 2 weeks ago."),
        ("exc-5", "She takes mycophenolate mofetil and will keep taking it right up to the leukapheresis."),
        ("exc-15", "She participated in another clinical trial 1 month ago."),
        ("exc-16", "She was treated for melanoma."),
    ],
)
def test_each_exclusion_triggers(trial, cid, text):
    result, by_id = judge(trial, BASE + NORMAL_LABS + text)
    assert by_id[cid].verdict == "fail", by_id[cid].reason
    assert result.eligibility == "ineligible"


@pytest.mark.parametrize(
    "cid, text",
    [
        ("exc-8", "She received the MMR vaccine 6 months ago."),  # outside 4 weeks
        ("exc-5", "She stopped mycophenolate mofetil 2 months ago."),  # outside 1 week
        ("exc-15", "She took part in a clinical study 1 year ago."),  # outside 3 months
        ("exc-2", "No history of seizures."),  # negation
        ("exc-2", "Her mother has epilepsy."),  # family history
        ("exc-16", "History of basal cell carcinoma of the skin."),  # an exception
    ],
)
def test_exclusion_not_triggered(trial, cid, text):
    _, by_id = judge(trial, BASE + NORMAL_LABS + text)
    assert by_id[cid].verdict == "pass", by_id[cid].reason


def test_family_history_is_said_in_the_reason(trial):
    _, by_id = judge(trial, BASE + "Her mother has epilepsy.")
    assert by_id["exc-2"].verdict == "pass"
    assert "A relative's epilepsy does not count" in by_id["exc-2"].reason


def test_absent_exclusion_is_assumed_and_said(trial):
    _, by_id = judge(trial, BASE)
    assert by_id["exc-6"].verdict == "pass"
    assert "did not mention" in by_id["exc-6"].reason


def test_male_patient_pregnancy_rules_do_not_apply(trial):
    _, by_id = judge(trial, "A 40-year-old man with SLE.")
    assert by_id["exc-13"].verdict == "not_applicable"
    assert by_id["inc-11"].verdict == "not_applicable"


def test_form_json_patient(trial):
    form = {
        "age": 72,
        "sex": "female",
        "conditions": ["systemic lupus erythematosus"],
        "measurements": [{"name": "hemoglobin", "value": 8.0, "unit": "g/dL"}, {"name": "platelets", "value": 150000, "unit": "/mm3"}],
        "medications": [{"name": "tacrolimus", "last_taken": "3 days ago"}],
        "pregnant": False,
    }
    result, by_id = judge(trial, form=form)
    assert result.eligibility == "ineligible"
    assert by_id["record-age"].verdict == "fail" and by_id["inc-1"].verdict == "fail"
    assert by_id["inc-5"].verdict == "fail"  # 80 g/L < 85
    assert by_id["inc-8"].verdict == "pass"
    # tacrolimus is immunosuppressive, 3 days ago: whether that is within 1 week before leukapheresis,
    # a later step of the study, depends on when leukapheresis is
    assert by_id["exc-5"].verdict == "unknown" and "leukapheresis" in by_id["exc-5"].questions[0]
    assert by_id["exc-13"].verdict == "pass"


def test_form_errors_name_the_field():
    from matcher.patient import PatientError

    for form, field in [
        ({"age": "old"}, "age"),
        ({"sex": "x"}, "sex"),
        ({"measurements": [{"name": "hemoglobin", "value": "low"}]}, "measurements[0].value"),
        ({"measurements": [{"name": "hemoglobin", "value": 9, "unit": "mmHg"}]}, "measurements[0].unit"),
        ({"medications": [{"name": "x", "last_taken": "whenever"}]}, "medications[0].last_taken"),
        ({"favourite": 1}, "favourite"),
    ]:
        with pytest.raises(PatientError) as err:
            read_form(form)
        assert err.value.field == field


def test_sparse_summary_leaves_labs_unknown_and_asks(trial):
    result, by_id = judge(trial, "I'm 34 and have lupus.")
    assert result.eligibility == "uncertain"
    for cid in ("inc-5", "inc-6", "inc-7", "inc-8"):
        assert by_id[cid].verdict == "unknown"
    assert "What was your most recent hemoglobin result?" in result.questions
    assert len(result.questions) == len(set(result.questions))
    assert not any("consent" in q.lower() for q in result.questions)


def test_administrative_criteria_are_not_questions(trial):
    _, by_id = judge(trial, BASE)
    for cid in ("inc-12", "inc-13", "exc-17"):
        assert not by_id[cid].checkable
        assert by_id[cid].questions == []


def _trial(conditions, inclusion="", exclusion=""):
    text = f"Inclusion Criteria:\n\n  - {inclusion}\n\nExclusion Criteria:\n\n  - {exclusion}\n" if exclusion else f"Inclusion Criteria:\n\n  - {inclusion}\n"
    trial = Trial(nct_id="NCT00000001", brief_title="A test trial", conditions=conditions, eligibility_text=text)
    trial.criteria = split_criteria(text)
    parse_criteria(trial.criteria)
    return trial


def test_an_exclusion_naming_the_studied_disease_is_a_question_not_a_fail():
    # NCT00007150 (hemochromatosis): "iron overload not due to HH" cannot exclude every HH patient
    trial = _trial(["Hemochromatosis"], "Adults with hereditary hemochromatosis",
                   "Patients with iron overload not due to HH (e.g. hepatitis C infection, porphyria cutanea tarda).")
    result = explain(trial, read_patient("A 51-year-old man with hereditary hemochromatosis."))
    (exc,) = [c for c in result.criteria if c.section == "exclusion"]
    assert exc.verdict == "unknown"
    assert "studies" in exc.reason and exc.questions
    assert result.eligibility == "uncertain"
    # the same exclusion in a trial about something else still excludes
    other = _trial(["Heart Failure"], "Adults with heart failure", "Iron overload or hemochromatosis.")
    assert explain(other, read_patient("A 51-year-old man with hereditary hemochromatosis.")).eligibility == "ineligible"


def test_no_other_malignancy_does_not_exclude_the_studied_cancer():
    trial = _trial(["Gastric Cancer"], "Gastric cancer. No other prior malignancy except nonmelanomatous skin cancer")
    own = explain(trial, read_patient("A 60-year-old man with gastric cancer."))
    assert own.eligibility != "ineligible"
    assert not [c for c in own.criteria if c.verdict == "fail"]
    # a cancer that may or may not be the studied one is asked about
    vague = explain(trial, read_patient("A 60-year-old man with adenocarcinoma."))
    assert vague.eligibility != "ineligible"
    assert any("other than gastric cancer" in q for q in vague.questions)
    # a second, different cancer still excludes
    second = explain(trial, read_patient("A 60-year-old man with gastric cancer and a history of melanoma."))
    assert second.eligibility == "ineligible"



@pytest.mark.parametrize("conditions, criterion, patient", [
    # the studied cancer is also filed under a broad class (MeSH "Neoplasms"), and the patient's
    # cancer is named only by its histology: it may be the studied one, so it is asked about
    (["Gastric Cancer", "Neoplasms"], "No other prior malignancy except nonmelanomatous skin cancer or carcinoma in situ of the cervix",
     "A 63-year-old man; endoscopy shows a diffuse-type adenocarcinoma with signet ring cells."),
    (["Breast Cancer", "Neoplasms"], "No other concurrent malignancy except adequately treated basal cell skin cancer",
     "A 52-year-old woman with a poorly differentiated carcinoma, ER positive."),
    (["Colorectal Cancer", "Neoplasms"], "Any other malignancy, except adequately treated carcinoma in situ of the cervix",
     "58M, adenocarcinoma found on colonoscopy, liver metastases."),
])
def test_other_malignancy_asks_when_the_patients_cancer_may_be_the_studied_one(conditions, criterion, patient):
    trial = _trial(conditions, "Adults with cancer", criterion) if criterion.startswith("Any") else _trial(conditions, criterion)
    result = explain(trial, read_patient(patient))
    judged = [c for c in result.criteria if c.text == criterion]
    assert judged and judged[0].verdict == "unknown", judged[0].reason if judged else result.criteria
    assert any("other than" in q for q in judged[0].questions)


def test_a_second_disease_besides_the_studied_one_is_named_when_other_ones_are_excluded():
    trial = _trial(["Addison's Disease"], "Primary adrenal insufficiency. No other endocrine disease")
    result = explain(trial, read_patient("A 33-year-old woman with Addison disease; she takes levothyroxine for Hashimoto thyroiditis."))
    (fail,) = [c for c in result.criteria if c.verdict == "fail"]
    assert "hashimoto" in fail.reason.lower() and "besides the adrenal insufficiency" in fail.reason

def test_a_drug_named_test_is_not_a_treatment():
    patient = read_patient("A 41-year-old woman. A low-dose dexamethasone suppression test showed no suppression of cortisol.")
    assert not [f for f in patient.facts if f.kind == "therapy"]
    treated = read_patient("A 41-year-old woman who takes dexamethasone 4 mg daily.")
    assert [f.concept for f in treated.facts if f.kind == "therapy"] == ["dexamethasone"]
