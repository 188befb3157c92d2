"""One test per mapping function: the triples a record becomes."""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef

from kustavi_dcat.mapping import build, concepts, profile
from kustavi_dcat.mapping.agent import agent, contact_point
from kustavi_dcat.mapping.catalog import section_catalog, top_catalog
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.mapping.dataset import data_set, information_resource
from kustavi_dcat.mapping.service import catalog_service
from kustavi_dcat.models import LangList, TechnicalInterface
from kustavi_dcat.namespaces import (
    DCAT,
    DCATAP,
    DCT,
    ELI,
    FOAF,
    PROV,
    RDF,
    S28,
    SKOS,
    VCARD,
    XSD,
)
from tests import factories as f

EU = "http://publications.europa.eu/resource/authority/"


def ctx(*resources: object) -> Context:
    return Context(f.source(tuple(resources)))  # type: ignore[arg-type]


def iri(path: str) -> URIRef:
    return URIRef(f.BASE + path)


def test_agent_is_typed_for_range_checks_and_has_publisher_type() -> None:
    c = ctx()
    node = agent(c, c.source.publisher)
    assert node == iri("agent/org")
    assert {FOAF.Agent, FOAF.Organization} <= set(c.graph.objects(node, RDF.type))
    assert (node, FOAF.name, Literal("Kommun", lang="sv")) in c.graph
    kind = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert (node, DCT.type, kind) in c.graph
    assert (kind, SKOS.inScheme, URIRef("http://purl.org/adms/publishertype/1.0")) in c.graph
    assert (node, FOAF.mbox, URIRef("mailto:kirjaamo@example.org")) in c.graph
    assert (URIRef("https://example.org"), RDF.type, FOAF.Document) in c.graph


def test_contact_point_has_name_and_mailto() -> None:
    c = ctx()
    node = contact_point(c, c.source.contact_point)
    assert {VCARD.Kind, VCARD.Organization} <= set(c.graph.objects(node, RDF.type))
    assert (node, VCARD.fn, Literal("Kunta", lang="fi")) in c.graph
    assert (node, VCARD.hasEmail, URIRef("mailto:kirjaamo@example.org")) in c.graph


def test_concepts_carry_type_scheme_and_labels() -> None:
    c = ctx()
    node = concepts.access_right(c, "NON_PUBLIC")
    assert node == URIRef(EU + "access-right/NON_PUBLIC")
    assert {SKOS.Concept, DCT.RightsStatement} <= set(c.graph.objects(node, RDF.type))
    assert (node, SKOS.prefLabel, Literal("ei-julkinen", lang="fi")) in c.graph
    lang = concepts.language(c, "sv")
    assert lang == URIRef(EU + "language/SWE")
    assert (lang, RDF.type, DCT.LinguisticSystem) in c.graph
    theme = concepts.theme(c, "EDUC")
    assert (theme, SKOS.inScheme, URIRef(EU + "data-theme")) in c.graph


def test_law_becomes_finlex_eli_legal_resource() -> None:
    c = ctx()
    node = concepts.law(c, "540/2018")
    assert node == URIRef("http://data.finlex.fi/eli/sd/2018/540/ajantasa")
    assert (node, RDF.type, ELI.LegalResource) in c.graph


def test_system_is_not_a_data_service() -> None:
    c = ctx()
    record = f.resource().systems[0]
    node = profile.system(c, record)
    assert set(c.graph.objects(node, RDF.type)) == {S28.InformationSystem}
    assert (node, DCT.title, Literal("Järjestelmä", lang="fi")) in c.graph


def test_search_criterion_and_statement() -> None:
    c = ctx()
    node = profile.search_criterion(c, c.source.search_criteria[0])
    assert node == iri("search-criterion/hetu")
    assert {S28.SearchCriterion, SKOS.Concept} <= set(c.graph.objects(node, RDF.type))
    subject = iri("dataset/x")
    profile.search_criteria(c, subject, f.resource().search_criteria)  # type: ignore[arg-type]
    assert (subject, S28.searchCriterion, node) in c.graph
    assert (subject, S28.searchCriteriaStatement, Literal("Hakutekijä on henkilötunnus.", lang="fi")) in c.graph


def test_technical_interface_is_a_boolean_and_the_statement_as_written() -> None:
    c = ctx()
    subject = iri("dataset/x")
    profile.technical_interface(c, subject, TechnicalInterface(True, f.text("Osa on avoinna."), f.ORIGIN))
    assert (subject, S28.openThroughTechnicalInterface, Literal(True)) in c.graph
    assert next(c.graph.objects(subject, S28.openThroughTechnicalInterface)).datatype == XSD.boolean
    assert (subject, S28.technicalInterfaceStatement, Literal("Osa on avoinna.", lang="fi")) in c.graph


def test_cross_reference() -> None:
    c = ctx()
    node = profile.cross_reference(c, c.source.sections[0].cross_references[0])
    assert (node, RDF.type, S28.CrossReference) in c.graph
    assert (node, S28.seeResource, Literal("Katso rekisteri.", lang="fi")) in c.graph


def test_information_resource_links_parts_both_ways_and_states_section_28_facts() -> None:
    part = f.data_set("osa")
    res = f.resource(datasets=(part,), issued=dt.date(2024, 1, 31))
    c = ctx(res)
    node = information_resource(c, res, c.source.sections[0].technical_interface)
    assert node == iri("dataset/res")
    assert {DCAT.Dataset, S28.InformationResource} <= set(c.graph.objects(node, RDF.type))
    assert (node, DCT.hasPart, iri("dataset/osa")) in c.graph
    assert (iri("dataset/osa"), DCT.isPartOf, node) in c.graph
    assert (node, DCT.identifier, Literal(str(node))) in c.graph
    assert (node, S28.informationSystem, iri("system/res-sys")) in c.graph
    assert (node, S28.openThroughTechnicalInterface, Literal(False)) in c.graph
    assert (node, DCT.issued, Literal("2024-01-31", datatype=XSD.date)) in c.graph
    assert (node, DCATAP.applicableLegislation, URIRef("http://data.finlex.fi/eli/sd/2019/906/ajantasa")) in c.graph
    assert (node, DCT.accessRights, URIRef(EU + "access-right/NON_PUBLIC")) in c.graph
    assert (node, DCT.publisher, iri("agent/org")) in c.graph


def test_information_resource_may_name_another_publisher() -> None:
    res = f.resource(publisher="other")
    c = ctx(res)
    node = information_resource(c, res, None)
    assert (node, DCT.publisher, iri("agent/other")) in c.graph
    assert not list(c.graph.objects(node, S28.openThroughTechnicalInterface))


def test_data_set_carries_only_what_its_own_record_gives() -> None:
    """The page lists systems per resource: a data set states its own themes, systems and statutes only."""
    bare = f.data_set("a", keywords=LangList.of(fi=["oma"]), themes=())
    own = f.data_set("b", themes=("EDUC",), systems=("res-sys",), legislation=("540/2018",))
    res = f.resource(datasets=(bare, own))
    c = ctx(res)
    a = data_set(c, bare, res)
    b = data_set(c, own, res)
    assert not list(c.graph.objects(a, DCAT.theme))
    assert not list(c.graph.objects(a, S28.informationSystem))
    assert not list(c.graph.objects(a, DCATAP.applicableLegislation))
    assert {str(k) for k in c.graph.objects(a, DCAT.keyword)} == {"x", "oma"}
    assert set(c.graph.objects(b, DCAT.theme)) == {URIRef(EU + "data-theme/EDUC")}
    assert set(c.graph.objects(b, S28.informationSystem)) == {iri("system/res-sys")}
    assert set(c.graph.objects(b, DCATAP.applicableLegislation)) == {
        URIRef("http://data.finlex.fi/eli/sd/2018/540/ajantasa")}


def test_catalog_service_serves_no_register_and_conforms_to_dcat_ap() -> None:
    """The service carries metadata only: it names no served dataset (the catalogues link to it)."""
    c = ctx()
    node = catalog_service(c)
    assert (node, RDF.type, DCAT.DataService) in c.graph
    assert (node, DCAT.endpointURL, iri("catalog")) in c.graph
    assert not list(c.graph.objects(node, DCAT.servesDataset))
    standard = URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.1/")
    assert (node, DCT.conformsTo, standard) in c.graph
    assert (standard, RDF.type, DCT.Standard) in c.graph


def test_section_catalog_and_top_catalog() -> None:
    c = ctx()
    ds = [iri("dataset/a")]
    sub = section_catalog(c, c.source.sections[0], ds)
    top = top_catalog(c, [sub], ds, iri("service/svc"))
    assert (top, DCAT.catalog, sub) in c.graph
    assert (sub, DCT.isPartOf, top) in c.graph
    assert (top, DCAT.service, iri("service/svc")) in c.graph
    for cat in (top, sub):
        assert (cat, DCAT.dataset, iri("dataset/a")) in c.graph
        assert len(list(c.graph.objects(cat, DCT.publisher))) == 1
    assert (sub, DCT.alternative, Literal("Alaotsikko", lang="fi")) in c.graph
    assert set(c.graph.objects(top, DCT.language)) == {URIRef(EU + "language/FIN"), URIRef(EU + "language/SWE")}


def test_build_records_origins_of_every_minted_subject() -> None:
    res = f.resource(datasets=(f.data_set("a"),))
    mapped = build(f.source((res,)))
    minted = {s for s in mapped.graph.subjects() if str(s).startswith(f.BASE)}
    assert minted == set(mapped.origins)
    assert all(o.file == "test.yaml" for o in mapped.origins.values())


def test_place_has_finnish_preferred_name_and_other_names_as_alternatives() -> None:
    c = ctx()
    place = c.source.spatial[0]
    node = concepts.place(c, place)
    assert (node, RDF.type, DCT.Location) in c.graph
    assert list(c.graph.objects(node, SKOS.prefLabel)) == [Literal("Kustavi", lang="fi")]
    swedish = f.text("Kustavi", sv="Gustavs")
    other = concepts.place(c, type(place)(place.iri, swedish, f.ORIGIN))
    assert (other, SKOS.altLabel, Literal("Gustavs", lang="sv")) in c.graph
    assert (other, SKOS.prefLabel, Literal("Gustavs", lang="sv")) not in c.graph


def test_standard_and_scheme_are_typed_and_titled() -> None:
    c = ctx()
    standard = concepts.standard(c, "https://example.org/spec/", "Spec 1.0")
    assert (standard, RDF.type, DCT.Standard) in c.graph
    assert (standard, DCT.title, Literal("Spec 1.0", lang="en")) in c.graph
    scheme = concepts.scheme(c, EU + "data-theme")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in c.graph
    assert (scheme, DCT.title, Literal("Data theme", lang="en")) in c.graph


def test_custodian_is_a_qualified_attribution_in_the_custodian_role() -> None:
    res = f.resource(datasets=(f.data_set("osa"),), custodian="other")
    mapped = build(f.source((res,)))
    g = mapped.graph
    role = URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian")
    for ident in ("res", "osa"):
        attribution = iri(f"attribution/{ident}-custodian")
        assert (iri(f"dataset/{ident}"), PROV.qualifiedAttribution, attribution) in g
        assert (attribution, RDF.type, PROV.Attribution) in g
        assert (attribution, PROV.agent, iri("agent/other")) in g
        assert (attribution, DCAT.hadRole, role) in g
    assert (role, RDF.type, DCAT.Role) in g
    assert (iri("dataset/res"), DCT.publisher, iri("agent/org")) in g  # the publisher stays
