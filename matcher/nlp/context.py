"""ConText-style modifiers of entities: negation, history, family, hypothetical,
possible, and exception ("except non-melanoma skin cancer").

Rules are data (``resources/rules/context.json``): each has a literal, a
category and a direction. A FORWARD cue modifies entities after it up to
``max_scope`` tokens, a TERMINATE cue, or the end of the clause (``;`` or a
sentence end); BACKWARD looks left the same way. EXCEPTION cues reach past
``;`` to the end of the sentence, since exception lists are often written
``except A; B; C``.

Results are span attributes: ``ent._.is_negated``, ``is_historical``,
``is_family``, ``is_hypothetical``, ``is_possible``, ``is_exception``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import resources

CATEGORY_ATTR = {
    "NEGATED": "is_negated",
    "HISTORICAL": "is_historical",
    "FAMILY": "is_family",
    "HYPOTHETICAL": "is_hypothetical",
    "POSSIBLE": "is_possible",
    "EXCEPTION": "is_exception",
}
DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE"}
DEFAULT_SCOPE = 12

for _attr in CATEGORY_ATTR.values():
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=False)


@dataclass(frozen=True)
class ContextRule:
    literal: str
    category: str
    direction: str
    max_scope: int = DEFAULT_SCOPE

    @classmethod
    def from_dict(cls, data: dict) -> "ContextRule":
        unknown = set(data) - {"literal", "category", "direction", "max_scope"}
        if unknown:
            raise ValueError(f"context rule {data!r}: unknown keys {sorted(unknown)}")
        rule = cls(**data)
        if rule.direction not in DIRECTIONS:
            raise ValueError(f"context rule {data!r}: direction must be one of {sorted(DIRECTIONS)}")
        if rule.category not in CATEGORY_ATTR and rule.category != "TERMINATE":
            raise ValueError(f"context rule {data!r}: unknown category {rule.category}")
        return rule


@cache
def load_rules() -> tuple[ContextRule, ...]:
    return tuple(ContextRule.from_dict(r) for r in resources.read_json("rules/context.json")["rules"])


def _clause_bounds(doc: Doc, exception: bool = False) -> list[int]:
    """Clause id per token: ';' and sentence ends split clauses (only sentence ends for exceptions)."""
    ids, current = [], 0
    for i, tok in enumerate(doc):
        ids.append(current)
        text = tok.text
        if text == ";" and not exception:
            current += 1
        elif text in (".", "!", "?") and (i + 1 == len(doc) or doc[i + 1].text[:1].isupper() or doc[i + 1].is_space or doc[i + 1].like_num):
            current += 1
        elif "\n" in text:
            current += 1
    return ids


class ContextComponent:
    def __init__(self, nlp: Language, name: str = "matcher_context"):
        self.name = name
        self.rules = load_rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for i, rule in enumerate(self.rules):
            self.matcher.add(str(i), [nlp.make_doc(rule.literal)])

    def __call__(self, doc: Doc) -> Doc:
        if not doc.ents:
            return doc
        cues = []
        for match_id, start, end in self.matcher(doc):
            rule = self.rules[int(doc.vocab.strings[match_id])]
            cues.append((start, end, rule))
        # a cue inside an entity ("non-melanoma", "negative" in a test name) is part of its name
        ents = list(doc.ents)
        inside = lambda s, e: any(ent.start <= s and e <= ent.end for ent in ents)  # noqa: E731
        cues = [c for c in cues if not inside(c[0], c[1])]
        # the longest cue wins where cues overlap ("no history of" over "no", "history of")
        cues.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        kept: list = []
        for cue in cues:
            if kept and cue[0] < kept[-1][1]:
                continue
            kept.append(cue)
        clauses = _clause_bounds(doc)
        sentences = _clause_bounds(doc, exception=True)
        terminators = [s for s, _, r in kept if r.direction == "TERMINATE"]
        for start, end, rule in kept:
            if rule.direction == "TERMINATE":
                continue
            bounds = sentences if rule.category == "EXCEPTION" else clauses
            attr = CATEGORY_ATTR[rule.category]
            if rule.direction in ("FORWARD", "BIDIRECTIONAL"):
                stop = min([t for t in terminators if t >= end] + [end + rule.max_scope, len(doc)])
                if rule.category == "EXCEPTION":
                    stop = end + rule.max_scope
                for ent in ents:
                    if end <= ent.start < stop and bounds[ent.start] == bounds[min(end, len(doc) - 1)]:
                        setattr(ent._, attr, True)
            if rule.direction in ("BACKWARD", "BIDIRECTIONAL"):
                lo = max([t + 1 for t in terminators if t < start] + [start - rule.max_scope, 0])
                for ent in ents:
                    if lo <= ent.start and ent.end <= start and bounds[ent.start] == bounds[start]:
                        setattr(ent._, attr, True)
        return doc


@Language.factory("matcher_context")
def make_context(nlp: Language, name: str) -> ContextComponent:
    return ContextComponent(nlp, name)
