"""The published catalogue in an Oxigraph store on disk, so a restart at national scale answers at once.

The store is keyed by a digest of ``catalog.nt``: ``<root>/<digest>/`` holds it, with a ``READY`` file
written last saying how many triples it holds. It is built in a fresh folder beside it and renamed into
place only when complete, so a reader never opens a half-built store and two servers starting at once
both end up with a whole one. A store folder that cannot be written, or that does not open or hold what
``READY`` says, is rebuilt in a temporary folder (removed at exit) with a warning.

Building is Oxigraph's bulk load, which uses one core for a file of this size and costs several times
as much as parsing it. The file is therefore cut at line ends into a few parts loaded side by side on
the machine's cores (N-Triples holds one triple per line), each part read with ``pread`` and handed to
Oxigraph as bytes, so no Python code runs while a part loads. Smaller parts also load faster per triple.
A file with blank nodes is loaded whole: a blank node's label only means the same node within one load.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph

__all__ = ["READY", "OpenStore", "default_store_root", "digest_of", "open_store"]

READY = "READY"
_CHUNK = 1 << 20
_NT = pyoxigraph.RdfFormat.N_TRIPLES
_PART_BYTES = 24 * 1024 * 1024
"""The target size of one part of a parallel load (smaller parts load faster per triple)."""
_MAX_PARTS = 8
"""Each part adds its own files to the store, which is opened read-only and never compacted: at 100,000
data sets, 21 parts left 28 files and 8 parts 16, and lookups in the latter took a quarter less time."""
_ONE_PART_BYTES = 1024 * 1024
"""A file smaller than this is loaded in one part: splitting it would cost more than it saves."""


@dataclass(frozen=True)
class OpenStore:
    """A read-only store, the folder it lives in, and whether that folder is a temporary one."""

    store: Any  # pyoxigraph.Store
    path: Path
    triples: int
    temporary: bool


def default_store_root(out_dir: Path) -> Path:
    """``.<name>.store`` beside the output folder (``.output.store`` for ``output``), never inside it."""
    resolved = out_dir.resolve()
    return resolved.parent / f".{resolved.name}.store"


def digest_of(read_at: Callable[[int, int], bytes]) -> str:
    """SHA-256 of a file read through ``read_at(size, offset)`` (a held descriptor, see ``app.Published``)."""
    digest, offset = hashlib.sha256(), 0
    while chunk := read_at(_CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def open_store(source: Callable[[], IO[bytes]], digest: str, root: Path, warn: Callable[[str], None]) -> OpenStore:
    """The store of the N-Triples ``source()`` gives, reused from ``root`` when its digest matches."""
    folder = root / digest[:32]
    if (folder / READY).is_file():
        found = _open_checked(folder)
        if found is not None:
            return found
        warn(f"the store in {folder} is damaged; building a temporary one (delete the folder to rebuild it)")
        return _temporary(source, warn)
    try:
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    except OSError as exc:
        warn(f"cannot write the store folder {root} ({exc.strerror or exc}); building a temporary store")
        return _temporary(source, warn)
    count = _build(building, source)
    ours = _move_into_place(building, folder)
    _remove_others(root, keep=folder)
    found = _open_checked(folder, counted=count if ours else None)
    if found is None:
        warn(f"the store just built in {folder} does not open; building a temporary one")
        return _temporary(source, warn)
    return found


def _build(folder: Path, source: Callable[[], IO[bytes]]) -> int:
    """Bulk-load ``source()`` into a new store in ``folder``, then write ``READY`` with the triple count."""
    store = pyoxigraph.Store(str(folder))
    with source() as stream:
        if not _load_in_parts(store, stream):
            store.clear()  # small, not a file, or with blank nodes: (start again and) load it whole
            stream.seek(0)
            store.bulk_load(input=stream, format=_NT)
    store.flush()
    count = len(store)
    del store  # closes the database before it is moved or opened read-only
    (folder / READY).write_text(f"{count}\n", encoding="ascii")
    return count


def _load_in_parts(store: Any, stream: IO[bytes]) -> bool:
    """Load the N-Triples of ``stream`` in parts side by side; False if it must be loaded whole instead (a
    small file or not a file: nothing loaded; blank nodes: some parts may be loaded).

    A syntax error is raised as the parser reports it for the whole file, with its real line numbers.
    """
    try:
        fd = stream.fileno()
        size = os.fstat(fd).st_size
    except (OSError, ValueError, AttributeError):
        return False
    if size < _ONE_PART_BYTES:
        return False
    blank_nodes = threading.Event()
    try:
        with ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="kustavi-dcat-load") as pool:
            futures = [pool.submit(_load_part, store, fd, part, blank_nodes) for part in _parts(fd, size)]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            for future in done:
                future.result()
    except SyntaxError:
        stream.seek(0)
        for _ in pyoxigraph.parse(stream, _NT):
            pass
        raise
    return not blank_nodes.is_set()


def _load_part(store: Any, fd: int, part: tuple[int, int], blank_nodes: threading.Event) -> None:
    """Load one part, unless a part has blank nodes (``_:``; a false alarm in a literal only costs speed)."""
    if blank_nodes.is_set():
        return
    data = os.pread(fd, part[1] - part[0], part[0])
    if b"_:" in data:
        blank_nodes.set()
        return
    store.bulk_load(input=data, format=_NT)


def _workers() -> int:
    """Loads run side by side: two on a machine with two cores or more (Oxigraph parallelises each
    load itself from four cores on), one otherwise."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 if cores >= 2 else 1


def _parts(fd: int, size: int) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` of the file, each cut just after a line end, about ``_PART_BYTES`` each."""
    count = min(_MAX_PARTS, max(2 * _workers(), -(-size // _PART_BYTES)))
    cuts = [0]
    for number in range(1, count):
        at = _line_start(fd, max(size * number // count, cuts[-1]), size)
        if cuts[-1] < at < size:
            cuts.append(at)
    cuts.append(size)
    return list(itertools.pairwise(cuts))


def _line_start(fd: int, at: int, size: int) -> int:
    """The offset just after the first line end at or after ``at`` (``size`` if there is none)."""
    while at < size:
        chunk = os.pread(fd, 1 << 16, at)
        if not chunk:
            break
        newline = chunk.find(b"\n")
        if newline >= 0:
            return at + newline + 1
        at += len(chunk)
    return size


def _move_into_place(building: Path, folder: Path) -> bool:
    """Rename the finished store to its digest's name; if another process got there first, keep theirs
    (False)."""
    try:
        os.rename(building, folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        return False
    return True


def _remove_others(root: Path, keep: Path) -> None:
    """Stores of earlier versions of the files (and abandoned builds) are no longer needed."""
    for child in root.iterdir():
        if child != keep and child.is_dir() and not child.name.startswith(".building-"):
            shutil.rmtree(child, ignore_errors=True)


def _open_checked(folder: Path, counted: int | None = None) -> OpenStore | None:
    """The store in ``folder`` opened read-only, if it opens and holds as many triples as ``READY`` says.

    ``counted``: the store was just built here and held that many triples when it was closed, so they
    are not counted again (a second pass over every triple).
    """
    try:
        expected = int((folder / READY).read_text(encoding="ascii").strip())
        store = pyoxigraph.Store.read_only(str(folder))
        if expected != (counted if counted is not None else len(store)):
            return None
    except (OSError, ValueError, RuntimeError):
        return None
    return OpenStore(store, folder, expected, temporary=False)


def _temporary(source: Callable[[], IO[bytes]], warn: Callable[[str], None]) -> OpenStore:
    """A store built in a new temporary folder, removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="kustavi-dcat-store-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    count = _build(folder, source)
    store = pyoxigraph.Store.read_only(str(folder))
    if len(store) != count:
        raise OSError(f"the temporary store in {folder} does not hold what was loaded")
    return OpenStore(store, folder, count, temporary=True)
