"""Build ``matcher/resources/lexicon/stop_words.json``: the stop words of the
languages ``matcher.language`` tells apart from English.

Taken from spaCy's language data (``spacy.lang.<xx>.stop_words``, MIT licence)
at build time, so that reading a patient does not import seven spaCy language
packages (about three seconds of regular-expression compiling at start-up).

    python scripts/build_stop_words.py

Deterministic: the same spaCy version gives the same file.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import spacy

OUT = Path(__file__).resolve().parent.parent / "matcher" / "resources" / "lexicon" / "stop_words.json"
LANGUAGES = {"English": "en", "Spanish": "es", "French": "fr", "German": "de", "Italian": "it",
             "Portuguese": "pt", "Dutch": "nl"}


def main() -> int:
    data = {"about": f"Stop words from spaCy {spacy.__version__} (spacy.lang.<code>.stop_words, MIT licence), "
                     "built by scripts/build_stop_words.py.",
            "languages": {name: sorted(importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)
                          for name, code in LANGUAGES.items()}}
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(len(v) for v in data['languages'].values())} words in {len(LANGUAGES)} languages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
