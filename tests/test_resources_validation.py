"""Every shipped rule and lexicon file is checked by ``matcher.resources.validate``:
a broken copy of the real data is refused with a code, the file, the entry and the key."""
from __future__ import annotations

import copy
import math
import pickle
import re
from importlib.resources import files

import pytest

from matcher import resources
from matcher.errors import Errors, MatcherError, RuleFileError
from matcher.resources import checks


def shipped(name: str):
    """A private copy of the shipped content of ``name``, as its reader gives it."""
    if name.endswith(".jsonl"):
        return copy.deepcopy(resources.read_jsonl(name))
    if name.endswith(".txt"):
        return resources.read_text(name)
    return copy.deepcopy(resources.read_json(name))


def refused(name: str, data) -> RuleFileError:
    with pytest.raises(RuleFileError) as err:
        resources.validate(name, data)
    return err.value


# -- edits of the real data -------------------------------------------------------------------
def rule(which: str, /, **changes):
    """Change the first context rule whose literal is ``which``; a value of ... drops the key."""
    def edit(data):
        r = next(r for r in data["rules"] if r["literal"] == which)
        for key, value in changes.items():
            if value is ...:
                del r[key]
            else:
                r[key] = value
    return edit


def first_rule(category: str, **changes):
    def edit(data):
        r = next(r for r in data["rules"] if r["category"] == category)
        r.update(changes)
    return edit


def line(which: str, /, **changes):
    """Change the first pattern line whose pattern is ``which``; a value of ... drops the key."""
    def edit(rows):
        row = next(r for r in rows if r["pattern"] == which)
        for key, value in changes.items():
            if value is ...:
                del row[key]
            else:
                row[key] = value
    return edit


def at(*path, value=...):
    """Set (or, with value=..., delete) the item at ``path``."""
    def edit(data):
        for key in path[:-1]:
            data = data[key]
        if value is ...:
            del data[path[-1]]
        else:
            data[path[-1]] = value
    return edit


def append(*path, value, first=False):
    """Add ``value`` to the list at ``path`` (at its start with first=True)."""
    def edit(data):
        for key in path:
            data = data[key]
        data.insert(0 if first else len(data), value)
    return edit


def whole(value):
    return lambda data: value


CTX, CUES, TIME, CMP, COV, ONC = (f"rules/{n}" for n in ("context.json", "cues.jsonl", "time.json", "comparators.json",
                                                         "coverage.json", "oncology.json"))
CUR, ICD, THER = (f"lexicon/{n}.jsonl" for n in ("conditions_curated", "conditions_icd10cm", "therapies"))
PARENTS, CLASSES, DISPLAY, WORDS = (f"lexicon/{n}" for n in ("condition_parents.json", "therapy_classes.json",
                                                            "display_names.json", "words.txt"))
ALIASES, RANKER = "analyte_aliases.json", "ranker.json"
STOP_WORDS = "lexicon/stop_words.json"
ENGLISH = "lexicon/english_words.txt"
NO_EVIDENCE = '("no evidence of")'
PREGNANT = 'line 1 ("pregnant")'

# (file, edit, code, text the entry shows, key)
CASES = [
    # rules/context.json: as medspaCy's ConTextRule, and as matcher/nlp/context.py uses a rule
    (CTX, rule("no evidence of", max_scope=-3), "R022", NO_EVIDENCE, "max_scope"),  # the issue: negation silently off
    (CTX, rule("no evidence of", max_scope=0), "R022", NO_EVIDENCE, "max_scope"),
    (CTX, rule("no evidence of", max_scope=None), "R022", NO_EVIDENCE, "max_scope"),
    (CTX, rule("no evidence of", max_scope=2.5), "R022", NO_EVIDENCE, "max_scope"),
    (CTX, rule("no evidence of", max_scope=True), "R022", NO_EVIDENCE, "max_scope"),
    (CTX, rule("no evidence of", max_scope="5"), "R022", NO_EVIDENCE, "max_scope"),
    (CTX, first_rule("TERMINATE", direction="FORWARD"), "R023", "rule ", "direction"),  # the issue: spaCy's E109
    (CTX, rule("no evidence of", direction="SIDEWAYS"), "R020", NO_EVIDENCE, "direction"),
    (CTX, rule("no evidence of", direction="forward"), "R020", NO_EVIDENCE, "direction"),
    (CTX, rule("no evidence of", direction=["FORWARD"]), "R020", NO_EVIDENCE, "direction"),
    (CTX, rule("no evidence of", category="NEGATIVE"), "R021", NO_EVIDENCE, "category"),
    (CTX, rule("no evidence of", category=None), "R021", NO_EVIDENCE, "category"),
    (CTX, first_rule("PSEUDO", direction="FORWARD"), "R024", "rule ", "direction"),
    (CTX, rule("no evidence of", direction="PSEUDO"), "R024", NO_EVIDENCE, "category"),
    (CTX, rule("no evidence of", list=True), "R025", NO_EVIDENCE, "list"),
    (CTX, rule("absent", list="yes"), "R005", '("absent")', "list"),
    (CTX, rule("no evidence of", allowed_types=["THERAPIES"]), "R005", NO_EVIDENCE, "allowed_types"),  # a label spaCy never sets
    (CTX, rule("no evidence of", allowed_types=[]), "R005", NO_EVIDENCE, "allowed_types"),
    (CTX, rule("no evidence of", allowed_types="THERAPY"), "R005", NO_EVIDENCE, "allowed_types"),
    (CTX, rule("no evidence of", not_concepts="hiv infection"), "R005", NO_EVIDENCE, "not_concepts"),
    (CTX, rule("no evidence of", not_concepts=["HIV infection"]), "R010", NO_EVIDENCE, 1),
    (CTX, rule("no evidence of", scope=3), "R003", NO_EVIDENCE, "scope"),
    (CTX, rule("no evidence of", direction=...), "R004", NO_EVIDENCE, "direction"),
    (CTX, rule("no evidence of", literal=""), "R006", 'rule ', "literal"),
    (CTX, rule("no evidence of", literal=7), "R005", "rule ", "literal"),
    (CTX, at("rules", 0, value="no"), "R005", "rule 1", None),
    (CTX, at("rules", value={"no": "NEGATED"}), "R005", None, "rules"),
    (CTX, at("rules", value=[]), "R006", None, "rules"),
    (CTX, at("rules", value=...), "R004", None, "rules"),
    (CTX, at("context_rules", value=[]), "R003", None, "context_rules"),
    (CTX, append("list_words", value="And", first=True), "R010", "list_words", 1),
    (CTX, at("_comment", value=["a"]), "R005", None, "_comment"),
    # rules/cues.jsonl: labels the code acts on, and what each fixed label means
    (CUES, line("pregnant", label="FEMALE"), "R031", PREGNANT, "label"),  # the issue: "Pregnant women" -> forbid female
    (CUES, line("pregnant", label="ADMIN"), "R032", PREGNANT, "label"),
    (CUES, line("pregnant", label="SCALE"), "R032", PREGNANT, "label"),
    (CUES, line("pregnant", label="PREGNANT"), "R030", PREGNANT, "label"),
    (CUES, line("pregnant", label="pregnancy"), "R030", PREGNANT, "label"),
    (CUES, line("pregnant", label="CONDITION"), "R030", PREGNANT, "label"),
    (CUES, line("pregnant", label=None), "R030", PREGNANT, "label"),
    (CUES, line("pregnant", id="pregnant woman"), "R031", PREGNANT, "id"),
    (CUES, line("pregnant", id="Pregnancy"), "R010", PREGNANT, "id"),
    (CUES, line("pregnant", id=""), "R006", PREGNANT, "id"),
    (CUES, line("pregnant", id=...), "R004", PREGNANT, "id"),
    (CUES, line("pregnant", lable="PREGNANCY"), "R003", PREGNANT, "lable"),
    (CUES, line("pregnant", pattern=" "), "R006", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=7), "R005", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=[]), "R006", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=[{"LEMMA": "pregnant"}]), "R033", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=[{"LOWER": ""}]), "R033", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=[{"LOWER": "pregnant", "OP": "many"}]), "R033", "line 1", "pattern"),
    (CUES, line("pregnant", pattern=["pregnant"]), "R033", "line 1", "pattern"),
    (CUES, at(0, value=["PREGNANCY", "pregnant", "pregnancy"]), "R005", "line 1", None),
    (CUES, whole({"label": "PREGNANCY"}), "R005", None, None),
    # rules/time.json: positive finite unit sizes
    (TIME, at("units", "weeks", value=-7), "R008", "units", "weeks"),  # the issue: "within 4 weeks" = -28 days
    (TIME, at("units", "weeks", value=0), "R008", "units", "weeks"),
    (TIME, at("units", "weeks", value=math.nan), "R007", "units", "weeks"),
    (TIME, at("units", "weeks", value=math.inf), "R007", "units", "weeks"),
    (TIME, at("units", "weeks", value="7"), "R005", "units", "weeks"),
    (TIME, at("units", "weeks", value=True), "R005", "units", "weeks"),
    (TIME, at("units", value=[]), "R005", None, "units"),
    (TIME, at("units", value={}), "R006", None, "units"),
    (TIME, at("number_words", "two", value=-2), "R009", "number_words", "two"),
    (TIME, at("number_words", "two", value=math.nan), "R007", "number_words", "two"),
    (TIME, at("window_lead", value=[]), "R006", None, "window_lead"),
    (TIME, at("window_lead", value="within"), "R005", None, "window_lead"),
    (TIME, at("window_relation", 0, value=""), "R006", "window_relation", 1),
    (TIME, at("units", value=...), "R004", None, "units"),
    (TIME, at("unit", value={}), "R003", None, "unit"),
    # rules/comparators.json
    (CMP, at("before", "~", value=["about"]), "R040", "before", "~"),
    (CMP, at("before", ">=", value="at least"), "R005", "before", ">="),
    (CMP, at("before", ">=", 0, value=""), "R006", 'before ">="', 1),
    (CMP, append("before", ">", value="at least", first=True), "R011", 'before ">"', 1),
    (CMP, at("after", value=[]), "R005", None, "after"),
    (CMP, at("after", value=...), "R004", None, "after"),
    (CMP, at("range_joiners", value="-"), "R005", None, "range_joiners"),
    (CMP, at("aliases", value={}), "R003", None, "aliases"),
    # rules/coverage.json
    (COV, at("filler", 0, value="Patient"), "R010", "filler", 1),
    (COV, append("narrowing", value="according", first=True), "R041", "narrowing", 1),
    (COV, at("filler", value="according"), "R005", None, "filler"),
    (COV, at("filler", 0, value=3), "R005", "filler", 1),
    (COV, at("extra", value=[]), "R003", None, "extra"),
    (COV, at("headings", value=...), "R004", None, "headings"),
    # rules/oncology.json
    (ONC, at("status", "pos", value="maybe"), "R042", "status", "pos"),
    (ONC, at("status", "Pos", value="positive"), "R010", "status", "Pos"),
    (ONC, at("biomarkers", "HER2", 0, value="her2("), "R043", 'biomarker "HER2"', 1),
    (ONC, at("biomarkers", "HER2", 0, value="(her2)?"), "R043", 'biomarker "HER2"', 1),
    (ONC, at("biomarkers", "HER2", value="her2"), "R005", "biomarkers", "HER2"),
    (ONC, at("biomarkers", "HER2", value=[]), "R006", "biomarkers", "HER2"),
    (ONC, at("sites", "liver", value=["Hepatic"]), "R010", 'site "liver"', 1),
    (ONC, at("numbers", "two", value=2.5), "R005", "numbers", "two"),
    (ONC, at("numbers", "two", value=-2), "R009", "numbers", "two"),
    (ONC, at("numbers", "two", value="2"), "R005", "numbers", "two"),
    (ONC, at("status", value=...), "R004", None, "status"),
    # lexicon pattern files
    (CUR, line("abscess", label="THERAPY"), "R030", 'line 1 ("abscess")', "label"),
    (CUR, line("abscess", id=" abscess"), "R005", 'line 1 ("abscess")', "id"),
    (CUR, line("abscess", pattern=[{"ORTH": "abscess", "POS": "NOUN"}]), "R033", "line 1", "pattern"),
    (CUR, line("abscess", source="icd"), "R003", 'line 1 ("abscess")', "source"),
    (ICD, at(0, "code", value=None), "R005", "line 1", "code"),
    (ICD, at(0, "label", value="LAB"), "R030", "line 1", "label"),
    (THER, line("abacavir", label="CONDITION"), "R030", 'line 1 ("abacavir")', "label"),
    (THER, line("abacavir", id=3), "R005", 'line 1 ("abacavir")', "id"),
    (THER, whole([]), "R006", None, None),
    # lexicon/condition_parents.json: dict of str -> list[str]
    (PARENTS, at("epilepsy", value="cns disease"), "R005", 'concept "epilepsy"', None),  # the issue: ancestors c, n, s...
    (PARENTS, at("epilepsy", value=["epilepsy"]), "R050", 'concept "epilepsy"', 1),
    (PARENTS, at("cns disease", value=["epilepsy"]), "R050", "concept ", 1),
    (PARENTS, at("epilepsy", value=[3]), "R005", 'concept "epilepsy"', 1),
    (PARENTS, at("epilepsy", value=[""]), "R006", 'concept "epilepsy"', 1),
    (PARENTS, at("epilepsy", value=["CNS disease"]), "R010", 'concept "epilepsy"', 1),
    (PARENTS, at("epilepsy", value=["cns disease", "cns disease"]), "R011", 'concept "epilepsy"', 2),
    (PARENTS, at("epilepsy", value=[]), "R006", 'concept "epilepsy"', None),
    (PARENTS, at("Epilepsy", value=["cns disease"]), "R010", 'concept "Epilepsy"', None),
    (PARENTS, whole([["epilepsy", "cns disease"]]), "R005", None, None),
    # lexicon/therapy_classes.json
    (CLASSES, at("ace inhibitor", value="captopril"), "R005", 'concept "ace inhibitor"', None),
    (CLASSES, append("ace inhibitor", value="ace inhibitor"), "R050", 'concept "ace inhibitor"', 6),
    (CLASSES, at("ace inhibitor", 0, value=None), "R005", 'concept "ace inhibitor"', 1),
    # lexicon/display_names.json
    (DISPLAY, at("ace inhibitor", value="ACE blocker"), "R051", 'concept "ace inhibitor"', None),
    (DISPLAY, at("ace inhibitor", value=["ACE inhibitor"]), "R005", 'concept "ace inhibitor"', None),
    (DISPLAY, at("ACE inhibitor", value="ACE inhibitor"), "R010", 'concept "ACE inhibitor"', None),
    # lexicon/words.txt: words, one a line
    (WORDS, lambda text: text + "Donepezil\n", "R010", "line ", None),
    (WORDS, lambda text: text + "two words\n", "R005", "line ", None),
    (WORDS, lambda text: "# built by scripts/build_vocabulary.py\n", "R053", None, None),
    (WORDS, lambda text: "", "R053", None, None),
    (WORDS, lambda text: ["aalborg"], "R005", None, None),
    # lexicon/english_words.txt: words, one a line
    (ENGLISH, lambda text: text + "Yeah\n", "R010", "line ", None),
    (ENGLISH, lambda text: "", "R053", None, None),
    # lexicon/stop_words.json
    (STOP_WORDS, at("languages", "Spanish", value="el la de"), "R005", 'language "Spanish"', None),
    (STOP_WORDS, at("languages", "French", value=[]), "R005", 'language "French"', None),
    (STOP_WORDS, whole({"languages": {"Spanish": ["el"]}}), "R005", None, "languages"),
    # analyte_aliases.json
    (ALIASES, at("aliases", "hemoglobin a1c", value=["a1c"]), "R052", "aliases", "hemoglobin a1c"),
    (ALIASES, at("aliases", "hba1c", value="hga1c"), "R005", "aliases", "hba1c"),
    (ALIASES, at("aliases", "hba1c", value=["hemoglobin"]), "R071", 'analyte "hba1c"', 1),
    (ALIASES, at("aliases", "hba1c", value=[""]), "R006", 'analyte "hba1c"', 1),
    (ALIASES, at("aliases", value=[]), "R005", None, "aliases"),
    (ALIASES, at("source", value="me"), "R003", None, "source"),
    # ranker.json: feature names and finite weights (matcher/ranking.py FEATURES)
    (RANKER, at("weights", "open", value=math.nan), "R007", "weights", "open"),
    (RANKER, at("weights", "open", value=math.inf), "R007", "weights", "open"),
    (RANKER, at("weights", "open", value="0.6"), "R005", "weights", "open"),
    (RANKER, at("weights", "open", value=None), "R005", "weights", "open"),
    (RANKER, at("weights", "recency", value=1.0), "R060", "weights", "recency"),
    (RANKER, at("weights", "open", value=...), "R061", None, "weights"),
    (RANKER, at("features", 0, value="bm25"), "R060", "features", 1),
    (RANKER, at("features", 1, value="text_score"), "R011", "features", 2),
    (RANKER, at("C", value=0), "R008", None, "C"),
    (RANKER, at("C", value=-1.0), "R008", None, "C"),
    (RANKER, at("weights", value=[1, 2]), "R005", None, "weights"),
    (RANKER, at("bias", value=0.1), "R003", None, "bias"),
    # units.json and analytes.json: checked by the unit tables (matcher/units.py), coded here
    ("units.json", at("units", 0, "factor", value=-1), "R070", "unit ", "factor"),
    ("units.json", at("units", 0, "factor", value="10"), "R070", "unit ", "factor"),
    ("units.json", at("units", 0, "dimension", value="weight"), "R070", "unit ", "dimension"),
    ("units.json", at("units", 0, "colour", value="red"), "R070", "unit 1", "colour"),
    ("units.json", at("extra", value=1), "R070", None, "extra"),
    ("analytes.json", at("analytes", 0, "kind", value="gene"), "R070", "analyte ", "kind"),
    ("analytes.json", at("analytes", 0, "canonical_unit", value="mg/dl"), "R070", "analyte ", "canonical_unit"),
    ("analytes.json", at("analytes", 0, "molar_mass", value=-1), "R070", "analyte ", "molar_mass"),
    ("analytes.json", at("analytes", value="hemoglobin"), "R070", None, "analytes"),
]


def _case_id(case) -> str:
    name, _, code, entry, key = case
    return f"{name}-{code}-{entry}-{key}"


@pytest.mark.parametrize("name, edit, code, entry, key", CASES, ids=[_case_id(c) for c in CASES])
def test_a_broken_copy_is_refused_with_code_file_entry_and_key(name, edit, code, entry, key):
    data = shipped(name)
    changed = edit(data)
    err = refused(name, data if changed is None else changed)
    message = str(err)
    assert err.code == code, message
    assert message.startswith(f"[{code}] {name}"), message
    assert err.file == name
    if entry is None:
        assert err.entry is None, message
    else:
        assert entry in err.entry and err.entry in message, message
    assert err.key == key, message
    if isinstance(key, str):
        assert f'key "{key}"' in message
    elif isinstance(key, int):
        assert f"item {key}" in message
    assert isinstance(err, MatcherError) and isinstance(err, ValueError)


def test_the_issue_examples_read_as_the_issue_asks():
    data = shipped(CTX)
    rule("no evidence of", max_scope=-3)(data)
    n = next(i for i, r in enumerate(data["rules"], 1) if r["literal"] == "no evidence of")
    assert str(refused(CTX, data)) == (f'[R022] rules/context.json, rule {n} ("no evidence of"), key "max_scope": '
                                       "must be a positive whole number of tokens, got -3")
    data = shipped(TIME)
    at("units", "weeks", value=-7)(data)
    assert str(refused(TIME, data)) == '[R008] rules/time.json, units, key "weeks": must be a positive number of days, got -7'
    data = shipped(CUES)
    line("pregnant", label="FEMALE")(data)
    assert "PREGNANCY concept" in str(refused(CUES, data))
    data = shipped(PARENTS)
    data["epilepsy"] = "cns disease"
    assert "characters" in str(refused(PARENTS, data))
    data = shipped(CTX)
    first_rule("TERMINATE", direction="FORWARD")(data)
    assert "its direction must be TERMINATE" in str(refused(CTX, data))


def test_every_file_has_a_check_and_negative_tests():
    assert set(checks._VALIDATORS) == set(resources.SHIPPED)
    assert {case[0] for case in CASES} == set(resources.SHIPPED)


def test_the_shipped_files_all_validate():
    resources.validate_all()
    for name in resources.SHIPPED:
        resources.validate(name, shipped(name))


def test_validate_all_checks_references_between_files(monkeypatch):
    real = resources.read_json

    def read(name):
        data = real(name)
        if name == PARENTS:
            return {**data, "epilepsy": ["brain trouble"]}
        return data

    monkeypatch.setattr(resources, "read_json", read)
    with pytest.raises(RuleFileError) as err:
        resources.validate_all()
    assert err.value.code == "R052" and err.value.file == PARENTS and err.value.entry == 'concept "epilepsy"'
    assert '"brain trouble" is not a condition concept of the lexicon' in str(err.value)


@pytest.mark.parametrize("name", resources.SHIPPED)
def test_a_missing_shipped_file_is_a_coded_error_not_a_skip(monkeypatch, tmp_path, name):
    real = resources._path
    monkeypatch.setattr(resources, "_path", lambda n: tmp_path / "gone" if n == name else real(n))
    resources.read_json.cache_clear()
    try:
        reader = resources.read_jsonl if name.endswith(".jsonl") else resources.read_text if name.endswith(".txt") else resources.read_json
        for call in (lambda: reader(name), lambda: resources.exists(name), resources.validate_all):
            with pytest.raises(RuleFileError) as err:
                call()
            assert err.value.code == "R001" and err.value.file == name
            assert str(err.value).startswith(f"[R001] {name}: the file is missing")
    finally:
        resources.read_json.cache_clear()


def test_a_file_matcher_does_not_ship_may_be_absent():
    assert resources.exists("rules/nothing-here.json") is False
    with pytest.raises(RuleFileError, match=r"\[R001\] rules/nothing-here.json"):
        resources.read_json("rules/nothing-here.json")


def test_every_data_file_in_the_package_is_shipped_and_checked():
    root = files("matcher.resources")
    found = set()
    for folder in ("", "rules", "lexicon"):
        base = root.joinpath(folder) if folder else root
        for item in base.iterdir():
            if item.is_file() and item.name.endswith((".json", ".jsonl", ".txt")):
                found.add(f"{folder}/{item.name}" if folder else item.name)
    assert found == set(resources.SHIPPED)


def test_validate_knows_only_shipped_files():
    with pytest.raises(ValueError, match="not a file matcher ships"):
        resources.validate("rules/other.json", {})


def test_cue_labels_are_the_code_labels():
    from matcher.nlp.lexicon import LABELS

    cue_labels = {row["label"] for row in resources.read_jsonl(CUES)}
    assert set(checks.ELSEWHERE) | set(checks.FIXED_CONCEPTS) <= LABELS
    assert set(checks.FIXED_CONCEPTS) <= cue_labels
    # every label the code acts on is either a cue label or comes from another file
    data = shipped(CUES)
    for label in LABELS - set(checks.ELSEWHERE):
        concept = checks.FIXED_CONCEPTS[label][1][0] if label in checks.FIXED_CONCEPTS else "x y z"
        row = {"label": label, "pattern": "x y z", "id": concept}
        resources.validate(CUES, data + [row])


def test_jsonl_errors_give_the_line_of_the_file(monkeypatch, tmp_path):
    text = resources._path(CUES).read_text(encoding="utf-8").replace('"label": "PREGNANCY"', '"label": "ADMIN"', 1)
    broken = tmp_path / "cues.jsonl"
    broken.write_text("\n\n" + text, encoding="utf-8")  # two blank lines first: the file's line 3 is its first row
    real = resources._path
    monkeypatch.setattr(resources, "_path", lambda n: broken if n == CUES else real(n))
    with pytest.raises(RuleFileError) as err:
        resources.read_jsonl(CUES)
    assert err.value.entry == 'line 3 ("pregnant")' and err.value.code == "R032"


def test_error_codes_are_unique_and_documented():
    codes = [k for k in vars(Errors) if not k.startswith("_")]
    assert codes and all(re.fullmatch(r"R\d{3}", c) for c in codes)
    source = (files("matcher.resources") / "checks.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(R\d{3})"', source)) | {"R001", "R002"}
    assert used <= set(codes)
    unused = set(codes) - used
    assert not unused, f"codes no check raises: {sorted(unused)}"


def test_the_error_survives_pickling():
    err = RuleFileError("R022", CTX, 'rule 17 ("no evidence of")', "max_scope", got="-3")
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.file, again.entry, again.key, str(again)) == (err.code, err.file, err.entry, err.key, str(err))
