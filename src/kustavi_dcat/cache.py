"""Republish cache: what each unchanged resource file was read and mapped to, found again by content hash.

A national source holds thousands of resource files and a steward edits one at a time. Reading a file
and mapping its records depend only on that file's bytes and name, on ``catalog.yaml`` (publisher,
agents, contact point, places, sections) and on this program, so an entry is keyed by a SHA-256 over
exactly those: the code fingerprint (every module, shape and data file of the package, and the Python,
rdflib and PyYAML versions), the bytes of ``catalog.yaml``, the file's name and its bytes. A changed byte anywhere in
them is a different key, so a stale entry is never found; an entry whose stored key differs from its
file name's, or that cannot be read at all, is ignored and made again. Only files that loaded without a
problem are stored, and only after a publish succeeded.

What is not cached, and why: cross-record checks (they read every file's identifiers, kept in each
entry), the catalogue-level nodes (catalogues and the service list every dataset), validation (a
record's results depend on the nodes it links to in other records) and serialisation (one sorted
document). These run on the whole catalogue every time.

Entries are pickles, one file per key under ``<cache dir>/<source key>/``; like any build cache the
folder must be writable only by its owner. Entries not used by a successful publish are removed then.
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

import rdflib
import yaml

from kustavi_dcat.models import Origin, Resource
from kustavi_dcat.triples import Triple
from kustavi_dcat.yamlnodes import Mention

FORMAT = 1
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


@dataclass
class Entry:
    """One resource file: its record and identifiers as loaded, and the triples and origins it maps to."""

    resource: Resource
    defined: list[Mention]
    referred: list[Mention]
    triples: list[Triple] | None = None
    origins: list[tuple[rdflib.URIRef, Origin]] | None = None


@dataclass
class RecordCache:
    """Entries for one source folder; ``key`` is computed per file, ``get``/``put`` by that key."""

    folder: Path
    catalog_bytes: bytes = b""
    used: dict[str, Entry] = field(default_factory=dict)
    """Entries of this run by key: found, or made and not yet saved."""
    keys: dict[str, str] = field(default_factory=dict)
    """File name -> key, for the map stage to find a resource's entry by its origin file."""
    fresh: set[str] = field(default_factory=set)
    hits: int = 0

    @classmethod
    def for_source(cls, cache_dir: Path, source_dir: Path) -> RecordCache:
        """The cache of ``source_dir`` inside ``cache_dir`` (each source folder has its own subfolder)."""
        name = hashlib.sha256(str(Path(source_dir).absolute()).encode()).hexdigest()[:16]
        return cls(Path(cache_dir) / name)

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        for part in (self.catalog_bytes, name.encode(), data):
            digest.update(len(part).to_bytes(8, "big") + part)
        key = digest.hexdigest()
        self.keys[name] = key
        return key

    def get(self, key: str) -> Entry | None:
        """The stored entry, or None when there is none or it cannot be trusted."""
        try:
            with open(self.folder / key, "rb") as handle:
                stored = pickle.load(handle)
            if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key
                    and isinstance(stored[1], Entry) and stored[1].triples is not None):
                return None
            entry: Entry = stored[1]
        except Exception:  # a missing, truncated or foreign file is only a miss
            return None
        self.used[key] = entry
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self.used[key] = entry
        self.fresh.add(key)

    def entry_for(self, file: str) -> Entry | None:
        key = self.keys.get(file)
        return None if key is None else self.used.get(key)

    def save(self) -> None:
        """Write the new entries (atomically each) and remove those this run did not use.

        A cache that cannot be written costs only speed next time, never the publish.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for key in sorted(self.fresh):
                entry = self.used[key]
                if entry.triples is None:
                    continue
                temp = self.folder / f".{key}.tmp-{os.getpid()}"
                with open(temp, "wb") as handle:
                    pickle.dump((key, entry), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.folder / key)
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            return

