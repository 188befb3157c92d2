"""Bad input never costs a steward the published catalogue, and every problem says where and how to fix it.

Each case copies ``source/``, breaks one thing, runs ``publish`` through the CLI into a folder holding
the real published files, and checks: exit code 3, the file, line and column (and field) of the
problem, the shape ``file:line:column: field: what is wrong — how to fix it``, and that the output
folder is byte for byte what it was.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kustavi_dcat.cli import main
from kustavi_dcat.source.loader import MAX_FILE_BYTES
from tests.conftest import SOURCE

CATALOG = "catalog.yaml"
VARHAIS = "resources/varhaiskasvatus.yaml"
IKA = "resources/ikaihmisten-palvelut.yaml"

LINE = re.compile(
    r"^(?P<file>[^\s]+?):(?P<line>\d+):(?P<column>\d+): (?:(?P<field>[\w.\[\]-]+): )?(?P<what>.+?)"
    r" \u2014 (?P<fix>.+)$"
)
"""One problem as printed; every problem has a fix after the dash."""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def publish(src: Path, out: Path) -> Result:
    return CliRunner().invoke(main, ["publish", "--source", str(src), "--out", str(out)])


def refused(src: Path, out: Path) -> Result:
    """Publish a broken source: exit code 3, and the output folder exactly as it was."""
    before = snapshot(out)
    result = publish(src, out)
    assert result.exit_code == 3, result.output
    assert snapshot(out) == before, "the previous output changed"
    return result


def problems(result: Result) -> list[re.Match[str]]:
    """The problem lines of a failed publish, each checked against the promised shape."""
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"\d+ problems? in the source; nothing was written\.", lines[0]), result.stderr
    matches = [LINE.fullmatch(line) for line in lines[1:]]
    assert all(matches), f"a problem line has the wrong shape:\n{result.stderr}"
    return [m for m in matches if m is not None]


def position(text: str, marker: str, shift: int = 0) -> tuple[int, int]:
    """1-based line and column of ``marker`` (plus ``shift`` characters) in ``text``."""
    assert text.count(marker) == 1, f"marker {marker!r} must occur once"
    index = text.index(marker) + shift
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def replace(path: Path, old: str, new: str) -> str:
    """Edit ``path`` (``old`` must occur exactly once, so a case cannot silently break nothing)."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    text = text.replace(old, new)
    path.write_text(text, "utf-8")
    return text


@dataclass(frozen=True)
class Case:
    """One defect: the edit in ``file``, where the problem must be reported, and a word of its message."""

    id: str
    file: str
    old: str
    new: str
    at: str
    shift: int = 0
    field: str | None = None
    says: str = ""


HAKEMUKSET_FI = "      fi: Hakemukset \u2013 Kustavin varhaiskasvatus\n"
"""The Finnish title of the early childhood applications (the page's own title is its `alternative`)."""

CASES = [
    # YAML syntax
    Case("unclosed-quote", CATALOG, "  id: tietovarannot\n", '  id: "tietovarannot\n', '"tietovarannot',
         says="never closed"),
    Case("colon-in-plain-text", VARHAIS, "      en: Applications \u2013 early childhood education and care, Kustavi\n",
         "      en: Note: Applications \u2013 early childhood education and care, Kustavi\n",
         "Note: Applications", shift=4, says="colon"),
    Case("key-indented-too-far", VARHAIS, "  sv: Informationslagret för småbarnspedagogik\n",
         "   sv: Informationslagret för småbarnspedagogik\n", "   sv: Informationslagret", shift=5,
         says="colon"),
    Case("dash-item-out-of-line", VARHAIS, "  - http://www.yso.fi/onto/yso/p20272\n",
         " - http://www.yso.fi/onto/yso/p20272\n", " - http://www.yso.fi/onto/yso/p20272", shift=1,
         says="indentation"),
    Case("unclosed-bracket", VARHAIS, "themes: [EDUC, SOCI]\n", "themes: [EDUC, SOCI\n",
         "[EDUC, SOCI\n", says="not closed"),
    # tabs
    Case("tab-indentation", CATALOG, "  id: tietovarannot\n", "\tid: tietovarannot\n", "\tid:", says="tab"),
    Case("tab-after-colon", VARHAIS, "section: sosiaalipalvelut\n", "section:\tsosiaalipalvelut\n",
         "\tsosiaalipalvelut", says="tab"),
    # duplicate keys
    Case("duplicate-top-key", VARHAIS, "section: sosiaalipalvelut\n",
         "section: sosiaalipalvelut\naccess_rights: NON_PUBLIC\nsection: sosiaalipalvelut\n",
         "access_rights: NON_PUBLIC\nsection", shift=26, field="section", says="duplicate key"),
    Case("duplicate-language", VARHAIS, HAKEMUKSET_FI, "      fi: Hakemukset\n      fi: Hakemus\n",
         "fi: Hakemus\n", field="datasets[1].title.fi", says="duplicate language tag"),
    # wrong types
    Case("boolean-as-quoted-text", CATALOG, "open: false", 'open: "no"', '"no"',
         field="sections[0].technical_interface.open", says="true or false"),
    Case("plain-text-for-languages", VARHAIS,
         "    title:\n      fi: Hakemukset \u2013 Kustavin varhaiskasvatus\n"
         "      sv: Ansökningar \u2013 småbarnspedagogiken i Gustavs\n"
         "      en: Applications \u2013 early childhood education and care, Kustavi\n",
         "    title: Hakemukset\n", "title: Hakemukset", shift=7, field="datasets[1].title",
         says="texts by language"),
    Case("mapping-for-list", VARHAIS, "themes: [EDUC, SOCI]", "themes: {EDUC: SOCI}", "{EDUC", field="themes",
         says="expected a list"),
    # unknown keys
    Case("unknown-key-typo", VARHAIS, "title:\n  fi: Varhaiskasvatuksen", "titel:\n  fi: Varhaiskasvatuksen",
         "titel:", field="titel", says="did you mean `title`"),
    Case("unknown-nested-key", VARHAIS,
         "    description:\n      fi: Hakemukset \u2013", "    descripton:\n      fi: Hakemukset \u2013",
         "descripton:", field="datasets[1].descripton", says="did you mean `description`"),
    Case("unknown-key-hyphen", VARHAIS, "search_criteria:\n", "search-criteria:\n", "search-criteria:",
         field="search-criteria", says="did you mean `search_criteria`"),
    # missing required fields
    Case("missing-section", VARHAIS, "section: sosiaalipalvelut\n", "", "id: varhaiskasvatus\n",
         field="section", says="required key `section`"),
    Case("missing-contact-email", CATALOG, "  email: kustavi@kustavi.fi\n\nspatial", "\nspatial",
         "contact_point:\n", shift=17, field="contact_point.email", says="required key `email`"),
    Case("missing-finnish", VARHAIS, HAKEMUKSET_FI, "", "      sv: Ansökningar \u2013 småbarnspedagogiken i Gustavs\n",
         shift=6, field="datasets[1].title.fi", says="Finnish"),
    # empty strings
    Case("empty-text", VARHAIS, HAKEMUKSET_FI, '      fi: ""\n', '""', field="datasets[1].title.fi",
         says="empty"),
    Case("nothing-after-colon", VARHAIS, "section: sosiaalipalvelut\n", "section:\n", "section:\n", shift=8,
         field="section", says="found nothing"),
    # language codes
    Case("language-upper-case", VARHAIS, HAKEMUKSET_FI, "      FI: Hakemukset\n", "FI: Hakemukset",
         field="datasets[1].title.FI", says="did you mean `fi`"),
    Case("language-with-region", VARHAIS, HAKEMUKSET_FI, "      fi-FI: Hakemukset\n", "fi-FI:",
         field="datasets[1].title.fi-FI", says="did you mean `fi`"),
    Case("catalogue-language-with-region", CATALOG, "languages: [fi, sv, en]", "languages: [fi, sv, en-GB]",
         "en-GB", field="catalog.languages[2]", says="did you mean `en`"),
    # IRIs and e-mail addresses
    Case("iri-without-scheme", CATALOG, "  homepage: https://www.kustavi.fi\n  email: kustavi@kustavi.fi\n\n#",
         "  homepage: www.kustavi.fi\n  email: kustavi@kustavi.fi\n\n#", "homepage: www.kustavi.fi", shift=10,
         field="publisher.homepage",
         says="https://www.kustavi.fi"),
    Case("iri-with-space", VARHAIS, "  - http://www.yso.fi/onto/yso/p1650\n",
         "  - http://www.yso.fi/onto/yso/ p1650\n", "http://www.yso.fi/onto/yso/ p1650", field="subjects[0]",
         says="not a valid IRI"),
    Case("iri-missing-slashes", CATALOG, "base_iri: https://www.kustavi.fi/tietovarannot/",
         "base_iri: https:www.kustavi.fi/tietovarannot/", "https:www", field="catalog.base_iri",
         says="not a valid IRI"),
    Case("email-with-at-word", CATALOG, "  email: kustavi@kustavi.fi\n\nspatial",
         "  email: kustavi(at)kustavi.fi\n\nspatial", "kustavi(at)", field="contact_point.email",
         says="did you mean `kustavi@kustavi.fi`"),
    Case("email-without-domain", CATALOG, "  email: kustavi@kustavi.fi\n\n# The controller",
         "  email: kustavi@kustavi\n\n# The controller", "kustavi@kustavi\n", field="publisher.email",
         says="e-mail"),
    # dates and other values
    Case("date-not-in-calendar", VARHAIS, "# Tietoaineistot\n", "issued: 2024-02-30\n# Tietoaineistot\n",
         "2024-02-30", field="issued", says="not a date"),
    Case("date-finnish-format", VARHAIS, "# Tietoaineistot\n", "modified: 31.5.2024\n# Tietoaineistot\n",
         "31.5.2024", field="modified", says="did you mean `2024-05-31`"),
    Case("identifier-with-capitals", VARHAIS, "id: varhaiskasvatus-hakemukset", "id: Varhaiskasvatus Hakemukset",
         "Varhaiskasvatus Hakemukset", field="datasets[1].id", says="did you mean `varhaiskasvatus-hakemukset`"),
    Case("unknown-theme", VARHAIS, "themes: [EDUC, SOCI]", "themes: [EDUC, SOCIAL]", "SOCIAL",
         field="themes[1]", says="did you mean `SOCI`"),
    Case("statute-badly-written", VARHAIS, '"540/2018"', '"540-2018"', '"540-2018"', field="legislation[2]",
         says="number/year"),
    # identifiers used twice
    Case("same-id-two-records", VARHAIS, "id: varhaiskasvatus-hakemukset", "id: varhaiskasvatus-yhteystiedot",
         "varhaiskasvatus-yhteystiedot\n    title:\n      fi: Hakemukset", field="datasets[1].id",
         says="resources/varhaiskasvatus.yaml:"),
    Case("same-id-two-files", VARHAIS, "id: varhaiskasvatus-hakemukset", "id: ikaihmiset-hakemukset",
         "ikaihmiset-hakemukset", field="datasets[1].id", says="resources/ikaihmisten-palvelut.yaml:"),
    # references to records that do not exist
    Case("unknown-section", VARHAIS, "section: sosiaalipalvelut", "section: sosiaalipalvelu", "sosiaalipalvelu\n",
         field="section", says="did you mean `sosiaalipalvelut`"),
    Case("unknown-system", VARHAIS, "systems:\n  - id: daisy", "systems:\n  - daisyy\n  - id: daisy", "daisyy",
         field="systems[0]", says="system `daisyy` is not defined"),
    Case("unknown-search-criterion", VARHAIS, "criteria: [henkilon-nimi, henkilotunnus]",
         "criteria: [henkilon-nimi, hetu]", "hetu]", field="search_criteria.criteria[1]",
         says="search criterion `hetu` is not defined"),
    Case("unknown-agent", VARHAIS, "section: sosiaalipalvelut\n", "section: sosiaalipalvelut\npublisher: kunta\n",
         "publisher: kunta\n", shift=11, field="publisher", says="agent `kunta` is not defined"),
    Case("dataset-system-not-of-its-resource", VARHAIS, "  - id: varhaiskasvatus-hakemukset\n",
         "  - id: varhaiskasvatus-hakemukset\n    systems: [pro-consona]\n", "pro-consona",
         field="datasets[1].systems[0]", says="not one of this resource's systems"),
    # personal identity codes
    Case("hetu-in-text", VARHAIS, "      fi: Hakemukset \u2013 tieto", "      fi: Hakemukset 131052-308T \u2013 tieto",
         "131052-308T", field="datasets[1].description.fi", says="henkilötunnus"),
    Case("hetu-in-comment", VARHAIS, "# Tietoaineistot\n", "# Tietoaineistot, esim. 131052-308T\n",
         "131052-308T", says="in a comment"),
    Case("hetu-in-key", CATALOG, "  languages: [fi, sv, en]\n",
         "  languages: [fi, sv, en]\n  131052-308T: x\n", "131052-308T",
         field="catalog.[henkilötunnus]", says="henkilötunnus"),
    Case("hetu-spelt-with-escape", VARHAIS, HAKEMUKSET_FI, '      fi: "Hakemukset 131052-308\\u0054"\n',
         '"Hakemukset', field="datasets[1].title.fi", says="henkilötunnus"),
    Case("hetu-in-broken-yaml", VARHAIS, "section: sosiaalipalvelut\n", 'section: "131052-308T\n', "131052-308T",
         says="henkilötunnus"),
    # characters
    Case("line-separator", VARHAIS, HAKEMUKSET_FI, "      fi: Hake\u2028mukset\n", "\u2028",
         says="U+2028"),
    Case("control-character", VARHAIS, HAKEMUKSET_FI, "      fi: Hake\x07mukset\n", "\x07",
         says="control character"),
    # the same characters written as YAML escapes: a clean file, a value that would break RDF/XML
    Case("escaped-control-character", VARHAIS, HAKEMUKSET_FI, '      fi: "Hake\\x01mukset"\n',
         '"Hake', field="datasets[1].title.fi", says="control character (U+0001)"),
    Case("escaped-carriage-return", VARHAIS, HAKEMUKSET_FI, '      fi: "Hake\\rmukset"\n',
         '"Hake', field="datasets[1].title.fi", says="control character (U+000D)"),
    Case("escaped-lone-surrogate", VARHAIS, HAKEMUKSET_FI, '      fi: "Hake\\ud800mukset"\n',
         '"Hake', field="datasets[1].title.fi", says="control character (U+D800)"),
    # explicit YAML tags
    Case("binary-tag", VARHAIS, HAKEMUKSET_FI, "      fi: !!binary SGFrZW11a3NldA==\n",
         "!!binary", field="datasets[1].title.fi", says="tag `binary`"),
    Case("custom-tag", VARHAIS, HAKEMUKSET_FI, "      fi: !teksti Hakemukset\n",
         "!teksti", field="datasets[1].title.fi", says="tag `!teksti`"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_defect_is_reported_at_its_place_and_nothing_is_written(case: Case, src: Path, out: Path) -> None:
    text = replace(src / case.file, case.old, case.new)
    line, column = position(text, case.at, case.shift)

    result = refused(src, out)
    found = problems(result)
    here = [m for m in found if m["file"] == str(src / case.file) and (int(m["line"]), int(m["column"]))
            == (line, column)]
    assert here, f"expected a problem at {case.file}:{line}:{column}:\n{result.stderr}"
    assert here[0]["field"] == case.field
    assert case.says in here[0].group(0)


@pytest.mark.parametrize("case", [c for c in CASES if c.id.startswith("hetu-")], ids=lambda c: c.id)
def test_a_personal_identity_code_is_never_echoed(case: Case, src: Path, out: Path) -> None:
    replace(src / case.file, case.old, case.new)
    result = refused(src, out)
    assert "131052-308T" not in result.output
    assert "henkilötunnus" in result.stderr


def test_a_typo_is_reported_once_not_also_as_a_missing_key(src: Path, out: Path) -> None:
    replace(src / VARHAIS, "title:\n  fi: Varhaiskasvatuksen", "titel:\n  fi: Varhaiskasvatuksen")
    result = refused(src, out)
    assert [m["field"] for m in problems(result)] == ["titel"]


def test_line_numbers_after_a_line_separator_stay_those_of_the_editor(src: Path, out: Path) -> None:
    replace(src / VARHAIS, HAKEMUKSET_FI, "      fi: Hake\u2028mukset\n")
    text = replace(src / VARHAIS, "section: sosiaalipalvelut", "section: sosiaalipalvelu")
    result = refused(src, out)
    line, column = position(text, "sosiaalipalvelu\n")
    assert any((m["field"], int(m["line"]), int(m["column"])) == ("section", line, column)
               for m in problems(result)), result.stderr


# -- several problems in one run --------------------------------------------------------------------


def test_every_problem_of_a_run_is_reported_sorted_by_file_and_line(src: Path, out: Path) -> None:
    replace(src / CATALOG, "  email: kustavi@kustavi.fi\n\nspatial", "  email: kustavi(at)kustavi.fi\n\nspatial")
    replace(src / VARHAIS, HAKEMUKSET_FI, "      FI: Hakemukset\n")
    replace(src / VARHAIS, "section: sosiaalipalvelut", "section: sosiaalipalvelu")
    replace(src / IKA, "themes: [SOCI, HEAL]", "themes: [SOCIAL, SOCI, HEAL]")

    result = refused(src, out)
    found = problems(result)
    assert result.stderr.startswith("4 problems in the source; nothing was written.")
    assert [(Path(m["file"]).name, m["field"]) for m in found] == [
        ("catalog.yaml", "contact_point.email"),
        ("ikaihmisten-palvelut.yaml", "themes[0]"),
        ("varhaiskasvatus.yaml", "section"),
        ("varhaiskasvatus.yaml", "datasets[1].title.FI"),
    ]
    keys = [(m["file"], int(m["line"]), int(m["column"])) for m in found]
    assert keys == sorted(keys)


def test_a_missing_catalogue_title_does_not_hide_a_bad_homepage(src: Path, out: Path) -> None:
    text = (src / CATALOG).read_text("utf-8")
    title = text.index("  title:\n    fi: Kustavin kunnan sosiaalipalveluiden tietovarannot")
    end = text.index("  description:", title)
    (src / CATALOG).write_text(text[:title] + text[end:], "utf-8")
    replace(src / CATALOG, "  homepage: https://www.kustavi.fi\n", "  homepage: www.kustavi.fi\n")
    result = refused(src, out)
    assert {m["field"] for m in problems(result)} == {"catalog.title", "publisher.homepage"}


def test_a_broken_catalogue_file_does_not_hide_problems_in_resources(src: Path, out: Path) -> None:
    replace(src / CATALOG, "  id: tietovarannot\n", "\tid: tietovarannot\n")
    replace(src / VARHAIS, HAKEMUKSET_FI, '      fi: ""\n')
    result = refused(src, out)
    assert [Path(m["file"]).name for m in problems(result)] == ["catalog.yaml", "varhaiskasvatus.yaml"]


# -- encodings and line ends ---------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_located(src: Path, out: Path) -> None:
    path = src / VARHAIS
    text = path.read_text("utf-8")
    line, column = position(text, "Hakemukset \u2013 Kustavin varhaiskasvatus\n", 1)
    data = text.encode("utf-8").replace(HAKEMUKSET_FI.encode("utf-8"),
                                           "      fi: Häkemukset\n".encode("cp1252"))
    path.write_bytes(data)

    result = refused(src, out)
    [m] = problems(result)
    assert (m["file"], int(m["line"]), int(m["column"])) == (str(path), line, column)
    assert "0xE4" in m["what"] and "`ä`" in m["what"] and "UTF-8" in m["fix"]


@pytest.mark.parametrize("change", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_line_ends_are_accepted(change: str, src: Path, tmp_path: Path) -> None:
    for path in [src / CATALOG, *sorted((src / "resources").glob("*.yaml"))]:
        data = path.read_bytes()
        if "crlf" in change:
            data = data.replace(b"\n", b"\r\n")
        if "bom" in change:
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)
    fresh, edited = tmp_path / "fresh", tmp_path / "edited"

    assert publish(SOURCE, fresh).exit_code == 0
    result = publish(src, edited)

    assert result.exit_code == 0, result.output
    assert snapshot(edited) == snapshot(fresh)


def test_crlf_does_not_shift_reported_lines(src: Path, out: Path) -> None:
    text = replace(src / VARHAIS, "section: sosiaalipalvelut", "section: sosiaalipalvelu")
    (src / VARHAIS).write_bytes(text.encode("utf-8").replace(b"\n", b"\r\n"))
    line, column = position(text, "sosiaalipalvelu\n")
    result = refused(src, out)
    [m] = problems(result)
    assert (int(m["line"]), int(m["column"]), m["field"]) == (line, column, "section")


def test_an_invalid_checksum_code_is_not_personal_data(src: Path, tmp_path: Path) -> None:
    replace(src / VARHAIS, "      fi: Hakemukset \u2013 tieto", "      fi: Hakemukset 131052-308A \u2013 tieto")
    result = publish(src, tmp_path / "out")
    assert result.exit_code == 0, result.output


# -- files and folders ----------------------------------------------------------------------------


def _one_file_problem(result: Result, file: Path, says: str) -> None:
    found = problems(result)
    assert any(m["file"] == str(file) and m["line"] == "1" and says in m.group(0) for m in found), result.stderr


def test_empty_source_folder(tmp_path: Path, out: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _one_file_problem(refused(empty, out), empty, "the source folder is empty")


def test_missing_source_folder(tmp_path: Path, out: Path) -> None:
    _one_file_problem(refused(tmp_path / "nowhere", out), tmp_path / "nowhere", "does not exist")


def test_missing_catalogue_file_names_the_near_miss(src: Path, out: Path) -> None:
    (src / CATALOG).rename(src / "catalog.yml")
    _one_file_problem(refused(src, out), src / CATALOG, "rename `catalog.yml` to `catalog.yaml`")


def test_folder_where_the_catalogue_file_should_be(src: Path, out: Path) -> None:
    (src / CATALOG).unlink()
    (src / CATALOG).mkdir()
    _one_file_problem(refused(src, out), src / CATALOG, "is a folder where a YAML file is expected")


def test_folder_where_a_resource_file_should_be(src: Path, out: Path) -> None:
    (src / "resources" / "uusi.yaml").mkdir()
    _one_file_problem(refused(src, out), src / "resources" / "uusi.yaml", "is a folder")


def test_misnamed_resources_folder_is_refused_not_published_empty(src: Path, out: Path) -> None:
    """Publishing no resources would remove every dataset from the portal at its next harvest."""
    (src / "resources").rename(src / "resource")
    _one_file_problem(refused(src, out), src / "resources", "rename `resource` to `resources`")


def test_resources_folder_without_records_is_refused(src: Path, out: Path) -> None:
    shutil.rmtree(src / "resources")
    (src / "resources").mkdir()
    _one_file_problem(refused(src, out), src / "resources", "holds no resource records")


def test_file_where_the_resources_folder_should_be(src: Path, out: Path) -> None:
    shutil.rmtree(src / "resources")
    (src / "resources").write_text("id: x\n")
    _one_file_problem(refused(src, out), src / "resources", "must be a folder")


def test_symlink_loop(src: Path, out: Path) -> None:
    os.symlink("b.yaml", src / "resources" / "a.yaml")
    os.symlink("a.yaml", src / "resources" / "b.yaml")
    result = refused(src, out)
    _one_file_problem(result, src / "resources" / "a.yaml", "link loop")
    _one_file_problem(result, src / "resources" / "b.yaml", "link loop")


def test_dangling_symlink(src: Path, out: Path) -> None:
    os.symlink("missing.yaml", src / "resources" / "linked.yaml")
    _one_file_problem(refused(src, out), src / "resources" / "linked.yaml", "does not exist")


def test_file_that_is_not_yaml_in_resources(src: Path, out: Path) -> None:
    (src / "resources" / "muistiinpanot.txt").write_text("notes\n")
    _one_file_problem(refused(src, out), src / "resources" / "muistiinpanot.txt", "must end in .yaml")


def test_empty_file(src: Path, out: Path) -> None:
    (src / VARHAIS).write_text("# nothing yet\n")
    _one_file_problem(refused(src, out), src / VARHAIS, "file is empty")


def test_file_holding_a_list_instead_of_a_record(src: Path, out: Path) -> None:
    (src / VARHAIS).write_text("- id: varhaiskasvatus\n")
    _one_file_problem(refused(src, out), src / VARHAIS, "expected a mapping")


def test_huge_file_is_refused_unread_in_bounded_time_and_memory(src: Path, out: Path) -> None:
    huge = src / "resources" / "valtava.yaml"
    with open(huge, "wb") as handle:  # sparse: 4 GiB on paper, nothing on disk
        handle.truncate(4 * 1024**3)
    tracemalloc.start()
    started = time.monotonic()
    result = refused(src, out)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    _one_file_problem(result, huge, "it was not read")
    assert elapsed < 5
    assert peak < 64 * 1024**2


def test_file_just_over_the_limit_is_refused(src: Path, out: Path) -> None:
    big = src / "resources" / "iso.yaml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    _one_file_problem(refused(src, out), big, "larger than")


@pytest.mark.slow
def test_deep_nesting_is_refused_with_its_place(src: Path, out: Path) -> None:
    deep = src / "resources" / "syva.yaml"
    deep.write_text("id: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = refused(src, out)
    [m] = [m for m in problems(result) if m["file"] == str(deep)]
    assert m["line"] == "1" and int(m["column"]) > 60 and "nested" in m["what"]


# -- the page's order of a section's information resources -----------------------------------------

ORDER = "resources: [varhaiskasvatus, ikaihmisten-palvelut, perhetyo-ja-aikuissosiaalityo]"


def test_an_unknown_id_in_a_sections_order_is_located_with_a_guess(src: Path, out: Path) -> None:
    text = replace(src / CATALOG, ORDER, ORDER.replace("ikaihmisten-palvelut,", "ikaihmisten-palvelu,"))
    line, column = position(text, "ikaihmisten-palvelu,")
    reported = problems(refused(src, out))
    found = {(m["field"], m["what"]) for m in reported}
    assert ("sections[0].resources[1]", "information resource `ikaihmisten-palvelu` is not defined") in found
    [m] = [m for m in reported if m["field"] == "sections[0].resources[1]"]
    assert (m["file"], int(m["line"]), int(m["column"])) == (str(src / CATALOG), line, column)
    assert "did you mean `ikaihmisten-palvelut`?" in m["fix"]
    # the resource left out of the list is reported too, at the list
    assert any(f == "sections[0].resources" and "`ikaihmisten-palvelut` of this section" in w for f, w in found)


def test_a_resource_missing_from_its_sections_order_is_named(src: Path, out: Path) -> None:
    text = replace(src / CATALOG, ORDER, ORDER.replace(", perhetyo-ja-aikuissosiaalityo", ""))
    line, column = position(text, "[varhaiskasvatus, ikaihmisten-palvelut]")
    [m] = problems(refused(src, out))
    assert (m["file"], int(m["line"]), int(m["column"]), m["field"]) == (str(src / CATALOG), line, column,
                                                                          "sections[0].resources")
    assert "`perhetyo-ja-aikuissosiaalityo` of this section" in m["what"]
    assert "add `- perhetyo-ja-aikuissosiaalityo`" in m["fix"]


def test_a_resource_listed_twice_is_refused(src: Path, out: Path) -> None:
    replace(src / CATALOG, ORDER, ORDER.replace("]", ", varhaiskasvatus]"))
    [m] = problems(refused(src, out))
    assert m["field"] == "sections[0].resources[3]" and "listed twice" in m["what"]


def test_a_resource_listed_under_another_section_is_refused(src: Path, out: Path) -> None:
    """A second section lists a resource of the first: both the wrong place and the gap are named."""
    text = (src / CATALOG).read_text("utf-8")
    second = ("  - id: muut\n    title: {fi: Muut tietovarannot}\n    description: {fi: Muut.}\n"
              "    resources: [perhetyo-ja-aikuissosiaalityo]\n\nservice:")
    (src / CATALOG).write_text(text.replace("\nservice:", "\n" + second, 1).replace(
        ORDER, ORDER.replace(", perhetyo-ja-aikuissosiaalityo", "")), "utf-8")
    found = {(m["field"], m["what"]) for m in problems(refused(src, out))}
    assert any(f == "sections[1].resources[0]" and "is in section `sosiaalipalvelut`" in w for f, w in found), found
    assert any(f == "sections[0].resources" and "`perhetyo-ja-aikuissosiaalityo` of this section" in w
               for f, w in found), found
