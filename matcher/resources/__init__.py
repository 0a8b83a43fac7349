"""Data files shipped with matcher: lexicons, rules and unit tables.

Read them with :func:`read_json` / :func:`read_jsonl` (``importlib.resources``),
never by path tricks, so they work from a wheel as well as a checkout.
"""
from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


def _path(name: str):
    return files(__name__).joinpath(name)


@cache
def read_json(name: str) -> Any:
    """Parse the JSON resource ``name`` (e.g. ``"rules/context.json"``)."""
    return json.loads(_path(name).read_text(encoding="utf-8"))


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Parse the JSON Lines resource ``name``; blank lines are ignored."""
    text = _path(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def exists(name: str) -> bool:
    return _path(name).is_file()


def read_text(name: str) -> str:
    """The text resource ``name`` (e.g. ``"lexicon/words.txt"``)."""
    return _path(name).read_text(encoding="utf-8")
