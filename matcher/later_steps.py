"""Steps of a study still to come once a person joins it.

A washout may be counted back from the time of joining ("within 4 weeks prior to
entry") or from a later step of the study ("within 1 week prior to leukapheresis",
"... before lymphodepleting chemotherapy"). A drug taken today can still be stopped in
time for a later step, so current use alone does not settle such a criterion. The
steps are listed in ``resources/rules/time.json`` (``later_steps``). A window may also be counted
forward from an event of the patient's own past ("radiotherapy within 56 days following segmental
mastectomy"): then it is about the time between two of the patient's events, not about now
(``past_events``).
"""
from __future__ import annotations

import re
from functools import cache

from . import resources


@cache
def _pattern() -> re.Pattern:
    steps = sorted(resources.read_json("rules/time.json").get("later_steps", []), key=len, reverse=True)
    alternatives = "|".join(re.escape(step).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*") for step in steps)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


@cache
def _past_pattern() -> re.Pattern:
    events = sorted(resources.read_json("rules/time.json").get("past_events", []), key=len, reverse=True)
    alternatives = "|".join(re.escape(event).replace(r"\ ", r"[\s-]+") for event in events)
    # counted forward from the event ("following", "after", "of", "from"), not back from it ("prior to surgery")
    return re.compile(rf"\b(?:following|after|post|of|from|since)\s+(?:the\s+|their\s+|his\s+|her\s+|initial\s+|"
                      rf"definitive\s+|primary\s+|last\s+|\w+\s+)?(?:{alternatives})\b", re.IGNORECASE)


def past_event(window_text: str) -> bool:
    """Whether a window ("within 56 days following segmental mastectomy") is counted forward from an event of the
    patient's own past, so that it bounds the time between two of the patient's events rather than the time
    before joining the study."""
    return bool(window_text) and _past_pattern().search(window_text) is not None


def later_step(anchor: str) -> bool:
    """Whether ``anchor`` (what a window is counted back from) names a later step of
    the study, not the time of joining it ("prior to entry", "before the first dose")."""
    return bool(anchor) and _pattern().search(anchor) is not None
