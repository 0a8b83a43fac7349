"""Split a ClinicalTrials.gov eligibility text into inclusion/exclusion criteria.

``split_criteria(text)`` returns one :class:`~matcher.models.Criterion` per
criterion, numbered ``inc-1, inc-2, ...`` / ``exc-1, ...`` in text order within
its section (the list itself is in text order).  ``start``/``end`` are offsets
into ``text`` itself (``\\r\\n`` kept), so ``text[c.start:c.end]`` is the
criterion as written: it starts after the list marker and ends at the last
non-space character.  ``c.text`` is that span with whitespace folded to single
spaces, except where a subhead or lead-in is prefixed or sub-items are grouped
(below); the words of the span as written then end ``c.text``.
``constraints`` is left empty.  Only regular expressions are used (the 6,786
texts of the legacy corpus split in about 3 s), and no ``str`` makes it raise.

Reading the text
----------------
* Lines are grouped into *units*: one list item or one paragraph.  A line
  continues the unit above it when it is a wrapped line: the legacy XML
  renderer hard-wraps at 99 columns, so a line follows on when its first word
  would not have fitted on the line above (even when that word looks like a
  marker, "G. Magnuson", "(16) unless").  In unwrapped (API v2) texts a line
  follows on when it is indented under a list item's text, or when the line
  above ends in a connective ("with", ",").  Blank lines and list markers
  (``-``, ``*``, ``o``, unicode bullets, ``1.``, ``1)``, ``(a)``, ``a.``,
  ``iv)``, ``1.2.``, ``1.Age``) start a new unit; "1.5 times ULN" or "18 years"
  do not.
* Section headers switch the section: "Inclusion Criteria", "KEY EXCLUSION
  CRITERIA:", "Exclusion criteria include:", "Inclusion criteria for donors:",
  "Exclusion Criteria -", "- INCLUSION CRITERIA:", "Criteria for exclusion",
  "Healthy Controls Exclusion Criteria:", and inside prose "... are eligible.
  Exclusion criteria include visual acuity worse than 20/25".  Text after a
  header on the same line is a criterion.  "Eligibility Criteria" and
  "Inclusion/Exclusion Criteria" are dropped without changing the section.
  Text before any header is inclusion, so a text without headers is all
  inclusion.
* Lead-in sentences ending in ":" that announce a section ("Patients will not
  be eligible for this study if they:", "Patients with the following are
  excluded:", "Patients must meet the following criteria:") act as headers when
  the text does not have both an explicit Inclusion and Exclusion header.
  Otherwise they are dropped when they agree with the current section and
  kept as a lead-in prefix (below) when they contradict it.  NIAID's
  "Patients with the following conditions are excluded." (with a full stop)
  is dropped too under an exclusion header.
* Placeholders are dropped: "Not specified", "None", "N/A", "nil", "See
  Disease Characteristics", "No eligibility criteria", "Other protocol-defined
  inclusion/exclusion criteria may apply", also after a subhead ("Biologic
  therapy: Not specified"); so are lines that are only "AND" or a marker.
* Unnumbered prose paragraphs are split into sentences.  List items are
  never split, neither on ";" nor into sentences: one list item is one
  criterion.

Old NCI (PDQ) style
-------------------
"DISEASE CHARACTERISTICS:", "PATIENT CHARACTERISTICS:", "PRIOR CONCURRENT
THERAPY:", "PROTOCOL ENTRY CRITERIA:" and "--Disease Characteristics--" are
headers that leave the section alone, so all such items are inclusion even
when they read "No brain metastases" (the constraint parser turns "No X" into
``forbid``).  These section headers are never prefixed to items: items
under PRIOR CONCURRENT THERAPY say "prior" / "concurrent" themselves, and the
subheads under it name the therapy ("Chemotherapy: At least 4 weeks since
...").

Subheads ("Age:", "Age", "Performance status:", "Life expectancy:", "Hepatic:",
"Biologic therapy:", "Other:", NIAID "Concurrent Medication:", "Co-existing
Condition:"; the known labels of ``_NCI_LABELS``) are not criteria by
themselves, but they are the only cue to what "18 and over", "ECOG 0-2" or "At
least 12 weeks" measures, so they are prefixed to the items below them, as
written plus ":": "Age:" / "- 18 and over" gives ``text = "Age: 18 and
over"`` with ``start``/``end`` covering "18 and over" only.  A subhead reaches
the items indented under it, or in the paragraph style (subhead and items at
the same indent) the paragraphs up to the next subhead; it stops at a unit
left of it, at an unmarked paragraph back at its indent after indented items,
at a paragraph that carries its own label, and at any header.  An item that
already starts with the subhead ("Age 18 and over", "Ages 18-65") or with a
known label and ":" is not prefixed again.  A section lead-in right below a
subhead ("Co-existing Condition:" / "Patients with the following are
excluded:") leaves the subhead in force.  Lead-ins under a subhead come after
it: "Other: No other malignancy within 5 years except: A; B".  Other short
headings ("Donor:", "Arm B:", "NOTE:", "Eligible Stages Include:") are not
prefixed.  A subhead with content on the same line is kept as written, label
included ("Age: 18 and over", "Hepatic: Bilirubin no greater than 1.5 mg/dL").

Paragraphs where the old renderer ran items together ("PATIENT
CHARACTERISTICS: Age: 18 to 65 Performance status: WHO 0-2 Hepatic: ...
Other: Not pregnant No prior malignancies ...") are cut before each known
subhead, after ";" and before a capitalised "No", "Not", "At least", "Prior",
"Concurrent"; long ones also before a capitalised word that follows a
lower-case content word ("... ribs 1 and 2 Superior sulcus tumor ...") except
shortly after "except:" / "e.g.:" / "1 of the following:".  The pieces cut
after a subhead get it as prefix ("Other: No prior malignancies ..."), up to
the end of the paragraph.  This is heuristic: a run-on paragraph has lost the
item boundaries and some cuts will be off.

Nested items
------------
A sub-item is its own criterion unless its parent is a lead-in ending in ":"
that changes what the sub-item means:

* Parent is a lead-in ending in ":" ("Adequate organ function defined as:",
  "No obvious contraindication to anticoagulation, including the following:",
  "For entry into late induction therapy:"): each sub-item becomes its own
  criterion with ``text = "<lead-in> <sub-item>"``; ``start``/``end`` cover the
  sub-item only and the lead-in is not a criterion by itself.  So "Adequate
  organ function defined as: ANC >= 1,500/mm^3" can be parsed and judged alone,
  and "No prior therapy with: rituximab" keeps its negation.  A lead-in
  without sub-items below it is a criterion as written.
* Parent introduces exceptions or alternatives ("... except:", "... other
  than:", "at least 1 of the following:", "one of the following:", "two or
  more of", "either:", or "any of the following:" in the inclusion section when
  not negated): the lead-in and its sub-items form ONE criterion, ``text =
  "<lead-in> <item 1>; <item 2>; ..."``, spanning lead-in to last sub-item.
  Splitting would turn "no malignancy except A or B" into "no malignancy
  except A" AND "no malignancy except B", and "one of A, B" into "A" AND "B".
  Groups longer than 1,000 characters (whole decision trees) fall back to one
  prefixed criterion per item.
* Parent without a trailing ":" ("Histologically confirmed glioblastoma" with
  sub-item "Measurable disease by MRI"): parent and sub-items are separate,
  unprefixed criteria.
* Alternatives joined by a line that is only "OR", or by an item ending in
  "OR"/"or", are merged into one criterion ("Serum creatinine <= 1.5 mg/dL OR
  Creatinine clearance >= 60 mL/min") when both sides are at the same indent.
  The subhead and lead-in prefix is written once, in front ("Renal: Creatinine
  ... OR Creatinine clearance ...").
* NIAID AIDS-trial style ("Concurrent Medication:" / "Excluded:" / "Allowed:" /
  "Excluded within 30 days of study entry:"): the polarity subhead, with the
  category subhead right above it, goes in front of each item instead of the
  category alone ("Prior Medication: Allowed: Prior nucleoside reverse
  transcriptase inhibitors."), because without it an "allowed" item reads as a
  requirement and "prior" and "concurrent" look alike.  It reaches up to the
  next subhead or header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from matcher.models import Criterion, Section

__all__ = ["split_criteria"]

# --------------------------------------------------------------------------
# Characters and small helpers
# --------------------------------------------------------------------------

#: Everything str.isspace() accepts below U+3001, plus zero-width characters.
_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_BREAK_RE = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")

#: Legacy XML texts are hard-wrapped so that no line exceeds this many columns.
_WRAP_MAX = 99
#: A line break is a wrap when line + space + next word would reach this width.
_WRAP_REACH = 98


def _fold(s: str) -> str:
    return _WS_RE.sub(" ", s).strip(" ")


_BULLETS = "•·∙●○◦▪▫■□►▸▹‣⁃➢➤✓✔❖◆◇⦁⁌⁍"
_DASHES = "-‐‑‒–—―"
_MARKER_RE = re.compile(
    rf"""(?:
        (?P<bullet>[{_DASHES}{_BULLETS}*o])(?:[ \t\u00a0\u3000]+|$)      # "- x", "* x", "o x"
      | (?P<glued>[{_BULLETS}])(?=\S)                                   # "•x"
      | (?P<dashglued>[-*])(?=[^\W\d_])                                 # "-Age"
      | (?P<paren>\(\s*(?:\d{{1,3}}|[A-Za-z]|[ivxlIVXL]{{2,6}})\s*\))[ \t\u00a0\u3000]*   # "(a)", "(12)"
      | (?P<alpha>[A-Za-z])[.)](?:[ \t\u00a0\u3000]+|$)                 # "a.", "B)"
      | (?P<enum>(?:\d{{1,3}}[.)]|[ivxlIVXL]{{2,6}}[.)]|\d{{1,3}}(?:\.\d{{1,3}}){{1,3}}\.)
                 (?:[ \t\u00a0\u3000]+|$))                                # "1.", "10)", "iv.", "1.2."
      | (?P<multi>\d{{1,3}}(?:\.\d{{1,3}}){{1,3}})[ \t]+(?=[A-Z][a-z])     # "1.2 Age"
      | (?P<numglued>\d{{1,3}}[.)、．])(?=[^\W\d_])                      # "1.Age", "2)Signed"
      | (?P<cjk>\d{{1,3}}、)[ \t\u00a0\u3000]*                           # "1、"
    )""",
    re.X,
)


@dataclass
class _Line:
    start: int  # offset of first char of line
    cstart: int  # offset of first non-space char
    cend: int  # offset after last non-space char
    indent: int  # visual column of first non-space char (tab = 4)

    @property
    def blank(self) -> bool:
        return self.cstart >= self.cend

    @property
    def width(self) -> int:
        return self.indent + (self.cend - self.cstart)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    n = len(text)
    while pos <= n:
        m = _BREAK_RE.search(text, pos)
        stop = m.start() if m else n
        raw = text[pos:stop]
        body = raw.lstrip(_WS)
        lead = raw[: len(raw) - len(body)]
        body = body.rstrip(_WS)
        cstart = pos + len(lead)
        indent = len(lead) + 3 * lead.count("\t")
        out.append(_Line(pos, cstart, cstart + len(body), indent))
        if not m:
            break
        pos = m.end()
    return out


@dataclass
class _Unit:
    start: int  # offset of content (after any marker)
    end: int  # offset after last non-space char
    indent: int  # visual column of the marker (or content when unmarked)
    content_col: int  # visual column where the content starts
    marker: str | None  # marker kind (group name) or None

    @property
    def marked(self) -> bool:
        return self.marker is not None


def _match_marker(text: str, pos: int, end: int):
    """The list marker at ``pos``, unless there is nothing after it."""
    m = _MARKER_RE.match(text, pos, end)
    if m is None or m.end() >= end:
        return None
    return m


_CONNECTOR_END_RE = re.compile(
    r"(?:[,(/&+\-–]|\b(?:and|or|of|the|with|to|in|for|a|an|than|by|at|on|from|who|which|that|"
    r"as|per|including|e\.g\.|i\.e\.))$",
    re.I,
)


def _units(text: str) -> list[_Unit]:
    lines = _lines(text)
    wrapped = all(ln.width <= _WRAP_MAX for ln in lines)
    units: list[_Unit] = []
    cur: _Unit | None = None
    prev: _Line | None = None
    for ln in lines:
        if ln.blank:
            cur = None
            continue
        m = _match_marker(text, ln.cstart, ln.cend)
        if cur is not None and prev is not None:
            ws = _WS_RE.search(text, ln.cstart, ln.cend)
            first_word = (ws.start() if ws else ln.cend) - ln.cstart
            is_wrap = wrapped and prev.width + 1 + first_word >= _WRAP_REACH
            prev_text = text[prev.cstart : prev.cend]
            cont = False
            if m is None:
                if is_wrap:
                    cont = True
                elif (
                    cur.marked
                    and ln.indent > cur.indent
                    and ln.indent >= cur.content_col - 1
                    and not prev_text.endswith(":")
                ):
                    cont = True
                elif text[ln.cstart].islower() and _CONNECTOR_END_RE.search(prev_text):
                    cont = True
            elif is_wrap and ln.indent >= (cur.content_col if cur.marked else cur.indent):
                # the renderer wrapped before a marker-like word: "... with the Warren\n
                # G. Magnuson Clinical Center", "(an average of at least\n 0.67 lesions"
                cont = True
            if cont:
                cur.end = ln.cend
                prev = ln
                continue
        if m is not None:
            content_col = ln.indent + (m.end() - ln.cstart)
            cur = _Unit(m.end(), ln.cend, ln.indent, content_col, m.lastgroup)
        else:
            cur = _Unit(ln.cstart, ln.cend, ln.indent, ln.indent, None)
        units.append(cur)
        prev = ln
    return units


# --------------------------------------------------------------------------
# Headers, subheads and lead-ins
# --------------------------------------------------------------------------

_QUAL = (
    r"(?:key|main|major|general|specific|additional|principal|primary|secondary|basic|"
    r"study|trial|protocol|clinical|other|selected|important|common|standard|detailed|"
    r"further|medical|full|summary|overall|brief)"
)
_WHO = (
    r"(?:patients?|subjects?|participants?|volunteers?|donors?|recipients?|cases?|controls?|"
    r"healthy\s+volunteers?|children|adults?|women|men|mothers?|infants?|caregivers?|"
    r"parents?|partners?|groups?|cohorts?|individuals?)"
)
_HEADER_RE = re.compile(
    rf"""^[\s#*_=\-–—>]*
    (?:part\s+[a-z0-9]+\s*[:.\-–]?\s*)?
    (?:{_QUAL}\s+){{0,2}}(?:{_WHO}\s+)?
    (?:
        (?P<kind>inclusion\s*(?:/|and|&|or)\s*exclusion|inclusions?|exclusions?|eligibility)
        (?P<crit>\s*(?:criteria|criterion|criterias|requirements?|conditions|characteristics))?
      | (?P<kind2>selection|entry|enrol?ment|participation)
        (?P<crit2>\s*(?:criteria|requirements?))
      | criteria(?:\s+(?:for|of)\s+(?:(?:study|trial)\s+)?(?P<kind3>inclusion|exclusion|eligibility|
                 participation|enrol?ment|entry|selection|admission))?
        (?P<crit3>)
      | conditions\s+(?:for|of)\s+(?:(?:patient|subject|participant)s?\s+)?(?P<kind4>ineligibility|eligibility|inclusion|exclusion)
        (?P<crit4>)
    )""",
    re.I | re.X,
)
_HEADER_END_RE = re.compile(
    r"[*_]*\s*(?:\([^()]{0,80}\)\s*)?"
    r"(?:\s*(?:include|includes|are|is|will\s+be|as\s+follows|apply|applies))?"
    r"[*_]*\s*(?P<end>:|-(?=\s|$)|–|—|\.(?=\s*$)|$)[*_]*\s*",
    re.I,
)
_GROUP_AFTER_COLON_RE = re.compile(rf"[ \t]*(?P<qual>{_WHO})[ \t]*(?:\([^()\n]{{0,60}}\))?[ \t]*:?[*_]*\s*", re.I)
_HEADER_QUALIFIER_RE = re.compile(
    r"\s*(?:for|in|of|among|regarding|-|–|—|applicable\s+to)\s+(?P<qual>[^:\n]{1,80}?)"
    r"\s*(?:\([^()]{0,80}\)\s*)?"
    r"(?:\s+(?:include|includes|are|is|will\s+be|as\s+follows|apply|applies))?"
    r"[*_]*\s*(?P<end>:|$)[*_]*\s*",
    re.I,
)
_SHORT_HEADER_RE = re.compile(
    r"[A-Za-z][\w ,&/()-]{0,60}?\b(?P<kind>inclusion|exclusion)\s+criteri(?:a|on)\b[^.]{0,40}$", re.I
)
#: Prose: "... are eligible. Exclusion criteria include visual acuity worse than 20/25."
_INLINE_HEADER_RE = re.compile(
    r"(?i:(?:key|main|major|other)\s+)?(?i:(?P<kind>inclusion|exclusion)\s+criteria\s+"
    r"(?:include|includes|included|are|were|consist\s+of|consisted\s+of)\s*:?\s+(?=\S))"
    # a header whose colon was lost: "Exclusion Criteria Prior systemic chemotherapy ..."
    r"|(?i:(?:key\s+)?)(?P<kind2>[IE](?:nclusion|xclusion)\s+Criteria|[IE](?:NCLUSION|XCLUSION)\s+CRITERIA)"
    r"\s+(?=[A-Z][a-z])"
)
_VERBISH_RE = re.compile(
    r"\b(?:must|be|is|are|was|were|will|should|have|has|had|met|meet|fulfil\w*|satisf\w*|"
    r"not|no|who|which|that|apply\w*|listed|described|above|below|protocol|may|can)\b",
    re.I,
)
_SHORT_HEADER_VERBISH_RE = re.compile(rf"{_VERBISH_RE.pattern}|\b(?:to|under|any|all|same|as)\b", re.I)


# a header's qualifier naming who or which part of the study its items are for: "Exclusion criteria for
# participating in the bronchoscopy portion of the study are:", "Inclusion criteria for control participants:"
_GROUP_QUALIFIER_RE = re.compile(r"\b(?:participants?|patients?|subjects?|volunteers?|controls?|probands?|siblings?|"
                                 r"donors?|recipients?|children|adults|women|men|portion|part|step|phase|stage|sub-?stud(?:y|ies)|"
                                 r"arms?|cohorts?|groups?|strat(?:um|a))\b", re.I)
_ALL_QUALIFIER_RE = re.compile(r"(?:participation\s+in\s+)?(?:all|each|every|any|the|this)\s+(?:of\s+the\s+)?"
                               r"(?:study\s+)?(?:participants?|patients?|subjects?|arms?|groups?(?:\s+of\s+\w+)?|cohorts?|"
                               r"parts?|phases?|study|protocol|trial)\b(?!\s+(?:portion|part|phase|sub))", re.I)


_SECTION_WORDS = ("inclusion", "exclusion", "inclusions", "exclusions")
_HEADER_WORD = re.compile(r"[^\W\d_]{7,11}")


def _one_edit_from(word: str, target: str) -> bool:
    """Whether ``word`` is ``target`` with one letter left out, added, changed, or two neighbours swapped."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                   and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def _misspelt_section(word: str) -> str | None:
    """The section word ``word`` is one edit from, if any (asked of the first words of every item: kept)."""
    return next((t for t in _SECTION_WORDS if _one_edit_from(word, t)), None)


def _match_header(text: str, start: int, end: int) -> tuple[str | None, int, str | None] | None:
    """(section, offset of the rest, qualifier) if the unit is a section header, else None; a header
    whose "inclusion" or "exclusion" is misspelt by one letter ("Exlcusion Criteria:", "Inclsuion
    criteria", "Exclusión") is read as spelt right."""
    found = _match_header_spelt(text, start, end)
    if found is not None or end - start > 120:
        return found
    for m in _HEADER_WORD.finditer(text, start, min(end, start + 40)):
        word = m.group().lower()
        meant = _misspelt_section(word)
        if meant is None:
            continue
        shift = len(meant) - len(word)
        fixed = _match_header_spelt(text[:m.start()] + meant + text[m.end() : end], start, end + shift)
        if fixed is None:
            return None
        section, rest, qualifier = fixed
        return section, rest - shift, qualifier
    return None


def _match_header_spelt(text: str, start: int, end: int) -> tuple[str | None, int, str | None] | None:
    """(section, offset of the rest, qualifier) if the unit is a section header, else None.

    The section is None for neutral headers ("Eligibility Criteria:",
    "Inclusion/Exclusion Criteria"); the qualifier is what the header says its
    items are for ("Inclusion criteria for control participants:"), if anything.
    """
    seg = text[start:end]
    m = _HEADER_RE.match(seg)
    if not m:
        # "Healthy Controls Exclusion Criteria:", "Angiographic Inclusion Criteria - Phase 1"
        short = _SHORT_HEADER_RE.match(seg)
        if short and len(seg.split()) <= 10 and not _SHORT_HEADER_VERBISH_RE.search(seg):
            return short.group("kind").lower(), end, None
        return None
    if m.group("kind"):
        kind, crit = m.group("kind"), bool(m.group("crit"))
    elif m.group("kind2"):
        kind, crit = m.group("kind2"), True
    elif m.group("kind4"):  # "Conditions for Patient Ineligibility:" (old RTOG records)
        kind, crit = {"ineligibility": "exclusion"}.get(m.group("kind4").lower(), m.group("kind4")), True
    else:
        kind, crit = m.group("kind3"), True
    q = _HEADER_END_RE.match(seg, m.end())
    if q is None:
        if not crit:
            return None
        q = _HEADER_QUALIFIER_RE.match(seg, m.end())
        if q is None:
            return None
        qual = q.group("qual")
        if q.group("end") != ":" and (len(qual.split()) > 6 or _VERBISH_RE.search(qual)):
            return None
        if len(qual.split()) > 12:
            return None
    elif not crit and q.group("end") == ".":
        return None
    k = (kind or "").lower()
    qual = " ".join(q.group("qual").split()) if q.groupdict().get("qual") else None
    if re.search(r"/|&|\band\b|\bor\b", k):
        section = None
    elif k.startswith("inclu"):
        section = "inclusion"
    elif k.startswith("exclu"):
        section = "exclusion"
    else:
        section = None
    if qual is None and q.group("end") == ":":
        # "EXCLUSION CRITERIA: DONOR (Any of the following)", "INCLUSION CRITERIA: PATIENT": the group after the colon
        g = _GROUP_AFTER_COLON_RE.fullmatch(seg, q.end())
        if g is not None:
            # (the trial's own patient, whoever else it names: "RECIPIENT" in a transplant trial is who applies)
            own = re.fullmatch(r"(?:patients?|subjects?|participants?|recipients?|cases?|individuals?)", g.group("qual"), re.I)
            return section, end, "patients" if own else g.group("qual")
    return section, start + q.end(), qual


_NCI_HEADER_RE = re.compile(
    r"""[\s\-–—]*(?:
        disease\s+characteristics|patient\s+characteristics|
        prior\s*(?:/|and|or)?\s*concurrent\s+therap(?:y|ies)|
        protocol\s+entry\s+criteria|donor\s+characteristics|recipient\s+characteristics
    )\s*(?:--+\s*:?|:|$)\s*""",
    re.I | re.X,
)
#: "--Disease Characteristics--" and similar ORD-style inline headings.
_DASH_HEADING_RE = re.compile(r"--+\s*([A-Za-z][^-\n]{0,60}?)\s*--+\s*:?")

_NCI_LABELS = (
    r"age|sex|gender|menopausal\s+status|hormone\s+receptor\s+status|receptor\s+status|"
    r"performance\s+status|life\s+expectancy|hematopoietic|hematologic|hepatic|renal|"
    r"cardiovascular|cardiac|pulmonary|neurologic|neurological|gastrointestinal|metabolic|"
    r"immunologic|endocrine|other|biologic\s+therapy|chemotherapy|endocrine\s+therapy|"
    r"hormonal\s+therapy|radiotherapy|radiation\s+therapy|surgery|concurrent\s+medication|"
    r"prior\s+medication|concurrent\s+treatment|prior\s+treatment|co-existing\s+condition|"
    r"risk\s+behaviou?r|disease\s+characteristics|patient\s+characteristics|"
    r"prior\s*/?\s*concurrent\s+therapy"
)
_LABEL_AT_RE = re.compile(rf"(?<![\w/-])(?:{_NCI_LABELS})\s*:", re.I)
_KNOWN_LABEL_RE = re.compile(rf"^(?:{_NCI_LABELS})$", re.I)
#: Known labels that are section headers: never prefixed to the items below them.
_SECTION_LABEL_RE = re.compile(
    r"^(?:disease\s+characteristics|patient\s+characteristics|prior\s*/?\s*concurrent\s+therapy)$",
    re.I,
)


def _subhead_label(label: str) -> str | None:
    """'Hepatic:' for the subhead 'Hepatic' / 'Hepatic :', None for other labels."""
    label = _fold(label.rstrip(": \t"))
    if _KNOWN_LABEL_RE.match(label) and not _SECTION_LABEL_RE.match(label):
        return label + ":"
    return None


_POLARITY_LABEL_RE = re.compile(
    r"^(?:excluded|allowed|permitted|required|included|prohibited|recommended|disallowed|"
    r"forbidden|not\s+(?:allowed|permitted|excluded|required|recommended)|"
    # soft ones: "Discouraged:", "Strongly discouraged:", "Avoided:", "To be avoided:"
    r"(?:strongly\s+)?discouraged|(?:to\s+be\s+|should\s+be\s+)?avoided)\b",
    re.I,
)
_BRACKETED_RE = re.compile(r"\([^()]*\)")
_LABEL_VERB_RE = re.compile(
    r"\b(?:must|have|has|had|will|shall|should|may|can|following|any|all|one|two|no|not|"
    r"without|with|if|are|is|be|been|were|was|who|which|that|of|to|including|include|includes|"
    r"except|unless|such|defined|as|either|at|least|or)\b",
    re.I,
)
_EXCL_LEADIN_RE = re.compile(
    r"\b(?:exclu(?:ded|sion|de|des)|not\s+(?:be\s+)?eligible|ineligible|not\s+be\s+(?:enrolled|included|allowed|"
    r"permitted|considered)|disqualif\w*|must\s+not|may\s+not|cannot|can\s*not|should\s+not|"
    r"will\s+not)\b",
    re.I,
)
_INCL_LEADIN_RE = re.compile(
    r"\b(?:eligible|inclu(?:ded|sion)|must\s+(?:have|meet|be|fulfil\w*|satisfy)|"
    r"following\s+(?:\w+\s+)?criteria|requirements?|qualify|enrolled\s+if)\b|"
    r"^(?:the\s+)?(?:patients?|subjects?|participants?|volunteers?)\s+must\s*:$",
    re.I,
)
#: NIAID lead-in sentence that announces the exclusion list below it.
_FOLLOWING_EXCLUDED_RE = re.compile(
    r"(?:patients|subjects|participants)\s+with\s+the\s+following(?:\s+[\w ,/-]{1,40}?)?"
    r"\s+(?:are|will\s+be)\s+excluded\s*\.",
    re.I,
)
_EXCEPT_LEADIN_RE = re.compile(
    r"\b(?:except|excluding|other\s+than|unless|exceptions?|apart\s+from|but\s+not)\b[^:]{0,40}:$",
    re.I,
)
_ALT_LEADIN_RE = re.compile(
    r"\b(?:(?:at\s+least|a\s+minimum\s+of|minimum\s+of|any|one|1|two|2|three|3|four|4)\s+"
    r"(?:\(\d\)\s+)?(?:or\s+more\s+)?(?:of|from)|either|one\s+or\s+more|1\s+or\s+more|one\s+the\s+following|"
    r"any\s+combination\s+of)\b",
    re.I,
)
#: Sub-items merged under an "except:" / "one of:" lead-in longer than this stay apart.
_MAX_MERGED = 1000
_COUNT_RE = re.compile(
    r"\b(?:two|2|three|3|four|4|five|5)\s+(?:\(\d\)\s+)?(?:or\s+more\s+)?(?:of|from)\b", re.I
)
_NEG_RE = re.compile(r"\b(?:no|not|without|never|none|exclu\w*|absence)\b", re.I)

_PLACEHOLDER_RE = re.compile(
    r"^(?:not\s+specified|unspecified|none(?:\s+(?:specified|known|required|listed))?|n/?a|"
    r"not\s+applicable|no\s+restrictions?|no\s+(?:specific\s+|additional\s+|other\s+)?"
    r"(?:eligibility\s+)?(?:criteria|requirements?|restrictions?)|not\s+required|nil|"
    r"see\s+(?:disease\s+characteristics|patient\s+characteristics|above|below|"
    r"(?:the\s+)?(?:detailed\s+description|protocol|(?:general\s+|main\s+)?eligibility\s+criteria))|"
    r"there\s+(?:are|is)\s+no\s+(?:\w+\s+)?(?:criteria|criterion|restrictions?)|"
    r"no\s+(?:inclusion|exclusion)\s+criteria|"
    r"(?:note\s*:\s*)?(?:other|additional)\s+(?:protocol[\s-]+(?:defined|specific)\s+)?"
    r"(?:inclusion\s*(?:/|and|or)?\s*)?(?:exclusion\s+)?(?:eligibility\s+)?criteria\s+(?:may\s+)?apply)"
    r"[\s.;:]*$",
    re.I,
)
_LEADING_LABEL_RE = re.compile(r"^[A-Za-z][\w /,&()'-]{0,50}:\s*")
_OR_ONLY_RE = re.compile(r"^(?:or|and/or)\s*[:.]?$", re.I)
_AND_ONLY_RE = re.compile(r"^(?:and|&)\s*[:.]?$", re.I)
_TRAILING_OR_RE = re.compile(r"(?:^|\s)(?:or|and/or)$", re.I)
_NOISE_RE = re.compile(r"[\W_]*(?:\(?\d{1,3}[.)]?|\(?[A-Za-z][.)]|[ivxIVX]{1,5}[.)])?[\W_]*")

# Splitting points inside a unit
_NCI_BREAK_RE = re.compile(
    r"(?<=[A-Za-z0-9%)\]])[ \t\r\n]+(?=(?:No|Not|At\s+least|Prior|Concurrent)\s+[a-zA-Z0-9])"
    r"|(?<=;)[ \t\r\n]+(?=[A-Z])"
)
#: In a run-together NCI paragraph a new item starts where a capitalised word
#: ("Relapsed within", "Sickle cell") follows a lower-case content word.
_TITLE_BREAK_RE = re.compile(r"(?<=[A-Za-z0-9%)\]])[ \t\r\n]+(?=[A-Z][a-z]+(?:\s+|-)[a-z(])")
_NO_BREAK_AFTER = {
    "a", "an", "the", "and", "or", "of", "with", "without", "to", "in", "by", "for", "than",
    "from", "on", "at", "as", "per", "via", "after", "before", "following", "except", "unless",
    "if", "including", "plus", "prior", "concurrent", "since", "no", "not", "other", "e.g", "i.e",
    "such", "like", "versus", "vs", "into", "within", "between", "both", "either", "is", "are",
    "be", "allowed", "eg", "ie", "see", "also", "post", "pre", "anti",
}
_MIDTEXT_GROUP_RE = re.compile(
    # ("No uncontrolled or severe cardiovascular disease, including the following: Myocardial infarction ...")
    r"(?:\b(?:except(?:\s+for)?|other\s+than|unless|excluding|including|such\s+as)(?:\s+the\s+following(?:\s+[\w-]+){0,3}?)?|\be\.g\.,?|"
    r"\b(?:at\s+least|any|one|1|two|2)\s+"
    # ("one of the following conditions that confer an increased risk for ... regimen: Over 55 years of age ...")
    r"(?:or\s+more\s+)?of\s+the\s+following(?:\s+[\w-]+){0,16}?)\s*:",
    re.I,
)
#: Run-together NCI paragraphs longer than this are cut at capitalised words.
_RUN_TOGETHER_MIN = 150
# a lead-in whose list may run long: "one of the following requirements:", "including the following:"
_OWN_REQUIREMENT_RE = re.compile(r"\b(?:required|requires?|must|should|no|not|allowed|permitted|eligible|excluded)\b", re.I)
_ALTERNATIVES_LEAD_RE = re.compile(r"\b(?:(?:at\s+least|any|one|1)\s+(?:or\s+more\s+)?of|including)\s+the\s+following", re.I)
_SENTENCE_END_RE = re.compile(r"[.!?](?=[\s\"”’)]*\s+[A-Z\[(])")
_ABBREV = {
    "e.g", "i.e", "dr", "mr", "mrs", "ms", "vs", "approx", "no", "fig", "st", "etc",
    "al", "ca", "cf", "inc", "ltd", "jr", "sr", "prof", "dept", "max", "min", "nos",
    "u.s", "u.k", "e.u", "ph", "viz", "resp", "incl", "esp", "wk", "wks", "mo", "yr", "yrs",
    "vol", "sec", "eq", "ref", "spp", "sp", "var", "ex", "aka",
}


def _title_breaks(text: str, start: int, end: int) -> list[int]:
    cuts = []
    for m in _TITLE_BREAK_RE.finditer(text, start, end):
        j = m.start()
        i = j
        while i > start and not text[i - 1].isspace():
            i -= 1
        prev = text[i:j].lower().rstrip(".,")
        if prev in _NO_BREAK_AFTER or not prev[-1:].isalnum() and not prev.endswith(")"):
            continue
        k = m.end()
        word_end = k
        while word_end < end and text[word_end].isalpha():
            word_end += 1
        if text[word_end : word_end + 1] in ("'", "’"):  # "Kaposi's sarcoma", "Wilms' tumor"
            continue
        cuts.append(k)
    return cuts


def _sentence_breaks(text: str, start: int, end: int) -> list[int]:
    """Offsets (exclusive ends) where a prose paragraph can be cut into sentences."""
    cuts = []
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        i = m.start()
        j = i
        while j > start and not text[j - 1].isspace():
            j -= 1
        word = text[j:i].lower().lstrip("([\"'")
        if word in _ABBREV or len(word) <= 1 or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", word):
            continue
        if re.fullmatch(r"[A-Z]{1,2}", text[j:i]):  # initials, "Hepatitis B."
            continue
        cuts.append(i + 1)
    return cuts


# --------------------------------------------------------------------------
# The splitter
# --------------------------------------------------------------------------


@dataclass
class _Lead:
    indent: int
    marked: bool
    text: str
    start: int
    end: int
    merge: bool
    context: str | None = None  # the subhead in force when the lead-in was read
    parts: list[tuple[str, int, int]] = field(default_factory=list)
    used: bool = False


@dataclass
class _Out:
    section: str
    text: str
    start: int
    end: int
    context: str | None = None


class _Splitter:
    def __init__(self, text: str, grouped: bool = False):
        self.text = text
        self.grouped = grouped  # the record's headers name different groups: items are read as theirs
        self.section: str = "inclusion"
        self.nci = False
        self.category: str | None = None  # last short subhead, e.g. "Prior Medication:"
        self.polarity: str | None = None  # e.g. "Prior Medication: Excluded:"
        self.subhead: str | None = None  # known subhead prefixed to its items, e.g. "Age:"
        self.subhead_indent = 0  # indent of the subhead line
        self.subhead_deeper = False  # an item indented under the subhead was seen
        self.subhead_end = 0  # offset after the subhead line
        self.stack: list[_Lead] = []
        self.out: list[_Out] = []
        self.pending_or: str | None = None  # None, "line" (standalone OR) or "tail"
        self.or_indent = -1  # indent of the item that ended in "OR"
        self.indent = 0  # indent of the unit being emitted

    # ---- output -------------------------------------------------------
    def _append(
        self,
        text: str,
        start: int,
        end: int,
        indent: int,
        context: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Add a criterion, or join it to the one above after an "OR".

        ``context`` is (prefix, key) from :meth:`_context`.  The prefix (subhead and
        lead-ins, already joined) goes in front of the text; an alternative joined
        by "OR" under the same key does not repeat it.
        """
        prefix, key = context
        text = text.strip()
        if not text:
            return
        if (
            self.pending_or
            and self.out
            and self.out[-1].section == self.section
            and indent == self.or_indent
        ):
            prev = self.out[-1]
            joiner = " OR " if self.pending_or == "line" else " "
            if prefix and key != prev.context:
                text = f"{prefix} {text}"
            prev.text = prev.text + joiner + text
            prev.end = end
        else:
            full = f"{prefix} {text}" if prefix else text
            self.out.append(_Out(self.section, full, start, end, key))
        self.pending_or = "tail" if _TRAILING_OR_RE.search(text) else None
        self.or_indent = indent

    # ---- subhead context --------------------------------------------------
    def _subhead(self) -> str | None:
        """The subhead to put in front of the items below it ("Age:", "Hepatic:").

        Only the known NCI / NIAID labels (``_NCI_LABELS``) are used; NIAID items
        under a polarity subhead get the polarity prefix instead, which already
        names the category.
        """
        return None if self.polarity else self.subhead

    def _context(
        self, body: str, leads: list[_Lead], popped: _Lead | None = None
    ) -> tuple[str | None, str | None]:
        """(prefix, key): what goes in front of ``body``, and what it is read under.

        The prefix is the polarity or subhead, then the lead-ins.  The subhead is
        the one in force when the outermost lead-in was read (``popped`` is a
        lead-in already taken off the stack, whose own text is being emitted); it
        is left out of the prefix, not of the key, when the text already starts
        with a label ("Age 18 and over", "Renal: Creatinine ...").
        """
        if self.polarity:
            head = [self.polarity]
        else:
            if popped is not None:
                sub = popped.context
            else:
                sub = leads[0].context if leads else self._subhead()
            head = [sub] if sub else []
            first = leads[0].text if leads else body
            if sub and (_starts_with_label(first, sub[:-1]) or _LABEL_AT_RE.match(first)):
                head = []
        tail = [lead.text for lead in leads]
        key = " ".join(([self.polarity] if self.polarity else [sub] if sub else []) + tail)
        return " ".join(head + tail) or None, key or None

    def _emit(self, text: str, start: int, end: int) -> None:
        """Route one criterion through the active lead-ins."""
        if _OR_ONLY_RE.match(text):
            if self.out:
                self.pending_or = "line"
            return
        if _AND_ONLY_RE.match(text) or _NOISE_RE.fullmatch(text):
            return
        bare = _LEADING_LABEL_RE.sub("", text, count=1)
        if _PLACEHOLDER_RE.match(text) or (bare != text and _PLACEHOLDER_RE.match(bare)):
            for lead in self.stack:  # "Hormone receptor status:" + "Not specified": drop both
                lead.used = True
            return
        for lead in self.stack:
            if lead.merge:
                lead.parts.append((text, start, end))
                return
        for lead in self.stack:
            lead.used = True
        self._append(text, start, end, self.indent, self._context(text, self.stack))

    # ---- lead-ins -----------------------------------------------------
    def _pop(self) -> None:
        lead = self.stack.pop()
        if lead.merge and lead.parts:
            joined = "; ".join(p[0].rstrip(" ;,") for p in lead.parts)
            if len(joined) <= _MAX_MERGED:
                self._emit_raw(lead.text + " " + joined, lead.start, lead.parts[-1][2], lead)
            else:  # a whole decision tree: keep the parts apart, each with the lead-in
                for text, start, end in lead.parts:
                    self._emit_raw(text, start, end, lead, under=True)
        elif not lead.used:
            self._emit_raw(lead.text, lead.start, lead.end, lead)

    def _emit_raw(
        self, text: str, start: int, end: int, popped: _Lead, under: bool = False
    ) -> None:
        """Emit text read under the lead-in ``popped``, just taken off the stack.

        That is the lead-in's own text (a merged group, or a lead-in without
        items), or with ``under`` one of its items, prefixed with the lead-in.
        """
        for lead in self.stack:
            lead.used = True
        leads = self.stack + [popped] if under else self.stack
        self._append(text, start, end, popped.indent, self._context(text, leads, popped))

    def _close_all(self) -> None:
        while self.stack:
            self._pop()

    def _close_for(self, unit: _Unit) -> None:
        for i, lead in enumerate(self.stack):
            covers = unit.indent > lead.indent or (
                not lead.marked and unit.marked and unit.indent >= lead.indent
            )
            if not covers:
                while len(self.stack) > i:
                    self._pop()
                return

    def _push(self, unit: _Unit, text: str, merge: bool) -> None:
        for lead in self.stack:
            if lead.merge:  # nested lead-in inside a merged group: flatten
                lead.parts.append((text, unit.start, unit.end))
                return
        context = self.stack[0].context if self.stack else self._subhead()
        self.stack.append(
            _Lead(unit.indent, unit.marked, text, unit.start, unit.end, merge, context)
        )

    # ---- units --------------------------------------------------------
    def run(self, units: list[_Unit], explicit_both: bool) -> list[_Out]:
        queue = list(reversed(units))
        while queue:
            unit = queue.pop()
            derived = self._unit(unit, explicit_both)
            if derived is not None:
                queue.append(derived)
        self._close_all()
        return self.out

    def _rest_unit(self, unit: _Unit, rest: int) -> _Unit | None:
        text = self.text
        while rest < unit.end and text[rest] in _WS:
            rest += 1
        if rest >= unit.end:
            return None
        m = _match_marker(text, rest, unit.end)
        if m is not None:
            start = m.end()
            while start < unit.end and text[start] in _WS:
                start += 1
            return _Unit(start, unit.end, unit.indent, unit.content_col, m.lastgroup)
        return _Unit(rest, unit.end, unit.indent, unit.content_col, unit.marker)

    def _unit(self, unit: _Unit, explicit_both: bool) -> _Unit | None:
        text = self.text
        folded = _fold(text[unit.start : unit.end])
        if not folded:
            return None
        self.indent = unit.indent

        m = _NCI_HEADER_RE.match(text, unit.start, unit.end)
        if m is not None:
            self._close_all()
            self.polarity = self.category = self.subhead = None
            self.pending_or = None
            self.nci = True
            return self._rest_unit(unit, m.end())

        hdr = _match_header(text, unit.start, unit.end)
        if hdr is not None:
            self._close_all()
            self.polarity = self.category = self.subhead = None
            self.pending_or = None
            if hdr[0] is not None:
                self.section = hdr[0]
            if hdr[2] and self.grouped and _GROUP_QUALIFIER_RE.search(hdr[2]) and not _ALL_QUALIFIER_RE.match(hdr[2]):
                # its items are for one of the record's sub-groups: read under "For control participants:"
                # (see nlp.scopes); a record whose headers all name one group is that group's
                self.subhead, self.subhead_indent, self.subhead_deeper = f"For {hdr[2]}:", unit.indent, False
                self.subhead_end = unit.end
            return self._rest_unit(unit, hdr[1])

        m = _DASH_HEADING_RE.match(text, unit.start, unit.end)
        if m is not None:
            self._close_all()
            self.polarity = self.category = self.subhead = None
            self.nci = True
            return self._rest_unit(unit, m.end())

        self._close_for(unit)
        self._scope_subhead(unit, folded)

        if not unit.marked and _KNOWN_LABEL_RE.match(folded):
            self._set_category(folded, unit)  # NCI subhead without a colon: "Age"
            return None

        if (
            not unit.marked
            and self.section == "exclusion"
            and _FOLLOWING_EXCLUDED_RE.fullmatch(folded)
        ):
            return None  # NIAID "Patients with the following conditions are excluded." + list

        if folded.endswith(":") and not self._has_inner_label(folded):
            cuts = [] if unit.marked else _sentence_breaks(text, unit.start, unit.end)
            if cuts:
                # "Category A will include ... Patients are eligible if they have:":
                # the earlier sentences are criteria, the last one is the lead-in
                head = _Unit(unit.start, cuts[-1], unit.indent, unit.content_col, None)
                self._criterion(head)
                rest = cuts[-1]
                while text[rest] in _WS:
                    rest += 1
                unit = _Unit(rest, unit.end, unit.indent, unit.content_col, None)
                folded = _fold(text[unit.start : unit.end])
            self._leadin(unit, folded, explicit_both)
            return None

        self._criterion(unit)
        return None

    def _set_category(self, folded: str, unit: _Unit) -> None:
        self.category, self.polarity = folded, None
        self.subhead = _subhead_label(folded)
        self.subhead_indent = unit.indent
        self.subhead_deeper = False
        self.subhead_end = unit.end

    def _scope_subhead(self, unit: _Unit, folded: str) -> None:
        """End a subhead's reach at the first unit that is not one of its items.

        Items are indented under the subhead (NCI "Age:" / "  - 18 and over") or,
        in the paragraph style, stand at its indent until the next subhead.  A unit
        left of the subhead, an unmarked paragraph back at its indent after
        indented items, or a unit at its indent that carries its own label
        ("Hepatic: Bilirubin ...") is no longer under it.  NIAID polarity subheads
        ("Excluded:") keep their old reach: up to the next subhead or header.
        """
        if self.subhead is None or self.polarity is not None:
            return
        if unit.indent > self.subhead_indent:
            self.subhead_deeper = True
            return
        if (
            unit.indent < self.subhead_indent
            or (not unit.marked and self.subhead_deeper)
            or (not unit.marked and _LABEL_AT_RE.match(folded))
        ):
            self.subhead = None

    @staticmethod
    def _has_inner_label(folded: str) -> bool:
        """'Age: 18 to 65 Hepatic:' is run-together content, not a subhead."""
        labels = [m for m in _LABEL_AT_RE.finditer(folded) if folded[m.start()].isupper()]
        return any(
            folded[a.end() : b.start()].strip() for a, b in zip(labels, labels[1:])
        )

    def _leadin(self, unit: _Unit, folded: str, explicit_both: bool) -> None:
        """A unit ending in ':' - a subhead, a section lead-in or a content lead-in."""
        self.pending_or = None
        segments = [s.strip() for s in folded[:-1].split(":")]
        last = segments[-1]
        if _POLARITY_LABEL_RE.match(last) and len(_BRACKETED_RE.sub("", last).split()) <= 10 and not self.stack:
            # NIAID "Excluded:", "Allowed:", "Excluded within 30 days of study entry:", "Excluded within 2 weeks
            # of study entry (for treatment group I):" (what a bracket adds is not counted)
            if len(segments) == 1 and self.category:
                self.polarity = f"{self.category} {folded}"
            else:
                self.polarity = folded
            return
        if not unit.marked and all(
            len(s.split()) <= 5 and (not _LABEL_VERB_RE.search(s) or _KNOWN_LABEL_RE.match(s))
            for s in segments
        ):
            # "Hepatic:", "Concurrent Medication:", "Eligible Stages Include:"
            self._set_category(folded, unit)
            return

        polarity: str | None = None
        subhead = self.subhead
        if not unit.marked:
            self.category = self.polarity = self.subhead = None
            if _EXCL_LEADIN_RE.search(folded):
                polarity = "exclusion"
            elif _INCL_LEADIN_RE.search(folded):
                polarity = "inclusion"
        may_switch = polarity is not None and not explicit_both and not self.nci

        if may_switch and polarity == "exclusion":
            self._switch(polarity)
            return
        # exceptions and counted alternatives always belong together; "one of" /
        # "any of" alternatives only when they are requirements (an "any of" list
        # of exclusions is just several exclusions)
        merge = bool(_EXCEPT_LEADIN_RE.search(folded) or _COUNT_RE.search(folded))
        if not merge and _ALT_LEADIN_RE.search(folded):
            merge = self.section == "inclusion" and not _NEG_RE.search(folded) and not (
                self.polarity and re.search(r"exclu|not|prohibit|forbid", self.polarity, re.I)
            )
        if merge:
            self._push(unit, folded, merge=True)
            return
        if may_switch:
            self._switch(polarity)
            return
        if polarity is not None and polarity == self.section:
            # "Patients may be eligible for this study if they:" under Inclusion Criteria.
            # Right below a subhead ("Co-existing Condition:" / "Patients with the
            # following are excluded:") the items still read under the subhead.
            if subhead and not self.text[self.subhead_end : unit.start].strip(_WS):
                self.subhead = subhead
            return
        self._push(unit, folded, merge=False)

    def _switch(self, section: str) -> None:
        self._close_all()
        self.section = section
        self.pending_or = None

    def _criterion(self, unit: _Unit) -> None:
        text = self.text
        start, end = unit.start, unit.end
        # 1. run-together subheads: "Age: 18 to 65 Performance status: WHO 0-2 ..."
        cuts: list[int] = []
        seg = text[start:end]
        labels = [m for m in _LABEL_AT_RE.finditer(seg) if seg[m.start()].isupper()] if ":" in seg else []
        if len(labels) >= 2 or (self.nci and labels and labels[-1].start() > 0):
            cuts += [start + m.start() for m in labels if m.start() > 0]
        for m in _DASH_HEADING_RE.finditer(seg):
            if m.start() > 0:
                cuts.append(start + m.start())
        # 2. NCI run-together items: "Not pregnant No prior malignancies"
        if self.nci and not unit.marked:
            cuts += [m.end() for m in _NCI_BREAK_RE.finditer(text, start, end)]
            if end - start > _RUN_TOGETHER_MIN:
                # keep "... except: Nonmelanoma skin cancer In situ cervical cancer" and
                # "... 1 of the following: A B C" together up to the next hard cut
                hard = sorted(cuts)
                breaks = list(_title_breaks(text, start, end))
                ended: set[int] = set()  # the leads whose list has ended (a requirement of its own came)
                for k, t in enumerate(breaks):
                    lead = _MIDTEXT_GROUP_RE.search(text, start, t)
                    while lead is not None:
                        nxt = _MIDTEXT_GROUP_RE.search(text, lead.end(), t)
                        if nxt is None:
                            break
                        lead = nxt
                    # (alternatives, "one of the following requirements: A B C", stay together however long
                    # their items, up to the next hard cut: apart, each would be required)
                    reach = _MAX_MERGED if lead is not None and _ALTERNATIVES_LEAD_RE.search(lead.group()) else _RUN_TOGETHER_MIN
                    # (... but an item that says "required", "must" or "no" is a requirement of its own, and ends
                    # the list: "including the following types: Mucoepidermoid carcinoma Adenocarcinoma Pathology
                    # review required")
                    # (not alternatives, "one of the following": apart, each of them would be required)
                    if lead is not None and reach > _RUN_TOGETHER_MIN and re.search(r"\bincluding\b", lead.group(), re.I) and (
                            lead.end() in ended or _OWN_REQUIREMENT_RE.search(text, t, breaks[k + 1] if k + 1 < len(breaks) else end)):
                        ended.add(lead.end())
                        reach = _RUN_TOGETHER_MIN
                    if (
                        lead is not None
                        and t - lead.end() < reach
                        and not any(lead.end() <= h < t for h in hard)
                    ):
                        continue
                    cuts.append(t)
        # 3. prose sentences (list items are never split)
        if not unit.marked:
            cuts += _sentence_breaks(text, start, end)
        bounds = sorted(set(c for c in cuts if start < c < end))
        pieces = []
        prev = start
        for c in bounds + [end]:
            pieces.append((prev, c))
            prev = c
        labelled = False  # a piece of this unit carried its own subhead ("Hepatic: ...")
        for s, e in pieces:
            dm = _DASH_HEADING_RE.match(text, s, e)
            if dm is not None:
                s = dm.end()
                self.subhead = None
            while s < e and text[s] in _WS:
                s += 1
            while e > s and text[e - 1] in _WS:
                e -= 1
            if s >= e:
                continue
            if not unit.marked:
                # a header run into a prose paragraph: "... eligible. Exclusion criteria: ..."
                inline = _INLINE_HEADER_RE.match(text, s, e)
                hdr = _match_header(text, s, e) if inline is None else None
                if inline is not None:
                    kind = (inline.group("kind") or inline.group("kind2")).lower()
                    self._switch("inclusion" if kind.startswith("inc") else "exclusion")
                    self.subhead = None
                    s = inline.end()
                elif hdr is not None:
                    if hdr[0] is not None:
                        self._switch(hdr[0])
                    self.subhead = None
                    s = hdr[1]
                    if s >= e:
                        continue
            piece = _fold(text[s:e])
            label = _LABEL_AT_RE.match(piece)
            if label is not None:
                # "Other: Not pregnant No prior malignancies": the pieces cut after a
                # run-together subhead are its items
                self.subhead = _subhead_label(piece[: label.end()])
                self.subhead_indent, self.subhead_deeper = unit.indent, False
                self.subhead_end = e
                labelled = True
            if piece.endswith(":") and len(piece.split()) <= 5 and _LABEL_AT_RE.fullmatch(piece):
                labelled = False  # its items follow on later lines
                continue  # a run-together subhead whose items follow on later lines
            self._emit(piece, s, e)
        if labelled:
            self.subhead = None  # the next paragraph is not known to belong to it


def _starts_with_label(text: str, label: str) -> bool:
    """True for 'Age 18 and over' / 'Ages 18-65' under "Age:" (``label`` is "Age")."""
    words = label.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    return re.match(rf"(?:{pattern})s?(?![^\W_])", text, re.I) is not None


def _headers(text: str, units: list[_Unit]) -> tuple[bool, bool]:
    """(explicit, grouped): whether the record has both an inclusion and an exclusion header, and whether
    its headers name two or more different groups or parts ("for all participants" and "for participating
    in the bronchoscopy portion of the study")."""
    sections, quals = set(), set()
    for u in units:
        hdr = _match_header(text, u.start, u.end)
        if hdr is not None:
            if hdr[0] is not None:
                sections.add(hdr[0])
            if hdr[2]:
                quals.add(hdr[2].lower())
    return len(sections) == 2, len(quals) >= 2


# a lead-in that denies every item below it: "None of the following laboratory abnormalities within 2 weeks
# of study entry:", "Must not have any of the following:", "Absence of the following:"
_DENYING_LEAD = re.compile(r"(?:none\s+of\s+the\s+following|(?:must|should)\s+not\s+have\s+any\s+of\s+the\s+following|"
                           r"absence\s+of\s+(?:all\s+|any\s+)?(?:of\s+)?the\s+following|no(?:ne)?\s+(?:\w+\s+){0,3}of\s+the\s+following)"
                           r"[^:]{0,120}:$"
                           # "No history of any prior disease or therapy which would affect immune function including:";
                           # what the denied thing is, item by item: "No patients with moderate or severe liver disease, as
                           # defined by:", "No evidence of immunocompromise, i.e.:", "No hepatic dysfunction with:"
                           r"|^\s*(?:no|without)\s+(?!more\s+than\b|less\s+than\b)[^:;.]{0,160}\b(?:including|such\s+as|"
                           r"(?:as\s+)?(?:defined|evidenced|indicated|shown|manifested|characteri[sz]ed)\s+(?:by|as)"
                           r"(?:\s+(?:any\s+(?:one\s+)?of\s+)?the\s+following)?|as\s+(?:follows|below)|with|i\.e\.?|e\.g\.?)\s*,?\s*:$", re.I)
_MAX_FLAT_ITEMS = 15
#: "These include:", "These include the following diseases and conditions:", "Such conditions are:": a lead-in
#: that names its list by pointing back at the sentence before it (also read by ``nlp.coverage``)
POINTING_LEAD = r"(?:these|they|such(?:\s+\w+){1,2}|this|examples?)\s+(?:include|includes|are|is|consists?\s+of)\b[^:.;]{0,60}"
#: how a sentence that denies what it names opens: "No contraindications to OGTT.", "Not have any condition that ..."
DENIAL_OPENING = r"\s*(?:no|not|none|without|absence\s+of)\b"
_POINTING_LEAD = re.compile(POINTING_LEAD + ":$", re.I)
_DENYING_SENTENCE = re.compile(DENIAL_OPENING + r"[^;:]*[.;]$", re.I)


def _flat_lead_ins(out: list[_Out], text: str = "") -> list[_Out]:
    """Items written at the same level as a denying lead-in, each a paragraph of its own ending in ";"
    up to one that does not: each item is read with the lead-in in front, as a nested one is
    ("None of the following ... within 2 weeks of study entry: Hemoglobin less than 8.0 g/dl;"), and
    the lead-in is not a criterion by itself. Alone, "Hemoglobin less than 8.0 g/dl" among the
    inclusions required a hemoglobin below 8."""
    result: list[_Out] = []
    i = 0
    while i < len(out):
        lead = out[i]
        head = lead.text.strip()
        denying = _DENYING_LEAD.search(head)
        pointing = (_POINTING_LEAD.fullmatch(head) and result and result[-1].section == lead.section
                    and _DENYING_SENTENCE.fullmatch(result[-1].text) and not text[result[-1].end : lead.start].strip())
        if pointing:
            # "No contraindications to OGTT. These include:" / "Pregnancy;" / "Diabetes mellitus;": the items are what
            # the sentence before denies, not requirements
            head = f"{result[-1].text.strip()} {head}"
        if pointing or denying and denying.start() < 40:
            items = []
            for item in out[i + 1 : i + 1 + _MAX_FLAT_ITEMS]:
                if item.section != lead.section or item.text.startswith(head):
                    break
                items.append(item)
                if not item.text.rstrip().endswith((";", ",", " or", " and")):
                    break
            if items and items[0].text.rstrip().endswith((";", ",", " or", " and", ".")):
                if pointing:
                    result.pop()
                result += [_Out(it.section, f"{head} {it.text}", it.start, it.end, it.context) for it in items]
                i += 1 + len(items)
                continue
        result.append(lead)
        i += 1
    return result


def split_criteria(text: str) -> list[Criterion]:
    """Split an eligibility text into numbered inclusion and exclusion criteria."""
    if not isinstance(text, str) or not text.strip(_WS):
        return []
    units = _units(text)
    explicit, grouped = _headers(text, units)
    splitter = _Splitter(text, grouped)
    out = _flat_lead_ins(splitter.run(units, explicit), text)
    counters = {"inclusion": 0, "exclusion": 0}
    result = []
    for o in out:
        counters[o.section] += 1
        prefix = "inc" if o.section == "inclusion" else "exc"
        section: Section = "inclusion" if o.section == "inclusion" else "exclusion"
        start, end = o.start, o.end
        while start < end and text[start].isspace():  # control separators (\x1c-\x1f) count as space too
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        result.append(Criterion(f"{prefix}-{counters[o.section]}", section, o.text, start, end))
    return result
