"""What every mapping function shares: the graph being built, the IRI factory, and where nodes came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.iris import Iris
from kustavi_dcat.models import LangList, LangText, Origin, Source
from kustavi_dcat.namespaces import RDF, XSD
from kustavi_dcat.rdf.triples import Triples


@lru_cache(maxsize=1 << 15)
def text_literal(value: str, lang: str) -> Literal:
    """A language-tagged literal, made once per text: keywords and names recur in thousands of datasets,
    and making an rdflib literal costs far more than finding it again."""
    return Literal(value, lang=lang)


@lru_cache(maxsize=1 << 12)
def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


@dataclass
class Context:
    """The triples under construction (a light ``Triples`` set) plus each subject's record origin."""

    source: Source
    graph: Triples = field(default_factory=Triples)
    origins: dict[URIRef, Origin] = field(default_factory=dict)
    described: set[Hashable] = field(default_factory=set)
    """Shared nodes already described in this graph, by what described them."""

    def __post_init__(self) -> None:
        self.iris = Iris(self.source.catalog.base_iri)

    def once(self, key: Hashable) -> bool:
        """True the first time: a shared node (agent, concept, place) is described once per graph, not
        again for every dataset that links to it (adding its triples again would change nothing)."""
        if key in self.described:
            return False
        self.described.add(key)
        return True

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.graph.add((s, p, o))

    def types(self, s: URIRef, *classes: URIRef) -> None:
        for c in classes:
            self.graph.add((s, RDF.type, c))

    def texts(self, s: URIRef, p: URIRef, text: LangText | None) -> None:
        """One literal per language, tagged ``fi``/``sv``/``en``."""
        for lang, value in text or ():
            self.graph.add((s, p, text_literal(value, lang)))

    def words(self, s: URIRef, p: URIRef, words: LangList) -> None:
        for lang, values in words.values:
            for value in values:
                self.graph.add((s, p, text_literal(value, lang)))

    def iris_(self, s: URIRef, p: URIRef, values: Iterable[str]) -> None:
        for v in values:
            self.graph.add((s, p, URIRef(v)))

    def date(self, s: URIRef, p: URIRef, value: dt.date | None) -> None:
        if value is not None:
            self.graph.add((s, p, date_literal(value)))

    def came_from(self, s: URIRef, origin: Origin) -> None:
        self.origins.setdefault(s, origin)
