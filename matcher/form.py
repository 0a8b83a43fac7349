"""The patient form: one schema for the CLI's ``--patient-file``, the Python
API's ``patient=`` and the HTTP API's ``patient`` object.

:func:`validate_form` checks types, sizes and that numbers are finite, and
raises :class:`FormError` naming the first bad field
(``measurements[0].value``). What only the vocabulary can judge (an unknown
analyte, a unit that does not convert, a value outside an analyte's plausible
range) is checked by :func:`matcher.patient.read_form` with the same error.

Text has one limit everywhere: :data:`MAX_TEXT_CHARS`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import MatcherError

MAX_TEXT_CHARS = 20_000  # about eight pages: longer is not a patient summary
MAX_ITEMS = 100
MAX_NAME = 200


class FormError(MatcherError, ValueError):
    """A patient form field with a wrong type or value; ``field`` names it
    (``age``, ``measurements[0].unit``)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")

    def __reduce__(self):  # picklable (the server's search processes)
        return FormError, (self.field, self.message)


def check_text(text: str, field: str = "text") -> str:
    """``text`` if it is usable patient text; FormError if it is too long or
    holds characters that are not valid Unicode (undecodable bytes)."""
    if len(text) > MAX_TEXT_CHARS:
        raise FormError(field, f"too long ({len(text):,} characters); at most {MAX_TEXT_CHARS:,}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FormError(field, f"not valid UTF-8 text (undecodable byte at character {exc.start + 1})") from None
    return text


def _usable(value: str) -> str:
    try:
        return check_text(value)
    except FormError as exc:
        raise ValueError(str(exc).removeprefix("text: ")) from None


# Patient text as every schema takes it: at most MAX_TEXT_CHARS, valid Unicode.
PatientText = Annotated[str, AfterValidator(_usable)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Measurement(_Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME, examples=["hemoglobin"])
    value: float = Field(strict=True, examples=[11.2], description="A finite number, in `unit`.")
    unit: str | None = Field(None, max_length=50, examples=["g/dL"])


class Medication(_Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME, examples=["rituximab"])
    last_taken: str | float | None = Field(
        None, description="A date (YYYY-MM-DD), a number of days ago, or text like '2 weeks ago'; empty if current."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Point(_Strict):
    lat: float = Field(ge=-90, le=90, strict=True)
    lon: float = Field(ge=-180, le=180, strict=True)


class PatientForm(_Strict):
    """A site's patient form: every field optional; ``text`` is read like free text."""

    age: float | None = Field(None, ge=0, le=130, strict=True, description="Age in years.")
    sex: Literal["female", "male"] | None = None
    conditions: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, examples=[["systemic lupus erythematosus"]])
    measurements: list[Measurement] = Field(default_factory=list, max_length=MAX_ITEMS)
    medications: list[Medication] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Names, or objects with name and last_taken."
    )
    pregnant: bool | None = Field(None, strict=True)
    breastfeeding: bool | None = Field(None, strict=True)
    location: str | Point | None = Field(
        None,
        description='Where the patient lives: a place name ("Columbus, Ohio"), a postal code, or {"lat", "lon"}.',
        examples=["Columbus, Ohio"],
    )
    text: PatientText | None = Field(None, description=f"The patient in free text (at most {MAX_TEXT_CHARS:,} characters).")

    @field_validator("sex", mode="before")
    @classmethod
    def _sex_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("conditions")
    @classmethod
    def _short_names(cls, values: list[str]) -> list[str]:
        for value in values:
            if len(value) > MAX_NAME:
                raise ValueError(f"each condition is at most {MAX_NAME} characters")
        return values

    @field_validator("location")
    @classmethod
    def _short_place(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) > MAX_NAME:
            raise ValueError(f"at most {MAX_NAME} characters")
        return value

    def to_form(self) -> dict[str, Any]:
        """The plain dict :func:`matcher.patient.read_form` reads (unset fields left out)."""
        form: dict[str, Any] = self.model_dump(exclude_none=True, exclude={"medications"})
        if self.medications:
            form["medications"] = [
                m.name if m.last_taken in (None, "") else {"name": m.name, "last_taken": m.last_taken}
                for m in self.medications
            ]
        return {k: v for k, v in form.items() if v != []}

    def is_empty(self) -> bool:
        return not self.to_form()


def _field_name(loc: tuple[str | int, ...]) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part in ("str", "Point", "float", "int", "bool") or part.startswith(("function-", "literal[")):
            continue  # union member tags pydantic adds to the location
        else:
            name += f".{part}" if name else str(part)
    return name or "patient"


def validate_form(form: Any) -> PatientForm:
    """``form`` checked against :class:`PatientForm`; FormError names the first bad field."""
    if isinstance(form, PatientForm):
        return form
    if not isinstance(form, Mapping):
        raise FormError("patient", "expected a JSON object of form fields")
    try:
        return PatientForm.model_validate(dict(form))
    except ValidationError as exc:
        errors = exc.errors(include_input=False)
        # of a union's alternatives, the one that got furthest says what is wrong
        # ({"lat": 100} is a bad point, not a bad place name)
        error = max(errors, key=lambda e: len(e["loc"]))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            model = _MODELS.get(next((p for p in error["loc"] if p in _MODELS), ""), PatientForm)
            message = f"unknown field; expected one of {', '.join(sorted(model.model_fields))}"
        elif error["type"] == "finite_number":
            message = "expected a finite number (not NaN or infinity)"
        raise FormError(_field_name(error["loc"]), message) from None


_MODELS: dict[str, type[BaseModel]] = {"measurements": Measurement, "medications": Medication, "Point": Point}
