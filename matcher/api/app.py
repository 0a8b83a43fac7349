"""The FastAPI application: a thin layer over :class:`matcher.service.Matcher`.

With one worker (the default), one :class:`Matcher` is opened per app and
shared read-only by every request (requests run in parallel in FastAPI's
thread pool: only reads from Whoosh's files take a lock). With ``workers`` N
> 1, this process serves HTTP and hands each call to N search processes
(:mod:`matcher.api.pool`), each with its own Matcher. Either way, when
``matcher index`` swaps a new index generation in, the next request after
``reload_interval`` seconds notices the changed ``CURRENT`` pointer (one
``stat``) and the matcher switches over atomically: requests already running
finish on the old generation.
"""
from __future__ import annotations

import logging
import os
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

from .. import config
from ..errors import IndexNotFound, MatcherError, TrialNotFound
from ..filters import FilterError
from ..form import FormError
from ..index import index_exists
from ..service import Matcher
from .holder import IndexHolder, answer
from .middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    ErrorShieldMiddleware,
    HeadersMiddleware,
    RateLimitMiddleware,
    TokenBucket,
)
from .pool import PoolError, SearchPool
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
    holder: IndexHolder | None = None
    pool: SearchPool | None = None
    if settings.workers > 1:
        path = settings.index_path or config.default_index_path()
        if not index_exists(path):
            # IndexNotFound at once for a given path; the default index is built here, once, not by every process
            with Matcher(settings.index_path) as matcher:
                matcher.index  # noqa: B018
        pool = SearchPool(path, settings.workers, reload_interval=settings.reload_interval, warm_up=settings.warm_up)
    else:
        holder = IndexHolder(settings.index_path, settings.reload_interval)

    async def run(call: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``call``'s answer from the search processes, or from this process's own Matcher in a thread."""
        if pool is not None:
            return await pool.call(call, *args, **kwargs)
        return await anyio.to_thread.run_sync(lambda: answer(holder.get(), call, args, kwargs))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if pool is not None:
            await pool.start()
        elif settings.warm_up:
            await anyio.to_thread.run_sync(holder.warm_up)
        health = await run("health")
        log.info("serving %d trials from %s (%s)%s", health["trials"], settings.index_path or "the default index",
                 health["generation"], f" with {settings.workers} search processes" if pool else "")
        try:
            yield
        finally:
            if pool is not None:
                await anyio.to_thread.run_sync(pool.close)
            else:
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
    app.state.holder = holder  # None with search processes
    app.state.pool = pool

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

    @app.exception_handler(PoolError)
    async def _on_pool(request: Request, exc: PoolError) -> JSONResponse:
        log.error("a search process stopped in %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "the request could not be served; try again"}, status_code=503)

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
    async def search(body: SearchRequest) -> JSONResponse:
        """The best trials for a patient (free `text` and/or `patient` form fields), judged criterion by criterion.

        Each result has an eligibility (`eligible`, `uncertain`, `ineligible`), criteria counts and the
        reasons that decided it; `questions` would settle criteria still unknown.
        """
        _require_patient(body)
        return JSONResponse(await run(
            "search",
            body.text,
            patient=body.patient.to_form() if body.patient else None,
            top=body.top,
            filters=body.filters.to_filters() if body.filters else None,
        ))

    @app.post(
        "/explain",
        response_model=ExplainResponse,
        responses={**errors_422, **errors_common, 404: {"model": ErrorResponse, "description": "No such trial."}},
        summary="Judge every criterion of one trial for a patient",
        tags=["matching"],
    )
    async def explain(body: ExplainRequest, request: Request) -> JSONResponse:
        """Every eligibility criterion of `nct_id` with its verdict (`pass`, `fail`, `unknown`,
        `not_applicable`) and a plain-language reason, plus the open questions."""
        _require_patient(body)
        nct_id = body.nct_id.upper()
        request.state.nct_id = nct_id
        return JSONResponse(await run("explain", nct_id, body.text,
                                      patient=body.patient.to_form() if body.patient else None))

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
    async def trial(
        nct_id: Annotated[str, PathParam(pattern=NCT_PATTERN, examples=["NCT05858684"])], request: Request
    ) -> JSONResponse:
        """The trial record as `matcher show NCT_ID --json` prints it."""
        request.state.nct_id = nct_id.upper()
        return JSONResponse(await run("trial", nct_id.upper()))

    @app.get("/health", response_model=HealthResponse, summary="Liveness and the index in service", tags=["service"])
    async def health() -> JSONResponse:
        return JSONResponse(await run("health"))

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
