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


def interpreter() -> str:
    """Which Python runs the benchmark: its version, executable, and whether the
    interpreter runs from a shared libpython (``--enable-shared``, as pyenv
    builds; on this machine such a build ran searches and builds 14-18% slower
    than the distribution's statically linked, profile-optimized python3)."""
    import platform
    import sys

    try:
        maps = Path("/proc/self/maps").read_text()
        linked = "shared libpython" if "libpython" in maps else "static libpython"
    except OSError:
        linked = "libpython linkage unknown"
    return f"Python {platform.python_version()} ({sys.executable}, {linked})"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def load_trials(nct_ids: set[str] | None = None, sources: list[Path] | None = None) -> dict:
    """Trials of ``sources`` (default: the shared corpus and the seed trial),
    only ``nct_ids`` if given, split and parsed by the current code (no index,
    so a figure never comes from a stale build)."""
    from matcher.prepare import prepare_trials
    from matcher.sources import load_records

    skipped: list = []
    wanted = (r for r in load_records(sources or CORPUS)
              if nct_ids is None or getattr(r, "nct_id", None) in nct_ids)
    return {t.nct_id: t for t in prepare_trials(wanted, skipped)}


class ChildPeaks:
    """The peak resident memory of each process this one starts, sampled from
    /proc while they run (Linux). ``getrusage(RUSAGE_CHILDREN)`` cannot tell it:
    it counts a spawned child's memory before exec, that is, its parent's."""

    def __init__(self, every: float = 0.5):
        import threading

        self.every, self.peaks = every, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import os

        while not self._stop.wait(self.every):
            todo = [int(c) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
                    for c in _read(task / "children").split()]
            while todo:
                pid = todo.pop()
                status = _read(Path(f"/proc/{pid}/status"))
                peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak / 1024)
                todo.extend(int(c) for task in _tasks(pid) for c in _read(task / "children").split())

    @property
    def largest_mb(self) -> float:
        return max(self.peaks.values(), default=0.0)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _tasks(pid: int) -> list[Path]:
    try:
        return list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
