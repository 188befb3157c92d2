"""The writers the project's own replaced: rdflib's and pyld's, the baseline of tests and benchmarks.

``render`` and ``serialise`` write the four files in time linear in the graph; these are the library
writers they must equal byte for byte (JSON-LD, N-Triples) or graph for graph (Turtle), and the baseline
``benchmarks/scale.py`` times them against. Test support, not part of the package.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph

from kustavi_dcat.namespaces import PREFIXES
from kustavi_dcat.rdf.serialise import triple_key, whole_jsonld, whole_rdfxml


def _sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so order-preserving serialisers write the same bytes."""
    out = Graph()
    for prefix, ns in PREFIXES:
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(graph, key=triple_key):
        out.add(triple)
    return out


def plain_turtle(graph: Graph) -> bytes:
    """rdflib's ``longturtle`` (the baseline: its subject ordering makes it slower than linear)."""
    return _sorted_graph(graph).serialize(format="longturtle", encoding="utf-8")


def plain_ntriples(graph: Graph) -> bytes:
    """rdflib's N-Triples writer, lines sorted (the baseline)."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.split("\n") if line.strip())  # not splitlines: \x0c, \x85 are text
    return ("\n".join(lines) + "\n").encode("utf-8")




plain_jsonld = whole_jsonld
"""pyld's flattened JSON-LD: the package's own whole-graph JSON-LD writer is pyld itself."""


PLAIN_WRITERS: dict[str, Callable[[Graph], bytes]] = {
    "catalog.ttl": plain_turtle,
    "catalog.jsonld": whole_jsonld,
    "catalog.rdf": whole_rdfxml,
    "catalog.nt": plain_ntriples,
}
"""The writers before linear serialisation: the baseline of ``benchmarks/scale.py`` and of the tests
(RDF/XML's is the project's whole-graph writer: rdflib's bytes change between runs)."""
