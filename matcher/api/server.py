"""Running the app under uvicorn: :func:`serve` for the CLI, :func:`background_server` for tests and benchmarks.

uvicorn's own access log is off (it would print query strings); the app
writes one line per request on the ``matcher.api.access`` logger instead.
On SIGTERM or Ctrl-C uvicorn stops accepting connections, lets requests in
flight finish (up to ``graceful_timeout`` seconds), then closes the index.
"""
from __future__ import annotations

import copy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from .app import create_app
from .settings import ServerSettings

DEFAULT_GRACEFUL_TIMEOUT = ServerSettings.graceful_timeout


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging setup plus the ``matcher`` loggers on stderr with timestamps."""
    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg["formatters"]["matcher"] = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    cfg["handlers"]["matcher"] = {
        "formatter": "matcher",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    cfg["loggers"]["matcher"] = {"handlers": ["matcher"], "level": level.upper(), "propagate": False}
    return cfg


def make_server(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    graceful_timeout: int | None = DEFAULT_GRACEFUL_TIMEOUT,
    forwarded_allow_ips: str | None = None,
    log_level: str = "info",
    configure_logging: bool = True,
    **uvicorn_options: Any,
) -> uvicorn.Server:
    """A uvicorn server for ``app`` with our logging and no uvicorn access log."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=log_config(log_level) if configure_logging else None,
        log_level=log_level,
        timeout_graceful_shutdown=graceful_timeout,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        lifespan="on",
        **uvicorn_options,
    )
    return uvicorn.Server(config)


def serve(settings: ServerSettings | None = None, **options: Any) -> None:
    """Serve the API and page until SIGTERM/SIGINT with ``settings`` (or
    :class:`ServerSettings` fields as keywords). Raises ``IndexNotFound`` if
    there is no index.

    ``forwarded_allow_ips``: addresses of reverse proxies whose X-Forwarded-For
    is trusted for the client address (the rate limit's key); uvicorn's default
    trusts 127.0.0.1 only.
    """
    settings = settings or ServerSettings(**options)
    # with workers > 1 the app hands searches to that many processes (matcher.api.pool)
    app = create_app(settings=settings)
    make_server(
        app, settings.host, settings.port, graceful_timeout=settings.graceful_timeout,
        forwarded_allow_ips=settings.forwarded_allow_ips, log_level=settings.log_level,
    ).run()


@contextmanager
def background_server(app: Any, host: str = "127.0.0.1", port: int = 0, *, startup_timeout: float = 60.0,
                      **options: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread; yields its base URL and shuts it down gracefully on exit.

    ``port=0`` picks a free port. Logging is left as the caller set it up.
    """
    options.setdefault("configure_logging", False)
    options.setdefault("log_level", "warning")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    server = make_server(app, host, sock.getsockname()[1], **options)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="matcher-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True  # what uvicorn's SIGTERM handler does
        thread.join(timeout=(options.get("graceful_timeout") or DEFAULT_GRACEFUL_TIMEOUT) + 10)
        sock.close()

