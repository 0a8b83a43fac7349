"""Where matcher keeps its index and caches and finds its bundled corpus."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

DEFAULT_CORPUS_NAME = "ctgov-default.jsonl.gz"


def default_index_path() -> Path:
    """``$MATCHER_INDEX``, else ``$XDG_DATA_HOME/matcher/index``, else ``~/.local/share/matcher/index``."""
    env = os.environ.get("MATCHER_INDEX")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "matcher" / "index"


def cache_dir() -> Path:
    """Where derived data of matcher's own (never patient text) is cached:
    ``$MATCHER_CACHE``, else ``$XDG_CACHE_HOME/matcher``, else ``~/.cache/matcher``."""
    env = os.environ.get("MATCHER_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "matcher"


def write_cache_file(path: Path, write: Callable[[Path], bool], stale: str) -> bool:
    """Make the cache file ``path`` whole or not at all: ``write`` fills a new
    file beside it (another process may be reading the old one), which then
    replaces it, and older versions (files matching ``stale``) are dropped.
    False, and nothing left behind, when ``write`` returns False or the
    directory cannot be written: a cache only ever costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
    except OSError:
        return False
    tmp = Path(name)
    try:
        if not write(tmp):
            return False
        os.replace(tmp, path)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
        return True
    except OSError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def default_corpus_path() -> Path:
    """The bundled corpus: ``$MATCHER_CORPUS``, else the one shipped in the package."""
    env = os.environ.get("MATCHER_CORPUS")
    if env:
        return Path(env).expanduser()
    return Path(str(files("matcher.bundled").joinpath(DEFAULT_CORPUS_NAME)))
