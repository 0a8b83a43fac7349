"""The condition and therapy lexicons in matcher/resources/lexicon/ (data, not code).

Loads the EntityRuler pattern files into a blank English pipeline and checks them
on real criteria from the seed trial NCT05858684, plus the relation files and the
build script's reproducibility.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pytest
import spacy
from conftest import SEED

LEXICON = files("matcher.resources") / "lexicon"
PATTERN_FILES = ("conditions_curated.jsonl", "conditions_icd10cm.jsonl", "therapies.jsonl")
LABELS = {"CONDITION", "THERAPY"}
BUILD_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_lexicons.py"


def read_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (LEXICON / name).read_text(encoding="utf-8").splitlines()]


def read_json(name: str):
    return json.loads((LEXICON / name).read_text(encoding="utf-8"))


def make_nlp(patterns: list[dict]):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True})
    ruler.add_patterns(patterns)
    return nlp


@lru_cache(maxsize=None)
def full_nlp():
    return make_nlp([p for name in PATTERN_FILES for p in read_jsonl(name)])


def ids_of(nlp, text: str) -> dict[str, str]:
    """{entity text: concept id} for the entities found in text."""
    return {ent.text: ent.ent_id_ for ent in nlp(text).ents}


def seed_lines() -> list[str]:
    study = json.loads(SEED.read_text(encoding="utf-8"))
    return study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"].splitlines()


def seed_line_with(phrase: str) -> str:
    lines = [line for line in seed_lines() if phrase in line]
    assert lines, f"{phrase!r} is not in the seed trial's criteria"
    return lines[0]


# --- files load -----------------------------------------------------------------

@pytest.mark.parametrize("name", PATTERN_FILES)
def test_pattern_file_loads_into_validating_entity_ruler(name):
    patterns = read_jsonl(name)
    assert patterns
    nlp = make_nlp(patterns)
    assert len(nlp.get_pipe("entity_ruler")) == len(patterns)


@pytest.mark.parametrize("name", PATTERN_FILES)
def test_pattern_lines_are_well_formed(name):
    for line in read_jsonl(name):
        assert set(line) <= {"label", "pattern", "id", "code"}, line
        assert line["label"] in LABELS
        assert line["id"] and line["id"] == line["id"].lower(), line
        assert isinstance(line["pattern"], (str, list)) and line["pattern"], line


def test_icd_lines_carry_valid_icd10cm_codes():
    icd = pytest.importorskip("simple_icd_10_cm")
    for line in read_jsonl("conditions_icd10cm.jsonl"):
        assert icd.is_valid_item(line["code"]), line


# --- real sentences from NCT05858684 --------------------------------------------------

@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        ("cerebrovascular accident", "stroke"),
        ("CVA", "stroke"),
        ("HIV infection", "hiv infection"),
        ("hepatitis B virus", "hepatitis b"),
        ("hepatitis C virus", "hepatitis c"),
        ("syphilis infection", "syphilis"),
        ("epilepsy", "epilepsy"),
        ("psychosis", "psychosis"),
        ("encephalitis", "encephalitis"),
        ("CNS vasculitis", "cns vasculitis"),
        ("organic encephalopathy syndrome", "encephalopathy"),
        ("depression", "depression"),
        ("suicidal thoughts", "suicidal ideation"),
        ("peptic ulcers", "peptic ulcer"),
        ("active infections", "infection"),
        ("immunodeficiency", "immunodeficiency"),
        ("Non-melanoma Skin Cancer", "non-melanoma skin cancer"),
        ("Cervical Cancer in situ", "cervical carcinoma in situ"),
        ("Bladder Cancer", "bladder cancer"),
        ("Breast Cancer", "breast cancer"),
        ("malignant tumour", "malignancy"),
        ("lupus nephritis", "lupus nephritis"),
        ("Renal disease", "kidney disease"),
        ("CNS disease", "cns disease"),
        ("SLE", "systemic lupus erythematosus"),
        ("allergies", "allergy"),
        ("hypersensitivity", "allergy"),
        ("immunosuppressive therapy", "immunosuppressive therapy"),
        ("live vaccine", "live vaccine"),
        ("cyclophosphamide", "cyclophosphamide"),
        ("fludarabine", "fludarabine"),
        ("major surgery", "major surgery"),
        ("hemodialysis", "hemodialysis"),
        ("leukapheresis", "leukapheresis"),
        ("BCMA-targeted therapy", "bcma-targeted therapy"),
        ("clinical study", "investigational treatment"),
        ("CAR-T cells infusion", "car-t cell therapy"),
    ],
)
def test_seed_trial_criteria(phrase, concept):
    found = ids_of(full_nlp(), seed_line_with(phrase))
    assert found.get(phrase) == concept, found


def test_seed_conditions_field_title_case():
    assert ids_of(full_nlp(), "Systemic Lupus Erythematosus") == {
        "Systemic Lupus Erythematosus": "systemic lupus erythematosus"
    }


# --- case, abbreviations, plurals, variants ------------------------------------------

@pytest.mark.parametrize(
    "text", ["all patients must sign consent", "All patients must sign consent", "as well as ms and pe"]
)
def test_common_words_are_not_abbreviations(text):
    assert ids_of(full_nlp(), text) == {}


@pytest.mark.parametrize(
    ("text", "phrase", "concept"),
    [
        ("acute lymphoblastic leukemia (ALL) in first remission", "ALL", "acute lymphoblastic leukemia"),
        ("history of MS or optic neuritis", "MS", "multiple sclerosis"),
        ("prior MI within 6 months", "MI", "myocardial infarction"),
        ("documented CAD", "CAD", "coronary artery disease"),
        ("on MMF for lupus", "MMF", "mycophenolate mofetil"),
        ("patients with AML", "AML", "acute myeloid leukemia"),
        ("history of seizures", "seizures", "epilepsy"),
        ("recurrent infections", "infections", "infection"),
        ("prior strokes", "strokes", "stroke"),
        ("other malignancies", "malignancies", "malignancy"),
        ("brain tumours", "brain tumours", "brain tumor"),
        ("acute leukaemia", "acute leukaemia", "acute leukemia"),
        ("Crohns disease", "Crohns disease", "crohn disease"),
        ("Alzheimer's disease", "Alzheimer's disease", "alzheimer disease"),
        ("non small cell lung cancer", "non small cell lung cancer", "non-small cell lung cancer"),
        ("T2DM on metformin", "T2DM", "type 2 diabetes"),
        ("Benlysta or Plaquenil", "Benlysta", "belimumab"),
        ("Benlysta or Plaquenil", "Plaquenil", "hydroxychloroquine"),
        ("CellCept 1 g twice daily", "CellCept", "mycophenolate mofetil"),
        ("no live attenuated vaccines", "live attenuated vaccines", "live vaccine"),
        ("hepatitis B vaccine given", "hepatitis B vaccine", "hepatitis b vaccine"),
    ],
)
def test_abbreviations_plurals_and_variants(text, phrase, concept):
    found = ids_of(full_nlp(), text)
    assert found.get(phrase) == concept, found


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        ("malignancy", "malignancy"),
        ("malignant tumour", "malignancy"),
        ("malignant tumor", "malignancy"),
        ("cancer", "malignancy"),
        ("malignant neoplasm", "malignancy"),
        ("CNS disease", "cns disease"),
        ("central nervous system disease", "cns disease"),
        ("infection", "infection"),
        ("active infection", "infection"),
        ("renal disease", "kidney disease"),
        ("kidney disease", "kidney disease"),
    ],
)
def test_umbrella_concepts(phrase, concept):
    assert ids_of(full_nlp(), phrase) == {phrase: concept}


def _source_concepts(name: str):
    for line in (LEXICON / "sources" / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            concept_id, synonyms, _ = (field.strip() for field in line.split("|"))
            yield concept_id, [s.strip().lstrip("=").strip() for s in synonyms.split(";") if s.strip()]


@pytest.mark.parametrize("source", ["conditions.txt", "therapies.txt"])
def test_every_curated_name_is_found_as_written(source):
    nlp = full_nlp()
    cases = [(name, concept) for concept, synonyms in _source_concepts(source) for name in [concept, *synonyms]]
    missed = []
    for (name, concept), doc in zip(cases, nlp.pipe(name for name, _ in cases)):
        if [(ent.start, ent.end, ent.ent_id_) for ent in doc.ents] != [(0, len(doc), concept)]:
            missed.append((name, concept, [(ent.text, ent.ent_id_) for ent in doc.ents]))
    assert not missed, missed[:20]


# --- consistency of patterns and relations -------------------------------------------

def _surface(pattern, tokenizer) -> tuple[str, ...]:
    if isinstance(pattern, str):
        return tuple(token.lower_ for token in tokenizer(pattern))
    return tuple(next(iter(spec.values())).lower() for spec in pattern)


def _exact(pattern) -> tuple | None:
    """Case-sensitive spelling of a token pattern; None for case-insensitive patterns."""
    if isinstance(pattern, str) or all("LOWER" in spec for spec in pattern):
        return None
    return tuple(next(iter(spec.items())) for spec in pattern)


def test_no_pattern_maps_to_two_concepts_with_the_same_label():
    tokenizer = spacy.blank("en").tokenizer
    owners: dict[tuple, list] = {}
    for name in PATTERN_FILES:
        for line in read_jsonl(name):
            key = (line["label"], _surface(line["pattern"], tokenizer))
            owners.setdefault(key, []).append((_exact(line["pattern"]), line["id"]))
    clashes = []
    for key, entries in owners.items():
        for i, (exact_a, id_a) in enumerate(entries):
            for exact_b, id_b in entries[i + 1 :]:
                # two case-sensitive spellings (=CART, =cART) never match the same text
                if id_a != id_b and (exact_a is None or exact_b is None or exact_a == exact_b):
                    clashes.append((key, id_a, id_b))
    assert not clashes, clashes[:20]


def test_therapy_classes_name_known_concepts():
    therapy_ids = {line["id"] for line in read_jsonl("therapies.jsonl")}
    classes = read_json("therapy_classes.json")
    for cls, members in classes.items():
        assert cls in therapy_ids, cls
        assert members and set(members) <= therapy_ids, (cls, set(members) - therapy_ids)
        assert cls not in members


@pytest.mark.parametrize(
    ("cls", "member"),
    [
        ("immunosuppressive therapy", "mycophenolate mofetil"),
        ("immunosuppressive therapy", "cyclophosphamide"),
        ("immunosuppressive therapy", "tacrolimus"),
        ("immunosuppressive therapy", "rituximab"),
        ("live vaccine", "yellow fever vaccine"),
        ("live vaccine", "mmr vaccine"),
        ("vaccine", "bcg vaccine"),
        ("cd19-targeted therapy", "tisagenlecleucel"),
        ("cd19-targeted therapy", "blinatumomab"),
        ("bcma-targeted therapy", "ciltacabtagene autoleucel"),
        ("bcma-targeted therapy", "teclistamab"),
        ("corticosteroid", "prednisone"),
        ("chemotherapy", "fludarabine"),
        ("anticoagulant", "warfarin"),
    ],
)
def test_therapy_class_membership(cls, member):
    assert member in read_json("therapy_classes.json")[cls]


def _ancestors(concept: str, parents: dict) -> set[str]:
    seen, todo = set(), [concept]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_condition_parents_name_known_concepts_without_cycles():
    condition_ids = {
        line["id"] for name in ("conditions_curated.jsonl", "conditions_icd10cm.jsonl") for line in read_jsonl(name)
    }
    parents = read_json("condition_parents.json")
    for child, direct in parents.items():
        assert child in condition_ids, child
        assert direct and set(direct) <= condition_ids, (child, set(direct) - condition_ids)
        assert child not in _ancestors(child, parents), child


@pytest.mark.parametrize(
    ("child", "ancestor"),
    [
        ("epilepsy", "cns disease"),
        ("lupus nephritis", "systemic lupus erythematosus"),
        ("lupus nephritis", "kidney disease"),
        ("non-small cell lung cancer", "lung cancer"),
        ("non-small cell lung cancer", "malignancy"),
        ("melanoma", "malignancy"),
        ("non-melanoma skin cancer", "malignancy"),
        ("acute lymphoblastic leukemia", "malignancy"),
        ("stroke", "cns disease"),
        ("hiv infection", "infection"),
        ("hepatitis b", "infection"),
        ("syphilis", "infection"),
        ("malignant neoplasm of scrotum", "malignancy"),  # generated from ICD-10-CM C63.2
    ],
)
def test_condition_ancestors(child, ancestor):
    assert ancestor in _ancestors(child, read_json("condition_parents.json"))


# --- reproducibility --------------------------------------------------------------

def test_generated_files_are_up_to_date(monkeypatch):
    pytest.importorskip("simple_icd_10_cm")
    spec = importlib.util.spec_from_file_location("build_lexicons", BUILD_SCRIPT)
    build_lexicons = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_lexicons", build_lexicons)
    spec.loader.exec_module(build_lexicons)
    for name, content in build_lexicons.build().items():
        assert (LEXICON / name).read_text(encoding="utf-8") == content, (
            f"{name} is out of date: run python scripts/build_lexicons.py"
        )


def test_rule_files_refuse_bad_entries_by_name():
    import pytest

    from matcher.nlp.lexicon import validate_pattern

    with pytest.raises(ValueError, match="rules/cues.jsonl, line 3: unknown label 'CONDITON'"):
        validate_pattern({"label": "CONDITON", "pattern": "x", "id": "x"}, "rules/cues.jsonl, line 3")
    with pytest.raises(ValueError, match="unknown keys"):
        validate_pattern({"label": "ADMIN", "pattern": "x", "id": "x", "extra": 1}, "rules/cues.jsonl, line 4")
    with pytest.raises(ValueError, match="pattern must be"):
        validate_pattern({"label": "ADMIN", "pattern": "", "id": "x"}, "rules/cues.jsonl, line 5")
