"""The built wheel works on its own: installed into a fresh virtual environment
it carries the bundled corpus, builds the default index on first use and finds
the founding trial.

Dependencies are not downloaded again: the fresh environment sees this
environment's site-packages through a ``.pth`` line, while matcher itself
comes only from the wheel (this environment's editable install is a path hook
that a plain ``.pth`` path does not run). The first search builds the default
index from the 6,787 bundled trials, which takes a few minutes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("src") / "matcher"
    # build from a copy so the checkout gets no build/ or egg-info droppings
    shutil.copytree(ROOT, build, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".ci-venv", "build", "*.egg-info", "__pycache__", "tests", "benchmarks"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(out), str(build)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (found,) = out.glob("matcher-*.whl")
    return found


def test_the_wheel_ships_the_corpus_and_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "matcher/bundled/ctgov-default.jsonl.gz" in names
    assert "matcher/api/static/index.html" in names
    assert "matcher/resources/rules/context.json" in names
    assert any(n.startswith("matcher/resources/geo/") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_the_installed_wheel_finds_the_founding_trial(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHER_", "PYTHON"))}
    env |= {"MATCHER_INDEX": str(tmp_path / "index"), "HOME": str(tmp_path)}
    where = subprocess.run([str(python), "-c", "import matcher, sys; print(matcher.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert str(site) in where, "matcher must come from the wheel, not the checkout"
    proc = subprocess.run([str(venv / "bin" / "matcher"), "search", "systemic lupus erythematosus"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "NCT05858684" in proc.stdout
    assert "Building the default index" in proc.stderr
