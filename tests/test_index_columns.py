"""The index reads whole arrays out of Whoosh (matcher.index.columns): they must
be exactly what Whoosh's own per-document interface returns, on fresh
indexes, updated ones (several segments, deletions) and indexes written by an
older matcher."""
from __future__ import annotations

import json
import threading
import zlib

import numpy as np
import pytest
from conftest import seed_record
from whoosh import index as windex
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from matcher.index import TEXT_FIELDS, TrialIndex, build_index, columns, writer
from matcher.index.schema import ANALYZER, FACETS, FORMAT, column_name, facets_of_trial
from matcher.index.store import read_info
from matcher.ingest import ingest


def _whoosh_postings(reader, field, term):
    """The postings through Whoosh's public matcher, one call per posting."""
    ids, tfs = [], []
    if (field, term) in reader:
        m = reader.postings(field, term)
        while m.is_active():
            if not reader.is_deleted(m.id()):
                ids.append(m.id())
                tfs.append(m.weight())
            m.next()
    return ids, tfs


def _check_arrays_match_whoosh(ix: TrialIndex) -> int:
    reader = ix._reader
    deleted = columns.deleted_mask(reader)
    assert deleted.tolist() == [reader.is_deleted(d) for d in range(reader.doc_count_all())]
    checked = 0
    for field in TEXT_FIELDS:
        lengths = columns.field_lengths(reader, field)
        assert lengths.tolist() == [reader.doc_field_length(d, field) or 0 for d in range(reader.doc_count_all())]
        # the postings files' lengths and totals (all a generation of format 3 has) are Whoosh's
        assert all(f is not None and f.length_codes(field) is not None for f in ix._postings)
        assert columns.field_lengths(reader, field, ix._postings).tolist() == lengths.tolist()
        assert columns.total_length(reader, field, ix._postings) == reader.field_length(field)
        terms = [t.decode() if isinstance(t, bytes) else t for t in list(reader.lexicon(field))[:400:7]]
        for term in terms:
            ids, tfs, _ = columns.postings(reader, field, term, deleted)
            want_ids, want_tfs = _whoosh_postings(reader, field, term)
            assert ids.tolist() == want_ids and tfs.tolist() == pytest.approx(want_tfs)
            slow_ids, _, _ = columns.postings(reader, field, term, deleted, fast=False)
            assert slow_ids.tolist() == want_ids
            checked += 1
    return checked


def test_postings_lengths_and_facets_are_whoosh_own(whoosh_text_index):
    with TrialIndex(whoosh_text_index) as ix:
        assert _check_arrays_match_whoosh(ix) > 20
        for trial in ix.trials():
            docnum = ix._searcher.document_number(nct_id=trial.nct_id)
            want = facets_of_trial(trial)
            got = {f.name: ix.facet(f.name)[docnum] for f in FACETS}
            assert got == want
            assert ix.facets_of(trial.nct_id) == want


def test_updates_with_deletions_and_several_segments_read_the_same(whoosh_text_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BUFFER", 1)
    sources = [seed_record(tmp_path, f"NCT0999999{n}", f"Copy {n}") for n in range(3)]
    ingest(sources, whoosh_text_copy, update=True)
    ingest([sources[1]], whoosh_text_copy, update=True)  # replaces a trial: a deletion in an older segment
    with TrialIndex(whoosh_text_copy) as ix:
        assert ix._reader.has_deletions() and len(list(ix._reader.leaf_readers())) > 1
        assert _check_arrays_match_whoosh(ix) > 20
        statuses = ix.facet("status")
        assert [s for s, gone in zip(statuses, columns.deleted_mask(ix._reader)) if gone] == [""] * int(
            columns.deleted_mask(ix._reader).sum())
        hits = ix.search("lupus CAR-T", top=50)
        assert len({h.nct_id for h in hits}) == len(hits)  # a replaced trial is found once
        assert {"NCT09999990", "NCT09999991", "NCT09999992"} <= {h.nct_id for h in hits}


def test_a_second_record_of_a_trial_already_written_replaces_it(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BUFFER", 1)  # the first record leaves memory before the second comes
    sources = [seed_record(tmp_path, "NCT09999991", "First"), seed_record(tmp_path, "NCT09999992", "Other"),
               seed_record(tmp_path, "NCT09999991", "Second one")]
    report = ingest(sources, tmp_path / "ix", update=False)
    assert report.build.indexed == 2 and report.build.total == 2
    with TrialIndex(tmp_path / "ix") as ix:
        assert ix.get("NCT09999991").brief_title == "Second one"
        assert [h.nct_id for h in ix.search("Second one")][:1] == ["NCT09999991"]


def _legacy_generation(root, trials) -> None:
    """An index as matcher wrote it before facets were columns (format 1)."""
    schema = Schema(
        nct_id=ID(stored=True, unique=True), exclusion=TEXT(analyzer=ANALYZER), status=ID(stored=True),
        study_type=ID(stored=True), sex=ID(stored=True), phase=KEYWORD(commas=True, stored=True),
        country=KEYWORD(commas=True, lowercase=True, stored=True), min_age=NUMERIC(float, bits=64, stored=True),
        max_age=NUMERIC(float, bits=64, stored=True), updated=ID(stored=True), points=STORED, record=STORED,
        **{name: TEXT(analyzer=ANALYZER, field_boost=boost) for name, boost in TEXT_FIELDS.items()})
    (root / "gen-1").mkdir(parents=True)
    ix = windex.create_in(str(root / "gen-1"), schema)
    w = ix.writer()
    for t in trials:
        facets = facets_of_trial(t)
        w.add_document(
            title=f"{t.brief_title} {t.official_title}", conditions=" ".join(t.conditions + t.keywords + t.mesh_terms),
            interventions=" ".join(t.interventions), summary=t.brief_summary, description=t.detailed_description,
            inclusion=" ".join(c.text for c in t.criteria if c.section == "inclusion"),
            exclusion=" ".join(c.text for c in t.criteria if c.section == "exclusion"),
            record=zlib.compress(json.dumps(t.to_dict()).encode()), **facets)
    w.commit()
    ix.close()
    (root / "CURRENT").write_text("gen-1\n")


def test_an_index_from_an_older_matcher_is_read_and_rewritten_by_the_next_update(fixture_index, tmp_path):
    with TrialIndex(fixture_index) as ix:
        trials = list(ix.trials())
        want = {t.nct_id: [h.nct_id for h in ix.search(t.brief_title, top=4)] for t in trials}
    legacy = tmp_path / "legacy"
    _legacy_generation(legacy, trials)
    with TrialIndex(legacy) as ix:
        assert ix.format == 1
        assert {t.nct_id: [h.nct_id for h in ix.search(t.brief_title, top=4)] for t in trials} == want
        assert ix.facets_of(trials[0].nct_id) == facets_of_trial(trials[0])
    changed = trials[0]
    changed.overall_status = "COMPLETED"
    report = build_index(legacy, [changed])
    assert report.migrated == len(trials) - 1 and report.total == len(trials)
    with TrialIndex(legacy) as ix:
        assert ix.format == FORMAT and read_info(legacy / ix.generation)["trials"] == len(trials)
        assert ix.facets_of(changed.nct_id)["status"] == "completed"
        assert sorted(t.nct_id for t in ix.trials()) == sorted(want)


def test_searches_run_in_parallel_and_a_reload_never_closes_a_generation_in_use(index_copy, tmp_path):
    from matcher.service import Matcher

    matcher = Matcher(index_copy)
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                found = matcher.search("systemic lupus erythematosus, refractory", filters=None)
                assert found.results
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for n in range(3):
            ingest([seed_record(tmp_path, f"NCT0999998{n}", f"Lupus copy {n}")], index_copy, update=True)
            assert matcher.reload()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:1]
    assert not matcher._retired and not matcher._users  # every replaced generation closed after its last request
    assert len(matcher) == 4 + 3
    matcher.close()


def test_scores_are_whoosh_bm25f(whoosh_text_index, fixture_index):
    """The array scorer gives Whoosh's own BM25F scores for an Or query over the text
    fields; and a generation of format 3, which scores from its postings files alone,
    gives the very same floats."""
    from whoosh import query as wquery
    from whoosh.scoring import BM25F

    text = "refractory systemic lupus erythematosus CAR-T cells"
    terms = list(dict.fromkeys(tok.text for tok in ANALYZER(text)))
    with TrialIndex(whoosh_text_index) as ix:
        ours = {h.nct_id: h.score for h in ix.search(text, top=10, prefer_open=False)}
        q = wquery.Or([wquery.Term(f, t, boost=1.0) for f in TEXT_FIELDS for t in terms])
        with ix._ix.searcher(weighting=BM25F()) as s:
            theirs = {hit["nct_id"]: hit.score for hit in s.search(q, limit=10)}
    assert ours.keys() == theirs.keys() and len(ours) >= 2
    for nct_id, score in ours.items():
        assert score == pytest.approx(theirs[nct_id], rel=1e-5)
    with TrialIndex(fixture_index) as ix:
        assert ix.format == FORMAT >= 3 and not set(TEXT_FIELDS) & set(ix._ix.schema.names())
        assert {h.nct_id: h.score for h in ix.search(text, top=10, prefer_open=False)} == ours


def test_facet_columns_are_named_once():
    assert len({column_name(f.name) for f in FACETS}) == len(FACETS)
    assert np.isin(["status", "sex", "min_age", "max_age", "points", "nct_id"], [f.name for f in FACETS]).all()


def test_records_serialize_as_dataclasses_asdict_would(seed_trial):
    """Trial.to_dict (stored with every indexed trial) is asdict's answer, computed faster."""
    from dataclasses import asdict

    from matcher.patient import read_text

    assert any(c.constraints and any(k.window for k in c.constraints) for c in seed_trial.criteria)
    assert seed_trial.to_dict() == asdict(seed_trial)
    patient = read_text("34-year-old woman with lupus nephritis; creatinine 1.1 mg/dL; no history of stroke")
    expected = asdict(patient)
    expected.pop("words")
    expected.pop("other_ages")  # (kept in memory only, as words)
    assert patient.to_dict() == expected
    data = seed_trial.to_dict()  # copies, as asdict's: changing them leaves the trial as it was
    data["conditions"].append("not a condition")
    data["criteria"][0]["constraints"].clear()
    assert "not a condition" not in seed_trial.conditions and seed_trial.criteria[0].constraints


def test_a_build_in_several_segments_scores_as_one(whoosh_text_index, whoosh_text, tmp_path, monkeypatch,
                                                   records_dir):
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 1)
    ingest([str(records_dir)], tmp_path / "ix", update=False)
    queries = ["refractory systemic lupus erythematosus", "breast cancer HER2", "diabetes kidney disease insulin"]
    with TrialIndex(tmp_path / "ix") as split, TrialIndex(whoosh_text_index) as whole:
        assert len(list(split._reader.leaf_readers())) == len(whole) > 1
        for q in queries:
            assert [(h.nct_id, round(h.score, 9)) for h in split.search(q, top=10)] == \
                   [(h.nct_id, round(h.score, 9)) for h in whole.search(q, top=10)]
        assert _check_arrays_match_whoosh(split) > 20
    build_index(tmp_path / "ix", [], update=True, optimize=True)
    with TrialIndex(tmp_path / "ix") as merged:
        assert len(list(merged._reader.leaf_readers())) == 1


def test_caches_forget_their_oldest_entries_beyond_their_bytes():
    from matcher.index.reader import _BoundedCache

    cache = _BoundedCache(1_000)
    for i in range(20):
        cache.put(i, (np.zeros(50), np.zeros(0)))  # 400 bytes each, and 100 of bookkeeping
    assert len(cache) == 2 and set(cache) == {18, 19} and cache.size == 1_000
    cache.put("trial", object(), cost=300)
    assert set(cache) == {19, "trial"} and cache.size <= 1_000


def test_segments_are_separate_files_that_readers_map_from_disk(fixture_index):
    """Whoosh copies every part of a compound segment into memory when it opens it
    (each server process held the whole index); ours are written as separate files."""
    generation = fixture_index / (fixture_index / "CURRENT").read_text().strip()
    assert not list(generation.glob("*.seg"))
    assert list(generation.glob("*.pst")) and list(generation.glob("*.trm"))


def test_a_reader_raises_a_low_open_file_limit_to_what_its_generation_needs(fixture_index):
    import subprocess
    import sys

    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
        "from matcher.index import TrialIndex\n"
        f"ix = TrialIndex({str(fixture_index)!r})\n"
        "print(*resource.getrlimit(resource.RLIMIT_NOFILE), len(ix.search('lupus', top=3)))\n"
    )
    soft, hard, found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                       check=True).stdout.split()
    assert int(found) >= 1
    assert int(soft) > 64 or int(hard) == 64  # raised, unless the hard limit forbids it


def test_summed_term_scores_are_the_same_bits_as_adding_them_one_by_one(fixture_index, monkeypatch):
    """The per-document sum of term scores is done in C passes over sparse and dense
    parts; it must add in the same order as adding array by array, so rankings and
    ties cannot move."""
    from matcher.index import reader
    from matcher.index.schema import query_terms

    monkeypatch.setattr(reader, "DENSE_SHARE", 0.5)  # of four trials: terms in two or more held densely

    weights = {t: w for t, w in zip(query_terms("refractory lupus nephritis kidney biopsy CAR-T women pregnant"),
                                    [1.0, 2.5, 0.3, 1.7, 1.0, 0.9, 1.1, 0.6, 1.3])}
    with TrialIndex(fixture_index) as ix:
        expected = np.zeros(len(ix._deleted_mask()))
        for name in TEXT_FIELDS:
            for term, boost in weights.items():
                (held,) = ix._term_scores_many([(name, term)])
                ids = np.flatnonzero(held[0]) if len(held) == 1 else held[0]  # dense: a score for every trial
                scores = held[0][ids] if len(held) == 1 else held[1]
                expected[ids] += boost * scores
        total = ix._total(weights, TEXT_FIELDS)
        assert np.count_nonzero(total) >= 2
        assert np.array_equal(total, expected)
        # common terms are held densely, rare ones sparsely, interleaved in the query's order
        held = [len(h) if len(h[0]) else 0 for h in ix._term_scores_many([(n, t) for n in TEXT_FIELDS for t in weights])]
        assert held.count(1) >= 2 and held.count(2) >= 2
        assert held.index(1) < max(k for k, n in enumerate(held) if n == 2)
        assert not ix._total({"zzzunknownterm": 1.0}, TEXT_FIELDS).any()


def test_a_results_facets_are_read_once_and_handed_out_as_copies(fixture_index):
    with TrialIndex(fixture_index) as ix:
        (hit, *_) = ix.search("lupus", top=3, prefer_open=False)
        first = ix.facets_of(hit)
        assert first["nct_id"] == hit.nct_id and hit.docnum in ix._facets_cache
        first["status"] = "changed by a caller"
        assert ix.facets_of(hit)["status"] != "changed by a caller"
        assert ix.facets_of(hit.nct_id) == ix.facets_of(hit)


def test_a_constraint_without_its_defaults_reads_back_the_same(seed_trial):
    """The parse cache keeps constraints without the fields left at their defaults."""
    from matcher.models import Constraint
    from matcher.nlp import parse_texts

    constraints = [c for criterion in seed_trial.criteria for c in criterion.constraints]
    assert len(constraints) > 30 and any(c.window for c in constraints) and any(c.unexplained == [] for c in constraints)
    for c in constraints:
        short = c.to_dict(defaults=False)
        assert Constraint.from_dict(short) == c
        assert len(short) < len(c.to_dict())
    # what worker processes and the cache hand over reads back as the parser's own constraints
    from matcher.nlp import parse_criterion

    for section, text in [("exclusion", "Pregnant or breastfeeding; ANC < 1.5 x 10^9/L within 4 weeks"),
                          ("inclusion", "Age 18-75 years, except patients with lupus nephritis class V"),
                          ("exclusion", "Received a live vaccine within 28 days prior to enrollment")]:
        (read,) = parse_texts([(section, text)])
        assert [Constraint.from_dict(x) for x in read["constraints"]] == parse_criterion(text, section) != []
        assert all("value_max" not in x for x in read["constraints"] if x["kind"] != "age")  # left at its default


@pytest.mark.parametrize("values", [
    ["NCT00000102", "", "NCT05858684", "united states,canada"],  # ASCII: decoded in one go
    ["côte d'ivoire", "", "méxico", "日本", "plain"],  # not: value by value
])
def test_text_columns_read_in_one_go_are_whoosh_own(tmp_path, values):
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN

    ix = windex.create_in(str(tmp_path), Schema(key=ID(stored=True), text=COLUMN(VarBytesColumn())))
    w = ix.writer()
    for n, value in enumerate(values):
        w.add_document(key=str(n), text=value.encode("utf-8"))
    w.commit()
    w = ix.writer()  # a second segment
    w.add_document(key="last", text="dernière".encode("utf-8"))
    w.commit(merge=False)
    with ix.reader() as reader:
        leaves = columns.Leaves(reader)
        want = [v.decode("utf-8") for v in columns.values(leaves, "text", VarBytesColumn())]
        with pytest.MonkeyPatch.context() as patch:  # not value by value through Whoosh
            patch.setattr(VarBytesColumn.Reader, "__getitem__", lambda *a: pytest.fail("read one by one"))
            assert columns.texts(leaves, "text", VarBytesColumn()) == want == [*values, "dernière"]
