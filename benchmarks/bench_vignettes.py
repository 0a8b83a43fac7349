"""Trial-level verdicts on hand-written vignettes: eligible patients must never
be told INELIGIBLE; one-violation patients should be, for the right reason.

    python benchmarks/bench_vignettes.py [--show N]

Sets, reported separately:
- given: ../shared/bench/dev/vignettes/vignettes.jsonl (40 vignettes, 20 corpus trials);
- ours: benchmarks/data/vignettes-*.jsonl (corpus trials, and the modern
  oncology-style trials written as API v2 records in benchmarks/data/oncology-trials/);
  ``--by-file`` also reports each file, so a batch written later is measured
  before anyone reads its errors;
- seed: benchmarks/data/seed-vignettes*.jsonl (the founding trial NCT05858684:
  eligible patients phrased many ways, and two violations of each criterion a
  patient's words can break).

For each set: eligible vignettes shown INELIGIBLE (target <= 5%) and shown
ELIGIBLE; one-violation vignettes shown INELIGIBLE with the violated criterion
among the failing ones (target >= 60%), shown INELIGIBLE for another reason
only, and shown ELIGIBLE (target 0). All of it is development data.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from common import SHARED, load_trials

from matcher.eligibility import explain
from matcher.patient import read_text

HERE = Path(__file__).resolve().parent
GIVEN = SHARED / "bench" / "dev" / "vignettes" / "vignettes.jsonl"
OURS = sorted((HERE / "data").glob("vignettes-*.jsonl"))
SEEDS = sorted((HERE / "data").glob("seed-vignettes*.jsonl"))
ONCOLOGY = HERE / "data" / "oncology-trials"


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def read_rows(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths if p.exists() for line in p.read_text().splitlines() if line.strip()]


def score(rows: list[dict], trials: dict, show: int) -> dict[str, float]:
    counts: Counter[str] = Counter()
    shown = 0
    for row in rows:
        trial = trials.get(row["nct_id"])
        if trial is None:
            counts["missing trial"] += 1
            continue
        result = explain(trial, read_text(row["text"]))
        failing = [j for j in result.criteria if j.verdict == "fail"]
        if row["kind"] == "eligible":
            counts["eligible"] += 1
            counts[f"eligible->{result.eligibility}"] += 1
            bad = result.eligibility == "ineligible"
        else:
            counts["violation"] += 1
            violated = _norm(row["violates"])
            right = any(violated in _norm(j.text) or _norm(j.text) in violated for j in failing)
            outcome = "caught" if right else ("other-fail" if failing else result.eligibility)
            counts[f"violation->{outcome}"] += 1
            bad = not right
        if bad and shown < show:
            shown += 1
            print(f"\n[{row['id']}] {result.eligibility}")
            if row["kind"] != "eligible":
                print(f"  violates ({row['section']}): {row['violates'][:150]}")
                for j in result.criteria:
                    if _norm(row["violates"]) in _norm(j.text) or _norm(j.text) in _norm(row["violates"]):
                        print(f"  -> {j.verdict}: {j.reason[:220]}")
            for j in failing:
                print(f"  FAIL {j.id}: {j.text[:120]}\n       -> {j.reason[:160]}")
    return counts


def report(name: str, counts: Counter) -> None:
    e, v = max(counts["eligible"], 1), max(counts["violation"], 1)
    print(f"\n== {name}: {counts['eligible']} eligible, {counts['violation']} one-violation vignettes"
          + (f", {counts['missing trial']} with no trial" if counts["missing trial"] else ""))
    print(f"eligible shown INELIGIBLE:   {counts['eligible->ineligible'] / e:6.1%}  ({counts['eligible->ineligible']})   target <= 5%")
    print(f"eligible shown UNCERTAIN:    {counts['eligible->uncertain'] / e:6.1%}  ({counts['eligible->uncertain']})")
    print(f"eligible shown ELIGIBLE:     {counts['eligible->eligible'] / e:6.1%}  ({counts['eligible->eligible']})")
    print(f"violation caught (right criterion fails): {counts['violation->caught'] / v:6.1%}  ({counts['violation->caught']})   target >= 60%")
    print(f"violation INELIGIBLE for another reason:  {counts['violation->other-fail'] / v:6.1%}  ({counts['violation->other-fail']})")
    print(f"violation shown UNCERTAIN:                {counts['violation->uncertain'] / v:6.1%}  ({counts['violation->uncertain']})")
    print(f"violation shown ELIGIBLE:                 {counts['violation->eligible'] / v:6.1%}  ({counts['violation->eligible']})   target 0")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print N wrong verdicts per set with their failing criteria")
    parser.add_argument("--by-file", action="store_true", help="also report each file of ours")
    args = parser.parse_args()
    given, ours, seed = read_rows([GIVEN]), read_rows(OURS), read_rows(SEEDS)
    ids = {r["nct_id"] for r in given + ours + seed}
    trials = load_trials(ids)
    if ONCOLOGY.exists():
        trials.update(load_trials(ids, [ONCOLOGY]))
    report("given (../shared/bench/dev/vignettes)", score(given, trials, args.show))
    if ours:
        report("ours (benchmarks/data/vignettes-*.jsonl)", score(ours, trials, args.show))
    if args.by_file:
        for path in OURS:
            report(path.name, score(read_rows([path]), trials, 0))
    if seed:
        report("seed (benchmarks/data/seed-vignettes*.jsonl)", score(seed, trials, args.show))
    if args.by_file:
        for path in SEEDS:
            report(path.name, score(read_rows([path]), trials, 0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
