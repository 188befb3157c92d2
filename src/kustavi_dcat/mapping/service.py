"""The one real data service: the endpoint that serves this catalogue."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kustavi_dcat import vocab
from kustavi_dcat.mapping import concepts
from kustavi_dcat.mapping.agent import agent, contact_point
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.namespaces import DCAT, DCT


def catalog_service(ctx: Context) -> URIRef:
    """``dcat:DataService`` with its endpoint, conforming to DCAT-AP 3.0.1.

    It serves the catalogue's metadata, not the registers, so it names no ``dcat:servesDataset``: the
    catalogues reach it through ``dcat:service``. (DCAT-AP's range shapes would accept a catalogue as a
    served dataset only if it were also typed ``dcat:Dataset``, and portals would then harvest the
    catalogue itself as a data set; docs/truth.md.)
    """
    record = ctx.source.service
    node = ctx.iris.service(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCAT.DataService)
    ctx.texts(node, DCT.title, record.title)
    ctx.texts(node, DCT.description, record.description)
    ctx.add(node, DCT.identifier, Literal(str(node)))
    endpoint = URIRef(record.endpoint_url) if record.endpoint_url else ctx.iris.endpoint()
    ctx.add(node, DCAT.endpointURL, endpoint)
    ctx.add(node, DCT.conformsTo, concepts.standard(ctx, vocab.DCAT_AP_301, "DCAT-AP 3.0.1"))
    ctx.add(node, DCT.publisher, agent(ctx, ctx.source.publisher))
    ctx.add(node, DCAT.contactPoint, contact_point(ctx, ctx.source.contact_point))
    ctx.words(node, DCAT.keyword, record.keywords)
    for code in record.themes:
        ctx.add(node, DCAT.theme, concepts.theme(ctx, code))
    return node
