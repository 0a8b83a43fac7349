"""One way in: the CLI, the Python API and the HTTP API give the same answers,
and bad input gets one clear line, never a traceback or a verdict on nonsense."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import cli
from matcher.errors import IndexNotFound
from matcher.filters import FilterError, Filters
from matcher.form import MAX_TEXT_CHARS, FormError, validate_form
from matcher.service import Matcher

SEED = "NCT05858684"
TEXT = ("A 34-year-old woman with refractory systemic lupus erythematosus despite mycophenolate, "
        "hemoglobin 10.2 g/dL, lives in Shanghai, China.")
FORM = {"age": 34, "sex": "female", "conditions": ["systemic lupus erythematosus"],
        "measurements": [{"name": "hemoglobin", "value": 10.2, "unit": "g/dL"}],
        "medications": ["mycophenolate mofetil"]}
PATIENTS = {
    "text": (TEXT, None),
    "form": (None, FORM),
    "both": ("Refractory lupus nephritis, no history of tuberculosis.", FORM),
    "form with text": (None, {**FORM, "text": TEXT}),
}


@pytest.fixture(scope="module")
def client(fixture_index):
    from fastapi.testclient import TestClient

    from matcher.api import create_app

    with TestClient(create_app(fixture_index, rate_limit=None, warm_up=False)) as c:
        yield c


def _cli_json(args: list[str]) -> dict:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _cli_args(tmp_path: Path, text: str | None, form: dict | None) -> list[str]:
    args = [text] if text else []
    if form is not None:
        path = tmp_path / "patient.json"
        path.write_text(json.dumps(form))
        args += ["--patient-file", str(path)]
    return args


@pytest.mark.parametrize("name", list(PATIENTS))
def test_search_agrees_across_cli_python_and_http(name, fixture_index, client, tmp_path):
    text, form = PATIENTS[name]
    with Matcher(fixture_index) as m:
        python = m.search(text, patient=form, top=10, filters=Filters(include_closed=True)).to_dict()
    cli_out = _cli_json(["search", *_cli_args(tmp_path, text, form), "--include-closed", "--json",
                         "--index", str(fixture_index)])
    body = {"top": 10, "filters": {"include_closed": True}}
    if text:
        body["text"] = text
    if form:
        body["patient"] = form
    http = client.post("/search", json=body)
    assert http.status_code == 200, http.text
    assert python["results"], "the patient should match something"
    assert cli_out == python == http.json()


@pytest.mark.parametrize("name", list(PATIENTS))
def test_explain_agrees_across_cli_python_and_http(name, fixture_index, client, tmp_path):
    text, form = PATIENTS[name]
    with Matcher(fixture_index) as m:
        python = m.explain(SEED, text, patient=form).to_dict()
    cli_out = _cli_json(["explain", SEED, *_cli_args(tmp_path, text, form), "--json", "--index", str(fixture_index)])
    body = {"nct_id": SEED, **({"text": text} if text else {}), **({"patient": form} if form else {})}
    http = client.post("/explain", json=body)
    assert http.status_code == 200, http.text
    assert cli_out == python == http.json()
    assert len(python["criteria"]) >= 30


# -- open trials first --------------------------------------------------------------------------------
def test_closed_trials_are_hidden_by_default_and_counted(fixture_index):
    with Matcher(fixture_index) as m:
        default = m.search("cancer trial patients study", top=10)
        everything = m.search("cancer trial patients study", top=10, filters=Filters(include_closed=True))
    assert all(r.enrolling for r in default.results)
    closed = [r for r in everything.results if not r.enrolling]
    assert closed, "the fixture has completed trials"
    assert default.closed >= len(closed)
    assert default.data_date == everything.data_date != ""


def test_an_explicit_status_overrides_the_open_default(fixture_index):
    with Matcher(fixture_index) as m:
        found = m.search("study patients disease", top=10, filters=Filters(status=["Completed"]))
    assert found.results and all(r.status == "COMPLETED" for r in found.results)


# -- filters: unknown values get the valid ones ---------------------------------------------------------
@pytest.mark.parametrize("field,value,hint", [
    ("status", "recruting", "recruiting"),
    ("phase", "phase 7", "phase2"),
    ("study_type", "randomised", "interventional"),
    ("country", "Atlantis", "United States"),
])
def test_unknown_filter_values_list_the_valid_ones(field, value, hint, fixture_index, client):
    with pytest.raises(FilterError) as caught:
        Filters(**{field: [value]}).normalized()
    assert hint in str(caught.value) and value in str(caught.value)
    option = "--" + field.replace("_", "-")
    result = CliRunner().invoke(cli, ["search", "lupus", option, value, "--index", str(fixture_index)])
    assert result.exit_code == 1
    assert hint in result.output and "Traceback" not in result.output
    response = client.post("/search", json={"text": "lupus", "filters": {field: [value]}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == f"filters.{field}"


@pytest.mark.parametrize("written,value", [("USA", "united states"), ("U.S.", "united states"),
                                           ("us", "united states"), ("CN", "china"), ("France", "france")])
def test_countries_are_normalized(written, value):
    assert Filters(country=[written]).normalized().country == [value]


@pytest.mark.parametrize("written,value", [("Phase II", "phase2"), ("phase 2", "phase2"), ("2", "phase2"),
                                           ("early phase 1", "earlyphase1"), ("N/A", "na")])
def test_phases_are_normalized(written, value):
    assert Filters(phase=[written]).normalized().phase == [value]


# -- bad input: one line, never a traceback --------------------------------------------------------------
BAD_BYTES = b"lupus \xff\xfe"


@pytest.mark.parametrize("command", [["search"], ["explain", SEED], ["parse"]])
def test_undecodable_bytes_on_the_command_line_get_one_line(command, fixture_index):
    env = {**os.environ, "MATCHER_INDEX": str(fixture_index), "LC_ALL": "C.UTF-8"}
    argv = [sys.executable, "-m", "matcher", *command]
    proc = subprocess.run([os.fsencode(a) for a in argv] + [BAD_BYTES], capture_output=True, env=env, timeout=120)
    assert proc.returncode in (1, 2), proc.stderr
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert "UTF-8" in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 3  # usage line, hint, error


def test_a_missing_index_is_reported_at_once(tmp_path):
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "matcher", "search", "x", "--index", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 1
    assert "no index" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 3.0  # the issue asks for 1 s; CI machines under load get slack, the benchmark measures it
    with pytest.raises(IndexNotFound):
        Matcher(tmp_path / "missing")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_lab_values_are_refused(value, client):
    form = {"measurements": [{"name": "hemoglobin", "value": value, "unit": "g/L"}]}
    with pytest.raises(FormError) as caught:
        validate_form(form)
    assert caught.value.field == "measurements[0].value"
    body = json.dumps({"patient": form}, allow_nan=True)  # NaN/Infinity literals, as a careless client sends them
    response = client.post("/search", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "patient.measurements[0].value"


@pytest.mark.parametrize("value,unit", [(-5, "g/dL"), (900, "g/dL"), (0.5, "g/L")])
def test_implausible_lab_values_are_refused_naming_the_field(value, unit, client, fixture_index, tmp_path):
    form = {"age": 40, "measurements": [{"name": "hemoglobin", "value": value, "unit": unit}]}
    with Matcher(fixture_index) as m, pytest.raises(FormError) as caught:
        m.search(patient=form)
    assert caught.value.field == "measurements[0].value"
    response = client.post("/search", json={"patient": form})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "patient.measurements[0].value"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(form))
    result = CliRunner().invoke(cli, ["search", "--patient-file", str(path), "--index", str(fixture_index)])
    assert result.exit_code == 1
    assert "measurements[0].value" in result.output and "Traceback" not in result.output


def test_one_text_limit_everywhere(client, fixture_index):
    long = "lupus " * (MAX_TEXT_CHARS // 6 + 10)
    with Matcher(fixture_index) as m, pytest.raises(FormError):
        m.search(long)
    assert client.post("/search", json={"text": long}).status_code == 422
    assert client.post("/search", json={"patient": {"text": long}}).status_code == 422
    result = CliRunner().invoke(cli, ["search", long, "--index", str(fixture_index)])
    assert result.exit_code == 1 and "too long" in result.output


def test_within_needs_a_place(fixture_index):
    with Matcher(fixture_index) as m, pytest.raises(FilterError) as caught:
        m.search("lupus", filters=Filters(within="50mi"))
    assert "place" in str(caught.value)


@pytest.mark.parametrize("within", ["fifty", "-3km", "0mi", "99999999km"])
def test_absurd_distances_are_refused(within):
    with pytest.raises(FilterError):
        Filters(within=within).normalized()


# -- one-trial commands never build an index ----------------------------------------------------------
def test_one_trial_commands_read_the_bundled_corpus_without_building(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_INDEX", str(tmp_path / "never-built"))
    result = CliRunner().invoke(cli, ["parse", "--trial", SEED])
    assert result.exit_code == 0, result.output
    assert "->" in result.output
    missing = CliRunner().invoke(cli, ["parse", "--trial", "NCT99999999"])
    assert missing.exit_code == 1 and "NCT99999999" in missing.output
    shown = CliRunner().invoke(cli, ["show", SEED])
    assert shown.exit_code == 0 and "CAR-T" in shown.output
    assert not (tmp_path / "never-built").exists()


def test_python_m_matcher_api_runs_the_serve_command(fixture_index):
    proc = subprocess.run([sys.executable, "-m", "matcher.api", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for option in ("--forwarded-allow-ips", "--max-body", "--rate-limit", "--cors-origin", "--index"):
        assert option in proc.stdout


def test_evaluate_names_the_extra_it_needs(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_ir_measures(name, *args, **kwargs):
        if name == "ir_measures":
            raise ImportError("no ir_measures")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ir_measures)
    run, qrels = tmp_path / "run", tmp_path / "qrels"
    run.write_text("1 Q0 NCT00000102 1 1.0 x\n")
    qrels.write_text("1 0 NCT00000102 2\n")
    result = CliRunner().invoke(cli, ["evaluate", str(run), str(qrels)])
    assert result.exit_code == 1
    assert "pip install 'matcher[eval]'" in result.output


# -- property tests: no input crashes or misleads --------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
_form_keys = st.sampled_from(["age", "sex", "conditions", "measurements", "medications", "pregnant",
                              "breastfeeding", "location", "text", "weight", ""])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_form_keys, _json_values, max_size=5))
def test_any_form_is_read_or_refused_with_a_named_field(form):
    from matcher.patient import read_form

    try:
        patient = read_form(form)
    except FormError as exc:
        assert exc.field and str(exc).startswith(exc.field)
        return
    for fact in patient.facts:  # what was accepted is sane
        assert fact.value is None or math.isfinite(fact.value)
    assert patient.age is None or 0 <= patient.age <= 130


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=60))
def test_any_bytes_on_the_command_line_get_an_answer_or_one_clear_line(raw):
    argument = raw.decode("utf-8", "surrogateescape")  # what Python makes of undecodable argv bytes
    if argument.startswith("-") or "\x00" in argument:
        return  # an option, or a byte no argv can hold
    result = CliRunner().invoke(cli, ["parse", argument, "--json"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_patient_text_gets_results_or_a_clear_error(fixture_index, text):
    with Matcher(fixture_index) as m:
        try:
            found = m.search(text, top=3, filters=Filters(include_closed=True))
        except FormError as exc:
            assert exc.field == "text"
            return
    for r in found.results:
        assert r.eligibility in ("eligible", "uncertain", "ineligible")


# -- the example: open trials near Columbus, Ohio --------------------------------------------------
NEAR_TEXT = "67 year old man with type 2 diabetes and kidney disease in Columbus, Ohio"


def test_open_trials_near_the_patient_from_the_cli_and_the_api(open_index):
    from fastapi.testclient import TestClient

    from matcher.api import create_app

    found = _cli_json(["search", NEAR_TEXT, "--json", "--index", str(open_index)])
    assert found["patient"]["location"]["label"] == "Columbus, Ohio, United States"
    assert found["results"] and all(r["enrolling"] for r in found["results"])
    assert all(r["nearest_site"] and r["nearest_site"]["km"] > 0 for r in found["results"])
    assert all("near" in r["signals"] for r in found["results"])
    assert found["closed"] >= 1  # the completed diabetic kidney trials matched, and are counted
    assert found["data_date"]
    everything = _cli_json(["search", NEAR_TEXT, "--json", "--include-closed", "--index", str(open_index)])
    closed = [r for r in everything["results"] if not r["enrolling"]]
    assert closed
    near = _cli_json(["search", NEAR_TEXT, "--json", "--include-closed", "--within", "50mi",
                      "--index", str(open_index)])
    assert near["results"], "a completed trial has a site within 50 miles of Columbus"
    assert all(r["nearest_site"]["miles"] <= 50 for r in near["results"])
    assert len(near["results"]) <= len(everything["results"])
    with TestClient(create_app(open_index, rate_limit=None, warm_up=False)) as client:
        http = client.post("/search", json={"text": NEAR_TEXT, "top": 10,
                                            "filters": {"include_closed": True, "within": "50mi"}})
        assert http.status_code == 200
        assert http.json() == near
        by_form = client.post("/search", json={"patient": {"age": 67, "sex": "male", "location": "43215",
                                                            "conditions": ["type 2 diabetes", "kidney disease"]},
                                               "filters": {"include_closed": True, "within": "50mi"}})
        assert by_form.status_code == 200
        assert by_form.json()["results"]
        assert all(r["nearest_site"]["miles"] <= 50 for r in by_form.json()["results"])
        assert client.get("/health").json()["data_date"] == found["data_date"]


def test_every_list_filter_is_an_option_a_field_and_a_facet():
    """One table (matcher.filters.LIST_FILTERS) makes the CLI options, the API fields and the index facets agree."""
    from matcher.api.schemas import SearchFilters
    from matcher.cli import cli
    from matcher.filters import LIST_FILTERS, Filters
    from matcher.index import FACETS

    search = cli.commands["search"]
    options = {name for p in search.params for name in p.opts}
    for spec in LIST_FILTERS:
        assert f"--{spec.name.replace('_', '-')}" in options
        assert spec.name in SearchFilters.model_fields
        assert spec.name in {f.name for f in FACETS}
        assert SearchFilters(**{spec.name: [spec.example]}).to_filters() == Filters(**{spec.name: [spec.example]})
