"""``matcher.sync`` against a local fake of the ClinicalTrials.gov API v2.

The fake server replays recorded pages from ``tests/data/sync`` (real study
records; the changed versions differ in status and last update date) and
remembers every query it was sent. Nothing here reaches the network.
"""
from __future__ import annotations

import json
import shutil
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from matcher import sync as sync_module
from matcher.errors import IndexNotFound, MatcherError
from matcher.index import TrialIndex
from matcher.ingest import ingest
from matcher.sync import SyncError, sync, sync_state

DATA = Path(__file__).parent / "data" / "sync"
PAGES = {None: "page-1.json", "tok-2": "page-2.json", "tok-3": "page-3.json"}
BASE_NEWEST = "2023-02-01"  # the newest last update among the base studies
FAST = {"backoff": 0.01, "max_retries": 2}


# -- the fake API ---------------------------------------------------------------
class FakeAPI:
    """Serves ``pages`` (page token -> file) at /api/v2/studies; ``faults`` (page token
    -> replies served first; a reply marked permanent is served every time)."""

    def __init__(self) -> None:
        self.pages: dict[str | None, str] = dict(PAGES)
        self.faults: dict[str | None, list[tuple[int, dict, bytes, bool]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.api = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"

    def fail(self, token: str | None, status: int, body: bytes = b"", *, headers=None, permanent=False) -> None:
        self.faults.setdefault(token, []).append((status, headers or {}, body, permanent))

    def respond(self, path: str, params: dict[str, str]) -> tuple[int, dict, bytes]:
        if path != "/api/v2/studies":
            return 404, {}, b"Not Found"
        token = params.get("pageToken")
        queued = self.faults.get(token)
        if queued:
            status, headers, body, permanent = queued[0]
            if not permanent:
                queued.pop(0)
            return status, headers, body
        if token not in self.pages:
            return 400, {}, b"unknown pageToken"
        return 200, {"Content-Type": "application/json"}, (DATA / self.pages[token]).read_bytes()

    def tokens(self) -> list[str | None]:
        return [params.get("pageToken") for _, params in self.requests]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        api: FakeAPI = self.server.api  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        api.requests.append((url.path, params))
        status, headers, body = api.respond(url.path, params)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def api(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeAPI()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


# -- indexes --------------------------------------------------------------------
@pytest.fixture(scope="module")
def bulk_index(tmp_path_factory):
    """The base studies as ClinicalTrials.gov's bulk download lays them out
    (``ctg-studies.json.zip``: one study per file, in NCTxxxxxxxx folders), indexed."""
    tmp = tmp_path_factory.mktemp("bulk")
    archive = tmp / "ctg-studies.json.zip"
    studies = json.loads((DATA / "base.json").read_text())["studies"]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("NCT0000xxxx/", "")
        for study in studies:
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"{nct_id[:7]}xxxx/{nct_id}.json", json.dumps(study, indent=2))
    report = ingest([archive], tmp / "ix", update=False)
    return tmp / "ix", report


@pytest.fixture
def index(bulk_index, tmp_path) -> Path:
    """A private copy of the base index, for a test to change."""
    path = tmp_path / "ix"
    shutil.copytree(bulk_index[0], path)
    return path


def _current(index: Path) -> str:
    return (index / "CURRENT").read_text()


def _filter(since: str) -> str:
    return f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"


# -- tests ----------------------------------------------------------------------
def test_bulk_download_zip_is_a_source(bulk_index):
    path, report = bulk_index
    assert report.skipped == []
    assert report.indexed == 4
    with TrialIndex(path) as ix:
        assert len(ix) == 4
        assert ix.get("NCT00001223").overall_status == "RECRUITING"
        assert ix.get("NCT00001503").last_update == BASE_NEWEST


def test_sync_applies_new_and_changed_and_records_the_sync_point(index, api):
    before = _current(index)
    assert sync_state(index) is None
    progress = []
    report = sync(index, base_url=api.url, page_size=2, on_page=lambda *a: progress.append(a), **FAST)

    assert (report.fetched, report.new, report.changed, report.unchanged, report.skipped) == (5, 3, 1, 1, 0)
    assert (report.pages, report.total, report.resumed, report.built) == (3, 5, False, True)
    assert (report.since, report.since_from, report.until) == (BASE_NEWEST, "index", "2024-03-06")
    assert progress == [(1, 2, 5), (2, 3, 5), (3, 5, 5)]
    # the API was asked the right questions, page after page
    assert {path for path, _ in api.requests} == {"/api/v2/studies"}
    assert api.requests[0][1] == {
        "format": "json",
        "filter.advanced": _filter(BASE_NEWEST),
        "pageSize": "2",
        "countTotal": "true",
    }
    assert api.tokens() == [None, "tok-2", "tok-3"]
    assert all(p["filter.advanced"] == _filter(BASE_NEWEST) for _, p in api.requests)
    # one new generation, in service, with the changes
    assert _current(index) != before
    with TrialIndex(index) as ix:
        assert ix.generation == report.generation
        assert len(ix) == 7
        changed = ix.get("NCT00001223")
        assert (changed.overall_status, changed.last_update) == ("COMPLETED", "2024-03-05")
        assert ix.get("NCT00005909").last_update == "2024-03-06"
        assert ix.get("NCT00005557").overall_status == "ACTIVE_NOT_RECRUITING"  # not fetched: kept
    state = sync_state(index)
    assert state["sync_point"] == "2024-03-06"
    assert state["generation"] == report.generation
    assert (state["new"], state["changed"], state["unchanged"]) == (3, 1, 1)
    assert "in_progress" not in state
    assert not (index / "sync").exists()  # staged pages cleared


def test_second_sync_without_changes_builds_nothing(index, api):
    first = sync(index, base_url=api.url, **FAST)
    api.requests.clear()
    api.pages = {None: "again.json"}

    second = sync(index, base_url=api.url, **FAST)

    assert (second.since, second.since_from) == ("2024-03-06", "last sync")
    assert api.requests[0][1]["filter.advanced"] == _filter("2024-03-06")
    assert (second.fetched, second.new, second.changed, second.unchanged) == (2, 0, 0, 2)
    assert not second.built
    assert second.generation == first.generation
    assert _current(index).strip() == first.generation
    assert sync_state(index)["sync_point"] == "2024-03-06"


def test_transient_failures_are_retried_honouring_retry_after(index, api, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(sync_module, "_sleep", waits.append)
    api.fail(None, 429, b"slow down", headers={"Retry-After": "7"})
    api.fail("tok-2", 503, b"busy")

    report = sync(index, base_url=api.url, backoff=0.5, max_retries=3)

    assert api.tokens() == [None, None, "tok-2", "tok-2", "tok-3"]
    assert waits == [7.0, 0.5]
    assert (report.fetched, report.new, report.changed, report.unchanged) == (5, 3, 1, 1)
    with TrialIndex(index) as ix:
        assert ix.get("NCT00001223").overall_status == "COMPLETED"


def test_interrupted_sync_keeps_the_old_index_and_resumes(index, api):
    before = _current(index)
    api.fail("tok-2", 503, b"down", permanent=True)

    with pytest.raises(SyncError, match=r"page 2 .* after 3 attempts \(HTTP 503.*resume"):
        sync(index, base_url=api.url, **FAST)

    assert api.tokens() == [None, "tok-2", "tok-2", "tok-2"]
    assert _current(index) == before
    with TrialIndex(index) as ix:  # the old generation serves, search included
        hits = ix.search("cystic fibrosis")
        assert hits[0].nct_id == "NCT00001223"
        assert hits[0].trial.overall_status == "RECRUITING"
    pending = sync_state(index)["in_progress"]
    assert (pending["since"], pending["pages"], pending["fetched"], pending["complete"]) == (BASE_NEWEST, 1, 2, False)
    assert (index / "sync" / "pages" / "00001.json").exists()

    api.faults.clear()
    api.requests.clear()
    report = sync(index, base_url=api.url, **FAST)

    assert api.tokens() == ["tok-2", "tok-3"]  # page 1 is not asked again
    assert all(p["filter.advanced"] == _filter(BASE_NEWEST) for _, p in api.requests)
    assert (report.resumed, report.since_from, report.pages, report.total) == (True, "resumed", 3, 5)
    assert (report.fetched, report.new, report.changed, report.unchanged) == (5, 3, 1, 1)
    with TrialIndex(index) as ix:
        assert ix.generation == report.generation != before.strip()
        assert ix.get("NCT00001223").overall_status == "COMPLETED"
    assert "in_progress" not in sync_state(index)


def test_failed_build_keeps_the_old_index_and_the_next_sync_only_applies(index, api, monkeypatch):
    before = _current(index)

    def broken(trial):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr("matcher.index.schema.document", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            sync(index, base_url=api.url, **FAST)
    assert _current(index) == before
    assert sync_state(index)["in_progress"]["complete"] is True

    api.requests.clear()
    report = sync(index, base_url=api.url, **FAST)
    assert api.requests == []  # every page was already in
    assert report.resumed and report.built
    assert (report.new, report.changed, report.unchanged) == (3, 1, 1)


def test_another_date_restarts_an_interrupted_sync(index, api):
    api.fail("tok-2", 503, permanent=True)
    with pytest.raises(SyncError):
        sync(index, base_url=api.url, **FAST)
    api.requests.clear()
    with pytest.raises(SyncError):
        sync(index, base_url=api.url, since="2024-03-01", **FAST)
    assert api.tokens()[0] is None
    assert api.requests[0][1]["filter.advanced"] == _filter("2024-03-01")
    assert sync_state(index)["in_progress"]["since"] == "2024-03-01"


def test_a_damaged_state_file_starts_over(index, api):
    (index / "sync" / "pages").mkdir(parents=True)
    (index / "sync" / "state.json").write_text('{"since": "2024-01-01", "pages": 7}')
    (index / "sync" / "pages" / "00001.json").write_text("stale")
    api.fail("tok-2", 503, permanent=True)
    with pytest.raises(SyncError):
        sync(index, base_url=api.url, **FAST)
    assert api.tokens()[0] is None
    assert api.requests[0][1]["filter.advanced"] == _filter(BASE_NEWEST)
    assert json.loads((index / "sync" / "pages" / "00001.json").read_text())["nextPageToken"] == "tok-2"


def test_sync_into_a_new_index_from_a_date(tmp_path, api):
    report = sync(tmp_path / "fresh", since="2024-03-01", base_url=api.url, **FAST)
    assert (report.since, report.since_from) == ("2024-03-01", "given")
    assert (report.new, report.changed, report.unchanged, report.built) == (5, 0, 0, True)
    assert api.requests[0][1]["filter.advanced"] == _filter("2024-03-01")
    with TrialIndex(tmp_path / "fresh") as ix:
        assert len(ix) == 5
    assert sync_state(tmp_path / "fresh")["sync_point"] == "2024-03-06"


def test_client_error_is_not_retried(index, api):
    before = _current(index)
    api.fail(None, 400, b"Invalid value for filter.advanced")
    with pytest.raises(SyncError, match=r"refused page 1 \(HTTP 400 Bad Request\): Invalid value for filter.advanced"):
        sync(index, base_url=api.url, **FAST)
    assert len(api.requests) == 1
    assert _current(index) == before


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"studies": [{"protocolSection": ', "not valid JSON"),
        (b"<html>maintenance</html>", "not valid JSON"),
        (b"[]", 'no "studies" list'),
        (b'{"studies": "none"}', 'no "studies" list'),
        (b'{"studies": [42]}', "not a JSON object"),
        (b'{"studies": [], "nextPageToken": 5}', "invalid nextPageToken"),
    ],
)
def test_malformed_page_is_a_clear_error(index, api, body, message):
    before = _current(index)
    api.fail(None, 200, body)
    with pytest.raises(SyncError, match=message):
        sync(index, base_url=api.url, **FAST)
    assert len(api.requests) == 1
    assert _current(index) == before


def test_connection_errors_are_retried_then_reported(index):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = httpx.Client(trust_env=False, timeout=2)
    with pytest.raises(SyncError, match=r"after 3 attempts \(ConnectError"):
        sync(index, base_url=f"http://127.0.0.1:{port}/api/v2", client=client, since="2024-01-01", **FAST)
    assert not client.is_closed  # a client passed in is the caller's to close
    client.close()
    assert sync_state(index)["in_progress"]["pages"] == 0


def test_a_page_token_that_comes_back_is_refused(index, api):
    api.fail("tok-2", 200, b'{"studies": [], "nextPageToken": "tok-2"}')
    with pytest.raises(SyncError, match="would loop"):
        sync(index, base_url=api.url, **FAST)


@pytest.mark.parametrize("since", ["03/01/2024", "2024-02-30", "yesterday"])
def test_bad_dates_are_refused_before_any_request(index, since):
    with pytest.raises(SyncError, match="YYYY-MM-DD"):
        sync(index, since=since, base_url="http://127.0.0.1:9/api/v2")


def test_no_index_and_no_date(tmp_path):
    with pytest.raises(IndexNotFound):
        sync(tmp_path / "none")
    assert issubclass(SyncError, MatcherError)


def test_the_sync_command_and_stats(index, api):
    from click.testing import CliRunner

    from matcher.cli import cli

    result = CliRunner().invoke(cli, ["sync", "--index", str(index), "--base-url", api.url, "--page-size", "2"])
    assert result.exit_code == 0, result.output
    assert "3 new, 1 changed, 1 unchanged" in result.output
    assert "Next sync from 2024-03-06" in result.output
    stats = CliRunner().invoke(cli, ["stats", "--index", str(index), "--json"])
    data = json.loads(stats.output)
    assert data["sync"]["sync_point"] == "2024-03-06"
    assert data["data_date"] == "2024-03-06"
    again = CliRunner().invoke(cli, ["sync", "--index", str(index), "--base-url", api.url, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["built"] is False
    refused = CliRunner().invoke(cli, ["sync", "--index", str(index), "--base-url", api.url, "--since", "yesterday"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
