"""The FastAPI application: a thin layer over :class:`matcher.service.Matcher`.

One :class:`Matcher` is opened per app and shared read-only by every request
(requests run in parallel in FastAPI's thread pool: only reads from Whoosh's
files take a lock; ``serve --workers N`` runs N such processes). When ``matcher index`` swaps a new index
generation in, the next request after ``reload_interval`` seconds notices the
changed ``CURRENT`` pointer (one ``stat``) and the matcher switches over
atomically: requests already running finish on the old generation.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Annotated, Any

import anyio
import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware

from ..errors import IndexNotFound, MatcherError, TrialNotFound
from ..filters import FilterError
from ..form import FormError
from ..service import Matcher
from .middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    ErrorShieldMiddleware,
    HeadersMiddleware,
    RateLimitMiddleware,
    TokenBucket,
)
from .schemas import (
    NCT_PATTERN,
    ErrorResponse,
    ExplainRequest,
    ExplainResponse,
    HealthResponse,
    SearchRequest,
    SearchResponse,
    ValidationErrorResponse,
)
from .settings import ServerSettings

log = logging.getLogger("matcher.api")

class IndexHolder:
    """The shared :class:`Matcher`, switched to a newer index generation when one is swapped in."""

    def __init__(self, index_path: Path | None, reload_interval: float):
        self.index_path = index_path
        self.reload_interval = reload_interval
        self._lock = threading.Lock()
        self._matcher: Matcher | None = Matcher(index_path)
        self.index_path = self._matcher.index_path
        self._stamp = self._pointer_stamp()
        self._checked = time.monotonic()

    def _pointer_stamp(self) -> tuple[int, int, int] | None:
        # matcher.index replaces INDEX/CURRENT with os.replace when a build
        # completes: a new inode and mtime are a cheap sign of a new generation.
        try:
            st = os.stat(self.index_path / "CURRENT")
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(self) -> Matcher:
        now = time.monotonic()
        if now - self._checked >= self.reload_interval and self._lock.acquire(blocking=False):
            try:
                self._checked = now
                self._maybe_reload()
            finally:
                self._lock.release()
        matcher = self._matcher
        if matcher is None:  # closed at shutdown, used again (e.g. a second TestClient session)
            with self._lock:
                if self._matcher is None:
                    self._matcher = Matcher(self.index_path)
                    self._stamp = self._pointer_stamp()
                matcher = self._matcher
        return matcher

    def _maybe_reload(self) -> None:
        stamp = self._pointer_stamp()
        if stamp is None or stamp == self._stamp or self._matcher is None:
            return
        try:
            if self._matcher.reload():
                log.info("switched to index generation %s (%d trials)", self._matcher.generation, len(self._matcher))
            self._stamp = stamp
        except Exception as exc:  # noqa: BLE001 - keep serving the generation we have
            log.warning("index reload failed (%s); still serving %s", type(exc).__name__, self._matcher.generation)

    def close(self) -> None:
        with self._lock:
            if self._matcher is not None:
                self._matcher.close()
                self._matcher = None


@cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _version() -> str:
    try:
        return metadata.version("matcher")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout without install
        return "0"


def _field_name(loc: Sequence[str | int]) -> str:
    """``("body", "patient", "measurements", 0, "value")`` -> ``patient.measurements[0].value``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "path", "query", "header"):
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _error(field_loc: Sequence[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"field": _field_name(field_loc), "loc": list(field_loc), "msg": msg, "type": kind}


def _validation_response(errors: list[dict[str, Any]]) -> JSONResponse:
    # The submitted values ("input") are left out on purpose: errors echo field names, not patient data.
    return JSONResponse({"detail": errors}, status_code=422)


def _require_patient(request: SearchRequest | ExplainRequest) -> None:
    if not request.has_patient():
        raise RequestValidationError(
            [{"loc": ("body", "text"), "msg": "describe the patient: give text or patient form fields", "type": "missing"}]
        )


def create_app(index_path: str | os.PathLike | None = None, *, settings: ServerSettings | None = None,
               **options: Any) -> FastAPI:
    """The HTTP app over the index at ``index_path`` (default: ``matcher``'s default index).

    ``options`` are :class:`~matcher.api.settings.ServerSettings` fields, or
    pass ``settings`` whole:

    - ``cors_origins``: origins allowed to call the API from a browser (``["*"]`` for any); none by default.
    - ``max_body_bytes``: larger request bodies get 413.
    - ``rate_limit`` / ``rate_burst``: token bucket per client IP (requests a second / at once);
      ``None`` or ``0`` turns it off. ``/health`` is never limited.
    - ``frame_ancestors``: the page's CSP ``frame-ancestors`` sources (who may embed it in an iframe).
    - ``reload_interval``: seconds between checks for a newly built index generation.

    Raises :class:`matcher.errors.IndexNotFound` if there is no index.
    """
    settings = settings or ServerSettings(**options)
    if index_path is not None:
        settings = replace(settings, index_path=Path(index_path))
    holder = IndexHolder(settings.index_path, settings.reload_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.warm_up:
            # Loads the spaCy pipeline so the first patient does not wait for it.
            await anyio.to_thread.run_sync(lambda: holder.get().patient("warm up"))
        log.info("serving %d trials from %s (%s)", len(holder.get()), settings.index_path, holder.get().generation)
        try:
            yield
        finally:
            holder.close()

    app = FastAPI(
        title="matcher",
        version=_version(),
        summary="Match a patient to clinical trials, criterion by criterion.",
        description=(
            "Search trials for a patient described in free text and/or form fields, "
            "and see every eligibility criterion judged with a plain-language reason. "
            "Responses are the same JSON as `matcher search --json` and `matcher explain --json`. "
            "Patient data is read in memory only: it is never stored or logged."
        ),
        lifespan=lifespan,
        docs_url=None,  # served below from shipped assets, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.holder = holder

    # -- errors ------------------------------------------------------------
    @app.exception_handler(RequestValidationError)
    async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            if e["type"] == "json_invalid":  # loc is ("body", character offset)
                errors.append(_error(["body"], f"invalid JSON at character {e['loc'][-1]}", e["type"]))
            else:
                errors.append(_error(e["loc"], e["msg"], e["type"]))
        return _validation_response(errors)

    @app.exception_handler(FormError)
    async def _on_patient(request: Request, exc: FormError) -> JSONResponse:
        message = str(exc).removeprefix(f"{exc.field}: ")
        loc: list[str | int] = ["body", "patient", *_split_field(exc.field)]
        return _validation_response([_error(loc, message, "value_error")])

    @app.exception_handler(FilterError)
    async def _on_filter(request: Request, exc: FilterError) -> JSONResponse:
        return _validation_response([_error(["body", "filters", exc.field], str(exc), "value_error")])

    @app.exception_handler(TrialNotFound)
    async def _on_not_found(request: Request, exc: TrialNotFound) -> JSONResponse:
        nct_id = getattr(request.state, "nct_id", None)
        return JSONResponse({"detail": f"no trial {nct_id or 'with that id'} in the index"}, status_code=404)

    @app.exception_handler(IndexNotFound)
    async def _on_no_index(request: Request, exc: IndexNotFound) -> JSONResponse:
        return JSONResponse({"detail": "the trial index is not available"}, status_code=503)

    @app.exception_handler(MatcherError)
    async def _on_matcher_error(request: Request, exc: MatcherError) -> JSONResponse:
        log.error("%s in %s %s", type(exc).__name__, request.method, request.url.path)
        return JSONResponse({"detail": "the request could not be served"}, status_code=500)

    errors_422 = {422: {"model": ValidationErrorResponse, "description": "A field is missing or invalid; `field` names it."}}
    errors_common = {
        413: {"model": ErrorResponse, "description": "Request body too large."},
        429: {"model": ErrorResponse, "description": "Too many requests from this client; see Retry-After."},
    }

    # -- endpoints -----------------------------------------------------------
    @app.post(
        "/search",
        response_model=SearchResponse,
        responses={**errors_422, **errors_common},
        summary="Rank trials for a patient",
        tags=["matching"],
    )
    def search(body: SearchRequest) -> JSONResponse:
        """The best trials for a patient (free `text` and/or `patient` form fields), judged criterion by criterion.

        Each result has an eligibility (`eligible`, `uncertain`, `ineligible`), criteria counts and the
        reasons that decided it; `questions` would settle criteria still unknown.
        """
        _require_patient(body)
        found = holder.get().search(
            body.text,
            patient=body.patient.to_form() if body.patient else None,
            top=body.top,
            filters=body.filters.to_filters() if body.filters else None,
        )
        return JSONResponse(found.to_dict())

    @app.post(
        "/explain",
        response_model=ExplainResponse,
        responses={**errors_422, **errors_common, 404: {"model": ErrorResponse, "description": "No such trial."}},
        summary="Judge every criterion of one trial for a patient",
        tags=["matching"],
    )
    def explain(body: ExplainRequest, request: Request) -> JSONResponse:
        """Every eligibility criterion of `nct_id` with its verdict (`pass`, `fail`, `unknown`,
        `not_applicable`) and a plain-language reason, plus the open questions."""
        _require_patient(body)
        nct_id = body.nct_id.upper()
        request.state.nct_id = nct_id
        result = holder.get().explain(nct_id, body.text, patient=body.patient.to_form() if body.patient else None)
        return JSONResponse(result.to_dict())

    @app.get(
        "/trials/{nct_id}",
        response_model=None,
        responses={
            200: {"description": "The trial", "content": {"application/json": {"schema": {"type": "object"}}}},
            **errors_422,
            404: {"model": ErrorResponse, "description": "No such trial."},
        },
        summary="A stored trial with its criteria and parsed constraints",
        tags=["trials"],
    )
    def trial(
        nct_id: Annotated[str, PathParam(pattern=NCT_PATTERN, examples=["NCT05858684"])], request: Request
    ) -> JSONResponse:
        """The trial record as `matcher show NCT_ID --json` prints it."""
        request.state.nct_id = nct_id.upper()
        return JSONResponse(holder.get().trial(nct_id.upper()).to_dict())

    @app.get("/health", response_model=HealthResponse, summary="Liveness and the index in service", tags=["service"])
    def health() -> JSONResponse:
        matcher = holder.get()
        return JSONResponse({"status": "ok", "trials": len(matcher), "generation": matcher.generation,
                             "data_date": matcher.data_date()})

    # -- the embeddable page ---------------------------------------------------
    csp = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors " + (" ".join(settings.frame_ancestors) or "'none'"),
    ])

    docs_csp = "; ".join(["default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
                          "img-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"])

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_asset("index.html"), headers={"Content-Security-Policy": csp})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_asset("docs.html"), headers={"Content-Security-Policy": docs_csp})

    app.mount("/static", StaticFiles(packages=[(__package__, "static")]), name="static")
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    # -- middleware: the last added runs first ---------------------------------
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.limited:
        app.add_middleware(RateLimitMiddleware, bucket=TokenBucket(settings.rate_limit, settings.rate_burst))
    app.add_middleware(ErrorShieldMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.add_middleware(HeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)
    return app


def _strings(values: str | Sequence[str]) -> tuple[str, ...]:
    """One string or several, as a tuple (a lone string is not split into characters)."""
    return (values,) if isinstance(values, str) else tuple(values)


def _split_field(name: str) -> list[str | int]:
    """``measurements[0].unit`` -> ``["measurements", 0, "unit"]``."""
    out: list[str | int] = []
    for part in name.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return out
