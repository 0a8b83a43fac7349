"""Patients read from the way people write: the hand-written sentence table.

``tests/data/patient_sentences.jsonl`` (see its .md) lists 380 sentences with the
facts a careful reader takes from them. These tests check the fields matcher
reads today: age, sex, and that negated, family, hypothetical and ruled-out
mentions are never read as the patient's own present facts. Rows the reader
still gets wrong are listed in KNOWN_GAPS (strict: a fixed row must leave the
list); ``python benchmarks/bench_patients.py`` prints precision and recall for
every field, stage and biomarkers included.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.patient import read_text

ROWS = [json.loads(line) for line in (Path(__file__).parent / "data" / "patient_sentences.jsonl").read_text().splitlines() if line.strip()]

# (row id, field): readings still wrong, by class
KNOWN_GAPS = {
    ("preg-002", "age"),  # "my 4 month old" is the writer's baby, not the writer
}


def _cases(field: str):
    for row in ROWS:
        if field in row["expect"]:
            marks = [pytest.mark.xfail(strict=True, reason="known gap")] if (row["id"], field) in KNOWN_GAPS else []
            yield pytest.param(row, id=row["id"], marks=marks)


@pytest.mark.parametrize("row", list(_cases("age")))
def test_age(row):
    expected, got = row["expect"]["age"], read_text(row["text"]).age
    if expected is None:
        assert got is None
    else:
        assert got is not None and abs(got - expected) < 0.05


@pytest.mark.parametrize("row", list(_cases("sex")))
def test_sex(row):
    assert read_text(row["text"]).sex == row["expect"]["sex"]


@pytest.mark.parametrize("row", list(_cases("not_present")))
def test_denied_family_and_hypothetical_mentions_are_not_the_patients(row):
    patient = read_text(row["text"])
    own = {f.concept for f in patient.facts if f.asserted and not f.historical and f.kind in ("condition", "therapy")}
    assert not own & set(row["expect"]["not_present"])


def test_table_is_large_and_varied():
    assert len(ROWS) >= 200
    assert sum(r["style"] == "lay" for r in ROWS) >= 60


# the sentences of the bug report behind issue 10: every field they state is read right
QUOTED = [
    "Serum pregnancy test is negative.", "HIV and hepatitis B/C serologies negative.", "I don't have diabetes.",
    "No other cancer.", "no prior malignancy", "my dad is 67", "she's 71", "52F", "58M", "I'm 47",
    "My husband has COPD.", "my son has asthma", "breast cancer, metastatic to bone",
    "52F with metastatic HER2-positive breast cancer", "stage IV", "T2N1M0", "HER2 positive", "ER-negative",
    "triple-negative breast cancer", "EGFR exon 19 deletion", "progressed on two prior lines",
    "Heart rate of 95/min, respiratory rate 22, temperature 38.4 °C, BP 142/91.", "alzhiemers diesease",
    "high blood presure", "donepezill", "I am on 60 mg of prednisone", "age 3 months",
]


def _status(f) -> str:
    return "family" if f.family else "negated" if f.negated else "hypothetical" if f.hypothetical else "historical" if f.historical else "present"


@pytest.mark.parametrize("text", QUOTED)
def test_the_reported_sentences_are_read_right(text):
    from matcher.vocabulary import condition_covers

    row = next(r for r in ROWS if r["text"] == text)
    e, p = row["expect"], read_text(text)
    if "age" in e:
        assert (p.age is None) if e["age"] is None else abs(p.age - e["age"]) < 0.05
    for field in ("sex", "pregnant", "stage", "tnm", "metastatic", "prior_lines"):
        if field in e:
            assert getattr(p, field) == e[field], field
    for want in e.get("conditions", []):  # the concept, or a kind of it ("HER2-positive breast cancer")
        assert any(condition_covers(want["concept"], f.concept) and _status(f) == want["status"]
                   for f in p.facts if f.kind == "condition"), want
    for want in e.get("measurements", []):
        assert any(f.concept == want["concept"] and abs(f.value - want["value"]) < 0.05 * max(1, abs(want["value"]))
                   for f in p.facts if f.kind == "measurement"), want
    for want in e.get("biomarkers", []):
        assert any(b["name"] == want["name"] and b["status"] == want["status"] for b in p.biomarkers), want
    own = {f.concept for f in p.facts if f.asserted and not f.negated}
    assert not own & set(e.get("not_present", []))


@pytest.mark.parametrize("text", [
    "agrees to contraception ≥1 yr post-infusion",
    "in remission > 5 yrs",
    "within 1 yr of screening",
    "SLE for 10 yrs",
    "HTN x 12 yrs, no hospital stays in the last 2 yrs",
])
def test_durations_are_not_ages(text):
    from matcher.demographics import read_age

    assert read_age(text) == (None, False)


@pytest.mark.parametrize("text, born", [
    ("CAR-T referral. F, born 1994, seen 03/2026.", 1994),
    ("Patient born in March 1961, retired teacher.", 1961),
    ("DOB: 1980. Lupus since 2010.", 1980),
    ("Born 1994; breastfeeding her 5-month-old.", 1994),
])
def test_a_birth_year_gives_an_approximate_age(text, born):
    from datetime import date

    from matcher.demographics import read_age

    age, approximate = read_age(text)
    assert approximate and age == date.today().year - born


@pytest.mark.parametrize("text, age", [
    ("36F with PBC. My baby is 5 months old and I'm still breastfeeding her.", 36),
    ("I'm 40. My mother is 70 and lives with us.", 40),
    ("My baby is 5 months old and has eczema.", 0.42),  # nobody else's age: the baby is the one described
    ("My daughter is 2 months old. I'm 29 and have asthma.", 29),  # the writer speaks of their own health
    ("My son is 9. I'm 41 and have had Crohn's for ten years.", 41),
    # the writer is the patient and gives no age: not the child's
    ("I'm 8 weeks pregnant, my son is 3", None),
    ("Our son is 3 and I am pregnant again.", None),
    ("My baby is 5 months old and I'm still breastfeeding her.", None),
    # a record's header
    ("TRIAL PRE-SCREENING H&P\nDate: 03/12/2025\nAge/Sex: 71 / M\n", 71),
    ("Age/Gender: 34/F", 34),
])
def test_a_relatives_age_is_not_the_patients(text, age):
    from matcher.demographics import read_age

    found, _ = read_age(text)
    assert found == age
