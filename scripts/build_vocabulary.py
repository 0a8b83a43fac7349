"""Build ``matcher/resources/lexicon/words.txt``: words matcher knows are spelled right,
and ``matcher/resources/lexicon/english_words.txt``: words matcher reads as English.

The words of six letters or more that occur at least twice in the bundled corpus
(``matcher/bundled/ctgov-default.jsonl.gz``: titles, summaries, conditions, criteria of 6,787
ClinicalTrials.gov records) or in our lexicon patterns, and the clinical words of other languages in
``matcher/resources/lexicon/sources/foreign_words.txt``, one per line, sorted.
``matcher.spelling`` never "corrects" a word on this list.

    python scripts/build_vocabulary.py [--corpus matcher/bundled/ctgov-default.jsonl.gz]

``english_words.txt`` holds the English word forms of spaCy's lookup tables (``spacy-lookups-data``,
from WordNet 3.0; needed at build time only), the words written in lower case, standing alone (not
in a hyphenated compound), in at least three records of the bundled corpus, the lexicon words,
spaCy's English stop words and the everyday answers of ``sources/english_answers.txt``. A patient's answer
to a form's field in none of these words ("HIV: nee", "Allergies: aucune connue") is one matcher cannot
read (``matcher.doubt``).

Deterministic: the same corpus and lexicons give the same files.
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
# a word as written in lower case, standing alone: "non" of "non-small" and the acronyms "SI", "DA" are not English words
STANDALONE = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
LEXICON_WORD = re.compile(r"[a-z]+")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def wordnet_forms() -> set[str]:
    """The English word forms of spaCy's lookup tables (spacy-lookups-data: the English lemma lookup
    and index, from WordNet 3.0, Princeton University, under the WordNet licence): build-time only,
    ``pip install spacy-lookups-data>=1.0.5``."""
    import importlib.resources

    data = importlib.resources.files("spacy_lookups_data") / "data"
    lookup = json.loads(gzip.decompress((data / "en_lemma_lookup.json.gz").read_bytes()))
    index = json.loads(gzip.decompress((data / "en_lemma_index.json.gz").read_bytes()))
    words = {w.lower() for pair in lookup.items() for w in pair} | {w.lower() for ws in index.values() for w in ws}
    return {w for w in words if LEXICON_WORD.fullmatch(w)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "matcher" / "bundled" / "ctgov-default.jsonl.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "matcher" / "resources" / "lexicon" / "words.txt")
    parser.add_argument("--english-out", type=Path, default=ROOT / "matcher" / "resources" / "lexicon" / "english_words.txt")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    records: Counter[str] = Counter()  # in how many records a word stands alone in lower case
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            standing: set[str] = set()
            for text in strings(json.loads(line)):
                counts.update(WORD.findall(text.lower()))
                standing.update(STANDALONE.findall(text))
            records.update(standing)
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

    from spacy.lang.en.stop_words import STOP_WORDS

    answers_path = ROOT / "matcher" / "resources" / "lexicon" / "sources" / "english_answers.txt"
    answers = {line.strip().lower() for line in answers_path.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    lexicon_any = {w for p in all_patterns() if isinstance(p["pattern"], str)
                   for w in LEXICON_WORD.findall(p["pattern"].lower().replace("'", ""))}
    english = sorted({w for w, n in records.items() if n >= 3} | lexicon_any | answers | wordnet_forms()
                     | {w for w in STOP_WORDS if LEXICON_WORD.fullmatch(w)})
    header = ("# Words matcher reads as English: the English word forms of spacy-lookups-data (WordNet 3.0, Copyright 2006\n"
              "# Princeton University, WordNet licence), those standing alone in lower case in at least three records of\n"
              "# matcher/bundled/ctgov-default.jsonl.gz (ClinicalTrials.gov records), our lexicon words, spaCy's English\n"
              "# stop words (MIT licence) and sources/english_answers.txt. Built by scripts/build_vocabulary.py; do not edit by hand.\n")
    args.english_out.write_text(header + "\n".join(english) + "\n", encoding="utf-8")
    print(f"wrote {args.english_out.relative_to(ROOT)}: {len(english):,} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
