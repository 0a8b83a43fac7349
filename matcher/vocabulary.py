"""The concept vocabulary both sides share: broader conditions, therapy classes,
display names. Built files under ``resources/lexicon/`` (see its README); no
spaCy, no Whoosh, so the pipeline, the judge and the index can all use it.
"""
from __future__ import annotations

from functools import cache

from . import resources


@cache
def _condition_parents() -> dict[str, list[str]]:
    return resources.read_json("lexicon/condition_parents.json")


@cache
def condition_ancestors(concept: str) -> frozenset[str]:
    """Every broader concept of ``concept`` (epilepsy -> cns disease, ...)."""
    seen: set[str] = set()
    todo = list(_condition_parents().get(concept, []))
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo.extend(_condition_parents().get(parent, []))
    return frozenset(seen)


@cache
def therapy_classes() -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in resources.read_json("lexicon/therapy_classes.json").items()}


def therapy_covers(criterion: str, patient: str) -> bool:
    """Whether the patient's therapy is the criterion's, or a member of its class."""
    return criterion == patient or patient in therapy_classes().get(criterion, frozenset())


def condition_covers(criterion: str, patient: str) -> bool:
    """Whether the patient's condition is the criterion's, or a kind of it."""
    return criterion == patient or criterion in condition_ancestors(patient)


def is_broader(patient: str, criterion: str, kind: str) -> bool:
    """The patient's concept is broader than the criterion's (hepatitis vs hepatitis b)."""
    if kind == "condition":
        return patient in condition_ancestors(criterion)
    return criterion in therapy_classes().get(patient, frozenset())


def is_infection(concept: str) -> bool:
    return concept == "infection" or "infection" in condition_ancestors(concept)


@cache
def _display_names() -> dict[str, str]:
    return resources.read_json("lexicon/display_names.json") if resources.exists("lexicon/display_names.json") else {}


def pretty(concept: str) -> str:
    """A condition or therapy id with the capitals people write ("HIV infection", "NSAID")."""
    return _display_names().get(concept, concept)
