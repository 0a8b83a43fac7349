"""Score criterion verdicts against physician labels.

    python benchmarks/bench_labels.py [LABELS] [--errors N]

LABELS defaults to ../shared/bench/dev/criterion-labels/labels.jsonl: 881
(patient note, criterion, label) rows. Each criterion is parsed under its
section, the note is read as a patient, and the verdict is mapped to the
label vocabulary: inclusion pass -> included, fail -> not included;
exclusion fail -> excluded, pass -> not excluded; unknown -> not enough
information; not_applicable -> not applicable. Prints accuracy, the
confusion per label, and the majority-label baseline measured on the same rows.

This is a development set: the rules were read against it, so treat the
figure as an upper estimate for unseen data.
"""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from matcher.eligibility import judge_criterion
from matcher.models import Criterion
from matcher.nlp import parse_criterion
from matcher.patient import read_text

LABELS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "dev" / "criterion-labels" / "labels.jsonl"
MAP = {
    ("inclusion", "pass"): "included",
    ("inclusion", "fail"): "not included",
    ("exclusion", "fail"): "excluded",
    ("exclusion", "pass"): "not excluded",
}


def to_label(section: str, verdict: str) -> str:
    if verdict == "unknown":
        return "not enough information"
    if verdict == "not_applicable":
        return "not applicable"
    return MAP[(section, verdict)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="?", type=Path, default=LABELS)
    parser.add_argument("--errors", type=int, default=0, help="print N disagreements")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    patients: dict[str, object] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for row in rows:
        section = row["criterion_type"]
        note = row["note"]
        key = row["patient_id"] + "\0" + note[:64]
        if key not in patients:
            patients[key] = read_text(note)
        text = row["criterion_text"] or ""
        criterion = Criterion("c", section, text, 0, len(text))
        criterion.constraints = parse_criterion(text, section)
        judgement = judge_criterion(criterion, patients[key])
        predicted = to_label(section, judgement.verdict)
        gold = row["expert_eligibility"]
        confusion[(gold, predicted)] += 1
        if predicted != gold:
            errors.append((gold, predicted, section, text[:160], judgement.reason[:160]))
    elapsed = time.perf_counter() - started
    n = len(rows)
    correct = sum(v for (g, p), v in confusion.items() if g == p)
    gold_counts = Counter(row["expert_eligibility"] for row in rows)
    majority, majority_n = gold_counts.most_common(1)[0]
    labels = sorted(gold_counts)
    print(f"rows:               {n}  ({elapsed:.1f} s)")
    print(f"accuracy:           {correct / n:.3f}  ({correct}/{n})")
    print(f"majority baseline:  {majority_n / n:.3f}  (always '{majority}')")
    trivial = {"inclusion": "not enough information", "exclusion": "not excluded"}
    section_majority = sum(row["expert_eligibility"] == trivial[row["criterion_type"]] for row in rows)
    print(f"section baseline:   {section_majority / n:.3f}  (inclusion -> not enough information, exclusion -> not excluded)")
    print(f"margin over section baseline: {correct / n - section_majority / n:+.3f}  (target >= +0.08)")
    print("\nconfusion (rows: physician label, columns: matcher):")
    width = max(len(label) for label in labels) + 2
    print(" " * width + "".join(f"{label[:12]:>14}" for label in labels) + f"{'recall':>10}")
    for g in labels:
        total = sum(confusion[(g, p)] for p in labels)
        print(f"{g:<{width}}" + "".join(f"{confusion[(g, p)]:>14}" for p in labels) + f"{confusion[(g, g)] / max(total, 1):>10.2f}")
    for gold, predicted, section, text, reason in errors[: args.errors]:
        print(f"\n[{section}] gold={gold!r} got={predicted!r}\n  {text}\n  -> {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
