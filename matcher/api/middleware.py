"""Plain ASGI middleware for the API: access log, error shield, rate limit, body size limit, headers.

Each is a small class wrapping the next ASGI app. None of them reads or keeps
a request body, a query string or a header value other than Content-Length,
so patient text cannot reach a log line from here.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("matcher.api.access")
error_log = logging.getLogger("matcher.api.error")

MAX_LOGGED_PATH = 120


def loggable_path(scope: Scope) -> str:
    """The request path only (never the query string), cut to a bounded length."""
    path = scope.get("path") or "/"
    return path if len(path) <= MAX_LOGGED_PATH else path[:MAX_LOGGED_PATH] + "..."


class AccessLogMiddleware:
    """One line per request: method, path, status and time taken. Nothing else.

    Replaces uvicorn's access log (which would print the query string).
    """

    def __init__(self, app: ASGIApp, logger: logging.Logger = access_log):
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.logger.info(
                "%s %s %d %.1fms",
                scope.get("method", "-"),
                loggable_path(scope),
                status,
                (time.perf_counter() - started) * 1000,
            )


class ErrorShieldMiddleware:
    """Turn an unhandled exception into a bare 500 and log only its type.

    Starlette's outermost error middleware re-raises so that the server logs
    the traceback, whose message could quote a patient's words; catching the
    exception here stops it before that.
    """

    def __init__(self, app: ASGIApp, logger: logging.Logger = error_log):
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:  # noqa: BLE001 - the point of this middleware
            self.logger.error(
                "unhandled %s.%s in %s %s", type(exc).__module__, type(exc).__qualname__,
                scope.get("method", "-"), loggable_path(scope),
            )
            if not response_started:
                await JSONResponse({"detail": "internal server error"}, status_code=500)(scope, receive, send)


class TokenBucket:
    """Per-key token buckets: ``rate`` tokens a second, at most ``burst`` saved up.

    Memory is bounded: when more than ``max_keys`` keys are held, buckets
    that have refilled completely (idle clients) are dropped.
    """

    def __init__(self, rate: float, burst: int, *, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0.0 if a token was taken, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > self.max_keys:
                self._prune(now)
            return wait

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        for key in [k for k, (_, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimitMiddleware:
    """429 with Retry-After once a client (by IP address) empties its token bucket.

    Behind a reverse proxy the client address is the proxy's unless the
    server trusts its X-Forwarded-For (uvicorn's ``forwarded_allow_ips``).
    """

    def __init__(self, app: ASGIApp, bucket: TokenBucket, exempt: Iterable[str] = ("/health",)):
        self.app = app
        self.bucket = bucket
        self.exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.bucket.take(client[0] if client else "unknown")
        if wait > 0:
            retry = max(1, math.ceil(wait))
            response = JSONResponse(
                {"detail": f"too many requests; retry in {retry} s"},
                status_code=429,
                headers={"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body too large; the limit is {limit} bytes")


class BodyLimitMiddleware:
    """413 for a body over ``max_bytes``: by Content-Length up front, else counted as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse({"detail": "invalid Content-Length"}, status_code=400)(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self.max_bytes)
            return message

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, send_tracking)
        except RequestTooLarge:
            if not response_started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body too large; the limit is {self.max_bytes} bytes"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class HeadersMiddleware:
    """Headers on every response: no sniffing, no referrer, and no caching of API answers.

    ``X-Frame-Options`` is deliberately not set, so the page can be framed;
    the page's own Content-Security-Policy ``frame-ancestors`` says by whom.
    """

    def __init__(self, app: ASGIApp, cacheable_prefixes: tuple[str, ...] = ("/static/",)):
        self.app = app
        self.cacheable_prefixes = cacheable_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope.get("path", "").startswith(self.cacheable_prefixes)

        async def send_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if not cacheable:
                    extra.append((b"cache-control", b"no-store"))
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_headers)
