"""Tests for :func:`matcher.criteria.split_criteria`.

The fixtures under ``fixtures/criteria/`` are real eligibility texts: the
legacy ones exactly as ``xml.etree`` returns
``clinical_study/eligibility/criteria/textblock`` from the corpus
(``\\r\\n`` and the renderer's indentation kept), and the seed trial's API v2
``eligibilityCriteria``.  Every expected count and text below was worked out
by reading the fixture, not by running the splitter.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.criteria import split_criteria

FIXTURES = Path(__file__).parent / "fixtures" / "criteria"


def load(nct_id: str) -> str:
    with open(FIXTURES / f"{nct_id}.txt", encoding="utf-8", newline="") as f:
        return f.read()


def by_id(text: str) -> dict[str, str]:
    return {c.id: c.text for c in split_criteria(text)}


# An expected text ending in "..." only has to be a prefix of the criterion.
# fmt: off
CASES = [
    # nct_id, style, inclusion count, exclusion count, {id: expected text}
    ("NCT00000102", "simple bullets", 2, 2, {
        "inc-1": "diagnosed with Congenital Adrenal Hyperplasia (CAH)",
        "inc-2": "normal ECG during baseline evaluation",
        "exc-1": "history of liver disease, or elevated liver function tests",
        "exc-2": "history of cardiovascular disease"}),
    ("NCT00006163", "simple bullets", 3, 2, {
        "inc-1": "Type 2 diabetes", "inc-3": "Patient of a primary care provider",
        "exc-1": "No telephone", "exc-2": "Not speaking English"}),
    ("NCT00000396", "bullets, exclusion 'None' placeholder", 2, 0, {
        "inc-1": "Urban African Americans with arthritis", "inc-2": "18 years or older"}),
    ("NCT00495027", "numbered 1. lists", 2, 9, {
        "inc-2": 'At least one re-experiencing symptom rated as "severe" on the Post Traumatic Stress '
                 "Disorder Checklist (PCL)",
        "exc-1": "Substance dependent",
        "exc-9": "Mental retardation and cognitive impairment"}),
    ("NCT00001673", "'- INCLUSION CRITERIA:' marked header, 1. and 1) numbering", 3, 1, {
        "inc-1": "In good health.", "inc-3": "Not seeking treatment for alcohol or other drug use.",
        "exc-1": "Serious medical conditions that require ongoing treatment."}),
    ("NCT00001196", "numbered, 'a.' lettered exclusion", 2, 1, {
        "inc-2": "Ability to provide informed consent.", "exc-1": "Age less than 12 years."}),
    ("NCT00001205", "marked header, numbered, exclusion 'Not applicable.'", 3, 0, {
        "inc-1": "Patients ages 3 to 99 years.",
        "inc-3": "Willingness (of participant or legally authorized representative [LAR]) to sign "
                 "consent and comply with study requirements."}),
    ("NCT00000105", "wrapped continuation lines", 5, 7, {
        "inc-1": "Patients must have a diagnosis of cancer of any histologic type.",
        "inc-5": "All patients must sign informed consent approved by the Committee on the Use of "
                 "Human Subjects at the University of Minnesota",
        "exc-1": "Pregnant or lactating women. Females of child-bearing potential will be asked to "
                 "take a pregnancy test before receiving vaccines.",
        "exc-7": "Subjects who have had tetanus toxoid within the last 7 years are not eligible for "
                 "tetanus vaccine component of this protocol."}),
    ("NCT00499993", "wrapped continuation lines", 1, 3, {
        "inc-1": "Documented diagnosis of active acromegaly, defined by serum GH levels above 5 µg/L, "
                 "absence of reduction of serum GH levels below 1µg/L after oral glucose tolerance "
                 "test (OGTT) and abnormal IGF-1 values",
        "exc-3": "Patients previously treated with somatostatin analogue except for a pre-surgical "
                 "treatment not longer than 3 months"}),
    ("NCT00004436", "no header, wrapped item with ':' in the middle", 3, 0, {
        "inc-1": "Presence of hemangioma meeting at least one of the following criteria: "
                 "Vision-threatening because of induced astigmatism...",
        "inc-3": "No vascular malformations other than juvenile hemangiomas"}),
    ("NCT00462852", "NCI bullets, nested sub-items", 31, 0, {
        "inc-1": "Histologically or cytologically confirmed metastatic or locally advanced "
                 "adenocarcinoma of the pancreas",
        "inc-2": "Patients with clinical 'high probability' of pancreatic cancer and biopsy "
                 "suggestive but not diagnostic...",
        "inc-17": "No obvious contraindication to anticoagulation, including the following: "
                  "Bleeding diathesis",
        "inc-19": "No obvious contraindication to anticoagulation, including the following: "
                  "Ulcerating cancer into duodenum",
        "inc-20": "No history of other advanced malignancy",
        "inc-31": "No concurrent clopidogrel bisulfate"}),
    ("NCT00003641", "nested: lead-in prefix, 'at least 1 of' and 'except:' groups, OR", 23, 15, {
        "inc-1": "Histologically confirmed primary melanoma of cutaneous origin",
        "inc-2": "Stage II (T3 N0 M0 1.5-4.0 mm Breslow depth)",
        "inc-3": "Clinically negative regional lymph node pathologic status unknown OR "
                 "Histologically negative regional lymph nodes",
        "inc-5": "Greater than 4.0 mm Breslow depth OR",
        "inc-8": "Patients must meet at least 1 of the following criteria: T2b N0 - primary melanoma "
                 "1.01-2.0 mm with ulceration, node negative; T3a-b N0 - primary melanoma 2.01-4.0 mm "
                 "with and without ulceration, node negative; T4a-b N0 - primary melanoma > 4.0 mm "
                 "with or without ulceration, node negative; T1a N1a-2a (microscopic) - primary "
                 "melanoma of any thickness with microscopically positive lymph node (any number)",
        "inc-14": "Adequate hematopoietic, hepatic, and renal function based on the following tests: "
                  "White blood cell (WBC) cout at least 3,000/mm^3",
        "inc-20": "Adequate hematopoietic, hepatic, and renal function based on the following tests: "
                  "Blood urea nitrogen (BUN) no greater than 33 mg/dL OR Creatinine no greater than "
                  "1.8 mg/dL",
        "inc-21": "No other concurrent or prior malignancies within the past 5 years except: Cancer in "
                  "situ; Lobular carcinoma in situ of the breast; Carcinoma in situ of the cervix; "
                  "Atypical melanocytic hyperplasia or Clark 1 melanoma in situ; Basal or squamous "
                  "cell skin cancer",
        "inc-23": "Fertile patients must use effective contraception during and for 6 months after study",
        "exc-1": "Clinical, radiological/laboratory, or pathological evidence of incompletely "
                 "resected melanoma or any distant metastatic disease",
        "exc-15": "Other concurrent immunosuppressive medications"}),
    ("NCT00002651", "NCI bullets with one-word subheads (prefixed), nested, except:", 25, 0, {
        "inc-2": "Metastatic stage IV (stage D2)",
        "inc-6": "For entry into late induction therapy: No more than 1 month from the beginning of "
                 "antiandrogen therapy to the beginning of luteinizing hormone-releasing hormone "
                 "(LHRH) agonist therapy",
        "inc-11": "Age: Adult",
        "inc-12": "Performance status: SWOG 0-2",
        "inc-15": "Other: No other malignancy within the past 5 years except: Adequately treated basal "
                  "cell or squamous cell skin cancer; Adequately treated carcinoma in situ of the "
                  "bladder; Adequately treated other superficial cancer",
        "inc-16": "Biologic therapy: No concurrent biological response modifier therapy",
        "inc-25": "Surgery: Recovered from any prior major surgery"}),
    ("NCT00001816", "no header, prose lines", 6, 0, {
        "inc-1": "Children between the ages of 8 and 21.",
        "inc-6": "Ability to understand and/or perform tasks involved in using Starbright World."}),
    ("NCT00005502", "no header, one sentence", 1, 0, {
        "inc-1": "All residents of Olmsted County, MN who are hospitalized and have an elevated "
                 "Troponin level."}),
    ("NCT00001210", "no header; 'Inclusion criteria for ...' inside a sentence is not a header", 2, 0, {
        "inc-1": "Inclusion criteria for the at risk group will be a statement from the donor that he "
                 "is an active homosexual or bisexual.",
        "inc-2": "Homosexual donors must not have AIDS."}),
    ("NCT00001152", "no header, prose paragraphs", 2, 0, {
        "inc-2": "No patients with other ocular disease or disorders (uveitis, trauma, "
                 "pseudoexfoliation, ICE syndrome, etc.)"}),
    ("NCT00493298", "'Key Inclusion Criteria:', trailing NOTE boilerplate", 4, 6, {
        "inc-1": "Documented diagnosis of Relapsing Remitting Multiple Sclerosis",
        "exc-6": "Women must not be breast feeding or pregnant, or planning to become pregnant (must "
                 "use birth control unless surgically sterile)"}),
    ("NCT00001926", "'INCLUSION CRITERIA:' with unbulleted paragraphs", 4, 8, {
        "inc-1": "Subjects with late blindness.", "inc-4": "Age between 18 and 65 years.",
        "exc-1": "Subjects with personal or family history of seizures or other neurological or "
                 "demyelinating disorders.",
        "exc-8": "Subjects with blindness secondary to degenerative CNS diseases."}),
    ("NCT00006441", "'Patients may/will not be eligible ... if they:' lead-ins", 4, 6, {
        "inc-1": "Have recent HIV infection.", "inc-4": "Use a barrier method of birth control.",
        "exc-1": "Have a condition such as Epstein-Barr virus, CMV mononucleosis syndrome, or acute "
                 "streptococcal pharyngitis.",
        "exc-5": "Are pregnant."}),
    ("NCT00005267", "'Inclusion criteria for probands:' with prose content", 4, 0, {
        "inc-1": "For probands: Onset of hypertension by age 60 years and the presence of at least one additional "
                 "hypertensive sibling who was willing to participate.",  # read as the probands' (nlp.scopes)
        "inc-3": "For probands: Volunteers with type 1 diabetes or renal failure were excluded.",
        "inc-4": "Criteria as indicated in Study Population Description (i.e., criteria based on "
                 "familial relationships, hypertension and antihypertensive medication status)."}),
    ("NCT00000306", "'Inclusion Criteria- Subject must:', '•' bullet", 5, 6, {
        "inc-1": "Exhibit cocaine and opiate dependence through a DSM-IV diagnosis as determined by SCID.",
        "inc-2": "Be between 18 and 45 years old",
        "exc-1": "Have a serious medical illness including, but not limited to the following: "
                 "Hypertension Significant heart disease...",
        "exc-6": "Have been in any outside treatment in 3 months"}),
    ("NCT00000785", "'Patients must meet the following criteria:' and NOTE: subhead", 2, 0, {
        "inc-1": "CPCRA patients with confirmed pulmonary or extrapulmonary TB. Confirmed clinical TB "
                 "requires a positive culture for Mycobacterium tuberculosis.",
        "inc-2": "There is no requirement that patients have HIV infection."}),
    ("NCT00008749", "'Inclusion:' header", 1, 0, {
        "inc-1": "A diagnosis of systemic lupus erythematosus"}),
    ("NCT00000113", "prose with 'Exclusion criteria include ...' mid-paragraph", 1, 1, {
        "inc-1": "Children between the ages of 6 and 12 years with myopia in both eyes...",
        "exc-1": "visual acuity greater than 20/25, strabismus, use of contact lenses, birth weight "
                 "less than 1,250 grams, use of bifocal or progressive addition lenses, or any "
                 "conditions precluding adherence to the protocol."}),
    ("NCT00001486", "'INCLUSION/EXCLUSION CRITERIA:', 'Inclusion criteria for Siblings (...):', "
                    "'Healthy Controls Exclusion Criteria:'", 8, 14, {
        "inc-1": "Probands must have a DSM IV-R diagnosis of schizophrenia,schizoaffective disorder, "
                 "psychosis N.O.S. or schizophreniform disorder.",
        "inc-5": "Fluency in English is required.",
        "inc-7": "Between the ages of 18 and 55",
        "inc-8": "Fluency in English is required",
        "exc-1": "Seizure disorder, mental retardation, organic brain damage or other neurological "
                 "disease.",
        "exc-9": "They have history of DSM IV-R psychiatric diagnosis or severe chronic medical "
                 "illness at the time of the study.",
        "exc-14": "NIMH employees/staff and their immediate family members will be excluded from "
                  "the study per NIMH policy."}),
    ("NCT00003474", "NCI bullets, one-word subheads on their own line (prefixed)", 31, 0, {
        "inc-1": "Histologically confirmed incurable glioblastoma multiforme that has progressed, "
                 "recurred, or persisted following completion of initial standard therapy (including "
                 "radiotherapy and/or chemotherapy)",
        "inc-2": "Measurable disease by MRI or CT scan",
        "inc-3": "Brain stem tumor is excluded",
        "inc-5": "Age: 18 and over",
        "inc-10": "Hepatic: No liver failure",
        "inc-25": "Chemotherapy: At least 4 weeks since chemotherapy (unless radiologically proven "
                  "progression)",
        "inc-31": "Other: Prior cytodifferentiating agent allowed"}),
    ("NCT00003152", "NCI run-together paragraphs", 14, 0, {
        "inc-1": "Previously untreated follicular stage III or IV non-Hodgkin's lymphoma",
        "inc-2": "At least one measurable mass",
        "inc-3": "Age: 18 to 65",
        "inc-4": "Performance status: WHO 0-2",
        "inc-5": "Hepatic: Alkaline phosphatase and bilirubin less than 2.5 times upper limit of "
                 "normal (ULN) (unless clearly related to NHL)",
        "inc-10": "Other: Not pregnant",
        "inc-11": "Other: No prior malignancies except nonmelanoma skin cancer or carcinoma in situ of "
                  "the cervix",
        "inc-12": "Other: Not HIV positive",
        "inc-14": "No concurrent immunotherapeutic drugs, chemotherapy, or radiotherapy"}),
    ("NCT00001450", "NCI paragraphs, subheads with same-line content", 29, 0, {
        "inc-1": "Histologically confirmed non-small cell lung cancer, including: Squamous cell "
                 "carcinoma, Adenocarcinoma, Large cell carcinoma, Mixed histologies in the absence "
                 "of a predominant small cell component.",
        "inc-3": "Radiotherapy completed prior to entry.",
        "inc-8": "Chemotherapy: No prior chemotherapy for lung cancer.",
        "inc-11": "Age: 18 and over.",
        "inc-13": "Hematopoietic: Absolute granulocyte count greater than 2,000.",
        "inc-14": "Hematopoietic: Platelet count greater than 100,000.",
        "inc-15": "Hepatic: Bilirubin no greater than 1.5 mg/dL.",
        "inc-29": "OTHER: Effective contraception required of fertile patients."}),
    ("NCT00003980", "NCI run-together paragraphs", 21, 0, {
        "inc-2": "No symptomatic brain involvement or leptomeningeal disease",
        "inc-5": "Life expectancy: At least 3 months",
        "inc-7": "Hematopoietic: Platelet count at least 100,000/mm3",
        "inc-12": "Other: Negative pregnancy test",
        "inc-19": "Radiotherapy: At least 4 weeks since prior radiotherapy (6 weeks for extensive "
                  "radiotherapy)",
        "inc-21": "Other: No other concurrent investigational or antitumor drugs"}),
    ("NCT00004664", "ORD style --Disease Characteristics-- headings", 18, 0, {
        "inc-1": "Human immunodeficiency virus seropositive with acquired immune deficiency syndrome",
        "inc-5": "Performance status: Karnofsky 70%-100%",
        "inc-8": "Other: No acute or untreated infection within 4 weeks prior to entry",
        "inc-18": "Other: No mental incompetence"}),
    ("NCT00004755", "ORD style, ';'-joined items under a subhead", 14, 0, {
        "inc-6": "Renal: No clinical or laboratory evidence of renal disease",
        "inc-7": "Renal: No hyperuricemia or gout",
        "inc-9": "Other: No allergy or other contraindication to allopurinol or glucantime;",
        "inc-14": "Other: No pregnant or nursing women"}),
    ("NCT00002532", "NCI run-together with 'See Disease Characteristics'", 16, 0, {
        "inc-4": "No uncontrolled, severe leukemic complications, e.g.: Pneumonia with hypoxia Shock "
                 "Cardiac failure Hemorrhage",
        "inc-9": "Hematopoietic: No uncontrolled bleeding",
        "inc-12": "Cardiovascular: No severe cardiac disease (e.g., congestive heart failure, "
                  "myocardial infarction within the past 6 months, or severe arrhythmia)",
        "inc-14": "Other: No hypersensitivity to E. coli proteins"}),
    ("NCT00007046", "ORD style, standalone OR between alternatives", 5, 0, {
        "inc-1": "Diagnosis of diaphyseal medullary stenosis with malignant fibrous histiocytoma of "
                 "the bone OR Family member, including spouses, of an affected individual",
        "inc-2": "Not pregnant", "inc-5": "No prisoners"}),
    ("NCT00004481", "standalone OR lines between bullets", 1, 0, {
        "inc-1": "Diagnosis of sitosterolemia Presence of tendon and tuberous xanthomas Premature "
                 "atherosclerotic disease No family history of premature coronary artery disease "
                 "Normal or elevated plasma cholesterol levels OR Family member of patient with "
                 "sitosterolemia OR Normal volunteer"}),
    ("NCT00002462", "NCI run-together with mid-text 'except:'", 8, 0, {
        "inc-2": "Age: 15 to 70",
        "inc-7": "Other: No concomitant or previous second malignancy except: Nonmelanomatous skin "
                 "cancer In situ carcinoma of the cervix",
        "inc-8": "No prior therapy"}),
    ("NCT00002413", "NIAID subheads with Allowed:/Excluded:", 4, 9, {
        "inc-1": "Concurrent Medication: Allowed: Based on medical history...",
        "inc-2": "HIV infection with HIV-1 RNA greater than or equal to 2,000 by Roche Amplicor "
                 "method, within 30 days of entry.",
        "inc-3": "Prior Medication: Allowed: Prior nucleoside reverse transcriptase and protease "
                 "inhibitors.",
        "exc-1": "Co-existing Condition: Malabsorption or severe chronic diarrhea within 30 days "
                 "prior to entry...",
        "exc-5": "Prior Medication: Excluded: Non-nucleoside reverse transcriptase inhibitor therapy.",
        "exc-9": "Risk Behavior: Excluded: Active substance abuse that may interfere with compliance "
                 "or protocol evaluations."}),
    ("NCT00000723", "NIAID with '- Excluded within N weeks of study entry:' items", 2, 6, {
        "inc-2": "Prior Medication: Allowed: Zidovudine may be continued per protocol specifications.",
        "exc-3": "Concurrent Medication: Excluded: Acetaminophen, nonsteroidal anti- inflammatory "
                 "agents, and corticosteroids other than dexamethasone.",
        "exc-5": "Prior Medication: Excluded within 2 weeks of study entry: Immunomodulating agents.",
        "exc-6": "Prior Medication: Excluded within 30 days of study entry: Any investigational agent."}),
    ("NCT00002408", "NIAID 'Patients must have:' and 'Required:'", 3, 0, {
        "inc-1": "HIV infection meeting CDC criteria for AIDS.",
        "inc-3": "Required: On stable medical regimen."}),
    ("NCT00000762", "NIAID 'Concurrent Medication: Recommended:' on one line", 5, 5, {
        "inc-1": "Concurrent Medication: Recommended: PCP prophylaxis.",
        "inc-2": "Documented asymptomatic HIV infection.",
        "exc-1": "Co-existing Condition: Any serious acute infection.",
        "exc-3": "Concurrent Medication: Excluded within the past 2 years: More than one serious "
                 "proven bacterial infection...",
        "exc-5": "Prior Medication: Excluded: Uninterrupted steroid therapy of > 6 weeks duration."}),
    ("NCT00000963", "NIAID category subhead without polarity ('Co-existing Condition:' + "
                    "'Patients with the following ... are excluded.'), category + polarity", 8, 13, {
        "inc-1": "Concurrent Medication: Allowed: Prophylaxis treatment for Pneumocystis carinii "
                 "pneumonia (PCP).",
        "inc-4": "Concurrent Treatment: Allowed: Blood transfusions.",
        "exc-1": "Co-existing Condition: Hypersensitivity to didanosine (ddI).",
        "exc-6": "Co-existing Condition: Active malignancy requiring chemotherapy.",
        "exc-7": "Concurrent Medication: Excluded: Zidovudine (AZT), other antiretroviral agents, "
                 "biological modifiers, and investigational medications.",
        "exc-8": "Drugs with potential to cause peripheral neuropathy or pancreatitis.",
        "exc-9": "Active malignancy requiring concomitant chemotherapy.",
        "exc-13": "Prior Medication: Excluded: Drugs that have or will cause prolonged neutropenia, "
                  "significant pancreatitis, significant nephrotoxicity, or peripheral neuropathy "
                  "within 1 week of entry."}),
    ("NCT00004256", "NCI subheads on their own line; items that already name the subhead", 20, 0, {
        "inc-1": "Diagnosis of laryngeal cancer with intention to treat by radiotherapy using a 16 "
                 "fraction 3 week scheme",
        "inc-2": "Stage I or II",
        "inc-3": "No known CNS disease",
        "inc-4": "Age: 20 to 80",
        "inc-5": "Performance status: WHO 0-1",
        "inc-6": "Hepatic function normal",
        "inc-7": "Renal function normal",
        "inc-8": "Other: Not pregnant or nursing",
        "inc-14": "Other: Willingness to cooperate for regular mirror examination of the larynx",
        "inc-15": "Biologic therapy: No concurrent immunotherapy",
        "inc-17": "Endocrine therapy: No prior or concurrent corticosteroids",
        "inc-18": "Endocrine therapy: No concurrent hormonal therapy",
        "inc-19": "Surgery: No major organ allografts",
        "inc-20": "Other: No other concurrent investigational drugs"}),
    ("NCT00003573", "NCI subheads on their own line, OR alternatives under a subhead", 13, 0, {
        "inc-2": "Residual disease of at least 1.5 cm2 in size on MRI or CT scan OR Evidence of CNS "
                 "or extraneural metastases",
        "inc-3": "Age: 3 to 21",
        "inc-4": "Hematopoietic: Absolute neutrophil count at least 1,500/mm^3",
        "inc-7": "Hepatic: Bilirubin less than 1.5 mg/dL",
        "inc-8": "Renal: Creatinine less than 1.7 mg/dL OR Creatinine clearance greater than 70 mL/min",
        "inc-10": "Other: Fertile patients must use effective contraception",
        "inc-11": "Chemotherapy: No prior chemotherapy",
        "inc-13": "Radiotherapy: No prior radiotherapy"}),
    ("NCT05858684", "seed trial, API v2 numbered lists", 13, 17, {
        "inc-1": "18-70 years old;",
        "inc-9": "AST/ALT below 2 times the upper limit of normal; Creatinine clearance ≥30 mL/min; "
                 "blood bilirubin ≤2.0 mg/dl; echocardiography indicates that the ejection fraction "
                 "is ≥50%;",
        "inc-13": "Voluntary participation and informed consent signed by the patient or his/her "
                  "legal/authorized representative;",
        "exc-1": "Renal disease: severe lupus nephritis (serum creatinine > 2.5 mg/dL or 221 μmol/L) "
                 "within 8 weeks prior to leukapheresis, or subjects who need hemodialysis;",
        "exc-16": "Subjects with malignant tumour, except for Non-melanoma Skin Cancer with PFS>5yr; "
                  "Cervical Cancer in situ; Bladder Cancer; Breast Cancer;",
        "exc-17": "Any situations that the investigator believes the patients are not suitable for "
                  "the study."}),
]
# fmt: on

#: Headers, lead-ins and placeholders: never a criterion, nor the start of one.
NOT_CRITERIA = [
    "Inclusion Criteria", "INCLUSION CRITERIA", "Exclusion Criteria", "EXCLUSION CRITERIA",
    "DISEASE CHARACTERISTICS", "PATIENT CHARACTERISTICS", "PRIOR CONCURRENT THERAPY",
    "PROTOCOL ENTRY CRITERIA", "--Disease Characteristics--", "--Patient Characteristics--",
    "Not specified", "See Disease Characteristics", "None", "Not applicable",
    "Patients may be eligible", "Patients will not be eligible", "Patients must have:",
    "Patients with the following", "Patients must meet the following", "NOTE: Other protocol",
]
#: Subheads on a line of their own: never a criterion by themselves, but prefixed to
#: the items below them ("Age:" / "- 18 and over" gives "Age: 18 and over").
SUBHEADS = {
    "Hepatic", "Renal", "Age", "Other", "OTHER", "Cardiovascular", "Biologic therapy",
    "Biologic Therapy", "Performance status", "Hematopoietic", "Chemotherapy", "Surgery",
    "Radiotherapy", "Endocrine therapy", "Life expectancy", "Pulmonary", "Concurrent Medication",
    "Prior Medication", "Excluded", "Allowed", "Required", "Eligible Stages Include",
    "Hormone receptor status", "NOTE", "Co-existing Condition", "Concurrent Treatment",
}
#: A subhead (and NIAID polarity) prefix: "Age: ", "Prior Medication: Excluded: ".
_SUBHEAD_PREFIX = re.compile(
    r"^(?:(?:Age|Sex|Performance status|Life expectancy|Hematopoietic|Hepatic|Renal|Cardiovascular|"
    r"Pulmonary|Neurologic|Other|Biologic therapy|Chemotherapy|Endocrine therapy|Radiotherapy|"
    r"Surgery|Co-existing Condition|Concurrent Medication|Prior Medication|Concurrent Treatment|"
    r"Prior Treatment|Risk Behavior|Excluded|Allowed|Required)[^:]{0,40}: )+",
    re.I,
)

ALL_FIXTURES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def test_fixture_table_covers_every_fixture():
    assert len(ALL_FIXTURES) >= 30
    assert sorted(c[0] for c in CASES) == ALL_FIXTURES


@pytest.mark.parametrize("nct_id,style,n_inc,n_exc,expected", CASES, ids=[c[0] for c in CASES])
def test_counts_per_section(nct_id, style, n_inc, n_exc, expected):
    crits = split_criteria(load(nct_id))
    assert [c.section for c in crits].count("inclusion") == n_inc, style
    assert [c.section for c in crits].count("exclusion") == n_exc, style


@pytest.mark.parametrize("nct_id,style,n_inc,n_exc,expected", CASES, ids=[c[0] for c in CASES])
def test_expected_texts(nct_id, style, n_inc, n_exc, expected):
    got = by_id(load(nct_id))
    for cid, want in expected.items():
        assert cid in got, f"{nct_id} {cid} missing"
        if want.endswith("..."):
            assert got[cid].startswith(want[:-3]), (cid, got[cid])
        else:
            assert got[cid] == want, cid


@pytest.mark.parametrize("nct_id", ALL_FIXTURES)
def test_headers_subheads_and_placeholders_are_not_criteria(nct_id):
    for c in split_criteria(load(nct_id)):
        body = _SUBHEAD_PREFIX.sub("", c.text)  # what stands after a subhead prefix
        for bad in NOT_CRITERIA:
            assert not c.text.startswith(bad), (c.id, c.text)
            assert not body.startswith(bad), (c.id, c.text)
        assert c.text.rstrip(":") not in SUBHEADS, (c.id, c.text)
        assert body and body.rstrip(":") not in SUBHEADS, (c.id, c.text)
        assert body.strip(" .:;") not in ("OR", "AND", "or", "and")
        # a subhead is never written twice ("Age: Age 18 and over", "Other: Other: ...")
        assert not re.match(r"([A-Za-z][\w -]{1,40}):\s+\1s?\b", c.text, re.I), (c.id, c.text)


# -- offsets --------------------------------------------------------------

_LINE_MARKER = re.compile(r"(?m)^[ \t]*(?:[-*•◦▪o]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,5}[.)])[ \t]+")


def _fold(s: str) -> str:
    return " ".join(s.split())


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s)


def check_offsets(text: str) -> None:
    crits = split_criteria(text)
    last_start = -1
    for c in crits:
        assert 0 <= c.start < c.end <= len(text), c
        raw = text[c.start : c.end]
        assert not raw[0].isspace() and not raw[-1].isspace(), c
        assert c.start > last_start, "criteria are in text order"
        last_start = c.start
        if _fold(raw) == c.text:
            continue
        # an item with its subhead or lead-in prefixed, or an "except:"/"one of:"/OR
        # group: the words as written (list markers removed) end the criterion text
        written = _words(_LINE_MARKER.sub(" ", raw))
        assert written and _words(c.text)[-len(written) :] == written, (c.id, raw, c.text)


@pytest.mark.parametrize("nct_id", ALL_FIXTURES)
def test_offsets_point_at_the_criterion_as_written(nct_id):
    check_offsets(load(nct_id))


@pytest.mark.parametrize("nct_id", ALL_FIXTURES)
def test_ids_are_numbered_in_text_order_within_section(nct_id):
    crits = split_criteria(load(nct_id))
    for section, prefix in (("inclusion", "inc"), ("exclusion", "exc")):
        ids = [c.id for c in crits if c.section == section]
        assert ids == [f"{prefix}-{i}" for i in range(1, len(ids) + 1)]
    assert all(c.constraints == [] for c in crits)


def test_seed_offsets_cover_item_without_marker():
    text = load("NCT05858684")
    crits = split_criteria(text)
    nine = next(c for c in crits if c.id == "inc-9")
    assert text[nine.start : nine.end].startswith("AST/ALT below")
    assert text[nine.start - 3 : nine.start] == "9. "
    assert all(text[c.start : c.end] == c.text for c in crits)  # no wrapping in API v2 text


def test_legacy_fixture_keeps_crlf():
    assert "\r\n" in load("NCT00000102")
    first = split_criteria(load("NCT00000105"))[4]
    assert "\r\n" in load("NCT00000105")[first.start : first.end]  # a wrapped item spans lines
    assert "\r" not in first.text and "\n" not in first.text


# -- small constructed texts ------------------------------------------------


def texts(s: str) -> list[tuple[str, str]]:
    return [(c.section, c.text) for c in split_criteria(s)]


def test_api_v2_markdown_nesting_and_groups():
    text = (
        "Key Inclusion Criteria:\n\n"
        "* Age ≥ 18 years\n"
        "* Adequate organ function defined as:\n"
        "  * ANC ≥ 1.5 x 10^9/L\n"
        "  * Platelets ≥ 100 x 10^9/L\n"
        "* Must have one of the following:\n"
        "  * Prior anti-PD-1 therapy\n"
        "  * Prior anti-CTLA-4 therapy\n\n"
        "Key Exclusion Criteria:\n\n"
        "* Active CNS metastases\n"
        "* No other malignancy within 3 years except:\n"
        "  * basal cell carcinoma\n"
        "  * cervical carcinoma in situ\n"
        "* Serum creatinine > 1.5 mg/dL\n\n"
        "  OR\n\n"
        "* Creatinine clearance < 40 mL/min\n"
    )
    assert texts(text) == [
        ("inclusion", "Age ≥ 18 years"),
        ("inclusion", "Adequate organ function defined as: ANC ≥ 1.5 x 10^9/L"),
        ("inclusion", "Adequate organ function defined as: Platelets ≥ 100 x 10^9/L"),
        ("inclusion", "Must have one of the following: Prior anti-PD-1 therapy; Prior anti-CTLA-4 therapy"),
        ("exclusion", "Active CNS metastases"),
        ("exclusion", "No other malignancy within 3 years except: basal cell carcinoma; "
                      "cervical carcinoma in situ"),
        ("exclusion", "Serum creatinine > 1.5 mg/dL OR Creatinine clearance < 40 mL/min"),
    ]
    anc = split_criteria(text)[1]
    assert text[anc.start : anc.end] == "ANC ≥ 1.5 x 10^9/L"
    check_offsets(text)


@pytest.mark.parametrize(
    "header,section",
    [
        ("INCLUSION CRITERIA:", "inclusion"),
        ("Inclusion criteria for healthy volunteers:", "inclusion"),
        ("Key Inclusion Criteria", "inclusion"),
        ("Exclusion criteria include:", "exclusion"),
        ("Exclusion Criteria -", "exclusion"),
        ("EXCLUSION CRITERIA (all cohorts):", "exclusion"),
        ("- Exclusion criteria:", "exclusion"),
        ("**Exclusion Criteria:**", "exclusion"),
        ("Exclusion:", "exclusion"),
        ("Criteria for exclusion:", "exclusion"),
        ("Patients will be excluded if they have any of the following:", "exclusion"),
        ("Patients must meet the following criteria:", "inclusion"),
    ],
)
def test_header_wordings(header, section):
    text = f"{header}\n\n- Diabetes mellitus\n- Age over 18\n"
    assert texts(text) == [(section, "Diabetes mellitus"), (section, "Age over 18")]


def test_header_with_content_on_the_same_line():
    assert texts("Inclusion Criteria: Age 18 or over\nExclusion Criteria: Pregnancy") == [
        ("inclusion", "Age 18 or over"),
        ("exclusion", "Pregnancy"),
    ]


def test_marker_styles_crlf_tabs_and_unicode_bullets():
    text = (
        "Inclusion Criteria:\r\n\r\n"
        "\t1) Age 18 or older\r\n"
        "\t(b) Signed consent\r\n"
        "\t• Able to swallow tablets\r\n"
        "\t◦ Body weight ≥ 40 kg\r\n"
        "\tiv. Negative pregnancy test\r\n"
        "Exclusion Criteria:\r\n"
        "\t- Pregnancy\r\n"
        "\t▪ Lactation\r\n"
    )
    assert texts(text) == [
        ("inclusion", "Age 18 or older"),
        ("inclusion", "Signed consent"),
        ("inclusion", "Able to swallow tablets"),
        ("inclusion", "Body weight ≥ 40 kg"),
        ("inclusion", "Negative pregnancy test"),
        ("exclusion", "Pregnancy"),
        ("exclusion", "Lactation"),
    ]
    check_offsets(text)


def test_decimal_numbers_and_bare_numbers_are_not_markers():
    text = "Inclusion Criteria:\n1.5 times ULN or less for bilirubin\n18 years or older\n"
    assert texts(text) == [
        ("inclusion", "1.5 times ULN or less for bilirubin"),
        ("inclusion", "18 years or older"),
    ]


def test_prose_without_header_is_split_into_sentences():
    text = "Adults aged 18-65 with type 2 diabetes. HbA1c between 7 and 10%, e.g. on metformin. No insulin use."
    assert texts(text) == [
        ("inclusion", "Adults aged 18-65 with type 2 diabetes."),
        ("inclusion", "HbA1c between 7 and 10%, e.g. on metformin."),
        ("inclusion", "No insulin use."),
    ]


def test_list_items_are_not_split_on_semicolons_or_sentences():
    text = "Inclusion Criteria:\n\n1. Creatinine < 1.5 mg/dL; bilirubin < 2 mg/dL. ALT < 3 x ULN.\n"
    assert texts(text) == [("inclusion", "Creatinine < 1.5 mg/dL; bilirubin < 2 mg/dL. ALT < 3 x ULN.")]


def test_nci_subhead_with_placeholder_and_same_line_content():
    text = (
        "PATIENT CHARACTERISTICS:\n\nAge:\n\n  -  18 and over\n\n"
        "Hepatic: Bilirubin no greater than 1.5 mg/dL\n\nRenal:\n\n  -  Not specified\n\n"
        "Biologic therapy: Not specified\n"
    )
    assert texts(text) == [
        ("inclusion", "Age: 18 and over"),
        ("inclusion", "Hepatic: Bilirubin no greater than 1.5 mg/dL"),
    ]
    age = split_criteria(text)[0]
    assert text[age.start : age.end] == "18 and over"


# -- subheads prefixed to their items ---------------------------------------


def test_nci_subheads_are_prefixed_to_every_item_below_them():
    """NCT00003474: one-word subheads on their own line, items indented below."""
    text = load("NCT00003474")
    crits = split_criteria(text)
    want = (
        [None] * 4  # DISEASE CHARACTERISTICS: section header, never prefixed
        + ["Age", "Performance status", "Life expectancy"]
        + ["Hematopoietic"] * 2 + ["Hepatic"] * 3 + ["Renal"] * 2 + ["Cardiovascular"] * 3
        + ["Pulmonary"] + ["Other"] * 4
        + ["Biologic therapy"] * 2 + ["Chemotherapy"] * 2  # PRIOR CONCURRENT THERAPY: not prefixed
        + ["Endocrine therapy", "Radiotherapy", "Surgery"] + ["Other"] * 2
    )
    assert len(crits) == len(want)
    for c, label in zip(crits, want):
        raw = _fold(text[c.start : c.end])
        if label is None:
            assert c.text == raw, c.id
        else:
            # the subhead goes in front; the offsets still cover the item alone
            assert c.text == f"{label}: {raw}", c.id
            assert not raw.startswith(label)
    by = {c.id: c for c in crits}
    assert text[by["inc-5"].start : by["inc-5"].end] == "18 and over"
    assert by["inc-7"].text == "Life expectancy: At least 2 months"
    assert by["inc-6"].text == "Performance status: Karnofsky 60-100%"
    assert by["inc-11"].text == "Hepatic: Bilirubin no greater than 2.5 mg/dL"


def test_items_that_already_name_their_subhead_are_not_prefixed_again():
    # NCT00004256: "Hepatic:" / "- Hepatic function normal", "Renal:" / "- Renal function normal"
    got = by_id(load("NCT00004256"))
    assert got["inc-6"] == "Hepatic function normal"
    assert got["inc-7"] == "Renal function normal"
    text = (
        "PATIENT CHARACTERISTICS:\n\nAge:\n\n  -  Ages 18 to 65\n\n  -  Age: over 18 if male\n\n"
        "Life expectancy:\n\n  -  Life expectancy at least 12 weeks\n\n"
        "Other:\n\n  -  Other malignancy allowed if curatively treated\n\n"
        "  -  Hepatic: bilirubin normal\n"
    )
    assert [t for _, t in texts(text)] == [
        "Ages 18 to 65",
        "Age: over 18 if male",
        "Life expectancy at least 12 weeks",
        "Other malignancy allowed if curatively treated",
        "Hepatic: bilirubin normal",
    ]
    check_offsets(text)


def test_subhead_reach():
    text = (
        "DISEASE CHARACTERISTICS:\n\n  -  Measurable disease\n\n"
        "PATIENT CHARACTERISTICS:\n\n"
        "Hepatic:\n\n  -  Bilirubin normal\n\n"
        "Not a hepatic item: a paragraph back at the subhead's indent\n\n"
        "Renal: Creatinine normal\n\n"
        "Cardiovascular:\n\nNo CHF\n\nNo MI within 3 months\n\n"  # paragraph style
        "Pulmonary: No COPD\n\n"  # carries its own label: the reach of Cardiovascular ends
        "No asthma\n\n"
        "Donor:\n\n  -  Age 18 to 60\n\n"  # not a known subhead: not prefixed
        "PRIOR CONCURRENT THERAPY:\n\n  -  No prior chemotherapy\n\n"  # section header: not prefixed
        "Exclusion Criteria:\n\nOther:\n\n  -  Pregnancy\n"
    )
    assert texts(text) == [
        ("inclusion", "Measurable disease"),
        ("inclusion", "Hepatic: Bilirubin normal"),
        ("inclusion", "Not a hepatic item: a paragraph back at the subhead's indent"),
        ("inclusion", "Renal: Creatinine normal"),
        ("inclusion", "Cardiovascular: No CHF"),
        ("inclusion", "Cardiovascular: No MI within 3 months"),
        ("inclusion", "Pulmonary: No COPD"),
        ("inclusion", "No asthma"),
        ("inclusion", "Age 18 to 60"),
        ("inclusion", "No prior chemotherapy"),
        ("exclusion", "Other: Pregnancy"),
    ]
    check_offsets(text)


def test_subhead_with_lead_in_and_or_alternatives_is_written_once():
    # NCT00003573: "Renal:" / "- Creatinine less than 1.7 mg/dL OR" / "- Creatinine clearance ..."
    got = by_id(load("NCT00003573"))
    assert got["inc-8"] == (
        "Renal: Creatinine less than 1.7 mg/dL OR Creatinine clearance greater than 70 mL/min"
    )
    assert got["inc-8"].count("Renal:") == 1
    text = (
        "PATIENT CHARACTERISTICS:\n\nRenal:\n\n"
        "  -  Adequate function defined as:\n\n"
        "       -  Creatinine < 1.5 mg/dL OR\n\n"
        "       -  Creatinine clearance > 60 mL/min\n\n"
        "Other:\n\n"
        "  -  No other malignancy except:\n\n"
        "       -  Basal cell skin cancer\n\n"
        "       -  Carcinoma in situ of the cervix\n"
    )
    assert [t for _, t in texts(text)] == [
        "Renal: Adequate function defined as: Creatinine < 1.5 mg/dL OR Creatinine clearance > 60 mL/min",
        "Other: No other malignancy except: Basal cell skin cancer; Carcinoma in situ of the cervix",
    ]
    check_offsets(text)


def test_run_together_items_get_the_subhead_they_follow():
    # NCT00003152: "... Other: Not pregnant No prior malignancies except ... Not HIV positive ..."
    got = by_id(load("NCT00003152"))
    assert [got[f"inc-{i}"].split(":")[0] for i in range(10, 14)] == ["Other"] * 4
    # the pieces after "PRIOR CONCURRENT THERAPY:" stay unprefixed (a section header)
    assert got["inc-14"] == "No concurrent immunotherapeutic drugs, chemotherapy, or radiotherapy"
    # NCT00002532: "Hematopoietic: See Disease Characteristics No uncontrolled bleeding"
    assert by_id(load("NCT00002532"))["inc-9"] == "Hematopoietic: No uncontrolled bleeding"


def test_niaid_category_subhead_without_polarity():
    # NCT00000963: "Co-existing Condition:" / "Patients with the following conditions or
    # symptoms are excluded." / "- Hypersensitivity to didanosine (ddI)." ...
    crits = [c for c in split_criteria(load("NCT00000963")) if c.section == "exclusion"]
    assert [c.text.split(": ")[0] for c in crits[:6]] == ["Co-existing Condition"] * 6
    assert crits[6].text.startswith("Concurrent Medication: Excluded: Zidovudine")


# -- robustness ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "\r\n\r\n", "\t\t\n", "\x00\x01\x02", "\ufeff", "\u2028\u2029", "-", "1.", "(a)",
        "•••", ":::", "OR", "Inclusion Criteria:", "Exclusion Criteria:\n\n- None",
        "No eligibility criteria", "Not specified", "--Disease Characteristics--",
        "DISEASE CHARACTERISTICS:", "except:\n  - \n  -", "- a:\n   - b:\n      - c:",
    ],
)
def test_degenerate_inputs_give_no_or_sane_criteria(text):
    crits = split_criteria(text)
    for c in crits:
        assert c.text and 0 <= c.start < c.end <= len(text)


def test_random_garbage_never_raises():
    rng = random.Random(1234)
    atoms = [
        "Inclusion Criteria:", "Exclusion criteria", "\r\n", "\n", "\n\n", "  ", "\t", "- ", "* ",
        "• ", "1. ", "(a) ", "iv. ", "OR", ":", "Age: ", "Hepatic:", "DISEASE CHARACTERISTICS:",
        "--Patient Characteristics--", "No ", "Not specified", "except:", "one of the following:",
        "Excluded:", "Allowed:", "word ", ". ", "Capital ", "x" * 120, "\u2028", "\x00", "é", "😀",
        "\ufeff", "(", ")", "--", "e.g. ", "B. ", "\udcff",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 25)))
        for c in split_criteria(text):
            assert c.text and 0 <= c.start < c.end <= len(text)
            assert not text[c.start].isspace() and not text[c.end - 1].isspace()
    for _ in range(500):
        text = "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(0, 200)))
        split_criteria(text)
    split_criteria(bytes(range(256)).decode("latin-1"))


_PIECES = st.sampled_from(
    ["Inclusion Criteria:", "EXCLUSION CRITERIA", "\r\n", "\n\n", "   ", "\t", "- ", "* ", "1. ",
     "(a) ", "OR", ":", "Age: ", "Renal:", "PATIENT CHARACTERISTICS:", "No ", "None", "except:",
     "at least 1 of the following:", "Excluded:", ". ", "Capital "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30).map("".join))
def test_property_offsets_are_sane_on_any_string(text):
    for c in split_criteria(text):
        assert c.text and 0 <= c.start < c.end <= len(text)
        assert not text[c.start].isspace() and not text[c.end - 1].isspace()
        assert c.section in ("inclusion", "exclusion")


def test_non_string_input_gives_nothing():
    assert split_criteria(None) == []  # type: ignore[arg-type]


def test_conditions_for_patient_ineligibility_head_the_exclusions():
    text = ("Conditions for Patient Eligibility:\n\n  -  Patient must have Karnofsky performance status >= 80.\n\n"
            "Conditions for Patient Ineligibility:\n\n  -  Pathologic lymph node stage of pN1 or greater.\n"
            "  -  Karnofsky performance status < 80.\n")
    sections = [(c.section, c.text) for c in split_criteria(text)]
    assert sections == [("inclusion", "Patient must have Karnofsky performance status >= 80."),
                        ("exclusion", "Pathologic lymph node stage of pN1 or greater."),
                        ("exclusion", "Karnofsky performance status < 80.")]


@pytest.mark.parametrize("lead", ["None of the following laboratory abnormalities within 2 weeks of study entry:",
                                  "None of the following conditions:"])
def test_items_at_the_level_of_a_denying_lead_in_are_read_with_it(lead):
    text = (f"Inclusion criteria:\n\n    Child is not critically ill.\n\n    {lead}\n\n"
            "    Hemoglobin less than 8.0 g/dl;\n\n    Platelet count less than 75,000/mm(3);\n\n"
            "    Creatinine greater than 2.0 x normal.\n\n    Availability of a parent.\n")
    texts = [c.text for c in split_criteria(text)]
    assert texts == ["Child is not critically ill.", f"{lead} Hemoglobin less than 8.0 g/dl;",
                     f"{lead} Platelet count less than 75,000/mm(3);", f"{lead} Creatinine greater than 2.0 x normal.",
                     "Availability of a parent."]
