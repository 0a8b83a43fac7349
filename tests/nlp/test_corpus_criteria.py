"""The constraint parser on real criteria from the legacy ClinicalTrials.gov corpus.

Every criterion below is the text :func:`matcher.criteria.split_criteria` gives
for ``eligibility/criteria/textblock`` of the named trial in
``shared/data/ctgov-legacy-xml-6786.tar.gz`` (``test_criterion_is_from_the_corpus``
checks this), except the few marked CONSTRUCTED: unit notations the corpus never
uses, written the way real criteria are.

The expected constraints were written by reading each criterion, as what a
correct parser should output, not by running the parser.  Conventions:

- polarity: under inclusion a stated thing is ``require`` and a negated one
  ``forbid``; under exclusion the reverse.  This also holds for constraints
  that cannot be checked (consent, contraception, investigator judgement):
  "Unable to give informed consent" under exclusion requires consent.
- values are in the analyte's canonical unit (``resources/analytes.json``):
  hemoglobin g/L, cell counts 10^9/L, CD4 /µL, creatinine and bilirubin mg/dL;
  ages in years.  Values match to 1 %, window lengths (days) to 5 %.
- a measurement written relative to normal ("< 2 x ULN") has
  ``relative_to="ULN"`` and no unit.
- a restatement in another unit ("1.5 mg/dl (133 micromoles/liter)",
  "≥ 2000/uL (≥ 2 x 10*9*/L)") is the same bound, not a second constraint.
- "women of childbearing potential must ..." names whom the rule applies to;
  it is not itself a sex or childbearing-potential constraint.
- contraception is a commitment, so it is never checkable.
- concept ids are the lexicon's (``resources/lexicon``, ``rules/cues.jsonl``);
  where the lexicon has no concept yet the expected id is a proposal, marked
  "not in lexicon" in a comment.
- ``exact=True`` (the default): the parser's constraints must be exactly the
  expected ones.  ``exact=False``: the expected ones must be among them; used
  only where a criterion has incidental mentions that may reasonably yield an
  extra constraint, with the reason in a comment.
- ``qualifiers`` in an expectation must be among the constraint's qualifiers
  (others are allowed); they are given only where they carry the meaning
  ("history of ...").
"""
from __future__ import annotations

import math
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from matcher.criteria import split_criteria
from matcher.models import Constraint
from matcher.nlp import parse_criterion

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ctgov-legacy-xml-6786.tar.gz"

REQ, FORBID = "require", "forbid"
INC, EXC = "inclusion", "exclusion"
CONSTRUCTED = "CONSTRUCTED"

PER_UL = "/\u00b5L"  # canonical CD4 unit, micro sign
G9 = "10^9/L"  # canonical cell-count unit
MONTH, YEAR = 30.4375, 365.25


# --------------------------------------------------------------------------
# Expected constraints


@dataclass(frozen=True)
class Expect:
    kind: str
    polarity: str
    concept: str
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    relative_to: str | None = None
    window_days: float | None = None
    exceptions: frozenset[str] = frozenset()
    checkable: bool = True
    qualifiers: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return _render(self.checkable, self.polarity, self.kind, self.concept, self.comparator, self.value,
                       self.value_max, self.unit, self.relative_to, self.window_days, self.exceptions,
                       self.qualifiers)


def _bounds(value):
    return value if isinstance(value, tuple) else (value, None)


def age(comparator: str, value, polarity: str = REQ) -> Expect:
    lo, hi = _bounds(value)
    return Expect("age", polarity, "age", comparator, lo, hi, "years")


def sex(polarity: str, concept: str) -> Expect:
    return Expect("sex", polarity, concept)


def pregnancy(polarity: str, concept: str = "pregnancy") -> Expect:
    return Expect("pregnancy", polarity, concept)


def lactation(polarity: str) -> Expect:
    return Expect("lactation", polarity, "lactation")


def childbearing(polarity: str) -> Expect:
    return Expect("childbearing_potential", polarity, "childbearing potential")


def contraception(polarity: str) -> Expect:
    return Expect("contraception", polarity, "contraception", checkable=False)


def cond(polarity: str, concept: str, *, window: float | None = None, exceptions=(), qualifiers=()) -> Expect:
    return Expect("condition", polarity, concept, window_days=window, exceptions=frozenset(exceptions),
                  qualifiers=frozenset(qualifiers))


def therapy(polarity: str, concept: str, *, window: float | None = None, qualifiers=()) -> Expect:
    return Expect("therapy", polarity, concept, window_days=window, qualifiers=frozenset(qualifiers))


def lab(polarity: str, concept: str, comparator: str, value, unit: str | None = None, *,
        rel: str | None = None, window: float | None = None) -> Expect:
    """A measurement; ``value`` is a number or, for "between", a (low, high) pair."""
    lo, hi = _bounds(value)
    return Expect("measurement", polarity, concept, comparator, lo, hi, unit, rel, window)


def admin(polarity: str, concept: str) -> Expect:
    return Expect("admin", polarity, concept, checkable=False)


# --------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    nct: str
    section: str
    number: int | None  # the criterion's number in its section ("inc-4" is 4)
    label: str
    text: str
    expected: tuple[Expect, ...]
    exact: bool = True

    @property
    def criterion_id(self) -> str:
        return f"{self.section[:3]}-{self.number}"

    @property
    def test_id(self) -> str:
        return f"{self.nct}-{self.label}" if self.nct != CONSTRUCTED else f"constructed-{self.label}"


def stage(polarity: str, stages: str) -> Expect:
    return Expect("stage", polarity, stages)


def case(nct, section, number, label, text, *expected, exact=True) -> Case:
    return Case(nct, section, number, label, text, tuple(expected), exact)


# fmt: off
CASES = [
    # ---- age -------------------------------------------------------------
    case("NCT00490464", INC, 1, "age-range-years-old", "18-70 years old (inclusive)",
         age("between", (18, 70))),
    case("NCT00499499", INC, 4, "aged-geq", "Aged ≥ 18 years",
         age(">=", 18)),
    case("NCT00009243", INC, 1, "aged-geq-no-unit", "Aged >=18",
         age(">=", 18)),
    case("NCT00001445", INC, 1, "age-months-to-years", "Children between the ages of 3 months and 18 years.",
         age("between", (0.25, 18))),
    case("NCT00001443", INC, 1, "age-number-word-months", "Age - six months to 18 years.",
         age("between", (0.5, 18))),
    case("NCT00493337", INC, 2, "age-older-than-65", "Older than 65 years",
         age(">", 65)),
    case("NCT00001281", INC, 1, "age-of-age-or-older", "18 years of age or older.",
         age(">=", 18)),
    case("NCT00001257", EXC, 2, "age-two-bounds-excluded", "Less than 18 years old or older than 65 years.",
         age("<", 18, FORBID), age(">", 65, FORBID)),
    # "Men and women" admits both sexes: no sex constraint
    case("NCT00000477", INC, 1, "age-and-ldl-range",
         "Men and women, ages 65 and older, with elevated low-density lipoprotein cholesterol levels between 159 "
         "and 221 mg/dl at entry.",
         age(">=", 65), lab(REQ, "ldl cholesterol", "between", (159, 221), "mg/dL")),

    # ---- sex ---------------------------------------------------------------
    # "Men only" does not occur in the corpus; "Sex: Male" is its usual form there.
    case("NCT00492596", INC, 1, "female-subjects-age", "Female subjects ≥ 18 years of age",
         sex(REQ, "female"), age(">=", 18)),
    case("NCT00462124", INC, 1, "male-aged-leq", "Male aged ≤80.",
         sex(REQ, "male"), age("<=", 80)),
    case("NCT00002566", INC, 8, "sex-male", "Sex: Male",
         sex(REQ, "male")),
    case("NCT00002460", INC, 9, "sex-women-only", "Sex: Women only",
         sex(REQ, "female")),
    # "Men on ..." names who the rule is about; it does not exclude men
    case("NCT00000175", EXC, 3, "men-on-testosterone",
         "Men on testosterone replacement within the past three months.",
         therapy(FORBID, "testosterone therapy", window=3 * MONTH)),

    # ---- pregnancy, lactation, childbearing potential, contraception --------
    case("NCT00000136", EXC, 4, "pregnant-or-lactating", "Pregnant or Lactating",
         pregnancy(FORBID), lactation(FORBID)),
    case("NCT00001509", INC, 19, "wocbp-not-pregnant-lactating",
         "Women of childbearing potential must not be pregnant or lactating.",
         pregnancy(FORBID), lactation(FORBID)),
    case("NCT00000288", EXC, 3, "not-using-birth-control",
         "Pregnant or lactating, or not using adequate birth control methods.",
         pregnancy(FORBID), lactation(FORBID), contraception(REQ)),
    case("NCT00001731", INC, 6, "must-use-contraception",
         "Female patients of childbearing potential must use reliable forms of contraception during the study.",
         contraception(REQ)),
    case("NCT00001646", INC, 14, "negative-test-and-contraception",
         "Women of child bearing potential must have a negative pregnancy test at entry and must agree to use "
         "barrier methods of contraception throughout the study.",
         pregnancy(FORBID), contraception(REQ)),
    # "surgically sterile" explains non-childbearing potential; it is not a contraception rule
    case("NCT00000173", INC, 16, "not-pregnant-lactating-or-cbp",
         "Subject is not pregnant, lactating, or of childbearing potential (i.e. women must be two years "
         "post-menopausal or surgically sterile).",
         pregnancy(FORBID), lactation(FORBID), childbearing(FORBID)),
    case("NCT00460226", INC, 4, "non-childbearing-potential", "Non-childbearing potential",
         childbearing(FORBID)),
    case("NCT00000391", INC, 6, "not-breast-feeding", "Not breast-feeding",
         lactation(FORBID)),

    # ---- conditions: synonyms, abbreviations, negation, history ------------
    case("NCT00000419", INC, 2, "SLE", "Unequivocal diagnosis of SLE",
         cond(REQ, "systemic lupus erythematosus")),
    case("NCT00497367", EXC, 16, "CVA-window", "CVA within the past 6 months",
         cond(FORBID, "stroke", window=6 * MONTH)),
    case("NCT00008437", INC, 17, "no-CVA-window", "Cardiovascular: No cerebrovascular accident (CVA) within the past 6 months",
         cond(FORBID, "stroke", window=6 * MONTH)),
    case("NCT00003820", EXC, 3, "HBV-or-hepatitis", "Active HBV infection or hepatitis.",
         cond(FORBID, "hepatitis b"), cond(FORBID, "hepatitis")),
    case("NCT00002982", INC, 16, "not-HIV-HBV-HCV", "Other: Not HIV, HBV, and HCV positive",
         cond(FORBID, "hiv infection"), cond(FORBID, "hepatitis b"), cond(FORBID, "hepatitis c")),
    case("NCT00001538", INC, 26, "no-evidence-HBV-HIV-HCV-HTLV",
         "No evidence of infection with HBV, HIV-1, HCV or HTLV-1 using standard testing procedures.",
         cond(FORBID, "hepatitis b"), cond(FORBID, "hiv infection"), cond(FORBID, "hepatitis c"),
         cond(FORBID, "htlv infection")),
    case("NCT00460317", EXC, 31, "HIV-HBsAg-HCV-positive",
         "Known to be human immunodeficiency virus (HIV), hepatitis B surface antigen or hepatitis C positive.",
         cond(FORBID, "hiv infection"), cond(FORBID, "hepatitis b"), cond(FORBID, "hepatitis c")),
    case("NCT00003386", INC, 10, "run-together-negatives",
         "Other: No active infections HIV negative Hepatitis B surface antigen negative Hepatitis C antibody negative",
         cond(FORBID, "infection"), cond(FORBID, "hiv infection"), cond(FORBID, "hepatitis b"),
         cond(FORBID, "hepatitis c")),
    case("NCT00001021", EXC, 2, "hepatitis-B-or-C-ellipsis",
         "Co-existing Condition: Serologic evidence of current Hepatitis B or C infection.",
         cond(FORBID, "hepatitis b"), cond(FORBID, "hepatitis c")),
    case("NCT00003062", INC, 1, "NSCLC-spelled-out",
         "Histologically confirmed progressive or recurrent stage IV non-small cell lung cancer (NSCLC)",
         cond(REQ, "non-small cell lung cancer"), stage(REQ, "IV")),
    case("NCT00002852", INC, 2, "NSCLC-abbreviation",
         "Completely resected T2N0M0 Stage I NSCLC as defined by the International Staging System",
         cond(REQ, "non-small cell lung cancer"), stage(REQ, "I"), cond(FORBID, "metastatic disease")),
    # the trial is for NSCLC: only the chemotherapy is negated, not the disease it treated
    case("NCT00002623", INC, 20, "no-prior-chemo-for-NSCLC", "Chemotherapy: No prior chemotherapy for NSCLC",
         therapy(FORBID, "chemotherapy")),
    case("NCT00001446", INC, 13, "no-brain-metastases", "No brain metastases.",
         cond(FORBID, "brain metastases")),
    case("NCT00002723", INC, 15, "no-brain-mets-or-cns", "No brain metastases or other CNS disease",
         cond(FORBID, "brain metastases"), cond(FORBID, "cns disease")),
    case("NCT00000176", EXC, 3, "history-breast-cancer", "History of breast cancer",
         cond(FORBID, "breast cancer", qualifiers=["history"])),
    case("NCT00000205", EXC, 2, "history-seizures", "History of seizures.",
         cond(FORBID, "epilepsy", qualifiers=["history"])),
    case("NCT00000102", EXC, 2, "history-cardiovascular", "history of cardiovascular disease",
         cond(FORBID, "cardiovascular disease", qualifiers=["history"])),
    case("NCT00000173", EXC, 4, "alcohol-or-substance-abuse-2y",
         "History of alcohol or substance abuse or dependence within the past 2 years (DSM IV criteria).",
         cond(FORBID, "alcohol use disorder", window=2 * YEAR),
         cond(FORBID, "substance use disorder", window=2 * YEAR)),
    # "other significant neurological problems complicating their rehabilitation" is vague: a cns disease
    # constraint from it is acceptable but not required
    case("NCT00006426", EXC, 2, "history-CVA",
         "Patients with a history of CVA or other significant neurological problems complicating their "
         "rehabilitation.",
         cond(FORBID, "stroke", qualifiers=["history"]), exact=False),
    case("NCT00000609", INC, 1, "heart-failure-and-EF",
         "Patients with New York Heart Association class II or class III heart failure and ejection fraction "
         "less than or equal to 35%.",
         cond(REQ, "heart failure"), lab(REQ, "left ventricular ejection fraction", "<=", 35, "%"),
         lab(REQ, "nyha class", "between", (2, 3), "points")),

    # ---- lists -------------------------------------------------------------
    case("NCT00000683", EXC, 3, "STD-list-window",
         "Syphilis, gonorrhea, or any other sexually transmitted diseases including chlamydia or pelvic "
         "inflammatory disease in the last 6 months.",
         cond(FORBID, "syphilis", window=6 * MONTH), cond(FORBID, "gonorrhea", window=6 * MONTH),
         cond(FORBID, "sexually transmitted infection", window=6 * MONTH),
         cond(FORBID, "chlamydia infection", window=6 * MONTH),
         cond(FORBID, "pelvic inflammatory disease", window=6 * MONTH)),
    case("NCT00004074", EXC, 3, "cardiac-semicolon-list",
         "Active or unstable cardiovascular disease or cardiac disease requiring drug or device intervention; "
         "history of coronary artery disease or congestive heart failure",
         cond(FORBID, "cardiovascular disease"), cond(FORBID, "heart disease"),
         cond(FORBID, "coronary artery disease", qualifiers=["history"]),
         cond(FORBID, "heart failure", qualifiers=["history"])),
    case("NCT00001145", EXC, 6, "microL-semicolon-list",
         "ANC less than 250/microL; Platelets less than 50,000/microL; Hematocrit less than 25",
         lab(FORBID, "absolute neutrophil count", "<", 0.25, G9), lab(FORBID, "platelet count", "<", 50, G9),
         lab(FORBID, "hematocrit", "<", 25, "%")),
    case("NCT00003646", INC, 15, "mm3-semicolon-list",
         "Hematopoietic: WBC at least 3,000/mm3; Platelet count at least 100,000/mm3; Hemoglobin at least 9 g/dL",
         lab(REQ, "white blood cell count", ">=", 3, G9), lab(REQ, "platelet count", ">=", 100, G9),
         lab(REQ, "hemoglobin", ">=", 90, "g/L")),
    # none of these five drug classes is in the lexicon yet (except steroids): the ids are proposals
    case("NCT00001848", EXC, 6, "hormone-list-window",
         "Use of hormonal contraception, selective estrogen receptor modulators, progestins, estrogens, steroids, "
         "or ovulation induction in the last 3 months.",
         therapy(FORBID, "hormonal contraception", window=3 * MONTH),
         therapy(FORBID, "selective estrogen receptor modulator", window=3 * MONTH),
         therapy(FORBID, "progestin", window=3 * MONTH), therapy(FORBID, "estrogen therapy", window=3 * MONTH),
         therapy(FORBID, "corticosteroid", window=3 * MONTH),
         therapy(FORBID, "ovulation induction", window=3 * MONTH)),

    # ---- exceptions --------------------------------------------------------
    case("NCT00000807", EXC, 1, "malignancy-except-bcc-cis",
         "Co-existing Condition: Other active malignancies except basal cell carcinoma of the skin, or carcinoma in situ of the cervix.",
         cond(FORBID, "malignancy", exceptions=["basal cell carcinoma", "cervical carcinoma in situ"])),
    case("NCT00001189", INC, 22, "no-prior-malignancy-except-bcc", "OTHER: No prior malignancy except basal cell carcinoma.",
         cond(FORBID, "malignancy", exceptions=["basal cell carcinoma"])),
    # "carcinoma of the cervix in situ" (word order) is not a lexicon pattern yet
    case("NCT00000435", EXC, 8, "malignancy-5y-except-nmsc-cis",
         "Any active malignancy or cancer requiring treatment in the last 5 years, except for nonmelanoma skin "
         "cancers and carcinoma of the cervix in situ",
         cond(FORBID, "malignancy", window=5 * YEAR,
              exceptions=["non-melanoma skin cancer", "cervical carcinoma in situ"])),
    case("NCT00001059", EXC, 3, "malignancy-except-basal-or-squamous",
         "Co-existing Condition: Other active malignancies except for basal or squamous cell carcinoma of the skin or in situ cervical "
         "cancer.",
         cond(FORBID, "malignancy", exceptions=["non-melanoma skin cancer", "cervical carcinoma in situ"])),

    # ---- measurements: cell counts in every notation -----------------------
    case("NCT00006099", INC, 4, "ANC-x-10^9/L",
         "Adequate organ function as defined by: Absolute neutrophil count (ANC) > 1.5 x 10^9/L",
         lab(REQ, "absolute neutrophil count", ">", 1.5, G9)),
    case("NCT00006099", INC, 5, "platelets-x-10^9/L",
         "Adequate organ function as defined by: Platelet count > 100 x 10^9/L",
         lab(REQ, "platelet count", ">", 100, G9)),
    case("NCT00463385", INC, 9, "ANC-uL-restated-10^9/L-window",
         "Must have adequate organ function as demonstrated by the following ≤ 14 days prior to starting study "
         "drug: Absolute neutrophil count ≥ 1,000/μL (≥ 1 x 10^9/L).",
         lab(REQ, "absolute neutrophil count", ">=", 1, G9, window=14)),
    # "x 109/L": the superscript 9 was lost in the XML
    case("NCT00460317", INC, 9, "ANC-x-109/L", "Absolute neutrophil count (ANC) > = 1.5 x 109/L",
         lab(REQ, "absolute neutrophil count", ">=", 1.5, G9)),
    case("NCT00009646", EXC, 6, "platelets-x-109/L", "Platelet count less than 50 x 109/L;",
         lab(FORBID, "platelet count", "<", 50, G9)),
    # "Transfusion dependence < 24 months" has no analyte; whatever it yields is not checked here
    case("NCT00004208", INC, 2, "neutrophils-times-109/l",
         "Transfusion dependence < 24 months or neutrophils < 0.5 × 109/l.",
         lab(REQ, "absolute neutrophil count", "<", 0.5, G9), exact=False),
    # the organ-dysfunction words before the labs may reasonably give condition constraints too
    case("NCT00461396", EXC, 18, "marrow-labs-x10^9/L",
         "Clinically significant hepatic, renal, or bone marrow dysfunction as defined by any of the following "
         "laboratory evaluations: Bone marrow dysfunction: Hb < 8.5 g/dl, WBC < 2.5x10^9/L, or platelet count "
         "< 125x10^9/L",
         lab(FORBID, "hemoglobin", "<", 85, "g/L"), lab(FORBID, "white blood cell count", "<", 2.5, G9),
         lab(FORBID, "platelet count", "<", 125, G9), exact=False),
    # CONSTRUCTED: "×10⁹/L" with a superscript does not occur in the corpus (its XML lost superscripts)
    case(CONSTRUCTED, INC, None, "ANC-times-10-superscript-9", "Absolute neutrophil count ≥ 1.5 ×10⁹/L",
         lab(REQ, "absolute neutrophil count", ">=", 1.5, G9)),
    # "10*9*/L" is the corpus' only spelling with an asterisk
    case("NCT00495066", INC, 10, "WBC-uL-restated-10*9*/L",
         "Required values for initial laboratory tests: White Blood Cells (WBC): ≥ 2000/uL (≥ 2 x 10*9*/L)",
         lab(REQ, "white blood cell count", ">=", 2, G9)),
    case("NCT00495066", INC, 12, "platelets-x-103/uL",
         "Required values for initial laboratory tests: Platelets: ≥ 75 x 103/uL (≥ 75 x 10*9*/L)",
         lab(REQ, "platelet count", ">=", 75, G9)),
    # CONSTRUCTED: "x10*9/l" as such does not occur in the corpus
    case(CONSTRUCTED, INC, None, "platelets-x10*9/l", "Platelets ≥ 100 x10*9/l",
         lab(REQ, "platelet count", ">=", 100, G9)),
    case("NCT00000391", INC, 13, "platelets-/mm3", "Platelet Count >= 100000 /mm3",
         lab(REQ, "platelet count", ">=", 100, G9)),
    case("NCT00001832", INC, 5, "ANC-/mm^3", "Absolute neutrophil count greater than 1000/mm^3.",
         lab(REQ, "absolute neutrophil count", ">", 1, G9)),
    case("NCT00005812", INC, 7, "ANC-/mu-L", "Absolute neutrophil count greater than 1,500/μL",
         lab(REQ, "absolute neutrophil count", ">", 1.5, G9)),
    case("NCT00003799", INC, 13, "WBC-/uL", "WBC >= 3500/uL",
         lab(REQ, "white blood cell count", ">=", 3.5, G9)),
    case("NCT00003207", INC, 6, "hgb-g/dl-cells/ul",
         "Hemoglobin >=8 g/dl, neutrophil count >=1000 cells/ul and platelet count of >=75,000 cells/ul.",
         lab(REQ, "hemoglobin", ">=", 80, "g/L"), lab(REQ, "absolute neutrophil count", ">=", 1, G9),
         lab(REQ, "platelet count", ">=", 75, G9)),
    case("NCT00000136", INC, 6, "ANC-cells/micro-l", "Absolute neutrophil count ≥ 1,000 cells/µl",
         lab(REQ, "absolute neutrophil count", ">=", 1, G9)),
    case("NCT00000659", INC, 5, "CD4-cells/mm3", "CD4 cell count < 300 cells/mm3.",
         lab(REQ, "cd4 count", "<", 300, PER_UL)),
    # the parenthesis lists the strata, not further bounds
    case("NCT00000391", INC, 10, "CD4-range-cells/mm3", "CD4 100 to 500 cells/mm3 (100 - 200 - 300 - 400 - 500).",
         lab(REQ, "cd4 count", "between", (100, 500), PER_UL)),
    # CONSTRUCTED: "K/uL" does not occur in the corpus (it has "K/cu mm", below)
    case(CONSTRUCTED, INC, None, "platelets-K/uL", "Platelet count ≥ 100 K/uL",
         lab(REQ, "platelet count", ">=", 100, G9)),
    # leucocytosis is not in the lexicon yet: the id is a proposal
    case("NCT00494195", EXC, 7, "WBC-K/cu-mm",
         "Persistent leucopenia or leucocytosis (WBC less than or equal to 3.5 K/cu mm or at least 20.0 K/ cu mm) "
         "or neutrophils less than 1.5 K/ cu mm",
         cond(FORBID, "leukopenia"), cond(FORBID, "leukocytosis"),
         lab(FORBID, "white blood cell count", "<=", 3.5, G9), lab(FORBID, "white blood cell count", ">=", 20, G9),
         lab(FORBID, "absolute neutrophil count", "<", 1.5, G9)),
    # "poor bone marrow reserve" and the "unless" clause may reasonably yield more
    case("NCT00498043", EXC, 6, "neutrophils-platelets-G/l",
         "Poor bone marrow reserve as defined by neutrophils <1.5 G/l or platelets <100 G/l, unless related to "
         "bone marrow infiltration.",
         lab(FORBID, "absolute neutrophil count", "<", 1.5, G9), lab(FORBID, "platelet count", "<", 100, G9),
         exact=False),

    # ---- measurements: chemistry, molar units, restatements, x ULN ---------
    # creatinine: 1 mg/dL = 88.4 µmol/L
    case("NCT00461630", EXC, 6, "creatinine-micro-sign-mol/L", "Severe renal insufficiency (i.e. creatinine >200 µmol/L);",
         cond(FORBID, "renal insufficiency"), lab(FORBID, "creatinine", ">", 2.262, "mg/dL")),
    case("NCT00497939", EXC, 6, "creatinine-umol/l", "Renal impairment with serum creatinine >140 umol/l",
         cond(FORBID, "renal insufficiency"), lab(FORBID, "creatinine", ">", 1.584, "mg/dL")),
    case("NCT00490672", EXC, 6, "creatinine-umol/l-window",
         "Serum creatinine more than 150umol/l in the preceding 6 months.",
         lab(FORBID, "creatinine", ">", 1.697, "mg/dL", window=6 * MONTH)),
    # CONSTRUCTED: "mcmol/L" does not occur in the corpus ("micromoles/liter" does, below)
    case(CONSTRUCTED, INC, None, "creatinine-mcmol/L", "Serum creatinine ≤ 133 mcmol/L",
         lab(REQ, "creatinine", "<=", 1.504, "mg/dL")),
    case("NCT00002488", INC, 16, "creatinine-restated-micromoles",
         "Renal: Creatinine less than 1.5 mg/dl (133 micromoles/liter)",
         lab(REQ, "creatinine", "<", 1.5, "mg/dL")),
    case("NCT00002487", INC, 12, "creatinine-and-BUN-restated",
         "Renal: Creatinine less than 1.7 mg/dl (150 micromoles/liter) BUN less than 42 mg/dl (15 mmoles/liter)",
         lab(REQ, "creatinine", "<", 1.7, "mg/dL"), lab(REQ, "blood urea nitrogen", "<", 42, "mg/dL")),
    case("NCT00002498", INC, 13, "bilirubin-restated-micromoles",
         "Hepatic: Bilirubin less than 1.4 mg/dL (25 micromoles/L)",
         lab(REQ, "total bilirubin", "<", 1.4, "mg/dL")),
    case("NCT00492843", INC, 8, "crcl-creatinine-umol-and-ULN",
         "Adequate renal function: creatinine clearance ≥ 50 ml/min (cockroft formula) and serum creatinine ≤ "
         "2.0mg/dl (168 µmol/L); ALT or AST within 2 times the upper limit of the normal range",
         lab(REQ, "creatinine clearance", ">=", 50, "mL/min"), lab(REQ, "creatinine", "<=", 2.0, "mg/dL"),
         lab(REQ, "alt", "<=", 2, rel="ULN"), lab(REQ, "ast", "<=", 2, rel="ULN")),
    case("NCT00460109", INC, 16, "bilirubin-times-ULN", "Bilirubin ≤ 1.5 times upper limit of normal (ULN)",
         lab(REQ, "total bilirubin", "<=", 1.5, rel="ULN")),
    case("NCT00001832", INC, 8, "ALT/AST-two-times-ULN",
         "Serum alanine aminotransferase (ALT)/aspartate aminotransferase (AST) less than two times the upper "
         "limit of normal.",
         lab(REQ, "alt", "<", 2, rel="ULN"), lab(REQ, "ast", "<", 2, rel="ULN")),
    case("NCT00462826", INC, 16, "PT/PTT/INR-times-ULN", "PT/PTT/INR ≤ 1.5 times ULN",
         lab(REQ, "prothrombin time", "<=", 1.5, rel="ULN"), lab(REQ, "aptt", "<=", 1.5, rel="ULN"),
         lab(REQ, "inr", "<=", 1.5, rel="ULN")),
    case("NCT00000391", INC, 12, "hemoglobin-g/dl", "Hemoglobin >= 12 g/dl",
         lab(REQ, "hemoglobin", ">=", 120, "g/L")),
    case("NCT00000142", INC, 13, "hemoglobin-g/dL-or-greater", "Hemoglobin of 7.5 g/dL or greater",
         lab(REQ, "hemoglobin", ">=", 75, "g/L")),

    # ---- scores and physiological measures --------------------------------
    case("NCT00001300", INC, 13, "ECOG-range", "Performance status: ECOG 0-2.",
         lab(REQ, "ecog performance status", "between", (0, 2), "points")),
    case("NCT00001144", INC, 6, "not-ECOG-3-or-more", "Must not have ECOG performance status of 3 or more.",
         lab(FORBID, "ecog performance status", ">=", 3, "points")),
    # "or better" on ECOG means the number or lower
    case("NCT00462280", INC, 4, "ECOG-or-better-and-KPS",
         "Eastern Cooperative Oncology Group (ECOG) performance status of 1 or better (Karnofsky > 70%)",
         lab(REQ, "ecog performance status", "<=", 1, "points"),
         lab(REQ, "karnofsky performance status", ">", 70, "%")),
    case("NCT00000136", INC, 9, "karnofsky-geq", "Karnofsky score ≥ 60",
         lab(REQ, "karnofsky performance status", ">=", 60, "%")),
    case("NCT00001148", EXC, 9, "karnofsky-less-than", "Karnofsky Performance Scale Score less than 60.",
         lab(FORBID, "karnofsky performance status", "<", 60, "%")),
    case("NCT00001269", INC, 9, "karnofsky-scale-and-ECOG",
         "Performance status (Karnofsky scale) must be greater than 70; ECOG 0-2.",
         lab(REQ, "karnofsky performance status", ">", 70, "%"),
         lab(REQ, "ecog performance status", "between", (0, 2), "points")),
    case("NCT00461968", INC, 3, "BMI-between-kg/m2", "Having a body mass index (BMI) between 20 and 35 kg/m2",
         lab(REQ, "bmi", "between", (20, 35), "kg/m2")),
    case("NCT00492960", INC, 3, "BMI-between-no-unit", "BMI between 18.5 and 38, inclusive.",
         lab(REQ, "bmi", "between", (18.5, 38), "kg/m2")),
    case("NCT00001144", INC, 10, "not-LVEF-less-than-30",
         "Must not have left ventricular ejection fraction: less than 30%.",
         lab(FORBID, "left ventricular ejection fraction", "<", 30, "%")),
    case("NCT00001392", INC, 10, "eGFR-window",
         "Subjects with eGFR greater than or equal to 50 mL/min/1.73 m^2 at screening or at some time in "
         "preceding 6 months.",
         lab(REQ, "egfr", ">=", 50, "mL/min/1.73m2", window=6 * MONTH)),
    case("NCT00001987", EXC, 13, "low-eGFR",
         "Abnormal screening labs, including the following: Low eGFR (<60 mL/min/1.73m^2)",
         lab(FORBID, "egfr", "<", 60, "mL/min/1.73m2")),
    case("NCT00000716", EXC, 11, "crcl-per-1.73m2", "Creatinine clearance < 50 ml/min/1.73 m2.",
         lab(FORBID, "creatinine clearance", "<", 50, "mL/min")),
    case("NCT00001271", INC, 16, "crcl-cc-per-minute", "Creatinine clearance greater than 60 cc per minute.",
         lab(REQ, "creatinine clearance", ">", 60, "mL/min")),
    case("NCT00001300", INC, 20, "creatinine-or-crcl",
         "Renal: Creatinine less than 1.5 mg/dL or creatinine clearance greater than 60 mL/min.",
         lab(REQ, "creatinine", "<", 1.5, "mg/dL"), lab(REQ, "creatinine clearance", ">", 60, "mL/min")),

    # ---- therapies: names, classes, windows --------------------------------
    case("NCT00000835", EXC, 14, "live-vaccines-60d",
         "Prior Medication: Excluded: Live attenuated vaccines within 60 days of study.",
         therapy(FORBID, "live vaccine", window=60)),
    # "vaccination in this study" is the trial's own intervention; "inactivated vaccine" is not in the lexicon
    case("NCT00462215", EXC, 11, "live-and-inactivated-vaccine",
         "Have received any live vaccine within 4 weeks or inactivated vaccine within 2 weeks prior to vaccination "
         "in this study,",
         therapy(FORBID, "live vaccine", window=28), therapy(FORBID, "inactivated vaccine", window=14)),
    case("NCT00000646", EXC, 10, "major-surgery-30d", "Major surgery within 30 days of study treatment.",
         therapy(FORBID, "major surgery", window=30)),
    case("NCT00001570", INC, 7, "no-major-surgery-4w", "Surgery: No major surgery within 4 weeks of study.",
         therapy(FORBID, "major surgery", window=28)),
    case("NCT00002189", EXC, 1, "less-than-2w-since-surgery", "Co-existing Condition: Less than 2 weeks since major surgery.",
         therapy(FORBID, "major surgery", window=14)),
    case("NCT00000173", EXC, 11, "investigational-30d",
         "Use of any investigational drugs within 30 days or 5 half-lives, whichever is longer, prior to "
         "screening.",
         therapy(FORBID, "investigational treatment", window=30)),
    case("NCT00000403", EXC, 2, "current-investigational", "Current use of any investigational drug.",
         therapy(FORBID, "investigational treatment")),
    # "calcium channel antagonists" is not a pattern ("calcium antagonists" is); the named examples are
    # members of the class, so constraints for them are redundant but acceptable
    case("NCT00000738", EXC, 11, "calcium-channel-class-4w",
         "Prior Medication: Excluded: Confounding calcium channel antagonists (such as nifedipine, verapamil, "
         "diltiazem, and related drugs) within 4 weeks prior to study entry.",
         therapy(FORBID, "calcium channel blocker", window=28), exact=False),
    # immunoglobulins given to patients are immune globulin products: the lexicon's "intravenous immunoglobulin"
    case("NCT00000749", EXC, 7, "immunoglobulins-vaccines-3m",
         "Prior Medication: Excluded: Immunoglobulins or vaccines within the past 3 months.",
         therapy(FORBID, "intravenous immunoglobulin", window=3 * MONTH),
         therapy(FORBID, "vaccine", window=3 * MONTH)),
    case("NCT00000628", EXC, 10, "zidovudine-4w-prior",
         "Patients in Part 2 only: Excluded: Zidovudine within 4 weeks prior to receiving first dose of study "
         "drug.",
         therapy(FORBID, "zidovudine", window=28)),
    case("NCT00001693", INC, 30, "no-chemo-6m", "Patient must not have undergone chemotherapy within the past 6 months.",
         therapy(FORBID, "chemotherapy", window=6 * MONTH)),
    case("NCT00001462", INC, 9, "no-oral-systemic-steroids-30d",
         "No oral systemic corticosteroids within 30 days prior to start of study.",
         therapy(FORBID, "systemic corticosteroid", window=30)),
    case("NCT00460577", EXC, 5, "systemic-steroids-7d", "Patients who received systemic steroids within the last 7 days",
         therapy(FORBID, "systemic corticosteroid", window=7)),
    case("NCT00002105", EXC, 9, "chemo-or-interferon-4w",
         "Prior Medication: Excluded: Cytotoxic chemotherapy or interferon therapy within the past 4 weeks.",
         therapy(FORBID, "chemotherapy", window=28), therapy(FORBID, "interferon", window=28)),

    # ---- administrative and judgement criteria ----------------------------
    case("NCT00000136", INC, 10, "informed-consent", "Informed consent",
         admin(REQ, "informed consent")),
    case("NCT00000174", INC, 4, "will-provide-consent",
         "Will provide written informed consent prior to their participation in the study.",
         admin(REQ, "informed consent")),
    case("NCT00000271", INC, 6, "consent-and-comply", "Able to give informed consent and comply with study procedures.",
         admin(REQ, "informed consent"), admin(REQ, "willingness to comply")),
    case("NCT00000806", EXC, 2, "unable-to-consent", "Co-existing Condition: Unable to give informed consent.",
         admin(REQ, "informed consent")),
    case("NCT00000669", EXC, 7, "investigator-unsuitable",
         "Co-existing Condition: Any other clinical condition that in the opinion of the investigator makes the patient unsuitable for "
         "study.",
         admin(FORBID, "investigator judgement")),
    case("NCT00000401", EXC, 4, "investigator-inappropriate",
         "Concurrent serious medical condition which, in the opinion of the investigator, makes the patient "
         "inappropriate for the study",
         admin(FORBID, "investigator judgement")),
    case("NCT00006163", EXC, 2, "not-speaking-english", "Not speaking English",
         admin(REQ, "language and literacy")),
    case("NCT00000383", INC, 4, "parent-willing", "Parent willing to participate in treatment",
         admin(REQ, "willingness to comply")),
]
# fmt: on


# --------------------------------------------------------------------------
# Comparison


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def _render(checkable, polarity, kind, concept, comparator, value, value_max, unit, relative_to, window_days,
            exceptions, qualifiers) -> str:
    parts = [polarity if checkable else f"{polarity} (not checkable)", kind, repr(concept)]
    if comparator == "between":
        parts.append(f"between {_num(value)}-{_num(value_max)}")
    elif comparator:
        parts.append(f"{comparator} {_num(value)}" + (f"-{_num(value_max)}" if value_max is not None else ""))
    if relative_to:
        parts.append(f"x {relative_to}")
    if unit:
        parts.append(unit)
    if window_days is not None:
        parts.append(f"[{window_days:.4g} d]")
    if exceptions:
        parts.append(f"except {sorted(exceptions)}")
    if qualifiers:
        parts.append(f"quals {sorted(qualifiers)}")
    return " ".join(parts)


def render(c: Constraint) -> str:
    return _render(c.checkable, c.polarity, c.kind, c.concept, c.comparator, c.value, c.value_max, c.unit,
                   c.relative_to, c.window.days if c.window else None, c.exceptions, c.qualifiers)


def _close(a: float | None, b: float | None, rel: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def matches(e: Expect, c: Constraint) -> bool:
    return (
        c.kind == e.kind
        and c.polarity == e.polarity
        and c.concept == e.concept
        and c.comparator == e.comparator
        and _close(c.value, e.value, 0.01)
        and _close(c.value_max, e.value_max, 0.01)
        and c.unit == e.unit
        and c.relative_to == e.relative_to
        and _close(c.window.days if c.window else None, e.window_days, 0.05)
        and set(c.exceptions) == set(e.exceptions)
        and c.checkable == e.checkable
        and e.qualifiers <= set(c.qualifiers)
    )


def compare(expected: tuple[Expect, ...], got: list[Constraint]) -> tuple[list[Expect], list[Constraint]]:
    """(expected constraints not found, constraints not expected)."""
    unmatched = list(got)
    missing = []
    for e in expected:
        hit = next((c for c in unmatched if matches(e, c)), None)
        if hit is None:
            missing.append(e)
        else:
            unmatched.remove(hit)
    return missing, unmatched


@pytest.mark.parametrize("case", [pytest.param(c, id=c.test_id) for c in CASES])
def test_parse_corpus_criterion(case: Case):
    got = parse_criterion(case.text, case.section)
    missing, extra = compare(case.expected, got)
    problems = missing or (extra if case.exact else [])
    lines = [
        f"{case.test_id} ({case.section}): {case.text!r}",
        "expected" + ("" if case.exact else " (at least)") + ":",
        *(f"    {e}" for e in case.expected),
        "got:",
        *(f"    {render(c)}" for c in got),
    ]
    if missing:
        lines += ["missing:", *(f"    {e}" for e in missing)]
    if extra and case.exact:
        lines += ["unexpected:", *(f"    {render(c)}" for c in extra)]
    if problems:
        pytest.fail("\n".join(lines), pytrace=False)


# --------------------------------------------------------------------------
# Provenance: the texts are the splitter's criteria of those trials


@pytest.fixture(scope="module")
def corpus_criteria() -> dict[str, dict[str, tuple[str, str]]]:
    """{nct_id: {criterion id: (section, text)}} for the trials of CASES, read from the shared corpus."""
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    wanted = {c.nct for c in CASES if c.nct != CONSTRUCTED}
    found: dict[str, dict[str, tuple[str, str]]] = {}
    with tarfile.open(CORPUS, "r:gz") as tf:
        for member in tf:
            nct = Path(member.name).stem
            if nct not in wanted or not member.isfile():
                continue
            root = ET.parse(tf.extractfile(member)).getroot()
            text = root.findtext("eligibility/criteria/textblock") or ""
            found[nct] = {c.id: (c.section, c.text) for c in split_criteria(text)}
    return found


@pytest.mark.parametrize("case", [pytest.param(c, id=c.test_id) for c in CASES if c.nct != CONSTRUCTED])
def test_criterion_is_from_the_corpus(case: Case, corpus_criteria):
    assert case.nct in corpus_criteria, f"{case.nct} is not in the corpus"
    assert corpus_criteria[case.nct].get(case.criterion_id) == (case.section, case.text)


def test_cases_are_many_and_distinct():
    assert len(CASES) >= 60
    ids = [c.test_id for c in CASES]
    assert len(ids) == len(set(ids))
    real = [(c.nct, c.criterion_id) for c in CASES if c.nct != CONSTRUCTED]
    assert len(real) == len(set(real))
