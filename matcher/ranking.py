"""Candidate retrieval and eligibility-aware ranking.

1. A query is built from the patient's *facts*, not the raw text alone: the
   content words of what they wrote, minus words of negated, family and
   hypothetical mentions, plus their present conditions (boosted).
2. Hard filters where the patient's facts are known (age, sex) and any user
   filters (status, phase, country, study type) restrict the index.
3. The top candidates are judged criterion by criterion
   (:mod:`matcher.eligibility`) and re-ranked by a linear model over a few
   explainable signals. Its weights are learned from relevance judgements by
   :class:`LinearRanker` (scikit-learn) and stored as JSON in
   ``resources/ranker.json``; each result says which signals moved it.
"""
from __future__ import annotations

import json
import math
from bisect import insort
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np

from . import resources
from .eligibility import FAIL, PASS, UNKNOWN, CriterionJudgement, Explanation, Judging, explain, explanation_of, rules_out_eligible
from .filters import OPEN_STATUSES, Filters, nearest_site
from .geo.distance import KM_PER_MILE
from .index import TRIAL_CACHE_SIZE, Hit, TrialIndex, query_terms
from .models import CLOSED_SITE_STATUSES, Location, Patient, Trial
from .topics import trial_topics
from .understood import summarize
from .vocabulary import condition_ancestors

FEATURES = (
    "text_score",  # BM25F score of the facts query / best score for it
    "text_rank",  # 1 / log2(rank + 1) in that ranking
    "words_score",  # BM25F score of the patient's words as written / best score for them
    "condition_match",  # share of the patient's present conditions the trial is about
    "topic_overlap",  # conditions in common (with their broader kinds): the patient's and those the trial studies
    "eligible",  # 1 if every checkable criterion passes
    "ineligible",  # 1 if any criterion fails
    "pass_share",  # passing criteria / checkable criteria
    "unknown_share",  # unknown criteria / checkable criteria
    "age_sex_fit",  # 1 if the patient is within the trial's age and sex limits (or they are unknown)
    "open",  # recruiting or about to
)
CONDITION_BOOST = 3.0  # query weight of the patient's present conditions
WORD_WEIGHT = 1.0  # query weight of the other words they wrote
DEFAULT_CANDIDATES = 50  # judged and re-ranked per interactive search
RUN_CANDIDATES = 300  # per topic in batch runs (`matcher run`)
OPEN_TIER_MIN_TEXT = 0.5  # share of the best text score an open trial needs to be listed first
# Distance to the nearest enrolling site, when the patient gave a place: added
# to the learned score (no relevance judgement knows where patients live) as
# NEAR_WEIGHT * 2 ** (-km / NEAR_HALF_KM), and shown in ``signals`` as "near".
NEAR_WEIGHT = 0.5
NEAR_HALF_KM = 150.0


@dataclass
class Result:
    nct_id: str
    title: str
    status: str
    score: float
    eligibility: str
    passed: int
    failed: int
    unknown: int
    reasons: list[str]
    signals: dict[str, float]
    explanation: Explanation | None = None
    features: dict[str, float] = field(default_factory=dict)
    nearest_site: dict[str, Any] | None = None  # facility, city, state, country, km, miles

    @property
    def enrolling(self) -> bool:
        """Whether the trial is open to enrolment (recruiting or about to)."""
        return self.status.lower() in OPEN_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "status": self.status,
            "enrolling": self.enrolling,
            "nearest_site": self.nearest_site,
            "score": round(self.score, 4),
            "eligibility": self.eligibility,
            "pass": self.passed,
            "fail": self.failed,
            "unknown": self.unknown,
            "reasons": self.reasons,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
        }


@dataclass
class SearchResults:
    """Ranked results, the open questions, and close matches the hard filters
    (the patient's age or sex) left out, each marked ineligible with its reason."""

    results: list[Result]
    questions: list[str] = field(default_factory=list)
    excluded: list[Result] = field(default_factory=list)
    patient: dict[str, Any] = field(default_factory=dict)  # what we understood (matcher.understood)
    closed: int = 0  # close matches left out because they no longer enrol (see Filters.include_closed)
    data_date: str = ""  # the newest registry update in the index

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient": self.patient,
            "results": [r.to_dict() for r in self.results],
            "questions": self.questions,
            "excluded": [r.to_dict() for r in self.excluded],
            "closed": self.closed,
            "data_date": self.data_date,
        }


# -- query ---------------------------------------------------------------------
def patient_terms(patient: Patient, text: str = "") -> dict[str, float]:
    """Weighted query terms: what the patient said, minus what they denied or a relative has."""
    weights: dict[str, float] = {}
    excluded: set[str] = set()
    for fact in patient.facts:
        if not fact.asserted:
            excluded.update(query_terms(fact.text))
    for term in query_terms(text) if text else sorted(patient.words):
        if term not in excluded:
            weights[term] = WORD_WEIGHT
    for fact in patient.facts:
        if fact.kind == "condition" and fact.asserted:
            boost = CONDITION_BOOST if not fact.historical else 1.0
            for term in query_terms(fact.concept) + query_terms(fact.text):
                weights[term] = max(weights.get(term, 0.0), boost)
    return weights


def patient_filters(patient: Patient, filters: Filters | None = None) -> Filters:
    out = Filters(**vars(filters)) if filters else Filters()
    if out.age is None:
        out.age = patient.age
    if out.sex is None:
        out.sex = patient.sex
    return out


# -- signals -------------------------------------------------------------------
@lru_cache(maxsize=TRIAL_CACHE_SIZE)
def _words(text: str) -> frozenset[str]:
    """The analyzed terms of a trial's titles and conditions, or of a condition's name (asked per trial judged)."""
    return frozenset(query_terms(text))


def _condition_match(trial: Trial, patient: Patient) -> float:
    present = [f.concept for f in patient.facts if f.kind == "condition" and f.asserted and not f.historical]
    if not present:
        return 0.0
    about = {c.concept for crit in trial.criteria if crit.section == "inclusion"
             for c in crit.constraints if c.kind == "condition" and c.polarity == "require"}
    words = _words(" ".join(trial.conditions + trial.mesh_terms + [trial.title]))
    hits = 0
    for concept in present:
        family = {concept} | condition_ancestors(concept)
        named = _words(concept)
        if family & about or (named and named <= words):
            hits += 1
    return hits / len(present)


def _topic_overlap(trial: Trial, patient: Patient) -> float:
    mine: set[str] = set()
    for f in patient.facts:
        if f.kind == "condition" and f.asserted and not f.historical:
            mine |= {f.concept} | condition_ancestors(f.concept)
    if not mine:
        return 0.0
    theirs: set[str] = set()
    for concept in trial_topics(trial):
        theirs |= {concept} | condition_ancestors(concept)
    return min(len(mine & theirs), 3) / 3


JUDGED = ("eligible", "ineligible", "pass_share", "unknown_share")  # the signals known only once a trial is judged
BOUND_MARGIN = 1e-9  # added to a score bound: far above the rounding of adding its parts in another order


def prior_signals(trial: Trial, *, text_score: float, best: float, rank: int, words_score: float, words_best: float,
                  fits: bool, patient: Patient) -> dict[str, float]:
    """The signals known before a trial is judged (all of :data:`FEATURES` but :data:`JUDGED`)."""
    return {
        "text_score": text_score / best if best > 0 else 0.0,
        "text_rank": 1.0 / math.log2(rank + 2),
        "words_score": words_score / words_best if words_best > 0 else 0.0,
        "condition_match": _condition_match(trial, patient),
        "topic_overlap": _topic_overlap(trial, patient),
        "age_sex_fit": 1.0 if fits else 0.0,
        "open": 1.0 if trial.overall_status.lower() in OPEN_STATUSES else 0.0,
    }


def judged_signals(explanation: Explanation) -> dict[str, float]:
    """The signals of :data:`JUDGED`, each between 0 and 1."""
    counts = explanation.counts()
    checkable = sum(1 for c in explanation.criteria if c.checkable) or 1
    return {
        "eligible": 1.0 if explanation.eligibility == "eligible" else 0.0,
        "ineligible": 1.0 if explanation.eligibility == "ineligible" else 0.0,
        "pass_share": counts["pass"] / checkable,
        "unknown_share": sum(1 for c in explanation.criteria if c.verdict == "unknown" and c.checkable) / checkable,
    }


class _Partial:
    """What a hit's judgements so far leave possible of its :data:`JUDGED` signals (see
    :func:`judged_signals`), as ranges, with ``left`` criteria still to judge."""

    __slots__ = ("left", "passed", "unknown", "checkable", "failed", "not_eligible")

    def __init__(self, left: int):
        self.left, self.passed, self.unknown, self.checkable = left, 0, 0, 0
        self.failed = self.not_eligible = False

    def add(self, judgement: CriterionJudgement) -> None:
        self.left -= 1
        self.passed += judgement.verdict == PASS
        if judgement.checkable:
            self.checkable += 1
            self.unknown += judgement.verdict == UNKNOWN
        self.failed = self.failed or judgement.verdict == FAIL
        self.not_eligible = self.not_eligible or rules_out_eligible(judgement)

    def ranges(self) -> tuple[tuple[float, float], ...]:
        """(least, most) each signal of :data:`JUDGED` can still be, in its order."""
        # the shares divide by the checkable criteria (at least 1): at most those seen and all left;
        # passes need not be checkable ("You said you will consent"), so a pass share can pass 1
        most = max(self.checkable + self.left, 1)
        return (
            (0.0, 0.0 if self.not_eligible else 1.0),  # eligible
            (1.0 if self.failed else 0.0, 1.0),  # ineligible
            (self.passed / most, float(max(self.passed + self.left, 1))),  # pass_share
            (self.unknown / most, 1.0),  # unknown_share
        )


def _in_order(known: dict[str, float], judged: dict[str, float]) -> dict[str, float]:
    return {name: judged[name] if name in JUDGED else known[name] for name in FEATURES}


# -- the learned combination ---------------------------------------------------------
class LinearRanker:
    """A linear scorer over :data:`FEATURES`, learned pairwise (RankNet-style
    logistic regression on feature differences of trials with different grades
    for the same patient). Learned state: ``weights_``."""

    def __init__(self, C: float = 1.0, max_pairs_per_query: int = 2000, random_state: int = 0):
        self.C = C
        self.max_pairs_per_query = max_pairs_per_query
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> "LinearRanker":
        from sklearn.linear_model import LogisticRegression

        X, y, groups = np.asarray(X, float), np.asarray(y, float), np.asarray(groups)
        if X.ndim != 2 or X.shape[1] != len(FEATURES):
            raise ValueError(f"X must have {len(FEATURES)} columns: {', '.join(FEATURES)}")
        rng = np.random.default_rng(self.random_state)
        diffs, labels = [], []
        for g in np.unique(groups):
            idx = np.flatnonzero(groups == g)
            pairs = [(i, j) for i in idx for j in idx if y[i] > y[j]]
            if len(pairs) > self.max_pairs_per_query:
                pairs = [pairs[k] for k in rng.choice(len(pairs), self.max_pairs_per_query, replace=False)]
            for n, (i, j) in enumerate(pairs):
                sign = 1 if n % 2 == 0 else -1  # balanced classes
                diffs.append(sign * (X[i] - X[j]))
                labels.append(1 if sign > 0 else 0)
        if not diffs:
            raise ValueError("no pair of trials with different grades for the same query")
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=1000)
        model.fit(np.array(diffs), np.array(labels))
        self.weights_ = dict(zip(FEATURES, model.coef_[0].tolist()))
        return self

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights_[name] * features.get(name, 0.0) for name in FEATURES)

    def contributions(self, features: dict[str, float]) -> dict[str, float]:
        return {name: self.weights_[name] * features.get(name, 0.0) for name in FEATURES}

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "weights": self.weights_, "C": self.C}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LinearRanker":
        unknown = set(data.get("weights", {})) - set(FEATURES)
        missing = set(FEATURES) - set(data.get("weights", {}))
        if unknown or missing:
            raise ValueError(f"ranker weights do not match the features (unknown {sorted(unknown)}, missing {sorted(missing)})")
        ranker = cls(C=data.get("C", 1.0))
        ranker.weights_ = {k: float(v) for k, v in data["weights"].items()}
        return ranker


# Before any training: text relevance first, failing trials sink, unknowns cost a little.
PRIOR_WEIGHTS = {
    "text_score": 2.0, "text_rank": 1.0, "words_score": 0.5, "condition_match": 1.0, "topic_overlap": 0.5,
    "eligible": 0.3, "ineligible": -2.0, "pass_share": 0.5, "unknown_share": -0.2,
    "age_sex_fit": 1.0, "open": 0.3,
}


@cache
def default_ranker() -> LinearRanker:
    """The shipped ranker (``resources/ranker.json``), else the documented prior weights."""
    if resources.exists("ranker.json"):
        return LinearRanker.from_dict(resources.read_json("ranker.json"))
    return LinearRanker.from_dict({"weights": PRIOR_WEIGHTS})


# -- search --------------------------------------------------------------------------
def _main_reasons(explanation: Explanation, limit: int = 3) -> list[str]:
    by_verdict = {"fail": [], "pass": [], "unknown": []}
    for c in explanation.criteria:
        if c.verdict in by_verdict and c.checkable:
            if c.verdict == "pass" and (c.assumed or "accepts both" in c.reason):
                continue  # assumptions and trivial passes are not reasons to show first
            by_verdict[c.verdict].append(c.reason)
    ordered = by_verdict["fail"] + by_verdict["pass"] + by_verdict["unknown"]
    return list(dict.fromkeys(ordered))[:limit]


@dataclass
class Candidates:
    kept: list[Hit]
    gone: list[Hit]  # the best hits only the patient's age or sex left out
    closed: int = 0  # hits among the best ``limit`` left out only because they no longer enrol


def candidates(index: TrialIndex, patient: Patient, *, text: str = "", filters: Filters | None = None,
               limit: int = DEFAULT_CANDIDATES, hard_filters: bool = True, removed: int = 0) -> Candidates:
    """Text-relevance candidates for a patient, the best ``removed`` ones that
    only the patient's age/sex filter left out, and how many closed trials the
    open-only default hid. With ``hard_filters`` (patient-facing search) and no
    ``filters``, the default :class:`Filters` apply: trials open to enrolment."""
    weights = patient_terms(patient, text)
    if not hard_filters:
        kept, _ = index.search_split(weights, top=limit, filters=filters)
        return Candidates(kept, [])
    user = filters if filters is not None else Filters()
    flt = patient_filters(patient, user)
    kept, gone, closed = index.search_split(weights, top=limit, filters=flt, removed=removed, count_closed=True)
    gone = [h for h in gone if user.allows(index.facets_of(h))]
    return Candidates(kept, gone, closed)


class _Scorer:
    """Judges and scores the hits of one search against the same normalizers."""

    def __init__(self, index: TrialIndex, patient: Patient, text: str, hits: list[Hit], ranker: LinearRanker,
                 near: dict[str, Any] | None = None):
        self.index, self.patient, self.ranker, self.near = index, patient, ranker, near
        self.best = max((h.score for h in hits), default=0.0)
        words = {t: 1.0 for t in (query_terms(text) if text else sorted(patient.words))}
        scores, self.words_best = index.scores_of(words, hits)
        self.words = {h.nct_id: s for h, s in zip(hits, scores)}
        self.demographics = Filters(age=patient.age, sex=patient.sex)
        self._known: dict[tuple[str, int], tuple] = {}
        self._known_part: dict[tuple[str, int], float] = {}  # the score of the signals known before judging
        self._judged_weights = [ranker.weights_[name] for name in JUDGED]

    def prior(self, hit: Hit, position: int) -> tuple[dict, dict[str, float], dict[str, Any] | None, float | None]:
        """(facets, the signals known before judging, the nearest site, its score) of a hit, computed once."""
        known = self._known.get((hit.nct_id, position))
        if known is None:
            facets = self.index.facets_of(hit)
            feats = prior_signals(
                hit.trial, text_score=hit.score, best=self.best, rank=position,
                words_score=self.words.get(hit.nct_id, 0.0), words_best=self.words_best,
                fits=self.demographics.allows(facets), patient=self.patient,
            )
            site, near = None, None
            if self.near is not None:
                site = _nearest(hit.trial, facets, self.near)
                near = NEAR_WEIGHT * 2 ** (-site["km"] / NEAR_HALF_KM) if site else 0.0
            known = self._known[hit.nct_id, position] = (facets, feats, site, near)
            weights = self.ranker.weights_
            self._known_part[hit.nct_id, position] = (
                sum(weights[name] * feats.get(name, 0.0) for name in FEATURES if name not in JUDGED), near)
        return known

    def bound(self, hit: Hit, position: int, judged: _Partial | None = None) -> float:
        """A score the hit cannot pass once judged: each judged signal at its most favourable value
        of those the judgements so far (``judged``; none by default) leave possible. (Added in another
        order than :meth:`LinearRanker.score` adds them: the sums may differ in their last bits, which
        the :data:`BOUND_MARGIN` callers add covers.)"""
        # asked after every judgement of a hit that can no longer be eligible: kept to a few lookups
        known = self._known_part.get((hit.nct_id, position))
        if known is None:
            self.prior(hit, position)
            known = self._known_part[hit.nct_id, position]
        score, near = known
        ranges = (judged or _Partial(len(hit.trial.criteria) + 2)).ranges()  # 2: the record's own age and sex
        for weight, (lo, hi) in zip(self._judged_weights, ranges):
            score += weight * hi if weight >= 0 else weight * lo  # lo <= hi: max(weight * lo, weight * hi)
        return score + near if near is not None else score

    def result(self, hit: Hit, position: int, judgements: list[CriterionJudgement] | None = None) -> Result:
        """The judged result of a hit; ``judgements`` are all that :class:`Judging` gives for it, if made already."""
        explanation = explain(hit.trial, self.patient) if judgements is None else explanation_of(hit.trial, judgements)
        _, known, site, near = self.prior(hit, position)
        feats = _in_order(known, judged_signals(explanation))
        counts = explanation.counts()
        score, contributions = self.ranker.score(feats), self.ranker.contributions(feats)
        if near is not None:
            score += near
            contributions["near"] = near
        return Result(
            nct_id=hit.nct_id, title=hit.trial.title, status=hit.trial.overall_status,
            score=score, eligibility=explanation.eligibility,
            passed=counts["pass"], failed=counts["fail"], unknown=counts["unknown"],
            reasons=_main_reasons(explanation), signals=contributions, explanation=explanation,
            features=feats, nearest_site=site,
        )


def _nearest(trial: Trial, facets: dict, place: dict[str, Any]) -> dict[str, Any] | None:
    """The trial's enrolling site nearest the patient's place, with its distance.

    A state or a country has no single point: a site inside it counts as at
    distance 0 (and the distance is not shown); otherwise the distance is
    measured from the region's centre."""
    found = nearest_site(facets.get("points") or b"", (place["lat"], place["lon"]))
    if found is None or found[0] >= len(trial.locations):
        return None
    n, km = found
    region = place.get("kind") in ("state", "country")
    if region:
        inside = [loc for loc in trial.locations if _in_region(loc, place)]
        if inside:
            loc = inside[0]
            return {"facility": loc.facility, "city": loc.city, "state": loc.state, "country": loc.country,
                    "km": 0.0, "miles": 0.0, "in": place["label"]}
    loc = trial.locations[n]
    return {"facility": loc.facility, "city": loc.city, "state": loc.state, "country": loc.country,
            "km": round(km, 1), "miles": round(km / KM_PER_MILE, 1)}


def _in_region(loc: Location, place: dict[str, Any]) -> bool:
    if loc.status in CLOSED_SITE_STATUSES or loc.country != place.get("country"):
        return False
    return place.get("kind") == "country" or loc.state.casefold() == (place.get("admin1") or "").casefold()


def rank(index: TrialIndex, patient: Patient, *, text: str = "", top: int = 10, filters: Filters | None = None,
         n_candidates: int = DEFAULT_CANDIDATES, ranker: LinearRanker | None = None,
         hard_filters: bool = True, tiers: bool = True) -> SearchResults:
    """The best trials for ``patient``: retrieve, judge, re-rank, explain.

    With ``tiers`` (patient-facing search), results come in tiers, ordered by
    the learned score within each: trials still open to enrolment and about
    the patient's problem first (a patient can only join those), then the
    rest, and trials the patient fails last. Without (``matcher run``, a
    TREC run), the learned score alone orders them, and eligibility counts
    only through its signals.
    """
    understood = summarize(patient)
    if patient.language:
        return SearchResults([], [], patient=understood)  # not keyword matches on words we cannot read
    ranker = ranker or default_ranker()
    found = candidates(index, patient, text=text, filters=filters, limit=max(n_candidates, top),
                       hard_filters=hard_filters, removed=10 if hard_filters else 0)
    hits, gone = found.kept, found.gone
    if not hits and not gone:
        return SearchResults([], [], patient=understood, closed=found.closed)
    near = patient.location
    if filters is not None and filters.near is not None and near is None:
        near = {"label": "", "lat": filters.near[0], "lon": filters.near[1], "kind": "point"}
    scorer = _Scorer(index, patient, text, hits + gone, ranker, near=near)

    def open_and_relevant(features: dict[str, float], status: str) -> bool:
        # only a trial about the patient's problem earns the open-first tier
        relevant = features["condition_match"] > 0 or features["text_score"] >= OPEN_TIER_MIN_TEXT
        return status.lower() in OPEN_STATUSES and relevant

    def order(r: Result) -> tuple:
        if not tiers:
            return False, False, -r.score, r.nct_id
        return r.eligibility == "ineligible", not open_and_relevant(r.features, r.status), -r.score, r.nct_id

    leads: dict[tuple[str, int], bool] = {}

    def at_best(hit: Hit, position: int, judged: _Partial | None = None) -> tuple:
        """Where a hit could sort at best once judged: ineligible only if a judgement so far fails it,
        its score at :meth:`_Scorer.bound`."""
        lead = leads.get((hit.nct_id, position))
        if lead is None:
            lead = leads[hit.nct_id, position] = tiers and not open_and_relevant(scorer.prior(hit, position)[1],
                                                                                 hit.trial.overall_status)
        failed = tiers and judged is not None and judged.failed
        return failed, lead, -(scorer.bound(hit, position, judged) + BOUND_MARGIN), hit.nct_id

    shown = _best_judged(scorer, [(hit, position) for position, hit in enumerate(hits)], top, order, at_best)
    questions: dict[str, None] = {}
    for r in shown:
        for q in r.explanation.questions:
            questions.setdefault(q, None)
    excluded = _filtered_out(gone, scorer) if hard_filters else []
    return SearchResults(shown, list(questions)[:10], excluded, patient=understood, closed=found.closed)


def _best_judged(scorer: _Scorer, hits: list[tuple[Hit, int]], top: int, order: Callable[[Result], tuple],
                 at_best: Callable[..., tuple]) -> list[Result]:
    """The ``top`` results that sort first by ``order``, of ``hits`` (each with its position in the text
    ranking), judging as few of them as that takes.

    Judging is most of a search's work. The hits are judged in the order they could sort at best
    (``at_best(hit, position)``, never after ``order`` of the hit's result), until ``top`` judged results
    sort before any hit left could; and a hit's judging stops once what its first criteria settle
    (``at_best(hit, position, judged)``) puts it behind the ``top`` judged so far: the same results as
    judging every hit."""
    results: list[Result] = []
    keys: list[tuple] = []  # the judged results' ``order``, sorted
    for best, hit, position in sorted((at_best(hit, position), hit, position) for hit, position in hits):
        if 0 < top <= len(keys) and keys[top - 1] < best:
            break
        judging = Judging(hit.trial, scorer.patient)
        judged = _Partial(len(judging))
        judgements: list[CriterionJudgement] = []
        for judgement in judging:
            judgements.append(judgement)
            judged.add(judgement)
            # looked at once it cannot be eligible (until then its bound stays close to the first);
            # keys[top - 1] only gets better as more hits are judged: a hit behind it now stays behind
            if 0 < top <= len(keys) and judged.not_eligible and keys[top - 1] < at_best(hit, position, judged):
                break
        else:
            result = scorer.result(hit, position, judgements)
            results.append(result)
            insort(keys, order(result))
    results.sort(key=order)
    return results[:top]


def _filtered_out(gone: list[Hit], scorer: _Scorer, limit: int = 3) -> list[Result]:
    """The best text matches that only the age/sex filter removed: shown as ineligible, not hidden."""
    close = [(hit, position) for position, hit in enumerate(gone) if hit.score >= 0.5 * scorer.best]
    return _best_judged(scorer, close, limit, lambda r: (-r.score, r.nct_id),
                        lambda hit, position, judged=None: (-(scorer.bound(hit, position, judged) + BOUND_MARGIN), hit.nct_id))


def feature_rows(index: TrialIndex, patient: Patient, text: str, n_candidates: int = DEFAULT_CANDIDATES,
                 hard_filters: bool = False) -> list[tuple[str, dict[str, float]]]:
    """(nct_id, features) for every candidate, in text order: training and evaluation data
    (by default without the age/sex filter, as ``matcher run``)."""
    hits = candidates(index, patient, text=text, limit=n_candidates, hard_filters=hard_filters).kept
    if not hits:
        return []
    scorer = _Scorer(index, patient, text, hits, LinearRanker.from_dict({"weights": PRIOR_WEIGHTS}))
    return [(h.nct_id, scorer.result(h, i).features) for i, h in enumerate(hits)]


def save_ranker(ranker: LinearRanker, path, metadata: dict[str, Any]) -> None:
    data = ranker.to_dict() | {"metadata": metadata}
    with open(path, "w") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
