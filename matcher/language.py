"""Is this text English? matcher reads English only; a text in another language
should say so plainly rather than match trials on stray words ("soy" in Spanish
matched soy-isoflavone trials). Stop-word counts from spaCy's language data
(converted at build time into ``resources/lexicon/stop_words.json``)."""
from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[a-záéíóúñçàèìòùâêîôûäöüßãõœ']+")


@cache
def _stop_words() -> dict[str, frozenset[str]]:
    """Stop words by language (``resources/lexicon/stop_words.json``, from spaCy's
    language data by ``scripts/build_stop_words.py``); other languages' lists
    leave out the words English shares."""
    from . import resources

    lists = resources.read_json("lexicon/stop_words.json")["languages"]
    english = frozenset(lists["English"])
    return {"English": english, **{name: frozenset(words) - english for name, words in lists.items() if name != "English"}}


def other_language(text: str) -> str | None:
    """The language ``text`` looks written in when that is not English, else None."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1]
    if len(words) < 4:
        return None
    # distinct words: a lab line's repeated "NR" (non-reactive) is one Dutch stop word, not four
    distinct = set(words)
    stops = _stop_words()
    english = len(distinct & stops["English"])
    counts = {name: len(distinct & s) for name, s in stops.items() if name != "English"}
    name, best = max(counts.items(), key=lambda kv: kv[1])
    if best >= 3 and best > 2 * english and best >= 0.2 * len(distinct):
        return name
    return None
