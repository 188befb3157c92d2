"""Blocks by subject (``render``) make the same files as the whole-graph writers, byte for byte.

A file is ``head + separator.join(blocks in key order) + tail``; each block must depend only on its own
subject's triples, so that a publisher can render records apart and concatenate. The references: the
plain writers (pyld's flatten for JSON-LD, rdflib's N-Triples, the project's flat RDF/XML) and, for Turtle,
the project's whole-graph writer (``longturtle``'s style; rdflib's own bytes differ in layout only).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.namespaces import DCAT, DCT, FOAF, RDF, SKOS, XSD
from kustavi_dcat.rdf import render
from kustavi_dcat.rdf.render import FORMATS, Block, NotRenderable, document
from kustavi_dcat.rdf.serialise import FORMATS as PARSERS
from kustavi_dcat.rdf.serialise import (
    serialise_all,
    to_jsonld,
    to_rdfxml,
    to_turtle,
    whole_rdfxml,
    whole_turtle,
)
from kustavi_dcat.source.loader import load
from tests.conftest import OUTPUT
from tests.support.baselines import PLAIN_WRITERS, plain_jsonld, plain_ntriples, plain_turtle
from tests.support.synth import write_tree

REFERENCE: dict[str, Callable[[Graph], bytes]] = {
    "catalog.ttl": whole_turtle,
    "catalog.jsonld": plain_jsonld,
    "catalog.rdf": whole_rdfxml,
    "catalog.nt": plain_ntriples,
}
"""What each format's document must equal: the plain writers, and for Turtle the whole-graph writer."""


def _by_subject(graph: Graph) -> dict[Node, list[tuple[Node, Node]]]:
    out: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in graph:
        out.setdefault(s, []).append((p, o))
    return out


def _blocks(graph: Graph) -> list[Block]:
    return [render.render(s, pairs) for s, pairs in _by_subject(graph).items()]  # type: ignore[arg-type]


def _graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Mapped:
    folder = tmp_path_factory.mktemp("synthetic")
    write_tree(40, folder)
    return build(load(folder))


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.file)
def test_kustavi_blocks_make_the_published_files(kustavi_mapped: Mapped, fmt: render.Format) -> None:
    made = document(fmt, _blocks(kustavi_mapped.graph))
    assert made == REFERENCE[fmt.file](kustavi_mapped.graph)
    assert made == (OUTPUT / fmt.file).read_bytes()


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.file)
def test_synthetic_blocks_equal_the_whole_graph_writers(synthetic: Mapped, fmt: render.Format) -> None:
    assert document(fmt, _blocks(synthetic.graph)) == REFERENCE[fmt.file](synthetic.graph)


def test_turtle_is_rdflib_longturtle_in_the_project_layout(synthetic: Mapped) -> None:
    made = document(FORMATS[0], _blocks(synthetic.graph))
    assert isomorphic(Graph().parse(data=made, format="turtle"),
                      Graph().parse(data=plain_turtle(synthetic.graph), format="turtle"))


def test_a_block_depends_only_on_its_own_subject(synthetic: Mapped) -> None:
    """Each subject rendered alone, caches emptied before each, in reverse order: the same documents."""
    by_subject = _by_subject(synthetic.graph)
    alone = []
    for s in reversed(list(by_subject)):
        render.clear_caches()
        alone.append(render.render(s, reversed(by_subject[s])))  # type: ignore[arg-type]
    together = _blocks(synthetic.graph)
    assert sorted(alone, key=lambda b: b.subject) == sorted(together, key=lambda b: b.subject)
    for i, fmt in enumerate(FORMATS):
        text = document(fmt, alone).decode("utf-8")
        assert all(block.texts[i] in text for block in alone)
        assert document(fmt, alone) == REFERENCE[fmt.file](synthetic.graph)


def test_a_block_is_the_same_whatever_the_other_subjects_say(kustavi_mapped: Mapped) -> None:
    graph = kustavi_mapped.graph
    dataset = sorted(s for s in graph.subjects(RDF.type, DCAT.Dataset))[0]
    before = render.render(dataset, list(graph.predicate_objects(dataset)))  # type: ignore[arg-type]
    changed = _graph(graph)
    for other in set(changed.subjects()) - {dataset}:
        changed.add((other, DCT.title, Literal("muutettu", lang="fi")))
    blocks = {b.subject: b for b in _blocks(changed)}
    assert blocks[str(dataset)] == before


def test_the_head_of_a_file_is_the_union_of_its_blocks_prefixes(kustavi_mapped: Mapped) -> None:
    blocks = _blocks(kustavi_mapped.graph)
    used = frozenset().union(*(b.prefixes for b in blocks))
    assert {"dcat", "dct", "foaf", "vcard", "xsd"} <= used and "rdf" not in used  # rdf:type is written "a"
    turtle_head = FORMATS[0].head(used)
    assert (OUTPUT / "catalog.ttl").read_text("utf-8").startswith(turtle_head)
    for fmt in FORMATS[1:]:
        assert fmt.head(used) == fmt.head(frozenset()), fmt.file  # only Turtle's head depends on blocks


def test_no_blocks_give_what_the_whole_graph_writers_give_an_empty_graph() -> None:
    for fmt in FORMATS:
        assert document(fmt, []) == REFERENCE[fmt.file](Graph()), fmt.file
        assert fmt.empty.encode("utf-8") == REFERENCE[fmt.file](Graph())


EX = "http://example.org/"
TRICKY_IRIS = [
    f"{EX}a", f"{EX}a-b", f"{EX}a/b", f"{EX}a!", f"{EX}a.b", f"{EX}a#b", f"{EX}ab", f"{EX}äiti", f"{EX}a%20b",
    f"{EX}x&y", f"{EX}it's",
    str(DCAT.Dataset), str(DCAT) + "Dataset-x", str(DCT) + "z", str(DCT) + "z/y", str(SKOS) + "c1",
    "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#Attribution",
    "http://publications.europa.eu/resource/authority/data-theme/SOCI",
    "http://publications.europa.eu/resource/authority/data-theme/SOCI-X",
]
"""Subjects that are prefixes of one another, with characters that sort before and after '>' and '"',
IRIs the JSON-LD context compacts (``dcat:Dataset``, ``dct:z``) and one that is a context namespace."""


def test_json_ld_orders_nodes_as_pyld_does_on_tricky_ids() -> None:
    graph = _graph((URIRef(iri), DCT.title, Literal(iri)) for iri in TRICKY_IRIS)
    fmt = FORMATS[1]
    assert document(fmt, _blocks(graph)) == plain_jsonld(graph)
    pyld_order = [node["@id"] for node in json.loads(plain_jsonld(graph))["@graph"]]
    keyed = sorted(TRICKY_IRIS, key=fmt.key)
    assert pyld_order == [render.Compactor(render.context()["@context"])(iri) for iri in keyed]
    assert "dcat:Dataset" in pyld_order and "http://purl.org/dc/terms/" in pyld_order


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.file)
def test_tricky_subjects_and_predicates_in_every_format(fmt: render.Format) -> None:
    """Predicates that are prefixes of one another (``dct:a``, ``dct:a-b``) sort differently as text and
    as N-Triples lines; every format must still equal its reference."""
    predicates = [URIRef(str(DCT) + local) for local in ("a", "a-b", "a.b", "ab", "1x")]
    graph = _graph((URIRef(iri), p, Literal(f"{iri} {p}")) for iri in TRICKY_IRIS for p in predicates)
    graph.add((URIRef(f"{EX}a"), RDF.type, DCAT.Dataset))
    assert document(fmt, _blocks(graph)) == REFERENCE[fmt.file](graph)


def test_literals_of_one_property_in_every_kind_are_ordered_as_the_writers_order_them() -> None:
    s = URIRef(f"{EX}s")
    values = [Literal("b"), Literal("a"), Literal("a", datatype=XSD.string), Literal("a", lang="sv"),
              Literal("a", lang="fi"), Literal("ä", lang="fi"), Literal("10", datatype=XSD.integer),
              Literal("9", datatype=XSD.integer), Literal("2024-02-01", datatype=XSD.date),
              Literal("2023-12-31", datatype=XSD.date), Literal("true", datatype=XSD.boolean),
              Literal('quote " back \\ tab \t nl \n cr \r <&>'), URIRef(f"{EX}o2"), URIRef(f"{EX}o1")]
    graph = _graph((s, SKOS.altLabel, v) for v in values)
    for fmt in FORMATS:
        assert document(fmt, _blocks(graph)) == REFERENCE[fmt.file](graph), fmt.file


# -- What blocks cannot write ------------------------------------------------------------------------------


@pytest.mark.parametrize(("subject", "pairs"), [
    (BNode("b1"), [(DCT.title, Literal("x"))]),
    (URIRef(f"{EX}s"), [(DCT.publisher, BNode("b1"))]),
    (URIRef(f"{EX}s"), [(URIRef(f"{EX}vocab#p"), Literal("x"))]),
    (URIRef(f"{EX}s"), [(RDF.type, Literal("dcat:Dataset"))]),
    (URIRef(f"{EX}s"), [(DCT.title, Literal("x")), (URIRef(str(DCAT)), Literal("a context namespace"))]),
    (URIRef(f"{EX}s"), []),
], ids=["blank-subject", "blank-object", "foreign-predicate", "literal-type", "context-term", "no-triples"])
def test_what_a_block_cannot_write_is_refused(subject: Node, pairs: list[tuple[Node, Node]]) -> None:
    with pytest.raises(NotRenderable):
        render.render(subject, pairs)  # type: ignore[arg-type]


def test_a_graph_with_a_blank_node_is_written_by_the_whole_graph_writers(kustavi_mapped: Mapped) -> None:
    graph = _graph(kustavi_mapped.graph)
    agent = sorted(graph.subjects(RDF.type, FOAF.Agent))[0]
    period = BNode()
    graph.add((agent, DCT.temporal, period))
    graph.add((period, DCAT.startDate, Literal("2020-01-01", datatype=XSD.date)))
    files = serialise_all(graph)
    assert files["catalog.ttl"] == whole_turtle(graph) == to_turtle(graph)
    assert files["catalog.jsonld"] == plain_jsonld(graph) == to_jsonld(graph)
    for name, data in files.items():
        assert isomorphic(Graph().parse(data=data, format=PARSERS[name]), graph), name


def test_a_foreign_predicate_gets_a_namespace_prefix_in_rdf_xml(kustavi_mapped: Mapped) -> None:
    graph = _graph(kustavi_mapped.graph)
    graph.add((URIRef(f"{EX}s"), URIRef(f"{EX}vocab#p"), Literal("x")))
    data = to_rdfxml(graph)
    assert b'xmlns:ns0="http://example.org/vocab#"' in data
    assert isomorphic(Graph().parse(data=data, format="xml"), graph)


# -- Properties ------------------------------------------------------------------------------------------

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
languages = st.sampled_from(["fi", "sv", "en", "se", "fi-x-kunta"])  # lower case: pyld lower-cases tags
literals = st.one_of(
    texts.map(Literal),
    texts.map(lambda t: Literal(t, datatype=XSD.string)),
    st.builds(lambda t, lang: Literal(t, lang=lang), texts, languages),
    st.integers(-20, 20).map(lambda i: Literal(str(i), datatype=XSD.integer)),
    st.dates().map(lambda d: Literal(d.isoformat(), datatype=XSD.date)),
    st.sampled_from(["true", "false"]).map(lambda b: Literal(b, datatype=XSD.boolean)),
)
iris = st.sampled_from(TRICKY_IRIS).map(URIRef)
predicates = st.sampled_from([DCT.title, DCT.description, DCAT.keyword, DCAT.theme, DCT.subject, SKOS.prefLabel,
                              URIRef(str(DCT) + "a"), URIRef(str(DCT) + "a-b"), FOAF.name])
triples = st.one_of(
    st.tuples(iris, predicates, st.one_of(iris, literals)),
    st.tuples(iris, st.just(RDF.type), st.sampled_from([DCAT.Dataset, DCAT.Catalog, FOAF.Agent, SKOS.Concept])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=25))
def test_any_small_graph_gives_the_reference_bytes_in_every_format(drawn: list[tuple[Node, Node, Node]]) -> None:
    graph = _graph(drawn)
    blocks = _blocks(graph)
    for fmt in FORMATS:
        assert document(fmt, blocks) == REFERENCE[fmt.file](graph), fmt.file
        assert document(fmt, reversed(blocks)) == document(fmt, blocks)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(predicates, st.one_of(iris, literals)), min_size=1, max_size=15, unique=True),
       st.randoms(use_true_random=False))
def test_a_block_does_not_depend_on_the_order_of_its_pairs(pairs: list[tuple[Node, Node]], rnd: object) -> None:
    subject = URIRef(f"{EX}s")
    first = render.render(subject, pairs)
    rnd.shuffle(pairs)  # type: ignore[attr-defined]
    assert render.render(subject, pairs) == first


def test_plain_writers_are_the_references() -> None:
    """The references above are the baselines the benchmarks use (Turtle's in layout only)."""
    assert {name: PLAIN_WRITERS[name] for name in ("catalog.jsonld", "catalog.rdf", "catalog.nt")} == {
        name: REFERENCE[name] for name in ("catalog.jsonld", "catalog.rdf", "catalog.nt")}


def test_a_language_tag_is_kept_as_written() -> None:
    """pyld lower-cases tags (``FI`` becomes ``fi``); blocks keep the graph as it is, in every format."""
    s = URIRef(f"{EX}s")
    graph = _graph([(s, DCT.title, Literal("Otsikko", lang="FI")), (s, DCT.title, Literal("Rubrik", lang="sv"))])
    blocks = _blocks(graph)
    for fmt in FORMATS:
        made = document(fmt, blocks)
        if fmt.file == "catalog.jsonld":
            assert b'"@language": "FI"' in made and b'"@language": "fi"' in plain_jsonld(graph)
            assert isomorphic(Graph().parse(data=made, format="json-ld"), graph)
        else:
            assert made == REFERENCE[fmt.file](graph), fmt.file


@pytest.mark.parametrize("text", ["a\rb", "a\r\nb", "\r", "x\t<&>\"'\ny"])
def test_every_writer_keeps_carriage_returns_and_markup_characters(text: str) -> None:
    """An XML parser turns a raw CR into LF: RDF/XML must write it as a character reference."""
    graph = Graph()
    subject = URIRef("https://www.kustavi.fi/tietovarannot/dataset/x")
    graph.add((subject, DCT.title, Literal(text, lang="fi")))
    graph.add((subject, DCT.description, Literal(text)))
    for name, write in {"catalog.rdf": to_rdfxml, "whole.rdf": whole_rdfxml,
                        "catalog.ttl": to_turtle, "whole.ttl": whole_turtle}.items():
        back = Graph().parse(data=write(graph), format="xml" if name.endswith(".rdf") else "turtle")
        assert set(back) == set(graph), name
