"""The section 28 profile vocabulary (s28:) ships machine-readable, and matches the terms the code uses."""

from __future__ import annotations

from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kustavi_dcat.namespaces import S28


def vocabulary() -> Graph:
    text = resources.files("kustavi_dcat.data").joinpath("s28.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def test_every_term_the_code_can_write_is_defined_with_labels() -> None:
    graph = vocabulary()
    namespace = str(S28._NS)
    defined = {s for s in graph.subjects(RDFS.label) if str(s).startswith(namespace) and str(s) != namespace}
    assert defined == {URIRef(namespace + name) for name in S28.__annotations__}
    for term in defined:
        assert (term, RDF.type, RDFS.Class) in graph or (term, RDF.type, RDF.Property) in graph, term
        labels = {o.language for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)}
        assert {"fi", "en"} <= labels, term
        assert graph.value(term, RDFS.comment) is not None, term


def test_the_vocabulary_is_an_ontology_under_the_namespace() -> None:
    assert (URIRef(str(S28._NS)), RDF.type, OWL.Ontology) in vocabulary()
