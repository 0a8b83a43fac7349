"""Keep an index current with ClinicalTrials.gov: fetch what changed, apply it once.

:func:`sync` asks the API v2 ``/studies`` endpoint for every study whose last
update was posted on or after a date (``AREA[LastUpdatePostDate]RANGE[date,MAX]``),
page by page, stages each page on disk, and when the last page is in applies
the new and changed studies in one :func:`~matcher.ingest.ingest` (one new
index generation, swapped in atomically; a failure leaves the old one serving).

Layout beside the index's generations::

    INDEX_DIR/
        sync.json              the last completed sync (its sync point, counts)
        .sync.lock             held while a sync runs
        sync/state.json        a sync in flight: its date, next page token, pages done
        sync/pages/00001.json  fetched pages, as received, until every page is in
        sync/apply/            the new and changed studies, written for the ingest

An interrupted sync (network down, retries exhausted, Ctrl-C, a failed
build) keeps its staged pages and state; the next run continues from the
saved page token for the same date.

The sync point recorded for the next run is the newest ``lastUpdatePostDate``
seen (or the date asked from, when nothing came back). It comes from the
registry's own dates, so no clock or time zone on this side can open a gap;
the next sync asks for that day again (the range is inclusive), and studies
whose date equals the indexed trial's are dropped as unchanged.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from .errors import IndexNotFound, MatcherError, RecordError
from .index import exclusive
from .models import Trial

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
MAX_PAGE_SIZE = 1000  # the API's ceiling for pageSize
MAX_DELAY = 300.0  # seconds: the longest wait between attempts, Retry-After included
TIMEOUT = httpx.Timeout(60.0, connect=15.0)
USER_AGENT = "matcher-sync/0.1"

SYNC_FILE = "sync.json"
STAGING_DIR = "sync"
LOCK_FILE = ".sync.lock"

_sleep = time.sleep  # tests replace it to see the delays without waiting


class SyncError(MatcherError):
    """A sync that could not finish; the index in service is unchanged."""


@dataclass
class SyncReport:
    """What one sync did."""

    since: str = ""  # the date asked from (inclusive), YYYY-MM-DD
    since_from: str = ""  # where it came from: given, last sync, index, resumed
    until: str = ""  # the sync point recorded for the next run
    total: int | None = None  # the API's count of matching studies
    pages: int = 0
    fetched: int = 0  # study records received
    new: int = 0  # not in the index before
    changed: int = 0  # in the index with an older last update
    unchanged: int = 0  # in the index with the same (or a newer) last update
    skipped: int = 0  # records that could not be read
    generation: str = ""  # the generation in service afterwards
    built: bool = False  # whether a new generation was built
    resumed: bool = False  # whether this run continued an interrupted sync
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sync(
    index_path: str | os.PathLike,
    *,
    since: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    client: httpx.Client | None = None,
    page_size: int = MAX_PAGE_SIZE,
    max_retries: int = 5,
    backoff: float = 1.0,
    restart: bool = False,
    on_page: Callable[[int, int, int | None], None] | None = None,
    on_trial: Callable[[Trial], None] | None = None,
) -> SyncReport:
    """Fetch the studies updated since ``since`` and apply the new and changed ones.

    Without ``since``, an interrupted sync is resumed; else the date is the
    last sync point, else the newest last update among the indexed trials
    (``report.since_from`` says which). A ``since`` other than the
    interrupted sync's, or ``restart``, drops the staged pages and starts over.

    Connection errors, timeouts, HTTP 429 and 5xx are retried ``max_retries``
    times, waiting ``backoff`` seconds doubled at each attempt (or what
    ``Retry-After`` asks); other failures raise :class:`SyncError` at once.
    ``on_page(pages_done, studies_fetched, total)`` is called after each page
    is staged, ``on_trial`` for each trial indexed.
    """
    started = time.perf_counter()
    root = Path(index_path)
    if since is not None:
        since = _check_date(since)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise SyncError(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
    if max_retries < 0 or backoff < 0:
        raise SyncError("max_retries and backoff cannot be negative")
    from .index import index_exists

    if since is None and not index_exists(root) and _read_state(root) is None:
        raise IndexNotFound(f"no index at {root}; build one with `matcher index`, or give a date to sync from")

    report = SyncReport()
    with exclusive(root, LOCK_FILE, "another sync is running on {root}", SyncError):
        state = _read_state(root)
        if state is not None and (
            restart or (since is not None and since != state["since"]) or state.get("base_url") != base_url
        ):
            state = None
        if state is None:
            _clear_staging(root)  # leftovers of a damaged state
            report.since, report.since_from = (since, "given") if since else _start_date(root)
            state = {
                "since": report.since,
                "base_url": base_url,
                "next_page_token": None,
                "pages": 0,
                "fetched": 0,
                "total": None,
                "complete": False,
                "started": _now(),
            }
            _write_json(_state_path(root), state)
        else:
            report.since, report.since_from, report.resumed = state["since"], "resumed", True
            log.info("resuming the sync from %s after page %d", state["since"], state["pages"])
        if not state["complete"]:
            _fetch_pages(root, state, base_url, client, page_size, max_retries, backoff, on_page)
        report.pages, report.fetched, report.total = state["pages"], state["fetched"], state["total"]
        _apply(root, state, report, on_trial)
        report.seconds = round(time.perf_counter() - started, 3)
        record = {k: v for k, v in report.to_dict().items() if k != "until"}
        _write_json(root / SYNC_FILE, {"sync_point": report.until, "synced_at": _now(), **record})
        _clear_staging(root)
    return report


def sync_state(index_path: str | os.PathLike) -> dict[str, Any] | None:
    """The last completed sync (``sync_point``, ``synced_at``, counts) and any sync
    in flight (under ``in_progress``); None when the index was never synced."""
    root = Path(index_path)
    last = _read_json(root / SYNC_FILE)
    pending = _read_state(root)
    if last is None and pending is None:
        return None
    result = dict(last or {})
    if pending is not None:
        keys = ("since", "pages", "fetched", "total", "complete", "started")
        result["in_progress"] = {k: pending.get(k) for k in keys}
    return result


# -- where to start -------------------------------------------------------------
def _check_date(text: str) -> str:
    text = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise SyncError(f"not a date: {text!r}; give it as YYYY-MM-DD")


def _start_date(root: Path) -> tuple[str, str]:
    """The date to sync from, and where it came from, when none is given."""
    last = _read_json(root / SYNC_FILE)
    point = last.get("sync_point") if last else None
    if point:
        if last.get("generation") == _generation(root):
            return point, "last sync"
        # the index was rebuilt or updated since: an older rebuild must not be skipped over
        newest = _newest_in_index(root)
        if newest and newest < point:
            return newest, "index (rebuilt since the last sync)"
        return point, "last sync"
    newest = _newest_in_index(root)
    if not newest:
        raise SyncError(f"no trial in {root} has a last update date; give a date to sync from")
    return newest, "index"


def _generation(root: Path) -> str:
    from .index import TrialIndex, index_exists

    if not index_exists(root):
        return ""
    with TrialIndex(root) as ix:
        return ix.generation


def _newest_in_index(root: Path) -> str:
    from .index import TrialIndex, index_exists

    if not index_exists(root):
        return ""
    with TrialIndex(root) as ix:
        newest = max((t.last_update for t in ix.trials() if t.last_update), default="")
    return newest if len(newest) != 7 else newest + "-01"  # a month alone: its first day


# -- fetching -------------------------------------------------------------------
def _fetch_pages(
    root: Path,
    state: dict[str, Any],
    base_url: str,
    client: httpx.Client | None,
    page_size: int,
    max_retries: int,
    backoff: float,
    on_page: Callable[[int, int, int | None], None] | None,
) -> None:
    """Fetch, check and stage pages until the last, saving progress after each."""
    url = base_url.rstrip("/") + "/studies"
    http = client or httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True)
    try:
        while not state["complete"]:
            number = state["pages"] + 1
            token = state["next_page_token"]
            params: dict[str, Any] = {
                "format": "json",
                "filter.advanced": f"AREA[LastUpdatePostDate]RANGE[{state['since']},MAX]",
                "pageSize": page_size,
                "countTotal": "true",
            }
            if token:
                params["pageToken"] = token
            response = _get(http, url, params, f"page {number}", max_retries, backoff)
            studies, next_token, total = _check_page(response.content, number, token)
            _write_bytes(_page_path(root, number), response.content)
            state.update(
                pages=number,
                fetched=state["fetched"] + len(studies),
                next_page_token=next_token,
                complete=next_token is None,
            )
            if number == 1 and total is not None:
                state["total"] = total
            _write_json(_state_path(root), state)
            log.info("page %d: %d studies", number, len(studies))
            if on_page:
                on_page(state["pages"], state["fetched"], state["total"])
    finally:
        if client is None:
            http.close()


def _get(
    http: httpx.Client, url: str, params: dict[str, Any], what: str, max_retries: int, backoff: float
) -> httpx.Response:
    """GET with retries for transient failures; a clear SyncError otherwise."""
    problem = ""
    for attempt in range(max_retries + 1):
        delay = backoff * 2**attempt
        try:
            response = http.get(url, params=params)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise SyncError(f"cannot fetch {what} from {url}: {exc}") from None
        except httpx.TransportError as exc:  # connection refused or reset, timeouts, protocol errors
            problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except httpx.HTTPError as exc:  # too many redirects, undecodable content
            raise SyncError(f"cannot fetch {what} from {url}: {exc}") from None
        else:
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status != 429 and status < 500:
                raise SyncError(
                    f"ClinicalTrials.gov refused {what} (HTTP {status} {response.reason_phrase})"
                    f"{_excerpt(response)}; the request was {response.request.url}"
                )
            problem = f"HTTP {status} {response.reason_phrase}".rstrip()
            delay = _retry_after(response, delay)
        if attempt < max_retries:
            wait = min(delay, MAX_DELAY)
            log.warning("%s: %s; retrying in %.1f s (attempt %d of %d)", what, problem, wait, attempt + 2, max_retries + 1)
            _sleep(wait)
    raise SyncError(
        f"could not fetch {what} from {url} after {max_retries + 1} attempts ({problem}); "
        "the index in service is unchanged and progress is kept: run the sync again to resume"
    )


def _retry_after(response: httpx.Response, default: float) -> float:
    """Seconds asked by a Retry-After header (seconds or an HTTP date), else ``default``."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _excerpt(response: httpx.Response, limit: int = 300) -> str:
    text = " ".join(response.text.split())[:limit]
    return f": {text}" if text else ""


def _check_page(body: bytes, number: int, token: str | None) -> tuple[list[dict], str | None, int | None]:
    """The studies, next page token and total count of one page; SyncError if malformed."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise SyncError(f"page {number} is not valid JSON ({exc}); run the sync again to fetch it anew") from None
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise SyncError(f'page {number} is not an API v2 page: it has no "studies" list')
    studies = data["studies"]
    if not all(isinstance(s, dict) for s in studies):
        raise SyncError(f"page {number} is not an API v2 page: a study is not a JSON object")
    next_token = data.get("nextPageToken")
    if next_token is not None and (not isinstance(next_token, str) or not next_token.strip()):
        raise SyncError(f"page {number} has an invalid nextPageToken")
    if next_token is not None and next_token == token:
        raise SyncError(f"page {number} gave back the page token it was asked with; the API would loop")
    total = data.get("totalCount")
    return studies, next_token, total if isinstance(total, int) and not isinstance(total, bool) else None


# -- applying -------------------------------------------------------------------
def _apply(
    root: Path, state: dict[str, Any], report: SyncReport, on_trial: Callable[[Trial], None] | None
) -> None:
    """Sort the staged studies into new, changed and unchanged; ingest the first two once."""
    from .index import TrialIndex, index_exists
    from .ingest import ingest
    from .sources import parse_study

    # the latest version of each study (a study updated mid-sync can come twice)
    latest: dict[str, tuple[str, int, int]] = {}
    for number, studies in _staged_pages(root, state["pages"]):
        for position, study in enumerate(studies):
            try:
                trial = parse_study(study)
            except RecordError:
                report.skipped += 1
                continue
            key = (trial.last_update, number, position)
            if trial.nct_id not in latest or key >= latest[trial.nct_id]:
                latest[trial.nct_id] = key
    report.until = max([report.since] + [d for d, _, _ in latest.values() if len(d) == 10])

    keep: set[tuple[int, int]] = set()
    ix = TrialIndex(root) if index_exists(root) else None
    report.generation = ix.generation if ix is not None else ""
    try:
        for nct_id, (updated, number, position) in latest.items():
            if ix is None or nct_id not in ix:
                report.new += 1
            elif _is_newer(updated, ix.get(nct_id).last_update):
                report.changed += 1
            else:
                report.unchanged += 1
                continue
            keep.add((number, position))
    finally:
        if ix is not None:
            ix.close()

    if keep:
        apply_dir = root / STAGING_DIR / "apply"
        shutil.rmtree(apply_dir, ignore_errors=True)
        apply_dir.mkdir(parents=True)
        for number, studies in _staged_pages(root, state["pages"]):
            chosen = [s for position, s in enumerate(studies) if (number, position) in keep]
            if chosen:
                _write_json(apply_dir / f"{number:05d}.json", {"studies": chosen})
        result = ingest([apply_dir], root, update=True, on_trial=on_trial)
        report.skipped += len(result.skipped)
        if result.build is not None:
            report.built, report.generation = True, result.build.generation


def _is_newer(fetched: str, indexed: str) -> bool:
    """Whether a fetched study's last update is later than the indexed trial's.

    An equal date is the same version; an earlier one means the index already
    holds a later version (e.g. from a newer bulk download), kept as it is.
    """
    if fetched == indexed:
        return False
    return not (fetched and indexed and fetched < indexed)


def _staged_pages(root: Path, pages: int) -> Iterator[tuple[int, list[dict]]]:
    for number in range(1, pages + 1):
        path = _page_path(root, number)
        try:
            studies, _, _ = _check_page(path.read_bytes(), number, None)
        except (OSError, SyncError) as exc:
            raise SyncError(f"staged page {path} is missing or damaged ({exc}); sync again with restart") from None
        yield number, studies


# -- files ----------------------------------------------------------------------
def _state_path(root: Path) -> Path:
    return root / STAGING_DIR / "state.json"


def _page_path(root: Path, number: int) -> Path:
    return root / STAGING_DIR / "pages" / f"{number:05d}.json"


def _read_state(root: Path) -> dict[str, Any] | None:
    """The state of a sync in flight, or None (a damaged state file counts as none)."""
    state = _read_json(_state_path(root))
    if state is None:
        return None
    try:
        _check_date(state["since"])
        valid = (
            isinstance(state["pages"], int)
            and isinstance(state["fetched"], int)
            and isinstance(state["complete"], bool)
            and (state["next_page_token"] is None or isinstance(state["next_page_token"], str))
            and (state["complete"] or state["pages"] == 0 or state["next_page_token"])
        )
    except (KeyError, SyncError):
        valid = False
    if not valid:
        log.warning("ignoring a damaged sync state in %s", _state_path(root))
        return None
    return state


def _clear_staging(root: Path) -> None:
    shutil.rmtree(root / STAGING_DIR, ignore_errors=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    _write_bytes(path, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


