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
    stops = _stop_words()
    english = sum(w in stops["English"] for w in words)
    counts = {name: sum(w in s for w in words) for name, s in stops.items() if name != "English"}
    name, best = max(counts.items(), key=lambda kv: kv[1])
    if best >= 3 and best > 2 * english and best >= 0.2 * len(words):
        return name
    return None
