"""Validate stage: pyshacl with the project's shapes; results come back as data for the CLI to render.

No remote imports and no inference: the shapes in ``shapes/`` are complete on their own, and the
catalogue states every class its values need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef

from kustavi_dcat.models import Origin
from kustavi_dcat.namespaces import SH

SHAPE_FILES_EXCLUDED = ("vocabularies.ttl",)
"""Data, not shapes: the accepted-codes extract (read by the mapping)."""


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, as a steward or a script needs it."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    constraint: str  # the SHACL constraint component IRI
    value: str | None
    message: str
    shape: str
    origin: Origin | None = None


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    @property
    def conforms(self) -> bool:
        return not self.violations


@cache
def shapes_graph() -> Graph:
    """Every ``*.ttl`` in the shapes package except data files, parsed once per process."""
    g = Graph()
    folder = resources.files("kustavi_dcat.shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl") and entry.name not in SHAPE_FILES_EXCLUDED:
            g.parse(data=entry.read_text("utf-8"), format="turtle")
    return g


def validate_graph(graph: Graph, origins: Mapping[URIRef, Origin] | None = None) -> Report:
    """Run the shapes over ``graph``; ``origins`` maps focus nodes back to source records."""
    shapes = shapes_graph()
    if len(shapes) == 0:
        return Report(())
    _, report, _ = shacl_validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True,
                                  advanced=True)
    origins = origins or {}
    results = []
    for r in report.objects(None, SH.result):
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        value = report.value(r, SH.value)
        results.append(Result(
            severity=str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=str(focus),
            path=str(path) if path is not None else None,
            constraint=str(report.value(r, SH.sourceConstraintComponent)),
            value=str(value) if value is not None else None,
            message=str(report.value(r, SH.resultMessage) or ""),
            shape=str(report.value(r, SH.sourceShape)),
            origin=origins.get(focus) if isinstance(focus, URIRef) else None,
        ))
    return Report(tuple(sorted(results)))
