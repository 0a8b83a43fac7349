"""The HTTP API (matcher.api) through FastAPI's test client, plus a real uvicorn server where it matters."""
from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from matcher.api import background_server, create_app, make_server  # noqa: E402
from matcher.api.middleware import TokenBucket  # noqa: E402
from matcher.ingest import ingest  # noqa: E402
from matcher.service import Matcher  # noqa: E402

RECORDS = Path(__file__).parent / "fixtures" / "records"
SEED = "NCT05858684"
VIGNETTE = (
    "A 34-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12, "
    "normal blood counts and kidney function"
)
RESULT_KEYS = {"nct_id", "title", "status", "enrolling", "nearest_site", "score", "eligibility", "pass", "fail", "unknown", "reasons", "signals"}
CRITERION_KEYS = {"id", "section", "text", "verdict", "reason", "checkable", "assumed", "constraints"}


@pytest.fixture(scope="module")
def index_dir(fixture_index) -> Path:
    return fixture_index


@pytest.fixture(scope="module")
def client(index_dir):
    with TestClient(create_app(index_dir, rate_limit=None, warm_up=False)) as c:
        yield c


def make_client(index_dir, **options) -> TestClient:
    options.setdefault("warm_up", False)
    return TestClient(create_app(index_dir, **options))


# -- endpoints -----------------------------------------------------------------------
def test_search_ranks_the_seed_trial_first_with_the_cli_shape(client, index_dir):
    r = client.post("/search", json={"text": VIGNETTE, "top": 3})
    assert r.status_code == 200
    data = r.json()
    assert set(data) == {"patient", "results", "questions", "excluded", "closed", "data_date"}
    assert data["results"][0]["nct_id"] == SEED
    assert all(set(result) == RESULT_KEYS for result in data["results"])
    assert data["results"][0]["reasons"]
    assert len(data["results"]) <= 3
    with Matcher(index_dir) as m:  # the same answer as the library (and so `matcher search --json`)
        assert data == json.loads(json.dumps(m.search(VIGNETTE, top=3).to_dict()))


def test_search_with_form_fields_and_filters(client):
    patient = {"age": 34, "sex": "Female", "conditions": ["systemic lupus erythematosus"],
               "measurements": [{"name": "SELENA-SLEDAI", "value": 12}],
               "medications": ["hydroxychloroquine", {"name": "rituximab", "last_taken": "2 years ago"}],
               "pregnant": False}
    r = client.post("/search", json={"patient": patient, "filters": {"country": ["China"]}})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["nct_id"] == SEED
    r = client.post("/search", json={"patient": patient, "filters": {"country": ["Narnia"], "status": ["recruiting"]}})
    assert r.status_code == 422  # an unknown country is named, with the valid ones, not silently empty
    assert r.json()["detail"][0]["field"] == "filters.country"
    assert "United States" in r.json()["detail"][0]["msg"]
    r = client.post("/search", json={"patient": patient, "filters": {"country": ["USA"], "status": ["recruiting"]}})
    assert r.status_code == 200
    assert r.json()["results"] == []  # the seed trial's sites are in China


def test_explain_judges_every_criterion(client, index_dir):
    r = client.post("/explain", json={"nct_id": SEED.lower(), "text": VIGNETTE})
    assert r.status_code == 200
    data = r.json()
    assert data["nct_id"] == SEED
    assert set(data) == {"nct_id", "title", "eligibility", "criteria", "questions", "patient"}
    assert len(data["criteria"]) > 20
    assert all(set(c) == CRITERION_KEYS for c in data["criteria"])
    assert {c["verdict"] for c in data["criteria"]} <= {"pass", "fail", "unknown", "not_applicable"}
    with Matcher(index_dir) as m:
        assert data == json.loads(json.dumps(m.explain(SEED, VIGNETTE).to_dict()))


def test_explain_with_form_only(client):
    r = client.post("/explain", json={"nct_id": SEED, "patient": {"age": 80, "sex": "female"}})
    assert r.status_code == 200
    assert r.json()["eligibility"] == "ineligible"  # the trial takes ages 18 to 70


def test_get_trial(client, index_dir):
    r = client.get(f"/trials/{SEED}")
    assert r.status_code == 200
    with Matcher(index_dir) as m:
        assert r.json() == json.loads(json.dumps(m.trial(SEED).to_dict()))
    assert client.get(f"/trials/{SEED.lower()}").json()["nct_id"] == SEED


def test_unknown_trial_is_404(client):
    r = client.get("/trials/NCT00000000")
    assert r.status_code == 404
    assert r.json() == {"detail": "no trial NCT00000000 in the index"}
    r = client.post("/explain", json={"nct_id": "NCT00000000", "text": VIGNETTE})
    assert r.status_code == 404


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "ok"
    assert data["trials"] == 4
    assert data["generation"].startswith("gen-")


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/search", "/explain", "/trials/{nct_id}", "/health"} <= set(paths)
    assert "422" in paths["/search"]["post"]["responses"]
    assert client.get("/docs").status_code == 200


# -- 422: validation names the field -------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/search", {"patient": {"age": "thirty"}}, "patient.age"),
        ("/search", {"patient": {"age": 200}}, "patient.age"),
        ("/search", {"patient": {"age": True}}, "patient.age"),
        ("/search", {"patient": {"sex": "other"}}, "patient.sex"),
        ("/search", {"patient": {"pregnant": "maybe"}}, "patient.pregnant"),
        ("/search", {"patient": {"conditions": "lupus"}}, "patient.conditions"),
        ("/search", {"patient": {"measurements": [{"name": "hemoglobin", "value": "low"}]}},
         "patient.measurements[0].value"),
        ("/search", {"patient": {"height": 170}}, "patient.height"),
        ("/search", {"text": VIGNETTE, "top": 0}, "top"),
        ("/search", {"text": VIGNETTE, "top": 1000}, "top"),
        ("/search", {"text": VIGNETTE, "filters": {"country": "China"}}, "filters.country"),
        ("/search", {"text": VIGNETTE, "colour": "blue"}, "colour"),
        ("/search", {}, "text"),
        ("/search", {"text": "   "}, "text"),
        ("/explain", {"text": VIGNETTE}, "nct_id"),
        ("/explain", {"nct_id": "12345", "text": VIGNETTE}, "nct_id"),
        ("/explain", {"nct_id": SEED}, "text"),
        # only the library can tell these; PatientError becomes the same 422
        ("/search", {"patient": {"measurements": [{"name": "flux capacitance", "value": 1}]}},
         "patient.measurements[0].name"),
        ("/search", {"patient": {"measurements": [{"name": "hemoglobin", "value": 9, "unit": "furlongs"}]}},
         "patient.measurements[0].unit"),
        ("/explain", {"nct_id": SEED, "patient": {"medications": [{"name": "rituximab", "last_taken": "whenever"}]}},
         "patient.medications[0].last_taken"),
    ],
)
def test_validation_errors_name_the_field(client, path, body, field):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert field in [d["field"] for d in detail], detail
    assert all(d["msg"] and d["loc"] for d in detail)
    assert "input" not in detail[0]  # errors name fields; they do not echo the patient's data


def test_invalid_json_and_bad_path_are_422(client):
    r = client.post("/search", content=b'{"text": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "body"
    r = client.get("/trials/not-an-id")
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "nct_id"


# -- 413 ------------------------------------------------------------------------------
def test_body_over_the_limit_is_413(index_dir):
    with make_client(index_dir, max_body_bytes=2_000, rate_limit=None) as c:
        small = c.post("/search", json={"text": "lupus " * 100})
        assert small.status_code == 200
        big = c.post("/search", json={"text": "lupus " * 1000})
        assert big.status_code == 413
        assert "2000 bytes" in big.json()["detail"]

        def chunks():  # no Content-Length: counted as it streams in
            for _ in range(10):
                yield b" " * 500

        streamed = c.post("/search", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413


# -- CORS --------------------------------------------------------------------------------
def test_cors_allows_listed_origins_only(index_dir):
    with make_client(index_dir, cors_origins=["https://hospital.example"], rate_limit=None) as c:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        ok = c.options("/search", headers={"Origin": "https://hospital.example", **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://hospital.example"
        bad = c.options("/search", headers={"Origin": "https://evil.example", **preflight})
        assert bad.status_code == 400
        assert "access-control-allow-origin" not in bad.headers

        ok = c.post("/search", json={"text": VIGNETTE}, headers={"Origin": "https://hospital.example"})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://hospital.example"
        bad = c.post("/search", json={"text": VIGNETTE}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in bad.headers


def test_no_cors_by_default(client):
    r = client.get("/health", headers={"Origin": "https://hospital.example"})
    assert "access-control-allow-origin" not in r.headers


# -- 429 -------------------------------------------------------------------------------------
def test_rate_limit_per_client(index_dir):
    with make_client(index_dir, rate_limit=0.5, rate_burst=2) as c:
        assert c.get(f"/trials/{SEED}").status_code == 200
        assert c.post("/search", json={"text": VIGNETTE}).status_code == 200
        limited = c.get(f"/trials/{SEED}")
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert c.get("/health").status_code == 200  # health probes are never limited


def test_rate_limit_can_be_turned_off(index_dir):
    with make_client(index_dir, rate_limit=None) as c:
        assert all(c.get(f"/trials/{SEED}").status_code == 200 for _ in range(50))


def test_token_bucket_refills_per_key_and_forgets_idle_clients():
    now = [0.0]
    bucket = TokenBucket(rate=2.0, burst=3, max_keys=2, clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(0.5)
    assert bucket.take("b") == 0.0  # another client has its own bucket
    now[0] += 0.5
    assert bucket.take("a") == 0.0
    now[0] += 10
    bucket.take("c")  # over max_keys: the refilled buckets of idle clients are dropped
    assert len(bucket) <= 2


# -- the page --------------------------------------------------------------------------------
def test_page_is_embeddable_and_self_contained(client, index_dir):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in r.headers
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors *" in csp
    assert "script-src 'self'" in csp
    with make_client(index_dir, frame_ancestors=["'self'", "https://hospital.example"]) as c:
        assert "frame-ancestors 'self' https://hospital.example" in c.get("/").headers["content-security-policy"]
    for asset, kind in (("app.js", "javascript"), ("app.css", "text/css")):
        got = client.get(f"/static/{asset}")
        assert got.status_code == 200
        assert kind in got.headers["content-type"]


def test_page_assets_load_nothing_from_other_hosts():
    static = resources.files("matcher.api") / "static"
    for name in ("index.html", "app.js", "app.css"):
        text = (static / name).read_text(encoding="utf-8")
        for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text):
            # links a person may follow (the registry, the geodata attribution and its licence), never loads
            assert any(host in url for host in ("clinicaltrials.gov", "geonames.org", "creativecommons.org")), url


def test_api_answers_are_not_cached(client):
    r = client.post("/search", json={"text": VIGNETTE})
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


# -- logs ---------------------------------------------------------------------------------------
SECRET = "Zanzibar-Quokka-7731"


def test_logs_hold_no_patient_text(index_dir, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    with make_client(index_dir, rate_limit=0.001, rate_burst=6) as c:
        text = f"{VIGNETTE}. Patient code {SECRET}."
        assert c.post(f"/search?note={SECRET}", json={"text": text}).status_code == 200
        assert c.post("/search", json={"patient": {"conditions": [SECRET], "text": text}}).status_code == 200
        assert c.post("/explain", json={"nct_id": SEED, "text": text}).status_code == 200
        assert c.post("/search", json={"text": text, "patient": {"age": SECRET}}).status_code == 422
        assert c.post("/search", json={"patient": {"measurements": [{"name": SECRET, "value": 1}]}}).status_code == 422

        def failing_search(*args, **kwargs):
            raise RuntimeError(f"boom while reading {SECRET}")

        monkeypatch.setattr(c.app.state.holder.get(), "search", failing_search)
        r = c.post("/search", json={"text": text})
        assert r.status_code == 500
        assert SECRET not in r.text
        assert c.post("/search", json={"text": text}).status_code == 429
    server_side = [r for r in caplog.records if not r.name.startswith("httpx")]  # not the test's HTTP client
    assert server_side
    for record in server_side:
        assert SECRET not in record.getMessage()
        assert SECRET not in str(record.args)
        assert not record.exc_text or SECRET not in record.exc_text
    access = [r.getMessage() for r in caplog.records if r.name == "matcher.api.access"]
    assert len(access) == 7
    assert re.fullmatch(r"POST /search 200 \d+\.\dms", access[0])  # method, path, status, time: nothing else
    assert any(line.startswith("POST /search 500 ") for line in access)
    assert any(line.startswith("POST /search 429 ") for line in access)
    assert any(r.name == "matcher.api.error" and "RuntimeError" in r.getMessage() for r in caplog.records)


def test_server_uses_our_access_log_not_uvicorns(index_dir):
    server = make_server(create_app(index_dir, warm_up=False), "127.0.0.1", 0)
    assert server.config.access_log is False
    assert server.config.log_config["loggers"]["matcher"]["handlers"] == ["matcher"]


# -- a rebuilt index is picked up by the running app ---------------------------------------------------
def test_index_rebuild_is_swapped_in_without_failed_requests(tmp_path):
    path = tmp_path / "ix"
    ingest([str(RECORDS)], path, update=False)
    others = tmp_path / "others"
    others.mkdir()
    for record in RECORDS.iterdir():
        if SEED not in record.name:
            shutil.copy(record, others / record.name)

    with make_client(path, rate_limit=None, reload_interval=0) as c:
        before = c.get("/health").json()
        assert before["trials"] == 4
        stop = threading.Event()
        statuses: list[int] = []

        def hammer() -> None:
            while not stop.is_set():
                statuses.append(c.post("/search", json={"text": VIGNETTE, "top": 3}).status_code)
                statuses.append(c.get("/health").status_code)

        with ThreadPoolExecutor(3) as pool:
            workers = [pool.submit(hammer) for _ in range(3)]
            time.sleep(0.3)
            ingest([str(others)], path, update=False)  # a new generation without the seed trial
            time.sleep(0.5)
            ingest([str(RECORDS)], path, update=False)  # and back
            time.sleep(0.5)
            ingest([str(others)], path, update=False)
            time.sleep(0.5)
            stop.set()
            for w in workers:
                w.result()
        assert statuses and set(statuses) == {200}

        after = c.get("/health").json()
        assert after["trials"] == 3
        assert after["generation"] != before["generation"]
        assert c.get(f"/trials/{SEED}").status_code == 404
        assert all(r["nct_id"] != SEED for r in c.post("/search", json={"text": VIGNETTE}).json()["results"])


# -- a real server: graceful shutdown ---------------------------------------------------------------
def test_shutdown_lets_requests_in_flight_finish(index_dir, caplog):
    caplog.set_level(logging.INFO)
    app = create_app(index_dir, warm_up=False, rate_limit=None)
    matcher = app.state.holder.get()
    real_search = matcher.search
    entered = threading.Event()

    def slow_search(*args, **kwargs):
        entered.set()
        time.sleep(1.5)
        return real_search(*args, **kwargs)

    matcher.search = slow_search
    result: dict = {}

    def call(base: str) -> None:
        request = urllib.request.Request(
            f"{base}/search", data=json.dumps({"text": f"{VIGNETTE} {SECRET}"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result["status"] = response.status
            result["body"] = json.load(response)

    with background_server(app, graceful_timeout=10) as base:
        caller = threading.Thread(target=call, args=(base,))
        caller.start()
        assert entered.wait(10)
    # leaving the block asked the server to stop (as SIGTERM does) while the search was running
    caller.join(10)
    assert result.get("status") == 200
    assert result["body"]["results"][0]["nct_id"] == SEED
    assert all(SECRET not in r.getMessage() for r in caplog.records)
    assert any(r.name == "matcher.api.access" and r.getMessage().startswith("POST /search 200") for r in caplog.records)


# -- the page's colours meet WCAG AA -------------------------------------------------------------
def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_page_colours_have_sufficient_contrast():
    css = (resources.files("matcher.api") / "static" / "app.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    text_pairs = [("text", "bg"), ("muted", "bg"), ("muted", "panel"), ("primary", "bg"), ("primary", "panel"),
                  ("ok-text", "ok-bg"), ("maybe-text", "maybe-bg"), ("no-text", "no-bg"), ("na-text", "na-bg"),
                  ("no-text", "bg")]
    for fg, bg in text_pairs:
        assert _contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert _contrast("#ffffff", var["primary"]) >= 4.5  # the button's label
    assert _contrast(var["line"], var["bg"]) >= 3.0  # input borders
    assert _contrast(var["focus"], var["bg"]) >= 3.0  # the focus ring


# -- `matcher serve` ----------------------------------------------------------------------------
def test_cli_serve_is_a_thin_wrapper(index_dir, monkeypatch):
    from click.testing import CliRunner

    import matcher.api
    from matcher.cli import cli

    if "serve" not in cli.commands:
        pytest.skip("`matcher serve` is not in matcher/cli.py yet")
    calls = []
    monkeypatch.setattr(matcher.api, "serve", lambda *args, **kwargs: calls.append((args, kwargs)))
    result = CliRunner().invoke(cli, ["serve", "--index", str(index_dir), "--port", "8123", "--rate-limit", "0",
                                      "--cors-origin", "https://hospital.example"])
    assert result.exit_code == 0, result.output
    ((settings,), _), = calls
    assert (settings.host, settings.port, settings.index_path) == ("127.0.0.1", 8123, index_dir)
    assert settings.rate_limit == 0 and not settings.limited
    assert settings.cors_origins == ("https://hospital.example",)
    assert settings.max_body_bytes == 64 * 1024  # the defaults come from ServerSettings, stated once
    assert settings.workers == 1
    missing = CliRunner().invoke(cli, ["serve", "--index", str(index_dir.parent / "none")])
    assert missing.exit_code != 0
    assert "no index" in missing.output
