"""The SHACL rules, each broken on its own in a copy of the Kustavi catalogue.

Every test changes one thing and asserts the rule that catches it: focus node, path, constraint
component and the shape that states the rule (never message text). It also asserts that nothing else
broke: every violation is on the resource the test changed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kustavi_dcat.mapping import Mapped
from kustavi_dcat.namespaces import ADFI, DCAT, DCT, FOAF, RDF, S28, SKOS, VCARD, XSD
from kustavi_dcat.validation.validate import Report
from tests.engines import validate_both as validate_graph

BASE = "https://www.kustavi.fi/tietovarannot/"
CATALOG = URIRef(BASE + "catalog/tietovarannot")
SECTION = URIRef(BASE + "catalog/sosiaalipalvelut")
SERVICE = URIRef(BASE + "service/katalogi")
RESOURCE = URIRef(BASE + "dataset/varhaiskasvatus")
DATA_SET = URIRef(BASE + "dataset/varhaiskasvatus-hakemukset")
CONTACT = URIRef(BASE + "contact/kustavin-kunta")
AGENT = URIRef(BASE + "agent/kustavin-kunta")
SYSTEM = URIRef(BASE + "system/daisy")
CRITERION = URIRef(BASE + "search-criterion/henkilotunnus")
CROSS_REFERENCE = URIRef(BASE + "cross-reference/asianhallintarekisteri")
EU = "http://publications.europa.eu/resource/authority/"
SOCI = URIRef(EU + "data-theme/SOCI")
NON_PUBLIC = URIRef(EU + "access-right/NON_PUBLIC")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
EXTRA = Namespace("https://www.kustavi.fi/tietovarannot/test/")

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")

VALID_CODE = "131052-308T"
"""A checksum-valid personal identity code (the example of the Population Information Act guidance)."""


@pytest.fixture()
def g(kustavi_mapped: Mapped) -> Graph:
    """A private copy of the Kustavi catalogue graph to break."""
    copy = Graph()
    copy += kustavi_mapped.graph
    return copy


def caught(graph: Graph, focus: Node, path: Node | None, component: str, shape: str) -> Report:
    """Assert the violation (focus, path, component, shape) and that no other resource has one."""
    report = validate_graph(graph)
    found = {(r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.violations}
    expected = (str(focus), None if path is None else str(path), component, shape)
    assert expected in found, f"{expected} not among {sorted(found)}"
    assert {r.focus for r in report.violations} == {str(focus)}, sorted(found)
    return report


def replace(graph: Graph, s: Node, p: Node, *values: Node) -> None:
    graph.remove((s, p, None))
    for v in values:
        graph.add((s, p, v))


def finnish(graph: Graph, s: Node, p: Node) -> Literal:
    value = next(o for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == "fi")
    return value


# -- the catalogue as published ---------------------------------------------------------------------


def test_kustavi_catalogue_conforms(kustavi_mapped: Mapped) -> None:
    report = validate_graph(kustavi_mapped.graph, kustavi_mapped.origins)
    assert report.conforms, [(r.focus, r.path, r.component) for r in report.violations]
    assert report.violations == ()
    assert all(r.shape.rsplit("#", 1)[-1].startswith("Rec-") for r in report.warnings)


def test_warnings_are_recommendations_that_name_the_resource(kustavi_mapped: Mapped) -> None:
    """A data set has no distribution (non-public data): a warning on that data set, not a violation."""
    report = validate_graph(kustavi_mapped.graph, kustavi_mapped.origins)
    keys = {(r.severity, r.focus, r.path, r.component) for r in report.results}
    assert ("Warning", str(DATA_SET), str(DCAT.distribution), "MinCount") in keys
    assert not report.fails() and report.fails(strict=True)


# -- DCAT-AP 3.0.1 core -----------------------------------------------------------------------------


def test_dataset_without_title(g: Graph) -> None:
    g.remove((DATA_SET, DCT.title, None))
    caught(g, DATA_SET, DCT.title, "MinCount", "Dataset-title")


def test_dataset_without_description(g: Graph) -> None:
    g.remove((DATA_SET, DCT.description, None))
    caught(g, DATA_SET, DCT.description, "MinCount", "Dataset-description")


def test_dataset_title_as_iri(g: Graph) -> None:
    g.add((DATA_SET, DCT.title, URIRef("https://example.org/title")))
    caught(g, DATA_SET, DCT.title, "NodeKind", "Dataset-title")


def test_catalogue_with_two_publishers(g: Graph) -> None:
    other = EXTRA["varsinais-suomen-hyvinvointialue"]
    g.add((other, RDF.type, FOAF.Agent))
    g.add((other, FOAF.name, Literal("Varsinais-Suomen hyvinvointialue", lang="fi")))
    g.add((CATALOG, DCT.publisher, other))
    caught(g, CATALOG, DCT.publisher, "MaxCount", "Catalog-publisher")


def test_catalogue_without_publisher(g: Graph) -> None:
    g.remove((CATALOG, DCT.publisher, None))
    caught(g, CATALOG, DCT.publisher, "MinCount", "Catalog-publisher")


def test_catalogue_without_title(g: Graph) -> None:
    g.remove((SECTION, DCT.title, None))
    caught(g, SECTION, DCT.title, "MinCount", "Catalog-title")


def test_catalogue_lists_something_that_is_not_a_dataset(g: Graph) -> None:
    g.add((CATALOG, DCAT.dataset, SYSTEM))
    caught(g, CATALOG, DCAT.dataset, "Class", "Catalog-dataset")


def test_publisher_that_is_not_an_agent(g: Graph) -> None:
    g.add((DATA_SET, DCT.publisher, CONTACT))
    g.remove((DATA_SET, DCT.publisher, AGENT))
    caught(g, DATA_SET, DCT.publisher, "Class", "Dataset-publisher")


def test_access_rights_as_a_literal(g: Graph) -> None:
    replace(g, DATA_SET, DCT.accessRights, Literal("NON_PUBLIC"))
    caught(g, DATA_SET, DCT.accessRights, "NodeKind", "Dataset-accessRights")


def test_two_access_rights(g: Graph) -> None:
    g.add((PUBLIC, RDF.type, DCT.RightsStatement))
    g.add((DATA_SET, DCT.accessRights, PUBLIC))
    caught(g, DATA_SET, DCT.accessRights, "MaxCount", "Dataset-accessRights")


def test_data_service_without_endpoint(g: Graph) -> None:
    g.remove((SERVICE, DCAT.endpointURL, None))
    caught(g, SERVICE, DCAT.endpointURL, "MinCount", "DataService-endpointURL")


def test_data_service_without_title(g: Graph) -> None:
    g.remove((SERVICE, DCT.title, None))
    caught(g, SERVICE, DCT.title, "MinCount", "DataService-title")


def test_date_that_is_not_a_date(g: Graph) -> None:
    g.add((DATA_SET, DCT.modified, Literal("eilen")))
    report = caught(g, DATA_SET, DCT.modified, "Node", "Dataset-modified")
    assert (str(DATA_SET), str(DCT.modified), "Or", "FI-Date-modified") in {
        (r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.violations}


def test_ill_formed_date(g: Graph) -> None:
    g.add((DATA_SET, DCT.issued, Literal("2024-02-30", datatype=XSD.date)))
    caught(g, DATA_SET, DCT.issued, "Node", "Dataset-issued")


def test_two_modification_dates(g: Graph) -> None:
    g.add((CATALOG, DCT.modified, Literal("2024-01-01", datatype=XSD.date)))
    g.add((CATALOG, DCT.modified, Literal("2024-02-01", datatype=XSD.date)))
    caught(g, CATALOG, DCT.modified, "MaxCount", "Catalog-modified")


def test_theme_as_a_literal(g: Graph) -> None:
    g.add((DATA_SET, DCAT.theme, Literal("SOCI")))
    caught(g, DATA_SET, DCAT.theme, "NodeKind", "Dataset-theme")


def test_keyword_as_an_iri(g: Graph) -> None:
    g.add((DATA_SET, DCAT.keyword, URIRef("http://www.yso.fi/onto/yso/p1650")))
    caught(g, DATA_SET, DCAT.keyword, "NodeKind", "Dataset-keyword")


def test_language_that_is_not_a_linguistic_system(g: Graph) -> None:
    fin = URIRef(EU + "language/FIN")
    g.remove((fin, RDF.type, DCT.LinguisticSystem))
    report = validate_graph(g)
    keys = {(r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.violations}
    assert (str(DATA_SET), str(DCT.language), "Class", "Dataset-language") in keys
    assert (str(CATALOG), str(DCT.language), "Class", "Catalog-language") in keys


def test_applicable_legislation_as_a_literal(g: Graph) -> None:
    g.add((DATA_SET, DCATAP.applicableLegislation, Literal("906/2019")))
    caught(g, DATA_SET, DCATAP.applicableLegislation, "NodeKind", "Dataset-applicableLegislation")


def test_agent_without_name(g: Graph) -> None:
    g.remove((AGENT, FOAF.name, None))
    caught(g, AGENT, FOAF.name, "MinCount", "Agent-name")


def test_concept_without_label(g: Graph) -> None:
    g.remove((SOCI, SKOS.prefLabel, None))
    caught(g, SOCI, SKOS.prefLabel, "MinCount", "Concept-prefLabel")


def test_concept_scheme_without_title(g: Graph) -> None:
    scheme = URIRef(EU + "data-theme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.remove((scheme, DCT.title, None))
    caught(g, scheme, DCT.title, "MinCount", "ConceptScheme-title")


def test_contact_point_email_as_text(g: Graph) -> None:
    replace(g, CONTACT, VCARD.hasEmail, Literal("kustavi@kustavi.fi"))
    caught(g, CONTACT, VCARD.hasEmail, "NodeKind", "Kind-hasEmail")


# Classes the Kustavi catalogue does not use: a valid instance is added, then one thing broken.

def _distribution(g: Graph) -> URIRef:
    node = EXTRA["distribution"]
    g.add((DATA_SET, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCAT.accessURL, URIRef("https://www.kustavi.fi/")))
    return node


def _series(g: Graph) -> URIRef:
    node = EXTRA["series"]
    g.add((node, RDF.type, DCAT.DatasetSeries))
    g.add((node, DCT.title, Literal("Sarja", lang="fi")))
    g.add((node, DCT.description, Literal("Sarjan kuvaus.", lang="fi")))
    g.add((DATA_SET, DCAT.inSeries, node))
    return node


def _record(g: Graph) -> URIRef:
    node = EXTRA["record"]
    g.add((CATALOG, DCAT.record, node))
    g.add((node, RDF.type, DCAT.CatalogRecord))
    g.add((node, FOAF.primaryTopic, DATA_SET))
    g.add((node, DCT.modified, Literal("2024-05-01", datatype=XSD.date)))
    return node


def _period(g: Graph) -> URIRef:
    node = EXTRA["period"]
    g.add((DATA_SET, DCT.temporal, node))
    g.add((node, RDF.type, DCT.PeriodOfTime))
    g.add((node, DCAT.startDate, Literal("2020-01-01", datatype=XSD.date)))
    return node


def _checksum(g: Graph) -> URIRef:
    dist, node = _distribution(g), EXTRA["checksum"]
    g.add((dist, SPDX.checksum, node))
    g.add((node, RDF.type, SPDX.Checksum))
    g.add((node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((node, SPDX.checksumValue, Literal("a" * 64, datatype=XSD.hexBinary)))
    return node


def _relationship(g: Graph) -> URIRef:
    node, role = EXTRA["relationship"], EXTRA["role"]
    g.add((DATA_SET, DCAT.qualifiedRelation, node))
    g.add((node, RDF.type, DCAT.Relationship))
    g.add((node, DCT.relation, RESOURCE))
    g.add((node, DCAT.hadRole, role))
    g.add((role, RDF.type, DCAT.Role))
    return node


def _identifier(g: Graph) -> URIRef:
    node = EXTRA["identifier"]
    g.add((DATA_SET, ADMS.identifier, node))
    g.add((node, RDF.type, ADMS.Identifier))
    g.add((node, SKOS.notation, Literal("VK-1")))
    return node


def _licence(g: Graph) -> URIRef:
    node = URIRef(EU + "licence/CC_BY_4_0")
    g.add((CATALOG, DCT.license, node))
    g.add((node, RDF.type, DCT.LicenseDocument))
    return node


ADDITIONS: dict[str, Callable[[Graph], URIRef]] = {
    "distribution": _distribution, "series": _series, "record": _record, "period": _period,
    "checksum": _checksum, "relationship": _relationship, "identifier": _identifier, "licence": _licence,
}


@pytest.mark.parametrize("name", sorted(ADDITIONS))
def test_a_valid_instance_of_each_extra_class_conforms(g: Graph, name: str) -> None:
    """The starting point of the tests below: the added instance alone breaks nothing."""
    ADDITIONS[name](g)
    report = validate_graph(g)
    assert report.violations == (), [(r.focus, r.path, r.component) for r in report.violations]


def test_distribution_without_access_url(g: Graph) -> None:
    node = _distribution(g)
    g.remove((node, DCAT.accessURL, None))
    caught(g, node, DCAT.accessURL, "MinCount", "Distribution-accessURL")


def test_distribution_byte_size_not_an_integer(g: Graph) -> None:
    node = _distribution(g)
    g.add((node, DCAT.byteSize, Literal("12 kB")))
    caught(g, node, DCAT.byteSize, "Datatype", "Distribution-byteSize")


def test_distribution_with_two_formats(g: Graph) -> None:
    node = _distribution(g)
    for code in ("CSV", "PDF"):
        g.add((node, DCT.format, URIRef(EU + "file-type/" + code)))
        g.add((URIRef(EU + "file-type/" + code), RDF.type, DCT.MediaTypeOrExtent))
    caught(g, node, DCT.format, "MaxCount", "Distribution-format")


def test_dataset_series_without_description(g: Graph) -> None:
    node = _series(g)
    g.remove((node, DCT.description, None))
    caught(g, node, DCT.description, "MinCount", "DatasetSeries-description")


def test_catalogue_record_without_modification_date(g: Graph) -> None:
    node = _record(g)
    g.remove((node, DCT.modified, None))
    caught(g, node, DCT.modified, "MinCount", "CatalogRecord-modified")


def test_catalogue_record_about_something_that_is_not_catalogued(g: Graph) -> None:
    node = _record(g)
    replace(g, node, FOAF.primaryTopic, AGENT)
    caught(g, node, FOAF.primaryTopic, "Or", "CatalogRecord-primaryTopic")


def test_period_start_that_is_not_a_date(g: Graph) -> None:
    node = _period(g)
    replace(g, node, DCAT.startDate, Literal("alkuvuosi 2020"))
    caught(g, node, DCAT.startDate, "Node", "PeriodOfTime-startDate")


def test_location_with_two_centroids(g: Graph) -> None:
    place = URIRef("http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/304")
    g.add((place, DCAT.centroid, Literal("POINT(21.1 60.5)")))
    g.add((place, DCAT.centroid, Literal("POINT(21.2 60.6)")))
    caught(g, place, DCAT.centroid, "MaxCount", "Location-centroid")


def test_checksum_value_not_hex_binary(g: Graph) -> None:
    node = _checksum(g)
    replace(g, node, SPDX.checksumValue, Literal("not hex"))
    caught(g, node, SPDX.checksumValue, "Datatype", "Checksum-value")


def test_relationship_without_role(g: Graph) -> None:
    node = _relationship(g)
    g.remove((node, DCAT.hadRole, None))
    caught(g, node, DCAT.hadRole, "MinCount", "Relationship-hadRole")


def test_identifier_without_notation(g: Graph) -> None:
    node = _identifier(g)
    g.remove((node, SKOS.notation, None))
    caught(g, node, SKOS.notation, "MinCount", "Identifier-notation")


def test_licence_type_as_a_literal(g: Graph) -> None:
    node = _licence(g)
    g.add((node, DCT.type, Literal("attribution")))
    caught(g, node, DCT.type, "NodeKind", "LicenseDocument-type")


# -- controlled vocabularies ------------------------------------------------------------------------


def test_access_rights_outside_the_eu_table(g: Graph) -> None:
    secret = URIRef(EU + "access-right/CONFIDENTIAL")
    g.add((secret, RDF.type, DCT.RightsStatement))
    replace(g, DATA_SET, DCT.accessRights, secret)
    caught(g, DATA_SET, DCT.accessRights, "In", "Vocab-AccessRights")


def test_theme_outside_the_eu_table(g: Graph) -> None:
    made_up = URIRef(EU + "data-theme/WELFARE")
    g.add((made_up, RDF.type, SKOS.Concept))
    g.add((made_up, SKOS.prefLabel, Literal("Hyvinvointi", lang="fi")))
    g.add((DATA_SET, DCAT.theme, made_up))
    caught(g, DATA_SET, DCAT.theme, "In", "Vocab-Theme")


def test_language_outside_the_accepted_codes(g: Graph) -> None:
    german = URIRef(EU + "language/DEU")
    g.add((german, RDF.type, DCT.LinguisticSystem))
    g.add((DATA_SET, DCT.language, german))
    caught(g, DATA_SET, DCT.language, "In", "Vocab-Language")


def test_frequency_outside_the_eu_table(g: Graph) -> None:
    sometimes = URIRef(EU + "frequency/SOMETIMES")
    g.add((sometimes, RDF.type, DCT.Frequency))
    g.add((DATA_SET, DCT.accrualPeriodicity, sometimes))
    caught(g, DATA_SET, DCT.accrualPeriodicity, "In", "Vocab-Frequency")


def test_file_type_outside_the_accepted_codes(g: Graph) -> None:
    node = _distribution(g)
    docx = URIRef(EU + "file-type/DOCX_X")
    g.add((docx, RDF.type, DCT.MediaTypeOrExtent))
    g.add((node, DCT.format, docx))
    caught(g, node, DCT.format, "In", "Vocab-FileType")


def test_licence_outside_the_accepted_codes(g: Graph) -> None:
    own = URIRef("https://www.kustavi.fi/lisenssi")
    g.add((own, RDF.type, DCT.LicenseDocument))
    g.add((CATALOG, DCT.license, own))
    caught(g, CATALOG, DCT.license, "In", "Vocab-Licence")


def test_publisher_type_outside_the_adms_scheme(g: Graph) -> None:
    kind = URIRef("http://purl.org/adms/publishertype/Municipality")
    g.add((kind, RDF.type, SKOS.Concept))
    g.add((kind, SKOS.prefLabel, Literal("kunta", lang="fi")))
    replace(g, AGENT, DCT.type, kind)
    caught(g, AGENT, DCT.type, "In", "Vocab-PublisherType")


# -- section 28 profile-----------------------------------------------------------------------------


def test_dataset_without_finnish_title(g: Graph) -> None:
    g.remove((DATA_SET, DCT.title, finnish(g, DATA_SET, DCT.title)))
    caught(g, DATA_SET, DCT.title, "QualifiedMinCount", "FI-Described-title")


def test_catalogue_without_finnish_description(g: Graph) -> None:
    g.remove((CATALOG, DCT.description, finnish(g, CATALOG, DCT.description)))
    caught(g, CATALOG, DCT.description, "QualifiedMinCount", "FI-Described-description")


def test_data_service_without_finnish_title(g: Graph) -> None:
    g.remove((SERVICE, DCT.title, finnish(g, SERVICE, DCT.title)))
    caught(g, SERVICE, DCT.title, "QualifiedMinCount", "FI-Described-title")


@pytest.mark.parametrize("tag", ["FI", "fi-FI", "Fi", "fin"])
def test_title_language_tag_not_exactly_fi(g: Graph, tag: str) -> None:
    title = finnish(g, DATA_SET, DCT.title)
    replace(g, DATA_SET, DCT.title, Literal(str(title), lang=tag),
            *(t for t in g.objects(DATA_SET, DCT.title) if t != title))
    caught(g, DATA_SET, DCT.title, "SPARQL", "FI-Values")


def test_language_tag_checked_on_any_property(g: Graph) -> None:
    g.add((SYSTEM, DCT.description, Literal("Kindergarten", lang="de")))
    caught(g, SYSTEM, DCT.description, "SPARQL", "FI-Values")


def test_keyword_without_language(g: Graph) -> None:
    g.add((DATA_SET, DCAT.keyword, Literal("päivähoito")))
    caught(g, DATA_SET, DCAT.keyword, "Datatype", "FI-Text-keyword")


def test_contact_name_without_language(g: Graph) -> None:
    g.add((CONTACT, VCARD.fn, Literal("Kustavin kunta")))
    caught(g, CONTACT, VCARD.fn, "Datatype", "FI-Text-fn")


def test_dataset_without_contact_point(g: Graph) -> None:
    g.remove((DATA_SET, DCAT.contactPoint, None))
    caught(g, DATA_SET, DCAT.contactPoint, "MinCount", "FI-Dataset-contactPoint")


def test_contact_point_without_name(g: Graph) -> None:
    g.remove((CONTACT, VCARD.fn, None))
    caught(g, CONTACT, VCARD.fn, "MinCount", "FI-ContactPoint-fn")


def test_contact_point_without_email(g: Graph) -> None:
    g.remove((CONTACT, VCARD.hasEmail, None))
    caught(g, CONTACT, VCARD.hasEmail, "MinCount", "FI-ContactPoint-email")


def test_contact_point_email_not_mailto(g: Graph) -> None:
    replace(g, CONTACT, VCARD.hasEmail, URIRef("https://www.kustavi.fi/yhteystiedot"))
    caught(g, CONTACT, VCARD.hasEmail, "Pattern", "FI-ContactPoint-email")


def test_dataset_without_publisher(g: Graph) -> None:
    g.remove((DATA_SET, DCT.publisher, None))
    caught(g, DATA_SET, DCT.publisher, "MinCount", "FI-Dataset-publisher")


def test_dataset_without_access_rights(g: Graph) -> None:
    g.remove((DATA_SET, DCT.accessRights, None))
    caught(g, DATA_SET, DCT.accessRights, "MinCount", "FI-Dataset-accessRights")


def test_non_public_dataset_without_a_legal_basis(g: Graph) -> None:
    g.remove((DATA_SET, DCT.rights, None))
    caught(g, DATA_SET, None, "Or", "FI-Dataset-accessBasis")


def test_a_public_dataset_needs_no_legal_basis(g: Graph) -> None:
    g.remove((DATA_SET, DCT.rights, None))
    replace(g, DATA_SET, DCT.accessRights, PUBLIC)
    assert validate_graph(g).conforms


def test_dataset_without_eu_theme(g: Graph) -> None:
    g.remove((DATA_SET, DCAT.theme, None))
    caught(g, DATA_SET, DCAT.theme, "QualifiedMinCount", "FI-Dataset-euTheme")


def test_information_resource_without_systems(g: Graph) -> None:
    g.remove((RESOURCE, S28.informationSystem, None))
    caught(g, RESOURCE, S28.informationSystem, "MinCount", "FI-InformationResource-systems")


def test_information_resource_without_search_criteria(g: Graph) -> None:
    g.remove((RESOURCE, S28.searchCriterion, None))
    caught(g, RESOURCE, S28.searchCriterion, "MinCount", "FI-InformationResource-searchCriteria")


def test_information_resource_without_interface_statement(g: Graph) -> None:
    g.remove((RESOURCE, S28.openThroughTechnicalInterface, None))
    caught(g, RESOURCE, S28.openThroughTechnicalInterface, "MinCount", "FI-InformationResource-interface")


def test_information_resource_interface_statement_not_boolean(g: Graph) -> None:
    replace(g, RESOURCE, S28.openThroughTechnicalInterface, Literal("ei"))
    caught(g, RESOURCE, S28.openThroughTechnicalInterface, "Datatype", "FI-InformationResource-interface")


def test_information_resource_that_is_not_a_dataset(g: Graph) -> None:
    g.remove((RESOURCE, RDF.type, DCAT.Dataset))
    report = validate_graph(g)
    keys = {(r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.violations}
    assert (str(RESOURCE), None, "Class", "FI-InformationResource") in keys
    # it also drops out of the catalogue's and the service's dataset lists, which say so
    assert (str(CATALOG), str(DCAT.dataset), "Class", "Catalog-dataset") in keys


def test_system_link_to_something_that_is_not_a_system(g: Graph) -> None:
    g.add((DATA_SET, S28.informationSystem, CONTACT))
    caught(g, DATA_SET, S28.informationSystem, "Class", "FI-SystemLink-system")


def test_information_system_without_name(g: Graph) -> None:
    g.remove((SYSTEM, DCT.title, None))
    caught(g, SYSTEM, DCT.title, "MinCount", "FI-InformationSystem-title")


def test_search_criterion_without_label(g: Graph) -> None:
    g.remove((CRITERION, SKOS.prefLabel, None))
    caught(g, CRITERION, SKOS.prefLabel, "MinCount", "FI-SearchCriterion-label")


def test_cross_reference_without_target(g: Graph) -> None:
    g.remove((CROSS_REFERENCE, S28.seeResource, None))
    caught(g, CROSS_REFERENCE, S28.seeResource, "MinCount", "FI-CrossReference-see")


def test_date_as_year_only(g: Graph) -> None:
    """DCAT-AP accepts xsd:gYear; the Finnish profile wants a full date."""
    g.add((DATA_SET, DCT.issued, Literal("2024", datatype=XSD.gYear)))
    caught(g, DATA_SET, DCT.issued, "Or", "FI-Date-issued")


def test_personal_identity_code_in_a_description(g: Graph) -> None:
    text = finnish(g, DATA_SET, DCT.description)
    g.add((DATA_SET, DCT.description, Literal(f"{text} Esimerkki: {VALID_CODE}.", lang="fi")))
    report = caught(g, DATA_SET, DCT.description, "SPARQL", "FI-Values")
    assert all(VALID_CODE not in (r.value or "") + r.message for r in report.results)


def test_personal_identity_code_anywhere(g: Graph) -> None:
    """In a keyword, an identifier, an IRI, after a code-shaped string that is not valid."""
    g.add((SYSTEM, DCT.identifier, Literal(f"131052-308X ja 010101A123{'B'} ja {VALID_CODE}")))
    caught(g, SYSTEM, DCT.identifier, "SPARQL", "FI-Values")


def test_personal_identity_code_in_an_iri(g: Graph) -> None:
    g.add((DATA_SET, FOAF.page, URIRef(f"https://www.kustavi.fi/asiakas/{VALID_CODE}")))
    g.add((URIRef(f"https://www.kustavi.fi/asiakas/{VALID_CODE}"), RDF.type, FOAF.Document))
    caught(g, DATA_SET, FOAF.page, "SPARQL", "FI-Values")


@pytest.mark.parametrize("text", ["1131052-308T", "131052-308TT", "asiakas131052-308t", "131052 \u2011 308T"])
def test_personal_identity_code_glued_or_respelt(g: Graph, text: str) -> None:
    """Glued to digits or letters, lower case, another dash, spaces: still a code (docs/hostile-input.md)."""
    g.add((SYSTEM, DCT.identifier, Literal(text)))
    caught(g, SYSTEM, DCT.identifier, "SPARQL", "FI-Values")


@pytest.mark.parametrize("text", [
    "131052-308X",  # wrong check character
    "321052-308T",  # no 32nd day... and wrong check character
    "131052308T",  # no century sign
    "asianumero 2023-000123",  # not the shape at all
])
def test_code_shaped_text_that_is_no_identity_code_passes(g: Graph, text: str) -> None:
    g.add((SYSTEM, DCT.identifier, Literal(text)))
    report = validate_graph(g)
    assert report.violations == (), [(r.focus, r.path, r.component) for r in report.violations]


def test_open_data_claimed_for_a_non_public_resource(g: Graph) -> None:
    g.add((RESOURCE, ADFI.collectionType, Literal("Open Data")))
    caught(g, RESOURCE, ADFI.collectionType, "SPARQL", "FI-CollectionType")


def test_open_data_on_a_public_resource_is_allowed(g: Graph) -> None:
    g.add((PUBLIC, RDF.type, DCT.RightsStatement))
    g.add((PUBLIC, RDF.type, SKOS.Concept))
    g.add((PUBLIC, SKOS.prefLabel, Literal("julkinen", lang="fi")))
    replace(g, RESOURCE, DCT.accessRights, PUBLIC)
    g.add((RESOURCE, ADFI.collectionType, Literal("Open Data")))
    assert validate_graph(g).violations == ()


def test_interoperability_tools_on_a_non_public_resource_is_allowed(g: Graph) -> None:
    g.add((RESOURCE, ADFI.collectionType, Literal("Interoperability Tools")))
    assert validate_graph(g).violations == ()


def test_collection_type_outside_the_two_values(g: Graph) -> None:
    g.add((RESOURCE, ADFI.collectionType, Literal("Avoin data")))
    caught(g, RESOURCE, ADFI.collectionType, "Pattern", "FI-CollectionType-value")


# -- recommended (warnings) -------------------------------------------------------------------------


def test_dataset_without_keywords_is_a_warning(g: Graph) -> None:
    g.remove((DATA_SET, DCAT.keyword, None))
    report = validate_graph(g)
    assert report.conforms
    keys = {(r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.warnings}
    assert (str(DATA_SET), str(DCAT.keyword), "MinCount", "Rec-Dataset-keyword") in keys


def test_catalogue_listing_nothing_is_a_warning(g: Graph) -> None:
    g.remove((SECTION, DCAT.dataset, None))
    report = validate_graph(g)
    keys = {(r.focus, r.path, r.component, r.shape.rsplit("#", 1)[-1]) for r in report.warnings}
    assert (str(SECTION), None, "Or", "Rec-Catalog-lists") in keys
    assert report.conforms


def test_blank_node_values_are_validated_too(g: Graph) -> None:
    """A harvester re-creates blank nodes on every harvest, so the catalogue has none; a file may."""
    node = BNode()
    g.add((DATA_SET, DCT.temporal, node))
    g.add((node, RDF.type, DCT.PeriodOfTime))
    g.add((node, DCAT.startDate, Literal("ei tiedossa")))
    report = validate_graph(g)
    assert (str(node), str(DCAT.startDate), "Node") in {(r.focus, r.path, r.component) for r in report.violations}
