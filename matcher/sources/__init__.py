"""Read trial records from files, directories and archives.

``load_records(paths)`` yields a :class:`~matcher.models.Trial` for every
usable record and a :class:`~matcher.models.Skipped` (file and reason) for
every unusable one, so one bad record never stops a load.

A SOURCE may be a file, a directory (read recursively, in name order) or a
``.tar.gz``/``.tgz``/``.tar``/``.zip`` archive. Each file's format is told
from its content, not its name: legacy XML (``<clinical_study>``), API v2
JSON (one study, a page ``{"studies": [...]}``, an array, or JSON Lines),
each optionally gzipped.

JSON Lines (a study object on the first line, more lines after) are read line
by line, so a file of the whole registry needs no more memory than its longest
line; any other file is read whole, and refused above :data:`MAX_FILE_BYTES`.
"""
from __future__ import annotations

import gzip
import json
import os
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import RecordError
from ..models import Skipped, Trial
from .ctgov_json import parse_json, parse_json_line, parse_study
from .legacy_xml import parse_legacy_xml

__all__ = ["load_records", "parse_bytes", "parse_study", "parse_legacy_xml", "parse_json"]

# Larger files are refused rather than read into memory (a CT.gov page of
# 1,000 studies is ~30 MB; a single study is rarely above 1 MB), except JSON
# Lines, read a line at a time; a longer line is skipped.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")


def _is_archive(name: str) -> bool:
    return name.lower().endswith(_ARCHIVE_SUFFIXES)


def parse_bytes(data: bytes, source: str) -> Iterator[Trial | Skipped]:
    """Parse one file's bytes, whatever its format; never raises for bad data."""
    try:
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise RecordError(f"corrupt gzip data ({exc})") from None
        if not data.strip():
            raise RecordError("empty file")
        if b"\x00" in data[:4096]:
            raise RecordError("binary file, not a trial record")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RecordError("binary file, not a trial record (not UTF-8 text)") from None
        head = text.lstrip()[:1]
        if head == "<":
            yield parse_legacy_xml(data, source)
        elif head in "{[":
            yield from parse_json(text, source)
        else:
            raise RecordError("unknown format: neither ClinicalTrials.gov XML nor JSON")
    except RecordError as exc:
        yield Skipped(source, str(exc))


def _read_archive(path: Path) -> Iterator[Trial | Skipped]:
    name = str(path)
    try:
        if name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as zf:
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if info.is_dir():
                        continue
                    yield from parse_bytes(zf.read(info), f"{name}:{info.filename}")
            return
        with tarfile.open(path, "r:*") as tf:
            for member in tf:
                if not member.isfile():
                    continue
                handle = tf.extractfile(member)
                if handle is None:
                    continue
                yield from parse_bytes(handle.read(), f"{name}:{member.name}")
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
        yield Skipped(name, f"unreadable archive ({exc})")


def _read_path(path: Path) -> Iterator[Trial | Skipped]:
    if not path.exists():
        yield Skipped(str(path), "no such file or directory")
    elif path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs.sort()
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for fname in sorted(files):
                if not fname.startswith("."):
                    yield from _read_path(Path(root) / fname)
    elif _is_archive(path.name):
        yield from _read_archive(path)
    elif _is_json_lines(path):
        yield from _read_json_lines(path)
    else:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                yield Skipped(str(path), f"file larger than {MAX_FILE_BYTES // 2**20} MiB")
                return
            data = path.read_bytes()
        except OSError as exc:
            yield Skipped(str(path), f"cannot read file ({exc.strerror or exc})")
            return
        yield from parse_bytes(data, str(path))


def _open_bytes(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes, decompressed if it is gzipped."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def _is_json_lines(path: Path) -> bool:
    """Whether ``path`` holds JSON Lines, told from its start: its first line that
    is not blank a whole JSON object, and another line that is not blank after it
    (as read whole, such a file is not one JSON document, and is read line by line)."""
    try:
        with _open_bytes(path) as handle:
            first = None
            while line := handle.readline(MAX_LINE_BYTES):
                if not line.strip():
                    continue
                if first is not None:  # a second line: only now is the first parsed (a one-line file is read once)
                    return isinstance(json.loads(first), dict)
                first = line.decode("utf-8-sig")
                if not (line.endswith(b"\n") and first.lstrip().startswith("{")):
                    return False  # the only line, one longer than the limit, or not an object
            return False
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError):
        return False


def _read_json_lines(path: Path) -> Iterator[Trial | Skipped]:
    """Every study of a JSON Lines file, a line at a time (``file:line`` names each)."""
    name, n = str(path), 0
    try:
        with _open_bytes(path) as handle:
            while line := handle.readline(MAX_LINE_BYTES + 1):
                n += 1
                where = f"{name}:{n}"
                if len(line) > MAX_LINE_BYTES:
                    while line and not line.endswith(b"\n"):
                        line = handle.readline(MAX_LINE_BYTES)
                    yield Skipped(where, f"line longer than {MAX_LINE_BYTES // 2**20} MiB")
                    continue
                try:
                    text = line.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield Skipped(where, "not UTF-8 text")
                    continue
                yield from parse_json_line(text, where)
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(name, f"unreadable after line {n} ({exc})")


def load_records(paths: Iterable[str | os.PathLike]) -> Iterator[Trial | Skipped]:
    """Yield every Trial, and a Skipped for every unusable record, from ``paths``."""
    for path in paths:
        yield from _read_path(Path(path))
