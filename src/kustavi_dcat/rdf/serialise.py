"""Serialise stage: one graph, four files, byte-identical for the same graph, in time linear in its size.

Every file is its format's head, one block of text per subject in the format's order, and its tail
(``render``): Turtle in the ``longturtle`` style (prefixed names, one predicate per line), sorted
N-Triples as rdflib writes them, RDF/XML with one ``rdf:Description`` per subject, and JSON-LD in the
flattened document form: the inline context and a ``@graph`` of one node object per subject, compacted,
every array sorted by its items' JSON text (what pyld's ``flatten`` gives, normalised by ``_canonical``).
A graph that ``render`` cannot write block by block (blank nodes, predicates outside the project's
namespaces) is written by the whole-graph writers here (``whole_*``), which give the same bytes where both
apply. The pyld and rdflib writers these replace are the baseline the benchmarks and tests compare
against (``tests/support/baselines.py``); pyld's document loader refuses every URL.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.namespaces import PREFIXES, RDF, XSD
from kustavi_dcat.rdf import render
from kustavi_dcat.rdf.render import Block, NotRenderable, context
from kustavi_dcat.rdf.syntax import nt_string, prefixed, split_iri, turtle_string, xml_attr, xml_text
from kustavi_dcat.rdf.triples import Triples

__all__ = [
    "BACKGROUND_MIN_TRIPLES", "FORMATS", "WRITERS", "Sorted", "Writers", "blocks", "context", "refuse_urls",
    "serialise_all", "to_jsonld", "to_ntriples", "to_rdfxml", "to_turtle", "whole_jsonld", "whole_ntriples",
    "whole_rdfxml", "whole_turtle",
]

FORMATS: dict[str, str] = {
    "catalog.ttl": "turtle",
    "catalog.jsonld": "json-ld",
    "catalog.rdf": "xml",
    "catalog.nt": "nt",
}
"""Output file name to rdflib parser format."""


def refuse_urls(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: no network, ever. The context ships with the package."""
    from pyld import jsonld

    raise jsonld.JsonLdError(f"refusing to load {url}: documents are never fetched", "loading document failed",
                             code="loading document failed")


# -- The fast writers: blocks by subject ---------------------------------------------------------------

def _pairs_by_subject(graph: Graph | Triples | Sorted) -> Iterator[tuple[Node, Iterable[tuple[Node, Node]]]]:
    if isinstance(graph, Sorted):
        yield from graph.subjects
    elif isinstance(graph, Triples):
        for s, by_predicate in graph.spo.items():
            yield s, [(p, o) for p, objects in by_predicate.items() for o in objects]
    else:
        by_subject: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in graph:
            pairs = by_subject.get(s)
            if pairs is None:
                by_subject[s] = [(p, o)]
            else:
                pairs.append((p, o))
        yield from by_subject.items()


def blocks(graph: Graph | Triples | Sorted) -> list[Block] | None:
    """Every subject's block, or None when some subject cannot be written as a block (``NotRenderable``)."""
    try:
        return [render.render(s, pairs) for s, pairs in _pairs_by_subject(graph)]  # type: ignore[arg-type]
    except NotRenderable:
        return None


def _file(index: int, graph: Graph | Triples | Sorted, rendered: list[Block] | None) -> bytes:
    """One format's file: from the blocks, or by the whole-graph writer when there are none."""
    if rendered is not None:
        return render.document(render.FORMATS[index], rendered)
    if index == 1:
        return whole_jsonld(graph if isinstance(graph, Graph) else _graph_of(graph))
    return _WHOLE[index](graph)


def to_turtle(graph: Graph | Triples | Sorted) -> bytes:
    """Turtle, one block per subject, subjects sorted; ``a`` first, then predicates by IRI, objects in
    rdflib's order.

    The object order is the one rdflib's ``longturtle`` used, and it matters: a CKAN harvester keeps the
    first of several names it reads (e.g. ``foaf:name`` of the publisher).
    """
    return _file(0, graph, blocks(graph))


def to_jsonld(graph: Graph | Triples | Sorted) -> bytes:
    """Flattened JSON-LD: the inline context and one node object per subject in ``@graph``, all sorted.

    The same bytes as pyld's ``flatten`` (``whole_jsonld``) in linear time, with one deliberate difference:
    pyld lower-cases language tags; this writer keeps them as the graph has them.
    """
    return _file(1, graph, blocks(graph))


def to_rdfxml(graph: Graph | Triples | Sorted) -> bytes:
    """Flat RDF/XML, one ``rdf:Description`` per subject, everything sorted.

    rdflib's XML writers iterate hash-ordered sets, so their bytes change between runs; this one does not.
    """
    return _file(2, graph, blocks(graph))


def to_ntriples(graph: Graph | Triples | Sorted) -> bytes:
    """Sorted N-Triples lines (the same bytes as rdflib's writer, sorted)."""
    return _file(3, graph, blocks(graph))


WRITERS: dict[str, Callable[[Graph | Triples | Sorted], bytes]] = {
    "catalog.ttl": to_turtle,
    "catalog.jsonld": to_jsonld,
    "catalog.rdf": to_rdfxml,
    "catalog.nt": to_ntriples,
}


def serialise_all(graph: Graph | Triples | Sorted) -> dict[str, bytes]:
    """Every output file's bytes, by file name (each subject rendered once for all four)."""
    rendered = blocks(graph)
    return {fmt.file: _file(i, graph, rendered) for i, fmt in enumerate(render.FORMATS)}


# -- Whole-graph writers: the fallback for what blocks cannot write ------------------------------------

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Sorted:
    """The graph's triples grouped by subject, subjects and each subject's (predicate, object) pairs sorted.

    Sorted by ``triple_key`` order, once, and shared by every writer.
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


def _graph_of(graph: Triples | Sorted) -> Graph:
    g = Graph()
    for s, pairs in _pairs_by_subject(graph):
        for p, o in pairs:
            g.add((s, p, o))
    return g


def _nt_literal(o: Literal) -> str:
    """A literal as rdflib's N-Triples writer writes it."""
    text = nt_string(str(o))
    if o.language:
        return f"{text}@{o.language}"
    if o.datatype:
        return f"{text}^^<{o.datatype}>"
    return text


def _nt(term: Node) -> str:
    if isinstance(term, Literal):
        return _nt_literal(term)
    return f"_:{term}" if isinstance(term, BNode) else f"<{term}>"


def whole_ntriples(graph: Graph | Triples | Sorted) -> bytes:
    """Sorted N-Triples lines (the same bytes as rdflib's writer, sorted), blank nodes included."""
    lines: list[str] = []
    for s, pairs in _sorted_of(graph).subjects:
        subject = _nt(s) + " "
        lines.extend(subject + f"<{p}> " + _nt(o) + " ." for p, o in pairs)
    lines.sort()
    return ("\n".join(lines) + "\n").encode("utf-8")


class _Names:
    """Prefixed names for IRIs whose local part is a plain name; everything else is written ``<IRI>``."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.cache: dict[Node, str] = {}

    def iri(self, term: Node) -> str:
        found = self.cache.get(term)
        if found is None and isinstance(term, BNode):
            found = self.cache[term] = f"_:{term}"
        if found is None:
            name = prefixed(str(term))
            if name is not None:
                self.used.add(name[0])
                found = f"{name[0]}:{name[1]}"
            else:
                found = f"<{term}>"
            self.cache[term] = found
        return found

    def term(self, term: Node) -> str:
        if not isinstance(term, Literal):
            return self.iri(term)
        text = turtle_string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{self.iri(term.datatype)}"
        return text


def whole_turtle(graph: Graph | Triples | Sorted) -> bytes:
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


def whole_rdfxml(graph: Graph | Triples | Sorted) -> bytes:
    """Flat RDF/XML, one ``rdf:Description`` per subject, everything sorted; other namespaces as ``ns<N>``.

    rdflib's XML writers iterate hash-ordered sets, so their bytes change between runs; this one does not.
    """
    data = _sorted_of(graph)
    namespaces = dict((ns, prefix) for prefix, ns in PREFIXES)
    extra = sorted({split_iri(str(p))[0] for _, pairs in data.subjects for p, _ in pairs} - set(namespaces))
    namespaces.update((ns, f"ns{i}") for i, ns in enumerate(extra))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f'  xmlns:{prefix}={xml_attr(ns)}' for ns, prefix in sorted(namespaces.items(), key=lambda x: x[1])]
    lines[-1] += ">"
    tags: dict[Node, str] = {}
    for s, pairs in data.subjects:
        about = "rdf:nodeID" if isinstance(s, BNode) else "rdf:about"
        lines.append(f"  <rdf:Description {about}={xml_attr(str(s))}>")
        for p, o in pairs:
            tag = tags.get(p)
            if tag is None:
                ns, local = split_iri(str(p))
                tag = tags[p] = f"{namespaces[ns]}:{local}"
            if isinstance(o, Literal):
                attrs = f" xml:lang={xml_attr(o.language)}" if o.language else (
                    f" rdf:datatype={xml_attr(str(o.datatype))}" if o.datatype is not None else "")
                lines.append(f"    <{tag}{attrs}>{xml_text(str(o))}</{tag}>")
            else:
                ref = "rdf:nodeID" if isinstance(o, BNode) else "rdf:resource"
                lines.append(f"    <{tag} {ref}={xml_attr(str(o))}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _term_key(term: Node) -> tuple[str, ...]:
    if isinstance(term, Literal):
        return ("2", str(term), term.language or "", str(term.datatype or ""))
    return ("1" if isinstance(term, URIRef) else "0", str(term))


def triple_key(triple: tuple[Node, Node, Node]) -> tuple[tuple[str, ...], ...]:
    return tuple(_term_key(t) for t in triple)


def whole_jsonld(graph: Graph) -> bytes:
    """Flattened, compacted JSON-LD by pyld, arrays sorted: the bytes ``to_jsonld`` reproduces in linear
    time, and the writer of a graph it cannot write (pyld relabels blank nodes)."""
    from pyld import jsonld  # imported when used

    options = {"documentLoader": refuse_urls, "ordered": True}
    flattened = jsonld.flatten(_expanded(graph), context(), options)
    if "@graph" not in flattened:  # one node: keep the document's one shape
        flattened = {"@context": flattened.pop("@context"), "@graph": [flattened]}
    return (json.dumps(_canonical(flattened), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _expanded(graph: Graph) -> list[dict[str, Any]]:
    """Expanded JSON-LD straight from the graph (pyld's N-Quads reader is several times slower)."""
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(graph, key=triple_key):
        node = nodes.setdefault(_id(s), {"@id": _id(s)})
        if p == RDF.type:
            node.setdefault("@type", []).append(_id(o))
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
    return {"@id": _id(o)}


def _id(term: Node) -> str:
    """A node's ``@id``: blank nodes as ``_:label`` (pyld relabels them), IRIs as they are."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _canonical(value: Any) -> Any:
    """Sort JSON arrays by their serialised form: RDF values are unordered, bytes must not be."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


_WHOLE: dict[int, Callable[[Graph | Triples | Sorted], bytes]] = {0: whole_turtle, 2: whole_rdfxml, 3: whole_ntriples}


# -- A second process ----------------------------------------------------------------------------------

BACKGROUND_MIN_TRIPLES = 100_000
"""From this size on, the files are written in a second process: below it, starting one costs more than
it saves."""

_BACKGROUND: Graph | Triples | Sorted | None = None
"""What the forked writer serialises; set in the parent just before the fork (shared copy-on-write)."""


def _write_background() -> dict[str, bytes]:
    assert _BACKGROUND is not None
    return serialise_all(_BACKGROUND)


class Writers:
    """The four files of a large catalogue written in a forked process, started at once, so that they are
    rendered while this process validates.

    The bytes are those of ``serialise_all`` (it is what the second process runs). Small catalogues, and
    systems that cannot fork, write everything here. Use as a context manager, so the worker is stopped
    if validation refuses the catalogue.
    """

    def __init__(self, graph: Graph | Triples | Sorted) -> None:
        global _BACKGROUND
        self.data = graph
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
        """Whether the files are being written in the second process."""
        return self.pending is not None

    def files(self) -> dict[str, bytes]:
        """Every output file's bytes, by file name (waits for the background writer)."""
        if self.pending is None:
            return serialise_all(self.data)
        files: dict[str, bytes] = self.pending.get()
        return files
