"""Publishing the Kustavi source: what a user, a harvester and a SPARQL user check in the output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

from kustavi_dcat import publish as publish_module
from kustavi_dcat.cli import main
from kustavi_dcat.errors import OutputError
from kustavi_dcat.namespaces import DCAT, DCT, RDF, S28, VCARD
from kustavi_dcat.page import PAGE_FILES
from kustavi_dcat.pipeline import publish
from kustavi_dcat.rdf.serialise import FORMATS
from kustavi_dcat.vocabulary import files as vocabulary_files
from tests.conftest import ROOT, SOURCE, shared_or_skip

PUBLISHED = sorted([*FORMATS, *PAGE_FILES.values(), *vocabulary_files()])
"""Every file `publish` writes: the catalogue in four formats, the fi/sv/en pages and the s28 vocabulary."""

HEADINGS = {
    "Tietoaineistot",
    "Tietojärjestelmät",
    "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
    "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    publish(SOURCE, folder)
    return folder


@pytest.fixture(scope="module")
def graphs(out: Path) -> dict[str, Graph]:
    return {name: Graph().parse(out / name, format=fmt) for name, fmt in FORMATS.items()}


@pytest.fixture(scope="module")
def graph(graphs: dict[str, Graph]) -> Graph:
    return graphs["catalog.ttl"]


def _fi(graph: Graph, node: URIRef, prop: URIRef) -> set[str]:
    return {str(o) for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language == "fi"}


def _by_fi_title(graph: Graph, title: str) -> URIRef:
    found = [s for s in graph.subjects(DCT.title, Literal(title, lang="fi")) if isinstance(s, URIRef)]
    assert len(found) == 1, f"expected one node titled {title!r}, found {found}"
    return found[0]


# -- the four files --------------------------------------------------------------------------------


def test_cli_publish_prints_files_and_counts(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in FORMATS:
        assert f"wrote {tmp_path / name}" in result.output
    assert "2 catalogues, 25 datasets, 1 data services" in result.output
    assert re.search(r"\b\d{3,} triples\b", result.output)


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kustavi_dcat", "publish", "--source", str(SOURCE),
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == PUBLISHED


def test_four_files_are_one_graph(graphs: dict[str, Graph]) -> None:
    from rdflib.compare import isomorphic

    reference = graphs["catalog.nt"]
    for name, g in graphs.items():
        assert isomorphic(g, reference), name


def test_no_blank_nodes(graphs: dict[str, Graph]) -> None:
    for name, g in graphs.items():
        assert not [t for t in g if any(isinstance(x, BNode) for x in t)], name


def test_only_fi_sv_en_language_tags(graph: Graph) -> None:
    tags = {o.language for o in graph.objects() if isinstance(o, Literal) and o.language}
    assert tags == {"fi", "sv", "en"}


def test_every_catalogue_dataset_and_service_has_finnish_title_and_description(graph: Graph) -> None:
    nodes = {s for c in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService) for s in graph.subjects(RDF.type, c)}
    assert len(nodes) == 28
    for node in nodes:
        assert len(_fi(graph, node, DCT.title)) == 1, node
        assert len(_fi(graph, node, DCT.description)) == 1, node


def test_two_publishes_are_byte_identical(tmp_path: Path, out: Path) -> None:
    publish(SOURCE, tmp_path)
    for name in FORMATS:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("failing_file", sorted(FORMATS))  # two of them are written by the second process
def test_failed_write_leaves_previous_output_byte_for_byte(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, failing_file: str
) -> None:
    for name in FORMATS:
        (tmp_path / name).write_bytes(b"previous " + name.encode())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = publish_module.write_synced

    def failing(path: Path, data: bytes) -> None:
        if path.name.startswith(f".{failing_file}.tmp-"):
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(publish_module, "write_synced", failing)
    with pytest.raises(OutputError, match="No space left on device"):
        publish(SOURCE, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_failed_rename_puts_back_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in FORMATS:
        (tmp_path / name).write_bytes(b"previous " + name.encode())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = publish_module.os.replace
    calls = {"n": 0}

    def failing(src: str | Path, dst: str | Path) -> None:
        if Path(dst).parent == tmp_path:  # the output's renames (the record cache renames its entries too)
            calls["n"] += 1
        if calls["n"] == 3 and Path(dst).parent == tmp_path:
            raise OSError(5, "Input/output error", str(src))
        real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", failing)
    with pytest.raises(OutputError, match=r"catalog\.rdf: cannot replace"):
        publish(SOURCE, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_file_the_new_output_no_longer_has_is_removed_in_the_same_switch(tmp_path: Path) -> None:
    for name in ("kept.html", "old.html"):
        (tmp_path / name).write_bytes(b"previous " + name.encode())
    written = publish_module.write_atomically(tmp_path, {"kept.html": b"new"}, remove=["old.html", "absent.html"])
    assert written == [tmp_path / "kept.html"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"kept.html": b"new"}


def test_a_failed_removal_puts_back_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("kept.html", "old1.html", "old2.html"):
        (tmp_path / name).write_bytes(b"previous " + name.encode())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = Path.unlink

    def failing(self: Path, missing_ok: bool = False) -> None:
        if self.name == "old2.html" and not missing_ok:
            raise OSError(5, "Input/output error", str(self))
        real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", failing)
    with pytest.raises(OutputError, match=r"old2\.html"):
        publish_module.write_atomically(tmp_path, {"kept.html": b"new"}, remove=["old1.html", "old2.html"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_an_interrupt_after_the_switch_puts_back_a_removed_file(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("kept.html", "old.html"):
        (tmp_path / name).write_bytes(b"previous " + name.encode())
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = publish_module.sync_dir
    calls = {"n": 0}

    def interrupted(folder: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the first sync after the renames (the journal's was the first)
            raise KeyboardInterrupt
        real(folder)

    monkeypatch.setattr(publish_module, "sync_dir", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish_module.write_atomically(tmp_path, {"kept.html": b"new"}, remove=["old.html"])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_folder_in_place_of_an_output_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    for name in FORMATS:
        (tmp_path / name).write_bytes(b"previous")
    (tmp_path / "catalog.rdf").unlink()
    (tmp_path / "catalog.rdf").mkdir()
    (tmp_path / "catalog.rdf" / "keep").write_text("x")
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(tmp_path)])
    assert result.exit_code == 4
    assert "catalog.rdf: is not a regular file" in result.output
    assert all((tmp_path / n).read_bytes() == b"previous" for n in FORMATS if n != "catalog.rdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FORMATS)  # nothing new was written


def test_cli_exit_code_4_when_output_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(blocker / "out")])
    assert result.exit_code == 4
    assert str(blocker) in result.output


def test_turtle_loads_into_oxigraph_and_answers_a_query(out: Path) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph", reason="pyoxigraph is in the test extra")
    store = pyoxigraph.Store()
    store.load(path=str(out / "catalog.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    query = """
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX s28: <https://www.kustavi.fi/tietovarannot/s28#>
        SELECT ?title WHERE {
          ?r a s28:InformationResource ; dct:title ?title ;
             s28:searchCriterion <https://www.kustavi.fi/tietovarannot/search-criterion/henkilotunnus> .
          FILTER(lang(?title) = "fi")
        }"""
    titles = {solution["title"].value for solution in store.query(query)}
    assert titles == {"Varhaiskasvatuksen tietovaranto", "Ikäihmisten palveluiden tietovaranto",
                      "Perhetyön ja aikuissosiaalityön tietovaranto"}


# -- every fact of the seed ------------------------------------------------------------------------


def _seed_lines() -> list[str]:
    text = shared_or_skip("seed", "000_11c9b7d8208783e6.txt").read_text("utf-8")
    lines = [re.sub(r"^\d+\.\s+", "", line.replace("\xa0", " ").strip()) for line in text.splitlines()]
    return [line for line in lines if line]


def _seed_structure() -> dict[str, dict[str, list[str]]]:
    """Resource title -> {"datasets": [...], "systems": [...]} read straight from the seed text."""
    out: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    mode = ""
    for line in _seed_lines():
        if line.endswith("tietovaranto"):
            current = out.setdefault(line, {"datasets": [], "systems": []})
            mode = ""
        elif line == "Tietoaineistot":
            mode = "datasets"
        elif line == "Tietojärjestelmät":
            mode = "systems"
        elif line in HEADINGS:
            mode = ""
        elif current is not None and mode:
            current[mode].append(line)
    return out


def _literals_fi(graph: Graph) -> set[str]:
    return {str(o) for o in graph.objects() if isinstance(o, Literal) and o.language == "fi"}


def test_every_line_of_the_seed_is_a_finnish_literal(graph: Graph) -> None:
    texts = _literals_fi(graph)
    missing = []
    for line in _seed_lines():
        if line in HEADINGS:
            continue
        parts = [p.strip() for p in re.split(r"\s*/\s*|\s*\(\s*|\)", line) if p.strip()]
        if line not in texts and not all(p in texts for p in parts):
            missing.append(line)
    assert missing == []


def test_data_sets_and_systems_are_attached_to_their_own_resource(graph: Graph) -> None:
    structure = _seed_structure()
    assert len(structure) == 3
    assert sum(len(v["datasets"]) for v in structure.values()) == 22
    assert sum(len(v["systems"]) for v in structure.values()) == 9
    for title, expected in structure.items():
        resource = _by_fi_title(graph, title)
        assert (resource, RDF.type, S28.InformationResource) in graph
        parts = {p for p in graph.objects(resource, DCT.hasPart) if isinstance(p, URIRef)}
        # The page's own titles, kept as dct:alternative (dct:title is made unique for portals).
        assert {t for p in parts for t in _fi(graph, p, DCT.alternative)} == set(expected["datasets"])
        for part in parts:
            assert (part, DCT.isPartOf, resource) in graph
        # "Daisy (varhaiskasvatus)" and "Pro Consona / Sosiaalityöjärjestelmä": name, then its qualifier.
        expected_systems = {tuple(p for p in re.split(r"\s*\(\s*|\s*/\s*|\)", line) if p)
                            for line in expected["systems"]}
        actual_systems = {(*_fi(graph, s, DCT.title), *_fi(graph, s, DCT.description))  # type: ignore[arg-type]
                          for s in graph.objects(resource, S28.informationSystem)}
        assert actual_systems == expected_systems


def test_search_criteria_interface_statement_and_cross_reference(graph: Graph) -> None:
    for resource in graph.subjects(RDF.type, S28.InformationResource):
        labels = {t for c in graph.objects(resource, S28.searchCriterion)
                  for t in _fi(graph, c, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}  # type: ignore[arg-type]
        assert labels == {"henkilön nimi", "henkilötunnus"}
        assert (resource, S28.openThroughTechnicalInterface, Literal(False)) in graph
    section = _by_fi_title(graph, "Sosiaalipalveluiden tietovarannot")
    assert _fi(graph, section, S28.technicalInterfaceStatement) == {
        "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla."}
    [ref] = graph.objects(section, S28.crossReference)
    assert _fi(graph, ref, S28.seeResource) == {"Katso Hallintopalvelut, Asianhallintarekisteri."}  # type: ignore[arg-type]


def test_nothing_is_labelled_open(graph: Graph) -> None:
    """Registers are NON_PUBLIC; the few PUBLIC data sets are public documents obtainable on request,
    never open data: no licence, no distribution, no avoindata.fi collection type on any dataset."""
    rights = "http://publications.europa.eu/resource/authority/access-right/"
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(o) for d in datasets for o in graph.objects(d, DCT.accessRights)} == {
        rights + "NON_PUBLIC", rights + "PUBLIC"}
    for d in datasets:
        assert not list(graph.objects(d, DCT.license)) and not list(graph.objects(d, DCAT.distribution))
        assert not list(graph.objects(d, URIRef("http://avoindata.fi/ns#collectionType")))


def test_contact_point_is_kustavis_official_address(graph: Graph) -> None:
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        [contact] = graph.objects(dataset, DCAT.contactPoint)
        assert (contact, VCARD.hasEmail, URIRef("mailto:kustavi@kustavi.fi")) in graph
        assert "Kustavin kunta" in _fi(graph, contact, VCARD.fn)  # type: ignore[arg-type]


# -- the publish gate ------------------------------------------------------------------------------


def _drop_keys(path: Path, keys: tuple[str, ...]) -> None:
    """Remove top-level blocks (a key and its indented lines) from a YAML record."""
    kept, skipping = [], False
    for line in path.read_text("utf-8").splitlines(keepends=True):
        if line[:1].isalpha():
            skipping = line.split(":", 1)[0] in keys
        elif line.startswith("#"):
            skipping = False
        if not skipping:
            kept.append(line)
    path.write_text("".join(kept), "utf-8")


def test_publish_refuses_a_catalogue_that_breaks_the_profile(source_copy: Path, tmp_path: Path) -> None:
    """A resource naming no systems and no search criteria loads, but section 28 wants both: nothing is written."""
    _drop_keys(source_copy / "resources" / "varhaiskasvatus.yaml", ("systems", "search_criteria"))
    out = tmp_path / "out"
    publish(SOURCE, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = CliRunner().invoke(main, ["publish", "--source", str(source_copy), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "https://www.kustavi.fi/tietovarannot/dataset/varhaiskasvatus" in result.output
    assert "s28:informationSystem" in result.output
    assert "s28:searchCriterion" in result.output
    assert "resources/varhaiskasvatus.yaml" in result.output  # where the steward fixes it
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Set and dict order differ between processes with other hash seeds; the files must not."""
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        done = subprocess.run([sys.executable, "-m", "kustavi_dcat", "publish", "-q", "--no-cache",
                               "--source", str(SOURCE), "--out", str(out)],
                              capture_output=True, text=True, cwd=ROOT, check=False,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outs.append({name: (out / name).read_bytes() for name in FORMATS})
    assert outs[0] == outs[1]

