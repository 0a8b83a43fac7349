"""The Python API for sites that embed matcher: one object, and the only way in.

    from matcher.service import Matcher

    m = Matcher("/path/to/index")           # or Matcher() for the default index
    found = m.search("A 34-year-old woman with refractory lupus ...", top=10)
    found.to_dict()                          # {"patient": ..., "results": [...], "questions": [...]}
    m.explain("NCT05858684", patient={"age": 34, "sex": "female", "conditions": ["lupus"]}).to_dict()
    m.trial("NCT05858684")                   # the stored Trial
    m.stats()                                # counts, the data's date

The CLI and the HTTP API call exactly these methods, so their answers agree.
Patient text and forms are read in memory only: nothing is logged or written.

``Matcher()`` with no path uses the default index; if it is not built yet,
the first call that needs it builds it from the bundled corpus, while calls
about one trial (``trial``, ``explain``) read that trial from the bundled
corpus directly. ``Matcher(path)`` with a path that holds no index raises
:class:`~matcher.errors.IndexNotFound` at once, before any model is loaded.
"""
from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config
from .errors import MatcherError, TrialNotFound
from .filters import FilterError, Filters
from .index import TrialIndex, index_exists

if TYPE_CHECKING:
    from .eligibility import Explanation
    from .ingest import IngestReport
    from .models import Criterion, Patient, Trial
    from .ranking import SearchResults


# A made-up patient whose reading and judging go through what is loaded on first use:
# a place, a misspelled condition (the spelling index), a lab value with its unit, a drug.
WARM_UP_TEXT = "A 50-year-old woman in Boston with breast cancer and hipertension, hemoglobin 11 g/dL, taking tamoxifen."


class Matcher:
    """A read-only matcher over one index. Safe to share between threads."""

    def __init__(
        self,
        index_path: str | os.PathLike | None = None,
        *,
        on_build: Callable[[], Any] | None = None,
    ):
        self.default = index_path is None
        self.index_path = Path(index_path) if index_path is not None else config.default_index_path()
        self._on_build = on_build
        self._lock = threading.RLock()  # guards which generation is in service, not its use
        self._index: TrialIndex | None = None
        self._users: dict[int, int] = {}  # id(generation) -> requests using it now
        self._retired: dict[int, TrialIndex] = {}  # replaced generations still in use
        if not self.default or index_exists(self.index_path):
            self._index = TrialIndex(self.index_path)  # IndexNotFound for a path with no index

    # -- the index -------------------------------------------------------------
    @property
    def index(self) -> TrialIndex:
        """The index in service; the default one is built on first use."""
        with self._lock:
            if self._index is None:
                if not index_exists(self.index_path):
                    self._build_default()
                self._index = TrialIndex(self.index_path)
            return self._index

    def _build_default(self) -> IngestReport:
        from .ingest import default_jobs, ingest

        corpus = config.default_corpus_path()
        if not corpus.exists():
            raise MatcherError(f"no index at {self.index_path} and no bundled corpus at {corpus}; "
                               "run `matcher index SOURCE`")
        on_trial = (lambda _trial: self._on_build()) if self._on_build else None
        report = ingest([corpus], self.index_path, update=False, on_trial=on_trial, jobs=default_jobs())
        if report.build is None:
            raise MatcherError(f"the bundled corpus {corpus} holds no usable trial")
        return report

    @property
    def built(self) -> bool:
        """Whether an index is in service (the default one may not be built yet)."""
        return self._index is not None or index_exists(self.index_path)

    @property
    def generation(self) -> str:
        return self.index.generation

    @contextmanager
    def _using(self) -> Iterator[TrialIndex]:
        """The generation in service, kept open until the block ends even if a
        reload replaces it meanwhile (requests run in parallel, lock-free)."""
        with self._lock:
            index = self.index
            self._users[id(index)] = self._users.get(id(index), 0) + 1
        try:
            yield index
        finally:
            with self._lock:
                left = self._users[id(index)] - 1
                if left:
                    self._users[id(index)] = left
                else:
                    del self._users[id(index)]
                    retired = self._retired.pop(id(index), None)
                    if retired is not None:
                        retired.close()

    def reload(self) -> bool:
        """Switch to a newer index generation if one was swapped in; True if it did.
        Requests still using the old one finish on it; it closes after the last."""
        fresh = TrialIndex(self.index_path)
        with self._lock:
            if self._index is not None and fresh.generation == self._index.generation:
                fresh.close()
                return False
            old, self._index = self._index, fresh
            if old is not None and id(old) in self._users:
                self._retired[id(old)] = old
                old = None
        if old is not None:
            old.close()
        return True

    # -- patients ----------------------------------------------------------------
    def patient(self, text: str | None = None, form: Mapping[str, Any] | None = None) -> Patient:
        """What matcher reads from free ``text`` and/or a ``form`` (see :mod:`matcher.form`)."""
        from .patient import read_patient

        return read_patient(text, form)

    def warm_up(self) -> None:
        """Load now what the first search would load on the way (the language pipeline, the
        spelling index, places, units, the index's arrays): a server calls this at start, so
        its first patients wait no longer than later ones. Searches a made-up patient."""
        self.search(WARM_UP_TEXT, top=1)

    def search(
        self,
        text: str | None = None,
        *,
        patient: Mapping[str, Any] | None = None,
        top: int = 10,
        filters: Filters | None = None,
    ) -> SearchResults:
        """The best trials for a patient described by ``text`` and/or a form ``patient``."""
        from .ranking import rank

        self.index  # opened (or built) before the language model loads
        checked = check_filters(filters)
        person = self.patient(text, patient)
        if checked.near is None and person.location:
            if checked.within_km is not None and person.location.get("kind") in ("state", "country"):
                raise FilterError("within", str(checked.within), message=(
                    f"a distance is measured from a city or postal code, and {person.location['label']} is a "
                    f"whole {person.location['kind']}: give a city, or filter by country instead"))
            checked.near = (person.location["lat"], person.location["lon"])
        if checked.within_km is not None and checked.near is None:
            raise FilterError("within", str(checked.within), message=(
                "a distance needs a place to measure from: say where the patient lives (a city or postal code)"))
        form_text = patient.get("text") if isinstance(patient, Mapping) else None
        query_text = " ".join(t for t in (text, form_text) if isinstance(t, str))
        with self._using() as index:
            found = rank(index, person, text=query_text, top=top, filters=checked)
            found.data_date = index.data_date()
        return found

    def explain(self, nct_id: str, text: str | None = None, *, patient: Mapping[str, Any] | None = None) -> Explanation:
        """Every criterion of ``nct_id`` judged for the patient."""
        from .eligibility import explain
        from .understood import summarize

        trial = self.trial(nct_id)
        person = self.patient(text, patient)
        result = explain(trial, person)
        result.patient = summarize(person)
        return result

    # -- trials --------------------------------------------------------------------
    def trial(self, nct_id: str) -> Trial:
        """The stored trial ``nct_id`` (from the bundled corpus while the default index is not built)."""
        nct_id = nct_id.strip().upper()
        if self._index is None and self.default and not index_exists(self.index_path):
            return bundled_trial(nct_id)
        with self._using() as index:
            return index.get(nct_id)

    def data_date(self) -> str:
        """The newest registry update in the index in service."""
        with self._using() as index:
            return index.data_date()

    def stats(self) -> dict[str, Any]:
        """Counts of trials, criteria and constraints, the data's date and the last registry sync."""
        from .sync import sync_state

        with self._using() as index:
            data = index.stats()
        data["sync"] = sync_state(self.index_path)
        return data

    def run(self, topics: Iterable[tuple[str, str]], *, top: int = 100,
            baseline: bool = False) -> Iterator[tuple[str, list[tuple[str, float]]]]:
        """A TREC run: (topic id, [(NCT id, score), ...]) for each topic.

        TREC grades trials a patient is excluded from (and closed ones) as
        relevant too, so there are no hard filters or tiers here: eligibility
        counts through the learned signals. ``baseline``: plain BM25F on the
        topic text.
        """
        from .patient import read_text
        from .ranking import RUN_CANDIDATES, rank

        self.index
        for qid, text in topics:
            with self._using() as index:
                if baseline:
                    ranked = [(h.nct_id, h.score) for h in index.search(text, top=top, prefer_open=False)]
                else:
                    found = rank(index, read_text(text), text=text, top=top, n_candidates=max(top, RUN_CANDIDATES),
                                 hard_filters=False, tiers=False)
                    ranked = [(r.nct_id, r.score) for r in found.results]
            yield qid, ranked

    @staticmethod
    def parse(text: str, section: str | None = None) -> list[Criterion]:
        """Split eligibility ``text`` into criteria and parse their constraints
        (``section`` forces inclusion or exclusion; default: from the headers)."""
        from .criteria import split_criteria
        from .form import check_text
        from .nlp import parse_criteria

        criteria = split_criteria(check_text(text))
        if section:
            for c in criteria:
                c.section = section
        parse_criteria(criteria)
        return criteria

    def __len__(self) -> int:
        with self._using() as index:
            return len(index)

    def close(self) -> None:
        with self._lock:
            for index in [self._index, *self._retired.values()]:
                if index is not None:
                    index.close()
            self._index, self._retired = None, {}

    def __enter__(self) -> Matcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- helpers ---------------------------------------------------------------------------
def check_filters(filters: Filters | None) -> Filters:
    """``filters`` (default: trials open to enrolment) with their values
    normalized; a :class:`~matcher.filters.FilterError` that lists the valid
    values for one that is not."""
    return (filters or Filters()).normalized()


def bundled_trial(nct_id: str) -> Trial:
    """One trial of the bundled corpus, read straight from it with its criteria
    parsed: what one-trial commands use before the default index is built."""
    from .prepare import prepare_trials
    from .sources import parse_study

    corpus = config.default_corpus_path()
    needle = f'"nctId": "{nct_id}"'
    try:
        with gzip.open(corpus, "rt", encoding="utf-8") as lines:
            for line in lines:
                if needle in line:
                    trial = parse_study(json.loads(line), f"{corpus}:{nct_id}")
                    return next(prepare_trials([trial], []))
    except OSError as exc:
        raise MatcherError(f"cannot read the bundled corpus {corpus}: {exc}") from None
    raise TrialNotFound(f"no trial {nct_id} in the bundled corpus (the default index is not built yet)")
