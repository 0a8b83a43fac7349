"""Patient texts of hostile or degenerate shapes, at the size limit: seconds and peak memory each.

    python benchmarks/bench_hostile.py

A patient-facing site takes text from anyone. Each shape below repeats one pattern up to
MAX_TEXT_CHARS (20,000 characters): one endless word, a line of thousands of mentions, thousands
of questions, a result list thousands long, an export of thousands of cells. Reading one must stay
in seconds and megabytes (a 20,000-letter word had taken 100 s and 20 GB in the spelling
corrector; thousands of questions or mentions on one line, a minute each).
"""
from __future__ import annotations

import resource
import time

from matcher.form import MAX_TEXT_CHARS
from matcher.patient import read_text

SHAPES = {
    "one endless word": "lupus. " + "x" * MAX_TEXT_CHARS,
    "commas": "," * MAX_TEXT_CHARS,
    "numeric dates": "1/2/2026 " * 3000,
    "denials": "no " * 7000,
    "questions": "HIV? " * 4000,
    "a result list": "HIV, " * 4000 + " negative",
    "dashed results": "HIV - " * 3300,
    "arabizi mentions": "ma3ndi HIV wla tay7t, " * 1000,
    "spaced thousands": "viral load 1" + " 000" * 5000,
    "quoted replies": "> Jenny wrote: I'm 45, HIV\n" * 700 + "Me: 56, lupus",
    "export cells": "LC-1,lab,HIV_Ag_Ab,nonreactive,,2026-11-19,\n" * 500,
    "exceptions": "no allergies except penicillin " * 700,
    "mentions": "lupus nephritis creatinine 1.2 mg/dL, " * 600,
    "treatments": "was started on methotrexate, was started on tacrolimus, " * 360,
}


def main() -> int:
    read_text("warm up: lupus on hydroxychloroquine")
    print(f"{'shape':18} {'chars':>6} {'seconds':>8} {'peak RSS MB':>12}")
    worst = 0.0
    for name, text in SHAPES.items():
        text = text[:MAX_TEXT_CHARS]
        start = time.perf_counter()
        read_text(text)
        took = time.perf_counter() - start
        worst = max(worst, took)
        print(f"{name:18} {len(text):6d} {took:8.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:12.0f}")
    print(f"slowest: {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
