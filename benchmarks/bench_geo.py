"""Geocoding of trial sites: coverage, speed, table load time and memory.

    python benchmarks/bench_geo.py [--source matcher/bundled/ctgov-default.jsonl.gz] [--top 30]

Times the place- and ZIP-table load (first, so that its memory is measured alone),
loads the bundled corpus (API v2 JSON lines), then times :func:`matcher.geo.site_point` over every site (first pass: cold memo;
second pass: memoized). Prints the number of sites, the share that got
coordinates (all, US, non-US), sites/s, load time, the RSS the tables added
and the process's peak RSS, and the commonest ungeocoded (city, state,
country) triples, to find classes of failure worth fixing.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.geo import site_point
from matcher.geo.table import table, zip_row
from matcher.sources import load_records

BUNDLED = ROOT / "matcher" / "bundled" / "ctgov-default.jsonl.gz"


def rss_mb() -> float:
    """Current resident set size (Linux /proc), MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=BUNDLED)
    parser.add_argument("--top", type=int, default=30, help="how many ungeocoded triples to list")
    args = parser.parse_args()

    before, peak_before = rss_mb(), peak_rss_mb()
    start = time.perf_counter()
    table()
    zip_row("00000")  # the ZIP table loads on first use too
    load = time.perf_counter() - start
    print(f"table load: {load:.2f} s; RSS +{rss_mb() - before:.0f} MiB after, "
          f"peak +{peak_rss_mb() - peak_before:.0f} MiB while loading (peak {peak_rss_mb():.0f} MiB)")

    sites = [loc for rec in load_records([args.source]) for loc in getattr(rec, "locations", [])]
    # clear any geoPoint (the bundled corpus has none) so that every site is geocoded
    for loc in sites:
        loc.lat = loc.lon = None
    print(f"sites: {len(sites):,}")

    start = time.perf_counter()
    points = [site_point(loc) for loc in sites]
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for loc in sites:
        site_point(loc)
    warm = time.perf_counter() - start
    print(f"speed: {len(sites) / cold:,.0f} sites/s first pass (memo cold), "
          f"{len(sites) / warm:,.0f} sites/s memoized")

    def share(pred) -> str:
        chosen = [p for loc, p in zip(sites, points) if pred(loc)]
        ok = sum(p is not None for p in chosen)
        return f"{ok:,}/{len(chosen):,} = {100 * ok / max(len(chosen), 1):.1f}%"

    print(f"geocoded: all {share(lambda loc: True)}; "
          f"US {share(lambda loc: loc.country == 'United States')}; "
          f"non-US {share(lambda loc: loc.country != 'United States')}")
    misses = Counter((loc.city, loc.state, loc.country) for loc, p in zip(sites, points) if p is None)
    print(f"distinct ungeocoded (city, state, country): {len(misses):,}; commonest:")
    for (city, state, country), n in misses.most_common(args.top):
        print(f"  {n:5d}  {city!r}, {state!r}, {country!r}")
    print(f"peak RSS {peak_rss_mb():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
