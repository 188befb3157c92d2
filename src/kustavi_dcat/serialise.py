"""Serialise stage: one graph, four files, byte-identical for the same graph.

Turtle is rdflib's ``longturtle`` (subjects and objects sorted); N-Triples and RDF/XML are written from
sorted triples; JSON-LD is framed with pyld (top catalogue first) with its context inline, through a
document loader that refuses every URL, and dumped with sorted keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.errors import OutputError
from kustavi_dcat.namespaces import PREFIXES, RDF, XSD

FORMATS: dict[str, str] = {
    "catalog.ttl": "turtle",
    "catalog.jsonld": "json-ld",
    "catalog.rdf": "xml",
    "catalog.nt": "nt",
}
"""Output file name to rdflib parser format."""


def refuse_urls(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: no network, ever. Contexts and frames ship with the package."""
    raise jsonld.JsonLdError(f"refusing to load {url}: documents are never fetched", "loading document failed",
                             code="loading document failed")


@cache
def _package_json(name: str) -> str:
    return resources.files("kustavi_dcat.data").joinpath(name).read_text("utf-8")


def context() -> dict[str, Any]:
    """The JSON-LD context, inline in every document so no consumer has to fetch one."""
    value: dict[str, Any] = json.loads(_package_json("context.json"))
    return value


def frame() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(_package_json("frame.json"))
    return value


def _sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion order is sorted, so order-preserving serialisers write the same bytes."""
    out = Graph()
    for prefix, ns in PREFIXES:
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(graph, key=_triple_key):
        out.add(triple)
    return out


def _term_key(term: Node) -> tuple[str, ...]:
    if isinstance(term, Literal):
        return ("2", str(term), term.language or "", str(term.datatype or ""))
    return ("1" if isinstance(term, URIRef) else "0", str(term))


def _triple_key(triple: tuple[Node, Node, Node]) -> tuple[tuple[str, ...], ...]:
    return tuple(_term_key(t) for t in triple)


def to_turtle(graph: Graph) -> bytes:
    return _sorted_graph(graph).serialize(format="longturtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_rdfxml(graph: Graph) -> bytes:
    """Flat RDF/XML, one ``rdf:Description`` per subject, everything sorted.

    rdflib's XML writers iterate hash-ordered sets, so their bytes change between runs; this one does not.
    """
    namespaces = dict((ns, prefix) for prefix, ns in PREFIXES)
    extra = sorted({_split(p)[0] for p in graph.predicates()} - set(namespaces))
    namespaces.update((ns, f"ns{i}") for i, ns in enumerate(extra))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f'  xmlns:{prefix}={quoteattr(ns)}' for ns, prefix in sorted(namespaces.items(), key=lambda x: x[1])]
    lines[-1] += ">"
    current: Node | None = None
    for s, p, o in sorted(graph, key=_triple_key):
        if s != current:
            if current is not None:
                lines.append("  </rdf:Description>")
            lines.append(f"  <rdf:Description rdf:about={quoteattr(str(s))}>")
            current = s
        ns, local = _split(p)
        tag = f"{namespaces[ns]}:{local}"
        if isinstance(o, Literal):
            attrs = f" xml:lang={quoteattr(o.language)}" if o.language else (
                f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype is not None else "")
            lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
        else:
            lines.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
    if current is not None:
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _split(predicate: Node) -> tuple[str, str]:
    """Namespace and local name of a predicate IRI (split after the last '#' or '/')."""
    text = str(predicate)
    cut = max(text.rfind("#"), text.rfind("/")) + 1
    return text[:cut], text[cut:]


def to_jsonld(graph: Graph) -> bytes:
    """Compact, framed JSON-LD: the top catalogue at the root, every other node embedded once."""
    options = {"documentLoader": refuse_urls}
    expanded = _expanded(graph)
    ctx = context()
    framed = jsonld.frame(expanded, {**ctx, **frame()}, {**options, "omitGraph": True, "ordered": True})
    framed["@context"] = ctx["@context"]
    return (json.dumps(_canonical(framed), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _expanded(graph: Graph) -> list[dict[str, Any]]:
    """Expanded JSON-LD straight from the graph (pyld's N-Quads reader is several times slower)."""
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(graph, key=_triple_key):
        node = nodes.setdefault(str(s), {"@id": str(s)})
        if p == RDF.type:
            node.setdefault("@type", []).append(str(o))
            continue
        if isinstance(o, Literal):
            value: dict[str, str] = {"@value": str(o)}
            if o.language:
                value["@language"] = o.language
            elif o.datatype is not None and o.datatype != XSD.string:
                value["@type"] = str(o.datatype)
        else:
            value = {"@id": str(o)}
        node.setdefault(str(p), []).append(value)
    return list(nodes.values())


def _canonical(value: Any) -> Any:
    """Sort JSON arrays by their serialised form: RDF values are unordered, bytes must not be."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


WRITERS: dict[str, Callable[[Graph], bytes]] = {
    "catalog.ttl": to_turtle,
    "catalog.jsonld": to_jsonld,
    "catalog.rdf": to_rdfxml,
    "catalog.nt": to_ntriples,
}


def serialise_all(graph: Graph) -> dict[str, bytes]:
    """Every output file's bytes, by file name."""
    try:
        return {name: write(graph) for name, write in WRITERS.items()}
    except jsonld.JsonLdError as exc:  # pragma: no cover - a defect, not a user error
        raise OutputError(f"JSON-LD serialisation failed: {exc}") from exc
