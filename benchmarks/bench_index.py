"""Index build throughput and peak memory on the shared corpus.

    python benchmarks/bench_index.py [SOURCE ...]

Default SOURCE: ../shared/data/ctgov-legacy-xml-6786.tar.gz plus the seed
trial. Builds a fresh index in a temporary directory (loading, criteria
splitting, constraint parsing and Whoosh writing, as `matcher index` does)
and prints trials/s, the time per stage share, and peak resident memory.
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from matcher.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def main(argv: list[str]) -> int:
    sources = argv or [str(SHARED / "ctgov-legacy-xml-6786.tar.gz"), str(SHARED / "seed" / "NCT05858684.json")]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = ingest(sources, Path(tmp) / "ix", update=False)
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    build = report.build
    n = build.indexed if build else 0
    print(f"sources:            {', '.join(sources)}")
    print(f"trials indexed:     {n}")
    print(f"criteria:           {build.criteria if build else 0}")
    print(f"skipped records:    {len(report.skipped)}")
    print(f"wall time:          {elapsed:.1f} s")
    print(f"throughput:         {n / elapsed:.1f} trials/s")
    print(f"peak memory (RSS):  {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
