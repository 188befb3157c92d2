"""`kustavi-dcat import` through the command line: what a steward sees and the exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kustavi_dcat.cli import main
from kustavi_dcat.source.loader import load
from tests.conftest import seed_path

OWN_TEXT = Path(__file__).parent / "data" / "import" / "esimerkkila_sivistys.txt"
KUSTAVI_OPTIONS = ["--base-iri", "https://www.kustavi.fi/tietovarannot/", "--publisher-name", "Kustavin kunta",
                   "--email", "kustavi@kustavi.fi", "--homepage", "https://www.kustavi.fi",
                   "--municipality-code", "304", "--municipality-name", "Kustavi",
                   "--access-basis", "Salassa pidettävä (621/1999 24 § 1 mom. 25 k.; 812/2000 14 §)."]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_prints_files_and_counts_and_writes_a_loadable_source(tmp_path: Path) -> None:
    out = tmp_path / "src"
    code, stdout, stderr = _run("import", str(seed_path()), "--out", str(out), *KUSTAVI_OPTIONS)
    assert code == 0, stderr
    assert stderr == ""
    assert f"wrote {out / 'catalog.yaml'}" in stdout.splitlines()
    assert f"wrote {out / 'resources' / 'varhaiskasvatuksen-tietovaranto.yaml'}" in stdout.splitlines()
    assert ("3 information resources, 22 data sets, 9 systems, 2 search criteria, 1 cross-references"
            in stdout.splitlines())
    assert "to fill in" not in stdout
    assert len(load(out).resources) == 3


def test_import_then_publish(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(OWN_TEXT), "--out", str(tmp_path / "src"),
                           "--base-iri", "https://www.esimerkkila.fi/tietovarannot/",
                           "--publisher-name", "Esimerkkilän kunta", "--email", "kirjaamo@esimerkkila.fi",
                           "--municipality-code", "999", "--municipality-name", "Esimerkkilä",
                           "--access-basis", "Salassa pidettävä (621/1999 24 § 1 mom. 25 k.).")
    assert code == 0, stderr
    code, _, stderr = _run("publish", "--source", str(tmp_path / "src"), "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    assert (tmp_path / "out" / "catalog.ttl").is_file()


def test_warnings_go_to_stderr_with_their_line(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(OWN_TEXT), "--out", str(tmp_path / "src"), *KUSTAVI_OPTIONS)
    assert code == 0
    lines = stderr.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"warning: {OWN_TEXT}:") for line in lines)
    assert lines[0].startswith(f"warning: {OWN_TEXT}:7:1: the technical-interface statement says part")


def test_placeholders_are_listed_and_publish_refuses_them(tmp_path: Path) -> None:
    out = tmp_path / "src"
    code, stdout, _ = _run("import", str(seed_path()), "--out", str(out))
    assert code == 0
    assert "base IRI (--base-iri)" in stdout
    assert "e-mail address (--email)" in stdout
    code, _, stderr = _run("publish", "--source", str(out), "--out", str(tmp_path / "out"))
    assert code == 3
    assert "catalog.yaml:" in stderr and "catalog.base_iri" in stderr and "placeholder" in stderr
    assert not (tmp_path / "out").exists()


def test_an_unplaceable_line_exits_3_with_its_line_and_writes_nothing(tmp_path: Path) -> None:
    text = tmp_path / "page.txt"
    text.write_text(seed_path().read_text("utf-8") + "\n\nLisätietoja kirjaamosta\n", "utf-8")
    n = len(text.read_text("utf-8").split("\n")) - 1
    code, stdout, stderr = _run("import", str(text), "--out", str(tmp_path / "src"), *KUSTAVI_OPTIONS)
    assert code == 3
    assert f"{text}:{n}:1: cannot tell where `Lisätietoja kirjaamosta` belongs" in stderr
    assert "nothing was written" in stderr
    assert stdout == ""
    assert not (tmp_path / "src").exists()


def test_a_missing_text_file_exits_3(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "src"))
    assert code == 3
    assert "nope.txt:1:1: cannot be read" in stderr


def test_a_non_empty_out_folder_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "src"
    out.mkdir()
    (out / "catalog.yaml").write_text("# mine\n", "utf-8")
    code, _, stderr = _run("import", str(seed_path()), "--out", str(out), *KUSTAVI_OPTIONS)
    assert code == 2
    assert "not empty" in stderr
    assert (out / "catalog.yaml").read_text("utf-8") == "# mine\n"


def test_a_bad_option_value_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(seed_path()), "--out", str(tmp_path / "src"), "--base-iri", "kustavi.fi")
    assert code == 2
    assert "--base-iri" in stderr
    assert not (tmp_path / "src").exists()


def test_out_is_required(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(seed_path()))
    assert code == 2
    assert "--out" in stderr
