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
