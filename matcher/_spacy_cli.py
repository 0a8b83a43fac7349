"""spaCy's command line, imported only when something uses it.

``import spacy`` imports ``spacy.cli`` (weasel, typer, the model downloader)
for the ``spacy.info`` it re-exports: 0.2 to 0.4 s of every ``matcher``
command's start, for code matcher never calls. :func:`defer` (run when the
``matcher`` package is imported, before anything imports spaCy) makes the
import of ``spacy.cli`` and ``spacy.cli.info`` produce placeholder modules; the
first attribute asked of either (``spacy.cli.download``, ``spacy.info()``,
``python -m spacy``) runs the real ``spacy/cli/__init__.py`` in the same module
object, so whoever holds it sees the real module from then on.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
import types

_NAMES = ("spacy.cli", "spacy.cli.info")
_lock = threading.RLock()


class _Placeholder(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        real = _load()
        return getattr(real.info if self.__name__ == "spacy.cli.info" else real, name)


def _load() -> types.ModuleType:
    """Run the real ``spacy.cli`` in its placeholder (once) and return it."""
    with _lock:
        cli = sys.modules["spacy.cli"]
        real_spec = cli.__dict__.pop("_real_spec", None)
        if real_spec is None:
            return cli
        _Finder.remove()
        cli.__class__ = types.ModuleType  # from here on an ordinary module
        if isinstance(sys.modules.get("spacy.cli.info"), _Placeholder):
            del sys.modules["spacy.cli.info"]
        cli.__dict__.pop("info", None)
        cli.__spec__, cli.__loader__, cli.__file__ = real_spec, real_spec.loader, real_spec.origin
        real_spec.loader.exec_module(cli)
        return cli


def _info(*args, **kwargs):
    return _load().info(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    def __init__(self, real_spec: importlib.machinery.ModuleSpec):
        self.real_spec = real_spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _Placeholder(spec.name)
        if spec.name == "spacy.cli":
            module.__path__ = list(self.real_spec.submodule_search_locations or [])
            module._real_spec = self.real_spec
        else:
            module.info = _info
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in _NAMES:
            return None
        if name == "spacy.cli.info" and "_real_spec" not in getattr(sys.modules.get("spacy.cli"), "__dict__", {}):
            return None
        real_spec = importlib.machinery.PathFinder.find_spec(name, path)
        if real_spec is None:
            return None
        return importlib.machinery.ModuleSpec(name, _Loader(real_spec), is_package=name == "spacy.cli")

    @staticmethod
    def remove() -> None:
        sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _Finder)]


def defer() -> None:
    """Defer ``spacy.cli`` unless spaCy is already imported."""
    if "spacy" in sys.modules or any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
