"""Build the bundled default corpus ``matcher/bundled/ctgov-default.jsonl.gz``.

Reads the shared ClinicalTrials.gov records (the 6,786-trial legacy XML
archive and the seed trial NCT05858684 in API v2 JSON), converts every
trial to one API v2 JSON line with the fields matcher uses, and writes them
gzipped in NCT order. Detailed descriptions are left out to keep the file
compact; everything matching uses (titles, summary, conditions, keywords,
MeSH terms, interventions, design, eligibility, locations) is kept.

    python scripts/build_default_corpus.py [--shared ../shared] [--out matcher/bundled/ctgov-default.jsonl.gz]

The output is byte-for-byte reproducible (sorted, gzip mtime 0).
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matcher.models import Skipped  # noqa: E402
from matcher.sources import load_records  # noqa: E402
from matcher.sources.ctgov_json import trial_to_study  # noqa: E402


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=root.parent / "shared")
    parser.add_argument("--out", type=Path, default=root / "matcher" / "bundled" / "ctgov-default.jsonl.gz")
    args = parser.parse_args()
    sources = [
        args.shared / "data" / "ctgov-legacy-xml-6786.tar.gz",
        args.shared / "data" / "seed" / "NCT05858684.json",
    ]
    trials = {}
    for record in load_records(sources):
        if isinstance(record, Skipped):
            print(f"skipped {record}", file=sys.stderr)
            continue
        trials[record.nct_id] = record
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as gz:
        for nct_id in sorted(trials):
            line = json.dumps(trial_to_study(trials[nct_id], with_description=False), ensure_ascii=False, sort_keys=True)
            gz.write(line.encode("utf-8") + b"\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buffer.getvalue())
    print(f"wrote {len(trials)} trials to {args.out} ({len(buffer.getvalue()) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
