"""The description page: seed facts verbatim, texts never markup, anchors for every IRI, languages, the
schema.org JSON-LD against the DCAT graph, steward's templates, and bytes that do not change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import Graph, Literal, URIRef

from kustavi_dcat.cli import main
from kustavi_dcat.mapping import Mapped
from kustavi_dcat.models import Source
from kustavi_dcat.namespaces import DCAT, DCT, RDF, SKOS
from kustavi_dcat.page import PAGE_FILES, render_pages
from kustavi_dcat.pipeline import publish
from kustavi_dcat.rdf.serialise import FORMATS
from kustavi_dcat.source.loader import load
from tests.conftest import OUTPUT, SOURCE, shared_or_skip
from tests.pagehtml import parse

SDO = "https://schema.org/"
HOSTILE = "</title><script>alert(1)</script> & \"quoted\" 'single' <!-- x --> </script>"


@pytest.fixture(scope="module")
def pages(kustavi_source: Source) -> dict[str, bytes]:
    return render_pages(kustavi_source)


def _seed_lines() -> list[str]:
    text = shared_or_skip("seed", "000_11c9b7d8208783e6.txt").read_text("utf-8")
    lines = [re.sub(r"^\d+\.\s+", "", line.replace("\xa0", " ").strip()) for line in text.splitlines()]
    return [line for line in lines if line]


# -- what the page says ----------------------------------------------------------------------------

def test_every_line_of_the_seed_is_on_the_finnish_page_verbatim(pages: dict[str, bytes]) -> None:
    """Headings, titles, purposes, data sets, statements and cross-reference as the seed page has them;
    a system line ("Daisy (varhaiskasvatus)", "Pro Consona / Sosiaalityöjärjestelmä") by its parts."""
    text = parse(pages["index.html"]).body_text
    missing = []
    for line in _seed_lines():
        parts = [p.strip() for p in re.split(r"\s*/\s*|\s*\(\s*|\)", line) if p.strip()]
        if line not in text and not all(p in text for p in parts):
            missing.append(line)
    assert missing == []


def test_the_finnish_page_follows_the_seed_order(pages: dict[str, bytes]) -> None:
    text = parse(pages["index.html"]).body_text
    order = ["Sosiaalipalveluiden tietovarannot", "Sosiaalipalveluiden hallinnoimat tietovarannot ja asiarekisterit",
             "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
             "Esityslistat, pöytäkirjat, viranhaltijapäätökset ja sopimukset", "Varhaiskasvatuksen tietovaranto",
             "Tietoaineistot", "Lasten, huoltajien ja henkilökunnan yhteystiedot", "Tietojärjestelmät", "Daisy",
             "Hakutekijät, joilla asiakirjoja on mahdollista hakea", "Yhteystiedot ja tietopyynnöt",
             "kustavi@kustavi.fi"]
    positions = [text.index(item, text.index("Varhaiskasvatuksen tietovaranto") if i > 4 else 0)
                 for i, item in enumerate(order)]
    assert positions == sorted(positions)


RESOURCE_TITLES = ["Varhaiskasvatuksen tietovaranto", "Ikäihmisten palveluiden tietovaranto",
                   "Perhetyön ja aikuissosiaalityön tietovaranto"]
ORDER = "resources: [varhaiskasvatus, ikaihmisten-palvelut, perhetyo-ja-aikuissosiaalityo]"


def _resource_titles(page: bytes) -> list[str]:
    return [h.text for h in parse(page).all("h3") if h.attrs.get("id", "").startswith("dataset/")]


def test_the_information_resources_are_in_the_seed_pages_order(pages: dict[str, bytes]) -> None:
    """The seed lists early childhood education first, then services for older people, then family and
    adult social work: not the file names' order, which the section's `resources:` overrides."""
    seed = [line for line in _seed_lines() if line in RESOURCE_TITLES]
    assert seed == RESOURCE_TITLES
    for name in PAGE_FILES.values():
        ids = [a for a in parse(pages[name]).ids() if re.fullmatch(r"dataset/[a-z-]+", a)
               and a.split("/")[1] in ORDER]
        assert ids == ["dataset/varhaiskasvatus", "dataset/ikaihmisten-palvelut",
                       "dataset/perhetyo-ja-aikuissosiaalityo"], name
    assert _resource_titles(pages["index.html"]) == seed


def test_the_sections_list_decides_the_order_and_without_it_file_names_do(source_copy: Path) -> None:
    catalog = source_copy / "catalog.yaml"
    text = catalog.read_text("utf-8")
    assert text.count(ORDER) == 1
    catalog.write_text(text.replace(ORDER, "resources: [perhetyo-ja-aikuissosiaalityo, varhaiskasvatus, "
                                           "ikaihmisten-palvelut]"), "utf-8")
    assert _resource_titles(render_pages(load(source_copy))["index.html"]) == [
        RESOURCE_TITLES[2], RESOURCE_TITLES[0], RESOURCE_TITLES[1]]
    catalog.write_text(text.replace(ORDER, ""), "utf-8")
    assert _resource_titles(render_pages(load(source_copy))["index.html"]) == [
        RESOURCE_TITLES[1], RESOURCE_TITLES[2], RESOURCE_TITLES[0]]  # ikaihmisten-, perhetyo-, varhaiskasvatus.yaml


@pytest.mark.parametrize("where", ["title", "description"])
def test_a_source_text_with_markup_characters_is_shown_as_text(source_copy: Path, where: str) -> None:
    catalog = source_copy / "catalog.yaml"
    text = catalog.read_text("utf-8")
    statement = "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla."
    old = "fi: Kustavin kunnan sosiaalipalveluiden tietovarannot\n" if where == "title" else f"fi: {statement}\n"
    new = f"fi: {_yaml(HOSTILE)}\n" if where == "title" else f"fi: {_yaml(HOSTILE + ' ' + statement)}\n"
    assert old in text
    catalog.write_text(text.replace(old, new, 1), "utf-8")
    page = render_pages(load(source_copy))["index.html"]
    parsed = parse(page)
    assert HOSTILE in parsed.body_text
    assert [e.attrs.get("type") for e in parsed.all("script")] == ["application/ld+json"]
    if where == "title":
        assert parsed.all("title")[0].text == HOSTILE
        assert parsed.jsonld()["name"] == [*parsed.jsonld()["name"][:1], {"@language": "fi", "@value": HOSTILE},
                                           *parsed.jsonld()["name"][2:]]
    assert b"<script>alert" not in page


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_every_dataset_section_and_cross_reference_has_its_relative_iri_as_id(
        pages: dict[str, bytes], kustavi_mapped: Mapped) -> None:
    graph = kustavi_mapped.graph
    base = "https://www.kustavi.fi/tietovarannot/"
    wanted = {str(s)[len(base):] for cls in (DCAT.Dataset, DCAT.Catalog) for s in graph.subjects(RDF.type, cls)}
    assert "dataset/varhaiskasvatus" in wanted and "dataset/ikaihmiset-hakemukset" in wanted
    for name, page in pages.items():
        ids = parse(page).ids()
        assert len(ids) == len(set(ids)), f"{name}: an id twice"
        assert wanted <= set(ids), f"{name}: no section for {sorted(wanted - set(ids))}"
        assert all(" " not in i for i in ids)


# -- languages -------------------------------------------------------------------------------------

def test_each_page_has_its_language_switch_and_alternates(pages: dict[str, bytes]) -> None:
    assert sorted(pages) == sorted(PAGE_FILES.values())
    for lang, name in PAGE_FILES.items():
        parsed = parse(pages[name])
        assert parsed.all("html")[0].attrs["lang"] == lang
        links = parsed.all("link")
        assert {(e.attrs["hreflang"], e.attrs["href"]) for e in links if "hreflang" in e.attrs} == {
            (code, file) for code, file in PAGE_FILES.items()}
        assert {(e.attrs["type"], e.attrs["href"]) for e in links if "type" in e.attrs} == {
            ("text/turtle", "catalog.ttl"), ("application/ld+json", "catalog.jsonld"),
            ("application/rdf+xml", "catalog.rdf"), ("application/n-triples", "catalog.nt")}
        switch = [e for e in parsed.all("a") if "hreflang" in e.attrs]
        assert {(e.attrs["hreflang"], e.attrs["lang"]) for e in switch} == {(c, c) for c in PAGE_FILES}
        assert [e.attrs["hreflang"] for e in switch if e.attrs.get("aria-current") == "page"] == [lang]


def test_a_finnish_only_catalogue_gets_only_the_finnish_page(source_copy: Path) -> None:
    catalog = source_copy / "catalog.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("languages: [fi, sv, en]", "languages: [fi]"), "utf-8")
    pages = render_pages(load(source_copy))
    assert list(pages) == ["index.html"]
    parsed = parse(pages["index.html"])
    assert [e for e in parsed.all("link") if "hreflang" in e.attrs] == []
    assert parsed.all("nav") == []


def test_a_text_missing_in_swedish_is_shown_in_finnish_marked_as_finnish(source_copy: Path) -> None:
    path = source_copy / "resources" / "varhaiskasvatus.yaml"
    text = path.read_text("utf-8")
    swedish = "      sv: Ansökningar \u2013 småbarnspedagogiken i Gustavs\n"
    assert swedish in text
    path.write_text(text.replace(swedish, "", 1), "utf-8")
    parsed = parse(render_pages(load(source_copy))["index.sv.html"])
    item = next(e for e in parsed.elements if e.attrs.get("id") == "dataset/varhaiskasvatus-hakemukset")
    assert item.text == "Hakemukset"
    marked = [e for e in parsed.all("span") if e.attrs.get("lang") == "fi"]
    assert "Hakemukset" in {e.text for e in marked}
    assert "Ansökningar" in parsed.body_text  # the other resources' Swedish title is still there


# -- schema.org ------------------------------------------------------------------------------------

def _offline_loader(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"the embedded JSON-LD made pyld fetch {url}")


def _schema_graph(page: bytes) -> Graph:
    data = parse(page).jsonld()
    nquads = jsonld.to_rdf(data, {"format": "application/n-quads", "documentLoader": _offline_loader})
    return Graph().parse(data=nquads, format="nt")  # all in the default graph: N-Quads are N-Triples


def test_the_embedded_json_ld_agrees_with_the_dcat_graph(pages: dict[str, bytes], kustavi_mapped: Mapped) -> None:
    dcat = kustavi_mapped.graph
    schema = _schema_graph(pages["index.html"])
    sdo = {name: URIRef(SDO + name) for name in ("Dataset", "DataCatalog", "name", "identifier", "url",
                                                   "isAccessibleForFree", "conditionsOfAccess", "license",
                                                   "description", "keywords", "dataset", "publisher",
                                                   "spatialCoverage")}
    datasets = set(dcat.subjects(RDF.type, DCAT.Dataset))
    assert set(schema.subjects(RDF.type, sdo["Dataset"])) == datasets
    catalog = next(iter(schema.subjects(RDF.type, sdo["DataCatalog"])))
    assert set(schema.objects(catalog, sdo["dataset"])) == datasets
    for node in datasets:
        assert set(schema.objects(node, sdo["name"])) == set(dcat.objects(node, DCT.title))
        assert set(schema.objects(node, sdo["description"])) == set(dcat.objects(node, DCT.description))
        assert set(schema.objects(node, sdo["keywords"])) == set(dcat.objects(node, DCAT.keyword))
        assert {str(o) for o in schema.objects(node, sdo["identifier"])} == {
            str(o) for o in dcat.objects(node, DCT.identifier)}
        assert [str(o) for o in schema.objects(node, sdo["url"])] == [str(node)]
        rights = dcat.value(node, DCT.accessRights)
        assert set(schema.objects(node, sdo["conditionsOfAccess"])) == set(dcat.objects(rights, SKOS.prefLabel))
        free = list(schema.objects(node, sdo["isAccessibleForFree"]))
        if str(rights).endswith("/PUBLIC"):
            assert free == []  # a charge the source does not state is not claimed either way
        else:
            assert free == [Literal(False)]
        assert list(schema.objects(node, sdo["license"])) == []
        assert set(schema.objects(node, sdo["publisher"])) == set(dcat.objects(node, DCT.publisher))
        assert set(schema.objects(node, sdo["spatialCoverage"])) == set(dcat.objects(node, DCT.spatial))


def test_every_page_embeds_the_same_json_ld(pages: dict[str, bytes]) -> None:
    found = {name: parse(page).jsonld() for name, page in pages.items()}
    assert found["index.sv.html"] == found["index.html"] == found["index.en.html"]


# -- bytes -----------------------------------------------------------------------------------------

def test_page_bytes_are_deterministic_and_the_committed_pages_are_current(kustavi_source: Source) -> None:
    first = render_pages(kustavi_source)
    again = render_pages(load(SOURCE))
    assert first == again
    for name, data in first.items():
        assert (OUTPUT / name).read_bytes() == data, f"output/{name} is stale: run kustavi-dcat publish"


def test_both_publishing_paths_write_the_same_pages(tmp_path: Path) -> None:
    publish(SOURCE, tmp_path / "records")
    publish(SOURCE, tmp_path / "whole", fast=False)
    for name in PAGE_FILES.values():
        assert (tmp_path / "records" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


# -- the steward's templates -----------------------------------------------------------------------

def test_a_steward_template_dir_puts_the_page_inside_the_site_chrome(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(
        '{% extends "default/base.html" %}\n'
        '{% block site_header %}<header class="site">Kunnan sivusto</header>{% endblock %}\n'
        '{% block site_footer %}<footer class="site">Alatunniste</footer>{% endblock %}\n', "utf-8")
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(tmp_path / "out"),
                                       "--template-dir", str(templates), "--no-cache"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_bytes()
    parsed = parse(page)
    assert '<header class="site">Kunnan sivusto</header>' in page.decode()
    assert "Varhaiskasvatuksen tietovaranto" in parsed.body_text  # the content is still there
    assert page != (OUTPUT / "index.html").read_bytes()


def test_a_broken_steward_template_writes_nothing_and_says_where(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text('{% extends "default/base.html" %}\n{% block site_header %}\n', "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name in FORMATS:
        (out / name).write_bytes(b"previous")
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(out),
                                       "--template-dir", str(templates), "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "base.html" in result.output and "nothing was written" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FORMATS)
    assert all((out / n).read_bytes() == b"previous" for n in FORMATS)


def test_a_missing_template_dir_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["publish", "--source", str(SOURCE), "--out", str(tmp_path / "out"),
                                       "--template-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_shipped_templates_are_package_data() -> None:
    from importlib import resources

    folder = resources.files("kustavi_dcat.page").joinpath("templates")
    assert {"base.html", "page.html", "page.css"} <= {p.name for p in folder.iterdir()}
