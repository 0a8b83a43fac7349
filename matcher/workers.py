"""A fresh build in worker processes that each prepare and write their share.

The build's own process reads the records and hands them out in batches.
Each worker prepares its batches (:mod:`matcher.prepare`: criteria split and
read, with the parse cache, sites located) and writes the trials into
segments of the new generation (:class:`~matcher.index.writer.SegmentSink`);
when every worker is done, the segments are listed in the generation and it
is swapped in (:func:`~matcher.index.writer.build_from_segments`). So writing
the index runs on every core, not only parsing: a rebuild from a warm parse
cache has nothing to parse and was bound by the one process that wrote.

Used for fresh builds with ``jobs`` > 1; an update adds to the generation in
service through one writer (:func:`~matcher.index.build_index`).
"""
from __future__ import annotations

import itertools
import multiprocessing
import json
import os
import queue
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from typing import IO

from .errors import MatcherError
from .index import writer as index_writer
from .index.writer import BuildReport, SegmentTarget, build_from_segments
from .models import Skipped, Trial, to_json
from .parse_cache import ParseCache
from .prepare import (
    AHEAD,
    WORKER_BATCHES,
    Batch,
    InFlight,
    batches,
    prepare_trials,
    read_batch,
)


class BuildFailed(MatcherError):
    """A worker process of a build failed or died; nothing was swapped in."""


def build_in_workers(
    records: Iterable[Trial | Skipped], index_path: str | os.PathLike, *, jobs: int, skipped: list[Skipped],
    cache_path: Path | None = None, on_trial: Callable[[Trial], None] | None = None,
    optimize: bool | None = None, add_only: bool = False, batch: int = 64,
) -> tuple[BuildReport | None, int, int]:
    """Index ``records`` into a fresh generation with ``jobs`` worker processes.

    Returns the build's report (None when no record could be used: nothing is
    written) and the parse cache's hits and misses in the workers. Skipped
    records are added to ``skipped``; ``on_trial`` is called in record order
    as trials are written. A record whose NCT id came before replaces it
    after the workers are done, prepared here (the last record of an id wins).
    With ``add_only``, the build fails if an index appeared meanwhile (it
    would replace it, not add to it).
    """
    chunks = batches(records, skipped, batch)
    first = next(chunks, None)
    if first is None:
        return None, 0, 0
    crew = _Crew(jobs, cache_path, on_trial, batch)

    def write(target: SegmentTarget) -> None:
        seen: set[str] = set()
        # records of an NCT id seen before wait on disk, not in memory: two
        # overlapping dumps indexed together may repeat hundreds of thousands
        later = tempfile.TemporaryFile("w+", encoding="utf-8", dir=target.directory)
        repeated = 0
        try:
            with crew.running(target):
                for chunk in itertools.chain([first], chunks):
                    fresh = []
                    for trial in chunk:
                        if trial.nct_id in seen:
                            later.write(to_json(trial) + "\n")
                            repeated += 1
                        else:
                            fresh.append(trial)
                            seen.add(trial.nct_id)
                    if fresh:
                        crew.send(fresh)
        except BaseException:
            later.close()
            raise
        target.replace_later(_replacements(later, repeated, cache_path, crew, on_trial))

    report = build_from_segments(index_path, write, optimize=optimize, fresh_only=add_only)
    return report, crew.hits, crew.misses


def _replacements(spilled: IO[str], count: int, cache_path: Path | None, crew: _Crew,
                  on_trial: Callable[[Trial], None] | None) -> Iterator[Trial]:
    """The records that repeat an NCT id, read back and prepared here, in record order."""
    try:
        if not count:
            return
        spilled.seek(0)
        cache = ParseCache(cache_path, purge=False) if cache_path is not None else None
        try:
            for trial in prepare_trials((Trial.from_dict(json.loads(line)) for line in spilled), [], cache=cache):
                if on_trial:
                    on_trial(trial)
                yield trial
        finally:
            if cache is not None:
                crew.hits, crew.misses = crew.hits + cache.hits, crew.misses + cache.misses
                cache.close()
    finally:
        spilled.close()


@dataclass
class _Hand:
    """One worker process, with its own queue of batches."""
    process: BaseProcess
    tasks: Queue
    outstanding: int = 0  # batches sent and not reported yet
    sent: int = 0
    trials: int = 0  # sent


class _Crew:
    """The worker processes of one build, and what they report.

    Each batch goes to the worker with the fewest batches outstanding, at most
    ``AHEAD`` each, so memory stays bounded. A worker stops once it has been
    sent ``SEGMENT_DOCS`` trials, or ``WORKER_BATCHES`` batches (spaCy's
    vocabulary grows with every new word), and a fresh one takes its place.
    Its segment is closed only when it stops (its limit is above what it can
    be sent), so a build writes segments of one size: workers that stopped by
    batches wrote one of 10,000 and one of 2,800 trials, 94 segments at
    600,000 trials instead of 60, and a term's first search looks in each.
    """

    def __init__(self, jobs: int, cache_path: Path | None, on_trial: Callable[[Trial], None] | None, batch: int = 64):
        self.jobs, self.cache_path, self.on_trial = jobs, cache_path, on_trial
        self.segment_limit = index_writer.SEGMENT_DOCS + batch
        self.hits = self.misses = 0

    @contextmanager
    def running(self, target: SegmentTarget) -> Iterator[_Crew]:
        """The workers, started, writing into ``target``. When the block ends
        they are told to finish and waited for; when it fails they are stopped."""
        import multiprocessing

        self._context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        self.target = target
        self.results = self._context.Queue()
        self.hands: dict[int, _Hand] = {}
        self.working: list[int] = []  # the hands still taking batches
        self._ids = itertools.count()
        self._sequence = itertools.count()
        self.order: deque[tuple[int, list[Trial]]] = deque()  # batches in record order, for on_trial
        self.reported: set[int] = set()
        try:
            for _ in range(self.jobs):
                self._start()
            yield self
            for ident in self.working:
                self.hands[ident].tasks.put(None)
            self.working = []
            while self.hands:
                self._receive()
        finally:
            for hand in self.hands.values():  # only after a failure: stop what is left
                hand.process.terminate()
                # batches it will never read must not keep this process from exiting
                hand.tasks.cancel_join_thread()
                hand.tasks.close()
            for hand in self.hands.values():
                hand.process.join()
            self.results.cancel_join_thread()
            self.results.close()

    def _start(self) -> None:
        ident = next(self._ids)
        tasks = self._context.Queue()
        process = self._context.Process(
            target=_work,
            args=(ident, str(self.target.directory), self.cache_path, tasks, self.results, self.segment_limit),
            name=f"matcher-build-{ident}", daemon=True)
        process.start()
        self.hands[ident] = _Hand(process, tasks)
        self.working.append(ident)

    def send(self, trials: list[Trial]) -> None:
        while True:
            self._drain()
            ident = min(self.working, key=lambda i: self.hands[i].outstanding)
            # and the batches done but waiting for an earlier one (on_trial goes in record order)
            if self.hands[ident].outstanding < AHEAD and len(self.order) < 2 * AHEAD * self.jobs:
                break
            self._receive()
        hand = self.hands[ident]
        sequence = next(self._sequence)
        self.order.append((sequence, trials))
        hand.tasks.put((sequence, trials))
        hand.outstanding += 1
        hand.sent += 1
        hand.trials += len(trials)
        if hand.sent >= WORKER_BATCHES or hand.trials >= index_writer.SEGMENT_DOCS:
            hand.tasks.put(None)
            self.working.remove(ident)
            self._start()

    def _drain(self) -> None:
        while True:
            try:
                message = self.results.get_nowait()
            except queue.Empty:
                return
            self._handle(message)

    def _receive(self) -> None:
        """Wait for the next message from a worker, checking that they live."""
        while True:
            try:
                message = self.results.get(timeout=1.0)
            except queue.Empty:
                for ident, hand in self.hands.items():
                    if hand.process.exitcode is not None:  # gone without saying so
                        raise BuildFailed(f"build worker {ident} stopped (exit code {hand.process.exitcode}); "
                                          "nothing was changed")
                continue
            self._handle(message)
            return

    def _handle(self, message: tuple) -> None:
        kind, ident, *rest = message
        if kind == "batch":
            sequence, written, hits, misses = rest
            self.target.written.add(written)
            self.hits += hits
            self.misses += misses
            self.hands[ident].outstanding -= 1
            self.reported.add(sequence)
            while self.order and self.order[0][0] in self.reported:
                done, trials = self.order.popleft()
                self.reported.discard(done)
                if self.on_trial:
                    for trial in trials:
                        self.on_trial(trial)
        elif kind == "segment":
            self.target.add_segment(rest[0])
        elif kind == "exit":
            self.hands.pop(ident).process.join()
        else:  # "error"
            raise BuildFailed(f"build worker {ident} failed; nothing was changed:\n{rest[0]}")


_ORPHANED = object()


def _next_task(tasks, poll: float = 5.0):
    """The next task, or ``_ORPHANED`` once the building process is gone (killed, say): a worker
    must not outlive its build, waiting on a queue nobody will fill."""
    parent = multiprocessing.parent_process()
    while True:
        if parent is not None and not parent.is_alive():
            return _ORPHANED
        try:
            return tasks.get(timeout=poll)
        except queue.Empty:
            pass


def _work(ident: int, directory: str, cache_path: Path | None, tasks, results, segment_docs: int) -> None:
    """A worker's life: prepare and write each batch it is sent, until None."""
    try:
        from .index.writer import SegmentSink

        cache = ParseCache(cache_path, purge=False) if cache_path is not None else None
        sink = SegmentSink(directory, segment_docs)
        flight = InFlight()  # one batch at a time here: nothing is in flight across batches
        while (task := _next_task(tasks)) is not None:
            if task is _ORPHANED:
                results.cancel_join_thread()  # nobody reads the results any more: exit without flushing them
                return
            sequence, trials = task
            hits, misses = (cache.hits, cache.misses) if cache is not None else (0, 0)
            work = Batch(trials, cache, flight)
            for trial in work.finish(*read_batch(work.phrases, work.missing)):
                sink.add(trial)
            if cache is not None:
                hits, misses = cache.hits - hits, cache.misses - misses
            results.put(("batch", ident, sequence, sink.written(), hits, misses))
            if sink.full:
                results.put(("segment", ident, sink.close_segment()))
        results.put(("segment", ident, sink.close_segment()))
        if cache is not None:
            cache.close()
        results.put(("exit", ident))
    except BaseException:
        results.put(("error", ident, traceback.format_exc()))
