"""Read a patient from free text and/or a site's form into :class:`Patient` facts.

Free text goes through the same spaCy components as criteria (lexicon,
windows, quantities, context), so "SLE", "hemoglobin 7.9 g/dL" or "denies
seizures" mean the same on both sides. Demographics ("A 58-year-old woman",
"45 yo M") are read by the patterns below.

The text itself is never stored, logged or written anywhere: it is read into
facts and dropped.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc, Span

from .demographics import described_relation, read_age, read_sex
from .form import FormError, check_text, validate_form
from .language import other_language
from .models import Fact, Patient
from .nlp.context import line_of
from .nlp.tokenizer import doc_text
from .lab_results import measurements
from .later_steps import later_step
from .spelling import correct, english_words
from .spoken import written
from .answers import boxed_answer, dash_answer, field_yes, marked_no, question_answer
from .quoting import others_quoted
from .doubt import arabizi_text, dashed_results, result_not_positive, unread_answer, unread_clause
from .timing import (DOSE_CHANGED, TimingError, ago_days, clause_of, day_first, days_ago, days_since, goes_on, latest_timing,
                     text_clause, timing)
from .units import UnitError, analyte_for, to_canonical
from .vocabulary import therapy_covers

PatientError = FormError  # the name this module's callers have long used


def _nlp():
    from .nlp import get_pipeline

    return get_pipeline("patient")


# a line's header that denies what its list names: "things I do NOT have, since y'all keep asking:",
# "Never had:", "She denies:", "None of the following:"
_DENIAL_HEADER = re.compile(r"(?:\b(?:things|stuff|what)\s+)?\b(?:i|she|he|they|patient|pt)\s+(?:do\s+not|does\s+not|don['’]?t|doesn['’]?t|"
                            r"ha(?:ve|s)\s+never|never)\s+(?:have|has|had|get|got|ha(?:ve|s)\s+had)\b[^:\n]{0,60}:"
                            r"|\b(?:never\s+had|denies|denied|none\s+of\s+(?:the\s+following|these))\s*:", re.I)


# a checklist's line ticked "no": "[N] Immunodeficiency; uncontrolled infection; active or recurrent peptic ulcer"
_NO_BOX = re.compile(r"[ \t]*(?:[-•*][ \t]*)?[\[(][ \t]*(?:N|n|No|NO)[ \t]*[\])]")


def _after_denial_header(doc: Doc, at: int) -> bool:
    """Whether ``at`` lies in the list a denial header opens, on the header's line, after its colon and
    before the line turns ("I don't have: seizures, but I do have lupus"). Each line is looked at once."""
    text = doc_text(doc)
    line = text.rfind("\n", 0, at) + 1
    spans = doc.user_data.setdefault("denied_lists", {})
    if line not in spans:
        end = text.find("\n", line)
        end = len(text) if end < 0 else end
        header = _DENIAL_HEADER.search(text, line, end) if ":" in text[line:end] else _NO_BOX.match(text, line, end)
        turn = _TURN.search(text, header.end(), end) if header else None
        spans[line] = (header.end(), turn.start() if turn else end) if header else None
    found = spans[line]
    return found is not None and found[0] <= at < found[1]


_TURN = re.compile(r"\b(?:but|however|though|although|except|apart\s+from|other\s+than|only|have|has|had)\b", re.I)


# a drug naming a study: "the topotecan plus etoposide GOG study", "the AZT + IFN-alpha combination study",
# "referral for the gemtuzumab ozogamicin study", "the CAR-T lupus trial"
# ("the gemcitabine +/- CI-994 study", "the induction chemotherapy followed by chemoradiation protocol")
# ("your gemcitabine-docetaxel study", "the chemo-first study": treatments joined by a hyphen, or one that comes first)
_STUDY_NAMED_AFTER = re.compile(r"(?:[\s–-]*(?:\+/-|±|\+|plus|and|with|or|without|/|vs\.?|versus|followed\s+by|then)[\s–-]*[\w-]+(?:\s+[\w-]+)?"
                                r"|[–-][A-Za-z]\w*){0,4}"
                                # ("Novantrone–Navelbine first-line trial": the line of treatment the study is)
                                r"(?:[\s-]+(?:alpha|beta|ozogamicin|combination|regimen|arm|lupus|cell|cells|first|based|phase\s+\w+|"
                                r"(?:first|second|third|front)[\s-]?line|salvage|maintenance|(?:neo)?adjuvant|"
                                r"(?-i:[A-Z]{2,6}))){0,2}\s+(?:(?:clinical|research|investigational|experimental)\s+)?(?:study|trial|protocol"
                                # ... or the screening for it: "GC012F CD19/BCMA CAR-T screening", "CAR-T work-up"
                                r"|pre-?screening|pre-?screen|screening|work-?up|candidacy|eligibility\s+(?:assessment|visit|screen)"
                                # ... and in the writer's language: "CD19/BCMA CAR-T 임상시험", "CAR-T 临床试验", "CAR-T-Studie"
                                r"|estudio|ensayo|étude|essai|studie|studio|sperimentazione|estudo|ensaio|onderzoek|badanie|"
                                r"исследовани\w*|испытани\w*|临床试验|臨床試驗|臨床試験|治験|試験|임상시험|연구)(?!\w)", re.I)
# a treatment naming a study right after the study's team and a comma, in an address: "To: Study team, CD19-BCMA
# CAR-T (lupus), Nairobi", "attention study team, CAR-T in SLE" (not "per study team, prednisolone 5 mg continues",
# nor after a label: "Research nurse: rituximab given 2023")
_STUDY_TEAM_BEFORE = re.compile(r"\b(?:to|attn|attention|for\s+the\s+attention\s+of)\s*[:.]?\s*(?:the\s+)?"
                                r"(?:study|trial|research|screening)\s+(?:team|unit|nurses?|coordinators?|office|group|"
                                r"doctors?|staff|programme|program)\s*,\s*(?:the\s+)?(?:[A-Za-z0-9]+[-/])*$", re.I)
# a study's treatments in brackets after its name: "the study (cetuximab with radiation then more chemo)",
# "AIDS-related lymphoma protocol (liposomal doxorubicin)" (not a trial taken part in: "a trial (got nivolumab)")
_A_TEST_STUDY = (r"(?<!sleep )(?<!swallow )(?<!swallowing )(?<!conduction )(?<!emg )(?<!urodynamic )(?<!motility )(?<!stress )"
                 r"(?<!doppler )(?<!imaging )(?<!flow )(?<!genetic )(?<!ep )(?<!electrophysiology )(?<!nerve )(?<!contrast )"
                 r"(?<!barium )(?<!nuclear )(?<!echo )(?<!vascular )(?<!lab )(?<!blood )(?<!urine )(?<!iron )(?<!viral )")  # tests called studies
_STUDY_BRACKET_BEFORE = re.compile(r"\b(?:" + _A_TEST_STUDY + r"study|trial|protocol)\s*"
                                   # the study's code name between: "clinical trial GC012F (CD19/BCMA CAR-T, ...)", "Study: GC012F ("
                                   r"(?::\s*)?(?:(?-i:[A-Z][A-Z0-9-]{2,})\s*)?"
                                   # ... or where it is run: "gynaecological oncology trial unit (gemcitabine for ...)"
                                   r"(?:(?:unit|centre|center|site|team|programme|program|clinic|office|group)\s*)?\((?![^()]*\b(?:received|had|got|took|given|was\s+on|completed|"
                                   r"finished|stopped|treated|enrolled)\b)[^()]{0,80}$", re.I)
# an illness naming a study's topic: "AIDS-related lymphoma protocol", "the lupus CAR-T trial", "a breast cancer study"
_TOPIC_OF_STUDY = re.compile(r"(?:-(?:related|associated)|\s+(?!(?:the|a|an|this|that|since|for|in|during|before|after|of|and|or|"
                             r"to|from|with|at|on|my|his|her|their|our|your|was|is|were|be|been|has|have|had|not|no)\b)[A-Za-z][\w-]*)"
                             r"{0,3}?\s+(?:" + _A_TEST_STUDY + r"study|trial|protocol)\b", re.I)
# ... dated in the past ("aged 2", "as a toddler", "in 2009") and not back since ("; no seizures since", "none since")
# a symptom scale's item read with its score, on a line naming a questionnaire ("DASS-21: depression 4 (normal),
# anxiety 8 (mild)", "HADS depression 4", "Depression score 19"): a measure of symptoms, not a diagnosis; a score
# labelled normal says the symptom is not there
_SCALE_LINE = re.compile(r"\b(?:phq|gad|dass|hads|bdi|bai|epds|madrs|ham-?[da]|cesd|ces-d|k10|k6|pcl|audit|questionnaire|"
                         r"inventory|subscales?|scales?|screening\s+tool)\b", re.I)
_SCORE_AFTER = re.compile(r"[ \t]*(?P<word>(?:sub)?scale|score|index|domain)?[ \t]*[:=]?[ \t]*\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?"
                          r"(?=[ \t]*(?:\(|,|;|\.(?!\d)|\)|$))(?:[ \t]*\((?P<label>[^()\n]{1,30})\))?", re.I | re.M)
_NORMAL_LABEL = re.compile(r"^\s*(?:normal|minimal|none|nil|not\s+\w+|no\s+\w+|negative|within\s+normal\s+(?:limits|range)|wnl|"
                           r"sub-?clinical|below\s+(?:the\s+)?(?:cut-?off|threshold))\s*$", re.I)


def _scale_score(doc: Doc, ent: Span) -> str | None:
    """ "normal" or "score" when a condition is a symptom scale's item with its score, else None."""
    text = doc_text(doc)
    m = _SCORE_AFTER.match(text, ent.end_char)
    if not m:
        return None
    line = text[text.rfind("\n", 0, ent.start_char) + 1 : ent.start_char]
    if not (m.group("word") or _SCALE_LINE.search(line)):
        return None
    return "normal" if m.group("label") and _NORMAL_LABEL.match(m.group("label")) else "score"


_NUMBER_WORDS = {w: n for n, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                                               "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                                               "nineteen", "twenty"), 1)}
# the patient's age when something happened ("Concussion playing hockey at 16", "asthma as a child, aged 7",
# "when I was 12"): as long ago as the years since, when the patient's age now is known
_AT_AGE = re.compile(r"\b(?:(?:at|aged?)\s+(?:the\s+)?(?:age\s+(?:of\s+)?)?|when\s+(?:i|he|she|they)\s+(?:was|were)\s+)(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b"
                     r"(?!\s*(?:[-–/:.,]\s*\d|%|mg|kg|g\b|ml|cm|mm|weeks?|wks?|months?|mo\b|days?|hours?|hrs?|h\b|minutes?|mins?|"
                     r"a\.?m\b|p\.?m\b|o['’]?clock|this\b|last\b|yesterday|today|tonight|tomorrow|in\s+the\b|sharp|x\b|times\b))", re.I)


def _at_age(doc: Doc, ent: Span, clause: tuple[int, int], age: float | None) -> float | None:
    """Days since the age the mention's ``clause`` gives for it ("epilepsy at 16"), or None."""
    if age is None:
        return None
    start, end = clause
    text = doc_text(doc)
    m = _AT_AGE.search(text, ent.end_char, min(end, ent.end_char + 40)) or _AT_AGE.search(text, max(start, ent.start_char - 30), ent.start_char)
    if m is None or re.search(r"\b(?:since|from|onset|began|started)\b[^.;:\n]{0,12}?[\s(]*$", text[max(0, m.start() - 26) : m.start()], re.I):
        return None  # "since age 14", "SLE onset R2 (age 12)": when it began, not when it was
    when = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1).lower()]
    return (age - when) * 365.25 if 0 < when < age else None


# the qualitative result written after an hCG test ("Urine hCG positive today", "beta-hCG: negative")
_HCG_RESULT = re.compile(r"[\s:=(-]*(?:(?:today|now|this\s+morning|yesterday|on\s+[\d/.-]{3,10}|[\d/.-]{3,10})[\s:=(-]*)?"
                         r"(?:(?:was|is|came\s+back|test|result)\s+){0,2}"
                         r"(positive|pos|reactive|detected|negative|neg|not\s+detected|undetectable)\b", re.I)


# a treatment the patient turned down ("She declined chemotherapy", "pt and family also decline surgery", "refused
# surgery and radiotherapy", "Surgery refused by the family"); not a value that fell ("eGFR declined on tacrolimus")
_DECLINED_BEFORE = re.compile(r"\b(?:declined|declines|decline|declining|refused|refuses|refuse|refusing|turned\s+down|"
                              r"opted\s+against|opted\s+out\s+of)\s+(?:to\s+(?:have|undergo|take|start|receive|get|try)\s+)?"
                              r"(?:(?:the|any|all|further|more|a|an|his|her|their|my|our|adjuvant|definitive|salvage|standard|"
                              r"recommended|offered|proposed|planned)\s+)*"
                              r"(?:[\w/-]+(?:\s+[\w/-]+){0,2}(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)){0,2}$", re.I)
_DECLINED_AFTER = re.compile(r"\s*(?:(?:was|were|has\s+been|have\s+been|is|are)\s+)?(?:declined|refused)"
                             r"(?=\s*(?:[.;,)\n]|$|by\s+(?:the\s+)?(?:patient|pt|family|parents?|him|her|mother|father|husband|wife)\b))", re.I)


# a line telling someone when to call for help lists what to call about, not what the patient has
_CALL_FOR_HELP = re.compile(r"\b(?:(?:knows?|told|needs?|remember|advised|instructed|reminded)\s+to\s+(?:call|phone|ring)|please\s+(?:call|phone|ring)|"
                            r"(?:call|phone|ring)\s+(?:911|999|000|112|an\s+ambulance|us\b|the\s+(?:\w+\s+){0,2}(?:line|team|nurse|number|unit|clinic)|"
                            r"your\s+(?:doctor|team|nurse|gp))|(?:call|phone|ring)\s+(?:immediately\s+)?if\b|seek\s+(?:urgent|medical|emergency)\s+(?:help|care|attention))", re.I)


_SAID_TO_HAVE = re.compile(r"\b(?:has|have|had|having|with|diagnosed|known|suffers?|living)\b", re.I)


# a pregnancy spoken of in general, not one now: "any pregnancy", "a future pregnancy", "for a pregnancy"
_SOME_PREGNANCY = re.compile(r"\b(?:any|future|next|another|subsequent|each|every|later|possible|potential|planned|desired|"
                             r"wanted|for\s+a|plan\s+a|try\s+for\s+a|consider\s+a)\s+$", re.I)


# what says an illness dated long ago goes on ("HIV since 2010, still on ART"); and "off all meds since 2016, no
# recurrence", whose "since" says it is over
_GOES_ON = re.compile(r"\b(still|ongoing|current\w*|(?<!not )now|(?<!free )(?<!none )(?<!nothing )(?<!not )(?<!never )since|persist\w*|"
                      r"(?<!not )(?<!in)active)\b", re.I)
# "off it since", "in remission since", "fine since then", "well ever since": over, and well since
_OFF_SINCE = re.compile(r"\b(?:off|stopped|no|without|free\s+of|clear\s+of|remission|resolved|fine|well|ok|okay|good|healthy|"
                        r"recovered)\b[^.;,]{0,25}\bsince\b", re.I)


# a forum post's sign-off: "TIA, and sorry for the essay", "TIA!", "Thanks all, TIA x" (thanks in advance)
_TIA_SIGN_OFF = re.compile(r"\s*(?:!|,?\s*(?:and\s+)?(?:sorry|thanks|thank\s+you|x{1,3}\b|everyone|all\b|ladies|folks|guys|in\s+advance))", re.I)
_THANKS_BEFORE = re.compile(r"\b(?:thanks|thank\s+you|thx|ty)\b[\s,.!]*(?:(?:all|everyone|again)[\s,.!]*)?(?:and\s+)?$", re.I)
# a line that names the study: "Protocol: G-CSF mobilization / stem cell handling", "Study title: A Phase II Study of ..."
_STUDY_LABEL_LINE = re.compile(r"\s*(?:[-•*]\s*)?(?:(?:the\s+)?(?:study|trial|protocol)(?:\s+(?:title|name|number|no\.?|id|code|"
                               # "Study pre-screen: lamivudine/zidovudine +/- 1592U89 (naive patients)"
                               r"pre-?screen(?:ing)?|screening|eligibility|arm|drugs?|regimen|treatment))?|"
                               r"(?:research|clinical)\s+(?:study|trial|protocol)(?:\s+(?:title|name))?)\s*[:\-–]\s", re.I)
# a trial being joined, not one taken part in: "This month she begins a clinical trial", "about to start the trial"
_BEGINS_STUDY = re.compile(r"\b(?:begins?|beginning|will\s+begin|starts?|starting|will\s+start|about\s+to\s+(?:start|begin|join|enter)|"
                           r"joining|will\s+join|to\s+join|enrolling\s+in|will\s+enrol+|to\s+enrol+\s+in|entering|will\s+enter)\s+"
                           r"(?:in\s+|into\s+)?(?:a|an|the|this|her|his|their)?\s*(?:new\s+)?$", re.I)
# the drugs a study is named by, after its name: "the study for cisplatin and irinotecan", "trial of X/Y"
_STUDY_OF_BEFORE = re.compile(r"(?<!\bin )(?<!\bon )(?<!\binto )\b(?:the|this|your)\s+(?:\w+\s+)?(?:study|trial|protocol)\s+(?:for|of|with|using|testing|comparing)\s+"
                              r"(?:[\w-]+(?:\s*,\s*|\s+(?:and|or|and/or|plus|with|without|with\s+or\s+without|vs\.?|versus|"
                              r"followed\s+by|then|alone\s+or\s+with)\s+|\s*[/+]\s*))*$", re.I)
# what the study is said to be for, to its sentence's end: "the study is for people over 60 with untreated aggressive
# lymphoma and oral combination chemotherapy" (the study's treatment, not one had)
_STUDY_IS_FOR = re.compile(r"\b(?:the|this|that|your)\s+(?:\w+\s+)?(?:study|trial|protocol)\s+(?:is|are|was|would\s+be|will\s+be)\s+"
                           r"(?:for|about|testing|using|giving|comparing|looking\s+at)\b[^.;:!?\n]*$", re.I)
# what was explained or discussed with the patient: the first sentence of a line that opens so ("Explained phase II trial
# design", "Education: leukapheresis explained ..."), or an item naming risks listed under such a lead-in ("Discussed
# with Pt and husband ...:" then "- CRS, ICANS, infections, ..., unknown long-term risks")
_DISCUSSED_VERB = r"(?:discussed|explained|counsell?ed|reviewed\s+with\s+(?:the\s+)?(?:pt|patient)|informed\s+(?:about|of|on))\b"
_DISCUSSED_LEAD = re.compile(r"[ \t]*(?:[-•*–][ \t]*|\d{1,2}[.)][ \t]*)?(?:(?:risks?|side[ -]effects?|procedure|study|consent)\s+)?"
                             + _DISCUSSED_VERB, re.I)
_EDUCATION_LEAD = re.compile(r"[ \t]*(?:[-•*–][ \t]*)?(?:education|teaching|counsell?ing)\b[^:\n]{0,30}:", re.I)
_LIST_ITEM = re.compile(r"[ \t]*(?:[-•*–]|\d{1,2}[.)])[ \t]")
_SENTENCE_BREAK = re.compile(r"[.;!?](?:\s|$)")
_RISKS = re.compile(r"\b(?:risks?|side[ -]effects?|complications?|adverse\s+(?:effects?|events?|reactions?))\b", re.I)


def _discussed(text: str, at: int) -> bool:
    """Whether ``at`` lies in the first sentence of a line that says what was explained or discussed
    ("Explained phase II trial design", "Education: leukapheresis explained in Arabic (4-6 h, 2 cannulae)"; not
    "Education completed: ... flu shot - got it 10/2026"), or on an item naming risks in a list under a lead-in that
    does ("Discussed with Pt and husband ...:" then "- CRS, ICANS, infections, ..., unknown long-term risks"; not
    "Checklist discussed:" then "- Vaccines: flu (inactivated) 02/10/2026")."""
    start = text.rfind("\n", 0, at) + 1
    if not _SENTENCE_BREAK.search(text, start, at):
        first = text[start : (m.start() if (m := _SENTENCE_BREAK.search(text, at)) else len(text))]
        if _DISCUSSED_LEAD.match(first) or (_EDUCATION_LEAD.match(first) and re.search(_DISCUSSED_VERB, first, re.I)):
            return True
    end = text.find("\n", at)
    if not _LIST_ITEM.match(text, start) or not _RISKS.search(text, start, len(text) if end < 0 else end):
        return False  # (an item of what was discussed that is no list of risks may be the patient's own: "- Vaccines: flu 02/10")
    while start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        line = text[prev : start - 1]
        if _LIST_ITEM.match(line):
            start = prev
            continue
        return bool(re.search(_DISCUSSED_VERB, line, re.I)) and line.rstrip().endswith(":")
    return False


# a treatment the help or travel arranged is for: "transport from Salinas for daily radiation", "lodging for the infusion"
_ARRANGED_FOR = re.compile(r"\b(?:transport|transportation|travel|ride|rides|lift|lifts|accommodation|lodging|housing|parking|"
                           r"bus\s+fare|taxi)\b[^.;\n]{0,40}\bfor\s+(?:the\s+|her\s+|his\s+|their\s+|daily\s+|each\s+|every\s+)*$", re.I)
# a denial limited to a site: "no CMV in the eyes", "never had CMV in eyes, gut or throat"
_AT_A_SITE = re.compile(r"\s+(?:in|of)\s+(?:the\s+|his\s+|her\s+|my\s+|both\s+)?(?:eyes?|gut|throat|lungs?|urine|brain|retinas?|"
                        r"liver|colon|bowel|skin|stool|csf|marrow|mouth|stomach)\b", re.I)


# consent signed for a study: the trial being applied to, not one taken part in before
_CONSENT_TO_STUDY = re.compile(r"\b(?:signed|gave|given|provided|obtained|signing)\s+(?:the\s+|her\s+|his\s+|their\s+)?(?:informed\s+)?"
                               r"consent(?:\s+form)?\b[^.;\n]{0,60}\b(?:for|to|into)\s+(?:the|this)\b[^.;\n]{0,60}\b(?:study|trial)\b", re.I)


def _sentence_bounds(doc: Doc, ent: Span) -> tuple[int, int]:
    """The sentence around a mention: back to and up to a full stop (not a decimal point), "!", "?" or a line break."""
    marks = doc.user_data.get("sentence_marks")
    if marks is None:  # found once per document
        marks = doc.user_data["sentence_marks"] = [m.start() for m in re.finditer(r"[.!?](?!\d)|\n", doc_text(doc))]
    before = bisect_right(marks, ent.start_char - 1)
    after = bisect_left(marks, ent.end_char)
    return (marks[before - 1] + 1 if before else 0), (marks[after] if after < len(marks) else len(doc_text(doc)))


_HAVING = re.compile(r"\b(?:have|has|had|having|got|gets|get|diagnos\w*|dx|with|suffer\w*|positive|confirmed|again|flare\w*|"
                     r"caught|developed|started|is|was|am|are|were)\b|['’](?:s|ve|m)\b", re.I)


def _exclaimed(doc: Doc, ent: Span) -> bool:
    """A mention in an exclamation that says nothing of having it ("Syphilis at my age, I ask you!",
    "Epilepsy, of all things!"): a remark, most often on a test just denied, not a finding."""
    start, end = _sentence_bounds(doc, ent)
    text = doc_text(doc)
    return end < len(text) and text[end] == "!" and not _HAVING.search(text, start, end)


# "TLD is tenofovir, lamivudine and dolutegravir", "Biktarvy, which contains ...": what a named medicine is made
# of, said of the medicine (not "my regimen is ...", "her ART consists of ...", which are taken; nor a note's
# "TLD = TDF/3TC/DTG daily", which most often spells out what is taken)
_CONTENTS = re.compile(r"(?P<name>\b[A-Za-z][\w/+-]*)(?:\s*,)?\s+(?:(?:which|that)\s+)?(?:is|are|contains?|consists\s+of|"
                       r"(?:is|are)\s+made\s+(?:up\s+)?of|(?:is|are)\s+(?:a\s+|the\s+)?(?:combination|mix|mixture|combo)\s+of|"
                       r"combines)\s+(?:(?:the\s+|three\s+|two\s+)?(?:drugs?|medicines?|medications?)\s+)?", re.I)
_TAKEN_SUBJECT = re.compile(r"\b(?:my|his|her|their|our|your|current|present|patient['’]s)\s+(?:[\w-]+\s+){0,2}$", re.I)
_REGIMEN_WORDS = {"art", "haart", "cart", "arv", "arvs", "arvt", "tx", "rx", "meds", "regimen"}  # "ART is TDF and 3TC": what is taken
_LISTED = re.compile(r"(?:[\w/+-]+(?:\s+\([^()]*\))?\s*(?:,|\+|/|\band\b|&)\s*)*", re.I)


def _names_contents(doc: Doc, ent: Span) -> bool:
    """A drug named as what another medicine is made of ("The doctor said TLD is tenofovir, lamivudine and
    dolutegravir together in one tablet"): whether it is taken is said of that medicine, not here. The
    medicine is a name matcher does not read as an English word ("TLD", "Triumeq"), not "my ART"; the drug
    is the first after the cue or one listed after it."""
    start, _ = _sentence_bounds(doc, ent)
    text = doc_text(doc)
    head = text[start : ent.start_char]
    for m in _CONTENTS.finditer(head):
        name = m.group("name")
        if not _LISTED.fullmatch(head[m.end():]):
            continue
        if not any(ch.isupper() for ch in name) or (name.lower() in english_words() and not name.isupper()) \
                or name.lower() in _REGIMEN_WORDS or _TAKEN_SUBJECT.search(head[: m.start("name")]):
            return False
        return True
    return False


def _answered(doc: Doc, ent: Span) -> str | None:
    """"no" or "yes" when the mention is in a question and the answer after it says so ("one of them" when
    the question lists several and the answer is yes); None otherwise."""
    start, end = _sentence_bounds(doc, ent)
    answer = question_answer(doc_text(doc), end)
    if answer == "yes":
        # ("Mental/nervous disorder, depression, anxiety? YES - see 3a": a yes to a list says one of them at least)
        asked = [e for e in _ents(doc) if start <= e.start_char and e.end_char <= end and e.label_ in ("CONDITION", "THERAPY")]
        return "yes" if len(asked) == 1 else "one of them"
    return answer


_BEFORE_TREATMENT = re.compile(r"\b(?:before|prior\s+to|ahead\s+of|in\s+(?:preparation|advance|readiness)\s+(?:for|of))\s+"
                               r"(?:(?:the|his|her|their|my|starting|start\s+of|beginning\s+of|any)\s+){0,2}$", re.I)
_DATED_AFTER = re.compile(r"[^.;\n]{0,25}?(?:\b(?:19|20)\d\d\b|\d{1,2}[/.]\d{1,2}|\b(?:ago|last|in\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))", re.I)


# a study named by what it gives: "suitable for the phase I study of irinotecan with cyclosporine and phenobarbital",
# "referred to a trial of nivolumab" (not one taken part in: "she completed a trial of nivolumab in 2022")
# (a bare "trial of" is also a treatment tried: "a trial of prednisone helped her rash")
_STUDY_OF = re.compile(r"(?:\b(?:study|protocol)|\b(?:clinical|phase\s+[\w/]+|randomi[sz]ed|research|investigational|experimental|"
                       r"this|your|our)\s+trial)\s+(?:of|with|using|testing|evaluating|investigating|comparing)\s+", re.I)
_TOOK_PART = re.compile(r"\b(?:completed|finished|was\s+(?:on|in)|were\s+(?:on|in)|is\s+(?:on|in)|enrolled|participated|"
                        r"took\s+part|treated|received|had|got|stopped|discontinued|progressed|randomi[sz]ed|dosed)\b", re.I)
# ("In a clinical trial of anifrolumab until October 2026": the study the patient is in)
_IN_A_STUDY = re.compile(r"(?<!interested )(?<!interest )(?<!participate )(?<!participating )(?<!enrol )(?<!enroll )(?<!enrolling )"
                         r"(?<!enrolment )(?<!enrollment )(?<!place )(?<!spot )(?<!join )\b(?:in|on|from|during|since|after|into)\s+(?:a|an|the|this|that|one)?\s*(?:[\w-]+\s+){0,3}$", re.I)
_STUDY_DRUG_JOIN = re.compile(r"(?:\s|,|\+|/|\b(?:with|and|plus|or|versus|vs|followed\s+by|then|low-dose|high-dose|oral|"
                              r"intravenous|iv|weekly|daily|the|a|an)\b|\x00)*", re.I)


def _study_drug(doc: Doc, ent: Span) -> bool:
    """A drug that a study is named by ("the phase I study of irinotecan with cyclosporine"), in a sentence
    that does not say the patient took part in it."""
    start, _ = _sentence_bounds(doc, ent)
    text = doc_text(doc)
    cue = None
    for cue in _STUDY_OF.finditer(text, start, ent.start_char):
        pass
    if cue is None or _TOOK_PART.search(text, start, cue.start()) or _IN_A_STUDY.search(text, start, cue.start()):
        return False
    between = list(text[cue.end() : ent.start_char])
    for other in _ents(doc):  # the study's other drugs named before this one
        if other.label_ == "THERAPY" and cue.end() <= other.start_char and other.end_char <= ent.start_char:
            between[other.start_char - cue.end() : other.end_char - cue.end()] = "\x00" * len(other.text)
    return _STUDY_DRUG_JOIN.fullmatch("".join(between)) is not None


def _ents(doc: Doc) -> tuple[Span, ...]:
    """The document's entities, made once when its facts are read (:func:`_facts_from_doc`): ``doc.ents``
    builds every span anew at each call, which a text of thousands of mentions, asked once per mention,
    turned into minutes."""
    found = doc.user_data.get("ents")
    return tuple(doc.ents) if found is None else found


def _calls_for_help(doc: Doc, ent: Span) -> bool:
    """Whether a mention's sentence tells someone when to call for help, and does not say it is had before it
    ("She has a seizure disorder; call 911 if ..."). The instruction is looked for once per sentence."""
    start, end = _sentence_bounds(doc, ent)
    found = doc.user_data.setdefault("calls_for_help", {})
    if start not in found:  # where it first says something is had, if it calls for help; else None
        calls = _CALL_FOR_HELP.search(doc_text(doc), start, end)
        said = _SAID_TO_HAVE.search(doc_text(doc), start, end) if calls else None
        found[start] = (said.start() if said else end) if calls else None
    return found[start] is not None and found[start] >= ent.start_char


# an illness said over by a pronoun later in its sentence: "she had a gastric ulcer in 2019 from the painkillers, treated,
# and the endoscopy in September 2026 showed it healed", "a stomach ulcer that bled, they scoped her and it healed"
_HEALED_AFTER = re.compile(r"[^.;\n]{0,120}?\b(?:it|which|that)\s+(?:has\s+|had\s+|was\s+|is\s+)?(?:all\s+|completely\s+|fully\s+)?"
                           r"(?:healed|resolved|cleared(?:\s+up)?|went\s+away|gone(?=\s*(?:[.,;)!]|$|now\b|away\b|for\s+good\b)))\b",
                           re.I)  # ("it has gone to the liver": spread, not gone)
# "he had thrush back when he was diagnosed but not since", "shingles twice, never again since": had, and over
_NOT_SINCE = re.compile(r"[^.;\n]{0,50}?\b(?:but|and)\s+(?:not|none|never|nothing)\s+(?:again\s+|more\s+)?since\b", re.I)
# the event a denial counts from: "No vaccines since the flu jab in October", "no seizures since the surgery"
_SINCE_BEFORE = re.compile(r"\b(?:ever\s+)?since\s+(?:(?:the|my|her|his|their|that|this|a|an|last|her\s+last|his\s+last|my\s+last)\s+)?$", re.I)
# the answer after a dash or a colon: "Seizures — none since childhood", "Asthma: nil since 2010"
_ANSWERED_NONE_SINCE = re.compile(r"[ \t]*(?:[:–—-]|--)[ \t]*(?:none|nil|no(?:ne)?\s+(?:more|further|attacks?|episodes?))\s+since\b", re.I)
_NONE_SINCE = re.compile(r"[^.;\n]{0,20}?\b(?:aged?\s+\d+|at\s+(?:age\s+)?\d+|at\s+the\s+age\s+of\s+(?:\d+|" + "|".join(_NUMBER_WORDS) + r")|as\s+an?\s+(?:child|toddler|baby|infant|teen(?:ager)?|kid)|"
                         r"in\s+(?:childhood|infancy)|(?:19|20)\d\d|\w+\s+years?\s+ago)\b[^.;\n]{0,10}?[;,]\s*"
                         r"(?:(?:with\s+|and\s+)?(?:(?:i|she|he|they)\s+(?:have|has)\s+had\s+|there\s+(?:have|has)\s+been\s+)?"
                         r"(?:no|nil|none|never\s+any)\b[^.;\n]{0,30}?\bsince\b|(?:\w+[\s-]+)?free\s+since\b)", re.I)


_NO_ALLERGIES = re.compile(r"\b(nkda|no\s+known\s+(?:drug\s+)?allergies|no\s+(?:drug\s+|medication\s+)?allergies|"
                           r"(?:not|isn't|is not|am not|'m not)\s+allergic\s+to\s+anything|no\s+allergy)\b(?!\s+(?:else|other))"
                           r"(?![\s,:-]*(?:except|apart\s+from|other\s+than|besides|aside\s+from|but|save))", re.I)


def _allergen(doc: Doc, ent: Span) -> bool:
    """ "allergic to penicillin", "penicillin allergy", "Allergies: penicillin (rash), sulfa": the therapy is an
    allergen, not a treatment."""
    start, _ = clause_of(doc, ent)
    before = doc_text(doc)[max(start, ent.start_char - 40) : ent.start_char]
    after = doc_text(doc)[ent.end_char : ent.end_char + 12]
    return bool(re.search(r"(allerg\w*|hypersensitiv\w*|intoleran\w*|anaphyla\w*)\s+(?:reaction\s+)?(?:to|with|"
                          r"(?:except|apart\s+from|other\s+than|besides|but)(?:\s+(?:for|to))?)\s+(?:\w+\s+(?:or|and|,)\s+)*$", before, re.I)
                or re.match(r"[\s-]*(allerg\w*|hypersensitivity|intolerance)\b", after, re.I)
                or _under_allergy_heading(doc_text(doc), ent.start_char))


# a heading that lists allergies: "Allergies:", "Drug allergies -", "ALLERGIES (pt-reported):", "Intolerances:", "ADR:",
# "Alergias:", "Allergien:", "Alergii:"
_ALLERGY_HEADING = re.compile(r"\b(?:(?:known|drug|medication|medicine)\s+)?(?:allerg(?:y|ies|ic(?:\s+reactions?)?(?:\s+to)?)|"
                              r"intolerances?|adverse\s+(?:drug\s+)?reactions?|ADRs?|alerg(?:ias?|ii|ie|ije|je)|allergien)"
                              r"\s*(?:\([^()\n]{0,40}\)\s*)?(?::|=|[-–—](?=\s))", re.I)
# what ends the list a heading opens, or shows a name in it is no allergen: a sentence's or line's end, a ';', another
# heading ("Meds:"), a denial ("none", "NKDA", "negadas"), a drug taken, tolerated or treating ("only hay fever, she takes
# cetirizine", "urticaria 2018, resolved with antihistamine")
_ALLERGY_LIST_ENDS = re.compile(r"[.!?](?:\s|$)|\n|;|\b[A-Za-z][\w/]*\s*:|\b(?:none|nil|nkda|nka|no|not|never|nothing|"
                                r"tolerat\w*|takes?|took|taking|tablets?|uses?|used|using|on|given|gets?|got\s+better|"
                                r"received?|had|has|have|was|were|is|are|instead|but|except|apart|besides|resolved|treated|"
                                r"relieved|settled|managed|negad[ao]s?|negativ[eo]s?|nega|niega|keine|aucune|nessuna|ninguna|"
                                r"nenhuma|geen)\b", re.I)


def _under_allergy_heading(text: str, at: int) -> bool:
    """Whether the name at ``at`` is listed under an allergy heading earlier on its line, with nothing between
    them that ends the list (``_ALLERGY_LIST_ENDS``)."""
    headings = list(_ALLERGY_HEADING.finditer(text, text.rfind("\n", 0, at) + 1, at))
    return bool(headings) and not _ALLERGY_LIST_ENDS.search(text, headings[-1].end(), at)


def _dose(doc: Doc, ent: Span) -> float | None:
    """Milligrams a day written beside a drug: "prednisone 10 mg daily", "60 mg a day of prednisone"."""
    from .nlp.doses import read_doses

    start, end = clause_of(doc, ent)
    for d in read_doses(doc_text(doc)[start:end]):
        d_start, d_end = start + d.start, start + d.amount_end
        gap = doc_text(doc)[ent.end_char : d_start]
        # "prednisone 10 mg daily", "prednisone weaned down to 7.5 mg daily"
        after = d_start >= ent.end_char and (len(gap) <= 12 or bool(re.fullmatch(r"[\s,]*" + DOSE_CHANGED, gap, re.I)))
        before = 0 <= ent.start_char - d_end <= 12 and re.fullmatch(r"[\s]*(?:of\s+)?", doc_text(doc)[d_end : ent.start_char])
        if (after or before) and d.mg_per_day is not None:
            return d.mg_per_day
    return None


def _elided(doc: Doc, ent: Span) -> list[str]:
    """Concepts written by a letter after a shared name: "hepatitis B/C", "hepatitis B and C", "HIV-1/2"."""
    from .nlp.lexicon import lookup

    words = ent.text.split()
    if len(words) < 2 or len(words[-1]) != 1:
        return []
    # "hep b n c neg": a lowercase letter after a lowercase one (b to e: "a" is the article)
    letter = r"[A-Z]|[b-e]" if words[-1].islower() else r"[A-Z]"
    m = re.match(r"\s*(?:/|,|and|or|&|n)\s*(" + letter + r")\b", doc_text(doc)[ent.end_char : ent.end_char + 8])
    if not m:
        return []
    found = lookup(" ".join(words[:-1] + [m.group(1).upper()]))
    return [found[1]] if found and found[0] == "CONDITION" and found[1] != ent.ent_id_ else []


# "after my first pregnancy", "during her last pregnancy", "two pregnancies": a pregnancy as a past event
# ("in her second pregnancy" is the one she is in)
_PREGNANCY_EVENT = re.compile(r"\b(?:(?:after|since|before|following|from|during)\s+(?:my|her|the|a|each|both|every)\s+"
                              r"(?:(?:first|second|third|fourth|last|previous|prior|earlier|older|\d(?:st|nd|rd|th))\s+)?"
                              r"|(?:my|her|a|the)\s+(?:last|previous|prior|earlier)\s+)$", re.I)


def _past_pregnancy(doc: Doc, ent: Span) -> bool:
    """A pregnancy named as an event of the past: by an ordinal or a preposition of time before
    the noun ("a few months after my first pregnancy"), or in the plural ("three pregnancies")."""
    text = ent.text.lower()
    if not text.startswith("pregnanc"):
        return False  # "pregnant", "expecting": a state, read by its own tense
    if text.endswith("pregnancies"):
        return True
    before = doc_text(doc)[max(0, ent.start_char - 40) : ent.start_char]
    return bool(_PREGNANCY_EVENT.search(before)) and not _THIS_PREGNANCY.search(before)


_THIS_PREGNANCY = re.compile(r"\b(?:current|this|present|ongoing)\s+$", re.I)  # "in her current pregnancy": the one now


# what makes the noun "pregnancy" a pregnancy now: "current pregnancy", "pregnancy (20/40)", "Pregnancy: yes",
# "an ongoing pregnancy", "pregnancy at 12 weeks", "her pregnancy is going well"
_PREGNANCY_NOW = re.compile(r"\b(?:current|currently|ongoing|this|present|confirmed|viable|intrauterine|early|"
                            r"\d+\s*(?:weeks?|wks?|/40)|\d+\+\d|trimester|yes|positive|due|expecting|is\s+going|"
                            r"is\s+progressing|so\s+far|now|stages?\s+of|weeks?\s+of|months?\s+of|late|third|second)\b", re.I)


def _bare_pregnancy_noun(doc: Doc, ent: Span) -> bool:
    """The noun "pregnancy" with nothing in its clause that makes it one now ("Contraception/pregnancy - copper IUD
    fitted", "pregnancy counselling"): a topic named, not a state asserted."""
    if not ent.text.lower().startswith("pregnanc"):
        return False
    start, end = clause_of(doc, ent)
    return not _PREGNANCY_NOW.search(doc_text(doc), start, end)


def _ended_by_birth(doc: Doc, ent: Span) -> bool:
    """"I looked after her through her pregnancy and the postpartum period": in a text that speaks of
    the birth, the pregnancy named is the one that ended (one now is said "pregnant", or "this pregnancy")."""
    if not ent.text.lower().startswith("pregnanc") or _THIS_PREGNANCY.search(doc_text(doc), max(0, ent.start_char - 20), ent.start_char):
        return False
    if "delivered" not in doc.user_data:  # (looked for once per text)
        doc.user_data["delivered"] = bool(_DELIVERED.search(doc_text(doc)))
    return doc.user_data["delivered"]


_DELIVERED = re.compile(r"\b(?:post-?partum|post-?natal|puerperi(?:um|al)|gave\s+birth|delivered|c-section|"
                        r"c(?:a)?esarean\s+(?:section|delivery)|lscs|weeks?\s+after\s+(?:the\s+)?(?:birth|delivery))\b", re.I)


# a condition named by its test ("HBsAg", "PPD", "HIV antibody", "RPR"): asserted only by a positive result
TEST_NAME = re.compile(r"\b(?:tests?|testing|serology|serologies|screen|panel|profile|antibod(?:y|ies)|antigen|ab|ag|pcr|dna|rna|titer|titre|"
                        r"elisa|hbsag|anti-hbc|anti-hcv|hbcab|ppd|rpr|vdrl|tppa|tpha|fta-abs|igra|quantiferon|t-spot|tst)\b", re.I)
_TEST_AFTER = re.compile(r"[\s-]*(?:panel|profile|tests?|testing|serology|serologies|screen|screening|titer|titre|"
                         r"antibod(?:y|ies)|pcr|viral load|ag|ab|igg|igm|dna|rna)\b", re.I)
# ("HIV DNA PCR positive": a test may be named in two words)
_POSITIVE_AFTER = re.compile(r"[\s:=(—–-]*(?:(?:ab|ag|ag/ab|antibod(?:y|ies)|antigen|igg|igm|rna|dna|pcr|viral\s+load|serology)[\s:=()]+(?:(?:igg|igm)\s*\)\s*)?){0,2}"
                             # ("HIV test on the 24th, positive": the day it was taken, then its result)
                             r"(?:(?:on|of|from|dated)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?(?:[/.-]\d{1,2}(?:[/.-]\d{2,4})?)?[\s,:]+)?"
                             r"(?:(?:was|is|were|are|came back|came out|came up|turned out|showed|test(?:ed)?|result|results|screen)\s+){0,2}"
                             r"(?:\+|pos\b|positive|reactive|detected|detectable|confirmed|полож\w*|"
                             r"[1-9]\d*(?:[.,]\d+)?\s*(?:(?:million|thousand)\s*)?(?:iu|copies|cop|c/ml|log))", re.I)


def _positive_result(doc: Doc, ent: Span) -> bool:
    """A positive result written with a test's name: "HBsAg positive", "positive PPD", "HIV+",
    "tested positive for HIV", "HBV DNA 2,400 IU/mL"."""
    text = doc_text(doc)
    if re.search(r"\+|\b(?:positive|pos|reactive|seropositive)\b", ent.text, re.I):
        return True
    before = text[max(0, ent.start_char - 25) : ent.start_char]
    return bool(_POSITIVE_AFTER.match(text, ent.end_char)
                or re.search(r"\b(?:positive|reactive)\s+(?:for\s+|on\s+)?(?:an?\s+|the\s+)?$", before, re.I))


# (a document's kind may come between: "NURSING TRANSFER SUMMARY", "Nursing admission assessment")
_NURSING_WORK = re.compile(r"[\s-]+(?:(?:transfer|admission|admitting|discharge|progress|intake|triage|handoff|daily|initial|"
                          r"follow[\s-]?up|pre[\s-]?op|post[\s-]?op|shift|ward|clinic|narrative|education|care)[\s-]+)?(?:school|home|homes|student|students|staff|assistant|aide|degree|job|care|facility|"
                          r"program|programme|course|shift|shifts|license|licence|career|college|practice|unit|"
                          r"assessment|assessments|diagnosis|diagnoses|plan|notes?|team|placement|specialist|handover|documentation|"
                          r"visits?|agency|agencies|services?|station|report|staff|records?|entry|entries|rounds?|summary|log|"
                          r"sheets?|chart|charting|letter|observations|obs|review|checklist|documents?|info|information|"
                          r"charges?|fees?|costs?|bills?|billing|tariffs?)\b"  # "Nursing charges as per tariff": a hospital's bill
                          r"|,\s+(?:\w+\s+){0,2}placement\b", re.I)


# "judged adequate by apheresis nursing", "per nursing": the nurses
_NURSING_STAFF = re.compile(r"\b(?:by|per|from|with|apheresis|oncology|infusion|dialysis|research|ward|clinic|floor|icu|"
                            r"transplant|cell\s+therapy|bsc|msc|ba|bs|degree\s+in|student|year|skilled|home\s+health|community|"
                            r"district|visiting|private\s+duty|note|notes|record|consult|assessment|form|entry)(?:\s+|\s*\(\s*)$",
                            re.I)  # ("HBO-V student (nursing)", "CONSULT NOTE (Nursing)")


# the bare word "nursing" is breastfeeding only where the text says so: a baby nursed ("nursing my
# 4-month-old", "nursing mother"), or the word as a state ("is nursing", "pregnant or nursing",
# "Pregnant/nursing: no"); elsewhere it is the profession ("Community Health Nursing", "nursing station")
_NURSED = re.compile(r"\s+(?:(?:her|my|his|the|a|our|their|your)\s+)?(?:\d+[\s-]*(?:week|month)s?[\s-]*old\s*)?"
                     r"(?:baby|babies|infant|newborn|son|daughter|twins?|child|little\s+one|boy|girl|mother|mom|mum|women|woman)\b", re.I)
_NURSING_STATE = re.compile(r"(?:\b(?:is|am|are|was|were|be|been|being|still|currently|now|not|stopped|started|quit|finished|ended|exclusively|"
                            r"partially|or|and|nor|while)|['’]m|['’]s|\(|"
                            # "pregnant, nursing", "Pregnant/nursing: no" (not "limited to room, nursing and routine tests")
                            r"(?:pregnan\w*|lactat\w*|breast[\s-]?feed\w*|post[\s-]?partum|gravid\w*)\s*[/,])\s*$", re.I)


def _nursing_profession(text: str, ent: Span) -> bool:
    """The LACTATION mention ``ent`` names the nursing profession, not breastfeeding."""
    if _NURSING_WORK.match(text, ent.end_char) or _NURSING_STAFF.search(text, 0, ent.start_char):
        return True
    if ent.text.lower() != "nursing":
        return False
    return not (_NURSED.match(text, ent.end_char) or _NURSING_STATE.search(text, max(0, ent.start_char - 20), ent.start_char)
                or ent.start_char == 0 or text[ent.start_char - 1] == "\n" or field_yes(text, ent.end_char))


# a patient who says they will not take part, sign, or come to the visits
_REFUSES = re.compile(
    r"\b(?:(?:does|do)\s+not|doesn['’]t|don['’]t)\s+want\s+to\s+(?:be\s+in|take\s+part\s+in|participate\s+in|join|enter|enroll\s+in)\s+"
    r"(?:the|this)\s+(?:study|trial)\b(?!\s+(?:that|which|with|where|if|unless))"
    # "declined to sign; does not want to take part": said of the study at hand, with nothing after
    r"|\b(?:(?:does|do)\s+not|doesn['’]t|don['’]t)\s+want\s+to\s+(?:take\s+part|participate|join|sign)(?=\s*(?:[.;,\n]|$))"
    r"|\b(?:refused|declined|refuses|declines)\s+to\s+sign(?=\s*(?:[.;,\n]|$))"
    # "he does not agree, he will not sign it", "refuses to sign anything"; "Mama herself does not want this study"
    r"|\b(?:will\s+not|won['’]t|would\s+not|wouldn['’]t|refuses?\s+to|refused\s+to|declines?\s+to|declined\s+to)\s+sign\s+"
    r"(?:it|anything|them|the\s+papers?|any\s+papers?|the\s+forms?)(?=\s*(?:[.;,\n—–-]|$))"
    r"|\b(?:(?:does|do)\s+not|doesn['’]t|don['’]t)\s+want\s+(?:this|the)\s+(?:study|trial)\b(?!\s+(?:that|which|with|where|if|unless))"
    r"|\b(?:will\s+not|won['’]t|would\s+not|wouldn['’]t|refuses?\s+to|refused\s+to|declines?\s+to|declined\s+to)\s+"
    r"(?:sign\s+(?:the\s+|any\s+)?(?:informed\s+)?consent|sign\s+the\s+(?:consent\s+)?form|give\s+(?:informed\s+)?consent|consent\s+to\s+(?:the|this)\s+(?:study|trial)|"
    r"participate\s+in\s+(?:the|this)\s+(?:study|trial)|take\s+part\s+in\s+(?:the|this)\s+(?:study|trial))"
    # "will not come to the follow-up visits", "won't be able to return for follow-up", "refuses follow-up visits"
    # ("he will not attend any visit in Bethesda", "is not willing to come to the study visits")
    r"|\b(?:(?:won['’]t|will\s+not)(?:\s+be\s+able\s+to)?|can\s*not|can['’]t|(?:is|am|are)\s+(?:not\s+able|unable|not\s+willing|unwilling)\s+to|"
    r"refuses?\s+to|refused\s+to|declines?\s+to|declined\s+to)\s+"
    r"(?:come\s+back|come|return|attend|travel\s+back|travel|go|make\s+it)"
    r"(?:\s+(?:here|there|(?:to|in)\s+(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?))?"  # ("come back to Nice for the follow-up visits")
    r"\s+(?:for|to)?\s*(?:the\s+|any\s+|all\s+)?(?:study\s+)?"
    r"(?:follow[\s-]?ups?|(?:study\s+)?visits?)\b(?!\s+on\b)"
    r"|\b(?:refuses|refused|declines|declined)\s+(?:the\s+|any\s+|all\s+)?(?:study\s+)?(?:follow[\s-]?ups?|visits)\b", re.I)


_CONTRACEPTION = r"(?:birth\s+control|contraception|contraceptives?|contraceptive\s+(?:measures|methods?))"
_REFUSES_CONTRACEPTION = re.compile(
    r"(?:\b(?:won['’]t|will\s+not|would\s+not)|(?:\b(?:is|am|are)|['’]m|['’]re)\s+(?:not\s+willing|unwilling)\s+to|\brefuses?(?:\s+to)?|"
    r"refused\s+to|declines?(?:\s+to)?|declined(?:\s+to)?|(?:does|do)\s+not\s+want\s+to|doesn['’]t\s+want\s+to|don['’]t\s+want\s+to)\s+"
    r"(?:(?:use|take|be\s+on|go\s+on|start)\s+)?"
    # (the methods she names first: "will NOT take the Depo or the pill or any contraception at all")
    r"(?:[^.;:!?\n]{0,60}?\b(?:or|nor)\s+)?(?:any\s+(?:other\s+)?(?:kind\s+of\s+|form\s+of\s+|type\s+of\s+)?)?" + _CONTRACEPTION +
    r"|\b" + _CONTRACEPTION + r"\s*:?\s*none[^.;]{0,40}\b(?:won['’]t|will\s+not|not\s+willing\s+to|refuses?\s+to)\s+use\s+(?:any|it)\b"
    # "about contraception: she does not want any — no spiral, no pills"
    r"|\b" + _CONTRACEPTION + r"\s*[:,-]?\s*(?:she|he|i|they|we)\s+(?:does\s+not|doesn['’]t|do\s+not|don['’]t)\s+want\s+(?:any|it)\b", re.I)


def _restated(doc: Doc, ent: Span) -> bool:
    """A broad condition word ("cancer", "infection") that its own clause names more narrowly
    ("Her only cancer history is a basal cell skin cancer", "his infection, a shingles flare")."""
    from .vocabulary import condition_ancestors

    start, end = clause_of(doc, ent)
    start, end = max(start, ent.start_char - 300), min(end, ent.end_char + 300)  # (a clause of a sane length)
    found = doc.user_data.get("_conditions")
    if found is None:  # once per document: a text of thousands of mentions asked again for each
        conditions = sorted((e for e in _ents(doc) if e.label_ == "CONDITION"), key=lambda e: e.start_char)
        found = doc.user_data["_conditions"] = (conditions, [e.start_char for e in conditions])
    conditions, firsts = found
    return any((other.start_char, other.end_char) != (ent.start_char, ent.end_char)
               and ent.ent_id_ in condition_ancestors(other.ent_id_) and not other._.is_family
               for other in conditions[bisect_left(firsts, start) : bisect_left(firsts, end)])


# a field's value about prevention or testing, not the illness: "Hepatitis B: vaccinated"
_PREVENTION_VALUE = re.compile(r"\s*(?:\w+\s+){0,2}?(?:vaccinated|vaccine|vaccination|immuni[sz]ed|immune|screened|screening|"
                               r"tested|test|titers?|titres?)\b", re.I)


_HARM_AFTER = re.compile(r"[\s-]*(?:necrosis|pneumonitis|proctitis|dermatitis|enteritis|colitis|cystitis|esophagitis|"
                         r"oesophagitis|mucositis|fibrosis|myelopathy|plexopathy|retinopathy|nephropathy|injury|damage|"
                         r"toxicity|toxicities|induced|associated|related|recall)\b", re.I)
# an abbreviation naming a person's role before their name ("by CRC L. Zhang", "per RN J. Smith")
_ROLE_BEFORE = re.compile(r"\b(?:by|per|from|cc|with|signed|seen\s+by|reviewed\s+by|your|our|the\s+study|study|trial)\s+$", re.I)
# "Signed ICF 01/12/2026 with CRC": the person a form was signed with
_SIGNED_WITH = re.compile(r"\b(?:signed|consented|consent\s+taken|discussed)\b[^.;\n]{0,40}\bwith\s+(?:the\s+|our\s+|your\s+)?$", re.I)
# a credential after a person's name ("Caller: J. Mensah, CRC |", "Jane Ortiz, RN, MS"), not where the
# patient is named ("Patient: Jane Ortiz, MS" may be her illness)
_NAME_BEFORE = re.compile(r"(?:\b[A-Z]\.|\b[A-Z][a-z]+)\s*(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+,\s*(?:[A-Z][A-Za-z]{1,6},\s*)*$")
_CREDENTIAL_END = re.compile(r"[ \t]*(?:[,|)\n;]|$)")
_PATIENT_FIELD = re.compile(r"\b(?:patient|participant|pt|claimant|subject|re|name)\s*:", re.I)
_TITLED_NAME_AFTER = re.compile(r"[ \t]+(?-i:Dr|Ms|Mr|Mrs|Miss|Mx|Sister|Nurse)\.?[ \t]+(?-i:[A-Z][a-z'’-]+)\b")
_NAME_AFTER = re.compile(r"\s+(?:(?:Dr|Ms|Mr|Mrs|Miss|Sister|Nurse)\.?\s+)?(?:[A-Z]\.?(?:\s*[A-Z]\.)?\s*[A-Z][a-z]+"
                         # a first name and a surname or its initial: "transcribed by CRC Pooja M.", "per CRC Ana Lima"
                         r"|(?!(?:Clinic|Team|Service|Department|Unit|Infection|Disease|Test|Screen|Status|Positive|Negative)\b)"
                         r"[A-Z][a-z]+\s+(?:[A-Z]\.|(?!(?:Clinic|Team|Service|Department|Unit|Infection|Disease|Test|Screen|"
                         r"Status|Positive|Negative)\b)[A-Z][a-z'’-]+))")
# a treatment named as what something comes before: "a dental check before the CAR-T infusion",
# "baseline status before CD19/BCMA CAR-T" (the gap holds only determiners, plans and "CD19/"-like prefixes:
# "before she had chemo" says she had it)
_AHEAD_OF = re.compile(r"\b(?:before|prior\s+to|ahead\s+of|in\s+preparation\s+for|in\s+advance\s+of|pending)\s+"
                       r"(?:(?:the|a|an|his|her|my|their|your|our|any|starting|receiving|getting|planned|proposed|"
                       r"upcoming|next|possible|potential|first|initial|1st)\s+|[A-Za-z0-9-]+/){0,3}$", re.I)
# ... in a clause that speaks of what is still to come or of a baseline taken for it
_STILL_TO_COME = re.compile(r"\b(?:will|['’]ll|would|going\s+to|need|needs|needed|required|requires|must|should|"
                            r"plan|plans|planned|planning|scheduled|baseline|screening|pre-?treatment|clearance|"
                            r"work-?up|evaluation|assessment|eligibility|consent|to\s+be|no\s+time|"
                            # steps taken before a treatment: "no time for egg collection before chemo", "Hydration
                            # protocol before cisplatin, antiemetics per study"
                            r"(?:pre-?)?hydration|pre-?medicat\w*|antiemetics?|prophyla\w*|per\s+(?:study|protocol)|"
                            r"egg\s+(?:collection|freezing|harvest\w*|retrieval)|sperm\s+(?:banking|storage|freezing)|"
                            r"fertility\s+preservation|oocyte|embryo\s+freezing)\b", re.I)
_AT_THE_PRACTICE = re.compile(r"\b(?:(?:in|at|to|from|into|visited|left)\s+(?:the|our|my|your|his|her)\s+surgery\b(?!\s+of\b)"
                              # a practice's sessions, or the operations a surgeon or a vet does: "before morning surgeries"
                              r"|\b(?:morning|afternoon|evening|weekend|saturday|sunday|daily)\s+surger(?:y|ies)\b"
                              r"|\bin\s+surgery\s+(?:today|this\s+(?:morning|afternoon)|yesterday)"
                              # a practice by its name or its kind: "Harehills Lane Surgery", "Park Road Surgery",
                              # "my GP surgery", "the doctor's surgery"; called on the phone: "I rang the surgery"
                              r"|(?-i:\b(?:Lane|Road|Rd|Street|St|Avenue|Ave|Park|Green|Hill|House|Way|Drive|Close|Place|Square|"
                              r"Gardens|Court|Row|Crescent|Grove|Terrace|Village|Valley|Bridge|Mill|Cross|Gate|Fields?|Medical|"
                              r"Health|Family)\.?\s+Surgery\b)"
                              r"|\b(?:gp|gp['’]s|gps['’]|doctor['’]s|doctors['’]?)\s+surgery\b"
                              r"|\b(?:rang|rung|phoned|called|ring|phone|call|emailed)\s+(?:the|my|our|his|her)\s+surgery\b)", re.I)
# (a service of two names: "Transplant & Immunocompromised Host ID", "HIV and Hepatitis Clinic")
_OTHER_NAME = r"(?:\s*(?:&|and|/)\s*(?-i:[A-Z][\w-]*)(?:\s+(?-i:[A-Z][\w-]*)){0,2})?"
# a body or a place that a disease or a treatment names: "Royal Marsden Cancer Centre", "Lupus Clinic", "Stroke Unit",
# "Transplant & Immunocompromised Host ID", "INFECTIOUS DISEASES CONSULT", "CELLULAR THERAPY CLINIC"
_SERVICE = (r"department|dept\b|clinic|clinics|service|services|programme|program|centre|center|unit|institute|foundation|"
            r"society|association|charity|helpline|team|consult|consultation|ward|(?-i:ID)\b|(?-i:OPD)\b|(?-i:Medicine)\b")
# ... and for a treatment, the people who give it ("the radiation oncologist", "cell therapy coordinators")
# ("the ART doctor explained ...", "the chemo pharmacist", "the dialysis counsellor")
_SPECIALTY_AFTER = re.compile(_OTHER_NAME + r"[\s-]*(?:" + _SERVICE + r"|oncologists?|oncology|oncologic|nurses?|coordinators?|"
                              r"doctors?|drs?\b|physicians?|pharmacists?|counsell?ors?|specialists?|technicians?|staff)\b", re.I)
_UNIT_LEVEL = re.compile(r"\b(?:unit|ambulance|medic|crew|rig|truck)\s*[\w-]*\s*\(\s*$", re.I)
_TREATMENT_AFTER = re.compile(r"[\s-]*(?:medicines?|medications?|meds|drugs?|treatments?|therapy|therapies|tablets|pills)\b", re.I)
_SERVICE_AFTER = re.compile(_OTHER_NAME + r"[\s-]*(?:(?:diagnostic|laboratory|lab|reference|specialist|screening|multidisciplinary|"
                            r"regional|national|integrated|molecular|outpatient)[\s-]+)?(?:" + _SERVICE + r")\b", re.I)
# the people of a specialty named for a class of illness: "infectious disease consultant" (not "my HIV doctor", "the
# cancer doctor", "lung cancer nurse specialist": a doctor of the patient's own illness)
_SPECIALTY_NAME = re.compile(r"infectious\s+diseases?", re.I)
_SPECIALTY_PEOPLE = re.compile(r"[\s-]*(?:consultants?|physicians?|specialists?|doctors?|nurses?|fellows?|registrars?|attendings?)\b", re.I)
_SERVICE_BEFORE = re.compile(r"\b(?:department|dept|division|institute|centre|center|unit|clinic|society|foundation|service|"
                             r"professor|consultant|specialist)\s+(?:of|for|in)\s+(?:the\s+)?$", re.I)
# a finding scored or counted 0 in a list or table of items ("Seizure 0 | Psychosis 0", "Thrombocytopenia 0 (Plt 132)")
_SCORED_ZERO = re.compile(r"[ \t]*[:=]?[ \t]*0(?!\d|[.,]\d|[/%:])[ \t]*(?:[|,;()\n]|$)"
                          # "seizures (zero, ever)", "fits (none)": the bracket's answer
                          r"|[ \t]*\([ \t]*(?:zero|none|nil|never|no)\b[^()\n]{0,20}\)", re.I)
# a finding counted as none ("CD19+ B cells 0.0% of lymphocytes", "CD19 B cells undetectable", "blasts not detected")
_NONE_FOUND = re.compile(r"[ \t]*[:=]?[ \t]*(?:0(?:\.0+)?[ \t]*(?:%|/[ \t]*[uµμ]?l\b|cells?\b)|undetectable|not\s+detect(?:ed|able)|"
                         r"below\s+(?:the\s+)?(?:limit|level)\s+of\s+detection|(?:fully\s+|completely\s+)?depleted|absent)", re.I)
_SIGN_NEGATIVE = re.compile(r"[ \t]*[(\[][ \t]*(?:[-−–]|neg|negative)[ \t]*[)\]]", re.I)  # "anti-HCV (-), anti-HIV (-)"
# "never treated for depression or anxiety", "not on any treatment for hep C": a treatment denied, the illness
# neither asserted nor denied (a clinician's denial, or an illness left untreated); "never treated for her
# depression" names hers
_TREATMENT_DENIED = re.compile(r"\b(?:(?:never|not|no)\s+(?:(?:been|ever|had|received|needed|required|on|any|taken|taking|"
                               r"given|prescribed|used|tried)\s+){0,3}"
                               # "she has never been on anything for nerves or depression"
                               r"(?:treated|treatment|therapy|medications?|meds|medicines?|anything|drugs?|pills?|tablets?|"
                               # "he has never seen anyone for depression"
                               r"(?:seen|saw|consulted|visited)\s+(?:anyone|anybody|a\s+doctor|a\s+psychiatrist|a\s+therapist|someone))"
                               r"|(?:takes?|taking|took|on|given|needs?|needed)\s+nothing)"  # "she takes nothing for depression or anxiety"
                               r"\s+for\s+(?:any\s+)?"
                               r"(?:[\w'-]+(?:\s+[\w'-]+){0,2}\s*(?:,|/|\bor\b|\band\b)\s*){0,4}$", re.I)
# "a small cancer of the left breast", "carcinoma in the right lung": the organ names the cancer
_SITE_AFTER = re.compile(r"[ \t]+(?:of|in)[ \t]+(?:the|her|his|my|their|your)?[ \t]*"
                         r"(?:(?:left|right|upper|lower|small|early|bilateral|l|r)[ \t]+){0,2}([a-z]+)\b", re.I)
_GENERIC_CANCERS = frozenset({"malignancy", "carcinoma", "neoplasm"})


def _sited(doc: Doc, ent: Span) -> str:
    """A generic cancer's concept made specific by the organ written after it, when the lexicon knows that cancer."""
    if ent.ent_id_ not in _GENERIC_CANCERS:
        return ent.ent_id_
    m = _SITE_AFTER.match(doc_text(doc), ent.end_char)
    if not m:
        return ent.ent_id_
    from .nlp.lexicon import lookup

    found = lookup(f"{m.group(1)} cancer")
    return found[1] if found and found[0] == "CONDITION" else ent.ent_id_


_PRE_BEFORE = re.compile(r"\bpre[\s-]?$", re.I)
_TEST_WORD_AFTER = re.compile(r"[\s-]*(?:tests?|testing|screen(?:ing)?)\b", re.I)  # "Pregnancy tests, and you promise ..."
_DASH = r"(?:[ \t]*[—–]|[ \t]+--?|[ \t]*--)"  # a dash between a field and its answer ("Prior CAR-T - none", "Diabetes -- no")
# "Porphyria -- had to look it up. No.": an aside after the dash, then the answer alone
_ASIDE_THEN_NO = r"[ \t]*[^.\n:]{1,40}\.[ \t]*(?:no|none|never)[ \t]*(?:[.!\n]|$)"
# ("Diabetes? No", "Prior CD19/BCMA-directed therapy — none found", "Prior CAR-T - none")
_FIELD_SEPARATOR = re.compile(r":|=(?!=)|\?(?=[ \t]*(?:yes|no|y|n|none|never|negative|neg)\b)"
                              # a form's dot leaders: "Chemotherapy ............ NIL (none ever)"
                              r"|[ \t]*(?:\.{3,}|…+|_{3,})"
                              # a table's cells: "| Claustrophobia | None; completed a 40-min MRI |"
                              r"|\|(?=[ \t]*(?:no|none|nil|n/a|never|negative|neg|absent|denies|denied)\b)"
                              r"|" + _DASH + r"(?=[ \t]*(?:no|none|nil|n/a|never|negative|neg|absent)[ \t]*"
                              r"(?:[.;,()\n]|$|(?:found|reported|known|noted|documented|identified|recorded|seen|of\s+note|"
                              r"to\s+(?:report|note|declare))\b))"
                              r"|" + _DASH + r"(?=" + _ASIDE_THEN_NO + ")", re.I)
# a checklist's or a form's answer: "16. Malignancy: NO", "CNS disease (epilepsy, CVA, ...): NO (migraine
# noted)", "Infections: n/a", "Smoking: never"
# (and "no", "never", "none" in the writer's language: "Rituximab / MabThera: nooit gehad", "Epilepsia: nunca")
_NO_ABROAD = (r"nee|nooit|geen|nein|nie|niemals|kein|keine|non|jamais|aucun|aucune|nunca|ninguno|ninguna|nenhum|nenhuma|não|nao|"
              r"mai|nessuno|nessuna|nigdy|brak|nej|nei|aldrig|aldri|ingen|ikke|ei|nem|soha|nincs|yok|hayır|hayir|tidak|bukan|hindi|"
              r"không|khong|όχι|ποτέ|нет|никогда")
_NO_ANSWER = re.compile(r"(?:[:=?|]|[ \t]*(?:\.{3,}|…+|_{3,})|" + _DASH + r")\s*(?:no|none|nil|n/a|not\s+applicable|not\s+met|negative|neg|denies|denied|absent|never|n|"
                        + _NO_ABROAD + r")(?![\w/-])"
                        # (not an answer about something else: "Alendronate: aucune interaction", "Lymphodepletion:
                        # keine relevanten Interaktionen", "Prednisone: no change", "MMF: no problems")
                        r"(?![ \t]+(?:[\w-]+[ \t]+)?(?:interact\w*|interakt\w*|interazion\w*|interacc\w*|change[sd]?\b|"
                        r"issues?\b|problems?\b|concerns?\b|side[ \t-]*effects?\b|adjust\w*|dose\b))"
                        r"|" + _DASH + r"(?=" + _ASIDE_THEN_NO + ")", re.I)


_LINE_HEADING = re.compile(r"[ \t]*(?-i:[A-Z][A-Za-z]{1,14}|[A-Z][A-Z ]{1,20})[ \t]*:[ \t]*(?=\S)")


def _field_of(doc: Doc, ent: Span, longest: int) -> tuple[int, int] | None:
    """(colon, line end) of the form field or checklist item whose name holds ``ent``: the line
    from its start (past an item's number or mark) to the first colon after ``ent``, at most
    ``longest`` characters, with no colon before ``ent`` and no sentence ending in between
    ("29 M, HIV+ dx 8 mo ago. ART-naive: no NRTI" is another item's answer). None otherwise."""
    text = doc_text(doc)
    line_start = _line_start(text, ent.start_char)
    heading = _LINE_HEADING.match(text, line_start)
    if heading is not None and heading.end() <= ent.start_char:
        line_start = heading.end()  # "NOTES: Porphyria -- no.": a heading, then the item
    line_end = text.find("\n", ent.end_char)
    line_end = len(text) if line_end < 0 else line_end
    # (a registry export writes "key=value": "malignancy=none")
    found = _FIELD_SEPARATOR.search(text, ent.end_char, min(line_end, line_start + longest + 1))
    if found is None:
        return None
    colon = found.start()
    # (what a bracket holds is an aside: "HIV (not required for I-693; done at applicant's request): non-reactive")
    name = _BRACKETED.sub(lambda m: " " * len(m.group()), text[line_start:colon])
    if colon - line_start > longest or _FIELD_SEPARATOR.search(text, line_start, ent.start_char) or _SENTENCE_END.search(name):
        return None
    return colon, line_end


_BRACKETED = re.compile(r"\([^()\n]*\)")


def _answered_no(doc: Doc, ent: Span) -> bool:
    """A mention in a field's name or a checklist item whose answer, after the colon, is no."""
    field = _field_of(doc, ent, longest=200)
    return field is not None and (_NO_ANSWER.match(doc_text(doc), field[0]) is not None
                                  or (ent.label_ == "CONDITION" and _NEGATIVE_RESULT_ANSWER.match(doc_text(doc), field[0]) is not None))


# a test's result given as the field's answer: "HIV: 4th-gen Ag/Ab non-reactive", "Hep C: antibody negative"
_NEGATIVE_RESULT_ANSWER = re.compile(r"[:=]\s*(?:[\w/+-]+\s+){0,3}(?:non-?reactive|negative|neg|not\s+detected|undetectable)\b"
                                     r"(?!\s+(?:for|except|apart|but))", re.I)


_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
_ITEM_MARK = re.compile(r"\s*(?:\d{1,3}[.)]|[-•*]|\[\s*\w?\s*\]|(?-i:[IE])\d{1,2}\b)\s*")  # "16. ", "- ", "[N] ", "E4 "


_LINE_REACH = 400


def _line_start(text: str, at: int) -> int:
    """Where the line (or, in a paragraph of items, the sentence: "... never dialysed. E4 Immunodeficiency:
    Not met") holding ``at`` starts, past a list item's number or mark."""
    start = text.rfind("\n", 0, at) + 1
    # (a few hundred characters back at most: a field's name is short, and a one-line text of
    # thousands of mentions would otherwise be scanned again for each)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(start, at - _LINE_REACH), at)]
    if ends:
        start = ends[-1]
    mark = _ITEM_MARK.match(text, start)
    return mark.end() if mark and mark.end() <= at else start


# a field's value that finds nothing: "Infection: afebrile, WBC 6.8 on 12/01", "Seizures: none"
_NORMAL_VALUE = re.compile(r"\s*(?:afebrile|none|nil|normal|negative|neg\b|unremarkable|wnl|absent|not\s+present|n/?a\b)", re.I)


def _finds_nothing(doc: Doc, ent: Span) -> bool:
    field = _field_of(doc, ent, longest=40)
    return field is not None and bool(_NORMAL_VALUE.match(doc_text(doc), field[0] + 1))


_NAMES_BY_SLASH = re.compile(r"[A-Za-z)]\s*/\s*(?=[A-Za-z(])")


def _checklist_question(doc: Doc, ent: Span) -> bool:
    """A name among three or more a form's field asks about at once: "Indwelling lines/drains/catheters: right
    PICC removed 02-Oct-2026; none at present". Its value answers; the question asserts none of them."""
    field = _field_of(doc, ent, longest=60)
    if field is None:
        return False
    colon, _ = field
    text = doc_text(doc)
    label = text[_line_start(text, ent.start_char) : colon]
    return ent.end_char <= colon and text[colon] == ":" and len(_NAMES_BY_SLASH.findall(label)) >= 2


def _field_name(doc: Doc, ent: Span) -> bool:
    """A condition or treatment naming a form's field whose value says the rest: the value restates
    it ("HIV/Hepatitis: HIV neg, HBsAg neg, HCV neg", "Smoking: ex-smoker (quit 2020)"), speaks of
    prevention or testing ("Hepatitis B: vaccinated") or is left blank ("Investigational agents:").
    The field's name asserts nothing."""
    from .vocabulary import condition_ancestors

    field = _field_of(doc, ent, longest=40)
    if field is None:
        return False
    colon, line_end = field
    text = doc_text(doc)
    if not text[colon + 1 : line_end].strip() or _PREVENTION_VALUE.match(text, colon + 1):
        return True  # "Investigational agents:" left blank; "Hepatitis B: vaccinated"
    return any(other is not ent and other.label_ == "CONDITION" and colon < other.start_char < line_end
               and (other.ent_id_ == ent.ent_id_ or ent.ent_id_ in condition_ancestors(other.ent_id_))
               for other in _ents(doc))


# the writer's own health in a note about a relative: "Our son is 13 months old ... I get hay fever"
_WRITER_OWN = re.compile(r"\bI\s+(?:also\s+|still\s+|myself\s+)?(?:get|have(?!\s+to)|had|['’]ve\s+had|have\s+had|suffer\s+from|"
                         r"am\s+on|take(?!\s+(?:him|her|them))|took(?!\s+(?:him|her|them))|was\s+diagnosed\s+with)\b|"
                         r"\b(?:I['’]m|I['’]ve|I\s+am)\s+(?:also\s+)?(?:on|had|got|allergic\s+to)\b")
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|her|his|they|them|their)\b", re.I)


def _writers_own(doc: Doc, ent: Span) -> bool:
    """In a note about a relative, a mention the writer says of themself ("I get hay fever")."""
    if not doc.user_data.get("described"):
        return False
    start, _ = clause_of(doc, ent)
    before = doc_text(doc)[start : ent.start_char]
    own = list(_WRITER_OWN.finditer(before))
    return bool(own) and not _THIRD_PERSON.search(before, own[-1].end())


# a family history's line: "- Paternal grandfather: epilepsy since childhood; stroke at 68 (deceased)"
_RELATIVES_LINE = re.compile(
    r"[ \t]*(?:[-•*]|\d{1,2}[.)])?[ \t]*(?:(?:maternal|paternal|his|her|my|their)\s+)?(?:great[\s-]+)?"
    r"(?:mother|father|mom|mum|dad|parents?|brothers?|sisters?|siblings?|sons?|daughters?|aunts?|uncles?|cousins?|nieces?|"
    r"nephews?|grandmother|grandfather|grandparents?|grandma|grandpa|twin|half[\s-]+(?:brother|sister))\b[^:\n]{0,30}:", re.I)


_EXTENDED_RELATIVE = re.compile(r"\b(?:maternal|paternal|grand\w*|aunts?|uncles?|cousins?|nieces?|nephews?|great)\b", re.I)
_FAMILY_HEADING = re.compile(r"\b(?:family\s+(?:medical\s+)?(?:history|hx)|FHx|FH\s*:|family\s+members?)\b", re.I)


def _on_relatives_line(doc: Doc, ent: Span) -> bool:
    """Whether ``ent`` is on a line that names a relative before its colon, in a family history."""
    text = doc_text(doc)
    start = text.rfind("\n", 0, ent.start_char) + 1
    m = _RELATIVES_LINE.match(text, start)
    if m is None or m.end() > ent.start_char:
        return False
    described = doc.user_data.get("described") or ()  # "Son: 15, Hodgkin lymphoma" in a note about the son
    if any(re.search(rf"\b{re.escape(r)}s?\b", m.group(0), re.I) for r in described):
        return False
    # a parent or a child may be the person described: only under a family history's heading
    return bool(_EXTENDED_RELATIVE.search(m.group(0)) or _FAMILY_HEADING.search(text, 0, start))


def _ahead_of(doc: Doc, ent: Span) -> bool:
    """A treatment named as what a test or a step comes before, in a clause about what is still to come
    ("needs dental clearance before CAR-T", "baseline echo prior to the planned rituximab"), or a later
    step of a study itself ("before the CAR-T infusion"): not one the patient has had."""
    text = doc_text(doc)
    if not _AHEAD_OF.search(text, max(0, ent.start_char - 80), ent.start_char):
        return False
    start, end = clause_of(doc, ent)
    return bool(_STILL_TO_COME.search(text, start, end) or later_step(text[ent.start_char : min(end, ent.end_char + 20)]))


# a device said to be had once ("I had a Foley catheter in 2019"), not in place ("PleurX in situ since 10/2026",
# "nephrostomy tube placed 04/2024, draining", "has a port (placed 2024)")
_HAD_ONCE = re.compile(r"\b(?:had|needed|required|got)\b", re.I)
_IN_PLACE = re.compile(r"\b(?:in\s+situ|in\s+place|indwelling|since|has|have|with|remains?|still|currently|drain(?:ed|ing|s)?|"
                       r"flush(?:ed|es|ing)?|functioning|working|changed|used)\b", re.I)


# a device's removal, said of it or of "the catheter", "it" after it: "they put a urinary catheter ... and the
# catheter was taken out on 4/9", "chest drain (removed day 3)", "Foley out 12/10", "PICC line removed"
_DEVICE_WORD = r"(?:catheter|drain|tube|line|cannula|port|device|stent|foley|picc|it)"
_REMOVED = re.compile(r"[ \t]*\(?[ \t]*(?:(?:was|were|got|has\s+been|had\s+been|been|is|now)\s+)?(?:taken\s+out|removed|pulled(?:\s+out)?|"
                      r"came\s+out|out\b(?!\s+of))")
_REMOVED_LATER = re.compile(r"\b(?:the|her|his|my|that|this|their)\s+(?:[\w-]+\s+)?" + _DEVICE_WORD
                            + r"\s+(?:was|were|got|has\s+been|had\s+been|came)\s+(?:\w+\s+)?(?:taken\s+out|removed|pulled|out)\b"
                            r"|\b(?:removed|took\s+out|taken\s+out|pulled\s+out|pulled)\s+(?:the|her|his|my|their)\s+(?:[\w-]+\s+)?"
                            + _DEVICE_WORD + r"\b|\b(?:it|they)\s+(?:was|were)\s+(?:taken\s+out|removed)\b"
                            r"|\b(?:it|they)\s+(?:came|come|got\s+taken|was\s+pulled|were\s+pulled)\s+out\b", re.I)  # ("then it came out")
_REMOVAL_REACH = 250


def _removed(doc: Doc, ent: Span) -> bool:
    """A device the text says was taken out, at its mention or in the sentences after it (to the end of its paragraph)."""
    if not therapy_covers("implanted device", ent.ent_id_):
        return False
    text = doc_text(doc)
    if _REMOVED.match(text, ent.end_char):
        return True
    end = text.find("\n\n", ent.end_char)
    end = min(len(text) if end < 0 else end, ent.end_char + _REMOVAL_REACH)
    return _REMOVED_LATER.search(text, ent.end_char, end) is not None


def _device_once(doc: Doc, ent: Span) -> bool:
    if not therapy_covers("implanted device", ent.ent_id_):
        return False
    start, end = clause_of(doc, ent)
    text = doc_text(doc)
    clause = text[start : ent.start_char] + " " + text[ent.end_char : end]  # (not the device's name: "chest drain")
    return bool(_HAD_ONCE.search(clause)) and not _IN_PLACE.search(clause)


# an illness heading its own line, and what the line says of it after: "Hep C: caught it in my wild days. Got cured
# in 2019 with Epclusa", "2. TB - treated 2015, cleared"
_HEADED = re.compile(r"\s*(?:[-•*]\s*)?(?:\d{1,2}[.)]\s*)?$")
_CURED = re.compile(r"(?<!never )(?<!not )(?<!n't )(?<!yet )\b(?:cured|eradicated|cleared|resolved|in\s+remission|SVR\d*|sustained\s+virologic\w*\s+response|"
                    # "she had this virus long ago ... and it is finished", "it's gone now", "no longer active"
                    r"(?:it\s+is|it['’]s|is\s+now|now)\s+(?:finished|gone|over)|no\s+longer\s+(?:active|there|present)|"
                    # "Hepatitis B: old infection, not active (core antibody positive, surface antigen negative)"
                    r"(?:old|past|previous|prior|resolved)\s+infection|not\s+active|inactive)\b", re.I)


_MODIFIER_AFTER = re.compile(r"\s*-\s*(?:related|associated|induced|linked|specific|driven|directed|defining)\b", re.I)


# a treatment still to begin: "Vincristine/dactinomycin to start this afternoon", "R-CHOP due to start Monday"
_TO_START_AFTER = re.compile(r"(?:[ \t]*(?:/|\+|,|and)[ \t]*[\w-]+){0,3}[ \t]+(?:is[ \t]+|are[ \t]+|will[ \t]+be[ \t]+)?"
                             r"(?:to[ \t]+(?:start|begin|commence)|due[ \t]+to[ \t]+(?:start|begin)|to[ \t]+be[ \t]+(?:started|given|commenced)|"
                             r"starting[ \t]+(?:tomorrow|today|tonight|this|next|on))\b", re.I)
# an illness named as what sets off another, in a habitual clause: "cold sores ... usually when I'm run down or after a
# sunburn", "migraines, often after a bad cold"
_TRIGGER_BEFORE = re.compile(r"\b(?:usually|often|sometimes|always|mostly|typically|whenever|every\s+time|tends?\s+to)\b"
                             r"[^.;!?\n]{0,60}\b(?:after|when|if|from)\s+(?:i\s+(?:get|have|had|catch)\s+)?"
                             r"(?:a|an|the|some|bad|a\s+bad|a\s+bit\s+of)?\s*$", re.I)
# what a study's regimen holds: "the study regimen includes protease inhibitors", "the trial drug is given with
# methotrexate", "the protocol treatment contains cyclophosphamide"
_STUDY_REGIMEN_BEFORE = re.compile(r"\b(?:study|trial|protocol|research)(?:['’]s)?\s+(?:regimens?|treatments?|drugs?|medications?|"
                                   r"medicines?|therapy|therapies|combination|schedule|plan)\s+(?:also\s+)?(?:includes?|including|"
                                   r"contains?|containing|uses?|using|involves?|involving|combines?|adds?|is\s+given\s+with|"
                                   r"(?:is|are)\s+(?:given\s+)?(?:with|plus))\s+(?:[\w-]+\s+){0,3}$", re.I)
_STUDY_ARM_BEFORE = re.compile(r"\b(?:(?:one|the\s+other|other|either|each|control|experimental|study|treatment)\s+)?"
                               r"(?:arm|arms|group|cohort)\s+(?:is|are|gets?|receives?|will\s+(?:get|receive))\s+(?:[\w-]+\s+){0,2}$", re.I)
# a study taken part in, named by its treatment: "I was in a CAR-T study at UCLA", "she took part in a rituximab trial"
# (the past only, unlike _TOOK_PART for a "study of X": "is enrolled in a CAR-T study" is the one being joined)
_WAS_IN_STUDY_BEFORE = re.compile(r"\b(?:was|were|took\s+part|participated|went)\s+(?:in|into|on)\s+(?:a|an|the|one|another|his|her|my)\s+"
                                  r"(?:[\w-]+\s+){0,2}$", re.I)
_STUDY_AFTER = re.compile(r"[\s-]*(?:cell\s+)?(?:study|trial|protocol)\b", re.I)
_PEOPLE_AFTER = re.compile(r"\s+(?:women|mothers|patients|people|ladies|mums|moms|girls|persons|individuals|subjects)\b", re.I)
# the child a mother feeds, right after the feeding: "breastfeeding son Archie", "nursing her baby"
_FED_CHILD_AFTER = re.compile(r"\s+(?:(?:my|her|our|the|their|his)\s+)?(?:(?:little|baby|newborn|infant|twin)\s+)?"
                              r"(?:baby|son|daughter|child|twins?|infant|newborn|boy|girl)\b", re.I)
_FEEDER_BEFORE = re.compile(r"\b(?:daughter|sister|mother|mom|mum|wife|partner|niece|aunt|cousin|friend|girlfriend|"
                            r"daughter-in-law|sister-in-law)\b[^.;!?\n]*$", re.I)
# "stop", "quit", "finish" before breastfeeding and a time gone by after it: "I stop breastfeed him when him turn 1",
# "stop breastfeeding last year" (not "I will stop breastfeeding next month")
_STOP_BEFORE = re.compile(r"(?<!\bwill )(?<!\bto )(?<!['’]ll )\b(?:stop|stops|quit|quits|finish|finishes)\s+(?:the\s+|to\s+)?$", re.I)
_GONE_BY_AFTER = re.compile(r"[^.;!?\n]{0,40}?\b(?:when\s+(?:he|she|him|her|they|the\s+baby|baby|it)\s+(?:turn|turned|was|were|is)\b|"
                            r"last\s+(?:year|month|week|summer|spring|winter|autumn)|\d+\s*(?:years?|months?|weeks?)\s+ago|"
                            r"in\s+(?:19|20)\d\d|at\s+(?:\d{1,2}|one|two|six|nine)\s*(?:months?|mos?|years?))", re.I)
# a baby just named, then breastfeeding: "daughter born 2026年5月, still breastfeeding", "son (4 months), breastfeeding"
_BABY_BEFORE = re.compile(r"\b(?:baby|son|daughter|child|infant|newborn|boy|girl|twins?)\s*(?:\(?\s*(?:born|b\.|delivered|dob)\b[^;!?\n()]{0,30}\)?"
                          r"|\(?\s*\d{1,2}\s*(?:months?|mos?|weeks?|wks?|days?)(?:\s+old)?\s*\)?)\s*[,;:-]?\s*"
                          r"(?:(?:and|still|currently|now|exclusively|partly|mixed|she\s+is|i\s+am|i['’]m|she['’]s|is|am)\s+)*$", re.I)
# "EARLY PREGNANCY ASSESSMENT SERVICE", "Pregnancy Day Unit", "pregnancy advisory clinic": a service's name, not a state
_PREGNANCY_SERVICE = re.compile(r"(?:\s+(?:assessment|advisory|day|loss|options|care|support|counselling|counseling))?"
                                r"\s+(?:service|services|unit|clinic|ward|centre|center|department|dept|team|line)\b", re.I)


def _alone_in_brackets(doc: Doc, ent: Span) -> bool:
    """The mention is all a bracket holds: "(pregnant)", a reason given for what precedes it."""
    text = doc_text(doc)
    return bool(re.search(r"(?<!\bnot )(?<!\bno )(?<!n't )\(\s*$", text[max(0, ent.start_char - 10) : ent.start_char])
                and re.match(r"\s*\)", text[ent.end_char : ent.end_char + 3]))


def _cured_under_heading(doc: Doc, ent: Span) -> bool:
    text = doc_text(doc)
    start = text.rfind("\n", 0, ent.start_char) + 1
    # ("3. Hepatitis B. The doctor explained she had this virus long ago ... and it is finished": a numbered
    # item's heading may end with a full stop)
    if not _HEADED.fullmatch(text, start, ent.start_char) or not re.match(r"\s*[:\-–.]", text[ent.end_char : ent.end_char + 3]):
        return False
    end = text.find("\n", ent.end_char)
    return bool(_CURED.search(text, ent.end_char, end if end >= 0 else len(text)))


_FIELD_ANSWER = re.compile(r"[ \t]*[:=]")
_ALLERGY_WORD = re.compile(r"(?:[ \t]+(?:allerg\w*|intoleran\w*|sensitivity|hypersensitivity))?", re.I)


def _own_test_after(doc: Doc, ent: Span) -> Span | None:
    """The test of the same illness named right after it, nothing but spaces between ("Syphilis TPHA",
    "Hepatitis B HBsAg", "HIV 1/2 Ag/Ab"): the row of a serology table, whose result is the test's."""
    ents = _ents(doc)
    starts = doc.user_data.get("_ent_starts")
    if starts is None or len(starts) != len(ents):  # (made once: a text of thousands of mentions asks once per mention)
        starts = doc.user_data["_ent_starts"] = [e.start for e in ents]
    i = bisect_left(starts, ent.end)
    if i < len(ents) and ents[i].ent_id_ == ent.ent_id_ and TEST_NAME.search(ents[i].text) \
            and not doc_text(doc)[ent.end_char : ents[i].start_char].strip(" \t"):
        return ents[i]
    return None


# a state of lowered immunity that its drugs explain: "immunosuppressed (pred; only recently off MMF)", "immunocompromised
# from the rituximab": the treatment's effect, which an exclusion of immunodeficiency (the illness) may not mean
_DRUG_INDUCED = re.compile(r"immuno-?(?:suppressed|compromised)", re.I)


def _by_a_drug(doc: Doc, ent: Span) -> bool:
    """A treatment named right after ``ent`` in its clause, within a few words or in the bracket that follows it."""
    text = doc_text(doc)
    start, end = clause_of(doc, ent)
    return any(e.label_ == "THERAPY" and ent.end_char <= e.start_char <= min(end, ent.end_char + 40)
               and re.fullmatch(r"[ \t]*(?:\(|(?:due\s+to|from|by|on|because\s+of|with)\s+)?(?:[\w'’-]+[ \t]+){0,3}?", text[ent.end_char : e.start_char], re.I)
               for e in _ents(doc))


# a test's result given for the one before it: "..., the syphilis one too", "HIV as well"
_TOO_AFTER = re.compile(r"[ \t]+(?:(?:one|test|ones|tests|screen)[ \t]+)?(?:too|as[ \t]+well|also)\b", re.I)
# a negative result and, in brackets, what it was of: "ID screen neg (HIV, HBV, HCV, RPR)", "serologies negative (HIV,
# hepatitis B and C)" (the mention inside the bracket, the bracket closed after it)
# (not "HIV negative (but hepatitis B positive)", "negative (low mood ... but ...)": the bracket says something else)
_NEGATIVE_BRACKET_BEFORE = re.compile(r"\b(?:negative|neg|non-?reactive|not\s+detected|undetected)[ \t]*\("
                                      r"(?:(?:(?!\b(?:but|except|however|though|although|positive|pos|reactive|detected)\b)[^()\n+]){0,80}"
                                      r"[,/;][ \t]*)?$", re.I)
_BRACKET_CLOSED_AFTER = re.compile(r"(?:(?!\b(?:but|except|however|positive|pos|reactive|detected)\b)[^()\n+]){0,80}\)", re.I)
_NEGATIVE_LIST_BEFORE = re.compile(r"\b(?:negative|neg|non-?reactive|not\s+detected|undetected)[ \t]*[,;]?[ \t]*(?:and[ \t]+)?(?:the[ \t]+)?$", re.I)
# the hepatitis B surface antibody as the answer about hepatitis B: immunity (a vaccine's, or a cleared infection's),
# not the infection ("hep B — surface antibody positive pero es de la vacuna, core negative")
_IMMUNITY_ANSWER = re.compile(r"[ \t]*[:=—–-]?[ \t]*(?:(?:they|she|he|doctor|dr\.?|the\s+\w+)[ \t]+(?:said|says|told\s+me)[ \t]+)?"
                              r"(?:surface[ \t]+anti-?bod(?:y|ies)|anti-?HBs\b|HBsAb\b|HBs[ \t]*Ab\b)", re.I)


def _arabizi_clause(doc: Doc, start: int, end: int) -> bool:
    """:func:`matcher.doubt.unread_clause` of the clause ``start:end``, read once per clause, in a text holding Arabic in
    Latin letters at all (most texts hold none: nothing is read then)."""
    if "_arabizi" not in doc.user_data:
        doc.user_data["_arabizi"] = arabizi_text(doc_text(doc))
    if not doc.user_data["_arabizi"]:
        return False
    clauses = doc.user_data.setdefault("_arabizi_clauses", {})
    if (start, end) not in clauses:
        mentions = doc.user_data.get("_mention_chars")
        if mentions is None:
            mentions = doc.user_data["_mention_chars"] = bytearray(len(doc_text(doc)) + 1)
            for e in _ents(doc):
                mentions[e.start_char : e.end_char] = b"\x01" * (e.end_char - e.start_char)
        clauses[(start, end)] = unread_clause(doc_text(doc), start, end, mentions)
    return clauses[(start, end)]


def _unsettled(doc: Doc, ent: Span) -> bool:
    """A mention the text does not yet assert (:mod:`matcher.doubt`): a condition followed in its
    clause by a result that is no positive one, or by words matcher cannot read; a treatment
    whose form field is answered in such words."""
    text = doc_text(doc)
    if ent.label_ == "THERAPY":
        # (the field may name the drug's allergy: "Penicillin allergy: tidak")
        end = _ALLERGY_WORD.match(text, ent.end_char).end()
        return bool(_FIELD_ANSWER.match(text, end)) and unread_answer(text, end)
    if ent.ent_id_ == "hepatitis b" and _IMMUNITY_ANSWER.match(text, ent.end_char):
        return True  # "hep B: surface antibody positive, core negative": a result of immunity, not of the infection
    if _positive_result(doc, ent):
        return False  # "TPHA — полож.", "HIV test came out positive": a result read as positive
    if unread_answer(text, ent.end_char):
        return True
    if "-" in text or "–" in text:
        # "HIV - hepatitis B - hepatitis C - syphilis (RW) - no tuberculosis" (found once per text)
        dashed = doc.user_data.get("_dashed")
        if dashed is None:
            dashed = doc.user_data["_dashed"] = dashed_results(
                text, [(e.start_char, e.end_char) for e in _ents(doc) if e.label_ == "CONDITION"])
        if (ent.start_char, ent.end_char) in dashed:
            return True
    start, end = clause_of(doc, ent)
    if _arabizi_clause(doc, start, end):
        return True  # "ma3mri tay7t wla jatni convulsion": what the clause says of it is not known
    if _ASSERTING_BEFORE.search(text, max(start, ent.start_char - 30), ent.start_char):
        return False  # "chronic HBV, HBeAg neg": the illness said to be had, then a test of it
    # (a test named between, "HBeAg", owns the result after it, as a lab's name does)
    others = ((e.start_char, e.end_char, "TEST" if TEST_NAME.search(e.text) else e.label_) for e in _ents(doc) if e is not ent)
    return result_not_positive(text, ent.start_char, ent.end_char, end, others)


# a stay in hospital for an illness denied, not the illness: "never admitted for heart failure", "no hospitalisations
# for asthma" (but an illness never treated is had: "she was never treated for her depression")
_NEVER_CARED_FOR = re.compile(r"\b(?:never|not|n't|no|without|nil)\s+(?:\w+\s+){0,2}?(?:admitted|admissions?|hospitali[sz]ed|"
                              r"hospitali[sz]ations?|ventilated|intubated)"
                              r"\s+(?:(?:in|to)\s+(?:the\s+)?(?:hospital|icu|itu|ward)\s+)?(?:for|because\s+of|due\s+to|with)\s+"
                              r"(?:(?:an?|the|any)\s+)?$", re.I)
_ASSERTING_BEFORE = re.compile(r"\b(?:chronic|active|known|confirmed|diagnosed\s+(?:with\s+)?|living\s+with|has|have|had)\s+$", re.I)


def _facts_from_doc(doc: Doc, patient: Patient) -> None:
    doc.user_data["ents"] = tuple(doc.ents)  # (the pipeline is done: its entities no longer change)
    if _NO_ALLERGIES.search(doc_text(doc)):
        patient.facts.append(Fact("allergy", "any", negated=True, text="no known allergies"))
    for ent in _ents(doc):
        flags = dict(negated=ent._.is_negated, historical=ent._.is_historical, family=ent._.is_family,
                     hypothetical=ent._.is_hypothetical or ent._.is_possible, uncertain=False)
        if ent.label_ in ("CONDITION", "THERAPY", "PREGNANCY", "LACTATION") and not flags["negated"] and _answered_no(doc, ent) \
                and not _ANSWERED_NONE_SINCE.match(doc_text(doc), ent.end_char):  # ("Asthma: nil since 2010": over, below)
            flags["negated"] = True  # "16. Malignancy: NO", "Infections: n/a"
        if ent.label_ == "CONDITION" and not flags["negated"] and (_SCORED_ZERO.match(doc_text(doc), ent.end_char)
                                                                 or _NONE_FOUND.match(doc_text(doc), ent.end_char)
                                                                 or _SIGN_NEGATIVE.match(doc_text(doc), ent.end_char)):
            flags["negated"] = True  # "Seizure 0 | CVA 0", "CD19+ B cells 0.0% ... fully depleted", "anti-HIV (-)": absent
        if ent.label_ == "CONDITION" and not any(flags.values()) and (test := _own_test_after(doc, ent)) is not None \
                and test._.is_negated:
            flags["negated"] = True  # "Syphilis TPHA .......... negative": the illness names the row of its test
        if ent.label_ == "CONDITION" and ent.ent_id_ == "immunodeficiency" and not any(flags.values()) \
                and _DRUG_INDUCED.match(ent.text) and _by_a_drug(doc, ent):
            flags["hypothetical"] = flags["uncertain"] = True  # "Pt immunosuppressed (pred; only recently off MMF)": the drugs' effect
        if ent.label_ == "CONDITION" and not any(flags.values()) \
                and _NEGATIVE_BRACKET_BEFORE.search(doc_text(doc), max(0, ent.start_char - 90), ent.start_char) \
                and _BRACKET_CLOSED_AFTER.match(doc_text(doc), ent.end_char):
            flags["negated"] = True  # "ID screen neg (HIV, HBV, HCV, RPR)": the bracket names what was negative
        if ent.label_ == "CONDITION" and not any(flags.values()) and _TOO_AFTER.match(doc_text(doc), ent.end_char) \
                and _NEGATIVE_LIST_BEFORE.search(doc_text(doc), max(0, ent.start_char - 40), ent.start_char):
            flags["negated"] = True  # "HIV hep B hep C all negative, the syphilis one too": the same result as the list's
        if ent.label_ == "CONDITION" and not any(flags.values()) \
                and _TREATMENT_DENIED.search(doc_text(doc), max(0, ent.start_char - 80), ent.start_char):
            flags["hypothetical"] = True  # "never treated for depression": the treatment is denied, not asserted the illness
        if ent.label_ in ("CONDITION", "THERAPY") and not any(flags.values()) and not ent._.is_affirmed \
                and _after_denial_header(doc, ent.start_char):
            flags["negated"] = True  # "things I do NOT have, since y'all keep asking: seizures · lupus brain · ..."
        if ent.label_ == "THERAPY" and not flags["negated"] and not flags["family"] \
                and (_DECLINED_BEFORE.search(doc_text(doc), max(0, ent.start_char - 80), ent.start_char)
                     or _DECLINED_AFTER.match(doc_text(doc), ent.end_char)):
            flags["negated"] = True  # "pt and family also decline surgery", "he refuse the temozolomide tablets": not had
        if ent.label_ == "THERAPY" and ent.ent_id_ == "investigational treatment" and not any(flags.values()) \
                and _BEGINS_STUDY.search(doc_text(doc), max(0, ent.start_char - 40), ent.start_char):
            flags["hypothetical"] = True  # "This month she begins a clinical trial ... of GC012F": the one being joined
        if ent.label_ == "THERAPY" and not flags["negated"] \
                and (_STUDY_OF_BEFORE.search(doc_text(doc), max(0, ent.start_char - 60), ent.start_char)
                     or _STUDY_IS_FOR.search(doc_text(doc), max(0, ent.start_char - 120), ent.start_char)):
            flags["hypothetical"] = True  # "To the doctor of the study for cisplatin and irinotecan": the study's drugs
        if ent.label_ in ("CONDITION", "THERAPY") and not flags["negated"] and _discussed(doc_text(doc), ent.start_char) \
                and not (ent.start and doc[ent.start - 1].lower_ in ("my", "her", "his", "their", "our")):
            # "Discussed with Pt and husband: - CRS, ICANS, infections, hypogammaglobulinaemia ...", "Education:
            # leukapheresis explained (4-6 h, 2 cannulae)": what was explained to the patient, not what they have
            flags["hypothetical"] = True
        if ent.label_ == "THERAPY" and not flags["negated"] \
                and _ARRANGED_FOR.search(doc_text(doc), max(0, ent.start_char - 80), ent.start_char):
            flags["hypothetical"] = True  # "Social work to help with transport from Salinas for daily radiation": to come
        if ent.label_ == "CONDITION" and flags["negated"] and _AT_A_SITE.match(doc_text(doc), ent.end_char):
            # "no CMV in the eyes", "Never had CMV in eyes, gut or throat": not had there, which says nothing of elsewhere
            flags["negated"], flags["hypothetical"] = False, True
        if ent.label_ == "THERAPY" and ent.ent_id_ == "investigational treatment" and not any(flags.values()) \
                and _CONSENT_TO_STUDY.search(line_of(doc, ent)):
            flags["hypothetical"] = True  # "Clinical trial: patient signed consent 12/01 for the GC012F CAR-T study": the one applied to
        if ent.label_ == "THERAPY" and not any(flags.values()) and _TO_START_AFTER.match(doc_text(doc), ent.end_char):
            flags["hypothetical"] = True  # "Vincristine/dactinomycin to start this afternoon": still to come
        if ent.label_ == "CONDITION" and not any(flags.values()) \
                and _TRIGGER_BEFORE.search(doc_text(doc), max(0, ent.start_char - 100), ent.start_char):
            flags["hypothetical"] = True  # "cold sores ... usually when I'm run down or after a sunburn": what sets it off
        if ent.label_ == "THERAPY" and not flags["negated"] and _STUDY_REGIMEN_BEFORE.search(doc_text(doc), max(0, ent.start_char - 60), ent.start_char):
            flags["hypothetical"] = True  # "Pt aware the study regimen includes protease inhibitors": the study's, not had
        if ent.label_ == "THERAPY" and not flags["negated"] and _STUDY_ARM_BEFORE.search(doc_text(doc), max(0, ent.start_char - 40), ent.start_char):
            flags["hypothetical"] = True  # "the study is randomised and one arm is gemcitabine alone": a study arm
        if ent.label_ == "THERAPY" and not any(flags.values()) \
                and (cue := _BEFORE_TREATMENT.search(doc_text(doc), max(0, ent.start_char - 40), ent.start_char)) \
                and len(doc_text(doc)[_sentence_bounds(doc, ent)[0] : cue.start()].split()) >= 2 \
                and not _DATED_AFTER.match(doc_text(doc), ent.end_char):
            # (not a history told in order: "Prior to rituximab she had failed mycophenolate")
            # "two bad teeth removed by the dentist before radiation": a time told by a treatment maybe still to come
            flags["hypothetical"] = flags["uncertain"] = True
        if ent.label_ == "THERAPY" and not flags["negated"] and _study_drug(doc, ent):
            flags["hypothetical"] = True  # "suitable for the phase I study of irinotecan with cyclosporine": the study's drugs
        if ent.label_ == "THERAPY" and not flags["negated"] and _STUDY_NAMED_AFTER.match(doc_text(doc), ent.end_char):
            flags["hypothetical"] = True  # "to discuss the topotecan plus etoposide GOG study": the study's drugs, not hers
        if ent.label_ == "THERAPY" and not flags["negated"] \
                and _STUDY_TEAM_BEFORE.search(doc_text(doc), max(0, ent.start_char - 40), ent.start_char):
            flags["hypothetical"] = True  # "To: Study team, CD19-BCMA CAR-T (lupus)": the study's name, not hers
        if ent.label_ == "THERAPY" and not flags["negated"] \
                and _STUDY_BRACKET_BEFORE.search(doc_text(doc), max(0, ent.start_char - 100), ent.start_char):
            flags["hypothetical"] = True  # "Client understands the study (cetuximab with radiation then more chemo)"
        if ent.label_ in ("CONDITION", "THERAPY") and not flags["negated"] and _STUDY_LABEL_LINE.match(line_of(doc, ent)):
            flags["hypothetical"] = True  # "Protocol: G-CSF mobilization / stem cell handling": the study's, not hers
        if ent.label_ == "CONDITION" and not any(flags.values()) and _TOPIC_OF_STUDY.match(doc_text(doc), ent.end_char):
            flags["hypothetical"] = True  # "To the investigators, AIDS-related lymphoma protocol": what the study is about
        if ent.label_ == "THERAPY" and flags["hypothetical"] and not flags["negated"] \
                and _WAS_IN_STUDY_BEFORE.search(doc_text(doc), max(0, ent.start_char - 50), ent.start_char) \
                and _STUDY_AFTER.match(doc_text(doc), ent.end_char):
            flags["hypothetical"] = False  # "In 2025 I was in a CAR-T study at UCLA": the study's treatment, had
        if ent.label_ == "CONDITION" and not any(flags.values()) and _exclaimed(doc, ent):
            flags["hypothetical"] = True  # "HIV, hepatitis and syphilis all negative. Syphilis at my age, I ask you!"
        if ent.label_ == "CONDITION" and not any(flags.values()) and _calls_for_help(doc, ent):
            flags["hypothetical"] = True  # "ICANS: confusion, seizure; ... knows to call 911": what to call about
        if ent.label_ == "CONDITION" and not any(flags.values()) and (scored := _scale_score(doc, ent)):
            flags["negated" if scored == "normal" else "hypothetical"] = True  # "DASS-21: depression 4 (normal)": a symptom score
        if ent.label_ == "CONDITION" and not flags["family"] and _ANSWERED_NONE_SINCE.match(doc_text(doc), ent.end_char):
            flags["negated"] = False  # "Asthma: nil since 2010": none since then, so had before (below)
        if ent.label_ == "THERAPY" and flags["negated"] and not flags["family"] \
                and _SINCE_BEFORE.search(doc_text(doc), max(0, ent.start_char - 24), ent.start_char):
            # "No vaccines since the flu jab in October": what the denial counts from was had (a treatment: after
            # "No jags since the HPV at school" an illness named may be its vaccine)
            flags["negated"] = False
        if ent.label_ == "CONDITION" and not any(flags.values()) and _HEALED_AFTER.match(doc_text(doc), ent.end_char):
            flags["historical"] = True  # "a gastric ulcer in 2019 ..., and the endoscopy in September showed it healed"
        if ent.label_ == "CONDITION" and not any(flags.values()) and (_NONE_SINCE.match(doc_text(doc), ent.end_char)
                                                                 or _ANSWERED_NONE_SINCE.match(doc_text(doc), ent.end_char)
                                                                 or _NOT_SINCE.match(doc_text(doc), ent.end_char)):
            flags["historical"] = True  # "Febrile convulsion aged 2; no seizures since": over, and not back since
        if ent.label_ in ("CONDITION", "THERAPY") and not flags["family"] and (answer := _answered(doc, ent)) is not None:
            # "Did he ever take ART before? - No, never.": the question's answer settles it
            flags["negated"], flags["hypothetical"] = answer == "no", False
            if answer == "one of them":
                flags["hypothetical"] = flags["uncertain"] = True
        if ent.label_ in ("CONDITION", "THERAPY", "PREGNANCY", "LACTATION") and (boxed := boxed_answer(doc_text(doc), ent.end_char)) is not None:
            # "Epilepsy: Yes [ ] No [X]": the ticked box answers; none or both ticked leaves it unsettled
            flags["negated"] = boxed == "no"
            if boxed == "unclear":
                flags["hypothetical"] = flags["uncertain"] = True
        elif ent.label_ in ("CONDITION", "THERAPY") and not any(flags.values()) and dash_answer(doc_text(doc), ent.end_char):
            flags["hypothetical"] = flags["uncertain"] = True  # "Epilepsy: —": a dash for an answer, nil or not filled in
        if ent.label_ in ("CONDITION", "THERAPY", "PREGNANCY", "LACTATION") and not flags["negated"] and marked_no(doc_text(doc), ent.end_char):
            flags["negated"] = True  # "CNS lupus / seizure / psychiatric history ×" in a checklist marked 〇/×
        if _writers_own(doc, ent) or _on_relatives_line(doc, ent):
            flags["family"] = True  # kept apart from the patient's own facts, as a relative's are
        if ent.label_ == "CONDITION" and not any(flags.values()) and _finds_nothing(doc, ent):
            flags["negated"] = True  # "Infection: afebrile, WBC 6.8 on 12/01": the field's value finds none
        if ent.label_ == "THERAPY" and not any(flags.values()) and _names_contents(doc, ent):
            # "TLD is tenofovir, lamivudine and dolutegravir": what a medicine is made of, not a drug said to be taken
            flags["hypothetical"] = flags["uncertain"] = True
        if ent.label_ == "CONDITION" and not flags["family"] \
                and _NEVER_CARED_FOR.search(doc_text(doc), max(0, ent.start_char - 60), ent.start_char):
            # "never admitted for heart failure": no stay in hospital for it, which says nothing of having it
            flags["negated"] = False
            flags["hypothetical"] = flags["uncertain"] = True
        if ent.label_ in ("CONDITION", "THERAPY") and not any(flags.values()) and _unsettled(doc, ent):
            # "HIV, hep B, hep C and syphilis ... every one of them negative", "HIV: nee": named, not said to be had
            flags["hypothetical"] = flags["uncertain"] = True
        asserted = not (flags["negated"] or flags["family"] or flags["hypothetical"])
        if ent.label_ in ("CONDITION", "THERAPY") and _field_name(doc, ent):
            continue  # "HIV/Hepatitis: HIV neg, HBsAg neg": the field's value speaks, not its name
        if ent.label_ in ("CONDITION", "THERAPY") and asserted and _checklist_question(doc, ent):
            continue  # "Indwelling lines/drains/catheters: right PICC removed": the question, answered after it
        if ent.label_ in ("PREGNANCY", "LACTATION") and not flags["negated"] and "test" not in ent.text.lower() \
                and _field_of(doc, ent, longest=40) and not field_yes(doc_text(doc), ent.end_char) \
                and not _THIS_PREGNANCY.search(doc_text(doc), max(0, ent.start_char - 20), ent.start_char):
            continue  # "Pregnancy: serum beta-hCG negative 08/01/2000": the field's name asserts nothing
        if ent.label_ == "THERAPY" and ent.text.lower().rstrip(".") == "pred" \
                and re.search(r"%\s*(?:of\s+)?$", doc_text(doc)[max(0, ent.start_char - 6) : ent.start_char]):
            continue  # "FEV1 92% pred": of the predicted value, not prednisolone
        if ent.label_ == "CONDITION" and ent.text == "TIA" and (
                _TIA_SIGN_OFF.match(doc_text(doc), ent.end_char)
                or _THANKS_BEFORE.search(doc_text(doc), max(0, ent.start_char - 25), ent.start_char)):
            continue  # "TIA, and sorry for the essay": thanks in advance, at a post's end
        if ent.label_ == "CONDITION" and _PRE_BEFORE.search(doc_text(doc), max(0, ent.start_char - 5), ent.start_char):
            continue  # "a pre-cancer in the neck of the womb": a change that may become one, not the disease
        if ent.label_ == "CONDITION" and ent.text.isupper() and _persons_role(doc, ent):
            continue  # "completed by CRC L. Zhang", "Caller: J. Mensah, CRC", "my PCP": a person's role, not an illness
        if ent.label_ == "CONDITION" and ent.text.isupper() and _NAMES_A_THING.match(doc_text(doc), ent.end_char):
            continue  # "SCI Gateway referral", "MS Teams call", "the MS Society": a system's or a body's name, not the illness
        if ent.label_ == "CONDITION" and ent.text in _VESSEL_PREFIXES and _vessel_name(doc_text(doc), ent):
            continue  # "recorded on MS Geertruida near Nijmegen", "aboard the RMS Queen Mary": a ship's name
        if ent.label_ == "CONDITION" and ent.text.isupper() and _IN_A_TECHNIQUE.search(doc_text(doc), max(0, ent.start_char - 8), ent.start_char):
            continue  # "LC-MS/MS", "GC-MS", "MALDI-TOF MS": a laboratory technique's name, not multiple sclerosis
        if ent.label_ == "CONDITION" and not flags["negated"] and _VACCINE_ONE.match(doc_text(doc), ent.end_char) \
                and _VACCINES_BEFORE.search(doc_text(doc), max(0, ent.start_char - 50), ent.start_char):
            flags["hypothetical"] = True  # "he got all his vaccines, also the chickenpox one": a vaccine, not the illness
        if ent.label_ == "CONDITION" and not flags["negated"] and _VACCINE_AFTER.match(doc_text(doc), ent.end_char):
            flags["hypothetical"] = True  # "Hepatitis B (Heplisav B): 1.ª dosis 29/10/2026", "Hep B vaccine x3": the vaccine against it
        if ent.label_ == "CONDITION" and ent.text.isupper() and _CODE_NUMBER.match(doc_text(doc), ent.end_char):
            continue  # "PSC 833", "CAI-2011": an investigational drug's code, not primary sclerosing cholangitis
        if ent.label_ == "THERAPY" and ent.text.lower() in ("surgery", "surgeries") and any(
                m.start() <= ent.start_char and ent.end_char <= m.end()
                for m in _AT_THE_PRACTICE.finditer(doc_text(doc), max(0, ent.start_char - 20), ent.end_char + 20)):
            continue  # "UPT neg in surgery today", "seen at the surgery": a family doctor's practice (UK, Ireland), not an operation
        if ent.label_ == "CONDITION" and flags["negated"] and _TREATMENT_AFTER.match(doc_text(doc), ent.end_char):
            continue  # "never been on any HIV medicine": the treatment is denied, not the illness
        if ent.label_ == "CONDITION" and flags["negated"] and _MODIFIER_AFTER.match(doc_text(doc), ent.end_char):
            continue  # "no HIV-related signs", "no lupus-associated nephritis": what is denied is the sign, not the illness
        if ent.label_ == "CONDITION" and ent.text.isupper() and _UNIT_LEVEL.search(doc_text(doc), max(0, ent.start_char - 30), ent.start_char):
            continue  # "Ambulance, Unit M-2 (ALS)": the unit's level of care (advanced life support), not a disease
        if ent.label_ == "CONDITION" and (_SERVICE_AFTER.match(doc_text(doc), ent.end_char)
                                          or _SERVICE_BEFORE.search(doc_text(doc), max(0, ent.start_char - 30), ent.start_char)
                                          or (_SPECIALTY_NAME.fullmatch(ent.text) and _SPECIALTY_PEOPLE.match(doc_text(doc), ent.end_char))):
            continue  # "Royal Marsden Cancer Centre", "Lupus Clinic", "infectious disease consultant": a service, not an illness
        if ent.label_ == "THERAPY" and _SPECIALTY_AFTER.match(doc_text(doc), ent.end_char):
            continue  # "the radiation oncologist said ...", "CELLULAR THERAPY CLINIC": a specialty or a service, not a treatment had
        if ent.label_ == "CONDITION" and asserted and _restated(doc, ent):
            continue  # "her only cancer history is a basal cell skin cancer": the cancer named, not another
        if ent.label_ == "CONDITION" and asserted and (TEST_NAME.search(ent.text) or _TEST_AFTER.match(doc_text(doc), ent.end_char)) \
                and not _positive_result(doc, ent):
            continue  # "PPD 0 mm", "HBsAg checked": a test named without a positive result says nothing
        if ent.label_ == "CONDITION":
            days, _ = timing(doc, ent)
            start, end = clause_of(doc, ent)
            if days is None:
                days = _at_age(doc, ent, (start, end), patient.age)
            if not flags["negated"] and not flags["historical"] and _cured_under_heading(doc, ent):
                flags["historical"] = True  # "Hep C: caught it in my wild days. Got cured in 2019 ..."
            if days is not None and not flags["historical"] and re.search(r"\b(diagnos\w*|dx|dx'd|dxd|living with|has had|have had|found out|was told|tested positive|discovered|detected)\b", doc_text(doc)[start:end], re.I):
                days = None  # "diagnosed with HIV 2 years ago": when it began; it is still there
            elif days is not None and days >= 180 and not _GOES_ON.search(_OFF_SINCE.sub(" ", doc_text(doc)[start:end])):
                flags["historical"] = True  # "had a stroke in 2016": an event long past
            for extra in _elided(doc, ent):  # "hepatitis B and C negative"
                patient.facts.append(Fact("condition", extra, days_ago=days, text=ent.text, **flags))
            patient.facts.append(Fact("condition", _sited(doc, ent), days_ago=days, text=ent.text, **flags))
        elif ent.label_ == "THERAPY" and _allergen(doc, ent):
            patient.facts.append(Fact("allergy", ent.ent_id_, text=ent.text, **flags))
        elif ent.label_ == "THERAPY":
            days, current = timing(doc, ent)
            if _HARM_AFTER.match(doc_text(doc), ent.end_char):
                # "MRI 3 wks ago: ... radiation necrosis": the harm a past treatment left, not when it was given
                days, current = None, False
                flags["historical"] = flags["historical"] or not flags["negated"]
            if (days is None or (current and days == 0.0)) and not flags["negated"] and _ahead_of(doc, ent):
                flags["hypothetical"], days, current = True, None, False  # "a dental check before the CAR-T infusion": still to come
            continues = not flags["negated"] and goes_on(doc, ent)
            if continues and days is None:  # "can't stop the CellCept": taken now
                days, current = 0.0, True
            if days is not None and days > 30 and not current and not flags["negated"] and _device_once(doc, ent):
                flags["historical"] = True  # "I had a Foley catheter in 2019": a device of a time gone by
            elif not flags["negated"] and _removed(doc, ent):
                flags["historical"], current = True, False  # "they put a urinary catheter ... the catheter was taken out on 4/9"
            dose = _dose(doc, ent)
            patient.facts.append(Fact("therapy", ent.ent_id_, days_ago=days, current=current, continues=continues,
                                      text=ent.text, value=dose, unit="mg/day" if dose is not None else None, **flags))
        elif ent.label_ == "PREGNANCY" and ("test" in ent.text.lower() or _TEST_WORD_AFTER.match(doc_text(doc), ent.end_char)):
            # a pregnancy test says something only with its result
            # ("the pregnancy test at my screening visit last week came back positive"; not "re-access if any
            # positive pregnancy test", "her sister's pregnancy test was positive")
            if flags["hypothetical"] or flags["family"]:
                continue
            _, end = clause_of(doc, ent)
            after = doc_text(doc)[ent.end_char : min(end, ent.end_char + 60)].lower()
            result = re.search(r"\b(positive|negative|neg)\b", after)
            if flags["negated"] or (result and result.group(1) != "positive"):
                patient.pregnant = False
            elif ent.text.lower().startswith("positive") or result:
                patient.pregnant = True
        elif ent.label_ == "LAB" and ent.ent_id_ == "beta-hcg" and not (flags["family"] or flags["hypothetical"]):
            # "Urine hCG positive", "beta-hCG: negative": a pregnancy test by its hormone's name, read by its result
            result = _HCG_RESULT.match(doc_text(doc), ent.end_char)
            _, end = clause_of(doc, ent)
            days = days_ago(doc_text(doc)[ent.start_char : end], dt.date.today())
            if days is None and any(int(y) < dt.date.today().year for y in re.findall(r"\b(?:19|20)\d\d\b", doc_text(doc)[ent.start_char : end])):
                days = 366.0  # "negative 08/01/2000": a date we cannot read day by day, in a year gone by
            if result and patient.sex != "male" and (days is None or days <= 45):  # an old test says nothing of now
                if flags["negated"] or result.group(1).lower() in ("negative", "neg", "not detected", "undetectable"):
                    patient.pregnant = False if patient.pregnant is None else patient.pregnant
                else:
                    patient.pregnant = True
        elif ent.label_ == "PREGNANCY" and ent.ent_id_ != "planned pregnancy" and _PREGNANCY_SERVICE.match(doc_text(doc), ent.end_char):
            patient.sex = patient.sex or "female"  # "EARLY PREGNANCY ASSESSMENT SERVICE": where she is seen, not a state
        elif ent.label_ == "PREGNANCY" and not flags["family"]:
            if _SOME_PREGNANCY.search(doc_text(doc), max(0, ent.start_char - 20), ent.start_char) \
                    or _PEOPLE_AFTER.match(doc_text(doc), ent.end_char):
                # "aspirin from 12 weeks of any pregnancy", "the best time for a pregnancy"; "what's safe for pregnant
                # women with asthma": people in general
                flags["hypothetical"] = True
            if ent.ent_id_ == "planned pregnancy":
                if not flags["hypothetical"]:  # "Do you plan a pregnancy in the next year?" asks
                    patient.planning_pregnancy = not flags["negated"]
            elif not flags["hypothetical"]:
                days, _ = timing(doc, ent)
                if flags["negated"] and _alone_in_brackets(doc, ent):
                    flags["negated"] = False  # "Nexplanon not inserted (pregnant)": the reason, not denied
                if flags["negated"]:
                    patient.pregnant = False
                elif _past_pregnancy(doc, ent):
                    # "after my first pregnancy": says nothing of now, either way; but of who is described
                    patient.sex = patient.sex or "female"
                elif not flags["historical"] and (days is None or days < PAST_PREGNANCY_DAYS) and not _ended_by_birth(doc, ent):
                    if _bare_pregnancy_noun(doc, ent):
                        patient.sex = patient.sex or "female"  # "Contraception/pregnancy - copper IUD": a topic, not a state
                    else:
                        patient.pregnant = True
                elif patient.pregnant is None:
                    patient.pregnant = False  # "was pregnant last year", "2nd pregnancy (1998)": not a pregnancy now
        elif ent.label_ == "LACTATION" and _nursing_profession(doc_text(doc), ent):
            continue  # "I'm in nursing school", "judged adequate by apheresis nursing": the profession, not breastfeeding
        elif ent.label_ == "LACTATION" and not flags["hypothetical"] and (not flags["family"] or (
                _FED_CHILD_AFTER.match(doc_text(doc), ent.end_char)
                and not _FEEDER_BEFORE.search(doc_text(doc), max(0, ent.start_char - 60), ent.start_char))
                or _BABY_BEFORE.search(doc_text(doc), max(0, ent.start_char - 60), ent.start_char)):
            # ("still breastfeeding son Archie (16 months)": the child fed is not who breastfeeds; "my daughter is
            # breastfeeding her baby" is the daughter; "daughter born 2026年5月, still breastfeeding": the baby is fed)
            patient.breastfeeding = not (flags["negated"] or flags["historical"]  # "stopped breastfeeding"
                                         # "I stop breastfeed him when him turn 1": a learner's present for a time gone by
                                         or (_STOP_BEFORE.search(doc_text(doc), max(0, ent.start_char - 20), ent.start_char) is not None
                                             and _GONE_BY_AFTER.match(doc_text(doc), ent.end_char) is not None))
        elif ent.label_ == "ADMIN" and ent.ent_id_ in ("informed consent", "willingness to comply") and asserted:
            patient.consents = True
    measured = measurements(doc)
    patient.facts.extend(measured)
    _findings(doc, patient, measured)
    _blood_pressure(doc_text(doc), patient)
    _class_scores(doc_text(doc), patient)
    _cleared_infections(patient.facts)
    latest_timing(patient.facts)


# an infection a test shows gone, and the test that stays positive after it: hepatitis C antibodies with the
# RNA undetectable; a treponemal test (TPPA, FTA-ABS, EIA) with the RPR or VDRL non-reactive
_CLEARED = {
    "hepatitis c": (re.compile(r"\banti-?\s*hcv\b|\bhcv\s*(?:ab|antibod\w*|igg|serology)\b|\bantibod", re.I),
                    re.compile(r"\b(?:rna|pcr|viral\s+load|vl|svr\d*)\b", re.I)),
    "syphilis": (re.compile(r"\b(?:tppa|tp-pa|tpha|fta|fta-abs|treponem\w*|eia|clia|syphilis)\b", re.I),
                 re.compile(r"\b(?:rpr|vdrl)\b", re.I)),
}


# a screening test and the test that confirms it: "RPR reactive 1:2, TP-PA non-reactive" is a biological false
# positive (lupus, antiphospholipid antibodies, pregnancy)
_UNCONFIRMED = {
    "syphilis": (re.compile(r"\b(?:rpr|vdrl)\b", re.I),
                 re.compile(r"\b(?:tppa|tp-pa|tpha|fta|fta-abs|treponem\w*)\b", re.I)),
}


def _cleared_infections(facts: list[Fact]) -> None:
    """"Anti-HCV reactive but HCV RNA not detected", "RPR non-reactive; TPPA positive": an infection the
    test of the live infection shows gone (cleared, or cured by treatment), with the test that stays
    positive for life, is a past infection, not an active one. A screening test positive that the
    confirming test does not confirm ("RPR reactive, TP-PA non-reactive") is no infection shown: a
    question, not a fail."""
    for concept, (lasting, live) in _CLEARED.items():
        if any(f.concept == concept and f.negated and live.search(f.text) for f in facts):
            for f in facts:
                if f.concept == concept and f.asserted and lasting.search(f.text):
                    f.historical = True
    for concept, (screen, confirm) in _UNCONFIRMED.items():
        if any(f.concept == concept and f.negated and confirm.search(f.text) and not screen.search(f.text) for f in facts):
            for f in facts:
                if f.concept == concept and f.asserted and screen.search(f.text) and not confirm.search(f.text):
                    f.uncertain = f.hypothetical = True


def _findings(doc: Doc, patient: Patient, measured: list[Fact]) -> None:
    """A test name that is also a finding, said without a value ("drooling, fever and
    vocal changes"), is that finding; a temperature of 38 °C or more is a fever."""
    from .nlp.lexicon import lookup

    valued = {f.text for f in measured}
    for ent in doc.ents:
        if ent.label_ != "LAB" or any(ent.text in v for v in valued):
            continue
        found = lookup(ent.text)
        if found and found[0] == "CONDITION":
            flags = dict(negated=ent._.is_negated, historical=ent._.is_historical, family=ent._.is_family,
                         hypothetical=ent._.is_hypothetical or ent._.is_possible)
            patient.facts.append(Fact("condition", found[1], text=ent.text, **flags))
    if any(f.concept == "body temperature" and f.value is not None and f.value >= 38.0 and not f.negated for f in measured) \
            and not any(f.kind == "condition" and f.concept == "fever" for f in patient.facts):
        patient.facts.append(Fact("condition", "fever", text="temperature"))


def _blood_pressure(text: str, patient: Patient) -> None:
    """ "BP 142/91", "blood pressure 138/84 mmHg": systolic and diastolic readings."""
    from .nlp.bloodpressure import read_pressures

    have = {f.concept for f in patient.facts if f.kind == "measurement"}
    for p in read_pressures(text):
        if p.comparator is None and "systolic blood pressure" not in have:
            patient.facts.append(Fact("measurement", "systolic blood pressure", value=p.systolic, unit="mmHg", text=text[p.start:p.end]))
            patient.facts.append(Fact("measurement", "diastolic blood pressure", value=p.diastolic, unit="mmHg", text=text[p.start:p.end]))
            have.add("systolic blood pressure")


def _class_scores(text: str, patient: Patient) -> None:
    """ "NYHA class III", "Child-Pugh A", "ASA II": the class as its score."""
    from .nlp.classes import read_classes

    have = {f.concept for f in patient.facts if f.kind == "measurement"}
    for b in read_classes(text):
        if b.concept in have or b.comparator != "between":
            continue
        if b.concept == "child-pugh score":
            continue  # a class is a range of scores, not one
        if b.value == b.value_max:
            patient.facts.append(Fact("measurement", b.concept, value=b.value, unit="points", text=text[b.start:b.end]))
            have.add(b.concept)


def read_text(text: str, patient: Patient | None = None) -> Patient:
    """Facts from free text, added to ``patient`` (a new one by default).

    Raises :class:`~matcher.form.FormError` for text longer than
    ``MAX_TEXT_CHARS`` or holding undecodable bytes.
    """
    patient = patient or Patient()
    text = check_text(text) if isinstance(text, str) else ""
    language = other_language(text)
    if language:
        patient.language = language
        patient.notes.append(f"This looks written in {language}. matcher reads English only, so we could not "
                             "understand it; please describe the patient in English.")
        return patient
    text = others_quoted(text)  # "> Maggie1961 wrote: "Mine showed EF 45%"": another person's words, and places
    if patient.location is None:
        from .geo import place_in_text

        place = place_in_text(text)
        if place is not None:
            patient.location = _place_dict(place)
    text = written(text)  # "eleven point two", "... comma ... period", "1.6 lakh"
    text, fixes = correct(text)
    for written_as, read_as in fixes:
        patient.notes.append(f"We read “{written_as}” as “{read_as}”.")
    if patient.age is None:
        patient.age, patient.age_approx = read_age(text, patient.other_ages)
    if patient.sex is None:
        patient.sex = read_sex(text)
    if text.strip():
        nlp = _nlp()
        doc = nlp.make_doc(text)
        relation = described_relation(text)
        if relation:
            doc.user_data["described"] = (relation,)
        for _, component in nlp.pipeline:
            doc = component(doc)
        _facts_from_doc(doc, patient)
        _study_visits(text, patient)
        if _REFUSES.search(text):
            patient.consents = False  # "she would not sign the consent form": a refusal, said outright
        if _REFUSES_CONTRACEPTION.search(text):
            patient.contraception = False  # "she declines any contraception during the trial"
        if not patient.pregnant and patient.sex != "male" and _due_ahead(text):
            patient.pregnant = True  # "EDD 05/09/2027": a due date still to come
        if patient.sex is None and (patient.pregnant or patient.breastfeeding):
            patient.sex = "female"
        _cancer_details(text, patient)
        _childbearing(text, patient)
        if not (patient.facts or patient.age is not None or patient.sex or patient.stage or patient.biomarkers):
            patient.notes.append("We found no age, sex, condition, treatment or test result in what you wrote.")
        patient.words = patient.words | content_words(text)
    return patient


# another study's last visit, infusion or dose, dated: "last study visit 15/10/2026", "end-of-study visit on 12 October
# 2026", "my last visit there was on 14.10.2026" (after "study" or "trial" in the same sentence)
_LAST_STUDY_VISIT = re.compile(
    r"\b(?:(?:last|final|latest)\s+(?:study|trial)\s+(?:visit|infusion|injection|dose|tablet|pill|drug)s?"
    r"|end[\s-]+of[\s-]+(?:study|trial)\s+visit|(?:last|final)\s+visit\s+(?:there|in\s+(?:that|the)\s+(?:other\s+)?"
    r"(?:study|trial)))\b(?=(?P<when>(?:[^.;\n]|\.(?=\d)){0,30}))", re.I)


def _study_visits(text: str, patient: Patient) -> None:
    """Taking part in another study, dated by its last visit or dose when no study was read with a date: "I was in a
    trial of a lupus injection, last study visit 15/10/2026" (a study's treatment named or not)."""
    if any(f.kind == "therapy" and f.concept == "investigational treatment" and f.asserted and f.days_ago is not None
           for f in patient.facts):
        return
    matches = list(_LAST_STUDY_VISIT.finditer(text))
    first = day_first(text) if matches else None
    dated = []
    for m in matches:
        start, _ = text_clause(text, m.start(), m.end())
        if "there" in m.group(0).lower() and not re.search(r"\b(?:study|trial)\b", text[start : m.start()], re.I):
            continue  # "my last visit there": there must be a study in the sentence
        days = days_ago(m.group("when"), dt.date.today(), first)
        # ... or as long ago as its sentence says, if sooner: "completed it 7 weeks ago (final study visit ...)"
        ago = ago_days(text[start : m.end("when")], dt.date.today())
        days = ago if days is None or (ago is not None and ago < days) else days
        if days is not None and days >= 0:
            dated.append((days, text[m.start() : m.end("when")][:60]))
    if dated:  # the latest of them ("last study infusion 24.09.2026, end-of-study visit 05.11.2026")
        days, said = min(dated)
        patient.facts.append(Fact("therapy", "investigational treatment", days_ago=days, text=said))


def _cancer_details(text: str, patient: Patient) -> None:
    """Stage, TNM, metastases, biomarkers and prior lines (see matcher.nlp.oncology)."""
    from .nlp.oncology import (
        read_biomarkers,
        read_metastatic,
        read_prior_lines,
        read_stage,
        read_tnm,
    )

    patient.stage = patient.stage or read_stage(text)
    patient.tnm = patient.tnm or read_tnm(text)
    metastatic, sites = read_metastatic(text)
    if patient.metastatic is None:
        patient.metastatic = metastatic
    patient.metastatic_sites = list(dict.fromkeys(patient.metastatic_sites + sites))
    latest = {b.name: b.to_dict() for b in read_biomarkers(text)}
    patient.biomarkers = [b for b in patient.biomarkers if b["name"] not in latest] + list(latest.values())
    if patient.prior_lines is None:
        patient.prior_lines = read_prior_lines(text)
    concepts = {f.concept for f in patient.facts if f.kind == "condition" and f.asserted}
    if patient.metastatic and "metastatic disease" not in concepts:
        patient.facts.append(Fact("condition", "metastatic disease", text="metastatic"))
    elif patient.metastatic is False and "metastatic disease" not in concepts:
        patient.facts.append(Fact("condition", "metastatic disease", negated=True, text="no metastases"))
    for site in sites:
        concept = f"{'brain' if site == 'brain' else site} metastases"
        if site in ("brain", "liver", "bone") and concept not in concepts and not _site_clear(text, site):
            patient.facts.append(Fact("condition", concept, text=f"metastases to {site}"))


_SITE_WORDS = {"brain": r"intracranial|brain|cerebral|cns|head", "liver": r"liver|hepatic", "bone": r"bones?|skeletal|osseous"}


def _site_clear(text: str, site: str) -> bool:
    """Whether the text clears a site of metastases: "MRI brain 20/10/2026: no intracranial mets", "no liver lesions"."""
    words = _SITE_WORDS[site]
    return bool(re.search(r"\b(?:no|without|negative\s+for)\s+(?:evidence\s+of\s+)?(?:\w+\s+)?(?:" + words + r")\s+"
                          r"(?:mets|metastas[ei]s|lesions?|disease|involvement)\b"
                          r"|\b(?:mri|ct|scan|imaging)\s+(?:of\s+the\s+)?(?:" + words + r")\b[^.;\n]{0,30}:\s*(?:no|negative|normal|clear)\b",
                          text, re.I))


# a pregnancy dated further back than this is over ("gestational diabetes with my 2nd pregnancy (1998)")
PAST_PREGNANCY_DAYS = 300
_CAN_CONCEIVE = re.compile(r"\b(could (?:get|become) pregnant|can (?:get|become) pregnant|child-?bearing potential|premenopausal|"
                           r"pre-menopausal|still (?:have|has|get|gets) (?:\w+ ){0,2}periods|(?:regular|menstrual|monthly) periods|"
                           r"not on birth control|uses? no contraception|not using (?:any )?(?:birth control|contraception))\b", re.I)
_CANNOT_CONCEIVE = re.compile(r"\b(post-?menopausal|went through menopause|after menopause|menopause \w+ ago|hysterectomy|"
                              r"tubes? (?:tied|removed)|tubal ligation|surgically sterile|sterili[sz]ed|no longer (?:have|has|get) periods|"
                              r"cannot (?:get|become) pregnant|can't (?:get|become) pregnant|not of child-?bearing potential|infertile)\b\b", re.I)


# a pregnancy now: its due date still to come ("EDD 05/09/2027")
_DUE_DATE = re.compile(r"\b(?:EDD|EDC|due\s+date|estimated\s+(?:date\s+of\s+)?delivery|baby\s+is\s+due|due\s+(?:on|in))\s*[:=]?\s*"
                       r"(?:on\s+)?(\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d|(?:19|20)\d\d-\d{1,2}-\d{1,2})", re.I)


def _due_ahead(text: str) -> bool:
    today = dt.date.today()
    for m in _DUE_DATE.finditer(text):
        parts = [int(x) for x in re.split(r"[/.-]", m.group(1))]
        if parts[0] > 31:  # 2027-05-09
            readings = [(parts[0], parts[1], parts[2])]
        else:  # 05/09/2027 or 09/05/27: either order (a due date ahead in both is still ahead)
            year = parts[2] + (2000 if parts[2] < 100 else 0)
            readings = [(year, parts[0], parts[1]), (year, parts[1], parts[0])]
        for year, month, day in readings:
            try:
                when = dt.date(year, month, day)
            except ValueError:
                continue
            if today < when <= today + dt.timedelta(days=300):
                return True
    return False


def _childbearing(text: str, patient: Patient) -> None:
    if patient.childbearing_potential is not None or patient.sex == "male":
        return
    if _CANNOT_CONCEIVE.search(text):
        patient.childbearing_potential = False
    elif _CAN_CONCEIVE.search(text) or patient.pregnant:
        patient.childbearing_potential = True


def content_words(text: str) -> frozenset[str]:
    """Stemmed content words of ``text`` (the index's analyzer), for overlap tests."""
    from .index import query_terms

    return frozenset(t for t in query_terms(text) if len(t) > 2 and not t.isdigit())


def _concepts(text: str, label: str) -> list[str]:
    doc = _nlp()(text)
    return [e.ent_id_ for e in doc.ents if e.label_ == label]


def read_form(form: Mapping[str, Any], *, today: dt.date | None = None) -> Patient:
    """A patient from a site's form (see README for the fields); ``text`` is read too.

    Raises :class:`PatientError` naming the field when a value has the wrong type.
    """
    checked = validate_form(form)
    today = today or dt.date.today()
    patient = Patient(age=checked.age, sex=checked.sex, pregnant=checked.pregnant, breastfeeding=checked.breastfeeding)
    for text in checked.conditions:
        for concept in _concepts(text, "CONDITION") or [" ".join(text.lower().split())]:
            if concept:
                patient.facts.append(Fact("condition", concept, text=text))
    for i, m in enumerate(checked.measurements):
        patient.facts.append(_form_measurement(f"measurements[{i}]", m.name, m.value, m.unit))
    for i, med in enumerate(checked.medications):
        name, last = med.name, med.last_taken
        try:
            days = None if last in (None, "") else days_since(last, f"medications[{i}].last_taken", today)
        except TimingError as exc:
            raise PatientError(exc.field, str(exc).split(": ", 1)[-1]) from None
        current = days is None or days <= 1
        for concept in _concepts(name, "THERAPY") or [" ".join(name.lower().split())]:
            patient.facts.append(Fact("therapy", concept, days_ago=0.0 if days is None else days,
                                      current=current, text=name))

    if checked.location is not None:
        patient.location = _form_place(checked.location)
    if checked.text is not None:
        _read_text_keeping_fields(checked.text, patient)
    return patient


# What a form states outright; free text read with the form does not override it.
_FORM_FIELDS = ("age", "sex", "pregnant", "breastfeeding", "location")


_PROVIDER_BEFORE = re.compile(r"(?:\b(?:my|your|her|his|their|our|the|new|local|per|by|from|saw|see|sees|seen|"
                              r"called|told|asked)|\|)\s*$", re.I)
_PROVIDER_AFTER = re.compile(r"[ \t]*(?:[:|]|(?:dr\.?|doctor|note|notes|visit|appointment|office|clinic|practice|said|says|"
                             r"told|referred|ordered|started|prescribed|checked|follow[- ]up)\b)", re.I)


# what an abbreviation names when a capitalised word of systems and bodies follows it
_NAMES_A_THING = re.compile(r"[ \t]+(?:GATEWAY|Gateway|gateway|Teams|TEAMS|Word|Excel|Outlook|Society|SOCIETY|Association|"
                            r"ASSOCIATION|Foundation|FOUNDATION|Trust|TRUST|Portal|PORTAL|Network|NETWORK|Registry|REGISTRY|"
                            r"Alliance|Charity|App|Store|Helpline|HELPLINE|"
                            # "ID verified: MS driver license": a state's (Mississippi's) document
                            r"[Dd]river(?:'s|s|’s)?|[Ll]icen[cs]e|Medicaid|DMV|[Ss]tate\s+ID)\b")
# a ship's name: a vessel prefix ("MS", motor ship; "RMS", royal mail ship) and a capitalized name, after
# "aboard", or after "on" or "the" in a text that speaks of a boat ("on MS Geertruida ... I am on the boat"),
# not "On MS Rebif since 2019" (a drug for the illness)
_VESSEL_PREFIXES = frozenset({"MS", "RMS"})
_ABOARD = re.compile(r"\b(?:aboard|onboard|on\s+board(?:\s+of)?)\s+(?:the\s+)?$", re.I)
_VESSEL_ON = re.compile(r"\b(?:on|the)\s+(?:the\s+)?$", re.I)
_VESSEL_NAME = re.compile(r"[ \t]+(?-i:[A-Z][a-z]+)\b(?![-/])")
_BOAT_WORDS = re.compile(r"\b(?:boats?|ships?|barges?|vessels?|skipper|wheelhouse|deck|crew|cruise|ferry|tanker|freighter|"
                         r"sailing|harbou?r|berth|moored)\b", re.I)


def _vessel_name(text: str, ent: Span) -> bool:
    if _VESSEL_NAME.match(text, ent.end_char) is None:
        return False
    before = text[max(0, ent.start_char - 30) : ent.start_char]
    return bool(_ABOARD.search(before) or (_VESSEL_ON.search(before) and _BOAT_WORDS.search(text)))


# a technique whose name joins capitals by hyphens: "LC-MS/MS", "GC-MS", "HPLC-MS", "MALDI-TOF MS"
_IN_A_TECHNIQUE = re.compile(r"(?-i:\b(?:LC|GC|HPLC|UPLC|UHPLC|ICP|TOF|MALDI-TOF|ESI|LC-MS|GC-MS)\s*[-/]\s*|(?:MS|MALDI-TOF)\s*/\s*|TOF\s+)$")
# a vaccine against the illness named: its brand in brackets, a numbered dose, the word "vaccine" in any language
_VACCINE_AFTER = re.compile(r"[ \t]*(?:(?:and|&|/|,)[ \t]*\w+[ \t]*)?(?:\([^)\n]{0,30}\)[ \t]*)?[:,\-–]?[ \t]*"
                            # the vaccine's kind between: "influenza HA vaccine", "COVID mRNA booster", "HPV 9-valent vaccine"
                            r"(?:(?:(?-i:[A-Z0-9][A-Za-z0-9-]{0,8})|mrna|conjugate|polysaccharide|inactivated|live|attenuated|"
                            r"recombinant|quadrivalent|trivalent|tetravalent|high-dose|adjuvanted|split|subunit)[ \t]+){0,2}"
                            r"(?:(?:vaccin\w*|vacun\w*|vacin\w*|impf\w*|immuni[sz]ation\w*|booster|jab|heplisav|engerix|twinrix|"
                            r"recombivax|shingrix|gardasil)\b|(?:1|2|3|first|second|third)(?:st|nd|rd|th|\.ª|ª|º|\.)?[ \t]*"
                            r"(?:dose|dosis|dosi|dos)\b|\d[ \t]*doses\b)"
                            # the vaccine's brand in the bracket after the name: "Hepatitis B (Heplisav B): ..."
                            r"|[ \t]*\([^)\n]{0,10}\b(?:heplisav|engerix|twinrix|recombivax|shingrix|gardasil|havrix|vaqta)\b"
                            # ... or the answer after it: "Hepatitis B - she had the vaccine in the 90s" (not "had it, then ...")
                            # (or without a mark when a subject opens the answer: "Hepatitis B I had vaccine as railway worker")
                            r"|[ \t]*(?:[-–—:]|(?=[ \t]+(?:i|we|she|he|they)\b))[ \t]*(?:(?!it\b|them\b)[\w']+[ \t]+){0,3}?"
                            r"(?:vaccinated|vaccine|vaccination|jabs?|immuni[sz]ed)\b",
                            re.I)

_VACCINE_ONE = re.compile(r"[ \t]+(?:one|ones|too)\b", re.I)
_VACCINES_BEFORE = re.compile(r"\b(?:vaccin\w*|jabs?|shots?|immuni[sz]ations?|boosters?)\b[^.;\n]*$", re.I)

_CODE_NUMBER = re.compile(r"[ -]?(?!(?:19|20)\d\d\b)\d{3,}\b(?![.,]\d)(?!\s*(?:copies|cop\b|c/ml|iu|u/|/|cells|%|mg|log|x\s*10|×))", re.I)


def _persons_role(doc: Doc, ent: Span) -> bool:
    """An abbreviation naming someone's role: before their name ("completed by CRC L. Zhang"), as a
    credential after a name other than the patient's ("Caller: J. Mensah, CRC |"), or "PCP" as the
    patient's primary care physician ("my PCP", "2016 | PCP | ...", "PCP note")."""
    text = doc_text(doc)
    if _ROLE_BEFORE.search(text, max(0, ent.start_char - 40), ent.start_char) and _NAME_AFTER.match(text, ent.end_char):
        return True
    if _TITLED_NAME_AFTER.match(text, ent.end_char):
        return True  # "Referred by: Dr. Huang, CRC Ms. Tsai": a title and a name right after, whatever comes before
    if _SIGNED_WITH.search(text, max(0, ent.start_char - 60), ent.start_char):
        return True
    if ent.text == "PCP" and (_PROVIDER_BEFORE.search(text[max(0, ent.start_char - 12) : ent.start_char])
                              or _PROVIDER_AFTER.match(text, ent.end_char)):
        return True
    line = text.rfind("\n", 0, ent.start_char) + 1
    return bool(_NAME_BEFORE.search(text[max(line, ent.start_char - 60) : ent.start_char])
                and _CREDENTIAL_END.match(text, ent.end_char)
                and not _PATIENT_FIELD.search(text, max(line, ent.start_char - 200), ent.start_char))


def _read_text_keeping_fields(text: str, patient: Patient) -> None:
    given = {name: getattr(patient, name) for name in _FORM_FIELDS if getattr(patient, name) is not None}
    read_text(text, patient)
    for name, value in given.items():
        setattr(patient, name, value)


def _form_place(value: Any) -> dict[str, Any]:
    """The form's ``location``: {"lat", "lon"} as given, or a place name or postal code geocoded offline."""
    from .geo import geocode

    if not isinstance(value, str):
        return {"label": f"{value.lat:.4f}, {value.lon:.4f}", "lat": value.lat, "lon": value.lon, "kind": "point"}
    place = geocode(value)
    if place is None:
        raise PatientError("location", f"unknown place {value.strip()[:60]!r}; give a city ('Columbus, Ohio'), "
                                       "a US ZIP code, a country, or {\"lat\", \"lon\"}")
    return _place_dict(place)


def _place_dict(place: Any) -> dict[str, Any]:
    return {"label": place.label, "lat": place.lat, "lon": place.lon, "kind": place.kind,
            "admin1": place.admin1, "country": place.country}


def _form_measurement(where: str, name: str, value: float, unit: str | None) -> Fact:
    """One form measurement in its analyte's canonical unit, refused when the
    analyte is unknown, the unit does not convert, or the value is implausible."""
    analyte = analyte_for(name)
    if analyte is None:
        raise PatientError(f"{where}.name", f"unknown measurement {name!r}")
    try:
        if analyte.kind == "score" and unit in (None, "", "%", "points"):
            canonical, cu = float(value), analyte.canonical_unit
        else:
            canonical, cu = to_canonical(float(value), unit or None, analyte.id)
    except UnitError as exc:
        raise PatientError(f"{where}.unit", str(exc)) from None
    if value < 0 and analyte.kind != "score":
        raise PatientError(f"{where}.value", f"a {analyte.id} result cannot be negative")
    if analyte.range is not None:
        lo, hi = analyte.range
        if not lo <= canonical <= hi:
            shown = f"{value:g} {unit or ''}".strip()
            raise PatientError(f"{where}.value", f"{shown} is not a plausible {analyte.id} result "
                                                 f"(expected {lo:g} to {hi:g}{' ' + cu if cu else ''}); check the unit")
    return Fact("measurement", analyte.id, value=float(f"{canonical:.6g}"), unit=cu, text=name)


def read_patient(text: str | None = None, form: Mapping[str, Any] | None = None) -> Patient:
    """A patient from free text, a form, or both (form fields win where both speak)."""
    patient = read_form(form) if form is not None else Patient()
    if text:
        _read_text_keeping_fields(text, patient)
    return patient
