from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
RECORDS = FIXTURES / "records"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED = RECORDS / "NCT05858684.json"


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
    from matcher.ingest import prepare_trials
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
def index_copy(fixture_index, tmp_path) -> Path:
    """A private copy of the session's fixture index, for tests that change it."""
    import shutil

    path = tmp_path / "ix"
    shutil.copytree(fixture_index, path)
    return path
