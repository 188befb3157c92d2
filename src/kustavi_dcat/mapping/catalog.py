"""Catalogues: the organisation's top catalogue and one sub-catalogue per description page (section)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kustavi_dcat import vocab
from kustavi_dcat.mapping import concepts, profile, provenance
from kustavi_dcat.mapping.agent import agent
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Section
from kustavi_dcat.namespaces import DCAT, DCT, FOAF, S28


def _described(ctx: Context, node: URIRef) -> None:
    """Publisher, metadata languages and place, the same on every catalogue."""
    ctx.add(node, DCT.identifier, Literal(str(node)))
    ctx.add(node, DCT.publisher, agent(ctx, ctx.source.publisher))
    for tag in ctx.source.catalog.languages:
        ctx.add(node, DCT.language, concepts.language(ctx, tag))
    for place in ctx.source.spatial:
        ctx.add(node, DCT.spatial, concepts.place(ctx, place))
    ctx.add(node, DCAT.themeTaxonomy, concepts.scheme(ctx, vocab.SCHEMES["theme"]))
    if ctx.source.catalog.homepage is not None:
        ctx.add(node, FOAF.homepage, concepts.document(ctx, ctx.source.catalog.homepage))


def top_catalog(ctx: Context, sections: list[URIRef], datasets: list[URIRef], service: URIRef) -> URIRef:
    """The whole description; lists every dataset so tools unaware of sub-catalogues still find them."""
    record = ctx.source.catalog
    node = ctx.iris.catalog(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCAT.Catalog)
    ctx.texts(node, DCT.title, record.title)
    ctx.texts(node, DCT.description, record.description)
    _described(ctx, node)
    ctx.date(node, DCT.issued, record.issued)
    ctx.date(node, DCT.modified, record.modified)
    for sub in sections:
        ctx.add(node, DCAT.catalog, sub)
    for ds in datasets:
        ctx.add(node, DCAT.dataset, ds)
    ctx.add(node, DCAT.service, service)
    return node


def section_catalog(ctx: Context, record: Section, datasets: list[URIRef]) -> URIRef:
    """A service area's description page: its intro, interface statement and cross-references."""
    node = ctx.iris.catalog(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCAT.Catalog)
    ctx.texts(node, DCT.title, record.title)
    ctx.texts(node, DCT.alternative, record.subtitle)
    ctx.texts(node, DCT.description, record.description)
    _described(ctx, node)
    ctx.add(node, DCT.isPartOf, ctx.iris.catalog(ctx.source.catalog.id))
    statement = provenance.provenance(ctx, record)
    if statement is not None:
        ctx.add(node, DCT.provenance, statement)
    if record.technical_interface is not None:
        profile.technical_interface(ctx, node, record.technical_interface)
    for ref in record.cross_references:
        ctx.add(node, S28.crossReference, profile.cross_reference(ctx, ref))
    for ds in datasets:
        ctx.add(node, DCAT.dataset, ds)
    return node
