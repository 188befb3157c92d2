"""Agents (``foaf:Agent``) and contact points (``vcard:Kind``)."""

from __future__ import annotations

from rdflib import URIRef

from kustavi_dcat import vocab
from kustavi_dcat.mapping import concepts
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Agent, ContactPoint
from kustavi_dcat.namespaces import DCAT, DCT, FOAF, PROV, VCARD


def agent(ctx: Context, record: Agent) -> URIRef:
    """A publisher: typed both ``foaf:Agent`` and ``foaf:Organization`` so no subclass reasoning is needed."""
    node = ctx.iris.agent(record.id)
    if not ctx.once(("agent", record)):
        return node
    ctx.came_from(node, record.origin)
    ctx.types(node, FOAF.Agent, FOAF.Organization)
    ctx.texts(node, FOAF.name, record.name)
    if record.type is not None:
        ctx.add(node, DCT.type, concepts.publisher_type(ctx, record.type))
    if record.homepage is not None:
        ctx.add(node, FOAF.homepage, concepts.document(ctx, record.homepage))
    if record.email is not None:
        ctx.add(node, FOAF.mbox, URIRef(f"mailto:{record.email}"))
    return node


def custodian(ctx: Context, dataset_id: str, record: Agent) -> URIRef:
    """The agent that keeps the data, as DCAT-AP says it: a ``prov:Attribution`` in the custodian role.

    Used when a record names one (e.g. the wellbeing services county that now runs a municipality's
    services); the attribution has its own IRI, since harvesters drop blank-node identity.
    """
    node = ctx.iris.attribution(f"{dataset_id}-custodian")
    ctx.types(node, PROV.Attribution)
    ctx.add(node, PROV.agent, agent(ctx, record))
    role = URIRef(vocab.CUSTODIAN_ROLE)
    ctx.types(role, DCAT.Role)
    ctx.add(node, DCAT.hadRole, role)
    return node


def contact_point(ctx: Context, record: ContactPoint) -> URIRef:
    """Whom to ask: ``vcard:fn`` per language and a ``mailto:`` e-mail, as ckanext-dcat reads them."""
    node = ctx.iris.contact(record.id)
    if not ctx.once(("contact", record)):
        return node
    ctx.came_from(node, record.origin)
    ctx.types(node, VCARD.Kind, VCARD.Organization)
    ctx.texts(node, VCARD.fn, record.name)
    ctx.add(node, VCARD.hasEmail, URIRef(f"mailto:{record.email}"))
    if record.homepage is not None:
        ctx.add(node, VCARD.hasURL, URIRef(record.homepage))
    return node
