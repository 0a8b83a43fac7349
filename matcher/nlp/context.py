"""ConText-style modifiers of entities: negation, history, family, hypothetical,
possible, and exception ("except non-melanoma skin cancer").

Rules are data (``resources/rules/context.json``): each has a literal (or a
spaCy token ``pattern``, the literal then naming it), a category and a direction. A FORWARD cue modifies entities after it up to
``max_scope`` tokens, a TERMINATE cue, or the end of the clause (``;`` or a
sentence end); BACKWARD looks left the same way. EXCEPTION cues reach past
``;`` to the end of the sentence, since exception lists are often written
``except A; B; C``.

Results are span attributes: ``ent._.is_negated``, ``is_historical``,
``is_family``, ``is_hypothetical``, ``is_possible``, ``is_exception``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .. import resources
from ..vocabulary import is_infection
from .tokenizer import doc_text, token_texts

CATEGORY_ATTR = {
    "NEGATED": "is_negated",
    "HISTORICAL": "is_historical",
    "FAMILY": "is_family",
    "HYPOTHETICAL": "is_hypothetical",
    "POSSIBLE": "is_possible",
    "EXCEPTION": "is_exception",
    "AFFIRMED": "is_affirmed",
}
DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}
DEFAULT_SCOPE = 12

for _attr in CATEGORY_ATTR.values():
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=False)


@dataclass(frozen=True)
class ContextRule:
    literal: str
    category: str
    direction: str
    max_scope: int = DEFAULT_SCOPE
    list: bool = False
    allowed_types: frozenset[str] | None = None  # entity labels the cue modifies (None: every label)
    # spaCy token patterns matched instead of the literal, which then names the rule
    # (as medspaCy's ConTextRule): one rule for "never (been) told (that) she/he/I has/have"
    pattern: tuple | None = None
    # a result's sign written against its test ("HIV-", "HBsAg- "): a cue only attached to the word before
    sign: bool = False
    # a checklist's mark after its item ("HIV ✗", "Dialysis ever ✗"): reaches only that item's words,
    # not over a bracket or a separator ("PUD ✗ (GERD, on PPI)  Seizure ✗" leaves GERD alone)
    mark: bool = False
    # read in a patient's text only: "told to avoid aspirin" says she does not take it, where a criterion's
    # "Avoid: antiretroviral medication" excludes taking it
    patient_only: bool = False
    # concepts the cue does not modify: "HIV on ART, undetectable" is a suppressed infection, still had (where
    # "HCV RNA undetectable" after treatment is a cure)
    not_concepts: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, data: dict) -> "ContextRule":
        unknown = set(data) - {"literal", "category", "direction", "max_scope", "list", "allowed_types", "pattern", "sign", "mark", "patient_only",
                                "not_concepts"}
        if unknown:
            raise ValueError(f"context rule {data!r}: unknown keys {sorted(unknown)}")
        if not isinstance(data.get("literal"), str) or not data["literal"].strip():
            raise ValueError(f"context rule {data!r}: literal must be a non-empty string")
        if not isinstance(data.get("max_scope", 1), int) or not isinstance(data.get("list", False), bool) \
                or not isinstance(data.get("sign", False), bool) or not isinstance(data.get("mark", False), bool) \
                or not isinstance(data.get("patient_only", False), bool):
            raise ValueError(f"context rule {data!r}: max_scope must be an integer; list, sign, mark and patient_only true or false")
        types = data.get("allowed_types")
        if types is not None and (not isinstance(types, list) or not types
                                  or not all(isinstance(t, str) and t.isupper() for t in types)):
            raise ValueError(f"context rule {data!r}: allowed_types must be a non-empty list of entity labels")
        concepts = data.get("not_concepts", [])
        if not isinstance(concepts, list) or not all(isinstance(c, str) and c == c.lower() for c in concepts):
            raise ValueError(f"context rule {data!r}: not_concepts must be a list of lowercase concept ids")
        pattern = data.get("pattern")
        if pattern is not None and (not isinstance(pattern, list) or not pattern
                                    or not all(isinstance(t, dict) and t for t in pattern)):
            raise ValueError(f"context rule {data!r}: pattern must be a non-empty list of token objects")
        rule = cls(**{**data, "allowed_types": frozenset(types) if types is not None else None, "not_concepts": frozenset(concepts),
                      "pattern": tuple(pattern) if pattern is not None else None})
        if (rule.category == "PSEUDO") != (rule.direction == "PSEUDO"):
            raise ValueError(f"context rule {data!r}: category PSEUDO goes with direction PSEUDO")
        if (rule.list or rule.mark) and rule.direction != "BACKWARD":
            raise ValueError(f"context rule {data!r}: only BACKWARD cues can reach over a list or be a mark")
        if rule.direction not in DIRECTIONS:
            raise ValueError(f"context rule {data!r}: direction must be one of {sorted(DIRECTIONS)}")
        if rule.category not in CATEGORY_ATTR and rule.category not in ("TERMINATE", "PSEUDO"):
            raise ValueError(f"context rule {data!r}: unknown category {rule.category}")
        return rule


@cache
def load_rules() -> tuple[ContextRule, ...]:
    data = resources.read_json("rules/context.json")
    unknown = set(data) - {"_comment", "rules", "list_words"}
    if unknown:
        raise ValueError(f"rules/context.json: unknown keys {sorted(unknown)}")
    rules = []
    for i, r in enumerate(data["rules"]):
        try:
            rules.append(ContextRule.from_dict(r))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"rules/context.json, rule {i}: {exc}") from None
    return tuple(rules)


@cache
def list_words() -> frozenset[str]:
    """Words a result cue reaches over in a list: "HIV, hepatitis B and C serologies are all negative"."""
    return frozenset(resources.read_json("rules/context.json").get("list_words", []))


def _elided(text: str) -> bool:
    """A letter or numeral left of a shared name: "hepatitis B/C", "HTLV-I/II", "HIV-1/2", "hep b n c"
    (lowercase only b to e: "a" is the article)."""
    return (len(text) == 1 and (text.isupper() or text.isdigit() or text in "bcde")) or text in ("II", "III", "IV")


_VACCINE_WORDS = {"vaccine", "vaccines", "vaccination", "vaccinations", "vaccinated", "shot", "shots", "jab", "jabs",
                  "immunization", "immunizations", "immunisation", "immunisations", "immunised", "immunized", "booster",
                  "boosters",
                  # "Hep B immune (vaccinated, anti-HBs 88)", "rubella immunity confirmed": protected against it
                  "immune", "immunity"}
# in a patient's text, "HIV PrEP", "malaria prophylaxis for the trip", "VTE ppx": what a prevention is against
_PREVENTION_WORDS = {"prep", "pep", "prophylaxis", "ppx", "chemoprophylaxis", "prophylactic", "prevention"}
# "OH immunisation record: hepatitis B course complete": on a line about vaccines, a course is a vaccine's
_VACCINE_COURSE = {"course", "series", "doses", "dose"}
_VACCINE_LINE = re.compile(r"immuni[sz]|vaccin", re.I)


# words that make a comma-separated item a finding of its own ("NSTEMI 4 weeks ago", "HTN well controlled")
_ASSERTING = {"ago", "since", "diagnosed", "dx", "dx'd", "controlled", "s/p", "status", "post", "treated", "on", "has",
              "had", "have", "was", "is", "were", "are", "takes", "taking", "started", "noted", "found", "showed",
              "shows", "positive", "pos", "+", "confirmed", "recent", "recently", "new", "ongoing", "worsening", "persistent"}


# words that state a finding of their own after a comma ("No active infection, recent MI"), unless
# the denied list goes on to its last item ("no CNS lupus, infection, recent surgery or malignancy")
_LIST_MODIFIERS = {"recent", "recently", "new", "ongoing", "worsening", "persistent"}


def _list_goes_on(doc: Doc, at: int) -> bool:
    """Whether an "or"/"nor" joins a last item after token ``at``, before the clause ends."""
    for token in doc[at + 1 :]:
        if token.text in (";", ".") or "\n" in token.text:
            return False
        if token.lower_ in ("or", "nor"):
            return True
    return False


# a second predicate of the same subject: "... and was treated with", "... and received", "... then had",
# "... and is on haemodialysis"
_SAME_SUBJECT = re.compile(r"[\s,]*(?:and|then|,)\s+(?:(?:was|were|is|has\s+been|had\s+been)\s+)?(?:treated|given|started|put|"
                           r"received|receives|got|gets|took|takes|underwent|had|has)\b"
                           r"|[\s,]*(?:and|then)\s+(?:(?:is|was|are|were|has\s+been|had\s+been)\s+on|needs|needed|requires|"
                           r"required|developed|died)\b", re.I)


def _shared_subject(doc: Doc, stop: int, clause_ids: list[int]) -> int:
    """Where a relative's scope ends when the clause goes on with a second predicate of theirs
    ("his sister has multiple myeloma and received BCMA CAR-T"): the end of that clause."""
    text = doc_text(doc)
    for i in range(max(0, stop - 4), min(stop + 1, len(doc))):
        if _SAME_SUBJECT.match(text, doc[i].idx + len(doc[i].text) if i < stop else doc[i].idx):
            end = stop
            while end < len(doc) and clause_ids[end] == clause_ids[stop - 1]:
                end += 1
            return end
    return stop


_FOR_AFTER = re.compile(r"(?:\s+[\w-]+){0,2}?\s+for\s+(?:(?:her|his|their|the|a|an)\s+)?$", re.I)


def _treated_for(doc: Doc, ents: list[Span], start: int, stop: int, clause_ids: list[int]) -> int:
    """A relative's treatment in scope reaches the illness it was for: "My older sister had CAR-T cells
    for lymphoma in 2023" (the lymphoma is hers too)."""
    text = doc_text(doc)
    for ent in ents:
        if ent.label_ == "THERAPY" and start <= ent.start < stop:
            nxt = next((e for e in ents if e.start >= ent.end and e.label_ == "CONDITION"), None)
            if nxt is not None and clause_ids[nxt.start] == clause_ids[ent.start] \
                    and _FOR_AFTER.fullmatch(text[ent.end_char : nxt.start_char]):
                stop = max(stop, nxt.end)
    return stop


def _own_finding(doc: Doc, start: int, stop: int) -> int:
    """Where a negation's scope ends at a comma: the first comma after ``start`` whose item
    (to the next comma or ';') carries a date, a value or a verb of its own, so it states a
    finding instead of continuing the denied list ("No active infection, NSTEMI 4 weeks ago")."""
    i = start
    while i < stop:
        if doc[i].text == "," and not (i + 1 < len(doc) and doc[i + 1].lower_ in ("or", "and", "nor", "and/or")):
            j = i + 1  # (", or Z" ends the denied list with its last item: it goes on)
            depth = 0  # what a bracket explains ("(i.e. two years post-menopausal)") is not the item's own
            joined = False  # "No chemo, steroids or radiation since then": an "or" goes on with the denied list
            while j < len(doc) and (depth or doc[j].text not in (",", ";", ".")) and "\n" not in doc[j].text:
                depth = max(0, depth + (doc[j].text in ("(", "[")) - (doc[j].text in (")", "]")))
                joined = joined or (not depth and doc[j].lower_ in ("or", "nor"))
                if not depth and not joined and doc[j].text not in (")", "]") and (doc[j].like_num or doc[j].lower_ in _ASSERTING) \
                        and not (doc[j].lower_ in _LIST_MODIFIERS and _list_goes_on(doc, j)) and not _code_number(doc, j):
                    return i
                j += 1
            i = j
        else:
            i += 1
    return stop


_SAYS_TAKEN = re.compile(r"\b(?:i|i'm|i’m|im|i've|i’ve|he|she|they|we)\s+(?:am\s+|'m\s+|have\s+|has\s+|had\s+|was\s+|were\s+|"
                         r"been\s+|also\s+|still\s+)*(?:on|taking|take|takes|took|had|got|received|used|use|uses|started)\b", re.I)


_ASKS = re.compile(r"\W*(?:[A-Z][A-Za-z.]*\s*:\s*)?(?:any|do\s+you|does\s+(?:he|she)|did\s+you|have\s+you|has\s+(?:he|she)|"
                   r"ever|anything|is\s+there|are\s+there|were\s+there|was\s+there)\b", re.I)
_SAYS_HAS = re.compile(r"\b(?:i|i['’]ve|i['’]m|im|he|she|they)\s+(?:have|has|had|am|was|got)\b", re.I)


_ASKED_ABOUT = re.compile(r"\b(?:asked|asks|asking|ask|questions?|quizzed)\s+(?:(?:me|us|him|her|them|a\s+lot|lots|loads|"
                          r"many\s+questions|in\s+detail)\s+)?(?:about|regarding)\b", re.I)


def _asked_about(doc: Doc, ents: list[Span]) -> None:
    """What the writer was asked about ("They asked a LOT about depression, seizures, stroke, cancer ...")
    is asked, not had: to the end of the sentence, unless it is theirs ("asked about my lupus")."""
    text = doc_text(doc)
    for m in _ASKED_ABOUT.finditer(text):
        if text[m.end() : m.end() + 2].lstrip().startswith(":"):
            continue  # "Other things they asked about: in 2022 she had a stroke": the answers follow
        end = _SENTENCE_END.search(text, m.end())
        stop = end.start() if end else len(text)
        for ent in ents:
            mine = ent.start > 0 and doc[ent.start - 1].lower_ in ("my", "her", "his", "their", "our")
            if m.end() <= ent.start_char < stop and ent.label_ in ("CONDITION", "THERAPY", "PREGNANCY", "LACTATION") and not mine:
                ent._.is_hypothetical = True


_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")


def _asked(doc: Doc, ents: list[Span], patient: bool = False) -> None:
    """A treatment named in a question ("Any ovulation induction trials?", "Would rituximab help?")
    is asked about, not taken, unless the question says it was ("I've had rituximab, can I join?").
    So is a condition or a pregnancy in a question put to the patient ("Any seizures, stroke?"; in a
    patient's text also "BOT: HIV, hepatitis B or C, syphilis?", "Could you be pregnant?"), not in
    one a patient asks about themself ("I have lupus, can I join?", "Can I join with my hep B?")."""
    texts = token_texts(doc)
    if "?" not in texts:
        return
    ents = sorted(ents, key=lambda e: e.start)
    firsts = [e.start for e in ents]
    start = 0
    for i, text in enumerate(texts):
        if (text in (".", "!", ";") and not _abbreviation_dot(texts, i)) or "\n" in text:
            start = i + 1
        elif text == "?":
            question = doc[start:i].text
            if not _SAYS_TAKEN.search(question):
                asks = not _SAYS_HAS.search(question) and (
                    _ASKS.match(question) is not None or (patient and not _SELF_ASKS.search(question)))
                for ent in ents[bisect_left(firsts, start) : bisect_left(firsts, i)]:  # those in the question
                    mine = ent.start > 0 and doc[ent.start - 1].lower_ in ("my", "her", "his", "their", "our")
                    if ent.label_ == "THERAPY" or (asks and ent.label_ in _ASKED_LABELS and not mine):
                        ent._.is_hypothetical = True
            start = i + 1


_ASKED_LABELS = frozenset({"CONDITION", "PREGNANCY", "LACTATION"})
_ABBREVIATED = frozenset({"etc", "e.g", "i.e", "eg", "ie", "vs", "approx", "incl", "esp"})


def _abbreviation_dot(texts: list[str], i: int) -> bool:
    """A full stop that ends an abbreviation inside a sentence ("(CAR-T, bispecifics, etc.)?")."""
    return texts[i] == "." and i > 0 and (texts[i - 1].lower().rstrip(".") in _ABBREVIATED
                                          or (i + 1 < len(texts) and texts[i + 1] in (")", ",", "?")))


# a question a patient asks about themself
_SELF_ASKS = re.compile(r"\b(?:can|could|should|would|will|may|do|does|am|is|if)\s+(?:i|me)\b|\bi['’]m\b|\bim\b|\bfor\s+me\b|"
                        r"\b(?:my|our)\b", re.I)


_EXCEPT = re.compile(r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|aside\s+from|besides|save\s+for|but)\b", re.I)
_PARTIAL = re.compile(r"[\s,:-]*(?:except(?:\s+for)?|apart\s+from|other\s+than|aside\s+from|besides|save\s+for)\b", re.I)


def _excepted_from_denial(doc: Doc, ents: list[Span], kept: list, clauses: list[int]) -> None:
    """What a patient's denial excepts is had: "No medical problems apart from asthma", "No allergies
    except bees - I had anaphylaxis from a bee sting"."""
    text = doc_text(doc)
    denials = sorted((e, s) for s, e, r in kept if r.category == "NEGATED" and r.direction in ("FORWARD", "BIDIRECTIONAL"))
    ends = [e for e, _ in denials]
    # "never received irinotecan (... but irinotecan was out of stock)": a mention with a denial of its own after it
    own = [s for s, _, r in kept if r.category == "NEGATED" and r.direction == "BACKWARD"]
    for ent in ents:
        if not ent._.is_negated or any(0 <= s - ent.end <= 2 for s in own):
            continue
        before = bisect_right(ends, ent.start)  # the denials that end before the mention; the last is the nearest
        cue = denials[before - 1] if before and clauses[denials[before - 1][1]] == clauses[ent.start] else None
        if cue is not None and _EXCEPT.search(text, doc[cue[0] - 1].idx + len(doc[cue[0] - 1]), ent.start_char):
            ent._.is_negated = False
        elif _PARTIAL.match(text, ent.end_char):
            # "No allergies except penicillin": the denial is not whole, and what it denies is not had either
            ent._.is_negated, ent._.is_hypothetical = False, True


_POSSESSIVES = frozenset({"my", "his", "her", "our", "their", "your"})
_JOINS = frozenset({"and", "but", "while", "whereas", "though", "although", ";"})


def _opens_clause(doc: Doc, start: int) -> bool:
    """A relative named as the subject of a clause joined on ("..., and my daughter has epilepsy"):
    a possessive, and before it a conjunction, at the cue."""
    i = start - 1
    while i >= 0 and doc[i].lower_ in ("little", "older", "younger", "elder", "eldest", "youngest", "oldest", "baby", "big"):
        i -= 1
    return i >= 1 and doc[i].lower_ in _POSSESSIVES and doc[i - 1].lower_ in _JOINS


_AUXILIARIES = frozenset({"was", "were", "is", "are", "been", "has", "had", "have", "then", "later", "finally"})


def _follows_mention(doc: Doc, mention_ends: set[int], start: int) -> bool:
    """A cue written after a mention it is the verb of ("Azathioprine stopped ...", "MMF was
    discontinued ..."): what follows it is a date or another item, not what it speaks of."""
    i = start
    while i > 0 and doc[i - 1].lower_ in _AUXILIARIES:
        i -= 1
    return i in mention_ends


def _back_reach(doc: Doc, start: int, scope: int) -> int:
    """The first token a backward cue at ``start`` reaches over ``scope`` tokens, not counting
    what brackets hold: "My syphilis test (RPR) was negative" reaches "syphilis"."""
    i, counted, depth = start, 0, 0
    while i > 0 and counted < scope:
        i -= 1
        text = doc[i].text
        if text in (")", "]"):
            depth += 1
        elif text in ("(", "[") and depth:
            depth -= 1
        elif not depth and not doc[i].is_space and doc[i].lower_ not in _TEST_PARTS:
            counted += 1  # (the spaces of a table's columns are not words: "HIV-1/2 Ag/Ab      non-reactive")
    return i


_NON_PREFIXED = re.compile(r"non[\s-]?", re.I)
_DASHES = ("-", "–", "—")


def _dash_after_result(doc: Doc, ents: list[Span], start: int, end: int) -> bool:
    """A denial that follows a mention it reads ("HIV negative", "fever no") and is followed by a dash
    set apart by spaces: the dash separates items, so the denial does not reach the next one ("HIV
    negative - started on tenofovir"). With no mention before it the denial reads what follows the
    dash ("Serology negative - HIV, HBV, HCV"); a relative named before a dash is whose the next item
    is ("father - hypertension"), so only denials are ended."""
    if end >= len(doc) or doc[end].text not in _DASHES or not (doc[end - 1].whitespace_ and doc[end].whitespace_):
        return False
    lo = _back_reach(doc, start, 2)
    return any(lo < e.end <= start for e in ents)  # (its last token within reach, as a backward cue reads)


def _forward_reach(doc: Doc, end: int, scope: int) -> int:
    """Where a forward cue ending at ``end`` stops after ``scope`` tokens, not counting what brackets
    hold: "His wife (my kaki) also tested positive and started ART" reaches "ART" as it would without them."""
    i, counted, depth = end, 0, 0
    while i < len(doc) and counted < scope:
        text = doc[i].text
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]") and depth:
            depth -= 1
        elif not depth and not doc[i].is_space:
            counted += 1
        i += 1
    return i


# the words naming which test of an infection: "EBV VCA IgM negative" reaches "EBV"
_TEST_PARTS = frozenset({"igm", "igg", "iga", "vca", "ebna", "ab", "ag", "pcr", "dna", "rna", "antibody", "antibodies",
                         "antigen", "serology", "titre", "titer", "culture", "elisa", "viral", "load"})


_CAUSED_BY = re.compile(r"\s*(?:from|due\s+to|caused\s+by|secondary\s+to|because\s+of|related\s+to|after)\s+"
                        r"(?:(?:his|her|their|chronic|untreated)\s+)?", re.I)


def line_of(doc: Doc, span: Span) -> str:
    """The line of text ``span`` is on."""
    text = doc_text(doc)  # (kept on the document: ``doc.text`` builds the whole text again at each call)
    return text[text.rfind("\n", 0, span.start_char) + 1 : (text.find("\n", span.end_char) + 1 or len(text) + 1) - 1]


# a line of vaccines ("Immunizations: Ixiaro (inactivated Japanese encephalitis)"), and a vaccine's kind before
# the disease it is against ("inactivated flu")
_IMMUNIZATION_LINE = re.compile(r"\s*(?:[-•*]\s*)?(?:immuni[sz]ations?|vaccinations?|vaccines?|vaccine\s+history|immuni[sz]ation\s+record)\s*[:\-–]", re.I)
_VACCINE_KIND_BEFORE = re.compile(r"\b(?:inactivated|live[\s-]+attenuated|attenuated|conjugate|recombinant|toxoid|subunit)\s+(?:\w+\s+)?$", re.I)


# what a treatment is for in general, said to explain it: "a drug also used for cancer", "the same idea they use
# for leukemia", "originally developed to treat lymphoma" (not "used for my lupus": a possessive is the patient's)
_GENERAL_USE_BEFORE = re.compile(
    r"(?:\b(?:also|originally|usually|normally|typically|commonly|mainly|mostly|primarily|often|first)\s+"
    r"(?:be\s+|been\s+)?(?:used|given|prescribed|approved|developed|designed|made|licensed)"
    r"|\b(?:they|doctors|oncologists|people|hospitals)\s+(?:also\s+|normally\s+|usually\s+|already\s+)?"
    r"(?:use|give|prescribe)(?:\s+(?:it|them|this|these|that))?"
    r"|\b(?:a|an|the\s+same)\s+(?:[\w-]+\s+){1,3}?(?:used|given|prescribed|approved|developed|designed))"
    r"\s+(?:for|to\s+treat|against|in)\s+(?:(?:some|certain|other|many|most)\s+)?"
    r"(?:(?:kinds?|types?|forms?|cases?)\s+of\s+)?(?:people\s+with\s+|patients\s+with\s+)?$", re.I)
# "(originally a lymphoma drug)", "also a cancer medicine": the disease names the drug's kind
_GENERAL_KIND_BEFORE = re.compile(r"\b(?:also|originally|usually|normally|typically|mainly|actually|really)\s+(?:a|an)\s+$", re.I)
_DRUG_WORDS = {"drug", "drugs", "medicine", "medicines", "medication", "medications", "pill", "pills"}


def _named_as_use(doc: Doc, ent: Span) -> bool:
    """Whether a condition in a patient's text is named as what a treatment is for in general, to explain the
    treatment, not as one the patient has: "a drug also used for cancer", "the same idea they use for leukemia",
    "Rituximab (originally a lymphoma drug)"."""
    text = doc_text(doc)
    start = ent.start_char
    if _GENERAL_USE_BEFORE.search(text, max(0, start - 80), start):
        return True
    following = doc[ent.end].lower_ if ent.end < len(doc) else ""
    return following in _DRUG_WORDS and bool(_GENERAL_KIND_BEFORE.search(text, max(0, start - 25), start))


def _prevented(doc: Doc, ent: Span, patient: bool) -> bool:
    """Whether a condition is named as what a vaccine or a prevention is against, not as one had: "the hep B
    vaccine", "flu shot", "OH immunisation record: hepatitis B course complete", and in a patient's text "HIV
    PrEP", "malaria prophylaxis" ("secondary stroke prevention" is after one), a line of vaccines, "inactivated
    Japanese encephalitis"."""
    following = doc[ent.end].lower_ if ent.end < len(doc) else ""
    if following in _VACCINE_WORDS or (following in _VACCINE_COURSE and _VACCINE_LINE.search(line_of(doc, ent))):
        return True
    if not patient:
        return False
    if following in _PREVENTION_WORDS and (ent.start == 0 or doc[ent.start - 1].lower_ != "secondary"):
        return True
    if following == "series":
        return True  # "I had the hep B series in college", "HPV series done": a vaccine's course of doses
    text = doc_text(doc)
    return bool(_VACCINE_KIND_BEFORE.search(text, max(0, ent.start_char - 25), ent.start_char)
                or _IMMUNIZATION_LINE.match(text, text.rfind("\n", 0, ent.start_char) + 1))


def _mark_reach(doc: Doc, start: int, scope: int) -> int:
    """The first token a checklist mark at ``start`` reaches: up to ``scope`` words of its own
    item, stopping at a bracket or a separator."""
    i, counted = start, 0
    while i > 0 and counted < scope:
        tok = doc[i - 1]
        if tok.is_space:
            i -= 1
            continue
        if tok.is_punct and tok.text not in ("-", "/"):
            break
        i -= 1
        counted += 1
    return i


def _slash_joined(doc: Doc, i: int) -> bool:
    """Token ``i`` is a word written against a slash: "HIV/HBsAg/HCV/TPPA neg", "HIV/hep neg"."""
    tok = doc[i]
    if not tok.text.isalnum():
        return False
    before = i > 0 and doc[i - 1].text == "/" and not doc[i - 1].whitespace_
    after = i + 1 < len(doc) and doc[i + 1].text == "/" and not tok.whitespace_
    return before or after


_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")
# "AgHBs", "HBsAg": a test in mixed case, between two items of a result list (not the last item: "chronic HBV,
# HBeAg neg" denies only the e antigen)
_CJK_WORD = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # a test named in Chinese or Japanese: "梅毒 均阴性"
_MIXED_ACRONYM = re.compile(r"(?=(?:[a-z0-9]*[A-Z]){2})[A-Za-z][A-Za-z0-9]{2,7}")


_PRONOUNS = {"it", "they", "those", "these"}
# a date and the word that brings it, between tests and their result
_DATE_WORD = re.compile(r"\d{1,4}(?:[-/.]\d{1,2}){0,2}(?:st|nd|rd|th)?|from|on|dated|of|in|at|done|drawn|taken|[(),-]|"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|"
                        r"the|last|this|my|his|her|their|clinic|visit|baseline|labs?|appointment|draw|panel|admission|checkup", re.I)
_OWN_RESULT = re.compile(r"\b(?:positive|pos|reactive|detected)\b|\+$", re.I)


def _bracket_opening(doc: Doc, close: int, reach: int = 12) -> int | None:
    """The token opening the bracket that token ``close`` closes, within ``reach`` tokens."""
    depth = 0
    for j in range(close, max(-1, close - reach), -1):
        text = doc[j].text
        if text in (")", "]"):
            depth += 1
        elif text in ("(", "["):
            depth -= 1
            if depth == 0:
                return j
    return None


def _place_before(doc: Doc, end: int) -> int | None:
    """The start of "from the Uniklinik", "at St Mary's", "by LabCorp" ending at token ``end``: a preposition, maybe
    "the", then one to three capitalised words; None when the tokens before ``end`` are no such place."""
    i = end
    while i > 0 and end - i < 3 and (doc[i - 1].is_title or doc[i - 1].is_upper or doc[i - 1].text in ("'s", "’s")) \
            and not doc[i - 1].is_punct:
        i -= 1
    if i == end or i == 0:
        return None
    if doc[i - 1].lower_ == "the":
        i -= 1
    return i - 1 if i > 0 and doc[i - 1].lower_ in ("from", "at", "by") else None


_TYPE_MARK = re.compile(r"(?:I{1,2}|[12])(?:[&/+](?:I{1,2}|[12]))?")  # "HIV I&II", "HTLV 1/2": which types of the virus a test looks for


def _list_scope(doc: Doc, ents: list[Span], start: int, clause_ids: list[int]) -> list[Span]:
    """Entities of the coordinated list that ends just before token ``start``:
    walking left over entities and list words, within the clause."""
    by_end = {e.end: e for e in ents}
    words = list_words()
    found: list[Span] = []
    i, pronoun = start, False
    while i > 0 and clause_ids[i - 1] == clause_ids[min(start, len(doc) - 1)]:
        ent = by_end.get(i)
        pronoun = pronoun or (i < start and doc[i].lower_ in _PRONOUNS)
        if ent is not None and found and _OWN_RESULT.search(ent.text):
            break  # "HIV positive (dx 2018), HBsAg neg": an item with its own result ends the list
        if ent is not None:
            # past the first entity a result list holds tests ("HIV, hepatitis B and C negative"),
            # not "hypertension and diabetes, HIV negative"
            # ("HIV, hepatitis and syphilis tests negative": a bare "hepatitis" among tests is its serologies)
            # ("... and it was all negative": over a pronoun, even the first item must be a test;
            # "I have lupus and it was negative" does not deny the lupus)
            if (found or pronoun) and not ((ent.label_ == "CONDITION" and (is_infection(ent.ent_id_) or ent.ent_id_ == "hepatitis"
                                                                           or ent.ent_id_.endswith((" antibody", " antigen"))))
                                           or ent.label_ in ("LAB", "TEST")
                                           or (ent.label_ == "PREGNANCY" and "test" in ent.text.lower())):
                break
            found.append(ent)
            i = ent.start
        elif doc[i - 1].text in (")", "]") and (opened := _bracket_opening(doc, i - 1)) is not None \
                and clause_ids[opened] == clause_ids[i - 1] and (found or i - 1 - opened <= 4):
            # "VHB (Ag HBs and anti-HBc negative), VHC and syphilis (TPHA/VDRL) are negative": an aside
            # (a short one right before the cue, "syphilis (RW) - all negative", too; past it the first
            # item must be a test, as past a pronoun)
            pronoun = pronoun or not found
            # "Virology (HIV, HBsAg, anti-HBc, HCV) and syphilis negative": an aside that is itself a list of tests
            inside = [e for e in ents if opened < e.start and e.end <= i - 1]
            if found and inside and all(e.label_ == "CONDITION" and (is_infection(e.ent_id_) or e.ent_id_.endswith((" antibody", " antigen")))
                                        for e in inside) \
                    and all(t.lower_ in words or t.is_space for t in doc[opened + 1 : i - 1] if not any(e.start <= t.i < e.end for e in inside)):
                found.extend(inside)
            i = opened
        elif not found and (at := _place_before(doc, i)) is not None:
            # "HIV, hepatitis tests from the Uniklinik negative (Sept)": where the tests were done (past it, as past a
            # date, even the first item must be a test)
            i, pronoun = at, True
        elif not found and _DATE_WORD.fullmatch(doc[i - 1].text):
            # "HIV, hepatitis B/C and syphilis tests from 2026-11-20 negative": when the tests were done
            # (past a date, even the first item must be a test: "I have lupus, tested in 2020 negative")
            i, pronoun = i - 1, True
        elif _TYPE_MARK.fullmatch(doc[i - 1].text) and i > 1 and (i - 1 in by_end or doc[i - 2].text in ("&", "/", "+")):
            i -= 1  # "HBsAg, anti-HCV, HIV I&II, VDRL - non-reactive": the types of a test named after it
        elif doc[i - 1].lower_ in words or doc[i - 1].is_space or _elided(doc[i - 1].text) or _slash_joined(doc, i - 1) \
                or ((_ACRONYM.fullmatch(doc[i - 1].text) or (found and _MIXED_ACRONYM.fullmatch(doc[i - 1].text))
                     or _CJK_WORD.search(doc[i - 1].text)
                     or (doc[i - 1].is_alpha and doc[i - 1].is_lower))
                    and i > 1 and doc[i - 2].lower_ in (",", "and", "or", "/", "&")):
            # a list word, an elided letter ("hepatitis B/C"), a test we do not know in a slash list
            # ("HIV/TPPA neg") or as a listed acronym or word ("anti-HCV, HIV and CMV IgG negative",
            # "HIV, hepatitis B/C and treponemal tests negative")
            i -= 1
        else:
            break
    return found


def _clause_bounds(doc: Doc, exception: bool = False) -> list[int]:
    """Clause id per token: ';' and sentence ends split clauses (only sentence ends for exceptions)."""
    ids, current = [], 0
    texts = token_texts(doc)
    n = len(texts)
    for i, text in enumerate(texts):
        ids.append(current)
        if text == ";" and not exception:
            current += 1
        elif text in (".", "!", "?") and (i + 1 == n or texts[i + 1][:1].isupper() or texts[i + 1].isspace() or doc[i + 1].like_num):
            current += 1
        elif "\n" in text:
            current += 1
    return ids


def _list_end(doc: Doc, ents: list[Span], stop: int, clause_ids: list[int]) -> int:
    """Where the coordinated list running through token ``stop`` ends, within the clause."""
    by_start = {e.start: e for e in ents}
    inside = next((e for e in ents if e.start < stop < e.end), None)
    i = inside.end if inside else stop
    words = list_words()
    texts = token_texts(doc)
    last = i
    while i < len(doc) and clause_ids[i] == clause_ids[stop - 1]:
        ent = by_start.get(i)
        if ent is not None:
            i = last = ent.end
        elif (lower := texts[i].lower()) in words or lower in ("alcohol", "drug") or _elided(texts[i]):
            i += 1
        elif (item := _unknown_item(doc, i, by_start)) is not None:
            i = item  # "no fever, chills, cough, ... or suicidal thoughts": a listed symptom we have no name for
        else:
            break
    return max(stop, last)


def _unknown_item(doc: Doc, i: int, by_start: dict) -> int | None:
    """The end of a short comma item of one to three plain words starting at ``i`` that the list goes
    on after ("chills," in a review of systems), else None. The item must be followed by a comma
    or "or"/"and" and then more of the list, so a clause of its own is never taken for one."""
    texts, n = token_texts(doc), len(doc)
    # in a patient's text, a drug's code or numbered name too: "never received suramin, ribavirin, HPA 23, foscarnet,
    # ansamycin, interleukin-2, interferon" (not in a criterion's, where codes are stages and subtypes: "not M5 or M6")
    codes = "section" not in doc.user_data
    j = i
    while j < n and j - i < 3 and j not in by_start and texts[j] not in ("or", "and") and (
            (texts[j].isalpha() and texts[j].islower())
            or (codes and (_DRUG_CODE.fullmatch(texts[j]) or _code_letters(texts, j) or _code_number(doc, j)))):
        j += 1
    if j == i or j >= n - 1 or (texts[j] not in (",", "or", "and") and j not in by_start):
        return None  # (a word before a name is its modifier: "focal weakness")
    if texts[i] in ("but", "which", "who", "with", "has", "had", "is", "was", "now", "since", "on", "except"):
        return None
    if any(texts[k] in _ASSERTING_MODIFIERS for k in range(i, j)):
        return None  # "No fever, recent stroke in May": a finding of its own, not one more denied
    return j


# a code with its number ("AZD2171", "SU-5416") or a numbered name ("interleukin-2")
_DRUG_CODE = re.compile(r"[A-Z]{1,5}-?\d{2,7}[A-Za-z]?|[a-z]{2,}-\d{1,3}")


_CODE_LETTERS = re.compile(r"[A-Z]{2,5}")


def _code_letters(texts: list[str], j: int) -> bool:
    """The letters of a code whose number is the next word: "HPA" of "HPA 23"."""
    return j + 1 < len(texts) and bool(_CODE_LETTERS.fullmatch(texts[j])) and texts[j + 1].isdigit()


def _code_number(doc: Doc, j: int) -> bool:
    """In a patient's text, a number that is part of a drug's code ("HPA 23"), not a value: it follows a code's
    letters that name nothing we read (a test's name, "CRP 23", is read, and its number is its value)."""
    return "section" not in doc.user_data and j > 0 and doc[j].text.isdigit() and _code_letters(token_texts(doc), j - 1) \
        and not doc[j - 1].ent_type_


_ASSERTING_MODIFIERS = {"recent", "recently", "new", "known", "current", "ongoing", "active", "persistent", "worsening",
                        "progressive", "prior", "previous", "old", "chronic", "untreated", "uncontrolled", "residual"}


_COMPOUND_ENDS = {"related", "associated", "induced", "negative", "positive", "naive", "naïve", "refractory", "dependent",
                  "resistant", "sensitive", "mediated", "containing", "based", "free", "like", "type"}


def _completes_compound(word: str) -> bool:
    """The word a suspended hyphen waits for: "CYC- or methotrexate- induced", "ER- and PR- negative"."""
    return word.islower() and (word in _COMPOUND_ENDS or word.endswith("ed"))


def _anchor(pattern: tuple) -> tuple[frozenset[str], ...] | re.Pattern:
    """What a text must hold for ``pattern`` to match in it: for each required token given by
    words, one of them (all must be there: "[N]" needs a bracket and "n"); for a token given by
    an expression, that expression."""
    required: list[frozenset[str]] = []
    expression: re.Pattern | None = None
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT", "NORM"):
            value = token.get(attr)
            if isinstance(value, dict) and "REGEX" in value:
                # tested against each token, as the Matcher does: stripped of "^...$" and searched in the
                # whole text, "(?:\d+)?(?:years?|...|y)" held in any text with a "y"; only when no token is
                # given by words (a pass over every token of every text: the words are a set test)
                expression = expression or re.compile(value["REGEX"], 0 if attr in ("ORTH", "TEXT") else re.I)
                continue
            words = {value} if isinstance(value, str) else set(value.get("IN", ())) if isinstance(value, dict) else set()
            if words:
                # the lowercase forms too: the words are tested against both
                required.append(frozenset(words | {w.lower() for w in words}))
    if not required:
        return expression or re.compile("")  # no required word: always run
    # the rarest first: most texts are turned away by the first test
    return tuple(sorted(set(required), key=lambda ws: (sum(2 if not w[:1].isalnum() else w in STOP_WORDS for w in ws), len(ws))))


def _word_before(doc: Doc, start: int) -> bool:
    """Whether a word precedes token ``start`` within its clause (back to ';', '.' or a line break)."""
    texts = token_texts(doc)
    depth = 0  # (a point inside brackets ends nothing: "HIV (4.ª gen.)   No reactivo")
    for i in range(start - 1, -1, -1):
        text = texts[i]
        if text == ")":
            depth += 1
        elif text == "(" and depth:
            depth -= 1
        elif (text in (";", ".") and not depth) or "\n" in text:
            return False
        if any(ch.isalnum() for ch in text):
            return True
    return False


def _sign(doc: Doc, start: int, end: int) -> bool:
    """A sign cue written against the word before it and ending that word ("HIV-,", "HBsAg- "),
    not a suspended hyphen ("CYC- or methotrexate- induced pneumonitis")."""
    attached = start > 0 and not doc[start - 1].whitespace_
    ends = end == len(doc) or bool(doc[end - 1].whitespace_) or (doc[end].is_punct and doc[end].text not in "-(")
    if not (attached and ends):
        return False
    j = end  # walk "X- or Y- ..." to the word after its last hyphen
    while j < len(doc) and doc[j].lower_ in (",", "or", "and", "and/or", "/"):
        k = next((k for k in range(j + 1, min(j + 5, len(doc))) if doc[k].text == "-"), None)
        if k is None:
            break
        j = k + 1
    return not (j < len(doc) and _completes_compound(doc[j].text))


class ContextComponent:
    def __init__(self, nlp: Language, name: str = "matcher_context"):
        self.name = name
        self.rules = load_rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        # a token pattern costs every document a pass of spaCy's Matcher (several µs each, most of
        # the component's time with thirty of them): each has its own, run only on a text holding
        # one of the words (or the expression) it cannot match without
        self.patterns: list[tuple[tuple[frozenset[str], ...] | re.Pattern, Matcher]] = []
        for i, rule in enumerate(self.rules):
            if rule.pattern is None:
                self.matcher.add(str(i), [nlp.make_doc(rule.literal)])
            else:
                matcher = Matcher(nlp.vocab)
                matcher.add(str(i), [list(rule.pattern)], greedy="LONGEST")
                self.patterns.append((_anchor(rule.pattern), matcher))
        # which patterns a word can open: testing every pattern's anchor on every document cost
        # more than the matchers it spared (a set test per pattern, 81 of them, for one run)
        self._by_word: dict[str, list[int]] = {}
        self._by_expression: list[int] = []
        self._literal: dict[int, str] = {}  # an expression's leading letters ("NCT" of "^NCT\d{8}$"): a text without them is passed
        for k, (anchor, _) in enumerate(self.patterns):
            if isinstance(anchor, re.Pattern):
                self._by_expression.append(k)
                if (lead := re.match(r"\^?([A-Za-z]+)(?![*?{|])", anchor.pattern)) is not None and "|" not in anchor.pattern:
                    self._literal[k] = lead.group(1).lower() if anchor.flags & re.I else lead.group(1)
            else:
                for word in anchor[0]:
                    self._by_word.setdefault(word, []).append(k)

    def _pattern_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The matches of the token patterns whose anchors ``doc`` holds, in the patterns' order."""
        texts = token_texts(doc)
        words = set(texts)
        words.update([t.lower() for t in texts])
        candidates = set(self._by_expression)
        for word in words:
            opened = self._by_word.get(word)
            if opened:
                candidates.update(opened)
        matches: list[tuple[int, int, int]] = []
        for k in sorted(candidates):
            anchor, matcher = self.patterns[k]
            if k in self._literal and self._literal[k] not in (doc_text(doc).lower() if anchor.flags & re.I else doc_text(doc)):
                continue
            if (any(map(anchor.search, texts)) if isinstance(anchor, re.Pattern)
                    else all(not needed.isdisjoint(words) for needed in anchor[1:])):
                matches += matcher(doc)
        return matches

    def __call__(self, doc: Doc) -> Doc:
        cues = []
        matches = list(self.matcher(doc))
        if self.patterns:
            matches += self._pattern_matches(doc)
        for match_id, start, end in matches:
            rule = self.rules[int(doc.vocab.strings[match_id])]
            if rule.sign and not _sign(doc, start, end):
                continue  # a sign is a result only against its test: "HIV-", not "HIV - stable" or "IL-6"
            cues.append((start, end, rule))
        # a cue inside an entity ("non-melanoma", "negative" in a test name) is part of its name
        ents = list(doc.ents)
        for ent in ents:
            if ent.label_ == "PREGNANCY" and _NON_PREFIXED.match(ent.text):
                ent._.is_negated = True  # "Nonpregnant Females", "non-pregnant": a denial in the word itself
        inside = lambda s, e: any(ent.start <= s and e <= ent.end for ent in ents)  # noqa: E731
        cues = [c for c in cues if not inside(c[0], c[1])]
        # a backward cue with no word before it in its clause has nothing to modify, and must not
        # hide a forward one it overlaps ("Are negative for hepatitis B surface antigen")
        cues = [c for c in cues if not (c[2].direction == "BACKWARD" and not _word_before(doc, c[0]))]
        # ... nor may an answer "no (" that is not right after a mention ("there was no (significant) bleeding":
        # the "no" reaches forward; "depression no (psicóloga yes)" is an answer). (A "no," or "No." after no
        # mention stays: it answers what came before and stops the "no" reaching forward, "Any drain? No. cataract")
        cues = [c for c in cues if not (c[2].mark and doc[c[1] - 1].text == "(" and not any(e.end == c[0] for e in ents))]
        patient = "section" not in doc.user_data  # a patient's text (a criterion's has its section)
        if not patient:
            # before overlaps are settled: a patient's rule must not hide a criterion's cue it overlaps
            cues = [c for c in cues if not c[2].patient_only]
        # the longest cue wins where cues overlap ("no history of" over "no", "history of")
        cues.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        kept: list = []
        for cue in cues:
            if kept and cue[0] < kept[-1][1] and cue[:2] != kept[-1][:2]:
                continue  # the same words may carry two rules ("negative": before and after)
            kept.append(cue)
        # a terminator or pseudo-cue is labelled by what it does, not by the category it ends
        doc.spans["cues"] = [Span(doc, s, e, label=r.direction if r.direction in ("TERMINATE", "PSEUDO") else r.category)
                             for s, e, r in kept]
        if not ents:
            return doc
        for ent in ents:
            if ent.label_ == "CONDITION" and (_prevented(doc, ent, patient) or (patient and _named_as_use(doc, ent))):
                ent._.is_hypothetical = True
        _asked(doc, ents, patient)
        if patient:
            _asked_about(doc, ents)
        clauses = _clause_bounds(doc)
        sentences = _clause_bounds(doc, exception=True)
        terminates = lambda r, category: r.direction == "TERMINATE" and r.category in ("TERMINATE", category)  # noqa: E731
        # results read first: "No fever; HBsAg positive" keeps HBsAg asserted
        kept.sort(key=lambda c: c[2].category != "AFFIRMED")
        # a caregiver writing about "my dad": dad is the patient, not a relative
        described = doc.user_data.get("described", ())
        kept = [c for c in kept if not (c[2].category == "FAMILY" and doc[c[0]:c[1]].text.lower() in described)]
        mention_ends = {e.end for e in ents}
        for start, end, rule in kept:
            if rule.direction in ("TERMINATE", "PSEUDO"):
                continue
            bounds = sentences if rule.category == "EXCEPTION" else clauses
            attr = CATEGORY_ATTR[rule.category]
            terminators = [s for s, _, r in kept if terminates(r, rule.category)]
            if rule.category == "FAMILY":
                # "her brother, who has end-stage kidney disease": a relative clause describes the relative
                terminators = [t for t in terminators if not (end <= t <= end + 1 and doc[t].lower_ in ("who", "whose"))]
            if rule.direction in ("FORWARD", "BIDIRECTIONAL"):
                stop = min([t for t in terminators if t >= end] + [_forward_reach(doc, end, rule.max_scope), len(doc)])
                if end < len(doc) and doc[end].text in (".", ";"):
                    stop = end  # "HBsAg negative. hep C came back positive": a cue that ends its sentence reaches nothing after
                ended = rule.category == "NEGATED" and _dash_after_result(doc, ents, start, end)
                if ended:
                    stop = end  # "VZV IgG negative - varicella vaccine given 20-Nov": the dash ends the result's item
                if rule.category == "NEGATED" and stop < len(doc) and stop not in terminators and not ended:
                    stop = _list_end(doc, ents, stop, clauses)  # "No history of A, B, ..., or Z"
                if rule.category == "NEGATED":
                    stop = min(stop, _own_finding(doc, end, stop))  # "No CHF, HTN well controlled"
                if rule.category == "EXCEPTION":
                    stop = end + rule.max_scope
                if rule.category == "HISTORICAL" and _follows_mention(doc, mention_ends, start):
                    stop = end  # "Azathioprine stopped 16/11/26, prednisolone daily": said of the mention before it
                if rule.category == "FAMILY" and stop < len(doc) and stop not in terminators:
                    stop = _shared_subject(doc, stop, clauses)  # "My mother had breast cancer and was treated with tamoxifen"
                    stop = _treated_for(doc, ents, end, stop, clauses)  # "My sister had CAR-T cells for lymphoma"
                for ent in ents:
                    # what follows the cue, or lies within its words ("on the transplant waiting list")
                    within = start <= ent.start and ent.end <= end
                    if within or (end <= ent.start < stop and bounds[ent.start] == bounds[min(end, len(doc) - 1)]):
                        if (rule.allowed_types is not None and ent.label_ not in rule.allowed_types) or ent.ent_id_ in rule.not_concepts:
                            continue  # "referred for CAR-T" plans a treatment; "referred for chest pain" has it
                        if not (attr == "is_negated" and ent._.is_affirmed):
                            setattr(ent._, attr, True)
            if rule.direction in ("BACKWARD", "BIDIRECTIONAL") and rule.category == "NEGATED" and start \
                    and doc[start - 1].lower_ in ("a", "an", "the"):
                continue  # "Positive pregnancy test: A negative urine pregnancy test ...": it names what follows
            if rule.direction in ("BACKWARD", "BIDIRECTIONAL"):
                reach = _mark_reach(doc, start, rule.max_scope) if rule.mark else _back_reach(doc, start, rule.max_scope)
                lo = max([t + 1 for t in terminators if t < start] + [reach, 0])
                if rule.category == "FAMILY" and _opens_clause(doc, start):
                    lo = start  # "I have lupus, and my daughter has epilepsy": the relative is a new clause's subject
                if rule.category == "HISTORICAL" and start and doc[start - 1].lower_ in ("and", "but"):
                    lo = start  # "I have lupus, and a long time ago I broke my leg": the time opens the clause that follows
                # an entity is in scope when its last token is: "anti-HBc pos (resolved)" reaches
                # the three tokens of anti-HBc as "resolved" reaches "HBV (resolved)"
                scope = [e for e in ents if lo < e.end <= start and bounds[e.end - 1] == bounds[start]]
                if len(scope) > 1:
                    # "HBsAg positive, HBV DNA undetectable": a mention with a result of its own keeps it
                    nearest = max(scope, key=lambda e: e.end)
                    scope = [e for e in scope if e is nearest or not _OWN_RESULT.search(e.text)]
                if rule.list:
                    scope += _list_scope(doc, ents, start, bounds)
                for ent in scope:
                    if (rule.allowed_types is not None and ent.label_ not in rule.allowed_types) or ent.ent_id_ in rule.not_concepts:
                        continue
                    if not (attr == "is_negated" and ent._.is_affirmed):
                        setattr(ent._, attr, True)
        # "my uncle died of liver cancer from hepatitis B": the cause of a relative's illness is theirs too
        # ... and so is a second predicate of theirs that runs past the cue's reach ("her brother, who has end-stage
        # kidney disease from IgA nephropathy and is on haemodialysis")
        for before, ent in zip(ents, ents[1:]):
            if before._.is_family and not ent._.is_family and (
                    _CAUSED_BY.fullmatch(doc.text, before.end_char, ent.start_char)
                    or ((m := _SAME_SUBJECT.match(doc.text, before.end_char)) is not None and m.end() <= ent.start_char
                        and re.fullmatch(r"\s*(?:(?:a|an|the|regular|chronic|maintenance)\s+)?", doc.text[m.end() : ent.start_char]))):
                ent._.is_family = True
        if patient:
            _excepted_from_denial(doc, ents, kept, clauses)
        return doc


@Language.factory("matcher_context")
def make_context(nlp: Language, name: str) -> ContextComponent:
    return ContextComponent(nlp, name)
