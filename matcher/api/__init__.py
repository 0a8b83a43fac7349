"""The HTTP layer: a JSON API and an embeddable search page over :class:`matcher.service.Matcher`.

    from matcher.api import create_app, serve

    app = create_app("/path/to/index", cors_origins=["https://hospital.example"])
    serve(host="127.0.0.1", port=8000, index_path="/path/to/index")   # uvicorn, until SIGTERM/Ctrl-C

Endpoints: ``POST /search``, ``POST /explain``, ``GET /trials/{nct_id}``,
``GET /health``, the page at ``/`` and the OpenAPI docs at ``/docs``.
Responses are the CLI's ``--json`` shapes. Patient text is never logged.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .settings import ServerSettings

__all__ = ["ServerSettings", "create_app", "serve", "make_server", "background_server"]

_LAZY = {"create_app": ".app", "serve": ".server", "make_server": ".server", "background_server": ".server"}


def __getattr__(name: str) -> Any:
    # FastAPI and the language pipeline load only when the server is used,
    # so `matcher --help` and the settings stay quick to import.
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
