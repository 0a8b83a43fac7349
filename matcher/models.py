"""Plain typed records that flow through matcher.

Nothing here imports spaCy or Whoosh: these are the shapes every other
module shares (loaders produce :class:`Trial`, the splitter produces
:class:`Criterion`, the constraint parser fills ``Criterion.constraints``).
Each record converts to and from plain dicts so it can be stored in the
index as JSON and printed by the CLI.
"""
from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal

Section = Literal["inclusion", "exclusion"]
Polarity = Literal["require", "forbid"]


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


@cache
def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


@cache
def _field_order(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    """``value`` with its lists and dicts copied and nested records as dicts (what ``asdict`` gives)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return value.to_dict() if hasattr(value, "to_dict") else asdict(value)
    return value


def _to_dict(obj: Any) -> dict[str, Any]:
    """``dataclasses.asdict`` for our records, several times faster (no deep copy
    of strings and numbers; indexing spent a third of its time in ``asdict``)."""
    return {name: _plain(getattr(obj, name)) for name in _field_order(type(obj))}


def _from_dict(cls, data: dict[str, Any]):
    known = _field_names(cls)
    if known.issuperset(data):  # the usual case, without copying: the constructor copies nothing either
        return cls(**data)
    return cls(**{k: v for k, v in data.items() if k in known})


def to_json(record: Any) -> str:
    """``json.dumps(record.to_dict(), ensure_ascii=False)``, without building the
    dicts first: each nested record is written from its own attributes (about 40%
    less time; what the index stores for every trial)."""
    return json.dumps(record, default=_json_fields, ensure_ascii=False)


def _json_fields(obj: Any) -> dict[str, Any]:
    names = _field_order(type(obj))  # a TypeError, as json expects, for anything but our records
    fields_now = obj.__dict__
    if tuple(fields_now) == names:  # exactly its fields, in their order: as the dataclass made it
        return fields_now
    return _to_dict(obj)


# A site's own status, when the record gives one, that says it no longer enrols.
CLOSED_SITE_STATUSES = frozenset({"COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED", "ACTIVE_NOT_RECRUITING",
                                  "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE"})


@dataclass
class Location:
    facility: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    zip: str = ""
    status: str = ""  # the site's own recruitment status, when the record gives one
    lat: float | None = None  # coordinates: the record's geoPoint, else geocoded at indexing
    lon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Location":
        return _from_dict(cls, data)


@dataclass
class TimeWindow:
    """A period before an anchor event, e.g. "within 4 weeks prior to screening"."""

    days: float
    text: str = ""
    anchor: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TimeWindow":
        return _from_dict(cls, data)


@dataclass
class Constraint:
    """One checkable (or explicitly uncheckable) condition from a criterion.

    ``kind`` is one of: age, sex, pregnancy, lactation, childbearing_potential,
    contraception, condition, measurement, therapy, allergy, stage (``concept``
    the allowed stages, "IIIB/IV"), biomarker (``concept`` the marker, its
    wanted status in ``qualifiers``), count (prior lines of therapy), admin.
    ``polarity`` says whether the patient must have it (``require``) or must
    not (``forbid``), with the section and any negation already combined.
    ``qualifiers`` are words that narrow the concept ("active", "severe",
    "history", "prior", "planned"); ``exceptions`` are concepts the
    criterion carves out ("except non-melanoma skin cancer"); ``applies_to``
    names the population a rule is limited to ("women of childbearing
    potential"). ``start``/``end`` are character offsets into the criterion
    text and ``text`` is that span.
    """

    kind: str
    polarity: Polarity
    concept: str
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    relative_to: str | None = None
    window: TimeWindow | None = None
    exceptions: list[str] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    applies_to: str | None = None
    # who ``applies_to`` covers, as read (matcher.nlp.scopes): sex, age_min/age_max,
    # conditions (with ``without``), or a named part of the study (group)
    scope: dict[str, Any] | None = None
    checkable: bool = True
    # what the criterion says about this constraint that it does not hold
    # (see matcher.nlp.coverage); it fails a patient only when this is empty.
    # None: not recorded (a record indexed by an older matcher), so never a fail
    unexplained: list[str] | None = None
    text: str = ""
    start: int = 0
    end: int = 0

    def summary(self) -> str:
        """A compact one-line form: "forbid therapy live vaccine within 28 days"."""
        parts = [self.polarity if self.checkable else "not checkable:", self.kind, self.concept]
        if self.qualifiers:
            parts.insert(2, f"({', '.join(self.qualifiers)})")
        if self.kind == "biomarker" and self.qualifiers:
            parts = [p for p in parts if not p.startswith("(")]
            parts.append(self.qualifiers[0])
        if self.comparator == "between":
            parts.append(f"{_num(self.value)}–{_num(self.value_max)}")
        elif self.comparator:
            parts.append(f"{self.comparator} {_num(self.value)}")
        if self.relative_to:
            parts.append(f"× {self.relative_to}")
        elif self.unit:
            parts[-1] += ("×" if self.unit.startswith("10^") else "" if self.unit == "%" else " ") + self.unit
        if self.window:
            parts.append(f"[{self.window.text}]")
        if self.applies_to:
            parts.append(f"[for {self.applies_to}]")
        if self.exceptions:
            parts.append(f"except {'; '.join(self.exceptions)}")
        return " ".join(p for p in parts if p)

    def to_dict(self, *, defaults: bool = True) -> dict[str, Any]:
        """Every field; with ``defaults=False``, only those that differ from their
        defaults (a third smaller: what the parse cache keeps), which
        :meth:`from_dict` restores."""
        data = _to_dict(self)
        if not defaults:
            data = {k: v for k, v in data.items() if k not in _DEFAULTS or v != _DEFAULTS[k]}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Constraint":
        obj = _from_dict(cls, data)
        if isinstance(obj.window, dict):
            obj.window = TimeWindow.from_dict(obj.window)
        return obj


_DEFAULTS = {f.name: f.default if f.default is not MISSING else f.default_factory() for f in fields(Constraint)
             if f.default is not MISSING or f.default_factory is not MISSING}


@dataclass
class Criterion:
    """One inclusion or exclusion criterion, split out of the eligibility text.

    ``start``/``end`` are offsets into the trial's original eligibility text,
    so ``trial.eligibility_text[c.start:c.end]`` is the criterion as written
    (``text`` is the same with list markers stripped and whitespace folded).
    ``unexplained`` lists what the text says that its constraints do not
    account for (content words, unused numbers); a criterion fails a patient
    only when it is empty.
    """

    id: str
    section: Section
    text: str
    start: int
    end: int
    constraints: list[Constraint] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Criterion":
        obj = _from_dict(cls, data)
        obj.constraints = [Constraint.from_dict(c) for c in obj.constraints]
        return obj


@dataclass
class Trial:
    nct_id: str
    brief_title: str = ""
    official_title: str = ""
    brief_summary: str = ""
    detailed_description: str = ""
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    mesh_terms: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    study_type: str = ""
    overall_status: str = ""
    sex: str = "all"
    minimum_age: float | None = None
    maximum_age: float | None = None
    healthy_volunteers: bool | None = None
    locations: list[Location] = field(default_factory=list)
    eligibility_text: str = ""
    criteria: list[Criterion] = field(default_factory=list)
    source: str = ""
    last_update: str = ""  # ISO date the registry last posted an update ("2023-02-03")
    # condition concepts the trial studies, read from conditions and MeSH terms
    # when it is indexed (None: not read yet; see eligibility.trial_topics)
    topics: list[str] | None = None

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title

    @property
    def countries(self) -> list[str]:
        return sorted({loc.country for loc in self.locations if loc.country})

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Trial":
        obj = _from_dict(cls, data)
        obj.locations = [Location.from_dict(x) for x in obj.locations]
        obj.criteria = [Criterion.from_dict(x) for x in obj.criteria]
        return obj


@dataclass
class Skipped:
    """A record that could not be used, with where it came from and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Fact:
    """One thing a patient's text or form says about them.

    ``kind`` is condition, therapy or measurement. ``negated`` (denied,
    absent), ``historical`` (past, resolved), ``family`` (a relative's) and
    ``hypothetical`` facts are kept apart from plain present ones; an
    ``uncertain`` one (also hypothetical) is named in words that do not say
    whether the patient has it ("HIV: nee", "HIV, hep B ... every one of them
    negative"), so a criterion about it is a question, not a pass or a fail.
    Measurements carry ``value`` in the analyte's canonical ``unit``;
    therapies carry ``days_ago`` (0 = current) when the text says when, and
    ``continues`` when it says their use goes on into a later step of the study.
    """

    kind: str
    concept: str
    negated: bool = False
    historical: bool = False
    family: bool = False
    hypothetical: bool = False
    uncertain: bool = False
    value: float | None = None
    unit: str | None = None
    relative_to: str | None = None
    days_ago: float | None = None
    current: bool = False
    # will go on into a later step of the study: "to be continued up to the day of leukapheresis",
    # "can't stop the CellCept even for a few days" (matcher.later_steps)
    continues: bool = False
    text: str = ""
    # a test result's upper limit of normal as the patient's report gives it ("ALT 86 U/L (ULN 40)",
    # "GPT 83 U/l (v.n. < 35)"), in the result's canonical unit
    uln: float | None = None

    @property
    def asserted(self) -> bool:
        """Present for the patient themself: not negated, family or hypothetical."""
        return not (self.negated or self.family or self.hypothetical)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fact":
        return _from_dict(cls, data)


@dataclass
class Patient:
    """What we know about a patient: demographics and facts.

    ``None`` means unknown. The free text a patient typed is not kept here:
    it is read once into facts and dropped.
    """

    age: float | None = None
    age_approx: bool = False  # "in her sixties": the age is the decade's middle, give or take 5 years
    sex: str | None = None  # "female" or "male"
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    planning_pregnancy: bool | None = None
    consents: bool | None = None
    contraception: bool | None = None  # False: says outright they will not use contraception
    childbearing_potential: bool | None = None
    # cancer details (matcher.nlp.oncology): stage "IIIB", TNM {"t","n","m"}, metastatic and
    # where, biomarkers [{"name", "status", "detail"}], prior lines of therapy
    stage: str | None = None
    tnm: dict[str, str] | None = None
    metastatic: bool | None = None
    metastatic_sites: list[str] = field(default_factory=list)
    biomarkers: list[dict[str, str]] = field(default_factory=list)
    prior_lines: int | None = None
    # what the reader wants the person to know: spelling it corrected, text it could not read
    notes: list[str] = field(default_factory=list)
    language: str | None = None  # set when the text looks written in another language (matcher reads English)
    location: dict[str, Any] | None = None  # where they live: {"label", "lat", "lon"} (matcher.geo)
    facts: list[Fact] = field(default_factory=list)
    # content-word stems of what the patient wrote, used only in memory to
    # tell whether an unreadable exclusion concerns anything they mentioned;
    # never serialised
    words: frozenset[str] = field(default_factory=frozenset, repr=False)
    # other ages the text gives that may be the patient's ("Age/Sex: 29/F ... (son is 4 y/o)" read as 4, with 29
    # here): an age limit fails only if none of them would pass it
    other_ages: list[float] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = _to_dict(self)
        data.pop("words")
        data.pop("other_ages")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Patient":
        obj = _from_dict(cls, data)
        obj.facts = [Fact.from_dict(f) for f in obj.facts]
        return obj
