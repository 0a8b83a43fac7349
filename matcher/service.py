"""The Python API for sites that embed matcher: one object, three questions.

    from matcher.service import Matcher

    m = Matcher("/path/to/index")           # or Matcher() for the default index
    found = m.search("A 34-year-old woman with refractory lupus ...", top=10)
    found.to_dict()                          # {"results": [...], "questions": [...]}
    m.explain("NCT05858684", patient={"age": 34, "sex": "female", "conditions": ["lupus"]}).to_dict()
    m.trial("NCT05858684")                   # the stored Trial

Patient text and forms are read in memory only: nothing is logged or written.
The CLI and the HTTP API call exactly these methods, so their answers agree.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import config
from .eligibility import Explanation, explain
from .index import Filters, TrialIndex
from .models import Patient, Trial
from .patient import read_patient
from .ranking import SearchResults, rank
from .understood import summarize


class Matcher:
    """A read-only matcher over one index. Safe to share between threads."""

    def __init__(self, index_path: str | os.PathLike | None = None):
        self.index_path = Path(index_path) if index_path else config.default_index_path()
        self._lock = threading.RLock()
        self._index = TrialIndex(self.index_path)

    @property
    def generation(self) -> str:
        return self._index.generation

    def reload(self) -> bool:
        """Switch to a newer index generation if one was swapped in; True if it did."""
        fresh = TrialIndex(self.index_path)
        with self._lock:
            if fresh.generation == self._index.generation:
                fresh.close()
                return False
            old, self._index = self._index, fresh
        old.close()
        return True

    def patient(self, text: str | None = None, form: Mapping[str, Any] | None = None) -> Patient:
        return read_patient(text, form)

    def search(
        self,
        text: str | None = None,
        *,
        patient: Mapping[str, Any] | None = None,
        top: int = 10,
        filters: Filters | None = None,
    ) -> SearchResults:
        """The best trials for a patient described by ``text`` and/or a form ``patient``."""
        person = read_patient(text, patient)
        form_text = patient.get("text") if isinstance(patient, Mapping) else None
        query_text = " ".join(t for t in (text, form_text) if isinstance(t, str))
        with self._lock:
            return rank(self._index, person, text=query_text, top=top, filters=filters)

    def explain(self, nct_id: str, text: str | None = None, *, patient: Mapping[str, Any] | None = None) -> Explanation:
        """Every criterion of ``nct_id`` judged for the patient."""
        person = read_patient(text, patient)
        result = explain(self.trial(nct_id), person)
        result.patient = summarize(person)
        return result

    def trial(self, nct_id: str) -> Trial:
        with self._lock:
            return self._index.get(nct_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._index)

    def close(self) -> None:
        self._index.close()

    def __enter__(self) -> "Matcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
