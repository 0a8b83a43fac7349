"""Fresh builds in worker processes (``matcher.workers``): each worker prepares and
writes its share into segments; what they build must be what one process builds."""
from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
from pathlib import Path

import pytest
from conftest import SEED, seed_record
from whoosh import index as windex

from matcher.config import default_corpus_path
from matcher.index import TrialIndex
from matcher.index.store import current_generation, read_info
from matcher.ingest import ingest
from matcher.models import Trial
from matcher.service import Matcher
from matcher.workers import BuildFailed, build_in_workers

SAMPLE = 150  # trials of the bundled corpus, so both workers get several batches
TOTAL = SAMPLE + 1  # and the founding trial
PATIENTS = [
    "45 year old woman with rheumatoid arthritis on methotrexate, lives in Baltimore",
    "I am a 60 year old man with type 2 diabetes and kidney disease, creatinine 2.1 mg/dL",
    "breast cancer, HER2 positive, stage II, had surgery, age 52",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The first trials of the bundled corpus and the founding trial, as one file to ingest."""
    path = tmp_path_factory.mktemp("sample") / "sample.jsonl.gz"
    with gzip.open(default_corpus_path(), "rt", encoding="utf-8") as corpus, \
            gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(corpus, SAMPLE))
        out.write(json.dumps(json.loads(SEED.read_text())) + "\n")
    return path


@pytest.fixture(scope="module")
def serial(tmp_path_factory, sample) -> Path:
    path = tmp_path_factory.mktemp("serial") / "ix"
    ingest([sample], path, update=False, jobs=1)
    return path


def _stored(path: Path) -> dict[str, dict]:
    with TrialIndex(path) as ix:
        return {t.nct_id: t.to_dict() for t in ix.trials()}


def _searches(path: Path) -> list[dict]:
    with Matcher(path) as matcher:
        return [matcher.search(text, top=20).to_dict() for text in PATIENTS]


def _segments(path: Path) -> int:
    ix = windex.open_dir(str(path / current_generation(path)))
    try:
        return len(ix._segments())
    finally:
        ix.close()


def test_a_parallel_build_is_what_one_process_builds(tmp_path, sample, serial):
    seen: list[str] = []
    report = ingest([sample], tmp_path / "ix", update=False, jobs=2, on_trial=lambda t: seen.append(t.nct_id))
    one = ingest([sample], tmp_path / "one", update=False, jobs=1)
    assert (report.indexed, report.build.criteria, report.build.total) == \
        (one.indexed, one.build.criteria, one.build.total) == (TOTAL, one.build.criteria, TOTAL)
    # every distinct criterion read, a few twice (by both workers at once)
    assert one.cache_misses > 300 and one.cache_misses <= report.cache_misses < one.cache_misses * 1.2
    assert _stored(tmp_path / "ix") == _stored(serial)
    info = read_info(tmp_path / "ix" / current_generation(tmp_path / "ix"))
    assert info == read_info(serial / current_generation(serial))  # trials, newest update, stats counts
    assert _searches(tmp_path / "ix") == _searches(serial)
    assert seen == list(_stored(serial))  # every trial once, in record order
    assert _segments(tmp_path / "ix") == 2  # one per worker


def test_a_warm_rebuild_in_workers_reads_nothing_again(tmp_path, sample, serial):
    first = ingest([sample], tmp_path / "ix", update=False, jobs=2)
    again = ingest([sample], tmp_path / "ix", update=False, jobs=2)
    assert again.cache_misses == 0 and again.cache_hits == first.cache_hits + first.cache_misses
    assert _stored(tmp_path / "ix") == _stored(serial)


def test_workers_are_replaced_and_segments_closed_as_they_fill(tmp_path, sample, serial, monkeypatch):
    import matcher.index.writer
    import matcher.workers

    monkeypatch.setattr(matcher.workers, "WORKER_BATCHES", 1)  # a fresh worker for every batch
    report, _, _ = build_in_workers(_records(sample), tmp_path / "ix", jobs=2, skipped=[], batch=40)
    assert report.total == TOTAL
    assert _segments(tmp_path / "ix") == 4  # 151 trials in batches of 40, each its own worker's segment
    assert _stored(tmp_path / "ix") == _stored(serial)
    assert _searches(tmp_path / "ix") == _searches(serial)

    monkeypatch.undo()
    monkeypatch.setattr(matcher.index.writer, "SEGMENT_DOCS", 16)
    monkeypatch.setattr(matcher.workers, "WORKER_BATCHES", 3)  # more than a segment's worth: not what stops it
    report, _, _ = build_in_workers(_records(sample), tmp_path / "ix2", jobs=2, skipped=[], batch=10)
    assert report.total == TOTAL
    # a worker stops once sent 16 trials: two batches, written as one segment of 20;
    # only the two workers still running when the records end write less
    with TrialIndex(tmp_path / "ix2") as ix:
        sizes = sorted(s.doc_count_all() for s, _ in ix._reader.leaf_readers())
    assert sum(sizes) == TOTAL and sizes[-7:] == [20] * 7 and len(sizes) <= 9
    assert _stored(tmp_path / "ix2") == _stored(serial)


def _records(sample: Path) -> list[Trial]:
    from matcher.sources import load_records

    return [r for r in load_records([sample]) if isinstance(r, Trial)]


def test_the_last_record_of_an_nct_id_wins_in_a_parallel_build(tmp_path, sample):
    sources = [sample, seed_record(tmp_path, "NCT05858684", "Renamed"), seed_record(tmp_path, "NCT09999991", "New"),
               seed_record(tmp_path, "NCT05858684", "Renamed again")]
    seen: list[str] = []
    parallel = ingest(sources, tmp_path / "ix", update=False, jobs=2, on_trial=lambda t: seen.append(t.nct_id))
    one = ingest(sources, tmp_path / "one", update=False, jobs=1)
    assert parallel.build.total == one.build.total == TOTAL + 1
    assert parallel.indexed == one.indexed == TOTAL + 1
    assert _stored(tmp_path / "ix") == _stored(tmp_path / "one")
    assert _stored(tmp_path / "ix")["NCT05858684"]["brief_title"] == "Renamed again"
    counts = [read_info(p / current_generation(p))["counts"] for p in (tmp_path / "ix", tmp_path / "one")]
    assert counts[0] == counts[1]  # the replaced records' criteria are not counted twice
    assert len(seen) == TOTAL + 3  # every record written, replacements after the rest
    assert seen[-2:] == ["NCT05858684", "NCT05858684"]


def test_a_failing_worker_fails_the_build_and_keeps_the_index_in_service(tmp_path, sample, serial):
    import shutil

    shutil.copytree(serial, tmp_path / "ix")
    generation = current_generation(tmp_path / "ix")
    broken = _records(sample)
    broken[40].eligibility_text = 12345  # not text: splitting it raises in the worker
    with pytest.raises(BuildFailed, match="build worker .* failed; nothing was changed"):
        build_in_workers(broken, tmp_path / "ix", jobs=2, skipped=[])
    assert current_generation(tmp_path / "ix") == generation
    assert sorted(p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")) == [generation]
    assert _stored(tmp_path / "ix") == _stored(serial)


def test_a_worker_that_dies_fails_the_build(tmp_path, sample):
    import multiprocessing

    def kill_a_worker(_trial) -> None:
        for child in multiprocessing.active_children():
            if child.name.startswith("matcher-build-"):
                os.kill(child.pid, signal.SIGKILL)
                return

    with pytest.raises(BuildFailed, match="stopped"):
        # small batches: both workers still have several to do when the first is reported
        build_in_workers(_records(sample), tmp_path / "ix", jobs=2, skipped=[], on_trial=kill_a_worker, batch=8)
    assert current_generation(tmp_path / "ix") is None
    assert not [p for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")]
    assert not [c for c in multiprocessing.active_children() if c.name.startswith("matcher-build-")]


def test_an_interrupted_parallel_rebuild_keeps_the_index_in_service(tmp_path, sample, serial):
    """Ctrl-C during a rebuild: the workers stop, the half-written generation is
    removed and the index in service answers as before."""
    import multiprocessing
    import shutil

    shutil.copytree(serial, tmp_path / "ix")
    generation = current_generation(tmp_path / "ix")

    def interrupt(_trial) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([sample], tmp_path / "ix", update=False, jobs=2, on_trial=interrupt)
    assert current_generation(tmp_path / "ix") == generation
    assert [p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")] == [generation]
    assert not [c for c in multiprocessing.active_children() if c.name.startswith("matcher-build-")]
    assert _searches(tmp_path / "ix") == _searches(serial)
