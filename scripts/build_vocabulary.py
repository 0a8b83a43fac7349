"""Build ``matcher/resources/lexicon/words.txt``: words matcher knows are spelled right.

The words of six letters or more that occur at least twice in the bundled corpus
(``matcher/bundled/ctgov-default.jsonl.gz``: titles, summaries, conditions, criteria of 6,787
ClinicalTrials.gov records) or in our lexicon patterns, and the clinical words of other languages in
``matcher/resources/lexicon/sources/foreign_words.txt``, one per line, sorted.
``matcher.spelling`` never "corrects" a word on this list.

    python scripts/build_vocabulary.py [--corpus matcher/bundled/ctgov-default.jsonl.gz]

Deterministic: the same corpus and lexicons give the same file.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORD = re.compile(r"[a-z]{6,}")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "matcher" / "bundled" / "ctgov-default.jsonl.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "matcher" / "resources" / "lexicon" / "words.txt")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            for text in strings(json.loads(line)):
                counts.update(WORD.findall(text.lower()))
    from matcher.nlp.lexicon import all_patterns

    lexicon = {w for p in all_patterns() if isinstance(p["pattern"], str) for w in WORD.findall(p["pattern"].lower().replace("'", ""))}
    # clinical words of other languages, never "corrected" into an English lexicon word ("biologie")
    foreign_path = ROOT / "matcher" / "resources" / "lexicon" / "sources" / "foreign_words.txt"
    foreign = {line.strip().lower() for line in foreign_path.read_text(encoding="utf-8").splitlines()
               if not line.startswith("#") and WORD.fullmatch(line.strip().lower())}
    words = sorted({w for w, n in counts.items() if n >= 2} | lexicon | foreign)
    header = ("# Words of six letters or more that matcher treats as spelled right: those occurring at least\n"
              "# twice in matcher/bundled/ctgov-default.jsonl.gz (ClinicalTrials.gov records) and our lexicon words.\n"
              "# Built by scripts/build_vocabulary.py; do not edit by hand.\n")
    args.out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)}: {len(words):,} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
