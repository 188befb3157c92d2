"""What the published catalogue claims is what its source records say, and nothing more.

Each test reads the published Kustavi catalogue (or a copy of the source with one thing changed) the way
a reader with the page and the law at hand would check it: who serves what, which data set is kept in
which system, why a register is secret, who controls it since when, which statute applies to which
period, where each text comes from.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kustavi_dcat import vocab, vocabulary
from kustavi_dcat.cli import main
from kustavi_dcat.errors import SourceError
from kustavi_dcat.mapping import Mapped
from kustavi_dcat.models import Source
from kustavi_dcat.namespaces import DCAT, DCATAP, DCT, FOAF, PROV, RDF, RDFS, S28, XSD
from kustavi_dcat.source.loader import load
from tests.conftest import OUTPUT, SOURCE

BASE = "https://www.kustavi.fi/tietovarannot/"
EU_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
CONTROLLER = URIRef(vocab.DATA_CONTROLLER_ROLE)
IKA = "resources/ikaihmisten-palvelut.yaml"


@pytest.fixture(scope="module")
def source() -> Source:
    return load(SOURCE)


@pytest.fixture()
def graph(kustavi_mapped: Mapped) -> Graph:
    return kustavi_mapped.graph


def dataset(ident: str) -> URIRef:
    return URIRef(f"{BASE}dataset/{ident}")


def finnish(graph: Graph, node: URIRef, predicate: URIRef) -> str:
    return next(str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal) and o.language == "fi")


# -- the service and the registers ------------------------------------------------------------------


def test_the_catalogue_service_serves_no_register(graph: Graph) -> None:
    """The service carries metadata only: it names no served dataset, least of all a non-public one."""
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert not list(graph.objects(service, DCAT.servesDataset))
    for catalogue in graph.subjects(RDF.type, DCAT.Catalog):
        assert (catalogue, RDF.type, DCAT.Dataset) not in graph  # portals would harvest it as a data set
    assert (URIRef(BASE + "catalog/tietovarannot"), DCAT.service, service) in graph


# -- nothing inherited ------------------------------------------------------------------------------


def test_a_data_set_states_only_what_its_own_record_gives(graph: Graph, source: Source) -> None:
    """Systems, themes, subjects and statutes are listed per resource on the page: a data set carries one
    only where its own record names it (e.g. Vivago is not claimed for the elderly-services applications)."""
    for resource in source.resources:
        for part in resource.datasets:
            node = dataset(part.id)
            assert {str(o) for o in graph.objects(node, S28.informationSystem)} == {
                f"{BASE}system/{s}" for s in part.systems}, part.id
            assert {str(o) for o in graph.objects(node, DCAT.theme)} == {vocab.theme_iri(t) for t in part.themes}
            assert {str(o) for o in graph.objects(node, DCT.subject)} == set(part.subjects), part.id
            assert {str(o) for o in graph.objects(node, DCATAP.applicableLegislation)} == {
                vocab.law_iri(law) for law in part.legislation}, part.id
    applications = dataset("ikaihmiset-hakemukset")
    assert (applications, S28.informationSystem, URIRef(BASE + "system/vivago")) not in graph
    assert (dataset("ikaihmisten-palvelut"), S28.informationSystem, URIRef(BASE + "system/vivago")) in graph


# -- access rights and their basis -------------------------------------------------------------------


def test_every_right_other_than_public_names_its_legal_basis(graph: Graph) -> None:
    non_public = 0
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        right = str(graph.value(node, DCT.accessRights))
        if right == EU_RIGHTS + "PUBLIC":
            continue
        non_public += 1
        statement = graph.value(node, DCT.rights)
        assert statement is not None, node
        assert (statement, RDF.type, DCT.RightsStatement) in graph
        assert "§" in finnish(graph, statement, DCT.description), node
        assert {str(o) for o in graph.objects(statement, DCT.references)} & {vocab.law_iri("621/1999")}
    assert non_public == 20


def test_public_documents_are_not_offered_as_open_data(graph: Graph) -> None:
    """Statistics and service-provider data are public documents to ask for: no licence, no distribution,
    and their basis says they are not open data."""
    public = [s for s in graph.subjects(DCT.accessRights, URIRef(EU_RIGHTS + "PUBLIC"))]
    assert {str(s).rsplit("/", 1)[1] for s in public} == {
        "ikaihmiset-palveluntuottajat", "ikaihmiset-tilastot-ja-raportit", "sosiaalityo-tilastot-ja-raportit",
        "varhaiskasvatus-yksityiset-palveluntuottajat", "varhaiskasvatus-tilastot-ja-raportit"}
    for node in public:
        assert not list(graph.objects(node, DCT.license)) and not list(graph.objects(node, DCAT.distribution))
        basis = finnish(graph, graph.value(node, DCT.rights), DCT.description)
        assert "tietopyynnöllä" in basis and "ei" in basis and "avointa dataa" in basis


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "source"
    shutil.copytree(SOURCE, src)
    return src


def _publish(src: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["publish", "--source", str(src), "--out", str(out), "--no-cache"])
    return result.exit_code, result.stderr


def test_a_non_public_resource_without_a_basis_is_refused_at_its_line(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    path = src / IKA
    text = path.read_text("utf-8")
    path.write_text(text.replace("access_basis: sosiaalihuollon-asiakasasiakirjat\n", ""), "utf-8")
    line = text.splitlines().index("access_rights: NON_PUBLIC") + 1
    code, err = _publish(src, tmp_path / "out")
    assert code == 3
    assert f"{path}:{line}:16: access_rights: access rights are NON_PUBLIC but no `access_basis` says why" in err
    assert not (tmp_path / "out").exists()


def test_a_restricted_data_set_without_a_basis_is_refused_at_its_record(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    path = src / IKA
    text = path.read_text("utf-8")
    marker = "  - id: ikaihmiset-palveluntuottajat\n"
    text = text.replace("    access_rights: PUBLIC\n    access_basis: julkinen-palveluntuottajat\n",
                        "    access_rights: RESTRICTED\n", 1)
    path.write_text(text, "utf-8")
    line = text.splitlines().index(marker.rstrip("\n")) + 1
    code, err = _publish(src, tmp_path / "out")
    assert code == 3
    assert f"{path}:{line}:5: datasets[4].access_rights: the data set's access rights are RESTRICTED" in err


def test_the_default_access_right_needs_a_basis_too(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    path = src / IKA
    stated = "access_rights: NON_PUBLIC\naccess_basis: sosiaalihuollon-asiakasasiakirjat\n"
    text = path.read_text("utf-8").replace(stated, "")
    path.write_text(text, "utf-8")
    with pytest.raises(SourceError) as caught:
        load(src)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 6, "access_rights")
    assert "(the default)" in problem.message


# -- controller and period -------------------------------------------------------------------------


def _controllers(graph: Graph, node: URIRef) -> list[tuple[str, str | None]]:
    out = []
    for attribution in graph.objects(node, PROV.qualifiedAttribution):
        if (attribution, DCAT.hadRole, CONTROLLER) in graph:
            name = finnish(graph, graph.value(attribution, PROV.agent), FOAF.name)
            since = graph.value(attribution, S28.since)
            out.append((name, None if since is None else str(since)))
            assert finnish(graph, attribution, RDFS.comment)  # the note citing the source
    return out


def test_varha_controls_the_social_welfare_registers_from_2023(graph: Graph) -> None:
    for ident in ("ikaihmisten-palvelut", "perhetyo-ja-aikuissosiaalityo"):
        assert _controllers(graph, dataset(ident)) == [("Varsinais-Suomen hyvinvointialue", "2023-01-01")]
        note = finnish(graph, next(graph.objects(dataset(ident), PROV.qualifiedAttribution)), RDFS.comment)
        assert all(law in note for law in ("611/2021", "612/2021", "616/2021"))
    assert (URIRef(BASE + "attribution/ikaihmisten-palvelut-controller"), S28.since,
            Literal("2023-01-01", datatype=XSD.date)) in graph


def test_kustavi_controls_early_childhood_education(graph: Graph) -> None:
    assert _controllers(graph, dataset("varhaiskasvatus")) == [("Kustavin kunta", None)]


def test_the_period_of_the_moved_registers_ends_when_kustavi_stopped_organising_them(graph: Graph) -> None:
    for ident in ("ikaihmisten-palvelut", "perhetyo-ja-aikuissosiaalityo"):
        period = graph.value(dataset(ident), DCT.temporal)
        assert (period, RDF.type, DCT.PeriodOfTime) in graph
        assert graph.value(period, DCAT.endDate) == Literal("2022-12-31", datatype=XSD.date)
        assert graph.value(period, DCAT.startDate) is None  # not known, not invented
    assert graph.value(dataset("varhaiskasvatus"), DCT.temporal) is None


def test_703_2023_is_not_claimed_for_a_period_before_2024(graph: Graph) -> None:
    law = URIRef(vocab.law_iri("703/2023") or "")
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        end = graph.value(graph.value(node, DCT.temporal) or URIRef("urn:none"), DCAT.endDate)
        if end is not None and dt.date.fromisoformat(str(end)) < dt.date(2024, 1, 1):
            assert (node, DCATAP.applicableLegislation, law) not in graph, node
            assert (node, DCATAP.applicableLegislation, URIRef(vocab.law_iri("254/2015") or "")) in graph


def test_the_loader_refuses_a_statute_newer_than_the_period(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    path = src / IKA
    text = path.read_text("utf-8").replace('"254/2015"', '"703/2023"')
    path.write_text(text, "utf-8")
    code, err = _publish(src, tmp_path / "out")
    assert code == 3
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("legislation:"))
    assert f"{path}:{line}:" in err and "703/2023 came into force on 2024-01-01" in err


# -- provenance and titles -------------------------------------------------------------------------


def test_every_dataset_says_where_its_text_comes_from(graph: Graph) -> None:
    statement = URIRef(BASE + "provenance/sosiaalipalvelut")
    assert (statement, RDF.type, DCT.ProvenanceStatement) in graph
    text = finnish(graph, statement, DCT.description)
    assert "”Sosiaalipalveluiden tietovarannot”" in text and "4.12.2026" in text
    assert "kirjoitettu tätä luetteloa varten" in text
    assert graph.value(statement, DCT.source) is None  # the page's address is not known: none is made up
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        assert (node, DCT.provenance, statement) in graph


def test_the_catalogue_says_what_it_covers_and_links_no_front_page(graph: Graph) -> None:
    top = URIRef(BASE + "catalog/tietovarannot")
    assert finnish(graph, top, DCT.title) == "Kustavin kunnan sosiaalipalveluiden tietovarannot"
    assert "Luettelo kattaa vain kuvaussivun" in finnish(graph, top, DCT.description)
    for catalogue in graph.subjects(RDF.type, DCAT.Catalog):
        assert not list(graph.objects(catalogue, FOAF.homepage))


def test_data_set_titles_are_unique_and_keep_the_pages_title(graph: Graph, source: Source) -> None:
    titles = [finnish(graph, s, DCT.title) for s in graph.subjects(RDF.type, DCAT.Dataset)]
    assert len(titles) == len(set(titles)) == 25
    for resource in source.resources:
        for part in resource.datasets:
            page_title = part.alternative.get("fi") if part.alternative else None
            assert page_title is not None and finnish(graph, dataset(part.id), DCT.alternative) == page_title


def test_texts_written_for_the_catalogue_are_marked_in_the_source(source: Source) -> None:
    for resource in source.resources:
        assert {"datasets.title", "datasets.description", "themes", "legislation", "controller",
                "access_basis"} <= set(resource.written_for_catalogue)


def test_an_unknown_field_in_the_review_list_is_refused(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    path = src / IKA
    path.write_text(path.read_text("utf-8").replace("  - keywords\n", "  - keywrods\n"), "utf-8")
    with pytest.raises(SourceError) as caught:
        load(src)
    [problem] = caught.value.problems
    assert problem.field.startswith("written_for_catalogue[") and "did you mean `keywords`" in problem.hint


# -- translations ----------------------------------------------------------------------------------


def test_translations_follow_yso_and_the_swedish_statute(graph: Graph) -> None:
    texts = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    swedish = " ".join(str(o) for o in graph.objects() if isinstance(o, Literal) and o.language == "sv")
    english = " ".join(str(o) for o in graph.objects() if isinstance(o, Literal) and o.language == "en")
    assert "bland vuxna" not in swedish and "vuxensocialt arbete" in swedish
    assert "informationsmaterial" in swedish and "informationslager" in swedish
    assert "datamängd" not in swedish
    assert "Registrering av närvaro och vårdtider \u2013 småbarnspedagogiken i Gustavs" in texts
    assert "care events" not in english
    assert "early childhood education and care" in english
    assert "Se Hallintopalvelut, Asianhallintarekisteri" in swedish
    assert "See Hallintopalvelut, Asianhallintarekisteri" in english


# -- the extension vocabulary ------------------------------------------------------------------------


def test_the_vocabulary_is_published_at_its_namespace_path() -> None:
    namespace = str(S28._NS)
    assert namespace.startswith(BASE) and namespace == f"{BASE}{vocabulary.FILE_STEM}#"
    assert (OUTPUT / "s28.ttl").read_bytes() == vocabulary.turtle()
    assert (OUTPUT / "s28.html").read_bytes() == vocabulary.page()
    page = vocabulary.page().decode("utf-8")
    for term in S28.__annotations__:
        assert f'id="{term}"' in page, term
    assert "Not a national standard" in page and "DCAT-AP-FI" not in page
    assert "DCAT-AP-FI" not in vocabulary.turtle().decode("utf-8")
