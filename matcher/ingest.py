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


def prepare_trials(
    records: Iterable[Trial | Skipped], skipped: list[Skipped], *, batch: int = 64
) -> Iterator[Trial]:
    """Split each trial's criteria, parse their constraints and read the
    conditions it studies; collect skips.

    Trials are parsed in batches so spaCy sees many criteria at once.
    """
    from .nlp import parse_criteria
    from .topics import trial_topics

    pending: list[Trial] = []

    def flush() -> Iterator[Trial]:
        parse_criteria([c for t in pending for c in t.criteria])
        for trial in pending:
            trial.topics = sorted(trial_topics(trial))
        yield from pending
        pending.clear()

    for record in records:
        if isinstance(record, Skipped):
            skipped.append(record)
            continue
        record.criteria = split_criteria(record.eligibility_text)
        locate_sites(record)
        pending.append(record)
        if len(pending) >= batch:
            yield from flush()
    yield from flush()


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
) -> IngestReport:
    """Index every usable record of ``sources``; report what was skipped and why.

    When no record at all could be used, nothing is written and the report's
    ``build`` is None.
    """
    from .sources import load_records

    report = IngestReport()
    trials = prepare_trials(load_records(sources), report.skipped)
    first = next(trials, None)
    if first is None:
        return report

    def chain() -> Iterator[Trial]:
        yield first
        yield from trials

    report.build = build_index(index_path, chain(), update=update, on_trial=on_trial)
    return report
