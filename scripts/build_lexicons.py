"""Build the condition and therapy lexicons in ``matcher/resources/lexicon/``.

Reads the hand-curated sources in ``matcher/resources/lexicon/sources/`` and the
ICD-10-CM tabular list shipped in the ``simple_icd_10_cm`` package, and writes
spaCy EntityRuler pattern files (JSON Lines) plus two relation files:

    conditions_curated.jsonl   CONDITION patterns from sources/conditions.txt
    conditions_icd10cm.jsonl   CONDITION patterns from ICD-10-CM descriptions
    therapies.jsonl            THERAPY patterns from sources/therapies.txt
    condition_parents.json     {"concept": ["parent concept", ...]}  (direct parents)
    therapy_classes.json       {"class": ["member", ...]}  (all members, transitively)

    python scripts/build_lexicons.py            # rewrite the files
    python scripts/build_lexicons.py --check    # exit 1 if a file is out of date

Output is deterministic (sorted, fixed key order). The build fails with a message
naming the source line when two concepts claim the same pattern, a parent or class
is not a concept, or a short plain pattern is a common English word.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.lang.en.stop_words import STOP_WORDS

ROOT = Path(__file__).resolve().parent.parent
LEXICON_DIR = ROOT / "matcher" / "resources" / "lexicon"
SOURCE_DIR = LEXICON_DIR / "sources"

CONDITION = "CONDITION"
THERAPY = "THERAPY"

# Nouns whose plural is added automatically when a plain pattern ends with them.
COUNTABLE_HEADS = frozenset(
    """
    abnormality abscess adenoma agent agonist allergy analog analogue aneurysm anomaly
    antagonist antibiotic antibody anticoagulant anticonvulsant antidepressant
    antiepileptic antifungal antihistamine antimalarial antipsychotic antiviral
    arrhythmia attack benzodiazepine biologic bisphosphonate bleed blocker bronchodilator
    cancer carcinoma catheter cell clot complication compound condition corticosteroid
    cyst defect deficiency device disease disorder diuretic drug embolism episode event
    fracture glucocorticoid illness immunoglobulin immunosuppressant impairment
    implant infarction infection infusion inhibitor injection injury intervention
    lesion leukemia leukaemia line malformation malignancy medication metastasis
    mimetic modifier narcotic neoplasm neuroleptic nodule operation opiate opioid
    pacemaker polyp procedure product reaction regimen seizure statin stent steroid
    stimulant stone stroke study sulfonylurea supplement surgery syndrome taxane
    therapy thiazide thiazolidinedione transfusion transplant treatment trial tricyclic
    tumor tumour ulcer vaccination vaccine anthracycline glitazone gliptin gliflozin
    antiarrhythmic antihypertensive antiandrogen immunosuppressive nsaid convulsion
    """.split()
)

# US -> British spellings, added as variants of plain patterns.
BRITISH = {
    "tumor": "tumour", "tumors": "tumours", "ischemic": "ischaemic", "ischemia": "ischaemia",
    "hemorrhage": "haemorrhage", "hemorrhagic": "haemorrhagic", "hematologic": "haematologic",
    "hematological": "haematological", "hematopoietic": "haematopoietic",
    "hemolytic": "haemolytic", "hemophilia": "haemophilia", "hemodialysis": "haemodialysis",
    "hemoglobinuria": "haemoglobinuria", "hemochromatosis": "haemochromatosis",
    "hematoma": "haematoma", "esophageal": "oesophageal", "esophagus": "oesophagus",
    "esophagitis": "oesophagitis", "gastroesophageal": "gastro-oesophageal",
    "edema": "oedema", "diarrhea": "diarrhoea", "dyspnea": "dyspnoea", "apnea": "apnoea",
    "behavior": "behaviour", "behavioral": "behavioural", "gynecologic": "gynaecologic",
    "gynecological": "gynaecological", "pediatric": "paediatric", "estrogen": "oestrogen",
    "celiac": "coeliac", "anesthetic": "anaesthetic", "anesthesia": "anaesthesia",
    "leukopenia": "leucopenia", "sulfate": "sulphate", "immunization": "immunisation",
    "revascularization": "revascularisation", "randomized": "randomised",
    "fetal": "foetal", "orthopedic": "orthopaedic", "goiter": "goitre",
    "stabilizer": "stabiliser", "stabilizing": "stabilising", "generalized": "generalised",
}

# Short plain patterns that are ordinary words: they must be written "=..." (case-sensitive).
COMMON_WORDS = frozenset(
    """
    ace ad aids all am an art as at be by cad cap cart cf ed hit it me mg mi ml mm ms
    no of on or pad pe pd ra sea so tab tia us we
    """.split()
)

# ICD-10-CM selection: chapters (first letter of the code) left out entirely.
# O pregnancy (handled elsewhere), S/T injury and poisoning, U special codes,
# V-Y external causes, Z factors influencing health status.
ICD_SKIPPED_CHAPTERS = frozenset("OSTUVWXYZ")
# Descriptions containing these words are not usable as phrases (qualifiers,
# combinations, residual classes, laterality, encounters).
ICD_REJECT_WORDS = re.compile(
    r"\b(with|without|due|other|others|unspecified|elsewhere|and|or|not|except|history|"
    r"status|encounter|screening|sequelae|sequela|following|complicating|complicated|"
    r"associated|resulting|personal|family|affecting|involving|site|sites|part|parts|"
    r"specified|nec|nos|right|left|bilateral|unilateral|multiple sites|"
    r"classified|type not|induced by|exposure|contact|observation|carrier|"
    r"abnormal|finding|findings|score|level|levels|complication|complications|malfunction|"
    r"reading|study|scan|smear|profile|count|rate|test|result|results)\b"
)
ICD_GENERIC = frozenset(
    """
    disease diseases disorder disorders syndrome syndromes injury injuries pain neoplasm
    neoplasms tumor abnormal abnormality abnormalities complication complications
    findings symptoms signs condition conditions illness malaise anomaly anomalies
    deformity deformities lesion lesions mass swelling
    """.split()
)
ICD_MAX_WORDS = 5
# The release the committed files were built from (README.md); another version still
# builds, with a warning, since its descriptions (and so the output) may differ.
ICD_PACKAGE_VERSION = "1.5.0"


@dataclass
class Concept:
    id: str
    synonyms: list[str]
    parents: list[str]
    where: str  # "file:line" for error messages


class LexiconError(Exception):
    """A problem in a curated source; the message names the source line."""


def read_source(path: Path) -> list[Concept]:
    concepts: list[Concept] = []
    seen: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 3:
            raise LexiconError(f"{where}: expected 'id | synonyms | parents', got {len(fields)} fields")
        concept_id, synonyms, parents = fields
        if not concept_id or concept_id != concept_id.lower():
            raise LexiconError(f"{where}: concept id {concept_id!r} must be non-empty lowercase")
        if concept_id in seen:
            raise LexiconError(f"{where}: concept {concept_id!r} already defined at {seen[concept_id]}")
        seen[concept_id] = where
        concepts.append(
            Concept(
                id=concept_id,
                synonyms=[s.strip() for s in synonyms.split(";") if s.strip()],
                parents=[p.strip() for p in parents.split(";") if p.strip()],
                where=where,
            )
        )
    return concepts


# --- variants of plain phrases -------------------------------------------------

def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plural(word: str) -> str:
    if word.endswith("sis"):
        return word[:-3] + "ses"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _possessive(text: str) -> set[str]:
    if "'" not in text:
        return set()
    return {
        re.sub(r"(\w)'s\b", r"\1", text),
        re.sub(r"(\w)'s\b", r"\1s", text),
        re.sub(r"(\w)s'(?=\s|$)", r"\1s", text),
    } - {text}


def _hyphen(text: str) -> set[str]:
    out = {re.sub(r"(?<=[a-zA-Z])-(?=[a-zA-Z])", " ", text)}
    out.add(re.sub(r"\b([Nn]on)-(?=[a-zA-Z])", r"\1", text))
    return out - {text}


def _british(text: str) -> set[str]:
    words = [BRITISH.get(w.lower(), w) for w in text.split(" ")]
    words = [re.sub(r"(?<=[a-zA-Z])emia$", "aemia", w) for w in words]
    british = " ".join(words)
    return {british} - {text}


def _plural(text: str) -> set[str]:
    match = re.search(r"([a-zA-Z]+)$", text)
    if not match:
        return set()
    word = match.group(1)
    if word.lower() in COUNTABLE_HEADS or word.lower().endswith("oma"):
        return {text[: match.start()] + plural(word)}
    return set()


# a vaccine as people name it, by what it prevents and how it is given: "yellow fever injection", "COVID jab"
_VACCINE_SAID = ("shot", "jab", "injection", "immunization", "immunisation")
# (not a kind of vaccine, a route or a vaccine given by mouth: "live attenuated viral injection", "non-live jab",
# "oral polio jab", "rotavirus injection", "mRNA injection")
_NO_STEM = re.compile(r"(?:live|inactivated|killed|non|oral|intranasal|nasal|mrna|rotavirus|sabin|cholera|typhoid\s+ty21a)\b"
                      r"|non-?live\b", re.I)


def _vaccine_said(text: str) -> set[str]:
    match = re.fullmatch(r"(.+?)\s+(?:vaccine|vaccination)", text, re.I)
    if not match or _NO_STEM.match(match.group(1)):
        return set()
    return {f"{match.group(1)} {word}" for word in _VACCINE_SAID} - {text}


def variants(phrase: str) -> set[str]:
    """The phrase and its accent-free, possessive, hyphen, British, plural and said-vaccine forms."""
    out = {phrase}
    for step in (lambda t: {fold_accents(t)} - {t}, _possessive, _hyphen, _british, _plural, _vaccine_said):
        for text in list(out):
            out |= step(text)
    return out


# --- patterns ------------------------------------------------------------------

def token_pattern(text: str, nlp) -> list[dict]:
    """Case-sensitive token pattern: ORTH for tokens with capitals/digits/punctuation, LOWER otherwise."""
    pattern = []
    for token in nlp.make_doc(text):
        if token.text.isalpha() and token.text.islower():
            pattern.append({"LOWER": token.text})
        else:
            pattern.append({"ORTH": token.text})
    return pattern


def surface(pattern, nlp) -> tuple[str, ...]:
    """What a pattern matches, as lowercase tokens (used to find conflicting patterns)."""
    if isinstance(pattern, str):
        return tuple(t.lower_ for t in nlp.make_doc(pattern))
    return tuple(next(iter(spec.values())).lower() for spec in pattern)


def overlap(a, b) -> bool:
    """Whether two patterns with the same lowercase surface can match the same text.

    A phrase pattern (str) matches any casing; token patterns differ only where both
    sides require an exact (ORTH) spelling and the spellings differ (=CART vs =cART).
    """
    if isinstance(a, str) or isinstance(b, str):
        return True
    for spec_a, spec_b in zip(a, b):
        if "ORTH" in spec_a and "ORTH" in spec_b and spec_a["ORTH"] != spec_b["ORTH"]:
            return False
    return True


def claim(claimed: dict, key: tuple, pattern, concept_id: str, label: str, where: str) -> None:
    """Record a pattern; fail if a different concept already has an overlapping one."""
    for other, other_id, other_label, other_where in claimed.get(key, ()):
        if other_id != concept_id and overlap(pattern, other):
            raise LexiconError(
                f"{where}: pattern {' '.join(key)!r} of {concept_id!r} ({label}) "
                f"is already claimed by {other_id!r} ({other_label}) at {other_where}"
            )
    claimed.setdefault(key, []).append((pattern, concept_id, label, where))


def phrase_text(text: str, nlp) -> str:
    """Lowercase a phrase unless lowercasing changes its tokenization ("St. John's wort")."""
    lower = text.lower()
    if [t.text.lower() for t in nlp.make_doc(text)] == [t.text for t in nlp.make_doc(lower)]:
        return lower
    return text


def curated_patterns(concepts: list[Concept], label: str, nlp, claimed: dict) -> list[dict]:
    """Expand curated concepts into pattern dicts, recording each in ``claimed`` (see ``claim``)."""
    lines: list[dict] = []
    for concept in concepts:
        phrases: dict[tuple, str] = {}
        tokens: dict[str, list[dict]] = {}
        plain = [concept.id] + [s for s in concept.synonyms if not s.startswith("=")]
        exact = [s[1:].strip() for s in concept.synonyms if s.startswith("=")]
        for phrase in plain:
            for text in sorted(variants(phrase)):
                text = phrase_text(text, nlp)
                key = surface(text, nlp)
                if len(key) == 1 and key[0] in (STOP_WORDS | COMMON_WORDS):
                    raise LexiconError(
                        f"{concept.where}: {phrase!r} is a common word; write it as '={phrase}' (case-sensitive)"
                    )
                phrases.setdefault(key, text)
        for text in exact:
            pattern = token_pattern(text, nlp)
            if surface(pattern, nlp) not in phrases:  # a phrase already matches it in any case
                tokens.setdefault(json.dumps(pattern), pattern)
        for pattern in list(phrases.values()) + list(tokens.values()):
            claim(claimed, surface(pattern, nlp), pattern, concept.id, label, concept.where)
            lines.append({"label": label, "pattern": pattern, "id": concept.id})
    return sorted(lines, key=_sort_key)


def _sort_key(line: dict):
    pattern = line["pattern"]
    return (line["id"], isinstance(pattern, list), json.dumps(pattern, ensure_ascii=False))


def check_relations(concepts: list[Concept], what: str) -> None:
    ids = {c.id for c in concepts}
    for concept in concepts:
        for parent in concept.parents:
            if parent not in ids:
                raise LexiconError(f"{concept.where}: {what} {parent!r} of {concept.id!r} is not a concept")
            if parent == concept.id:
                raise LexiconError(f"{concept.where}: {concept.id!r} is its own {what}")
    graph = {c.id: c.parents for c in concepts}
    for concept in concepts:
        if concept.id in ancestors(concept.id, graph, {}):
            raise LexiconError(f"{concept.where}: {what} cycle through {concept.id!r}")


def ancestors(node: str, graph: dict[str, list[str]], memo: dict[str, frozenset]) -> frozenset:
    if node in memo:
        return memo[node]
    memo[node] = frozenset()  # cycle guard
    found: set[str] = set()
    for parent in graph.get(node, ()):
        found.add(parent)
        found |= ancestors(parent, graph, memo)
    memo[node] = frozenset(found)
    return memo[node]


def minimal(parents: set[str], graph: dict[str, list[str]], memo: dict) -> list[str]:
    """Drop parents implied by other parents (transitive reduction of one node's edges)."""
    implied = set()
    for parent in parents:
        implied |= ancestors(parent, graph, memo)
    return sorted(parents - implied)


# --- ICD-10-CM -----------------------------------------------------------------

def clean_icd_description(description: str) -> str | None:
    text = re.sub(r",\s*unspecified$", "", description.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^unspecified\s+", "", text, flags=re.IGNORECASE)
    text = text.lower()
    if re.search(r"[,()\[\]/;:]", text) or ICD_REJECT_WORDS.search(text):
        return None
    words = text.split()
    if not 1 <= len(words) <= ICD_MAX_WORDS:
        return None
    if all(w in ICD_GENERIC or w in STOP_WORDS for w in words):
        return None
    return text


def read_range_parents(path: Path) -> list[tuple[str, str, list[str]]]:
    ranges = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        first, last, parents = raw.split("\t")
        ranges.append((first, last, [p.strip() for p in parents.split(";")]))
    return ranges


def icd_concepts(claimed: dict, nlp, condition_ruler_nlp, range_parents, curated_ids: set[str]):
    """Select ICD-10-CM category/subcategory descriptions usable as phrases.

    Returns (lines, parents): pattern dicts with an extra "code" key, and
    {id: set of parent ids} from the category ranges, the curated concepts found in the
    description, and the nearest selected ICD ancestor.
    """
    import simple_icd_10_cm as icd

    by_id: dict[str, str] = {}
    code_to_id: dict[str, str] = {}
    for code in icd.get_all_codes(with_dots=True):
        if code[0] in ICD_SKIPPED_CHAPTERS or not icd.is_category_or_subcategory(code):
            continue
        if icd.is_extended_subcategory(code):
            continue
        text = clean_icd_description(icd.get_description(code))
        if text is None or text in by_id:
            continue
        owners = [c for c in claimed.get(surface(text, nlp), ()) if c[2] == CONDITION]
        if claimed.get(surface(text, nlp)):  # curated concepts win ...
            if owners:  # ... and stand in for the code as the parent of its subcodes
                code_to_id[code] = owners[0][1]
            continue
        by_id[text] = code
        code_to_id[code] = text

    lines, parents = [], {}
    docs = condition_ruler_nlp.pipe(list(by_id))
    for (concept_id, code), doc in zip(by_id.items(), docs):
        found = {ent.ent_id_ for ent in doc.ents if ent.ent_id_ and ent.ent_id_ != concept_id}
        category = code[:3]
        for first, last, extra in range_parents:
            if first <= category <= last:
                found.update(extra)
        for ancestor in icd.get_ancestors(code):
            if ancestor in code_to_id:
                found.add(code_to_id[ancestor])
                break
        found.discard(concept_id)
        unknown = found - curated_ids - set(by_id)
        if unknown:
            raise LexiconError(f"icd10cm_parents.tsv: unknown parent concept(s) {sorted(unknown)}")
        if found:
            parents[concept_id] = found
        lines.append({"label": CONDITION, "pattern": concept_id, "id": concept_id, "code": code})
    return sorted(lines, key=_sort_key), parents


# --- assembling ------------------------------------------------------------------

def class_members(concepts: list[Concept]) -> dict[str, list[str]]:
    children: dict[str, set[str]] = {}
    for concept in concepts:
        for parent in concept.parents:
            children.setdefault(parent, set()).add(concept.id)

    def members(node: str, seen: frozenset = frozenset()) -> set[str]:
        out = set()
        for child in children.get(node, ()):
            if child not in seen:
                out.add(child)
                out |= members(child, seen | {node})
        return out

    return {cls: sorted(members(cls)) for cls in sorted(children)}


_WORD = re.compile(r"[A-Za-z0-9]+")


def display_names(concepts: list[Concept]) -> dict[str, str]:
    """How each concept id reads with the capitals its synonyms use ("hiv infection" -> "HIV infection")."""
    out: dict[str, str] = {}
    for concept in concepts:
        cased: dict[str, str] = {}
        for synonym in concept.synonyms:
            for word in _WORD.findall(synonym.lstrip("=")):
                if word != word.lower() and not (word[0].isupper() and word[1:].islower()):
                    cased.setdefault(word.lower(), word)  # HIV, NSAID, CD19, eGFR; not Title case
        shown = _WORD.sub(lambda m: cased.get(m.group(0), m.group(0)), concept.id)
        if shown != concept.id:
            out[concept.id] = shown
    return out


def jsonl(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def pretty(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build() -> dict[str, str]:
    """Return {file name: content} for every generated file."""
    nlp = spacy.blank("en")
    conditions = read_source(SOURCE_DIR / "conditions.txt")
    therapies = read_source(SOURCE_DIR / "therapies.txt")
    check_relations(conditions, "parent")
    check_relations(therapies, "class")

    claimed: dict = {}
    condition_lines = curated_patterns(conditions, CONDITION, nlp, claimed)
    therapy_lines = curated_patterns(therapies, THERAPY, nlp, claimed)

    ruler_nlp = spacy.blank("en")
    ruler = ruler_nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(condition_lines)
    curated_ids = {c.id for c in conditions}
    icd_lines, icd_parents = icd_concepts(
        claimed, nlp, ruler_nlp, read_range_parents(SOURCE_DIR / "icd10cm_parents.tsv"), curated_ids
    )

    graph = {c.id: list(c.parents) for c in conditions}
    graph.update({k: sorted(v) for k, v in icd_parents.items()})
    memo: dict = {}
    parents = {c.id: sorted(c.parents) for c in conditions if c.parents}
    for concept_id, found in icd_parents.items():
        parents[concept_id] = minimal(found, graph, memo)

    return {
        "conditions_curated.jsonl": jsonl(condition_lines),
        "conditions_icd10cm.jsonl": jsonl(icd_lines),
        "therapies.jsonl": jsonl(therapy_lines),
        "condition_parents.json": pretty(parents),
        "therapy_classes.json": pretty(class_members(therapies)),
        "display_names.json": pretty(display_names(conditions + therapies)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    parser.add_argument("--out", type=Path, default=LEXICON_DIR, help="output directory")
    args = parser.parse_args()
    try:
        files = build()
    except LexiconError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    version = importlib.metadata.version("simple_icd_10_cm")
    stale = []
    for name, content in files.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        count = content.count("\n") if name.endswith(".jsonl") else len(json.loads(content))
        print(f"wrote {name}: {count} {'patterns' if name.endswith('.jsonl') else 'entries'}")
    if args.check:
        if stale:
            print("out of date: " + ", ".join(stale) + " (run scripts/build_lexicons.py)", file=sys.stderr)
            return 1
        print("lexicons up to date")
    else:
        print(f"ICD-10-CM source: simple_icd_10_cm {version}")
    if version != ICD_PACKAGE_VERSION:
        print(
            f"warning: built with simple_icd_10_cm {version}, README.md documents {ICD_PACKAGE_VERSION}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
