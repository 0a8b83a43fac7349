"""Search work in N processes behind one HTTP server: ``matcher serve --workers N``.

Judging a patient against dozens of trials is CPU-bound Python, so one
process answers at most one core's worth of searches. With N processes that
each accept connections themselves, a kept-alive connection stays with the
process that accepted it, and clients pile onto one process while another
idles: 4 clients on 2 processes ran at 37 requests/s, where 2 separate
servers with 2 clients each ran at 61. Here one server process takes every
connection (HTTP and JSON cost little) and hands each call to a pool of N
search processes, the next free one taking it, so the cores share the load
whatever the connections do.

Each search process opens the index itself (read-only; the index files are
shared through the operating system's page cache), follows newly swapped-in
generations like the server process would (:class:`~matcher.api.holder.IndexHolder`),
and ignores Ctrl-C, so that calls in flight finish when the server shuts down
gracefully. A process that dies (killed, out of memory) fails the calls it
had; the pool is replaced and later calls are served.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..errors import MatcherError
from .holder import IndexHolder, answer

log = logging.getLogger("matcher.api")

_holder: IndexHolder | None = None  # in a search process: its own Matcher


class PoolError(MatcherError):
    """A search process stopped while answering; the call could not be served."""


def _start(index_path: str, reload_interval: float, warm_up: bool) -> None:
    """Initializer of a search process: open the index (and load what searches use, see Matcher.warm_up)."""
    global _holder
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when to stop
    _holder = IndexHolder(Path(index_path), reload_interval)
    if warm_up:
        _holder.warm_up()


def _call(call: str, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    assert _holder is not None, "not a search process"
    return answer(_holder.get(), call, args, kwargs)


def _ready() -> bool:
    return _holder is not None


class SearchPool:
    """N search processes over the index at ``index_path``; :meth:`call` awaits the answer of a free one."""

    def __init__(self, index_path: Path, processes: int, *, reload_interval: float = 1.0, warm_up: bool = True):
        if processes < 1:
            raise ValueError("a search pool needs at least one process")
        self.index_path, self.processes = Path(index_path), processes
        self._args = (str(self.index_path), reload_interval, warm_up)
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # no fork of a process that holds threads
        return ProcessPoolExecutor(self.processes, mp_context=context, initializer=_start, initargs=self._args)

    async def start(self) -> None:
        """Start every process now (each loads the index and pipeline), not on the first calls."""
        pool = self._pool
        await asyncio.gather(*(asyncio.wrap_future(pool.submit(_ready)) for _ in range(self.processes)))

    async def call(self, call: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``call``'s answer (see :func:`~matcher.api.holder.answer`) from the next free search process."""
        pool = self._pool
        try:
            return await asyncio.wrap_future(pool.submit(_call, call, args, kwargs))
        except BrokenProcessPool:
            self._replace(pool)
            raise PoolError("a search process stopped while answering") from None

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:  # only the first call to notice replaces it
                log.error("a search process stopped; starting %d new ones", self.processes)
                self._pool = self._new()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Let calls in flight finish, then stop the processes."""
        with self._lock:
            pool = self._pool
        pool.shutdown(wait=True)
