"""`kustavi-dcat init DIR`: a source folder another organisation can fill in, refused until it has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kustavi_dcat.cli import main
from kustavi_dcat.errors import SourceError
from kustavi_dcat.pipeline import publish
from kustavi_dcat.source.loader import load
from kustavi_dcat.source.yamlnodes import PLACEHOLDER_RE

FILLED = {
    "https://example.invalid/tietovarannot/": "https://www.esimerkkila.fi/tietovarannot/",
    "https://example.invalid/": "https://www.esimerkkila.fi/",
    "TODO@example.invalid": "kirjaamo@esimerkkila.fi",
    "code/TODO": "code/999",
}


def _fill(folder: Path) -> None:
    """Do what a steward does: replace every placeholder with a real value."""
    for path in folder.rglob("*.yaml"):
        text = path.read_text("utf-8")
        for old, new in FILLED.items():
            text = text.replace(old, new)
        text = re.sub(r"TODO: ([^\"\n]*)", r"Esimerkkilä \1", text)
        path.write_text(text, "utf-8")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_catalogue_and_one_example_resource(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    code, stdout, stderr = _run("init", str(target))
    assert code == 0, stderr
    assert stdout.splitlines()[:2] == [f"wrote {target / 'catalog.yaml'}",
                                       f"wrote {target / 'resources' / 'esimerkki.yaml'}"]
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "catalog.yaml", "resources/esimerkki.yaml"]


def test_the_scaffold_is_refused_until_every_placeholder_is_filled(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    _run("init", str(target))
    with pytest.raises(SourceError) as caught:
        load(target)
    problems = caught.value.problems
    assert problems, "an unfilled scaffold must not load"
    assert all("placeholder" in p.message for p in problems), [str(p) for p in problems]
    fields = {(Path(p.file).name, p.field) for p in problems}
    assert {("catalog.yaml", "catalog.base_iri"), ("catalog.yaml", "publisher.name.fi"),
            ("catalog.yaml", "contact_point.email"), ("catalog.yaml", "spatial[0].iri"),
            ("esimerkki.yaml", "title.fi"), ("esimerkki.yaml", "datasets[0].title.fi")} <= fields


def test_publish_of_an_unfilled_scaffold_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    _run("init", str(target))
    code, _, stderr = _run("publish", "--source", str(target), "--out", str(tmp_path / "out"))
    assert code == 3
    assert re.search(r"kunta/catalog\.yaml:\d+:\d+: catalog\.base_iri: .*placeholder", stderr)
    assert not (tmp_path / "out").exists()


def test_a_filled_scaffold_publishes_a_valid_catalogue(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    _run("init", str(target))
    _fill(target)
    values = [line for p in target.rglob("*.yaml") for line in p.read_text("utf-8").split("\n")
              if not line.lstrip().startswith("#")]
    assert not any(PLACEHOLDER_RE.search(line) for line in values)
    report = publish(target, tmp_path / "out")
    assert report.validation.conforms
    assert report.counts.datasets == 2  # the example resource and its example data set


def test_a_non_empty_folder_is_refused_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    target.mkdir()
    (target / "catalog.yaml").write_text("# my work\n", "utf-8")
    code, stdout, stderr = _run("init", str(target))
    assert code == 2
    assert "not empty" in stderr
    assert stdout == ""
    assert (target / "catalog.yaml").read_text("utf-8") == "# my work\n"
    assert [p.name for p in target.iterdir()] == ["catalog.yaml"]


def test_a_file_in_the_way_is_refused_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    target.write_text("not a folder", "utf-8")
    code, _, stderr = _run("init", str(target))
    assert code == 2
    assert "not a folder" in stderr
    assert target.read_text("utf-8") == "not a folder"


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    target.mkdir()
    code, _, _ = _run("init", str(target))
    assert code == 0
    assert (target / "catalog.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["kunta"]  # no staging folder left behind


def test_init_twice_keeps_the_first(tmp_path: Path) -> None:
    target = tmp_path / "kunta"
    _run("init", str(target))
    (target / "catalog.yaml").write_text("# edited\n", "utf-8")
    code, _, _ = _run("init", str(target))
    assert code == 2
    assert (target / "catalog.yaml").read_text("utf-8") == "# edited\n"


def test_an_unwritable_parent_exits_4(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    code, _, stderr = _run("init", str(blocker / "kunta"))
    assert code == 4
    assert "cannot write" in stderr
