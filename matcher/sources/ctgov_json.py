"""Loader for the ClinicalTrials.gov API v2 JSON format (``protocolSection``).

Accepted shapes: one study object, a page ``{"studies": [...]}``, a JSON
array of studies, or JSON Lines with one study per line.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import RecordError
from ..models import Location, Skipped, Trial
from . import normalize as norm


def _get(data: Any, *path: str, default: Any = None) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [" ".join(str(v).split()) for v in values if isinstance(v, (str, int, float)) and str(v).strip()]


def parse_study(study: Any, source: str = "") -> Trial:
    """Turn one API v2 study object into a :class:`Trial`."""
    if not isinstance(study, dict):
        raise RecordError(f"expected a study object, found {type(study).__name__}")
    ps = study.get("protocolSection")
    if not isinstance(ps, dict):
        raise RecordError("study has no protocolSection")
    nct_id = _get(ps, "identificationModule", "nctId", default="")
    if not isinstance(nct_id, str) or not nct_id.strip():
        raise RecordError("record has no NCT id (identificationModule.nctId)")
    elig = _get(ps, "eligibilityModule", default={})
    locations = [
        Location(
            facility=str(loc.get("facility", "")),
            city=str(loc.get("city", "")),
            state=str(loc.get("state", "")),
            country=str(loc.get("country", "")),
            zip=str(loc.get("zip", "")),
            status=norm.enum(loc.get("status", "")),
            lat=norm.coordinate(_get(loc, "geoPoint", "lat"), 90),
            lon=norm.coordinate(_get(loc, "geoPoint", "lon"), 180),
        )
        for loc in _get(ps, "contactsLocationsModule", "locations", default=[])
        if isinstance(loc, dict)
    ]
    interventions = [
        str(i.get("name", "")).strip()
        for i in _get(ps, "armsInterventionsModule", "interventions", default=[])
        if isinstance(i, dict) and i.get("name")
    ]
    meshes = _get(study, "derivedSection", "conditionBrowseModule", "meshes", default=[])
    return Trial(
        nct_id=nct_id.strip(),
        brief_title=str(_get(ps, "identificationModule", "briefTitle", default="")),
        official_title=str(_get(ps, "identificationModule", "officialTitle", default="")),
        brief_summary=norm.clean_text(_get(ps, "descriptionModule", "briefSummary", default="")),
        detailed_description=norm.clean_text(_get(ps, "descriptionModule", "detailedDescription", default="")),
        conditions=_strings(_get(ps, "conditionsModule", "conditions")),
        keywords=_strings(_get(ps, "conditionsModule", "keywords")),
        mesh_terms=[str(m["term"]) for m in meshes if isinstance(m, dict) and m.get("term")],
        interventions=interventions,
        phases=norm.phases(_strings(_get(ps, "designModule", "phases"))),
        study_type=norm.study_type(_get(ps, "designModule", "studyType", default="")),
        overall_status=norm.enum(_get(ps, "statusModule", "overallStatus", default="")),
        sex=norm.sex(_get(elig, "sex")),
        minimum_age=norm.age_in_years(_get(elig, "minimumAge")),
        maximum_age=norm.age_in_years(_get(elig, "maximumAge")),
        healthy_volunteers=norm.healthy_volunteers(_get(elig, "healthyVolunteers")),
        locations=locations,
        eligibility_text=str(_get(elig, "eligibilityCriteria", default="")),
        source=source,
        last_update=norm.iso_date(_get(ps, "statusModule", "lastUpdatePostDateStruct", "date", default="")),
    )


def parse_json_line(line: str, where: str) -> Iterator[Trial | Skipped]:
    """The study on one line of JSON Lines (nothing for a blank line), or a Skipped saying why not."""
    if not line.strip():
        return
    try:
        yield parse_study(json.loads(line), where)
    except json.JSONDecodeError as exc:
        yield Skipped(where, f"malformed JSON line ({exc})")
    except RecordError as exc:
        yield Skipped(where, str(exc))


def parse_json(text: str, source: str = "") -> Iterator[Trial | Skipped]:
    """Yield a Trial (or a Skipped with its reason) for every study in ``text``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as whole_error:
        # not one JSON document: try JSON Lines
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            raise RecordError(f"malformed JSON ({whole_error})") from None
        for n, line in lines:
            yield from parse_json_line(line, f"{source}:{n}")
        return
    if isinstance(data, dict) and "studies" in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            raise RecordError('"studies" is not a list')
    elif isinstance(data, list):
        studies = data
    elif isinstance(data, dict):
        yield parse_study(data, source)
        return
    else:
        raise RecordError(f"JSON holds a {type(data).__name__}, not a study")
    for n, study in enumerate(studies):
        where = f"{source}[{n}]"
        try:
            yield parse_study(study, where)
        except RecordError as exc:
            yield Skipped(where, str(exc))


def _age_text(years: float | None) -> str | None:
    return None if years is None else f"{years:g} Years"


def _location(loc: Location) -> dict[str, Any]:
    data = {k: v for k, v in loc.to_dict().items() if v and k not in ("lat", "lon")}
    if loc.lat is not None and loc.lon is not None:
        data["geoPoint"] = {"lat": loc.lat, "lon": loc.lon}
    return data


def trial_to_study(trial: Trial, *, with_description: bool = True) -> dict[str, Any]:
    """The API v2 study object for ``trial`` (the inverse of :func:`parse_study`)."""
    ps: dict[str, Any] = {
        "identificationModule": {
            "nctId": trial.nct_id,
            "briefTitle": trial.brief_title,
            "officialTitle": trial.official_title,
        },
        "statusModule": {"overallStatus": trial.overall_status},
        "descriptionModule": {"briefSummary": trial.brief_summary},
        "conditionsModule": {"conditions": trial.conditions, "keywords": trial.keywords},
        "designModule": {"studyType": trial.study_type, "phases": trial.phases},
        "armsInterventionsModule": {"interventions": [{"name": n} for n in trial.interventions]},
        "eligibilityModule": {
            "eligibilityCriteria": trial.eligibility_text,
            "healthyVolunteers": trial.healthy_volunteers,
            "sex": trial.sex.upper(),
            "minimumAge": _age_text(trial.minimum_age),
            "maximumAge": _age_text(trial.maximum_age),
        },
        "contactsLocationsModule": {"locations": [_location(loc) for loc in trial.locations]},
    }
    if trial.last_update:
        ps["statusModule"]["lastUpdatePostDateStruct"] = {"date": trial.last_update}
    if with_description and trial.detailed_description:
        ps["descriptionModule"]["detailedDescription"] = trial.detailed_description
    study: dict[str, Any] = {"protocolSection": ps}
    if trial.mesh_terms:
        study["derivedSection"] = {"conditionBrowseModule": {"meshes": [{"term": t} for t in trial.mesh_terms]}}
    return study
