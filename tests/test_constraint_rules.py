"""Phrasings whose meaning turns on one word: permissions, washouts, prohibitions."""
from __future__ import annotations

import pytest

from matcher.nlp import parse_criterion


def rows(text, section="inclusion"):
    return sorted((c.kind, c.polarity, c.concept, c.window.days if c.window else None) for c in parse_criterion(text, section))


@pytest.mark.parametrize(
    "text, section, expected",
    [
        # a permission is not a requirement: a patient without radiotherapy may join
        ("Prior radiotherapy allowed", "inclusion", []),
        ("Concurrent Medication: Allowed: Pneumocystis prophylaxis with trimethoprim.", "inclusion", []),
        # a prohibition forbids, whichever section it is written under
        ("Concurrent Medication: Excluded: Zidovudine (AZT).", "inclusion", [("therapy", "forbid", "zidovudine", None)]),
        ("Concurrent Medication: Excluded: Zidovudine (AZT).", "exclusion", [("therapy", "forbid", "zidovudine", None)]),
        ("Prior chemotherapy not allowed", "inclusion", [("therapy", "forbid", "chemotherapy", None)]),
        # a washout forbids the therapy inside the window
        ("At least 4 weeks since prior chemotherapy and recovered", "inclusion", [("therapy", "forbid", "chemotherapy", 28.0)]),
        ("Less than 2 weeks since major surgery", "exclusion", [("therapy", "forbid", "major surgery", 14.0)]),
        # plain statements keep the section's sense
        ("No prior chemotherapy", "inclusion", [("therapy", "forbid", "chemotherapy", None)]),
        ("Prior chemotherapy", "exclusion", [("therapy", "forbid", "chemotherapy", None)]),
        ("Prior chemotherapy required", "inclusion", [("therapy", "require", "chemotherapy", None)]),
    ],
)
def test_meaning(text, section, expected):
    assert rows(text, section) == sorted(expected)


def ages(text, section="inclusion"):
    return [(c.comparator, c.value, c.value_max) for c in parse_criterion(text, section) if c.kind == "age"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # real corpus phrasings where a number near "adults" or "age" is not an age bound
        ("Twenty to thirty adults with acquired anemia and good long-term prognosis will be accepted for study "
         "if chelation can be initiated early in their transfusion history (less than 30-50 units).", []),
        ("Exercise duration which is less than 10th percentile predicted for age/gender despite a trial of a beta-blocker", []),
        # a bound for some participants only is not a bound for all
        ("If age is 40 to 45 years, normal submaximal stress test to screen for asymptomatic coronary artery disease.", []),
        ("Other: Mammogram required within 1 year prior to entry for women aged 40 and over", []),
        # "No patients <= 5 years old" excludes the young: the patient must be older than 5
        ("No patients less than or equal to 5 years old.", [(">", 5.0, None)]),
        # the usual ways of stating an age still read as ages
        ("Age: 18 and over", [(">=", 18.0, None)]),
        ("Aged ≥ 18", [(">=", 18.0, None)]),
        ("Age 18-65", [("between", 18.0, 65.0)]),
        ("Patients over 18 years", [(">", 18.0, None)]),
        ("Women aged 40 and over", [(">=", 40.0, None)]),
        ("In good general health, aged 18 to 65 years", [("between", 18.0, 65.0)]),
    ],
)
def test_age_only_where_it_bounds_everyone(text, expected):
    assert ages(text) == expected


def test_unwillingness_is_a_commitment_not_a_therapy():
    (c,) = parse_criterion("Unwillingness to take acetaminophen for pain relief", "exclusion")
    assert (c.kind, c.checkable) == ("admin", False)


def test_other_is_kept_as_a_qualifier():
    (c,) = parse_criterion("No other prior malignancy except nonmelanomatous skin cancer", "inclusion")
    assert (c.polarity, c.concept) == ("forbid", "malignancy")
    assert "other" in c.qualifiers
