"""From record files to a built index: load, split criteria, parse, write.

This is the one place that strings the ingest steps together; the CLI and
the Python API both call :func:`ingest`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .criteria import split_criteria
from .index import BuildReport, build_index
from .models import Skipped, Trial


@dataclass
class IngestReport:
    build: BuildReport | None = None
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def indexed(self) -> int:
        return self.build.indexed if self.build else 0


def default_jobs() -> int:
    """Worker processes for parsing: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _prepare_batch(trials: list[Trial]) -> list[Trial]:
    """Split, locate, parse and read the topics of one batch of trials."""
    from .nlp import parse_criteria
    from .topics import trial_topics

    for trial in trials:
        trial.criteria = split_criteria(trial.eligibility_text)
        locate_sites(trial)
    parse_criteria([c for t in trials for c in t.criteria])
    for trial in trials:
        trial.topics = sorted(trial_topics(trial))
    return trials


def _prepare_dicts(batch: list[dict]) -> list[dict]:
    """:func:`_prepare_batch` in a worker process, on plain dicts."""
    return [t.to_dict() for t in _prepare_batch([Trial.from_dict(d) for d in batch])]


def _warm_worker() -> None:
    from .nlp import get_pipeline

    get_pipeline("criteria")


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


def prepare_trials(
    records: Iterable[Trial | Skipped], skipped: list[Skipped], *, batch: int = 64, jobs: int = 1
) -> Iterator[Trial]:
    """Split each trial's criteria, parse their constraints, locate its sites
    and read the conditions it studies, in record order; collect skips.

    Trials are parsed in batches so spaCy sees many criteria at once; with
    ``jobs`` > 1, batches are parsed in that many worker processes (each
    loads its own pipeline, about 0.5 GB), at most two batches ahead per
    worker, so memory stays bounded however many records come.
    """
    if jobs <= 1:
        for chunk in _batches(records, skipped, batch):
            yield from _prepare_batch(chunk)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_warm_worker) as pool:
        running: deque = deque()
        for chunk in _batches(records, skipped, batch):
            running.append(pool.submit(_prepare_dicts, [t.to_dict() for t in chunk]))
            while len(running) > 2 * jobs:
                yield from (Trial.from_dict(d) for d in running.popleft().result())
        while running:
            yield from (Trial.from_dict(d) for d in running.popleft().result())


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
) -> IngestReport:
    """Index every usable record of ``sources``; report what was skipped and why.

    When no record at all could be used, nothing is written and the report's
    ``build`` is None.
    """
    from .sources import load_records

    report = IngestReport()
    trials = prepare_trials(load_records(sources), report.skipped, jobs=jobs)
    first = next(trials, None)
    if first is None:
        return report

    def chain() -> Iterator[Trial]:
        yield first
        yield from trials

    report.build = build_index(index_path, chain(), update=update, on_trial=on_trial, optimize=optimize)
    return report
