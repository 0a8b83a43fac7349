"""From record files to a built index: load, split criteria, parse, write.

This is the one place that strings the ingest steps together; the CLI and
the Python API both call :func:`ingest`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .criteria import split_criteria
from .index import BuildReport, build_index
from .models import Constraint, Criterion, Skipped, Trial
from .nlp.cache import CACHE_FILE, ParseCache


@dataclass
class IngestReport:
    build: BuildReport | None = None
    skipped: list[Skipped] = field(default_factory=list)
    cache_hits: int = 0  # distinct criteria of a batch found in the parse cache
    cache_misses: int = 0  # and not (read afresh, or taken from a batch in flight that read it)

    @property
    def indexed(self) -> int:
        return self.build.indexed if self.build else 0


# A worker is replaced after this many batches (about 13,000 trials): spaCy's
# vocabulary keeps every new word it sees, about 0.4 MB per 1,000 distinct
# criteria (measured on the scale corpus), so a worker reading half a
# registry's criteria would grow by about 2 GB; a fresh one loads in about 1 s.
WORKER_BATCHES = 200
# Batches handed to each worker ahead of the one being written: enough that
# workers go on parsing while this process writes a segment (a few seconds).
AHEAD = 8


def default_jobs() -> int:
    """Worker processes for parsing: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _read(phrases: list[tuple[str, ...]], pairs: list[tuple[str, str]]) -> tuple[list[list[str]], list[dict]]:
    """The spaCy work of a batch: each trial's topics (from its condition
    phrases) and the reading of each (section, text) criterion not cached.
    Runs in a worker process when ``jobs`` > 1; plain data in and out."""
    from .nlp import parse_texts
    from .topics import topics_of

    return [sorted(topics_of(p)) for p in phrases], parse_texts(pairs)


def _warm_worker() -> None:
    from .nlp import get_pipeline

    get_pipeline("criteria")
    get_pipeline("patient")


def _batches(records: Iterable[Trial | Skipped], skipped: list[Skipped], size: int) -> Iterator[list[Trial]]:
    pending: list[Trial] = []
    for record in records:
        if isinstance(record, Skipped):
            skipped.append(record)
            continue
        pending.append(record)
        if len(pending) >= size:
            yield pending
            pending = []
    if pending:
        yield pending


Pair = tuple[str, str]  # (section, criterion text): what a reading is keyed by


class _InFlight:
    """Criteria handed to a worker and not back yet.

    A later batch that needs one of them takes its reading when the batch
    reading it is done (batches finish in the order they were handed out)
    instead of reading it again: with workers eight batches ahead, a tenth of
    the bundled corpus's criteria were read twice, the second time while the
    first reading was on its way.
    """

    def __init__(self) -> None:
        self._waiting: dict[Pair, int] = {}  # being read -> how many later batches wait for it
        self._back: dict[Pair, list] = {}  # [reading, batches still to take it]

    def claim(self, pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
        """(the pairs this batch reads, the pairs it waits for)."""
        read, wait = [], []
        for pair in pairs:
            if pair in self._waiting:
                self._waiting[pair] += 1
                wait.append(pair)
            else:
                self._waiting[pair] = 0
                read.append(pair)
        return read, wait

    def returned(self, fresh: dict[Pair, dict]) -> None:
        for pair, reading in fresh.items():
            waiting = self._waiting.pop(pair)
            if waiting:
                self._back[pair] = [reading, waiting]

    def take(self, pair: Pair) -> dict:
        entry = self._back[pair]
        entry[1] -= 1
        if not entry[1]:
            del self._back[pair]
        return entry[0]


class _Batch:
    """One batch on its way: split and located here, read by spaCy (here or in a worker), then filled."""

    def __init__(self, trials: list[Trial], cache: ParseCache | None, flight: _InFlight):
        self.trials, self.cache, self.flight = trials, cache, flight
        splits = cache.get_splits(t.eligibility_text for t in trials if t.eligibility_text) if cache is not None else {}
        fresh: dict[str, list[list]] = {}
        for trial in trials:
            rows = splits.get(trial.eligibility_text)
            if rows is None:
                trial.criteria = split_criteria(trial.eligibility_text)
                if trial.eligibility_text:
                    fresh[trial.eligibility_text] = [[c.id, c.section, c.text, c.start, c.end] for c in trial.criteria]
            else:
                trial.criteria = [Criterion(*row) for row in rows]
            locate_sites(trial)
        if fresh and cache is not None:
            cache.put_splits(fresh)
        wanted = list(dict.fromkeys((c.section, c.text) for t in trials for c in t.criteria))
        self.known = cache.get_many(wanted) if cache is not None else {}
        self.missing, self.awaited = flight.claim([pair for pair in wanted if pair not in self.known])
        self.phrases = [tuple(t.conditions + t.mesh_terms) for t in trials]

    def finish(self, topics: list[list[str]], parsed: list[dict]) -> list[Trial]:
        fresh = dict(zip(self.missing, parsed))
        if self.cache is not None and fresh:
            self.cache.put_many(fresh)
        self.flight.returned(fresh)
        readings = {**self.known, **fresh, **{pair: self.flight.take(pair) for pair in self.awaited}}
        for trial, found in zip(self.trials, topics):
            trial.topics = found
            for c in trial.criteria:
                reading = readings[(c.section, c.text)]
                c.constraints = [Constraint.from_dict(x) for x in reading["constraints"]]
                c.unexplained = list(reading["unexplained"])
        return self.trials


def prepare_trials(
    records: Iterable[Trial | Skipped], skipped: list[Skipped], *, batch: int = 64, jobs: int = 1,
    cache: ParseCache | None = None,
) -> Iterator[Trial]:
    """Split each trial's criteria, parse their constraints, locate its sites
    and read the conditions it studies, in record order; collect skips.

    Trials are parsed in batches so spaCy sees many criteria at once; a
    criterion repeated in a batch is read once, one found in ``cache`` is
    not read again, nor one that a batch still in flight is reading. With
    ``jobs`` > 1, the spaCy work runs in that many worker
    processes (each loads its own pipelines, about 150 MB, and is replaced
    after ``WORKER_BATCHES`` batches), at most ``AHEAD`` batches ahead per worker, so
    memory stays bounded however many records come.
    """
    flight = _InFlight()
    if jobs <= 1:
        for chunk in _batches(records, skipped, batch):
            work = _Batch(chunk, cache, flight)
            yield from work.finish(*_read(work.phrases, work.missing))
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_warm_worker,
                             max_tasks_per_child=WORKER_BATCHES) as pool:
        running: deque = deque()
        for chunk in _batches(records, skipped, batch):
            work = _Batch(chunk, cache, flight)
            running.append((work, pool.submit(_read, work.phrases, work.missing)))
            while len(running) > AHEAD * jobs:
                work, future = running.popleft()
                yield from work.finish(*future.result())
        while running:
            work, future = running.popleft()
            yield from work.finish(*future.result())


def locate_sites(trial: Trial) -> None:
    """Give each site without coordinates the point of its city (offline
    GeoNames data, :mod:`matcher.geo`); a site whose city is unknown keeps none."""
    from .geo import site_point

    for loc in trial.locations:
        if loc.lat is None or loc.lon is None:
            point = site_point(loc)
            if point is not None:
                loc.lat, loc.lon = point


def ingest(
    sources: Iterable[str | os.PathLike],
    index_path: str | os.PathLike,
    *,
    update: bool = True,
    on_trial: Callable[[Trial], None] | None = None,
    jobs: int = 1,
    optimize: bool | None = None,
    use_cache: bool = True,
) -> IngestReport:
    """Index every usable record of ``sources``; report what was skipped and why.

    Criteria already read by this version of matcher are taken from the parse
    cache beside the index (``use_cache=False`` reads everything afresh).
    When no record at all could be used, nothing is written and the report's
    ``build`` is None.
    """
    from .sources import load_records

    report = IngestReport()
    cache = ParseCache(Path(index_path) / CACHE_FILE) if use_cache else None
    try:
        report.build = _build(load_records(sources), index_path, report, update=update, on_trial=on_trial,
                              jobs=jobs, optimize=optimize, cache=cache)
    finally:
        if cache is not None:
            report.cache_hits, report.cache_misses = cache.hits, cache.misses
            cache.close()
    return report


def _build(records: Iterable[Trial | Skipped], index_path: str | os.PathLike, report: IngestReport, *,
           update: bool, on_trial: Callable[[Trial], None] | None, jobs: int, optimize: bool | None,
           cache: ParseCache | None) -> BuildReport | None:
    trials = prepare_trials(records, report.skipped, jobs=jobs, cache=cache)
    first = next(trials, None)
    if first is None:
        return None

    def chain() -> Iterator[Trial]:
        yield first
        yield from trials

    return build_index(index_path, chain(), update=update, on_trial=on_trial, optimize=optimize)
