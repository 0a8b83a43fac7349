"""Misspelled medical words read as the term meant: "alzhiemers" as "alzheimers",
"high blood presure" as "pressure", "donepezill" as "donepezil".

A word of six letters or more that is not a known word (``resources/lexicon/words.txt``,
the words of the bundled trials and of our lexicons, built by
``scripts/build_vocabulary.py``) is replaced when exactly one lexicon word lies within
one edit of it (insertion, deletion, substitution or swap of neighbours; two for
words of nine letters or more is not attempted: one is enough to be sure). The
corrections are returned so the reader can say what it did.
"""
from __future__ import annotations

import re
from functools import cache

from . import resources

_TOKEN = re.compile(r"[A-Za-z]{6,}")
MIN_LENGTH = 6


@cache
def known_words() -> frozenset[str]:
    if not resources.exists("lexicon/words.txt"):
        return frozenset()
    text = resources.read_text("lexicon/words.txt")
    return frozenset(w for w in text.split() if not w.startswith("#"))


@cache
def _targets() -> dict[str, frozenset[str]]:
    """Deletion index of lexicon words: each word and its one-letter deletions -> the words."""
    from .nlp.lexicon import all_patterns

    words: set[str] = set()
    for p in all_patterns(exact=False):
        if p["label"] in ("CONDITION", "THERAPY", "LAB") and isinstance(p["pattern"], str):
            words.update(w for w in re.findall(r"[a-z]+", p["pattern"].lower().replace("'", "")) if len(w) >= MIN_LENGTH)
    index: dict[str, set[str]] = {}
    for w in words:
        for variant in {w} | {w[:i] + w[i + 1:] for i in range(len(w))}:
            index.setdefault(variant, set()).add(w)
    return {k: frozenset(v) for k, v in index.items()}


def _within_one(a: str, b: str) -> bool:
    if a == b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def suggest(word: str) -> str | None:
    """The one lexicon word ``word`` is a misspelling of, or None."""
    w = word.lower()
    if len(w) < MIN_LENGTH or w in known_words():
        return None
    index = _targets()
    if w in index and w in index[w]:
        return None  # already a lexicon word
    candidates: set[str] = set()
    for variant in {w} | {w[:i] + w[i + 1:] for i in range(len(w))}:
        candidates.update(index.get(variant, ()))
    candidates = {c for c in candidates if _within_one(w, c)}
    return next(iter(candidates)) if len(candidates) == 1 else None


def correct(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with misspelled lexicon words replaced, and the (written, read as) pairs."""
    fixes: list[tuple[str, str]] = []

    def fix(m: re.Match) -> str:
        word = m.group(0)
        better = suggest(word)
        if better is None:
            return word
        fixes.append((word, better))
        return better

    return _TOKEN.sub(fix, text), fixes
