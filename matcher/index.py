"""The trial index: the only module that imports Whoosh.

Layout on disk::

    INDEX_DIR/
        CURRENT          name of the generation in service (replaced atomically)
        gen-<stamp>/     a complete Whoosh index
        .lock            held while a build runs

A build (fresh or update) writes a new generation beside the one in
service and only then points ``CURRENT`` at it with ``os.replace``, so a
crash or an interrupt mid-build leaves the previous generation serving.
Updating copies the current generation first and replaces trials by NCT id.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F

from .errors import IndexNotFound, MatcherError, TrialNotFound
from .filters import OPEN_STATUSES, Filters, site_points
from .geo.distance import haversine_km
from .models import CLOSED_SITE_STATUSES, Location, Trial

# One analyzer for every text field and for queries (tokenize, lowercase,
# stop words, Porter stemming).
# (Whoosh's default token pattern keeps "*" for wildcards; ours does not, so
# "lupus*" is the word lupus.)
ANALYZER = StemmingAnalyzer(expression=r"\w+(\.?\w+)*")

# Text fields searched by free-text queries, with their BM25F boosts.
# Exclusion criteria are indexed but not searched by default: a trial that
# excludes diabetics should not be pulled in by a diabetic patient.
TEXT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "conditions": 3.0,
    "interventions": 1.0,
    "summary": 1.0,
    "description": 0.5,
    "inclusion": 1.0,
}

# Statuses under which a patient can still join (matcher.filters). Like
# ClinicalTrials.gov's patient search, we prefer them: their BM25F score is
# multiplied by OPEN_STATUS_BOOST (closed trials still show, below comparable
# open ones, when a search includes them).
OPEN_STATUS_BOOST = 1.2

SCORE_CACHE_SIZE = 50_000  # (field, term) score arrays kept per open index
TRIAL_CACHE_SIZE = 8_000  # decoded trials kept per open index
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0)

NO_MIN_AGE = 0.0
NO_MAX_AGE = 999.0


def _schema() -> Schema:
    text_fields = {
        name: TEXT(analyzer=ANALYZER, field_boost=boost) for name, boost in TEXT_FIELDS.items()
    }
    return Schema(
        nct_id=ID(stored=True, unique=True),
        exclusion=TEXT(analyzer=ANALYZER),
        status=ID(stored=True),
        study_type=ID(stored=True),
        sex=ID(stored=True),
        phase=KEYWORD(commas=True, stored=True),
        country=KEYWORD(commas=True, lowercase=True, stored=True),
        min_age=NUMERIC(float, bits=64, stored=True),
        max_age=NUMERIC(float, bits=64, stored=True),
        updated=ID(stored=True),
        points=STORED,
        record=STORED,
        **text_fields,
    )


def _document(trial: Trial) -> dict:
    inclusion = " ".join(c.text for c in trial.criteria if c.section == "inclusion")
    exclusion = " ".join(c.text for c in trial.criteria if c.section == "exclusion")
    if not trial.criteria:
        inclusion = trial.eligibility_text
    record = zlib.compress(json.dumps(trial.to_dict(), ensure_ascii=False).encode("utf-8"))
    return {
        "nct_id": trial.nct_id,
        "title": f"{trial.brief_title} {trial.official_title}",
        "conditions": " ".join(trial.conditions + trial.keywords + trial.mesh_terms),
        "interventions": " ".join(trial.interventions),
        "summary": trial.brief_summary,
        "description": trial.detailed_description,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "status": trial.overall_status.lower() or "unknown",
        "study_type": trial.study_type.lower() or "unknown",
        "sex": trial.sex,
        "phase": ",".join(p.lower().replace("_", "") for p in trial.phases) or "na",
        "country": ",".join(c.lower() for c in trial.countries),
        "min_age": trial.minimum_age if trial.minimum_age is not None else NO_MIN_AGE,
        "max_age": trial.maximum_age if trial.maximum_age is not None else NO_MAX_AGE,
        "updated": trial.last_update,
        "points": _points(trial.locations),
        "record": record,
    }


def _points(locations: list[Location]) -> bytes:
    """(lat, lon, site number) of each located site still taking part, as float32 triples."""
    rows = [(loc.lat, loc.lon, n) for n, loc in enumerate(locations)
            if loc.lat is not None and loc.lon is not None and loc.status not in CLOSED_SITE_STATUSES]
    return np.array(rows, dtype=np.float32).tobytes() if rows else b""


def _decode(record: bytes) -> Trial:
    return Trial.from_dict(json.loads(zlib.decompress(record)))


def query_terms(text: str) -> list[str]:
    """The analyzed terms of ``text``: plain words only, no query syntax."""
    seen: dict[str, None] = {}
    for token in ANALYZER(text or ""):
        seen.setdefault(token.text, None)
    return list(seen)


@dataclass
class Hit:
    nct_id: str
    score: float
    trial: Trial
    docnum: int  # position in this index generation (for scores_of)


@dataclass
class BuildReport:
    indexed: int = 0
    criteria: int = 0
    total: int = 0
    generation: str = ""
    seconds: float = 0.0


class TrialIndex:
    """A read-only view of the generation in service at open time."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        generation = _current_generation(self.path)
        if generation is None:
            raise IndexNotFound(f"no index at {self.path}; build one with `matcher index`")
        self.generation = generation
        self._ix = windex.open_dir(str(self.path / generation))
        self._weighting = BM25F()
        self._score_cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._trial_cache: dict[int, Trial] = {}
        self._length_cache: dict[str, np.ndarray] = {}
        self._distance_cache: dict[tuple[float, float], np.ndarray] = {}
        self._searcher = self._ix.searcher(weighting=self._weighting)

    _facet_cache: list | None = None
    _facet_array_cache: dict | None = None
    _nct_id_cache: list | None = None

    def _facets(self) -> list[dict | None]:
        """Each document's filter fields, by document number, read once."""
        if self._facet_cache is None:
            reader = self._searcher.reader()
            keys = ("status", "study_type", "sex", "phase", "country", "min_age", "max_age", "updated", "points")
            facets: list[dict | None] = []
            for docnum in range(reader.doc_count_all()):
                if reader.is_deleted(docnum):
                    facets.append(None)
                    continue
                stored = reader.stored_fields(docnum)
                facets.append({k: stored.get(k, "") for k in keys})
            self._facet_cache = facets
        return self._facet_cache

    # -- lookups -----------------------------------------------------------
    def __len__(self) -> int:
        return self._searcher.doc_count()

    def __contains__(self, nct_id: str) -> bool:
        return self._searcher.document_number(nct_id=nct_id) is not None

    def facets_of(self, nct_id: str) -> dict:
        """The filter fields of one trial (status, phase, country, ...)."""
        docnum = self._searcher.document_number(nct_id=nct_id)
        return self._facets()[docnum] if docnum is not None else {}

    def get(self, nct_id: str) -> Trial:
        fields = self._searcher.document(nct_id=nct_id.strip().upper())
        if fields is None:
            raise TrialNotFound(f"no trial {nct_id} in the index at {self.path}")
        return _decode(fields["record"])

    def trials(self) -> Iterator[Trial]:
        for fields in self._searcher.all_stored_fields():
            yield _decode(fields["record"])

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
        which are computed once per index generation and cached: the same
        scores as a Whoosh ``Or`` query, many times faster for the long
        queries a patient description makes.
        """
        if not weights or top <= 0:
            return ([], [], 0) if count_closed else ([], [])
        total = self._total(weights, fields or TEXT_FIELDS)
        if prefer_open:
            total[self._facet_arrays()["open"]] *= OPEN_STATUS_BOOST
        candidates = np.flatnonzero(total > 0)
        keep_mask = self._allowed(candidates, filters)
        kept = self._best(candidates[keep_mask], total, top)
        gone = self._best(candidates[~keep_mask], total, removed) if removed else []
        if not count_closed:
            return kept, gone
        closed = 0
        if filters is not None and filters.open_only:  # the same scores, without the open-only default
            wider = candidates[self._allowed(candidates, filters.with_closed())]
            best = wider[np.argsort(-total[wider], kind="stable")[:top]]
            closed = int((~self._facet_arrays()["open"][best]).sum())
        return kept, gone, closed

    def scores_of(self, weights: dict[str, float], hits: list[Hit]) -> tuple[list[float], float]:
        """Each hit's BM25F score for another weighted query (no status prior),
        and the best score any trial gets for it."""
        if not weights or not hits:
            return [0.0] * len(hits), 0.0
        total = self._total(weights, TEXT_FIELDS)
        return [float(total[h.docnum]) for h in hits], float(total.max())

    def _total(self, weights: dict[str, float], fields: dict[str, float]) -> np.ndarray:
        total = np.zeros(self._searcher.reader().doc_count_all())
        for name in fields:
            for term, boost in weights.items():
                ids, scores = self._term_scores(name, term)
                if len(ids):
                    np.add.at(total, ids, boost * scores)
        return total

    def _best(self, docnums: np.ndarray, total: np.ndarray, n: int) -> list[Hit]:
        if n <= 0 or not len(docnums):
            return []
        order = sorted(docnums.tolist(), key=lambda d: -total[d])[: n * 2]
        hits = [Hit(self._nct_ids()[d], float(total[d]), self._trial(d), d) for d in order]
        hits.sort(key=lambda h: (-h.score, h.nct_id))
        return hits[:n]

    def _term_scores(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, term)
        cached = self._score_cache.get(key)
        if cached is not None:
            return cached
        reader = self._searcher.reader()
        if key not in reader:
            result = (_EMPTY_IDS, _EMPTY_SCORES)
        else:
            # BM25F exactly as whoosh.scoring.bm25, vectorized over the postings
            postings = self._searcher.postings(field, term)
            ids, tfs = [], []
            while postings.is_active():
                ids.append(postings.id())
                tfs.append(postings.weight())
                postings.next()
            id_array = np.array(ids, dtype=np.int64)
            tf = np.array(tfs, dtype=float)
            lengths = self._field_lengths(field)[id_array]
            idf = self._searcher.idf(field, term)
            avgfl = self._searcher.avg_field_length(field) or 1
            b, k1 = self._weighting.B, self._weighting.K1
            scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / avgfl)))
            if reader.has_deletions():
                live = np.array([not reader.is_deleted(d) for d in ids], dtype=bool)
                id_array, scores = id_array[live], scores[live]
            result = (id_array, scores)
        if len(self._score_cache) >= SCORE_CACHE_SIZE:
            self._score_cache.pop(next(iter(self._score_cache)))
        self._score_cache[key] = result
        return result

    def _field_lengths(self, field: str) -> np.ndarray:
        lengths = self._length_cache.get(field)
        if lengths is None:
            reader = self._searcher.reader()
            lengths = np.array([reader.doc_field_length(d, field, 1) for d in range(reader.doc_count_all())], dtype=float)
            self._length_cache[field] = lengths
        return lengths

    def _allowed(self, docnums: np.ndarray, filters: Filters | None) -> np.ndarray:
        if filters is None or filters.is_empty or not len(docnums):
            return np.ones(len(docnums), dtype=bool)
        arrays = self._facet_arrays()
        mask = np.ones(len(docnums), dtype=bool)
        if filters.age is not None:
            mask &= (arrays["min_age"][docnums] <= filters.age) & (filters.age <= arrays["max_age"][docnums])
        if filters.sex in ("female", "male"):
            sexes = arrays["sex"][docnums]
            mask &= (sexes == "all") | (sexes == filters.sex)
        if filters.open_only:
            mask &= arrays["open"][docnums]
        if filters.has_radius:
            mask &= self.distances(filters.near)[docnums] <= filters.within_km
        if filters.status or filters.phase or filters.country or filters.study_type:
            facets = self._facets()
            narrowed = Filters(status=filters.status, phase=filters.phase, country=filters.country,
                               study_type=filters.study_type, include_closed=True)
            mask &= np.array([facets[d] is not None and narrowed.allows(facets[d]) for d in docnums.tolist()], dtype=bool)
        return mask

    def distances(self, point: tuple[float, float]) -> np.ndarray:
        """Each document's distance in km from ``point`` to its nearest located,
        enrolling site (inf when it has none)."""
        cached = self._distance_cache.get(point)
        if cached is not None:
            return cached
        arrays = self._facet_arrays()
        out = np.full(len(arrays["open"]), np.inf)
        if len(arrays["site_doc"]):
            km = haversine_km(arrays["site_lat"], arrays["site_lon"], *point)
            np.minimum.at(out, arrays["site_doc"], km)
        if len(self._distance_cache) >= 64:
            self._distance_cache.pop(next(iter(self._distance_cache)))
        self._distance_cache[point] = out
        return out

    def data_date(self) -> str:
        """The newest last-update date of any trial in the index ("" if none is known)."""
        return max((f["updated"] for f in self._facets() if f and f.get("updated")), default="")

    def _facet_arrays(self) -> dict[str, np.ndarray]:
        if self._facet_array_cache is None:
            facets = self._facets()
            blank = {"min_age": NO_MIN_AGE, "max_age": -1.0, "sex": "", "status": ""}
            rows = [f or blank for f in facets]
            self._facet_array_cache = {
                "min_age": np.array([r["min_age"] for r in rows], dtype=float),
                "max_age": np.array([r["max_age"] for r in rows], dtype=float),
                "sex": np.array([r["sex"] for r in rows], dtype=object),
                "open": np.array([r["status"] in OPEN_STATUSES for r in rows], dtype=bool),
            }
            located = [(d, site_points(f["points"])) for d, f in enumerate(facets) if f and f.get("points")]
            self._facet_array_cache["site_doc"] = np.concatenate(
                [np.full(len(p), d, dtype=np.int64) for d, p in located]) if located else np.zeros(0, np.int64)
            self._facet_array_cache["site_lat"] = np.concatenate(
                [p[:, 0] for _, p in located]).astype(float) if located else np.zeros(0)
            self._facet_array_cache["site_lon"] = np.concatenate(
                [p[:, 1] for _, p in located]).astype(float) if located else np.zeros(0)
        return self._facet_array_cache

    def _nct_ids(self) -> list[str]:
        if self._nct_id_cache is None:
            reader = self._searcher.reader()
            self._nct_id_cache = [
                "" if reader.is_deleted(d) else reader.stored_fields(d)["nct_id"] for d in range(reader.doc_count_all())
            ]
        return self._nct_id_cache

    def _trial(self, docnum: int) -> Trial:
        """The stored trial, decoded once and kept (a few thousand at most)."""
        trial = self._trial_cache.get(docnum)
        if trial is None:
            trial = _decode(self._searcher.stored_fields(docnum)["record"])
            if len(self._trial_cache) >= TRIAL_CACHE_SIZE:
                self._trial_cache.pop(next(iter(self._trial_cache)))
            self._trial_cache[docnum] = trial
        return trial

    def stats(self) -> dict:
        statuses: Counter[str] = Counter()
        sections: Counter[str] = Counter()
        constraints: Counter[str] = Counter()
        n = 0
        for trial in self.trials():
            n += 1
            statuses[trial.overall_status or "UNKNOWN"] += 1
            for c in trial.criteria:
                sections[c.section] += 1
                for con in c.constraints:
                    constraints[con.kind] += 1
        return {
            "path": str(self.path),
            "generation": self.generation,
            "trials": n,
            "criteria": sum(sections.values()),
            "inclusion_criteria": sections["inclusion"],
            "exclusion_criteria": sections["exclusion"],
            "constraints": sum(constraints.values()),
            "constraints_by_kind": dict(constraints.most_common()),
            "status": dict(statuses.most_common()),
            "open_to_enrolment": sum(statuses[s.upper()] for s in OPEN_STATUSES),
            "data_date": self.data_date(),
        }

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def __enter__(self) -> "TrialIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- generations ---------------------------------------------------------------
def _current_generation(root: Path) -> str | None:
    try:
        name = (root / "CURRENT").read_text().strip()
    except OSError:
        return None
    if name and (root / name).is_dir() and windex.exists_in(str(root / name)):
        return name
    return None


def index_exists(path: str | os.PathLike) -> bool:
    return _current_generation(Path(path)) is not None


@contextmanager
def exclusive(root: Path, name: str = ".lock", busy: str = "another build is running on {root}",
              error: type[MatcherError] = MatcherError) -> Iterator[None]:
    """Hold the lock file ``root/name`` for the block, or raise ``error(busy)``
    at once if another process holds it (builds use ``.lock``; syncs their own)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / name, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise error(busy.format(root=root)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link when the file system allows one (segment files are never changed in place), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_in(root: Path, generation: str) -> None:
    tmp = root / f"CURRENT.{os.getpid()}.tmp"
    tmp.write_text(generation + "\n")
    with open(tmp) as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / "CURRENT")


def _remove_stale(root: Path, keep: set[str]) -> None:
    """Delete generations not in service; keep the previous one for open readers."""
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in root.glob("CURRENT.*.tmp"):
        tmp.unlink(missing_ok=True)


def build_index(
    path: str | os.PathLike,
    trials: Iterable[Trial],
    *,
    update: bool = True,
    on_trial: Callable[[Trial], None] | None = None,
    optimize: bool | None = None,
) -> BuildReport:
    """Write ``trials`` into a new generation and swap it in.

    With ``update`` (the default) the trials already in service are kept and
    trials with the same NCT id are replaced; otherwise the new generation
    holds only ``trials``. Nothing is swapped in unless the whole build
    succeeds.

    An update starts from hard links to the generation in service (Whoosh
    never rewrites a segment file: deletions live in the table of contents)
    and adds a segment, which Whoosh's merge policy folds into others as
    they accumulate; ``optimize`` merges everything into one segment
    (default: only for a fresh build). So applying a day's updates costs
    what they cost, not a rewrite of the whole index.
    """
    optimize = not (update and _current_generation(Path(path))) if optimize is None else optimize
    root = Path(path)
    started = time.perf_counter()
    report = BuildReport()
    with exclusive(root):
        current = _current_generation(root)
        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**9:09d}"
        target = root / generation
        try:
            if update and current:
                shutil.copytree(root / current, target, copy_function=_link_or_copy)
                ix = windex.open_dir(str(target))
            else:
                target.mkdir(parents=True)
                ix = windex.create_in(str(target), _schema())
            # Whoosh cannot replace a document added by the same uncommitted
            # writer, so duplicates within one build are resolved here: the
            # last record of an NCT id wins.
            documents: dict[str, dict] = {}
            criteria: dict[str, int] = {}
            for trial in trials:
                documents[trial.nct_id] = _document(trial)
                criteria[trial.nct_id] = len(trial.criteria)
                if on_trial:
                    on_trial(trial)
            report.indexed = len(documents)
            report.criteria = sum(criteria.values())
            writer = ix.writer(limitmb=256)
            try:
                for document in documents.values():
                    writer.update_document(**document)
                writer.commit(optimize=optimize)
            except BaseException:
                writer.cancel()
                raise
            report.total = ix.doc_count()
            ix.close()
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _swap_in(root, generation)
        report.generation = generation
        _remove_stale(root, keep={generation, current or ""})
    report.seconds = time.perf_counter() - started
    return report
