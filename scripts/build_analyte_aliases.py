"""Build ``matcher/resources/analyte_aliases.json`` from Clinical-Trial-Parser's variables.

Reads ``ctp-variables.csv`` (facebookresearch/Clinical-Trial-Parser,
``src/resources/variables/variables.csv`` at commit 03ea0d3, Apache-2.0; a copy with
its licence is in ``../shared/data/vocab/``). Each variable is mapped to one of our
analytes by the aliases our table already resolves; its other aliases become extra
names of that analyte, unless they are shorter than three letters or already name
another analyte or a condition or therapy of our lexicon. Variables we cannot map
are listed on stdout and left out (their units and bounds would need review first).

    python scripts/build_analyte_aliases.py [--csv ../shared/data/vocab/ctp-variables.csv]

Deterministic: the same CSV and resources give the same file.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "matcher" / "resources" / "analyte_aliases.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ROOT.parent / "shared" / "data" / "vocab" / "ctp-variables.csv")
    args = parser.parse_args()
    # read our own table without the aliases this script writes
    if OUT.exists():
        OUT.unlink()
    from matcher.nlp.lexicon import lookup
    from matcher.spelling import known_words
    from matcher.units import analyte_for

    words = known_words()

    aliases: dict[str, list[str]] = {}
    unmapped = []
    with args.csv.open(encoding="utf-8") as fh:
        rows = list(csv.reader(line for line in fh if line.strip()))
    header = [h.lstrip("#") for h in rows[0]]
    for row in rows[1:]:
        entry = dict(zip(header, row))
        # CTP aliases ending in "*" mean "any ending": stems, left out
        written = [a.strip() for a in entry["aliases"].split("|") if a.strip()]
        names = [a for a in written if "*" not in a] + [entry["display_name"].strip()]  # "heigh*" is a stem, not a name
        hits = Counter(a.id for a in (analyte_for(n) for n in names) if a is not None)
        # mapped only when the display name says the same as most aliases
        shown = analyte_for(entry["display_name"]) or analyte_for(entry["variable_name"].replace("_", " "))
        if not hits or shown is None or shown.id != hits.most_common(1)[0][0]:
            unmapped.append(entry["variable_name"])
            continue
        target = shown.id
        for name in names:
            known = analyte_for(name)
            if len(name) < 4 or known is not None or lookup(name) is not None or "/" in name \
                    or any(w in name.lower() for w in ("progression", "castrate", "baseline", "test", "cockcroft")) \
                    or any(len(w) >= 6 and w not in words for w in name.lower().replace("-", " ").split()):  # "presure"
                continue
            aliases.setdefault(target, [])
            if name.lower() not in (a.lower() for a in aliases[target]):
                aliases[target].append(name.lower())
    data = {
        "_source": "Clinical-Trial-Parser src/resources/variables/variables.csv (commit 03ea0d3), Apache-2.0; "
                   "built by scripts/build_analyte_aliases.py; do not edit by hand",
        "aliases": {k: sorted(v) for k, v in sorted(aliases.items()) if v},
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    added = sum(len(v) for v in data["aliases"].values())
    print(f"wrote {OUT.relative_to(ROOT)}: {added} names for {len(data['aliases'])} analytes")
    print(f"not mapped ({len(unmapped)}): {', '.join(unmapped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
