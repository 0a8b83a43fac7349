"""Documents are indexed, and queries read, through ``analyze``: the terms of
Whoosh's StemmingAnalyzer computed faster. They must be the same terms, on real
trial text and awkward text, and an index must keep Whoosh's own analyzer in its
schema so that any version of matcher can open it."""
from __future__ import annotations

import itertools
from importlib import resources

import pytest
from whoosh.analysis import StemmingAnalyzer

from matcher.index import schema
from matcher.index.schema import ANALYZER, EXPRESSION, analyze
from matcher.models import Trial
from matcher.sources import load_records

AWKWARD = ["", "a", "I am", "The AND of", "x" * 300, "café naïve Größe 2.5mg/dL 10^9/L ≥ ULN", "İstanbul ǅemal",
           "e.g. i.e. U.S.A. 3.14.15", "lupus* OR nephr?tis", "don't won't", "\x00\ud800 lone surrogate", "٣ ١٢ 漢字テキスト",
           "running runs ran runner", "Patients' patients patient's"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = resources.files("matcher.bundled") / "ctgov-default.jsonl.gz"
    with resources.as_file(corpus) as path:
        trials = [t for t in itertools.islice(load_records([path]), 0, 300) if isinstance(t, Trial)]
    found = [x for t in trials for x in (t.brief_title, t.official_title, t.brief_summary, t.detailed_description,
                                         t.eligibility_text, " ".join(t.conditions)) if x]
    assert len(found) > 1000
    return found + AWKWARD


def whoosh_terms(text: str, **kwargs) -> list[str]:
    return [t.text for t in StemmingAnalyzer(expression=EXPRESSION)(text, **kwargs)]


def test_the_same_terms_as_whooshs_stemming_analyzer(texts):
    count = 0
    for text in texts:
        expected = whoosh_terms(text, mode="index")
        assert analyze(text) == expected == [t.text for t in ANALYZER(text)], text
        count += len(expected)
    assert count > 30_000


def test_the_stem_memo_stays_bounded(texts, monkeypatch):
    monkeypatch.setattr(schema, "STEM_MEMO", 50)
    monkeypatch.setattr(schema, "_stems", {})
    for text in texts[:100]:
        assert analyze(text) == whoosh_terms(text)
        assert len(schema._stems) <= 50


def test_an_index_keeps_whooshs_own_analyzer(tmp_path, seed_trial, whoosh_text):
    """Only Whoosh's classes are pickled into the index, and the terms indexed
    from ``analyze``'s lists are those Whoosh indexes from the text itself
    (a generation of format 2, whose text Whoosh indexes too)."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import CompositeAnalyzer

    from matcher.index.writer import build_index

    build_index(tmp_path / "ix", [seed_trial], update=False)
    from matcher.index.store import current_generation

    ix = whoosh_index.open_dir(str(tmp_path / "ix" / current_generation(tmp_path / "ix")))
    for name in schema.TEXT_FIELDS:
        analyzer = ix.schema[name].analyzer
        assert type(analyzer) is CompositeAnalyzer and analyzer.__module__.startswith("whoosh")
    with ix.searcher() as searcher:
        indexed = set(searcher.lexicon("inclusion"))
    text = " ".join(c.text for c in seed_trial.criteria if c.section == "inclusion")
    assert indexed == {t.encode() for t in whoosh_terms(text)}


def test_the_postings_files_hold_the_terms_whoosh_would_index(tmp_path, seed_trial):
    """Since format 3 the text is indexed in the postings files only: their terms
    are those Whoosh's analyzer gives for the text, and the schema pickles only
    Whoosh's own classes."""
    from matcher.index import TrialIndex
    from matcher.index.writer import build_index

    build_index(tmp_path / "ix", [seed_trial], update=False)
    with TrialIndex(tmp_path / "ix") as ix:
        assert all(type(f).__module__.startswith("whoosh") for _, f in ix._ix.schema.items())
        (file,) = ix._postings
        indexed = {text.split(b"\0", 1)[1] for text in file.key_texts() if text.startswith(b"inclusion\0")}
    text = " ".join(c.text for c in seed_trial.criteria if c.section == "inclusion")
    assert indexed == {t.encode() for t in whoosh_terms(text)} and len(indexed) > 50
