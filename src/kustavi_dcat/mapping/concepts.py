"""Controlled-vocabulary values: EU authority concepts, statutes, places and standards.

DCAT-AP's range shapes want each value typed (``dct:RightsStatement``, ``dct:LinguisticSystem``, ...)
and its vocabulary shapes want ``skos:inScheme`` on it; we state both, with the labels from
``shapes/vocabularies.ttl``, so the catalogue validates without loading the EU tables.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat import vocab
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Place
from kustavi_dcat.namespaces import DCT, ELI, FOAF, SKOS


@cache
def vocabularies() -> Graph:
    """The shipped extract of the authority tables (parsed once per process)."""
    text = resources.files("kustavi_dcat.shapes").joinpath("vocabularies.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def concept(ctx: Context, iri: str, *classes: URIRef) -> URIRef:
    """Add an authority concept with its scheme and fi/sv/en labels, typed as the range shapes want."""
    node, values = _concept_values(iri)
    if ctx.once(("concept", iri, classes)):
        ctx.types(node, SKOS.Concept, *classes)
        for p, o in values:
            ctx.add(node, p, o)
    return node


@cache
def _concept_values(iri: str) -> tuple[URIRef, tuple[tuple[URIRef, Node], ...]]:
    """A concept's scheme, labels and notation from the table, looked up once per process."""
    node = URIRef(iri)
    table = vocabularies()
    return node, tuple((p, o) for p in (SKOS.inScheme, SKOS.prefLabel, SKOS.notation)
                       for o in table.objects(node, p))


def scheme(ctx: Context, iri: str) -> URIRef:
    """A concept scheme (e.g. the EU data themes as a catalogue's ``dcat:themeTaxonomy``) with its title."""
    node = URIRef(iri)
    if ctx.once(("scheme", iri)):
        ctx.types(node, SKOS.ConceptScheme)
        for o in vocabularies().objects(node, DCT.title):
            ctx.add(node, DCT.title, o)
    return node


def theme(ctx: Context, code: str) -> URIRef:
    return concept(ctx, vocab.theme_iri(code))


def access_right(ctx: Context, code: str) -> URIRef:
    return concept(ctx, vocab.access_right_iri(code), DCT.RightsStatement)


def language(ctx: Context, tag: str) -> URIRef:
    return concept(ctx, vocab.language_iri(tag), DCT.LinguisticSystem)


def publisher_type(ctx: Context, code: str) -> URIRef:
    return concept(ctx, vocab.publisher_type_iri(code))


def law(ctx: Context, statute: str) -> URIRef:
    """A Finnish statute as an ELI legal resource (``906/2019`` -> Finlex ELI IRI)."""
    iri = vocab.law_iri(statute)
    assert iri is not None, "the loader accepts only statutes law_iri understands"
    node = URIRef(iri)
    if ctx.once(("law", iri)):
        ctx.types(node, ELI.LegalResource)
    return node


def place(ctx: Context, location: Place) -> URIRef:
    """A location: the Finnish name as ``skos:prefLabel``, names in other languages as ``skos:altLabel``.

    ckanext-dcat copies one ``skos:prefLabel`` of ``dct:spatial`` into ``spatial_text`` whatever its
    language, so a Finnish portal would otherwise show e.g. "Gustavs" for Kustavi.
    """
    node = URIRef(location.iri)
    if ctx.once(("place", location)):
        ctx.types(node, DCT.Location)
        for lang, value in location.label:
            ctx.add(node, SKOS.prefLabel if lang == "fi" else SKOS.altLabel, Literal(value, lang=lang))
    return node


def standard(ctx: Context, iri: str, title: str) -> URIRef:
    node = URIRef(iri)
    ctx.types(node, DCT.Standard)
    ctx.add(node, DCT.title, Literal(title, lang="en"))
    return node


def document(ctx: Context, iri: str) -> URIRef:
    """A web page (``foaf:homepage`` values must be ``foaf:Document``s)."""
    node = URIRef(iri)
    ctx.types(node, FOAF.Document)
    return node
