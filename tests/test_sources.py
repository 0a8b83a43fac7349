"""Record loaders: every accepted form, and every kind of bad input."""
from __future__ import annotations

import gzip
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import RECORDS, SEED

from matcher.models import Skipped, Trial
from matcher.sources import load_records
from matcher.sources.ctgov_json import trial_to_study


def _split(records):
    trials = [r for r in records if isinstance(r, Trial)]
    skipped = [r for r in records if isinstance(r, Skipped)]
    return trials, skipped


def _load(*paths):
    return _split(list(load_records(paths)))


def test_legacy_xml_fields():
    (trial,), skipped = _load(RECORDS / "NCT00000102.xml")
    assert not skipped
    assert trial.nct_id == "NCT00000102"
    assert trial.brief_title.startswith("Congenital Adrenal Hyperplasia")
    assert trial.conditions == ["Congenital Adrenal Hyperplasia"]
    assert trial.interventions == ["Nifedipine"]
    assert trial.phases == ["PHASE1", "PHASE2"]
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.overall_status == "COMPLETED"
    assert (trial.minimum_age, trial.maximum_age) == (14, 35)
    assert trial.sex == "all"
    assert trial.healthy_volunteers is False
    assert trial.countries == ["United States"]
    assert trial.locations[0].city == "Charleston"
    assert "Adrenal Hyperplasia, Congenital" in trial.mesh_terms
    # eligibility text is kept exactly as written (the splitter reads its layout)
    assert trial.eligibility_text.strip().startswith("Inclusion Criteria:\r\n")
    assert "\r" not in trial.brief_summary


def test_api_v2_single_study(seed_path):
    (trial,), skipped = _load(seed_path)
    assert not skipped
    assert trial.nct_id == "NCT05858684"
    assert trial.conditions == ["Systemic Lupus Erythematosus"]
    assert trial.overall_status == "RECRUITING"
    assert trial.phases == ["NA"]
    assert (trial.minimum_age, trial.maximum_age) == (18, 70)
    assert trial.countries == ["China"]
    assert trial.eligibility_text.startswith("Inclusion Criteria:")


@pytest.mark.parametrize(
    "text, years",
    [("18 Years", 18), ("6 Months", 0.5), ("N/A", None), ("2 Weeks", 0.0383), ("1 Year", 1), ("", None)],
)
def test_age_texts(text, years):
    from matcher.sources.normalize import age_in_years

    assert age_in_years(text) == years


def _studies():
    study = json.loads(SEED.read_text())
    other = json.loads(json.dumps(study))
    other["protocolSection"]["identificationModule"]["nctId"] = "NCT99999999"
    return study, other


@pytest.mark.parametrize("form", ["page", "array", "jsonl", "jsonl.gz", "page.gz"])
def test_api_v2_collection_forms(tmp_path, form):
    study, other = _studies()
    if form.startswith("page"):
        data = json.dumps({"studies": [study, other], "nextPageToken": "x"}).encode()
    elif form == "array":
        data = json.dumps([study, other]).encode()
    else:
        data = (json.dumps(study) + "\n" + json.dumps(other) + "\n").encode()
    if form.endswith(".gz"):
        data = gzip.compress(data)
    path = tmp_path / f"studies.{form}"
    path.write_bytes(data)
    trials, skipped = _load(path)
    assert [t.nct_id for t in trials] == ["NCT05858684", "NCT99999999"]
    assert not skipped


def test_directory_tar_and_zip(tmp_path):
    names = ["NCT00000102.xml", "NCT00001189.xml", "NCT05858684.json"]
    nested = tmp_path / "dir" / "sub"
    nested.mkdir(parents=True)
    for name in names:
        (nested / name).write_bytes((RECORDS / name).read_bytes())
    tgz = tmp_path / "records.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        for name in names:
            tf.add(RECORDS / name, arcname=f"part/{name}")
    zpath = tmp_path / "records.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name in names:
            zf.write(RECORDS / name, arcname=name)
    for source in (tmp_path / "dir", tgz, zpath):
        trials, skipped = _load(source)
        assert sorted(t.nct_id for t in trials) == ["NCT00000102", "NCT00001189", "NCT05858684"], source
        assert not skipped


def test_round_trip_through_api_v2(tmp_path):
    (trial,), _ = _load(RECORDS / "NCT00000102.xml")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(trial_to_study(trial)))
    (again,), _ = _load(path)
    again.source = trial.source = ""
    assert again == trial


BAD = {
    "malformed.xml": (b"<clinical_study><id_info><nct_id>NCT1</nct_id>", "malformed XML"),
    "no-id.xml": (b"<clinical_study><brief_title>x</brief_title></clinical_study>", "no NCT id"),
    "other-root.xml": (b"<html><body>hi</body></html>", "not <clinical_study>"),
    "malformed.json": (b'{"protocolSection": {', "malformed JSON"),
    "no-id.json": (b'{"protocolSection": {"identificationModule": {}}}', "no NCT id"),
    "not-a-study.json": (b'{"hello": "world"}', "no protocolSection"),
    "number.json": (b"42", "unknown format"),
    "empty.xml": (b"", "empty file"),
    "blank.json": (b"   \n\n", "empty file"),
    "binary.bin": (bytes(range(256)) * 4, "binary file"),
    "latin1.xml": ("<clinical_study>caf\xe9</clinical_study>".encode("latin-1"), "not UTF-8"),
    "notes.txt": (b"Just some notes about trials.", "unknown format"),
    "broken.gz": (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_are_skipped_with_reason(tmp_path, name):
    data, reason = BAD[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.xml").write_bytes((RECORDS / "NCT00000102.xml").read_bytes())
    trials, skipped = _load(tmp_path)
    assert [t.nct_id for t in trials] == ["NCT00000102"]
    assert len(skipped) == 1
    assert skipped[0].source.endswith(name)
    assert reason in skipped[0].reason
    assert "\n" not in str(skipped[0])


def test_missing_path_and_broken_archive(tmp_path):
    fake = tmp_path / "fake.tar.gz"
    fake.write_bytes(b"not an archive")
    trials, skipped = _load(tmp_path / "nope", fake, SEED)
    assert [t.nct_id for t in trials] == ["NCT05858684"]
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert reasons["nope"] == "no such file or directory"
    assert "unreadable archive" in reasons["fake.tar.gz"]


def test_bad_study_inside_a_page_is_skipped_alone(tmp_path):
    study, _ = _studies()
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"studies": [{"protocolSection": {}}, study, "junk"]}))
    trials, skipped = _load(path)
    assert [t.nct_id for t in trials] == ["NCT05858684"]
    assert [s.source.rsplit("[", 1)[1] for s in skipped] == ["0]", "2]"]


def test_bad_line_in_jsonl_is_skipped_alone(tmp_path):
    study, other = _studies()
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(study) + "\n{oops\n" + json.dumps(other) + "\n")
    trials, skipped = _load(path)
    assert len(trials) == 2
    assert skipped[0].source.endswith(":2") and "malformed JSON" in skipped[0].reason


@pytest.mark.parametrize("gzipped", [False, True])
def test_json_lines_are_read_a_line_at_a_time_whatever_the_file_size(tmp_path, monkeypatch, gzipped):
    """A JSON Lines file of the whole registry is streamed, not refused or read whole:
    with a file limit smaller than the file, every line is still read, a bad line
    (malformed, not UTF-8, too long) is skipped alone with its line number, blank
    lines count, and a JSON array of the same size is still refused."""
    import matcher.sources as sources

    study, other = _studies()
    limit = len(json.dumps(study)) + 100
    lines = [json.dumps(study).encode(), b"", b"{oops", b"\xff\xfe not text", b"x" * (2 * limit), json.dumps(other).encode()]
    data = b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n"  # a byte order mark before the first line
    path = tmp_path / ("big.jsonl.gz" if gzipped else "big.ndjson")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", limit)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self} whole"))
    trials, skipped = _load(path)
    assert [t.nct_id for t in trials] == ["NCT05858684", "NCT99999999"]
    assert [t.source for t in trials] == [f"{path}:1", f"{path}:6"]
    assert [(s.source.rsplit(":", 1)[1], s.reason.split(" (")[0]) for s in skipped] == [
        ("3", "malformed JSON line"), ("4", "not UTF-8 text"), ("5", "line longer than 0 MiB")]  # limit < 1 MiB
    monkeypatch.undo()
    array = tmp_path / "big.json"
    array.write_text(json.dumps([study, other]))
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    assert "larger than" in _load(array)[1][0].reason


def test_a_truncated_json_lines_archive_keeps_what_came_before(tmp_path):
    study, other = _studies()
    data = gzip.compress(((json.dumps(study) + "\n" + json.dumps(other) + "\n") * 200).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    trials, skipped = _load(path)
    assert 0 < len(trials) < 400
    assert len(skipped) == 1 and skipped[0].source == str(path) and "unreadable after line" in skipped[0].reason
