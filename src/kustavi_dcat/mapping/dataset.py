"""Datasets: an information resource (*tietovaranto*) and each of its data sets (*tietoaineisto*),
linked both ways with ``dct:hasPart`` / ``dct:isPartOf``."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kustavi_dcat.mapping import concepts, profile
from kustavi_dcat.mapping.agent import agent, contact_point, custodian
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import DataSet, Resource, TechnicalInterface
from kustavi_dcat.namespaces import DCAT, DCATAP, DCATAPFI, DCT, PROV

DATA_LANGUAGE = "fi"
"""The language the described records are written in (Kustavi is a Finnish-speaking municipality)."""


def _common(ctx: Context, node: URIRef, resource: Resource) -> None:
    """What a data set shares with its information resource: rights, publisher, contact, place, laws."""
    ctx.add(node, DCT.identifier, Literal(str(node)))
    ctx.add(node, DCT.accessRights, concepts.access_right(ctx, resource.access_rights))
    ctx.add(node, DCT.publisher, agent(ctx, ctx.source.agent(resource.publisher)))
    if resource.custodian is not None:
        ident = str(node).rsplit("/", 1)[1]
        attribution = custodian(ctx, ident, ctx.source.agent(resource.custodian))
        if node in ctx.origins:  # it is this record's node, reported at the record's place
            ctx.came_from(attribution, ctx.origins[node])
        ctx.add(node, PROV.qualifiedAttribution, attribution)
    ctx.add(node, DCAT.contactPoint, contact_point(ctx, ctx.source.contact_point))
    ctx.add(node, DCT.language, concepts.language(ctx, DATA_LANGUAGE))
    for place in ctx.source.spatial:
        ctx.add(node, DCT.spatial, concepts.place(ctx, place))
    for statute in resource.legislation:
        ctx.add(node, DCATAP.applicableLegislation, concepts.law(ctx, statute))


def information_resource(ctx: Context, resource: Resource, interface: TechnicalInterface | None) -> URIRef:
    """The resource as a ``dcat:Dataset`` and ``dcatapfi:InformationResource`` with its s. 28 facts."""
    node = ctx.iris.dataset(resource.id)
    ctx.came_from(node, resource.origin)
    ctx.types(node, DCAT.Dataset, DCATAPFI.InformationResource)
    ctx.texts(node, DCT.title, resource.title)
    ctx.texts(node, DCT.description, resource.description)
    _common(ctx, node, resource)
    for code in resource.themes:
        ctx.add(node, DCAT.theme, concepts.theme(ctx, code))
    ctx.iris_(node, DCT.subject, resource.subjects)
    ctx.words(node, DCAT.keyword, resource.keywords)
    ctx.date(node, DCT.issued, resource.issued)
    ctx.date(node, DCT.modified, resource.modified)
    for record in resource.systems:
        profile.system(ctx, record)
    for ident in resource.all_system_ids():
        ctx.add(node, DCATAPFI.informationSystem, ctx.iris.system(ident))
    if resource.search_criteria is not None:
        profile.search_criteria(ctx, node, resource.search_criteria)
    if interface is not None:
        profile.technical_interface(ctx, node, interface)
    for part in resource.datasets:
        ctx.add(node, DCT.hasPart, data_set(ctx, part, resource))
    return node


def data_set(ctx: Context, record: DataSet, resource: Resource) -> URIRef:
    """A data set; themes, subjects and systems default to its resource's, keywords add to them."""
    node = ctx.iris.dataset(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCAT.Dataset)
    ctx.texts(node, DCT.title, record.title)
    ctx.texts(node, DCT.description, record.description)
    ctx.add(node, DCT.isPartOf, ctx.iris.dataset(resource.id))
    _common(ctx, node, resource)
    for code in record.themes if record.themes is not None else resource.themes:
        ctx.add(node, DCAT.theme, concepts.theme(ctx, code))
    ctx.iris_(node, DCT.subject, record.subjects if record.subjects is not None else resource.subjects)
    ctx.words(node, DCAT.keyword, resource.keywords.merged(record.keywords))
    for ident in record.systems if record.systems is not None else resource.all_system_ids():
        ctx.add(node, DCATAPFI.informationSystem, ctx.iris.system(ident))
    ctx.date(node, DCT.issued, record.issued)
    ctx.date(node, DCT.modified, record.modified)
    return node
