"""Map stage: records become one rdflib Graph, one small function per DCAT class.

``build`` wires them: resources and data sets first (they are what every catalogue lists), then the
catalogue service, the section sub-catalogues and the top catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from kustavi_dcat.mapping.catalog import section_catalog, top_catalog
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.mapping.dataset import information_resource
from kustavi_dcat.mapping.profile import search_criterion
from kustavi_dcat.mapping.service import catalog_service
from kustavi_dcat.models import Origin, Source
from kustavi_dcat.namespaces import DCT

__all__ = ["Mapped", "build"]


@dataclass(frozen=True)
class Mapped:
    """The catalogue graph and, for each subject minted from a record, that record's origin."""

    graph: Graph
    origins: dict[URIRef, Origin]


def build(source: Source) -> Mapped:
    ctx = Context(source)
    for criterion in source.search_criteria:
        search_criterion(ctx, criterion)
    by_section: dict[str, list[URIRef]] = {s.id: [] for s in source.sections}
    everything: list[URIRef] = []
    sections = {s.id: s for s in source.sections}
    for resource in source.resources:
        section = sections[resource.section]
        interface = resource.technical_interface or section.technical_interface
        node = information_resource(ctx, resource, interface)
        members = [node, *(o for o in ctx.graph.objects(node, DCT.hasPart) if isinstance(o, URIRef))]
        by_section[resource.section].extend(members)
        everything.extend(members)
    service = catalog_service(ctx, everything)
    subs = [section_catalog(ctx, s, by_section[s.id]) for s in source.sections]
    top_catalog(ctx, subs, everything, service)
    return Mapped(ctx.graph, ctx.origins)
