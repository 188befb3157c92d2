"""The real ckanext-dcat RDF parser, the one CKAN portals' DCAT harvester runs, reads every dataset whole.

avoindata.fi harvests with ckanext-dcat: the harvester hands the downloaded text and its Content-Type to
``RDFParser``, takes every ``dcat:Dataset`` it yields, identifies it by its IRI (then ``dct:identifier``),
picks literals in the portal's default language (``ckan.locale_default = fi``) and gives up on a page
whose dataset has no title. These tests run that very parser, outside a CKAN site, on the files a
publish writes now and on the committed ``output/``, in Turtle, JSON-LD and RDF/XML, with the DCAT-AP 3
and DCAT-AP 2 profiles, and compare what comes out with the graph itself (read with rdflib) and with
facts of the seed text.

ckanext-dcat and CKAN come from the ``harvest`` extra (``pip install -e '.[test,harvest]'``). Where they
are missing the tests are skipped, except under CI (``CI`` set), where a missing parser is a failure.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.namespaces import DCAT, DCT, FOAF, RDF, S28, VCARD
from kustavi_dcat.pipeline import publish
from tests.conftest import ROOT


def _import_parser() -> ModuleType:
    if os.environ.get("CI"):
        return importlib.import_module("ckanext.dcat.processors")
    return pytest.importorskip(
        "ckanext.dcat.processors",
        reason="ckanext-dcat is not installed; it comes with the harvest extra: pip install -e '.[test,harvest]'",
    )


processors = _import_parser()
ckan_logic = importlib.import_module("ckan.logic")

BASE = "https://www.kustavi.fi/tietovarannot/"
DEFAULT_LANGUAGE = "fi"

# The harvester passes the Content-Type of the response to the parser as its format: these are the
# types the catalogue files are served with.
MEDIA_TYPES = {
    "catalog.ttl": "text/turtle",
    "catalog.jsonld": "application/ld+json",
    "catalog.rdf": "application/rdf+xml",
}
PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_2"]

Package = dict[str, Any]


# --------------------------------------------------------------------------------------------------------
# What the graph says, read with rdflib (independently of ckanext-dcat)


def _literal_in(graph: Graph, subject: Node, predicate: URIRef, language: str) -> str:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == language]
    assert len(values) == 1, f"{subject} has {len(values)} {predicate}@{language}"
    return str(values[0])


def _the(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, f"{subject} has {len(values)} {predicate}"
    return values[0]


@dataclass(frozen=True)
class Expected:
    """One dataset as a harvester with default language fi should receive it."""

    iri: str
    title: str
    notes: str
    keywords_fi: frozenset[str]
    keywords_all: frozenset[str]
    contact_name: str
    contact_email: str
    publisher_iri: str
    publisher_name: str
    access_rights: str

    @classmethod
    def of(cls, graph: Graph, dataset: Node) -> Expected:
        contact = _the(graph, dataset, DCAT.contactPoint)
        publisher = _the(graph, dataset, DCT.publisher)
        keywords = [k for k in graph.objects(dataset, DCAT.keyword) if isinstance(k, Literal)]
        email = str(_the(graph, contact, VCARD.hasEmail))
        assert email.startswith("mailto:")
        return cls(
            iri=str(dataset),
            title=_literal_in(graph, dataset, DCT.title, DEFAULT_LANGUAGE),
            notes=_literal_in(graph, dataset, DCT.description, DEFAULT_LANGUAGE),
            keywords_fi=frozenset(str(k) for k in keywords if k.language == DEFAULT_LANGUAGE),
            keywords_all=frozenset(str(k) for k in keywords),
            contact_name=_literal_in(graph, contact, VCARD.fn, DEFAULT_LANGUAGE),
            contact_email=email.removeprefix("mailto:"),
            publisher_iri=str(publisher),
            publisher_name=_literal_in(graph, publisher, FOAF.name, DEFAULT_LANGUAGE),
            access_rights=str(_the(graph, dataset, DCT.accessRights)),
        )


def expected_datasets(graph: Graph) -> dict[str, Expected]:
    return {str(d): Expected.of(graph, d) for d in graph.subjects(RDF.type, DCAT.Dataset)}


# --------------------------------------------------------------------------------------------------------
# Running the parser


@pytest.fixture(scope="module", autouse=True)
def portal_language_fi() -> Iterator[None]:
    """Outside a CKAN site the toolkit's config is a plain mapping: set what the portal's ini would."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(processors.config, "ckan.locale_default", DEFAULT_LANGUAGE)
        yield


@pytest.fixture(scope="module")
def fresh_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    publish(ROOT / "source", out)
    return out


@pytest.fixture(params=["fresh", "committed"])
def output_dir(request: pytest.FixtureRequest, fresh_output: Path) -> Path:
    """The files a publish writes now, and the committed output/ that harvesters read today."""
    return fresh_output if request.param == "fresh" else ROOT / "output"


def harvest(path: Path, profile: str) -> list[Package]:
    """What the harvester's gather stage gets from one downloaded file."""
    parser = processors.RDFParser(profiles=[profile])
    parser.parse(path.read_text(encoding="utf-8"), _format=MEDIA_TYPES[path.name])
    return list(parser.datasets())


def extras(package: Package) -> dict[str, str]:
    keys = [extra["key"] for extra in package["extras"]]
    assert len(keys) == len(set(keys)), f"repeated extras in {keys}"
    return {extra["key"]: extra["value"] for extra in package["extras"]}


def by_iri(packages: list[Package]) -> dict[str, Package]:
    found = {extras(p)["uri"]: p for p in packages}
    assert len(found) == len(packages), "two harvested datasets share an IRI"
    return found


# --------------------------------------------------------------------------------------------------------
# The default (non-scheming) parse: what every ckanext-dcat portal gets


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("filename", sorted(MEDIA_TYPES))
def test_every_dataset_arrives_whole(output_dir: Path, filename: str, profile: str) -> None:
    graph = Graph().parse(output_dir / "catalog.ttl", format="turtle")
    expected = expected_datasets(graph)
    packages = by_iri(harvest(output_dir / filename, profile))

    assert set(packages) == set(expected)
    for iri, want in expected.items():
        package = packages[iri]
        got = extras(package)
        assert package["title"] == want.title, iri
        assert package["notes"] == want.notes, iri
        tags = [tag["name"] for tag in package["tags"]]
        assert len(tags) == len(set(tags)), iri
        # ckanext-dcat keeps every keyword as a tag, whatever its language: the Finnish ones are there.
        assert set(tags) == want.keywords_all, iri
        assert want.keywords_fi <= set(tags), iri
        assert got["contact_name"] == want.contact_name, iri
        assert got["contact_email"] == want.contact_email, iri
        assert got["publisher_uri"] == want.publisher_iri, iri
        assert got["publisher_name"] == want.publisher_name, iri
        assert got["access_rights"] == want.access_rights, iri
        # Identity: the harvester's guid is the IRI ("uri"), then dct:identifier; both are the IRI.
        assert got["uri"] == iri
        assert got["identifier"] == iri


def test_counts_from_every_file_and_profile(output_dir: Path) -> None:
    """3 information resources + 22 data sets, the same 25 IRIs from every file with both profiles."""
    seen = {
        (filename, profile): sorted(by_iri(harvest(output_dir / filename, profile)))
        for filename in MEDIA_TYPES
        for profile in PROFILES
    }
    first = next(iter(seen.values()))
    assert all(iris == first for iris in seen.values())
    graph = Graph().parse(output_dir / "catalog.ttl", format="turtle")
    resources = {str(r) for r in graph.subjects(RDF.type, S28.InformationResource)}
    parts = {str(d) for d in graph.objects(None, DCT.hasPart)}
    assert len(resources) == 3
    assert len(parts) == 22
    assert set(first) == resources | parts


def test_same_packages_from_every_file(output_dir: Path) -> None:
    """Turtle, JSON-LD and RDF/XML give the harvester the same packages (one graph, three files)."""

    def comparable(package: Package) -> Package:
        fields = extras(package)
        return {
            "title": package["title"],
            "notes": package["notes"],
            "tags": sorted(tag["name"] for tag in package["tags"]),
            "extras": fields,
        }

    for profile in PROFILES:
        results = [
            {iri: comparable(p) for iri, p in by_iri(harvest(output_dir / f, profile)).items()} for f in MEDIA_TYPES
        ]
        assert results[0] == results[1] == results[2], profile


def test_known_facts_of_the_seed(output_dir: Path) -> None:
    packages = by_iri(harvest(output_dir / "catalog.ttl", "euro_dcat_ap_3"))
    early = packages[BASE + "dataset/varhaiskasvatus"]
    assert early["title"] == "Varhaiskasvatuksen tietovaranto"
    # The place's only skos:prefLabel is Finnish, so the portal shows Kustavi, not its Swedish name.
    assert extras(early)["spatial_text"] == "Kustavi"
    assert early["notes"].startswith("Tietoaineistoilla hoidetaan erinäisiä varhaiskasvatukseen ja esiopetukseen")
    assert {"varhaiskasvatus", "esiopetus"} <= {tag["name"] for tag in early["tags"]}
    fields = extras(early)
    assert fields["contact_email"] == "kustavi@kustavi.fi"
    assert fields["contact_name"] == "Kustavin kunta"
    assert fields["publisher_name"] == "Kustavin kunta"
    assert fields["access_rights"] == "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"
    assert fields["spatial_uri"] == "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/304"

    plan = packages[BASE + "dataset/varhaiskasvatus-varhaiskasvatussuunnitelma"]
    assert plan["title"] == "Varhaiskasvatussuunnitelma \u2013 Kustavin varhaiskasvatus"
    titles = sorted(p["title"] for p in packages.values())
    # Portals show titles out of context: every one is unique and says what it covers.
    assert len(set(titles)) == len(titles) == 25
    assert "Hakemukset" not in titles
    assert "Hakemukset \u2013 Kustavin ikäihmisten palvelut" in titles
    assert "Ikäihmisten palveluiden tietovaranto" in titles
    assert "Perhetyön ja aikuissosiaalityön tietovaranto" in titles


def test_no_dataset_is_offered_as_open(output_dir: Path) -> None:
    """No licence is invented and nothing is labelled open: the harvester gets no licence, no resources.

    The few PUBLIC data sets (statistics, service providers) are public documents to be asked for, not
    open data: they too come without a licence and without anything to download."""
    rights = []
    for package in harvest(output_dir / "catalog.ttl", "euro_dcat_ap_3"):
        assert package["resources"] == []
        assert not package.get("license_id")
        rights.append(extras(package)["access_rights"].rsplit("/", 1)[1])
    assert rights.count("NON_PUBLIC") == 20 and rights.count("PUBLIC") == 5


def test_no_pagination_needed(output_dir: Path) -> None:
    """The static files hold the whole catalogue: the harvester has no next page to follow."""
    parser = processors.RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse((output_dir / "catalog.ttl").read_text(encoding="utf-8"), _format="text/turtle")
    assert parser.next_page() is None


# --------------------------------------------------------------------------------------------------------
# A multilingual portal: avoindata.fi's CKAN schema (ckanext-scheming with fluent fields, form languages
# fi, en, sv) requires title, description and keywords in the default language fi, a maintainer and a
# maintainer e-mail. ckanext-dcat fills fluent fields per language when the portal's schema has them.

AVOINDATA_LIKE_SCHEMA: dict[str, Any] = {
    "dataset_type": "dataset",
    "form_languages": ["fi", "en", "sv"],
    "dataset_fields": [
        {"field_name": "title_translated", "validators": "fluent_text"},
        {"field_name": "notes_translated", "validators": "fluent_text"},
        {"field_name": "tags_translated", "validators": "fluent_tags"},
        {"field_name": "maintainer"},
        {"field_name": "maintainer_email"},
    ],
    "resource_fields": [],
}


@pytest.fixture()
def multilingual_portal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the schema the way ckanext-scheming does on a site: as the scheming_dataset_schema_show action."""
    ckan_logic.get_action("package_show")  # loads CKAN's action table once

    def schema_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
        return AVOINDATA_LIKE_SCHEMA

    monkeypatch.setitem(ckan_logic._actions, "scheming_dataset_schema_show", schema_show)


def avoindata_fields(package: Package) -> dict[str, Any]:
    """avoindata.fi's required fields, taken from what the parser gives (the README's mapping table)."""
    contact = package["contact"][0]
    return {
        "title_translated.fi": package["title_translated"]["fi"],
        "notes_translated.fi": package["notes_translated"]["fi"],
        "keywords.fi": sorted(package["tags_translated"]["fi"]),
        "maintainer": contact["name"],
        "maintainer_email": contact["email"],
    }


@pytest.mark.usefixtures("multilingual_portal")
@pytest.mark.parametrize("filename", sorted(MEDIA_TYPES))
def test_avoindata_required_fields_are_derivable(output_dir: Path, filename: str) -> None:
    graph = Graph().parse(output_dir / "catalog.ttl", format="turtle")
    expected = expected_datasets(graph)
    packages = by_iri(harvest(output_dir / filename, "euro_dcat_ap_3"))
    assert set(packages) == set(expected)
    for iri, want in expected.items():
        package = packages[iri]
        fields = avoindata_fields(package)
        assert fields == {
            "title_translated.fi": want.title,
            "notes_translated.fi": want.notes,
            "keywords.fi": sorted(want.keywords_fi),
            "maintainer": want.contact_name,
            "maintainer_email": want.contact_email,
        }, iri
        assert all(fields.values()), iri
        # In the portal's default language the plain fields carry the Finnish text, and only Finnish tags.
        assert package["title"] == want.title
        assert sorted(tag["name"] for tag in package["tags"]) == sorted(want.keywords_fi)
        # Swedish and English arrive too, for the portal's other form languages.
        assert package["title_translated"]["sv"] and package["title_translated"]["en"], iri
        assert package["tags_translated"]["sv"] and package["tags_translated"]["en"], iri


@pytest.mark.usefixtures("multilingual_portal")
def test_avoindata_fields_of_a_known_dataset(output_dir: Path) -> None:
    packages = by_iri(harvest(output_dir / "catalog.rdf", "euro_dcat_ap_3"))
    fields = avoindata_fields(packages[BASE + "dataset/varhaiskasvatus"])
    assert fields["title_translated.fi"] == "Varhaiskasvatuksen tietovaranto"
    assert fields["keywords.fi"] == ["asiakasrekisterit", "esiopetus", "perhepäivähoito", "varhaiskasvatus"]
    assert fields["maintainer"] == "Kustavin kunta"
    assert fields["maintainer_email"] == "kustavi@kustavi.fi"
