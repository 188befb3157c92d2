"""Validate stage: pyshacl with the project's shapes; results come back as data for the CLI to render.

No remote imports and no inference: the shapes in ``shapes/`` are complete on their own, and the
catalogue states every class its values need. ``advanced=True`` enables the SHACL-SPARQL rules of the
Finnish profile (exact language tags, personal identity codes, avoindata.fi collection type).

Each result carries the rule's hint (the shape's ``sh:description``) and, when the focus node was minted
from a source record, that record's file and line. A personal identity code is never repeated in a
result: values are redacted before they leave this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat import hetu
from kustavi_dcat.models import LANGUAGES, Origin
from kustavi_dcat.namespaces import SH

SHAPE_FILES_EXCLUDED = ("vocabularies.ttl",)
"""Data, not shapes: the accepted-codes extract (read by the mapping)."""

SEVERITIES = ("Violation", "Warning", "Info")
"""In the order a person should read them."""

VALUE_SCAN = URIRef("https://www.kustavi.fi/tietovarannot/s28/shapes#FI-Values")
"""The one shape whose target reads every value in the graph (shapes/s28-profile.ttl)."""

REDACTED = hetu.REDACTED
"""Stands in for a personal identity code found in a value: a code never leaves validation."""
redact = hetu.redact


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, as a steward or a script needs it."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None  # a property IRI, or "^" + IRI for an inverse path
    constraint: str  # the SHACL constraint component IRI
    value: str | None  # an IRI as is, a literal in N3 form ("text"@fi, "x"^^<datatype>)
    message: str
    shape: str
    origin: Origin | None = None
    hint: str = ""

    @property
    def component(self) -> str:
        """The constraint component's short name, e.g. ``MinCount`` for ``sh:MinCountConstraintComponent``."""
        return self.constraint.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        """Violations first, then by resource, path and rule (None sorts as empty)."""
        rank = SEVERITIES.index(self.severity) if self.severity in SEVERITIES else len(SEVERITIES)
        return rank, self.focus, self.path or "", self.constraint, self.value or "", self.shape


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

    def fails(self, strict: bool = False) -> bool:
        """Whether a command should exit 1: on violations, and with ``strict`` on warnings too."""
        return not self.conforms or (strict and bool(self.warnings))


@cache
def shapes_graph() -> Graph:
    """Every ``*.ttl`` in the shapes package except data files, parsed once per process.

    Held in rdflib's triples-only store: the shapes need no named graphs, and pyshacl reads them faster.
    """
    g = Graph(store="SimpleMemory")
    folder = resources.files("kustavi_dcat.shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl") and entry.name not in SHAPE_FILES_EXCLUDED:
            g.parse(data=entry.read_text("utf-8"), format="turtle")
    return g


@cache
def shapes_without_value_scan() -> Graph:
    """The shapes without ``VALUE_SCAN``'s SPARQL target, for graphs ``needs_value_scan`` clears."""
    g = Graph(store="SimpleMemory")
    target, full = SH.target, shapes_graph()
    for triple in full.triples((None, None, None)):
        if not (triple[0] == VALUE_SCAN and triple[1] == target):
            g.add(triple)
    return g


def needs_value_scan(graph: Graph) -> bool:
    """Whether ``VALUE_SCAN``'s SPARQL target could select any node of ``graph``.

    That target reads every triple for a value that looks like a personal identity code or carries a
    language tag other than exactly fi, sv or en; in a fresh process its query costs about 80 ms (rdflib
    parses it, then evaluates it triple by triple). This pass asks the same question of every value in a
    few milliseconds; when the answer is no, the target would select nothing and is left out. When it is
    yes, the shape runs as written. (tests/test_validate.py checks the two agree.)
    """
    for value in graph.objects():
        if isinstance(value, Literal) and value.language is not None and value.language not in LANGUAGES:
            return True
        if hetu.looks_like(str(value)):  # what that target's query looks for in each value's text
            return True
    return False


def engine_shapes(scan_values: bool = True) -> Graph:
    """The shapes graph pyshacl runs: all shapes, or all but ``VALUE_SCAN``'s target."""
    return shapes_graph() if scan_values else shapes_without_value_scan()


@cache
def shape_texts() -> dict[Node, tuple[str, str]]:
    """Shape or SPARQL constraint -> (``sh:message``, ``sh:description``): what is wrong, how to fix it."""
    g = shapes_graph()
    nodes = set(g.subjects(SH.description)) | set(g.subjects(SH.message))
    return {n: (str(g.value(n, SH.message) or ""), str(g.value(n, SH.description) or "")) for n in nodes}


def validate_graph(graph: Graph, origins: Mapping[URIRef, Origin] | None = None) -> Report:
    """Run the shapes over ``graph``; ``origins`` maps focus nodes back to source records."""
    shapes = engine_shapes(scan_values=needs_value_scan(graph))
    from pyshacl import validate as shacl_validate  # imported when used: it takes a tenth of a second

    # inplace: the shapes hold no SHACL rules, so nothing is added to ``graph`` and no copy is needed.
    _, report, _ = shacl_validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True,
                                  inplace=True)
    if not isinstance(report, Graph):  # pyshacl could not run a shape (a defect in shapes/, not in the data)
        raise RuntimeError(f"the SHACL shapes could not be run: {report}")
    return Report(tuple(sorted(results_of(report, origins or {}), key=Result.sort_key)))


def results_of(report: Graph, origins: Mapping[URIRef, Origin]) -> list[Result]:
    """The results of a pyshacl report graph as data, values and messages redacted."""
    return [_result(report, r, origins) for r in report.objects(None, SH.result)]


def _result(report: Graph, node: Node, origins: Mapping[URIRef, Origin]) -> Result:
    focus = report.value(node, SH.focusNode)
    shape = report.value(node, SH.sourceShape)
    value = report.value(node, SH.value)
    return Result(
        severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
        focus=str(focus),
        path=_path(report, report.value(node, SH.resultPath)),
        constraint=str(report.value(node, SH.sourceConstraintComponent)),
        value=redact(_term(value)) if value is not None else None,
        message=redact(str(report.value(node, SH.resultMessage) or "")),
        shape=str(shape),
        origin=origins.get(focus) if isinstance(focus, URIRef) else None,
        hint=_hint(report.value(node, SH.sourceConstraint), shape),
    )


def _hint(constraint: Node | None, shape: Node | None) -> str:
    """A SPARQL constraint's own hint, else its shape's (every other rule's hint is on its shape)."""
    texts = shape_texts()
    for node in (constraint, shape):
        if node is not None and texts.get(node, ("", ""))[1]:
            return texts[node][1]
    return ""


def _path(report: Graph, path: Node | None) -> str | None:
    """A predicate path as its IRI; an inverse path as ``^IRI``; anything more complex as SHACL says."""
    if path is None:
        return None
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
    return str(path)


def _term(term: Node) -> str:
    if isinstance(term, Literal):
        return term.n3()
    return str(term)
