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

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NCT_PATTERN = r"^[Nn][Cc][Tt]\d{8}$"
MAX_TEXT = 20_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Measurement(_Strict):
    name: str = Field(min_length=1, max_length=200, examples=["hemoglobin"])
    value: float = Field(strict=True, examples=[11.2])
    unit: str | None = Field(None, max_length=50, examples=["g/dL"])


class Medication(_Strict):
    name: str = Field(min_length=1, max_length=200, examples=["rituximab"])
    last_taken: str | float | None = Field(
        None, description="A date (YYYY-MM-DD), a number of days ago, or text like '2 weeks ago'; empty if current."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class PatientForm(_Strict):
    """A site's patient form: every field optional; ``text`` is read like free text."""

    age: float | None = Field(None, ge=0, le=130, strict=True, description="Age in years.")
    sex: Literal["female", "male"] | None = None
    conditions: list[str] = Field(default_factory=list, max_length=100, examples=[["systemic lupus erythematosus"]])
    measurements: list[Measurement] = Field(default_factory=list, max_length=100)
    medications: list[Medication] = Field(
        default_factory=list, max_length=100, description="Names, or objects with name and last_taken."
    )
    pregnant: bool | None = Field(None, strict=True)
    breastfeeding: bool | None = Field(None, strict=True)
    text: str | None = Field(None, max_length=MAX_TEXT)

    @field_validator("sex", mode="before")
    @classmethod
    def _sex_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def to_form(self) -> dict[str, Any]:
        """The dict :func:`matcher.patient.read_form` reads (unset fields left out)."""
        form: dict[str, Any] = self.model_dump(exclude_none=True, exclude={"medications"})
        if self.medications:
            form["medications"] = [
                m.name if m.last_taken in (None, "") else {"name": m.name, "last_taken": m.last_taken}
                for m in self.medications
            ]
        return {k: v for k, v in form.items() if v != []}

    def is_empty(self) -> bool:
        return not self.to_form()


class SearchFilters(_Strict):
    status: list[str] = Field(default_factory=list, max_length=20, examples=[["recruiting"]])
    phase: list[str] = Field(default_factory=list, max_length=20, examples=[["phase2"]])
    country: list[str] = Field(default_factory=list, max_length=50, examples=[["China"]])
    study_type: list[str] = Field(default_factory=list, max_length=5, examples=[["interventional"]])


class _PatientRequest(_Strict):
    text: str | None = Field(None, max_length=MAX_TEXT, description="The patient in free text.")
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


class ErrorItem(_Open):
    field: str = Field(description="The request field at fault, e.g. patient.age or nct_id.")
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(_Open):
    detail: list[ErrorItem]


class ErrorResponse(_Open):
    detail: str
