"""``validate FILE`` and ``diff`` read files with Oxigraph: the same triples rdflib reads, tags as written,
into an rdflib graph or into the light ``Triples`` the compiled checks read."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal

from kustavi_dcat.rdf.reading import parse_graph, parse_triples, read_catalogue, read_triples
from tests.conftest import ROOT

OUTPUT = ROOT / "output"


@pytest.mark.parametrize(("name", "fmt"), [("catalog.ttl", "turtle"), ("catalog.nt", "nt"),
                                           ("catalog.rdf", "xml")])
def test_the_published_files_read_as_rdflib_reads_them(name: str, fmt: str) -> None:
    ours = read_catalogue(OUTPUT / name)
    theirs = Graph().parse(OUTPUT / name, format=fmt)
    assert len(ours) == len(theirs) > 0 and set(ours) == set(theirs)


def test_the_published_json_ld_reads_as_the_other_files() -> None:
    assert set(read_catalogue(OUTPUT / "catalog.jsonld")) == set(read_catalogue(OUTPUT / "catalog.nt"))


@pytest.mark.parametrize(("fmt", "text"), [
    ("nt", '<http://a.example/s> <http://a.example/p> "Hakemukset"@FI .\n'),
    ("turtle", '<http://a.example/s> <http://a.example/p> """Hakemukset"""@Fi .\n'),
    ("xml", '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:p="http://a.example/"><rdf:Description rdf:about="http://a.example/s">'
            '<p:p xml:lang="FI">Hakemukset</p:p></rdf:Description></rdf:RDF>'),
    ("json-ld", '[{"@id": "http://a.example/s", "http://a.example/p": [{"@value": "Hakemukset", "@language": "FI"}]}]'),
])
def test_an_upper_case_language_tag_is_kept_as_written(fmt: str, text: str) -> None:
    for parse in (parse_graph, parse_triples):
        (triple,) = parse(text.encode(), fmt)
        assert isinstance(triple[2], Literal) and triple[2].language in ("FI", "Fi")


@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.nt", "catalog.rdf", "catalog.jsonld"])
def test_triples_hold_what_the_graph_holds(name: str) -> None:
    triples, graph = read_triples(OUTPUT / name), read_catalogue(OUTPUT / name)
    assert len(triples) == len(graph) > 0 and set(triples) == set(graph)
    for s, p, o in graph:
        assert o in set(triples.objects(s, p)) and s in set(triples.subjects(p, o))


def test_triples_keep_the_first_of_two_values_that_differ_only_in_a_tag_case_as_rdflib_does() -> None:
    text = b'<http://a.example/s> <http://a.example/p> "x"@FI .\n<http://a.example/s> <http://a.example/p> "x"@fi .\n'
    ours = [o.language for _, _, o in parse_triples(text, "nt") if isinstance(o, Literal)]
    assert ours == [o.language for _, _, o in parse_graph(text, "nt") if isinstance(o, Literal)] == ["FI"]


def test_a_lower_case_tag_reads_the_same_either_way(tmp_path: Path) -> None:
    path = tmp_path / "one.nt"
    path.write_text('<http://a.example/s> <http://a.example/p> "x"@sv-fi .\n')
    assert set(read_catalogue(path)) == set(Graph().parse(path, format="nt"))


def test_triples_made_in_bulk_are_the_triples_added_one_by_one() -> None:
    """Subjects that come back after others, repeated triples and shared objects index as ``add`` does."""
    from rdflib import URIRef

    from kustavi_dcat.rdf.triples import Triples

    a, b, p, q = (URIRef(f"http://a.example/{x}") for x in "abpq")
    given = [(a, p, Literal("1")), (b, p, Literal("1")), (a, q, b), (a, p, Literal("1")), (b, q, a),
             (a, p, Literal("2"))]
    one_by_one = Triples()
    for triple in given:
        one_by_one.add(triple)
    bulk = Triples(given)
    assert len(bulk) == len(one_by_one) == 5 and list(bulk) == list(one_by_one)
    assert bulk.pos == one_by_one.pos and set(bulk.subjects(p, Literal("1"))) == {a, b}
