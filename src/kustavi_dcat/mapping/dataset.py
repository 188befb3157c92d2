"""Datasets: an information resource (*tietovaranto*) and each of its data sets (*tietoaineisto*),
linked both ways with ``dct:hasPart`` / ``dct:isPartOf``.

A data set states only what its own record gives it: the page lists systems, search criteria and (in
this catalogue) themes, subjects and statutes per resource, and a reader follows ``dct:isPartOf`` to
find them. What every dataset must state for a portal (publisher, contact point, place, access rights
with their basis, where the text comes from) is written on each.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kustavi_dcat.mapping import concepts, profile, provenance
from kustavi_dcat.mapping.agent import agent, contact_point, custodian
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import DataSet, Resource, TechnicalInterface
from kustavi_dcat.namespaces import DCAT, DCATAP, DCT, PROV, S28

DATA_LANGUAGE = "fi"
"""The language the described records are written in (Kustavi is a Finnish-speaking municipality)."""


def _common(ctx: Context, node: URIRef, resource: Resource, access: tuple[str, str | None]) -> None:
    """What every dataset of a resource states: rights and their basis, publisher, contact, place, source."""
    right, basis = access
    ctx.add(node, DCT.identifier, Literal(str(node)))
    ctx.add(node, DCT.accessRights, concepts.access_right(ctx, right))
    if basis is not None:
        ctx.add(node, DCT.rights, provenance.rights_statement(ctx, ctx.source.access_basis(basis)))
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
    section = next(s for s in ctx.source.sections if s.id == resource.section)
    statement = provenance.provenance(ctx, section)
    if statement is not None:
        ctx.add(node, DCT.provenance, statement)


def _classified(ctx: Context, node: URIRef, themes: tuple[str, ...], subjects: tuple[str, ...],
                legislation: tuple[str, ...]) -> None:
    for code in themes:
        ctx.add(node, DCAT.theme, concepts.theme(ctx, code))
    ctx.iris_(node, DCT.subject, subjects)
    for statute in legislation:
        ctx.add(node, DCATAP.applicableLegislation, concepts.law(ctx, statute))


def information_resource(ctx: Context, resource: Resource, interface: TechnicalInterface | None) -> URIRef:
    """The resource as a ``dcat:Dataset`` and ``s28:InformationResource`` with its s. 28 facts."""
    node = ctx.iris.dataset(resource.id)
    ctx.came_from(node, resource.origin)
    ctx.types(node, DCAT.Dataset, S28.InformationResource)
    ctx.texts(node, DCT.title, resource.title)
    ctx.texts(node, DCT.description, resource.description)
    _common(ctx, node, resource, (resource.access_rights, resource.access_basis))
    _classified(ctx, node, resource.themes, resource.subjects, resource.legislation)
    ctx.words(node, DCAT.keyword, resource.keywords)
    ctx.date(node, DCT.issued, resource.issued)
    ctx.date(node, DCT.modified, resource.modified)
    if resource.controller is not None:
        ctx.add(node, PROV.qualifiedAttribution, provenance.controller(ctx, resource.id, resource.controller))
    if resource.period is not None:
        ctx.add(node, DCT.temporal, provenance.period(ctx, resource.id, resource.period))
    for record in resource.systems:
        profile.system(ctx, record)
    for ident in resource.all_system_ids():
        ctx.add(node, S28.informationSystem, ctx.iris.system(ident))
    if resource.search_criteria is not None:
        profile.search_criteria(ctx, node, resource.search_criteria)
    if interface is not None:
        profile.technical_interface(ctx, node, interface)
    for part in resource.datasets:
        ctx.add(node, DCT.hasPart, data_set(ctx, part, resource))
    return node


def data_set(ctx: Context, record: DataSet, resource: Resource) -> URIRef:
    """A data set: its own themes, subjects, systems and statutes only; its keywords add to its resource's."""
    node = ctx.iris.dataset(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, DCAT.Dataset)
    ctx.texts(node, DCT.title, record.title)
    ctx.texts(node, DCT.alternative, record.alternative)
    ctx.texts(node, DCT.description, record.description)
    ctx.add(node, DCT.isPartOf, ctx.iris.dataset(resource.id))
    _common(ctx, node, resource, resource.access_of(record))
    _classified(ctx, node, record.themes, record.subjects, record.legislation)
    ctx.words(node, DCAT.keyword, resource.keywords.merged(record.keywords))
    for ident in record.systems:
        ctx.add(node, S28.informationSystem, ctx.iris.system(ident))
    ctx.date(node, DCT.issued, record.issued)
    ctx.date(node, DCT.modified, record.modified)
    return node
