"""Descriptions and Hydra pages of the catalogue, read from the store and written with rdflib's writers.

A description (``describe``) is what a resource's IRI answers with; a page (``Paging``) is one slice of
the datasets with everything the catalogue says around them, so the pages together are exactly the
graph. Nothing is computed ahead: the store answers each lookup from its indexes, so start-up does not
grow with the catalogue; what is computed is kept in a bounded cache by the application.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from kustavi_dcat.namespaces import DCAT, DCT, FOAF, HYDRA, PREFIXES, RDF, RDFS, SKOS, VCARD
from kustavi_dcat.rdf.reading import to_rdflib
from kustavi_dcat.rdf.serialise import context as jsonld_context
from kustavi_dcat.rdf.serialise import to_rdfxml
from kustavi_dcat.web.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE, Format

__all__ = ["Catalogue", "Paging", "describe", "hydra_view", "serialise"]

Term = Any  # a pyoxigraph NamedNode, BlankNode or Literal
OxTriple = tuple[Term, Term, Term]
Triple = tuple[Node, Node, Node]

LABELS = tuple(ox.NamedNode(str(p)) for p in (DCT.title, SKOS.prefLabel, VCARD.fn, FOAF.name, RDFS.label))
"""Predicates whose values name a node; a description carries them for the resources it links to."""
_TYPE = ox.NamedNode(str(RDF.type))


def _node(iri: object) -> Term:
    return ox.NamedNode(str(iri))


def _out(store: Any, node: Term) -> Iterator[OxTriple]:
    for quad in store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
        yield quad.subject, quad.predicate, quad.object


def _closure(store: Any, start: Term, stops: frozenset[Term]) -> set[OxTriple]:
    """``start``'s triples and, recursively, those of every node it reaches that is not in ``stops``."""
    seen, todo, out = {start}, [start], set()
    while todo:
        node = todo.pop()
        for triple in _out(store, node):
            out.add(triple)
            o = triple[2]
            if not isinstance(o, ox.Literal) and o not in seen and o not in stops:
                seen.add(o)
                todo.append(o)
    return out


def _labels(store: Any, node: Term) -> set[OxTriple]:
    return {(q.subject, q.predicate, q.object) for p in LABELS
            for q in store.quads_for_pattern(node, p, None, ox.DefaultGraph())}


def _inbound(store: Any, node: Term) -> Iterator[OxTriple]:
    for quad in store.quads_for_pattern(None, None, node, ox.DefaultGraph()):
        yield quad.subject, quad.predicate, quad.object


def describe(store: Any, node: Term, stops: frozenset[Term]) -> set[OxTriple]:
    """What a resource's IRI answers with.

    Its own triples; the whole description of every node it reaches through nodes that are not
    catalogues, datasets or data services (its contact point, publisher, systems, concepts), so a client
    needs no second request to show them; and, for every catalogue, dataset or service it links to or
    is linked from, the linking triple and that resource's titles, but not its type: a harvester given
    one dataset's IRI would otherwise take each typed neighbour for a dataset of its own.
    """
    out = _closure(store, node, stops)
    for _, _, o in list(out):
        if o in stops and o != node:
            out |= _labels(store, o)
    for s, p, o in _inbound(store, node):
        if isinstance(s, ox.NamedNode) and s != node:
            out.add((s, p, o))
            out |= _labels(store, s)
    return out


def _subjects(store: Any, kind: object) -> list[Term]:
    found = {q.subject for q in store.quads_for_pattern(None, _TYPE, _node(kind), ox.DefaultGraph())}
    return sorted((s for s in found if isinstance(s, ox.NamedNode)), key=lambda s: s.value)


_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"


def _unlinked(store: Any, stops: frozenset[Term]) -> list[Term]:
    """Subjects nothing links to, other than ``stops`` (one index lookup each: faster than a SPARQL anti-join)."""
    subjects = (row["s"] for row in store.query(_SUBJECTS))
    return [s for s in subjects if s not in stops and next(_inbound(store, s), None) is None]


@dataclass
class Paging:
    """The catalogue cut into pages of datasets, so that the pages together are exactly the graph.

    Every page carries the ``common`` triples: the catalogues, the data service and everything they
    reach that is not a dataset (and any node nothing links to). A dataset comes on one page only, with
    its whole description and the catalogue and service triples that point at it.
    """

    store: Any
    items: tuple[Term, ...]
    roots: tuple[Term, ...]
    page_size: int
    _frame: tuple[frozenset[OxTriple], frozenset[Term]] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.items) / self.page_size))

    @cached_property
    def stops(self) -> frozenset[Term]:
        """The datasets and roots: a description or page does not go on through them."""
        return frozenset((*self.items, *self.roots))

    def items_on(self, page: int) -> tuple[Term, ...]:
        start = (page - 1) * self.page_size
        return self.items[start:start + self.page_size]

    def frame(self) -> tuple[frozenset[OxTriple], frozenset[Term]]:
        """The common triples and their subjects; computed once, on the first page asked for."""
        with self._lock:
            if self._frame is None:
                stops, items = self.stops, set(self.items)
                starts = [*self.roots, *_unlinked(self.store, stops)]
                frame: set[OxTriple] = set()
                for start in starts:
                    frame |= _closure(self.store, start, stops)
                common = frozenset(t for t in frame if t[2] not in items)
                self._frame = common, frozenset(t[0] for t in frame)
            return self._frame

    def triples_on(self, page: int) -> set[OxTriple]:
        common, subjects = self.frame()
        out = set(common)
        stops = self.stops
        for item in self.items_on(page):
            out |= _closure(self.store, item, stops)
            out |= {t for t in _inbound(self.store, item) if t[0] in subjects}
        return out


def paginate(store: Any, page_size: int) -> Paging:
    """Pages of ``page_size`` datasets, in IRI order."""
    roots = sorted({*_subjects(store, DCAT.Catalog), *_subjects(store, DCAT.DataService)}, key=lambda s: s.value)
    return Paging(store, tuple(_subjects(store, DCAT.Dataset)), tuple(roots), page_size)


_HYDRA = {name: ox.NamedNode(str(HYDRA[name])) for name in
          ("PartialCollectionView", "first", "last", "next", "previous", "totalItems", "itemsPerPage")}
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def hydra_view(paging: Paging, page: int, link_root: str) -> set[OxTriple]:
    """The ``hydra:PartialCollectionView`` of one page; its links are ``<link_root>?page=N``."""
    def at(n: int) -> Term:
        return ox.NamedNode(f"{link_root}?page={n}")

    view, h = at(page), _HYDRA
    out: set[OxTriple] = {
        (view, _TYPE, h["PartialCollectionView"]),
        (view, h["first"], at(1)),
        (view, h["last"], at(paging.pages)),
        (view, h["totalItems"], ox.Literal(str(len(paging.items)), datatype=_INTEGER)),
        (view, h["itemsPerPage"], ox.Literal(str(paging.page_size), datatype=_INTEGER)),
    }
    if page < paging.pages:
        out.add((view, h["next"], at(page + 1)))
    if page > 1:
        out.add((view, h["previous"], at(page - 1)))
    return out


def _graph_of(triples: Iterable[Triple]) -> Graph:
    """A graph with the project's prefixes (and hydra), filled in sorted order so bytes are stable."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in _PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(triples, key=lambda t: tuple((type(x).__name__, str(x)) for x in t)):
        graph.add(triple)
    return graph


_PREFIXES = {**dict(PREFIXES), "hydra": str(HYDRA._NS)}


def serialise(triples: Iterable[OxTriple], fmt: Format) -> bytes:
    """Bytes of ``triples``: Turtle, flat JSON-LD with the inline context, RDF/XML or N-Triples.

    Turtle and N-Triples are Oxigraph's writers (several times faster than rdflib's), fed in the order
    the published files use, so bytes are stable and a client reads lists (keywords) in the same order
    from a page as from the file; RDF/XML is the publishing writer and JSON-LD rdflib's, compacted with the
    published files' inline context.
    """
    pairs = sorted((((to_rdflib(s), to_rdflib(p), to_rdflib(o)), (s, p, o)) for s, p, o in triples),
                   key=lambda pair: pair[0])  # rdflib's order of terms, the order of the published files
    ordered = [pair[1] for pair in pairs]
    if fmt in (TURTLE, NTRIPLES):
        written: bytes | None = ox.serialize([ox.Triple(s, p, o) for s, p, o in ordered],
                                      format=ox.RdfFormat.TURTLE if fmt == TURTLE else ox.RdfFormat.N_TRIPLES,
                                      prefixes=_PREFIXES if fmt == TURTLE else None)
        return written or b""
    graph = _graph_of(pair[0] for pair in pairs)
    if fmt == JSONLD:
        ctx = jsonld_context()["@context"]
        return graph.serialize(format="json-ld", context=ctx, auto_compact=True, encoding="utf-8")
    if fmt == RDFXML:
        return to_rdfxml(graph)
    raise ValueError(f"not an RDF format: {fmt.media_type}")


class Catalogue:
    """The store's catalogue: its top catalogue, base IRI, datasets in pages, and resource lookups."""

    def __init__(self, store: Any, page_size: int) -> None:
        self.store = store
        self.paging = paginate(store, page_size)
        self.top = _top_catalogue(store)
        self.base = _base_of(self.top)
        self.title = _title(store, self.top)

    def resource(self, iri: str) -> Term | None:
        """The IRI as a store node when the store describes it (it is the subject of a triple)."""
        node = ox.NamedNode(iri)
        return node if next(iter(self.store.quads_for_pattern(node, None, None, ox.DefaultGraph())), None) else None

    def description(self, node: Term) -> set[OxTriple]:
        return describe(self.store, node, self.paging.stops)

    def page(self, number: int, link_root: str) -> set[OxTriple]:
        return self.paging.triples_on(number) | hydra_view(self.paging, number, link_root)

    def endpoints(self) -> list[str]:
        """IRIs given as a data service's ``dcat:endpointURL`` (the catalogue answers at them)."""
        return [q.object.value for q in self.store.quads_for_pattern(None, _node(DCAT.endpointURL), None,
                                                                     ox.DefaultGraph())
                if isinstance(q.object, ox.NamedNode)]


def _top_catalogue(store: Any) -> Term:
    from kustavi_dcat.errors import OutputError

    catalogs = _subjects(store, DCAT.Catalog)
    if not catalogs:
        raise OutputError("the catalogue files hold no dcat:Catalog; publish the catalogue first")
    subs = {q.object for q in store.quads_for_pattern(None, _node(DCAT.catalog), None, ox.DefaultGraph())}
    return next((c for c in catalogs if c not in subs), catalogs[0])


def _base_of(catalog: Term) -> str:
    """The base IRI: the top catalogue's IRI is ``<base>catalog/<id>`` (see ``iris.py``)."""
    text = str(catalog.value)
    return text[: text.rfind("/", 0, text.rfind("/")) + 1]


def _title(store: Any, node: Term) -> str:
    """The node's Finnish title (else any title, else its IRI), for the answer naming the files while no
    page is published."""
    titles = [q.object for q in store.quads_for_pattern(node, _node(DCT.title), None, ox.DefaultGraph())]
    for title in titles:
        if title.language == "fi":
            return str(title.value)
    return str(titles[0].value) if titles else str(node.value)
