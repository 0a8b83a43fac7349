"""``matcher stats`` reads counts each build keeps in ``matcher.json`` instead of
decoding every trial (minutes at registry scale). The kept counts must stay what
decoding finds through fresh builds, updates that replace trials, a trial given
twice in one build, and generations written before builds kept counts."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import RECORDS, seed_record
from matcher.index import TrialIndex
from matcher.index import writer
from matcher.index.schema import counts_of
from matcher.index.store import INFO_FILE, current_generation
from matcher.ingest import ingest


def kept(root) -> dict | None:
    return json.loads((root / current_generation(root) / INFO_FILE).read_text()).get("counts")


def decoded(root) -> dict:
    with TrialIndex(root) as ix:
        total = Counter()
        for trial in ix.trials():
            total.update(counts_of(trial))
    return {k: n for k, n in sorted(total.items()) if n}


def stats_by_decoding(root) -> dict:
    """What stats says once the generation's kept counts are taken away."""
    info_file = root / current_generation(root) / INFO_FILE
    info = json.loads(info_file.read_text())
    kept_counts = info.pop("counts", None)
    info_file.write_text(json.dumps(info))
    try:
        with TrialIndex(root) as ix:
            return ix.stats()
    finally:
        if kept_counts is not None:
            info["counts"] = kept_counts
            info_file.write_text(json.dumps(info))


def test_a_build_keeps_the_counts_stats_would_find_by_decoding(fixture_index):
    assert kept(fixture_index) == decoded(fixture_index)
    assert kept(fixture_index)["criteria:inclusion"] > 10 and kept(fixture_index)["constraints:age"] >= 1
    with TrialIndex(fixture_index) as ix:
        fast = ix.stats()
    assert fast == stats_by_decoding(fixture_index)
    assert fast["trials"] == 4 and fast["constraints"] == sum(fast["constraints_by_kind"].values()) > 20


def test_updates_that_replace_trials_keep_the_counts_right(index_copy, tmp_path, seed_path):
    before = kept(index_copy)
    # the founding trial again under its own id (replaces it), and a copy under a new id (adds one)
    ingest([str(seed_path), seed_record(tmp_path, "NCT09999990", "A copy")], index_copy, update=True)
    assert kept(index_copy) == decoded(index_copy) != before
    with TrialIndex(index_copy) as ix:
        assert ix.stats() == stats_by_decoding(index_copy)
    ingest([seed_record(tmp_path, "NCT09999990", "The copy again")], index_copy, update=True)
    assert kept(index_copy) == decoded(index_copy)


@pytest.mark.parametrize("segment_docs", [1, 10_000])
def test_a_trial_given_twice_in_one_build_is_counted_once(tmp_path, monkeypatch, seed_path, segment_docs):
    """The second record wins whether the first is still buffered or already in a segment."""
    monkeypatch.setattr(writer, "SEGMENT_DOCS", segment_docs)
    ingest([str(RECORDS), str(seed_path), str(seed_path)], tmp_path / "ix", update=False)
    assert kept(tmp_path / "ix") == decoded(tmp_path / "ix")


def test_a_generation_without_counts_is_counted_by_decoding_and_its_updates_keep_none(index_copy, tmp_path):
    info_file = index_copy / current_generation(index_copy) / INFO_FILE
    info = json.loads(info_file.read_text())
    info.pop("counts")
    info_file.write_text(json.dumps(info))
    with TrialIndex(index_copy) as ix:
        slow = ix.stats()
    assert slow["criteria"] > 10 and slow["constraints_by_kind"]
    ingest([seed_record(tmp_path, "NCT09999991", "Another")], index_copy, update=True)
    assert kept(index_copy) is None  # not guessed from a partial count
    ingest([str(RECORDS)], index_copy, update=False)  # a rebuild counts again
    assert kept(index_copy) == decoded(index_copy)


def test_the_data_date_is_kept_by_builds_and_updates(index_copy, tmp_path):
    from matcher.index.store import read_info

    def info():
        return read_info(index_copy / current_generation(index_copy))

    with TrialIndex(index_copy) as ix:
        newest = max(t.last_update for t in ix.trials())
        assert ix.data_date() == info()["data_date"] == newest
    record = seed_record(tmp_path, "NCT09999992", "Updated later")
    study = json.loads(record.read_text())
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2031-05-04"}
    record.write_text(json.dumps(study))
    ingest([record], index_copy, update=True)
    with TrialIndex(index_copy) as ix:
        assert ix.data_date() == info()["data_date"] == "2031-05-04"
    generation = index_copy / current_generation(index_copy)
    kept_info = info()
    kept_info.pop("data_date")
    (generation / INFO_FILE).write_text(json.dumps(kept_info))
    with TrialIndex(index_copy) as ix:  # an older generation: read from the column
        assert ix.data_date() == "2031-05-04"
