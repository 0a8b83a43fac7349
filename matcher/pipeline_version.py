"""What identifies the reading pipeline: a digest of the code and rule files
that decide how a criterion (or a patient's text) is read.

Whatever keeps a pipeline's output across processes keys it by
:func:`pipeline_version`: the parse cache beside an index
(:mod:`matcher.parse_cache`) and the compiled lexicon in the user's cache
directory (:mod:`matcher.nlp.lexicon`). Any change to a file listed here
starts them afresh. Standard library only: a build worker that only reads the
parse cache imports this without spaCy.
"""
from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files

# What reads a criterion: the modules parsing imports (tests/test_ingest.py
# checks this list against them) and the rule and vocabulary resources;
# the parse cache too (how readings are keyed and stored), and this module.
PIPELINE_SOURCES = ("nlp/", "resources/", "__init__.py", "_spacy_cli.py", "config.py", "criteria.py", "errors.py", "models.py",
                    "parse_cache.py", "permission.py", "pipeline_version.py", "topics.py", "units.py", "vocabulary.py")
_NOT_PIPELINE = ("geo",)  # place tables under resources/ cannot change a reading


@cache
def pipeline_version() -> str:
    """A digest of every source and resource file that can change how criteria are read."""
    root = files("matcher")
    digest = hashlib.sha256()

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name not in _NOT_PIPELINE and child.name != "__pycache__":
                    walk(child, name + "/")
            elif child.name.endswith((".py", ".json", ".jsonl", ".txt", ".tsv")):
                digest.update(name.encode() + b"\0" + child.read_bytes() + b"\0")

    for source in PIPELINE_SOURCES:
        node = root.joinpath(source.rstrip("/"))
        if source.endswith("/"):
            walk(node, source)
        else:
            digest.update(source.encode() + b"\0" + node.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
