"""Ranking for a patient, TREC runs and evaluation, on real records."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import RECORDS

from matcher.cli import cli
from matcher.evaluation import eligible_above_excluded, evaluate, read_topics
from matcher.index import TrialIndex
from matcher.ingest import ingest
from matcher.patient import read_text
from matcher.ranking import FEATURES, LinearRanker, patient_terms, rank

SLE = (
    "A {age}-year-old woman with refractory systemic lupus erythematosus, SELENA-SLEDAI 12. Hemoglobin 130 g/L, "
    "WBC 6.1 x10^9/L, neutrophils 3.8 x10^9/L, platelets 250 x10^9/L, creatinine clearance 100 mL/min, "
    "bilirubin 0.5 mg/dL, AST 22 U/L, ALT 20 U/L, ejection fraction 62%."
)


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    path = tmp_path_factory.mktemp("rank") / "ix"
    ingest([RECORDS], path)
    with TrialIndex(path) as index:
        yield index


def test_lupus_patient_gets_the_seed_trial_first(ix):
    found = rank(ix, read_text(SLE.format(age=34)), text=SLE.format(age=34))
    top = found.results[0]
    assert top.nct_id == "NCT05858684"
    assert top.eligibility in ("eligible", "uncertain") and top.failed == 0
    assert any("85 g/L" in r or "SELENA" in r.upper() for r in top.reasons)
    assert found.questions  # e.g. the EULAR/ACR score


def test_older_patient_sees_it_marked_ineligible(ix):
    text = SLE.format(age=72)
    found = rank(ix, read_text(text), text=text)
    assert "NCT05858684" not in [r.nct_id for r in found.results]  # the age filter
    (excluded,) = [r for r in found.excluded if r.nct_id == "NCT05858684"]
    assert excluded.eligibility == "ineligible"
    assert "72" in excluded.reasons[0]


def test_failing_trials_sink(ix):
    text = SLE.format(age=34) + " She received the MMR vaccine 1 week ago."
    found = rank(ix, read_text(text), text=text, top=10)
    verdicts = [r.eligibility for r in found.results]
    assert "ineligible" in verdicts
    assert verdicts.index("ineligible") == len(verdicts) - verdicts[::-1].count("ineligible")


def test_negated_and_family_findings_do_not_pull_trials_in():
    patient = read_text("A 40-year-old man. Denies lupus. His mother has epilepsy. He has asthma.")
    terms = patient_terms(patient, "A 40-year-old man. Denies lupus. His mother has epilepsy. He has asthma.")
    assert "lupu" not in terms and "epilepsi" not in terms
    assert terms["asthma"] > terms.get("man", 0)


def test_result_json_shape_and_signals(ix):
    data = rank(ix, read_text(SLE.format(age=34)), text=SLE.format(age=34)).to_dict()
    first = data["results"][0]
    assert set(first) >= {"nct_id", "title", "score", "eligibility", "pass", "fail", "unknown", "reasons", "signals"}
    assert set(first["signals"]) == set(FEATURES)


def test_ranker_learns_and_round_trips():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((200, len(FEATURES)))
    ineligible = FEATURES.index("ineligible")
    y = (X[:, 0] > 0.5).astype(int) + (X[:, ineligible] < 0.5).astype(int)  # text score up, ineligible down
    groups = np.repeat(np.arange(10), 20)
    ranker = LinearRanker().fit(X, y, groups)
    assert ranker.weights_["text_score"] > 0 > ranker.weights_["ineligible"]
    again = LinearRanker.from_dict(json.loads(json.dumps(ranker.to_dict())))
    assert again.weights_ == ranker.weights_
    with pytest.raises(ValueError):
        LinearRanker.from_dict({"weights": {"bogus": 1.0}})


def test_topics_formats(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"_id": "q1", "text": "lupus"}\n{"_id": "q2", "text": "asthma"}\n')
    (tmp_path / "t.xml").write_text('<topics task="2022"><topic number="1">A man with lupus.</topic></topics>')
    assert read_topics(tmp_path / "t.jsonl") == [("q1", "lupus"), ("q2", "asthma")]
    assert read_topics(tmp_path / "t.xml") == [("1", "A man with lupus.")]


def test_evaluation_on_judged_trials_only():
    qrels = {"q": {"A": 2, "B": 1, "C": 0}}
    good = {"q": [("X", 9.0), ("A", 3.0), ("B", 2.0), ("C", 1.0)]}  # X is unjudged: condensed away
    bad = {"q": [("C", 3.0), ("B", 2.0), ("A", 1.0)]}
    assert evaluate(good, qrels)["nDCG@10"] == pytest.approx(1.0)
    assert evaluate(bad, qrels)["nDCG@10"] < 0.7
    assert eligible_above_excluded(good, qrels) == 1.0
    assert eligible_above_excluded(bad, qrels) == 0.0


def test_run_and_evaluate_commands(tmp_path, ix):
    runner = CliRunner()
    topics = tmp_path / "topics.jsonl"
    topics.write_text(json.dumps({"_id": "q1", "text": SLE.format(age=34)}) + "\n")
    result = runner.invoke(cli, ["run", str(topics), "--index", str(ix.path), "--tag", "t1", "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["q1", "Q0", "NCT05858684", "1", lines[0].split()[4], "t1"]
    run = tmp_path / "run.txt"
    run.write_text(result.output)
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 NCT05858684 2\nq1 0 NCT00000102 0\n")
    scored = runner.invoke(cli, ["evaluate", str(run), str(qrels), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["nDCG@10"] == pytest.approx(1.0)


def test_indexing_reads_the_conditions_each_trial_studies(ix):
    # stored once at indexing, so judging and ranking need not parse them per search
    seed = ix.get("NCT05858684")
    assert "systemic lupus erythematosus" in seed.topics
    lupus = read_text("A 34-year-old woman with systemic lupus erythematosus.")
    hits = {r.nct_id: r for r in rank(ix, lupus, text="systemic lupus erythematosus", top=10, tiers=False).results}
    assert hits["NCT05858684"].features["topic_overlap"] > 0


@pytest.mark.parametrize("top, hard", [(1, True), (3, False), (10, True), (2, False)])
@pytest.mark.parametrize("text", [SLE.format(age=34), SLE.format(age=34) + " She received the MMR vaccine 1 week ago.",
                                  "A 60-year-old man with metastatic prostate cancer, Gleason 4+3=7, on leuprolide.",
                                  "55 yo woman, type 2 diabetes, HbA1c 8.1%, creatinine 1.1 mg/dL, lives in Boston."])
def test_judging_only_the_hits_that_can_be_shown_changes_nothing(ix, monkeypatch, text, top, hard):
    """rank() stops judging once no hit left could enter the results: the answer is the one judging
    every candidate gives, result for result, score for score."""
    import matcher.ranking as ranking

    patient = read_text(text)
    pruned = rank(ix, patient, text=text, top=top, hard_filters=hard).to_dict()

    def every(scorer, hits, top, order, at_best):
        results = sorted((scorer.result(hit, position) for hit, position in hits), key=order)
        return results[:top]

    monkeypatch.setattr(ranking, "_best_judged", every)
    assert rank(ix, patient, text=text, top=top, hard_filters=hard).to_dict() == pruned


def test_a_search_for_one_result_judges_fewer_trials(ix, monkeypatch):
    import matcher.ranking as ranking

    judged = []
    result = ranking._Scorer.result
    monkeypatch.setattr(ranking._Scorer, "result", lambda self, hit, *args: judged.append(hit) or result(self, hit, *args))
    text = SLE.format(age=34) + " Also asthma, diabetes, hypertension and a past breast cancer."
    rank(ix, read_text(text), text=text, top=1, hard_filters=False)  # (closed trials too: more candidates)
    one = len(judged)
    judged.clear()
    rank(ix, read_text(text), text=text, top=50, hard_filters=False)
    assert 1 <= one < len(judged)


def test_a_hit_its_first_criteria_put_behind_the_shown_ones_is_not_judged_to_the_end(ix, monkeypatch):
    """Once a hit cannot be eligible, and what its criteria judged so far leave possible puts it behind
    the results already found, its other criteria are not judged; the results are those of judging
    every criterion of every hit. (A ranker that weighs being eligible above all makes every hit's
    bound high until its first open question.)"""
    import matcher.eligibility as eligibility
    import matcher.ranking as ranking

    weights = {name: 0.0 for name in FEATURES} | {"eligible": 100.0, "text_score": 1.0, "unknown_share": -1.0}
    ranker = LinearRanker.from_dict({"weights": weights})
    started: list[tuple[str, int]] = []  # (trial, how many criteria it has)
    judged: dict[str, int] = {}
    every = eligibility.Judging.__iter__

    def counting(self):
        started.append((self.trial.nct_id, len(self)))
        for judgement in every(self):
            judged[self.trial.nct_id] = judged.get(self.trial.nct_id, 0) + 1
            yield judgement

    monkeypatch.setattr(eligibility.Judging, "__iter__", counting)
    text = SLE.format(age=34) + " Also asthma, diabetes, hypertension and a past breast cancer."
    pruned = rank(ix, read_text(text), text=text, top=1, hard_filters=False, ranker=ranker, tiers=False).to_dict()
    assert len(started) > 1
    assert any(judged.get(nct_id, 0) < n for nct_id, n in started[1:])

    def all_of_every_hit(scorer, hits, top, order, at_best):
        return sorted((scorer.result(hit, position) for hit, position in hits), key=order)[:top]

    monkeypatch.setattr(ranking, "_best_judged", all_of_every_hit)
    assert rank(ix, read_text(text), text=text, top=1, hard_filters=False, ranker=ranker, tiers=False).to_dict() == pruned
