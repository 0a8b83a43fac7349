"""What a criterion says that its constraints do not account for.

A criterion may fail a patient only when its whole meaning was read. This
module lists the content words of a parsed criterion left unexplained: not
inside a constraint's span, a window or quantity a constraint uses, or a
context cue ("no", "history of"), and neither a stop word nor one of the
filler words in ``resources/rules/coverage.json``. "More than 1 previous
chemotherapy regimen for metastatic disease" read as "chemotherapy" leaves
"More than 1" (an unused quantity) and "metastatic" unexplained, so the
judge asks instead of failing.

Stop words that narrow a meaning ("other", "only", "after", "if") are never
filler: they stay unexplained unless a constraint's span holds them.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from .. import resources
from ..criteria import DENIAL_OPENING, POINTING_LEAD
from ..models import Constraint
from ..vocabulary import condition_covers, therapy_covers
from .quantities import GROUP_WORDS
from .tokenizer import doc_text, token_starts, token_texts

# context cues a constraint's polarity or qualifiers already carry
UNDERSTOOD_CUES = {"NEGATED", "HISTORICAL", "TERMINATE", "EXCEPTION", "AFFIRMED"}


@dataclass(frozen=True)
class CoverageRules:
    filler: frozenset[str]
    headings: frozenset[str]
    narrowing: frozenset[str]


@cache
def coverage_rules() -> CoverageRules:
    name = "rules/coverage.json"
    data = resources.read_json(name)
    unknown = set(data) - {"_comment", "filler", "headings", "narrowing"}
    if unknown:
        raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
    lists = {}
    for key in ("filler", "headings", "narrowing"):
        words = data.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w == w.lower() and w.strip() for w in words):
            raise ValueError(f"{name}: {key} must be a list of lowercase words")
        lists[key] = frozenset(words)
    both = lists["filler"] & lists["narrowing"]
    if both:
        raise ValueError(f"{name}: words both filler and narrowing: {sorted(both)}")
    return CoverageRules(**lists)


_OR_OTHER = re.compile(r"(?:,|\bor|\band/or|\band)\s+(?:any\s+)?other\b", re.I)


def _item_end(text: str, start: int) -> int:
    m = re.compile(r"[;.,()]|\bor\b|\band\b").search(text, start)
    return m.start() if m else len(text)


def _is_filler(word: str, rules: CoverageRules) -> bool:
    if word in rules.narrowing:
        return False
    if word in STOP_WORDS or word in rules.filler:
        return True
    return word.endswith("s") and word[:-1] in rules.filler


_FOR_ANY = re.compile(r"\b(?:for|of|against)\s+(?:(?:this|the\s+same|that|the\s+current)\s+or\s+)?any\s+(?:(?:other|prior|previous|type\s+of)\s+)?(?:malignanc(?:y|ies)|cancers?|"
                      r"tumou?rs?|neoplasms?|diseases?|conditions?|indications?|reasons?)\b", re.I)


_HOW_MANY = re.compile(r"\b(?:(?:at\s+least|any|more\s+than)\s+)?(?:one|two|three|[1-3])\s+(?:or\s+more\s+)?of\s+(?:the\s+following|these)"
                       r"(?:\s+(?:two|three|four|[2-9]))?(?:\s+(?:criteria|conditions|features|findings|characteristics|types|ways))?\b"
                       r"|\beither\b", re.I)
_INLINE_NUMBER = re.compile(r"(?:^|(?<=[\s:;,]))\(?(?:[1-9]|[a-h]|i{1,3}|iv)\)(?=\s)")
_BOTH_SEXES_JOIN = re.compile(r"\s*(?:and|or|and/or|&|,|/)\s*", re.I)
_NOT_LIMITED = re.compile(r"\b(?:but\s+)?not\s+(?:limited|restricted)\s+to\b", re.I)


def _bracket_before(text: str, start: int) -> int | None:
    """Where the name ends that a bracket opening just before ``start`` follows ("rituximab (Rituxan)": the end
    of "rituximab"), or None when no bracket opens there."""
    m = _OPENS_BEFORE.search(text, max(0, start - 4), start)
    return m.start() if m else None


_OPENS_BEFORE = re.compile(r"\s*[(\[]\s*$")
_CLASSIFICATION_VERSION = re.compile(r"\b(?:DSM|ICD)[\s-]*(?:IV|V|5|III|10|9|11)(?:[\s-]*(?:TR|R|CM))?\b")


def unexplained_tokens(doc: Doc, constraints: list[Constraint]) -> list[tuple[int, str]]:
    """(offset, word) of what no constraint, cue or filler accounts for, in order."""
    rules = coverage_rules()
    covered: list[tuple[int, int]] = []
    # read once: each access of doc.ents or a span group makes its Span objects anew
    ents = doc.ents
    quantities, windows, cues = (tuple(doc.spans.get(name, ())) for name in ("quantities", "windows", "cues"))
    for c in constraints:
        if c.kind == "admin" and any(o.checkable and c.start <= o.start < c.end for o in constraints):
            # "ANC >= 1500/mm3 (or < 1500/mm3 if, in the opinion of the investigator, ...)": the judgement
            # explains its own words, not the whole clause it was read from
            covered += [(e.start_char, e.end_char) for e in ents if e.label_ == "ADMIN" and e.ent_id_ == c.concept]
        elif c.kind == "therapy" and c.comparator:  # a dose: the drug's name; its bound is a relation span
            covered.append((c.start, c.end))
        elif c.kind == "measurement":
            # the analyte and its bound, not what lies between ("HbA1c change > 0.9%")
            covered += [(e.start_char, e.end_char) for e in ents if e.label_ == "LAB" and c.start <= e.start_char < c.end]
            covered += [(q.start_char, q.end_char) for q in quantities if c.start <= q.start_char < c.end]
        else:
            covered.append((c.start, c.end))
    if any(c.kind in ("sex", "pregnancy", "lactation", "childbearing_potential", "contraception") for c in constraints):
        covered += [(e.start_char, e.end_char) for e in ents if e.label_ in ("FEMALE", "MALE")]
    # "Women and men aged 65-90", "males or females": both sexes named together restrict nobody
    sexes = [e for e in ents if e.label_ in ("FEMALE", "MALE")]
    for a, b in zip(sexes, sexes[1:]):
        if a.label_ != b.label_ and _BOTH_SEXES_JOIN.fullmatch(doc_text(doc)[a.end_char : b.start_char]):
            covered += [(a.start_char, a.end_char), (b.start_char, b.end_char)]
    covered += [(w.start_char, w.end_char) for w in windows
                if any(c.window is not None and c.window.text == w.text for c in constraints)]
    excepted = {x for c in constraints for x in c.exceptions}
    # entities carved out as exceptions of a constraint (each ``e._`` access builds an object: read once)
    carved = [e for e in ents if e.ent_id_ in excepted and e._.is_exception] if excepted else []

    def read(cue: Span) -> bool:
        """An exception is read when what it excepts was: "other than IVIG" is, "other than those
        provided by the study" is not."""
        return any(cue.end <= e.start <= cue.end + 6 for e in carved)

    covered += [(s.start_char, s.end_char) for s in cues
                if s.label_ in UNDERSTOOD_CUES and not _unless(s) and (s.label_ != "EXCEPTION" or read(s))]
    if excepted:
        # what an exception says narrows the exception, never the rule: "except skin cancer with PFS > 5 yr"
        for cue in cues:
            if cue.label_ == "EXCEPTION" and not _unless(cue) and read(cue):
                end = doc_text(doc).find(". ", cue.end_char)
                covered.append((cue.start_char, end if end >= 0 else len(doc_text(doc))))
    # "psychiatric patients with depression": the people an item is about (see constraints._people_with)
    covered += [(start, with_end) for start, _, with_end, _ in doc.user_data.get("people_with", ())]
    # "anthracycline or taxane therapy for any malignancy", "for this or any other malignancy": a treatment
    # for any disease is not narrowed by it
    whole = doc_text(doc)
    lower = whole.lower()  # (a pattern's required word absent, it is not scanned for)
    if "any" in lower:
        covered += [(m.start(), m.end()) for m in _FOR_ANY.finditer(whole)]
    # "disulfiram (Antabuse)", "rituximab (Rituxan)": a name in brackets that says again what a constraint reads
    read = {(c.end, c.concept) for c in constraints if c.kind in ("condition", "therapy", "allergy")}
    covered += [(e.start_char, e.end_char) for e in ents if e.label_ in ("CONDITION", "THERAPY")
                and (_bracket_before(doc_text(doc), e.start_char), e.ent_id_) in read]
    # "including, but not limited to, epilepsy": examples, not a limit
    if "limited" in lower or "restricted" in lower:
        covered += [(m.start(), m.end()) for m in _NOT_LIMITED.finditer(whole)]
    # "one of the following", "at least two of these criteria", "either": how the items combine, which the
    # judge reads (eligibility._alternatives_at, _counted_from); and an item's own numbering ("1) ... 2) ...")
    if "either" in lower or "following" in lower or "these" in lower:
        covered += [(m.start(), m.end()) for m in _HOW_MANY.finditer(whole)]
    if ")" in whole:
        covered += [(m.start(), m.end()) for m in _INLINE_NUMBER.finditer(whole)]
    # "A, B, or other C": a further alternative widens an exclusion, it does not narrow A or B
    for m in (_OR_OTHER.finditer(whole) if "other" in lower else ()):
        if any(c.start < m.start() for c in constraints if c.checkable):
            end = min([c.start for c in constraints if c.start > m.start()] + [_item_end(doc_text(doc), m.end())])
            # "Dyspnea, cough, or other reasons causing inability to cooperate with aerosol administration":
            # what the items must cause bears on them all, and stays to be read
            consequence = _CONSEQUENCE.search(doc_text(doc), m.end(), end)
            covered.append((m.start(), consequence.start() if consequence else end))
    # entities carved out as exceptions of a constraint
    covered += [(e.start_char, e.end_char) for e in carved]
    # "any non-AZT antiretroviral drug" (constraints._carved_out)
    for e in ents:
        non = NON_PREFIX.search(doc_text(doc), max(0, e.start_char - 5), e.start_char) if e.ent_id_ in excepted else None
        if non:
            covered.append((non.start(), e.end_char))
    # organ-system subheads and lead-ins ("Renal:", "Adequate bone marrow function within 14 days of dosing:")
    texts, starts = token_texts(doc), token_starts(doc)
    colons = [i for i, text in enumerate(texts) if text == ":"]
    before = _covering(covered, len(doc_text(doc))) if colons else None
    for colon in colons:
        at = starts[colon]
        line_start = doc_text(doc).rfind("\n", 0, at) + 1
        head = [doc[i] for i in range(bisect_left(starts, line_start), colon) if not before[starts[i]]]
        # (not a condition's lead-in: "OTHER: IF HIV POSITIVE: Must have CD4 ...", which says whom the item is for;
        # "Not eligible if any of the following is present:" only introduces the items)
        if len(head) <= 10 and not _SUB_GROUP_HEAD.search(doc_text(doc), line_start, at) \
                and all(t.is_punct or t.is_stop or t.like_num or t.lower_ in rules.headings
                        or t.ent_type_ == "ORGAN" or _is_filler(t.lower_, rules) for t in head):
            covered.append((line_start, doc[colon].idx + 1))
            before[line_start : doc[colon].idx + 1] = b"\x01" * (doc[colon].idx + 1 - line_start)
    covered += [(q.start_char, q.end_char) for q in doc.spans.get("used_quantities", [])]
    # how a biomarker status is defined: "HER2-negative (IHC 0 or 1+, or IHC 2+ with ISH not amplified)"
    for c in constraints:
        if c.kind == "biomarker":
            m = re.match(r"\s*(?:disease\s*)?\(([^()]*)\)", doc_text(doc)[c.end :])
            if m and not any(e.label_ in ("CONDITION", "THERAPY") and c.end <= e.start_char < c.end + m.end() for e in ents):
                covered.append((c.end, c.end + m.end()))
    covered += [(r.start_char, r.end_char) for r in doc.spans.get("relations", [])]
    covered += doc.user_data.get("restated", ())  # a concept said again (constraints._dedupe)
    covered += _defined(doc, constraints)
    # an abbreviation restating a name: "cerebrovascular accident [CVA]"
    for e in ents:
        if e.end + 2 < len(doc) + 1 and e.end + 1 < len(doc) and doc[e.end].text in "([" and doc[e.end + 1].text.isupper() \
                and e.end + 2 < len(doc) and doc[e.end + 2].text in ")]":
            covered.append((doc[e.end].idx, doc[e.end + 2].idx + 1))
    if any(c.kind == "stage" or c.concept == "metastatic disease" for c in constraints):
        # TNM groups restating a stage: "Stage I-III (T1, N1, M0; T2-4, N any, M0)"
        covered += [(m.start(), m.end()) for m in re.finditer(
            r"(?<![A-Za-z0-9])(?:[cpy]?[TNM](?:is|x|[0-4])[a-d]?(?:\s*-\s*[0-4][a-d]?)?|N\s+any|any\s+N)(?![A-Za-z0-9])", doc_text(doc))]
    # "DSM-IV", "DSM-5", "ICD-10": the version of a classification, not a qualifier
    if "DSM" in whole or "ICD" in whole:
        covered += [(m.start(), m.end()) for m in _CLASSIFICATION_VERSION.finditer(whole)]
    inside = _covering(covered, len(doc_text(doc)))
    words: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        if text == "-" and i and not inside[starts[i]] and not doc[i - 1].whitespace_ and doc[i].whitespace_ \
                and texts[i - 1][-1:].isalnum():
            # a suspended hyphen: "CYC- or methotrexate- induced pneumonitis" names a cause, completed later
            words.append((starts[i - 1], texts[i - 1] + "-"))
            continue
        if inside[starts[i]] or not (text.isalpha() or any(ch.isalpha() for ch in text)):
            continue
        tok = doc[i]
        if tok.is_punct or tok.is_space or tok.like_num:
            continue
        word = tok.lower_
        if word in rules.narrowing or not _is_filler(word, rules):
            words.append((starts[i], text))
    # a time window no constraint took is an unread limit ("... or who have received that therapy within 3 months")
    for w in windows:
        if not any(c.window is not None and c.window.text == w.text for c in constraints) \
                and not inside[w.start_char]:
            words.append((w.start_char, w.text))
    # numbers no constraint used are unread bounds or counts ("More than 1 previous regimen"), and values listed
    # with a gap read as the range around them ("NYHA class 1, 3 or 4": not class 2)
    for q in quantities:
        if not inside[q.start_char] or q._.quantity.get("gapped"):
            words.append((q.start_char, q.text))
    return sorted(words)


_DENIED_BEFORE = re.compile(r"\b(?:no|not|without|nor|neither|never)\b", re.I)


def _sentence_start(text: str, at: int, colon: bool = False) -> int:
    """Where the sentence (or, with ``colon``, the clause after a colon) holding ``at`` starts."""
    return max(text.rfind(". ", 0, at), text.rfind(";", 0, at), text.rfind(":", 0, at) if colon else -1) + 1


def _names_again(c: Constraint, concept: str) -> bool:
    """Whether ``concept`` (an entity's) is the constraint's, or a kind of it."""
    if not concept:
        return False
    if c.kind == "condition":
        return condition_covers(c.concept, concept)
    if c.kind == "therapy":
        return therapy_covers(c.concept, concept)
    return c.concept == concept


def _covering(spans: list[tuple[int, int]], length: int) -> bytearray:
    """Which of ``length`` characters the spans cover: ``inside[i]`` is true when
    some ``start <= i < end`` (one look-up per token instead of a pass over the spans)."""
    inside = bytearray(length)
    for start, end in spans:
        start, end = max(start, 0), min(end, length)
        if start < end:
            inside[start:end] = b"\x01" * (end - start)
    return inside


def _segments(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of a criterion's items: split at ';', sentence ends, line
    breaks, a lead-in's colon ("... COPD (moderate to severe) and: Smoking history of
    at least 20 pack years"), and ", or subjects who ..." (a second population)."""
    cached = doc.user_data.get("_segments")
    if cached is not None:  # read once per criterion: several readers ask
        return list(cached)
    bounds = [0]
    texts, starts = token_texts(doc), token_starts(doc)
    depth = 0  # "(e.g., malignancy; HIV infection)": a ';' inside brackets lists examples, it does not end the item
    for i, text in enumerate(texts):
        depth = max(0, depth + (text in ("(", "[")) - (text in (")", "]")))
        if (text == ";" and not depth) or text == ":" or "\n" in text or (
                text == "." and i + 1 < len(texts) and (texts[i + 1][:1].isupper() or texts[i + 1].isspace())):
            bounds.append(starts[i] + len(text))
    for m in _SUBCLAUSE.finditer(doc_text(doc)):
        bounds.append(m.start())
    bounds = sorted(set(bounds + [len(doc_text(doc))]))
    doc.user_data["_segments"] = segments = list(zip(bounds, bounds[1:]))
    return list(segments)


def _attach(pos: int, members: list[Constraint], text: str) -> list[Constraint]:
    """The constraints an unexplained word at ``pos`` bears on, within its item:
    before the first or after the last, all of them; between two, the one it
    follows, unless a comma or "or"/"and" separates them (then the next)."""
    # an unread alternative may be what the patient has: it bears on every requirement
    requires = [c for c in members if c.polarity == "require"]
    forbids = [c for c in members if c.polarity != "require"]
    before = [c for c in forbids if c.end <= pos]
    after = [c for c in forbids if c.start > pos]
    inside = [c for c in forbids if c.start <= pos < c.end]
    if inside:
        return requires + inside
    if not before and not after:
        return requires
    if not before:  # a prefix ("Known X or Y") bears on all, unless it is an alternative of its own ("Iron overload or HH")
        nxt = min(after, key=lambda c: c.start)
        gap = text[pos : nxt.start]
        if "(" in gap and ")" not in gap:
            return requires + forbids  # "exposure to TBEV (natural or vaccination)": the bracket qualifies the word before it
        return requires + ([] if _COORDINATOR.search(gap) else forbids)
    if not after:
        prev = max(before, key=lambda c: c.end)
        gap = text[prev.end : pos]
        if _COORDINATOR.search(gap) and not _COORDINATOR_ALL.match(gap):
            # a further alternative widens, but a phrase after the last alternative may bear on them all:
            # "surgery, phenol block, or MAB for wrist spasticity", "infection or rash at the injection sites", and
            # so may one with a coordinator of its own ("ALL, AML, or biphenotypic leukemia in third or higher relapse")
            pieces = _COORDINATOR.split(gap)
            return requires + (forbids if _TRAILING.search(pieces[-1]) or _TRAILING.match(pieces[0].strip()) else [])
        return requires + forbids
    prev, nxt = max(before, key=lambda c: c.end), min(after, key=lambda c: c.start)
    if _COORDINATOR.search(text[prev.end : pos]):
        return requires + [c for c in forbids if c.start == nxt.start]
    if _COORDINATOR.search(text[pos : nxt.start]):
        return requires + [c for c in forbids if c.end == prev.end]
    # a relation between two ("pneumonitis during prior treatment with T-DXd") ties both
    return requires + [c for c in forbids if c.end == prev.end or c.start == nxt.start]


_STUDY_WORDS = frozenset({"trial", "trials", "study", "studies", "protocol", "protocols"})


def annotate(doc: Doc, constraints: list[Constraint]) -> list[str]:
    """Set each constraint's ``unexplained`` words and return the criterion's, in order."""
    words = unexplained_tokens(doc, constraints)
    checkable = [c for c in constraints if c.checkable]
    for c in constraints:
        c.unexplained = []
    if doc.user_data.get("section") == "exclusion" and (lead := _MUST_LEAD_IN.match(doc_text(doc))) is not None:
        # "Patients must: Have AIDS and recovered from ... PCP" listed among the exclusions (old NIAID records): what
        # patients must have, under a header that excludes; read either way it may be wrong, so it fails nobody
        for c in checkable:
            c.unexplained.append(lead.group(1))
    if (pointing := _POINTING_DENIAL.match(doc_text(doc))) is not None:
        # "No contraindications to OGTT. These include: Pregnancy;": what the list names is denied by the sentence
        # before it, which the reading of the item does not carry over; so the item fails nobody
        for c in checkable:
            if c.start >= pointing.end():
                c.unexplained.append(pointing.group(1))
    for c in checkable:
        if c.kind in ("condition", "therapy") and (m := _TO_BE_DONE.match(doc_text(doc), c.end)) is not None \
                and (m.group("test") or doc.user_data.get("section") == "exclusion"):
            # "HIV testing will be required": a test to be done, which says nothing of the infection (as an inclusion
            # it would have required HIV, as an exclusion forbidden it); "Prior chemotherapy is required" or "breast
            # irradiation is required" among exclusions: a requirement written there, wrong read either way
            c.unexplained.append(doc_text(doc)[c.start : m.end()])
            for head in checkable:  # "Malignancy for which systemic chemotherapy is required": not every malignancy
                if head.end <= c.start and _NARROWED_BY_CLAUSE.fullmatch(doc_text(doc), head.end, c.start):
                    head.unexplained.append(doc_text(doc)[head.end : m.end()].strip())
    for c in checkable:
        if c.kind in ("condition", "therapy") and (non := NON_PREFIX.search(doc_text(doc), max(0, c.start - 5), c.start)) \
                and (doc.user_data.get("section") == "exclusion"
                     or _DENIED_BEFORE.search(doc_text(doc), _sentence_start(doc_text(doc), non.start(), colon=True), non.start())):
            # "non-X" is read as not X: right in an inclusion ("non-small cell carcinoma of the lung" rules small cell
            # out), wrong under a denial or among exclusions, where what is not X is what the item rules out ("No
            # non-adenocarcinomas", "No non-skin malignancy", "Excluded: Non-topical steroids", "Non-rheumatoid
            # arthritis"): there it fails nobody
            c.unexplained.append(doc_text(doc)[non.start() : c.end])
    allowances = [m for m in _ALLOWANCE.finditer(doc_text(doc))
                  if not _HOW_SHOWN.search(doc_text(doc), _sentence_start(doc_text(doc), m.start("clause")), m.end())] \
        if checkable and _ALLOWANCE_WORD.search(doc_text(doc)) else []
    for m in allowances:
        # an allowance that names again what an earlier part of the item rules out or requires narrows it in a way
        # not read: the earlier part fails nobody ("patients treated for Stage I or II cancers are eligible")
        named = [e for e in doc.ents if m.start("clause") <= e.start_char and e.end_char <= m.end("clause")]
        past = _PAST_ALLOWED.search(m.group("clause")) is not None
        for c in checkable:
            again = [e.ent_id_ for e in named if _names_again(c, e.ent_id_)]
            if c.end <= m.start("clause") and again and not (past and _PRESENT_ONLY & set(c.qualifiers)) \
                    and not all(any(condition_covers(x, concept) for x in c.exceptions) for concept in again):
                # (not "Active malignancy. A history of malignancy is not an exclusion": what the item reads, the
                # present illness, is what the allowance leaves out; nor an allowance of what was read as the
                # item's exceptions: "History of cancer. Participants with basal cell carcinoma are not excluded")
                c.unexplained.append(m.group("clause"))
            elif doc.user_data.get("section") == "exclusion" and m.start("clause") <= c.start < m.end("clause"):
                # "Patients with drug allergies manifest solely by rash are not excluded": what the allowance lets in
                # is no exclusion (among inclusions, "Patients with stage IV NSCLC are eligible" is the requirement)
                c.unexplained.append(m.group("clause"))
    if checkable and (label := _GROUP_LABEL.search(doc_text(doc))) is not None:
        # "Creatinine clearance: Groups 1 and 5: Greater than 50 mL/min Group 2: 30-50 mL/min": bounds for a study's
        # groups, and which group a patient would be in is the study's to say; no bound fails anyone alone
        for c in checkable:
            c.unexplained.append(label.group(0).rstrip(":–- "))
    hypothetical = {e.start_char: e for e in doc.ents if e.label_ == "THERAPY" and e._.is_hypothetical}
    if hypothetical:
        # (a study's words reaching forward: "trial in which", "study using"; not "the ddI study" after its drug)
        said = [s for s in doc.spans.get("cues", ()) if s.label_ == "HYPOTHETICAL" and len(s) > 1 and s[0].lower_ in _STUDY_WORDS]
        for c in checkable:
            if c.kind == "therapy" and c.start in hypothetical and (cue := max(
                    (s for s in said if s.end <= hypothetical[c.start].start <= s.end + 8), key=lambda s: s.end, default=None)):
                # "Enrollment in another clinical trial in which AZT is a treatment": another study's treatment,
                # named to say which study, not one the patient must have had or not
                c.unexplained.append(cue.text)
    for start, end, what in doc.user_data.get("narrowed_by", ()):
        for c in constraints:  # "antiretroviral vaccine therapy": a vaccine of one kind, which the concept does not say
            if c.start == start and c.end == end and what not in c.unexplained:
                c.unexplained.append(what)
    for start, end, _, what in doc.user_data.get("people_with", ()):
        for c in constraints:  # "psychiatric patients with depression or suicidal thoughts": not every psychiatric patient
            if c.start == start and c.end == end and c.kind == "condition":
                c.unexplained.append(what)
    segments = _segments(doc) + _parentheses(doc, checkable)
    plain = _unlisted(doc)
    text = doc_text(doc)
    examples = list(_EXAMPLES.finditer(text))
    bounds_at = {q.start_char for q in doc.spans.get("quantities", ())} | {w.start_char for w in doc.spans.get("windows", ())}
    for start, end in segments:
        # a constraint belongs to the innermost item holding it ("severe nephritis (creatinine > 2.5)")
        inner = [(s, e) for s, e in segments if start <= s and e <= end and (s, e) != (start, end)]
        members = [c for c in checkable if start <= c.start < end and not any(s <= c.start < e for s, e in inner)]
        mine = [(pos, word) for pos, word in words if start <= pos < end and not any(s <= pos < e for s, e in inner)]
        if not members and text[start:end].rstrip().endswith(":"):
            # "Excluded within 30 days of study entry: antiretroviral agents": a lead-in's bound bears on what
            # follows; so does what else it says ("No other uncontrolled medical condition, including any of
            # the following: Thyroid disease" is no bare "Thyroid disease")
            for c in checkable:
                if c.start >= end:
                    c.unexplained += [w for pos, w in mine if w not in c.unexplained]
        if not members and mine and _PERMISSION.search(text[start:end]):
            # "...; nasal and topical steroids are allowed": an unread exception to every exclusion of the criterion
            members = [c for c in checkable if c.polarity != "require"]
            for c in members:
                c.unexplained += [w for _, w in mine if w not in c.unexplained]
            continue
        for pos, word in mine:
            bearing = members if word.lower() in _CONDITIONAL else _attach(pos, members, plain)
            if pos in bounds_at and not bearing and members:
                # "> two puffs, four times/day of inhaled steroids": a number is never an alternative of its own
                bearing = [min(members, key=lambda c: min(abs(c.start - pos), abs(pos - c.end)))]
            if pos in bounds_at and not any(c.end <= pos for c in bearing):
                # "never received TB treatment or for less than 1 month": a bound after an alternative's
                # "or" limits the name before it, it is not a further name
                before = [c for c in members if c.end <= pos]
                if before:
                    bearing = bearing + [max(before, key=lambda c: c.end)]
            example = next((m for m in examples if m.start() <= pos < m.end()), None)
            if example is not None:  # "therapy (e.g., [177Lu]Lu-PSMA-617)": an example of what precedes, not a limit on it
                bearing = [c for c in bearing if c.start >= example.start()]
            if not bearing:
                # "No psychotropic medicine dose changes, including cholinesterase inhibitors": a head
                # with no name of its own bears on the examples that follow it
                head = next((m for m in examples if pos < m.start() and not any(pos < c.start < m.start() for c in members)), None)
                if head is not None:
                    bearing = [c for c in members if head.start() <= c.start < head.end()]
            for m in examples:  # a head word bearing on one example bears on all ("secondary to disease (e.g., A, B)")
                if pos < m.start() and any(m.start() <= c.start < m.end() for c in bearing):
                    bearing = bearing + [c for c in members if m.start() <= c.start < m.end() and c not in bearing]
            for c in bearing:  # "If marrow iron stain is not available, ...": a condition on all that follows
                if word not in c.unexplained and not _judged(word, c):
                    c.unexplained.append(word)
        group = _SUBGROUP.search(text[start:end])
        if group:
            # "> 1 g/day for patients not on ACE inhibitors": who a bound applies to, not a requirement of its own
            for c in members:
                if group.group(0) not in c.unexplained:
                    c.unexplained.append(group.group(0))
        # (to the end of the sentence: "Pregnant or lactating patients or patients of childbearing potential, will be
        # excluded" splits before its second population, and the verb that turns both comes last)
        sentence_end = end
        if not text[start:end].rstrip().endswith((".", ";", ":")):
            sentence_end = min((i for i in (text.find(". ", end), text.find(";", end), text.find("\n", end)) if i >= 0),
                               default=len(text))
        contrary = (_EXCLUDING if doc.user_data.get("section") == "inclusion" else _REQUIRING).search(text[start:sentence_end])
        if contrary and not members and text[start:end].rstrip().endswith(":"):
            # "Required: NRTI therapy at day of entry" among exclusions: a lead-in turning what follows
            members = [c for c in checkable if c.start >= end]
        if contrary:
            # "Subjects with QTc > 450 msec will be excluded" among inclusion criteria: the polarity is turned
            for c in members:
                if c.kind == "measurement" and MODAL.search(text[c.start : c.end]):
                    continue  # "Hemoglobin must be >= 9 g/dL" among exclusions: read as the requirement it states
                if contrary.group(0) not in c.unexplained:
                    c.unexplained.append(contrary.group(0))
    _distributed(checkable, text)
    if text.rstrip().endswith(":"):
        # "Co-existing Condition: Cough:": a heading whose items were not given with it
        last = text.rstrip()[:-1].rfind(":")
        for c in checkable:
            if c.start > last and "what follows" not in c.unexplained:
                c.unexplained.append("what follows")
    consent = _CONSENT.search(text)
    for c in checkable:
        if c.kind == "age" and consent and consent.start() < c.start and consent.group(0) not in c.unexplained:
            # "Obtain assent from minors between the ages of 14-17": the age says who signs, not who may join
            c.unexplained.append(consent.group(0))
        if c.kind == "condition" and "defined" not in c.unexplained:
            # "History of kidney disease (creatinine > 2.0 mg/dl)": the bound in brackets defines the disease
            bracket = re.match(r"\s*\(([^()]*)\)", text[c.end :])
            if bracket and any(x.kind == "measurement" and c.end <= x.start < c.end + bracket.end() for x in checkable):
                c.unexplained.append("defined")
        if c.kind == "condition" and c.concept == "allergy":
            # "allergy or hypersensitivity to Epiceram, Elidel": what it is to narrows the allergy
            to = _ALLERGY_TO.match(text, c.end)
            if to:
                item_end = next((e for s, e in _segments(doc) if s <= c.start < e), len(text))
                c.unexplained += [w for pos, w in words if to.end() <= pos < item_end and w not in c.unexplained]
        if DEFINITION in c.qualifiers and "defined" not in c.unexplained:
            c.unexplained.append("defined")  # whether the bound defines the condition or its absence is not read
        # "infection requiring IV antibiotics", "diabetes that needs insulin": the need narrows the condition
        text = doc_text(doc)
        need = _NEEDING.match(text[c.end : c.end + 40]) if c.kind == "condition" else None
        if need and need.group(1) not in c.unexplained:
            c.unexplained.append(need.group(1))
        if c.kind == "therapy":
            # "cancer requiring chemotherapy": the therapy is what a condition needs, not a therapy ruled out
            offset = max(0, c.start - 60)
            needed = _NEEDED_BY.search(text[offset : c.start])
            if needed and any(x.kind == "condition" and 0 <= offset + needed.start(1) - x.end <= 25
                              for x in checkable if x is not c) and needed.group(1) not in c.unexplained:
                c.unexplained.append(needed.group(1))
        if c.kind == "condition":
            # "HIV-infected subjects with CD4 <= 200", "renal disease currently on dialysis": the condition is narrowed
            narrowed = _NARROWED_BY.match(text[c.end : c.end + 40])
            if narrowed and any(x.kind in ("measurement", "therapy") and 0 <= x.start - c.end <= 40 for x in checkable) \
                    and narrowed.group(1) not in c.unexplained:
                c.unexplained.append(narrowed.group(1))
        # a qualifier inside a matched name that the concept does not carry ("severe asthma" read as
        # asthma): its words are in the span, but nothing judges them
        inside = doc_text(doc)[c.start:c.end].lower()
        if c.kind == "therapy":  # "intravenous antibiotics" read as antibiotics: the route narrows it
            systemic = "systemic" in c.concept.lower() or "chemotherapy" in c.concept.lower()
            routes = _ROUTE.findall(inside)
            if len({r.lower() for r in routes}) > 1 and re.search(r"\bor\b|,", inside):
                routes = []  # "oral or inhaled corticosteroids": routes listed as alternatives widen, not narrow
            for route in routes:
                if route.lower() in c.concept.lower() or route in c.unexplained or (systemic and route.lower() in _SYSTEMIC):
                    continue
                c.unexplained.append(route)
        for q in c.qualifiers:
            if (re.search(rf"\b{re.escape(q)}\b", inside) and q not in c.concept.lower()
                    and not _judged(q, c) and q not in c.unexplained):
                c.unexplained.append(q)
    return [w for _, w in words]


# qualifiers the judge reads, by the words that say them
_JUDGED = {"planned": {"planned", "scheduled", "plan", "plans", "planning", "intend", "intends", "expected"},
           "other": {"other"}, "another": {"another"}}


_READ_QUALIFIERS = {"history", "prior", "previous", "known", "active", "current", "ongoing", "concurrent", "concomitant"}


_MUST_LEAD_IN = re.compile(r"\s*(?:[A-Z][\w /-]{0,40}:\s*)?((?:patients|subjects|participants|candidates|children|donors)\s+"
                           r"(?:must|should)(?:\s+(?:have|be|meet))?|required)\s*:", re.I)

#: what is to be done about a named illness or treatment, not whether the patient has it: "HIV testing will be
#: required", "breast irradiation is required" (see annotate)
_TO_BE_DONE = re.compile(r"\s*(?P<test>(?:testing|tests?|screening|evaluation)\s+)?(?:is|are|will\s+be|shall\s+be|must\s+be)\s+"
                         r"(?:also\s+)?(?:required|mandatory|needed|obligatory)\b", re.I)
#: a later clause that lets some of those an item names in: "... Within 5 years, patients treated for Stage I or II
#: cancers are eligible provided ...", "bilirubin > 1.5 x ULN; in the case of known Gilbert's syndrome, a higher
#: serum total bilirubin (< 2 x ULN) is allowed" (not "will not be eligible", "No prior malignancy is allowed")
_ALLOWANCE = re.compile(r"(?:^|(?<=[.;,:])\s+)(?P<clause>(?:(?!\b(?:no|not|never|nor|neither|cannot)\b)[^.;])*?"
                        r"(?:\b(?:are|is|will\s+be|may\s+be|would\s+be|remain)\s+(?:also\s+|still\s+)?(?:eligible|allowed|permitted|acceptable)\b"
                        # "... are not excluded", "is not an exclusion", "do not exclude", "are not exclusionary"
                        r"|\b(?:are|is|will|would|do|does)\s+not\s+(?:be\s+)?(?:excluded|exclusionary|an?\s+exclusion|exclude)\b))", re.I)
#: a word every allowance holds: a text without one is not scanned (the scan tries every clause start)
_ALLOWANCE_WORD = re.compile(r"eligible|allowed|permitted|acceptable|exclu", re.I)
#: an allowance of what is past ("A history of malignancy is not an exclusion"), and what an item's qualifier
#: keeps to the present
_PAST_ALLOWED = re.compile(r"\b(?:history|prior|previous|past|resolved|treated|remission|cured)\b", re.I)
_PRESENT_ONLY = frozenset({"active", "current", "ongoing", "untreated", "uncontrolled"})
#: an allowance of how something is shown, which widens nothing ("Written documentation of HIV diagnosis is acceptable")
_HOW_SHOWN = re.compile(r"\b(?:documentation|documented\s+by|confirmation|proof|records?)\b", re.I)

#: a relative clause opening on what it narrows: "Malignancy for which systemic chemotherapy is required"
_NARROWED_BY_CLAUSE = re.compile(r"\s+(?:for\s+which|which|that)\s+(?:[\w-]+\s+){0,2}", re.I)

#: a sentence that denies, then a lead-in pointing back at it ("These include:", "Such conditions are:")
_POINTING_DENIAL = re.compile(DENIAL_OPENING + r"[^;:]*[.;]\s+(" + POINTING_LEAD + "):", re.I)

# the qualifier of a bound that defines what a "No" item rules out, or its absence (constraints._no_item)
DEFINITION = "as defined"
_ROUTE = re.compile(r"\b(intravenous|iv|oral|topical|inhaled|intrathecal|intramuscular|subcutaneous|systemic|parenteral|"
                    r"intra-?articular|intravitreal|high-?dose|low-?dose)\b", re.I)
_SYSTEMIC = {"systemic", "oral", "intravenous", "iv", "parenteral", "intramuscular", "subcutaneous"}  # all systemic routes
_NEEDED_BY = re.compile(r"\b((?:requir|need)\w*)\s+(?:\w+\s+){0,4}$", re.I)
_NARROWED_BY = re.compile(r"\s*(?:\w+\s+){0,2}?(with|on|having|who have|who are)\b", re.I)
_NEEDING = re.compile(r"\s*(?:\(\w+\)\s*)?(?:that|which|who)?\s*(?:\w+\s+)?((?:requir|need)\w*)\b", re.I)


def _judged(word: str, c: Constraint) -> bool:
    w = word.lower()
    if w in c.qualifiers and w in _READ_QUALIFIERS:
        return True
    if w == "recurrent" and w in c.qualifiers and {"active", "current"} & set(c.qualifiers):
        # "active or recurrent peptic ulcers": what is active now fails under either word, and what is past
        # is never failed by "active" (the judge's present-only qualifiers), so "recurrent" leaves nothing unread
        return True
    if c.kind == "condition" and c.polarity == "forbid" and w in ("other", "another") and w in c.qualifiers:
        return True  # "no other malignancy": the judge spares the studied disease
    return any(q in c.qualifiers and w in words for q, words in _JUDGED.items() if q == "planned")


def _parentheses(doc: Doc, constraints: list[Constraint]) -> list[tuple[int, int]]:
    """Parenthesised bounds that define what precedes them: "severe nephritis (creatinine > 2.5)";
    the item starts after the constraint before the parenthesis, so "triglycerides > 1000 in the
    presence of moderate glycemic control (HbA1c < 9%)" keeps "moderate glycemic control"."""
    out = []
    for m in re.finditer(r"\(([^()]*)\)", doc_text(doc)):
        if not any(c.kind == "measurement" and m.start() <= c.start < m.end() for c in constraints):
            continue
        item = max([0] + [e for s, e in _segments(doc) if e <= m.start()])
        before = [c for c in constraints if item <= c.end <= m.start()]
        if any(c.kind == "measurement" for c in before):
            continue  # "TG > 1000 in the presence of (HbA1c < 9%)": a second condition, not a definition
        # the words it defines ("Anaemic (Hb < 12 g/dL)", "severe nephritis (creatinine > 2.5)")
        out.append((max(c.end for c in before) if before else item, m.end()))
    return out


def _defined(doc: Doc, constraints: list[Constraint]) -> list[tuple[int, int]]:
    """Words a parenthesised bound defines when nothing else was read before it: "Anaemic (Hb < 12 g/dL)"."""
    return [(start, doc_text(doc).index("(", start)) for start, end in _parentheses(doc, constraints)
            if not any(start <= c.start < doc_text(doc).index("(", start) for c in constraints) and "(" in doc_text(doc)[start:end]
            and start == max([0] + [e for s, e in _segments(doc) if e <= start])]


_COORDINATOR = re.compile(r",|\bor\b|\band\b|/", re.I)
# what the items must cause: "..., or other reasons causing inability to cooperate" (not a defining clause,
# "amiodarone or other drugs that prolong QT", whose named items are members)
_CONSEQUENCE = re.compile(r"\b(?:causing|caus(?:e|es|ed)\s+by|leading\s+to|resulting\s+in|interfering|preventing|precluding|"
                          r"making)\b", re.I)
_TRAILING = re.compile(r"\b(?:for|at|on|in|of|involving|affecting|from|due\s+to|caused\s+by|after|during|causing|leading\s+to|"
                       r"resulting\s+in|interfering|preventing|precluding)\b", re.I)
# examples of what precedes them, to the closing bracket or the end of the item
_EXAMPLES = re.compile(r"\b(?:e\.g|i\.e|eg|for example|for instance|such as|including|especially|particularly)\b\.?[^();]*", re.I)
# words that make everything after them in the item conditional
_CONDITIONAL = {"if", "unless", "when", "whenever", "provided"}
# a lead-in that names whom its items are for: a conditional word and what it asks, before the colon ("IF HIV POSITIVE",
# "Required for HIV-positive patients if CD4 count < 500 cells/mm3"; not "if any of the following is present", "excluded
# when there is:", "excluded if they had any one of the following:")
_SUB_GROUP_HEAD = re.compile(r"\b(?:if|unless|when|whenever|provided)\b(?!\s*(?:there\s+(?:is|are|was|were)\s*)?"
                             r"(?:(?:they|he|she|patients?|subjects?|participants?)\s+(?:had|have|has|show|showed|shows|present\w*)\s+)?"
                             r"(?:(?:any|all|one|two|both|either|none|each)\s+(?:one\s+)?"
                             r"(?:or\s+more\s+)?(?:of\s+)?)?(?:the\s+following|these|this)?(?:\s+(?:is|are|applies|apply|exists?))?"
                             r"(?:\s+(?:present|met|true|found|applicable))?\s*$)", re.I)
_PERMISSION = re.compile(r"\b(?:(?:is|are|will\s+be|may\s+be|be)\s+(?:allowed|permitted|acceptable|eligible)|"
                         r"(?:may|can)\s+(?:be\s+)?(?:used|included|enrolled|continued|participate))\b", re.I)
# an item of the other section's kind: "... will be excluded" among inclusions, "... must be ..." among exclusions
_EXCLUDING = re.compile(r"\b(?:(?:will|shall|should|would)\s+be\s+excluded|(?:is|are)\s+excluded|(?:is|are)\s+not\s+eligible|"
                        r"(?:is|are)\s+ineligible|(?:will|shall)\s+not\s+be\s+(?:eligible|enrolled|included|allowed|permitted))\b", re.I)
_REQUIRING = re.compile(r"\b(?:must|is\s+required\s+to|are\s+required\s+to)\s+(?:be|have)\b(?!\s+(?:excluded|ruled\s+out))|"
                        r"\b(?:required|allowed|permitted)\s*:", re.I)  # "Required: NRTI therapy at day of entry" among exclusions
# a study group's label before what applies to it: "Groups 1-4:", "Group 5:", "Cohort B:", "Arm 2 -"
_GROUP_LABEL = re.compile(r"\b" + GROUP_WORDS + r"\s+(?:\d+|[A-H]|I{1,3}|IV)"
                          r"(?:\s*(?:-|–|to|and|or|,|&)\s*(?:\d+|[A-H]))*\s*[:–-]\s", re.I)
_SUBGROUP = re.compile(r"\b(?:for|in)\s+(?:the\s+)?(?:patients|subjects|participants|those|individuals|people|persons|women|men)"
                       r"\s+(?:who\s+(?:are|were|have|had)\s+)?(?:not\s+)?(?:on|with|without|receiving|taking|treated\s+with|previously)\b", re.I)
# a requirement's wording, and the prefix that carves a name out of the class after it ("non-AZT antiretroviral")
MODAL = re.compile(r"\b(?:must|should|shall|has to|have to|needs? to|(?:is|are) required to)\b", re.I)
NON_PREFIX = re.compile(r"\bnon\s*-\s*$", re.I)


def _unless(cue) -> bool:
    """"unless successfully treated and off drugs for 6 months": a condition on the patient, not a carve-out."""
    return cue.text.lower().startswith("unless")

_CONSENT = re.compile(r"\b(?:consent|assent)\b", re.I)
_ALLERGY_TO = re.compile(r"\s*(?:or\s+(?:hypersensitivity|intolerance|allergy|allergies|reaction)\s+)?(?:to|against)\b", re.I)


def _distributed(constraints: list[Constraint], text: str) -> None:
    """A modifier that may carry over a list: in "allogeneic BMT or PBSCT" the first name was read
    as the narrower concept (allogeneic transplant) and the second as the broader one (any stem cell
    transplant); whether "allogeneic" reaches the second is not read, so it is left unexplained there."""
    covers = {"therapy": therapy_covers, "condition": condition_covers}
    for x in constraints:
        for y in constraints:
            if x is y or x.kind != y.kind or x.kind not in covers or x.end > y.start or x.concept == y.concept:
                continue
            if not _LIST_GAP.fullmatch(text[x.end : y.start]) or not covers[x.kind](y.concept, x.concept):
                continue
            modifier = text[x.start : x.end].split()[0] if text[x.start : x.end].split() else ""
            if modifier.lower() in _NARROWING_MODIFIERS and modifier.lower() not in text[y.start : y.end].lower() \
                    and modifier not in y.unexplained:
                y.unexplained.append(modifier)


_NARROWING_MODIFIERS = {"allogeneic", "autologous", "systemic", "oral", "intravenous", "topical", "inhaled", "severe",
                        "chronic", "acute", "active", "uncontrolled", "metastatic", "invasive", "primary", "secondary",
                        "recurrent", "untreated", "symptomatic", "significant", "unstable", "advanced", "refractory"}
_LIST_GAP = re.compile(r"\s*(?:,|/|\bor\b|\band\b|\band/or\b|,\s*or\b|,\s*and\b)\s*", re.I)


def _unlisted(doc: Doc) -> str:
    """The criterion's text with what does not coordinate blanked out: units ("> 1000 mg/g"),
    "e.g.," / "i.e.," before examples, and context cues ("history of")."""
    text = list(doc_text(doc))
    for q in doc.spans.get("quantities", ()):
        text[q.start_char : q.end_char] = "0" * (q.end_char - q.start_char)
    for cue in doc.spans.get("cues", ()):  # "or a history of smoking": the "of" of a cue is no trailing phrase
        if cue.label_ in UNDERSTOOD_CUES and len(cue) > 1:
            text[cue.start_char : cue.end_char] = "_" * (cue.end_char - cue.start_char)
    plain = "".join(text)
    return re.sub(r"\b(?:e\.g|i\.e|eg|ie)\.?\s*,", lambda m: " " * len(m.group(0)), plain, flags=re.I)
# a clause after the list that bears on all of it: ", requiring hospitalisation", ", within 6 months"
_COORDINATOR_ALL = re.compile(r"\s*,\s*(?:which|that|requiring|within|during|in the|for which|with)\b", re.I)
_SUBCLAUSE = re.compile(r",?\s*\b(?:or|and)\s+(?:who|subjects|patients|participants|those|individuals|persons)\b", re.I)
