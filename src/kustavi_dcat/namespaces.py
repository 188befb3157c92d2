"""Every RDF vocabulary the project writes, as closed namespaces.

Each class is an rdflib ``DefinedNamespace`` with ``_fail = True``: a misspelt term raises at import or
first use instead of silently minting a new IRI that no harvester understands.
"""

from functools import cache

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, XSD, DefinedNamespace, Namespace

__all__ = [
    "ADFI",
    "ADMS",
    "DCAT",
    "DCATAP",
    "DCT",
    "ELI",
    "EU",
    "FOAF",
    "HYDRA",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "S28",
    "SH",
    "SKOS",
    "VCARD",
    "XSD",
]


class DCAT(DefinedNamespace):
    """W3C Data Catalog Vocabulary, version 3 (https://www.w3.org/TR/vocab-dcat-3/)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/dcat#")

    Catalog: URIRef
    CatalogRecord: URIRef
    DataService: URIRef
    Dataset: URIRef
    DatasetSeries: URIRef
    Distribution: URIRef
    Relationship: URIRef
    Resource: URIRef
    Role: URIRef
    accessService: URIRef
    accessURL: URIRef
    bbox: URIRef
    byteSize: URIRef
    catalog: URIRef
    centroid: URIRef
    compressFormat: URIRef
    contactPoint: URIRef
    dataset: URIRef
    distribution: URIRef
    downloadURL: URIRef
    endDate: URIRef
    endpointDescription: URIRef
    endpointURL: URIRef
    first: URIRef
    hadRole: URIRef
    hasCurrentVersion: URIRef
    hasVersion: URIRef
    inSeries: URIRef
    keyword: URIRef
    landingPage: URIRef
    last: URIRef
    mediaType: URIRef
    packageFormat: URIRef
    prev: URIRef
    qualifiedRelation: URIRef
    record: URIRef
    servesDataset: URIRef
    service: URIRef
    spatialResolutionInMeters: URIRef
    startDate: URIRef
    temporalResolution: URIRef
    theme: URIRef
    themeTaxonomy: URIRef
    version: URIRef


class DCT(DefinedNamespace):
    """DCMI Metadata Terms (the terms this project reads or writes)."""

    _fail = True
    _NS = Namespace("http://purl.org/dc/terms/")

    Frequency: URIRef
    LicenseDocument: URIRef
    LinguisticSystem: URIRef
    Location: URIRef
    MediaType: URIRef
    MediaTypeOrExtent: URIRef
    PeriodOfTime: URIRef
    ProvenanceStatement: URIRef
    RightsStatement: URIRef
    Standard: URIRef
    accessRights: URIRef
    accrualPeriodicity: URIRef
    alternative: URIRef
    conformsTo: URIRef
    created: URIRef
    creator: URIRef
    date: URIRef
    description: URIRef
    format: URIRef
    hasPart: URIRef
    identifier: URIRef
    isPartOf: URIRef
    issued: URIRef
    language: URIRef
    license: URIRef
    modified: URIRef
    provenance: URIRef
    references: URIRef
    publisher: URIRef
    relation: URIRef
    rights: URIRef
    rightsHolder: URIRef
    source: URIRef
    spatial: URIRef
    subject: URIRef
    temporal: URIRef
    title: URIRef
    type: URIRef


class DCATAP(DefinedNamespace):
    """DCAT-AP's own terms (http://data.europa.eu/r5r/)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/r5r/")

    applicableLegislation: URIRef
    availability: URIRef
    hvdCategory: URIRef


class FOAF(DefinedNamespace):
    """Friend of a Friend: agents and pages."""

    _fail = True
    _NS = Namespace("http://xmlns.com/foaf/0.1/")

    Agent: URIRef
    Document: URIRef
    Organization: URIRef
    homepage: URIRef
    mbox: URIRef
    name: URIRef
    page: URIRef
    primaryTopic: URIRef


class SKOS(DefinedNamespace):
    """SKOS: concepts of controlled vocabularies."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2004/02/skos/core#")

    Concept: URIRef
    ConceptScheme: URIRef
    altLabel: URIRef
    definition: URIRef
    exactMatch: URIRef
    inScheme: URIRef
    notation: URIRef
    prefLabel: URIRef


class VCARD(DefinedNamespace):
    """vCard ontology: contact points."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2006/vcard/ns#")

    Individual: URIRef
    Kind: URIRef
    Organization: URIRef
    fn: URIRef
    hasEmail: URIRef
    hasTelephone: URIRef
    hasURL: URIRef
    organization_name: URIRef


class ADMS(DefinedNamespace):
    """Asset Description Metadata Schema."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/adms#")

    Identifier: URIRef
    identifier: URIRef
    status: URIRef


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef


class HYDRA(DefinedNamespace):
    """Hydra core: the paging terms ckanext-dcat follows."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/hydra/core#")

    PartialCollectionView: URIRef
    first: URIRef
    itemsPerPage: URIRef
    last: URIRef
    next: URIRef
    previous: URIRef
    totalItems: URIRef


class SH(DefinedNamespace):
    """SHACL terms read from shapes and validation reports."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/shacl#")

    Info: URIRef
    ValidationReport: URIRef
    ValidationResult: URIRef
    Violation: URIRef
    Warning: URIRef
    conforms: URIRef
    description: URIRef
    focusNode: URIRef
    inversePath: URIRef
    message: URIRef
    resultMessage: URIRef
    resultPath: URIRef
    resultSeverity: URIRef
    result: URIRef
    sourceConstraint: URIRef
    sourceConstraintComponent: URIRef
    sourceShape: URIRef
    target: URIRef
    value: URIRef


class PROV(DefinedNamespace):
    """PROV-O: qualified attribution of a dataset to an agent in a role (e.g. custodian)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/prov#")

    Attribution: URIRef
    agent: URIRef
    qualifiedAttribution: URIRef


class ADFI(DefinedNamespace):
    """avoindata.fi's published DCAT-AP extension; only its collection type is referred to."""

    _fail = True
    _NS = Namespace("http://avoindata.fi/ns#")

    collectionType: URIRef


class S28(DefinedNamespace):
    """The kustavi-dcat section 28 profile's own terms: what section 28 of Act 906/2019 asks a description
    to say and DCAT has no word for. A project vocabulary, not a national standard.

    Defined in ``data/s28.ttl`` (published beside the catalogue as ``s28.ttl`` and ``s28.html``, at the
    namespace's path); the SHACL rules are in ``shapes/s28-profile.ttl``; docs/truth.md says why.
    """

    _fail = True
    _NS = Namespace("https://www.kustavi.fi/tietovarannot/s28#")

    InformationResource: URIRef
    InformationSystem: URIRef
    SearchCriterion: URIRef
    CrossReference: URIRef
    informationSystem: URIRef
    searchCriterion: URIRef
    searchCriteriaStatement: URIRef
    openThroughTechnicalInterface: URIRef
    technicalInterfaceStatement: URIRef
    crossReference: URIRef
    documentKinds: URIRef
    seeResource: URIRef
    searchCriteriaExhaustive: URIRef
    since: URIRef


# EU Publications Office authority tables.
EU = Namespace("http://publications.europa.eu/resource/authority/")

# Prefixes bound in every serialisation, in this order.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("adms", str(ADMS._NS)),
    ("dcat", str(DCAT._NS)),
    ("dcatap", str(DCATAP._NS)),
    ("s28", str(S28._NS)),
    ("dct", str(DCT._NS)),
    ("eli", str(ELI._NS)),
    ("foaf", str(FOAF._NS)),
    ("prov", str(PROV._NS)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("skos", str(SKOS._NS)),
    ("vcard", str(VCARD._NS)),
    ("xsd", str(XSD)),
)


def _store_terms(*namespaces: type[DefinedNamespace]) -> None:
    """Keep each declared term on its class, so that ``DCAT.title`` is a plain attribute read.

    Otherwise every read goes through the metaclass's checks; a national publish reads terms tens of
    millions of times. An undeclared term still raises, as ``_fail`` wants.
    """
    for ns in namespaces:
        for name in ns.__annotations__:
            if not name.startswith("_"):
                type.__setattr__(ns, name, ns._NS[name])


DEFINED: tuple[type[DefinedNamespace], ...] = (ADFI, ADMS, DCAT, DCATAP, S28, DCT, ELI, FOAF, HYDRA, PROV, SH,
                                               SKOS, VCARD)
"""Every closed namespace of the project."""

_store_terms(*DEFINED)


@cache
def known_terms() -> dict[str, URIRef]:
    """The project's terms by IRI: the very objects the mapping writes and the compiled shapes look up, so
    a reader that hands out these objects lets an index find them by identity (an equal but distinct
    rdflib term costs a Python-level comparison per lookup)."""
    out: dict[str, URIRef] = {}
    for ns in (*DEFINED, RDF, RDFS, XSD):
        for name in getattr(ns, "__annotations__", {}):
            if not name.startswith("_"):
                try:
                    term = getattr(ns, name)
                except AttributeError:
                    continue
                out[str(term)] = term
    return out
