"""``python -m matcher.api``: the same server as ``matcher serve``, without the click CLI."""
from __future__ import annotations

import argparse
import sys

from ..errors import IndexNotFound
from .app import DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_BURST, DEFAULT_RATE_LIMIT
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matcher.api", description="Serve the matcher HTTP API and page.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--index", dest="index_path", default=None, help="index directory (default: matcher's)")
    parser.add_argument("--cors-origin", action="append", default=[], help="allowed browser origin; repeatable")
    parser.add_argument("--frame-ancestors", action="append", default=None, help="who may frame the page; repeatable")
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    parser.add_argument("--rate-limit", type=float, default=DEFAULT_RATE_LIMIT, help="requests/s per client; 0: off")
    parser.add_argument("--rate-burst", type=int, default=DEFAULT_RATE_BURST)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        serve(
            args.host, args.port, args.index_path,
            cors_origins=args.cors_origin,
            frame_ancestors=args.frame_ancestors or ("*",),
            max_body_bytes=args.max_body_bytes,
            rate_limit=args.rate_limit or None,
            rate_burst=args.rate_burst,
            log_level=args.log_level,
        )
    except IndexNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
