"""The trial index: the only package that imports Whoosh.

- :mod:`.schema`: what a trial becomes in the index; the facet table;
- :mod:`.columns`: whole facet columns, field lengths and postings as arrays;
- :mod:`.postings`: each segment's postings file, written with it and memory-mapped;
- :mod:`.store`: generations on disk and the build lock;
- :mod:`.writer`: streaming trials into a new generation;
- :mod:`.reader`: :class:`TrialIndex`, searching one generation.
"""
from .reader import OPEN_STATUS_BOOST, TRIAL_CACHE_SIZE, Hit, TrialIndex
from .schema import ANALYZER, FACETS, TEXT_FIELDS, query_terms
from .store import exclusive, index_exists
from .writer import BuildReport, build_index

__all__ = [
    "ANALYZER", "FACETS", "OPEN_STATUS_BOOST", "TEXT_FIELDS", "TRIAL_CACHE_SIZE", "BuildReport", "Hit",
    "TrialIndex", "build_index", "exclusive", "index_exists", "query_terms",
]
