"""Record-by-record publishing gives what the whole graph gives: the same report and byte-identical files.

Checked on the Kustavi source, on small synthetic national catalogues (with information systems shared
between resources, so that class results about another record's node are deferred and confirmed), with
deliberate violations, with worker processes, and where the records path must hand over to the whole
graph.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import URIRef

from kustavi_dcat import pipeline
from kustavi_dcat.cli import main
from kustavi_dcat.errors import SourceError
from kustavi_dcat.namespaces import DCAT, DCT, RDF
from kustavi_dcat.rdf import render
from kustavi_dcat.rdf.triples import Triples
from kustavi_dcat.records import pool
from kustavi_dcat.records.handover import HandOver, Reason, hand_over_of
from kustavi_dcat.records.unit import SourceFile
from kustavi_dcat.validation import fastvalidate
from tests.conftest import ROOT
from tests.support.synth import write_tree

SIZE = 80


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def _whole(source: Path, out: Path, *, fast: bool = False) -> pipeline.PublishReport:
    return pipeline.publish_whole(source, out, lambda stage: None, fast=fast, jobs=1, reason="compared")


def _report_or_refusal(source: Path, out: Path, **options: object) -> object:
    try:
        return pipeline.publish(source, out, **options).validation  # type: ignore[arg-type]
    except pipeline.CatalogInvalid as refused:
        return refused.report


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_tree(SIZE, folder)
    return folder


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    write_tree(SIZE, folder, broken=3)
    return folder


def test_kustavi_by_records_equals_the_whole_graph_with_pyshacl(tmp_path: Path) -> None:
    records = pipeline.publish(ROOT / "source", tmp_path / "records")
    whole = _whole(ROOT / "source", tmp_path / "whole")
    assert records.whole_graph is None  # the records path really ran
    assert _files(tmp_path / "records") == _files(tmp_path / "whole") == _files(ROOT / "output")
    assert records.validation == whole.validation
    assert records.counts == whole.counts


def test_a_synthetic_catalogue_by_records_equals_the_whole_graph(synthetic: Path, tmp_path: Path) -> None:
    records = pipeline.publish(synthetic, tmp_path / "records")
    whole = _whole(synthetic, tmp_path / "whole")
    assert records.whole_graph is None
    assert records.validation.warnings  # the tree draws warnings on purpose
    assert records.validation == whole.validation
    assert records.counts == whole.counts
    assert _files(tmp_path / "records") == _files(tmp_path / "whole")


def test_deliberate_violations_are_found_alike(broken: Path, tmp_path: Path) -> None:
    records = _report_or_refusal(broken, tmp_path / "records")
    whole = _report_or_refusal(broken, tmp_path / "whole", fast=False)
    assert isinstance(records, fastvalidate.Report)
    assert records.violations
    assert records == whole
    assert not (tmp_path / "records").exists()  # refused: nothing written


def test_worker_processes_give_the_same_bytes(synthetic: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    one = pipeline.publish(synthetic, tmp_path / "one", jobs=1)
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 1)
    made: list[int] = []
    original = pool.make_all

    def spy(files: list[SourceFile], jobs: int | None) -> list[bytes]:
        made.append(len(files))
        return original(files, jobs)

    monkeypatch.setattr(pool, "make_all", spy)
    two = pipeline.publish(synthetic, tmp_path / "two", jobs=2)
    assert made == [len(list((synthetic / "resources").iterdir()))]
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert one.validation == two.validation


def _systems_not_renderable_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the renderer refuse information systems' nodes, as it refuses a node it cannot write alone."""
    original = render.render

    def refuse(subject: URIRef, pairs: object) -> render.Block:
        if "/system/" in str(subject):
            raise render.NotRenderable("test")
        return original(subject, pairs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render", refuse)


def test_a_node_the_renderer_cannot_write_alone_hands_over_to_the_whole_graph(
        synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _files(_whole(synthetic, tmp_path / "whole").written[0].parent)
    _systems_not_renderable_alone(monkeypatch)
    done = pipeline.publish(synthetic, tmp_path / "records")
    assert done.whole_graph is not None and "cannot be written on its own" in done.whole_graph
    assert _files(tmp_path / "records") == expected


def test_publish_verbose_says_which_path_ran_and_why(synthetic: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def published(out: str) -> str:
        result = CliRunner().invoke(main, ["publish", "-v", "--no-cache", "--source", str(synthetic),
                                           "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        return result.stderr

    files = len(list((synthetic / "resources").iterdir()))
    assert f"{files} records, 0 of them from the cache" in published("records")
    _systems_not_renderable_alone(monkeypatch)
    said = published("whole")
    assert "whole graph: a node cannot be written on its own (test)" in said
    assert "records, " not in said


@pytest.mark.parametrize("reason", list(Reason))
def test_a_hand_over_reason_survives_the_record_cache(reason: Reason) -> None:
    """A record's reason is stored with its unit by name; read back, it says the same."""
    details = [f"detail {i}" for i in range(reason.value.count("{}"))]
    handover = HandOver(reason, *details)
    again = hand_over_of(handover.plain())
    assert again is not None and again.reason is reason
    assert str(again) == str(handover) == reason.value.format(*details)
    assert "{" not in str(again)


def test_a_source_problem_is_reported_exactly_as_the_loader_reports_it(synthetic: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(synthetic, source)
    path = sorted((source / "resources").glob("*.yaml"))[3]
    path.write_text(path.read_text("utf-8").replace("access_rights: ", "access_rights: MAYBE_", 1), "utf-8")
    with pytest.raises(SourceError) as records:
        pipeline.publish(source, tmp_path / "out")
    with pytest.raises(SourceError) as whole:
        _whole(source, tmp_path / "out")
    assert records.value.problems == whole.value.problems
    assert [p.file for p in records.value.problems] == [str(path)]


def test_a_class_result_about_another_records_node_waits_for_its_types() -> None:
    """A record's ``sh:class`` check on a node it does not hold is deferred with the node and class."""
    shapes = fastvalidate.plan(pytest.importorskip("kustavi_dcat.validation.validate").shapes_graph())
    dataset = URIRef("https://example.org/dataset/a")
    system = URIRef("https://example.org/system/elsewhere")
    graph = Triples()
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, URIRef("https://www.kustavi.fi/tietovarannot/s28#informationSystem"), system))
    index = fastvalidate.LocalIndex(graph)
    compiled = [s for s, _ in shapes.compiled]
    work = [(i, f) for i, (_, targets) in enumerate(shapes.compiled)
            for f in fastvalidate.focus_nodes(index, targets) if f == dataset]
    raw = fastvalidate.run_checks(index, compiled, work)
    deferred = [r for r in raw if r[8] is not None]
    assert deferred and all(r[8] == (str(system), r[8][1]) for r in deferred)
    assert {r[4].rsplit("#", 1)[1] for r in deferred} == {"ClassConstraintComponent"}
    with pytest.raises(fastvalidate.Foreign):
        index.objects(system, DCT.title)
    with pytest.raises(fastvalidate.Foreign):  # who links to a node: other records may, unseen here
        index.subjects(URIRef("https://www.kustavi.fi/tietovarannot/s28#informationSystem"), system)


def test_an_unresolved_reference_is_reported_as_the_loader_reports_it_even_with_a_warm_cache(
        synthetic: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(synthetic, source)
    cache = tmp_path / "cache"
    pipeline.publish(source, tmp_path / "out", cache_dir=cache)  # the catalogue level is now cached
    path = sorted((source / "resources").glob("*.yaml"))[5]
    text = path.read_text("utf-8")
    criterion = text.split("criteria: [", 1)[1].split(",", 1)[0].split("]", 1)[0]
    path.write_text(text.replace(f"criteria: [{criterion}", f"criteria: [{criterion}-typo", 1), "utf-8")
    with pytest.raises(SourceError) as records:
        pipeline.publish(source, tmp_path / "out", cache_dir=cache)
    with pytest.raises(SourceError) as whole:
        _whole(source, tmp_path / "whole")
    assert records.value.problems == whole.value.problems
    assert [(p.file, p.field) for p in records.value.problems] == [(str(path), "search_criteria.criteria[0]")]


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(20, 160), seed=st.integers(0, 10_000), broken=st.integers(0, 2))
def test_records_and_whole_graph_agree_on_generated_national_sources(tmp_path: Path, size: int, seed: int,
                                                                     broken: int) -> None:
    """Whatever the tree (size, organisations, shared systems, deliberate breakage): the same report, and
    when it publishes, the same bytes."""
    work = tmp_path / f"{size}-{seed}-{broken}"
    write_tree(size, work / "source", broken=broken, seed=seed)
    records = _report_or_refusal(work / "source", work / "records")
    whole = _report_or_refusal(work / "source", work / "whole", fast=False)
    assert records == whole
    assert (work / "records").exists() == (work / "whole").exists() == (broken == 0)
    if broken == 0:
        assert _files(work / "records") == _files(work / "whole")
