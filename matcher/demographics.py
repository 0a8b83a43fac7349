"""Age and sex of the person a text describes, in the ways people write them.

"A 58-year-old woman", "45 yo M", "52F", "my dad is 67", "she's 71", "I'm 47",
"aged 8", "age 3 months", "a woman in her sixties" (approximate). Numbers that
are doses, durations or past ages ("60 mg", "for 20 years", "since age 12")
are not ages. Sex comes from the person described: their nouns, the relation
word a caregiver uses ("my dad", "my wife"), or their pronouns; never from a
relative named in a family history ("her mother had breast cancer").
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from .nlp.alternation import factored

# not a value ("now 1.9", "is 1,500") nor an amount ("now 5 mg")
_UNITS_AFTER = (r"(?![.,]\d)(?!\s*(?:mg|mcg|g\b|kg|lb|lbs|cm|mm|ml|%|percent|times|x\b|units?|pounds|points|/|weeks?\s+(?:ago|pregnant)|days|hours))"
                r"(?!\s*(?::\d|[ap]\.?m\b|o['’]?clock))"  # "Thanksgiving @ Mom's / 9:00pm": a clock time, not an age
                r"(?!\s*(?:['’′]\s*\d|ft\b|feet|foot))")  # "he's 6'2\"": a height
_NOT_NOW = r"(?<!since )(?<!at )(?<!from )(?<!until )(?<!before )(?<!after )(?<!by )(?<!of )(?<!when )"
_YEARS = r"(?:years?|yrs?|y)"
_FOREIGN_YEARS = r"(?:anos|años|ans|jahre|jaar|anni|år|lat|let|rokov|tahun|yaş|éves)"
# (each also as read, without its accents: matcher.spoken writes "féminin" as "feminin")
_SEX_WORDS = factored((r"feminino|feminina|masculino|femenino|f[ée]minin|f[ée]minine|masculin|weiblich|m[äa]nnlich|vrouw|"
                       r"vrouwelijk|mannelijk|femmina|maschio|femme|homme|mujer|hombre|mulher|homem|"
                       # ... and the English words a translated header keeps: "57 ans, male"
                       r"male|female|man|woman").split("|"))
# (factored by first letter, matcher.nlp.alternation: each pattern that opens on the list tried it at every character)
_PERSON = "(?:" + factored(r"i|he|she|they|patient|pt|man|woman|boy|girl|child|son|daughter|dad|father|mom|mum|mother|husband|"
                           r"wife|brother|sister|grandma|grandmother|grandpa|grandfather|partner|baby|infant|friend|uncle|"
                           r"aunt".split("|")) + ")"
# "my 3-year-old son", "a 4 month old": the writer's child, not the person described
_NOT_RELATIVE = r"(?<!\bmy )(?<!\bour )(?<!\bher )(?<!\bhis )"  # (whole words: "this 71-year-old lady" is the patient)
# "breastfeeding her 5-month-old": the child of the person described, not that person
_NOT_THIRDS = r"(?<!\bher )(?<!\bhis )(?<!\btheir )"
# ... nor a thing's age: "my discharge summary from last year ... it is 1 year old"
_NOT_A_THING = r"(?<!\bit is )(?<!\bit's )(?<!\bit’s )(?<!\bit was )(?<!\bwhich is )"
# words that may stand between "my" and a relation: "my little sister Mel (29)", "her little boy Finn"
_KIN_ADJ = (r"(?:(?:little|baby|big|older|younger|eldest|oldest|youngest|elder|twin|only|first|second|third|"
            r"step|teenage|adult|grown|dear|beloved)\s+){0,2}")
_NOT_THEIRS = r"(?![\s-]+(?:son|daughter|child|kid|baby|grandson|granddaughter|grandchild|brother|sister|niece|nephew)\b)"
# "Age: 58", "aged 8", "Age today 3 months": a label an age follows
_AGE_LABEL = r"\bage[ds]?(?:\s+(?:today|now|on\s+visit|at\s+(?:this\s+)?visit))?\s*:?\s*"
# a date of birth labelled in the writer's language: "nasc. 19/06/1978", "né le 3/4/1960", "geb. 12.05.1955"
_BIRTH_LABELS = (r"nasc\.?:?|nac\.?:?|nar\.:?|narozena?:?|n[ée]e?\s+le|geb\.?:?|geboren(?:\s+am)?|data\s+de\s+nascimento\s*:?|fecha\s+de\s+nacimiento\s*:?|"
                 r"date\s+de\s+naissance\s*:?|geburtsdatum\s*:?|geboortedatum\s*:?")
# (pattern, unit factor); the first pattern that matches wins
_AGE_PATTERNS: list[tuple[re.Pattern, float]] = [
    # ("(?<![\d.])": not the decimals of "0.29 years old")
    (re.compile(r"(?=\d)" + _NOT_RELATIVE + _NOT_A_THING + r"(?<![\d.])\b(\d{1,3}(?:\.\d{1,2})?)[\s-]*" + _YEARS + r"[\s-]*(?:old|of age)\b" + _NOT_THEIRS, re.I), 1.0),
    (re.compile(r"(?=\d)" + _NOT_RELATIVE + r"\b(\d{1,2})[\s-]*(?:months?|mos?)[\s-]*old\b" + _NOT_THEIRS, re.I), 1 / 12),
    # the age in brackets after a date of birth: "née le 22/06/1985 (41 ans)", "DOB 03/02/1961 (65 yrs)"
    (re.compile(r"\b(?:born|b\.|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|" + _BIRTH_LABELS + r")[^()\n]{0,25}?(?:19|20)\d\d"
                r"\s*\(\s*(\d{1,3})\s*(?:" + _YEARS + r"|" + _FOREIGN_YEARS + r"|years?\s+old)?\.?\s*\)", re.I), 1.0),
    # ... or after a comma: "DOB 02-05-1968, 58 yrs.", "geb. 11.04.1992, 34 years", "born H20.9.14 (2008), 18 y."
    # (not "(DOB 17 APR 1997), 92Y Unit Supply Specialist", a military job code)
    (re.compile(r"\b(?:born|b\.|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|" + _BIRTH_LABELS + r")[^\n]{0,25}?(?:19|20)\d\d\)?"
                r"\s*[,;]\s*(\d{1,3})\s*(?:(?i:years?(?:\s+old)?|yrs?)\b|(?-i:y)\b)\.?(?=\s*(?:[.,;)\n]|$|(?-i:[a-z])))", re.I), 1.0),
    # an age in the writer's language before the date of birth: "27 anos (DN 09/03/1999)", "33 años (02/07/1993)",
    # "52 anos, n. 21/08/1974", "70 años (nació 18/02/1956)" (not "lúpus há 10 anos (desde 2016)": a date in full)
    (re.compile(r"(?<![\d.])\b(\d{1,3})\s*" + _FOREIGN_YEARS + r"\s*[,(]\s*(?:(?:dn|d\.n\.|nac\.?|naci[óo]|nasc\.?|nascid[oa]|n\.|"
                r"n[ée]e?(?:\s+le)?|geb\.?|born|b\.|dob|f\.?\s?n\.?)\s*:?\s*)?\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d\b", re.I), 1.0),
    (re.compile(r"\b(\d{1,2})[\s-]*(?:weeks?|wks?)[\s-]*old\b", re.I), 7 / 365.25),
    (re.compile(r"\b(\d{1,2})[\s-]*days?[\s-]*old\b", re.I), 1 / 365.25),
    (re.compile(r"(?=age)" + _NOT_NOW + _AGE_LABEL + r"(\d{1,2})\s*(?:months?|mos?)\b", re.I), 1 / 12),
    # ("radial droit 6F", "a 7 Fr sheath": a catheter's size in French units, not an age and a sex)
    (re.compile(r"(?<![\d.])\b(\d{1,3})\s?([MF])\b(?!\s*[/°])(?!\s*(?:sheath|catheter|guide|introducer)\b)"), 1.0),
    # "58 yrs", "45yo"; not a duration: "x 2 yrs", "for 3 yrs", "≥1 yr post-infusion", "within 1 yr of"
    # ("MMF 2 yrs", "HCQ 10 yrs": after a drug's abbreviation, a duration)
    # ("(?=\d)" first: the look-behinds are tried only where a number starts)
    (re.compile(r"(?=\d)(?<!x )(?<!of )(?<!for )(?<!over )(?<!past )(?<!last )(?<!within )(?<!least )(?<!than )(?<!in )(?<!so )(?<!total )"
                r"(?<![≥≤<>~=+])(?<![≥≤<>~=] )(?<!(?-i:[A-Z]{2}) )"
                r"(?<!for about )(?<!for around )(?<!for nearly )(?<!for almost )(?<!for over )(?<!for some )"
                # "follow ups for like 2 yrs", "for another 3 yrs", "for the next 5 yrs": how long
                r"(?<!for like )(?<!for maybe )(?<!for roughly )(?<!for another )(?<!for the next )(?<!for up to )"
                r"(?<![\d.])\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?|yr\.?)(?![a-z])"
                r"(?!\s*(?:ago|post|after|prior|before|later|since|of\b|from|follow|duration|history|hx"
                # "Nexplanon ... (5 yr extended use)", "10 yr risk", "a 2 yr course": how long, not how old
                r"|extended|use\b|usage|course|risk|contracep|rule\b|survival|plan\b|supply|term\b|warranty|period|program|interval|remission|anniversary|implant|device|coil|iud"
                # "12 yrs in kitchens", "20 yrs at the plant", "10 yrs on insulin", "3 yrs as a nurse"
                r"|in\s+(?!(?:19|20)\d\d\b|the\s+(?:uk|us|usa)\b)|at\s+(?!(?:diagnosis|dx|onset)\b)|as\s+an?\b|on\b"
                r"|education|schooling|experience|employment|service|smok\w*|pack))", re.I), 1.0),
    # ("Age today 0.29 years": an age in years and months or months and days, see _digits)
    (re.compile(r"(?=age)" + _NOT_NOW + _AGE_LABEL + r"(\d{1,3}(?:\.\d{1,2}(?=\s*(?:years?|yrs?|y)\b))?)\b" + _UNITS_AFTER, re.I), 1.0),
    # "mujer de 39 años", "homme de 52 ans", "paciente de 61 anos": a person "of" N years, the Romance way
    (re.compile(r"\b(?:mujer|hombre|paciente|señora|señor|varón|niña|niño|femme|homme|patiente?|mulher|homem|senhora|senhor|"
                r"donna|uomo|signora|signore)\s+de\s+(\d{1,3})\s+(?:años|anos|ans|anni)\b", re.I), 1.0),
    # an age labelled in the writer's language: "Idade: 48 anos", "Edad: 52", "Âge : 61 ans", "Alter: 61 Jahre"
    (re.compile(r"\b(?:idade|edad|âge|alter|leeftijd|età|wiek|umur|usia)\s*:\s*(\d{1,3})\b(?:\s*" + _FOREIGN_YEARS + r")?" + _UNITS_AFTER, re.I), 1.0),
    (re.compile(r"\bage\s*/\s*(?:sex|gender)\s*:?\s*(\d{1,3})\b", re.I), 1.0),  # "Age/Sex: 71 / M"
    # an age labelled in Chinese, Japanese or Korean: "年龄: 41岁", "年齢：52歳", "나이: 38세"
    (re.compile(r"(?:年龄|年齡|年齢|나이)\s*[:：]?\s*(\d{1,3})(?!\d)\s*(?:岁|歲|歳|才|세)?"), 1.0),
    # a name, then the age with a lone "y": "Mrs Rekha Patil, 38 y, participant", "Rekha Patil (38 y)", "Mahmoud S., 38 y. New HIV"
    # (not a relative's: "Daughter (12 y)")
    (re.compile(r"(?-i:(?!(?:Daughter|Son|Child|Children|Kids?|Baby|Wife|Husband|Mother|Father|Mum|Mom|Dad|Brother|Sister|"
                r"Grandson|Granddaughter|Boy|Girl|Niece|Nephew|Partner)\b)[A-Z][a-z]+|[A-Z]\.)\s*[,(]\s*(\d{1,3})\s*y(?=\s*[,;)]|\.(?:\s|$))", re.I), 1.0),
    # "F/38, SLE since 2015", "Sex/Age: F/38": the sex, then the age (not "F/U 3/12", a date or a ratio)
    (re.compile(r"(?<![\w/])(?-i:[MF])\s*/\s*(\d{1,3})\b(?![/\d.,]\d)", re.I), 1.0),
    # ... or the age, then the sex: "#. 22/M, university student", "Smt. Anjali Nair, 35/F" (not "75/m2", a dose)
    (re.compile(r"(?<![\w/.,])(\d{1,3})\s*/\s*(?-i:[MF])\b(?![\d/])"), 1.0),
    (re.compile(r"\b(?:i am|i'm|im|i’m)\s+(?:only\s+|now\s+|almost\s+|about\s+)?(\d{1,3})\b" + _UNITS_AFTER, re.I), 1.0),
    # ("my wife Anna is 33": a name may follow the noun)
    (re.compile(r"\b" + _PERSON + r"(?:\s+(?-i:[A-Z][a-z]+))?(?:'s|’s|\s+is|\s+was|\s+just\s+turned|\s+turned|\s+turns)\s+(?:only\s+|now\s+|almost\s+|about\s+)?(\d{1,3})\b"
                + _UNITS_AFTER, re.I), 1.0),
    (re.compile(r"(?:\b(?:my|our|a|the)\s+|^)" + _KIN_ADJ + _PERSON + r"(?:\s+(?-i:[A-Z][a-z]+))?\s*[,(]\s*(\d{1,3})\s*[,)]", re.I), 1.0),
    # a referral's header: "Mrs. Nasrin Akter, 27 years, female", "27 years / F"; "female, 27 years"
    (re.compile(r"\b(\d{1,3})\s*(?:years?|yrs?|y)\.?(?:\s+old)?\s*[,/]\s*(?:female|male|woman|man|lady|gentleman|[FM])\b", re.I), 1.0),
    # a name or the text's start, the age, then the sex in a word: "Lan 39 female SLE since 2012", "39 male, HIV+" (not a
    # ward's, a bed's or a case's number: "Ward 12 female", "Case 3 male"; nor a count: "2 male children")
    (re.compile(r"(?:(?-i:(?!(?:Ward|Bed|Room|Bay|Unit|Case|Grade|Group|Cohort|Arm|Cycle|Day|Week|Visit|Table|Figure|Level|Floor|"
                r"Stage|Class|Type|Step|Item|Question|Page|Line|Row|Patient|Patients|Subject)\b)[A-Z][a-z]+)[ \t]+|(?:\A|(?<=[\n:;(]))[ \t]*)"
                r"(\d{1,3})[ \t]+(?:female|male|woman|man)\b(?![ \t]+(?:wards?|units?|patients?|children|kids|partners?|siblings?|"
                r"nurses?|doctors?|staff|students?|participants?|volunteers?|subjects?|relatives?|friends?|cousins?|and|or)\b)", re.I), 1.0),
    # ("Client: R.D., F, 44 y": the sex's letter)
    (re.compile(r"(?:\b(?:female|male|woman|man|lady|gentleman)|(?<![\w/])(?-i:[FM]))\s*[,/]\s*(\d{1,3})\s*(?:years?|yrs?|y)\b", re.I), 1.0),
    # ... in the writer's language: "feminino, 48 anos", "48 ans, féminin", "männlich, 61 Jahre"
    (re.compile(r"\b(?:" + _SEX_WORDS + r")\s*[,/]\s*(\d{1,3})\s*" + _FOREIGN_YEARS + r"\b", re.I), 1.0),
    (re.compile(r"\b(\d{1,3})\s*" + _FOREIGN_YEARS + r"\s*[,/]\s*(?:" + _SEX_WORDS + r")\b", re.I), 1.0),
    # "Rekha, 38, from Thane", "Mrs Patil, 44, a teacher": a name, the age, then who she is
    (re.compile(r"\b(?-i:[A-Z][a-z]+)\s*,\s*(\d{1,3})\s*,\s*(?:from|of|who|a|an|works|working|lives|living|resident|"
                r"married|single|widowed|divorced|retired|mother|father|teacher|farmer|nurse)\b", re.I), 1.0),
    # "Me: Salma, 34, I manage a small surf hostel": the writer's own name and age after "Me:"
    (re.compile(r"\bme[ \t]*:[ \t]*(?-i:[A-Z][a-z]+)(?:[ \t]+(?-i:[A-Z][a-z]+))?[ \t]*,[ \t]*(\d{1,3})\b" + _UNITS_AFTER, re.I), 1.0),
    # "Karthik here (24, male, 100 kg)", "(45, F)": the age and the sex in a bracket
    (re.compile(r"\(\s*(\d{1,3})\s*,\s*(?:female|male|woman|man|(?-i:[FM]))\b", re.I), 1.0),
    # "Marco, 34, male, saute/grill at a steakhouse": a name, the age and the sex
    (re.compile(r"\b(?-i:[A-Z][a-z]+)\s*,\s*(\d{1,3})\s*,\s*(?:female|male|woman|man|(?-i:[FM]))\b", re.I), 1.0),
    (re.compile(r"\b(?:and|who|but)\s+(?:is|was)\s+(?:now\s+)?(\d{1,3})\b(?!\s*(?:weeks?|months?|days?|mg|kg|%))" + _UNITS_AFTER, re.I), 1.0),
    # "Diagnosed with MS at 45, now 52", "Pt now 67 y/o": after a comma, at a sentence's start or after the person
    # (not "prednisone (now 10)" nor "SLEDAI now 10": a dose or a value gone down, after what it measures)
    (re.compile(r"(?:(?<=,)|(?<=,[ \t])|(?<=^)|(?<=\n)|(?<=[.!?;:][ \t])|\b(?:pt|patient|she|he|i|they|who|mum|mom|dad|"
                r"mother|father|son|daughter|husband|wife)[ \t]+)now[ \t]+(\d{1,3})\b(?!\s*(?:weeks?|months?|days?|mg|kg|%))"
                + _UNITS_AFTER, re.I | re.M), 1.0),
    (re.compile(r"\b" + _PERSON + r"\s+(?:is\s+)?(?:aged|age)\s+(\d{1,3})\b", re.I), 1.0),
    # "Teo turned 8 in September": a name and the age it turned (a relative's is told apart by _RELATIVE_IS)
    (re.compile(r"\b(?-i:[A-Z][a-z]+)\s+(?:just\s+|recently\s+)?turned\s+(\d{1,3})\b" + _UNITS_AFTER, re.I), 1.0),
    # last (_FALLBACKS): "my 9 year old daughter has ..." when nobody else's age is given
    (re.compile(r"(?=\d)" + _NOT_THIRDS + _NOT_A_THING + r"\b(\d{1,3})[\s-]*" + _YEARS + r"[\s-]*old\b", re.I), 1.0),
    (re.compile(r"(?=\d)" + _NOT_THIRDS + r"\b(\d{1,2})[\s-]*(?:months?|mos?)[\s-]*old\b", re.I), 1 / 12),
]
_FALLBACKS = 2
_DECADES = {"teens": 15, "twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65,
            "seventies": 75, "eighties": 85, "nineties": 95, "20s": 25, "30s": 35, "40s": 45, "50s": 55,
            "60s": 65, "70s": 75, "80s": 85, "90s": 95}
# (not "in the nineties": a time, "a rash in the nineties")
_DECADE = re.compile(r"\bin\s+(?:his|her|my|their)\s+(early|mid|late)?[\s-]*(" + "|".join(_DECADES) + r")\b", re.I)


_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD_NUMBER = re.compile(r"(?=[tfsen])\b(?:(" + "|".join(_TENS) + r")(?:[\s-](" + "|".join(_UNITS) + r"))?|(" + "|".join(_TEENS) + r"))\b", re.I)


# "2 years and 5 months old", "3 yrs 2 mos old", "Age: 2 years 5 months": an age in years and months;
# "3 months 15 days old", "Age today 3 months 15 days": in months and days (an age written after its label or
# followed by "old", not "for 2 years 3 months", how long)
_YEARS_AND_MONTHS = re.compile(r"(?=\d)(?<![\d.])\b(\d{1,2})\s*(?:years?|yrs?|y)[\s,]*(?:and\s+)?(\d{1,2})\s*(?:months?|mos?|m)\b"
                               r"(?P<old>(?=[\s-]*(?:old|of\s+age)\b))?", re.I)
_MONTHS_AND_DAYS = re.compile(r"(?=\d)(?<![\d.])\b(\d{1,2})\s*(?:months?|mos?|mo)[\s,]*(?:and\s+)?(\d{1,2})\s*(?:days?|d)\b"
                              r"(?P<old>(?=[\s-]*(?:old|of\s+age)\b))?", re.I)
_AFTER_AGE_LABEL = re.compile(r"\bage[ds]?(?:\s+(?:today|now|on\s+visit|at\s+(?:this\s+)?visit))?\s*:?\s*$", re.I)


def _digits(text: str) -> str:
    """Ages written in words as digits: "seventy two" -> "72", "Twenty-four-year-old" -> "24-year-old"; an age
    in years and months in years: "2 years and 5 months old" -> "2.4 years old"."""
    def number(m: re.Match) -> str:
        if m.group(3):
            return str(_TEENS[m.group(3).lower()])
        return str(_TENS[m.group(1).lower()] + (_UNITS[m.group(2).lower()] if m.group(2) else 0))
    text = _WORD_NUMBER.sub(number, text)

    def in_years(big: float, small: float) -> Callable[[re.Match], str]:
        def years(m: re.Match) -> str:
            if m.group("old") is None and not _AFTER_AGE_LABEL.search(text, max(0, m.start() - 30), m.start()):
                return m.group(0)
            # (a labelled one as "... years old": read before ages that other patterns find)
            return f"{int(m.group(1)) * big + int(m.group(2)) * small:.2f} years" + ("" if m.group("old") is not None else " old")
        return years

    text = _YEARS_AND_MONTHS.sub(in_years(1, 1 / 12), text)
    return _MONTHS_AND_DAYS.sub(in_years(1 / 12, 1 / 365.25), text)


# "born 1994", "born in March 1961": an age this year, give or take one
# ("DOB 02/06/1991", "born 14-07-1981", "DOB: 1964.05.19": a date in numbers, its year)
# ("born 8 May 1960", "DOB 3rd March 1955": the day first)
_BORN = re.compile(r"\b(?:born|b\.|dob:?|d\.o\.b\.?:?|date\s+of\s+birth\s*:?|birth\s*date\s*:?|" + _BIRTH_LABELS + r")\s+(?:in\s+|on\s+)?(?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?=[a-z]{3})|)"
                   r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+"
                   r"(?:\d{1,2},?\s+)?|\d{1,2}[/.-]\d{1,2}[/.-])?((?:19|20)\d{2})\b", re.I)
# "my son is 4", "The boy is 2 years now", "her son, Xiao-Bao, is 3 years old", "she has one boy, Osman, 3 years old", and a bare kin word opening its clause: "Not breastfeeding (son is 4 y/o)", "Kids: son is 4"
_RELATIVE_IS = re.compile(r"(?:\b(?:my|our|her|his|their|the|a|an|one|(?-i:[A-Z][a-z]+)['’]s)\s+|(?:\A|(?<=[(\[,;:.\n]))\s*)" + _KIN_ADJ + r"(baby|son|daughter|child|kid|boy|girl|mother|mom|mum|father|dad|"
                          r"husband|wife|sister|brother|grandmother|grandma|grandfather|grandpa|partner|youngest|oldest|eldest|"
                          r"grandson|granddaughter|grandchild|niece|nephew|twins?)(?:\s+(?-i:[A-Z][a-z]+)|\s*,\s*(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?\s*,)?\s+(?:(?:is|was|just\s+turned|"
                          # (or the age right after the noun: "G2P2, youngest child 6 years old")
                          r"turned)\s+(?:only\s+|now\s+|about\s+|almost\s+)?)?$", re.I)
# the nouns of a child of someone's
_CHILD_NOUNS = ("baby", "son", "daughter", "child", "kid", "boy", "girl", "grandson", "granddaughter", "grandchild", "niece",
                "nephew")
# a child's noun right before its age in a text written without punctuation: "not in other study son 4 years old stopped
# breastfeed long time" (only a child's: "- Dad is 79" in a list written about Dad is his age)
_CHILD_AGE = re.compile(r"(?<=[ \t])" + _KIN_ADJ + "(" + "|".join(_CHILD_NOUNS) + r")\s+$", re.I)
# someone else's child said again by a pronoun before its age: "She has a little boy, Mateo, he's 3", "her daughter, she is 7"
_THEIR_CHILD_IS = re.compile(r"\b(?:a|an|one|her|his|their)\s+" + _KIN_ADJ + "(?:" + "|".join(_CHILD_NOUNS) + ")"
                             r"(?:\s*,\s*(?-i:[A-Z][\w'-]+)(?:\s+(?-i:[A-Z][\w'-]+))?)?"
                             r"\s*,?\s*(?:he|she)(?:['’]s|\s+is|\s+was|\s+just\s+turned|\s+turned)\s+(?:only\s+|now\s+|about\s+|almost\s+)?$",
                             re.I)
# "married with one child aged 8", "two children aged 8 and 11", "a son aged 8" (not "A boy aged 8 presents with ...",
# a case's own patient)
_RELATIVE_AGED = re.compile(r"(?:\b(?:my|our|her|his|their|one|two|three|four|both|(?-i:[A-Z][a-z]+)['’]s)\s+" + _KIN_ADJ
                            + r"(baby|son|daughter|child|kid|boy|girl|children|kids|sons|daughters|boys|girls|twins?|"
                            r"grandson|granddaughter|grandchild|grandchildren|niece|nephew)"
                            r"|\b(?:a|an)\s+" + _KIN_ADJ + r"(son|daughter|grandson|granddaughter|grandchild|niece|nephew))\s+(?:aged?|of)\s+$", re.I)
_PAST_AGE = re.compile(r"(?:\b(?:since|when|until|by the time|before|after)\s+(?:i|he|she|they|we|(?-i:[A-Z][a-z]+))\s+(?:was|were)"
                       r"(?:\s+(?:about|around|only|just))?"
                       # ("i smoke since i am 16": a learner's tense for an age gone by)
                       r"|\bsince\s+(?:i\s+am|i'm|im|he\s+is|she\s+is|he's|she's)(?:\s+(?:about|around|only|just))?|\b(?:at|from|by|before|after|since)\s+(?:the\s+)?age(?:\s+of)?"
                       # "diagnosed 2017 (aged 62)": the age in a year gone by
                       # (or a Japanese era's year: "SLE onset R2 (age 12)", Reiwa 2)
                       r"|(?:\b(?:19|20)\d{2}|\b(?-i:[RHS])\d{1,2})(?:-\d{2})?\s*[(,:]\s*(?:aged?|at\s+age)\s*:?"  # ("2019-04: age 12")
                       # "Penicillin: mild rash aged 8", "appendectomy at age 12": when something happened
                       r"|\b(?:rash|hives|reaction|anaphylaxis|allerg\w*|fracture|broke\w*|surgery|operation|removed|"
                       r"diagnosed|dx|onset|episode|attack|infection|measles|mumps|chickenpox|\w+ectomy|\w+otomy|convulsions?|"
                       r"seizures?|fits?|febrile|illness|disease|asthma|eczema|pneumonia|meningitis|jaundice|injury|accident|"
                       r"burns?|transfusions?|vaccinat\w*|tb|tuberculosis|migraines?|bronchiolitis)\b[^.;\n]{0,20}?"
                       r"\b(?:aged?|at\s+age)\s*:?"
                       # "had pneumonia twice (age 3 and age 6)": the second of a list of ages at events
                       r"|\bage[ds]?\s*\d{1,3}\s*(?:,|and|&|/)\s*(?:age[ds]?\s*)?"
                       # "breastfed him til 14 months": how long, not how old
                       r"|\b(?:til|till|until|for|to)\s+"
                       # "had his transplant at five months old": the age something happened at
                       r"|\bat\s+)\s*$", re.I)
_WHEN_AFTER = re.compile(r"\s*(?:(?:years?|yrs?|y)[\s-]*(?:old)?\s*)?(?:when|at\s+the\s+time)\b", re.I)
_OTHERS_AGE = re.compile(r"\s*(?:-\s*)?(?:years?|yrs?|months?)?[\s-]*old\s+(mother|mom|mum|father|dad|husband|wife|son|daughter|"
                         r"sister|brother|grandmother|grandma|grandfather|grandpa|aunt|uncle|"
                         r"dog|cat|pet|grandson|granddaughter|niece|nephew|friend|neighbou?r)s?\b", re.I)


_BARE_YEARS = re.compile(r"\s*(?:yrs?|yr\.|years?)(?![\s-]*(?:old|of\s+age))\b", re.I)
# another person's field on the line, before a date of birth: "Infant: Amari WARREN, DOB 02/01/2026" (not "Patient: Mary
# Smith, mother of two, DOB ...")
_OTHERS_LABEL = re.compile(r"\b(?:infant|baby|newborn|child|son|daughter|kid|mother|father|mom|mum|dad|husband|wife|"
                           r"spouse|partner|sibling|brother|sister|guardian|carer|caregiver)(?:\s*:[^\n.;:]{0,40}|\s+(?:was\s+)?)$", re.I)
_NAMED_IS = re.compile(r"(?:\A|(?<=[(\[,;:.!?\n]))\s*(?-i:[A-Z][a-z]+)\s+(?:is|was|just\s+turned|turned)\s+(?:only\s+|now\s+|about\s+|almost\s+)?$")
_DEVICE_BEFORE = re.compile(r"\b(?:radial|femoral|brachial|ulnar|access|droit|droite|gauche|right|left|sheath|catheter|"
                            r"introducer|guide|guiding|cannula)\s*:?\s*$", re.I)
_OWN_KIN = re.compile(r"\s*(?:my|our)\s", re.I)  # "my baby", "our son": the writer's own, who may be who is written about
_CHILDREN = frozenset(_CHILD_NOUNS) | {"twin", "twins", "youngest", "oldest", "eldest"}  # a child among _RELATIVE_IS's nouns
_THIRD_PARTY = re.compile(r"\s*(?:her|his|their|the|a|an|one|\w+['’]s)\s", re.I)  # "her son", "Jen's mom", "the boy", "one boy": not the writer's own
_WRITER_AGE = re.compile(r"\b(?:i am|i['’]m|im)\s+(?:only\s+|now\s+|almost\s+|about\s+|just\s+)?$", re.I)
_HOW_LONG_AFTER = re.compile(r"\s*(?:years?|yrs?|months?)\s+(?:clear|free|cancer[- ]free|disease[- ]free|sober|clean|"
                             r"smoke[- ]free|seizure[- ]free|off|out|post|past|in\s+remission|since|ago|into|apart|later|"
                             r"married|older|younger)\b", re.I)
# a bond and how long it has lasted: "I'm his partner (9 yrs)", "his wife of 30 yrs"
_BOND_BEFORE = re.compile(r"\b(?:partner|husband|wife|spouse|boyfriend|girlfriend|fianc[ée]e?|friend|carer|caregiver|"
                          r"neighbou?r|colleague|together|relationship|de\s+facto)\s*(?:\(|,|of)\s*$", re.I)
# "now N" after a comma (the last but one of _AGE_PATTERNS), and a number before it in its clause that is not
# an age at an event or a year: what went before is a value, "now N" the value now
_NOW_AFTER_COMMA = re.compile(r"now[ \t]+\d", re.I)
# (not a date's numbers: "born 22 June 1962 in Jaffna, now 64 years")
_DATE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                   r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b", re.I)
_VALUE_BEFORE = re.compile(r"(?<![\w.,/])(?<!at )(?<!aged )(?<!age )(?<!since )(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?(?![\d/])")


def _clause_before(text: str, at: int) -> str:
    """The clause that ends with the comma before ``at`` ("" when no comma comes right before it)."""
    before = text[:at].rstrip(" \t")
    if not before.endswith(","):
        return ""
    start = max(before.rfind(c, 0, len(before) - 1) for c in ".;:\n!?") + 1
    return before[start:-1]


_LASTING = re.compile(r"\b(?:been|lived|living|worked|working|married|smoked|smoking|taking|took|had|having|using|used|"
                      r"sober|clean|employed|suffer(?:ed|ing))\b[^.,;:!?\n]*$", re.I)


def read_age(text: str, others: list[float] | None = None) -> tuple[float | None, bool]:
    """(age in years, approximate?) of the person described, or (None, False). With ``others``, the other
    ages the text gives that the reader did not tell apart as someone else's or a time gone by go into it:
    a misread age is met by the one it hid."""
    seen: list[float] | None = [] if others is not None else None
    age, approx = _read_age(text, seen)
    if others is not None and age is not None:
        others.extend(sorted({a for a in seen if abs(a - age) > 1.5}))
    # a date of birth outweighs an age read elsewhere that it contradicts ("58 y/o male, DOB 1968-03-09 |
    # Service: 1986-2008 (88M motor transport operator)": a job code)
    # (not another person's: "Infant: Amari WARREN, DOB 02/01/2026")
    dob = next((m for m in _births(text) if not m.group(0).lower().startswith(("born", "b."))), None)
    if dob is not None and age is not None:
        born = float(date.today().year - int(dob.group(1)))
        if 0 <= born <= 120 and not born - 1.5 <= age <= born + 0.5:
            young = _young_age(dob, text)
            return (young, False) if young is not None else (born, True)
    return age, approx


# ("she turns 71 on 12-01-2027", "turns 50 soon"; "he turns 40 today" is 40 now)
_TURNS = re.compile(r"(?:\b(\w+)\s+)?\b(?:turns|will turn|will be|is turning)\s+(\d{1,3})\s+(?:(?:only|just|not\s+until|until)\s+)?"
                    r"(next|this|in|on|at|by|soon|later|after|before|today)\b", re.I)
_TURNS_HINT = re.compile(r"\b(?:turn|will\s+be)", re.I)  # (the optional subject before it made the search try every word)
_TURNS_WHO = {"i", "she", "he", "patient", "pt", "who", "mum", "mom", "dad", "mother", "father", "husband", "wife", "i'll", "he'll", "she'll"}


_NUMERIC_DAY_MONTH = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](?:19|20)\d{2}\b")
_ISO_MONTH_DAY = re.compile(r"[/.-](\d{1,2})[/.-](\d{1,2})\b")
_MONTH_DAY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b", re.I)
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_MONTH_NUMBERS = {name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                                     "nov", "dec"), start=1)}


def _young_age(born: re.Match, text: str) -> float | None:
    """A young child's age from a whole date of birth ("DOB 20/08/2026" on 2026-12-04: 0.29 years), where
    the year alone says nothing (0); None when the date is not whole, when its day and month could be read
    the other way round to another age, or when the child is 3 or older (an age in whole years then)."""
    year, today = int(born.group(1)), date.today()
    if not 0 <= today.year - year <= 3:
        return None
    pairs: set[tuple[int, int]] = set()  # (month, day)
    if (n := _NUMERIC_DAY_MONTH.search(born.group(0))) is not None:
        a, b = int(n.group(1)), int(n.group(2))
        pairs = {(b, a), (a, b)}
    elif (w := _MONTH_DAY.search(born.group(0))) is not None:
        pairs = {(_MONTH_NUMBERS[w.group(1).lower()], int(w.group(2)))}
    elif (w := _DAY_MONTH.search(born.group(0))) is not None:  # "born 20 August 2026"
        pairs = {(_MONTH_NUMBERS[w.group(2).lower()], int(w.group(1)))}
    elif (iso := _ISO_MONTH_DAY.match(text, born.end())) is not None:  # "DOB: 2026-08-20"
        pairs = {(int(iso.group(1)), int(iso.group(2)))}
    days = set()
    for month, day in pairs:
        try:
            days.add((today - date(year, month, day)).days)
        except ValueError:
            continue
    ages = {round(d / 365.25, 2) for d in days if d >= 0}
    if len(ages) != 1:
        return None
    age = ages.pop()
    return age if age < 3 else None


def _births(text: str) -> Iterator[re.Match]:
    """Dates of birth in ``text``, not under another person's label ("Infant: Amari WARREN, DOB 02/01/2026")."""
    return (m for m in _BORN.finditer(text) if not _OTHERS_LABEL.search(text, text.rfind("\n", 0, m.start()) + 1, m.start()))


def _read_age(text: str, seen: list[float] | None = None) -> tuple[float | None, bool]:
    """The first age read; with ``seen``, every age the patterns read goes into it."""
    text = _digits(text)
    # "POV: you're 23, you've had lupus since 16": a post's "you" is its writer
    pov = re.search(r"\bPOV\s*:\s*(?:you['’]re|you\s+are)\s+(\d{1,3})\b", text, re.I)
    if pov and 0 < int(pov.group(1)) <= 120:
        return float(pov.group(1)), False
    # "she turns 80 next month" (not "Mateo turns 2 next month": a child's, a relative's or another named person's)
    turns = next((m for m in _TURNS.finditer(text) if (m.group(1) or "").lower() in _TURNS_WHO), None) \
        if _TURNS_HINT.search(text) else None
    born = next(_births(text), None)
    if turns:
        # "she turns 80 next month": 79 now
        return float(int(turns.group(2)) - (turns.group(3).lower() != "today")), False
    relation = None
    fallback = None  # a relative's age, taken only when no other is given ("my baby is 5 months old and has eczema")
    for k, (pattern, factor) in enumerate(_AGE_PATTERNS):
        if born and k == len(_AGE_PATTERNS) - _FALLBACKS:
            break  # a birth year says more than "her 5-month-old" when nobody's age is given
        for m in pattern.finditer(text):
            if _DEVICE_BEFORE.search(text, max(0, m.start(1) - 25), m.start(1)):
                continue  # "Access: radial droit 6F": a sheath's size
            if m.start(1) >= 2 and text[m.start(1) - 1] in ".," and text[m.start(1) - 2].isdigit():
                continue  # the decimals of a number ("3.75 years old"), not a number of their own
            if _PAST_AGE.search(text[max(0, m.start(1) - 30) : m.start(1)]) or _WHEN_AFTER.match(text, m.end(1)):
                continue  # "since I was 10 years old", "at the age of 12", "was 70 when he had his stroke": an age long past
            if _BARE_YEARS.match(text, m.end(1)) and (_LASTING.search(text[max(0, m.start(1) - 60) : m.start(1)])
                                                      or _BOND_BEFORE.search(text, max(0, m.start(1) - 30), m.start(1))):
                continue  # "been in this house 30 yrs", "married 40 yrs", "I'm his partner (9 yrs)": how long, not how old
            if _NOW_AFTER_COMMA.match(text, m.start()) and _VALUE_BEFORE.search(_DATE.sub(" ", _clause_before(text, m.start()))):
                continue  # "Platelets 61 x10^9/L on day 2, now 118": a value gone up, not an age
            if _HOW_LONG_AFTER.match(text, m.end(1)):
                continue  # "Barb is 5 years clear of breast cancer", "is 3 years sober": how long, not how old
            if _WRITER_AGE.search(text, max(0, m.start(1) - 20), m.start(1)):
                relation = relation if relation is not None else (described_relation(text) or "")
                if relation:
                    continue  # "I am 12 years old. My mom ... is your patient": the writer's age, not the patient's
            if _THEIR_CHILD_IS.search(text, max(0, m.start(1) - 60), m.start(1)):
                continue  # "She has a little boy, Mateo, he's 3": the child's age
            other = _OTHERS_AGE.match(text, m.end(1))
            said = _RELATIVE_IS.search(text[max(0, m.start(1) - 40) : m.start(1)]) \
                or _RELATIVE_AGED.search(text[max(0, m.start(1) - 40) : m.start(1)]) \
                or _CHILD_AGE.search(text[max(0, m.start(1) - 40) : m.start(1)])
            if not said and (factor < 1 or re.match(r"\s*(?:-\s*)?months?\b", text[m.end(1):], re.I)) \
                    and _NAMED_IS.search(text[max(0, m.start(1) - 30) : m.start(1)]) and _SELF_HEALTH.search(text):
                # "Mia is 3 months old and I am breastfeeding her": a baby named, in a text the patient writes herself
                if fallback is None:
                    fallback = round(float(m.group(1)) * (factor if factor < 1 else 1 / 12), 2)
                continue
            if said:  # "My baby is 5 months old and I'm still breastfeeding her": the baby's age, unless nobody else's is given
                relation = relation if relation is not None else (described_relation(text) or "")
                if next(g for g in said.groups() if g).lower() != relation:
                    # "my baby is 5 months old" may be who is written about; "her mom", "Jen's mom" are not
                    # (a child only when the writer's own, "my baby", "our son", or in the text's first words; not "Son
                    # Emils is 6" in a mother's list of her life, where nothing says the child is who is written about;
                    # "Dad is 68" written on his behalf is who it is about)
                    if fallback is None and not _THIRD_PARTY.match(said.group(0)) and 0 <= float(m.group(1)) * factor <= 120 \
                            and (_OWN_KIN.match(said.group(0)) or not text[: m.start(1) - len(said.group(0))].strip()
                                 or next(g for g in said.groups() if g).lower() not in _CHILDREN):
                        fallback = round(float(m.group(1)) * (1 / 12 if factor == 1 and re.match(r"\s*(?:-\s*)?months?\b", text[m.end(1):], re.I) else factor), 2)
                    continue
            if other or re.search(r"\bof\s+(?:a|an|my|our|two|three)\s+$", text[max(0, m.start(1) - 12) : m.start(1)], re.I):
                relation = relation if relation is not None else (described_relation(text) or "")
                if not other or other.group(1).lower().rstrip("s") != relation:
                    continue  # "my 90 year old mother", "a 12-year-old dog", "mom of a 3 year old": not the patient
            if factor == 1 and re.match(r"\s*(?:-\s*)?months?\b", text[m.end(1):], re.I):
                factor = 1 / 12  # "I'm 8 months old"
            age = float(m.group(1)) * factor
            if 0 <= age <= 120:
                # a newborn's age in days keeps its days (trial records give "1 Day" as 0.0027 years)
                if seen is None:
                    return round(age, 4 if age < 0.1 else 2), False
                seen.append(round(age, 4 if age < 0.1 else 2))
    if seen:
        return seen[0], False
    if born and 0 <= date.today().year - int(born.group(1)) <= 120:
        young = _young_age(born, text)
        if young is not None:
            return young, False
        return float(date.today().year - int(born.group(1))), True  # "born 1994": this year's age or one less
    if fallback is not None and not _writer_is_patient(text):
        return fallback, False  # not when the writer speaks of their own health ("I'm pregnant, my son is 3")
    m = _DECADE.search(text)
    if m:
        base = _DECADES[m.group(2).lower()]
        shift = {"early": -3, "mid": 0, "late": 3}.get((m.group(1) or "").lower(), 0)
        return float(base + shift), True
    return None, False


_FEMALE_WORDS = {"woman", "female", "girl", "lady", "she", "her", "herself", "mother", "mom", "mum", "wife", "daughter",
                 "sister", "grandmother", "grandma", "aunt", "niece", "girlfriend", "f"}
_MALE_WORDS = {"man", "male", "boy", "gentleman", "he", "his", "him", "himself", "father", "dad", "husband", "son",
               "brother", "grandfather", "grandpa", "uncle", "nephew", "boyfriend", "guy", "m"}
# the person's own noun: not "male factor" infertility or a "female partner" (what the word qualifies is
# someone or something else), nor "Guy's" (a hospital's or a person's name)
# (not a noun in a quoted name: the "bubble boy" disease)
# (and in the writer's language, as written or as read without accents: "femme", "féminin", "Sexo: masculino")
_FOREIGN_FEMALE = ("femme", "feminin", "feminine", "féminin", "féminine", "feminino", "feminina", "femenino", "femenina", "mujer",
                   "mulher", "weiblich", "vrouw", "vrouwelijk", "femmina", "kvinna", "kvinne", "kobieta", "perempuan", "wanita", "žena", "zena")
_FOREIGN_MALE = ("homme", "masculin", "masculine", "masculino", "hombre", "homem", "mannlich", "männlich", "mannelijk", "maschio",
                 "mann", "mężczyzna", "laki-laki", "pria", "muž")
_NOUN = re.compile(r"\b(woman|female|girl|lady|man|male|boy|gentleman|guy|" + "|".join(_FOREIGN_FEMALE + _FOREIGN_MALE) + r")\b(?!\s+fatale)(?<!\b(?-i:Guy))(?!['’]s\b)(?![\"”])"
                   r"(?!\s+(?:factor|partner|partners|pattern|infertility|relatives?|friends?|doctors?|physicians?|"
                   r"nurses?|colleagues?|siblings?|cousins?|condoms?|sterili[sz]ation|hormones?|voice|caller)\b)", re.I)
# a title before the name of the person described, where a record names its patient: the text's start, a
# "Patient:"/"Name:"/"Re:" label, "for" a referral, or the name followed by the age
_FEMALE_TITLES = {"mrs", "ms", "miss", "mme", "madame", "frau", "sra", "señora", "senhora", "signora", "mevrouw", "pani"}
_HONORIFIC = re.compile(r"(?:\A\W*|\b(?:patient|pt|name|re|regarding|client|referral\s+for|refer(?:ring)?\s+(?:to\s+you\s+)?)\s*[:\-]?\s*)"
                        r"(?-i:(Mrs|Ms|Miss|Mme|Madame|Frau|Sra|Señora|Senhora|Signora|Mevrouw|Pani|Mr|Herr|Sr|Señor|Senhor|Signor|Pan)\.?)"
                        r"\s+(?-i:[A-Z])[\w'.-]*"
                        r"|(?-i:(Mrs|Ms|Miss|Mr)\.?)\s+(?-i:[A-Z])[\w'-]+(?:\s+(?-i:[A-Z])[\w'-]+)?\s*[,(]\s*\d{1,3}\b", re.I)
_CJK_SEX = re.compile(r"(?:性别|性別|성별)\s*[:：]?\s*([男女남여])")
_CODE = re.compile(r"(?<![\d.])\b\d{1,3}\s?(?:yo\s?|y/o\s?|-year-old\s)?([MF])\b(?!\s*[/°])|\b(?:[Ss]ex|[Gg]ender)\s*:\s*(?:\d{1,3}\s*/\s*)?([MF])\b"
                   # "F/38, SLE since 2015", "Sex/Age: F/38": the sex, then the age
                   r"|(?<![\w/])([MF])\s*/\s*\d{1,3}\b(?![/\d.,]\d)")
_CARER = re.compile(r"\b(?:my|our)\s+(\d{1,3}[\s-]*(?:year|yr)[\s-]*old\s+)?(mother|mom|mum|wife|daughter|sister|grandmother|grandma|aunt|"
                    r"father|dad|husband|son|brother|grandfather|grandpa|uncle|partner|grandson|granddaughter)(?:'?s)?\b", re.I)
_HELPER_CREDIT = re.compile(r"\b(?:translated|typed|written|transcribed|interpreted|dictated|read\s+out|helped)\b[^.\n]{0,25}\b(?:by|with)\s+$", re.I)
# "I'm his daughter", "I'm a caregiver for my uncle": the writer is not the patient
_CARER_SELF = re.compile(r"\b(?:i'm|i am|im)\s+(?:[A-Za-z][a-z'-]+[\s,]+){0,3}?(?:his|her|their|a|the)\s+(?:daughter|son|wife|husband|caregiver|carer|partner|mother|father|mom|dad)\b|"
                         r"\b(?:caring|care|looking|searching|asking)\s+for\s+my\b|"
                         # "My mom is Daniela and she is your patient", "please put her in your study"
                         r"\b(?:she|he)\s+is\s+(?:your|the\s+study['’]s)\s+patient\b|"
                         r"\b(?:put|enrol+|include|accept|take|let)\s+(?:her|him)\s+(?:in|into|on|join)\s+(?:your|the|this)\s+"
                         r"(?:\w+\s+){0,4}?(?:study|trial)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i’m|im|i've|i have|me|myself)\b", re.I)
# the writer speaking of their own health ("My husband says I snore and I have sleep apnea"): the writer is the patient
_SELF_HEALTH = re.compile(r"\b(?:i|i['’]ve|i['’]m)\s+(?:also\s+|still\s+)?(?:have(?!\s+to)|had|snore|take(?!\s+(?:him|her|them|my))|"
                          r"took(?!\s+(?:him|her|them|my))|am on|['’]m on|was diagnosed|were diagnosed|suffer|get\s+(?!him|her|them)|"
                          r"feel|['’]ve had|have had|am \d{1,3}|['’]m \d{1,3}|\d{1,3}\b(?!\s*(?:weeks?|months?|%))|was born|smoke|drink|(?:am\s+)?(?:\d{1,2}\s*(?:weeks?|wks?|months?)\s+)?(?:pregnant|breastfeeding|nursing)|give\s+(?:him|her|them)\s+breast\s*milk|pump(?:ing)?\s+(?:breast\s*)?milk)\b", re.I)
# a note that opens on a relative's description ("Our son is 13 months old.", "My dad has had
# Parkinson's for 8 years"): the relative is the patient, whatever the writer says of themself later
_OPENS_ON_RELATIVE = re.compile(
    r"^\W*(?:(?:hi|hello|dear\s+[\w.]+(?:\s+[\w.]+)?)\W+)?(?:my|our)\s+(?:\d{1,3}[\s-]*(?:year|yr|month|week)s?[\s-]*old\s+)?"
    r"(?:mother|mom|mum|wife|daughter|sister|grandmother|grandma|aunt|father|dad|husband|son|brother|grandfather|"
    r"grandpa|uncle|grandson|granddaughter|baby|child|kid|boy|girl)\s+(?:is|was|has|had\s+been|got|needs|takes|just\s+turned|"
    r"turned|was\s+diagnosed)\b", re.I)


def _writer_is_patient(text: str) -> bool:
    """The writer speaks of their own health ("My husband says I snore and I have sleep apnea") and
    does not say they write for someone else, nor write about a relative throughout."""
    return bool(_SELF_HEALTH.search(text)) and not _CARER_SELF.search(text) and not _about_relative(text)


_SHE_OR_HE = re.compile(r"(?:^|[.!?;]\s+|\n\s*)(?:he|she)(?:['’](?:s|d|ll))?\b", re.I)


def _about_relative(text: str) -> bool:
    """A note that opens on a relative and goes on describing them ("Our son is 13 months old.
    He got his vaccines here ... He's never had a seizure"), not one that names a relative's age
    and turns to the writer ("My daughter is 2 months old. I'm 29 and have asthma")."""
    return bool(_OPENS_ON_RELATIVE.search(text)) and len(_SHE_OR_HE.findall(text)) >= 2


_FAMILY_CONTEXT = re.compile(r"(family history|history in|runs in|side of the family|had|died|passed|diagnosed)\W*$", re.I)
_PRONOUN = re.compile(r"\b(she|her|herself|he|his|him|himself)\b", re.I)


def read_sex(text: str) -> str | None:
    """The described person's sex ("female"/"male"), or None."""
    if re.search(r"\b(?:G\d+\s*P\d+|gravida|primigravida|multigravida|nulliparous|multiparous)\b", text):
        return "female"  # obstetric notation describes a woman
    chain = re.search(r"\bmy\s+\w+'s\s+(husband|wife|son|daughter|father|mother|dad|mom|brother|sister)\b", text, re.I)
    if chain:  # "my sister's husband has ALS": the last relation is the person described
        return "female" if chain.group(1).lower() in _FEMALE_WORDS else "male"
    if re.search(r"\b(?:myself|about me|i'm worried|i am worried)\b", text, re.I) and not _CARER_SELF.search(text):
        return None  # the writer speaks of themself: a relative named is family
    # (not a sheath's size: "Access: radial droit 6F")
    cjk = _CJK_SEX.search(text)
    if cjk:  # "性别: 男", "性別：女", "성별: 여"
        return "female" if cjk.group(1) in "女여" else "male"
    code = next((m for m in _CODE.finditer(text) if not _DEVICE_BEFORE.search(text, max(0, m.start() - 25), m.start())), None)
    if not code and _CARER.search(text) and _writer_is_patient(text) \
            and not _own_noun(text):
        return None  # "My husband says I snore": the writer is the patient, and their sex is not said
    if code:
        return "female" if (code.group(1) or code.group(2) or code.group(3)) == "F" else "male"
    noun = _own_noun(text)
    carer = _carer(text)
    first_person = _FIRST_PERSON.search(text)
    # "My dad is 67 and has ...": a caregiver writing about a relative, named before any "I"
    writer_is_carer = bool(_CARER_SELF.search(text))
    if carer and (writer_is_carer or not first_person or carer.start() < first_person.start()) and (not noun or carer.start() < noun.start()):
        after = text[carer.end() : carer.end() + 40]
        if writer_is_carer or not re.match(r"\s*(had|has had|died|passed|also had|had a)\b", after, re.I):
            relation = carer.group(2).lower()
            if relation == "partner":
                return None
            return "female" if relation in _FEMALE_WORDS or relation == "granddaughter" else "male"
    if noun:
        return "female" if noun.group(1).lower() in ("woman", "female", "girl", "lady") + _FOREIGN_FEMALE else "male"
    honorific = _HONORIFIC.search(text)
    if honorific and not carer:  # "Patient: Mrs Nasrin Akter", "Ms. Garcia, 44, SLE" (not "seen by Mr Jones, surgeon")
        title = (honorific.group(1) or honorific.group(2)).lower().rstrip(".")
        return "female" if title in _FEMALE_TITLES else "male"
    if writer_is_carer:
        pass  # the pronouns are the patient's ("I'm her son, she has leukemia")
    elif first_person and not _PRONOUN.search(text[: first_person.start()]):
        return None  # "I ..." says nothing of sex; later pronouns are other people
    female = male = 0
    for m in _PRONOUN.finditer(text):
        # pronouns of a relative in a family history do not count ("her mother ... she died")
        if _FAMILY_CONTEXT.search(text[max(0, m.start() - 30) : m.start()]) and m.group(1).lower() in ("she", "he"):
            continue
        if m.group(1).lower() in _FEMALE_WORDS:
            female += 1
        else:
            male += 1
    if female > male:
        return "female"
    if male > female:
        return "male"
    return None


# "her little boy Cheikh is 4 months old", "his girls", "she had a baby boy in June": someone's child, not the
# person described
_SOMEONE_ELSES = re.compile(r"\b(?:her|his|their)\s+(?:[a-z-]+\s+){0,2}$|\ba\s+(?:[a-z-]+\s+)?baby\s+$", re.I)


def _own_noun(text: str) -> re.Match | None:
    """The first noun of a person ("woman", "boy", "homme") that is not someone else's ("her little boy")."""
    return next((m for m in _NOUN.finditer(text) if not _SOMEONE_ELSES.search(text, max(0, m.start() - 30), m.start())), None)


def _carer(text: str) -> re.Match | None:
    """The first relative named as "my ...", past one credited with helping to write ("[Translated from
    Arabic by my son Karim]": who helped write is not who is written about)."""
    return next((m for m in _CARER.finditer(text) if not _HELPER_CREDIT.search(text, max(0, m.start() - 40), m.start())), None)


def described_relation(text: str) -> str | None:
    """The relation word of the person a caregiver writes about ("my dad is 67 ..." -> "dad"), else None."""
    if re.search(r"\b(?:myself|about me|i'm worried|i am worried)\b", text, re.I) and not _CARER_SELF.search(text):
        return None  # "my sister has lupus and I'm worried about myself": the sister is family
    chain = re.search(r"\bmy\s+\w+'s\s+(husband|wife|son|daughter|father|mother|dad|mom|brother|sister)\b", text, re.I)
    if chain:
        return chain.group(1).lower()
    carer = _carer(text)
    if carer is None:
        return None
    if _writer_is_patient(text):
        return None
    first_person = _FIRST_PERSON.search(text)
    if _CARER_SELF.search(text) or not first_person or carer.start() < first_person.start():
        after = text[carer.end() : carer.end() + 40]
        if _CARER_SELF.search(text) or not re.match(r"\s*(had|has had|died|passed|also had|had a)\b", after, re.I):
            return carer.group(2).lower()
    return None
