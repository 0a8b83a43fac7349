"""Each segment's postings file (matcher.index.postings) holds exactly Whoosh's
postings, however the segment was written; searches give the same scores with
and without it; a segment without one, or with a damaged one, is read through
Whoosh; and the file goes away with its segment."""
from __future__ import annotations

from math import log

import pytest
from conftest import RECORDS, seed_record

from matcher.index import TEXT_FIELDS, TrialIndex, build_index, columns, writer
from matcher.index import postings as segment_postings
from matcher.ingest import ingest

QUERIES = ["lupus nephritis CAR-T cell therapy", "metastatic breast cancer HER2 trastuzumab",
           "type 2 diabetes insulin kidney", "heart failure ejection fraction", "asthma children inhaled steroid"]


def _files(ix: TrialIndex) -> list:
    return ix._postings


def _check_files_hold_whoosh_postings(ix: TrialIndex) -> int:
    """Every term of every searched field, segment by segment: the file's
    postings are Whoosh's, weights bit for bit, and so is the document frequency."""
    checked = 0
    for (segment, _base), file in zip(ix._reader.leaf_readers(), _files(ix)):
        if file is None:
            continue
        for field in TEXT_FIELDS:
            # each document's length, in Whoosh's one-byte code, and the field's total
            lengths = [segment.doc_field_length(d, field) or 0 for d in range(segment.doc_count_all())]
            assert columns._BYTE_TO_LENGTH[file.length_codes(field).astype(int)].tolist() == lengths, field
            assert file.total_length(field) == segment.field_length(field), field
            terms = [t.decode() for t in segment.lexicon(field)]
            for term in terms:
                ids, weights = file.get(field, term)
                assert len(ids) == segment.doc_frequency(field, term)  # deleted documents included
                live = [not segment.is_deleted(d) for d in ids.tolist()]
                matcher = segment.postings(field, term)  # deleted documents left out
                want_ids, want_weights = [], []
                while matcher.is_active():
                    want_ids.append(matcher.id())
                    want_weights.append(matcher.weight())
                    matcher.next()
                assert ids[live].tolist() == want_ids, (field, term)
                assert weights[live].tolist() == want_weights, (field, term)  # bit for bit
                checked += 1
            assert file.get(field, "zzznotaterm")[0].tolist() == []
            together = file.get_many([(field, t) for t in terms] + [(field, "zzznotaterm")])  # one search for all
            assert [(i.tolist(), w.tolist()) for i, w in together] == \
                   [(i.tolist(), w.tolist()) for i, w in (file.get(field, t) for t in [*terms, "zzznotaterm"])]
    return checked


def _scores(ix: TrialIndex) -> list:
    return [[(h.nct_id, h.score) for h in ix.search(q, top=30)] for q in QUERIES]


def test_a_worker_build_writes_each_segment_s_postings_and_they_are_whoosh_own(tmp_path, monkeypatch, whoosh_text):
    import gzip
    import itertools

    from matcher.config import default_corpus_path

    monkeypatch.setattr(writer, "SEGMENT_DOCS", 150)
    sample = tmp_path / "sample.jsonl.gz"
    with gzip.open(default_corpus_path(), "rt", encoding="utf-8") as corpus, \
            gzip.open(sample, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(corpus, 400))
    ingest([sample], tmp_path / "ix", update=False, jobs=2)
    with TrialIndex(tmp_path / "ix") as ix:
        assert len(_files(ix)) >= 3 and all(f is not None for f in _files(ix))
        assert _check_files_hold_whoosh_postings(ix) > 5000
        with_files = _scores(ix)
        ix._postings = [None] * len(ix._postings)
        assert _scores(ix) == with_files


def test_the_in_process_writer_writes_them_too_and_searches_score_the_same_without_them(whoosh_text_index):
    with TrialIndex(whoosh_text_index) as ix:
        assert all(f is not None for f in _files(ix))
        assert _check_files_hold_whoosh_postings(ix) > 500
        with_files = _scores(ix)
        for term in ("lupu", "nephriti", "cancer", "diabet", "zzznotaterm"):
            for field in TEXT_FIELDS:
                _, _, frequency = columns.postings(ix._reader, field, term, files=_files(ix))
                assert frequency == ix._reader.doc_frequency(field, term)
                if frequency:
                    assert log(ix._doc_count / (frequency + 1)) + 1 == ix._searcher.idf(field, term)
    with TrialIndex(whoosh_text_index) as ix:
        ix._postings = [None] * len(ix._postings)  # every segment through Whoosh
        assert _scores(ix) == with_files
    assert any(hits for hits in with_files)


def test_keys_sharing_a_hash_are_told_apart_by_their_text(tmp_path, monkeypatch, whoosh_text):
    """A 64-bit hash shared by two keys (never seen, but possible) must not hand one
    term's postings to another: with a hash of 16 values, every lookup meets
    collisions, and the files still hold Whoosh's postings."""
    import hashlib

    monkeypatch.setattr(segment_postings, "_hash", lambda key: hashlib.blake2b(key, digest_size=8).digest()[0] % 16)
    ingest([str(RECORDS)], tmp_path / "ix", update=False)
    with TrialIndex(tmp_path / "ix") as ix:
        assert all(f is not None for f in _files(ix))
        assert _check_files_hold_whoosh_postings(ix) > 300
        with_files = _scores(ix)
        ix._postings = [None] * len(ix._postings)
        assert _scores(ix) == with_files


def test_updates_merges_and_deletions_read_the_same(whoosh_text_copy, tmp_path, monkeypatch):
    """An update's own segment gets a file; one that merged others carries theirs;
    deleted documents are left out either way."""
    index_copy = whoosh_text_copy
    monkeypatch.setattr(writer, "BUFFER", 1)
    sources = [seed_record(tmp_path, f"NCT0999999{n}", f"Lupus copy {n}") for n in range(3)]
    ingest(sources, index_copy, update=True)
    ingest([sources[1]], index_copy, update=True)  # replaces a trial: a deletion in an older segment
    with TrialIndex(index_copy) as ix:
        assert ix._reader.has_deletions() and sum(f is not None for f in _files(ix)) >= 2
        _check_files_hold_whoosh_postings(ix)
        got = _scores(ix)
        hits = ix.search("lupus copy", top=50)
        assert len({h.nct_id for h in hits}) == len(hits)  # the replaced trial is found once
    with TrialIndex(index_copy) as ix:
        ix._postings = [None] * len(ix._postings)
        assert _scores(ix) == got
    monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", 2)
    ingest([seed_record(tmp_path, "NCT09999995", "Lupus merged")], index_copy, update=True)
    with TrialIndex(index_copy) as ix:  # merged segments carry their files into the new one
        counts = [r.doc_count_all() for r, _ in ix._reader.leaf_readers()]
        assert len(counts) < 5 and None not in _files(ix)
        assert _check_files_hold_whoosh_postings(ix) > 500
        merged = _scores(ix)
        assert "NCT09999995" in {h.nct_id for h in ix.search("lupus merged", top=10)}
    with TrialIndex(index_copy) as ix:
        ix._postings = [None] * len(ix._postings)
        assert _scores(ix) == merged
    build_index(index_copy, [], optimize=True)
    generation = (index_copy / "CURRENT").read_text().strip()
    assert len(list((index_copy / generation).glob("*.postings"))) == 1  # the others went with their segments
    with TrialIndex(index_copy) as ix:  # one segment, deleted documents gone
        assert len(_files(ix)) == 1 and _files(ix)[0] is not None
        assert _check_files_hold_whoosh_postings(ix) > 500
        optimized = _scores(ix)
        ix._postings = [None]
        assert _scores(ix) == optimized


def test_a_segment_merged_without_a_file_makes_one_without_one(whoosh_text_copy, tmp_path, monkeypatch):
    index_copy = whoosh_text_copy  # format 2: Whoosh has the text to fall back on
    monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", 2)
    ingest([seed_record(tmp_path, "NCT09999991", "Lupus copy")], index_copy, update=True)
    generation = (index_copy / "CURRENT").read_text().strip()
    for path in (index_copy / generation).glob("*.postings"):
        path.unlink()
    ingest([seed_record(tmp_path, "NCT09999992", "Lupus other")], index_copy, update=True)
    with TrialIndex(index_copy) as ix:
        sizes = [r.doc_count_all() for r, _ in ix._reader.leaf_readers()]
        assert max(sizes) > 2  # the update's segment took the others in
        assert _files(ix) == [None] * len(sizes)  # not a file holding only the update's own postings
        assert "NCT09999992" in {h.nct_id for h in ix.search("lupus other", top=10)}


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other segment", "empty", "bad offsets"])
def test_a_damaged_postings_file_is_ignored_where_whoosh_has_the_text(whoosh_text_copy, damage):
    index_copy = whoosh_text_copy
    generation = (index_copy / "CURRENT").read_text().strip()
    with TrialIndex(index_copy) as ix:
        want = _scores(ix)
    files = sorted((index_copy / generation).glob("*.postings"))
    assert files
    for path in files:
        whole = path.read_bytes()
        if damage == "truncated":
            path.write_bytes(whole[: len(whole) // 2])
        elif damage == "garbage":
            path.write_bytes(b"\x00\xff" * 500)
        elif damage == "empty":
            path.write_bytes(b"")
        elif damage == "other segment":  # the header's document count no longer matches
            path.write_bytes(whole.replace(b'"docs": ', b'"docs": 1', 1))
        else:
            path.write_bytes(whole.replace(b'"starts": [', b'"starts": [9', 1))
    with TrialIndex(index_copy) as ix:
        assert _files(ix) == [None] * len(_files(ix))
        assert _scores(ix) == want


def test_a_recorder_given_something_other_than_term_lists_writes_nothing(tmp_path):
    recorder = segment_postings.PostingsRecorder({"title": 3.0})
    recorder.add(0, {"title": ["lupus", "nephritis", "lupus"]})
    assert recorder.write(tmp_path / "a.postings", 1)
    found = segment_postings.SegmentPostings.open(tmp_path / "a.postings", 1)
    ids, weights = found.get("title", "lupus")
    assert ids.tolist() == [0] and weights.tolist() == [6.0]
    assert not found.has_field("summary")
    found.close()
    recorder.add(1, {"title": "a whole string Whoosh would analyze itself"})
    assert not recorder.write(tmp_path / "b.postings", 2)
    assert not (tmp_path / "b.postings").exists()


@pytest.mark.parametrize("damage", ["truncated", "missing", "no lengths"])
def test_a_generation_of_format_3_with_an_unreadable_postings_file_is_refused(index_copy, damage):
    """Since format 3 the text is in the postings files only: a segment whose file
    cannot be read would silently lose its trials from every search, so opening
    the index says what is wrong and how to mend it."""
    from matcher.errors import IndexDamaged

    generation = (index_copy / "CURRENT").read_text().strip()
    path = sorted((index_copy / generation).glob("*.postings"))[0]
    whole = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(whole[: len(whole) // 2])
    elif damage == "missing":
        path.unlink()
    else:  # a file of format 1, as matcher wrote before lengths
        path.write_bytes(whole.replace(b'"lengths": [', b'"lengthz": [', 1))
    with pytest.raises(IndexDamaged, match=r"damaged.*matcher index --rebuild"):
        TrialIndex(index_copy)


def test_format_3_scores_exactly_as_format_2_through_updates_merges_and_optimize(tmp_path, monkeypatch):
    """The same trials and the same updates, written with the text in Whoosh too
    (format 2) and in the postings files only (format 3): every search gives the
    same trials with the same floats, and every trial's whole score array is equal."""
    import numpy as np

    from matcher.index import schema
    from matcher.index.schema import query_terms
    from matcher.models import Trial
    from matcher.sources import load_records

    sources = [seed_record(tmp_path, f"NCT0999999{n}", f"Lupus copy {n} nephritis") for n in range(4)]
    # build; update; replace a trial (a deletion); update merging the small segments; optimize
    steps = [([RECORDS], False, False, 4), (sources[:3], True, False, 4), ([sources[1]], True, False, 4),
             ([sources[3]], True, False, 2), ([], True, True, 4)]
    paths = {}
    for format in (2, 3):
        monkeypatch.setattr(schema, "FORMAT", format)
        paths[format] = tmp_path / f"format-{format}"
    seen = []
    for records, update, optimize, merge_from in steps:
        monkeypatch.setattr(writer, "MERGE_MIN_SEGMENTS", merge_from)
        found = {}
        for format, path in paths.items():
            monkeypatch.setattr(schema, "FORMAT", format)
            build_index(path, (t for t in load_records(records) if isinstance(t, Trial)), update=update,
                        optimize=optimize)
            with TrialIndex(path) as ix:
                assert ix.format == format
                if format == 2:  # Whoosh's own postings, lengths and totals: not our files
                    ix._postings = [None] * len(ix._postings)
                weights = {t: 1.0 for t in query_terms(" ".join(QUERIES))}
                found[format] = (_scores(ix), ix._total(weights, TEXT_FIELDS).tolist(),
                                 [r.doc_count_all() for r, _ in ix._reader.leaf_readers()], ix._reader.has_deletions())
        assert found[2] == found[3]
        assert any(s for s in found[3][0]) and np.count_nonzero(found[3][1]) > 3
        seen.append(found[3][2:])
    assert any(deleted for _, deleted in seen) and max(len(sizes) for sizes, _ in seen) > 2 and len(seen[-1][0]) == 1


@pytest.mark.parametrize("update", [True, False], ids=["update", "rebuild"])
def test_a_build_that_cannot_write_a_postings_file_fails_and_the_index_in_service_stays(index_copy, tmp_path,
                                                                                        monkeypatch, update):
    """Since format 3 a segment's postings file is the only copy of its text: a build
    that cannot write one (a full disk) must fail, not swap in trials no search finds."""
    from matcher.errors import MatcherError

    with TrialIndex(index_copy) as ix:
        before = (ix.generation, _scores(ix))
    monkeypatch.setattr(segment_postings, "_write", lambda *args: False)
    with pytest.raises(MatcherError, match="could not write the postings"):
        ingest([seed_record(tmp_path, "NCT09999991", "Lupus copy")], index_copy, update=update, jobs=1)
    with TrialIndex(index_copy) as ix:
        assert (ix.generation, _scores(ix)) == before
