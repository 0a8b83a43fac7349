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
