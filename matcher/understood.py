"""What we understood of a patient, in plain words, for people to check.

``summarize(patient)`` is the JSON block the CLI, the HTTP API and the page show
above the results ("What we understood"): age and sex, conditions with their
status (yours now, in the past, denied, a relative's, only possible), cancer
stage and biomarkers, measurements, medications and allergies, and notes such
as spelling we corrected or a text we could not read. ``lines(summary)`` is the
same for a terminal. It holds only what was read, never the text itself.
"""
from __future__ import annotations

from typing import Any

from .models import Fact, Patient
from .units import format_quantity
from .vocabulary import pretty


def _status(f: Fact) -> str:
    if f.family:
        return "a relative's"
    if f.negated:
        return "denied"
    if f.uncertain:
        return "unclear"  # named, but the words do not say whether it is had ("HIV: N/K")
    if f.hypothetical:
        return "possible"
    if f.historical:
        return "past"
    return "yes"


def summarize(patient: Patient) -> dict[str, Any]:
    seen: set[tuple] = set()

    def once(key: tuple) -> bool:
        if key in seen:
            return False
        seen.add(key)
        return True

    conditions = [{"name": pretty(f.concept), "status": _status(f)} for f in patient.facts
                  if f.kind == "condition" and once(("c", f.concept, _status(f)))]
    medications = []
    for f in patient.facts:
        if f.kind != "therapy" or not once(("t", f.concept, f.negated, f.family)):
            continue
        status = "denied" if f.negated else "unclear" if f.uncertain else "possible" if f.hypothetical else "a relative's" if f.family else \
            "current" if f.current or f.days_ago == 0 else f"{f.days_ago:g} days ago" if f.days_ago is not None else "yes"
        item = {"name": pretty(f.concept), "status": status}
        if f.value is not None and f.unit == "mg/day":
            item["dose"] = f"{f.value:g} mg a day"
        medications.append(item)
    allergies = [{"name": "any drug" if f.concept == "any" else pretty(f.concept), "status": "denied" if f.negated else "yes"}
                 for f in patient.facts if f.kind == "allergy" and once(("a", f.concept, f.negated))]
    measurements = [{"name": f.concept, "value": f.value, "unit": f.unit or "",
                     "shown": f"{f.concept}: " + (f"{f.value:g} × {f.relative_to}" if f.relative_to else format_quantity(f.value, f.unit))}
                    for f in patient.facts if f.kind == "measurement" and not f.negated and f.value is not None
                    and once(("m", f.concept, f.value))]
    out: dict[str, Any] = {
        "age": patient.age,
        "age_approx": patient.age_approx,
        "sex": patient.sex,
        "pregnant": patient.pregnant,
        "breastfeeding": patient.breastfeeding,
        "conditions": conditions,
        "medications": medications,
        "allergies": allergies,
        "measurements": measurements,
        "stage": patient.stage,
        "metastatic": patient.metastatic,
        "metastatic_sites": list(patient.metastatic_sites),
        "biomarkers": list(patient.biomarkers),
        "prior_lines": patient.prior_lines,
        "location": dict(patient.location) if patient.location else None,
        "notes": list(patient.notes),
    }
    out["understood_anything"] = bool(conditions or medications or measurements or patient.age is not None
                                      or patient.sex or patient.stage or patient.biomarkers)
    out["lines"] = lines(out)
    return out


def lines(summary: dict[str, Any]) -> list[str]:
    """The summary as short lines for a terminal."""
    out = []
    who = []
    if summary.get("age") is not None:
        who.append(f"{'about ' if summary.get('age_approx') else ''}{summary['age']:g} years old")
    if summary.get("sex"):
        who.append(summary["sex"])
    if summary.get("pregnant"):
        who.append("pregnant")
    out.append("You: " + (", ".join(who) if who else "age and sex not given"))
    if summary["conditions"]:
        out.append("Conditions: " + "; ".join(c["name"] + ("" if c["status"] == "yes" else f" ({c['status']})") for c in summary["conditions"]))
    cancer = []
    if summary.get("stage"):
        cancer.append(f"stage {summary['stage']}")
    if summary.get("metastatic"):
        cancer.append("metastatic" + (f" to {', '.join(summary['metastatic_sites'])}" if summary.get("metastatic_sites") else ""))
    cancer += [f"{b['name']} {b['status']}" + (f" ({b['detail']})" if b.get("detail") else "") for b in summary.get("biomarkers", [])]
    if summary.get("prior_lines") is not None:
        cancer.append(f"{summary['prior_lines']} prior line{'s' if summary['prior_lines'] != 1 else ''} of treatment")
    if cancer:
        out.append("Cancer: " + "; ".join(cancer))
    if summary["measurements"]:
        out.append("Measurements: " + "; ".join(m["shown"] for m in summary["measurements"]))
    if summary["medications"]:
        out.append("Medications: " + "; ".join(m["name"] + (f" {m['dose']}" if m.get("dose") else "")
                                                 + ("" if m["status"] in ("yes", "current") else f" ({m['status']})") for m in summary["medications"]))
    if summary["allergies"]:
        out.append("Allergies: " + "; ".join(a["name"] + (" (none)" if a["status"] == "denied" else "") for a in summary["allergies"]))
    if summary.get("location"):
        out.append(f"Where: {summary['location']['label']} (nearby sites rank higher)")
    out += [f"Note: {n}" for n in summary.get("notes", [])]
    return out
