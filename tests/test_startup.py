"""A command's start: spaCy's own command line is imported only when used.

``import spacy`` imports ``spacy.cli`` (typer, weasel, the model downloader),
which matcher never calls; deferring it takes 0.2 to 0.4 s off every
``matcher`` command. These run in fresh interpreters, since this test
process has long imported spaCy."""
from __future__ import annotations

import json
import subprocess
import sys


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_reading_a_patient_does_not_import_spacys_command_line():
    out = _run("import sys, json\n"
               "from matcher.patient import read_patient\n"
               "facts = read_patient('A 45-year-old woman with lupus nephritis, creatinine 1.2 mg/dL')\n"
               "print(json.dumps({'age': facts.age, 'loaded': sorted(m for m in ('typer', 'weasel', 'spacy.cli.download') if m in sys.modules)}))")
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen == {"age": 45, "loaded": []}


def test_spacys_command_line_still_works_once_asked_for():
    out = _run("import matcher, spacy, sys\n"
               "from spacy.cli import download\n"
               "import spacy.cli\n"
               "print(callable(download), spacy.cli is sys.modules['spacy.cli'], type(spacy.cli).__name__,\n"
               "      'pipelines' in spacy.info(), hasattr(spacy.cli, 'app'))")
    assert out.split() == ["True", "True", "module", "True", "True"]


def test_python_m_spacy_runs_after_matcher_is_imported():
    out = _run("import matcher, runpy, sys\n"
               "sys.argv = ['spacy', 'info']\n"
               "try:\n"
               "    runpy.run_module('spacy', run_name='__main__')\n"
               "except SystemExit as stop:\n"
               "    assert not stop.code, stop.code\n")
    assert "spaCy version" in out
