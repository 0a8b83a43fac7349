"""Whole arrays out of a Whoosh index: a facet column, a field's lengths, a
term's postings, for every document at once.

Whoosh reads these one document or one posting at a time, a Python call
each; a search filters and scores whole arrays. These functions read each
segment's bytes in one go into numpy (the formats of ``whoosh.columns`` and
the W3 codec's posting blocks) and fall back to Whoosh's public, per-item
interface where a segment is not laid out as expected, so the values are
always Whoosh's own. ``tests/test_index_columns.py`` checks both paths agree.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh import columns as wcolumns
from whoosh.codec import whoosh3
from whoosh.reading import IndexReader

from .postings import BYTE_TO_LENGTH, KeyBatch, spans

# Whoosh stores a field's length in one byte per document; this decodes them all.
_BYTE_TO_LENGTH = BYTE_TO_LENGTH.astype(float)


class Leaves:
    """The segments of one reader, with each column's raw reader opened once
    (opening a variable-length column reads its whole offset table)."""

    def __init__(self, reader: IndexReader):
        self.segments = [(segment, base, segment.doc_count_all()) for segment, base in reader.leaf_readers()]
        self._raw: dict[tuple[int, str], Any] = {}

    def column(self, index: int, field: str, column: wcolumns.Column) -> Any:
        """The raw column reader of segment ``index`` (None when it has no such column)."""
        key = (index, field)
        if key not in self._raw:
            segment = self.segments[index][0]
            self._raw[key] = segment.column_reader(field, column, translate=False) \
                if segment.has_column(field) else None
        return self._raw[key]

    def __iter__(self):
        for index, (segment, base, count) in enumerate(self.segments):
            yield index, segment, base, count


def _fixed_array(reader: Any, dtype: str, count: int, default: float) -> np.ndarray | None:
    """A NumericColumn's values as an array (fast path), or None if the reader is not one."""
    if not isinstance(reader, wcolumns.NumericColumn.Reader):
        return None
    size = reader._fixedlen  # private: the column's documented on-disk layout
    stored = min(reader._count, count)
    data = np.frombuffer(reader._dbfile.get(reader._basepos, stored * size), dtype=dtype).astype(float)
    if stored < count:  # documents after the last stored value read as the default
        data = np.concatenate([data, np.full(count - stored, default, dtype=float)])
    return data


def _per_segment(leaves: Leaves, field: str, column: wcolumns.Column, missing: Callable[[int], np.ndarray],
                 read: Callable[[Any, int], np.ndarray]) -> list[np.ndarray]:
    """``read(raw column reader, document count)`` for each segment, ``missing(count)`` where it has no column."""
    return [missing(count) if (raw := leaves.column(index, field, column)) is None else read(raw, count)
            for index, _segment, _base, count in leaves]


def numbers(leaves: Leaves, field: str, column: wcolumns.NumericColumn, default: float) -> np.ndarray:
    """A float column for every document number."""
    def read(raw: Any, count: int) -> np.ndarray:
        fast = _fixed_array(raw, ">" + raw._typecode, count, default) if hasattr(raw, "_typecode") else None
        return fast if fast is not None else np.array([raw[d] for d in range(count)], dtype=float)

    parts = _per_segment(leaves, field, column, lambda count: np.full(count, default, dtype=float), read)
    return np.concatenate(parts) if parts else np.zeros(0)


def labels(leaves: Leaves, field: str, column: wcolumns.RefBytesColumn,
           decode: Callable[[bytes], Any], default: Any = "") -> np.ndarray:
    """A RefBytes column (few distinct values) as an object array, each distinct value decoded once."""
    def read(raw: Any, count: int) -> np.ndarray:
        try:
            refs = np.frombuffer(raw._dbfile.get(raw._basepos, count * raw._itemsize), dtype=">" + raw._typecode)
            uniques = np.empty(max(len(raw._uniques), 1), dtype=object)
            uniques[:] = [decode(u) for u in raw._uniques] or [default]
            return uniques[refs.astype(np.int64)]
        except (AttributeError, IndexError):
            slow = np.empty(count, dtype=object)
            slow[:] = [decode(raw[d]) for d in range(count)]
            return slow

    parts = _per_segment(leaves, field, column, lambda count: np.full(count, default, dtype=object), read)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=object)


def values(leaves: Leaves, field: str, column: wcolumns.Column, default: bytes = b"") -> list[bytes]:
    """Any column as a list of bytes, one per document (one Whoosh call each)."""
    out: list[bytes] = []
    for index, _segment, _base, count in leaves:
        raw = leaves.column(index, field, column)
        out.extend([default] * count if raw is None else [raw[d] for d in range(count)])
    return out


def texts(leaves: Leaves, field: str, column: wcolumns.VarBytesColumn, default: str = "") -> list[str]:
    """A VarBytes column of UTF-8 text as a list of str, one per document.

    Whoosh reads each value with a seek and a read (600,000 NCT ids took a
    second, at a search's first tie on score); a segment's values are read
    here in one go and cut at Whoosh's own offsets, decoded in one go when
    they are all ASCII, else one by one."""
    out: list[str] = []
    for index, _segment, _base, count in leaves:
        raw = leaves.column(index, field, column)
        if raw is None:
            out.extend([default] * count)
            continue
        try:
            offsets, lengths = list(raw._offsets), list(raw._lengths)  # private: the column's documented layout
            if len(offsets) != count or len(lengths) != count:
                raise ValueError
            end = max((o + n for o, n in zip(offsets, lengths)), default=0)
            blob = raw._dbfile.get(raw._basepos, end) if end else b""
            if len(blob) != end:
                raise ValueError
        except (AttributeError, ValueError):
            out.extend(raw[d].decode("utf-8") for d in range(count))
            continue
        if blob.isascii():
            text = blob.decode("ascii")
            out.extend([text[o:o + n] for o, n in zip(offsets, lengths)])
        else:
            out.extend([blob[o:o + n].decode("utf-8") for o, n in zip(offsets, lengths)])
    return out


def value(leaves: Leaves, field: str, column: wcolumns.Column, docnum: int, default: bytes = b"") -> bytes:
    """One document's value of a column."""
    for index, _segment, base, count in leaves:
        if base <= docnum < base + count:
            raw = leaves.column(index, field, column)
            return default if raw is None else raw[docnum - base]
    raise IndexError(docnum)


def field_lengths(reader: IndexReader, field: str, files: list | None = None) -> np.ndarray:
    """Every document's length in ``field`` as Whoosh scores it (its one-byte
    approximation), from each segment's postings file where it holds them."""
    parts = []
    for n, (segment, _base) in enumerate(reader.leaf_readers()):
        count = segment.doc_count_all()
        file = _file(files, n)
        codes = None if file is None else file.length_codes(field)
        if codes is not None:
            parts.append(_BYTE_TO_LENGTH[codes.astype(np.int64)])
            continue
        fast = None
        try:
            perdoc = segment._perdoc
            raw = perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
            if raw is None:
                fast = np.zeros(count)
            else:
                codes = _fixed_array(raw, "B", count, 0)
                fast = None if codes is None else _BYTE_TO_LENGTH[codes.astype(np.int64)]
        except AttributeError:
            pass
        if fast is None:
            fast = np.array([segment.doc_field_length(d, field) or 0 for d in range(count)], dtype=float)
        parts.append(fast)
    return np.concatenate(parts) if parts else np.zeros(0)


def _file(files: list | None, n: int) -> Any:
    """Segment ``n``'s postings file, or None."""
    return None if files is None else files[n]


def total_length(reader: IndexReader, field: str, files: list | None = None) -> int:
    """The total length of ``field`` over every segment, as Whoosh counts it, from
    each segment's postings file where it holds it."""
    total = 0
    for n, (segment, _base) in enumerate(reader.leaf_readers()):
        file = _file(files, n)
        found = None if file is None else file.total_length(field)
        total += segment.field_length(field) if found is None else found
    return total


def _block_postings(matcher: Any) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """A W3 leaf matcher's (ids, weights) block by block, or None if it is not one."""
    if not isinstance(matcher, whoosh3.W3LeafMatcher):
        return None
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_ids()  # private: decodes a whole block at once
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64)[matcher._i:])
        weights.append(np.asarray(matcher._weights, dtype=float)[matcher._i:])
        matcher._next_block()
    return ids, weights


def deleted_mask(reader: IndexReader) -> np.ndarray:
    """True for each document number of ``reader`` that is deleted."""
    mask = np.zeros(reader.doc_count_all(), dtype=bool)
    for segment, base in reader.leaf_readers():
        if not segment.has_deletions():
            continue
        try:
            gone = list(segment._perdoc.deleted_docs())  # private: the segment's deletion set
        except AttributeError:
            gone = [d for d in range(segment.doc_count_all()) if segment.is_deleted(d)]
        mask[np.array(gone, dtype=np.int64) + base] = True
    return mask


def postings(reader: IndexReader, field: str, term: str, deleted: np.ndarray | None = None, *,
             fast: bool = True, files: list | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Document numbers (in ``reader``) and posting weights (term frequencies
    times the field's boost) of ``term`` in ``field``, documents true in
    ``deleted`` (:func:`deleted_mask`) left out; and the term's document
    frequency as Whoosh counts it (deleted documents included).

    ``files`` holds each segment's postings file (:mod:`matcher.index.postings`)
    or None, in the order of ``reader.leaf_readers()``; a segment without one
    is read through Whoosh, block by block (``fast``) or posting by posting.
    """
    return postings_many(reader, [(field, term)], deleted, fast=fast, files=files)[0]


def postings_many(reader: IndexReader, keys: list[tuple[str, str]], deleted: np.ndarray | None = None, *,
                  fast: bool = True, files: list | None = None) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """:func:`postings` of each (field, term) in ``keys``, a segment at a time:
    a postings file finds and copies out all of them at once; the segments'
    parts are then laid end to end per key in one scatter."""
    if not keys:
        return []
    batch = KeyBatch(keys)
    frequency = np.zeros(len(keys), np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # per segment: docs, weights, count per key
    for n, (segment, base) in enumerate(reader.leaf_readers()):
        file = _file(files, n)
        in_file = np.array([file is not None and file.has_field(field) for field in batch.fields], dtype=bool)
        if in_file.all():
            docs, weights, lengths = file.gather(batch, *file.ranges(batch))
            frequency += lengths  # every posting in the file, deleted documents' too
        else:
            docs, weights, lengths = _segment_postings(segment, batch, in_file, file, fast, frequency)
        docs += base
        if deleted is not None and segment.has_deletions() and len(docs):
            live = ~deleted[docs]
            kept = np.concatenate([[0], np.cumsum(live)])
            ends = np.cumsum(lengths)
            lengths = kept[ends] - kept[ends - lengths]
            docs, weights = docs[live], weights[live]
        parts.append((docs, weights, lengths))
    counts = np.array([p[2] for p in parts], dtype=np.int64).reshape(len(parts), len(keys))
    totals = counts.sum(axis=0)
    starts = np.concatenate([[0], np.cumsum(totals)[:-1]]).astype(np.int64)
    before = np.cumsum(counts, axis=0) - counts  # each segment's place within each key's run
    ids = np.empty(int(totals.sum()), np.int64)
    tfs = np.empty(len(ids))
    for (docs, weights, lengths), ahead in zip(parts, before):
        at = spans(starts + ahead, lengths)
        ids[at], tfs[at] = docs, weights
    cut = np.cumsum(totals)[:-1]
    return list(zip(np.split(ids, cut), np.split(tfs, cut), frequency.tolist()))


def _segment_postings(segment: Any, batch: KeyBatch, in_file: np.ndarray, file: Any, fast: bool,
                      frequency: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One segment's postings of each key in ``batch``, from its postings file where
    ``in_file`` says so, else through Whoosh (deleted documents left out)."""
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    lengths = np.zeros(len(batch), np.int64)
    if in_file.any():
        starts, ends = file.ranges(batch)
        starts[~in_file] = ends[~in_file] = 0
        found = file.gather(batch, starts, ends)
        cut = np.cumsum(found[2])[:-1]
        filed = dict(enumerate(zip(np.split(found[0], cut), np.split(found[1], cut))))
    for k, (field, term) in enumerate(zip(batch.fields, batch.terms)):
        if in_file[k]:
            ids, tfs = filed[k]
            frequency[k] += len(ids)  # every posting in the file, deleted documents' too
        else:
            if (field, term) not in segment:
                continue
            ids, tfs = _whoosh_postings(segment, field, term, fast)
            frequency[k] += segment.doc_frequency(field, term)
        docs.append(ids)
        weights.append(tfs)
        lengths[k] = len(ids)
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0), lengths
    return np.concatenate(docs).astype(np.int64), np.concatenate(weights).astype(float), lengths


def _whoosh_postings(segment: Any, field: str, term: str, fast: bool) -> tuple[np.ndarray, np.ndarray]:
    matcher = segment.postings(field, term)
    blocks = _block_postings(matcher) if fast else None
    if blocks is None:
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        blocks = ([np.array(ids, dtype=np.int64)], [np.array(tfs, dtype=float)])
    ids = np.concatenate(blocks[0]) if blocks[0] else np.zeros(0, np.int64)
    tfs = np.concatenate(blocks[1]) if blocks[1] else np.zeros(0)
    return ids, tfs
