"""Errors that matcher raises on purpose, each with a message a user can act on."""


class MatcherError(Exception):
    """Base class for every error matcher raises deliberately."""


class RecordError(MatcherError):
    """A trial record that cannot be used (bad format, no NCT id, ...)."""


class IndexNotFound(MatcherError):
    """No index exists at the given location."""


class TrialNotFound(MatcherError):
    """The index holds no trial with the given NCT id."""
