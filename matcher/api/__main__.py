"""``python -m matcher.api``: the same server as ``matcher serve`` (it runs that command)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ..cli import cli

    return cli.main(["serve", *(sys.argv[1:] if argv is None else argv)], prog_name="python -m matcher.api",
                    standalone_mode=True) or 0


if __name__ == "__main__":
    sys.exit(main())
