"""The README's example SPARQL queries (tests/queries/*.rq) answer a resident's questions, in two real stores.

Each query runs against the published Turtle in Oxigraph and in rdflib; both must give the same rows,
and the rows must be the answers the seed text gives. The queries are read from the files the README
links to, so the documented text is the tested text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from rdflib.query import ResultRow

from kustavi_dcat.namespaces import DCAT, DCT, RDF, S28
from kustavi_dcat.pipeline import publish
from tests.conftest import ROOT

pyoxigraph = pytest.importorskip("pyoxigraph", reason="pyoxigraph is in the test extra: pip install -e '.[test]'")

QUERIES = ROOT / "tests" / "queries"
BASE = "https://www.kustavi.fi/tietovarannot/"

Row = tuple[str | None, ...]


def query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fresh_turtle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Turtle published now from source/ (what a steward's next publish gives)."""
    out = tmp_path_factory.mktemp("published")
    publish(ROOT / "source", out)
    return out / "catalog.ttl"


@pytest.fixture(params=["fresh", "committed"])
def turtle(request: pytest.FixtureRequest, fresh_turtle: Path) -> Path:
    """Both the fresh publish and the committed output/ answer the same."""
    return fresh_turtle if request.param == "fresh" else ROOT / "output" / "catalog.ttl"


def _oxigraph_term(term: object) -> str | None:
    return None if term is None else str(term.value)  # type: ignore[attr-defined]


def _rdflib_term(term: object) -> str | None:
    return None if term is None else str(term)


def in_oxigraph(ttl: Path, query: str, update: str | None = None) -> list[Row]:
    store = pyoxigraph.Store()
    store.load(path=str(ttl), format=pyoxigraph.RdfFormat.TURTLE)
    if update:
        store.update(update)
    solutions = store.query(query)
    names = [variable.value for variable in solutions.variables]
    return [tuple(_oxigraph_term(solution[name]) for name in names) for solution in solutions]


def in_rdflib(ttl: Path, query: str, update: str | None = None) -> list[Row]:
    graph = rdflib.Graph().parse(ttl, format="turtle")
    if update:
        graph.update(update)
    rows: list[Row] = []
    for row in graph.query(query):
        assert isinstance(row, ResultRow)
        rows.append(tuple(_rdflib_term(term) for term in row))
    return rows


def answer(ttl: Path, name: str, update: str | None = None) -> list[Row]:
    """Rows of the named query; Oxigraph and rdflib must agree row for row, in order."""
    text = query_text(name)
    oxigraph_rows = in_oxigraph(ttl, text, update)
    rdflib_rows = in_rdflib(ttl, text, update)
    assert oxigraph_rows == rdflib_rows
    return oxigraph_rows


def test_every_query_file_is_tested() -> None:
    """A query added to the README's folder without a test here would go unchecked."""
    assert {path.stem for path in QUERIES.glob("*.rq")} == set(EXPECTED)


def test_searchable_by_personal_identity_code(turtle: Path) -> None:
    """Every resource names henkilötunnus, so its data sets are found through dct:isPartOf: all 25."""
    rows = answer(turtle, "searchable-by-personal-identity-code")
    graph = rdflib.Graph().parse(turtle, format="turtle")
    assert [row[0] for row in rows] == sorted(str(s) for s in graph.subjects(RDF.type, DCAT.Dataset))
    found = dict(rows)
    assert found[BASE + "dataset/varhaiskasvatus"] == "Varhaiskasvatuksen tietovaranto"
    assert found[BASE + "dataset/ikaihmiset-hakemukset"] == "Hakemukset \u2013 Kustavin ikäihmisten palvelut"
    # The data sets carry no criterion of their own: the answer really goes through the resource.
    assert not list(graph.objects(rdflib.URIRef(BASE + "dataset/ikaihmiset-hakemukset"), S28.searchCriterion))


def test_search_by_label_equals_search_by_criterion_iri(turtle: Path) -> None:
    """The query finds the criterion by its Finnish label; the IRI link (and the parts) gives the same."""
    graph = rdflib.Graph().parse(turtle, format="turtle")
    by_iri = set(graph.subjects(S28.searchCriterion, rdflib.URIRef(BASE + "search-criterion/henkilotunnus")))
    parts = {p for r in by_iri for p in graph.objects(r, DCT.hasPart)}
    rows = answer(turtle, "searchable-by-personal-identity-code")
    assert {row[0] for row in rows} == {str(s) for s in by_iri | parts}


def test_the_search_criteria_are_examples_not_a_complete_list(turtle: Path) -> None:
    """The page says "esimerkiksi": the catalogue must not claim the list is exhaustive."""
    graph = rdflib.Graph().parse(turtle, format="turtle")
    for resource in graph.subjects(RDF.type, S28.InformationResource):
        assert list(graph.objects(resource, S28.searchCriteriaExhaustive)) == [rdflib.Literal(False)]


def test_elderly_services_systems(turtle: Path) -> None:
    rows = answer(turtle, "elderly-services-systems")
    # The page lists these seven systems under "Ikäihmisten palveluiden tietovaranto"; the data set
    # "Hakemukset" reaches them through dct:isPartOf, not through systems of its own.
    assert {name for _, name in rows} == {
        "Saga sosiaalihuolto",
        "Mediatri terveystoimi",
        "Mediatri sosiaalitoimi",
        "MediMobi",
        "Stella",
        "Vivago",
        "Raisoft",
    }
    assert len(rows) == 7
    assert all(iri is not None and iri.startswith(BASE + "system/") for iri, _ in rows)


def test_early_childhood_data_sets(turtle: Path) -> None:
    rows = answer(turtle, "early-childhood-data-sets")
    # The page's seven "Tietoaineistot" of "Varhaiskasvatuksen tietovaranto", as dct:alternative.
    assert sorted(page for _, _, page in rows if page) == sorted(
        [
            "Lasten, huoltajien ja henkilökunnan yhteystiedot",
            "Hakemukset",
            "Sijoitus ja maksupäätökset",
            "Hoitotapahtumien kirjaaminen",
            "Varhaiskasvatussuunnitelma",
            "Yksityisen varhaiskasvatuksen palveluntuottajat",
            "Tilastot ja raportit",
        ]
    )
    assert len(rows) == 7
    assert all(iri is not None and iri.startswith(BASE + "dataset/varhaiskasvatus-") for iri, _, _ in rows)
    # Each catalogue title keeps the page's title and says whose data set it is.
    assert all(title and page and title.startswith(page) and "Kustavin" in title for _, title, page in rows)


def test_contact_for_each_data_set(turtle: Path) -> None:
    rows = answer(turtle, "contact-for-each-data-set")
    graph = rdflib.Graph().parse(turtle, format="turtle")
    every_dataset = {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}
    assert len(every_dataset) == 25
    assert [row[0] for row in rows] == sorted(every_dataset)
    assert {(contact, email) for _, _, _, contact, email in rows} == {("Kustavin kunta", "mailto:kustavi@kustavi.fi")}
    by_iri = {row[0]: row for row in rows}
    assert by_iri[BASE + "dataset/varhaiskasvatus-varhaiskasvatussuunnitelma"][1:3] == (
        "Varhaiskasvatussuunnitelma \u2013 Kustavin varhaiskasvatus",
        "Varhaiskasvatuksen tietovaranto",
    )
    # The three information resources are parts of nothing; the 22 data sets each name theirs.
    assert sum(1 for row in rows if row[2] is None) == 3


def test_open_through_technical_interface_none(turtle: Path) -> None:
    assert answer(turtle, "open-through-technical-interface") == []
    # "None" is a statement the catalogue makes, not missing data: every resource says false.
    graph = rdflib.Graph().parse(turtle, format="turtle")
    for resource in graph.subjects(RDF.type, S28.InformationResource):
        assert list(graph.objects(resource, S28.openThroughTechnicalInterface)) == [rdflib.Literal(False)]


def test_open_through_technical_interface_finds_an_open_resource(turtle: Path) -> None:
    """The same query does find a resource once the catalogue says it is open (so the empty answer is real)."""
    resource = f"<{BASE}dataset/varhaiskasvatus>"
    flip = (
        "PREFIX s28: <https://www.kustavi.fi/tietovarannot/s28#>\n"
        f"DELETE DATA {{ {resource} s28:openThroughTechnicalInterface false }} ;\n"
        f"INSERT DATA {{ {resource} s28:openThroughTechnicalInterface true }}"
    )
    rows = answer(turtle, "open-through-technical-interface", update=flip)
    assert rows == [(BASE + "dataset/varhaiskasvatus", "Varhaiskasvatuksen tietovaranto")]


EXPECTED: dict[str, Callable[[Path], None]] = {
    "searchable-by-personal-identity-code": test_searchable_by_personal_identity_code,
    "elderly-services-systems": test_elderly_services_systems,
    "early-childhood-data-sets": test_early_childhood_data_sets,
    "contact-for-each-data-set": test_contact_for_each_data_set,
    "open-through-technical-interface": test_open_through_technical_interface_none,
}
