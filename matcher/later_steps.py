"""Steps of a study still to come once a person joins it.

A washout may be counted back from the time of joining ("within 4 weeks prior to
entry") or from a later step of the study ("within 1 week prior to leukapheresis",
"... before lymphodepleting chemotherapy"). A drug taken today can still be stopped in
time for a later step, so current use alone does not settle such a criterion. The
steps are listed in ``resources/rules/time.json`` (``later_steps``).
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


def later_step(anchor: str) -> bool:
    """Whether ``anchor`` (what a window is counted back from) names a later step of
    the study, not the time of joining it ("prior to entry", "before the first dose")."""
    return bool(anchor) and _pattern().search(anchor) is not None
