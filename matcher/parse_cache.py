"""A parse cache: what a criterion's text was read into, kept beside the index.

Eligibility criteria repeat (28% of the bundled corpus's are verbatim repeats)
and re-indexing reads them all again. The cache maps (pipeline version,
section, exact text) to the criterion's constraints and unread words, and a
trial's whole eligibility text to how it was split into criteria and its
condition phrases to the topics read from them, so a repeated criterion and a
rebuild cost a lookup (a rebuild from a warm cache loads no spaCy pipeline). The pipeline version is a
digest of matcher's code and rule files: any change to how criteria are read
starts a fresh cache (entries of older versions are dropped when a build opens it).

Storage is one SQLite file (``parse-cache.sqlite`` in the index directory);
values are zlib-compressed JSON. Only text from trial records is stored
here, never patient text.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .pipeline_version import pipeline_version

CACHE_FILE = "parse-cache.sqlite"


_SPLIT = "\0split"  # the key space of split eligibility texts (a section is "inclusion" or "exclusion")
_TOPICS = "\0topics"  # and of trials' condition phrases read into topics


def _key(section: str, text: str) -> str:
    return hashlib.sha1(f"{section}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


class ParseCache:
    """Reads and writes parsed criteria for the current :func:`pipeline_version`.

    The process that owns a build opens the cache with ``purge=True`` (the
    default): entries of another pipeline version are dropped then, once. Its
    worker processes open it with ``purge=False`` and only read and write.
    The cache only saves work: a read or write the database refuses (locked
    past ``timeout`` seconds by another process) counts as a miss or is
    skipped, and never fails a build; ``errors`` counts them.
    """

    def __init__(self, path: str | Path, *, purge: bool = True, timeout: float = 60.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.version = pipeline_version()
        self._db = sqlite3.connect(self.path, timeout=timeout)
        self.hits = self.misses = self.errors = 0
        if purge:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, version TEXT, value BLOB)")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            stored = self._db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            if stored is None or stored[0] != self.version:
                # a whole table of another version: one statement, not a scan per worker
                self._db.execute("DELETE FROM parsed WHERE version != ?", (self.version,))
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (self.version,))
            self._db.commit()

    def get_many(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The cached readings of (section, text) pairs that have one."""
        wanted = {_key(*pair): pair for pair in pairs}
        found = self._get(wanted)
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, items: dict[tuple[str, str], dict[str, Any]]) -> None:
        self._put({_key(*pair): value for pair, value in items.items()})

    def get_splits(self, texts: Iterable[str]) -> dict[str, list[list]]:
        """How each eligibility text that has been split before was split: rows of
        :class:`~matcher.models.Criterion` fields (id, section, text, start, end)."""
        return self._get({_key(_SPLIT, text): text for text in texts})

    def put_splits(self, items: dict[str, list[list]]) -> None:
        self._put({_key(_SPLIT, text): rows for text, rows in items.items()})

    def get_topics(self, phrases: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], list[str]]:
        """The condition concepts read from each trial's condition phrases
        (:func:`matcher.topics.topics_of`) that were read before."""
        return self._get({_key(_TOPICS, json.dumps(p)): p for p in phrases})

    def put_topics(self, items: dict[tuple[str, ...], list[str]]) -> None:
        self._put({_key(_TOPICS, json.dumps(p)): topics for p, topics in items.items()})

    def _get(self, wanted: dict[str, Any]) -> dict[Any, Any]:
        found = {}
        keys = list(wanted)
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self._db.execute(
                    f"SELECT key, value FROM parsed WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, value in rows:
                    found[wanted[key]] = json.loads(zlib.decompress(value))
        except sqlite3.OperationalError:  # locked too long, or no table yet: read again, as a miss
            self.errors += 1
        return found

    def _put(self, items: dict[str, Any]) -> None:
        # level 1: a reading is a few hundred bytes, where zlib's default level took 3.7 times
        # as long (most of a reading's cost to keep) for 2% less space
        rows = [(key, self.version, zlib.compress(json.dumps(value).encode(), 1)) for key, value in items.items()]
        try:
            self._db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", rows)
            self._db.commit()
        except sqlite3.OperationalError:  # locked too long: this batch is not cached, the build goes on
            self.errors += 1
            self._db.rollback()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ParseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
