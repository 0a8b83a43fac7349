"""Trial-level verdicts on the judged TREC 2022 dev pairs of the corpus.

    python benchmarks/bench_trial_verdicts.py [--show N] [--grade G]

Every (topic, trial) pair judged 2 (eligible) or 1 (excluded) in
../shared/bench/dev/trec2022/qrels.txt whose trial is in the shared corpus is
judged with ``matcher.eligibility.explain`` on the topic read as a patient.
Targets: grade-2 pairs shown INELIGIBLE <= 5%; grade-1 pairs shown
INELIGIBLE >= 40% and ELIGIBLE <= 3%. Grade-0 pairs (not relevant) are
counted for information only. The rules were read against these topics:
treat the figures as development figures.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from common import TREC, load_trials

from matcher.eligibility import explain
from matcher.evaluation import read_qrels, read_topics
from matcher.patient import read_text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print N wrong verdicts with their failing criteria")
    parser.add_argument("--grade", type=int, default=2, help="which grade's wrong verdicts --show prints")
    parser.add_argument("--with-grade-0", action="store_true", help="also judge the grade-0 pairs (slower)")
    args = parser.parse_args()
    topics = dict(read_topics(TREC / "topics.jsonl"))
    qrels = read_qrels(TREC / "qrels.txt")
    pairs = [(q, d, g) for q, docs in qrels.items() for d, g in docs.items() if g > 0 or args.with_grade_0]
    trials = load_trials({d for _, d, _ in pairs})
    patients = {q: read_text(topics[q]) for q in {q for q, _, _ in pairs}}
    counts: dict[int, Counter] = defaultdict(Counter)
    shown = 0
    for q, d, g in sorted(pairs):
        trial = trials.get(d)
        if trial is None:
            continue
        result = explain(trial, patients[q])
        counts[g][result.eligibility] += 1
        wrong = (g == 2 and result.eligibility == "ineligible") or (g == 1 and result.eligibility == "eligible")
        if wrong and g == args.grade and shown < args.show:
            shown += 1
            print(f"\n[{q} {d} grade {g}] {result.eligibility}")
            for j in result.criteria:
                if j.verdict == "fail":
                    print(f"  FAIL {j.id}: {j.text[:120]}\n       -> {j.reason[:160]}")
    print(f"\n{'grade':<18}{'pairs':>7}{'INELIGIBLE':>12}{'UNCERTAIN':>11}{'ELIGIBLE':>10}")
    for g in sorted(counts, reverse=True):
        c = counts[g]
        n = sum(c.values())
        print(f"{g} ({['not relevant', 'excluded', 'eligible'][g]}){'':<{14 - len(['not relevant', 'excluded', 'eligible'][g])}}{n:>7}"
              f"{c['ineligible'] / n:>12.1%}{c['uncertain'] / n:>11.1%}{c['eligible'] / n:>10.1%}")
    print("targets: grade 2 INELIGIBLE <= 5%; grade 1 INELIGIBLE >= 40% and ELIGIBLE <= 3%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
