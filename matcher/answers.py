"""What a form says of an item after it: a checklist's mark, a pair of yes/no boxes, a dash for an
answer, the answer written after a question.

Text only, no language pipeline: each function takes the text and where the item (or its
question) ends, and says what the answer written there is. :mod:`matcher.patient` turns it into
the mention's flags.
"""
from __future__ import annotations

import re

__all__ = ["boxed_answer", "dash_answer", "field_yes", "marked_no", "question_answer"]

# a checklist's "no" mark closing the item's line, or before a bracket or the next column: "Live vaccine in last 4 wk ×",
# "Drains / cannula ✗ (none)" (not a multiplication sign before a number: "Plt 13.8 ×10⁴/µL", "2 × 500 mg")
_MARKED_NO = re.compile(r"(?:[^\n()〇○◯✓✔×✗✘ \t]|[ \t](?![ \t]))*?[ \t]([×✗✘])(?![ \t]*[\d⁰¹²³⁴⁵⁶⁷⁸⁹])(?:[ \t]*(?:\(|$)|[ \t]{2,})", re.M)

# a form's yes/no boxes after the item: "Epilepsy: Yes [ ] No [X]", "Epilepsy □ yes ■ no", "Epilepsy  Y ☐  N ☑"
_BOX_MARKED = r"(?:[■☒☑✓✔●◉⊠]|\[\s*[xX✓✔✗]\s*\]|\(\s*[xX✓✔•]\s*\))"
_BOX_EMPTY = r"(?:[□☐○◯]|\[\s*\]|\(\s*\))"
_YES_NO = r"(?:yes|y|no|n|ja|nein|oui|non|s[ií]|sim|n[ãa]o)"
_NO_WORDS = frozenset({"no", "n", "nein", "non", "não", "nao"})
_BOXED_ANSWER = re.compile(rf"[ \t]*(?:(?P<w1>{_YES_NO})[ \t]*(?P<b1>{_BOX_MARKED}|{_BOX_EMPTY})|(?P<b2>{_BOX_MARKED}|{_BOX_EMPTY})[ \t]*(?P<w2>{_YES_NO})\b)",
                           re.I)
_LEAD_TO_BOXES = re.compile(r"[ \t]*(?:[:?\-–—]|\((?:yes|y)\s*/\s*(?:no|n)\)\s*:?)?")
# a dash for the whole answer: "Epilepsy: —", "HIV: -, HBsAg: -"
# (or, with no colon, a spaced dash before a comma or a full stop: "VIH –, AgHBs –, VHC –.", "O/E: Pallor -, jaundice -,")
_DASH_ANSWER = re.compile(r"[ \t]*:[ \t]*[-–—]+[ \t]*(?:[,;(|]|$)|(?:[ \t]*\([^()\n]{1,15}\))?[ \t]+[-–][ \t]*[,;.](?!\d)", re.M)

# the answer written after a question: "Did he ever take ART before? - No, never.", "Is he taking ART now? - Not yet."
# (not one that goes on: "No, but asthma as a kid")
_ANSWER_NO = re.compile(r"[ \t]*(?:[-–—:>]+[ \t]*)?(?:no|nope|nah|never|none|nil|not\s+(?:yet|now|currently|ever|at\s+all)|"
                        r"not\s+(?:that\s+i|to\s+my)|n)\b(?![ \t]*,?[ \t]*(?:but|except|only|apart|though|however))", re.I)
_ANSWER_YES = re.compile(r"[ \t]*(?:[-–—:>]+[ \t]*)?(?:yes|yeah|yep|yup|y|correct|affirmative)\b", re.I)


# a field answered yes: "Breastfeeding: yes", "Nursing: yes, baby is 3 months", "Pregnant - ja"
_FIELD_YES = re.compile(r"[ \t]*(?:[:=]|[-–—])[ \t]*(?:yes|y|ja|s[ií]|oui|sim|tak|igen|evet|currently|[✓✔☑]|\[[xX]\])(?![\w-])", re.I)


def field_yes(text: str, end: int) -> bool:
    """Whether the field whose name ends at ``end`` is answered yes ("Breastfeeding: yes")."""
    return _FIELD_YES.match(text, end) is not None


def marked_no(text: str, end: int) -> bool:
    """Whether the item ending at ``end`` is marked "no" after it on its line ("CNS lupus / seizure / psychiatric history ×")."""
    if not any(mark in text for mark in "×✗✘"):
        return False
    return _MARKED_NO.match(text, end) is not None


def boxed_answer(text: str, end: int) -> str | None:
    """What a form's yes/no boxes after the item ending at ``end`` say: "no" (only "no" ticked), "yes",
    "unclear" (none or both ticked), or None when there are no boxes."""
    pos = _LEAD_TO_BOXES.match(text, end).end()
    ticked, boxes = set(), 0
    for _ in range(2):
        m = _BOXED_ANSWER.match(text, pos)
        if m is None:
            break
        boxes += 1
        word = (m.group("w1") or m.group("w2")).lower()
        box = m.group("b1") or m.group("b2")
        if re.fullmatch(_BOX_MARKED, box):
            ticked.add("no" if word in _NO_WORDS else "yes")
        pos = m.end()
    if not boxes:
        return None
    return ticked.pop() if len(ticked) == 1 else "unclear"


def dash_answer(text: str, end: int) -> bool:
    """Whether a field's answer after the item ending at ``end`` is a dash alone ("Epilepsy: —")."""
    return _DASH_ANSWER.match(text, end) is not None


def question_answer(text: str, question_end: int) -> str | None:
    """"no" or "yes" as the answer written after the question mark at ``question_end`` says; None
    when the text after it is no such answer (or there is no question mark there)."""
    if question_end >= len(text) or text[question_end] != "?":
        return None
    if _ANSWER_NO.match(text, question_end + 1):
        return "no"
    if _ANSWER_YES.match(text, question_end + 1):
        return "yes"
    return None
