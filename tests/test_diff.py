"""``kustavi-dcat diff OLD NEW``: what a steward reviews before the harvester takes the new output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Graph, Literal, URIRef

from kustavi_dcat.cli import main
from kustavi_dcat.diff import diff_graphs
from kustavi_dcat.namespaces import DCAT, DCT, RDF
from kustavi_dcat.rdf.serialise import FORMATS, to_jsonld, to_ntriples, to_rdfxml, to_turtle
from tests.conftest import OUTPUT, SOURCE

BASE = "https://www.kustavi.fi/tietovarannot/"
HAKEMUKSET = URIRef(BASE + "dataset/varhaiskasvatus-hakemukset")
SV_TITLE = "Ansökningar \u2013 småbarnspedagogiken i Gustavs"
TILASTOT = URIRef(BASE + "dataset/varhaiskasvatus-tilastot-ja-raportit")
TOP = URIRef(BASE + "catalog/tietovarannot")
WRITERS = {".ttl": to_turtle, ".jsonld": to_jsonld, ".rdf": to_rdfxml, ".nt": to_ntriples}


def diff(*args: str) -> Result:
    return CliRunner().invoke(main, ["diff", *args])


@pytest.fixture(scope="module")
def published() -> Graph:
    return Graph().parse(OUTPUT / "catalog.nt", format="nt")


def write(graph: Graph, path: Path) -> str:
    """Write ``graph`` in the format of ``path``'s extension, with the project's own serialisers."""
    path.write_bytes(WRITERS[path.suffix](graph))
    return str(path)


def copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


# -- equal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), [("catalog.ttl", "catalog.jsonld"), ("catalog.rdf", "catalog.nt"),
                                          ("catalog.jsonld", "catalog.rdf"), ("catalog.nt", "catalog.ttl")])
def test_the_same_catalogue_in_two_formats_is_equal(old: str, new: str) -> None:
    result = diff(str(OUTPUT / old), str(OUTPUT / new))
    assert result.exit_code == 0, result.output
    assert "No differences" in result.stdout


def test_equal_in_json(tmp_path: Path) -> None:
    result = diff("--format", "json", str(OUTPUT / "catalog.ttl"), str(OUTPUT / "catalog.jsonld"))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["equal"] is True
    assert document["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_equal_graphs_with_blank_nodes_compare_equal(tmp_path: Path) -> None:
    graph = Graph()
    node = BNode()
    graph.add((TOP, DCT.publisher, node))
    graph.add((node, DCT.title, Literal("Kustavin kunta", lang="fi")))
    result = diff(write(graph, tmp_path / "a.ttl"), write(graph, tmp_path / "b.nt"))
    assert result.exit_code == 0, result.output


# -- added, removed, changed -----------------------------------------------------------------------


def test_added_dataset_is_listed_with_its_finnish_title(published: Graph, tmp_path: Path) -> None:
    new = copy(published)
    added = URIRef(BASE + "dataset/varhaiskasvatus-kuljetukset")
    new.add((added, RDF.type, DCAT.Dataset))
    new.add((added, DCT.title, Literal("Kuljetukset", lang="fi")))
    new.add((added, DCT.title, Literal("Transport", lang="en")))
    new.add((TOP, DCAT.dataset, added))

    result = diff(str(OUTPUT / "catalog.ttl"), write(new, tmp_path / "new.jsonld"))

    assert result.exit_code == 1, result.output
    assert f"+ dcat:Dataset  Kuljetukset  <{added}>" in result.stdout
    assert "Added (1)" in result.stdout and "Removed" not in result.stdout
    assert f"+ <{added}>" in result.stdout  # the catalogue now lists it
    assert result.stdout.rstrip().endswith("1 added, 0 removed, 1 changed.")


def test_removed_dataset_is_listed_with_its_old_title(published: Graph, tmp_path: Path) -> None:
    new = copy(published)
    new.remove((TILASTOT, None, None))
    new.remove((None, None, TILASTOT))

    result = diff(str(OUTPUT / "catalog.nt"), write(new, tmp_path / "new.ttl"))

    assert result.exit_code == 1
    assert f"- dcat:Dataset  Tilastot ja raportit \u2013 Kustavin varhaiskasvatus  <{TILASTOT}>" in result.stdout
    changed = result.stdout.split("Changed", 1)[1]
    assert f"- <{TILASTOT}>" in changed
    for parent in ("catalog/tietovarannot", "catalog/sosiaalipalvelut", "dataset/varhaiskasvatus"):
        assert f"<{BASE}{parent}>" in changed
    assert f"<{BASE}service/katalogi>" not in changed  # the service lists no datasets


def test_changed_title_shows_property_and_old_and_new_values(published: Graph, tmp_path: Path) -> None:
    new = copy(published)
    new.remove((HAKEMUKSET, DCT.title, Literal("Hakemukset \u2013 Kustavin varhaiskasvatus", lang="fi")))
    new.add((HAKEMUKSET, DCT.title, Literal("Hakemukset ja ilmoitukset", lang="fi")))

    result = diff(str(OUTPUT / "catalog.rdf"), write(new, tmp_path / "new.rdf"))

    assert result.exit_code == 1
    assert result.stdout.split("Changed (1)\n", 1)[1].splitlines()[:4] == [
        f"  ~ dcat:Dataset  Hakemukset ja ilmoitukset  <{HAKEMUKSET}>",
        "      dct:title",
        '        - "Hakemukset \u2013 Kustavin varhaiskasvatus"@fi',
        '        + "Hakemukset ja ilmoitukset"@fi',
    ]


def test_language_tag_change_is_a_change(published: Graph, tmp_path: Path) -> None:
    new = copy(published)
    new.remove((HAKEMUKSET, DCT.title, Literal(SV_TITLE, lang="sv")))
    new.add((HAKEMUKSET, DCT.title, Literal(SV_TITLE, lang="en")))

    result = diff(str(OUTPUT / "catalog.ttl"), write(new, tmp_path / "new.nt"))

    assert result.exit_code == 1
    assert f'- "{SV_TITLE}"@sv' in result.stdout
    assert f'+ "{SV_TITLE}"@en' in result.stdout
    [entry] = json.loads(diff("--format", "json", str(OUTPUT / "catalog.ttl"), str(tmp_path / "new.nt"))
                         .stdout)["changed"]
    assert entry["properties"] == [{
        "property": "dct:title", "property_iri": str(DCT.title),
        "removed": [{"type": "literal", "value": SV_TITLE, "language": "sv"}],
        "added": [{"type": "literal", "value": SV_TITLE, "language": "en"}],
    }]


def test_a_change_in_a_system_counts_too(published: Graph, tmp_path: Path) -> None:
    daisy = URIRef(BASE + "system/daisy")
    name = next(p for p, o in published.predicate_objects(daisy) if o == Literal("Daisy", lang="fi"))
    new = copy(published)
    new.set((daisy, name, Literal("Daisy Family", lang="fi")))
    result = diff(str(OUTPUT / "catalog.ttl"), write(new, tmp_path / "new.ttl"))
    assert result.exit_code == 1
    assert f"Daisy Family  <{daisy}>" in result.stdout


def test_publishing_an_edited_source_and_diffing_against_the_output(tmp_path: Path) -> None:
    """The steward's flow: edit a record, publish elsewhere, review the difference."""
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    record = source / "resources" / "varhaiskasvatus.yaml"
    title = "      fi: Hakemukset \u2013 Kustavin varhaiskasvatus\n"
    record.write_text(record.read_text("utf-8").replace(title, "      fi: Hakemus\n"), "utf-8")
    assert CliRunner().invoke(main, ["publish", "-q", "--source", str(source), "--out", str(tmp_path / "new")]
                              ).exit_code == 0

    result = diff("--format", "json", str(OUTPUT / "catalog.ttl"), str(tmp_path / "new" / "catalog.jsonld"))

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["added"], document["removed"]) == ([], [])
    [entry] = document["changed"]
    assert (entry["iri"], entry["kind"], entry["title"]) == (str(HAKEMUKSET), "dcat:Dataset", "Hakemus")
    assert [p["property"] for p in entry["properties"]] == ["dct:title"]


# -- JSON for scripts ------------------------------------------------------------------------------


def test_json_is_stable_and_sorted_whatever_the_formats(published: Graph, tmp_path: Path) -> None:
    new = copy(published)
    new.remove((TILASTOT, None, None))
    new.remove((None, None, TILASTOT))
    new.set((HAKEMUKSET, DCT.modified, Literal("2025-01-31", datatype=URIRef(str(DCT) + "x"))))
    runs = []
    for old_name, suffix in (("catalog.ttl", ".jsonld"), ("catalog.nt", ".rdf"), ("catalog.jsonld", ".ttl")):
        new_file = write(new, tmp_path / f"new{suffix}")
        result = diff("--format", "json", str(OUTPUT / old_name), new_file)
        assert result.exit_code == 1
        document = json.loads(result.stdout)
        del document["old"], document["new"]
        runs.append(document)
    assert runs[0] == runs[1] == runs[2]
    document = runs[0]
    # changed: the catalogues listing it, and the edited data set (the service lists no datasets)
    assert document["counts"] == {"added": 0, "removed": 1, "changed": 4}
    assert [e["iri"] for e in document["changed"]] == sorted(
        [e["iri"] for e in document["changed"] if e["kind"] == "dcat:Catalog"]) + sorted(
        [e["iri"] for e in document["changed"] if e["kind"] == "dcat:Dataset"]) + sorted(
        [e["iri"] for e in document["changed"] if e["kind"] == "dcat:DataService"])
    again = diff("--format", "json", str(OUTPUT / "catalog.jsonld"), str(tmp_path / "new.ttl"))
    assert again.stdout == diff("--format", "json", str(OUTPUT / "catalog.jsonld"), str(tmp_path / "new.ttl")).stdout
    assert list(json.loads(again.stdout)) == sorted(json.loads(again.stdout))


def test_diff_graphs_returns_data_in_both_directions(published: Graph) -> None:
    new = copy(published)
    new.remove((TILASTOT, None, None))
    new.remove((None, None, TILASTOT))
    forward, backward = diff_graphs(published, new), diff_graphs(new, published)
    assert [e.iri for e in forward.removed] == [e.iri for e in backward.added] == [str(TILASTOT)]
    assert [e.title for e in forward.removed] == ["Tilastot ja raportit \u2013 Kustavin varhaiskasvatus"]
    assert not diff_graphs(published, copy(published)).changed


# -- unreadable files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "says"), [
    ("broken.ttl", b"@prefix x: <http://x/> . x:a x:b", "not readable as turtle"),
    ("broken.rdf", b"<rdf:RDF", "not readable as xml"),
    ("broken.nt", b"\xff\xfe", "not readable as nt"),
    ("broken.jsonld", b"{", "not readable as json-ld"),
    ("remote.jsonld", b'{"@context": "https://example.org/context.jsonld", "@id": "http://x/a"}',
     "never fetched"),
    ("catalog.csv", b"a,b\n", "cannot tell the format"),
])
def test_unreadable_file_exits_3_naming_it(name: str, content: bytes, says: str, tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = diff(str(OUTPUT / "catalog.ttl"), str(bad))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{bad}: ") and says in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_3(tmp_path: Path) -> None:
    result = diff(str(tmp_path / "old.ttl"), str(OUTPUT / "catalog.ttl"))
    assert result.exit_code == 3
    assert f"{tmp_path / 'old.ttl'}: cannot be read" in result.stderr


def test_every_published_format_is_readable() -> None:
    assert set(WRITERS) == {Path(name).suffix for name in FORMATS}


# -- personal data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_personal_identity_code_is_never_printed(published: Graph, tmp_path: Path, fmt: str) -> None:
    """A diff is read by people and scripts: a leaked code is shown as a placeholder, and still a change."""
    new = copy(published)
    new.remove((HAKEMUKSET, DCT.title, Literal("Hakemukset \u2013 Kustavin varhaiskasvatus", lang="fi")))
    new.add((HAKEMUKSET, DCT.title, Literal("Hakemukset 131052-308T", lang="fi")))

    result = diff(str(OUTPUT / "catalog.ttl"), write(new, tmp_path / "new.nt"), "--format", fmt)

    assert result.exit_code == 1, result.output
    assert "131052-308T" not in result.output
    assert "Hakemukset [henkilötunnus]" in result.output
