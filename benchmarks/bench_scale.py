"""Scale: a registry-like corpus of N trials, built, rebuilt, updated and searched.

    python benchmarks/bench_scale.py [--n 7000 70000 ...] [--work DIR] [--jobs J] [--reuse-corpus]

For each N, writes a corpus of N trials recombined from the bundled one
(deterministic): each trial takes its titles, conditions and design from one
real record, its sites and status from another, and its eligibility items from
many others, as many per section as that first record has (15.8 a trial on
average; before 2026-12-02 each section drew 3 to 14 or 18, 19 a trial), with
numbers varied and wording changed, so that criteria repeat no more than in
the bundled corpus (28% verbatim repeats there; the share here is printed)
and the parse cache is not flattered. The added wording makes a criterion
about a third longer than a real one (110 characters against 82). Then prints:

- cold build (empty parse cache) with ``matcher index --rebuild`` in a
  process of its own, as a site runs it: time, trials/s, peak RSS of the
  build's process and of its largest worker (sampled from /proc), index size
  on disk;
- the same rebuild with a warm parse cache;
- applying 1,000 updated trials to the index;
- first query, then cold and warm p50/p95 over 100 patient topics (the 50
  TREC 2022 dev topics, each twice);
- ``POST /search`` throughput with 4 concurrent clients against
  ``matcher serve --workers 2`` (rate limit off; benchmarks/bench_load.py for
  --load-seconds), and the server's memory.
"""
from __future__ import annotations

import argparse
import os
import gzip
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from array import array
from pathlib import Path

import numpy as np

from common import TREC, ChildPeaks, interpreter, percentile

from matcher import config
from matcher.criteria import split_criteria
from matcher.evaluation import read_topics
from matcher.ingest import default_jobs, ingest
from matcher.models import Trial
from matcher.service import Matcher
from matcher.sources import load_records
from matcher.sources.ctgov_json import trial_to_study

SWAPS = [("Patients", "Subjects"), ("patients", "participants"), ("must have", "with"), ("History of", "Prior"),
         ("within", "in the"), ("at least", "a minimum of"), ("greater than", "more than"), ("less than", "below")]


# Wording a criterion may open or close with. There are enough of them that at
# 600,000 trials (each base criterion drawn about 150 times) criteria still
# repeat verbatim less often than in the bundled corpus.
LEADS = ["Known ", "Documented ", "Any ", "Current ", "Evidence of ", "Confirmed ", "Prior ", "Ongoing ", "Clinical ",
         "Significant ", "Active ", "Reported ", "Patients with ", "Subjects with ", "Participants with ",
         "Diagnosis of ", "History or presence of ", "Presence of ", "Suspected ", "Newly diagnosed ",
         "Medically documented ", "Clinically significant ", "Recent ", "Previously treated ", "Untreated ",
         "Investigator-confirmed ", "Self-reported ", "Biopsy-proven ", "Radiologically confirmed ", "Chronic "]
TAILS = [" at screening", " at baseline", " per investigator", " as documented", " in the medical record",
         " at enrollment", " before randomization", " at the screening visit", " on review", " by history",
         " per protocol", " as judged by the investigator", " at the time of consent", " within the study period",
         " according to local guidelines", " per local laboratory", " prior to the first dose", " during screening",
         " at study entry", " by medical history", " per the treating physician", " at the baseline visit",
         " as assessed by the site", " before enrolment", " on physical examination", " per institutional standards",
         " in the opinion of the investigator", " at any time", " as per the protocol", " before day 1"]
AFFIX_SHARE = 0.7  # of criteria given a lead, and (independently) a tail


def _vary(text: str, rng: random.Random) -> str:
    def number(m: re.Match) -> str:
        if rng.random() < 0.2:
            return m.group(0)
        value = float(m.group(0)) * rng.choice([0.5, 0.75, 0.8, 1.2, 1.25, 1.5, 2])
        return f"{value:g}" if "." in m.group(0) else str(max(1, round(value)))
    text = re.sub(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", number, text)
    for a, b in SWAPS:
        if rng.random() < 0.3:
            text = text.replace(a, b) if a in text else text.replace(b, a)
    if rng.random() < AFFIX_SHARE:
        text = rng.choice(LEADS) + text[:1].lower() + text[1:]
    if rng.random() < AFFIX_SHARE:
        text = text.rstrip(" .;") + rng.choice(TAILS)
    return text


def write_corpus(n: int, out: Path, seed: int = 0) -> float:
    """Write N recombined trials as API v2 JSON lines; return the share of verbatim-repeated criteria."""
    rng = random.Random(seed)
    trials = [t for t in load_records([config.default_corpus_path()]) if isinstance(t, Trial)]
    items = {"inclusion": [], "exclusion": []}
    counts = []  # each real trial's number of criteria per section: the corpus's trials have as many
    for t in trials:
        split = split_criteria(t.eligibility_text)
        for c in split:
            items[c.section].append(c.text)
        counts.append({s: sum(c.section == s for c in split) for s in items})
    seen = array("q")  # a hash per criterion: 600,000 trials' texts would take gigabytes
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for i in range(n):
            base, other = trials[i % len(trials)], rng.choice(trials)
            criteria = {s: [_vary(rng.choice(items[s]), rng) for _ in range(counts[i % len(trials)][s])]
                        for s in ("inclusion", "exclusion")}
            for texts in criteria.values():
                seen.extend(hash(x) for x in texts)
            text = "Inclusion Criteria:\n\n" + "\n".join(f"  - {x}" for x in criteria["inclusion"]) + \
                   "\n\nExclusion Criteria:\n\n" + "\n".join(f"  - {x}" for x in criteria["exclusion"])
            trial = Trial.from_dict({**base.to_dict(), "nct_id": f"NCT9{i:07d}", "eligibility_text": text,
                                     "overall_status": other.overall_status, "criteria": [],
                                     "locations": [loc.to_dict() for loc in other.locations]})
            trial.last_update = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
            handle.write(json.dumps(trial_to_study(trial, with_description=False)) + "\n")
    return 1 - len(np.unique(np.frombuffer(seen, dtype=np.int64))) / len(seen) if seen else 0.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def load(index: Path, seconds: float, workers: int = 2, clients: int = 4) -> None:
    """bench_load.py against a server of ``workers`` processes on ``index``; its summary lines."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("bench_load.py")), "--index", str(index), "--workers",
         str(workers), "--clients", str(clients), "--seconds", str(seconds)],
        capture_output=True, text=True, check=False)
    wanted = ("rate:", "latency:", "server RSS:", "errors:")
    lines = [line for line in out.stdout.splitlines() if line.startswith(wanted)]
    print(f"/search load:   {clients} clients, --workers {workers}, {seconds:.0f} s")
    for line in lines or [f"failed ({out.returncode}): {out.stderr.strip()[-300:]}"]:
        print(f"  {line}")


def build(corpus: Path, index: Path, jobs: int) -> tuple[float, dict[int, float], str]:
    """``matcher index --rebuild`` of ``corpus`` in a process of its own: seconds,
    peak RSS (MB) of each process by pid (the first the build's own), its report."""
    command = [sys.executable, "-m", "matcher", "index", str(corpus), "--index", str(index), "--rebuild",
               "--jobs", str(jobs)]
    t0 = time.perf_counter()
    with ChildPeaks(every=2.0) as peaks:  # a peak is a high-water mark: sparse samples lose none
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"matcher index failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, peaks.peaks, done.stdout


def measure(n: int, work: Path, jobs: int, load_seconds: float = 30.0, reuse: bool = False) -> None:
    work.mkdir(parents=True, exist_ok=True)
    corpus, index = work / f"scale-{n}.jsonl.gz", work / f"ix-{n}"
    share = corpus.with_suffix(".share")  # the written corpus's repeat share, for --reuse-corpus
    shutil.rmtree(index, ignore_errors=True)
    if reuse and corpus.exists() and share.exists():
        repeats = float(share.read_text())
    else:
        repeats = write_corpus(n, corpus)
        share.write_text(f"{repeats}\n")
    print(f"\n== {n:,} trials ({repeats:.0%} of criteria verbatim repeats; bundled corpus: 28%)")

    cold, peaks, _ = build(corpus, index, jobs)
    own, *workers = list(peaks.values()) or [0.0]  # the build's own process is met first
    workers = workers or [0.0]
    generation = index / (index / "CURRENT").read_text().strip()
    print(f"cold build:     {cold:.0f} s, {n / cold:.0f} trials/s, peak RSS {own:.0f} MB (largest worker "
          f"{max(workers):.0f} MB), index {_size_mb(generation):.0f} MB + parse cache "
          f"{_size_mb(index) - _size_mb(generation):.0f} MB")

    warm, _, said = build(corpus, index, jobs)
    cached = next((line for line in said.splitlines() if "parse cache" in line), "").strip()
    print(f"warm rebuild:   {warm:.0f} s ({cached})")

    updated = work / f"updates-{n}.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as lines, open(updated, "w", encoding="utf-8") as out:
        for k, line in enumerate(lines):
            if k >= 1000:
                break
            study = json.loads(line)
            study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
            out.write(json.dumps(study) + "\n")
    t0 = time.perf_counter()
    ingest([updated], index, update=True, jobs=jobs)
    print(f"1,000 updates:  {time.perf_counter() - t0:.1f} s (warm cache; new statuses searchable at once)")

    topics = [text for _, text in read_topics(TREC / "topics.jsonl")]
    with Matcher(index) as m:
        t0 = time.perf_counter()
        m.search(topics[0])
        first = time.perf_counter() - t0
        times = []
        for text in topics * 2:
            t0 = time.perf_counter()
            m.search(text)
            times.append((time.perf_counter() - t0) * 1000)
    cold_pass, warm_pass = times[: len(topics)], times[len(topics):]
    print(f"first query:    {first:.2f} s (pipeline and index caches)")
    print(f"search cold:    p50 {statistics.median(cold_pass):.0f} ms, p95 {percentile(cold_pass, 0.95):.0f} ms")
    print(f"search warm:    p50 {statistics.median(warm_pass):.0f} ms, p95 {percentile(warm_pass, 0.95):.0f} ms")
    print(f"process RSS:    {_rss_mb():.0f} MB")
    if load_seconds > 0:
        load(index, load_seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[7000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/matcher-scale"))
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--load-seconds", type=float, default=30.0, help="/search load test length (0: skip)")
    parser.add_argument("--reuse-corpus", action="store_true",
                        help="use the corpus an earlier run wrote in --work (the same N gives the same corpus)")
    args = parser.parse_args()
    print(f"{interpreter()}; {os.cpu_count()} CPUs, --jobs {args.jobs}")
    for n in args.n:
        measure(n, args.work, args.jobs, args.load_seconds, args.reuse_corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
