"""What one trial becomes in the index: the text fields BM25F searches, and
the facet table that says, once per facet, how it is stored and read back.

Every facet is a Whoosh column (one value per document, read for the whole
index at C speed, see :mod:`matcher.index.columns`), never a stored field: a
search filters on whole arrays, and reading a stored field would unpickle the
trial record with it.
"""
from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from ..models import CLOSED_SITE_STATUSES, Location, Trial, to_json

# Version of the on-disk layout, written into each generation (matcher.json).
# 1: facets as stored fields (read back document by document); 2: facets as columns;
# 3: the text fields only in our postings files (matcher.index.postings), not in
# Whoosh's (indexing them twice was a third of a rebuild's time; nothing searched
# them through Whoosh). The exclusion criteria's text, never searched, is no longer
# indexed.
FORMAT = 3
TEXT_IN_WHOOSH_BELOW = 3  # formats before this one hold the text fields in Whoosh too

# One analyzer for every text field and for queries (tokenize, lowercase,
# stop words, Porter stemming).
# (Whoosh's default token pattern keeps "*" for wildcards; ours does not, so
# "lupus*" is the word lupus.)
EXPRESSION = r"\w+(\.?\w+)*"
ANALYZER = StemmingAnalyzer(expression=EXPRESSION)

_WORDS = re.compile(r"\w+(?:\.?\w+)*").findall  # EXPRESSION, its group not capturing: whole words
_STOPS, _STEM = ANALYZER.items[2], ANALYZER.items[3]
STEM_MEMO = 200_000
_stems: dict[str, str] = {}


def analyze(text: str) -> list[str]:
    """The terms :data:`ANALYZER` gives for ``text``, in order, computed in one loop.

    Whoosh passes every token through a generator per step (tokenize,
    lowercase, stop words, stem through an LFU cache), which was a third of a
    rebuild's time; this is three times faster. Documents are indexed from
    these lists, so the schema keeps Whoosh's own analyzer and an index stays
    readable by any version. Stems are memoized in a dict emptied when it
    passes :data:`STEM_MEMO` words.
    """
    stops, minsize, maxsize, ignore = _STOPS.stops, _STOPS.min, _STOPS.max, _STEM.ignore
    stems, stemfn = _stems, _STEM.stemfn
    terms = []
    for word in _WORDS(text):
        word = word.lower()
        if len(word) < minsize or (maxsize is not None and len(word) > maxsize) or word in stops:
            continue
        if word not in ignore:
            stem = stems.get(word)
            if stem is None:
                if len(stems) >= STEM_MEMO:
                    stems.clear()
                stem = stems[word] = stemfn(word)
            word = stem
        terms.append(word)
    return terms

# Text fields searched by free-text queries, with their BM25F boosts: the only
# ones indexed. Exclusion criteria are not searched (a trial that excludes
# diabetics should not be pulled in by a diabetic patient), so since format 3
# they are not indexed either.
TEXT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "conditions": 3.0,
    "interventions": 1.0,
    "summary": 1.0,
    "description": 0.5,
    "inclusion": 1.0,
}

NO_MIN_AGE = 0.0
NO_MAX_AGE = 999.0


@dataclass(frozen=True)
class Facet:
    """One filterable property of a trial.

    ``value`` computes it from the trial; ``kind`` says how it is stored:
    ``"label"`` (one of a few strings, stored as references to a table of
    them), ``"text"`` (any string), ``"number"`` (a float) or ``"bytes"``.
    ``missing`` is what a document without the facet (or a deleted one) reads as.
    """

    name: str
    kind: str
    value: Callable[[Trial], Any]
    missing: Any = ""

    def column(self) -> columns.Column:
        if self.kind == "label":
            return columns.RefBytesColumn()
        if self.kind == "number":
            return columns.NumericColumn("d", default=self.missing)
        return columns.VarBytesColumn()

    def encode(self, value: Any) -> Any:
        return value if self.kind in ("number", "bytes") else str(value).encode("utf-8")

    def decode(self, raw: Any) -> Any:
        if self.kind == "number":
            return float(raw)
        if self.kind == "bytes":
            return bytes(raw)
        return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def _points(locations: list[Location]) -> bytes:
    """(lat, lon, site number) of each located site still taking part, as float32 triples."""
    rows = [(loc.lat, loc.lon, n) for n, loc in enumerate(locations)
            if loc.lat is not None and loc.lon is not None and loc.status not in CLOSED_SITE_STATUSES]
    return np.array(rows, dtype=np.float32).tobytes() if rows else b""


# The facet table. Filters (matcher.filters.Filters) read these names.
FACETS: tuple[Facet, ...] = (
    Facet("nct_id", "text", lambda t: t.nct_id),
    Facet("status", "label", lambda t: t.overall_status.lower() or "unknown"),
    Facet("study_type", "label", lambda t: t.study_type.lower() or "unknown"),
    Facet("sex", "label", lambda t: t.sex),
    Facet("phase", "label", lambda t: ",".join(p.lower().replace("_", "") for p in t.phases) or "na"),
    Facet("country", "text", lambda t: ",".join(c.lower() for c in t.countries)),
    Facet("min_age", "number", lambda t: t.minimum_age if t.minimum_age is not None else NO_MIN_AGE, NO_MIN_AGE),
    Facet("max_age", "number", lambda t: t.maximum_age if t.maximum_age is not None else NO_MAX_AGE, NO_MAX_AGE),
    Facet("updated", "text", lambda t: t.last_update),
    Facet("points", "bytes", lambda t: _points(t.locations), b""),
)
FACET = {f.name: f for f in FACETS}


def column_name(facet: str) -> str:
    """The Whoosh field that holds ``facet``'s column (nct_id is also the unique key field)."""
    return f"f_{facet}"


def schema() -> Schema:
    """Whoosh's schema of a new generation (of :data:`FORMAT`)."""
    facet_fields = {column_name(f.name): COLUMN(f.column()) for f in FACETS}
    text_fields = {}
    if FORMAT < TEXT_IN_WHOOSH_BELOW:
        # No positions: nothing searches phrases, and BM25F needs only term frequencies
        # (positions were a third of the postings written).
        text_fields = {name: TEXT(analyzer=ANALYZER, field_boost=boost, phrase=False)
                       for name, boost in TEXT_FIELDS.items()}
        text_fields["exclusion"] = TEXT(analyzer=ANALYZER, phrase=False)
    return Schema(
        nct_id=ID(stored=True, unique=True),
        record=STORED,
        **text_fields,
        **facet_fields,
    )


def document(trial: Trial) -> dict:
    """The Whoosh document of one trial: text fields, facet columns and the whole record."""
    inclusion = " ".join(c.text for c in trial.criteria if c.section == "inclusion")
    if not trial.criteria:
        inclusion = trial.eligibility_text
    fields = {  # text fields as their analyzed terms: the postings file records them as they stand
        "nct_id": trial.nct_id,
        "title": analyze(f"{trial.brief_title} {trial.official_title}"),
        "conditions": analyze(" ".join(trial.conditions + trial.keywords + trial.mesh_terms)),
        "interventions": analyze(" ".join(trial.interventions)),
        "summary": analyze(trial.brief_summary or ""),
        "description": analyze(trial.detailed_description or ""),
        "inclusion": analyze(inclusion or ""),
        "record": zlib.compress(to_json(trial).encode("utf-8")),
    }
    for facet in FACETS:
        fields[column_name(facet.name)] = facet.encode(facet.value(trial))
    return fields


def counts_of(trial: Trial) -> Counter[str]:
    """What ``matcher stats`` adds up, for one trial: its criteria per section
    ("criteria:inclusion") and its constraints per kind ("constraints:age").
    Kept with each generation (``matcher.json``), so stats need not decode every trial."""
    counts: Counter[str] = Counter()
    for criterion in trial.criteria:
        counts["criteria:" + criterion.section] += 1
        for constraint in criterion.constraints:
            counts["constraints:" + constraint.kind] += 1
    return counts


def facets_of_trial(trial: Trial) -> dict[str, Any]:
    """The facet values of one trial, as the index reads them back."""
    return {f.name: f.value(trial) for f in FACETS}


def decode_record(record: bytes) -> Trial:
    return Trial.from_dict(json.loads(zlib.decompress(record)))


def query_terms(text: str) -> list[str]:
    """The analyzed terms of ``text``: plain words only, no query syntax."""
    return list(dict.fromkeys(analyze(text or "")))
