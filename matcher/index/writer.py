"""Writing trials into a new index generation, with bounded memory."""
from __future__ import annotations

import itertools
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from ..errors import MatcherError
from ..models import Trial
from . import schema as layout
from .postings import PostingsRecorder, SegmentPostings
from .postings import path_for as postings_path
from .store import (
    INFO_FILE,
    current_generation,
    exclusive,
    link_or_copy,
    new_generation_name,
    read_info,
    remove_stale,
    swap_in,
    write_info,
)

BUFFER = 1_000  # documents held before they are handed to Whoosh
SEGMENT_DOCS = 10_000  # documents per segment a build writes (about 2.5 million postings)
# The first segments are smaller (2,500, 2,500, 5,000, then SEGMENT_DOCS): a
# segment is written while parse workers go on, except the last, which is
# written after them on one core; the bundled corpus's single segment of
# 6,787 trials took its last 8 seconds that way. Searches cost the same over a
# few segments as over one.
FIRST_SEGMENT_DOCS = 2_500
# Whoosh's posting pool: sorted in memory up to these limits, else spilled to
# disk and merged back one pickled posting at a time (a third of commit time).
# A segment's postings fit under them.
WRITER_MB = 768
POOL_ITEMS = 4_000_000
# An update folds the smallest segments into its own when at least
# MERGE_MIN_SEGMENTS of them hold MERGE_DOCS documents or fewer together, so
# what it merges is bounded (about 3.6 ms a document). Whoosh's own policy,
# tuned for segments that grow by merging, folded 22 of a 300,000-trial
# build's segments (55,000 trials) into its first update of 1,000 trials: 207 s.
MERGE_DOCS = 10_000
MERGE_MIN_SEGMENTS = 4


def merge_smallest(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy of updates: the smallest segments, while they hold
    :data:`MERGE_DOCS` documents or fewer together, are read into ``writer``'s
    new segment (deleted documents dropped) when there are at least
    :data:`MERGE_MIN_SEGMENTS` of them; the rest are kept as they are."""
    from whoosh.reading import SegmentReader

    chosen, total = [], 0
    for segment in sorted(segments, key=lambda s: s.doc_count_all()):
        if total + segment.doc_count_all() > MERGE_DOCS:
            break
        chosen.append(segment)
        total += segment.doc_count_all()
    if len(chosen) < MERGE_MIN_SEGMENTS:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {id(s) for s in chosen}
    return [s for s in segments if id(s) not in merged]


class _Lengths:
    """A new segment's per-document reader whose field lengths are read once per
    field and then looked up in a list. Whoosh's flush asks for a document's field
    length once per posting (1.1 million times for the bundled corpus), each time
    through a column reader."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            reader = self._reader
            lengths = self._lengths[fieldname] = [reader.doc_field_length(n, fieldname)
                                                   for n in range(reader.doc_count_all())]
        if default == 0 and 0 <= docnum < len(lengths):
            return lengths[docnum]
        return self._reader.doc_field_length(docnum, fieldname, default)

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


class _SegmentWriter(SegmentWriter):
    """Whoosh's own writer, flushing with :class:`_Lengths` (the same segment
    files), that also writes the new segment's postings file
    (:mod:`matcher.index.postings`) from the documents it is given and the
    files of the segments it merges in (a segment merged without one makes
    one without one: it is read through Whoosh). The text fields go to Whoosh
    too only when its schema has them (generations of format 2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._postings = PostingsRecorder(layout.TEXT_FIELDS)  # Whoosh's weight: frequency x field boost
        # format 2 keeps the text in Whoosh as well; since format 3 the postings file is its only copy
        self._text_in_whoosh = any(name in self.schema for name in layout.TEXT_FIELDS)

    def add_document(self, **fields):
        docnum = self.docnum
        super().add_document(**{name: value for name, value in fields.items()
                                if name in self.schema or name.startswith("_")})
        if any(name.startswith("_") for name in fields):  # Whoosh's boosts: weights we do not record
            self._postings.complete = False
        self._postings.add(docnum, fields)

    def add_reader(self, reader):
        """Merge a segment in; its postings file, if it has one, is carried into
        the new segment's (Whoosh numbers its live documents on from here)."""
        base = self.docnum
        super().add_reader(reader)
        folder = getattr(self.storage, "folder", None)
        segment = reader.segment() if hasattr(reader, "segment") else None
        file = None if folder is None or segment is None else \
            SegmentPostings.open(postings_path(folder, segment.segment_id()), reader.doc_count_all())
        if file is None:
            self._postings.complete = False
            return
        try:
            live = np.array([not reader.is_deleted(d) for d in range(reader.doc_count_all())], dtype=bool)
            self._postings.add_segment(base, file, live)
        finally:
            file.close()

    def per_document_reader(self):
        return _Lengths(super().per_document_reader())

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        folder = getattr(self.storage, "folder", None)
        path = None if folder is None else postings_path(folder, segment.segment_id())
        written = path is not None and not segment.is_compound() and \
            self._postings.write(path, segment.doc_count_all())
        self._postings = PostingsRecorder(self._postings.boosts)
        if not written and not self._text_in_whoosh:  # its trials could never be found: fail the build
            raise MatcherError(f"could not write the postings of segment {segment.segment_id()} "
                               f"({'no folder' if path is None else path}); the index in service is unchanged")
        return segment


def _open_writer(ix: windex.Index, *, lock: bool = True) -> _SegmentWriter:
    # compound=False: a segment stays as separate files that readers map
    # from disk; Whoosh reads a compound segment's parts into memory
    # (a copy of the whole index per process, 350 MB at 70,000 trials).
    return _SegmentWriter(ix, _lk=lock, limitmb=WRITER_MB, maxsize=POOL_ITEMS, compound=False)


@dataclass
class BuildReport:
    indexed: int = 0
    criteria: int = 0
    total: int = 0
    generation: str = ""
    seconds: float = 0.0
    migrated: int = 0  # trials carried over from a generation in an older format


class _Writer:
    """Feeds documents to a Whoosh writer as they come.

    Whoosh cannot replace a document added by the same uncommitted writer, so
    a second record of a trial already handed over in this build commits what
    came before (a new segment, not a rewrite) and replaces it: the last
    record of an NCT id wins, and only the ids seen are kept in memory.
    """

    def __init__(self, ix: windex.Index, *, replace: bool, counts: dict[str, int] | None = None):
        self.ix, self.replace = ix, replace
        self.writer = self._open()
        self.pending: dict[str, dict] = {}
        self.written: dict[str, int] = {}  # NCT id -> its number of criteria
        self.in_segment = 0  # documents handed to the current writer
        self.committed = 0  # documents in the segments this build committed
        # what `matcher stats` adds up, kept up to date (None: the generation
        # this one starts from has no counts, so stats will count by reading)
        self.counts: Counter[str] | None = Counter(counts) if counts is not None else None
        self._searcher = None  # on what is committed, to find the trials an update replaces
        self.newest = ""  # the newest last-update date of the trials written

    def _open(self):
        return _open_writer(self.ix)

    def add(self, trial: Trial) -> None:
        if trial.nct_id in self.written and trial.nct_id not in self.pending:
            self._next_segment()
            self.replace = True
        if self.counts is not None:
            self._count(trial)
        self.newest = max(self.newest, trial.last_update or "")
        self.pending[trial.nct_id] = layout.document(trial)
        self.written[trial.nct_id] = len(trial.criteria)
        if len(self.pending) >= BUFFER:
            self._flush()
        if self.in_segment + len(self.pending) >= self._segment_size():
            self._next_segment()

    def _segment_size(self) -> int:
        return min(SEGMENT_DOCS, max(FIRST_SEGMENT_DOCS, self.committed))

    def _count(self, trial: Trial) -> None:
        """Add ``trial``'s counts, less those of the trial it replaces."""
        replaced = self.pending.get(trial.nct_id, {}).get("record")
        if replaced is None and self.replace:
            if self._searcher is None:
                self._searcher = self.ix.searcher()
            docnum = self._searcher.document_number(nct_id=trial.nct_id)
            if docnum is not None:
                replaced = self._searcher.stored_fields(docnum)["record"]
        if replaced is not None:
            self.counts.subtract(layout.counts_of(layout.decode_record(replaced)))
        self.counts.update(layout.counts_of(trial))

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _flush(self) -> None:
        put = self.writer.update_document if self.replace else self.writer.add_document
        for document in self.pending.values():
            put(**document)
        self.in_segment += len(self.pending)
        self.pending.clear()

    def _next_segment(self) -> None:
        """Commit what was handed over as a segment (not merged) and go on with a new writer."""
        self._flush()
        self.writer.commit(merge=False)
        self._close_searcher()  # it cannot see the segment just committed
        self.writer = self._open()
        self.committed += self.in_segment
        self.in_segment = 0

    def commit(self, optimize: bool, merge: bool) -> None:
        self._flush()
        self._close_searcher()
        if merge and not optimize:
            self.writer.commit(mergetype=merge_smallest)
        else:
            self.writer.commit(optimize=optimize, merge=False)

    def cancel(self) -> None:
        self._close_searcher()
        self.writer.cancel()


def _older_trials(generation_dir: Path) -> Iterable[Trial]:
    """Every trial stored in a generation (to carry it into the current format)."""
    ix = windex.open_dir(str(generation_dir))
    try:
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                yield layout.decode_record(fields["record"])
    finally:
        ix.close()


@contextmanager
def _new_generation(root: Path, report: BuildReport) -> Iterator[tuple[str | None, Path]]:
    """Hold the build lock while the block writes a new generation into the
    directory it is given (with the name of the generation in service, or
    None); swap the new one in when the block succeeds, remove it when it fails."""
    started = time.perf_counter()
    with exclusive(root):
        current = current_generation(root)
        generation = new_generation_name()
        target = root / generation
        try:
            yield current, target
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        swap_in(root, generation)
        report.generation = generation
        remove_stale(root, keep={generation, current or ""})
    report.seconds = time.perf_counter() - started


def _write_info(target: Path, total: int, newest: str | None, counts: Counter[str] | None) -> None:
    """The generation's ``matcher.json``: its format and size, and, when known, the
    newest last-update date and the counts ``matcher stats`` adds up."""
    info: dict = {"format": layout.FORMAT, "trials": total}
    if newest is not None:
        info["data_date"] = newest
    if counts is not None:
        info["counts"] = {k: n for k, n in sorted(counts.items()) if n}
    write_info(target, info)


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
    succeeds. Trials stream through: memory holds at most ``BUFFER``
    documents, Whoosh's pool and the NCT ids seen.

    An update starts from hard links to the generation in service (Whoosh
    never rewrites a segment file: deletions live in the table of contents)
    and adds a segment, which takes in the smallest ones as they accumulate,
    a bounded number of documents at a time (:func:`merge_smallest`). A build writes a segment per ``SEGMENT_DOCS`` trials
    and never merges them (at registry scale a merge rewrites every posting
    in Python); ``optimize`` merges everything into one segment. So applying
    a day's updates costs what they cost, not a rewrite of the whole index.
    An update to a generation written in an older format rewrites it in the
    current one.
    """
    root = Path(path)
    report = BuildReport()
    with _new_generation(root, report) as (current, target):
        migrate = bool(update and current and read_info(root / current).get("format", 1) < layout.FORMAT)
        if update and current and not migrate:
            shutil.copytree(root / current, target, copy_function=link_or_copy,
                            ignore=shutil.ignore_patterns(INFO_FILE))
            ix = windex.open_dir(str(target))
        else:
            target.mkdir(parents=True)
            ix = windex.create_in(str(target), layout.schema())
        carried = update and current and not migrate
        before = read_info(root / current) if carried else {}
        writer = _Writer(ix, replace=bool(carried), counts=before.get("counts") if carried else {})
        try:
            for trial in trials:
                writer.add(trial)
                if on_trial:
                    on_trial(trial)
            report.indexed = len(writer.written)
            report.criteria = sum(writer.written.values())
            if migrate:
                for trial in _older_trials(root / current):
                    if trial.nct_id not in writer.written:
                        writer.add(trial)
                        report.migrated += 1
            # An update's segment takes in the smallest (merge_smallest), a build keeps
            # its segments, ``optimize`` merges everything into one.
            writer.commit(optimize=bool(optimize), merge=bool(carried))
        except BaseException:
            writer.cancel()
            raise
        report.total = ix.doc_count()
        ix.close()
        # the newest update seen, for `matcher stats` and results (unknown when the generation carried on had none)
        newest = max(writer.newest, before.get("data_date", "")) if not carried or "data_date" in before else None
        _write_info(target, report.total, newest, writer.counts)
    return report


# -- a fresh build written by several processes ------------------------------------
@dataclass
class Written:
    """What went into segments: each trial's number of criteria, the counts
    ``matcher stats`` adds up and the newest last-update date."""
    criteria: dict[str, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    newest: str = ""

    def add(self, other: Written) -> None:
        self.criteria.update(other.criteria)
        self.counts.update(other.counts)
        self.newest = max(self.newest, other.newest)


class SegmentSink:
    """Writes prepared trials into closed segments of a generation that another
    process is building (:func:`build_from_segments`).

    Each worker process of a parallel build holds one. Its Whoosh writer takes
    no lock (the building process holds the build's) and a closed segment is
    handed back to be listed in the generation's table of contents, as the
    sub-writers of Whoosh's own ``MpWriter`` do.
    """

    def __init__(self, directory: str | os.PathLike, segment_docs: int = SEGMENT_DOCS):
        self._ix = windex.open_dir(str(directory))
        self._writer: _SegmentWriter | None = None
        self._segment_docs = segment_docs
        self.in_segment = 0
        self._written = Written()

    def add(self, trial: Trial) -> None:
        if self._writer is None:
            self._writer = _open_writer(self._ix, lock=False)
        self._writer.add_document(**layout.document(trial))
        self.in_segment += 1
        written = self._written
        written.criteria[trial.nct_id] = len(trial.criteria)
        written.counts.update(layout.counts_of(trial))
        written.newest = max(written.newest, trial.last_update or "")

    @property
    def full(self) -> bool:
        return self.in_segment >= self._segment_docs

    def written(self) -> Written:
        """What was added since the last call."""
        found, self._written = self._written, Written()
        return found

    def close_segment(self):
        """The segment written since the last one, closed (None when nothing was added)."""
        if self._writer is None:
            return None
        segment = self._writer._finalize_segment()
        self._writer, self.in_segment = None, 0
        return segment


class SegmentTarget:
    """A new generation that worker processes write segments into
    (``directory``, for their :class:`SegmentSink`)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.segments: list = []
        self.written = Written()
        self.later: Iterable[Trial] = ()

    def add_segment(self, segment) -> None:
        if segment is not None:
            self.segments.append(segment)

    def replace_later(self, trials: Iterable[Trial]) -> None:
        """Prepared trials whose NCT ids the workers already wrote, taken one at a
        time after the segments are listed, each replacing the trial written
        before it (the last record of an NCT id wins)."""
        self.later = trials


def build_from_segments(
    path: str | os.PathLike, write: Callable[[SegmentTarget], None], *, optimize: bool | None = None,
    fresh_only: bool = False,
) -> BuildReport:
    """A fresh generation (the trials in service are not kept) whose segments
    other processes write: ``write(target)`` runs them and reports each
    segment and what went into it to ``target``. The segments are then listed
    in the generation's table of contents (not merged), the trials to
    replace are written, and the generation is swapped in, with the same
    guarantees as :func:`build_index`: nothing is swapped in unless the whole
    build succeeds, and one build runs at a time. With ``fresh_only``, a
    generation already in service is an error (a build meant to add to the
    index found none, and another build made one before it took the lock).
    """
    root = Path(path)
    report = BuildReport()
    with _new_generation(root, report) as (current, directory):
        if fresh_only and current:
            raise MatcherError(f"another build made an index at {root} while this one started: run it again to add to it")
        directory.mkdir(parents=True)
        ix = windex.create_in(str(directory), layout.schema())
        target = SegmentTarget(directory)
        write(target)
        # Whoosh's merge policy hook: the segment list to commit is the
        # (empty) list of the new index's segments plus the workers' own
        _open_writer(ix).commit(mergetype=lambda _writer, segments: [*segments, *target.segments])
        written = target.written
        later = iter(target.later)
        first = next(later, None)
        if first is not None or optimize:
            writer = _Writer(ix, replace=True, counts=written.counts)
            try:
                for trial in itertools.chain([first] if first is not None else [], later):
                    writer.add(trial)
                writer.commit(optimize=bool(optimize), merge=False)
            except BaseException:
                writer.cancel()
                raise
            written.criteria.update(writer.written)
            written.counts, written.newest = writer.counts, max(written.newest, writer.newest)
        report.indexed = len(written.criteria)
        report.criteria = sum(written.criteria.values())
        report.total = ix.doc_count()
        ix.close()
        _write_info(directory, report.total, written.newest, written.counts)
    return report
