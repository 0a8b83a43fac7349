"""When a patient's mention of an illness is no assertion of it yet.

The context rules (:mod:`matcher.nlp.context`) negate, date and attribute a mention by the
cues they know. What they did not read must not be taken as "has it": a criterion may fail
a patient only on a fact the text asserts, and a mention left unsettled here becomes a
question quoting the criterion instead (``Fact.uncertain``). A mention is unsettled when

* a result that is no positive one follows it in its clause, with only the mention, a list of
  conditions or words that gather them before it: "Tested for HIV, hep B, hep C and syphilis at
  the GP, every one of them negative", "HIV rapid + ELISA neg", "serologies within normal limits";
* what is written right after it does not know or does not say: "HIV status unknown", "HIV: N/K",
  "Epilepsy: not to my knowledge", "HIV done", a bare "no" ending the text;
* it is one of a list of results each followed by a spaced dash, the last dash ending the line or
  followed by a denial: "HIV - hepatitis B - hepatitis C - syphilis (RW) - no tuberculosis" (a dash
  that is a negative sign, or a separator: either way no assertion; "diabetes - asthma" is no such list;
  a dash alone as its answer, "VIH –, VHC –", is :func:`matcher.answers.dash_answer`'s);
* the words around it in its clause are mostly Arabic written in Latin letters, which matcher does not read:
  "Ma3ndi hta maladie f rassi, ma3mri tay7t wla jatni convulsion" ("I have never had a convulsion");
* the answer a form's field gives it, or the word written right after it, is in no language
  matcher reads: "HIV: nein", "Hepatitis C: tidak", "Hepatitis B - ikke påvist", "Syphilis: non
  réactif". English is what ``resources/lexicon/english_words.txt`` holds (the English word forms
  of spacy-lookups-data, the bundled records' words, the lexicon's, everyday answers such as "nope").
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from . import resources
from .spelling import english_words

# a result that is no positive one: negative, not known, or still to come
_NOT_POSITIVE = re.compile(
    r"\b(?:negative|neg|non-?reactive|not\s+(?:reactive|detected|found)|undetect(?:able|ed)|unremarkable|pending|"
    r"awaited|indeterminate|equivocal|inconclusive|within\s+normal\s+limits|wnl)\b|(?<![\w+])-ve\b|\(\s*[-−]\s*\)"
    # "came back clear", "all fine": only in these frames ("lung function is normal" says nothing of asthma)
    r"|\b(?:came|come|comes|coming)\s+back\s+(?:all\s+)?(?:clear|clean|fine|normal|ok|okay|good|nothing)\b"
    r"|\ball\s+(?:clear|clean|fine|normal|good|ok|okay)\b", re.I)
# a status not known, said of the mention itself: "HIV status unknown", "hep C: not known"
_NOT_KNOWN = re.compile(r"[ \t:,(–—-]*(?:(?:sero)?status|result|test(?:ed|ing)?|serology)?[ \t:,–—-]*"
                        r"(?:unknown|not\s+known|n/k|unsure|not\s+sure|never\s+(?:been\s+)?(?:tested|checked)|"
                        # an answer that does not know: "Epilepsy: not to my knowledge", "TB: don't think so"
                        r"don['’]?t\s+know|do\s+not\s+know|no\s+idea|not\s+to\s+my\s+knowledge|(?:i\s+)?don['’]?t\s+think\s+so|"
                        r"not\s+that\s+i\s+know(?:\s+of)?|"
                        # a test done, its result not given: "HIV done", "HIV sent 12/01"
                        r"(?:done|sent|drawn|taken|ordered|requested)(?=[ \t]*(?:[,;.)]|\d|$))|"
                        # a bare "no" that ends the text or its line: "Infections: HIV no, hepatitis B no"
                        r"(?:no|none|nil|neg)(?=[ \t]*(?:\n|$)))", re.I)
_SAID_POSITIVE = re.compile(r"(?<!non-)(?<!non)(?<!not )\b(?:positive|pos|reactive|detected|confirmed)\b|\+ve\b", re.I)
# something between the mention and that result that makes the mention asserted, or the result another's
_POSITIVE_BETWEEN = re.compile(
    r"\b(?:positive|pos|reactive|detected|confirmed|diagnos\w*|dx|since|treated|treatment|on|taking|takes|active|"
    r"flares?|stable|controlled|uncontrolled|chronic|but|except|apart|however|although|though|whereas)\b"
    # ("HIV rapid + ELISA neg": a "+" between two words joins them)
    r"|\+(?![ \t]+[A-Za-z])", re.I)
_CLAUSE_REACH = 160


def result_not_positive(text: str, start: int, end: int, clause_end: int,
                        others: Iterable[tuple[int, int, str]] = ()) -> bool:
    """Whether a result that is no positive one follows the mention at ``start:end`` in its clause
    (up to ``clause_end``), with no positive word in the mention ("HIV positive") or between, and
    no other entity than conditions (``others``: (start, end, label) of the text's other entities)
    nor another word that the result may belong to."""
    if _POSITIVE_BETWEEN.search(text, start, end):
        return False
    tail = text[end : min(clause_end, end + _CLAUSE_REACH)]
    if _NOT_KNOWN.match(text, end):
        return not _SAID_POSITIVE.search(tail)  # ("HIV done 2019, positive, on Biktarvy")
    found = _NOT_POSITIVE.search(tail)
    if found is None or _POSITIVE_BETWEEN.search(tail, 0, found.start()):
        return False
    others = list(others)
    if any(end <= start < end + found.start() and label != "CONDITION" for start, _, label in others):
        return False
    # the result belongs to what it follows: the mention, the last of a list of them, or words that gather
    # them ("every one of them negative", "came back fine", "status unknown"); not another thing named
    # between ("primary hyperparathyroidism, sestamibi pending")
    before = tail[: found.start()].rstrip(" \t:,;-–—(")
    if not before or any(e == end + len(before) for _, e, _ in others):
        return True
    last = _LAST_WORD.search(before)
    return last is not None and last.group().lower() in _GATHERING


_WORD = re.compile(r"[^\W_][\w'’-]*")
# a word of Arabic written in Latin letters, a digit standing for a letter between letters: "ma3ndi", "tay7t",
# "delwa2ty" (not "CD19", "HER2", "T2DM": names; nor "x2", "2nd", "5mg")
_ARABIZI = re.compile(r"[A-Za-z][a-z]*[235679][a-z]+")


def arabizi_text(text: str) -> bool:
    """Whether ``text`` holds two or more words of Arabic in Latin letters (read once per text, before any clause)."""
    found = 0
    for m in _ARABIZI_SEARCH.finditer(text):
        found += 1
        if found >= 2:
            return True
    return False


_ARABIZI_SEARCH = re.compile(r"(?<![\w'’-])" + _ARABIZI.pattern + r"(?![\w'’-])")


def unread_clause(text: str, start: int, end: int, mentions: bytearray) -> bool:
    """Whether most words of the clause ``text[start:end]``, outside the mentions (``mentions[i]`` set for each character
    of one), are words matcher cannot read (at least four such words, more than half of those with letters, two of them
    Arabic in Latin letters): whatever the clause says of its mentions, it says in words matcher does not know."""
    words = [m.group() for m in _WORD.finditer(text, start, end)
             if not mentions[m.start()] and any(ch.isalpha() for ch in m.group())]
    arabizi = sum(1 for w in words if _ARABIZI.fullmatch(w))
    if arabizi < 2:
        return False
    unread = sum(1 for w in words if _ARABIZI.fullmatch(w) or unread_word(w))
    # (a language with digits for letters, whose denials no rule knows; not French or Spanish, whose cues are read)
    return unread >= 4 and unread * 2 > len(words)


# a spaced dash after a mention (and the abbreviation of its test in brackets): "HIV - ", "syphilis (RW) -"
_DASH_AFTER = re.compile(r"(?:[ \t]*\([^()\n]{1,15}\))?[ \t]+[-–](?:[ \t]+|(?=[ \t]*(?:\n|$)))")
# ... that ends a list of them: the line's end, a denial, or punctuation
_DASHED_LIST_END = re.compile(r"[ \t]*(?:\n|$|[,;.]|(?:no|not|nil|none|never|neg)\b)", re.I)


def dashed_results(text: str, spans: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of the conditions at ``spans`` (start, end), those in a list of two or more each followed by a spaced dash, the
    last dash ending the line or followed by a denial ("HIV - hepatitis B - hepatitis C - syphilis (RW) - no
    tuberculosis"): results marked with dashes, or names parted by them, but no assertion of any of them. One pass
    over the mentions, in order (a text may hold thousands)."""
    out: set[tuple[int, int]] = set()
    run: list[tuple[int, int]] = []
    ordered = sorted(set(spans))
    for k, span in enumerate(ordered):
        dash = _DASH_AFTER.match(text, span[1])
        if dash is None:
            run = []
            continue
        run.append(span)
        if k + 1 < len(ordered) and dash.end() == ordered[k + 1][0]:
            continue  # the list goes on
        if len(run) >= 2 and _DASHED_LIST_END.match(text, dash.end()):
            out.update(run)
        run = []
    return out


_LAST_WORD = re.compile(r"[A-Za-z']+$")
_GATHERING = STOP_WORDS | {"back", "test", "tests", "testing", "tested", "screen", "screening", "screened", "serology",
                           "serologies", "result", "results", "status", "done", "checked", "everything", "both", "all",
                           # the test of the mention: "HIV rapid + ELISA neg", "HCV Ab and RNA negative"
                           "elisa", "eia", "clia", "pcr", "naat", "rapid", "antibody", "antibodies", "antigen", "ab", "ag",
                           "igg", "igm", "blot", "rna", "dna", "vl", "load", "titre", "titer", "poc", "serum"}




_LETTERS = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[a-zà-ɏ]+", re.I)


def unread_word(word: str) -> bool:
    """Whether ``word`` (as written, with its punctuation) is one matcher cannot read: letters
    outside the Latin script, or a Latin word that is no English one. A word with a digit, a sign
    before it or no letters ("1:640", "+ve", "+") is read as written."""
    if any(ch.isdigit() for ch in word) or word[:1] in "+-−±":  # "1:640", "+ve", "-ve": a value or a sign
        return False
    letters = _LETTERS.findall(word)
    if not letters:
        return False
    known = english_words()
    if not known:
        return False
    return any(not _LATIN.fullmatch(part) or part.lower() not in known for part in letters)


# the answer after a field's separator, or the words right after a mention on its line
_ANSWER = re.compile(r"[ \t]*(?:[:=?]|[-–—]{1,2}|\|)?[ \t]*(?P<first>[^\s,;.()]+)(?:[ \t]+(?P<second>[^\s,;.()]+))?")


def unread_answer(text: str, end: int) -> bool:
    """Whether what is written right after a mention ending at ``end`` ("HIV: nee", "Hepatitis C
    tidak", "Syphilis non réactif", "HIV 1/2 — отр.") holds a word matcher cannot read among its
    first two, on the same line, neither of them a word matcher reads as positive. A name with
    a capital ("Lupus Clinic Dr Mwangi") is a name and an abbreviation ("HCV RNA") a test, not an answer."""
    m = _ANSWER.match(text, end)
    if m is None:
        return False
    words = [m.group("first")]
    if m.group("second") and not any(ch.isdigit() for ch in words[0]):  # (after a number, its unit: "1400000 IU/mL")
        words.append(m.group("second"))
    if any(_POSITIVE_BETWEEN.fullmatch(w) for w in words):
        return False
    return any(unread_word(w) for w in words if not (w[:1].isupper() and w[1:2].islower()) and not _ACRONYM.fullmatch(w))


_ACRONYM = re.compile(r"[A-Z][A-Z0-9/+-]*")  # "HCV RNA 1.4 million", "HIV VL": a test's or a unit's abbreviation
