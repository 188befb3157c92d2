"""The four catalogue files, assembled: each its format's head, every node's block in that format's
order, and its tail, streamed to disk from the records' entry files and the catalogue level's blocks.

``Level.runs`` gives the order (``catalogue.plan_runs``): runs of one record's consecutive blocks, each read
with one ``pread`` from its entry file, and the catalogue level's own blocks between them.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from kustavi_dcat.cache import RecordCache
from kustavi_dcat.errors import OutputError
from kustavi_dcat.rdf import render
from kustavi_dcat.records.catalogue import Level
from kustavi_dcat.records.unit import Unit

Writer = Callable[[BinaryIO], None]

CATALOGUE_LEVEL = -1
"""The record number of a run that is one of the catalogue level's blocks."""


class Run(NamedTuple):
    """A piece of a file: record ``record``'s blocks ``first`` to ``last`` (in that format's order), or,
    where ``record`` is ``CATALOGUE_LEVEL``, the catalogue level's block ``first``."""

    record: int
    first: int
    last: int


def runs_of(flat: array[int]) -> Iterator[Run]:
    """A format's runs, from their flat form in ``Level.runs``."""
    for r in range(0, len(flat), 3):
        yield Run(flat[r], flat[r + 1], flat[r + 2])


def writers(units: list[Unit], level: Level, cache: RecordCache) -> dict[str, Writer]:
    """File name -> what writes it, for the four formats."""
    prefixes: set[str] = set()
    for unit in units:
        prefixes.update(unit.prefixes)
    for block in level.blocks:
        prefixes |= block.prefixes
    return {fmt.file: writer(f, fmt, units, level, cache, prefixes) for f, fmt in enumerate(render.FORMATS)}


def writer(f: int, fmt: render.Format, units: list[Unit], level: Level, cache: RecordCache,
           prefixes: set[str]) -> Writer:
    """What writes format ``f``'s file (``fmt``) to an open handle, declaring ``prefixes`` in its head."""
    def write(handle: BinaryIO) -> None:
        if not level.runs[f]:
            handle.write(fmt.empty.encode("utf-8"))
            return
        handle.write(fmt.head(prefixes).encode("utf-8"))
        sep = fmt.separator.encode("utf-8")
        width = len(sep)
        blocks = level.blocks
        with Entries(cache, units) as entries:
            for i, run in enumerate(runs_of(level.runs[f])):
                if i:
                    handle.write(sep)
                if run.record == CATALOGUE_LEVEL:
                    handle.write(blocks[run.first].texts[f].encode("utf-8"))
                    continue
                starts = units[run.record].starts[f]
                begin, end = starts[run.first], starts[run.last + 1] - width
                handle.write(entries.read(run.record, begin, end - begin))
        handle.write(fmt.tail.encode("utf-8"))
    return write


def _open_files_allowed() -> int:
    try:
        import resource
    except ImportError:  # not a POSIX system
        return 512
    return int(resource.getrlimit(resource.RLIMIT_NOFILE)[0])


class OpenEntry(NamedTuple):
    """An entry file open for reading, and where its blocks start."""

    fd: int
    blob_at: int


class Entries:
    """Open entry files, a bounded number at a time (a record's blocks are mostly read in one go)."""

    LIMIT = max(16, min(4096, _open_files_allowed() - 64))
    """Open at most this many at once: a record's blocks of one format come in a few runs, far apart."""

    def __init__(self, cache: RecordCache, units: list[Unit]) -> None:
        self.cache = cache
        self.folder = str(cache.folder)
        self.units = units
        self.open: dict[int, OpenEntry] = {}

    def __enter__(self) -> Entries:
        return self

    def __exit__(self, *exc: object) -> None:
        for entry in self.open.values():
            os.close(entry.fd)
        self.open.clear()

    def read(self, n: int, offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset`` of record ``n``'s blocks."""
        found = self.open.get(n)
        if found is None:
            if len(self.open) >= self.LIMIT:
                os.close(self.open.pop(next(iter(self.open))).fd)
            found = self.open[n] = self._open(n)
        data: bytes = os.pread(found.fd, size, found.blob_at + offset)
        if len(data) != size:
            raise self._changed(n)
        return data

    def _open(self, n: int) -> OpenEntry:
        """An entry's descriptor and where its blocks start, read from the file itself: another publish
        sharing the cache folder may have stored the same entry again since it was read (same blocks, a
        summary of another length)."""
        unit = self.units[n]
        try:
            return OpenEntry(*self.cache.open_blocks(unit.key, unit.blob_size))
        except (OSError, ValueError):
            raise self._changed(n) from None

    def _changed(self, n: int) -> OutputError:
        return OutputError(f"{os.path.join(self.folder, self.units[n].key)}: the record cache changed while "
                           "publishing (another publish using the same cache folder?); the previous output is "
                           "unchanged. Publish again, or give each publish its own --cache-dir")
