"""`import`: a description page in the common template becomes source records that load and publish.

The seed must round-trip to the same Finnish facts as the hand-written `source/`; a second page of our
own (other resources, plain and bulleted lists, a single-line system, a partly open interface) must have
every item placed; what cannot be placed is an error naming its line, and nothing is written then.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal

from kustavi_dcat.errors import KustaviError, SourceError
from kustavi_dcat.models import Source
from kustavi_dcat.pipeline import publish
from kustavi_dcat.source.importer import (
    Options,
    criteria_phrases,
    import_file,
    interface_openness,
    records_from_text,
    slug,
    split_lines,
    split_system,
    themes_for,
)
from kustavi_dcat.source.loader import load
from kustavi_dcat.source.scaffold import FolderNotEmpty
from tests.conftest import SOURCE, seed_path, shared_or_skip

DATA = Path(__file__).parent / "data" / "import"
OWN_TEXT = DATA / "esimerkkila_sivistys.txt"

KUSTAVI = Options(
    base_iri="https://www.kustavi.fi/tietovarannot/",
    publisher_name="Kustavin kunta",
    email="kustavi@kustavi.fi",
    homepage="https://www.kustavi.fi",
    municipality_code="304",
    municipality_name="Kustavi",
    access_basis="Salassa pidettävä (621/1999 24 § 1 mom. 25 k.; 812/2000 14 §).",
)
ESIMERKKILA = Options(
    base_iri="https://www.esimerkkila.fi/tietovarannot/",
    publisher_name="Esimerkkilän kunta",
    email="kirjaamo@esimerkkila.fi",
    municipality_code="999",
    municipality_name="Esimerkkilä",
    access_basis="Salassa pidettävä (621/1999 24 § 1 mom. 25 k.).",
)

TEMPLATE_HEADINGS = {
    "Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
    "Tietoaineistojen saatavuus teknisen rajapinnan avulla",
    "Tietoaineistot",
    "Tietoaineistot:",
    "Tietojärjestelmät",
    "Hakutekijät",
    "Hakutekijät, joilla asiakirjoja on mahdollista hakea",
}


def _import(tmp_path: Path, text_path: Path, options: Options, name: str = "src") -> Path:
    out = tmp_path / name
    import_file(text_path, out, options)
    return out


def _fi(value: Any) -> str | None:
    return None if value is None else value.get("fi")


def facts(source: Source) -> dict[str, Any]:
    """The Finnish facts a page states, independent of ids, translations and file order."""
    labels = {c.id: _fi(c.label) for c in source.search_criteria}
    (section,) = source.sections
    interface = section.technical_interface
    return {
        "title": _fi(section.title),
        "subtitle": _fi(section.subtitle),
        "intro": _fi(section.description),
        "interface": None if interface is None else (interface.open, _fi(interface.statement)),
        "cross_references": [(_fi(r.documents), _fi(r.see)) for r in section.cross_references],
        "resources": {
            _fi(r.title): {
                "purpose": _fi(r.description),
                # The page's own title: kept as `alternative` where the catalogue's title was made unique.
                "datasets": [_fi(d.alternative or d.title) for d in r.datasets],
                "systems": [(_fi(s.name), _fi(s.description)) for s in r.systems],
                "criteria": [labels[c] for c in r.search_criteria.criteria] if r.search_criteria else None,
                "statement": _fi(r.search_criteria.statement) if r.search_criteria else None,
                "interface": None if r.technical_interface is None else (
                    r.technical_interface.open, _fi(r.technical_interface.statement)),
            }
            for r in source.resources
        },
    }


# -- the seed round trip -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _import(tmp_path_factory.mktemp("seed"), seed_path(), KUSTAVI)


def test_seed_round_trips_to_the_hand_written_facts(seed_import: Path) -> None:
    imported, hand_written = facts(load(seed_import)), facts(load(SOURCE))
    assert imported["resources"].keys() == hand_written["resources"].keys()
    for title, expected in hand_written["resources"].items():
        assert imported["resources"][title] == expected, title
    assert imported == hand_written


def test_seed_import_keeps_the_pages_order_of_resources(seed_import: Path) -> None:
    """The section lists its resources as the page does, so the published page shows them in that order."""
    imported = load(seed_import)
    titles = {r.id: r.title.get("fi") for r in imported.resources}
    assert [titles[i] for i in imported.sections[0].resources] == [
        "Varhaiskasvatuksen tietovaranto", "Ikäihmisten palveluiden tietovaranto",
        "Perhetyön ja aikuissosiaalityön tietovaranto"]


def test_seed_import_states_what_the_page_does_not_say_only_from_options(seed_import: Path) -> None:
    """The access basis comes from --access-basis; the controller is left to the steward (a comment, not a
    guess); the page is named as the section's source; the data sets' themes are marked as written."""
    source = load(seed_import)
    [basis] = source.access_bases
    assert basis.statutes == ("621/1999", "812/2000") and "24 § 1 mom. 25 k." in (basis.text.get("fi") or "")
    assert all(r.access_basis == basis.id and r.controller is None for r in source.resources)
    assert all("datasets.themes" in r.written_for_catalogue for r in source.resources)
    (section,) = source.sections
    assert section.source_page is not None and section.source_page.title.get("fi") == section.title.get("fi")
    assert section.source_page.url is None and section.source_page.checked is None
    for path in (seed_import / "resources").glob("*.yaml"):
        assert "# The page does not say who controls these records now" in path.read_text("utf-8")


def test_seed_import_counts_every_item(tmp_path: Path) -> None:
    records = records_from_text(seed_path().read_text("utf-8"), seed_path().name, KUSTAVI)
    c = records.counts
    assert (c.resources, c.datasets, c.systems, c.search_criteria, c.cross_references) == (3, 22, 9, 2, 1)
    assert records.warnings == ()
    assert records.placeholders == ()


def test_seed_import_publishes_a_valid_catalogue_carrying_every_line(seed_import: Path, tmp_path: Path) -> None:
    report = publish(seed_import, tmp_path / "out")
    assert report.validation.conforms
    assert report.counts.datasets == 3 + 22
    graph = Graph().parse(tmp_path / "out" / "catalog.ttl")
    texts = {str(o) for o in graph.objects() if isinstance(o, Literal) and o.language == "fi"}
    missing = []
    for line in split_lines(seed_path().read_text("utf-8")):
        if line.text in TEMPLATE_HEADINGS or line.text in texts:
            continue
        name, description = split_system(line.text)
        if description is None or not {name, description} <= texts:
            missing.append((line.no, line.text))
    assert missing == []


def test_seed_import_themes_follow_the_documented_rule(seed_import: Path) -> None:
    themes = {_fi(r.title): set(r.themes) for r in load(seed_import).resources}
    assert themes == {
        "Varhaiskasvatuksen tietovaranto": {"EDUC", "SOCI"},
        "Ikäihmisten palveluiden tietovaranto": {"HEAL", "SOCI"},  # Mediatri terveystoimi
        "Perhetyön ja aikuissosiaalityön tietovaranto": {"SOCI"},
    }


def test_seed_import_invents_nothing_the_text_does_not_say(seed_import: Path) -> None:
    source = load(seed_import)
    assert all(r.subjects == () and r.keywords.values == () and r.legislation == () for r in source.resources)
    assert all(r.access_rights == "NON_PUBLIC" for r in source.resources)
    assert source.catalog.languages == ("fi",)


def test_import_is_deterministic(tmp_path: Path) -> None:
    a = _import(tmp_path, seed_path(), KUSTAVI, "a")
    b = _import(tmp_path, seed_path(), KUSTAVI, "b")
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.yaml"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


# -- our own page: other resources, other list styles, a partly open interface -------------------


@pytest.fixture(scope="module")
def own_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _import(tmp_path_factory.mktemp("own"), OWN_TEXT, ESIMERKKILA)


def test_own_text_every_item_is_placed(own_import: Path) -> None:
    got = facts(load(own_import))
    assert got["title"] == "Sivistys- ja hyvinvointipalveluiden tietovarannot"
    assert got["subtitle"] is None
    assert got["intro"] == ("Esimerkkilän kunnan sivistys- ja hyvinvointipalveluihin kuuluvat perusopetus, "
                            "kirjastopalvelut ja kotihoito.")
    assert got["interface"] == (False, "Osa tietoaineistoista on saatavissa avoimesti teknisen rajapinnan avulla.")
    assert got["cross_references"] == [("Pöytäkirjat ja viranhaltijapäätökset",
                                        "Katso Hallinto, Asianhallintajärjestelmä.")]
    assert got["resources"] == {
        "Perusopetuksen tietovaranto": {
            # the U+00A0 after "on" is a plain space now
            "purpose": "Tarkoituksena on oppilaiden opetuksen järjestäminen ja oppilashallinto perusopetuslain "
                       "(628/1998) mukaisesti.",
            "datasets": ["Oppilaiden ja huoltajien yhteystiedot", "Oppilaaksiottopäätökset",
                         "Arvioinnit ja todistukset", "Tilastot"],
            "systems": [("Primus", "Oppilashallintojärjestelmä")],
            "criteria": ["henkilön nimi", "henkilötunnus", "oppilasnumeroa"],
            "statement": "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä, "
                         "henkilötunnusta ja oppilasnumeroa.",
            "interface": None,
        },
        "Kirjaston asiakasrekisteri": {
            "purpose": "Rekisteriä käytetään kirjaston asiakassuhteiden hoitamiseen, lainaukseen ja maksujen "
                       "perintään.",
            "datasets": ["Asiakastiedot", "Lainaushistoria", "Maksut ja perinnät", "Kokoelmatiedot"],
            "systems": [("Koha", "kirjastojärjestelmä"), ("Verkkokirjasto", None)],
            "criteria": ["asiakasnumero", "henkilön nimi"],
            "statement": "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi asiakasnumeroa tai henkilön "
                         "nimeä.",
            "interface": (True, "Kokoelmatiedot ovat saatavissa avoimesti teknisen rajapinnan avulla."),
        },
        "Kotihoidon tietovaranto": {
            # two lines of the text, one paragraph
            "purpose": "Tarkoituksena on kotihoidon ja kotisairaanhoidon palvelujen suunnittelu, toteutus ja "
                       "seuranta sekä terveydenhuollon kirjaukset.",
            "datasets": ["Hoito- ja palvelusuunnitelmat", "Käyntikirjaukset", "Lääkelistat"],
            "systems": [("Lifecare", "terveydenhuolto")],
            "criteria": ["henkilötunnus"],
            "statement": "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilötunnusta.",
            "interface": None,
        },
    }


def test_own_text_statute_and_themes(own_import: Path) -> None:
    by_title = {_fi(r.title): r for r in load(own_import).resources}
    assert by_title["Perusopetuksen tietovaranto"].legislation == ("628/1998",)
    assert {t: set(r.themes) for t, r in by_title.items()} == {
        "Perusopetuksen tietovaranto": {"EDUC"},
        "Kirjaston asiakasrekisteri": {"EDUC"},
        "Kotihoidon tietovaranto": {"HEAL", "SOCI"},
    }


def test_own_text_warnings_name_their_lines() -> None:
    records = records_from_text(OWN_TEXT.read_text("utf-8"), OWN_TEXT.name, ESIMERKKILA)
    by_line = {w.line: w.message for w in records.warnings}
    assert set(by_line) == {7, 30, 52}
    assert "part of the data is open" in by_line[7]  # the page's partly open statement
    assert "oppilasnumeroa" in by_line[30]  # a criterion the tool does not know, label as written
    assert "open: true" in by_line[52]  # the library's own statement: open, access rights kept


def test_own_text_publishes_a_valid_catalogue(own_import: Path, tmp_path: Path) -> None:
    report = publish(own_import, tmp_path / "out")
    assert report.validation.conforms
    assert report.counts.datasets == 3 + 11


def test_own_text_passes_the_official_dcat_ap_shapes(own_import: Path) -> None:
    from pyshacl import validate
    from rdflib.namespace import SH

    from kustavi_dcat.mapping import build

    split = shared_or_skip("reference", "dcat-ap", "3.0.1", "split")
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(split / name)
    _, report, _ = validate(build(load(own_import)).graph, shacl_graph=shapes, allow_warnings=True)
    violations = sorted((str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
                        for r in report.subjects(SH.resultSeverity, SH.Violation))
    assert violations == []


# -- tolerance -----------------------------------------------------------------------------------

PAGE = """\
Sivun otsikko

Johdanto sivulle.

Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla

Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.

Testin tietovaranto

Tarkoituksena on testata.

Tietoaineistot

{datasets}

Tietojärjestelmät

{systems}

Hakutekijät, joilla asiakirjoja on mahdollista hakea

Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä, henkilötunnusta.
"""


def _facts_of(text: str, tmp_path: Path, name: str) -> dict[str, Any]:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(text.encode("utf-8"))
    return facts(load(_import(tmp_path, path, ESIMERKKILA, name)))


@pytest.mark.parametrize("datasets, systems", [
    (" 1. Hakemukset\n 2. Päätökset", " 1. Effica\n 2. Pegasos (terveys)"),
    ("Hakemukset\nPäätökset", "Effica\nPegasos (terveys)"),
    ("- Hakemukset\n- Päätökset", "• Effica\n• Pegasos (terveys)"),
    ("1) Hakemukset\n\n2) Päätökset", "Effica\n\nPegasos (terveys)"),
    ("Hakemukset\u00a0\u00a0\nPäätökset   ", "Effica\t\nPegasos\u00a0(terveys)"),
])
def test_numbering_bullets_blank_lines_and_spaces_give_the_same_records(
    tmp_path: Path, datasets: str, systems: str
) -> None:
    got = _facts_of(PAGE.format(datasets=datasets, systems=systems), tmp_path, "page")
    (resource,) = got["resources"].values()
    assert resource["datasets"] == ["Hakemukset", "Päätökset"]
    assert resource["systems"] == [("Effica", None), ("Pegasos", "terveys")]
    assert resource["criteria"] == ["henkilön nimi", "henkilötunnus"]


def test_crlf_bom_and_nbsp_lines_are_read_like_plain_text(tmp_path: Path) -> None:
    plain = PAGE.format(datasets="Hakemukset", systems="Effica")
    odd = "\ufeff" + plain.replace("\n\n", "\n\u00a0\n").replace("\n", "\r\n")
    assert _facts_of(odd, tmp_path, "odd") == _facts_of(plain, tmp_path, "plain")


def test_minor_wording_changes_are_recognised(tmp_path: Path) -> None:
    text = (PAGE.format(datasets="Hakemukset", systems="Effica")
            .replace("Tietoaineistojen saatavuus avoimesti teknisen rajapinnan avulla",
                     "Tietojen saatavuus teknisen rajapinnan kautta:")
            .replace("Tietoaineistot\n", "TIETOAINEISTOT:\n")
            .replace("Tietojärjestelmät", "Tietojärjestelmä")
            .replace("Hakutekijät, joilla asiakirjoja on mahdollista hakea", "Hakutekijät"))
    got = _facts_of(text, tmp_path, "reworded")
    assert got["interface"] == (False, "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.")
    (resource,) = got["resources"].values()
    assert (resource["datasets"], resource["systems"]) == (["Hakemukset"], [("Effica", None)])


def test_a_system_named_by_two_resources_is_defined_once(tmp_path: Path) -> None:
    second = ("\nToinen tietovaranto\n\nTarkoituksena on toinen testi.\n\nTietoaineistot\n\nIlmoitukset\n\n"
              "Tietojärjestelmät\n\nEffica\n")
    path = tmp_path / "two.txt"
    path.write_text(PAGE.format(datasets="Hakemukset", systems="Effica") + second, "utf-8")
    source = load(_import(tmp_path, path, ESIMERKKILA, "two"))
    by_title = {_fi(r.title): r for r in source.resources}
    assert [s.id for s in by_title["Testin tietovaranto"].systems] == ["effica"]
    assert by_title["Toinen tietovaranto"].systems == ()
    assert by_title["Toinen tietovaranto"].system_refs == ("effica",)


# -- deciding what texts mean ----------------------------------------------------------------------


@pytest.mark.parametrize("statement, expected", [
    ("Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.", (False, "no")),
    ("Tietoaineisto ei ole saatavilla teknisen rajapinnan kautta.", (False, "no")),
    ("Tietoaineistot ovat saatavissa avoimesti teknisen rajapinnan avulla.", (True, "yes")),
    ("Osa tietoaineistoista on saatavissa avoimesti teknisen rajapinnan avulla.", (False, "partly")),
    ("Vain kokoelmatiedot ovat saatavissa avoimesti rajapinnan avulla.", (False, "partly")),
    ("Kokoelmatiedot ovat saatavissa rajapinnan avulla, asiakastiedot eivät.", (False, "partly")),
    # Available is not open: without the word, without an open interface, or only for some users.
    ("Tietoaineistot ovat saatavissa teknisen rajapinnan avulla.", (False, "unclear")),
    ("Tietoaineistot ovat saatavissa ilman avointa rajapintaa.", (False, "no")),
    ("Tietoaineistot ovat saatavissa avoimen rajapinnan avulla tunnistautuneille käyttäjille.", (False, "unclear")),
    ("Tiedot ovat saatavissa Kanta-palvelun rajapinnan kautta ammattilaisille.", (False, "unclear")),
    ("Rajapinta on suunnitteilla.", (False, "unclear")),
])
def test_interface_openness(statement: str, expected: tuple[bool, str]) -> None:
    assert interface_openness(statement) == expected


def test_systems_and_criteria_are_split_as_documented() -> None:
    assert split_system("Daisy (varhaiskasvatus)") == ("Daisy", "varhaiskasvatus")
    assert split_system("Pro Consona / Sosiaalityöjärjestelmä") == ("Pro Consona", "Sosiaalityöjärjestelmä")
    assert split_system("Mediatri terveystoimi") == ("Mediatri terveystoimi", None)
    assert criteria_phrases("Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä, "
                            "henkilötunnusta ja syntymäaikaa.") == ["henkilön nimeä", "henkilötunnusta",
                                                                     "syntymäaikaa"]
    assert criteria_phrases("Asiakirjoja haetaan asiakkaan tiedoilla.") is None


def test_slugs_fold_finnish_letters() -> None:
    assert slug("Ikäihmisten palveluiden tietovaranto") == "ikaihmisten-palveluiden-tietovaranto"
    assert slug("Åbolands \u2013 Pöytäkirjat!") == "abolands-poytakirjat"
    assert len(slug("sana " * 40)) <= 60


def test_themes_rule() -> None:
    assert themes_for("Varhaiskasvatuksen tietovaranto", "Daisy", "") == ["EDUC"]
    assert themes_for("Varhaiskasvatuksen tietovaranto", "Daisy", "Sosiaalipalveluiden tietovarannot") == [
        "EDUC", "SOCI"]
    assert themes_for("Kotihoito", "Mediatri terveystoimi", "") == ["HEAL", "SOCI"]
    assert themes_for("Rakennusvalvonta", "Lupapiste", "") == ["SOCI"]  # nothing else applies
    assert themes_for("Perusopetus", "Primus", "Sivistyspalvelut") == ["EDUC"]


# -- what cannot be placed -----------------------------------------------------------------------


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(SourceError) as caught:
        records_from_text(text, "page.txt", ESIMERKKILA)
    assert caught.value.exit_code == 3
    assert all(p.file == "page.txt" for p in caught.value.problems)
    return [(p.line, p.message) for p in caught.value.problems]


def _line_of(text: str, wanted: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if line.strip() == wanted)


def test_an_unplaceable_line_is_reported_with_its_line_number() -> None:
    text = PAGE.format(datasets="Hakemukset", systems="Effica") + "\nLisätietoja\n"
    problems = _problems(text)
    assert [line for line, _ in problems] == [_line_of(text, "Lisätietoja")] == [25]
    assert "Lisätietoja" in problems[0][1]


def test_an_unnumbered_line_in_a_numbered_list_is_reported() -> None:
    text = PAGE.format(datasets="1. Hakemukset\nPäätökset\n2. Ilmoitukset", systems="Effica")
    assert [line for line, _ in _problems(text)] == [_line_of(text, "Päätökset")]


def test_lists_before_any_resource_and_see_lines_without_heading_are_reported() -> None:
    text = "Otsikko\n\nJohdanto.\n\nKatso Hallinto.\n\nTietoaineistot\n\n1. Hakemukset\n"
    problems = _problems(text)
    assert [line for line, _ in problems] == [5, 7, 9]


def test_every_problem_is_reported_in_one_run() -> None:
    text = PAGE.format(datasets="1. Hakemukset\nPäätökset", systems="Effica") + "\nLisätietoja\n\n- lisää\n"
    assert [line for line, _ in _problems(text)] == [
        _line_of(text, "Päätökset"), _line_of(text, "Lisätietoja"), _line_of(text, "- lisää")]


def test_a_resource_without_purpose_text_is_reported() -> None:
    text = PAGE.format(datasets="Hakemukset", systems="Effica").replace("Tarkoituksena on testata.\n\n", "")
    assert [line for line, _ in _problems(text)] == [_line_of(text, "Testin tietovaranto")]


def test_a_page_without_intro_is_reported() -> None:
    text = PAGE.format(datasets="Hakemukset", systems="Effica").replace("Johdanto sivulle.\n\n", "")
    assert any("intro" in message for _, message in _problems(text))


def test_a_personal_identity_code_in_the_text_is_refused_with_its_line() -> None:
    text = PAGE.format(datasets="Hakemukset", systems="Effica").replace(
        "Tarkoituksena on testata.", "Tarkoituksena on testata, esim. 131052-308T.")
    problems = _problems(text)
    assert [line for line, _ in problems] == [_line_of(text, "Tarkoituksena on testata, esim. 131052-308T.")]
    assert "henkilötunnus" in problems[0][1]
    assert "131052-308T" not in problems[0][1]


def test_an_empty_text_is_reported() -> None:
    assert [line for line, _ in _problems(" \n\u00a0\n")] == [1]


def test_bytes_that_are_not_utf8_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Otsikko\n\nJohdanto.\n\nPäätökset\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        import_file(path, tmp_path / "out", ESIMERKKILA)
    assert [p.line for p in caught.value.problems] == [5]


def test_nothing_is_written_when_a_line_cannot_be_placed(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(PAGE.format(datasets="Hakemukset", systems="Effica") + "\nLisätietoja\n", "utf-8")
    with pytest.raises(SourceError):
        import_file(path, tmp_path / "out", ESIMERKKILA)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.txt"]


# -- where facts come from -----------------------------------------------------------------------


def test_without_options_placeholders_stop_the_loader(tmp_path: Path) -> None:
    out = tmp_path / "src"
    report = import_file(seed_path(), out, Options())
    assert len(report.placeholders) == 6
    with pytest.raises(SourceError) as caught:
        load(out)
    fields = {p.field for p in caught.value.problems}
    assert {"catalog.base_iri", "publisher.name.fi", "publisher.email", "contact_point.email",
            "spatial[0].iri", "access_bases[0].text.fi"} <= fields
    assert all("placeholder" in p.message for p in caught.value.problems)


def test_filling_the_placeholders_gives_the_same_source_as_the_options(tmp_path: Path) -> None:
    out = tmp_path / "src"
    import_file(seed_path(), out, Options(publisher_name="Kustavin kunta", homepage="https://www.kustavi.fi"))
    catalog = out / "catalog.yaml"
    catalog.write_text(catalog.read_text("utf-8")
                       .replace("https://example.invalid/tietovarannot/", "https://www.kustavi.fi/tietovarannot/")
                       .replace("TODO@example.invalid", "kustavi@kustavi.fi")
                       .replace("code/TODO", "code/304")
                       .replace("'TODO: kunnan nimi'", "Kustavi"), "utf-8")
    catalog.write_text(re.sub(r"'?TODO: salassapitoperuste[^\n]*", "Salassa pidettävä (621/1999 24 § 1 mom. 25 k.).",
                              catalog.read_text("utf-8")), "utf-8")
    assert facts(load(out)) == facts(load(SOURCE))


@pytest.mark.parametrize("options", [
    Options(base_iri="https://www.kustavi.fi/tietovarannot"),
    Options(base_iri="www.kustavi.fi/"),
    Options(email="kustavi at kustavi.fi"),
    Options(homepage="kustavi.fi"),
    Options(municipality_code="30"),
    Options(publisher_name="  "),
])
def test_option_values_the_loader_would_refuse_are_usage_errors(tmp_path: Path, options: Options) -> None:
    with pytest.raises(KustaviError) as caught:
        import_file(seed_path(), tmp_path / "out", options)
    assert caught.value.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_a_non_empty_out_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "src"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(FolderNotEmpty) as caught:
        import_file(seed_path(), out, KUSTAVI)
    assert caught.value.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_an_empty_out_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "src"
    out.mkdir()
    import_file(seed_path(), out, KUSTAVI)
    assert len(load(out).resources) == 3


def test_missing_template_blocks_are_warnings_naming_the_resource_line() -> None:
    text = PAGE.format(datasets="Hakemukset", systems="Effica")
    text = text.replace("Tietojärjestelmät\n\nEffica\n\n", "")
    records = records_from_text(text, "page.txt", ESIMERKKILA)
    assert [(w.line, w.message) for w in records.warnings] == [
        (_line_of(text, "Testin tietovaranto"), "`Testin tietovaranto` has no Tietojärjestelmät block")]


def test_a_sentence_after_a_numbered_list_is_reported_as_unplaceable() -> None:
    text = PAGE.format(datasets="1. Hakemukset\n\nHuom. lisätietoja saa kirjaamosta.", systems="Effica")
    problems = _problems(text)
    assert [line for line, _ in problems] == [_line_of(text, "Huom. lisätietoja saa kirjaamosta.")]
    assert problems[0][1].startswith("cannot tell where")
