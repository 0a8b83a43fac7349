"""From a record to a trial ready to index: its criteria split and read, its
sites located, the conditions it studies named.

Trials go in batches, so spaCy sees many criteria at once and a criterion
repeated in a batch, found in the parse cache or being read for a batch in
flight is read once. :func:`prepare_trials` streams records through, in
worker processes or not; a parallel build (:mod:`matcher.workers`) prepares
each batch with :class:`Batch` inside the process that writes it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .criteria import split_criteria
from .models import Constraint, Criterion, Skipped, Trial
from .parse_cache import ParseCache

# A worker is replaced after this many batches (about 13,000 trials; a build's
# workers stop sooner, at a segment's 10,000, matcher.workers): spaCy's
# vocabulary keeps every new word it sees, about 0.4 MB per 1,000 distinct
# criteria (measured on the scale corpus), so a worker reading half a
# registry's criteria would grow by about 2 GB; a fresh one loads in about 1 s.
WORKER_BATCHES = 200
# Batches handed to each worker ahead of the one being written: enough that
# workers go on parsing while this process writes a segment (a few seconds).
AHEAD = 8


def read_batch(phrases: list[tuple[str, ...]], pairs: list[tuple[str, str]]) -> tuple[list[list[str]], list[dict]]:
    """The spaCy work of a batch: each trial's topics (from its condition
    phrases) and the reading of each (section, text) criterion not cached.
    Runs in a worker process when ``jobs`` > 1; plain data in and out.
    Nothing to read (a batch found in the parse cache) loads no pipeline."""
    if not phrases and not pairs:
        return [], []
    from .nlp import parse_texts
    from .topics import topics_of

    return [sorted(topics_of(p)) for p in phrases], parse_texts(pairs)


def warm_worker() -> None:
    from .nlp import get_pipeline

    get_pipeline("criteria")
    get_pipeline("patient")


def batches(records: Iterable[Trial | Skipped], skipped: list[Skipped], size: int) -> Iterator[list[Trial]]:
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


class InFlight:
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


class Batch:
    """One batch on its way: split and located here, read by spaCy (here or in a worker), then filled."""

    def __init__(self, trials: list[Trial], cache: ParseCache | None, flight: InFlight):
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
        self.named = [tuple(t.conditions + t.mesh_terms) for t in trials]  # each trial's condition phrases
        distinct = list(dict.fromkeys(self.named))
        self.known_topics = cache.get_topics(distinct) if cache is not None else {}
        self.phrases = [p for p in distinct if p not in self.known_topics]  # to read

    def finish(self, topics: list[list[str]], parsed: list[dict]) -> list[Trial]:
        fresh = dict(zip(self.missing, parsed))
        fresh_topics = dict(zip(self.phrases, topics))
        if self.cache is not None and fresh:
            self.cache.put_many(fresh)
        if self.cache is not None and fresh_topics:
            self.cache.put_topics(fresh_topics)
        self.flight.returned(fresh)
        readings = {**self.known, **fresh, **{pair: self.flight.take(pair) for pair in self.awaited}}
        named = {**self.known_topics, **fresh_topics}
        for trial, phrases in zip(self.trials, self.named):
            trial.topics = list(named[phrases])
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
    flight = InFlight()
    if jobs <= 1:
        for chunk in batches(records, skipped, batch):
            work = Batch(chunk, cache, flight)
            yield from work.finish(*read_batch(work.phrases, work.missing))
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=warm_worker,
                             max_tasks_per_child=WORKER_BATCHES) as pool:
        running: deque = deque()
        for chunk in batches(records, skipped, batch):
            work = Batch(chunk, cache, flight)
            running.append((work, pool.submit(read_batch, work.phrases, work.missing)))
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
