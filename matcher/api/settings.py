"""Every option of the HTTP server, stated once.

:class:`ServerSettings` is what :func:`matcher.api.create_app` and
:func:`matcher.api.serve` are configured with; ``matcher serve`` builds its
command-line options from these fields (their ``metadata``: the option name,
its help, whether it repeats), so the CLI, ``python -m matcher.api`` and the
Python API cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


def _opt(default: Any, option: str | None, help: str, *, multiple: bool = False, **extra: Any) -> Any:
    meta = {"option": option, "help": help, "multiple": multiple, **extra}
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class ServerSettings:
    """The server's options; every field has a safe default."""

    host: str = _opt("127.0.0.1", "--host", "Address to listen on (0.0.0.0: every interface).")
    port: int = _opt(8000, "--port", "Port to listen on.", minimum=1, maximum=65535)
    index_path: Path | None = _opt(None, None, "Index directory (the CLI's --index).")
    cors_origins: tuple[str, ...] = _opt(
        (), "--cors-origin", "Browser origin allowed to call the API, e.g. https://hospital.example. "
        "Repeatable; none by default.", multiple=True)
    frame_ancestors: tuple[str, ...] = _opt(
        ("*",), "--frame-ancestors", "Origin allowed to embed the page in an iframe (CSP frame-ancestors). "
        "Repeatable; default: any.", multiple=True)
    rate_limit: float = _opt(5.0, "--rate-limit", "Requests a second per client IP; 0 turns the limit off.", minimum=0)
    rate_burst: int = _opt(30, "--rate-burst", "Requests a client may make at once before the rate limit applies.",
                           minimum=1)
    max_body_bytes: int = _opt(64 * 1024, "--max-body", "Largest request body in bytes; larger ones get 413.",
                               minimum=1)
    forwarded_allow_ips: str | None = _opt(
        None, "--forwarded-allow-ips", "Addresses of reverse proxies whose X-Forwarded-For gives the client address.")
    reload_interval: float = _opt(1.0, "--reload-interval",
                                  "Seconds between checks for a newly built index generation.", minimum=0)
    graceful_timeout: int = _opt(30, "--graceful-timeout",
                                 "Seconds running requests get to finish on SIGTERM.", minimum=0)
    log_level: str = _opt("info", "--log-level", "Log level (debug, info, warning, error).",
                          choices=("debug", "info", "warning", "error"))
    workers: int = _opt(1, "--workers", "Search processes (use one per core): with more than one, this process "
                        "serves HTTP and each search goes to the next free one (about 0.2 GB each for the bundled "
                        "corpus, 0.3 GB at 70,000 trials).", minimum=1, maximum=64)
    warm_up: bool = _opt(True, None, "Load the language pipeline, spelling index and index arrays at startup "
                          "(a search for a made-up patient), not on the first request.")

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        for name in ("cors_origins", "frame_ancestors"):
            value = getattr(self, name)
            setattr(self, name, (value,) if isinstance(value, str) else tuple(value))
        if self.index_path is not None:
            self.index_path = Path(self.index_path)

    @property
    def limited(self) -> bool:
        return bool(self.rate_limit)

def cli_fields() -> list[Any]:
    """The fields ``matcher serve`` offers as options, in order."""
    return [f for f in fields(ServerSettings) if f.metadata.get("option")]
