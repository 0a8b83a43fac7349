"""How a criterion words a permission or a prohibition ("Prior radiotherapy allowed", "Excluded: zidovudine").

Read where a criterion is parsed (:func:`matcher.nlp.constraints._permissions`: what an item allows is dropped, what it
prohibits is forbidden in any section) and where a trial is judged (:func:`matcher.eligibility.allowing_items`: a drug
another item allows by name). Plain regular expressions, so the judge loads no language pipeline.
"""
from __future__ import annotations

import re

MAY_HAVE_HAD = re.compile(r"\b(?:may|can|might)\s+(?:also\s+|already\s+)?have\s+(?:had|received|undergone|been\s+(?:treated|given))\b", re.I)
PROHIBITED = re.compile(r"\b(not\s+(?:be\s+)?(?:allowed|permitted)|prohibited|(?<!not be )(?<!not )excluded|disallowed"
                        # "Prior chemotherapy or radiation therapy will make a patient ineligible", "Pregnant women are
                        # ineligible", "... are ineligible for study entry" (not "ineligible for curative surgery", a
                        # treatment the patient cannot have, which is required)
                        r"|(?:ineligible|not\s+(?:be\s+)?eligible)(?!\s+(?:for|to)\b(?!\s+(?:the\s+|this\s+)?(?:study|trial|protocol|entry|"
                        r"enrol+ment|participation|inclusion|randomi[sz]ation)\b)))\b", re.I)
ALLOWED = re.compile(r"\b(allowed|permitted|acceptable)\b|\b(?:will|may|are|is|can|shall)\s+(?:also\s+)?(?:be\s+)?"
                     r"(?:eligible|included|enrolled|enroll|participate|considered eligible)\b|\b(?:will|are|is)\s+not\s+(?:be\s+)?excluded\b|"
                     r"\b(?:may|can)\s+(?:continue\s+(?:to\s+)?)?(?:receive|take|use|continue)\b|"
                     # "Patients may have received prior zidovudine", "May have undergone an axillary dissection"
                     + MAY_HAVE_HAD.pattern + "|"
                     r"\b(?:is|are)\s+not\s+(?:an?\s+)?(?:exclusions?|exclusionary|contraindications?)\b|\bdoes\s+not\s+exclude\b", re.I)
# ... unless the item also says what is required: "Prior chemotherapy allowed, and must have recovered"
REQUIRED = re.compile(r"(?<!not )\b(required|must)\b", re.I)


def allows(text: str) -> bool:
    """Whether an item's text allows what it names ("Prior hydroxyurea ... allowed if discontinued on day 1"), and
    neither prohibits nor requires."""
    return bool(ALLOWED.search(text)) and not PROHIBITED.search(text) and not REQUIRED.search(text)
