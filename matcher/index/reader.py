"""Searching one index generation: BM25F over whole arrays, facet filters, stored trials."""
from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import log
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as windex
from whoosh.scoring import BM25F

from ..errors import IndexDamaged, IndexNotFound, TrialNotFound
from ..filters import LIST_FILTERS, OPEN_STATUSES, Filters, site_points
from ..geo.distance import haversine_km
from ..models import Trial
from . import columns
from . import postings as segment_postings
from .schema import (
    FACET,
    FACETS,
    FORMAT,
    NO_MIN_AGE,
    TEXT_FIELDS,
    TEXT_IN_WHOOSH_BELOW,
    column_name,
    counts_of,
    decode_record,
    query_terms,
)
from .store import allow_open_files, current_generation, read_info

# Statuses under which a patient can still join (matcher.filters). Like
# ClinicalTrials.gov's patient search, we prefer them: their BM25F score is
# multiplied by OPEN_STATUS_BOOST (closed trials still show, below comparable
# open ones, when a search includes them).
OPEN_STATUS_BOOST = 1.2

# (field, term) score arrays kept per open index. A term's array grows with the
# trials holding it, so the cache grows with the index (4 KB a trial, the share
# that served 70,000 trials well), else it holds ever fewer terms: at 300,000
# trials a fixed 256 MB held less than the 302 MB the 50 TREC topics' terms
# need, and warm searches read postings again (p95 789 ms; 129 ms with room).
SCORE_CACHE_BYTES = 256 * 2**20  # at least
SCORE_CACHE_BYTES_PER_TRIAL = 4 * 2**10
TRIAL_CACHE_BYTES = 24 * 2**20  # decoded trials kept per open index, counted by their stored (compressed) size
TRIAL_CACHE_SIZE = 8_000  # about that many trials (the ranker sizes its own caches by it)
FACETS_CACHE_BYTES = 16 * 2**20  # the facets of trials shown (a result's site points can be kilobytes)
DISTANCE_CACHE_BYTES = 64 * 2**20  # distance arrays kept (8 bytes a trial per place searched from)
FEW_IDS = 200  # ties at a cut broken by reading these NCT ids one by one (below a millisecond each)
WHERE_CACHE_BYTES = 16 * 2**20  # facet filter masks kept (a byte a trial per distinct filter)
# a term in at least this share of the trials has its scores held densely, a float
# per trial (8 bytes a trial against 16 a posting: at most twice the memory, less
# above half), and is added in one contiguous pass rather than scattered posting
# by posting (at 600,000 trials, a patient's 5 million postings summed in 29-35 ms, not 47-61)
DENSE_SHARE = 0.25
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))


@dataclass
class Hit:
    nct_id: str
    score: float
    trial: Trial
    docnum: int  # position in this index generation (for scores_of)


class _BoundedCache(dict):
    """A dict that forgets its oldest entries beyond ``limit`` bytes, each entry costing what ``put`` says."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.size = limit, 0
        self._costs: dict[Any, int] = {}
        self._lock = threading.Lock()

    def put(self, key: Any, value: Any, cost: int | None = None) -> None:
        cost = (sum(a.nbytes for a in value) if cost is None else cost) + 100  # default: a tuple of arrays
        with self._lock:
            if key in self:
                return
            while self and self.size + cost > self.limit:
                oldest = next(iter(self))
                self.pop(oldest)
                self.size -= self._costs.pop(oldest)
            self[key] = value
            self._costs[key] = cost
            self.size += cost


class TrialIndex:
    """A read-only view of the generation in service at open time.

    Safe to share between threads: its caches only ever gain complete
    entries, and reads from Whoosh's files (which seek) take ``_io``; scoring
    and filtering over cached arrays run in parallel.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        generation = current_generation(self.path)
        if generation is None:
            raise IndexNotFound(f"no index at {self.path}; build one with `matcher index`")
        self.generation = generation
        self.format = read_info(self.path / generation).get("format", 1)
        allow_open_files(self.path / generation)
        self._ix = windex.open_dir(str(self.path / generation))
        self._weighting = BM25F()
        self._searcher = self._ix.searcher(weighting=self._weighting)
        self._reader = self._searcher.reader()
        self._doc_count = self._reader.doc_count_all()
        self._leaves = columns.Leaves(self._reader)
        segments = [r.segment() for r, _ in self._reader.leaf_readers()]
        self._postings = segment_postings.open_all(self.path / generation, segments)
        if self.format >= TEXT_IN_WHOOSH_BELOW:  # the text is in the postings files only
            unreadable = [s.segment_id() for s, f in zip(segments, self._postings)
                          if f is None or any(f.length_codes(name) is None for name in TEXT_FIELDS)]
            if unreadable:
                self.close()
                raise IndexDamaged(
                    f"the index at {self.path} is damaged: the postings of segment {unreadable[0]} "
                    f"({segment_postings.path_for(self.path / generation, unreadable[0]).name}) are missing or "
                    "unreadable, so its trials cannot be searched; rebuild it with `matcher index --rebuild`")
        self._score_cache = _BoundedCache(max(SCORE_CACHE_BYTES, SCORE_CACHE_BYTES_PER_TRIAL * self._doc_count))
        self._trial_cache = _BoundedCache(TRIAL_CACHE_BYTES)
        self._length_cache: dict[str, np.ndarray] = {}
        self._averages: dict[str, float] = {}
        self._distance_cache = _BoundedCache(DISTANCE_CACHE_BYTES)
        self._where_cache = _BoundedCache(WHERE_CACHE_BYTES)
        self._facets_cache = _BoundedCache(FACETS_CACHE_BYTES)
        self._facet_cache: dict[str, Any] = {}  # facet arrays, and values derived from them
        self._stored_facets: list[dict | None] | None = None
        self._deleted: np.ndarray | None = None
        self._io = threading.RLock()

    # -- facets ------------------------------------------------------------
    def facet(self, name: str) -> np.ndarray:
        """One facet for every document number (deleted documents read as missing)."""
        found = self._facet_cache.get(name)
        if found is not None:
            return found
        with self._io:
            found = self._read_facet(name)
        self._facet_cache[name] = found
        return found

    def _read_facet(self, name: str) -> np.ndarray:
        facet = FACET[name]
        if self.format < 2:  # an index written before facets were columns
            rows = self._facets_from_stored()
            found = np.array([r[name] if r else facet.missing for r in rows],
                             dtype=float if facet.kind == "number" else object)
        elif facet.kind == "number":
            found = columns.numbers(self._leaves, column_name(name), facet.column(), facet.missing)
        elif facet.kind == "label":
            found = columns.labels(self._leaves, column_name(name), facet.column(), facet.decode, facet.missing)
        elif facet.kind == "text":
            raw = columns.texts(self._leaves, column_name(name), facet.column())
            found = np.empty(len(raw), dtype=object)
            found[:] = raw
        else:
            raw = columns.values(self._leaves, column_name(name), facet.column())
            found = np.empty(len(raw), dtype=object)
            found[:] = [facet.decode(v) for v in raw]
        if facet.kind != "number":
            found[self._deleted_mask()] = facet.missing
        return found

    def _facet_value(self, name: str, docnum: int) -> Any:
        cached = self._facet_cache.get(name)
        if cached is not None:
            return cached[docnum]
        facet = FACET[name]
        with self._io:
            if self.format < 2:
                row = self._facets_from_stored()[docnum]
                return row[name] if row else facet.missing
            return facet.decode(columns.value(self._leaves, column_name(name), facet.column(), docnum))

    def _deleted_mask(self) -> np.ndarray:
        if self._deleted is None:
            with self._io:
                self._deleted = columns.deleted_mask(self._reader)
        return self._deleted

    def _facets_from_stored(self) -> list[dict | None]:
        """Format 1: each document's facets from its stored fields (slow; read once)."""
        if self._stored_facets is None:
            rows: list[dict | None] = []
            for docnum in range(self._doc_count):
                if self._reader.is_deleted(docnum):
                    rows.append(None)
                    continue
                stored = self._reader.stored_fields(docnum)
                rows.append({f.name: stored.get(f.name, f.missing) for f in FACETS})
            self._stored_facets = rows
        return self._stored_facets

    def facets_of(self, hit: Hit | str) -> dict:
        """The filter fields of one trial (status, phase, country, ...), by hit or NCT id."""
        if isinstance(hit, Hit):
            docnum = hit.docnum
        else:
            with self._io:
                docnum = self._searcher.document_number(nct_id=hit)
        if docnum is None:
            return {}
        found = self._facets_cache.get(docnum)
        if found is None:
            found = {f.name: self._facet_value(f.name, docnum) for f in FACETS}
            cost = sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in found.values())
            self._facets_cache.put(docnum, found, cost=cost)
        return dict(found)

    # -- lookups -----------------------------------------------------------
    def __len__(self) -> int:
        return self._searcher.doc_count()

    def __contains__(self, nct_id: str) -> bool:
        with self._io:
            return self._searcher.document_number(nct_id=nct_id) is not None

    def get(self, nct_id: str) -> Trial:
        with self._io:
            fields = self._searcher.document(nct_id=nct_id.strip().upper())
        if fields is None:
            raise TrialNotFound(f"no trial {nct_id} in the index at {self.path}")
        return decode_record(fields["record"])

    def trials(self) -> Iterator[Trial]:
        for fields in self._searcher.all_stored_fields():
            yield decode_record(fields["record"])

    # -- search ------------------------------------------------------------
    def search(
        self,
        text: str,
        *,
        top: int = 10,
        filters: Filters | None = None,
        fields: dict[str, float] | None = None,
        prefer_open: bool = True,
    ) -> list[Hit]:
        """Rank trials for ``text`` by BM25F over the text fields.

        ``text`` is treated as plain words: Whoosh query syntax (AND, OR,
        NOT, wildcards, fields, quotes, boosts) has no effect. With
        ``prefer_open``, trials still open to enrolment get the
        ``OPEN_STATUS_BOOST`` prior.
        """
        weights = {term: 1.0 for term in query_terms(text)}
        kept, _ = self.search_split(weights, top=top, filters=filters, fields=fields, prefer_open=prefer_open)
        return kept

    def search_split(
        self,
        weights: dict[str, float],
        *,
        top: int = 10,
        filters: Filters | None = None,
        fields: dict[str, float] | None = None,
        prefer_open: bool = False,
        removed: int = 0,
        count_closed: bool = False,
    ) -> tuple[list[Hit], list[Hit]] | tuple[list[Hit], list[Hit], int]:
        """The ``top`` hits the filters keep, and the best ``removed`` hits they remove;
        with ``count_closed``, also how many of the best ``top`` would be trials no
        longer enrolling that only the filters' open-to-enrolment default left out.

        BM25F is summed term at a time from per-(field, term) score arrays,
        computed on first use from the term's postings and cached (bounded in
        bytes): the same scores as a Whoosh ``Or`` query, many times faster
        for the long queries a patient description makes.
        """
        unknown = sorted(set(fields or ()) - set(TEXT_FIELDS))
        if unknown:  # "exclusion" among them: its text is not indexed (it would find nothing, silently)
            raise ValueError(f"cannot search {', '.join(unknown)}: the searched fields are {', '.join(TEXT_FIELDS)}")
        if not weights or top <= 0:
            return ([], [], 0) if count_closed else ([], [])
        total = self._total(weights, fields or TEXT_FIELDS)
        if prefer_open:
            total[self._open()] *= OPEN_STATUS_BOOST
        candidates = np.flatnonzero(total > 0)
        keep_mask = self._allowed(candidates, filters)
        kept = self._best(candidates[keep_mask], total, top)
        gone = self._best(candidates[~keep_mask], total, removed) if removed else []
        if not count_closed:
            return kept, gone
        closed = 0
        if filters is not None and filters.open_only:  # the same scores, without the open-only default
            wider = candidates[self._allowed(candidates, filters.with_closed())]
            best = wider[self._leading(wider, total[wider], top)]
            closed = int((~self._open()[best]).sum())
        return kept, gone, closed

    def scores_of(self, weights: dict[str, float], hits: list[Hit]) -> tuple[list[float], float]:
        """Each hit's BM25F score for another weighted query (no status prior),
        and the best score any trial gets for it."""
        if not weights or not hits:
            return [0.0] * len(hits), 0.0
        total = self._total(weights, TEXT_FIELDS)
        return [float(total[h.docnum]) for h in hits], float(total.max())

    def _total(self, weights: dict[str, float], fields: dict[str, float]) -> np.ndarray:
        """Every document's BM25F score for ``weights``: each (field, term)'s scores times
        its weight, added in the order of ``fields`` then ``weights``.

        Each document's parts are added one by one in that order, so the sums are the
        same floats however a term's scores are held (sparse or dense) and rankings
        and ties cannot move. A term held densely is added as a whole array: adding
        the zeros of the trials without it is cheaper than scattering its postings.
        """
        total: np.ndarray | None = None
        ids: list[np.ndarray] = []  # the leading sparse parts, summed in one C pass
        parts: list[np.ndarray] = []
        scaled = None
        keys = [(name, term) for name in fields for term in weights]
        for (name, term), held in zip(keys, self._term_scores_many(keys)):
            boost = weights[term]  # x * 1.0 is x, bit for bit
            if len(held) == 1:  # dense
                if total is None:
                    total = self._start(ids, parts)
                if boost == 1.0:
                    total += held[0]
                else:
                    scaled = np.multiply(held[0], boost, out=scaled)
                    total += scaled
            elif len(held[0]):
                found, scores = held
                if total is None:
                    ids.append(found)
                    parts.append(scores if boost == 1.0 else boost * scores)
                else:
                    total[found] += scores if boost == 1.0 else boost * scores
        return self._start(ids, parts) if total is None else total

    def _start(self, ids: list[np.ndarray], parts: list[np.ndarray]) -> np.ndarray:
        if not ids:
            return np.zeros(self._doc_count)
        # one pass in C, adding each document's parts in list order
        return np.bincount(np.concatenate(ids), np.concatenate(parts), minlength=self._doc_count)

    def _best(self, docnums: np.ndarray, total: np.ndarray, n: int) -> list[Hit]:
        if n <= 0 or not len(docnums):
            return []
        scores = total[docnums]
        if len(docnums) > n * 2:  # the best 2n, then the best n of them by (score, NCT id)
            best = self._leading(docnums, scores, n * 2)
            docnums, scores = docnums[best], scores[best]
        ranked = sorted((-s, self._facet_value("nct_id", d), d) for d, s in zip(docnums.tolist(), scores.tolist()))
        # only the kept ones are decoded (a stored trial is the costly part of a hit)
        return [Hit(nct_id, -s, self._trial(d), d) for s, nct_id, d in ranked[:n]]

    def _leading(self, docnums: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
        """Positions of the ``k`` highest ``scores``, ties at the cut broken by NCT id.

        Not by document number: a build writes trials into segments in whatever
        order its worker processes finish them, and the same trials must give
        the same results however they were laid out.
        """
        if len(scores) <= k:
            return np.arange(len(scores))
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > cut)
        tied = np.flatnonzero(scores == cut)
        if len(above) + len(tied) > k:
            ids = self._nct_ids(docnums[tied])
            tied = tied[np.argsort(ids, kind="stable")[: k - len(above)]]
        return np.concatenate([above, tied])

    def _nct_ids(self, docnums: np.ndarray) -> np.ndarray:
        """The NCT ids of ``docnums``: one by one when they are few and the column is
        not loaded yet (at 600,000 trials reading it whole takes about 0.3 s)."""
        if "nct_id" in self._facet_cache or len(docnums) > FEW_IDS:
            return self.facet("nct_id")[docnums]
        out = np.empty(len(docnums), dtype=object)
        out[:] = [self._facet_value("nct_id", int(d)) for d in docnums]
        return out

    def _term_scores_many(self, keys: list[tuple[str, str]]) -> list[tuple[np.ndarray, ...]]:
        """The BM25F scores of each (field, term), from the cache or computed (the
        missing ones' postings read together, a segment at a time): ``(ids, scores)``,
        or ``(dense,)``, a score for every document, for a term in at least
        ``DENSE_SHARE`` of them."""
        found = {key: self._score_cache.get(key) for key in keys}
        missing = [key for key, cached in found.items() if cached is None]
        if missing:
            deleted = self._deleted_mask()
            with self._io:
                read = columns.postings_many(self._reader, missing, deleted, files=self._postings)
                averages = {field: self._average_length(field) for field in {field for field, _ in missing}}
            b, k1 = self._weighting.B, self._weighting.K1
            for key, (ids, tf, frequency) in zip(missing, read):
                if not frequency:
                    result = _EMPTY
                else:
                    # Whoosh's idf (WeightingModel.idf), from the same document frequency, and
                    # BM25F exactly as whoosh.scoring.bm25, vectorized over the postings
                    idf = log(self._doc_count / (frequency + 1)) + 1
                    lengths, avgfl = self._field_lengths(key[0]), averages[key[0]]
                    result = (ids, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths[ids] / avgfl))))
                    if len(ids) >= DENSE_SHARE * self._doc_count:
                        dense = np.zeros(self._doc_count)
                        dense[ids] = result[1]
                        result = (dense,)
                    else:  # its own copy: ``ids`` is a view of all the keys' postings read together
                        result = (ids.copy(), result[1])
                self._score_cache.put(key, result)
                found[key] = result
        return [found[key] for key in keys]

    def _average_length(self, field: str) -> float:
        """Whoosh's average length of ``field`` (1 for an empty field), asked once:
        Whoosh sums it over every segment at each call."""
        found = self._averages.get(field)
        if found is None:
            # Whoosh's avg_field_length: the total over all documents, deleted ones included
            with self._io:
                total = columns.total_length(self._reader, field, self._postings)
            found = self._averages[field] = (total / (self._doc_count or 1)) or 1
        return found

    def _field_lengths(self, field: str) -> np.ndarray:
        lengths = self._length_cache.get(field)
        if lengths is None:
            with self._io:
                lengths = columns.field_lengths(self._reader, field, self._postings)
            self._length_cache[field] = lengths
        return lengths

    def _open(self) -> np.ndarray:
        return self._where("status", lambda v: v in OPEN_STATUSES)

    def _allowed(self, docnums: np.ndarray, filters: Filters | None) -> np.ndarray:
        if filters is None or filters.is_empty or not len(docnums):
            return np.ones(len(docnums), dtype=bool)
        # each filter over every document (contiguous arrays), then one gather: at 600,000
        # trials a patient's words reach most of them, and a gather per filter cost more
        mask = ~self._deleted_mask()
        if filters.age is not None:
            mask &= self.facet("min_age") <= filters.age
            mask &= filters.age <= self.facet("max_age")
        if filters.sex in ("female", "male"):
            mask &= self._where("sex", lambda v: v in ("all", filters.sex))
        if filters.open_only:
            mask &= self._open()
        if filters.has_radius:
            mask &= self.distances(filters.near) <= filters.within_km
        for spec in LIST_FILTERS:
            if getattr(filters, spec.name):
                mask &= self._where(spec.name, lambda v, spec=spec: filters.list_allows(spec, v))
        return mask[docnums]

    def _where(self, name: str, allows: Callable[[Any], bool]) -> np.ndarray:
        """Whether each document's ``name`` facet passes ``allows``, asked once per
        distinct value (a few dozen, however many trials) rather than once per trial."""
        values, codes = self._distinct(name)
        verdicts = np.fromiter((bool(allows(v)) for v in values), dtype=bool, count=len(values))
        key = (name, verdicts.tobytes())
        found = self._where_cache.get(key)
        if found is None:
            found = verdicts[codes]
            self._where_cache.put(key, found, cost=found.nbytes)
        return found

    def _distinct(self, name: str) -> tuple[list[Any], np.ndarray]:
        """A label or text facet's distinct values, and each document's value as an index into them."""
        key = f"{name}#distinct"
        found = self._facet_cache.get(key)
        if found is None:
            numbers: dict[Any, int] = {}
            codes = np.fromiter((numbers.setdefault(v, len(numbers)) for v in self.facet(name)),
                                dtype=np.int32, count=self._doc_count)
            found = self._facet_cache[key] = (list(numbers), codes)
        return found

    def distances(self, point: tuple[float, float]) -> np.ndarray:
        """Each document's distance in km from ``point`` to its nearest located,
        enrolling site (inf when it has none)."""
        cached = self._distance_cache.get(point)
        if cached is not None:
            return cached
        sites = self._sites()
        out = np.full(self._doc_count, np.inf)
        if len(sites["doc"]):
            km = haversine_km(sites["lat"], sites["lon"], *point)
            np.minimum.at(out, sites["doc"], km)
        self._distance_cache.put(point, out, cost=out.nbytes)
        return out

    def _sites(self) -> dict[str, np.ndarray]:
        """Every located, enrolling site of every trial, as flat arrays."""
        if "site_doc" not in self._facet_cache:
            located = [(d, site_points(p)) for d, p in enumerate(self.facet("points")) if p]
            self._facet_cache["site_lat"] = np.concatenate(
                [p[:, 0] for _, p in located]).astype(float) if located else np.zeros(0)
            self._facet_cache["site_lon"] = np.concatenate(
                [p[:, 1] for _, p in located]).astype(float) if located else np.zeros(0)
            self._facet_cache["site_doc"] = np.concatenate(
                [np.full(len(p), d, dtype=np.int64) for d, p in located]) if located else np.zeros(0, np.int64)
        return {"doc": self._facet_cache["site_doc"], "lat": self._facet_cache["site_lat"],
                "lon": self._facet_cache["site_lon"]}

    def data_date(self) -> str:
        """The newest last-update date of any trial in the index ("" if none is known); read once."""
        found = self._facet_cache.get("data_date")
        if found is None:
            found = read_info(self.path / self.generation).get("data_date")  # kept by the build
            if found is None:  # a generation written before builds kept it
                found = max((u for u in self.facet("updated") if u), default="")
            self._facet_cache["data_date"] = found
        return found

    def _trial(self, docnum: int) -> Trial:
        """The stored trial, decoded once and kept (``TRIAL_CACHE_BYTES`` of them at most)."""
        trial = self._trial_cache.get(docnum)
        if trial is None:
            with self._io:
                record = self._searcher.stored_fields(docnum)["record"]
            trial = decode_record(record)
            self._trial_cache.put(docnum, trial, cost=len(record))
        return trial

    def stats(self) -> dict:
        """Counts of trials by status, of criteria and of constraints by kind.

        Statuses come from the status column; criteria and constraints from the
        counts the build kept (``matcher.json``), else, for a generation
        written before builds kept them, by decoding every trial.
        """
        counts = read_info(self.path / self.generation).get("counts")
        if counts is None:
            counts = Counter()
            for trial in self.trials():
                counts.update(counts_of(trial))
        live = ~self._deleted_mask()
        statuses = Counter(s.upper() for s in self.facet("status")[live])
        kinds = Counter({k.removeprefix("constraints:"): n for k, n in counts.items() if k.startswith("constraints:")})
        inclusion, exclusion = counts.get("criteria:inclusion", 0), counts.get("criteria:exclusion", 0)
        return {
            "path": str(self.path),
            "generation": self.generation,
            "trials": int(live.sum()),
            "criteria": inclusion + exclusion,
            "inclusion_criteria": inclusion,
            "exclusion_criteria": exclusion,
            "constraints": sum(kinds.values()),
            "constraints_by_kind": dict(kinds.most_common()),
            "status": dict(statuses.most_common()),
            "open_to_enrolment": sum(statuses[s.upper()] for s in OPEN_STATUSES),
            "data_date": self.data_date(),
        }

    def close(self) -> None:
        for file in self._postings:
            if file is not None:
                file.close()
        self._searcher.close()
        self._ix.close()

    def __enter__(self) -> TrialIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["FORMAT", "NO_MIN_AGE", "OPEN_STATUS_BOOST", "TRIAL_CACHE_SIZE", "Hit", "TrialIndex"]
