"""Errors that matcher raises on purpose, each with a message a user can act on."""
from __future__ import annotations

from functools import partial


class MatcherError(Exception):
    """Base class for every error matcher raises deliberately."""


class RecordError(MatcherError):
    """A trial record that cannot be used (bad format, no NCT id, ...)."""


class IndexNotFound(MatcherError):
    """No index exists at the given location."""


class IndexDamaged(IndexNotFound):
    """An index whose files cannot all be read: it must be rebuilt."""


class TrialNotFound(MatcherError):
    """The index holds no trial with the given NCT id."""


# -- rule and lexicon files ------------------------------------------------------------
# Like spaCy's errors.py: every message a data file can earn is a template here,
# under a code a user can search for. Codes are never reused or renumbered.
class Errors:
    """Message templates of :class:`RuleFileError`, by code.

    R00x any file, R02x ConText rules, R03x entity patterns, R04x word lists
    and comparators, R05x concept vocabularies, R06x the ranker, R07x units
    and analytes.
    """

    R001 = "the file is missing; matcher ships it and cannot work without it (reinstall, or restore it from the repository)"
    R002 = "not valid {format}: {error}"
    R003 = "unknown key; expected one of {expected}"
    R004 = "missing; every {what} needs it"
    R005 = "must be {expected}, got {got}"
    R006 = "must not be empty{hint}"
    R007 = "must be a finite number, got {got}"
    R008 = "must be a positive number{unit}, got {got}"
    R009 = "must not be negative, got {got}"
    R010 = "must be lowercase (it is compared with lowercased text), got {got}"
    R011 = "{what} {got} is listed twice{where}"
    R020 = "unknown direction {got}; expected one of {expected}"
    R021 = "unknown category {got}; expected one of {expected}"
    R022 = "must be a positive whole number of tokens, got {got}"
    R023 = "a TERMINATE rule ends other rules' scopes and modifies nothing: its direction must be TERMINATE, got {got}"
    R024 = "category PSEUDO and direction PSEUDO go together, got category {category} with direction {direction}"
    R025 = "only a BACKWARD rule can reach over a list or be a mark after its item, this one is {got}"
    R030 = "unknown label {got} for this file; expected one of {expected}{hint}"
    R031 = "matcher reads every {label} pattern as {meaning} (id {expected}), but this one's id is {got}{hint}"
    R032 = "concept {concept!r} is labelled {other} on line {line}; one concept keeps one label, got {got}"
    R033 = "bad token pattern: {problem}"
    R040 = "unknown comparator {got}; expected one of {expected}"
    R041 = "{got} is both filler and narrowing; a word is one or the other"
    R042 = "unknown status {got}; expected one of {expected}"
    R043 = "not a usable regular expression: {problem}"
    R050 = "concept {concept!r} is its own {relation} ({path})"
    R051 = "a display name may only change the capitals of its id, got {got}"
    R052 = "{got} is not {what}"
    R053 = "holds no words"
    R060 = "unknown feature {got}; the ranker computes {expected}"
    R061 = "no weight for feature(s) {missing}; every feature needs one"
    R070 = "{detail}"
    R071 = "name {got} already names analyte {other!r}"


class RuleFileError(MatcherError, ValueError):
    """A rule or lexicon file under ``matcher/resources`` that matcher refuses.

    ``code`` is the key of the message in :class:`Errors`, ``file`` the resource
    name ("rules/context.json"), ``entry`` the part of the file at fault
    ('rule 17 ("no evidence of")', 'line 3 ("pregnant")', "units"; None for the
    whole file) and ``key`` the key inside it, or the position of a list item
    (None when the entry itself is wrong). Positions count from 1, as an editor
    shows them.
    """

    def __init__(self, code: str, file: str, entry: str | None = None, key: str | int | None = None,
                 *, detail: str | None = None, **fields: object) -> None:
        self.code, self.file, self.entry, self.key = code, file, entry, key
        self.detail = getattr(Errors, code).format(**fields) if detail is None else detail
        where = file + (f", {entry}" if entry else "")
        if isinstance(key, int) and not isinstance(key, bool):
            where += f", item {key}"
        elif key is not None:
            where += f', key "{key}"'
        super().__init__(f"[{code}] {where}: {self.detail}")

    def __reduce__(self):  # picklable (worker processes) although built from keyword fields
        return partial(RuleFileError, detail=self.detail), (self.code, self.file, self.entry, self.key)
