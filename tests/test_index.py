"""The Whoosh index: building, atomic swaps, updates, filters, safe queries."""
from __future__ import annotations

import pytest
from conftest import RECORDS

from matcher.errors import IndexNotFound, TrialNotFound
from matcher.filters import Filters
from matcher.index import TrialIndex, build_index, index_exists
from matcher.models import Trial
from matcher.sources import load_records


@pytest.fixture(scope="module")
def trials() -> list[Trial]:
    return [t for t in load_records([RECORDS]) if isinstance(t, Trial)]


@pytest.fixture
def ix_path(tmp_path, trials):
    build_index(tmp_path / "ix", trials, update=False)
    return tmp_path / "ix"


def test_build_and_get(ix_path, trials):
    with TrialIndex(ix_path) as ix:
        assert len(ix) == len(trials) == 4
        seed = ix.get("NCT05858684")
        assert seed.brief_title.startswith("Dual Target CAR-T")
        assert ix.get("nct05858684").nct_id == "NCT05858684"
        with pytest.raises(TrialNotFound):
            ix.get("NCT00000000")


def test_missing_index_is_a_clear_error(tmp_path):
    assert not index_exists(tmp_path)
    with pytest.raises(IndexNotFound, match="matcher index"):
        TrialIndex(tmp_path)


def test_search_finds_lupus_trial(ix_path):
    with TrialIndex(ix_path) as ix:
        hits = ix.search("systemic lupus erythematosus")
    assert hits[0].nct_id == "NCT05858684"


@pytest.mark.parametrize(
    "text",
    [
        "lupus AND NOT nifedipine",
        "lupus OR",
        "NOT",
        "lupus*",
        "lup?s",
        "title:lupus",
        '"systemic lupus',
        "lupus)",
        "(lupus",
        "[a TO z]",
        "{x TO}",
        "lupus^10",
        "lupus~2",
        "nct_id:NCT00000102",
        "* ? : ^ ~ \\ / ' \" < > = +",
        "\x00\x01 lupus \ufffd",
        "",
        "   ",
    ],
)
def test_query_syntax_is_plain_words(ix_path, text):
    with TrialIndex(ix_path) as ix:
        hits = ix.search(text)
        assert all(h.nct_id for h in hits)
        if "lupus" in text.lower():
            assert hits and hits[0].nct_id == "NCT05858684"
        # whatever the syntax, the query means its plain words and nothing more
        plain = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
        assert [h.nct_id for h in hits] == [h.nct_id for h in ix.search(plain)]


def test_field_prefix_is_not_a_field_query(ix_path):
    with TrialIndex(ix_path) as ix:
        # as a Whoosh query this would select exactly NCT00000102 by its id
        hits = ix.search("nct_id:NCT00000102")
    assert hits == []  # no trial's text contains these words


def test_a_field_that_is_not_searched_is_refused_not_silently_empty(ix_path):
    """The exclusion criteria's text is not indexed (nothing searches it): asking
    for it is an error naming the fields that are, not an empty answer."""
    with TrialIndex(ix_path) as ix:
        assert [h.nct_id for h in ix.search("lupus", fields={"conditions": 1.0})][:1] == ["NCT05858684"]
        with pytest.raises(ValueError, match="cannot search exclusion: the searched fields are title, conditions"):
            ix.search("lupus", fields={"exclusion": 1.0, "conditions": 1.0})


def test_operators_do_not_change_meaning(ix_path):
    with TrialIndex(ix_path) as ix:
        plain = [h.nct_id for h in ix.search("lupus nifedipine")]
        with_not = [h.nct_id for h in ix.search("lupus NOT nifedipine")]
    # NOT is a word (a stop word), not an operator: nifedipine trial still found
    assert "NCT00000102" in with_not
    assert sorted(plain) == sorted(with_not)


def test_filters(ix_path):
    with TrialIndex(ix_path) as ix:
        def ids(**kw):
            return {h.nct_id for h in ix.search("study patients disease", top=50, filters=Filters(**{"include_closed": True, **kw}))}

        everything = ids()
        assert "NCT05858684" in everything
        assert "NCT05858684" not in ids(age=72)  # seed trial: 18 to 70
        assert "NCT05858684" in ids(age=34)
        assert "NCT00000102" not in ids(age=40)  # 14 to 35
        assert ids(status=["recruiting"]) == {"NCT05858684"}
        assert ids(status=["Recruiting"]) == {"NCT05858684"}
        assert ids(country=["china"]) == {"NCT05858684"}
        assert "NCT00000102" in ids(phase=["Phase 2"]) and "NCT05858684" not in ids(phase=["phase2"])
        assert ids(study_type=["interventional"]) >= {"NCT05858684", "NCT00000102"}


def test_index_filters_agree_with_each_trials_filter_check(tmp_path, trials):
    """The index filters all trials at once (per distinct facet value); a result's
    own check (Filters.allows, used for the 'left out' list) must say the same."""
    varied = [Trial.from_dict(t.to_dict()) for t in trials]
    varied[1].sex, varied[2].sex = "female", "male"
    ix_path = tmp_path / "ix"
    build_index(ix_path, varied, update=False)
    closed = {"include_closed": True}
    cases = [Filters(sex="male", **closed), Filters(sex="female", **closed), Filters(age=34, sex="female", **closed),
             Filters(status=["recruiting", "completed"]), Filters(country=["china", "united states"], sex="male"),
             Filters(phase=["phase2", "phase3"], study_type=["interventional"], **closed),
             Filters(age=16, sex="male", **closed), Filters(sex="male", country=["france"], **closed),
             Filters(sex="female"), Filters()]
    with TrialIndex(ix_path) as ix:
        everything = ix.search("study patients disease", top=50, filters=Filters(include_closed=True))
        assert len(everything) == 4
        outcomes: set[frozenset[str]] = set()
        for flt in cases:
            kept = {h.nct_id for h in ix.search("study patients disease", top=50, filters=flt)}
            assert kept == {h.nct_id for h in everything if flt.allows(ix.facets_of(h))}, flt
            outcomes.add(frozenset(kept))
            # asked again (masks cached per distinct verdict): the same
            assert kept == {h.nct_id for h in ix.search("study patients disease", top=50, filters=flt)}
    assert len(outcomes) >= 6  # the cases tell the trials apart
    assert frozenset() in outcomes and frozenset(h.nct_id for h in everything) in outcomes


def test_update_replaces_by_nct_id(ix_path, trials):
    seed = next(t for t in trials if t.nct_id == "NCT05858684")
    changed = Trial.from_dict(seed.to_dict())
    changed.brief_title = "Renamed trial"
    report = build_index(ix_path, [changed])
    assert report.indexed == 1 and report.total == 4
    with TrialIndex(ix_path) as ix:
        assert len(ix) == 4
        assert ix.get("NCT05858684").brief_title == "Renamed trial"
        assert len([h for h in ix.search("renamed trial", top=10) if h.nct_id == "NCT05858684"]) == 1


def test_duplicates_in_one_build_are_indexed_once(tmp_path, trials):
    report = build_index(tmp_path / "ix", trials + trials, update=False)
    assert report.total == 4


def test_interrupted_rebuild_keeps_the_previous_index(ix_path, trials):
    reader = TrialIndex(ix_path)  # a reader already serving

    def crashing():
        yield trials[0]
        raise KeyboardInterrupt  # Ctrl-C halfway through

    with pytest.raises(KeyboardInterrupt):
        build_index(ix_path, crashing(), update=False)
    # the reader in service and a newly opened one both see the old index
    assert len(reader) == 4
    reader.close()
    with TrialIndex(ix_path) as ix:
        assert len(ix) == 4
        assert ix.search("lupus")[0].nct_id == "NCT05858684"
    # and no half-written generation was left behind
    assert len(list(ix_path.glob("gen-*"))) == 1


def test_reader_keeps_working_across_a_swap(ix_path, trials):
    reader = TrialIndex(ix_path)
    build_index(ix_path, trials[:1], update=False)
    assert len(reader) == 4  # old generation is still readable
    reader.close()
    with TrialIndex(ix_path) as ix:
        assert len(ix) == 1


def test_an_update_adds_a_segment_and_never_touches_the_generation_in_service(ix_path, trials):
    import hashlib
    import os

    old = (ix_path / "CURRENT").read_text().strip()

    def files(generation: str) -> dict[str, tuple[str, int]]:
        out = {}
        for path in sorted((ix_path / generation).iterdir()):
            out[path.name] = (hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_ino)
        return out

    before = files(old)
    changed = trials[0]
    changed.overall_status = "WITHDRAWN"
    report = build_index(ix_path, [changed])
    assert report.total == len(trials)
    assert files(old) == before  # readers still on the old generation see exactly what they saw
    new = files(report.generation)
    shared = {name for name in new if name in before and name != "matcher.json"}  # each generation writes its own
    assert new["matcher.json"][1] != before["matcher.json"][1]
    assert shared and all(new[name][1] == before[name][1] for name in shared)  # hard links, not copies
    with TrialIndex(ix_path) as ix:
        assert ix.get(changed.nct_id).overall_status == "WITHDRAWN"
        assert len(ix) == len(trials)


def test_a_stored_record_is_the_json_of_the_trials_dict(trials):
    """The record the index stores for a trial, written straight from its attributes,
    is the JSON of ``trial.to_dict()``: for parsed trials (criteria, constraints, time
    windows, sites), and for one holding an attribute that is not a field."""
    import json

    from matcher.prepare import prepare_trials
    from matcher.models import to_json

    parsed = list(prepare_trials(trials, []))
    assert any(c.constraints for t in parsed for c in t.criteria)
    assert any(con.window is not None for t in parsed for c in t.criteria for con in c.constraints)
    odd = Trial.from_dict(parsed[0].to_dict())
    odd.extra = "not a field"  # written as to_dict writes it: fields only
    for trial in [*parsed, odd]:
        assert to_json(trial) == json.dumps(trial.to_dict(), ensure_ascii=False)


def test_segments_written_with_remembered_lengths_are_whooshs_own(tmp_path, trials, monkeypatch, whoosh_text):
    """The writer's flush reads field lengths from lists made once per field; the segment
    it writes holds the same terms, postings and per-term length statistics as one
    written by Whoosh's own flush."""
    from whoosh import index as windex
    from whoosh.writing import SegmentWriter

    from matcher.index import writer

    def contents(path):
        ix = windex.open_dir(str(path / next(p.name for p in path.iterdir() if p.name.startswith("gen-"))))
        with ix.reader() as reader:
            out = {}
            for field, term in reader.all_terms():
                info = reader.term_info(field, term)
                out[field, term] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                    info.max_weight(), list(reader.postings(field, term).items_as("weight")))
            lengths = {(n, f): reader.doc_field_length(n, f) for n in range(reader.doc_count_all())
                       for f in ("title", "inclusion", "exclusion")}
        ix.close()
        return out, lengths

    build_index(tmp_path / "ours", trials, update=False)
    monkeypatch.setattr(writer._SegmentWriter, "per_document_reader", SegmentWriter.per_document_reader)
    build_index(tmp_path / "whoosh", trials, update=False)
    ours, theirs = contents(tmp_path / "ours"), contents(tmp_path / "whoosh")
    assert len(ours[0]) > 500 and any(v[2] != v[3] for v in ours[0].values())
    assert ours == theirs


@pytest.mark.parametrize("few", [200, 0], ids=["ids-one-by-one", "ids-column"])
def test_ties_are_broken_by_nct_id_whatever_the_document_order(tmp_path, trials, monkeypatch, few):
    """Trials with the same words score the same; which of them make the cut
    must not depend on the order a build happened to write them in (a parallel
    build writes segments in the order its workers finish)."""
    import dataclasses

    from matcher.index import reader
    from matcher.index.schema import query_terms

    monkeypatch.setattr(reader, "FEW_IDS", few)  # tied ids read one by one, or the whole column

    seed = next(t for t in trials if t.nct_id == "NCT05858684")
    twins = [dataclasses.replace(seed, nct_id=f"NCT0900{n:04d}") for n in range(30)]
    found = []
    for name, order in (("forward", twins), ("backward", twins[::-1])):
        build_index(tmp_path / name, order, update=False)
        with TrialIndex(tmp_path / name) as ix:
            hits = ix.search("systemic lupus erythematosus", top=3)
            kept, _, closed = ix.search_split({t: 1.0 for t in query_terms("lupus")}, top=4,
                                              count_closed=True, filters=Filters())
        assert len({h.score for h in hits}) == 1  # all tied
        found.append(([h.nct_id for h in hits], [h.nct_id for h in kept], closed))
    assert found[0] == found[1]
    assert found[0][0] == ["NCT09000000", "NCT09000001", "NCT09000002"]
    assert found[0][1] == ["NCT09000000", "NCT09000001", "NCT09000002", "NCT09000003"]


def test_an_update_merges_only_the_smallest_segments_up_to_a_bound(tmp_path, trials, monkeypatch):
    """An update's segment takes in the smallest segments while they hold MERGE_DOCS
    documents or fewer together, and only when there are MERGE_MIN_SEGMENTS of them:
    applying a day's changes to the registry never rewrites a large share of it
    (Whoosh's own policy folded 55,000 of 300,000 trials into a 1,000-trial update).
    Every trial stays, replaced ones once, and searches find the same."""
    from whoosh import index as windex

    from matcher.index import writer

    def segment_sizes(path):
        ix = windex.open_dir(str(path / (path / "CURRENT").read_text().strip()))
        sizes = sorted(s.doc_count_all() for s in ix._segments())
        ix.close()
        return sizes

    trials = [Trial.from_dict({**trials[i % len(trials)].to_dict(), "nct_id": f"NCT9{i:07d}"}) for i in range(12)]
    path = tmp_path / "ix"
    build_index(path, trials[:1], update=False)
    monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", 100)
    for trial in trials[1:12]:  # eleven updates of one trial each, none merging: twelve segments of one
        build_index(path, [trial])
    assert segment_sizes(path) == [1] * 12
    with TrialIndex(path) as ix:
        before = [h.nct_id for h in ix.search("lupus", top=20)]
    monkeypatch.setattr(writer, "MERGE_DOCS", 5)
    monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", 4)
    changed = trials[0]
    changed.overall_status = "WITHDRAWN"
    build_index(path, [changed])  # its own trial, plus the five smallest folded in
    assert segment_sizes(path) == [1] * 7 + [5]  # and the replaced copy of trials[0] dropped
    monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", 8)
    build_index(path, [trials[1]])  # seven segments within the bound, fewer than eight: no merge
    assert segment_sizes(path) == [1] * 8 + [5]
    with TrialIndex(path) as ix:
        assert len(ix) == 12
        assert ix.get(changed.nct_id).overall_status == "WITHDRAWN"
        assert [h.nct_id for h in ix.search("lupus", top=20)] == before
        assert len(before) >= 3


def test_the_score_cache_grows_with_the_index(ix_path, monkeypatch):
    """The per-term score arrays a search needs grow with the trials holding them,
    so the cache is sized by the index: with room for a search's terms a repeated
    search reads no postings; with a fixed budget below them it reads them all again."""
    from matcher.index import columns, reader

    reads = []
    real = columns.postings_many
    monkeypatch.setattr(columns, "postings_many", lambda *a, **k: reads.extend(a[1]) or real(*a, **k))
    query = {t: 1.0 for t in ("lupus", "nephritis", "adult", "women", "hemoglobin", "therapy")}

    def second_search_reads(floor: int, per_trial: int) -> int:
        monkeypatch.setattr(reader, "SCORE_CACHE_BYTES", floor)
        monkeypatch.setattr(reader, "SCORE_CACHE_BYTES_PER_TRIAL", per_trial)
        with TrialIndex(ix_path) as ix:
            ix.search_split(query, top=5)
            reads.clear()
            ix.search_split(query, top=5)
            return len(reads)

    assert second_search_reads(floor=1, per_trial=2**20) == 0
    assert second_search_reads(floor=1, per_trial=0) > 0
