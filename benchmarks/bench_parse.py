"""Constraint parsing over the shared corpus: speed, coverage, what is left.

    python benchmarks/bench_parse.py [SOURCE ...] [--top 30] [--limit N]

Default SOURCE: ../shared/data/ctgov-legacy-xml-6786.tar.gz. Splits every
trial's eligibility text, parses every criterion with the spaCy pipeline
(as `matcher index` does) and prints criteria parsed per second, the share
of criteria with at least one constraint, counts per constraint kind, and
the most frequent openings of criteria left without any constraint: the
list of what to improve next.
"""
from __future__ import annotations

import argparse
import re
import resource
import time
from collections import Counter
from pathlib import Path

from matcher.criteria import split_criteria
from matcher.models import Trial
from matcher.nlp import get_pipeline, parse_criteria
from matcher.sources import load_records

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def phrasing(text: str, words: int = 4) -> str:
    """A criterion's opening words with numbers folded: what a rule would key on."""
    tokens = re.findall(r"[a-z]+|\d+(?:\.\d+)?|[^\sa-z\d]", text.lower())
    tokens = ["#" if re.match(r"\d", t) else t for t in tokens]
    return " ".join(tokens[:words])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", default=[str(SHARED / "ctgov-legacy-xml-6786.tar.gz")])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--limit", type=int, default=0, help="parse only the first N trials")
    args = parser.parse_args()

    trials = [r for r in load_records(args.sources) if isinstance(r, Trial)]
    if args.limit:
        trials = trials[: args.limit]
    started = time.perf_counter()
    criteria = [c for t in trials for c in split_criteria(t.eligibility_text)]
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    get_pipeline()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    parse_criteria(criteria)
    parse_s = time.perf_counter() - started

    kinds: Counter[str] = Counter()
    unparsed: Counter[str] = Counter()
    with_constraint = 0
    for c in criteria:
        if c.constraints:
            with_constraint += 1
        else:
            unparsed[phrasing(c.text)] += 1
        for con in c.constraints:
            kinds[con.kind] += 1
    n = len(criteria)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"trials:                    {len(trials)}")
    print(f"criteria:                  {n}")
    print(f"split time:                {split_s:.1f} s")
    print(f"pipeline load:             {load_s:.1f} s")
    print(f"parse time:                {parse_s:.1f} s  ({n / parse_s:.0f} criteria/s)")
    print(f"total (split+load+parse):  {split_s + load_s + parse_s:.1f} s")
    print(f"with >= 1 constraint:      {with_constraint} ({100 * with_constraint / max(n, 1):.1f}%)")
    print(f"constraints:               {sum(kinds.values())}")
    print(f"peak memory (RSS):         {peak_mb:.0f} MB")
    print("\nconstraints per kind:")
    for kind, count in kinds.most_common():
        print(f"  {kind:<24} {count}")
    print(f"\nmost frequent openings of criteria with no constraint (top {args.top}):")
    for text, count in unparsed.most_common(args.top):
        print(f"  {count:>6}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
