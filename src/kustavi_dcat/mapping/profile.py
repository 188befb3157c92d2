"""Section 28 profile terms (``s28:``): what section 28 of Act 906/2019 asks a description to say and DCAT
has no word for (information systems, search criteria, technical-interface availability, cross-references)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import CrossReference, SearchCriteria, SearchCriterion, System, TechnicalInterface
from kustavi_dcat.namespaces import DCT, S28, SKOS, XSD


def system(ctx: Context, record: System) -> URIRef:
    """An information system; not a ``dcat:DataService``, since it exposes no endpoint."""
    node = ctx.iris.system(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, S28.InformationSystem)
    ctx.texts(node, DCT.title, record.name)
    ctx.texts(node, DCT.description, record.description)
    return node


def search_criterion(ctx: Context, record: SearchCriterion) -> URIRef:
    """A search criterion as a concept, so queries can ask for it by IRI."""
    node = ctx.iris.search_criterion(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, S28.SearchCriterion, SKOS.Concept)
    ctx.texts(node, SKOS.prefLabel, record.label)
    return node


def search_criteria(ctx: Context, subject: URIRef, record: SearchCriteria) -> None:
    for ident in record.criteria:
        ctx.add(subject, S28.searchCriterion, ctx.iris.search_criterion(ident))
    ctx.texts(subject, S28.searchCriteriaStatement, record.statement)
    ctx.add(subject, S28.searchCriteriaExhaustive,
            Literal("true" if record.exhaustive else "false", datatype=XSD.boolean))


def technical_interface(ctx: Context, subject: URIRef, record: TechnicalInterface) -> None:
    ctx.add(subject, S28.openThroughTechnicalInterface,
            Literal("true" if record.open else "false", datatype=XSD.boolean))
    ctx.texts(subject, S28.technicalInterfaceStatement, record.statement)


def cross_reference(ctx: Context, record: CrossReference) -> URIRef:
    """Where documents not described here are kept (e.g. agendas and minutes in the case register)."""
    node = ctx.iris.cross_reference(record.id)
    ctx.came_from(node, record.origin)
    ctx.types(node, S28.CrossReference)
    ctx.texts(node, S28.documentKinds, record.documents)
    ctx.texts(node, S28.seeResource, record.see)
    return node
