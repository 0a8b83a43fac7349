"""Rule files are validated data: a wrong key, type or label is refused with the file named."""
from __future__ import annotations

import pytest

from matcher import resources
from matcher.nlp import context, coverage, oncology, quantities


@pytest.fixture
def fake(monkeypatch):
    def use(name: str, data):
        real = resources.read_json

        def read(n):
            return data if n == name else real(n)

        monkeypatch.setattr(resources, "read_json", read)
        for loader in (coverage.coverage_rules, oncology.vocabulary, quantities._comparators, context.load_rules):
            loader.cache_clear()
    yield use
    for loader in (coverage.coverage_rules, oncology.vocabulary, quantities._comparators, context.load_rules):
        loader.cache_clear()


@pytest.mark.parametrize("name, data, loader, message", [
    ("rules/coverage.json", {"filler": ["Patient"], "headings": [], "narrowing": []}, lambda: coverage.coverage_rules(), "lowercase"),
    ("rules/coverage.json", {"filler": ["other"], "headings": [], "narrowing": ["other"]}, lambda: coverage.coverage_rules(), "both filler and narrowing"),
    ("rules/coverage.json", {"filler": [], "headings": [], "narrowing": [], "extra": []}, lambda: coverage.coverage_rules(), "unknown keys"),
    ("rules/oncology.json", {"biomarkers": {}, "status": {"pos": "maybe"}, "sites": {}, "numbers": {}}, lambda: oncology.vocabulary(), "unknown statuses"),
    ("rules/comparators.json", {"before": {"~": ["about"]}, "after": {}}, lambda: quantities._comparators(), "unknown comparator"),
    ("rules/context.json", {"rules": [{"literal": "no", "category": "NEGATED", "direction": "SIDEWAYS"}]}, lambda: context.load_rules(), "rule 0"),
    ("rules/context.json", {"rules": [{"literal": "x", "category": "PSEUDO", "direction": "FORWARD"}]}, lambda: context.load_rules(), "PSEUDO"),
])
def test_bad_rule_data_is_refused_with_the_file_named(fake, name, data, loader, message):
    fake(name, data)
    with pytest.raises(ValueError, match=message) as err:
        loader()
    assert name.split("/")[-1] in str(err.value) or "rule" in str(err.value)
