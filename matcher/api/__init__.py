"""The HTTP layer: a JSON API and an embeddable search page over :class:`matcher.service.Matcher`.

    from matcher.api import create_app, serve

    app = create_app("/path/to/index", cors_origins=["https://hospital.example"])
    serve("127.0.0.1", 8000, "/path/to/index")    # uvicorn, until SIGTERM/Ctrl-C

Endpoints: ``POST /search``, ``POST /explain``, ``GET /trials/{nct_id}``,
``GET /health``, the page at ``/`` and the OpenAPI docs at ``/docs``.
Responses are the CLI's ``--json`` shapes. Patient text is never logged.
"""
from .app import ApiSettings, create_app
from .server import background_server, make_server, serve

__all__ = ["ApiSettings", "create_app", "serve", "make_server", "background_server"]
