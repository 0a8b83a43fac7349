"""Where a patient lives, read from free text only when the text says so.

A place is read only after a cue, or as "City, ST" / "City, State":

1. a ZIP code after "ZIP", "zip code", "zipcode", "postal code", "postcode";
2. a place after a residence cue ("lives in texas", "I'm from Toronto",
   "based in Paris, France", "I live outside Boston"); lower case is fine;
3. "Houston, TX", "Columbus, Ohio", "Toronto, Canada" anywhere;
4. a place after a bare "in"/"near"/"from"/"outside" only when capitalised
   and unmistakable: a state or country, a city with its state or country, or
   a city of 100,000+ people whose name is no common word ("near Lyon").

Clinical phrasing is not a place: "in remission", "in March 2019", "in his
liver", "near-normal", "from the hospital", "in Stage IV", "diagnosed in
Boston", "New York Heart Association class III", "Ms. Lyon". The cue words
and exceptions are data: ``matcher/resources/geo/cues.json``.

Privacy: the text is only read, never logged or kept.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .names import name_key, read_resource
from .places import Match, Place, resolve, zip_place

__all__ = ["MAX_TEXT_CHARS", "place_in_text"]

CUES_FILE = "geo/cues.json"
MAX_TEXT_CHARS = 100_000  # longer text is read up to here
MAX_CUES = 400  # cue hits tried per kind of cue
WINDOW_CHARS = 90  # how far after a cue a place may run
MAX_WORDS = 7  # words of a place with its qualifiers ("Saint Paul, Minnesota, United States")
MAX_FILLERS = 3
_CUE_KEYS = {"_about", "strong", "weak", "not_after", "fillers", "stop_words", "not_before", "not_places",
             "common_words", "credentials", "weak_city_min_population"}
_CONNECTORS = frozenset({"de", "la", "le", "les", "del", "della", "di", "do", "da", "dos", "das", "du", "des",
                         "upon", "on", "am", "an", "im", "of", "sur", "en", "y", "the", "and"})
_ZIP_CUE = re.compile(
    r"(?<![\w-])(?:zip\s*-?\s*code|zip|zipcode|postal\s+code|post\s*code)\s*(?:is|:|#|no\.?|number)?\s*:?\s*"
    r"(\d{5})(?:-\d{4})?(?![\w-])",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[;:!?()\[\]{}\"\n\r\t|/]|\.(?!\w)")
_ABBREVIATION = re.compile(r"(?:\b(?:st|ste|mt|ft|pt)|(?:\b[a-z]\.)+[a-z])$", re.IGNORECASE)
_TOKEN = re.compile(r",|[^\s,]+")
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_CITY_STATE = re.compile(
    r"(?<![\w.'’-])([A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|la|del|do|da|du|upon|am|sur)){0,4})"
    r",\s*([A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,3})"
)


@dataclass(frozen=True)
class Cues:
    """The compiled cue rules of ``cues.json``."""

    strong: re.Pattern
    weak: re.Pattern
    not_after: frozenset[str]
    fillers: frozenset[str]
    stop_words: frozenset[str]
    not_before: frozenset[str]
    not_places: frozenset[str]
    common_words: frozenset[str]
    credentials: frozenset[str]
    weak_city_min_population: int


def _alternation(patterns: list[str]) -> re.Pattern:
    for p in patterns:
        re.compile(p)  # a bad pattern names itself
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(patterns) + r")(?=\s)", re.IGNORECASE)


@cache
def cues() -> Cues:
    """The cue rules, read and checked once (unknown or missing keys raise ValueError)."""
    data = json.loads(read_resource(CUES_FILE))
    if set(data) != _CUE_KEYS:
        raise ValueError(f"{CUES_FILE}: keys must be {sorted(_CUE_KEYS)}, not {sorted(data)}")
    lower = {k: frozenset(w.lower() for w in data[k]) for k in ("not_after", "fillers", "stop_words", "not_before")}
    return Cues(
        strong=_alternation(data["strong"]),
        weak=_alternation(data["weak"]),
        not_places=frozenset(name_key(w) for w in data["not_places"]),
        common_words=frozenset(name_key(w) for w in data["common_words"]),
        credentials=frozenset(data["credentials"]),
        weak_city_min_population=int(data["weak_city_min_population"]),
        **lower,
    )


def _window(text: str, start: int) -> str:
    """The text after a cue up to the end of its clause (a "." of "St." or "D.C." does not end it)."""
    window = text[start:start + WINDOW_CHARS]
    for m in _BOUNDARY.finditer(window):
        if m.group() == "." and _ABBREVIATION.search(window[:m.start()]):
            continue
        return window[:m.start()]
    return window


def _capitalised(span: str) -> bool:
    """Every word of the place (before a comma) starts with a capital, bar connectors ("Rio de Janeiro")."""
    head = span.split(",")[0]
    words = _WORD.findall(head)
    return bool(words) and words[0][0].isupper() and all(w[0].isupper() or w.lower() in _CONNECTORS for w in words)


def _acceptable(found: Match, span: str, strong: bool, c: Cues) -> bool:
    """Whether ``span``, read as ``found`` after a strong or weak cue, is where the patient lives."""
    place, key = found.place, name_key(span.split(",")[0])
    capital = _capitalised(span)
    first = key.split()[0] if key else ""
    if first in c.not_places:
        return False
    if place.kind == "zip":
        return strong
    if found.code and not found.qualified:
        return strong
    if not found.qualified and key in c.common_words:
        return strong and capital
    if place.kind in ("state", "country") or found.qualified:
        return strong or capital
    big = found.population >= c.weak_city_min_population
    if strong:
        return capital or big
    return capital and found.primary and big


def _words(window: str, c: Cues) -> list[re.Match]:
    """Tokens of a place: fillers skipped at the start, cut at a stop word."""
    tokens = list(_TOKEN.finditer(window))
    skipped = 0
    while tokens and skipped < MAX_FILLERS and tokens[0].group().lower() in c.fillers:
        tokens.pop(0)
        skipped += 1
    out: list[re.Match] = []
    for tok in tokens:
        if tok.group().lower() in c.stop_words or len(out) >= MAX_WORDS:
            break
        out.append(tok)
    return out


def _after(text: str, end: int) -> str:
    """The next word after ``end``, lower case."""
    m = re.match(r"[\s,]*([\w'’-]+)", text[end:end + 40])
    return m.group(1).lower() if m else ""


def _next_capitalised(window: str, end: int, c: Cues) -> bool:
    """Whether the word after ``end`` (same clause, no comma between) is capitalised: a longer name."""
    m = re.match(r"\s+([^\W\d_][\w'’-]*)", window[end:])
    if not m:
        return False
    word = m.group(1)
    return word[0].isupper() and word.lower() not in c.stop_words and word.lower() not in _CONNECTORS


def _read_place(text: str, start: int, strong: bool, c: Cues, shouting: bool = False) -> Place | None:
    window = _window(text, start)
    tokens = _words(window, c)
    if not strong and not shouting and (not tokens or not tokens[0].group()[:1].isupper()):
        return None  # after a bare "in"/"near" only a capitalised place is read ("in remission" is not)
    for k in range(len(tokens), 0, -1):
        last = tokens[k - 1]
        if last.group() == ",":
            continue
        if last.group().lower().endswith(("'s", "’s", "s'")):
            continue  # "Addison's", "Graves'": a person's name
        span = window[tokens[0].start():last.end()]
        if _after(window, last.end()) in c.not_before:
            continue
        if not strong and not shouting:
            head = span.split(",")[0]
            if _next_capitalised(window, last.end(), c) or (head.isupper() and len(head) > 3):
                continue  # "in the Rochester Family Heart Study", "the GENOA study"
        found = resolve(span)
        if found is not None:
            # the longest reading is the one meant: if it is not acceptable, nothing shorter is
            return found.place if _acceptable(found, span, strong, c) else None
    return None


def _previous_word(text: str, start: int) -> str:
    m = re.search(r"([\w'’-]+)[\s,]*$", text[max(0, start - 40):start])
    return m.group(1).lower() if m else ""


def _first(matches: Iterator[re.Match]) -> Iterator[re.Match]:
    for n, m in enumerate(matches):
        if n >= MAX_CUES:
            return
        yield m


def _city_state(text: str, c: Cues) -> Place | None:
    """"Houston, TX", "Columbus, Ohio", "Toronto, Canada" without a cue."""
    for m in _first(_CITY_STATE.finditer(text)):
        city_words = m.group(1).split()
        if city_words[-1].lower().endswith(("'s", "’s")):
            continue
        qualifiers = list(re.finditer(r"\S+", m.group(2)))
        for i in range(len(city_words)):
            city = " ".join(city_words[i:])
            words = name_key(city).split()
            if not words or words[0] in c.not_places:
                continue
            for j in range(len(qualifiers), 0, -1):
                qualifier = m.group(2)[:qualifiers[j - 1].end()]
                if _after(text, m.start(2) + qualifiers[j - 1].end()) in c.not_before:
                    continue
                found = resolve(f"{city}, {qualifier}")
                if found is None or found.place.kind != "city":
                    continue
                if qualifier.rstrip(".") in c.credentials and found.population < c.weak_city_min_population:
                    continue  # "John Smith, MD"
                return found.place
    return None


def place_in_text(text: str) -> Place | None:
    """Where the patient lives, when ``text`` says so; else None.

    Tried in this order, the first found wins: a ZIP code after a ZIP cue; a
    place after a residence cue ("lives in", "living in", "based in",
    "located in", "resident of", "I'm in", "from" after "I am"/"is"); "City,
    ST" or "City, State/Country"; a capitalised, unmistakable place after
    "in", "near", "from", "outside". Never raises; reads at most the first
    100,000 characters. UK and other non-US postcodes are not read (no data).
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text[:MAX_TEXT_CHARS]
    c = cues()
    for m in _first(_ZIP_CUE.finditer(text)):
        place = zip_place(m.group(1))
        if place is not None:
            return place
    for m in _first(c.strong.finditer(text)):
        place = _read_place(text, m.end(), True, c)
        if place is not None:
            return place
    place = _city_state(text, c)
    if place is not None:
        return place
    shouting = text.isupper()
    for m in _first(c.weak.finditer(text)):
        if _previous_word(text, m.start()) in c.not_after:
            continue
        place = _read_place(text, m.end(), False, c, shouting)
        if place is not None:
            return place
    return None
