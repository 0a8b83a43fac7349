"""The matcher command line, run through click's CliRunner on real records."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import RECORDS, SEED

from matcher.cli import cli
from matcher.index import TrialIndex


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def ix(index_copy):
    return index_copy


def test_every_command_has_help(runner):
    for name, command in cli.commands.items():
        assert command.help, name
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_index_reports_counts(tmp_path, runner):
    result = runner.invoke(cli, ["index", str(RECORDS), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert "Indexed 4 trials" in result.output
    assert re.search(r"criteria of each batch: [1-9]\d* read, 0 from the parse cache", result.output)
    with TrialIndex(tmp_path / "ix") as ix:
        assert len(ix) == 4
        assert len(ix.get("NCT05858684").criteria) == 30
    again = runner.invoke(cli, ["index", str(RECORDS), "--index", str(tmp_path / "ix"), "--rebuild"])
    assert re.search(r"criteria of each batch: 0 read, [1-9]\d* from the parse cache", again.output)


def test_index_skips_bad_records_and_says_why(tmp_path, runner):
    (tmp_path / "bad.xml").write_text("<clinical_study><oops>")
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "good.json").write_bytes(SEED.read_bytes())
    result = runner.invoke(cli, ["index", str(tmp_path), str(tmp_path / "missing.xml"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert "Indexed 1 trials" in result.output
    assert "bad.xml: malformed XML" in result.output
    assert "empty.json: empty file" in result.output
    assert "missing.xml: no such file or directory" in result.output


def test_index_fails_when_nothing_usable(tmp_path, runner):
    (tmp_path / "bad.xml").write_text("not xml")
    result = runner.invoke(cli, ["index", str(tmp_path / "bad.xml"), "--index", str(tmp_path / "ix")])
    assert result.exit_code != 0
    assert "nothing indexed" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_reindexing_does_not_duplicate(ix, runner):
    result = runner.invoke(cli, ["index", str(SEED), "--index", str(ix)])
    assert result.exit_code == 0
    assert "now holds 4 trials" in result.output


def test_search_text_and_json(ix, runner):
    result = runner.invoke(cli, ["search", "systemic lupus erythematosus", "--index", str(ix)])
    assert result.exit_code == 0
    assert result.output.startswith("What we understood:")
    first = next(line for line in result.output.splitlines() if line.lstrip().startswith("1."))
    assert first.split()[1] == "NCT05858684"
    data = json.loads(runner.invoke(cli, ["search", "lupus", "--json", "--index", str(ix)]).output)
    assert data["results"][0]["nct_id"] == "NCT05858684"


@pytest.mark.parametrize("text", ['lupus AND "', "NOT OR AND", "lupus*:^~[]{}()", "title:lupus", "\\"])
def test_search_never_leaks_query_syntax(ix, runner, text):
    result = runner.invoke(cli, ["search", text, "--index", str(ix)])
    assert result.exit_code == 0, result.output


def test_search_filters(ix, runner):
    result = runner.invoke(cli, ["search", "lupus", "--status", "completed", "--json", "--index", str(ix)])
    ids = [r["nct_id"] for r in json.loads(result.output)["results"]]
    assert "NCT05858684" not in ids


def test_show(ix, runner):
    result = runner.invoke(cli, ["show", "NCT05858684", "--index", str(ix)])
    assert result.exit_code == 0
    assert "Inclusion criteria (13)" in result.output and "Exclusion criteria (17)" in result.output
    assert "hemoglobin >= 85 g/L" in result.output
    data = json.loads(runner.invoke(cli, ["show", "NCT05858684", "--json", "--index", str(ix)]).output)
    assert data["criteria"][4]["constraints"][0]["value"] == 85


def test_show_unknown_trial(ix, runner):
    result = runner.invoke(cli, ["show", "NCT00000000", "--index", str(ix)])
    assert result.exit_code != 0
    assert "no trial NCT00000000" in result.output


def test_missing_index_is_a_clear_error(tmp_path, runner):
    result = runner.invoke(cli, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert "matcher index" in result.output
    assert "Traceback" not in result.output


def test_stats(ix, runner):
    data = json.loads(runner.invoke(cli, ["stats", "--json", "--index", str(ix)]).output)
    assert data["trials"] == 4
    assert data["criteria"] >= 30
    assert data["constraints_by_kind"]["measurement"] >= 10


def test_parse_text(runner):
    result = runner.invoke(cli, ["parse", "Received live vaccine within 4 weeks prior to screening", "--section", "exclusion", "--json"])
    assert result.exit_code == 0
    (criterion,) = json.loads(result.output)["criteria"]
    (constraint,) = criterion["constraints"]
    assert constraint["concept"] == "live vaccine" and constraint["polarity"] == "forbid"
    assert constraint["window"]["days"] == 28


def test_parse_trial(ix, runner):
    result = runner.invoke(cli, ["parse", "--trial", "NCT05858684", "--index", str(ix)])
    assert result.exit_code == 0
    assert "forbid therapy live vaccine" in result.output


def test_default_index_is_built_on_first_use(tmp_path, runner, monkeypatch):
    corpus = tmp_path / "corpus.json"
    corpus.write_bytes(SEED.read_bytes())
    monkeypatch.setenv("MATCHER_CORPUS", str(corpus))
    monkeypatch.setenv("MATCHER_INDEX", str(tmp_path / "default-ix"))
    result = runner.invoke(cli, ["search", "systemic lupus erythematosus"])
    assert result.exit_code == 0, result.output
    assert "NCT05858684" in result.output
    assert (tmp_path / "default-ix" / "CURRENT").exists()


def test_search_says_what_it_understood_and_refuses_other_languages(ix, runner):
    result = runner.invoke(cli, ["search", "My mom is 74 and has lupus, on hydroxychloroquine. Allergic to penicillin.", "--index", str(ix)])
    assert result.exit_code == 0
    block = result.output.split("\n\n")[0]
    assert "74 years old, female" in block and "systemic lupus erythematosus" in block
    assert "hydroxychloroquine" in block and "Allergies: penicillin" in block
    spanish = runner.invoke(cli, ["search", "Tengo lupus y tomo hidroxicloroquina, soy de México y tengo 54 años", "--json", "--index", str(ix)])
    data = json.loads(spanish.output)
    assert data["results"] == [] and "Spanish" in data["patient"]["notes"][0]


def test_the_command_ends_with_its_answer_and_exit_status(ix):
    """`python -m matcher` (the console script's main): a read-only command ends as soon as it
    has answered, with everything it printed delivered through a pipe and its exit status kept."""
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "matcher", *args, "--index", str(ix)],
                              capture_output=True, text=True, timeout=300)

    shown = run("show", "NCT05858684", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["nct_id"] == "NCT05858684"  # the whole document, not a cut-off buffer
    missing = run("show", "NCT00000000")
    assert missing.returncode == 1
    assert "no trial NCT00000000" in missing.stderr and "Traceback" not in missing.stderr
    usage = run("search")  # no patient: a usage error keeps click's status 2
    assert usage.returncode == 2 and "describe the patient" in usage.stderr
