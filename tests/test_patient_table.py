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
    ("age-024", "age"),  # ages in words: "seventy two"
    ("age-029", "age"),  # "Twenty-four-year-old"
    ("age-033", "age"),  # "turns 80 next month"
    ("preg-002", "age"),  # "my 4 month old" is the writer's baby, not the writer
    ("fam-005", "sex"),  # "my sister has lupus and I'm worried about myself"
    ("fam-005", "not_present"),  # the same: read as a caregiver writing about her sister
    ("sex-014", "sex"),  # "my sister's husband"
    ("preg-012", "sex"),  # "G2P1 at 32 weeks gestation"
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
