"""The controlled-vocabulary shapes accept exactly the codes of the shipped extract (shapes/vocabularies.ttl),
and those codes are real: each is in the EU authority table it claims to come from."""

from __future__ import annotations

from importlib import resources

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS

from kustavi_dcat import vocab
from kustavi_dcat.validation.validate import shapes_graph
from tests.conftest import shared_or_skip

KS = "https://www.kustavi.fi/tietovarannot/s28/shapes#"
EU = "http://publications.europa.eu/resource/authority/"
SCHEMES = {
    "Vocab-AccessRights": EU + "access-right",
    "Vocab-Theme": EU + "data-theme",
    "Vocab-Language": EU + "language",
    "Vocab-Frequency": EU + "frequency",
    "Vocab-FileType": EU + "file-type",
    "Vocab-Licence": EU + "licence",
    "Vocab-PublisherType": "http://purl.org/adms/publishertype/1.0",
}
TABLES = {  # scheme -> file under ../shared/reference/eu-vocabularies
    EU + "access-right": "access-right.ttl",
    EU + "data-theme": "data-theme.ttl",
    EU + "frequency": "frequencies.ttl",
    EU + "file-type": "filetypes.ttl",
    EU + "licence": "licences.ttl",
}


def extract() -> Graph:
    text = resources.files("kustavi_dcat.shapes").joinpath("vocabularies.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def accepted(shape: str) -> set[URIRef]:
    g = shapes_graph()
    head = g.value(URIRef(KS + shape), SH["in"])
    assert head is not None, shape
    return {v for v in Collection(g, head) if isinstance(v, URIRef)}


@pytest.mark.parametrize("shape", sorted(SCHEMES))
def test_shape_accepts_exactly_the_extract(shape: str) -> None:
    codes = {c for c in extract().subjects(SKOS.inScheme, URIRef(SCHEMES[shape])) if isinstance(c, URIRef)}
    assert codes
    assert accepted(shape) == codes


def test_every_code_a_steward_may_write_is_accepted() -> None:
    """The loader's codes (vocab.py) all pass the shapes, or a valid source would fail to publish."""
    assert {URIRef(vocab.theme_iri(c)) for c in vocab.THEMES} <= accepted("Vocab-Theme")
    assert {URIRef(vocab.access_right_iri(c)) for c in vocab.ACCESS_RIGHTS} <= accepted("Vocab-AccessRights")
    assert {URIRef(vocab.language_iri(t)) for t in vocab.LANGUAGE_CODES} <= accepted("Vocab-Language")


def test_every_publisher_type_a_steward_may_write_is_accepted() -> None:
    types = {URIRef(vocab.publisher_type_iri(c)) for c in vocab.PUBLISHER_TYPES}
    assert types <= accepted("Vocab-PublisherType")


@pytest.mark.parametrize("scheme", sorted(TABLES))
def test_extract_codes_are_in_the_eu_tables(scheme: str) -> None:
    table = Graph().parse(shared_or_skip("reference", "eu-vocabularies", TABLES[scheme]))
    ours = {c for c in extract().subjects(SKOS.inScheme, URIRef(scheme))}
    theirs = set(table.subjects(SKOS.inScheme, URIRef(scheme)))
    assert ours and ours <= theirs, sorted(str(c) for c in ours - theirs)
