"""What we understood: spelling read as meant, other languages refused plainly, a summary people can check."""
from __future__ import annotations

import pytest

from matcher.language import other_language
from matcher.patient import read_text
from matcher.spelling import suggest
from matcher.understood import summarize


@pytest.mark.parametrize("written, meant", [
    ("alzhiemers", "alzheimers"), ("diesease", "disease"), ("presure", "pressure"), ("donepezill", "donepezil"),
    ("parkinsons", None), ("metformin", None), ("diabetes", None), ("because", None), ("hospital", None),
])
def test_misspelled_medical_words_are_read_as_meant(written, meant):
    assert suggest(written) == meant


def test_a_corrected_word_becomes_a_fact_and_a_note():
    patient = read_text("my mom has alzhiemers diesease and high blood presure, she takes donepezill")
    concepts = {f.concept for f in patient.facts}
    assert {"alzheimer disease", "hypertension", "donepezil"} <= concepts
    assert any("alzhiemers" in n for n in patient.notes)


@pytest.mark.parametrize("text, language", [
    ("Tengo diabetes y tomo metformina, soy de México y tengo 54 años", "Spanish"),
    ("Mi madre tiene cáncer de mama y está en quimioterapia", "Spanish"),
    ("J'ai un cancer du sein et je prends du tamoxifène depuis deux ans", "French"),
    ("Ich habe Diabetes und nehme seit drei Jahren Metformin", "German"),
    ("covid positive on monday, 63 y/o", None),
    ("52F with metastatic HER2-positive breast cancer", None),
    ("I have diabetes and take metformin", None),
])
def test_other_languages_are_named(text, language):
    assert other_language(text) == language


def test_text_in_another_language_gives_no_facts_and_says_so():
    patient = read_text("Tengo soja en la dieta y diabetes, soy de México y tengo 54 años")
    assert patient.language == "Spanish" and not patient.facts
    assert "English" in patient.notes[0]


def test_summary_lists_what_was_read_with_its_status():
    summary = summarize(read_text(
        "I'm 47, type 2 diabetic on metformin 1000 mg twice a day. No heart disease. My father had a stroke. "
        "Stage IIIB lung cancer, EGFR exon 19 deletion. BP 142/91. NKDA."))
    assert summary["age"] == 47
    statuses = {c["name"]: c["status"] for c in summary["conditions"]}
    assert statuses.get("type 2 diabetes") == "yes" and statuses.get("heart disease") == "denied"
    assert any(s == "a relative's" for n, s in statuses.items() if "stroke" in n)
    assert summary["stage"] == "IIIB"
    assert {"name": "EGFR", "status": "mutated", "detail": "exon 19 deletion"} in summary["biomarkers"]
    assert any(m["name"] == "metformin" and m.get("dose") == "2000 mg a day" for m in summary["medications"])
    assert any("systolic blood pressure: 142" in m["shown"] for m in summary["measurements"])
    assert summary["allergies"] == [{"name": "any drug", "status": "denied"}]
    assert summary["lines"][0].startswith("You: 47 years old")


def test_nothing_read_is_said_plainly():
    patient = read_text("asdf qwerty zxcv")
    assert any("found no age" in n for n in patient.notes)


@pytest.mark.parametrize("text, age", [
    ("he's seventy two and has copd", 72), ("Twenty-four-year-old female with sickle cell disease", 24),
    ("she turns 80 next month", 79), ("I have two kids and I'm forty one", 41), ("I am one of three sisters", None),
])
def test_ages_in_words(text, age):
    from matcher.demographics import read_age

    assert read_age(text)[0] == age
