"""Tokenizer adjustments for eligibility criteria.

Criteria glue comparators and multipliers to their neighbours
("Hemoglobin≥85", "2.5×10^9/L", "PFS>5yr"); we split them off so lexicon
patterns and quantities line up with token boundaries.
"""
from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

COMPARATOR_CHARS = r"≥≤≧≦⩾⩽<>=×±~"


TOKENIZER = "matcher.criteria_tokenizer.v1"
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}  # spacy.blank("en", config=CONFIG)


def criteria_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's English tokenizer, splitting comparators and multipliers off."""
    defaults = nlp.Defaults
    infixes = list(defaults.infixes) + [
        rf"[{COMPARATOR_CHARS}]",
        r"(?<=[0-9])[xX*](?=\s*10)",  # 2.5x10^9
        r"(?<=[A-Za-z])/(?=[A-Za-z0-9])",  # AST/ALT, mg/dL
        r"(?<=[0-9])/(?=[A-Za-zµμ])",  # 100/mm3
        r"(?<=[)\]])/(?=[A-Za-z(])",  # (ALT)/aspartate
        r"(?<=[A-Za-z0-9])[)\]](?=/)",
        r"(?<=[A-Za-z0-9])-(?=/[A-Za-z])",  # HIV-/HCV-
        r"(?<=-)/(?=[A-Za-z])",
    ]
    prefixes = list(defaults.prefixes) + [rf"[{COMPARATOR_CHARS}]", r"[•▪●◦·]"]
    # "HIV-, HBsAg-": a result sign written against a test's name (the name is matched on its own)
    suffixes = list(defaults.suffixes) + [rf"[{COMPARATOR_CHARS}]", r"%", r"(?<=[A-Z])\.", r"(?<=[A-Za-z0-9])-"]
    # "hepatitis B." and "vitamin D." end sentences far more often than they are initials
    rules = {k: v for k, v in defaults.tokenizer_exceptions.items() if not (len(k) == 2 and k[0].isalpha() and k[1] == ".")}
    return Tokenizer(
        nlp.vocab, rules=rules,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=defaults.token_match, url_match=defaults.url_match,
    )


@registry.tokenizers(TOKENIZER)
def _create_tokenizer() -> Callable[[Language], Tokenizer]:
    # built instead of spaCy's own, not after it: each tokenizer loads 1,300 special cases
    return criteria_tokenizer


def make_tokenizer() -> Tokenizer:
    """Our tokenizer on its own, for turning pattern strings into token patterns."""
    import spacy

    return spacy.blank("en", config=CONFIG).tokenizer


def make_doc(nlp: Language, text: str):
    """``nlp.make_doc(text)``, remembering ``text`` as the document's text (spaCy's tokenizer loses
    no character, so ``doc.text == text``; :func:`doc_text` need not join the tokens again)."""
    doc = nlp.make_doc(text)
    doc.user_data["_text"] = text
    return doc


def doc_text(doc) -> str:
    """``doc.text``, built once per document (spaCy joins the tokens again on every access)."""
    text = doc.user_data.get("_text")
    if text is None:
        text = doc.user_data["_text"] = doc.text
    return text


def token_texts(doc) -> list[str]:
    """Each token's text, read once per document: iterating a Doc makes a Token
    object per token, and the components walked every criterion a dozen times.
    No component merges or splits tokens, so the list stays true for the
    document's life."""
    texts = doc.user_data.get("_texts")
    if texts is None:
        texts = _read_tokens(doc)[0]
    return texts


def token_starts(doc) -> list[int]:
    """Each token's character offset (``Token.idx``), read once per document."""
    starts = doc.user_data.get("_starts")
    if starts is None:
        starts = _read_tokens(doc)[1]
    return starts


def span_text(doc, start: int, end: int) -> str:
    """``doc[start:end].text`` (``start``, ``end`` >= 0) from the cached texts and offsets, without making the Span."""
    texts = token_texts(doc)
    start, end = max(start, 0), min(end, len(texts))
    if end <= start:
        return ""
    starts = token_starts(doc)
    return doc_text(doc)[starts[start] : starts[end - 1] + len(texts[end - 1])]


def _read_tokens(doc) -> tuple[list[str], list[int]]:
    texts, starts = [], []
    for t in doc:
        texts.append(t.text)
        starts.append(t.idx)
    doc.user_data["_texts"], doc.user_data["_starts"] = texts, starts
    return texts, starts
