"""From record files to a built index: load, split criteria, parse, write.

This is the one place that strings the ingest steps together; the CLI and
the Python API both call :func:`ingest`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .index import BuildReport, build_index, index_exists
from .models import Skipped, Trial
from .parse_cache import CACHE_FILE, ParseCache
from .prepare import prepare_trials


@dataclass
class IngestReport:
    build: BuildReport | None = None
    skipped: list[Skipped] = field(default_factory=list)
    cache_hits: int = 0  # distinct criteria of a batch found in the parse cache
    cache_misses: int = 0  # and not (read afresh, or taken from a batch in flight that read it)

    @property
    def indexed(self) -> int:
        return self.build.indexed if self.build else 0


def default_jobs() -> int:
    """Worker processes for parsing: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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
    ``build`` is None. With ``jobs`` > 1, a fresh build (``update=False``, or
    no index yet) runs in that many worker processes that parse criteria and
    write the index's segments (:mod:`matcher.workers`); an update parses in
    them and writes here, through one writer.
    """
    from .sources import load_records

    report = IngestReport()
    cache = ParseCache(Path(index_path) / CACHE_FILE) if use_cache else None
    try:
        report.build = _build(load_records(sources), index_path, report, update=update, on_trial=on_trial,
                              jobs=jobs, optimize=optimize, cache=cache)
    finally:
        if cache is not None:
            report.cache_hits += cache.hits
            report.cache_misses += cache.misses
            cache.close()
    return report


def _build(records: Iterable[Trial | Skipped], index_path: str | os.PathLike, report: IngestReport, *,
           update: bool, on_trial: Callable[[Trial], None] | None, jobs: int, optimize: bool | None,
           cache: ParseCache | None) -> BuildReport | None:
    if jobs > 1 and not (update and index_exists(index_path)):
        # a fresh build: the workers write the segments too (matcher.workers)
        from .workers import build_in_workers

        build, hits, misses = build_in_workers(
            records, index_path, jobs=jobs, skipped=report.skipped, cache_path=cache.path if cache else None,
            on_trial=on_trial, optimize=optimize, add_only=update)
        report.cache_hits += hits
        report.cache_misses += misses
        return build
    trials = prepare_trials(records, report.skipped, jobs=jobs, cache=cache)
    first = next(trials, None)
    if first is None:
        return None

    def chain() -> Iterator[Trial]:
        yield first
        yield from trials

    return build_index(index_path, chain(), update=update, on_trial=on_trial, optimize=optimize)
