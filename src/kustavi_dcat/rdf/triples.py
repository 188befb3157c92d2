"""A light set of triples for the map stage: two plain dictionaries instead of rdflib's indexed store.

rdflib's ``Graph.add`` keeps three indexes, contexts and events; mapping a national catalogue spent most
of its time there (shared values such as concepts and agents are added again by every record). Here a
triple costs two dictionary insertions, duplicates are dropped at once, and the indexes have the shape
``fastvalidate.Index`` reads (subject -> predicate -> objects, predicate -> object -> subjects). An rdflib
``Graph`` with the same triples is built only when something needs one (``to_graph``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph
from rdflib.term import Node

from kustavi_dcat.namespaces import PREFIXES

Triple = tuple[Node, Node, Node]


class Triples:
    """Subject -> predicate -> objects and predicate -> object -> subjects; no duplicates; subjects, their
    predicates and objects in the order they were added."""

    __slots__ = ("_len", "pos", "spo")

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        """The set of ``triples``, filled in bulk: each run of one subject's triples finds its entry once,
        and the predicate index is made afterwards in one pass (a file's worth twice as fast as ``add``;
        rdflib terms hash in Python, so every lookup saved counts)."""
        self.spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self.pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        spo, last, by_p = self.spo, None, {}
        for s, p, o in triples:
            if s is not last:
                by_p = spo.get(s) or spo.setdefault(s, {})
                last = s
            objects = by_p.get(p)
            if objects is None:
                by_p[p] = {o: None}
            else:
                objects[o] = None
        self._len = self._index_predicates()

    def _index_predicates(self) -> int:
        """Fill ``pos`` from ``spo``; the number of triples."""
        count, pos = 0, self.pos
        for s, by_p in self.spo.items():
            for p, objects in by_p.items():
                by_o = pos.get(p)
                if by_o is None:
                    by_o = pos[p] = {}
                for o in objects:
                    subjects = by_o.get(o)
                    if subjects is None:
                        by_o[o] = {s: None}
                    else:
                        subjects[s] = None
                count += len(objects)
        return count

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        by_p = self.spo.get(s)
        if by_p is None:
            by_p = self.spo[s] = {}
        objects = by_p.get(p)
        if objects is None:
            objects = by_p[p] = {}
        elif o in objects:
            return
        objects[o] = None
        by_o = self.pos.get(p)
        if by_o is None:
            by_o = self.pos[p] = {}
        subjects = by_o.get(o)
        if subjects is None:
            subjects = by_o[o] = {}
        subjects[s] = None
        self._len += 1

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Triple]:
        for s, by_p in self.spo.items():
            for p, objects in by_p.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        return triple[2] in self.spo.get(triple[0], {}).get(triple[1], {})

    def objects(self, s: Node, p: Node) -> Iterator[Node]:
        yield from self.spo.get(s, {}).get(p, {})

    def subjects(self, p: Node, o: Node) -> Iterator[Node]:
        yield from self.pos.get(p, {}).get(o, {})

    def pairs(self, s: Node) -> list[tuple[Node, Node]]:
        """A subject's (predicate, object) pairs: what ``render.render`` writes its block from."""
        return [(p, o) for p, objects in self.spo[s].items() for o in objects]

    def to_graph(self) -> Graph:
        """An rdflib graph of the same triples, with the project's prefixes bound."""
        graph = Graph()
        for prefix, ns in PREFIXES:
            graph.bind(prefix, ns, override=True, replace=True)
        graph.addN((s, p, o, graph) for s, p, o in self)
        return graph
