"""The whole pipeline, stage by stage: load -> map -> validate -> serialise -> publish.

Nothing is written unless every stage before publishing succeeded, so a bad source or an invalid
catalogue never costs a steward the output that harvesters are reading.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kustavi_dcat.cache import RecordCache
from kustavi_dcat.errors import InvalidCatalogError
from kustavi_dcat.fastvalidate import validate_fast
from kustavi_dcat.loader import load
from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.namespaces import DCAT, RDF
from kustavi_dcat.publish import write_atomically
from kustavi_dcat.serialise import Writers, serialise_all
from kustavi_dcat.triples import Triples
from kustavi_dcat.validate import Report, validate_graph


@dataclass(frozen=True)
class Counts:
    catalogs: int
    datasets: int
    services: int
    triples: int

    @classmethod
    def of(cls, graph: Graph | Triples) -> Counts:
        def n(cls_: object) -> int:
            return len(set(graph.subjects(RDF.type, cls_)))  # type: ignore[arg-type]

        return cls(n(DCAT.Catalog), n(DCAT.Dataset), n(DCAT.DataService), len(graph))


@dataclass(frozen=True)
class PublishReport:
    written: list[Path]
    counts: Counts
    validation: Report


class CatalogInvalid(InvalidCatalogError):
    """Publishing refused: the catalogue breaks a rule. Carries the validation report for rendering."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = len(report.violations)
        super().__init__(f"{n} violation{'s' if n != 1 else ''}; nothing was written.")


def map_source(source_dir: Path) -> Mapped:
    """Load and map a source folder (raises ``SourceError`` with every problem)."""
    return build(load(source_dir))


STAGES: tuple[str, ...] = ("load", "map", "validate", "serialise", "write")
"""The stages ``publish`` reports to its ``progress`` callback, in order; "done" follows the last."""


def publish(source_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None, *, fast: bool = True,
            jobs: int | None = None, cache_dir: Path | None = None) -> PublishReport:
    """Load, map, validate, serialise and write; raises before writing anything on any failure.

    ``progress`` is called with each stage's name as it starts, and with "done" at the end, so a
    front end can show a progress bar or time the stages without this module knowing about terminals.
    ``fast`` validates with the compiled shapes (``fastvalidate``, the same report as pyshacl's, on up
    to ``jobs`` processes for large catalogues); ``fast=False`` runs pyshacl itself. ``cache_dir`` keeps
    what each resource file was read and mapped to (``cache.py``), so a republish re-reads and re-maps
    only the files that changed; the files written are the same bytes either way.
    """
    with without_cycle_collection():
        return _publish(source_dir, out_dir, progress or _silent, fast, jobs, cache_dir)


def _publish(source_dir: Path, out_dir: Path, step: Callable[[str], None], fast: bool, jobs: int | None,
             cache_dir: Path | None) -> PublishReport:
    step("load")
    cache = RecordCache.for_source(cache_dir, source_dir) if cache_dir is not None else None
    source = load(source_dir, cache)
    step("map")
    mapped = build(source, cache)
    step("validate")
    with Writers(mapped.triples) as writers:  # a large catalogue's JSON-LD is written meanwhile
        report = (validate_fast(mapped.triples, mapped.origins, jobs=jobs) if fast  # same report, compiled
                  else validate_graph(mapped.graph, mapped.origins))
        if not report.conforms:
            raise CatalogInvalid(report)
        step("serialise")
        files = writers.files() if writers.background else serialise_all(writers.data)
    step("write")
    written = write_atomically(out_dir, files)
    if cache is not None:
        cache.save()
    step("done")
    return PublishReport(written, Counts.of(mapped.triples), report)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one publish.

    A national catalogue is millions of small objects made at once; the collector scanned them again and
    again and made loading, mapping and validating two to three times slower. Reference counting still
    frees everything the run drops; the collector is back on (if it was) when the run ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _silent(stage: str) -> None:
    """The default progress callback: says nothing."""
