"""``matcher.ingest``: from record files to prepared trials and a built index."""
from __future__ import annotations

import pytest
from conftest import RECORDS, SEED, seed_record

from matcher.index import TrialIndex, index_exists
from matcher.ingest import ingest
from matcher.prepare import locate_sites, prepare_trials
from matcher.models import Location, Skipped, Trial
from matcher.sources import load_records

FIXTURE_IDS = ["NCT00000102", "NCT00001189", "NCT00490009", "NCT05858684"]  # name order, as a directory is read


@pytest.fixture(scope="module")
def records() -> list[Trial]:
    loaded = list(load_records([RECORDS]))
    assert all(isinstance(r, Trial) for r in loaded)
    return loaded


@pytest.fixture(scope="module")
def prepared(records) -> list[Trial]:
    skipped: list[Skipped] = []
    trials = list(prepare_trials([Trial.from_dict(r.to_dict()) for r in records], skipped, batch=3))
    assert skipped == []
    return trials


@pytest.fixture
def bad_dir(tmp_path):
    """Files that hold no usable record, each for its own reason."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a-notes.txt").write_text("hello, not a trial")
    (folder / "b-empty.json").write_text("")
    (folder / "c-nostudy.json").write_text('{"foo": 1}')
    return folder


def _copies(records: list[Trial]) -> list[Trial]:
    return [Trial.from_dict(r.to_dict()) for r in records]


# -- prepare_trials ---------------------------------------------------------------
@pytest.mark.parametrize("batch", [1, 3, 64])
@pytest.mark.parametrize("order", ["as loaded", "reversed", "shuffled"])
def test_prepare_keeps_record_order_across_batches(records, batch, order):
    given = _copies(records)
    if order == "reversed":
        given.reverse()
    elif order == "shuffled":
        given = [given[i] for i in (2, 0, 3, 1)]
    expected = [t.nct_id for t in given]
    assert [t.nct_id for t in prepare_trials(given, [], batch=batch)] == expected


def test_prepare_collects_skips_with_their_reasons_and_keeps_going(bad_dir, tmp_path):
    skipped: list[Skipped] = []
    sources = [bad_dir, SEED, tmp_path / "no-such-file.json"]
    trials = list(prepare_trials(load_records(sources), skipped))
    assert [t.nct_id for t in trials] == ["NCT05858684"]
    reasons = {s.source.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons == {
        "a-notes.txt": "unknown format: neither ClinicalTrials.gov XML nor JSON",
        "b-empty.json": "empty file",
        "c-nostudy.json": "study has no protocolSection",
        "no-such-file.json": "no such file or directory",
    }
    assert all(str(s).startswith(s.source) for s in skipped)


def test_skips_given_between_trials_are_collected_not_yielded(records):
    given = [Skipped("x.json", "broken"), *_copies(records)[:2], Skipped("y.xml", "no NCT id")]
    skipped: list[Skipped] = []
    assert [t.nct_id for t in prepare_trials(given, skipped, batch=1)] == FIXTURE_IDS[:2]
    assert skipped == [Skipped("x.json", "broken"), Skipped("y.xml", "no NCT id")]


def test_prepare_splits_criteria_into_sections_as_written(prepared):
    for trial in prepared:
        assert trial.criteria, trial.nct_id
        sections = [c.section for c in trial.criteria]
        assert sections == sorted(sections, key=["inclusion", "exclusion"].index)  # inclusion first
        for c in trial.criteria:
            assert c.text and trial.eligibility_text[c.start : c.end].strip()
        assert len({c.id for c in trial.criteria}) == len(trial.criteria)


@pytest.mark.parametrize("section, criterion, summary", [
    ("inclusion", "Hemoglobin≥85 g/L", "require measurement hemoglobin >= 85 g/L"),
    ("inclusion", "WBC≥2.5×10^9/L", "require measurement white blood cell count >= 2.5×10^9/L"),
    ("inclusion", "18-70 years old", "require age age 18–70 years"),
    ("exclusion", "Received live vaccine treatment within 4 weeks", "forbid therapy live vaccine"),
])
def test_prepare_parses_the_constraints_of_each_criterion(prepared, section, criterion, summary):
    seed = next(t for t in prepared if t.nct_id == "NCT05858684")
    found = [c for c in seed.criteria if c.text.startswith(criterion)]
    assert found, [c.text for c in seed.criteria]
    assert found[0].section == section
    assert any(k.summary().startswith(summary) for k in found[0].constraints), [k.summary() for k in found[0].constraints]


@pytest.mark.parametrize("nct_id, topic", [
    ("NCT05858684", "systemic lupus erythematosus"),
    ("NCT00490009", "lymphoma"),
])
def test_prepare_reads_the_topics_a_trial_studies(prepared, nct_id, topic):
    trial = next(t for t in prepared if t.nct_id == nct_id)
    assert trial.topics is not None and trial.topics == sorted(trial.topics)
    assert topic in trial.topics


def test_records_carry_no_topics_until_prepared(records):
    assert all(r.topics is None for r in records)


@pytest.mark.parametrize("nct_id, lat, lon", [
    ("NCT00000102", 32.78, -79.93),   # Charleston, South Carolina (not West Virginia)
    ("NCT00001189", 38.98, -77.10),   # Bethesda, Maryland
    ("NCT00490009", 37.42, -122.16),  # Stanford, California
    ("NCT05858684", 31.22, 121.46),   # Shanghai, China
])
def test_prepare_gives_each_site_the_point_of_its_city(records, prepared, nct_id, lat, lon):
    assert all(loc.lat is None for r in records for loc in r.locations)  # the records give none
    (site,) = next(t for t in prepared if t.nct_id == nct_id).locations
    assert site.lat == pytest.approx(lat, abs=0.1) and site.lon == pytest.approx(lon, abs=0.1)


def test_locate_sites_keeps_given_points_and_leaves_unknown_cities_blank():
    trial = Trial("NCT00000001", locations=[
        Location(city="Bethesda", state="Maryland", country="United States"),
        Location(city="Paris", country="France"),
        Location(city="Paris", state="Texas", country="United States"),
        Location(city="Boston", country="United States", lat=1.5, lon=2.5),
        Location(city="Qwxyzburg", country="Narnia"),
        Location(city="", country=""),
    ])
    locate_sites(trial)
    points = [(loc.lat, loc.lon) for loc in trial.locations]
    assert points[0] == (pytest.approx(38.98, abs=0.05), pytest.approx(-77.10, abs=0.05))
    assert points[1] == (pytest.approx(48.86, abs=0.05), pytest.approx(2.35, abs=0.05))
    assert points[2] == (pytest.approx(33.66, abs=0.05), pytest.approx(-95.56, abs=0.05))  # the state decides
    assert points[3] == (1.5, 2.5)  # the record's own geoPoint is kept
    assert points[4:] == [(None, None), (None, None)]


def test_two_worker_processes_give_exactly_the_same_trials(records):
    one = [t.to_dict() for t in prepare_trials(_copies(records), [], batch=2, jobs=1)]
    skipped: list[Skipped] = []
    two = [t.to_dict() for t in prepare_trials([*_copies(records), Skipped("bad.json", "broken")], skipped,
                                               batch=2, jobs=2)]
    assert two == one
    assert [t["nct_id"] for t in two] == FIXTURE_IDS
    assert skipped == [Skipped("bad.json", "broken")]


def test_criteria_repeated_across_batches_in_flight_are_read_once_with_the_same_readings(records):
    """Later batches take the readings of criteria an earlier batch still in a worker is reading."""
    from dataclasses import replace

    again = [replace(t, nct_id=t.nct_id.replace("NCT", "NCT9")) for t in _copies(records)]
    one = [t.to_dict() for t in prepare_trials([*_copies(records), *again], [], batch=1, jobs=1)]
    two = [t.to_dict() for t in prepare_trials([*_copies(records), *again], [], batch=1, jobs=2)]
    assert two == one
    assert one[0]["criteria"] == one[len(records)]["criteria"]


def test_in_flight_readings_go_to_every_batch_waiting_for_them():
    from matcher.prepare import InFlight

    flight = InFlight()
    a, b, c = ("inclusion", "Age >= 18"), ("exclusion", "Pregnancy"), ("exclusion", "HIV")
    assert flight.claim([a, b]) == ([a, b], [])
    assert flight.claim([b, c]) == ([c], [b])  # b is being read by the first batch
    assert flight.claim([a, b]) == ([], [a, b])
    flight.returned({a: {"n": "a"}, b: {"n": "b"}})
    assert flight.take(b) == {"n": "b"}  # the second batch
    flight.returned({c: {"n": "c"}})
    assert (flight.take(a), flight.take(b)) == ({"n": "a"}, {"n": "b"})  # the third
    assert flight.claim([a]) == ([a], [])  # nothing in flight any more: read (or found in the cache)
    assert not flight._back


# -- ingest -------------------------------------------------------------------------
def test_ingest_indexes_every_usable_record_and_reports_the_rest(tmp_path, bad_dir):
    seen: list[str] = []
    report = ingest([RECORDS, bad_dir], tmp_path / "ix", update=False, on_trial=lambda t: seen.append(t.nct_id))
    assert report.build is not None and report.indexed == 4
    assert seen == FIXTURE_IDS
    assert sorted(s.reason for s in report.skipped) == sorted(
        ["unknown format: neither ClinicalTrials.gov XML nor JSON", "empty file", "study has no protocolSection"])
    with TrialIndex(tmp_path / "ix") as ix:
        assert sorted(t.nct_id for t in ix.trials()) == FIXTURE_IDS
        seed = ix.get("NCT05858684")
        assert seed.criteria and seed.topics and seed.locations[0].lat is not None


@pytest.mark.parametrize("sources", ["bad files", "no files", "missing path"])
def test_ingest_with_nothing_usable_builds_nothing(tmp_path, bad_dir, sources):
    given = {"bad files": [bad_dir], "no files": [], "missing path": [tmp_path / "nowhere"]}[sources]
    report = ingest(given, tmp_path / "ix")
    assert report.build is None and report.indexed == 0
    assert len(report.skipped) == {"bad files": 3, "no files": 0, "missing path": 1}[sources]
    assert not index_exists(tmp_path / "ix")


def test_nothing_usable_leaves_an_existing_index_as_it_was(index_copy, bad_dir):
    generation = (index_copy / "CURRENT").read_text()
    report = ingest([bad_dir], index_copy, update=True)
    assert report.build is None
    assert (index_copy / "CURRENT").read_text() == generation
    with TrialIndex(index_copy) as ix:
        assert len(ix) == 4


def test_an_update_replaces_a_trial_by_its_nct_id(index_copy, tmp_path):
    report = ingest([seed_record(tmp_path, "NCT05858684", "Retitled")], index_copy, update=True)
    assert report.indexed == 1 and report.build.total == 4
    with TrialIndex(index_copy) as ix:
        assert len(ix) == 4
        assert ix.get("NCT05858684").brief_title == "Retitled"
        assert ix.get("NCT00001189").brief_title.startswith("The Treatment of Grade I Sarcomas")


def test_an_update_adds_new_trials_and_the_last_record_of_an_id_wins(index_copy, tmp_path):
    sources = [seed_record(tmp_path, "NCT09999991", "First"), seed_record(tmp_path, "NCT09999991", "Second one")]
    report = ingest(sources, index_copy, update=True)
    assert report.build.total == 5
    with TrialIndex(index_copy) as ix:
        assert ix.get("NCT09999991").brief_title == "Second one"


def test_a_fresh_build_keeps_only_the_new_records(index_copy, tmp_path):
    ingest([seed_record(tmp_path, "NCT09999991", "Alone")], index_copy, update=False)
    with TrialIndex(index_copy) as ix:
        assert [t.nct_id for t in ix.trials()] == ["NCT09999991"]


def test_a_rebuild_reads_criteria_from_the_parse_cache(tmp_path, monkeypatch):
    from matcher.index import TrialIndex
    from matcher.ingest import ingest
    from matcher import parse_cache

    first = ingest([str(RECORDS)], tmp_path / "ix", update=False)
    assert first.cache_hits == 0 and first.cache_misses > 50
    with TrialIndex(tmp_path / "ix") as ix:
        before = {t.nct_id: t.to_dict() for t in ix.trials()}
    # eligibility texts are not split again either
    import matcher.prepare

    def no_split(text):
        raise AssertionError("split again")

    monkeypatch.setattr(matcher.prepare, "split_criteria", no_split)
    # nor condition phrases read into topics, nor anything given to spaCy
    import matcher.nlp
    import matcher.topics

    monkeypatch.setattr(matcher.topics, "topics_of", no_split)
    monkeypatch.setattr(matcher.nlp, "parse_texts", no_split)
    again = ingest([str(RECORDS)], tmp_path / "ix", update=False)
    assert again.cache_misses == 0 and again.cache_hits == first.cache_misses
    with TrialIndex(tmp_path / "ix") as ix:
        assert {t.nct_id: t.to_dict() for t in ix.trials()} == before  # the same trials, criteria and constraints
    monkeypatch.undo()
    # a new pipeline (another rule or code version) reads everything afresh
    monkeypatch.setattr(parse_cache, "pipeline_version", lambda: "another-version")
    fresh = ingest([str(RECORDS)], tmp_path / "ix", update=False)
    assert fresh.cache_hits == 0 and fresh.cache_misses == first.cache_misses


def test_the_parse_cache_version_covers_every_module_that_reads_a_criterion():
    """A change to any module parsing imports must invalidate the cache; a change
    to the index, the CLI or the ranking must not (PIPELINE_SOURCES)."""
    import subprocess
    import sys

    from matcher.pipeline_version import PIPELINE_SOURCES

    loaded_by_parsing = "import sys\nfrom matcher.nlp import parse_texts\nfrom matcher.topics import topics_of\n" \
        "parse_texts([('inclusion', 'Hemoglobin >= 9 g/dL within 28 days')]); topics_of(('lupus',))\n" \
        "print('\\n'.join(sorted(n for n in sys.modules if n.startswith('matcher'))))\n"
    names = subprocess.run([sys.executable, "-c", loaded_by_parsing], capture_output=True, text=True,
                           check=True).stdout.split()
    assert "matcher.nlp.constraints" in names
    for name in names:
        parts = name.split(".")[1:]
        if not parts:
            continue
        covered = (parts[0] + "/") in PIPELINE_SOURCES or (parts[0] + ".py") in PIPELINE_SOURCES
        assert covered, f"{name} reads criteria but is not in PIPELINE_SOURCES"
    assert not {"index/", "ranking.py", "cli.py", "service.py", "eligibility.py"} & set(PIPELINE_SOURCES)


def test_the_parse_cache_is_purged_once_by_the_build_and_never_fails_it(tmp_path, monkeypatch):
    """Worker processes open the cache without purging it (each purge scanned the whole table,
    and at 160,000 trials a new worker's purge waited past the lock timeout and failed the build);
    a database locked past the timeout costs a miss or an unsaved batch, never the build."""
    import sqlite3

    from matcher import parse_cache
    from matcher.parse_cache import ParseCache

    path = tmp_path / "cache.sqlite"
    reading = {"constraints": [], "unexplained": []}
    with ParseCache(path) as cache:
        cache.put_many({("inclusion", "Hemoglobin >= 9 g/dL"): reading})
    monkeypatch.setattr(parse_cache, "pipeline_version", lambda: "another-version")
    with ParseCache(path, purge=False) as worker:  # a worker of a build of another version: no purge
        assert worker.version == "another-version"
    assert sqlite3.connect(path).execute("SELECT count(*) FROM parsed").fetchone()[0] == 1
    with ParseCache(path):  # the build's own process: entries of other versions go, once
        pass
    assert sqlite3.connect(path).execute("SELECT count(*) FROM parsed").fetchone()[0] == 0

    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for longer than the timeout
    worker = ParseCache(path, purge=False, timeout=0.1)
    worker.put_many({("inclusion", "Platelets >= 100,000/mm3"): reading})
    assert worker.errors == 1  # not saved; readers of a WAL database are never locked out
    assert worker.get_many([("inclusion", "Platelets >= 100,000/mm3")]) == {}
    holder.rollback()
    worker.put_many({("inclusion", "Platelets >= 100,000/mm3"): reading})
    assert worker.get_many([("inclusion", "Platelets >= 100,000/mm3")]) == {("inclusion", "Platelets >= 100,000/mm3"): reading}
    worker.close()


def test_a_build_worker_does_not_outlive_its_build(monkeypatch):
    """A worker whose building process is gone (killed) stops instead of waiting on its queue:
    before, workers of a killed 600,000-trial build ran on for an hour."""
    import queue as queue_module

    from matcher import workers

    class Parent:
        alive = True

        def is_alive(self):
            return self.alive

    parent = Parent()
    monkeypatch.setattr(workers.multiprocessing, "parent_process", lambda: parent)
    tasks = queue_module.Queue()
    tasks.put((0, []))
    assert workers._next_task(tasks, poll=0.01) == (0, [])
    parent.alive = False
    tasks.put((1, []))
    assert workers._next_task(tasks, poll=0.01) is workers._ORPHANED
