"""Real corpus criteria read into the constraints a careful reader expects.

``tests/data/criteria_table.jsonl`` (see its .md): 204 criteria copied from the
shared corpus by hand, with expected constraints, in ten families (scores,
ranges, blood pressure, staging, sub-group scopes, windows, labs, counts,
permissions, inclusion items opening with "No"). A row passes when every
expected constraint is found with its kind, polarity and concept, and, where
given, its comparator, value (in the same unit), window and sub-group; extra
constraints are allowed except for permissions, which must hold nothing
checkable. Rows still read wrong are listed in ``criteria_table_gaps.txt``
(strict: a row that starts passing must leave the list).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.models import Constraint, Criterion
from matcher.nlp import parse_criteria

DATA = Path(__file__).parent / "data"
ROWS = [json.loads(line) for line in (DATA / "criteria_table.jsonl").read_text().splitlines() if line.strip()]
GAPS = {line.split("#")[0].strip() for line in (DATA / "criteria_table_gaps.txt").read_text().splitlines()
        if line.split("#")[0].strip()} if (DATA / "criteria_table_gaps.txt").exists() else set()
# units written in criteria that are our canonical ones, so values compare as written
SAME_UNITS = {None, "years", "mmHg", "mm Hg", "%", "points", "x ULN", "kg", "kg/m2", "ms", "bpm", "mL/min", "days"}
FLIP = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _same_bound(want: dict, got: Constraint) -> bool:
    cmp, value = want.get("comparator"), want.get("value")
    if cmp is None:
        return True
    pairs = [(got.polarity, got.comparator, got.value)]
    if got.comparator in FLIP:  # "forbid age < 18" is "require age >= 18"
        pairs.append(("require" if got.polarity == "forbid" else "forbid", FLIP[got.comparator], got.value))
    for polarity, comparator, v in pairs:
        if polarity != want["polarity"] or comparator != cmp:
            continue
        if value is None or want.get("unit") not in SAME_UNITS or v is None:
            return True
        if abs(v - value) <= 0.02 * max(abs(value), 1) and (cmp != "between" or want.get("value_max") is None
                                                           or abs((got.value_max or 0) - want["value_max"]) <= 0.02 * max(abs(want["value_max"]), 1)):
            return True
    return False


def _stages(written: str) -> set[str] | None:
    """The table writes stage ranges as "IIIB-IV" or "I-III"; ours are sets ("IIIB/IV")."""
    from matcher.nlp.oncology import read_stage_bounds

    found = read_stage_bounds(f"stage {written.replace('-', ' - ')}")
    return set(found[0][0]) if found else None


def _normalized(want: dict) -> dict:
    """The table's stage and count vocabulary in ours: "metastatic"/"M1" is metastatic disease
    (M0 forbids it); a count names what is counted in words, ours counts prior lines."""
    want = dict(want)
    if want["kind"] == "stage" and want["concept"] in ("metastatic", "M1", "M0"):
        polarity = want["polarity"] if want["concept"] != "M0" else ("forbid" if want["polarity"] == "require" else "require")
        want.update(kind="condition", concept="metastatic disease", polarity=polarity)
    return want


def matches(want: dict, got: Constraint) -> bool:
    want = _normalized(want)
    if got.kind != want["kind"]:
        return False
    if want["kind"] == "stage":
        if _stages(want["concept"]) != set(got.concept.split("/")) or got.polarity != want["polarity"]:
            return False
    elif want["kind"] != "count" and got.concept != want["concept"]:
        return False
    if "comparator" in want:
        if not _same_bound(want, got):
            return False
    elif got.polarity != want["polarity"]:
        return False
    if want.get("checkable") is False and got.checkable:
        return False
    if want.get("window_days") and not (got.window and abs(got.window.days - want["window_days"]) <= 0.1 * want["window_days"] + 1):
        return False
    if want.get("applies_to") and not got.applies_to:
        return False
    return True


def read_row(row: dict) -> Criterion:
    criterion = Criterion(row["id"], row["section"], row["text"], 0, len(row["text"]))
    parse_criteria([criterion])
    return criterion


def _as_two_bounds(want: dict, got: list[Constraint]) -> bool:
    """ "CD4 >= 150 and <= 500" read as two bounds is the range 150-500."""
    if want.get("comparator") != "between" or want.get("value_max") is None:
        return False
    low = dict(want, comparator=">=", value=want["value"])
    high = dict(want, comparator="<=", value=want["value_max"])
    return any(matches(low, c) for c in got) and any(matches(high, c) for c in got)


def row_passes(row: dict) -> bool:
    got = read_row(row).constraints
    if not row["expect"]:
        return not any(c.checkable for c in got)
    return all(any(matches(want, c) for c in got) or _as_two_bounds(want, got) for want in row["expect"])


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"], marks=[pytest.mark.xfail(strict=True, reason="known gap")] if r["id"] in GAPS else [])
                                 for r in ROWS])
def test_criterion_reads_as_expected(row):
    got = read_row(row).constraints
    assert row_passes(row), f"expected {row['expect']}\ngot {[c.summary() for c in got]}"


def test_table_is_large_and_covers_the_families():
    assert len(ROWS) >= 150
    families = {r["family"] for r in ROWS}
    assert {"score", "range", "bp", "stage", "subgroup", "window", "lab", "count", "permission", "no-inclusion"} <= families
