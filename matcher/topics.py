"""What a trial studies: its conditions and MeSH terms read into condition concepts.

Read once when a trial is indexed (stored as ``Trial.topics``), and used by the
judge to keep an exclusion from contradicting the trial itself and by the
ranking as a signal. Indexing uses this module, never the judge.
"""
from __future__ import annotations

from functools import lru_cache

from .models import Trial


@lru_cache(maxsize=16_384)
def topics_of(phrases: tuple[str, ...]) -> frozenset[str]:
    """The condition concepts named by condition phrases and MeSH terms."""
    from .nlp import get_pipeline
    from .nlp.lexicon import lookup

    found: set[str] = set()
    unread = []
    for phrase in phrases:
        hit = lookup(phrase)
        if not (hit and hit[0] == "CONDITION") and "," in phrase:
            # MeSH's inverted order: "Lymphoma, Non-Hodgkin", "Leukemia, Myeloid, Acute"
            hit = lookup(" ".join(part.strip() for part in reversed(phrase.split(","))))
        if hit and hit[0] == "CONDITION":
            found.add(hit[1])
        else:
            unread.append(phrase)
    for doc in get_pipeline("patient").pipe(unread):
        found.update(e.ent_id_ for e in doc.ents if e.label_ == "CONDITION" and not e._.is_negated)
    return frozenset(found)


def trial_topics(trial: Trial) -> frozenset[str]:
    """The condition concepts a trial studies, read from its conditions and MeSH
    terms (stored on the trial when it is indexed, else read now)."""
    if trial.topics is not None:
        return frozenset(trial.topics)
    return topics_of(tuple(trial.conditions + trial.mesh_terms))
