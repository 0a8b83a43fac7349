"""Disease details trials select on, read the same way from patients and criteria:
stage (0–IV with letters, TNM), metastatic disease and its sites, biomarker
status (HER2, ER, PR, EGFR, ALK, KRAS G12C, PD-L1, MSI ...) and counts of prior
lines of therapy.

Plain regular expressions over the vocabulary in ``resources/rules/oncology.json``:
these are codes and numbers, not phrases a lexicon matches well ("HER2 3+",
"T2N1M0", "EGFR exon 19 deletion", "progressed on two prior lines").
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache

from .. import resources
from .alternation import alternation, factored

POSITIVE = {"positive", "mutated", "amplified", "high"}
NEGATIVE = {"negative", "low"}


@dataclass(frozen=True)
class Biomarker:
    name: str
    status: str  # positive, negative, mutated, amplified, high, low, equivocal
    detail: str = ""
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["start"], data["end"]
        return data


@dataclass(frozen=True)
class _Vocabulary:
    names: dict[str, re.Pattern]
    status: dict[str, str]
    sites: dict[str, list[str]]
    numbers: dict[str, int]
    marker: re.Pattern
    marker_status: re.Pattern
    status_marker: re.Pattern
    listed: re.Pattern


@cache
def vocabulary() -> _Vocabulary:
    name = "rules/oncology.json"
    data = resources.read_json(name)
    unknown = set(data) - {"_comment", "biomarkers", "status", "sites", "numbers"}
    if unknown:
        raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
    for key, kind in (("biomarkers", list), ("sites", list)):
        for k, v in data[key].items():
            if not isinstance(v, kind) or not all(isinstance(x, str) and x for x in v):
                raise ValueError(f"{name}: {key}.{k} must be a list of strings")
    bad = sorted(v for v in set(data["status"].values()) if v not in POSITIVE | NEGATIVE | {"equivocal"})
    if bad:
        raise ValueError(f"{name}: unknown statuses {bad}")
    names = {k: re.compile(r"(?:" + "|".join(v) + r")", re.I) for k, v in data["biomarkers"].items()}
    any_name = r"(?:" + factored([x for v in data["biomarkers"].values() for x in v]) + r")"
    status = r"(?:" + alternation(data["status"]) + r")"
    edge_l, edge_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9+])"
    variant = r"(?:exon\s*\d+\s*(?:deletion|insertion|del|ins)|[A-Z]\d{2,4}[A-Z]|ITD|TKD)"
    marker_status = re.compile(
        edge_l + r"(" + any_name + r")(?:[\s-]+(?:status|testing|test|expression|gene|by ihc|ihc|by fish|fish|tps|cps|score))*"
        r"\s*(?:is|was|were|:|=)?[\s-]*(" + variant + r"|" + status + r"|\d{1,3}\s*%)" + r"(?![A-Za-z0-9])", re.I)
    status_marker = re.compile(edge_l + r"(" + status + r")[\s-]+(?:for\s+)?(" + any_name + r")" + edge_r, re.I)
    listed = re.compile(
        # "ER/PR positive", "ER- or PR-positive" (a suspended hyphen: both positive)
        edge_l + r"((?:" + any_name + r")(?:-?\s*(?:,|/|and/or|and|or|&)\s*(?:" + any_name + r"))+)[\s-]*(?:status\s*)?"
        r"(?:are|were|is|was|all|both|:)?\s*(?:all\s+)?(" + status + r")" + edge_r, re.I)
    return _Vocabulary(names, data["status"], data["sites"], data["numbers"], re.compile(any_name, re.I),
                       marker_status, status_marker, listed)


def _which(written: str) -> str | None:
    for name, pattern in vocabulary().names.items():
        if pattern.fullmatch(written.strip()):
            return name
    return None


def _status(written: str, name: str) -> tuple[str, str]:
    """(status, detail) of a written result."""
    w = written.strip().lower()
    percent = re.fullmatch(r"(\d{1,3})\s*%", w)
    if percent:
        value = int(percent.group(1))
        if name == "PD-L1":
            return ("high" if value >= 50 else "positive" if value >= 1 else "negative"), f"{value}%"
        return ("positive" if value >= 1 else "negative"), f"{value}%"
    if w in vocabulary().status:
        status = vocabulary().status[w]
        detail = written.strip() if status == "mutated" and w not in ("mutated", "mutation", "mutations", "mutant", "variant") else ""
        return status, detail
    return "mutated", written.strip()  # a named variant: "G12C", "exon 19 deletion"


# Results written as one phrase, each with the words it cannot match without:
# an ASCII text (nearly every one) holding none of them is not searched.
_TRIPLE_NEGATIVE = (re.compile(r"(?<![A-Za-z])triple[\s-]*negative\b|\bTNBC\b", re.I), ("triple", "tnbc"))
_HORMONE_RECEPTOR = (re.compile(r"\b(?:hormone[\s-]receptor|HR)[\s-]*(positive|negative|\+|-)(?![A-Za-z])", re.I),
                     ("hormone", "hr"))
_MSI_HIGH = (re.compile(r"\b(MSI[\s-]*(?:H|high)|dMMR|MMR[\s-]*deficient|mismatch repair[\s-]*deficient)\b", re.I),
             ("msi", "mmr", "mismatch"))
_MICROSATELLITE_STABLE = (re.compile(r"\b(MSS|pMMR|microsatellite[\s-]*stable|MMR[\s-]*proficient)\b", re.I),
                          ("mss", "mmr", "microsatellite"))


def _scan(rule: tuple[re.Pattern, tuple[str, ...]], text: str, lower: str | None) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, or nothing when ``lower`` (the text lowercased, if
    ASCII: IGNORECASE folds some non-ASCII letters onto ASCII ones) lacks every required word."""
    pattern, required = rule
    if lower is not None and not any(word in lower for word in required):
        return iter(())
    return pattern.finditer(text)


def read_biomarkers(text: str) -> list[Biomarker]:
    """Every biomarker result written in ``text``, in order (later ones win for the same name)."""
    voc = vocabulary()
    lower = text.lower() if text.isascii() else None
    found: list[Biomarker] = []
    taken: list[tuple[int, int]] = []

    def add(name: str | None, status: str, detail: str, start: int, end: int) -> None:
        # "KRAS G12C inhibitor", "anti-HER2 therapy", "EGFR-targeted agent" name drugs, not results
        if re.match(r"[\s-]*(?:inhibitors?|directed|targeted|targeting|antibod(?:y|ies)|blockers?|tkis?|therap(?:y|ies)|agents?|drugs?|vaccines?)\b",
                    text[end : end + 20], re.I) or re.search(r"anti[\s-]*$", text[max(0, start - 6) : start], re.I):
            return
        if name and not any(s <= start < e for s, e in taken):
            found.append(Biomarker(name, status, detail, start, end))

    for m in _scan(_TRIPLE_NEGATIVE, text, lower):
        for name in ("ER", "PR", "HER2"):
            add(name, "negative", "", m.start(), m.end())
        taken.append((m.start(), m.end()))
    for m in _scan(_HORMONE_RECEPTOR, text, lower):
        status = "positive" if m.group(1).lower() in ("positive", "+") else "negative"
        for name in ("ER", "PR"):
            add(name, status, "", m.start(), m.end())
        taken.append((m.start(), m.end()))
    for m in _scan(_MSI_HIGH, text, lower):
        add("MSI", "high", "", m.start(), m.end())
        taken.append((m.start(), m.end()))
    for m in _scan(_MICROSATELLITE_STABLE, text, lower):
        add("MSI", "negative", "", m.start(), m.end())
        taken.append((m.start(), m.end()))
    for m in voc.listed.finditer(text):
        status, detail = _status(m.group(2), "")
        for part in re.split(r"-?\s*(?:,|/|and/or|and|or|&)\s*", m.group(1)):
            if _which(part) in ("ER", "PR", "RET", "MET", "EGFR") and not part.isupper():
                continue
            add(_which(part), status, detail, m.start(), m.end())
        taken.append((m.start(), m.end()))
    for m in voc.marker_status.finditer(text):
        name = _which(m.group(1))
        if name in ("ER", "PR", "RET", "MET", "EGFR") and not m.group(1).isupper():
            continue  # "er", "pr", "ret", "met" as English words; "eGFR" is kidney function
        if name:
            status, detail = _status(m.group(2), name)
            add(name, status, detail, m.start(), m.end())
    for m in voc.status_marker.finditer(text):
        name = _which(m.group(2))
        if name in ("ER", "PR", "RET", "MET", "EGFR") and not m.group(2).isupper():
            continue
        status, detail = _status(m.group(1), name or "")
        add(name, status, detail, m.start(), m.end())
    return sorted(found, key=lambda b: b.start)


ROMAN = {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_STAGE = re.compile(r"\bstage[\s:]+(IV|III|II|I|0|[1-4])([A-C])?\d?(?![A-Za-z0-9])", re.I)
_TNM = re.compile(r"(?<![A-Za-z])[cpy]?T(is|[0-4x])([a-d])?\s*,?\s*[cp]?N([0-3x])([a-c])?\s*,?\s*[cp]?M([01x])([a-c])?(?![A-Za-z0-9])")
# (not a schedule's months: "follow-up at M1, M3, M6, M12")
# (nor an assessment's item code: "M1 Mobility: walks with a rollator - 6 points")
# (nor a road: "the traffic on the M1", "M1 motorway", "via the M0 ring road")
_M = re.compile(r"(?<![A-Za-z0-9])(?<!M\d, )(?<!M\d,)(?:(?<![Tt]he )|(?=[cp]?M[01][a-c]?\s+(?:stage|disease|status|category)))[cp]?M([01])([a-c])?(?![A-Za-z0-9])(?!\s*[,/]\s*M\d)"
                r"(?!\s+(?:[A-Z][a-z]+\s*){1,3}:)(?!\s+(?i:motorway|road|ring\s+road|junction|j\d|north|south|east|west|exit|toll))")


def stage_of(roman: str, letter: str = "") -> str:
    return {0: "0", 1: "I", 2: "II", 3: "III", 4: "IV"}[ROMAN[roman.upper()]] + (letter or "").upper()


# Diseases staged outside oncology: "CKD stage 3", "stage 2 hypertension", "NYHA ... stage"
_OTHER_STAGED = (r"(?:kidney|renal|ckd|chronic kidney disease|heart failure|pressure|sleep|lyme|hypertension|"
                 r"liver fibrosis|fibrosis|lymphedema|endometriosis|decubitus|ulcers?|copd|gold|parkinson\w*|"
                 r"hoehn|alzheimer\w*|dementia|osteoarthritis|periodontitis)")
_OTHER_BEFORE = re.compile(_OTHER_STAGED + r"\W+(?:\w+\W+){0,2}$", re.I)
_OTHER_AFTER = re.compile(r"^\W*(?:[a-z]\b\W*)?(?:\w+\W+){0,1}" + _OTHER_STAGED + r"\b", re.I)


def _other_disease_stage(text: str, start: int, end: int) -> bool:
    """Whether the stage at text[start:end] stages a disease other than a cancer."""
    return bool(_OTHER_BEFORE.search(text[max(0, start - 40) : start]) or _OTHER_AFTER.search(text[end : end + 40]))


# a sentence about a cancer gone by: "I had stage I papillary thyroid cancer in 2023, removed, and I'm in remission"
# (a past history's line: "PMH: stage IB melanoma of the left calf excised 2022")
_PAST_CANCER = re.compile(r"\b(?:had|history\s+of|h/o|prior|previous|previously|remote|remission|cured|survivor|PMH|PMHx|"
                          r"past\s+(?:medical\s+)?history)\b", re.I)


def read_stage(text: str) -> str | None:
    """The last stage written ("stage IIIB", "stage 4"), normalized ("IIIB", "IV"); a stage said of a
    cancer gone by counts only when no other is given."""
    found = []
    for m in _STAGE.finditer(text):
        if _other_disease_stage(text, m.start(), m.end()):
            continue
        opens = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        closes = min([i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i >= 0] or [len(text)])
        found.append((stage_of(m.group(1), m.group(2) or ""), bool(_PAST_CANCER.search(text, opens, closes))))
    current = [stage for stage, past in found if not past]
    return (current or [stage for stage, _ in found] or [None])[-1]


def read_tnm(text: str) -> dict[str, str] | None:
    m = _TNM.search(text)
    if not m:
        return None
    return {"t": m.group(1) + (m.group(2) or ""), "n": m.group(3) + (m.group(4) or ""), "m": m.group(5) + (m.group(6) or "")}


# "PET-CT sin metástasis a distancia", "sans métastase", "ohne Metastasen", "bez przerzutów": a denial in the writer's language
_FOREIGN_DENIALS = r"sin|sans|ohne|keine?|geen|bez|senza|sem|tanpa|без|нет"
_NO_METS = re.compile(r"\b(no|without|negative for|free of|no evidence of|" + _FOREIGN_DENIALS + r")\s+(?:\w+\s+){0,2}(metasta\w*|spread)|\bnon[\s-]?metastatic\b|\bM0\b|"
                      r"\bhas(?:n't| not) spread\b|\bnot spread\b|\blocali[sz]ed\b", re.I)
_METS = re.compile(r"\b(metasta\w*|spread|mets)\b", re.I)
_SAVE_FOR = re.compile(r"\b(?:apart\s+from|aside\s+from|except(?:\s+for)?|other\s+than|besides|but)\b", re.I)
# a field named for the metastases whose answer on its line denies them: "Brain mets: MRI brain 11/20/2026 negative. N",
# "Brain mets: none on MRI"
_FIELD_DENIED = re.compile(r"\s*:\s*(?:(?:none|no|nil|absent|negative|neg)\b|[^.;\n]{0,40}\b(?:negative|neg|none|absent|not\s+seen)\b)", re.I)


def _names_site(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, or the rest of its clause just after, names a site of spread ("no metastasis
    in brain"): a denial of that site, not of all spread."""
    window = (text[max(0, start) : end] + re.split(r"[.;\n]", text[end : end + 25])[0]).lower()
    return any(re.search(r"\b" + re.escape(w) + r"\b", window) for words in vocabulary().sites.values() for w in words)


_SENTENCE_END = re.compile(r"[.!?][ \t]+(?=[A-Z])")


def read_metastatic(text: str) -> tuple[bool | None, list[str]]:
    """(metastatic?, sites) as written: "metastatic to bone and liver", "spread to her liver", "stage IV", "M1"."""
    sites: list[str] = []
    metastatic: bool | None = None
    for m in _METS.finditer(text):
        before = text[max(0, m.start() - 70) : m.start()]
        # "no liver, peritoneal or lung metastases": a denial reaches over a list of sites (up to six words:
        # "without liver lesions, peritoneal nodules or lung mets", hence the window's length)
        denial = re.search(r"\b(no|without|negative for|free of|no evidence of|not|n't|never|" + _FOREIGN_DENIALS + r")\b(?:(?:[^\w;.]+\w+){0,3}|(?:[ ,/]+(?:(?:or|and|nor)\s+)?[\w-]+){0,6})[^\w;.]*$",
                           before, re.I)
        if denial and _SAVE_FOR.search(denial.group()):
            denial = None  # "No cardiac or pulmonary disorder apart from the metastases": the denial stops short of them
        if re.search(r"\bnon[\s-]?$", text[max(0, m.start() - 5) : m.start()], re.I):
            metastatic = False if metastatic is None else metastatic
            continue  # "non-metastatic": the word denies itself
        if denial \
                or re.match(r"\w*\s+(?:was|were|is|are)\s+(?:ruled out|excluded|negative)", text[m.start() : m.start() + 40], re.I) \
                or _FIELD_DENIED.match(text, m.end()):
            # a denial of spread to named sites ("no brain mets", "without ... lung mets") leaves the others open
            if not _names_site(text, m.start() - 70, m.end()):
                metastatic = False if metastatic is None else metastatic
            continue
        if m.group(1).lower() == "mets" and re.search(r"\d\s*$", text[max(0, m.start() - 6) : m.start()]):
            continue  # ">4 METs", "climbs 2 flights (4 mets)": metabolic equivalents, a measure of exercise
        if m.group(1).lower() == "spread" and not re.search(r"\bspread\s+(?:\w+\s+){0,3}(?:to|into|through)\b", text[m.start() : m.start() + 40], re.I):
            continue
        metastatic = True
        # (within the mention's sentence: "three metastases in the liver, so no operation. Brain scan was not done")
        lo, hi = max(0, m.start() - 40), m.end() + 60
        lo = max([lo] + [e.end() for e in _SENTENCE_END.finditer(text, lo, m.start())])
        hi = min([hi] + [e.start() + 1 for e in _SENTENCE_END.finditer(text, m.end(), hi)])
        window = text[lo:hi].lower()
        for site, words in vocabulary().sites.items():
            if any(re.search(r"\b" + re.escape(w) + r"\b", window) for w in words) and site not in sites:
                sites.append(site)
    tnm = read_tnm(text)
    if metastatic is None:
        if (tnm and tnm["m"].startswith("1")) or (_M.search(text) and _M.search(text).group(1) == "1"):
            metastatic = True
        elif (tnm and tnm["m"].startswith("0")) or (_M.search(text) and _M.search(text).group(1) == "0"):
            metastatic = False
        elif read_stage(text) == "IV" or (read_stage(text) or "").startswith("IV"):
            metastatic = None  # stage IV is often, not always, distant spread
        elif any(not _names_site(text, d.start(), d.end()) for d in _NO_METS.finditer(text)):
            metastatic = False
    return metastatic, sites


_LINES = re.compile(
    r"\b(\d|one|two|three|four|five|six|seven|eight|single)\s+(?:prior\s+|previous\s+|earlier\s+|different\s+|separate\s+)?"
    r"(?:lines?|regimens?)\b(?:\s+of\s+(?:\w+\s+){0,2}(?:therapy|therapies|treatment|treatments|chemo\w*))?", re.I)
_NTH_LINE = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)[\s-]+line\b", re.I)
_NAIVE = re.compile(r"\b(treatment[\s-]naive|treatment[\s-]naïve|no prior (?:systemic\s+)?(?:therapy|treatment|chemotherapy)|"
                    r"(?:has|have|had)\s+(?:not|n't)\s+(?:had|received|started)\s+(?:any\s+)?(?:treatment|therapy|chemo\w*)|"
                    r"newly diagnosed|not (?:yet )?(?:been )?treated|untreated)\b", re.I)


def read_prior_lines(text: str) -> int | None:
    """How many lines of therapy the patient has had: "progressed on two prior lines",
    "after 3 lines of chemo"; "on second-line therapy" means one before it."""
    voc = vocabulary()
    counts = [int(m.group(1)) if m.group(1).isdigit() else voc.numbers[m.group(1).lower()] for m in _LINES.finditer(text)]
    if counts:
        return max(counts)
    nth = [m for m in _NTH_LINE.finditer(text)]
    if nth:
        n = max(int(m.group(1)[0]) if m.group(1)[0].isdigit() else voc.numbers[m.group(1).lower()] for m in nth)
        # "progressed on first-line" = 1 done; "starting/on second-line" = 1 done before
        done = any(re.search(r"\b(progress\w*|failed|after|completed|received|relapsed)\b", text[max(0, m.start() - 40) : m.start()], re.I) for m in nth)
        return n if done else n - 1
    if _NAIVE.search(text):
        return 0
    return None


# -- criteria ------------------------------------------------------------------------
_COUNT_WORD = r"(\d{1,2}|one|two|three|four|five|six|single)"
_COUNT = re.compile(
    r"(?P<cmp>at least|a minimum of|minimum of|≥|>=|more than|greater than|>|no more than|not more than|at most|a maximum of|"
    r"maximum of|up to|≤|<=|fewer than|less than|<|exactly)?\s*" + _COUNT_WORD.replace("(", "(?P<n>", 1) +
    r"(?:\s*(?P<plus>\+|or more|or fewer|or less))?"
    r"(?:\s*(?:but|and)\s+(?P<cmp2>no more than|not more than|at most|≤|<=|fewer than|less than)\s*" + _COUNT_WORD.replace("(", "(?P<n2>", 1) + r")?"
    r"\s+(?:prior\s+|previous\s+|lines?\s+of\s+prior\s+|different\s+)?(?:(?:systemic|chemotherapy|treatment|therapy|cytotoxic|anticancer|anti-cancer)\s+){0,2}"
    r"(?P<what>lines?|regimens?)\b"
    r"(?:\s+of\s+(?:prior\s+)?(?:systemic|anticancer|anti-cancer|cytotoxic|standard|myeloma|antimyeloma|anti-myeloma)?\s*(?:therapy|therapies|treatment|treatments|chemotherapy))?", re.I)
_COUNTED = re.compile(r"line|regimen", re.I)  # what every match of _COUNT holds
_RANGE_LEAD = re.compile(r"(?:\bbetween\s+)?\b" + _COUNT_WORD + r"\s*(?:-|–|to|and|or)\s*$", re.I)
_CMP = {"at least": ">=", "a minimum of": ">=", "minimum of": ">=", "≥": ">=", ">=": ">=", "more than": ">", "greater than": ">", ">": ">",
        "no more than": "<=", "not more than": "<=", "at most": "<=", "a maximum of": "<=", "maximum of": "<=", "up to": "<=",
        "≤": "<=", "<=": "<=", "fewer than": "<", "less than": "<", "<": "<", "exactly": "="}


@dataclass(frozen=True)
class Count:
    comparator: str
    value: int
    value_max: int | None
    start: int
    end: int


def read_counts(text: str, *, hints: bool = True) -> list[Count]:
    """Bounds on prior lines or regimens in a criterion: "at least 2 but no more than 4 prior lines"
    (``hints=False`` tries the pattern even when the text names no line or regimen)."""
    voc = vocabulary()
    out = []
    if hints and not _COUNTED.search(text):  # a count names what it counts: most criteria are skipped in one search
        return out
    for m in _COUNT.finditer(text):
        n = int(m.group("n")) if m.group("n").isdigit() else voc.numbers[m.group("n").lower()]
        cmp = _CMP.get((m.group("cmp") or "").lower())
        plus = (m.group("plus") or "").lower()
        if plus in ("+", "or more"):
            cmp = ">="
        elif plus in ("or fewer", "or less"):
            cmp = "<="
        lead = _RANGE_LEAD.search(text[: m.start("n")]) if not cmp else None
        if lead:  # "1-3 prior lines", "between 1 and 3 prior regimens"
            lo = int(lead.group(1)) if lead.group(1).isdigit() else voc.numbers[lead.group(1).lower()]
            if lo < n:
                out.append(Count("between", lo, n, lead.start(), m.end()))
                continue
        if m.group("n2"):
            n2 = int(m.group("n2")) if m.group("n2").isdigit() else voc.numbers[m.group("n2").lower()]
            if _CMP.get(m.group("cmp2").lower()) == "<":
                n2 -= 1
            out.append(Count("between", n if cmp != ">" else n + 1, n2, m.start(), m.end()))
            continue
        out.append(Count(cmp or "=", n, None, m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end()))
    return out


_STAGE_ITEM = r"(IV|III|II|I|0|[1-4])([A-C])?(?![A-Za-z0-9])"
_STAGE_ANY = r"(?:IV|III|II|I|0|[1-4])[A-C]?(?![A-Za-z0-9])"
_STAGE_LIST = re.compile(r"\bstages?\s+(" + _STAGE_ANY + r"(?:\s*(?:-|–|to|through|,|or|/|and|, or|, and)\s*(?:stage\s+)?"
                         + _STAGE_ANY + r")*)", re.I)


def read_stage_bounds(text: str) -> list[tuple[list[str], int, int]]:
    """Stages a criterion names, as allowed sets of stages ("stage IIIB or IV" -> ["IIIB", "IV"];
    "stage II-III" -> ["II", "III"]; "Stage III, IVa, or IVb") with their character span."""
    out = []
    for m in _STAGE_LIST.finditer(text):
        if _other_disease_stage(text, m.start(), m.end()):
            continue
        items = list(re.finditer(_STAGE_ITEM, m.group(1), re.I))
        stages: list[str] = []
        for k, item in enumerate(items):
            stage = stage_of(item.group(1), item.group(2) or "")
            joiner = m.group(1)[items[k - 1].end() : item.start()] if k else ""
            if k and re.search(r"-|–|to|through", joiner, re.I):
                lo, hi = ROMAN[items[k - 1].group(1).upper()], ROMAN[item.group(1).upper()]
                stages += [stage_of(str(n)) for n in range(lo + 1, hi)]
            stages.append(stage)
        out.append((list(dict.fromkeys(stages)), m.start(), m.end()))
    return out


def stage_matches(patient: str, allowed: list[str]) -> bool | None:
    """Whether a patient's stage is among the allowed ones; None when the letters leave it open
    (patient "III", allowed "IIIB")."""
    def split(s: str) -> tuple[str, str]:
        m = re.fullmatch(r"(IV|III|II|I|0)([A-C]?)", s)
        return (m.group(1), m.group(2)) if m else (s, "")
    p_num, p_letter = split(patient)
    open_ = False
    for stage in allowed:
        num, letter = split(stage)
        if num != p_num:
            continue
        if not letter or letter == p_letter:
            return True
        if not p_letter:
            open_ = True
    return None if open_ else False
