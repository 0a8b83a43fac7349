"""How well patients are read: facts against a hand-written table, and demographics on TREC topics.

    python benchmarks/bench_patients.py [--errors N]

Table: tests/data/patient_sentences.jsonl (380 sentences; see its .md). For each
field a row checks, precision and recall of what matcher reads:
- conditions: (concept, status) pairs, status one of present / negated /
  historical / family / hypothetical; plus "not_present" concepts that must
  not be read as the patient's own present fact (counted as errors if they are);
- medications: (concept, status) with status current / past / negated;
- measurements: (concept, value within 2%);
- age (within 0.05 years, or none when none is stated), sex, pregnancy.
Stage, TNM, metastatic (and sites), biomarkers (name, status) and prior
lines are scored too. TREC 2022 dev topics: the share from which an age and a
sex are read.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from common import TREC

from matcher.evaluation import read_topics
from matcher.patient import read_text

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "patient_sentences.jsonl"


def condition_status(f) -> str:
    if f.family:
        return "family"
    if f.negated:
        return "negated"
    if f.hypothetical:
        return "hypothetical"
    if f.historical:
        return "historical"
    return "present"


def medication_status(f) -> str:
    if f.negated:
        return "negated"
    if f.current or f.days_ago in (None, 0.0):
        return "current"
    return "past"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    rows = [json.loads(line) for line in TABLE.read_text().splitlines() if line.strip()]
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    for row in rows:
        e, p = row["expect"], read_text(row["text"])
        def score(field: str, gold: set, got: set) -> None:
            tp[field] += len(gold & got)
            fp[field] += len(got - gold)
            fn[field] += len(gold - got)
            if gold != got:
                errors.append((row["id"], field, sorted(gold - got), sorted(got - gold), row["text"][:90]))
        if "conditions" in e:
            # metastatic sites are scored under "metastatic", not as conditions
            derived = {"metastatic disease", "bone metastases", "liver metastases", "brain metastases"} - {c["concept"] for c in e["conditions"]}
            score("conditions", {(c["concept"], c["status"]) for c in e["conditions"]},
                  {(f.concept, condition_status(f)) for f in p.facts if f.kind == "condition" and f.concept not in derived})
        if "not_present" in e:
            wrong = {f.concept for f in p.facts if f.concept in e["not_present"] and f.asserted
                     and (f.kind != "therapy" or not f.negated)}
            tp["not_present"] += len(set(e["not_present"]) - wrong)
            fn["not_present"] += len(wrong)
            if wrong:
                errors.append((row["id"], "not_present", [], sorted(wrong), row["text"][:90]))
        if "medications" in e:
            score("medications", {(m["concept"], m["status"]) for m in e["medications"]},
                  {(f.concept, medication_status(f)) for f in p.facts if f.kind == "therapy"})
        if "measurements" in e:
            gold = {(m["concept"], round(float(m["value"]), 1)) for m in e["measurements"]}
            got = {(f.concept, round(f.value, 1)) for f in p.facts if f.kind == "measurement" and f.value is not None}
            near = {g for g in gold if any(g[0] == x[0] and abs(g[1] - x[1]) <= 0.02 * max(abs(g[1]), 1) for x in got)}
            extra = {x for x in got if not any(g[0] == x[0] and abs(g[1] - x[1]) <= 0.02 * max(abs(g[1]), 1) for g in gold)}
            tp["measurements"] += len(near)
            fn["measurements"] += len(gold - near)
            fp["measurements"] += len(extra)
            if gold - near or extra:
                errors.append((row["id"], "measurements", sorted(gold - near), sorted(extra), row["text"][:90]))
        for field, got in (("age", p.age), ("sex", p.sex), ("pregnant", p.pregnant)):
            if field in e:
                gold = e[field]
                right = (gold is None and got is None) or (gold is not None and got is not None and (
                    abs(got - gold) < 0.05 if field == "age" else got == gold))
                tp[field] += right
                fn[field] += not right
                if not right:
                    errors.append((row["id"], field, [gold], [got], row["text"][:90]))
        for field, got in (("stage", p.stage), ("prior_lines", p.prior_lines), ("metastatic", p.metastatic), ("tnm", p.tnm)):
            if field in e:
                right = got == e[field]
                tp[field] += right
                fn[field] += not right
                if not right:
                    errors.append((row["id"], field, [e[field]], [got], row["text"][:90]))
        if "metastatic_sites" in e:
            score("metastatic_sites", set(e["metastatic_sites"]), set(p.metastatic_sites))
        if "biomarkers" in e:
            score("biomarkers", {(b["name"], b["status"]) for b in e["biomarkers"]}, {(b["name"], b["status"]) for b in p.biomarkers})
    print(f"table: {len(rows)} sentences ({sum(r['style'] == 'lay' for r in rows)} lay)")
    print(f"{'field':<14}{'precision':>10}{'recall':>10}{'checked':>9}")
    for field in ("conditions", "not_present", "medications", "measurements", "age", "sex", "pregnant",
                  "stage", "tnm", "metastatic", "metastatic_sites", "biomarkers", "prior_lines"):
        n = tp[field] + fn[field]
        if not n:
            continue
        precision = tp[field] / max(tp[field] + fp[field], 1)
        shown = f"{precision:>10.3f}" if field in ("conditions", "medications", "measurements", "biomarkers", "metastatic_sites") else f"{'':>10}"
        print(f"{field:<14}{shown}{tp[field] / n:>10.3f}{n:>9}")
    topics = read_topics(TREC / "topics.jsonl")
    read = [read_text(text) for _, text in topics]
    print(f"\nTREC 2022 dev topics ({len(read)}): age read from {sum(p.age is not None for p in read) / len(read):.0%}, "
          f"sex from {sum(p.sex is not None for p in read) / len(read):.0%}")
    for row_id, field, missed, extra, text in errors[: args.errors]:
        print(f"\n[{row_id}] {field}: missed {missed}, extra {extra}\n  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
