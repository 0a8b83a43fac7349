"""Search filters: what a user may ask for, the values each facet takes, and
the hint when a value is not one of them.

:class:`Filters` is what the CLI's options, the HTTP API's ``filters`` and
the Python API pass to :meth:`matcher.service.Matcher.search`. Patient-facing
search keeps trials open to enrolment unless ``include_closed`` (or an
explicit ``status``) says otherwise.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import MatcherError
from .geo.distance import MAX_DISTANCE_KM, haversine_km

# ClinicalTrials.gov overall statuses (API v2 spelling, lower case)
OPEN_STATUSES = ("recruiting", "not_yet_recruiting", "enrolling_by_invitation", "available")
STATUSES = OPEN_STATUSES + (
    "active_not_recruiting", "completed", "suspended", "terminated", "withdrawn", "no_longer_available",
    "temporarily_not_available", "approved_for_marketing", "withheld", "unknown",
)
PHASES = ("earlyphase1", "phase1", "phase2", "phase3", "phase4", "na")
STUDY_TYPES = ("interventional", "observational", "expanded_access")

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_COMMON_COUNTRIES = ("United States", "Canada", "United Kingdom", "France", "Germany", "China", "Japan", "India")


class FilterError(MatcherError, ValueError):
    """A filter value matcher does not know; the message lists the valid ones."""

    def __init__(self, field: str, value: str, valid: list[str] | tuple[str, ...] = (), message: str = ""):
        self.field, self.value, self.valid = field, value, list(valid)
        if not message:
            if len(self.valid) <= 30:
                hint = "valid values: " + ", ".join(self.valid)
            else:  # a long list (countries): the closest spellings, then a few common ones
                close = difflib.get_close_matches(value, self.valid, n=5, cutoff=0.6)
                common = [v for v in _COMMON_COUNTRIES if v in self.valid and v not in close]
                hint = (f"did you mean {', '.join(close)}? " if close else "") + \
                    f"valid values are the {len(self.valid)} country names and ISO codes, e.g. {', '.join(common)}"
            message = f"unknown {field.replace('_', ' ')} {value!r}; {hint}"
        super().__init__(message)

    def __reduce__(self):  # picklable (the server's search processes) although built from several fields
        return FilterError, (self.field, self.value, self.valid, str(self))


def status_value(value: str) -> str:
    """'Not yet recruiting' → 'not_yet_recruiting'."""
    return "_".join(re.findall(r"[a-z0-9]+", value.lower()))


def phase_value(value: str) -> str:
    """'Phase II', 'phase 2', '2', 'PHASE2' → 'phase2'; 'early phase 1' → 'earlyphase1'; 'N/A' → 'na'."""
    words = re.findall(r"[a-z0-9]+", value.lower())
    if words in (["n", "a"], ["na"], ["none"]):
        return "na"
    early = bool(words) and words[0] == "early"
    words = [w for w in words if w not in ("early", "phase")]
    number = "".join(_ROMAN.get(w, w) for w in words)
    return f"{'earlyphase' if early else 'phase'}{number}"


@dataclass(frozen=True)
class ListFilter:
    """A filter that keeps trials whose facet of the same name is one of the
    values asked for. This table drives the CLI options, the HTTP API's
    ``filters`` fields, :meth:`Filters.normalized` and the index's filtering."""

    name: str  # the Filters field and the index facet (matcher.index.schema.FACETS)
    help: str
    example: str
    max_items: int  # values one request may name
    many: bool = False  # the facet holds a comma-separated list (a trial has several phases or countries)


LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter("status", "Keep trials with this overall status (e.g. recruiting, completed); overrides the "
               "open-to-enrolment default.", "recruiting", 20),
    ListFilter("phase", "Keep trials of this phase (e.g. phase2, 'phase 2', II).", "phase2", 20, many=True),
    ListFilter("country", "Keep trials with a site in this country: a name or an ISO code (USA, France, FR).",
               "United States", 50, many=True),
    ListFilter("study_type", "Keep trials of this type (interventional, observational).", "interventional", 5),
)


@dataclass
class Filters:
    """Hard filters on indexed trial fields; empty means no filter.

    ``include_closed`` False (the default) keeps trials open to enrolment
    (:data:`OPEN_STATUSES`) unless ``status`` names statuses explicitly.
    ``near`` is a (lat, lon) point and ``within_km`` a radius around it: a
    trial passes when one of its sites is that close.
    """

    age: float | None = None
    sex: str | None = None  # "female" or "male": keeps trials open to that sex
    status: list[str] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    study_type: list[str] = field(default_factory=list)
    include_closed: bool = False
    near: tuple[float, float] | None = None
    within: str | float | None = None  # "50mi", "100 km", or a number of km (read by normalized())
    within_km: float | None = None

    @property
    def open_only(self) -> bool:
        return not self.include_closed and not self.status

    @property
    def is_empty(self) -> bool:
        return (self.age is None and self.sex not in ("female", "male") and not self.open_only
                and not self.has_lists and not self.has_radius)

    def list_allows(self, spec: ListFilter, value: str) -> bool:
        """Whether one trial's facet ``value`` passes the list filter ``spec`` (True when it names no values)."""
        wanted = getattr(self, spec.name)
        if not wanted:
            return True
        have = set(value.lower().split(",")) if spec.many else {value}
        return bool(have & {_plain(spec.name, v) for v in wanted})

    @property
    def has_lists(self) -> bool:
        """Whether any of :data:`LIST_FILTERS` names values."""
        return any(getattr(self, spec.name) for spec in LIST_FILTERS)


    @property
    def has_radius(self) -> bool:
        return self.near is not None and self.within_km is not None

    def allows(self, facets: dict) -> bool:
        """Whether one trial's stored facets (``TrialIndex.facets_of``) pass
        these filters; values are taken as :meth:`normalized` spells them."""
        if self.age is not None and not (facets["min_age"] <= self.age <= facets["max_age"]):
            return False
        if self.sex in ("female", "male") and facets["sex"] not in ("all", self.sex):
            return False
        if self.open_only and facets["status"] not in OPEN_STATUSES:
            return False
        for spec in LIST_FILTERS:
            if getattr(self, spec.name) and not self.list_allows(spec, facets[spec.name]):
                return False
        if self.has_radius:
            nearest = nearest_site(facets.get("points") or b"", self.near)
            if nearest is None or nearest[1] > self.within_km:
                return False
        return True

    def normalized(self) -> Filters:
        """These filters with every value in the index's spelling; FilterError for an unknown one."""
        from .geo import known_countries, normalize_country, parse_distance

        def each(name: str, values: list[str], norm, valid) -> list[str]:
            out = []
            for value in values:
                key = norm(value)
                if key is None or (valid is not None and key not in valid):
                    raise FilterError(name, value, valid if valid is not None else known_countries())
                out.append(key)
            return out

        return replace(
            self,
            status=each("status", self.status, status_value, STATUSES),
            phase=each("phase", self.phase, phase_value, PHASES),
            study_type=each("study_type", self.study_type, status_value, STUDY_TYPES),
            country=[c.lower() for c in each("country", self.country, normalize_country, None)],
            within_km=self.within_km if self.within is None else _distance(self.within, parse_distance),
        )

    def with_closed(self) -> Filters:
        """The same filters keeping closed trials too (to count what the open-only default hid)."""
        return replace(self, include_closed=True)


def _plain(name: str, value: str) -> str:
    """A filter value in the index's spelling, without the vocabulary lookups of :meth:`Filters.normalized`."""
    if name == "phase":
        return phase_value(value)
    if name == "country":
        return value.strip().lower()
    return status_value(value)


def _distance(value: str | float, parse) -> float:
    try:
        km = parse(value) if isinstance(value, str) else float(value)
    except ValueError:
        raise FilterError("within", str(value), message=f"cannot read the distance {str(value)[:40]!r}; "
                          "write it like 50mi, 100km, or a number of km") from None
    if not 0 < km <= MAX_DISTANCE_KM:  # NaN fails too (a number of km skips parse_distance)
        raise FilterError("within", str(value), message="the distance must be above 0 and at most 20,000 km")
    return km


def site_points(packed: bytes) -> np.ndarray:
    """The (lat, lon, site number) rows the index stores for a trial's located, enrolling sites."""
    return np.frombuffer(packed, dtype=np.float32).reshape(-1, 3) if packed else np.zeros((0, 3), np.float32)


def nearest_site(packed: bytes, point: tuple[float, float]) -> tuple[int, float] | None:
    """(site number, distance in km) of the site nearest ``point``, or None if no site is located."""
    rows = site_points(packed)
    if not len(rows):
        return None
    km = haversine_km(rows[:, 0].astype(float), rows[:, 1].astype(float), *point)
    best = int(np.argmin(km))
    return int(rows[best, 2]), float(km[best])
