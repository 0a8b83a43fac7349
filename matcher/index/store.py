"""Index generations on disk, and the lock a build holds.

Layout::

    INDEX_DIR/
        CURRENT              name of the generation in service (replaced atomically)
        gen-<stamp>/         a complete Whoosh index, each segment's postings file
                             (matcher.index.postings), and matcher.json (its format)
        .lock                held while a build runs
        parse-cache.sqlite   parsed criteria (matcher.parse_cache)

A build (fresh or update) writes a new generation beside the one in service
and only then points ``CURRENT`` at it with ``os.replace``, so a crash or an
interrupt mid-build leaves the previous generation serving. Generations are
never changed once in service: readers (in any number of processes) keep the
one they opened until they choose to reload.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from ..errors import MatcherError

INFO_FILE = "matcher.json"


def current_generation(root: Path) -> str | None:
    """The name of the generation in service under ``root``, or None."""
    try:
        name = (root / "CURRENT").read_text().strip()
    except OSError:
        return None
    if name and (root / name).is_dir() and windex.exists_in(str(root / name)):
        return name
    return None


def index_exists(path: str | os.PathLike) -> bool:
    return current_generation(Path(path)) is not None


def new_generation_name() -> str:
    return f"gen-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**9:09d}"


def read_info(generation_dir: Path) -> dict:
    """What matcher wrote about a generation (``{}`` for one built before it did)."""
    try:
        return json.loads((generation_dir / INFO_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_info(generation_dir: Path, info: dict) -> None:
    """Write ``matcher.json`` as a new file (the old one may be a hard link into the previous generation)."""
    tmp = generation_dir / (INFO_FILE + ".tmp")
    tmp.write_text(json.dumps(info, indent=1) + "\n")
    os.replace(tmp, generation_dir / INFO_FILE)


@contextmanager
def exclusive(root: Path, name: str = ".lock", busy: str = "another build is running on {root}",
              error: type[MatcherError] = MatcherError) -> Iterator[None]:
    """Hold the lock file ``root/name`` for the block, or raise ``error(busy)``
    at once if another process holds it (builds use ``.lock``; syncs their own)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / name, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise error(busy.format(root=root)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def allow_open_files(generation_dir: Path) -> None:
    """Raise this process's soft limit on open files (within the hard limit) so
    that a reader can keep every file of ``generation_dir`` open: segments are
    separate files (about 20 each), so a registry-sized index has over a thousand."""
    try:
        import resource

        needed = sum(1 for _ in generation_dir.iterdir()) + 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < needed:
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed if hard == resource.RLIM_INFINITY else min(hard, needed), hard))
    except (ImportError, OSError, ValueError):  # not POSIX, or not allowed: Whoosh says so if files run out
        pass


def link_or_copy(source: str, target: str) -> None:
    """A hard link when the file system allows one (segment files are never changed in place), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def swap_in(root: Path, generation: str) -> None:
    tmp = root / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(generation + "\n")
    with open(tmp) as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / "CURRENT")


def remove_stale(root: Path, keep: set[str]) -> None:
    """Delete generations not in service; keep the previous one for open readers."""
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in root.glob("CURRENT.*.tmp"):
        tmp.unlink(missing_ok=True)
