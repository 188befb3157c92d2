"""Map stage: records become one rdflib Graph, one small function per DCAT class.

``build`` wires them: resources and data sets first (they are what every catalogue lists), then the
catalogue service, the section sub-catalogues and the top catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, URIRef

from kustavi_dcat.cache import RecordCache
from kustavi_dcat.mapping.catalog import section_catalog, top_catalog
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.mapping.dataset import information_resource
from kustavi_dcat.mapping.profile import search_criterion
from kustavi_dcat.mapping.service import catalog_service
from kustavi_dcat.models import Origin, Resource, Source, TechnicalInterface
from kustavi_dcat.namespaces import DCT
from kustavi_dcat.triples import Triples

__all__ = ["Mapped", "build"]


@dataclass(frozen=True)
class Mapped:
    """The catalogue's triples and, for each subject minted from a record, that record's origin."""

    triples: Triples
    origins: dict[URIRef, Origin]

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (built on first use: publishing itself does not need one)."""
        return self.triples.to_graph()


def build(source: Source, cache: RecordCache | None = None) -> Mapped:
    """Map every record; with a ``cache``, a resource whose file's entry holds its triples is not mapped again."""
    ctx = Context(source)
    for criterion in source.search_criteria:
        search_criterion(ctx, criterion)
    by_section: dict[str, list[URIRef]] = {s.id: [] for s in source.sections}
    everything: list[URIRef] = []
    sections = {s.id: s for s in source.sections}
    for resource in source.resources:
        section = sections[resource.section]
        interface = resource.technical_interface or section.technical_interface
        node = _resource(ctx, resource, interface, cache)
        members = [node, *(o for o in ctx.graph.objects(node, DCT.hasPart) if isinstance(o, URIRef))]
        by_section[resource.section].extend(members)
        everything.extend(members)
    service = catalog_service(ctx, everything)
    subs = [section_catalog(ctx, s, by_section[s.id]) for s in source.sections]
    top_catalog(ctx, subs, everything, service)
    return Mapped(ctx.graph, ctx.origins)


def _resource(ctx: Context, resource: Resource, interface: TechnicalInterface | None,
              cache: RecordCache | None) -> URIRef:
    """Map one resource, or replay what its cache entry recorded: the same triples and origins, in order.

    A resource is mapped into triples of its own first, so that they can be stored; adding them to the
    catalogue's afterwards gives what mapping straight into it gives (a set; origins kept first-come).
    """
    entry = cache.entry_for(resource.origin.file) if cache is not None else None
    if entry is None or entry.triples is None or entry.origins is None:
        if cache is None:
            return information_resource(ctx, resource, interface)
        own = Context(ctx.source)
        node = information_resource(own, resource, interface)
        triples, origins = list(own.graph), list(own.origins.items())
        if entry is not None:  # made by this run's load: store the mapping with it
            entry.triples, entry.origins = triples, origins
    else:
        node = ctx.iris.dataset(resource.id)
        triples, origins = entry.triples, entry.origins
    for triple in triples:
        ctx.graph.add(triple)
    for subject, origin in origins:
        ctx.origins.setdefault(subject, origin)
    return node
