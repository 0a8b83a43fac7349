"""Each segment's postings of the searched text fields as flat arrays, in one
file beside the segment's own (``<segment id>.postings``), memory-mapped by readers.

Whoosh keeps a term's postings in blocks of 128, each pickled and compressed,
and decodes them one block at a time in Python; the terms table is looked up
once per segment for whether the term is there, its document frequency and
its postings. The first search for a term read all that: at 300,000 trials
(49 segments) the first pass over 50 patient descriptions had p50/p95
534/1,611 ms against 79/104 ms once cached, after every start and every new
generation. This file is written with the segment, from the term lists the
writer was given, so a term's postings in a segment are a hash lookup and two
slices of memory-mapped arrays that every process on the machine shares
through the page cache.

A segment written without one (one that merged others, or an index built
before this file existed) is read through Whoosh, as before; both give the
same numbers (``tests/test_index_postings.py``). Whoosh deletes the file with
its segment: the name matches its segment file pattern.

Layout: ``MAGIC``, an 8-byte little-endian header length, the JSON header
(format, document count, field boosts, where each array starts), then the
arrays, each 8-byte aligned:

- ``hashes`` uint64[K]: blake2b-64 of each key ``field NUL term``, sorted;
- ``kstarts`` int64[K+1]: key k's UTF-8 text is ``keys[kstarts[k]:kstarts[k+1]]``
  (compared on lookup, so a hash collision cannot mix two terms up);
- ``keys`` uint8: the key texts;
- ``starts`` int64[K+1]: key k's postings are ``[starts[k]:starts[k+1]]`` of
- ``docs`` int32[P]: document numbers in the segment, ascending per key, and
- ``counts`` uint16 or uint32[P]: the term's frequency in the field; Whoosh's
  posting weight is the frequency times the field's boost, computed in the
  same floating point;
- ``lengths`` uint8[F*D] (format 2): each document's length in each field of
  the header's ``fields``, field after field, in Whoosh's one-byte code
  (``length_to_byte``), which is what BM25F scores with; the header's
  ``totals`` holds each field's total length, as Whoosh counts it (exact for
  the documents a segment was given, the one-byte lengths of those it merged
  in), for the average length.

Since index format 3 (``matcher.index.schema.FORMAT``) the text fields are
in these files only: Whoosh keeps the records and facets, and a segment's
text can be scored only through its file.
"""
from __future__ import annotations

import hashlib
import json
import mmap
import os
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

# Whoosh keeps a document's field length in one byte; what each byte stands for
BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)

EXTENSION = ".postings"
MAGIC = b"matcher-postings\n"
FORMAT = 2  # 1: postings only; 2: with field lengths
_ALIGN = 8


def _key(field: str, term: str) -> bytes:
    return f"{field}\0{term}".encode("utf-8", "surrogatepass")


def _hash(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


class PostingsRecorder:
    """Collects the postings of the documents a segment writer is given, by
    document number, and writes them as one segment's postings file.

    ``boosts`` maps each recorded field to the weight Whoosh gives one
    occurrence (the field's boost). Fields whose value is not a list of
    terms cannot be recorded: :attr:`complete` turns false and nothing is
    written, so such a segment is read through Whoosh.
    """

    def __init__(self, boosts: Mapping[str, float]):
        self.boosts = dict(boosts)
        self.complete = True
        self._ids: dict[tuple[str, str], int] = {}
        self._key_ids = array("I")
        self._docs = array("I")
        self._counts = array("I")
        self._doc_count = 0
        self._lengths = {field: array("I") for field in self.boosts}  # by document number
        self._lengths_known = True  # false once a segment without lengths is merged in
        self.totals = dict.fromkeys(self.boosts, 0)

    def add(self, docnum: int, document: Mapping[str, object]) -> None:
        """Record one document's terms, as given to the writer under ``docnum``."""
        ids, key_ids, docs, counts = self._ids, self._key_ids, self._docs, self._counts
        for field in self.boosts:
            terms = document.get(field)
            if terms is None:
                continue
            if not isinstance(terms, (list, tuple)) or not all(isinstance(t, str) for t in terms):
                self.complete = False
                return
            for term, n in Counter(terms).items():
                k = ids.get((field, term))
                if k is None:
                    k = ids[(field, term)] = len(ids)
                key_ids.append(k)
                docs.append(docnum)
                counts.append(n)
            self._set_length(field, docnum, len(terms))  # Whoosh's length: the frequencies' sum
            self.totals[field] += len(terms)
        self._doc_count = max(self._doc_count, docnum + 1)

    def _set_length(self, field: str, docnum: int, length: int) -> None:
        lengths = self._lengths[field]
        if len(lengths) <= docnum:
            lengths.extend([0] * (docnum + 1 - len(lengths)))
        lengths[docnum] = length

    def add_segment(self, base: int, file: SegmentPostings, live: np.ndarray) -> None:
        """Record the postings of a segment merged in after document ``base``, as
        Whoosh copies them: its live documents (``live``) numbered on from
        ``base`` in their order, deleted ones and their postings left out."""
        if set(file.boosts) != set(self.boosts) or any(file.boosts[f] != b for f, b in self.boosts.items()):
            self.complete = False
            return
        if len(live) != file.doc_count:
            raise ValueError(f"{file.path}: {file.doc_count} documents, {len(live)} given")
        ids = self._ids
        texts = file.key_texts()
        mapped = np.empty(len(texts), dtype=np.uint32)
        for k, text in enumerate(texts):
            key = tuple(text.decode("utf-8", "surrogatepass").split("\0", 1))
            found = ids.get(key)
            if found is None:
                found = ids[key] = len(ids)
            mapped[k] = found
        per_key = np.diff(file._starts)
        key_ids = np.repeat(mapped, per_key)
        docs = np.asarray(file._docs, dtype=np.int64)
        kept = live[docs]
        renumber = base + np.cumsum(live) - 1  # old document number -> new, for live ones
        self._key_ids.frombytes(key_ids[kept].astype(np.uint32).tobytes())
        self._docs.frombytes(renumber[docs[kept]].astype(np.uint32).tobytes())
        self._counts.frombytes(np.asarray(file._counts)[kept].astype(np.uint32).tobytes())
        self._doc_count = max(self._doc_count, base + int(live.sum()))
        for field in self.boosts:
            codes = file.length_codes(field)
            if codes is None:  # a file written before lengths were: Whoosh's own lengths serve
                self._lengths_known = False
                continue
            # Whoosh copies a merged document's length as its one-byte approximation
            merged = BYTE_TO_LENGTH[codes[live].astype(np.int64)]
            lengths = self._lengths[field]
            lengths.extend([0] * (base - len(lengths)))  # documents before ``base`` without the field
            lengths.frombytes(merged.astype(np.uint32).tobytes())
            self.totals[field] += int(merged.sum())

    def write(self, path: Path, doc_count: int) -> bool:
        """Write the postings file for a segment of ``doc_count`` documents, whole
        or not at all (False when nothing can be written)."""
        if not self.complete or doc_count < self._doc_count:
            return False
        keys = [_key(f, t) for f, t in self._ids]
        hashes = np.fromiter((_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
        order = np.argsort(hashes, kind="stable")  # position in the file -> key id
        position = np.empty(len(keys), dtype=np.int64)
        position[order] = np.arange(len(keys))
        key_pos = position[np.frombuffer(self._key_ids, dtype=np.uint32)] if len(self._key_ids) else np.zeros(0, np.int64)
        recorded_docs = np.frombuffer(self._docs, dtype=np.uint32)
        by_key = np.lexsort((recorded_docs, key_pos))  # by key, then document
        docs = recorded_docs[by_key].astype(np.int32)
        raw_counts = np.frombuffer(self._counts, dtype=np.uint32)[by_key] if len(self._counts) else np.zeros(0, np.uint32)
        counts = raw_counts.astype(np.uint16) if not len(raw_counts) or raw_counts.max() < 2**16 else raw_counts
        starts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(key_pos, minlength=len(keys)), out=starts[1:])
        texts = [keys[i] for i in order.tolist()]
        kstarts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in texts], out=kstarts[1:])
        arrays = {"hashes": hashes[order], "kstarts": kstarts, "keys": np.frombuffer(b"".join(texts), dtype=np.uint8),
                  "starts": starts, "docs": docs, "counts": counts}
        header = {"format": FORMAT, "docs": doc_count, "boosts": self.boosts}
        if self._lengths_known:
            fields = sorted(self.boosts)
            arrays["lengths"] = np.concatenate([_length_codes(self._lengths[f], doc_count) for f in fields]) \
                if fields else np.zeros(0, np.uint8)
            header.update(fields=fields, totals={f: self.totals[f] for f in fields})
        return _write(path, header, arrays)


def _length_codes(lengths: array, doc_count: int) -> np.ndarray:
    """Whoosh's one-byte code of each document's length (0 for documents without the field)."""
    values = np.zeros(doc_count, dtype=np.int64)
    given = np.frombuffer(lengths, dtype=np.uint32)[:doc_count]
    values[:len(given)] = given
    distinct, back = np.unique(values, return_inverse=True)
    return np.array([length_to_byte(int(v)) for v in distinct], dtype=np.uint8)[back]


def _write(path: Path, header: dict, arrays: dict[str, np.ndarray]) -> bool:
    table, offset = {}, 0
    for name, values in arrays.items():
        table[name] = [offset, values.dtype.str, len(values)]
        offset += -(-values.nbytes // _ALIGN) * _ALIGN
    head = json.dumps({**header, "arrays": table}).encode()
    head += b" " * (-(len(MAGIC) + 8 + len(head)) % _ALIGN)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(MAGIC + len(head).to_bytes(8, "little") + head)
            for values in arrays.values():
                data = values.tobytes()
                out.write(data + b"\0" * (-len(data) % _ALIGN))
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


class SegmentPostings:
    """One segment's postings file, memory-mapped (see the module's docstring)."""

    def __init__(self, path: Path, buffer: mmap.mmap, header: dict, arrays: dict[str, np.ndarray]):
        self.path = path
        self._buffer = buffer
        self.doc_count: int = header["docs"]
        self.boosts: dict[str, float] = header["boosts"]
        self._hashes, self._kstarts, self._keys = arrays["hashes"], arrays["kstarts"], arrays["keys"]
        self._starts, self._docs, self._counts = arrays["starts"], arrays["docs"], arrays["counts"]
        self._fields: list[str] = header.get("fields") or []
        self._totals: dict[str, int] = header.get("totals") or {}
        self._lengths = arrays.get("lengths")

    @classmethod
    def open(cls, path: Path, doc_count: int) -> SegmentPostings | None:
        """The postings file at ``path`` for a segment of ``doc_count`` documents;
        None when there is none or it does not hold together (then the segment is
        read through Whoosh)."""
        try:
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size < len(MAGIC) + 8:
                    return None
                buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        try:
            found = cls._parse(path, buffer, doc_count)
        except (ValueError, KeyError, TypeError, IndexError, OverflowError):
            found = None
        if found is None:
            buffer.close()
        return found

    @classmethod
    def _parse(cls, path: Path, buffer: mmap.mmap, doc_count: int) -> SegmentPostings | None:
        if buffer[:len(MAGIC)] != MAGIC:
            return None
        size = int.from_bytes(buffer[len(MAGIC):len(MAGIC) + 8], "little")
        base = len(MAGIC) + 8 + size
        header = json.loads(buffer[len(MAGIC) + 8:base])
        if header.get("format") not in (1, FORMAT) or header.get("docs") != doc_count:
            return None
        if not isinstance(header.get("boosts"), dict):
            return None
        wanted = {"hashes": "<u8", "kstarts": "<i8", "keys": "|u1", "starts": "<i8", "docs": "<i4",
                  "counts": ("<u2", "<u4")}
        if "lengths" in header["arrays"]:
            wanted["lengths"] = "|u1"
            fields, totals = header.get("fields"), header.get("totals")
            if (not isinstance(fields, list) or sorted(fields) != sorted(header["boosts"]) or not isinstance(totals, dict)
                    or set(totals) != set(fields) or not all(isinstance(v, int) and v >= 0 for v in totals.values())
                    or header["arrays"]["lengths"][2] != len(fields) * doc_count):
                return None
        arrays = {}
        for name, dtypes in wanted.items():
            offset, dtype, count = header["arrays"][name]
            if dtype not in (dtypes if isinstance(dtypes, tuple) else (dtypes,)) or offset < 0 or count < 0:
                return None
            arrays[name] = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count, offset=base + offset)
        keys = len(arrays["hashes"])
        if (len(arrays["kstarts"]) != keys + 1 or len(arrays["starts"]) != keys + 1
                or arrays["kstarts"][-1] != len(arrays["keys"]) or arrays["starts"][-1] != len(arrays["docs"])
                or len(arrays["counts"]) != len(arrays["docs"])):
            return None
        # Only the layout is checked: checking that the 3 million key hashes of a
        # 600,000-trial index are in order read 75 MB at every open (0.56 s with a
        # cold page cache). The file is written whole or not at all.
        return cls(path, buffer, header, arrays)

    def has_field(self, field: str) -> bool:
        return field in self.boosts

    def length_codes(self, field: str) -> np.ndarray | None:
        """Each document's length in ``field``, in Whoosh's one-byte code; None when
        the file holds no lengths (format 1) or not this field."""
        if self._lengths is None or field not in self._fields:
            return None
        k = self._fields.index(field)
        return self._lengths[k * self.doc_count:(k + 1) * self.doc_count]

    def total_length(self, field: str) -> int | None:
        """The total length of ``field`` over the segment's documents, as Whoosh counts it."""
        return self._totals.get(field) if self._lengths is not None else None

    def get(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (in the segment) and Whoosh's posting weights of
        ``term`` in ``field`` (a recorded field: :meth:`has_field`); empty when absent."""
        return self.get_many([(field, term)])[0]

    def get_many(self, keys: list[tuple[str, str]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`get` for each (field, term), with one search of the hashes for all."""
        batch = KeyBatch(keys)
        docs, weights, lengths = self.gather(batch, *self.ranges(batch))
        cut = np.cumsum(lengths)[:-1]
        return list(zip(np.split(docs, cut), np.split(weights, cut)))

    def ranges(self, batch: KeyBatch) -> tuple[np.ndarray, np.ndarray]:
        """Where each key's postings are in this file's arrays: ``[start, end)``, empty when absent."""
        stored = self._hashes
        starts = np.zeros(len(batch), np.int64)
        ends = np.zeros(len(batch), np.int64)
        if not len(stored) or not len(batch):
            return starts, ends
        at = np.searchsorted(stored, batch.hashes)
        inside = at < len(stored)
        matched = np.flatnonzero(inside & (stored[np.minimum(at, len(stored) - 1)] == batch.hashes))
        rows = at[matched]
        # the key text must be the one asked for: compared for all matched keys at once
        lo, hi = self._kstarts[rows], self._kstarts[rows + 1]
        same = (hi - lo) == batch.lengths[matched]
        if same.any():
            mine = self._keys[spans(lo[same], hi[same] - lo[same])]
            theirs = batch.bytes[spans(batch.offsets[matched[same]], batch.lengths[matched[same]])]
            differ = np.concatenate([[0], np.cumsum(mine != theirs)])
            ends_at = np.cumsum(batch.lengths[matched[same]])
            same[same] = (differ[ends_at] - differ[ends_at - batch.lengths[matched[same]]]) == 0
        for k in matched[~same]:  # a hash shared with another key (astronomically rare): look further
            row = self._row(batch.texts[k], int(batch.hashes[k]), int(at[k]))
            if row is not None:
                starts[k], ends[k] = self._starts[row], self._starts[row + 1]
        found, rows = matched[same], rows[same]
        starts[found], ends[found] = self._starts[rows], self._starts[rows + 1]
        if (ends < starts).any():
            raise ValueError(f"{self.path}: postings out of range")
        return starts, ends

    def _row(self, text: bytes, wanted: int, i: int) -> int | None:
        stored, bounds, blob = self._hashes, self._kstarts, self._keys
        while i < len(stored) and int(stored[i]) == wanted:
            if blob[bounds[i]:bounds[i + 1]].tobytes() == text:
                return i
            i += 1
        return None

    def gather(self, batch: KeyBatch, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The postings in ``[starts, ends)`` of each key, one after another: document
        numbers in the segment, Whoosh's posting weights, and how many each key has."""
        lengths = ends - starts
        at = spans(starts, lengths)
        docs = self._docs[at].astype(np.int64)
        if len(docs) and (docs.min() < 0 or docs.max() >= self.doc_count):
            raise ValueError(f"{self.path}: postings out of range")
        boosts = np.array([self.boosts.get(field, 0.0) for field in batch.fields], dtype=float)
        # frequency times the field's boost, in the same floating point as Whoosh
        weights = self._counts[at].astype(float) * np.repeat(boosts, lengths)
        return docs, weights, lengths

    def key_texts(self) -> list[bytes]:
        """Every key's UTF-8 text (``field NUL term``), in the file's order."""
        blob, bounds = self._keys.tobytes(), self._kstarts.tolist()
        return [blob[a:b] for a, b in zip(bounds, bounds[1:])]

    def close(self) -> None:
        self._hashes = self._kstarts = self._keys = self._starts = self._docs = self._counts = self._lengths = None
        try:
            self._buffer.close()
        except BufferError:  # an array handed out still points into it: the mapping goes with it
            pass


class KeyBatch:
    """The (field, term) keys of one search, encoded and hashed once for every segment."""

    def __init__(self, keys: Sequence[tuple[str, str]]):
        self.fields = [field for field, _ in keys]
        self.terms = [term for _, term in keys]
        self.texts = [_key(field, term) for field, term in keys]
        self.hashes = np.fromiter((_hash(t) for t in self.texts), dtype=np.uint64, count=len(self.texts))
        self.lengths = np.fromiter((len(t) for t in self.texts), dtype=np.int64, count=len(self.texts))
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)
        self.bytes = np.frombuffer(b"".join(self.texts), dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.texts)


def spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[k] .. starts[k] + lengths[k] - 1`` of every k, one span after another."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    shift = starts - np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.repeat(shift, lengths) + np.arange(total)


def path_for(folder: str | os.PathLike, segment_id: str) -> Path:
    """Where the postings file of the segment ``segment_id`` (Whoosh's ``<index>_<id>``) is kept."""
    return Path(folder) / f"{segment_id}{EXTENSION}"


def open_all(folder: str | os.PathLike, segments: Sequence) -> list[SegmentPostings | None]:
    """The postings file of each of ``segments`` (Whoosh segment objects), None where there is none."""
    return [SegmentPostings.open(path_for(folder, s.segment_id()), s.doc_count_all()) for s in segments]
