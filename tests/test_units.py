"""Units and analytes (matcher/units.py over resources/units.json and analytes.json).

Notations are those seen in real criteria: the seed trial NCT05858684 and the
most frequent ones in the legacy ClinicalTrials.gov XML corpus.
"""
from __future__ import annotations

import json
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import units
from matcher.units import (
    Analyte,
    UnitError,
    UnitsDataError,
    all_analytes,
    all_units,
    analyte_for,
    convert,
    format_quantity,
    normalize_unit,
    to_canonical,
    unit_info,
)

MICRO = "\u00b5"  # micro sign; Greek mu is "\u03bc"
MU = "\u03bc"


def resource(name: str) -> dict:
    return json.loads((files("matcher.resources") / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# Notations

NOTATIONS = {
    # cell counts
    "10^9/L": "10^9/L",
    "\u00d710\u2079/L": "10^9/L",
    "x10*9/l": "10^9/L",
    "*10^9/L": "10^9/L",
    "*10^9/liter": "10^9/L",
    "x10^9/l": "10^9/L",
    "X10^9/L": "10^9/L",
    "x 10(9)/L": "10^9/L",
    "x10(9)/L": "10^9/L",
    "10e9/L": "10^9/L",
    "x10e9/L": "10^9/L",
    "x109/L": "10^9/L",  # superscript lost in extraction
    "x 109/l": "10^9/L",
    "\u00d7 109/L": "10^9/L",
    "G/L": "10^9/L",
    "/nL": "10^9/L",
    "10^9 cells/L": "10^9/L",
    "10^12/L": "10^12/L",
    "T/L": "10^12/L",
    "10^6/\u00b5L": "10^12/L",
    "/mm3": f"/{MICRO}L",
    "/mm\u00b3": f"/{MICRO}L",
    "/mm^3": f"/{MICRO}L",
    "/mm(3)": f"/{MICRO}L",
    "/mm 3": f"/{MICRO}L",
    "/mm": f"/{MICRO}L",
    "/cu mm": f"/{MICRO}L",
    "/cmm": f"/{MICRO}L",
    f"/{MICRO}L": f"/{MICRO}L",
    f"/{MU}L": f"/{MICRO}L",
    f"/{MU}l": f"/{MICRO}L",
    "/uL": f"/{MICRO}L",
    "/ul": f"/{MICRO}L",
    "/mcL": f"/{MICRO}L",
    "/microL": f"/{MICRO}L",
    "/microliter": f"/{MICRO}L",
    "cells/uL": f"/{MICRO}L",
    f"cells/{MICRO}L": f"/{MICRO}L",
    "cells/mm3": f"/{MICRO}L",
    "cells/mm\u00b3": f"/{MICRO}L",
    "cells/mm(3)": f"/{MICRO}L",
    "cells per microliter": f"/{MICRO}L",
    "per mm(3)": f"/{MICRO}L",
    "platelets/mm3": f"/{MICRO}L",
    "K/uL": f"10^3/{MICRO}L",
    f"K/{MICRO}L": f"10^3/{MICRO}L",
    "K/mm3": f"10^3/{MICRO}L",
    f"\u00d7 10^3/{MICRO}L": f"10^3/{MICRO}L",
    "x 103/uL": f"10^3/{MICRO}L",
    "x10^3/mm^3": f"10^3/{MICRO}L",
    "1,000/mm3": f"10^3/{MICRO}L",
    "x 1000/mm3": f"10^3/{MICRO}L",
    f"10^4/{MICRO}L": f"10^4/{MICRO}L",
    f"\u00d710\u2074/{MU}L": f"10^4/{MICRO}L",
    # molar
    "mcmol/L": f"{MICRO}mol/L",
    f"{MU}mol/L": f"{MICRO}mol/L",
    f"{MICRO}mol/L": f"{MICRO}mol/L",
    "umol/L": f"{MICRO}mol/L",
    f"{MICRO}mol/l": f"{MICRO}mol/L",
    "micromoles/L": f"{MICRO}mol/L",
    "micromoles/liter": f"{MICRO}mol/L",
    "uM": f"{MICRO}mol/L",
    "mmol/L": "mmol/L",
    "mmol/l": "mmol/L",
    "mM": "mmol/L",
    "nmol/L": "nmol/L",
    "mEq/L": "mEq/L",
    "meq/l": "mEq/L",
    # mass
    "mg/dl": "mg/dL",
    "mg/dL": "mg/dL",
    "MG/DL": "mg/dL",
    "mg %": "mg/dL",
    "g/dl": "g/dL",
    "g/dL": "g/dL",
    "gm/dL": "g/dL",
    "gm/dl": "g/dL",
    "grams per deciliter": "g/dL",
    "g/L": "g/L",
    "g/l": "g/L",
    "ng/mL": "ng/mL",
    "ng/ml": "ng/mL",
    "pg/ml": "pg/mL",
    "mcg/L": f"{MICRO}g/L",
    "ug/L": f"{MICRO}g/L",
    # kidney
    "mL/min": "mL/min",
    "ml/min": "mL/min",
    "cc/min": "mL/min",
    "mls/min": "mL/min",
    "ml/mn": "mL/min",
    "mL/minute": "mL/min",
    "ml/min/1.73 m2": "mL/min/1.73m2",
    "mL/min/1.73m\u00b2": "mL/min/1.73m2",
    "mL/min/1.73 m^2": "mL/min/1.73m2",
    "mL/min per 1.73 m2": "mL/min/1.73m2",
    "mL/min/1.73m": "mL/min/1.73m2",
    "mL/min/1,73 m\u00b2": "mL/min/1.73m2",
    # activity, other
    "%": "%",
    "percent": "%",
    "IU/L": "U/L",
    "U/L": "U/L",
    "u/L": "U/L",
    "mIU/mL": "U/L",
    f"{MICRO}IU/mL": "mIU/L",
    "IU/mL": "IU/mL",
    "kU/L": "IU/mL",
    f"{MICRO}kat/L": f"{MICRO}kat/L",
    "copies/ml": "copies/mL",
    "copies/mL": "copies/mL",
    "msec": "ms",
    "ms": "ms",
    "mmHg": "mmHg",
    "mm Hg": "mmHg",
    "mm/Hg": "mmHg",
    "bpm": "bpm",
    "beats/min": "bpm",
    "beats per minute": "bpm",
    "kg/m2": "kg/m2",
    "kg/m\u00b2": "kg/m2",
    "kg": "kg",
    "lbs": "lb",
    "pounds": "lb",
    "cm": "cm",
    "\u00b0C": "\u00b0C",
    "\u00baC": "\u00b0C",
    "degrees F": "\u00b0F",
    "g/24 hours": "g/24h",
    "mg/day": "mg/24h",
    "mg/mmol": "mg/mmol",
    "points": "points",
}


@pytest.mark.parametrize("text, symbol", NOTATIONS.items())
def test_notation_parses(text: str, symbol: str) -> None:
    assert normalize_unit(text) == symbol


@pytest.mark.parametrize("text", ["x ULN", "mg/kg", "mg/m2", "", "   ", "weeks", "cells", "furlongs/fortnight"])
def test_unknown_notation_is_none(text: str) -> None:
    assert normalize_unit(text) is None


@pytest.mark.parametrize(
    "text, symbol",
    [("G/L", "10^9/L"), ("g/L", "g/L"), ("mM", "mmol/L"), ("mm", "mm"), ("C", "\u00b0C")],
)
def test_case_decides_where_it_carries_meaning(text: str, symbol: str) -> None:
    assert normalize_unit(text) == symbol


def test_case_sensitive_notations_do_not_fold() -> None:
    assert normalize_unit("c") is None
    assert normalize_unit("um") is None  # not micromolar; not a unit at all


def test_unit_info_gives_dimension_and_factor() -> None:
    unit = unit_info("/mm3")
    assert unit is not None
    assert (unit.dimension, unit.factor) == ("cell_concentration", pytest.approx(1e-3))


# --------------------------------------------------------------------------
# Conversions

CONVERSIONS = [
    # value, unit, analyte, expected canonical value, canonical unit, tolerance
    (221, f"{MU}mol/L", "creatinine", 2.5, "mg/dL", 0.05),
    (88.4, "umol/L", "serum creatinine", 1.0, "mg/dL", 0.01),
    (34.2, f"{MICRO}mol/L", "bilirubin", 2.0, "mg/dL", 0.01),
    (17.1, "mcmol/L", "TBIL", 1.0, "mg/dL", 0.01),
    (5.5, "mmol/L", "glucose", 99, "mg/dL", 0.5),
    (7.0, "mmol/L", "fasting plasma glucose", 126, "mg/dL", 0.5),
    (8.5, "g/dL", "hemoglobin", 85, "g/L", 1e-9),
    (9, "gm/dl", "Hgb", 90, "g/L", 1e-9),
    (6.2, "mmol/L", "Hb", 99.9, "g/L", 0.5),
    (85, "g/L", "Hb", 85, "g/L", 1e-9),
    (50000, "/mm3", "platelets", 50, "10^9/L", 1e-9),
    (100000, "/mm\u00b3", "PLT", 100, "10^9/L", 1e-9),
    (100, "K/uL", "platelet count", 100, "10^9/L", 1e-9),
    (1.5, "K/uL", "ANC", 1.5, "10^9/L", 1e-9),
    (1500, "cells/uL", "ANC", 1.5, "10^9/L", 1e-9),
    (1500, f"/{MU}L", "neutrophils", 1.5, "10^9/L", 1e-9),
    (5, f"10^4/{MICRO}L", "BPC", 50, "10^9/L", 1e-9),
    (50, "\u00d710^9/L", "BPC", 50, "10^9/L", 1e-9),
    (3000, "/mm3", "WBC", 3.0, "10^9/L", 1e-9),
    (4.5, "10^6/uL", "RBC", 4.5, "10^12/L", 1e-9),
    (200, "cells/mm3", "CD4", 200, f"/{MICRO}L", 1e-9),
    (0.2, "10^9/L", "CD4 count", 200, f"/{MICRO}L", 1e-9),
    (2.0, "mEq/L", "magnesium", 1.0, "mmol/L", 1e-9),
    (4.0, "mEq/L", "potassium", 4.0, "mmol/L", 1e-9),
    (10, "mg/dL", "calcium", 2.495, "mmol/L", 0.005),
    (5.17, "mmol/L", "total cholesterol", 200, "mg/dL", 0.5),
    (150, "mg/dL", "triglycerides", 150, "mg/dL", 1e-9),
    (1.7, "mmol/L", "triglycerides", 150.6, "mg/dL", 0.5),
    (20, "mg/dL", "BUN", 20, "mg/dL", 1e-9),
    (7.1, "mmol/L", "BUN", 19.9, "mg/dL", 0.1),
    (500, "ng/dL", "testosterone", 500, "ng/dL", 1e-9),
    (17.3, "nmol/L", "testosterone", 499, "ng/dL", 1.0),
    (30, "ng/mL", "vitamin D", 30, "ng/mL", 1e-9),
    (75, "nmol/L", "25(OH)D", 30.0, "ng/mL", 0.1),
    (0.05, "ng/mL", "troponin", 50, "ng/L", 1e-9),
    (1.0, f"{MICRO}kat/L", "ALT", 60, "U/L", 1e-9),
    (40, "IU/L", "SGOT", 40, "U/L", 1e-9),
    (1.0, "mL/s", "CrCl", 60, "mL/min", 1e-9),
    (60, "ml/min/1.73 m2", "creatinine clearance", 60, "mL/min", 1e-9),  # equivalent unit
    (45, "mL/min", "eGFR", 45, "mL/min/1.73m2", 1e-9),  # equivalent unit
    (3.5, "g/dL", "albumin", 35, "g/L", 1e-9),
    (0.5, "g/day", "urine protein", 0.5, "g/24h", 1e-9),
    (500, "mg/24 hours", "proteinuria", 0.5, "g/24h", 1e-9),
    (50, "mg/mmol", "UPCR", 442, "mg/g", 1.0),
    (101.3, "degrees F", "temperature", 38.5, "\u00b0C", 0.01),
    (154, "lbs", "weight", 69.85, "kg", 0.01),
    (5, "ft", "height", 152.4, "cm", 1e-9),
    (450, "msec", "QTcF", 450, "ms", 1e-9),
    (0.45, "s", "QTc", 450, "ms", 1e-9),
    (50, "%", "ejection fraction", 50, "%", 1e-9),
    (70, "%", "KPS", 70, "%", 1e-9),
    (70, "points", "Karnofsky", 70, "%", 1e-9),
    (8, "points", "SELENA-SLEDAI", 8, "points", 1e-9),
]


@pytest.mark.parametrize("value, unit, analyte, expected, canonical, tol", CONVERSIONS)
def test_to_canonical(value: float, unit: str, analyte: str, expected: float, canonical: str, tol: float) -> None:
    got, got_unit = to_canonical(value, unit, analyte)
    assert got_unit == canonical
    assert got == pytest.approx(expected, abs=tol)


@pytest.mark.parametrize(
    "analyte, canonical",
    [("SELENA-SLEDAI", "points"), ("ECOG", "points"), ("INR", None), ("hemoglobin", "g/L"), ("KPS", "%")],
)
def test_missing_unit_means_canonical(analyte: str, canonical: str | None) -> None:
    assert to_canonical(8, None, analyte) == (8.0, canonical)


@pytest.mark.parametrize(
    "value, from_unit, to_unit, analyte, expected, tol",
    [
        (99, "mg/dL", "mmol/L", "glucose", 5.5, 0.01),
        (2.5, "mg/dL", f"{MICRO}mol/L", "creatinine", 221, 0.1),
        (1.0, "mg/dL", "umol/L", "bilirubin", 17.1, 0.01),
        (85, "g/L", "g/dL", None, 8.5, 1e-9),
        (1.5, "10^9/L", "/mm3", None, 1500, 1e-9),
        (50, "10^9/L", f"10^4/{MU}L", None, 5, 1e-9),
        (1, "mmol/L", "mEq/L", "calcium", 2, 1e-9),
        (140, "mEq/L", "mmol/L", None, 140, 1e-9),  # no analyte: monovalent
        (38, "\u00b0C", "\u00b0F", None, 100.4, 1e-9),
        (120, "mmHg", "kPa", None, 16.0, 0.01),
    ],
)
def test_convert(value, from_unit, to_unit, analyte, expected, tol) -> None:
    assert convert(value, from_unit, to_unit, analyte) == pytest.approx(expected, abs=tol)


@pytest.mark.parametrize(
    "value, unit, analyte",
    [
        (1, "mg/dL", "platelet count"),
        (1, "g/L", "ANC"),
        (1, "%", "creatinine"),
        (1, "mmol/L", "ALT"),
        (1, "mL/min", "hemoglobin"),
        (1, "mmol/L", "hemoglobin A1c"),  # IFCC mmol/mol is not supported; mmol/L is plain wrong
        (1, "%", "INR"),
        (1, "mg/dL", "ECOG"),
        (1, "furlongs", "creatinine"),
        (1, "mg/dL", "no such analyte"),
    ],
)
def test_incompatible_units_raise(value: float, unit: str, analyte: str) -> None:
    with pytest.raises(UnitError):
        to_canonical(value, unit, analyte)


def test_unit_error_is_a_value_error_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match=r"mg/dL.*10\^9/L.*platelet count"):
        to_canonical(5, "mg/dL", "platelets")


def test_mass_to_molar_needs_an_analyte() -> None:
    with pytest.raises(UnitError, match="molar mass"):
        convert(1, "mg/dL", "mmol/L")
    with pytest.raises(UnitError, match="ast has none"):
        convert(1, "mg/dL", "mmol/L", "AST")


def test_to_canonical_accepts_an_analyte_object() -> None:
    hb = analyte_for("Hb")
    assert isinstance(hb, Analyte)
    assert to_canonical(8.5, "g/dL", hb) == (pytest.approx(85), "g/L")


SAME_DIMENSION_PAIRS = [
    (a.symbol, b.symbol)
    for a in all_units()
    for b in all_units()
    if a.dimension == b.dimension and a.symbol < b.symbol
]


@given(pair=st.sampled_from(SAME_DIMENSION_PAIRS), value=st.floats(min_value=1e-3, max_value=1e6))
def test_round_trip_within_a_dimension(pair: tuple[str, str], value: float) -> None:
    a, b = pair
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-9)


@given(
    analyte=st.sampled_from([a.id for a in all_analytes() if a.molar_mass and a.canonical_unit == "mg/dL"]),
    value=st.floats(min_value=1e-3, max_value=1e4),
)
def test_round_trip_mass_molar(analyte: str, value: float) -> None:
    there = convert(value, "mg/dL", f"{MICRO}mol/L", analyte)
    assert convert(there, "umol/L", "mg/dL", analyte) == pytest.approx(value, rel=1e-9)


# --------------------------------------------------------------------------
# Display


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (85, "g/L", "85 g/L"),
        (85.0, "g/l", "85 g/L"),
        (2.5, "10^9/L", "2.5 \u00d710^9/L"),
        (2.4999519, "mg/dL", "2.5 mg/dL"),
        (99.0909, "mg/dL", "99.09 mg/dL"),
        (50, "%", "50%"),
        (1500, "/mm3", f"1500/{MICRO}L"),
        (123456, "copies/mL", "123500 copies/mL"),
        (0.00012346, "g/L", "0.0001235 g/L"),
        (1.2, None, "1.2"),
        (0, "U/L", "0 U/L"),
        (-3, "points", "-3 points"),
        (3, "weird/unit", "3 weird/unit"),
    ],
)
def test_format_quantity(value: float, unit: str | None, text: str) -> None:
    assert format_quantity(value, unit) == text


# --------------------------------------------------------------------------
# Analyte lookup

LOOKUPS = {
    "BPC": "platelet count",
    "platelets": "platelet count",
    "PLT": "platelet count",
    "blood platelet count": "platelet count",
    "NEUT": "absolute neutrophil count",
    "ANC": "absolute neutrophil count",
    "granulocytes": "absolute neutrophil count",
    "WBC": "white blood cell count",
    "leukocytes": "white blood cell count",
    "Hb": "hemoglobin",
    "Hgb": "hemoglobin",
    "HGB": "hemoglobin",
    "Haemoglobin": "hemoglobin",
    "CrCl": "creatinine clearance",
    "Creatinine clearance": "creatinine clearance",
    "Cr": "creatinine",
    "SCr": "creatinine",
    "serum creatinine": "creatinine",
    "Serum creatinine level": "creatinine",
    "LVEF": "left ventricular ejection fraction",
    "EF": "left ventricular ejection fraction",
    "ejection fraction": "left ventricular ejection fraction",
    "SGOT": "ast",
    "AST": "ast",
    "SGPT": "alt",
    "blood bilirubin": "total bilirubin",
    "TBIL": "total bilirubin",
    "eGFR": "egfr",
    "egfr": "egfr",
    "SELENA-SLEDAI": "selena-sledai",
    "SELENA SLEDAI": "selena-sledai",
    "SLEDAI-2K": "sledai-2k",
    "EULAR/ACR 2019 SLE classification criteria": "eular/acr 2019 sle classification score",
    "ECOG": "ecog performance status",
    "Zubrod": "ecog performance status",
    "KPS": "karnofsky performance status",
    "K": "potassium",
    "Na+": "sodium",
    "Ca": "calcium",
    "HbA1c": "hba1c",
    "A1c": "hba1c",
    "CD4+ T-cell count": "cd4 count",
    "anti-dsDNA": "anti-dsdna",
    "anti\u2013dsDNA": "anti-dsdna",  # en dash
    "IgE": "serum ige",
    "SpO2": "oxygen saturation",
    "QTcF": "qtc",
    "BMI": "bmi",
    "PSA": "psa",
    "HIV-1 RNA": "hiv viral load",
    "PT": "prothrombin time",
    "PTT": "aptt",
}


@pytest.mark.parametrize("name, ident", LOOKUPS.items())
def test_analyte_lookup(name: str, ident: str) -> None:
    analyte = analyte_for(name)
    assert analyte is not None, name
    assert analyte.id == ident


@pytest.mark.parametrize(
    "name",
    ["CR", "EGFR", "pt", "k", "ca", "got", "ef", "HER2", "tumor size", "", "   "],
    ids=["CR-complete-response", "EGFR-receptor", "pt-patient", "k", "ca-cancer", "got", "ef", "HER2", "tumor",
         "empty", "blank"],
)
def test_ambiguous_or_unknown_names_do_not_match(name: str) -> None:
    assert analyte_for(name) is None


def test_analyte_record() -> None:
    creatinine = analyte_for("creatinine")
    assert creatinine is not None
    assert creatinine.kind == "lab"
    assert creatinine.canonical_unit == "mg/dL"
    assert creatinine.molar_mass == pytest.approx(113.12)
    assert creatinine.range is not None and creatinine.range[0] < 2.5 < creatinine.range[1]
    assert creatinine.question and creatinine.question.endswith("?")
    with pytest.raises(AttributeError):
        creatinine.id = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------
# The data files


def test_resource_files_load() -> None:
    assert len(all_analytes()) >= 60
    assert len(all_units()) >= 40


def test_every_canonical_unit_is_defined() -> None:
    symbols = {u["symbol"] for u in resource("units.json")["units"]}
    for entry in resource("analytes.json")["analytes"]:
        assert entry["canonical_unit"] is None or entry["canonical_unit"] in symbols, entry["id"]
        for unit in entry.get("equivalent_units", []):
            assert unit in symbols, entry["id"]


def test_no_name_maps_to_two_analytes() -> None:
    def key(name: str) -> str:
        return " ".join(name.replace("-", " ").split())

    folded: dict[str, str] = {}  # case-insensitive names
    exact: dict[str, str] = {}  # case-sensitive names and ids
    for entry in resource("analytes.json")["analytes"]:
        ident = entry["id"]
        for name in entry["names"]:
            assert folded.setdefault(key(name).casefold(), ident) == ident, name
        for name in [ident, *entry.get("exact_names", [])]:
            assert exact.setdefault(key(name), ident) == ident, name
    for name, ident in exact.items():  # "K" must not shadow another analyte's "k"
        assert folded.get(name.casefold(), ident) == ident, name


def test_every_name_finds_its_own_analyte() -> None:
    for analyte in all_analytes():
        assert analyte_for(analyte.id) is analyte
        for name in analyte.names:
            assert analyte_for(name) is analyte, name


def test_every_notation_finds_its_own_unit() -> None:
    for unit in all_units():
        for notation in unit.notations:
            assert normalize_unit(notation) == unit.symbol, notation


def test_every_dimension_has_its_base_and_is_used() -> None:
    data = resource("units.json")
    used = {u["dimension"] for u in data["units"]}
    by_symbol = {u["symbol"]: u for u in data["units"]}
    for name, dim in data["dimensions"].items():
        assert name in used
        assert by_symbol[dim["base"]]["factor"] == 1


def test_ranges_are_in_canonical_units_and_sane() -> None:
    for analyte in all_analytes():
        if analyte.kind == "score":
            assert analyte.range is not None, analyte.id
        if analyte.range:
            lo, hi = analyte.range
            assert lo <= hi, analyte.id


def test_molar_masses_only_where_they_convert() -> None:
    for analyte in all_analytes():
        if analyte.molar_mass is not None:
            dim = unit_info(analyte.canonical_unit or "")
            assert dim is not None and dim.dimension in (units.MASS, units.MOLAR), analyte.id


# --------------------------------------------------------------------------
# Validation at load: malformed data is refused with a message naming the entry


def unit_data(**extra_unit: object) -> dict:
    unit = {"symbol": "g/L", "dimension": "mass_concentration", "factor": 1, "notations": ["g/L"]}
    unit.update(extra_unit)
    return {
        "dimensions": {
            "mass_concentration": {"base": "g/L"},
            "molar_concentration": {"base": "mol/L"},
            "equivalent_concentration": {"base": "Eq/L"},
        },
        "units": [
            unit,
            {"symbol": "mol/L", "dimension": "molar_concentration", "factor": 1, "notations": []},
            {"symbol": "Eq/L", "dimension": "equivalent_concentration", "factor": 1, "notations": []},
        ],
    }


@pytest.mark.parametrize(
    "data, message",
    [
        (unit_data(colour="red"), "unknown key.*colour"),
        (unit_data(dimension="mass"), "unknown dimension 'mass'"),
        (unit_data(factor=0), "factor"),
        (unit_data(factor="10"), "factor"),
        ({**unit_data(), "extra": 1}, "units.json: unknown key"),
        ({**unit_data(), "spellings": [{"pattern": "(", "replace": ""}]}, "bad regex"),
    ],
)
def test_bad_units_data_is_refused(data: dict, message: str) -> None:
    with pytest.raises(UnitsDataError, match=message):
        units._UnitTable(data)


def test_notation_claimed_twice_is_refused() -> None:
    data = unit_data()
    data["units"].append({"symbol": "g/dL", "dimension": "mass_concentration", "factor": 10, "notations": ["G/l"]})
    with pytest.raises(UnitsDataError, match="already means 'g/L'"):
        units._UnitTable(data)


def analyte_data(**extra: object) -> dict:
    entry = {"id": "x", "kind": "lab", "names": ["ex"], "canonical_unit": "g/L"}
    entry.update(extra)
    return {"analytes": [entry]}


@pytest.mark.parametrize(
    "data, message",
    [
        (analyte_data(canonical_unit="mg/dl"), "not a unit symbol"),
        (analyte_data(kind="gene"), "kind"),
        (analyte_data(units="g/L"), "unknown key"),
        (analyte_data(range=[5, 1]), "range"),
        (analyte_data(valence=0), "valence"),
        (analyte_data(id="X"), "lowercase"),
        ({"analytes": [analyte_data()["analytes"][0], analyte_data(id="y")["analytes"][0]]}, "already belongs to 'x'"),
    ],
)
def test_bad_analyte_data_is_refused(data: dict, message: str) -> None:
    table = units._UnitTable(unit_data())
    with pytest.raises(UnitsDataError, match=message):
        units._AnalyteTable(data, table)


def test_only_unit_notations_are_remembered_never_other_patient_words():
    """Reading a patient tries the words after each number as a unit; only those that are one
    are kept for the next request, so a server process keeps nothing else a patient wrote."""
    from matcher.patient import read_patient
    from matcher.units import _unit_table

    patient = read_patient("Zorblatt, 45 years old, 3 prior lines with zorblattinib, hemoglobin 9 g/dL, "
                           "creatinine 1.2 mg/dl and 12 zorblatt tablets")
    measured = {f.concept: (f.value, f.unit) for f in patient.facts if f.kind == "measurement"}
    assert measured == {"hemoglobin": (90.0, "g/L"), "creatinine": (1.2, "mg/dL")}
    kept = list(_unit_table()._keys)
    assert any(k.startswith("g/dL") for k in kept)
    assert not [k for k in kept if "zorblatt" in k.lower() or "prior" in k or "lines" in k]
    # what is kept besides units: runs of common function words ("or more", "of the following")
    assert all(units.normalize_unit(k) or set(k.lower().split()) <= units._FUNCTION_WORDS for k in kept)
