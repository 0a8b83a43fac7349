from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
RECORDS = FIXTURES / "records"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED = RECORDS / "NCT05858684.json"


def seed_record(folder: Path, nct_id: str, title: str) -> Path:
    """The founding trial's record re-issued under ``nct_id`` with a new title, as a file to ingest."""
    import json

    study = json.loads(SEED.read_text())
    ident = study["protocolSection"]["identificationModule"]
    ident["nctId"], ident["briefTitle"] = nct_id, title
    path = folder / f"{nct_id}-{len(title)}.json"
    path.write_text(json.dumps(study))
    return path


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory):
    """Derived caches (the lexicon's tokens) go to a directory of the test run, not the user's."""
    import os

    old = os.environ.get("MATCHER_CACHE")
    os.environ["MATCHER_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("MATCHER_CACHE", None)
    else:
        os.environ["MATCHER_CACHE"] = old


@pytest.fixture
def records_dir() -> Path:
    return RECORDS


@pytest.fixture
def seed_path() -> Path:
    return SEED


def shared_corpus() -> Path:
    return SHARED / "data" / "ctgov-legacy-xml-6786.tar.gz"


@pytest.fixture(scope="session")
def seed_trial():
    """The founding trial, split and parsed by the current code."""
    from matcher.prepare import prepare_trials
    from matcher.sources import load_records

    (trial,) = prepare_trials(load_records([SEED]), [])
    return trial


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory) -> Path:
    """An index of the four fixture records, built once per test session.
    Read-only: a test that changes an index copies it first (``index_copy``)."""
    from matcher.ingest import ingest

    path = tmp_path_factory.mktemp("fixture-index") / "ix"
    ingest([str(RECORDS)], path, update=False)
    return path


@pytest.fixture
def whoosh_text(monkeypatch) -> None:
    """Builds in this test write generations of format 2, whose text fields Whoosh
    indexes too: Whoosh's own postings, lengths and scores are the oracle our
    postings files (format 3 scores from nothing else) are checked against."""
    from matcher.index import schema

    monkeypatch.setattr(schema, "FORMAT", 2)


@pytest.fixture(scope="session")
def whoosh_text_index(tmp_path_factory) -> Path:
    """The four fixture records in a generation of format 2 (:func:`whoosh_text`). Read-only."""
    from matcher.index import schema
    from matcher.ingest import ingest

    path = tmp_path_factory.mktemp("whoosh-text-index") / "ix"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "FORMAT", 2)
        ingest([str(RECORDS)], path, update=False)
    return path


@pytest.fixture
def whoosh_text_copy(whoosh_text_index, whoosh_text, tmp_path) -> Path:
    """A private copy of :func:`whoosh_text_index`, updated in format 2 too."""
    import shutil

    path = tmp_path / "ix"
    shutil.copytree(whoosh_text_index, path)
    return path


@pytest.fixture
def index_copy(fixture_index, tmp_path) -> Path:
    """A private copy of the session's fixture index, for tests that change it."""
    import shutil

    path = tmp_path / "ix"
    shutil.copytree(fixture_index, path)
    return path


OPEN_STATUSES = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}


def _diabetic_kidney(trial) -> bool:
    about = " ".join([*trial.conditions, *trial.keywords, trial.title]).lower()
    return (any("diabet" in c.lower() for c in trial.conditions)
            and any(word in about for word in ("kidney", "renal", "nephropath")))


@pytest.fixture(scope="session")
def open_index(tmp_path_factory) -> Path:
    """The bundled corpus's open trials, plus completed US trials of diabetic kidney
    disease (one within 50 miles of Columbus, Ohio) that a search finds only with
    include_closed: the index behind the "trials near me" tests. Built once."""
    import json
    from importlib import resources

    from matcher.ingest import ingest
    from matcher.models import Trial
    from matcher.sources import load_records
    from matcher.sources.ctgov_json import trial_to_study

    tmp = tmp_path_factory.mktemp("open")
    corpus = resources.files("matcher.bundled") / "ctgov-default.jsonl.gz"
    with resources.as_file(corpus) as path:
        trials = [t for t in load_records([path]) if isinstance(t, Trial)]
    kept = [t for t in trials if t.overall_status in OPEN_STATUSES]
    closed = [t for t in trials if t.overall_status == "COMPLETED" and "United States" in t.countries
              and _diabetic_kidney(t)][:6]
    assert len(kept) > 50 and len(closed) >= 3
    records = tmp / "open.jsonl"
    records.write_text("".join(json.dumps(trial_to_study(t)) + "\n" for t in kept + closed), encoding="utf-8")
    ingest([str(records)], tmp / "ix", update=False)
    return tmp / "ix"
