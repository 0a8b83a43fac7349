"""Lexicon entities: conditions, therapies, lab analytes and criterion cues.

A spaCy EntityRuler loaded from the JSON Lines pattern files in
``matcher/resources`` (rules are data: read them, extend them). Labels:

- CONDITION, THERAPY: from ``lexicon/*.jsonl`` (curated + ICD-10-CM)
- LAB: every surface name of every analyte in ``analytes.json``
- PREGNANCY, LACTATION, CHILDBEARING, CONTRACEPTION, FEMALE, MALE, ADMIN,
  ORGAN, AGE, TEST: from ``rules/cues.jsonl`` (TEST: diagnostic tests named
  after a drug, "dexamethasone suppression test", which are not therapies)

The entity ``id`` (``ent.ent_id_``) is the normalized concept.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from .. import resources
from .tokenizer import make_tokenizer

PATTERN_FILES = (
    "lexicon/conditions_curated.jsonl",
    "lexicon/therapies.jsonl",
    "lexicon/conditions_icd10cm.jsonl",
    "rules/cues.jsonl",
)


def analyte_patterns(tokenizer: Callable | None = None, *, exact: bool = True) -> list[dict]:
    """LAB patterns from analytes.json: ``names`` ignore case, ``exact_names`` do not
    (token patterns, split by ``tokenizer``: the pipeline's own, else a fresh one;
    left out when not ``exact``)."""
    from ..units import all_analytes

    patterns = []
    exact_names = {n for a in resources.read_json("analytes.json")["analytes"] for n in a.get("exact_names", [])}
    for analyte in all_analytes():  # analytes.json with the names of analyte_aliases.json
        for name in analyte.names:
            if name not in exact_names:
                patterns.append({"label": "LAB", "pattern": name, "id": analyte.id})
    if not exact:
        return patterns
    tokenizer = tokenizer or make_tokenizer()
    for analyte in resources.read_json("analytes.json")["analytes"]:
        for name in analyte.get("exact_names", []):
            if len(name) > 1:  # single letters (K, P) are too ambiguous in running text
                patterns.append({"label": "LAB", "pattern": [{"ORTH": t.text} for t in tokenizer(name)], "id": analyte["id"]})
    return patterns


@cache
def _phrase_index() -> dict[str, tuple[str, str]]:
    """Lowercased string pattern -> (label, concept id), for ellipsis look-ups."""
    index: dict[str, tuple[str, str]] = {}
    for p in all_patterns(exact=False):
        if isinstance(p["pattern"], str):
            index.setdefault(" ".join(p["pattern"].lower().split()), (p["label"], p["id"]))
    return index


def lookup(phrase: str) -> tuple[str, str] | None:
    """(label, concept) of a phrase that is in the lexicon as written, else None."""
    key = " ".join(phrase.lower().replace(" - ", "-").split())
    return _phrase_index().get(key)


LABELS = {"CONDITION", "THERAPY", "LAB", "PREGNANCY", "LACTATION", "CHILDBEARING", "CONTRACEPTION", "FEMALE", "MALE",
          "ADMIN", "ORGAN", "AGE", "TEST", "SCALE"}


def validate_pattern(entry: object, where: str) -> dict:
    """An EntityRuler pattern line as we write them, or a ValueError naming ``where``."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object with label, pattern and id")
    unknown = set(entry) - {"label", "pattern", "id", "code"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if entry.get("label") not in LABELS:
        raise ValueError(f"{where}: unknown label {entry.get('label')!r}; expected one of {sorted(LABELS)}")
    pattern = entry.get("pattern")
    if not ((isinstance(pattern, str) and pattern.strip()) or (isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern))):
        raise ValueError(f"{where}: pattern must be a non-empty string or a list of token patterns")
    if not isinstance(entry.get("id"), str) or not entry["id"].strip():
        raise ValueError(f"{where}: id must be a non-empty string")
    return entry


def all_patterns(tokenizer: Callable | None = None, *, exact: bool = True) -> list[dict]:
    """Every lexicon pattern; ``tokenizer`` splits the case-sensitive analyte
    names, which ``exact=False`` leaves out (see :func:`analyte_patterns`)."""
    patterns: list[dict] = []
    for name in PATTERN_FILES:
        if resources.exists(name):
            rows = resources.read_jsonl(name)
            if name.startswith("rules/"):  # hand-edited: checked line by line (built lexicons are checked by their build)
                rows = [validate_pattern(row, f"{name}, line {i}") for i, row in enumerate(rows, 1)]
            patterns.extend(rows)
    patterns.extend(analyte_patterns(tokenizer, exact=exact))
    return patterns


class LexiconRuler(EntityRuler):
    """spaCy's EntityRuler with two changes that keep its answers and cut its cost.

    - It counts its patterns once, not on every document (spaCy's recount of
      12,000 patterns took 40% of parsing time).
    - Token patterns that only spell out each token's exact text (``ORTH``),
      472 of the 511, go to a PhraseMatcher on ``ORTH`` instead of the token
      Matcher, which took a quarter of parsing time: the same entities, and
      the ruler runs 7 times faster (20,000 criteria: 2.9 s instead of
      19.9 s). Other token patterns stay in the token Matcher.
    """

    _count = 0
    _exact = None

    def add_patterns(self, patterns) -> None:
        rest, exact = [], []
        for entry in patterns:
            words = _exact_words(entry["pattern"])
            (exact if words else rest).append((entry, words))
        super().add_patterns([entry for entry, _ in rest])
        if exact and self._exact is None:
            self._exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for entry, words in exact:
            label = entry["label"]
            if "id" in entry:  # as EntityRuler.add_patterns keys a pattern with an id
                ent_label = label
                label = self._create_label(label, entry["id"])
                self._ent_ids[self.matcher._normalize_key(label)] = (ent_label, entry["id"])
            self._exact.add(label, [Doc(self.nlp.vocab, words=words)])
        self._count = super().__len__() + len(exact)

    def match(self, doc: Doc):
        matches = list(self.matcher(doc)) + list(self.phrase_matcher(doc))
        if self._exact is not None:
            matches += list(self._exact(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)  # as EntityRuler.match

    def __len__(self) -> int:
        return self._count


def _exact_words(pattern: object) -> list[str] | None:
    """The token texts of a token pattern that is nothing but ``{"ORTH": text}`` per token, else None."""
    if not isinstance(pattern, list) or not pattern:
        return None
    words = []
    for token in pattern:
        if not (isinstance(token, dict) and set(token) == {"ORTH"} and isinstance(token["ORTH"], str) and token["ORTH"]):
            return None
        words.append(token["ORTH"])
    return words


@Language.factory("matcher_lexicon", default_config={"phrase_matcher_attr": "LOWER"})
def make_lexicon(nlp: Language, name: str, phrase_matcher_attr: str) -> EntityRuler:
    ruler = LexiconRuler(nlp, name=name, phrase_matcher_attr=phrase_matcher_attr, overwrite_ents=True)
    ruler.add_patterns(all_patterns(nlp.tokenizer))
    return ruler
