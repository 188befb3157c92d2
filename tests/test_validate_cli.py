"""`kustavi-dcat validate`: what source/ would publish, or any RDF file; exit codes 0, 1, 2 and 3."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef

from kustavi_dcat.cli import main
from kustavi_dcat.mapping import Mapped
from kustavi_dcat.namespaces import DCT, XSD
from tests.conftest import OUTPUT, SOURCE

DATA_SET = URIRef("https://www.kustavi.fi/tietovarannot/dataset/varhaiskasvatus-hakemukset")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


@pytest.fixture()
def broken_ttl(tmp_path: Path, kustavi_mapped: Mapped) -> Path:
    """The catalogue as Turtle, with one data set's title removed and a date that is not a date."""
    g = Graph()
    g += kustavi_mapped.graph
    g.remove((DATA_SET, DCT.title, None))
    g.add((DATA_SET, DCT.modified, Literal("2024-02-30", datatype=XSD.date)))
    path = tmp_path / "broken.ttl"
    g.serialize(path, format="turtle")
    return path


def test_source_conforms() -> None:
    result = run("--source", str(SOURCE))
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("the catalogue conforms.")


@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.jsonld", "catalog.rdf", "catalog.nt"])
def test_published_files_conform(name: str) -> None:
    result = run(str(OUTPUT / name))
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].startswith("0 violations")


def test_violations_exit_1_and_name_resource_and_property(broken_ttl: Path) -> None:
    result = run(str(broken_ttl))
    assert result.exit_code == 1
    block = next(b for b in result.output.split("\n\n") if b.startswith(str(DATA_SET)))
    assert "Violation dct:title [MinCount]" in block
    assert "Violation dct:modified [Node]" in block
    assert "does not conform" in result.output.splitlines()[-1]


def test_ill_typed_literal_is_a_result_not_a_traceback(broken_ttl: Path) -> None:
    """rdflib logs a traceback when it parses "2024-02-30"^^xsd:date; the command keeps stderr clean.

    Run as a process: under pytest, logging is captured and the traceback would never show."""
    done = subprocess.run([sys.executable, "-m", "kustavi_dcat", "validate", str(broken_ttl)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert '"2024-02-30"' in done.stdout


def test_json_format(broken_ttl: Path) -> None:
    result = run(str(broken_ttl), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False
    keys = {(r["focus"], r["path"], r["component"]) for r in data["results"] if r["severity"] == "Violation"}
    assert (str(DATA_SET), str(DCT.title), "MinCount") in keys
    assert all(r["source"] is None for r in data["results"])  # a file has no source records


def test_json_format_from_source_names_the_record() -> None:
    data = json.loads(run("--source", str(SOURCE), "--format", "json").output)
    sources = {r["source"]["file"] for r in data["results"] if r["source"] is not None}
    assert any(f.endswith("resources/varhaiskasvatus.yaml") for f in sources)


def test_strict_fails_on_warnings() -> None:
    plain, strict = run("--source", str(SOURCE)), run("--source", str(SOURCE), "--strict")
    assert plain.exit_code == 0
    assert strict.exit_code == 1
    assert "--strict" in strict.output.splitlines()[-1]
    data = json.loads(run("--source", str(SOURCE), "--strict", "--format", "json").output)
    assert data["conforms"] is True and data["fails"] is True and data["warnings"] > 0


def test_missing_file_exits_3(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere.ttl"))
    assert result.exit_code == 3
    assert "nowhere.ttl" in result.output


def test_unparsable_file_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "catalog.ttl"
    path.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 3
    assert "catalog.ttl" in result.output


def test_unknown_extension_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "catalog.txt"
    path.write_text("", encoding="utf-8")
    assert run(str(path)).exit_code == 3


def test_jsonld_with_a_remote_context_is_not_fetched(tmp_path: Path) -> None:
    """Parsed offline: a context that would have to be downloaded makes the file unreadable (exit 3)."""
    path = tmp_path / "catalog.jsonld"
    path.write_text(json.dumps({"@context": "https://www.w3.org/ns/dcat.jsonld", "@id": "urn:x", "title": "x"}),
                    encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 3, result.output


def test_unreadable_source_exits_3(source_copy: Path) -> None:
    (source_copy / "catalog.yaml").write_text("catalog: [unclosed\n", encoding="utf-8")
    result = run("--source", str(source_copy))
    assert result.exit_code == 3
    assert "catalog.yaml" in result.output


def test_file_and_source_together_is_a_usage_error() -> None:
    result = run(str(OUTPUT / "catalog.ttl"), "--source", str(SOURCE))
    assert result.exit_code == 2


def test_unknown_format_is_a_usage_error() -> None:
    assert run("--source", str(SOURCE), "--format", "xml").exit_code == 2


@pytest.mark.parametrize("text", ["", "<urn:x> <urn:p> \"not a catalogue\" .\n"], ids=["empty", "not-dcat"])
def test_a_file_without_a_catalogue_does_not_pass(tmp_path: Path, text: str) -> None:
    """A gate that passes an empty file would let a broken publish through: no dcat:Catalog, exit 1."""
    path = tmp_path / "catalog.nt"
    path.write_text(text, "utf-8")
    result = run(str(path))
    assert result.exit_code == 1, result.output
    assert "holds no dcat:Catalog" in result.output


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_title_tagged_FI_in_a_published_file_is_a_violation_for_both_engines(tmp_path: Path, engine: str) -> None:
    """One data set's ``"Hakemukset"@fi`` retagged ``@FI`` while others keep ``@fi``: harvesters drop it."""
    lines = (OUTPUT / "catalog.nt").read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(f"<{DATA_SET}> <{DCT.title}>") and "@fi " in line)
    lines[at] = lines[at].replace("@fi ", "@FI ")
    path = tmp_path / "catalog.nt"
    path.write_text("".join(lines), "utf-8")
    result = run(str(path), "--engine", engine)
    assert result.exit_code == 1, result.output
    assert str(DATA_SET) in result.output and '"FI"' in result.output


@pytest.mark.parametrize(("suffix", "fmt"),
                         [(".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")])
def test_both_engines_report_the_same_on_a_broken_file_in_every_format(broken_ttl: Path, suffix: str, fmt: str) -> None:
    """The compiled checks read the file into the light triples, pyshacl into an rdflib graph: same report."""
    path = broken_ttl.with_suffix(suffix)
    Graph().parse(broken_ttl, format="turtle").serialize(path, format=fmt, encoding="utf-8")
    fast, plain = run(str(path), "--format", "json"), run(str(path), "--format", "json", "--engine", "pyshacl")
    assert fast.exit_code == plain.exit_code == 1, fast.output + plain.output
    assert json.loads(fast.output) == json.loads(plain.output)
    assert json.loads(fast.output)["violations"]
