"""``matcher.patient``: a patient read from a site's form, from free text, or both."""
from __future__ import annotations

import datetime as dt

import pytest

from matcher.form import MAX_TEXT_CHARS, FormError
from matcher.models import Patient
from matcher.patient import read_form, read_patient, read_text

TODAY = dt.date(2026, 12, 1)


def _facts(patient: Patient, kind: str) -> dict[str, object]:
    return {f.concept: f for f in patient.facts if f.kind == kind}


def _refused(form, **kw) -> FormError:
    with pytest.raises(FormError) as caught:
        read_form(form, **kw)
    return caught.value


# -- read_form: every field ---------------------------------------------------------
def test_a_full_form():
    p = read_form({
        "age": 34, "sex": "Female", "pregnant": False, "breastfeeding": True,
        "conditions": ["SLE", "type 2 diabetes"],
        "measurements": [{"name": "hemoglobin", "value": 11.2, "unit": "g/dL"}],
        "medications": ["rituximab", {"name": "prednisone", "last_taken": "2 weeks ago"}],
        "location": "Columbus, Ohio",
        "text": "She denies seizures.",
    }, today=TODAY)
    assert (p.age, p.sex, p.pregnant, p.breastfeeding) == (34.0, "female", False, True)
    conditions = _facts(p, "condition")
    assert {"systemic lupus erythematosus", "type 2 diabetes"} <= set(conditions)
    assert conditions["epilepsy"].negated  # from the form's text
    assert _facts(p, "measurement")["hemoglobin"].value == 112.0
    therapies = _facts(p, "therapy")
    assert therapies["rituximab"].current and not therapies["prednisone"].current
    assert p.location["label"] == "Columbus, Ohio, United States"


@pytest.mark.parametrize("sex", ["female", "Female", " FEMALE "])
def test_sex_is_read_in_any_case(sex):
    assert read_form({"sex": sex}).sex == "female"


def test_an_empty_form_says_nothing():
    p = read_form({})
    assert (p.age, p.sex, p.pregnant, p.location, p.facts) == (None, None, None, None, [])


@pytest.mark.parametrize("written, concept", [
    ("SLE", "systemic lupus erythematosus"),
    ("Lupus", "systemic lupus erythematosus"),
    ("Congestive heart failure", "heart failure"),
    ("heart attack", "myocardial infarction"),
    ("  Something   Rare  ", "something rare"),  # not in the lexicon: kept as written, folded
])
def test_conditions_are_read_as_concepts(written, concept):
    (fact,) = read_form({"conditions": [written]}).facts
    assert (fact.kind, fact.concept, fact.text, fact.asserted) == ("condition", concept, written, True)


@pytest.mark.parametrize("form, field", [
    ({"age": "34"}, "age"),
    ({"age": 200}, "age"),
    ({"age": True}, "age"),
    ({"sex": "other"}, "sex"),
    ({"pregnant": "yes"}, "pregnant"),
    ({"conditions": "lupus"}, "conditions"),
    ({"medications": [{"name": ""}]}, "medications[0].name"),
    ({"measurements": [{"name": "hemoglobin", "value": "11"}]}, "measurements[0].value"),
    ({"measurements": [{"name": "hemoglobin", "value": float("inf")}]}, "measurements[0].value"),
    ({"weight": 80}, "weight"),
    (["age", 34], "patient"),
])
def test_a_wrong_type_is_refused_naming_the_field(form, field):
    assert _refused(form).field == field


# -- read_form: location ---------------------------------------------------------------
@pytest.mark.parametrize("written, label, kind, lat, lon", [
    ("Columbus, Ohio", "Columbus, Ohio, United States", "city", 39.96, -83.00),
    ("Paris, France", "Paris, France", "city", 48.85, 2.35),
    ("10001", "10001 (New York), New York, United States", "zip", 40.75, -74.00),
    ("02115", "02115 (Boston), Massachusetts, United States", "zip", 42.34, -71.09),
    ("Germany", "Germany", "country", 51.05, 9.79),
])
def test_location_as_a_place_name_or_zip(written, label, kind, lat, lon):
    place = read_form({"location": written}).location
    assert (place["label"], place["kind"]) == (label, kind)
    assert place["lat"] == pytest.approx(lat, abs=0.05) and place["lon"] == pytest.approx(lon, abs=0.05)


@pytest.mark.parametrize("point", [{"lat": 40.0, "lon": -83.0}, {"lat": -33.87, "lon": 151.21}, {"lat": 0.0, "lon": 0.0}])
def test_location_as_a_point(point):
    place = read_form({"location": point}).location
    assert (place["lat"], place["lon"], place["kind"]) == (point["lat"], point["lon"], "point")


@pytest.mark.parametrize("written", ["Xyzzyville Qwerty", "99999", "Atlantis, Narnia"])
def test_an_unknown_place_is_refused_naming_location(written):
    error = _refused({"location": written})
    assert error.field == "location"
    assert "unknown place" in str(error) and "ZIP" in str(error)


def test_an_impossible_latitude_is_named_as_such():
    error = _refused({"location": {"lat": 100, "lon": 0}})
    assert error.field.startswith("location") and "90" in str(error)


# -- read_form: measurements -------------------------------------------------------------
@pytest.mark.parametrize("name, value, unit, concept, canonical, canonical_unit", [
    ("hemoglobin", 11.2, "g/dL", "hemoglobin", 112.0, "g/L"),
    ("Hb", 79, "g/L", "hemoglobin", 79.0, "g/L"),
    ("creatinine", 88.4, "µmol/L", "creatinine", 1.0, "mg/dL"),
    ("creatinine", 1.2, None, "creatinine", 1.2, "mg/dL"),
    ("ANC", 1500, "/mm3", "absolute neutrophil count", 1.5, "10^9/L"),
    ("ANC", 1.5, "x10^9/L", "absolute neutrophil count", 1.5, "10^9/L"),
    ("platelets", 150000, "/µL", "platelet count", 150.0, "10^9/L"),
    ("glucose", 5.5, "mmol/L", "glucose", 99.1, "mg/dL"),
    ("bilirubin", 17.1, "µmol/L", "total bilirubin", 1.0, "mg/dL"),
    ("ECOG", 1, None, "ecog performance status", 1.0, "points"),
])
def test_measurements_are_converted_to_canonical_units(name, value, unit, concept, canonical, canonical_unit):
    (fact,) = read_form({"measurements": [{"name": name, "value": value, "unit": unit}]}).facts
    assert (fact.kind, fact.concept, fact.unit) == ("measurement", concept, canonical_unit)
    assert fact.value == pytest.approx(canonical, rel=2e-3)


@pytest.mark.parametrize("bad, field, words", [
    ({"name": "hemoglobin", "value": 112, "unit": "g/dL"}, "value", "not a plausible hemoglobin"),  # g/L written as g/dL
    ({"name": "platelets", "value": 5_000_000, "unit": "/µL"}, "value", "not a plausible platelet count"),
    ({"name": "ECOG", "value": 9}, "value", "not a plausible ecog"),
    ({"name": "hemoglobin", "value": -1, "unit": "g/dL"}, "value", "cannot be negative"),
    ({"name": "hemoglobin", "value": 7.9, "unit": "mmHg"}, "unit", "cannot convert"),
    ({"name": "foobarium", "value": 7.9, "unit": "g/dL"}, "name", "unknown measurement"),
])
@pytest.mark.parametrize("position", [0, 2])
def test_implausible_measurements_are_refused_naming_the_item(bad, field, words, position):
    good = {"name": "hemoglobin", "value": 11, "unit": "g/dL"}
    items = [bad, good] if position == 0 else [good, good, bad]
    error = _refused({"measurements": items})
    assert error.field == f"measurements[{position}].{field}"
    assert words in str(error)


# -- read_form: medications --------------------------------------------------------------
@pytest.mark.parametrize("last_taken, days, current", [
    (None, 0.0, True),
    ("", 0.0, True),
    ("2026-11-24", 7.0, False),   # a date
    ("2026-12-01", 0.0, True),
    (30, 30.0, False),            # a number of days
    (1, 1.0, True),
    (0, 0.0, True),
    ("2 weeks ago", 14.0, False),  # text
    ("two weeks ago", 14.0, False),
    ("3 days ago", 3.0, False),
    ("yesterday", 1.0, True),
    ("last week", 7.0, False),
    ("a month ago", 30.4375, False),
])
def test_medications_last_taken_in_its_three_forms(last_taken, days, current):
    med = {"name": "metformin", "last_taken": last_taken}
    (fact,) = read_form({"medications": [med]}, today=TODAY).facts
    assert (fact.kind, fact.concept) == ("therapy", "metformin")
    assert fact.days_ago == pytest.approx(days) and fact.current is current


@pytest.mark.parametrize("written, concept", [("Tylenol", "acetaminophen"), ("Rituxan", "rituximab"), ("Zorblaxin", "zorblaxin")])
def test_a_medication_by_name_alone_is_current(written, concept):
    (fact,) = read_form({"medications": [written]}).facts
    assert (fact.concept, fact.current, fact.days_ago) == (concept, True, 0.0)


@pytest.mark.parametrize("last_taken", ["tomorrow", "soon", "sometime last spring"])
def test_an_unreadable_last_taken_is_refused_naming_it(last_taken):
    error = _refused({"medications": ["aspirin", {"name": "metformin", "last_taken": last_taken}]}, today=TODAY)
    assert error.field == "medications[1].last_taken"
    assert repr(last_taken) in str(error)


@pytest.mark.parametrize("last_taken", ["2027-01-01", -5])
def test_a_last_taken_in_the_future_is_refused(last_taken):
    assert _refused({"medications": [{"name": "metformin", "last_taken": last_taken}]}, today=TODAY).field == \
        "medications[0].last_taken"


# -- read_text ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, label", [
    ("A 58-year-old woman from Columbus, Ohio with lupus.", "Columbus, Ohio, United States"),
    ("I live in Boston and have type 2 diabetes.", "Boston, Massachusetts, United States"),
    ("Lives near 02115. Has COPD.", "02115 (Boston), Massachusetts, United States"),
    ("45 yo M in Paris, France with asthma", "Paris, France"),
    ("She was born in Germany but lives in Seattle, Washington; she has breast cancer.", "Seattle, Washington, United States"),
])
def test_a_place_in_the_text_becomes_the_location(text, label):
    assert read_text(text).location["label"] == label


@pytest.mark.parametrize("text", ["A man with asthma.", "Hemoglobin 9 g/dL, no fever.", ""])
def test_text_without_a_place_has_no_location(text):
    assert read_text(text).location is None


def test_text_adds_to_the_patient_it_is_given():
    patient = Patient(age=40, location={"label": "Here", "lat": 1.0, "lon": 2.0, "kind": "point"})
    same = read_text("A 58-year-old man from Boston with asthma.", patient)
    assert same is patient
    assert patient.age == 40 and patient.location["label"] == "Here"
    assert patient.sex == "male" and "asthma" in _facts(patient, "condition")


def test_text_up_to_the_limit_is_read():
    text = "lupus. " + "x" * (MAX_TEXT_CHARS - 7)
    assert len(text) == MAX_TEXT_CHARS
    assert "systemic lupus erythematosus" in _facts(read_text(text), "condition")


@pytest.mark.parametrize("read", [
    lambda text: read_text(text),
    lambda text: read_patient(text),
    lambda text: read_patient(None, {"text": text}),
])
def test_text_over_the_limit_is_refused(read):
    with pytest.raises(FormError) as caught:
        read("lupus " * (MAX_TEXT_CHARS // 6 + 1))
    assert caught.value.field == "text" and "20,000" in str(caught.value)


@pytest.mark.parametrize("text", ["lupus \ud800 anemia", "\udcff", "abc\udfffdef", "pasted from a PDF \udc80\udc81"])
@pytest.mark.parametrize("how", ["text", "form"])
def test_text_with_lone_surrogates_is_refused(text, how):
    with pytest.raises(FormError) as caught:
        read_text(text) if how == "text" else read_form({"text": text})
    assert caught.value.field == "text" and "UTF-8" in str(caught.value)


@pytest.mark.parametrize("form", [{"text": "x" * (MAX_TEXT_CHARS + 1)}, {"conditions": ["x" * 201]}, {"location": "x" * 201}])
def test_form_messages_carry_no_validator_noise(form):
    assert "Value error" not in str(_refused(form))


def test_an_unknown_key_in_a_measurement_lists_the_measurement_fields():
    error = _refused({"measurements": [{"name": "hemoglobin", "value": 11, "when": "today"}]})
    assert error.field == "measurements[0].when"
    assert "name, unit, value" in str(error)


# -- read_patient --------------------------------------------------------------------------
@pytest.mark.parametrize("text, form, age, sex, place", [
    ("A 58-year-old woman with lupus from Columbus, Ohio.", {"age": 40, "sex": "male", "location": "Boston"},
     40.0, "male", "Boston, Massachusetts, United States"),
    ("A 58-year-old woman with lupus.", {"sex": "male"}, 58.0, "male", None),
    ("45 yo M in Paris, France.", {"location": {"lat": 1.0, "lon": 2.0}}, 45.0, "male", "1.0000, 2.0000"),
    ("A 58-year-old woman.", None, 58.0, "female", None),
    (None, {"age": 40}, 40.0, None, None),
])
def test_form_fields_win_over_the_text(text, form, age, sex, place):
    p = read_patient(text, form)
    assert (p.age, p.sex) == (age, sex)
    assert (p.location or {}).get("label") == place


@pytest.mark.parametrize("text, form", [
    ("She has lupus.", {"conditions": ["asthma"]}),
    ("She has lupus.", {"text": "She has asthma."}),
])
def test_conditions_from_text_and_form_are_both_kept(text, form):
    assert {"asthma", "systemic lupus erythematosus"} <= set(_facts(read_patient(text, form), "condition"))


@pytest.mark.parametrize("text, form, field, value", [
    ("She is 12 weeks pregnant.", {"pregnant": False}, "pregnant", False),
    ("She is not pregnant.", {"pregnant": True}, "pregnant", True),
    ("She is breastfeeding her baby.", {"breastfeeding": False}, "breastfeeding", False),
])
def test_form_pregnancy_answers_win_over_the_text(text, form, field, value):
    assert getattr(read_patient(text, {"sex": "female", **form}), field) is value
