"""The founding trial's eligible patient, written fourteen ways, is never told INELIGIBLE.

``tests/data/seed_patients.jsonl``: one patient who meets all 30 criteria of
NCT05858684, written by hand as clinician notes, in the first person, by a
caregiver and tersely (ages in lay forms, results as "negative"/"neg"/"came
back clear", g/dL and g/L, brand names). None of them may fail a criterion.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.eligibility import explain
from matcher.patient import read_text

ROWS = [json.loads(line) for line in (Path(__file__).parent / "data" / "seed_patients.jsonl").read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_seed_patient_is_never_ineligible(row, seed_trial):
    result = explain(seed_trial, read_text(row["text"]))
    failing = [(j.id, j.reason) for j in result.criteria if j.verdict == "fail"]
    assert result.eligibility != "ineligible", failing


def test_the_phrasings_vary():
    assert len(ROWS) >= 10
    assert {r["style"] for r in ROWS} >= {"clinician", "patient", "caregiver", "terse"}
