"""``serve --workers N``: one HTTP process handing each call to N search processes (matcher.api.pool)."""
from __future__ import annotations

import os
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from matcher.api import create_app  # noqa: E402
from matcher.api.holder import YOUNG_THRESHOLD  # noqa: E402
from matcher.ingest import ingest  # noqa: E402

RECORDS = Path(__file__).parent / "fixtures" / "records"
SEED = "NCT05858684"
PATIENTS = [
    "A 34-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12, normal blood counts",
    "58 year old man with type 2 diabetes and an HbA1c of 8.2%, on metformin",
    "A 45-year-old woman with lupus nephritis, pregnant, creatinine 2.1 mg/dL",
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "ix"
    ingest([str(RECORDS)], path, update=False)
    return path


@pytest.fixture(scope="module")
def pooled(index_dir):
    with TestClient(create_app(index_dir, workers=2, rate_limit=None, warm_up=False, reload_interval=0)) as c:
        yield c


def _processes(client: TestClient) -> list[int]:
    return sorted(client.app.state.pool._pool._processes)


def test_search_processes_answer_as_the_server_itself_does(pooled, index_dir):
    assert len(_processes(pooled)) == 2  # started with the server, not on the first calls
    with TestClient(create_app(index_dir, rate_limit=None, warm_up=False)) as single:
        for text in PATIENTS:
            body = {"text": text, "top": 5}
            assert pooled.post("/search", json=body).json() == single.post("/search", json=body).json()
        explain = {"nct_id": SEED.lower(), "text": PATIENTS[0]}
        assert pooled.post("/explain", json=explain).json() == single.post("/explain", json=explain).json()
        assert pooled.get(f"/trials/{SEED}").json() == single.get(f"/trials/{SEED}").json()
        assert pooled.get("/health").json() == single.get("/health").json()


def test_errors_from_a_search_process_read_as_the_servers_own(pooled):
    r = pooled.post("/search", json={"text": PATIENTS[0], "filters": {"phase": ["phase 9"]}})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "filters.phase"
    assert "valid values" in r.json()["detail"][0]["msg"]  # FilterError, raised in a search process
    r = pooled.post("/search", json={"patient": {"measurements": [{"name": "creatinine", "value": 1.2, "unit": "furlongs"}]}})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "patient.measurements[0].unit"  # FormError
    assert pooled.get("/trials/NCT00000000").status_code == 404
    assert pooled.post("/explain", json={"nct_id": "NCT00000000", "text": "lupus"}).status_code == 404


def test_concurrent_calls_are_all_answered(pooled):
    with ThreadPoolExecutor(6) as threads:
        answers = list(threads.map(lambda i: pooled.post("/search", json={"text": PATIENTS[i % 3], "top": 3}),
                                   range(24)))
    assert [a.status_code for a in answers] == [200] * 24
    first = [a.json()["results"] for a in answers[:3]]
    assert all(a.json()["results"] == first[i % 3] for i, a in enumerate(answers))


def test_a_search_process_that_dies_is_replaced(index_dir):
    with TestClient(create_app(index_dir, workers=2, rate_limit=None, warm_up=False)) as c:
        assert c.post("/search", json={"text": PATIENTS[0]}).status_code == 200
        for pid in _processes(c):
            os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would
        time.sleep(0.5)
        statuses = [c.post("/search", json={"text": PATIENTS[0]}).status_code for _ in range(3)]
        assert statuses[0] in (200, 503) and statuses[-1] == 200, statuses
        assert c.get("/health").json()["status"] == "ok"


def test_search_processes_follow_a_new_generation(pooled, index_dir, tmp_path):
    assert pooled.get("/health").json()["trials"] == 4
    others = tmp_path / "others"
    others.mkdir()
    for record in RECORDS.iterdir():
        if SEED not in record.name:
            shutil.copy(record, others / record.name)
    ingest([str(others)], index_dir, update=False)
    try:
        time.sleep(0.05)
        # each process notices on its next call; a few calls reach both
        seen = {pooled.get("/health").json()["trials"] for _ in range(8)}
        assert seen >= {3}
        assert all(pooled.get("/health").json()["trials"] == 3 for _ in range(6))
        assert pooled.get(f"/trials/{SEED}").status_code == 404
    finally:
        ingest([str(RECORDS)], index_dir, update=False)


def test_no_index_is_reported_before_any_process_starts(tmp_path):
    from matcher.errors import IndexNotFound

    with pytest.raises(IndexNotFound):
        create_app(tmp_path / "none", workers=2)


def test_errors_users_see_survive_the_trip_between_processes():
    import pickle

    from matcher.errors import IndexNotFound, TrialNotFound
    from matcher.filters import FilterError
    from matcher.form import FormError

    for error in (FilterError("phase", "phase 9", ["phase 1", "phase 2"]), FormError("measurements[0].unit", "unknown unit"),
                  TrialNotFound("no trial NCT00000000"), IndexNotFound("no index at /x")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error) and vars(back) == vars(error)


def test_a_warmed_search_process_keeps_what_it_loaded_out_of_full_collections(index_dir):
    """After warming up, a server process freezes what it loaded (the garbage
    collector's full passes walked all of it, a pause every hundred searches or
    so) and answers exactly as before. Run in a process of its own: freezing
    is for processes a server owns."""
    import json
    import subprocess
    import sys

    code = (
        "import gc, json, sys\n"
        "from pathlib import Path\n"
        "from matcher.api.holder import IndexHolder, answer\n"
        "h = IndexHolder(Path(sys.argv[1]), 0)\n"
        "before = answer(h.get(), 'search', (sys.argv[2],), {'top': 3})\n"
        "h.warm_up()\n"
        "frozen, garbage = gc.get_freeze_count(), gc.collect()\n"
        "after = answer(h.get(), 'search', (sys.argv[2],), {'top': 3})\n"
        "start = len(gc.get_objects())\n"
        "for _ in range(100_000):\n"
        "    cycle = []\n"
        "    cycle.append(cycle)\n"
        "del cycle\n"
        "grown = len(gc.get_objects()) - start\n"
        "print(json.dumps([frozen, before == after, [r['nct_id'] for r in after['results']], gc.get_threshold()[0], grown]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    proc = subprocess.run([sys.executable, "-c", code, str(index_dir), PATIENTS[0]],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    frozen, same, ids, threshold, grown = json.loads(proc.stdout.strip().splitlines()[-1])
    assert frozen > 50_000  # the pipeline's patterns and tables, not a handful of objects
    assert same and SEED in ids
    # young objects are collected less often, but cyclic garbage still is: not 100,000 cycles kept
    assert threshold == YOUNG_THRESHOLD > 700 and grown < 20_000
