"""Is this text English? matcher reads English only; a text in another language
should say so plainly rather than match trials on stray words ("soy" in Spanish
matched soy-isoflavone trials). Stop-word counts from spaCy's language data."""
from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[a-záéíóúñçàèìòùâêîôûäöüßãõœ']+")


@cache
def _stop_words() -> dict[str, frozenset[str]]:
    from spacy.lang.de.stop_words import STOP_WORDS as de
    from spacy.lang.en.stop_words import STOP_WORDS as en
    from spacy.lang.es.stop_words import STOP_WORDS as es
    from spacy.lang.fr.stop_words import STOP_WORDS as fr
    from spacy.lang.it.stop_words import STOP_WORDS as it
    from spacy.lang.nl.stop_words import STOP_WORDS as nl
    from spacy.lang.pt.stop_words import STOP_WORDS as pt

    english = frozenset(en)
    return {"English": english, **{name: frozenset(words) - english for name, words in
                                   (("Spanish", es), ("French", fr), ("German", de), ("Italian", it), ("Portuguese", pt), ("Dutch", nl))}}


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
