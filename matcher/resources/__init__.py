"""Data files shipped with matcher: lexicons, rules and unit tables.

Read them with :func:`read_json` / :func:`read_jsonl` / :func:`read_text`
(``importlib.resources``), never by path tricks, so they work from a wheel as
well as a checkout. Each shipped file is checked as it is read
(:mod:`matcher.resources.checks`): a mistake, or a missing file, raises
:class:`~matcher.errors.RuleFileError` naming the file, the entry and the key
under a code of :class:`~matcher.errors.Errors`. :func:`validate` checks an
edited copy; :func:`validate_all` every shipped file.
"""
from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from ..errors import RuleFileError
from .checks import SHIPPED, validate, validate_all

__all__ = ["SHIPPED", "exists", "read_json", "read_jsonl", "read_text", "validate", "validate_all"]

# (name, hash of the text) of .jsonl and .txt files already checked: they are
# re-read by several loaders, and checking 12,000 patterns once is enough.
_checked: set[tuple[str, int]] = set()


def _path(name: str):
    return files(__name__).joinpath(name)


def _read(name: str) -> str:
    try:
        return _path(name).read_text(encoding="utf-8")
    except (FileNotFoundError, KeyError):  # KeyError: a missing member of a zipped package
        raise RuleFileError("R001", name) from None


def _check_once(name: str, text: str, data: Any, lines: list[int] | None = None) -> None:
    if name in SHIPPED and (name, hash(text)) not in _checked:
        validate(name, data, lines=lines)
        _checked.add((name, hash(text)))


@cache
def read_json(name: str) -> Any:
    """Parse the JSON resource ``name`` (e.g. ``"rules/context.json"``), checked."""
    try:
        data = json.loads(_read(name))
    except json.JSONDecodeError as exc:
        raise RuleFileError("R002", name, f"line {exc.lineno}", format="JSON", error=exc.msg) from None
    if name in SHIPPED:
        validate(name, data)
    return data


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Parse the JSON Lines resource ``name``, checked; blank lines are ignored."""
    text = _read(name)
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    try:  # one parse of the whole file is 3 times faster than one per line
        rows = json.loads("[" + ",".join(line for _, line in numbered) + "]")
        if len(rows) != len(numbered):  # a line holding two values, "{...},{...}"
            raise ValueError
    except ValueError:
        rows = []
        for n, line in numbered:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise RuleFileError("R002", name, f"line {n}", format="JSON", error=exc.msg) from None
    _check_once(name, text, rows, [n for n, _ in numbered])
    return rows


def exists(name: str) -> bool:
    """Whether the resource ``name`` is there. A file matcher ships is never
    optional: for one of those (:data:`SHIPPED`) a missing file raises
    :class:`~matcher.errors.RuleFileError` [R001] rather than answering False."""
    if _path(name).is_file():
        return True
    if name in SHIPPED:
        raise RuleFileError("R001", name)
    return False


def read_text(name: str) -> str:
    """The text resource ``name`` (e.g. ``"lexicon/words.txt"``), checked."""
    text = _read(name)
    _check_once(name, text, text)
    return text
