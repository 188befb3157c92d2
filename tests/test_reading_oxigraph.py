"""``validate FILE`` and ``diff`` read files with Oxigraph: the same triples rdflib reads, tags as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal

from kustavi_dcat.reading import parse_graph, read_catalogue
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
    (triple,) = parse_graph(text.encode(), fmt)
    assert isinstance(triple[2], Literal) and triple[2].language in ("FI", "Fi")


def test_a_lower_case_tag_reads_the_same_either_way(tmp_path: Path) -> None:
    path = tmp_path / "one.nt"
    path.write_text('<http://a.example/s> <http://a.example/p> "x"@sv-fi .\n')
    assert set(read_catalogue(path)) == set(Graph().parse(path, format="nt"))
