"""Misspelled medical words read as the term meant: "alzhiemers" as "alzheimers",
"high blood presure" as "pressure", "donepezill" as "donepezil".

A word of six letters or more that is not a known word (``resources/lexicon/words.txt``,
the words of the bundled trials and of our lexicons, built by
``scripts/build_vocabulary.py``) is replaced when exactly one lexicon word lies within
one edit of it (insertion, deletion, substitution or swap of neighbours; two for
words of nine letters or more is not attempted: one is enough to be sure). The
corrections are returned so the reader can say what it did.
"""
from __future__ import annotations

import re
from functools import cache

from . import resources

_TOKEN = re.compile(r"[A-Za-z]{6,}")
MIN_LENGTH = 6


@cache
def known_words() -> frozenset[str]:
    if not resources.exists("lexicon/words.txt"):
        return frozenset()
    text = resources.read_text("lexicon/words.txt")
    return frozenset(w for w in text.split() if not w.startswith("#"))


@cache
def english_words() -> frozenset[str]:
    """The English words matcher reads (``resources/lexicon/english_words.txt``, built by
    scripts/build_vocabulary.py): none is a misspelling, and an answer in other words is one not read."""
    if not resources.exists("lexicon/english_words.txt"):
        return frozenset()
    return frozenset(w for w in resources.read_text("lexicon/english_words.txt").split() if not w.startswith("#"))


SPELLING_WORDS_HEADER = "# matcher spelling targets: lexicon words of six letters or more\n"


@cache
def lexicon_words() -> frozenset[str]:
    """The words a misspelling may be read as: words of six letters or more in the
    condition, therapy and lab patterns. Reading the pattern files for them took
    a sixth of a second at every start, so they are kept in the user's cache
    directory, named by the pipeline version (which covers the pattern files);
    a missing, damaged or unwritable file only costs the time."""
    from .config import cache_dir, write_cache_file
    from .pipeline_version import pipeline_version

    try:
        path = cache_dir() / f"spelling-words-{pipeline_version()}.txt"
    except RuntimeError:  # no home directory to cache in
        return _pattern_words()
    try:
        text = path.read_text(encoding="utf-8")
        words = text.split("\n")
        if text.startswith(SPELLING_WORDS_HEADER) and words[-1] == "" and words[-2] == "# end" \
                and all(_WORD.fullmatch(w) for w in words[1:-2]):
            return frozenset(words[1:-2])
    except (OSError, UnicodeDecodeError, IndexError):
        pass
    found = _pattern_words()

    def write(tmp) -> bool:
        tmp.write_text(SPELLING_WORDS_HEADER + "".join(w + "\n" for w in sorted(found)) + "# end\n", encoding="utf-8")
        return True

    write_cache_file(path, write, "spelling-words-*.txt")
    return found


_WORD = re.compile(f"[a-z]{{{MIN_LENGTH},}}")


def _pattern_words() -> frozenset[str]:
    from .nlp.lexicon import all_patterns

    words: set[str] = set()
    for p in all_patterns(exact=False):
        if p["label"] in ("CONDITION", "THERAPY", "LAB") and isinstance(p["pattern"], str):
            words.update(w for w in re.findall(r"[a-z]+", p["pattern"].lower().replace("'", "")) if len(w) >= MIN_LENGTH)
    return frozenset(words)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# an English ending that makes another word of the same stem: "cannulate" (not "cannulae"), "aching"
# (not "acting"), "worried" (not "worries"): a derivation, not a misspelling, when the edit falls within it
_DERIVED = re.compile(r"(?:ate|ated|ates|ating|ation|ations|ise|ised|ize|ized|ising|izing|ing|ed|ly|ment|ments|able|ible)$")


def _one_edit(w: str) -> set[str]:
    """Every word one insertion, deletion, substitution or swap of neighbours away from
    ``w`` (a to z only, as lexicon words are), ``w`` itself left out."""
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    edits.update(a + c + b for a, b in splits for c in _LETTERS)
    edits.discard(w)
    return edits


@cache
def _longest() -> int:
    return max(map(len, lexicon_words()), default=0)


def suggest(word: str) -> str | None:
    """The one lexicon word ``word`` is a misspelling of, or None."""
    w = word.lower()
    if len(w) < MIN_LENGTH or w in known_words():
        return None
    targets = lexicon_words()
    if w in targets:
        return None  # already a lexicon word
    if len(w) > _longest() + 1:
        return None  # one edit from no lexicon word; and a 20,000-letter word's edits would take 20 GB
    english = w in english_words()
    if english and w + "s" not in targets and not (w.endswith("s") and w[:-1] in targets):
        return None  # an English word is read only in another number (below), one "s" more or less: no such word
    candidates = _one_edit(w) & targets
    if len(candidates) != 1:
        return None
    target = next(iter(candidates))
    if english and target.rstrip("s") != w.rstrip("s"):
        return None  # an English word is no misspelling ("the sardine factory" is no "factor"), but may be read in
        # the number the lexicon has it ("hallucination" as "hallucinations")
    if target[0] != w[0] and word[:1].isupper() and word[1:2].islower():
        # a capitalised word one first letter from a lexicon word is a name more likely than a misspelling:
        # "Mariam stopped breastfeeding" is no "lariam" (mefloquine); "qestern blot" is "western"
        return None
    return None if another_form(w, target) else target


def another_form(word: str, target: str) -> bool:
    """Whether ``word`` is another word of ``target``'s stem, not a misspelling of it: they differ only
    within an English ending of ``word`` that ``target`` lacks ("cannulate", "cannulae"), and not as
    plural and singular ("immunisations", "immunisation")."""
    ending = _DERIVED.search(word)
    return bool(ending) and word[: ending.start()] == target[: ending.start()] and not target.endswith(ending.group()) \
        and target.rstrip("s") != word.rstrip("s")


# a word right before: what stands inside a sentence ("my neighbour Concetta"), not at its start
_MID_SENTENCE = re.compile(r"[a-z,][ \t]+$")


def correct(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with misspelled lexicon words replaced, and the (written, read as) pairs."""
    fixes: list[tuple[str, str]] = []

    def fix(m: re.Match) -> str:
        word = m.group(0)
        if word[:1].isupper() and word[1:2].islower() and _MID_SENTENCE.search(text, max(0, m.start() - 3), m.start()):
            return word  # "my neighbour Concetta", "Dr Weissmann": a capitalised word inside a sentence is a name
        better = suggest(word)
        if better is None:
            return word
        fixes.append((word, better))
        # (a capital kept: "... 10/12/2026. Prednisona 7,5 mg" still starts a sentence when read as "Prednisone")
        return better[:1].upper() + better[1:] if word[:1].isupper() and word[1:].islower() else better

    return _TOKEN.sub(fix, text), fixes
