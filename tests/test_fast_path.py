"""The fast path gives what the plain path gives: the same validation report and byte-identical files.

Fast: shapes compiled to Python checks (``fastvalidate``), worker processes, linear writers. Plain:
pyshacl over the whole graph (``validate.validate_graph``) and pyld / rdflib writers
(``tests/support/baselines.py``). Checked on small synthetic national catalogues (``tests/support/synth.py``)
with deliberate violations, so the suite stays fast; ``benchmarks/scale.py`` measures the large ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kustavi_dcat import hetu, pipeline
from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.namespaces import DCAT, DCT, RDF, XSD
from kustavi_dcat.rdf.serialise import Sorted, serialise_all, to_jsonld, to_ntriples, to_rdfxml, to_turtle
from kustavi_dcat.source.loader import load
from kustavi_dcat.validation import fastvalidate
from kustavi_dcat.validation.validate import Report, shapes_graph, validate_graph
from tests.support.baselines import PLAIN_WRITERS
from tests.support.synth import write_tree

SH = "http://www.w3.org/ns/shacl#"
EU = "http://publications.europa.eu/resource/authority/"
DATASETS = 60


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_tree(DATASETS, folder)
    return folder


@pytest.fixture(scope="module")
def mapped(tree: Path) -> Mapped:
    return build(load(tree))


def _identity_code() -> str:
    birth, individual = "150393", "412"
    return f"{birth}-{individual}{hetu.check_character(birth, individual)}"


def _broken(mapped: Mapped) -> tuple[Graph, dict[str, URIRef]]:
    """A copy of the catalogue with one violation of each kind the shapes check."""
    g = Graph()
    for prefix, ns in mapped.graph.namespaces():
        g.bind(prefix, ns)
    for triple in mapped.graph:
        g.add(triple)
    datasets = sorted(s for s in g.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef))
    parts = [d for d in datasets if (d, DCT.isPartOf, None) in g]
    resources = [d for d in datasets if (d, DCT.isPartOf, None) not in g]
    at = {"no-title": parts[0], "upper-tag": parts[1], "theme-literal": parts[2], "code": parts[3],
          "rights": parts[4], "date": parts[5], "untyped-resource": resources[0]}
    g.remove((at["no-title"], DCT.title, None))
    g.add((at["upper-tag"], DCT.description, Literal("Kuvaus", lang="FI")))
    g.add((at["theme-literal"], DCAT.theme, Literal("SOCI")))
    g.add((at["code"], DCT.description, Literal(f"Asiakas {_identity_code()} mainittu", lang="fi")))
    g.set((at["rights"], DCT.accessRights, URIRef(EU + "access-right/SECRET")))
    g.add((at["date"], DCT.modified, Literal("2024-13-45", datatype=XSD.date)))
    g.remove((at["untyped-resource"], RDF.type, DCAT.Dataset))  # its shape has no sh:message
    return g, at


def _same(plain: Report, fast: Report) -> None:
    assert sorted(fast.results) == sorted(plain.results)
    assert [r.sort_key() for r in fast.results] == [r.sort_key() for r in plain.results]


@pytest.mark.slow
def test_fast_validation_equals_pyshacl_on_a_catalogue_with_violations(mapped: Mapped) -> None:
    graph, at = _broken(mapped)
    plain = validate_graph(graph, mapped.origins)
    fast = fastvalidate.validate_fast(graph, mapped.origins, jobs=1)
    _same(plain, fast)
    found = {(r.focus, r.path, r.component) for r in fast.violations}
    assert (str(at["no-title"]), str(DCT.title), "MinCount") in found
    assert (str(at["theme-literal"]), str(DCAT.theme), "NodeKind") in found
    assert (str(at["rights"]), str(DCT.accessRights), "In") in found
    assert any(f == str(at["upper-tag"]) and c == "SPARQL" for f, _, c in found)
    assert any(f == str(at["code"]) and c == "SPARQL" for f, _, c in found)
    assert any(f == str(at["date"]) and p == str(DCT.modified) for f, p, _ in found)
    assert any(f == str(at["untyped-resource"]) and c == "Class" for f, _, c in found)
    assert all(_identity_code() not in (r.value or "") + r.message for r in fast.results)


@pytest.mark.slow
def test_worker_processes_give_the_same_report(mapped: Mapped, monkeypatch: pytest.MonkeyPatch) -> None:
    graph, _ = _broken(mapped)
    monkeypatch.setattr(fastvalidate, "PARALLEL_MIN_FOCUS", 1)
    _same(validate_graph(graph, mapped.origins), fastvalidate.validate_fast(graph, mapped.origins, jobs=2))


def test_kustavi_is_validated_in_one_process(kustavi_mapped: Mapped, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a process pool was started for a small catalogue")

    monkeypatch.setattr(fastvalidate.multiprocessing, "get_context", no_pool)
    _same(validate_graph(kustavi_mapped.graph, kustavi_mapped.origins),
          fastvalidate.validate_fast(kustavi_mapped.graph, kustavi_mapped.origins))


def test_every_sparql_target_has_its_python_twin() -> None:
    """A changed SPARQL target is still validated correctly (by pyshacl), but slowly: update the twin."""
    plan = fastvalidate.plan(shapes_graph())
    assert plan.fallback is None
    for shape in plan.delegated:
        assert shape.targets is not None, (
            f"{shape.node}: no Python equivalent of its target; add one to fastvalidate.TARGET_TWINS")


@pytest.mark.parametrize("name", sorted(PLAIN_WRITERS))
def test_linear_writers_give_the_plain_writers_bytes(mapped: Mapped, name: str) -> None:
    graph, at = _broken(mapped)
    graph.remove((at["upper-tag"], DCT.description, Literal("Kuvaus", lang="FI")))  # see the next test
    fast = serialise_all(graph)[name]
    plain = PLAIN_WRITERS[name](graph)
    if name == "catalog.ttl":  # the Turtle writer is the project's own: same graph, its own layout
        assert isomorphic(Graph().parse(data=fast, format="turtle"), Graph().parse(data=plain, format="turtle"))
    else:
        assert fast == plain


def test_json_ld_keeps_a_language_tag_as_written(mapped: Mapped) -> None:
    """pyld lower-cases tags (``FI`` becomes ``fi``); the linear writer keeps the graph as it is."""
    graph, _ = _broken(mapped)
    assert isomorphic(Graph().parse(data=to_jsonld(graph), format="json-ld"), graph)


def test_writers_accept_a_graph_or_presorted_triples(mapped: Mapped) -> None:
    data = Sorted.of(mapped.graph)
    assert len(data) == len(mapped.graph)
    for write in (to_turtle, to_ntriples, to_rdfxml, to_jsonld):
        assert write(data) == write(mapped.graph)


def test_publish_fast_and_plain_write_identical_files(tree: Path, tmp_path: Path) -> None:
    fast = pipeline.publish(tree, tmp_path / "fast")
    plain = pipeline.publish(tree, tmp_path / "plain", fast=False)
    _same(plain.validation, fast.validation)
    assert fast.counts.datasets == DATASETS
    for path in fast.written:
        assert path.read_bytes() == (tmp_path / "plain" / path.name).read_bytes(), path.name


def test_a_broken_record_is_caught_and_named_by_both_paths(tmp_path: Path) -> None:
    write_tree(DATASETS, tmp_path / "src", broken=1)
    reports = []
    for fast in (True, False):
        with pytest.raises(pipeline.CatalogInvalid) as caught:
            pipeline.publish(tmp_path / "src", tmp_path / "out", fast=fast)
        reports.append(caught.value.report)
    _same(reports[1], reports[0])
    named = {r.origin.file for r in reports[0].violations if r.origin is not None}
    assert named and all("/resources/" in f for f in named)
    assert not (tmp_path / "out").exists()


def test_synthetic_trees_are_deterministic(tmp_path: Path) -> None:
    write_tree(40, tmp_path / "a")
    write_tree(40, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
