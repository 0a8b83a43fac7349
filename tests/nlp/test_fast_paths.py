"""The parser's fast paths give exactly the answers of the slow ones, on real
criteria: the quantity patterns' hints, and the lexicon's exact-text phrase
matcher standing in for spaCy's token Matcher."""
from __future__ import annotations

import itertools
from importlib import resources

import pytest

from matcher.criteria import split_criteria
from matcher.models import Trial
from matcher.nlp import get_pipeline
from matcher.nlp.lexicon import all_patterns
from matcher.nlp.quantities import find_quantities
from matcher.sources import load_records

CRAFTED = [
    "AST and ALT ≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)", "bilirubin within normal limits",
    "creatinine below three times the upper limit", "Total bilirubin ≤ 1.5 × the institutional upper limit of normal",
    "ANC at least one thousand", "between six months and 18 years", "Hemoglobin ≥ 9 g/dL", "ECOG 0, 1 or 2",
    "platelets > 100,000/mm3", "no prior therapy", "Twice the upper limit of normal", "LLN or above",
    "2-fold above U.L.N.", "aged eighteen to sixty", "upper limits of normal", "HbA1c 7.5-10.5%",
]


@pytest.fixture(scope="module")
def criteria_texts() -> list[str]:
    corpus = resources.files("matcher.bundled") / "ctgov-default.jsonl.gz"
    with resources.as_file(corpus) as path:
        trials = [t for t in itertools.islice(load_records([path]), 0, 800) if isinstance(t, Trial)]
    texts = list(dict.fromkeys(c.text for t in trials for c in split_criteria(t.eligibility_text)))
    assert len(texts) > 3000
    return texts + CRAFTED


def test_quantity_hints_change_no_answer(criteria_texts):
    found = 0
    for text in criteria_texts:
        fast = find_quantities(text)
        assert fast == find_quantities(text, hints=False), text
        found += len(fast)
    assert found > 1500


def test_the_lexicon_finds_what_spacys_entity_ruler_finds(criteria_texts):
    from spacy.pipeline import EntityRuler

    nlp = get_pipeline("criteria")
    ours = nlp.get_pipe("matcher_lexicon")
    plain = EntityRuler(nlp, name="plain_ruler", phrase_matcher_attr="LOWER", overwrite_ents=True)
    plain.add_patterns(all_patterns(nlp.tokenizer))
    assert ours._exact is not None and len(ours) == len(plain)
    entities = 0
    for text in criteria_texts[:2500]:
        a = [(e.start, e.end, e.label_, e.ent_id_) for e in ours(nlp.make_doc(text)).ents]
        b = [(e.start, e.end, e.label_, e.ent_id_) for e in plain(nlp.make_doc(text)).ents]
        assert a == b, text
        entities += len(a)
    assert entities > 2000


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
