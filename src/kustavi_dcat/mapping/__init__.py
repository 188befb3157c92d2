"""Map stage: records become one rdflib Graph, one small function per DCAT class.

``build`` wires them: resources and data sets first (they are what every catalogue lists), then the
catalogue service, the section sub-catalogues and the top catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, URIRef

from kustavi_dcat.mapping.catalog import section_catalog, top_catalog
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.mapping.dataset import information_resource
from kustavi_dcat.mapping.profile import search_criterion
from kustavi_dcat.mapping.service import catalog_service
from kustavi_dcat.models import Origin, Resource, Source
from kustavi_dcat.namespaces import DCT
from kustavi_dcat.rdf.triples import Triples

__all__ = ["Mapped", "build", "catalogue", "resource_members"]


@dataclass(frozen=True)
class Mapped:
    """The catalogue's triples and, for each subject minted from a record, that record's origin."""

    triples: Triples
    origins: dict[URIRef, Origin]

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (built on first use: publishing itself does not need one)."""
        return self.triples.to_graph()


def build(source: Source) -> Mapped:
    """Map every record of ``source``: its resources in order, then the catalogue-level nodes."""
    ctx = Context(source)
    by_section: dict[str, list[URIRef]] = {s.id: [] for s in source.sections}
    everything: list[URIRef] = []
    for resource in source.resources:
        members = resource_members(ctx, resource)
        by_section[resource.section].extend(members)
        everything.extend(members)
    catalogue(ctx, by_section, everything)
    return Mapped(ctx.graph, ctx.origins)


def resource_members(ctx: Context, resource: Resource) -> list[URIRef]:
    """Map one information resource; returns the datasets the catalogues list for it (it, then its parts).

    What it adds depends only on the resource and ``catalog.yaml`` (its section's interface statement,
    agents, contact point, places), so a record can be mapped on its own, in any process.
    """
    section = next(s for s in ctx.source.sections if s.id == resource.section)
    interface = resource.technical_interface or section.technical_interface
    node = information_resource(ctx, resource, interface)
    return [node, *(o for o in ctx.graph.objects(node, DCT.hasPart) if isinstance(o, URIRef))]


def catalogue(ctx: Context, by_section: dict[str, list[URIRef]], everything: list[URIRef]) -> None:
    """The catalogue-level nodes: search criteria, the catalogue service, section catalogues, the top one."""
    for criterion in ctx.source.search_criteria:
        search_criterion(ctx, criterion)
    service = catalog_service(ctx)
    subs = [section_catalog(ctx, s, by_section.get(s.id, [])) for s in ctx.source.sections]
    top_catalog(ctx, subs, everything, service)
