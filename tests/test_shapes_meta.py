"""The shapes themselves: valid SHACL (shacl-shacl), every rule explains itself, validation stays fast."""

from __future__ import annotations

import time

import pytest
from pyshacl import validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kustavi_dcat.mapping import Mapped
from kustavi_dcat.validation.validate import shapes_graph, validate_graph

KS = "https://www.kustavi.fi/tietovarannot/s28/shapes#"
PARAMETERS = {SH.minCount, SH.maxCount, SH.nodeKind, SH["class"], SH.datatype, SH["in"], SH.pattern,
              SH["or"], SH.node, SH.qualifiedValueShape, SH.languageIn, SH.sparql}
"""The constraint parameters the project's shapes use; a shape with one of them can report a result."""


def meta_validate(shapes: Graph) -> None:
    """pyshacl's meta-SHACL step: the shapes graph is checked against shacl-shacl before anything else."""
    validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True, inference="none")


def shapes_copy() -> Graph:
    """The shapes in rdflib's default store (pyshacl's meta-SHACL step needs a context-aware one)."""
    g = Graph()
    g += shapes_graph()
    return g


@pytest.mark.slow
def test_shapes_are_valid_shacl() -> None:
    meta_validate(shapes_copy())


@pytest.mark.slow
def test_meta_check_rejects_a_broken_shape() -> None:
    """The check above can fail: a shape with a non-integer sh:minCount is refused."""
    broken = shapes_copy()
    broken.set((URIRef(KS + "Dataset-title"), SH.minCount, Literal("one")))
    with pytest.raises(ReportableRuntimeError):
        meta_validate(broken)


TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target}


def reporting_nodes(g: Graph) -> set[URIRef]:
    """Targeted shapes with a constraint of their own, and SPARQL constraints: what a result names.

    (A shape used only through ``sh:node``, such as ks:DateLiteral, reports through the shape using it;
    a shape whose only constraints are SPARQL reports with their message and hint.)"""
    targeted = {s for s, p, _ in g if p in TARGETS}
    nodes = {s for s in targeted if isinstance(s, URIRef) and any(p in PARAMETERS - {SH.sparql}
                                                                   for p in g.predicates(s, None))}
    nodes |= {s for s in g.subjects(RDF.type, SH.SPARQLConstraint) if isinstance(s, URIRef)}
    return nodes


def test_every_rule_says_what_is_wrong_and_how_to_fix_it() -> None:
    g = shapes_graph()
    nodes = reporting_nodes(g)
    assert len(nodes) > 150
    missing = sorted(str(n) for n in nodes if not all(isinstance(g.value(n, p), Literal)
                                                      for p in (SH.message, SH.description)))
    assert missing == []


def test_shapes_are_named_in_the_project_namespace() -> None:
    """A report names the rule by IRI; anonymous top-level shapes would be unnamed in it."""
    g = shapes_graph()
    tops = {s for s, p, _ in g if p in TARGETS}
    assert tops and all(isinstance(s, URIRef) and str(s).startswith(KS) for s in tops)
    assert not any(isinstance(s, BNode) for s in g.subjects(SH.sparql, None))


def test_every_rule_is_a_violation_except_the_recommendations() -> None:
    g = shapes_graph()
    warnings = {s for s in g.subjects(SH.severity, SH.Warning)}
    assert warnings and all(str(s).startswith(KS + "Rec-") for s in warnings)
    recommended = {s for s in reporting_nodes(g) if str(s).startswith(KS + "Rec-")}
    assert recommended == warnings


def test_validating_the_kustavi_catalogue_is_fast(kustavi_mapped: Mapped) -> None:
    """Publish must stay under a second: validation is measured well below that (CPU time, best of 3)."""
    validate_graph(kustavi_mapped.graph)  # shapes parsed once per process
    times = []
    for _ in range(3):
        start = time.process_time()
        validate_graph(kustavi_mapped.graph, kustavi_mapped.origins)
        times.append(time.process_time() - start)
    assert min(times) < 0.3, times
