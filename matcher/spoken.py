"""Patient text as people say it, rewritten the way the readers expect it.

Dictated notes and messages spell numbers out ("hemoglobin eleven point two",
"platelets one hundred sixty eight thousand", "fifty two year old male") and,
when dictated, their punctuation too ("... comma ... period new paragraph"); typed in a hurry,
they drop the apostrophe of a negation ("I dont take hydroxyurea").
Read word by word, "eleven point two" gave a hemoglobin of 2 g/dL, and a
whole dictation was one sentence for negation to run over. Numbers of more
than one word, decimals and numbers from three up become digits (text2num's
``alpha2digit``; "one", "two", "no one", "one of", "at one point" are left as
they are); a text that dictates its punctuation gets it written; Indian
counts in lakhs ("platelets 1.6 lakh") become plain numbers; an arrow typed between numbers
("8.1 -> 9.4") is an arrow, not a comparator.
"""
from __future__ import annotations

import re
import unicodedata

from text_to_num import alpha2digit

from .units import INDIAN_GROUPED, bare_decimal_points

# said punctuation, taken as such only in a text that says it often (a dictation):
# elsewhere "period" is a menstrual period and "colon" an organ
_SAID_PUNCTUATION = [
    (re.compile(r"\s*\bnew\s+(?:paragraph|line)\b\.?", re.I), "\n"),
    (re.compile(r"\s*\b(?:period|full\s+stop)\b(?!\s+(?:of|was|is|came|started|late|every|pain|cramps?))", re.I), "."),
    (re.compile(r"\s*\bcomma\b", re.I), ","),
    (re.compile(r"\s*\bcolon\b(?!\s+(?:cancer|carcinoma|polyps?|resection|biopsy|mass|tumou?r|wall|and\s+rectum))", re.I), ":"),
]
_DICTATION_CUES = re.compile(r"(?=[cpnf])\b(?:comma|period|new\s+paragraph|full\s+stop)\b", re.I)
_LAKH = re.compile(r"(?=\d)\b(\d+(?:\.\d+)?)\s*(lakhs?|lacs?|crores?)\b", re.I)
# "hemoglobin 10,8 gram per deci", "creatinine 1.1 milligrams per decilitre": a unit said, not written
_SAID_PER_DL = re.compile(r"\b(gram|grams|milligram|milligrams|microgram|micrograms)\s+per\s+deci(?:lit(?:er|re)s?)?\b", re.I)
_SAID_UNIT = {"gram": "g/dL", "grams": "g/dL", "milligram": "mg/dL", "milligrams": "mg/dL", "microgram": "µg/dL", "micrograms": "µg/dL"}
# "Plt 14.8 man/uL": the Japanese ten-thousand (万) written in letters, before a count's unit
_MAN_SCALED = re.compile(r"(?=\d)\b(\d+(?:\.\d+)?)\s*(man)\s*(?=/\s*(?:[uµμ]l|mm3|mm³|cumm)\b)", re.I)
# "Platelets 1,65,000/cumm": digits grouped the Indian way (lakhs, then hundreds)
_INDIAN_GROUPS = re.compile(r"(?<![\d,.])" + INDIAN_GROUPED + r"(?!\d|,\d)")
# "HCV RNA 1.4 million IU/mL": digits with a scale word, which alpha2digit would leave as "1.4 1000000"
_SCALED = re.compile(r"(?=\d)\b(\d+(?:\.\d+)?)\s*(thousand|million|billion)\b", re.I)
# "PLT 6.2万/μL", "15.6萬/μL", "혈소판 17.2만" (Japanese, Chinese and Korean lab sheets): a count in ten-thousands
# (a hundred million: 億, 亿, 억)
_CJK_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*([万萬億亿만억])")
_FACTOR = {"man": 10_000, "万": 10_000, "萬": 10_000, "億": 100_000_000, "亿": 100_000_000, "만": 10_000, "억": 100_000_000, "lakh": 100_000, "lac": 100_000, "crore": 10_000_000, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# "nineteen seventy two", "twenty twenty two": a year said in two halves, which alpha2digit leaves as "19 72"
# "冇stroke", "没有HIV", "HIV阴性": a Chinese denial or result written against a Latin name, read as two words (only
# these: "抗HBc" is one name)
_CJK_DENIAL = re.compile(r"(冇|没有|沒有|无|無|否认|否認)(?=[A-Za-z])")
_CJK_RESULT = re.compile(r"(?<=[A-Za-z0-9+])(?=均?[阴陰阳陽]性)")
# "viral load 62 000 copies/ml", "plaquettes 250 000/mm3", "CD4 1 020 cells": thousands grouped by a space (as in
# French, Polish, Russian and SI style), before a count's unit (not "2 250 mg", two doses, nor "CD4 312 cells": a
# number glued to a name), written with commas
_SPACED_THOUSANDS = re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d.,]?\d)"
                               r"(?=\s*(?:copies|copy|cop\b|cp\b|c/|cells?\b|/\s*(?:mm|[uµμ]l|mcl|cumm|ml)|iu\b|ui\b|"
                               r"kopi|копи|клет))", re.I)
# said numbers a speech-to-text writes as heard: a decimal comma ("white cells two comma nine", as South Africans and
# Europeans say it) and a number said digit by digit ("platelets one eight zero", "one zero two grams per litre";
# three or four digits, not "five six times", a range)
_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9"}
_DIGIT_NAMES = "zero|one|two|three|four|five|six|seven|eight|nine"
_DIGIT_WORD = f"(?:{_DIGIT_NAMES})"
_SAID_DECIMAL_COMMA = re.compile(rf"\b({_DIGIT_WORD}|ten|\d{{1,3}})[ \t]+comma[ \t]+({_DIGIT_WORD}|\d)\b(?![ \t]+{_DIGIT_WORD}\b)", re.I)
_SAID_DIGITS = re.compile(rf"\b{_DIGIT_WORD}(?:[ \t]+(?:{_DIGIT_WORD}|oh))+\b(?![ \t]+(?:point|comma)\b)", re.I)
# ... hundreds said without "hundred" ("platelets one sixty", "one twenty five"; not a time: "at one thirty", "one
# fifteen pm"; nor the end of a longer number: "nineteen seventy two fifty two year old") and "four" heard as "for" before a decimal ("white cells for point two")
_TENS_WORD = "(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_SAID_HUNDREDS = re.compile(rf"(?<!\bat )(?<!\bby )(?<!\buntil )(?<!\btill )(?<!ty )(?<!ty-)(?<!teen )(?<!hundred )(?<!thousand )(?<!and )\b({_DIGIT_NAMES})[ \t]+({_TENS_WORD}(?:[ \t-]{_DIGIT_WORD})?)\b"
                            rf"(?![ \t]*(?:am|pm|a\.m|p\.m|o['’]?clock|hours?|hrs?|in\s+the|at\s+night|tonight|tomorrow|today)\b)"
                            rf"(?![ \t]+(?:{_DIGIT_WORD}|{_TENS_WORD}|hundred|thousand)\b)", re.I)
_FOR_FOUR = re.compile(rf"\bfor([ \t]+point[ \t]+{_DIGIT_WORD})\b", re.I)
# "platelets one lakh twenty thousand", "1 lakh 20000": lakhs and the thousands after them, one number
# (the thousands as alpha2digit writes them, "20000", or said in Hindi: "1 lakh 40 hazar")
_LAKH_AND = re.compile(r"(?=\d)\b(\d+(?:\.\d+)?)[ \t]*(lakhs?|lacs?)[ \t]+(?:and[ \t]+)?(?:(\d{4,5})|(\d{1,2})[ \t]*(?:hazar|hajar|thousand))\b",
                       re.I)
_SPLIT_YEAR = re.compile(r"(?=[12])\b(19|20)\s(\d{2})\b(?!\s*(?:%|mg|g/|x|×|/))")


def _lakhs(m: re.Match) -> str:
    value = float(m.group(1)) * _FACTOR[m.group(2).lower().rstrip("s")]
    return f"{value:.0f}"


# words written as said, their last letters dropped (Scots, Northern English, Irish): "HIV an' hepatitis an' that were a'
# negative", "a bottle o' pills", "wi' the tablets"
_ELIDED = re.compile(r"(?<![\w'’])(an|a|o|wi)['’](?![\w'’])", re.I)
_ELIDED_WORD = {"an": "and", "a": "all", "o": "of", "wi": "with"}
# negations typed without their apostrophe ("I dont take hydroxyurea"); "cant" and "wont" are words too, left alone
_NO_APOSTROPHE = re.compile(r"(?=[dhiwacs])\b(do|does|did|have|has|had|is|was|are|were|could|would|should)nt\b", re.I)


def _unaccented(text: str) -> str:
    """Latin letters without their accents ("carcinoma in situ of cérvix", "lúes", "Sjögren"), as the
    lexicons write them; other characters (µ, °, ×, ≥) as they are. A short capitalised abbreviation
    keeps them: "učitelka v MŠ" (a kindergarten) is no "MS", multiple sclerosis."""
    if text.isascii():
        return text
    kept = {m.start() + i for m in _ACCENTED_ABBREVIATION.finditer(text) for i in range(len(m.group()))}
    out = []
    for i, ch in enumerate(text):
        if ord(ch) < 128 or not ch.isalpha() or i in kept:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)
        stripped = "".join(c for c in base if unicodedata.category(c) != "Mn")
        out.append(stripped if stripped.isascii() and stripped else ch)
    return "".join(out)


# an abbreviation of capitals, one of them accented: "MŠ", "ČR", "ÚZIS" (not a capitalised word: "Émile")
_ACCENTED_ABBREVIATION = re.compile(r"\b(?=[A-Z]*[À-ÖØ-ÞĀ-Ž])(?:[A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ]){2,5}\b")


# a smart-phrase's sign before a finding, written against it ("(-)seizures", "(+)rash"): a sign and a word
_SIGN_BRACKET = re.compile(r"\(([-–−+])\)(?=\w)")
# a trend written with a typed arrow between numbers ("Hb 8.1 -> 9.4 -> 10.2"): an arrow, not "> 9.4"
_TYPED_ARROW = re.compile(r"(?<=[\w)%])\s*(?=[-=])(?:-+>|=+>)\s*(?=\d)")
_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])")
_CELL_COMMA = re.compile(r",(?=[^\s\d])")

# a scanned or faxed text's "0" for "o" in words ("n0 seizures", "SLEDAI 0n 12/01", "c0mpleted")
# ("9:00pm", ":00h" are times, not words)
_OCR_ZERO_WORD = re.compile(r"\b(?=[a-z0]*[a-z])(?=[a-z0]*0)(?!0+(?:am|pm|h|hrs?|mg|mcg|ml|g|kg|k|mm|cm|m|s|x|pts?)\b)[a-z0]{2,}\b")


def _ocr_zeros(text: str) -> str:
    words = _OCR_ZERO_WORD.findall(text)
    if len(words) < 3:  # a fax read by OCR does it throughout; one such word is a code
        return text
    return _OCR_ZERO_WORD.sub(lambda m: m.group(0).replace("0", "o"), text)


def written(text: str) -> str:
    """``text`` with spoken numbers, dictated punctuation, lakhs, decimal commas, apostrophe-less
    negations and accented Latin letters written as readers expect."""
    text = _unaccented(_NO_APOSTROPHE.sub(lambda m: m.group(1) + "n't", _ocr_zeros(text)))
    if "'" in text or "’" in text:
        text = _ELIDED.sub(lambda m: _ELIDED_WORD[m.group(1).lower()], text)
    # an export's cells and field names: "lab,HIV_Ag_Ab,nonreactive,,2026-11-19" reads as words and cells
    if ">" in text:
        text = _TYPED_ARROW.sub(" → ", text)
    text = bare_decimal_points(_SIGN_BRACKET.sub(r"(\1) ", text))
    if "_" in text:
        text = _UNDERSCORE.sub(" ", text)
    text = _CELL_COMMA.sub(", ", text)
    if len(_DICTATION_CUES.findall(text)) >= 3:
        for pattern, mark in _SAID_PUNCTUATION:
            text = pattern.sub(mark, text)
    text = _SCALED.sub(_lakhs, text)
    if not text.isascii():
        text = _CJK_RESULT.sub(" ", _CJK_DENIAL.sub(r"\1 ", _CJK_SCALED.sub(_lakhs, text)))
    if " " in text or not text.isascii():
        text = _SPACED_THOUSANDS.sub(lambda m: re.sub(r"\D+", ",", m.group(0)), text)
    if "man" in text:
        text = _MAN_SCALED.sub(_lakhs, text)
    if "deci" in text:
        text = _SAID_PER_DL.sub(lambda m: _SAID_UNIT[m.group(1).lower()], text)
    if "comma" in text:
        text = _SAID_DECIMAL_COMMA.sub(lambda m: f"{m.group(1)} point {m.group(2)}", text)
    if "point" in text:
        text = _FOR_FOUR.sub(r"four\1", text)
    if any(ch.isalpha() for ch in text):
        text = _SAID_HUNDREDS.sub(lambda m: m.group(1) + " hundred " + m.group(2), text)
        text = _SAID_DIGITS.sub(lambda m: "".join(_DIGIT_WORDS[w.lower()] for w in m.group(0).split())
                                if 3 <= len(m.group(0).split()) <= 4 else m.group(0), text)
        converted = alpha2digit(text, "en")
        # join "19 72" only when alpha2digit made it, not when the writer wrote such a pair
        text = converted if _SPLIT_YEAR.search(text) else _SPLIT_YEAR.sub(r"\1\2", converted)
    if "," in text:
        text = _INDIAN_GROUPS.sub(lambda m: m.group(0).replace(",", ""), text)
    if "la" in text:
        text = re.sub(r"\bone[ \t]+(lakhs?|lacs?)\b", r"1 \1", text, flags=re.I)  # ("one" alone is left as a word)
        text = _LAKH_AND.sub(lambda m: f"{float(m.group(1)) * _FACTOR['lakh'] + (int(m.group(3)) if m.group(3) else int(m.group(4)) * 1000):.0f}",
                             text)
    return _LAKH.sub(_lakhs, text)
