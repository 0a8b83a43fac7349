"""Trials near the patient: how many sites got coordinates, and what a place costs a search.

    python benchmarks/bench_near.py [--index DIR]

Prints the share of the index's trial sites that have coordinates (the
record's geoPoint or the offline geocoder), then search latency p50/p95 over
the 50 TREC 2022 dev patients (each searched twice, warm) without a place,
with a place (a form ``location`` cycling through ten cities), and with a
place and ``within`` 100 miles. The index is built from the shared corpus if
--index holds none.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections import Counter
from pathlib import Path

from common import TREC, corpus_index, percentile

from matcher.evaluation import read_topics
from matcher.filters import Filters
from matcher.service import Matcher

CITIES = ["Columbus, Ohio", "Houston, TX", "Boston", "Seattle, Washington", "Atlanta, Georgia",
          "Lyon, France", "Toronto, Canada", "Shanghai, China", "Madrid, Spain", "55905"]


def _coverage(matcher: Matcher) -> Counter:
    counts: Counter = Counter()
    for trial in matcher.index.trials():
        for loc in trial.locations:
            us = "US" if loc.country == "United States" else "other"
            counts[f"sites {us}"] += 1
            if loc.lat is not None:
                counts[f"located {us}"] += 1
    return counts


def _latencies(matcher: Matcher, queries: list[str], place: bool, within: str | None) -> list[float]:
    times = []
    for n, text in enumerate(queries):
        form = {"location": CITIES[n % len(CITIES)]} if place else None
        filters = Filters(within=within) if within else None
        t0 = time.perf_counter()
        matcher.search(text, patient=form, top=10, filters=filters)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()
    topics = [text for _, text in read_topics(TREC / "topics.jsonl")]
    queries = topics * 2
    with corpus_index(args.index) as path, Matcher(path) as matcher:
        counts = _coverage(matcher)
        matcher.search(queries[0], patient={"location": CITIES[0]})  # warm-up: pipeline, place tables, caches
        runs = {
            "no place": _latencies(matcher, queries, place=False, within=None),
            "with a place": _latencies(matcher, queries, place=True, within=None),
            "place, within 100mi": _latencies(matcher, queries, place=True, within="100mi"),
        }
    sites = counts["sites US"] + counts["sites other"]
    located = counts["located US"] + counts["located other"]
    print(f"sites:          {sites:,}, with coordinates {located:,} ({located / max(sites, 1):.1%}); "
          f"US {counts['located US'] / max(counts['sites US'], 1):.1%}, "
          f"elsewhere {counts['located other'] / max(counts['sites other'], 1):.1%}")
    for name, times in runs.items():
        print(f"{name:<20} p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 0.95):.0f} ms "
              f"({len(times)} searches)")
    print(f"peak memory:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
