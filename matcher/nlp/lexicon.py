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

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from .. import resources
from ..config import cache_dir, write_cache_file
from .acronyms import drop_misread
from .tokenizer import make_tokenizer, token_texts

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


ORTH, LOWER = 0, 1  # what a step of a TokenTrie compares: a token's exact text, or its lowercase


class TokenTrie:
    """Token patterns to match keys: what spaCy's PhraseMatcher and token
    Matcher find for patterns that give each token's exact text (``ORTH``) or
    lowercase text (``LOWER``), in Python.

    Built from strings, without spaCy documents or vocabulary entries: 0.05 s
    for the lexicon's 13,000 patterns instead of 0.5 s. Every (key, start, end)
    of every occurrence is returned, overlapping ones included.
    """

    def __init__(self) -> None:
        # a node: [children by exact text, children by lowercase, keys ending here], each None until needed
        self.root: list = [None, None, None]
        self.size = 0

    def add(self, steps: Sequence[tuple[int, str]], key: int) -> None:
        """Add a pattern: its steps, (ORTH or LOWER, text) per token."""
        if not steps:
            return
        node = self.root
        for attr, text in steps:
            children = node[attr]
            if children is None:
                children = node[attr] = {}
            child = children.get(text)
            if child is None:
                child = children[text] = [None, None, None]
            node = child
        if node[2] is None:
            node[2] = [key]
        elif key not in node[2]:
            node[2].append(key)
        self.size += 1  # patterns added, repeats included, as spaCy counts them

    def __call__(self, texts: Sequence[str], lowers: Sequence[str]) -> list[tuple[int, int, int]]:
        found = []
        n = len(texts)
        for start in range(n):
            stack = [(self.root, start)]
            while stack:
                node, end = stack.pop()
                if node[2]:
                    found.extend((key, start, end) for key in node[2])
                if end < n:
                    if node[0] is not None:
                        child = node[0].get(texts[end])
                        if child is not None:
                            stack.append((child, end + 1))
                    if node[1] is not None:
                        child = node[1].get(lowers[end])
                        if child is not None:
                            stack.append((child, end + 1))
        return found


class LexiconRuler(EntityRuler):
    """spaCy's EntityRuler, matching the same entities at a fraction of the cost.

    - Phrase patterns (strings, matched on lowercase tokens) and token patterns
      that give each token's exact or lowercase text (all 511 of ours) go to a
      :class:`TokenTrie`: spaCy's token Matcher took a quarter of parsing time,
      and creating a PhraseMatcher's 13,000 pattern documents half a second
      at every start. Other token patterns would go to spaCy's token Matcher.
    - The phrase patterns' tokens are read from a cache file
      (:func:`pattern_words`), so a process does not tokenize them again.
    - It counts its patterns once, not on every document (spaCy's recount of
      12,000 patterns took 40% of parsing time).

    ``tests/nlp/test_fast_paths.py`` checks its entities against spaCy's own
    EntityRuler on real criteria.
    """

    _count = 0
    _trie: TokenTrie | None = None

    def add_patterns(self, patterns) -> None:
        if self._trie is None:
            self._trie, self._rank = TokenTrie(), {}
        # phrases are compared on the attribute the ruler was configured with (ours: LOWER)
        phrase_attr = {"LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, None: ORTH}.get(self.phrase_matcher_attr)
        rest, phrases = [], []
        for entry in patterns:
            key = self._key(entry)
            self._rank.setdefault(key, len(self._rank))
            if isinstance(entry.get("pattern"), str) and phrase_attr is not None:
                phrases.append((entry, key))
            elif steps := _token_steps(entry["pattern"]):
                self._trie.add(steps, key)
            else:
                rest.append(entry)
        super().add_patterns(rest)
        for (entry, key), words in zip(phrases, pattern_words(self.nlp.tokenizer, [e["pattern"] for e, _ in phrases])):
            self._trie.add([(phrase_attr, w.lower() if phrase_attr == LOWER else w) for w in words], key)
        self._count = super().__len__() + self._trie.size

    def save(self, path: Path) -> bool:
        """Keep what :meth:`add_patterns` made (the trie, the patterns' order and
        entity ids) in the JSON file ``path``, whole or not at all; False when
        some pattern went to spaCy's own matchers, which this cannot keep."""
        if self._trie is None or len(self.matcher) or len(self.phrase_matcher):
            return False
        data = {"size": self._trie.size, "rank": list(self._rank.items()),
                "ids": [[key, *self._ent_ids[key]] for key in self._rank if key in self._ent_ids], "trie": self._trie.root}

        def write(tmp: Path) -> bool:
            tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            return True

        return write_cache_file(path, write, "lexicon-trie-*.json")

    def load(self, path: Path) -> bool:
        """Take the patterns :meth:`save` kept in ``path``; False, changing nothing,
        when the file is missing or not what :meth:`save` writes."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            size, rank, ids, root = data["size"], data["rank"], data["ids"], data["trie"]
            ranks = {int(key): int(r) for key, r in rank}
            names = {int(key): (str(label), str(concept)) for key, label, concept in ids}
        except (OSError, ValueError, KeyError, TypeError):
            return False
        if not (isinstance(size, int) and isinstance(root, list) and len(root) == 3):
            return False
        self._trie, self._rank = TokenTrie(), ranks
        self._trie.root, self._trie.size = root, size
        self._ent_ids.update(names)
        self._count = size
        return True

    def _key(self, entry: dict) -> int:
        """The match key of a pattern, as EntityRuler.add_patterns makes it."""
        label = entry["label"]
        if "id" in entry:
            label = self._create_label(label, entry["id"])
            key = self.matcher._normalize_key(label)
            self._ent_ids[key] = (entry["label"], entry["id"])
            return key
        return self.matcher._normalize_key(label)

    def match(self, doc: Doc):
        """Every match, longest first, then leftmost, then the pattern added first:
        of two patterns naming the same words ("fever" is a CONDITION and a LAB),
        the one from the earlier file of :data:`PATTERN_FILES` wins. spaCy's
        EntityRuler leaves that tie to the order of a set, which read
        "proteinuria" one way or the other from text to text."""
        matches = []
        if len(self.matcher):
            matches += self.matcher(doc)
        if len(self.phrase_matcher):
            matches += self.phrase_matcher(doc)
        if self._trie is not None:
            texts = token_texts(doc)
            matches += self._trie(texts, [t.lower() for t in texts])
        final = drop_misread(doc, list({(m_id, start, end) for m_id, start, end in matches if start != end}),
                             lambda key: self._ent_ids.get(key, (None, None))[1])
        rank = self._rank
        return sorted(final, key=lambda m: (m[1] - m[2], m[1], rank.get(m[0], len(rank))))

    def __len__(self) -> int:
        return self._count


def _tokenizer_fingerprint(tokenizer) -> bytes:
    """What decides how our tokenizer splits a pattern: spaCy's version and its rules."""
    parts = [spacy.__version__]
    for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        rule = getattr(tokenizer, name, None)
        parts.append(getattr(getattr(rule, "__self__", None), "pattern", None) or repr(rule))
    parts.append(json.dumps(sorted(getattr(tokenizer, "rules", None) or {}), ensure_ascii=False))
    return "\0".join(map(str, parts)).encode("utf-8", "surrogatepass")


def pattern_words(tokenizer: Callable, texts: Sequence[str]) -> list[list[str]]:
    """The token texts of each phrase pattern, as ``tokenizer`` splits them.

    Tokenizing the lexicon's 13,000 phrases took a quarter of a second at every
    start, so the answer is kept in a JSON file in :func:`matcher.config.cache_dir`,
    named by a digest of the phrases and of the tokenizer's rules: any change to
    either reads them afresh. A missing, unreadable or unwritable cache only
    costs the time.
    """
    digest = hashlib.sha256(_tokenizer_fingerprint(tokenizer))
    digest.update("\0".join(texts).encode("utf-8", "surrogatepass"))
    try:
        path = cache_dir() / f"lexicon-tokens-{digest.hexdigest()[:20]}.json"
    except RuntimeError:  # no home directory to cache in
        return [[t.text for t in tokenizer(text)] for text in texts]
    try:
        words = json.loads(path.read_text(encoding="utf-8"))
        if (isinstance(words, list) and len(words) == len(texts)
                and all(isinstance(w, list) and all(isinstance(t, str) for t in w) for w in words)):
            return words
    except (OSError, ValueError):
        pass
    words = [[t.text for t in tokenizer(text)] for text in texts]

    def write(tmp) -> bool:
        tmp.write_text(json.dumps(words, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return True

    write_cache_file(path, write, "lexicon-tokens-*.json")
    return words


def _token_steps(pattern: object) -> list[tuple[int, str]] | None:
    """(ORTH or LOWER, text) per token of a token pattern that gives each token's
    exact or lowercase text and nothing else, else None."""
    if not isinstance(pattern, list) or not pattern:
        return None
    steps = []
    for token in pattern:
        if not (isinstance(token, dict) and len(token) == 1):
            return None
        ((attr, text),) = token.items()
        if attr not in ("ORTH", "LOWER") or not isinstance(text, str) or not text:
            return None
        steps.append((ORTH if attr == "ORTH" else LOWER, text))
    return steps


def compiled_path(tokenizer: Callable, phrase_matcher_attr: str) -> Path | None:
    """Where the lexicon compiled for this pipeline version and tokenizer is kept
    (:meth:`LexiconRuler.save`), or None without a cache directory."""
    from ..pipeline_version import pipeline_version

    digest = hashlib.sha256(_tokenizer_fingerprint(tokenizer))
    digest.update(f"\0{pipeline_version()}\0{phrase_matcher_attr}".encode())
    try:
        return cache_dir() / f"lexicon-trie-{digest.hexdigest()[:20]}.json"
    except RuntimeError:  # no home directory to cache in
        return None


@Language.factory("matcher_lexicon", default_config={"phrase_matcher_attr": "LOWER"})
def make_lexicon(nlp: Language, name: str, phrase_matcher_attr: str) -> EntityRuler:
    """The lexicon ruler. Reading and checking the pattern files and building
    the trie took a quarter of a second at every start (a third of a one-off
    ``matcher search``), so the built ruler is kept in the user's cache
    directory, named by the pipeline version (a digest of every code and rule
    file, :func:`matcher.pipeline_version.pipeline_version`) and the tokenizer's
    rules: any change to either builds it afresh."""
    ruler = LexiconRuler(nlp, name=name, phrase_matcher_attr=phrase_matcher_attr, overwrite_ents=True)
    path = compiled_path(nlp.tokenizer, phrase_matcher_attr)
    if path is None or not ruler.load(path):
        ruler.add_patterns(all_patterns(nlp.tokenizer))
        if path is not None:
            ruler.save(path)
    return ruler
