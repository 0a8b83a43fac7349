"""The spaCy pipeline that reads eligibility criteria (and, later, patients).

A blank English pipeline with our components, each registered by factory:

    matcher_lexicon     EntityRuler over our lexicons (conditions, therapies, labs, cues)
    matcher_windows     time windows ("within 4 weeks prior to screening")
    matcher_quantities  comparators, numbers and units ("≥ 2.5 ×10^9/L", "< 2 × ULN")
    matcher_context     negation, history, family, hypothetical, exceptions
    matcher_constraints criteria only: the constraints in ``doc._.constraints``

Nothing is downloaded: rules, lexicons and unit tables are package data.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import spacy
from spacy.language import Language

from ..models import Constraint, Criterion
from . import constraints as _constraints  # noqa: F401  (registers factories)
from . import context as _context  # noqa: F401
from . import lexicon as _lexicon  # noqa: F401
from . import quantities as _quantities  # noqa: F401
from . import windows as _windows  # noqa: F401
from .tokenizer import customize_tokenizer

SHARED_COMPONENTS = ("matcher_lexicon", "matcher_windows", "matcher_quantities", "matcher_context")


def build_pipeline(kind: str = "criteria") -> Language:
    """A fresh pipeline; ``kind`` is "criteria" (adds constraint assembly) or "patient"."""
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for name in SHARED_COMPONENTS:
        nlp.add_pipe(name)
    if kind == "criteria":
        nlp.add_pipe("matcher_constraints")
    elif kind != "patient":
        raise ValueError(f"unknown pipeline kind {kind!r}: use 'criteria' or 'patient'")
    return nlp


@cache
def get_pipeline(kind: str = "criteria") -> Language:
    """The shared pipeline of ``kind``, built once per process."""
    return build_pipeline(kind)


def _oriented(constraints: list[Constraint], section: str) -> list[Constraint]:
    """Exclusion criteria forbid what they state (and require what they negate)."""
    if section == "exclusion":
        for c in constraints:
            c.polarity = "require" if c.polarity == "forbid" else "forbid"
    return constraints


def parse_criterion(text: str, section: str = "inclusion") -> list[Constraint]:
    """The constraints of one criterion's text under ``section``."""
    doc = get_pipeline("criteria")(text or "")
    return _oriented(list(doc._.constraints or []), section)


def parse_criteria(criteria: Sequence[Criterion], batch_size: int = 256) -> None:
    """Fill ``constraints`` of every criterion, in place, in one batched pass."""
    nlp = get_pipeline("criteria")
    docs = nlp.pipe((c.text for c in criteria), batch_size=batch_size)
    for criterion, doc in zip(criteria, docs):
        criterion.constraints = _oriented(list(doc._.constraints or []), criterion.section)


def parse_texts(texts: Iterable[str], section: str = "inclusion") -> list[list[Constraint]]:
    nlp = get_pipeline("criteria")
    return [_oriented(list(doc._.constraints or []), section) for doc in nlp.pipe(texts)]
