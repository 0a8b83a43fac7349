"""What we understood: spelling read as meant, other languages refused plainly, a summary people can check."""
from __future__ import annotations

import pytest

from matcher.language import other_language
from matcher.patient import read_text
from matcher.spelling import another_form, suggest
from matcher.understood import summarize


@pytest.mark.parametrize("written, meant", [
    ("alzhiemers", "alzheimers"), ("diesease", "disease"), ("presure", "pressure"), ("donepezill", "donepezil"),
    ("parkinsons", None), ("metformin", None), ("diabetes", None), ("because", None), ("hospital", None),
])
def test_misspelled_medical_words_are_read_as_meant(written, meant):
    assert suggest(written) == meant


@pytest.mark.parametrize("written", ["cannulate", "worried", "lactated", "misused", "cardioverted"])
def test_another_word_of_a_lexicon_words_stem_is_not_a_misspelling(written):
    """ "her arm veins have always been easy to cannulate" is not about cannulae in place."""
    assert suggest(written) is None


@pytest.mark.parametrize("written, meant", [("medikation", "medication"), ("sandly", "sandfly"),
                                            ("hallucination", "hallucinations"), ("methotrexat", "methotrexate")])
def test_a_misspelling_near_an_english_ending_is_still_read(written, meant):
    assert suggest(written) == meant


def test_a_misspelling_is_read_as_the_only_lexicon_word_one_edit_away():
    """Each kind of edit, on real lexicon words: the suggestion is the one word within one
    insertion, deletion, substitution or swap (checked by brute force), or none when two are."""
    import random

    from matcher.spelling import known_words, lexicon_words

    words = sorted(lexicon_words())
    assert len(words) > 3000

    def within_one(a: str, b: str) -> bool:
        if a == b or abs(len(a) - len(b)) > 1:
            return False
        if len(a) == len(b):
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                          and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
        short, long_ = sorted((a, b), key=len)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))

    rng = random.Random(7)
    by_length: dict[int, list[str]] = {}
    for w in words:
        by_length.setdefault(len(w), []).append(w)
    checked = 0
    for w in rng.sample(words, 150):
        i = rng.randrange(len(w) - 1)
        for typo in (w[:i] + w[i + 1:], w[:i] + "q" + w[i + 1:], w[:i] + "z" + w[i:], w[:i] + w[i + 1] + w[i] + w[i + 2:]):
            if typo in known_words() or typo in lexicon_words() or len(typo) < 6:
                continue
            near = {c for n in (len(typo) - 1, len(typo), len(typo) + 1) for c in by_length.get(n, []) if within_one(typo, c)}
            expected = next(iter(near)) if len(near) == 1 and not another_form(typo, next(iter(near))) else None
            assert suggest(typo) == expected, typo
            assert suggest(typo.upper()) == suggest(typo)
            checked += 1
    assert checked > 300


def test_the_spelling_words_are_cached_and_a_bad_cache_is_read_afresh(tmp_path, monkeypatch):
    from matcher import spelling

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    spelling.lexicon_words.cache_clear()
    expected = spelling.lexicon_words()
    (cached,) = tmp_path.glob("spelling-words-*.txt")

    def no_patterns(*args, **kwargs):
        raise AssertionError("the pattern files were read")

    with monkeypatch.context() as m:
        m.setattr("matcher.nlp.lexicon.all_patterns", no_patterns)
        spelling.lexicon_words.cache_clear()
        assert spelling.lexicon_words() == expected  # read back, without the pattern files
    whole = cached.read_text(encoding="utf-8")
    for damaged in (whole[: len(whole) // 2], whole.replace("\n", "\nNot A Word\n", 1), "", "\x00\xff"):
        cached.write_bytes(damaged.encode("utf-8", "surrogateescape") if damaged else b"")
        spelling.lexicon_words.cache_clear()
        assert spelling.lexicon_words() == expected
        assert cached.read_text(encoding="utf-8") == whole  # written again
    spelling.lexicon_words.cache_clear()


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
    ("EF 62%.\nHIV I & II - NR, HBsAg - NR, anti-HCV - NR, VDRL - NR", None),  # a lab line's repeated "NR"
    ("Hb 10.2 | TLC 3,800 | Plt 1.46 lakh | S.Cr 1.6 | SGOT 34 / SGPT 41 | T.Bil 0.6 | NR | NR | NR", None),
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
