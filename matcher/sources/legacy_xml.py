"""Loader for the legacy ClinicalTrials.gov XML format (``<clinical_study>``).

This is the format of the TREC Clinical Trials corpora and of the bulk
downloads ClinicalTrials.gov offered until 2023.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..errors import RecordError
from ..models import Location, Trial
from . import normalize as norm


def _text(node: ET.Element, path: str) -> str:
    found = node.find(path)
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())


def _block(node: ET.Element, path: str) -> str:
    found = node.find(path)
    return norm.clean_text("".join(found.itertext())) if found is not None else ""


def _raw(node: ET.Element, path: str) -> str:
    """The text exactly as written: the criteria splitter reads its line layout."""
    found = node.find(path)
    return "".join(found.itertext()) if found is not None else ""


def _all(node: ET.Element, path: str) -> list[str]:
    return [" ".join("".join(n.itertext()).split()) for n in node.findall(path) if "".join(n.itertext()).strip()]


def parse_legacy_xml(data: bytes, source: str = "") -> Trial:
    """Parse one ``<clinical_study>`` document into a :class:`Trial`.

    Raises :class:`RecordError` when the XML is malformed, is not a
    clinical study, or has no NCT id.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RecordError(f"malformed XML ({exc})") from None
    if root.tag != "clinical_study":
        raise RecordError(f"XML root is <{root.tag}>, not <clinical_study>")
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        raise RecordError("record has no NCT id (id_info/nct_id)")
    locations = [
        Location(
            facility=_text(loc, "facility/name"),
            city=_text(loc, "facility/address/city"),
            state=_text(loc, "facility/address/state"),
            country=_text(loc, "facility/address/country"),
            zip=_text(loc, "facility/address/zip"),
            status=norm.enum(_text(loc, "status")),
        )
        for loc in root.findall("location")
    ]
    known = {loc.country for loc in locations}
    # trials without site details still list their countries
    locations += [Location(country=c) for c in _all(root, "location_countries/country") if c not in known]
    return Trial(
        nct_id=nct_id,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        brief_summary=_block(root, "brief_summary/textblock"),
        detailed_description=_block(root, "detailed_description/textblock"),
        conditions=_all(root, "condition"),
        keywords=_all(root, "keyword"),
        mesh_terms=_all(root, "condition_browse/mesh_term"),
        interventions=_all(root, "intervention/intervention_name"),
        phases=norm.phases([_text(root, "phase")]),
        study_type=norm.study_type(_text(root, "study_type")),
        overall_status=norm.enum(_text(root, "overall_status")),
        sex=norm.sex(_text(root, "eligibility/gender")),
        minimum_age=norm.age_in_years(_text(root, "eligibility/minimum_age")),
        maximum_age=norm.age_in_years(_text(root, "eligibility/maximum_age")),
        healthy_volunteers=norm.healthy_volunteers(_text(root, "eligibility/healthy_volunteers")),
        locations=locations,
        eligibility_text=_raw(root, "eligibility/criteria/textblock"),
        source=source,
        last_update=norm.iso_date(_text(root, "last_update_posted") or _text(root, "last_update_submitted")),
    )
