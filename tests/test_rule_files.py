"""Rule files are validated data: a wrong key, type or label is refused with the file named."""
from __future__ import annotations

import copy
import json
import re

import pytest

from matcher import ranking, resources, spelling, units, vocabulary
from matcher.errors import RuleFileError
from matcher.nlp import (
    build_pipeline,
    context,
    coverage,
    lexicon,
    oncology,
    quantities,
    windows,
)


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


# -- the files as installed: a broken copy on disk stops the loader with a coded error ------------
def _clear_caches() -> None:
    resources.read_json.cache_clear()
    for loader in (coverage.coverage_rules, oncology.vocabulary, quantities._comparators, context.load_rules,
                   context.list_words, windows._rules, vocabulary._condition_parents, vocabulary.condition_ancestors,
                   vocabulary.therapy_classes, vocabulary._display_names, spelling.known_words, ranking.default_ranker):
        loader.cache_clear()


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """``installed(name, text)``: the package holds ``text`` as ``name`` (None: the file is gone)."""
    real = resources._path

    def use(name: str, text: str | None) -> None:
        path = tmp_path / name.replace("/", "_")
        if text is not None:
            path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(resources, "_path", lambda n: path if n == name else real(n))
        _clear_caches()

    yield use
    monkeypatch.undo()
    _clear_caches()


def _json(name: str, edit) -> str:
    data = copy.deepcopy(resources.read_json(name))
    edit(data)
    return json.dumps(data)


def _jsonl(name: str, edit) -> str:
    rows = copy.deepcopy(resources.read_jsonl(name))
    edit(rows)
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def _set(rows, where, key, value):
    next(r for r in rows if where(r))[key] = value


# The issue's five examples, each once silent (or misleading) and now refused when the file is loaded.
ISSUE = [
    # a wrong label in rules/cues.jsonl turned the exclusion "Pregnant women" into "forbid sex female"
    ("rules/cues.jsonl", lambda: _jsonl("rules/cues.jsonl", lambda rows: _set(rows, lambda r: r["pattern"] == "pregnant", "label", "FEMALE")),
     lambda: lexicon.all_patterns(), "R031", 'line 1 ("pregnant")', "label"),
    # max_scope: -3 in rules/context.json turned negation off
    ("rules/context.json", lambda: _json("rules/context.json", lambda d: _set(d["rules"], lambda r: r["literal"] == "no evidence of", "max_scope", -3)),
     lambda: context.load_rules(), "R022", '("no evidence of")', "max_scope"),
    # weeks: -7 in rules/time.json made "within 4 weeks" -28 days
    ("rules/time.json", lambda: _json("rules/time.json", lambda d: d["units"].update(weeks=-7)),
     lambda: windows.find_windows("within 4 weeks"), "R008", "units", "weeks"),
    # a string where lexicon/condition_parents.json wants a list made the ancestors its characters
    ("lexicon/condition_parents.json", lambda: _json("lexicon/condition_parents.json", lambda d: d.update(epilepsy="cns disease")),
     lambda: vocabulary.condition_ancestors("epilepsy"), "R005", 'concept "epilepsy"', None),
    # a TERMINATE rule with FORWARD direction surfaced as spaCy's "E109 ... did you forget initialize()?"
    ("rules/context.json", lambda: _json("rules/context.json", lambda d: _set(d["rules"], lambda r: r["category"] == "TERMINATE", "direction", "FORWARD")),
     lambda: build_pipeline("criteria"), "R023", "rule ", "direction"),
]


@pytest.mark.parametrize("name, text, load, code, entry, key", ISSUE, ids=[f"{c[0]}-{c[3]}" for c in ISSUE])
def test_the_issue_breakages_stop_the_loader_with_a_coded_error(installed, name, text, load, code, entry, key):
    installed(name, text())
    with pytest.raises(RuleFileError) as err:
        load()
    assert (err.value.code, err.value.file, err.value.key) == (code, name, key)
    assert entry in err.value.entry and str(err.value).startswith(f"[{code}] {name}, {err.value.entry}")


def test_a_file_that_is_not_json_names_its_line(installed):
    installed("rules/time.json", '{\n "units": {"day": 1,}\n}')
    with pytest.raises(RuleFileError, match=r'^\[R002\] rules/time.json, line 2: not valid JSON') as err:
        windows.find_windows("within 4 weeks")
    assert err.value.code == "R002"


@pytest.mark.parametrize("name, load", [
    ("ranker.json", lambda: ranking.default_ranker()),  # was: the prior weights
    ("lexicon/display_names.json", lambda: vocabulary.pretty("hiv infection")),  # was: ids as written
    ("lexicon/words.txt", lambda: spelling.known_words()),  # was: no spelling fixes
    ("lexicon/therapies.jsonl", lambda: lexicon.all_patterns()),  # was: no therapies found
    ("analyte_aliases.json", lambda: units._aliases()),  # was: no aliases
])
def test_a_missing_shipped_file_stops_the_loader_instead_of_being_skipped(installed, name, load):
    installed(name, None)
    with pytest.raises(RuleFileError, match=rf"^\[R001\] {re.escape(name)}: the file is missing") as err:
        load()
    assert (err.value.code, err.value.file) == ("R001", name)
