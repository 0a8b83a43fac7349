"""The parser's fast paths give exactly the answers of the slow ones, on real
criteria: the quantity, time-window and line-count readers' hints and
number-anchored searches, the unit table's one search before its rewrites, and
the lexicon's exact-text phrase matcher standing in for spaCy's token Matcher."""
from __future__ import annotations

import itertools
from importlib import resources

import pytest

from matcher.criteria import split_criteria
from matcher.models import Trial
from matcher.nlp import get_pipeline
from matcher.nlp.lexicon import all_patterns
from matcher.nlp.oncology import read_counts
from matcher.nlp.quantities import find_quantities
from matcher.nlp.windows import find_windows
from matcher.sources import load_records

CRAFTED = [
    "AST and ALT ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)", "bilirubin within normal limits",
    "creatinine below three times the upper limit", "Total bilirubin ≤ 1.5 × the institutional upper limit of normal",
    "ANC at least one thousand", "between six months and 18 years", "Hemoglobin ≥ 9 g/dL", "ECOG 0, 1 or 2",
    "platelets > 100,000/mm3", "no prior therapy", "Twice the upper limit of normal", "LLN or above",
    "2-fold above U.L.N.", "aged eighteen to sixty", "upper limits of normal", "HbA1c 7.5-10.5%",
    # comparators and ranges spread over long runs of spaces, tabs and line breaks: a match may
    # start further before its number than the comparator's own letters (the anchored search)
    "platelets greater    than   or   equal   to      100,000/mm3", "age between\t\t\t\t18 and 65 years",
    "Hb ≥\u00a0\u00a0\u00a0\u00a09 g/dL", "creatinine no more than\n\n\n\n 1.5 mg/dL", "from    .5 to 2 mg",
    "at least  two   weeks since surgery", "less than\n\n\n\n\n 4 weeks prior to study entry", "one hundred",
    "at least 2 prior LINES of therapy", "no more than three Regimens", "1-3 prior lines", "two or more prior regimens",
]


@pytest.fixture(scope="module")
def criteria_texts() -> list[str]:
    corpus = resources.files("matcher.bundled") / "ctgov-default.jsonl.gz"
    with resources.as_file(corpus) as path:
        trials = [t for t in itertools.islice(load_records([path]), 0, 800) if isinstance(t, Trial)]
    texts = list(dict.fromkeys(c.text for t in trials for c in split_criteria(t.eligibility_text)))
    assert len(texts) > 3000
    return texts + CRAFTED


@pytest.mark.parametrize("read, at_least", [(find_quantities, 1500), (find_windows, 400), (read_counts, 5)])
def test_hints_change_no_answer(criteria_texts, read, at_least):
    """What each reader finds with its shortcuts (hints, searches anchored at numbers)
    is what it finds trying every pattern everywhere."""
    found = 0
    for text in criteria_texts:
        fast = read(text)
        assert fast == read(text, hints=False), text
        found += len(fast)
    assert found > at_least


def test_the_lexicon_finds_what_spacys_entity_ruler_finds(criteria_texts):
    """The same candidate matches and the same entities as spaCy's EntityRuler,
    except that of two patterns on the same words the earlier one wins, where
    spaCy's choice depends on the order of a set."""
    from spacy.pipeline import EntityRuler

    nlp = get_pipeline("criteria")
    ours = nlp.get_pipe("matcher_lexicon")
    plain = EntityRuler(nlp, name="plain_ruler", phrase_matcher_attr="LOWER", overwrite_ents=True)
    plain.add_patterns(all_patterns(nlp.tokenizer))
    assert ours._trie.size > 13_000 and len(ours) == len(plain)
    entities = ties = 0
    for text in criteria_texts[:2500]:
        doc = nlp.make_doc(text)
        assert set(ours.match(doc)) == set(plain.match(doc)), text
        spans = {}
        for key, start, end in ours.match(doc):
            spans.setdefault((start, end), set()).add(key)
        a = [(e.start, e.end, e.label_, e.ent_id_) for e in ours(nlp.make_doc(text)).ents]
        b = [(e.start, e.end, e.label_, e.ent_id_) for e in plain(nlp.make_doc(text)).ents]
        assert [x[:2] for x in a] == [x[:2] for x in b], text
        for x, y in zip(a, b):
            if len(spans[x[:2]]) == 1:
                assert x == y, text
            else:
                ties += 1
        entities += len(a)
    assert entities > 2000 and ties < entities / 100


def test_of_two_patterns_on_the_same_words_the_earlier_file_wins():
    """ "fever" is a condition (curated lexicon) and a way to name the body
    temperature (analytes, read last): every text reads it the same way."""
    nlp = get_pipeline("criteria")
    ruler = nlp.get_pipe("matcher_lexicon")
    for text in ("No fever.", "fever, diarrhea or weight loss", "Unexplained fever for 2 weeks",
                 "Proteinuria", "proteinuria and hematuria", "History of heavy proteinuria"):
        labels = {(e.text.lower(), e.label_) for e in ruler(nlp.make_doc(text)).ents}
        assert labels & {("fever", "CONDITION"), ("proteinuria", "CONDITION")}, text
        assert not labels & {("fever", "LAB"), ("proteinuria", "LAB")}, text


def test_the_phrase_tokens_are_cached_and_a_bad_cache_is_read_afresh(tmp_path, monkeypatch):
    from matcher.nlp.lexicon import pattern_words

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    tokenizer = get_pipeline("criteria").tokenizer
    texts = ["type 2 diabetes mellitus", "non-small cell lung cancer", "HbA1c≥7%"]
    expected = [[t.text for t in tokenizer(x)] for x in texts]
    assert pattern_words(tokenizer, texts) == expected
    (cached,) = tmp_path.glob("lexicon-tokens-*.json")
    assert pattern_words(tokenizer, texts) == expected  # read back
    cached.write_text('[["truncated"', encoding="utf-8")
    assert pattern_words(tokenizer, texts) == expected
    cached.write_text('[["a"], ["b"], ["c"]]', encoding="utf-8")  # well-formed but for other texts: a new key
    assert pattern_words(tokenizer, texts + ["lupus"])[-1] == ["lupus"]
    assert len(list(tmp_path.glob("lexicon-tokens-*.json"))) == 1  # the older version is dropped
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("MATCHER_CACHE", str(blocked))
    assert pattern_words(tokenizer, texts) == expected  # an unwritable cache only costs time

    def homeless():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("MATCHER_CACHE")
    monkeypatch.setattr("matcher.nlp.lexicon.cache_dir", homeless)  # a user with no home directory
    assert pattern_words(tokenizer, texts) == expected


@pytest.mark.parametrize("module, hint, read", [
    ("matcher.nlp.doses", "_DOSE_HINT", "read_doses"),
    ("matcher.nlp.bloodpressure", "_PAIR_HINT", "read_pressures"),
])
def test_reader_hints_change_no_answer(criteria_texts, monkeypatch, module, hint, read):
    import importlib
    import re

    mod = importlib.import_module(module)
    texts = criteria_texts + ["prednisone 10mg daily", "BP 142/91 mmHg", "blood pressure less than 160/90", "5 g/day"]
    fast = [getattr(mod, read)(t) for t in texts]
    monkeypatch.setattr(mod, hint, re.compile(""))  # every text passes the hint
    assert fast == [getattr(mod, read)(t) for t in texts]
    assert sum(map(len, fast)) >= 4


@pytest.mark.parametrize("attr", ["ORTH", "LOWER", "NORM"])
def test_phrases_are_compared_on_the_attribute_the_ruler_is_configured_with(attr, tmp_path, monkeypatch):
    import spacy
    from spacy.pipeline import EntityRuler

    from matcher.nlp.lexicon import LexiconRuler
    from matcher.nlp.tokenizer import CONFIG

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    nlp = spacy.blank("en", config=CONFIG)
    patterns = [{"label": "CONDITION", "pattern": "Lupus Nephritis", "id": "lupus nephritis"},
                {"label": "LAB", "pattern": "HbA1c", "id": "hba1c"},
                {"label": "CONDITION", "pattern": [{"ORTH": "SLE"}], "id": "sle"},
                {"label": "CONDITION", "pattern": [{"LOWER": "type"}, {"ORTH": "2"}, {"LOWER": "diabetes"}], "id": "t2d"}]
    ours = LexiconRuler(nlp, name="ours", phrase_matcher_attr=attr, overwrite_ents=True)
    ours.add_patterns(patterns)
    plain = EntityRuler(nlp, name="plain", phrase_matcher_attr=attr, overwrite_ents=True)
    plain.add_patterns(patterns)
    for text in ["lupus nephritis and hba1c 7%", "Lupus Nephritis, HbA1c 7%", "SLE with Type 2 Diabetes", "sle, type 2 diabetes"]:
        assert [(e.text, e.label_, e.ent_id_) for e in ours(nlp.make_doc(text)).ents] == \
               [(e.text, e.label_, e.ent_id_) for e in plain(nlp.make_doc(text)).ents], (attr, text)


def test_unit_keys_are_the_same_without_the_search_before_the_rewrites(criteria_texts):
    """A unit notation's key is the same whether or not the rewrites ("per" -> "/",
    "grams" -> "g") are skipped when one search finds none of them: for every
    notation of the unit table, and for what follows each number in real criteria."""
    import re

    from matcher.units import _unit_key, _unit_table

    table = _unit_table()
    texts = [n for unit in table.units.values() for n in unit.notations]
    texts += [text[m.end(): m.end() + 32] for text in criteria_texts for m in re.finditer(r"\d", text)]
    rewritten = 0
    for text in texts:
        fast = _unit_key(text, table.spellings, table._any_spelling)
        slow = _unit_key(text, table.spellings)
        assert fast == slow, text
        rewritten += table._any_spelling.search(text) is not None
    assert len(texts) > 5000 and rewritten > 500


def test_covered_characters_are_those_some_span_holds():
    """Coverage marks a character read when some span (start, end) holds it, whatever the
    spans: overlapping, empty, reversed, starting before the text or ending after it."""
    import random

    from matcher.nlp.coverage import _covering

    rng = random.Random(7)
    for _ in range(500):
        length = rng.randrange(0, 60)
        spans = [(rng.randrange(-5, 70), rng.randrange(-5, 70)) for _ in range(rng.randrange(0, 8))]
        inside = _covering(spans, length)
        assert len(inside) == length
        assert [bool(b) for b in inside] == [any(s <= i < e for s, e in spans) for i in range(length)], spans


def test_a_lexicon_read_back_from_the_cache_finds_what_a_fresh_one_finds(criteria_texts, tmp_path, monkeypatch):
    """The lexicon ruler kept in the cache directory gives the entities of one built
    from the pattern files, on real criteria; a damaged file is built afresh, and
    another pipeline version or tokenizer uses another file."""
    import spacy

    from matcher.nlp.lexicon import compiled_path, make_lexicon
    from matcher.nlp.tokenizer import CONFIG

    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    nlp = spacy.blank("en", config=CONFIG)
    fresh = make_lexicon(nlp, "fresh", "LOWER")
    (kept,) = tmp_path.glob("lexicon-trie-*.json")
    assert kept == compiled_path(nlp.tokenizer, "LOWER")
    monkeypatch.setattr("matcher.nlp.lexicon.all_patterns", lambda *a, **k: pytest.fail("read the pattern files again"))
    cached = make_lexicon(nlp, "cached", "LOWER")
    assert len(cached) == len(fresh) > 12000
    found = 0
    for text in criteria_texts:
        ents = [(e.start, e.end, e.label_, e.ent_id_) for e in fresh(nlp.make_doc(text)).ents]
        assert ents == [(e.start, e.end, e.label_, e.ent_id_) for e in cached(nlp.make_doc(text)).ents], text
        found += len(ents)
    assert found > 5000
    monkeypatch.undo()
    monkeypatch.setenv("MATCHER_CACHE", str(tmp_path))
    for damaged in ('{"size": 3, "rank": [', '{"size": 3}', '[1, 2, 3]', '{"size": 1, "rank": [], "ids": [], "trie": 5}'):
        kept.write_text(damaged, encoding="utf-8")
        again = make_lexicon(nlp, "again", "LOWER")
        assert len(again) == len(fresh)
        assert [e.ent_id_ for e in again(nlp.make_doc("Lupus nephritis and HbA1c 7%")).ents] == ["lupus nephritis", "hba1c"]
    monkeypatch.setattr("matcher.pipeline_version.pipeline_version", lambda: "another-version")
    assert compiled_path(nlp.tokenizer, "LOWER") != kept
    assert compiled_path(nlp.tokenizer, "ORTH") != kept



def test_token_lists_and_span_texts_are_spacys(criteria_texts):
    """The token texts, offsets and span texts read once per document are what
    spaCy's Token and Span give, for every span of real criteria (spaces, line
    breaks and glued comparators included)."""
    from matcher.nlp.tokenizer import span_text, token_starts, token_texts

    nlp = get_pipeline("criteria")
    for text in criteria_texts[::40] + ["Age >= 18  years;\n\n  Hb≥9 g/dL .  No HIV"]:
        doc = nlp.make_doc(text)
        assert token_texts(doc) == [t.text for t in doc] and token_starts(doc) == [t.idx for t in doc]
        for start in range(len(doc) + 1):
            for end in range(max(start - 1, 0), len(doc) + 2):  # offsets as callers give them: never negative
                assert span_text(doc, start, end) == doc[start:end].text, (text, start, end)


def test_biomarker_phrases_skipped_by_their_words_change_no_answer(criteria_texts, monkeypatch):
    """An ASCII text without "tnbc", "hr", "mmr" ... is not searched for those
    results: it reads as when every text is searched. A non-ASCII text always is
    (IGNORECASE reads "MſS", with a long s, as MSS)."""
    from matcher.nlp import oncology

    texts = criteria_texts + [
        "Triple-negative breast cancer", "TNBC", "HR+ / HER2- disease", "hormone receptor negative", "MSI-H or dMMR",
        "pMMR/MSS colorectal cancer", "microsatellite stable", "MMR proficient", "MſS tumours", "ＨＲ positive",
        "Hormone-receptor positive (ER ≥ 1%)"]
    fast = [oncology.read_biomarkers(t) for t in texts]
    monkeypatch.setattr(oncology, "_scan", lambda rule, text, lower: rule[0].finditer(text))
    assert fast == [oncology.read_biomarkers(t) for t in texts]
    assert sum(map(len, fast)) > 12 and fast[texts.index("MſS tumours")]
