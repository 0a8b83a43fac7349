"""Acronyms a lexicon match should not be read as, given the text around them.

Two ways of writing turned lexicon acronyms into diagnoses the writer never meant:

- **An acronym the text defines as something else.** A query log that writes
  "Medical Monitor (MM)" and then "MM: Closed." does not speak of multiple myeloma.
  A definition is a run of capitalised words whose initials spell the bracketed
  acronym (the Schwartz-Hearst pattern, short form after long form); when the long
  form is not itself a match of the acronym's concept and shares no word with its
  name, the acronym means that long form everywhere in the text ("Mini Mental State
  Exam (MMSE)" is the MMSE).
- **An acronym that is an ordinary word, in a line written in capitals.** In
  "HEP B, HEP C AND HIV TESTS NEGATIVE" or "I WANT TO DO THIS. ALL THE BEST", "ALL"
  is the word all, not acute lymphoblastic leukaemia: in a line of capitals, a
  one-token match that is an English stop word ("ALL", "AS", "IT", "MAY") says
  nothing. The same acronym in a line of mixed case ("ALL in remission") is kept.
- **A title.** "DEAR MS KOWALCZYK", "Re: MS Jones": after a salutation, "MS" is Ms.
- **A person.** "per CRC: SLEDAI-2K 11", "CRC said the labs are fine", "messages ... to CRC", "Dear
  CRC,", "Ms. Fujita (CRC)": an acronym the text uses for someone who says or does things, for whom a
  message is, or for a named person's role (a clinical research coordinator, not colorectal cancer)
  means that person everywhere in the text ("English working copy for CRC").
- **An ECG finding.** "ST depression V4-V6", "ST-segment depression", "PR depression": a
  segment of the tracing, not the mood disorder.
- **A heading in capitals.** "NHS TRUST - HAND & UPPER LIMB SURGERY", "HEARING AIDS AND
  MOBILITY EQUIPMENT": in a line of capital words with no list or field in it (no colon,
  comma, semicolon or digit), an acronym that is also an English word is the word. A line
  that lists ("PMH: CAD, HTN, DM2") keeps it.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc
from .tokenizer import doc_text

# "Medical Monitor (MM)", "Immunocompromised Host (ICH)": the long form's words, then the acronym in brackets
_DEFINED = re.compile(r"((?:[A-Z][\w'-]*\s+){1,7})\(\s*([A-Z][A-Za-z]{1,6})\s*\)")
_TITLES = {"MS", "MR", "MRS", "DR"}
_ECG_BEFORE = re.compile(r"(?-i:\bST|\bPR|\bJ[- ]point)(?:[- ]segments?)?[- ]$|\b(?:ST|PR)[- ]segments?\s$", re.I)
# an acronym as a person: the source of what is said ("per CRC:", "(per CRC)"; not "per CKD stage"), or the subject of
# a verb only a person does ("CRC said", "CRC will phone"; not "HIV confirmed by ELISA")
_PERSON_USE = re.compile(r"(?-i:\bper\s+(?:the\s+)?([A-Z]{2,5})\b)(?=\s*(?:[:,.;)\n]|$))|(?-i:\b([A-Z]{2,5}))\s+(?:said|says|told|"
                         r"phoned|e-?mailed|explained|will\s+(?:call|phone|e-?mail|send|book|arrange))\b"
                         # ... or whom a message is for: "voice messages from patient's aunt to CRC", "Dear CRC", "Attn: CRC"
                         # (not "CC: SLE, refractory": a note's chief complaint)
                         r"|\b(?:messages?|e-?mails?|letter|note|fax|reply|replied|sent|forwarded|written|wrote)\s+(?:[\w'’-]+\s+){0,4}?"
                         r"to\s+(?:the\s+)?(?:study\s+|trial\s+|site\s+)?(?-i:([A-Z]{2,5}))\b(?=\s*(?:[:,.;)\]\n]|$))"
                         r"|(?-i:\b(?:Dear|Hi|Hello|Attn|ATTN)\s*:?\s+(?:the\s+)?([A-Z]{2,5}))\b(?=\s*(?:[:,.;)\]\n]|$))"
                         # ... or the role in brackets after a person's title and name: "Dear Ms. Fujita (CRC),", or after the
                         # name of whom a message is for or from: "attn Josh (CRC)", "cc: Anna Berg (CRN)"
                         r"|(?-i:\b(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sr|Sra)\.?|(?i:attn|attention|cc|from|to)\s*:?)\s+[A-Z][\w'’-]+"
                         r"(?:\s+[A-Z][\w'’-]+)?\s*\(\s*([A-Z]{2,5})\s*\))",
                         re.I)
_ACRONYM_SHAPE = re.compile(r"[A-Z]{2,5}")
_BEFORE_TITLE = {"dear", "to", "re", "attn", "cc", "patient", "pt", "name", "client"}


def _after_salutation(doc: Doc, i: int) -> bool:
    """Token ``i`` follows a salutation or an addressee's field: "Dear MS", "Re: MS", "Patient: MS"."""
    j = i - 1
    if j >= 0 and doc[j].text == ":":
        j -= 1
    return j >= 0 and doc[j].lower_ in _BEFORE_TITLE
# the lexicon's case-sensitive acronyms of three letters or more that are English words (in SCOWL's
# american-english list, Debian wamerican 2020.12.07); tests/test_unseen_classes.py keeps it in step with the lexicon
WORD_ACRONYMS = frozenset("AIDS ART CAD CART CHOP CIS CUP FIB GIST GOT HAND HIT LAMA MASH PAD PRES".split())
_HEADING_MARKS = re.compile(r"[:,;\d]")
_CAPITALS_SHARE = 0.8  # of a line's letters, for it to be written in capitals
_CAPITALS_LETTERS = 12  # ... and at least this many letters ("NAD", "SLE:" are not such lines)


def _defined_elsewhere(text: str) -> dict[str, tuple[int, int]]:
    """Acronym -> (start, end) of the long form it is defined as in ``text``."""
    out: dict[str, tuple[int, int]] = {}
    for m in _DEFINED.finditer(text):
        acronym = m.group(2)
        if not acronym.isupper():
            continue
        words = list(re.finditer(r"\S+", m.group(1)))[-len(acronym):]
        if len(words) != len(acronym) or "".join(w.group()[0] for w in words).upper() != acronym:
            continue
        out.setdefault(acronym, (m.start(1) + words[0].start(), m.start(1) + words[-1].end()))
    return out


def _capitals_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``text`` written in capitals."""
    out, at = [], 0
    least = _CAPITALS_SHARE * _CAPITALS_LETTERS  # capitals such a line has at the least
    if sum(map(str.isupper, text)) < least:  # (most criteria: a cheap count spares the pass over each line)
        return out
    for line in text.split("\n"):
        if sum(map(str.isupper, line)) < least:
            at += len(line) + 1
            continue
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= _CAPITALS_LETTERS and sum(c.isupper() for c in letters) >= _CAPITALS_SHARE * len(letters):
            out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def _heading(line: str) -> bool:
    """A line of capitals that names, not says: no field or list marks, and no words of a sentence ("HE HAS
    HIV/AIDS AND CAD" says; "NHS TRUST - HAND & UPPER LIMB SURGERY" names)."""
    words = re.findall(r"[A-Za-z]+", line)
    return (len(words) >= 3 and not _HEADING_MARKS.search(line)
            and all(w.lower() not in STOP_WORDS or w.lower() in ("and", "the", "for") for w in words))


def _names_it(long_form: str, acronym: str, concept: str | None) -> bool:
    """Whether ``long_form`` may be a name of ``concept``: the concept is named by the acronym itself
    ("mmse": "Mini Mental State Exam (MMSE)"), or the two share a word ("Multiple Myeloma", "multiple
    myeloma"). "Medical Monitor" and multiple myeloma share none."""
    if concept is None or re.sub(r"[^a-z0-9]", "", concept.lower()) == acronym.lower():
        return True
    words = {w for w in re.findall(r"[a-z]{4,}", concept.lower())}
    return not words or bool(words & set(re.findall(r"[a-z]{4,}", long_form.lower())))


# "RA" for room air: after a saturation ("94% RA", "SpO2 96% on RA", "sats 95 at RA"), or before a blood gas
_AIR_BEFORE = re.compile(r"(?:\d\s*%|\b(?:sats?|spo2|sao2|o2\s*sats?|saturation|saturating|satting)(?:\s*(?:of\s*)?\d{2,3}\s*%?)?)"
                         r"\s*(?:on|at|in|@|,)?\s*$", re.I)
_GAS_AFTER = re.compile(r"\s*(?:(?i:blood\s+)?(?i:gas(?:es)?)\b|ABG|VBG)")

# a word that makes the one before it part of an organ's name: "lymph" (a short name of the lymphocyte
# count) in "lymph nodes", "lymph-node"
_NODE_AFTER = re.compile(r"[ \t-]*(?:nodes?|nodal)\b", re.I)


def drop_misread(doc: Doc, matches: list[tuple[int, int, int]], concept_of: Callable[[int], str | None]) -> list[tuple[int, int, int]]:
    """``matches`` (key, start token, end token) without those of acronyms that mean
    something else in ``doc``: defined as another long form, or a stop word in a line
    of capitals. ``concept_of`` gives a match key's concept."""
    text = doc_text(doc)
    if "epression" in text or "EPRESSION" in text:  # "ST depression V4-V6": a tracing's segment
        matches = [(key, start, end) for key, start, end in matches
                   if not (doc[start].lower_ in ("depression", "depressions")
                           and _ECG_BEFORE.search(text, max(0, doc[start].idx - 16), doc[start].idx))]
    if "RA" in text:  # "Sats 94% RA", "SpO2 96% on RA", "RA gas this AM": room air, not rheumatoid arthritis
        matches = [(key, start, end) for key, start, end in matches
                   if not (end - start == 1 and doc[start].text == "RA" and (
                       _AIR_BEFORE.search(text, max(0, doc[start].idx - 24), doc[start].idx)
                       or _GAS_AFTER.match(text, doc[start].idx + 2)))]
    if "node" in text or "NODE" in text or "Node" in text:  # "lymph nodes 0/7", "4 positive lymph nodes": an organ
        matches = [(key, start, end) for key, start, end in matches
                   if not (end - start == 1 and _NODE_AFTER.match(text, doc[start].idx + len(doc[start].text)))]
    if not any(c.isupper() for c in text):
        return matches
    defined = _defined_elsewhere(text) if "(" in text else {}
    capitals = _capitals_lines(text)
    # (a person's acronym is two to five capitals: a text whose one-word matches have none such needs no scan)
    people = ({next(g for g in m.groups() if g) for m in _PERSON_USE.finditer(text)}
              if any(end - start == 1 and _ACRONYM_SHAPE.fullmatch(doc[start].text) for _, start, end in matches) else set())
    if not defined and not capitals and not people \
            and not any(doc[start].text in _TITLES for _, start, end in matches if end - start == 1):
        return matches
    redefined = set(people)
    for acronym, (lo, hi) in defined.items():
        keys = {key for key, start, end in matches if end - start == 1 and doc[start].text == acronym}
        long_form = {key for key, start, end in matches if doc[start].idx >= lo and doc[end - 1].idx < hi}
        if keys and not keys & long_form and not any(_names_it(text[lo:hi], acronym, concept_of(key)) for key in keys):
            redefined.add(acronym)
    out = []
    for key, start, end in matches:
        if end - start == 1:
            token = doc[start]
            if token.text in redefined:
                continue
            if token.text in _TITLES and _after_salutation(doc, start):
                continue  # "DEAR MS KOWALCZYK", "Re: MS J. Adeyemi": a title, not multiple sclerosis
            if token.is_upper and token.text.lower() in STOP_WORDS and any(lo <= token.idx < hi for lo, hi in capitals):
                continue
            if token.text in WORD_ACRONYMS and any(lo <= token.idx < hi and _heading(text[lo:hi]) for lo, hi in capitals):
                continue
        out.append((key, start, end))
    return out
