"""Serialise stage: one graph, four files, byte-identical for the same graph, in time linear in its size.

Every writer works from the triples grouped by subject and sorted once (``Sorted``), so a catalogue of
100,000 datasets costs a hundred times what one of 1,000 does. N-Triples are sorted lines, written as
rdflib writes them; RDF/XML is one ``rdf:Description`` per subject; Turtle is one block per subject in
the ``longturtle`` style (prefixed names, one predicate per line); JSON-LD is the catalogue framed with
the top catalogue at the root and every other node embedded once (what pyld's framing with
``@embed: @once`` and ``ordered`` gives), compacted with the inline context and dumped with sorted keys.
The pyld and rdflib writers these replace stay here (``plain_*``) as the baseline the benchmarks and
tests compare against; pyld's document loader refuses every URL.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.namespaces import DCAT, PREFIXES, RDF, XSD
from kustavi_dcat.triples import Triples

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


def plain_turtle(graph: Graph) -> bytes:
    """rdflib's ``longturtle`` (the baseline: its subject ordering makes it slower than linear)."""
    return _sorted_graph(graph).serialize(format="longturtle", encoding="utf-8")


def plain_ntriples(graph: Graph) -> bytes:
    """rdflib's N-Triples writer, lines sorted (the baseline)."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Sorted:
    """The graph's triples grouped by subject, subjects and each subject's (predicate, object) pairs sorted.

    Sorted by ``_triple_key`` order, once, and shared by every writer.
    """

    subjects: tuple[tuple[Node, tuple[tuple[Node, Node], ...]], ...]

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> Sorted:
        by_subject: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in triples:
            by_subject.setdefault(s, []).append((p, o))
        keys: dict[Node, tuple[str, ...]] = {}

        def key(term: Node) -> tuple[str, ...]:
            k = keys.get(term)
            if k is None:
                k = keys[term] = _term_key(term)
            return k

        return cls(tuple(
            (s, tuple(sorted(pairs, key=lambda po: (key(po[0]), key(po[1])))))
            for s, pairs in sorted(by_subject.items(), key=lambda item: key(item[0]))
        ))

    def __len__(self) -> int:
        return sum(len(pairs) for _, pairs in self.subjects)


def _sorted_of(graph: Graph | Triples | Sorted) -> Sorted:
    return graph if isinstance(graph, Sorted) else Sorted.of(graph)


# -- N-Triples -----------------------------------------------------------------------------------


def _nt_literal(o: Literal) -> str:
    """A literal as rdflib's N-Triples writer writes it."""
    text = '"{}"'.format(str(o).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r"))
    if o.language:
        return f"{text}@{o.language}"
    if o.datatype:
        return f"{text}^^<{o.datatype}>"
    return text


def _nt(term: Node) -> str:
    if isinstance(term, Literal):
        return _nt_literal(term)
    return f"_:{term}" if isinstance(term, BNode) else f"<{term}>"


def to_ntriples(graph: Graph | Sorted) -> bytes:
    """Sorted N-Triples lines (the same bytes as rdflib's writer, sorted)."""
    lines: list[str] = []
    for s, pairs in _sorted_of(graph).subjects:
        subject = _nt(s) + " "
        lines.extend(subject + f"<{p}> " + _nt(o) + " ." for p, o in pairs)
    lines.sort()
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- Turtle --------------------------------------------------------------------------------------

_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class _Names:
    """Prefixed names for IRIs whose local part is a plain name; everything else is written ``<IRI>``."""

    def __init__(self) -> None:
        self.by_ns = {ns: prefix for prefix, ns in PREFIXES}
        self.used: set[str] = set()
        self.cache: dict[Node, str] = {}

    def iri(self, term: Node) -> str:
        found = self.cache.get(term)
        if found is None and isinstance(term, BNode):
            found = self.cache[term] = f"_:{term}"
        if found is None:
            ns, local = _split(term)
            prefix = self.by_ns.get(ns)
            if prefix is not None and _PN_LOCAL.match(local):
                self.used.add(prefix)
                found = f"{prefix}:{local}"
            else:
                found = f"<{term}>"
            self.cache[term] = found
        return found

    def term(self, term: Node) -> str:
        if not isinstance(term, Literal):
            return self.iri(term)
        text = '"{}"'.format(str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
            "\r", "\\r").replace("\t", "\\t"))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{self.iri(term.datatype)}"
        return text


def to_turtle(graph: Graph | Sorted) -> bytes:
    """One block per subject, subjects sorted; ``a`` first, then predicates by IRI, objects in rdflib's order.

    The object order is the one rdflib's ``longturtle`` used, and it matters: a CKAN harvester keeps the
    first of several names it reads (e.g. ``foaf:name`` of the publisher).
    """
    names = _Names()
    blocks: list[str] = []
    for s, pairs in _sorted_of(graph).subjects:
        lines = [names.iri(s)]
        by_predicate: dict[Node, list[Node]] = {}
        for p, o in pairs:
            by_predicate.setdefault(p, []).append(o)
        types = by_predicate.pop(RDF.type, None)
        if types:
            lines.append(_turtle_objects("a", [names.term(o) for o in _rdflib_order(types)]))
        for p, objects in by_predicate.items():  # objects in rdflib's term order, as longturtle writes them
            lines.append(_turtle_objects(names.iri(p), [names.term(o) for o in _rdflib_order(objects)]))
        blocks.append("\n".join(lines) + "\n.\n")
    head = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(PREFIXES) if prefix in names.used)
    return (head + "\n" + "\n".join(blocks)).encode("utf-8")


def _rdflib_order(terms: list[Node]) -> list[Node]:
    return sorted(terms)  # type: ignore[type-var]  # rdflib terms are totally ordered


def _turtle_objects(predicate: str, objects: list[str]) -> str:
    if len(objects) == 1:
        return f"    {predicate} {objects[0]} ;"
    return f"    {predicate}\n" + " ,\n".join(f"        {o}" for o in objects) + " ;"


def to_rdfxml(graph: Graph | Sorted) -> bytes:
    """Flat RDF/XML, one ``rdf:Description`` per subject, everything sorted.

    rdflib's XML writers iterate hash-ordered sets, so their bytes change between runs; this one does not.
    """
    data = _sorted_of(graph)
    namespaces = dict((ns, prefix) for prefix, ns in PREFIXES)
    extra = sorted({_split(p)[0] for _, pairs in data.subjects for p, _ in pairs} - set(namespaces))
    namespaces.update((ns, f"ns{i}") for i, ns in enumerate(extra))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f'  xmlns:{prefix}={quoteattr(ns)}' for ns, prefix in sorted(namespaces.items(), key=lambda x: x[1])]
    lines[-1] += ">"
    tags: dict[Node, str] = {}
    for s, pairs in data.subjects:
        about = "rdf:nodeID" if isinstance(s, BNode) else "rdf:about"
        lines.append(f"  <rdf:Description {about}={quoteattr(str(s))}>")
        for p, o in pairs:
            tag = tags.get(p)
            if tag is None:
                ns, local = _split(p)
                tag = tags[p] = f"{namespaces[ns]}:{local}"
            if isinstance(o, Literal):
                attrs = f" xml:lang={quoteattr(o.language)}" if o.language else (
                    f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype is not None else "")
                lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
            else:
                ref = "rdf:nodeID" if isinstance(o, BNode) else "rdf:resource"
                lines.append(f"    <{tag} {ref}={quoteattr(str(o))}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _split(predicate: Node) -> tuple[str, str]:
    """Namespace and local name of a predicate IRI (split after the last '#' or '/')."""
    text = str(predicate)
    cut = max(text.rfind("#"), text.rfind("/")) + 1
    return text[:cut], text[cut:]


def plain_jsonld(graph: Graph) -> bytes:
    """Compact, framed JSON-LD by pyld (the baseline ``to_jsonld`` reproduces byte for byte)."""
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
        node.setdefault(str(p), []).append(_value(o))
    return list(nodes.values())


def _value(o: Node) -> dict[str, str]:
    if isinstance(o, Literal):
        value: dict[str, str] = {"@value": str(o)}
        if o.language:
            value["@language"] = o.language
        elif o.datatype is not None and o.datatype != XSD.string:
            value["@type"] = str(o.datatype)
        return value
    return {"@id": str(o)}


def _canonical(value: Any) -> Any:
    """Sort JSON arrays by their serialised form: RDF values are unordered, bytes must not be."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


class _Compactor:
    """IRI compaction against the inline context (prefixes only: no terms, ``@vocab`` or ``@base``).

    As JSON-LD 1.1 compacts an IRI: the shortest, then lexicographically least, ``prefix:suffix`` among
    prefixes whose IRI ends in a gen-delim and is a proper prefix of the IRI; otherwise the IRI itself.
    """

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.prefixes = [(term, iri) for term, iri in sorted(ctx.items())
                         if isinstance(iri, str) and iri[-1:] in ":/?#[]@"]
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = iri
            best: str | None = None
            for term, ns in self.prefixes:
                if iri.startswith(ns) and iri != ns:
                    candidate = f"{term}:{iri[len(ns):]}"
                    if best is None or (len(candidate), candidate) < (len(best), best):
                        best = candidate
            if best is not None:
                found = best
            self.cache[iri] = found
        return found


def to_jsonld(graph: Graph | Sorted) -> bytes:
    """Compact JSON-LD, the top catalogue at the root and every other node embedded where first reached.

    The same bytes as pyld's framing (``plain_jsonld``) in linear time: the frame selects the catalogues
    that have sub-catalogues (``dcat:catalog``), and from there, properties in sorted order and values in
    sorted order, each node is embedded the first time it is reached and referred to by ``@id`` after.
    One deliberate difference: pyld lower-cases language tags; this writer keeps them as the graph has them.
    """
    data = _sorted_of(graph)
    if any(isinstance(t, BNode) for s, pairs in data.subjects for t in (s, *(o for _, o in pairs))):
        return plain_jsonld(graph if isinstance(graph, Graph) else _graph_of(data))  # pyld relabels blank nodes
    ctx = context()["@context"]
    compact = _Compactor(ctx)
    nodes = {s: pairs for s, pairs in data.subjects}
    roots = sorted(str(s) for s, pairs in data.subjects
                   if (RDF.type, DCAT.Catalog) in pairs and any(p == DCAT.catalog for p, _ in pairs))
    embedded: set[str] = set()
    outputs = [_embed(URIRef(root), nodes, embedded, compact) for root in roots]
    if len(outputs) == 1:
        document: dict[str, Any] = outputs[0]
    else:
        document = {"@graph": outputs}
    document["@context"] = ctx
    return (_dump(_canonical_fast(document), "") + "\n").encode("utf-8")


def _graph_of(data: Sorted) -> Graph:
    g = Graph()
    for s, pairs in data.subjects:
        for p, o in pairs:
            g.add((s, p, o))
    return g


def _embed(node: Node, nodes: dict[Node, tuple[tuple[Node, Node], ...]], embedded: set[str],
           compact: _Compactor) -> dict[str, Any]:
    """A node object with its values; nodes not embedded before are embedded here (depth first)."""
    key = str(node)
    out: dict[str, Any] = {"@id": compact(key)}
    embedded.add(key)
    by_property: dict[str, list[Any]] = {}
    for p, o in nodes.get(node, ()):
        if p == RDF.type:
            by_property.setdefault("@type", []).append(compact(str(o)))
        else:
            by_property.setdefault(str(p), []).append(o)
    for prop in sorted(by_property):
        values = by_property[prop]
        if prop == "@type":
            out["@type"] = values[0] if len(values) == 1 else values
            continue
        items: list[Any] = []
        for o in values:
            if isinstance(o, Literal):
                items.append(_compact_value(o, compact))
            elif str(o) in embedded or o not in nodes:
                items.append({"@id": compact(str(o))})
            else:
                items.append(_embed(o, nodes, embedded, compact))
        out[compact(prop)] = items[0] if len(items) == 1 else items
    return out


def _compact_value(o: Literal, compact: _Compactor) -> Any:
    if o.language:
        return {"@language": o.language, "@value": str(o)}
    if o.datatype is not None and o.datatype != XSD.string:
        return {"@type": compact(str(o.datatype)), "@value": str(o)}
    return str(o)


def _canonical_fast(value: Any) -> Any:
    """``_canonical`` in linear time: each item's sort key is built once, from its children's keys."""
    return _canonical_keyed(value)[0]


def _canonical_keyed(value: Any) -> tuple[Any, str]:
    """The canonical value and its ``json.dumps(value, sort_keys=True, ensure_ascii=False)`` text."""
    if isinstance(value, str):
        return value, _json_str(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        parts: list[tuple[str, str]] = []
        for k, v in value.items():
            canon, text = _canonical_keyed(v)
            out[k] = canon
            parts.append((k, text))
        parts.sort()
        return out, "{" + ", ".join(f"{_json_str(k)}: {text}" for k, text in parts) + "}"
    if isinstance(value, list):
        keyed: list[tuple[str, int, Any]] = []
        for i, v in enumerate(value):
            canon, text = _canonical_keyed(v)
            keyed.append((text, i, canon))
        keyed.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in keyed], "[" + ", ".join(item[0] for item in keyed) + "]"
    return value, json.dumps(value, sort_keys=True, ensure_ascii=False)


_json_str: Callable[[str], str] = json.encoder.encode_basestring
"""A string as ``json.dumps(..., ensure_ascii=False)`` writes it (the C encoder where there is one)."""


def _dump(value: Any, indent: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)``, without the slow pure-Python path."""
    if isinstance(value, str):
        return _json_str(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        return "{\n" + ",\n".join(
            f"{inner}{_json_str(k)}: {_dump(value[k], inner)}" for k in sorted(value)
        ) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + ",\n".join(f"{inner}{_dump(v, inner)}" for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


WRITERS: dict[str, Callable[[Graph | Sorted], bytes]] = {
    "catalog.ttl": to_turtle,
    "catalog.jsonld": to_jsonld,
    "catalog.rdf": to_rdfxml,
    "catalog.nt": to_ntriples,
}


PLAIN_WRITERS: dict[str, Callable[[Graph], bytes]] = {
    "catalog.ttl": plain_turtle,
    "catalog.jsonld": plain_jsonld,
    "catalog.rdf": to_rdfxml,
    "catalog.nt": plain_ntriples,
}
"""The writers before linear serialisation: the baseline of ``benchmarks/scale.py`` and of the tests."""


def serialise_all(graph: Graph | Triples | Sorted) -> dict[str, bytes]:
    """Every output file's bytes, by file name (the triples are sorted once for all four)."""
    data = _sorted_of(graph)
    return {name: write(data) for name, write in WRITERS.items()}


BACKGROUND_MIN_TRIPLES = 100_000
"""From this size on, JSON-LD (the slowest writer) is written in a second process: below it, starting
one costs more than it saves."""

BACKGROUND_FILE = "catalog.jsonld"

_BACKGROUND: Sorted | None = None
"""What the forked writer serialises; set in the parent just before the fork (shared copy-on-write)."""


def _write_background() -> bytes:
    assert _BACKGROUND is not None
    return WRITERS[BACKGROUND_FILE](_BACKGROUND)


class Writers:
    """The four files of a large catalogue written on two cores: JSON-LD in a forked process, started at
    once, so that it runs while this process validates and writes the other three.

    The bytes are those of ``serialise_all``: the same functions on the same sorted triples. Small
    catalogues, and systems that cannot fork, write everything here. Use as a context manager, so the
    worker is stopped if validation refuses the catalogue.
    """

    def __init__(self, graph: Graph | Triples | Sorted) -> None:
        global _BACKGROUND
        self.data = _sorted_of(graph)
        self.pool: Any = None
        self.pending: Any = None
        if len(self.data) >= BACKGROUND_MIN_TRIPLES and "fork" in multiprocessing.get_all_start_methods():
            _BACKGROUND = self.data
            try:
                self.pool = multiprocessing.get_context("fork").Pool(1)
                self.pending = self.pool.apply_async(_write_background)
            finally:
                _BACKGROUND = None

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    @property
    def background(self) -> bool:
        """Whether JSON-LD is being written in the second process."""
        return self.pending is not None

    def files(self) -> dict[str, bytes]:
        """Every output file's bytes, by file name (waits for the background writer)."""
        out = {name: write(self.data) for name, write in WRITERS.items()
               if self.pending is None or name != BACKGROUND_FILE}
        if self.pending is not None:
            out[BACKGROUND_FILE] = self.pending.get()
        return {name: out[name] for name in WRITERS}
