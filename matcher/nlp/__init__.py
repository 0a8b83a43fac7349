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
from ..units import decimal_points
from . import constraints as _constraints  # noqa: F401  (registers factories)
from . import context as _context  # noqa: F401
from . import lexicon as _lexicon  # noqa: F401
from . import quantities as _quantities  # noqa: F401
from . import windows as _windows  # noqa: F401
from .tokenizer import CONFIG as _TOKENIZER_CONFIG
from .tokenizer import make_doc

SHARED_COMPONENTS = ("matcher_lexicon", "matcher_windows", "matcher_quantities", "matcher_context")


def build_pipeline(kind: str = "criteria") -> Language:
    """A fresh pipeline; ``kind`` is "criteria" (adds constraint assembly) or "patient"."""
    nlp = spacy.blank("en", config=_TOKENIZER_CONFIG)
    for name in SHARED_COMPONENTS:
        nlp.add_pipe(name)
    if kind == "criteria":
        nlp.add_pipe("matcher_constraints")
    elif kind != "patient":
        raise ValueError(f"unknown pipeline kind {kind!r}: use 'criteria' or 'patient'")
    return nlp


class SharedComponents:
    """The criteria pipeline without constraint assembly: what patient text and
    condition names go through. It shares the criteria pipeline's components (and
    their 12,000 patterns), so a process builds them once. Thread-safe: it runs
    the components itself instead of switching pipes on the shared object."""

    def __init__(self, nlp: Language, skip: frozenset[str] = frozenset({"matcher_constraints"})):
        self.nlp = nlp
        self.pipeline = [(name, proc) for name, proc in nlp.pipeline if name not in skip]
        self.pipe_names = [name for name, _ in self.pipeline]

    @property
    def vocab(self):
        return self.nlp.vocab

    def make_doc(self, text: str):
        return make_doc(self.nlp, text)

    def __call__(self, text: str):
        doc = self.make_doc(text)
        for _, proc in self.pipeline:
            doc = proc(doc)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 64):
        for text in texts:
            yield self(text)


@cache
def get_pipeline(kind: str = "criteria") -> Language | SharedComponents:
    """The shared pipeline of ``kind``, built once per process: "criteria", or
    "patient" (the same components without constraint assembly)."""
    if kind == "patient":
        return SharedComponents(get_pipeline("criteria"))
    return build_pipeline(kind)


# A criterion is a sentence or a paragraph; a longer one is a mis-split text
# whose start is parsed and whose rest is left out (spaCy refuses > 1M chars).
MAX_CRITERION_CHARS = 20_000


def _docs(texts: Iterable[str], sections: Iterable[str]):
    nlp = get_pipeline("criteria")
    for text, section in zip(texts, sections):
        # "Amylase and lipase < 1,5 x the upper limit of normal": a decimal comma, read as a point
        doc = make_doc(nlp, decimal_points((text or "")[:MAX_CRITERION_CHARS]))
        doc.user_data["section"] = section
        yield doc


def parse_criterion(text: str, section: str = "inclusion") -> list[Constraint]:
    """The constraints of one criterion's text under ``section``."""
    (doc,) = get_pipeline("criteria").pipe(_docs([text], [section]))
    return list(doc._.constraints or [])


def parse_texts(pairs: Sequence[tuple[str, str]], batch_size: int = 256) -> list[dict]:
    """What each (section, text) is read into, as plain dicts
    ``{"constraints": [...], "unexplained": [...]}`` (for the parse cache and worker processes)."""
    docs = get_pipeline("criteria").pipe(_docs((t for _, t in pairs), (s for s, _ in pairs)), batch_size=batch_size)
    return [{"constraints": [c.to_dict(defaults=False) for c in doc._.constraints or []],
             "unexplained": list(doc._.unexplained or [])} for doc in docs]


def parse_criteria(criteria: Sequence[Criterion], batch_size: int = 256) -> None:
    """Fill ``constraints`` of every criterion, in place, in one batched pass."""
    docs = get_pipeline("criteria").pipe(_docs((c.text for c in criteria), (c.section for c in criteria)), batch_size=batch_size)
    for criterion, doc in zip(criteria, docs):
        criterion.constraints = list(doc._.constraints or [])
        criterion.unexplained = list(doc._.unexplained or [])
