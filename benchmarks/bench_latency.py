"""Search latency in one warm process: p50/p95 over 100 patient topics, and peak memory.

    python benchmarks/bench_latency.py [--index DIR] [--top 10]

Topics: the 50 TREC 2022 patient descriptions, each searched twice, for 100
searches (the second pass reuses the per-term score cache a warm server keeps;
the first-pass figures are printed too) against the 6,787-trial
index (built into a temporary directory if --index is not given). Each search
is the full job: read the patient, retrieve, judge every candidate's
criteria, re-rank, explain.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from common import TREC, corpus_index, percentile

from matcher.evaluation import read_topics
from matcher.service import Matcher


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    topics = [text for _, text in read_topics(TREC / "topics.jsonl")]
    queries = (topics * 2)[:100]
    with corpus_index(args.index) as path, Matcher(path) as matcher:
        started = time.perf_counter()
        matcher.search(queries[0], top=args.top)  # warm-up: pipeline and index caches
        warmup = time.perf_counter() - started
        times = []
        for text in queries:
            t0 = time.perf_counter()
            matcher.search(text, top=args.top)
            times.append((time.perf_counter() - t0) * 1000)
        trials = len(matcher)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index:          {trials} trials")
    print(f"searches:       {len(times)} (top {args.top}), first-search warm-up {warmup:.2f} s")
    first = times[: len(topics)]
    print(f"latency p50:    {statistics.median(times):.0f} ms  (first pass, {len(first)} distinct topics: {statistics.median(first):.0f} ms)")
    print(f"latency p95:    {percentile(times, 0.95):.0f} ms  (first pass: {percentile(first, 0.95):.0f} ms)")
    print(f"latency max:    {max(times):.0f} ms")
    print(f"throughput:     {1000 * len(times) / sum(times):.1f} searches/s (one process)")
    print(f"peak memory:    {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
