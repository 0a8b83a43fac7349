"""Word lists factored by first character match exactly what the plain
alternation matches: the same spans, the same groups, at every position, with
and without IGNORECASE; and a list it cannot factor safely is left alone."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.nlp.alternation import alternation, factored

# letters that share first characters, case variants, symbols and the non-ASCII
# letters IGNORECASE folds onto ASCII ones (Kelvin sign, long s, dotless i)
WORD_CHARS = "aabkKsi>≥-% .1"
TEXT_CHARS = WORD_CHARS + "\u212a\u017f\u0131\u0130ABSx\n"


def _matches(pattern: str, text: str, flags: int) -> list[tuple]:
    return [(m.span(), m.groups()) for m in re.finditer(pattern, text, flags)]


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.text(WORD_CHARS, min_size=1, max_size=4), min_size=1, max_size=8),
       texts=st.lists(st.text(TEXT_CHARS, max_size=30), min_size=1, max_size=5),
       space=st.sampled_from([None, r"\s*", r"\s+"]),
       wrapper=st.sampled_from(["({})", r"\b({})\b", r"(?<![a-z])({})x?", r"({})(\d*)"]))
def test_a_factored_word_list_matches_what_the_plain_one_does(words, texts, space, wrapper):
    escaped = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    if space is not None:
        escaped = [e.replace(r"\ ", space) for e in escaped]
    plain, fast = wrapper.format("|".join(escaped)), wrapper.format(alternation(words, space=space))
    for flags in (0, re.IGNORECASE):
        for text in texts:
            assert _matches(fast, text, flags) == _matches(plain, text, flags)


@pytest.mark.parametrize("alternatives", [
    ["her2", "Her2", "hpv"],  # an uppercase first letter: IGNORECASE would put two groups at one position
    ["a?b", "ab"],  # a quantified first character is no prefix
    ["(?:x|y)z", "xa"],  # a group first
    ["a|b", "ac"],  # a bar at the top level
    ["a(?:b|c)", "ad"],  # a bar anywhere after the head: refused, not parsed
    [r"\d+", "1a"],  # a class first
    ["µg", "mg"],  # a non-ASCII letter first
])
def test_a_list_that_cannot_be_factored_safely_is_left_alone(alternatives):
    assert factored(alternatives) == "|".join(alternatives)


def test_names_sharing_a_first_letter_are_grouped_in_their_order():
    assert factored(["her2(?:/neu)?", "egfr", "hpv", "er", "h"]) == "h(?:er2(?:/neu)?|pv|)|e(?:gfr|r)"
    assert alternation(["at least", "a", "above"], space=r"\s*") == r"a(?:t\s*least|bove|)"
