"""No text, however odd, crashes the criteria pipeline."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.nlp import parse_criterion

PIECES = st.sampled_from(
    [
        "≥", "≤", "<", ">", "=", "×10^9/L", "x10*9/l", "/mm3", "mg/dL", "μmol/L", "ULN", "times the upper limit of normal",
        "within", "weeks", "prior to", "no", "not", "except", "other than", "history of", "HIV", "SLE", "hemoglobin",
        "AST/ALT", "or", "and", ";", ".", ":", "(", ")", "[", "]", "18", "2.5", "1,500", "-", "–", "between", "aged",
        "years old", "pregnant", "women of childbearing potential", "informed consent", "\n", "\r\n", "  ", "•", "0 or 1",
        "mg", "μg", "µg", "daily", "per day", "prednisone", "stage IV", "IIIB", "HER2-positive", "KRAS G12C", "inhibitor",
        "prior lines", "at least 2", "regimens", "allergy to", "penicillin", "with or without", "T2N1M0", "PD-L1 50%",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text(text):
    for section in ("inclusion", "exclusion"):
        for c in parse_criterion(text, section):
            assert c.polarity in ("require", "forbid")
            assert 0 <= c.start <= c.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map(" ".join))
def test_criterion_like_soup(text):
    for c in parse_criterion(text, "exclusion"):
        assert c.kind in {
            "age", "sex", "pregnancy", "lactation", "childbearing_potential", "contraception",
            "condition", "measurement", "therapy", "admin", "allergy", "stage", "biomarker", "count",
        }
        assert text[c.start : c.end] == c.text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_patient_text_reads(text):
    from matcher.patient import read_text

    patient = read_text(text)
    assert patient.age is None or 0 <= patient.age <= 120


def test_overlong_inputs_are_refused_or_bounded():
    import pytest

    from matcher.patient import PatientError, read_text

    with pytest.raises(PatientError, match="too long"):
        read_text("lupus " * 20_000)
    # a criterion far beyond spaCy's limit is parsed from its start, not refused
    assert parse_criterion("No HIV infection. " + "x" * 1_100_000, "inclusion")


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES | st.sampled_from(["my dad is", "52F", "she's", "denies", "negative", "neg", "in her sixties",
                                          "August 12", "2 weeks ago", "in May 2026", "twice a day", "allergic to"]),
                max_size=40).map(" ".join))
def test_patient_like_soup(text):
    from matcher.patient import read_text

    patient = read_text(text)
    assert patient.age is None or 0 <= patient.age <= 120
    assert patient.prior_lines is None or patient.prior_lines >= 0
    for fact in patient.facts:
        assert fact.days_ago is None or fact.days_ago >= 0


def test_a_word_longer_than_any_lexicon_word_is_not_spell_checked(monkeypatch):
    """A one-edit neighbourhood grows with the square of a word's length: 20,000 letters of garbage
    took 100 s and 20 GB before this limit."""
    from matcher import spelling

    def no_edits(word):
        raise AssertionError(f"edits of a {len(word)}-letter word")

    monkeypatch.setattr(spelling, "_one_edit", no_edits)
    assert spelling.suggest("x" * 5000) is None
