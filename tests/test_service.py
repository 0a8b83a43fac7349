"""``matcher.service.Matcher``, the one way into matcher, tested directly.

Most tests open the session's read-only ``fixture_index`` (four trials, one of
them recruiting: NCT05858684, the lupus CAR-T trial); tests that change an
index work on ``index_copy``.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import seed_record

from matcher.errors import IndexNotFound, TrialNotFound
from matcher.filters import OPEN_STATUSES, Filters
from matcher.form import MAX_TEXT_CHARS, FormError
from matcher.ingest import ingest
from matcher.service import Matcher
from matcher.sync import sync

OPEN_TRIAL = "NCT05858684"  # RECRUITING; the other three fixture trials are COMPLETED
IN_BUNDLED_CORPUS = "NCT00000102"  # Congenital Adrenal Hyperplasia, ages 14 to 35


@pytest.fixture(scope="module")
def matcher(fixture_index):
    with Matcher(fixture_index) as m:
        yield m


# -- opening an index ---------------------------------------------------------------
@pytest.mark.parametrize("where", ["missing/ix", "empty-dir", "a-file"])
def test_an_explicit_path_without_an_index_is_refused_at_once(tmp_path, where):
    path = tmp_path / where
    if where == "empty-dir":
        path.mkdir()
    elif where == "a-file":
        path.write_text("not an index")
    with pytest.raises(IndexNotFound, match="matcher index"):
        Matcher(path)
    assert not (tmp_path / "missing").exists()  # refusing creates nothing


def test_a_missing_index_is_refused_before_any_language_model_loads(tmp_path):
    code = (
        "import sys\n"
        "from matcher.service import Matcher\n"
        "from matcher.errors import IndexNotFound\n"
        f"try:\n    Matcher({str(tmp_path / 'nope')!r})\n"
        "except IndexNotFound:\n    print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_default_index_is_used_when_it_exists(fixture_index, monkeypatch):
    monkeypatch.setenv("MATCHER_INDEX", str(fixture_index))
    with Matcher() as m:
        assert m.built and len(m) == 4
        assert m.trial("NCT00001189").nct_id == "NCT00001189"


@pytest.fixture
def unbuilt_default(tmp_path, monkeypatch):
    """``Matcher()`` whose default index (``$MATCHER_INDEX``) is an empty directory;
    building it would fail the test rather than take minutes."""
    empty = tmp_path / "default-index"
    empty.mkdir()
    monkeypatch.setenv("MATCHER_INDEX", str(empty))
    monkeypatch.delenv("MATCHER_CORPUS", raising=False)

    def no_build(*args, **kwargs):
        raise AssertionError("the default index was built")

    monkeypatch.setattr("matcher.ingest.ingest", no_build)
    builds: list[int] = []
    m = Matcher(on_build=lambda: builds.append(1))
    yield m, empty
    assert builds == []
    assert list(empty.iterdir()) == []  # nothing written
    assert not m.built


@pytest.mark.parametrize("written", [IN_BUNDLED_CORPUS, IN_BUNDLED_CORPUS.lower(), f"  {IN_BUNDLED_CORPUS}\n"])
def test_one_trial_is_read_from_the_bundled_corpus_without_building(unbuilt_default, written):
    m, _ = unbuilt_default
    trial = m.trial(written)
    assert trial.nct_id == IN_BUNDLED_CORPUS
    assert "Congenital Adrenal Hyperplasia" in trial.title
    assert trial.criteria and all(c.section in ("inclusion", "exclusion") for c in trial.criteria)


@pytest.mark.parametrize("text, form", [
    (None, {"age": 70, "sex": "male"}),
    ("A 70-year-old man.", None),
    ("A 10-year-old girl with asthma.", None),
])
def test_explain_reads_the_bundled_corpus_without_building(unbuilt_default, text, form):
    m, _ = unbuilt_default
    result = m.explain(IN_BUNDLED_CORPUS, text, patient=form)
    assert result.nct_id == IN_BUNDLED_CORPUS
    assert result.eligibility == "ineligible"  # the trial takes ages 14 to 35
    assert any("14" in c.reason and "35" in c.reason for c in result.criteria if c.verdict == "fail")


@pytest.mark.parametrize("nct_id", ["NCT99999999", "nct00000000", "not-an-id"])
def test_an_unknown_trial_before_the_default_index_is_built(unbuilt_default, nct_id):
    m, _ = unbuilt_default
    with pytest.raises(TrialNotFound):
        m.trial(nct_id)
    with pytest.raises(TrialNotFound):
        m.explain(nct_id, "A 40-year-old woman.")


@pytest.mark.parametrize("nct_id", ["NCT99999999", "NCT00000104"])  # the second is bundled but not in this index
def test_an_unknown_trial_in_an_index(matcher, nct_id):
    with pytest.raises(TrialNotFound):
        matcher.trial(nct_id)
    with pytest.raises(TrialNotFound):
        matcher.explain(nct_id, patient={"age": 40})


# -- search -----------------------------------------------------------------------------
QUERIES = [
    "A 30-year-old with diffuse large B-cell lymphoma that relapsed after rituximab",
    "lupus nephritis in a 30 year old woman",
    "sarcoma of the thigh",
    "congenital adrenal hyperplasia in a teenager",
    "systemic lupus erythematosus",
]


@pytest.mark.parametrize("text", QUERIES)
def test_search_shows_only_trials_open_to_enrolment_and_counts_the_closed(matcher, text):
    shown = matcher.search(text)
    everything = matcher.search(text, filters=Filters(include_closed=True))
    assert all(r.status.lower() in OPEN_STATUSES and r.enrolling for r in shown.results)
    hidden = [r for r in everything.results if not r.enrolling]
    assert shown.closed == len(hidden)
    assert everything.closed == 0  # nothing hidden when closed trials are included
    assert [r.nct_id for r in shown.results] == [r.nct_id for r in everything.results if r.enrolling]


@pytest.mark.parametrize("text, closed_trial", [
    ("sarcoma of the thigh", "NCT00001189"),
    ("congenital adrenal hyperplasia", "NCT00000102"),
    ("diffuse large B-cell lymphoma, relapsed", "NCT00490009"),
])
def test_include_closed_shows_completed_trials(matcher, text, closed_trial):
    assert closed_trial not in [r.nct_id for r in matcher.search(text).results]
    found = matcher.search(text, filters=Filters(include_closed=True))
    assert closed_trial in [r.nct_id for r in found.results]
    assert matcher.search(text).closed >= 1


@pytest.mark.parametrize("text, form", [
    ("A 34-year-old woman with refractory systemic lupus erythematosus", None),
    (None, {"age": 34, "sex": "female", "conditions": ["SLE"]}),
    ("She has lupus.", {"age": 34}),
])
def test_search_finds_the_recruiting_lupus_trial(matcher, text, form):
    found = matcher.search(text, patient=form, top=3)
    assert found.results[0].nct_id == OPEN_TRIAL
    assert found.data_date == "2024-01-26"  # the newest registry update in the index
    assert found.to_dict()["results"][0]["nct_id"] == OPEN_TRIAL


def test_search_refuses_overlong_text(matcher):
    with pytest.raises(FormError, match="too long"):
        matcher.search("x" * (MAX_TEXT_CHARS + 1))


# -- stats, reload ------------------------------------------------------------------------
def test_stats_tell_the_data_date_and_that_no_sync_ran(matcher):
    stats = matcher.stats()
    assert stats["trials"] == 4
    assert stats["data_date"] == "2024-01-26"
    assert stats["open_to_enrolment"] == 1
    assert "sync" in stats and stats["sync"] is None


def test_stats_report_the_last_sync(index_copy):
    def empty_page(request):
        return httpx.Response(200, json={"studies": [], "totalCount": 0})

    with Matcher(index_copy) as m:
        with httpx.Client(transport=httpx.MockTransport(empty_page)) as client:
            sync(index_copy, since="2024-06-01", client=client, base_url="http://registry.invalid/api/v2")
        done = m.stats()["sync"]
    assert done["sync_point"] == "2024-06-01" and done["fetched"] == 0


def test_reload_picks_up_a_swapped_in_generation(index_copy, tmp_path):
    with Matcher(index_copy) as m:
        before = m.generation
        assert m.reload() is False  # nothing new yet
        report = ingest([seed_record(tmp_path, "NCT09999991", "A brand-new lupus study")], index_copy, update=True)
        assert report.indexed == 1
        with pytest.raises(TrialNotFound):  # still serving the generation it opened
            m.trial("NCT09999991")
        assert m.reload() is True
        assert m.generation != before
        assert m.trial("NCT09999991").brief_title == "A brand-new lupus study"
        assert len(m) == 5
        assert m.reload() is False


def test_reload_sees_a_replaced_trial(index_copy, tmp_path):
    with Matcher(index_copy) as m:
        ingest([seed_record(tmp_path, OPEN_TRIAL, "Retitled CAR-T study")], index_copy, update=True)
        assert m.trial(OPEN_TRIAL).brief_title.startswith("Dual Target CAR-T")
        m.reload()
        assert m.trial(OPEN_TRIAL).brief_title == "Retitled CAR-T study"
        assert len(m) == 4


# -- parse, run --------------------------------------------------------------------------
ELIGIBILITY = """Inclusion Criteria:
- Age 18 years or older
- Hemoglobin >= 9 g/dL
Exclusion Criteria:
- Pregnant or breastfeeding
- History of stroke"""


def _summaries(criteria):
    return [(c.section, [k.summary() for k in c.constraints]) for c in criteria]


def test_parse_reads_sections_from_the_headers():
    assert _summaries(Matcher.parse(ELIGIBILITY)) == [
        ("inclusion", ["require age age >= 18 years"]),
        ("inclusion", ["require measurement hemoglobin >= 90 g/L"]),
        ("exclusion", ["forbid pregnancy pregnancy", "forbid lactation lactation"]),
        ("exclusion", ["forbid condition (history) stroke"]),
    ]


@pytest.mark.parametrize("section, polarity", [("exclusion", "forbid"), ("inclusion", "require")])
def test_parse_with_a_section_forces_it(section, polarity):
    criteria = Matcher.parse(ELIGIBILITY, section)
    assert [c.section for c in criteria] == [section] * 4
    assert {k.polarity for c in criteria for k in c.constraints} == {polarity}


@pytest.mark.parametrize("text, expected", [
    ("Platelets >= 100,000/mm3", "require measurement platelet count >= 100×10^9/L"),
    ("No active hepatitis B", "forbid condition (active) hepatitis b"),
    ("ECOG performance status 0-1", "require measurement ecog performance status 0–1 points"),
])
def test_parse_one_criterion_without_headers(text, expected):
    (criterion,) = Matcher.parse(text)
    assert criterion.section == "inclusion"
    assert [k.summary() for k in criterion.constraints] == [expected]


def test_parse_refuses_overlong_text():
    assert Matcher.parse("") == []
    with pytest.raises(FormError):
        Matcher.parse("Age 18 or older. " * 2000)


TOPICS = [
    ("1", "A 34-year-old woman with refractory systemic lupus erythematosus"),
    ("2", "A 16-year-old boy with congenital adrenal hyperplasia"),
    ("3", "Relapsed diffuse large B-cell lymphoma after rituximab"),
]
BEST = {"1": "NCT05858684", "2": "NCT00000102", "3": "NCT00490009"}


@pytest.mark.parametrize("baseline", [False, True])
def test_run_ranks_every_topic_closed_trials_included(matcher, baseline):
    run = list(matcher.run(TOPICS, top=3, baseline=baseline))
    assert [qid for qid, _ in run] == ["1", "2", "3"]
    for qid, ranked in run:
        assert 1 <= len(ranked) <= 3
        assert ranked[0][0] == BEST[qid]  # topics 2 and 3 are best met by completed trials
        scores = [score for _, score in ranked]
        assert scores == sorted(scores, reverse=True)
        assert len({nct for nct, _ in ranked}) == len(ranked)


def test_run_takes_any_iterable_of_topics_one_at_a_time(matcher):
    run = matcher.run(iter(TOPICS[:2]), top=1)
    qid, ranked = next(run)
    assert qid == "1" and [nct for nct, _ in ranked] == [BEST["1"]]
    assert [(qid, [nct for nct, _ in ranked]) for qid, ranked in run] == [("2", [BEST["2"]])]


# -- threads ----------------------------------------------------------------------------------
def test_threads_searching_at_once_get_the_serial_answers(fixture_index):
    asks = [(text, Filters(include_closed=True)) for text in QUERIES] + [(text, None) for text in QUERIES[:2]]
    explains = [("NCT00000102", "A 70-year-old man."), (OPEN_TRIAL, "A 30-year-old woman with lupus.")]
    with Matcher(fixture_index) as serial:
        expected = [serial.search(text, filters=f, top=4).to_dict() for text, f in asks]
        expected_explained = [serial.explain(nct, text).to_dict() for nct, text in explains]
    with Matcher(fixture_index) as shared, ThreadPoolExecutor(4) as pool:  # a fresh one: caches fill concurrently
        got = list(pool.map(lambda ask: shared.search(ask[0], filters=ask[1], top=4).to_dict(), asks * 3))
        explained = list(pool.map(lambda ask: shared.explain(*ask).to_dict(), explains * 3))
    assert got == expected * 3
    assert explained == expected_explained * 3


def test_warm_up_loads_what_a_first_search_would_load_on_the_way(matcher):
    """A server warms up with a made-up patient whose reading builds the spelling index
    (a misspelled condition), so the first real patient does not wait for it."""
    from matcher import spelling
    from matcher.service import WARM_UP_TEXT

    spelling.lexicon_words.cache_clear()
    matcher.warm_up()
    assert spelling.lexicon_words.cache_info().currsize == 1
    assert ("hipertension", "hypertension") in spelling.correct(WARM_UP_TEXT)[1]
