"""Record cache: what each resource file became (its checks, its nodes' results, its text in all four
formats), found again by content hash, so that a republish redoes only the files that changed.

Reading, mapping, validating and rendering a resource file depend only on that file's bytes and name, on
``catalog.yaml`` (publisher, agents, contact point, places, sections) and on this program, so an entry is
keyed by a SHA-256 over exactly those: the code fingerprint (every module, shape and data file of the
package, and the Python, rdflib and PyYAML versions), the bytes of ``catalog.yaml``, the file's name and
its bytes. A changed byte anywhere in them is a different key, so a stale entry is never found; an entry
whose stored key differs from its file name's, or that cannot be read, is ignored and made again.

An entry is one file: an 8-byte length, a pickle of the record's summary (``units.Unit``: identifiers,
types, validation results, block offsets) and then the record's text blocks, read back with ``pread``
while the output files are assembled (where the blocks start is read from the file itself, so an entry
stored again meanwhile is still read right). Entries are written as they are made (by the worker
processes); they depend only on their key, so a publish that fails later leaves nothing wrong behind.

The catalogue level (``units.Level``: the catalogue-level nodes' results and text, and the order of
every file's blocks) is one more file, ``catalogue-<key>``, keyed by the code, ``catalog.yaml`` and every
record's public digest in order; a stored level also stands for the cross-record identifier checks it
passed, since the digests hold every identifier each record defines and refers to. Entries not used by
a successful publish are removed then. The assembly of the files runs every time.

Entries are pickles, one file per key under ``<cache dir>/<source key>/``; like any build cache the
folder must be writable only by its owner.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import rdflib
import yaml

FORMAT = 2
"""Bumped when the layout of an entry changes."""

DIR_NAME = ".kustavi-cache"
"""The default cache folder, made beside the output folder."""


@cache
def code_fingerprint() -> str:
    """A hash of everything that decides how a file is read and mapped: this package, Python, rdflib, PyYAML."""
    libyaml = getattr(yaml, "__with_libyaml__", False)
    digest = hashlib.sha256(f"{FORMAT}|{sys.version}|{rdflib.__version__}|{yaml.__version__}|{libyaml}".encode())
    # The shapes package too: the mapping copies labels from its vocabularies.ttl, and in an editable
    # install it lives outside the package folder.
    for package in ("kustavi_dcat", "kustavi_dcat.shapes"):
        root = Path(str(resources.files(package)))
        for path in sorted(_package_files(root)):
            digest.update(f"{package}/{path.relative_to(root)}".encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".ttl", ".json")
            and "__pycache__" not in p.parts]


def default_dir(out_dir: Path) -> Path:
    """``.kustavi-cache`` beside the output folder (``output/`` -> ``./.kustavi-cache``)."""
    return Path(out_dir).absolute().parent / DIR_NAME


def stored(key: str, summary: Any) -> bytes:
    """A summary as an entry holds it (and as a worker process hands it over: pickled once for both)."""
    return pickle.dumps((FORMAT, key, summary), protocol=pickle.HIGHEST_PROTOCOL)


def summary_of(data: bytes) -> Any:
    """The summary in ``stored`` bytes."""
    return pickle.loads(data)[2]


@dataclass
class RecordCache:
    """Entries for one source folder, by key (see the module docstring)."""

    folder: Path
    catalog_bytes: bytes = b""
    used: set[str] = field(default_factory=set)
    """Keys of this run's entries: found, or made."""
    hits: int = 0
    _base: tuple[bytes, Any] | None = field(default=None, repr=False)

    @classmethod
    def for_source(cls, cache_dir: Path, source_dir: Path) -> RecordCache:
        """The cache of ``source_dir`` inside ``cache_dir`` (each source folder has its own subfolder)."""
        name = hashlib.sha256(str(Path(source_dir).absolute()).encode()).hexdigest()[:16]
        return cls(Path(cache_dir) / name)

    def key(self, name: str, data: bytes) -> str:
        if self._base is None or self._base[0] is not self.catalog_bytes:
            base = hashlib.sha256(code_fingerprint().encode())
            base.update(len(self.catalog_bytes).to_bytes(8, "big") + self.catalog_bytes)
            self._base = (self.catalog_bytes, base)
        digest = self._base[1].copy()  # the code and catalog.yaml are hashed once, not once per file
        for part in (name.encode(), data):
            digest.update(len(part).to_bytes(8, "big") + part)
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> Any:
        """The stored summary, or None (missing or untrusted)."""
        try:
            with open(self.folder / key, "rb") as handle:
                size = int.from_bytes(handle.read(8), "big")
                stored = pickle.loads(handle.read(size))
                end = handle.seek(0, os.SEEK_END)
            if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT and stored[1] == key):
                return None
            summary = stored[2]
            if end != 8 + size + getattr(summary, "blob_size", -1):
                return None
        except Exception:  # a missing, truncated or foreign file is only a miss
            return None
        self.used.add(key)
        self.hits += 1
        return summary

    def put(self, key: str, summary: Any, blob: bytes) -> bytes:
        """Store an entry atomically; returns its pickled summary (``stored``). Raises ``OSError`` if it cannot."""
        self.folder.mkdir(parents=True, exist_ok=True)
        head = stored(key, summary)
        temp = self.folder / f".{key}.tmp-{os.getpid()}"
        try:
            with open(temp, "wb") as handle:
                handle.write(len(head).to_bytes(8, "big"))
                handle.write(head)
                handle.write(blob)
            os.replace(temp, self.folder / key)
        except BaseException:  # e.g. a full disk: leave no partial file behind
            temp.unlink(missing_ok=True)
            raise
        return head

    def catalogue_key(self, parts: list[str]) -> str:
        """The key of the catalogue level: the code, catalog.yaml and every record's public digest in order."""
        digest = hashlib.sha256(code_fingerprint().encode())
        digest.update(len(self.catalog_bytes).to_bytes(8, "big") + self.catalog_bytes)
        digest.update("\n".join(parts).encode("utf-8"))
        return digest.hexdigest()

    def catalogue_name(self, key: str) -> str:
        return f"catalogue-{key}"

    def get_catalogue(self, key: str) -> Any:
        """The stored catalogue level, or None."""
        try:
            with open(self.folder / self.catalogue_name(key), "rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # missing or unreadable: only a miss
            return None
        if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT and stored[1] == key):
            return None
        return stored[2]

    def put_catalogue(self, key: str, level: Any) -> None:
        """Store the catalogue level (a cache that cannot be written costs only time next time)."""
        temp = self.folder / f".catalogue.tmp-{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as handle:
                pickle.dump((FORMAT, key, level), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / self.catalogue_name(key))
        except OSError:
            temp.unlink(missing_ok=True)

    def usable(self) -> str | None:
        """None if entries can be stored here, else why not (checked once, before any work)."""
        probe = self.folder / f".probe-{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            return exc.strerror or str(exc)
        return None

    def prune(self, used: set[str]) -> None:
        """Remove the entries a successful publish did not use (a cache that cannot be tidied costs nothing)."""
        try:
            for path in self.folder.iterdir():
                if path.name not in used:
                    path.unlink(missing_ok=True)
        except OSError:
            return
