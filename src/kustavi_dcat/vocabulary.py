"""The section 28 profile vocabulary as published beside the catalogue: its Turtle, and a small page for
people, made from the Turtle so the two never disagree.

The namespace (``namespaces.S28``) lies under the catalogue's base IRI; ``publish`` writes ``s28.ttl``
and ``s28.html`` into the output folder, so a host that serves ``output/`` at the base IRI (with content
negotiation, or a redirect from ``s28`` to one of them) makes every term dereferenceable.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kustavi_dcat.namespaces import S28

FILE_STEM = "s28"
"""The files' name: the last path segment of the namespace, so they sit at its path."""


@cache
def turtle() -> bytes:
    """The vocabulary document as shipped with the package."""
    return resources.files("kustavi_dcat.data").joinpath(f"{FILE_STEM}.ttl").read_bytes()


def files() -> dict[str, bytes]:
    """The two files ``publish`` writes with the catalogue, by name."""
    return {f"{FILE_STEM}.ttl": turtle(), f"{FILE_STEM}.html": page()}


@cache
def page() -> bytes:
    """A plain HTML page listing every term with its labels, comment, domain and range."""
    graph = Graph().parse(data=turtle().decode("utf-8"), format="turtle")
    ns = str(S28._NS)
    terms = sorted((s for s in set(graph.subjects(RDFS.label))
                    if isinstance(s, URIRef) and str(s).startswith(ns) and str(s) != ns), key=str)
    head = _text(graph, URIRef(ns), RDFS.label, "en")
    intro = _text(graph, URIRef(ns), RDFS.comment, "en")
    rows = "".join(_term(graph, t, ns) for t in terms)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(head)}</title>\n</head>\n<body>\n<h1>{escape(head)}</h1>\n"
        f"<p>{escape(intro)}</p>\n<p>Namespace: <code>{escape(ns)}</code> (prefix <code>s28</code>). "
        f"Machine-readable: <a href=\"{FILE_STEM}.ttl\">{FILE_STEM}.ttl</a>.</p>\n"
        f"<dl>\n{rows}</dl>\n</body>\n</html>\n"
    ).encode()


def _term(graph: Graph, term: URIRef, ns: str) -> str:
    name = str(term)[len(ns):]
    kind = "class" if (term, RDF.type, RDFS.Class) in graph or (term, RDF.type, OWL.Class) in graph else "property"
    labels = "; ".join(f"{escape(str(o))} ({o.language})" for o in sorted(
        (o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)), key=lambda o: o.language or ""))
    extra = "".join(f"<br>{what}: <code>{escape(graph.namespace_manager.normalizeUri(str(o)))}</code>"
                    for what, p in (("domain", RDFS.domain), ("range", RDFS.range), ("subclass of", RDFS.subClassOf))
                    for o in sorted(graph.objects(term, p), key=str))
    return (f"<dt id=\"{escape(name)}\"><code>s28:{escape(name)}</code> ({kind})</dt>\n"
            f"<dd>{labels}<br>{escape(_text(graph, term, RDFS.comment, 'en'))}{extra}</dd>\n")


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    return next((str(o) for o in graph.objects(subject, predicate)
                 if isinstance(o, Literal) and o.language == lang), "")
