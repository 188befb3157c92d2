"""The source folder as the record path reads it: ``catalog.yaml``'s records and every resource file's
bytes and cache key, nothing parsed yet but ``catalog.yaml`` (the workers read the files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kustavi_dcat.cache import RecordCache
from kustavi_dcat.models import Source
from kustavi_dcat.records.handover import HandOver, Reason
from kustavi_dcat.records.unit import SourceFile
from kustavi_dcat.source import loader
from kustavi_dcat.source.yamlnodes import Mention


@dataclass
class SourceFolder:
    """What the record path reads of a source folder before mapping."""

    head: Source
    """``catalog.yaml``'s records, without the resources (the units have them)."""
    files: list[SourceFile]
    defined: list[Mention]
    """The identifiers ``catalog.yaml`` defines ..."""
    referred: list[Mention]
    """... and those it refers to (for the cross-record checks)."""


def read(source_dir: Path, cache: RecordCache) -> SourceFolder:
    """Read ``catalog.yaml`` and every resource file's bytes (and tell the cache ``catalog.yaml``'s bytes:
    every key depends on them). Raises ``HandOver`` where the folder has problems: the whole-graph path
    reports them exactly as ``loader.load`` does."""
    root = Path(source_dir)
    paths, problems = loader.resource_files(root)
    catalog_path = root / loader.CATALOG_FILE
    catalog_data = loader.file_bytes(catalog_path, problems)
    read = loader.read_catalog(catalog_path, catalog_data)
    if problems or read.parse_problems or read.problems or not isinstance(read.record, dict):
        raise HandOver(Reason.SOURCE_PROBLEMS)
    cache.catalog_bytes = catalog_data or b""
    files: list[SourceFile] = []
    for path in paths:
        data = loader.file_bytes(path, problems)
        if data is None:
            raise HandOver(Reason.UNREADABLE_FILE)
        files.append(SourceFile(str(path), data, cache.key(str(path), data)))
    return SourceFolder(Source(resources=(), **read.record), files, list(read.defined), list(read.referred))
