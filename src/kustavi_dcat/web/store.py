"""The published catalogue in an Oxigraph store on disk, so a restart at national scale answers at once.

The store is keyed by a digest of ``catalog.nt``: ``<root>/<digest>/`` holds it, with a ``READY`` file
written last saying how many triples it holds. It is built in a fresh folder beside it and renamed into
place only when complete, so a reader never opens a half-built store and two servers starting at once
both end up with a whole one. A store folder that cannot be written, or that does not open or hold what
``READY`` says, is rebuilt in a temporary folder (removed at exit) with a warning.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph

__all__ = ["READY", "OpenStore", "default_store_root", "digest_of", "open_store"]

READY = "READY"
_CHUNK = 1 << 20


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
    _build(building, source)
    _move_into_place(building, folder)
    _remove_others(root, keep=folder)
    found = _open_checked(folder)
    if found is None:
        warn(f"the store just built in {folder} does not open; building a temporary one")
        return _temporary(source, warn)
    return found


def _build(folder: Path, source: Callable[[], IO[bytes]]) -> int:
    """Bulk-load ``source()`` into a new store in ``folder``, then write ``READY`` with the triple count."""
    store = pyoxigraph.Store(str(folder))
    with source() as stream:
        store.bulk_load(input=stream, format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    count = len(store)
    del store  # closes the database before it is moved or opened read-only
    (folder / READY).write_text(f"{count}\n", encoding="ascii")
    return count


def _move_into_place(building: Path, folder: Path) -> None:
    """Rename the finished store to its digest's name; if another process got there first, keep theirs."""
    try:
        os.rename(building, folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)


def _remove_others(root: Path, keep: Path) -> None:
    """Stores of earlier versions of the files (and abandoned builds) are no longer needed."""
    for child in root.iterdir():
        if child != keep and child.is_dir() and not child.name.startswith(".building-"):
            shutil.rmtree(child, ignore_errors=True)


def _open_checked(folder: Path) -> OpenStore | None:
    """The store in ``folder`` opened read-only, if it opens and holds as many triples as ``READY`` says."""
    try:
        expected = int((folder / READY).read_text(encoding="ascii").strip())
        store = pyoxigraph.Store.read_only(str(folder))
        if len(store) != expected:
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
