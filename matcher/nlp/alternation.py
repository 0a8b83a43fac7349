"""Regular expressions that try a list of words or names at every position.

Python's ``re`` tries the alternatives of ``a|b|c`` one after another at each
position of the text, and under IGNORECASE it cannot reject an alternative by
its first character before entering it. A list of 70 biomarker names was
tried 70 times per character of every criterion. :func:`factored` groups the
alternatives by their first character: ``her2|hpv|egfr`` becomes
``h(?:er2|pv)|e(?:gfr)``. A position is then tried once per distinct first
character. The three biomarker patterns ran twice as fast, and their matches
are the same:

- alternatives of different groups begin with different characters, and no
  character of a text matches two of them. The first characters are lowercase
  ASCII letters, digits or literal symbols; IGNORECASE folds only letters, and
  the few non-ASCII letters it folds to "k", "s" or "i" match one of them
  only. So at any position at most one group can match;
- within a group the alternatives keep their order, and that order decides
  which one ``re`` takes.

A list that would break either condition (an uppercase first letter, an
alternative opening with a group or a class, a bar inside one) is left as it is.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_SPECIAL = set(".^$*+?{}[]\\|()")
_QUANTIFIERS = set("*+?{")
_LITERAL_LETTERS = set("abcdefghijklmnopqrstuvwxyz0123456789")


def alternation(words: Iterable[str], space: str | None = None) -> str:
    """``w1|w2|...`` of ``words``, longest first, each escaped (a space written as
    ``space`` when given: ``r"\\s+"``), factored by first character (:func:`factored`).
    Not enclosed in a group."""
    escaped = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    if space is not None:
        escaped = [e.replace(r"\ ", space) for e in escaped]
    return factored(escaped)


def factored(alternatives: list[str]) -> str:
    """``a1|a2|...`` with the alternatives that share a first character grouped under
    it, in order of first appearance; unchanged when grouping could change a match."""
    groups: dict[str, list[str]] = {}  # first character -> the rests, in order (dicts keep insertion order)
    for alt in alternatives:
        head = _head(alt)
        if head is None:
            return "|".join(alternatives)
        groups.setdefault(head, []).append(alt[len(head):])
    return "|".join(head if rests == [""] else f"{head}(?:{'|'.join(rests)})" for head, rests in groups.items())


def _head(alt: str) -> str | None:
    """The literal first character of an alternative (two characters for an escaped
    symbol), or None when it cannot be split off safely: an uppercase or non-ASCII
    letter (IGNORECASE would let two groups match one character), a class, group or
    anchor, a quantified first character ("a?"), or a bar anywhere after it ("a|b"
    would make the head a prefix of one branch only; an escaped bar is refused too)."""
    first = alt[:1]
    if first == "\\":
        head = alt[:2]
        if len(head) < 2 or head[1].isalnum():  # \d, \b, \s: classes and anchors, not literals
            return None
    elif first and (first in _LITERAL_LETTERS or not (first.isalnum() or first in _SPECIAL or first.isspace())):
        head = first  # "h", "7", or a symbol that has no case: ">", "≥", "%"
    else:
        return None
    rest = alt[len(head):]
    if rest[:1] in _QUANTIFIERS or "|" in rest:
        return None
    return head
