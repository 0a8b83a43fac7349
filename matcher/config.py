"""Where matcher keeps its index and caches and finds its bundled corpus."""
from __future__ import annotations

import os
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


def default_corpus_path() -> Path:
    """The bundled corpus: ``$MATCHER_CORPUS``, else the one shipped in the package."""
    env = os.environ.get("MATCHER_CORPUS")
    if env:
        return Path(env).expanduser()
    return Path(str(files("matcher.bundled").joinpath(DEFAULT_CORPUS_NAME)))
