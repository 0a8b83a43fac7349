"""Request and response models of the HTTP API (pydantic), with the field names of the patient form.

Requests are validated here first, so a wrong type is a 422 that names the
field (``patient.age``, ``patient.measurements[0].value``); what only the
library can judge (an unknown analyte, a unit that does not convert) comes
back from :func:`matcher.patient.read_form` as a ``PatientError`` and is
turned into the same 422 shape by the app.

Response models document the shapes in OpenAPI; the endpoints return the
library's ``to_dict()`` as it is, so the API and ``matcher ... --json`` agree.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..filters import LIST_FILTERS, Filters
from ..form import MAX_TEXT_CHARS, PatientForm, PatientText

NCT_PATTERN = r"^[Nn][Cc][Tt]\d{8}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _OtherFilters(_Strict):
    include_closed: bool = Field(False, strict=True, description="Also list trials that no longer enrol.")
    within: str | float | None = Field(None, examples=["50mi"], description=(
        "Keep trials with an enrolling site this close to the patient's location: 50mi, 100km, or a number of km."))


# the list filters (status, phase, country, study_type) come from matcher.filters.LIST_FILTERS
_ListFilters = create_model("_ListFilters", __base__=_OtherFilters, **{
    spec.name: (list[str], Field(default_factory=list, max_length=spec.max_items, examples=[[spec.example]],
                                 description=spec.help))
    for spec in LIST_FILTERS})


class SearchFilters(_ListFilters):
    def to_filters(self) -> Filters:
        return Filters(**{spec.name: getattr(self, spec.name) for spec in LIST_FILTERS},
                       include_closed=self.include_closed, within=self.within)


class _PatientRequest(_Strict):
    text: PatientText | None = Field(None, description=f"The patient in free text (at most {MAX_TEXT_CHARS:,} characters).")
    patient: PatientForm | None = None

    def has_patient(self) -> bool:
        return bool((self.text or "").strip()) or (self.patient is not None and not self.patient.is_empty())


class SearchRequest(_PatientRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "A 34-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12",
                    "filters": {"status": ["recruiting"]},
                    "top": 10,
                }
            ]
        },
    )

    filters: SearchFilters | None = None
    top: int = Field(10, ge=1, le=100, strict=True, description="Number of results.")


class ExplainRequest(_PatientRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"nct_id": "NCT05858684", "patient": {"age": 34, "sex": "female"}}]},
    )

    nct_id: str = Field(pattern=NCT_PATTERN, examples=["NCT05858684"])


# -- responses (documentation of the library's to_dict() shapes) ----------------
class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ResultOut(_Open):
    nct_id: str
    title: str
    status: str
    enrolling: bool = Field(description="Open to enrolment; a trial that is not must not be shown as joinable.")
    nearest_site: dict[str, Any] | None = Field(
        description="The enrolling site nearest the patient (facility, city, state, country, km, miles), "
                    "when the patient gave a place.")
    score: float
    eligibility: Literal["eligible", "uncertain", "ineligible"]
    passed: int = Field(alias="pass")
    fail: int
    unknown: int
    reasons: list[str]
    signals: dict[str, float]


class PatientOut(_Open):
    """What we understood of the patient (age, sex, conditions, cancer details, measurements,
    medications, allergies, notes); ``lines`` says it in plain words."""

    age: float | None = None
    sex: str | None = None
    conditions: list[dict[str, Any]] = []
    medications: list[dict[str, Any]] = []
    notes: list[str] = []
    lines: list[str] = []


class SearchResponse(_Open):
    patient: PatientOut
    results: list[ResultOut]
    questions: list[str]
    excluded: list[ResultOut] = Field(description="Close matches left out by the patient's age or sex.")
    closed: int = Field(description="Close matches not listed because they no longer enrol (see filters.include_closed).")
    data_date: str = Field(description="The newest registry update in the index (YYYY-MM-DD).")


class CriterionOut(_Open):
    id: str
    section: str
    text: str
    verdict: Literal["pass", "fail", "unknown", "not_applicable"]
    reason: str
    checkable: bool
    assumed: bool = False
    constraints: list[dict[str, Any]]


class ExplainResponse(_Open):
    nct_id: str
    title: str
    eligibility: Literal["eligible", "uncertain", "ineligible"]
    criteria: list[CriterionOut]
    questions: list[str]
    patient: PatientOut


class HealthResponse(_Open):
    status: Literal["ok"]
    trials: int
    generation: str
    data_date: str = Field(description="The newest registry update in the index (YYYY-MM-DD).")


class ErrorItem(_Open):
    field: str = Field(description="The request field at fault, e.g. patient.age or nct_id.")
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(_Open):
    detail: list[ErrorItem]


class ErrorResponse(_Open):
    detail: str
