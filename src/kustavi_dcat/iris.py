"""Stable, readable IRIs: ``<base><kind>/<id>``, derived only from record identifiers.

A harvester identifies a dataset by its IRI, so an IRI must not change when a title or the order of
records does; only renaming a record's ``id`` changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef


@dataclass(frozen=True)
class Iris:
    """IRI factory for one catalogue's base IRI."""

    base: str
    made: dict[tuple[str, str], URIRef] = field(default_factory=dict, compare=False, repr=False)
    """Each IRI made once: the same object every time is found faster in the graph's indexes."""

    def _make(self, kind: str, ident: str) -> URIRef:
        key = (kind, ident)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = URIRef(f"{self.base}{kind}/{ident}")
        return found

    def catalog(self, ident: str) -> URIRef:
        return self._make("catalog", ident)

    def dataset(self, ident: str) -> URIRef:
        return self._make("dataset", ident)

    def service(self, ident: str) -> URIRef:
        return self._make("service", ident)

    def agent(self, ident: str) -> URIRef:
        return self._make("agent", ident)

    def contact(self, ident: str) -> URIRef:
        return self._make("contact", ident)

    def system(self, ident: str) -> URIRef:
        return self._make("system", ident)

    def search_criterion(self, ident: str) -> URIRef:
        return self._make("search-criterion", ident)

    def cross_reference(self, ident: str) -> URIRef:
        return self._make("cross-reference", ident)

    def attribution(self, ident: str) -> URIRef:
        return self._make("attribution", ident)

    def rights(self, ident: str) -> URIRef:
        return self._make("rights", ident)

    def provenance(self, ident: str) -> URIRef:
        return self._make("provenance", ident)

    def period(self, ident: str) -> URIRef:
        return self._make("period", ident)

    def endpoint(self) -> URIRef:
        """Where ``kustavi-dcat serve`` (or a static host of ``output/``) answers with the catalogue."""
        return URIRef(f"{self.base}catalog")
