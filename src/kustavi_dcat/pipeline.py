"""The whole pipeline, stage by stage: load -> map -> validate -> serialise -> publish.

Nothing is written unless every stage before publishing succeeded, so a bad source or an invalid
catalogue never costs a steward the output that harvesters are reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kustavi_dcat.errors import InvalidCatalogError
from kustavi_dcat.loader import load
from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.namespaces import DCAT, RDF
from kustavi_dcat.publish import write_atomically
from kustavi_dcat.serialise import serialise_all
from kustavi_dcat.validate import Report, validate_graph


@dataclass(frozen=True)
class Counts:
    catalogs: int
    datasets: int
    services: int
    triples: int

    @classmethod
    def of(cls, graph: Graph) -> Counts:
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


def publish(source_dir: Path, out_dir: Path) -> PublishReport:
    """Load, map, validate, serialise and write; raises before writing anything on any failure."""
    mapped = map_source(source_dir)
    report = validate_graph(mapped.graph, mapped.origins)
    if not report.conforms:
        raise CatalogInvalid(report)
    files = serialise_all(mapped.graph)
    written = write_atomically(out_dir, files)
    return PublishReport(written, Counts.of(mapped.graph), report)
