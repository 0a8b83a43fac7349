"""How place names are compared: one key per spelling.

:func:`name_key` folds a place name to the key the place tables are indexed
by: diacritics dropped ("Besançon" -> "besancon"), case folded, apostrophes
dropped, other punctuation made a space ("Winston-Salem" -> "winston salem"),
and abbreviations spelled out ("St. Louis" -> "saint louis"). The rules are
data (``matcher/resources/geo/names.json``); :func:`rules_digest` fingerprints
them so a table built with other rules is noticed.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["RULES_FILE", "generic_words", "name_key", "rules", "rules_digest", "site_noise", "umlaut_key"]

RULES_FILE = "geo/names.json"
_RULE_KEYS = {"_about", "letters", "token_aliases", "phrase_aliases", "site_noise", "generic_words"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_INITIALS = re.compile(r"(?<= )(?:[a-z] ){2,}")  # "u s a" -> "usa", "d c" -> "dc"
# Bump when name_key changes in code, so tables built by the old code are noticed.
KEY_VERSION = 3
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def read_resource(name: str) -> str:
    """The text of ``matcher/resources/<name>``."""
    return files("matcher.resources").joinpath(name).read_text(encoding="utf-8")


@cache
def rules() -> dict[str, Any]:
    """The name rules, validated once: unknown keys or non-string values raise ValueError."""
    data = json.loads(read_resource(RULES_FILE))
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise ValueError(f"{RULES_FILE}: unknown keys {sorted(unknown)}")
    missing = _RULE_KEYS - set(data)
    if missing:
        raise ValueError(f"{RULES_FILE}: missing keys {sorted(missing)}")
    for section in ("letters", "token_aliases", "phrase_aliases"):
        for k, v in data[section].items():
            if not (isinstance(k, str) and isinstance(v, str) and k):
                raise ValueError(f"{RULES_FILE}: {section} must map text to text ({k!r})")
    return data


@cache
def _letters() -> dict[int, str]:
    return str.maketrans(rules()["letters"])


@cache
def _aliases() -> dict[str, str]:
    return dict(rules()["token_aliases"])


@cache
def _phrases() -> list[tuple[str, str]]:
    # keys are already folded text: pad with spaces so only whole words match
    return [(f" {k} ", f" {v} ") for k, v in rules()["phrase_aliases"].items()]


@cache
def site_noise() -> frozenset[str]:
    """Keys of words that are never part of a site's city name ("cedex")."""
    return frozenset(name_key(w) for w in rules()["site_noise"])


@cache
def generic_words() -> frozenset[str]:
    """Keys of words a place name is never shortened to ("saint", "new", "la")."""
    return frozenset(name_key(w) for w in rules()["generic_words"])


@cache
def rules_digest() -> str:
    """A short fingerprint of the name rules; the place tables record the one they were built with."""
    canon = json.dumps({k: v for k, v in rules().items() if k != "_about"} | {"key_version": KEY_VERSION},
                       sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()[:12]


def name_key(text: str) -> str:
    """The comparison key of a place name: ``"St. Louis"`` -> ``"saint louis"``; ``""`` for no letters."""
    folded = unicodedata.normalize("NFKD", text.translate(_letters()))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = _NON_WORD.sub(" ", folded.replace("'", ""))
    aliases = _aliases()
    tokens = _INITIALS.sub(lambda m: m.group().replace(" ", ""), f" {folded} ").split()
    # an abbreviation stands for its word only before another word: "St. Louis", not "MT" (Montana)
    key = " ".join([aliases.get(tok, tok) for tok in tokens[:-1]] + tokens[-1:])
    if " " in key:
        padded = f" {key} "
        for phrase, short in _phrases():
            padded = padded.replace(phrase, short)
        key = padded.strip()
    return key


def umlaut_key(text: str) -> str | None:
    """The key of the German transliteration ("München" -> "muenchen"), or None when it is the same."""
    if not any(ch in text for ch in "äöüÄÖÜ"):
        return None
    return name_key(text.translate(_UMLAUTS))
