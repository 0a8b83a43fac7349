"""The :class:`Matcher` a server process answers with, and the plain data each endpoint returns.

One :class:`IndexHolder` per process: in the server itself (``--workers 1``)
or in each search process of :mod:`matcher.api.pool` (``--workers N``). It
notices a newly swapped-in index generation by the changed ``CURRENT``
pointer (one ``stat`` every ``reload_interval`` seconds) and switches over
atomically: requests already running finish on the old generation.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..service import Matcher

log = logging.getLogger("matcher.api")

# what an endpoint may ask of the Matcher, and how its answer becomes plain data
CALLS = ("search", "explain", "trial", "health")
YOUNG_THRESHOLD = 10_000  # a serving process's garbage-collection threshold for its youngest objects (see warm_up)


class IndexHolder:
    """The shared :class:`Matcher`, switched to a newer index generation when one is swapped in."""

    def __init__(self, index_path: Path | None, reload_interval: float):
        self.reload_interval = reload_interval
        self._lock = threading.Lock()
        self._matcher: Matcher | None = Matcher(index_path)
        self.index_path = self._matcher.index_path
        self._stamp = self._pointer_stamp()
        self._checked = time.monotonic()

    def _pointer_stamp(self) -> tuple[int, int, int] | None:
        # matcher.index replaces INDEX/CURRENT with os.replace when a build
        # completes: a new inode and mtime are a cheap sign of a new generation.
        try:
            st = os.stat(self.index_path / "CURRENT")
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(self) -> Matcher:
        now = time.monotonic()
        if now - self._checked >= self.reload_interval and self._lock.acquire(blocking=False):
            try:
                self._checked = now
                self._maybe_reload()
            finally:
                self._lock.release()
        matcher = self._matcher
        if matcher is None:  # closed at shutdown, used again (e.g. a second TestClient session)
            with self._lock:
                if self._matcher is None:
                    self._matcher = Matcher(self.index_path)
                    self._stamp = self._pointer_stamp()
                matcher = self._matcher
        return matcher

    def _maybe_reload(self) -> None:
        stamp = self._pointer_stamp()
        if stamp is None or stamp == self._stamp or self._matcher is None:
            return
        try:
            if self._matcher.reload():
                log.info("switched to index generation %s (%d trials)", self._matcher.generation, len(self._matcher))
            self._stamp = stamp
        except Exception as exc:  # noqa: BLE001 - keep serving the generation we have
            log.warning("index reload failed (%s); still serving %s", type(exc).__name__, self._matcher.generation)

    def warm_up(self) -> None:
        """Load what searches use (:meth:`Matcher.warm_up`), then take it out of
        the garbage collector's full passes.

        What a warm search process holds (the pipeline's patterns, units,
        places, the index's tables: about 235,000 objects at 7,000 trials)
        lives as long as the process. Every full pass walked all of it: a
        pause of about 0.2 s every 150 searches or so. Frozen, it is
        skipped; objects made later (a reloaded generation's tables, each
        request's) are collected as before, but less often: at Python's
        default threshold (700 more container objects made than freed) a
        search set off about two collections of the youngest objects, 0.75 ms
        of a 16 ms search; at 10,000 almost none, and cyclic garbage is still
        collected as it builds up. Only a server calls this: it owns its
        process, where a program embedding :class:`Matcher` does not.
        """
        self.get().warm_up()
        gc.collect()  # nothing unreachable is frozen with it
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])

    def close(self) -> None:
        with self._lock:
            if self._matcher is not None:
                self._matcher.close()
                self._matcher = None


def answer(matcher: Matcher, call: str, args: tuple = (), kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """What endpoint ``call`` returns, as JSON-ready data (the same in every process)."""
    kwargs = kwargs or {}
    if call == "search":
        return matcher.search(*args, **kwargs).to_dict()
    if call == "explain":
        return matcher.explain(*args, **kwargs).to_dict()
    if call == "trial":
        return matcher.trial(*args).to_dict()
    if call == "health":
        return {"status": "ok", "trials": len(matcher), "generation": matcher.generation,
                "data_date": matcher.data_date()}
    raise ValueError(f"unknown call {call!r}; expected one of {', '.join(CALLS)}")
