"""TREC topics, runs and qrels, and the metrics we report (via ir-measures).

All metrics are computed on *judged trials only* (condensed lists): a run is
first restricted to trials the qrels judge for that topic, because the
judgements cover only part of the corpus.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import MatcherError

METRICS = ("nDCG@10", "P(rel=1)@10", "P(rel=2)@10", "R(rel=1)@100")


def read_topics(path: str | Path) -> list[tuple[str, str]]:
    """(topic id, text) from JSON Lines (``_id``, ``text``) or TREC topics XML."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MatcherError(f"cannot read topics {path}: {exc}") from None
    if raw.lstrip().startswith("<"):
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as exc:
            raise MatcherError(f"{path}: malformed topics XML ({exc})") from None
        topics = [(t.get("number") or t.get("id") or "", " ".join("".join(t.itertext()).split())) for t in root.iter("topic")]
    else:
        topics = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                topics.append((str(row["_id"]), str(row["text"])))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise MatcherError(f"{path}:{n}: expected a JSON object with _id and text ({exc})") from None
    if not topics or any(not qid for qid, _ in topics):
        raise MatcherError(f"{path}: no topics found (expected JSON Lines with _id/text or <topic number=...>)")
    return topics


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise MatcherError(f"{path}:{n}: expected 'qid 0 docid grade'")
        qrels[parts[0]][parts[2]] = int(parts[3])
    return dict(qrels)


def read_run(path: str | Path) -> dict[str, list[tuple[str, float]]]:
    run: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6:
            raise MatcherError(f"{path}:{n}: expected 'qid Q0 docid rank score tag'")
        run[parts[0]].append((parts[2], float(parts[4])))
    return dict(run)


def run_lines(qid: str, ranked: Iterable[tuple[str, float]], tag: str) -> Iterator[str]:
    for rank, (docid, score) in enumerate(ranked, 1):
        yield f"{qid} Q0 {docid} {rank} {score:.6f} {tag}"


def condense(run: dict[str, list[tuple[str, float]]], qrels: dict[str, dict[str, int]]):
    """Keep only judged trials, in run order, for topics that have judgements."""
    return {q: [(d, s) for d, s in docs if d in qrels.get(q, {})] for q, docs in run.items() if q in qrels}


def eligible_above_excluded(run, qrels) -> float:
    """Share of (eligible, excluded) trial pairs of a topic where the eligible one ranks higher.

    A retrieved trial ranks above an unretrieved one; pairs where neither was
    retrieved are left out.
    """
    good = total = 0
    for qid, judged in qrels.items():
        ranks = {d: i for i, (d, _) in enumerate(run.get(qid, []))}
        eligible = [d for d, g in judged.items() if g == 2]
        excluded = [d for d, g in judged.items() if g == 1]
        for e in eligible:
            for x in excluded:
                re_, rx = ranks.get(e), ranks.get(x)
                if re_ is None and rx is None:
                    continue
                total += 1
                if rx is None or (re_ is not None and re_ < rx):
                    good += 1
    return good / total if total else float("nan")


def evaluate(run: dict[str, list[tuple[str, float]]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """nDCG@10, P@10 (grade >= 1 and grade 2), recall@100 and the eligible-above-excluded share."""
    try:
        import ir_measures
    except ImportError:
        raise MatcherError("scoring a run needs ir-measures: pip install 'matcher[eval]'") from None

    condensed = condense(run, qrels)
    scored = [
        ir_measures.ScoredDoc(qid, docid, float(len(docs) - i))  # the run's order, not its scores
        for qid, docs in condensed.items()
        for i, (docid, _) in enumerate(docs)
    ]
    qrel_rows = [ir_measures.Qrel(q, d, g) for q, docs in qrels.items() for d, g in docs.items()]
    measures = [ir_measures.parse_measure(m) for m in METRICS]
    agg = ir_measures.calc_aggregate(measures, qrel_rows, scored)
    out = {m: float(agg[ir_measures.parse_measure(m)]) for m in METRICS}
    out["eligible_above_excluded"] = eligible_above_excluded(condensed, qrels)
    out["topics"] = float(len(condensed))
    return out


