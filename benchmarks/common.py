"""What the benchmarks share: the shared data's location, the corpus index, percentiles."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from matcher.index import index_exists
from matcher.ingest import ingest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = [SHARED / "data" / "ctgov-legacy-xml-6786.tar.gz", SHARED / "data" / "seed" / "NCT05858684.json"]
TREC = SHARED / "bench" / "dev" / "trec2022"


@contextmanager
def corpus_index(path: Path | None) -> Iterator[Path]:
    """``path`` if it holds an index; else the shared corpus plus the seed
    trial indexed into ``path`` (or a temporary directory, removed afterwards)."""
    if path is not None and index_exists(path):
        yield path
        return
    with tempfile.TemporaryDirectory() as tmp:
        target = path or Path(tmp) / "ix"
        print(f"building the index of the shared corpus at {target} (about 4 minutes) ...", flush=True)
        ingest(CORPUS, target)
        yield target


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def load_trials(nct_ids: set[str] | None = None, sources: list[Path] | None = None) -> dict:
    """Trials of ``sources`` (default: the shared corpus and the seed trial),
    only ``nct_ids`` if given, split and parsed by the current code (no index,
    so a figure never comes from a stale build)."""
    from matcher.ingest import prepare_trials
    from matcher.sources import load_records

    skipped: list = []
    wanted = (r for r in load_records(sources or CORPUS)
              if nct_ids is None or getattr(r, "nct_id", None) in nct_ids)
    return {t.nct_id: t for t in prepare_trials(wanted, skipped)}
