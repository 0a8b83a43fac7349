"""A command's wall time from a shell: ``matcher search TEXT`` run N times as a
fresh process on the default index (what a user or a cron job waits for), and,
with ``--fresh``, the first search of a fresh install (empty index and cache
directories, so it builds the default index from the bundled corpus first).

Run it with the interpreter of the environment to measure: an editable install
run with ``PYTHONDONTWRITEBYTECODE=1`` compiles every module on every run (about
half a second more); ``pip install .`` compiles them once at install.

    python benchmarks/bench_cli.py [--runs 10] [--fresh]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import interpreter, percentile  # noqa: E402

TEXTS = ["45 year old woman with lupus nephritis",
         "62-year-old man with type 2 diabetes, HbA1c 8.4%, on metformin",
         "I'm 34, female, refractory systemic lupus despite mycophenolate, Hb 10.2 g/dL"]


def _matcher() -> str:
    found = Path(sys.executable).with_name("matcher")
    return str(found) if found.exists() else shutil.which("matcher") or "matcher"


def _timed(args: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run([_matcher(), *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"matcher {' '.join(args[:1])} failed: {done.stderr[-500:]}")
    return elapsed


@click.command()
@click.option("--runs", default=10, show_default=True, help="Searches to time.")
@click.option("--fresh", is_flag=True, help="Also time the first search of a fresh install (builds the default index).")
def main(runs: int, fresh: bool) -> None:
    print(f"{interpreter()}; matcher: {_matcher()}; PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    _timed(["search", TEXTS[0]])  # the default index exists and the modules are compiled
    times = [_timed(["search", TEXTS[i % len(TEXTS)]]) for i in range(runs)]
    print(f"matcher search TEXT, {runs} runs: p50 {percentile(times, 0.5):.2f} s, "
          f"p95 {percentile(times, 0.95):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s")
    if fresh:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "MATCHER_INDEX": f"{tmp}/index", "MATCHER_CACHE": f"{tmp}/cache"}
            first = _timed(["search", TEXTS[2]], env)
            second = _timed(["search", TEXTS[0]], env)
        print(f"fresh install: first search {first:.1f} s (builds the default index), the next {second:.2f} s")


if __name__ == "__main__":
    main()
